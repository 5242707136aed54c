package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// nat64FilteredDesign is a VPC whose subnet-v6 (an IPv6-only interface,
// v6) sends 64:ff9b::/96 only to nat-a, a public NAT gateway in
// subnet-pub, whose ACL lets out IPv4 tcp 443 to 198.51.100.0/24 but
// 198.51.100.64/26 (entry 90 denies it), and whose route table sends
// 198.51.100.192/26 to a blackhole: beyond the translation, the IPv4
// filters and routes tell the addresses of the prefix apart.
func nat64FilteredDesign(t *testing.T) *reach.Model {
	t.Helper()
	pub := nacl.ACL{ID: "acl-pub", VPCID: "vpc-a", Subnets: []string{"subnet-pub"}, Entries: []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: bp("0.0.0.0/0")},
		{Number: 101, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: bp("::/0")},
		{Number: 90, Action: flow.Drop, Direction: flow.Outbound, Protocol: flow.TCP, CIDR: bp("198.51.100.64/26"), Ports: flow.PortRange{Lo: 443, Hi: 443}},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.TCP, CIDR: bp("198.51.100.0/24"), Ports: flow.PortRange{Lo: 443, Hi: 443}},
		{Number: 101, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: bp("::/0")},
	}}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:1::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true), pub).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{
				dnRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-a"), dnRoute("::/0", reach.TargetInternetGateway, "igw-a"),
				{Destination: bp("198.51.100.192/26"), Target: reach.TargetBlackhole}}},
			reach.RouteTable{ID: "rtb-v6", VPC: "vpc-a", Routes: []reach.Route{
				dnRoute("64:ff9b::/96", reach.TargetNATGateway, "nat-a")}}).
		AddSubnet(
			reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:1:1::/64")}, RouteTable: "rtb-pub", ACL: "acl-pub"},
			reach.Subnet{ID: "subnet-v6", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("2600:1f18:1:3::/64")}, RouteTable: "rtb-v6"}).
		AddNATGateway(reach.NATGateway{ID: "nat-a", Subnet: "subnet-pub", PrivateIP: ba("10.0.1.5"), PublicIP: ba("54.0.0.5")}).
		AddSecurityGroup(openGroup("sg-open"))
	b.AddInterface(reach.Interface{ID: "eni-v6", Name: "v6", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2600:1f18:1:3::10")}, Groups: []string{"sg-open"}})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// nat64Image is the address of 64:ff9b::/96 that holds the IPv4 address
// v4 (RFC 6052).
func nat64Image(v4 netip.Addr) netip.Addr {
	b, a := netip.MustParseAddr("64:ff9b::").As16(), v4.As4()
	copy(b[12:], a[:])
	return netip.AddrFrom16(b)
}

// TestMatrixNAT64InternetCells: through a NAT gateway's NAT64, an IPv6
// session to 64:ff9b::a.b.c.d goes on as the IPv4 session to a.b.c.d
// (doc.go; AWS "DNS64 and NAT64",
// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html),
// which the NAT gateway subnet's ACL and route table judge (semantics.md
// B.5). An IPv6 matrix's internet cell from v6 holds tcp 443, reachable
// at exactly the images of 198.51.100.0/26 and 198.51.100.128/26, as
// Verdict says at each atom's first and last address. It used to leave
// the prefix out, with a note (and before that judged the whole prefix
// by 64:ff9b:: alone).
func TestMatrixNAT64InternetCells(t *testing.T) {
	m := nat64FilteredDesign(t)
	want := addrset.Of(bp("64:ff9b::c633:6400/122"), bp("64:ff9b::c633:6480/122"))
	for _, tt := range []struct {
		name string
		fast bool
	}{{"factored", true}, {"every pair walked whole", false}} {
		t.Run(tt.name, func(t *testing.T) {
			mx, spans, err := reach.MatrixInternetSpans(m, reach.MatrixOptions{IPv6: true, Workers: 1}, tt.fast)
			require.NoError(t, err)
			assert.Empty(t, mx.Notes)
			cls := mx.Classes[slices.IndexFunc(mx.Classes, func(c reach.Class) bool {
				return slices.ContainsFunc(c.Members, func(mb reach.ClassMember) bool { return mb.ID == "eni-v6" })
			})].Name
			cell := brute.CellOf(mx, cls, reach.InternetNode)
			assert.Equal(t, "443", cell.Allowed.TCP.String(), mx.Text())
			var got []addrset.Range
			for _, s := range spans[[2]string{cls, reach.InternetNode}] {
				if s.Allowed.TCP.Contains(443) {
					got = append(got, addrset.Range{From: s.From, To: s.To})
				}
				for _, a := range []netip.Addr{s.From, s.To} {
					v, err := m.Verdict(reach.Query{From: "v6", To: a.String(), Protocol: flow.TCP, Port: 443, IPv6: true})
					require.NoError(t, err)
					assert.Equal(t, v == reach.Reachable, s.Allowed.TCP.Contains(443), "%s: %s", a, v)
				}
			}
			assert.Equal(t, want.Prefixes(), addrset.OfRanges(got...).Prefixes())
			for _, v4 := range []string{"198.51.100.0", "198.51.100.63", "198.51.100.64", "198.51.100.127", "198.51.100.128", "198.51.100.191", "198.51.100.192", "198.51.100.255", "198.51.99.255", "198.51.101.0", "0.0.0.0", "255.255.255.255"} {
				a := nat64Image(ba(v4))
				v, err := m.Verdict(reach.Query{From: "v6", To: a.String(), Protocol: flow.TCP, Port: 443, IPv6: true})
				require.NoError(t, err)
				assert.Equal(t, want.Contains(a), v == reach.Reachable, "%s (%s): %s", a, v4, v)
			}
		})
	}
	mx4, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	assert.Empty(t, mx4.Notes)
}

// TestMatrixNAT64ForkingApplianceLeftOut: where a route sends the NAT64
// prefix to an appliance whose subnet routes the unchanged packet to a
// NAT gateway, the appliance may translate it (a NAT64 instance) or
// forward it unchanged, and Check walks both (nat64_fork.go); the
// matrix's walks of a middle follow one path, so an IPv6 Matrix and Diff
// leave the prefix out of their internet cells, with a note, rather than
// answer it by one possibility. Where the appliance's subnet dooms the
// unchanged packet (a route to the internet gateway), there is nothing
// to fork and no note.
func TestMatrixNAT64ForkingApplianceLeftOut(t *testing.T) {
	for _, tt := range []struct {
		name  string
		route reach.Route // rtb-pub's route for the prefix: the appliance's subnet's
		fork  bool
	}{
		{"the appliance's subnet routes the prefix to a NAT gateway", dnRoute("64:ff9b::/96", reach.TargetNATGateway, "nat-b"), true},
		{"the appliance's subnet sends the prefix to the internet gateway", dnRoute("64:ff9b::/96", reach.TargetInternetGateway, "igw-a"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := nat64RandomDesign{
				v6Routes: []reach.Route{dnRoute("64:ff9b::/96", reach.TargetInterface, "eni-x")},
				pubOut:   []nacl.Entry{{Number: 95, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: bp("0.0.0.0/0")}},
				v6Out:    []sg.Rule{{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6}},
				xOut:     []sg.Rule{{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}},
			}
			d.pubRoutes = []reach.Route{tt.route}
			m := d.build(t)
			mx, spans, err := reach.MatrixInternetSpans(m, reach.MatrixOptions{IPv6: true, Workers: 1}, true)
			require.NoError(t, err)
			public, err := m.Matrix(reach.MatrixOptions{IPv6: true, Workers: 1})
			require.NoError(t, err)
			inPrefix := 0
			for _, ss := range spans {
				for _, s := range ss {
					if bp("64:ff9b::/96").Contains(s.From) {
						inPrefix++
					}
				}
			}
			after, err := m.Apply([]reach.Change{{Action: reach.ChangeAdd, Kind: reach.ResourceNetworkACL, Resource: "acl-pub",
				Entry: &nacl.Entry{Number: 90, Action: flow.Drop, Direction: flow.Outbound, Protocol: flow.TCP, CIDR: bp("198.51.100.7/32"), Ports: flow.PortRange{Lo: 443, Hi: 443}}}})
			require.NoError(t, err)
			d2, err := reach.Diff(m, after, reach.DiffOptions{IPv6: true, Workers: 1})
			require.NoError(t, err)
			if tt.fork {
				assert.Zero(t, inPrefix, mx.Text())
				require.Len(t, public.Notes, 1)
				assert.Contains(t, public.Notes[0], "NAT64 addresses (64:ff9b::/96) are left out of the internet cells")
				assert.Equal(t, public.Notes, d2.Notes)
				v, err := m.Verdict(reach.Query{From: "v6", To: "64:ff9b::c633:6407", Protocol: flow.TCP, Port: 443, IPv6: true})
				require.NoError(t, err)
				assert.NotEqual(t, reach.Unreachable, v, "check walks both possibilities")
				return
			}
			assert.Positive(t, inPrefix, mx.Text())
			assert.Empty(t, public.Notes)
			assert.Empty(t, d2.Notes)
			pc, ok := dnPairChange(d2, "eni-v6")
			require.True(t, ok, d2.Text())
			require.Len(t, pc.Addresses, 1, d2.Text())
			assert.Equal(t, []netip.Prefix{bp("64:ff9b::c633:6407/128")}, pc.Addresses[0].Addresses, d2.Text())
			assert.True(t, pc.Addresses[0].IndeterminateLost.TCP.Contains(443), d2.Text())
		})
	}
}

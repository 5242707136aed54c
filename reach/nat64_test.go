package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// nat64Design is vpc-a (10.0.0.0/16, 2001:db8:10::/56) with a public
// subnet (nat-1: 10.0.0.5, Elastic IP 198.51.100.5), an IPv6-only
// subnet whose table sends 64:ff9b::/96 to nat-1 (v6only,
// 2001:db8:10:1::10), an IPv6-only subnet whose table sends
// 64:ff9b::/96 to the private nat-p (10.0.3.5) and ::/0 to nat-1
// (v6priv, 2001:db8:10:4::10), and an IPv4 server (srv, 10.0.2.20) whose
// group allows tcp/443 from the NAT gateways' private addresses only.
func nat64Design() *reach.Builder {
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2001:db8:10::/56")}, MainRouteTable: "rtb-main", DefaultACL: "acl-a"})
	b.AddRouteTable(
		reach.RouteTable{ID: "rtb-main", VPC: "vpc-a"},
		reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}},
		reach.RouteTable{ID: "rtb-v6only", VPC: "vpc-a", Routes: []reach.Route{{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-1"}}},
		reach.RouteTable{ID: "rtb-v6priv", VPC: "vpc-a", Routes: []reach.Route{
			{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-p"},
			{Destination: bp("::/0"), Target: reach.TargetNATGateway, TargetID: "nat-1"}}},
	)
	b.AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true))
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"})
	srv := sg.Group{ID: "sg-srv", Name: "srv", VPCID: "vpc-a", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.CIDR("10.0.0.5/32")},
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.CIDR("10.0.3.5/32")},
	}}
	b.AddSecurityGroup(openGroup("sg-open"), srv)
	b.AddSubnet(
		reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/24"), bp("2001:db8:10::/64")}, RouteTable: "rtb-pub"},
		reach.Subnet{ID: "subnet-v6", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("2001:db8:10:1::/64")}, RouteTable: "rtb-v6only"},
		reach.Subnet{ID: "subnet-srv", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.2.0/24")}},
		reach.Subnet{ID: "subnet-priv", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.3.0/24")}},
		reach.Subnet{ID: "subnet-v6priv", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("2001:db8:10:4::/64")}, RouteTable: "rtb-v6priv"},
	)
	b.AddNATGateway(
		reach.NATGateway{ID: "nat-1", Subnet: "subnet-pub", PrivateIP: ba("10.0.0.5"), PublicIP: ba("198.51.100.5")},
		reach.NATGateway{ID: "nat-p", Subnet: "subnet-priv", PrivateIP: ba("10.0.3.5"), Private: true})
	b.AddInterface(
		reach.Interface{ID: "eni-v6", Name: "v6only", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2001:db8:10:1::10")}, Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-v6p", Name: "v6priv", Subnet: "subnet-v6priv", PrivateIPs: []netip.Addr{ba("2001:db8:10:4::10")}, Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-srv", Name: "srv", Subnet: "subnet-srv", PrivateIPs: []netip.Addr{ba("10.0.2.20")}, Groups: []string{"sg-srv"}})
	return b
}

// NAT64: an AWS NAT gateway translates IPv6 to IPv4 for the well-known
// prefix 64:ff9b::/96 routed to it: the source to its private IPv4
// address, the destination to the IPv4 address the prefix holds, and the
// reply back (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html).
func TestNAT64(t *testing.T) {
	m, err := nat64Design().Build()
	require.NoError(t, err)
	ref := buildReference(t, nat64Design().Build) // the slow reference walk
	for _, tc := range []struct {
		name, flow string
		want       reach.Outcome
		code       reach.Code
		// at, the request's packet as it reaches the hop of that kind
		at   reach.Kind
		seen string
	}{
		{name: "public NAT64 to the internet", flow: "tcp [2001:db8:10:1::10]:50000 -> [64:ff9b::5db8:d822]:443", want: reach.Reachable,
			at: reach.KindInternet, seen: "tcp 198.51.100.5:50000 -> 93.184.216.34:443"},
		{name: "public NAT64 to an IPv4 server of the VPC", flow: "tcp [2001:db8:10:1::10]:50000 -> [64:ff9b::a00:214]:443", want: reach.Reachable,
			at: reach.KindSecurityGroups, seen: "tcp 10.0.0.5:50000 -> 10.0.2.20:443"},
		{name: "private NAT64", flow: "tcp [2001:db8:10:4::10]:50000 -> [64:ff9b::a00:214]:443", want: reach.Reachable,
			at: reach.KindSecurityGroups, seen: "tcp 10.0.3.5:50000 -> 10.0.2.20:443"},
		{name: "private NAT64 never reaches the internet", flow: "tcp [2001:db8:10:4::10]:50000 -> [64:ff9b::5db8:d822]:443", want: reach.Unreachable, code: reach.NoRoute},
		{name: "the translated packet meets the server's group", flow: "tcp [2001:db8:10:1::10]:50000 -> [64:ff9b::a00:214]:22", want: reach.Unreachable, code: reach.SGNoAllow},
		{name: "udp", flow: "udp [2001:db8:10:1::10]:50000 -> [64:ff9b::5db8:d822]:53", want: reach.Reachable},
		{name: "ICMPv6 through NAT64 is not modelled", flow: "icmpv6 [2001:db8:10:1::10] -> [64:ff9b::5db8:d822] type 128 code 0", want: reach.Indeterminate, code: reach.UnmodelledTarget},
		{name: "IPv6 outside the NAT64 prefix", flow: "tcp [2001:db8:10:4::10]:50000 -> [2001:db8:99::1]:443", want: reach.Unreachable, code: reach.NoRoute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := flow.MustParse(tc.flow)
			r, err := m.CheckFlow(f)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.VerdictFlow(f)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "VerdictFlow")
			want, err := ref.CheckFlow(f)
			require.NoError(t, err)
			assert.Equal(t, pathOf(want), pathOf(r), "the slow reference walk")
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
			if tc.at != "" {
				var seen []string
				for _, h := range r.Forward {
					if h.Kind == tc.at {
						seen = append(seen, h.Packet.String())
					}
				}
				assert.Contains(t, seen, tc.seen, r.Text())
			}
			if tc.want == reach.Reachable {
				nat := r.Forward[slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindNATGateway })]
				assert.Contains(t, nat.Reason(), "NAT64", r.Text())
				last := r.Return[len(r.Return)-1]
				assert.Equal(t, f.Dst.Addr(), last.Packet.Src.Addr(), "the reply is translated back:\n%s", r.Text())
				assert.Equal(t, f.Src, last.Packet.Dst, r.Text())
			}
		})
	}

	// Ports agrees: the translated packets meet the server's group.
	p, err := m.Ports(reach.PortsQuery{From: "v6only", To: "64:ff9b::a00:214", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.Equal(t, "443", p.Open.String())
}

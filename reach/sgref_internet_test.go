package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// internetRefDesign: vpc-1 (a: 10.0.1.10, 2600:1f18:1::a, group sg-a;
// a2: 10.0.1.11, 2600:1f18:1::a2, group sg-a) and vpc-2 (b: 10.1.1.20,
// 2600:1f18:2::b, group sg-b), peered over pcx-1 for IPv4 only; each
// VPC sends ::/0 to its internet gateway (vpc-1 to its egress-only
// internet gateway when eigw). sg-b's inbound rules are in.
func internetRefDesign(t *testing.T, eigw bool, in ...sg.Rule) *reach.Model {
	t.Helper()
	out := []sg.Rule{
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
	}
	ga := sg.Group{ID: "sg-a", VPCID: "vpc-1", Rules: append([]sg.Rule{
		{ID: "sgr-self", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-a")}}, out...)}
	gb := sg.Group{ID: "sg-b", VPCID: "vpc-2", Rules: append(append([]sg.Rule{}, in...), out...)}
	v6out := reach.Route{Destination: netip.MustParsePrefix("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}
	if eigw {
		v6out = reach.Route{Destination: netip.MustParsePrefix("::/0"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-1"}
	}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16"), netip.MustParsePrefix("2600:1f18:1::/56")}, MainRouteTable: "rtb-1", DefaultACL: "acl-1"},
			reach.VPC{ID: "vpc-2", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("2600:1f18:2::/56")}, MainRouteTable: "rtb-2", DefaultACL: "acl-2"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}, reach.InternetGatewaySpec{ID: "igw-2", VPC: "vpc-2"}).
		AddPeering(reach.Peering{ID: "pcx-1", RequesterVPC: "vpc-1", AccepterVPC: "vpc-2", Status: "active"}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-1", VPC: "vpc-1", Routes: []reach.Route{
				{Destination: netip.MustParsePrefix("10.1.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-1"}, v6out}},
			reach.RouteTable{ID: "rtb-2", VPC: "vpc-2", Routes: []reach.Route{
				{Destination: netip.MustParsePrefix("10.0.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-1"},
				{Destination: netip.MustParsePrefix("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-2"}}}).
		AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", true), nacl.NewDefault("acl-2", "vpc-2", true)).
		AddSubnet(reach.Subnet{ID: "subnet-1", VPC: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24"), netip.MustParsePrefix("2600:1f18:1::/64")}},
			reach.Subnet{ID: "subnet-2", VPC: "vpc-2", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.1.0/24"), netip.MustParsePrefix("2600:1f18:2::/64")}}).
		AddSecurityGroup(ga, gb).
		AddInterface(
			reach.Interface{ID: "eni-a", Name: "a", Subnet: "subnet-1", Groups: []string{"sg-a"},
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.10"), netip.MustParseAddr("2600:1f18:1::a")}},
			reach.Interface{ID: "eni-a2", Name: "a2", Subnet: "subnet-1", Groups: []string{"sg-a"},
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.11"), netip.MustParseAddr("2600:1f18:1::a2")}},
			reach.Interface{ID: "eni-b", Name: "b", Subnet: "subnet-2", Groups: []string{"sg-b"},
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.1.20"), netip.MustParseAddr("2600:1f18:2::b")}})
	if eigw {
		b.AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-1", VPC: "vpc-1"})
	}
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// A security group reference matches a member's packet only over a path
// that keeps its group identity (the same VPC, a peering, a transit
// gateway with referencing support; semantics A.4). The internet carries
// none: an IPv6 packet that leaves one VPC through its internet gateway
// (or egress-only one) and comes into the peer VPC through that VPC's
// internet gateway keeps the member's address, but no reference matches
// it, and the fix of its block offers none. Over the peering (IPv4) and
// inside a VPC the reference matches. Verdict and the set questions
// (Ports, Sources, Matrix, Audit) agree with Check.
func TestReferenceDoesNotMatchAcrossTheInternet(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	ref := sg.Rule{ID: "sgr-ref", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-a")}
	byAddr := sg.Rule{ID: "sgr-addr", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("2600:1f18:1::a/128")}
	tests := []struct {
		name     string
		eigw     bool
		in       []sg.Rule
		from, to string
		port     uint16
		want     reach.Outcome
		detail   string // a detail of the blocking inbound hop
		notInFix string // what the blocks' fixes must not offer
		inFix    string // what the inbound block's fix offers
	}{
		{name: "IPv4 over the peering", in: []sg.Rule{ref}, from: "a", to: "b", port: 22, want: reach.Reachable},
		{name: "IPv6 over the internet gateways", in: []sg.Rule{ref}, from: "2600:1f18:1::a", to: "2600:1f18:2::b", port: 22,
			want: reach.Unreachable, detail: "crossed the internet", notInFix: "sg-a", inFix: "2600:1f18:1::a/128"},
		{name: "IPv6 out an egress-only gateway, in an internet gateway", eigw: true, in: []sg.Rule{ref}, from: "2600:1f18:1::a", to: "2600:1f18:2::b", port: 22,
			want: reach.Unreachable, detail: "crossed the internet", notInFix: "sg-a", inFix: "2600:1f18:1::a/128"},
		{name: "IPv6 over the internet, blocked port: no group in the fix", in: []sg.Rule{ref}, from: "2600:1f18:1::a", to: "2600:1f18:2::b", port: 23,
			want: reach.Unreachable, notInFix: "sg-a", inFix: "2600:1f18:1::a/128"},
		{name: "IPv6 over the internet by address", in: []sg.Rule{byAddr}, from: "2600:1f18:1::a", to: "2600:1f18:2::b", port: 22, want: reach.Reachable},
		{name: "IPv6 inside the VPC", in: []sg.Rule{ref}, from: "2600:1f18:1::a", to: "2600:1f18:1::a2", port: 22, want: reach.Reachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := internetRefDesign(t, tt.eigw, tt.in...)
			q := reach.Query{From: tt.from, To: tt.to, Protocol: flow.TCP, Port: tt.port}
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tt.want, r.Outcome, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, v)
			if tt.want == reach.Unreachable {
				require.NotEmpty(t, r.Blocks, r.Text())
				var in *reach.Hop
				for i := range r.Forward {
					if h := &r.Forward[i]; h.Kind == reach.KindSecurityGroups && h.Direction == flow.Inbound && h.Code == reach.SGNoAllow {
						in = h
					}
				}
				require.NotNil(t, in, r.Text())
				if tt.detail != "" {
					assert.Contains(t, strings.Join(in.Details(), "\n"), tt.detail, r.Text())
				}
				assert.Contains(t, in.Fix, tt.inFix)
				for _, b := range r.Blocks {
					assert.NotContains(t, b.Fix, tt.notInFix, "a reference cannot match across the internet: %+v", b)
				}
			}
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports:   []reach.PortsQuery{{From: "a", To: "b", Protocol: flow.TCP, IPv6: true}, {From: "a", To: "b", Protocol: flow.TCP}},
				Step:    211,
				Sources: []reach.SourcesQuery{{To: "b", Protocol: flow.TCP, Port: 22, IPv6: true}, {To: "b", Protocol: flow.TCP, Port: 22}},
				IPv6:    true,
				Few:     true,
			})
		})
	}
}

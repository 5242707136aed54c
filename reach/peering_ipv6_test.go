package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// dualPeered is two dual-stack VPCs joined by pcx-ab: A sends everything
// (0.0.0.0/0, ::/0) to the peering; B sends IPv4 to its internet gateway
// and IPv6 to its egress-only one. One open instance each.
func dualPeered(t *testing.T) *reach.Model {
	t.Helper()
	open := sg.Group{Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
	}}
	b := reach.NewBuilder()
	for _, v := range []struct{ n, v4, v6, sub4, sub6, ip4, ip6 string }{
		{"a", "10.1.0.0/16", "2600:1f18:a::/56", "10.1.1.0/24", "2600:1f18:a:1::/64", "10.1.1.10", "2600:1f18:a:1::10"},
		{"b", "10.2.0.0/16", "2600:1f18:b::/56", "10.2.1.0/24", "2600:1f18:b:1::/64", "10.2.1.10", "2600:1f18:b:1::10"},
	} {
		g := open
		g.ID, g.VPCID = "sg-"+v.n, "vpc-"+v.n
		b.AddVPC(reach.VPC{ID: "vpc-" + v.n, CIDRs: []netip.Prefix{netip.MustParsePrefix(v.v4), netip.MustParsePrefix(v.v6)}, MainRouteTable: "rtb-" + v.n, DefaultACL: "acl-" + v.n}).
			AddNetworkACL(nacl.NewDefault("acl-"+v.n, "vpc-"+v.n, true)).
			AddSubnet(reach.Subnet{ID: "subnet-" + v.n, VPC: "vpc-" + v.n, CIDRs: []netip.Prefix{netip.MustParsePrefix(v.sub4), netip.MustParsePrefix(v.sub6)}}).
			AddSecurityGroup(g).
			AddInterface(reach.Interface{ID: "eni-" + v.n, Name: v.n, Subnet: "subnet-" + v.n, Groups: []string{g.ID},
				PrivateIPs: []netip.Addr{netip.MustParseAddr(v.ip4), netip.MustParseAddr(v.ip6)}})
	}
	b.AddPeering(reach.Peering{ID: "pcx-ab", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b", Status: "active"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-b", VPC: "vpc-b"}).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-b", VPC: "vpc-b"}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{pr("10.2.0.0/16", "pcx-ab"), pr("0.0.0.0/0", "pcx-ab"),
				pr("2600:1f18:b::/56", "pcx-ab"), pr("::/0", "pcx-ab")}},
			reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{pr("10.1.0.0/16", "pcx-ab"), pr("0.0.0.0/0", "igw-b"),
				pr("2600:1f18:a::/56", "pcx-ab"),
				{Destination: netip.MustParsePrefix("::/0"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-b"}}})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// TestPeeringIsNotEdgeToEdgeWordsEachFamily: the hop that stops a packet
// sent across a peering toward the peer's way out names the ways out of
// the packet's family: IPv6 leaves through an internet gateway or an
// egress-only one (a NAT gateway translates IPv6 only as NAT64), IPv4
// through an internet or NAT gateway.
func TestPeeringIsNotEdgeToEdgeWordsEachFamily(t *testing.T) {
	m := dualPeered(t)
	tests := []struct {
		name              string
		to                string
		reasonHas, fixHas string
		reasonHasNot      string
		fixHasNot         string
	}{
		{"IPv6 toward B's egress-only gateway", "2001:4860:4860::8888", "egress-only internet gateway", "an egress-only one", "", "NAT gateway"},
		{"IPv4 toward B's internet gateway", "8.8.8.8", "NAT gateways", "an internet or NAT gateway", "egress-only", "egress-only"},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			r := check(t, m, tcp("a", c.to, 443))
			require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			last := r.Forward[len(r.Forward)-1]
			require.Equal(t, reach.PeeringAddressOutsideVPC, last.Code, r.Text())
			assert.Contains(t, last.Reason(), c.reasonHas)
			assert.Contains(t, last.Fix, c.fixHas)
			if c.reasonHasNot != "" {
				assert.NotContains(t, last.Reason(), c.reasonHasNot)
			}
			assert.NotContains(t, last.Fix, c.fixHasNot)
		})
	}
}

// TestICMPv6BetweenNamedInterfacesSaysHowToAskIPv6: icmpv6 between
// interfaces named without addresses asks their IPv4 addresses unless
// the query sets IPv6; the error says so (icmp with IPv6 likewise), and
// with IPv6 set the question is answered.
func TestICMPv6BetweenNamedInterfacesSaysHowToAskIPv6(t *testing.T) {
	m := dualPeered(t)
	_, err := m.Check(reach.Query{From: "a", To: "b", Protocol: flow.ICMPv6})
	require.ErrorIs(t, err, reach.ErrQuery)
	assert.Contains(t, err.Error(), "icmpv6 is IPv6 only")
	assert.Contains(t, err.Error(), "--ipv6")
	_, err = m.Check(reach.Query{From: "a", To: "b", Protocol: flow.ICMP, IPv6: true})
	require.ErrorIs(t, err, reach.ErrQuery)
	assert.Contains(t, err.Error(), "icmp is IPv4 only")
	_, err = m.Check(reach.Query{From: "10.1.1.10", To: "10.2.1.10", Protocol: flow.ICMPv6})
	require.ErrorIs(t, err, reach.ErrQuery)
	assert.NotContains(t, err.Error(), "--ipv6", "addresses decide the family themselves")
	r, err := m.Check(reach.Query{From: "a", To: "b", Protocol: flow.ICMPv6, IPv6: true})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
}

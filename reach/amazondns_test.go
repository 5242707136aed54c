package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// dnsDesign is vpc-a (10.20.0.0/16 primary, 10.99.0.0/16 secondary,
// 2001:db8:20::/56) with app (10.20.1.10, 2001:db8:20:1::10) in a subnet
// whose ACL denies everything and whose group allows nothing out, and
// vpc-b (10.30.0.0/16) peered with it, with b-1 (10.30.1.10) open both
// ways and routes to vpc-a.
func dnsDesign(disabled bool) *reach.Builder {
	b := reach.NewBuilder()
	b.AddVPC(
		reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.20.0.0/16"), bp("10.99.0.0/16"), bp("2001:db8:20::/56")},
			MainRouteTable: "rtb-a", DefaultACL: "acl-a", DNSSupportDisabled: disabled},
		reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{bp("10.30.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"})
	b.AddRouteTable(
		reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{{Destination: bp("10.30.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-ab"}}},
		reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{{Destination: bp("10.20.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-ab"}}})
	closed := nacl.NewDefault("acl-closed", "vpc-a", true)
	closed.Entries = nil
	b.AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true), nacl.NewDefault("acl-b", "vpc-b", true), closed)
	b.AddPeering(reach.Peering{ID: "pcx-ab", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b", Status: "active"})
	b.AddSecurityGroup(sg.Group{ID: "sg-shut", Name: "shut", VPCID: "vpc-a"}, openGroup("sg-open-b"))
	b.AddSubnet(
		reach.Subnet{ID: "subnet-app", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.20.1.0/24"), bp("2001:db8:20:1::/64")}, ACL: "acl-closed"},
		reach.Subnet{ID: "subnet-b", VPC: "vpc-b", CIDRs: []netip.Prefix{bp("10.30.1.0/24")}})
	b.AddInterface(
		reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ba("10.20.1.10"), ba("2001:db8:20:1::10")}, Groups: []string{"sg-shut"}},
		reach.Interface{ID: "eni-b", Name: "b-1", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ba("10.30.1.10")}, Groups: []string{"sg-open-b"}})
	return b
}

// The Amazon DNS server answers DNS from the VPC's own instances at the
// base of its primary IPv4 block plus two and at 169.254.169.253 (and
// fd00:ec2::253 on Nitro instances); security groups and network ACLs
// do not filter it; it answers nothing but DNS and nobody outside the
// VPC (https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html,
// https://docs.aws.amazon.com/vpc/latest/userguide/nacl-basics.html).
func TestAmazonDNSServer(t *testing.T) {
	for _, tc := range []struct {
		name     string
		disabled bool
		q        reach.Query
		want     reach.Outcome
		code     reach.Code
	}{
		{name: "udp 53 at base plus two, past a shut group and ACL", q: reach.Query{From: "app", To: "10.20.0.2", Protocol: flow.UDP, Port: 53}, want: reach.Reachable},
		{name: "tcp 53 at base plus two", q: reach.Query{From: "app", To: "10.20.0.2", Protocol: flow.TCP, Port: 53}, want: reach.Reachable},
		{name: "udp 53 at 169.254.169.253", q: reach.Query{From: "app", To: "169.254.169.253", Protocol: flow.UDP, Port: 53}, want: reach.Reachable},
		{name: "the secondary block's base plus two is no DNS server", q: reach.Query{From: "app", To: "10.99.0.2", Protocol: flow.UDP, Port: 53}, want: reach.Unreachable, code: reach.UnknownDestination},
		{name: "not DNS", q: reach.Query{From: "app", To: "10.20.0.2", Protocol: flow.TCP, Port: 22}, want: reach.Unreachable, code: reach.AmazonDNSOnlyDNS},
		{name: "udp to another port", q: reach.Query{From: "app", To: "169.254.169.253", Protocol: flow.UDP, Port: 5353}, want: reach.Unreachable, code: reach.AmazonDNSOnlyDNS},
		{name: "ping", q: reach.Query{From: "app", To: "10.20.0.2", Protocol: flow.ICMP}, want: reach.Unreachable, code: reach.AmazonDNSOnlyDNS},
		{name: "IPv6 on Nitro only", q: reach.Query{From: "app", To: "fd00:ec2::253", Protocol: flow.UDP, Port: 53}, want: reach.Indeterminate, code: reach.AmazonDNSIndeterminate},
		{name: "from a peered VPC", q: reach.Query{From: "b-1", To: "10.20.0.2", Protocol: flow.UDP, Port: 53}, want: reach.Unreachable, code: reach.AmazonDNSOutsideVPC},
		{name: "DNS support off", disabled: true, q: reach.Query{From: "app", To: "10.20.0.2", Protocol: flow.UDP, Port: 53}, want: reach.Unreachable, code: reach.AmazonDNSDisabled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := dnsDesign(tc.disabled).Build()
			require.NoError(t, err)
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			want, err := buildReference(t, dnsDesign(tc.disabled).Build).Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, pathOf(want), pathOf(r), "the slow reference walk")
			require.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict")
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
			if tc.want == reach.Reachable {
				require.Len(t, r.Forward, 1, r.Text())
				require.Len(t, r.Return, 1, r.Text())
				for _, h := range append(r.Forward, r.Return...) {
					assert.Equal(t, reach.KindAmazonDNS, h.Kind)
					assert.Equal(t, "vpc-a", h.ID)
				}
				assert.Contains(t, r.To, "Amazon DNS server")
				assert.Contains(t, r.Text(), "Amazon DNS server (Route 53 Resolver) of vpc-a")
			}
		})
	}
}

// Ports and Sources agree with single checks: the DNS server is open on
// port 53 only, to the VPC's own interfaces only.
func TestAmazonDNSSetQuestions(t *testing.T) {
	m, err := dnsDesign(false).Build()
	require.NoError(t, err)
	for _, proto := range []flow.Protocol{flow.UDP, flow.TCP} {
		p, err := m.Ports(reach.PortsQuery{From: "app", To: "10.20.0.2", Protocol: proto})
		require.NoError(t, err)
		assert.Equal(t, "53", p.Open.String(), "%s", proto)
		assert.True(t, p.Indeterminate.IsEmpty(), "%s", proto)
		require.NotEmpty(t, p.Cuts)
		assert.Equal(t, reach.AmazonDNSOnlyDNS, p.Cuts[0].Code)
	}
	icmp, err := m.Ports(reach.PortsQuery{From: "app", To: "169.254.169.253", Protocol: flow.ICMP})
	require.NoError(t, err)
	assert.Empty(t, icmp.ICMP)

	s, err := m.Sources(reach.SourcesQuery{To: "10.20.0.2", Protocol: flow.UDP, Port: 53})
	require.NoError(t, err)
	require.Len(t, s.Interfaces, 1)
	assert.Equal(t, "eni-app", s.Interfaces[0].ID)
	assert.Equal(t, reach.Reachable, s.Interfaces[0].Outcome)
	assert.Empty(t, s.Internet)

	_, err = m.Check(reach.Query{From: "10.20.0.2", To: "app", Protocol: flow.UDP, Port: 53})
	require.ErrorIs(t, err, reach.ErrQuery, "the DNS server opens no sessions")
}

// From the internet, every address of the Amazon DNS server is
// AMAZON_DNS_OUTSIDE_VPC (README, "The Amazon DNS server"): a VPC's
// base-plus-two address, and 169.254.169.253 and fd00:ec2::253, which
// every VPC's server shares (were UNKNOWN_DESTINATION), from Check and
// Verdict alike.
func TestAmazonDNSFromTheInternet(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	for _, tc := range []struct{ from, to string }{
		{"198.51.100.7", "10.0.0.2"},
		{"198.51.100.7", "169.254.169.253"},
		{"2001:db8:ffff::7", "fd00:ec2::253"},
	} {
		t.Run(tc.to, func(t *testing.T) {
			q := reach.Query{From: tc.from, To: tc.to, Protocol: flow.UDP, Port: 53}
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			assert.Equal(t, []reach.Code{reach.AmazonDNSOutsideVPC}, r.Codes(), r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, v)
		})
	}
}

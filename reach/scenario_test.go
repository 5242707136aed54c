package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

func tcp(from, to string, port uint16) reach.Query {
	return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port}
}

func build(t *testing.T, d *sample.Design) *reach.Model {
	t.Helper()
	m, err := d.Builder().Build()
	require.NoError(t, err)
	return m
}

func kinds(hops []reach.Hop) []reach.Kind {
	out := make([]reach.Kind, len(hops))
	for i, h := range hops {
		out[i] = h.Kind
	}
	return out
}

// small is a one-VPC design without a firewall: a public subnet with
// web-a and web-b, a private subnet with worker (no public IP).
func small() *sample.Design {
	d := &sample.Design{}
	d.VPCs = []reach.VPC{{ID: "vpc-s", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-s"}}
	d.InternetGateways = []reach.InternetGatewaySpec{{ID: "igw-s", VPC: "vpc-s"}}
	d.RouteTables = []reach.RouteTable{
		{ID: "rtb-main", VPC: "vpc-s"},
		{ID: "rtb-pub", VPC: "vpc-s", Routes: []reach.Route{{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-s"}}},
	}
	deny := nacl.NewCustom("acl-s", "vpc-s") // denies everything: only same-subnet traffic can work
	d.ACLs = []nacl.ACL{deny, nacl.NewDefault("acl-open", "vpc-s", false)}
	d.Subnets = []reach.Subnet{
		{ID: "subnet-pub", VPC: "vpc-s", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.1.0/24")}, RouteTable: "rtb-pub"},
		{ID: "subnet-priv", VPC: "vpc-s", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.2.0/24")}, RouteTable: "rtb-pub", ACL: "acl-open"},
	}
	open := sg.Group{ID: "sg-open", Name: "open", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
	}}
	d.Groups = []sg.Group{open}
	d.Interfaces = []reach.Interface{
		{ID: "eni-a", Name: "web-a", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.1.10")}, PublicIP: netip.MustParseAddr("198.51.100.10"), Groups: []string{"sg-open"}},
		{ID: "eni-b", Name: "web-b", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.1.11")}, Groups: []string{"sg-open"}},
		{ID: "eni-w", Name: "worker", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.2.10")}, Groups: []string{"sg-open"}},
	}
	return d
}

func TestSameSubnetTrafficSkipsNetworkACLs(t *testing.T) {
	m := build(t, small())
	r := reachtest.AssertReachable
	r(t, m, tcp("web-a", "web-b", 80), "the subnet's ACL denies everything, yet traffic inside the subnet is never filtered by it")
	res, err := m.Check(tcp("web-a", "web-b", 80))
	require.NoError(t, err)
	assert.NotContains(t, kinds(res.Forward), reach.KindNetworkACL)
	assert.NotContains(t, kinds(res.Return), reach.KindNetworkACL)
	reachtest.AssertNotReachable(t, m, tcp("web-a", "worker", 80), reach.ACLDefaultDeny)
}

func TestSameSubnetTrafficIgnoresTheRouteTable(t *testing.T) {
	d := small()
	// A route for the subnet's own block to a vanished target would
	// blackhole traffic leaving the subnet, but not traffic inside it.
	d.RouteTables[1].Routes = append(d.RouteTables[1].Routes, reach.Route{Destination: netip.MustParsePrefix("10.1.1.0/24"), Target: reach.TargetBlackhole, TargetID: "eni-gone"})
	m := build(t, d)
	reachtest.AssertReachable(t, m, tcp("web-a", "web-b", 80))
	res, err := m.Check(tcp("web-a", "web-b", 80))
	require.NoError(t, err)
	assert.NotContains(t, kinds(res.Forward), reach.KindRouteTable)
}

func TestMissingInternetGatewayRoute(t *testing.T) {
	d := small()
	d.RouteTables[1].Routes = nil // the public subnet loses its default route
	d.ACLs[0] = nacl.NewDefault("acl-s", "vpc-s", false)
	m := build(t, d)
	reachtest.AssertNotReachable(t, m, tcp("web-a", "8.8.8.8", 443), reach.NoRoute)
	res, err := m.Check(tcp("web-a", "8.8.8.8", 443))
	require.NoError(t, err)
	b, _ := res.First()
	assert.Equal(t, "add a route 0.0.0.0/0 via igw-s to rtb-pub", b.Fix)
	assert.Empty(t, res.Return, "no path beyond a missing route: the reply is not traced")
}

func TestInstanceWithoutPublicIP(t *testing.T) {
	d := small()
	d.ACLs[0] = nacl.NewDefault("acl-s", "vpc-s", false)
	m := build(t, d)
	reachtest.AssertReachable(t, m, tcp("web-a", "8.8.8.8", 443))
	reachtest.AssertNotReachable(t, m, tcp("web-b", "8.8.8.8", 443), reach.NoPublicIP)
	reachtest.AssertNotReachable(t, m, tcp("203.0.113.50", "web-b", 443), reach.NoPublicIP)
	reachtest.AssertReachable(t, m, tcp("203.0.113.50", "web-a", 443), "the internet reaches web-a at its public address")
}

func TestEphemeralPortReturnBlock(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	reachtest.AssertNotReachable(t, m, tcp("app-1", "db-1", 5432), reach.Code("RETURN_ACL_DEFAULT_DENY"))
	res, err := m.Check(tcp("app-1", "db-1", 5432))
	require.NoError(t, err)
	require.Len(t, res.Blocks, 1, "the request passes: only the reply is cut")
	assert.Equal(t, reach.Return, res.Blocks[0].Leg)
	assert.Equal(t, "acl-db", res.Blocks[0].ID)
	q := tcp("app-1", "db-1", 5432)
	q.SrcPort = 30000 // a client port inside the ACL's 1024-32767
	reachtest.AssertReachable(t, m, q, "a client port the return rule covers gets its reply")
}

func TestGroupReferencesAcrossSubnets(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.ACLs {
		if d.ACLs[i].ID == "acl-db" {
			d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.MustParseEntry("110 allow tcp 1024-65535 to 10.0.0.0/16"), nacl.MustParseEntry("110 allow tcp 5432 from 10.0.1.0/24"))
		}
	}
	m := build(t, d)
	reachtest.AssertReachable(t, m, tcp("app-1", "db-1", 5432), "sg-db admits members of sg-app in another subnet")
	res := reachtest.AssertNotReachable
	res(t, m, tcp("web-1", "db-1", 5432), reach.SGNoAllow)
	r, err := m.Check(tcp("web-1", "db-1", 5432))
	require.NoError(t, err)
	assert.Contains(t, r.Blocks[0].Fix, "sg-web, a group of web-1")
}

func TestIPv6EndToEnd(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	reachtest.AssertReachable(t, m, tcp("2001:db8:ff::7", "web-1", 443))
	r, err := m.Check(tcp("2001:db8:ff::7", "web-1", 443))
	require.NoError(t, err)
	assert.True(t, r.Flow.Is6())
	assert.Equal(t, netip.MustParseAddr("2001:db8:10:1::10"), r.Flow.Dst.Addr(), "IPv6 needs no translation at the internet gateway")
	reachtest.AssertNotReachable(t, m, tcp("2001:db8:ff::7", "web-1", 22), reach.FirewallDrop)
}

func TestICMP(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	ping := reach.Query{From: "app-1", To: "web-1", Protocol: flow.ICMP}
	// The request passes sg-web's ping rule; the echo reply is not a TCP
	// port the app subnet's ACL lets in.
	reachtest.AssertNotReachable(t, m, ping, reach.Code("RETURN_ACL_DEFAULT_DENY"))
	r, err := m.Check(ping)
	require.NoError(t, err)
	assert.Equal(t, uint8(8), r.Flow.ICMPType, "a query's ICMP type defaults to echo request")
	assert.Equal(t, uint8(0), r.Return[0].Packet.ICMPType, "the reply is an echo reply")
	// From the internet the firewall's strict order with drop_established
	// drops ICMP (no pass rule).
	reachtest.AssertNotReachable(t, m, reach.Query{From: "198.51.100.7", To: "web-1", Protocol: flow.ICMP}, reach.FirewallDrop)
	d := small()
	d.ACLs[0] = nacl.NewDefault("acl-s", "vpc-s", false)
	reachtest.AssertReachable(t, build(t, d), reach.Query{From: "web-a", To: "worker", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 13}})
}

func TestNATGatewayIsOutboundOnly(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	q := tcp("app-1", "93.184.216.34", 443)
	q.Domain = "www.example.com"
	reachtest.AssertReachable(t, m, q)
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Contains(t, kinds(r.Forward), reach.KindNATGateway)
	assert.Contains(t, kinds(r.Return), reach.KindNATGateway, "the reply is translated back by the same NAT gateway")
	reachtest.AssertNotReachable(t, m, tcp("198.51.100.7", "203.0.113.100", 443), reach.NATNoInbound)
}

func TestFirewallStatelessPassVersusForward(t *testing.T) {
	office := []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}
	web := []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}
	ssh := []flow.PortRange{flow.Single[uint16](22)}
	withStateless := func(action flow.Action) *sample.Design {
		d := sample.ThreeTierDesign()
		p := sample.Policy()
		p.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "office-ssh", Rules: []stateless.Rule{
			{Priority: 1, Sources: office, Destinations: web, DestinationPorts: ssh, Protocols: []flow.Protocol{flow.TCP}, Action: action},
			{Priority: 2, Sources: web, Destinations: office, SourcePorts: ssh, Protocols: []flow.Protocol{flow.TCP}, Action: action},
		}}}}
		d.Firewalls[0].Policy = p
		return d
	}
	q := tcp("198.51.100.7", "web-1", 22)
	passed := build(t, withStateless(flow.Pass))
	reachtest.AssertReachable(t, passed, q, "a stateless pass skips the stateful engine and its SSH drop rule")
	r, err := passed.Check(q)
	require.NoError(t, err)
	fw := r.Forward[slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindFirewall })]
	assert.Contains(t, fw.Reason(), "the stateful engine never sees it")
	reachtest.AssertNotReachable(t, build(t, withStateless(flow.Forward)), q, reach.FirewallDrop)
}

func TestStatelessRuleGroupThatForgetsReturnTraffic(t *testing.T) {
	d := sample.ThreeTierDesign()
	p := sample.Policy()
	p.Stateless.Default = stateless.DefaultAction{Action: flow.Drop}
	p.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "https-in", Rules: []stateless.Rule{
		{Priority: 1, Destinations: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}, DestinationPorts: []flow.PortRange{flow.Single[uint16](443)}, Protocols: []flow.Protocol{flow.TCP}, Action: flow.Forward},
	}}}}
	d.Firewalls[0].Policy = p
	m := build(t, d)
	reachtest.AssertNotReachable(t, m, tcp("198.51.100.7", "web-1", 443), reach.Code("RETURN_FIREWALL_DROP"))
}

func TestAsymmetricFirewallRouting(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.RouteTables {
		if d.RouteTables[i].ID == "rtb-edge" {
			d.RouteTables[i].Gateways = nil // no ingress routing: traffic from the internet skips the firewall
		}
	}
	m := build(t, d)
	reachtest.AssertNotReachable(t, m, tcp("198.51.100.7", "web-1", 443), reach.AsymmetricRoute)
	r, err := m.Check(tcp("198.51.100.7", "web-1", 443))
	require.NoError(t, err)
	assert.NotContains(t, kinds(r.Forward), reach.KindFirewall)
	assert.Contains(t, kinds(r.Return), reach.KindFirewall)
	assert.Contains(t, r.Blocks[0].Fix, "edge route table")
	assert.Equal(t, "the reply passes firewall endpoint vpce-fw but the request does not: Network Firewall needs both directions of a session at the same endpoint, and drops what it has no state for",
		r.Return[r.Blocks[0].Hop-1].Reason())
	assert.NotEmpty(t, r.Return[r.Blocks[0].Hop-1].Details(), "the firewall's own decisions on the packet stay in the details")
}

func TestEveryBlockingPointIsListed(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	r, err := m.Check(tcp("web-1", "db-1", 5432))
	require.NoError(t, err)
	assert.Equal(t, []reach.Code{reach.ACLDefaultDeny, reach.SGNoAllow, "RETURN_ACL_DEFAULT_DENY"}, r.Codes(),
		"the ACL block is lifted to judge the security group, and the reply too")
	for _, b := range r.Blocks {
		assert.NotEmpty(t, b.Fix, "every block says what would make it pass")
	}
}

func TestQueryEndpoints(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	for _, from := range []string{"app-1", "eni-app1", "i-app1", "10.0.2.20"} {
		r, err := m.Check(tcp(from, "web-1", 443))
		require.NoError(t, err, from)
		assert.Equal(t, netip.MustParseAddr("10.0.2.20"), r.Flow.Src.Addr(), from)
		assert.Equal(t, netip.MustParseAddr("10.0.1.10"), r.Flow.Dst.Addr(), "inside the VPC web-1 is reached privately")
		assert.Equal(t, uint16(reach.DefaultSourcePort), r.Flow.Src.Port())
	}
	r, err := m.Check(tcp("198.51.100.7", "203.0.113.10", 443))
	require.NoError(t, err)
	assert.True(t, r.Reachable)
	for _, bad := range []reach.Query{tcp("nobody", "web-1", 443), tcp("198.51.100.7", "8.8.8.8", 443), tcp("db-1", "2001:db8::1", 443), tcp("203.0.113.100", "web-1", 443)} {
		_, err := m.Check(bad)
		assert.ErrorIs(t, err, reach.ErrQuery, "%s -> %s", bad.From, bad.To)
	}
	_, err = m.CheckFlow(flow.MustParse("tcp 203.0.113.10:1 -> 198.51.100.7:443"))
	assert.ErrorIs(t, err, reach.ErrQuery, "a packet leaves an interface from its private address")
	r, err = m.CheckFlow(flow.MustParse("tcp 10.0.1.10:40000 -> 198.51.100.7:443"))
	require.NoError(t, err)
	assert.Equal(t, "web-1 (eni-web1) [10.0.1.10]", r.From)
}

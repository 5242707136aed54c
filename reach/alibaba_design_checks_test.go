package reach_test

// Alibaba Cloud groups through the set questions (Ports, Sources, Matrix,
// Audit) and Verdict on hand-made designs: each test asserts what Alibaba
// Cloud documents (semantics.md §E), the set answers against brute force
// (from audit aliChk).

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

func aliChkRule(dir flow.Direction, act flow.Action, prio int, proto flow.Protocol, lo, hi uint16, peer sg.Peer) sg.Rule {
	r := sg.Rule{Direction: dir, Action: act, Priority: prio, Protocol: proto, Peer: peer, ICMPType: -1, ICMPCode: -1}
	if proto.HasPorts() {
		r.Ports = flow.PortRange{Lo: lo, Hi: hi}
	}
	return r
}

func aliChkCIDR(s string) sg.Peer {
	return sg.Peer{Kind: sg.PeerCIDR, CIDR: netip.MustParsePrefix(s)}
}

const (
	inChk, outChk  = flow.Inbound, flow.Outbound
	accChk, drpChk = flow.Pass, flow.Drop
)

// aliChkGroups are the groups of the single-VPC design.
func aliChkGroups(vpc string) []sg.Group {
	return []sg.Group{
		{ID: "sg-a", VPCID: vpc, Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
			aliChkRule(inChk, accChk, 50, flow.TCP, 22, 22, sg.AnyIPv4),
			aliChkRule(inChk, drpChk, 10, flow.TCP, 22, 22, aliChkCIDR("203.0.113.0/24")),
			aliChkRule(inChk, accChk, 5, flow.TCP, 80, 90, sg.AnyIPv4),
			aliChkRule(inChk, drpChk, 5, flow.TCP, 85, 85, sg.AnyIPv4),
			aliChkRule(outChk, drpChk, 1, flow.TCP, 443, 443, aliChkCIDR("192.0.2.0/24")),
			aliChkRule(inChk, accChk, 20, flow.UDP, 53, 53, sg.AnyIPv4),
		}},
		{ID: "sg-b", VPCID: vpc, Flavour: sg.AlibabaBasic, InnerAccessDrop: true, Rules: []sg.Rule{
			aliChkRule(inChk, accChk, 1, flow.TCP, 3306, 3306, sg.GroupRef("sg-a")),
			aliChkRule(inChk, drpChk, 2, flow.AllProtocols, 0, 0, aliChkCIDR("10.0.1.0/28")),
			aliChkRule(inChk, accChk, 30, flow.TCP, 1, 65535, aliChkCIDR("10.0.0.0/16")),
		}},
		{ID: "sg-c", VPCID: vpc, Flavour: sg.AlibabaBasic},
		{ID: "sg-e1", VPCID: vpc, Flavour: sg.AlibabaEnterprise, InnerAccessDrop: true, Rules: []sg.Rule{
			aliChkRule(inChk, accChk, 1, flow.TCP, 443, 443, sg.AnyIPv4),
			aliChkRule(outChk, accChk, 100, flow.AllProtocols, 0, 0, sg.AnyIPv4),
			aliChkRule(inChk, accChk, 3, flow.TCP, 8080, 8080, aliChkCIDR("10.0.0.0/16")),
			aliChkRule(inChk, drpChk, 3, flow.TCP, 8080, 8080, aliChkCIDR("10.0.1.20/32")),
		}},
		{ID: "sg-e2", VPCID: vpc, Flavour: sg.AlibabaEnterprise, InnerAccessDrop: true, Rules: []sg.Rule{
			aliChkRule(inChk, accChk, 50, flow.AllProtocols, 0, 0, aliChkCIDR("10.0.0.0/16")),
			aliChkRule(outChk, accChk, 1, flow.TCP, 1, 65535, aliChkCIDR("10.0.0.0/8")),
		}},
	}
}

func aliChkIface(id, private, public string, groups ...string) reach.Interface {
	i := reach.Interface{ID: id, Name: id, Subnet: "vsw-pub", PrivateIPs: []netip.Addr{netip.MustParseAddr(private)}, Groups: groups}
	if public != "" {
		i.PublicIP = netip.MustParseAddr(public)
	}
	return i
}

func aliChkBuilder(groups []sg.Group, ifaces ...reach.Interface) *reach.Builder {
	return aliChkBuilderRoutes(groups, nil, ifaces...)
}

func aliChkBuilderRoutes(groups []sg.Group, extra []reach.Route, ifaces ...reach.Interface) *reach.Builder {
	p := netip.MustParsePrefix
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: append([]reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}, extra...)}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
		AddSubnet(reach.Subnet{ID: "vsw-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.0.1.0/24")}}).
		AddSecurityGroup(groups...).
		AddInterface(ifaces...)
}

func aliChkDesign(t *testing.T) *reach.Model {
	t.Helper()
	m, err := aliChkBuilder(aliChkGroups("vpc-a"),
		aliChkIface("i1", "10.0.1.10", "198.51.100.10", "sg-a"),
		aliChkIface("i2", "10.0.1.11", "198.51.100.11", "sg-a", "sg-b"),
		aliChkIface("i3", "10.0.1.5", "", "sg-b"),
		aliChkIface("i4", "10.0.1.20", "", "sg-b", "sg-c"),
		aliChkIface("i5", "10.0.1.21", "198.51.100.21", "sg-c"),
		aliChkIface("i6", "10.0.1.30", "198.51.100.30", "sg-e1"),
		aliChkIface("i7", "10.0.1.31", "", "sg-e1", "sg-e2"),
		aliChkIface("i8", "10.0.1.32", "", "sg-e2"),
	).Build()
	require.NoError(t, err)
	return m
}

func aliChkVerdict(t *testing.T, m *reach.Model, q reach.Query) reach.Outcome {
	t.Helper()
	v, err := m.Verdict(q)
	require.NoError(t, err, "%+v", q)
	return v
}

// TestAlibabaDesignKnownAnswers: hand-worked answers from semantics.md E.1-E.3.
func TestAlibabaDesignKnownAnswers(t *testing.T) {
	m := aliChkDesign(t)
	for _, c := range []struct {
		name string
		q    reach.Query
		want reach.Outcome
	}{
		{"tie at priority 5: drop wins on 85", tcp("203.0.114.9", "i1", 85), reach.Unreachable},
		{"84 accepted at 5", tcp("203.0.114.9", "i1", 84), reach.Reachable},
		{"drop 22 from 203.0.113/24 at 10 beats accept at 50", tcp("203.0.113.9", "i1", 22), reach.Unreachable},
		{"22 from elsewhere accepted", tcp("203.0.114.9", "i1", 22), reach.Reachable},
		{"basic members talk freely (inner accept), any port", tcp("i1", "i2", 5000), reach.Reachable},
		{"sg-b isolated: i3 -> i4 drop from 10.0.1.0/28 at 2", tcp("i3", "i4", 3306), reach.Unreachable},
		{"sg-b isolated but rule accepts 10.0.0.0/16 at 30 (i4 -> i2 tcp 22)", tcp("i4", "i2", 22), reach.Reachable},
		{"group ref sg-a -> sg-b 3306 at 1 beats drop at 2 (i1 -> i3)", tcp("i1", "i3", 3306), reach.Reachable},
		{"i1 -> i3 3307: drop at 2", tcp("i1", "i3", 3307), reach.Unreachable},
		{"enterprise members isolated: i6 -> i7 5000 (sg-e2 accepts 10/16 in)", tcp("i6", "i7", 5000), reach.Reachable},
		{"enterprise: i7 -> i6 5000: sg-e1 has no rule, default deny", tcp("i7", "i6", 5000), reach.Unreachable},
		{"enterprise outbound default deny: i8 -> internet 443 (sg-e2 out only 10/8)", tcp("i8", "203.0.114.9", 443), reach.Unreachable},
		{"tie at priority 3: drop 8080 from i4 wins", tcp("i4", "i6", 8080), reach.Unreachable},
		{"8080 from i5 accepted", tcp("i5", "i6", 8080), reach.Reachable},
		{"basic outbound default accept, drop to 192.0.2/24 443", tcp("i1", "192.0.2.7", 443), reach.Unreachable},
		{"i5 -> i4: sg-c inner accept", tcp("i5", "i4", 9999), reach.Reachable},
	} {
		if c.q.From == c.q.To {
			continue
		}
		assert.Equal(t, c.want, aliChkVerdict(t, m, c.q), c.name)
	}
}

// TestAlibabaDesignBrute: every set answer against brute force on the
// single-VPC design.
func TestAlibabaDesignBrute(t *testing.T) {
	m := aliChkDesign(t)
	var pq []reach.PortsQuery
	var sq []reach.SourcesQuery
	pairs := [][2]string{{"i1", "i2"}, {"i1", "i3"}, {"i3", "i4"}, {"i4", "i6"}, {"i6", "i7"}, {"i7", "i8"}, {"203.0.113.9", "i1"}, {"i2", "192.0.2.7"}, {"i8", "203.0.114.9"}}
	for _, p := range pairs {
		pq = append(pq, reach.PortsQuery{From: p[0], To: p[1], Protocol: flow.TCP})
	}
	pq = append(pq, reach.PortsQuery{From: "203.0.114.9", To: "i1", Protocol: flow.UDP}, reach.PortsQuery{From: "i4", To: "i3", Protocol: flow.ICMP})
	for _, to := range []string{"i1", "i3", "i4", "i6", "i7"} {
		for _, port := range []uint16{22, 85, 3306, 8080, 443} {
			sq = append(sq, reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: port})
		}
	}
	sq = append(sq, reach.SourcesQuery{To: "i2", Protocol: flow.TCP, Port: 3306, AnyClientPort: true})
	brute.CheckSetAnswers(t, m, brute.Options{Ports: pq, Sources: sq, Step: 97, Seed: 27})
}

// aliChkPeered is the single-VPC design plus VPC vpc-b (10.1.0.0/16),
// peered with vpc-a, with its own internet gateway and groups.
func aliChkPeered(t *testing.T) *reach.Model {
	t.Helper()
	p := netip.MustParsePrefix
	groups := append(aliChkGroups("vpc-a"),
		sg.Group{ID: "sg-x", VPCID: "vpc-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
			aliChkRule(inChk, accChk, 10, flow.TCP, 1, 65535, aliChkCIDR("10.0.0.0/16")),
			aliChkRule(inChk, drpChk, 10, flow.TCP, 3306, 3306, aliChkCIDR("10.0.1.10/32")),
			aliChkRule(outChk, drpChk, 7, flow.UDP, 1, 65535, aliChkCIDR("10.0.1.0/24")),
			aliChkRule(inChk, accChk, 1, flow.GRE, 0, 0, aliChkCIDR("10.0.0.0/8")),
			aliChkRule(inChk, drpChk, 1, flow.ICMP, 0, 0, aliChkCIDR("10.0.1.11/32")),
			aliChkRule(inChk, accChk, 2, flow.ICMP, 0, 0, sg.AnyIPv4),
		}},
		sg.Group{ID: "sg-y", VPCID: "vpc-b", Flavour: sg.AlibabaEnterprise, InnerAccessDrop: true, Rules: []sg.Rule{
			aliChkRule(inChk, accChk, 1, flow.TCP, 443, 443, aliChkCIDR("10.0.0.0/8")),
			aliChkRule(inChk, drpChk, 1, flow.AllProtocols, 0, 0, aliChkCIDR("10.0.1.0/28")),
			aliChkRule(outChk, accChk, 1, flow.AllProtocols, 0, 0, sg.AnyIPv4),
			aliChkRule(inChk, accChk, 9, flow.UDP, 1000, 2000, sg.AnyIPv4),
		}},
	)
	jb := func(id, private, public string, gs ...string) reach.Interface {
		i := aliChkIface(id, private, public, gs...)
		i.Subnet = "vsw-b"
		return i
	}
	b := aliChkBuilderRoutes(groups, []reach.Route{{Destination: p("10.1.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-ab"}},
		aliChkIface("i1", "10.0.1.10", "198.51.100.10", "sg-a"),
		aliChkIface("i2", "10.0.1.11", "198.51.100.11", "sg-a", "sg-b"),
		aliChkIface("i3", "10.0.1.5", "", "sg-b"),
		aliChkIface("i6", "10.0.1.30", "198.51.100.30", "sg-e1"),
		aliChkIface("i7", "10.0.1.31", "", "sg-e1", "sg-e2"),
		jb("j1", "10.1.1.10", "198.51.100.40", "sg-x"),
		jb("j2", "10.1.1.11", "", "sg-x"),
		jb("j3", "10.1.1.12", "198.51.100.42", "sg-y"),
	)
	aliChkPeerB(b)
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

func TestAlibabaDesignPeeredBrute(t *testing.T) {
	m := aliChkPeered(t)
	pq := []reach.PortsQuery{
		{From: "i1", To: "j1", Protocol: flow.TCP}, {From: "i2", To: "j2", Protocol: flow.TCP},
		{From: "j1", To: "i2", Protocol: flow.UDP}, {From: "i3", To: "j3", Protocol: flow.TCP},
		{From: "i2", To: "j1", Protocol: flow.ICMP}, {From: "i1", To: "j3", Protocol: flow.UDP},
		{From: "j1", To: "j2", Protocol: flow.TCP},
	}
	var sq []reach.SourcesQuery
	for _, to := range []string{"j1", "j2", "j3", "i2"} {
		sq = append(sq, reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: 3306}, reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: 443},
			reach.SourcesQuery{To: to, Protocol: flow.UDP, Port: 1500}, reach.SourcesQuery{To: to, Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 8}})
	}
	brute.CheckSetAnswers(t, m, brute.Options{Ports: pq, Sources: sq, Step: 131, Seed: 2727})
}

func TestAlibabaDesignPeeredKnown(t *testing.T) {
	m := aliChkPeered(t)
	for _, c := range []struct {
		name string
		q    reach.Query
		want reach.Outcome
	}{
		{"tie 3306 from i1 at 10: drop wins", tcp("i1", "j1", 3306), reach.Unreachable},
		{"3306 from i2 accepted at 10", tcp("i2", "j1", 3306), reach.Reachable},
		{"j1 -> j2 inner accept sg-x", tcp("j1", "j2", 7), reach.Reachable},
		{"udp reply path: j1 -> i2 udp: sg-x out drop udp to 10.0.1.0/24 at 7", reach.Query{From: "j1", To: "i2", Protocol: flow.UDP, Port: 53}, reach.Unreachable},
		{"gre i1 -> j1 accepted", reach.Query{From: "i1", To: "j1", Protocol: flow.GRE}, reach.Reachable},
		{"icmp from i2 dropped at 1", reach.Query{From: "i2", To: "j1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 8}}, reach.Unreachable},
		{"icmp from i1 accepted at 2", reach.Query{From: "i1", To: "j1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 8}}, reach.Reachable},
		{"i3 (10.0.1.5) -> j3 443: tie at 1, drop wins", tcp("i3", "j3", 443), reach.Unreachable},
		{"i6 -> j3 443 accepted (i1 is in 10.0.1.0/28)", tcp("i6", "j3", 443), reach.Reachable},
		{"i1 -> i2's public address: inner accept is by private address, none matches the public source", tcp("i1", "198.51.100.11", 5000), reach.Unreachable},
	} {
		assert.Equal(t, c.want, aliChkVerdict(t, m, c.q), c.name)
	}
}

// TestAlibabaDesignServicesBrute: Ports to Alibaba Cloud's metadata service
// and DNS servers against Verdict per port.
func TestAlibabaDesignServicesBrute(t *testing.T) {
	m := aliChkDesign(t)
	brute.CheckSetAnswers(t, m, brute.Options{NoMatrix: true, Seed: 7, Step: 211, Ports: []reach.PortsQuery{
		{From: "i8", To: "100.100.100.200", Protocol: flow.TCP},
		{From: "i1", To: "100.100.100.200", Protocol: flow.TCP},
		{From: "i1", To: "100.100.2.136", Protocol: flow.UDP},
		{From: "i7", To: "100.100.2.136", Protocol: flow.UDP},
		{From: "i1", To: "100.100.2.136", Protocol: flow.ICMP},
	}})
}

// aliChkFiveTuple: 5-tuple rules on both ends: the sources' egress rules
// name their own (source) ports, the destination's ingress rules the
// client's.
func aliChkFiveTuple(t *testing.T) *reach.Model {
	t.Helper()
	sp := func(r sg.Rule, lo, hi uint16) sg.Rule { r.SourcePorts = flow.PortRange{Lo: lo, Hi: hi}; return r }
	groups := []sg.Group{
		{ID: "sg-src", VPCID: "vpc-a", Flavour: sg.AlibabaBasic, InnerAccessDrop: true, Rules: []sg.Rule{
			sp(aliChkRule(outChk, drpChk, 1, flow.TCP, 1, 65535, sg.AnyIPv4), 50000, 50010),
			sp(aliChkRule(outChk, drpChk, 3, flow.TCP, 22, 22, sg.AnyIPv4), 1024, 65535),
			aliChkRule(inChk, accChk, 1, flow.TCP, 1, 65535, aliChkCIDR("10.0.0.0/16")),
		}},
		{ID: "sg-dst", VPCID: "vpc-a", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
			sp(aliChkRule(inChk, accChk, 5, flow.TCP, 22, 22, sg.AnyIPv4), 1, 1023),
			sp(aliChkRule(inChk, drpChk, 5, flow.TCP, 1, 65535, sg.AnyIPv4), 40000, 60000),
			aliChkRule(inChk, accChk, 6, flow.TCP, 1, 65535, sg.AnyIPv4),
			sp(aliChkRule(inChk, drpChk, 2, flow.TCP, 3306, 3306, sg.GroupRef("sg-src")), 30000, 65535),
			sp(aliChkRule(outChk, drpChk, 1, flow.TCP, 8000, 8100, sg.AnyIPv4), 1, 65535),
		}},
		{ID: "sg-ent", VPCID: "vpc-a", Flavour: sg.AlibabaEnterprise, Rules: []sg.Rule{
			sp(aliChkRule(outChk, accChk, 1, flow.TCP, 1, 65535, sg.AnyIPv4), 1024, 49151),
			sp(aliChkRule(inChk, accChk, 1, flow.TCP, 80, 443, sg.AnyIPv4), 1024, 65535),
			sp(aliChkRule(inChk, drpChk, 1, flow.TCP, 80, 80, sg.AnyIPv4), 60000, 65535),
		}},
	}
	m, err := aliChkBuilder(groups,
		aliChkIface("s1", "10.0.1.10", "198.51.100.10", "sg-src"),
		aliChkIface("s2", "10.0.1.11", "", "sg-src"),
		aliChkIface("d1", "10.0.1.20", "198.51.100.20", "sg-dst"),
		aliChkIface("d2", "10.0.1.21", "198.51.100.21", "sg-dst", "sg-src"),
		aliChkIface("e1", "10.0.1.30", "198.51.100.30", "sg-ent"),
	).Build()
	require.NoError(t, err)
	return m
}

func TestAlibabaDesignFiveTupleBrute(t *testing.T) {
	m := aliChkFiveTuple(t)
	var pq []reach.PortsQuery
	for _, p := range [][2]string{{"s1", "d1"}, {"s2", "d2"}, {"d1", "e1"}, {"e1", "d1"}, {"203.0.113.9", "d1"}, {"203.0.113.9", "e1"}, {"s1", "e1"}, {"d2", "s1"}} {
		pq = append(pq, reach.PortsQuery{From: p[0], To: p[1], Protocol: flow.TCP})
	}
	var sq []reach.SourcesQuery
	for _, to := range []string{"d1", "d2", "e1", "s1"} {
		for _, port := range []uint16{22, 80, 3306, 8080} {
			sq = append(sq, reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: port}, reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: port, AnyClientPort: true})
		}
	}
	brute.CheckSetAnswers(t, m, brute.Options{Ports: pq, Sources: sq, Step: 173, Seed: 5})
	var ids []string
	for _, in := range m.Interfaces() {
		ids = append(ids, in.ID)
	}
	ao := reach.AuditOptions{}
	a, err := m.Audit(ao)
	require.NoError(t, err)
	brute.CheckAudit(t, m, a, ao, ids, "audit, every client port")
}

// TestAlibabaDesignIPv6Inner: a basic group's members reach each other over
// IPv6 too (inner access Accept; F.2: a group's members are matched by
// their IPv4 and IPv6 addresses), and a basic group's rule that
// references a group matches the members' IPv6 addresses.
func TestAlibabaDesignIPv6Inner(t *testing.T) {
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	groups := []sg.Group{
		{ID: "sg-in", VPCID: "vpc-a", Flavour: sg.AlibabaBasic},
		{ID: "sg-iso", VPCID: "vpc-a", Flavour: sg.AlibabaBasic, InnerAccessDrop: true, Rules: []sg.Rule{
			aliChkRule(inChk, accChk, 5, flow.TCP, 443, 443, sg.GroupRef("sg-in")),
			aliChkRule(inChk, drpChk, 5, flow.TCP, 443, 443, aliChkCIDR("2001:db8:1:1::12/128")),
		}},
	}
	mk := func(id, v4, v6 string, g ...string) reach.Interface {
		i := aliChkIface(id, v4, "", g...)
		i.PrivateIPs = append(i.PrivateIPs, a(v6))
		return i
	}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.0.0.0/16"), p("2001:db8:1::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{
			{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"},
			{Destination: p("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true)).
		AddSubnet(reach.Subnet{ID: "vsw-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.0.1.0/24"), p("2001:db8:1:1::/64")}}).
		AddSecurityGroup(groups...).
		AddInterface(mk("x1", "10.0.1.10", "2001:db8:1:1::10", "sg-in"), mk("x2", "10.0.1.11", "2001:db8:1:1::11", "sg-in"),
			mk("x3", "10.0.1.12", "2001:db8:1:1::12", "sg-in"), mk("y1", "10.0.1.20", "2001:db8:1:1::20", "sg-iso"), mk("y2", "10.0.1.21", "2001:db8:1:1::21", "sg-iso")).
		Build()
	require.NoError(t, err)
	for _, c := range []struct {
		q    reach.Query
		want reach.Outcome
	}{
		{reach.Query{From: "x1", To: "x2", Protocol: flow.TCP, Port: 9000, IPv6: true}, reach.Reachable},
		{reach.Query{From: "x1", To: "y1", Protocol: flow.TCP, Port: 443, IPv6: true}, reach.Reachable},
		{reach.Query{From: "x3", To: "y1", Protocol: flow.TCP, Port: 443, IPv6: true}, reach.Unreachable},
		{reach.Query{From: "x3", To: "y1", Protocol: flow.TCP, Port: 443}, reach.Reachable},
		{reach.Query{From: "y1", To: "y2", Protocol: flow.TCP, Port: 443, IPv6: true}, reach.Unreachable},
	} {
		assert.Equal(t, c.want, aliChkVerdict(t, m, c.q), "%+v", c.q)
	}
	brute.CheckSetAnswers(t, m, brute.Options{IPv6: true, Seed: 6, Step: 301,
		Ports:   []reach.PortsQuery{{From: "x3", To: "y1", Protocol: flow.TCP, IPv6: true}, {From: "x1", To: "x2", Protocol: flow.ICMPv6, IPv6: true}},
		Sources: []reach.SourcesQuery{{To: "y1", Protocol: flow.TCP, Port: 443, IPv6: true}, {To: "x2", Protocol: flow.UDP, Port: 53, IPv6: true}}})
}

// aliChkPeerB adds to b vpc-b (10.1.0.0/16, its internet gateway, the
// default ACL and vswitch vsw-b) peered with vpc-a by pcx-ab.
func aliChkPeerB(b *reach.Builder) {
	p := netip.MustParsePrefix
	b.AddVPC(reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{p("10.1.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-b", VPC: "vpc-b"}).
		AddPeering(reach.Peering{ID: "pcx-ab", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{
			{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-b"},
			{Destination: p("10.0.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-ab"}}}).
		AddNetworkACL(nacl.NewDefault("acl-b", "vpc-b", false)).
		AddSubnet(reach.Subnet{ID: "vsw-b", VPC: "vpc-b", CIDRs: []netip.Prefix{p("10.1.1.0/24")}})
}

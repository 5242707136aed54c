package sg_test

import (
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// resolver used by the semantic tables: sg-web has 10.0.1.10 and
// 2001:db8:1::10, sg-db has 10.0.2.20, sg-app has 10.0.3.30 and 10.0.3.31.
var testResolver = sg.StaticResolver{
	Members: map[string][]netip.Addr{
		"sg-web":     addrs("10.0.1.10", "2001:db8:1::10"),
		"sg-db":      addrs("10.0.2.20"),
		"sg-app":     addrs("10.0.3.30", "10.0.3.31"),
		"sg-default": addrs("10.0.9.9"),
		"sg-basic":   addrs("10.0.5.1", "10.0.5.2"),
		"sg-basic2":  addrs("10.0.5.1", "10.0.5.3"),
		"sg-ent":     addrs("10.0.6.1", "10.0.6.2"),
	},
	PrefixLists: map[string][]netip.Prefix{
		"pl-office": prefixes("203.0.113.0/24", "198.51.100.0/25", "2001:db8:ffff::/48"),
		"pl-big":    bigList(),
	},
}

func bigList() []netip.Prefix {
	var ps []netip.Prefix
	for i := range 200 {
		ps = append(ps, netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16, byte(i), 0}), 24))
	}
	return ps
}

type evalCase struct {
	name    string
	groups  []sg.Group
	flow    string
	dir     flow.Direction
	allowed bool
	basis   sg.Basis
	group   string // deciding group
	rule    int    // deciding rule index, -1 for none
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			e, err := sg.Compile(tt.groups, testResolver)
			require.NoError(t, err)
			d := e.Evaluate(flow.MustParse(tt.flow), tt.dir)
			assert.Equal(t, tt.allowed, d.Allowed(), "verdict: %s", d)
			assert.Equal(t, tt.basis, d.Basis, "basis: %s", d)
			assert.Equal(t, tt.group, d.Group, "deciding group: %s", d)
			assert.Equal(t, tt.rule, d.RuleIndex, "deciding rule: %s", d)
			assert.Equal(t, tt.basis != sg.ByRule && tt.basis != sg.InnerAccept, d.Default, "default: %s", d)
			assert.Equal(t, d.Verdict, d.Action.Verdict(), "action and verdict agree: %s", d)
			assert.Nil(t, d.Skipped, "Evaluate leaves the trace out")
			assert.Nil(t, d.Groups, "Evaluate leaves the trace out")
			x := e.Explain(flow.MustParse(tt.flow), tt.dir)
			require.Len(t, x.Groups, len(tt.groups))
			x.Skipped, x.Groups = nil, nil
			assert.Equal(t, d, x, "Explain decides like Evaluate")
		})
	}
}

func TestAWSRules(t *testing.T) {
	web := group("sg-web",
		in("tcp 22", sg.CIDR("203.0.113.0/24")),
		in("tcp 443", sg.AnyIPv4),
		in("tcp 443", sg.AnyIPv6),
		in("tcp 8000-8100", sg.GroupRef("sg-app")),
		in("icmp 8/0", sg.CIDR("10.0.0.0/16")),
		in("icmpv6 128/-1", sg.CIDR("2001:db8::/32")),
		in("udp 53", sg.PrefixList("pl-office")),
		in("tcp 9000", sg.PrefixList("pl-big")),
		out("tcp 5432", sg.GroupRef("sg-db")),
	)
	runEvalCases(t, []evalCase{
		{"a CIDR rule allows its port from inside the block", []sg.Group{web}, "tcp 203.0.113.9:50000 -> 10.0.1.10:22", flow.Inbound, true, sg.ByRule, "sg-web", 0},
		{"a CIDR rule does not allow from outside the block", []sg.Group{web}, "tcp 198.51.100.9:50000 -> 10.0.1.10:22", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"a port outside every rule is denied by default", []sg.Group{web}, "tcp 203.0.113.9:50000 -> 10.0.1.10:23", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"an IPv4 rule never matches IPv6", []sg.Group{group("sg-x", in("tcp 443", sg.AnyIPv4))}, "tcp [2001:db8::1]:50000 -> [2001:db8:1::10]:443", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"IPv6 ::/0 allows IPv6", []sg.Group{web}, "tcp [2001:db8::1]:50000 -> [2001:db8:1::10]:443", flow.Inbound, true, sg.ByRule, "sg-web", 2},
		{"a group reference allows a member's private address", []sg.Group{web}, "tcp 10.0.3.31:40000 -> 10.0.1.10:8080", flow.Inbound, true, sg.ByRule, "sg-web", 3},
		{"a group reference does not allow a non-member", []sg.Group{web}, "tcp 10.0.3.99:40000 -> 10.0.1.10:8080", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"ICMP type and code match", []sg.Group{web}, "icmp 10.0.7.7 -> 10.0.1.10 type 8 code 0", flow.Inbound, true, sg.ByRule, "sg-web", 4},
		{"another ICMP type is denied", []sg.Group{web}, "icmp 10.0.7.7 -> 10.0.1.10 type 13 code 0", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"an ICMP code of -1 takes every code", []sg.Group{web}, "icmpv6 2001:db8::7 -> 2001:db8:1::10 type 128 code 5", flow.Inbound, true, sg.ByRule, "sg-web", 5},
		{"an icmp rule does not match icmpv6", []sg.Group{group("sg-x", in("icmp -1/-1", sg.AnyIPv6))}, "icmpv6 2001:db8::7 -> 2001:db8:1::10", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"a prefix list allows every CIDR in it", []sg.Group{web}, "udp 198.51.100.100:5353 -> 10.0.1.10:53", flow.Inbound, true, sg.ByRule, "sg-web", 6},
		{"a prefix list holds IPv6 CIDRs too", []sg.Group{web}, "udp [2001:db8:ffff::1]:5353 -> [2001:db8:1::10]:53", flow.Inbound, true, sg.ByRule, "sg-web", 6},
		{"a prefix list denies outside its CIDRs", []sg.Group{web}, "udp 198.51.100.200:5353 -> 10.0.1.10:53", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"a large prefix list is searched as a trie", []sg.Group{web}, "tcp 172.16.199.3:1 -> 10.0.1.10:9000", flow.Inbound, true, sg.ByRule, "sg-web", 7},
		{"a large prefix list misses outside", []sg.Group{web}, "tcp 172.16.200.3:1 -> 10.0.1.10:9000", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"outbound rules match the destination", []sg.Group{web}, "tcp 10.0.1.10:40000 -> 10.0.2.20:5432", flow.Outbound, true, sg.ByRule, "sg-web", 8},
		{"inbound rules do not apply outbound", []sg.Group{web}, "tcp 10.0.1.10:40000 -> 203.0.113.9:22", flow.Outbound, false, sg.NoRuleAllows, "", -1},
		{"protocol all allows every protocol and port", []sg.Group{group("sg-x", in("all", sg.CIDR("10.0.0.0/8")))}, "gre 10.1.1.1 -> 10.0.1.10", flow.Inbound, true, sg.ByRule, "sg-x", 0},
		{"a protocol number rule allows that protocol", []sg.Group{group("sg-x", in("50", sg.AnyIPv4))}, "esp 10.1.1.1 -> 10.0.1.10", flow.Inbound, true, sg.ByRule, "sg-x", 0},
		{"a protocol number rule does not allow another", []sg.Group{group("sg-x", in("50", sg.AnyIPv4))}, "ah 10.1.1.1 -> 10.0.1.10", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"ports in a protocol-number rule are ignored", []sg.Group{group("sg-x", sg.Rule{Direction: flow.Inbound, Protocol: flow.SCTP, Ports: flow.Single[uint16](9), Peer: sg.AnyIPv4})}, "sctp 10.1.1.1 -> 10.0.1.10", flow.Inbound, true, sg.ByRule, "sg-x", 0},
		{"no groups deny everything", nil, "tcp 10.1.1.1:1 -> 10.0.1.10:22", flow.Inbound, false, sg.NoRuleAllows, "", -1},
	})
}

func TestAWSSeveralGroupsAreAUnion(t *testing.T) {
	narrow := group("sg-narrow", in("tcp 22", sg.CIDR("203.0.113.7/32")))
	wide := group("sg-wide", in("tcp 22", sg.AnyIPv4))
	db := group("sg-db2", in("tcp 5432", sg.GroupRef("sg-app")))
	runEvalCases(t, []evalCase{
		{"the most permissive rule wins across groups", []sg.Group{narrow, wide}, "tcp 192.0.2.1:50000 -> 10.0.1.10:22", flow.Inbound, true, sg.ByRule, "sg-wide", 0},
		{"the first allowing rule in group order is reported", []sg.Group{narrow, wide}, "tcp 203.0.113.7:50000 -> 10.0.1.10:22", flow.Inbound, true, sg.ByRule, "sg-narrow", 0},
		{"a later group adds a port the first lacks", []sg.Group{narrow, db}, "tcp 10.0.3.30:50000 -> 10.0.1.10:5432", flow.Inbound, true, sg.ByRule, "sg-db2", 0},
		{"nothing in any group allows", []sg.Group{narrow, db}, "tcp 10.0.3.30:50000 -> 10.0.1.10:22", flow.Inbound, false, sg.NoRuleAllows, "", -1},
	})
}

func TestAWSConstructors(t *testing.T) {
	def := sg.NewDefault("sg-default", "vpc-1", true)
	fresh := sg.New("sg-new", "web", "vpc-1", false)
	runEvalCases(t, []evalCase{
		{"the default group lets members in", []sg.Group{def}, "tcp 10.0.9.9:1 -> 10.0.9.10:22", flow.Inbound, true, sg.ByRule, "sg-default", 0},
		{"the default group keeps non-members out", []sg.Group{def}, "tcp 10.0.9.8:1 -> 10.0.9.10:22", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"the default group lets IPv4 out", []sg.Group{def}, "udp 10.0.9.10:1 -> 8.8.8.8:53", flow.Outbound, true, sg.ByRule, "sg-default", 1},
		{"the default group of an IPv6 VPC lets IPv6 out", []sg.Group{def}, "udp [2001:db8::1]:1 -> [2001:4860::8888]:53", flow.Outbound, true, sg.ByRule, "sg-default", 2},
		{"a new group has no inbound rules", []sg.Group{fresh}, "tcp 10.0.0.1:1 -> 10.0.0.2:22", flow.Inbound, false, sg.NoRuleAllows, "", -1},
		{"a new group lets all IPv4 out", []sg.Group{fresh}, "icmp 10.0.0.2 -> 1.1.1.1", flow.Outbound, true, sg.ByRule, "sg-new", 0},
		{"a new group in an IPv4-only VPC has no IPv6 egress", []sg.Group{fresh}, "icmpv6 2001:db8::1 -> 2001:db8::2", flow.Outbound, false, sg.NoRuleAllows, "", -1},
	})
	assert.Len(t, sg.New("sg-n", "n", "vpc", true).Rules, 2, "a new group in an IPv6 VPC gets ::/0 egress too")
	assert.Len(t, sg.NewDefault("sg-d", "vpc", false).Rules, 2, "inbound self plus IPv4 egress")
}

func TestAlibaba(t *testing.T) {
	B, E := sg.AlibabaBasic, sg.AlibabaEnterprise
	dropSSH := ali(in("tcp 22", sg.AnyIPv4), flow.Drop, 1)
	acceptSSH := ali(in("tcp 22", sg.AnyIPv4), flow.Pass, 1)
	acceptSSHLater := ali(in("tcp 22", sg.AnyIPv4), flow.Pass, 50)
	acceptOffice := ali(in("tcp 22", sg.CIDR("203.0.113.0/24")), flow.Pass, 1)
	dropSSHLow := ali(in("tcp 22", sg.AnyIPv4), flow.Drop, 100)
	dropOutDNS := ali(out("udp 53", sg.AnyIPv4), flow.Drop, 10)
	innerDrop := aliGroup("sg-basic", B)
	innerDrop.InnerAccessDrop = true
	innerDrop2 := aliGroup("sg-basic2", B)
	innerDrop2.InnerAccessDrop = true
	runEvalCases(t, []evalCase{
		{"drop beats accept at the same priority", []sg.Group{aliGroup("sg-basic", B, acceptSSH, dropSSH)}, "tcp 192.0.2.1:1 -> 10.0.5.1:22", flow.Inbound, false, sg.ByRule, "sg-basic", 1},
		{"a lower priority number goes first", []sg.Group{aliGroup("sg-basic", B, dropSSHLow, acceptOffice)}, "tcp 203.0.113.5:1 -> 10.0.5.1:22", flow.Inbound, true, sg.ByRule, "sg-basic", 1},
		{"a drop with a smaller number beats a later accept", []sg.Group{aliGroup("sg-ent", E, acceptSSHLater, dropSSH)}, "tcp 203.0.113.5:1 -> 10.0.6.1:22", flow.Inbound, false, sg.ByRule, "sg-ent", 1},
		{"drop wins a tie across groups", []sg.Group{aliGroup("sg-basic", B, acceptSSH), aliGroup("sg-basic2", B, dropSSH)}, "tcp 192.0.2.1:1 -> 10.0.5.1:22", flow.Inbound, false, sg.ByRule, "sg-basic2", 0},
		{"basic groups deny unmatched inbound", []sg.Group{aliGroup("sg-basic", B)}, "tcp 192.0.2.1:1 -> 10.0.5.1:80", flow.Inbound, false, sg.DefaultDeny, "", -1},
		{"basic groups allow unmatched outbound", []sg.Group{aliGroup("sg-basic", B)}, "tcp 10.0.5.1:1 -> 192.0.2.1:80", flow.Outbound, true, sg.DefaultAccept, "", -1},
		{"an outbound drop rule in a basic group", []sg.Group{aliGroup("sg-basic", B, dropOutDNS)}, "udp 10.0.5.1:1 -> 8.8.8.8:53", flow.Outbound, false, sg.ByRule, "sg-basic", 0},
		{"members of a basic group reach each other", []sg.Group{aliGroup("sg-basic", B)}, "tcp 10.0.5.2:1 -> 10.0.5.1:80", flow.Inbound, true, sg.InnerAccept, "sg-basic", -1},
		{"the accept inner policy wins over a drop rule", []sg.Group{aliGroup("sg-basic", B, dropSSH)}, "tcp 10.0.5.2:1 -> 10.0.5.1:22", flow.Inbound, true, sg.InnerAccept, "sg-basic", -1},
		{"an isolated basic group drops members without a rule", []sg.Group{innerDrop}, "tcp 10.0.5.2:1 -> 10.0.5.1:80", flow.Inbound, false, sg.InnerIsolation, "sg-basic", -1},
		{"isolation leaves outbound to a member to the open default", []sg.Group{innerDrop}, "tcp 10.0.5.1:1 -> 10.0.5.2:80", flow.Outbound, true, sg.DefaultAccept, "", -1},
		{"rules win over isolation", []sg.Group{func() sg.Group { g := innerDrop; g.Rules = []sg.Rule{acceptSSH}; return g }()}, "tcp 10.0.5.2:1 -> 10.0.5.1:22", flow.Inbound, true, sg.ByRule, "sg-basic", 0},
		{"any group with the accept policy connects its members", []sg.Group{innerDrop2, aliGroup("sg-basic", B)}, "tcp 10.0.5.2:1 -> 10.0.5.1:80", flow.Inbound, true, sg.InnerAccept, "sg-basic", -1},
		{"a shared isolated group does not connect", []sg.Group{innerDrop2, aliGroup("sg-basic", B)}, "tcp 10.0.5.3:1 -> 10.0.5.1:80", flow.Inbound, false, sg.InnerIsolation, "sg-basic2", -1},
		{"enterprise groups deny unmatched outbound", []sg.Group{aliGroup("sg-ent", E)}, "tcp 10.0.6.1:1 -> 192.0.2.1:80", flow.Outbound, false, sg.DefaultDeny, "", -1},
		{"enterprise groups isolate members", []sg.Group{aliGroup("sg-ent", E)}, "tcp 10.0.6.2:1 -> 10.0.6.1:80", flow.Inbound, false, sg.DefaultDeny, "", -1},
		{"enterprise accept rules open what they name", []sg.Group{aliGroup("sg-ent", E, acceptOffice)}, "tcp 203.0.113.5:1 -> 10.0.6.1:22", flow.Inbound, true, sg.ByRule, "sg-ent", 0},
		{"a basic group may reference another group", []sg.Group{aliGroup("sg-basic", B, ali(in("tcp 3306", sg.GroupRef("sg-app")), flow.Pass, 1))}, "tcp 10.0.3.30:1 -> 10.0.5.1:3306", flow.Inbound, true, sg.ByRule, "sg-basic", 0},
	})
}

func TestAlibabaSourcePorts(t *testing.T) {
	r := ali(in("udp 53", sg.AnyIPv4), flow.Pass, 1)
	r.SourcePorts = flow.PortRange{Lo: 1024, Hi: 65535}
	runEvalCases(t, []evalCase{
		{"a 5-tuple rule matches its source ports", []sg.Group{aliGroup("sg-ent", sg.AlibabaEnterprise, r)}, "udp 192.0.2.1:5000 -> 10.0.6.1:53", flow.Inbound, true, sg.ByRule, "sg-ent", 0},
		{"a 5-tuple rule ignores other source ports", []sg.Group{aliGroup("sg-ent", sg.AlibabaEnterprise, r)}, "udp 192.0.2.1:53 -> 10.0.6.1:53", flow.Inbound, false, sg.DefaultDeny, "", -1},
	})
}

func TestCompileRejects(t *testing.T) {
	badCIDR := in("tcp 22", sg.Peer{Kind: sg.PeerCIDR, CIDR: netip.MustParsePrefix("10.0.0.1/8")})
	tests := []struct {
		name     string
		groups   []sg.Group
		sentinel error
		text     string
	}{
		{"an unknown referenced group", []sg.Group{group("sg-a", withID(in("tcp 22", sg.GroupRef("sg-ghost")), "sgr-1"))}, sg.ErrUnresolved, "sg-ghost"},
		{"an unknown prefix list", []sg.Group{group("sg-a", in("tcp 22", sg.PrefixList("pl-ghost")))}, sg.ErrUnresolved, "pl-ghost"},
		{"a CIDR with host bits", []sg.Group{group("sg-a", badCIDR)}, sg.ErrInvalidRule, "host bits"},
		{"a reversed port range", []sg.Group{group("sg-a", sg.Rule{Protocol: flow.TCP, Ports: flow.PortRange{Lo: 9, Hi: 1}, Peer: sg.AnyIPv4})}, sg.ErrInvalidRule, "starts above"},
		{"ICMP type -1 with a code", []sg.Group{group("sg-a", sg.Rule{Protocol: flow.ICMP, ICMPType: -1, ICMPCode: 3, Peer: sg.AnyIPv4})}, sg.ErrInvalidRule, "needs code -1"},
		{"a drop rule in an AWS group", []sg.Group{group("sg-a", ali(in("tcp 22", sg.AnyIPv4), flow.Drop, 0))}, sg.ErrInvalidRule, "allow rules only"},
		{"an Alibaba priority of 0", []sg.Group{aliGroup("sg-basic", sg.AlibabaBasic, ali(in("tcp 22", sg.AnyIPv4), flow.Pass, 0))}, sg.ErrInvalidRule, "priority 0"},
		{"an Alibaba priority of 101", []sg.Group{aliGroup("sg-basic", sg.AlibabaBasic, ali(in("tcp 22", sg.AnyIPv4), flow.Pass, 101))}, sg.ErrInvalidRule, "priority 101"},
		{"a group reference in an enterprise group", []sg.Group{aliGroup("sg-ent", sg.AlibabaEnterprise, ali(in("tcp 22", sg.GroupRef("sg-app")), flow.Pass, 1))}, sg.ErrInvalidRule, "cannot reference"},
		{"mixed Alibaba group types", []sg.Group{aliGroup("sg-basic", sg.AlibabaBasic), aliGroup("sg-ent", sg.AlibabaEnterprise)}, sg.ErrInvalidGroup, "one flavour"},
		{"AWS beside Alibaba", []sg.Group{group("sg-a"), aliGroup("sg-ent", sg.AlibabaEnterprise)}, sg.ErrInvalidGroup, "one flavour"},
		{"the same group twice", []sg.Group{group("sg-a"), group("sg-a")}, sg.ErrInvalidGroup, "twice"},
		{"a group without an ID", []sg.Group{{}}, sg.ErrInvalidGroup, "empty"},
		{"a basic group the resolver does not know", []sg.Group{aliGroup("sg-nobody", sg.AlibabaBasic)}, sg.ErrUnresolved, "sg-nobody"},
	}
	for _, tt := range tests {
		t.Run("rejects "+tt.name, func(t *testing.T) {
			_, err := sg.Compile(tt.groups, testResolver)
			require.ErrorIs(t, err, tt.sentinel)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tt.groups[len(tt.groups)-1].ID, ie.Resource, "the error names the group")
			assert.Contains(t, err.Error(), tt.text)
		})
	}
	_, err := sg.Compile([]sg.Group{group("sg-a", withID(in("tcp 22", sg.GroupRef("sg-web")), "sgr-9"))}, nil)
	require.ErrorIs(t, err, sg.ErrUnresolved, "a reference without a resolver is an error, not a silent non-match")
	assert.Contains(t, err.Error(), "sgr-9", "the error names the rule")
}

func TestCompileCopiesGroups(t *testing.T) {
	g := group("sg-x", in("tcp 22", sg.AnyIPv4))
	e, err := sg.Compile([]sg.Group{g}, nil)
	require.NoError(t, err)
	g.Rules[0].Ports = flow.Single[uint16](23)
	d := e.Evaluate(flow.MustParse("tcp 1.2.3.4:1 -> 10.0.0.1:22"), flow.Inbound)
	assert.True(t, d.Allowed(), "changing the group after Compile does not change the evaluator")
	assert.Equal(t, uint16(22), e.Groups()[0].Rules[0].Ports.Lo)
}

func TestExplainReasons(t *testing.T) {
	web := group("sg-web",
		withID(in("tcp 22", sg.CIDR("203.0.113.0/24")), "sgr-ssh"),
		withID(in("tcp 53", sg.CIDR("10.0.0.0/16")), "sgr-dns"),
	)
	empty := group("sg-empty")
	e, err := sg.Compile([]sg.Group{web, empty}, testResolver)
	require.NoError(t, err)

	x := e.Explain(flow.MustParse("tcp 203.0.113.9:50000 -> 10.0.1.10:22"), flow.Inbound)
	assert.Empty(t, x.Skipped, "the first rule decided")
	assert.Equal(t, "rule sgr-ssh allows tcp/22 from 203.0.113.0/24", x.Groups[0].Reason)
	assert.Equal(t, 0, x.Groups[0].Matched)
	assert.Equal(t, "no inbound rules", x.Groups[1].Reason)
	assert.Equal(t, "allowed by sg-web rule sgr-ssh allows tcp/22 from 203.0.113.0/24", x.String())

	x = e.Explain(flow.MustParse("tcp 10.0.4.4:50000 -> 10.0.1.10:53"), flow.Inbound)
	require.Len(t, x.Skipped, 1, "the rule before the deciding one")
	assert.Equal(t, "sg-web sgr-ssh allows tcp/22 from 203.0.113.0/24: port 53 is not in 22; 10.0.4.4 is not in 203.0.113.0/24", x.Skipped[0].String())
	assert.Equal(t, 1, x.RuleIndex)

	x = e.Explain(flow.MustParse("udp 10.0.4.4:50000 -> 10.0.1.10:53"), flow.Inbound)
	require.Len(t, x.Skipped, 2, "no rule decided: every inbound rule was tried")
	assert.Equal(t, "protocol udp is not tcp", x.Skipped[1].Reason())
	assert.Equal(t, "no rule allows udp/53 from 10.0.4.4: closest rule sgr-dns allows tcp/53 from 10.0.0.0/16 (protocol udp is not tcp)", x.Groups[0].Reason)
	assert.Equal(t, 1, x.Groups[0].Closest)
	assert.Equal(t, "denied: no inbound rule allows it", x.String())
}

func TestDecisionJSON(t *testing.T) {
	e, err := sg.Compile([]sg.Group{group("sg-web", withID(in("tcp 22", sg.CIDR("203.0.113.0/24")), "sgr-ssh"))}, nil)
	require.NoError(t, err)
	d := e.Evaluate(flow.MustParse("tcp 203.0.113.9:50000 -> 10.0.1.10:22"), flow.Inbound)
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.JSONEq(t, `{"Verdict":"allow","Action":"pass","Direction":"inbound","Basis":"rule","Default":false,"Group":"sg-web","RuleIndex":0,
		"Rule":{"ID":"sgr-ssh","Direction":"inbound","Protocol":"tcp","Ports":{"Lo":22,"Hi":22},"PortZero":false,"ICMPType":-1,"ICMPCode":-1,
		"Peer":{"Kind":"cidr","CIDR":"203.0.113.0/24","PrefixList":"","Group":""},"Description":"","Action":"pass","Priority":0,
		"SourcePorts":{"Lo":0,"Hi":0}},"Skipped":null,"Groups":null}`, string(b))

	x := e.Explain(flow.MustParse("tcp 198.51.100.1:50000 -> 10.0.1.10:22"), flow.Inbound)
	require.Len(t, x.Skipped, 1)
	b, err = json.Marshal(x.Skipped[0])
	require.NoError(t, err)
	assert.Contains(t, string(b), `"Reason":"198.51.100.1 is not in 203.0.113.0/24"`, "a skip's JSON carries its reason")
}

type nobody struct{}

func (nobody) GroupMembers(string) ([]netip.Addr, error) { return nil, nil }

func TestWithMembershipSharesRulesButNotMembers(t *testing.T) {
	db := group("sg-db", in("tcp 5432", sg.GroupRef("sg-app")), in("tcp 22", sg.PrefixList("pl-office")))
	c := sg.NewCachingResolver(testResolver)
	e, err := sg.Compile([]sg.Group{db}, c)
	require.NoError(t, err)
	e2, err := sg.Compile([]sg.Group{db, group("sg-web")}, c)
	require.NoError(t, err, "a caching resolver serves many compilations")
	pg := flow.MustParse("tcp 10.0.3.30:1 -> 10.0.2.20:5432")
	for _, ev := range []*sg.Evaluator{e, e2} {
		assert.True(t, ev.Evaluate(pg, flow.Inbound).Allowed())
	}
	blind, err := e.WithMembership(nobody{})
	require.NoError(t, err)
	assert.False(t, blind.Evaluate(pg, flow.Inbound).Allowed(), "without membership a group reference matches nothing")
	assert.True(t, e.Evaluate(pg, flow.Inbound).Allowed(), "the original keeps its members")
	assert.True(t, blind.Evaluate(flow.MustParse("tcp 203.0.113.1:1 -> 10.0.2.20:22"), flow.Inbound).Allowed(), "prefix lists still match")

	_, err = e.WithMembership(sg.StaticResolver{})
	require.ErrorIs(t, err, sg.ErrUnresolved, "a resolver that does not know a referenced group is an error")
	assert.Contains(t, err.Error(), "sg-app")
}

func TestCompileResolvesMembershipOnce(t *testing.T) {
	members := map[string][]netip.Addr{"sg-app": addrs("10.0.3.30")}
	res := sg.StaticResolver{Members: members}
	e := sg.MustCompile([]sg.Group{group("sg-db", in("tcp 5432", sg.GroupRef("sg-app")))}, res)
	members["sg-app"] = addrs("10.0.3.99")
	assert.True(t, e.Evaluate(flow.MustParse("tcp 10.0.3.30:1 -> 10.0.2.20:5432"), flow.Inbound).Allowed(),
		"membership is read at Compile time: later changes to the resolver's data do not reach the evaluator")
	assert.False(t, e.Evaluate(flow.MustParse("tcp 10.0.3.99:1 -> 10.0.2.20:5432"), flow.Inbound).Allowed())
}

func TestMustCompilePanicsOnBadGroups(t *testing.T) {
	assert.Panics(t, func() { sg.MustCompile([]sg.Group{{}}, nil) })
	assert.NotPanics(t, func() { sg.MustCompile([]sg.Group{group("sg-a", in("tcp 22", sg.AnyIPv4))}, nil) })
}

func TestNilEvaluatorMeansNoGroups(t *testing.T) {
	var e *sg.Evaluator
	f := flow.MustParse("tcp 10.0.0.1:50000 -> 10.0.0.2:443")
	for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
		d := e.Evaluate(f, dir)
		assert.Equal(t, flow.Allow, d.Verdict)
		assert.Equal(t, flow.Pass, d.Action)
		assert.Equal(t, sg.NoFilter, d.Basis)
		assert.False(t, d.Default)
		assert.Equal(t, "allowed: no security groups", d.String())
		assert.Equal(t, d, e.Explain(f, dir))
	}
	assert.Nil(t, e.Groups())
	blind, err := e.WithMembership(nobody{})
	require.NoError(t, err)
	assert.Nil(t, blind)
	d := sg.MustCompile(nil, nil).Evaluate(f, flow.Inbound)
	assert.Equal(t, flow.Deny, d.Verdict, "an interface without groups denies: nothing allows")
	assert.True(t, d.Default)
}

func TestTCPAndUDPRulesNeedPorts(t *testing.T) {
	for _, p := range []flow.Protocol{flow.TCP, flow.UDP} {
		_, err := sg.Compile([]sg.Group{group("sg-a", sg.Rule{ID: "sgr-noports", Direction: flow.Inbound, Protocol: p, Peer: sg.AnyIPv4})}, nil)
		require.ErrorIs(t, err, sg.ErrInvalidRule)
		assert.Contains(t, err.Error(), "sgr-noports", "the error names the rule")
		assert.Contains(t, err.Error(), "set Ports (flow.AllPorts for every port")
	}
	both := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), PortZero: true, Peer: sg.AnyIPv4}
	_, err := sg.Compile([]sg.Group{group("sg-a", both)}, nil)
	require.ErrorIs(t, err, sg.ErrInvalidRule)
	assert.Contains(t, err.Error(), "PortZero stands for port 0 alone")

	zero := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, PortZero: true, Peer: sg.AnyIPv4}
	e := sg.MustCompile([]sg.Group{group("sg-a", zero)}, nil)
	assert.True(t, e.Evaluate(flow.MustParse("tcp 1.2.3.4:1 -> 10.0.0.1:0"), flow.Inbound).Allowed())
	assert.False(t, e.Evaluate(flow.MustParse("tcp 1.2.3.4:1 -> 10.0.0.1:1"), flow.Inbound).Allowed())
	assert.Equal(t, "#0 allows tcp/0 from 0.0.0.0/0", zero.Label(0))
	gre := sg.Rule{Direction: flow.Inbound, Protocol: flow.GRE, Peer: sg.AnyIPv4}
	assert.True(t, sg.MustCompile([]sg.Group{group("sg-a", gre)}, nil).Evaluate(flow.MustParse("gre 1.2.3.4 -> 10.0.0.1"), flow.Inbound).Allowed(),
		"protocols without ports need none")
}

func TestRuleLabel(t *testing.T) {
	r := in("tcp 22", sg.CIDR("10.0.0.0/8"))
	assert.Equal(t, "#3 allows tcp/22 from 10.0.0.0/8", r.Label(3))
	assert.Equal(t, "sgr-1 allows tcp/22 from 10.0.0.0/8", withID(r, "sgr-1").Label(3))
}

func TestAnUnsetActionIsPassOnlyForAWS(t *testing.T) {
	rule := sg.Rule{ID: "sgr-1", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.AnyIPv4, ICMPType: -1, ICMPCode: -1}
	t.Run("an AWS rule without an action allows, and the decision says pass", func(t *testing.T) {
		e := sg.MustCompile([]sg.Group{{ID: "sg-a", Rules: []sg.Rule{rule}}}, nil)
		d := e.Evaluate(flow.MustParse("tcp 192.0.2.1:50000 -> 10.0.0.5:22"), flow.Inbound)
		assert.Equal(t, flow.Allow, d.Verdict)
		assert.Equal(t, flow.Pass, d.Action)
	})
	t.Run("an Alibaba rule without an action is an error naming the rule", func(t *testing.T) {
		r := rule
		r.Priority = 1
		_, err := sg.Compile([]sg.Group{{ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{r}}}, sg.StaticResolver{Members: map[string][]netip.Addr{"sg-b": nil}})
		require.ErrorIs(t, err, sg.ErrInvalidRule)
		assert.Contains(t, err.Error(), "sgr-1")
		assert.Contains(t, err.Error(), "set Action")
	})
}

package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// shadowDesign: one VPC, one subnet; ecs-x holds Alibaba basic group
// sg-x with rules; ecs-m1 (10.0.1.5) and ecs-m2 (10.0.1.6) are the
// members of sg-m, which the rules may reference; prefix list pl-x holds
// 10.0.0.0/8 and 192.168.0.0/16.
func shadowDesign(t testing.TB, rules []sg.Rule) *reach.Model {
	t.Helper()
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-s", CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "rtb-s", DefaultACL: "acl-s"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-s", VPC: "vpc-s"}).
		AddNetworkACL(nacl.NewDefault("acl-s", "vpc-s", false)).
		AddSubnet(reach.Subnet{ID: "vsw-s", VPC: "vpc-s", CIDRs: []netip.Prefix{p("10.0.1.0/24")}}).
		AddPrefixList(reach.PrefixList{ID: "pl-x", Entries: []netip.Prefix{p("10.0.0.0/8"), p("192.168.0.0/16")}}).
		AddSecurityGroup(sg.Group{ID: "sg-x", Flavour: sg.AlibabaBasic, Rules: rules},
			sg.Group{ID: "sg-m", Flavour: sg.AlibabaBasic}).
		AddInterface(
			reach.Interface{ID: "eni-x", Name: "ecs-x", Subnet: "vsw-s", PrivateIPs: []netip.Addr{a("10.0.1.4")}, Groups: []string{"sg-x"}},
			reach.Interface{ID: "eni-m1", Name: "ecs-m1", Subnet: "vsw-s", PrivateIPs: []netip.Addr{a("10.0.1.5")}, Groups: []string{"sg-m"}},
			reach.Interface{ID: "eni-m2", Name: "ecs-m2", Subnet: "vsw-s", PrivateIPs: []netip.Addr{a("10.0.1.6")}, Groups: []string{"sg-m"}},
		).Build()
	require.NoError(t, err)
	return m
}

func TestLintAlibabaShadowed(t *testing.T) {
	in, out := flow.Inbound, flow.Outbound
	tcp := func(id string, lo, hi uint16, peer sg.Peer, act flow.Action, prio int) sg.Rule {
		return aliLintRule(id, in, flow.TCP, lo, hi, peer, act, prio)
	}
	srcPorts := func(r sg.Rule, lo, hi uint16) sg.Rule { r.SourcePorts = flow.PortRange{Lo: lo, Hi: hi}; return r }
	any4, drop, accept := sg.AnyIPv4, flow.Drop, flow.Pass
	cases := []struct {
		name    string
		rules   []sg.Rule
		want    map[string][]string // rule -> the rules that hide it (their IDs)
		skipped string              // a text Skipped holds
	}{
		{"a drop first hides an accept", []sg.Rule{tcp("acc", 22, 22, any4, accept, 10), tcp("drop", 1, 100, any4, drop, 5)},
			map[string][]string{"acc": {"drop"}}, ""},
		{"at equal priority the drop hides the accept", []sg.Rule{tcp("acc", 22, 22, any4, accept, 5), tcp("drop", 22, 22, any4, drop, 5)},
			map[string][]string{"acc": {"drop"}}, ""},
		{"at equal priority an accept hides no drop", []sg.Rule{tcp("drop", 22, 22, any4, drop, 5), tcp("acc", 22, 22, any4, accept, 5)},
			map[string][]string{"acc": {"drop"}}, ""},
		{"of two equal rules the second never decides", []sg.Rule{tcp("a1", 22, 22, any4, accept, 5), tcp("a2", 22, 22, any4, accept, 5)},
			map[string][]string{"a2": {"a1"}}, ""},
		{"of two equal drops the second never decides", []sg.Rule{tcp("d1", 22, 22, any4, drop, 5), tcp("d2", 22, 22, any4, drop, 5)},
			map[string][]string{"d2": {"d1"}}, ""},
		{"an earlier rule of the same rank hides a narrower one", []sg.Rule{tcp("wide", 1, 1000, any4, accept, 5), tcp("ssh", 22, 22, sg.CIDR("10.0.0.0/8"), accept, 5)},
			map[string][]string{"ssh": {"wide"}}, ""},
		{"a later rule of the same rank hides no earlier one", []sg.Rule{tcp("ssh", 22, 22, sg.CIDR("10.0.0.0/8"), accept, 5), tcp("wide", 1, 1000, any4, accept, 5)}, nil, ""},
		{"the same priority, another action: only the drop decides first", []sg.Rule{tcp("d", 22, 22, any4, drop, 5), tcp("a", 22, 22, any4, accept, 5), tcp("d2", 22, 22, any4, drop, 5)},
			map[string][]string{"a": {"d"}, "d2": {"d"}}, ""},
		{"an accept first hides a drop", []sg.Rule{tcp("acc", 1, 1000, any4, accept, 1), tcp("drop", 22, 22, sg.CIDR("10.0.0.0/8"), drop, 2)},
			map[string][]string{"drop": {"acc"}}, ""},
		{"two rules together, by address", []sg.Rule{tcp("lo", 1, 1000, sg.CIDR("0.0.0.0/1"), drop, 1), tcp("hi", 1, 1000, sg.CIDR("128.0.0.0/1"), drop, 1),
			tcp("acc", 22, 22, any4, accept, 2)}, map[string][]string{"acc": {"lo", "hi"}}, ""},
		{"two rules together, by port", []sg.Rule{tcp("acc", 20, 30, any4, accept, 9), tcp("d", 20, 25, any4, drop, 1), tcp("a", 26, 30, any4, accept, 3)},
			map[string][]string{"acc": {"d", "a"}}, ""},
		{"in part only: no claim", []sg.Rule{tcp("acc", 20, 30, any4, accept, 9), tcp("d", 20, 29, any4, drop, 1)}, nil, ""},
		{"a drop of some source ports hides no rule of every one", []sg.Rule{srcPorts(tcp("d", 22, 22, any4, drop, 1), 1, 1023), tcp("acc", 22, 22, any4, accept, 2)}, nil, ""},
		{"a drop of some source ports hides a rule of fewer", []sg.Rule{srcPorts(tcp("d", 22, 22, any4, drop, 1), 1, 1023), srcPorts(tcp("acc", 22, 22, any4, accept, 2), 1, 1000)},
			map[string][]string{"acc": {"d"}}, ""},
		{"another direction hides nothing", []sg.Rule{aliLintRule("d", out, flow.TCP, 22, 22, any4, drop, 1), tcp("acc", 22, 22, any4, accept, 2)}, nil, ""},
		{"all traffic hides ICMP", []sg.Rule{aliLintRule("d", in, flow.AllProtocols, 0, 0, any4, drop, 1), aliLintRule("icmp", in, flow.ICMP, 0, 0, sg.CIDR("10.0.0.0/8"), accept, 2),
			aliLintRule("v6", in, flow.AllProtocols, 0, 0, sg.AnyIPv6, accept, 2)}, map[string][]string{"icmp": {"d"}}, ""},
		{"tcp 1-65535 leaves all traffic", []sg.Rule{tcp("d", 1, 65535, any4, drop, 1), aliLintRule("all", in, flow.AllProtocols, 0, 0, any4, accept, 2)}, nil, ""},
		{"a reference hides no CIDR rule", []sg.Rule{tcp("d", 22, 22, sg.GroupRef("sg-m"), drop, 1), tcp("acc", 22, 22, sg.CIDR("10.0.1.5/32"), accept, 2)},
			nil, "SG_RULE_SHADOWED: sg-x rule acc (accept tcp/22 from 10.0.1.5/32, priority 2) may never decide, but is not reported: sg-x rule d (drop tcp/22 from sg-m, priority 1) come first and match every packet it matches only while the packet keeps its group identity"},
		{"a CIDR rule hides a reference", []sg.Rule{tcp("d", 22, 22, sg.CIDR("10.0.1.0/24"), drop, 1), tcp("acc", 22, 22, sg.GroupRef("sg-m"), accept, 2)},
			map[string][]string{"acc": {"d"}}, ""},
		{"a reference hides one to the same group", []sg.Rule{tcp("d", 1, 100, sg.GroupRef("sg-m"), drop, 1), tcp("acc", 22, 22, sg.GroupRef("sg-m"), accept, 2)},
			map[string][]string{"acc": {"d"}}, ""},
		{"a prefix list hides", []sg.Rule{tcp("d", 22, 22, sg.PrefixList("pl-x"), drop, 1), tcp("acc", 22, 22, sg.CIDR("192.168.1.0/24"), accept, 2),
			tcp("no", 22, 22, sg.CIDR("172.16.0.0/12"), accept, 2)}, map[string][]string{"acc": {"d"}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := shadowDesign(t, tc.rules)
			res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintSGRuleShadowed}})
			require.NoError(t, err)
			got := map[string][]string{}
			for _, f := range res.Findings {
				require.Equal(t, reach.LintSGRuleShadowed, f.ID)
				assert.Equal(t, reach.Low, f.Severity)
				assert.Equal(t, "sg-x", f.Resource)
				var by []string
				for _, r := range f.Related {
					_, rest, _ := strings.Cut(r, " rule ")
					id, _, _ := strings.Cut(rest, " (")
					by = append(by, id)
				}
				got[f.Rule] = by
				assert.Contains(t, f.Message, "never decides", f.Message)
			}
			if tc.want == nil {
				tc.want = map[string][]string{}
			}
			assert.Equal(t, tc.want, got, res.Text())
			if tc.skipped != "" {
				assert.Contains(t, strings.Join(res.Skipped, "\n"), tc.skipped)
			}
		})
	}
}

// TestLintAlibabaShadowedRandom: every rule SG_RULE_SHADOWED calls dead
// decides no packet (the groups' own evaluator, on packets sampled over
// every rule's edges), and, for rules whose peers are CIDR blocks or
// prefix lists, every rule no edge packet shows deciding ahead of it... is
// called dead: the check is exact there.
func TestLintAlibabaShadowedRandom(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	in, out := flow.Inbound, flow.Outbound
	peers := []sg.Peer{sg.AnyIPv4, sg.CIDR("10.0.0.0/8"), sg.CIDR("10.0.1.0/24"), sg.CIDR("10.0.1.5/32"), sg.CIDR("0.0.0.0/1"),
		sg.CIDR("128.0.0.0/1"), sg.CIDR("192.168.0.0/16"), sg.AnyIPv6, sg.CIDR("2001:db8::/32"), sg.PrefixList("pl-x"), sg.GroupRef("sg-m")}
	protos := []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.AllProtocols, 47}
	ports := []uint16{1, 20, 22, 25, 80, 443, 1000, 1023, 1024, 65535}
	claims, exactChecked := 0, 0
	seeds := 300
	if raceOn { // the race detector needs the walks, not every seed
		seeds = 150
	}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 25))
		var rules []sg.Rule
		for i := range 2 + rng.IntN(6) {
			proto := protos[rng.IntN(len(protos))]
			peer := peers[rng.IntN(len(peers))]
			if proto == flow.ICMP && peer.Kind == sg.PeerCIDR && peer.CIDR.Addr().Is6() {
				proto = flow.ICMPv6
			}
			if proto == flow.ICMP && peer.Kind == sg.PeerPrefixList {
				proto = flow.TCP
			}
			lo, hi := ports[rng.IntN(len(ports))], ports[rng.IntN(len(ports))]
			if lo > hi {
				lo, hi = hi, lo
			}
			act := flow.Pass
			if rng.IntN(2) == 0 {
				act = flow.Drop
			}
			dir := in
			if rng.IntN(5) == 0 {
				dir = out
			}
			r := aliLintRule(fmt.Sprintf("r%d", i), dir, proto, lo, hi, peer, act, 1+rng.IntN(4))
			if proto.HasPorts() && rng.IntN(4) == 0 {
				a, b := ports[rng.IntN(len(ports))], ports[rng.IntN(len(ports))]
				r.SourcePorts = flow.PortRange{Lo: min(a, b), Hi: max(a, b)}
			}
			rules = append(rules, r)
		}
		m := shadowDesign(t, rules)
		res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintSGRuleShadowed}})
		require.NoError(t, err)
		dead := map[string]bool{}
		for _, f := range res.Findings {
			dead[f.Rule] = true
		}
		ev, err := sg.Compile([]sg.Group{{ID: "sg-x", Flavour: sg.AlibabaBasic, Rules: rules}}, sg.StaticResolver{
			Members:     map[string][]netip.Addr{"sg-m": {netip.MustParseAddr("10.0.1.5"), netip.MustParseAddr("10.0.1.6")}, "sg-x": {netip.MustParseAddr("10.0.1.4")}},
			PrefixLists: map[string][]netip.Prefix{"pl-x": {netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.0.0/16")}},
		})
		require.NoError(t, err)
		packets := edgePackets(rules)
		for k, r := range rules {
			matched, ahead := false, true // r matches an edge packet; every one it matches, a rule that comes first matches
			for _, pk := range packets {
				if pk.dir != r.Direction || !ruleMatches(r, pk) {
					continue
				}
				matched = true
				d := ev.Evaluate(pk.f, pk.dir)
				require.False(t, dead[r.ID] && d.Basis == sg.ByRule && d.RuleIndex == k,
					"seed %d: %s is called dead, but decides %+v: %s", seed, r.ID, pk.f, res.Text())
				if !slices.ContainsFunc(rules, func(o sg.Rule) bool { return o.Direction == r.Direction && first(o, r) && ruleMatches(o, pk) }) {
					ahead = false
				}
			}
			if dead[r.ID] {
				claims++
			}
			cidrOnly := !slices.ContainsFunc(rules, func(o sg.Rule) bool { return o.Peer.Kind == sg.PeerGroup })
			if cidrOnly && matched {
				exactChecked++
				assert.Equal(t, ahead, dead[r.ID], "seed %d: rule %s: every packet it matches meets a rule first: %v; called dead: %v\n%s", seed, r.ID, ahead, dead[r.ID], res.Text())
			}
		}
	}
	t.Logf("%d dead claims, %d rules checked for exactness", claims, exactChecked)
	assert.Greater(t, claims, 50*seeds/300)
}

type edgePacket struct {
	f   flow.Flow
	dir flow.Direction
}

// first is the Alibaba order: a smaller priority number, or the same
// with a drop before an accept; among rules of one priority and action,
// the group's order (their IDs, r0, r1, … here).
func first(a, b sg.Rule) bool {
	return a.Priority < b.Priority || a.Priority == b.Priority && a.Action == flow.Drop && b.Action != flow.Drop ||
		a.Priority == b.Priority && a.Action == b.Action && a.ID < b.ID
}

// ruleMatches is a reference match of r on pk, written apart from the
// evaluator: the peer by the design's members and list.
func ruleMatches(r sg.Rule, pk edgePacket) bool {
	f := pk.f
	if r.Protocol != flow.AllProtocols && r.Protocol != f.Protocol {
		return false
	}
	if r.Protocol.HasPorts() {
		if f.Dst.Port() < r.Ports.Lo || f.Dst.Port() > r.Ports.Hi {
			return false
		}
		if sp := r.SourcePorts; sp != (flow.PortRange{}) && (f.Src.Port() < sp.Lo || f.Src.Port() > sp.Hi) {
			return false
		}
	}
	peer := f.Src.Addr()
	if pk.dir == flow.Outbound {
		peer = f.Dst.Addr()
	}
	switch r.Peer.Kind {
	case sg.PeerGroup:
		return peer == netip.MustParseAddr("10.0.1.5") || peer == netip.MustParseAddr("10.0.1.6")
	case sg.PeerPrefixList:
		return netip.MustParsePrefix("10.0.0.0/8").Contains(peer) || netip.MustParsePrefix("192.168.0.0/16").Contains(peer)
	}
	return r.Peer.CIDR.Contains(peer)
}

// edgePackets are the packets at every rule's edges: each protocol the
// rules name (and one they do not), each port and source port at a
// range's ends and beyond, each peer address at a block's ends and
// beyond, both directions. Every cell of the rules' partition holds one.
func edgePackets(rules []sg.Rule) []edgePacket {
	protos := map[flow.Protocol]bool{flow.TCP: true, flow.UDP: true, flow.ICMP: true, flow.ICMPv6: true, 47: true, 50: true}
	dports, sports := map[uint16]bool{1: true, 65535: true}, map[uint16]bool{1: true, 65535: true}
	addrs := map[netip.Addr]bool{netip.MustParseAddr("10.0.1.5"): true, netip.MustParseAddr("10.0.1.6"): true}
	addPorts := func(set map[uint16]bool, r flow.PortRange) {
		for _, p := range []int{int(r.Lo) - 1, int(r.Lo), int(r.Hi), int(r.Hi) + 1} {
			if p >= 1 && p <= 65535 {
				set[uint16(p)] = true
			}
		}
	}
	addBlock := func(p netip.Prefix) {
		lo := p.Masked().Addr()
		hi := lo
		for i := p.Bits(); i < lo.BitLen(); i++ {
			b := hi.AsSlice()
			b[i/8] |= 1 << (7 - i%8)
			hi, _ = netip.AddrFromSlice(b)
		}
		for _, a := range []netip.Addr{lo.Prev(), lo, hi, hi.Next()} {
			if a.IsValid() {
				addrs[a] = true
			}
		}
	}
	for _, p := range []string{"10.0.0.0/8", "192.168.0.0/16", "0.0.0.0/0", "::/0", "10.0.1.5/32", "10.0.1.6/32"} {
		addBlock(netip.MustParsePrefix(p))
	}
	for _, r := range rules {
		if r.Protocol.HasPorts() {
			addPorts(dports, r.Ports)
			if r.SourcePorts != (flow.PortRange{}) {
				addPorts(sports, r.SourcePorts)
			}
		}
		if r.Peer.Kind == sg.PeerCIDR {
			addBlock(r.Peer.CIDR)
		}
	}
	sorted := func(m map[uint16]bool) []uint16 {
		var out []uint16
		for p := range m {
			out = append(out, p)
		}
		sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
		return out
	}
	self4, self6 := netip.MustParseAddr("10.0.1.4"), netip.MustParseAddr("2001:db8:ffff::4")
	var out []edgePacket
	for a := range addrs {
		self := self4
		if a.Is6() {
			self = self6
		}
		for p := range protos {
			if (p == flow.ICMP && a.Is6()) || (p == flow.ICMPv6 && a.Is4()) {
				continue
			}
			dps, sps := []uint16{0}, []uint16{0}
			if p.HasPorts() {
				dps, sps = sorted(dports), sorted(sports)
			}
			for _, dp := range dps {
				for _, sp := range sps {
					out = append(out,
						edgePacket{flow.Flow{Protocol: p, Src: netip.AddrPortFrom(a, sp), Dst: netip.AddrPortFrom(self, dp)}, flow.Inbound},
						edgePacket{flow.Flow{Protocol: p, Src: netip.AddrPortFrom(self, sp), Dst: netip.AddrPortFrom(a, dp)}, flow.Outbound})
				}
			}
		}
	}
	return out
}

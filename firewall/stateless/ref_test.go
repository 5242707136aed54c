package stateless_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// refEngine is the slow, obviously correct stateless engine the fast one
// is held to. It reads AWS's recipe literally: put every rule of every
// group in one list sorted by (group priority, rule priority), take the
// first that matches; else the default action for a full packet, the
// fragment default for a UDP fragment, and a drop for any other fragment.
type refEngine struct {
	cfg   stateless.Config
	rules []refRule
}

type refRule struct {
	group     string
	groupPrio int
	rule      stateless.Rule
}

// refDecision is what the reference decides; index is the deciding
// rule's position in rules (len(rules) when a default decided).
type refDecision struct {
	action                           flow.Action
	group                            string
	groupPrio, rulePrio              int
	isDefault, fragment, fragDropped bool
	metrics                          []string
	index                            int
}

func newRef(cfg stateless.Config) *refEngine {
	x := &refEngine{cfg: cfg}
	for _, ref := range cfg.Groups {
		name := ref.Group.Name
		if name == "" {
			name = ref.Group.ARN
		}
		for _, r := range ref.Group.Rules {
			x.rules = append(x.rules, refRule{group: name, groupPrio: ref.Priority, rule: r})
		}
	}
	slices.SortFunc(x.rules, func(a, b refRule) int {
		return cmp.Or(cmp.Compare(a.groupPrio, b.groupPrio), cmp.Compare(a.rule.Priority, b.rule.Priority))
	})
	return x
}

func (x *refEngine) eval(p stateless.Packet) refDecision {
	for i, r := range x.rules {
		if refMatches(r.rule, p) {
			return refDecision{action: r.rule.Action, group: r.group, groupPrio: r.groupPrio, rulePrio: r.rule.Priority, metrics: r.rule.CustomActions, index: i}
		}
	}
	d := refDecision{index: len(x.rules)}
	switch {
	case !p.Fragment:
		d.action, d.isDefault, d.metrics = x.cfg.Default.Action, true, x.cfg.Default.CustomActions
	case p.Protocol == flow.UDP:
		d.action, d.isDefault, d.fragment, d.metrics = x.cfg.FragmentDefault.Action, true, true, x.cfg.FragmentDefault.CustomActions
	default:
		d.action, d.fragDropped = flow.Drop, true
	}
	return d
}

// refMatches checks every attribute of r against p, one by one.
func refMatches(r stateless.Rule, p stateless.Packet) bool {
	if len(r.Protocols) > 0 && !slices.Contains(r.Protocols, p.Protocol) {
		return false
	}
	namesPorts := len(r.SourcePorts) > 0 || len(r.DestinationPorts) > 0
	if namesPorts && (p.Fragment || (p.Protocol != flow.TCP && p.Protocol != flow.UDP)) {
		return false // ports only exist on full TCP and UDP packets (F.7)
	}
	if len(r.TCPFlags) > 0 && (p.Fragment || p.Protocol != flow.TCP) {
		return false // flags only exist on full TCP packets
	}
	anyPrefix := func(ps []netip.Prefix, a netip.Addr) bool {
		if len(ps) == 0 {
			return true
		}
		for _, q := range ps {
			if q.Contains(a) {
				return true
			}
		}
		return false
	}
	anyPort := func(rs []flow.PortRange, port uint16) bool {
		if len(rs) == 0 {
			return true
		}
		for _, rg := range rs {
			if rg.Lo <= port && port <= rg.Hi {
				return true
			}
		}
		return false
	}
	if !anyPrefix(r.Sources, p.Src.Addr()) || !anyPrefix(r.Destinations, p.Dst.Addr()) {
		return false
	}
	if !anyPort(r.SourcePorts, p.Src.Port()) || !anyPort(r.DestinationPorts, p.Dst.Port()) {
		return false
	}
	if len(r.TCPFlags) == 0 {
		return true
	}
	for _, m := range r.TCPFlags {
		ok := true
		for bit := range 8 {
			f := stateless.TCPFlags(1 << bit)
			if m.Masks != 0 && m.Masks&f == 0 {
				continue // not examined
			}
			if (p.Flags&f != 0) != (m.Flags&f != 0) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// gen makes random stateless configs and packets over a small universe,
// so that rules and packets meet often.
type gen struct{ r *rand.Rand }

func newGen(seed uint64) gen { return gen{rand.New(rand.NewPCG(seed, 0x5374617465))} }

func (g gen) n(k int) int { return g.r.IntN(k) }

var (
	addrs4 = []string{"10.0.0.1", "10.0.0.2", "10.0.1.1", "10.1.0.1", "192.168.1.1", "203.0.113.9", "198.51.100.7"}
	addrs6 = []string{"2001:db8::1", "2001:db8::2", "2001:db8:1::1", "2001:db9::1", "fd00::1"}
	// Host bits are left set in some on purpose: Compile masks them.
	cidrs4  = []string{"10.0.0.0/8", "10.0.0.7/16", "10.0.0.1/32", "10.0.0.2/32", "10.0.1.0/24", "0.0.0.0/0", "192.168.0.0/16", "203.0.113.9/32", "198.51.100.0/24"}
	cidrs6  = []string{"2001:db8::/32", "2001:db8::/48", "2001:db8::1/128", "2001:db8:1::1/64", "::/0", "fd00::/8", "2001:db9::1/128"}
	portsOf = []uint16{0, 1, 22, 53, 80, 123, 443, 1023, 1024, 8080, 32768, 50000, 65535}
	protos  = []flow.Protocol{flow.TCP, flow.TCP, flow.UDP, flow.UDP, flow.ICMP, flow.ICMPv6, flow.GRE, flow.ESP, 89}
)

func (g gen) pick4or6(v4, v6 []string) string {
	if g.n(3) == 0 {
		return v6[g.n(len(v6))]
	}
	return v4[g.n(len(v4))]
}

func (g gen) prefixes() []netip.Prefix {
	var out []netip.Prefix
	for range g.n(3) {
		out = append(out, netip.MustParsePrefix(g.pick4or6(cidrs4, cidrs6)))
	}
	return out
}

func (g gen) port() uint16 {
	if g.n(5) == 0 {
		return uint16(g.r.UintN(65536))
	}
	return portsOf[g.n(len(portsOf))]
}

func (g gen) ports() []flow.PortRange {
	var out []flow.PortRange
	for range g.n(3) {
		a, b := g.port(), g.port()
		if g.n(2) == 0 {
			b = a // a single port, the common case
		}
		out = append(out, flow.PortRange{Lo: min(a, b), Hi: max(a, b)})
	}
	return out
}

func (g gen) flags() stateless.TCPFlags {
	return stateless.TCPFlags(g.r.UintN(256)) & []stateless.TCPFlags{0x03, 0x12, 0x17, 0xff}[g.n(4)]
}

// rule returns a random rule; sparse attributes keep matches likely.
func (g gen) rule(prio int, customs []string) stateless.Rule {
	r := stateless.Rule{Priority: prio, Action: stdActions[g.n(3)]}
	if g.n(2) == 0 {
		r.Sources = g.prefixes()
	}
	if g.n(2) == 0 {
		r.Destinations = g.prefixes()
	}
	if g.n(4) == 0 {
		r.SourcePorts = g.ports()
	}
	if g.n(2) == 0 {
		r.DestinationPorts = g.ports()
	}
	if g.n(2) == 0 {
		for range 1 + g.n(2) {
			p := protos[g.n(len(protos))]
			if g.n(8) == 0 {
				p = flow.Protocol(g.n(256))
			}
			r.Protocols = append(r.Protocols, p)
		}
	}
	if g.n(5) == 0 {
		for range 1 + g.n(2) {
			masks, examined := g.flags(), stateless.TCPFlags(0xff)
			if masks != 0 {
				examined = masks // AWS: Flags only name masked flags
			}
			r.TCPFlags = append(r.TCPFlags, stateless.TCPFlagMatch{Flags: g.flags() & examined, Masks: masks})
		}
	}
	if len(customs) > 0 && g.n(3) == 0 {
		r.CustomActions = []string{customs[g.n(len(customs))]}
	}
	return r
}

// narrowRule is a rule the index files under one selective attribute.
func (g gen) narrowRule(prio int) stateless.Rule {
	r := stateless.Rule{Priority: prio, Action: stdActions[g.n(3)]}
	host := func() netip.Prefix {
		s := g.pick4or6(addrs4, addrs6)
		a := netip.MustParseAddr(s)
		return netip.PrefixFrom(a, a.BitLen()-[]int{0, 0, 8}[g.n(3)])
	}
	switch g.n(4) {
	case 0:
		r.Destinations = []netip.Prefix{host()}
	case 1:
		r.Sources = []netip.Prefix{host()}
	case 2:
		r.Protocols = []flow.Protocol{protos[g.n(4)]} // TCP or UDP
		lo := g.port()
		r.DestinationPorts = []flow.PortRange{{Lo: lo, Hi: lo + uint16(min(7*g.n(3), 65535-int(lo)))}}
	default:
		r.Protocols = []flow.Protocol{protos[g.n(4)]}
		p := g.port()
		r.SourcePorts = []flow.PortRange{{Lo: p, Hi: p}}
	}
	if g.n(3) == 0 {
		r.Destinations = append(r.Destinations, g.prefixes()...)
	}
	if g.n(4) == 0 {
		r.DestinationPorts = append(r.DestinationPorts, g.ports()...)
	}
	return r
}

// config returns a random valid config. Large ones make the index work.
func (g gen) config() stateless.Config {
	cfg := stateless.Config{
		Default:         stateless.DefaultAction{Action: stdActions[g.n(3)]},
		FragmentDefault: stateless.DefaultAction{Action: stdActions[g.n(3)]},
	}
	if g.n(3) == 0 {
		cfg.CustomActions = []stateless.CustomAction{{Name: "PolicyMetric", Dimensions: []string{"p"}}}
		cfg.Default.CustomActions = []string{"PolicyMetric"}
	}
	groupPrios := g.r.Perm(8)
	for gi := range 1 + g.n(4) {
		grp := stateless.RuleGroup{Name: fmt.Sprintf("g%d", gi)}
		if g.n(4) == 0 {
			grp.Name, grp.ARN = "", fmt.Sprintf("arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/g%d", gi)
		}
		var customs []string
		if g.n(2) == 0 {
			grp.CustomActions = []stateless.CustomAction{{Name: "M1", Dimensions: []string{"one"}}, {Name: "M2", Dimensions: []string{"two", "2"}}}
			customs = []string{"M1", "M2"}
		}
		size := g.n(12)
		big := g.n(4) == 0
		if big {
			size = 20 + g.n(200)
		}
		prios := g.r.Perm(size * 3)[:size] // unique, in random order
		for _, p := range prios {
			if big && g.n(5) != 0 {
				grp.Rules = append(grp.Rules, g.narrowRule(p+1))
			} else {
				grp.Rules = append(grp.Rules, g.rule(p+1, customs))
			}
		}
		cfg.Groups = append(cfg.Groups, stateless.GroupRef{Priority: 1 + groupPrios[gi]*100, Group: grp})
	}
	return cfg
}

// packet returns a random valid packet, a fragment now and then.
func (g gen) packet() stateless.Packet {
	is6 := g.n(3) == 0
	addr := func() netip.Addr {
		if is6 {
			return netip.MustParseAddr(addrs6[g.n(len(addrs6))])
		}
		return netip.MustParseAddr(addrs4[g.n(len(addrs4))])
	}
	proto := protos[g.n(len(protos))]
	switch {
	case proto == flow.ICMP && is6:
		proto = flow.ICMPv6
	case proto == flow.ICMPv6 && !is6:
		proto = flow.ICMP
	}
	var sp, dp uint16
	if proto.HasPorts() {
		sp, dp = g.port(), g.port()
	}
	p := stateless.Packet{Flow: flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(addr(), sp), Dst: netip.AddrPortFrom(addr(), dp)}}
	if proto.IsICMP() {
		p.ICMPType = uint8(g.n(4))
	}
	if proto == flow.TCP {
		p.Flags = g.flags()
	}
	p.Fragment = g.n(8) == 0
	return p
}

func TestAgreesWithReference(t *testing.T) {
	g := newGen(20260523)
	configs, packets := 2000, 50
	if testing.Short() || raceOn {
		configs = 500
	}
	indexed := 0
	for c := range configs {
		cfg := g.config()
		e, err := stateless.Compile(cfg)
		require.NoError(t, err, "config %d", c)
		ref := newRef(cfg)
		if len(ref.rules) >= 40 {
			indexed++
		}
		for range packets {
			p := g.packet()
			require.NoError(t, p.Validate())
			want := ref.eval(p)
			for _, d := range []stateless.Decision{e.Evaluate(p), e.Explain(p)} {
				got := refDecision{
					action: d.Action, group: d.Group, groupPrio: d.GroupPriority, rulePrio: d.RulePriority,
					isDefault: d.Default, fragment: d.Fragment, fragDropped: d.FragmentDrop, metrics: d.Metrics(), index: want.index,
				}
				if !assert.Equal(t, want, got, "config %d, packet %s", c, p) {
					t.Logf("config: %+v", cfg)
					t.FailNow()
				}
			}
			checkSkipped(t, ref, e.Explain(p), want, p)
			checkIndex(t, e, p)
		}
	}
	assert.Greater(t, indexed, configs/10, "enough configs are large enough to be indexed")
}

// checkSkipped checks, by brute force, that Explain lists exactly the
// rules before the decider, in order, each with a reason, and that none
// of them matches.
func checkSkipped(t *testing.T, ref *refEngine, d stateless.Decision, want refDecision, p stateless.Packet) {
	t.Helper()
	require.Len(t, d.Skipped, want.index, "packet %s", p)
	// Plain comparisons: testify's per-call bookkeeping would dominate.
	for k, s := range d.Skipped {
		r := ref.rules[k]
		switch {
		case r.group != s.Group || r.groupPrio != s.GroupPriority || r.rule.Priority != s.Rule.Priority:
			t.Fatalf("packet %s: skip %d is %s (group priority %d), want priority %d in group %s (%d)", p, k, s, s.GroupPriority, r.rule.Priority, r.group, r.groupPrio)
		case s.Reason == "":
			t.Fatalf("packet %s: %s skipped without a reason", p, s)
		case refMatches(r.rule, p):
			t.Fatalf("packet %s: %s skipped, but it matches", p, s)
		}
	}
}

// A targeted check of the index: big groups of narrow rules, where every
// packet's answer hides among thousands of candidates.
func TestIndexAgreesOnLargeGroups(t *testing.T) {
	g := newGen(7)
	for c := range 8 {
		cfg := stateless.Config{
			Default:         stateless.DefaultAction{Action: flow.Drop},
			FragmentDefault: stateless.DefaultAction{Action: flow.Pass},
		}
		for gi := range 3 {
			grp := stateless.RuleGroup{Name: fmt.Sprintf("big%d", gi)}
			for i := range 1500 {
				var r stateless.Rule
				if g.n(20) == 0 {
					r = g.rule(i+1, nil)
				} else {
					r = g.narrowRule(i + 1)
				}
				grp.Rules = append(grp.Rules, r)
			}
			cfg.Groups = append(cfg.Groups, stateless.GroupRef{Priority: 10 - gi, Group: grp})
		}
		e := mustCompile(t, cfg)
		ref := newRef(cfg)
		for range 400 {
			p := g.packet()
			want := ref.eval(p)
			d := e.Evaluate(p)
			require.Equal(t, want.group, d.Group, "config %d packet %s", c, p)
			require.Equal(t, want.rulePrio, d.RulePriority, "config %d packet %s", c, p)
			require.Equal(t, want.action, d.Action)
			checkIndex(t, e, p)
		}
	}
}

// checkIndex checks the index directly: its candidates for p include
// every rule that matches p, and its lookup finds the first of them.
func checkIndex(t *testing.T, e *stateless.Engine, p stateless.Packet) {
	t.Helper()
	all := stateless.Matching(e, p)
	if got := matchingIn(e, p, stateless.Candidates(e, p)); !slices.Equal(all, got) {
		t.Fatalf("packet %s: rules %v match, the index offers %v of them", p, all, got)
	}
	first := -1
	if len(all) > 0 {
		first = all[0]
	}
	if got := stateless.IndexedFirst(e, p); got != first {
		t.Fatalf("packet %s: index finds rule %d first, a scan finds %d", p, got, first)
	}
}

// matchingIn returns, sorted and without repeats, the candidates that
// are among the rules matching p.
func matchingIn(e *stateless.Engine, p stateless.Packet, candidates []int) []int {
	all := stateless.Matching(e, p)
	var out []int
	for _, c := range candidates {
		if slices.Contains(all, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// stdActions are the standard stateless actions, drawn at random.
var stdActions = [...]flow.Action{flow.Pass, flow.Drop, flow.Forward}

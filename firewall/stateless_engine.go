package firewall

import (
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// StatelessEngine is the compiled stateless engine of one firewall policy:
// its stateless rule groups and default actions, checked, copied and
// indexed. Build it with [CompileStateless]. It is immutable and safe for
// concurrent use by any number of goroutines.
//
// Every packet is judged alone (the stateless engine keeps no state and
// knows no direction, so a reply needs its own rule): groups by ascending
// policy priority, rules by ascending priority within their group; the
// first rule that matches decides with its standard action. A packet that
// matches no rule gets the default action, a UDP fragment the fragment
// default action, and a fragment of any other protocol is dropped.
//
// A nil *StatelessEngine (and the zero StatelessEngine) stands for a policy
// without stateless rules whose default actions both forward to the
// stateful engine, AWS's recommended setup: every full packet and every UDP
// fragment is forwarded, other fragments are dropped.
type StatelessEngine struct {
	cfg      StatelessConfig // canonical deep copy: groups and rules sorted
	rules    []slRule        // every rule of every group, in decision order
	match    []slMatcher     // rules[i] reduced for matching
	buckets  [2][slClasses]slBucket
	compiled bool
}

// slRule is one rule in decision order, with its group.
type slRule struct {
	rule      *StatelessRule // points into cfg
	group     string         // the group's label
	groupPrio int
}

// Protocol classes: packets of one class meet the same rules but for the
// protocol bitset check.
const (
	slTCP = iota
	slUDP
	slICMP // ICMP and ICMPv6
	slOther
	slClasses
)

func slClassOf(proto uint8) int {
	switch proto {
	case 6:
		return slTCP
	case 17:
		return slUDP
	case 1, 58:
		return slICMP
	}
	return slOther
}

// slPacket is a Packet reduced for matching.
type slPacket struct {
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8
	flags        TCPFlags
	frag         bool
}

// slReduce reduces p; ok is false when p is not a packet any rule can
// match (protocol outside 0-255, an address missing or zoned, or source
// and destination of different families).
func slReduce(p *Packet) (pk slPacket, why string) {
	src, dst := p.Src.Addr(), p.Dst.Addr()
	switch {
	case !p.Protocol.IsConcrete():
		return pk, "protocol " + p.Protocol.String() + " is not one protocol number"
	case !src.IsValid() || !dst.IsValid():
		return pk, "an address is missing"
	case src.Zone() != "" || dst.Zone() != "":
		return pk, "an address has a zone"
	case src.Is4() != dst.Is4():
		return pk, "source and destination are of different address families"
	}
	pk = slPacket{src: src, dst: dst, proto: uint8(p.Protocol), flags: p.Flags, frag: p.Fragment}
	if !p.Fragment {
		pk.sport, pk.dport = p.Src.Port(), p.Dst.Port()
	}
	return pk, ""
}

// slMatcher is a rule reduced for matching. Its slices are shared with the
// canonical rule.
type slMatcher struct {
	protos         [4]uint64 // bit p is set when the rule can match protocol p
	src, dst       []netip.Prefix
	sports, dports []flow.PortRange
	flags          []TCPFlagMatch // Masks never empty; Flags within Masks
	ports          bool           // the rule names ports
}

func slNewMatcher(r *StatelessRule) slMatcher {
	m := slMatcher{src: r.Sources, dst: r.Destinations, sports: r.SourcePorts, dports: r.DestinationPorts, ports: r.namesPorts()}
	if len(r.Protocols) == 0 {
		m.protos = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
	}
	for _, p := range r.Protocols {
		m.protos[p>>6] |= 1 << (p & 63)
	}
	for _, f := range r.TCPFlags {
		k := f.mask()
		m.flags = append(m.flags, TCPFlagMatch{Flags: f.Flags & k, Masks: k})
	}
	return m
}

func (m *slMatcher) hasProto(p uint8) bool { return m.protos[p>>6]&(1<<(p&63)) != 0 }

func (m *slMatcher) matches(p *slPacket) bool {
	if !m.hasProto(p.proto) {
		return false
	}
	if m.ports {
		if p.frag || (p.proto != 6 && p.proto != 17) {
			return false
		}
		if len(m.sports) > 0 && !slInRanges(m.sports, p.sport) {
			return false
		}
		if len(m.dports) > 0 && !slInRanges(m.dports, p.dport) {
			return false
		}
	}
	if len(m.flags) > 0 {
		if p.frag || p.proto != 6 {
			return false
		}
		ok := false
		for _, f := range m.flags {
			if p.flags&f.Masks == f.Flags {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return (len(m.src) == 0 || slInPrefixes(m.src, p.src)) && (len(m.dst) == 0 || slInPrefixes(m.dst, p.dst))
}

func slInRanges(rs []flow.PortRange, v uint16) bool {
	for _, r := range rs {
		if r.Lo <= v && v <= r.Hi {
			return true
		}
	}
	return false
}

func slInPrefixes(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// CompileStateless checks cfg and builds its engine. cfg is deep-copied:
// later changes to it do not affect the engine.
//
// It rejects, with a *[flow.InputError] whose Path names the Go field
// ("Groups[1].Rules[3].Sources[0]", "Default.Action"), whose Resource is
// the group's name (or ARN) and whose Rule is the rule's priority:
//   - rule and group priorities outside 1-65535, and priorities used twice
//     within a group or within the policy;
//   - a group without Name and ARN, or referenced twice (same ARN, or same
//     Name when it has no ARN);
//   - invalid or IPv4-mapped CIDR blocks (host bits are not an error: they
//     are masked), port ranges with From above To, protocols outside 0-255,
//     TCP flags outside their masks;
//   - a rule or default without a standard action (AWS requires exactly
//     one; a rule with custom actions only is rejected, never treated as
//     non-terminal), and custom action names not defined where they are
//     used (the group for rules, the policy for defaults);
//   - custom action definitions with a bad or duplicate name or a bad or
//     missing dimension value;
//   - a group whose rules consume more capacity than it declares or than
//     [MaxStatelessCapacity].
//
// Errors wrap [ErrInvalidRule], [ErrInvalidGroup] or [ErrInvalidPolicy].
// Quotas on the number of groups per policy are not checked.
func CompileStateless(cfg StatelessConfig) (*StatelessEngine, error) {
	c, err := slCanonConfig(cfg)
	if err != nil {
		return nil, err
	}
	e := &StatelessEngine{cfg: c, compiled: true}
	n := 0
	for _, ref := range e.cfg.Groups {
		n += len(ref.Group.Rules)
	}
	e.rules, e.match = make([]slRule, 0, n), make([]slMatcher, 0, n)
	for gi := range e.cfg.Groups {
		ref := &e.cfg.Groups[gi]
		for ri := range ref.Group.Rules {
			r := &ref.Group.Rules[ri]
			e.rules = append(e.rules, slRule{rule: r, group: ref.Group.Label(), groupPrio: ref.Priority})
			e.match = append(e.match, slNewMatcher(r))
		}
	}
	for fam := range e.buckets {
		for class := range e.buckets[fam] {
			var members []int32
			for i := range e.match {
				if slEligible(&e.match[i], fam == 1, class) {
					members = append(members, int32(i))
				}
			}
			e.buckets[fam][class].build(e.match, members, fam == 1, class)
		}
	}
	return e, nil
}

// MustCompileStateless is [CompileStateless] that panics on error, for
// literals in code and tests.
func MustCompileStateless(cfg StatelessConfig) *StatelessEngine {
	e, err := CompileStateless(cfg)
	if err != nil {
		panic(err)
	}
	return e
}

// slClassProtos are the protocols of each class, as bitsets.
var slClassProtos = func() (out [slClasses][4]uint64) {
	for p := range 256 {
		c := slClassOf(uint8(p))
		out[c][p>>6] |= 1 << (p & 63)
	}
	return out
}()

// slEligible reports whether a rule can match some packet of the family
// and protocol class.
func slEligible(m *slMatcher, is6 bool, class int) bool {
	proto := false
	for w := range m.protos {
		if m.protos[w]&slClassProtos[class][w] != 0 {
			proto = true
		}
	}
	switch {
	case !proto:
		return false
	case m.ports && class != slTCP && class != slUDP:
		return false
	case len(m.flags) > 0 && class != slTCP:
		return false
	}
	hasFam := func(ps []netip.Prefix) bool {
		return len(ps) == 0 || slices.ContainsFunc(ps, func(p netip.Prefix) bool { return p.Addr().Is6() == is6 })
	}
	return hasFam(m.src) && hasFam(m.dst)
}

// slNone is the engine a nil or zero *StatelessEngine stands for.
var slNone = MustCompileStateless(StatelessConfig{
	Default:         StatelessDefault{Action: StatelessForward},
	FragmentDefault: StatelessDefault{Action: StatelessForward},
})

func (e *StatelessEngine) orNone() *StatelessEngine {
	if e == nil || !e.compiled {
		return slNone
	}
	return e
}

// Config returns a deep copy of the configuration the engine was compiled
// from, canonical: groups sorted by priority, each group's rules sorted by
// priority, CIDR blocks masked. A nil engine returns the configuration it
// stands for (no groups, both defaults aws:forward_to_sfe).
func (e *StatelessEngine) Config() StatelessConfig {
	c := e.orNone().cfg
	c.Groups = slices.Clone(c.Groups)
	for i := range c.Groups {
		g := &c.Groups[i].Group
		g.Rules = slices.Clone(g.Rules)
		for j := range g.Rules {
			r := &g.Rules[j]
			r.Sources, r.Destinations = slices.Clone(r.Sources), slices.Clone(r.Destinations)
			r.SourcePorts, r.DestinationPorts = slices.Clone(r.SourcePorts), slices.Clone(r.DestinationPorts)
			r.Protocols, r.TCPFlags, r.CustomActions = slices.Clone(r.Protocols), slices.Clone(r.TCPFlags), slices.Clone(r.CustomActions)
		}
		g.CustomActions = slCloneCustom(g.CustomActions)
	}
	c.CustomActions = slCloneCustom(c.CustomActions)
	c.Default.CustomActions = slices.Clone(c.Default.CustomActions)
	c.FragmentDefault.CustomActions = slices.Clone(c.FragmentDefault.CustomActions)
	return c
}

func slCloneCustom(cas []CustomAction) []CustomAction {
	out := slices.Clone(cas)
	for i := range out {
		out[i].Dimensions = slices.Clone(out[i].Dimensions)
	}
	return out
}

// StatelessDecision is what the stateless engine does with one packet and
// why: the deciding rule, or the default action that applied.
//
// Rule and Metrics share their slices with the engine: read them, do not
// modify them (Evaluate does not allocate, so it cannot copy them).
type StatelessDecision struct {
	// Action is what happens to the packet: pass (delivered, the stateful
	// engine never sees it), drop, or forward to the stateful engine.
	Action StatelessAction
	// Group and GroupPriority name the deciding rule's group (its Name, or
	// its ARN when it has no name) and the group's priority in the policy;
	// "" and 0 when no rule decided.
	Group         string
	GroupPriority int
	// RulePriority is the deciding rule's priority, 0 when no rule decided.
	RulePriority int
	// Rule is the deciding rule (zero when no rule decided).
	Rule StatelessRule
	// Default reports that no rule matched and a default action decided:
	// the fragment default action when Fragment is also set (a UDP
	// fragment), the default action otherwise.
	Default, Fragment bool
	// FragmentDrop reports that the packet is a fragment of a protocol
	// other than UDP that matched no rule: AWS drops those, whatever the
	// default actions say. Default and Fragment are false then.
	FragmentDrop bool
	// Metrics are the custom actions of the deciding rule or default
	// action: the metrics published for the packet.
	Metrics []string
	// Skipped lists, for Explain only, every rule that comes before the
	// deciding one in decision order (all of them when no rule decided),
	// each with why it does not match.
	Skipped []StatelessSkip
}

// String explains the decision in one line:
//
//	forward to stateful engine by priority 10 of group web-in (priority 1)
//	drop by the stateless default action
//	pass by the stateless fragment default action (custom actions: Frags)
//	drop: a fragment of a protocol other than UDP that matches no stateless rule is always dropped
func (d StatelessDecision) String() string {
	var s string
	switch {
	case d.RulePriority > 0:
		s = d.Action.verb() + " by priority " + strconv.Itoa(d.RulePriority) + " of group " + d.Group + " (priority " + strconv.Itoa(d.GroupPriority) + ")"
	case d.Default && d.Fragment:
		s = d.Action.verb() + " by the stateless fragment default action"
	case d.Default:
		s = d.Action.verb() + " by the stateless default action"
	case d.FragmentDrop:
		s = "drop: a fragment of a protocol other than UDP that matches no stateless rule is always dropped"
	default:
		return "no stateless decision"
	}
	if len(d.Metrics) > 0 {
		s += " (custom actions: " + strings.Join(d.Metrics, ", ") + ")"
	}
	return s
}

// StatelessSkip is a rule that [StatelessEngine.Explain] passed over.
type StatelessSkip struct {
	Group         string // the rule's group: Name, or ARN
	GroupPriority int    // the group's priority in the policy
	Rule          StatelessRule
	// Reason is the first attribute the packet fails, checked in the order
	// protocol, ports and flags applicability, source, destination, source
	// port, destination port, TCP flags: "destination port 80 not in 443",
	// "protocol icmp carries no ports, and the rule names ports".
	Reason string
}

// String prints "priority 10 in group web-in: destination port 80 not in 443".
func (s StatelessSkip) String() string {
	return "priority " + strconv.Itoa(s.Rule.Priority) + " in group " + s.Group + ": " + s.Reason
}

// Evaluate decides one packet. It does not allocate.
//
// Fragments (p.Fragment) carry no ports or TCP flags: their ports are
// ignored, and rules that name ports or TCP flags never match them. A
// packet whose protocol is not one number (0-255), or whose addresses are
// missing, zoned or of different families, matches no rule and gets the
// default action; p should pass [flow.Flow.Validate].
func (e *StatelessEngine) Evaluate(p Packet) StatelessDecision {
	e = e.orNone()
	i := len(e.rules)
	if pk, why := slReduce(&p); why == "" {
		i = e.first(&pk)
	}
	return e.decide(i, &p)
}

// Explain is [StatelessEngine.Evaluate] plus the trace: the same decision,
// and in Skipped every rule before the deciding one in decision order
// (every rule when a default decided) with the reason it does not match.
// It allocates; use it for traces, Evaluate for bulk questions.
func (e *StatelessEngine) Explain(p Packet) StatelessDecision {
	e = e.orNone()
	i := len(e.rules)
	pk, why := slReduce(&p)
	if why == "" {
		i = e.first(&pk)
	}
	d := e.decide(i, &p)
	if i > 0 {
		d.Skipped = make([]StatelessSkip, i)
		for j, r := range e.rules[:i] {
			reason := why
			if reason == "" {
				reason = slMismatch(r.rule, &p)
			} else {
				reason = "not a valid packet: " + reason
			}
			d.Skipped[j] = StatelessSkip{Group: r.group, GroupPriority: r.groupPrio, Rule: *r.rule, Reason: reason}
		}
	}
	return d
}

// decide builds the decision for rule i, or the defaults when i is
// len(e.rules).
func (e *StatelessEngine) decide(i int, p *Packet) StatelessDecision {
	if i < len(e.rules) {
		r := &e.rules[i]
		return StatelessDecision{
			Action: r.rule.Action, Group: r.group, GroupPriority: r.groupPrio,
			RulePriority: r.rule.Priority, Rule: *r.rule, Metrics: r.rule.CustomActions,
		}
	}
	switch {
	case !p.Fragment:
		return StatelessDecision{Action: e.cfg.Default.Action, Default: true, Metrics: e.cfg.Default.CustomActions}
	case p.Protocol == flow.UDP:
		return StatelessDecision{Action: e.cfg.FragmentDefault.Action, Default: true, Fragment: true, Metrics: e.cfg.FragmentDefault.CustomActions}
	}
	return StatelessDecision{Action: StatelessDrop, FragmentDrop: true}
}

// first returns the index in decision order of the first rule matching p,
// or len(e.rules).
func (e *StatelessEngine) first(p *slPacket) int {
	fam := 0
	if p.dst.Is6() {
		fam = 1
	}
	b := &e.buckets[fam][slClassOf(p.proto)]
	best := int32(len(e.rules))
	best = e.scan(b.rest, p, best)
	best = e.scanAddr(&b.dstAddr, p.dst, p, best)
	best = e.scanAddr(&b.srcAddr, p.src, p, best)
	if !p.frag {
		best = e.scan(b.dstPort.segment(p.dport), p, best)
		best = e.scan(b.srcPort.segment(p.sport), p, best)
	}
	return int(best)
}

// scanAddr scans the rules of ix filed under CIDRs that contain a.
func (e *StatelessEngine) scanAddr(ix *slAddrIndex, a netip.Addr, p *slPacket, best int32) int32 {
	for ti := range ix.tables {
		t := &ix.tables[ti]
		if pf, err := a.Prefix(t.bits); err == nil {
			best = e.scan(t.rules[pf.Addr()], p, best)
		}
	}
	return best
}

// scan returns the first rule of list, which is in decision order, that
// matches p and comes before best; or best.
func (e *StatelessEngine) scan(list []int32, p *slPacket, best int32) int32 {
	for _, i := range list {
		if i >= best {
			break
		}
		if e.match[i].matches(p) {
			return i
		}
	}
	return best
}

// The index.
//
// Each bucket holds the rules that can match packets of one address family
// and protocol class. A small bucket is a plain list. A larger one files
// each rule under one of its attributes, the one estimated to narrow the
// candidates most: its destination CIDRs or source CIDRs (hash tables per
// prefix length, looked up with the packet's masked address), or its
// destination or source ports (the port space cut into segments at every
// range boundary, each listing the rules that cover it). Rules with no
// selective attribute stay in the bucket's rest list, which every packet
// scans. Every list is in decision order; a packet scans the rest list,
// one hash entry per prefix length and one port segment per port index,
// each only up to the best match found so far, and the earliest match
// over all of them is the first match of a linear scan, since every rule
// that can match the packet is in one of those lists.

const (
	slIndexMin  = 16  // buckets smaller than this are scanned linearly
	slMinScore  = 4.0 // an attribute must narrow to 1/16 of its space to be indexed
	slPortSlack = 32  // a port index may list a rule this many times on average
)

type slBucket struct {
	rest             []int32 // rules filed under no index, or the whole bucket
	dstAddr, srcAddr slAddrIndex
	dstPort, srcPort slPortIndex
}

// slAddrIndex finds the rules whose CIDRs contain an address: one table per
// prefix length in use, longest first, from masked address to rules.
type slAddrIndex struct {
	tables []slAddrTable
}

type slAddrTable struct {
	bits  int
	rules map[netip.Addr][]int32
}

// slPortIndex cuts the port space into segments at every range boundary
// of its rules; segment i starts at segLo[i] and lists flat[offs[i]:offs[i+1]].
type slPortIndex struct {
	segLo []uint16
	offs  []int32
	flat  []int32
}

func (x *slPortIndex) segment(port uint16) []int32 {
	if len(x.segLo) == 0 {
		return nil
	}
	i, found := slices.BinarySearch(x.segLo, port)
	if !found {
		i--
	}
	return x.flat[x.offs[i]:x.offs[i+1]]
}

// Attributes a rule can be filed under.
const (
	slDimDst = iota
	slDimSrc
	slDimDport
	slDimSport
	slDims
	slDimNone = -1
)

// build indexes the rules members (indexes into match, ascending).
func (b *slBucket) build(match []slMatcher, members []int32, is6 bool, class int) {
	if len(members) < slIndexMin {
		b.rest = members
		return
	}
	famPrefixes := func(ps []netip.Prefix) []netip.Prefix {
		var out []netip.Prefix
		for _, p := range ps {
			if p.Addr().Is6() == is6 && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		return out
	}
	hasPorts := class == slTCP || class == slUDP

	// Score each attribute of each rule: how many bits of its space it
	// pins down; and count how many rules share each key.
	type choice struct {
		score [slDims]float64
		addrs [2][]netip.Prefix // dst, src of the bucket's family
		ports [2][]flow.PortRange
	}
	ch := make([]choice, len(members))
	addrCount := [2]map[netip.Prefix]int{{}, {}}
	var cover [2]slCoverage
	for k, i := range members {
		m := &match[i]
		c := &ch[k]
		for d := range c.score {
			c.score[d] = math.Inf(-1)
		}
		for side, ps := range [2][]netip.Prefix{m.dst, m.src} {
			if len(ps) == 0 {
				continue
			}
			own := famPrefixes(ps)
			c.addrs[side] = own
			minBits := 128
			for _, p := range own {
				minBits = min(minBits, p.Bits())
				addrCount[side][p]++
			}
			bitsScore := float64(minBits)
			if is6 {
				bitsScore /= 4 // /64 counts as /16, /128 as /32
			}
			c.score[slDimDst+side] = bitsScore - math.Log2(float64(len(own)))
		}
		if !hasPorts {
			continue
		}
		for side, rs := range [2][]flow.PortRange{m.dports, m.sports} {
			if len(rs) == 0 {
				continue
			}
			set := flow.SetOf(rs...).Ranges()
			c.ports[side] = set
			width := 0
			for _, r := range set {
				width += int(r.Hi) - int(r.Lo) + 1
			}
			c.score[slDimDport+side] = 16 - math.Log2(float64(width))
			if c.score[slDimDport+side] >= slMinScore {
				cover[side].add(set)
			}
		}
	}
	cover[0].finish()
	cover[1].finish()

	// Choose, per rule, the attribute with the lowest estimated work:
	// log2(rules sharing its busiest key) minus its score.
	dim := make([]int, len(members))
	for k := range members {
		c := &ch[k]
		dim[k] = slDimNone
		bestCost := math.Inf(1)
		for d := range slDims {
			if c.score[d] < slMinScore {
				continue
			}
			busiest := 0
			switch d {
			case slDimDst, slDimSrc:
				for _, p := range c.addrs[d-slDimDst] {
					busiest = max(busiest, addrCount[d-slDimDst][p])
				}
			default:
				for _, r := range c.ports[d-slDimDport] {
					busiest = max(busiest, cover[d-slDimDport].max(r))
				}
			}
			if cost := math.Log2(float64(max(busiest, 1))) - c.score[d]; cost < bestCost {
				dim[k], bestCost = d, cost
			}
		}
	}

	// File the rules.
	var rest []int32
	var portRules [2][]int32
	var portSets [2][][]flow.PortRange
	addrTables := [2]map[int]map[netip.Addr][]int32{{}, {}}
	for k, i := range members {
		switch d := dim[k]; d {
		case slDimNone:
			rest = append(rest, i)
		case slDimDst, slDimSrc:
			side := d - slDimDst
			for _, p := range ch[k].addrs[side] {
				t := addrTables[side][p.Bits()]
				if t == nil {
					t = map[netip.Addr][]int32{}
					addrTables[side][p.Bits()] = t
				}
				if l := t[p.Addr()]; len(l) == 0 || l[len(l)-1] != i {
					t[p.Addr()] = append(l, i)
				}
			}
		default:
			side := d - slDimDport
			portRules[side] = append(portRules[side], i)
			portSets[side] = append(portSets[side], ch[k].ports[side])
		}
	}
	for side, ix := range [2]*slAddrIndex{&b.dstAddr, &b.srcAddr} {
		for bits, t := range addrTables[side] {
			ix.tables = append(ix.tables, slAddrTable{bits: bits, rules: t})
		}
		slices.SortFunc(ix.tables, func(a, b slAddrTable) int { return b.bits - a.bits })
	}
	for side, ix := range [2]*slPortIndex{&b.dstPort, &b.srcPort} {
		if len(portRules[side]) > 0 && !ix.build(portRules[side], portSets[side]) {
			rest = append(rest, portRules[side]...) // over budget: scan them
		}
	}
	slices.Sort(rest)
	b.rest = rest
}

// build makes the segments for rules (ascending) whose port sets are sets
// (sorted, disjoint). It returns false, leaving x empty, when the index
// would list rules more than slPortSlack times each on average.
func (x *slPortIndex) build(rules []int32, sets [][]flow.PortRange) bool {
	type event struct {
		at   int // port where the range starts, or one past its end
		rule int32
	}
	var starts, ends []event
	for k, set := range sets {
		for _, r := range set {
			starts = append(starts, event{int(r.Lo), rules[k]})
			ends = append(ends, event{int(r.Hi) + 1, rules[k]})
		}
	}
	byAt := func(a, b event) int { return a.at - b.at }
	slices.SortStableFunc(starts, byAt)
	slices.SortStableFunc(ends, byAt)
	cuts := []int{0}
	for _, ev := range starts {
		cuts = append(cuts, ev.at)
	}
	for _, ev := range ends {
		if ev.at <= 65535 {
			cuts = append(cuts, ev.at)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	budget := slPortSlack*len(rules) + 4096
	var active, flat []int32
	segLo := make([]uint16, 0, len(cuts))
	offs := make([]int32, 1, len(cuts)+1)
	si, ei := 0, 0
	for _, c := range cuts {
		for ; ei < len(ends) && ends[ei].at == c; ei++ {
			if j, ok := slices.BinarySearch(active, ends[ei].rule); ok {
				active = slices.Delete(active, j, j+1)
			}
		}
		for ; si < len(starts) && starts[si].at == c; si++ {
			j, _ := slices.BinarySearch(active, starts[si].rule)
			active = slices.Insert(active, j, starts[si].rule)
		}
		segLo = append(segLo, uint16(c))
		flat = append(flat, active...)
		if len(flat) > budget {
			return false
		}
		offs = append(offs, int32(len(flat)))
	}
	x.segLo, x.offs, x.flat = segLo, offs, flat
	return true
}

// slCoverage counts how many rules' port ranges cover each port, and
// answers the largest count over a range. It works on the segments
// between range boundaries, not on single ports.
type slCoverage struct {
	ranges []flow.PortRange
	cuts   []int   // first port of each segment, ascending; cuts[0] == 0
	count  []int32 // ranges covering each segment
	block  []int32 // block[i] is the largest count of segments [64i, 64i+64)
}

func (c *slCoverage) add(set []flow.PortRange) { c.ranges = append(c.ranges, set...) }

func (c *slCoverage) finish() {
	if len(c.ranges) == 0 {
		return
	}
	cuts := []int{0}
	for _, r := range c.ranges {
		cuts = append(cuts, int(r.Lo))
		if r.Hi < 65535 {
			cuts = append(cuts, int(r.Hi)+1)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	diff := make([]int32, len(cuts)+1)
	for _, r := range c.ranges {
		diff[c.segmentOf(cuts, int(r.Lo))]++
		if r.Hi < 65535 {
			diff[c.segmentOf(cuts, int(r.Hi)+1)]--
		}
	}
	c.cuts, c.count, c.block = cuts, make([]int32, len(cuts)), make([]int32, (len(cuts)+63)/64)
	n := int32(0)
	for i := range c.count {
		n += diff[i]
		c.count[i] = n
		c.block[i/64] = max(c.block[i/64], n)
	}
	c.ranges = nil
}

// segmentOf returns the index of the segment holding port.
func (c *slCoverage) segmentOf(cuts []int, port int) int {
	i, found := slices.BinarySearch(cuts, port)
	if !found {
		i--
	}
	return i
}

func (c *slCoverage) max(r flow.PortRange) int {
	if len(c.count) == 0 {
		return 0
	}
	best := int32(0)
	lo, hi := c.segmentOf(c.cuts, int(r.Lo)), c.segmentOf(c.cuts, int(r.Hi))
	for lo <= hi {
		if lo%64 == 0 && lo+63 <= hi {
			best = max(best, c.block[lo/64])
			lo += 64
			continue
		}
		best = max(best, c.count[lo])
		lo++
	}
	return int(best)
}

// slMismatch says why rule r does not match packet p, or "" when it
// matches. It reads the rule, not the matcher, so it doubles as a check
// on the fast path (the randomized tests hold them to agree).
func slMismatch(r *StatelessRule, p *Packet) string {
	if len(r.Protocols) > 0 && !slices.Contains(r.Protocols, p.Protocol) {
		return "protocol " + p.Protocol.String() + " not in " + slJoin(r.Protocols)
	}
	if r.namesPorts() {
		if p.Fragment {
			return "a fragment carries no ports, and the rule names ports"
		}
		if !p.Protocol.HasPorts() {
			return "protocol " + p.Protocol.String() + " carries no ports, and the rule names ports (only TCP and UDP packets match them)"
		}
	}
	if len(r.TCPFlags) > 0 {
		if p.Fragment {
			return "a fragment carries no TCP flags, and the rule names TCP flags"
		}
		if p.Protocol != flow.TCP {
			return "protocol " + p.Protocol.String() + " carries no TCP flags, and the rule names TCP flags"
		}
	}
	if len(r.Sources) > 0 && !slInPrefixes(r.Sources, p.Src.Addr()) {
		return "source " + p.Src.Addr().String() + " not in " + slJoin(r.Sources)
	}
	if len(r.Destinations) > 0 && !slInPrefixes(r.Destinations, p.Dst.Addr()) {
		return "destination " + p.Dst.Addr().String() + " not in " + slJoin(r.Destinations)
	}
	if len(r.SourcePorts) > 0 && !slInRanges(r.SourcePorts, p.Src.Port()) {
		return "source port " + strconv.Itoa(int(p.Src.Port())) + " not in " + slJoin(r.SourcePorts)
	}
	if len(r.DestinationPorts) > 0 && !slInRanges(r.DestinationPorts, p.Dst.Port()) {
		return "destination port " + strconv.Itoa(int(p.Dst.Port())) + " not in " + slJoin(r.DestinationPorts)
	}
	if len(r.TCPFlags) > 0 && !slices.ContainsFunc(r.TCPFlags, func(m TCPFlagMatch) bool { return m.Matches(p.Flags) }) {
		return "TCP flags " + p.Flags.String() + " match none of " + slJoin(r.TCPFlags)
	}
	return ""
}

package stateless

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/slowpath"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Engine is the compiled stateless engine of one firewall policy: its
// stateless rule groups and default actions, checked, copied and indexed.
// Build it with [Compile]. It is immutable and safe for concurrent use by
// any number of goroutines. The package doc states how it decides.
//
// A nil *Engine (and the zero Engine) means "no stateless firewall here":
// Evaluate and Explain pass every packet with a Decision whose Verdict is
// Allow, Action Pass and Default true, and whose String says "no stateless
// firewall". (AWS's recommended setup, no rules and both defaults
// aws:forward_to_sfe, is a compiled Config, not a nil Engine.)
type Engine struct {
	cfg      Config    // canonical deep copy: groups and rules sorted
	rules    []ruleRef // every rule of every group, in decision order
	match    []matcher // rules[i] reduced for matching
	buckets  [2][numClasses]bucket
	compiled bool
	// flags is set when some rule names TCP flags: only then can two
	// packets that differ in their flags alone be judged differently
	flags bool
	// linear: every rule in decision order, scanned for every packet in
	// place of the buckets; set when compiled under internal/slowpath.
	linear []int32
	// ambig: the rules, in decision order, that name ports or TCP flags
	// without restricting their protocols to those that carry them
	// (Ambiguity); nil in the common case
	ambig []int32
}

// ruleRef is one rule in decision order, with its group.
type ruleRef struct {
	rule      *Rule  // points into cfg
	group     string // the group's label
	groupPrio int
}

// Protocol classes: packets of one class meet the same rules but for the
// protocol bitset check.
const (
	classTCP = iota
	classUDP
	classICMP // ICMP and ICMPv6
	classOther
	numClasses
)

func classOf(proto uint8) int {
	switch proto {
	case 6:
		return classTCP
	case 17:
		return classUDP
	case 1, 58:
		return classICMP
	}
	return classOther
}

// packet is a Packet reduced for matching.
type packet struct {
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8
	flags        TCPFlags
	frag         bool
}

// reduce reduces p; ok is false when p is not a packet any rule can
// match (protocol outside 0-255, an address missing or zoned, or source
// and destination of different families).
func reduce(p *Packet) (pk packet, why string) {
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
	pk = packet{src: src, dst: dst, proto: uint8(p.Protocol), flags: p.Flags, frag: p.Fragment}
	if !p.Fragment {
		pk.sport, pk.dport = p.Src.Port(), p.Dst.Port()
	}
	return pk, ""
}

// matcher is a rule reduced for matching. Its slices are shared with the
// canonical rule.
type matcher struct {
	protos         [4]uint64 // bit p is set when the rule can match protocol p
	src, dst       []netip.Prefix
	sports, dports []flow.PortRange
	flags          []TCPFlagMatch // Masks never empty; Flags within Masks
	ports          bool           // the rule names ports
}

func newMatcher(r *Rule) matcher {
	m := matcher{src: r.Sources, dst: r.Destinations, sports: r.SourcePorts, dports: r.DestinationPorts, ports: r.namesPorts()}
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

func (m *matcher) hasProto(p uint8) bool { return m.protos[p>>6]&(1<<(p&63)) != 0 }

func (m *matcher) matches(p *packet) bool {
	if !m.hasProto(p.proto) {
		return false
	}
	if m.ports {
		if p.frag || (p.proto != 6 && p.proto != 17) {
			return false
		}
		if len(m.sports) > 0 && !inRanges(m.sports, p.sport) {
			return false
		}
		if len(m.dports) > 0 && !inRanges(m.dports, p.dport) {
			return false
		}
	}
	if len(m.flags) > 0 {
		if p.frag || p.proto != 6 {
			return false
		}
		if !m.flagsMatch(p.flags) {
			return false
		}
	}
	return (len(m.src) == 0 || inPrefixes(m.src, p.src)) && (len(m.dst) == 0 || inPrefixes(m.dst, p.dst))
}

// flagsMatch reports whether TCP flags meet one of m's flag matches.
func (m *matcher) flagsMatch(flags TCPFlags) bool {
	for _, f := range m.flags {
		if flags&f.Masks == f.Flags {
			return true
		}
	}
	return false
}

func inRanges(rs []flow.PortRange, v uint16) bool {
	for _, r := range rs {
		if r.Lo <= v && v <= r.Hi {
			return true
		}
	}
	return false
}

func inPrefixes(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Compile checks cfg and builds its engine. cfg is deep-copied:
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
//     [MaxCapacity].
//
// Errors wrap [ErrInvalidRule], [ErrInvalidGroup] or [ErrInvalidPolicy].
// Quotas on the number of groups per policy are not checked.
func Compile(cfg Config) (*Engine, error) {
	c, err := canonConfig(cfg)
	if err != nil {
		return nil, err
	}
	e := &Engine{cfg: c, compiled: true}
	n := 0
	for _, ref := range e.cfg.Groups {
		n += len(ref.Group.Rules)
	}
	e.rules, e.match = make([]ruleRef, 0, n), make([]matcher, 0, n)
	for gi := range e.cfg.Groups {
		ref := &e.cfg.Groups[gi]
		for ri := range ref.Group.Rules {
			r := &ref.Group.Rules[ri]
			e.rules = append(e.rules, ruleRef{rule: r, group: ref.Group.Label(), groupPrio: ref.Priority})
			e.match = append(e.match, newMatcher(r))
			e.flags = e.flags || len(r.TCPFlags) > 0
			if e.match[len(e.match)-1].ambiguous() {
				e.ambig = append(e.ambig, int32(len(e.match)-1))
			}
		}
	}
	for fam := range e.buckets {
		for class := range e.buckets[fam] {
			var members []int32
			for i := range e.match {
				if eligible(&e.match[i], fam == 1, class) {
					members = append(members, int32(i))
				}
			}
			e.buckets[fam][class].build(e.match, members, fam == 1, class)
		}
	}
	if slowpath.On() {
		e.linear = make([]int32, len(e.match))
		for i := range e.linear {
			e.linear[i] = int32(i)
		}
	}
	return e, nil
}

// NamesTCPFlags reports whether some rule of the engine names TCP flags.
// When none does, two packets that differ only in their flags get the
// same decision, so a caller judging a connection's SYN and its later
// segments may judge one of them for both.
func (e *Engine) NamesTCPFlags() bool { return e != nil && e.flags }

// FragmentAction is the action of the engine's fragment default (what it
// does with a UDP fragment no rule matches), without the copy of the
// whole configuration [Engine.Config] makes; the zero Action for an
// engine not compiled.
func (e *Engine) FragmentAction() flow.Action {
	if e.none() {
		return 0
	}
	return e.cfg.FragmentDefault.Action
}

// MustCompile is [Compile] that panics on error, for
// literals in code and tests.
func MustCompile(cfg Config) *Engine {
	e, err := Compile(cfg)
	if err != nil {
		panic(err)
	}
	return e
}

// classProtos are the protocols of each class, as bitsets.
var classProtos = func() (out [numClasses][4]uint64) {
	for p := range 256 {
		c := classOf(uint8(p))
		out[c][p>>6] |= 1 << (p & 63)
	}
	return out
}()

// eligible reports whether a rule can match some packet of the family
// and protocol class.
func eligible(m *matcher, is6 bool, class int) bool {
	proto := false
	for w := range m.protos {
		if m.protos[w]&classProtos[class][w] != 0 {
			proto = true
		}
	}
	switch {
	case !proto:
		return false
	case m.ports && class != classTCP && class != classUDP:
		return false
	case len(m.flags) > 0 && class != classTCP:
		return false
	}
	hasFam := func(ps []netip.Prefix) bool {
		return len(ps) == 0 || slices.ContainsFunc(ps, func(p netip.Prefix) bool { return p.Addr().Is6() == is6 })
	}
	return hasFam(m.src) && hasFam(m.dst)
}

// none reports whether e stands for no engine at all.
func (e *Engine) none() bool { return e == nil || !e.compiled }

// noFirewall is the decision of a nil Engine.
var noFirewall = Decision{Verdict: flow.Allow, Action: flow.Pass, Default: true, noEngine: true}

// Config returns a deep copy of the configuration the engine was compiled
// from, canonical: groups sorted by priority, each group's rules sorted by
// priority, CIDR blocks masked. A nil engine returns the configuration it
// stands for: the zero Config.
func (e *Engine) Config() Config {
	if e.none() {
		return Config{}
	}
	c := e.cfg
	c.Groups = slices.Clone(c.Groups)
	for i := range c.Groups {
		g := &c.Groups[i].Group
		g.Rules = slices.Clone(g.Rules)
		for j := range g.Rules {
			g.Rules[j] = cloneRule(&g.Rules[j])
		}
		g.CustomActions = cloneCustom(g.CustomActions)
	}
	c.CustomActions = cloneCustom(c.CustomActions)
	c.Default.CustomActions = slices.Clone(c.Default.CustomActions)
	c.FragmentDefault.CustomActions = slices.Clone(c.FragmentDefault.CustomActions)
	return c
}

// cloneRule returns a copy of *r that shares no slice with it.
func cloneRule(r *Rule) Rule {
	c := *r
	c.Sources, c.Destinations = slices.Clone(r.Sources), slices.Clone(r.Destinations)
	c.SourcePorts, c.DestinationPorts = slices.Clone(r.SourcePorts), slices.Clone(r.DestinationPorts)
	c.Protocols, c.TCPFlags, c.CustomActions = slices.Clone(r.Protocols), slices.Clone(r.TCPFlags), slices.Clone(r.CustomActions)
	return c
}

func cloneCustom(cas []CustomAction) []CustomAction {
	out := slices.Clone(cas)
	for i := range out {
		out[i].Dimensions = slices.Clone(out[i].Dimensions)
	}
	return out
}

// Decision is what the stateless engine does with one packet and
// why: the deciding rule, or the default action that applied.
//
// A Decision shares nothing the caller can change with the engine: the
// deciding rule and the metrics are read through [Decision.Rule] and
// [Decision.Metrics], which return copies (Evaluate does not allocate, so
// it hands out no slice of its own).
type Decision struct {
	// Verdict is what the action means for the packet at this filter:
	// Allow for Pass, Deny for Drop, and Indeterminate for Forward (the
	// stateful engine decides).
	Verdict flow.Verdict
	// Action is what happens to the packet: pass (delivered, the stateful
	// engine never sees it), drop, or forward to the stateful engine.
	Action flow.Action
	// Group and GroupPriority name the deciding rule's group (its Name, or
	// its ARN when it has no name) and the group's priority in the policy;
	// "" and 0 when no rule decided.
	Group         string
	GroupPriority int
	// RulePriority is the deciding rule's priority, 0 when no rule decided.
	RulePriority int
	// Default reports that no rule matched and a default action decided:
	// the fragment default action when Fragment is also set (a UDP
	// fragment), the default action otherwise.
	Default, Fragment bool
	// FragmentDrop reports that the packet is a fragment of a protocol
	// other than UDP that matched no rule: AWS drops those, whatever the
	// default actions say. Default and Fragment are false then.
	FragmentDrop bool
	// Ambiguous names a rule ahead of the deciding one that names ports or
	// TCP flags the packet's protocol does not carry, whose match AWS's
	// documents do not settle, and which would decide otherwise if it
	// matched ([Ambiguity], [Decision.Undecided]); zero for none. Verdict
	// and Action are the decision under the engine's reading (it does not
	// match).
	Ambiguous Ambiguity
	// Skipped lists, for Explain only, every rule that comes before the
	// deciding one in decision order (all of them when no rule decided),
	// each with why it does not match.
	Skipped []Skip

	rule     *Rule    // the deciding rule, the engine's; nil when no rule decided
	metrics  []string // the engine's; see Metrics
	noEngine bool     // the decision of a nil Engine
}

// Rule returns a copy of the deciding rule, its slices the caller's own;
// the zero Rule when no rule decided.
func (d Decision) Rule() Rule {
	if d.rule == nil {
		return Rule{}
	}
	return cloneRule(d.rule)
}

// Metrics returns the custom actions of the deciding rule or default
// action, the metrics published for the packet, in a new slice; nil when
// there are none.
func (d Decision) Metrics() []string { return slices.Clone(d.metrics) }

// String explains the decision in one line:
//
//	forward to stateful engine by priority 10 of group web-in (priority 1)
//	drop by the stateless default action
//	pass by the stateless fragment default action (custom actions: Frags)
//	drop: a fragment of a protocol other than UDP that matches no stateless rule is always dropped
func (d Decision) String() string {
	if d.noEngine {
		return "no stateless firewall: every packet passes"
	}
	var s string
	switch {
	case d.RulePriority > 0:
		s = verb(d.Action) + " by priority " + strconv.Itoa(d.RulePriority) + " of group " + textsafe.String(d.Group) + " (priority " + strconv.Itoa(d.GroupPriority) + ")"
	case d.Default && d.Fragment:
		s = verb(d.Action) + " by the stateless fragment default action"
	case d.Default:
		s = verb(d.Action) + " by the stateless default action"
	case d.FragmentDrop:
		s = "drop: a fragment of a protocol other than UDP that matches no stateless rule is always dropped"
	default:
		return "no stateless decision"
	}
	if len(d.metrics) > 0 {
		s += " (custom actions: " + textsafe.String(strings.Join(d.metrics, ", ")) + ")"
	}
	return s
}

// Skip is a rule that [Engine.Explain] passed over.
type Skip struct {
	Group         string // the rule's group: Name, or ARN
	GroupPriority int    // the group's priority in the policy
	Rule          Rule   // a copy: its slices are the caller's own
	// Reason is the first attribute the packet fails, checked in the order
	// protocol, ports and flags applicability, source, destination, source
	// port, destination port, TCP flags: "destination port 80 not in 443",
	// "protocol icmp carries no ports, and the rule names ports".
	Reason string
}

// String prints "priority 10 in group web-in: destination port 80 not in 443".
func (s Skip) String() string {
	return "priority " + strconv.Itoa(s.Rule.Priority) + " in group " + textsafe.String(s.Group) + ": " + textsafe.String(s.Reason)
}

// Evaluate decides one packet. It does not allocate.
//
// Fragments (p.Fragment) carry no ports or TCP flags: their ports are
// ignored, and rules that name ports or TCP flags never match them. A
// packet whose protocol is not one number (0-255), or whose addresses are
// missing, zoned or of different families, matches no rule and gets the
// default action; p should pass [flow.Flow.Validate].
func (e *Engine) Evaluate(p Packet) Decision {
	if e.none() {
		return noFirewall
	}
	i := len(e.rules)
	pk, why := reduce(&p)
	if why == "" {
		i = e.first(&pk)
	}
	d := e.decide(i, &p)
	if e.ambig != nil && why == "" {
		e.ambiguity(&d, i, &pk) // ambiguous.go
	}
	return d
}

// Explain is [Engine.Evaluate] plus the trace: the same decision,
// and in Skipped every rule before the deciding one in decision order
// (every rule when a default decided) with the reason it does not match.
// It allocates; use it for traces, Evaluate for bulk questions.
func (e *Engine) Explain(p Packet) Decision {
	if e.none() {
		return noFirewall
	}
	i := len(e.rules)
	pk, why := reduce(&p)
	if why == "" {
		i = e.first(&pk)
	}
	d := e.decide(i, &p)
	if e.ambig != nil && why == "" {
		e.ambiguity(&d, i, &pk) // ambiguous.go
	}
	if i > 0 {
		d.Skipped = make([]Skip, i)
		for j, r := range e.rules[:i] {
			reason := why
			if reason == "" {
				reason = mismatch(r.rule, &p)
			} else {
				reason = "not a valid packet: " + reason
			}
			d.Skipped[j] = Skip{Group: r.group, GroupPriority: r.groupPrio, Rule: cloneRule(r.rule), Reason: reason}
		}
	}
	return d
}

// decide builds the decision for rule i, or the defaults when i is
// len(e.rules).
func (e *Engine) decide(i int, p *Packet) Decision {
	if i < len(e.rules) {
		r := &e.rules[i]
		return Decision{
			Verdict: r.rule.Action.Verdict(), Action: r.rule.Action, Group: r.group, GroupPriority: r.groupPrio,
			RulePriority: r.rule.Priority, rule: r.rule, metrics: r.rule.CustomActions,
		}
	}
	switch {
	case !p.Fragment:
		return Decision{Verdict: e.cfg.Default.Action.Verdict(), Action: e.cfg.Default.Action, Default: true, metrics: e.cfg.Default.CustomActions}
	case p.Protocol == flow.UDP:
		return Decision{Verdict: e.cfg.FragmentDefault.Action.Verdict(), Action: e.cfg.FragmentDefault.Action, Default: true, Fragment: true, metrics: e.cfg.FragmentDefault.CustomActions}
	}
	return Decision{Verdict: flow.Deny, Action: flow.Drop, FragmentDrop: true}
}

// first returns the index in decision order of the first rule matching p,
// or len(e.rules).
func (e *Engine) first(p *packet) int {
	if e.linear != nil {
		return int(e.scan(e.linear, p, int32(len(e.rules))))
	}
	fam := 0
	if p.dst.Is6() {
		fam = 1
	}
	b := &e.buckets[fam][classOf(p.proto)]
	best := int32(len(e.rules))
	best = e.scan(b.rest, p, best)
	best = e.scanAddr(&b.dstAddr, p.dst, p, best)
	best = e.scanAddr(&b.srcAddr, p.src, p, best)
	if !p.frag {
		best = e.scan(b.dstPort.Lookup(p.dport), p, best)
		best = e.scan(b.srcPort.Lookup(p.sport), p, best)
	}
	return int(best)
}

// scanAddr scans the rules of ix filed under CIDRs that contain a.
func (e *Engine) scanAddr(ix *addrIndex, a netip.Addr, p *packet, best int32) int32 {
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
func (e *Engine) scan(list []int32, p *packet, best int32) int32 {
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

// mismatch says why rule r does not match packet p, or "" when it
// matches. It reads the rule, not the matcher, so it doubles as a check
// on the fast path (the randomized tests hold them to agree).
func mismatch(r *Rule, p *Packet) string {
	if len(r.Protocols) > 0 && !slices.Contains(r.Protocols, p.Protocol) {
		return "protocol " + p.Protocol.String() + " not in " + join(r.Protocols)
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
	if len(r.Sources) > 0 && !inPrefixes(r.Sources, p.Src.Addr()) {
		return "source " + p.Src.Addr().String() + " not in " + join(r.Sources)
	}
	if len(r.Destinations) > 0 && !inPrefixes(r.Destinations, p.Dst.Addr()) {
		return "destination " + p.Dst.Addr().String() + " not in " + join(r.Destinations)
	}
	if len(r.SourcePorts) > 0 && !inRanges(r.SourcePorts, p.Src.Port()) {
		return "source port " + strconv.Itoa(int(p.Src.Port())) + " not in " + join(r.SourcePorts)
	}
	if len(r.DestinationPorts) > 0 && !inRanges(r.DestinationPorts, p.Dst.Port()) {
		return "destination port " + strconv.Itoa(int(p.Dst.Port())) + " not in " + join(r.DestinationPorts)
	}
	if len(r.TCPFlags) > 0 && !slices.ContainsFunc(r.TCPFlags, func(m TCPFlagMatch) bool { return m.Matches(p.Flags) }) {
		return "TCP flags " + p.Flags.String() + " match none of " + join(r.TCPFlags)
	}
	return ""
}

package sg

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/cidrindex"
)

// Basis says what decided a [Decision]: a rule, or one of the implicit
// behaviours of the flavour.
type Basis uint8

// The bases of a decision.
const (
	// ByRule: the rule in Decision.Rule decided.
	ByRule Basis = iota
	// NoRuleAllows: AWS, no rule of any group allows the packet (default deny).
	NoRuleAllows
	// DefaultDeny: Alibaba, no rule matched and the default denies
	// (inbound always; outbound in enterprise groups).
	DefaultDeny
	// DefaultAccept: Alibaba basic groups, no rule matched an outbound
	// packet, and basic groups let outbound traffic out by default.
	DefaultAccept
	// InnerAccept: Alibaba basic group, the peer is a member of a group the
	// interface shares with it whose inner access policy is Accept; that
	// policy wins over every rule.
	InnerAccept
	// InnerIsolation: Alibaba basic groups whose inner access policy is
	// Drop, the peer is a member, and no rule matched.
	InnerIsolation
)

var basisNames = [...]string{
	ByRule:         "rule",
	NoRuleAllows:   "no-rule-allows",
	DefaultDeny:    "default-deny",
	DefaultAccept:  "default-accept",
	InnerAccept:    "inner-accept",
	InnerIsolation: "inner-isolation",
}

// String returns a short kebab-case name, as in JSON.
func (b Basis) String() string {
	if int(b) < len(basisNames) {
		return basisNames[b]
	}
	return "Basis(" + strconv.Itoa(int(b)) + ")"
}

// MarshalText implements [encoding.TextMarshaler].
func (b Basis) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// Decision is the outcome of one packet, in one direction, against all the
// security groups of one network interface. It is comparable.
type Decision struct {
	Verdict   flow.Verdict // flow.Allow or flow.Deny
	Direction flow.Direction
	Basis     Basis
	// Group is the ID of the group whose rule (or inner policy) decided; ""
	// when a default that belongs to no single group decided.
	Group string
	// RuleIndex is the deciding rule's index in that group's Rules, -1 when
	// Basis is not ByRule.
	RuleIndex int
	// Rule is a copy of the deciding rule (zero when Basis is not ByRule).
	Rule Rule
}

// Allowed reports whether the packet passes.
func (d Decision) Allowed() bool { return d.Verdict == flow.Allow }

// String explains the decision in one line, for example
// "allowed by sg-web rule sgr-1 allows tcp/22 from 203.0.113.0/24" or
// "denied: no inbound rule allows it".
func (d Decision) String() string {
	verb := "denied"
	if d.Verdict == flow.Allow {
		verb = "allowed"
	}
	switch d.Basis {
	case ByRule:
		return fmt.Sprintf("%s by %s rule %s", verb, d.Group, d.Rule.Label(d.RuleIndex))
	case NoRuleAllows:
		return fmt.Sprintf("%s: no %s rule allows it", verb, d.Direction)
	case DefaultDeny:
		return fmt.Sprintf("%s: no %s rule matches and the default denies", verb, d.Direction)
	case DefaultAccept:
		return verb + ": no outbound rule matches and basic groups allow outbound traffic by default"
	case InnerAccept:
		return fmt.Sprintf("%s: the peer is a member of %s, whose members reach each other (inner access policy accept)", verb, d.Group)
	case InnerIsolation:
		return fmt.Sprintf("%s: the peer is a member of %s, whose members are isolated (inner access policy drop), and no rule matches", verb, d.Group)
	}
	return verb
}

// Evaluator holds the security groups of one network interface, checked
// and compiled for fast queries. Build it with [Compile]; it is immutable
// and safe for concurrent use. The zero Evaluator and a nil *Evaluator have
// no groups: every packet is denied (an interface always has at least one
// group in AWS, so this only arises in code that forgot to attach one).
type Evaluator struct {
	flavour Flavour
	groups  []Group        // deep copies, as given
	rules   []compiledRule // every rule, in decision order
	// buckets[dir][is6][class] holds the rules that can match packets of
	// that direction, family and protocol class.
	buckets [2][2][numClasses]bucket
	res     GroupResolver
	// inner lists the indexes of Alibaba basic groups in the order given.
	inner []int
	// pos[g][r] is the position of group g's rule r in rules.
	pos [][]int32
}

type protoClass uint8

const (
	classTCP protoClass = iota
	classUDP
	classICMP // ICMP for IPv4 packets, ICMPv6 for IPv6 packets
	classOther
	numClasses
)

func classOf(p flow.Protocol) protoClass {
	switch p {
	case flow.TCP:
		return classTCP
	case flow.UDP:
		return classUDP
	case flow.ICMP, flow.ICMPv6:
		return classICMP
	}
	return classOther
}

type compiledRule struct {
	group, index int32 // into Evaluator.groups and that group's Rules
	rule         *Rule // points into Evaluator.groups
	peer         peerMatcher
}

// bucket lists, in decision order, the rules that can match one kind of
// packet. TCP and UDP buckets with enough rules also carry a port index:
// the port space cut into segments at every rule's range boundaries, each
// segment listing (still in decision order) only the rules whose port
// range covers it.
type bucket struct {
	rules []int32  // indexes into Evaluator.rules, ascending
	segLo []uint16 // first port of each segment, ascending, segLo[0] == 0
	offs  []int32  // segment i's rules are flat[offs[i]:offs[i+1]]
	flat  []int32
}

// indexMin is the bucket size from which a port index pays off, and
// indexBudget bounds the index's size relative to the bucket's: rules with
// wide ranges repeat in every segment they cover, and past the budget the
// linear list is kept.
const (
	indexMin    = 8
	indexBudget = 32
)

func (b *bucket) indexPorts(rules []compiledRule) {
	if len(b.rules) < indexMin {
		return
	}
	portsOf := func(i int32) flow.PortRange {
		r := rules[i].rule
		if r.Protocol == flow.AllProtocols {
			return flow.AllPorts
		}
		return r.Ports
	}
	cuts := []int{0}
	for _, i := range b.rules {
		pr := portsOf(i)
		cuts = append(cuts, int(pr.Lo), int(pr.Hi)+1)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	if cuts[len(cuts)-1] == 65536 {
		cuts = cuts[:len(cuts)-1]
	}
	segLo := make([]uint16, len(cuts))
	offs := make([]int32, 1, len(cuts)+1)
	var flat []int32
	for si, c := range cuts {
		segLo[si] = uint16(c)
		for _, i := range b.rules {
			if portsOf(i).Contains(uint16(c)) {
				flat = append(flat, i)
			}
		}
		if len(flat) > indexBudget*len(b.rules) {
			return
		}
		offs = append(offs, int32(len(flat)))
	}
	b.segLo, b.offs, b.flat = segLo, offs, flat
}

// candidates returns the rules that may match a packet to port.
func (b *bucket) candidates(port uint16) []int32 {
	if b.segLo == nil {
		return b.rules
	}
	// The last segment whose start is <= port.
	lo, hi := 0, len(b.segLo)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if b.segLo[mid] <= port {
			lo = mid
		} else {
			hi = mid
		}
	}
	return b.flat[b.offs[lo]:b.offs[lo+1]]
}

// peerMatcher tests the peer address of a packet against a rule's peer.
type peerMatcher struct {
	kind  PeerKind
	cidr  netip.Prefix
	small []netip.Prefix             // prefix list with few entries
	big   *cidrindex.Index[struct{}] // prefix list with many entries
	group string
	has4  bool // the peer can match IPv4 addresses
	has6  bool // the peer can match IPv6 addresses
}

// bigList is the prefix-list size from which a trie beats a linear scan.
const bigList = 16

func (m *peerMatcher) match(a netip.Addr, res GroupResolver) (bool, error) {
	switch m.kind {
	case PeerCIDR:
		return m.cidr.Contains(a), nil
	case PeerPrefixList:
		if m.big != nil {
			_, ok := m.big.First(a)
			return ok, nil
		}
		for _, p := range m.small {
			if p.Contains(a) {
				return true, nil
			}
		}
		return false, nil
	}
	return res.IsMember(m.group, a)
}

// Compile checks the groups attached to one network interface and builds
// their [Evaluator]. The groups are copied. res resolves group references
// and prefix lists, and answers membership for Alibaba basic groups' inner
// access policy; it may be nil when no rule needs it. Prefix lists are read
// once, here; group membership is asked at query time. Errors are
// *flow.InputError values naming the group and rule, wrapping
// [ErrInvalidRule], [ErrInvalidGroup] or [ErrUnresolved]. Compile rejects:
// invalid rules, duplicate or empty group IDs, mixed flavours (Alibaba
// requires all groups of an interface to be of one type; AWS and Alibaba do
// not mix), and references the resolver does not know.
func Compile(groups []Group, res Resolver) (*Evaluator, error) {
	return NewCompiler(res).Compile(groups)
}

// Compiler compiles the groups of many interfaces against one resolver,
// reading and indexing each prefix list once for all of them (a model with
// a thousand interfaces would otherwise rebuild a 1,000-entry list's trie
// per interface). It is not safe for concurrent use; the evaluators it
// builds are.
type Compiler struct {
	res   Resolver
	lists map[string]peerMatcher
}

// NewCompiler returns a compiler that resolves through res (nil when no
// rule references anything).
func NewCompiler(res Resolver) *Compiler {
	return &Compiler{res: res, lists: map[string]peerMatcher{}}
}

// Compile is the package-level [Compile] sharing the compiler's prefix
// lists.
func (c *Compiler) Compile(groups []Group) (*Evaluator, error) {
	res := c.res
	e := &Evaluator{res: res, groups: make([]Group, len(groups))}
	seen := map[string]bool{}
	var known map[string]bool // groups confirmed by the resolver
	checkGroup := func(id string) error {
		if known[id] {
			return nil
		}
		if res == nil {
			return fmt.Errorf("%w: security group %s is referenced but no resolver was given", ErrUnresolved, id)
		}
		if _, err := res.IsMember(id, netip.Addr{}); err != nil {
			return err
		}
		if known == nil {
			known = map[string]bool{}
		}
		known[id] = true
		return nil
	}
	lists := c.lists // compiled once per prefix list
	for gi, g := range groups {
		gerr := func(path, rule string, err error) error {
			return &flow.InputError{Path: path, Resource: g.ID, Rule: rule, Err: err}
		}
		switch {
		case g.ID == "":
			return nil, gerr("groups["+strconv.Itoa(gi)+"]", "", fmt.Errorf("%w: the group ID is empty", ErrInvalidGroup))
		case seen[g.ID]:
			return nil, gerr("", "", fmt.Errorf("%w: attached twice to one interface", ErrInvalidGroup))
		case g.Flavour > AlibabaEnterprise:
			return nil, gerr("Flavour", "", fmt.Errorf("%w: flavour %d", ErrInvalidGroup, g.Flavour))
		case gi > 0 && g.Flavour != groups[0].Flavour:
			return nil, gerr("Flavour", "", fmt.Errorf("%w: %s group attached beside %s group %s; the groups of one interface must all be of one flavour", ErrInvalidGroup, g.Flavour, groups[0].Flavour, groups[0].ID))
		}
		seen[g.ID] = true
		g.Rules = slices.Clone(g.Rules)
		e.groups[gi] = g
		if g.Flavour == AlibabaBasic {
			if err := checkGroup(g.ID); err != nil {
				return nil, gerr("", "", fmt.Errorf("basic groups need membership for their inner access policy: %w", err))
			}
			e.inner = append(e.inner, gi)
		}
		for ri := range g.Rules {
			r := &e.groups[gi].Rules[ri]
			name := r.ID
			if name == "" {
				name = "#" + strconv.Itoa(ri)
			}
			path := "Rules[" + strconv.Itoa(ri) + "]"
			if err := r.validate(g.Flavour); err != nil {
				return nil, gerr(path, name, err)
			}
			m := peerMatcher{kind: r.Peer.Kind}
			switch r.Peer.Kind {
			case PeerCIDR:
				m.cidr = r.Peer.CIDR
				m.has4, m.has6 = m.cidr.Addr().Is4(), m.cidr.Addr().Is6()
			case PeerGroup:
				if err := checkGroup(r.Peer.Group); err != nil {
					return nil, gerr(path, name, err)
				}
				m.group, m.has4, m.has6 = r.Peer.Group, true, true
			case PeerPrefixList:
				lm, ok := lists[r.Peer.PrefixList]
				if !ok {
					var err error
					if lm, err = compileList(r.Peer.PrefixList, res); err != nil {
						return nil, gerr(path, name, err)
					}
					lists[r.Peer.PrefixList] = lm
				}
				m = lm
			}
			e.rules = append(e.rules, compiledRule{group: int32(gi), index: int32(ri), rule: r, peer: m})
		}
	}
	if len(groups) > 0 {
		e.flavour = groups[0].Flavour
	}
	if e.flavour.IsAlibaba() {
		// Lowest priority number first; at equal priority drop before
		// accept; then the order the groups and rules were given in.
		slices.SortStableFunc(e.rules, func(a, b compiledRule) int {
			return cmp.Or(cmp.Compare(a.rule.Priority, b.rule.Priority), -cmp.Compare(a.rule.Action, b.rule.Action))
		})
	}
	e.pos = make([][]int32, len(e.groups))
	for gi, g := range e.groups {
		e.pos[gi] = make([]int32, len(g.Rules))
	}
	for i := range e.rules {
		cr := &e.rules[i]
		e.pos[cr.group][cr.index] = int32(i)
		for fam, ok := range [2]bool{cr.peer.has4, cr.peer.has6} {
			if !ok {
				continue
			}
			for c := range numClasses {
				if ruleInClass(cr.rule.Protocol, c, fam == 1) {
					b := &e.buckets[cr.rule.Direction][fam][c]
					b.rules = append(b.rules, int32(i))
				}
			}
		}
	}
	for dir := range e.buckets {
		for fam := range e.buckets[dir] {
			for _, c := range []protoClass{classTCP, classUDP} {
				e.buckets[dir][fam][c].indexPorts(e.rules)
			}
		}
	}
	return e, nil
}

// compileList reads prefix list id through res and builds its matcher: a
// slice for short lists, a trie from bigList entries on.
func compileList(id string, res PrefixListResolver) (peerMatcher, error) {
	m := peerMatcher{kind: PeerPrefixList}
	if res == nil {
		return m, fmt.Errorf("%w: prefix list %s is referenced but no resolver was given", ErrUnresolved, id)
	}
	ps, err := res.PrefixList(id)
	if err != nil {
		return m, err
	}
	ps = slices.Clone(ps)
	for i, p := range ps {
		if !p.IsValid() || p.Addr().Is4In6() || p.Addr().Zone() != "" {
			return m, fmt.Errorf("%w: prefix list %s entry %d (%s) is not a CIDR block", ErrUnresolved, id, i, p)
		}
		ps[i] = p.Masked()
		m.has4 = m.has4 || p.Addr().Is4()
		m.has6 = m.has6 || p.Addr().Is6()
	}
	if len(ps) < bigList {
		m.small = ps
		return m, nil
	}
	var b cidrindex.Builder[struct{}]
	for _, p := range ps {
		if err := b.Add(p, struct{}{}); err != nil {
			return m, fmt.Errorf("%w: prefix list %s: %w", ErrUnresolved, id, err)
		}
	}
	m.big = b.Build()
	return m, nil
}

// ruleInClass reports whether a rule of protocol p can match packets of
// class c and the given family.
func ruleInClass(p flow.Protocol, c protoClass, is6 bool) bool {
	if p == flow.AllProtocols {
		return true
	}
	switch c {
	case classTCP:
		return p == flow.TCP
	case classUDP:
		return p == flow.UDP
	case classICMP:
		return (p == flow.ICMP && !is6) || (p == flow.ICMPv6 && is6)
	}
	return classOf(p) == classOther
}

// WithMembership returns an evaluator that shares e's compiled rules but
// asks r whether an address belongs to a group (for group references and
// Alibaba inner access policies). Package reach uses it to judge packets
// whose group identity a middlebox has removed; r must know every group e
// references.
func (e *Evaluator) WithMembership(r GroupResolver) *Evaluator {
	if e == nil {
		return nil
	}
	cp := *e
	cp.res = r
	return &cp
}

// Groups returns copies of the groups the evaluator was built from.
func (e *Evaluator) Groups() []Group {
	if e == nil {
		return nil
	}
	out := make([]Group, len(e.groups))
	for i, g := range e.groups {
		g.Rules = slices.Clone(g.Rules)
		out[i] = g
	}
	return out
}

// Flavour returns the flavour of the evaluator's groups (AWS when empty).
func (e *Evaluator) Flavour() Flavour {
	if e == nil {
		return AWS
	}
	return e.flavour
}

// peerOf returns the address a rule's peer is compared with: the source of
// an inbound packet, the destination of an outbound one.
func peerOf(f flow.Flow, dir flow.Direction) netip.Addr {
	if dir == flow.Inbound {
		return f.Src.Addr()
	}
	return f.Dst.Addr()
}

// matchTraffic reports whether r's protocol, ports, ICMP type/code and
// source ports cover the packet.
func matchTraffic(r *Rule, f *flow.Flow) bool {
	if !r.Protocol.Matches(f.Protocol) {
		return false
	}
	switch {
	case r.Protocol.HasPorts():
		if !r.Ports.Contains(f.Dst.Port()) {
			return false
		}
		if !r.anySourcePort() && !r.SourcePorts.Contains(f.Src.Port()) {
			return false
		}
	case r.Protocol.IsICMP():
		if r.ICMPType >= 0 && int(f.ICMPType) != int(r.ICMPType) {
			return false
		}
		if r.ICMPCode >= 0 && int(f.ICMPCode) != int(r.ICMPCode) {
			return false
		}
	}
	return true
}

// Evaluate decides one packet crossing the interface in direction dir:
// inbound packets are matched on their source, outbound ones on their
// destination. AWS: the first rule (groups in the order given, rules in
// their order) that allows it decides, else it is denied. Alibaba: inner
// access policy Accept first, then rules by priority with drop winning
// ties, then the group type's defaults. The error is non-nil only when the
// resolver fails on a membership question. f must be valid
// ([flow.Flow.Validate]); an invalid flow is denied.
func (e *Evaluator) Evaluate(f flow.Flow, dir flow.Direction) (Decision, error) {
	d := Decision{Verdict: flow.Deny, Direction: dir, RuleIndex: -1}
	if e == nil || dir > flow.Outbound || !f.Protocol.IsConcrete() {
		d.Basis = NoRuleAllows
		return d, nil
	}
	peer := peerOf(f, dir)
	if e.flavour == AlibabaBasic {
		for _, gi := range e.inner {
			g := &e.groups[gi]
			if g.InnerAccessDrop {
				continue
			}
			ok, err := e.res.IsMember(g.ID, peer)
			if err != nil {
				return d, err
			}
			if ok {
				d.Verdict, d.Basis, d.Group = flow.Allow, InnerAccept, g.ID
				return d, nil
			}
		}
	}
	fam := 0
	if peer.Is6() {
		fam = 1
	}
	for _, i := range e.buckets[dir][fam][classOf(f.Protocol)].candidates(f.Dst.Port()) {
		cr := &e.rules[i]
		if !matchTraffic(cr.rule, &f) {
			continue
		}
		ok, err := cr.peer.match(peer, e.res)
		if err != nil {
			return d, err
		}
		if !ok {
			continue
		}
		d.Basis, d.Group, d.RuleIndex, d.Rule = ByRule, e.groups[cr.group].ID, int(cr.index), *cr.rule
		if cr.rule.Action == Accept {
			d.Verdict = flow.Allow
		}
		return d, nil
	}
	return e.fallback(d, peer)
}

// fallback applies the flavour's defaults once no rule matched.
func (e *Evaluator) fallback(d Decision, peer netip.Addr) (Decision, error) {
	switch e.flavour {
	case AWS:
		d.Basis = NoRuleAllows
	case AlibabaEnterprise:
		d.Basis = DefaultDeny
	case AlibabaBasic:
		for _, gi := range e.inner { // only Drop-policy groups are left to ask
			ok, err := e.res.IsMember(e.groups[gi].ID, peer)
			if err != nil {
				return d, err
			}
			if ok {
				d.Basis, d.Group = InnerIsolation, e.groups[gi].ID
				return d, nil
			}
		}
		d.Basis = DefaultDeny
		if d.Direction == flow.Outbound {
			d.Verdict, d.Basis = flow.Allow, DefaultAccept
		}
	}
	return d, nil
}

// GroupTrace is what one group of the interface says about a packet, for
// the trace a person reads.
type GroupTrace struct {
	Group string // the group's ID
	Name  string // the group's name
	// Matched is the index in the group's Rules of the rule of this group
	// that comes first in decision order and matches, or -1.
	Matched int
	// Closest is, when nothing matched, the index of the rule that came
	// closest (fewest mismatching parts, earliest on a tie), or -1 when the
	// group has no rule in this direction.
	Closest int
	// Reason is a sentence: "rule sgr-1 allows tcp/22 from 203.0.113.0/24",
	// "no rule allows udp/53 from 10.0.0.5: closest rule sgr-2 allows tcp/53
	// from 10.0.0.0/16 (protocol udp is not tcp)".
	Reason string
}

// Explanation is a [Decision] with what each group said about the packet.
type Explanation struct {
	Decision
	Groups []GroupTrace // in the order the groups were given
}

// Explain evaluates like [Evaluator.Evaluate] and adds, per group, the
// matching rule or the closest non-matching one and a reason. It is slower
// and allocates; use it for traces, not for bulk questions.
func (e *Evaluator) Explain(f flow.Flow, dir flow.Direction) (Explanation, error) {
	d, err := e.Evaluate(f, dir)
	x := Explanation{Decision: d}
	if err != nil || e == nil {
		return x, err
	}
	peer := peerOf(f, dir)
	traffic := f.Traffic()
	for gi, g := range e.groups {
		gt := GroupTrace{Group: g.ID, Name: g.Name, Matched: -1, Closest: -1}
		best, bestMiss := -1, 0
		for ri := range g.Rules {
			if g.Rules[ri].Direction != dir {
				continue
			}
			cr := &e.rules[e.pos[gi][ri]]
			miss, err := e.mismatches(cr, f, peer, nil)
			if err != nil {
				return x, err
			}
			if miss == 0 {
				if gt.Matched < 0 || e.pos[gi][ri] < e.pos[gi][gt.Matched] {
					gt.Matched = ri
				}
				continue
			}
			if best < 0 || miss < bestMiss {
				best, bestMiss = ri, miss
			}
		}
		var why []string
		if gt.Matched < 0 && best >= 0 {
			if _, err := e.mismatches(&e.rules[e.pos[gi][best]], f, peer, &why); err != nil {
				return x, err
			}
		}
		switch {
		case gt.Matched >= 0:
			gt.Reason = "rule " + g.Rules[gt.Matched].Label(gt.Matched)
		case best >= 0:
			gt.Closest = best
			gt.Reason = fmt.Sprintf("no rule matches %s: closest rule %s (%s)", traffic+" "+peerWord(dir)+" "+peer.String(), g.Rules[best].Label(best), strings.Join(why, "; "))
		default:
			gt.Reason = fmt.Sprintf("no %s rules", dir)
		}
		if g.Flavour == AWS && gt.Matched < 0 && best >= 0 {
			gt.Reason = strings.Replace(gt.Reason, "no rule matches", "no rule allows", 1)
		}
		if g.Flavour == AlibabaBasic && x.Basis == InnerAccept && x.Group == g.ID {
			gt.Reason = "the peer is a member: inner access policy accept lets members reach each other, whatever the rules say"
		}
		x.Groups = append(x.Groups, gt)
	}
	return x, nil
}

func peerWord(dir flow.Direction) string {
	if dir == flow.Inbound {
		return "from"
	}
	return "to"
}

// mismatches counts the parts of rule cr that do not match the packet; 0
// means it matches. When why is not nil it also appends a phrase per
// mismatching part. It is the readable twin of Evaluate's matching, kept in
// step with it by the randomized tests.
func (e *Evaluator) mismatches(cr *compiledRule, f flow.Flow, peer netip.Addr, why *[]string) (int, error) {
	r := cr.rule
	n := 0
	// miss records one mismatching part; the phrase is only built when
	// asked for, so counting stays free of allocations.
	miss := func(phrase func() string) {
		n++
		if why != nil {
			*why = append(*why, phrase())
		}
	}
	if !r.Protocol.Matches(f.Protocol) {
		miss(func() string { return fmt.Sprintf("protocol %s is not %s", f.Protocol, r.Protocol) })
	} else {
		switch {
		case r.Protocol.HasPorts():
			if !r.Ports.Contains(f.Dst.Port()) {
				miss(func() string { return fmt.Sprintf("port %d is not in %s", f.Dst.Port(), r.Ports) })
			}
			if !r.anySourcePort() && !r.SourcePorts.Contains(f.Src.Port()) {
				miss(func() string { return fmt.Sprintf("source port %d is not in %s", f.Src.Port(), r.SourcePorts) })
			}
		case r.Protocol.IsICMP():
			if r.ICMPType >= 0 && int(f.ICMPType) != int(r.ICMPType) {
				miss(func() string { return fmt.Sprintf("ICMP type %d is not %d", f.ICMPType, r.ICMPType) })
			}
			if r.ICMPCode >= 0 && int(f.ICMPCode) != int(r.ICMPCode) {
				miss(func() string { return fmt.Sprintf("ICMP code %d is not %d", f.ICMPCode, r.ICMPCode) })
			}
		}
	}
	ok, err := cr.peer.match(peer, e.res)
	if err != nil {
		return 0, err
	}
	if !ok {
		switch r.Peer.Kind {
		case PeerGroup:
			miss(func() string { return fmt.Sprintf("%s is not a member of %s", peer, r.Peer.Group) })
		case PeerPrefixList:
			miss(func() string { return fmt.Sprintf("%s is in no CIDR of %s", peer, r.Peer.PrefixList) })
		default:
			miss(func() string { return fmt.Sprintf("%s is not in %s", peer, r.Peer.CIDR) })
		}
	}
	return n, nil
}

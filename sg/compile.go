package sg

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/reachsim/reachsim/internal/slowpath"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/portindex"
)

// Evaluator holds the security groups of one network interface, checked
// and compiled for fast queries, with every group reference and prefix
// list resolved. Build it with [Compile]; it is immutable and safe for
// concurrent use.
//
// A nil *Evaluator means "no security groups here" (an endpoint that is
// not a network interface): it passes every packet, with a [Decision]
// whose Basis is [NoFilter]. The zero Evaluator, like [Compile] of no
// groups, is an interface without groups: nothing allows a packet, so
// every packet is denied (AWS's default).
type Evaluator struct {
	flavour Flavour
	// codes holds the groups as given, compiled (group returns one):
	// read-only, and shared by the evaluators compiled through one
	// CachingResolver (a model holds an evaluator per interface, or two;
	// nothing hands them out uncopied).
	codes []*groupCode
	rules []compiledRule // every rule, in decision order
	// buckets[dir][is6][class] holds the rules that can match packets of
	// that direction, family and protocol class.
	buckets [2][2][numClasses]bucket
	order   []int32 // the buckets' lists, one after another
	// inner lists the indexes of Alibaba basic groups in the order given,
	// and innerMembers their members, at the same indexes.
	inner        []int
	innerMembers []memberSet
	// refs holds the members of each group the rules reference, and
	// refIDs those groups' IDs, at the same indexes (peerMatcher.ref).
	// WithMembership replaces only these.
	refs   []memberSet
	refIDs []string
	// unknown holds, at the same indexes, the resolver's answer for a
	// referenced group whose members are unknown (nil for a known group);
	// nil when every referenced group is known.
	unknown []*UnknownMembers
	// pos[g][r] is the position of group g's rule r in rules.
	pos [][]int32
	// plain: compiled under internal/slowpath, Evaluate scans every rule
	// in decision order (no bucket, no port index) and prefix lists are
	// plain slices (no ranges), the slow reference of package reach
	plain bool
	// either, when set, is the other view of an evaluator made with
	// Either: Evaluate is undecided where the two differ
	either *Evaluator
	// own, beside either, is this evaluator's own view (without either)
	own *Evaluator
	// spanOf, when set, is the evaluator this view of OverSourcePorts
	// judges every source port of span with (span.go)
	spanOf *Evaluator
	span   flow.PortRange
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
	group, index int32 // into Evaluator.codes and that group's Rules
	rule         *Rule // points into a groupCode's rules
	peer         peerMatcher
}

// bucket lists, in decision order, the rules that can match one kind of
// packet. TCP and UDP buckets with enough rules also carry a port index
// (internal/portindex): the port space cut into segments at every rule's
// range boundaries, each segment listing (still in decision order) only
// the rules whose port range covers it.
type bucket struct {
	from, to int32            // its rules are Evaluator.order[from:to]: indexes into Evaluator.rules, ascending
	ports    *portindex.Index // nil: none (most buckets; a pointer keeps the Evaluator small)
}

// indexMin is the bucket size from which a port index pays off, and
// indexBudget bounds the index's size relative to the bucket's: rules with
// wide ranges repeat in every segment they cover, and past the budget the
// linear list is kept.
const (
	indexMin    = 8
	indexBudget = 32
)

func (b *bucket) indexPorts(list []int32, rules []compiledRule) {
	if len(list) < indexMin {
		return
	}
	var ib portindex.Builder
	for _, i := range list {
		r := rules[i].rule
		pr := r.Ports
		if r.Protocol == flow.AllProtocols {
			pr = flow.AllPorts
		}
		ib.Add(i, pr)
	}
	if x, ok := ib.Build(indexBudget * len(list)); ok {
		b.ports = &x
	}
}

// candidates returns the rules, in decision order, that may match a
// packet of f's protocol and destination port in dir, from a peer of the
// family fam: the bucket's (narrowed by its port index), or for a plain
// Evaluator those a scan of every rule finds.
func (e *Evaluator) candidates(f *flow.Flow, dir flow.Direction, fam int) []int32 {
	c := classOf(f.Protocol)
	if !e.plain {
		return e.candidates1(&e.buckets[dir][fam][c], f.Dst.Port())
	}
	var out []int32
	for i := range e.rules {
		cr := &e.rules[i]
		if cr.rule.Direction == dir && [2]bool{cr.peer.has4, cr.peer.has6}[fam] && ruleInClass(cr.rule.Protocol, c, fam == 1) {
			out = append(out, int32(i))
		}
	}
	return out
}

// candidates1 returns the rules of b that may match a packet to port.
func (e *Evaluator) candidates1(b *bucket, port uint16) []int32 {
	if b.ports == nil || b.ports.IsZero() {
		return e.order[b.from:b.to]
	}
	return b.ports.Lookup(port)
}

// bucket returns the rules, in decision order, that can match packets of
// direction dir, family fam and protocol class c.
func (e *Evaluator) bucket(dir flow.Direction, fam int, c protoClass) []int32 {
	b := &e.buckets[dir][fam][c]
	return e.order[b.from:b.to]
}

// Compile checks the groups attached to one network interface and builds
// their [Evaluator]. The groups are copied. res resolves group references
// and prefix lists, and answers membership for Alibaba basic groups' inner
// access policy; it may be nil when no rule needs it. Every reference is
// resolved here, once: evaluation asks nothing more. Give a
// [CachingResolver] to share the work across the interfaces of a model.
//
// Errors are *flow.InputError values naming the group and rule, wrapping
// [ErrInvalidRule], [ErrInvalidGroup] or [ErrUnresolved]. Compile rejects:
// invalid rules (a TCP or UDP rule without Ports among them; an Alibaba
// Cloud ICMP or ICMPv6 rule whose peer, a block or a prefix list's
// entries, is of the other address family only), duplicate or
// empty group IDs, mixed flavours (Alibaba requires all groups of an
// interface to be of one type; AWS and Alibaba do not mix), and references
// the resolver does not know. A reference to a group whose members the
// input does not hold (the resolver answers [*UnknownMembers]) is accepted
// in AWS groups (see [UnknownMembers]) and rejected in Alibaba Cloud's.
func Compile(groups []Group, res Resolver) (*Evaluator, error) {
	var gr GroupResolver
	if res != nil {
		gr = res
	}
	b, mu := newBinder(gr)
	if mu != nil {
		mu.Lock()
		defer mu.Unlock()
	}
	e := &Evaluator{codes: make([]*groupCode, len(groups))}
	n := 0
	for _, g := range groups {
		n += len(g.Rules)
	}
	e.rules = make([]compiledRule, 0, n)
	seen := map[string]bool{}
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
		if g.Flavour == AlibabaBasic {
			s, u, err := b.members(g.ID)
			if err == nil && u != nil {
				err = u
			}
			if err != nil {
				return nil, gerr("", "", fmt.Errorf("basic groups need membership for their inner access policy: %w", err))
			}
			e.inner, e.innerMembers = append(e.inner, gi), append(e.innerMembers, s)
		}
		gc, err := b.group(g, gerr)
		if err != nil {
			return nil, err
		}
		e.codes[gi] = gc
		if err := e.addRules(gi, gc, b); err != nil {
			return nil, err
		}
	}
	e.plain = slowpath.On()
	e.index()
	return e, nil
}

// MustCompile is [Compile] that panics on error, for literals in code and
// tests.
func MustCompile(groups []Group, res Resolver) *Evaluator {
	e, err := Compile(groups, res)
	if err != nil {
		panic(err)
	}
	return e
}

// groupCode is what Compile makes of one group, whatever interface it is
// attached to: a copy of the group with its rules checked (an AWS rule's
// unset action set to Pass) and each rule's peer matcher, a group
// reference's ref left unset (it indexes each evaluator's own refs). It is
// read-only once built: a CachingResolver keeps one per group and the
// evaluators it compiles share it, so that a model whose interfaces share
// groups holds each group's rules once.
// group returns the group at index gi, compiled: its groupCode's
// read-only copy.
func (e *Evaluator) group(gi int) *Group { return &e.codes[gi].g }

type groupCode struct {
	g     Group
	peers []peerMatcher // at the indexes of g.Rules
	// labels holds each rule's label (Evaluator.RuleLabel) at the indexes
	// of g.Rules, worded for the whole group at the first call that needs
	// one (a model of 20,000 interfaces holds some 400,000 rules, few of
	// which a program ever names), once however many interfaces share it
	labels atomic.Pointer[[]string]
}

// label returns the label of rule i. Concurrent first calls word the
// group's labels alike, and either list is kept.
func (gc *groupCode) label(i int) string {
	ls := gc.labels.Load()
	if ls == nil {
		l := make([]string, len(gc.g.Rules))
		for j := range gc.g.Rules {
			l[j] = gc.g.ID + " " + gc.g.Rules[j].Label(j)
		}
		gc.labels.Store(&l)
		ls = &l
	}
	return (*ls)[i]
}

// group returns g compiled: the binder's groupCode for g's ID when it was
// compiled from the same group, else a new one, kept for the next
// interfaces when the ID has none.
func (b *binder) group(g Group, gerr func(path, rule string, err error) error) (*groupCode, error) {
	gc, ok := b.cache.groups[g.ID]
	if ok && gc.same(&g) {
		return gc, nil
	}
	gc, err := compileGroup(g, b, gerr)
	if err != nil {
		return nil, err
	}
	if !ok {
		b.cache.groups[g.ID] = gc
	}
	return gc, nil
}

// same reports whether gc was compiled from a group equal to g: every
// field of Group (see TestGroupCodeComparesEveryField), rules compared
// as compileGroup leaves them.
func (gc *groupCode) same(g *Group) bool {
	c := &gc.g
	if c.ID != g.ID || c.Name != g.Name || c.Description != g.Description || c.VPCID != g.VPCID || c.OwnerID != g.OwnerID ||
		c.Flavour != g.Flavour || c.InnerAccessDrop != g.InnerAccessDrop || len(c.Rules) != len(g.Rules) {
		return false
	}
	for i, r := range g.Rules {
		if g.Flavour == AWS && r.Action == 0 {
			r.Action = flow.Pass
		}
		if r != c.Rules[i] {
			return false
		}
	}
	return true
}

// compileGroup copies g, checks its rules and resolves their peers.
func compileGroup(g Group, b *binder, gerr func(path, rule string, err error) error) (*groupCode, error) {
	g.Rules = slices.Clone(g.Rules)
	gc := &groupCode{g: g, peers: make([]peerMatcher, len(g.Rules))}
	for ri := range g.Rules {
		r := &g.Rules[ri]
		name := r.ID
		if name == "" {
			name = "#" + strconv.Itoa(ri)
		}
		path := "Rules[" + strconv.Itoa(ri) + "]"
		if g.Flavour == AWS && r.Action == 0 {
			r.Action = flow.Pass // AWS rules only allow: an unset action means Pass
		}
		if err := r.validate(g.Flavour); err != nil {
			return nil, gerr(path, name, err)
		}
		m := peerMatcher{kind: r.Peer.Kind}
		switch r.Peer.Kind {
		case PeerCIDR:
			m.peerBlock = &peerBlock{cidr: r.Peer.CIDR}
			m.has4, m.has6 = m.cidr.Addr().Is4(), m.cidr.Addr().Is6()
		case PeerGroup:
			_, u, err := b.members(r.Peer.Group)
			if err == nil && u != nil && g.Flavour != AWS {
				err = fmt.Errorf("%w: an Alibaba Cloud rule can drop, so a reference to a group whose members are unknown cannot be judged: %w", ErrUnresolved, u)
			}
			if err != nil {
				return nil, gerr(path, name, err)
			}
			m.has4, m.has6 = true, true
		case PeerPrefixList:
			lm, err := b.list(r.Peer.PrefixList)
			if err == nil && lm.unknown && g.Flavour != AWS {
				err = fmt.Errorf("%w: an Alibaba Cloud rule can drop, so a reference to a prefix list whose entries are unknown cannot be judged: %w", ErrUnresolved, &UnknownEntries{List: r.Peer.PrefixList})
			}
			if err == nil && g.Flavour != AWS {
				err = icmpListFamily(r, lm)
			}
			if err != nil {
				return nil, gerr(path, name, err)
			}
			m = lm
		}
		gc.peers[ri] = m
	}
	return gc, nil
}

// icmpListFamily refuses an Alibaba Cloud ICMP rule whose prefix list
// holds IPv6 blocks only, or an ICMPv6 rule whose list holds IPv4 blocks
// only, as validate refuses such a CIDR peer: Alibaba documents no
// meaning for the pair, and as written the rule matches no packet. A
// list without entries matches nothing whatever the rule means.
func icmpListFamily(r *Rule, lm peerMatcher) error {
	if !r.Protocol.IsICMP() || lm.has4 == lm.has6 || lm.has6 == (r.Protocol == flow.ICMPv6) {
		return nil
	}
	fam, want := FamilyIPv6, "ICMPv6"
	if lm.has4 {
		fam, want = FamilyIPv4, "ICMP"
	}
	return fmt.Errorf("%w: an %s rule whose peer prefix list %s holds %s blocks only, of the other address family: Alibaba Cloud documents no meaning for the pair, and as written it matches no packet; write %s for %s ICMP",
		ErrInvalidRule, r.Protocol, r.Peer.PrefixList, fam, want, fam)
}

// addRules appends the rules of gc, attached as e's group gi, to e.rules,
// each group reference given its index in e.refs.
func (e *Evaluator) addRules(gi int, gc *groupCode, b *binder) error {
	for ri := range gc.g.Rules {
		m := gc.peers[ri]
		if m.kind == PeerGroup {
			id := gc.g.Rules[ri].Peer.Group
			i := slices.Index(e.refIDs, id)
			if i < 0 {
				s, u, err := b.members(id) // answered from the binder's cache: compileGroup asked
				if err != nil {
					return &flow.InputError{Resource: gc.g.ID, Rule: gc.g.Rules[ri].Label(ri), Err: err}
				}
				i = len(e.refs)
				e.refs, e.refIDs = append(e.refs, s), append(e.refIDs, id)
				e.unknown = append(e.unknown, u)
			}
			m.ref = int32(i)
		}
		e.rules = append(e.rules, compiledRule{group: int32(gi), index: int32(ri), rule: &gc.g.Rules[ri], peer: m})
	}
	return nil
}

// index puts e.rules in decision order and fills pos and the buckets.
func (e *Evaluator) index() {
	if len(e.codes) > 0 {
		e.flavour = e.group(0).Flavour
	}
	if e.flavour.IsAlibaba() {
		// Lowest priority number first; at equal priority drop before
		// accept; then the order the groups and rules were given in.
		slices.SortStableFunc(e.rules, func(a, b compiledRule) int {
			return cmp.Or(cmp.Compare(a.rule.Priority, b.rule.Priority), -cmp.Compare(a.rule.Action, b.rule.Action))
		})
	}
	// pos and the buckets' lists are cut from one array each, counted
	// first: a model holds an evaluator per interface.
	flat := make([]int32, len(e.rules))
	e.pos = make([][]int32, len(e.codes))
	for gi, gc := range e.codes {
		g := &gc.g
		e.pos[gi], flat = flat[:len(g.Rules):len(g.Rules)], flat[len(g.Rules):]
	}
	var count [2][2][numClasses]int
	n := 0
	for i := range e.rules {
		e.eachBucket(&e.rules[i], func(dir flow.Direction, fam int, c protoClass) {
			count[dir][fam][c]++
			n++
		})
	}
	e.order = make([]int32, n)
	at := int32(0)
	for dir := range count {
		for fam := range count[dir] {
			for c, k := range count[dir][fam] {
				b := &e.buckets[dir][fam][c]
				b.from, b.to = at, at // to grows below
				at += int32(k)
			}
		}
	}
	for i := range e.rules {
		cr := &e.rules[i]
		e.pos[cr.group][cr.index] = int32(i)
		e.eachBucket(cr, func(dir flow.Direction, fam int, c protoClass) {
			b := &e.buckets[dir][fam][c]
			e.order[b.to] = int32(i)
			b.to++
		})
	}
	for dir := range e.buckets {
		if e.plain {
			break
		}
		for fam := range e.buckets[dir] {
			for _, c := range []protoClass{classTCP, classUDP} {
				e.buckets[dir][fam][c].indexPorts(e.bucket(flow.Direction(dir), fam, c), e.rules)
			}
		}
	}
}

// eachBucket calls f with every bucket cr belongs in.
func (e *Evaluator) eachBucket(cr *compiledRule, f func(dir flow.Direction, fam int, c protoClass)) {
	for fam, ok := range [2]bool{cr.peer.has4, cr.peer.has6} {
		if !ok {
			continue
		}
		for c := range numClasses {
			if ruleInClass(cr.rule.Protocol, c, fam == 1) {
				f(cr.rule.Direction, fam, c)
			}
		}
	}
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
// whose group references and Alibaba inner access policies see the members
// r gives instead. Package reach uses it to judge packets whose group
// identity a middlebox has removed (r then knows every group and finds no
// member in any). r is asked once per group, here; an error (wrapping
// [ErrUnresolved] when r does not know a group e references) means no
// evaluator. A nil e returns nil.
func (e *Evaluator) WithMembership(r GroupResolver) (*Evaluator, error) {
	if e == nil {
		return nil, nil
	}
	b, mu := newBinder(r)
	if mu != nil {
		mu.Lock()
		defer mu.Unlock()
	}
	cp := *e
	cp.either, cp.own = nil, nil
	cp.refs = make([]memberSet, len(e.refs))
	cp.unknown = make([]*UnknownMembers, len(e.refs))
	for i, id := range e.refIDs {
		s, u, err := b.members(id)
		if err == nil && u != nil && e.flavour != AWS {
			err = fmt.Errorf("%w: %w", ErrUnresolved, u)
		}
		if err != nil {
			return nil, &flow.InputError{Resource: id, Err: err}
		}
		cp.refs[i], cp.unknown[i] = s, u
	}
	cp.innerMembers = make([]memberSet, len(e.inner))
	for i, gi := range e.inner {
		s, u, err := b.members(e.group(gi).ID)
		if err == nil && u != nil {
			err = u
		}
		if err != nil {
			return nil, &flow.InputError{Resource: e.group(gi).ID, Err: err}
		}
		cp.innerMembers[i] = s
	}
	return &cp, nil
}

// Groups returns copies of the groups the evaluator was built from.
func (e *Evaluator) Groups() []Group {
	if e == nil {
		return nil
	}
	out := make([]Group, len(e.codes))
	for i, gc := range e.codes {
		g := &gc.g
		out[i] = *g
		out[i].Rules = slices.Clone(g.Rules)
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

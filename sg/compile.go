package sg

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/reachsim/reachsim/internal/slowpath"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
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

// memberSet is the private addresses of a group's members, and the
// prefixes delegated to them ([GroupPrefixResolver]), resolved at Compile
// time. The zero set has no members.
type memberSet struct {
	addrs    map[netip.Addr]struct{}
	prefixes []netip.Prefix // the delegated prefixes, masked
	// big is what many prefixes cover, as sorted disjoint ranges searched
	// by halves (nil for few prefixes, or under internal/slowpath)
	big *addrset.Set
}

// has reports whether a is a member's address: its own, or of a prefix
// delegated to it.
func (s *memberSet) has(a netip.Addr) bool {
	if _, ok := s.addrs[a]; ok {
		return true
	}
	if s.big != nil {
		return s.big.Contains(a)
	}
	for _, p := range s.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerMatcher tests the peer address of a packet against a rule's peer.
// Every evaluator holds one per rule, so it is kept to 16 bytes: what a
// CIDR block or prefix list matches is shared through a pointer (one per
// rule of a groupCode, one per prefix list).
type peerMatcher struct {
	kind       PeerKind
	has4       bool  // the peer can match IPv4 addresses
	has6       bool  // the peer can match IPv6 addresses
	ref        int32 // group reference: index into Evaluator.refs
	*peerBlock       // PeerCIDR and PeerPrefixList only
}

// peerBlock is the addresses a CIDR peer or a prefix list matches,
// read-only once built and shared.
type peerBlock struct {
	cidr       netip.Prefix // PeerCIDR
	*listMatch              // PeerPrefixList
}

// listMatch is a prefix list's matcher.
type listMatch struct {
	small []netip.Prefix // prefix list with few entries
	// big is what a prefix list with many entries covers, as sorted
	// disjoint ranges, searched by halves without allocating
	big *addrset.Set
	all []netip.Prefix // the entries of a list searched by big
	// unknown: the input does not hold the list's entries
	// ([UnknownEntries]); it matches no address for certain and may match
	// any of the families has4 and has6 say (the list's family, or both)
	unknown bool
}

// bigList is the prefix-list size from which a search by halves beats a
// linear scan.
const bigList = 16

func (m *peerMatcher) match(a netip.Addr, refs []memberSet) bool {
	switch m.kind {
	case PeerCIDR:
		return m.cidr.Contains(a)
	case PeerPrefixList:
		if m.big != nil {
			return m.big.Contains(a)
		}
		for _, p := range m.small {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return refs[m.ref].has(a)
}

// CachingResolver is a [Resolver] that also remembers what [Compile] made
// of its answers and of the groups it was given: each prefix list's
// compiled matcher (sorted ranges for long lists), each group's member set, and
// each group's checked copy with its rules' compiled peers. Compiling the
// groups of many interfaces through one CachingResolver reads and indexes
// each list and each group once for all of them, and the evaluators share
// them read-only (a model with a thousand interfaces would otherwise
// rebuild a 1,000-entry list's ranges per interface, and a large account hold
// each group's rules once per interface that carries it). A group given
// again under an ID already compiled but with other contents is compiled
// anew, not shared. It is safe for concurrent use. Its answers are
// fixed at the first question: build a new one when the underlying data
// changes.
type CachingResolver struct {
	res   Resolver
	mu    sync.Mutex
	cache resolved
}

// NewCachingResolver returns a caching resolver over res (nil when no rule
// references anything).
func NewCachingResolver(res Resolver) *CachingResolver {
	return &CachingResolver{res: res, cache: newResolved()}
}

// GroupMembers implements [GroupResolver] by asking the underlying
// resolver.
func (c *CachingResolver) GroupMembers(group string) ([]netip.Addr, error) {
	if c.res == nil {
		return nil, noResolver("security group", group)
	}
	return c.res.GroupMembers(group)
}

// PrefixList implements [PrefixListResolver] by asking the underlying
// resolver.
func (c *CachingResolver) PrefixList(id string) ([]netip.Prefix, error) {
	if c.res == nil {
		return nil, noResolver("prefix list", id)
	}
	return c.res.PrefixList(id)
}

func noResolver(what, id string) error {
	return fmt.Errorf("%w: %s %s is referenced but no resolver was given", ErrUnresolved, what, id)
}

// resolved is what one Compile (or one CachingResolver) made of a
// resolver's answers.
type resolved struct {
	lists   map[string]peerMatcher
	members map[string]memberSet
	unknown map[string]*UnknownMembers // groups whose members are unknown
	groups  map[string]*groupCode      // by group ID
}

func newResolved() resolved {
	return resolved{lists: map[string]peerMatcher{}, members: map[string]memberSet{}, unknown: map[string]*UnknownMembers{},
		groups: map[string]*groupCode{}}
}

// binder resolves references for one compilation.
type binder struct {
	groups GroupResolver      // nil: no resolver
	lists  PrefixListResolver // nil: no resolver
	cache  resolved
}

// newBinder returns the binder for res and, when res is a
// *CachingResolver, the lock to hold while using it.
func newBinder(res GroupResolver) (*binder, *sync.Mutex) {
	if c, ok := res.(*CachingResolver); ok && c != nil {
		b := &binder{cache: c.cache}
		if c.res != nil {
			b.groups, b.lists = c.res, c.res
		}
		return b, &c.mu
	}
	b := &binder{cache: newResolved()}
	if res != nil {
		b.groups = res
		if pl, ok := res.(PrefixListResolver); ok {
			b.lists = pl
		}
	}
	return b, nil
}

// members returns the member set of group, asking the resolver once, or
// the resolver's *UnknownMembers answer when the group's members are
// unknown.
func (b *binder) members(group string) (memberSet, *UnknownMembers, error) {
	if u, ok := b.cache.unknown[group]; ok {
		return b.cache.members[group], u, nil
	}
	if s, ok := b.cache.members[group]; ok {
		return s, nil, nil
	}
	if b.groups == nil {
		return memberSet{}, nil, noResolver("security group", group)
	}
	addrs, err := b.groups.GroupMembers(group)
	var u *UnknownMembers
	if errors.As(err, &u) {
		addrs, err = u.Members, nil
	}
	if err != nil {
		return memberSet{}, nil, err
	}
	var s memberSet
	if len(addrs) > 0 {
		s.addrs = make(map[netip.Addr]struct{}, len(addrs))
		for _, a := range addrs {
			s.addrs[a] = struct{}{}
		}
	}
	if pr, ok := b.groups.(GroupPrefixResolver); ok {
		s.delegate(pr.GroupPrefixes(group))
	}
	b.cache.members[group] = s
	if u != nil {
		b.cache.unknown[group] = u
	}
	return s, u, nil
}

// delegate adds the prefixes delegated to the members.
func (s *memberSet) delegate(ps []netip.Prefix) {
	for _, p := range ps {
		if p.IsValid() {
			s.prefixes = append(s.prefixes, p.Masked())
		}
	}
	if len(s.prefixes) >= bigList && !slowpath.On() {
		set := addrset.Of(s.prefixes...)
		s.big = &set
	}
}

// list returns the matcher of prefix list id, building it once.
func (b *binder) list(id string) (peerMatcher, error) {
	if m, ok := b.cache.lists[id]; ok {
		return m, nil
	}
	if b.lists == nil {
		return peerMatcher{}, noResolver("prefix list", id)
	}
	m, err := compileList(id, b.lists)
	if err != nil {
		return m, err
	}
	b.cache.lists[id] = m
	return m, nil
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
// invalid rules (a TCP or UDP rule without Ports among them), duplicate or
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
			if err != nil {
				return nil, gerr(path, name, err)
			}
			m = lm
		}
		gc.peers[ri] = m
	}
	return gc, nil
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

// compileList reads prefix list id through res and builds its matcher: a
// slice for short lists, ranges searched by halves from bigList entries
// on.
func compileList(id string, res PrefixListResolver) (peerMatcher, error) {
	m := peerMatcher{kind: PeerPrefixList, peerBlock: &peerBlock{listMatch: &listMatch{}}}
	ps, err := res.PrefixList(id)
	var u *UnknownEntries
	if errors.As(err, &u) {
		m.unknown = true
		switch u.Family {
		case "":
			m.has4, m.has6 = true, true
		case FamilyIPv4:
			m.has4 = true
		case FamilyIPv6:
			m.has6 = true
		default:
			return m, fmt.Errorf("%w: prefix list %s: address family %q is neither %s nor %s", ErrUnresolved, id, u.Family, FamilyIPv4, FamilyIPv6)
		}
		return m, nil
	}
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
	if len(ps) < bigList || slowpath.On() {
		m.small = ps
		return m, nil
	}
	m.all = ps // for Bounds
	set := addrset.Of(ps...)
	m.big = &set
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

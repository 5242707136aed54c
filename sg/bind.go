package sg

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"

	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/internal/slowpath"
)

// Binding references at Compile: the members of referenced groups (and
// the prefixes delegated to them), the entries of prefix lists, and the
// resolvers that answer them.

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

package reach

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"sync"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// The pairs of classes, remembered. A million pairs ask few distinct
// questions: a pair's cell depends only on its placements' middle and on
// what each deferred hop's groups say of the peer the hop sees (its
// profile: the ports, ICMP types and codes and other protocols they
// allow). An AWS evaluator tells two peer addresses apart only by the
// blocks its rules' peers name (sg.Evaluator.PeerPrefixes), the
// referenced groups they are members of, and whether the model holds
// them; so each hop is keyed by those (hopKey), each key's profile
// computed once and numbered by its content, and each cell answered once
// per middle and tuple of profile numbers (cellKey). Other flavours'
// hops are keyed by the peer's placement and groups, as the classes
// have it, and numbered each on its own.
//
// Each worker keeps its own maps in front of the shared ones, so that a
// hit takes no lock.

// maxMemoHops is the most deferred hops a remembered cell may have;
// cells with more are answered whole.
const maxMemoHops = 4

// matrixMemo is the memory of one Matrix question.
type matrixMemo struct {
	q       *trafficQuestion
	peers   map[netip.Addr]peerInfo // read-only once built
	groupID map[string]int32        // read-only once built

	mu       sync.Mutex
	evs      map[*sgPair]*evInfo
	profiles map[hopKey]*hopProfile
	numbers  *profileTable // the profiles numbered by their answers (matrix_intern.go)
	sigs     map[string]uint64
	cells    map[cellKey]*cellAnswer
	// each group compiled alone
	groups map[string]*ifaceInfo
	comp   *sg.CachingResolver
	// where evaluators tell internet addresses apart (matrix_internet.go)
	addrEdges map[sgAddrKey][]netip.Addr
}

// memoWorker is one worker's own memory, in front of the shared one,
// and its scratch space.
type memoWorker struct {
	evs      map[*sgPair]*evInfo
	profiles map[hopKey]*hopProfile
	cells    map[cellKey]*cellAnswer
	hops     []sgHop
	profs    []*hopProfile
	sig      []int32
	// scratch space of unionAll and of hashing (matrix_intern.go)
	rs         []flow.PortRange
	fold       []*hopProfile // the profiles of a hop's groups (foldDense)
	cuts       []uint16
	rowA, rowB []portVerdict
	// where evaluators tell internet addresses apart (matrix_internet.go)
	addrEdges map[sgAddrKey][]netip.Addr
}

// peerInfo is what an evaluator can see of an address of a class's
// interface.
type peerInfo struct {
	place  int32 // the placement's number
	public bool  // the interface's public address
	known  bool  // the model holds the address (sg.UnknownMembers.Known)
	groups []int32
}

// evInfo is what the memo needs of an interface's groups.
type evInfo struct {
	aws   bool
	edges []netip.Addr // AWS: where its peers' blocks start and stop, sorted
	refs  []uint64     // the groups its rules reference, by number
}

// hopKey is all a deferred hop's profile depends on.
type hopKey struct {
	ev           *sg.Evaluator
	dir          flow.Direction
	leg          Leg
	sport, dport uint16
	peer         peerKey
}

// peerKey is what an evaluator can tell of a peer address: for the
// address of a class's interface, its atom among the evaluator's edges
// (AWS) or its placement (others), the referenced groups it is a member
// of (sig), public or not and known or not; for any other address, the
// address.
type peerKey struct {
	atom, place   int32
	sig           uint64
	public, known bool
	addr          netip.Addr
}

// hopProfile is what a deferred hop's groups say of every protocol of
// the question, for one peer.
type hopProfile struct {
	id     int32 // equal numbers, equal profiles
	ports  [2]portProfile
	icmp   *icmpTable
	others []flow.Verdict // per trafficQuestion.others
}

// portProfile is a hop's say on tcp (0) or udp (1) ports: see
// sg.Evaluator.PortVerdicts; ret is, on the reply's leg, the verdict on
// the reply (AWS rules match destination ports only, so the reply's
// source port changes nothing).
type portProfile struct {
	allow, und flow.PortSet
	ok         bool
	ret        flow.Verdict
}

// cellKey is all a remembered cell depends on.
type cellKey struct {
	md  int32
	n   int32
	ids [maxMemoHops]int32
}

type cellAnswer struct{ open, und Traffic }

func newMatrixMemo(q *trafficQuestion, classes [][]*ifaceInfo, placeOf []int32) *matrixMemo {
	m := q.m
	mm := &matrixMemo{q: q, peers: map[netip.Addr]peerInfo{}, groupID: map[string]int32{},
		evs: map[*sgPair]*evInfo{}, profiles: map[hopKey]*hopProfile{}, numbers: newProfileTable(),
		sigs: map[string]uint64{}, cells: map[cellKey]*cellAnswer{},
		groups: map[string]*ifaceInfo{}, comp: sg.NewCachingResolver(m),
		addrEdges: map[sgAddrKey][]netip.Addr{}}
	place := map[*ifaceInfo]int32{}
	for i, cl := range classes {
		for _, ii := range cl {
			place[ii] = placeOf[i]
			for _, g := range ii.Groups {
				if _, ok := mm.groupID[g]; !ok {
					mm.groupID[g] = int32(len(mm.groupID))
				}
			}
		}
	}
	add := func(a netip.Addr, ii *ifaceInfo, public bool) {
		p, ok := place[ii]
		if !ok || len(ii.PrivateIPs) > 1 {
			delete(mm.peers, a)
			return
		}
		pi := peerInfo{place: p, public: public, known: m.holds(a)}
		for _, g := range ii.Groups {
			pi.groups = append(pi.groups, mm.groupID[g])
		}
		slices.Sort(pi.groups)
		pi.groups = slices.Compact(pi.groups)
		mm.peers[a] = pi
	}
	for a, ii := range m.byPublic {
		add(a, ii, true)
	}
	for a, ii := range m.byPrivate { // a private address wins, as in verdictCache.key
		add(a, ii, false)
	}
	return mm
}

func newMemoWorker() *memoWorker {
	return &memoWorker{evs: map[*sgPair]*evInfo{}, profiles: map[hopKey]*hopProfile{}, cells: map[cellKey]*cellAnswer{}}
}

// cell answers one pair of classes from its placements' middle (whose
// number is md), remembering; nil when its sessions carry nothing. The
// answer is shared: the caller must not change it.
func (mm *matrixMemo) cell(w *memoWorker, e *pairEnds, md int32) *cellAnswer {
	hs := e.md.hops
	if len(hs) > maxMemoHops {
		var a cellAnswer
		a.open, a.und = mm.q.combine(e)
		return a.orNil()
	}
	w.hops, w.profs = w.hops[:0], w.profs[:0]
	k := cellKey{md: md, n: int32(len(hs))}
	for i := range hs {
		h := e.mapHop(&hs[i])
		p := mm.profile(w, &h)
		k.ids[i] = p.id
		w.hops, w.profs = append(w.hops, h), append(w.profs, p)
	}
	if c, ok := w.cells[k]; ok {
		return c
	}
	return mm.remember(w, k, e.md, w.hops, w.profs)
}

// remember answers the cell of key k, not in the worker's memory, from
// the shared memory or from its middle md, its hops and their profiles,
// and remembers it.
func (mm *matrixMemo) remember(w *memoWorker, k cellKey, md *middle, hops []sgHop, profs []*hopProfile) *cellAnswer {
	mm.mu.Lock()
	c, ok := mm.cells[k]
	mm.mu.Unlock()
	if !ok {
		var a cellAnswer
		a.open, a.und = mm.q.combineProfiles(md, slices.Clone(hops), slices.Clone(profs))
		c = a.orNil()
		mm.mu.Lock()
		if c != nil {
			// kept for the matrix's life: shared with equal answers
			c.open, c.und = mm.numbers.internTraffic(c.open), mm.numbers.internTraffic(c.und)
		}
		mm.cells[k] = c
		mm.mu.Unlock()
	}
	w.cells[k] = c
	return c
}

// orNil returns a, or nil when it carries nothing.
func (a *cellAnswer) orNil() *cellAnswer {
	if a.open.IsEmpty() && a.und.IsEmpty() {
		return nil
	}
	return a
}

// profile returns the profile of h, remembered by its key.
func (mm *matrixMemo) profile(w *memoWorker, h *sgHop) *hopProfile {
	ev := h.evaluator()
	k := hopKey{ev: ev, dir: h.dir, leg: h.leg, sport: h.pkt.Src.Port(), dport: h.pkt.Dst.Port(), peer: mm.peerKey(w, h.iface, h.blind, h.peer())}
	if p, ok := w.profiles[k]; ok {
		return p
	}
	mm.mu.Lock()
	p, ok := mm.profiles[k]
	mm.mu.Unlock()
	if !ok {
		p = mm.foldProfile(w, h)
		if p == nil {
			p = mm.number(w, mm.q.newProfile(h))
		}
		mm.mu.Lock()
		if q, ok := mm.profiles[k]; ok {
			p = q
		} else {
			mm.profiles[k] = p
		}
		mm.mu.Unlock()
	}
	w.profiles[k] = p
	return p
}

// number numbers a new profile by its answers: the profile of equal
// answers numbered before, else p (matrix_intern.go).
func (mm *matrixMemo) number(w *memoWorker, p *hopProfile) *hopProfile {
	shareable := p.shareable()
	var sum uint64
	if shareable {
		sum, w.rs = mm.numbers.hash(p, w.rs)
	}
	mm.mu.Lock()
	defer mm.mu.Unlock()
	return mm.numbers.number(p, sum, shareable)
}

// foldProfile returns, for an AWS interface of several groups, the union
// of its groups' profiles, each group compiled alone, numbered: AWS
// allows what any rule of any group allows (and leaves undecided what
// any leaves undecided and none allows), so the interface's profile is
// its groups' union, and its groups, shared by many interfaces, meet few
// peers apart. Else it returns nil.
func (mm *matrixMemo) foldProfile(w *memoWorker, h *sgHop) *hopProfile {
	ev := h.evaluator()
	if ev == nil || ev.Flavour() != sg.AWS || len(h.iface.Groups) < 2 {
		return nil
	}
	ps := make([]*hopProfile, 0, len(h.iface.Groups))
	for _, g := range h.iface.Groups {
		gi := mm.groupIface(g)
		if gi == nil {
			return nil
		}
		gh := *h
		gh.iface = gi
		ps = append(ps, mm.profile(w, &gh))
	}
	return mm.number(w, w.unionAll(ps))
}

// groupIface returns an interface of group g alone, compiled once; nil
// if it cannot be.
func (mm *matrixMemo) groupIface(g string) *ifaceInfo {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	ii, ok := mm.groups[g]
	if !ok {
		if grp := mm.q.m.groups[g]; grp != nil {
			if ev, err := sg.Compile([]sg.Group{*grp}, mm.comp); err == nil && ev.Flavour() == sg.AWS {
				ii = &ifaceInfo{sg: &sgPair{normal: ev, m: mm.q.m, outRefs: outboundRefs([]sg.Group{*grp})}}
				ii.Groups = []string{g}
			}
		}
		mm.groups[g] = ii
	}
	return ii
}

// or3 is the verdict of two AWS rule sets together: allowed if either
// allows, else undecided if either is.
func or3(a, b flow.Verdict) flow.Verdict {
	switch {
	case a == flow.Allow || b == flow.Allow:
		return flow.Allow
	case a == flow.Indeterminate || b == flow.Indeterminate:
		return flow.Indeterminate
	}
	return flow.Deny
}

// peer is the address the hop's groups see as its peer.
func (h *sgHop) peer() netip.Addr {
	if h.dir == flow.Outbound {
		return h.pkt.Dst.Addr()
	}
	return h.pkt.Src.Addr()
}

// peerKey names what ii's groups can tell of the peer address a; blind,
// when they judge without identity (sgPair.blind), and AWS groups'
// references then match no address (an Alibaba Cloud group's blind view
// keeps the members' view too).
func (mm *matrixMemo) peerKey(w *memoWorker, ii *ifaceInfo, blind bool, a netip.Addr) peerKey {
	pi, ok := mm.peers[a]
	if !ok {
		return peerKey{addr: a}
	}
	ei := mm.evInfo(w, ii)
	k := peerKey{public: pi.public, known: pi.known, atom: -1, place: -1}
	if ei.aws {
		i, found := slices.BinarySearchFunc(ei.edges, a, netip.Addr.Compare)
		if found {
			i++ // an edge starts a new atom
		}
		k.atom = int32(i)
	} else {
		k.place = pi.place
	}
	w.sig = w.sig[:0]
	if blind && ei.aws { // an Alibaba Cloud group's blind view keeps the members too (sgPair.blind)
		return k
	}
	for _, g := range pi.groups {
		if ei.refs[g/64]&(1<<(g%64)) != 0 {
			w.sig = append(w.sig, g)
		}
	}
	k.sig = mm.sigOf(w.sig)
	return k
}

// sigOf numbers a sorted list of groups: up to three small numbers
// packed, else remembered.
func (mm *matrixMemo) sigOf(gs []int32) uint64 {
	const bits = 21
	if len(gs) <= 3 && (len(gs) == 0 || gs[len(gs)-1] < 1<<bits-1) {
		var s uint64
		for i, g := range gs {
			s |= uint64(g+1) << (bits * i)
		}
		return s
	}
	b := make([]byte, 0, 4*len(gs))
	for _, g := range gs {
		b = binary.AppendUvarint(b, uint64(g))
	}
	mm.mu.Lock()
	defer mm.mu.Unlock()
	s, ok := mm.sigs[string(b)]
	if !ok {
		s = 1<<63 | uint64(len(mm.sigs))
		mm.sigs[string(b)] = s
	}
	return s
}

// evInfo returns what the memo needs of ii's groups, computed once.
func (mm *matrixMemo) evInfo(w *memoWorker, ii *ifaceInfo) *evInfo {
	if ei, ok := w.evs[ii.sg]; ok {
		return ei
	}
	mm.mu.Lock()
	ei, ok := mm.evs[ii.sg]
	mm.mu.Unlock()
	if !ok {
		ei = mm.newEvInfo(w, ii)
		mm.mu.Lock()
		if got, ok := mm.evs[ii.sg]; ok {
			ei = got
		} else {
			mm.evs[ii.sg] = ei
		}
		mm.mu.Unlock()
	}
	w.evs[ii.sg] = ei
	return ei
}

// newEvInfo finds what the memo needs of ii's groups: for several AWS
// groups, from each group's alone.
func (mm *matrixMemo) newEvInfo(w *memoWorker, ii *ifaceInfo) *evInfo {
	ev := ii.sg.normal
	aws := ev.Flavour() == sg.AWS
	if aws && len(ii.Groups) > 1 {
		var parts []*evInfo
		for _, g := range ii.Groups {
			gi := mm.groupIface(g)
			if gi == nil {
				parts = nil
				break
			}
			parts = append(parts, mm.evInfo(w, gi))
		}
		if parts != nil {
			ei := &evInfo{aws: true, refs: make([]uint64, (len(mm.groupID)+63)/64)}
			for _, p := range parts {
				for i, r := range p.refs {
					ei.refs[i] |= r
				}
				ei.edges = mergeAddrs(ei.edges, p.edges)
			}
			return ei
		}
	}
	ei := &evInfo{aws: aws, refs: make([]uint64, (len(mm.groupID)+63)/64)}
	for _, g := range ii.Groups {
		grp := mm.q.m.groups[g]
		if grp == nil {
			continue
		}
		for _, r := range grp.Rules {
			if id, ok := mm.groupID[r.Peer.Group]; ok && r.Peer.Kind == sg.PeerGroup {
				ei.refs[id/64] |= 1 << (id % 64)
			}
		}
	}
	if aws {
		ei.edges = []netip.Addr{netip.IPv6Unspecified()} // the families apart
		for _, p := range ev.PeerPrefixes() {
			if !p.IsValid() {
				continue
			}
			p = p.Masked()
			ei.edges = append(ei.edges, p.Addr())
			if next := lastOf(p).Next(); next.IsValid() && next.Is4() == p.Addr().Is4() {
				ei.edges = append(ei.edges, next)
			}
		}
		slices.SortFunc(ei.edges, netip.Addr.Compare)
		ei.edges = slices.Compact(ei.edges)
	}
	return ei
}

// mergeAddrs merges two sorted lists of distinct addresses into one.
func mergeAddrs(a, b []netip.Addr) []netip.Addr {
	out := make([]netip.Addr, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := a[i].Compare(b[j]); {
		case c < 0:
			out = append(out, a[i])
			i++
		case c > 0:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// lastOf returns the last address of the masked prefix p.
func lastOf(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// newProfile asks h's groups about every protocol of the question.
func (q *trafficQuestion) newProfile(h *sgHop) *hopProfile {
	ev := h.evaluator()
	p := &hopProfile{others: make([]flow.Verdict, len(q.others))}
	for i, proto := range [2]flow.Protocol{flow.TCP, flow.UDP} {
		pkt := h.pkt
		pkt.Protocol = proto
		pp := &p.ports[i]
		pp.allow, pp.und, pp.ok = ev.PortVerdicts(pkt, h.dir)
		if pp.ok && h.leg == Return {
			pp.ret = ev.Evaluate(pkt, h.dir).Verdict
		}
	}
	pkt := h.pkt
	pkt.Protocol, pkt.Src, pkt.Dst = flow.ICMP, netip.AddrPortFrom(pkt.Src.Addr(), 0), netip.AddrPortFrom(pkt.Dst.Addr(), 0)
	if q.v6 {
		pkt.Protocol = flow.ICMPv6
	}
	p.icmp = newICMPTable(ev, pkt, h.dir)
	for i, proto := range q.others {
		g := pkt
		g.Protocol, g.ICMPType, g.ICMPCode = proto, 0, 0
		p.others[i] = ev.Evaluate(g, h.dir).Verdict
	}
	return p
}

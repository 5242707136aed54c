package reach

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"sync/atomic"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// The memo's hops, looked up by number. A pair's deferred hop is judged
// by the groups of one of its ends (or of an appliance on the way) and
// sees as its peer the other end's address, or a fixed one: which end,
// and which address, follow from the middle alone (matrixMemo's
// pairEnds.mapHop). So before the pairs are answered, every address a
// hop can see as its peer is numbered, and every AWS group, compiled
// alone, cuts those addresses into its peer classes: addresses of one
// key (the atom among the group's peer blocks, the referenced groups
// they are members of, public or not, known or not: what
// matrixMemo.peerKey names; without the groups, for judgements blind to
// them), which the group cannot tell apart. A set of groups (an sgPair)
// cuts them where any of its groups does. A pair's hop is then numbered
// by the set, its role in the middle (direction, leg, ports, blind or
// not) and the peer's class: a few array reads. Its profile is looked up
// in the workers' shared table of the set's classes, else built as
// matrixMemo.foldProfile builds it, the union of its groups' profiles,
// each from the shared table of the group's classes (computed the usual
// way, matrixMemo.profile, the first time; two workers may both compute
// one, and either's is right). Hops that fit none of
// this (other flavours, peers of several addresses, more than
// maxMemoHops hops) are answered as before.

// denseMemo numbers the peers, the groups, the sets of groups and the
// middles' hops of one Matrix question. Read-only once built.
type denseMemo struct {
	index map[netip.Addr]int32 // the peers' addresses, numbered
	// per group (AWS, compiled alone), per mode (0 normal, 1 blind): each
	// address's class among the group's, and how many
	groups []*ifaceInfo
	gcls   [][2][]int32
	gn     [][2]int32
	// per set of groups, its groups and, per mode, each address's class
	// among the set's, and how many
	sets      map[*sgPair]int32
	setGroups [][]int32
	pcls      [][2][]int32
	ncls      [][2]int32
	// per matrix class, per member (the first; the second, for pairs
	// within the class): its set (-1: none) and the numbers of its
	// private address of the family and of its public address (-1: none)
	classSet  [][2]int32
	classAddr [][2][2]int32
	roles     map[roleKey]int32
	mds       []mdDense // per middle of a pair of placements
	// the profiles of every set's (and group's) peer classes, per mode
	// and role, shared by the workers: each table starts at its offset,
	// (x*2+mode)*len(roles)+role; nil until first met
	setProfs, groupProfs []atomic.Pointer[hopProfile]
	setOff, groupOff     []int
}

// roleKey is what a hop's profile depends on besides its groups and
// peer.
type roleKey struct {
	dir          flow.Direction
	leg          Leg
	sport, dport uint16
	blind        bool
}

// mdDense is how a middle's deferred hops are numbered for a pair.
type mdDense struct {
	ok       bool // every hop can be
	daPublic bool // the middle's destination address is its end's public one
	n        int
	hops     [maxMemoHops]denseHop
}

// denseHop says whose groups judge a middle's deferred hop (end: 0 the
// source, 1 the destination, 2 the fixed set), which address it sees as
// its peer (peer: 0 the pair's source address, 1 its destination
// address, 2 the fixed address addr), its mode (1 blind) and its role's
// number.
type denseHop struct {
	end, peer, mode uint8
	set, addr       int32
	role            int32
}

// newDenseMemo numbers what the pairs of classes need, for the middles
// mids of the classes' placements.
func newDenseMemo(mm *matrixMemo, classes [][]*ifaceInfo, mids []*middle, workers int) *denseMemo {
	d := &denseMemo{index: make(map[netip.Addr]int32, len(mm.peers)), sets: map[*sgPair]int32{}, roles: map[roleKey]int32{}}
	addrs := make([]netip.Addr, 0, len(mm.peers))
	for a := range mm.peers {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, netip.Addr.Compare)
	for i, a := range addrs {
		d.index[a] = int32(i)
	}
	groupIdx := map[string]int32{}
	setOf := func(ii *ifaceInfo) int32 {
		if ii == nil {
			return -1
		}
		if s, ok := d.sets[ii.sg]; ok {
			return s
		}
		s := int32(-1)
		if mm.denseGroups(ii) {
			s = int32(len(d.setGroups))
			var gs []int32
			for _, g := range ii.Groups {
				gi, ok := groupIdx[g]
				if !ok {
					gi = int32(len(d.groups))
					groupIdx[g] = gi
					d.groups = append(d.groups, mm.groupIface(g))
				}
				gs = append(gs, gi)
			}
			d.setGroups = append(d.setGroups, gs)
		}
		d.sets[ii.sg] = s
		return s
	}
	idx := func(a netip.Addr) int32 {
		if i, ok := d.index[a]; ok && a.IsValid() {
			return i
		}
		return -1
	}
	d.classSet, d.classAddr = make([][2]int32, len(classes)), make([][2][2]int32, len(classes))
	for c, cl := range classes {
		for k := range 2 {
			d.classSet[c][k], d.classAddr[c][k] = -1, [2]int32{-1, -1}
			if k >= len(cl) {
				continue
			}
			a, _ := cl[k].addr(mm.q.v6)
			d.classSet[c][k] = setOf(cl[k])
			d.classAddr[c][k] = [2]int32{idx(a), idx(cl[k].PublicIP)}
		}
	}
	d.mds = make([]mdDense, len(mids))
	for i, md := range mids {
		d.mds[i] = d.denseMiddle(md, setOf, idx)
	}
	d.gcls, d.gn = make([][2][]int32, len(d.groups)), make([][2]int32, len(d.groups))
	ws := make([]*memoWorker, workers)
	parallelW(len(d.groups), workers, func(w, g int) {
		if ws[w] == nil {
			ws[w] = newMemoWorker()
		}
		d.gcls[g], d.gn[g] = mm.groupClasses(ws[w], d.groups[g], addrs)
	})
	d.pcls, d.ncls = make([][2][]int32, len(d.setGroups)), make([][2]int32, len(d.setGroups))
	parallel(len(d.setGroups), workers, func(s int) {
		for mode := range 2 {
			d.pcls[s][mode], d.ncls[s][mode] = d.setClasses(d.setGroups[s], mode, len(addrs))
		}
	})
	d.setOff, d.setProfs = d.tables(d.ncls)
	d.groupOff, d.groupProfs = d.tables(d.gn)
	return d
}

// tables lays out the tables of profiles of sets (or groups) with n
// classes per mode: every set's, per mode and role, one after another.
func (d *denseMemo) tables(n [][2]int32) ([]int, []atomic.Pointer[hopProfile]) {
	off := make([]int, len(n)*2*len(d.roles)+1)
	k := 0
	for x := range n {
		for mode := range 2 {
			for range d.roles {
				off[k+1] = off[k] + int(n[x][mode])
				k++
			}
		}
	}
	return off, make([]atomic.Pointer[hopProfile], off[len(off)-1])
}

// profileOf returns the slot of class c of set (or group) x, in mode
// and role r, of table t laid out by off.
func (d *denseMemo) profileOf(t []atomic.Pointer[hopProfile], off []int, x int32, mode uint8, r, c int32) *atomic.Pointer[hopProfile] {
	return &t[off[(int(x)*2+int(mode))*len(d.roles)+int(r)]+int(c)]
}

// denseMiddle numbers md's deferred hops, if it can.
func (d *denseMemo) denseMiddle(md *middle, setOf func(*ifaceInfo) int32, idx func(netip.Addr) int32) mdDense {
	out := mdDense{n: len(md.hops)}
	if md.src == nil || md.dst == nil || len(md.hops) > maxMemoHops {
		return out
	}
	out.daPublic = md.dst.PublicIP.IsValid() && md.da == md.dst.PublicIP
	ends := [2]*ifaceInfo{md.src, md.dst}
	for i := range md.hops {
		h := &md.hops[i]
		dh := denseHop{end: 2}
		if h.maybe || h.tgwOut != nil || h.nat {
			return out // the groups' classes know no identity that a transit gateway may have lost
		}
		if h.blind {
			dh.mode = 1
		}
		switch h.iface {
		case md.src:
			dh.end = 0
		case md.dst:
			dh.end = 1
		default:
			if dh.set = setOf(h.iface); dh.set < 0 {
				return out
			}
		}
		switch a := h.peer(); {
		case a == md.sa:
			dh.peer = 0
		case a == md.da:
			dh.peer = 1
		default:
			for _, e := range ends {
				if a == e.PublicIP || slices.Contains(e.PrivateIPs, a) {
					return out // the pair's own address of another kind
				}
			}
			if dh.peer, dh.addr = 2, idx(a); dh.addr < 0 {
				return out
			}
		}
		rk := roleKey{h.dir, h.leg, h.pkt.Src.Port(), h.pkt.Dst.Port(), h.blind}
		r, ok := d.roles[rk]
		if !ok {
			r = int32(len(d.roles))
			d.roles[rk] = r
		}
		dh.role = r
		out.hops[i] = dh
	}
	out.ok = true
	return out
}

// denseGroups reports whether ii's peers can be classed by its groups
// alone: AWS groups, each compiled alone.
func (mm *matrixMemo) denseGroups(ii *ifaceInfo) bool {
	if ii.sg.normal.Flavour() != sg.AWS || len(ii.Groups) == 0 {
		return false
	}
	for _, g := range ii.Groups {
		if mm.groupIface(g) == nil {
			return false
		}
	}
	return true
}

// groupKey is what a group alone can tell of a peer address (peerKey's
// fields for an AWS group).
type groupKey struct {
	atom          int32
	sig           uint64
	public, known bool
}

// groupClasses classes the addresses addrs (the memo's peers, sorted)
// by gi's group alone, with group identity (mode 0) and without (1):
// each address's class, and how many.
func (mm *matrixMemo) groupClasses(w *memoWorker, gi *ifaceInfo, addrs []netip.Addr) (cls [2][]int32, n [2]int32) {
	ei := mm.evInfo(w, gi)
	var ids [2]map[groupKey]int32
	for mode := range 2 {
		ids[mode], cls[mode] = map[groupKey]int32{}, make([]int32, len(addrs))
	}
	for j, a := range addrs {
		pi := mm.peers[a]
		k := groupKey{public: pi.public, known: pi.known}
		at, found := slices.BinarySearchFunc(ei.edges, a, netip.Addr.Compare)
		if found {
			at++ // an edge starts a new atom
		}
		k.atom = int32(at)
		for mode := range 2 {
			if mode == 0 {
				w.sig = w.sig[:0]
				for _, g := range pi.groups {
					if ei.refs[g/64]&(1<<(g%64)) != 0 {
						w.sig = append(w.sig, g)
					}
				}
				k.sig = mm.sigOf(w.sig)
			} else {
				k.sig = 0
			}
			id, ok := ids[mode][k]
			if !ok {
				id = int32(len(ids[mode]))
				ids[mode][k] = id
			}
			cls[mode][j] = id
		}
	}
	return cls, [2]int32{int32(len(ids[0])), int32(len(ids[1]))}
}

// setClasses classes n addresses by the groups gs together, in mode: by
// the tuple of their classes by each group alone; and how many classes.
func (d *denseMemo) setClasses(gs []int32, mode, n int) ([]int32, int32) {
	if len(gs) == 1 {
		return d.gcls[gs[0]][mode], d.gn[gs[0]][mode]
	}
	packed := len(gs) <= 4
	for _, g := range gs {
		packed = packed && d.gn[g][mode] <= 1<<16
	}
	out := make([]int32, n)
	small, long := map[uint64]int32{}, map[string]int32{}
	var b []byte
	for j := range n {
		var id int32
		var ok bool
		if packed {
			var k uint64
			for i, g := range gs {
				k |= uint64(d.gcls[g][mode][j]) << (16 * i)
			}
			if id, ok = small[k]; !ok {
				id = int32(len(small))
				small[k] = id
			}
		} else {
			b = b[:0]
			for _, g := range gs {
				b = binary.AppendUvarint(b, uint64(d.gcls[g][mode][j]))
			}
			if id, ok = long[string(b)]; !ok {
				id = int32(len(long))
				long[string(b)] = id
			}
		}
		out[j] = id
	}
	return out, int32(len(small) + len(long))
}

// denseCell answers the pair of classes of jb, whose placements' middle
// is number mdi, by the numbers of its hops; false when they cannot be
// numbered (then memo.cell answers it).
func (r *matrixRun) denseCell(w *memoWorker, jb matrixJob, mdi int) (*cellAnswer, bool) {
	d := r.dense
	dm := &d.mds[mdi]
	if !dm.ok {
		return nil, false
	}
	mem := 0
	if jb.from == jb.to {
		mem = 1
	}
	k := cellKey{md: int32(mdi), n: int32(dm.n)}
	var profs [maxMemoHops]*hopProfile
	var e *pairEnds
	for i := range dm.n {
		h := &dm.hops[i]
		set, ai := h.set, h.addr
		switch h.end {
		case 0:
			set = d.classSet[jb.from][0]
		case 1:
			set = d.classSet[jb.to][mem]
		}
		switch h.peer {
		case 0:
			ai = d.classAddr[jb.from][0][0]
		case 1:
			ai = d.classAddr[jb.to][mem][0]
			if dm.daPublic {
				ai = d.classAddr[jb.to][mem][1]
			}
		}
		if set < 0 || ai < 0 {
			return nil, false
		}
		slot := d.profileOf(d.setProfs, d.setOff, set, h.mode, h.role, d.pcls[set][h.mode][ai])
		p := slot.Load()
		if p == nil {
			if e == nil {
				e = r.pairEnds(jb, mdi)
			}
			p = r.foldDense(w, e, i, set, h, ai)
			slot.Store(p)
		}
		profs[i], k.ids[i] = p, p.id
	}
	if c, ok := w.cells[k]; ok {
		return c, true
	}
	if e == nil {
		e = r.pairEnds(jb, mdi)
	}
	w.hops = w.hops[:0]
	for i := range dm.n {
		w.hops = append(w.hops, e.mapHop(&e.md.hops[i]))
	}
	return r.memo.remember(w, k, e.md, w.hops, profs[:dm.n]), true
}

// foldDense builds the profile of the middle's hop i (numbered h) as
// pair e meets it: the union of the profiles of its set's groups, each
// from the shared table of the group's classes, numbered.
func (r *matrixRun) foldDense(w *memoWorker, e *pairEnds, i int, set int32, h *denseHop, ai int32) *hopProfile {
	d, mm := r.dense, r.memo
	var hm sgHop
	mapped := false
	w.fold = w.fold[:0]
	for _, g := range d.setGroups[set] {
		slot := d.profileOf(d.groupProfs, d.groupOff, g, h.mode, h.role, d.gcls[g][h.mode][ai])
		p := slot.Load()
		if p == nil {
			if !mapped {
				hm, mapped = e.mapHop(&e.md.hops[i]), true
			}
			gh := hm
			gh.iface = d.groups[g]
			p = mm.profile(w, &gh)
			slot.Store(p)
		}
		w.fold = append(w.fold, p)
	}
	if len(w.fold) == 1 {
		return w.fold[0]
	}
	return mm.number(w, w.unionAll(w.fold))
}

// pairEnds returns the ends of the pair of classes of jb, whose
// placements' middle is number mdi.
func (r *matrixRun) pairEnds(jb matrixJob, mdi int) *pairEnds {
	a, b, sa, da := r.ends(jb)
	return &pairEnds{md: r.mids[mdi], src: a, dst: b, sa: sa, da: da}
}

package reach

import (
	"hash/maphash"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// The memo's profiles, numbered by their answers and kept once. A
// matrix of many classes meets many profiles (an interface's groups
// see each peer class apart), most of them met once; what the memo keeps
// of them is what the answer's peak memory is made of. So a profile is
// numbered by a hash of its answers and a comparison with the profile
// kept under that hash, not by a text of its answers (which the memo
// kept for every profile); equal profiles are one
// (the first numbered), and so are equal ICMP tables and port sets of
// different profiles. An AWS interface's profile is the union of its
// groups' profiles, built in one pass (unionAll) without the partial
// unions of the first groups.

// profileTable numbers profiles by their answers. Its methods that keep
// (number, internSet, internTraffic) must be called with matrixMemo.mu
// held; hash only reads the seed.
type profileTable struct {
	seed maphash.Seed
	next int32 // the next profile number
	// the numbered shareable profiles, their ICMP tables and port sets,
	// and the remembered cells' ICMP lists (internTraffic), by hash: one
	// per hash (of two unequal values of one hash, a rare case, the
	// second is kept apart, numbered and not shared)
	profiles map[uint64]*hopProfile
	tables   map[uint64]*icmpTable
	sets     map[uint64]flow.PortSet
	icmps    map[uint64][]ICMPCodes
}

func newProfileTable() *profileTable {
	return &profileTable{seed: maphash.MakeSeed(), profiles: map[uint64]*hopProfile{},
		tables: map[uint64]*icmpTable{}, sets: map[uint64]flow.PortSet{}, icmps: map[uint64][]ICMPCodes{}}
}

// shareable reports whether p's port answers are sets, so that p may
// share its number with the profiles of equal answers (else the hop's
// evaluator judges each pair's pieces itself, and p is numbered alone).
func (p *hopProfile) shareable() bool {
	return p.ports[0].ok && p.ports[1].ok
}

// hashSet adds s to h.
func hashSet(h *maphash.Hash, s flow.PortSet, buf []flow.PortRange) []flow.PortRange {
	buf = s.AppendRanges(buf[:0])
	maphash.WriteComparable(h, len(buf))
	for _, r := range buf {
		maphash.WriteComparable(h, r)
	}
	return buf
}

// hash hashes p's answers, equal answers alike; buf is scratch space.
func (t *profileTable) hash(p *hopProfile, buf []flow.PortRange) (uint64, []flow.PortRange) {
	var h maphash.Hash
	h.SetSeed(t.seed)
	for _, pp := range p.ports {
		h.WriteByte(byte(pp.ret))
		buf = hashSet(&h, pp.allow, buf)
		buf = hashSet(&h, pp.und, buf)
	}
	t.hashTable(&h, p.icmp)
	for _, v := range p.others {
		h.WriteByte(byte(v))
	}
	return h.Sum64(), buf
}

func (t *profileTable) hashTable(h *maphash.Hash, it *icmpTable) {
	maphash.WriteComparable(h, len(it.types))
	for i, tr := range it.types {
		maphash.WriteComparable(h, tr)
		maphash.WriteComparable(h, len(it.rows[i]))
		for _, c := range it.rows[i] {
			maphash.WriteComparable(h, c)
		}
	}
}

// equalProfiles reports whether a and b give the same answers.
func equalProfiles(a, b *hopProfile) bool {
	for i := range a.ports {
		pa, pb := &a.ports[i], &b.ports[i]
		if pa.ok != pb.ok || pa.ret != pb.ret || !pa.allow.Equal(pb.allow) || !pa.und.Equal(pb.und) {
			return false
		}
	}
	return slices.Equal(a.others, b.others) && equalTables(a.icmp, b.icmp)
}

func equalTables(a, b *icmpTable) bool {
	return a == b || (slices.Equal(a.types, b.types) && slices.EqualFunc(a.rows, b.rows, slices.Equal))
}

// number numbers p, whose answers hash to sum (when shareable): a
// profile of equal answers numbered before is returned instead of p;
// else p, numbered, its ICMP table and port sets those of profiles
// numbered before where they are equal.
func (t *profileTable) number(p *hopProfile, sum uint64, shareable bool) *hopProfile {
	if !shareable {
		p.id = t.next
		t.next++
		return p
	}
	q, ok := t.profiles[sum]
	if ok && equalProfiles(p, q) {
		return q
	}
	p.id = t.next
	t.next++
	if !ok {
		t.profiles[sum] = p
	}
	var h maphash.Hash
	h.SetSeed(t.seed)
	t.hashTable(&h, p.icmp)
	p.icmp = intern(t.tables, h.Sum64(), p.icmp, equalTables)
	for i := range p.ports {
		pp := &p.ports[i]
		pp.allow, pp.und = t.internSet(pp.allow), t.internSet(pp.und)
	}
	return p
}

// internSet returns the set equal to s met before, else s.
func (t *profileTable) internSet(s flow.PortSet) flow.PortSet {
	if s.IsEmpty() {
		return flow.PortSet{}
	}
	var h maphash.Hash
	h.SetSeed(t.seed)
	hashSet(&h, s, nil)
	return intern(t.sets, h.Sum64(), s, flow.PortSet.Equal)
}

// intern returns the value equal to v kept under sum, else v, kept
// when sum keeps none.
func intern[V any](m map[uint64]V, sum uint64, v V, eq func(a, b V) bool) V {
	x, ok := m[sum]
	switch {
	case ok && eq(x, v):
		return x
	case !ok:
		m[sum] = v
	}
	return v
}

// unionAll is the profile of AWS profiles' rules together: allowed what
// any allows, undecided what any leaves undecided and none allows (as
// or3). The sets are gathered in w's scratch space.
func (w *memoWorker) unionAll(ps []*hopProfile) *hopProfile {
	if len(ps) == 1 {
		return ps[0]
	}
	u := &hopProfile{others: make([]flow.Verdict, len(ps[0].others))}
	for i := range u.ports {
		ret := flow.Deny
		w.rs = w.rs[:0]
		for _, p := range ps {
			w.rs = p.ports[i].allow.AppendRanges(w.rs)
			ret = or3(ret, p.ports[i].ret)
		}
		allow := w.setOf()
		w.rs = w.rs[:0]
		for _, p := range ps {
			w.rs = p.ports[i].und.AppendRanges(w.rs)
		}
		und := w.setOf()
		if !und.IsEmpty() && !allow.IsEmpty() {
			und = und.Difference(allow)
		}
		u.ports[i] = portProfile{allow: allow, und: und, ok: true, ret: ret}
	}
	for i := range u.others {
		v := flow.Deny
		for _, p := range ps {
			v = or3(v, p.others[i])
		}
		u.others[i] = v
	}
	u.icmp = w.unionTables(ps)
	return u
}

// setOf returns the set of the ranges in w.rs (which it reorders), its
// slice no longer than it needs.
func (w *memoWorker) setOf() flow.PortSet {
	if len(w.rs) == 0 {
		return flow.PortSet{}
	}
	slices.SortFunc(w.rs, func(a, b flow.PortRange) int { return int(a.Lo) - int(b.Lo) })
	out := w.rs[:1]
	for _, r := range w.rs[1:] {
		last := &out[len(out)-1]
		if uint32(r.Lo) <= uint32(last.Hi)+1 {
			last.Hi = max(last.Hi, r.Hi)
			continue
		}
		out = append(out, r)
	}
	return flow.SetOf(out...)
}

// unionTables is the ICMP table of AWS profiles' rules together, its
// neighbouring cells of one verdict merged.
func (w *memoWorker) unionTables(ps []*hopProfile) *icmpTable {
	w.cuts = w.cuts[:0]
	for _, p := range ps {
		for _, tr := range p.icmp.types {
			w.cuts = append(w.cuts, tr.Lo)
		}
	}
	slices.Sort(w.cuts)
	w.cuts = slices.Compact(w.cuts)
	out := &icmpTable{}
	for i, lo := range w.cuts {
		hi := uint16(255)
		if i+1 < len(w.cuts) {
			hi = w.cuts[i+1] - 1
		}
		w.rowA = append(w.rowA[:0], ps[0].icmp.row(uint8(lo))...)
		for _, p := range ps[1:] {
			w.rowB = unionRows(w.rowB[:0], w.rowA, p.icmp.row(uint8(lo)))
			w.rowA, w.rowB = w.rowB, w.rowA
		}
		if n := len(out.rows); n > 0 && slices.Equal(out.rows[n-1], w.rowA) {
			out.types[n-1].Hi = hi
			continue
		}
		out.rows, out.types = append(out.rows, slices.Clone(w.rowA)), append(out.types, flow.PortRange{Lo: lo, Hi: hi})
	}
	out.rows, out.types = slices.Clip(out.rows), slices.Clip(out.types)
	return out
}

// unionRows joins two rows of code atoms (each covering every code),
// appending to out.
func unionRows(out, a, b []portVerdict) []portVerdict {
	i, j := 0, 0
	lo := uint16(0)
	for i < len(a) && j < len(b) {
		hi := min(a[i].r.Hi, b[j].r.Hi)
		v := or3(a[i].v, b[j].v)
		if n := len(out); n > 0 && out[n-1].v == v {
			out[n-1].r.Hi = hi
		} else {
			out = append(out, portVerdict{flow.PortRange{Lo: lo, Hi: hi}, v})
		}
		if a[i].r.Hi == hi {
			i++
		}
		if b[j].r.Hi == hi {
			j++
		}
		lo = hi + 1
	}
	return out
}

// internTraffic returns x with its ICMP list that of an answer kept
// before where they are equal: a remembered cell's answer, which many
// cells may share and answer copies. (Its port sets, seldom alike and
// small, are left alone.)
func (t *profileTable) internTraffic(x Traffic) Traffic {
	if len(x.ICMP) == 0 {
		x.ICMP = nil
		return x
	}
	var h maphash.Hash
	h.SetSeed(t.seed)
	var buf [8]flow.Range[uint8]
	for _, c := range x.ICMP {
		h.WriteByte(c.Type)
		rs := c.Codes.AppendRanges(buf[:0])
		maphash.WriteComparable(&h, len(rs))
		for _, r := range rs {
			maphash.WriteComparable(&h, r)
		}
	}
	x.ICMP = intern(t.icmps, h.Sum64(), slices.Clip(x.ICMP), func(a, b []ICMPCodes) bool {
		return slices.EqualFunc(a, b, func(p, q ICMPCodes) bool { return p.Type == q.Type && p.Codes.Equal(q.Codes) })
	})
	return x
}

package flow

import (
	"net/netip"
	"slices"
)

// Field is a packet field a set question lets vary: "which destination
// ports", "which sources". See [Bounds].
type Field uint8

// The fields a set question can vary.
const (
	FieldSrcPort  Field = iota // the TCP or UDP source port
	FieldDstPort               // the TCP or UDP destination port
	FieldICMPType              // the ICMP or ICMPv6 type
	FieldICMPCode              // the ICMP or ICMPv6 code
	FieldSrcAddr               // the source address
	FieldDstAddr               // the destination address
	numFields
)

var fieldNames = [numFields]string{"source port", "destination port", "ICMP type", "ICMP code", "source address", "destination address"}

// String names the field: "destination port".
func (f Field) String() string {
	if f < numFields {
		return fieldNames[f]
	}
	return "field?"
}

// Bounds collects where a filter's decision about a packet can change
// while some of its fields vary: the edges of the port ranges, ICMP
// types and codes and address prefixes of the rules that could decide it.
// Cut every varying field at every edge collected and the field's space
// falls into atoms; within one atom no filter that reported its bounds
// can tell two values apart, so one packet per atom decides the whole
// atom. That is how set questions (which ports, which sources) are
// answered exactly without trying every value.
//
// A filter's Bounds method adds, for every field the Bounds lets vary
// ([Bounds.Varies]), the ranges of every rule that matches the packet on
// all the fields that stay fixed (protocol, direction, family, and the
// fields not varied). It may add more than that, never less: an extra
// edge only splits an atom in two.
//
// The zero Bounds varies nothing. A Bounds is not safe for concurrent use.
type Bounds struct {
	vary  uint8
	cuts  [4][]uint32     // ports, types, codes: first values of atoms
	addrs [2][]netip.Addr // addresses: first addresses of atoms
	// window, when set, is the only address range whose edges are kept
	// (WindowAddrs); sorted says addrs is sorted and compact (Compact)
	window   [2]netip.Addr
	windowed bool
	sorted   bool
	// sets holds the address sets themselves, when recording
	// (RecordRanges)
	sets   [2][][]AddrRange
	record bool
	// loose holds, when recording, the edges that came without their set
	// (merged from a Bounds that did not record): LooseAddrs
	loose [2][]netip.Addr
	// embed, per address field, is the IPv6 /96 prefix its IPv4 ranges
	// are recorded in as images (EmbedIPv4); invalid when none
	embed [2]netip.Prefix
}

// EmbedIPv4 makes b record, from now on, every IPv4 range given for the
// address field f (its edges, its set when b records, and the edges and
// sets merged from another Bounds) as its image in the IPv6 prefix p, a
// /96: the IPv6 addresses whose last 32 bits hold its IPv4 addresses, as
// a NAT64 translator reads them (RFC 6052; p is usually the well-known
// prefix 64:ff9b::/96). A translator turns an IPv6 packet for p into an
// IPv4 packet for the address it holds, so the filters beyond it cut the
// IPv4 field; recorded as images, their cuts are the IPv6 question's
// own. IPv6 ranges are recorded unchanged, and the window
// ([Bounds.WindowAddrs]) keeps the images inside it. An invalid p, or
// one that is no IPv6 /96, ends it for f; [Bounds.Reset] ends it for both
// address fields. It does nothing for a field the Bounds does not vary.
func (b *Bounds) EmbedIPv4(f Field, p netip.Prefix) {
	if !b.Varies(f) || (f != FieldSrcAddr && f != FieldDstAddr) {
		return
	}
	if !p.IsValid() || !p.Addr().Is6() || p.Addr().Is4In6() || p.Bits() != 96 {
		p = netip.Prefix{}
	}
	b.embed[f-FieldSrcAddr] = p.Masked()
}

// image returns the address that stands for a in address field i: its
// image in the embedding prefix for an IPv4 address while EmbedIPv4 is
// on, else a.
func (b *Bounds) image(i int, a netip.Addr) netip.Addr {
	p := b.embed[i]
	if !p.IsValid() || !a.Is4() {
		return a
	}
	x, v4 := p.Addr().As16(), a.As4()
	copy(x[12:], v4[:])
	return netip.AddrFrom16(x)
}

// imageSet returns rs as images (image), rs itself when none changes.
func (b *Bounds) imageSet(i int, rs []AddrRange) []AddrRange {
	if !b.embed[i].IsValid() {
		return rs
	}
	out := make([]AddrRange, len(rs))
	for k, r := range rs {
		out[k] = AddrRange{b.image(i, r.From), b.image(i, r.To)}
	}
	return out
}

// RecordRanges makes b keep, from now on, the address sets it is given
// (by [Bounds.AddAddrSet], and as sets of one range by
// [Bounds.AddAddrRange], [Bounds.AddPrefix] and [Bounds.AddAddr], and
// from a recording Bounds merged in), not only their edges, whatever the
// window: [Bounds.AddrSets] returns them. Edges alone cannot say whether
// a piece of the space that holds none of some addresses (a gap of them)
// is inside a set or between two: the sets can.
func (b *Bounds) RecordRanges() { b.record = true }

// AddrSets returns the address sets recorded for the address field f
// since [Bounds.RecordRanges], each as its ranges (sorted and without
// repeats after [Bounds.Compact]). A set merged from a Bounds that did
// not record is missing: its edges are there, the set is not.
func (b *Bounds) AddrSets(f Field) [][]AddrRange {
	if f != FieldSrcAddr && f != FieldDstAddr {
		return nil
	}
	return b.sets[f-FieldSrcAddr]
}

// AddAddrSet records the union of the address ranges rs (one family each)
// of an address field: the edges of each, and, when b records
// ([Bounds.RecordRanges]), the set as one, so that a gap between two of
// its ranges is known to be inside neither. It does nothing for a field
// the Bounds does not vary.
func (b *Bounds) AddAddrSet(f Field, rs []AddrRange) {
	if !b.Varies(f) || (f != FieldSrcAddr && f != FieldDstAddr) {
		return
	}
	rec := b.record
	b.record = false
	var set []AddrRange
	for _, r := range rs {
		if r.From.IsValid() && r.To.IsValid() && r.From.Is4() == r.To.Is4() && !r.To.Less(r.From) {
			b.AddAddrRange(f, r.From, r.To)
			set = append(set, r)
		}
	}
	b.record = rec
	if rec && len(set) > 0 {
		b.sets[f-FieldSrcAddr] = append(b.sets[f-FieldSrcAddr], b.imageSet(int(f-FieldSrcAddr), set))
	}
}

// WindowAddrs keeps, from now on, only the address edges that can cut
// the range [from, to]: a question about one piece of the address space
// need not carry the edges of the rest. Atoms of a range inside the
// window are unchanged by it.
func (b *Bounds) WindowAddrs(from, to netip.Addr) {
	b.window, b.windowed = [2]netip.Addr{from, to}, true
}

// inWindow reports whether the edge c can cut a range of the window.
func (b *Bounds) inWindow(c netip.Addr) bool {
	return !b.windowed || (c.Is4() == b.window[0].Is4() && b.window[0].Less(c) && !b.window[1].Less(c))
}

// appendAddrs adds the edges cs to address field i, those in the window
// only; cs sorted lets the window be found by binary search.
func (b *Bounds) appendAddrs(i int, cs []netip.Addr, sorted bool) {
	if b.embed[i].IsValid() {
		// images of IPv4 edges fall among IPv6 ones: not sorted
		mapped := make([]netip.Addr, len(cs))
		for k, c := range cs {
			mapped[k] = b.image(i, c)
		}
		cs, sorted = mapped, false
	}
	if !b.windowed {
		b.addrs[i] = append(b.addrs[i], cs...)
		return
	}
	if sorted {
		lo, _ := slices.BinarySearchFunc(cs, b.window[0], netip.Addr.Compare)
		hi, _ := slices.BinarySearchFunc(cs, b.window[1].Next(), netip.Addr.Compare)
		if !b.window[1].Next().IsValid() {
			hi = len(cs)
		}
		if hi > lo {
			cs = cs[lo:hi]
		} else {
			cs = nil
		}
	}
	for _, c := range cs {
		if b.inWindow(c) {
			b.addrs[i] = append(b.addrs[i], c)
		}
	}
}

// NewBounds returns a Bounds that varies the given fields.
func NewBounds(vary ...Field) *Bounds {
	b := &Bounds{}
	for _, f := range vary {
		b.vary |= 1 << f
	}
	return b
}

// Varies reports whether the question varies field f.
func (b *Bounds) Varies(f Field) bool { return b != nil && b.vary&(1<<f) != 0 }

// Add records the range [lo, hi] of a port, ICMP type or ICMP code field;
// it does nothing for a field the Bounds does not vary.
func (b *Bounds) Add(f Field, lo, hi uint16) {
	if !b.Varies(f) || f > FieldICMPCode || lo > hi {
		return
	}
	b.cuts[f] = append(b.cuts[f], uint32(lo), uint32(hi)+1)
}

// AddPrefix records prefix p of an address field; it does nothing for a
// field the Bounds does not vary.
func (b *Bounds) AddPrefix(f Field, p netip.Prefix) {
	if p.IsValid() {
		p = p.Masked()
		b.AddAddrRange(f, p.Addr(), lastAddr(p))
	}
}

// AddAddrRange records the address range [from, to] (one family) of an
// address field; it does nothing for a field the Bounds does not vary.
func (b *Bounds) AddAddrRange(f Field, from, to netip.Addr) {
	if !b.Varies(f) || (f != FieldSrcAddr && f != FieldDstAddr) || !from.IsValid() || !to.IsValid() {
		return
	}
	i := f - FieldSrcAddr
	b.sorted = false
	if from.Is4() && to.Is4() {
		from, to = b.image(int(i), from), b.image(int(i), to)
	}
	set := from.Is4() == to.Is4() && !to.Less(from)
	if b.record && set {
		b.sets[i] = append(b.sets[i], []AddrRange{{from, to}})
	}
	if b.inWindow(from) {
		b.addrs[i] = append(b.addrs[i], from)
		if b.record && !set {
			b.loose[i] = append(b.loose[i], from)
		}
	}
	if next := to.Next(); next.IsValid() && next.Is4() == from.Is4() && b.inWindow(next) {
		b.addrs[i] = append(b.addrs[i], next)
		if b.record && !set {
			b.loose[i] = append(b.loose[i], next)
		}
	}
}

// AddAddr records the single address a of an address field.
func (b *Bounds) AddAddr(f Field, a netip.Addr) {
	if a.IsValid() {
		b.AddPrefix(f, netip.PrefixFrom(a, a.BitLen()))
	}
}

// lastAddr returns the last address of the masked prefix p.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr()
	if a.Is4() {
		v := a.As4()
		for i := p.Bits(); i < 32; i++ {
			v[i/8] |= 0x80 >> (i % 8)
		}
		return netip.AddrFrom4(v)
	}
	v := a.As16()
	for i := p.Bits(); i < 128; i++ {
		v[i/8] |= 0x80 >> (i % 8)
	}
	return netip.AddrFrom16(v)
}

// Merge adds every edge of o to b, for the fields b varies (as [Bounds.Add]
// would). A nil o adds nothing.
func (b *Bounds) Merge(o *Bounds) {
	if o == nil {
		return
	}
	for f := range b.cuts {
		if b.Varies(Field(f)) {
			b.cuts[f] = append(b.cuts[f], o.cuts[f]...)
		}
	}
	for f := range b.addrs {
		if b.Varies(FieldSrcAddr + Field(f)) {
			b.mergeAddrs(f, o, f)
		}
	}
	b.sorted = false
}

// mergeAddrs adds the edges of o's address field j to b's field i, and,
// when b records, o's sets, or the edges as loose where o kept no sets.
func (b *Bounds) mergeAddrs(i int, o *Bounds, j int) {
	b.appendAddrs(i, o.addrs[j], o.sorted)
	if !b.record {
		return
	}
	for _, set := range o.sets[j] {
		b.sets[i] = append(b.sets[i], b.imageSet(i, set))
	}
	loose := o.loose[j]
	if !o.record {
		loose = o.addrs[j]
	}
	for _, c := range loose {
		if c = b.image(i, c); b.inWindow(c) {
			b.loose[i] = append(b.loose[i], c)
		}
	}
}

// LooseAddrs returns the edges of the address field f that b holds without
// their set although it records ([Bounds.RecordRanges]): those merged from
// a Bounds that did not record. Each of the others is an edge of a set
// [Bounds.AddrSets] returns.
func (b *Bounds) LooseAddrs(f Field) []netip.Addr {
	if f != FieldSrcAddr && f != FieldDstAddr {
		return nil
	}
	return b.loose[f-FieldSrcAddr]
}

// Reset forgets every edge and keeps what the Bounds varies; it ends
// [Bounds.EmbedIPv4].
func (b *Bounds) Reset() {
	b.embed = [2]netip.Prefix{}
	for f := range b.cuts {
		b.cuts[f] = b.cuts[f][:0]
	}
	for f := range b.addrs {
		b.addrs[f] = b.addrs[f][:0]
		b.sets[f] = b.sets[f][:0]
		b.loose[f] = b.loose[f][:0]
	}
}

// Atoms cuts within (a range of a port, ICMP type or ICMP code field) at
// every edge recorded for f and returns the pieces in order. A field
// the Bounds does not vary, or one without edges, is one atom.
func (b *Bounds) Atoms(f Field, within Range[uint16]) []Range[uint16] {
	if within.IsEmpty() {
		return nil
	}
	var cuts []uint32 // the edges inside (within.Lo, within.Hi]
	if f <= FieldICMPCode {
		for _, c := range b.cuts[f] {
			if c > uint32(within.Lo) && c <= uint32(within.Hi) {
				cuts = append(cuts, c)
			}
		}
	}
	slices.Sort(cuts)
	return appendAtoms([]Range[uint16]{}, slices.Compact(cuts), within)
}

// AtomsInto is [Bounds.Atoms] appended to dst, without allocating when
// dst has room: it sorts and compacts b's edges of f in place (the set
// of edges, and so every answer of b, is unchanged), so b must not be
// read by another goroutine meanwhile.
func (b *Bounds) AtomsInto(dst []Range[uint16], f Field, within Range[uint16]) []Range[uint16] {
	if within.IsEmpty() {
		return dst
	}
	var cuts []uint32
	if f <= FieldICMPCode {
		slices.Sort(b.cuts[f])
		b.cuts[f] = slices.Compact(b.cuts[f])
		cuts = b.cuts[f]
	}
	return appendAtoms(dst, cuts, within)
}

// appendAtoms appends to dst the pieces of within cut at the sorted,
// compact edges cuts (an edge c starts a piece at c).
func appendAtoms(dst []Range[uint16], cuts []uint32, within Range[uint16]) []Range[uint16] {
	lo := uint32(within.Lo)
	for _, c := range cuts {
		if c <= lo {
			continue
		}
		if c > uint32(within.Hi) {
			break
		}
		dst = append(dst, Range[uint16]{uint16(lo), uint16(c - 1)})
		lo = c
	}
	return append(dst, Range[uint16]{uint16(lo), within.Hi})
}

// AddrRange is an inclusive range of addresses of one family.
type AddrRange struct{ From, To netip.Addr }

// AddrAtoms cuts the address range [from, to] (one family) at every edge
// recorded for the address field f and returns the pieces in order.
func (b *Bounds) AddrAtoms(f Field, from, to netip.Addr) []AddrRange {
	if !from.IsValid() || !to.IsValid() || from.Is4() != to.Is4() || to.Less(from) {
		return nil
	}
	var cuts []netip.Addr // the edges inside (from, to]: few, though b may hold many
	if f == FieldSrcAddr || f == FieldDstAddr {
		for _, c := range b.addrs[f-FieldSrcAddr] {
			if c.Is4() == from.Is4() && from.Less(c) && !to.Less(c) {
				cuts = append(cuts, c)
			}
		}
	}
	slices.SortFunc(cuts, netip.Addr.Compare)
	cuts = slices.Compact(cuts)
	out := []AddrRange{}
	lo := from
	for _, c := range cuts {
		if c.Is4() != from.Is4() || c.Compare(lo) <= 0 {
			continue
		}
		if to.Less(c) {
			break
		}
		out = append(out, AddrRange{lo, c.Prev()})
		lo = c
	}
	return append(out, AddrRange{lo, to})
}

// MergeField adds the edges o holds for its field from to b's field to:
// a reply's source port is its request's destination port, so the bounds
// a reply's filters give for FieldSrcPort are the request's for
// FieldDstPort. Both fields must be of one kind (ports, ICMP fields, or
// addresses). It does nothing when b does not vary to.
func (b *Bounds) MergeField(to Field, o *Bounds, from Field) {
	switch {
	case o == nil || !b.Varies(to):
	case to <= FieldICMPCode && from <= FieldICMPCode:
		b.cuts[to] = append(b.cuts[to], o.cuts[from]...)
	case to >= FieldSrcAddr && from >= FieldSrcAddr && to < numFields && from < numFields:
		b.mergeAddrs(int(to-FieldSrcAddr), o, int(from-FieldSrcAddr))
		b.sorted = false
	}
}

// Compact sorts the edges and drops repeated ones, so that a Bounds kept
// to be merged into many others stays small.
func (b *Bounds) Compact() {
	for f := range b.cuts {
		slices.Sort(b.cuts[f])
		b.cuts[f] = slices.Compact(b.cuts[f])
	}
	for f := range b.addrs {
		slices.SortFunc(b.addrs[f], netip.Addr.Compare)
		b.addrs[f] = slices.Compact(b.addrs[f])
		slices.SortFunc(b.sets[f], compareSets)
		b.sets[f] = slices.CompactFunc(b.sets[f], func(x, y []AddrRange) bool { return compareSets(x, y) == 0 })
	}
	b.sorted = true
}

// Len returns how many edges b holds for field f (repeats included): a
// caller can tell whether a filter added any.
func (b *Bounds) Len(f Field) int {
	switch {
	case f <= FieldICMPCode:
		return len(b.cuts[f])
	case f < numFields:
		return len(b.addrs[f-FieldSrcAddr])
	}
	return 0
}

// AddrAtomIndex returns which atom of address field f holds a: the number
// of edges at or below a, so that two addresses of one family with the
// same index lie in one atom. b must be compacted ([Bounds.Compact]).
func (b *Bounds) AddrAtomIndex(f Field, a netip.Addr) int {
	if f != FieldSrcAddr && f != FieldDstAddr {
		return 0
	}
	cs := b.addrs[f-FieldSrcAddr]
	i, found := slices.BinarySearchFunc(cs, a, netip.Addr.Compare)
	if found {
		i++
	}
	return i
}

// compareSets orders two recorded address sets by their ranges.
func compareSets(x, y []AddrRange) int {
	return slices.CompareFunc(x, y, func(a, b AddrRange) int {
		if c := a.From.Compare(b.From); c != 0 {
			return c
		}
		return a.To.Compare(b.To)
	})
}

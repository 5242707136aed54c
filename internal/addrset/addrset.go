// Package addrset is an immutable set of IP addresses (IPv4 and IPv6 in
// one set) held as sorted, disjoint inclusive ranges, with union,
// intersection, difference and complement. It answers membership with a
// binary search and no allocation, which makes it the right tool where a
// yes/no answer for a whole address expression is wanted (a Suricata
// address list with negations, a prefix list); internal/cidrindex is for
// "which entries contain this address".
//
// Complement is taken within each family: the complement of 10.0.0.0/8 is
// every other IPv4 address and every IPv6 address. IPv4-mapped IPv6
// addresses and zoned addresses are IPv6 addresses like any other here;
// callers that accept them unmap or reject them first.
package addrset

import (
	"net/netip"
	"slices"
	"strings"
)

// Range is an inclusive range of addresses of one family.
type Range struct{ From, To netip.Addr }

// Set is a set of addresses. The zero value is the empty set; a Set is a
// value that no operation changes, safe for concurrent use.
type Set struct {
	rs []Range // sorted, disjoint, not adjacent; IPv4 ranges before IPv6
}

var (
	v4min = netip.IPv4Unspecified()
	v4max = netip.AddrFrom4([4]byte{255, 255, 255, 255})
	v6min = netip.IPv6Unspecified()
	v6max = netip.AddrFrom16([16]byte{255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255})
)

// All is every IPv4 and IPv6 address.
func All() Set { return Set{[]Range{{v4min, v4max}, {v6min, v6max}}} }

// All4 is every IPv4 address; All6 every IPv6 address.
func All4() Set { return Set{[]Range{{v4min, v4max}}} }

// All6 is every IPv6 address.
func All6() Set { return Set{[]Range{{v6min, v6max}}} }

// Last returns the last address of prefix p.
func Last(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	b := a.As16()
	off := 0
	if a.Is4() {
		off = 12
	}
	for i := p.Bits() + off*8; i < 128; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	if a.Is4() {
		return netip.AddrFrom4([4]byte(b[12:]))
	}
	return netip.AddrFrom16(b)
}

// Of returns the set of the addresses in the given prefixes. Invalid
// prefixes are skipped.
func Of(ps ...netip.Prefix) Set {
	rs := make([]Range, 0, len(ps))
	for _, p := range ps {
		if p.IsValid() {
			rs = append(rs, Range{p.Masked().Addr(), Last(p)})
		}
	}
	return normalize(rs)
}

// OfRanges returns the set of the addresses in the given ranges; ranges
// whose ends are invalid, of different families or reversed are skipped.
func OfRanges(rs ...Range) Set {
	keep := make([]Range, 0, len(rs))
	for _, r := range rs {
		if r.From.IsValid() && r.To.IsValid() && r.From.Is4() == r.To.Is4() && r.From.Compare(r.To) <= 0 {
			keep = append(keep, r)
		}
	}
	return normalize(keep)
}

func normalize(rs []Range) Set {
	if len(rs) == 0 {
		return Set{}
	}
	slices.SortFunc(rs, func(a, b Range) int { return a.From.Compare(b.From) })
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		next := last.To.Next() // invalid at the end of a family
		if r.From.Compare(last.To) <= 0 || (next.IsValid() && next == r.From) {
			if r.To.Compare(last.To) > 0 {
				last.To = r.To
			}
			continue
		}
		out = append(out, r)
	}
	return Set{out}
}

// Contains reports whether a is in s.
func (s Set) Contains(a netip.Addr) bool {
	lo, hi := 0, len(s.rs)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		r := s.rs[mid]
		switch {
		case r.To.Compare(a) < 0:
			lo = mid + 1
		case r.From.Compare(a) > 0:
			hi = mid
		default:
			return true
		}
	}
	return false
}

// IsEmpty reports whether s holds no address.
func (s Set) IsEmpty() bool { return len(s.rs) == 0 }

// Equal reports whether s and o hold the same addresses.
func (s Set) Equal(o Set) bool { return slices.Equal(s.rs, o.rs) }

// Ranges returns a copy of the set's ranges in ascending order.
func (s Set) Ranges() []Range { return slices.Clone(s.rs) }

// Union returns the addresses in s or o.
func (s Set) Union(o Set) Set { return normalize(append(slices.Clone(s.rs), o.rs...)) }

// Intersect returns the addresses in both s and o.
func (s Set) Intersect(o Set) Set {
	var out []Range
	i, j := 0, 0
	for i < len(s.rs) && j < len(o.rs) {
		a, b := s.rs[i], o.rs[j]
		from, to := a.From, a.To
		if b.From.Compare(from) > 0 {
			from = b.From
		}
		if b.To.Compare(to) < 0 {
			to = b.To
		}
		if from.Compare(to) <= 0 {
			out = append(out, Range{from, to})
		}
		if a.To.Compare(b.To) < 0 {
			i++
		} else {
			j++
		}
	}
	return Set{out}
}

// Complement returns every address, of either family, not in s.
func (s Set) Complement() Set {
	var out []Range
	for _, fam := range []Range{{v4min, v4max}, {v6min, v6max}} {
		next, open := fam.From, true
		for _, r := range s.rs {
			if r.From.Is4() != fam.From.Is4() {
				continue
			}
			if r.From.Compare(next) > 0 {
				out = append(out, Range{next, r.From.Prev()})
			}
			if r.To == fam.To {
				open = false
				break
			}
			next = r.To.Next()
		}
		if open {
			out = append(out, Range{next, fam.To})
		}
	}
	return Set{out}
}

// SubsetOf reports whether every address of s is in o, without
// allocating.
func (s Set) SubsetOf(o Set) bool {
	j := 0
	for _, r := range s.rs {
		for j < len(o.rs) && o.rs[j].To.Compare(r.From) < 0 {
			j++
		}
		// o's ranges are apart: one of them must hold r whole
		if j == len(o.rs) || o.rs[j].From.Compare(r.From) > 0 || o.rs[j].To.Compare(r.To) < 0 {
			return false
		}
	}
	return true
}

// Overlaps reports whether s and o share an address, without allocating.
func (s Set) Overlaps(o Set) bool {
	i, j := 0, 0
	for i < len(s.rs) && j < len(o.rs) {
		a, b := s.rs[i], o.rs[j]
		switch {
		case a.To.Compare(b.From) < 0:
			i++
		case b.To.Compare(a.From) < 0:
			j++
		default:
			return true
		}
	}
	return false
}

// Difference returns the addresses in s and not in o.
func (s Set) Difference(o Set) Set { return s.Intersect(o.Complement()) }

// Prefixes returns the fewest CIDR blocks that cover exactly s, in order.
func (s Set) Prefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, r := range s.rs {
		a := r.From
		for {
			p := largest(a, r.To)
			out = append(out, p)
			last := Last(p)
			if last == r.To {
				break
			}
			a = last.Next()
		}
	}
	return out
}

// largest returns the largest prefix that starts at a and ends at or
// before to.
func largest(a, to netip.Addr) netip.Prefix {
	for bits := 0; bits <= a.BitLen(); bits++ {
		p := netip.PrefixFrom(a, bits)
		if p.Masked().Addr() == a && Last(p).Compare(to) <= 0 {
			return p
		}
	}
	return netip.PrefixFrom(a, a.BitLen())
}

// String prints the set as comma-separated CIDR blocks, or "none".
func (s Set) String() string {
	if s.IsEmpty() {
		return "none"
	}
	ps := s.Prefixes()
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

// MergeNot resolves a Suricata address list from its positive items and
// its negated ones as Suricata's DetectAddressMergeNot does
// (src/detect-engine-address.c), one address family at a time: the
// family's positive addresses, or every address of the family when it has
// no positive item but a negated one, minus its negated addresses. A
// family with neither holds nothing: the list "!10.0.0.0/8" holds every
// IPv4 address but 10.0.0.0/8 and no IPv6 address.
//
// Each side is given by bounds: the addresses its items may hold (posMay,
// negMay) and those they certainly hold (posSure, negSure, subsets of
// the former); the result is bounded the same way, taking both readings
// where it is open whether a family has a positive or a negated item.
// Exact sides (may equal to sure) give an exact result.
func MergeNot(posMay, posSure, negMay, negSure Set) (may, sure Set) {
	for _, f := range [...]Set{All4(), All6()} {
		pm, ps := posMay.Intersect(f), posSure.Intersect(f)
		nm, ns := negMay.Intersect(f), negSure.Intersect(f)
		baseMay, baseSure := pm, ps
		if ps.IsEmpty() && !nm.IsEmpty() { // may have no positive item but a negated one
			baseMay = f
		}
		if pm.IsEmpty() && !ns.IsEmpty() { // certainly has
			baseSure = f
		}
		may = may.Union(baseMay.Difference(ns))
		sure = sure.Union(baseSure.Difference(nm))
	}
	return may, sure
}

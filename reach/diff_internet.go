package reach

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/internal/addrset"
)

// The internet's pairs of a diff, address by address: a matrix's
// internet cell is the union over every internet address, so a change
// that only moves which addresses get through (a rule's block widened or
// narrowed) leaves it as it was. Diff compares instead the cells' atoms
// (netSpan), each of which every address inside answers alike.

// AddressChange is how the sessions between some internet addresses and
// a group changed, each of the addresses alike: what they carry after
// and not before (Gained), before and not after (Lost), and the same for
// what the input leaves open.
type AddressChange struct {
	// Addresses are the internet addresses, exactly, as the fewest
	// prefixes that cover them.
	Addresses           []netip.Prefix `json:"addresses"`
	Gained              Traffic        `json:"gained"`
	Lost                Traffic        `json:"lost"`
	IndeterminateGained Traffic        `json:"indeterminate_gained"`
	IndeterminateLost   Traffic        `json:"indeterminate_lost"`
	// but, when shorter, words Addresses as every internet address but
	// these (Text); nil otherwise.
	but []netip.Prefix
}

// spansOf returns the atoms of what node i to node j carries in one
// matrix (ma with a, else mb), one end the internet: none where the other
// end is absent.
func (c *diffCompare) spansOf(a bool, i, j *diffNode) []netSpan {
	m, ix, ci, cj := c.mb, c.cb, i.cb, j.cb
	if a {
		m, ix, ci, cj = c.ma, c.ca, i.ca, j.ca
	}
	if (ci < 0 && !i.net) || (cj < 0 && !j.net) {
		return nil
	}
	var spans []netSpan
	if k := ix.at(ci, cj); k >= 0 {
		spans = m.spans[k]
	}
	if u := map[bool]*unmodelledSide{true: c.ua, false: c.ub}[a]; u != nil {
		spans = u.splice(spans, ci, cj) // diff_unmodelled.go
	}
	return spans
}

// netDelta is how one internet address's sessions changed: gained, lost,
// indeterminate gained, indeterminate lost.
type netDelta [4]Traffic

func (d netDelta) empty() bool {
	return d[0].IsEmpty() && d[1].IsEmpty() && d[2].IsEmpty() && d[3].IsEmpty()
}

func (d netDelta) equal(o netDelta) bool {
	return d[0].Equal(o[0]) && d[1].Equal(o[1]) && d[2].Equal(o[2]) && d[3].Equal(o[3])
}

// compareSpans compares the atoms of an internet cell before (xs) and
// after (ys), both sorted and disjoint, address by address: the
// addresses of internet whose sessions changed, grouped by how (in the
// order of their first address), and the union of the changes. (An atom
// may hold an address of the design, its representative an internet
// address beside it: internet leaves those out.)
func compareSpans(xs, ys []netSpan, internet addrset.Set) ([]AddressChange, netDelta) {
	var cuts []netip.Addr
	for _, s := range slices.Concat(xs, ys) {
		cuts = append(cuts, s.r.From)
		if n := s.r.To.Next(); n.IsValid() && n.Is4() == s.r.To.Is4() {
			cuts = append(cuts, n)
		}
	}
	slices.SortFunc(cuts, netip.Addr.Compare)
	cuts = slices.Compact(cuts)
	find := func(ss []netSpan, i *int, x netip.Addr) (open, und Traffic) {
		for *i < len(ss) && ss[*i].r.To.Less(x) {
			*i++
		}
		if *i < len(ss) && !x.Less(ss[*i].r.From) {
			return ss[*i].open, ss[*i].und
		}
		return Traffic{}, Traffic{}
	}
	type group struct {
		d  netDelta
		rs []addrset.Range
	}
	var groups []*group
	var total netDelta
	ix, iy := 0, 0
	for k, x := range cuts {
		_, to := familyRange(!x.Is4())
		if k+1 < len(cuts) && cuts[k+1].Is4() == x.Is4() {
			to = cuts[k+1].Prev()
		}
		oa, ua := find(xs, &ix, x)
		ob, ub := find(ys, &iy, x)
		d := netDelta{ob.Minus(oa), oa.Minus(ob), ub.Minus(ua), ua.Minus(ub)}
		if d.empty() || !internet.Overlaps(addrset.OfRanges(addrset.Range{From: x, To: to})) {
			continue
		}
		for i := range total {
			total[i] = total[i].Union(d[i])
		}
		at := slices.IndexFunc(groups, func(g *group) bool { return g.d.equal(d) })
		if at < 0 {
			groups = append(groups, &group{d: d})
			at = len(groups) - 1
		}
		groups[at].rs = append(groups[at].rs, addrset.Range{From: x, To: to})
	}
	out := make([]AddressChange, len(groups))
	for i, g := range groups {
		out[i] = AddressChange{Addresses: addrset.OfRanges(g.rs...).Intersect(internet).Prefixes(),
			Gained: g.d[0], Lost: g.d[1], IndeterminateGained: g.d[2], IndeterminateLost: g.d[3]}
	}
	return out, total
}

// internetOf returns the family's addresses that a or b counts as the
// internet's, and whether the models count the same.
func internetOf(a, b *Model, v6 bool) (addrset.Set, bool) {
	all := addrset.All4()
	if v6 {
		all = addrset.All6()
	}
	x, y := all.Difference(a.notInternetSet()), all.Difference(b.notInternetSet())
	return x.Union(y), x.Equal(y)
}

// butOf returns the internet addresses not in ps, when ps are internet
// addresses and those fewer prefixes than ps (empty, not nil, when ps are
// every internet address); nil otherwise.
func butOf(ps []netip.Prefix, internet addrset.Set) []netip.Prefix {
	s := addrset.Of(ps...)
	if !s.SubsetOf(internet) {
		return nil
	}
	but := internet.Difference(s).Prefixes()
	if len(but) >= len(ps) {
		return nil
	}
	if but == nil {
		return []netip.Prefix{} // every internet address
	}
	return but
}

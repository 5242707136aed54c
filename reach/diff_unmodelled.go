package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// The unmodelled blocks of a diff ([Builder.AddUnmodelledBlock]): an
// address one model counts as the internet's and the other as held by
// what its design does not model is compared as what the second model
// leaves undecided there. Its matrix leaves the block out of the
// internet, so its answer is taken from the matrix of the same design
// without its blocks: what the packet carries up to the internet's edge,
// where the block's owner, not modelled, decides (UnmodelledDestination).

// unmodelledSide is, for one model of a diff, the addresses of its
// unmodelled blocks that the other model counts as the internet's, and
// the matrix of its design without the blocks.
type unmodelledSide struct {
	within addrset.Set
	m      *Matrix
	ix     cellIndex
	class  []int // the class of the model's matrix -> the class of m
}

// blockSet returns the family's addresses of m's unmodelled blocks.
func (m *Model) blockSet(v6 bool) addrset.Set {
	var ps []netip.Prefix
	for _, u := range m.unmodelledBlocks {
		if u.Prefix.Addr().Is6() == v6 {
			ps = append(ps, u.Prefix)
		}
	}
	return addrset.Of(ps...)
}

// unmodelledSideOf returns m's side (mx its matrix), other being the
// other model: nil when m's blocks hold no address other counts as the
// internet's.
func unmodelledSideOf(m, other *Model, mx *Matrix, mo MatrixOptions) (*unmodelledSide, error) {
	within := m.blockSet(mo.IPv6).Difference(other.notInternetSet())
	if within.IsEmpty() {
		return nil, nil
	}
	d := m.design()
	d.unmodelledBlocks = nil
	m0, err := d.Build()
	if err != nil {
		return nil, fmt.Errorf("the design without its unmodelled blocks: %w", err)
	}
	x, err := m0.matrixOf(mo, true, nil, true)
	if err != nil {
		return nil, fmt.Errorf("the design without its unmodelled blocks: %w", err)
	}
	at := map[string]int{}
	for i, cl := range x.Classes {
		for _, mb := range cl.Members {
			at[mb.ID] = i
		}
	}
	s := &unmodelledSide{within: within, m: x, ix: newCellIndex(x), class: make([]int, len(mx.Classes))}
	for i, cl := range mx.Classes {
		s.class[i] = -1
		if len(cl.Members) > 0 {
			if k, ok := at[cl.Members[0].ID]; ok {
				s.class[i] = k
			}
		}
	}
	return s, nil
}

// splice returns spans (the model's atoms of the cell from class ci to
// class cj, -1 the internet) with the addresses of s.within answered by
// s's matrix instead, everything they carry undecided.
func (s *unmodelledSide) splice(spans []netSpan, ci, cj int) []netSpan {
	mapped := func(c int) (int, bool) {
		if c < 0 {
			return -1, true // the internet
		}
		if c >= len(s.class) || s.class[c] < 0 {
			return -1, false
		}
		return s.class[c], true
	}
	var over []netSpan
	mi, oki := mapped(ci)
	mj, okj := mapped(cj)
	if k := s.ix.at(mi, mj); oki && okj && k >= 0 {
		over = s.m.spans[k]
	}
	within := s.within.Ranges()
	var out []netSpan
	for _, sp := range spans { // sp outside within
		rest := addrset.OfRanges(addrset.Range{From: sp.r.From, To: sp.r.To}).Difference(s.within)
		for _, r := range rest.Ranges() {
			out = append(out, netSpan{r: flow.AddrRange{From: r.From, To: r.To}, open: sp.open, und: sp.und})
		}
	}
	for _, sp := range over { // over inside within, undecided
		for _, r := range clip([]flow.AddrRange{sp.r}, within) {
			out = append(out, netSpan{r: r, und: sp.open.Union(sp.und)})
		}
	}
	slices.SortFunc(out, func(x, y netSpan) int { return x.r.From.Compare(y.r.From) })
	return out
}

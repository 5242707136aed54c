package reach

import "slices"

// Boxes: the packets a filter's entry or rule matches, as a product of
// closed intervals, one per dimension, and the partition of a space of
// boxes into cells that every box holds whole or not at all. Lint
// (lint_acl.go, lint_sg.go) decides on the cells, never on packets.

// span is a closed interval of one dimension.
type span struct{ lo, hi uint64 }

// holds reports whether s holds all of t.
func (s span) holds(t span) bool { return s.lo <= t.lo && t.hi <= s.hi }

// meets reports whether s and t share a value.
func (s span) meets(t span) bool { return s.lo <= t.hi && t.lo <= s.hi }

// box is a product of spans; every box of one partition has the same
// number of dimensions.
type box []span

// meets reports whether b and c share a point.
func (b box) meets(c box) bool {
	for d := range b {
		if !b[d].meets(c[d]) {
			return false
		}
	}
	return true
}

// partition splits dom into cells, dimension by dimension, at the edges
// of the boxes cands names, and calls visit with each cell and the boxes
// that hold it, in the order of cands (every box either holds a cell or
// misses it). Every box of cands must hold dom in the dimensions before
// d. cuts adds edges of its own per dimension (a value that starts a
// cell). It stops, returning false, when visit does.
func partition(boxes []box, cands []int32, dom box, d int, cuts [][]uint64, visit func(cell box, cands []int32) bool) bool {
	if d == len(dom) || len(cands) == 0 {
		return visit(dom, cands)
	}
	whole := dom[d]
	edges := []uint64{whole.lo}
	for _, c := range cands {
		s := boxes[c][d]
		if s.lo > whole.lo {
			edges = append(edges, s.lo)
		}
		if s.hi < whole.hi {
			edges = append(edges, s.hi+1)
		}
	}
	if d < len(cuts) {
		for _, v := range cuts[d] {
			if v > whole.lo && v <= whole.hi {
				edges = append(edges, v)
			}
		}
	}
	slices.Sort(edges)
	edges = slices.Compact(edges)
	cell := slices.Clone(dom)
	sub := make([]int32, 0, len(cands))
	for i, lo := range edges {
		hi := whole.hi
		if i+1 < len(edges) {
			hi = edges[i+1] - 1
		}
		cell[d] = span{lo, hi}
		sub = sub[:0]
		for _, c := range cands {
			if boxes[c][d].holds(cell[d]) {
				sub = append(sub, c)
			}
		}
		if !partition(boxes, slices.Clone(sub), cell, d+1, cuts, visit) {
			return false
		}
	}
	return true
}

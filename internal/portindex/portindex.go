// Package portindex is the one port segment index of reachsim, used by the
// security group evaluator and both Network Firewall engines to find, for
// a packet's port, the rules whose port ranges can match it without
// scanning every rule.
//
// The port space 0–65535 is cut into segments at every range boundary of
// the rules added; each segment lists, ascending, the rules (numbers the
// caller chooses, usually positions in decision order) whose ranges cover
// it. A lookup is one binary search. Building sweeps the sorted range
// boundaries once, so it takes O(n log n) for n ranges plus the size of
// the index, which [Builder.Build] bounds by a budget: rules with wide
// ranges repeat in every segment they cover, and past the budget the
// caller is better off scanning its list.
//
// An [Index] is immutable once built and safe for concurrent lookups. The
// zero Index is empty: every lookup returns nil.
package portindex

import (
	"cmp"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// Index maps a port to the rules whose ranges cover it.
type Index struct {
	lo   []uint16 // first port of each segment, ascending; lo[0] == 0
	offs []int32  // segment i lists flat[offs[i]:offs[i+1]]
	flat []int32
}

// Lookup returns the rules, ascending, whose ranges cover port. The slice
// is the index's own: do not change it. It is nil for the zero Index.
func (x *Index) Lookup(port uint16) []int32 {
	if len(x.lo) == 0 {
		return nil
	}
	// The last segment whose first port is <= port.
	lo, hi := 0, len(x.lo)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if x.lo[mid] <= port {
			lo = mid
		} else {
			hi = mid
		}
	}
	return x.flat[x.offs[lo]:x.offs[lo+1]]
}

// IsZero reports whether x is the zero (empty) Index.
func (x *Index) IsZero() bool { return len(x.lo) == 0 }

// Segments returns the number of segments.
func (x *Index) Segments() int { return len(x.lo) }

// Size returns the number of rule entries over all segments: the index's
// memory is about four bytes each.
func (x *Index) Size() int { return len(x.flat) }

// Builder collects rules' port ranges for an [Index]. The zero Builder is
// ready to use.
type Builder struct {
	events []event
}

type event struct {
	at    int32 // the first port of a range, or one past its last
	rule  int32
	start bool
}

// Add files rule under the port range r. A rule may be added under several
// ranges (a port set); ranges of one rule may touch or overlap. An empty
// range (Lo > Hi) is ignored.
func (b *Builder) Add(rule int32, r flow.PortRange) {
	if r.Lo > r.Hi {
		return
	}
	b.events = append(b.events, event{at: int32(r.Lo), rule: rule, start: true}, event{at: int32(r.Hi) + 1, rule: rule})
}

// Build returns the index of the ranges added. It returns false, and the
// zero Index, when the index would hold more than budget rule entries
// (budget < 0: no limit). The Builder may be reused after Reset.
func (b *Builder) Build(budget int) (Index, bool) {
	ev := b.events
	slices.SortFunc(ev, func(x, y event) int {
		if c := cmp.Compare(x.at, y.at); c != 0 {
			return c
		}
		// At one port, ranges that end there leave before new ones come in.
		if x.start != y.start {
			if !x.start {
				return -1
			}
			return 1
		}
		return cmp.Compare(x.rule, y.rule)
	})
	var (
		x      Index
		active []int32           // rules covering the current segment, ascending
		count  = map[int32]int{} // ranges of each active rule covering it
	)
	x.offs = []int32{0}
	emit := func(at int32) bool {
		x.lo = append(x.lo, uint16(at))
		x.flat = append(x.flat, active...)
		x.offs = append(x.offs, int32(len(x.flat)))
		return budget < 0 || len(x.flat) <= budget
	}
	start := int32(0) // the current segment's first port
	for i := 0; i < len(ev); {
		at := ev[i].at
		if at > start {
			if !emit(start) {
				return Index{}, false
			}
			start = at
		}
		for ; i < len(ev) && ev[i].at == at; i++ {
			e := ev[i]
			if e.start {
				if count[e.rule] == 0 {
					j, _ := slices.BinarySearch(active, e.rule)
					active = slices.Insert(active, j, e.rule)
				}
				count[e.rule]++
				continue
			}
			if count[e.rule]--; count[e.rule] == 0 {
				j, _ := slices.BinarySearch(active, e.rule)
				active = slices.Delete(active, j, j+1)
			}
		}
	}
	if start <= 65535 && !emit(start) {
		return Index{}, false
	}
	return x, true
}

// Reset empties the Builder for reuse.
func (b *Builder) Reset() { b.events = b.events[:0] }

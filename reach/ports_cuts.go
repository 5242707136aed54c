package reach

import (
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// cutSet gathers, per hop of the discovery's path, what the atoms' walks
// stopped there.
type cutSet struct {
	path  *atomOutcome
	cuts  map[cutKey]*Cut
	order []cutKey
}

// cutKey is a hop of the path, and what it said. kind and id are set
// for a hop of a walk that took another path than the discovery's (an
// appliance's choice, nat64_fork.go): its number is its own trace's.
type cutKey struct {
	leg, hop int
	code     Code
	kind     Kind
	id       string
}

func newCutSet(path *atomOutcome) *cutSet {
	return &cutSet{path: path, cuts: map[cutKey]*Cut{}}
}

// add records the blocking hops of a walk, extending each one's cut with
// grow. other: the walk (explained) may have taken another path than the
// discovery's through the same kinds of hops (another subnet the transit
// gateway's flow hash picks, tgw_appliance.go).
func (s *cutSet) add(fwd, ret []Hop, other bool, grow func(*Cut)) {
	blocked := false // a hop before blocks for certain: an undecided one after it cuts nothing (firstBlock)
	for leg, hops := range [2][]Hop{fwd, ret} {
		disc := [2][]Hop{s.path.fwd, s.path.ret}[leg]
		// a walk of another path than the discovery's: its hops name
		// themselves (a path through another zone may have the
		// discovery's kinds of hops, but not its components)
		own := !samePath(hops, disc) || other && !sameComponents(hops, disc)
		j := 0 // the hop of the discovery's path that hops[i] is
		for i := range hops {
			h := &hops[i]
			// A platform hop the discovery did not meet names itself and
			// keeps its number in this walk's trace; every other hop is
			// numbered as the discovery's trace numbers it.
			named, at := h, i
			if !own && (h.Kind != KindPlatform || (j < len(disc) && disc[j].Kind == KindPlatform)) {
				named, at = &disc[j], j
				j++
			}
			if h.Code == "" || h.Undecided() && blocked {
				continue
			}
			blocked = blocked || h.Verdict == flow.Deny
			k := cutKey{leg: leg, hop: at, code: h.Code}
			if own {
				k.kind, k.id = h.Kind, h.ID
			}
			c, ok := s.cuts[k]
			if !ok {
				c = &Cut{Leg: Leg(leg), Hop: at + 1, Kind: h.Kind, ID: named.ID, Name: named.Name, Code: h.Code, Indeterminate: h.Undecided()}
				s.cuts[k] = c
				s.order = append(s.order, k)
			}
			grow(c)
		}
	}
}

// list returns the cuts in path order: the request's hops, then the
// reply's.
func (s *cutSet) list() []Cut {
	slices.SortFunc(s.order, func(a, b cutKey) int {
		if a.leg != b.leg {
			return a.leg - b.leg
		}
		if a.hop != b.hop {
			return a.hop - b.hop
		}
		return strings.Compare(string(a.code), string(b.code))
	})
	out := make([]Cut, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, *s.cuts[k])
	}
	return out
}

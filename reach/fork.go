package reach

import "slices"

// forkResult is what forkWalks learnt from walking every combination of
// the choices a walk met.
type forkResult[P any] struct {
	forked bool    // the first walk met a choice (otherwise it was the only walk)
	agree  bool    // every combination walked gave the first one's outcome
	over   bool    // the combinations were more than the bound: not all walked
	first  Outcome // the first combination's outcome
	keep   []P     // the picks of the first combination not unreachable; nil when none
}

// forkWalks is the loop the walk's forks share (the transit gateway's
// zones, tgw_appliance.go; an instance's egress interface,
// appliance_egress_fork.go; an appliance's NAT64 translation,
// nat64_fork.go): walk with the current picks, note its outcome, move to
// the next combination, until none is left or bound walks were made.
// walk walks once and returns the outcome; met says whether the last
// walk met a choice; picks are the current picks (copied when kept);
// next moves them on, false when every combination was walked; tried,
// when not nil, records each walk for the trace. The caller walks the
// combination its trace shows afterwards.
func forkWalks[P any](walk func() Outcome, met func() bool, picks func() []P, next func() bool, tried func(Outcome), bound int) (r forkResult[P]) {
	r.agree = true
	kept := false
	for walks := 1; ; walks++ {
		out := walk()
		if !met() {
			return r // no choice met: the only walk
		}
		r.forked = true
		if tried != nil {
			tried(out)
		}
		if walks == 1 {
			r.first = out
		}
		r.agree = r.agree && out == r.first
		if !kept && out != Unreachable {
			r.keep, kept = slices.Clone(picks()), true
		}
		if !next() {
			return r
		}
		if walks == bound {
			r.over, r.agree = true, false
			return r
		}
	}
}

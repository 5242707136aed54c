package nacl

import (
	"iter"
	"math/bits"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// PortRuns yields, in port order, the runs of destination ports 0-65535
// that one decision decides for the packet f, its destination port
// replaced, in direction dir: each the longest run one entry (or the "*"
// rule) decides, so that two runs in a row may share a verdict. It works
// on the entries' ranges, allocating nothing. For a protocol without
// ports (anything but TCP and UDP) one run holds every port. A nil
// Evaluator allows every port.
func (e *Evaluator) PortRuns(f flow.Flow, dir flow.Direction) iter.Seq2[flow.PortRange, Decision] {
	return func(yield func(flow.PortRange, Decision) bool) {
		if e == nil || !f.Protocol.HasPorts() {
			yield(flow.AllPorts, e.Evaluate(f, dir))
			return
		}
		e.runs(f, dir, func(r flow.PortRange, c *chain, first int, is6 bool) bool {
			return yield(r, e.decide(c, first, dir, is6))
		})
	}
}

// PortVerdict is a verdict of [Evaluator.PortVerdicts]: what the entries
// or the "*" rule (Default) decide for a run of ports.
type PortVerdict struct {
	Verdict flow.Verdict
	Default bool
}

// PortVerdicts is [Evaluator.PortRuns] reduced to verdicts, for a caller
// that needs no more (the set answers of package reach): the runs of
// destination ports over which f gets one verdict, and one kind of
// decider (an entry or "*"), each as long as they last, with no Decision
// built. Runs in a row differ in their PortVerdict.
func (e *Evaluator) PortVerdicts(f flow.Flow, dir flow.Direction) iter.Seq2[flow.PortRange, PortVerdict] {
	return func(yield func(flow.PortRange, PortVerdict) bool) {
		if e == nil || !f.Protocol.HasPorts() {
			v, def := e.Verdict(f, dir)
			yield(flow.AllPorts, PortVerdict{v, def})
			return
		}
		var pend flow.PortRange
		var pv PortVerdict
		started, stopped := false, false
		e.runs(f, dir, func(r flow.PortRange, c *chain, first int, _ bool) bool {
			v := PortVerdict{flow.Deny, true}
			if first >= 0 {
				v = PortVerdict{c.entries[first].Action.Verdict(), false}
			}
			switch {
			case !started:
				pend, pv, started = r, v, true
			case v == pv:
				pend.Hi = r.Hi
			default:
				if !yield(pend, pv) {
					stopped = true
					return false
				}
				pend, pv = r, v
			}
			return true
		})
		if started && !stopped {
			yield(pend, pv)
		}
	}
}

// runs calls yield with each run of destination ports 0-65535 that one
// entry of f's chain decides for f (its port replaced) in dir, in port
// order, the entry's index in the chain (-1: "*") and whether f is IPv6,
// until yield returns false; f's protocol has ports.
func (e *Evaluator) runs(f flow.Flow, dir flow.Direction, yield func(r flow.PortRange, c *chain, first int, is6 bool) bool) {
	c, p, is6, valid := e.prepare(f, dir)
	var buf [64]int32
	matching := buf[:0] // the entries that match f but for its port
	for i := 0; valid && i < len(c.match); i++ {
		if _, ok := c.match[i].matchesButPort(&p); ok {
			matching = append(matching, int32(i))
		}
	}
	if c.events != nil {
		sweepRuns(c, matching, func(r flow.PortRange, first int) bool { return yield(r, c, first, is6) })
		return
	}
	for lo := 0; lo <= 65535; {
		// The first entry that covers lo decides it, up to its last
		// port or the first port of an earlier entry, whichever comes
		// first; with none, "*" decides up to the next entry's first.
		hi, first := 65535, -1
		for _, i := range matching {
			m := &c.match[i]
			if int(m.plo) > lo {
				hi = min(hi, int(m.plo)-1)
				continue
			}
			if lo <= int(m.phi) {
				first, hi = int(i), min(hi, int(m.phi))
				break
			}
		}
		if !yield(flow.PortRange{Lo: uint16(lo), Hi: uint16(hi)}, c, first, is6) {
			break
		}
		lo = hi + 1
	}
}

// sweepRuns is runs' loop for a chain of at most 64 entries, in one
// sweep over the ports where a matching entry's range starts or ends (the
// chain's events, sorted at Compile): a bitset holds the entries covering
// the ports between two such points, and its lowest bit, the first of
// them in decision order, decides them. (The plain loop of runs, the
// reference a random test holds it to, looks the first covering entry up
// among all the matching ones at every run.)
func sweepRuns(c *chain, matching []int32, yield func(r flow.PortRange, first int) bool) {
	var in uint64 // the matching entries
	for _, i := range matching {
		in |= 1 << i
	}
	var covering uint64
	runLo, runBy := 0, -2 // the run being grown and its deciding entry (-1: "*")
	events := c.events
	for at, next := 0, 0; at <= 65535; {
		for ; next < len(events) && int(events[next]>>8) == at; next++ {
			bit := uint64(1) << (events[next] >> 1 & 63)
			switch {
			case in&bit == 0:
			case events[next]&1 == 1:
				covering |= bit
			default:
				covering &^= bit
			}
		}
		end := 65536 // where the next event may change what covers
		if next < len(events) {
			end = int(events[next] >> 8)
		}
		by := -1
		if covering != 0 {
			by = bits.TrailingZeros64(covering)
		}
		if by != runBy {
			if runBy != -2 && !yield(flow.PortRange{Lo: uint16(runLo), Hi: uint16(at - 1)}, runBy) {
				return
			}
			runLo, runBy = at, by
		}
		at = end
	}
	yield(flow.PortRange{Lo: uint16(runLo), Hi: 65535}, runBy)
}

// sweepEvents returns the events of sweepRuns for the entries of match
// (at most 64), sorted: each the port (17 bits: 65536 ends a range that
// reaches 65535) shifted by 8, the entry's index shifted by 1, and 1 where
// the entry's range starts.
func sweepEvents(match []matcher) []uint32 {
	events := make([]uint32, 0, 2*len(match))
	for k := range match {
		m := &match[k]
		events = append(events, uint32(m.plo)<<8|uint32(k)<<1|1, (uint32(m.phi)+1)<<8|uint32(k)<<1)
	}
	slices.Sort(events)
	return events
}

// PortsAlike reports whether every destination port of r certainly gets
// the same decision (verdict and deciding entry) for f in dir, whatever
// f's own destination port: no entry of f's direction, family and
// protocol starts or ends its port range inside r. Then
// [Evaluator.Verdict] on any port of r answers for all of r. False means
// the decisions may differ ([Evaluator.PortVerdicts] says how). f's
// protocol has ports; for one without, it reports true.
func (e *Evaluator) PortsAlike(f flow.Flow, dir flow.Direction, r flow.PortRange) bool {
	if e == nil || !f.Protocol.HasPorts() {
		return true
	}
	c, _, _, _ := e.prepare(f, dir)
	for i := range c.match {
		m := &c.match[i]
		if m.proto != f.Protocol {
			continue // another protocol's, or every protocol's over every port
		}
		if m.plo > r.Lo && m.plo <= r.Hi || m.phi >= r.Lo && m.phi < r.Hi {
			return false
		}
	}
	return true
}

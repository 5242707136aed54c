package reach

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// fixOpen finds the changes that open q, a round at a time.
func (m *Model) fixOpen(q Query, out *FixResult, r *Result) error {
	var ranged []Hop // the reply hops opened to every client port (replyPorts)
	limit := fixRounds
	for round := 0; round < limit; round++ {
		cur := out.Patched
		limit = max(limit, fixRounds+cur.worldCount())
		var round []Change
		legs := [2][]Hop{r.Forward, r.Return}
		where := "" // the combination of a fork's choices whose blocks are opened, when not the trace's (fix_fork.go)
		if forkUndecided(r) {
			wr, words, ok, err := cur.blockedCombination(q)
			if err != nil {
				return err
			}
			if ok {
				legs, where = [2][]Hop{wr.Forward, wr.Return}, words
			}
		}
		for leg, hops := range legs {
			for i, h := range hops {
				if h.Code == "" {
					continue
				}
				if h.Undecided() && !natPortsPartly(h) {
					if where != "" {
						return fmt.Errorf("%w: %s, hop %d of the %s (%s %s) is undecided: %s", ErrNoFix, where, i+1, Leg(leg), h.Kind, h.ID, h.Missing)
					}
					return fmt.Errorf("%w: hop %d of the %s (%s %s) is undecided: %s", ErrNoFix, i+1, Leg(leg), h.Kind, h.ID, h.Missing)
				}
				wide := clientRangeHop(q, h, Leg(leg))
				c, err := cur.openHop(h, Leg(leg), i+1, wide, append(slices.Clone(out.Changes), round...))
				if err != nil {
					if where != "" {
						return fmt.Errorf("%s: %w", where, err)
					}
					return err
				}
				if where != "" {
					for j := range c {
						c[j].Hop = 0 // a hop of another combination's path, not of the query's trace
						c[j].Text = where + ": " + c[j].Text
					}
				}
				if wide && len(c) > 0 {
					ranged = append(ranged, h)
				}
				round = append(round, c...)
			}
		}
		if len(round) == 0 {
			return fmt.Errorf("%w: %s is %s, yet no hop blocks it", ErrNoFix, queryText(q), r.Outcome)
		}
		out.Changes = append(out.Changes, round...)
		next, err := m.Apply(out.Changes)
		if err != nil {
			return err
		}
		if r, err = next.Check(q); err != nil {
			return err
		}
		out.Patched, out.After = next, r.Outcome
		if r.Outcome == Reachable {
			more, err := m.openReplyRest(q, out, r, ranged)
			if err != nil {
				return err
			}
			return m.checkReplyPorts(out.Patched, q, append(ranged, more...))
		}
		if r.Outcome == Indeterminate && len(r.Unknowns) > 0 && len(r.Undecided()) == 0 {
			return fmt.Errorf("%w: after the changes, %s is indeterminate: %s", ErrNoFix, queryText(q), strings.Join(r.Unknowns, "; "))
		}
	}
	return fmt.Errorf("%w: %s is still %s after %d rounds of changes", ErrNoFix, queryText(q), out.After, limit)
}

// worldCount returns how many worlds m's questions are answered in: one
// per combination of the forks' choices (zoneWorlds), at most
// maxZoneWorlds, else 1 (m has no worlds, or too many to walk apart).
// Fix opens one still-blocked combination a round (blockedCombination),
// so its rounds grow by this count.
func (m *Model) worldCount() int {
	if !m.hasWorlds() || m.applianceErr("Fix") != nil {
		return 1
	}
	n := len(m.egressWorlds())
	n *= m.zoneWorldTotal()
	return min(n, maxZoneWorlds)
}

// openHop returns the changes that let the blocking hop h (number n of
// leg) pass, on the model m (which has the changes done already made);
// wide: a network ACL hop on the reply to the client's port, opened to
// every port of replyPorts (clientRangeHop).
func (m *Model) openHop(h Hop, leg Leg, n int, wide bool, done []Change) ([]Change, error) {
	var cs []Change
	var err error
	switch Code(strings.TrimPrefix(string(h.Code), "RETURN_")) {
	case SGNoAllow:
		cs, err = m.openGroups(h, done)
	case ACLDeny, ACLDefaultDeny, NATPortUnknown:
		cs, err = m.openACLs(h, wide, done)
	case NoRoute:
		var c Change
		c, err = m.openRoute(h)
		cs = []Change{c}
	default:
		err = fmt.Errorf("%w: hop %d of the %s (%s %s, %s) is not one Fix changes; by hand: %s", ErrNoFix, n, leg, h.Kind, h.ID, h.Code, h.Fix)
	}
	for i := range cs {
		cs[i].Leg, cs[i].Hop = leg, n
	}
	return cs, err
}

// natPortsPartly reports whether h is a network ACL hop undecided only
// because it lets the reply through to some of the ports a NAT gateway
// may pick and not others ([NATPortUnknown]): opening the rest decides it.
func natPortsPartly(h Hop) bool {
	return h.natPort && Code(strings.TrimPrefix(string(h.Code), "RETURN_")) == NATPortUnknown
}

// Opening a query whose paths fork.
//
// A check that meets an instance of several interfaces that differ
// (appliance_egress_fork.go), a transit gateway attachment in appliance
// mode (tgw_appliance.go) or an exit subnet AWS does not name
// (tgw_exit_fork.go) walks every combination of the
// choices, and is undecided when their answers differ; its trace shows
// one combination that is not unreachable. After Fix opened the blocks
// that trace showed, the other combinations may still be blocked: the
// check is then undecided at the fork's hop, though nothing the input
// leaves open decides it. Fix then opens the blocks of a combination
// that is still unreachable, read from its world (the model with each
// choice fixed, zoneWorlds), one combination a round, until every one
// reaches.

// forkUndecided reports whether r is indeterminate only because the
// combinations of a fork's choices give different answers: each of its
// undecided hops is a fork's ([ApplianceEgressUnknown],
// [TGWApplianceZoneUnknown], [TGWExitZoneUnknown]: the last also where
// the exit is not walked per subnet, when the worlds then find no
// combination unreachable, and the fix is refused as before) and no
// value known only later is missing.
func forkUndecided(r *Result) bool {
	if r.Outcome != Indeterminate || len(r.Unknowns) > 0 {
		return false
	}
	und := r.Undecided()
	return len(und) > 0 && !slices.ContainsFunc(und, func(h Hop) bool {
		c := Code(strings.TrimPrefix(string(h.Code), "RETURN_"))
		return c != ApplianceEgressUnknown && c != TGWApplianceZoneUnknown && c != TGWExitZoneUnknown
	})
}

// blockedCombination returns the answer of q in the first world of m
// (one combination of the forks' choices) where q is unreachable,
// preferring one whose blocks are all certain, with the words that name
// that combination; false when m has no worlds, too many, or none where
// q is unreachable.
func (m *Model) blockedCombination(q Query) (*Result, string, bool, error) {
	if !m.hasWorlds() || m.applianceErr("Fix") != nil {
		return nil, "", false, nil
	}
	var pick *Result
	var at *Model
	for _, w := range m.zoneWorlds() {
		r, err := w.Check(q)
		if err != nil {
			return nil, "", false, err
		}
		if r.Outcome != Unreachable {
			continue
		}
		if len(r.Undecided()) == 0 {
			pick, at = r, w
			break
		}
		if pick == nil {
			pick, at = r, w
		}
	}
	if pick == nil {
		return nil, "", false, nil
	}
	return pick, at.combinationWords(pick), true, nil
}

// combinationWords names the choices of world m that r's path meets:
// the interface each instance sends the packets of a leg out of, the
// subnet each appliance-mode attachment sends them through, and the
// subnet each exit fork sends a leg through where it chose.
func (m *Model) combinationWords(r *Result) string {
	meets := func(leg Leg, ids ...string) bool {
		hops := r.Forward
		if leg == Return {
			hops = r.Return
		}
		return slices.ContainsFunc(hops, func(h Hop) bool { return slices.Contains(ids, h.ID) })
	}
	var words []string
	for k, o := range m.egress {
		if o == nil {
			continue
		}
		ids := []string{o.ID}
		for _, s := range o.siblings {
			ids = append(ids, s.ID)
		}
		if !meets(k.leg, ids...) {
			continue
		}
		what := "the request"
		if k.leg == Return {
			what = "the reply"
		}
		words = append(words, fmt.Sprintf("instance %s sends %s out of %s", k.instance, what, o.ID))
	}
	for a, s := range m.world {
		if m.sendsTo(r.Forward, a) || m.sendsTo(r.Return, a) {
			words = append(words, fmt.Sprintf("transit gateway attachment %s (appliance mode) sends the packets through %s", a.ID, s.ID))
		}
	}
	for k, s := range m.exitWorld {
		hops, what := r.Forward, "the request"
		if k.leg == Return {
			hops, what = r.Return, "the reply"
		}
		if m.sendsTo(hops, k.att) && slices.ContainsFunc(hops, func(h Hop) bool { return slices.Contains(h.Details(), exitWorldDetail(k.att, s)) }) {
			words = append(words, fmt.Sprintf("transit gateway attachment %s sends %s through %s", k.att.ID, what, s.ID))
		}
	}
	slices.Sort(words)
	if len(words) == 0 {
		return "on another combination of the choices on the path than the trace shows"
	}
	return "on the path where " + strings.Join(words, " and ") + " (not the one the trace shows)"
}

// sendsTo reports whether one of hops is a transit gateway's that sends
// the packet on to attachment a. A transit gateway hop carries the ID of
// the route table that routed the packet, not of the attachment it went
// to: the route is looked up again in that table.
func (m *Model) sendsTo(hops []Hop, a *tgwAttInfo) bool {
	return slices.ContainsFunc(hops, func(h Hop) bool {
		if h.Kind != KindTransitGateway || h.Verdict != flow.Allow {
			return false
		}
		t := m.tgwRTs[h.ID]
		if t == nil {
			return false
		}
		r, ok := t.lookup(h.Packet.Dst.Addr())
		return ok && r.att == a
	})
}

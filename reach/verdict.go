package reach

import "github.com/reachsim/reachsim/flow"

// Verdicts: the outcome of a check without its trace. [Model.Verdict]
// walks the same hops as [Model.Check] and decides each the same way, but
// the walker runs with explain off: security groups and network ACLs are
// judged by their Evaluate (not Explain), matched routes and firewall
// decisions are not put into words, and no block, fix or warning is
// built. TestVerdictAgreesWithCheck demands the same outcome as Check's
// for random designs and queries.

// verdictHops is the room the walk's hops start with, on each leg: enough
// for the paths of most designs without growing.
const verdictHops = 12

// Verdict answers q as [Model.Check] does, with the outcome alone:
// [Reachable], [Unreachable] or [Indeterminate]. It is Check(q).Outcome,
// and the same errors, without building the trace.
func (m *Model) Verdict(q Query) (Outcome, error) {
	f, src, err := m.queryFlow(q)
	if err != nil {
		return Unreachable, err
	}
	return m.verdict(f, src.iface), nil
}

// VerdictFlow answers f as [Model.CheckFlow] does, with the outcome
// alone: CheckFlow(f).Outcome, and the same errors, without building the
// trace.
func (m *Model) VerdictFlow(f flow.Flow) (Outcome, error) {
	src, err := m.flowEnds(f)
	if err != nil {
		return Unreachable, err
	}
	return m.verdict(f, src.iface), nil
}

// verdict walks f from src (nil: the internet) with explain off.
func (m *Model) verdict(f flow.Flow, src *ifaceInfo) Outcome {
	var buf [2 * verdictHops]Hop
	fwd, ret := buf[:0:verdictHops], buf[verdictHops:verdictHops]
	arrived, _ := m.walk(f, src, &fwd, &ret, false)
	return outcomeOf(fwd, ret, arrived.ok)
}

// forwardQuietly is the rest of [walker.routeIn] with explain off, once
// route cr of rt matched pkt: the same decisions, no words.
func (w *walker) forwardQuietly(h Hop, pkt flow.Flow, s *subnetInfo, rt *rtInfo, cr *compiledRoute) arrival {
	if cr.Target == TargetBlackhole {
		h.Verdict, h.Code = flow.Deny, BlackholeRoute
		return w.stop(h)
	}
	h.Verdict = flow.Allow
	w.add(h)
	w.visited = append(w.visited, visit{kind: KindRouteTable, id: rt.ID, pkt: pkt})
	return w.follow(pkt, s, rt, cr, "") // dest only words an unmodelled hop
}

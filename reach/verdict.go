package reach

import (
	"net/netip"
	"sync"

	"github.com/reachsim/reachsim/flow"
)

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
	f, src, dst, err := m.queryEnds(q)
	if err != nil {
		return Unreachable, err
	}
	if len(m.unknownIfaces)+len(m.unknownPublic) > 0 {
		if len(m.unknownEnds(f, src.iface, dst.iface)) > 0 {
			return m.checkedOutcome(f, src.iface, dst.iface), nil
		}
	}
	return m.verdict(f, src.iface), nil
}

// checkedOutcome is the outcome of the explained check of f from src to
// dst: for a question whose end's address is known only later, and the
// design tells its possible addresses apart, the blocking hop's words
// decide whether the answer stands (unknown_block.go).
func (m *Model) checkedOutcome(f flow.Flow, src, dst *ifaceInfo) Outcome {
	r := m.check(f, src)
	m.markUnknowns(r, src, dst)
	return r.Outcome
}

// VerdictFlow answers f as [Model.CheckFlow] does, with the outcome
// alone: CheckFlow(f).Outcome, and the same errors, without building the
// trace.
func (m *Model) VerdictFlow(f flow.Flow) (Outcome, error) {
	src, err := m.flowEnds(f)
	if err != nil {
		return Unreachable, err
	}
	if len(m.unknownIfaces)+len(m.unknownPublic) > 0 {
		if dst, _ := m.resolve(f.Dst.Addr().String()); len(m.unknownEnds(f, src.iface, dst.iface)) > 0 {
			return m.checkedOutcome(f, src.iface, dst.iface), nil
		}
	}
	return m.verdict(f, src.iface), nil
}

// verdict walks f from src (nil: the internet) with explain off, on
// walkers and hop buffers reused from earlier verdicts.
func (m *Model) verdict(f flow.Flow, src *ifaceInfo) Outcome {
	s := quietWalks.Get().(*quietWalk)
	defer quietWalks.Put(s)
	fw, rw := s.reset(m)
	arrived, _ := m.walkWith(f, src, fw, rw)
	if len(m.unknownNATs)+len(m.multiNATs) > 0 && len(m.natUnknowns(s.fwd, f.Dst.Addr())) > 0 {
		if out := outcomeOf(s.fwd, s.ret, arrived.ok); m.sameFromEveryAddress(f, src, s.fwd, out) {
			return out // the same whichever address the gateway picks
		}
		return Indeterminate // a NAT gateway on the path whose address is known only later, or picked among several
	}
	return outcomeOf(s.fwd, s.ret, arrived.ok)
}

// quietWalk is the reusable state of one verdict: the two walkers and
// their hop buffers, kept with their capacity between verdicts.
type quietWalk struct {
	fw, rw   walker
	fwd, ret []Hop
	// xf and xr hold, during an explained walk into a Result, its arrays
	// (nil between walks: the pool keeps no Result's hops)
	xf, xr []Hop
	// filters holds the filters a set question's walk notes
	// (portPathNamed), read through the portPath as fwd and ret are
	filters []filterHop
	// client holds anyClientByHop's client-port bounds (the request's,
	// the reply's, both merged), marks and atoms, kept for their room
	client      [3]*flow.Bounds
	clientMarks []hopRef
	clientAtoms []flow.PortRange
}

// emptyClientBounds returns s's client-port bounds i, emptied, varying f
// (made at the first ask).
func (s *quietWalk) emptyClientBounds(i int, f flow.Field) *flow.Bounds {
	if s.client[i] == nil {
		s.client[i] = flow.NewBounds(f)
	} else {
		s.client[i].Reset()
	}
	return s.client[i]
}

var quietWalks = sync.Pool{New: func() any {
	return &quietWalk{fwd: make([]Hop, 0, verdictHops), ret: make([]Hop, 0, verdictHops)}
}}

// reset readies s for a walk of m and returns its walkers. The hops,
// interfaces, translations, crossings and forwarding points of the last
// walk stay in the buffers' room, unread, until overwritten: clearing
// them would cost a verdict more than the pool holds them (it drops them
// at the collector's next cycles).
func (s *quietWalk) reset(m *Model) (fw, rw *walker) {
	s.fwd, s.ret = s.fwd[:0], s.ret[:0]
	for _, w := range [2]*walker{&s.fw, &s.rw} {
		*w = walker{m: m, identity: true, seen: w.seen[:0], nat: w.nat[:0], crossed: w.crossed[:0], visited: w.visited[:0], refOut: w.refOut[:0], fork: w.fork, n64: w.n64, eg: w.eg}
	}
	s.fw.leg, s.fw.hops = Forward, &s.fwd
	s.rw.leg, s.rw.hops, s.rw.forward = Return, &s.ret, &s.fw
	return &s.fw, &s.rw
}

// forwardQuietly is the rest of [walker.routeIn] with explain off, once
// route cr of rt matched pkt: the same decisions, no words, and the hop
// written in place.
func (w *walker) forwardQuietly(pkt flow.Flow, s *subnetInfo, rt *rtInfo, cr *compiledRoute) arrival {
	h := w.push()
	h.Kind, h.ID, h.Name, h.Packet = KindRouteTable, rt.ID, rt.Name, pkt
	if cr.Target == TargetBlackhole {
		h.Verdict, h.Code = flow.Deny, BlackholeRoute.OnLeg(w.leg)
		return arrival{}
	}
	h.Verdict = flow.Allow
	w.visited = append(w.visited, visit{kind: KindRouteTable, id: rt.ID, pkt: pkt})
	return w.follow(pkt, s, rt, cr, netip.Prefix{}) // via only words an unmodelled hop
}

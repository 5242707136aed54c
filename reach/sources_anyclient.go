package reach

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
)

// validateClientPort reports what q asks of the client port that cannot
// be answered: AnyClientPort beside SrcPort, or for a protocol without
// ports.
func (q SourcesQuery) validateClientPort() error {
	if !q.AnyClientPort {
		return nil
	}
	if !q.Protocol.HasPorts() {
		return fmt.Errorf("%w: AnyClientPort asks from every client port, and %s has no ports; it is for tcp and udp", ErrQuery, q.Protocol)
	}
	if q.SrcPort != 0 {
		return fmt.Errorf("%w: SrcPort %d and AnyClientPort are both set: ask from one client port or from every one", ErrQuery, q.SrcPort)
	}
	return nil
}

// sourceVerdict is [Model.Verdict] of q, a question from an interface
// of the design, or, when anyClient (tcp, udp), the best of its answers
// over every client port, 1-65535: Reachable when some client port's
// session gets through, else Indeterminate when some might, else
// Unreachable. The client ports are cut where the filters on the path
// treat them apart (the request's source ports, the reply's destination
// ports; one walk from q's client port names them, as addrSources cuts
// them for internet sources: the path does not depend on the client
// port), and one Verdict from the first port of each piece answers it.
func (m *Model) sourceVerdict(q Query, anyClient bool) (Outcome, error) {
	if !anyClient || !q.Protocol.HasPorts() {
		return m.Verdict(q)
	}
	f, src, _, err := m.queryEnds(q)
	if err != nil {
		return Unreachable, err
	}
	fb := flow.NewBounds(flow.FieldSrcPort)
	rb := flow.NewBounds(flow.FieldDstPort)
	var fwd, ret []Hop
	m.walkBounds(f, src.iface, &fwd, &ret, false, fb, rb)
	cb := flow.NewBounds(flow.FieldSrcPort)
	cb.MergeField(flow.FieldSrcPort, fb, flow.FieldSrcPort)
	cb.MergeField(flow.FieldSrcPort, rb, flow.FieldDstPort)
	out := Unreachable
	for _, c := range cb.Atoms(flow.FieldSrcPort, flow.PortRange{Lo: 1, Hi: 65535}) {
		cq := q
		cq.SrcPort = c.Lo
		o, err := m.Verdict(cq)
		if err != nil {
			return Unreachable, err
		}
		switch o {
		case Reachable:
			return Reachable, nil
		case Indeterminate:
			out = Indeterminate
		}
	}
	return out, nil
}

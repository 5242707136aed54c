package reach

import (
	"fmt"
	"net/netip"

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
// port), and one Verdict from the first port of each piece answers it;
// or, where it can (anyClientByHopFits), after a Verdict from q's client
// port that does not get through, one more walk for every client port
// at once (anyClientByHop).
func (m *Model) sourceVerdict(q Query, anyClient bool) (Outcome, error) {
	if !anyClient || !q.Protocol.HasPorts() {
		return m.Verdict(q)
	}
	f, src, _, err := m.queryEnds(q)
	if err != nil {
		return Unreachable, err
	}
	if anyClientHops && m.anyClientByHopFits(f, src.iface) {
		out, err := m.Verdict(q)
		if err != nil || out == Reachable {
			return out, err
		}
		if o, _, ok := m.anyClientByHop(f, src.iface); ok {
			if o == Unreachable {
				o = out // Indeterminate from q's client port stays so
			}
			return o, nil
		}
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

// anyClientOutcome answers an address atom of addrSources from every
// client port (anyClient): the best outcome over the client atoms, as
// decide (a walk, or the single check's rule) gives it from one client
// port. f's source is the atom's representative rep. f's own client port
// is asked first: a session that gets through from it needs no other
// (most sources either get through from every client port or from none),
// and the client atoms, whose cuts ask the filters on the path for their
// bounds (a firewall's over every rule that admits the atom's addresses),
// are found only for an atom it does not reach. When its walk meets a
// certain block at a hop that cannot tell client ports apart (one whose
// bounds cut no client port: a route, a gateway, a filter deciding on the
// destination port alone), every client port meets that block and no
// other client atom is walked; not where the single check's rule answers
// (unknown), which may tell client ports apart where the walk does not.
// byHop (anyClientByHopFits) answers the other client ports hop by hop
// instead of walking them (sources_anyclient_hop.go), after one more
// walk, counted in *atoms. via is the client port a Reachable atom got
// through from, for the caller to ask the next atom from first (f's
// client port need not be the default one: the atoms of a piece mostly
// get through from the same client ports).
func (m *Model) anyClientOutcome(f flow.Flow, src *ifaceInfo, rep netip.Addr, path *atomOutcome, unknown, byHop bool, atoms *int,
	decide func(c uint16) (Outcome, error)) (out Outcome, via uint16, err error) {
	own := f.Src.Port()
	out, err = decide(own)
	if err != nil || out == Reachable {
		return out, own, err
	}
	if byHop && anyClientHops { // byHop: no end told apart (unknown is false)
		g := f
		g.Src = netip.AddrPortFrom(rep, own)
		m.sets.walks.Add(1)
		if o, c, ok := m.anyClientByHop(g, src); ok {
			*atoms++
			switch o {
			case Reachable:
				return Reachable, c, nil
			case Unreachable:
				o = out // Indeterminate from f's client port stays so
			}
			return o, 0, nil
		}
	}
	clients, marks := m.clientAtomsMarked(f, src, rep)
	if out == Unreachable && !unknown {
		p := atomOutcome{fwd: path.fwd, ret: path.ret, marks: marks, zones: path.zones}
		g := f
		g.Src = netip.AddrPortFrom(rep, own)
		m.sets.walks.Add(1)
		if _, settled, err := m.walkAtomSettled(g, src, &p, nil, nil); err != nil || settled {
			return Unreachable, 0, err
		}
	}
	for _, c := range clients {
		if c.Contains(own) {
			continue // asked first
		}
		o, err := decide(c.Lo)
		if err != nil {
			return out, 0, err
		}
		switch o {
		case Reachable:
			return Reachable, c.Lo, nil
		case Indeterminate:
			out = Indeterminate
		}
	}
	return out, 0, nil
}

// eachClientOutcome answers an address atom of addrSourcesEach from f's
// client port, or, when anyClient, from every client atom (the best
// outcome over them), handing each (when not nil) every client atom's
// outcome: none is skipped.
func (m *Model) eachClientOutcome(f flow.Flow, src *ifaceInfo, rep netip.Addr, a flow.AddrRange, anyClient bool, decide func(c uint16) (Outcome, error),
	each func(a flow.AddrRange, c flow.PortRange, o Outcome)) (Outcome, error) {
	clients := []flow.PortRange{flow.Single(f.Src.Port())} // f's client port alone
	if anyClient {
		clients, _ = m.clientAtomsMarked(f, src, rep)
	}
	out := Unreachable
	for _, c := range clients {
		o, err := decide(c.Lo)
		if err != nil {
			return out, err
		}
		if each != nil {
			each(a, c, o)
		}
		if o == Reachable || o == Indeterminate && out == Unreachable {
			out = o
		}
		if out == Reachable && each == nil {
			break
		}
	}
	return out, nil
}

// clientAtomsMarked returns the client ports (the request's source port,
// the reply's destination port) that f from src, its source address
// replaced by rep, cannot tell apart: the atoms of the bounds of the
// filters on its path, asked with its addresses fixed; and the hops of
// the path whose filters cut the client ports (atomOutcome.marks). A
// filter whose rules name addresses cuts the client ports of only those
// rules that admit the atom's addresses (a firewall of 10,000 rules
// naming destination ports adds a handful, not every rule's port: asked
// with the addresses varied, as the piece's discovery walk asks, it would
// add every one); within an address atom the rules admitting its
// addresses are the same, so one walk's bounds serve every address of
// the atom.
func (m *Model) clientAtomsMarked(f flow.Flow, src *ifaceInfo, rep netip.Addr) ([]flow.PortRange, []hopRef) {
	f.Src = netip.AddrPortFrom(rep, f.Src.Port())
	fb := flow.NewBounds(flow.FieldSrcPort)
	rb := flow.NewBounds(flow.FieldDstPort)
	var fwd, ret []Hop
	var marks []hopRef
	fw := &walker{m: m, leg: Forward, hops: &fwd, identity: true, bounds: fb, marks: &marks}
	rw := &walker{m: m, leg: Return, hops: &ret, identity: true, forward: fw, bounds: rb, marks: &marks}
	m.walkWith(f, src, fw, rw)
	m.sets.walks.Add(1)
	cb := flow.NewBounds(flow.FieldSrcPort)
	cb.MergeField(flow.FieldSrcPort, fb, flow.FieldSrcPort)
	cb.MergeField(flow.FieldSrcPort, rb, flow.FieldDstPort)
	return cb.Atoms(flow.FieldSrcPort, flow.PortRange{Lo: 1, Hi: 65535}), marks
}

// anyClientFirst lets addrSources ask an address atom from f's own client
// port first (anyClientOutcome); false walks every client atom until one
// reaches, as before: the reference the tests hold it to. A variable for
// the tests.
var anyClientFirst = true

// anyClientHops lets anyClientOutcome answer an address atom's other
// client ports hop by hop where it can (anyClientByHop); false walks
// them: the reference the tests hold it to. A variable for the tests.
var anyClientHops = true

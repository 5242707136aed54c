package reach

import (
	"github.com/reachsim/reachsim/flow"
)

// An address atom from every client port, hop by hop.
//
// An address atom of Sources or Audit with AnyClientPort that does not
// get through from the client port asked first (the default one, or the
// one the atom before got through from: anyClientOutcome) used to be
// walked once per client atom until one got through: behind a firewall
// whose rules name many source ports (or whose stateless rules name many
// destination ports, which the reply's destination port, the client's,
// meets), an atom that no client port passes cost a hundred walks or
// more, and an audit of eight interfaces half a minute. Ports' hop-by-hop
// machinery (ports_fast.go) answers it after one quiet walk instead: with
// the addresses and the destination port fixed, every hop of the path
// decides on the client port alone, or on neither, so the hops that
// decide on the destination port alone settle every client port at once
// (as does a certain block at a hop whose filter cannot tell client ports
// apart: blocksUnmarked), and the others (a network ACL or security group
// on the reply, an Alibaba Cloud group, a firewall) judge each client
// atom by their runs and the firewall's grid of verdicts (ports_grid.go),
// not by a walk. The answer is the best over the client atoms, as the
// walks give it; TestAnyClientByHopAgreesWithWalks holds the two to each
// other on random designs, and the tests of sources_anyclient*_test.go
// the whole answers to brute force and to the walk of every client atom.

// anyClientByHopFits reports whether the address atoms of a Sources
// question whose flow is f (its source address varied), from src (nil:
// the internet), can be answered from every client port hop by hop: no
// hop the single walk treats apart by port (the Amazon DNS server, an
// instance's own services, Alibaba Cloud's services), no choice of path
// (appliance mode, an appliance's NAT64 forks or interfaces), nothing
// known only later — what [Model.Ports] walks atom by atom too.
func (m *Model) anyClientByHopFits(f flow.Flow, src *ifaceInfo) bool {
	switch {
	case !f.Protocol.HasPorts(), m.zoneForks, len(m.egressInst) > 0,
		nat64Forks(f) && m.routesNAT64ToInterface(),
		m.unknownACLs+m.unknownRoutes+m.groupsUnknownN > 0,
		len(m.unknownIfaces)+len(m.unknownPublic)+len(m.unknownNATs)+len(m.multiNATs) > 0:
		return false
	}
	dst, _ := m.resolve(f.Dst.Addr().String())
	_, svc := m.instanceServiceFor(src, f.Dst.Addr())
	return !dst.dns && !dst.local && !svc && !m.nat64DNS(f.Dst.Addr())
}

// anyClientByHop answers f (its source the address atom's
// representative) from every client port, 1-65535: Reachable when some
// client port's session gets through, else Indeterminate when some
// might, else Unreachable; and the first client port of the atom that
// got through (0 for none). ok is false where the path needs walks (a
// port the walk treats apart, a NAT gateway's path the question cannot
// pin down): the caller walks the client atoms then. The client atoms
// are clientAtomsMarked's, from the bounds its one walk collects; a
// firewall's verdict on each is a cell of its grid, kept for the next
// address atom of the same firewall atoms.
func (m *Model) anyClientByHop(f flow.Flow, src *ifaceInfo) (out Outcome, via uint16, ok bool) {
	s := quietWalks.Get().(*quietWalk)
	defer quietWalks.Put(s)
	bs := clientBounds{fwd: s.emptyClientBounds(0, flow.FieldSrcPort), ret: s.emptyClientBounds(1, flow.FieldDstPort), marks: s.clientMarks[:0]}
	p, err := m.portPathNamed(s, f, src, false, &bs)
	s.clientMarks = bs.marks // its room for the next question
	switch {
	case err != nil || p.apart != 0: // Alibaba Cloud's port 25 is walked
		return Unreachable, 0, false
	case p.settled:
		return Unreachable, 0, true
	}
	port := f.Dst.Port()
	p.sortFilters()
	und := false // a hop deciding on the destination port alone cannot decide
	for _, h := range p.dest {
		run := runAt(h.runs, port)
		if run.blocks() {
			return Unreachable, 0, true // whatever the client port
		}
		und = und || run.und
	}
	cb := s.emptyClientBounds(2, flow.FieldSrcPort)
	cb.MergeField(flow.FieldSrcPort, bs.fwd, flow.FieldSrcPort)
	cb.MergeField(flow.FieldSrcPort, bs.ret, flow.FieldDstPort)
	s.clientAtoms = cb.AtomsInto(s.clientAtoms[:0], flow.FieldSrcPort, flow.PortRange{Lo: 1, Hi: 65535})
	out = Unreachable
	for _, c := range s.clientAtoms {
		switch p.outcomeFrom(c.Lo, port, und) {
		case Reachable:
			return Reachable, c.Lo, true
		case Indeterminate:
			out = Indeterminate
		}
	}
	return out, 0, true
}

// outcomeFrom is the outcome of the session from client port c to
// destination port port, the hops that decide on the destination port
// alone passing it (und: one of them cannot decide): outcomeAt's rule
// over the other hops' decisions, the cheap ones asked first.
func (p *portPath) outcomeFrom(c, port uint16, und bool) Outcome {
	for _, h := range p.client {
		run := runAt(h.runs, c)
		if run.blocks() {
			return Unreachable
		}
		und = und || run.und
	}
	for _, fh := range p.both {
		d := fh.sg.Evaluate(fh.packet(c, port), fh.dir)
		if code := sgDecisionCode(fh.sg, d); code != "" && d.Verdict != flow.Indeterminate {
			return Unreachable
		}
		und = und || d.Verdict == flow.Indeterminate
	}
	for i := range p.sessions {
		s := &p.sessions[i]
		v := s.cell(atomOf(s.grid.src, c), atomOf(s.grid.dst, port))
		for leg, at := range [2]int{s.fwd, s.ret} {
			if at < 0 {
				continue
			}
			code, u := v.on(Leg(leg))
			if code != "" && !u {
				return Unreachable
			}
			und = und || u
		}
	}
	switch {
	case und:
		return Indeterminate
	case p.reachable:
		return Reachable
	}
	return Unreachable
}

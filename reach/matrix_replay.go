package reach

import (
	"cmp"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
)

// A middle's port (and ICMP) atoms, judged again without walking. The path of a
// walk does not depend on its ports: routes match addresses, and a
// filter that blocks lets the walk go on (its block recorded) — the one
// exception, Alibaba Cloud's port 25, is a hop of its own that only an
// Alibaba interface's request meets. With the ends' security groups
// deferred, only the network ACLs and the firewalls on the path judge
// ports. So once the tcp (or udp) walk has found the path and the bounds,
// each atom is judged by those alone: every ACL hop evaluated again with
// the atom's port, every firewall session judged again (on the walk's
// crossings with the atom's port, paired once: a tcp or udp session read
// from its firewall's grid of verdicts, ports_grid.go, which middles
// with the same addresses share; any other by Model.inspectSession), and
// the outcome read from the hops as a walk's (outcomeOf).
// ICMP types and codes are replayed alike (a reply carries its request's
// reply type, flow.Flow.Reverse). Where the path holds anything else
// that could see the varied fields (a gateway endpoint sees ICMP types),
// or a hop whose packet does not carry the walk's values where expected,
// each atom is walked whole, as Model.portSet and Model.icmpSet do.

// replay is a tcp or udp walk of a middle, kept to judge its atoms.
type replay struct {
	m        *Model
	fwd, ret []Hop // the walk's hops, changed in place per atom
	acls     []replayACL
	cross    [2][]crossing // the walk's firewall crossings, per leg, changed in place per atom
	sessions []session     // the crossings paired into sessions (pairCrossings)
	// grids holds, per session, its firewall's grid of verdicts
	// (ports_grid.go), which questions on other paths with the same
	// addresses share; nil for a session judged by inspectSession: icmp,
	// or one crossing one leg only after the reply was traced
	grids   []*fwSession
	arrived bool
	blocked bool // a hop that does not see ports blocks for certain
}

// replayACL is an ACL hop of the walk: its leg (0 forward, 1 return),
// index, and evaluator.
type replayACL struct {
	leg, hop int
	acl      *aclInfo
}

// newReplay keeps the walk of f (path, its walkers fw and rw, and
// whether the request arrived) for replay; fits tells whether a packet
// of a leg (0 the request, 1 the reply) carries f's values of the
// varied fields where the walk put them. False when its atoms must be
// walked whole.
func newReplay(m *Model, src *ifaceInfo, path *atomOutcome, fw, rw *walker, arrived bool, fits func(pkt flow.Flow, leg int) bool) (*replay, bool) {
	if src.isAlibaba() {
		return nil, false
	}
	r := &replay{m: m, fwd: path.fwd, ret: path.ret, arrived: arrived} // the path is the replay's now
	for leg, hops := range [2][]Hop{r.fwd, r.ret} {
		for i := range hops {
			h := &hops[i]
			if !fits(h.Packet, leg) {
				return nil, false
			}
			switch h.Kind {
			case KindPlatform, KindGatewayEndpoint: // they may see ports or ICMP types
				return nil, false
			case KindNetworkACL:
				a := m.acls[h.ID]
				if a == nil || a.acl.ID != h.ID {
					return nil, false
				}
				r.acls = append(r.acls, replayACL{leg, i, a})
			}
		}
	}
	for leg, w := range [2]*walker{fw, rw} {
		for _, c := range w.crossed {
			if !fits(c.pkt, leg) {
				return nil, false
			}
			r.cross[leg] = append(r.cross[leg], c)
		}
	}
	// Which crossings are one session does not depend on the port: both
	// legs' packets carry it alike.
	r.sessions = pairCrossings(r.cross[0], r.cross[1])
	r.grids = make([]*fwSession, len(r.sessions))
	for i, s := range r.sessions {
		if c := cmp.Or(s.fwd, s.ret); c.pkt.Protocol.IsICMP() {
			continue
		}
		if fs, ok := newFWSession(s, arrived, oneWay(r.fwd)); ok && !fs.asym {
			r.grids[i] = &fs
		}
	}
	judged := map[*Hop]bool{}
	for _, a := range r.acls {
		judged[&[2][]Hop{r.fwd, r.ret}[a.leg][a.hop]] = true
	}
	for leg, cs := range r.cross {
		for _, c := range cs {
			judged[&[2][]Hop{r.fwd, r.ret}[leg][c.hop]] = true
		}
	}
	for _, hops := range [2][]Hop{r.fwd, r.ret} {
		for i := range hops {
			if h := &hops[i]; !judged[h] && h.Code != "" && !h.Undecided() {
				r.blocked = true
			}
		}
	}
	return r, true
}

// serverPort is the server's port of a packet of the request (leg 0,
// its destination port) or the reply (1, its source port).
func serverPort(pkt flow.Flow, leg int) uint16 {
	if leg == 1 {
		return pkt.Src.Port()
	}
	return pkt.Dst.Port()
}

// withPort returns pkt with the server's port set to port.
func withPort(pkt flow.Flow, leg int, port uint16) flow.Flow {
	if leg == 1 {
		pkt.Src = netip.AddrPortFrom(pkt.Src.Addr(), port)
	} else {
		pkt.Dst = netip.AddrPortFrom(pkt.Dst.Addr(), port)
	}
	return pkt
}

// outcome judges the walk's session with the varied fields set by set
// (in a packet of leg 0, the request, or 1, the reply). A certain block
// anywhere decides (outcomeOf), so a block among the hops that do not
// see the fields, or at an ACL, spares the rest.
func (r *replay) outcome(set func(pkt flow.Flow, leg int) flow.Flow) Outcome {
	if r.blocked {
		return Unreachable
	}
	legs := [2][]Hop{r.fwd, r.ret}
	for _, a := range r.acls {
		h := &legs[a.leg][a.hop]
		h.Packet = set(h.Packet, a.leg)
		if h.natPort { // the reply to the port a NAT gateway picked (natport.go)
			var code Code
			h.Verdict, code = natACLVerdict(a.acl.ev, h.Packet, h.Direction)
			h.Code = code.OnLeg(h.Leg)
			if h.Verdict == flow.Deny {
				return Unreachable
			}
			continue
		}
		d := a.acl.ev.Evaluate(h.Packet, h.Direction)
		h.Verdict, h.Code = d.Verdict, ""
		if d.Verdict != flow.Allow {
			h.Code = ACLDeny
			if d.Default {
				h.Code = ACLDefaultDeny
			}
			h.Code = h.Code.OnLeg(h.Leg)
			if !h.Undecided() {
				return Unreachable
			}
		}
	}
	for leg := range 2 {
		for i := range r.cross[leg] {
			c := &r.cross[leg][i]
			c.pkt = set(c.pkt, leg)
			h := &legs[leg][c.hop]
			h.Packet, h.Verdict, h.Code = c.pkt, flow.Allow, ""
		}
	}
	for i, s := range r.sessions {
		if fs := r.grids[i]; fs != nil {
			r.inspectByGrid(fs, s)
			continue
		}
		r.m.inspectSession(r.fwd, r.ret, s, r.arrived, false)
	}
	return outcomeOf(r.fwd, r.ret, r.arrived)
}

// inspectByGrid is inspectSession (quiet) for tcp or udp session s, its
// verdicts read from its firewall's grid (fs) at the atoms of the
// session's ports as the replay set them: the firewall decides alike
// within an atom (its bounds), as Ports relies on.
func (r *replay) inspectByGrid(fs *fwSession, s session) {
	req, ei := s.request()
	g := fs.grid
	var v cellValue
	if g.nat != nil {
		v = fs.natCell(atomOf(g.dst, req.Dst.Port()))
	} else {
		v = fs.cell(atomOf(g.src, req.Src.Port()), atomOf(g.dst, req.Dst.Port()))
	}
	conn := fs.conn
	conn.Flow = req
	inspectQuietly(r.fwd, r.ret, s, ei, r.arrived, v.req(), v.rep(), conn)
}

// portSetReplayed is Model.portSet with security groups deferred, its
// atoms judged by replay where the walk allows.
func (m *Model) portSetReplayed(f flow.Flow, src *ifaceInfo) (open, und flow.PortSet, hops []sgHop, walks int, err error) {
	fb := flow.NewBounds(flow.FieldDstPort)
	rb := flow.NewBounds(flow.FieldSrcPort)
	s := quietWalks.Get().(*quietWalk)
	defer quietWalks.Put(s)
	fw, rw := s.reset(m)
	fw.bounds, rw.bounds, fw.deferSG, rw.deferSG = fb, rb, true, true
	arrived, _ := m.walkWith(f, src, fw, rw)
	path := atomOutcome{fwd: s.fwd, ret: s.ret}
	hops = append(fw.deferred, rw.deferred...)
	walks++
	pb := flow.NewBounds(flow.FieldDstPort)
	pb.MergeField(flow.FieldDstPort, fb, flow.FieldDstPort)
	pb.MergeField(flow.FieldDstPort, rb, flow.FieldSrcPort)
	pb.MergeField(flow.FieldDstPort, portsWalkTreatsApart(), flow.FieldDstPort)
	rp, ok := newReplay(m, src, &path, fw, rw, arrived.ok, func(pkt flow.Flow, leg int) bool { return serverPort(pkt, leg) == f.Dst.Port() })
	var o, u []flow.PortRange
	for _, p := range pb.Atoms(flow.FieldDstPort, flow.PortRange{Lo: 1, Hi: 65535}) {
		var out Outcome
		if ok {
			out = rp.outcome(func(pkt flow.Flow, leg int) flow.Flow { return withPort(pkt, leg, p.Lo) })
		} else {
			g := f
			g.Dst = netip.AddrPortFrom(f.Dst.Addr(), p.Lo)
			if out, err = m.setAtom(g, src, &path, true); err != nil {
				return open, und, hops, walks, err
			}
		}
		walks++
		switch out {
		case Reachable:
			o = append(o, p)
		case Indeterminate:
			u = append(u, p)
		}
	}
	return flow.SetOf(o...), flow.SetOf(u...), hops, walks, nil
}

// icmpOnLeg returns the ICMP type and code of the request of type t and
// code c (leg 0) or of its reply (1), as flow.Flow.Reverse has it.
func icmpOnLeg(proto flow.Protocol, t, c uint8, leg int) (uint8, uint8) {
	f := flow.Flow{Protocol: proto, ICMPType: t, ICMPCode: c}
	if leg == 1 {
		f = f.Reverse()
	}
	return f.ICMPType, f.ICMPCode
}

// icmpSetReplayed is Model.icmpSet with security groups deferred, its
// atoms judged by replay where the walk allows.
func (m *Model) icmpSetReplayed(f flow.Flow, src *ifaceInfo) (open, und []ICMPCodes, walks int, err error) {
	fb := flow.NewBounds(flow.FieldICMPType, flow.FieldICMPCode)
	rb := flow.NewBounds(flow.FieldICMPType, flow.FieldICMPCode)
	s := quietWalks.Get().(*quietWalk)
	defer quietWalks.Put(s)
	fw, rw := s.reset(m)
	fw.bounds, rw.bounds, fw.deferSG, rw.deferSG = fb, rb, true, true
	arrived, _ := m.walkWith(f, src, fw, rw)
	path := atomOutcome{fwd: s.fwd, ret: s.ret}
	walks++
	rp, ok := newReplay(m, src, &path, fw, rw, arrived.ok, func(pkt flow.Flow, leg int) bool {
		t, c := icmpOnLeg(f.Protocol, f.ICMPType, f.ICMPCode, leg)
		return pkt.ICMPType == t && pkt.ICMPCode == c
	})
	types, codes := icmpAtoms(f.Protocol, fb, rb)
	for _, tr := range types {
		for _, cr := range codes {
			var out Outcome
			oneWay := (flow.Flow{Protocol: f.Protocol, ICMPType: uint8(tr.Lo)}).IsICMPError()
			if ok && !oneWay { // an error message's reply does not count: walked below
				out = rp.outcome(func(pkt flow.Flow, leg int) flow.Flow {
					pkt.ICMPType, pkt.ICMPCode = icmpOnLeg(f.Protocol, uint8(tr.Lo), uint8(cr.Lo), leg)
					return pkt
				})
			} else {
				g := f
				g.ICMPType, g.ICMPCode = uint8(tr.Lo), uint8(cr.Lo)
				if out, err = m.setAtom(g, src, &path, true); err != nil {
					return open, und, walks, err
				}
			}
			walks++
			c := flow.Range[uint8]{Lo: uint8(cr.Lo), Hi: uint8(cr.Hi)}
			for t := int(tr.Lo); t <= int(tr.Hi); t++ {
				switch out {
				case Reachable:
					open = addICMP(open, uint8(t), c)
				case Indeterminate:
					und = addICMP(und, uint8(t), c)
				}
			}
		}
	}
	return open, und, walks, nil
}

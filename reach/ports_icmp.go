package reach

import (
	"errors"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// Ports for icmp and icmpv6, hop by hop: as for ports (ports_fast.go),
// over the types and codes, each pair numbered type<<8|code so that the
// runs and the sweep of ports serve. The reply of a query type carries
// its paired type ([flow.Flow.Reverse]), which a filter on the reply
// judges: every paired type is an atom of its own, and the reply's
// filters are asked about the paired type.

// icmpRuns decides fh for every type and code of a request: its own
// atoms of types (and the paired types apart) and of codes, each decided
// by Evaluate at its first type (as the reply carries it, on the reply)
// and code.
func (fh *filterHop) icmpRuns() []portRun {
	b := flow.NewBounds(flow.FieldICMPType, flow.FieldICMPCode)
	if fh.kind == KindNetworkACL {
		fh.acl.Bounds(fh.pkt, fh.dir, b)
	} else {
		fh.sg.Bounds(fh.pkt, fh.dir, b)
	}
	for _, r := range typeEdges[b2i(fh.pkt.Protocol == flow.ICMPv6)] {
		b.Add(flow.FieldICMPType, r.Lo, r.Hi)
	}
	types, codes := b.Atoms(flow.FieldICMPType, flow.PortRange{Hi: 255}), b.Atoms(flow.FieldICMPCode, flow.PortRange{Hi: 255})
	decided := make([]portRun, len(types)*len(codes)) // code and und of each pair of atoms
	for ti, tr := range types {
		pkt := fh.pkt
		pkt.ICMPType = uint8(tr.Lo)
		if fh.leg == Return {
			pkt.ICMPType = flow.Flow{Protocol: pkt.Protocol, ICMPType: uint8(tr.Lo)}.Reverse().ICMPType // the reply's type
		}
		for ci, cr := range codes {
			pkt.ICMPCode = uint8(cr.Lo)
			d := &decided[ti*len(codes)+ci]
			if fh.leg == Return && pkt.IsICMPError() {
				continue // an error message has no reply: nothing to judge
			}
			if fh.kind == KindNetworkACL {
				d.code = aclCode(fh.acl.Evaluate(pkt, fh.dir)).OnLeg(fh.leg)
				continue
			}
			v := fh.sg.Evaluate(pkt, fh.dir).Verdict
			d.code, d.und = sgCode(fh.sg, v).OnLeg(fh.leg), v == flow.Indeterminate
		}
	}
	var rs []portRun
	for ti, tr := range types {
		row := decided[ti*len(codes) : (ti+1)*len(codes)]
		if d := row[0]; !slices.ContainsFunc(row[1:], func(o portRun) bool { return o.code != d.code || o.und != d.und }) {
			rs = appendRun(rs, tr.Hi<<8|255, d.code, d.und) // every code of these types alike: one run
			continue
		}
		for t := int(tr.Lo); t <= int(tr.Hi); t++ {
			for ci, cr := range codes {
				rs = appendRun(rs, uint16(t<<8)|cr.Hi, row[ci].code, row[ci].und)
			}
		}
	}
	return rs
}

// typeEdges holds, for icmp (0) and icmpv6 (1), the type ranges whose
// edges cut every question's types, so that the types of an atom share
// their reply's type and whether they have one: each query type whose
// reply has another type ([flow.Flow.Reverse]) on its own, and each run
// of error messages ([flow.Flow.IsICMPError]), which have no reply, as
// one (icmpv6's 0-127 is one run: an atom each would walk each).
var typeEdges = func() (es [2][]flow.PortRange) {
	for fam, proto := range []flow.Protocol{flow.ICMP, flow.ICMPv6} {
		inRun := false // type t-1 is an error message
		for t := range 256 {
			q := flow.Flow{Protocol: proto, ICMPType: uint8(t)}
			isErr := q.IsICMPError()
			switch {
			case isErr && inRun:
				es[fam][len(es[fam])-1].Hi = uint16(t) // the run goes on
			case isErr || q.Reverse().ICMPType != q.ICMPType:
				es[fam] = append(es[fam], flow.PortRange{Lo: uint16(t), Hi: uint16(t)})
			}
			inRun = isErr
		}
	}
	return es
}()

// icmpByHop answers Ports for icmp and icmpv6 hop by hop: r's ICMP,
// ICMPIndeterminate, Cuts and Atoms.
func (m *Model) icmpByHop(r *PortsResult, f flow.Flow, src *ifaceInfo) error {
	s := quietWalks.Get().(*quietWalk)
	defer quietWalks.Put(s) // its hops are the path's until then
	p, err := m.portPath(s, f, src)
	if err != nil {
		return err
	}
	if oneWayApart(p.path.fwd) {
		return errByAtom
	}
	hops := p.endpointICMPRuns(slices.Clone(p.dest))
	for i := range p.filters {
		fh := &p.filters[i]
		hops = append(hops, hopRuns{fh.leg, fh.hop, fh.icmpRuns()})
	}
	for i := range p.sessions {
		hops = p.sessions[i].appendICMPRuns(hops)
	}
	var open, und []flow.PortRange
	pending := make([][]pendingCut, len(hops)) // per hop, per code
	r.Atoms = sweep(hops, 0, 0, func(piece flow.PortRange, at []int) {
		switch outcomeAt(hops, at, p.reachable) {
		case Reachable:
			open = appendRange(open, piece)
		case Indeterminate:
			und = appendRange(und, piece)
		}
		first := firstBlock(hops, at)
		for k := range hops {
			if cutsAt(hops, at, k, first) {
				pending[k] = pendCut(pending[k], hops[k].runs[at[k]], piece)
			}
		}
	})
	r.ICMP, r.ICMPIndeterminate = icmpCodes(open), icmpCodes(und)
	cuts := newCutSet(&p.path)
	for k, pcs := range pending {
		for _, pc := range pcs {
			cuts.addICMP(cutKey{leg: int(hops[k].leg), hop: hops[k].hop, code: pc.code}, icmpCodes(pc.ports), pc.und)
		}
	}
	r.Cuts = cuts.list()
	p.nameCuts(r.Cuts)
	return nil
}

// icmpCodes lists, in type order, the types and codes of pieces (sorted,
// disjoint, numbered type<<8|code); types with the same codes share one
// set.
func icmpCodes(pieces []flow.PortRange) []ICMPCodes {
	if len(pieces) == 0 {
		return nil
	}
	l := codeLister{out: make([]ICMPCodes, 0, int(pieces[len(pieces)-1].Hi>>8)-int(pieces[0].Lo>>8)+1), t: -1}
	for _, piece := range pieces {
		lt, ht := int(piece.Lo>>8), int(piece.Hi>>8)
		for t := lt; t <= ht; t++ {
			lo, hi := uint8(0), uint8(255)
			if t == lt {
				lo = uint8(piece.Lo)
			}
			if t == ht {
				hi = uint8(piece.Hi)
			}
			if lo == 0 && hi == 255 { // every code of t, and of the types up to the piece's last full one
				last := ht
				if uint8(piece.Hi) != 255 {
					last--
				}
				l.flush()
				l.every(t, last)
				t = last
				continue
			}
			if t != l.t {
				l.flush()
				l.t = t
			}
			l.codes = append(l.codes, flow.Range[uint8]{Lo: lo, Hi: hi})
		}
	}
	l.flush()
	return l.out
}

// codeLister gathers icmpCodes' list: the codes of type t so far, and
// those of the last type listed.
type codeLister struct {
	out         []ICMPCodes
	codes, last []flow.Range[uint8]
	t           int
}

// flush lists type t with its codes, sharing the last type's set when
// they are alike.
func (l *codeLister) flush() {
	if l.t < 0 {
		return
	}
	if n := len(l.out); n > 0 && slices.Equal(l.codes, l.last) {
		l.out = append(l.out, ICMPCodes{Type: uint8(l.t), Codes: l.out[n-1].Codes})
	} else {
		l.out = append(l.out, ICMPCodes{Type: uint8(l.t), Codes: flow.SetOf(l.codes...)})
		l.last = append(l.last[:0], l.codes...)
	}
	l.codes, l.t = l.codes[:0], -1
}

// every lists types from to to with every code, which no other piece
// holds (the pieces are disjoint).
func (l *codeLister) every(from, to int) {
	all := []flow.Range[uint8]{{Lo: 0, Hi: 255}}
	var set flow.Set[uint8]
	if n := len(l.out); n > 0 && slices.Equal(l.last, all) {
		set = l.out[n-1].Codes
	} else {
		set = flow.SetOf(all...)
		l.last = append(l.last[:0], all...)
	}
	for t := from; t <= to; t++ {
		l.out = append(l.out, ICMPCodes{Type: uint8(t), Codes: set})
	}
}

// addICMP sets the types and codes of the cut of hop k.hop of leg k.leg
// (a hop of the discovery's path), which says k.code; und: the hop cannot
// decide them.
func (s *cutSet) addICMP(k cutKey, codes []ICMPCodes, und bool) {
	h := &[2][]Hop{s.path.fwd, s.path.ret}[k.leg][k.hop]
	s.cuts[k] = &Cut{Leg: Leg(k.leg), Hop: k.hop + 1, Kind: h.Kind, ID: h.ID, Name: h.Name, Code: k.code, ICMP: codes, Indeterminate: und}
	s.order = append(s.order, k)
}

// replyRunsICMP is the runs (type<<8|code) of a hop of the reply that
// stops every reply with code: every type but the error messages, which
// have no reply to stop.
func replyRunsICMP(proto flow.Protocol, code Code, und bool) []portRun {
	var rs []portRun
	for t := range 256 {
		if (flow.Flow{Protocol: proto, ICMPType: uint8(t)}).IsICMPError() {
			rs = appendRun(rs, uint16(t<<8|255), "", false)
		} else {
			rs = appendRun(rs, uint16(t<<8|255), code, und)
		}
	}
	return rs
}

// errByAtom says icmpByHop leaves the question to the walks atom by atom.
var errByAtom = errors.New("reach: answered atom by atom")

// oneWayApart reports whether the request hops fwd (of an echo request)
// hold a hop an ICMP error message meets otherwise than the echo does,
// which the hop by hop answer does not tell apart: a firewall crossing
// denied as asymmetric (an error message has no reply to be asymmetric)
// or a NAT gateway (undecided for an error message, natICMPError). The
// walks atom by atom answer those.
func oneWayApart(fwd []Hop) bool {
	return slices.ContainsFunc(fwd, func(h Hop) bool {
		return h.Kind == KindNATGateway || h.Code == AsymmetricRoute
	})
}

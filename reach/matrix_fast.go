package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// The matrix, factored. A session's outcome is the three-valued "and" of
// its hops' decisions: a certain block anywhere stops it, else an
// undecided hop leaves it open, else it works (outcomeOf). Security
// groups never change the path, so the hops split in two: the security
// groups of the interfaces at either end, and the middle (routes,
// gateways, network ACLs, firewalls, and the groups of appliances on the
// way). The middle depends on where the ends sit (their subnets, and
// their addresses as the design's address edges cut them: the
// placement), not on their groups; the groups depend on the ends. So the
// middle is walked once per pair of placements, with the ends' groups
// passing everything and their judgements deferred (sgHop), and each
// pair of classes only asks its two ends' evaluators about the traffic
// the middle lets through. matrixReference, which walks every pair
// whole, is the slow reference TestMatrixFastAgreesWithReference holds
// it to.

// sgHop is a security group judgement the walk deferred: which
// interface's groups, with or without group identity, the packet as it
// reached them, the direction and the leg.
type sgHop struct {
	iface *ifaceInfo
	blind bool
	// maybe: the identity crossed a transit gateway whose security group
	// referencing support is unknown (sgPair.maybe); never with blind
	maybe bool
	// tgwOut, on an outbound judgement with identity, is the VPC of its
	// interface when the packet then crossed a transit gateway: rules
	// referencing groups match no address outside it (sgPair.overTGW)
	tgwOut *vpcInfo
	// nat: the packet's source port is the one a NAT gateway picked,
	// which Alibaba Cloud groups judge over every port it may pick
	// (natsg.go)
	nat bool
	pkt flow.Flow
	dir flow.Direction
	leg Leg
}

// middle is what the middle of one pair of placements lets through, per
// protocol, with the ends' security group judgements deferred.
type middle struct {
	id       int32      // its number among the matrix's middles of pairs of placements
	sa, da   netip.Addr // the addresses of the walk
	src, dst *ifaceInfo // its ends; nil for the internet
	open     Traffic
	und      Traffic
	others   []Outcome // per trafficQuestion.others
	hops     []sgHop   // the deferred judgements, on the tcp walk
	// pieces cuts the tcp and udp ports the middle lets through into
	// ranges of one outcome, for every pair to start from
	pieces [2][]portPiece
	// icmpRuns groups the ICMP types it lets through by their codes
	icmpRuns []icmpRun
}

// setWalk walks f from src quietly, collecting bounds into fb and rb
// (nil: none), and returns the hops and, with deferSG, the security group
// judgements it deferred (passing every packet there).
func (m *Model) setWalk(f flow.Flow, src *ifaceInfo, fb, rb *flow.Bounds, deferSG bool) (atomOutcome, []sgHop) {
	path := atomOutcome{fwd: make([]Hop, 0, verdictHops), ret: make([]Hop, 0, verdictHops)}
	fw := &walker{m: m, leg: Forward, hops: &path.fwd, identity: true, bounds: fb, deferSG: deferSG}
	rw := &walker{m: m, leg: Return, hops: &path.ret, identity: true, forward: fw, bounds: rb, deferSG: deferSG}
	m.walkWith(f, src, fw, rw)
	return path, append(fw.deferred, rw.deferred...)
}

// deferredWalk walks f from src quietly on pooled walkers, security
// group judgements deferred, collecting bounds into fb and rb (nil:
// none), and returns its outcome.
func (m *Model) deferredWalk(f flow.Flow, src *ifaceInfo, fb, rb *flow.Bounds) Outcome {
	s := quietWalks.Get().(*quietWalk)
	defer quietWalks.Put(s)
	fw, rw := s.reset(m)
	fw.bounds, rw.bounds, fw.deferSG, rw.deferSG = fb, rb, true, true
	arrived, _ := m.walkWith(f, src, fw, rw)
	return outcomeOf(s.fwd, s.ret, arrived.ok)
}

// setAtom walks f quietly on pooled walkers, security group judgements
// deferred with deferSG, and checks it took path.
func (m *Model) setAtom(f flow.Flow, src *ifaceInfo, path *atomOutcome, deferSG bool) (Outcome, error) {
	s := quietWalks.Get().(*quietWalk)
	defer quietWalks.Put(s)
	fw, rw := s.reset(m)
	fw.deferSG, rw.deferSG = deferSG, deferSG
	arrived, _ := m.walkWith(f, src, fw, rw)
	if !samePath(s.fwd, path.fwd) || !samePath(s.ret, path.ret) {
		return Unreachable, fmt.Errorf("%w: %s", ErrPathChanged, f)
	}
	return outcomeOf(s.fwd, s.ret, arrived.ok), nil
}

// middleOf walks the middle between src (nil: the internet address sa)
// and da for every protocol of the question.
func (q *trafficQuestion) middleOf(src, dst *ifaceInfo, sa, da netip.Addr) (*middle, int, error) {
	m := q.m
	md := &middle{sa: sa, da: da, src: src, dst: dst}
	walks := 0
	for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
		f := flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(sa, DefaultSourcePort), Dst: netip.AddrPortFrom(da, 1)}
		o, u, hops, n, err := m.portSetReplayed(f, src)
		if err != nil {
			return nil, walks, err
		}
		walks += n
		if proto == flow.TCP {
			md.hops, md.open.TCP, md.und.TCP = hops, o, u
		} else {
			md.open.UDP, md.und.UDP = o, u
		}
	}
	f := flow.Flow{Protocol: flow.ICMP, Src: netip.AddrPortFrom(sa, 0), Dst: netip.AddrPortFrom(da, 0), ICMPType: flow.ICMPEchoRequest}
	if q.v6 {
		f.Protocol, f.ICMPType = flow.ICMPv6, flow.ICMPv6EchoRequest
	}
	o, u, n, err := m.icmpSetReplayed(f, src)
	if err != nil {
		return nil, walks, err
	}
	md.open.ICMP, md.und.ICMP, walks = o, u, walks+n
	for _, p := range q.others {
		g := flow.Flow{Protocol: p, Src: netip.AddrPortFrom(sa, 0), Dst: netip.AddrPortFrom(da, 0)}
		md.others = append(md.others, m.deferredWalk(g, src, nil, nil))
		walks++
	}
	md.pieces = [2][]portPiece{startPieces(md.open.TCP, md.und.TCP), startPieces(md.open.UDP, md.und.UDP)}
	md.icmpRuns = icmpRuns(md.open.ICMP, md.und.ICMP)
	return md, walks, nil
}

// icmpAtoms cuts ICMP types and codes at the bounds of both legs, and
// around every query type whose reply has another type and every run of
// error messages (typeEdges).
func icmpAtoms(proto flow.Protocol, fb, rb *flow.Bounds) (types, codes []flow.PortRange) {
	tb := flow.NewBounds(flow.FieldICMPType, flow.FieldICMPCode)
	tb.Merge(fb)
	tb.Merge(rb)
	for _, r := range typeEdges[b2i(proto == flow.ICMPv6)] {
		tb.Add(flow.FieldICMPType, r.Lo, r.Hi)
	}
	return tb.Atoms(flow.FieldICMPType, flow.PortRange{Lo: 0, Hi: 255}), tb.Atoms(flow.FieldICMPCode, flow.PortRange{Lo: 0, Hi: 255})
}

// pairEnds maps the middle's end interfaces and addresses to another pair's
// that share their placement.
type pairEnds struct {
	md       *middle
	src, dst *ifaceInfo
	sa, da   netip.Addr
}

// iface returns whose groups judge a deferred hop for this pair.
func (e *pairEnds) iface(h *sgHop) *ifaceInfo {
	switch {
	case h.iface == e.md.src && e.src != nil:
		return e.src
	case h.iface == e.md.dst && e.dst != nil:
		return e.dst
	}
	return h.iface
}

// addr maps an address of the middle's walk to this pair's: an end's,
// or, beyond NAT64 (nat64.go), the IPv4 address an end of the prefix
// holds.
func (e *pairEnds) addr(a netip.Addr) netip.Addr {
	md := e.md
	switch {
	case a == md.sa:
		return e.sa
	case a == md.da:
		return e.da
	case a.Is4() && nat64Prefix.Contains(md.da) && nat64Prefix.Contains(e.da) && a == nat64Embedded(md.da):
		return nat64Embedded(e.da)
	case a.Is4() && nat64Prefix.Contains(md.sa) && nat64Prefix.Contains(e.sa) && a == nat64Embedded(md.sa):
		return nat64Embedded(e.sa)
	}
	for _, p := range [2][2]*ifaceInfo{{md.src, e.src}, {md.dst, e.dst}} {
		if p[0] == nil || p[1] == nil {
			continue
		}
		if a == p[0].PublicIP {
			return p[1].PublicIP
		}
		for i, x := range p[0].PrivateIPs {
			if a == x && i < len(p[1].PrivateIPs) {
				return p[1].PrivateIPs[i]
			}
		}
	}
	return a
}

// mapHop returns the middle's deferred hop h as this pair meets it.
func (e *pairEnds) mapHop(h *sgHop) sgHop {
	g := *h
	g.iface = e.iface(h)
	g.pkt.Src = netip.AddrPortFrom(e.addr(h.pkt.Src.Addr()), h.pkt.Src.Port())
	g.pkt.Dst = netip.AddrPortFrom(e.addr(h.pkt.Dst.Addr()), h.pkt.Dst.Port())
	return g
}

// combine answers one pair from its placements' middle: the traffic the
// middle lets through, judged by the pair's own groups.
func (q *trafficQuestion) combine(e *pairEnds) (open, und Traffic) {
	hops := make([]sgHop, len(e.md.hops))
	profs := make([]*hopProfile, len(hops))
	for i := range hops {
		hops[i] = e.mapHop(&e.md.hops[i])
		profs[i] = q.newProfile(&hops[i])
	}
	return q.combineProfiles(e.md, hops, profs)
}

// combineProfiles answers one pair from its placements' middle md, its
// deferred hops as the pair meets them and their profiles (both
// reordered).
func (q *trafficQuestion) combineProfiles(md *middle, hops []sgHop, profs []*hopProfile) (open, und Traffic) {
	// Judge the inbound groups first: they usually let the least through,
	// which leaves the others few values to judge one by one.
	order := make([]int, len(hops))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(hops[x].dir, hops[y].dir) })
	for i := range 2 {
		o, u := sgPorts(hops, profs, order, i, md.pieces[i])
		if i == 0 {
			open.TCP, und.TCP = o, u
		} else {
			open.UDP, und.UDP = o, u
		}
	}
	// Only tcp and udp go on past a NAT64 translation (nat64.go): the
	// hops beyond it (IPv4 in an IPv6 question) judge neither ICMPv6
	// nor other protocols, whose walks end at the translator.
	short := order
	if q.v6 && slices.ContainsFunc(hops, beyondNAT64) {
		short = slices.DeleteFunc(slices.Clone(order), func(i int) bool { return beyondNAT64(hops[i]) })
	}
	open.ICMP, und.ICMP = sgICMP(hops, profs, short, q.v6, md.icmpRuns)
	var oo, uo []flow.Range[uint8]
	for i, p := range q.others {
		v := md.others[i]
		if v == Unreachable {
			continue
		}
		for _, k := range short {
			v = and(v, profs[k].others[i])
		}
		rs := []flow.Range[uint8]{flow.Single(uint8(p))}
		if i == len(q.others)-1 {
			rs = q.unnamed().Ranges()
		}
		switch v {
		case Reachable:
			oo = append(oo, rs...)
		case Indeterminate:
			uo = append(uo, rs...)
		}
	}
	open.Other, und.Other = flow.SetOf(oo...), flow.SetOf(uo...)
	return open, und
}

// beyondNAT64 reports whether h judged, in an IPv6 question, the IPv4
// packet a NAT64 translation made (nat64.go): one only tcp and udp
// become.
func beyondNAT64(h sgHop) bool { return !h.pkt.Is6() }

// evaluator is the hop's security groups, with or without group
// identity; for Alibaba Cloud groups after a NAT gateway, judging every
// source port it may pick (natsg.go).
func (h *sgHop) evaluator() *sg.Evaluator {
	if h.nat && h.iface.sg.normal.Flavour().IsAlibaba() {
		return h.iface.sg.natView(h.blind)
	}
	if h.blind {
		return h.iface.sg.blind()
	}
	if h.maybe {
		return h.iface.sg.maybe()
	}
	if h.tgwOut != nil {
		return h.iface.sg.overTGW(h.tgwOut)
	}
	return h.iface.sg.normal
}

// and folds a filter's verdict into an outcome.
func and(o Outcome, v flow.Verdict) Outcome {
	switch {
	case o == Unreachable || v == flow.Deny:
		return Unreachable
	case v == flow.Indeterminate:
		return Indeterminate
	}
	return o
}

// portPiece is a range of ports (or of ICMP codes) and its outcome so
// far.
type portPiece struct {
	r flow.PortRange
	o Outcome
}

// smallCandidates is the number of values up to which a hop judges every
// value alone rather than asking its bounds.
const smallCandidates = 16

// openCount counts the values of the pieces still open.
func openCount(ps []portPiece) int {
	n := 0
	for _, p := range ps {
		if p.o != Unreachable {
			n += int(p.r.Hi) - int(p.r.Lo) + 1
		}
	}
	return n
}

// judgePieces judges every open piece at one hop: cut at the hop's
// edges for field (all of them when few values are left; bounds asks
// for them), each atom decided by decide at its first value.
func judgePieces(pieces []portPiece, field flow.Field, bounds func(*flow.Bounds), decide func(v uint16) flow.Verdict) []portPiece {
	b := flow.NewBounds(field)
	if openCount(pieces) > smallCandidates {
		bounds(b)
	} else {
		for _, pc := range pieces {
			if pc.o != Unreachable && pc.r.Lo != pc.r.Hi {
				for v := uint32(pc.r.Lo); v <= uint32(pc.r.Hi); v++ {
					b.Add(field, uint16(v), uint16(v))
				}
			}
		}
	}
	next := pieces[:0:0]
	for _, pc := range pieces {
		if pc.o == Unreachable {
			continue
		}
		for _, a := range b.Atoms(field, pc.r) {
			next = append(next, portPiece{a, and(pc.o, decide(a.Lo))})
		}
	}
	return next
}

// startPieces cuts the middle's open and undecided sets into pieces.
func startPieces(mo, mu flow.PortSet) []portPiece {
	var pieces []portPiece
	for _, r := range mo.Union(mu).Ranges() {
		for _, sub := range splitBy(r, mo) {
			o := Indeterminate
			if mo.Contains(sub.Lo) {
				o = Reachable
			}
			pieces = append(pieces, portPiece{sub, o})
		}
	}
	return pieces
}

// piecesSets gathers the pieces into the open and the undecided set.
func piecesSets(pieces []portPiece) (open, und flow.PortSet) {
	var o, u []flow.PortRange
	for _, pc := range pieces {
		switch pc.o {
		case Reachable:
			o = append(o, pc.r)
		case Indeterminate:
			u = append(u, pc.r)
		}
	}
	return flow.SetOf(o...), flow.SetOf(u...)
}

// sgPorts judges the tcp (pi 0) or udp (1) ports the middle lets
// through (open, or undecided) at every deferred hop, in order: the
// request's hops see them as destination ports, the reply's as source
// ports.
func sgPorts(hops []sgHop, profs []*hopProfile, order []int, pi int, start []portPiece) (open, und flow.PortSet) {
	proto := [2]flow.Protocol{flow.TCP, flow.UDP}[pi]
	pieces := start // never changed in place: each hop makes new pieces
	for _, i := range order {
		if len(pieces) == 0 {
			break
		}
		h, pp := &hops[i], &profs[i].ports[pi]
		if pp.ok {
			if h.leg != Return {
				pieces = intersectPieces(pieces, pp.allow, pp.und)
				continue
			}
			next := make([]portPiece, len(pieces))
			for i, pc := range pieces {
				next[i] = portPiece{pc.r, and(pc.o, pp.ret)}
			}
			pieces = next
			continue
		}
		ev := h.evaluator()
		pkt := h.pkt
		pkt.Protocol = proto
		field := flow.FieldDstPort
		if h.leg == Return {
			field = flow.FieldSrcPort
		}
		pieces = judgePieces(pieces, field, func(b *flow.Bounds) { ev.Bounds(pkt, h.dir, b) }, func(v uint16) flow.Verdict {
			g := pkt
			if field == flow.FieldDstPort {
				g.Dst = netip.AddrPortFrom(g.Dst.Addr(), v)
			} else {
				g.Src = netip.AddrPortFrom(g.Src.Addr(), v)
			}
			return ev.Evaluate(g, h.dir).Verdict
		})
	}
	return piecesSets(pieces)
}

// intersectPieces judges the pieces by a filter that allows the ports
// allow and leaves und undecided: what it denies is cut away.
func intersectPieces(pieces []portPiece, allow, und flow.PortSet) []portPiece {
	var next []portPiece
	for _, pc := range pieces {
		if pc.o == Unreachable {
			continue
		}
		for _, r := range flow.SetOf(pc.r).Intersect(allow).Ranges() {
			next = append(next, portPiece{r, pc.o})
		}
		for _, r := range flow.SetOf(pc.r).Intersect(und).Ranges() {
			next = append(next, portPiece{r, and(pc.o, flow.Indeterminate)})
		}
	}
	return next
}

// splitBy cuts r where membership in s changes.
func splitBy(r flow.PortRange, s flow.PortSet) []flow.PortRange {
	var out []flow.PortRange
	lo := uint32(r.Lo)
	for _, x := range s.Ranges() {
		for _, edge := range []uint32{uint32(x.Lo), uint32(x.Hi) + 1} {
			if edge > lo && edge <= uint32(r.Hi) {
				out = append(out, flow.PortRange{Lo: uint16(lo), Hi: uint16(edge - 1)})
				lo = edge
			}
		}
	}
	return append(out, flow.PortRange{Lo: uint16(lo), Hi: r.Hi})
}

// icmpRuns groups the types of the open (mo) and undecided (mu) ICMP
// codes into runs of consecutive types with the same codes.
func icmpRuns(mo, mu []ICMPCodes) []icmpRun {
	var o, u [256]flow.Set[uint8]
	for _, c := range mo {
		o[c.Type] = c.Codes
	}
	for _, c := range mu {
		u[c.Type] = c.Codes
	}
	var runs []icmpRun
	for t := range 256 {
		if o[t].IsEmpty() && u[t].IsEmpty() {
			continue
		}
		if n := len(runs); n > 0 && int(runs[n-1].types.Hi) == t-1 && runs[n-1].open.Equal(o[t]) && runs[n-1].un.Equal(u[t]) {
			runs[n-1].types.Hi = uint16(t)
			continue
		}
		runs = append(runs, icmpRun{flow.PortRange{Lo: uint16(t), Hi: uint16(t)}, o[t], u[t]})
	}
	return runs
}

// icmpRun is a run of ICMP types with the same codes open and undecided.
type icmpRun struct {
	types    flow.PortRange
	open, un flow.Set[uint8]
}

// sgICMP judges the ICMP types and codes the middle lets through at
// every deferred hop; the reply's hops see a query type's reply type.
// Runs of types with the same codes are cut at each hop's type atoms
// (and around the paired query types), and each piece's codes judged by
// the hop's table (icmpTable), built once per evaluator and peer.
func sgICMP(hops []sgHop, profs []*hopProfile, order []int, v6 bool, runs []icmpRun) (open, und []ICMPCodes) {
	if len(runs) == 0 {
		return nil, nil
	}
	fam := 0
	if v6 {
		fam = 1
	}
	paired, reply := &pairedTypes[fam], &replyTypes[fam]
	proto := []flow.Protocol{flow.ICMP, flow.ICMPv6}[fam]
	tb := flow.NewBounds(flow.FieldICMPType) // every hop's type edges
	tb.Merge(paired)
	for _, p := range profs {
		for _, tr := range p.icmp.types {
			tb.Add(flow.FieldICMPType, tr.Lo, tr.Hi)
		}
	}
	for _, run := range runs {
		for _, tr := range tb.Atoms(flow.FieldICMPType, run.types) {
			t := uint8(tr.Lo)
			pieces := startPieces(setOf16(run.open), setOf16(run.un))
			oneWay := (flow.Flow{Protocol: proto, ICMPType: t}).IsICMPError()
			for _, i := range order {
				tt := t
				if hops[i].leg == Return {
					if oneWay {
						continue // an error message has no reply
					}
					tt = reply[t]
				}
				pieces = profs[i].icmp.judge(tt, pieces)
			}
			// every type of the atom has the same codes, one set
			// shared (sets are immutable); the runs and their atoms come
			// in order of type, each type once, so the lists stay sorted
			o, u := piecesCodes(pieces)
			for ty := int(tr.Lo); ty <= int(tr.Hi); ty++ {
				if !o.IsEmpty() {
					open = append(open, ICMPCodes{Type: uint8(ty), Codes: o})
				}
				if !u.IsEmpty() {
					und = append(und, ICMPCodes{Type: uint8(ty), Codes: u})
				}
			}
		}
	}
	return slices.Clip(open), slices.Clip(und)
}

// piecesCodes gathers ICMP code pieces into the open and the undecided
// set of codes.
func piecesCodes(pieces []portPiece) (open, und flow.Set[uint8]) {
	var o, u []flow.Range[uint8]
	for _, pc := range pieces {
		r := flow.Range[uint8]{Lo: uint8(pc.r.Lo), Hi: uint8(pc.r.Hi)}
		switch pc.o {
		case Reachable:
			o = append(o, r)
		case Indeterminate:
			u = append(u, r)
		}
	}
	return flow.SetOf(o...), flow.SetOf(u...)
}

// icmpTable is a hop's verdict on every ICMP type and code for one peer:
// its type atoms and, for each, its code atoms with their verdicts. A
// rule covers a range of types times a range of codes, so the product
// of the two cuts holds one verdict per cell.
type icmpTable struct {
	types []flow.PortRange
	rows  [][]portVerdict
}

type portVerdict struct {
	r flow.PortRange
	v flow.Verdict
}

func newICMPTable(ev *sg.Evaluator, pkt flow.Flow, dir flow.Direction) *icmpTable {
	b := flow.NewBounds(flow.FieldICMPType, flow.FieldICMPCode)
	ev.Bounds(pkt, dir, b)
	t := &icmpTable{types: b.Atoms(flow.FieldICMPType, flow.PortRange{Lo: 0, Hi: 255})}
	codes := b.Atoms(flow.FieldICMPCode, flow.PortRange{Lo: 0, Hi: 255})
	for _, tr := range t.types {
		row := make([]portVerdict, len(codes))
		for j, cr := range codes {
			g := pkt
			g.ICMPType, g.ICMPCode = uint8(tr.Lo), uint8(cr.Lo)
			row[j] = portVerdict{cr, ev.Evaluate(g, dir).Verdict}
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// row returns the code atoms of type ty.
func (t *icmpTable) row(ty uint8) []portVerdict {
	i, _ := slices.BinarySearchFunc(t.types, uint16(ty), func(r flow.PortRange, v uint16) int {
		switch {
		case r.Hi < v:
			return -1
		case r.Lo > v:
			return 1
		}
		return 0
	})
	return t.rows[i]
}

// judge judges code pieces of type ty.
func (t *icmpTable) judge(ty uint8, pieces []portPiece) []portPiece {
	row := t.row(ty)
	var next []portPiece
	for _, pc := range pieces {
		if pc.o == Unreachable {
			continue
		}
		for _, c := range row {
			lo, hi := max(pc.r.Lo, c.r.Lo), min(pc.r.Hi, c.r.Hi)
			if lo <= hi {
				next = append(next, portPiece{flow.PortRange{Lo: lo, Hi: hi}, and(pc.o, c.v)})
			}
		}
	}
	return next
}

// replyTypes maps every ICMP (0) and ICMPv6 (1) type to its reply's
// type ([flow.Flow.Reverse]), and pairedTypes holds as edges the type
// ranges of typeEdges: each type whose reply has another type, each run
// of error messages.
var (
	replyTypes, pairedTypes = func() (r [2][256]uint8, p [2]flow.Bounds) {
		for fam, proto := range []flow.Protocol{flow.ICMP, flow.ICMPv6} {
			p[fam] = *flow.NewBounds(flow.FieldICMPType)
			for t := range 256 {
				r[fam][t] = flow.Flow{Protocol: proto, ICMPType: uint8(t)}.Reverse().ICMPType
			}
			for _, e := range typeEdges[fam] {
				p[fam].Add(flow.FieldICMPType, e.Lo, e.Hi)
			}
		}
		return r, p
	}()
)

// setOf16 widens a set of codes to the port set type pieces work on.
func setOf16(s flow.Set[uint8]) flow.PortSet {
	rs := s.Ranges()
	out := make([]flow.PortRange, len(rs))
	for i, r := range rs {
		out[i] = flow.PortRange{Lo: uint16(r.Lo), Hi: uint16(r.Hi)}
	}
	return flow.SetOf(out...)
}

package reach

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Traffic is a set of sessions of every protocol, as set questions answer
// them: TCP and UDP destination ports, ICMP types and codes, and the
// other protocols by number. Its JSON form is part of the CLI's stable
// schema: sets are strings in the syntax of [flow.Set.String].
type Traffic struct {
	TCP  flow.PortSet `json:"tcp"`
	UDP  flow.PortSet `json:"udp"`
	ICMP []ICMPCodes  `json:"icmp,omitempty"` // ICMP for IPv4, ICMPv6 for IPv6
	// Other holds the other protocol numbers (not tcp, udp, icmp or
	// icmpv6) whose sessions pass.
	Other flow.Set[uint8] `json:"other"`
}

// IsEmpty reports whether t holds no session.
func (t Traffic) IsEmpty() bool {
	return t.TCP.IsEmpty() && t.UDP.IsEmpty() && len(t.ICMP) == 0 && t.Other.IsEmpty()
}

// Equal reports whether t and o hold the same sessions.
func (t Traffic) Equal(o Traffic) bool {
	return t.TCP.Equal(o.TCP) && t.UDP.Equal(o.UDP) && t.Other.Equal(o.Other) &&
		slices.EqualFunc(t.ICMP, o.ICMP, func(a, b ICMPCodes) bool { return a.Type == b.Type && a.Codes.Equal(b.Codes) })
}

// Union returns the sessions in t or o.
func (t Traffic) Union(o Traffic) Traffic {
	out := Traffic{TCP: t.TCP.Union(o.TCP), UDP: t.UDP.Union(o.UDP), Other: t.Other.Union(o.Other)}
	if icmpSorted(t.ICMP) && icmpSorted(o.ICMP) {
		out.ICMP = unionICMP(t.ICMP, o.ICMP)
		return out
	}
	byType := map[uint8]flow.Set[uint8]{}
	for _, c := range slices.Concat(t.ICMP, o.ICMP) {
		byType[c.Type] = byType[c.Type].Union(c.Codes)
	}
	for ty := range 256 {
		if cs, ok := byType[uint8(ty)]; ok && !cs.IsEmpty() {
			out.ICMP = append(out.ICMP, ICMPCodes{Type: uint8(ty), Codes: cs})
		}
	}
	return out
}

// icmpSorted reports whether cs lists each type once, in order, none
// without codes (as set questions build them).
func icmpSorted(cs []ICMPCodes) bool {
	for i, c := range cs {
		if c.Codes.IsEmpty() || (i > 0 && cs[i-1].Type >= c.Type) {
			return false
		}
	}
	return true
}

// unionICMP merges two sorted lists (icmpSorted) into a new one.
func unionICMP(a, b []ICMPCodes) []ICMPCodes {
	if len(a)+len(b) == 0 {
		return nil
	}
	out := make([]ICMPCodes, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].Type < b[j].Type):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j].Type < a[i].Type:
			out = append(out, b[j])
			j++
		default:
			out = append(out, ICMPCodes{Type: a[i].Type, Codes: a[i].Codes.Union(b[j].Codes)})
			i, j = i+1, j+1
		}
	}
	return slices.Clip(out)
}

// String writes t compactly: "tcp 22,443; udp 53; icmp 0,8 (all codes),
// 3 (codes 0-4); other 47,50", "none" when empty.
func (t Traffic) String() string {
	var parts []string
	if !t.TCP.IsEmpty() {
		parts = append(parts, "tcp "+t.TCP.String())
	}
	if !t.UDP.IsEmpty() {
		parts = append(parts, "udp "+t.UDP.String())
	}
	if len(t.ICMP) > 0 {
		parts = append(parts, "icmp "+icmpText(t.ICMP))
	}
	if !t.Other.IsEmpty() {
		parts = append(parts, "other "+t.Other.String())
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

// trafficQuestion is what set questions over every protocol ask for one
// pair: tcp, udp, ICMP of the family, and the other protocols.
type trafficQuestion struct {
	m      *Model
	others []flow.Protocol // one protocol per class of other protocols: each named one, and one unnamed
	v6     bool
}

// newTrafficQuestion lists the protocols a question over every protocol
// walks: tcp, udp, the family's ICMP, every other protocol a filter of
// the model names, and one protocol no filter names, which stands for all
// the others.
func (m *Model) newTrafficQuestion(v6 bool) *trafficQuestion {
	named := map[flow.Protocol]bool{flow.TCP: true, flow.UDP: true, flow.ICMP: true, flow.ICMPv6: true, 0: true}
	add := func(ps []flow.Protocol) {
		for _, p := range ps {
			named[p] = true
		}
	}
	for _, ii := range m.ifaceOrder {
		add(ii.sg.normal.Protocols())
	}
	for _, a := range m.acls {
		add(a.ev.Protocols())
	}
	for _, f := range m.firewalls {
		add(f.engine.Protocols())
	}
	q := &trafficQuestion{m: m, v6: v6}
	for p := flow.Protocol(1); p <= 255; p++ {
		if p != flow.TCP && p != flow.UDP && p != flow.ICMP && p != flow.ICMPv6 && named[p] {
			q.others = append(q.others, p)
		}
	}
	for p := flow.Protocol(1); p <= 255; p++ {
		if !named[p] {
			q.others = append(q.others, p) // the first unnamed stands for every unnamed one
			break
		}
	}
	return q
}

// unnamed returns the protocols the last of others stands for.
func (q *trafficQuestion) unnamed() flow.Set[uint8] {
	set := flow.SetOf(flow.Range[uint8]{Lo: 1, Hi: 255})
	for _, p := range []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6} {
		set = set.Difference(flow.SetOf(flow.Single(uint8(p))))
	}
	for _, p := range q.others[:len(q.others)-1] {
		set = set.Difference(flow.SetOf(flow.Single(uint8(p))))
	}
	return set
}

// pair answers which sessions go from src (nil: the internet address
// sa) to the address da, from the default client port: the traffic that
// is reachable and the traffic the input leaves open, and the number of
// walks.
func (q *trafficQuestion) pair(src *ifaceInfo, sa, da netip.Addr) (open, und Traffic, walks int, err error) {
	m := q.m
	base := flow.Flow{Src: netip.AddrPortFrom(sa, DefaultSourcePort), Dst: netip.AddrPortFrom(da, 1)}
	for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
		f := base
		f.Protocol = proto
		o, u, _, n, err := m.portSet(f, src, false)
		if err != nil {
			return open, und, walks, err
		}
		walks += n
		if proto == flow.TCP {
			open.TCP, und.TCP = o, u
		} else {
			open.UDP, und.UDP = o, u
		}
	}
	f := flow.Flow{Protocol: flow.ICMP, Src: netip.AddrPortFrom(sa, 0), Dst: netip.AddrPortFrom(da, 0), ICMPType: flow.ICMPEchoRequest}
	if q.v6 {
		f.Protocol, f.ICMPType = flow.ICMPv6, flow.ICMPv6EchoRequest
	}
	o, u, n, err := m.icmpSet(f, src, false)
	if err != nil {
		return open, und, walks, err
	}
	open.ICMP, und.ICMP, walks = o, u, walks+n
	n, err = q.otherProtocols(sa, da, &open, &und, func(g flow.Flow) (Outcome, error) { return m.verdict(g, src), nil })
	return open, und, walks + n, err
}

// otherProtocols answers the protocols other than tcp, udp and ICMP from
// sa to da by check, one each (the last for every protocol no filter
// names), into open's and und's Other, and returns the number of checks.
func (q *trafficQuestion) otherProtocols(sa, da netip.Addr, open, und *Traffic, check func(flow.Flow) (Outcome, error)) (int, error) {
	var openO, undO []flow.Range[uint8]
	for i, p := range q.others {
		out, err := check(flow.Flow{Protocol: p, Src: netip.AddrPortFrom(sa, 0), Dst: netip.AddrPortFrom(da, 0)})
		if err != nil {
			return i, err
		}
		rs := []flow.Range[uint8]{flow.Single(uint8(p))}
		if i == len(q.others)-1 {
			rs = q.unnamed().Ranges()
		}
		switch out {
		case Reachable:
			openO = append(openO, rs...)
		case Indeterminate:
			undO = append(undO, rs...)
		}
	}
	open.Other, und.Other = flow.SetOf(openO...), flow.SetOf(undO...)
	return len(q.others), nil
}

// destPortAtoms cuts the destination ports 1-65535 where a walk's bounds
// change: the request's destination ports (fb), the reply's source ports
// (rb), and the one port the walk itself treats apart.
func destPortAtoms(fb, rb *flow.Bounds) []flow.PortRange {
	pb := flow.NewBounds(flow.FieldDstPort)
	pb.MergeField(flow.FieldDstPort, fb, flow.FieldDstPort)
	pb.MergeField(flow.FieldDstPort, rb, flow.FieldSrcPort)
	pb.MergeField(flow.FieldDstPort, portsWalkTreatsApart(), flow.FieldDstPort)
	return pb.Atoms(flow.FieldDstPort, flow.PortRange{Lo: 1, Hi: 65535})
}

// portSet returns the destination ports of f's protocol whose session
// from f's source port is reachable, and those the input leaves open;
// with deferSG, security groups pass everything and their judgements
// are returned instead (matrix_fast.go).
func (m *Model) portSet(f flow.Flow, src *ifaceInfo, deferSG bool) (open, und flow.PortSet, hops []sgHop, walks int, err error) {
	fb := flow.NewBounds(flow.FieldDstPort)
	rb := flow.NewBounds(flow.FieldSrcPort)
	path, hops := m.setWalk(f, src, fb, rb, deferSG)
	walks++
	var o, u []flow.PortRange
	for _, p := range destPortAtoms(fb, rb) {
		g := f
		g.Dst = netip.AddrPortFrom(f.Dst.Addr(), p.Lo)
		out, err := m.setAtom(g, src, &path, deferSG)
		if err != nil {
			return open, und, hops, walks, err
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

// icmpSet returns the ICMP types and codes of f's protocol whose session
// is reachable, and those the input leaves open (security groups
// deferred with deferSG, as portSet). Types are cut where a filter names
// one and around every query type whose reply has another type; codes
// where a filter names one.
func (m *Model) icmpSet(f flow.Flow, src *ifaceInfo, deferSG bool) (open, und []ICMPCodes, walks int, err error) {
	fb := flow.NewBounds(flow.FieldICMPType, flow.FieldICMPCode)
	rb := flow.NewBounds(flow.FieldICMPType, flow.FieldICMPCode)
	path, _ := m.setWalk(f, src, fb, rb, deferSG)
	walks++
	types, codes := icmpAtoms(f.Protocol, fb, rb)
	for _, tr := range types {
		for _, cr := range codes {
			g := f
			g.ICMPType, g.ICMPCode = uint8(tr.Lo), uint8(cr.Lo)
			out, err := m.setAtom(g, src, &path, deferSG)
			if err != nil {
				return open, und, walks, err
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

// fromInternet answers the sessions some internet address opens to b,
// at any address the internet meets it at (internetEnds: its public IPv4
// address when it has one, and the Elastic IPs of its other private
// addresses); each atom's own answer (the union over those addresses)
// goes to spans when it is not nil.
func (q *trafficQuestion) fromInternet(b *ifaceInfo, spans *[]netSpan) (open, und Traffic, walks int, err error) {
	return q.internetEndsUnion(b, true, spans)
}

// toInternet answers the sessions a opens to some internet address, as
// fromInternet.
func (q *trafficQuestion) toInternet(a *ifaceInfo, spans *[]netSpan) (open, und Traffic, walks int, err error) {
	return q.internetEndsUnion(a, false, spans)
}

// internetEndsUnion is internetUnion over every address at which the
// internet meets end (internetEnds), its atoms merged address by
// address.
func (q *trafficQuestion) internetEndsUnion(end *ifaceInfo, fromInternet bool, spans *[]netSpan) (open, und Traffic, walks int, err error) {
	src := end
	if fromInternet {
		src = nil
	}
	ends := end.internetEnds(q.v6, fromInternet)
	if len(ends) == 1 || spans == nil {
		for _, fixed := range ends {
			o, u, n, err := q.internetUnion(src, end, fixed, fromInternet, spans)
			open, und, walks = open.Union(o), und.Union(u), walks+n
			if err != nil {
				return open, und, walks, err
			}
		}
		return open, und.Minus(open), walks, nil
	}
	lists := make([][]netSpan, len(ends))
	for k, fixed := range ends {
		_, _, n, err := q.internetUnion(src, end, fixed, fromInternet, &lists[k])
		walks += n
		if err != nil {
			return open, und, walks, err
		}
	}
	*spans = q.m.unionSpans(lists)
	for _, s := range *spans {
		open, und = open.Union(s.open), und.Union(s.und)
	}
	return open, und.Minus(open), walks, nil
}

// internetUnion answers, over every internet address x, the union of the
// sessions from x to the design's address fixed, one at which the
// internet meets end (fromInternet; at end's private address instead
// where fixed is its public one and x sends there, idAddress), or from
// src at fixed to x: the internet's addresses are cut where the walk
// and the filters on each piece's path (for every protocol and port)
// treat them apart, and each atom answered once (and appended to spans,
// in address order, when it is not nil and carries something).
func (q *trafficQuestion) internetUnion(src, end *ifaceInfo, fixed netip.Addr, fromInternet bool, spans *[]netSpan) (open, und Traffic, walks int, err error) {
	m := q.m
	icmp := flow.ICMP
	if q.v6 {
		icmp = flow.ICMPv6
	}
	protos := append([]flow.Protocol{flow.TCP, flow.UDP, icmp}, q.others...)
	ends := func(x netip.Addr) (sa, da netip.Addr) {
		if fromInternet {
			at, _ := m.idAddress(end, fixed, x) // private_entry.go
			return x, at
		}
		return fixed, x
	}
	pieces, leads := m.internetPiecesAlike(!q.v6, nil)
	if !fromInternet {
		pieces, leads = m.internetDestinationsAlike(!q.v6) // cut within the NAT64 prefix (nat64.go)
	}
	fork := q.v6 && m.nat64MayFork()  // left out, as the factored matrix does (nat64ForkNote)
	unknown := m.toldApart(q.v6, end) // its atoms by the single check's rule (unknown_sets.go)
	checks := 0                       // their number, over the cell
	// whole holds the answers of the pieces walked whole (one atom), by
	// index: a piece alike to one of them takes its answer
	// (internet_alike.go), unless the single check's rule answers
	type answer struct {
		open, und Traffic
		at        netip.Addr
	}
	whole := map[int]answer{}
	for i, piece := range pieces {
		if fork && nat64Prefix.Contains(piece.From) {
			continue
		}
		rep, ok := m.internetIn(piece)
		if !ok {
			continue
		}
		if a, ok := whole[leads[i]]; ok && len(unknown) == 0 {
			if sa, da := ends(rep); fromInternet && da == a.at || !fromInternet && sa == a.at {
				if spans != nil && !(a.open.IsEmpty() && a.und.IsEmpty()) {
					*spans = append(*spans, netSpan{r: piece, open: a.open, und: a.und})
				}
				continue // open and und hold its answer already
			}
		}
		cuts := flow.NewBounds(flow.FieldSrcAddr)
		for _, proto := range protos {
			sa, da := ends(rep)
			f := flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(sa, 0), Dst: netip.AddrPortFrom(da, 0)}
			switch {
			case proto.HasPorts():
				f.Src, f.Dst = netip.AddrPortFrom(sa, DefaultSourcePort), netip.AddrPortFrom(da, 1)
			case proto == flow.ICMP:
				f.ICMPType = flow.ICMPEchoRequest
			case proto == flow.ICMPv6:
				f.ICMPType = flow.ICMPv6EchoRequest
			}
			all := []flow.Field{flow.FieldSrcAddr, flow.FieldDstAddr, flow.FieldSrcPort, flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode}
			fb, rb := flow.NewBounds(all...), flow.NewBounds(all...)
			fb.WindowAddrs(piece.From, piece.To)
			rb.WindowAddrs(piece.From, piece.To)
			var path atomOutcome
			m.walkBounds(f, src, &path.fwd, &path.ret, false, fb, rb)
			m.pieceWalked()
			walks++
			if fromInternet {
				cuts.MergeField(flow.FieldSrcAddr, fb, flow.FieldSrcAddr)
				cuts.MergeField(flow.FieldSrcAddr, rb, flow.FieldDstAddr)
			} else {
				cuts.MergeField(flow.FieldSrcAddr, fb, flow.FieldDstAddr)
				cuts.MergeField(flow.FieldSrcAddr, rb, flow.FieldSrcAddr)
			}
		}
		for _, a := range cuts.AddrAtoms(flow.FieldSrcAddr, piece.From, piece.To) {
			x, ok := m.internetIn(a)
			if !ok {
				continue
			}
			sa, da := ends(x)
			var o, u Traffic
			var n int
			if len(unknown) > 0 {
				o, u, n, err = q.pairRule(src, sa, da, unknown, &checks)
			} else {
				o, u, n, err = q.pair(src, sa, da)
			}
			if err != nil {
				return open, und, walks, err
			}
			open, und, walks = open.Union(o), und.Union(u), walks+n
			if a == piece {
				at := da // the piece's own end of the session
				if !fromInternet {
					at = sa
				}
				whole[i] = answer{o, u.Minus(o), at}
			}
			if spans != nil && !(o.IsEmpty() && u.IsEmpty()) {
				*spans = append(*spans, netSpan{r: a, open: o, und: u.Minus(o)})
			}
		}
	}
	und = und.Minus(open)
	return open, und, walks, nil
}

// Minus returns the sessions of t that are not in o (set difference),
// in t's order: ICMP types ascending when t's are.
func (t Traffic) Minus(o Traffic) Traffic {
	out := Traffic{TCP: t.TCP.Difference(o.TCP), UDP: t.UDP.Difference(o.UDP), Other: t.Other.Difference(o.Other)}
	var have map[uint8]flow.Set[uint8]
	if len(o.ICMP) > 0 {
		have = make(map[uint8]flow.Set[uint8], len(o.ICMP))
	}
	for _, c := range o.ICMP {
		have[c.Type] = c.Codes
	}
	for _, c := range t.ICMP {
		if rest := c.Codes.Difference(have[c.Type]); !rest.IsEmpty() {
			out.ICMP = append(out.ICMP, ICMPCodes{Type: c.Type, Codes: rest})
		}
	}
	return out
}

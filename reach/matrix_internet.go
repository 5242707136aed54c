package reach

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// The internet's cells of the matrix, factored as the pairs of classes
// are (matrix_fast.go): per placement, the internet's addresses are cut
// where the middle tells them apart and each piece's middle walked once;
// per class, each piece is cut further where the class's own groups tell
// addresses apart, and the union of the pieces' answers taken.

// internetMiddles is the middle between the internet and one placement:
// the internet's addresses cut where the walk and the filters of the
// middle treat them apart (the end's groups deferred), each piece with
// its middle.
type internetMiddles struct {
	end *ifaceInfo // the placement's first interface
	// pieces[k] are the pieces at end's k-th address toward the
	// internet (internetEnds)
	pieces [][]internetPiece
}

// netSpan is what the sessions between the internet addresses r and a
// class carry, each address of r alike: one atom of an internet cell.
type netSpan struct {
	r         flow.AddrRange
	open, und Traffic
}

type internetPiece struct {
	r  flow.AddrRange
	md *middle
	// private: the piece's addresses meet the end, named by ID, at its
	// private address, not its public one (idAddress)
	private bool
	at      netip.Addr // the end's address the piece meets (idAddress)
	// lead is the index, among its placement's pieces, of the piece
	// walked whole whose middle this one took, alike to it
	// (internet_alike.go); its own index when it was walked itself
	lead int
}

// allFields is every field a Bounds can vary.
var allFields = []flow.Field{flow.FieldSrcAddr, flow.FieldDstAddr, flow.FieldSrcPort, flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode}

// internetMiddlesOf cuts the internet for end (the destination when
// fromInternet, else the source) and walks each piece's middle.
func (q *trafficQuestion) internetMiddlesOf(end *ifaceInfo, fromInternet bool) (*internetMiddles, int, error) {
	out := &internetMiddles{end: end}
	walks := 0
	for _, fixed := range end.internetEnds(q.v6, fromInternet) {
		pieces, n, err := q.internetMiddlesAt(end, fixed, fromInternet)
		walks += n
		if err != nil {
			return nil, walks, err
		}
		out.pieces = append(out.pieces, pieces)
	}
	return out, walks, nil
}

// internetMiddlesAt is internetMiddlesOf at end's address fixed.
func (q *trafficQuestion) internetMiddlesAt(end *ifaceInfo, fixed netip.Addr, fromInternet bool) ([]internetPiece, int, error) {
	m := q.m
	var out []internetPiece
	walks := 0
	pieces, leads := m.internetPiecesAlike(!q.v6, nil)
	if !fromInternet {
		pieces, leads = m.internetDestinationsAlike(!q.v6) // cut within the NAT64 prefix (nat64.go)
	}
	fork := q.v6 && m.nat64MayFork() // the note nat64ForkNote says so
	// whole holds the pieces walked whole (one atom), by index: those
	// alike to them take their middle (internet_alike.go)
	whole := map[int]internetPiece{}
	for i, piece := range pieces {
		if fork && nat64Prefix.Contains(piece.From) {
			continue // pieces are cut at the prefix (addressCuts)
		}
		rep, ok := m.internetIn(piece)
		if !ok {
			continue
		}
		at, private := fixed, false
		if fromInternet {
			at, private = m.idAddress(end, fixed, rep) // private_entry.go: the piece shares its way back
		}
		if lead, ok := whole[leads[i]]; ok && lead.private == private && lead.at == at {
			out = append(out, internetPiece{r: piece, md: lead.md, private: private, at: at, lead: lead.lead})
			continue
		}
		cuts := flow.NewBounds(flow.FieldSrcAddr)
		for _, f := range q.probes(rep, at, fromInternet) {
			fb, rb := flow.NewBounds(allFields...), flow.NewBounds(allFields...)
			fb.WindowAddrs(piece.From, piece.To)
			rb.WindowAddrs(piece.From, piece.To)
			src := end
			if fromInternet {
				src = nil
			}
			m.deferredWalk(f, src, fb, rb)
			m.pieceWalked()
			walks++
			mergeAddr(cuts, fb, rb, fromInternet)
		}
		for _, a := range cuts.AddrAtoms(flow.FieldSrcAddr, piece.From, piece.To) {
			x, ok := m.internetIn(a)
			if !ok {
				continue
			}
			var md *middle
			var n int
			var err error
			if fromInternet {
				md, n, err = q.middleOf(nil, end, x, at)
			} else {
				md, n, err = q.middleOf(end, nil, fixed, x)
			}
			if err != nil {
				return nil, walks, err
			}
			walks += n
			out = append(out, internetPiece{r: a, md: md, private: private, at: at, lead: len(out)})
			if a == piece {
				whole[i] = out[len(out)-1]
			}
		}
	}
	return out, walks, nil
}

// familyRange is the first and last address of the family.
func familyRange(v6 bool) (from, to netip.Addr) {
	if v6 {
		return netip.IPv6Unspecified(), netip.AddrFrom16([16]byte{0: 0xff, 1: 0xff, 2: 0xff, 3: 0xff, 4: 0xff, 5: 0xff, 6: 0xff, 7: 0xff, 8: 0xff, 9: 0xff, 10: 0xff, 11: 0xff, 12: 0xff, 13: 0xff, 14: 0xff, 15: 0xff})
	}
	return netip.IPv4Unspecified(), netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// probes is one opening packet per protocol of the question between the
// internet address x and fixed.
func (q *trafficQuestion) probes(x, fixed netip.Addr, fromInternet bool) []flow.Flow {
	sa, da := fixed, x
	if fromInternet {
		sa, da = x, fixed
	}
	icmp, echo := flow.ICMP, flow.ICMPEchoRequest
	if q.v6 {
		icmp, echo = flow.ICMPv6, flow.ICMPv6EchoRequest
	}
	out := []flow.Flow{
		{Protocol: flow.TCP, Src: netip.AddrPortFrom(sa, DefaultSourcePort), Dst: netip.AddrPortFrom(da, 1)},
		{Protocol: flow.UDP, Src: netip.AddrPortFrom(sa, DefaultSourcePort), Dst: netip.AddrPortFrom(da, 1)},
		{Protocol: icmp, Src: netip.AddrPortFrom(sa, 0), Dst: netip.AddrPortFrom(da, 0), ICMPType: echo},
	}
	for _, p := range q.others {
		out = append(out, flow.Flow{Protocol: p, Src: netip.AddrPortFrom(sa, 0), Dst: netip.AddrPortFrom(da, 0)})
	}
	return out
}

// mergeAddr gathers into cuts the edges of the internet's address: the
// source's on the request and the destination's on the reply when the
// internet opens the session, the other way round otherwise.
func mergeAddr(cuts, fb, rb *flow.Bounds, fromInternet bool) {
	if fromInternet {
		cuts.MergeField(flow.FieldSrcAddr, fb, flow.FieldSrcAddr)
		cuts.MergeField(flow.FieldSrcAddr, rb, flow.FieldDstAddr)
		return
	}
	cuts.MergeField(flow.FieldSrcAddr, fb, flow.FieldDstAddr)
	cuts.MergeField(flow.FieldSrcAddr, rb, flow.FieldSrcAddr)
}

// internetCell answers the internet's cell with the class of end (the
// destination when fromInternet): each piece of the placement's middles
// cut further where end's own groups tell internet addresses apart, each
// atom judged, and the union taken. Where a hop's groups tell addresses
// apart is asked once per worker and evaluator (sgAddrEdges). When spans
// is not nil, each atom's own answer is appended to it, in address order
// (what [Diff] compares).
func (q *trafficQuestion) internetCell(w *memoWorker, mm *matrixMemo, ims *internetMiddles, end *ifaceInfo, fromInternet bool, spans *[]netSpan) (open, und Traffic) {
	ends := end.internetEnds(q.v6, fromInternet)
	if len(ends) == 1 || spans == nil {
		for k := range min(len(ends), len(ims.pieces)) {
			o, u := q.internetCellAt(w, mm, ims, k, end, ends[k], fromInternet, spans)
			open, und = open.Union(o), und.Union(u)
		}
		return open, und.Minus(open)
	}
	// several addresses: the cell's atoms are each internet address's
	// union over them
	lists := make([][]netSpan, min(len(ends), len(ims.pieces)))
	for k := range lists {
		q.internetCellAt(w, mm, ims, k, end, ends[k], fromInternet, &lists[k])
	}
	*spans = q.m.unionSpans(lists)
	for _, s := range *spans {
		open, und = open.Union(s.open), und.Union(s.und)
	}
	return open, und.Minus(open)
}

// internetCellAt is internetCell at end's k-th address toward the
// internet, fixed.
func (q *trafficQuestion) internetCellAt(w *memoWorker, mm *matrixMemo, ims *internetMiddles, k int, end *ifaceInfo, fixed netip.Addr, fromInternet bool, spans *[]netSpan) (open, und Traffic) {
	m := q.m
	var cuts []netip.Addr
	// alone holds the answers of the pieces judged as one atom, by
	// index: a piece alike to one of them, one atom too, takes its
	// answer (internet_alike.go)
	type answer struct {
		open, und Traffic
		ok        bool
	}
	alone := make([]answer, len(ims.pieces[k]))
	for pi, pc := range ims.pieces[k] {
		cuts = cuts[:0]
		for _, h := range pc.md.hops {
			if h.iface == ims.end {
				h.iface = end
			}
			from, to, embedded := pc.r.From, pc.r.To, false
			if h.peer().Is4() != from.Is4() {
				// a hop beyond NAT64 (nat64.go): its peer is the IPv4
				// address the piece's addresses hold, and its edges
				// cut the piece as their images
				if !nat64Prefix.Contains(from) || !nat64Prefix.Contains(to) {
					continue
				}
				from, to, embedded = nat64Embedded(from), nat64Embedded(to), true
			}
			for _, edges := range q.sgAddrEdges(w, mm, &h) {
				i, _ := slices.BinarySearchFunc(edges, from, netip.Addr.Compare)
				for ; i < len(edges) && edges[i].Compare(to) <= 0; i++ {
					if embedded {
						cuts = append(cuts, nat64Address(edges[i]))
					} else {
						cuts = append(cuts, edges[i])
					}
				}
			}
		}
		slices.SortFunc(cuts, netip.Addr.Compare)
		cuts = slices.Compact(cuts)
		if len(cuts) == 0 || len(cuts) == 1 && cuts[0] == pc.r.From {
			if a := alone[pc.lead]; a.ok && pc.lead != pi {
				if _, ok := m.internetIn(pc.r); ok {
					// open and und hold the answer already, with the lead's
					if spans != nil && !(a.open.IsEmpty() && a.und.IsEmpty()) {
						*spans = append(*spans, netSpan{r: pc.r, open: a.open, und: a.und.Minus(a.open)})
					}
				}
				continue
			}
		}
		for k := 0; k <= len(cuts); k++ {
			a := pc.r
			if k > 0 {
				a.From = cuts[k-1]
			}
			if k < len(cuts) {
				if a.To = cuts[k].Prev(); cuts[k] == pc.r.From {
					continue // the piece's own start
				}
			}
			x, ok := m.internetIn(a)
			if !ok {
				continue
			}
			e := &pairEnds{md: pc.md}
			if fromInternet {
				e.dst, e.sa, e.da = end, x, fixed
				if pc.private {
					e.da, _ = end.addr(false)
				}
			} else {
				e.src, e.sa, e.da = end, fixed, x
			}
			o, u := q.combine(e)
			if a == pc.r {
				alone[pi] = answer{o, u, true}
			}
			open, und = open.Union(o), und.Union(u)
			if spans != nil && !(o.IsEmpty() && u.IsEmpty()) {
				*spans = append(*spans, netSpan{r: a, open: o, und: u.Minus(o)})
			}
		}
	}
	return open, und.Minus(open)
}

// sgAddrKey is what sgAddrEdges depends on.
type sgAddrKey struct {
	ev  *sg.Evaluator
	dir flow.Direction
	v6  bool // the family of the hop's packet: IPv4 beyond NAT64 in an IPv6 question
}

// sgAddrEdges returns the addresses at which h's groups start treating
// their peer's address apart, for any protocol of the question, port,
// ICMP type or code, as sorted lists (their union is the answer): with
// every field but the peer's varied, the bounds depend on the
// evaluator, the direction and the family alone (the question's, but
// IPv4 for a hop beyond NAT64 in an IPv6 question, whose edges are
// IPv4 addresses). AWS allows what any rule of any group allows, so an AWS
// interface's edges are its groups' together, each group's compiled
// alone (matrixMemo.groupIface), which many interfaces share. Remembered
// by the worker w.
func (q *trafficQuestion) sgAddrEdges(w *memoWorker, mm *matrixMemo, h *sgHop) [][]netip.Addr {
	if !mm.denseGroups(h.iface) {
		return [][]netip.Addr{mm.evAddrEdges(w, h)}
	}
	out := make([][]netip.Addr, len(h.iface.Groups))
	for i, g := range h.iface.Groups {
		gh := *h
		gh.iface = mm.groupIface(g)
		out[i] = mm.evAddrEdges(w, &gh)
	}
	return out
}

// evAddrEdges returns, sorted, the addresses at which h's evaluator
// starts treating its peer's address apart (sgAddrEdges), remembered.
func (mm *matrixMemo) evAddrEdges(w *memoWorker, h *sgHop) []netip.Addr {
	k := sgAddrKey{h.evaluator(), h.dir, h.pkt.Is6()}
	if edges, ok := w.addrEdges[k]; ok {
		return edges
	}
	mm.mu.Lock()
	edges, ok := mm.addrEdges[k]
	mm.mu.Unlock()
	if !ok {
		edges = mm.q.newAddrEdges(h)
		mm.mu.Lock()
		mm.addrEdges[k] = edges
		mm.mu.Unlock()
	}
	if w.addrEdges == nil {
		w.addrEdges = map[sgAddrKey][]netip.Addr{}
	}
	w.addrEdges[k] = edges
	return edges
}

// newAddrEdges finds, sorted, the addresses at which h's evaluator
// starts treating its peer's address apart.
func (q *trafficQuestion) newAddrEdges(h *sgHop) []netip.Addr {
	ev := h.evaluator()
	field := flow.FieldSrcAddr
	if h.dir == flow.Outbound {
		field = flow.FieldDstAddr
	}
	b := flow.NewBounds(field, flow.FieldSrcPort, flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode)
	for _, f := range q.probes(h.pkt.Src.Addr(), h.pkt.Dst.Addr(), false) {
		pkt := h.pkt
		pkt.Protocol, pkt.ICMPType, pkt.ICMPCode = f.Protocol, f.ICMPType, f.ICMPCode
		if !f.Protocol.HasPorts() {
			pkt.Src, pkt.Dst = netip.AddrPortFrom(pkt.Src.Addr(), 0), netip.AddrPortFrom(pkt.Dst.Addr(), 0)
		}
		ev.Bounds(pkt, h.dir, b) // every probe's edges together
	}
	from, to := familyRange(h.pkt.Is6())
	atoms := b.AddrAtoms(field, from, to)
	edges := make([]netip.Addr, 0, len(atoms))
	for _, a := range atoms[1:] {
		edges = append(edges, a.From)
	}
	return edges
}

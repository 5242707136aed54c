package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Zone worlds: the set questions on a design with transit gateway
// appliance mode (tgw_appliance.go).
//
// Matrix, Sources, Audit and Diff read the filters of one path per
// session and replay them over the values they cut (ports, addresses),
// so they cannot walk every subnet the flow hash can pick as a check
// does. They answer instead once per zone world: a copy of the model
// (sharing everything it computes) in which every appliance-mode
// attachment of several subnets sends every packet out through one
// subnet, fixed, for both directions (Model.world). The worlds are every
// combination of those subnets. A session's truth is certain only where
// every world answers it alike: it gets through when it does in every
// world, it is stopped when it is in every world, and otherwise it is
// undecided (the answers differ between the subnets the hash can pick:
// TGWApplianceZoneUnknown), as Check answers it. The merge is per
// session: per port and protocol of a pair of classes, and per internet
// address too (a matrix's internet cell is a union over the addresses,
// so the worlds' atoms of it are merged address by address first).
//
// One world per attachment cannot follow a flow that meets the same
// attachment again as a packet of another flow (after an address
// translation, say): the hash picks anew for it, which a check walks as a
// choice of its own. A world's walk makes that second exit undecided
// (worldSubnet), so the set answers leave such sessions open where a
// check may decide them. A design without appliance mode has no world:
// its questions are answered once, as before.

// maxZoneWorlds bounds the zone worlds of a set question: above it,
// the question refuses the design (applianceErr).
const maxZoneWorlds = 64

// applianceAtts returns the appliance-mode attachments of several
// subnets, by ID.
func (m *Model) applianceAtts() []*tgwAttInfo {
	var out []*tgwAttInfo
	for _, a := range m.tgwAtts {
		if a.ApplianceMode && len(a.subnets) > 1 {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b *tgwAttInfo) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// zoneWorldCount returns how many zone worlds the design has, stopping
// past maxZoneWorlds.
func zoneWorldCount(atts []*tgwAttInfo) int {
	n := 1
	for _, a := range atts {
		if n *= len(a.subnets); n > maxZoneWorlds {
			return n
		}
	}
	return n
}

// applianceErr is the error of a set question (Matrix, Sources, Audit,
// Diff) on a design whose zone worlds are more than maxZoneWorlds; nil
// otherwise.
func (m *Model) applianceErr(question string) error {
	if !m.zoneForks {
		return nil
	}
	atts := m.applianceAtts()
	if m.zoneWorldTotal() <= maxZoneWorlds {
		return nil
	}
	ids := make([]string, len(atts))
	for i, a := range atts {
		ids[i] = a.ID
	}
	return fmt.Errorf("%w: %s does not answer a design with transit gateway appliance mode on attachments of several subnets (%s) whose combinations of subnets are more than %d: which subnet a flow takes there is the gateway's flow hash, and each combination is answered apart; ask Check, Verdict or Ports per pair",
		ErrQuery, question, strings.Join(ids, ", "), maxZoneWorlds)
}

// zoneWorlds returns the model's worlds: one copy of m per combination
// of the subnets of its appliance-mode attachments and of the interfaces
// its forking instances send each leg's packets out of
// (appliance_egress_fork.go). The caller has checked applianceErr.
func (m *Model) zoneWorlds() []*Model {
	atts := m.applianceAtts()
	if !m.zoneForks {
		atts = nil
	}
	// the choices, each among the subnets of one attachment: the subnet
	// of each appliance-mode attachment, and of each exit fork's the
	// request's and the reply's (tgw_exit_fork.go)
	type choice struct {
		att *tgwAttInfo
		key exitKey // zero for appliance mode's
	}
	var cs []choice
	for _, a := range atts {
		cs = append(cs, choice{att: a})
	}
	for _, a := range m.exitAtts {
		cs = append(cs, choice{a, exitKey{a, Forward}}, choice{a, exitKey{a, Return}})
	}
	egress := m.egressWorlds()
	picks := make([]int, len(cs))
	var out []*Model
	for {
		for _, eg := range egress {
			w := *m // shallow: the world shares every compiled part and cache
			w.zoneForks, w.egressInst, w.egress = false, nil, eg
			if len(atts) > 0 {
				w.world = make(map[*tgwAttInfo]*subnetInfo, len(atts))
			}
			if len(m.exitAtts) > 0 {
				w.exitWorld = make(map[exitKey]*subnetInfo, 2*len(m.exitAtts))
			}
			for i, c := range cs {
				if c.key.att == nil {
					w.world[c.att] = c.att.subnets[picks[i]]
				} else {
					w.exitWorld[c.key] = c.att.subnets[picks[i]]
				}
			}
			out = append(out, &w)
		}
		i := len(picks) - 1
		for ; i >= 0; i-- {
			if picks[i]++; picks[i] < len(cs[i].att.subnets) {
				break
			}
			picks[i] = 0
		}
		if i < 0 {
			return out
		}
	}
}

// zoneWorldTotal returns how many zone worlds m has: appliance mode's
// combinations of subnets times the exit forks' (tgw_exit_fork.go),
// stopping past maxZoneWorlds.
func (m *Model) zoneWorldTotal() int {
	if !m.zoneForks {
		return 1
	}
	return zoneWorldCount(m.applianceAtts()) * exitWorldCount(m.exitAtts)
}

// worldSubnet returns the subnet of appliance-mode attachment out (more
// than one subnet) that pkt leaves through in the walk's zone world: the
// world's. nil when the walk already left through out other than as the
// request whose reply pkt is: pkt is another flow, whose subnet the hash
// picks anew, which one world cannot follow; the hop is then undecided.
func (w *walker) worldSubnet(pkt flow.Flow, out *tgwAttInfo) *subnetInfo {
	z := w.worldFork()
	sub := w.m.world[out]
	again := false
	for _, e := range z.exits {
		if e.att != out {
			continue
		}
		if w.leg == Return && e.leg == Forward && e.pkt.Protocol == pkt.Protocol && e.pkt.Src == pkt.Dst && e.pkt.Dst == pkt.Src {
			return sub // the reply, through the request's subnet
		}
		again = true
	}
	last := len(*w.hops) - 1 // the transit gateway's hop
	if again {
		if last >= 0 {
			undecideHop(&(*w.hops)[last], out, w.leg, "the flow meets it again as another packet, for which the hash picks anew")
		}
		return nil
	}
	z.exits = append(z.exits, zoneExit{att: out, sub: sub, pkt: pkt, leg: w.leg})
	if w.explain && last >= 0 {
		(*w.hops)[last].addDetail(fmt.Sprintf("appliance mode on %s: in this answer's zone world the flow leaves through %s (%s)", out.ID, sub.ID, orUnknown(sub.AvailabilityZone)))
	}
	return sub
}

// worldFork returns the request's walker's record of the exits a zone
// world's walk took (made at the first ask).
func (w *walker) worldFork() *zoneFork {
	fw := w
	if w.forward != nil {
		fw = w.forward
	}
	if fw.fork == nil {
		fw.fork = new(zoneFork) // kept by a pooled walker; walkWith empties its exits
	}
	return fw.fork
}

// mergeTraffic returns what the worlds' answers (opens[i] and unds[i],
// world i's) make of the sessions: open, those open in every world; und,
// those open or undecided in some world but not open in every one.
func mergeTraffic(opens, unds []Traffic) (open, und Traffic) {
	var maybe Traffic
	for i := range opens {
		if i == 0 {
			open = opens[0]
		} else {
			open = open.Minus(open.Minus(opens[i]))
		}
		maybe = maybe.Union(opens[i]).Union(unds[i])
	}
	return open, maybe.Minus(open)
}

// matrixWorlds answers matrixOf on a design with zone worlds: each
// world's matrix, merged cell by cell, the internet's cells address by
// address (their atoms, kept in the answer's spans when spans is set).
func (m *Model) matrixWorlds(o MatrixOptions, fast bool, keep func(from, to int) bool, spans bool) (*Matrix, error) {
	var mxs []*Matrix
	for _, w := range m.zoneWorlds() {
		mx, err := w.matrixOne(o, fast, keep, true)
		if err != nil {
			return nil, err
		}
		mxs = append(mxs, mx)
	}
	out := &Matrix{Classes: mxs[0].Classes}
	rank := map[string]int{}
	for i, c := range out.Classes {
		rank[c.Name] = i
	}
	type key struct{ from, to string }
	at := make([]map[key]int, len(mxs))
	var keys []key
	seen := map[key]bool{}
	for i, mx := range mxs {
		out.Walks += mx.Walks
		at[i] = make(map[key]int, len(mx.Cells))
		for k, c := range mx.Cells {
			ck := key{c.From, c.To}
			if !seen[ck] {
				seen[ck] = true
				keys = append(keys, ck)
			}
			at[i][ck] = k
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if d := rank[a.from] - rank[b.from]; d != 0 {
			return d
		}
		return rank[a.to] - rank[b.to]
	})
	if spans {
		out.spans = map[int][]netSpan{}
	}
	for _, ck := range keys {
		opens, unds := make([]Traffic, len(mxs)), make([]Traffic, len(mxs))
		var sps [][]netSpan
		for i, mx := range mxs {
			if k, ok := at[i][ck]; ok {
				opens[i], unds[i] = mx.Cells[k].Allowed, mx.Cells[k].Indeterminate
				sps = append(sps, mx.spans[k])
			} else {
				sps = append(sps, nil)
			}
		}
		var open, und Traffic
		var merged []netSpan
		if ck.from == InternetNode || ck.to == InternetNode {
			merged = m.mergeSpans(sps)
			for _, s := range merged {
				open, und = open.Union(s.open), und.Union(s.und)
			}
			und = und.Minus(open)
		} else {
			open, und = mergeTraffic(opens, unds)
		}
		if open.IsEmpty() && und.IsEmpty() {
			continue
		}
		if spans && len(merged) > 0 {
			out.spans[len(out.Cells)] = merged
		}
		out.Cells = append(out.Cells, Cell{From: ck.from, To: ck.to, Allowed: open, Indeterminate: und})
	}
	return out, nil
}

// mergeSpans merges the worlds' atoms of one internet cell (each sorted
// and disjoint) address by address: each piece the cuts of every world
// leave, that holds an internet address (whose answer in each world is
// its atom's there), merged as mergeTraffic merges; the pieces that
// carry nothing are left out.
func (m *Model) mergeSpans(worlds [][]netSpan) []netSpan {
	return m.sweepSpans(worlds, mergeTraffic)
}

// unionSpans merges the atoms of one internet cell at each of an
// interface's addresses (each list sorted and disjoint) address by
// address, as mergeSpans does, into their union: what some address of
// the interface lets through is allowed, what none does for certain but
// some might, undecided.
func (m *Model) unionSpans(lists [][]netSpan) []netSpan {
	return m.sweepSpans(lists, func(opens, unds []Traffic) (open, und Traffic) {
		for i := range opens {
			open, und = open.Union(opens[i]), und.Union(unds[i])
		}
		return open, und.Minus(open)
	})
}

// sweepSpans cuts the address space at every atom's edges of lists (each
// sorted and disjoint) and gives each piece that some list holds and
// that holds an internet address what combine makes of the lists'
// answers there (empty Traffic where a list has no atom); the pieces
// that carry nothing are left out.
func (m *Model) sweepSpans(lists [][]netSpan, combine func(opens, unds []Traffic) (Traffic, Traffic)) []netSpan {
	var cuts []netip.Addr
	for _, ss := range lists {
		for _, s := range ss {
			cuts = append(cuts, s.r.From)
			if n := s.r.To.Next(); n.IsValid() && n.Is4() == s.r.To.Is4() {
				cuts = append(cuts, n)
			}
		}
	}
	slices.SortFunc(cuts, netip.Addr.Compare)
	cuts = slices.Compact(cuts)
	at := make([]int, len(lists))
	var out []netSpan
	for k, x := range cuts {
		_, to := familyRange(!x.Is4())
		if k+1 < len(cuts) && cuts[k+1].Is4() == x.Is4() {
			to = cuts[k+1].Prev()
		}
		r := flow.AddrRange{From: x, To: to}
		opens, unds := make([]Traffic, len(lists)), make([]Traffic, len(lists))
		held := false
		for i, ss := range lists {
			for at[i] < len(ss) && ss[at[i]].r.To.Less(x) {
				at[i]++
			}
			if at[i] < len(ss) && !x.Less(ss[at[i]].r.From) {
				opens[i], unds[i], held = ss[at[i]].open, ss[at[i]].und, true
			}
		}
		if !held {
			continue
		}
		if _, ok := m.internetIn(r); !ok {
			continue
		}
		open, und := combine(opens, unds)
		if !open.IsEmpty() || !und.IsEmpty() {
			out = append(out, netSpan{r: r, open: open, und: und})
		}
	}
	return out
}

// internetSourcesWorlds is internetSources on a design with zone worlds:
// each world's answer, merged address by address.
func (m *Model) internetSourcesWorlds(f flow.Flow, within []addrset.Range, anyClient bool) (open, und addrset.Set, atoms int, err error) {
	if worlds := m.zoneWorlds(); anyClient && f.Protocol.HasPorts() && len(worlds) > 1 {
		return m.internetSourcesWorldsByPort(worlds, f, within)
	}
	var maybe addrset.Set
	for i, w := range m.zoneWorlds() {
		o, u, n, err := w.internetSources(f, within, anyClient)
		if err != nil {
			return open, und, atoms, err
		}
		if i == 0 {
			open = o
		} else {
			open = open.Intersect(o)
		}
		maybe, atoms = maybe.Union(o).Union(u), atoms+n
	}
	return open, maybe.Difference(open), atoms, nil
}

// portOutcome is a zone world's outcome for the internet addresses of
// addr from the client ports of c (internetSourcesWorldsByPort).
type portOutcome struct {
	addr flow.AddrRange
	c    flow.PortRange
	o    Outcome
}

// internetSourcesWorldsByPort is internetSourcesWorlds from every client
// port: the transit gateway's flow hash picks a zone per session, its
// client port among what it hashes, so an address reaches for certain
// only from a client port every world lets through; one that some world
// lets through from some client port, or leaves open, is undecided.
// Merging each world's best client port first would call an address
// reached whose zones let through disjoint client ports (audit
// clientports23). Each world's outcomes are taken per address atom and
// client atom, and merged over the atoms of all worlds' cuts.
func (m *Model) internetSourcesWorldsByPort(worlds []*Model, f flow.Flow, within []addrset.Range) (open, und addrset.Set, atoms int, err error) {
	per := make([][]portOutcome, len(worlds))
	var cuts []netip.Addr
	for i, w := range worlds {
		pieces := clip(w.internetPieces(f.Dst.Addr().Is4()), within)
		_, _, n, err := w.addrSourcesEach(f, nil, pieces, nil, true, w.internetIn, func(a flow.AddrRange, c flow.PortRange, o Outcome) {
			per[i] = append(per[i], portOutcome{a, c, o})
		})
		if err != nil {
			return open, und, atoms, err
		}
		atoms += n
		for _, po := range per[i] {
			cuts = append(cuts, po.addr.From)
			if nx := po.addr.To.Next(); nx.IsValid() && nx.Is4() == po.addr.To.Is4() {
				cuts = append(cuts, nx)
			}
		}
	}
	slices.SortFunc(cuts, func(a, b netip.Addr) int { return a.Compare(b) })
	cuts = slices.Compact(cuts)
	var openR, undR []addrset.Range
	for k, x := range cuts {
		to := addrset.Last(netip.PrefixFrom(x, 0))
		if k+1 < len(cuts) && cuts[k+1].Is4() == x.Is4() {
			to = cuts[k+1].Prev()
		}
		// each world's outcomes at x, by client port; a world with none
		// at x does not let it through from any client port
		var edges []uint16
		at := make([][]portOutcome, len(worlds))
		for i := range worlds {
			for _, po := range per[i] {
				if !x.Less(po.addr.From) && !po.addr.To.Less(x) {
					at[i] = append(at[i], po)
					edges = append(edges, po.c.Lo)
				}
			}
		}
		slices.Sort(edges)
		edges = slices.Compact(edges)
		reached, maybe := false, false
		for _, p := range edges {
			all := true
			for i := range worlds {
				o := Unreachable
				for _, po := range at[i] {
					if po.c.Contains(p) {
						o = po.o
					}
				}
				all = all && o == Reachable
				maybe = maybe || o != Unreachable
			}
			reached = reached || all
		}
		switch r := (addrset.Range{From: x, To: to}); {
		case reached:
			openR = append(openR, r)
		case maybe:
			undR = append(undR, r)
		}
	}
	notInternet := m.notInternetSet()
	return addrset.OfRanges(openR...).Difference(notInternet), addrset.OfRanges(undR...).Difference(notInternet), atoms, nil
}

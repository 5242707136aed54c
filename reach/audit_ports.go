package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"sync/atomic"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// An audited service's ports, atom by atom.
//
// A service may name many ports (a custom catalogue's "every tcp port",
// reachtest.AssertNotExposed's "1-65535"). Its answer is not asked port
// by port: the ports are cut where a filter on the way from the
// internet addresses the rules open it to can change its answer (the
// port edges of every rule of every filter on the path of each piece of
// those addresses, with the addresses and client ports varied too, and
// the ports the walk itself treats apart: portsWalkTreatsApart), and one
// port of each atom is asked, its answer holding for every port of the
// atom (TestAuditPortAtomsAgreeWithPorts holds it to the walk of every
// port). With [AuditOptions.ByPort], the atoms answered alike are one
// finding, and those answered otherwise findings of their own.

// fewPorts is how many ports a service's answer asks one by one rather
// than cut into atoms first: the cut costs a walk per piece of the
// internet, as much as a port's own answer.
const fewPorts = 2

// everyPort, set by tests alone, asks every port of a service one by
// one, as the audit did before it cut ports into atoms: the per-port
// reference the atoms are held to.
var everyPort atomic.Bool

// portAnswer is the internet's answer for some ports of a service alike:
// the addresses that reach them, and those the input leaves open.
type portAnswer struct {
	ports     flow.PortSet
	open, und addrset.Set
}

// servicePorts answers a's ports at dst, an answer per atom of ports
// (in port order): from every client port, or from a.srcPort alone when
// it is not 0, from the internet addresses a.where.
func (m *Model) servicePorts(dst netip.Addr, a serviceAsk, v6 bool) ([]portAnswer, error) {
	srcPort := a.srcPort
	if srcPort == 0 {
		srcPort = DefaultSourcePort // the flow's port, which every client port replaces
	}
	probe, ok := m.internetProbe(v6, nil) // internetSources walks from each piece's own address
	if !ok {
		return nil, fmt.Errorf("%w: the design leaves no internet address", ErrQuery)
	}
	fl := flow.Flow{Protocol: a.risk.Protocol, Src: netip.AddrPortFrom(probe, srcPort), Dst: netip.AddrPortFrom(dst, 0)}
	var out []portAnswer
	for _, ps := range m.servicePortAtoms(fl, a.where.Ranges(), a.ports) {
		fl.Dst = netip.AddrPortFrom(dst, ps.Ranges()[0].Lo)
		o, u, _, err := m.internetSources(fl, a.where.Ranges(), a.srcPort == 0)
		if err != nil {
			return nil, err
		}
		out = append(out, portAnswer{ports: ps, open: o, und: u})
	}
	return out, nil
}

// servicePortAtoms cuts ports into the sets of ports no filter on the
// way of f from the internet addresses within to f's destination tells
// apart, in port order: a port each when they are few (fewPorts).
func (m *Model) servicePortAtoms(f flow.Flow, within []addrset.Range, ports flow.PortSet) []flow.PortSet {
	var out []flow.PortSet
	if ports.Count() <= fewPorts || everyPort.Load() {
		for _, r := range ports.Ranges() {
			for p := uint32(r.Lo); p <= uint32(r.Hi); p++ {
				out = append(out, flow.SetOf(flow.Single(uint16(p))))
			}
		}
		return out
	}
	pb := flow.NewBounds(flow.FieldDstPort)
	pb.MergeField(flow.FieldDstPort, portsWalkTreatsApart(), flow.FieldDstPort)
	pb.Add(flow.FieldDstPort, 0, 0) // a rule may open port 0 alone (sg.Rule.PortZero)
	m.internetPortBounds(f, within, pb)
	for _, r := range pb.Atoms(flow.FieldDstPort, flow.PortRange{Lo: 0, Hi: 65535}) {
		if ps := ports.Intersect(flow.SetOf(r)); !ps.IsEmpty() {
			out = append(out, ps)
		}
	}
	return out
}

// internetPortBounds adds to pb (varying the destination port) the
// destination port edges of every filter on the path of f from each
// piece of the internet addresses within (internetSources' pieces, from
// the same representatives), the request's destination ports and the
// reply's source ports, with the addresses and the client ports varied
// too: every rule that could decide some session of the question gives
// its edges. On a design with zone worlds, every world's.
func (m *Model) internetPortBounds(f flow.Flow, within []addrset.Range, pb *flow.Bounds) {
	if m.hasWorlds() {
		for _, w := range m.zoneWorlds() {
			w.internetPortBounds(f, within, pb)
		}
		return
	}
	pieces, leads := m.internetPiecesAlike(f.Dst.Addr().Is4(), within)
	walked := map[int]bool{} // the pieces walked, by index
	for i, piece := range pieces {
		rep, ok := m.internetIn(piece)
		if !ok {
			continue
		}
		if walked[leads[i]] {
			continue // its filters are its lead's (internet_alike.go)
		}
		walked[i] = true
		g := f
		g.Src = netip.AddrPortFrom(rep, f.Src.Port())
		fb := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr, flow.FieldSrcPort, flow.FieldDstPort)
		rb := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr, flow.FieldSrcPort, flow.FieldDstPort)
		fb.WindowAddrs(piece.From, piece.To)
		rb.WindowAddrs(piece.From, piece.To)
		var fwd, ret []Hop
		m.walkBounds(g, nil, &fwd, &ret, false, fb, rb)
		m.pieceWalked()
		pb.MergeField(flow.FieldDstPort, fb, flow.FieldDstPort)
		pb.MergeField(flow.FieldDstPort, rb, flow.FieldSrcPort)
	}
}

// auditServiceAt decides how far the internet gets to a's ports of its
// risk at the address dst (of an interface, or of a prefix delegated to
// it), which the rules open to the internet addresses a.where: from
// every client port, or from a.srcPort alone when it is not 0. The
// service is exposed where some port is, from the addresses that reach
// some port.
func (m *Model) auditServiceAt(dst netip.Addr, a serviceAsk, v6 bool) (Finding, error) {
	answers, err := m.servicePorts(dst, a, v6)
	if err != nil {
		return Finding{}, err
	}
	var open, und addrset.Set
	for _, pa := range answers {
		open, und = open.Union(pa.open), und.Union(pa.und)
	}
	return m.serviceFinding(dst, a, v6, a.ports, open, und), nil
}

// serviceFinding is the finding for ports of a's service at dst, which
// the internet addresses open reach and und might: Exposed, Undecided,
// or Closed, with the hops that stop a session to the first of ports.
func (m *Model) serviceFinding(dst netip.Addr, a serviceAsk, v6 bool, ports flow.PortSet, open, und addrset.Set) Finding {
	risk, where := a.risk, a.where
	f := Finding{Service: risk.Service, Severity: risk.Severity, Protocol: risk.Protocol, Ports: ports, Exposure: Closed, Sources: []netip.Prefix{}}
	switch {
	case !open.IsEmpty():
		f.Exposure, f.Sources = Exposed, open.Prefixes()
		return f
	case !und.IsEmpty():
		f.Exposure, f.Sources = Undecided, und.Prefixes()
		return f
	}
	// Closed: say where a session from an address the rules open the
	// service to stops, a documentation address when the rules open it
	// to one that the design treats as the rest of the internet
	// (standIn), so that a fix neither reads "0.0.0.1/32" nor names an
	// address another rule refuses
	srcPort := a.srcPort
	if srcPort == 0 {
		srcPort = DefaultSourcePort
	}
	from, ok := m.standIn(v6, where.Ranges())
	if !ok {
		from = where.Ranges()[0].From
	}
	fl := flow.Flow{Protocol: risk.Protocol, Src: netip.AddrPortFrom(from, srcPort),
		Dst: netip.AddrPortFrom(dst, ports.Ranges()[0].Lo)}
	r := m.check(fl, nil)
	f.ClosedBy = r.Blocks
	f.sameLayer = m.sgClosingOf(r, a.keys)
	return f
}

// auditServiceAtEach is auditServiceAt, with [AuditOptions.ByPort] a
// finding per set of ports answered alike (the same exposure and
// sources, and for Closed ones the same hops stopping them, the fix
// named for the first port), in the order of their first port.
func (m *Model) auditServiceAtEach(dst netip.Addr, a serviceAsk, v6 bool) ([]Finding, error) {
	if !a.byPort {
		f, err := m.auditServiceAt(dst, a, v6)
		return []Finding{f}, err
	}
	answers, err := m.servicePorts(dst, a, v6)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, pa := range answers {
		f := m.serviceFinding(dst, a, v6, pa.ports, pa.open, pa.und)
		if i := slices.IndexFunc(out, func(g Finding) bool { return sameAnswer(g, f) }); i >= 0 {
			out[i].Ports = out[i].Ports.Union(f.Ports)
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// sameAnswer reports whether two findings of one service at one address
// answer alike: exposure, sources, and the hops that stop it (their fix,
// which names the port, apart).
func sameAnswer(a, b Finding) bool {
	return a.Exposure == b.Exposure && slices.Equal(a.Sources, b.Sources) &&
		slices.EqualFunc(a.ClosedBy, b.ClosedBy, func(x, y Block) bool { x.Fix, y.Fix = "", ""; return x == y })
}

// auditAsks answers every service asked at dst (auditServiceAtEach),
// each finding with the rules that open it, then handed to post (when
// not nil) with its ask. With ByPort, the findings of one service of the
// catalogue come in the order of their first port.
func (m *Model) auditAsks(dst netip.Addr, asked []serviceAsk, v6 bool, post func(serviceAsk, *Finding)) ([]Finding, error) {
	var out []Finding
	var order []int // the catalogue index of each finding's service
	for _, a := range asked {
		fs, err := m.auditServiceAtEach(dst, a, v6)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			f.OpenedBy = slices.Clone(a.by)
			if post != nil {
				post(a, &f)
			}
			out = append(out, f)
			order = append(order, a.index)
		}
	}
	if len(asked) > 0 && asked[0].byPort {
		idx := make([]int, len(out))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(i, j int) int {
			return cmp.Or(cmp.Compare(order[i], order[j]), cmp.Compare(out[i].Ports.Ranges()[0].Lo, out[j].Ports.Ranges()[0].Lo))
		})
		sorted := make([]Finding, len(out))
		for k, i := range idx {
			sorted[k] = out[i]
		}
		out = sorted
	}
	return out, nil
}

// splitByOpenings cuts ports (of one service) into the sets of ports the
// same rules of opens open, hits[i] being what opens[i] opens of them:
// each set with those rules' labels and internet addresses, in the order
// of its first port.
func splitByOpenings(opens []opening, hits []flow.PortSet) (sets []flow.PortSet, by [][]string, rules [][]ruleKey, where [][]netip.Prefix) {
	var edges []uint32
	for _, h := range hits {
		for _, r := range h.Ranges() {
			edges = append(edges, uint32(r.Lo), uint32(r.Hi)+1)
		}
	}
	slices.Sort(edges)
	edges = slices.Compact(edges)
	var keys [][]int
	for k := 0; k+1 < len(edges); k++ {
		lo, hi := edges[k], edges[k+1]-1
		var key []int
		for i, h := range hits {
			if h.Contains(uint16(lo)) {
				key = append(key, i)
			}
		}
		if len(key) == 0 {
			continue
		}
		piece := flow.SetOf(flow.PortRange{Lo: uint16(lo), Hi: uint16(hi)})
		if i := slices.IndexFunc(keys, func(x []int) bool { return slices.Equal(x, key) }); i >= 0 {
			sets[i] = sets[i].Union(piece)
			continue
		}
		keys, sets = append(keys, key), append(sets, piece)
		var labels []string
		var ks []ruleKey
		var peers []netip.Prefix
		for _, i := range key {
			labels, ks, peers = append(labels, opens[i].label), append(ks, opens[i].key), append(peers, opens[i].peers...)
		}
		by, rules, where = append(by, labels), append(rules, ks), append(where, peers)
	}
	return sets, by, rules, where
}

package reach

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

// Set questions: which ports, which sources, every pair, what is exposed.
//
// They are answered exactly, without trying every value. Every filter
// reports its bounds ([flow.Bounds]): the edges of the port ranges, ICMP
// types and codes and address blocks of the rules that could decide the
// packets of the question. Cut at every edge of every filter on the path
// (and at every value the walk itself treats apart, such as Alibaba
// Cloud's port 25), each varied field falls into atoms, and within an atom
// no filter can tell two values apart: one walk per atom decides it all.
// The path itself does not depend on ports (routes match addresses only),
// so the bounds one walk collects hold for every port; for questions that
// vary addresses, every route and special address block is an edge too.
// The randomized tests (sets_test.go) demand the same answers as a Check
// of every value. A part of a question that involves an interface whose
// address is known only later, told apart, is answered per atom by the
// single check's rule instead (unknown_sets.go).

// PortsQuery asks which destination ports (ICMP: which types and codes)
// of To From can reach over Protocol, round trip.
type PortsQuery struct {
	From, To string        // as in [Query]
	Protocol flow.Protocol // tcp, udp, icmp or icmpv6
	IPv6     bool          // as in [Query]
	Domain   string        // as in [Query]; tcp only
	App      flow.App      // as in [Query]: the protocol spoken on every port
	// ClientPorts are the client (source) port ranges to answer for; nil
	// means the common ephemeral ranges, [nacl.EphemeralRanges].
	ClientPorts []nacl.NamedRange
	// ClientPort is the client port the result's Open, Indeterminate and
	// Cuts are for (tcp, udp); 0 means [DefaultSourcePort].
	ClientPort uint16
}

// clientPort is q.ClientPort, or [DefaultSourcePort] when it is 0.
func (q PortsQuery) clientPort() uint16 {
	if q.ClientPort == 0 {
		return DefaultSourcePort
	}
	return q.ClientPort
}

// PortsResult is the answer of [Model.Ports]. Its JSON form is part of
// the CLI's stable schema (README, "Set questions").
type PortsResult struct {
	From     string        `json:"from"`
	To       string        `json:"to"`
	Protocol flow.Protocol `json:"protocol"`
	// Domain and App are the query's (PortsQuery.Domain, PortsQuery.App:
	// the answer depends on them); omitted when not set.
	Domain string     `json:"domain,omitempty"`
	App    string     `json:"app,omitempty"`
	Src    netip.Addr `json:"src"`
	Dst    netip.Addr `json:"dst"`
	// ClientPort is the client port Open, Indeterminate and Cuts are for:
	// [PortsQuery.ClientPort], [DefaultSourcePort] by default. Zero for
	// ICMP.
	ClientPort uint16 `json:"client_port,omitempty"`
	// Open holds the destination ports (tcp, udp) whose round trip is
	// [Reachable] from ClientPort; Indeterminate those whose answer the
	// input leaves open ([Indeterminate]). Every other port is cut.
	Open          flow.PortSet `json:"open"`
	Indeterminate flow.PortSet `json:"indeterminate"`
	// Clients answers per client-port range: the ports open from every
	// client port of the range, and those open from some only.
	Clients []ClientPorts `json:"clients,omitempty"`
	// ICMP holds, for icmp and icmpv6, the types with open codes, and
	// ICMPIndeterminate those whose answer the input leaves open.
	ICMP              []ICMPCodes `json:"icmp,omitempty"`
	ICMPIndeterminate []ICMPCodes `json:"icmp_indeterminate,omitempty"`
	// Cuts says which hop stops which ports (or ICMP codes), from
	// ClientPort; a port stopped on several hops is in each one's cut.
	Cuts []Cut `json:"cuts"`
	// Atoms is how many pieces the port space (ICMP: the types and
	// codes) fell into, in which every hop on the path decides alike,
	// summed over the client ports answered for.
	Atoms int `json:"atoms"`
}

// ClientPorts is the answer for one client-port range.
type ClientPorts struct {
	Range nacl.NamedRange `json:"-"`
	Name  string          `json:"name"`
	Ports flow.PortSet    `json:"client_ports"`
	// Open: the destination ports reachable for certain from every
	// client port of the range; Partly: from some of them only (from the
	// others they are cut, or the input leaves them open);
	// Indeterminate: reachable for certain from none, and the input
	// leaves them open from some. Every other port is cut from every
	// client port of the range.
	Open          flow.PortSet `json:"open"`
	Partly        flow.PortSet `json:"partly"`
	Indeterminate flow.PortSet `json:"indeterminate"`
}

// clientOpen is what one client atom gets through: the ports open for
// certain, and those the input leaves open.
type clientOpen struct{ open, und flow.PortSet }

// ICMPCodes is a set of codes of one ICMP type.
type ICMPCodes struct {
	Type  uint8           `json:"type"`
	Codes flow.Set[uint8] `json:"codes"`
}

// Cut is a hop that stops part of a set question's traffic. An
// undecided hop ([Hop.Undecided]) that comes, in walk order (the
// request's hops, then the reply's), after a hop that stops the same
// values for certain cuts none of them: no packet of theirs reaches it.
// [Model.Check] shows such a hop in its trace, and lists it among
// Result.Blocks, marked Indeterminate, after the certain block.
type Cut struct {
	Leg Leg `json:"leg"`
	// Hop is its number on its leg, from 1, as in a trace; 0 for a cut
	// that is no hop: an end whose address is known only later
	// ([AddressKnownLater], its Kind [KindInterface]).
	Hop  int    `json:"hop"`
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Code Code   `json:"code"`
	// Ports are the destination ports it stops (tcp, udp); ICMP the
	// types and codes (icmp, icmpv6).
	Ports flow.PortSet `json:"ports"`
	ICMP  []ICMPCodes  `json:"icmp,omitempty"`
	// Indeterminate: the hop cannot decide these ([Hop.Undecided]).
	Indeterminate bool `json:"indeterminate,omitempty"`
}

// ErrPathChanged is wrapped by the error of a set question whose path
// changed between two values of a field the path should not depend on:
// a bug in reachsim, never an answer.
var ErrPathChanged = errors.New("internal error: the path changed within a set question")

// atomOutcome is the hops of a discovery walk, which every atom's walk
// must repeat.
type atomOutcome struct {
	fwd []Hop
	ret []Hop
	// marks lists the hops whose filter can tell client ports apart
	// (Ports' discovery only)
	marks []hopRef
	// zones lists the subnets of appliance-mode attachments the walk its
	// hops show left the transit gateway by, in the order it left
	// (shownZones, tgw_appliance.go): an atom whose walk shows other
	// choices may take another path (Ports' discovery only)
	zones []*subnetInfo
}

// Ports answers which destination ports of q.To q.From reaches over
// q.Protocol, the round trip included: for tcp and udp, the exact port
// set per client-port range and, from [PortsQuery.ClientPort] ([DefaultSourcePort] unless set), which hop cuts
// which ports; for icmp and icmpv6, the types and codes. Errors are
// [Model.Check]'s for the same ends, and [ErrQuery] for another protocol.
//
// The answer is worked out hop by hop (ports_fast.go, ports_icmp.go):
// each filter on the path gives its decision for every destination port
// (or ICMP type and code) at once, and the decisions are combined along
// the path. The walk of one port per atom (tcpPortsByAtom), and of every
// ICMP type (icmpPortsByType), is the slow reference
// TestPortsByHopAgreesByAtom holds it to.
func (m *Model) Ports(q PortsQuery) (*PortsResult, error) { return m.ports(q, true) }

// ports is Ports, answered hop by hop (byHop) or by a walk per atom.
func (m *Model) ports(q PortsQuery, byHop bool) (*PortsResult, error) {
	base := Query{From: q.From, To: q.To, Protocol: q.Protocol, IPv6: q.IPv6, Domain: q.Domain, App: q.App}
	switch {
	case q.Protocol.HasPorts():
		base.Port, base.SrcPort = 1, q.clientPort()
	case q.Protocol.IsICMP():
		base.ICMP = &ICMPMessage{Type: flow.ICMPEchoRequest}
		if q.Protocol == flow.ICMPv6 {
			base.ICMP.Type = flow.ICMPv6EchoRequest
		}
	default:
		return nil, fmt.Errorf("%w: Ports asks about tcp, udp, icmp or icmpv6, not %s (use Check)", ErrQuery, q.Protocol)
	}
	f, src, err := m.queryFlow(base)
	if err != nil {
		return nil, err
	}
	dst, _ := m.resolve(q.To)
	if dst.leftOut != nil {
		dst, _ = m.resolve(f.Dst.Addr().String()) // the address queryFlow picked (leftout_names.go)
	}
	if _, svc := m.instanceServiceFor(src.iface, f.Dst.Addr()); dst.dns || dst.local || svc || m.nat64DNS(f.Dst.Addr()) {
		// The Amazon DNS server (amazondns.go), an instance's own host
		// services (instanceservice.go) and Alibaba Cloud's services
		// (alibaba_services.go) are no filters, but their hop tells
		// their port apart: the short path is walked per atom, the hop's
		// bounds among the filters'.
		byHop = false
	}
	// an end whose address is known only later, told apart: answered per
	// atom by the single check's rule (unknown_sets.go)
	unknown := m.toldApart(f.Src.Addr().Is6(), src.iface, dst.iface)
	if len(unknown) > 0 && m.zoneForks {
		return nil, m.unknownErr(src.iface, dst.iface)
	}
	byHop = byHop && len(unknown) == 0
	if m.unknownACLs+m.unknownRoutes+m.groupsUnknownN > 0 {
		if err := m.unknownErrOthers(false); err != nil {
			return nil, err // an ACL entry known only later: no set of ports is exact
		}
	}
	if u := m.publicUnknowns(f, src.iface, dst.iface); len(u) > 0 {
		return nil, fmt.Errorf("%w: the answer depends on a value known only later: %s", ErrQuery, strings.Join(u, "; "))
	}
	r := &PortsResult{From: src.label(), To: dst.labelFrom(src), Protocol: q.Protocol, Domain: q.Domain, App: q.App.String(),
		Src: f.Src.Addr(), Dst: f.Dst.Addr(), Cuts: []Cut{}}
	// with appliance mode, a session may have several paths (one per
	// subnet the flow hash picks, tgw_appliance.go; or per exit subnet AWS
	// does not name, tgw_exit_fork.go), which the hop by hop answer,
	// reading the filters of one, does not see: walk each atom
	byHop = byHop && !m.zoneForks
	// so with an appliance that may translate a request for the NAT64
	// prefix: one path per choice (nat64_fork.go)
	byHop = byHop && !(nat64Forks(f) && m.routesNAT64ToInterface())
	// and with an instance that may send a packet out of several
	// interfaces: one path per interface (appliance_egress_fork.go)
	byHop = byHop && len(m.egressInst) == 0
	if byHop && q.Protocol.IsICMP() {
		switch err := m.icmpByHop(r, f, src.iface); {
		case err == errByAtom: // walked atom by atom below
		case err != nil:
			return nil, err
		default:
			return r, nil
		}
	}
	if byHop && q.Protocol.HasPorts() {
		r.ClientPort = q.clientPort()
		ranges, clients, open, err := m.portsByHop(r, q, f, src.iface)
		if err != nil {
			return nil, err
		}
		r.Clients = clientAnswers(ranges, clients, open)
		return r, nil
	}
	// Discovery: one explained walk collects the bounds of every filter
	// on both legs, and names the hops.
	fields := []flow.Field{flow.FieldSrcPort, flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode}
	if len(unknown) > 0 {
		fields = append(fields, unknownFields...)
	}
	fb, rb := flow.NewBounds(fields...), flow.NewBounds(fields...)
	var path atomOutcome
	fw := &walker{m: m, leg: Forward, hops: &path.fwd, identity: true, explain: true, bounds: fb, marks: &path.marks}
	rw := &walker{m: m, leg: Return, hops: &path.ret, identity: true, forward: fw, explain: true, bounds: rb, marks: &path.marks}
	m.walkWith(f, src.iface, fw, rw)
	path.zones = fw.shownZones()
	if err := m.natPathErr(f, path.fwd); err != nil {
		return nil, err
	}
	if q.Protocol.IsICMP() {
		return r, m.icmpPortsByType(r, f, src.iface, &path, fb, rb, unknown)
	}
	ranges, clients := clientAtoms(q, fb, rb)
	r.ClientPort = q.clientPort()
	open, err := m.tcpPortsByAtom(r, f, src.iface, &path, fb, rb, clients, unknown)
	if err != nil {
		return nil, err
	}
	r.Clients = clientAnswers(ranges, clients, open)
	return r, nil
}

// clientAnswers answers for each client-port range from what each
// client atom gets through (open[i] from clients[i]): the ports open from
// every atom that meets the range, those from some only, and those open
// for certain from none but left open by the input from some.
func clientAnswers(ranges []nacl.NamedRange, clients []flow.PortRange, open []clientOpen) []ClientPorts {
	var out []ClientPorts
	for _, nr := range ranges {
		var distinct []clientOpen // most atoms open the same ports
		for ci, c := range clients {
			if c.Overlaps(nr.Ports) && !slices.ContainsFunc(distinct, open[ci].equal) {
				distinct = append(distinct, open[ci])
			}
		}
		all, some, und := flow.FullSet[uint16](), flow.PortSet{}, flow.PortSet{}
		for _, o := range distinct {
			all, some, und = all.Intersect(o.open), some.Union(o.open), und.Union(o.und)
		}
		if len(distinct) == 0 {
			all = flow.PortSet{}
		}
		out = append(out, ClientPorts{Range: nr, Name: nr.Name, Ports: flow.SetOf(nr.Ports), Open: all,
			Partly: some.Difference(all), Indeterminate: und.Difference(some)})
	}
	return out
}

// equal reports whether a and b get the same ports through.
func (a clientOpen) equal(b clientOpen) bool { return a.open.Equal(b.open) && a.und.Equal(b.und) }

// walkAtom walks f quietly, on pooled walkers, checks that it took the
// discovery's path, and hands blocking hops to cuts (when not nil).
func (m *Model) walkAtom(f flow.Flow, src *ifaceInfo, path *atomOutcome, cuts *cutSet, grow func(*Cut)) (Outcome, error) {
	out, _, err := m.walkAtomSettled(f, src, path, cuts, grow)
	return out, err
}

// walkAtomSettled is walkAtom that also says whether a hop whose filter
// cannot tell client ports apart blocks for certain (path.marks lists
// those that can): then every client port meets the same block.
func (m *Model) walkAtomSettled(f flow.Flow, src *ifaceInfo, path *atomOutcome, cuts *cutSet, grow func(*Cut)) (Outcome, bool, error) {
	s := quietWalks.Get().(*quietWalk)
	defer quietWalks.Put(s)
	fw, rw := s.reset(m)
	arrived, _ := m.walkWith(f, src, fw, rw)
	// a walk over an appliance's choices (nat64_fork.go) shows the path
	// its answer took, which may differ between atoms
	forked := nat64Forks(f) && fw.n64 != nil && fw.n64.forked
	// and a walk over the interfaces an appliance's instance sends a
	// packet out of (appliance_egress_fork.go)
	forked = forked || len(m.egressInst) > 0 && fw.eg != nil && fw.eg.forked
	// so does a walk over the subnets the transit gateway's flow hash
	// picks (tgw_appliance.go): it shows the first choice when every
	// choice answers alike, else the first whose answer is not
	// unreachable, so two atoms (an echo whose reply one zone stops and
	// an error message, which has no reply) may show other zones. The
	// discovery walked every choice, and collected the bounds of each.
	rezoned := m.zoneForks && !fw.showsZones(path.zones)
	if !forked && !rezoned && (!samePath(s.fwd, path.fwd) || !samePath(s.ret, path.ret)) {
		return Unreachable, false, fmt.Errorf("%w: %s", ErrPathChanged, f)
	}
	ret := s.ret
	if oneWay(s.fwd) {
		ret = nil // an error message's reply does not count (outcomeOf)
	}
	if cuts != nil {
		fwdHops := s.fwd
		if rezoned && (hasCode(s.fwd) || hasCode(ret)) {
			// a quiet walk leaves some hops unnamed (a security group's),
			// which a cut of another zone's path, not numbered as the
			// discovery's, names itself by: the explained walk (the
			// same choices) names them
			var xf, xr []Hop
			m.walkBounds(f, src, &xf, &xr, true, nil, nil)
			if !samePath(xf, s.fwd) || !samePath(xr, s.ret) || len(xf) != len(s.fwd) || len(xr) != len(s.ret) {
				return Unreachable, false, fmt.Errorf("%w: %s", ErrPathChanged, f)
			}
			fwdHops = xf
			if ret != nil {
				ret = xr
			}
		}
		cuts.add(fwdHops, ret, rezoned, grow)
	}
	// no extra platform hop: indexes agree; one path (not several, one
	// per subnet the flow hash picks)
	settled := len(s.fwd) == len(path.fwd) && len(s.ret) == len(path.ret) && !m.zoneForks && !forked &&
		blocksUnmarked(s.fwd, ret, path.marks)
	return outcomeOf(s.fwd, s.ret, arrived.ok), settled, nil
}

// blocksUnmarked reports whether a hop of fwd or ret blocks for certain
// whose filter cannot tell client ports apart: not among marks (the hops
// whose filters cut the client ports). Every client port meets that
// block.
func blocksUnmarked(fwd, ret []Hop, marks []hopRef) bool {
	for leg, hops := range [2][]Hop{fwd, ret} {
		for i := range hops {
			if hops[i].Code != "" && !hops[i].Undecided() && !slices.Contains(marks, hopRef{Leg(leg), i}) {
				return true
			}
		}
	}
	return false
}

// hasCode reports whether some hop of hops blocks or cannot decide.
func hasCode(hops []Hop) bool {
	return slices.ContainsFunc(hops, func(h Hop) bool { return h.Code != "" })
}

// sameComponents reports whether two explained walks met the same
// components, hop by hop: samePath, which compares the kinds of hops,
// cannot tell the paths through two zones of an appliance-mode
// attachment apart.
func sameComponents(a, b []Hop) bool {
	return slices.EqualFunc(a, b, func(x, y Hop) bool { return x.Kind == y.Kind && x.Direction == y.Direction && x.ID == y.ID })
}

// samePath reports whether two walks met the same components.
//
// A platform hop (Alibaba Cloud's outbound port 25 block, alibaba.go) is
// the one hop a port adds to a path: it blocks where it stands and
// changes nothing else, so the comparison passes over it.
func samePath(a, b []Hop) bool {
	notPlatform := func(h Hop) bool { return h.Kind != KindPlatform }
	i, j := 0, 0
	for {
		for i < len(a) && !notPlatform(a[i]) {
			i++
		}
		for j < len(b) && !notPlatform(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if a[i].Kind != b[j].Kind || a[i].Direction != b[j].Direction {
			return false
		}
		i, j = i+1, j+1
	}
}

// clientAtoms returns the client-port ranges asked about (q's, or the
// common ephemeral ranges) and the atoms of client ports to answer for:
// cut at the filters' edges (the request's source ports, the reply's
// destination ports) and the ranges' own, the atom of
// result's client port ([PortsQuery.ClientPort]) first.
func clientAtoms(q PortsQuery, fb, rb *flow.Bounds) (ranges []nacl.NamedRange, clients []flow.PortRange) {
	ranges = q.ClientPorts
	if ranges == nil {
		ranges = nacl.EphemeralRanges()
	}
	cp := q.clientPort()
	cb := flow.NewBounds(flow.FieldSrcPort)
	cb.MergeField(flow.FieldSrcPort, fb, flow.FieldSrcPort)
	cb.MergeField(flow.FieldSrcPort, rb, flow.FieldDstPort)
	asked := flow.SetOf(flow.Single[uint16](cp))
	for _, nr := range ranges {
		cb.Add(flow.FieldSrcPort, nr.Ports.Lo, nr.Ports.Hi)
		asked = asked.Union(flow.SetOf(nr.Ports))
	}
	cb.Add(flow.FieldSrcPort, cp, cp)
	for _, c := range cb.Atoms(flow.FieldSrcPort, flow.PortRange{Lo: 1, Hi: 65535}) {
		if !asked.Intersect(flow.SetOf(c)).IsEmpty() {
			clients = append(clients, c)
		}
	}
	// The default client port's atom first: a port a hop blocks there
	// whatever the client's port is blocked from every client port.
	slices.SortStableFunc(clients, func(a, b flow.PortRange) int {
		return b2i(b.Contains(cp)) - b2i(a.Contains(cp))
	})
	return ranges, clients
}

// tcpPortsByAtom answers Ports for tcp and udp by a walk per atom: the
// destination ports cut at every edge of every filter on the path, one
// walk per atom and client atom. It fills r's Open, Indeterminate, Cuts
// and Atoms, and returns the ports open from each client atom. It is the
// slow reference of tcpPortsByHop. With unknown (the ends whose address
// is known only later, told apart), each atom is answered by the single
// check's rule (verdictRule), and a port it leaves open that the walk
// alone does not is cut by those ends (AddressKnownLater).
func (m *Model) tcpPortsByAtom(r *PortsResult, f flow.Flow, src *ifaceInfo, path *atomOutcome, fb, rb *flow.Bounds, clients []flow.PortRange, unknown []*ifaceInfo) ([]clientOpen, error) {
	// Destination ports: the request's, and the reply's source ports.
	ports := destPortAtoms(fb, rb)
	if n := len(ports) * len(clients); len(unknown) > 0 && n > maxUnknownChecks {
		return nil, m.unknownBudgetErr(unknown...)
	}
	settled := make([]bool, len(ports))
	open := make([]clientOpen, len(clients)) // per client atom
	var openDef, undDef []flow.PortRange
	cuts := newCutSet(path)
	for ci, c := range clients {
		var rs, us []flow.PortRange
		isDefault := c.Contains(r.ClientPort)
		for pi, p := range ports {
			if settled[pi] {
				continue
			}
			g := f
			g.Src = netip.AddrPortFrom(f.Src.Addr(), c.Lo)
			g.Dst = netip.AddrPortFrom(f.Dst.Addr(), p.Lo)
			var cs *cutSet
			if isDefault {
				cs = cuts
			}
			grow := func(c *Cut) { c.Ports = c.Ports.Union(flow.SetOf(p)) }
			out, settles, err := m.walkAtomSettled(g, src, path, cs, grow)
			if err != nil {
				return nil, err
			}
			if len(unknown) > 0 {
				// the single check's rule; no atom settles the others: the
				// rule may tell client ports apart where the walk does not
				settles = false
				if v := m.verdictRule(g, src); v != out {
					out = v
					if cs != nil && v == Indeterminate {
						cs.addUnknown(unknown, grow)
					}
				}
			}
			settled[pi] = isDefault && settles
			r.Atoms++
			switch out {
			case Reachable:
				rs = append(rs, p)
			case Indeterminate:
				us = append(us, p)
			}
			if isDefault {
				switch out {
				case Reachable:
					openDef = append(openDef, p)
				case Indeterminate:
					undDef = append(undDef, p)
				}
			}
		}
		open[ci] = clientOpen{flow.SetOf(rs...), flow.SetOf(us...)}
	}
	r.Open, r.Indeterminate = flow.SetOf(openDef...), flow.SetOf(undDef...)
	r.Cuts = cuts.list()
	return open, nil
}

// portsWalkTreatsApart is the destination ports the walk itself treats
// apart from their neighbours, whatever the filters say: Alibaba Cloud's
// outbound port 25 (alibaba.go).
func portsWalkTreatsApart() *flow.Bounds {
	b := flow.NewBounds(flow.FieldDstPort)
	b.Add(flow.FieldDstPort, smtpPort, smtpPort)
	return b
}

// icmpPortsByType answers Ports for icmp and icmpv6: every type, its
// codes cut at the bounds of the filters, one walk per type and atom of
// codes; the slow reference of icmpByHop (ports_icmp.go). With unknown,
// each atom is answered by the single check's rule, as tcpPortsByAtom
// answers it.
func (m *Model) icmpPortsByType(r *PortsResult, f flow.Flow, src *ifaceInfo, path *atomOutcome, fb, rb *flow.Bounds, unknown []*ifaceInfo) error {
	codes := flow.NewBounds(flow.FieldICMPCode)
	codes.MergeField(flow.FieldICMPCode, fb, flow.FieldICMPCode)
	codes.MergeField(flow.FieldICMPCode, rb, flow.FieldICMPCode)
	atoms := codes.Atoms(flow.FieldICMPCode, flow.PortRange{Lo: 0, Hi: 255})
	if n := 256 * len(atoms); len(unknown) > 0 && n > maxUnknownChecks {
		return m.unknownBudgetErr(unknown...)
	}
	cuts := newCutSet(path)
	for t := range 256 {
		var open, und []flow.Range[uint8]
		for _, c := range atoms {
			g := f
			g.ICMPType, g.ICMPCode = uint8(t), uint8(c.Lo)
			cr := flow.Range[uint8]{Lo: uint8(c.Lo), Hi: uint8(c.Hi)}
			grow := func(c *Cut) { c.ICMP = addICMP(c.ICMP, uint8(t), cr) }
			out, err := m.walkAtom(g, src, path, cuts, grow)
			if err != nil {
				return err
			}
			if len(unknown) > 0 {
				if v := m.verdictRule(g, src); v != out {
					if out = v; v == Indeterminate {
						cuts.addUnknown(unknown, grow)
					}
				}
			}
			r.Atoms++
			switch out {
			case Reachable:
				open = append(open, cr)
			case Indeterminate:
				und = append(und, cr)
			}
		}
		if len(open) > 0 {
			r.ICMP = append(r.ICMP, ICMPCodes{Type: uint8(t), Codes: flow.SetOf(open...)})
		}
		if len(und) > 0 {
			r.ICMPIndeterminate = append(r.ICMPIndeterminate, ICMPCodes{Type: uint8(t), Codes: flow.SetOf(und...)})
		}
	}
	r.Cuts = cuts.list()
	return nil
}

// addICMP adds codes cr of type t to cs, kept in type order with one
// entry a type: the callers meet the types of an atom once per code atom,
// so a type comes back after others.
func addICMP(cs []ICMPCodes, t uint8, cr flow.Range[uint8]) []ICMPCodes {
	if n := len(cs); n > 0 && cs[n-1].Type == t {
		cs[n-1].Codes = cs[n-1].Codes.Union(flow.SetOf(cr))
		return cs
	}
	i, found := slices.BinarySearchFunc(cs, t, func(c ICMPCodes, t uint8) int { return cmp.Compare(c.Type, t) })
	if found {
		cs[i].Codes = cs[i].Codes.Union(flow.SetOf(cr))
		return cs
	}
	return slices.Insert(cs, i, ICMPCodes{Type: t, Codes: flow.SetOf(cr)})
}

// firewallBounds collects the bounds of the firewall behind endpoint ei
// for pkt. The firewall judges sessions: it takes a request, and gives
// bounds in the request's terms, so a reply's crossing is handed over
// reversed, to the request leg's bounds. nat: pkt carries the port a NAT
// gateway picked, which the firewall judges over every port it may pick
// (natfw.go), so that port gives no edge.
func (w *walker) firewallBounds(pkt flow.Flow, ei *endpointInfo, nat bool) {
	b := w.bounds
	natField := flow.FieldSrcPort // the request's source port
	request := w.leg == Forward   // pkt and b in the request's terms
	if w.leg == Return {
		natField = flow.FieldDstPort
		if w.forward != nil && w.forward.bounds != nil {
			pkt, b, natField, request = pkt.Reverse(), w.forward.bounds, flow.FieldSrcPort, true
		}
	}
	merge := b.Merge
	if nat {
		merge = func(o *flow.Bounds) { mergeBut(b, o, natField) }
	}
	if !b.Varies(flow.FieldSrcAddr) && !b.Varies(flow.FieldDstAddr) {
		add := func() { merge(ei.fw.fixedBounds(pkt)) }
		if request && !nat && !b.Varies(flow.FieldDstPort) {
			// the service's port fixed (the client ports of one question):
			// the rules that do not admit it cut no client port, which
			// the kept bounds, over every port, do not know
			add = func() { ei.fw.engine.Bounds(firewall.Connection{Flow: pkt}, b) }
		}
		// in the request's terms, the client port is the source port
		w.noteBounds(b, flow.FieldSrcPort, len(*w.hops)-1, add)
		return
	}
	merge(ei.fw.addressBounds(pkt))
}

// mergeBut adds every edge of o to b, as [flow.Bounds.Merge] does, but
// those of field skip.
func mergeBut(b, o *flow.Bounds, skip flow.Field) {
	for f := flow.FieldSrcPort; f <= flow.FieldDstAddr; f++ {
		if f != skip {
			b.MergeField(f, o, f)
		}
	}
}

// fixedBounds returns the firewall's bounds over ports and ICMP fields
// for packets like pkt, whose addresses stay fixed, computed once per
// protocol and atoms of the two addresses: which rules count depends on
// the addresses only through the rules' address sets, whose edges
// addressBounds holds (and on whether the two addresses are one, for
// sameip).
func (f *firewallInfo) fixedBounds(pkt flow.Flow) *flow.Bounds {
	b, _ := f.fixedBoundsKey(pkt)
	return b
}

// fixedBoundsKey is fixedBounds that also returns the key it is cached
// by.
func (f *firewallInfo) fixedBoundsKey(pkt flow.Flow) (*flow.Bounds, fixedKey) {
	edges := f.addressBounds(pkt)
	src, dst := pkt.Src.Addr(), pkt.Dst.Addr()
	key := fixedKey{pkt.Protocol, pkt.Is6(), edges.AddrAtomIndex(flow.FieldSrcAddr, src), edges.AddrAtomIndex(flow.FieldSrcAddr, dst), src == dst}
	if b, ok := f.fixedCache.Load(key); ok {
		return b.(*flow.Bounds), key
	}
	b := flow.NewBounds(flow.FieldSrcPort, flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode)
	f.engine.Bounds(firewall.Connection{Flow: pkt}, b)
	b.Compact()
	got, _ := f.fixedCache.LoadOrStore(key, b)
	return got.(*flow.Bounds), key
}

// fixedKey is what fixedBounds depends on.
type fixedKey struct {
	proto    flow.Protocol
	v6       bool
	src, dst int // atoms of the addresses among the rules' address edges
	same     bool
}

// addressBounds returns the firewall's bounds over every field for
// packets of pkt's protocol and family, computed once: when addresses
// vary, every rule of the protocol counts, whatever pkt's addresses. They
// are computed for a packet from and to the unspecified address, so a
// sameip rule's edges are that address's: set questions vary an internet
// address against one of the design, which are never the same.
func (f *firewallInfo) addressBounds(pkt flow.Flow) *flow.Bounds {
	key := [2]int{int(pkt.Protocol), 0}
	zero := netip.IPv4Unspecified()
	if pkt.Is6() {
		key[1], zero = 1, netip.IPv6Unspecified()
	}
	if b, ok := f.varyCache.Load(key); ok {
		return b.(*flow.Bounds)
	}
	b := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr, flow.FieldSrcPort, flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode)
	b.RecordRanges() // findCuts and pathCuts judge the rules' blocks (edges.go)
	g := pkt
	g.Src, g.Dst = netip.AddrPortFrom(zero, pkt.Src.Port()), netip.AddrPortFrom(zero, pkt.Dst.Port())
	f.engine.Bounds(firewall.Connection{Flow: g}, b)
	b.Compact()
	got, _ := f.varyCache.LoadOrStore(key, b)
	return got.(*flow.Bounds)
}

// hopRef is a hop of a walk: its leg and its index there.
type hopRef struct {
	leg Leg
	hop int
}

// clientField is the field that holds the client's port in the packets
// of w's leg: the request's source port, the reply's destination port.
func (w *walker) clientField() flow.Field {
	if w.leg == Return {
		return flow.FieldDstPort
	}
	return flow.FieldSrcPort
}

// noteBounds runs add, which adds a filter's bounds to b, and marks the
// filter's hop (index hop of w's leg) when it added an edge to the
// client's port (field watch of b): its decision may change with the
// client's port.
func (w *walker) noteBounds(b *flow.Bounds, watch flow.Field, hop int, add func()) {
	if w.marks == nil {
		add()
		return
	}
	n := b.Len(watch)
	add()
	if b.Len(watch) > n {
		*w.marks = append(*w.marks, hopRef{w.leg, hop})
	}
}

package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// Ports, hop by hop. The path of a session does not depend on its ports:
// routes match addresses, and no hop of the model rewrites a port it
// knows (internet gateways translate addresses only; the port a NAT
// gateway picks is judged over its whole range, natport.go), so every
// destination port and client port meets the hops of one quiet walk, with
// the same addresses, and every hop but a filter decides alike for all of
// them. Each filter then says what it does with every destination port at
// once, as runs of ports with one decision (portRun):
//
//   - a network ACL on the request: the ports an entry allows, those an
//     entry denies, and the rest, which falls to "*"
//     ([nacl.Evaluator.PortVerdicts]); on the reply, where the
//     destination port is the client's, the same over client ports, one
//     decision for every destination port; beyond a NAT gateway, where
//     it is the port the gateway picked, one decision for every port
//     (natACLVerdict);
//   - AWS security groups: on the request, the ports allowed and those
//     only a group of unknown members could allow
//     ([sg.Evaluator.PortVerdicts]); on the reply, the same over client
//     ports (AWS rules name destination ports only);
//   - any other filter (Alibaba Cloud groups): its own bounds cut the
//     ports into atoms, and Evaluate decides each;
//   - a firewall: its verdicts on the request and the reply for each atom
//     of its own bounds, client ports by destination ports (portGrid),
//     decided when first asked and kept on the model.
//
// A sweep over every hop's runs gives, for each piece of the port space in
// which every hop decides alike, the outcome (outcomeOf's rule: a certain
// block wins, then an undecided hop) and, from the client port asked ([PortsQuery.ClientPort]), the
// hops that stop it. Other client ports only matter where the hops that
// cannot tell client ports apart leave a port open (the candidates); the
// client ports are cut where a hop's answer on a candidate changes, and
// the pieces whose hops say the same on the candidates are swept once.
// The one port a walk itself treats apart, Alibaba Cloud's outbound 25 (a
// platform hop only its walk meets), is walked, when the sender is an
// Alibaba interface that has it blocked.
//
// Nothing checks, port by port, that the path stays the one walked (the
// walk per atom did, with ErrPathChanged): the randomized test against it
// does. A hop that blocks whatever the port is named by an explained walk
// (portPath), since a quiet walk leaves some hops unnamed.
// TestPortsByHopAgreesByAtom holds all this to the walk of one port per
// atom (tcpPortsByAtom).

// filterHop is a filter the discovery walk met and judged a packet at:
// security groups or a network ACL, at hop hop of leg leg.
type filterHop struct {
	leg    Leg
	hop    int
	kind   Kind // KindSecurityGroups or KindNetworkACL
	sg     *sg.Evaluator
	iface  *ifaceInfo // whose groups
	acl    *nacl.Evaluator
	subnet *subnetInfo // whose ACL
	pkt    flow.Flow
	dir    flow.Direction
	// nat: a network ACL that judges the reply to the port a NAT gateway
	// picked, over every port it may pick, whatever the client's port
	// (natport.go)
	nat bool
}

// noteFilter lists the filter f, which judges the leg's hop at index hop.
func (w *walker) noteFilter(f filterHop, hop int) {
	f.leg, f.hop = w.leg, hop
	*w.filters = append(*w.filters, f)
}

// hopRuns is a hop of the path and its runs.
type hopRuns struct {
	leg  Leg
	hop  int
	runs []portRun
}

// portRun is a run of ports with one decision of a hop: the ports from
// the run before it (from 1) up to hi; code is "" where the hop passes
// them, and und says the hop cannot decide ([Hop.Undecided]).
type portRun struct {
	hi   uint16
	code Code
	und  bool
}

// blocks reports whether the run blocks for certain.
func (r portRun) blocks() bool { return r.code != "" && !r.und }

// appendRun appends the run up to hi, merged with the last run when they
// decide alike.
func appendRun(rs []portRun, hi uint16, code Code, und bool) []portRun {
	if n := len(rs); n > 0 && rs[n-1].code == code && rs[n-1].und == und {
		rs[n-1].hi = hi
		return rs
	}
	return append(rs, portRun{hi, code, und})
}

// runAt returns the run of rs that holds port p.
func runAt(rs []portRun, p uint16) portRun {
	i, _ := slices.BinarySearchFunc(rs, p, func(r portRun, p uint16) int { return int(r.hi) - int(p) })
	return rs[i]
}

// portClass is a set of ports a hop decides alike.
type portClass struct {
	set  flow.PortSet
	code Code
	und  bool
}

// classRuns turns disjoint classes into runs over ports 1-65535; the
// ports of no class get rest's decision.
func classRuns(rest portClass, classes ...portClass) []portRun {
	type piece struct {
		r flow.PortRange
		c *portClass
	}
	var pieces []piece
	for i := range classes {
		for _, r := range classes[i].set.Ranges() {
			pieces = append(pieces, piece{r, &classes[i]})
		}
	}
	slices.SortFunc(pieces, func(a, b piece) int { return int(a.r.Lo) - int(b.r.Lo) })
	var rs []portRun
	lo := 1
	for _, p := range pieces {
		if int(p.r.Hi) < lo {
			continue // port 0
		}
		if int(p.r.Lo) > lo {
			rs = appendRun(rs, p.r.Lo-1, rest.code, rest.und)
		}
		rs = appendRun(rs, p.r.Hi, p.c.code, p.c.und)
		lo = int(p.r.Hi) + 1
	}
	if lo <= 65535 {
		rs = appendRun(rs, 65535, rest.code, rest.und)
	}
	return rs
}

// atomRuns decides a hop for every port by its own atoms: bounds adds
// the hop's edges for field, decide judges one port.
func atomRuns(field flow.Field, bounds func(*flow.Bounds), decide func(v uint16) (Code, bool)) []portRun {
	b := flow.NewBounds(field)
	bounds(b)
	var rs []portRun
	for _, a := range b.Atoms(field, flow.PortRange{Lo: 1, Hi: 65535}) {
		code, und := decide(a.Lo)
		rs = appendRun(rs, a.Hi, code, und)
	}
	return rs
}

// sgCode is the code of a security group hop that gave verdict v, as the
// walk writes it (walker.securityGroups).
func sgCode(ev *sg.Evaluator, v flow.Verdict) Code {
	switch {
	case v == flow.Indeterminate:
		return SGIndeterminate
	case v != flow.Allow && ev.Flavour().IsAlibaba():
		return SGDeny
	case v != flow.Allow:
		return SGNoAllow
	}
	return ""
}

// sgDecisionCode is sgCode for decision d, naming the NAT gateway's port
// where that decided nothing (natsg.go).
func sgDecisionCode(ev *sg.Evaluator, d sg.Decision) Code {
	if d.Basis == sg.SourcePortDiffers {
		return NATPortUnknown
	}
	return sgCode(ev, d.Verdict)
}

// aclCode is the code of a network ACL hop that made decision d.
func aclCode(d nacl.Decision) Code {
	switch {
	case d.Verdict == flow.Allow:
		return ""
	case d.Default:
		return ACLDefaultDeny
	}
	return ACLDeny
}

// How a filter's decision depends on the ports.
const (
	destOnly   = iota // on the destination port alone: runs over it
	clientOnly        // on the client's port alone: runs over that
	bothPorts         // on both: decided per client port
)

// dependence says on which ports fh's decision depends, and returns its
// runs over that port when one.
func (fh *filterHop) dependence() (int, []portRun) {
	on := func(code Code) Code { return code.OnLeg(fh.leg) }
	// On the request the destination port is the service's, on the reply
	// the client's: network ACL entries and AWS security group rules name
	// destination ports only.
	dep := destOnly
	if fh.leg == Return {
		dep = clientOnly
	}
	if fh.kind == KindNetworkACL && fh.nat {
		v, code := natACLVerdict(fh.acl, fh.pkt, fh.dir) // one decision for every port
		return destOnly, []portRun{{65535, on(code), v == flow.Indeterminate}}
	}
	if fh.kind == KindNetworkACL {
		deny, byDefault := on(ACLDeny), on(ACLDefaultDeny)
		rs := make([]portRun, 0, 8)
		for r, d := range fh.acl.PortVerdicts(fh.pkt, fh.dir) {
			code := Code("")
			switch {
			case d.Verdict == flow.Allow:
			case d.Default:
				code = byDefault
			default:
				code = deny
			}
			if r.Hi > 0 {
				rs = appendRun(rs, r.Hi, code, false)
			}
		}
		return dep, rs
	}
	if allow, und, ok := fh.sg.PortVerdicts(fh.pkt, fh.dir); ok {
		return dep, classRuns(portClass{code: on(SGNoAllow)}, portClass{set: allow}, portClass{set: und, code: on(SGIndeterminate), und: true})
	}
	return bothPorts, nil
}

// packet is fh's packet from client port c to destination port p.
func (fh *filterHop) packet(c, p uint16) flow.Flow {
	pkt := fh.pkt
	if fh.leg == Forward {
		pkt.Src, pkt.Dst = netip.AddrPortFrom(pkt.Src.Addr(), c), netip.AddrPortFrom(pkt.Dst.Addr(), p)
	} else {
		pkt.Src, pkt.Dst = netip.AddrPortFrom(pkt.Src.Addr(), p), netip.AddrPortFrom(pkt.Dst.Addr(), c)
	}
	return pkt
}

// runsFrom decides a security group hop (bothPorts) for every
// destination port from client port c, by the group's atoms.
func (fh *filterHop) runsFrom(c uint16) []portRun {
	pkt := fh.packet(c, 1)
	field := flow.FieldDstPort
	if fh.leg == Return {
		field = flow.FieldSrcPort
	}
	return atomRuns(field, func(b *flow.Bounds) { fh.sg.Bounds(pkt, fh.dir, b) }, func(p uint16) (Code, bool) {
		d := fh.sg.Evaluate(fh.packet(c, p), fh.dir)
		return sgDecisionCode(fh.sg, d).OnLeg(fh.leg), d.Verdict == flow.Indeterminate
	})
}

// clientEdges adds to b (field FieldSrcPort) where fh's decision can
// change with the client's port, whatever the destination port.
func (fh *filterHop) clientEdges(b *flow.Bounds) {
	field := flow.FieldSrcPort
	if fh.leg == Return {
		field = flow.FieldDstPort
	}
	e := flow.NewBounds(flow.FieldSrcPort, flow.FieldDstPort)
	fh.sg.Bounds(fh.pkt, fh.dir, e)
	b.MergeField(flow.FieldSrcPort, e, field)
}

// nameCuts gives the cuts at the path's filters the ID and name an
// explained walk gives their hops (walker.securityGroups,
// walker.networkACL): a quiet walk leaves them out, and only the few
// hops that cut need them.
func (p *portPath) nameCuts(cuts []Cut) {
	for i := range cuts {
		c := &cuts[i]
		for _, fh := range p.filters {
			if fh.leg != c.Leg || fh.hop != c.Hop-1 || fh.kind != c.Kind {
				continue
			}
			if fh.kind == KindNetworkACL {
				c.ID, c.Name = fh.subnet.acl.acl.ID, fh.subnet.ID
			} else {
				c.ID, c.Name = strings.Join(fh.iface.Groups, ","), fh.iface.label()
			}
		}
	}
}

// sweep visits the pieces of values from-65535 (ports from 1; ICMP types
// and codes, as type<<8|code, from 0) in which every hop's runs decide
// alike, and apart alone when not 0, with at, the index of each hop's run
// there. It returns how many pieces it visited.
func sweep(hops []hopRuns, from int, apart uint16, visit func(piece flow.PortRange, at []int)) int {
	at := make([]int, len(hops))
	n := 0
	for lo := from; lo <= 65535; {
		hi := 65535
		for k := range hops {
			hi = min(hi, int(hops[k].runs[at[k]].hi))
		}
		if a := int(apart); a != 0 && lo <= a && a <= hi {
			hi = a
			if lo < a {
				hi = a - 1
			}
		}
		visit(flow.PortRange{Lo: uint16(lo), Hi: uint16(hi)}, at)
		n++
		for k := range hops {
			if int(hops[k].runs[at[k]].hi) == hi {
				at[k]++
			}
		}
		lo = hi + 1
	}
	return n
}

// outcomeAt is the outcome of the ports where the hops' runs are at at,
// for a session that arrives and is answered when reachable (outcomeOf).
func outcomeAt(hops []hopRuns, at []int, reachable bool) Outcome {
	und := false
	for k := range hops {
		run := hops[k].runs[at[k]]
		if run.blocks() {
			return Unreachable
		}
		und = und || run.und
	}
	switch {
	case und:
		return Indeterminate
	case reachable:
		return Reachable
	}
	return Unreachable
}

// appendRange appends r to rs, merged with the last range when they
// touch.
func appendRange(rs []flow.PortRange, r flow.PortRange) []flow.PortRange {
	if n := len(rs); n > 0 && uint32(rs[n-1].Hi)+1 == uint32(r.Lo) {
		rs[n-1].Hi = r.Hi
		return rs
	}
	return append(rs, r)
}

// noBlock is firstBlock's answer when no hop blocks for certain.
const noBlock = int(^uint(0) >> 1)

// walkPos is the place of hop hop of leg in walk order: the request's
// hops, then the reply's.
func walkPos(leg Leg, hop int) int { return int(leg)<<24 | hop }

// firstBlock returns the walk order place (walkPos) of the first of hops
// whose run at at blocks for certain, noBlock when none does. A hop the
// walk places after it is one no packet of the piece reaches: an
// undecided hop there cuts nothing (afterBlock), and is left out of the
// cuts, as Check's answer is decided by the certain block.
func firstBlock(hops []hopRuns, at []int) int {
	first := noBlock
	for k := range hops {
		if hops[k].runs[at[k]].blocks() {
			first = min(first, walkPos(hops[k].leg, hops[k].hop))
		}
	}
	return first
}

// cutsAt reports whether hop k's run at at is a cut of the piece: it says
// a code, and it is no undecided hop after a certain block (firstBlock
// gives first).
func cutsAt(hops []hopRuns, at []int, k, first int) bool {
	run := hops[k].runs[at[k]]
	return run.code != "" && !(run.und && walkPos(hops[k].leg, hops[k].hop) > first)
}

// pendingCut is a cut's ports as the sweep finds them.
type pendingCut struct {
	code  Code
	ports []flow.PortRange
	und   bool
}

// pendCut adds piece to the pending cut of run's code among pcs, a hop's.
func pendCut(pcs []pendingCut, run portRun, piece flow.PortRange) []pendingCut {
	i := slices.IndexFunc(pcs, func(pc pendingCut) bool { return pc.code == run.code })
	if i < 0 {
		i = len(pcs)
		pcs = append(pcs, pendingCut{code: run.code, und: run.und})
	}
	pcs[i].ports = appendRange(pcs[i].ports, piece)
	return pcs
}

// addPorts adds ports to the cut of hop k.hop of leg k.leg (a hop of the
// discovery's path), which says k.code; und: the hop cannot decide them.
func (s *cutSet) addPorts(k cutKey, ports flow.PortSet, und bool) {
	c, ok := s.cuts[k]
	if !ok {
		h := &[2][]Hop{s.path.fwd, s.path.ret}[k.leg][k.hop]
		c = &Cut{Leg: Leg(k.leg), Hop: k.hop + 1, Kind: h.Kind, ID: h.ID, Name: h.Name, Code: k.code, Indeterminate: und}
		s.cuts[k] = c
		s.order = append(s.order, k)
	}
	if c.Ports.IsEmpty() {
		c.Ports = ports
		return
	}
	c.Ports = c.Ports.Union(ports)
}

// portPath is the path of a Ports question, its hops sorted by how their
// decisions depend on the ports.
type portPath struct {
	m         *Model
	f         flow.Flow
	src       *ifaceInfo
	path      atomOutcome // the discovery's hops, named as an explained walk names them
	reachable bool        // the request arrives and its reply is walked
	apart     uint16      // the port to walk, 0 for none (walkTreatsApart)
	filters   []filterHop // the security groups and network ACLs that judge a packet
	dest      []hopRuns   // hops that decide on the destination port alone, or on none
	client    []hopRuns   // hops that decide on the client's port alone: runs over it
	both      []*filterHop
	sessions  []fwSession
	// settled: a hop blocks for certain whatever the client port
	// (portPathNamed with client bounds); nothing else is filled in
	settled bool
}

// sortFilters sorts the filters by how their decisions depend on the
// ports (tcp and udp).
func (p *portPath) sortFilters() {
	for i := range p.filters {
		fh := &p.filters[i]
		switch dep, runs := fh.dependence(); dep {
		case destOnly:
			p.dest = append(p.dest, hopRuns{fh.leg, fh.hop, runs})
		case clientOnly:
			p.client = append(p.client, hopRuns{fh.leg, fh.hop, runs})
		default:
			p.both = append(p.both, fh)
		}
	}
}

// portsByHop answers Ports for tcp and udp hop by hop: it fills r's Open,
// Indeterminate, Cuts and Atoms, and returns the atoms of client ports
// it answered for, the ports open from each, and the ranges asked about.
func (m *Model) portsByHop(r *PortsResult, q PortsQuery, f flow.Flow, src *ifaceInfo) (ranges []nacl.NamedRange, clients []flow.PortRange, open []clientOpen, err error) {
	s := quietWalks.Get().(*quietWalk)
	defer quietWalks.Put(s) // its hops are the path's until then
	p, err := m.portPath(s, f, src)
	if err != nil {
		return nil, nil, nil, err
	}
	p.sortFilters()
	err = p.fromDefault(r)
	if err != nil {
		return nil, nil, nil, err
	}
	// Client ports matter only where the hops that cannot tell them apart
	// leave a port open.
	base := combine(p.dest)
	var candidates []flow.PortRange
	for i, run := range base {
		lo := uint16(1)
		if i > 0 {
			lo = base[i-1].hi + 1
		}
		switch {
		case !run.blocks():
			candidates = appendRange(candidates, flow.PortRange{Lo: lo, Hi: run.hi})
		case lo <= p.apart && p.apart <= run.hi: // walked whatever the hops say
			candidates = appendRange(candidates, flow.Single(p.apart))
		}
	}
	ranges = q.ClientPorts
	if ranges == nil {
		ranges = nacl.EphemeralRanges()
	}
	for i := range p.sessions {
		p.sessions[i].setCandidates(candidates)
	}
	clients = p.clientAtoms(ranges, candidates, r.ClientPort)
	open = make([]clientOpen, len(clients))
	seen := map[string]clientOpen{} // by what the hops that tell client ports apart say on the candidates
	var sig []byte
	for ci, c := range clients {
		if c.Contains(r.ClientPort) {
			open[ci] = clientOpen{r.Open, r.Indeterminate}
			continue
		}
		sig = p.signature(sig[:0], c.Lo)
		if o, ok := seen[string(sig)]; ok {
			open[ci] = o
			continue
		}
		if open[ci], err = p.fromClient(c.Lo, base, r); err != nil {
			return nil, nil, nil, err
		}
		seen[string(sig)] = open[ci]
	}
	return ranges, clients, open, nil
}

// signature appends to sig what the hops that can tell client ports apart
// say from client port c on the candidates (setCandidates): two client
// ports with one signature open the same ports. A hop deciding on both
// ports by its own atoms (an Alibaba group) is summed up by c itself.
func (p *portPath) signature(sig []byte, c uint16) []byte {
	for _, h := range p.client {
		run := runAt(h.runs, c)
		sig = append(sig, b2byte(run.blocks())<<1|b2byte(run.und))
	}
	for i := range p.sessions {
		s := &p.sessions[i]
		si := atomOf(s.grid.src, c)
		for _, di := range s.meeting {
			sig = append(sig, byte(s.cell(si, di)))
		}
	}
	if len(p.both) > 0 {
		sig = append(sig, byte(c>>8), byte(c))
	}
	return sig
}

// b2byte is 1 for true, 0 for false.
func b2byte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// portPath walks f quietly on s and sorts the hops of its path.
func (m *Model) portPath(s *quietWalk, f flow.Flow, src *ifaceInfo) (*portPath, error) {
	return m.portPathNamed(s, f, src, true, nil)
}

// clientBounds, when given to portPathNamed, collects the bounds of the
// filters on the path over the client port (the request's source port,
// the reply's destination port) and the hops whose filters cut it.
type clientBounds struct {
	fwd, ret *flow.Bounds
	marks    []hopRef
}

// portPathNamed is portPath; named: a hop that blocks whatever the ports
// gets the ID and name an explained walk gives it, which costs that walk
// (the cuts of an answer name it). With cb, the walk collects its
// bounds, and a path on which a hop blocks for certain whatever the
// client port (blocksUnmarked) is returned unsorted, settled.
func (m *Model) portPathNamed(s *quietWalk, f flow.Flow, src *ifaceInfo, named bool, cb *clientBounds) (*portPath, error) {
	fw, rw := s.reset(m)
	if cb != nil {
		fw.bounds, rw.bounds, fw.marks, rw.marks = cb.fwd, cb.ret, &cb.marks, &cb.marks
	}
	filters := s.filters[:0]
	fw.filters, rw.filters = &filters, &filters
	arrived, _ := m.walkWith(f, src, fw, rw)
	s.filters = filters // its room for the next walk
	if err := m.natPathErr(f, s.fwd); err != nil {
		return nil, err
	}
	p := &portPath{m: m, f: f, src: src, path: atomOutcome{fwd: s.fwd, ret: s.ret}}
	if cb != nil && blocksUnmarked(s.fwd, s.ret, cb.marks) {
		p.settled = true
		return p, nil
	}
	p.reachable = arrived.ok && len(s.ret) > 0
	p.apart = walkTreatsApart(m, f, s.fwd)
	byHop := [2][]bool{make([]bool, len(s.fwd)), make([]bool, len(s.ret))}
	for _, ss := range pairCrossings(fw.crossed, rw.crossed) {
		if fs, ok := newFWSession(ss, arrived.ok, oneWay(s.fwd)); ok {
			p.sessions = append(p.sessions, fs)
			for leg, at := range [2]int{fs.fwd, fs.ret} {
				if at >= 0 {
					byHop[leg][at] = true
				}
			}
		}
	}
	for _, fh := range filters {
		byHop[fh.leg][fh.hop] = true
	}
	p.filters = filters
	allNamed := true
	for leg, hops := range [2][]Hop{p.path.fwd, p.path.ret} {
		for i, h := range hops {
			if !byHop[leg][i] && h.Code != "" {
				runs := []portRun{{65535, h.Code, h.Undecided()}}
				if leg == int(Return) && f.Protocol.IsICMP() {
					runs = replyRunsICMP(f.Protocol, h.Code, h.Undecided())
				}
				p.dest = append(p.dest, hopRuns{Leg(leg), i, runs})
				allNamed = allNamed && h.Kind == KindFirewall // a quiet walk names a firewall's hops
			}
		}
	}
	if named && !allNamed { // a hop that blocks whatever the ports: the words of an explained walk name it
		var fwd, ret []Hop
		m.walkBounds(f, src, &fwd, &ret, true, nil, nil)
		if !samePath(fwd, p.path.fwd) || !samePath(ret, p.path.ret) || len(fwd) != len(p.path.fwd) || len(ret) != len(p.path.ret) {
			return nil, fmt.Errorf("%w: %s", ErrPathChanged, f)
		}
		p.path = atomOutcome{fwd: fwd, ret: ret}
	}
	return p, nil
}

// walkTreatsApart returns the destination port the walk itself treats
// apart on the path whose request's hops are fwd, 0 for none: Alibaba
// Cloud's outbound port 25, for tcp from an Alibaba interface that has it
// blocked (alibabaEgress).
func walkTreatsApart(m *Model, f flow.Flow, fwd []Hop) uint16 {
	if f.Protocol != flow.TCP || len(fwd) == 0 {
		return 0
	}
	sender, _ := m.ifaceByAddr(fwd[0].Packet.Src.Addr())
	if !sender.isAlibaba() || sender.Port25Unblocked {
		return 0
	}
	return smtpPort
}

// hopsFrom returns the runs of every hop that can block, from client
// port c: dest, and the others' over every destination port or only
// over the candidates.
func (p *portPath) hopsFrom(dest []hopRuns, c uint16, candidates bool) []hopRuns {
	hops := make([]hopRuns, len(dest), len(dest)+len(p.client)+len(p.both)+2*len(p.sessions))
	copy(hops, dest)
	for _, h := range p.client {
		run := runAt(h.runs, c)
		hops = append(hops, hopRuns{h.leg, h.hop, []portRun{{65535, run.code, run.und}}})
	}
	for _, fh := range p.both {
		hops = append(hops, hopRuns{fh.leg, fh.hop, fh.runsFrom(c)})
	}
	for i := range p.sessions {
		hops = p.sessions[i].appendRuns(hops, c, candidates)
	}
	return hops
}

// fromDefault answers from r.ClientPort ([PortsQuery.ClientPort]): r's Open, Indeterminate
// and Cuts.
func (p *portPath) fromDefault(r *PortsResult) error {
	hops := p.hopsFrom(p.dest, r.ClientPort, false)
	cuts := newCutSet(&p.path)
	pending := make([][]pendingCut, len(hops)) // per hop, per code
	var open, und []flow.PortRange
	var err error
	r.Atoms += sweep(hops, 1, p.apart, func(piece flow.PortRange, at []int) {
		out := Unreachable
		if piece.Lo == p.apart {
			var e error
			if out, e = p.walk(piece, r.ClientPort, cuts); e != nil {
				err = e
			}
		} else {
			out = outcomeAt(hops, at, p.reachable)
			first := firstBlock(hops, at)
			for k := range hops {
				if cutsAt(hops, at, k, first) {
					pending[k] = pendCut(pending[k], hops[k].runs[at[k]], piece)
				}
			}
		}
		switch out {
		case Reachable:
			open = appendRange(open, piece)
		case Indeterminate:
			und = appendRange(und, piece)
		}
	})
	for k, pcs := range pending {
		for _, pc := range pcs {
			cuts.addPorts(cutKey{leg: int(hops[k].leg), hop: hops[k].hop, code: pc.code}, flow.SetOf(pc.ports...), pc.und)
		}
	}
	r.Open, r.Indeterminate, r.Cuts = flow.SetOf(open...), flow.SetOf(und...), cuts.list()
	p.nameCuts(r.Cuts)
	return err
}

// fromClient returns what gets through from client port c: base (the
// combined runs of the hops that decide on the destination port alone)
// leaves the candidates open; the other hops judge those.
func (p *portPath) fromClient(c uint16, base []portRun, r *PortsResult) (clientOpen, error) {
	for _, h := range p.client {
		if runAt(h.runs, c).blocks() {
			return clientOpen{}, nil
		}
	}
	hops := p.hopsFrom([]hopRuns{{runs: base}}, c, true)
	var open, und []flow.PortRange
	var err error
	r.Atoms += sweep(hops, 1, p.apart, func(piece flow.PortRange, at []int) {
		out := outcomeAt(hops, at, p.reachable)
		if piece.Lo == p.apart {
			var e error
			if out, e = p.walk(piece, c, nil); e != nil {
				err = e
			}
		}
		switch out {
		case Reachable:
			open = appendRange(open, piece)
		case Indeterminate:
			und = appendRange(und, piece)
		}
	})
	return clientOpen{flow.SetOf(open...), flow.SetOf(und...)}, err
}

// walk decides the ports of piece from client port c by a walk of its
// first, adding the blocking hops to cuts (when not nil).
func (p *portPath) walk(piece flow.PortRange, c uint16, cuts *cutSet) (Outcome, error) {
	g := p.f
	g.Src = netip.AddrPortFrom(g.Src.Addr(), c)
	g.Dst = netip.AddrPortFrom(g.Dst.Addr(), piece.Lo)
	return p.m.walkAtom(g, p.src, &p.path, cuts, func(c *Cut) { c.Ports = c.Ports.Union(flow.SetOf(piece)) })
}

// combine folds the runs of hops into one: a piece blocks where a hop
// blocks for certain, is undecided where none does but one is.
func combine(hops []hopRuns) []portRun {
	var rs []portRun
	sweep(hops, 1, 0, func(piece flow.PortRange, at []int) {
		var code Code
		und := false
		switch outcomeAt(hops, at, true) {
		case Unreachable:
			code = "blocked"
		case Indeterminate:
			code, und = "undecided", true
		}
		rs = appendRun(rs, piece.Hi, code, und)
	})
	return rs
}

// clientAtoms cuts the client ports asked about (ranges, and cp, the
// result's client port) where a hop's decision on a destination port of
// candidates can change with the client port, and returns the atoms, the
// default client port's first.
func (p *portPath) clientAtoms(ranges []nacl.NamedRange, candidates []flow.PortRange, cp uint16) []flow.PortRange {
	cb := flow.NewBounds(flow.FieldSrcPort)
	asked := []flow.PortRange{flow.Single[uint16](cp)}
	for _, nr := range ranges {
		cb.Add(flow.FieldSrcPort, nr.Ports.Lo, nr.Ports.Hi)
		asked = append(asked, nr.Ports)
	}
	cb.Add(flow.FieldSrcPort, cp, cp)
	if len(candidates) > 0 {
		for _, h := range p.client {
			for _, run := range h.runs[:len(h.runs)-1] {
				cb.Add(flow.FieldSrcPort, run.hi+1, 65535)
			}
		}
		for _, fh := range p.both {
			fh.clientEdges(cb)
		}
		for i := range p.sessions {
			p.sessions[i].clientEdges(cb)
		}
	}
	var clients []flow.PortRange
	for _, c := range cb.Atoms(flow.FieldSrcPort, flow.PortRange{Lo: 1, Hi: 65535}) {
		if slices.ContainsFunc(asked, c.Overlaps) {
			clients = append(clients, c)
		}
	}
	slices.SortStableFunc(clients, func(a, b flow.PortRange) int {
		return b2i(b.Contains(cp)) - b2i(a.Contains(cp))
	})
	return clients
}

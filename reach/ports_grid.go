package reach

import (
	"net/netip"
	"slices"
	"sync/atomic"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
)

// A firewall's verdicts for every port, as Ports asks them. For a session
// whose addresses stay fixed, the firewall's bounds (fixedBounds) cut the
// client ports and the destination ports into atoms, and within one atom
// of each the firewall decides alike: a grid of verdicts, client atoms by
// destination atoms. Its cells are decided when first asked (one
// [firewall.Engine.Verdicts] each) and kept on the model, per protocol,
// atoms of the addresses, domain and the ways the session crosses (the
// keys fixedBounds is cached by, which the verdicts depend on as the
// bounds do). A grid's cells are kept in tiles of 32 client atoms by 8
// destination atoms, each made when one of its cells is first decided:
// Ports reads a grid row by row, Sources and Audit from every client
// port read it column by column (one destination port), and either way
// a grid holds little more than the cells asked. A firewall keeps up to
// maxPortGridCells cells (its grids' tiles and their tables of tiles);
// beyond that a new grid serves its question only, and a kept grid
// decides a cell outside its tiles anew at every ask. Cells are written
// once, atomically, so concurrent questions share a grid safely.

// fwSession is a firewall session of the discovery's path whose verdicts
// depend on the ports: one the firewall sees both ways, or one way with
// the reply not traced.
type fwSession struct {
	fw       *firewallInfo
	conn     firewall.Connection
	grid     *portGrid
	fwd, ret int // the crossings' hops on each leg, -1 for none
	// asym: the session crosses on one leg only (asymmetric: its cells
	// hold asymmetricVerdict's answer on that leg, worded AsymmetricRoute)
	asym bool
	// meeting lists the grid's destination atoms that meet the
	// candidates (setCandidates)
	meeting []int
}

// setCandidates notes the destination ports that client ports other than
// the default one are asked about.
func (s *fwSession) setCandidates(candidates []flow.PortRange) {
	s.meeting = s.grid.atomsMeeting(candidates)
}

// newFWSession returns s's fwSession, and false when the walk's hop
// decides its crossing whatever the ports. A crossing of one leg of a
// session whose reply was traced is asymmetric: its cells are decided by
// asymmetricVerdict, as the walk's asymmetric does, which depends on the
// ports the stateless engine's rules name; but not for an ICMP error
// message (oneWay), which has no reply, nor for icmp, whose types and
// codes no stateless rule names (the walk's hop, or the walks atom by
// atom, oneWayApart, answer those).
func newFWSession(s session, replyTraced, oneWay bool) (fwSession, bool) {
	asym := replyTraced && (s.fwd == nil || s.ret == nil)
	if asym {
		c := s.fwd
		if c == nil {
			c = s.ret
		}
		if oneWay || c.pkt.Protocol.IsICMP() {
			return fwSession{}, false
		}
	}
	fs := fwSession{fwd: -1, ret: -1, asym: asym}
	var ei *endpointInfo
	var req flow.Flow
	if s.fwd != nil {
		req, ei, fs.fwd = s.fwd.pkt, s.fwd.endpoint, s.fwd.hop
	}
	if s.ret != nil {
		fs.ret = s.ret.hop
		if s.fwd == nil {
			req, ei = s.ret.pkt.Reverse(), s.ret.endpoint
		}
	}
	fs.fw = ei.fw
	fs.conn = firewall.Connection{Flow: req, Request: s.fwd != nil, Reply: s.ret != nil || !replyTraced}
	fs.grid = ei.fw.portGrid(fs.conn, s.natNamed() != nil, asym)
	return fs, true
}

// appendRuns appends the runs of s's crossings from client port c to
// hops: over every destination port, or, for candidates, over the atoms
// that meet the candidates (setCandidates), passing the ports between
// them.
func (s *fwSession) appendRuns(hops []hopRuns, c uint16, candidates bool) []hopRuns {
	g := s.grid
	si := atomOf(g.src, c)
	var rs [2][]portRun
	emit := func(di int) {
		v := s.cell(si, di)
		for leg := range rs {
			code, und := v.on(Leg(leg))
			if s.asym && code != "" {
				code = AsymmetricRoute
			}
			rs[leg] = appendRun(rs[leg], g.dst[di].Hi, code, und)
		}
	}
	gap := func(hi uint16) {
		for leg := range rs {
			rs[leg] = appendRun(rs[leg], hi, "", false)
		}
	}
	if !candidates {
		row := &g.rows[si]
		if r := row.Load(); r != nil {
			rs = *r
		} else {
			for di := range g.dst {
				emit(di)
			}
			row.Store(&rs)
		}
	} else {
		next := 1 // the first port no run holds yet
		for _, di := range s.meeting {
			if int(g.dst[di].Lo) > next {
				gap(g.dst[di].Lo - 1)
			}
			emit(di)
			next = int(g.dst[di].Hi) + 1
		}
		if next <= 65535 {
			gap(65535)
		}
	}
	for leg, at := range [2]int{s.fwd, s.ret} {
		if at >= 0 {
			hops = append(hops, hopRuns{Leg(leg), at, rs[leg]})
		}
	}
	return hops
}

// clientEdges adds to b (field FieldSrcPort) where the firewall's
// verdicts on the candidates change with the client port.
func (s *fwSession) clientEdges(b *flow.Bounds) {
	g := s.grid
	for si := 1; si < len(g.src); si++ {
		for _, di := range s.meeting {
			if s.cell(si, di) != s.cell(si-1, di) {
				b.Add(flow.FieldSrcPort, g.src[si].Lo, 65535)
				break
			}
		}
	}
}

// cell returns the verdicts of grid cell (si, di), deciding them first
// when no question has.
func (s *fwSession) cell(si, di int) cellValue {
	g := s.grid
	if g.nat != nil {
		return s.natCell(di)
	}
	w, shift := g.word(s.fw, si, di)
	if w != nil {
		if v := cellValue(w.Load()>>shift) & 15; v != 0 {
			return v
		}
	}
	conn := s.conn
	if conn.Flow.Protocol.IsICMP() {
		conn.Flow.ICMPType, conn.Flow.ICMPCode = uint8(g.src[si].Lo), uint8(g.dst[di].Lo)
	} else {
		conn.Flow.Src = netip.AddrPortFrom(conn.Flow.Src.Addr(), g.src[si].Lo)
		conn.Flow.Dst = netip.AddrPortFrom(conn.Flow.Dst.Addr(), g.dst[di].Lo)
	}
	var req, rep flow.Verdict
	if s.asym {
		req, rep = s.asymmetric(conn, false)
	} else {
		req, rep = s.fw.engine.Verdicts(conn)
	}
	v := cellOf(req, rep)
	if w == nil {
		return v // beyond the firewall's budget: not kept
	}
	for {
		old := w.Load()
		if w.CompareAndSwap(old, old|uint32(v)<<shift) {
			return v
		}
	}
}

// natCell returns the verdicts of the NAT grid's cell of destination atom
// di, over every port the NAT gateway may pick (natFirewallVerdicts),
// deciding them first when no question has.
func (s *fwSession) natCell(di int) cellValue {
	w := &s.grid.nat[di]
	if v := cellValue(w.Load()); v != 0 {
		return v
	}
	conn := s.conn
	conn.Flow.Dst = netip.AddrPortFrom(conn.Flow.Dst.Addr(), s.grid.dst[di].Lo)
	var v cellValue
	if s.asym {
		v = cellOf(s.asymmetric(conn, true))
	} else {
		v = cellOf(natFirewallVerdicts(s.fw, conn))
	}
	w.Store(uint32(v))
	return v
}

// asymmetric is the verdicts of an asymmetric session's cell, conn (nat:
// over every port a NAT gateway may pick): asymmetricVerdict's on the
// leg that crosses, Allow on the other.
func (s *fwSession) asymmetric(conn firewall.Connection, nat bool) (req, rep flow.Verdict) {
	v, _ := asymmetricVerdict(s.fw, conn, nat, s.fwd < 0)
	if s.fwd < 0 {
		return flow.Allow, v
	}
	return v, flow.Allow
}

// cellValue is a grid cell: 0 undecided, else 1 + 4×request + reply
// (flow.Verdict values, each below 3, or natPortMixed in a NAT grid's
// cells).
type cellValue uint32

// cellOf is the cell of verdicts req and rep.
func cellOf(req, rep flow.Verdict) cellValue { return 1 + 4*cellValue(req) + cellValue(rep) }

func (v cellValue) req() flow.Verdict { return flow.Verdict((v - 1) / 4) }
func (v cellValue) rep() flow.Verdict { return flow.Verdict((v - 1) % 4) }

// on returns the code of the crossing of leg, and whether it cannot
// decide, as inspectQuietly writes them.
func (v cellValue) on(leg Leg) (Code, bool) {
	verdict := v.req()
	if leg == Return {
		verdict = v.rep()
	}
	switch verdict {
	case flow.Deny:
		return FirewallDrop.OnLeg(leg), false
	case flow.Indeterminate:
		return FirewallIndeterminate.OnLeg(leg), true
	case natPortMixed:
		return NATPortUnknown.OnLeg(leg), true
	}
	return "", false
}

// appendICMPRuns appends the runs of s's crossings over every ICMP type
// and code (type<<8|code) to hops.
func (s *fwSession) appendICMPRuns(hops []hopRuns) []hopRuns {
	g := s.grid
	var rs [2][]portRun
	if r := g.rows[0].Load(); r != nil {
		rs = *r
	} else {
		for t := range 256 {
			si := atomOf(g.src, uint16(t))
			oneWay := (flow.Flow{Protocol: s.conn.Flow.Protocol, ICMPType: uint8(t)}).IsICMPError()
			for di := range g.dst {
				v := s.cell(si, di)
				for leg := range rs {
					code, und := v.on(Leg(leg))
					if leg == int(Return) && oneWay {
						code, und = "", false // an error message has no reply
					}
					rs[leg] = appendRun(rs[leg], uint16(t<<8)|g.dst[di].Hi, code, und)
				}
			}
		}
		g.rows[0].Store(&rs)
	}
	for leg, at := range [2]int{s.fwd, s.ret} {
		if at >= 0 {
			hops = append(hops, hopRuns{Leg(leg), at, rs[leg]})
		}
	}
	return hops
}

// portGrid is a firewall's verdicts on a session, per atom of the client
// ports (src) and of the destination ports (dst), both within 1-65535,
// or, for icmp and icmpv6, per atom of the types (src) and of the codes
// (dst). tiles holds the cells, a tile (gridTile) per 32 client atoms
// and 8 destination atoms, band by band of client atoms, across tiles a
// band; kept says the grid is the firewall's (its tiles count against
// the firewall's budget).
type portGrid struct {
	src, dst []flow.PortRange
	tiles    []atomic.Pointer[gridTile]
	across   int
	kept     bool
	// rows holds, per client atom, the runs of every destination port
	// on the request and the reply, once asked; for icmp, rows[0] holds
	// the runs of every type and code (type<<8|code)
	rows []atomic.Pointer[[2][]portRun]
	// nat, for a session through a NAT gateway whose picked port the
	// firewall judges over its whole range (natfw.go), holds the cells of
	// its one client atom (src is 1-65535), one per destination atom, in
	// place of tiles; nil for any other session
	nat []atomic.Uint32
}

// gridTile is a tile of a portGrid: a word per client atom, each eight
// 4-bit cells, one per destination atom.
type gridTile [tileRows]atomic.Uint32

const (
	tileRows, tileCols = 32, 8
	// tileCells and tilePointerCells are what a tile and a table's
	// pointer to one count against the budget (in 4-bit cells)
	tileCells, tilePointerCells = tileRows * tileCols, 16
)

// word returns the word of g's tiles that holds cell (si, di) and the
// cell's shift within it, making its tile when none is; nil when g is
// the firewall f's and a new tile would take f beyond its budget.
func (g *portGrid) word(f *firewallInfo, si, di int) (*atomic.Uint32, uint) {
	shift := uint(di%tileCols) * 4
	at := &g.tiles[si/tileRows*g.across+di/tileCols]
	t := at.Load()
	if t == nil {
		if g.kept && f.portGridCells.Add(tileCells) > maxPortGridCells {
			f.portGridCells.Add(-tileCells)
			return nil, 0
		}
		t = new(gridTile)
		if !at.CompareAndSwap(nil, t) {
			t = at.Load()
			if g.kept {
				f.portGridCells.Add(-tileCells)
			}
		}
	}
	return &t[si%tileRows], shift
}

// portGridKey is what a firewall's grid depends on: the protocol and the
// atoms of the addresses (fixedKey), the domain, and which ways the
// session crosses.
type portGridKey struct {
	fixed          fixedKey
	domain         string
	app            flow.App
	request, reply bool
	nat            bool // the request's source port is a NAT gateway's pick
	asym           bool // the session crosses on one leg only (fwSession.asym)
}

// maxPortGridCells bounds the cells of the grids a firewall keeps (half
// a byte each: 32 MiB), counted as portGrid.word and portGrid make them.
// A variable for the tests.
var maxPortGridCells int64 = 1 << 26

// portGrid returns the firewall's grid for sessions like conn, kept or
// new. nat: the request's source port is the one a NAT gateway picked,
// which the firewall judges over every port it may pick (natfw.go): the
// grid has one client atom.
func (f *firewallInfo) portGrid(conn firewall.Connection, nat, asym bool) *portGrid {
	b, fk := f.fixedBoundsKey(conn.Flow)
	key := portGridKey{fk, conn.Flow.Domain, conn.Flow.App, conn.Request, conn.Reply, nat, asym}
	if g, ok := f.portGrids.Load(key); ok {
		return g.(*portGrid)
	}
	all := flow.PortRange{Lo: 1, Hi: 65535}
	g := &portGrid{src: b.Atoms(flow.FieldSrcPort, all), dst: b.Atoms(flow.FieldDstPort, all)}
	if conn.Flow.Protocol.IsICMP() {
		g.src, g.dst = b.Atoms(flow.FieldICMPType, flow.PortRange{Hi: 255}), b.Atoms(flow.FieldICMPCode, flow.PortRange{Hi: 255})
	}
	var cells int64 // what keeping the grid would count against the budget
	if nat {
		g.src, g.nat = []flow.PortRange{all}, make([]atomic.Uint32, len(g.dst))
		cells = int64(len(g.dst)) * 8
	} else {
		g.across = (len(g.dst) + tileCols - 1) / tileCols
		g.tiles = make([]atomic.Pointer[gridTile], (len(g.src)+tileRows-1)/tileRows*g.across)
		cells = int64(len(g.tiles)) * tilePointerCells
	}
	g.rows = make([]atomic.Pointer[[2][]portRun], len(g.src))
	if f.portGridCells.Add(cells) > maxPortGridCells {
		f.portGridCells.Add(-cells)
		return g
	}
	g.kept = true
	if got, loaded := f.portGrids.LoadOrStore(key, g); loaded {
		f.portGridCells.Add(-cells)
		return got.(*portGrid)
	}
	return g
}

// atomsMeeting returns the indexes of the destination atoms that meet
// the ranges within (sorted, disjoint), in order.
func (g *portGrid) atomsMeeting(within []flow.PortRange) []int {
	var out []int
	for _, w := range within {
		di := atomOf(g.dst, w.Lo)
		if n := len(out); n > 0 && out[n-1] >= di {
			di = out[n-1] + 1
		}
		for ; di < len(g.dst) && g.dst[di].Lo <= w.Hi; di++ {
			out = append(out, di)
		}
	}
	return out
}

// atomOf returns the index of the atom of atoms (in order, touching)
// that holds v; v below the first is in the first.
func atomOf(atoms []flow.PortRange, v uint16) int {
	i, _ := slices.BinarySearchFunc(atoms, v, func(a flow.PortRange, v uint16) int { return int(a.Hi) - int(v) })
	return min(i, len(atoms)-1)
}

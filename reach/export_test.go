package reach

import (
	"net/netip"
	"slices"
	"sync/atomic"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
)

// MatrixReference is Matrix with every pair of classes walked whole: the
// slow reference of the factored Matrix.
func MatrixReference(m *Model, o MatrixOptions) (*Matrix, error) { return m.matrix(o, false) }

// PortsByAtom is Ports with tcp and udp answered by a walk per atom: the
// slow reference of the hop-by-hop Ports.
func PortsByAtom(m *Model, q PortsQuery) (*PortsResult, error) { return m.ports(q, false) }

// ForgetFirewallCaches drops what the model's firewalls keep between set
// questions: Ports' verdict grids and, with bounds, their bounds too, for
// a benchmark of a first question.
func ForgetFirewallCaches(m *Model, bounds bool) {
	for _, f := range m.firewalls {
		if bounds {
			f.varyCache.Clear()
			f.fixedCache.Clear()
		}
		f.portGrids.Clear()
		f.portGridCells.Store(0)
	}
}

// PortGridsKept counts the verdict grids the model's firewalls keep.
func PortGridsKept(m *Model) int {
	n := 0
	for _, f := range m.firewalls {
		f.portGrids.Range(func(any, any) bool { n++; return true })
	}
	return n
}

// PortGridCellsKept is what the model's firewalls count against their
// grid budgets: the cells of their kept grids' tiles and tables.
func PortGridCellsKept(m *Model) (per []int64) {
	for _, f := range m.firewalls {
		per = append(per, f.portGridCells.Load())
	}
	return per
}

// SetPortGridBudget sets how many grid cells a firewall keeps, and
// returns what restores the budget before.
func SetPortGridBudget(cells int64) (restore func()) {
	old := maxPortGridCells
	maxPortGridCells = cells
	return func() { maxPortGridCells = old }
}

// Rebuilt builds m's design again, unchanged: the model Fix patches.
func Rebuilt(m *Model) (*Model, error) { return m.patched(func(*designEdit) {}) }

// DiffReference is Diff with every pair of both whole matrices compared:
// the slow reference of Diff's scope.
func DiffReference(a, b *Model, o DiffOptions) (*DiffResult, error) { return diff(a, b, o, false) }

// DiffScopeIsAll reports whether Diff answers every pair of a and b (a
// change it cannot place).
func DiffScopeIsAll(a, b *Model) bool { return scopeOf(a, b).all }

// VerdictFloor returns what any walk answering q must at least do on the
// path Check(q) finds: resolve q's ends into a flow, and ask each filter
// and route table on the path what the walk asks it (a network ACL hop's
// Verdict, a security group hop's Evaluate, except the groups' stateful
// pass of a reply; a route table's longest-prefix lookup; each firewall session's
// Verdicts once), with none of the walk's bookkeeping. Its cost is a floor
// under Verdict's, for BenchmarkVerdictLarge.
func VerdictFloor(m *Model, q Query) (func(), error) {
	r, err := m.Check(q)
	if err != nil {
		return nil, err
	}
	var steps []func()
	for _, h := range slices.Concat(r.Forward, r.Return) {
		pkt, dir := h.Packet, h.Direction
		switch h.Kind {
		case KindNetworkACL:
			ev := m.subnets[h.Name].acl.ev
			steps = append(steps, func() { ev.Verdict(pkt, dir) }) // as the quiet walk asks
		case KindSecurityGroups:
			j, ok := h.judge.(sgJudge)
			if !ok {
				continue // the reply's stateful pass: nothing is evaluated
			}
			steps = append(steps, func() { j.ev.Evaluate(pkt, dir) })
		case KindRouteTable:
			rt := m.rts[h.ID]
			steps = append(steps, func() { rt.lookup(pkt.Dst.Addr()) })
		case KindFirewall:
			if h.Leg == Forward {
				e := m.endpoints[h.ID].fw.engine
				c := firewall.Connection{Flow: pkt, Request: true, Reply: true}
				steps = append(steps, func() { e.Verdicts(c) })
			}
		}
	}
	return func() {
		if _, _, err := m.queryFlow(q); err != nil {
			panic(err)
		}
		for _, s := range steps {
			s()
		}
	}, nil
}

// Holds reports whether the model holds the address a (an interface's or
// a gateway's): such an address is not an internet address.
func Holds(m *Model, a netip.Addr) bool { return m.holds(a) }

// InternetSpan is one atom of an internet cell of a Matrix: the internet
// addresses From-To, each alike, and what the sessions between them and
// the cell's class carry.
type InternetSpan struct {
	From, To               netip.Addr
	Allowed, Indeterminate Traffic
}

// MatrixInternetSpans answers m's Matrix with o, factored (fast) or
// every pair walked whole, and returns, per internet cell ({From, To}),
// its atoms in address order: the answer Diff compares.
func MatrixInternetSpans(m *Model, o MatrixOptions, fast bool) (*Matrix, map[[2]string][]InternetSpan, error) {
	mx, err := m.matrixOne(o, fast, nil, true)
	if err != nil {
		return nil, nil, err
	}
	out := map[[2]string][]InternetSpan{}
	for k, spans := range mx.spans {
		c := mx.Cells[k]
		for _, s := range spans {
			out[[2]string{c.From, c.To}] = append(out[[2]string{c.From, c.To}], InternetSpan{s.r.From, s.r.To, s.open, s.und})
		}
	}
	return mx, out, nil
}

// AlsoChangedOf is what Fix lists as AlsoChanged for changes of m
// (patched: m with them made) and the query q: for a change Fix does not
// write itself (a rule whose peer is a group or a prefix list).
func AlsoChangedOf(m, patched *Model, q Query, changes []Change) ([]SessionChange, error) {
	return m.alsoChanged(patched, q, changes)
}

// Unroutable is unroutable: whether the internet gateway refuses a as an
// address of the internet.
func Unroutable(a netip.Addr) bool { return unroutable(a) }

// PrivateSource is privateSource: whether a host outside the design may
// send from a over a private network, and the internet does not carry it.
func PrivateSource(a netip.Addr) bool { return privateSource(a) }

// AuditEveryPort makes Audit ask every port of a service one by one, the
// per-port reference of its port atoms, until the returned function
// undoes it.
func AuditEveryPort() (undo func()) {
	everyPort.Store(true)
	return func() { everyPort.Store(false) }
}

// SourcesUnguarded is Sources without the guard that skips the NAT64
// walks when none can get anywhere: the reference of the guard.
func SourcesUnguarded(m *Model, q SourcesQuery) (*SourcesResult, error) { return m.sources(q, false) }

// NAT64SourcesDoomed reports whether Sources skips m's NAT64 walks.
func NAT64SourcesDoomed(m *Model) bool { return m.nat64SourcesDoomed() }

// SourceWalks returns how many walks the set questions' address atoms
// (addrSources: Sources, Audit, and the delegated prefixes) have made on
// m and its zone worlds so far: one per client port asked, and one per
// address atom whose client ports are cut.
func SourceWalks(m *Model) int64 { return m.sets.walks.Load() }

// SetAnyClientHops sets whether Sources and Audit answer an address
// atom's other client ports hop by hop where they can, and returns what
// restores it.
func SetAnyClientHops(on bool) (restore func()) {
	old := anyClientHops
	anyClientHops = on
	return func() { anyClientHops = old }
}

// SetAnyClientFirst sets whether Sources and Audit ask an address atom
// from the default client port first, and returns what restores it.
func SetAnyClientFirst(on bool) (restore func()) {
	old := anyClientFirst
	anyClientFirst = on
	return func() { anyClientFirst = old }
}

// WalkPiecesAlone makes m walk every internet piece on its own, as before
// alike pieces shared a walk (internet_alike.go): the reference of the
// sharing. Call it before m's first set question.
func WalkPiecesAlone(m *Model) { m.sets.alike.off.Store(true) }

// PieceWalks counts the walks of internet pieces m's set questions made.
func PieceWalks(m *Model) int64 { return m.sets.alike.walks.Load() }

// MatrixMemoKept answers Matrix on one worker (fast) and counts what its
// memo keeps at the end: kept, the distinct hop profiles it holds, and
// slots, the profiles its tables of peer classes and hops hold (one per
// slot; a memo that keeps no profile beyond them has kept <= slots).
func MatrixMemoKept(m *Model, o MatrixOptions) (mx *Matrix, kept, slots int, err error) {
	o.Workers = 1
	r := &matrixRun{m: m, o: o, fast: true, q: m.newTrafficQuestion(o.IPv6), workers: 1}
	r.classes, r.places = m.classes(o.IPv6)
	r.plan()
	if err := r.walkMiddles(); err != nil {
		return nil, 0, 0, err
	}
	if mx, err = r.answer(); err != nil {
		return nil, 0, 0, err
	}
	seen := map[*hopProfile]bool{}
	for _, p := range r.memo.profiles {
		seen[p] = true
	}
	for _, p := range r.memo.numbers.profiles {
		seen[p] = true
	}
	slots = len(r.memo.profiles)
	for _, t := range [][]atomic.Pointer[hopProfile]{r.dense.setProfs, r.dense.groupProfs} {
		for i := range t {
			if p := t[i].Load(); p != nil {
				seen[p] = true
				slots++
			}
		}
	}
	return mx, len(seen), slots, nil
}

// RuleBlocks counts the blocks of security group rules and network ACL
// entries Matrix's classes are cut at (designAddressEdges).
func RuleBlocks(m *Model) int { return m.ruleBlocks(flow.NewBounds(flow.FieldSrcAddr)) }

// WithoutExitForks returns m as it answered before its walks forked over
// the subnet a transit gateway sends a packet out by (tgw_exit_fork.go):
// such an exit undecided wherever the subnets differ for the packet. It
// shares m's compiled parts and caches.
func WithoutExitForks(m *Model) *Model {
	w := *m
	w.exitAtts, w.zoneForks = nil, len(m.applianceAtts()) > 0
	return &w
}

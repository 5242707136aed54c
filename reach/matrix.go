package reach

import (
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// MatrixOptions tunes [Model.Matrix].
type MatrixOptions struct {
	// IPv6 asks about IPv6 sessions (interfaces without an IPv6 address
	// are left out); the default is IPv4.
	IPv6 bool
	// NoInternet leaves the internet node out.
	NoInternet bool
	// Workers is how many goroutines share the pairs; 0 means one per
	// core (runtime.GOMAXPROCS).
	Workers int
}

// Matrix is the answer of [Model.Matrix]: every ordered pair of nodes and
// what its sessions may carry. Its JSON form is part of the CLI's stable
// schema (README, "Set questions").
type Matrix struct {
	// Classes are the nodes: groups of interfaces that no route, filter
	// or gateway can tell apart, in the design's order of their first
	// member; and, last, the internet (unless left out).
	Classes []Class `json:"classes"`
	// Cells holds, for every ordered pair of nodes whose sessions carry
	// something (or might), what they carry, sorted by From and To.
	Cells []Cell `json:"cells"`
	// Walks is how many quiet walks the answer took.
	Walks int `json:"walks"`
	// Notes say what the cells leave out: the addresses of prefixes
	// delegated to interfaces (pods), which an interface's cells do not
	// stand for ([Model.DelegatedNote]); for IPv6, the NAT64 prefix
	// 64:ff9b::/96 when a route sends some of it to an appliance that may
	// translate it or forward it unchanged somewhere it may get through,
	// whose possibilities only [Model.Check] and [Model.Ports] walk (ask
	// about one of its addresses).
	Notes []string `json:"notes,omitempty"`
	// spans holds, when asked for (matrixRun.spans), the internet's cells
	// atom by atom, by the cell's index in Cells.
	spans map[int][]netSpan
}

// Class is a node of a [Matrix].
type Class struct {
	Name string `json:"name"` // "C1", "C2"…, or "internet"
	// Members are the interfaces of the class; none for the internet.
	Members []ClassMember `json:"members"`
}

// ClassMember is an interface of a [Class].
type ClassMember struct {
	ID      string     `json:"id"`
	Name    string     `json:"name,omitempty"`
	Address netip.Addr `json:"address"`
	// AddressUnknown names the value known only later whose placeholder
	// Address is ([Interface.AddressUnknown], [Interface.IPv6Unknown]);
	// empty when Address is the interface's own.
	AddressUnknown string `json:"address_unknown,omitempty"`
}

// Cell is what the sessions from one node to another carry: each member
// of From to each member of To (another member, within one class), from
// the default client port. For the internet as From, the sessions some
// internet address opens to a member at any address the internet meets
// it at (its first address, by its public IP when it has one, and the
// Elastic IP of each other private address that has one,
// [Interface.PublicIPs]; for IPv6, each of its IPv6 addresses); as To,
// the sessions a member opens to some internet address from any of
// those private addresses.
type Cell struct {
	From          string  `json:"from"`
	To            string  `json:"to"`
	Allowed       Traffic `json:"allowed"`
	Indeterminate Traffic `json:"indeterminate"`
}

// InternetNode is the name of the internet in a [Matrix].
const InternetNode = "internet"

// Matrix answers, for every ordered pair of interfaces and the internet,
// which sessions get through, round trip: exact TCP and UDP port sets,
// ICMP types and codes and other protocols, from [DefaultSourcePort].
// Interfaces whose subnet, groups, public addressing and addresses (as
// every route and filter of the design sees them, a network ACL entry or
// firewall rule of any protocol number included) are the same form one
// class, answered once. The pairs are shared among o.Workers goroutines.
//
// On a design with transit gateway appliance mode on attachments of
// several subnets, or with attachments whose subnet a packet leaves by
// AWS does not name for some zone (tgw_exit_fork.go), the matrix is
// answered once per combination of the subnets the gateway can pick (at
// most 64, else an error wrapping [ErrQuery]; the request's and the
// reply's apart without appliance mode) and merged session by session
// (an internet cell address by address): what every combination lets
// through is allowed, what only some do is indeterminate, as
// [Model.Check] answers it.
//
// A network interface of an interface endpoint opens no sessions
// ([Interface.InterfaceEndpoint]): it has no cell from it, only cells to
// it.
//
// An interface stands for its own private (and public) addresses: its
// cells with the internet hold what goes through any of its private
// addresses with a public or Elastic IP ([Interface.PublicIPs]), or any
// of its IPv6 addresses, beside its first address ([Cell]); its cells
// with other interfaces are
// between first addresses. The addresses of prefixes delegated to it
// ([Interface.DelegatedPrefixes]) are not in its cells; [Model.Sources]
// and [Model.Check] answer for them.
func (m *Model) Matrix(o MatrixOptions) (*Matrix, error) {
	mx, err := m.matrix(o, true)
	if err == nil {
		if note := m.DelegatedNote(); note != "" {
			mx.Notes = []string{note}
		}
		if o.IPv6 && !o.NoInternet && m.nat64MayFork() {
			mx.Notes = append(mx.Notes, nat64ForkNote) // nat64.go
		}
	}
	return mx, err
}

// DelegatedNote says which interfaces have addresses beyond their own
// that [Model.Matrix] and [Diff] do not answer for: prefixes delegated to
// them ([Interface.DelegatedPrefixes]) or delegated at launch
// ([Interface.IPv4PrefixesUnknown], [Interface.IPv6PrefixesUnknown]).
// "" when none has.
func (m *Model) DelegatedNote() string {
	var ids []string
	for _, ii := range m.ifaceOrder {
		if len(ii.DelegatedPrefixes) > 0 || ii.IPv4PrefixesUnknown != "" || ii.IPv6PrefixesUnknown != "" {
			ids = append(ids, ii.label())
		}
	}
	if len(ids) == 0 {
		return ""
	}
	more := ""
	if len(ids) > 5 {
		more = fmt.Sprintf(" and %d more", len(ids)-5)
		ids = ids[:5]
	}
	return fmt.Sprintf("the addresses of prefixes delegated to %s%s (such as pods') are not compared here: an interface stands for its own addresses; ask sources, ports or check about them", strings.Join(ids, ", "), more)
}

// matrix answers Matrix; fast factors the pairs of classes through their
// placements (matrix_fast.go), else every pair is walked whole (the slow
// reference).
func (m *Model) matrix(o MatrixOptions, fast bool) (*Matrix, error) {
	return m.matrixOf(o, fast, nil, false)
}

// matrixOf answers the cells of Matrix whose pair of classes keep keeps
// (every cell when keep is nil; -1 is the internet): a cell it leaves out
// is not answered, and not in the answer.
// With spans, the internet's cells are also kept atom by atom
// (Matrix.spans; fast only, but always on a design with zone worlds).
func (m *Model) matrixOf(o MatrixOptions, fast bool, keep func(from, to int) bool, spans bool) (*Matrix, error) {
	if err := m.unknownErrOthers(true); err != nil {
		return nil, err
	}
	if err := m.unknownErrIfaces(); err != nil {
		return nil, err
	}
	if err := m.setQuestionNATErr(); err != nil { // natsecondary.go
		return nil, err
	}
	if err := m.applianceErr("Matrix"); err != nil {
		return nil, err
	}
	if m.hasWorlds() {
		return m.matrixWorlds(o, fast, keep, spans) // tgw_worlds.go
	}
	return m.matrixOne(o, fast, keep, spans && fast)
}

// matrixOne is matrixOf on one model (a design without zone worlds, or
// one world): with spans, the internet's cells are also kept atom by
// atom, fast or not.
func (m *Model) matrixOne(o MatrixOptions, fast bool, keep func(from, to int) bool, spans bool) (*Matrix, error) {
	r := &matrixRun{m: m, o: o, fast: fast, q: m.newTrafficQuestion(o.IPv6), workers: o.Workers, keep: keep, spans: spans}
	r.classes, r.places = m.classes(o.IPv6)
	if r.workers <= 0 {
		r.workers = runtime.GOMAXPROCS(0)
	}
	r.plan()
	if fast {
		if err := r.walkMiddles(); err != nil {
			return nil, err
		}
	}
	return r.answer()
}

// matrixRun is one Matrix question on its way.
type matrixRun struct {
	m       *Model
	o       MatrixOptions
	fast    bool
	q       *trafficQuestion
	workers int
	keep    func(from, to int) bool // the cells to answer; nil: all
	spans   bool                    // keep the internet's cells atom by atom
	classes [][]*ifaceInfo
	places  []string
	jobs    []matrixJob // in the order of the cells: by From, then To, the internet last
	// the middles of the pairs of placements, and of the internet with
	// each placement (matrix_fast.go); their walks
	placeIDs     []int32 // the number of each class's placement
	nPlaces      int
	midOf        []int // the middle of each pair of placements, by their numbers
	mids         []*middle
	netOf        map[netJob]int
	firstOfPlace map[string]int
	nets         []*internetMiddles
	walks        int
	memo         *matrixMemo
	dense        *denseMemo
}

type matrixJob struct{ from, to int } // class indexes; -1 the internet

type netJob struct {
	class        int // the first class of a placement
	fromInternet bool
}

// plan lists the cells to answer.
func (r *matrixRun) plan() {
	n := len(r.classes)
	if r.keep == nil {
		r.jobs = make([]matrixJob, 0, n*n+2*n)
	}
	add := func(i, j int) {
		if r.keep == nil || r.keep(i, j) {
			r.jobs = append(r.jobs, matrixJob{i, j})
		}
	}
	for i := range r.classes {
		if r.classes[i][0].InterfaceEndpoint != "" {
			// an interface endpoint's interfaces open no sessions
			// (Interface.InterfaceEndpoint): no cell from them
			continue
		}
		for j := range r.classes {
			if i != j || len(r.classes[i]) > 1 {
				add(i, j)
			}
		}
		if !r.o.NoInternet {
			add(i, -1)
		}
	}
	if !r.o.NoInternet {
		for j := range r.classes {
			add(-1, j)
		}
	}
}

// ends returns a cell's two interfaces and addresses: its classes' first
// members (the second, within one class).
func (r *matrixRun) ends(jb matrixJob) (a, b *ifaceInfo, sa, da netip.Addr) {
	a, b = r.classes[jb.from][0], r.classes[jb.to][0]
	if jb.from == jb.to {
		b = r.classes[jb.to][1]
	}
	sa, _ = a.addr(r.o.IPv6)
	return a, b, sa, r.m.destAddr(a, b, r.o.IPv6)
}

// walkMiddles walks the middle of every pair of placements, and of the
// internet with every placement both ways.
func (r *matrixRun) walkMiddles() error {
	ids := map[string]int32{}
	r.placeIDs = make([]int32, len(r.classes))
	for i, p := range r.places {
		id, ok := ids[p]
		if !ok {
			id = int32(len(ids))
			ids[p] = id
		}
		r.placeIDs[i] = id
	}
	r.nPlaces = len(ids)
	r.midOf = make([]int, r.nPlaces*r.nPlaces)
	for i := range r.midOf {
		r.midOf[i] = -1
	}
	var reps []matrixJob
	for _, jb := range r.jobs {
		if jb.from < 0 || jb.to < 0 {
			continue
		}
		k := int(r.placeIDs[jb.from])*r.nPlaces + int(r.placeIDs[jb.to])
		if r.midOf[k] < 0 {
			r.midOf[k] = len(reps)
			reps = append(reps, jb)
		}
	}
	r.netOf, r.firstOfPlace = map[netJob]int{}, map[string]int{}
	var netReps []netJob
	if !r.o.NoInternet {
		withNet := make([]bool, len(r.classes)) // the classes whose cell with the internet is asked
		for _, jb := range r.jobs {
			if jb.from < 0 {
				withNet[jb.to] = true
			} else if jb.to < 0 {
				withNet[jb.from] = true
			}
		}
		for i := range r.classes {
			if _, ok := r.firstOfPlace[r.places[i]]; !ok && withNet[i] {
				r.firstOfPlace[r.places[i]] = i
				for _, way := range []bool{true, false} {
					r.netOf[netJob{i, way}] = len(netReps)
					netReps = append(netReps, netJob{i, way})
				}
			}
		}
	}
	r.mids, r.nets = make([]*middle, len(reps)), make([]*internetMiddles, len(netReps))
	walks, errs := make([]int, len(reps)+len(netReps)), make([]error, len(reps)+len(netReps))
	parallel(len(reps)+len(netReps), r.workers, func(k int) {
		if k < len(reps) {
			a, b, sa, da := r.ends(reps[k])
			r.mids[k], walks[k], errs[k] = r.q.middleOf(a, b, sa, da)
			if r.mids[k] != nil {
				r.mids[k].id = int32(k)
			}
			return
		}
		nj := netReps[k-len(reps)]
		r.nets[k-len(reps)], walks[k], errs[k] = r.q.internetMiddlesOf(r.classes[nj.class][0], nj.fromInternet)
	})
	for k, err := range errs {
		if err != nil {
			return err
		}
		r.walks += walks[k]
	}
	return nil
}

// answer answers every cell and builds the Matrix.
func (r *matrixRun) answer() (*Matrix, error) {
	names := make([]string, len(r.classes))
	for i := range names {
		names[i] = className(i)
	}
	name := func(i int) string {
		if i < 0 {
			return InternetNode
		}
		return names[i]
	}
	ws := make([]*memoWorker, r.workers)
	if r.fast {
		r.memo = newMatrixMemo(r.q, r.classes, r.placeIDs)
		r.dense = newDenseMemo(r.memo, r.classes, r.mids, r.workers)
		for w := range ws {
			ws[w] = newMemoWorker()
		}
	}
	// The jobs are taken in batches; per batch, its walks, its first
	// error and how many of its cells carry something.
	const batch = 1024
	nb := (len(r.jobs) + batch - 1) / batch
	walks, errs, kept := make([]int, nb), make([]error, nb), make([]int, nb)
	answers := make([]*cellAnswer, len(r.jobs)) // nil: nothing either way
	var spans [][]netSpan
	if r.spans {
		spans = make([][]netSpan, len(r.jobs))
	}
	parallelW(nb, r.workers, func(w, b int) {
		for k := b * batch; k < min(len(r.jobs), (b+1)*batch); k++ {
			var sp *[]netSpan
			if spans != nil {
				sp = &spans[k]
			}
			a, n, err := r.answerJob(ws[w], r.jobs[k], sp)
			answers[k], walks[b] = a, walks[b]+n
			if err != nil && errs[b] == nil {
				errs[b] = err
			}
			if a != nil {
				kept[b]++
			}
		}
	})
	out := &Matrix{Classes: make([]Class, 0, len(r.classes)+1), Walks: r.walks}
	for i, cl := range r.classes {
		c := Class{Name: names[i], Members: make([]ClassMember, len(cl))}
		for j, ii := range cl {
			a, _ := ii.addr(r.o.IPv6)
			c.Members[j] = ClassMember{ID: ii.ID, Name: ii.Name, Address: a, AddressUnknown: ii.unknownAt(a)}
		}
		out.Classes = append(out.Classes, c)
	}
	if !r.o.NoInternet {
		out.Classes = append(out.Classes, Class{Name: InternetNode, Members: []ClassMember{}})
	}
	// The cells kept, each batch's from its place among them: filled on
	// every worker.
	n := 0
	for b := range nb {
		if errs[b] != nil {
			return nil, errs[b]
		}
		out.Walks += walks[b]
		n, kept[b] = n+kept[b], n
	}
	out.Cells = make([]Cell, n)
	if spans != nil {
		out.spans = map[int][]netSpan{}
		at := 0
		for k, a := range answers {
			if a != nil {
				if len(spans[k]) > 0 {
					out.spans[at] = spans[k]
				}
				at++
			}
		}
	}
	parallel(nb, r.workers, func(b int) {
		lo, hi := b*batch, min(len(r.jobs), (b+1)*batch)
		// the cells share no slice a caller may change: their ICMP
		// lists are copied, into one array per batch
		icmp := 0
		for _, a := range answers[lo:hi] {
			if a != nil {
				icmp += len(a.open.ICMP) + len(a.und.ICMP)
			}
		}
		room := make([]ICMPCodes, 0, icmp)
		own := func(cs []ICMPCodes) []ICMPCodes {
			if len(cs) == 0 {
				return nil
			}
			room = append(room, cs...)
			return room[len(room)-len(cs) : len(room) : len(room)]
		}
		at := kept[b]
		for k := lo; k < hi; k++ {
			if a := answers[k]; a != nil {
				jb := r.jobs[k]
				open, und := a.open, a.und
				open.ICMP, und.ICMP = own(open.ICMP), own(und.ICMP)
				out.Cells[at] = Cell{From: name(jb.from), To: name(jb.to), Allowed: open, Indeterminate: und}
				at++
			}
		}
	})
	return out, nil
}

// answerJob answers one cell, on worker w's memory: nil when its
// sessions carry nothing. An internet cell's atoms go to spans when it is
// not nil.
func (r *matrixRun) answerJob(w *memoWorker, jb matrixJob, spans *[]netSpan) (*cellAnswer, int, error) {
	var open, und Traffic
	var walks int
	var err error
	// a class whose interface's address is known only later, told apart
	// (a class of its own: computeClasses): its cells by the single
	// check's rule, per atom (unknown_sets.go)
	var unknown []*ifaceInfo
	if len(r.m.unknownIfaces) > 0 {
		for _, c := range [2]int{jb.from, jb.to} {
			if c >= 0 {
				unknown = append(unknown, r.m.toldApart(r.o.IPv6, r.classes[c][0])...)
			}
		}
	}
	switch {
	case len(unknown) > 0 && jb.from < 0:
		open, und, walks, err = r.q.fromInternet(r.classes[jb.to][0], spans)
	case len(unknown) > 0 && jb.to < 0:
		open, und, walks, err = r.q.toInternet(r.classes[jb.from][0], spans)
	case len(unknown) > 0:
		a, _, sa, da := r.ends(jb)
		var checks int
		open, und, walks, err = r.q.pairRule(a, sa, da, unknown, &checks)
	case r.fast && jb.from < 0:
		open, und = r.netCell(w, jb.to, true, spans)
	case r.fast && jb.to < 0:
		open, und = r.netCell(w, jb.from, false, spans)
	case jb.from < 0:
		open, und, walks, err = r.q.fromInternet(r.classes[jb.to][0], spans)
	case jb.to < 0:
		open, und, walks, err = r.q.toInternet(r.classes[jb.from][0], spans)
	case r.fast:
		md := r.midOf[int(r.placeIDs[jb.from])*r.nPlaces+int(r.placeIDs[jb.to])]
		if c, ok := r.denseCell(w, jb, md); ok {
			return c, 0, nil
		}
		return r.memo.cell(w, r.pairEnds(jb, md), int32(md)), 0, nil
	default:
		a, _, sa, da := r.ends(jb)
		open, und, walks, err = r.q.pair(a, sa, da)
	}
	c := &cellAnswer{open, und}
	return c.orNil(), walks, err
}

// netCell answers the internet's cell with a class, from its
// placement's middles.
func (r *matrixRun) netCell(w *memoWorker, class int, fromInternet bool, spans *[]netSpan) (Traffic, Traffic) {
	ims := r.nets[r.netOf[netJob{r.firstOfPlace[r.places[class]], fromInternet}]]
	return r.q.internetCell(w, r.memo, ims, r.classes[class][0], fromInternet, spans)
}

func className(i int) string {
	if i < 0 {
		return InternetNode
	}
	return fmt.Sprintf("C%d", i+1)
}

// destAddr is the address a session from a to b is sent to, as a query
// from a to b would pick it ([Model.addresses]).
func (m *Model) destAddr(a, b *ifaceInfo, v6 bool) netip.Addr {
	da, _ := b.addr(v6)
	if !v6 && b.PublicIP.IsValid() && a.subnet.vpc != b.subnet.vpc && !m.peered(a.subnet.vpc, b.subnet.vpc) {
		da = b.PublicIP
	}
	return da
}

// classes groups the interfaces with an address of the family into
// classes, in the design's order: interfaces of one subnet with the same
// groups, the same public addressing (DenyAllIGWTraffic too), alike
// interface endpoints' or not, and addresses that fall into the
// same atom of every address edge of the design (routes, filters,
// gateways) are one class. An interface that a route targets, that
// holds several addresses, that has public addresses in
// [Interface.PublicIPs], or whose instance has several interfaces, is a
// class of its own. places holds each
// class's placement: its key without the groups.
func (m *Model) computeClasses(v6 bool) (classes [][]*ifaceInfo, places []string) {
	edges := m.designEdges()
	atom := func(a netip.Addr) int {
		if !a.IsValid() {
			return -1
		}
		i, _ := slices.BinarySearchFunc(edges, a, netip.Addr.Compare)
		if i < len(edges) && edges[i] == a {
			return i + 1 // an edge starts a new atom
		}
		return i
	}
	targets := map[string]bool{}
	for _, rt := range m.rts {
		for _, cr := range rt.routes {
			if cr.Target == TargetInterface {
				targets[cr.TargetID] = true
			}
		}
	}
	index := map[string]int{}
	for _, ii := range m.ifaceOrder {
		a, ok := ii.addr(v6)
		if !ok {
			continue
		}
		groups := slices.Clone(ii.Groups)
		slices.Sort(groups)
		place := fmt.Sprintf("%s|%d|%d|%v|%v|%v", ii.subnet.ID, atom(a), atom(ii.PublicIP), ii.Port25Unblocked, ii.DenyAllIGWTraffic, ii.InterfaceEndpoint != "")
		// an interface whose address is known only later, told apart, is
		// answered by the single check's rule (unknown_sets.go), which
		// may answer it otherwise than the others: a class of its own;
		// so is an interface of an instance with several, whose address
		// a route may send to another of them (undecided:
		// siblingAddressed) where the others' go through (egressAlike)
		if targets[ii.ID] || len(ii.siblings) > 0 || len(ii.PrivateIPs) > 1 || len(ii.PublicIPs) > 0 || ii.sg.normal.Flavour().IsAlibaba() || len(m.toldApart(v6, ii)) > 0 {
			place = "own|" + ii.ID
		}
		key := place + "|" + strings.Join(groups, ",")
		k, ok := index[key]
		if !ok {
			k = len(classes)
			index[key] = k
			classes = append(classes, nil)
			places = append(places, place)
		}
		classes[k] = append(classes[k], ii)
	}
	return classes, places
}

// classes is computeClasses, once per model and family; the caller must
// not change what it returns.
func (m *Model) classes(v6 bool) ([][]*ifaceInfo, []string) {
	fam := 0
	if v6 {
		fam = 1
	}
	c := &m.sets.classes[fam]
	c.once.Do(func() { c.classes, c.places = m.computeClasses(v6) })
	return c.classes, c.places
}

// parallel runs do(0) … do(n-1) on workers goroutines.
func parallel(n, workers int, do func(int)) {
	parallelW(n, workers, func(_, k int) { do(k) })
}

// parallelW is parallel with each call told its worker's number, from
// 0. do must be safe for concurrent use.
func parallelW(n, workers int, do func(w, k int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for k := range n {
			do(0, k)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := int(next.Add(1)) - 1; k < n; k = int(next.Add(1)) - 1 {
				do(w, k)
			}
		})
	}
	wg.Wait()
}

// designAddressEdges returns, sorted, every address at which some route,
// filter or gateway of the design starts or stops treating addresses
// alike: the first address of every block they name and the address
// after its last. Security group references are left out: the members of
// a group are the interfaces that carry it, which the class key holds.
// Every rule counts whatever its protocol: a network ACL entry's block
// (as designBlocks, edges.go), a security group rule's, and a firewall
// rule's addresses for every protocol its policy names
// ([firewall.Engine.Protocols], as firewallAddrBounds): an entry or a
// stateless rule for ESP (50) by /32 tells that address apart, as the
// matrix's cells answer each named protocol on its own.
func (m *Model) designAddressEdges() []netip.Addr {
	b := m.addressCuts()
	m.addFilterEdges(b)
	return atomStarts(b)
}

// addFilterEdges adds to b (varying FieldSrcAddr) the blocks of every
// filter rule of the design, as designAddressEdges counts them.
func (m *Model) addFilterEdges(b *flow.Bounds) {
	m.ruleBlocks(b)
	m.addFirewallEdges(b)
}

// ruleBlocks adds to b (on its source address) the blocks of the
// design's security group rules and network ACL entries, each once: a
// prefix list's entries once however many rules reference it, and a
// block that many rules or entries name once, so that the edges grow
// with the distinct blocks, not with the references. It returns how many
// blocks it added.
func (m *Model) ruleBlocks(b *flow.Bounds) int {
	seen := map[netip.Prefix]bool{}
	m.filterBlocks(func(p netip.Prefix) {
		if !seen[p] {
			seen[p] = true
			b.AddPrefix(flow.FieldSrcAddr, p)
		}
	})
	return len(seen)
}

// filterBlocks hands add the block of every security group rule (a
// prefix list's entries, once however many rules reference the list) and
// network ACL entry.
func (m *Model) filterBlocks(add func(netip.Prefix)) {
	lists := map[string]bool{}
	for _, g := range m.groups {
		for _, r := range g.Rules {
			switch r.Peer.Kind {
			case sg.PeerCIDR:
				add(r.Peer.CIDR)
			case sg.PeerPrefixList:
				if lists[r.Peer.PrefixList] {
					continue
				}
				lists[r.Peer.PrefixList] = true
				for _, p := range m.lists[r.Peer.PrefixList] {
					add(p)
				}
			}
		}
	}
	for _, a := range m.acls {
		for _, e := range a.acl.Entries {
			add(e.CIDR)
		}
	}
}

// addFirewallEdges adds to b (varying FieldSrcAddr) the address edges of
// every firewall's rules, for every protocol its policy names.
func (m *Model) addFirewallEdges(b *flow.Bounds) {
	for _, fam := range []netip.Addr{netip.MustParseAddr("0.0.0.1"), netip.MustParseAddr("::1")} {
		for _, fw := range m.firewalls {
			protos := append([]flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6, 47}, fw.engine.Protocols()...)
			for _, proto := range slices.Compact(slices.Sorted(slices.Values(protos))) {
				if (proto == flow.ICMP && fam.Is6()) || (proto == flow.ICMPv6 && fam.Is4()) {
					continue
				}
				f := flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(fam, 0), Dst: netip.AddrPortFrom(fam, 0)}
				vary := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr, flow.FieldSrcPort, flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode)
				fw.engine.Bounds(firewall.Connection{Flow: f}, vary)
				b.MergeField(flow.FieldSrcAddr, vary, flow.FieldSrcAddr)
				b.MergeField(flow.FieldSrcAddr, vary, flow.FieldDstAddr)
			}
		}
	}
}

// atomStarts returns, sorted, the first address of every atom of b's
// FieldSrcAddr over both families.
func atomStarts(b *flow.Bounds) []netip.Addr {
	var edges []netip.Addr
	for _, v6 := range []bool{false, true} {
		from, to := familyRange(v6)
		for _, r := range b.AddrAtoms(flow.FieldSrcAddr, from, to) {
			edges = append(edges, r.From)
		}
	}
	slices.SortFunc(edges, netip.Addr.Compare)
	return slices.CompactFunc(edges, func(a, b netip.Addr) bool { return a == b })
}

package reach

import (
	"fmt"
	"slices"

	"github.com/reachsim/reachsim/internal/addrset"
)

// DiffOptions tunes [Diff], as [MatrixOptions] tunes [Model.Matrix].
type DiffOptions struct {
	// IPv6 asks about IPv6 sessions (interfaces without an IPv6 address
	// are left out); the default is IPv4.
	IPv6 bool
	// NoInternet leaves the internet node out.
	NoInternet bool
	// Workers is how many goroutines share the pairs; 0 means one per
	// core (runtime.GOMAXPROCS).
	Workers int
}

// DiffResult is the answer of [Diff]: every ordered pair of nodes (interfaces,
// by ID, of either model, and the internet) whose sessions carry other
// traffic after than before, and the resources that differ. Its JSON form
// is part of the CLI's stable schema (reachsim diff --json):
//
//	{
//	  "groups": [{"name": "G1", "status": "", "before": "C1", "after": "C1",
//	              "members": [{"id": "eni-web1", "name": "web-1", "address": "10.0.1.10"}]},
//	             {"name": "internet", "members": []}],
//	  "changes": [{"from": "internet", "to": "G1",
//	               "gained": {"tcp": "443", "udp": "none", "other": "none"},
//	               "lost": {...}, "indeterminate_gained": {...}, "indeterminate_lost": {...},
//	               "addresses": [{"addresses": ["128.0.0.0/2", "192.0.0.0/3"],
//	                              "gained": {...}, "lost": {...},
//	                              "indeterminate_gained": {...}, "indeterminate_lost": {...}}],
//	               "causes": [{"kind": "security-group", "id": "sg-web", "change": "changed",
//	                           "details": ["rule added: inbound sgr-1 allows tcp/443 from 0.0.0.0/0"],
//	                           "on_path": "both"}],
//	               "note": ""}],
//	  "resources": [{"kind": "security-group", "id": "sg-web", "change": "changed", "details": [...]}]
//	}
//
// Traffic sets are written as in [Matrix] ([Traffic]); "note",
// "addresses" (only the internet's pairs have it) and a group's
// "status", "before" and "after" are left out when empty.
type DiffResult struct {
	// Groups are the nodes of the changes: interfaces that are one class
	// in both models' matrices (and so change the same way), in the order
	// of the model before (then the interfaces only after); and, last,
	// the internet when a change concerns it. Only groups some change
	// names are listed.
	Groups []DiffGroup `json:"groups"`
	// Changes holds every ordered pair of groups whose traffic changed,
	// sorted by From and To in the order of Groups. A group to itself is
	// between two of its members.
	Changes []PairChange `json:"changes"`
	// Resources are the resources that differ between the models, sorted
	// by kind and ID, whether or not a pair's traffic changed.
	Resources []ResourceChange `json:"resources"`
	// Notes say what the comparison leaves out: the addresses of prefixes
	// delegated to interfaces, of either model ([Model.DelegatedNote]);
	// for IPv6, the NAT64 prefix 64:ff9b::/96 when either model routes
	// some of it to an appliance that may translate it or forward it
	// unchanged somewhere it may get through (as [Matrix.Notes]).
	Notes []string `json:"notes,omitempty"`
}

// DiffGroup is a node of a [Diff]: interfaces that are one class in
// both models, or the internet.
type DiffGroup struct {
	Name string `json:"name"` // "G1", "G2"…, or "internet"
	// Status is "added" for interfaces only in the model after, "removed"
	// for interfaces only in the model before, "" otherwise.
	Status string `json:"status,omitempty"`
	// Before and After name the group's class in each model's [Matrix]
	// ("C3"); "" where its interfaces are absent (and for the internet).
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Members are the interfaces, with their address in the model after
	// (before, for removed ones); none for the internet.
	Members []ClassMember `json:"members"`
}

// PairChange is how the sessions from one group to another changed: what
// they carry after and not before (Gained), before and not after (Lost),
// and the same for what the input leaves open (indeterminate). An
// interface in one model only carries, in the other, nothing. With the
// internet as an end, the internet's addresses are compared one by one:
// Gained is what some internet address gained (and so on), and Addresses
// says exactly which addresses changed and how.
type PairChange struct {
	From                string  `json:"from"`
	To                  string  `json:"to"`
	Gained              Traffic `json:"gained"`
	Lost                Traffic `json:"lost"`
	IndeterminateGained Traffic `json:"indeterminate_gained"`
	IndeterminateLost   Traffic `json:"indeterminate_lost"`
	// Addresses, for a pair with the internet as an end, are the internet
	// addresses whose sessions changed, grouped by how they changed, in
	// the order of their first address; none for other pairs. A change
	// that only widens or narrows the addresses that get through (a
	// rule's block) is listed here though the ports of Gained and Lost
	// are those some address had before.
	Addresses []AddressChange `json:"addresses,omitempty"`
	// Causes are the resources that changed and lie on the pair's path in
	// either model, as traces of its changed traffic meet them (see
	// [Diff]).
	Causes []Cause `json:"causes"`
	// Note says what could not be attributed, when something could not.
	Note string `json:"note,omitempty"`
}

// Cause is a changed resource on a changed pair's path. For a security
// group, Details keep only the rules added or removed that match a traced
// session of the pair's change (and any other change of the group, which
// may decide any session); [DiffResult].Resources lists them all.
type Cause struct {
	ResourceChange
	// OnPath says in which model the traces met it: "before", "after"
	// or "both".
	OnPath string `json:"on_path"`
}

// Diff compares what every ordered pair of nodes carries in two models of
// a design, before and after a change: the interfaces (matched by ID;
// one present in a single model is added or removed) and the internet.
// Each pair whose traffic changed is listed with the exact ports,
// ICMP types and codes and protocols gained and lost, grouped by class
// as [Model.Matrix] groups them; a pair with the internet is compared
// internet address by address (not as the union a [Matrix] cell holds),
// so that widening or narrowing the addresses that get through is a
// change, listed with the exact addresses (PairChange.Addresses). Each
// change comes with its causes: the resources that
// differ between the models (security groups, network ACLs, route
// tables, subnets, interfaces, firewalls, gateways…) that the traces of
// its changed traffic meet in either model, deciding differently. The
// traces are sessions at the first port of each range of the change and
// at each port inside it where a changed rule or entry starts or ends
// (at most 12 of a kind), so a resource that alone opens or closes some
// of the ports is named; a security group is named only where one of its
// added or removed rules matches the session (not because the
// interface's list of groups, or a referenced group's members,
// changed); an interface in one model only is on the path of that model
// only; Block Public Access is met at an internet, egress-only internet
// or carrier gateway; a subnet's zone (AvailabilityZone, AZ ID, OwnerID)
// only at a transit gateway whose pick of the subnets a packet enters and
// leaves it by differs, where the subnets whose zones it compared are
// causes for their zones (an end's subnet is one for its other changes).
// Where a walk forks (an appliance instance of several interfaces
// may send what it forwards out of any of them; a transit gateway in
// appliance mode may pick any zone, or one whose exit subnet AWS does not
// name any of the attachment's subnets), the sessions are traced in every
// world of the model (one combination of the choices each) besides
// Check's trace, which shows one: a change on a path only another
// combination takes is named too. A change whose traces meet no changed
// resource deciding differently says so in its Note. For a pair with the internet, each set of addresses that
// changed alike (PairChange.Addresses) is traced on its own, at each
// address the internet meets the interface at (the Elastic IPs of its
// secondary private addresses, its other IPv6 addresses) until its
// sessions show the change; the Note names the addresses no trace
// showed. Only the pairs a change can
// touch are answered (a conservative scope: a change of the middle — a
// gateway, a firewall, a middlebox's subnet, any interface of an
// appliance's instance and its subnet — answers every pair; where a route
// sends the NAT64 prefix to a translator, a change at an interface with
// an IPv4 address answers every IPv6 interface's pair with the internet
// too, whose sessions to 64:ff9b::a.b.c.d reach it). A diff
// of a model with itself is empty. A model with transit gateway appliance
// mode is answered as [Model.Matrix] answers it (by the subnets the flow
// hash can pick, merged session by session).
func Diff(before, after *Model, o DiffOptions) (*DiffResult, error) {
	d, err := diff(before, after, o, true)
	if err == nil {
		for _, m := range [2]*Model{before, after} {
			if note := m.DelegatedNote(); note != "" && !slices.Contains(d.Notes, note) {
				d.Notes = append(d.Notes, note)
			}
		}
	}
	return d, err
}

// diff answers Diff; fast answers only the pairs in scope, else every
// pair of both matrices is compared (the slow reference).
func diff(a, b *Model, o DiffOptions, fast bool) (*DiffResult, error) {
	mo := MatrixOptions(o)
	out := &DiffResult{Groups: []DiffGroup{}, Changes: []PairChange{}, Resources: resourceChanges(a, b)}
	if out.Resources == nil {
		out.Resources = []ResourceChange{}
	}
	s := &diffScope{all: true}
	if fast {
		s = scopeOf(a, b)
		if s.empty() {
			return out, nil
		}
	}
	for _, side := range []struct {
		m    *Model
		name string
	}{{a, "before"}, {b, "after"}} {
		if err := side.m.applianceErr("Diff"); err != nil {
			return nil, fmt.Errorf("%s: %w", side.name, err) // before the matrix's own error, which would name Matrix
		}
	}
	ma, err := a.matrixOf(mo, true, s.keep(a, o.IPv6), true)
	if err != nil {
		return nil, fmt.Errorf("before: %w", err)
	}
	mb, err := b.matrixOf(mo, true, s.keep(b, o.IPv6), true)
	if err != nil {
		return nil, fmt.Errorf("after: %w", err)
	}
	c := newDiffCompare(ma, mb, s)
	c.internet, c.sameInternet = internetOf(a, b, o.IPv6)
	if o.IPv6 && (a.nat64MayFork() || b.nat64MayFork()) {
		c.internet = c.internet.Difference(addrset.Of(nat64Prefix)) // nat64.go
		out.Notes = append(out.Notes, nat64ForkNote)
	}
	if c.ua, err = unmodelledSideOf(a, b, ma, mo); err != nil { // diff_unmodelled.go
		return nil, fmt.Errorf("before: %w", err)
	}
	if c.ub, err = unmodelledSideOf(b, a, mb, mo); err != nil {
		return nil, fmt.Errorf("after: %w", err)
	}
	c.compare(out)
	if err := c.attribute(a, b, out, o); err != nil {
		return nil, err
	}
	if note := designNAT64Note(out, a, b); note != "" { // diff_nat64_note.go
		out.Notes = append(out.Notes, note)
	}
	return out, nil
}

// diffNode is a group of a diff: interfaces of one class in each model
// (-1: absent), or the internet.
type diffNode struct {
	ca, cb  int
	members []ClassMember
	ids     []string
	net     bool
	mark    nodeMark
	used    int // its index among DiffResult.Groups, -1 while unused
}

// diffCompare compares two matrices at the level of interfaces.
type diffCompare struct {
	ma, mb  *Matrix
	ca, cb  cellIndex
	scope   *diffScope
	nodes   []*diffNode
	changes []nodeChange
	// internet is the family's addresses that either model counts as
	// the internet's; sameInternet, whether both count the same (Text
	// then words an address change against them).
	internet     addrset.Set
	sameInternet bool
	// ua and ub answer, in each model, the addresses of its unmodelled
	// blocks that the other counts as the internet's (nil: none)
	ua, ub *unmodelledSide
}

// nodeChange is a change between two nodes, by index.
type nodeChange struct {
	from, to int
	pc       PairChange
}

// cellIndex finds a matrix's cells by their classes' indexes (the
// internet last).
type cellIndex struct {
	n     int
	cells []int32 // (from*n + to) -> index in Cells, -1 none
}

func newCellIndex(m *Matrix) cellIndex {
	n := len(m.Classes)
	ix := cellIndex{n: n, cells: make([]int32, n*n)}
	for i := range ix.cells {
		ix.cells[i] = -1
	}
	at := map[string]int{}
	for i, c := range m.Classes {
		at[c.Name] = i
	}
	for k, c := range m.Cells {
		ix.cells[at[c.From]*n+at[c.To]] = int32(k)
	}
	return ix
}

// cell returns the cell from class i to class j (-1 the internet, which
// is the last class when present): empty when absent.
func (ix cellIndex) cell(m *Matrix, i, j int) Cell {
	if k := ix.at(i, j); k >= 0 {
		return m.Cells[k]
	}
	return Cell{}
}

// at returns the index in Cells of the cell from class i to class j (-1
// the internet): -1 when absent.
func (ix cellIndex) at(i, j int) int {
	if i < 0 {
		i = ix.n - 1
	}
	if j < 0 {
		j = ix.n - 1
	}
	return int(ix.cells[i*ix.n+j])
}

func newDiffCompare(ma, mb *Matrix, s *diffScope) *diffCompare {
	c := &diffCompare{ma: ma, mb: mb, ca: newCellIndex(ma), cb: newCellIndex(mb), scope: s}
	byKey := map[[2]int]*diffNode{}
	type member struct {
		class int
		mb    ClassMember
	}
	inA, inB := map[string]member{}, map[string]member{}
	var order []string
	for _, side := range []struct {
		m  *Matrix
		in map[string]member
	}{{ma, inA}, {mb, inB}} {
		for i, cl := range side.m.Classes {
			for _, mb := range cl.Members {
				if _, ok := inA[mb.ID]; !ok {
					if _, ok := inB[mb.ID]; !ok {
						order = append(order, mb.ID)
					}
				}
				side.in[mb.ID] = member{i, mb}
			}
		}
	}
	for _, id := range order {
		key := [2]int{-1, -1}
		x, okA := inA[id]
		y, okB := inB[id]
		mbr := x.mb
		if okA {
			key[0] = x.class
		}
		if okB {
			key[1], mbr = y.class, y.mb
		}
		nd, ok := byKey[key]
		if !ok {
			nd = &diffNode{ca: key[0], cb: key[1], used: -1}
			byKey[key] = nd
			c.nodes = append(c.nodes, nd)
		}
		nd.members, nd.ids = append(nd.members, mbr), append(nd.ids, id)
	}
	for _, nd := range c.nodes {
		nd.mark = s.mark(nd.ids, false)
	}
	if hasInternet(ma) || hasInternet(mb) {
		c.nodes = append(c.nodes, &diffNode{ca: -1, cb: -1, net: true, used: -1, mark: s.mark(nil, true)})
	}
	return c
}

func hasInternet(m *Matrix) bool {
	return len(m.Classes) > 0 && m.Classes[len(m.Classes)-1].Name == InternetNode
}

// side returns what node i to node j carries in one matrix (ma with a,
// else mb): nothing where an end is absent.
func (c *diffCompare) side(a bool, i, j *diffNode) Cell {
	m, ix, ci, cj := c.mb, c.cb, i.cb, j.cb
	if a {
		m, ix, ci, cj = c.ma, c.ca, i.ca, j.ca
	}
	if (ci < 0 && !i.net) || (cj < 0 && !j.net) {
		return Cell{}
	}
	return ix.cell(m, ci, cj)
}

// compare lists the changes between every pair of nodes in scope, and
// the groups they name.
func (c *diffCompare) compare(out *DiffResult) {
	for fi, f := range c.nodes {
		for ti, t := range c.nodes {
			if (fi == ti && len(f.members) < 2) || (f.net && t.net) {
				continue
			}
			if !c.inScope(f, t) {
				continue
			}
			if f.net || t.net {
				// the internet's cells are unions over its addresses:
				// compared address by address
				acs, d := compareSpans(c.spansOf(true, f, t), c.spansOf(false, f, t), c.internet)
				if c.sameInternet {
					for i := range acs {
						acs[i].but = butOf(acs[i].Addresses, c.internet)
					}
				}
				if len(acs) > 0 {
					c.changes = append(c.changes, nodeChange{fi, ti, PairChange{Gained: d[0], Lost: d[1],
						IndeterminateGained: d[2], IndeterminateLost: d[3], Addresses: acs, Causes: []Cause{}}})
				}
				continue
			}
			x, y := c.side(true, f, t), c.side(false, f, t)
			if x.Allowed.Equal(y.Allowed) && x.Indeterminate.Equal(y.Indeterminate) {
				continue
			}
			pc := PairChange{Gained: y.Allowed.Minus(x.Allowed), Lost: x.Allowed.Minus(y.Allowed),
				IndeterminateGained: y.Indeterminate.Minus(x.Indeterminate), IndeterminateLost: x.Indeterminate.Minus(y.Indeterminate),
				Causes: []Cause{}}
			c.changes = append(c.changes, nodeChange{fi, ti, pc})
		}
	}
	for _, ch := range c.changes {
		c.nodes[ch.from].used, c.nodes[ch.to].used = 0, 0
	}
	for _, nd := range c.nodes {
		if nd.used < 0 {
			continue
		}
		nd.used = len(out.Groups)
		g := DiffGroup{Name: fmt.Sprintf("G%d", len(out.Groups)+1), Members: slices.Clone(nd.members)}
		switch {
		case nd.net:
			g.Name, g.Members = InternetNode, []ClassMember{}
		case nd.ca < 0:
			g.Status = "added"
		case nd.cb < 0:
			g.Status = "removed"
		}
		if !nd.net && nd.ca >= 0 {
			g.Before = className(nd.ca)
		}
		if !nd.net && nd.cb >= 0 {
			g.After = className(nd.cb)
		}
		out.Groups = append(out.Groups, g)
	}
	for _, ch := range c.changes {
		ch.pc.From, ch.pc.To = out.Groups[c.nodes[ch.from].used].Name, out.Groups[c.nodes[ch.to].used].Name
		out.Changes = append(out.Changes, ch.pc)
	}
}

// inScope reports whether some pair from a member of f to one of t is
// in the scope, so that both matrices answered it.
func (c *diffCompare) inScope(f, t *diffNode) bool { return c.scope.touches(f.mark, t.mark) }

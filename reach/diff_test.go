package reach_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// pairKey is an ordered pair of nodes: interface IDs or "internet".
type pairKey struct{ from, to string }

// pairDelta is how one pair's traffic changed. internet marks a delta
// of matrices' internet cells (unions over the internet's addresses) or
// of a diff's (address by address), which requireSameDeltas compares
// loosely.
type pairDelta struct {
	gained, lost, undGained, undLost reach.Traffic
	internet                         bool
}

// matrixByPair expands a matrix to its pairs of interfaces (and the
// internet): what each carries, allowed and indeterminate.
func matrixByPair(m *reach.Matrix) (map[pairKey]reach.Cell, []string) {
	members := map[string][]string{}
	var ids []string
	for _, c := range m.Classes {
		if c.Name == reach.InternetNode {
			members[c.Name] = []string{reach.InternetNode}
			continue
		}
		for _, mb := range c.Members {
			members[c.Name] = append(members[c.Name], mb.ID)
			ids = append(ids, mb.ID)
		}
	}
	out := map[pairKey]reach.Cell{}
	for _, c := range m.Cells {
		for _, f := range members[c.From] {
			for _, t := range members[c.To] {
				if f != t {
					out[pairKey{f, t}] = c
				}
			}
		}
	}
	return out, ids
}

// expectedDiff compares two whole matrices pair by pair of interfaces:
// the obviously correct answer Diff must give.
func expectedDiff(t *testing.T, a, b *reach.Model, o reach.MatrixOptions) map[pairKey]pairDelta {
	ma, err := a.Matrix(o)
	require.NoError(t, err)
	mb, err := b.Matrix(o)
	require.NoError(t, err)
	pa, idsA := matrixByPair(ma)
	pb, idsB := matrixByPair(mb)
	nodes := map[string]bool{}
	for _, id := range append(idsA, idsB...) {
		nodes[id] = true
	}
	if !o.NoInternet {
		nodes[reach.InternetNode] = true
	}
	out := map[pairKey]pairDelta{}
	for f := range nodes {
		for to := range nodes {
			if f == to {
				continue
			}
			k := pairKey{f, to}
			x, y := pa[k], pb[k]
			d := pairDelta{y.Allowed.Minus(x.Allowed), x.Allowed.Minus(y.Allowed), y.Indeterminate.Minus(x.Indeterminate), x.Indeterminate.Minus(y.Indeterminate), true}
			if !d.gained.IsEmpty() || !d.lost.IsEmpty() || !d.undGained.IsEmpty() || !d.undLost.IsEmpty() {
				out[k] = d
			}
		}
	}
	return out
}

// diffByPair expands a diff to its pairs of interfaces (and the internet).
func diffByPair(t *testing.T, d *reach.DiffResult) map[pairKey]pairDelta {
	members := map[string][]string{}
	for _, g := range d.Groups {
		if g.Name == reach.InternetNode {
			members[g.Name] = []string{reach.InternetNode}
			continue
		}
		for _, mb := range g.Members {
			members[g.Name] = append(members[g.Name], mb.ID)
		}
	}
	out := map[pairKey]pairDelta{}
	for _, c := range d.Changes {
		require.NotEmpty(t, members[c.From], "change from %s names a listed group", c.From)
		require.NotEmpty(t, members[c.To], "change to %s names a listed group", c.To)
		for _, f := range members[c.From] {
			for _, to := range members[c.To] {
				if f != to {
					_, dup := out[pairKey{f, to}]
					require.False(t, dup, "pair %s -> %s in one change only", f, to)
					out[pairKey{f, to}] = pairDelta{c.Gained, c.Lost, c.IndeterminateGained, c.IndeterminateLost, true}
				}
			}
		}
	}
	return out
}

// requireSameDeltas demands two expansions agree pair by pair. A pair
// with the internet is held to less when want comes from matrices
// (whose internet cells are unions over the internet's addresses): got
// must list it when its cells differ, gaining and losing at least what
// the union did, and may list it when they do not (the addresses that
// get through changed; checkInternetChanges holds those to Verdict).
func requireSameDeltas(t *testing.T, want, got map[pairKey]pairDelta, msg string) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		require.True(t, ok, "%s: %s -> %s changed (gained %s, lost %s, indeterminate gained %s, lost %s) but the diff misses it",
			msg, k.from, k.to, w.gained, w.lost, w.undGained, w.undLost)
		if w.internet && (k.from == reach.InternetNode || k.to == reach.InternetNode) {
			require.True(t, w.gained.Minus(g.gained).IsEmpty() && w.lost.Minus(g.lost).IsEmpty(),
				"%s: %s -> %s: the union gained %s and lost %s, the diff %s and %s", msg, k.from, k.to, w.gained, w.lost, g.gained, g.lost)
			continue
		}
		for i, pair := range [][2]reach.Traffic{{w.gained, g.gained}, {w.lost, g.lost}, {w.undGained, g.undGained}, {w.undLost, g.undLost}} {
			require.True(t, pair[0].Equal(pair[1]), "%s: %s -> %s part %d: want %s, got %s", msg, k.from, k.to, i, pair[0], pair[1])
		}
	}
	for k, g := range got {
		if _, ok := want[k]; ok || (g.internet && (k.from == reach.InternetNode || k.to == reach.InternetNode)) {
			continue
		}
		require.Fail(t, "unchanged pair listed", "%s: the diff lists %s -> %s (gained %s, lost %s), which did not change", msg, k.from, k.to, g.gained, g.lost)
	}
}

// internetKey is the pair of interfaces (one end the internet) of an
// internet change of d.
func internetKey(c reach.PairChange, d *reach.DiffResult) pairKey {
	first := func(name string) string {
		for _, g := range d.Groups {
			if g.Name == name && len(g.Members) > 0 {
				return g.Members[0].ID
			}
		}
		return name
	}
	return pairKey{first(c.From), first(c.To)}
}

// mutate makes one random change to d, of the kinds a change review
// meets: a security group rule added or removed, an ACL entry changed or
// added, a route added, removed or retargeted, an interface's groups
// changed, an interface's source/destination check changed, an
// interface added or removed, a subnet's associations
// changed, a rule's block widened, narrowed or moved. It returns what it
// did.
func mutate(rng *rand.Rand, d *sample.Design) string {
	pick := func(n int) int { return rng.IntN(n) }
	port := func() flow.PortRange {
		lo := uint16(1 + pick(2000))
		if pick(2) == 0 {
			return flow.Single(lo)
		}
		return flow.PortRange{Lo: lo, Hi: lo + uint16(pick(3000))}
	}
	peers := []sg.Peer{sg.AnyIPv4, sg.CIDR("198.51.100.0/24"), sg.CIDR("10.1.0.0/16"), sg.GroupRef("sg-web")}
	switch pick(10) {
	case 8:
		// only the internet's addresses that a rule lets through change
		g := &d.Groups[pick(len(d.Groups))]
		var cidr []int
		for i, r := range g.Rules {
			if r.Peer.CIDR.IsValid() && r.Peer.CIDR.Addr().Is4() {
				cidr = append(cidr, i)
			}
		}
		if len(cidr) == 0 {
			return "nothing"
		}
		blocks := []sg.Peer{sg.AnyIPv4, sg.CIDR("198.51.100.0/24"), sg.CIDR("128.0.0.0/1"), sg.CIDR("203.0.113.0/25"), sg.CIDR("8.0.0.0/6")}
		g.Rules[cidr[pick(len(cidr))]].Peer = blocks[pick(len(blocks))]
		return "a rule's block changed in " + g.ID
	case 0:
		g := &d.Groups[pick(len(d.Groups))]
		r := sg.Rule{Direction: []flow.Direction{flow.Inbound, flow.Outbound}[pick(2)], Protocol: []flow.Protocol{flow.TCP, flow.UDP}[pick(2)],
			Ports: port(), Peer: peers[pick(len(peers))]}
		g.Rules = append(g.Rules, r)
		return "rule added to " + g.ID
	case 1:
		g := &d.Groups[pick(len(d.Groups))]
		if len(g.Rules) == 0 {
			return "nothing"
		}
		i := pick(len(g.Rules))
		g.Rules = append(g.Rules[:i:i], g.Rules[i+1:]...)
		return "rule removed from " + g.ID
	case 2:
		a := &d.ACLs[pick(len(d.ACLs))]
		if len(a.Entries) == 0 {
			return "nothing"
		}
		e := &a.Entries[pick(len(a.Entries))]
		if e.Action == flow.Pass {
			e.Action = flow.Drop
		} else {
			e.Action = flow.Pass
		}
		return "entry flipped in " + a.ID
	case 3:
		a := &d.ACLs[pick(len(d.ACLs))]
		a.Entries = append(a.Entries, nacl.Entry{Number: 5 + pick(3), Action: []flow.Action{flow.Pass, flow.Drop}[pick(2)],
			Direction: []flow.Direction{flow.Inbound, flow.Outbound}[pick(2)], Protocol: flow.TCP, Ports: port(),
			CIDR: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("10.1.0.0/24")}[pick(2)]})
		return "entry added to " + a.ID
	case 4:
		rt := &d.RouteTables[pick(len(d.RouteTables))]
		if len(rt.Routes) == 0 {
			return "nothing"
		}
		i := pick(len(rt.Routes))
		switch pick(3) {
		case 0:
			rt.Routes = append(rt.Routes[:i:i], rt.Routes[i+1:]...)
			return "route removed from " + rt.ID
		case 1:
			r := rt.Routes[i]
			r.Destination = []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("8.8.8.0/24"),
				netip.MustParsePrefix("10.1.1.0/24"), netip.MustParsePrefix("10.2.0.0/24")}[pick(4)]
			r.PrefixList = ""
			rt.Routes = append(rt.Routes, r)
			return "route added to " + rt.ID
		}
		j := pick(len(rt.Routes))
		rt.Routes[i].Target, rt.Routes[i].TargetID = rt.Routes[j].Target, rt.Routes[j].TargetID
		return "route retargeted in " + rt.ID
	case 5:
		if pick(2) == 0 {
			return sourceDestCheckChanged(pick, d)
		}
		in := &d.Interfaces[pick(len(d.Interfaces))]
		in.Groups = []string{d.Groups[pick(len(d.Groups))].ID}
		return "groups changed on " + in.ID
	case 6:
		i := pick(len(d.Interfaces))
		id := d.Interfaces[i].ID
		d.Interfaces = append(d.Interfaces[:i:i], d.Interfaces[i+1:]...)
		return "removed " + id
	case 7:
		in := d.Interfaces[pick(len(d.Interfaces))]
		in.ID, in.Name = in.ID+"-new", ""
		in.PrivateIPs = []netip.Addr{in.PrivateIPs[0].Next().Next().Next().Next().Next()}
		in.PublicIP = netip.Addr{}
		d.Interfaces = append(d.Interfaces, in)
		return "added " + in.ID
	}
	s := &d.Subnets[pick(len(d.Subnets))]
	if len(d.RouteTables) > 0 && pick(2) == 0 {
		s.RouteTable = d.RouteTables[pick(len(d.RouteTables))].ID
		return "route table of " + s.ID
	}
	s.ACL = d.ACLs[pick(len(d.ACLs))].ID
	return "ACL of " + s.ID
}

// sourceDestCheckChanged moves the source/destination check of an
// interface, one a route targets where there is one, from on to off,
// from off to unknown, from unknown to on.
func sourceDestCheckChanged(pick func(int) int, d *sample.Design) string {
	var targets []int
	for i, in := range d.Interfaces {
		for _, rt := range d.RouteTables {
			if slices.ContainsFunc(rt.Routes, func(r reach.Route) bool { return r.Target == reach.TargetInterface && r.TargetID == in.ID }) {
				targets = append(targets, i)
				break
			}
		}
	}
	i := pick(len(d.Interfaces))
	if len(targets) > 0 {
		i = targets[pick(len(targets))]
	}
	in := &d.Interfaces[i]
	switch {
	case in.SourceDestCheckUnknown != "":
		in.SourceDestCheckUnknown = ""
		return "source/destination check on for " + in.ID
	case in.SourceDestCheckDisabled:
		in.SourceDestCheckDisabled, in.SourceDestCheckUnknown = false, in.ID+": source_dest_check"
		return "source/destination check unknown for " + in.ID
	}
	in.SourceDestCheckDisabled = true
	return "source/destination check off for " + in.ID
}

// TestDiffAgreesWithMatrices holds Diff (which answers only the pairs a
// change can touch) to the comparison of two whole matrices, pair by pair
// of interfaces, on random designs full of middleboxes with random
// changes, and the slow reference (every pair compared) too.
func TestDiffAgreesWithMatrices(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	designs := 60
	switch {
	case raceOn: // the race detector needs the walks, not every design
		designs = 4
	case testing.Short():
		designs = 8
	}
	stats := map[string]int{}
	for seed := range uint64(designs) {
		build := func() *sample.Design {
			rng := rand.New(rand.NewPCG(seed, 41))
			g := randomWalkDesign(rng)
			spice(rng, g.d)
			return g.d
		}
		before, err := build().Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 42))
		var after *reach.Model
		var did []string
		for tries := 0; after == nil && tries < 20; tries++ {
			d := build()
			did = nil
			for range 1 + rng.IntN(3) {
				did = append(did, mutate(rng, d))
			}
			after, _ = d.Builder().Build() // a change that breaks the design is tried again
		}
		require.NotNil(t, after, "seed %d: no change builds", seed)
		msg := fmt.Sprintf("seed %d: %v", seed, did)
		o := reach.MatrixOptions{Workers: 1 + int(seed%3)}
		want := expectedDiff(t, before, after, o)
		got, err := reach.Diff(before, after, reach.DiffOptions{Workers: o.Workers})
		require.NoError(t, err, msg)
		requireSameDeltas(t, want, diffByPair(t, got), msg)
		ref, err := reach.DiffReference(before, after, reach.DiffOptions{})
		require.NoError(t, err, msg)
		requireSameDeltas(t, diffByPair(t, ref), diffByPair(t, got), msg+" (reference)")
		requireSameAddressChanges(t, ref, got, msg+" (reference)")
		// the whole answer too: groups, causes, notes, resources
		gj, err := json.MarshalIndent(got, "", " ")
		require.NoError(t, err)
		rj, err := json.MarshalIndent(ref, "", " ")
		require.NoError(t, err)
		require.Equal(t, string(rj), string(gj), "%s: Diff (actual) and DiffReference (expected), whole answers", msg)
		checkInternetChanges(t, before, after, got, msg)
		for _, x := range did {
			if strings.HasPrefix(x, "a rule's block") {
				stats["a rule's block changed"]++
			}
		}
		for _, c := range got.Changes {
			if len(c.Addresses) > 0 {
				stats["internet pair changed"]++
				if _, ok := want[internetKey(c, got)]; !ok {
					stats["internet addresses changed, matrix cells alike"]++
				}
			}
		}
		for _, c := range got.Changes {
			assert.True(t, len(c.Causes) > 0 || c.Note != "", "%s: %s -> %s has a cause or says why not", msg, c.From, c.To)
		}
		if reach.DiffScopeIsAll(before, after) {
			stats["every pair answered"]++
		} else {
			stats["scoped"]++
		}
		if len(want) > 0 && slices.ContainsFunc(did, func(x string) bool { return strings.HasPrefix(x, "source/destination check") }) {
			stats["a source/destination check changed, with others"]++
		}
		if len(want) > 0 {
			stats["changed"]++
		} else {
			stats["unchanged"]++
		}
	}
	t.Logf("%v", stats)
	assert.Positive(t, stats["changed"], "some changes change something")
	assert.Positive(t, stats["scoped"], "some changes are answered on the pairs they touch only")
	if designs == 60 { // too rare to count on in -short's dozen
		assert.Positive(t, stats["a source/destination check changed, with others"], "some changes move an appliance's source/destination check")
	}
}

// BenchmarkDiffLarge diffs the 1,000-interface model against a copy with
// a rule added to one group, an ACL entry changed and a route changed
// (largeTopologyOf), each on models built afresh (nothing the first
// answer caches), and the reference: two whole matrices compared.
func BenchmarkDiffLarge(b *testing.B) {
	for _, tc := range []struct {
		name string
		diff func(x, y *reach.Model) (*reach.DiffResult, error)
	}{
		{"fast", func(x, y *reach.Model) (*reach.DiffResult, error) { return reach.Diff(x, y, reach.DiffOptions{}) }},
		{"reference", func(x, y *reach.Model) (*reach.DiffResult, error) {
			return reach.DiffReference(x, y, reach.DiffOptions{})
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var changes, groups int
			for b.Loop() {
				b.StopTimer()
				x, err := largeTopologyOf(false).Build()
				require.NoError(b, err)
				y, err := largeTopologyOf(true).Build()
				require.NoError(b, err)
				b.StartTimer()
				d, err := tc.diff(x, y)
				if err != nil {
					b.Fatal(err)
				}
				changes, groups = len(d.Changes), len(d.Groups)
			}
			b.ReportMetric(float64(changes), "changes")
			b.ReportMetric(float64(groups), "groups")
		})
	}
}

// TestDiffOfAModelWithItselfIsEmpty: the sample designs and the
// 1,000-interface model, each against itself and against a second build
// of the same design, change nothing and name no resource.
func TestDiffOfAModelWithItselfIsEmpty(t *testing.T) {
	designs := map[string]func() *reach.Builder{
		"three-tier": sample.ThreeTier,
		"random":     func() *reach.Builder { g := randomWalkDesignN(rand.New(rand.NewPCG(7, 7)), 3); return g.d.Builder() },
	}
	if !testing.Short() && !raceOn {
		designs["large"] = largeTopology
	}
	for name, build := range designs {
		t.Run(name, func(t *testing.T) {
			a, err := build().Build()
			require.NoError(t, err)
			b, err := build().Build()
			require.NoError(t, err)
			for _, other := range []*reach.Model{a, b} {
				d, err := reach.Diff(a, other, reach.DiffOptions{})
				require.NoError(t, err)
				assert.Empty(t, d.Changes)
				assert.Empty(t, d.Resources)
				assert.Equal(t, "changes: none (every pair carries what it did)\nresources changed: none\n", d.Text())
			}
			if name != "large" {
				d, err := reach.DiffReference(a, b, reach.DiffOptions{})
				require.NoError(t, err)
				assert.Empty(t, d.Changes, "the reference compares every pair")
			}
		})
	}
}

// TestDiffLargeAgreesWithMatrices holds the diff of the 1,000-interface
// model and its changed copy (BenchmarkDiffLarge's) to two whole matrices
// compared pair by pair, and checks the causes a reviewer relies on.
func TestDiffLargeAgreesWithMatrices(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	if testing.Short() || raceOn {
		t.Skip("two whole matrices of the large model")
	}
	a := mustLargeModel(t)
	b, err := largeTopologyOf(true).Build()
	require.NoError(t, err)
	d, err := reach.Diff(a, b, reach.DiffOptions{})
	require.NoError(t, err)
	requireSameDeltas(t, expectedDiff(t, a, b, reach.MatrixOptions{}), diffByPair(t, d), "large")
	kinds := map[string]bool{}
	for _, r := range d.Resources {
		kinds[r.Kind+" "+r.ID] = true
	}
	assert.Equal(t, map[string]bool{"security-group sg-0007": true, "network-acl acl-07": true, "route-table rtb-zone-b": true}, kinds)
	causes := map[string]int{}
	for _, c := range d.Changes {
		for _, cs := range c.Causes {
			causes[cs.ID]++
		}
	}
	// The rule and the entry change pairs; so does the route: zone B's
	// sessions to 198.51.100.0/24 go straight to the internet gateway,
	// which drops what has no public address, though the other internet
	// addresses still get through the firewall (the internet is compared
	// address by address).
	assert.Positive(t, causes["sg-0007"], "the rule added causes changes")
	assert.Positive(t, causes["acl-07"], "the entry changed causes changes")
	assert.Positive(t, causes["rtb-zone-b"], "the route changes zone B's sessions to 198.51.100.0/24")
	routed := netip.MustParsePrefix("198.51.100.0/24")
	routedChanges := 0
	for _, c := range d.Changes {
		for _, cs := range c.Causes {
			if cs.ID != "rtb-zone-b" || c.To != reach.InternetNode {
				continue
			}
			routedChanges++
			for _, ac := range c.Addresses {
				for _, p := range ac.Addresses {
					assert.True(t, routed.Overlaps(p), "%s -> internet changed at %s, outside the route", c.From, p)
				}
			}
		}
	}
	assert.Positive(t, routedChanges, "zone B's sessions to the internet changed")
	checkInternetChanges(t, a, b, d, "large")
	for _, c := range d.Changes {
		assert.NotEmpty(t, c.Causes, "%s -> %s has its cause", c.From, c.To)
		assert.Empty(t, c.Note)
	}
}

// TestTrafficMinus holds Minus to a member-by-member check on random
// sets.
func TestTrafficMinus(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	random := func() reach.Traffic {
		var tr reach.Traffic
		for range rng.IntN(4) {
			lo := uint16(1 + rng.IntN(100))
			tr.TCP = tr.TCP.Union(flow.SetOf(flow.PortRange{Lo: lo, Hi: lo + uint16(rng.IntN(20))}))
			lo = uint16(1 + rng.IntN(100))
			tr.UDP = tr.UDP.Union(flow.SetOf(flow.PortRange{Lo: lo, Hi: lo + uint16(rng.IntN(20))}))
			ty := uint8(rng.IntN(12))
			c := uint8(rng.IntN(8))
			tr = tr.Union(reach.Traffic{ICMP: []reach.ICMPCodes{{Type: ty, Codes: flow.SetOf(flow.Range[uint8]{Lo: c, Hi: c + uint8(rng.IntN(4))})}}})
			p := uint8(40 + rng.IntN(20))
			tr.Other = tr.Other.Union(flow.SetOf(flow.Single(p)))
		}
		return tr
	}
	icmp := func(tr reach.Traffic, ty, c uint8) bool {
		for _, x := range tr.ICMP {
			if x.Type == ty && x.Codes.Contains(c) {
				return true
			}
		}
		return false
	}
	for range 300 {
		x, y := random(), random()
		d := x.Minus(y)
		for p := uint16(1); p <= 130; p++ {
			require.Equal(t, x.TCP.Contains(p) && !y.TCP.Contains(p), d.TCP.Contains(p), "tcp %d of %s minus %s", p, x, y)
			require.Equal(t, x.UDP.Contains(p) && !y.UDP.Contains(p), d.UDP.Contains(p), "udp %d", p)
		}
		for ty := range uint8(14) {
			for c := range uint8(14) {
				require.Equal(t, icmp(x, ty, c) && !icmp(y, ty, c), icmp(d, ty, c), "icmp %d/%d of %s minus %s", ty, c, x, y)
			}
		}
		for p := uint8(30); p < 70; p++ {
			require.Equal(t, x.Other.Contains(p) && !y.Other.Contains(p), d.Other.Contains(p), "protocol %d", p)
		}
		for _, c := range d.ICMP {
			require.False(t, c.Codes.IsEmpty(), "no ICMP type without codes")
		}
		require.True(t, d.Union(x.Minus(d)).Equal(x), "x minus y, with the rest of x, is x")
	}
}

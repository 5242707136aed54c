package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// spiceMore adds, beyond spice, what makes a port's answer depend on the
// client's port or leaves it open: firewall rules naming source ports,
// security group rules that reference a group the input lacks, and
// Alibaba Cloud groups (priorities, drop rules, source ports; their
// interfaces have outbound port 25 blocked) on some interfaces.
func spiceMore(rng *rand.Rand, d *sample.Design) {
	port := func() uint16 { return uint16(1 + rng.IntN(65535)) }
	pr := func() flow.PortRange {
		a, b := port(), port()
		if rng.IntN(3) == 0 {
			b = a
		}
		return flow.PortRange{Lo: min(a, b), Hi: max(a, b)}
	}
	for i := range d.Firewalls {
		g := &d.Firewalls[i].Policy.Stateful.Groups[0].Group
		var rules strings.Builder
		for k := range rng.IntN(4) {
			action := []string{"pass", "drop", "alert", "reject"}[rng.IntN(4)]
			sp, dp := pr(), pr()
			fmt.Fprintf(&rules, "%s tcp any %d:%d -> any %d:%d (sid:%d;)\n", action, sp.Lo, sp.Hi, dp.Lo, dp.Hi, 100+k)
		}
		if rng.IntN(2) == 0 { // a rule that reads the payload: undecided
			dp := pr()
			fmt.Fprintf(&rules, "drop tcp any any -> any %d:%d (content:\"evil\"; sid:99;)\n", dp.Lo, dp.Hi)
		}
		if rng.IntN(3) == 0 { // a rule by a list whose entries the input lacks: undecided where it could match
			dp := pr()
			g.IPSetReferences = map[string]string{"MISSING": "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-missing"}
			fmt.Fprintf(&rules, "%s tcp @MISSING any -> any %d:%d (sid:98;)\n", []string{"pass", "drop"}[rng.IntN(2)], dp.Lo, dp.Hi)
		}
		g.RulesString = strings.TrimRight(g.RulesString, "\n") + "\n" + rules.String()
	}
	icmpType := func() int16 { return []int16{0, 3, 8, 11, 13, 14, int16(rng.IntN(256))}[rng.IntN(7)] }
	for i := range d.Groups {
		if rng.IntN(2) == 0 {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: pr(), Peer: sg.GroupRef("sg-missing")})
		}
		if rng.IntN(3) == 0 && !d.Groups[i].Flavour.IsAlibaba() { // a list whose entries the input lacks: any address may match
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)],
				Protocol: []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)], Ports: pr(), Peer: sg.PrefixList("pl-missing")})
		}
		if rng.IntN(2) == 0 {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)],
				Protocol: flow.ICMP, ICMPType: icmpType(), ICMPCode: []int16{-1, 0, 1}[rng.IntN(3)], Peer: sg.AnyIPv4})
		}
	}
	for i := range d.RouteTables {
		rt := &d.RouteTables[i]
		if len(rt.Routes) > 0 && rt.Gateways == nil && rng.IntN(6) == 0 { // a route by a list whose entries the input lacks
			o := rt.Routes[rng.IntN(len(rt.Routes))]
			if o.Target == reach.TargetLocal || o.Propagated {
				o = reach.Route{Target: reach.TargetBlackhole, TargetID: "nat-gone"}
			}
			rt.Routes = append(rt.Routes, reach.Route{PrefixList: "pl-missing", Target: o.Target, TargetID: o.TargetID, TargetType: o.TargetType})
		}
	}
	for i := range d.ACLs {
		a := &d.ACLs[i]
		if len(a.Entries) == 0 || a.Entries[0].Number > 100 { // a default ACL: leave it open
			continue
		}
		for k := range rng.IntN(4) {
			a.Entries = append(a.Entries, nacl.Entry{Number: 50 + k, Action: []flow.Action{flow.Pass, flow.Drop}[rng.IntN(2)],
				Direction: []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)], Protocol: flow.ICMP,
				CIDR: netip.MustParsePrefix("0.0.0.0/0"), ICMPType: icmpType(), ICMPCode: []int16{-1, 0, 1}[rng.IntN(3)]})
		}
	}
	if rng.IntN(2) == 0 {
		ali := sg.Group{ID: "sg-ali", Name: "ali", Flavour: sg.AlibabaBasic}
		for k := range 1 + rng.IntN(5) {
			r := sg.Rule{Direction: []flow.Direction{flow.Inbound, flow.Outbound}[rng.IntN(2)], Protocol: flow.TCP, Ports: pr(),
				Peer: sg.AnyIPv4, Action: []flow.Action{flow.Pass, flow.Drop}[rng.IntN(2)], Priority: 1 + k}
			if rng.IntN(2) == 0 {
				r.SourcePorts = pr()
			}
			ali.Rules = append(ali.Rules, r)
		}
		for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
			ali.Rules = append(ali.Rules, sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4,
				Action: flow.Pass, Priority: 50})
		}
		// One such group per VPC, made at its first member: Alibaba Cloud
		// adds an interface to a group of its own VPC only (JoinSecurityGroup).
		vpcOf := map[string]string{}
		for _, s := range d.Subnets {
			vpcOf[s.ID] = s.VPC
		}
		made := map[string]bool{}
		for i := range d.Interfaces {
			if rng.IntN(3) == 0 {
				vpc := vpcOf[d.Interfaces[i].Subnet]
				if !made[vpc] {
					made[vpc] = true
					g := ali
					g.ID, g.VPCID, g.Rules = "sg-ali-"+vpc, vpc, slices.Clone(ali.Rules)
					d.Groups = append(d.Groups, g)
				}
				d.Interfaces[i].Groups = []string{"sg-ali-" + vpc}
			}
		}
	}
}

// TestPortsByHopAgreesByAtom demands that Ports, which combines each
// hop's decisions on every port at once, give exactly the answer of the
// walk of one port per atom (reach.PortsByAtom, its slow reference): the
// open and undecided ports, the cuts, and the answers per client range;
// for icmp, the walk per atom of types and codes agrees with the walk per
// type.
func TestPortsByHopAgreesByAtom(t *testing.T) {
	designs := 120
	if testing.Short() || raceOn {
		designs = 25
	}
	stats := map[string]int{}
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 91))
		crng := rand.New(rand.NewPCG(seed, 93)) // client ports, apart from the designs' choices
		g := randomWalkDesign(rng)
		spice(rng, g.d)
		spiceMore(rng, g.d)
		m, err := g.d.Builder().AddUnresolvedGroup("sg-missing").AddUnresolvedPrefixList("pl-missing").Build()
		require.NoError(t, err, "seed %d", seed)
		for range 10 {
			vq := g.query()
			q := reach.PortsQuery{From: vq.From, To: vq.To, Protocol: []flow.Protocol{flow.TCP, flow.UDP, flow.TCP, flow.UDP, flow.ICMP}[rng.IntN(5)]}
			if q.Protocol == flow.TCP {
				q.Domain = vq.Domain
			}
			if rng.IntN(4) == 0 {
				q.ClientPorts = []nacl.NamedRange{{Name: "a", Ports: flow.PortRange{Lo: 1, Hi: 65535}}, {Name: "b", Ports: flow.PortRange{Lo: uint16(1 + rng.IntN(60000)), Hi: 65535}}}
			}
			if crng.IntN(3) == 0 && q.Protocol != flow.ICMP {
				q.ClientPort = []uint16{1024, 32768, 49152, 65535, uint16(1 + crng.IntN(65535))}[crng.IntN(5)]
			}
			msg := fmt.Sprintf("seed %d: %+v", seed, q)
			want, werr := reach.PortsByAtom(m, q)
			got, err := m.Ports(q)
			if werr != nil {
				require.Equal(t, werr, err, msg)
				continue
			}
			require.NoError(t, err, msg)
			want.Atoms, got.Atoms = 0, 0
			require.Equal(t, want, got, msg)
			if q.ClientPort != 0 {
				stats["a client port asked"]++
				require.Equal(t, q.ClientPort, got.ClientPort, msg)
				for range 8 { // the answer is for that client port: single checks from it agree
					port := uint16(1 + crng.IntN(65535))
					o, err := m.Verdict(reach.Query{From: q.From, To: q.To, Protocol: q.Protocol, Port: port, SrcPort: q.ClientPort, Domain: q.Domain})
					require.NoError(t, err, msg)
					assert.Equal(t, o == reach.Reachable, got.Open.Contains(port), "%s: port %d from client port %d: %s", msg, port, q.ClientPort, o)
					assert.Equal(t, o == reach.Indeterminate, got.Indeterminate.Contains(port), "%s: port %d from client port %d: %s", msg, port, q.ClientPort, o)
				}
			}
			switch {
			case len(got.Cuts) == 0:
				stats["open"]++
			case !got.Open.IsEmpty():
				stats["some open"]++
			default:
				stats["closed"]++
			}
			if !got.Indeterminate.IsEmpty() {
				stats["indeterminate"]++
			}
			if len(got.ICMP) > 0 && len(got.ICMP) < 256 {
				stats["some icmp"]++
			}
			for _, c := range got.Clients {
				if !c.Partly.IsEmpty() {
					stats["partly"]++
				}
			}
			for _, c := range got.Cuts {
				stats[string(c.Code)]++
			}
		}
	}
	// The sample design with random internet-facing rules (publicDesign),
	// and web-1 open, perhaps, to a group the input lacks: answers the
	// input leaves open.
	for seed := range uint64(designs / 2) {
		rng := rand.New(rand.NewPCG(seed, 92))
		d := publicDesign(rng)
		spice(rng, d)
		spiceMore(rng, d)
		for i := range d.Groups {
			if d.Groups[i].ID == "sg-web" && rng.IntN(3) > 0 {
				around := uint16(rng.IntN(100))
				d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP,
					Ports: flow.PortRange{Lo: 443 - around, Hi: 443 + uint16(rng.IntN(100))}, Peer: sg.GroupRef("sg-missing")})
			}
		}
		m, err := d.Builder().AddUnresolvedGroup("sg-missing").AddUnresolvedPrefixList("pl-missing").Build()
		require.NoError(t, err, "seed %d", seed)
		ends := []string{"203.0.113.9", "web-1", "app-1", "db-1", "8.8.8.8"}
		for range 4 {
			q := reach.PortsQuery{From: ends[rng.IntN(len(ends))], To: ends[rng.IntN(len(ends)-1)], Protocol: []flow.Protocol{flow.TCP, flow.UDP}[rng.IntN(2)],
				IPv6: rng.IntN(3) == 0}
			msg := fmt.Sprintf("public seed %d: %+v", seed, q)
			want, werr := reach.PortsByAtom(m, q)
			got, err := m.Ports(q)
			if werr != nil {
				require.Equal(t, werr, err, msg)
				continue
			}
			require.NoError(t, err, msg)
			want.Atoms, got.Atoms = 0, 0
			require.Equal(t, want, got, msg)
			if !got.Indeterminate.IsEmpty() {
				stats["indeterminate"]++
			}
			if q.IPv6 && !got.Open.IsEmpty() {
				stats["ipv6 open"]++
			}
		}
	}
	t.Logf("%v", stats)
	for _, k := range []string{"some open", "a client port asked", "some icmp", "indeterminate", "ipv6 open", "partly", string(reach.FirewallDrop), string(reach.ACLDeny), string(reach.SGDeny), string(reach.AlibabaPort25Blocked)} {
		if !testing.Short() && !raceOn {
			assert.Positive(t, stats[k], k)
		}
	}
}

// TestPortsConcurrently asks one model's Ports from several goroutines at
// once: the firewall's verdicts, decided when first asked and kept,
// are shared safely, and every answer is the one asked alone.
func TestPortsConcurrently(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 91))
	var m *reach.Model
	var qs []reach.PortsQuery
	for m == nil || len(qs) < 8 {
		g := randomWalkDesign(rng)
		spice(rng, g.d)
		spiceMore(rng, g.d)
		if len(g.d.Firewalls) == 0 {
			continue
		}
		var err error
		m, err = g.d.Builder().AddUnresolvedGroup("sg-missing").AddUnresolvedPrefixList("pl-missing").Build()
		require.NoError(t, err)
		qs = qs[:0]
		for range 40 {
			vq := g.query()
			q := reach.PortsQuery{From: vq.From, To: vq.To, Protocol: flow.TCP}
			if _, err := m.Ports(q); err == nil && len(qs) < 8 {
				qs = append(qs, q)
			}
		}
		m, _ = g.d.Builder().AddUnresolvedGroup("sg-missing").AddUnresolvedPrefixList("pl-missing").Build() // a fresh model: nothing kept yet
	}
	want := make([]*reach.PortsResult, len(qs))
	for i, q := range qs {
		r, err := reach.PortsByAtom(m, q)
		require.NoError(t, err)
		r.Atoms = 0
		want[i] = r
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for k := range 3 * len(qs) {
				i := (k + w) % len(qs)
				got, err := m.Ports(qs[i])
				if assert.NoError(t, err) {
					got.Atoms = 0
					assert.Equal(t, want[i], got, "%+v", qs[i])
				}
			}
		})
	}
	wg.Wait()
}

// gridQueries are Ports questions through the sample design's firewall.
var gridQueries = []reach.PortsQuery{
	{From: "203.0.113.9", To: "web-1", Protocol: flow.TCP},
	{From: "203.0.113.9", To: "web-1", Protocol: flow.UDP},
	{From: "web-1", To: "198.51.100.7", Protocol: flow.TCP},
}

// assertPortsByAtom demands m's Ports answer gridQueries as the walk per
// atom does (under a grid budget of budget cells).
func assertPortsByAtom(t *testing.T, m *reach.Model, budget int64) {
	t.Helper()
	for _, q := range gridQueries {
		got, err := m.Ports(q)
		require.NoError(t, err)
		want, err := reach.PortsByAtom(m, q)
		require.NoError(t, err)
		got.Atoms, want.Atoms = 0, 0
		assert.Equal(t, want, got, "budget %d: %+v", budget, q)
	}
}

// TestPortGridsStayWithinTheirBudget asks Ports through the sample
// design's firewall with room for no grid, then for all: a grid beyond
// the budget answers its question and is not kept, and the answers are
// the walk per atom's either way.
func TestPortGridsStayWithinTheirBudget(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	for _, tt := range []struct {
		budget int64
		kept   int
	}{{0, 0}, {1 << 24, len(gridQueries)}} {
		restore := reach.SetPortGridBudget(tt.budget)
		reach.ForgetFirewallCaches(m, false)
		assertPortsByAtom(t, m, tt.budget)
		assert.Equal(t, tt.kept, reach.PortGridsKept(m), "budget %d cells", tt.budget)
		restore()
	}
}

// TestPortGridTilesStayWithinTheirBudget asks Ports and Sources from
// every client port (which read the grids row by row and column by
// column) through the sample design's firewall under budgets that keep
// some tables of tiles but not every tile: what the firewalls count stays
// within the budget, and the answers are the walks' either way.
func TestPortGridTilesStayWithinTheirBudget(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	sources := reach.SourcesQuery{To: "web-1", Protocol: flow.TCP, Port: 443, AnyClientPort: true}
	defer reach.SetAnyClientHops(false)() // the walks answer first; restored at the end
	wantSources, err := m.Sources(sources)
	require.NoError(t, err)
	reach.SetAnyClientHops(true)
	var counted []int64
	for _, budget := range []int64{0, 40, 200, 600, 2000, 1 << 26} {
		restore := reach.SetPortGridBudget(budget)
		reach.ForgetFirewallCaches(m, false)
		for range 2 { // the second time from the kept grids
			assertPortsByAtom(t, m, budget)
			got, err := m.Sources(sources)
			require.NoError(t, err)
			got.Atoms, wantSources.Atoms = 0, 0
			assert.Equal(t, wantSources, got, "budget %d: Sources", budget)
		}
		var sum int64
		for _, n := range reach.PortGridCellsKept(m) {
			assert.LessOrEqual(t, n, budget, "budget %d", budget)
			sum += n
		}
		counted = append(counted, sum)
		restore()
	}
	t.Logf("cells counted per budget: %v", counted)
	assert.Zero(t, counted[0])
	assert.Greater(t, counted[len(counted)-1], counted[len(counted)-2], "the largest budget keeps more")
}

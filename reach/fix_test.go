package reach_test

import (
	"errors"
	"math/rand/v2"
	"net/netip"
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

// TestFixOnTheSample: the smallest changes that give the wanted answer,
// verified, on the sample design.
func TestFixOnTheSample(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	tcp := func(from, to string, port, src uint16) reach.Query {
		return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port, SrcPort: src}
	}
	tests := []struct {
		name    string
		q       reach.Query
		want    reach.Outcome
		changes []string // each change's resource and spec
	}{
		{"the ephemeral-port pitfall: one outbound entry for the client's port", tcp("app-1", "db-1", 5432, 50000), reach.Reachable,
			[]string{"acl-db 110 allow tcp 50000 to 10.0.2.20/32"}},
		{"a group of its own gets the rule; each ACL its entry", tcp("web-1", "db-1", 5432, 30000), reach.Reachable,
			[]string{"acl-db 110 allow tcp 5432 from 10.0.1.10/32", "sg-db tcp 5432 from 10.0.1.10/32", "acl-db 110 allow tcp 30000 to 10.0.1.10/32"}},
		{"already reachable: nothing to change", tcp("app-1", "db-1", 5432, 30000), reach.Reachable, nil},
		{"closed by a deny entry just before the allowing one", tcp("app-1", "db-1", 5432, 30000), reach.Unreachable,
			[]string{"acl-app 99 deny tcp 5432 to 10.0.3.30/32"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx, err := m.Fix(tt.q, tt.want)
			require.NoError(t, err)
			var got []string
			for _, c := range fx.Changes {
				got = append(got, c.Resource+" "+c.Spec)
			}
			assert.Equal(t, tt.changes, got)
			assert.Equal(t, tt.want, fx.After)
			r, err := fx.Patched.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, "verified on the patched model: %s", r.Text())
			assert.Empty(t, fx.AlsoChanged, "no other session changes")
			again, err := m.Apply(fx.Changes)
			require.NoError(t, err)
			r, err = again.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, "Apply makes the same model")
			r, err = m.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, fx.Before, r.Outcome, "the model itself is unchanged")
		})
	}
	_, err = m.Fix(tcp("198.51.100.7", "db-1", 5432, 30000), reach.Reachable)
	require.ErrorIs(t, err, reach.ErrNoFix, "no public address: not a rule Fix writes")
	_, err = m.Fix(tcp("app-1", "db-1", 5432, 30000), reach.Indeterminate)
	require.ErrorIs(t, err, reach.ErrQuery)
}

// TestFixRandom: on random designs, a fix gives the wanted answer on the
// patched model, and AlsoChanged lists exactly the other sessions whose
// open ports change, by brute force over every pair of the design.
func TestFixRandom(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	designs := 40
	switch {
	case raceOn: // the race detector needs the walks, not every design
		designs = 4
	case testing.Short():
		designs = 8
	}
	fixed, collateral := map[reach.Outcome]int{}, 0
	for seed := range uint64(designs) {
		g := randomWalkDesign(rand.New(rand.NewPCG(seed, 40)))
		m, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		for range 6 {
			q := g.query()
			q.Protocol, q.Port, q.SrcPort, q.ICMP = flow.TCP, uint16(1+g.pick(1024)), 0, nil
			want := []reach.Outcome{reach.Reachable, reach.Unreachable}[g.pick(2)]
			fx, err := m.Fix(q, want)
			if errors.Is(err, reach.ErrNoFix) || errors.Is(err, reach.ErrQuery) {
				continue
			}
			require.NoError(t, err, "seed %d: %+v", seed, q)
			r, err := fx.Patched.Check(q)
			require.NoError(t, err)
			require.Equal(t, want, r.Outcome, "seed %d: %+v\n%s", seed, q, r.Text())
			if len(fx.Changes) > 0 {
				fixed[want]++
			}
			if len(fx.AlsoChanged) > 0 {
				collateral++
			}
			requireAlsoChanged(t, m, fx, q)
			requireDiffWithin(t, m, fx, q)
		}
	}
	t.Logf("fixed: %v; with other sessions changed: %d", fixed, collateral)
	require.NotZero(t, fixed[reach.Reachable], "some queries were opened")
	require.NotZero(t, fixed[reach.Unreachable], "some queries were closed")
	require.NotZero(t, collateral, "some fixes change other sessions, so their lists are put to the test")
}

// requireAlsoChanged checks fx.AlsoChanged against every ordered pair of
// interfaces of m.
func requireAlsoChanged(t *testing.T, m *reach.Model, fx *reach.FixResult, q reach.Query) {
	t.Helper()
	listed := map[[2]string]reach.SessionChange{}
	for _, sc := range fx.AlsoChanged {
		listed[[2]string{sc.From, sc.To}] = sc
	}
	for _, a := range m.Interfaces() {
		for _, b := range m.Interfaces() {
			if a.ID == b.ID {
				continue
			}
			pq := reach.PortsQuery{From: a.ID, To: b.ID, Protocol: flow.TCP}
			before, err := m.Ports(pq)
			if err != nil {
				continue
			}
			after, err := fx.Patched.Ports(pq)
			require.NoError(t, err)
			sc, ok := listed[[2]string{a.ID, b.ID}]
			if isQuery(m, q, a.ID, b.ID) { // the query's own ends: their other ports
				drop := flow.SetOf(flow.Single(q.Port))
				before.Open, after.Open = before.Open.Difference(drop), after.Open.Difference(drop)
			}
			changed := !before.Open.Equal(after.Open)
			require.Equal(t, changed, ok, "%s -> %s: open %s before, %s after; listed %v (changes %+v)", a.ID, b.ID, before.Open, after.Open, ok, fx.Changes)
			if ok {
				assert.Equal(t, after.Open.Difference(before.Open), sc.Gained)
				assert.Equal(t, before.Open.Difference(after.Open), sc.Lost)
			}
		}
	}
}

// isQuery reports whether from -> to is q's pair of interfaces.
func isQuery(m *reach.Model, q reach.Query, from, to string) bool {
	owner := func(s string) string {
		for _, in := range m.Interfaces() {
			if in.ID == s || in.Name != "" && in.Name == s || in.Instance != "" && in.Instance == s {
				return in.ID
			}
			for _, a := range in.PrivateIPs {
				if a.String() == s {
					return in.ID
				}
			}
			if in.PublicIP.String() == s {
				return in.ID
			}
		}
		return s
	}
	return owner(q.From) == from && owner(q.To) == to
}

// BenchmarkFixLarge: a fix on the 1,000-interface model, verified (the
// patched model built and checked, the other sessions compared).
func BenchmarkFixLarge(b *testing.B) {
	m := mustLargeModel(b)
	for _, c := range []struct {
		name string
		q    reach.Query
		want reach.Outcome
	}{
		{"open-inside-zone-a", reach.Query{From: "app-03-05", To: "app-07-02", Protocol: flow.TCP, Port: 5432}, reach.Reachable},
		{"close-from-internet", largeFromInternet, reach.Unreachable},
	} {
		b.Run(c.name, func(b *testing.B) {
			fx, err := m.Fix(c.q, c.want)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(fx.Changes)), "changes")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Fix(c.q, c.want); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// requireDiffWithin checks that the diff of the model and the patched one
// holds nothing but the query's own pair and the sessions AlsoChanged
// lists.
func requireDiffWithin(t *testing.T, m *reach.Model, fx *reach.FixResult, q reach.Query) {
	t.Helper()
	d, err := reach.Diff(m, fx.Patched, reach.DiffOptions{})
	require.NoError(t, err)
	allowed := map[[2]string]bool{}
	internet := false
	for _, sc := range fx.AlsoChanged {
		allowed[[2]string{sc.From, sc.To}] = true
		internet = internet || isInternet(m, sc.From) || isInternet(m, sc.To)
	}
	internet = internet || isInternet(m, q.From) || isInternet(m, q.To)
	members := map[string][]string{}
	for _, g := range d.Groups {
		for _, c := range g.Members {
			members[g.Name] = append(members[g.Name], c.ID)
		}
	}
	for _, c := range d.Changes {
		if c.From == reach.InternetNode || c.To == reach.InternetNode {
			assert.True(t, internet, "an internet pair changed, and neither the query nor AlsoChanged names an internet address: %+v; query %+v; also %+v", c, q, fx.AlsoChanged)
			continue
		}
		for _, a := range members[c.From] {
			for _, b := range members[c.To] {
				if a != b && !isQuery(m, q, a, b) {
					assert.True(t, allowed[[2]string{a, b}], "%s -> %s changed in the diff, not listed (changes %+v)", a, b, fx.Changes)
				}
			}
		}
	}
}

// isInternet reports whether endpoint s is no interface of m.
func isInternet(m *reach.Model, s string) bool {
	return !slicesContainsID(m, s)
}

func slicesContainsID(m *reach.Model, s string) bool {
	for _, in := range m.Interfaces() {
		if in.ID == s || in.Name != "" && in.Name == s || in.Instance != "" && in.Instance == s {
			return true
		}
		for _, a := range in.PrivateIPs {
			if a.String() == s {
				return true
			}
		}
		if in.PublicIP.IsValid() && in.PublicIP.String() == s {
			return true
		}
	}
	return false
}

// TestFixChangesBeforeAdding: a rule or entry for the same peer next to
// the port is widened, and a deny entry for exactly the traffic turned
// into an allow, rather than one added.
func TestFixChangesBeforeAdding(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-db" {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-db-5433", Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.Single[uint16](5433), Peer: sg.CIDR("10.0.1.10/32")})
		}
	}
	for i := range d.ACLs {
		if d.ACLs[i].ID == "acl-db" {
			d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.MustParseEntry("90 deny tcp 5432 from 10.0.1.10/32"),
				nacl.MustParseEntry("105 allow tcp 49999 to 10.0.1.10/32"))
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	// the client port named: the reply entry is for it alone, and widens
	// the adjacent one
	fx, err := m.Fix(reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 50000}, reach.Reachable)
	require.NoError(t, err)
	var got []string
	for _, c := range fx.Changes {
		got = append(got, string(c.Action)+" "+c.Resource+" "+c.Replaces+" => "+c.Spec)
	}
	assert.Equal(t, []string{
		"replace acl-db 90 deny tcp 5432 from 10.0.1.10/32 => 90 allow tcp 5432 from 10.0.1.10/32",
		"replace sg-db tcp 5433 from 10.0.1.10/32 => tcp 5432-5433 from 10.0.1.10/32",
		"replace acl-db 105 allow tcp 49999 to 10.0.1.10/32 => 105 allow tcp 49999-50000 to 10.0.1.10/32",
	}, got)
	assert.Equal(t, reach.Reachable, fx.After)
	assert.Empty(t, fx.AlsoChanged)
}

// TestFixCloseRemovesANarrowRule: a rule that admits exactly the session,
// in a group the destination alone uses, is removed.
func TestFixCloseRemovesANarrowRule(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-db" {
			d.Groups[i].Rules = []sg.Rule{{ID: "sgr-db-app1", Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.Single[uint16](5432), Peer: sg.CIDR("10.0.2.20/32")}}
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	q := reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}
	fx, err := m.Fix(q, reach.Unreachable)
	require.NoError(t, err)
	require.Len(t, fx.Changes, 1)
	c := fx.Changes[0]
	assert.Equal(t, reach.ChangeRemove, c.Action)
	assert.Equal(t, "sg-db", c.Resource)
	assert.Equal(t, "sgr-db-app1", c.Rule.ID)
	assert.Equal(t, reach.Unreachable, fx.After)
	assert.Empty(t, fx.AlsoChanged)
}

// TestFixOwnsItsAnswer: the changes a fix returns are the caller's: a
// change made to them changes no later answer of the model, and fixes
// run concurrently with checks (under -race in CI).
func TestFixOwnsItsAnswer(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-db" {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-db-5433", Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.Single[uint16](5433), Peer: sg.CIDR("10.0.1.10/32")})
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	q := reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}
	first, err := m.Fix(q, reach.Reachable)
	require.NoError(t, err)
	for _, c := range first.Changes {
		for _, r := range []*sg.Rule{c.Rule, c.Old} {
			if r != nil {
				r.Ports, r.Peer = flow.AllPorts, sg.AnyIPv4
			}
		}
		if c.Entry != nil {
			c.Entry.Action = flow.Drop
		}
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			again, err := m.Fix(q, reach.Reachable)
			assert.NoError(t, err)
			if err == nil {
				assert.Equal(t, len(first.Changes), len(again.Changes))
				assert.Equal(t, "tcp 5432-5433 from 10.0.1.10/32", again.Changes[1].Spec)
				assert.Equal(t, "tcp 5433 from 10.0.1.10/32", again.Changes[1].Replaces)
				assert.Equal(t, flow.Single[uint16](5433), again.Changes[1].Old.Ports, "the model's rule, unchanged")
			}
			r, err := m.Check(q)
			assert.NoError(t, err)
			assert.Equal(t, reach.Unreachable, r.Outcome)
		}()
	}
	wg.Wait()
}

// TestFixNewGroupRevokesAWSDefaults: the group Fix makes for an interface
// whose groups are all shared is modelled as AWS creates it, with an
// outbound rule to everywhere (sg.New), and Fix removes that rule before
// attaching the group: without the removal db-1 could open tcp/22 to
// db-2; with it, the fix is as narrow as the query and "other sessions
// changed" stays true.
func TestFixNewGroupRevokesAWSDefaults(t *testing.T) {
	d := sample.ThreeTierDesign()
	d.Groups = append(d.Groups, sg.Group{ID: "sg-ssh", Name: "ssh", VPCID: "vpc-demo", Rules: []sg.Rule{
		{ID: "sgr-ssh", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.3.0/24")}}})
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-db2", Name: "db-2", Subnet: "subnet-db",
		PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.3.31")}, Groups: []string{"sg-db", "sg-ssh"}})
	m, err := d.Builder().Build()
	require.NoError(t, err)
	side := reach.Query{From: "db-1", To: "db-2", Protocol: flow.TCP, Port: 22}
	v, err := m.Verdict(side)
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, v, "sg-db has no outbound rule")

	fx, err := m.Fix(reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, reach.Reachable)
	require.NoError(t, err)
	require.Equal(t, reach.Reachable, fx.After)
	var got []string
	made := -1
	for i, c := range fx.Changes {
		if c.Kind == reach.ResourceSecurityGroup || c.Kind == reach.ResourceInterface {
			got = append(got, string(c.Action)+" "+c.Resource+" "+c.Spec)
		}
		if c.NewGroup {
			made = i
		}
	}
	assert.Equal(t, []string{
		"add sg-reachsim-eni-db1 tcp 5432 from 10.0.1.10/32",
		"remove sg-reachsim-eni-db1 all to 0.0.0.0/0",
		"remove sg-reachsim-eni-db1 all to ::/0",
		"replace eni-db1 sg-db,sg-reachsim-eni-db1",
	}, got, "sg-db is shared with db-2: a group made for db-1, AWS's outbound rules removed before it is attached")
	require.GreaterOrEqual(t, made, 0)
	assert.Equal(t, sg.New("sg-reachsim-eni-db1", "", "vpc-demo", true).Rules, fx.Changes[made].Defaults,
		"the sample VPC has an IPv6 block: AWS's outbound rules to 0.0.0.0/0 and ::/0")

	v, err = fx.Patched.Verdict(side)
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, v, "the removal keeps db-1 -> db-2 tcp/22 closed")
	assert.Empty(t, fx.AlsoChanged)

	var noRevoke []reach.Change
	for _, c := range fx.Changes {
		if c.Action != reach.ChangeRemove {
			noRevoke = append(noRevoke, c)
		}
	}
	created, err := m.Apply(noRevoke)
	require.NoError(t, err)
	v, err = created.Verdict(side)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, v, "the group AWS creates allows every outbound session")
}

package reach_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// verdictMatchesCheck requires Verdict(q) to be Check(q).Outcome, with the
// same error, and returns the outcome (Unreachable on an error).
func verdictMatchesCheck(t *testing.T, m *reach.Model, q reach.Query, msg ...any) reach.Outcome {
	t.Helper()
	r, cerr := m.Check(q)
	got, verr := m.Verdict(q)
	if cerr != nil {
		require.EqualError(t, verr, cerr.Error(), msg...)
		return reach.Unreachable
	}
	require.NoError(t, verr, msg...)
	if got != r.Outcome {
		require.Equal(t, r.Outcome, got, append(msg, r.Text())...)
	}
	return got
}

func TestVerdict(t *testing.T) {
	m, err := open(unmodelled("203.0.113.0/24", "vgw-1", "virtual private gateway")).Build()
	require.NoError(t, err)
	tests := []struct {
		name string
		q    reach.Query
		want reach.Outcome
	}{
		{"the internet reaches web on 443", tcp("192.0.2.9", "web", 443), reach.Reachable},
		{"web reaches db inside the subnet", tcp("web", "db", 5432), reach.Reachable},
		{"no rule of web's group allows 22", tcp("192.0.2.9", "web", 22), reach.Unreachable},
		{"locked's group allows nothing out", tcp("locked", "192.0.2.9", 443), reach.Unreachable},
		{"a route to a target reachsim does not model", tcp("web", "203.0.113.9", 443), reach.Indeterminate},
		{"a certain block wins over an undecided hop", tcp("locked", "203.0.113.9", 443), reach.Unreachable},
		{"db has no public IP", tcp("192.0.2.9", "db", 5432), reach.Unreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, verdictMatchesCheck(t, m, tt.q))
		})
	}
	t.Run("a bad query is Check's error", func(t *testing.T) {
		_, err := m.Verdict(tcp("nobody", "web", 443))
		require.ErrorIs(t, err, reach.ErrQuery)
		_, err = m.Verdict(reach.Query{From: "web", To: "db"})
		require.ErrorIs(t, err, reach.ErrQuery)
	})
	t.Run("Alibaba's platform blocks port 25 out", func(t *testing.T) {
		ali := alibabaDesign(t)
		assert.Equal(t, reach.Unreachable, verdictMatchesCheck(t, ali, tcp("ecs-web", "203.0.113.25", 25)))
		assert.Equal(t, reach.Reachable, verdictMatchesCheck(t, ali, tcp("ecs-web", "203.0.113.25", 465)))
	})
	t.Run("VerdictFlow is CheckFlow's outcome", func(t *testing.T) {
		f := flow.MustParse("tcp 192.0.2.9:40000 -> 198.51.100.10:443")
		got, err := m.VerdictFlow(f)
		require.NoError(t, err)
		assert.Equal(t, reach.Reachable, got)
		f = flow.MustParse("tcp 198.51.100.10:40000 -> 10.0.1.20:5432")
		_, err = m.VerdictFlow(f)
		require.ErrorIs(t, err, reach.ErrQuery, "a public IP as the source is Check's error too")
	})
}

// TestVerdictOnTheSampleDesign asks every pair of the sample design's
// endpoints (and the internet) on a few services, through a firewall and
// a NAT gateway.
func TestVerdictOnTheSampleDesign(t *testing.T) {
	d := sample.ThreeTierDesign()
	m := build(t, d)
	ends := []string{"203.0.113.50", "8.8.8.8"}
	for _, in := range d.Interfaces {
		ends = append(ends, in.ID)
	}
	seen := map[reach.Outcome]int{}
	for _, from := range ends {
		for _, to := range ends {
			for _, port := range []uint16{22, 80, 443, 5432} {
				q := tcp(from, to, port)
				seen[verdictMatchesCheck(t, m, q, "%+v", q)]++
			}
			seen[verdictMatchesCheck(t, m, reach.Query{From: from, To: to, Protocol: flow.ICMP})]++
		}
	}
	assert.Positive(t, seen[reach.Reachable])
	assert.Positive(t, seen[reach.Unreachable])
}

// TestVerdictAgreesWithCheck demands Verdict's outcome be Check's on
// random designs and queries: the walk generator of
// TestRandomTopologiesTraceEveryHop (firewalls, NAT gateways, appliances,
// loops) and the routing generator of TestRoutingWalkAgreesWithSlowReference
// (peering, transit gateways, edge tables), by flow.
func TestVerdictAgreesWithCheck(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	designs := 300
	if testing.Short() {
		designs = 60
	}
	stats := map[reach.Outcome]int{}
	for seed := range uint64(designs) {
		g := randomWalkDesign(rand.New(rand.NewPCG(seed, 10)))
		m, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		for range 40 {
			q := g.query()
			stats[verdictMatchesCheck(t, m, q, "seed %d: %+v", seed, q)]++
		}

		n, srcs, dsts := openDesign(seed)
		m, err = n.build()
		require.NoError(t, err, "seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 12))
		for range 40 {
			f := randomFlow(rng, srcs, dsts)
			r, cerr := m.CheckFlow(f)
			got, verr := m.VerdictFlow(f)
			if cerr != nil {
				require.True(t, errors.Is(verr, reach.ErrQuery) && verr.Error() == cerr.Error(), "seed %d: %s: %v, %v", seed, f, cerr, verr)
				continue
			}
			require.NoError(t, verr, "seed %d: %s", seed, f)
			if got != r.Outcome {
				require.Equal(t, r.Outcome, got, "seed %d: %s\n%s", seed, f, r.Text())
			}
			stats[got]++
		}
	}
	t.Logf("%v", stats)
	for _, o := range []reach.Outcome{reach.Reachable, reach.Unreachable, reach.Indeterminate} {
		assert.Positive(t, stats[o], "the generated designs give %s answers", o)
	}
}

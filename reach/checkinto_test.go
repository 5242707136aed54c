package reach_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// TestCheckIntoIsCheck demands CheckInto's answer be Check's, field for
// field and word for word, when one Result is reused across queries of
// different path lengths and designs; that a Result of its own, from
// Check, is left alone by later CheckInto calls; and that a refused query
// leaves the Result as it was.
func TestCheckIntoIsCheck(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	designs := 120
	if testing.Short() || raceOn {
		designs = 30
	}
	var reused reach.Result
	var kept *reach.Result
	var keptText string
	refused, answered := 0, 0
	for seed := range uint64(designs) {
		g := randomWalkDesign(rand.New(rand.NewPCG(seed, 21)))
		m, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		for range 30 {
			q := g.query()
			want, werr := m.Check(q)
			before := reused.Text()
			err := m.CheckInto(q, &reused)
			if werr != nil {
				require.EqualError(t, err, werr.Error(), "seed %d: %+v", seed, q)
				require.Equal(t, before, reused.Text(), "seed %d: a refused query changed the Result", seed)
				refused++
				continue
			}
			require.NoError(t, err, "seed %d: %+v", seed, q)
			require.Equal(t, *want, reused, "seed %d: %+v", seed, q)
			require.Equal(t, want.Text(), reused.Text(), "seed %d: %+v", seed, q)
			wj, err := want.JSON()
			require.NoError(t, err)
			gj, err := reused.JSON()
			require.NoError(t, err)
			require.JSONEq(t, string(wj), string(gj), "seed %d: %+v", seed, q)
			answered++
			if kept == nil {
				kept, keptText = want, want.Text()
			}
		}
	}
	require.Equal(t, keptText, kept.Text(), "a Result from Check changed under later CheckInto calls")
	require.Positive(t, refused)
	require.Positive(t, answered)

	// warnings come and go: carrier warnings on Alibaba's high-risk ports
	m := alibabaDesign(t)
	warned := 0
	for _, q := range []reach.Query{
		tcp("ecs-mail", "203.0.113.7", 25), tcp("ecs-web", "203.0.113.7", 443),
		tcp("203.0.113.7", "ecs-web", 445), tcp("ecs-web", "ecs-peer", 445),
		tcp("aws-web", "203.0.113.7", 445), tcp("203.0.113.7", "ecs-web", 5900),
	} {
		want, err := m.Check(q)
		require.NoError(t, err)
		require.NoError(t, m.CheckInto(q, &reused))
		require.Equal(t, *want, reused, "%+v", q)
		warned += len(want.Warnings)
	}
	require.Positive(t, warned)
}

package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/scramble"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// TestReviewAnswersAreTheCallers: what Diff, Lint, Fix and Apply return
// shares nothing with the models: scrambling it changes no later answer.
func TestReviewAnswersAreTheCallers(t *testing.T) {
	before, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-web" {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-web-ssh-any", Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.Single[uint16](22), Peer: sg.AnyIPv4})
		}
	}
	after, err := d.Builder().Build()
	require.NoError(t, err)
	q := reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}
	answers := func() []any {
		diff, err := reach.Diff(before, after, reach.DiffOptions{})
		require.NoError(t, err)
		lint, err := after.Lint(reach.LintOptions{})
		require.NoError(t, err)
		fx, err := after.Fix(q, reach.Reachable)
		require.NoError(t, err)
		patched, err := after.Apply(fx.Changes)
		require.NoError(t, err)
		r, err := patched.Check(q)
		require.NoError(t, err)
		fx.Patched = nil // a model, compared by its answers below
		return []any{diff, lint, fx, r.Text()}
	}
	want := answers()
	require.NotEmpty(t, want[0].(*reach.DiffResult).Changes, "the diff has something to scramble")
	for range 3 {
		got := answers()
		assert.Equal(t, want, got)
		for _, a := range got {
			scramble.All(a)
		}
	}
	assert.Equal(t, want, answers(), "the models answer as before")
}

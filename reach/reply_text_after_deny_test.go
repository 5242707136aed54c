package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// TestReplySGTextAfterDeny: the reply leg of a check whose request a
// security group denied does not call the session allowed; where the
// request passed the groups, the reply's line says so plainly.
func TestReplySGTextAfterDeny(t *testing.T) {
	const allowed = "security groups are stateful: the reply of an allowed session passes"
	const would = "security groups are stateful: had they let the request through, its reply would pass"
	m := build(t, sample.ThreeTierDesign())
	for _, tc := range []struct {
		name     string
		q        reach.Query
		want     reach.Outcome
		has, not string
	}{
		{"groups deny the request", tcp("web-1", "db-1", 5432), reach.Unreachable,
			"sg-db (db-1 (eni-db1)) outbound\n      " + would, "sg-db (db-1 (eni-db1)) outbound\n      " + allowed},
		{"groups allow the request", tcp("203.0.113.9", "web-1", 443), reach.Reachable,
			"sg-web (web-1 (eni-web1)) outbound\n      " + allowed, would},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), tc.has)
			assert.NotContains(t, r.Text(), tc.not)
		})
	}
}

package reach_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// A block's hop number is the one the trace prints, in Go and in JSON,
// with the hop's mark: "✗" for a block, "?" for an undecided hop.
func TestBlockHopNumbersMatchTheTrace(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	for _, g := range goldenQueries {
		t.Run(g.name, func(t *testing.T) {
			r, err := m.Check(g.q)
			require.NoError(t, err)
			text := r.Text()
			js, err := r.JSON()
			require.NoError(t, err)
			var wire struct{ Blocks []struct{ Hop int } }
			require.NoError(t, json.Unmarshal(js, &wire))
			require.Len(t, wire.Blocks, len(r.Blocks))
			for i, b := range r.Blocks {
				hops := r.Forward
				if b.Leg == reach.Return {
					hops = r.Return
				}
				require.GreaterOrEqual(t, b.Hop, 1)
				h := hops[b.Hop-1]
				assert.Equal(t, b.Code, h.Code)
				assert.Equal(t, b.Hop, wire.Blocks[i].Hop, "JSON numbers hops as the trace does")
				mark := "✗"
				if b.Indeterminate { // an undecided hop is marked "?"
					mark = "?"
				}
				assert.Contains(t, text, fmt.Sprintf("%3d %s %s %s", b.Hop, mark, h.Kind, h.ID))
			}
		})
	}
}

// Direction is a flow.Direction on the filters that have one; JSON writes
// it as a word there and leaves it out elsewhere.
func TestHopDirection(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	r, err := m.Check(tcp("web-1", "db-1", 5432))
	require.NoError(t, err)
	for _, h := range append(r.Forward, r.Return...) {
		js, err := json.Marshal(h)
		require.NoError(t, err)
		if !h.HasDirection() {
			assert.NotContains(t, string(js), `"direction"`, h.Kind)
			continue
		}
		assert.Contains(t, string(js), fmt.Sprintf(`"direction":%q`, h.Direction), h.Kind)
	}
	first := r.Forward[0]
	require.Equal(t, reach.KindSecurityGroups, first.Kind)
	assert.Equal(t, flow.Outbound, first.Direction)
}

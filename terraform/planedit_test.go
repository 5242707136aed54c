package terraform_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// planEdit rewrites a plan's JSON with edit.
func planEdit(t *testing.T, plan []byte, edit func(p map[string]any)) []byte {
	t.Helper()
	var p map[string]any
	require.NoError(t, json.Unmarshal(plan, &p))
	edit(p)
	out, err := json.Marshal(p)
	require.NoError(t, err)
	return out
}

// updatedBefore is the before values of owner, a resource of rs the plan
// updates in place: its planned values and a tag that changes (so the
// update is one), which a test then edits to say what was there before.
func updatedBefore(rs []planRes, owner string) map[string]any {
	before := map[string]any{"tags": map[string]any{"old": "x"}}
	for _, r := range rs {
		if r.typ+"."+r.name == owner {
			for k, v := range r.values {
				before[k] = v
			}
		}
	}
	return before
}

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

package terraform_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/terraform"
)

// TestPlanDuplicateKeys: a key given twice in one object of a plan is an
// error naming it, never "the last value wins" (which would let a plan
// say errored and then not, or widen a rule silently); a plan saved with
// a UTF-8 byte order mark reads as without it.
func TestPlanDuplicateKeys(t *testing.T) {
	base, err := os.ReadFile("testdata/change.json")
	require.NoError(t, err)
	tests := []struct{ name, old, new, err string }{
		{"errored given twice", `"format_version": "1.2",`, `"format_version": "1.2", "errored": true,`, `the key "errored" appears twice`},
		{"errored given twice, in another case", `"format_version": "1.2",`, `"format_version": "1.2", "Errored": true,`, `the keys "Errored" and "errored" differ only in case`},
		{"a resource change's type in another case", "\"mode\": \"managed\",\n      \"type\": \"aws_vpc\",",
			"\"mode\": \"managed\",\n      \"type\": \"aws_vpc\", \"Type\": \"aws_subnet\",", `resource_changes[0].Type: "Type": malformed JSON: the keys "type" and "Type" differ only in case`},
		{"a change's actions in another case", "\"actions\": [\n          \"no-op\"\n        ],",
			"\"actions\": [\n          \"no-op\"\n        ], \"ACTIONS\": [\"delete\"],", `the keys "actions" and "ACTIONS" differ only in case`},
		{"an expression's constant_value in another case", "\"constant_value\": \"10.0.0.0/16\"",
			"\"constant_value\": \"10.0.0.0/16\", \"Constant_Value\": \"0.0.0.0/0\"", `configuration.root_module.resources[0].expressions.cidr_block.Constant_Value`},
		{"a rule's cidr_blocks given twice", "\"cidr_blocks\": [\n                  \"10.0.1.0/24\"\n                ],",
			"\"cidr_blocks\": [\n                  \"10.0.1.0/24\"\n                ], \"cidr_blocks\": [\"0.0.0.0/0\"],", `the key "cidr_blocks" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := string(base)
			require.Contains(t, s, tt.old)
			_, err := terraform.Parse("plan.json", []byte(strings.Replace(s, tt.old, tt.new, 1)), nil)
			require.ErrorIs(t, err, flow.ErrJSON)
			assert.ErrorContains(t, err, "plan.json")
			assert.ErrorContains(t, err, tt.err)
		})
	}
	t.Run("a map's keys that differ only in case are kept apart", func(t *testing.T) {
		s := strings.Replace(string(base), "\"tags\": {\n              \"Name\": \"main\"\n            }",
			"\"tags\": {\n              \"Name\": \"main\", \"name\": \"other\"\n            }", 1)
		require.NotEqual(t, string(base), s)
		_, err := terraform.Parse("plan.json", []byte(s), nil)
		require.NoError(t, err)
	})
	t.Run("a byte order mark", func(t *testing.T) {
		_, err := terraform.Parse("plan.json", append([]byte("\ufeff"), base...), nil)
		require.NoError(t, err)
	})
}

package terraform_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/terraform"
)

// deepPlan is a plan whose one VPC's cidr_block expression holds blocks
// nested depth deep ([{"a": [{"a": … {"constant_value": 1} …}]}]).
func deepPlan(depth int) []byte {
	nest := strings.Repeat(`[{"a":`, depth) + `{"constant_value":1}` + strings.Repeat(`}]`, depth)
	return []byte(`{"format_version":"1.2","terraform_version":"1.9.8","complete":true,` +
		`"planned_values":{"root_module":{"resources":[{"address":"aws_vpc.x","mode":"managed","type":"aws_vpc","name":"x",` +
		`"provider_name":"registry.terraform.io/hashicorp/aws","values":{"id":"vpc-1","cidr_block":"10.0.0.0/16"}}]}},` +
		`"configuration":{"root_module":{"resources":[{"address":"aws_vpc.x","mode":"managed","type":"aws_vpc","name":"x",` +
		`"expressions":{"tags":` + nest + `}}]}}}`)
}

// TestDeeplyNestedBlocksAreRefused: terraform-json decodes every level of
// an expression's nested blocks again, so a plan with thousands of levels
// would take minutes; past MaxBlockDepth the plan is refused at once,
// naming the path, and up to it the plan reads.
func TestDeeplyNestedBlocksAreRefused(t *testing.T) {
	for _, c := range []struct {
		depth int
		ok    bool
	}{
		{1, true},
		{terraform.MaxBlockDepth, true},
		{terraform.MaxBlockDepth + 1, false},
		{4000, false}, // 32 KB: before the limit, seconds of decoding
	} {
		m, err := terraform.Parse("deep.json", deepPlan(c.depth), nil)
		if c.ok {
			require.NoError(t, err, "depth %d", c.depth)
			require.NotNil(t, m)
			continue
		}
		require.Error(t, err, "depth %d", c.depth)
		assert.True(t, errors.Is(err, terraform.ErrInvalidPlan), "depth %d: %v", c.depth, err)
		var ie *flow.InputError
		require.True(t, errors.As(err, &ie), "depth %d: %v", c.depth, err)
		assert.Equal(t, "deep.json", ie.File)
		// the path to the list one level too deep (compared by its parts: a
		// failure must not print a path thousands of steps long)
		const root = "configuration.root_module.resources[0].expressions.tags"
		assert.True(t, strings.HasPrefix(ie.Path, root), "depth %d: %.100s", c.depth, ie.Path)
		assert.Equal(t, strings.Repeat("[0].a", terraform.MaxBlockDepth), strings.TrimPrefix(ie.Path, root), "depth %d", c.depth)
		assert.Equal(t, "[", ie.Text)
		assert.Contains(t, err.Error(), "nested blocks more than 32 deep")
	}
}

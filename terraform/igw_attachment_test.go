package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestIGWAttachment: an internet gateway that names no VPC of its own is
// attached by aws_internet_gateway_attachment, whether the plan knows
// the IDs or resolves them by reference.
func TestIGWAttachment(t *testing.T) {
	for _, tc := range []struct {
		name       string
		attachment planRes
	}{
		{"IDs known", planRes{typ: "aws_internet_gateway_attachment", name: "gw",
			values: map[string]any{"id": "igw-1:vpc-1", "internet_gateway_id": "igw-1", "vpc_id": "vpc-1"}}},
		{"by reference", planRes{typ: "aws_internet_gateway_attachment", name: "gw", values: map[string]any{},
			unknown: map[string]any{"id": true, "internet_gateway_id": true, "vpc_id": true},
			exprs: map[string]any{"internet_gateway_id": []string{"aws_internet_gateway.gw.id", "aws_internet_gateway.gw"},
				"vpc_id": []string{"aws_vpc.main.id", "aws_vpc.main"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			rs[1].values = map[string]any{"id": "igw-1"}
			m, err := terraform.Parse("plan.json", planOf(t, append(rs, tc.attachment, publicWeb())...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.web", "198.51.100.7", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		})
	}
	t.Run("a gateway attached twice", func(t *testing.T) {
		rs := existingPublicNet(false)
		_, err := terraform.Parse("plan.json", planOf(t, append(rs, planRes{typ: "aws_internet_gateway_attachment", name: "gw",
			values: map[string]any{"id": "igw-1:vpc-2", "internet_gateway_id": "igw-1", "vpc_id": "vpc-2"}}, publicWeb())...), nil)
		require.ErrorIs(t, err, terraform.ErrInvalidPlan)
		assert.ErrorContains(t, err, "aws_internet_gateway_attachment.gw: vpc_id")
	})
}

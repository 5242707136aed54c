package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestRouteDestinationAndLocalTarget: a route block is read as the
// provider writes it. gateway_id "local" (the VPC's own route, which a
// table may list since provider v5) is the local route, not a gateway
// named "local"; a route without a destination is refused, naming the
// table and the attribute.
func TestRouteDestinationAndLocalTarget(t *testing.T) {
	withRoutes := func(routes ...any) []byte {
		rs := existingPublicNet(false)
		rs[2].values["route"] = routes
		return planOf(t, append(rs, publicWeb())...)
	}
	igw := map[string]any{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}

	t.Run("the local route", func(t *testing.T) {
		m, err := terraform.Parse("plan.json", withRoutes(map[string]any{"cidr_block": "10.1.0.0/16", "gateway_id": "local"}, igw), nil)
		require.NoError(t, err)
		r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
		require.NoError(t, err)
		assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		r, err = m.Check(tcp("aws_instance.web", "10.1.2.5", 22))
		require.NoError(t, err)
		assert.Contains(t, r.Codes(), reach.UnknownDestination, "a free address of the VPC, which the local route takes: %s", r.Text())
	})
	t.Run("no destination", func(t *testing.T) {
		_, err := terraform.Parse("plan.json", withRoutes(map[string]any{"gateway_id": "igw-1"}), nil)
		require.ErrorIs(t, err, terraform.ErrInvalidPlan)
		assert.Contains(t, err.Error(), "aws_default_route_table.main: route[0].cidr_block: invalid Terraform plan: a route has one destination: 0 given")
	})
}

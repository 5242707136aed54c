package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestNATGatewayEIPAssociation: aws_nat_gateway_eip_association (AWS's
// AssociateNatGatewayAddress) gives the public NAT gateway main a
// secondary Elastic IP, 203.0.113.6. The web group admits HTTPS from the
// primary 203.0.113.5 alone, so app's connection through the gateway may
// leave from an address web refuses: Indeterminate, as with
// secondary_allocation_ids (TestNATSecondaryAddresses).
func TestNATGatewayEIPAssociation(t *testing.T) {
	assoc := func(values, unknown map[string]any) planRes {
		v := map[string]any{"id": "nat-1,eipalloc-2", "nat_gateway_id": "nat-1", "allocation_id": "eipalloc-2", "association_id": "eipassoc-2"}
		for k, x := range values {
			v[k] = x
		}
		return planRes{typ: "aws_nat_gateway_eip_association", name: "two", values: v, unknown: unknown}
	}
	for _, tc := range []struct {
		name    string
		res     planRes
		unknown string
	}{
		{"its private address known", assoc(map[string]any{"private_ip_address": "10.1.1.200"}, nil),
			"NAT gateway aws_nat_gateway.main sends each connection from one of its public addresses (203.0.113.5, 203.0.113.6)"},
		{"its private address picked at apply", assoc(nil, map[string]any{"private_ip_address": true}),
			"aws_nat_gateway_eip_association.two: private_ip_address (known only later"},
		{"an Elastic IP outside the plan", assoc(map[string]any{"allocation_id": "eipalloc-9", "private_ip_address": "10.1.1.200"}, nil),
			"Elastic IP eipalloc-9, not in the plan"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, append(natPlan(nil, nil, nil), tc.res)...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.app", "203.0.113.10", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			require.NotEmpty(t, r.Unknowns)
			assert.Contains(t, r.Unknowns[0], tc.unknown)
		})
	}
	t.Run("a NAT gateway the plan does not hold", func(t *testing.T) {
		_, err := terraform.Parse("plan.json", planOf(t, append(natPlan(nil, nil, nil), assoc(map[string]any{"nat_gateway_id": "nat-9"}, nil))...), nil)
		require.ErrorIs(t, err, terraform.ErrInvalidPlan)
		assert.ErrorContains(t, err, `aws_nat_gateway_eip_association.two: nat_gateway_id: "nat-9": invalid Terraform plan: no NAT gateway of the plan`)
	})
}

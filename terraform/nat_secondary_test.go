package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// natPlan is existingPublicNet, whose web group admits HTTPS only from
// the NAT gateway's primary Elastic IP 203.0.113.5, with a private subnet
// whose instance app reaches the internet through NAT gateway main, of
// the values and unknowns given.
func natPlan(nat map[string]any, unknown map[string]any, exprs map[string]any) []planRes {
	rs := existingPublicNet(false, map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": []any{"203.0.113.5/32"}})
	values := map[string]any{"id": "nat-1", "subnet_id": "subnet-1", "private_ip": "10.1.1.5", "public_ip": "203.0.113.5", "allocation_id": "eipalloc-1"}
	for k, v := range nat {
		values[k] = v
	}
	return append(rs,
		planRes{typ: "aws_eip", name: "two", values: map[string]any{"id": "eipalloc-2", "public_ip": "203.0.113.6"}},
		planRes{typ: "aws_nat_gateway", name: "main", values: values, unknown: unknown, exprs: exprs},
		planRes{typ: "aws_subnet", name: "priv", values: map[string]any{"id": "subnet-2", "vpc_id": "vpc-1", "cidr_block": "10.1.2.0/24"}},
		planRes{typ: "aws_route_table", name: "priv", values: map[string]any{"id": "rtb-priv", "vpc_id": "vpc-1",
			"route": []any{map[string]any{"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1"}}}, exprs: map[string]any{"route": []string{}}},
		planRes{typ: "aws_route_table_association", name: "priv", values: map[string]any{"id": "rtbassoc-2", "subnet_id": "subnet-2", "route_table_id": "rtb-priv"}},
		planRes{typ: "aws_instance", name: "app", values: map[string]any{"id": "i-2", "subnet_id": "subnet-2", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.2.10"}},
		publicWeb())
}

// TestNATSecondaryAddresses: a NAT gateway's secondary addresses
// (secondary_private_ip_addresses, the Elastic IPs of
// secondary_allocation_ids) are read: a connection may leave from any of
// them, so where a filter on the path tells them apart the answer is
// indeterminate.
func TestNATSecondaryAddresses(t *testing.T) {
	q := tcp("aws_instance.app", "203.0.113.10", 443)
	for _, tc := range []struct {
		name             string
		values, unknown  map[string]any
		exprs            map[string]any
		want             reach.Outcome
		unknownSubstring string
	}{
		{"no secondary addresses", nil, nil, nil, reach.Reachable, ""},
		{"a secondary Elastic IP the group does not admit",
			map[string]any{"secondary_private_ip_addresses": []any{"10.1.1.200"}, "secondary_allocation_ids": []any{"eipalloc-2"}}, nil, nil,
			reach.Indeterminate, "NAT gateway aws_nat_gateway.main sends each connection from one of its public addresses (203.0.113.5, 203.0.113.6)"},
		{"secondary addresses AWS picks at apply",
			map[string]any{"secondary_allocation_ids": []any{"eipalloc-2"}}, map[string]any{"secondary_private_ip_addresses": true}, nil,
			reach.Indeterminate, "aws_nat_gateway.main: secondary_private_ip_addresses (known only later"},
		{"the primary Elastic IP is not in the plan", map[string]any{"public_ip": nil, "allocation_id": "eipalloc-9"}, nil, nil,
			reach.Indeterminate, "aws_nat_gateway.main: public_ip (of Elastic IP eipalloc-9, not in the plan) is known only later"},
		// Terraform writes an element known only after apply null, and
		// true at its index in after_unknown; it was refused as "not a
		// list of addresses"
		{"a secondary address the configuration computes, beside a known one",
			map[string]any{"secondary_private_ip_addresses": []any{"10.1.1.200", nil}, "secondary_allocation_ids": []any{"eipalloc-2"}},
			map[string]any{"secondary_private_ip_addresses": []any{false, true}}, nil,
			reach.Indeterminate, "aws_nat_gateway.main: secondary_private_ip_addresses (known only later"},
		{"computed, but nothing asks for secondaries", nil,
			map[string]any{"secondary_private_ip_addresses": true, "secondary_private_ip_address_count": true},
			map[string]any{"subnet_id": "subnet-1"}, reach.Reachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, natPlan(tc.values, tc.unknown, tc.exprs)...), nil)
			require.NoError(t, err)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.unknownSubstring != "" {
				require.NotEmpty(t, r.Unknowns, r.Text())
				assert.Contains(t, r.Unknowns[0], tc.unknownSubstring)
			}
		})
	}
	t.Run("an address that is not one", func(t *testing.T) {
		_, err := terraform.Parse("plan.json", planOf(t, natPlan(map[string]any{"secondary_private_ip_addresses": []any{"10.1.1.x"}}, nil, nil)...), nil)
		require.ErrorIs(t, err, terraform.ErrInvalidPlan)
		assert.ErrorContains(t, err, `aws_nat_gateway.main: secondary_private_ip_addresses[0]: "10.1.1.x"`)
	})
}

package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestRouteGatewayIDNamesNAT: an aws_route whose gateway_id is a NAT
// gateway's ID, known or by reference (a slip AWS accepts: the route
// goes to the NAT gateway, and the provider reads it back as
// nat_gateway_id), reaches the internet through the NAT gateway (once
// refused: no internet gateway nat-1 attached).
func TestRouteGatewayIDNamesNAT(t *testing.T) {
	for _, tc := range []struct {
		name  string
		route planRes
	}{
		{"known id", planRes{typ: "aws_route", name: "nat", values: map[string]any{"route_table_id": "rtb-app", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "nat-1"},
			unknown: map[string]any{"id": true}}},
		{"by reference", planRes{typ: "aws_route", name: "nat", values: map[string]any{"route_table_id": "rtb-app", "destination_cidr_block": "0.0.0.0/0"},
			unknown: map[string]any{"id": true, "gateway_id": true}, exprs: map[string]any{"gateway_id": []string{"aws_nat_gateway.n.id", "aws_nat_gateway.n"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(existingPublicNet(false),
				planRes{typ: "aws_nat_gateway", name: "n", values: map[string]any{"id": "nat-1", "subnet_id": "subnet-1", "connectivity_type": "public",
					"private_ip": "10.1.1.5", "public_ip": "203.0.113.5", "allocation_id": "eipalloc-9"}},
				planRes{typ: "aws_subnet", name: "app", values: map[string]any{"id": "subnet-2", "vpc_id": "vpc-1", "cidr_block": "10.1.2.0/24", "map_public_ip_on_launch": false}},
				planRes{typ: "aws_route_table", name: "app", values: map[string]any{"id": "rtb-app", "vpc_id": "vpc-1", "route": []any{}}, exprs: map[string]any{"vpc_id": "vpc-1"}},
				tc.route,
				planRes{typ: "aws_route_table_association", name: "app", values: map[string]any{"id": "rtbassoc-2", "subnet_id": "subnet-2", "route_table_id": "rtb-app"}},
				planRes{typ: "aws_instance", name: "app", values: map[string]any{"id": "i-2", "subnet_id": "subnet-2", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.2.10",
					"public_ip": "", "associate_public_ip_address": false}})
			m, err := terraform.Parse("plan.json", changePlan(t, nil, map[string][]string{"aws_route.nat": {"create"}}, nil, rs...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.app", "198.51.100.7", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), "aws_nat_gateway.n")
		})
	}
}

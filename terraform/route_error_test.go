package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/terraform"
)

// TestRouteErrorNamesItsResource (audit-imerge finding 4): terraform/doc.go
// promises errors naming "the resource address and the attribute path":
// Build refuses a route under its table's model ID, and a standalone
// aws_route folded into the table is named instead, with the attribute
// that holds the offending value and the plan's value (the gateway's
// ID, not the reader's model ID).
func TestRouteErrorNamesItsResource(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra planRes
		want  string
	}{
		{"standalone aws_route", planRes{typ: "aws_route", name: "stray", values: map[string]any{"id": "r-1", "route_table_id": "rtb-main", "destination_cidr_block": "192.0.2.0/24", "gateway_id": "igw-2"},
			// after the adoption of rtb-main (planOf creates every resource)
			exprs: map[string]any{"route_table_id": []string{"aws_default_route_table.main.id", "aws_default_route_table.main"}}},
			`aws_route.stray: gateway_id: "igw-2"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(existingPublicNet(false),
				planRes{typ: "aws_vpc", name: "other", values: map[string]any{"id": "vpc-2", "cidr_block": "10.2.0.0/16", "main_route_table_id": "rtb-2", "default_network_acl_id": "acl-2"}},
				planRes{typ: "aws_internet_gateway", name: "other", values: map[string]any{"id": "igw-2", "vpc_id": "vpc-2"}},
				tc.extra)
			_, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
			require.Error(t, err)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

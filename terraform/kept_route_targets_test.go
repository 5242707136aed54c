package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestKeptRouteTargets: rtb-priv exists and its configuration leaves
// route out, so AWS keeps the route it holds, 0.0.0.0/0 -> target, which
// no resource of the configuration manages. A NAT gateway the plan deletes
// or replaces is gone after apply, and AWS keeps the route as a blackhole
// (EC2 Route.State: "the route's target isn't available"): the private
// instance reaches nothing outside. A transit gateway, peering connection
// or network interface the plan does not hold (another stack's, on a
// shared table) is a target the model does not hold: the query is
// indeterminate, as the aws loader has it for a target not in its input,
// and the plan is read.
func TestKeptRouteTargets(t *testing.T) {
	nat := planRes{typ: "aws_nat_gateway", name: "x", values: map[string]any{"id": "nat-1", "subnet_id": "subnet-1", "connectivity_type": "public",
		"private_ip": "10.1.1.5", "public_ip": "203.0.113.5", "allocation_id": "eipalloc-1", "secondary_private_ip_addresses": []any{},
		"secondary_allocation_ids": []any{}}}
	newNAT := planRes{typ: nat.typ, name: nat.name, values: map[string]any{"subnet_id": "subnet-1", "connectivity_type": "public",
		"allocation_id": "eipalloc-1", "secondary_private_ip_addresses": []any{}, "secondary_allocation_ids": []any{}},
		unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true}}
	for _, tc := range []struct {
		name   string
		attr   string // the kept route's target attribute
		target string
		plan   func(t *testing.T, rs []planRes) []byte
		want   reach.Outcome
		code   reach.Code
	}{
		{"NAT gateway the plan keeps (control)", "nat_gateway_id", "nat-1", func(t *testing.T, rs []planRes) []byte {
			return changePlan(t, nil, nil, nil, append(rs, nat)...)
		}, reach.Reachable, ""},
		{"NAT gateway the plan deletes", "nat_gateway_id", "nat-1", func(t *testing.T, rs []planRes) []byte {
			return changePlan(t, nil, nil, []planRes{nat}, rs...)
		}, reach.Unreachable, reach.BlackholeRoute},
		{"NAT gateway the plan replaces", "nat_gateway_id", "nat-1", func(t *testing.T, rs []planRes) []byte {
			plan := changePlan(t, nil, map[string][]string{"aws_nat_gateway.x": {"delete", "create"}}, nil, append(rs, newNAT)...)
			return planEdit(t, plan, func(p map[string]any) {
				for _, c := range p["resource_changes"].([]any) {
					if c.(map[string]any)["address"] == "aws_nat_gateway.x" {
						c.(map[string]any)["change"].(map[string]any)["before"] = nat.values
					}
				}
			})
		}, reach.Unreachable, reach.BlackholeRoute},
		{"transit gateway the plan does not hold", "transit_gateway_id", "tgw-1", func(t *testing.T, rs []planRes) []byte {
			return changePlan(t, nil, nil, nil, rs...)
		}, reach.Indeterminate, reach.UnmodelledTarget},
		{"peering connection the plan does not hold", "vpc_peering_connection_id", "pcx-1", func(t *testing.T, rs []planRes) []byte {
			return changePlan(t, nil, nil, nil, rs...)
		}, reach.Indeterminate, reach.UnmodelledTarget},
		{"network interface the plan does not hold", "network_interface_id", "eni-1", func(t *testing.T, rs []planRes) []byte {
			return changePlan(t, nil, nil, nil, rs...)
		}, reach.Indeterminate, reach.UnmodelledTarget},
		{"an instance's primary network interface (the check on drops)", "network_interface_id", "eni-web", func(t *testing.T, rs []planRes) []byte {
			web := publicWeb()
			web.values["primary_network_interface_id"] = "eni-web"
			return changePlan(t, nil, nil, nil, append(rs, web)...)
		}, reach.Unreachable, reach.SourceDestCheck},
	} {
		t.Run(tc.name, func(t *testing.T) {
			route := igwRoute()
			route["gateway_id"], route[tc.attr] = "", tc.target
			rs := append(existingPublicNet(false),
				planRes{typ: "aws_subnet", name: "priv", values: map[string]any{"id": "subnet-2", "vpc_id": "vpc-1", "cidr_block": "10.1.2.0/24", "map_public_ip_on_launch": false}},
				planRes{typ: "aws_route_table", name: "priv", values: map[string]any{"id": "rtb-priv", "vpc_id": "vpc-1", "route": []any{route}},
					exprs: map[string]any{"vpc_id": "vpc-1"}},
				planRes{typ: "aws_route_table_association", name: "priv", values: map[string]any{"id": "rtbassoc-2", "subnet_id": "subnet-2",
					"route_table_id": "rtb-priv", "gateway_id": ""}, exprs: map[string]any{"subnet_id": "subnet-2", "route_table_id": "rtb-priv"}},
				planRes{typ: "aws_instance", name: "app", values: map[string]any{"id": "i-2", "subnet_id": "subnet-2", "vpc_security_group_ids": []any{"sg-1"},
					"private_ip": "10.1.2.10", "public_ip": "", "associate_public_ip_address": false}})
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", tc.plan(t, rs), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.app", "198.51.100.7", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
			if tc.code == reach.BlackholeRoute || tc.code == reach.UnmodelledTarget {
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_route_table.priv: route 0.0.0.0/0 -> "+tc.target)
			}
		})
	}
}

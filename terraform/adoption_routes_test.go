package terraform_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestAdoptedDefaultTableRemovesRoutes: "when the provider first adopts a
// default route table, it immediately removes all defined routes. It then
// proceeds to create any routes specified in the configuration"
// (aws_default_route_table docs). The subnet uses the main table
// rtb-main, which the plan adopts (aws_default_route_table.main created,
// no route). An aws_route 0.0.0.0/0 -> igw-1 on it that exists (no-op in
// this plan) is gone after apply: Terraform adds it back on the next
// apply only. A new one that names the table otherwise than by the
// aws_default_route_table (the VPC's default_route_table_id, a literal
// ID) is created in no set order with the adoption: indeterminate. One
// that names the aws_default_route_table (a reference, depends_on) is
// created after it and stays.
func TestAdoptedDefaultTableRemovesRoutes(t *testing.T) {
	viaVPC := []string{"aws_vpc.main.default_route_table_id", "aws_vpc.main"}
	for _, tc := range []struct {
		name      string
		routeNew  bool
		refs      []string // the new route's route_table_id references (nil: the literal ID)
		dependsOn []string
		want      reach.Outcome
	}{
		{name: "an aws_route that exists", want: reach.Unreachable},
		{name: "a new aws_route by the VPC's default_route_table_id", routeNew: true, refs: viaVPC, want: reach.Indeterminate},
		{name: "a new aws_route by the literal ID", routeNew: true, want: reach.Indeterminate},
		{name: "a new aws_route naming aws_default_route_table", routeNew: true,
			refs: []string{"aws_default_route_table.main.id", "aws_default_route_table.main"}, want: reach.Reachable},
		{name: "a new aws_route by the VPC's default_route_table_id, after the adoption by depends_on", routeNew: true, refs: viaVPC,
			dependsOn: []string{"aws_default_route_table.main"}, want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			rs[0].values["default_route_table_id"] = "rtb-main"
			rs[2].values = map[string]any{"default_route_table_id": "rtb-main", "vpc_id": "vpc-1"}
			rs[2].unknown = map[string]any{"id": true, "route": true}
			rs[2].exprs = map[string]any{"default_route_table_id": viaVPC}
			route := planRes{typ: "aws_route", name: "igw", values: map[string]any{"id": "r-rtb-main1080289494", "route_table_id": "rtb-main",
				"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"},
				exprs: map[string]any{"route_table_id": viaVPC, "destination_cidr_block": "0.0.0.0/0",
					"gateway_id": []string{"aws_internet_gateway.gw.id", "aws_internet_gateway.gw"}}}
			created := map[string][]string{"aws_default_route_table.main": {"create"}}
			if tc.routeNew {
				created["aws_route.igw"] = []string{"create"}
				route.exprs["route_table_id"] = tc.refs
				if tc.refs == nil {
					route.exprs["route_table_id"] = "rtb-main"
				}
				if tc.dependsOn != nil {
					route.exprs["depends_on"] = tc.dependsOn
				}
				delete(route.values, "id")
				route.unknown = map[string]any{"id": true}
			}
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", changePlan(t, nil, created, nil, append(rs, publicWeb(), route)...), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want != reach.Reachable {
				assert.True(t, slices.ContainsFunc(rep.Warnings, func(w string) bool {
					return strings.HasPrefix(w, "aws_route.igw") && strings.Contains(w, "aws_default_route_table.main adopts")
				}), "a warning names the route and the adoption: %q", rep.Warnings)
			}
		})
	}
}

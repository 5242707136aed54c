package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// igwRoute is a route block as the provider plans it: 0.0.0.0/0 to igw-1.
func igwRoute() map[string]any {
	return map[string]any{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1", "ipv6_cidr_block": "", "destination_prefix_list_id": "",
		"nat_gateway_id": "", "network_interface_id": "", "transit_gateway_id": "", "vpc_peering_connection_id": "", "egress_only_gateway_id": "",
		"vpc_endpoint_id": "", "local_gateway_id": "", "carrier_gateway_id": "", "core_network_arn": ""}
}

// keptRouteNet is existingPublicNet whose main route table holds the
// local route only, and whose subnet is associated with
// aws_route_table.pub (rtb-pub), whose planned route is route (the
// configuration writes its route blocks when inline).
func keptRouteNet(inline bool, route any) []planRes {
	rs := existingPublicNet(false)
	rs[2].values["route"] = []any{}
	rs[2].exprs = map[string]any{"route": []string{}}
	pub := planRes{typ: "aws_route_table", name: "pub", values: map[string]any{"id": "rtb-pub", "vpc_id": "vpc-1", "route": route},
		exprs: map[string]any{"vpc_id": "vpc-1"}}
	if inline {
		pub.exprs["route"] = []string{"aws_internet_gateway.gw.id", "aws_internet_gateway.gw"}
	}
	assoc := planRes{typ: "aws_route_table_association", name: "pub", values: map[string]any{"id": "rtbassoc-1", "subnet_id": "subnet-1",
		"route_table_id": "rtb-pub", "gateway_id": ""}, exprs: map[string]any{"subnet_id": "subnet-1", "route_table_id": "rtb-pub"}}
	return append(rs, pub, assoc, publicWeb())
}

// TestKeptRoutes: route on aws_route_table is Optional and Computed in
// attribute-as-blocks mode, and "omitting this argument is interpreted as
// ignoring any existing routes" (the AWS provider's documentation): a
// table that exists and whose configuration leaves route out keeps the
// routes AWS holds, which its planned route shows, or, where the planned
// value is null, the prior state; less a route a standalone aws_route the
// plan deletes had, and counting a standalone aws_route of the plan of
// the same destination once. Where the plan shows no routes (the planned
// value is known only after apply, or neither it nor the prior state
// holds one) the lookup is indeterminate. A table the plan creates holds
// its standalone routes only. The internet reaches the public instance
// only through rtb-pub's 0.0.0.0/0 route.
func TestKeptRoutes(t *testing.T) {
	standalone := planRes{typ: "aws_route", name: "igw", values: map[string]any{"id": "r-rtb-pub1080289494", "route_table_id": "rtb-pub",
		"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"},
		exprs: map[string]any{"route_table_id": "rtb-pub", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}}
	for _, tc := range []struct {
		name    string
		inline  bool
		route   any           // rtb-pub's planned route
		unknown bool          // rtb-pub's planned route is known only after apply
		partly  any           // rtb-pub's route in after_unknown, where only part of it is
		prior   any           // rtb-pub's route in prior_state, nil for none
		created bool          // the plan creates rtb-pub
		deleted []planRes     // resources the plan deletes
		more    []planRes     // more resources of the plan
		want    reach.Outcome // 198.51.100.7 -> aws_instance.web:22
		warning string        // a warning the report holds
		codes   []reach.Code  // the answer's codes (Result.Codes), nil for any
	}{
		{name: "route written inline", inline: true, route: []any{igwRoute()}, want: reach.Reachable},
		{name: "route left out: the planned route", route: []any{igwRoute()}, want: reach.Reachable},
		{name: "route left out: the planned route is null, the prior state's", prior: []any{igwRoute()}, want: reach.Reachable},
		{name: "route left out: a standalone aws_route of the same destination counts once", route: []any{igwRoute()}, more: []planRes{standalone},
			want: reach.Reachable},
		{name: "route left out: the standalone aws_route the plan deletes had it", route: []any{igwRoute()},
			deleted: []planRes{{typ: "aws_route", name: "igw", values: standalone.values}}, want: reach.Unreachable, codes: []reach.Code{"RETURN_NO_ROUTE"}},
		{name: "route left out: the planned route is known only after apply", unknown: true, prior: []any{igwRoute()},
			want: reach.Indeterminate, warning: "aws_route_table.pub: route (the routes AWS holds"},
		{name: "route left out: neither the planned values nor the prior state show it",
			want: reach.Indeterminate, warning: "aws_route_table.pub: route (the routes AWS holds"},
		{name: "route left out of a new table", created: true, unknown: true, want: reach.Unreachable, codes: []reach.Code{"RETURN_NO_ROUTE"}},
		{name: "route left out: a planned route's target known only after apply", route: []any{func() map[string]any {
			b := igwRoute()
			delete(b, "gateway_id")
			return b
		}()}, partly: []any{map[string]any{"gateway_id": true}}, want: reach.Indeterminate, warning: "aws_route_table.pub: route (the routes AWS holds"},
		// a route to a prefix list is told apart by the list: a deleted
		// aws_route to another list does not take it away
		{name: "route left out: a route to a prefix list, another list's aws_route deleted", route: []any{func() map[string]any {
			b := igwRoute()
			b["cidr_block"], b["destination_prefix_list_id"] = "", "pl-1"
			return b
		}()}, more: []planRes{{typ: "aws_ec2_managed_prefix_list", name: "clients", values: map[string]any{"id": "pl-1", "name": "clients", "address_family": "IPv4",
			"max_entries": 5, "entry": []any{map[string]any{"cidr": "198.51.100.0/24", "description": ""}}}}},
			deleted: []planRes{{typ: "aws_route", name: "other", values: map[string]any{"id": "r-2", "route_table_id": "rtb-pub",
				"destination_prefix_list_id": "pl-2", "gateway_id": "igw-1"}}}, want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(keptRouteNet(tc.inline, tc.route), tc.more...)
			var created map[string][]string
			if tc.created {
				created = map[string][]string{"aws_route_table.pub": {"create"}}
			}
			plan := changePlan(t, nil, created, tc.deleted, rs...)
			plan = planEdit(t, plan, func(p map[string]any) {
				for _, c := range p["resource_changes"].([]any) {
					c := c.(map[string]any)
					if c["address"] == "aws_route_table.pub" && tc.unknown {
						c["change"].(map[string]any)["after_unknown"] = map[string]any{"route": true}
					}
					if c["address"] == "aws_route_table.pub" && tc.partly != nil {
						c["change"].(map[string]any)["after_unknown"] = map[string]any{"route": tc.partly}
					}
				}
				if tc.prior != nil {
					p["prior_state"] = map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": []any{
						map[string]any{"address": "aws_route_table.pub", "mode": "managed", "type": "aws_route_table", "name": "pub",
							"values": map[string]any{"id": "rtb-pub", "vpc_id": "vpc-1", "route": tc.prior}}}}}}
				}
			})
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", plan, &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.codes != nil {
				assert.Equal(t, tc.codes, r.Codes(), r.Text())
			}
			if tc.warning != "" {
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), tc.warning)
			}
		})
	}
}

// TestKeptRoutesDefaultTable: aws_default_route_table's route is alike:
// one the plan manages already keeps AWS's routes when its configuration
// leaves route out; one the plan adopts (creates) has its routes removed
// by the provider ("When Terraform first adopts a default route table, it
// immediately removes all defined routes"), so it holds only what the
// plan gives it.
func TestKeptRoutesDefaultTable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		adopted bool
		want    reach.Outcome
	}{
		{"managed already", false, reach.Reachable},
		{"adopted by the plan", true, reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(existingPublicNet(false), publicWeb())
			rs[2].values["route"] = []any{igwRoute()}
			rs[2].exprs = map[string]any{}
			var created map[string][]string
			if tc.adopted {
				created = map[string][]string{"aws_default_route_table.main": {"create"}}
			}
			m, err := terraform.Parse("plan.json", changePlan(t, nil, created, nil, rs...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestKeptRoutesMalformed: a planned route that is not a list of blocks
// is refused, naming the attribute; a prior state whose resources list
// holds a null entry (hostile or damaged input) is read past, never a
// panic, and the table's routes there are found.
func TestKeptRoutesMalformed(t *testing.T) {
	_, err := terraform.Parse("plan.json", changePlan(t, nil, nil, nil, keptRouteNet(false, "0.0.0.0/0")...), nil)
	require.ErrorIs(t, err, terraform.ErrInvalidPlan)
	assert.ErrorContains(t, err, "aws_route_table.pub: route: invalid Terraform plan: not a list of route blocks")

	plan := planEdit(t, changePlan(t, nil, nil, nil, keptRouteNet(false, nil)...), func(p map[string]any) {
		p["prior_state"] = map[string]any{"format_version": "1.0", "values": map[string]any{"root_module": map[string]any{"resources": []any{nil,
			map[string]any{"address": "aws_route_table.pub", "mode": "managed", "type": "aws_route_table", "name": "pub",
				"values": map[string]any{"id": "rtb-pub", "vpc_id": "vpc-1", "route": []any{igwRoute()}}}}}}}
	})
	m, err := terraform.Parse("plan.json", plan, nil)
	require.NoError(t, err)
	r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
}

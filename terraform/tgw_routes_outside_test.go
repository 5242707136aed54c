package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// newTGWTable is an aws_ec2_transit_gateway_route_table.name the plan
// creates on the existing gateway tgw-1, with the associations of both
// attachments to it and, with propagate, their propagations to it.
func newTGWTable(name string, propagate bool) []planRes {
	rs := []planRes{{typ: "aws_ec2_transit_gateway_route_table", name: name, values: map[string]any{"transit_gateway_id": "tgw-1"}, unknown: map[string]any{"id": true}}}
	kinds := []string{"association"}
	if propagate {
		kinds = append(kinds, "propagation")
	}
	for _, kind := range kinds {
		for _, v := range []string{"a", "b"} {
			rs = append(rs, planRes{typ: "aws_ec2_transit_gateway_route_table_" + kind, name: name + "_" + v, values: map[string]any{},
				unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true, "transit_gateway_attachment_id": true},
				exprs: map[string]any{"transit_gateway_route_table_id": tgwRef("aws_ec2_transit_gateway_route_table", name),
					"transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment", v)}})
		}
	}
	return rs
}

// TestTGWRoutesOutsideThePlan: a transit gateway route table's routes
// are resources of their own (routes, propagations, prefix list
// references), so a table that exists may hold routes the plan does not
// show (another stack's, the console's, the propagations of attachments
// outside the plan): what it routes is undecided, TGW_ROUTES_UNKNOWN,
// never a certain TGW_NO_ROUTE, as for an existing gateway's default
// table. A table the plan creates has an ID known only after apply, which
// only the plan's resources can name: its routes are the plan's, and the
// answer is certain; but a prefix list reference (routes the model does
// not hold) makes it undecided too.
func TestTGWRoutesOutsideThePlan(t *testing.T) {
	noDefaults := map[string]any{"transit_gateway_default_route_table_association": false, "transit_gateway_default_route_table_propagation": false}
	plReference := planRes{typ: "aws_ec2_transit_gateway_prefix_list_reference", name: "onprem", values: map[string]any{"prefix_list_id": "pl-onprem"},
		unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true, "transit_gateway_attachment_id": true},
		exprs: map[string]any{"transit_gateway_route_table_id": tgwRef("aws_ec2_transit_gateway_route_table", "new"),
			"transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment", "b")}}
	for _, tc := range []struct {
		name    string
		plan    []planRes
		want    reach.Outcome
		code    reach.Code
		missing string
	}{
		{name: "an existing table the attachments are associated with, no route of the plan",
			plan: existingTGWResources("tgw-rtb-assoc", "tgw-rtb-assoc", map[string]any{"transit_gateway_default_route_table_association": false}, true),
			want: reach.Indeterminate, code: reach.TGWRoutesUnknown,
			missing: "the routes of aws_ec2_transit_gateway_route_table.main beyond those the plan shows (the plan shows none): it exists, and its routes are resources of their own"},
		{name: "a table the plan creates, no route: certain",
			plan: append(existingTGWResources("tgw-rtb-assoc", "tgw-rtb-assoc", noDefaults, false), newTGWTable("new", false)...),
			want: reach.Unreachable, code: reach.TGWNoRoute},
		{name: "a table the plan creates, both attachments propagating to it",
			plan: append(existingTGWResources("tgw-rtb-assoc", "tgw-rtb-assoc", noDefaults, false), newTGWTable("new", true)...),
			want: reach.Reachable},
		{name: "a table the plan creates, with a prefix list reference",
			plan: append(append(existingTGWResources("tgw-rtb-assoc", "tgw-rtb-assoc", noDefaults, false), newTGWTable("new", true)...), plReference),
			want: reach.Indeterminate, code: reach.TGWRoutesUnknown,
			missing: "aws_ec2_transit_gateway_prefix_list_reference.onprem routes the blocks of prefix list pl-onprem in it, which reachsim does not model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, tc.plan...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
			assert.Contains(t, r.Text(), tc.missing, r.Text())
		})
	}
}

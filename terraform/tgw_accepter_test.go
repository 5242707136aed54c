package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestTGWAttachmentAccepter: an aws_ec2_transit_gateway_vpc_attachment_accepter
// is the shared gateway's owner accepting another account's VPC
// attachment. AWS ignores that attachment's own default association and
// propagation settings (which the provider documents cannot be set for a
// shared gateway); the accepter's apply: so b's accepter keeping b out
// of the default propagation table leaves the default table without
// b's VPC, whatever b's attachment says. A route, association or
// propagation may name the attachment by a reference to its accepter.
// An accepter of an attachment the plan does not hold, on a gateway of
// the plan, propagates a VPC the model lacks: undecided.
func TestTGWAttachmentAccepter(t *testing.T) {
	accepter := func(name string, values, unknown, exprs map[string]any) planRes {
		unknown["id"] = true
		return planRes{typ: "aws_ec2_transit_gateway_vpc_attachment_accepter", name: name, values: values, unknown: unknown, exprs: exprs}
	}
	noDefaults := map[string]any{"transit_gateway_default_route_table_association": false, "transit_gateway_default_route_table_propagation": false}
	ofB := map[string]any{"transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment", "b")}
	for _, tc := range []struct {
		name  string
		extra []planRes
		att   map[string]any // the attachments' settings
		plan  []planRes      // all of it, rather than tgwResources and extra
		want  reach.Outcome
		code  reach.Code
	}{
		{name: "accepted with the defaults", extra: []planRes{accepter("b", map[string]any{}, map[string]any{"transit_gateway_attachment_id": true}, ofB)},
			want: reach.Reachable},
		{name: "accepted out of the default propagation table",
			extra: []planRes{accepter("b", map[string]any{"transit_gateway_default_route_table_propagation": false}, map[string]any{"transit_gateway_attachment_id": true}, ofB)},
			want:  reach.Unreachable, code: reach.TGWNoRoute},
		{name: "accepted into the default tables the attachment itself leaves",
			att:   map[string]any{"transit_gateway_default_route_table_association": false, "transit_gateway_default_route_table_propagation": false},
			extra: []planRes{accepter("a", map[string]any{}, map[string]any{"transit_gateway_attachment_id": true}, map[string]any{"transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment", "a")}), accepter("b", map[string]any{}, map[string]any{"transit_gateway_attachment_id": true}, ofB)},
			want:  reach.Reachable},
		{name: "propagated to the default table by a reference to its accepter",
			extra: []planRes{accepter("b", map[string]any{"transit_gateway_default_route_table_propagation": false}, map[string]any{"transit_gateway_attachment_id": true}, ofB),
				{typ: "aws_ec2_transit_gateway_route_table_propagation", name: "b", values: map[string]any{},
					unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true, "transit_gateway_attachment_id": true},
					exprs: map[string]any{"transit_gateway_route_table_id": []string{"aws_ec2_transit_gateway.hub.propagation_default_route_table_id", "aws_ec2_transit_gateway.hub"},
						"transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment_accepter", "b")}}},
			want: reach.Reachable},
		{name: "an accepter whose attachment and gateway are unknown changes nothing the plan creates",
			extra: []planRes{accepter("spoke", map[string]any{}, map[string]any{"transit_gateway_attachment_id": true, "transit_gateway_id": true}, map[string]any{"transit_gateway_attachment_id": []string{"var.att"}})},
			want:  reach.Reachable},
		{name: "a spoke of another account accepted outside the plan, propagating to a table the plan creates",
			plan: append(append(existingTGWResources("tgw-rtb-assoc", "tgw-rtb-assoc", noDefaults, false), newTGWTable("new", true)...),
				accepter("spoke", map[string]any{"transit_gateway_attachment_id": "tgw-attach-spoke"}, map[string]any{"transit_gateway_id": true}, nil),
				planRes{typ: "aws_ec2_transit_gateway_route_table_propagation", name: "spoke", values: map[string]any{"transit_gateway_attachment_id": "tgw-attach-spoke"},
					unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true},
					exprs:   map[string]any{"transit_gateway_route_table_id": tgwRef("aws_ec2_transit_gateway_route_table", "new"), "transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment_accepter", "spoke")}}),
			want: reach.Indeterminate, code: reach.TGWRoutesUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			plan := tc.plan
			if plan == nil {
				plan = append(tgwResources(map[string]any{}, tc.att), tc.extra...)
			}
			m, err := terraform.Parse("plan.json", planOf(t, plan...), rep)
			require.NoError(t, err)
			assert.NotContains(t, rep.Unmodelled, "aws_ec2_transit_gateway_vpc_attachment_accepter")
			r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
		})
	}
}

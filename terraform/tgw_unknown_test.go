package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// Transit gateway settings whose value is known only after apply (here
// computed from an aws_ssm_parameter the plan creates) and which decide
// the gateway's routing: an error wrapping ErrUnknownValue naming
// "<address>: <attribute>", never their default read as a certain answer.
// A gateway setting no attachment relies on changes nothing.
func TestTGWUnknownSwitches(t *testing.T) {
	fromParam := []string{"aws_ssm_parameter.x.value", "aws_ssm_parameter.x"}
	route := func(blackhole any) planRes {
		r := planRes{typ: "aws_ec2_transit_gateway_route", name: "maybe_hole", values: map[string]any{"destination_cidr_block": "10.2.0.0/16"},
			unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true, "transit_gateway_attachment_id": true},
			exprs: map[string]any{"transit_gateway_route_table_id": []string{"aws_ec2_transit_gateway.hub.association_default_route_table_id", "aws_ec2_transit_gateway.hub"},
				"transit_gateway_attachment_id": estref("aws_ec2_transit_gateway_vpc_attachment.b")}}
		if blackhole == nil {
			r.unknown["blackhole"] = true
			r.exprs["blackhole"] = fromParam
		} else {
			r.values["blackhole"] = blackhole
		}
		return r
	}
	for _, tc := range []struct {
		name    string
		att     map[string]any
		attU    string // b's attribute known only after apply
		gwU     string // the gateway's attribute known only after apply
		extra   []planRes
		wantErr string // the error's "<address>: <attribute>", "" for none
		want    reach.Outcome
		code    reach.Code
	}{
		{name: "route blackhole unknown", extra: []planRes{route(nil)}, wantErr: "aws_ec2_transit_gateway_route.maybe_hole: blackhole"},
		{name: "route blackhole true", extra: []planRes{route(true)}, want: reach.Unreachable, code: reach.TGWBlackholeRoute},
		{name: "route blackhole false", extra: []planRes{route(false)}, want: reach.Reachable},
		{name: "attachment default propagation unknown", attU: "transit_gateway_default_route_table_propagation",
			wantErr: "aws_ec2_transit_gateway_vpc_attachment.b: transit_gateway_default_route_table_propagation"},
		{name: "attachment default association unknown", attU: "transit_gateway_default_route_table_association",
			wantErr: "aws_ec2_transit_gateway_vpc_attachment.b: transit_gateway_default_route_table_association"},
		{name: "gateway default propagation unknown", gwU: "default_route_table_propagation",
			wantErr: "aws_ec2_transit_gateway.hub: default_route_table_propagation"},
		{name: "gateway default association unknown", gwU: "default_route_table_association",
			wantErr: "aws_ec2_transit_gateway.hub: default_route_table_association"},
		{name: "gateway default propagation unknown, no attachment propagates by default", gwU: "default_route_table_propagation",
			att: map[string]any{"transit_gateway_default_route_table_propagation": false}, want: reach.Unreachable, code: reach.TGWNoRoute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := tgwResources(map[string]any{}, tc.att)
			for i := range rs {
				if tc.attU != "" && rs[i].typ == "aws_ec2_transit_gateway_vpc_attachment" && rs[i].name == "b" {
					rs[i].unknown[tc.attU] = true
					rs[i].exprs[tc.attU] = fromParam
				}
				if tc.gwU != "" && rs[i].typ == "aws_ec2_transit_gateway" {
					rs[i].unknown[tc.gwU] = true
					rs[i].exprs = map[string]any{tc.gwU: fromParam}
				}
			}
			m, err := terraform.Parse("plan.json", planOf(t, append(rs, tc.extra...)...), nil)
			if tc.wantErr != "" {
				require.ErrorIs(t, err, terraform.ErrUnknownValue)
				assert.NotErrorIs(t, err, terraform.ErrInvalidPlan)
				assert.Contains(t, err.Error(), tc.wantErr+": known only after apply")
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
		})
	}
}

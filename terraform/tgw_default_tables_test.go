package terraform_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// tgwRef is the references list of a configuration naming typ.name's id.
func tgwRef(typ, name string) []string { return []string{typ + "." + name + ".id", typ + "." + name} }

// existingTGWResources is tgwResources with the gateway existing (tgw-1,
// its default tables' IDs as given), the attachments naming it by ID
// with the settings att, and an existing aws_ec2_transit_gateway_route_table.main
// (tgw-rtb-main); with assocMain, both attachments are associated with
// main by an aws_ec2_transit_gateway_route_table_association.
func existingTGWResources(assocID, propID string, att map[string]any, assocMain bool) []planRes {
	gw := map[string]any{"id": "tgw-1", "association_default_route_table_id": assocID, "propagation_default_route_table_id": propID,
		"default_route_table_association": "enable", "default_route_table_propagation": "enable"}
	rs := tgwResources(gw, att)
	rs[0].unknown = map[string]any{}
	for i := range rs {
		if rs[i].typ == "aws_ec2_transit_gateway_vpc_attachment" {
			rs[i].values["transit_gateway_id"] = "tgw-1"
			delete(rs[i].unknown, "transit_gateway_id")
		}
	}
	rs = append(rs, planRes{typ: "aws_ec2_transit_gateway_route_table", name: "main", values: map[string]any{"id": "tgw-rtb-main", "transit_gateway_id": "tgw-1"}})
	if assocMain {
		for _, v := range []string{"a", "b"} {
			rs = append(rs, planRes{typ: "aws_ec2_transit_gateway_route_table_association", name: v, values: map[string]any{"transit_gateway_route_table_id": "tgw-rtb-main"},
				unknown: map[string]any{"id": true, "transit_gateway_attachment_id": true},
				exprs:   map[string]any{"transit_gateway_route_table_id": tgwRef("aws_ec2_transit_gateway_route_table", "main"), "transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment", v)}})
		}
	}
	return rs
}

// TestTGWDefaultTablesOfExistingGateway: an existing gateway's default
// association and propagation tables are those its plan values name
// (association_default_route_table_id, propagation_default_route_table_id,
// which ModifyTransitGateway sets apart): an attachment keeping
// transit_gateway_default_route_table_propagation on propagates to the
// propagation default, not to the association default. Every table here
// exists (main, tgw-rtb-main, and the gateway's default table), so each
// may hold routes the plan does not show (other stacks', the console's,
// propagations of attachments outside the plan): the answer is
// undecided, TGW_ROUTES_UNKNOWN, and which propagations the plan adds to
// the table is what the hop's missing says it shows. (Cases 1, 2 and 4
// answered Reachable, certain TGW_NO_ROUTE and Reachable while an
// existing non-default table was taken as holding only the plan's
// routes; a /24 of another stack, say, would beat the /16 propagated.)
func TestTGWDefaultTablesOfExistingGateway(t *testing.T) {
	noDefaultAssoc := map[string]any{"transit_gateway_default_route_table_association": false}
	const both = "the plan shows propagations from aws_ec2_transit_gateway_vpc_attachment.a, aws_ec2_transit_gateway_vpc_attachment.b)"
	for _, tc := range []struct {
		name            string
		assocID, propID string
		att             map[string]any
		assocMain       bool
		table           string // the transit gateway hop's table
		shows           string // what its missing says the plan shows
	}{
		{name: "propagation default is a table of the plan: it learns both VPCs",
			assocID: "tgw-rtb-assoc", propID: "tgw-rtb-main", att: noDefaultAssoc, assocMain: true,
			table: "aws_ec2_transit_gateway_route_table.main", shows: both},
		{name: "propagation default is the association default: main learns nothing",
			assocID: "tgw-rtb-assoc", propID: "tgw-rtb-assoc", att: noDefaultAssoc, assocMain: true,
			table: "aws_ec2_transit_gateway_route_table.main", shows: "the plan shows none)"},
		{name: "propagation default outside the plan: the association default does not learn the VPCs",
			assocID: "tgw-rtb-assoc", propID: "tgw-rtb-other",
			table: "aws_ec2_transit_gateway.hub.default_route_table", shows: "the plan shows none)"},
		{name: "both defaults are a table of the plan: the attachments keeping them are associated with it and propagate to it",
			assocID: "tgw-rtb-main", propID: "tgw-rtb-main",
			table: "aws_ec2_transit_gateway_route_table.main", shows: both},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, existingTGWResources(tc.assocID, tc.propID, tc.att, tc.assocMain)...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), reach.TGWRoutesUnknown, r.Text())
			assert.Contains(t, r.Text(), "transit-gateway "+tc.table+" ", r.Text())
			assert.Contains(t, r.Text(), "missing: the routes of "+tc.table+" beyond those the plan shows ("+tc.shows, r.Text())
		})
	}
}

// TestTGWDefaultRouteTableChange: aws_ec2_transit_gateway_default_route_table_association
// and _propagation make another table the gateway's default. AWS applies a
// default when it makes an attachment, so an attachment of the plan that
// keeps the default on would be in the table of before or after the
// change: the plan is refused, naming the resource, rather than answered
// from either table; with no attachment keeping it on, or the change
// already in the gateway's plan values, it is read.
func TestTGWDefaultRouteTableChange(t *testing.T) {
	change := func(kind string, values, unknown map[string]any, exprs map[string]any) planRes {
		return planRes{typ: "aws_ec2_transit_gateway_default_route_table_" + kind, name: "main", values: values, unknown: unknown, exprs: exprs}
	}
	newChange := func(kind string) planRes {
		return change(kind, map[string]any{},
			map[string]any{"id": true, "transit_gateway_id": true, "transit_gateway_route_table_id": true, "original_default_route_table_id": true},
			map[string]any{"transit_gateway_id": tgwRef("aws_ec2_transit_gateway", "hub"), "transit_gateway_route_table_id": tgwRef("aws_ec2_transit_gateway_route_table", "main")})
	}
	newMain := planRes{typ: "aws_ec2_transit_gateway_route_table", name: "main", values: map[string]any{}, unknown: map[string]any{"id": true, "transit_gateway_id": true},
		exprs: map[string]any{"transit_gateway_id": tgwRef("aws_ec2_transit_gateway", "hub")}}
	for _, tc := range []struct {
		name string
		plan []planRes
		err  string // "": read, and a to b is want
		want reach.Outcome
	}{
		{name: "new default propagation table, attachments keeping the default",
			plan: append(tgwResources(map[string]any{}, nil), newMain, newChange("propagation")),
			err:  "aws_ec2_transit_gateway_default_route_table_propagation.main: invalid Terraform plan: it changes the default propagation route table of aws_ec2_transit_gateway.hub while attachments of the plan take that default (aws_ec2_transit_gateway_vpc_attachment.a, aws_ec2_transit_gateway_vpc_attachment.b keep transit_gateway_default_route_table_propagation on)"},
		{name: "new default association table, attachments keeping the default",
			plan: append(tgwResources(map[string]any{}, nil), newMain, newChange("association")),
			err:  "aws_ec2_transit_gateway_default_route_table_association.main: invalid Terraform plan: it changes the default association route table of aws_ec2_transit_gateway.hub while attachments of the plan take that default (aws_ec2_transit_gateway_vpc_attachment.a, aws_ec2_transit_gateway_vpc_attachment.b keep transit_gateway_default_route_table_association on)"},
		{name: "new default propagation table, a VPN attachment and an accepter taking the default",
			plan: append(append(tgwResources(map[string]any{}, map[string]any{"transit_gateway_default_route_table_propagation": false}), newMain, newChange("propagation"),
				planRes{typ: "aws_ec2_transit_gateway_vpc_attachment_accepter", name: "b", values: map[string]any{}, unknown: map[string]any{"id": true, "transit_gateway_attachment_id": true},
					exprs: map[string]any{"transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment", "b")}}),
				vpnTo(map[string]any{"static_routes_only": false})...),
			err: "while attachments of the plan take that default (aws_ec2_transit_gateway_vpc_attachment.b keeps it by its accepter aws_ec2_transit_gateway_vpc_attachment_accepter.b, " +
				"whose transit_gateway_default_route_table_propagation is on; aws_vpn_connection.dc is a VPN attachment, which has no such setting and takes the gateway's default): "},
		{name: "new default propagation table, no attachment keeping the default",
			plan: append(tgwResources(map[string]any{}, map[string]any{"transit_gateway_default_route_table_propagation": false}), newMain, newChange("propagation")),
			want: reach.Unreachable},
		{name: "the change in effect: the gateway's propagation default is already main",
			plan: append(existingTGWResources("tgw-rtb-assoc", "tgw-rtb-main", map[string]any{"transit_gateway_default_route_table_association": false}, true),
				change("propagation", map[string]any{"id": "tgw-1_tgw-rtb-main", "transit_gateway_id": "tgw-1", "transit_gateway_route_table_id": "tgw-rtb-main", "original_default_route_table_id": "tgw-rtb-assoc"},
					map[string]any{}, nil)),
			// main exists: routes the plan does not show may be in it
			// (it learns both VPCs, TestTGWDefaultTablesOfExistingGateway)
			want: reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", planOf(t, tc.plan...), rep)
			if tc.err != "" {
				require.Error(t, err)
				assert.True(t, errors.Is(err, terraform.ErrInvalidPlan), err.Error())
				assert.Contains(t, err.Error(), tc.err)
				assert.Contains(t, err.Error(), "is not modelled")
				return
			}
			require.NoError(t, err)
			assert.Empty(t, rep.Unmodelled)
			r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

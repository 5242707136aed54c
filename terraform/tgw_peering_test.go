package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// peeringTo is an aws_ec2_transit_gateway_peering_attachment.west of the
// transit gateway hub to tgw-0peer, a gateway of another Region.
var peeringTo = planRes{typ: "aws_ec2_transit_gateway_peering_attachment", name: "west",
	values:  map[string]any{"peer_region": "us-west-2", "peer_transit_gateway_id": "tgw-0peer"},
	unknown: map[string]any{"id": true, "transit_gateway_id": true, "peer_account_id": true},
	exprs:   map[string]any{"transit_gateway_id": tgwRef("aws_ec2_transit_gateway", "hub")}}

// hubRouteTo is an aws_ec2_transit_gateway_route in hub's default route
// table sending 10.9.0.0/16 (a VPC behind the peer) to the attachment
// that ref names (a reference, or a known ID).
func hubRouteTo(ref any) planRes {
	rt := planRes{typ: "aws_ec2_transit_gateway_route", name: "west", values: map[string]any{"destination_cidr_block": "10.9.0.0/16"},
		unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true},
		exprs:   map[string]any{"transit_gateway_route_table_id": []string{"aws_ec2_transit_gateway.hub.association_default_route_table_id", "aws_ec2_transit_gateway.hub"}}}
	if id, ok := ref.(string); ok {
		rt.values["transit_gateway_attachment_id"] = id
	} else {
		rt.unknown["transit_gateway_attachment_id"] = true
		rt.exprs["transit_gateway_attachment_id"] = ref
	}
	return rt
}

// TestTGWPeeringAttachment: a transit gateway peering attachment, on
// either side, is an attachment of its gateway that reachsim does not
// follow: a route to it makes what it matches indeterminate
// (UNMODELLED_TARGET), never a refused plan or a certain TGW_NO_ROUTE; a
// gateway with no route to it answers as before.
func TestTGWPeeringAttachment(t *testing.T) {
	accepterOf := func(vals, unknown, exprs map[string]any) planRes {
		unknown["id"] = true
		return planRes{typ: "aws_ec2_transit_gateway_peering_attachment_accepter", name: "east", values: vals, unknown: unknown, exprs: exprs}
	}
	hubRef := tgwRef("aws_ec2_transit_gateway", "hub")
	existing := peeringTo
	existing.values = map[string]any{"id": "tgw-attach-0west", "transit_gateway_id": "", "peer_region": "us-west-2", "peer_transit_gateway_id": "tgw-0peer"}
	existing.unknown = map[string]any{"transit_gateway_id": true}
	for _, tc := range []struct {
		name  string
		extra []planRes
		want  reach.Outcome
		code  reach.Code
		via   string // the attachment the hop names
	}{
		{name: "the requester's route to its peering attachment",
			extra: []planRes{peeringTo, hubRouteTo(tgwRef("aws_ec2_transit_gateway_peering_attachment", "west"))},
			want:  reach.Indeterminate, code: reach.UnmodelledTarget, via: "aws_ec2_transit_gateway_peering_attachment.west"},
		{name: "a peering attachment that exists, named by its ID",
			extra: []planRes{existing, hubRouteTo("tgw-attach-0west")},
			want:  reach.Indeterminate, code: reach.UnmodelledTarget, via: "aws_ec2_transit_gateway_peering_attachment.west"},
		{name: "the accepter's route, to the accepter of an attachment outside the plan",
			extra: []planRes{accepterOf(map[string]any{"transit_gateway_attachment_id": "tgw-attach-0req"}, map[string]any{"transit_gateway_id": true}, nil),
				hubRouteTo(tgwRef("aws_ec2_transit_gateway_peering_attachment_accepter", "east"))},
			want: reach.Indeterminate, code: reach.UnmodelledTarget, via: "aws_ec2_transit_gateway_peering_attachment_accepter.east"},
		{name: "the accepter's route, by the attachment's ID",
			extra: []planRes{accepterOf(map[string]any{"transit_gateway_attachment_id": "tgw-attach-0req"}, map[string]any{}, map[string]any{"transit_gateway_id": hubRef}),
				hubRouteTo("tgw-attach-0req")},
			want: reach.Indeterminate, code: reach.UnmodelledTarget, via: "aws_ec2_transit_gateway_peering_attachment_accepter.east"},
		{name: "a peering attachment no route names",
			extra: []planRes{peeringTo},
			want:  reach.Unreachable, code: reach.TGWNoRoute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", planOf(t, append(peerRoute(tgwResources(map[string]any{}, nil)), tc.extra...)...), rep)
			require.NoError(t, err)
			for _, typ := range []string{"aws_ec2_transit_gateway_peering_attachment", "aws_ec2_transit_gateway_peering_attachment_accepter"} {
				assert.NotContains(t, rep.Unmodelled, typ)
			}
			r, err := m.Check(tcp("aws_instance.a", "10.9.1.5", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), tc.code, r.Text())
			if tc.via != "" {
				assert.Contains(t, r.Text(), "sends the packet to "+tc.via+", a peering attachment", r.Text())
			}
			// the gateway's own VPCs are answered as before
			r, err = m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		})
	}
}

// TestTGWPeeringBothSides: a plan that holds both peered gateways gives
// each its own side of the attachment, and a route table of either
// gateway that names the peering (by the attachment or by its accepter)
// names its own side (the model refuses a route to an attachment of
// another gateway, so the plan would not build otherwise); both are
// indeterminate beyond it.
func TestTGWPeeringBothSides(t *testing.T) {
	west := planRes{typ: "aws_ec2_transit_gateway", name: "west", values: map[string]any{}, unknown: map[string]any{"id": true, "association_default_route_table_id": true}}
	att := planRes{typ: "aws_ec2_transit_gateway_peering_attachment", name: "west", values: map[string]any{"peer_region": "us-west-2"},
		unknown: map[string]any{"id": true, "transit_gateway_id": true, "peer_transit_gateway_id": true},
		exprs: map[string]any{"transit_gateway_id": tgwRef("aws_ec2_transit_gateway", "hub"),
			"peer_transit_gateway_id": tgwRef("aws_ec2_transit_gateway", "west")}}
	acc := planRes{typ: "aws_ec2_transit_gateway_peering_attachment_accepter", name: "west", values: map[string]any{},
		unknown: map[string]any{"id": true, "transit_gateway_attachment_id": true, "transit_gateway_id": true},
		exprs:   map[string]any{"transit_gateway_attachment_id": tgwRef("aws_ec2_transit_gateway_peering_attachment", "west")}}
	back := func(ref []string) planRes {
		return planRes{typ: "aws_ec2_transit_gateway_route", name: "back", values: map[string]any{"destination_cidr_block": "10.0.0.0/8"},
			unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true, "transit_gateway_attachment_id": true},
			exprs: map[string]any{"transit_gateway_route_table_id": []string{"aws_ec2_transit_gateway.west.association_default_route_table_id", "aws_ec2_transit_gateway.west"},
				"transit_gateway_attachment_id": ref}}
	}
	for _, ref := range [][]string{tgwRef("aws_ec2_transit_gateway_peering_attachment_accepter", "west"), tgwRef("aws_ec2_transit_gateway_peering_attachment", "west")} {
		t.Run(ref[1], func(t *testing.T) {
			rs := append(peerRoute(tgwResources(map[string]any{}, nil)), west, att, acc, back(ref), hubRouteTo(tgwRef("aws_ec2_transit_gateway_peering_attachment", "west")))
			m, err := terraform.Parse("plan.json", planOf(t, rs...), &terraform.Report{})
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.a", "10.9.1.5", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), reach.UnmodelledTarget, r.Text())
		})
	}
}

// peerRoute adds to VPC a's route table a route to 10.9.0.0/16 by the
// transit gateway.
func peerRoute(rs []planRes) []planRes { return tgwRouteInA(rs, "10.9.0.0/16") }

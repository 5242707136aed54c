package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// onPremRoute adds to VPC a's route table of tgwResources a route to
// 192.168.0.0/16 (an on-premises network) by the transit gateway.
func onPremRoute(rs []planRes) []planRes { return tgwRouteInA(rs, "192.168.0.0/16") }

// tgwRouteInA adds to VPC a's route table of tgwResources a route to
// cidr by the transit gateway.
func tgwRouteInA(rs []planRes, cidr string) []planRes {
	for i := range rs {
		if r := &rs[i]; r.typ == "aws_route_table" && r.name == "a" {
			r.values["route"] = append(r.values["route"].([]any), map[string]any{"cidr_block": cidr})
			r.unknown["route"] = append(r.unknown["route"].([]any), map[string]any{"transit_gateway_id": true})
		}
	}
	return rs
}

// vpnTo is an aws_vpn_connection.dc to the transit gateway hub, with an
// aws_customer_gateway.dc, the connection's values as given.
func vpnTo(values map[string]any) []planRes {
	values["type"], values["customer_gateway_id"] = "ipsec.1", nil
	return []planRes{
		{typ: "aws_customer_gateway", name: "dc", values: map[string]any{"bgp_asn": "65000", "ip_address": "198.51.100.1", "type": "ipsec.1"}, unknown: map[string]any{"id": true}},
		{typ: "aws_vpn_connection", name: "dc", values: values,
			unknown: map[string]any{"id": true, "transit_gateway_id": true, "customer_gateway_id": true, "transit_gateway_attachment_id": true},
			exprs:   map[string]any{"transit_gateway_id": tgwRef("aws_ec2_transit_gateway", "hub"), "customer_gateway_id": tgwRef("aws_customer_gateway", "dc")}},
	}
}

// staticVPNRoute is an aws_ec2_transit_gateway_route sending
// 192.168.0.0/16 to the VPN's attachment, in hub's default route table.
var staticVPNRoute = planRes{typ: "aws_ec2_transit_gateway_route", name: "onprem", values: map[string]any{"destination_cidr_block": "192.168.0.0/16"},
	unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true, "transit_gateway_attachment_id": true},
	exprs: map[string]any{"transit_gateway_route_table_id": []string{"aws_ec2_transit_gateway.hub.association_default_route_table_id", "aws_ec2_transit_gateway.hub"},
		"transit_gateway_attachment_id": []string{"aws_vpn_connection.dc.transit_gateway_attachment_id", "aws_vpn_connection.dc"}}}

// TestTGWVPNConnection: an aws_vpn_connection attached to a transit
// gateway of the plan is a VPN attachment, which AWS associates and
// propagates as the gateway's defaults say. Over BGP it propagates what
// its customer gateway advertises, which no plan holds: a lookup one of
// those routes could decide (no route, or a shorter prefix than the
// packet's) is undecided, TGW_ROUTES_UNKNOWN, never a certain
// TGW_NO_ROUTE. With static routes only it propagates nothing: the
// gateway's static route to it is its route, and the packet it sends
// there goes where reachsim does not follow (UNMODELLED_TARGET).
func TestTGWVPNConnection(t *testing.T) {
	onPrem, toB := tcp("aws_instance.a", "192.168.1.5", 443), tcp("aws_instance.a", "aws_instance.b", 443)
	for _, tc := range []struct {
		name  string
		gw    map[string]any
		extra []planRes
		q     reach.Query
		want  reach.Outcome
		code  reach.Code
	}{
		{name: "BGP: the on-premises networks are what the peer advertises", gw: map[string]any{},
			extra: vpnTo(map[string]any{"static_routes_only": false}), q: onPrem, want: reach.Indeterminate, code: reach.TGWRoutesUnknown},
		{name: "static_routes_only left out: BGP", gw: map[string]any{},
			extra: vpnTo(map[string]any{}), q: onPrem, want: reach.Indeterminate, code: reach.TGWRoutesUnknown},
		{name: "BGP: a longer prefix the peer advertises may take a VPC's packet", gw: map[string]any{},
			extra: vpnTo(map[string]any{"static_routes_only": false}), q: toB, want: reach.Indeterminate, code: reach.TGWRoutesUnknown},
		{name: "BGP, but the gateway propagates nothing by default", gw: map[string]any{"default_route_table_propagation": "disable"},
			extra: vpnTo(map[string]any{"static_routes_only": false}), q: onPrem, want: reach.Unreachable, code: reach.TGWNoRoute},
		{name: "static routes only, no static route to it", gw: map[string]any{},
			extra: vpnTo(map[string]any{"static_routes_only": true}), q: onPrem, want: reach.Unreachable, code: reach.TGWNoRoute},
		{name: "static routes only: the VPC's packet keeps its propagated route", gw: map[string]any{},
			extra: vpnTo(map[string]any{"static_routes_only": true}), q: toB, want: reach.Reachable},
		{name: "static routes only, the gateway's static route to its attachment", gw: map[string]any{},
			extra: append(vpnTo(map[string]any{"static_routes_only": true}), staticVPNRoute), q: onPrem, want: reach.Indeterminate, code: reach.UnmodelledTarget},
		{name: "static routes only, but an aws_vpn_connection_route names it", gw: map[string]any{},
			extra: append(vpnTo(map[string]any{"static_routes_only": true}), planRes{typ: "aws_vpn_connection_route", name: "onprem",
				values: map[string]any{"destination_cidr_block": "192.168.0.0/16"}, unknown: map[string]any{"id": true, "vpn_connection_id": true},
				exprs: map[string]any{"vpn_connection_id": tgwRef("aws_vpn_connection", "dc")}}),
			q: onPrem, want: reach.Indeterminate, code: reach.TGWRoutesUnknown},
		{name: "a virtual private gateway's VPN: no attachment of the transit gateway", gw: map[string]any{},
			extra: []planRes{{typ: "aws_vpn_connection", name: "dc", values: map[string]any{"vpn_gateway_id": "vgw-1", "customer_gateway_id": "cgw-1", "type": "ipsec.1"},
				unknown: map[string]any{"id": true}}}, q: onPrem, want: reach.Unreachable, code: reach.TGWNoRoute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", planOf(t, append(onPremRoute(tgwResources(tc.gw, nil)), tc.extra...)...), rep)
			require.NoError(t, err)
			assert.NotContains(t, rep.Unmodelled, "aws_vpn_connection")
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
			if tc.code == reach.TGWRoutesUnknown {
				assert.Contains(t, r.Text(), "aws_vpn_connection.dc propagate", r.Text())
			}
		})
	}
}

// TestTGWDirectConnectAndConnect: a Direct Connect gateway association
// with a transit gateway of the plan (directly, or through the proposal
// it accepts) and a Connect attachment propagate what the networks
// beyond them advertise, as a BGP VPN does: undecided; a Direct Connect
// gateway association with a virtual private gateway is none of the
// transit gateway's.
func TestTGWDirectConnectAndConnect(t *testing.T) {
	hubRef := tgwRef("aws_ec2_transit_gateway", "hub")
	dx := func(values, unknown, exprs map[string]any) []planRes {
		unknown["id"] = true
		return []planRes{
			{typ: "aws_dx_gateway", name: "dc", values: map[string]any{"amazon_side_asn": "64512", "name": "dc"}, unknown: map[string]any{"id": true}},
			{typ: "aws_dx_gateway_association", name: "dc", values: values, unknown: unknown, exprs: exprs}}
	}
	proposal := planRes{typ: "aws_dx_gateway_association_proposal", name: "dc", values: map[string]any{}, unknown: map[string]any{"id": true, "associated_gateway_id": true},
		exprs: map[string]any{"associated_gateway_id": hubRef}}
	for _, tc := range []struct {
		name  string
		extra []planRes
		want  reach.Outcome
		code  reach.Code
		by    string // the attachment the hop names
	}{
		{name: "Direct Connect gateway association with the transit gateway",
			extra: dx(map[string]any{}, map[string]any{"associated_gateway_id": true}, map[string]any{"associated_gateway_id": hubRef}),
			want:  reach.Indeterminate, code: reach.TGWRoutesUnknown, by: "aws_dx_gateway_association.dc propagate"},
		{name: "Direct Connect gateway association accepting a proposal for the transit gateway",
			extra: append(dx(map[string]any{}, map[string]any{"proposal_id": true}, map[string]any{"proposal_id": tgwRef("aws_dx_gateway_association_proposal", "dc")}), proposal),
			want:  reach.Indeterminate, code: reach.TGWRoutesUnknown, by: "aws_dx_gateway_association.dc propagate"},
		{name: "Direct Connect gateway association with a virtual private gateway",
			extra: dx(map[string]any{"associated_gateway_id": "vgw-1"}, map[string]any{}, nil),
			want:  reach.Unreachable, code: reach.TGWNoRoute},
		{name: "Connect attachment",
			extra: []planRes{{typ: "aws_ec2_transit_gateway_connect", name: "sdwan", values: map[string]any{"protocol": "gre"},
				unknown: map[string]any{"id": true, "transit_gateway_id": true, "transport_attachment_id": true},
				exprs:   map[string]any{"transit_gateway_id": hubRef, "transport_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment", "b")}}},
			want: reach.Indeterminate, code: reach.TGWRoutesUnknown, by: "aws_ec2_transit_gateway_connect.sdwan propagate"},
		{name: "Connect attachment that keeps out of the default propagation table",
			extra: []planRes{{typ: "aws_ec2_transit_gateway_connect", name: "sdwan", values: map[string]any{"protocol": "gre", "transit_gateway_default_route_table_propagation": false},
				unknown: map[string]any{"id": true, "transit_gateway_id": true, "transport_attachment_id": true},
				exprs:   map[string]any{"transit_gateway_id": hubRef, "transport_attachment_id": tgwRef("aws_ec2_transit_gateway_vpc_attachment", "b")}}},
			want: reach.Unreachable, code: reach.TGWNoRoute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, append(onPremRoute(tgwResources(map[string]any{}, nil)), tc.extra...)...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.a", "192.168.1.5", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), tc.code, r.Text())
			assert.Contains(t, r.Text(), tc.by, r.Text())
		})
	}
}

// TestTGWVPNConnectionOfAnUnresolvedGateway: a BGP VPN connection whose
// transit_gateway_id the plan does not resolve may be attached to any
// gateway of the plan: their default propagation tables may hold what it
// propagates, undecided.
func TestTGWVPNConnectionOfAnUnresolvedGateway(t *testing.T) {
	vpn := planRes{typ: "aws_vpn_connection", name: "dc", values: map[string]any{"customer_gateway_id": "cgw-1", "type": "ipsec.1"},
		unknown: map[string]any{"id": true, "transit_gateway_id": true}, exprs: map[string]any{"transit_gateway_id": []string{"var.tgw_id"}}}
	m, err := terraform.Parse("plan.json", planOf(t, append(onPremRoute(tgwResources(map[string]any{}, nil)), vpn)...), nil)
	require.NoError(t, err)
	r, err := m.Check(tcp("aws_instance.a", "192.168.1.5", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Contains(t, r.Codes(), reach.TGWRoutesUnknown, r.Text())
	assert.Contains(t, r.Text(), "aws_vpn_connection.dc, whose transit_gateway_id is known only after apply, may be attached to aws_ec2_transit_gateway.hub", r.Text())
}

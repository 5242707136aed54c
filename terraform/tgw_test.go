package terraform_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// tgwPlan creates two VPCs joined by a new transit gateway, with the
// gateway's settings and the attachments' as given (nil: left out).
func tgwPlan(t *testing.T, gw map[string]any, att map[string]any, extra ...planRes) []byte {
	t.Helper()
	return planOf(t, append(tgwResources(gw, att), extra...)...)
}

// tgwResources are tgwPlan's resources.
func tgwResources(gw map[string]any, att map[string]any) []planRes {
	anyOut := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	anyIn := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"10.0.0.0/8"}}
	rs := []planRes{{typ: "aws_ec2_transit_gateway", name: "hub", values: gw, unknown: map[string]any{"id": true, "association_default_route_table_id": true}}}
	for i, v := range []string{"a", "b"} {
		vpcRef := []string{"aws_vpc." + v + ".id", "aws_vpc." + v}
		other := fmt.Sprintf("10.%d.0.0/16", 2-i)
		attVals := map[string]any{}
		for k, x := range att {
			attVals[k] = x
		}
		rs = append(rs,
			planRes{typ: "aws_vpc", name: v, values: map[string]any{"cidr_block": fmt.Sprintf("10.%d.0.0/16", i+1)},
				unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
			planRes{typ: "aws_subnet", name: v, values: map[string]any{"cidr_block": fmt.Sprintf("10.%d.1.0/24", i+1), "availability_zone": "eu-west-1a"},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}},
			planRes{typ: "aws_ec2_transit_gateway_vpc_attachment", name: v, values: attVals,
				unknown: map[string]any{"id": true, "vpc_id": true, "subnet_ids": true, "transit_gateway_id": true},
				exprs: map[string]any{"vpc_id": vpcRef, "subnet_ids": []string{"aws_subnet." + v + ".id", "aws_subnet." + v},
					"transit_gateway_id": []string{"aws_ec2_transit_gateway.hub.id", "aws_ec2_transit_gateway.hub"}}},
			planRes{typ: "aws_route_table", name: v, values: map[string]any{"route": []any{map[string]any{"cidr_block": other}}},
				unknown: map[string]any{"id": true, "vpc_id": true, "route": []any{map[string]any{"transit_gateway_id": true}}},
				exprs:   map[string]any{"vpc_id": vpcRef, "route": []string{"aws_ec2_transit_gateway.hub.id", "aws_ec2_transit_gateway.hub"}}},
			planRes{typ: "aws_route_table_association", name: v, values: map[string]any{}, unknown: map[string]any{"id": true, "subnet_id": true, "route_table_id": true},
				exprs: map[string]any{"subnet_id": []string{"aws_subnet." + v + ".id", "aws_subnet." + v}, "route_table_id": []string{"aws_route_table." + v + ".id", "aws_route_table." + v}}},
			planRes{typ: "aws_security_group", name: v, values: map[string]any{"name": v, "ingress": []any{anyIn}, "egress": []any{anyOut}},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
			planRes{typ: "aws_instance", name: v, values: map[string]any{"private_ip": fmt.Sprintf("10.%d.1.10", i+1), "associate_public_ip_address": false},
				unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
				exprs: map[string]any{"subnet_id": []string{"aws_subnet." + v + ".id", "aws_subnet." + v},
					"vpc_security_group_ids": []string{"aws_security_group." + v + ".id", "aws_security_group." + v}, "associate_public_ip_address": false}})
	}
	return rs
}

func TestTransitGatewayPlans(t *testing.T) {
	q := tcp("aws_instance.a", "aws_instance.b", 443)
	t.Run("defaults: the default route table learns both VPCs", func(t *testing.T) {
		m, err := terraform.Parse("plan.json", tgwPlan(t, map[string]any{}, nil), nil)
		require.NoError(t, err)
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		assert.Contains(t, r.Text(), "transit-gateway aws_ec2_transit_gateway.hub.default_route_table")
	})
	t.Run("no default propagation: no route", func(t *testing.T) {
		m, err := terraform.Parse("plan.json", tgwPlan(t, map[string]any{"default_route_table_propagation": "disable"}, nil), nil)
		require.NoError(t, err)
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Contains(t, r.Codes(), reach.TGWNoRoute, r.Text())
	})
	t.Run("a route table of its own, a static route and a blackhole", func(t *testing.T) {
		ref := func(typ, name string) []string { return []string{typ + "." + name + ".id", typ + "." + name} }
		rtRef := ref("aws_ec2_transit_gateway_route_table", "main")
		unknownIDs := map[string]any{"id": true, "transit_gateway_route_table_id": true, "transit_gateway_attachment_id": true}
		extra := []planRes{
			{typ: "aws_ec2_transit_gateway_route_table", name: "main", values: map[string]any{}, unknown: map[string]any{"id": true, "transit_gateway_id": true},
				exprs: map[string]any{"transit_gateway_id": ref("aws_ec2_transit_gateway", "hub")}},
		}
		for _, v := range []string{"a", "b"} {
			extra = append(extra, planRes{typ: "aws_ec2_transit_gateway_route_table_association", name: v, values: map[string]any{}, unknown: unknownIDs,
				exprs: map[string]any{"transit_gateway_route_table_id": rtRef, "transit_gateway_attachment_id": ref("aws_ec2_transit_gateway_vpc_attachment", v)}})
		}
		extra = append(extra,
			planRes{typ: "aws_ec2_transit_gateway_route", name: "to_b", values: map[string]any{"destination_cidr_block": "10.2.0.0/16"}, unknown: unknownIDs,
				exprs: map[string]any{"transit_gateway_route_table_id": rtRef, "transit_gateway_attachment_id": ref("aws_ec2_transit_gateway_vpc_attachment", "b")}},
			planRes{typ: "aws_ec2_transit_gateway_route", name: "to_a", values: map[string]any{"destination_cidr_block": "10.1.0.0/16"}, unknown: unknownIDs,
				exprs: map[string]any{"transit_gateway_route_table_id": rtRef, "transit_gateway_attachment_id": ref("aws_ec2_transit_gateway_vpc_attachment", "a")}},
			planRes{typ: "aws_ec2_transit_gateway_route", name: "hole", values: map[string]any{"destination_cidr_block": "10.2.1.0/24", "blackhole": true},
				unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true}, exprs: map[string]any{"transit_gateway_route_table_id": rtRef}})
		gw := map[string]any{"default_route_table_association": "disable", "default_route_table_propagation": "disable"}
		m, err := terraform.Parse("plan.json", tgwPlan(t, gw, nil, extra...), nil)
		require.NoError(t, err)
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Contains(t, r.Codes(), reach.TGWBlackholeRoute, "the /24 blackhole beats the /16 route: %s", r.Text())
		r, err = m.Check(tcp("aws_instance.b", "aws_instance.a", 443))
		require.NoError(t, err)
		assert.Contains(t, r.Codes(), reach.Code("RETURN_TGW_BLACKHOLE_ROUTE"), "the reply to b's subnet falls in the hole: %s", r.Text())
	})
}

// appliance_mode_support is the attachment's appliance mode: a plan that
// turns it on differs from one that leaves it off in that attachment
// alone; a value AWS does not take is an error at its attribute.
func TestTransitGatewayPlanApplianceMode(t *testing.T) {
	off, err := terraform.Parse("plan.json", tgwPlan(t, map[string]any{}, map[string]any{"appliance_mode_support": "disable"}), nil)
	require.NoError(t, err)
	on, err := terraform.Parse("plan.json", tgwPlan(t, map[string]any{}, map[string]any{"appliance_mode_support": "enable"}), nil)
	require.NoError(t, err)
	d, err := reach.Diff(off, on, reach.DiffOptions{})
	require.NoError(t, err)
	var changed []string
	for _, rc := range d.Resources {
		changed = append(changed, rc.Kind+" "+rc.ID)
	}
	assert.Equal(t, []string{
		"transit-gateway-attachment aws_ec2_transit_gateway_vpc_attachment.a",
		"transit-gateway-attachment aws_ec2_transit_gateway_vpc_attachment.b",
	}, changed)
	_, err = terraform.Parse("plan.json", tgwPlan(t, map[string]any{}, map[string]any{"appliance_mode_support": "on"}), nil)
	require.ErrorIs(t, err, terraform.ErrInvalidPlan)
	assert.Contains(t, err.Error(), `aws_ec2_transit_gateway_vpc_attachment.a: appliance_mode_support: "on"`)
	assert.Contains(t, err.Error(), "enable or disable")
}

// dualStack makes tgwPlan's design dual-stack: VPC a 2600:1f18:a::/56
// and b 2600:1f18:b::/56, a /64 of each for its subnet and 2600:1f18:X:1::10
// for its instance, each VPC routing the other's IPv6 block to the
// transit gateway, the groups open to IPv6.
func dualStack(rs []planRes) []planRes {
	for i := range rs {
		r := &rs[i]
		v, other := r.name, map[string]string{"a": "b", "b": "a"}[r.name]
		switch r.typ {
		case "aws_vpc":
			r.values["ipv6_cidr_block"] = "2600:1f18:" + v + "::/56"
		case "aws_subnet":
			r.values["ipv6_cidr_block"] = "2600:1f18:" + v + ":1::/64"
		case "aws_instance":
			r.values["ipv6_addresses"] = []any{"2600:1f18:" + v + ":1::10"}
		case "aws_route_table":
			r.values["route"] = append(r.values["route"].([]any), map[string]any{"ipv6_cidr_block": "2600:1f18:" + other + "::/56"})
			r.unknown["route"] = append(r.unknown["route"].([]any), map[string]any{"transit_gateway_id": true})
		case "aws_security_group":
			for _, dir := range []string{"ingress", "egress"} {
				r.values[dir] = append(r.values[dir].([]any), map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "ipv6_cidr_blocks": []any{"::/0"}})
			}
		}
	}
	return rs
}

// ipv6_support is the attachment's IPv6 support: only with it does the
// default route table learn the VPCs' IPv6 blocks (AWS's default is
// disable); a value AWS does not take is an error at its attribute.
func TestTransitGatewayPlanIPv6Support(t *testing.T) {
	q := reach.Query{From: "2600:1f18:a:1::10", To: "2600:1f18:b:1::10", Protocol: flow.TCP, Port: 443}
	tests := []struct {
		name    string
		att     map[string]any
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"left out: disable, no IPv6 route", nil, reach.Unreachable, []reach.Code{reach.TGWNoRoute}},
		{"disable: no IPv6 route", map[string]any{"ipv6_support": "disable"}, reach.Unreachable, []reach.Code{reach.TGWNoRoute}},
		{"enable: the IPv6 blocks propagate", map[string]any{"ipv6_support": "enable"}, reach.Reachable, []reach.Code{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, dualStack(tgwResources(map[string]any{}, tt.att))...), nil)
			require.NoError(t, err)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
			r, err = m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, "IPv4 either way: %s", r.Text())
		})
	}
	_, err := terraform.Parse("plan.json", tgwPlan(t, map[string]any{}, map[string]any{"ipv6_support": "true"}), nil)
	require.ErrorIs(t, err, terraform.ErrInvalidPlan)
	assert.Contains(t, err.Error(), `aws_ec2_transit_gateway_vpc_attachment.a: ipv6_support: "true"`)
}

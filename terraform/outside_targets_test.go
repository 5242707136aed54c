package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestNewRouteToOutsideTarget: a spoke plan, its new VPC routing
// 10.0.0.0/8 to a transit gateway (or peering connection) the plan does
// not hold (shared from another account, its known ID from a variable),
// perhaps attaching the VPC to that gateway: the route is to a target the
// model does not hold (UNMODELLED_TARGET, naming it), with a warning, and
// the attachment is left out with a warning; the plan was refused
// ("invalid topology: unknown transit gateway", "unknown peering
// connection"). A route to an internet gateway the plan does not hold is
// still refused, as AWS refuses it. (audit tf23 finding 2)
func TestNewRouteToOutsideTarget(t *testing.T) {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	inline := func(attr, target string) planRes {
		route := map[string]any{"cidr_block": "10.0.0.0/8", "transit_gateway_id": "", "gateway_id": "", "nat_gateway_id": "", "network_interface_id": "",
			"vpc_peering_connection_id": "", "ipv6_cidr_block": "", "destination_prefix_list_id": "", "egress_only_gateway_id": "", "vpc_endpoint_id": "",
			"local_gateway_id": "", "carrier_gateway_id": "", "core_network_arn": ""}
		route[attr] = target
		return planRes{typ: "aws_route_table", name: "rt", values: map[string]any{"route": []any{route}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "route": []string{"var.target"}}}
	}
	standalone := func(attr, target string) []planRes {
		return []planRes{
			{typ: "aws_route_table", name: "rt", values: map[string]any{}, unknown: map[string]any{"id": true, "vpc_id": true, "route": true},
				exprs: map[string]any{"vpc_id": vpcRef}},
			{typ: "aws_route", name: "r", values: map[string]any{"destination_cidr_block": "10.0.0.0/8", attr: target},
				unknown: map[string]any{"id": true, "route_table_id": true},
				exprs:   map[string]any{"route_table_id": []string{"aws_route_table.rt.id", "aws_route_table.rt"}, attr: []string{"var.target"}}},
		}
	}
	attachment := planRes{typ: "aws_ec2_transit_gateway_vpc_attachment", name: "a", values: map[string]any{"transit_gateway_id": "tgw-9"},
		unknown: map[string]any{"id": true, "vpc_id": true, "subnet_ids": true},
		exprs: map[string]any{"transit_gateway_id": []string{"var.tgw_id"}, "vpc_id": vpcRef,
			"subnet_ids": []string{"aws_subnet.s.id", "aws_subnet.s"}}}
	for _, tc := range []struct {
		name    string
		rs      []planRes
		target  string // "": refused
		refusal string
		warn    string
	}{
		{"inline route to tgw-9", []planRes{inline("transit_gateway_id", "tgw-9")}, "tgw-9", "", "aws_route_table.rt: route 10.0.0.0/8 -> tgw-9 (transit gateway): the plan does not hold tgw-9"},
		{"inline route to tgw-9 and the VPC attachment", []planRes{inline("transit_gateway_id", "tgw-9"), attachment}, "tgw-9", "",
			"aws_ec2_transit_gateway_vpc_attachment.a: transit gateway tgw-9 is not in the plan"},
		{"aws_route to tgw-9", standalone("transit_gateway_id", "tgw-9"), "tgw-9", "", "aws_route.r: route 10.0.0.0/8 -> tgw-9 (transit gateway): the plan does not hold tgw-9"},
		{"inline route to pcx-9", []planRes{inline("vpc_peering_connection_id", "pcx-9")}, "pcx-9", "", "route 10.0.0.0/8 -> pcx-9 (VPC peering connection): the plan does not hold pcx-9"},
		{"aws_route to pcx-9", standalone("vpc_peering_connection_id", "pcx-9"), "pcx-9", "", "aws_route.r: route 10.0.0.0/8 -> pcx-9"},
		{"aws_route to igw-9: refused", standalone("gateway_id", "igw-9"), "", `gateway_id: "igw-9"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := spokeVPCNet(append(tc.rs, planRes{typ: "aws_route_table_association", name: "s", values: map[string]any{},
				unknown: map[string]any{"id": true, "subnet_id": true, "route_table_id": true},
				exprs:   map[string]any{"subnet_id": []string{"aws_subnet.s.id", "aws_subnet.s"}, "route_table_id": []string{"aws_route_table.rt.id", "aws_route_table.rt"}}})...)
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", planOf(t, rs...), &rep)
			if tc.target == "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.refusal)
				return
			}
			require.NoError(t, err, "a route to a target outside the plan is undecided, not a refusal")
			r, err := m.Check(reach.Query{From: "aws_instance.a", To: "10.9.9.9", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), reach.UnmodelledTarget, r.Text())
			assert.Contains(t, r.Text(), tc.target, "the answer names the target")
			assert.Contains(t, strings.Join(rep.Warnings, "\n"), tc.warn)
		})
	}
}

// spokeVPCNet: a VPC the plan creates with a subnet and two instances a,
// b with no group list (the VPC's default group), and the extra
// resources.
func spokeVPCNet(extra ...planRes) []planRes {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	rs := []planRes{
		{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true, "default_security_group_id": true, "default_route_table_id": true}},
		{typ: "aws_subnet", name: "s", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
			exprs: map[string]any{"vpc_id": vpcRef}},
	}
	for _, n := range []string{"a", "b"} {
		rs = append(rs, planRes{typ: "aws_instance", name: n, values: map[string]any{"associate_public_ip_address": false},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "private_ip": true, "public_ip": true},
			exprs:   map[string]any{"subnet_id": []string{"aws_subnet.s.id", "aws_subnet.s"}}})
	}
	return append(rs, extra...)
}

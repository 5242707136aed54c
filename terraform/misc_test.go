package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// miscPlan changes an existing network: a second CIDR block, a main
// route table chosen by association, the default security group managed,
// and an egress-only internet gateway for IPv6.
func miscPlan(t *testing.T) []byte {
	t.Helper()
	known := func(id string, v map[string]any) map[string]any { v["id"] = id; return v }
	inline := func(attrs ...string) map[string]any { // the configuration writes these inline blocks
		e := map[string]any{}
		for _, a := range attrs {
			e[a] = []string{}
		}
		return e
	}
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}, "ipv6_cidr_blocks": []any{"::/0"}}
	allow := []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0},
		map[string]any{"rule_no": 101, "action": "allow", "protocol": "-1", "ipv6_cidr_block": "::/0", "from_port": 0, "to_port": 0}}
	rs := []planRes{
		{typ: "aws_vpc", name: "main", values: known("vpc-1", map[string]any{"cidr_block": "10.0.0.0/16", "ipv6_cidr_block": "2001:db8:1::/56",
			"main_route_table_id": "rtb-main", "default_network_acl_id": "acl-main"})},
		{typ: "aws_vpc_ipv4_cidr_block_association", name: "extra", values: known("cidr-1", map[string]any{"vpc_id": "vpc-1", "cidr_block": "10.1.0.0/16"})},
		{typ: "aws_default_network_acl", name: "main", values: known("acl-main", map[string]any{"default_network_acl_id": "acl-main", "ingress": allow, "egress": allow}),
			exprs: inline("ingress", "egress")},
		{typ: "aws_default_route_table", name: "main", values: known("rtb-main", map[string]any{"default_route_table_id": "rtb-main", "route": []any{}}), exprs: inline("route")},
		{typ: "aws_route_table", name: "v6", values: known("rtb-v6", map[string]any{"vpc_id": "vpc-1", "route": []any{
			map[string]any{"ipv6_cidr_block": "::/0", "egress_only_gateway_id": "eigw-1"}}}), exprs: inline("route")},
		{typ: "aws_main_route_table_association", name: "main", values: known("rtbassoc-m", map[string]any{"vpc_id": "vpc-1", "route_table_id": "rtb-v6"})},
		{typ: "aws_egress_only_internet_gateway", name: "v6", values: known("eigw-1", map[string]any{"vpc_id": "vpc-1"})},
		{typ: "aws_subnet", name: "second", values: known("subnet-2", map[string]any{"vpc_id": "vpc-1", "cidr_block": "10.1.1.0/24", "ipv6_cidr_block": "2001:db8:1:1::/64"})},
		{typ: "aws_default_security_group", name: "main", values: known("sg-default", map[string]any{"vpc_id": "vpc-1", "egress": []any{out},
			"ingress": []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "self": true}}}), exprs: inline("ingress", "egress")},
		{typ: "aws_instance", name: "a", values: known("i-a", map[string]any{"subnet_id": "subnet-2", "private_ip": "10.1.1.10",
			"ipv6_addresses": []any{"2001:db8:1:1::10"}, "vpc_security_group_ids": []any{"sg-default"}})},
		{typ: "aws_instance", name: "b", values: known("i-b", map[string]any{"subnet_id": "subnet-2", "private_ip": "10.1.1.11", "vpc_security_group_ids": []any{"sg-default"}})},
	}
	return planOf(t, rs...)
}

// TestMoreResourceTypes: a second CIDR block, a main route table chosen
// by association, the default security group managed, and an egress-only
// internet gateway for IPv6, on a plan whose values are known (a change
// to an existing network).
func TestMoreResourceTypes(t *testing.T) {
	m, err := terraform.Parse("plan.json", miscPlan(t), nil)
	require.NoError(t, err)
	r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 5432))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "the default group lets its members in, in the second CIDR block: %s", r.Text())
	r, err = m.Check(tcp("aws_instance.a", "198.51.100.7", 443))
	require.NoError(t, err)
	assert.Contains(t, r.Codes(), reach.NoRoute, "the main route table, by association, routes IPv6 only: %s", r.Text())
	assert.Contains(t, r.Text(), "route-table aws_route_table.v6")
	r, err = m.Check(reach.Query{From: "aws_instance.a", To: "2001:db8:ffff::7", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "out through the egress-only gateway: %s", r.Text())
	assert.Contains(t, r.Text(), "egress-only-internet-gateway aws_egress_only_internet_gateway.v6")
}

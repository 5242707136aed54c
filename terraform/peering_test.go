package terraform_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// peeringPlan creates two VPCs joined by a peering connection with the
// given attributes, each with an interface whose group is attached by its
// own resource.
func peeringPlan(t *testing.T, peering map[string]any) []byte {
	t.Helper()
	return planOf(t, peeringResources(peering)...)
}

// peeringResources are peeringPlan's resources. The connection's values
// are configured as given; one whose id is given exists already (its id
// and accept_status known), the others are known only after apply.
func peeringResources(peering map[string]any) []planRes {
	ref := func(addr string) []string { return []string{addr + ".id", addr} }
	anyOut := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	pcx := planRes{typ: "aws_vpc_peering_connection", name: "ab", values: peering, unknown: map[string]any{"vpc_id": true, "peer_vpc_id": true},
		exprs: map[string]any{"vpc_id": ref("aws_vpc.a"), "peer_vpc_id": ref("aws_vpc.b")}}
	if _, ok := peering["id"]; !ok {
		pcx.unknown["id"], pcx.unknown["accept_status"] = true, true
	}
	for k, v := range peering {
		if k != "id" && k != "accept_status" {
			pcx.exprs[k] = v
		}
	}
	rs := []planRes{pcx}
	for i, v := range []string{"a", "b"} {
		other := fmt.Sprintf("10.%d.0.0/16", 2-i)
		rs = append(rs,
			planRes{typ: "aws_vpc", name: v, values: map[string]any{"cidr_block": fmt.Sprintf("10.%d.0.0/16", i+1)},
				unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
			planRes{typ: "aws_subnet", name: v, values: map[string]any{"cidr_block": fmt.Sprintf("10.%d.1.0/24", i+1)},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": ref("aws_vpc." + v)}},
			planRes{typ: "aws_default_route_table", name: v, values: map[string]any{"route": []any{map[string]any{"cidr_block": other}}},
				unknown: map[string]any{"id": true, "default_route_table_id": true, "route": []any{map[string]any{"vpc_peering_connection_id": true}}},
				exprs: map[string]any{"default_route_table_id": []string{"aws_vpc." + v + ".default_route_table_id", "aws_vpc." + v},
					"route": ref("aws_vpc_peering_connection.ab")}},
			planRes{typ: "aws_security_group", name: v, values: map[string]any{"name": v, "egress": []any{anyOut},
				"ingress": []any{map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": []any{"10.0.0.0/8"}}}},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": ref("aws_vpc." + v), "ingress": []string{}, "egress": []string{}}},
			planRes{typ: "aws_network_interface", name: v, values: map[string]any{"private_ips": []any{fmt.Sprintf("10.%d.1.50", i+1)}, "tags": map[string]any{"Name": "eni-" + v}},
				unknown: map[string]any{"id": true, "subnet_id": true, "security_groups": true, "private_ip": true},
				exprs:   map[string]any{"subnet_id": ref("aws_subnet." + v), "private_ips": []any{fmt.Sprintf("10.%d.1.50", i+1)}}},
			planRes{typ: "aws_network_interface_sg_attachment", name: v, values: map[string]any{},
				unknown: map[string]any{"id": true, "security_group_id": true, "network_interface_id": true},
				exprs:   map[string]any{"security_group_id": ref("aws_security_group." + v), "network_interface_id": ref("aws_network_interface." + v)}})
	}
	return rs
}

// TestPeeringAndInterfaces: two new VPCs joined by a new peering
// connection, an interface of their own with a group attached by its own
// resource and attached to an instance.
func TestPeeringAndInterfaces(t *testing.T) {
	q := tcp("aws_network_interface.a", "aws_network_interface.b", 22)

	m, err := terraform.Parse("plan.json", peeringPlan(t, map[string]any{"auto_accept": true}), nil)
	require.NoError(t, err)
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "an auto-accepted peering is active once applied: %s", r.Text())
	assert.Contains(t, r.Text(), "aws_vpc_peering_connection.ab")
	assert.Contains(t, r.Text(), "security-groups aws_vpc.b.default_security_group,aws_security_group.b (eni-b (aws_network_interface.b)) inbound",
		"created without groups, the interface has its VPC's default group, and the group attached by its own resource")

	m, err = terraform.Parse("plan.json", peeringPlan(t, map[string]any{"auto_accept": false}), nil)
	require.NoError(t, err)
	r, err = m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, "another account accepts it, or not: %s", r.Text())
	assert.Contains(t, r.Codes(), reach.PeeringStatusUnknown)
}

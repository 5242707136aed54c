package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// twoArmPlan: existingPublicNet plus a two-armed appliance aws_instance.fw
// (primary in subnet-1, source_dest_check false) with a second
// aws_network_interface.inside in subnet-2 attached to it, and an app
// subnet whose default route goes to fw's primary interface.
// how: "attachment" (aws_network_interface_attachment) or "block" (the
// interface's own attachment block). created: the plan creates the
// instance (its ID known only after apply).
func twoArmPlan(t *testing.T, how string, created bool) []byte {
	rs := existingPublicNet(false)
	fw := planRes{typ: "aws_instance", name: "fw", values: map[string]any{"id": "i-fw", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"},
		"private_ip": "10.1.1.5", "public_ip": "", "associate_public_ip_address": false, "source_dest_check": false, "primary_network_interface_id": "eni-fw"}}
	eni := planRes{typ: "aws_network_interface", name: "inside", values: map[string]any{"id": "eni-in", "subnet_id": "subnet-2", "security_groups": []any{"sg-1"},
		"private_ip": "10.1.2.5", "private_ips": []any{"10.1.2.5"}, "source_dest_check": false}}
	eni.values["security_groups"] = []any{"sg-2"} // no egress rule: a packet the appliance sends out of it is dropped
	att := planRes{typ: "aws_network_interface_attachment", name: "inside", values: map[string]any{"id": "eni-attach-1", "instance_id": "i-fw", "network_interface_id": "eni-in", "device_index": 1}}
	route := planRes{typ: "aws_route", name: "app", values: map[string]any{"route_table_id": "rtb-app", "destination_cidr_block": "10.1.4.0/24", "network_interface_id": "eni-fw"},
		unknown: map[string]any{"id": true}}
	createdM := map[string][]string{"aws_route.app": {"create"}}
	if created {
		fw.values = map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.1.5", "associate_public_ip_address": false, "source_dest_check": false}
		fw.unknown = map[string]any{"id": true, "public_ip": true, "primary_network_interface_id": true}
		createdM["aws_instance.fw"] = []string{"create"}
		route.values = map[string]any{"route_table_id": "rtb-app", "destination_cidr_block": "10.1.4.0/24"}
		route.unknown = map[string]any{"id": true, "network_interface_id": true}
		route.exprs = map[string]any{"network_interface_id": []string{"aws_instance.fw.primary_network_interface_id", "aws_instance.fw"}}
		att.values = map[string]any{"network_interface_id": "eni-in", "device_index": 1}
		att.unknown = map[string]any{"id": true, "instance_id": true}
		att.exprs = map[string]any{"instance_id": []string{"aws_instance.fw.id", "aws_instance.fw"}}
		createdM["aws_network_interface_attachment.inside"] = []string{"create"}
	}
	if how == "block" {
		inst := any("i-fw")
		eni.values["attachment"] = []any{map[string]any{"instance": inst, "device_index": 1, "attachment_id": "eni-attach-1"}}
		if created {
			eni.values["attachment"] = []any{map[string]any{"device_index": 1}}
			eni.unknown = map[string]any{"attachment": []any{map[string]any{"instance": true, "attachment_id": true}}}
			eni.exprs = map[string]any{"attachment": rawExpr{[]any{map[string]any{"instance": map[string]any{"references": []string{"aws_instance.fw.id", "aws_instance.fw"}}, "device_index": map[string]any{"constant_value": 1}}}}}
			createdM["aws_network_interface.inside"] = []string{"update"}
		}
	}
	rs = append(rs, fw, eni,
		planRes{typ: "aws_subnet", name: "inside", values: map[string]any{"id": "subnet-2", "vpc_id": "vpc-1", "cidr_block": "10.1.2.0/24", "map_public_ip_on_launch": false}},
		planRes{typ: "aws_subnet", name: "app", values: map[string]any{"id": "subnet-3", "vpc_id": "vpc-1", "cidr_block": "10.1.3.0/24", "map_public_ip_on_launch": false}},
		planRes{typ: "aws_route_table", name: "app", values: map[string]any{"id": "rtb-app", "vpc_id": "vpc-1", "route": []any{}}, exprs: map[string]any{"vpc_id": "vpc-1"}},
		route,
		planRes{typ: "aws_security_group", name: "inside", values: map[string]any{"id": "sg-2", "name": "inside", "vpc_id": "vpc-1", "ingress": []any{}, "egress": []any{}},
			exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
		planRes{typ: "aws_subnet", name: "db", values: map[string]any{"id": "subnet-4", "vpc_id": "vpc-1", "cidr_block": "10.1.4.0/24", "map_public_ip_on_launch": false}},
		planRes{typ: "aws_instance", name: "db", values: map[string]any{"id": "i-db", "subnet_id": "subnet-4", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.4.10",
			"public_ip": "", "associate_public_ip_address": false}},
		planRes{typ: "aws_route_table_association", name: "app", values: map[string]any{"id": "rtbassoc-3", "subnet_id": "subnet-3", "route_table_id": "rtb-app"}},
		planRes{typ: "aws_instance", name: "app", values: map[string]any{"id": "i-app", "subnet_id": "subnet-3", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.3.10",
			"public_ip": "", "associate_public_ip_address": false}})
	if how == "attachment" {
		rs = append(rs, att)
	}
	if created && how == "block" {
		delete(createdM, "aws_network_interface.inside")
		createdM["aws_network_interface.inside"] = []string{"create"}
	}
	return changePlan(t, nil, createdM, nil, rs...)
}

func interfacesByID(m *reach.Model) map[string]reach.Interface {
	got := map[string]reach.Interface{}
	for _, in := range m.Interfaces() {
		got[in.ID] = in
	}
	return got
}

// TestTwoArmApplianceOneInstance: the second interface of the
// appliance belongs to the same instance as its primary one in the
// plan's model (reach.Interface.Instance, which makes them siblings: a
// packet routed to one may leave by the other), however the plan
// attaches it and whether the instance's ID is known yet; and the
// answer for a packet forwarded through the appliance is the one of
// the known-ID plan.
func TestTwoArmApplianceOneInstance(t *testing.T) {
	q := tcp("aws_instance.app", "aws_instance.db", 443)
	ref, err := terraform.Parse("plan.json", twoArmPlan(t, "attachment", false), nil)
	require.NoError(t, err)
	rr, err := ref.Check(q)
	require.NoError(t, err)
	require.Equal(t, reach.Indeterminate, rr.Outcome, "the appliance may send the packet out of its second interface, whose group drops it:\n%s", rr.Text())
	for _, tc := range []struct {
		how     string
		created bool
	}{{"attachment", false}, {"attachment", true}, {"block", false}, {"block", true}} {
		t.Run(tc.how+map[bool]string{true: "/created", false: "/known"}[tc.created], func(t *testing.T) {
			m, err := terraform.Parse("plan.json", twoArmPlan(t, tc.how, tc.created), nil)
			require.NoError(t, err)
			got := interfacesByID(m)
			fw, ok := got["aws_instance.fw"]
			require.True(t, ok, "%v", got)
			var second reach.Interface
			for id, in := range got {
				if id == "eni-in" || id == "aws_network_interface.inside" {
					second = in
				}
			}
			t.Logf("fw.Instance=%q second=%q Instance=%q", fw.Instance, second.ID, second.Instance)
			assert.True(t, fw.Instance != "" && fw.Instance == second.Instance, "both interfaces of the appliance belong to one instance: fw %q, second %q", fw.Instance, second.Instance)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, rr.Outcome, r.Outcome, r.Text())
			assert.Equal(t, rr.Codes(), r.Codes(), r.Text())
		})
	}
}

// TestAttachmentToInstanceOutsidePlan: two interfaces of the plan
// attached by aws_network_interface_attachment to one instance the plan
// does not hold, by its known ID, belong to that instance
// (reach.Interface.Instance "i-ext"), as an AWS dump would give them.
func TestAttachmentToInstanceOutsidePlan(t *testing.T) {
	rs := existingPublicNet(false)
	for i, n := range []string{"a", "b"} {
		ip := []string{"10.1.1.30", "10.1.1.31"}[i]
		rs = append(rs,
			planRes{typ: "aws_network_interface", name: n, values: map[string]any{"id": "eni-" + n, "subnet_id": "subnet-1", "security_groups": []any{"sg-1"},
				"private_ip": ip, "private_ips": []any{ip}, "source_dest_check": false}},
			planRes{typ: "aws_network_interface_attachment", name: n, values: map[string]any{"id": "eni-attach-" + n, "instance_id": "i-ext", "network_interface_id": "eni-" + n, "device_index": i + 1}})
	}
	m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
	require.NoError(t, err)
	n := 0
	for id, in := range interfacesByID(m) {
		t.Logf("%s subnet %q instance %q", id, in.Subnet, in.Instance)
		if in.Subnet == "subnet-1" || in.Subnet == "aws_subnet.pub" {
			n++
			assert.Equal(t, "i-ext", in.Instance, "%s is attached to i-ext", id)
		}
	}
	assert.Equal(t, 2, n)
}

// TestPeeringAutoAcceptUnknown: a peering connection whose
// auto_accept is known only after apply: a route to it is not certain.
func TestPeeringAutoAcceptUnknown(t *testing.T) {
	rs := peeringResources(map[string]any{})
	rs[0].unknown["auto_accept"] = true
	rs[0].exprs["auto_accept"] = []string{"var.accept"}
	m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
	if err != nil {
		t.Logf("refused: %v", err)
		assert.Contains(t, err.Error(), "aws_vpc_peering_connection.ab")
		assert.Contains(t, err.Error(), "auto_accept")
		return
	}
	r, err := m.Check(tcp("aws_network_interface.a", "aws_network_interface.b", 22))
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	t.Logf("%v %v", r.Outcome, r.Codes())
}

package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/terraform"
)

// TestLaunchTemplateSubnetAndInterface: an instance launched from a
// launch template whose configuration leaves subnet_id out (the plan
// knows it only after apply) is in the subnet of the template's
// network_interfaces block of device_index 0, known or by reference;
// where the plan does not show it (no subnet there, a reference it does
// not resolve, a template outside the plan) it is an error naming the
// instance's subnet_id and what is missing, never another subnet (once
// "unknown subnet", naming nothing). A network interface of its own
// there (network_interface_id) is refused, as the instance's own
// network_interface blocks are (once modelled as an interface the
// instance makes, in its subnet).
func TestLaunchTemplateSubnetAndInterface(t *testing.T) {
	type nic struct{ values, unknown, exprs map[string]any }
	subnetRef := map[string]any{"references": []string{"aws_subnet.app.id", "aws_subnet.app"}}
	for _, tc := range []struct {
		name     string
		nic      *nic   // the template's network_interfaces[0]; nil: no template in the plan
		subnet   string // the instances' subnet in the model
		sentinel error
		err      []string
	}{
		{name: "the template's subnet, by reference", nic: &nic{map[string]any{"device_index": 0}, map[string]any{"subnet_id": true}, map[string]any{"subnet_id": subnetRef}},
			subnet: "aws_subnet.app"},
		{name: "the template's subnet, known", nic: &nic{map[string]any{"device_index": 0, "subnet_id": "subnet-other"}, nil, map[string]any{"subnet_id": map[string]any{"constant_value": "subnet-other"}}},
			subnet: "aws_subnet.other"},
		{name: "no subnet in the template", nic: &nic{map[string]any{"device_index": 0}, nil, map[string]any{}}, sentinel: terraform.ErrUnknownValue,
			err: []string{"aws_instance.api: subnet_id", "neither the configuration nor aws_launch_template.app (network_interfaces of device_index 0) names a subnet"}},
		{name: "the template's subnet from a variable", nic: &nic{map[string]any{"device_index": 0}, map[string]any{"subnet_id": true}, map[string]any{"subnet_id": map[string]any{"references": []string{"var.subnet"}}}},
			sentinel: terraform.ErrUnknownValue, err: []string{"aws_instance.api: subnet_id", "aws_launch_template.app's network_interfaces[0].subnet_id, which the plan does not resolve"}},
		{name: "a template outside the plan", sentinel: terraform.ErrUnknownValue,
			err: []string{"aws_instance.api: subnet_id", "the configuration leaves it to aws_instance.api: launch_template: a launch template the plan does not hold"}},
		{name: "the template's network interface, by reference", nic: &nic{map[string]any{"device_index": 0}, map[string]any{"network_interface_id": true},
			map[string]any{"network_interface_id": map[string]any{"references": []string{"aws_network_interface.x.id", "aws_network_interface.x"}}}},
			sentinel: terraform.ErrInvalidPlan, err: []string{"aws_instance.api: launch_template", "aws_launch_template.app, whose network_interfaces[0].network_interface_id names a network interface"}},
		{name: "the template's network interface, known", nic: &nic{map[string]any{"device_index": 0, "network_interface_id": "eni-1"}, nil, map[string]any{"network_interface_id": map[string]any{"constant_value": "eni-1"}}},
			sentinel: terraform.ErrInvalidPlan, err: []string{"aws_instance.db: launch_template", "names a network interface the instance is launched with"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var extra []planRes
			if tc.nic != nil {
				extra = append(extra, newTemplate(map[string]any{"network_interfaces": []any{tc.nic.values}}, map[string]any{"network_interfaces": []any{tc.nic.unknown}},
					map[string]any{"network_interfaces": rawExpr{[]any{tc.nic.exprs}}}))
			}
			extra = append(extra, planRes{typ: "aws_subnet", name: "other", values: map[string]any{"id": "subnet-other", "cidr_block": "10.1.2.0/24", "map_public_ip_on_launch": false},
				unknown: map[string]any{"vpc_id": true}, exprs: map[string]any{"vpc_id": []string{"aws_vpc.main.id", "aws_vpc.main"}}})
			rs := ltNet(ltRef(nil), extra...)
			for i := range rs {
				if rs[i].typ == "aws_instance" {
					delete(rs[i].exprs, "subnet_id") // left to the template
				}
			}
			m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
			if tc.sentinel != nil {
				require.ErrorIs(t, err, tc.sentinel)
				for _, s := range tc.err {
					assert.ErrorContains(t, err, s)
				}
				return
			}
			require.NoError(t, err)
			n := 0
			for _, it := range m.Interfaces() {
				if it.ID == "aws_instance.api" || it.ID == "aws_instance.db" {
					assert.Equal(t, tc.subnet, it.Subnet, it.ID)
					n++
				}
			}
			assert.Equal(t, 2, n)
		})
	}
}

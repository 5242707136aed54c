package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestDeposedObject: a resource with a deposed object (a
// create_before_destroy whose destroy failed) has two resource_changes
// entries of one address, the current object's and the deposed one's
// ("deposed": its key, actions ["delete"]). The deposed entry says
// nothing of the current object: the new rule's cidr_blocks, known only
// after apply, stay unknown (Indeterminate), whichever entry comes
// last. A deposed object the plan would keep leaves two objects of one
// address in AWS: refused.
func TestDeposedObject(t *testing.T) {
	for _, tc := range []struct {
		name    string
		deposed []string // the deposed entry's actions, nil for none
		err     string   // "": the answer is Indeterminate
	}{
		{name: "no deposed object (control)"},
		{name: "a deposed object the plan deletes", deposed: []string{"delete"}},
		{name: "a deposed object the plan keeps", deposed: []string{"no-op"}, err: "aws_security_group_rule.ssh: \"aws_security_group_rule.ssh\": invalid Terraform plan: the plan keeps a deposed object of this address (actions no-op, deposed 00000001)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false, sgBlock(443))
			rs[5].exprs = map[string]any{"ingress": []string{}, "egress": []string{}}
			rule := planRes{typ: "aws_security_group_rule", name: "ssh", values: map[string]any{"security_group_id": "sg-1", "type": "ingress",
				"protocol": "tcp", "from_port": 22, "to_port": 22, "self": false, "source_security_group_id": nil},
				unknown: map[string]any{"id": true, "cidr_blocks": true},
				exprs:   map[string]any{"security_group_id": "sg-1", "type": "ingress", "cidr_blocks": []string{"aws_eip.x.public_ip", "aws_eip.x"}}}
			plan := changePlan(t, nil, map[string][]string{"aws_security_group_rule.ssh": {"create"}}, nil, append(rs, publicWeb(), rule)...)
			if tc.deposed != nil {
				plan = planEdit(t, plan, func(p map[string]any) {
					p["resource_changes"] = append(p["resource_changes"].([]any), map[string]any{
						"address": "aws_security_group_rule.ssh", "mode": "managed", "type": "aws_security_group_rule", "name": "ssh", "deposed": "00000001",
						"change": map[string]any{"actions": tc.deposed, "after": nil, "after_unknown": map[string]any{},
							"before": map[string]any{"id": "sgrule-old", "security_group_id": "sg-1", "type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22,
								"cidr_blocks": []any{"10.9.0.0/16"}, "self": false}}})
				})
			}
			m, err := terraform.Parse("plan.json", plan, nil)
			if tc.err != "" {
				require.ErrorIs(t, err, terraform.ErrInvalidPlan)
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		})
	}
}

package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestOutsideResourceGroupsInUse: a security group that only a resource
// the reader does not model uses (an aws_lb's security_groups, a Lambda
// function's vpc_config) is in use: lint does not call it unused
// ("delete security group") nor its rules implied, whether the plan
// knows the group's ID or only the configuration's reference to it.
func TestOutsideResourceGroupsInUse(t *testing.T) {
	open443 := []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}}}
	for _, tc := range []struct {
		name  string
		user  planRes
		group planRes
		id    string // the group's model ID (its address: the plan creates it)
	}{
		{"load balancer, known ID",
			planRes{typ: "aws_lb", name: "web", values: map[string]any{"id": "arn:lb", "security_groups": []any{"sg-lb"}, "subnets": []any{"subnet-1"}}},
			planRes{typ: "aws_security_group", name: "lb", values: map[string]any{"id": "sg-lb", "name": "lb", "vpc_id": "vpc-1", "ingress": open443, "egress": []any{}}},
			"aws_security_group.lb"},
		{"lambda function, nested block, ID known after apply",
			planRes{typ: "aws_lambda_function", name: "fn", values: map[string]any{"function_name": "fn", "vpc_config": []any{map[string]any{"subnet_ids": []any{"subnet-1"}}}},
				unknown: map[string]any{"vpc_config": []any{map[string]any{"security_group_ids": true}}},
				exprs: map[string]any{"vpc_config": rawExpr{[]any{map[string]any{
					"security_group_ids": map[string]any{"references": []string{"aws_security_group.lb.id", "aws_security_group.lb"}}}}}}},
			planRes{typ: "aws_security_group", name: "lb", values: map[string]any{"name": "lb", "vpc_id": "vpc-1", "ingress": open443, "egress": []any{}},
				unknown: map[string]any{"id": true}, exprs: map[string]any{"vpc_id": "vpc-1", "ingress": []string{}, "egress": []string{}}},
			"aws_security_group.lb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, append(existingPublicNet(false), tc.group, tc.user)...), nil)
			require.NoError(t, err)
			owner := tc.user.typ + "." + tc.user.name
			assert.Equal(t, []reach.UnmodelledGroupUse{{Owner: owner, What: tc.user.typ + ", which reachsim does not model", Groups: []string{tc.id}}},
				m.UnmodelledGroupUses())
			res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintSGRuleImplied, reach.LintSGUnused}})
			require.NoError(t, err)
			for _, f := range res.Findings {
				assert.NotEqual(t, tc.id, f.Resource, "%s uses %s: %s: %s", owner, tc.id, f.ID, f.Message)
			}
		})
	}
}

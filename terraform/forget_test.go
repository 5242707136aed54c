package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestForgottenResource: a removed block with lifecycle { destroy = false }
// makes the plan forget a resource (its resource_changes entry's actions
// ["forget"], not in planned_values): it leaves the state "without
// changing the underlying infrastructure", so the association of the
// public subnet with rtb-pub (0.0.0.0/0 -> igw) stays, and the internet
// reaches the instance; a deleted association (the control) leaves the
// subnet on the main table (local only). A forget beside a create (a
// replacement that keeps the object that exists) leaves two objects of
// one address in AWS, which the model cannot hold: refused.
func TestForgottenResource(t *testing.T) {
	for _, tc := range []struct {
		name    string
		actions []string
		deposed string
		want    reach.Outcome
		err     string // "": the plan is read
	}{
		{name: "forgotten", actions: []string{"forget"}, want: reach.Reachable},
		{name: "deleted (control)", actions: []string{"delete"}, want: reach.Unreachable},
		{name: "created, the object that exists forgotten", actions: []string{"create", "forget"},
			err: "aws_route_table_association.pub: \"aws_route_table_association.pub\": invalid Terraform plan: the plan forgets an object of this address (actions create, forget)"},
		{name: "a deposed object forgotten", actions: []string{"forget"}, deposed: "00000001", err: "(actions forget, deposed 00000001)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var kept []planRes
			var assoc planRes
			for _, r := range keptRouteNet(true, []any{igwRoute()}) {
				if r.typ == "aws_route_table_association" {
					assoc = r
					continue
				}
				kept = append(kept, r)
			}
			plan := planEdit(t, changePlan(t, nil, nil, nil, kept...), func(p map[string]any) {
				rc := map[string]any{"address": "aws_route_table_association.pub", "mode": "managed", "type": assoc.typ, "name": assoc.name,
					"change": map[string]any{"actions": tc.actions, "before": assoc.values, "after": nil, "after_unknown": map[string]any{}}}
				if tc.deposed != "" {
					rc["deposed"] = tc.deposed
				}
				p["resource_changes"] = append(p["resource_changes"].([]any), rc)
			})
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", plan, &rep)
			if tc.err != "" {
				require.ErrorIs(t, err, terraform.ErrInvalidPlan)
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.actions[0] == "forget" {
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_route_table_association.pub: the plan forgets it (removed from the state, not destroyed)")
			}
		})
	}
}

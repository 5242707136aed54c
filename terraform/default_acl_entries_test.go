package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestDefaultACLEntriesNotComputed: aws_default_network_acl's ingress and
// egress are not Computed (the provider: "We want explicit management of
// Rules here"; its docs: incompatible with aws_network_acl_rule): a
// configuration that leaves ingress out plans it empty, and the update
// deletes the entries AWS held at refresh, an aws_network_acl_rule's
// included; a rule the plan creates comes after the update and stays.
func TestDefaultACLEntriesNotComputed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		created bool // the plan creates the aws_network_acl_rule
		want    reach.Outcome
	}{
		{name: "the update deletes an existing aws_network_acl_rule's entry", want: reach.Unreachable},
		{name: "a rule created after the update stays", created: true, want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			acl := &rs[3]
			acl.exprs = map[string]any{"egress": []string{}} // ingress left out
			acl.values["ingress"] = []any{}                  // as the provider plans it
			before := map[string]any{}
			for k, v := range acl.values {
				before[k] = v
			}
			before["ingress"] = []any{aclBlock(90, 22)} // AWS's at refresh: the rule's entry
			rs = append(rs, publicWeb(), aclRule(90, 22, false))
			var created map[string][]string
			if tc.created {
				created = map[string][]string{"aws_network_acl_rule.ssh": {"create"}}
			}
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", changePlan(t, map[string]map[string]any{"aws_default_network_acl.main": before}, created, nil, rs...), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_network_acl_rule.ssh: aws_default_network_acl.main manages its ingress entries (they are not Computed")
		})
	}
}

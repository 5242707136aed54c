package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestDeletedRuleDuplicatesKept: a standalone rule resource the plan
// deletes whose permission (or ACL entry number) something the plan
// keeps also names (the owner's configured inline blocks, a rule resource
// imported for it): AWS holds one permission, the delete revokes it, and
// nothing adds it back until the next apply. An owner updated in place
// writes only what its blocks change: where they hold it alike before
// and after, the delete revokes it; where the update writes it, in no
// set order with the delete, it is undecided (update_diff_test.go).
func TestDeletedRuleDuplicatesKept(t *testing.T) {
	for _, tc := range []struct {
		name    string
		acl     bool
		import_ bool
		updated bool // the owner is updated in place
		lacked  bool // its ingress blocks before its update are none
		ruleUpd bool // the kept rule resource is updated in place
		deleted planRes
		want    reach.Outcome
	}{
		{name: "group: deleted aws_security_group_rule equal to a configured inline block", deleted: sshRule(), want: reach.Unreachable},
		{name: "group: deleted aws_vpc_security_group_ingress_rule equal to a configured inline block", deleted: sshVPCRule(), want: reach.Unreachable},
		{name: "group updated, its blocks alike before and after: the update leaves the permission, the delete revokes it", updated: true, deleted: sshRule(), want: reach.Unreachable},
		{name: "group updated, its blocks lacking it before: the update authorizes it again, in no set order", updated: true, lacked: true, deleted: sshRule(), want: reach.Indeterminate},
		{name: "acl: deleted aws_network_acl_rule with the number of a configured inline entry", acl: true, deleted: aclRule(90, 22, false), want: reach.Unreachable},
		{name: "acl updated, its blocks alike before and after: the update leaves the entry, the delete removes it", acl: true, updated: true, deleted: aclRule(90, 22, false), want: reach.Unreachable},
		{name: "acl updated, its blocks lacking it before: the update creates it again, in no set order", acl: true, updated: true, lacked: true, deleted: aclRule(90, 22, false), want: reach.Indeterminate},
		{name: "import of the new rule without a removed block for the old", import_: true, deleted: sshRule(), want: reach.Unreachable},
		{name: "a kept rule updated in place, in no set order with the delete", import_: true, ruleUpd: true, deleted: sshRule(), want: reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false, sgBlock(22)) // group ingress configured: tcp/22 from 0.0.0.0/0
			owner := "aws_security_group.web"
			if tc.acl {
				rs = existingPublicNet(false)
				rs[3].values["ingress"] = []any{aclBlock(90, 22)} // configured
				owner = "aws_default_network_acl.main"
			}
			if tc.import_ {
				rs[5].exprs = map[string]any{"egress": []string{}} // ingress left out: computed
				rs = append(rs, sshVPCRule())
			}
			rs = append(rs, publicWeb())
			var before map[string]map[string]any
			if tc.updated {
				before = map[string]map[string]any{owner: updatedBefore(rs, owner)}
				if tc.lacked {
					before[owner]["ingress"] = []any{}
				}
			}
			if tc.ruleUpd {
				b := map[string]any{"description": "old"}
				for k, v := range sshVPCRule().values {
					b[k] = v
				}
				before = map[string]map[string]any{"aws_vpc_security_group_ingress_rule.ssh": b}
			}
			plan := changePlan(t, before, nil, []planRes{tc.deleted}, rs...)
			if tc.import_ {
				plan = asImported(t, plan, "aws_vpc_security_group_ingress_rule.ssh", "sgr-1")
			}
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", plan, &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Unreachable {
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), "which nothing adds back until the next apply", "the revoke is warned of")
			} else {
				assert.Contains(t, r.Text(), "in no set order")
			}
		})
	}
}

// asImported makes the change of addr in plan one that imports id.
func asImported(t *testing.T, plan []byte, addr, id string) []byte {
	t.Helper()
	return planEdit(t, plan, func(p map[string]any) {
		for _, c := range p["resource_changes"].([]any) {
			if c := c.(map[string]any); c["address"] == addr {
				c["change"].(map[string]any)["importing"] = map[string]any{"id": id}
			}
		}
	})
}

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

// TestDeletedRuleDirection: a deleted aws_security_group_rule of type
// egress revokes the egress permission its values name, which the
// group's configured egress block also writes, and not an ingress
// permission of the same shape.
func TestDeletedRuleDirection(t *testing.T) {
	egress := func(proto string, port int) planRes {
		r := sshRule()
		r.values["type"], r.exprs["type"] = "egress", "egress"
		r.values["protocol"], r.values["from_port"], r.values["to_port"] = proto, port, port
		return r
	}
	for _, tc := range []struct {
		name    string
		deleted planRes
		q       reach.Query
		want    reach.Outcome
	}{
		{"egress of every protocol, the egress block's permission: revoked", egress("-1", 0), tcp("aws_instance.web", "198.51.100.7", 443), reach.Unreachable},
		{"egress of tcp/22: the ingress block of tcp/22 stays", egress("tcp", 22), tcp("198.51.100.7", "aws_instance.web", 22), reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(existingPublicNet(false, sgBlock(22)), publicWeb()) // ingress tcp/22, egress everything, both configured
			m, err := terraform.Parse("plan.json", changePlan(t, nil, nil, []planRes{tc.deleted}, rs...), nil)
			require.NoError(t, err)
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestDeletedACLRuleDuplicateKept: an aws_network_acl_rule the plan
// keeps (imported for the entry, say) and one it deletes name the same
// entry (ACL, number, direction): DeleteNetworkAclEntry removes it, and
// the kept resource does not add it back until the next apply; an entry
// of another number stays.
func TestDeletedACLRuleDuplicateKept(t *testing.T) {
	for _, tc := range []struct {
		name   string
		number int // the deleted rule's
		want   reach.Outcome
	}{
		{"the same number: the deny entry is gone, entry 100 allows", 90, reach.Reachable},
		{"another number: the deny entry stays", 91, reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := aclRule(tc.number, 22, true)
			old.name = "old"
			rs := append(existingPublicNet(false), publicWeb(), aclRule(90, 22, true)) // entry 90 denies tcp/22 in
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", changePlan(t, nil, nil, []planRes{old}, rs...), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			revoked := strings.Contains(strings.Join(rep.Warnings, "\n"), "removes entry 90 of this direction, which nothing adds back until the next apply")
			assert.Equal(t, tc.number == 90, revoked, rep.Warnings)
		})
	}
}

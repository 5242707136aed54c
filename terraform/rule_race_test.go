package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// newRule is r as a resource the plan creates under name: its IDs known
// only after apply.
func newRule(r planRes, name string) planRes {
	r.name = name
	delete(r.values, "id")
	delete(r.values, "security_group_rule_id")
	r.unknown = map[string]any{"id": true, "security_group_rule_id": true}
	return r
}

// setBefore gives the resource_changes entry of addr the before values
// before.
func setBefore(t *testing.T, plan []byte, addr string, before map[string]any) []byte {
	return planEdit(t, plan, func(p map[string]any) {
		for _, c := range p["resource_changes"].([]any) {
			if c := c.(map[string]any); c["address"] == addr {
				c["change"].(map[string]any)["before"] = before
			}
		}
	})
}

// TestRuleDeleteCreateRace: a plan that deletes a standalone rule
// resource and creates another with the same permission on the same
// group, nothing ordering the two (a deleted resource is in no
// configuration to be referenced): Terraform runs them in parallel, and
// where the create goes first AWS refuses it (InvalidPermission.Duplicate)
// and the delete revokes the permission, so whether the group holds it
// after apply is undecided, with a warning naming both. A replacement of
// one resource (delete, then create) is ordered, and a new rule of
// another permission races with nothing.
func TestRuleDeleteCreateRace(t *testing.T) {
	cases := []struct {
		name string
		plan func(t *testing.T, rs []planRes) []byte
		want reach.Outcome
		warn string
	}{
		{"aws_security_group_rule deleted, aws_vpc_security_group_ingress_rule created", func(t *testing.T, rs []planRes) []byte {
			return changePlan(t, nil, map[string][]string{"aws_vpc_security_group_ingress_rule.ssh_new": {"create"}}, []planRes{sshRule()}, append(rs, newRule(sshVPCRule(), "ssh_new"))...)
		}, reach.Indeterminate, "the plan deletes aws_security_group_rule.ssh"},
		{"aws_vpc_security_group_ingress_rule deleted, aws_security_group_rule created", func(t *testing.T, rs []planRes) []byte {
			return changePlan(t, nil, map[string][]string{"aws_security_group_rule.ssh_new": {"create"}}, []planRes{sshVPCRule()}, append(rs, newRule(sshRule(), "ssh_new"))...)
		}, reach.Indeterminate, "the plan deletes aws_vpc_security_group_ingress_rule.ssh"},
		{"replaced by another resource (create_before_destroy)", func(t *testing.T, rs []planRes) []byte {
			plan := changePlan(t, map[string]map[string]any{}, map[string][]string{"aws_vpc_security_group_ingress_rule.ssh_new": {"create"}, "aws_security_group_rule.ssh": {"create", "delete"}},
				nil, append(rs, newRule(sshVPCRule(), "ssh_new"), func() planRes { r := sshRule(); r.values["cidr_blocks"] = []any{"192.0.2.0/24"}; return r }())...)
			return setBefore(t, plan, "aws_security_group_rule.ssh", sshRule().values)
		}, reach.Indeterminate, "the plan replaces aws_security_group_rule.ssh"},
		{"one resource replaced (delete, then create): ordered", func(t *testing.T, rs []planRes) []byte {
			plan := changePlan(t, nil, map[string][]string{"aws_security_group_rule.ssh": {"delete", "create"}}, nil, append(rs, sshRule())...)
			return setBefore(t, plan, "aws_security_group_rule.ssh", sshRule().values)
		}, reach.Reachable, ""},
		{"created rule of another permission", func(t *testing.T, rs []planRes) []byte {
			r := newRule(sshVPCRule(), "ssh_new")
			r.values["cidr_ipv4"] = "198.51.100.0/24"
			return changePlan(t, nil, map[string][]string{"aws_vpc_security_group_ingress_rule.ssh_new": {"create"}}, []planRes{sshRule()}, append(rs, r)...)
		}, reach.Reachable, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := existingPublicNet(false, sgBlock(22))
			rs[5].exprs = map[string]any{"egress": []string{}} // ingress left out: computed
			rs = append(rs, publicWeb())
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", c.plan(t, rs), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, c.want, r.Outcome, r.Text())
			warns := strings.Join(rep.Warnings, "\n")
			if c.warn == "" {
				assert.NotContains(t, warns, "InvalidPermission.Duplicate")
				return
			}
			assert.Contains(t, warns, c.warn)
			assert.Contains(t, warns, "InvalidPermission.Duplicate")
		})
	}
}

package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestCreateBeforeDestroySameEntry: a standalone ACL rule or security
// group rule replaced with create_before_destroy (["create","delete"])
// whose new object holds the old one's ACL entry number and direction,
// or a permission of it: AWS refuses the create while the old object
// stands (NetworkAclEntryAlreadyExists, InvalidPermission.Duplicate), so
// the apply fails and the old object stays. The plan is refused, as
// other plans whose apply fails are; a replacement that deletes first,
// or whose new object differs, is read as planned.
func TestCreateBeforeDestroySameEntry(t *testing.T) {
	aclNet := func(rule planRes) []planRes {
		// an aws_network_acl whose configuration leaves ingress out
		// (Optional and Computed there, unlike the default ACL's)
		acl := pubACL(aclBlock(90, 22), aclBlock(100, 0))
		delete(acl.exprs, "ingress")
		return append(existingPublicNet(false), acl, publicWeb(), onPubACL(rule))
	}
	oldRule := onPubACL(aclRule(90, 22, false)).values
	sgNet := func(rule planRes) []planRes {
		rs := existingPublicNet(false, sgBlock(22))
		rs[5].exprs = map[string]any{"egress": []string{}} // ingress computed
		return append(rs, publicWeb(), rule)
	}
	renumbered := aclRule(80, 22, true)
	renumbered.values["id"] = "nacl-2"
	narrowed := sshRule()
	narrowed.values["cidr_blocks"] = []any{"192.0.2.0/24"}
	cases := []struct {
		name    string
		addr    string
		actions []string
		rs      []planRes
		before  map[string]any
		want    reach.Outcome
		refused string
	}{
		{"acl rule, same number, create_before_destroy", "aws_network_acl_rule.ssh", []string{"create", "delete"}, aclNet(aclRule(90, 22, true)),
			oldRule, 0, "NetworkAclEntryAlreadyExists"},
		{"acl rule, same number, delete first", "aws_network_acl_rule.ssh", []string{"delete", "create"}, aclNet(aclRule(90, 22, true)),
			oldRule, reach.Unreachable, ""},
		{"acl rule, new number, create_before_destroy", "aws_network_acl_rule.ssh", []string{"create", "delete"}, aclNet(renumbered),
			oldRule, reach.Unreachable, ""},
		{"group rule, same permission, create_before_destroy", "aws_security_group_rule.ssh", []string{"create", "delete"}, sgNet(sshRule()),
			func() map[string]any { r := sshRule(); r.values["description"] = "old"; return r.values }(), 0, "InvalidPermission.Duplicate"},
		{"group rule, other permission, create_before_destroy", "aws_security_group_rule.ssh", []string{"create", "delete"}, sgNet(narrowed),
			sshRule().values, reach.Unreachable, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := setBefore(t, changePlan(t, nil, map[string][]string{c.addr: c.actions}, nil, c.rs...), c.addr, c.before)
			m, err := terraform.Parse("plan.json", plan, nil)
			if c.refused != "" {
				require.ErrorIs(t, err, terraform.ErrInvalidPlan)
				assert.Contains(t, err.Error(), c.refused)
				assert.Contains(t, err.Error(), c.addr)
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, c.want, r.Outcome, r.Text())
		})
	}
}

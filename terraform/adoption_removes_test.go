package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestAdoptionRemovesExistingStandaloneEntry: the plan adopts
// the default network ACL of a VPC that exists (aws_default_network_acl
// created: it lists only "allow all" inbound) while an
// aws_network_acl_rule that already exists (no-op) holds entry 90 deny
// tcp/22 on it. On first adoption the provider removes every entry the
// ACL holds, then adds those it lists, so after apply entry 90 is gone
// (and the plan does not recreate it: the rule resource is a no-op).
// The internet's tcp/22 to web is then reachable.
func TestAdoptionRemovesExistingStandaloneEntry(t *testing.T) {
	rs := existingPublicNet(false)
	acl := &rs[3]
	acl.exprs["default_network_acl_id"] = []string{"aws_vpc.main.default_network_acl_id", "aws_vpc.main"}
	rule := aclRule(90, 22, true)
	rule.exprs = map[string]any{"network_acl_id": []string{"aws_vpc.main.default_network_acl_id", "aws_vpc.main"}}
	rs = append(rs, publicWeb(), rule)
	m, err := terraform.Parse("plan.json", changePlan(t, nil, map[string][]string{"aws_default_network_acl.main": {"create"}}, nil, rs...), nil)
	require.NoError(t, err)
	r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "the adoption removes the existing entry 90:\n%s", r.Text())
}

// TestAdoptionRemovesExistingStandaloneEntryIDUnknown: as
// above, with the adopted ACL's id known only after apply, as a created
// resource's id is in a plan.
func TestAdoptionRemovesExistingStandaloneEntryIDUnknown(t *testing.T) {
	rs := existingPublicNet(false)
	acl := &rs[3]
	delete(acl.values, "id")
	acl.unknown = map[string]any{"id": true}
	acl.exprs["default_network_acl_id"] = []string{"aws_vpc.main.default_network_acl_id", "aws_vpc.main"}
	rule := aclRule(90, 22, true)
	rule.exprs = map[string]any{"network_acl_id": []string{"aws_vpc.main.default_network_acl_id", "aws_vpc.main"}}
	rs = append(rs, publicWeb(), rule)
	m, err := terraform.Parse("plan.json", changePlan(t, nil, map[string][]string{"aws_default_network_acl.main": {"create"}}, nil, rs...), nil)
	require.NoError(t, err)
	r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "the adoption removes the existing entry 90:\n%s", r.Text())
}

// TestAdoptionRevokesExistingStandaloneRule: the plan adopts
// the default security group sg-1 of a VPC that exists
// (aws_default_security_group created, no ingress) while an
// aws_security_group_rule that already exists (no-op) allows tcp/22 on
// it. The adoption revokes every rule the group holds, and the plan does
// not recreate the rule: tcp/22 to web is not reachable after apply.
func TestAdoptionRevokesExistingStandaloneRule(t *testing.T) {
	for _, idKnown := range []bool{true, false} {
		name := "id known"
		if !idKnown {
			name = "id known only after apply"
		}
		t.Run(name, func(t *testing.T) {
			rs := existingPublicNet(false)
			rs[0].values["default_security_group_id"] = "sg-1"
			out := []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}
			rs[5] = planRes{typ: "aws_default_security_group", name: "web", values: map[string]any{"vpc_id": "vpc-1", "ingress": []any{}, "egress": out},
				exprs: map[string]any{"vpc_id": []string{"aws_vpc.main.id", "aws_vpc.main"}, "egress": []string{}}}
			if idKnown {
				rs[5].values["id"] = "sg-1"
			} else {
				rs[5].unknown = map[string]any{"id": true}
			}
			rule := sshRule()
			rule.exprs = map[string]any{"security_group_id": []string{"aws_vpc.main.default_security_group_id", "aws_vpc.main"}, "type": "ingress"}
			rs = append(rs, publicWeb(), rule)
			m, err := terraform.Parse("plan.json", changePlan(t, nil, map[string][]string{"aws_default_security_group.web": {"create"}}, nil, rs...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, r.Outcome, "the adoption revokes the existing rule:\n%s", r.Text())
		})
	}
}

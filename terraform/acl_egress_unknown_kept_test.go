package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestACLRuleEgressUnknownKeepsEntries: a new aws_network_acl_rule 100
// (allow tcp/22 from everywhere) whose egress may be known only after
// apply, on an existing default ACL whose configuration leaves ingress and
// egress out, so AWS's entries stay: outbound 100 allows all, and inbound
// holds 200 (tcp/443) or 100 (tcp/22). AWS holds one entry per number and
// direction (semantics.md B.2): the kept entry of number 100 stays
// whatever egress turns out to be (in its direction CreateNetworkAclEntry
// fails with NetworkAclEntryAlreadyExists), so only the direction the
// kept entries do not decide is undecided; the rule takes no kept entry
// away in both directions.
func TestACLRuleEgressUnknownKeepsEntries(t *testing.T) {
	for _, tc := range []struct {
		name    string
		egress  any // nil: known only after apply
		ingress []any
		want    reach.Outcome
	}{
		{"egress known only after apply, inbound 200 kept", nil, []any{aclBlock(200, 443)}, reach.Indeterminate},
		{"egress false, inbound 200 kept", false, []any{aclBlock(200, 443)}, reach.Reachable},
		{"egress known only after apply, inbound 100 kept allows ssh", nil, []any{aclBlock(100, 22)}, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			rs[3].values["ingress"] = tc.ingress
			rs[3].values["egress"] = []any{aclBlock(100, 0)}
			rs[3].exprs = map[string]any{}
			rule := planRes{typ: "aws_network_acl_rule", name: "ssh", values: map[string]any{"network_acl_id": "acl-main", "rule_number": 100,
				"protocol": "6", "rule_action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22, "icmp_type": nil, "icmp_code": nil},
				unknown: map[string]any{"id": true}, exprs: map[string]any{"network_acl_id": "acl-main", "egress": tc.egress}}
			if tc.egress == nil {
				rule.unknown["egress"] = true
				rule.exprs["egress"] = []string{"aws_ssm_parameter.x.value", "aws_ssm_parameter.x"}
			} else {
				rule.values["egress"] = tc.egress
			}
			plan := changePlan(t, nil, map[string][]string{"aws_network_acl_rule.ssh": {"create"}}, nil, append(rs, publicWeb(), rule)...)
			m, err := terraform.Parse("plan.json", plan, nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

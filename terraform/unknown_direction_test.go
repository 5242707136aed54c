package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestACLRuleEgressUnknown: an aws_network_acl_rule whose egress is known
// only after apply is an entry of either direction, its match unknown in
// each: on a default ACL with no inbound entries, whether it allows
// inbound ssh is undecided (it was read as inbound: a certain Reachable).
// Known, egress decides as written. (The plan adopts the default ACL: the
// rule's depends_on orders it after the adoption.)
func TestACLRuleEgressUnknown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		egress any // nil: known only after apply
		want   reach.Outcome
	}{
		{"egress known only after apply", nil, reach.Indeterminate},
		{"egress false", false, reach.Reachable},
		{"egress true", true, reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			rs[3].values["ingress"] = []any{}
			rule := planRes{typ: "aws_network_acl_rule", name: "ssh", values: map[string]any{"network_acl_id": "acl-main", "rule_number": 110,
				"protocol": "6", "rule_action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22, "icmp_type": nil, "icmp_code": nil},
				unknown: map[string]any{"id": true}, exprs: map[string]any{"network_acl_id": "acl-main", "egress": tc.egress, "depends_on": []string{"aws_default_network_acl.main"}}}
			if tc.egress == nil {
				rule.unknown["egress"] = true
				rule.exprs["egress"] = []string{"aws_ssm_parameter.x.value", "aws_ssm_parameter.x"}
			} else {
				rule.values["egress"] = tc.egress
			}
			m, err := terraform.Parse("plan.json", planOf(t, append(rs, publicWeb(), rule)...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestGroupRuleSelfUnknown: a security group rule whose self is known
// only after apply may or may not name its own group: whether it allows
// a member of the group is undecided (it was read as self = false: a
// certain Unreachable). Known, self decides as written.
func TestGroupRuleSelfUnknown(t *testing.T) {
	for _, tc := range []struct {
		name string
		self any // nil: known only after apply
		want reach.Outcome
	}{
		{"self known only after apply", nil, reach.Indeterminate},
		{"self true", true, reach.Reachable},
		{"self false", false, reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false, sgBlock(443))
			rs[5].exprs = map[string]any{"ingress": []string{}, "egress": []string{}}
			peer := planRes{typ: "aws_instance", name: "peer", values: map[string]any{"id": "i-2", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"},
				"private_ip": "10.1.1.11", "public_ip": "", "associate_public_ip_address": false}}
			rule := planRes{typ: "aws_security_group_rule", name: "ssh", values: map[string]any{"security_group_id": "sg-1", "type": "ingress",
				"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": nil, "source_security_group_id": nil},
				unknown: map[string]any{"id": true}, exprs: map[string]any{"security_group_id": "sg-1", "type": "ingress", "self": tc.self}}
			if tc.self == nil {
				rule.unknown["self"] = true
				rule.exprs["self"] = []string{"var.self"}
			} else {
				rule.values["self"] = tc.self
			}
			plan := changePlan(t, nil, map[string][]string{"aws_security_group_rule.ssh": {"create"}}, nil, append(rs, publicWeb(), peer, rule)...)
			m, err := terraform.Parse("plan.json", plan, nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.peer", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestACLRuleProtocolOrActionUnknown: an aws_network_acl_rule (entry 100)
// whose protocol or rule_action is known only after apply, on the
// existing default ACL (left as it is) whose ingress holds the given
// entries: an entry that may match any packet, or may allow or deny, so
// a query it could decide otherwise than the known entries is
// indeterminate (ACL_INDETERMINATE, naming the attribute), and the rest
// keep their answers. The plan was refused with two joined errors for
// one attribute ("the model needs it" and `invalid protocol ""` / "allow
// or deny"). A rule_action missing or of another word is one error. Where the rule is
// created in no set order with the adoption of the ACL, the entry keeps
// its unknown protocol, action or ports (its unknown ports were dropped
// there: a certain answer).
// (audit tf23 finding 3)
func TestACLRuleProtocolOrActionUnknown(t *testing.T) {
	inet := "198.51.100.7"
	allowAll := []any{aclBlock(200, 0)}
	udp53 := reach.Query{From: inet, To: "aws_instance.web", Protocol: flow.UDP, Port: 53}
	for _, tc := range []struct {
		name    string
		ingress []any
		values  map[string]any // over tcp/22 deny
		unknown string         // the attribute known only after apply
		q       reach.Query
		want    reach.Outcome
		err     string // refused: the one error's text
		adopt   bool   // the plan adopts the ACL, unordered with the rule
	}{
		{"protocol unknown, deny: tcp/22", allowAll, nil, "protocol", tcp(inet, "aws_instance.web", 22), reach.Indeterminate, "", false},
		{"protocol unknown, deny: udp/53 too", allowAll, nil, "protocol", udp53, reach.Indeterminate, "", false},
		{"protocol unknown, allow: allowed anyway", allowAll, map[string]any{"rule_action": "allow"}, "protocol", udp53, reach.Reachable, "", false},
		{"protocol unknown, allow: may allow what is denied", []any{}, map[string]any{"rule_action": "allow"}, "protocol", udp53, reach.Indeterminate, "", false},
		{"action unknown: may deny tcp/22", allowAll, nil, "rule_action", tcp(inet, "aws_instance.web", 22), reach.Indeterminate, "", false},
		{"action unknown: may allow tcp/22", []any{}, nil, "rule_action", tcp(inet, "aws_instance.web", 22), reach.Indeterminate, "", false},
		{"action unknown: tcp/23 not matched", allowAll, nil, "rule_action", tcp(inet, "aws_instance.web", 23), reach.Reachable, "", false},
		{"action unknown, rule unordered with the adoption of the ACL", allowAll, nil, "rule_action", tcp(inet, "aws_instance.web", 22), reach.Indeterminate, "", true},
		{"protocol unknown, rule unordered with the adoption of the ACL", []any{}, map[string]any{"rule_action": "allow"}, "protocol", udp53, reach.Indeterminate, "", true},
		{"from_port unknown, rule unordered with the adoption of the ACL", []any{}, map[string]any{"rule_action": "allow"}, "from_port", tcp(inet, "aws_instance.web", 22), reach.Indeterminate, "", true},
		{"action missing", allowAll, map[string]any{"rule_action": nil}, "", reach.Query{}, 0, "rule_action: invalid Terraform plan: missing", false},
		{"action of another word", allowAll, map[string]any{"rule_action": "permit"}, "", reach.Query{}, 0, `rule_action: "permit": invalid Terraform plan: allow or deny`, false},
		{"protocol of another word", allowAll, map[string]any{"protocol": "tcpx"}, "", reach.Query{}, 0, `protocol: "tcpx": invalid Terraform plan: invalid protocol "tcpx"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			rs[3].values["ingress"] = tc.ingress
			values := map[string]any{"network_acl_id": "acl-main", "rule_number": 100, "egress": false, "cidr_block": "0.0.0.0/0", "protocol": "6",
				"rule_action": "deny", "from_port": 22, "to_port": 22, "icmp_type": nil, "icmp_code": nil, "ipv6_cidr_block": nil}
			for k, v := range tc.values {
				values[k] = v
			}
			rule := planRes{typ: "aws_network_acl_rule", name: "r", values: values, unknown: map[string]any{"id": true}, exprs: map[string]any{"network_acl_id": "acl-main"}}
			if tc.unknown != "" {
				delete(values, tc.unknown)
				rule.unknown[tc.unknown] = true
				rule.exprs[tc.unknown] = []string{"var.x"}
			}
			var rep terraform.Report
			actions := map[string][]string{"aws_network_acl_rule.r": {"create"}}
			if tc.adopt {
				actions["aws_default_network_acl.main"] = []string{"create"}
			}
			m, err := terraform.Parse("plan.json", changePlan(t, nil, actions, nil, append(rs, publicWeb(), rule)...), &rep)
			if tc.err != "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, terraform.ErrInvalidPlan)
				assert.Contains(t, err.Error(), tc.err)
				assert.NotContains(t, err.Error(), "\n", "one error: %v", err)
				return
			}
			require.NoError(t, err, "an entry whose protocol or action is known only after apply is undecided, not refused")
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, "%s\nwarnings: %q", r.Text(), rep.Warnings)
			if tc.adopt {
				assert.Contains(t, r.Text(), "adopts the default", "the answer names the adoption")
				return
			}
			if tc.want == reach.Indeterminate {
				assert.Contains(t, r.Codes(), reach.ACLIndeterminate, r.Text())
				assert.Contains(t, r.Text(), "aws_network_acl_rule.r: "+tc.unknown, "the answer names the attribute")
			}
			assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_network_acl_rule.r: "+tc.unknown+": known only after apply")
		})
	}
}

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

// TestFirewallPolicyGroupOutsidePlan: a policy's stateful_rule_group_reference
// to a group whose rules the plan does not hold, an AWS managed group
// (AWS does not publish its rules) or a customer group that exists outside
// the plan, by a known ARN, is an opaque group with a warning: the plan
// loads, and what the group could decide is Indeterminate naming it. It
// was refused as ErrInvalidPlan (audit tffw19 finding 4).
func TestFirewallPolicyGroupOutsidePlan(t *testing.T) {
	const (
		managed = "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesMalwareActionOrder"
		shared  = "arn:aws:network-firewall:eu-west-1:111122223333:stateful-rulegroup/shared"
	)
	for _, tc := range []struct {
		name, arn string
		expr      map[string]any // the reference's resource_arn in the configuration
		missing   string
	}{
		{"an AWS managed group", managed, map[string]any{"constant_value": managed},
			"the rules of AWS managed rule group " + managed + ", which AWS does not publish"},
		{"a customer group outside the plan", shared, map[string]any{"references": []any{"var.shared_group_arn"}},
			"the rules of rule group " + shared + ", which the plan does not hold (the group exists outside it)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := fwEdit(t, firewallPlan(t), "aws_networkfirewall_firewall_policy.p", func(v, u, _, e map[string]any) {
				fp := v["firewall_policy"].([]any)[0].(map[string]any)
				fp["stateful_rule_group_reference"] = append(fp["stateful_rule_group_reference"].([]any), map[string]any{"resource_arn": tc.arn})
				fu := u["firewall_policy"].([]any)[0].(map[string]any)
				fu["stateful_rule_group_reference"] = []any{map[string]any{"resource_arn": true}, map[string]any{}}
				cb := e["firewall_policy"].([]any)[0].(map[string]any)
				cb["stateful_rule_group_reference"] = append(cb["stateful_rule_group_reference"].([]any), map[string]any{"resource_arn": tc.expr})
			})
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", plan, rep)
			require.NoError(t, err, "a valid plan: the group's rules are unknown, so what they could decide is undecided")
			assert.Contains(t, strings.Join(rep.Warnings, "\n"), "stateful_rule_group_reference "+tc.arn+": the input lacks "+tc.missing)

			// DEFAULT_ACTION_ORDER: the plan's group passes HTTPS for
			// certain, and a pass beats whatever the other group drops
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())

			// SSH: the plan's group drops it, but the other group may pass it
			r, err = m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			found := false
			for _, h := range r.Forward {
				if h.Kind == reach.KindFirewall && h.Verdict == flow.Indeterminate {
					found = true
					assert.Equal(t, tc.missing, h.Missing, r.Text())
				}
			}
			assert.True(t, found, "the firewall's hop is Indeterminate: %s", r.Text())
		})
	}
}

// TestFirewallPolicyOutsidePlan: a firewall whose firewall_policy_arn is a
// known ARN the plan does not hold (a policy that exists outside it) was
// refused as ErrInvalidPlan; it now loads with a warning, its policy one
// whose rules are unknown: what crosses the firewall is Indeterminate,
// naming the policy, and what does not cross it is answered as before.
func TestFirewallPolicyOutsidePlan(t *testing.T) {
	const arn = "arn:aws:network-firewall:eu-west-1:111122223333:firewall-policy/shared"
	plan := fwEdit(t, firewallPlan(t), "aws_networkfirewall_firewall.fw", func(v, u, _, e map[string]any) {
		v["firewall_policy_arn"] = arn
		delete(u, "firewall_policy_arn")
		e["firewall_policy_arn"] = map[string]any{"references": []any{"var.shared_policy_arn"}}
	})
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", plan, rep)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "firewall policy "+arn+" is not in the plan")
	for _, port := range []uint16{443, 22} {
		r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", port))
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		assert.Contains(t, r.Text(), "the rules of firewall policy "+arn+", which the plan does not hold")
	}
}

// TestRuleGroupReferencePriorityFromVariable: a policy's rule group
// reference whose priority comes from a variable has no constant value in
// the configuration, so the planned block (a set element, in no
// configuration order) could not be paired with it and the plan was
// refused; with one block whose group's ARN is known only after apply and
// one configured reference to a rule group of the plan, they pair by
// elimination. Two such blocks stay refused: which group has which
// priority is not in the plan.
func TestRuleGroupReferencePriorityFromVariable(t *testing.T) {
	stateless := map[string]any{"stateless_rules_and_custom_actions": []any{map[string]any{"stateless_rule": []any{map[string]any{"priority": 1,
		"rule_definition": []any{map[string]any{"actions": []any{"aws:drop"}, "match_attributes": []any{map[string]any{
			"protocols": []any{6}, "destination_port": []any{map[string]any{"from_port": 22, "to_port": 22}},
			"destination": []any{map[string]any{"address_definition": "10.0.1.0/24"}}}}}}}}}}}
	base := firewallPlanWith(t, "STATELESS", map[string]any{"rules_source": []any{stateless}})
	byVar := func(two bool) []byte {
		return fwEdit(t, base, "aws_networkfirewall_firewall_policy.p", func(v, u, _, e map[string]any) {
			refs := e["firewall_policy"].([]any)[0].(map[string]any)["stateless_rule_group_reference"].([]any)
			refs[0].(map[string]any)["priority"] = map[string]any{"references": []any{"var.p"}}
			if two {
				fp := v["firewall_policy"].([]any)[0].(map[string]any)
				fp["stateless_rule_group_reference"] = append(fp["stateless_rule_group_reference"].([]any), map[string]any{"priority": 2})
				fu := u["firewall_policy"].([]any)[0].(map[string]any)
				fu["stateless_rule_group_reference"] = append(fu["stateless_rule_group_reference"].([]any), map[string]any{"resource_arn": true})
				refs = append(refs, map[string]any{"priority": map[string]any{"references": []any{"var.q"}},
					"resource_arn": map[string]any{"references": []any{"aws_networkfirewall_rule_group.web.arn", "aws_networkfirewall_rule_group.web"}}})
				e["firewall_policy"].([]any)[0].(map[string]any)["stateless_rule_group_reference"] = refs
			}
		})
	}
	m, err := terraform.Parse("plan.json", byVar(false), nil)
	require.NoError(t, err)
	r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	r, err = m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
	require.NoError(t, err)
	assert.Contains(t, r.Codes(), reach.FirewallDrop, r.Text())

	_, err = terraform.Parse("plan.json", byVar(true), nil)
	require.ErrorIs(t, err, terraform.ErrUnknownValue)
	assert.Contains(t, err.Error(), "no reference in the configuration names the rule group")
}

package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// fwEdit rewrites resource addr of plan: fn gets its planned values (in
// planned_values and change.after alike), its after_unknown, its change
// and its configuration's expressions.
func fwEdit(t *testing.T, plan []byte, addr string, fn func(values, unknown, change, exprs map[string]any)) []byte {
	t.Helper()
	return planEdit(t, plan, func(p map[string]any) {
		var after, unknown, change, exprs map[string]any
		for _, c := range p["resource_changes"].([]any) {
			if c := c.(map[string]any); c["address"] == addr {
				change = c["change"].(map[string]any)
				after = change["after"].(map[string]any)
				if change["after_unknown"] == nil {
					change["after_unknown"] = map[string]any{}
				}
				unknown = change["after_unknown"].(map[string]any)
			}
		}
		for _, c := range p["configuration"].(map[string]any)["root_module"].(map[string]any)["resources"].([]any) {
			if c := c.(map[string]any); c["address"] == addr {
				if c["expressions"] == nil {
					c["expressions"] = map[string]any{}
				}
				exprs = c["expressions"].(map[string]any)
			}
		}
		require.NotNil(t, change, addr)
		fn(after, unknown, change, exprs)
		for _, r := range p["planned_values"].(map[string]any)["root_module"].(map[string]any)["resources"].([]any) {
			if r := r.(map[string]any); r["address"] == addr {
				r["values"] = after
			}
		}
	})
}

// nest wraps leaf, the innermost block, in a block path: nest(x, "a",
// "b") is {"a": [{"b": [x]}]}, as after_unknown writes nested blocks.
func nest(leaf any, path ...string) any {
	leaf = []any{leaf}
	for i := len(path) - 1; i >= 0; i-- {
		leaf = []any{map[string]any{path[i]: leaf}}
	}
	return leaf.([]any)[0]
}

// TestRuleGroupRulesOverComputedRuleGroup: a rule group whose
// configuration sets the top-level rules is read from them, not from
// rule_group, which is Optional and Computed: updated in place, the plan's
// rule_group keeps the rules the provider last read, while the provider
// sends the new rules ("rules takes precedence").
func TestRuleGroupRulesOverComputedRuleGroup(t *testing.T) {
	const oldRules = "pass tcp any any -> $HOME_NET any (sid:1;)"
	const arn = "arn:aws:network-firewall:eu-west-1:111122223333:stateful-rulegroup/web"
	update := func(configured, unknown bool) []byte {
		return fwEdit(t, firewallPlan(t), "aws_networkfirewall_rule_group.web", func(v, u, c, e map[string]any) {
			v["rule_group"] = []any{map[string]any{"rules_source": []any{map[string]any{"rules_string": oldRules}}}}
			v["arn"] = arn
			delete(u, "arn")
			c["actions"] = []any{"update"}
			c["before"] = map[string]any{"name": "web", "type": "STATEFUL", "capacity": 10, "rules": oldRules, "arn": arn,
				"rule_group": []any{map[string]any{"rules_source": []any{map[string]any{"rules_string": oldRules}}}}}
			switch {
			case unknown:
				u["rules"] = true
				e["rules"] = map[string]any{"references": []any{"local.rules"}}
			case configured:
				v["rules"] = firewallRules // pass 443, drop other TCP (sid 2)
				e["rules"] = map[string]any{"constant_value": firewallRules}
			default: // the configuration writes rule_group: rules is null
				e["rule_group"] = []any{}
			}
		})
	}
	for _, tc := range []struct {
		name       string
		configured bool
		want       reach.Outcome
	}{
		{"rules set: the new rules drop ssh", true, reach.Unreachable},
		{"rule_group set: its rules_string passes ssh", false, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", update(tc.configured, false), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			r, err = m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		})
	}
	t.Run("rules known only after apply", func(t *testing.T) {
		_, err := terraform.Parse("plan.json", update(false, true), nil)
		require.ErrorIs(t, err, terraform.ErrUnknownValue)
		assert.ErrorContains(t, err, "aws_networkfirewall_rule_group.web: rules: known only after apply")
	})
}

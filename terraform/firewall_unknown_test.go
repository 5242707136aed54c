package terraform_test

import (
	"errors"
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

// TestFirewallValuesUnknown: a rule group's or policy's value that
// Terraform knows only after apply and that decides what the rules match
// (a variable such as HOME_NET, a rules string, a rule's header, a
// stateless rule's match set, a domain list's targets) is an error
// wrapping ErrUnknownValue naming the attribute, never read as absent
// (an empty variable, a match set that matches everything), and without
// follow-on errors blaming the policy or the routes.
func TestFirewallValuesUnknown(t *testing.T) {
	const group, policy = "aws_networkfirewall_rule_group.web", "aws_networkfirewall_firewall_policy.p"
	stateless := func(ma map[string]any) map[string]any {
		return map[string]any{"rules_source": []any{map[string]any{"stateless_rules_and_custom_actions": []any{map[string]any{"stateless_rule": []any{map[string]any{"priority": 1,
			"rule_definition": []any{map[string]any{"actions": []any{"aws:drop"}, "match_attributes": []any{ma}}}}}}}}}}
	}
	dropSSH := map[string]any{"protocols": []any{6}, "destination_port": []any{map[string]any{"from_port": 22, "to_port": 22}}}
	matchPath := []string{"rule_group", "rules_source", "stateless_rules_and_custom_actions", "stateless_rule", "rule_definition", "match_attributes"}
	statelessUnknown := func(attr string, leaf any) func(v, u, c, e map[string]any) {
		return func(_, u, _, _ map[string]any) {
			u["rule_group"] = []any{nest(map[string]any{attr: leaf}, matchPath[1:]...)}
		}
	}
	for _, tc := range []struct {
		name, typ string
		group     map[string]any // the rule group; nil for firewallPlan's
		addr      string
		edit      func(v, u, c, e map[string]any)
		path      string
	}{
		{name: "the policy's HOME_NET", addr: policy, edit: func(v, u, _, _ map[string]any) {
			v["firewall_policy"].([]any)[0].(map[string]any)["policy_variables"] = []any{map[string]any{"rule_variables": []any{map[string]any{"key": "HOME_NET", "ip_set": []any{map[string]any{}}}}}}
			u["firewall_policy"].([]any)[0].(map[string]any)["policy_variables"] = []any{nest(map[string]any{"definition": true}, "rule_variables", "ip_set")}
		}, path: policy + ": firewall_policy[0].policy_variables[0].rule_variables[0].ip_set[0].definition"},
		{name: "the policy's stateful references, all of them", addr: policy, edit: func(_, u, _, _ map[string]any) {
			u["firewall_policy"] = []any{map[string]any{"stateful_rule_group_reference": true}}
		}, path: policy + ": firewall_policy[0].stateful_rule_group_reference"},
		{name: "a group's IP set variable", typ: "STATEFUL", group: map[string]any{
			"rule_variables": []any{map[string]any{"ip_sets": []any{map[string]any{"key": "WEB", "ip_set": []any{map[string]any{}}}}}},
			"rules_source":   []any{map[string]any{"rules_string": "pass tcp any any -> $WEB 443 (sid:1;)\ndrop tcp any any -> any any (sid:2;)"}}},
			addr: group, edit: func(_, u, _, _ map[string]any) {
				u["rule_group"] = []any{nest(map[string]any{"definition": true}, "rule_variables", "ip_sets", "ip_set")}
			}, path: group + ": rule_group[0].rule_variables[0].ip_sets[0].ip_set[0].definition"},
		{name: "the rules string", addr: group, edit: func(v, u, _, _ map[string]any) {
			v["rule_group"].([]any)[0].(map[string]any)["rules_source"] = []any{map[string]any{}}
			u["rule_group"] = []any{nest(map[string]any{"rules_string": true}, "rules_source")}
		}, path: group + ": rule_group[0].rules_source[0].rules_string"},
		{name: "a domain list's targets", typ: "STATEFUL", group: map[string]any{"rules_source": []any{map[string]any{"rules_source_list": []any{map[string]any{
			"generated_rules_type": "ALLOWLIST", "target_types": []any{"TLS_SNI", "HTTP_HOST"}}}}}},
			addr: group, edit: func(_, u, _, _ map[string]any) {
				u["rule_group"] = []any{nest(map[string]any{"targets": true}, "rules_source", "rules_source_list")}
			}, path: group + ": rule_group[0].rules_source[0].rules_source_list[0].targets"},
		{name: "a stateful rule's destination", typ: "STATEFUL", group: map[string]any{"rules_source": []any{map[string]any{"stateful_rule": []any{map[string]any{
			"action": "DROP", "rule_option": []any{map[string]any{"keyword": "sid", "settings": []any{"1"}}}, "header": []any{map[string]any{
				"protocol": "TCP", "source": "ANY", "source_port": "ANY", "direction": "FORWARD", "destination_port": "22"}}}}}}},
			addr: group, edit: func(_, u, _, _ map[string]any) {
				u["rule_group"] = []any{nest(map[string]any{"destination": true}, "rules_source", "stateful_rule", "header")}
			}, path: group + ": rule_group[0].rules_source[0].stateful_rule[0].header[0].destination"},
		{name: "a stateless rule's destination set", typ: "STATELESS", group: stateless(dropSSH), addr: group,
			edit: statelessUnknown("destination", true), path: group + ": rule_group[0].rules_source[0].stateless_rules_and_custom_actions[0].stateless_rule[0].rule_definition[0].match_attributes[0].destination"},
		{name: "a stateless rule's source address", typ: "STATELESS", group: stateless(map[string]any{"protocols": []any{6}, "source": []any{map[string]any{}}}), addr: group,
			edit: statelessUnknown("source", []any{map[string]any{"address_definition": true}}),
			path: group + ": rule_group[0].rules_source[0].stateless_rules_and_custom_actions[0].stateless_rule[0].rule_definition[0].match_attributes[0].source[0].address_definition"},
		{name: "a stateless rule's protocols", typ: "STATELESS", group: stateless(map[string]any{"destination_port": dropSSH["destination_port"]}), addr: group,
			edit: statelessUnknown("protocols", true), path: group + ": rule_group[0].rules_source[0].stateless_rules_and_custom_actions[0].stateless_rule[0].rule_definition[0].match_attributes[0].protocols"},
		{name: "a stateless rule's ports", typ: "STATELESS", group: stateless(map[string]any{"protocols": []any{6}}), addr: group,
			edit: statelessUnknown("destination_port", true), path: group + ": rule_group[0].rules_source[0].stateless_rules_and_custom_actions[0].stateless_rule[0].rule_definition[0].match_attributes[0].destination_port"},
		{name: "a stateless rule's TCP flags", typ: "STATELESS", group: stateless(dropSSH), addr: group,
			edit: statelessUnknown("tcp_flag", true), path: group + ": rule_group[0].rules_source[0].stateless_rules_and_custom_actions[0].stateless_rule[0].rule_definition[0].match_attributes[0].tcp_flag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := firewallPlan(t)
			if tc.group != nil {
				plan = firewallPlanWith(t, tc.typ, tc.group)
			}
			_, err := terraform.Parse("plan.json", fwEdit(t, plan, tc.addr, tc.edit), nil)
			require.ErrorIs(t, err, terraform.ErrUnknownValue)
			assert.ErrorContains(t, err, tc.path+": known only after apply")
			assert.False(t, errors.Is(err, terraform.ErrInvalidPlan), "no follow-on error: %v", err)
			assert.NotContains(t, err.Error(), "do not name one zone", "the routes to the firewall are not blamed")
		})
	}
}

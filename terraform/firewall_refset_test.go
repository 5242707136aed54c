package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// refSetPlan is firewallPlanWith a rules string passing 443 only to
// @ALLOWED and dropping the rest of tcp, whose IP set reference ALLOWED
// names aws_ec2_managed_prefix_list.allowed (holding the web subnet, or
// not) as the plan gives it: its ARN known (an existing list) or known
// only after apply (a new one), by a reference in the configuration.
func refSetPlan(t *testing.T, known bool, cidr string) []byte {
	group := map[string]any{
		"reference_sets": []any{map[string]any{"ip_set_references": []any{map[string]any{"key": "ALLOWED",
			"ip_set_reference": []any{map[string]any{}}}}}},
		"rules_source": []any{map[string]any{"rules_string": "pass tcp any any -> @ALLOWED 443 (sid:1;)\ndrop tcp any any -> any any (sid:2;)"}}}
	const arn = "arn:aws:ec2:eu-west-1:111122223333:prefix-list/pl-0allowed"
	if known {
		group["reference_sets"].([]any)[0].(map[string]any)["ip_set_references"].([]any)[0].(map[string]any)["ip_set_reference"] =
			[]any{map[string]any{"reference_arn": arn}}
	}
	plan := firewallPlanWith(t, "STATEFUL", group)
	return planEdit(t, plan, func(p map[string]any) {
		values := map[string]any{"name": "allowed", "address_family": "IPv4", "max_entries": 5,
			"entry": []any{map[string]any{"cidr": cidr}}}
		unknown := map[string]any{"id": true, "arn": true}
		action := "create"
		if known {
			values["id"], values["arn"] = "pl-0allowed", arn
			unknown, action = map[string]any{}, "no-op"
		}
		pv := p["planned_values"].(map[string]any)["root_module"].(map[string]any)
		pv["resources"] = append(pv["resources"].([]any), map[string]any{"address": "aws_ec2_managed_prefix_list.allowed", "mode": "managed",
			"type": "aws_ec2_managed_prefix_list", "name": "allowed", "values": values})
		p["resource_changes"] = append(p["resource_changes"].([]any), map[string]any{"address": "aws_ec2_managed_prefix_list.allowed", "mode": "managed",
			"type": "aws_ec2_managed_prefix_list", "name": "allowed", "change": map[string]any{"actions": []any{action}, "before": nil, "after": values, "after_unknown": unknown}})
		cr := p["configuration"].(map[string]any)["root_module"].(map[string]any)
		cr["resources"] = append(cr["resources"].([]any), map[string]any{"address": "aws_ec2_managed_prefix_list.allowed", "mode": "managed",
			"type": "aws_ec2_managed_prefix_list", "name": "allowed", "provider_config_key": "aws", "expressions": map[string]any{}})
		for _, c := range p["resource_changes"].([]any) {
			c := c.(map[string]any)
			if c["address"] != "aws_networkfirewall_rule_group.web" {
				continue
			}
			if !known {
				u := c["change"].(map[string]any)["after_unknown"].(map[string]any)
				u["rule_group"] = []any{map[string]any{"reference_sets": []any{map[string]any{"ip_set_references": []any{map[string]any{
					"ip_set_reference": []any{map[string]any{"reference_arn": true}}}}}}}}
			}
		}
		for _, r := range cr["resources"].([]any) {
			r := r.(map[string]any)
			if r["address"] != "aws_networkfirewall_rule_group.web" {
				continue
			}
			e, _ := r["expressions"].(map[string]any)
			if e == nil {
				e = map[string]any{}
				r["expressions"] = e
			}
			e["rule_group"] = []any{map[string]any{"reference_sets": []any{map[string]any{"ip_set_references": []any{map[string]any{
				"key":              map[string]any{"constant_value": "ALLOWED"},
				"ip_set_reference": []any{map[string]any{"reference_arn": map[string]any{"references": []any{"aws_ec2_managed_prefix_list.allowed.arn", "aws_ec2_managed_prefix_list.allowed"}}}}}}}}}}
		}
	})
}

// TestRuleGroupReferenceSetToAPlanPrefixList: an IP set reference of a
// rule group names a managed prefix list of the plan, by its ARN when the
// list exists (the plan knows it) or by a reference when the list is new
// (its ARN is known only after apply): its entries are the set's, so the
// rule that uses it passes what the list holds and no more.
func TestRuleGroupReferenceSetToAPlanPrefixList(t *testing.T) {
	for _, known := range []bool{true, false} {
		for _, tc := range []struct {
			cidr string
			want reach.Outcome
		}{{"10.0.1.0/24", reach.Reachable}, {"192.0.2.0/24", reach.Unreachable}} {
			name := map[bool]string{true: "existing list", false: "new list"}[known] + " " + tc.cidr
			t.Run(name, func(t *testing.T) {
				m, err := terraform.Parse("plan.json", refSetPlan(t, known, tc.cidr), &terraform.Report{})
				require.NoError(t, err)
				r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
				require.NoError(t, err)
				assert.Equal(t, tc.want, r.Outcome, r.Text())
			})
		}
	}
}

package terraform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestFirewallPolicyOptions: the settings of an
// aws_networkfirewall_firewall_policy and of its rule group that change
// answers reach the model: the stateless fragment default action (a UDP
// answer through a policy that drops fragments warns of them), the
// DROP_TO_ALERT override of a stateful group reference (its drop rules
// only alert), and strict rule order (the rules in their order: a drop
// first stops what a later pass would let through, which under the
// default action order the pass wins).
func TestFirewallPolicyOptions(t *testing.T) {
	const dropFirst = "drop tcp any any -> $HOME_NET 22 (sid:1;)\npass tcp any any -> $HOME_NET any (sid:2;)"
	rules := func(rs string, strict bool) map[string]any {
		g := map[string]any{"rules_source": []any{map[string]any{"rules_string": rs}}}
		if strict {
			g["stateful_rule_options"] = []any{map[string]any{"rule_order": "STRICT_ORDER"}}
		}
		return g
	}
	strictPolicy := func(fp, ref map[string]any) {
		fp["stateful_engine_options"] = []any{map[string]any{"rule_order": "STRICT_ORDER"}}
		ref["priority"] = 1
	}
	tests := []struct {
		name     string
		group    map[string]any
		edits    []func(fp, ref map[string]any)
		q        reach.Query
		want     reach.Outcome
		fragWarn bool // the answer warns that fragments are dropped
	}{
		{"fragments forwarded as the rest", rules(firewallRules, false), nil,
			reach.Query{From: "aws_instance.web", To: "8.8.8.8", Protocol: flow.UDP, Port: 53}, reach.Reachable, false},
		{"fragments dropped", rules(firewallRules, false),
			[]func(fp, ref map[string]any){func(fp, _ map[string]any) { fp["stateless_fragment_default_actions"] = []any{"aws:drop"} }},
			reach.Query{From: "aws_instance.web", To: "8.8.8.8", Protocol: flow.UDP, Port: 53}, reach.Reachable, true},
		{"a drop rule", rules(firewallRules, false), nil, tcp("198.51.100.7", "aws_instance.web", 22), reach.Unreachable, false},
		{"a drop rule under DROP_TO_ALERT", rules(firewallRules, false),
			[]func(fp, ref map[string]any){func(_, ref map[string]any) { ref["override"] = []any{map[string]any{"action": "DROP_TO_ALERT"}} }},
			tcp("198.51.100.7", "aws_instance.web", 22), reach.Reachable, false},
		{"default action order: the pass wins", rules(dropFirst, false), nil, tcp("198.51.100.7", "aws_instance.web", 22), reach.Reachable, false},
		{"strict order: the drop first", rules(dropFirst, true), []func(fp, ref map[string]any){strictPolicy},
			tcp("198.51.100.7", "aws_instance.web", 22), reach.Unreachable, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", firewallPlanWith(t, "STATEFUL", tt.group, tt.edits...), nil)
			require.NoError(t, err)
			r, err := m.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			if tt.want == reach.Unreachable {
				assert.Contains(t, r.Codes(), reach.FirewallDrop, r.Text())
			}
			assert.Equal(t, tt.fragWarn, strings.Contains(strings.Join(r.Warnings, "\n"), "stateless fragment default action is aws:drop"), "%v", r.Warnings)
		})
	}
}

// TestFirewallPolicyStreamException: the policy's stream_exception_policy
// reaches the model. The web subnet's replies go straight to the internet
// gateway, so the firewall sees the client's packets of a session only:
// under DROP (AWS's default) it drops what it forwards to the stateful
// engine without the session's start, and the answer is unreachable;
// under CONTINUE it inspects them without the flow's context, which
// reachsim cannot judge: indeterminate.
func TestFirewallPolicyStreamException(t *testing.T) {
	for _, tc := range []struct {
		policy string // "" leaves the engine options out
		want   reach.Outcome
	}{{"", reach.Unreachable}, {"DROP", reach.Unreachable}, {"CONTINUE", reach.Indeterminate}} {
		t.Run(tc.policy, func(t *testing.T) {
			var edits []func(fp, ref map[string]any)
			if tc.policy != "" {
				edits = append(edits, func(fp, _ map[string]any) {
					fp["stateful_engine_options"] = []any{map[string]any{"stream_exception_policy": tc.policy}}
				})
			}
			plan := repointRoute(t, firewallPlanWith(t, "STATEFUL", map[string]any{"rules_source": []any{map[string]any{"rules_string": firewallRules}}}, edits...),
				"aws_route_table.web", "gateway_id", "aws_internet_gateway.gw")
			m, err := terraform.Parse("plan.json", plan, nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), reach.AsymmetricRoute, r.Text())
		})
	}
}

// repointRoute sends the first route of route table addr (whose target is
// known only after apply) to the resource to instead, by its attribute
// attr (gateway_id, say).
func repointRoute(t *testing.T, plan []byte, addr, attr, to string) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(plan, &doc))
	for _, c := range doc["resource_changes"].([]any) {
		if c := c.(map[string]any); c["address"] == addr {
			c["change"].(map[string]any)["after_unknown"].(map[string]any)["route"] = []any{map[string]any{attr: true}}
		}
	}
	for _, c := range doc["configuration"].(map[string]any)["root_module"].(map[string]any)["resources"].([]any) {
		if c := c.(map[string]any); c["address"] == addr {
			c["expressions"].(map[string]any)["route"] = map[string]any{"references": []string{to + ".id", to}}
		}
	}
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}

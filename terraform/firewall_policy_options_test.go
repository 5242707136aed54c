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

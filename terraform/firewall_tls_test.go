package terraform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// tlsInspectionPlan is firewallPlan with the policy's
// firewall_policy.tls_inspection_configuration_arn set: known (arn), or,
// when arn is "", known only after apply (the configuration is created by
// the same plan: after_unknown marks it and after leaves it out).
func tlsInspectionPlan(t *testing.T, arn string) []byte {
	t.Helper()
	var plan map[string]any
	require.NoError(t, json.Unmarshal(firewallPlan(t), &plan))
	found := false
	for _, c := range plan["resource_changes"].([]any) {
		c := c.(map[string]any)
		if c["address"] != "aws_networkfirewall_firewall_policy.p" {
			continue
		}
		found = true
		ch := c["change"].(map[string]any)
		fp := ch["after"].(map[string]any)["firewall_policy"].([]any)[0].(map[string]any)
		fu := ch["after_unknown"].(map[string]any)["firewall_policy"].([]any)[0].(map[string]any)
		if arn != "" {
			fp["tls_inspection_configuration_arn"] = arn
		} else {
			fu["tls_inspection_configuration_arn"] = true
		}
	}
	require.True(t, found)
	for _, r := range plan["planned_values"].(map[string]any)["root_module"].(map[string]any)["resources"].([]any) {
		r := r.(map[string]any)
		if r["address"] == "aws_networkfirewall_firewall_policy.p" && arn != "" {
			r["values"].(map[string]any)["firewall_policy"].([]any)[0].(map[string]any)["tls_inspection_configuration_arn"] = arn
		}
	}
	data, err := json.Marshal(plan)
	require.NoError(t, err)
	return data
}

// TestFirewallPolicyTLSInspectionArn: a policy's
// tls_inspection_configuration_arn is carried from a plan with a warning,
// which leaves HTTPS through the firewall Indeterminate. When the plan
// creates the TLS inspection configuration too (the policy refers to
// aws_networkfirewall_tls_inspection_configuration.x.arn), the ARN is
// known only after apply: the plan's after leaves it out and
// after_unknown marks it. Before, the reader read only a known string, so
// such a policy was taken for one without TLS inspection, with no
// warning, and the answer was a certain Reachable.
func TestFirewallPolicyTLSInspectionArn(t *testing.T) {
	for _, tc := range []struct {
		name string
		arn  string
	}{
		{"a known ARN", "arn:aws:network-firewall:eu-west-1:111122223333:tls-configuration/inspect"},
		{"an ARN known only after apply", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", tlsInspectionPlan(t, tc.arn), rep)
			require.NoError(t, err)
			assert.Contains(t, strings.Join(rep.Warnings, "\n"), "tls_inspection_configuration_arn")
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		})
	}
}

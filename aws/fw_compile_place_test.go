package aws_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

const cpARN = "arn:aws:network-firewall:us-east-1:111122223333:"

// cpPolicy is a describe-firewall-policy document of the policy p that
// applianceModeFS's firewall uses, its FirewallPolicy holding fields.
func cpPolicy(fields string) string {
	return `{"FirewallPolicyResponse":{"FirewallPolicyName":"p","FirewallPolicyArn":"` + cpARN + `firewall-policy/p"},"FirewallPolicy":{` + fields + `}}`
}

// cpStateless is a describe-rule-group document of a stateless group.
func cpStateless(name, rules string) string {
	return `{"RuleGroupResponse":{"RuleGroupName":"` + name + `","RuleGroupArn":"` + cpARN + `stateless-rulegroup/` + name + `","Type":"STATELESS","Capacity":100},
	"RuleGroup":{"RulesSource":{"StatelessRulesAndCustomActions":{"StatelessRules":[` + rules + `]}}}}`
}

// Faults firewall.Compile finds inside reach.Build (audit fwjson23
// finding 3) are told at the policy file's JSON path, or at the rule
// group file's, labelled with the policy's ARN: not at the model's path
// (Groups[1].Priority) under the firewall's ARN. The first two cases are
// the audit's probe TestAuditLoadCompileErrorNamesJSONPath.
func TestLoadPolicyCompileErrorPlaces(t *testing.T) {
	const fwd = `"StatelessDefaultActions":["aws:forward_to_sfe"],"StatelessFragmentDefaultActions":["aws:forward_to_sfe"]`
	tests := []struct {
		name       string
		files      map[string]string // dump/NAME -> document, over applianceModeFS's
		file, path string
		text       string
		sentinel   error
		contains   []string
		absent     []string
	}{
		{"two stateless references share a priority",
			map[string]string{
				"firewall-policy.json": cpPolicy(fwd + `,"StatelessRuleGroupReferences":[{"ResourceArn":"` + cpARN + `stateless-rulegroup/sl","Priority":1},{"ResourceArn":"` + cpARN + `stateless-rulegroup/sl2","Priority":1}],
					"StatefulRuleGroupReferences":[{"ResourceArn":"` + cpARN + `stateful-rulegroup/all"}]`),
				"sl.json":  cpStateless("sl", `{"Priority":1,"RuleDefinition":{"MatchAttributes":{},"Actions":["aws:forward_to_sfe"]}}`),
				"sl2.json": cpStateless("sl2", `{"Priority":1,"RuleDefinition":{"MatchAttributes":{},"Actions":["aws:drop"]}}`),
			},
			"dump/firewall-policy.json", "FirewallPolicy.StatelessRuleGroupReferences[1].Priority", "1", stateless.ErrInvalidPolicy,
			[]string{"rule group sl2", "used by StatelessRuleGroupReferences[0] and StatelessRuleGroupReferences[1]"},
			[]string{"Groups[", "firewall/fw-i"}},
		{"a stateful group's rule order differs from the policy's",
			map[string]string{
				"rule-group.json": `{"RuleGroup": {"RulesSource": {"RulesString": "pass ip any any -> any any (sid:1;)"}, "StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"}},
					"RuleGroupResponse": {"RuleGroupArn": "` + cpARN + `stateful-rulegroup/all", "RuleGroupName": "all", "Type": "STATEFUL"}}`,
			},
			"dump/rule-group.json", "RuleGroup.StatefulRuleOptions.RuleOrder", "STRICT_ORDER", stateful.ErrRuleOrderMismatch,
			[]string{"rule group all", "FirewallPolicy.StatefulEngineOptions.RuleOrder in dump/firewall-policy.json", "StatefulRuleGroupReferences[0]"},
			[]string{"firewall/fw-i"}},
		{"the policy's rule order differs from its stateful group's",
			map[string]string{
				"firewall-policy.json": cpPolicy(fwd + `,"StatefulRuleGroupReferences":[{"ResourceArn":"` + cpARN + `stateful-rulegroup/all","Priority":1}],"StatefulEngineOptions":{"RuleOrder":"STRICT_ORDER"}`),
			},
			"dump/rule-group.json", "RuleGroup.StatefulRuleOptions.RuleOrder", "DEFAULT_ACTION_ORDER", stateful.ErrRuleOrderMismatch,
			[]string{"differs from the policy's STRICT_ORDER", "FirewallPolicy.StatefulEngineOptions.RuleOrder", "left out is DEFAULT_ACTION_ORDER"},
			[]string{"firewall/fw-i"}},
		{"two stateful references share a priority under STRICT_ORDER",
			map[string]string{
				"firewall-policy.json": cpPolicy(fwd + `,"StatefulRuleGroupReferences":[{"ResourceArn":"` + cpARN + `stateful-rulegroup/all","Priority":1},{"ResourceArn":"` + cpARN + `stateful-rulegroup/two","Priority":1}],"StatefulEngineOptions":{"RuleOrder":"STRICT_ORDER"}`),
				"rule-group.json": `{"RuleGroup": {"RulesSource": {"RulesString": "pass ip any any -> any any (sid:1;)"}, "StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"}},
					"RuleGroupResponse": {"RuleGroupArn": "` + cpARN + `stateful-rulegroup/all", "RuleGroupName": "all", "Type": "STATEFUL"}}`,
				"two.json": `{"RuleGroup": {"RulesSource": {"RulesString": "pass ip any any -> any any (sid:1;)"}, "StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"}},
					"RuleGroupResponse": {"RuleGroupArn": "` + cpARN + `stateful-rulegroup/two", "RuleGroupName": "two", "Type": "STATEFUL"}}`,
			},
			"dump/firewall-policy.json", "FirewallPolicy.StatefulRuleGroupReferences[1]", "", stateful.ErrInvalidPolicy,
			[]string{"rule group two", "priority 1 is also used by StatefulRuleGroupReferences[0]"},
			[]string{"firewall/fw-i"}},
		{"a rule of a stateful group names an unknown variable",
			map[string]string{
				"rule-group.json": `{"RuleGroup": {"RulesSource": {"RulesString": "pass ip $NOPE any -> any any (sid:7;)"}},
					"RuleGroupResponse": {"RuleGroupArn": "` + cpARN + `stateful-rulegroup/all", "RuleGroupName": "all", "Type": "STATEFUL"}}`,
			},
			"dump/rule-group.json", "RuleGroup.RulesSource", "pass ip $NOPE any -> any any (sid:7;)", stateful.ErrUnresolved,
			[]string{"rule group all", "sid 7", "NOPE"},
			[]string{"firewall/fw-i"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := applianceModeFS("enable")
			for name, doc := range tt.files {
				fsys["dump/"+name] = &fstest.MapFile{Data: []byte(doc)}
			}
			_, _, err := aws.LoadFS(fsys, "dump")
			require.Error(t, err)
			t.Log(err)
			require.ErrorIs(t, err, reach.ErrTopology)
			require.ErrorIs(t, err, tt.sentinel)
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "want a *flow.InputError: %v", err)
			assert.Equal(t, tt.file, ie.File)
			assert.Equal(t, tt.path, ie.Path)
			assert.Equal(t, cpARN+"firewall-policy/p", ie.Resource)
			assert.Equal(t, tt.text, ie.Text)
			for _, w := range tt.contains {
				assert.Contains(t, err.Error(), w)
			}
			for _, w := range tt.absent {
				assert.NotContains(t, err.Error(), w)
			}
		})
	}
}

package aws_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
)

// A rule group's errors name it, as "(name)" after the path, whatever
// found them (audit fwjson23 finding 4): a value of the wrong type found
// while the document is decoded names the group too, and a group with no
// name nor ARN is "(unnamed stateful rule group)", not in doubled
// parentheses.
// cpStd is a standard stateful rule, sid 1.
const cpStd = `{"Action":"PASS","Header":{"Protocol":"TCP","Source":"ANY","SourcePort":"ANY","Direction":"FORWARD","Destination":"ANY","DestinationPort":"ANY"},"RuleOptions":[{"Keyword":"sid","Settings":["1"]}]}`

func TestRuleGroupErrorNames(t *testing.T) {
	stateful := func(resp, group string) string {
		return `{"RuleGroupResponse":{"Type":"STATEFUL"` + resp + `},"RuleGroup":` + group + `}`
	}
	tests := []struct {
		name, doc, path, resource string
		contains                  string
	}{
		{"RulesString of the wrong type", stateful(`,"RuleGroupName":"sf"`, `{"RulesSource":{"RulesString":5}}`),
			"RuleGroup.RulesSource.RulesString", "sf", `RuleGroup.RulesSource.RulesString (sf): "5": malformed JSON`},
		{"RuleVariables of the wrong type, the group known by its ARN", stateful(`,"RuleGroupArn":"`+cpARN+`stateful-rulegroup/x"`, `{"RuleVariables":{"IPSets":{"X":{"Definition":"10.0.0.0/8"}}},"RulesSource":{"RulesString":"pass ip any any -> any any (sid:1;)"}}`),
			"RuleGroup.RuleVariables.IPSets.X.Definition", cpARN + "stateful-rulegroup/x", "(" + cpARN + "stateful-rulegroup/x)"},
		{"a stateless rule's field of the wrong type", cpStateless("sl", `{"Priority":"x","RuleDefinition":{"MatchAttributes":{},"Actions":["aws:pass"]}}`),
			"RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules[0].Priority", "sl", "(sl"},
		{"an unnamed group's bad generated rules type", stateful(``, `{"RulesSource":{"RulesSourceList":{"Targets":["a.com"],"TargetTypes":["TLS_SNI"],"GeneratedRulesType":"BLOCKLIST"}}}`),
			"RuleGroup.RulesSource.RulesSourceList", "unnamed stateful rule group", "RuleGroup.RulesSource.RulesSourceList (unnamed stateful rule group): "},
		{"an unnamed group's standard rules sharing a sid", stateful(``, `{"RulesSource":{"StatefulRules":[`+cpStd+`,`+cpStd+`]}}`),
			"RuleGroup.RulesSource.StatefulRules[1]", "unnamed stateful rule group", "(unnamed stateful rule group rule sid 1)"},
		{"an unnamed group's value of the wrong type names nothing", stateful(``, `{"RulesSource":{"RulesString":5}}`),
			"RuleGroup.RulesSource.RulesString", "", `RuleGroup.RulesSource.RulesString: "5"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := aws.ParseRuleGroup([]byte(tt.doc))
			require.Error(t, err)
			t.Log(err)
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "want a *flow.InputError: %v", err)
			assert.Equal(t, tt.path, ie.Path)
			assert.Equal(t, tt.resource, ie.Resource)
			assert.Contains(t, err.Error(), tt.contains)
			assert.NotContains(t, err.Error(), "((")
		})
	}
}

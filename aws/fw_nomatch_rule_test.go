package aws_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

const nmARN = "arn:aws:network-firewall:us-east-1:111122223333:"

// A stateful rule whose addresses and protocol share no address family
// matches no packet; AWS (Suricata) loads the group anyway. The group
// parses, the rule is kept and never matches, and a warning names the
// group, the rule's place and sid and why; through LoadFS the load
// succeeds and the report carries the warning.
func TestNeverMatchingFamilyRuleWarns(t *testing.T) {
	for _, c := range []struct {
		name, source string
		want         []string // in the one warning
	}{
		{"rules string", `{"RulesString":"drop icmpv6 any any -> 10.9.0.0/16 any (sid:2;)\npass ip any any -> any any (sid:1;)"}`,
			[]string{"stateful rule group all", "RulesString line 1", "sid 2", `"10.9.0.0/16"`, "matches no packet", "never matches"}},
		{"standard rule", `{"StatefulRules":[{"Action":"DROP","Header":{"Protocol":"IP","Source":"10.0.0.0/8","SourcePort":"ANY","Direction":"FORWARD","Destination":"2001:db8::/32","DestinationPort":"ANY"},"RuleOptions":[{"Keyword":"sid","Settings":["5"]}]},
			{"Action":"PASS","Header":{"Protocol":"IP","Source":"ANY","SourcePort":"ANY","Direction":"FORWARD","Destination":"ANY","DestinationPort":"ANY"},"RuleOptions":[{"Keyword":"sid","Settings":["6"]}]}]}`,
			[]string{"stateful rule group all", "StatefulRules[0]", "sid 5", "share no address family"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := `{"RuleGroup": {"RulesSource": ` + c.source + `},
			"RuleGroupResponse": {"RuleGroupArn": "` + nmARN + `stateful-rulegroup/all", "RuleGroupName": "all", "Type": "STATEFUL", "Capacity": 10}}`
			g, err := aws.ParseRuleGroup([]byte(doc))
			require.NoError(t, err)
			require.Len(t, g.Warnings, 1, g.Warnings)
			for _, w := range c.want {
				assert.Contains(t, g.Warnings[0], w)
			}

			fsys := applianceModeFS("enable")
			fsys["dump/rule-group.json"].Data = []byte(doc)
			m, rep, err := aws.LoadFS(fsys, "dump")
			require.NoError(t, err)
			found := false
			for _, w := range rep.Warnings {
				if strings.Contains(w, "rule-group.json: RuleGroup.RulesSource") && strings.Contains(w, c.want[1]) {
					found = true
				}
			}
			assert.True(t, found, "%q", rep.Warnings)
			r, err := m.Check(reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		})
	}
}

package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A policy that references an AWS managed rule group, whose rules AWS
// does not publish (so no dump holds them), loads: the group's rules may
// pass or drop anything, so what it could decide is Indeterminate, naming
// the group; a group of higher priority that decides first keeps its
// answer. It was refused, and the whole dump with it (audit tffw19
// finding 4).
func TestLoadManagedRuleGroup(t *testing.T) {
	const managed = "arn:aws:network-firewall:us-east-1:aws-managed:stateful-rulegroup/ThreatSignaturesMalwareStrictOrder"
	withManaged := func(prio int) sampleEdit {
		return editFile("aws/firewall-policy.json", func(doc map[string]any) {
			fp := doc["FirewallPolicy"].(map[string]any)
			fp["StatefulRuleGroupReferences"] = append(fp["StatefulRuleGroupReferences"].([]any),
				map[string]any{"ResourceArn": managed, "Priority": prio})
		})
	}
	https := reach.Query{From: "198.51.100.9", To: "web-1", Protocol: flow.TCP, Port: 443}
	for _, tc := range []struct {
		name string
		prio int
		want reach.Outcome
	}{
		{"before the group that passes HTTPS: it may drop it", 5, reach.Indeterminate},
		{"after it: the pass decides first", 15, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := checkSample(t, https, withManaged(tc.prio))
			require.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want != reach.Indeterminate {
				return
			}
			found := false
			for _, h := range r.Forward {
				if h.Verdict == flow.Indeterminate {
					found = true
					assert.Equal(t, "the rules of AWS managed rule group "+managed+", which AWS does not publish", h.Missing, r.Text())
				}
			}
			assert.True(t, found, "a firewall hop is Indeterminate: %s", r.Text())
			assert.Contains(t, r.Text(), managed, "the answer names the group")
		})
	}
}

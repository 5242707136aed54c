package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

const partnersARN = "arn:aws:ec2:us-east-1:111122223333:prefix-list/pl-0partners"

// partnersUnknown knows @PARTNERS is referenced, not its entries.
var partnersUnknown = stateful.PartialIPSets{Unknown: []string{partnersARN}}

// withPartners gives the policy's stateful group the @PARTNERS reference.
func withPartners(p firewall.Policy) firewall.Policy {
	p.Stateful.Groups[0].Group.IPSetReferences = map[string]string{"PARTNERS": partnersARN}
	return p
}

// TestUnknownIPSetThroughThePolicy: Compile passes a set whose entries
// are unknown through to the stateful engine; a direction its rule could
// decide is Indeterminate and the reason names the reference, its ARN and
// what is missing; a direction the rule's ports exclude is decided as
// usual.
func TestUnknownIPSetThroughThePolicy(t *testing.T) {
	p := withPartners(newPolicy(flow.Forward, nil, stateful.Defaults{DropStrict: true},
		"pass tcp $HOME_NET any -> @PARTNERS 443 (sid:1;)"))
	_, err := firewall.Compile(p, nil)
	require.ErrorIs(t, err, stateful.ErrUnresolved, "no resolver: still an error")
	e, err := firewall.Compile(p, partnersUnknown)
	require.NoError(t, err)

	for _, explain := range []bool{false, true} {
		run := e.Evaluate
		if explain {
			run = e.Explain
		}
		d := run(bothWays("tcp 10.0.1.10:50000 -> 198.51.100.7:443"))
		assert.Equal(t, flow.Indeterminate, d.VerdictOn(false), d.ReasonOn(false))
		assert.Equal(t, "sf sid 1: pass tcp $HOME_NET any -> @PARTNERS 443 (sid:1;)", d.RuleOn(false))
		require.NotNil(t, d.Stateful)
		require.NotNil(t, d.Stateful.Indeterminate)
		assert.Equal(t, "@PARTNERS", d.Stateful.Indeterminate.Keyword)
		assert.Contains(t, d.ReasonOn(false), "stateful engine: cannot decide about the open-request packet: sid 1 of sf may match, depending on IP set reference @PARTNERS ("+partnersARN+"): the input does not hold its entries")
		req, _ := e.Verdicts(bothWays("tcp 10.0.1.10:50000 -> 198.51.100.7:443"))
		assert.Equal(t, flow.Indeterminate, req)

		d = run(bothWays("tcp 10.0.1.10:50000 -> 198.51.100.7:22"))
		assert.Equal(t, flow.Deny, d.VerdictOn(false), "the rule's ports exclude 22: the default drops, whatever the set holds")
		assert.Contains(t, d.ReasonOn(false), stateful.DefaultDropStrict)
	}
}

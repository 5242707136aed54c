package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// TestOpaqueGroupLegs: a stateful group whose rules the input does not
// hold leaves both legs it could decide Indeterminate, naming the group
// and why as what is missing; a group of higher priority that decides
// first keeps its answer.
func TestOpaqueGroupLegs(t *testing.T) {
	const why = "the rules of AWS managed rule group arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/X, which AWS does not publish"
	p := newPolicy(flow.Forward, nil, stateful.Defaults{DropEstablished: true}, dropSSH, "pass tcp any any -> $HOME_NET 443 (sid:1;)")
	p.Stateful.Groups = append(p.Stateful.Groups, stateful.GroupRef{Priority: 2, Group: stateful.RuleGroup{
		ARN: "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/X", RuleOrder: stateful.StrictOrder, Opaque: why}})
	e := compilePolicy(t, p)
	for _, tc := range []struct {
		name, flow string
		want       flow.Verdict
	}{
		{"the earlier group drops", sshFlow, flow.Deny},
		{"the earlier group passes", "tcp 198.51.100.7:50000 -> 10.0.1.10:443", flow.Allow},
		{"the opaque group may pass or drop", "tcp 198.51.100.7:50000 -> 10.0.1.10:8080", flow.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := e.Explain(bothWays(tc.flow))
			for _, reply := range []bool{false, true} {
				if tc.want == flow.Deny && reply {
					continue // the request's drop is the answer
				}
				assert.Equal(t, tc.want, d.VerdictOn(reply), "reply %v: %s", reply, d.ReasonOn(reply))
				missing, fix := d.UnknownOn(reply)
				if tc.want != flow.Indeterminate {
					assert.Empty(t, missing)
					continue
				}
				assert.Equal(t, why, missing)
				assert.Equal(t, firewall.SettleOpaqueGroup, fix)
				assert.Contains(t, d.ReasonOn(reply), "may pass or drop it")
			}
		})
	}
}

package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// TestFirewallContinueCertainDrops: the sample's firewall with a stateless
// rule that passes every TCP SYN past the stateful engine and forwards
// the rest, under the stream exception policy CONTINUE (rules go on
// without the flow's context: a plain 5-tuple drop and aws:drop_strict
// still match; semantics.md C.3). Check, Verdict and Ports agree: a plain
// drop of tcp/443, or aws:drop_strict beside a pass rule for another
// port only, closes tcp/443 for certain; a drop that reads flow state, or
// a pass rule on flow state that may match, leaves it undecided. Before,
// every such answer was Indeterminate.
func TestFirewallContinueCertainDrops(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	passSYN := stateless.Rule{Priority: 1, Protocols: []flow.Protocol{flow.TCP}, Action: flow.Pass,
		TCPFlags: []stateless.TCPFlagMatch{{Flags: stateless.SYN, Masks: stateless.SYN | stateless.ACK}}}
	policy := func(order stateful.RuleOrder, defs stateful.Defaults, rules string) firewall.Policy {
		pol := sample.Policy()
		pol.StreamExceptionPolicy = "CONTINUE"
		pol.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: []stateless.Rule{passSYN}}}}
		pol.Stateful = stateful.Config{HomeNet: pol.Stateful.HomeNet, Order: order, Defaults: defs,
			Groups: []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "g", RuleOrder: order, RulesString: rules}}}}
		return pol
	}
	for _, tc := range []struct {
		name string
		pol  firewall.Policy
		want reach.Outcome // for web-1 -> 93.184.216.34 tcp/443
	}{
		{"a plain drop of tcp/443", policy(stateful.DefaultActionOrder, stateful.Defaults{}, "drop tcp any any -> any 443 (sid:1;)"), reach.Unreachable},
		{"aws:drop_strict, a pass rule for tcp/22 only", policy(stateful.StrictOrder, stateful.Defaults{DropStrict: true}, "pass tcp any any -> any 22 (sid:1;)"), reach.Unreachable},
		{"control: a drop of established client data", policy(stateful.DefaultActionOrder, stateful.Defaults{},
			"drop tcp any any -> any 443 (flow:established,to_server; sid:1;)"), reach.Indeterminate},
		{"control: aws:drop_strict, a pass rule on flow state", policy(stateful.StrictOrder, stateful.Defaults{DropStrict: true},
			"pass tcp any any -> any 443 (flow:established,to_server; sid:1;)"), reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			d.Firewalls[0].Policy = tc.pol
			m := build(t, d)
			q := tcp("web-1", "93.184.216.34", 443)
			r := check(t, m, q)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			p, err := m.Ports(reach.PortsQuery{From: "web-1", To: "93.184.216.34", Protocol: flow.TCP})
			require.NoError(t, err)
			assert.False(t, p.Open.Contains(443), "Ports: tcp/443 is not open")
			assert.Equal(t, tc.want == reach.Indeterminate, p.Indeterminate.Contains(443), "Ports: tcp/443 undecided as Check says")
			brute.CheckSetAnswers(t, m, brute.Options{Few: true, Seed: 11, Ports: []reach.PortsQuery{
				{From: "web-1", To: "93.184.216.34", Protocol: flow.TCP},
				{From: "93.184.216.34", To: "web-1", Protocol: flow.TCP},
			}})
		})
	}
}

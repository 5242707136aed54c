package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// TestDiffFirewallPolicySettingDetails: a change of a firewall policy's
// settings other than its rule groups is described in AWS's words, with
// the values before and after. Diff said only "policy Stateful changed"
// for aws:drop_strict -> aws:drop_established (audit diff27, finding 5).
func TestDiffFirewallPolicySettingDetails(t *testing.T) {
	withPolicy := func(change func(p *firewall.Policy)) *reach.Model {
		d := sample.ThreeTierDesign()
		pol := sample.Policy()
		change(&pol)
		d.Firewalls[0].Policy = pol
		return build(t, d)
	}
	keep := func(*firewall.Policy) {}
	for _, tc := range []struct {
		name          string
		before, after func(p *firewall.Policy)
		want          []string
	}{
		{"stateful default action", func(p *firewall.Policy) { p.Stateful.Defaults = stateful.Defaults{DropStrict: true} },
			func(p *firewall.Policy) { p.Stateful.Defaults = stateful.Defaults{DropEstablished: true} },
			[]string{"stateful default actions aws:drop_strict -> aws:drop_established"}},
		{"stateful default actions set and cleared", func(p *firewall.Policy) { p.Stateful.Defaults = stateful.Defaults{} }, keep,
			[]string{"stateful default actions none -> aws:drop_established, aws:alert_established"}},
		{"stateful rule order", func(p *firewall.Policy) {
			p.Stateful.Defaults = stateful.Defaults{}
		}, func(p *firewall.Policy) {
			p.Stateful.Defaults, p.Stateful.Order = stateful.Defaults{}, stateful.DefaultActionOrder
			for i := range p.Stateful.Groups {
				p.Stateful.Groups[i].Group.RuleOrder = stateful.DefaultActionOrder
			}
		}, []string{"stateful rule order STRICT_ORDER -> DEFAULT_ACTION_ORDER",
			"stateful rule group inbound-web changed", "stateful rule group egress-domains changed"}},
		{"stateless default actions", keep, func(p *firewall.Policy) {
			p.Stateless.Default.Action, p.Stateless.FragmentDefault.Action = flow.Pass, flow.Drop
		}, []string{"stateless default actions forward -> pass", "stateless fragment default actions forward -> drop"}},
		{"stream exception policy, by its field", keep, func(p *firewall.Policy) { p.StreamExceptionPolicy = "REJECT" },
			[]string{"policy StreamExceptionPolicy: none -> REJECT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := reach.Diff(withPolicy(tc.before), withPolicy(tc.after), reach.DiffOptions{Workers: 1})
			require.NoError(t, err)
			var got []string
			for _, r := range d.Resources {
				if r.Kind == reach.ResourceFirewall {
					got = append(got, r.Details...)
				}
			}
			assert.ElementsMatch(t, tc.want, got)
		})
	}
}

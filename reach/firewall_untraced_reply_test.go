package reach_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// A request stopped beyond a firewall endpoint (the internet gateway
// drops a packet to a private address) leaves its reply untraced; the
// firewall still judges the whole session there, both directions, as it
// would meet it: a rule that drops the client's packets makes the
// crossing a blocking point of its own beside the gateway's, and one
// that drops the server's packets is named on it as stopping the session
// on the reply (the request itself passes there).
func TestFirewallJudgesTheUntracedReply(t *testing.T) {
	gateway := []reach.Code{reach.PrivateAddressOnInternet}
	for _, tc := range []struct {
		name   string
		rule   string
		codes  []reach.Code
		reason string // in the firewall hop's
	}{
		{"the server's packets dropped", `drop tcp any 443 -> any any (flow:to_client; sid:99;)`, gateway, "it stopped the session on the reply"},
		{"the client's packets dropped", `drop tcp any any -> any 443 (flow:to_server; sid:99;)`, []reach.Code{reach.FirewallDrop, reach.PrivateAddressOnInternet}, "sid 99"},
		{"nothing more dropped", `drop tcp any any -> any 8443 (sid:99;)`, gateway, "policy demo-policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			p := &d.Firewalls[0].Policy.Stateful
			p.Groups = append([]stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "servers", RuleOrder: stateful.StrictOrder, RulesString: tc.rule}}}, p.Groups...)
			m, err := d.Builder().Build()
			require.NoError(t, err)
			q := reach.Query{From: "web-1", To: "192.168.7.7", Protocol: flow.TCP, Port: 443, Domain: "updates.example.com"}
			r := check(t, m, q)
			require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			assert.Empty(t, r.Return, "the reply is not traced: %s", r.Text())
			var codes []reach.Code
			for _, b := range r.Blocks {
				codes = append(codes, b.Code)
			}
			assert.Equal(t, tc.codes, codes, r.Text())
			i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindFirewall })
			require.GreaterOrEqual(t, i, 0, r.Text())
			assert.Contains(t, r.Forward[i].Reason(), tc.reason, r.Text())
			if tc.reason != "it stopped the session on the reply" {
				assert.NotContains(t, r.Forward[i].Reason(), "on the reply", r.Text())
			}
		})
	}
}

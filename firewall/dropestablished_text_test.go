package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// Under a drop default that passes the server's established packets
// (aws:drop_established; aws:drop_established_app_layer_to_server), a
// session a pass rule of packet scope lets through for the client's data
// passes at the server's packet because the default does not cover it.
// The reason names both: the default that passes the server's packet and
// the pass rule that passed the client's. Before, it read "no rule
// matches, and unmatched traffic passes", false for a policy that drops
// unmatched client data (AWS's developer guide, Managing evaluation order
// for Suricata compatible rules, Strict evaluation order; audit new26 #7).
func TestDropDefaultPassReasonNamesWhatDecides(t *testing.T) {
	const https = "tcp 10.0.1.5:50000 -> 198.51.100.7:443"
	tests := []struct {
		name     string
		defaults stateful.Defaults
		rule     string
		want     []string
		not      []string
	}{
		{"aws:drop_established, a pass of the client's established packets",
			stateful.Defaults{DropEstablished: true}, "pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:established,to_server; sid:1;)",
			[]string{"passes the data-to-client packet: no rule matches it, and the default action aws:drop_established does not drop it (it drops the client's packets of an established TCP connection that no rule passed, and passes the server's)",
				"the data-to-server packet was passed by pass rule sid 1 of sf (pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:established,to_server; sid:1;)), which passes its packet only"},
			[]string{"unmatched traffic passes"}},
		{"aws:drop_established, a pass with flow:to_server (packet scope)",
			stateful.Defaults{DropEstablished: true}, "pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:to_server; sid:1;)",
			[]string{"aws:drop_established does not drop it", "the data-to-server packet was passed by pass rule sid 1 of sf"},
			[]string{"unmatched traffic passes"}},
		{"aws:drop_established_app_layer_to_server",
			stateful.Defaults{DropEstablishedAppLayerToServer: true}, "pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:established,to_server; sid:1;)",
			[]string{"the default action aws:drop_established_app_layer_to_server does not drop it (it drops the client's established packets that no rule passed, and passes the server's)",
				"the data-to-server packet was passed by pass rule sid 1 of sf"},
			[]string{"unmatched traffic passes"}},
		{"no drop default: unmatched traffic does pass",
			stateful.Defaults{}, "pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:established,to_server; sid:1;)",
			[]string{"no rule matches, and unmatched traffic passes", "the data-to-server packet was passed by pass rule sid 1 of sf"},
			[]string{"does not drop it"}},
		{"a pass of flow scope decides: no default named",
			stateful.Defaults{DropEstablished: true}, "pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (sid:1;)",
			[]string{"pass rule sid 1 of sf"},
			[]string{"unmatched traffic passes", "does not drop it", "which passes its packet only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := compilePolicy(t, scopePolicy(stateful.StrictOrder, tt.defaults, tt.rule))
			c := bothWays(https)
			d := e.Explain(c)
			for _, reply := range []bool{false, true} {
				require.Equal(t, flow.Allow, d.VerdictOn(reply), d.ReasonOn(reply))
				for _, w := range tt.want {
					assert.Contains(t, d.ReasonOn(reply), w)
				}
				for _, w := range tt.not {
					assert.NotContains(t, d.ReasonOn(reply), w)
				}
			}
		})
	}
}

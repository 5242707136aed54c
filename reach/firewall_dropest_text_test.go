package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/reach"
)

// Under aws:drop_established, a session that gets through only because
// pass rule sid 1 passed the client's data: the firewall hops name sid 1
// and say that aws:drop_established passes the server's established
// packets; before, both read "no rule matches, and unmatched traffic
// passes", false for a policy that drops unmatched client data (AWS's
// developer guide, Strict evaluation order; audit new26 #7).
func TestFirewallHopNamesWhatPassesUnderDropEstablished(t *testing.T) {
	tests := []struct {
		name     string
		defaults stateful.Defaults
		rule     string
		want     []string
		not      string
	}{
		{"flow:established,to_server", stateful.Defaults{DropEstablished: true},
			"pass tcp any any -> $HOME_NET 443 (flow:established,to_server; sid:1;)",
			[]string{"the default action aws:drop_established does not drop it", "the data-to-server packet was passed by pass rule sid 1"}, "unmatched traffic passes"},
		{"flow:to_server", stateful.Defaults{DropEstablished: true},
			"pass tcp any any -> $HOME_NET 443 (flow:to_server; sid:1;)",
			[]string{"the default action aws:drop_established does not drop it", "the data-to-server packet was passed by pass rule sid 1"}, "unmatched traffic passes"},
		{"no drop default: unmatched traffic passes, and says so", stateful.Defaults{},
			"pass tcp any any -> $HOME_NET 443 (flow:established,to_server; sid:1;)",
			[]string{"no rule matches, and unmatched traffic passes"}, "does not drop it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := scopeModel(t, tt.defaults, tt.rule)
			r := check(t, m, tcp("198.51.100.7", "web-1", 443))
			require.Equal(t, reach.Reachable, r.Outcome, r.Text())
			n := 0
			for _, h := range append(append([]reach.Hop{}, r.Forward...), r.Return...) {
				if h.Kind != reach.KindFirewall {
					continue
				}
				n++
				for _, w := range tt.want {
					assert.Contains(t, h.Reason(), w)
				}
				assert.NotContains(t, h.Reason(), tt.not)
			}
			assert.Equal(t, 2, n, "a firewall hop each way: %s", r.Text())
		})
	}
}

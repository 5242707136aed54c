package reach

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
)

// fragmentWarnings warns, for a UDP answer, of each firewall endpoint on
// its path whose policy's stateless fragment default action is aws:drop:
// the walk judges the session's packets unfragmented (the fragment
// default is not applied), so a fragmented UDP packet that no stateless
// rule matches (a large DNS response, say) is dropped there although the
// answer holds for whole packets. An unreachable answer gets none: its
// fragments fare no better than its whole packets.
func (m *Model) fragmentWarnings(r *Result) []string {
	if r.Flow.Protocol != flow.UDP || len(m.endpoints) == 0 || r.Outcome == Unreachable {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, hops := range [][]Hop{r.Forward, r.Return} {
		for i := range hops {
			h := &hops[i]
			if h.Kind != KindFirewall || seen[h.ID] || h.Code == FirewallEndpointIPType.OnLeg(h.Leg) {
				continue
			}
			seen[h.ID] = true
			ei := m.endpoints[h.ID]
			if ei == nil || ei.fw == nil || ei.fw.engine == nil || ei.fw.engine.Stateless().FragmentAction() != flow.Drop {
				continue
			}
			out = append(out, fmt.Sprintf("firewall endpoint %s (%s): its policy's stateless fragment default action is aws:drop, so fragmented UDP packets (large DNS responses, say) that no stateless rule matches are dropped there; this answer is for unfragmented packets", h.ID, ei.fw.ID))
		}
	}
	return out
}

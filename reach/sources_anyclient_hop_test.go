package reach_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// TestAnyClientByHopAgreesWithWalks holds Sources and Audit from every
// client port, whose address atoms that the default client port does not
// get through from are answered hop by hop, to the same questions with
// those atoms' client atoms walked one by one (SetAnyClientHops(false)),
// on random firewall designs whose stateful rules name source ports and
// whose stateless rules name the reply's destination ports; and demands
// the hop-by-hop answer take fewer walks where the client ports matter.
func TestAnyClientByHopAgreesWithWalks(t *testing.T) {
	type design struct {
		rules, stateless int
		seed             uint64
	}
	var designs []design
	for seed := range uint64(6) {
		designs = append(designs, design{20 + 10*int(seed), int(seed%3) * 4, seed + 100})
	}
	if raceOn {
		designs = designs[:2]
	}
	fewer := 0
	for _, d := range designs {
		t.Run(fmt.Sprintf("rules=%d,stateless=%d,seed=%d", d.rules, d.stateless, d.seed), func(t *testing.T) {
			build := func() *reach.Model {
				m, err := anyClientFirewall(4, d.rules, d.stateless, d.seed).Build()
				require.NoError(t, err)
				return m
			}
			byHop, walked := build(), build()
			for _, to := range []string{"f-0-0000", "f-2-0000"} {
				for _, q := range []struct {
					proto flow.Protocol
					port  uint16
				}{{flow.TCP, 443}, {flow.TCP, 22}, {flow.UDP, 53}} {
					sq := reach.SourcesQuery{To: to, Protocol: q.proto, Port: q.port, AnyClientPort: true}
					got, err := byHop.Sources(sq)
					require.NoError(t, err)
					restore := reach.SetAnyClientHops(false)
					want, err := walked.Sources(sq)
					restore()
					require.NoError(t, err)
					assert.Equal(t, want.Internet, got.Internet, "%s %d to %s", q.proto, q.port, to)
					assert.Equal(t, want.InternetIndeterminate, got.InternetIndeterminate, "%s %d to %s", q.proto, q.port, to)
					assert.Equal(t, want.Interfaces, got.Interfaces, "%s %d to %s", q.proto, q.port, to)
				}
			}
			if reach.SourceWalks(byHop) < reach.SourceWalks(walked) {
				fewer++
			}
			if raceOn {
				return
			}
			got, err := build().Audit(reach.AuditOptions{Workers: 2})
			require.NoError(t, err)
			restore := reach.SetAnyClientHops(false)
			want, err := build().Audit(reach.AuditOptions{Workers: 2})
			restore()
			require.NoError(t, err)
			assert.Equal(t, want, got, "Audit's answer")
		})
	}
	assert.Positive(t, fewer, "no design took fewer walks hop by hop")
}

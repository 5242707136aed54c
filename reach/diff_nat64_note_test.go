package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// TestDiffNAT64DesignAddressNote: web's rule for tcp/443 from 0.0.0.0/0
// removed, the IPv6-only v6 loses its NAT64 sessions to web's IPv4
// addresses; Diff counts 64:ff9b::a00:a and 64:ff9b::c633:640a among the
// internet addresses of the pair v6 -> internet (exact, but they are a
// design interface), and now says so in a note naming them (audit
// v6nat25 finding 3). A change that touches no such address has no note.
// Asked of Diff and DiffReference: the fast Diff's scope used to leave
// the pair v6 -> internet out for a change of web's group, and so the
// note too (diff_scope_nat64.go now puts it in scope).
func TestDiffNAT64DesignAddressNote(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	before := v6nModel(t, v6nOpts{})
	rule := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.CIDR("0.0.0.0/0")}
	tests := []struct {
		name string
		c    reach.Change
		want []string
	}{
		{"web's IPv4 rule removed", reach.Change{Action: reach.ChangeRemove, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: &rule},
			[]string{"64:ff9b::a00:a (10.0.0.10, eni-web)", "64:ff9b::c633:640a (198.51.100.10, eni-web)", "Sources over IPv4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after, err := before.Apply([]reach.Change{tt.c})
			require.NoError(t, err)
			for _, diff := range []func(a, b *reach.Model, o reach.DiffOptions) (*reach.DiffResult, error){reach.Diff, reach.DiffReference} {
				d, err := diff(before, after, reach.DiffOptions{IPv6: true, Workers: 1})
				require.NoError(t, err)
				var note string
				for _, n := range d.Notes {
					if strings.Contains(n, "NAT64 addresses (64:ff9b::/96) of the design's own IPv4 addresses") {
						note = n
					}
				}
				require.NotEmpty(t, note, d.Text())
				for _, w := range tt.want {
					assert.Contains(t, note, w)
				}
				assert.Contains(t, d.Text(), note)
			}
		})
	}
	t.Run("no NAT64 address of the design changed", func(t *testing.T) {
		r6 := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.CIDR("::/0")}
		after, err := before.Apply([]reach.Change{{Action: reach.ChangeRemove, Kind: reach.ResourceSecurityGroup, Resource: "sg-web", Rule: &r6}})
		require.NoError(t, err)
		for _, diff := range []func(a, b *reach.Model, o reach.DiffOptions) (*reach.DiffResult, error){reach.Diff, reach.DiffReference} {
			d, err := diff(before, after, reach.DiffOptions{IPv6: true, Workers: 1})
			require.NoError(t, err)
			require.NotEmpty(t, d.Changes)
			assert.Empty(t, d.Notes, d.Text())
		}
	})
}

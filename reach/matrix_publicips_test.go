package reach_test

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// TestMatrixInternetCellsCountEveryPublicAddress: an interface stands
// for its own private and public addresses (Model.Matrix), so its cells
// with the internet hold what the internet opens at the Elastic IP of a
// secondary private address (Interface.PublicIPs), and what the
// interface opens from that address; they held only what goes through
// its first address, and the internet -> host-1 cell said "carries
// nothing" where Verdict(8.8.8.8 -> 203.0.113.51 tcp 22) is Reachable.
// The fast matrix and the slow reference agree, and so does Diff, which
// compares the internet cells address by address.
func TestMatrixInternetCellsCountEveryPublicAddress(t *testing.T) {
	tests := []struct {
		name               string
		primary, secondary netip.Addr
		// out: host-1 -> internet carries tcp (from the secondary, when
		// the primary has no public address)
		out bool
	}{
		{"an Elastic IP on the secondary alone", netip.Addr{}, ba("203.0.113.51"), true},
		{"a public IP on each", ba("203.0.113.50"), ba("203.0.113.51"), true},
		{"no public address", netip.Addr{}, netip.Addr{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := eipDesign(t, tt.primary, tt.secondary)
			mx, err := m.Matrix(reach.MatrixOptions{})
			require.NoError(t, err)
			ref, err := reach.MatrixReference(m, reach.MatrixOptions{})
			require.NoError(t, err)
			assert.Equal(t, ref.Cells, mx.Cells, "fast and reference:\n%s\n%s", mx.Text(), ref.Text())
			require.Len(t, mx.Classes, 2, mx.Text())
			cls := mx.Classes[0].Name
			require.Equal(t, "eni-h1", mx.Classes[0].Members[0].ID)
			in := brute.CellOf(mx, reach.InternetNode, cls)
			assert.Equal(t, tt.out, in.Allowed.TCP.Contains(22), "internet -> %s tcp 22:\n%s", cls, mx.Text())
			if tt.out {
				assert.Equal(t, "22", in.Allowed.TCP.String(), "internet -> %s:\n%s", cls, mx.Text())
			}
			out := brute.CellOf(mx, cls, reach.InternetNode)
			assert.Equal(t, tt.out, out.Allowed.TCP.Contains(443), "%s -> internet tcp 443:\n%s", cls, mx.Text())
			if tt.secondary.IsValid() {
				v, err := m.Verdict(reach.Query{From: "8.8.8.8", To: tt.secondary.String(), Protocol: flow.TCP, Port: 22})
				require.NoError(t, err)
				assert.Equal(t, reach.Reachable, v)
				v, err = m.Verdict(reach.Query{From: "10.5.1.11", To: "8.8.8.8", Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, reach.Reachable, v)
			}
			brute.CheckMatrix(t, rand.New(rand.NewPCG(1, 2)), m, mx, false, tt.name)
		})
	}
	// Diff: the Elastic IP on the secondary gains the internet's SSH.
	before, after := eipDesign(t, netip.Addr{}, netip.Addr{}), eipDesign(t, netip.Addr{}, ba("203.0.113.51"))
	d, err := reach.Diff(before, after, reach.DiffOptions{})
	require.NoError(t, err)
	gained := false
	for _, c := range d.Changes {
		if c.From == reach.InternetNode {
			gained = gained || c.Gained.TCP.Contains(22)
			assert.NotEmpty(t, c.Addresses)
		}
	}
	assert.True(t, gained, "Diff: the internet gains tcp 22 to host-1:\n%s", d.Text())
	ref, err := reach.DiffReference(before, after, reach.DiffOptions{})
	require.NoError(t, err)
	assert.Equal(t, ref.Changes, d.Changes)
}

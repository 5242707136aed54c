package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Matrix and Diff answer for interfaces' own addresses: where an
// interface has delegated prefixes (pods), their answers say so in a
// note, in Go, JSON and text, rather than leave the reader to think the
// pods' addresses were compared.
func TestMatrixAndDiffNoteDelegatedPrefixes(t *testing.T) {
	const note = "the addresses of prefixes delegated to pods (eni-pods) (such as pods') are not compared here"
	withPods := build(t, podsRefDesign(sg.Peer{}))
	plain := podsRefDesign(sg.Peer{})
	plain.Interfaces[0].DelegatedPrefixes, plain.Interfaces[0].IPv4PrefixesUnknown = nil, ""
	without := build(t, plain)
	for _, tc := range []struct {
		name string
		m    *reach.Model
		want bool
	}{
		{"delegated prefixes: noted", withPods, true},
		{"none: no note", without, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mx, err := tc.m.Matrix(reach.MatrixOptions{NoInternet: true})
			require.NoError(t, err)
			if !tc.want {
				assert.Empty(t, mx.Notes)
				assert.NotContains(t, mx.Text(), "note:")
				return
			}
			require.Len(t, mx.Notes, 1)
			assert.Contains(t, mx.Notes[0], note)
			assert.Contains(t, mx.Text(), "note: "+note)
		})
	}
	d, err := reach.Diff(without, withPods, reach.DiffOptions{})
	require.NoError(t, err)
	require.Len(t, d.Notes, 1, "the model after has pods")
	assert.Contains(t, d.Text(), "note: "+note)
	d, err = reach.Diff(without, without, reach.DiffOptions{})
	require.NoError(t, err)
	assert.Empty(t, d.Notes)
}

package reach_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// TestMatrixRoutedBlocksRandom: random designs full of middleboxes
// (randomWalkDesign, spice, ICMP code entries), the odd seeds with routes
// to what the design does not model (vpnRoutes: a virtual private
// gateway, a local gateway, a peering the input lacks), their matrices
// held to Verdict by brute force. On seeds 5511 and 5805 an interface's
// cell to the internet is rightly undecided for tcp (and more) only at
// 203.0.113.128/25, which its subnet routes to lgw-1, a local gateway:
// Check says so ("what lies beyond lgw-1 is unknown"); brute.CheckMatrix
// tried no address of that block (a few fixed ones, those beside the
// design's, the edges of Sources' blocks toward the member, 300 random
// ones) and failed the right cell. It now tries the edges of the
// design's routes (brute.RouteAddrs).
func TestMatrixRoutedBlocksRandom(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	seeds := []uint64{5511, 5805, 5502, 5523, 5601, 5700}
	if testing.Short() || raceOn {
		seeds = seeds[:2]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0xa7e))
			g := randomWalkDesign(rng)
			spice(rng, g.d)
			icmpCodeEntries(rand.New(rand.NewPCG(seed, 0x1c)), g.d)
			if seed%2 == 1 {
				vpnRoutes(rand.New(rand.NewPCG(seed, 0x7e9)), g.d)
			}
			m, err := g.d.Builder().Build()
			require.NoError(t, err)
			mx, err := m.Matrix(reach.MatrixOptions{Workers: 1})
			require.NoError(t, err)
			brute.CheckMatrix(t, rng, m, mx, false, fmt.Sprintf("seed %d", seed))
		})
	}
}

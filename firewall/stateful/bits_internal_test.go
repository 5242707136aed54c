package stateful

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAddrCutsAgreeWithAddrs holds the integer search of an address
// dimension's cuts to the search over its netip.Addrs, on random cuts of
// both families and random keys, at and beside the cuts: same segment.
func TestAddrCutsAgreeWithAddrs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	randAddr := func() netip.Addr {
		if rng.IntN(2) == 0 {
			var b [4]byte
			for i := range b {
				b[i] = byte(rng.IntN(4)) // few values, so keys often hit cuts
			}
			return netip.AddrFrom4(b)
		}
		var b [16]byte
		for _, i := range []int{0, 7, 8, 15} {
			b[i] = byte(rng.IntN(3))
		}
		return netip.AddrFrom16(b)
	}
	searched := 0
	for range 500 {
		var cuts []netip.Addr
		for range rng.IntN(12) {
			cuts = append(cuts, randAddr())
		}
		slices.SortFunc(cuts, netip.Addr.Compare)
		cuts = slices.Compact(cuts)
		d := bitDim[netip.Addr]{lo: cuts}
		c := addrCutsOf(cuts)
		require.True(t, c.ok)
		plain := addrCuts{} // not ok: the search over the netip.Addrs
		for range 40 {
			k := randAddr()
			if len(cuts) > 0 && rng.IntN(3) == 0 {
				k = cuts[rng.IntN(len(cuts))]
			}
			require.Equal(t, lookupBitsAddr(&d, &plain, k), lookupBitsAddr(&d, &c, k), "cuts %v, key %v", cuts, k)
			searched++
		}
	}
	require.Positive(t, searched)
	zoned := []netip.Addr{netip.MustParseAddr("fe80::1%eth0")}
	require.False(t, addrCutsOf(zoned).ok, "a zoned cut leaves the search to netip.Addr")
}

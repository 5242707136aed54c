package stateful

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// atomRef is addrIndex.atom by netip's own order: the index of the last
// edge at or below a.
func atomRef(ix *addrIndex, a netip.Addr) int {
	i, found := slices.BinarySearchFunc(ix.edges, a, netip.Addr.Compare)
	if found {
		return i
	}
	return i - 1
}

// The address index finds an address's atom by numbers, as netip orders
// addresses: at every edge, beside it, and at random addresses of both
// families (IPv4-mapped IPv6 ones among them).
func TestAddrIndexAtomAgreesWithNetipOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 12))
	g := generator{r}
	res := randomIPSets
	tried := 0
	for range 100 {
		e, err := Compile(g.config(), res)
		if err != nil {
			continue
		}
		ix := e.addrIndex()
		require.NotNil(t, ix)
		var probe []netip.Addr
		for _, a := range ix.edges {
			probe = append(probe, a, a.Prev(), a.Next())
		}
		for range 200 {
			var b4 [4]byte
			var b16 [16]byte
			for i := range b4 {
				b4[i] = byte(r.IntN(256))
			}
			for i := range b16 {
				b16[i] = byte(r.IntN(256))
			}
			mapped := netip.AddrFrom16(netip.AddrFrom4(b4).As16())
			probe = append(probe, netip.AddrFrom4(b4), netip.AddrFrom16(b16), mapped)
		}
		for _, a := range probe {
			if !a.IsValid() {
				continue
			}
			require.Equal(t, atomRef(ix, a), ix.atom(a), "%s among %v", a, ix.edges)
			tried++
		}
	}
	require.Greater(t, tried, 10000)
}

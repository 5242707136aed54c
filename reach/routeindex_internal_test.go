package reach

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRouteIndexAgreesWithScan demands that the route index find, for
// random tables and addresses, the route and prefix the plain scan of
// every route and prefix finds (longest prefix; a CIDR route over a
// prefix-list route of the same prefix; else the first).
func TestRouteIndexAgreesWithScan(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 1))
	randPrefix := func() netip.Prefix {
		if r.IntN(4) == 0 {
			a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(r.IntN(4)), byte(r.IntN(4)), 15: byte(r.IntN(4))})
			return netip.PrefixFrom(a, []int{0, 32, 48, 56, 64, 128}[r.IntN(6)]).Masked()
		}
		a := netip.AddrFrom4([4]byte{10, byte(r.IntN(3)), byte(r.IntN(3)), byte(r.IntN(4))})
		return netip.PrefixFrom(a, []int{0, 8, 16, 23, 24, 32}[r.IntN(6)]).Masked()
	}
	randAddr := func() netip.Addr {
		switch r.IntN(8) {
		case 0:
			return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(r.IntN(4)), byte(r.IntN(4)), 15: byte(r.IntN(4))})
		case 1:
			return netip.AddrFrom16(netip.AddrFrom4([4]byte{10, 0, 0, 1}).As16()) // IPv4-mapped
		case 2:
			return netip.Addr{}
		}
		return netip.AddrFrom4([4]byte{10, byte(r.IntN(3)), byte(r.IntN(3)), byte(r.IntN(4))})
	}
	for range 2000 {
		rt := &rtInfo{}
		for i := range 1 + r.IntN(8) {
			cr := compiledRoute{index: i, Route: Route{TargetID: string(rune('a' + i))}}
			if r.IntN(3) == 0 {
				cr.PrefixList = "pl-" + cr.TargetID
				for range 1 + r.IntN(4) {
					cr.prefixes = append(cr.prefixes, randPrefix())
				}
			} else {
				cr.Destination = randPrefix()
				cr.prefixes = []netip.Prefix{cr.Destination}
			}
			rt.routes = append(rt.routes, cr)
		}
		rt.indexRoutes()
		for range 20 {
			a := randAddr()
			wantR, wantP, wantOK := rt.scan(a)
			gotR, gotP, gotOK := rt.lookup(a)
			require.Equal(t, wantOK, gotOK, "%s in %+v", a, rt.routes)
			require.Equal(t, wantP, gotP, "%s in %+v", a, rt.routes)
			require.Same(t, wantR, gotR, "%s in %+v", a, rt.routes)
		}
	}
}

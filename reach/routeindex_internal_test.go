package reach

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRouteIndexAgreesWithScan demands that the route index find, for
// random tables and addresses, the route and prefix the plain scan of
// every route and prefix finds (longest prefix; among routes of the same
// prefix a static CIDR route, then a prefix-list route, then a propagated
// one, the first among equals; the tie's route where prefix-list routes
// to different targets share the prefix).
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
	stats := map[string]int{}
	for range 2000 {
		rt := &rtInfo{}
		for i := range 1 + r.IntN(8) {
			// few targets, so that routes share one now and then
			cr := compiledRoute{index: i, Route: Route{Target: TargetInterface, TargetID: string(rune('a' + r.IntN(3)))}}
			if r.IntN(4) == 0 {
				cr.Target = TargetBlackhole
			}
			if r.IntN(2) == 0 {
				cr.PrefixList = "pl-" + string(rune('a'+i))
				for range 1 + r.IntN(4) {
					cr.prefixes = append(cr.prefixes, randPrefix())
				}
			} else {
				cr.Destination = randPrefix()
				cr.prefixes = []netip.Prefix{cr.Destination}
				cr.Propagated = r.IntN(3) == 0
			}
			rt.routes = append(rt.routes, cr)
		}
		rt.findTies()
		rt.indexRoutes()
		for range 20 {
			a := randAddr()
			wantR, wantP, wantOK := rt.scan(a)
			gotR, gotP, gotOK := rt.lookup(a)
			require.Equal(t, wantOK, gotOK, "%s in %+v", a, rt.routes)
			require.Equal(t, wantP, gotP, "%s in %+v", a, rt.routes)
			require.Same(t, wantR, gotR, "%s in %+v", a, rt.routes)
			if gotOK {
				// the routes of the prefix that matched tie when the best
				// of them are prefix-list routes to different places
				var best []*compiledRoute
				for i := range rt.routes {
					cr := &rt.routes[i]
					if !slices.Contains(cr.prefixes, gotP) {
						continue
					}
					if len(best) > 0 && cr.rank() < best[0].rank() {
						best = best[:0]
					}
					if len(best) == 0 || cr.rank() == best[0].rank() {
						best = append(best, cr)
					}
				}
				tie := best[0].rank() == rankPrefixList && slices.ContainsFunc(best, func(cr *compiledRoute) bool {
					return cr.Target != best[0].Target || cr.TargetID != best[0].TargetID && cr.Target != TargetBlackhole
				})
				require.Equal(t, tie, gotR.tied != nil, "%s in %+v", a, rt.routes)
			}
			switch {
			case !gotOK:
			case gotR.tied != nil:
				stats["tie"]++
			default:
				stats[[]string{"static", "prefix list", "propagated"}[gotR.rank()]]++
			}
		}
	}
	t.Logf("%v", stats)
	for _, k := range []string{"tie", "static", "prefix list", "propagated"} {
		require.Positive(t, stats[k], "the random tables exercise %s", k)
	}
}

// [rtInfo.findTies] finds a tie only among prefix-list routes to
// different targets that no static CIDR route of their prefix decides,
// and lookups return the tie's route for that prefix.
func TestFindTies(t *testing.T) {
	p := netip.MustParsePrefix("93.184.216.0/24")
	list := func(id, target string, kind TargetKind) compiledRoute {
		return compiledRoute{Route: Route{PrefixList: id, Target: kind, TargetID: target}, prefixes: []netip.Prefix{p}}
	}
	static := compiledRoute{Route: Route{Destination: p, Target: TargetInternetGateway, TargetID: "igw-1"}, prefixes: []netip.Prefix{p}}
	propagated := static
	propagated.Propagated = true
	for _, tc := range []struct {
		name   string
		routes []compiledRoute
		tied   int // routes in the tie; 0 for none
	}{
		{"two lists to different targets", []compiledRoute{list("pl-1", "igw-1", TargetInternetGateway), list("pl-2", "nat-1", TargetNATGateway)}, 2},
		{"three lists, one differing", []compiledRoute{list("pl-1", "igw-1", TargetInternetGateway), list("pl-2", "igw-1", TargetInternetGateway), list("pl-3", "nat-1", TargetNATGateway)}, 3},
		{"two lists to one target", []compiledRoute{list("pl-1", "igw-1", TargetInternetGateway), list("pl-2", "igw-1", TargetInternetGateway)}, 0},
		{"two blackholes", []compiledRoute{list("pl-1", "nat-1", TargetBlackhole), list("pl-2", "nat-2", TargetBlackhole)}, 0},
		{"a static route decides", []compiledRoute{list("pl-1", "igw-1", TargetInternetGateway), list("pl-2", "nat-1", TargetNATGateway), static}, 0},
		{"a propagated route does not", []compiledRoute{propagated, list("pl-1", "igw-1", TargetInternetGateway), list("pl-2", "nat-1", TargetNATGateway)}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := &rtInfo{routes: tc.routes}
			rt.findTies()
			if tc.tied == 0 {
				require.Empty(t, rt.ties)
				return
			}
			require.Len(t, rt.ties, 1)
			tie := &rt.ties[0]
			require.Len(t, tie.tied, tc.tied)
			require.Equal(t, []netip.Prefix{p}, tie.prefixes)
			rt.indexRoutes()
			got, via, ok := rt.lookup(netip.MustParseAddr("93.184.216.34"))
			require.True(t, ok)
			require.Same(t, tie, got)
			require.Equal(t, p, via)
		})
	}
}

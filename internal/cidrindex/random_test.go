package cidrindex_test

import (
	"net/netip"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/internal/cidrindex"
)

// buildRandom adds n random prefixes to a Builder and to the brute-force
// reference, with the value of each entry being its Add call number. Every
// 50th call tries an IPv4-mapped prefix, which must be rejected.
func buildRandom(tb testing.TB, g *gen, n int) *cidrindex.Index[int] {
	tb.Helper()
	var b cidrindex.Builder[int]
	for i := range n {
		if i%50 == 49 {
			v4 := g.addrIn(netip.MustParsePrefix("0.0.0.0/0"))
			mapped := netip.PrefixFrom(netip.AddrFrom16(v4.As16()), 96+g.rng.IntN(33))
			require.Error(tb, b.Add(mapped, i), "Add(%v)", mapped)
			continue
		}
		p := g.randPrefix()
		require.NoError(tb, b.Add(p, i), "Add(%v)", p)
		g.ref = append(g.ref, pair{prefix: p, value: i})
	}
	ix := b.Build()
	require.Equal(tb, len(g.ref), ix.Len())
	return ix
}

func TestLookupMatchesBruteForce(t *testing.T) {
	const (
		seed     = 20240611
		nEntries = 4000
		nLookups = 10000
	)
	g := newGen(seed)
	ix := buildRandom(t, g, nEntries)

	var none, single, multi, most int
	var dst []int
	for range nLookups {
		a := g.randLookup()
		want := g.ref.lookup(a)
		switch {
		case len(want) == 0:
			none++
		case len(want) == 1:
			single++
		default:
			multi++
		}
		most = max(most, len(want))
		// Compare cheaply first and let testify explain only failures:
		// its reflection makes this loop far slower under -race.
		if got := ix.Lookup(a); (got == nil) != (want == nil) || !slices.Equal(got, want) {
			require.Equal(t, want, got, "Lookup(%v)", a)
		}
		if dst = ix.AppendLookup(dst[:0], a); !slices.Equal(dst, want) {
			require.Equal(t, want, dst, "AppendLookup(%v)", a)
		}
		wantV, wantOK := g.ref.first(a)
		if gotV, gotOK := ix.First(a); gotV != wantV || gotOK != wantOK {
			require.Equal(t, []any{wantV, wantOK}, []any{gotV, gotOK}, "First(%v)", a)
		}
	}
	// Guard the generator: the comparison is only meaningful if lookups
	// miss, hit one entry and hit several entries in fair proportions.
	t.Logf("%d lookups: %d matched nothing, %d one entry, %d several (at most %d)",
		nLookups, none, single, multi, most)
	assert.Greater(t, none, nLookups/10, "too few lookups matched nothing")
	assert.Greater(t, single, nLookups/10, "too few lookups matched exactly one entry")
	assert.Greater(t, multi, nLookups/10, "too few lookups matched several entries")
}

func TestConcurrentLookupsAgreeWithSerialResults(t *testing.T) {
	const (
		seed       = 7
		nEntries   = 2000
		nLookups   = 2000
		goroutines = 8
	)
	g := newGen(seed)
	ix := buildRandom(t, g, nEntries)

	addrs := make([]netip.Addr, nLookups)
	want := make([][]int, nLookups)
	for i := range addrs {
		addrs[i] = g.randLookup()
		want[i] = g.ref.lookup(addrs[i])
	}

	var wg sync.WaitGroup
	for w := range goroutines {
		wg.Go(func() {
			var dst []int
			// Each goroutine walks the addresses from a different offset
			// so that they do not move in lockstep.
			for k := range addrs {
				i := (k + w*nLookups/goroutines) % nLookups
				a := addrs[i]
				if !assert.Equal(t, want[i], ix.Lookup(a), "Lookup(%v)", a) {
					return
				}
				dst = ix.AppendLookup(dst[:0], a)
				if !assert.Len(t, dst, len(want[i]), "AppendLookup(%v)", a) {
					return
				}
				v, ok := ix.First(a)
				if !assert.Equal(t, len(want[i]) > 0, ok, "First(%v) found", a) {
					return
				}
				if ok && !assert.Equal(t, want[i][0], v, "First(%v)", a) {
					return
				}
			}
		})
	}
	wg.Wait()
}

package portindex_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/portindex"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type filed struct {
	rule int32
	r    flow.PortRange
}

// slowLookup is the obviously correct answer: every rule with a range
// covering port, ascending, once each.
func slowLookup(fs []filed, port uint16) []int32 {
	var out []int32
	for _, f := range fs {
		if f.r.Lo <= f.r.Hi && f.r.Contains(port) && !slices.Contains(out, f.rule) {
			out = append(out, f.rule)
		}
	}
	slices.Sort(out)
	return out
}

func build(t testing.TB, fs []filed, budget int) (portindex.Index, bool) {
	t.Helper()
	var b portindex.Builder
	for _, f := range fs {
		b.Add(f.rule, f.r)
	}
	return b.Build(budget)
}

func pr(lo, hi uint16) flow.PortRange { return flow.PortRange{Lo: lo, Hi: hi} }

func TestLookupFindsTheRulesCoveringAPort(t *testing.T) {
	fs := []filed{{0, pr(22, 22)}, {1, pr(0, 65535)}, {2, pr(1000, 2000)}, {3, pr(2000, 3000)}, {2, pr(2500, 2600)}, {4, pr(65535, 65535)}, {5, pr(9, 8)}}
	x, ok := build(t, fs, -1)
	require.True(t, ok)
	tests := []struct {
		port uint16
		want []int32
	}{
		{0, []int32{1}}, {21, []int32{1}}, {22, []int32{0, 1}}, {23, []int32{1}},
		{1000, []int32{1, 2}}, {2000, []int32{1, 2, 3}}, {2001, []int32{1, 3}},
		{2550, []int32{1, 2, 3}}, {3001, []int32{1}}, {65534, []int32{1}}, {65535, []int32{1, 4}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("port %d", tt.port), func(t *testing.T) {
			assert.Equal(t, tt.want, x.Lookup(tt.port))
		})
	}
	t.Run("an empty range is ignored", func(t *testing.T) {
		for p := range 65536 {
			assert.NotContains(t, x.Lookup(uint16(p)), int32(5))
		}
	})
}

func TestTheZeroIndexIsEmpty(t *testing.T) {
	var x portindex.Index
	assert.True(t, x.IsZero())
	assert.Nil(t, x.Lookup(443))
	y, ok := build(t, nil, -1)
	require.True(t, ok)
	assert.Empty(t, y.Lookup(443), "an index of no rules finds none")
}

func TestBuildRespectsTheBudget(t *testing.T) {
	var fs []filed
	for i := range 100 {
		fs = append(fs, filed{int32(i), pr(uint16(i), 65535)}) // nested: rule i covers 100-i segments
	}
	_, ok := build(t, fs, 100)
	assert.False(t, ok, "5,050 entries do not fit in 100")
	x, ok := build(t, fs, 5050)
	require.True(t, ok)
	assert.Equal(t, 5050, x.Size())
}

func TestLookupAgreesWithAScanOnRandomRanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for iter := range 300 {
		n := rng.IntN(60)
		var fs []filed
		for range n {
			lo := uint16(rng.IntN(65536))
			if rng.IntN(4) == 0 {
				lo = uint16(rng.IntN(40)) // crowd a small area so ranges meet
			}
			hi := lo + uint16(rng.IntN(int(65535-lo)+1))
			if rng.IntN(3) == 0 {
				hi = lo + uint16(rng.IntN(min(50, int(65535-lo))+1))
			}
			if rng.IntN(20) == 0 {
				lo = hi + 1 // empty (or wraps to the full range at 65535: still a valid case)
			}
			fs = append(fs, filed{int32(rng.IntN(n + 1)), pr(lo, hi)})
		}
		x, ok := build(t, fs, -1)
		require.True(t, ok)
		probes := []uint16{0, 1, 65534, 65535}
		for _, f := range fs {
			probes = append(probes, f.r.Lo, f.r.Hi, f.r.Lo-1, f.r.Hi+1)
		}
		for range 50 {
			probes = append(probes, uint16(rng.IntN(65536)))
		}
		for _, p := range probes {
			want := slowLookup(fs, p)
			got := x.Lookup(p)
			if len(want) == 0 {
				require.Empty(t, got, "iteration %d port %d", iter, p)
				continue
			}
			require.Equal(t, want, got, "iteration %d port %d", iter, p)
		}
	}
}

// BenchmarkBuild shows the growth of building: n rules with distinct
// single ports plus a few wide ranges, as a big security group has.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		rng := rand.New(rand.NewPCG(1, 2))
		fs := make([]filed, n)
		for i := range fs {
			p := uint16(rng.IntN(65536))
			fs[i] = filed{int32(i), pr(p, p)}
			if i%100 == 0 {
				fs[i].r = pr(p/2, p)
			}
		}
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				build(b, fs, 32*n+4096) // the engines' budget
			}
		})
	}
}

func BenchmarkLookup(b *testing.B) {
	var fs []filed
	for i := range 10_000 {
		p := uint16(i * 6)
		fs = append(fs, filed{int32(i), pr(p, p+3)})
	}
	x, _ := build(b, fs, -1)
	b.ReportAllocs()
	port := uint16(0)
	for b.Loop() {
		_ = x.Lookup(port)
		port += 7919
	}
}

package cidrindex_test

import (
	"net/netip"
	"testing"

	"github.com/reachsim/reachsim/internal/cidrindex"
)

// benchData is 10,000 mixed IPv4/IPv6 prefixes and 1,024 lookup addresses,
// about half of which fall inside an inserted prefix.
func benchData(b *testing.B) (*gen, []netip.Addr) {
	b.Helper()
	g := newGen(42)
	for len(g.ref) < 10000 {
		g.ref = append(g.ref, pair{prefix: g.randPrefix(), value: len(g.ref)})
	}
	addrs := make([]netip.Addr, 1024)
	for i := range addrs {
		// Only addresses that can match: mapped and zoned ones would make
		// both sides trivially fast.
		for addrs[i] = g.randLookup(); !matchable(addrs[i]); addrs[i] = g.randLookup() {
		}
	}
	return g, addrs
}

// benchIndex returns the benchmark data as an Index, as the brute-force
// reference, and the lookup addresses.
func benchIndex(b *testing.B) (*cidrindex.Index[int], reference, []netip.Addr) {
	b.Helper()
	g, addrs := benchData(b)
	var bld cidrindex.Builder[int]
	for _, e := range g.ref {
		if err := bld.Add(e.prefix, e.value); err != nil {
			b.Fatal(err)
		}
	}
	return bld.Build(), g.ref, addrs
}

func BenchmarkLookup(b *testing.B) {
	ix, ref, addrs := benchIndex(b)
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			_ = ix.Lookup(addrs[i%len(addrs)])
			i++
		}
	})
	b.Run("linear", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			_ = ref.lookup(addrs[i%len(addrs)])
			i++
		}
	})
}

func BenchmarkAppendLookup(b *testing.B) {
	ix, ref, addrs := benchIndex(b)
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		var dst []int
		i := 0
		for b.Loop() {
			dst = ix.AppendLookup(dst[:0], addrs[i%len(addrs)])
			i++
		}
	})
	b.Run("linear", func(b *testing.B) {
		b.ReportAllocs()
		var dst []int
		i := 0
		for b.Loop() {
			dst = dst[:0]
			a := addrs[i%len(addrs)]
			for _, e := range ref {
				if e.prefix.Contains(a) {
					dst = append(dst, e.value)
				}
			}
			i++
		}
	})
}

func BenchmarkFirst(b *testing.B) {
	ix, ref, addrs := benchIndex(b)
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			_, _ = ix.First(addrs[i%len(addrs)])
			i++
		}
	})
	b.Run("linear", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			_, _ = ref.first(addrs[i%len(addrs)])
			i++
		}
	})
}

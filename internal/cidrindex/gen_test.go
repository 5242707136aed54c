package cidrindex_test

import (
	"math/rand/v2"
	"net/netip"
)

// pair is one (prefix, value) entry of the brute-force reference.
type pair struct {
	prefix netip.Prefix
	value  int
}

// reference is the obviously correct model of an Index: a plain slice in
// insertion order, scanned with netip.Prefix.Contains.
type reference []pair

// matchable reports whether a may match anything under the package contract.
func matchable(a netip.Addr) bool {
	return a.IsValid() && a.Zone() == "" && !a.Is4In6()
}

func (r reference) lookup(a netip.Addr) []int {
	if !matchable(a) {
		return nil
	}
	var out []int
	for _, e := range r {
		if e.prefix.Contains(a) {
			out = append(out, e.value)
		}
	}
	return out
}

func (r reference) first(a netip.Addr) (int, bool) {
	if !matchable(a) {
		return 0, false
	}
	for _, e := range r {
		if e.prefix.Contains(a) {
			return e.value, true
		}
	}
	return 0, false
}

// gen produces random prefixes and addresses that nest, repeat and overlap
// enough for lookups to exercise multi-entry results.
type gen struct {
	rng *rand.Rand
	ref reference
}

func newGen(seed uint64) *gen {
	return &gen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// randAddr returns a uniformly random IPv4 or IPv6 address (never mapped).
func (g *gen) randAddr(v4 bool) netip.Addr {
	if v4 {
		var b [4]byte
		for i := range b {
			b[i] = byte(g.rng.Uint32())
		}
		return netip.AddrFrom4(b)
	}
	for {
		var b [16]byte
		for i := range b {
			b[i] = byte(g.rng.Uint32())
		}
		if a := netip.AddrFrom16(b); !a.Is4In6() {
			return a
		}
	}
}

// addrIn returns a random address inside p, host bits randomized.
func (g *gen) addrIn(p netip.Prefix) netip.Addr {
	r := g.randAddr(p.Addr().Is4())
	base := p.Masked().Addr()
	if p.Addr().Is4() {
		x, y := base.As4(), r.As4()
		return netip.AddrFrom4(splice[[4]byte](x[:], y[:], p.Bits()))
	}
	x, y := base.As16(), r.As16()
	return netip.AddrFrom16(splice[[16]byte](x[:], y[:], p.Bits()))
}

// splice returns the first bits bits of net followed by the rest of host.
func splice[A [4]byte | [16]byte](net, host []byte, bits int) A {
	var out A
	for i := range len(out) {
		keep := 0
		if n := bits - 8*i; n >= 8 {
			keep = 8
		} else if n > 0 {
			keep = n
		}
		mask := byte(0xff) << (8 - keep) // 0 when keep == 0
		out[i] = net[i]&mask | host[i]&^mask
	}
	return out
}

// randPrefix returns a random prefix, often nested in or equal to an earlier
// one, with host bits left set. It never returns an IPv4-mapped prefix.
func (g *gen) randPrefix() netip.Prefix {
	if len(g.ref) > 0 {
		old := g.ref[g.rng.IntN(len(g.ref))].prefix
		maxBits := old.Addr().BitLen()
		switch x := g.rng.IntN(10); {
		case x == 0: // exact duplicate, possibly with other host bits
			return netip.PrefixFrom(g.addrIn(old), old.Bits())
		case x < 6: // nested inside an earlier prefix
			bits := old.Bits() + g.rng.IntN(maxBits-old.Bits()+1)
			p := netip.PrefixFrom(g.addrIn(old), bits)
			if !p.Masked().Addr().Is4In6() {
				return p
			}
		}
	}
	v4 := g.rng.IntN(2) == 0
	a := g.randAddr(v4)
	// Mostly realistic lengths (/8../32, /16../128); rarely any length, so
	// that /0 and other very short prefixes occur but do not swamp results.
	bits := g.rng.IntN(a.BitLen() + 1)
	if g.rng.IntN(100) != 0 {
		bits = a.BitLen()/4 + g.rng.IntN(a.BitLen()*3/4+1)
	}
	return netip.PrefixFrom(a, bits)
}

// randLookup returns an address for a lookup: half the time inside a random
// inserted prefix, otherwise uniformly random, IPv4-mapped or zoned.
func (g *gen) randLookup() netip.Addr {
	switch x := g.rng.IntN(20); {
	case x < 10 && len(g.ref) > 0:
		return g.addrIn(g.ref[g.rng.IntN(len(g.ref))].prefix)
	case x < 12 && len(g.ref) > 0: // IPv4-mapped form of a hitting address
		p := g.ref[g.rng.IntN(len(g.ref))].prefix
		a := g.addrIn(p)
		if a.Is4() {
			return netip.AddrFrom16(a.As16())
		}
		return a.WithZone("eth0")
	default:
		return g.randAddr(g.rng.IntN(2) == 0)
	}
}

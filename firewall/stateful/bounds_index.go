package stateful

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// The rules whose address sets admit a fixed pair of addresses, found
// without trying every rule: the edges of every rule's source and
// destination sets cut the addresses into atoms, and per atom a bitset
// holds the rules whose source set admits it, another those whose
// destination set does (rules of any address in a mask of their own),
// and a mask per common protocol the rules that admit it.
// Bounds with fixed addresses asks it for the rules that admit the
// request or the reply; TestIndexedBoundsAgreeWithEveryRule holds it to
// the plain loop over every rule.

// maxAddrIndexWords bounds the index's bitsets (in 64-bit words, both
// tables): beyond it, Bounds tries every rule.
const maxAddrIndexWords = 1 << 22

// addrIndex is the index of an engine's rules by address.
type addrIndex struct {
	edges []netip.Addr // sorted; each starts an atom
	// the edges as numbers, for a search without netip's comparisons:
	// the IPv4 ones (the first len(edges4), as IPv4 sorts first), and
	// the IPv6 ones as their halves
	edges4         []uint32
	edges6         [][2]uint64
	words          int      // per atom
	src, dst       []uint64 // atom*words+w: the rules whose set admits the atom
	anySrc, anyDst []uint64 // the rules of any source, any destination
	// per common protocol, the rules whose protocol admits it
	protos map[flow.Protocol][]uint64
}

// indexedProtocols are the protocols the index keeps masks for.
var indexedProtocols = []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6}

// addrIndex returns the engine's index by address, built at the first
// call; nil when it would be too large. Safe for concurrent use.
func (e *Engine) addrIndex() *addrIndex {
	e.addrOnce.Do(func() { e.addrIx = newAddrIndex(e.rules) })
	return e.addrIx
}

func newAddrIndex(rules []rule) *addrIndex {
	ix := &addrIndex{edges: []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}, words: (len(rules) + 63) / 64}
	for i := range rules {
		r := &rules[i]
		for _, s := range [2]struct {
			set addrset.Set
			any bool
		}{{r.src, r.srcAny}, {r.dst, r.dstAny}} {
			if s.any {
				continue
			}
			for _, rg := range s.set.Ranges() {
				ix.edges = append(ix.edges, rg.From)
				if next := rg.To.Next(); next.IsValid() && next.Is4() == rg.To.Is4() {
					ix.edges = append(ix.edges, next)
				}
			}
		}
	}
	slices.SortFunc(ix.edges, netip.Addr.Compare)
	ix.edges = slices.Compact(ix.edges)
	for _, a := range ix.edges {
		if a.Is4() {
			b := a.As4()
			ix.edges4 = append(ix.edges4, binary.BigEndian.Uint32(b[:]))
		} else {
			ix.edges6 = append(ix.edges6, halves(a))
		}
	}
	if 2*len(ix.edges)*ix.words > maxAddrIndexWords {
		return nil
	}
	ix.src, ix.dst = make([]uint64, len(ix.edges)*ix.words), make([]uint64, len(ix.edges)*ix.words)
	ix.anySrc, ix.anyDst = make([]uint64, ix.words), make([]uint64, ix.words)
	ix.protos = map[flow.Protocol][]uint64{}
	for _, p := range indexedProtocols {
		ix.protos[p] = make([]uint64, ix.words)
	}
	for i := range rules {
		r := &rules[i]
		ix.mark(ix.src, ix.anySrc, i, r.src, r.srcAny)
		ix.mark(ix.dst, ix.anyDst, i, r.dst, r.dstAny)
		for p, m := range ix.protos {
			if r.protoAny || r.hasProto(p) {
				m[i/64] |= 1 << (i % 64)
			}
		}
	}
	return ix
}

// mark sets rule i's bit in table t at every atom of set (in anyMask for
// any address).
func (ix *addrIndex) mark(t, anyMask []uint64, i int, set addrset.Set, any bool) {
	w, bit := i/64, uint64(1)<<(i%64)
	if any {
		anyMask[w] |= bit
		return
	}
	for _, rg := range set.Ranges() {
		for a := ix.atom(rg.From); a <= ix.atom(rg.To); a++ {
			t[a*ix.words+w] |= bit
		}
	}
}

// atom returns the atom of a: the index of the last edge at or below it
// (the first edge of each family is its unspecified address).
func (ix *addrIndex) atom(a netip.Addr) int {
	if a.Is4() {
		b := a.As4()
		v := binary.BigEndian.Uint32(b[:])
		lo, hi := 0, len(ix.edges4) // edges4[lo] <= v < edges4[hi]
		for hi-lo > 1 {
			mid := int(uint(lo+hi) >> 1)
			if ix.edges4[mid] <= v {
				lo = mid
			} else {
				hi = mid
			}
		}
		return lo
	}
	k := halves(a)
	lo, hi := 0, len(ix.edges6)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if e := ix.edges6[mid]; e[0] < k[0] || e[0] == k[0] && e[1] <= k[1] {
			lo = mid
		} else {
			hi = mid
		}
	}
	return len(ix.edges4) + lo
}

// halves returns the IPv6 address a as two numbers, high half first.
func halves(a netip.Addr) [2]uint64 {
	b := a.As16()
	return [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// each calls do, in rule order, for every rule whose address sets admit
// the packet from src to dst (fwd) or the one from dst to src (rev), of
// those whose protocol admits proto when the index keeps its mask (of
// every rule otherwise).
func (ix *addrIndex) each(proto flow.Protocol, src, dst netip.Addr, do func(i int, fwd, rev bool)) {
	as, ad := ix.atom(src)*ix.words, ix.atom(dst)*ix.words
	pm := ix.protos[proto]
	for w := range ix.words {
		fwd := (ix.src[as+w] | ix.anySrc[w]) & (ix.dst[ad+w] | ix.anyDst[w])
		rev := (ix.src[ad+w] | ix.anySrc[w]) & (ix.dst[as+w] | ix.anyDst[w])
		if pm != nil {
			fwd, rev = fwd&pm[w], rev&pm[w]
		}
		for m := fwd | rev; m != 0; m &= m - 1 {
			t := bits.TrailingZeros64(m)
			do(w*64+t, fwd>>t&1 == 1, rev>>t&1 == 1)
		}
	}
}

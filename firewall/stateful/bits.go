package stateful

import (
	"math/bits"
	"net/netip"
	"slices"
)

// The bit-vector classifier, the index of the protocol buckets (rules for
// every protocol, rules of one IP protocol) while it fits its memory
// budget.
//
// Each of four dimensions (source address, destination address, source
// port, destination port) is cut at every rule boundary into a sorted list
// of segments, and each segment holds a bitset of the bucket's rules whose
// header covers it (bit j is the bucket's j-th rule in decision order). A
// packet looks up its segment in each dimension, and the rules it may
// match are the set bits of the AND of those bitsets, read word by word
// lowest first, so the engine meets them in decision order and stops
// reading at the rule that decides. The bitsets are a superset filter:
// every candidate is still matched in full ([rule.match]), so a rule the
// dimensions cannot describe exactly ("<>" rules, negations) only needs
// to be set wherever it might match.
//
// Rules whose tls.sni or http.host condition pins a domain are kept out of
// the bitsets and looked up by domain as in the segment index.
//
// The bitsets take segments × rules / 8 bytes per dimension. A bucket
// whose bitsets would exceed bitBudget words keeps the segment index of
// index.go (the fallback, bounded by maxCover).

// bitBudget returns the most bitset words a bucket of n rules may take:
// 64 words (512 bytes) per rule, and at least 64 Ki words. A variable so
// tests can force the fallback.
var bitBudget = func(n int) int { return max(1<<16, 64*n) }

// bitIndex is a bucket's bit-vector classifier.
type bitIndex struct {
	ranks   []int32 // bit j -> rank
	words   int     // words per bitset
	last    uint64  // the valid bits of the last word
	sums    int     // words per summary
	sumLast uint64  // the valid bits of the last summary word
	src     bitDim[netip.Addr]
	dst     bitDim[netip.Addr]
	sp, dp  bitDim[uint16]
	// srcCuts and dstCuts are src.lo and dst.lo as integers
	srcCuts, dstCuts addrCuts
}

// bitDim is one dimension: segment i starts at lo[i] and its bitset is
// sets[i*words:(i+1)*words]; its summary sum[i*sums:(i+1)*sums] has bit
// w set when word w of the bitset is not zero, so a lookup skips the
// empty words 64 at a time. A dimension no rule restricts has no segments
// and is not looked up.
type bitDim[K any] struct {
	lo   []K
	sets []uint64
	sum  []uint64
}

// segCount returns the number of segments the keys cut the dimension into,
// 0 when no rule restricts it.
func (kb *keyBuild[K]) segCount() int {
	if !slices.ContainsFunc(kb.keys, func(ks [][2]K) bool { return ks != nil }) {
		return 0
	}
	return len(kb.cuts(func(int) bool { return true }))
}

// bitDimOf builds a dimension's bitsets from the keys of a bucket's n
// filed rules (keys indexed as the bits).
func bitDimOf[K any](kb *keyBuild[K], words, sums int) bitDim[K] {
	var d bitDim[K]
	if !slices.ContainsFunc(kb.keys, func(ks [][2]K) bool { return ks != nil }) {
		return d
	}
	cuts := kb.cuts(func(int) bool { return true })
	d.lo = cuts
	d.sets = make([]uint64, len(cuts)*words)
	anyMask := make([]uint64, words)
	for j, ks := range kb.keys {
		if ks == nil {
			anyMask[j>>6] |= 1 << (uint(j) & 63)
			continue
		}
		for _, k := range ks {
			for s := kb.seg(cuts, k[0]); s <= kb.seg(cuts, k[1]); s++ {
				d.sets[s*words+j>>6] |= 1 << (uint(j) & 63)
			}
		}
	}
	d.sum = make([]uint64, len(cuts)*sums)
	for s := range cuts {
		set, sum := d.sets[s*words:(s+1)*words], d.sum[s*sums:(s+1)*sums]
		for w := range set {
			if set[w] |= anyMask[w]; set[w] != 0 {
				sum[w>>6] |= 1 << (uint(w) & 63)
			}
		}
	}
	return d
}

// lookupBitsAddr returns the segment of k, -1 when d has none: the last
// cut at or below k, the first when none is. c is d's cuts as integers,
// searched in place of d.lo when it can be.
func lookupBitsAddr(d *bitDim[netip.Addr], c *addrCuts, k netip.Addr) int {
	if len(d.lo) == 0 {
		return -1
	}
	if s, ok := c.find(k); ok {
		return s
	}
	lo, hi := 0, len(d.lo)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if d.lo[mid].Compare(k) <= 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// lookupBitsPort returns the segment of k, -1 when d has none.
func lookupBitsPort(d *bitDim[uint16], k uint16) int {
	if len(d.lo) == 0 {
		return -1
	}
	lo, hi := 0, len(d.lo)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if d.lo[mid] <= k {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// bitCursor yields the set bits of the AND of a packet's bitsets, as
// ranks in ascending order.
type bitCursor struct {
	ix   *bitIndex
	sets [4][]uint64
	sums [4][]uint64
	n    int
	sw   int    // the summary word scur was read from
	scur uint64 // its words not yet read
	w    int    // the word cur was read from
	cur  uint64 // its bits not yet yielded
	head int32  // the next rank; valid while ok
	ok   bool
}

// start points c at the rules of ix that p may match.
func (c *bitCursor) start(ix *bitIndex, p *packet) {
	c.ix, c.n, c.sw, c.scur, c.cur = ix, 0, -1, 0, 0
	c.use(&ix.src, lookupBitsAddr(&ix.src, &ix.srcCuts, p.f.Src.Addr()))
	c.use(&ix.dst, lookupBitsAddr(&ix.dst, &ix.dstCuts, p.f.Dst.Addr()))
	if p.hasPorts() {
		c.use(&ix.sp, lookupBitsPort(&ix.sp, p.f.Src.Port()))
		c.use(&ix.dp, lookupBitsPort(&ix.dp, p.f.Dst.Port()))
	}
	c.advance()
}

// use adds segment s of a dimension (none when s < 0).
func (c *bitCursor) use(d interface {
	seg(s, words, sums int) ([]uint64, []uint64)
}, s int) {
	if s >= 0 {
		c.sets[c.n], c.sums[c.n] = d.seg(s, c.ix.words, c.ix.sums)
		c.n++
	}
}

func (d *bitDim[K]) seg(s, words, sums int) ([]uint64, []uint64) {
	return d.sets[s*words : (s+1)*words], d.sum[s*sums : (s+1)*sums]
}

// advance moves head to the next set bit.
func (c *bitCursor) advance() {
	ix := c.ix
	for c.cur == 0 {
		for c.scur == 0 {
			c.sw++
			if c.sw >= ix.sums {
				c.ok = false
				return
			}
			x := ^uint64(0)
			if c.sw == ix.sums-1 {
				x = ix.sumLast
			}
			for i := 0; i < c.n && x != 0; i++ {
				x &= c.sums[i][c.sw]
			}
			c.scur = x
		}
		c.w = c.sw<<6 | bits.TrailingZeros64(c.scur)
		c.scur &= c.scur - 1
		x := ^uint64(0)
		if c.w == ix.words-1 {
			x = ix.last
		}
		for i := 0; i < c.n && x != 0; i++ {
			x &= c.sets[i][c.w]
		}
		c.cur = x
	}
	j := c.w<<6 | bits.TrailingZeros64(c.cur)
	c.cur &= c.cur - 1
	c.head, c.ok = ix.ranks[j], true
}

// buildBits builds the classifier of the rules of bucket positions use
// picks, or returns nil when it would exceed the budget.
func buildBits(all []int32, use []bool, src, dst *keyBuild[netip.Addr], sp, dp *keyBuild[uint16]) *bitIndex {
	ix := &bitIndex{}
	var pick []int
	for j, ok := range use {
		if ok {
			ix.ranks = append(ix.ranks, all[j])
			pick = append(pick, j)
		}
	}
	n := len(pick)
	if n == 0 {
		return nil
	}
	ix.words, ix.last = (n+63)/64, lastMask(n)
	ix.sums, ix.sumLast = (ix.words+63)/64, lastMask(ix.words)
	sub := func(kb *keyBuild[netip.Addr]) keyBuild[netip.Addr] {
		out := *kb
		out.keys = make([][][2]netip.Addr, n)
		for i, j := range pick {
			out.keys[i] = kb.keys[j]
		}
		return out
	}
	subPort := func(kb *keyBuild[uint16]) keyBuild[uint16] {
		out := *kb
		out.keys = make([][][2]uint16, n)
		for i, j := range pick {
			out.keys[i] = kb.keys[j]
		}
		return out
	}
	s, d, a, b := sub(src), sub(dst), subPort(sp), subPort(dp)
	segs := s.segCount() + d.segCount() + a.segCount() + b.segCount()
	if segs*ix.words > bitBudget(n) {
		return nil
	}
	ix.src, ix.dst = bitDimOf(&s, ix.words, ix.sums), bitDimOf(&d, ix.words, ix.sums)
	ix.sp, ix.dp = bitDimOf(&a, ix.words, ix.sums), bitDimOf(&b, ix.words, ix.sums)
	ix.srcCuts, ix.dstCuts = addrCutsOf(ix.src.lo), addrCutsOf(ix.dst.lo)
	return ix
}

// lastMask returns the valid bits of the last word of an n-bit set.
func lastMask(n int) uint64 {
	if r := n % 64; r != 0 {
		return 1<<uint(r) - 1
	}
	return ^uint64(0)
}

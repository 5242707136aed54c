package nacl

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// chainBits finds a long chain's first matching entry without trying
// every entry before it. The address space and the port space are each
// cut at every entry's bounds into segments, and each segment holds the
// bitset (one word: bit j is entry j) of the entries whose CIDR, or whose
// port range, covers it; the entries of each protocol have a bitset too.
// A packet's candidates are the AND of its address segment's, its port
// segment's and its protocol's bitsets, and the first candidate that
// [matcher.matches] in full (ICMP type and code included) decides: the
// bitsets only ever skip entries that cannot match, so the answer is the
// linear scan's, which [chain.scan] keeps as the reference
// (TestBitsAgreeWithScan).
type chainBits struct {
	addrCuts  [][2]uint64 // segment starts, ascending; the first is 0
	addrMasks []uint64
	portCuts  []uint16 // segment starts, ascending; the first is 0
	portMasks []uint64
	anyProto  uint64 // entries of every protocol
	protos    []protoMask
}

// protoMask is the entries of one protocol.
type protoMask struct {
	proto flow.Protocol
	mask  uint64
}

// bitsFrom is the chain length from which the bitsets pay: below it the
// scan meets the deciding entry sooner than two binary searches end. A
// chain of more than 64 entries (AWS allows 40 a direction) keeps the scan.
const bitsFrom = 16

// newChainBits returns the bitsets of the matchers of a chain of one
// family (is6).
func newChainBits(match []matcher, is6 bool) *chainBits {
	b := &chainBits{}
	addr := [][2]uint64{{0, 0}}
	port := []uint16{0}
	for _, m := range match {
		addr = append(addr, [2]uint64{m.hi, m.lo})
		if hi, lo, ok := addrEnd(m, is6); ok {
			addr = append(addr, [2]uint64{hi, lo})
		}
		port = append(port, m.plo)
		if m.phi < 65535 {
			port = append(port, m.phi+1)
		}
	}
	slices.SortFunc(addr, cmpKey)
	b.addrCuts = slices.Compact(addr)
	slices.Sort(port)
	b.portCuts = slices.Compact(port)
	b.addrMasks = make([]uint64, len(b.addrCuts))
	b.portMasks = make([]uint64, len(b.portCuts))
	for j, m := range match {
		bit := uint64(1) << j
		for s, c := range b.addrCuts {
			if c[0]&m.mhi == m.hi && c[1]&m.mlo == m.lo {
				b.addrMasks[s] |= bit
			}
		}
		for s, c := range b.portCuts {
			if m.plo <= c && c <= m.phi {
				b.portMasks[s] |= bit
			}
		}
		if m.proto == flow.AllProtocols {
			b.anyProto |= bit
			continue
		}
		i := slices.IndexFunc(b.protos, func(p protoMask) bool { return p.proto == m.proto })
		if i < 0 {
			b.protos = append(b.protos, protoMask{proto: m.proto})
			i = len(b.protos) - 1
		}
		b.protos[i].mask |= bit
	}
	return b
}

// addrEnd returns the first address after m's prefix, false when the
// prefix runs to the end of its family's space (IPv4 addresses are the low
// 32 bits).
func addrEnd(m matcher, is6 bool) (hi, lo uint64, ok bool) {
	if !is6 {
		last := m.lo | (^m.mlo & 0xffffffff)
		if last >= 0xffffffff {
			return 0, 0, false
		}
		return 0, last + 1, true
	}
	hi, lo = m.hi|^m.mhi, m.lo|^m.mlo
	if hi == ^uint64(0) && lo == ^uint64(0) {
		return 0, 0, false
	}
	if lo++; lo == 0 {
		hi++
	}
	return hi, lo, true
}

// cmpKey orders two addresses split in halves.
func cmpKey(a, b [2]uint64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) }

// first returns the index of c's first entry that matches p, or -1.
func (b *chainBits) first(c *chain, p *packet) int {
	cand := b.anyProto
	for _, pm := range b.protos {
		if pm.proto == p.proto {
			cand |= pm.mask
			break
		}
	}
	if cand == 0 {
		return -1
	}
	// the last cut at or below the packet's address, and its port
	s := lastAtOrBelow(len(b.addrCuts), func(i int) bool {
		c := b.addrCuts[i]
		return c[0] < p.hi || c[0] == p.hi && c[1] <= p.lo
	})
	cand &= b.addrMasks[s]
	s = lastAtOrBelow(len(b.portCuts), func(i int) bool { return b.portCuts[i] <= p.port })
	cand &= b.portMasks[s]
	for cand != 0 {
		j := bits.TrailingZeros64(cand)
		if c.match[j].matches(p) {
			return j
		}
		cand &= cand - 1
	}
	return -1
}

// lastAtOrBelow returns the largest i < n with atOrBelow(i), given that
// atOrBelow(0) holds and atOrBelow is true up to some index and false
// after.
func lastAtOrBelow(n int, atOrBelow func(int) bool) int {
	lo, hi := 0, n
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if atOrBelow(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

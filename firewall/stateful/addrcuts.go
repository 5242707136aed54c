package stateful

import (
	"encoding/binary"
	"net/netip"
)

// addrCuts is an address dimension's cuts as integers, for a lookup that
// compares words instead of netip.Addrs (whose Compare reads the zone
// too): the IPv4 cuts, which sort first, then the IPv6 ones. The
// classifier's dimensions (bits.go) and the segment index (index.go) both
// keep one beside their cuts. ok is false when a cut is neither (the zero
// Addr) or has a zone, and the lookup compares netip.Addrs.
type addrCuts struct {
	v4 []uint32
	v6 [][2]uint64
	ok bool
}

// addrCutsOf returns the integer form of cuts, sorted as netip.Addrs sort.
func addrCutsOf(cuts []netip.Addr) addrCuts {
	c := addrCuts{ok: true}
	for _, a := range cuts {
		switch {
		case !a.IsValid() || a.Zone() != "":
			return addrCuts{}
		case a.Is4():
			c.v4 = append(c.v4, word4(a))
		default:
			c.v6 = append(c.v6, words6(a))
		}
	}
	return c
}

// find returns the index of the last cut at or below k, the first when
// none is; ok is false when c cannot tell (a zoned or invalid k, or cuts
// that are not all plain addresses), and the caller compares netip.Addrs.
// The searches are plain loops: slices.BinarySearchFunc with a comparison
// closure cost the stateful engine 13-20%.
func (c *addrCuts) find(k netip.Addr) (int, bool) {
	if !c.ok || !k.IsValid() || k.Zone() != "" {
		return 0, false
	}
	// lo ends as the number of cuts at or below k: the last is lo-1
	if k.Is4() {
		v := word4(k)
		lo, hi := 0, len(c.v4) // every IPv6 cut sorts above k
		for lo < hi {
			if mid := int(uint(lo+hi) >> 1); c.v4[mid] <= v {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return max(lo-1, 0), true
	}
	w := words6(k)
	lo, hi := 0, len(c.v6)
	for lo < hi {
		if mid := int(uint(lo+hi) >> 1); c.v6[mid][0] < w[0] || c.v6[mid][0] == w[0] && c.v6[mid][1] <= w[1] {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return max(len(c.v4)+lo-1, 0), true // every IPv4 cut sorts below k
}

// word4 returns an IPv4 address as a word.
func word4(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

// words6 returns a 128-bit address as two words, high first.
func words6(a netip.Addr) [2]uint64 {
	b := a.As16()
	return [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

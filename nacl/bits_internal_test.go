package nacl

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

// TestBitsAgreeWithScan holds the bitsets of long chains to the scan of
// every entry: the same first match (or none) for random chains of 16 to
// 64 entries of either family, prefixes of every length (the whole space,
// single hosts, ones that end at the top of the space) and port ranges
// that end at 65535, and packets at and beside every bound.
func TestBitsAgreeWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	built := 0
	for round := range 400 {
		is6 := round%2 == 1
		var c chain
		n := bitsFrom + rng.IntN(64-bitsFrom+1)
		var bounds []netip.Addr
		for range n {
			var a netip.Addr
			if is6 {
				var b [16]byte
				for _, i := range []int{0, 1, 7, 8, 15} {
					b[i] = []byte{0, 1, 0x80, 0xff}[rng.IntN(4)]
				}
				a = netip.AddrFrom16(b)
			} else {
				a = netip.AddrFrom4([4]byte{[]byte{0, 10, 0x80, 0xff}[rng.IntN(4)], byte(rng.IntN(3)), byte(rng.IntN(3)), []byte{0, 1, 0xff}[rng.IntN(3)]})
			}
			p := netip.PrefixFrom(a, rng.IntN(a.BitLen()+1)).Masked()
			e := Entry{Protocol: []flow.Protocol{flow.AllProtocols, flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6, flow.GRE}[rng.IntN(6)],
				CIDR: p, ICMPType: -1, ICMPCode: -1}
			if e.Protocol.HasPorts() {
				lo := uint16(rng.IntN(65536))
				hi := []uint16{lo, 65535, lo + uint16(rng.IntN(100))}[rng.IntN(3)]
				e.Ports = flow.PortRange{Lo: lo, Hi: max(lo, hi)}
			}
			if e.Protocol.IsICMP() && rng.IntN(2) == 0 {
				e.ICMPType = int16(rng.IntN(4))
			}
			c.entries = append(c.entries, e)
			c.match = append(c.match, newMatcher(e))
			bounds = append(bounds, p.Addr(), lastOf(p))
		}
		c.bits = newChainBits(c.match, is6)
		built++
		for range 200 {
			a := bounds[rng.IntN(len(bounds))]
			switch rng.IntN(3) {
			case 0:
				a = a.Next()
			case 1:
				a = a.Prev()
			}
			if !a.IsValid() || a.Is6() != is6 {
				continue
			}
			var p packet
			p.hi, p.lo, _ = addrKey(a)
			p.proto = []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6, flow.GRE, 99}[rng.IntN(6)]
			if p.proto.HasPorts() {
				p.port = []uint16{0, 1, 65534, 65535, uint16(rng.IntN(65536))}[rng.IntN(5)]
				if e := c.entries[rng.IntN(n)]; e.Protocol.HasPorts() {
					p.port = []uint16{e.Ports.Lo, e.Ports.Hi, e.Ports.Lo - 1, e.Ports.Hi + 1}[rng.IntN(4)]
				}
			}
			if p.proto.IsICMP() {
				p.itype, p.icode = int16(rng.IntN(4)), int16(rng.IntN(2))
			}
			require.Equal(t, c.scan(&p), c.bits.first(&c, &p), "round %d: %s %s port %d in %v", round, a, p.proto, p.port, c.entries)
		}
	}
	require.Equal(t, 400, built)
}

// lastOf returns the last address of p.
func lastOf(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

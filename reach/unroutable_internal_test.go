package reach

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

// refPrivateOrShared and refUnroutable are privateOrShared and unroutable
// as netip's methods and IANA's IPv4 special-purpose registry say them
// (refNonGlobal4: the blocks it marks not globally reachable that netip
// does not tell apart, written out as prefixes), the references of their
// byte tests.
func refPrivateOrShared(a netip.Addr) bool {
	return a.Is4() && (a.IsPrivate() || netip.MustParsePrefix("100.64.0.0/10").Contains(a))
}

func refNonGlobal4(a netip.Addr) bool {
	if a == netip.MustParseAddr("192.0.0.9") || a == netip.MustParseAddr("192.0.0.10") {
		return false // PCP and TURN anycast: globally reachable
	}
	for _, s := range []string{"0.0.0.0/8", "192.0.0.0/24", "198.18.0.0/15"} {
		if netip.MustParsePrefix(s).Contains(a) {
			return true
		}
	}
	return false
}

func refUnroutable(a netip.Addr) bool {
	return refPrivateOrShared(a) || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || !a.IsGlobalUnicast() || refNonGlobal4(a) || nonGlobalSpecial6(a)
}

// TestUnroutableAgreesWithNetip holds the byte tests of unroutable and
// privateOrShared to netip's methods and IANA's blocks (refUnroutable): at both ends of every block they
// name and one address outside each, and at random addresses of both
// families (IPv4-mapped IPv6 among them).
func TestUnroutableAgreesWithNetip(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	var addrs []netip.Addr
	for _, s := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
		"192.0.0.0/24", "192.0.0.9/32", "192.0.0.10/32", "198.18.0.0/15",
		"fc00::/7", "fe80::/10", "ff00::/8", "::/96", "::ffff:0:0/96", "64:ff9b::/96", "2001::/23", "2000::/3"} {
		p := netip.MustParsePrefix(s)
		first, last := p.Addr(), lastOf(p)
		addrs = append(addrs, first, last, first.Next(), last.Prev())
		if b := first.Prev(); b.IsValid() {
			addrs = append(addrs, b)
		}
		if b := last.Next(); b.IsValid() {
			addrs = append(addrs, b)
		}
	}
	r := rand.New(rand.NewPCG(18, 12))
	for range 200_000 {
		addrs = append(addrs, netip.AddrFrom4([4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())}))
	}
	for range 20_000 {
		var b [16]byte
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		switch r.IntN(4) {
		case 0:
			b[0], b[1] = 0x20, 0x01 // in or near 2001::/23
		case 1:
			copy(b[:12], []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}) // IPv4-mapped
		}
		addrs = append(addrs, netip.AddrFrom16(b))
	}
	for _, a := range addrs {
		require.Equal(t, refUnroutable(a), unroutable(a), "unroutable(%s)", a)
		require.Equal(t, refPrivateOrShared(a), privateOrShared(a), "privateOrShared(%s)", a)
	}
}

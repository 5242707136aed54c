package reach

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSpecialBlocks holds the blocks Sources cuts apart to the walk's
// own test of an internet address: every address of a block, at its
// edges, is unroutable, and the addresses just outside are not.
func TestSpecialBlocks(t *testing.T) {
	for _, p := range specialBlocks {
		first, last := p.Addr(), p.Addr()
		for i := p.Bits(); i < p.Addr().BitLen(); i++ {
			b := last.AsSlice()
			b[i/8] |= 0x80 >> (i % 8)
			last, _ = netip.AddrFromSlice(b)
		}
		if p.Addr().Is4In6() || p.String() == "::ffff:0:0/96" {
			continue
		}
		assert.True(t, unroutable(first), "%s", first)
		assert.True(t, unroutable(last), "%s", last)
		for _, out := range []netip.Addr{first.Prev(), last.Next()} {
			if !out.IsValid() || out.Is4In6() {
				continue
			}
			inOther := false
			for _, q := range specialBlocks {
				inOther = inOther || q.Contains(out)
			}
			if !inOther {
				assert.False(t, unroutable(out), "%s, next to %s", out, p)
			}
		}
	}
}

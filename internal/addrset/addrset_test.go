package addrset_test

import (
	"cmp"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/internal/addrset"
)

func pfx(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func TestSetBasics(t *testing.T) {
	s := addrset.Of(pfx("10.0.0.0/8", "10.1.0.0/16", "11.0.0.0/8", "2001:db8::/32")...)
	assert.Equal(t, "10.0.0.0/7,2001:db8::/32", s.String(), "nested blocks merge, adjacent ones join")
	assert.True(t, s.Contains(netip.MustParseAddr("11.255.255.255")))
	assert.False(t, s.Contains(netip.MustParseAddr("12.0.0.0")))
	assert.True(t, s.Contains(netip.MustParseAddr("2001:db8::1")))
	assert.False(t, s.Contains(netip.MustParseAddr("2001:db9::1")))
	assert.Equal(t, "none", addrset.Set{}.String())
	assert.Equal(t, "0.0.0.0/0,::/0", addrset.All().String())
	assert.Equal(t, "::/0", addrset.Of(pfx("0.0.0.0/0")...).Complement().String(), "complement is within each family")
	assert.Equal(t, "0.0.0.0/5,8.0.0.0/7,11.0.0.0/8,12.0.0.0/6,16.0.0.0/4,32.0.0.0/3,64.0.0.0/2,128.0.0.0/1",
		addrset.Of(pfx("10.0.0.0/8")...).Complement().Intersect(addrset.All4()).String())
	assert.True(t, addrset.All().Difference(addrset.All()).IsEmpty())
	assert.Equal(t, netip.MustParseAddr("10.0.255.255"), addrset.Last(netip.MustParsePrefix("10.0.1.2/16")))
	assert.Equal(t, netip.MustParseAddr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), addrset.Last(netip.MustParsePrefix("2001:db8::/32")))
}

// TestSetAgreesWithBruteForce checks every operation against membership
// computed address by address over a small universe: 10.0.0.0/24 and
// 2001:db8::/120.
func TestSetAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	var universe []netip.Addr
	for i := range 256 {
		universe = append(universe, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}))
		b := netip.MustParseAddr("2001:db8::").As16()
		b[15] = byte(i)
		universe = append(universe, netip.AddrFrom16(b))
	}
	random := func() ([]netip.Prefix, func(netip.Addr) bool) {
		var ps []netip.Prefix
		for range r.IntN(5) {
			a := universe[r.IntN(len(universe))]
			base := 24
			if a.Is6() {
				base = 120
			}
			ps = append(ps, netip.PrefixFrom(a, base+r.IntN(9)).Masked())
		}
		return ps, func(a netip.Addr) bool {
			for _, p := range ps {
				if p.Contains(a) {
					return true
				}
			}
			return false
		}
	}
	for range cmp.Or(raceN(500), 2000) {
		pa, ina := random()
		pb, inb := random()
		a, b := addrset.Of(pa...), addrset.Of(pb...)
		ops := []struct {
			name string
			got  addrset.Set
			want func(x, y bool) bool
		}{
			{"union", a.Union(b), func(x, y bool) bool { return x || y }},
			{"intersection", a.Intersect(b), func(x, y bool) bool { return x && y }},
			{"difference", a.Difference(b), func(x, y bool) bool { return x && !y }},
			{"complement", a.Complement(), func(x, _ bool) bool { return !x }},
		}
		for _, op := range ops {
			for _, u := range universe {
				require.Equal(t, op.want(ina(u), inb(u)), op.got.Contains(u), "%s of %v and %v at %s", op.name, pa, pb, u)
			}
			require.True(t, addrset.Of(op.got.Prefixes()...).Equal(op.got), "Prefixes covers the set exactly")
		}
		subset, overlaps := true, false
		for _, u := range universe {
			subset = subset && (!ina(u) || inb(u))
			overlaps = overlaps || (ina(u) && inb(u))
		}
		require.Equal(t, subset, a.SubsetOf(b), "%v within %v", pa, pb)
		require.Equal(t, overlaps, a.Overlaps(b), "%v meets %v", pa, pb)
	}
}

func TestContainsDoesNotAllocate(t *testing.T) {
	s := addrset.Of(pfx("10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32")...)
	a := netip.MustParseAddr("192.168.3.4")
	assert.Zero(t, testing.AllocsPerRun(100, func() { s.Contains(a) }))
	o := addrset.Of(pfx("10.1.0.0/16", "2001:db8:1::/48")...)
	assert.Zero(t, testing.AllocsPerRun(100, func() { o.SubsetOf(s); o.Overlaps(s) }))
}

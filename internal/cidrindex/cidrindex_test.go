package cidrindex_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/internal/cidrindex"
)

// kv is one Add call in a table test.
type kv struct {
	prefix string
	value  string
}

func build(t *testing.T, entries []kv) *cidrindex.Index[string] {
	t.Helper()
	var b cidrindex.Builder[string]
	for _, e := range entries {
		require.NoError(t, b.Add(netip.MustParsePrefix(e.prefix), e.value), "Add(%s)", e.prefix)
	}
	return b.Build()
}

func TestAdd(t *testing.T) {
	zoned := netip.MustParseAddr("fe80::1%eth0")
	tests := []struct {
		name    string
		prefix  netip.Prefix
		wantErr bool
	}{
		{"the zero prefix is rejected as invalid", netip.Prefix{}, true},
		{"an IPv4 prefix longer than /32 is rejected as invalid", netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), 33), true},
		{"an IPv6 prefix longer than /128 is rejected as invalid", netip.PrefixFrom(netip.MustParseAddr("2001:db8::"), 129), true},
		{"a negative prefix length is rejected as invalid", netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), -1), true},
		{"the IPv4-mapped range ::ffff:0:0/96 is rejected", netip.MustParsePrefix("::ffff:0:0/96"), true},
		{"a prefix inside the IPv4-mapped range is rejected", netip.MustParsePrefix("::ffff:10.0.0.0/104"), true},
		{"a single IPv4-mapped address is rejected", netip.MustParsePrefix("::ffff:10.1.2.3/128"), true},
		{"a mapped prefix with host bits is rejected", netip.MustParsePrefix("::ffff:10.1.2.3/96"), true},
		{"::/0 is accepted although it covers the mapped range", netip.MustParsePrefix("::/0"), false},
		{"::/64 is accepted although it covers the mapped range", netip.MustParsePrefix("::/64"), false},
		{"a mapped address with a length below /96 is accepted because masking leaves ::/80", netip.MustParsePrefix("::ffff:10.1.2.3/80"), false},
		{"0.0.0.0/0 is accepted", netip.MustParsePrefix("0.0.0.0/0"), false},
		{"an IPv4 /32 is accepted", netip.MustParsePrefix("192.0.2.1/32"), false},
		{"an IPv6 /128 is accepted", netip.MustParsePrefix("2001:db8::1/128"), false},
		{"a prefix with host bits set is accepted", netip.MustParsePrefix("10.1.2.3/8"), false},
		{"a prefix built from a zoned address is accepted because netip drops the zone", netip.PrefixFrom(zoned, 64), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b cidrindex.Builder[int]
			require.NoError(t, b.Add(netip.MustParsePrefix("198.51.100.0/24"), 1))
			err := b.Add(tt.prefix, 2)
			if tt.wantErr {
				require.Error(t, err)
				assert.Equal(t, 1, b.Build().Len(), "a rejected Add must record nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 2, b.Build().Len())
		})
	}
}

func TestZonedPrefixesCannotBeBuiltWithNetip(t *testing.T) {
	t.Run("ParsePrefix refuses a zone", func(t *testing.T) {
		_, err := netip.ParsePrefix("fe80::1%eth0/64")
		require.Error(t, err)
	})
	t.Run("PrefixFrom drops the zone", func(t *testing.T) {
		p := netip.PrefixFrom(netip.MustParseAddr("fe80::1%eth0"), 64)
		assert.Empty(t, p.Addr().Zone())
	})
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name    string
		entries []kv
		addr    string
		want    []string // nil means no match
	}{
		// Trap: cidranger replaces an entry when the same network is inserted again.
		{
			name:    "an IPv4 prefix added twice keeps both values in insertion order",
			entries: []kv{{"10.0.0.0/8", "a"}, {"10.0.0.0/8", "b"}},
			addr:    "10.9.9.9",
			want:    []string{"a", "b"},
		},
		{
			name:    "an IPv6 prefix added twice keeps both values in insertion order",
			entries: []kv{{"2001:db8::/32", "a"}, {"2001:db8::/32", "b"}},
			addr:    "2001:db8::1",
			want:    []string{"a", "b"},
		},
		{
			name:    "the same value added twice under one prefix is reported twice",
			entries: []kv{{"10.0.0.0/8", "a"}, {"10.0.0.0/8", "a"}},
			addr:    "10.0.0.1",
			want:    []string{"a", "a"},
		},
		{
			name:    "prefixes that differ only in host bits are the same prefix",
			entries: []kv{{"10.1.2.3/16", "a"}, {"10.1.0.0/16", "b"}, {"10.1.255.255/16", "c"}},
			addr:    "10.1.7.7",
			want:    []string{"a", "b", "c"},
		},
		// Trap: cidranger misfiles networks whose IP has host bits set.
		{
			name:    "an IPv4 prefix with host bits matches its whole network",
			entries: []kv{{"10.1.2.3/16", "a"}},
			addr:    "10.1.200.1",
			want:    []string{"a"},
		},
		{
			name:    "an IPv4 prefix with host bits does not match outside its network",
			entries: []kv{{"10.1.2.3/16", "a"}},
			addr:    "10.2.2.3",
		},
		{
			name:    "an IPv6 prefix with host bits matches its whole network",
			entries: []kv{{"2001:db8:1:2::3/48", "a"}},
			addr:    "2001:db8:1:ffff::1",
			want:    []string{"a"},
		},
		{
			name:    "an IPv6 prefix with host bits does not match outside its network",
			entries: []kv{{"2001:db8:1:2::3/48", "a"}},
			addr:    "2001:db8:2::3",
		},
		{
			name:    "a host-bits prefix nested under a masked one is found together with it",
			entries: []kv{{"10.0.0.0/8", "outer"}, {"10.1.2.3/16", "inner"}, {"10.1.2.3/24", "innermost"}},
			addr:    "10.1.2.200",
			want:    []string{"outer", "inner", "innermost"},
		},
		// Trap: cidranger returns the shortest prefix first.
		{
			name:    "IPv4 results follow insertion order rather than prefix length",
			entries: []kv{{"10.1.2.0/24", "/24"}, {"10.0.0.0/8", "/8"}, {"0.0.0.0/0", "/0"}, {"10.1.0.0/16", "/16"}, {"10.1.2.3/32", "/32"}},
			addr:    "10.1.2.3",
			want:    []string{"/24", "/8", "/0", "/16", "/32"},
		},
		{
			name:    "IPv6 results follow insertion order rather than prefix length",
			entries: []kv{{"2001:db8:1::/48", "/48"}, {"::/0", "/0"}, {"2001:db8::1/128", "other /128"}, {"2001:db8::/32", "/32"}, {"2001:db8:1::1/128", "/128"}},
			addr:    "2001:db8:1::1",
			want:    []string{"/48", "/0", "/32", "/128"},
		},
		{
			name: "values of repeated nested prefixes are merged by insertion rank",
			entries: []kv{
				{"10.0.0.0/8", "a"}, {"10.1.0.0/16", "b"}, {"10.0.0.0/8", "c"}, {"0.0.0.0/0", "d"},
				{"10.1.0.0/16", "e"}, {"10.1.2.0/24", "f"}, {"0.0.0.0/0", "g"}, {"10.0.0.0/8", "h"},
			},
			addr: "10.1.2.3",
			want: []string{"a", "b", "c", "d", "e", "f", "g", "h"},
		},
		{
			name:    "entries not containing the address are left out of the merge",
			entries: []kv{{"10.0.0.0/8", "a"}, {"11.0.0.0/8", "x"}, {"10.1.0.0/16", "b"}, {"10.2.0.0/16", "y"}, {"10.0.0.0/8", "c"}},
			addr:    "10.1.0.1",
			want:    []string{"a", "b", "c"},
		},
		// Trap: the /0 roots of the two families must stay apart.
		{
			name:    "0.0.0.0/0 matches every IPv4 address",
			entries: []kv{{"0.0.0.0/0", "v4"}},
			addr:    "255.255.255.255",
			want:    []string{"v4"},
		},
		{
			name:    "0.0.0.0/0 does not match an IPv6 address",
			entries: []kv{{"0.0.0.0/0", "v4"}},
			addr:    "2001:db8::1",
		},
		{
			name:    "0.0.0.0/0 does not match the all-zero IPv6 address",
			entries: []kv{{"0.0.0.0/0", "v4"}},
			addr:    "::",
		},
		{
			name:    "::/0 matches every non-mapped IPv6 address",
			entries: []kv{{"::/0", "v6"}},
			addr:    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			want:    []string{"v6"},
		},
		{
			name:    "::/0 does not match an IPv4 address",
			entries: []kv{{"::/0", "v6"}},
			addr:    "0.0.0.0",
		},
		{
			name:    "with both roots an IPv4 address gets only the IPv4 one",
			entries: []kv{{"::/0", "v6"}, {"0.0.0.0/0", "v4"}},
			addr:    "192.0.2.1",
			want:    []string{"v4"},
		},
		{
			name:    "with both roots an IPv6 address gets only the IPv6 one",
			entries: []kv{{"0.0.0.0/0", "v4"}, {"::/0", "v6"}},
			addr:    "2001:db8::1",
			want:    []string{"v6"},
		},
		// Trap: cidranger looks IPv4-mapped IPv6 addresses up as IPv4.
		{
			name:    "an IPv4-mapped address matches nothing even though the IPv4 prefix contains it",
			entries: []kv{{"10.0.0.0/8", "v4"}, {"0.0.0.0/0", "v4 root"}},
			addr:    "::ffff:10.1.2.3",
		},
		{
			name:    "an IPv4-mapped address matches nothing even though ::/0 contains it",
			entries: []kv{{"::/0", "v6 root"}, {"::/64", "v6 /64"}},
			addr:    "::ffff:10.1.2.3",
		},
		{
			name:    "the IPv4-compatible address ::a.b.c.d is plain IPv6 and matches ::/0",
			entries: []kv{{"::/0", "v6 root"}, {"10.0.0.0/8", "v4"}},
			addr:    "::10.1.2.3",
			want:    []string{"v6 root"},
		},
		// Host routes.
		{
			name:    "an IPv4 /32 matches its own address",
			entries: []kv{{"192.0.2.1/32", "host"}},
			addr:    "192.0.2.1",
			want:    []string{"host"},
		},
		{
			name:    "an IPv4 /32 does not match the next address",
			entries: []kv{{"192.0.2.1/32", "host"}},
			addr:    "192.0.2.2",
		},
		{
			name:    "an IPv6 /128 matches its own address",
			entries: []kv{{"2001:db8::1/128", "host"}},
			addr:    "2001:db8::1",
			want:    []string{"host"},
		},
		{
			name:    "an IPv6 /128 does not match the next address",
			entries: []kv{{"2001:db8::1/128", "host"}},
			addr:    "2001:db8::2",
		},
		{
			name:    "the same /32 added twice keeps both values",
			entries: []kv{{"192.0.2.1/32", "a"}, {"192.0.2.1/32", "b"}},
			addr:    "192.0.2.1",
			want:    []string{"a", "b"},
		},
		{
			name:    "the same /128 added twice keeps both values",
			entries: []kv{{"2001:db8::1/128", "a"}, {"2001:db8::1/128", "b"}},
			addr:    "2001:db8::1",
			want:    []string{"a", "b"},
		},
		// Addresses that match nothing by contract.
		{
			name:    "a zoned IPv6 address matches nothing",
			entries: []kv{{"fe80::/10", "link-local"}, {"::/0", "v6 root"}},
			addr:    "fe80::1%eth0",
		},
		{
			name:    "an address outside every prefix matches nothing",
			entries: []kv{{"10.0.0.0/8", "a"}, {"2001:db8::/32", "b"}},
			addr:    "192.0.2.1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := build(t, tt.entries)
			addr := netip.MustParseAddr(tt.addr)

			assert.Equal(t, tt.want, ix.Lookup(addr), "Lookup")

			dst := []string{"keep"}
			assert.Equal(t, append([]string{"keep"}, tt.want...), ix.AppendLookup(dst, addr), "AppendLookup")

			got, ok := ix.First(addr)
			if tt.want == nil {
				assert.False(t, ok, "First should find nothing")
				assert.Empty(t, got, "First should return the zero value")
			} else {
				assert.True(t, ok, "First should find an entry")
				assert.Equal(t, tt.want[0], got, "First")
			}
		})
	}
}

func TestUnmappedLookupFindsIPv4Entries(t *testing.T) {
	ix := build(t, []kv{{"10.0.0.0/8", "v4"}})
	mapped := netip.MustParseAddr("::ffff:10.1.2.3")

	t.Run("the mapped form matches nothing", func(t *testing.T) {
		assert.Nil(t, ix.Lookup(mapped))
	})
	t.Run("the unmapped form matches the IPv4 entry", func(t *testing.T) {
		assert.Equal(t, []string{"v4"}, ix.Lookup(mapped.Unmap()))
	})
}

func TestEmptyIndex(t *testing.T) {
	indexes := []struct {
		name string
		ix   *cidrindex.Index[string]
	}{
		{"a nil index", nil},
		{"an index built from a zero Builder", new(cidrindex.Builder[string]).Build()},
		{"an index built after only rejected Adds", func() *cidrindex.Index[string] {
			var b cidrindex.Builder[string]
			require.Error(t, b.Add(netip.MustParsePrefix("::ffff:0:0/96"), "mapped"))
			return b.Build()
		}()},
	}
	addrs := []netip.Addr{
		netip.MustParseAddr("10.0.0.1"),
		netip.MustParseAddr("2001:db8::1"),
		netip.MustParseAddr("::ffff:10.0.0.1"),
		{},
	}
	for _, tc := range indexes {
		t.Run(tc.name+" has no entries and matches nothing", func(t *testing.T) {
			assert.Zero(t, tc.ix.Len())
			for _, a := range addrs {
				assert.Nil(t, tc.ix.Lookup(a), "Lookup(%v)", a)
				assert.Equal(t, []string{"x"}, tc.ix.AppendLookup([]string{"x"}, a), "AppendLookup(%v)", a)
				v, ok := tc.ix.First(a)
				assert.False(t, ok, "First(%v)", a)
				assert.Empty(t, v, "First(%v)", a)
			}
		})
	}
}

func TestInvalidAddressMatchesNothing(t *testing.T) {
	ix := build(t, []kv{{"0.0.0.0/0", "v4"}, {"::/0", "v6"}})
	assert.Nil(t, ix.Lookup(netip.Addr{}))
	_, ok := ix.First(netip.Addr{})
	assert.False(t, ok)
}

func TestLenCountsEveryAcceptedAdd(t *testing.T) {
	var b cidrindex.Builder[int]
	require.NoError(t, b.Add(netip.MustParsePrefix("10.0.0.0/8"), 1))
	require.NoError(t, b.Add(netip.MustParsePrefix("10.0.0.0/8"), 2))
	require.NoError(t, b.Add(netip.MustParsePrefix("10.9.9.9/8"), 3))
	require.NoError(t, b.Add(netip.MustParsePrefix("::/0"), 4))
	require.Error(t, b.Add(netip.Prefix{}, 5))
	assert.Equal(t, 4, b.Build().Len())
}

func TestBuildReturnsAnIndependentSnapshot(t *testing.T) {
	var b cidrindex.Builder[string]
	require.NoError(t, b.Add(netip.MustParsePrefix("10.0.0.0/8"), "first"))
	before := b.Build()
	require.NoError(t, b.Add(netip.MustParsePrefix("10.0.0.0/8"), "second"))
	after := b.Build()
	addr := netip.MustParseAddr("10.0.0.1")

	t.Run("an index does not see entries added after it was built", func(t *testing.T) {
		assert.Equal(t, 1, before.Len())
		assert.Equal(t, []string{"first"}, before.Lookup(addr))
	})
	t.Run("a later Build sees all entries", func(t *testing.T) {
		assert.Equal(t, 2, after.Len())
		assert.Equal(t, []string{"first", "second"}, after.Lookup(addr))
	})
}

func TestLookupResultIsOwnedByTheCaller(t *testing.T) {
	ix := build(t, []kv{{"10.0.0.0/8", "a"}, {"10.0.0.0/8", "b"}})
	addr := netip.MustParseAddr("10.0.0.1")
	got := ix.Lookup(addr)
	got[0] = "changed"
	_ = append(got[:1], "appended")
	assert.Equal(t, []string{"a", "b"}, ix.Lookup(addr))
}

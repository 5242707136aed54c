package cidrindex

import (
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yl2chen/cidranger"
)

// TestCidrangerTrapsStillExist pins the raw cidranger v1.0.2 behaviours that
// this package works around. If an upgrade makes one of these fail, revisit
// the corresponding workaround rather than just deleting the case.
func TestCidrangerTrapsStillExist(t *testing.T) {
	rawNet := func(ip net.IP, bits int) cidranger.RangerEntry {
		return cidranger.NewBasicRangerEntry(net.IPNet{IP: ip, Mask: net.CIDRMask(bits, 8*len(ip))})
	}
	tests := []struct {
		name   string
		insert []cidranger.RangerEntry
		lookup net.IP
		want   []string // networks returned by ContainingNetworks, in its order
	}{
		{
			name:   "inserting the same network twice keeps only the second entry",
			insert: []cidranger.RangerEntry{rawNet(net.IP{10, 0, 0, 0}, 8), rawNet(net.IP{10, 0, 0, 0}, 8)},
			lookup: net.IP{10, 1, 2, 3},
			want:   []string{"10.0.0.0/8"},
		},
		{
			name:   "a network with host bits is found for only part of its range",
			insert: []cidranger.RangerEntry{rawNet(net.IP{10, 1, 0, 0}, 24), rawNet(net.IP{10, 1, 0, 5}, 24)},
			lookup: net.IP{10, 1, 0, 200},
			want:   []string{"10.1.0.0/24"}, // 10.1.0.5/24 also contains 10.1.0.200 but is missed
		},
		{
			name:   "an IPv4-mapped IPv6 address is looked up as IPv4",
			insert: []cidranger.RangerEntry{rawNet(net.IP{10, 0, 0, 0}, 8)},
			lookup: net.ParseIP("::ffff:10.1.2.3"),
			want:   []string{"10.0.0.0/8"},
		},
		{
			name: "results come shortest prefix first, not in insertion order",
			insert: []cidranger.RangerEntry{
				rawNet(net.IP{10, 1, 2, 0}, 24), rawNet(net.IP{10, 0, 0, 0}, 8), rawNet(net.IP{10, 1, 0, 0}, 16),
			},
			lookup: net.IP{10, 1, 2, 3},
			want:   []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cidranger.NewPCTrieRanger()
			for _, e := range tt.insert {
				require.NoError(t, r.Insert(e))
			}
			found, err := r.ContainingNetworks(tt.lookup)
			require.NoError(t, err)
			var got []string
			for _, e := range found {
				n := e.Network()
				got = append(got, n.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestConversionsUseNativeLengths(t *testing.T) {
	tests := []struct {
		name     string
		prefix   string
		wantIP   int
		wantMask int
	}{
		{"an IPv4 prefix becomes a 4-byte IP and mask", "10.0.0.0/8", 4, 4},
		{"IPv4 /0 becomes a 4-byte IP and mask", "0.0.0.0/0", 4, 4},
		{"an IPv6 prefix becomes a 16-byte IP and mask", "2001:db8::/32", 16, 16},
		{"IPv6 /0 becomes a 16-byte IP and mask", "::/0", 16, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := netip.MustParsePrefix(tt.prefix)
			n := toIPNet(p)
			assert.Len(t, n.IP, tt.wantIP)
			assert.Len(t, n.Mask, tt.wantMask)
			assert.Equal(t, p.String(), n.String())
			assert.Len(t, toIP(p.Addr()), tt.wantIP)
		})
	}
}

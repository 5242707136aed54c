package reach

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
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

// TestInternetProbe: the address the set questions and fix's session
// lists stand for the internet by is never one the design holds or a VPC
// block contains; the documentation address when it is free, else the
// first internet address (of the block asked, for blockProbe).
func TestInternetProbe(t *testing.T) {
	bp := netip.MustParsePrefix
	build := func(t *testing.T, cidrs []string, public string) *Model {
		v := VPC{ID: "vpc-p", DefaultACL: "acl-p", MainRouteTable: "rtb-p"}
		for _, c := range cidrs {
			v.CIDRs = append(v.CIDRs, bp(c))
		}
		in := Interface{ID: "eni-p", Subnet: "subnet-p", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.9.0.10")}, Groups: []string{"sg-p"}}
		if public != "" {
			in.PublicIP = netip.MustParseAddr(public)
		}
		m, err := NewBuilder().AddVPC(v).AddNetworkACL(nacl.NewDefault("acl-p", "vpc-p", true)).
			AddRouteTable(RouteTable{ID: "rtb-p", VPC: "vpc-p"}).AddSecurityGroup(sg.Group{ID: "sg-p", VPCID: "vpc-p"}).
			AddSubnet(Subnet{ID: "subnet-p", VPC: "vpc-p", CIDRs: []netip.Prefix{bp("10.9.0.0/24")}}).
			AddInterface(in).Build()
		require.NoError(t, err)
		return m
	}
	tests := []struct {
		name   string
		cidrs  []string
		public string
		v6     bool
		probe  string            // internetProbe's, within nothing
		blocks map[string]string // blockProbe's, "" for none
	}{
		{"the documentation address is free", []string{"10.9.0.0/16"}, "", false, "198.51.100.1",
			map[string]string{"0.0.0.0/0": "198.51.100.1", "198.51.100.0/24": "198.51.100.0", "10.0.0.0/8": ""}},
		{"a public IP is the documentation address: the next one", []string{"10.9.0.0/16"}, "198.51.100.1", false, "203.0.113.1",
			map[string]string{"0.0.0.0/0": "203.0.113.1", "198.51.100.1/32": "", "198.51.100.0/31": "198.51.100.0", "198.51.100.1/31": "198.51.100.0"}},
		{"a VPC block holds the documentation address: the next one", []string{"10.9.0.0/16", "198.51.100.0/24"}, "", false, "203.0.113.1",
			map[string]string{"0.0.0.0/0": "203.0.113.1", "198.51.100.0/24": "", "198.51.100.0/23": "198.51.101.0", "198.51.0.0/16": "198.51.0.0"}},
		// 0.0.0.0/8 ("this network") is not the internet's: the first
		// internet address is past it; in 192.0.0.0/24 (IETF protocol
		// assignments, not global) only the anycast 192.0.0.9 and
		// 192.0.0.10 are
		{"the design holds every documentation address: the first internet one", []string{"10.9.0.0/16", "203.0.113.0/24", "192.0.2.0/24"}, "198.51.100.1", false, "1.0.0.0",
			map[string]string{"0.0.0.0/0": "1.0.0.0", "192.0.0.0/16": "192.0.0.9", "192.0.0.0/24": "192.0.0.9", "192.0.0.10/31": "192.0.0.10",
				"192.0.0.0/29": "", "198.18.0.0/15": "", "198.16.0.0/14": "198.16.0.0", "198.19.0.0/16": "", "192.0.2.0/24": ""}},
		// ::/96 (IPv4-compatible, with ::2) is not the internet's: the first
		// internet IPv6 address is past it
		{"a VPC block holds the IPv6 documentation address", []string{"10.9.0.0/16", "2001:db8:ffff::/48"}, "", true, "::1:0:0",
			map[string]string{"::/0": "::1:0:0", "2001:db8:ffff::/48": "", "2001:db8:fffe::/47": "2001:db8:fffe::"}},
		{"the IPv6 documentation address is free", []string{"10.9.0.0/16", "2001:db8:10::/56"}, "", true, "2001:db8:ffff::1",
			map[string]string{"::/0": "2001:db8:ffff::1", "2001:db8:10::/56": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := build(t, tt.cidrs, tt.public)
			p, ok := m.internetProbe(tt.v6, nil)
			require.True(t, ok)
			assert.Equal(t, tt.probe, p.String())
			for block, want := range tt.blocks {
				got, ok := m.blockProbe(bp(block))
				assert.Equal(t, want != "", ok, block)
				assert.Equal(t, want, got, block)
			}
		})
	}
}

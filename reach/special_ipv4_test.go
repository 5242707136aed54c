package reach_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// TestSpecialIPv4NotOnInternet: the IANA IPv4 Special-Purpose Address
// Registry (https://www.iana.org/assignments/iana-ipv4-special-registry/)
// marks "this network" 0.0.0.0/8 (RFC 791, a source only), the IETF
// protocol assignments 192.0.0.0/24 (RFC 6890) and benchmarking
// 198.18.0.0/15 (RFC 2544) not globally reachable, but for 192.0.0.9
// (PCP anycast, RFC 7723) and 192.0.0.10 (TURN anycast, RFC 8155). At
// and around every edge of those blocks and of the two carve-outs, the
// internet gateway's test (Unroutable) and Sources' internet set agree
// with the registry; the addresses off the internet may send privately,
// as RFC 1918 space may (PrivateSource: 0.0.0.0 too, as :: of ::/96); a
// Check from one to the public address of an instance is the internet
// gateway's PRIVATE_ADDRESS_ON_INTERNET (0.0.0.0's was let through), from
// an internet address reachable. The
// documentation blocks and the reserved 240.0.0.0/4, whose addresses
// stand for public addresses known only later, stay on the internet.
func TestSpecialIPv4NotOnInternet(t *testing.T) {
	m := privateEntry(t, true) // app: 10.1.1.10, public 198.51.100.10, open to all
	s, err := m.Sources(reach.SourcesQuery{To: "app", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	for _, tc := range []struct {
		addr     string
		internet bool
	}{
		{"0.0.0.0", false},
		{"0.0.0.1", false},
		{"0.128.0.0", false},
		{"0.255.255.255", false},
		{"1.0.0.0", true},
		{"191.255.255.255", true},
		{"192.0.0.0", false},
		{"192.0.0.1", false},
		{"192.0.0.8", false},
		{"192.0.0.9", true},  // PCP anycast
		{"192.0.0.10", true}, // TURN anycast
		{"192.0.0.11", false},
		{"192.0.0.170", false}, // NAT64/DNS64 discovery
		{"192.0.0.255", false},
		{"192.0.1.0", true},
		{"192.0.2.1", true}, // documentation: left on the internet
		{"198.17.255.255", true},
		{"198.18.0.0", false},
		{"198.18.0.1", false},
		{"198.19.0.0", false},
		{"198.19.255.255", false},
		{"198.20.0.0", true},
		{"239.255.255.255", false}, // multicast, as before
		{"240.0.0.0", true},        // reserved: the placeholders of public addresses known only later
		{"255.255.255.254", true},
		{"255.255.255.255", false},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			a := netip.MustParseAddr(tc.addr)
			assert.Equal(t, !tc.internet, reach.Unroutable(a), "unroutable")
			inSet := slices.ContainsFunc(s.Internet, func(p netip.Prefix) bool { return p.Contains(a) })
			assert.Equal(t, tc.internet, inSet, "in Sources' internet set: %s", s)
			special := !tc.internet && !a.IsMulticast() && a != netip.MustParseAddr("255.255.255.255")
			assert.Equal(t, special, reach.PrivateSource(a), "may send privately")
			if !special && !tc.internet {
				return // multicast, broadcast: not among the blocks asked
			}
			r := check(t, m, reach.Query{From: tc.addr, To: "198.51.100.10", Protocol: flow.TCP, Port: 443})
			if tc.internet {
				assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
				return
			}
			require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			assert.Equal(t, []reach.Code{reach.PrivateAddressOnInternet}, r.Codes(), r.Text())
		})
	}
}

// TestSpecialIPv4SourceAsRFC1918: a query from 198.18.0.1 (benchmarking)
// or another non-global IPv4 address to a public instance meets at the
// internet gateway the hop a query from 10.0.0.1 meets there (the same
// code, verdict, reason and fix, naming its own source), where it was let
// through as an internet host's; and where the way back to it leads to a
// virtual private gateway, it may come in privately by that way, as RFC
// 1918 space may: indeterminate, naming the gateway. 192.0.0.9, globally
// reachable, is an internet host.
func TestSpecialIPv4SourceAsRFC1918(t *testing.T) {
	ref := func(t *testing.T, m *reach.Model, from, to string) reach.Hop {
		t.Helper()
		r := check(t, m, reach.Query{From: from, To: to, Protocol: flow.TCP, Port: 443})
		require.NotEmpty(t, r.Forward, r.Text())
		return r.Forward[0]
	}
	m := privateEntry(t, true)
	want := ref(t, m, "10.0.0.1", "198.51.100.10")
	require.Equal(t, reach.PrivateAddressOnInternet, want.Code, "the reference: 10.0.0.1 at the internet gateway")
	for _, from := range []string{"198.18.0.1", "198.19.255.255", "0.0.0.0", "0.0.0.1", "192.0.0.1", "192.0.0.170"} {
		t.Run("to the public address from "+from, func(t *testing.T) {
			r := check(t, m, reach.Query{From: from, To: "198.51.100.10", Protocol: flow.TCP, Port: 443})
			require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			require.Len(t, r.Forward, 1, r.Text())
			got := r.Forward[0]
			assert.Equal(t, want.Kind, got.Kind)
			assert.Equal(t, want.ID, got.ID)
			assert.Equal(t, want.Code, got.Code)
			assert.Equal(t, want.Verdict, got.Verdict)
			assert.Equal(t, want.Fix, got.Fix)
			assert.Equal(t, strings.ReplaceAll(want.Reason(), "10.0.0.1", from), got.Reason())
			assert.Empty(t, r.Return)
		})
	}
	t.Run("192.0.0.9 is an internet host", func(t *testing.T) {
		r := check(t, m, reach.Query{From: "192.0.0.9", To: "198.51.100.10", Protocol: flow.TCP, Port: 443})
		assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	})

	for _, tc := range []struct{ block, from, rfc1918 string }{
		{"198.18.0.0/15", "198.18.0.1", "10.50.0.5"},
		{"192.0.0.0/29", "192.0.0.1", "10.50.0.5"},
		{"0.0.0.0/8", "0.1.2.3", "10.50.0.5"},
	} {
		t.Run("over a VPN from "+tc.from, func(t *testing.T) {
			m := privateEntry(t, true, route(unmodelledRoute(tc.block, "vgw-1", "virtual private gateway")),
				route(unmodelledRoute("10.50.0.0/16", "vgw-1", "virtual private gateway")))
			for _, to := range []string{"10.1.1.10", "app"} {
				want := check(t, m, reach.Query{From: tc.rfc1918, To: to, Protocol: flow.TCP, Port: 443})
				require.Equal(t, reach.Indeterminate, want.Outcome, "the reference: %s\n%s", tc.rfc1918, want.Text())
				r := check(t, m, reach.Query{From: tc.from, To: to, Protocol: flow.TCP, Port: 443})
				require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
				assert.Equal(t, want.Codes(), r.Codes(), r.Text())
				b, ok := r.First()
				require.True(t, ok)
				assert.Equal(t, "vgw-1", b.ID, r.Text())
				assert.Equal(t, want.Flow.Dst, r.Flow.Dst, "sent to the private address, as from RFC 1918 space")
			}
		})
	}
}

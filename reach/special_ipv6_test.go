package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/reach"
)

// TestSpecialIPv6NotOnInternet: package doc: "the internet gateway drops
// on the request what it would send to an address the internet does not
// route". The IANA IPv6 Special-Purpose Address Registry
// (https://www.iana.org/assignments/iana-ipv6-special-registry/) marks
// these blocks not globally reachable: 100::/64 (discard-only, RFC 6666),
// 64:ff9b:1::/48 (local-use translation, RFC 8215), 100:0:0:1::/64
// (dummy prefix, RFC 9780), 2001:2::/48 (benchmarking), 2001:10::/28
// (deprecated ORCHID), the rest of 2001::/23 (IETF protocol assignments),
// 5f00::/16 (SRv6 SIDs); and ::/96 holds the deprecated IPv4-compatible
// addresses. Neither the internet gateway (web) nor the egress-only one
// (app) sends a packet to them (PRIVATE_ADDRESS_ON_INTERNET), and
// Sources leaves them out of the internet. The registry's globally
// reachable entries inside 2001::/23 (ORCHIDv2 2001:20::/28, AMT
// 2001:3::/32, Teredo 2001::/32) stay on the internet, and so does the
// documentation block 2001:db8::/32 (package doc).
func TestSpecialIPv6NotOnInternet(t *testing.T) {
	m := dualStackDesign(t)
	for _, tc := range []struct {
		to       string
		internet bool
	}{
		{"100::1", false},
		{"64:ff9b:1::808:808", false},
		{"100:0:0:1::1", false},
		{"::2", false},
		{"::a00:1", false},
		{"2001:2::1", false},
		{"2001:10::1", false},
		{"2001:1::4", false},
		{"2001:1ff::1", false},
		{"5f00::1", false},
		{"2001:20::1", true},
		{"2001:3::1", true},
		{"2001::1", true},
		{"2001:1::1", true},
		{"2001:200::1", true},
		{"2001:db8::1", true},
		{"2606:4700::1", true},
	} {
		for _, from := range []string{"web", "app"} {
			t.Run(from+" to "+tc.to, func(t *testing.T) {
				r, err := m.Check(reach.Query{From: from, To: tc.to, Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				if tc.internet {
					assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
					return
				}
				require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
				assert.Contains(t, r.Codes(), reach.PrivateAddressOnInternet, r.Text())
				assert.Contains(t, r.To, "not an internet address")
			})
		}
	}
	t.Run("Sources leaves the blocks out of web's internet", func(t *testing.T) {
		s, err := m.Sources(reach.SourcesQuery{To: "eni-web", Protocol: flow.TCP, Port: 443, IPv6: true})
		require.NoError(t, err)
		in := addrset.Of(s.Internet...)
		for _, a := range []string{"100::", "100::ffff:ffff:ffff:ffff", "64:ff9b:1::1", "::2", "::ffff:ffff", "2001:2::1", "5f00::1", "2001:1::4"} {
			assert.False(t, in.Contains(ba(a)), a)
		}
		for _, a := range []string{"100:0:0:2::", "2001:20::1", "2001:3::1", "2001::1", "2001:1::3", "2001:db8::1", "2606:4700::1"} {
			assert.True(t, in.Contains(ba(a)), a)
		}
	})
}

package suricata_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/suricata"
)

// A rule whose addresses and protocol share no address family matches no
// packet, but Suricata has no check for it: the rule parses, NoMatch
// saying why it never matches.
func TestFamilyMismatchParsesAsNoMatch(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       []string // in NoMatch, "" for a rule that may match
	}{
		{"negated IPv4 towards IPv6", "pass tcp !10.0.0.0/8 any -> 2001:db8::/32 any (sid:7;)", []string{`"!10.0.0.0/8"`, `"2001:db8::/32"`, "share no address family", "matches no packet"}},
		{"IPv4 source, IPv6 destination", "pass ip 10.0.0.0/8 any <> 2001:db8::/32 any (sid:7;)", []string{"share no address family"}},
		{"ipv6 with an IPv4 source", "pass ipv6 10.0.0.0/8 any -> any any (sid:7;)", []string{`protocol "ipv6" matches only IPv6 packets`}},
		{"icmpv4 with IPv6 only", "pass icmpv4 !2001:db8::/32 any -> any any (sid:7;)", []string{`protocol "icmpv4" matches only IPv4 packets`}},
		{"icmpv6 to an IPv4 block", "drop icmpv6 any any -> 10.9.0.0/16 any (sid:2;)", []string{`"10.9.0.0/16"`, "share no IPv6 address"}},
		{"dual-stack list", "drop ip [10.0.0.0/8,2001:db8::/32] any -> 2001:db8:1::/48 any (sid:3;)", nil},
		{"variables", "drop ip $HOME_NET any -> 2001:db8:1::/48 any (sid:4;)", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := suricata.Parse(c.text)
			require.NoError(t, err)
			if c.want == nil {
				assert.Empty(t, r.NoMatch)
				return
			}
			for _, w := range c.want {
				assert.Contains(t, r.NoMatch, w)
			}
			back, err := suricata.Parse(r.String())
			require.NoError(t, err)
			assert.Equal(t, r.NoMatch != "", back.NoMatch != "", "String parses back to a rule that matches nothing")
		})
	}
	// the refusals Suricata makes itself stay
	for _, text := range []string{"pass tcp !any any -> any any (sid:1;)", "pass tcp !0.0.0.0/0 any -> any any (sid:1;)", "pass tcp [!10.0.1.0/24,10.0.1.0/24] any -> any any (sid:1;)"} {
		_, err := suricata.Parse(text)
		assert.ErrorIs(t, err, suricata.ErrSyntax, text)
	}
}

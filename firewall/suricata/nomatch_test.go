package suricata_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/suricata"
)

// TestParseRefusesAddressesSuricataRefuses: Suricata resolves a negated
// address list on its own (DetectAddressParse2, "negated block") and
// refuses it when nothing is left ("no addresses left after merging
// addresses and negated addresses"), wherever it stands; a list inside a
// list is read as part of the outer list, so an empty inner list is no
// error.
func TestParseRefusesAddressesSuricataRefuses(t *testing.T) {
	for _, tt := range []struct{ name, text, want string }{
		{"a negated list inside a list that holds nothing", "drop ip [1.1.1.1,![2.2.2.2,!2.2.2.2]] any -> any any (sid:1;)",
			`column 18: address "[1.1.1.1,![2.2.2.2,!2.2.2.2]]": its negated part "![2.2.2.2/32,!2.2.2.2/32]" matches no address`},
		{"an inner list whose negation takes the outer block", "drop ip [[!10.0.0.0/8],10.1.0.0/16] any -> any any (sid:1;)",
			`column 9: address "[[!10.0.0.0/8],10.1.0.0/16]" matches no address`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := suricata.Parse(tt.text)
			require.ErrorIs(t, err, suricata.ErrSyntax)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	for _, text := range []string{
		"drop ip [1.1.1.1,[2.2.2.2,!2.2.2.2]] any -> any any (sid:1;)",
		"drop ip [10.0.0.0/8,![10.1.0.0/16,!10.1.2.0/24]] any -> any any (sid:1;)",
	} {
		_, err := suricata.Parse(text)
		assert.NoError(t, err, text)
	}
}

// TestParseRefusesWholeIPv4Negation: Suricata negates an address per
// family, and refuses an expression whose negated addresses cover every
// IPv4 address (DetectAddressMergeNot in src/detect-engine-address.c:
// "Complete IP space negated. Rule address range is NIL"), even where
// IPv6 addresses are left; it makes no such check for IPv6 (audit
// suri16, finding 3).
func TestParseRefusesWholeIPv4Negation(t *testing.T) {
	for _, tt := range []struct{ name, text, want string }{
		{"every IPv4 address negated", "drop ip !0.0.0.0/0 any -> any any (sid:1;)",
			`column 9: address "!0.0.0.0/0" negates every IPv4 address, which Suricata refuses ("Complete IP space negated")`},
		{"two halves of IPv4 negated", "drop ip any any -> [!0.0.0.0/1,!128.0.0.0/1] any (sid:1;)",
			`column 20: address "[!0.0.0.0/1,!128.0.0.0/1]" negates every IPv4 address`},
		{"every IPv4 address negated towards a port", "pass tcp any any -> !0.0.0.0/0 443 (sid:1;)",
			`column 21: address "!0.0.0.0/0" negates every IPv4 address`},
		{"every IPv4 address negated next to an IPv6 block", "pass tcp [!0.0.0.0/0,2001:db8::/32] any -> any any (sid:1;)",
			`column 10: address "[!0.0.0.0/0,2001:db8::/32]" negates every IPv4 address`},
		{"every IPv4 address negated in a negated list", "pass tcp [10.0.0.0/8,![!0.0.0.0/0]] any -> any any (sid:1;)",
			`column 22: address "[10.0.0.0/8,![!0.0.0.0/0]]" negates every IPv4 address (in "[!0.0.0.0/0]")`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := suricata.Parse(tt.text)
			require.ErrorIs(t, err, suricata.ErrSyntax)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	// Suricata checks IPv4 only: every IPv6 address negated leaves the
	// list's IPv4 addresses.
	_, err := suricata.Parse("pass tcp [!::/0,10.0.0.0/8] any -> any any (sid:1;)")
	assert.NoError(t, err)
}

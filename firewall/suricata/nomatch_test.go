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

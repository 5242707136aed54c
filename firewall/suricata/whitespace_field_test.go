package suricata_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/suricata"
)

// TestWhiteSpaceWhereAValueShouldBe: a form feed, vertical tab or
// carriage return the header keeps as a field, where an address or a port
// should be, is a syntax error naming what is missing, not a panic (audit
// hostile20 finding 1: FuzzParse's "pass tCp \f 0"); other bytes are
// syntax errors as before.
func TestWhiteSpaceWhereAValueShouldBe(t *testing.T) {
	for _, ws := range []string{"\f", "\v", "\r", "\u0085", "\u00a0", "\x00"} {
		for _, rule := range []string{
			"pass tcp %s any -> any any (sid:1;)",
			"pass tcp any any -> %s any (sid:1;)",
			"pass tcp any %s -> any any (sid:1;)",
			"pass tcp any any -> any %s (sid:1;)",
			"pass tcp [%s] any -> any any (sid:1;)",
			"pass tcp any [%s] -> any any (sid:1;)",
			"pass tcp !%s any -> any any (sid:1;)",
		} {
			text := fmt.Sprintf(rule, ws)
			require.NotPanics(t, func() {
				_, err := suricata.Parse(text)
				assert.ErrorIs(t, err, suricata.ErrSyntax, "%q", text)
			}, "%q", text)
		}
	}
	_, err := suricata.Parse("pass tcp \f any -> any any (sid:1;)")
	assert.ErrorContains(t, err, "missing address")
}

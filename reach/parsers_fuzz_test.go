package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// FuzzParseSeverity: whatever ParseSeverity accepts prints back (String)
// to a text it reads as the same severity, one of the three; the rest is
// an error naming the text.
func FuzzParseSeverity(f *testing.F) {
	for _, s := range []string{"low", "Medium", "HIGH", "", "severity?", "hi", " low"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := reach.ParseSeverity(s)
		if err != nil {
			require.ErrorContains(t, err, "want high, medium or low")
			return
		}
		require.Contains(t, []reach.Severity{reach.Low, reach.Medium, reach.High}, v)
		require.Equal(t, strings.ToLower(s), v.String())
		back, err := reach.ParseSeverity(v.String())
		require.NoError(t, err)
		require.Equal(t, v, back)
	})
}

// FuzzParseOption: only "enabled" and "disabled" are options, and they
// print back as themselves; anything else is unset, not ok.
func FuzzParseOption(f *testing.F) {
	for _, s := range []string{"enabled", "disabled", "Enabled", "", "unset", "optional"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, ok := reach.ParseOption(s)
		if !ok {
			require.Equal(t, reach.OptionUnset, o)
			return
		}
		require.Equal(t, s, o.String())
	})
}

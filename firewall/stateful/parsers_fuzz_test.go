package stateful_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
)

func FuzzParseRuleOrder(f *testing.F) {
	for _, s := range []string{"DEFAULT_ACTION_ORDER", "STRICT_ORDER", "strict_order", "Strict_Order ", "", "RuleOrder(2)", "STRICT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := stateful.ParseRuleOrder(s)
		if err != nil {
			require.ErrorIs(t, err, stateful.ErrInvalidPolicy)
			return
		}
		require.True(t, o.IsValid())
		require.True(t, strings.EqualFold(s, o.String()))
		back, err := stateful.ParseRuleOrder(o.String())
		require.NoError(t, err)
		require.Equal(t, o, back)
		b, err := o.MarshalText()
		require.NoError(t, err)
		var u stateful.RuleOrder
		require.NoError(t, u.UnmarshalText(b))
		require.Equal(t, o, u)
	})
}

// FuzzParseDefaults reads a comma-separated list of default action names:
// what parses is valid, and its Names parse back to the same Defaults.
func FuzzParseDefaults(f *testing.F) {
	for _, s := range []string{
		"", "aws:drop_strict", "aws:drop_established,aws:alert_established",
		"aws:drop_established_app_layer,aws:alert_established_app_layer_to_server",
		"aws:alert_strict,aws:drop_strict", "aws:drop_strict,aws:drop_established",
		"aws:drop_established,aws:alert_established_app_layer", "aws:drop_strict,aws:drop_strict",
		"AWS:DROP_STRICT", "aws:drop_established_app_layer_to_server",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var names []string
		if s != "" {
			names = strings.Split(s, ",")
		}
		d, err := stateful.ParseDefaults(names)
		if err != nil {
			require.ErrorIs(t, err, stateful.ErrInvalidPolicy)
			require.True(t, d.IsZero(), "a failed parse returns the zero Defaults")
			return
		}
		require.NoError(t, d.Validate())
		require.Len(t, d.Names(), len(names), "every name given is set once")
		require.ElementsMatch(t, names, d.Names())
		back, err := stateful.ParseDefaults(d.Names())
		require.NoError(t, err)
		require.Equal(t, d, back)
		require.Equal(t, len(names) == 0, d.IsZero())
	})
}

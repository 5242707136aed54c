package stateless_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateless"
)

func FuzzParseAction(f *testing.F) {
	for _, s := range []string{"aws:pass", "aws:drop", "aws:forward_to_sfe", "AWS:PASS", "pass", "aws:reject", "", "aws:pass "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := stateless.ParseAction(s)
		if err != nil {
			require.ErrorIs(t, err, stateless.ErrInvalidRule)
			return
		}
		require.True(t, stateless.ValidAction(a))
		require.Equal(t, s, stateless.ActionName(a), "only AWS's exact names are read")
		back, err := stateless.ParseAction(stateless.ActionName(a))
		require.NoError(t, err)
		require.Equal(t, a, back)
	})
}

func FuzzParseTCPFlag(f *testing.F) {
	for _, s := range []string{"SYN", "ack", "Fin", "RST", "PSH", "URG", "ECE", "CWR", "SYN|ACK", "none", "", "NS"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fl, err := stateless.ParseTCPFlag(s)
		if err != nil {
			require.ErrorIs(t, err, stateless.ErrInvalidRule)
			return
		}
		require.NotZero(t, fl)
		require.Zero(t, fl&(fl-1), "one flag, one bit")
		require.True(t, strings.EqualFold(s, fl.String()))
		back, err := stateless.ParseTCPFlag(fl.String())
		require.NoError(t, err)
		require.Equal(t, fl, back)
	})
}

package flow_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/exp/constraints"

	"github.com/reachsim/reachsim/flow"
)

// The small parsers: whatever they accept prints back (String) to a text
// they read as the same value, and whatever they reject wraps their
// sentinel.

func FuzzParseDirection(f *testing.F) {
	for _, s := range []string{"inbound", "Outbound", "ingress", "EGRESS", "in", "out", "", "inbound ", "Direction(2)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := flow.ParseDirection(s)
		if err != nil {
			require.ErrorIs(t, err, flow.ErrDirection)
			return
		}
		require.Contains(t, []flow.Direction{flow.Inbound, flow.Outbound}, d)
		back, err := flow.ParseDirection(d.String())
		require.NoError(t, err)
		require.Equal(t, d, back)
		b, err := d.MarshalText()
		require.NoError(t, err)
		var u flow.Direction
		require.NoError(t, u.UnmarshalText(b))
		require.Equal(t, d, u)
		require.Equal(t, d, d.Opposite().Opposite())
	})
}

func FuzzParseVerdict(f *testing.F) {
	for _, s := range []string{"allow", "DENY", "Indeterminate", "pass", "", "allow\x00", "Verdict(3)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := flow.ParseVerdict(s)
		if err != nil {
			require.ErrorIs(t, err, flow.ErrVerdict)
			return
		}
		require.True(t, strings.EqualFold(s, v.String()), "a verdict is read from its String form only")
		back, err := flow.ParseVerdict(v.String())
		require.NoError(t, err)
		require.Equal(t, v, back)
		b, err := v.MarshalText()
		require.NoError(t, err)
		var u flow.Verdict
		require.NoError(t, u.UnmarshalText(b))
		require.Equal(t, v, u)
	})
}

func FuzzParseAction(f *testing.F) {
	for _, s := range []string{"pass", "allow", "Accept", "drop", "deny", "reject", "alert", "forward",
		"aws:forward_to_sfe", "AWS:PASS", "aws:aws:pass", "unset", "", "Action(9)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := flow.ParseAction(s)
		if err != nil {
			require.ErrorIs(t, err, flow.ErrAction)
			return
		}
		require.True(t, a.IsValid(), "a parsed action is never unset")
		back, err := flow.ParseAction(a.String())
		require.NoError(t, err)
		require.Equal(t, a, back)
		b, err := a.MarshalText()
		require.NoError(t, err)
		var u flow.Action
		require.NoError(t, u.UnmarshalText(b))
		require.Equal(t, a, u)
	})
}

// checkSetText checks ParseRange and ParseSet of one integer type on s.
func checkSetText[T constraints.Integer](t *testing.T, s string) {
	t.Helper()
	if r, err := flow.ParseRange[T](s); err == nil {
		require.False(t, r.IsEmpty(), "a parsed range holds a value")
		back, err := flow.ParseRange[T](r.String())
		require.NoError(t, err, "String of a parsed range must parse: %q", r.String())
		require.Equal(t, r, back)
		require.True(t, flow.SetOf(r).ContainsRange(r))
	} else {
		require.ErrorIs(t, err, flow.ErrRange)
	}
	set, err := flow.ParseSet[T](s)
	if err != nil {
		require.ErrorIs(t, err, flow.ErrRange)
		return
	}
	back, err := flow.ParseSet[T](set.String())
	require.NoError(t, err, "String of a parsed set must parse: %q", set.String())
	require.True(t, set.Equal(back), "%q: %v then %v", s, set, back)
	require.True(t, set.Union(set.Complement()).IsFull())
	require.True(t, set.Intersect(set.Complement()).IsEmpty())
	require.True(t, set.Complement().Complement().Equal(set))
	for _, r := range set.Ranges() {
		require.True(t, set.Contains(r.Lo) && set.Contains(r.Hi))
		require.False(t, set.Complement().Contains(r.Lo))
	}
}

// FuzzParseSetTypes reads the same text as a set and a range of every
// integer type the project uses them with (ports uint16, ICMP types and
// codes uint8 and int8, protocol numbers int16 and Protocol) and the
// 64-bit extremes.
func FuzzParseSetTypes(f *testing.F) {
	for _, s := range []string{"22", "0-255", "-1", "-128--1", "-5-5", "-32768-32767", "0,8,13-18", "none", "256",
		"1-2-3", "--1", "-", "1,,2", "9223372036854775807", "-9223372036854775808-0", "18446744073709551615", " 3, 4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSetText[uint8](t, s)
		checkSetText[int8](t, s)
		checkSetText[uint16](t, s)
		checkSetText[int16](t, s)
		checkSetText[flow.Protocol](t, s)
		checkSetText[int64](t, s)
		checkSetText[uint64](t, s)
	})
}

// FuzzParsePort: ParsePort accepts exactly one port, which ParsePortSet
// reads the same, and refuses with ErrRange otherwise.
func FuzzParsePort(f *testing.F) {
	for _, s := range []string{"22", "0", "65535", "65536", "-1", "ssh", "HTTPS", "postgres", "netbios", "", " 22", "22 ", "0x16", "1e3", "sshh"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := flow.ParsePort(s)
		if err != nil {
			require.ErrorIs(t, err, flow.ErrRange, "%q", s)
			return
		}
		set, err := flow.ParsePortSet(s)
		require.NoError(t, err, "%q", s)
		require.Equal(t, flow.SetOf(flow.Single(p)).String(), set.String(), "%q", s)
	})
}

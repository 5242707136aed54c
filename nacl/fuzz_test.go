package nacl_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

func FuzzParseEntry(f *testing.F) {
	for _, s := range []string{
		"100 allow tcp 22 from 203.0.113.0/24",
		"110 deny udp 1024-65535 to 0.0.0.0/0",
		"120 allow icmp type 3 code 4 from 10.0.0.0/8",
		"121 allow icmp type 8 to 10.0.0.0/8",
		"130 allow icmpv6 all from ::/0",
		"131 allow icmpv6 type 2 from 10.0.0.0/8",
		"140 allow gre from 10.1.2.3/8",
		"141 deny 89 to 2001:db8::/32",
		"* deny all to ::/0",
		"* deny all from 0.0.0.0/0",
		"32766 allow -1 to 0.0.0.0/0",
		"1 allow tcp 443-80 from 0.0.0.0/0",
		"1 allow icmp code 4 from 0.0.0.0/0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := nacl.ParseEntry(s)
		if err != nil {
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "error %v is not an InputError", err)
			require.ErrorIs(t, err, nacl.ErrInvalidEntry)
			return
		}
		back, err := nacl.ParseEntry(e.String())
		require.NoError(t, err, "String of a parsed entry must parse: %q", e.String())
		require.Equal(t, e, back)
		if !e.IsDefaultRule() {
			ev, err := nacl.Compile(nacl.ACL{ID: "acl-f", Entries: []nacl.Entry{e}})
			require.NoError(t, err)
			require.Equal(t, []nacl.Entry{e}, ev.ACL().Entries)
		}
	})
}

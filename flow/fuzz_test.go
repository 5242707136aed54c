package flow_test

import (
	"net/netip"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"tcp 10.0.1.5:49152 -> 10.0.2.7:5432",
		"udp [2001:db8::1]:5353 -> [2001:db8::2]:53",
		"icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0",
		"icmpv6 2001:db8::1 -> 2001:db8::2",
		"47 10.0.0.1 -> 10.0.0.2",
		"tcp 10.0.1.5:50000 -> 198.51.100.7:443 domain example.com",
		"tcp 10.0.1.5:50000 -> 198.51.100.7:8443 app tls domain example.com",
		"udp [::ffff:10.0.0.1]:1 -> [::ffff:10.0.0.2]:2",
		"tcp 10.0.0.1 -> 10.0.0.2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fl, err := flow.Parse(s)
		if err != nil {
			require.ErrorIs(t, err, flow.ErrFlow)
			return
		}
		require.NoError(t, fl.Validate())
		back, err := flow.Parse(fl.String())
		require.NoError(t, err, "String of a parsed flow must parse: %q", fl.String())
		require.Equal(t, fl, back)
		require.Equal(t, fl, fl.Reverse().Reverse())
		require.NoError(t, fl.Reverse().Validate())
	})
}

func FuzzParseSet(f *testing.F) {
	for _, s := range []string{"22", "1024-65535", "22,80,1024-65535", "none", "5-1", "1-2-3", "0-65535", " 1, 2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := flow.ParseRange[uint16](s); err == nil {
			back, err := flow.ParseRange[uint16](r.String())
			require.NoError(t, err)
			require.Equal(t, r, back)
		} else {
			require.ErrorIs(t, err, flow.ErrRange)
		}
		set, err := flow.ParseSet[uint16](s)
		if err != nil {
			require.ErrorIs(t, err, flow.ErrRange)
			return
		}
		back, err := flow.ParseSet[uint16](set.String())
		require.NoError(t, err)
		require.True(t, set.Equal(back))
		require.True(t, set.Union(set.Complement()).IsFull())
		require.True(t, set.Intersect(set.Complement()).IsEmpty())
	})
}

func FuzzParseProtocol(f *testing.F) {
	for _, s := range []string{"tcp", "6", "-1", "all", "ICMPv6", "256"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := flow.ParseProtocol(s)
		if err != nil {
			require.ErrorIs(t, err, flow.ErrProtocol)
			return
		}
		require.True(t, p.IsValid())
		back, err := flow.ParseProtocol(p.String())
		require.NoError(t, err)
		require.Equal(t, p, back)
	})
}

func FuzzParseCIDR(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "100.68.0.18/18", "2001:db8::/32", "::ffff:1.2.3.4/120", "1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := flow.ParseCIDR(s)
		if err != nil {
			return
		}
		require.Equal(t, p, p.Masked())
		require.False(t, p.Addr().Is4In6())
		back, err := flow.ParseCIDR(p.String())
		require.NoError(t, err)
		require.Equal(t, p, back)
	})
}

func FuzzParseAddrOrCIDR(f *testing.F) {
	for _, s := range []string{"10.0.0.5", "2001:db8::1", "10.0.0.0/8", "::ffff:1.2.3.4", "fe80::1%eth0", "1.2.3.4/33", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := flow.ParseAddrOrCIDR(s)
		if err != nil {
			return
		}
		require.True(t, p.IsValid())
		require.Equal(t, p, p.Masked(), "the block is masked")
		require.False(t, p.Addr().Is4In6(), "an IPv4-mapped block never comes out")
		if a, aerr := netip.ParseAddr(s); aerr == nil {
			require.Equal(t, a.Is6(), p.Addr().Is6(), "the family is the address's")
		}
	})
}

// FuzzParseApp: a name ParseApp reads prints as a name it reads back as
// the same protocol; anything else is an ErrFlow error quoting it.
func FuzzParseApp(f *testing.F) {
	for _, s := range []string{"tls", "SSL", "http1", "ikev2", "none", "", "ftp-data", "t l s", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := flow.ParseApp(s)
		if err != nil {
			require.ErrorIs(t, err, flow.ErrFlow)
			require.Contains(t, err.Error(), strconv.Quote(s))
			return
		}
		require.True(t, a.IsValid())
		require.NotEqual(t, flow.AppUnset, a)
		back, err := flow.ParseApp(a.String())
		require.NoError(t, err)
		require.Equal(t, a, back)
	})
}

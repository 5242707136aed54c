package aws_test

import (
	"net/netip"
	"testing"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/stretchr/testify/require"
)

// prefixes parses CIDR blocks.
func prefixes(cidrs ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(cidrs))
	for i, c := range cidrs {
		out[i] = netip.MustParsePrefix(c)
	}
	return out
}

func packet(s string, flags ...stateless.TCPFlags) stateless.Packet {
	p := stateless.Packet{Flow: flow.MustParse(s)}
	for _, f := range flags {
		p.Flags |= f
	}
	return p
}

func compileStateless(t testing.TB, cfg stateless.Config) *stateless.Engine {
	t.Helper()
	e, err := stateless.Compile(cfg)
	require.NoError(t, err)
	return e
}

func compile(t testing.TB, a nacl.ACL) *nacl.Evaluator {
	t.Helper()
	e, err := nacl.Compile(a)
	require.NoError(t, err)
	return e
}

func fl(s string) flow.Flow { return flow.MustParse(s) }

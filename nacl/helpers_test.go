package nacl_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

// Tiny constructors for table rows.

// en reads an entry in the String form: "100 allow tcp 22 from 10.0.0.0/8".
func en(s string) nacl.Entry { return nacl.MustParseEntry(s) }

// custom returns a custom ACL with the given entries in the String form.
func custom(id string, entries ...string) nacl.ACL {
	a := nacl.NewCustom(id, "vpc-1")
	for _, s := range entries {
		a.Entries = append(a.Entries, en(s))
	}
	return a
}

// compile compiles a, failing the test on error.
func compile(t testing.TB, a nacl.ACL) *nacl.Evaluator {
	t.Helper()
	ev, err := nacl.Compile(a)
	require.NoError(t, err)
	return ev
}

// fl reads a flow: "tcp 10.0.1.5:50000 -> 10.0.2.7:443".
func fl(s string) flow.Flow { return flow.MustParse(s) }

// portSetOf collects the ports for which ok holds into a set, by brute force.
func portSetOf(ok func(p uint16) bool) flow.PortSet {
	var rs []flow.PortRange
	in := false
	var lo uint16
	for p := 0; p <= 65535; p++ {
		switch yes := ok(uint16(p)); {
		case yes && !in:
			in, lo = true, uint16(p)
		case !yes && in:
			in = false
			rs = append(rs, flow.PortRange{Lo: lo, Hi: uint16(p - 1)})
		}
	}
	if in {
		rs = append(rs, flow.PortRange{Lo: lo, Hi: 65535})
	}
	return flow.SetOf(rs...)
}

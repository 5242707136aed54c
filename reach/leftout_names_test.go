package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// withLeftOut is open's design with three network interfaces a loader
// left out, declared with their names: eni-left of instance i-left
// (Name left), stopping, at 10.0.1.40 and 198.51.100.40 (unmodelled);
// eni-off of instance i-off (Name off), stopped, at 10.0.1.50
// (hostless); eni-dup (Name db, as the modelled eni-db), attaching, at
// 10.0.1.60.
func withLeftOut(t *testing.T) *reach.Model {
	t.Helper()
	stopping := "network interface of instance i-left, which is stopping"
	names := reach.LeftOutNames{Interface: "eni-left", Instance: "i-left", Name: "left"}
	m, err := open().AddUnmodelledAddress(
		reach.UnmodelledAddress{Address: netip.MustParseAddr("10.0.1.40"), Owner: "eni-left", What: stopping, LeftOutNames: names},
		reach.UnmodelledAddress{Address: netip.MustParseAddr("198.51.100.40"), Owner: "eni-left", What: stopping, LeftOutNames: names},
		reach.UnmodelledAddress{Address: netip.MustParseAddr("10.0.1.60"), Owner: "eni-dup", What: "network interface that is attaching",
			LeftOutNames: reach.LeftOutNames{Interface: "eni-dup", Name: "db"}}).
		AddHostlessAddress(reach.HostlessAddress{Address: netip.MustParseAddr("10.0.1.50"), Owner: "eni-off", What: "network interface of instance i-off, which is stopped",
			LeftOutNames: reach.LeftOutNames{Interface: "eni-off", Instance: "i-off", Name: "off"}}).
		Build()
	require.NoError(t, err)
	return m
}

// A query naming a network interface a loader left out (by interface
// ID, instance ID or Name tag) gets the answer of the address a query
// naming a modelled interface would use: its public IPv4 address from
// the internet, its private one from its own VPC; undecided for an
// unmodelled address, the certain drop naming it for a hostless one
// (audit cli26, finding 3). Verdict, Ports and Sources agree.
func TestLeftOutInterfaceByName(t *testing.T) {
	m := withLeftOut(t)
	for _, tt := range []struct {
		name, from, addr string
		names            []string
		outcome          reach.Outcome
		code             reach.Code
		words            string
	}{
		{"stopping, from the internet: its public address", "203.0.113.9", "198.51.100.40", []string{"left", "i-left", "eni-left"},
			reach.Indeterminate, reach.UnmodelledDestination, "198.51.100.40 is the address of eni-left (network interface of instance i-left, which is stopping)"},
		{"stopping, from its own VPC: its private address", "web", "10.0.1.40", []string{"left", "i-left", "eni-left"},
			reach.Indeterminate, reach.UnmodelledDestination, "10.0.1.40 is the address of eni-left"},
		{"stopped, from the internet", "203.0.113.9", "10.0.1.50", []string{"off", "i-off", "eni-off"},
			reach.Unreachable, reach.UnknownDestination, "belongs to eni-off (network interface of instance i-off, which is stopped), which delivers it to no host"},
		{"stopped, from its own VPC", "eni-db", "10.0.1.50", []string{"off", "i-off", "eni-off"},
			reach.Unreachable, reach.UnknownDestination, "which delivers it to no host"},
		{"attaching, by ID (its Name tag is also a modelled interface's)", "web", "10.0.1.60", []string{"eni-dup"},
			reach.Indeterminate, reach.UnmodelledDestination, "eni-dup (network interface that is attaching)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := check(t, m, tcp(tt.from, tt.addr, 443))
			assert.Equal(t, tt.outcome, want.Outcome, want.Text())
			assert.Contains(t, want.Codes(), tt.code, want.Text())
			assert.Contains(t, want.Text(), tt.words)
			for _, n := range tt.names {
				got := check(t, m, tcp(tt.from, n, 443))
				assert.Equal(t, want.Text(), got.Text(), "to %s: the answer of %s", n, tt.addr)
				v, err := m.Verdict(tcp(tt.from, n, 443))
				require.NoError(t, err)
				assert.Equal(t, tt.outcome, v, "to %s: Verdict agrees with Check", n)
			}
		})
	}
	t.Run("the public address from the internet is in the design", func(t *testing.T) {
		r := check(t, m, tcp("203.0.113.9", "198.51.100.40", 443))
		assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	})
	for _, tt := range []struct{ name, from, to, want string }{
		{"a left-out interface is no source", "left", "web", `"left" is eni-left, which reachsim leaves out of the model (network interface of instance i-left, which is stopping)`},
		{"by instance ID", "i-off", "web", `"i-off" is eni-off, which reachsim leaves out of the model (network interface of instance i-off, which is stopped)`},
		{"no IPv6 address", "web", "left", `"left" is eni-left, which reachsim leaves out of the model (network interface of instance i-left, which is stopping), and the design holds no IPv6 address of it`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := tcp(tt.from, tt.to, 443)
			q.IPv6 = tt.name == "no IPv6 address"
			_, err := m.Check(q)
			require.ErrorIs(t, err, reach.ErrQuery)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	t.Run("kept by a patched model", func(t *testing.T) {
		next, err := m.Apply(nil)
		require.NoError(t, err)
		assert.Equal(t, m.UnmodelledAddresses(), next.UnmodelledAddresses())
		assert.Equal(t, m.HostlessAddresses(), next.HostlessAddresses())
		assert.Equal(t, reach.Indeterminate, check(t, next, tcp("web", "i-left", 443)).Outcome)
	})
	t.Run("set questions agree with Check", func(t *testing.T) {
		brute.CheckSetAnswers(t, m, brute.Options{Few: true, Seed: 26,
			Ports: []reach.PortsQuery{
				{From: "203.0.113.9", To: "left", Protocol: flow.TCP},
				{From: "web", To: "i-left", Protocol: flow.TCP},
				{From: "203.0.113.9", To: "off", Protocol: flow.TCP},
			},
			Sources: []reach.SourcesQuery{
				{To: "left", Protocol: flow.TCP, Port: 443},
				{To: "eni-off", Protocol: flow.TCP, Port: 443},
			}})
	})
}

// The names a declaration gives are checked: an ID holds no space, a
// Name tag is more than spaces.
func TestLeftOutNamesBuildErrors(t *testing.T) {
	a := netip.MustParseAddr("10.0.1.40")
	for _, tt := range []struct {
		name  string
		names reach.LeftOutNames
		want  string
	}{
		{"an interface ID with a space", reach.LeftOutNames{Interface: "eni left"}, `unmodelledAddresses[0].Interface`},
		{"an instance ID with a space", reach.LeftOutNames{Instance: "i left"}, `unmodelledAddresses[0].Instance`},
		{"a Name tag of spaces", reach.LeftOutNames{Name: "  "}, `a Name tag of spaces only`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := open().AddUnmodelledAddress(reach.UnmodelledAddress{Address: a, Owner: "eni-left", LeftOutNames: tt.names}).Build()
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

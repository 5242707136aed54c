package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// selfDesign is the three-tier sample with web-1 given a secondary
// private address (10.0.1.11) and delegated prefixes (10.0.1.32/28,
// 2001:db8:10:1:a::/80), and a second interface of its instance,
// web-1b (10.0.1.12).
func selfDesign(t *testing.T) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	web := &d.Interfaces[0]
	require.Equal(t, "eni-web1", web.ID)
	web.PrivateIPs = append(web.PrivateIPs, netip.MustParseAddr("10.0.1.11"))
	web.DelegatedPrefixes = []netip.Prefix{netip.MustParsePrefix("10.0.1.32/28"), netip.MustParsePrefix("2001:db8:10:1:a::/80")}
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-web1b", Name: "web-1b", Instance: "i-web1", Subnet: "subnet-public",
		PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.12")}, Groups: []string{"sg-web"}})
	return build(t, d)
}

// TestQueryToItsOwnAddressIsAnError: a query from an interface to one of
// its own private addresses (named by ID, instance, Name tag or address;
// a secondary one, IPv6, or of a prefix delegated to it) is an error
// wrapping ErrQuery that says why, from Check, Verdict and Ports alike:
// the host delivers such a packet without the network, so no security
// group, network ACL or route decides it. To its own public IPv4 address,
// to another interface of its instance and to another instance, the
// query is walked as before.
func TestQueryToItsOwnAddressIsAnError(t *testing.T) {
	m := selfDesign(t)
	for _, tc := range []struct {
		name  string
		q     reach.Query
		label string        // the interface the error names; "" when the query is walked
		want  reach.Outcome // of a walked query
	}{
		{"its ID twice", reach.Query{From: "eni-web1", To: "eni-web1", Protocol: flow.TCP, Port: 5432}, "web-1 (eni-web1)", 0},
		{"its Name tag to its address", reach.Query{From: "web-1", To: "10.0.1.10", Protocol: flow.TCP, Port: 5432}, "web-1 (eni-web1)", 0},
		{"its instance to its Name tag", reach.Query{From: "i-web1", To: "web-1", Protocol: flow.UDP, Port: 53}, "web-1 (eni-web1)", 0},
		{"its address to its secondary address", reach.Query{From: "10.0.1.10", To: "10.0.1.11", Protocol: flow.TCP, Port: 22}, "web-1 (eni-web1)", 0},
		{"to an address of its delegated prefix", reach.Query{From: "web-1", To: "10.0.1.40", Protocol: flow.TCP, Port: 443}, "web-1 (eni-web1)", 0},
		{"from an address of its delegated prefix", reach.Query{From: "10.0.1.40", To: "eni-web1", Protocol: flow.ICMP}, "web-1 (eni-web1)", 0},
		{"from its public address to its Name tag", reach.Query{From: "203.0.113.10", To: "web-1", Protocol: flow.TCP, Port: 443}, "web-1 (eni-web1)", 0},
		{"IPv6, named twice", reach.Query{From: "web-1", To: "web-1", Protocol: flow.TCP, Port: 443, IPv6: true}, "web-1 (eni-web1)", 0},
		{"IPv6, to its address", reach.Query{From: "web-1", To: "2001:db8:10:1::10", Protocol: flow.ICMPv6}, "web-1 (eni-web1)", 0},
		{"IPv6, to its delegated prefix", reach.Query{From: "2001:db8:10:1::10", To: "2001:db8:10:1:a::5", Protocol: flow.TCP, Port: 443}, "web-1 (eni-web1)", 0},
		{"another interface of the host is walked", reach.Query{From: "web-1", To: "web-1b", Protocol: flow.TCP, Port: 443}, "", reach.Reachable},
		{"its own public IPv4 address is walked", reach.Query{From: "web-1", To: "203.0.113.10", Protocol: flow.TCP, Port: 443}, "", reach.Indeterminate},
		{"another instance is walked", reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, "", reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := m.Check(tc.q)
			o, verr := m.Verdict(tc.q)
			pq := reach.PortsQuery{From: tc.q.From, To: tc.q.To, Protocol: tc.q.Protocol, IPv6: tc.q.IPv6}
			p, perr := m.Ports(pq)
			if tc.label == "" {
				require.NoError(t, err)
				require.NoError(t, verr)
				require.NoError(t, perr)
				assert.Equal(t, tc.want, r.Outcome)
				assert.Equal(t, tc.want, o)
				assert.NotNil(t, p)
				return
			}
			want := tc.q.From + " and " + tc.q.To + " are the same interface (" + tc.label + "): a packet to its own address stays inside the host, which delivers it without the network, so no security group, network ACL or route decides it"
			for what, err := range map[string]error{"Check": err, "Verdict": verr, "Ports": perr} {
				require.ErrorIs(t, err, reach.ErrQuery, what)
				assert.ErrorContains(t, err, want, what)
			}
			assert.Nil(t, r)
			assert.Nil(t, p)
		})
	}
}

// TestFlowToItsOwnAddressIsAnError: CheckFlow and VerdictFlow refuse a
// packet from an interface to one of its own private addresses as Check
// does, and walk one to its public IPv4 address as before.
func TestFlowToItsOwnAddressIsAnError(t *testing.T) {
	m := selfDesign(t)
	for _, tc := range []struct {
		flow string
		self bool
		want reach.Outcome
	}{
		{"tcp 10.0.1.10:50000 -> 10.0.1.10:5432", true, 0},
		{"tcp 10.0.1.10:50000 -> 10.0.1.11:22", true, 0},
		{"tcp 10.0.1.40:50000 -> 10.0.1.10:443", true, 0},
		{"udp 10.0.1.10:50000 -> 10.0.1.47:53", true, 0},
		{"icmpv6 2001:db8:10:1::10 -> 2001:db8:10:1:a::5", true, 0},
		{"tcp 10.0.1.10:50000 -> 203.0.113.10:443", false, reach.Indeterminate},
		{"tcp 10.0.1.10:50000 -> 10.0.1.12:443", false, reach.Reachable},
	} {
		t.Run(tc.flow, func(t *testing.T) {
			f := flow.MustParse(tc.flow)
			r, err := m.CheckFlow(f)
			o, verr := m.VerdictFlow(f)
			if !tc.self {
				require.NoError(t, err)
				require.NoError(t, verr)
				assert.Equal(t, tc.want, r.Outcome)
				assert.Equal(t, tc.want, o)
				return
			}
			want := f.Src.Addr().String() + " and " + f.Dst.Addr().String() + " are the same interface (web-1 (eni-web1)): a packet to its own address stays inside the host"
			for what, err := range map[string]error{"CheckFlow": err, "VerdictFlow": verr} {
				require.ErrorIs(t, err, reach.ErrQuery, what)
				assert.ErrorContains(t, err, want, what)
			}
		})
	}
}

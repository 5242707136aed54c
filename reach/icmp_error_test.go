package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// TestICMPErrorMessagesHaveNoReply: an ICMP error message (destination
// unreachable, time exceeded, ...) is one packet, with no reply
// (semantics F.3): the answer is whether it arrives. On the sample, with
// web-1 admitting every ICMP message from the VPC, app-1's messages to
// web-1 arrive; the echo request's reply, which exists, is still cut by
// app's subnet ACL (it admits no ICMP back).
func TestICMPErrorMessagesHaveNoReply(t *testing.T) {
	d := sample.ThreeTierDesign()
	webRule(d, sg.Rule{ID: "sgr-web-ping", Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.0.0/16")})
	m, err := d.Builder().Build()
	require.NoError(t, err)
	icmp := func(typ, code uint8) reach.Query {
		return reach.Query{From: "app-1", To: "web-1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: typ, Code: code}}
	}
	for _, tc := range []struct {
		name string
		q    reach.Query
		want reach.Outcome
	}{
		{"destination unreachable arrives", icmp(3, 1), reach.Reachable},
		{"time exceeded arrives", icmp(11, 0), reach.Reachable},
		{"parameter problem arrives", icmp(12, 0), reach.Reachable},
		{"the echo request's reply is cut", icmp(8, 0), reach.Unreachable},
		{"a timestamp request's reply is cut", icmp(13, 0), reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			if r.Flow.IsICMPError() {
				assert.Empty(t, r.Return, "no reply is traced")
				for _, b := range r.Blocks {
					assert.NotEqual(t, reach.Return, b.Leg, "no block on a reply that does not exist: %s", b.Code)
				}
				assert.Contains(t, r.Text(), "is an error message, which has no reply")
			}
		})
	}
	// the set answers agree, type by type and code by code
	brute.CheckSetAnswers(t, m, brute.Options{
		Ports: []reach.PortsQuery{{From: "app-1", To: "web-1", Protocol: flow.ICMP}, {From: "web-1", To: "app-1", Protocol: flow.ICMP},
			{From: "web-1", To: "198.51.100.7", Protocol: flow.ICMP}, {From: "web-1", To: "2001:db8:ffff::7", Protocol: flow.ICMPv6}},
		Few: true,
	})
	p, err := m.Ports(reach.PortsQuery{From: "app-1", To: "web-1", Protocol: flow.ICMP})
	require.NoError(t, err)
	assert.Contains(t, p.String(), "open: 3-5,11-12 (all codes)", "the error messages arrive; no query type gets its reply back: %s", p)
}

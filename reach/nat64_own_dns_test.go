package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// NAT64 of the VPC's own Amazon DNS server (64:ff9b::a00:2, 10.0.0.2)
// through the VPC's own NAT gateway: the server answers the VPC's
// resources, and AWS documents nothing of a query a NAT gateway
// translated, so a DNS query is undecided, with a reason that names the
// NAT gateway (not a peer, a transit gateway, a VPN or the internet);
// what the server never answers stays refused.
func TestNAT64ToOwnVPCDNS(t *testing.T) {
	m := dualStackDesign(t)
	for _, tc := range []struct {
		name string
		q    reach.Query
		want reach.Outcome
		code reach.Code
	}{
		{"DNS over udp", reach.Query{From: "v6", To: "64:ff9b::a00:2", Protocol: flow.UDP, Port: 53}, reach.Indeterminate, reach.AmazonDNSIndeterminate},
		{"DNS over tcp", reach.Query{From: "v6", To: "64:ff9b::a00:2", Protocol: flow.TCP, Port: 53}, reach.Indeterminate, reach.AmazonDNSIndeterminate},
		{"not DNS", reach.Query{From: "v6", To: "64:ff9b::a00:2", Protocol: flow.TCP, Port: 80}, reach.Unreachable, reach.AmazonDNSOnlyDNS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			last := r.Forward[len(r.Forward)-1]
			assert.Equal(t, reach.KindAmazonDNS, last.Kind, r.Text())
			assert.Equal(t, tc.code, last.Code, r.Text())
			assert.NotContains(t, last.Reason(), "peered VPC", r.Text())
			if tc.want == reach.Indeterminate {
				assert.Contains(t, last.Reason(), "nat-a", r.Text())
				assert.Contains(t, last.Missing, "nat-a", r.Text())
			}
		})
	}
	p, err := m.Ports(reach.PortsQuery{From: "v6", To: "64:ff9b::a00:2", Protocol: flow.UDP})
	require.NoError(t, err)
	assert.True(t, p.Indeterminate.Contains(53), p)
	assert.False(t, p.Open.Contains(53), p)
}

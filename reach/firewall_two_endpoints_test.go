package reach_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// Two endpoints of one firewall, the request through one and the reply
// through the other (the public subnet routes out through vpce-fw, the
// internet gateway's edge route table sends the reply through vpce-fw2):
// each endpoint sees one leg of the session, so each crossing is one-way,
// and neither reason claims the other leg crosses its endpoint as
// another flow. TCP is dropped at both (the stateful engine has no state
// for either half); UDP is undecided at both (the engine opens a flow of
// its own for each half, and the policy's default drop reads whether a
// flow is established).
func TestFirewallAsymmetricAcrossEndpoints(t *testing.T) {
	d := sample.ThreeTierDesign()
	d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-fw2", Name: "firewall-2", VPC: "vpc-demo", CIDRs: pfxs("10.0.9.0/24"), RouteTable: "rtb-fw"})
	d.Firewalls[0].Endpoints = append(d.Firewalls[0].Endpoints, reach.FirewallEndpointSpec{ID: "vpce-fw2", Subnet: "subnet-fw2"})
	for i := range d.RouteTables {
		if d.RouteTables[i].ID == "rtb-edge" {
			d.RouteTables[i].Routes[0].TargetID = "vpce-fw2" // 10.0.1.0/24
		}
	}
	m, err := d.Builder().Build()
	require.NoError(t, err)
	for _, tc := range []struct {
		proto flow.Protocol
		want  reach.Outcome
	}{
		{flow.TCP, reach.Unreachable},
		{flow.UDP, reach.Indeterminate},
	} {
		q := reach.Query{From: "web-1", To: "8.8.8.8", Protocol: tc.proto, Port: 443}
		if tc.proto == flow.TCP {
			q.Domain = "updates.example.com"
		}
		r := check(t, m, q)
		msg := fmt.Sprintf("%s:\n%s", tc.proto, r.Text())
		require.Equal(t, tc.want, r.Outcome, msg)
		want := map[reach.Leg]string{
			reach.Forward: "the request passes firewall endpoint vpce-fw but the reply does not",
			reach.Return:  "the reply passes firewall endpoint vpce-fw2 but the request does not",
		}
		for leg, hops := range [][]reach.Hop{r.Forward, r.Return} {
			i := slices.IndexFunc(hops, func(h reach.Hop) bool { return h.Kind == reach.KindFirewall })
			require.GreaterOrEqual(t, i, 0, msg)
			h := hops[i]
			assert.Contains(t, h.Reason(), want[reach.Leg(leg)], msg)
			assert.NotContains(t, h.Reason(), "another flow", msg)
			assert.Equal(t, reach.AsymmetricRoute, h.Code, msg)
		}
	}
}

package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// TestRouteStateAndTargets: a route is read as describe-route-tables
// prints it, or refused. A State the CLI does not print (API_Route:
// active | blackhole) leaves open whether the route carries traffic, and
// a route naming two targets leaves open where it leads: each is an error
// naming the route, never read as an active route. A blackhole route
// whose target is a peering connection drops what it matches, as every
// blackhole does, never sends it across the peering.
func TestRouteStateAndTargets(t *testing.T) {
	q := reach.Query{From: "eni-a", To: "54.231.1.1", Protocol: flow.TCP, Port: 443}
	for _, tc := range []struct {
		name, route string
		err         string // "" when it loads
	}{
		{"a State the CLI does not print", `{"DestinationCidrBlock": "54.231.0.0/16", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "pending"}`,
			`route-tables.json: RouteTables[0].Routes[4].State (rtb-main): "pending": invalid AWS CLI output: unknown route state`},
		{"two targets", `{"DestinationCidrBlock": "54.231.0.0/16", "GatewayId": "igw-1", "NatGatewayId": "nat-1", "Origin": "CreateRoute", "State": "active"}`,
			`route-tables.json: RouteTables[0].Routes[4] (rtb-main): invalid AWS CLI output: the route names two targets`},
		{"a blackhole to a peering connection", `{"DestinationCidrBlock": "54.231.0.0/16", "VpcPeeringConnectionId": "pcx-1", "Origin": "CreateRoute", "State": "blackhole"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, rep, err := dualLoad(dualFS(func(f map[string]string) {
				dualPublicA(f)
				dualRoute(f, tc.route)
			}))
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err, "warnings: %v", rep.Warnings)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			last := r.Forward[len(r.Forward)-1]
			assert.Equal(t, reach.BlackholeRoute, last.Code, r.Text())
		})
	}
}

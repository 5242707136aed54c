package aws_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A route whose State is blackhole drops what it matches whatever its
// target was (API_Route, state: "blackhole ... the route's target isn't
// available",
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html;
// every field of API_Route, the target fields included, is "Required:
// No"). One that names no target (with or without InstanceOwnerId, the
// owner of a NAT instance that was terminated) used to refuse the whole
// load ("the route names no target"), though modelling it needs no
// target. It loads as a blackhole: the query it matches is UNREACHABLE
// (BLACKHOLE_ROUTE), never answered by the less specific 0.0.0.0/0 ->
// igw-1, and the trace says the route names no target.
func TestBlackholeRouteWithoutTarget(t *testing.T) {
	q := reach.Query{From: "eni-a", To: "54.231.1.1", Protocol: flow.TCP, Port: 443}
	for _, tc := range []struct{ name, route string }{
		{"no target field at all",
			`{"DestinationCidrBlock": "54.231.0.0/16", "Origin": "CreateRoute", "State": "blackhole"}`},
		{"only InstanceOwnerId (a terminated NAT instance's owner)",
			`{"DestinationCidrBlock": "54.231.0.0/16", "InstanceOwnerId": "111122223333", "Origin": "CreateRoute", "State": "blackhole"}`},
		{"an empty target field",
			`{"DestinationCidrBlock": "54.231.0.0/16", "GatewayId": "", "Origin": "CreateRoute", "State": "blackhole"}`},
		{"only a key the reader does not read, whose value is no string",
			`{"DestinationCidrBlock": "54.231.0.0/16", "FutureFlag": false, "Origin": "CreateRoute", "State": "blackhole"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, rep, err := dualLoad(dualFS(func(f map[string]string) {
				dualPublicA(f)
				dualRoute(f, tc.route)
			}))
			require.NoError(t, err, "a blackhole route needs no target to be modelled; warnings: %v", rep.Warnings)
			if strings.Contains(tc.route, "FutureFlag") { // a key API_Route does not have: named
				assert.Equal(t, []string{`route-tables.json: RouteTables[0].Routes[4]: unknown key "FutureFlag" ignored: the AWS API has no such member here`}, rep.Warnings)
			} else {
				assert.Empty(t, rep.Warnings)
			}
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), reach.BlackholeRoute)
			assert.Contains(t, r.Text(), "a blackhole route whose target no longer exists (the input names none)")
			last := r.Forward[len(r.Forward)-1]
			assert.Equal(t, reach.BlackholeRoute, last.Code)
			assert.Equal(t, "54.231.0.0/16 via blackhole", last.Rule)
		})
	}
}

// A key of a route the reader does not read whose value is no string
// (false, a number, [], {}) is no target ID: it used to be taken for one
// ("route 54.231.0.0/16 -> false (target in FutureFlag)"), which turned
// an active route without a target into an unmodelled one instead of the
// error such a route is. It is passed over with a warning, as unknown
// keys of other elements are; the error of a route left without a target
// names it.
func TestRouteUnreadKeyNotString(t *testing.T) {
	for _, tc := range []struct{ name, value string }{
		{"false", `false`},
		{"a number", `1`},
		{"an empty list", `[]`},
		{"an object", `{"Id": "fgw-1"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Run("beside no target", func(t *testing.T) {
				_, _, err := dualLoad(dualFS(func(f map[string]string) {
					dualRoute(f, `{"DestinationCidrBlock": "54.231.0.0/16", "FutureKey": `+tc.value+`, "Origin": "CreateRoute", "State": "active"}`)
				}))
				require.Error(t, err)
				assert.Contains(t, err.Error(), `route-tables.json: RouteTables[0].Routes[4] (rtb-main): invalid AWS CLI output: the route names no target`)
				assert.Contains(t, err.Error(), `FutureKey holds `+strings.Fields(tc.value)[0])
			})
			t.Run("beside a target", func(t *testing.T) {
				r, warnings := dualCheck(t, dualFS(func(f map[string]string) {
					dualPublicA(f)
					dualRoute(f, `{"DestinationCidrBlock": "54.231.0.0/16", "GatewayId": "igw-1", "FutureKey": `+tc.value+`, "Origin": "CreateRoute", "State": "active"}`)
				}), reach.Query{From: "eni-a", To: "54.231.1.1", Protocol: flow.TCP, Port: 443})
				assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
				assert.Equal(t, []string{`route-tables.json: RouteTables[0].Routes[4]: unknown key "FutureKey" ignored: the AWS API has no such member here`}, warnings)
			})
		})
	}
}

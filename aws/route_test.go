package aws_test

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// routeQuery leaves the sample's app subnet for the internet, through its
// table rtb-private (0.0.0.0/0 via nat-demo).
// routeQuery names an allowlisted domain: without one the firewall's
// domain allowlist leaves the answer undecided.
var routeQuery = reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, Domain: "www.example.com"}

// addRoutes appends routes to the sample's rtb-private, and a prefix list
// pl-0web holding 93.184.216.0/24.
func addRoutes(t *testing.T, routes ...string) fstest.MapFS {
	fsys := loadSampleFS(t)
	fsys["aws/pl-0web.json"] = &fstest.MapFile{Data: []byte(`{"PrefixLists": [{"PrefixListId": "pl-0web", "PrefixListName": "web", "AddressFamily": "IPv4", "MaxEntries": 5, "State": "create-complete"}], "Entries": [{"Cidr": "93.184.216.0/24"}]}`)}
	loadEdit(t, fsys, "aws/route-tables.json", func(doc map[string]any) {
		for _, r := range routes {
			loadAppend(doc, loadJSON(r), "RouteTables", 1, "Routes")
		}
	})
	return fsys
}

const (
	staticToNAT     = `{"DestinationCidrBlock": "93.184.216.0/24", "NatGatewayId": "nat-demo", "Origin": "CreateRoute", "State": "active"}`
	listToNAT       = `{"DestinationPrefixListId": "pl-0web", "NatGatewayId": "nat-demo", "Origin": "CreateRoute", "State": "active"}`
	propagatedToVGW = `{"DestinationCidrBlock": "93.184.216.0/24", "GatewayId": "vgw-0123456789abcdef0", "Origin": "EnableVgwRoutePropagation", "State": "active"}`
)

// AWS's route priority among routes of the same prefix
// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html):
// a static route, then a prefix-list route, then a route a virtual private
// gateway propagated (describe-route-tables' Origin
// EnableVgwRoutePropagation), whatever their order in the table.
func TestLoadRoutePriority(t *testing.T) {
	base, _, err := aws.LoadFS(loadSampleFS(t), "aws")
	require.NoError(t, err)
	want, err := base.Check(routeQuery)
	require.NoError(t, err)
	require.NotEqual(t, reach.Indeterminate, want.Outcome, want.Text())

	tests := []struct {
		name   string
		routes []string
		viaNAT bool   // the packet goes on to nat-demo, as without the routes; else the unmodelled vgw is indeterminate
		rule   string // the rule of rtb-private's hop
	}{
		{"a static route beats a propagated one of the same CIDR", []string{staticToNAT, propagatedToVGW},
			true, "93.184.216.0/24 via nat-demo"},
		{"whatever their order", []string{propagatedToVGW, staticToNAT},
			true, "93.184.216.0/24 via nat-demo"},
		{"a prefix-list route beats a propagated one of the same prefix", []string{propagatedToVGW, listToNAT},
			true, "pl-0web (93.184.216.0/24) via nat-demo"},
		{"a propagated route more specific than the static default route wins", []string{propagatedToVGW},
			false, "93.184.216.0/24 via vgw-0123456789abcdef0 (propagated)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, report, err := aws.LoadFS(addRoutes(t, tc.routes...), "aws")
			require.NoError(t, err, "report: %v", report)
			got, err := m.Check(routeQuery)
			require.NoError(t, err)
			if tc.viaNAT {
				require.Equal(t, want.Outcome, got.Outcome, got.Text())
				require.Equal(t, hopIDs(want.Forward), hopIDs(got.Forward), got.Text())
			} else {
				require.Equal(t, reach.Indeterminate, got.Outcome, got.Text())
				require.Contains(t, got.Codes(), reach.UnmodelledTarget)
			}
			i := slices.IndexFunc(got.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindRouteTable })
			require.GreaterOrEqual(t, i, 0, got.Text())
			require.Equal(t, "rtb-private", got.Forward[i].ID)
			require.Equal(t, tc.rule, got.Forward[i].Rule, got.Text())
		})
	}
}

// A route's Origin the loader does not know, and two routes a table
// cannot hold, are errors naming the file and the JSON path.
func TestLoadRouteOriginErrors(t *testing.T) {
	tests := []struct {
		name     string
		routes   []string
		sentinel error
		want     string
	}{
		{"an unknown origin", []string{`{"DestinationCidrBlock": "93.184.216.0/24", "NatGatewayId": "nat-demo", "Origin": "Manual", "State": "active"}`},
			aws.ErrInvalidDump, `aws/route-tables.json: RouteTables[1].Routes[3].Origin (rtb-private): "Manual": invalid AWS CLI output: unknown route origin: describe-route-tables prints CreateRouteTable, CreateRoute or EnableVgwRoutePropagation`},
		{"two propagated routes of one CIDR", []string{propagatedToVGW, propagatedToVGW},
			reach.ErrTopology, `aws/route-tables.json: RouteTables[1].Routes[4] (rtb-private): "93.184.216.0/24": invalid topology: destination already routed by Routes[3]`},
		{"two static routes of one CIDR", []string{staticToNAT, staticToNAT},
			reach.ErrTopology, `aws/route-tables.json: RouteTables[1].Routes[4] (rtb-private): "93.184.216.0/24": invalid topology: destination already routed by Routes[3]`},
		{"a propagated prefix list", []string{`{"DestinationPrefixListId": "pl-0web", "GatewayId": "vgw-0123456789abcdef0", "Origin": "EnableVgwRoutePropagation", "State": "active"}`},
			reach.ErrTopology, `aws/route-tables.json: RouteTables[1].Routes[3].DestinationPrefixListId (rtb-private): "pl-0web": invalid topology: a propagated route has a CIDR destination: AWS propagates no prefix list`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := aws.LoadFS(addRoutes(t, tc.routes...), "aws")
			require.ErrorIs(t, err, tc.sentinel)
			faults := loadFaults(t, err)
			require.Len(t, faults, 1, "%v", err)
			require.Equal(t, tc.want, faults[0].Error())
		})
	}
}

// hopIDs names a leg's hops, kind and ID.
func hopIDs(hs []reach.Hop) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = string(h.Kind) + " " + h.ID
	}
	return out
}

package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// A gateway route table (a table edge-associated with an internet
// gateway) takes only routes to local, a network interface or a Gateway
// Load Balancer endpoint (a firewall endpoint is one), for the whole VPC
// block or a whole subnet block, with no prefix list and no propagation;
// AWS refuses the association otherwise (Amazon VPC User Guide, "Gateway
// route tables", Rules and considerations).
func TestGatewayRouteTableRules(t *testing.T) {
	tests := []struct {
		name  string
		route reach.Route
		list  *reach.PrefixList
		err   string // "" when Build accepts it
	}{
		{"a route to a NAT gateway", reach.Route{Destination: bp("10.0.2.0/24"), Target: reach.TargetNATGateway, TargetID: "nat-demo"}, nil,
			`routeTables[0].Routes[2].TargetID (rtb-edge): "nat-demo"`},
		{"a route to the internet gateway itself, outside the VPC", reach.Route{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-demo"}, nil,
			`"igw-demo"`},
		{"a route outside the VPC's blocks to a firewall endpoint", reach.Route{Destination: bp("192.0.2.0/24"), Target: reach.TargetFirewallEndpoint, TargetID: "vpce-fw"}, nil,
			`routeTables[0].Routes[2].Destination (rtb-edge): "192.0.2.0/24"`},
		{"a route to a part of a subnet, not its whole block", reach.Route{Destination: bp("10.0.2.0/28"), Target: reach.TargetFirewallEndpoint, TargetID: "vpce-fw"}, nil,
			`"10.0.2.0/28"`},
		{"a route by prefix list", reach.Route{PrefixList: "pl-app", Target: reach.TargetFirewallEndpoint, TargetID: "vpce-fw"},
			&reach.PrefixList{ID: "pl-app", Entries: []netip.Prefix{bp("10.0.2.0/24")}}, `routeTables[0].Routes[2].PrefixList (rtb-edge): "pl-app"`},
		{"a propagated route", reach.Route{Destination: bp("10.0.2.0/24"), Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway", Propagated: true}, nil,
			`routeTables[0].Routes[2].Propagated (rtb-edge): "vgw-1"`},
		{"a whole subnet block to a firewall endpoint", reach.Route{Destination: bp("10.0.2.0/24"), Target: reach.TargetFirewallEndpoint, TargetID: "vpce-fw"}, nil, ""},
		{"a whole subnet block to a network interface", reach.Route{Destination: bp("10.0.2.0/24"), Target: reach.TargetInterface, TargetID: "eni-app1"}, nil, ""},
		{"a whole subnet block to a Gateway Load Balancer endpoint", reach.Route{Destination: bp("10.0.2.0/24"), Target: reach.TargetUnmodelled, TargetID: "vpce-gwlb", TargetType: "VPC endpoint"}, nil, ""},
		{"a route whose target vanished", reach.Route{Destination: bp("10.0.2.0/24"), Target: reach.TargetBlackhole, TargetID: "eni-gone"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			addRoute(d, rtEdge, tt.route)
			b := d.Builder()
			if tt.list != nil {
				b.AddPrefixList(*tt.list)
			}
			_, err := b.Build()
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err, "AWS does not associate a route table holding %+v with an internet gateway", tt.route)
			assert.Contains(t, err.Error(), tt.err)
			assert.Contains(t, err.Error(), "gateway route table (edge-associated with igw-demo)")
		})
	}
}

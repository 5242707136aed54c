package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// specificDesign: vpc-1 10.0.0.0/16 + 2001:db8:1::/56 with igw-1;
// subnet-web 10.0.2.0/24 + 2001:db8:1:2::/64, subnet-ap 10.0.3.0/24 with
// the appliance eni-ap, subnet-nat 10.0.4.0/24 with nat-1 and the
// firewall endpoint vpce-fw; subnet-priv 10.0.5.0/24 uses rtb-priv, to
// which each case adds a route.
func specificDesign() *sample.Design {
	pfx, ip := netip.MustParsePrefix, netip.MustParseAddr
	return &sample.Design{
		VPCs:             []reach.VPC{{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.0.0/16"), pfx("2001:db8:1::/56")}, MainRouteTable: "rtb-main", DefaultACL: "acl-1"}},
		InternetGateways: []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}},
		RouteTables:      []reach.RouteTable{{ID: "rtb-main", VPC: "vpc-1"}, {ID: "rtb-priv", VPC: "vpc-1"}},
		ACLs:             []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", true)},
		Subnets: []reach.Subnet{
			{ID: "subnet-web", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.2.0/24"), pfx("2001:db8:1:2::/64")}},
			{ID: "subnet-ap", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.3.0/24")}},
			{ID: "subnet-nat", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.4.0/24")}},
			{ID: "subnet-priv", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.5.0/24")}, RouteTable: "rtb-priv"},
		},
		NATGateways: []reach.NATGateway{{ID: "nat-1", Subnet: "subnet-nat", PrivateIP: ip("10.0.4.100"), PublicIP: ip("54.0.0.100")}},
		Firewalls:   []reach.Firewall{{ID: "fw-1", VPC: "vpc-1", Policy: sample.Policy(), Endpoints: []reach.FirewallEndpointSpec{{ID: "vpce-fw", Subnet: "subnet-nat"}}}},
		Groups:      []sg.Group{{ID: "sg-1", VPCID: "vpc-1"}},
		Interfaces: []reach.Interface{
			{ID: "eni-ap", Subnet: "subnet-ap", PrivateIPs: []netip.Addr{ip("10.0.3.10")}, Groups: []string{"sg-1"}, SourceDestCheckDisabled: true},
		},
	}
}

// AWS VPC User Guide, "Subnet route tables", Rules and considerations: a
// route more specific than the local route must have as destination the
// whole CIDR block of a subnet of the VPC, and as target a NAT gateway, a
// network interface, a Gateway Load Balancer endpoint or a Network
// Firewall endpoint. Build refuses any other, naming the table, the route
// and the rule; it built them and the walk followed them.
func TestMoreSpecificThanLocalRoute(t *testing.T) {
	r := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: netip.MustParsePrefix(dst), Target: k, TargetID: id}
	}
	unmod := func(dst, id, typ string) reach.Route {
		return reach.Route{Destination: netip.MustParsePrefix(dst), Target: reach.TargetUnmodelled, TargetID: id, TargetType: typ}
	}
	for _, tc := range []struct {
		name  string
		route reach.Route
		err   string // "" when AWS takes it
	}{
		{"whole subnet to an appliance", r("10.0.2.0/24", reach.TargetInterface, "eni-ap"), ""},
		{"whole subnet to a NAT gateway", r("10.0.2.0/24", reach.TargetNATGateway, "nat-1"), ""},
		{"whole subnet to a firewall endpoint", r("10.0.2.0/24", reach.TargetFirewallEndpoint, "vpce-fw"), ""},
		{"whole subnet to a Gateway Load Balancer endpoint", unmod("10.0.2.0/24", "vpce-gwlb", "Gateway Load Balancer endpoint"), ""},
		{"whole IPv6 subnet block to an appliance", r("2001:db8:1:2::/64", reach.TargetInterface, "eni-ap"), ""},
		{"a vanished target (blackhole) is kept as AWS shows it", r("10.0.2.0/25", reach.TargetBlackhole, "eni-gone"), ""},
		{"the VPC's block (a replaced local route)", r("10.0.0.0/16", reach.TargetInterface, "eni-ap"), ""},
		{"wider than the VPC", r("10.0.0.0/8", reach.TargetInternetGateway, "igw-1"), ""},
		{"part of a subnet", r("10.0.2.0/25", reach.TargetInterface, "eni-ap"), "the whole CIDR block of a subnet of vpc-1, which 10.0.2.0/25 is not"},
		{"a host of a subnet", r("10.0.2.10/32", reach.TargetInterface, "eni-ap"), "10.0.2.10/32 is not"},
		{"two subnets' supernet", r("10.0.2.0/23", reach.TargetInterface, "eni-ap"), "10.0.2.0/23 is not"},
		{"a block of no subnet", r("10.0.9.0/24", reach.TargetInterface, "eni-ap"), "10.0.9.0/24 is not"},
		{"part of an IPv6 subnet block", r("2001:db8:1:2::/80", reach.TargetInterface, "eni-ap"), "2001:db8:1:2::/80 is not"},
		{"whole subnet to the internet gateway", r("10.0.2.0/24", reach.TargetInternetGateway, "igw-1"), "not to internet-gateway (igw-1)"},
		{"whole subnet to a virtual private gateway", unmod("10.0.2.0/24", "vgw-1", "virtual private gateway"), "not to virtual private gateway (vgw-1)"},
		{"whole subnet to a peering connection", unmod("10.0.2.0/24", "pcx-1", "peering connection"), "not to peering connection (pcx-1)"},
	} {
		for _, table := range []int{0, 1} { // the main table, a subnet's
			t.Run(tc.name, func(t *testing.T) {
				d := specificDesign()
				d.RouteTables[table].Routes = append(d.RouteTables[table].Routes, tc.route)
				_, err := d.Builder().Build()
				if tc.err == "" {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, reach.ErrTopology)
				id := d.RouteTables[table].ID
				assert.Contains(t, err.Error(), "routeTables["+string(rune('0'+table))+"].Routes[0]")
				assert.Contains(t, err.Error(), "("+id+")")
				assert.Contains(t, err.Error(), "route "+tc.route.Destination.String()+" -> ")
				assert.Contains(t, err.Error(), "more specific than the local route")
				assert.Contains(t, err.Error(), tc.err)
			})
		}
	}
}

// A gateway route table keeps its own rules (gatewaytable.go): the whole
// block of a subnet to an appliance is taken there too, and nothing here
// applies to it twice.
func TestMoreSpecificThanLocalGatewayTable(t *testing.T) {
	d := specificDesign()
	d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-edge", VPC: "vpc-1", Gateways: []string{"igw-1"},
		Routes: []reach.Route{{Destination: netip.MustParsePrefix("10.0.2.0/24"), Target: reach.TargetInterface, TargetID: "eni-ap"}}})
	_, err := d.Builder().Build()
	require.NoError(t, err)
}

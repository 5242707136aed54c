// The designs reach.Builder rejects and how it reports their faults
// (every problem at once, each where it is, no follow-on faults), with the
// demo design's part indexes and the helpers that break it.
// builder_accept_test.go holds the designs it accepts.

package reach_test

import (
	"net/netip"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// The demo design's parts, by index (see sample.ThreeTierDesign).
const (
	rtEdge, rtFW, rtPublic, rtPrivate    = 0, 1, 2, 3
	snFW, snPublic, snApp, snDB          = 0, 1, 2, 3
	aclDefault, aclPublic, aclApp, aclDB = 0, 1, 2, 3
	ifWeb, ifApp, ifDB                   = 0, 1, 2
	grWeb, grApp, grDB                   = 0, 1, 2
)

func bp(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func ba(s string) netip.Addr { return netip.MustParseAddr(s) }

// fault is one *flow.InputError a bad design must produce: the resource,
// the field path and the offending text, exactly.
type fault struct{ Resource, Path, Text string }

// designFaults splits Build's joined error into its *flow.InputErrors,
// checking that each wraps reach.ErrTopology.
func designFaults(t *testing.T, err error) []*flow.InputError {
	t.Helper()
	require.Error(t, err)
	joined, ok := err.(interface{ Unwrap() []error })
	require.True(t, ok, "Build joins its errors with errors.Join: %T", err)
	var out []*flow.InputError
	for _, e := range joined.Unwrap() {
		var ie *flow.InputError
		if assert.ErrorAs(t, e, &ie, "every fault is a *flow.InputError") {
			out = append(out, ie)
		}
		assert.ErrorIs(t, e, reach.ErrTopology, "every fault wraps ErrTopology")
	}
	return out
}

func faultsOf(ies []*flow.InputError) []fault {
	out := make([]fault, len(ies))
	for i, ie := range ies {
		out[i] = fault{ie.Resource, ie.Path, ie.Text}
	}
	return out
}

// otherVPC adds vpc-other (10.1.0.0/16) with main route table rtb-other
// (RouteTables[4]), default ACL acl-other (ACLs[4]) and subnet-other
// 10.1.0.0/24 (Subnets[4]).
func otherVPC(d *sample.Design) {
	d.VPCs = append(d.VPCs, reach.VPC{ID: "vpc-other", CIDRs: []netip.Prefix{bp("10.1.0.0/16")}, MainRouteTable: "rtb-other", DefaultACL: "acl-other"})
	d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-other", VPC: "vpc-other"})
	d.ACLs = append(d.ACLs, nacl.NewDefault("acl-other", "vpc-other", false))
	d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-other", VPC: "vpc-other", CIDRs: []netip.Prefix{bp("10.1.0.0/24")}})
}

// extraSubnet adds a subnet of vpc-demo (Subnets[4]).
func extraSubnet(d *sample.Design, id string, cidrs ...string) {
	s := reach.Subnet{ID: id, VPC: "vpc-demo"}
	for _, c := range cidrs {
		s.CIDRs = append(s.CIDRs, bp(c))
	}
	d.Subnets = append(d.Subnets, s)
}

// extraInterface adds an interface (Interfaces[3]) in sg-db.
func extraInterface(d *sample.Design, subnet string, public string, addrs ...string) {
	in := reach.Interface{ID: "eni-extra", Subnet: subnet, Groups: []string{"sg-db"}}
	for _, a := range addrs {
		in.PrivateIPs = append(in.PrivateIPs, ba(a))
	}
	if public != "" {
		in.PublicIP = ba(public)
	}
	d.Interfaces = append(d.Interfaces, in)
}

func addRoute(d *sample.Design, table int, r reach.Route) {
	d.RouteTables[table].Routes = append(d.RouteTables[table].Routes, r)
}

func TestBuildRejectsBadDesigns(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *sample.Design)
		want   []fault
		says   string // a phrase of the message
	}{
		{
			name:   "a second VPC with an ID already used",
			change: func(d *sample.Design) { d.VPCs = append(d.VPCs, d.VPCs[0]) },
			want:   []fault{{"vpc-demo", "vpcs[1].ID", "vpc-demo"}},
			says:   "ID already used by vpcs[0]",
		},
		{
			name: "a second interface with an ID already used",
			change: func(d *sample.Design) {
				extraInterface(d, "subnet-db", "", "10.0.3.31")
				d.Interfaces[3].ID = "eni-db1"
			},
			want: []fault{{"eni-db1", "interfaces[3].ID", "eni-db1"}},
			says: "ID already used by interfaces[2]",
		},
		{
			name:   "a second security group with an ID already used",
			change: func(d *sample.Design) { d.Groups = append(d.Groups, sg.New("sg-db", "db again", "vpc-demo", false)) },
			want:   []fault{{"sg-db", "groups[3].ID", "sg-db"}},
			says:   "ID already used by groups[2]",
		},
		{
			name: "a second route table with an ID already used",
			change: func(d *sample.Design) {
				d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-fw", VPC: "vpc-demo"})
			},
			want: []fault{{"rtb-fw", "routeTables[4].ID", "rtb-fw"}},
			says: "ID already used by routeTables[1]",
		},
		{
			name:   "a subnet without an ID",
			change: func(d *sample.Design) { extraSubnet(d, "", "10.0.9.0/24") },
			want:   []fault{{"", "subnets[4].ID", ""}},
			says:   "subnet has no ID",
		},
		{
			name:   "a security group without an ID",
			change: func(d *sample.Design) { d.Groups = append(d.Groups, sg.Group{Name: "nameless"}) },
			want:   []fault{{"", "groups[3].ID", ""}},
			says:   "group has no ID",
		},
		{
			name:   "an ID with a space in it",
			change: func(d *sample.Design) { d.NATGateways[0].ID = "nat demo" },
			want: []fault{
				{"nat demo", "natGateways[0].ID", "nat demo"},
				// The private route table still names nat-demo.
				{"rtb-private", "routeTables[3].Routes[0].TargetID", "nat-demo"},
			},
			says: "IDs have no spaces",
		},
		{
			name: "a subnet in an unknown VPC",
			change: func(d *sample.Design) {
				d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-x", VPC: "vpc-nope", CIDRs: []netip.Prefix{bp("10.0.9.0/24")}})
			},
			want: []fault{{"subnet-x", "subnets[4].VPC", "vpc-nope"}},
			says: "unknown VPC",
		},
		{
			name: "a route table of an unknown VPC",
			change: func(d *sample.Design) {
				d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-x", VPC: "vpc-nope"})
			},
			want: []fault{{"rtb-x", "routeTables[4].VPC", "vpc-nope"}},
			says: "unknown VPC",
		},
		{
			name:   "a network ACL of an unknown VPC",
			change: func(d *sample.Design) { d.ACLs = append(d.ACLs, nacl.NewCustom("acl-x", "vpc-nope")) },
			want:   []fault{{"acl-x", "acls[4].VPCID", "vpc-nope"}},
			says:   "unknown VPC",
		},
		{
			name: "an internet gateway attached to an unknown VPC",
			change: func(d *sample.Design) {
				d.InternetGateways = append(d.InternetGateways, reach.InternetGatewaySpec{ID: "igw-x", VPC: "vpc-nope"})
			},
			want: []fault{{"igw-x", "internetGateways[1].VPC", "vpc-nope"}},
			says: "unknown VPC",
		},
		{
			name:   "a firewall in an unknown VPC",
			change: func(d *sample.Design) { d.Firewalls[0].VPC = "vpc-nope" },
			want: []fault{
				{"fw-demo", "firewalls[0].VPC", "vpc-nope"},
				// Its endpoint is then unknown to the routes that name it.
				{"rtb-edge", "routeTables[0].Routes[0].TargetID", "vpce-fw"},
				{"rtb-edge", "routeTables[0].Routes[1].TargetID", "vpce-fw"},
				{"rtb-public", "routeTables[2].Routes[0].TargetID", "vpce-fw"},
				{"rtb-public", "routeTables[2].Routes[1].TargetID", "vpce-fw"},
			},
			says: "unknown VPC",
		},
		{
			name:   "an interface in an unknown subnet",
			change: func(d *sample.Design) { d.Interfaces[ifDB].Subnet = "subnet-nope" },
			want:   []fault{{"eni-db1", "interfaces[2].Subnet", "subnet-nope"}},
			says:   "unknown subnet",
		},
		{
			name:   "a NAT gateway in an unknown subnet",
			change: func(d *sample.Design) { d.NATGateways[0].Subnet = "subnet-nope" },
			want: []fault{
				{"nat-demo", "natGateways[0].Subnet", "subnet-nope"},
				{"rtb-private", "routeTables[3].Routes[0].TargetID", "nat-demo"},
			},
			says: "unknown subnet",
		},
		{
			name: "a firewall endpoint in an unknown subnet",
			change: func(d *sample.Design) {
				d.Firewalls[0].Endpoints = append(d.Firewalls[0].Endpoints, reach.FirewallEndpointSpec{ID: "vpce-2", Subnet: "subnet-nope"})
			},
			want: []fault{{"fw-demo", "firewalls[0].Endpoints[1].Subnet", "subnet-nope"}},
			says: "unknown subnet",
		},
		{
			name:   "a subnet naming an unknown route table",
			change: func(d *sample.Design) { d.Subnets[snDB].RouteTable = "rtb-nope" },
			want:   []fault{{"subnet-db", "subnets[3].RouteTable", "rtb-nope"}},
			says:   "unknown route table",
		},
		{
			name:   "a VPC whose main route table is unknown",
			change: func(d *sample.Design) { d.VPCs[0].MainRouteTable = "rtb-nope" },
			want: []fault{
				{"vpc-demo", "vpcs[0].MainRouteTable", "rtb-nope"},
				// The subnets that would use it have none.
				{"subnet-app", "subnets[2].RouteTable", ""},
				{"subnet-db", "subnets[3].RouteTable", ""},
			},
			says: "unknown route table",
		},
		{
			name:   "a subnet naming an unknown network ACL",
			change: func(d *sample.Design) { d.Subnets[snApp].ACL = "acl-nope" },
			want:   []fault{{"subnet-app", "subnets[2].ACL", "acl-nope"}},
			says:   "unknown network ACL",
		},
		{
			name:   "a VPC whose default network ACL is unknown",
			change: func(d *sample.Design) { d.VPCs[0].DefaultACL = "acl-nope" },
			want: []fault{
				{"vpc-demo", "vpcs[0].DefaultACL", "acl-nope"},
				{"subnet-fw", "subnets[0].ACL", ""}, // the only subnet without an ACL of its own
			},
			says: "unknown network ACL",
		},
		{
			name:   "an interface in an unknown security group",
			change: func(d *sample.Design) { d.Interfaces[ifApp].Groups = append(d.Interfaces[ifApp].Groups, "sg-nope") },
			want:   []fault{{"eni-app1", "interfaces[1].Groups[1]", "sg-nope"}},
			says:   "unknown security group",
		},
		{
			name: "a route to an unknown internet gateway",
			change: func(d *sample.Design) {
				d.RouteTables[rtFW].Routes[0].TargetID = "igw-nope"
			},
			want: []fault{{"rtb-fw", "routeTables[1].Routes[0].TargetID", "igw-nope"}},
			says: "no internet gateway igw-nope attached to vpc-demo",
		},
		{
			name:   "an edge association with an unknown internet gateway",
			change: func(d *sample.Design) { d.RouteTables[rtEdge].Gateways = []string{"igw-nope"} },
			want:   []fault{{"rtb-edge", "routeTables[0].Gateways[0]", "igw-nope"}},
			says:   "unknown internet gateway",
		},
		{
			name:   "a route to an unknown NAT gateway",
			change: func(d *sample.Design) { d.RouteTables[rtPrivate].Routes[0].TargetID = "nat-nope" },
			want:   []fault{{"rtb-private", "routeTables[3].Routes[0].TargetID", "nat-nope"}},
			says:   "no NAT gateway nat-nope in vpc-demo",
		},
		{
			name:   "a route to an unknown firewall endpoint",
			change: func(d *sample.Design) { d.RouteTables[rtPublic].Routes[1].TargetID = "vpce-nope" },
			want:   []fault{{"rtb-public", "routeTables[2].Routes[1].TargetID", "vpce-nope"}},
			says:   "no firewall endpoint vpce-nope in vpc-demo",
		},
		{
			name: "a route to an unknown network interface",
			change: func(d *sample.Design) {
				addRoute(d, rtPrivate, reach.Route{Destination: bp("192.168.0.0/16"), Target: reach.TargetInterface, TargetID: "eni-nope"})
			},
			want: []fault{{"rtb-private", "routeTables[3].Routes[1].TargetID", "eni-nope"}},
			says: "no network interface eni-nope in vpc-demo",
		},
		{
			name: "a route to an unknown prefix list",
			change: func(d *sample.Design) {
				addRoute(d, rtPrivate, reach.Route{PrefixList: "pl-nope", Target: reach.TargetNATGateway, TargetID: "nat-demo"})
			},
			want: []fault{{"rtb-private", "routeTables[3].Routes[1].PrefixList", "pl-nope"}},
			says: "unknown prefix list",
		},
		{
			name:   "a subnet block outside its VPC",
			change: func(d *sample.Design) { extraSubnet(d, "subnet-x", "10.9.0.0/24") },
			want:   []fault{{"subnet-x", "subnets[4].CIDRs[0]", "10.9.0.0/24"}},
			says:   "outside every CIDR block of vpc-demo (10.0.0.0/16, 2001:db8:10::/56)",
		},
		{
			name:   "a subnet overlapping another",
			change: func(d *sample.Design) { extraSubnet(d, "subnet-x", "10.0.3.128/25") },
			want:   []fault{{"subnet-x", "subnets[4].CIDRs[0]", "10.0.3.128/25"}},
			says:   "overlaps subnet subnet-db (10.0.3.0/24)",
		},
		{
			name:   "a subnet with two IPv4 blocks",
			change: func(d *sample.Design) { extraSubnet(d, "subnet-x", "10.0.8.0/24", "10.0.9.0/24") },
			want:   []fault{{"subnet-x", "subnets[4].CIDRs", "10.0.8.0/24, 10.0.9.0/24"}},
			says:   "one IPv4 block and at most one IPv6 block",
		},
		{
			name:   "a subnet with no block at all",
			change: func(d *sample.Design) { extraSubnet(d, "subnet-x") },
			want:   []fault{{"subnet-x", "subnets[4].CIDRs", ""}},
			says:   "one IPv4 block and at most one IPv6 block",
		},
		{
			name:   "a subnet block that is no CIDR",
			change: func(d *sample.Design) { d.Subnets[snDB].CIDRs = append(d.Subnets[snDB].CIDRs, netip.Prefix{}) },
			want:   []fault{{"subnet-db", "subnets[3].CIDRs[1]", "invalid Prefix"}},
			says:   "not a CIDR block",
		},
		{
			name:   "an interface address outside its subnet",
			change: func(d *sample.Design) { extraInterface(d, "subnet-db", "", "10.0.4.5") },
			want:   []fault{{"eni-extra", "interfaces[3].PrivateIPs[0]", "10.0.4.5"}},
			says:   "outside subnet subnet-db (10.0.3.0/24)",
		},
		{
			name:   "an interface address already used by another interface",
			change: func(d *sample.Design) { extraInterface(d, "subnet-db", "", "10.0.3.30") },
			want:   []fault{{"eni-extra", "interfaces[3].PrivateIPs[0]", "10.0.3.30"}},
			says:   "address already used by eni-db1",
		},
		{
			name:   "an interface address already used by a NAT gateway",
			change: func(d *sample.Design) { extraInterface(d, "subnet-public", "", "10.0.1.100") },
			want:   []fault{{"nat-demo", "natGateways[0].PrivateIP", "10.0.1.100"}},
			says:   "address already used by eni-extra",
		},
		{
			name:   "a public IP already used by another interface",
			change: func(d *sample.Design) { extraInterface(d, "subnet-db", "203.0.113.10", "10.0.3.31") },
			want:   []fault{{"eni-extra", "interfaces[3].PublicIP", "203.0.113.10"}},
			says:   "address already used by eni-web1",
		},
		{
			name:   "an interface without a private address",
			change: func(d *sample.Design) { extraInterface(d, "subnet-db", "") },
			want:   []fault{{"eni-extra", "interfaces[3].PrivateIPs", ""}},
			says:   "an interface needs a private address",
		},
		{
			name:   "an IPv6 public IP",
			change: func(d *sample.Design) { extraInterface(d, "subnet-public", "2001:db8:ff::1", "10.0.1.50") },
			want:   []fault{{"eni-extra", "interfaces[3].PublicIP", "2001:db8:ff::1"}},
			says:   "public and Elastic IPs are IPv4",
		},
		{
			name:   "a public IP on an interface with no private IPv4 address",
			change: func(d *sample.Design) { extraInterface(d, "subnet-public", "203.0.113.50", "2001:db8:10:1::50") },
			want:   []fault{{"eni-extra", "interfaces[3].PublicIP", "203.0.113.50"}},
			says:   "the interface has none",
		},
		{
			name: "an interface without security groups",
			change: func(d *sample.Design) {
				extraInterface(d, "subnet-db", "", "10.0.3.31")
				d.Interfaces[3].Groups = nil
			},
			want: []fault{{"eni-extra", "interfaces[3].Groups", ""}},
			says: "an interface needs at least one security group",
		},
		{
			name: "a second internet gateway on one VPC",
			change: func(d *sample.Design) {
				d.InternetGateways = append(d.InternetGateways, reach.InternetGatewaySpec{ID: "igw-two", VPC: "vpc-demo"})
			},
			want: []fault{{"igw-two", "internetGateways[1].VPC", "vpc-demo"}},
			says: "vpc-demo already has internet gateway igw-demo",
		},
		{
			name: "a NAT gateway whose address is outside its subnet",
			change: func(d *sample.Design) {
				d.NATGateways[0].PrivateIP = ba("10.0.2.100")
			},
			want: []fault{{"nat-demo", "natGateways[0].PrivateIP", "10.0.2.100"}},
			says: "inside subnet subnet-public",
		},
		{
			name: "a route to a NAT gateway in another VPC",
			change: func(d *sample.Design) {
				otherVPC(d)
				addRoute(d, 4, reach.Route{Destination: bp("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-demo"})
			},
			want: []fault{{"rtb-other", "routeTables[4].Routes[0].TargetID", "nat-demo"}},
			says: "no NAT gateway nat-demo in vpc-other",
		},
		{
			name: "a route to an internet gateway of another VPC",
			change: func(d *sample.Design) {
				otherVPC(d)
				addRoute(d, 4, reach.Route{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-demo"})
			},
			want: []fault{{"rtb-other", "routeTables[4].Routes[0].TargetID", "igw-demo"}},
			says: "no internet gateway igw-demo attached to vpc-other",
		},
		{
			name: "a subnet using a route table of another VPC",
			change: func(d *sample.Design) {
				otherVPC(d)
				d.Subnets[4].RouteTable = "rtb-private"
			},
			want: []fault{{"subnet-other", "subnets[4].RouteTable", "rtb-private"}},
			says: "route table belongs to vpc-demo",
		},
		{
			name: "a subnet using a network ACL of another VPC",
			change: func(d *sample.Design) {
				otherVPC(d)
				d.Subnets[snDB].ACL = "acl-other"
			},
			want: []fault{{"subnet-db", "subnets[3].ACL", "acl-other"}},
			says: "network ACL belongs to vpc-other",
		},
		{
			name: "a VPC whose main route table belongs to another VPC",
			change: func(d *sample.Design) {
				otherVPC(d)
				d.VPCs[1].MainRouteTable = "rtb-private"
			},
			want: []fault{
				{"vpc-other", "vpcs[1].MainRouteTable", "rtb-private"},
				{"subnet-other", "subnets[4].RouteTable", ""},
			},
			says: "route table belongs to vpc-demo",
		},
		{
			name: "two routes to one destination",
			change: func(d *sample.Design) {
				addRoute(d, rtPrivate, reach.Route{Destination: bp("0.0.0.0/0"), Target: reach.TargetBlackhole, TargetID: "nat-gone"})
			},
			want: []fault{{"rtb-private", "routeTables[3].Routes[1]", "0.0.0.0/0"}},
			says: "destination already routed by Routes[0]",
		},
		{
			name: "two routes to one destination, one written with host bits",
			change: func(d *sample.Design) {
				addRoute(d, rtPrivate, reach.Route{Destination: bp("192.168.0.0/16"), Target: reach.TargetBlackhole})
				addRoute(d, rtPrivate, reach.Route{Destination: bp("192.168.7.7/16"), Target: reach.TargetBlackhole})
			},
			want: []fault{{"rtb-private", "routeTables[3].Routes[2]", "192.168.0.0/16"}},
			says: "destination already routed by Routes[1]",
		},
		{
			name: "two routes to one prefix list",
			change: func(d *sample.Design) {
				d.RouteTables[rtPrivate].Routes = append(d.RouteTables[rtPrivate].Routes,
					reach.Route{PrefixList: "pl-partners", Target: reach.TargetNATGateway, TargetID: "nat-demo"},
					reach.Route{PrefixList: "pl-partners", Target: reach.TargetBlackhole})
			},
			want: []fault{{"rtb-private", "routeTables[3].Routes[2]", "pl-partners"}},
			says: "destination already routed by Routes[1]",
		},
		{
			name: "two propagated routes to one destination",
			change: func(d *sample.Design) {
				vgw := reach.Route{Destination: bp("192.168.0.0/16"), Target: reach.TargetUnmodelled, TargetID: "vgw-1", Propagated: true}
				addRoute(d, rtPrivate, vgw)
				addRoute(d, rtPrivate, vgw)
			},
			want: []fault{{"rtb-private", "routeTables[3].Routes[2]", "192.168.0.0/16"}},
			says: "destination already routed by Routes[1]",
		},
		{
			name: "a propagated route to a prefix list",
			change: func(d *sample.Design) {
				addRoute(d, rtPrivate, reach.Route{PrefixList: "pl-partners", Target: reach.TargetUnmodelled, TargetID: "vgw-1", Propagated: true})
			},
			want: []fault{{"rtb-private", "routeTables[3].Routes[1].PrefixList", "pl-partners"}},
			says: "a propagated route has a CIDR destination: AWS propagates no prefix list",
		},
		{
			name: "a propagated local route",
			change: func(d *sample.Design) {
				addRoute(d, rtPrivate, reach.Route{Destination: bp("10.0.0.0/16"), Target: reach.TargetLocal, Propagated: true})
			},
			want: []fault{{"rtb-private", "routeTables[3].Routes[1].Propagated", "true"}},
			says: "a local route is not propagated",
		},
		{
			name: "a route with both a CIDR and a prefix list",
			change: func(d *sample.Design) {
				addRoute(d, rtPrivate, reach.Route{Destination: bp("192.168.0.0/16"), PrefixList: "pl-partners", Target: reach.TargetNATGateway, TargetID: "nat-demo"})
			},
			want: []fault{{"rtb-private", "routeTables[3].Routes[1]", "pl-partners"}},
			says: "a route has a CIDR or a prefix list, not both",
		},
		{
			name:   "a route with neither a CIDR nor a prefix list",
			change: func(d *sample.Design) { addRoute(d, rtPrivate, reach.Route{Target: reach.TargetBlackhole}) },
			want:   []fault{{"rtb-private", "routeTables[3].Routes[1].Destination", "invalid Prefix"}},
			says:   "not a CIDR block",
		},
		{
			name: "a local route outside the VPC",
			change: func(d *sample.Design) {
				addRoute(d, rtPrivate, reach.Route{Destination: bp("10.9.0.0/16"), Target: reach.TargetLocal})
			},
			want: []fault{{"rtb-private", "routeTables[3].Routes[1].Destination", "10.9.0.0/16"}},
			says: "a local route's destination is exactly a CIDR block of vpc-demo",
		},
		{
			name: "a route target after a malformed route",
			change: func(d *sample.Design) {
				d.RouteTables[rtPrivate].Routes = []reach.Route{
					{Destination: bp("192.168.0.0/16"), PrefixList: "pl-partners", Target: reach.TargetBlackhole},
					{Destination: bp("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-nope"},
				}
			},
			want: []fault{
				{"rtb-private", "routeTables[3].Routes[0]", "pl-partners"},
				{"rtb-private", "routeTables[3].Routes[1].TargetID", "nat-nope"},
			},
			says: "no NAT gateway nat-nope",
		},
		{
			name:   "a subnet without a route table when its VPC has no main one",
			change: func(d *sample.Design) { d.VPCs[0].MainRouteTable = "" },
			want: []fault{
				{"subnet-app", "subnets[2].RouteTable", ""},
				{"subnet-db", "subnets[3].RouteTable", ""},
			},
			says: "no route table, and vpc-demo has no main route table",
		},
		{
			name:   "a subnet without a network ACL when its VPC has no default one",
			change: func(d *sample.Design) { d.VPCs[0].DefaultACL = "" },
			want:   []fault{{"subnet-fw", "subnets[0].ACL", ""}},
			says:   "no network ACL, and vpc-demo has no default network ACL",
		},
		{
			name: "a firewall endpoint in another VPC's subnet",
			change: func(d *sample.Design) {
				otherVPC(d)
				d.Firewalls[0].Endpoints = append(d.Firewalls[0].Endpoints, reach.FirewallEndpointSpec{ID: "vpce-other", Subnet: "subnet-other"})
			},
			want: []fault{{"fw-demo", "firewalls[0].Endpoints[1].Subnet", "subnet-other"}},
			says: "subnet belongs to vpc-other, the firewall to vpc-demo",
		},
		{
			name: "a firewall without endpoints",
			change: func(d *sample.Design) {
				d.Firewalls = append(d.Firewalls, reach.Firewall{ID: "fw-idle", VPC: "vpc-demo", Policy: sample.Policy()})
			},
			want: []fault{{"fw-idle", "firewalls[1].Endpoints", ""}},
			says: "a firewall needs at least one endpoint",
		},
		{
			name: "a firewall endpoint ID used twice",
			change: func(d *sample.Design) {
				d.Firewalls[0].Endpoints = append(d.Firewalls[0].Endpoints, reach.FirewallEndpointSpec{ID: "vpce-fw", Subnet: "subnet-fw"})
			},
			want: []fault{{"fw-demo", "firewalls[0].Endpoints[1].ID", "vpce-fw"}},
			says: "endpoint ID already used",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			tt.change(d)
			b := d.Builder().AddPrefixList(reach.PrefixList{ID: "pl-partners", Entries: []netip.Prefix{bp("198.51.100.0/24")}})
			m, err := b.Build()
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.Nil(t, m, "no model from a bad design")
			got := designFaults(t, err)
			assert.ElementsMatch(t, tt.want, faultsOf(got))
			assert.Contains(t, err.Error(), tt.says)
			for _, w := range tt.want {
				if w.Text != "" {
					assert.Contains(t, err.Error(), strconv.Quote(w.Text), "the message quotes the offending text")
				}
			}
		})
	}
}

func TestBuildRejectsBadPrefixListsAndPolicies(t *testing.T) {
	t.Run("a prefix list entry that is no CIDR", func(t *testing.T) {
		b := sample.ThreeTier().AddPrefixList(reach.PrefixList{ID: "pl-x", Entries: []netip.Prefix{bp("10.0.0.0/8"), {}}})
		_, err := b.Build()
		assert.Equal(t, []fault{{"pl-x", "prefixLists[0].Entries[1]", "invalid Prefix"}}, faultsOf(designFaults(t, err)))
	})
	t.Run("a firewall policy that does not compile", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		d.Firewalls[0].Policy.Stateful.Groups[0].Group.RulesString = "pass tcp any any -> nowhere 443 (sid:1;)"
		_, err := d.Builder().Build()
		assert.Contains(t, faultsOf(designFaults(t, err)), fault{"fw-demo", "firewalls[0].Policy", ""},
			"the policy's own error quotes the rule (see TestBuildDoesNotReportFollowOnFaults for the rest)")
		assert.Contains(t, err.Error(), `"pass tcp any any -> nowhere 443 (sid:1;)"`)
		assert.ErrorIs(t, err, suricata.ErrSyntax)
	})
	t.Run("a network ACL that does not compile", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		d.ACLs[aclDB].Entries = append(d.ACLs[aclDB].Entries, d.ACLs[aclDB].Entries[0]) // rule 100 inbound twice
		_, err := d.Builder().Build()
		assert.Contains(t, faultsOf(designFaults(t, err)), fault{"acl-db", "acls[3]", ""},
			"nacl.Compile's own error names the entry (see TestBuildDoesNotReportFollowOnFaults for the rest)")
		assert.Contains(t, err.Error(), "Entries[2].Number")
		assert.ErrorIs(t, err, nacl.ErrDuplicateRule)
	})
}

func TestBuildReportsEveryProblemAtOnce(t *testing.T) {
	d := sample.ThreeTierDesign()
	d.Subnets[snDB].ACL = "acl-nope"                              // an unknown ACL
	extraInterface(d, "subnet-app", "", "10.0.2.20")              // an address used twice
	d.RouteTables[rtPrivate].Routes[0].TargetID = "nat-elsewhere" // an unknown NAT gateway
	_, err := d.Builder().Build()
	require.ErrorIs(t, err, reach.ErrTopology)
	assert.ElementsMatch(t, []fault{
		{"subnet-db", "subnets[3].ACL", "acl-nope"},
		{"eni-extra", "interfaces[3].PrivateIPs[0]", "10.0.2.20"},
		{"rtb-private", "routeTables[3].Routes[0].TargetID", "nat-elsewhere"},
	}, faultsOf(designFaults(t, err)), "three faults, three errors, in one Build")
}

// A security group rule that references a group the design lacks is found
// by sg.Compile, which Build runs per interface.
func TestBuildRejectsRulesReferencingUnknownGroups(t *testing.T) {
	withBadReference := func() *sample.Design {
		d := sample.ThreeTierDesign()
		d.Groups[grDB].Rules = append(d.Groups[grDB].Rules, sg.Rule{ID: "sgr-db-ghost", Direction: flow.Inbound, Protocol: flow.TCP,
			Ports: flow.Single[uint16](5432), ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-ghost")})
		return d
	}
	t.Run("the error names the group, the rule and the missing group", func(t *testing.T) {
		_, err := withBadReference().Builder().Build()
		require.ErrorIs(t, err, reach.ErrTopology)
		assert.ErrorIs(t, err, sg.ErrUnresolved)
		faults := designFaults(t, err)
		require.Len(t, faults, 1)
		assert.Contains(t, err.Error(), "sg-ghost")
		var inner *flow.InputError
		require.ErrorAs(t, faults[0].Err, &inner, "sg.Compile's own InputError is kept")
		assert.Equal(t, "sg-db", inner.Resource)
		assert.Equal(t, "sgr-db-ghost", inner.Rule)
		assert.Equal(t, "Rules[1]", inner.Path)
	})
	t.Run("the outer error names the group's place in the design", func(t *testing.T) {
		_, err := withBadReference().Builder().Build()
		faults := designFaults(t, err)
		require.Len(t, faults, 1)
		assert.Equal(t, "sg-db", faults[0].Resource)
		assert.Equal(t, "groups[2]", faults[0].Path, "like every other Build error, the path says which group")
	})
	t.Run("a reference to an unknown prefix list", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		d.Groups[grApp].Rules[0].Peer = sg.PrefixList("pl-ghost")
		_, err := d.Builder().Build()
		assert.ErrorIs(t, err, reach.ErrTopology)
		assert.ErrorIs(t, err, sg.ErrUnresolved)
		assert.Contains(t, err.Error(), "pl-ghost")
		assert.Len(t, designFaults(t, err), 1)
	})
	t.Run("one fault in a group shared by two interfaces is reported once", func(t *testing.T) {
		d := withBadReference()
		extraInterface(d, "subnet-db", "", "10.0.3.31") // also in sg-db
		_, err := d.Builder().Build()
		assert.Len(t, designFaults(t, err), 1, "one bad rule, one error: %v", err)
	})
	t.Run("a bad rule in a group no interface uses is reported", func(t *testing.T) {
		d := withBadReference()
		d.Interfaces = d.Interfaces[:ifDB] // nobody is in sg-db any more
		_, err := d.Builder().Build()
		assert.ErrorIs(t, err, sg.ErrUnresolved, "Build checks every group, attached or not")
	})
	t.Run("a bad rule is reported beside the design's other faults", func(t *testing.T) {
		d := withBadReference()
		d.Subnets[snDB].ACL = "acl-nope"
		_, err := d.Builder().Build()
		assert.Len(t, designFaults(t, err), 2, "an unknown ACL and a bad rule: %v", err)
		assert.ErrorIs(t, err, sg.ErrUnresolved, "all problems at once, security groups included")
	})
}

// A fault in one resource is reported once, where it is, and not again by
// every resource that refers to it.
func TestBuildDoesNotReportFollowOnFaults(t *testing.T) {
	t.Run("a duplicate subnet ID does not replace the first subnet", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		extraSubnet(d, "subnet-db", "10.0.9.0/24")
		d.Subnets[4].ACL = "acl-db"
		_, err := d.Builder().Build()
		assert.Equal(t, []fault{{"subnet-db", "subnets[4].ID", "subnet-db"}}, faultsOf(designFaults(t, err)),
			"db-1 (10.0.3.30) is still inside the first subnet-db: %v", err)
	})
	t.Run("a duplicate VPC ID does not replace the first VPC", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		d.VPCs = append(d.VPCs, reach.VPC{ID: "vpc-demo", CIDRs: []netip.Prefix{bp("172.16.0.0/16")}})
		_, err := d.Builder().Build()
		assert.Equal(t, []fault{{"vpc-demo", "vpcs[1].ID", "vpc-demo"}}, faultsOf(designFaults(t, err)), "%v", err)
	})
	t.Run("a network ACL that does not compile is not unknown to its subnets", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		d.ACLs[aclDB].Entries = append(d.ACLs[aclDB].Entries, d.ACLs[aclDB].Entries[0])
		_, err := d.Builder().Build()
		assert.Equal(t, []fault{{"acl-db", "acls[3]", ""}}, faultsOf(designFaults(t, err)),
			"subnet-db names an ACL that exists: %v", err)
	})
	t.Run("a firewall policy that does not compile keeps its endpoints", func(t *testing.T) {
		d := sample.ThreeTierDesign()
		d.Firewalls[0].Policy.Stateful.Groups[0].Group.RulesString = "pass tcp any any -> nowhere 443 (sid:1;)"
		_, err := d.Builder().Build()
		assert.Equal(t, []fault{{"fw-demo", "firewalls[0].Policy", ""}}, faultsOf(designFaults(t, err)),
			"the routes to vpce-fw are fine: %v", err)
	})
}

// Two VPCs may share a block, but a design is one address space: a
// clash names both VPCs and says what to do.
func TestAddressClashAcrossVPCsNamesBoth(t *testing.T) {
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	b := reach.NewBuilder()
	for _, v := range []string{"vpc-a", "vpc-b"} {
		b.AddVPC(reach.VPC{ID: v, CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "rtb-" + v, DefaultACL: "acl-" + v}).
			AddRouteTable(reach.RouteTable{ID: "rtb-" + v, VPC: v}).
			AddNetworkACL(nacl.NewDefault("acl-"+v, v, false)).
			AddSubnet(reach.Subnet{ID: "subnet-" + v, VPC: v, CIDRs: []netip.Prefix{p("10.0.1.0/24")}}).
			AddInterface(reach.Interface{ID: "eni-" + v, Subnet: "subnet-" + v, PrivateIPs: []netip.Addr{a("10.0.1.10")}})
	}
	_, err := b.Build()
	require.ErrorIs(t, err, reach.ErrTopology)
	assert.ErrorContains(t, err, "address already used by eni-vpc-a; VPCs vpc-a and vpc-b both hold it: a design is one address space")
}

package terraform_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
	"github.com/reachsim/reachsim/terraform"
)

func pfx(s string) []netip.Prefix { return []netip.Prefix{netip.MustParsePrefix(s)} }
func ip(s string) []netip.Addr    { return []netip.Addr{netip.MustParseAddr(s)} }

// changeDesign is testdata/change.json's network written as Go literals,
// named by the plan's addresses: what the loader must read.
func changeDesign(t *testing.T) *reach.Model {
	t.Helper()
	const vpc = "aws_vpc.main"
	tcpRule := func(dir flow.Direction, lo, hi uint16, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.TCP, Ports: flow.PortRange{Lo: lo, Hi: hi}, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	all := sg.Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")}
	entry := func(n int, dir flow.Direction, proto flow.Protocol, cidr string, lo, hi uint16) nacl.Entry {
		return nacl.Entry{Number: n, Action: flow.Pass, Direction: dir, Protocol: proto, CIDR: netip.MustParsePrefix(cidr),
			Ports: flow.PortRange{Lo: lo, Hi: hi}, ICMPType: -1, ICMPCode: -1}
	}
	allowAll := nacl.Entry{Number: 100, Action: flow.Pass, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0"), ICMPType: -1, ICMPCode: -1}
	allowAllOut := allowAll
	allowAllOut.Direction = flow.Outbound
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: vpc, Name: "main", CIDRs: pfx("10.0.0.0/16"), MainRouteTable: "aws_default_route_table.main", DefaultACL: "aws_default_network_acl.default"}).
		AddRouteTable(
			reach.RouteTable{ID: "aws_default_route_table.main", VPC: vpc},
			reach.RouteTable{ID: "aws_route_table.public", Name: "public", VPC: vpc, Routes: []reach.Route{
				{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "aws_internet_gateway.gw"}}},
			reach.RouteTable{ID: "aws_route_table.db", Name: "db", VPC: vpc, Routes: []reach.Route{
				{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "aws_nat_gateway.main"}}}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "aws_internet_gateway.gw", VPC: vpc}).
		AddNetworkACL(
			nacl.ACL{ID: "aws_default_network_acl.default", VPCID: vpc, IsDefault: true, Entries: []nacl.Entry{allowAll, allowAllOut}},
			nacl.ACL{ID: "aws_network_acl.db", VPCID: vpc, Entries: []nacl.Entry{
				entry(100, flow.Inbound, flow.TCP, "10.0.0.0/16", 5432, 6379),
				entry(110, flow.Inbound, flow.TCP, "0.0.0.0/0", 1024, 65535),
				entry(100, flow.Outbound, flow.TCP, "10.0.0.0/16", 1024, 65535),
				entry(110, flow.Outbound, flow.TCP, "0.0.0.0/0", 443, 443)}}).
		AddSubnet(
			reach.Subnet{ID: "aws_subnet.public", Name: "public", VPC: vpc, CIDRs: pfx("10.0.1.0/24"), AvailabilityZone: "eu-west-1a", RouteTable: "aws_route_table.public"},
			reach.Subnet{ID: "aws_subnet.app[0]", Name: "app-0", VPC: vpc, CIDRs: pfx("10.0.2.0/24"), AvailabilityZone: "eu-west-1a"},
			reach.Subnet{ID: "aws_subnet.app[1]", Name: "app-1", VPC: vpc, CIDRs: pfx("10.0.3.0/24"), AvailabilityZone: "eu-west-1a"},
			reach.Subnet{ID: "aws_subnet.db", Name: "db", VPC: vpc, CIDRs: pfx("10.0.4.0/24"), AvailabilityZone: "eu-west-1a",
				RouteTable: "aws_route_table.db", ACL: "aws_network_acl.db"}).
		AddNATGateway(reach.NATGateway{ID: "aws_nat_gateway.main", Name: "main", Subnet: "aws_subnet.public",
			PrivateIP: netip.MustParseAddr("10.0.1.50"), PublicIP: netip.MustParseAddr("203.0.113.50")}).
		AddPrefixList(reach.PrefixList{ID: "aws_ec2_managed_prefix_list.office", Entries: pfx("198.51.100.0/24"), MaxEntries: 5}).
		AddSecurityGroup(
			sg.Group{ID: "aws_security_group.web", Name: "web", VPCID: vpc, Rules: []sg.Rule{
				tcpRule(flow.Inbound, 443, 443, sg.CIDR("0.0.0.0/0")), all,
				tcpRule(flow.Inbound, 22, 22, sg.PrefixList("aws_ec2_managed_prefix_list.office"))}},
			sg.Group{ID: "aws_security_group.app", Name: "app", VPCID: vpc, Rules: []sg.Rule{
				tcpRule(flow.Inbound, 8080, 8080, sg.GroupRef("aws_security_group.web")), all}},
			sg.Group{ID: "aws_security_group.db", Name: "db", VPCID: vpc, Rules: []sg.Rule{
				// its configuration leaves ingress out: AWS keeps the rule
				// the planned values show
				tcpRule(flow.Inbound, 22, 22, sg.CIDR("10.0.1.0/24")),
				tcpRule(flow.Inbound, 5432, 5432, sg.GroupRef("aws_security_group.app")),
				tcpRule(flow.Outbound, 443, 443, sg.CIDR("0.0.0.0/0"))}},
			sg.Group{ID: "aws_security_group.cache", Name: "cache", VPCID: vpc, Rules: []sg.Rule{
				tcpRule(flow.Inbound, 6379, 6379, sg.GroupRef("aws_security_group.app"))}}).
		AddInterface(
			reach.Interface{ID: "aws_instance.web", Name: "web-1", Instance: "i-web", Subnet: "aws_subnet.public", PrivateIPs: ip("10.0.1.10"),
				PublicIP: netip.MustParseAddr("203.0.113.10"), Groups: []string{"aws_security_group.web"}},
			reach.Interface{ID: "module.app.aws_instance.app[0]", Name: "app-0", Instance: "i-app0", Subnet: "aws_subnet.app[0]", PrivateIPs: ip("10.0.2.10"), Groups: []string{"aws_security_group.app"}},
			reach.Interface{ID: "module.app.aws_instance.app[1]", Name: "app-1", Instance: "i-app1", Subnet: "aws_subnet.app[1]", PrivateIPs: ip("10.0.3.10"), Groups: []string{"aws_security_group.app"}},
			reach.Interface{ID: "aws_instance.db", Name: "db-1", Instance: "i-db", Subnet: "aws_subnet.db", PrivateIPs: ip("10.0.4.10"), Groups: []string{"aws_security_group.db"}},
			reach.Interface{ID: "aws_instance.cache", Name: "cache-1", Subnet: "aws_subnet.db", PrivateIPs: ip("10.0.4.20"), Groups: []string{"aws_security_group.cache"}}).
		Build()
	require.NoError(t, err)
	return m
}

// TestChangePlanIsItsLiteralDesign holds the loader to the same design
// written as Go literals, on the grid of sameAnswers.
func TestChangePlanIsItsLiteralDesign(t *testing.T) {
	plan, _, err := terraform.Load("testdata/change.json")
	require.NoError(t, err)
	want := changeDesign(t)
	sameAnswers(t, plan, want, "aws_instance.web", "module.app.aws_instance.app[0]", "module.app.aws_instance.app[1]", "aws_instance.db",
		"aws_instance.cache", "198.51.100.7", "203.0.113.99")
}

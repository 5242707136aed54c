package terraform_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
	"github.com/reachsim/reachsim/terraform"
)

// sameAnswers holds the model a plan gives to the same design written as
// Go literals, on a grid: every ordered pair of ends, tcp ports across the
// rules' edges, udp and icmp; the same outcome and codes each time.
func sameAnswers(t *testing.T, plan, want *reach.Model, ends ...string) {
	t.Helper()
	n := 0
	for _, from := range ends {
		for _, to := range ends {
			if from == to {
				continue
			}
			qs := []reach.Query{{From: from, To: to, Protocol: flow.UDP, Port: 53}, {From: from, To: to, Protocol: flow.ICMP}}
			for _, port := range []uint16{21, 22, 23, 442, 443, 444, 1023, 1024, 5431, 5432, 5433, 6379, 8080, 65535} {
				qs = append(qs, reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port})
			}
			for _, q := range qs {
				got, gerr := plan.Check(q)
				exp, werr := want.Check(q)
				if werr != nil {
					assert.Error(t, gerr, "%+v", q)
					continue
				}
				require.NoError(t, gerr, "%+v", q)
				n++
				if !assert.Equal(t, exp.Outcome, got.Outcome, "%+v\nplan:\n%s\nliteral:\n%s", q, got.Text(), exp.Text()) {
					return
				}
				assert.Equal(t, exp.Codes(), got.Codes(), "%+v", q)
			}
		}
	}
	assert.Greater(t, n, len(ends)*(len(ends)-1)*5)
}

func lit(s string) []netip.Prefix { return []netip.Prefix{netip.MustParsePrefix(s)} }

// TestTransitGatewayPlanIsItsLiteralDesign: tgwPlan with AWS's defaults,
// as Go literals.
func TestTransitGatewayPlanIsItsLiteralDesign(t *testing.T) {
	plan, err := terraform.Parse("plan.json", tgwPlan(t, map[string]any{}, nil), nil)
	require.NoError(t, err)
	b := reach.NewBuilder().AddTransitGateway(reach.TransitGateway{ID: "aws_ec2_transit_gateway.hub"}).
		AddTGWRouteTable(reach.TGWRouteTable{ID: "aws_ec2_transit_gateway.hub.default_route_table", TransitGateway: "aws_ec2_transit_gateway.hub"})
	for i, v := range []string{"a", "b"} {
		vpc := "aws_vpc." + v
		cidr, sub, other := []string{"10.1.0.0/16", "10.2.0.0/16"}[i], []string{"10.1.1.0/24", "10.2.1.0/24"}[i], []string{"10.2.0.0/16", "10.1.0.0/16"}[i]
		g := sg.Group{ID: "aws_security_group." + v, Name: v, VPCID: vpc, Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.0.0/8")},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")}}}
		b.AddVPC(reach.VPC{ID: vpc, CIDRs: lit(cidr), MainRouteTable: vpc + ".main_route_table", DefaultACL: vpc + ".default_network_acl"}).
			AddRouteTable(reach.RouteTable{ID: vpc + ".main_route_table", VPC: vpc},
				reach.RouteTable{ID: "aws_route_table." + v, VPC: vpc, Routes: []reach.Route{{Destination: netip.MustParsePrefix(other),
					Target: reach.TargetTransitGateway, TargetID: "aws_ec2_transit_gateway.hub"}}}).
			AddNetworkACL(nacl.NewDefault(vpc+".default_network_acl", vpc, false)).
			AddSubnet(reach.Subnet{ID: "aws_subnet." + v, VPC: vpc, CIDRs: lit(sub), AvailabilityZone: "eu-west-1a", RouteTable: "aws_route_table." + v}).
			AddTGWAttachment(reach.TGWAttachment{ID: "aws_ec2_transit_gateway_vpc_attachment." + v, TransitGateway: "aws_ec2_transit_gateway.hub", Type: "vpc",
				VPC: vpc, Subnets: []string{"aws_subnet." + v}, RouteTable: "aws_ec2_transit_gateway.hub.default_route_table",
				Propagations: []string{"aws_ec2_transit_gateway.hub.default_route_table"}}).
			AddSecurityGroup(g).
			AddInterface(reach.Interface{ID: "aws_instance." + v, Subnet: "aws_subnet." + v, Groups: []string{g.ID},
				PrivateIPs: []netip.Addr{netip.MustParseAddr([]string{"10.1.1.10", "10.2.1.10"}[i])}})
	}
	want, err := b.Build()
	require.NoError(t, err)
	sameAnswers(t, plan, want, "aws_instance.a", "aws_instance.b", "198.51.100.7")
}

// TestFirewallPlanIsItsLiteralDesign: firewallPlan as Go literals, the
// unknown addresses declared unknown alike.
func TestFirewallPlanIsItsLiteralDesign(t *testing.T) {
	plan, err := terraform.Parse("plan.json", firewallPlan(t), nil)
	require.NoError(t, err)
	const vpc, fw = "aws_vpc.main", "aws_networkfirewall_firewall.fw"
	ep := fw + "/eu-west-1a"
	fwd := stateless.DefaultAction{Action: flow.Forward}
	policy := firewall.Policy{Name: "p", ARN: "aws_networkfirewall_firewall_policy.p",
		Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd},
		Stateful: stateful.Config{Groups: []stateful.GroupRef{{Group: stateful.RuleGroup{Name: "web", ARN: "aws_networkfirewall_rule_group.web",
			Capacity: 10, RulesString: firewallRules}}}}}
	route := func(dst string, kind reach.TargetKind, target string) reach.Route {
		return reach.Route{Destination: netip.MustParsePrefix(dst), Target: kind, TargetID: target}
	}
	g := sg.Group{ID: "aws_security_group.web", Name: "web", VPCID: vpc, Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 0, Hi: 65535}, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")}}}
	want, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: vpc, CIDRs: lit("10.0.0.0/16"), MainRouteTable: vpc + ".main_route_table", DefaultACL: vpc + ".default_network_acl"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "aws_internet_gateway.gw", VPC: vpc}).
		AddNetworkACL(nacl.NewDefault(vpc+".default_network_acl", vpc, false)).
		AddRouteTable(reach.RouteTable{ID: vpc + ".main_route_table", VPC: vpc},
			reach.RouteTable{ID: "aws_route_table.web", VPC: vpc, Routes: []reach.Route{route("0.0.0.0/0", reach.TargetFirewallEndpoint, ep)}},
			reach.RouteTable{ID: "aws_route_table.fw", VPC: vpc, Routes: []reach.Route{route("0.0.0.0/0", reach.TargetInternetGateway, "aws_internet_gateway.gw")}},
			reach.RouteTable{ID: "aws_route_table.edge", VPC: vpc, Gateways: []string{"aws_internet_gateway.gw"},
				Routes: []reach.Route{route("10.0.1.0/24", reach.TargetFirewallEndpoint, ep)}}).
		AddSubnet(reach.Subnet{ID: "aws_subnet.fw", VPC: vpc, CIDRs: lit("10.0.0.0/28"), AvailabilityZone: "eu-west-1a", RouteTable: "aws_route_table.fw"},
			reach.Subnet{ID: "aws_subnet.web", VPC: vpc, CIDRs: lit("10.0.1.0/24"), AvailabilityZone: "eu-west-1a", RouteTable: "aws_route_table.web"}).
		AddFirewall(reach.Firewall{ID: fw, Name: "fw", VPC: vpc, Policy: policy, Endpoints: []reach.FirewallEndpointSpec{{ID: ep, Subnet: "aws_subnet.fw"}}}).
		AddSecurityGroup(g).
		AddInterface(reach.Interface{ID: "aws_instance.web", Name: "web", Subnet: "aws_subnet.web", Groups: []string{g.ID},
			AddressUnknown: "aws_instance.web: private_ip", PublicIPUnknown: "aws_instance.web: public_ip"}).
		Build()
	require.NoError(t, err)
	sameAnswers(t, plan, want, "aws_instance.web", "198.51.100.7", "203.0.113.9")
}

// TestPeeringPlanIsItsLiteralDesign: peeringPlan (auto-accepted) as Go
// literals: each interface in its VPC's default group (it was created
// without groups) and the group its attachment gives it.
func TestPeeringPlanIsItsLiteralDesign(t *testing.T) {
	plan, err := terraform.Parse("plan.json", peeringPlan(t, map[string]any{"auto_accept": true}), nil)
	require.NoError(t, err)
	b := reach.NewBuilder().AddPeering(reach.Peering{ID: "aws_vpc_peering_connection.ab", RequesterVPC: "aws_vpc.a", AccepterVPC: "aws_vpc.b", Status: reach.PeeringActive})
	for i, v := range []string{"a", "b"} {
		vpc := "aws_vpc." + v
		cidr, sub, other := []string{"10.1.0.0/16", "10.2.0.0/16"}[i], []string{"10.1.1.0/24", "10.2.1.0/24"}[i], []string{"10.2.0.0/16", "10.1.0.0/16"}[i]
		g := sg.Group{ID: "aws_security_group." + v, Name: v, VPCID: vpc, Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.0.0/8")},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")}}}
		def := sg.NewDefault(vpc+".default_security_group", vpc, false)
		b.AddVPC(reach.VPC{ID: vpc, CIDRs: lit(cidr), MainRouteTable: "aws_default_route_table." + v, DefaultACL: vpc + ".default_network_acl"}).
			AddRouteTable(reach.RouteTable{ID: "aws_default_route_table." + v, VPC: vpc, Routes: []reach.Route{{Destination: netip.MustParsePrefix(other),
				Target: reach.TargetPeering, TargetID: "aws_vpc_peering_connection.ab"}}}).
			AddNetworkACL(nacl.NewDefault(vpc+".default_network_acl", vpc, false)).
			AddSubnet(reach.Subnet{ID: "aws_subnet." + v, VPC: vpc, CIDRs: lit(sub)}).
			AddSecurityGroup(g, def).
			AddInterface(reach.Interface{ID: "aws_network_interface." + v, Name: "eni-" + v, Subnet: "aws_subnet." + v, Groups: []string{def.ID, g.ID},
				PrivateIPs: []netip.Addr{netip.MustParseAddr([]string{"10.1.1.50", "10.2.1.50"}[i])}})
	}
	want, err := b.Build()
	require.NoError(t, err)
	sameAnswers(t, plan, want, "aws_network_interface.a", "aws_network_interface.b", "198.51.100.7")
}

// TestMiscPlanIsItsLiteralDesign: miscPlan as Go literals.
func TestMiscPlanIsItsLiteralDesign(t *testing.T) {
	plan, err := terraform.Parse("plan.json", miscPlan(t), nil)
	require.NoError(t, err)
	const vpc = "aws_vpc.main"
	allow := []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0"), ICMPType: -1, ICMPCode: -1},
		{Number: 101, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("::/0"), ICMPType: -1, ICMPCode: -1},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0"), ICMPType: -1, ICMPCode: -1},
		{Number: 101, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("::/0"), ICMPType: -1, ICMPCode: -1},
	}
	g := sg.Group{ID: "aws_default_security_group.main", Name: "default", VPCID: vpc, Rules: []sg.Rule{
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("::/0")},
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("aws_default_security_group.main")}}}
	want, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: vpc, CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16"), netip.MustParsePrefix("2001:db8:1::/56"), netip.MustParsePrefix("10.1.0.0/16")},
			MainRouteTable: "aws_route_table.v6", DefaultACL: "aws_default_network_acl.main"}).
		AddNetworkACL(nacl.ACL{ID: "aws_default_network_acl.main", VPCID: vpc, IsDefault: true, Entries: allow}).
		AddRouteTable(reach.RouteTable{ID: "aws_default_route_table.main", VPC: vpc},
			reach.RouteTable{ID: "aws_route_table.v6", VPC: vpc, Routes: []reach.Route{{Destination: netip.MustParsePrefix("::/0"),
				Target: reach.TargetEgressOnlyInternetGateway, TargetID: "aws_egress_only_internet_gateway.v6"}}}).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "aws_egress_only_internet_gateway.v6", VPC: vpc}).
		AddSubnet(reach.Subnet{ID: "aws_subnet.second", VPC: vpc, CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.1.0/24"), netip.MustParsePrefix("2001:db8:1:1::/64")}}).
		AddSecurityGroup(g).
		AddInterface(reach.Interface{ID: "aws_instance.a", Instance: "i-a", Subnet: "aws_subnet.second", Groups: []string{g.ID},
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.1.10"), netip.MustParseAddr("2001:db8:1:1::10")}},
			reach.Interface{ID: "aws_instance.b", Instance: "i-b", Subnet: "aws_subnet.second", Groups: []string{g.ID},
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.1.11")}}).
		Build()
	require.NoError(t, err)
	sameAnswers(t, plan, want, "aws_instance.a", "aws_instance.b", "198.51.100.7", "2001:db8:ffff::7")
}

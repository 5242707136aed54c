package sample

import (
	"net/netip"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

func pfx(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func entries(ss ...string) []nacl.Entry {
	out := make([]nacl.Entry, len(ss))
	for i, s := range ss {
		out[i] = nacl.MustParseEntry(s)
	}
	return out
}

func tcpIn(id string, port uint16, peer sg.Peer) sg.Rule {
	return sg.Rule{ID: id, Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(port), ICMPType: -1, ICMPCode: -1, Peer: peer}
}

func allOut(id string, peer sg.Peer) sg.Rule {
	return sg.Rule{ID: id, Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: peer}
}

// InboundRules is the firewall's rule group for traffic from the internet.
const InboundRules = `pass tcp any any -> 10.0.1.0/24 443 (msg:"HTTPS to the web tier"; sid:10;)
pass tcp any any -> 2001:db8:10:1::/64 443 (msg:"HTTPS to the web tier over IPv6"; sid:11;)
drop tcp any any -> $HOME_NET 22 (msg:"no SSH from outside"; sid:20;)`

// Policy is the firewall's policy: the stateless engine forwards
// everything; the stateful engine runs in strict order with
// aws:drop_established, an inbound group and an outbound domain
// allowlist.
func Policy() firewall.Policy {
	fwd := stateless.DefaultAction{Action: flow.Forward}
	return firewall.Policy{
		Name:      "demo-policy",
		Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd},
		Stateful: stateful.Config{
			Order:    stateful.StrictOrder,
			Defaults: stateful.Defaults{DropEstablished: true, AlertEstablished: true},
			Groups: []stateful.GroupRef{
				{Priority: 10, Group: stateful.RuleGroup{Name: "inbound-web", RulesString: InboundRules, RuleOrder: stateful.StrictOrder}},
				{Priority: 20, Group: stateful.RuleGroup{Name: "egress-domains", RuleOrder: stateful.StrictOrder,
					DomainList: &stateful.DomainList{Targets: []string{".example.com", "api.github.com"}, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: "ALLOWLIST"}}},
			},
		},
	}
}

// ThreeTier returns a builder holding the sample design, for callers to
// Build as is or to change first (tests remove a route, say):
//
//   - vpc-demo 10.0.0.0/16 and 2001:db8:10::/56, internet gateway igw-demo
//     with an edge route table that sends traffic for the public subnet
//     through the firewall endpoint vpce-fw;
//   - subnet-fw (10.0.0.0/24): the firewall endpoint, routes to the
//     internet gateway;
//   - subnet-public (10.0.1.0/24, 2001:db8:10:1::/64): web-1 with public
//     IP 203.0.113.10 and NAT gateway nat-demo (203.0.113.100); routes to
//     the internet through the firewall endpoint;
//   - subnet-app (10.0.2.0/24): app-1, internet through the NAT gateway;
//   - subnet-db (10.0.3.0/24): db-1, whose network ACL lets replies out
//     only to ports 1024–32767 — the ephemeral-port pitfall: app-1's
//     client ports (50000) are cut off.
func ThreeTier() *reach.Builder { return ThreeTierDesign().Builder() }

// Design holds the parts of a design before they go into a builder, so
// tests can change one part of the sample (drop a route, swap a policy).
type Design struct {
	VPCs             []reach.VPC
	InternetGateways []reach.InternetGatewaySpec
	RouteTables      []reach.RouteTable
	ACLs             []nacl.ACL
	Subnets          []reach.Subnet
	NATGateways      []reach.NATGateway
	Groups           []sg.Group
	Interfaces       []reach.Interface
	Firewalls        []reach.Firewall
}

// Builder puts the parts into a new builder.
func (d *Design) Builder() *reach.Builder {
	return reach.NewBuilder().AddVPC(d.VPCs...).AddInternetGateway(d.InternetGateways...).
		AddRouteTable(d.RouteTables...).AddNetworkACL(d.ACLs...).AddSubnet(d.Subnets...).
		AddNATGateway(d.NATGateways...).AddSecurityGroup(d.Groups...).AddInterface(d.Interfaces...).
		AddFirewall(d.Firewalls...)
}

// ThreeTierDesign returns the parts of [ThreeTier].
func ThreeTierDesign() *Design {
	d := &Design{}
	d.VPCs = append(d.VPCs, reach.VPC{ID: "vpc-demo", Name: "demo", CIDRs: pfx("10.0.0.0/16", "2001:db8:10::/56"),
		MainRouteTable: "rtb-private", DefaultACL: "acl-default"})
	d.InternetGateways = append(d.InternetGateways, reach.InternetGatewaySpec{ID: "igw-demo", VPC: "vpc-demo"})
	d.RouteTables = append(d.RouteTables,
		reach.RouteTable{ID: "rtb-edge", Name: "igw-edge", VPC: "vpc-demo", Gateways: []string{"igw-demo"}, Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("10.0.1.0/24"), Target: reach.TargetFirewallEndpoint, TargetID: "vpce-fw"},
			{Destination: netip.MustParsePrefix("2001:db8:10:1::/64"), Target: reach.TargetFirewallEndpoint, TargetID: "vpce-fw"},
		}},
		reach.RouteTable{ID: "rtb-fw", Name: "firewall", VPC: "vpc-demo", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-demo"},
			{Destination: netip.MustParsePrefix("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-demo"},
		}},
		reach.RouteTable{ID: "rtb-public", Name: "public", VPC: "vpc-demo", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetFirewallEndpoint, TargetID: "vpce-fw"},
			{Destination: netip.MustParsePrefix("::/0"), Target: reach.TargetFirewallEndpoint, TargetID: "vpce-fw"},
		}},
		reach.RouteTable{ID: "rtb-private", Name: "private", VPC: "vpc-demo", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-demo"},
		}},
	)
	def := nacl.NewDefault("acl-default", "vpc-demo", true)
	pub := nacl.NewCustom("acl-public", "vpc-demo")
	pub.Entries = entries(
		"100 allow all from 0.0.0.0/0", "101 allow all from ::/0",
		"100 allow all to 0.0.0.0/0", "101 allow all to ::/0")
	app := nacl.NewCustom("acl-app", "vpc-demo")
	app.Entries = entries(
		"100 allow tcp 8080 from 10.0.1.0/24",
		"110 allow tcp 1024-65535 from 0.0.0.0/0",
		"100 allow all to 0.0.0.0/0")
	db := nacl.NewCustom("acl-db", "vpc-demo")
	db.Entries = entries(
		"100 allow tcp 5432 from 10.0.2.0/24",
		"100 allow tcp 1024-32767 to 10.0.2.0/24")
	d.ACLs = append(d.ACLs, def, pub, app, db)
	d.Subnets = append(d.Subnets,
		reach.Subnet{ID: "subnet-fw", Name: "firewall", VPC: "vpc-demo", CIDRs: pfx("10.0.0.0/24", "2001:db8:10::/64"), RouteTable: "rtb-fw"},
		reach.Subnet{ID: "subnet-public", Name: "public", VPC: "vpc-demo", CIDRs: pfx("10.0.1.0/24", "2001:db8:10:1::/64"), RouteTable: "rtb-public", ACL: "acl-public"},
		reach.Subnet{ID: "subnet-app", Name: "app", VPC: "vpc-demo", CIDRs: pfx("10.0.2.0/24"), ACL: "acl-app"},
		reach.Subnet{ID: "subnet-db", Name: "db", VPC: "vpc-demo", CIDRs: pfx("10.0.3.0/24"), ACL: "acl-db"},
	)
	d.NATGateways = append(d.NATGateways, reach.NATGateway{ID: "nat-demo", Subnet: "subnet-public", PrivateIP: addr("10.0.1.100"), PublicIP: addr("203.0.113.100")})
	d.Groups = append(d.Groups,
		sg.Group{ID: "sg-web", Name: "web", VPCID: "vpc-demo", Rules: []sg.Rule{
			tcpIn("sgr-web-https", 443, sg.AnyIPv4), tcpIn("sgr-web-https6", 443, sg.AnyIPv6),
			tcpIn("sgr-web-ssh", 22, sg.CIDR("198.51.100.0/24")),
			{ID: "sgr-web-ping", Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: 8, ICMPCode: -1, Peer: sg.CIDR("10.0.0.0/16")},
			allOut("sgr-web-out", sg.AnyIPv4), allOut("sgr-web-out6", sg.AnyIPv6),
		}},
		sg.Group{ID: "sg-app", Name: "app", VPCID: "vpc-demo", Rules: []sg.Rule{
			tcpIn("sgr-app-http", 8080, sg.GroupRef("sg-web")), allOut("sgr-app-out", sg.AnyIPv4),
		}},
		sg.Group{ID: "sg-db", Name: "db", VPCID: "vpc-demo", Rules: []sg.Rule{
			tcpIn("sgr-db-pg", 5432, sg.GroupRef("sg-app")),
		}},
	)
	d.Interfaces = append(d.Interfaces,
		reach.Interface{ID: "eni-web1", Name: "web-1", Instance: "i-web1", Subnet: "subnet-public",
			PrivateIPs: []netip.Addr{addr("10.0.1.10"), addr("2001:db8:10:1::10")}, PublicIP: addr("203.0.113.10"), Groups: []string{"sg-web"}},
		reach.Interface{ID: "eni-app1", Name: "app-1", Instance: "i-app1", Subnet: "subnet-app",
			PrivateIPs: []netip.Addr{addr("10.0.2.20")}, Groups: []string{"sg-app"}},
		reach.Interface{ID: "eni-db1", Name: "db-1", Instance: "i-db1", Subnet: "subnet-db",
			PrivateIPs: []netip.Addr{addr("10.0.3.30")}, Groups: []string{"sg-db"}},
	)
	d.Firewalls = append(d.Firewalls, reach.Firewall{ID: "fw-demo", Name: "demo-firewall", VPC: "vpc-demo", Policy: Policy(),
		Endpoints: []reach.FirewallEndpointSpec{{ID: "vpce-fw", Subnet: "subnet-fw", IPAddressType: "DUALSTACK"}}})
	return d
}

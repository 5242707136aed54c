package reach_test

// The kitchen-sink design: what the randomized generators of sets_test.go
// leave out, together (transit gateways, VPC peering, IPv6 with an
// egress-only gateway, a NAT gateway behind a firewall, Alibaba Cloud
// groups, prefix lists, group references across peering and transit
// gateways, ICMP, ACLs with ephemeral-port rules), for the set questions'
// tests.

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

func ksEntries(t testing.TB, lines ...string) []nacl.Entry {
	var out []nacl.Entry
	for _, l := range lines {
		e, err := nacl.ParseEntry(l)
		require.NoError(t, err, l)
		out = append(out, e)
	}
	return out
}

// kitchenSinkOpts varies the kitchen-sink design.
type kitchenSinkOpts struct {
	natSecondary   bool   // nat-a gets a secondary address the design does not tell apart
	alibaba        bool   // app-a2 gets an Alibaba Cloud group
	fwRules        string // extra stateful rules for the firewall (prepended)
	privACL        []string
	tgwSGRef       bool // tgw-1 supports security group referencing
	peerStatus     string
	extraGroupsA   []sg.Rule // extra rules for sg-app (app-a)
	unresolvedList bool      // a route and a rule by a list whose entries the input lacks
	twin           bool      // app-a3 (10.1.2.150, 2001:db8:a:2::150): app-a's twin, same subnet and groups
	tgwExtra       []reach.TGWRoute
	rtbC           []reach.Route // replaces rtb-c's routes
	rtbBExtra      []reach.Route
	plExtra        []netip.Prefix
	webExtra       []sg.Rule
	bACLPrefix     []string
	cExtra         []sg.Rule
	unknownB       bool // app-b2 in subnet-b, its address known only later
	unknownC       bool // app-c2 in subnet-c, its address known only later
}

// kitchenSink builds:
//
//   - vpc-a 10.1.0.0/16 + 2001:db8:a::/56: subnet-fw (firewall endpoint
//     vpce-a, routes to igw-a), subnet-pub (web-a 203.0.113.10, nat-a
//     203.0.113.100; 0/0 through vpce-a, ::/0 to igw-a), subnet-priv (app-a,
//     app-a2: 0/0 to nat-a, ::/0 to eigw-a, 10.2/16 to tgw-1, 10.3/16 to
//     pcx-ac, pl-corp to nat-a); igw-a's edge table sends subnet-pub
//     through vpce-a.
//   - vpc-b 10.2.0.0/16 behind tgw-1 (app-b).
//   - vpc-c 10.3.0.0/16 peered with vpc-a (app-c, whose group references
//     sg-app).
func kitchenSink(t testing.TB, o kitchenSinkOpts) *reach.Model {
	t.Helper()
	if o.peerStatus == "" {
		o.peerStatus = reach.PeeringActive
	}
	route := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
	}
	if o.rtbC == nil {
		o.rtbC = []reach.Route{route("10.1.2.0/24", reach.TargetPeering, "pcx-ac")}
	}
	all := func(dir flow.Direction, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	tcp := func(dir flow.Direction, lo, hi uint16, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.TCP, Ports: flow.PortRange{Lo: lo, Hi: hi}, Peer: peer}
	}
	udp := func(dir flow.Direction, lo, hi uint16, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.UDP, Ports: flow.PortRange{Lo: lo, Hi: hi}, Peer: peer}
	}
	icmp := func(dir flow.Direction, ty, code int16, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.ICMP, ICMPType: ty, ICMPCode: code, Peer: peer}
	}
	icmp6 := func(dir flow.Direction, ty, code int16, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.ICMPv6, ICMPType: ty, ICMPCode: code, Peer: peer}
	}

	privACL := nacl.NewCustom("acl-priv", "vpc-a")
	if o.privACL == nil {
		o.privACL = []string{
			"100 allow tcp 1024-65535 from 0.0.0.0/0",
			"105 deny tcp 22 from 10.3.0.0/16",
			"110 allow tcp 22 from 10.0.0.0/8",
			"120 allow udp 32768-61000 from 0.0.0.0/0",
			"125 allow udp 53 from 10.2.0.0/16",
			"130 allow icmp type 0 from 0.0.0.0/0",
			"131 allow icmp type 3 code 4 from 0.0.0.0/0",
			"132 allow icmp type 8 from 10.0.0.0/8",
			"140 allow tcp 1024-65535 from ::/0",
			"141 allow icmpv6 all from ::/0",
			"150 allow tcp 8000-8100 from 10.0.0.0/8",
			"100 allow all to 0.0.0.0/0",
			"101 allow all to ::/0",
		}
	}
	privACL.Entries = ksEntries(t, o.privACL...)
	pubACL := nacl.NewCustom("acl-pub", "vpc-a")
	pubACL.Entries = ksEntries(t,
		"90 deny tcp 3389 from 0.0.0.0/0",
		"100 allow all from 0.0.0.0/0", "101 allow all from ::/0",
		"100 allow all to 0.0.0.0/0", "101 allow all to ::/0")
	bACL := nacl.NewCustom("acl-b", "vpc-b")
	bACL.Entries = ksEntries(t, append(o.bACLPrefix,
		"100 allow tcp 22 from 10.1.0.0/16",
		"110 allow tcp 1024-65535 from 0.0.0.0/0",
		"120 allow udp 53 from 10.1.0.0/16",
		"130 allow icmp all from 10.1.0.0/16",
		"100 allow tcp 1024-65535 to 10.1.0.0/16",
		"105 allow tcp 22 to 10.1.0.0/16",
		"110 allow udp 1024-65535 to 10.1.0.0/16",
		"120 allow icmp type 0 to 10.1.0.0/16",
		"121 allow icmp type 8 to 10.1.0.0/16")...)

	peerA := sg.Peer(sg.AnyIPv4)
	groupsA := []sg.Group{
		{ID: "sg-web", VPCID: "vpc-a", Rules: append([]sg.Rule{
			tcp(flow.Inbound, 443, 443, sg.AnyIPv4), tcp(flow.Inbound, 443, 443, sg.AnyIPv6),
			tcp(flow.Inbound, 22, 22, sg.CIDR("198.51.100.0/24")),
			tcp(flow.Inbound, 3389, 3389, sg.AnyIPv4),
			tcp(flow.Inbound, 6379, 6379, sg.PrefixList("pl-corp")),
			icmp(flow.Inbound, 8, -1, sg.AnyIPv4), icmp6(flow.Inbound, 128, -1, sg.AnyIPv6),
			all(flow.Outbound, sg.AnyIPv4), all(flow.Outbound, sg.AnyIPv6)}, o.webExtra...)},
		{ID: "sg-app", VPCID: "vpc-a", Rules: append([]sg.Rule{
			tcp(flow.Inbound, 22, 22, sg.GroupRef("sg-app")),
			tcp(flow.Inbound, 22, 22, sg.GroupRef("sg-c")),
			tcp(flow.Inbound, 8000, 8100, sg.CIDR("10.0.0.0/8")),
			tcp(flow.Inbound, 22, 22, sg.AnyIPv6),
			udp(flow.Inbound, 53, 53, sg.CIDR("10.2.0.0/16")),
			icmp(flow.Inbound, 8, 0, sg.CIDR("10.0.0.0/8")),
			icmp(flow.Inbound, 3, -1, sg.AnyIPv4),
			icmp6(flow.Inbound, -1, -1, sg.AnyIPv6),
			all(flow.Outbound, peerA), all(flow.Outbound, sg.AnyIPv6)}, o.extraGroupsA...)},
	}
	groups := append(groupsA,
		sg.Group{ID: "sg-b", VPCID: "vpc-b", Rules: []sg.Rule{
			tcp(flow.Inbound, 22, 22, sg.GroupRef("sg-app")),
			tcp(flow.Inbound, 5000, 6000, sg.CIDR("10.1.2.0/24")),
			udp(flow.Inbound, 53, 53, sg.CIDR("10.1.0.0/16")),
			icmp(flow.Inbound, -1, -1, sg.CIDR("10.1.0.0/16")),
			all(flow.Outbound, sg.AnyIPv4)}},
		sg.Group{ID: "sg-c", VPCID: "vpc-c", Rules: append([]sg.Rule{
			tcp(flow.Inbound, 22, 22, sg.GroupRef("sg-app")),
			tcp(flow.Inbound, 7000, 7999, sg.PrefixList("pl-corp")),
			tcp(flow.Inbound, 9000, 9000, sg.CIDR("10.1.2.0/25")),
			icmp(flow.Inbound, 8, -1, sg.GroupRef("sg-app")),
			all(flow.Outbound, sg.AnyIPv4)}, o.cExtra...)},
	)
	if o.alibaba {
		groups = append(groups, sg.Group{ID: "sg-ali", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 8050, Hi: 8060}, Peer: sg.AnyIPv4, Action: flow.Drop, Priority: 1},
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 8000, Hi: 8100}, Peer: sg.CIDR("10.0.0.0/8"), Action: flow.Pass, Priority: 5},
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 5},
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, Peer: sg.CIDR("10.3.0.0/16"), Action: flow.Drop, Priority: 5},
			{Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 10},
			{Direction: flow.Outbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 1, Hi: 65535}, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 1, SourcePorts: flow.PortRange{Lo: 1024, Hi: 65535}},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 50},
		}})
	}
	aliGroups := []string{"sg-app"}
	if o.alibaba {
		aliGroups = []string{"sg-ali"}
	}

	rules := o.fwRules + `pass tcp any any -> 10.1.1.0/24 443 (sid:10;)
pass tcp any any -> 2001:db8:a:1::/64 443 (sid:11;)
drop tcp any any -> $HOME_NET 22 (sid:20;)
pass tcp 198.51.100.0/24 any -> 10.1.1.0/24 3389 (sid:21;)
pass icmp any any -> any any (sid:30;)
pass tcp 10.1.0.0/16 any -> any 80 (sid:40;)
drop udp any any -> any 123 (sid:41;)
pass udp 10.1.0.0/16 any -> any 1:65535 (sid:42;)
pass tcp 10.1.0.0/16 any -> any 8000:9000 (sid:43;)
`
	fwd := stateless.DefaultAction{Action: flow.Forward}
	policy := firewall.Policy{Name: "sink", Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd,
		Groups: []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: []stateless.Rule{
			{Priority: 1, Sources: []netip.Prefix{bp("0.0.0.0/0")}, DestinationPorts: []flow.PortRange{{Lo: 8500, Hi: 8600}},
				Protocols: []flow.Protocol{flow.TCP}, Action: flow.Drop},
		}}}}},
		Stateful: stateful.Config{Order: stateful.StrictOrder, Defaults: stateful.Defaults{DropEstablished: true, AlertEstablished: true},
			Groups: []stateful.GroupRef{
				{Priority: 10, Group: stateful.RuleGroup{Name: "rules", RuleOrder: stateful.StrictOrder, RulesString: rules}},
				{Priority: 20, Group: stateful.RuleGroup{Name: "domains", RuleOrder: stateful.StrictOrder,
					DomainList: &stateful.DomainList{Targets: []string{".example.com"}, TargetTypes: []string{"TLS_SNI", "HTTP_HOST"}, Type: "ALLOWLIST"}}},
			}}}

	nat := reach.NATGateway{ID: "nat-a", Subnet: "subnet-pub", PrivateIP: ba("10.1.1.100"), PublicIP: ba("203.0.113.100")}
	if o.natSecondary {
		nat.Secondary = []reach.NATAddress{{PrivateIP: ba("10.1.1.101"), PublicIP: ba("203.0.113.101")}}
	}
	privRoutes := []reach.Route{
		route("0.0.0.0/0", reach.TargetNATGateway, "nat-a"),
		route("::/0", reach.TargetEgressOnlyInternetGateway, "eigw-a"),
		route("10.2.0.0/16", reach.TargetTransitGateway, "tgw-1"),
		route("10.3.0.0/16", reach.TargetPeering, "pcx-ac"),
		{PrefixList: "pl-corp", Target: reach.TargetNATGateway, TargetID: "nat-a"},
	}
	if o.unresolvedList {
		privRoutes = append(privRoutes, reach.Route{PrefixList: "pl-missing", Target: reach.TargetBlackhole, TargetID: "nat-gone"})
	}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.1.0.0/16"), bp("2001:db8:a::/56")}, MainRouteTable: "rtb-priv", DefaultACL: "acl-a-def"},
			reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{bp("10.2.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b-def"},
			reach.VPC{ID: "vpc-c", CIDRs: []netip.Prefix{bp("10.3.0.0/16")}, MainRouteTable: "rtb-c", DefaultACL: "acl-c-def"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-a", VPC: "vpc-a"}).
		AddPrefixList(reach.PrefixList{ID: "pl-corp", Entries: append([]netip.Prefix{bp("192.0.2.0/24"), bp("198.51.100.128/25")}, o.plExtra...)}).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-edge", VPC: "vpc-a", Gateways: []string{"igw-a"}, Routes: []reach.Route{
				route("10.1.1.0/24", reach.TargetFirewallEndpoint, "vpce-a"),
				route("2001:db8:a:1::/64", reach.TargetFirewallEndpoint, "vpce-a")}},
			reach.RouteTable{ID: "rtb-fw", VPC: "vpc-a", Routes: []reach.Route{
				route("0.0.0.0/0", reach.TargetInternetGateway, "igw-a"), route("::/0", reach.TargetInternetGateway, "igw-a")}},
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{
				route("0.0.0.0/0", reach.TargetFirewallEndpoint, "vpce-a"), route("::/0", reach.TargetFirewallEndpoint, "vpce-a"),
				route("10.2.0.0/16", reach.TargetTransitGateway, "tgw-1")}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-a", Routes: privRoutes},
			reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: append([]reach.Route{route("10.1.0.0/16", reach.TargetTransitGateway, "tgw-1")}, o.rtbBExtra...)},
			reach.RouteTable{ID: "rtb-c", VPC: "vpc-c", Routes: o.rtbC},
		).
		AddNetworkACL(nacl.NewDefault("acl-a-def", "vpc-a", true), nacl.NewDefault("acl-b-def", "vpc-b", false), nacl.NewDefault("acl-c-def", "vpc-c", false),
			privACL, pubACL, bACL).
		AddSubnet(
			reach.Subnet{ID: "subnet-fw", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.1.0.0/24"), bp("2001:db8:a::/64")}, RouteTable: "rtb-fw", AvailabilityZone: "az-1"},
			reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.1.1.0/24"), bp("2001:db8:a:1::/64")}, RouteTable: "rtb-pub", ACL: "acl-pub", AvailabilityZone: "az-1"},
			reach.Subnet{ID: "subnet-priv", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.1.2.0/24"), bp("2001:db8:a:2::/64")}, ACL: "acl-priv", AvailabilityZone: "az-1"},
			reach.Subnet{ID: "subnet-b", VPC: "vpc-b", CIDRs: []netip.Prefix{bp("10.2.1.0/24")}, ACL: "acl-b", AvailabilityZone: "az-1"},
			reach.Subnet{ID: "subnet-c", VPC: "vpc-c", CIDRs: []netip.Prefix{bp("10.3.1.0/24")}, AvailabilityZone: "az-1"},
		).
		AddNATGateway(nat).
		AddSecurityGroup(groups...).
		AddInterface(
			reach.Interface{ID: "eni-web", Name: "web-a", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.1.1.10"), ba("2001:db8:a:1::10")},
				PublicIP: ba("203.0.113.10"), Groups: []string{"sg-web"}},
			reach.Interface{ID: "eni-app", Name: "app-a", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{ba("10.1.2.20"), ba("2001:db8:a:2::20")}, Groups: []string{"sg-app"}},
			reach.Interface{ID: "eni-app2", Name: "app-a2", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{ba("10.1.2.200")}, Groups: aliGroups},
			reach.Interface{ID: "eni-b", Name: "app-b", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ba("10.2.1.10")}, Groups: []string{"sg-b"}},
			reach.Interface{ID: "eni-c", Name: "app-c", Subnet: "subnet-c", PrivateIPs: []netip.Addr{ba("10.3.1.10")}, Groups: []string{"sg-c"}},
		).
		AddFirewall(reach.Firewall{ID: "fw-a", VPC: "vpc-a", Policy: policy, Endpoints: []reach.FirewallEndpointSpec{{ID: "vpce-a", Subnet: "subnet-fw"}}}).
		AddPeering(reach.Peering{ID: "pcx-ac", RequesterVPC: "vpc-a", AccepterVPC: "vpc-c", Status: o.peerStatus}).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1", SecurityGroupReferencing: o.tgwSGRef}).
		AddTGWRouteTable(reach.TGWRouteTable{ID: "tgw-rtb", TransitGateway: "tgw-1", Routes: append([]reach.TGWRoute{
			{Destination: bp("10.1.0.0/16"), Attachment: "att-a"}, {Destination: bp("10.2.0.0/16"), Attachment: "att-b"}}, o.tgwExtra...)}).
		AddTGWAttachment(
			reach.TGWAttachment{ID: "att-a", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-a", Subnets: []string{"subnet-priv"}, RouteTable: "tgw-rtb"},
			reach.TGWAttachment{ID: "att-b", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-b", Subnets: []string{"subnet-b"}, RouteTable: "tgw-rtb"})
	if o.unresolvedList {
		b.AddUnresolvedPrefixList("pl-missing")
	}
	if o.unknownB {
		b.AddInterface(reach.Interface{ID: "eni-b2", Name: "app-b2", Subnet: "subnet-b", Groups: []string{"sg-b"}, AddressUnknown: "aws_instance.b2: private_ip"})
	}
	if o.unknownC {
		b.AddInterface(reach.Interface{ID: "eni-c2", Name: "app-c2", Subnet: "subnet-c", Groups: []string{"sg-c"}, AddressUnknown: "aws_instance.c2: private_ip"})
	}
	if o.twin {
		b.AddInterface(reach.Interface{ID: "eni-app3", Name: "app-a3", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{ba("10.1.2.150"), ba("2001:db8:a:2::150")}, Groups: []string{"sg-app"}})
	}
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

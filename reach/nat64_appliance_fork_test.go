package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// nat64ForkDesign: vpc-n (10.0.0.0/16, 2600:1f18:5::/56, igw-n).
// subnet-app (IPv6-only) routes 64:ff9b::/96 to eni-x, an appliance
// (source/destination check off; 10.0.1.20, 2600:1f18:5:1::20, public
// 54.0.0.20; group group) in subnet-pub, whose table holds pubRoutes and
// whose ACL is acl (nil: the default one). What subnet-pub may send the
// unchanged IPv6 packet to:
//   - nat-n (10.0.3.30, public 54.0.0.30) in subnet-nat, whose table
//     sends 0.0.0.0/0 to igw-n;
//   - pcx-nb, a peering with vpc-b, whose subnet-b routes 64:ff9b::/96 to
//     its NAT gateway nat-b;
//   - tgw-1 (attachments att-n in subnet-tgw of vpc-n, att-e in
//     subnet-e-tgw of vpc-e; its table sends 64:ff9b::/96 to att-e, and
//     vpc-n's IPv6 block back to att-n), whose subnet-e-tgw routes
//     64:ff9b::/96 to nat-e (10.2.1.30, public 54.0.0.40) in subnet-e-pub.
func nat64ForkDesign(group sg.Group, pubRoutes []reach.Route, acl *nacl.ACL) func() (*reach.Model, error) {
	r := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
	}
	return func() (*reach.Model, error) {
		b := reach.NewBuilder().
			AddVPC(
				reach.VPC{ID: "vpc-n", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:5::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-n"},
				reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{bp("10.1.0.0/16"), bp("2600:1f18:6::/56")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"},
				reach.VPC{ID: "vpc-e", CIDRs: []netip.Prefix{bp("10.2.0.0/16"), bp("2600:1f18:7::/56")}, MainRouteTable: "rtb-e-pub", DefaultACL: "acl-e"}).
			AddInternetGateway(
				reach.InternetGatewaySpec{ID: "igw-n", VPC: "vpc-n"},
				reach.InternetGatewaySpec{ID: "igw-b", VPC: "vpc-b"},
				reach.InternetGatewaySpec{ID: "igw-e", VPC: "vpc-e"}).
			AddNetworkACL(nacl.NewDefault("acl-n", "vpc-n", true), nacl.NewDefault("acl-b", "vpc-b", true), nacl.NewDefault("acl-e", "vpc-e", true))
		pubACL := ""
		if acl != nil {
			b = b.AddNetworkACL(*acl)
			pubACL = acl.ID
		}
		return b.
			AddPeering(reach.Peering{ID: "pcx-nb", RequesterVPC: "vpc-n", AccepterVPC: "vpc-b", Status: reach.PeeringActive}).
			AddTransitGateway(reach.TransitGateway{ID: "tgw-1"}).
			AddTGWRouteTable(reach.TGWRouteTable{ID: "tgw-rtb-1", TransitGateway: "tgw-1", Routes: []reach.TGWRoute{
				{Destination: bp("64:ff9b::/96"), Attachment: "att-e"},
				{Destination: bp("2600:1f18:5::/56"), Attachment: "att-n"}}}).
			AddTGWAttachment(
				reach.TGWAttachment{ID: "att-n", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-n", Subnets: []string{"subnet-tgw"}, RouteTable: "tgw-rtb-1", IPv6Support: true},
				reach.TGWAttachment{ID: "att-e", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-e", Subnets: []string{"subnet-e-tgw"}, RouteTable: "tgw-rtb-1", IPv6Support: true}).
			AddRouteTable(
				reach.RouteTable{ID: "rtb-pub", VPC: "vpc-n", Routes: pubRoutes},
				reach.RouteTable{ID: "rtb-app", VPC: "vpc-n", Routes: []reach.Route{
					r("64:ff9b::/96", reach.TargetInterface, "eni-x"), r("::/0", reach.TargetInternetGateway, "igw-n")}},
				reach.RouteTable{ID: "rtb-nat", VPC: "vpc-n", Routes: []reach.Route{r("0.0.0.0/0", reach.TargetInternetGateway, "igw-n")}},
				reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{
					r("64:ff9b::/96", reach.TargetNATGateway, "nat-b"), r("0.0.0.0/0", reach.TargetInternetGateway, "igw-b"),
					r("2600:1f18:5::/56", reach.TargetPeering, "pcx-nb")}},
				reach.RouteTable{ID: "rtb-e-tgw", VPC: "vpc-e", Routes: []reach.Route{r("64:ff9b::/96", reach.TargetNATGateway, "nat-e")}},
				reach.RouteTable{ID: "rtb-e-pub", VPC: "vpc-e", Routes: []reach.Route{
					r("0.0.0.0/0", reach.TargetInternetGateway, "igw-e"), r("2600:1f18:5::/56", reach.TargetTransitGateway, "tgw-1")}}).
			AddSubnet(
				reach.Subnet{AvailabilityZone: "us-east-1a", ID: "subnet-pub", VPC: "vpc-n", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:5:1::/64")}, RouteTable: "rtb-pub", ACL: pubACL},
				reach.Subnet{AvailabilityZone: "us-east-1a", ID: "subnet-app", VPC: "vpc-n", CIDRs: []netip.Prefix{bp("2600:1f18:5:2::/64")}, RouteTable: "rtb-app"},
				reach.Subnet{AvailabilityZone: "us-east-1a", ID: "subnet-nat", VPC: "vpc-n", CIDRs: []netip.Prefix{bp("10.0.3.0/24"), bp("2600:1f18:5:3::/64")}, RouteTable: "rtb-nat"},
				reach.Subnet{AvailabilityZone: "us-east-1a", ID: "subnet-tgw", VPC: "vpc-n", CIDRs: []netip.Prefix{bp("10.0.4.0/24"), bp("2600:1f18:5:4::/64")}, RouteTable: "rtb-nat"},
				reach.Subnet{AvailabilityZone: "us-east-1a", ID: "subnet-b", VPC: "vpc-b", CIDRs: []netip.Prefix{bp("10.1.1.0/24"), bp("2600:1f18:6:1::/64")}, RouteTable: "rtb-b"},
				reach.Subnet{AvailabilityZone: "us-east-1a", ID: "subnet-e-tgw", VPC: "vpc-e", CIDRs: []netip.Prefix{bp("10.2.0.0/24"), bp("2600:1f18:7::/64")}, RouteTable: "rtb-e-tgw"},
				reach.Subnet{AvailabilityZone: "us-east-1a", ID: "subnet-e-pub", VPC: "vpc-e", CIDRs: []netip.Prefix{bp("10.2.1.0/24"), bp("2600:1f18:7:1::/64")}, RouteTable: "rtb-e-pub"}).
			AddNATGateway(
				reach.NATGateway{ID: "nat-n", Subnet: "subnet-nat", PrivateIP: ba("10.0.3.30"), PublicIP: ba("54.0.0.30")},
				reach.NATGateway{ID: "nat-b", Subnet: "subnet-b", PrivateIP: ba("10.1.1.30"), PublicIP: ba("54.0.0.35")},
				reach.NATGateway{ID: "nat-e", Subnet: "subnet-e-pub", PrivateIP: ba("10.2.1.30"), PublicIP: ba("54.0.0.40")}).
			AddSecurityGroup(openGroup("sg-open")).
			AddSecurityGroup(group).
			AddInterface(
				reach.Interface{ID: "eni-x", Name: "nat64", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.0.1.20"), ba("2600:1f18:5:1::20")},
					PublicIP: ba("54.0.0.20"), Groups: []string{group.ID}, SourceDestCheckDisabled: true},
				reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ba("2600:1f18:5:2::10")}, Groups: []string{"sg-open"}}).
			Build()
	}
}

// nat64ForkGroups: an appliance group letting everything in, and out
// what its rules say.
func nat64ForkGroup(id string, out ...sg.Rule) sg.Group {
	all := func(peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	rules := append([]sg.Rule{all(sg.AnyIPv4), all(sg.Peer{Kind: sg.PeerCIDR, CIDR: bp("::/0")})}, out...)
	return sg.Group{ID: id, Name: id, Rules: rules}
}

// nat64ForkOut is an outbound rule to peer for proto (ports: all when
// empty).
func nat64ForkOut(proto flow.Protocol, peer sg.Peer, ports ...uint16) sg.Rule {
	r := sg.Rule{Direction: flow.Outbound, Protocol: proto, ICMPType: -1, ICMPCode: -1, Peer: peer}
	if len(ports) > 0 {
		r.Ports = flow.Single(ports[0])
	}
	return r
}

var anyIPv6Peer = sg.Peer{Kind: sg.PeerCIDR, CIDR: netip.MustParsePrefix("::/0")}

// TestNAT64ApplianceFork: a route sends 64:ff9b::/96 to an appliance
// that may or may not translate it (a NAT64 instance, or a plain
// forwarder: the input does not say), and the appliance's subnet sends
// the unchanged IPv6 packet somewhere it may pass (a NAT gateway, a
// peering, a transit gateway). Both possibilities are walked: the answer
// is Reachable only when both pass, Unreachable only when both are
// blocked, and Indeterminate (APPLIANCE_TRANSLATION_UNKNOWN at the
// appliance) when they differ. Before, only the unchanged packet was
// walked, so a certain block of it (the appliance's IPv6 egress group,
// its subnet's ACL, the peering) was a certain Unreachable while the
// translated packet passes, and a translated packet that fails could not
// make a Reachable answer doubtful.
func TestNAT64ApplianceFork(t *testing.T) {
	r := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
	}
	v4 := r("0.0.0.0/0", reach.TargetInternetGateway, "igw-n")
	toNAT := []reach.Route{v4, r("64:ff9b::/96", reach.TargetNATGateway, "nat-n")}
	toNATOnly := []reach.Route{r("64:ff9b::/96", reach.TargetNATGateway, "nat-n")}
	toPeering := []reach.Route{v4, r("64:ff9b::/96", reach.TargetPeering, "pcx-nb")}
	toTGW := []reach.Route{v4, r("64:ff9b::/96", reach.TargetTransitGateway, "tgw-1")}
	open := openGroup("sg-x")
	v4out := nat64ForkGroup("sg-v4out", nat64ForkOut(flow.AllProtocols, sg.AnyIPv4))
	noOut := nat64ForkGroup("sg-noout")
	// subnet-pub's ACL: all IPv4, IPv6 in from anywhere, IPv6 out to the VPC only
	acl := nacl.ACL{ID: "acl-pub", VPCID: "vpc-n", Subnets: []string{"subnet-pub"}, Entries: []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: bp("0.0.0.0/0")},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: bp("0.0.0.0/0")},
		{Number: 110, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: bp("::/0")},
		{Number: 110, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: bp("2600:1f18:5::/56")},
	}}
	tcp := reach.Query{From: "app", To: "64:ff9b::808:808", Protocol: flow.TCP, Port: 443}
	icmp := reach.Query{From: "app", To: "64:ff9b::808:808", Protocol: flow.ICMPv6}
	atu := reach.ApplianceTranslationUnknown
	for _, tc := range []struct {
		name   string
		group  sg.Group
		routes []reach.Route
		acl    *nacl.ACL
		q      reach.Query
		want   reach.Outcome
		codes  []reach.Code // nil: not compared
	}{
		{"both pass", open, toNAT, nil, tcp, reach.Reachable, []reach.Code{}},
		{"the appliance's group allows IPv4 egress only, to a NAT gateway", v4out, toNAT, nil, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"the appliance's subnet ACL lets IPv6 out to the VPC only", open, toNAT, &acl, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"the appliance's group allows IPv4 egress only, to a peering", v4out, toPeering, nil, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"unchanged, to a peering", open, toPeering, nil, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"the appliance's group allows IPv4 egress only, to a transit gateway", v4out, toTGW, nil, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"unchanged passes, translated has no route", open, toNATOnly, nil, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"ICMPv6, unchanged blocked, translation not modelled", v4out, toNAT, nil, icmp, reach.Indeterminate, []reach.Code{atu}},
		{"translated or not, the packet fails", noOut, toNAT, nil, tcp, reach.Unreachable, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := nat64ForkDesign(tc.group, tc.routes, tc.acl)
			m, err := build()
			require.NoError(t, err)
			res, err := m.Check(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Outcome, res.Text())
			if tc.codes != nil {
				assert.Equal(t, tc.codes, res.Codes(), res.Text())
			}
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict")
			ref, err := buildReference(t, build).Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, pathOf(ref), pathOf(res), "the slow reference walk")
			if tc.want != reach.Indeterminate {
				assert.Empty(t, res.Undecided(), res.Text())
				return
			}
			und := res.Undecided()
			require.Len(t, und, 1, res.Text())
			assert.Equal(t, reach.KindInterface, und[0].Kind, res.Text())
			assert.Equal(t, "eni-x", und[0].ID, res.Text())
			assert.Contains(t, und[0].Missing, "eni-x", res.Text())
		})
	}
}

// TestNAT64ApplianceForkPorts: Ports agrees with Verdict per port when
// the appliance's group lets IPv6 out on tcp/80 only, IPv4 out on
// tcp/443 only and both on tcp/8080, and its subnet routes the prefix to
// a NAT gateway: 8080 open (both possibilities pass), 80 and 443
// undecided (one passes, the other is blocked), every other port closed.
func TestNAT64ApplianceForkPorts(t *testing.T) {
	g := nat64ForkGroup("sg-mixed",
		nat64ForkOut(flow.TCP, anyIPv6Peer, 80), nat64ForkOut(flow.TCP, sg.AnyIPv4, 443),
		nat64ForkOut(flow.TCP, anyIPv6Peer, 8080), nat64ForkOut(flow.TCP, sg.AnyIPv4, 8080))
	routes := []reach.Route{
		{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-n"},
		{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-n"}}
	m, err := nat64ForkDesign(g, routes, nil)()
	require.NoError(t, err)
	p, err := m.Ports(reach.PortsQuery{From: "app", To: "64:ff9b::808:808", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.Equal(t, "8080", p.Open.String())
	assert.Equal(t, "80,443", p.Indeterminate.String())
	for _, tc := range []struct {
		port uint16
		want reach.Outcome
	}{
		{22, reach.Unreachable}, {79, reach.Unreachable}, {80, reach.Indeterminate}, {81, reach.Unreachable},
		{443, reach.Indeterminate}, {8080, reach.Reachable}, {8081, reach.Unreachable},
	} {
		q := reach.Query{From: "app", To: "64:ff9b::808:808", Protocol: flow.TCP, Port: tc.port}
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, v, "Verdict, port %d", tc.port)
		res, err := m.Check(q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, res.Outcome, "Check, port %d\n%s", tc.port, res.Text())
	}
	// a cut names the hop of the port's own trace: the appliance's
	for _, c := range p.Cuts {
		if c.Ports.Contains(80) || c.Ports.Contains(443) {
			assert.Equal(t, reach.ApplianceTranslationUnknown, c.Code, "%+v", c)
			assert.Equal(t, "eni-x", c.ID, "%+v", c)
		}
	}
	// ICMPv6: unchanged, the IPv6 egress group blocks every echo; the
	// translation of ICMPv6 is not modelled: undecided, as Verdict says
	pi, err := m.Ports(reach.PortsQuery{From: "app", To: "64:ff9b::808:808", Protocol: flow.ICMPv6})
	require.NoError(t, err)
	assert.Empty(t, pi.ICMP)
	v, err := m.Verdict(reach.Query{From: "app", To: "64:ff9b::808:808", Protocol: flow.ICMPv6})
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v)
	assert.True(t, slices.ContainsFunc(pi.ICMPIndeterminate, func(c reach.ICMPCodes) bool { return c.Type == flow.ICMPv6EchoRequest }),
		"%+v", pi.ICMPIndeterminate)
}

package reach_test

// A dual-stack VPC whose private subnet sends IPv4 and 64:ff9b::/96 to a
// public NAT gateway (NAT64) and the rest of IPv6 to an egress-only or
// internet gateway: the designs of the tests of Diff and Fix on NAT64 and
// unmodelled blocks.

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

func dnRoute(dst string, k reach.TargetKind, id string) reach.Route {
	return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
}

// dnDesign is dualStackDesign with subnet-pub (web, nat-a) on its own
// ACL acl-pub, whose outbound IPv4 lets only the ephemeral ports
// through (IPv6 all): a NAT64 session from v6 to 198.51.100.7:443 is
// cut at acl-pub outbound, after nat-a translated it; so are web's and
// app's IPv4 sessions to that host.
func dnDesign(t *testing.T) *reach.Model {
	t.Helper()
	all4, all6 := bp("0.0.0.0/0"), bp("::/0")
	pub := nacl.ACL{ID: "acl-pub", VPCID: "vpc-a", Subnets: []string{"subnet-pub"}, Entries: []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: all4},
		{Number: 101, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: all6},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.TCP, CIDR: all4, Ports: flow.PortRange{Lo: 1024, Hi: 65535}},
		{Number: 101, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: all6},
	}}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:1::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-a", VPC: "vpc-a"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true), pub).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{
				dnRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-a"), dnRoute("::/0", reach.TargetInternetGateway, "igw-a")}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-a", Routes: []reach.Route{
				dnRoute("0.0.0.0/0", reach.TargetNATGateway, "nat-a"), dnRoute("::/0", reach.TargetEgressOnlyInternetGateway, "eigw-a"),
				dnRoute("64:ff9b::/96", reach.TargetNATGateway, "nat-a")}}).
		AddSubnet(
			reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:1:1::/64")}, RouteTable: "rtb-pub", ACL: "acl-pub"},
			reach.Subnet{ID: "subnet-priv", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.2.0/24"), bp("2600:1f18:1:2::/64")}, RouteTable: "rtb-priv"},
			reach.Subnet{ID: "subnet-v6", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("2600:1f18:1:3::/64")}, RouteTable: "rtb-priv"}).
		AddNATGateway(reach.NATGateway{ID: "nat-a", Subnet: "subnet-pub", PrivateIP: ba("10.0.1.5"), PublicIP: ba("54.0.0.5")}).
		AddSecurityGroup(openGroup("sg-open"))
	b.AddInterface(
		reach.Interface{ID: "eni-web", Name: "web", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.0.1.10"), ba("2600:1f18:1:1::10")}, PublicIP: ba("54.0.0.10"), Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{ba("10.0.2.10"), ba("2600:1f18:1:2::10")}, Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-v6", Name: "v6", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2600:1f18:1:3::10")}, Groups: []string{"sg-open"}})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// dnAlsoHas reports whether also lists a tcp session from -> to that
// gained (or lost) port 443.
func dnAlsoHas(also []reach.SessionChange, from, to string, gained bool) bool {
	return slices.ContainsFunc(also, func(s reach.SessionChange) bool {
		ports := s.Lost
		if gained {
			ports = s.Gained
		}
		return s.From == from && s.To == to && s.Protocol == flow.TCP && ports.Contains(443)
	})
}

// dnDual builds dualStackDesign's VPC (without subnet-v6) with
// rtb-priv's IPv6 default route v6 and the given unmodelled blocks:
// subnet-priv (app) routes 0.0.0.0/0 and 64:ff9b::/96 to nat-a, a public
// NAT gateway in subnet-pub (web); ACLs and groups are open.
func dnDual(t *testing.T, v6 reach.Route, blocks ...reach.UnmodelledBlock) *reach.Model {
	t.Helper()
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:1::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-a", VPC: "vpc-a"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true)).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{
				dnRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-a"), dnRoute("::/0", reach.TargetInternetGateway, "igw-a")}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-a", Routes: []reach.Route{
				dnRoute("0.0.0.0/0", reach.TargetNATGateway, "nat-a"), v6,
				dnRoute("64:ff9b::/96", reach.TargetNATGateway, "nat-a")}}).
		AddSubnet(
			reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:1:1::/64")}, RouteTable: "rtb-pub"},
			reach.Subnet{ID: "subnet-priv", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.2.0/24"), bp("2600:1f18:1:2::/64")}, RouteTable: "rtb-priv"}).
		AddNATGateway(reach.NATGateway{ID: "nat-a", Subnet: "subnet-pub", PrivateIP: ba("10.0.1.5"), PublicIP: ba("54.0.0.5")}).
		AddSecurityGroup(openGroup("sg-open")).
		AddUnmodelledBlock(blocks...)
	b.AddInterface(
		reach.Interface{ID: "eni-web", Name: "web", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.0.1.10"), ba("2600:1f18:1:1::10")}, PublicIP: ba("54.0.0.10"), Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{ba("10.0.2.10"), ba("2600:1f18:1:2::10")}, Groups: []string{"sg-open"}})
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

func dnEIGW(t *testing.T, blocks ...reach.UnmodelledBlock) *reach.Model {
	return dnDual(t, dnRoute("::/0", reach.TargetEgressOnlyInternetGateway, "eigw-a"), blocks...)
}

// dnVerdict is m's answer to from -> to over tcp/443.
func dnVerdict(t *testing.T, m *reach.Model, from, to string) reach.Outcome {
	t.Helper()
	v, err := m.Verdict(reach.Query{From: from, To: to, Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	return v
}

// dnPairAt returns the change of the pair from the group holding
// interface id to the internet, and the address change holding a.
func dnPairAt(d *reach.DiffResult, id string, a netip.Addr) (reach.PairChange, *reach.AddressChange, bool) {
	group := ""
	for _, g := range d.Groups {
		if slices.ContainsFunc(g.Members, func(c reach.ClassMember) bool { return c.ID == id }) {
			group = g.Name
		}
	}
	for _, c := range d.Changes {
		if c.From != group || c.To != reach.InternetNode {
			continue
		}
		for i, ac := range c.Addresses {
			if slices.ContainsFunc(ac.Addresses, func(p netip.Prefix) bool { return p.Contains(a) }) {
				return c, &c.Addresses[i], true
			}
		}
		return c, nil, true
	}
	return reach.PairChange{}, nil, false
}

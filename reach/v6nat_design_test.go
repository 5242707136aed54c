package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// The design of audit v6nat25 (IPv6, egress-only gateways, NAT64), for
// the regression tests of its findings 3 to 6.

// v6nOpts tweaks v6nDesign.
type v6nOpts struct {
	noV6Route     bool      // rtb-v6 lacks 64:ff9b::/96
	nat64ToEIGW   bool      // rtb-v6 sends 64:ff9b::/96 to the eigw
	noPrivV6Route bool      // rtb-priv lacks ::/0 -> eigw
	pubACL        *nacl.ACL // custom ACL for subnet-pub (holds web and nat-1)
	webRules      []sg.Rule // replaces web's rules
	noIGW         bool      // no internet gateway: igw routes dropped, nat-1 private
	webApart      bool      // web in subnet-web (10.0.2.0/24, rtb-pub), apart from nat-1, at 10.0.2.10 / 2600:1f18:aa00:3::10
	webACL        *nacl.ACL // custom ACL for subnet-web (with webApart)
}

// v6nDesign: vpc-a 10.0.0.0/16 + 2600:1f18:aa00::/56 with igw-a and eigw-a.
//   - subnet-pub (10.0.0.0/24, 2600:1f18:aa00::/64): 0/0 and ::/0 -> igw. web 10.0.0.10 / ::10, EIP 198.51.100.10;
//     nat-1 10.0.0.5 (EIP 198.51.100.5).
//   - subnet-priv (10.0.1.0/24, 2600:1f18:aa00:1::/64): 0/0 -> nat-1, ::/0 -> eigw, 64:ff9b::/96 -> nat-1. app (open group).
//   - subnet-v6 (IPv6-only 2600:1f18:aa00:2::/64): ::/0 -> eigw, 64:ff9b::/96 -> nat-1. v6 (open group).
//   - with webApart, subnet-web (10.0.2.0/24, 2600:1f18:aa00:3::/64, rtb-pub, webACL) holds web (10.0.2.10 / :3::10).
func v6nDesign(o v6nOpts) *reach.Builder {
	b := reach.NewBuilder()
	b.AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:aa00::/56")}, MainRouteTable: "rtb-main", DefaultACL: "acl-a"})
	v6routes := []reach.Route{{Destination: bp("::/0"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-a"}}
	switch {
	case o.nat64ToEIGW:
		v6routes = append(v6routes, reach.Route{Destination: bp("64:ff9b::/96"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-a"})
	case !o.noV6Route:
		v6routes = append(v6routes, reach.Route{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-1"})
	}
	privRoutes := []reach.Route{
		{Destination: bp("0.0.0.0/0"), Target: reach.TargetNATGateway, TargetID: "nat-1"},
		{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-1"},
	}
	if !o.noPrivV6Route {
		privRoutes = append(privRoutes, reach.Route{Destination: bp("::/0"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-a"})
	}
	pubRoutes := []reach.Route{
		{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"},
		{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}
	if o.noIGW {
		pubRoutes = []reach.Route{{Destination: bp("::/0"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-a"}}
	}
	b.AddRouteTable(
		reach.RouteTable{ID: "rtb-main", VPC: "vpc-a"},
		reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: pubRoutes},
		reach.RouteTable{ID: "rtb-priv", VPC: "vpc-a", Routes: privRoutes},
		reach.RouteTable{ID: "rtb-v6", VPC: "vpc-a", Routes: v6routes},
	)
	b.AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true))
	if o.pubACL != nil {
		a := *o.pubACL
		a.Subnets = []string{"subnet-pub"}
		b.AddNetworkACL(a)
	}
	webACLID := ""
	if o.webACL != nil {
		a := *o.webACL
		a.Subnets = []string{"subnet-web"}
		b.AddNetworkACL(a)
		webACLID = a.ID
	}
	if !o.noIGW {
		b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"})
	}
	b.AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-a", VPC: "vpc-a"})
	webRules := o.webRules
	if webRules == nil {
		webRules = []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.CIDR("0.0.0.0/0")},
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), Peer: sg.CIDR("::/0")},
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.CIDR("0.0.0.0/0")},
			{Direction: flow.Inbound, Protocol: flow.ICMPv6, ICMPType: 128, ICMPCode: -1, Peer: sg.CIDR("::/0")},
			{Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("0.0.0.0/0")},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6},
		}
	}
	b.AddSecurityGroup(openGroup("sg-open"), sg.Group{ID: "sg-web", Name: "web", VPCID: "vpc-a", Rules: webRules})
	pubACLID := ""
	if o.pubACL != nil {
		pubACLID = o.pubACL.ID
	}
	b.AddSubnet(
		reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/24"), bp("2600:1f18:aa00::/64")}, RouteTable: "rtb-pub", ACL: pubACLID},
		reach.Subnet{ID: "subnet-priv", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:aa00:1::/64")}, RouteTable: "rtb-priv"},
		reach.Subnet{ID: "subnet-v6", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("2600:1f18:aa00:2::/64")}, RouteTable: "rtb-v6"},
	)
	webSubnet, webIPs := "subnet-pub", []netip.Addr{ba("10.0.0.10"), ba("2600:1f18:aa00::10")}
	if o.webApart {
		b.AddSubnet(reach.Subnet{ID: "subnet-web", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.2.0/24"), bp("2600:1f18:aa00:3::/64")}, RouteTable: "rtb-pub", ACL: webACLID})
		webSubnet, webIPs = "subnet-web", []netip.Addr{ba("10.0.2.10"), ba("2600:1f18:aa00:3::10")}
	}
	if o.noIGW {
		b.AddNATGateway(reach.NATGateway{ID: "nat-1", Subnet: "subnet-pub", PrivateIP: ba("10.0.0.5"), Private: true})
	} else {
		b.AddNATGateway(reach.NATGateway{ID: "nat-1", Subnet: "subnet-pub", PrivateIP: ba("10.0.0.5"), PublicIP: ba("198.51.100.5")})
	}
	webPub := ba("198.51.100.10")
	if o.noIGW {
		webPub = netip.Addr{}
	}
	b.AddInterface(
		reach.Interface{ID: "eni-web", Name: "web", Subnet: webSubnet, PrivateIPs: webIPs, PublicIP: webPub, Groups: []string{"sg-web"}},
		reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{ba("10.0.1.10"), ba("2600:1f18:aa00:1::10")}, Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-v6", Name: "v6", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2600:1f18:aa00:2::10")}, Groups: []string{"sg-open"}},
	)
	return b
}

func v6nModel(t *testing.T, o v6nOpts) *reach.Model {
	t.Helper()
	m, err := v6nDesign(o).Build()
	require.NoError(t, err)
	return m
}

// v6nCheck runs Check and Verdict and asserts they agree with want.
func v6nCheck(t *testing.T, m *reach.Model, q reach.Query, want reach.Outcome) *reach.Result {
	t.Helper()
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, want, r.Outcome, "Check %+v\n%s", q, r.Text())
	v, err := m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, want, v, "Verdict %+v", q)
	return r
}

const v6nInet6 = "2606:4700::1111"

func v6nACL(entries ...string) *nacl.ACL { return v6nACLNamed("acl-pub", entries...) }

// v6nACLNamed is a custom ACL id of vpc-a holding entries.
func v6nACLNamed(id string, entries ...string) *nacl.ACL {
	a := nacl.NewCustom(id, "vpc-a")
	for _, e := range entries {
		a.Entries = append(a.Entries, nacl.MustParseEntry(e))
	}
	return &a
}

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

// nat64OwnHopsDesign is nat64ApplianceDesign (nat64_appliance_test.go)
// with the appliance's own IPv6 handling varied: its group (group), the
// routes of its subnet's table (pubRoutes) and its subnet's ACL (acl,
// nil: the default one). subnet-pub also holds NAT gateway nat-n
// (10.0.1.30, public 54.0.0.30), which only a route of pubRoutes can
// reach. A NAT64 instance receives the IPv6 packet and sends an IPv4
// one: the untranslated IPv6 packet never leaves it, so its IPv6 egress
// rules, its subnet's IPv6 routes and its subnet's IPv6 outbound ACL
// entries have no say over the translated request.
func nat64OwnHopsDesign(group sg.Group, pubRoutes []reach.Route, acl *nacl.ACL) func() (*reach.Model, error) {
	r := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
	}
	return func() (*reach.Model, error) {
		b := reach.NewBuilder().
			AddVPC(reach.VPC{ID: "vpc-n", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:5::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-n"}).
			AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-n", VPC: "vpc-n"}).
			AddNetworkACL(nacl.NewDefault("acl-n", "vpc-n", true))
		pubACL := ""
		if acl != nil {
			b = b.AddNetworkACL(*acl)
			pubACL = acl.ID
		}
		return b.
			AddRouteTable(
				reach.RouteTable{ID: "rtb-pub", VPC: "vpc-n", Routes: pubRoutes},
				reach.RouteTable{ID: "rtb-app", VPC: "vpc-n", Routes: []reach.Route{
					r("64:ff9b::/96", reach.TargetInterface, "eni-x"), r("::/0", reach.TargetInternetGateway, "igw-n")}}).
			AddSubnet(
				reach.Subnet{ID: "subnet-pub", VPC: "vpc-n", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:5:1::/64")}, RouteTable: "rtb-pub", ACL: pubACL},
				reach.Subnet{ID: "subnet-app", VPC: "vpc-n", CIDRs: []netip.Prefix{bp("2600:1f18:5:2::/64")}, RouteTable: "rtb-app"}).
			AddNATGateway(reach.NATGateway{ID: "nat-n", Subnet: "subnet-pub", PrivateIP: ba("10.0.1.30"), PublicIP: ba("54.0.0.30")}).
			AddSecurityGroup(openGroup("sg-open")).
			AddSecurityGroup(group).
			AddInterface(
				reach.Interface{ID: "eni-x", Name: "nat64", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{ba("10.0.1.20"), ba("2600:1f18:5:1::20")},
					PublicIP: ba("54.0.0.20"), Groups: []string{group.ID}, SourceDestCheckDisabled: true},
				reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-app", PrivateIPs: []netip.Addr{ba("2600:1f18:5:2::10")}, Groups: []string{"sg-open"}}).
			Build()
	}
}

// TestNAT64ApplianceOwnIPv6Hops: through a NAT64 instance the IPv6
// request ends at the appliance and an IPv4 one leaves it (RFC 6146; the
// NAT64 instance design: Jool, Tayga). When the appliance's subnet's
// routes alone doom the unchanged IPv6 packet (no route, a blackhole,
// the internet gateway or an egress-only one, which forward it
// untranslated), the appliance's own IPv6 egress (its groups, its
// subnet's IPv6 route, its subnet's outbound ACL) cannot decide: the
// walk forks at the appliance, undecided (APPLIANCE_TRANSLATION_UNKNOWN),
// and goes on as the translated IPv4 packet. The answer is Indeterminate
// unless the translated packet fails too. When the unchanged packet may
// get somewhere (here: to a NAT gateway, which translates it), both
// possibilities are walked (TestNAT64ApplianceFork); here both pass. Found by audit late16 (finding 1): an IPv4-only
// egress group, a subnet without an IPv6 route, or an ACL letting IPv6
// out only to the VPC gave a certain Unreachable.
func TestNAT64ApplianceOwnIPv6Hops(t *testing.T) {
	r := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
	}
	all := func(dir flow.Direction, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	anyV6 := sg.Peer{Kind: sg.PeerCIDR, CIDR: bp("::/0")}
	// IPv6 in from anywhere, IPv4 out only: a NAT64 instance's group
	v4out := sg.Group{ID: "sg-v4out", Name: "sg-v4out", Rules: []sg.Rule{
		all(flow.Inbound, sg.AnyIPv4), all(flow.Inbound, anyV6), all(flow.Outbound, sg.AnyIPv4)}}
	// IPv6 in from anywhere, nothing out: both possibilities fail
	noOut := sg.Group{ID: "sg-noout", Name: "sg-noout", Rules: []sg.Rule{all(flow.Inbound, anyV6)}}
	both := []reach.Route{r("0.0.0.0/0", reach.TargetInternetGateway, "igw-n"), r("::/0", reach.TargetInternetGateway, "igw-n")}
	v4only := []reach.Route{r("0.0.0.0/0", reach.TargetInternetGateway, "igw-n")}
	blackhole := []reach.Route{r("0.0.0.0/0", reach.TargetInternetGateway, "igw-n"), r("::/0", reach.TargetBlackhole, "")}
	toNAT := []reach.Route{r("0.0.0.0/0", reach.TargetInternetGateway, "igw-n"), r("64:ff9b::/96", reach.TargetNATGateway, "nat-n")}
	none := []reach.Code{}
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
		codes  []reach.Code
	}{
		{"baseline", openGroup("sg-x"), both, nil, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"the appliance's group allows IPv4 egress only", v4out, both, nil, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"the appliance's subnet routes IPv4 only", openGroup("sg-x"), v4only, nil, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"the appliance's subnet blackholes IPv6", openGroup("sg-x"), blackhole, nil, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"the appliance's subnet ACL lets IPv6 out to the VPC only", openGroup("sg-x"), both, &acl, tcp, reach.Indeterminate, []reach.Code{atu}},
		{"ICMPv6 through an IPv4-only egress group ends at the appliance", v4out, both, nil, icmp, reach.Indeterminate, []reach.Code{atu}},
		{"translated or not, the packet fails", noOut, both, nil, tcp, reach.Unreachable, []reach.Code{atu, reach.SGNoAllow}},
		{"unchanged, the packet reaches a NAT gateway; translated, the internet: both pass", openGroup("sg-x"), toNAT, nil, tcp, reach.Reachable, none},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := nat64OwnHopsDesign(tc.group, tc.routes, tc.acl)
			m, err := build()
			require.NoError(t, err)
			res, err := m.Check(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Outcome, res.Text())
			assert.Equal(t, tc.codes, res.Codes(), res.Text())
			assert.NotContains(t, res.Text(), "through a NAT gateway)", "the query's header")
			v, err := m.Verdict(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict")
			ref, err := buildReference(t, build).Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, pathOf(ref), pathOf(res), "the slow reference walk")
			if tc.want == reach.Indeterminate {
				und := res.Undecided()
				require.NotEmpty(t, und, res.Text())
				assert.Contains(t, und[0].Missing, "eni-x", res.Text())
			}
		})
	}
}

// TestNAT64ApplianceOwnIPv6HopsPorts: Ports agrees with single checks
// when the appliance's group lets IPv4 out on tcp/443 only and IPv6 out
// not at all: 443 undecided (the appliance may translate), every other
// port Unreachable (translated or not, the packet fails).
func TestNAT64ApplianceOwnIPv6HopsPorts(t *testing.T) {
	g := sg.Group{ID: "sg-443", Name: "sg-443", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: bp("::/0")}},
		{Direction: flow.Outbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443), ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}}
	routes := []reach.Route{
		{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-n"},
		{Destination: bp("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-n"}}
	m, err := nat64OwnHopsDesign(g, routes, nil)()
	require.NoError(t, err)
	p, err := m.Ports(reach.PortsQuery{From: "app", To: "64:ff9b::808:808", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.True(t, p.Open.IsEmpty(), p.Open.String())
	assert.Equal(t, "443", p.Indeterminate.String())
	for _, port := range []uint16{80, 442, 443, 444} {
		want := reach.Unreachable
		if port == 443 {
			want = reach.Indeterminate
		}
		v, err := m.Verdict(reach.Query{From: "app", To: "64:ff9b::808:808", Protocol: flow.TCP, Port: port})
		require.NoError(t, err)
		assert.Equal(t, want, v, "port %d", port)
	}
}

package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

func pfxs(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

func cidrRoute(dst string, kind reach.TargetKind, id string) reach.Route {
	return reach.Route{Destination: netip.MustParsePrefix(dst), Target: kind, TargetID: id}
}

// openGroup allows everything in and out, IPv4 and IPv6.
func openGroup(id string) sg.Group {
	all := func(dir flow.Direction, peer sg.Peer) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: peer}
	}
	return sg.Group{ID: id, Name: id, Rules: []sg.Rule{
		all(flow.Inbound, sg.AnyIPv4), all(flow.Inbound, sg.AnyIPv6), all(flow.Outbound, sg.AnyIPv4), all(flow.Outbound, sg.AnyIPv6),
	}}
}

// gwDesign is one dual-stack VPC without an internet gateway: subnet
// "priv" holds app (10.3.1.10, 2001:db8:30:1::10) and routes IPv6 to an
// egress-only internet gateway and S3's prefix list to a gateway
// endpoint. Network ACLs and security groups are open.
func gwDesign() *sample.Design {
	d := &sample.Design{}
	d.VPCs = []reach.VPC{{ID: "vpc-g", CIDRs: pfxs("10.3.0.0/16", "2001:db8:30::/56"), MainRouteTable: "rtb-main", DefaultACL: "acl-g"}}
	d.ACLs = []nacl.ACL{nacl.NewDefault("acl-g", "vpc-g", true)}
	d.RouteTables = []reach.RouteTable{
		{ID: "rtb-main", VPC: "vpc-g"},
		{ID: "rtb-priv", VPC: "vpc-g", Routes: []reach.Route{
			cidrRoute("::/0", reach.TargetEgressOnlyInternetGateway, "eigw-g"),
			{PrefixList: "pl-s3", Target: reach.TargetGatewayEndpoint, TargetID: "vpce-s3"},
		}},
	}
	d.Subnets = []reach.Subnet{{ID: "subnet-priv", VPC: "vpc-g", CIDRs: pfxs("10.3.1.0/24", "2001:db8:30:1::/64"), RouteTable: "rtb-priv"}}
	d.Groups = []sg.Group{openGroup("sg-open")}
	d.Interfaces = []reach.Interface{{ID: "eni-app", Name: "app", Subnet: "subnet-priv", PrivateIPs: addrs("10.3.1.10", "2001:db8:30:1::10"), Groups: []string{"sg-open"}}}
	return d
}

var s3List = reach.PrefixList{ID: "pl-s3", Name: "com.amazonaws.us-east-1.s3", Entries: pfxs("52.216.0.0/15", "3.5.0.0/19")}

func gwBuilder(d *sample.Design, custom bool) *reach.Builder {
	return d.Builder().AddPrefixList(s3List).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-g", VPC: "vpc-g"}).
		AddGatewayEndpoint(reach.GatewayEndpoint{ID: "vpce-s3", VPC: "vpc-g", Service: "com.amazonaws.us-east-1.s3", PrefixList: "pl-s3", CustomPolicy: custom})
}

func buildGW(t *testing.T, d *sample.Design) *reach.Model {
	t.Helper()
	m, err := gwBuilder(d, false).Build()
	require.NoError(t, err)
	return m
}

func hopOf(hops []reach.Hop, k reach.Kind) (reach.Hop, bool) {
	for _, h := range hops {
		if h.Kind == k {
			return h, true
		}
	}
	return reach.Hop{}, false
}

func TestEgressOnlyInternetGateway(t *testing.T) {
	m := buildGW(t, gwDesign())
	t.Run("IPv6 out through it is reachable, and the reply comes back through it", func(t *testing.T) {
		q := reach.Query{From: "app", To: "2001:db8:ff::7", Protocol: flow.TCP, Port: 443}
		reachtest.AssertReachable(t, m, q)
		r := check(t, m, q)
		assert.Equal(t, []reach.Kind{reach.KindSecurityGroups, reach.KindRouteTable, reach.KindNetworkACL, reach.KindEgressOnlyInternetGateway, reach.KindInternet}, kinds(r.Forward))
		assert.Equal(t, []reach.Kind{reach.KindEgressOnlyInternetGateway, reach.KindNetworkACL, reach.KindSecurityGroups}, kinds(r.Return))
		assert.Equal(t, netip.MustParseAddr("2001:db8:30:1::10"), r.Forward[4].Packet.Src.Addr(), "no address is translated")
	})
	t.Run("nothing from the internet comes in through it", func(t *testing.T) {
		reachtest.AssertNotReachable(t, m, reach.Query{From: "2001:db8:ff::7", To: "app", Protocol: flow.TCP, Port: 443}, reach.EgressOnlyNoInbound)
		r := check(t, m, reach.Query{From: "2001:db8:ff::7", To: "2001:db8:30:1::10", Protocol: flow.TCP, Port: 443})
		b, _ := r.First()
		assert.Equal(t, "eigw-g", b.ID)
		assert.Contains(t, b.Fix, "attach an internet gateway to vpc-g")
	})
	// An internet gateway beside it does not open the subnet: the
	// request comes in through the internet gateway, and the reply,
	// routed to the egress-only gateway, which did not carry the
	// connection out, is dropped (AWS routes a subnet's ::/0 to an
	// egress-only internet gateway to keep the internet from opening
	// connections to it:
	// https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway-basics.html).
	// Routing the subnet's ::/0 to the internet gateway opens it.
	t.Run("an internet gateway beside it does not let the internet in", func(t *testing.T) {
		d := gwDesign()
		d.InternetGateways = []reach.InternetGatewaySpec{{ID: "igw-g", VPC: "vpc-g"}}
		m := buildGW(t, d)
		q := reach.Query{From: "2001:db8:ff::7", To: "app", Protocol: flow.TCP, Port: 443}
		reachtest.AssertReplyBlocked(t, m, q, reach.EgressOnlyNoInbound)
		r := check(t, m, q)
		assert.Equal(t, reach.KindInternetGateway, r.Forward[0].Kind)
		b, ok := r.First()
		require.True(t, ok)
		assert.Equal(t, "eigw-g", b.ID)
		assert.Equal(t, reach.Return, b.Leg)
		assert.Contains(t, b.Fix, "rtb-priv")
		reachtest.AssertReachable(t, m, reach.Query{From: "app", To: "2001:db8:ff::7", Protocol: flow.TCP, Port: 443}, "app still opens connections through the egress-only gateway")

		d.RouteTables[1].Routes[0] = cidrRoute("::/0", reach.TargetInternetGateway, "igw-g")
		reachtest.AssertReachable(t, buildGW(t, d), q, "::/0 to the internet gateway: in and out through it")
	})
	t.Run("IPv4 does not go through it", func(t *testing.T) {
		reachtest.AssertNotReachable(t, m, tcp("app", "93.184.216.34", 443), reach.NoRoute)
		d := gwDesign()
		d.RouteTables[1].Routes = append(d.RouteTables[1].Routes, cidrRoute("0.0.0.0/0", reach.TargetEgressOnlyInternetGateway, "eigw-g"))
		_, err := gwBuilder(d, false).Build()
		require.ErrorIs(t, err, reach.ErrTopology)
		assert.ErrorContains(t, err, `routeTables[1].Routes[2].Destination (rtb-priv): "0.0.0.0/0"`)
		assert.ErrorContains(t, err, "IPv6 traffic only")
	})
	t.Run("an IPv4 packet a prefix list sends to it is dropped there", func(t *testing.T) {
		d := gwDesign()
		d.RouteTables[1].Routes = append(d.RouteTables[1].Routes, reach.Route{PrefixList: "pl-mixed", Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-g"})
		m, err := gwBuilder(d, false).AddPrefixList(reach.PrefixList{ID: "pl-mixed", Entries: pfxs("198.51.100.0/24", "2001:db8:ee::/48")}).Build()
		require.NoError(t, err)
		reachtest.AssertNotReachable(t, m, tcp("app", "198.51.100.7", 443), reach.NoRoute)
		r := check(t, m, tcp("app", "198.51.100.7", 443))
		b, _ := r.First()
		assert.Equal(t, reach.KindEgressOnlyInternetGateway, b.Kind)
		reachtest.AssertReachable(t, m, tcp("app", "2001:db8:ee::1", 443))
	})
	t.Run("a unique local or link-local IPv6 destination is not on the internet", func(t *testing.T) {
		for _, dst := range []string{"fd00::7", "fe80::7"} {
			r := check(t, m, tcp("app", dst, 443))
			assert.Equal(t, []reach.Code{reach.PrivateAddressOnInternet}, r.Codes(), r.Text())
			b, _ := r.First()
			assert.Equal(t, reach.KindEgressOnlyInternetGateway, b.Kind)
		}
		reachtest.AssertReachable(t, m, tcp("app", "2001:db8:ff::7", 443), "a global address still goes out")
	})
	t.Run("a route to an egress-only gateway of another VPC is an error", func(t *testing.T) {
		d := gwDesign()
		d.VPCs = append(d.VPCs, reach.VPC{ID: "vpc-o", CIDRs: pfxs("10.4.0.0/16")})
		_, err := gwBuilder(d, false).AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-o", VPC: "vpc-o"}, reach.EgressOnlyInternetGateway{ID: "eigw-x", VPC: "vpc-x"}).
			AddRouteTable(reach.RouteTable{ID: "rtb-o", VPC: "vpc-g", Routes: []reach.Route{cidrRoute("::/0", reach.TargetEgressOnlyInternetGateway, "eigw-o")}}).Build()
		assert.ErrorContains(t, err, "no egress-only internet gateway eigw-o attached to vpc-g")
		assert.ErrorContains(t, err, `egressOnlyInternetGateways[2].VPC (eigw-x): "vpc-x": invalid topology: unknown VPC`)
	})
}

func TestGatewayEndpoint(t *testing.T) {
	m := buildGW(t, gwDesign())
	t.Run("S3 through the endpoint is reachable, and the reply comes back through it", func(t *testing.T) {
		q := tcp("app", "52.216.10.1", 443)
		reachtest.AssertReachable(t, m, q)
		r := check(t, m, q)
		assert.Equal(t, []reach.Kind{reach.KindSecurityGroups, reach.KindRouteTable, reach.KindNetworkACL, reach.KindGatewayEndpoint, reach.KindService}, kinds(r.Forward))
		assert.Equal(t, "pl-s3 (52.216.0.0/15) via vpce-s3", r.Forward[1].Rule)
		assert.Equal(t, "com.amazonaws.us-east-1.s3", r.Forward[4].ID)
		assert.Equal(t, []reach.Kind{reach.KindGatewayEndpoint, reach.KindNetworkACL, reach.KindSecurityGroups}, kinds(r.Return))
		assert.Empty(t, r.Warnings, "the full-access default policy needs no warning")
		reachtest.AssertReachable(t, m, reach.Query{From: "app", To: "3.5.1.1", Protocol: flow.ICMP}, "ICMP echo passes")
	})
	t.Run("a destination outside the prefix list does not use the endpoint", func(t *testing.T) {
		reachtest.AssertNotReachable(t, m, tcp("app", "54.239.1.1", 443), reach.NoRoute)
		d := gwDesign()
		d.InternetGateways = []reach.InternetGatewaySpec{{ID: "igw-g", VPC: "vpc-g"}}
		d.RouteTables[1].Routes = append(d.RouteTables[1].Routes, cidrRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-g"))
		d.Interfaces[0].PublicIP = netip.MustParseAddr("198.51.100.30")
		m := buildGW(t, d)
		r := check(t, m, tcp("app", "54.239.1.1", 443))
		assert.True(t, r.Reachable)
		assert.NotContains(t, kinds(r.Forward), reach.KindGatewayEndpoint)
		assert.Contains(t, kinds(r.Forward), reach.KindInternetGateway)
		r = check(t, m, tcp("app", "52.216.10.1", 443))
		assert.True(t, r.Reachable)
		assert.Contains(t, kinds(r.Forward), reach.KindGatewayEndpoint, "the prefix list's /15 beats 0.0.0.0/0")
		assert.NotContains(t, kinds(r.Forward), reach.KindInternetGateway)
	})
	t.Run("the endpoint carries TCP and ICMP echo only", func(t *testing.T) {
		q := reach.Query{From: "app", To: "52.216.10.1", Protocol: flow.UDP, Port: 53}
		reachtest.AssertNotReachable(t, m, q, reach.GatewayEndpointProtocol)
	})
	t.Run("the subnet's network ACL applies both ways", func(t *testing.T) {
		d := gwDesign()
		d.ACLs[0] = nacl.NewCustom("acl-g", "vpc-g")
		d.ACLs[0].Entries = []nacl.Entry{nacl.MustParseEntry("100 allow tcp 443 to 52.216.0.0/15")}
		reachtest.AssertNotReachable(t, buildGW(t, d), tcp("app", "52.216.10.1", 443), reach.Code("RETURN_ACL_DEFAULT_DENY"))
	})
	t.Run("a custom endpoint policy is not evaluated, and the result says so", func(t *testing.T) {
		m, err := gwBuilder(gwDesign(), true).Build()
		require.NoError(t, err)
		r := check(t, m, tcp("app", "52.216.10.1", 443))
		assert.True(t, r.Reachable)
		require.Len(t, r.Warnings, 1)
		assert.Contains(t, r.Warnings[0], "vpce-s3 has a policy that is not the full-access default")
	})
	t.Run("routes to it are by its service's prefix list", func(t *testing.T) {
		d := gwDesign()
		d.RouteTables[1].Routes = append(d.RouteTables[1].Routes, cidrRoute("52.94.0.0/22", reach.TargetGatewayEndpoint, "vpce-s3"),
			reach.Route{PrefixList: "pl-ddb", Target: reach.TargetGatewayEndpoint, TargetID: "vpce-s3"},
			reach.Route{PrefixList: "pl-other", Target: reach.TargetGatewayEndpoint, TargetID: "vpce-nope"})
		_, err := gwBuilder(d, false).AddPrefixList(reach.PrefixList{ID: "pl-ddb", Entries: pfxs("52.94.0.0/22")}, reach.PrefixList{ID: "pl-other", Entries: pfxs("52.95.0.0/22")}).Build()
		require.ErrorIs(t, err, reach.ErrTopology)
		assert.ErrorContains(t, err, `routeTables[1].Routes[2].Destination (rtb-priv): "52.94.0.0/22"`)
		assert.ErrorContains(t, err, "serves com.amazonaws.us-east-1.s3, whose prefix list is pl-s3")
		assert.ErrorContains(t, err, "no gateway endpoint vpce-nope in vpc-g")
	})
}

// s3ListV6 is S3's IPv6 prefix list, beside s3List.
var s3ListV6 = reach.PrefixList{ID: "pl-s3v6", Name: "com.amazonaws.us-east-1.s3", Entries: pfxs("2600:1f68:8000::/39")}

// gwDualStack is gwDesign whose private table routes S3's IPv4 and IPv6
// prefix lists to a gateway endpoint of IP address type typ ("" for
// none in the input), as AWS sets up a dualstack endpoint: app and db
// reach S3 over both families through it, if it carries them.
func gwDualStack(t *testing.T, typ string) *reach.Model {
	t.Helper()
	d := gwDesign()
	d.RouteTables[1].Routes = append(d.RouteTables[1].Routes[1:], reach.Route{PrefixList: "pl-s3v6", Target: reach.TargetGatewayEndpoint, TargetID: "vpce-s3"})
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-db", Name: "db", Subnet: "subnet-priv", PrivateIPs: addrs("10.3.1.20", "2001:db8:30:1::20"), Groups: []string{"sg-open"}})
	m, err := d.Builder().AddPrefixList(s3List, s3ListV6).
		AddGatewayEndpoint(reach.GatewayEndpoint{ID: "vpce-s3", VPC: "vpc-g", Service: "com.amazonaws.us-east-1.s3", IPAddressType: typ}).Build()
	require.NoError(t, err)
	return m
}

// TestGatewayEndpointIPAddressType: a gateway endpoint carries the
// address families its IP address type names (AWS's PrivateLink guide,
// "Gateway endpoints", "IP address type": ipv4 adds the service's IPv4
// prefix list to the route tables, ipv6 its IPv6 one, dualstack both),
// and IPv6 through one whose type the input lacks is undecided, naming
// what to look up.
func TestGatewayEndpointIPAddressType(t *testing.T) {
	v6 := func(p flow.Protocol, port uint16) reach.Query {
		return reach.Query{From: "app", To: "2600:1f68:8000::10", Protocol: p, Port: port}
	}
	v4 := tcp("app", "52.216.10.1", 443)
	for _, tc := range []struct {
		typ    string
		q      reach.Query
		want   reach.Outcome
		code   reach.Code
		reason string
	}{
		{"dualstack", v6(flow.TCP, 443), reach.Reachable, "", ""},
		{"dualstack", v6(flow.ICMPv6, 0), reach.Reachable, "", ""},
		{"dualstack", v4, reach.Reachable, "", ""},
		{"dualstack", v6(flow.UDP, 53), reach.Unreachable, reach.GatewayEndpointProtocol, "TCP and ICMP echo only"},
		{"ipv6", v6(flow.TCP, 443), reach.Reachable, "", ""},
		{"ipv6", v4, reach.Unreachable, reach.GatewayEndpointProtocol, "IP address type is ipv6: it carries IPv6 only, not IPv4"},
		{"ipv4", v4, reach.Reachable, "", ""},
		{"ipv4", v6(flow.TCP, 443), reach.Unreachable, reach.GatewayEndpointProtocol, "IP address type is ipv4: it carries IPv4 only, not IPv6"},
		{"ipv4", v6(flow.ICMPv6, 0), reach.Unreachable, reach.GatewayEndpointProtocol, "carries IPv4 only"},
		{"", v4, reach.Reachable, "", ""},
		{"", v6(flow.TCP, 443), reach.Indeterminate, reach.GatewayEndpointIPTypeUnknown, "which the input does not say"},
		{"", v6(flow.ICMPv6, 0), reach.Indeterminate, reach.GatewayEndpointIPTypeUnknown, "which the input does not say"},
		{"", v6(flow.UDP, 53), reach.Unreachable, reach.GatewayEndpointProtocol, "TCP and ICMP echo only"},
	} {
		name := fmt.Sprintf("type %q, %s to %s", tc.typ, tc.q.Protocol, tc.q.To)
		t.Run(name, func(t *testing.T) {
			m := gwDualStack(t, tc.typ)
			r := check(t, m, tc.q)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			ep, ok := hopOf(r.Forward, reach.KindGatewayEndpoint)
			require.True(t, ok, r.Text())
			assert.Equal(t, tc.code, ep.Code)
			assert.Contains(t, ep.Reason(), tc.reason)
			if tc.code == reach.GatewayEndpointIPTypeUnknown {
				assert.Equal(t, flow.Indeterminate, ep.Verdict)
				assert.Contains(t, ep.Missing, "IP address type of gateway endpoint vpce-s3 (IpAddressType)")
				assert.Contains(t, ep.Fix, "describe-vpc-endpoints")
				assert.Contains(t, ep.Fix, "ip_address_type")
			}
			if tc.want == reach.Reachable {
				assert.Equal(t, []reach.Kind{reach.KindGatewayEndpoint, reach.KindNetworkACL, reach.KindSecurityGroups}, kinds(r.Return), "the reply comes back through the endpoint")
			}
		})
	}
	t.Run("an IP address type AWS does not have is an error", func(t *testing.T) {
		_, err := gwBuilder(gwDesign(), false).AddGatewayEndpoint(reach.GatewayEndpoint{ID: "vpce-x", VPC: "vpc-g", Service: "com.amazonaws.us-east-1.dynamodb", IPAddressType: "IPv6only"}).Build()
		require.ErrorIs(t, err, reach.ErrTopology)
		assert.ErrorContains(t, err, `gatewayEndpoints[1].IPAddressType (vpce-x): "IPv6only"`)
	})
}

// TestGatewayEndpointIPv6SetAnswers: Ports (tcp, icmpv6: the echo
// request only, and for an endpoint without a type undecided) through a
// gateway endpoint of each IP address type agree with Verdict, and so do
// Sources (to an interface: Sources asks of the design's destinations)
// and the IPv6 matrix and audit of such a design.
func TestGatewayEndpointIPv6SetAnswers(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	for _, typ := range []string{"", "ipv4", "ipv6", "dualstack"} {
		t.Run(fmt.Sprintf("type %q", typ), func(t *testing.T) {
			m := gwDualStack(t, typ)
			to := "2600:1f68:8000::10"
			brute.CheckSetAnswers(t, m, brute.Options{IPv6: true, Few: true, Ports: []reach.PortsQuery{
				{From: "app", To: to, Protocol: flow.TCP},
				{From: "app", To: to, Protocol: flow.ICMPv6},
				{From: "app", To: "52.216.10.1", Protocol: flow.ICMP},
			}, Sources: []reach.SourcesQuery{{To: "db", Protocol: flow.TCP, Port: 443, IPv6: true}}})
			r, err := m.Ports(reach.PortsQuery{From: "app", To: to, Protocol: flow.ICMPv6})
			require.NoError(t, err)
			switch typ {
			case "ipv6", "dualstack":
				require.Len(t, r.ICMP, 1, "echo requests only: %v", r.ICMP)
				assert.Equal(t, flow.ICMPv6EchoRequest, r.ICMP[0].Type)
			case "":
				assert.Empty(t, r.ICMP)
				require.Len(t, r.ICMPIndeterminate, 1, "the echo request is undecided: %v", r.ICMPIndeterminate)
				assert.Equal(t, flow.ICMPv6EchoRequest, r.ICMPIndeterminate[0].Type)
			default:
				assert.Empty(t, r.ICMP)
				assert.Empty(t, r.ICMPIndeterminate)
			}
		})
	}
}

func TestPrivateNATGateway(t *testing.T) {
	design := func(private bool) *sample.Design {
		d := &sample.Design{}
		d.VPCs = []reach.VPC{{ID: "vpc-n", CIDRs: pfxs("10.5.0.0/16"), MainRouteTable: "rtb-nat", DefaultACL: "acl-n"}}
		d.ACLs = []nacl.ACL{nacl.NewDefault("acl-n", "vpc-n", false)}
		d.InternetGateways = []reach.InternetGatewaySpec{{ID: "igw-n", VPC: "vpc-n"}}
		d.RouteTables = []reach.RouteTable{
			{ID: "rtb-nat", VPC: "vpc-n", Routes: []reach.Route{cidrRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-n")}},
			{ID: "rtb-src", VPC: "vpc-n", Routes: []reach.Route{
				cidrRoute("10.5.3.0/24", reach.TargetNATGateway, "nat-p"),
				cidrRoute("0.0.0.0/0", reach.TargetNATGateway, "nat-p"),
			}},
		}
		d.Subnets = []reach.Subnet{
			{ID: "subnet-src", VPC: "vpc-n", CIDRs: pfxs("10.5.1.0/24"), RouteTable: "rtb-src"},
			{ID: "subnet-nat", VPC: "vpc-n", CIDRs: pfxs("10.5.2.0/24")},
			{ID: "subnet-dst", VPC: "vpc-n", CIDRs: pfxs("10.5.3.0/24")},
		}
		nat := reach.NATGateway{ID: "nat-p", Subnet: "subnet-nat", PrivateIP: netip.MustParseAddr("10.5.2.5"), Private: private}
		if !private {
			nat.PublicIP = netip.MustParseAddr("198.51.100.50")
		}
		d.NATGateways = []reach.NATGateway{nat}
		fromNAT := sg.Group{ID: "sg-dst", Name: "dst", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.CIDR("10.5.2.0/24")},
		}}
		d.Groups = []sg.Group{openGroup("sg-open"), fromNAT}
		d.Interfaces = []reach.Interface{
			{ID: "eni-src", Name: "src", Subnet: "subnet-src", PrivateIPs: addrs("10.5.1.10"), Groups: []string{"sg-open"}},
			{ID: "eni-dst", Name: "dst", Subnet: "subnet-dst", PrivateIPs: addrs("10.5.3.10"), Groups: []string{"sg-dst"}},
		}
		return d
	}
	m := build(t, design(true))
	t.Run("it translates the source to its private address", func(t *testing.T) {
		q := tcp("src", "dst", 5432)
		reachtest.AssertReachable(t, m, q, "dst admits the NAT gateway's subnet only")
		r := check(t, m, q)
		sgHop := r.Forward[len(r.Forward)-1]
		assert.Equal(t, netip.MustParseAddr("10.5.2.5"), sgHop.Packet.Src.Addr())
		_, back := hopOf(r.Return, reach.KindNATGateway)
		assert.True(t, back, "the reply is translated back by the NAT gateway")
		d := design(true)
		d.Groups[1].Rules[0].Peer = sg.CIDR("10.5.1.0/24")
		reachtest.AssertNotReachable(t, build(t, d), q, reach.SGNoAllow)
	})
	t.Run("it never reaches the internet", func(t *testing.T) {
		q := tcp("src", "93.184.216.34", 443)
		reachtest.AssertNotReachable(t, m, q, reach.NoPublicIP)
		r := check(t, m, q)
		b, _ := r.First()
		assert.Equal(t, reach.KindInternetGateway, b.Kind)
		h := r.Forward[b.Hop-1]
		assert.Contains(t, h.Reason(), "private NAT gateway nat-p")
		assert.Contains(t, h.Fix, "public NAT gateway")
		reachtest.AssertReachable(t, build(t, design(false)), q, "a public NAT gateway does")
	})
	t.Run("a private NAT gateway has no public address", func(t *testing.T) {
		d := design(true)
		d.NATGateways[0].PublicIP = netip.MustParseAddr("198.51.100.50")
		_, err := d.Builder().Build()
		assert.ErrorContains(t, err, `natGateways[0].PublicIP (nat-p): "198.51.100.50"`)
	})
}

// TestPortsThroughGatewayEndpoint: Ports to an address a gateway
// endpoint serves agrees with Verdict on every ICMP type and code (the
// endpoint carries echo requests only, so the others are cut there), and
// on tcp and udp ports.
func TestPortsThroughGatewayEndpoint(t *testing.T) {
	m, err := gwBuilder(gwDesign(), false).Build()
	require.NoError(t, err)
	for _, proto := range []flow.Protocol{flow.ICMP, flow.TCP, flow.UDP} {
		q := reach.PortsQuery{From: "app", To: "52.216.1.1", Protocol: proto}
		r, err := m.Ports(q)
		require.NoError(t, err)
		msg := fmt.Sprintf("Ports %+v", q)
		if proto == flow.ICMP {
			brute.CheckPortsICMP(t, m, q, r, msg)
			require.Len(t, r.ICMP, 1, "echo requests only: %v", r.ICMP)
			assert.Equal(t, uint8(8), r.ICMP[0].Type)
			require.NotEmpty(t, r.Cuts)
			assert.Equal(t, reach.GatewayEndpointProtocol, r.Cuts[0].Code)
			assert.Equal(t, reach.KindGatewayEndpoint, r.Cuts[0].Kind)
			continue
		}
		brute.CheckPorts(t, rand.New(rand.NewPCG(1, 2)), m, q, r, brute.EveryPort(97, r.Open, r.Indeterminate), msg)
	}
}

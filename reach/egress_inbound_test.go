package reach_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// dualStackDesign is AWS's dual-stack "public and private subnets" VPC
// (Amazon VPC User Guide, "Egress-only internet gateway basics"): vpc-a
// (10.0.0.0/16, 2600:1f18:1::/56) with an internet gateway and an
// egress-only internet gateway, the default ACL (IPv6 too) and open
// groups. subnet-pub (rtb-pub: 0.0.0.0/0 and ::/0 to igw-a) holds web
// and the public NAT gateway nat-a; subnet-priv (rtb-priv: 0.0.0.0/0 to
// nat-a, ::/0 to eigw-a, 64:ff9b::/96 to nat-a) holds app; subnet-v6, an
// IPv6-only subnet on rtb-priv, holds v6.
func dualStackDesign(t *testing.T) *reach.Model {
	t.Helper()
	r := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
	}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:1::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-a", VPC: "vpc-a"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true)).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{
				r("0.0.0.0/0", reach.TargetInternetGateway, "igw-a"), r("::/0", reach.TargetInternetGateway, "igw-a")}},
			reach.RouteTable{ID: "rtb-priv", VPC: "vpc-a", Routes: []reach.Route{
				r("0.0.0.0/0", reach.TargetNATGateway, "nat-a"), r("::/0", reach.TargetEgressOnlyInternetGateway, "eigw-a"),
				r("64:ff9b::/96", reach.TargetNATGateway, "nat-a")}}).
		AddSubnet(
			reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:1:1::/64")}, RouteTable: "rtb-pub"},
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

// TestEgressOnlySubnetClosedToInternet: AWS routes a subnet's IPv6
// traffic (::/0) to an egress-only internet gateway to let its instances
// reach the internet while keeping the internet from opening connections
// to them, in a VPC that also has an internet gateway for its public
// subnet
// (https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway-basics.html).
// The internet's SYN comes in through the internet gateway; the SYN-ACK,
// routed to the egress-only gateway, which did not carry the connection
// out, is dropped there (RETURN_EGRESS_ONLY_NO_INBOUND); only ICMPv6
// errors, which have no reply, come in. Check, Verdict,
// Sources, Ports, Matrix and Audit agree; the public subnet stays open
// and the private instances still reach the internet.
func TestEgressOnlySubnetClosedToInternet(t *testing.T) {
	m := dualStackDesign(t)
	for _, tc := range []struct {
		name     string
		from, to string
		proto    flow.Protocol
		want     reach.Outcome
	}{
		{"internet to app (dual-stack, ::/0 to the egress-only gateway)", "2606:4700::1", "2600:1f18:1:2::10", flow.TCP, reach.Unreachable},
		{"internet to v6 (IPv6-only, ::/0 to the egress-only gateway)", "2606:4700::1", "2600:1f18:1:3::10", flow.TCP, reach.Unreachable},
		{"internet pings app", "2606:4700::1", "2600:1f18:1:2::10", flow.ICMPv6, reach.Unreachable},
		{"internet to web (::/0 to the internet gateway)", "2606:4700::1", "2600:1f18:1:1::10", flow.TCP, reach.Reachable},
		{"app to the internet", "app", "2606:4700::1", flow.TCP, reach.Reachable},
		{"v6 to the internet", "v6", "2606:4700::1", flow.TCP, reach.Reachable},
		{"web to app over IPv6 (the local route)", "web", "2600:1f18:1:2::10", flow.TCP, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := reach.Query{From: tc.from, To: tc.to, Protocol: tc.proto, IPv6: true}
			if tc.proto == flow.TCP {
				q.Port = 22
			} else {
				q.ICMP = &reach.ICMPMessage{Type: flow.ICMPv6EchoRequest}
			}
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v)
			if tc.want == reach.Reachable {
				return
			}
			b, ok := r.First()
			require.True(t, ok)
			assert.Equal(t, reach.EgressOnlyNoInbound.OnLeg(reach.Return), b.Code)
			assert.Equal(t, "eigw-a", b.ID)
			assert.Contains(t, b.Fix, "rtb-priv")
		})
	}
	t.Run("Sources lists no internet address for app or v6, every one for web", func(t *testing.T) {
		for _, to := range []string{"eni-app", "eni-v6", "eni-web"} {
			s, err := m.Sources(reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: 22, IPv6: true})
			require.NoError(t, err)
			assert.Empty(t, s.InternetIndeterminate, to)
			if to == "eni-web" {
				assert.NotEmpty(t, s.Internet, to)
				continue
			}
			assert.Empty(t, s.Internet, to)
		}
	})
	t.Run("Ports opens nothing from the internet to app", func(t *testing.T) {
		p, err := m.Ports(reach.PortsQuery{From: "2606:4700::1", To: "2600:1f18:1:2::10", Protocol: flow.TCP, IPv6: true})
		require.NoError(t, err)
		assert.True(t, p.Open.IsEmpty(), "%v", p.Open)
		assert.True(t, p.Indeterminate.IsEmpty(), "%v", p.Indeterminate)
	})
	t.Run("Matrix: the internet reaches web's class, not app's or v6's", func(t *testing.T) {
		mx, err := m.Matrix(reach.MatrixOptions{IPv6: true, Workers: 1})
		require.NoError(t, err)
		classOf := map[string]string{}
		for _, c := range mx.Classes {
			for _, mem := range c.Members {
				classOf[mem.ID] = c.Name
			}
		}
		from := func(to string) (reach.Cell, bool) {
			i := slices.IndexFunc(mx.Cells, func(c reach.Cell) bool { return c.From == reach.InternetNode && c.To == classOf[to] })
			if i < 0 {
				return reach.Cell{}, false
			}
			return mx.Cells[i], true
		}
		// no session: only ICMPv6 error messages (types 0-127, RFC 4443
		// section 2.1), which have no reply, come in through the
		// internet gateway
		for _, id := range []string{"eni-app", "eni-v6"} {
			c, _ := from(id)
			assert.True(t, c.Indeterminate.IsEmpty(), "%s: %+v", id, c)
			assert.True(t, c.Allowed.TCP.IsEmpty() && c.Allowed.UDP.IsEmpty() && c.Allowed.Other.IsEmpty(), "%s: %+v", id, c)
			for _, ic := range c.Allowed.ICMP {
				assert.LessOrEqual(t, ic.Type, uint8(127), "%s: %+v", id, c)
			}
		}
		c, ok := from("eni-web")
		require.True(t, ok)
		assert.False(t, c.Allowed.TCP.IsEmpty())
	})
	t.Run("Audit finds nothing exposed on app or v6", func(t *testing.T) {
		a, err := m.Audit(reach.AuditOptions{IPv6: true, Workers: 1})
		require.NoError(t, err)
		exposedWeb := false
		for _, f := range a.Findings {
			switch f.Interface {
			case "eni-app", "eni-v6":
				assert.NotEqual(t, reach.Exposed, f.Exposure, "%s %s at %s", f.Interface, f.Service, f.Address)
			case "eni-web":
				exposedWeb = exposedWeb || f.Exposure == reach.Exposed
			}
		}
		assert.True(t, exposedWeb, "web, behind the internet gateway, stays exposed")
	})
}

// TestEgressOnlyICMPv6ErrorTypes: every ICMPv6 type of 0-127 is an error
// message (RFC 4443, section 2.1), the types not assigned included (0 and
// 127 reserved, 100 and 101 for private experimentation, 5-99 and
// 102-126 unassigned): one packet with no reply, which comes in through
// the internet gateway to app whatever the egress-only gateway its
// replies would meet. An informational message (128 and up) is a session
// whose reply the egress-only gateway drops. Before, types 0 and 5-127
// were sessions too, their "reply" dropped: Unreachable.
func TestEgressOnlyICMPv6ErrorTypes(t *testing.T) {
	m := dualStackDesign(t)
	for _, tc := range []struct {
		typ  uint8
		want reach.Outcome
	}{
		{0, reach.Reachable}, {1, reach.Reachable}, {4, reach.Reachable}, {5, reach.Reachable}, {99, reach.Reachable},
		{100, reach.Reachable}, {101, reach.Reachable}, {127, reach.Reachable},
		{128, reach.Unreachable}, {129, reach.Unreachable}, {135, reach.Unreachable}, {255, reach.Unreachable},
	} {
		q := reach.Query{From: "2606:4700::1", To: "2600:1f18:1:2::10", Protocol: flow.ICMPv6, IPv6: true, ICMP: &reach.ICMPMessage{Type: tc.typ}}
		r, err := m.Check(q)
		require.NoError(t, err)
		require.Equal(t, tc.want, r.Outcome, "type %d:\n%s", tc.typ, r.Text())
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, tc.want, v, "type %d", tc.typ)
		if tc.want == reach.Reachable {
			assert.Empty(t, r.Return, "type %d: an error message has no reply", tc.typ)
			assert.Contains(t, strings.Join(r.Warnings, "\n"), "is an error message, which has no reply", "type %d", tc.typ)
			continue
		}
		b, ok := r.First()
		require.True(t, ok, "type %d", tc.typ)
		assert.Equal(t, reach.EgressOnlyNoInbound.OnLeg(reach.Return), b.Code, "type %d", tc.typ)
	}
	p, err := m.Ports(reach.PortsQuery{From: "2606:4700::1", To: "2600:1f18:1:2::10", Protocol: flow.ICMPv6, IPv6: true})
	require.NoError(t, err)
	for _, ic := range p.ICMP {
		assert.LessOrEqual(t, ic.Type, uint8(127), "Ports: %+v", p.ICMP)
	}
	assert.Len(t, p.ICMP, 128, "Ports: every error type, none else: %+v", p.ICMP)
}

package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// TestNAT64PrefixNotTranslatedAtInternetGateways: addresses of the NAT64
// well-known prefix 64:ff9b::/96 (what DNS64 synthesises) reach an IPv4
// host only through a NAT gateway that a route for 64:ff9b::/96 sends
// them to: "You will then need to route this traffic through the NAT
// gateway, which performs the necessary translation"
// (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html).
// Sent to the internet gateway or an egress-only internet gateway, which
// forward IPv6 unchanged, they reach no host (NAT64_NOT_TRANSLATED, the
// fix naming the route table). Through the NAT64 route the same host is
// reached; and Sources leaves the prefix out of an internet-gateway
// subnet's sources, whose replies would go the same way.
func TestNAT64PrefixNotTranslatedAtInternetGateways(t *testing.T) {
	m := dualStackDesign(t)
	r := func(dst string, k reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: bp(dst), Target: k, TargetID: id}
	}
	// an IPv6-only VPC whose route table lacks the NAT64 route
	mb, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{bp("10.1.0.0/16"), bp("2600:1f18:2::/56")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"}).
		AddEgressOnlyInternetGateway(reach.EgressOnlyInternetGateway{ID: "eigw-b", VPC: "vpc-b"}).
		AddNetworkACL(nacl.NewDefault("acl-b", "vpc-b", true)).
		AddRouteTable(reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{r("::/0", reach.TargetEgressOnlyInternetGateway, "eigw-b")}}).
		AddSubnet(reach.Subnet{ID: "subnet-b", VPC: "vpc-b", CIDRs: []netip.Prefix{bp("2600:1f18:2:1::/64")}}).
		AddSecurityGroup(openGroup("sg-open")).
		AddInterface(reach.Interface{ID: "eni-b", Name: "b", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ba("2600:1f18:2:1::10")}, Groups: []string{"sg-open"}}).
		Build()
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		m       *reach.Model
		from    string
		want    reach.Outcome
		gw, rtb string // the blocking gateway, the table the fix names
	}{
		{"web: 64:ff9b::/96 follows ::/0 to the internet gateway", m, "web", reach.Unreachable, "igw-a", "rtb-pub"},
		{"b: 64:ff9b::/96 follows ::/0 to the egress-only gateway", mb, "b", reach.Unreachable, "eigw-b", "rtb-b"},
		{"v6 through the NAT64 route to nat-a", m, "v6", reach.Reachable, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := reach.Query{From: tc.from, To: "64:ff9b::808:808", Protocol: flow.TCP, Port: 443}
			res, err := tc.m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Outcome, res.Text())
			v, err := tc.m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v)
			if tc.want == reach.Reachable {
				return
			}
			b, ok := res.First()
			require.True(t, ok)
			assert.Equal(t, reach.NAT64NotTranslated, b.Code)
			assert.Equal(t, reach.Forward, b.Leg)
			assert.Equal(t, tc.gw, b.ID)
			assert.Contains(t, b.Fix, "64:ff9b::/96")
			assert.Contains(t, b.Fix, tc.rtb)
			assert.Contains(t, res.Text(), "8.8.8.8")
		})
	}
	// a VPC with an internet gateway and no route for the prefix
	mc, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-c", CIDRs: []netip.Prefix{bp("10.2.0.0/16"), bp("2600:1f18:3::/56")}, MainRouteTable: "rtb-c", DefaultACL: "acl-c"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-c", VPC: "vpc-c"}).
		AddNetworkACL(nacl.NewDefault("acl-c", "vpc-c", true)).
		AddRouteTable(reach.RouteTable{ID: "rtb-c", VPC: "vpc-c", Routes: []reach.Route{r("::/0", reach.TargetInternetGateway, "igw-c")}}).
		AddSubnet(reach.Subnet{ID: "subnet-c", VPC: "vpc-c", CIDRs: []netip.Prefix{bp("2600:1f18:3:1::/64")}}).
		AddSecurityGroup(openGroup("sg-open")).
		AddInterface(reach.Interface{ID: "eni-c", Name: "c", Subnet: "subnet-c", PrivateIPs: []netip.Addr{ba("2600:1f18:3:1::10")}, Groups: []string{"sg-open"}}).
		Build()
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		m    *reach.Model
		to   string
	}{
		{"web (a route for the prefix to nat-a elsewhere in the VPC)", m, "eni-web"},
		{"c (no route for the prefix in the design)", mc, "eni-c"},
	} {
		t.Run("Sources for "+tc.name+" leaves the NAT64 prefix out", func(t *testing.T) {
			s, err := tc.m.Sources(reach.SourcesQuery{To: tc.to, Protocol: flow.TCP, Port: 443, IPv6: true})
			require.NoError(t, err)
			in := addrset.Of(s.Internet...)
			assert.False(t, in.Contains(ba("64:ff9b::808:808")))
			assert.False(t, in.Contains(ba("64:ff9b::")))
			assert.False(t, in.Contains(ba("64:ff9b::ffff:ffff")))
			assert.True(t, in.Contains(ba("64:ff9b::1:0:0")), "just past the prefix")
			assert.True(t, in.Contains(ba("2606:4700::1")))
			r, err := tc.m.Check(reach.Query{From: "64:ff9b::808:808", To: tc.to, Protocol: flow.TCP, Port: 443, IPv6: true})
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
		})
	}
}

package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// An IPv6 matrix leaves the NAT64 prefix out of its internet cells, with a
// note, where a route sends it to a NAT gateway or an appliance: it used
// to judge the prefix by 64:ff9b:: (0.0.0.0 once translated) and claim a
// subnet whose only way out is NAT64 reached no internet address on tcp,
// where Verdict has 64:ff9b::c633:6407 tcp 443 reachable.
func TestMatrixLeavesNAT64Out(t *testing.T) {
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.0.0/16"), bp("2600:1f18:1::/56")}, MainRouteTable: "rtb-pub", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", true)).
		AddRouteTable(
			reach.RouteTable{ID: "rtb-pub", VPC: "vpc-a", Routes: []reach.Route{
				dnRoute("0.0.0.0/0", reach.TargetInternetGateway, "igw-a"), dnRoute("::/0", reach.TargetInternetGateway, "igw-a")}},
			reach.RouteTable{ID: "rtb-v6", VPC: "vpc-a", Routes: []reach.Route{
				dnRoute("64:ff9b::/96", reach.TargetNATGateway, "nat-a")}}).
		AddSubnet(
			reach.Subnet{ID: "subnet-pub", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("10.0.1.0/24"), bp("2600:1f18:1:1::/64")}, RouteTable: "rtb-pub"},
			reach.Subnet{ID: "subnet-v6", VPC: "vpc-a", CIDRs: []netip.Prefix{bp("2600:1f18:1:3::/64")}, RouteTable: "rtb-v6"}).
		AddNATGateway(reach.NATGateway{ID: "nat-a", Subnet: "subnet-pub", PrivateIP: ba("10.0.1.5"), PublicIP: ba("54.0.0.5")}).
		AddSecurityGroup(openGroup("sg-open"))
	b.AddInterface(reach.Interface{ID: "eni-v6", Name: "v6", Subnet: "subnet-v6", PrivateIPs: []netip.Addr{ba("2600:1f18:1:3::10")}, Groups: []string{"sg-open"}})
	m, err := b.Build()
	require.NoError(t, err)
	v, err := m.Verdict(reach.Query{From: "v6", To: "64:ff9b::c633:6407", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	require.Equal(t, reach.Reachable, v)
	mx, err := m.Matrix(reach.MatrixOptions{IPv6: true})
	require.NoError(t, err)
	require.Len(t, mx.Notes, 1)
	assert.Contains(t, mx.Notes[0], "NAT64 addresses (64:ff9b::/96) are left out of the internet cells")
	assert.Contains(t, mx.Text(), "64:ff9b::/96")
	mx4, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	assert.Empty(t, mx4.Notes, "an IPv4 matrix has no NAT64 prefix to leave out")
}

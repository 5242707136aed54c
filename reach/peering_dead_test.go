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

// oneSubnetVPC adds vpc-<id> with one subnet (subnet-<id>), its main
// route table rtb-<id> (routes as given) and the default ACL acl-<id>
// (IPv6 too).
func oneSubnetVPC(b *reach.Builder, id string, vpcCIDRs, subnetCIDRs []netip.Prefix, routes ...reach.Route) {
	b.AddVPC(reach.VPC{ID: "vpc-" + id, CIDRs: vpcCIDRs, MainRouteTable: "rtb-" + id, DefaultACL: "acl-" + id})
	b.AddRouteTable(reach.RouteTable{ID: "rtb-" + id, VPC: "vpc-" + id, Routes: routes})
	b.AddNetworkACL(nacl.NewDefault("acl-"+id, "vpc-"+id, true))
	b.AddSubnet(reach.Subnet{ID: "subnet-" + id, VPC: "vpc-" + id, CIDRs: subnetCIDRs})
}

// deadPeeringDesign is vpc-a (10.1/16) and vpc-b (10.2/16), each with an
// internet gateway and a default route to it, eni-a (public 198.51.100.1)
// and eni-b (public 198.51.100.2) in open groups, and, unless status is
// "", a peering pcx-ab between them of that status that no route uses.
func deadPeeringDesign(t *testing.T, status string) *reach.Model {
	t.Helper()
	b := reach.NewBuilder()
	b.AddSecurityGroup(openGroup("sg-open"))
	oneSubnetVPC(b, "a", []netip.Prefix{bp("10.1.0.0/16")}, []netip.Prefix{bp("10.1.1.0/24")}, reach.Route{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"})
	oneSubnetVPC(b, "b", []netip.Prefix{bp("10.2.0.0/16")}, []netip.Prefix{bp("10.2.1.0/24")}, reach.Route{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-b"})
	b.AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}, reach.InternetGatewaySpec{ID: "igw-b", VPC: "vpc-b"})
	b.AddInterface(reach.Interface{ID: "eni-a", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ba("10.1.1.10")}, PublicIP: ba("198.51.100.1"), Groups: []string{"sg-open"}},
		reach.Interface{ID: "eni-b", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ba("10.2.1.10")}, PublicIP: ba("198.51.100.2"), Groups: []string{"sg-open"}})
	if status != "" {
		b.AddPeering(reach.Peering{ID: "pcx-ab", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b", Status: status})
	}
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

// A peering connection whose status AWS documents as carrying nothing
// (deleted, rejected, expired, failed, and the others but active) joins
// nothing: a query between its VPCs addresses the peer's public IPv4
// address, as with no connection at all (doc.go, documented assumptions;
// AWS keeps listing such a connection for hours or days, VPC Peering
// Guide, "VPC peering basics", lifecycle:
// https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html).
// Check and Matrix agree. An active connection, and one of a status
// reachsim does not know, still switch to private addressing.
func TestPeeringNotActiveKeepsPublicAddressing(t *testing.T) {
	q := reach.Query{From: "eni-a", To: "eni-b", Protocol: flow.TCP, Port: 443}
	base, err := deadPeeringDesign(t, "").Check(q)
	require.NoError(t, err)
	require.Equal(t, reach.Reachable, base.Outcome, base.Text())
	require.Equal(t, ba("198.51.100.2"), base.Flow.Dst.Addr())
	for _, tc := range []struct {
		status string
		dst    netip.Addr
	}{
		{"deleted", ba("198.51.100.2")},
		{"rejected", ba("198.51.100.2")},
		{"expired", ba("198.51.100.2")},
		{"failed", ba("198.51.100.2")},
		{"deleting", ba("198.51.100.2")},
		{"pending-acceptance", ba("198.51.100.2")},
		{"initiating-request", ba("198.51.100.2")},
		{"provisioning", ba("198.51.100.2")},
		{reach.PeeringActive, ba("10.2.1.10")},
		{"some-new-status", ba("10.2.1.10")},
	} {
		t.Run(tc.status, func(t *testing.T) {
			m := deadPeeringDesign(t, tc.status)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tc.dst.String(), r.Flow.Dst.Addr().String(), "the address the query uses")
			if tc.dst == base.Flow.Dst.Addr() {
				assert.Equal(t, reach.Reachable, r.Outcome, "a %s connection carries nothing and changes nothing\n%s", tc.status, r.Text())
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict")
			mx, err := m.Matrix(reach.MatrixOptions{NoInternet: true, Workers: 1})
			require.NoError(t, err)
			cells, _ := matrixByPair(mx)
			cell := cells[pairKey{"eni-a", "eni-b"}]
			assert.Equal(t, r.Outcome == reach.Reachable, cell.Allowed.TCP.Contains(443),
				"Matrix addresses the peer as Check does\n%s", r.Text())
		})
	}
}

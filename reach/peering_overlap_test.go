package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// A peering request between VPCs whose blocks overlap is not refused by
// AWS's API: the connection is created with the status "failed" (EC2 API
// reference, CreateVpcPeeringConnection), and describe-vpc-peering-
// connections lists it for a while. It carries nothing; a design (a dump)
// that holds it builds. A connection that is active, or on its way to
// active, between such VPCs is one AWS never holds: Build refuses it.
func TestPeeringOfOverlappingVPCs(t *testing.T) {
	tests := []struct {
		status string
		err    string // "" when Build accepts it
	}{
		{"failed", ""},
		{"rejected", ""},
		{"deleted", ""},
		{"expired", ""},
		{"a-status-aws-may-add", ""},
		{"active", "AWS does not peer VPCs whose CIDR blocks overlap"},
		{"", "AWS does not peer VPCs whose CIDR blocks overlap"},
		{"pending-acceptance", "AWS does not peer VPCs whose CIDR blocks overlap"},
		{"provisioning", "AWS does not peer VPCs whose CIDR blocks overlap"},
	}
	for _, tt := range tests {
		t.Run("status "+tt.status, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			d.VPCs = append(d.VPCs, reach.VPC{ID: "vpc-other", CIDRs: []netip.Prefix{bp("10.0.0.0/8")}, MainRouteTable: "rtb-other", DefaultACL: "acl-other"})
			d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-other", VPC: "vpc-other"})
			d.ACLs = append(d.ACLs, nacl.NewDefault("acl-other", "vpc-other", false))
			addRoute(d, rtPrivate, reach.Route{Destination: bp("10.1.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-x"})
			m, err := d.Builder().AddPeering(reach.Peering{ID: "pcx-x", RequesterVPC: "vpc-demo", AccepterVPC: "vpc-other", Status: tt.status}).Build()
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.Contains(t, err.Error(), "peerings[0].AccepterVPC (pcx-x)")
				return
			}
			require.NoError(t, err, "a %s peering carries nothing: AWS lists such a connection whatever the VPCs' blocks", tt.status)
			r, err := m.Check(tcp("app-1", "10.1.0.5", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), reach.PeeringNotActive, r.Text())
			assert.Contains(t, r.Text(), "AWS never peers VPCs whose CIDR blocks overlap")
		})
	}
}

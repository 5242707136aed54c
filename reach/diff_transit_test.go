package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// TestDiffTransitSubnetChanges: a change in the subnet of a middlebox
// (here the NAT gateway's public subnet) changes the sessions of
// interfaces elsewhere whose path crosses it: app-1's, through the NAT
// gateway, to the internet. Its subnet's route table association, its
// network ACL's entries and its route table's routes each put every pair
// in scope; Diff must list app-1's pair to the internet, as the whole
// matrices and the reference do (a scope that put in scope only the pairs
// of the subnet's own interfaces missed it).
func TestDiffTransitSubnetChanges(t *testing.T) {
	dead := reach.RouteTable{ID: "rtb-dead", Name: "dead", VPC: "vpc-demo"} // local routes only
	base := func() *sample.Design {
		d := dcNoFW()
		d.RouteTables = append(d.RouteTables, dead)
		return d
	}
	tests := []struct {
		name   string
		change func(d *sample.Design)
	}{
		{"the NAT gateway's subnet takes another table", func(d *sample.Design) {
			for i := range d.Subnets {
				if d.Subnets[i].ID == "subnet-public" {
					d.Subnets[i].RouteTable = "rtb-dead"
				}
			}
		}},
		{"its network ACL denies https out", func(d *sample.Design) {
			a := dcACL(d, "acl-public")
			a.Entries = append([]nacl.Entry{nacl.MustParseEntry("90 deny tcp 443 to 0.0.0.0/0")}, a.Entries...)
		}},
		{"its route table's default route turns blackhole", func(d *sample.Design) {
			for i := range d.RouteTables {
				if rt := &d.RouteTables[i]; rt.ID == "rtb-public" {
					rt.Routes = append(rt.Routes[:0:0], reach.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetBlackhole})
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after := base()
			tt.change(after)
			d := dcDiff(t, base(), after, true)
			require.NotNil(t, dcChange(d, "eni-app1", reach.InternetNode), "app-1 to the internet, through the NAT gateway, changes:\n%s", d.Text())
		})
	}
}

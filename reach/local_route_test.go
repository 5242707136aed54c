package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// A local route exists only for each of the VPC's CIDR blocks (one per
// block; its target may be replaced and restored, never its destination):
// CreateRoute has no local target, and ReplaceRoute's LocalTarget only
// resets an existing local route (Amazon VPC User Guide, "Replace or
// restore the target for a local route"; EC2 API reference,
// ReplaceRoute). vpc-demo's blocks are 10.0.0.0/16 and 2001:db8:10::/56.
func TestLocalRouteIsAVPCBlock(t *testing.T) {
	tests := []struct {
		name  string
		route reach.Route
		list  *reach.PrefixList
		err   string // "" when Build accepts it
	}{
		{"a block wider than the VPC's", reach.Route{Destination: bp("10.0.0.0/8"), Target: reach.TargetLocal, TargetID: "local"}, nil,
			`routeTables[3].Routes[1].Destination (rtb-private): "10.0.0.0/8"`},
		{"a subnet's block", reach.Route{Destination: bp("10.0.2.0/24"), Target: reach.TargetLocal, TargetID: "local"}, nil,
			`"10.0.2.0/24": invalid topology: a local route's destination is exactly a CIDR block of vpc-demo (10.0.0.0/16, 2001:db8:10::/56)`},
		{"a block outside the VPC", reach.Route{Destination: bp("10.9.0.0/16"), Target: reach.TargetLocal}, nil, `"10.9.0.0/16"`},
		{"a prefix list", reach.Route{PrefixList: "pl-app", Target: reach.TargetLocal}, &reach.PrefixList{ID: "pl-app", Entries: []netip.Prefix{bp("10.0.0.0/16")}},
			`routeTables[3].Routes[1].PrefixList (rtb-private): "pl-app"`},
		{"the VPC's IPv4 block", reach.Route{Destination: bp("10.0.0.0/16"), Target: reach.TargetLocal, TargetID: "local"}, nil, ""},
		{"the VPC's IPv6 block", reach.Route{Destination: bp("2001:db8:10::/56"), Target: reach.TargetLocal}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			addRoute(d, rtPrivate, tt.route)
			b := d.Builder()
			if tt.list != nil {
				b.AddPrefixList(*tt.list)
			}
			_, err := b.Build()
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

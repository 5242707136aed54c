package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// v6BuildBase is vpc-m (10.5.0.0/16, 2600:1f18:5::/56) with subnet-m
// (10.5.1.0/24, 2600:1f18:5:1::/64) and an open group.
func v6BuildBase() *reach.Builder {
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-m", CIDRs: []netip.Prefix{bp("10.5.0.0/16"), bp("2600:1f18:5::/56")}, MainRouteTable: "rtb-m", DefaultACL: "acl-m"}).
		AddNetworkACL(nacl.NewDefault("acl-m", "vpc-m", true)).AddRouteTable(reach.RouteTable{ID: "rtb-m", VPC: "vpc-m"}).
		AddSecurityGroup(openGroup("sg-open")).
		AddSubnet(reach.Subnet{ID: "subnet-m", VPC: "vpc-m", CIDRs: []netip.Prefix{bp("10.5.1.0/24"), bp("2600:1f18:5:1::/64")}})
}

// "You can attach only one egress-only internet gateway to a VPC at a
// time" (Amazon VPC quotas): Build refuses a second, naming both.
func TestOneEgressOnlyInternetGatewayPerVPC(t *testing.T) {
	for _, tc := range []struct {
		name    string
		gws     []reach.EgressOnlyInternetGateway
		wantErr bool
	}{
		{"one", []reach.EgressOnlyInternetGateway{{ID: "eigw-1", VPC: "vpc-m"}}, false},
		{"two on one VPC", []reach.EgressOnlyInternetGateway{{ID: "eigw-1", VPC: "vpc-m"}, {ID: "eigw-2", VPC: "vpc-m"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v6BuildBase().AddEgressOnlyInternetGateway(tc.gws...).Build()
			if !tc.wantErr {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.Contains(t, err.Error(), "eigw-1")
			assert.Contains(t, err.Error(), "eigw-2")
			assert.Contains(t, err.Error(), "vpc-m")
		})
	}
}

// AWS delegates IPv4 /28 and IPv6 /80 prefixes to an interface, no other
// length ("Assign prefixes to network interfaces"): Build refuses any
// other, naming the interface and the prefix.
func TestDelegatedPrefixLengths(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		ok     bool
	}{
		{"10.5.1.32/28", true},
		{"2600:1f18:5:1:a::/80", true},
		{"10.5.1.32/29", false},
		{"10.5.1.32/30", false},
		{"10.5.1.32/32", false},
		{"10.5.1.0/27", false},
		{"2600:1f18:5:1:a::/96", false},
		{"2600:1f18:5:1:a::/128", false},
		{"2600:1f18:5:1::/79", false},
	} {
		t.Run(tc.prefix, func(t *testing.T) {
			_, err := v6BuildBase().AddInterface(reach.Interface{ID: "eni-m", Subnet: "subnet-m", PrivateIPs: []netip.Addr{ba("10.5.1.10")}, Groups: []string{"sg-open"},
				DelegatedPrefixes: []netip.Prefix{bp(tc.prefix)}}).Build()
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.Contains(t, err.Error(), "eni-m")
			assert.Contains(t, err.Error(), tc.prefix)
			assert.Contains(t, err.Error(), "/28")
		})
	}
}

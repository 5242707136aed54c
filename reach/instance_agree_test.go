package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// TestInstanceFieldsAgree (audit-imerge finding 3): the metadata options
// and the platform are the instance's (describe-instances
// MetadataOptions, Platform), so Build refuses two interfaces of one
// instance that disagree on them (reach.ErrTopology), naming both
// interfaces and the field; interfaces that agree (Windows in either
// spelling), or of different instances, build.
func TestInstanceFieldsAgree(t *testing.T) {
	type fields struct {
		endpoint, ipv6 reach.Option
		unknown        string
		platform       string
	}
	for _, tc := range []struct {
		name     string
		eth0     fields
		eth1     fields
		instance string // eth1's instance
		wantErr  []string
	}{
		{"endpoint and platform disagree", fields{endpoint: reach.OptionEnabled, platform: "windows"}, fields{endpoint: reach.OptionDisabled, platform: "Linux/UNIX"}, "i-1",
			[]string{"MetadataEndpoint", "Platform", "eni-0", "eni-1", "i-1"}},
		{"IPv6 disagrees", fields{ipv6: reach.OptionEnabled}, fields{ipv6: reach.OptionDisabled}, "i-1", []string{"MetadataIPv6", "eni-0", "eni-1"}},
		{"one known, one known only later", fields{endpoint: reach.OptionEnabled}, fields{unknown: "aws_instance.x: metadata_options"}, "i-1",
			[]string{"MetadataEndpoint", "MetadataUnknown"}},
		{"platform said on one only", fields{platform: "windows"}, fields{}, "i-1", []string{"Platform"}},
		{"agree, Windows spelt two ways", fields{endpoint: reach.OptionEnabled, platform: "windows"}, fields{endpoint: reach.OptionEnabled, platform: "Windows with SQL Server Standard"}, "i-1", nil},
		{"different instances", fields{endpoint: reach.OptionEnabled}, fields{endpoint: reach.OptionDisabled}, "i-2", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ba := netip.MustParseAddr
			iface := func(id, inst, ip string, f fields) reach.Interface {
				return reach.Interface{ID: id, Instance: inst, Subnet: "subnet-a", PrivateIPs: []netip.Addr{ba(ip)}, Groups: []string{"sg-a"},
					MetadataEndpoint: f.endpoint, MetadataIPv6: f.ipv6, MetadataUnknown: f.unknown, Platform: f.platform}
			}
			_, err := reach.NewBuilder().
				AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"}).
				AddRouteTable(reach.RouteTable{ID: "rtb-a", VPC: "vpc-a"}).
				AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
				AddSubnet(reach.Subnet{ID: "subnet-a", VPC: "vpc-a", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}}).
				AddSecurityGroup(sg.Group{ID: "sg-a", VPCID: "vpc-a"}).
				AddInterface(iface("eni-0", "i-1", "10.0.1.10", tc.eth0), iface("eni-1", tc.instance, "10.0.1.11", tc.eth1)).
				Build()
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, reach.ErrTopology)
			for _, s := range tc.wantErr {
				assert.ErrorContains(t, err, s)
			}
			t.Log(err)
		})
	}
}

package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// "You can't create a transit gateway attachment using IPv6-only
// subnets" (Amazon VPC Transit Gateways, "Amazon VPC attachments",
// Limits): Build refuses a VPC attachment's subnet with no IPv4 block,
// naming both.
func TestTransitGatewayAttachmentIPv6OnlySubnet(t *testing.T) {
	tests := []struct {
		name  string
		cidrs []string
		err   string
	}{
		{"an IPv6-only subnet", []string{"2001:db8:2:6::/64"}, "attachment att-b cannot use subnet subnet-tb6: it is IPv6-only"},
		{"a dual-stack subnet", []string{"10.2.6.0/24", "2001:db8:2:6::/64"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTGWDesign()
			d.vpcs[1].CIDRs = append(d.vpcs[1].CIDRs, pfx("2001:db8:2::/56"))
			var cs []netip.Prefix
			for _, c := range tt.cidrs {
				cs = append(cs, pfx(c))
			}
			d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-tb6", VPC: "vpc-b", CIDRs: cs, AvailabilityZone: "az-3"})
			d.atts[1].Subnets = append(d.atts[1].Subnets, "subnet-tb6")
			_, err := d.builder().Build()
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.ErrorContains(t, err, tt.err)
			assert.ErrorContains(t, err, "tgwAttachments[1].Subnets[1]")
		})
	}
}

package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/terraform"
)

// A new subnet's ipv6_cidr_block known only after apply, in a VPC whose
// IPv6 block the plan knows: the model cannot leave the subnet's block
// out (an IPv6 packet to one of its addresses would be a certain unknown
// destination), so the plan is refused naming the attribute. In a design
// without IPv6 the subnet is modelled without it, with a warning.
func TestSubnetIPv6BlockKnownOnlyLater(t *testing.T) {
	subnet := func(set bool) planRes {
		r := planRes{typ: "aws_subnet", name: "v6", values: map[string]any{"vpc_id": "vpc-1", "cidr_block": "10.1.2.0/24"},
			unknown: map[string]any{"id": true, "ipv6_cidr_block": true}, // the provider prints it so for every new subnet
			exprs:   map[string]any{"vpc_id": "vpc-1", "cidr_block": "10.1.2.0/24"}}
		if set {
			r.exprs["ipv6_cidr_block"] = []string{"aws_vpc_ipv6_cidr_block_association.x.ipv6_cidr_block"}
		}
		return r
	}
	for _, tc := range []struct {
		name    string
		vpcIPv6 bool
		set     bool
		err     string
		warn    string
	}{
		{"set, the VPC has IPv6: refused", true, true, "aws_subnet.v6: ipv6_cidr_block", ""},
		{"set, no IPv6 in the design: left out, with a warning", false, true, "", "aws_subnet.v6: ipv6_cidr_block: known only after apply, and no VPC has IPv6 in the model: left out"},
		{"not set, the VPC has IPv6: AWS gives the subnet none", true, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := existingPublicNet(false)
			if tc.vpcIPv6 {
				net[0].values["ipv6_cidr_block"] = "2600:1f18:1:100::/56"
			}
			rep := &terraform.Report{}
			_, err := terraform.Parse("plan.json", planOf(t, append(net, publicWeb(), subnet(tc.set))...), rep)
			if tc.err != "" {
				require.ErrorIs(t, err, terraform.ErrUnknownValue)
				assert.Contains(t, err.Error(), tc.err)
				assert.Contains(t, err.Error(), "the model needs the subnet's IPv6 block")
				return
			}
			require.NoError(t, err)
			if tc.warn == "" {
				assert.False(t, containsPrefix(rep.Warnings, "aws_subnet.v6"), "%q", rep.Warnings)
				return
			}
			assert.True(t, containsPrefix(rep.Warnings, tc.warn), "%q", rep.Warnings)
		})
	}
}

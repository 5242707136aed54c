package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestBuildErrorNamesAttribute: terraform/doc.go promises errors naming,
// in Path, "the resource address and the attribute path"
// ("aws_subnet.db: cidr_block"). Build's topology refusals (an address AWS
// reserves, an address outside its subnet) reached the user with the
// builder's internal path instead ("natGateways[0].PrivateIP",
// "interfaces[0].PrivateIPs[0]"), names that appear nowhere in the plan
// (audit p6merge finding 3). They name the attribute holding the
// offending value now.
func TestBuildErrorNamesAttribute(t *testing.T) {
	instanceAt := func(ip string) []planRes {
		rs := natPlan(nil, nil, nil)
		for i := range rs {
			if rs[i].typ == "aws_instance" && rs[i].name == "app" {
				v := map[string]any{}
				for k, x := range rs[i].values {
					v[k] = x
				}
				v["private_ip"] = ip
				rs[i].values = v
			}
		}
		return rs
	}
	for _, tc := range []struct {
		name string
		plan []planRes
		want string
		text string
	}{
		{"a NAT gateway's private_ip at the VPC router's address", natPlan(map[string]any{"private_ip": "10.1.1.1"}, nil, nil),
			"plan.json: aws_nat_gateway.main: private_ip: \"10.1.1.1\"", "AWS reserves"},
		{"a NAT gateway's secondary address at the subnet's last", natPlan(map[string]any{"secondary_private_ip_addresses": []any{"10.1.1.255"},
			"secondary_allocation_ids": []any{"eipalloc-2"}}, nil, nil), "plan.json: aws_nat_gateway.main: secondary_private_ip_addresses[0]: \"10.1.1.255\"", "AWS reserves"},
		{"an instance's private_ip at the subnet's reserved fourth", instanceAt("10.1.2.3"), "plan.json: aws_instance.app: private_ip: \"10.1.2.3\"", "AWS reserves"},
		{"an instance's private_ip outside its subnet", instanceAt("10.1.9.9"), "plan.json: aws_instance.app: private_ip: \"10.1.9.9\"", "subnet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := terraform.Parse("plan.json", planOf(t, tc.plan...), nil)
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.ErrorContains(t, err, tc.want)
			assert.ErrorContains(t, err, tc.text)
			assert.NotContains(t, err.Error(), "natGateways[")
			assert.NotContains(t, err.Error(), "interfaces[")
		})
	}
}

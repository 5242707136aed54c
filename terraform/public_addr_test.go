package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestBuildRefusesNonPublicPublicIP: a public address AWS never gives (a
// private, shared or special-purpose one) is refused by reach.Builder,
// and the error names the plan's resource and attribute.
func TestBuildRefusesNonPublicPublicIP(t *testing.T) {
	eipTwo := func(ip string) []planRes {
		rs := natPlan(map[string]any{"secondary_private_ip_addresses": []any{"10.1.1.200"}, "secondary_allocation_ids": []any{"eipalloc-2"}}, nil, nil)
		for i := range rs {
			if rs[i].typ == "aws_eip" && rs[i].name == "two" {
				rs[i].values = map[string]any{"id": "eipalloc-2", "public_ip": ip}
			}
		}
		return rs
	}
	web := publicWeb()
	web.values["public_ip"] = "127.0.0.2"
	for _, tc := range []struct {
		name string
		plan []planRes
		want string
	}{
		{"a NAT gateway's public_ip", natPlan(map[string]any{"public_ip": "10.200.0.5"}, nil, nil),
			`plan.json: aws_nat_gateway.main: public_ip: "10.200.0.5": invalid topology: 10.200.0.5 is not a public address (private, RFC 1918)`},
		{"a NAT gateway's secondary Elastic IP", eipTwo("100.64.0.6"),
			`plan.json: aws_nat_gateway.main, Elastic IP aws_eip.two: public_ip: "100.64.0.6": invalid topology: 100.64.0.6 is not a public address (shared, 100.64.0.0/10)`},
		{"an instance's public_ip", append(existingPublicNet(false), web),
			`plan.json: aws_instance.web: public_ip: "127.0.0.2": invalid topology: 127.0.0.2 is not a public address (loopback, 127.0.0.0/8)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := terraform.Parse("plan.json", planOf(t, tc.plan...), nil)
			require.ErrorIs(t, err, reach.ErrTopology)
			assert.ErrorContains(t, err, tc.want)
			assert.NotContains(t, err.Error(), "natGateways[")
		})
	}
}

package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// A plan's security_group_referencing_support on aws_ec2_transit_gateway
// (unset: disable, AWS's default) and on
// aws_ec2_transit_gateway_vpc_attachment (unset: enable) decides whether
// b's ingress rule that references a's group matches across the gateway;
// a value known only after apply leaves the check undecided.
func TestTransitGatewaySecurityGroupReferencingPlans(t *testing.T) {
	q := tcp("aws_instance.a", "aws_instance.b", 443)
	tests := []struct {
		name    string
		gw, att map[string]any
		unknown bool // the gateway's value known only after apply
		want    reach.Outcome
	}{
		{"unset: disabled at the gateway", map[string]any{}, nil, false, reach.Unreachable},
		{"enabled at the gateway", map[string]any{"security_group_referencing_support": "enable"}, nil, false, reach.Reachable},
		{"disabled at the attachments", map[string]any{"security_group_referencing_support": "enable"},
			map[string]any{"security_group_referencing_support": "disable"}, false, reach.Unreachable},
		{"known only after apply", map[string]any{}, nil, true, reach.Indeterminate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := tgwResources(tt.gw, tt.att)
			for i := range rs {
				if rs[i].typ == "aws_ec2_transit_gateway" && tt.unknown {
					rs[i].unknown["security_group_referencing_support"] = true
				}
				if rs[i].typ == "aws_security_group" && rs[i].name == "b" {
					rs[i].values["ingress"] = []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp",
						"cidr_blocks": []any{}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{}}}
					rs[i].unknown["ingress"] = []any{map[string]any{"security_groups": true}}
					rs[i].exprs["ingress"] = []string{"aws_security_group.a.id", "aws_security_group.a"}
				}
			}
			m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
			require.NoError(t, err)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
		})
	}
}

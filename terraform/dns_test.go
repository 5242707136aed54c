package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// dnsPlan creates a VPC with the given aws_vpc values and unknowns, a
// subnet and an instance.
func dnsPlan(t *testing.T, vpc, unknown map[string]any) []byte {
	t.Helper()
	vals := map[string]any{"cidr_block": "10.1.0.0/16"}
	for k, v := range vpc {
		vals[k] = v
	}
	unk := map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}
	for k, v := range unknown {
		unk[k] = v
	}
	vpcRef := []string{"aws_vpc.a.id", "aws_vpc.a"}
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	return planOf(t,
		planRes{typ: "aws_vpc", name: "a", values: vals, unknown: unk},
		planRes{typ: "aws_subnet", name: "a", values: map[string]any{"cidr_block": "10.1.1.0/24", "availability_zone": "eu-west-1a"},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}},
		planRes{typ: "aws_security_group", name: "a", values: map[string]any{"name": "a", "ingress": []any{}, "egress": []any{out}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
		planRes{typ: "aws_instance", name: "a", values: map[string]any{"private_ip": "10.1.1.10", "associate_public_ip_address": false},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
			exprs: map[string]any{"subnet_id": []string{"aws_subnet.a.id", "aws_subnet.a"},
				"vpc_security_group_ids": []string{"aws_security_group.a.id", "aws_security_group.a"}}})
}

// A VPC's enable_dns_support decides whether its Amazon DNS server (the
// base of its CIDR block plus two) answers: on unless the plan says false.
func TestVPCDNSSupport(t *testing.T) {
	tests := []struct {
		name    string
		vpc     map[string]any
		unknown map[string]any
		want    reach.Outcome
		code    reach.Code
		warning string
	}{
		{name: "left out: on, AWS's default", want: reach.Reachable},
		{name: "true", vpc: map[string]any{"enable_dns_support": true}, want: reach.Reachable},
		{name: "false", vpc: map[string]any{"enable_dns_support": false}, want: reach.Unreachable, code: reach.AmazonDNSDisabled},
		{name: "known only after apply: on, with a warning", unknown: map[string]any{"enable_dns_support": true}, want: reach.Reachable,
			warning: "aws_vpc.a: enable_dns_support: known only after apply"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", dnsPlan(t, tc.vpc, tc.unknown), &rep)
			require.NoError(t, err)
			r, err := m.Check(reach.Query{From: "aws_instance.a", To: "10.1.0.2", Protocol: flow.UDP, Port: 53})
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				require.NotEmpty(t, r.Blocks, r.Text())
				assert.Equal(t, tc.code, r.Blocks[0].Code, r.Text())
			}
			if tc.warning != "" {
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), tc.warning)
			}
		})
	}
}

package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestUnknownRuleValues: a rule whose CIDR blocks, or ports, Terraform
// knows only after apply leaves indeterminate exactly the queries it
// alone could allow.
func TestUnknownRuleValues(t *testing.T) {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	plan := func(ingress map[string]any, unknownIngress map[string]any) []byte {
		out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
		rs := []planRes{
			{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
				unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
			{typ: "aws_subnet", name: "app", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
				exprs: map[string]any{"vpc_id": vpcRef}},
			{typ: "aws_security_group", name: "db", values: map[string]any{"name": "db", "ingress": []any{ingress}, "egress": []any{out}},
				unknown: map[string]any{"id": true, "vpc_id": true, "ingress": []any{unknownIngress}},
				exprs:   map[string]any{"vpc_id": vpcRef, "ingress": []string{"var.allowed"}, "egress": []string{}}},
			{typ: "aws_security_group", name: "app", values: map[string]any{"name": "app", "ingress": []any{}, "egress": []any{out}},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
		}
		for i, n := range []string{"app", "db"} {
			rs = append(rs, planRes{typ: "aws_instance", name: n, values: map[string]any{"private_ip": []string{"10.1.1.10", "10.1.1.20"}[i]},
				unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
				exprs: map[string]any{"subnet_id": []string{"aws_subnet.app.id", "aws_subnet.app"},
					"vpc_security_group_ids": []string{"aws_security_group." + n + ".id", "aws_security_group." + n}}})
		}
		return planOf(t, rs...)
	}
	check := func(m *reach.Model, from string, port uint16) *reach.Result {
		r, err := m.Check(tcp(from, "aws_instance.db", port))
		require.NoError(t, err)
		return r
	}

	t.Run("CIDR blocks known only after apply", func(t *testing.T) {
		rep := &terraform.Report{}
		m, err := terraform.Parse("plan.json", plan(map[string]any{"from_port": 5432, "to_port": 5432, "protocol": "tcp"},
			map[string]any{"cidr_blocks": true}), rep)
		require.NoError(t, err)
		assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_security_group.db: ingress[0].cidr_blocks: known only after apply")
		r := check(m, "aws_instance.app", 5432)
		assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		assert.Contains(t, r.Text(), "missing: aws_security_group.db: ingress[0].cidr_blocks, known only later")
		assert.Equal(t, reach.Unreachable, check(m, "aws_instance.app", 22).Outcome, "no rule could allow another port")
		_, err = m.Matrix(reach.MatrixOptions{})
		require.ErrorIs(t, err, reach.ErrQuery, "no set of addresses is exact")
	})
	t.Run("ports known only after apply", func(t *testing.T) {
		m, err := terraform.Parse("plan.json", plan(map[string]any{"protocol": "tcp", "cidr_blocks": []any{"10.1.1.0/28"}},
			map[string]any{"from_port": true, "to_port": true}), nil)
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, check(m, "aws_instance.app", 5432).Outcome, "10.1.1.10 is in the rule's block")
		assert.Equal(t, reach.Indeterminate, check(m, "aws_instance.app", 22).Outcome, "any port could be the rule's")
		assert.Equal(t, reach.Unreachable, check(m, "198.51.100.7", 5432).Outcome, "outside the rule's block: it never matches")
	})
}

package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestOriginsAreAddresses: a resource of a plan is found again by the
// plan's file and its address, in lint findings as in Model.Origin.
func TestOriginsAreAddresses(t *testing.T) {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	m, err := terraform.Parse("plan.json", planOf(t,
		planRes{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
		planRes{typ: "aws_subnet", name: "app", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
			exprs: map[string]any{"vpc_id": vpcRef}},
		planRes{typ: "aws_security_group", name: "app", values: map[string]any{"name": "app", "ingress": []any{}, "egress": []any{out}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
		planRes{typ: "aws_security_group", name: "lonely", values: map[string]any{"name": "lonely", "ingress": []any{}, "egress": []any{out}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
		planRes{typ: "aws_instance", name: "app", values: map[string]any{"private_ip": "10.1.1.10"},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
			exprs: map[string]any{"subnet_id": []string{"aws_subnet.app.id", "aws_subnet.app"},
				"vpc_security_group_ids": []string{"aws_security_group.app.id", "aws_security_group.app"}}},
	), nil)
	require.NoError(t, err)
	o, ok := m.Origin(reach.ResourceInterface, "aws_instance.app")
	require.True(t, ok)
	assert.Equal(t, reach.Origin{File: "plan.json", Path: "aws_instance.app"}, o)
	res, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	var unused []reach.LintFinding
	for _, f := range res.Findings {
		if f.ID == "SG_UNUSED" {
			unused = append(unused, f)
		}
	}
	require.Len(t, unused, 1)
	assert.Equal(t, "aws_security_group.lonely", unused[0].Resource)
	require.NotNil(t, unused[0].Origin)
	assert.Equal(t, "plan.json: aws_security_group.lonely", unused[0].Origin.String())
}

package terraform_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestIndexedReference: for aws_subnet.a[0].id Terraform writes the
// references "aws_subnet.a[0].id", "aws_subnet.a[0]", "aws_subnet.a":
// every step of the traversal, then the resource without its key
// (hashicorp/terraform internal/command/jsonconfig/expression.go,
// marshalExpression). That last one names the indexed instance, not
// every instance: subnet_id = aws_subnet.a[0].id is a[0], and
// vpc_security_group_ids = [aws_security_group.g[0].id] is g[0] only
// (g[0] allows 22, g[1] allows 80). A splat (aws_security_group.g[*].id,
// written "aws_security_group.g" alone, after another reference too)
// names every instance.
func TestIndexedReference(t *testing.T) {
	g0 := []string{"aws_security_group.g[0].id", "aws_security_group.g[0]", "aws_security_group.g"}
	for _, tc := range []struct {
		name      string
		subnet    []string // subnet_id's references
		countedA  bool     // aws_subnet.a is counted (a[0], a[1])
		groups    []string // vpc_security_group_ids' references
		port80    reach.Outcome
		wantGroup string // a group the answer on port 80 names
	}{
		{"an indexed group, a counted subnet", []string{"aws_subnet.a[0].id", "aws_subnet.a[0]", "aws_subnet.a"}, true, g0, reach.Unreachable, ""},
		{"an indexed group, a subnet of no count", []string{"aws_subnet.a.id", "aws_subnet.a"}, false, g0, reach.Unreachable, ""},
		{"a splat", []string{"aws_subnet.a.id", "aws_subnet.a"}, false, []string{"aws_security_group.g"}, reach.Reachable, "aws_security_group.g[1]"},
		{"an indexed group and a splat", []string{"aws_subnet.a.id", "aws_subnet.a"}, false, append(g0, "aws_security_group.g"), reach.Reachable, "aws_security_group.g[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
			out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
			rs := []planRes{{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
				unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}}}
			for i, port := range []int{22, 80} {
				in := map[string]any{"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": []any{"10.1.0.0/16"}}
				rs = append(rs, planRes{typ: "aws_security_group", name: "g", index: i,
					values:  map[string]any{"name": fmt.Sprintf("g%d", i), "ingress": []any{in}, "egress": []any{out}},
					unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}})
				if tc.countedA || i == 0 {
					sub := planRes{typ: "aws_subnet", name: "a", values: map[string]any{"cidr_block": fmt.Sprintf("10.1.%d.0/24", i)},
						unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}}
					if tc.countedA {
						sub.index = i
					}
					rs = append(rs, sub)
				}
			}
			for _, n := range []string{"web", "client"} {
				rs = append(rs, planRes{typ: "aws_instance", name: n, values: map[string]any{"associate_public_ip_address": false},
					unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "private_ip": true, "public_ip": true},
					exprs:   map[string]any{"subnet_id": tc.subnet, "vpc_security_group_ids": tc.groups, "associate_public_ip_address": false}})
			}
			m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.client", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, "g[0] allows 22: %s", r.Text())
			r, err = m.Check(tcp("aws_instance.client", "aws_instance.web", 80))
			require.NoError(t, err)
			assert.Equal(t, tc.port80, r.Outcome, r.Text())
			if tc.wantGroup != "" {
				assert.Contains(t, r.Text(), tc.wantGroup)
			}
		})
	}
}

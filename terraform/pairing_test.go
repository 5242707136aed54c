package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestForEachPairing: subnet_id = aws_subnet.a[each.key].id (references
// aws_subnet.a and each.key) puts web["x"] in a["x"]; with
// aws_subnet.a[each.value].id (references aws_subnet.a and each.value)
// the plan does not say which subnet each.value names (for_each = {x =
// "y", y = "x"} puts web["x"] in a["y"]), so the subnet is an
// ErrUnknownValue, not a guess by key.
func TestForEachPairing(t *testing.T) {
	plan := func(index ...string) []byte {
		vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
		rs := []planRes{{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}}}
		for i, k := range []string{"x", "y", "db"} {
			name, idx := "a", any(`"`+k+`"`)
			if k == "db" {
				name, idx = "db", nil
			}
			rs = append(rs, planRes{typ: "aws_subnet", name: name, index: idx, values: map[string]any{"cidr_block": []string{"10.1.1.0/24", "10.1.2.0/24", "10.1.3.0/24"}[i]},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}})
		}
		// a new ACL on aws_subnet.a["x"] only, with no entries: it denies everything
		rs = append(rs, planRes{typ: "aws_network_acl", name: "closed", values: map[string]any{"ingress": []any{}, "egress": []any{}},
			unknown: map[string]any{"id": true, "vpc_id": true, "subnet_ids": true},
			exprs: map[string]any{"vpc_id": vpcRef, "subnet_ids": []string{`aws_subnet.a["x"].id`, `aws_subnet.a["x"]`, "aws_subnet.a"},
				"ingress": []string{}, "egress": []string{}}})
		for _, k := range []string{"x", "y"} {
			rs = append(rs, planRes{typ: "aws_instance", name: "web", index: `"` + k + `"`,
				values:  map[string]any{"associate_public_ip_address": false},
				unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "public_ip": true, "private_ip": true},
				exprs:   map[string]any{"subnet_id": append([]string{"aws_subnet.a"}, index...), "associate_public_ip_address": false}})
		}
		rs = append(rs, planRes{typ: "aws_instance", name: "db", values: map[string]any{"associate_public_ip_address": false},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "public_ip": true, "private_ip": true},
			exprs:   map[string]any{"subnet_id": []string{"aws_subnet.db.id", "aws_subnet.db"}, "associate_public_ip_address": false}})
		return planOf(t, rs...)
	}
	for _, tc := range []struct {
		name  string
		index []string
		err   string // "": web["x"] is in aws_subnet.a["x"]
	}{
		{"each.key", []string{"each.key"}, ""},
		{"each.value", []string{"each.value"}, `aws_instance.web["x"]: subnet_id`},
		{"an attribute of each.value", []string{"each.value.az", "each.value"}, `aws_instance.web["x"]: subnet_id`},
		{"each.key and each.value", []string{"each.key", "each.value"}, `aws_instance.web["x"]: subnet_id`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", plan(tc.index...), nil)
			if tc.err != "" {
				require.ErrorIs(t, err, terraform.ErrUnknownValue)
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp(`aws_instance.web["x"]`, "aws_instance.db", 22))
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, r.Outcome, "web[\"x\"] is in a[\"x\"], closed by its ACL: %s", r.Text())
			assert.Contains(t, r.Text(), "aws_network_acl.closed")
		})
	}
}

package terraform_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// newVPCWithDefaults is a plan that creates aws_vpc.main (10.1.0.0/16),
// subnets app (10.1.1.0/24) and data (10.1.2.0/24), a group app (no
// ingress, everything out) and instances api (subnet app, group app)
// and db (subnet data, no groups: its VPC's default group), with the
// resources extra; api's groups are apiGroups' references when given.
func newVPCWithDefaults(apiGroups []string, extra ...planRes) []planRes {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	if apiGroups == nil {
		apiGroups = []string{"aws_security_group.app.id", "aws_security_group.app"}
	}
	rs := []planRes{
		{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true, "default_security_group_id": true}},
		{typ: "aws_subnet", name: "app", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
			exprs: map[string]any{"vpc_id": vpcRef}},
		{typ: "aws_subnet", name: "data", values: map[string]any{"cidr_block": "10.1.2.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
			exprs: map[string]any{"vpc_id": vpcRef}},
		{typ: "aws_security_group", name: "app", values: map[string]any{"name": "app", "ingress": []any{}, "egress": []any{out}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
		{typ: "aws_instance", name: "api", values: map[string]any{"associate_public_ip_address": false},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "private_ip": true, "public_ip": true},
			exprs:   map[string]any{"subnet_id": []string{"aws_subnet.app.id", "aws_subnet.app"}, "vpc_security_group_ids": apiGroups}},
		{typ: "aws_instance", name: "db", values: map[string]any{"associate_public_ip_address": false},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "private_ip": true, "public_ip": true},
			exprs:   map[string]any{"subnet_id": []string{"aws_subnet.data.id", "aws_subnet.data"}}},
	}
	return append(rs, extra...)
}

var (
	defaultSGRef  = []string{"aws_vpc.main.default_security_group_id", "aws_vpc.main"}
	defaultACLRef = []string{"aws_vpc.main.default_network_acl_id", "aws_vpc.main"}
)

// TestVPCDefaultsByReference: a plan that creates a VPC and adds to the
// default security group or default network ACL AWS makes with it, by a
// reference to the VPC's default_security_group_id or
// default_network_acl_id (the usual way without adopting them with
// aws_default_security_group or aws_default_network_acl), puts the rule
// in the default group or ACL the model makes for the VPC, or in the
// aws_default_security_group / aws_default_network_acl of the plan that
// manages it. Such a plan was refused: "known only after apply ... from
// an attribute of a resource of another type".
func TestVPCDefaultsByReference(t *testing.T) {
	pg := map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": []any{"10.1.0.0/16"}, "self": false}
	deny22 := map[string]any{"rule_number": 10, "egress": false, "protocol": "6", "rule_action": "deny", "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22}
	allow := []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}}
	// adopting the default group or ACL removes every rule it does not
	// list, and a rule that names the VPC's default_*_id alone is created
	// in no set order with the adoption: whether it survives is known
	// only after apply (depends_on, or a reference to the aws_default_*,
	// orders it after)
	adoptSG := planRes{typ: "aws_default_security_group", name: "main", values: map[string]any{"ingress": []any{}, "egress": []any{}},
		unknown: map[string]any{"id": true, "vpc_id": true},
		exprs:   map[string]any{"vpc_id": []string{"aws_vpc.main.id", "aws_vpc.main"}, "ingress": []string{}, "egress": []string{}}}
	ruleOn := func(dependsOn []string) planRes {
		exprs := map[string]any{"security_group_id": defaultSGRef}
		if dependsOn != nil {
			exprs["depends_on"] = dependsOn
		}
		return planRes{typ: "aws_security_group_rule", name: "pg", values: pg, unknown: map[string]any{"id": true, "security_group_id": true}, exprs: exprs}
	}
	adoptACL := planRes{typ: "aws_default_network_acl", name: "main", values: map[string]any{"ingress": allow, "egress": allow},
		unknown: map[string]any{"id": true, "default_network_acl_id": true},
		exprs:   map[string]any{"default_network_acl_id": defaultACLRef, "ingress": []string{}, "egress": []string{}}}
	entryOn := func(dependsOn []string) planRes {
		exprs := map[string]any{"network_acl_id": defaultACLRef}
		if dependsOn != nil {
			exprs["depends_on"] = dependsOn
		}
		return planRes{typ: "aws_network_acl_rule", name: "deny", values: deny22, unknown: map[string]any{"id": true, "network_acl_id": true}, exprs: exprs}
	}
	for _, tc := range []struct {
		name     string
		plan     []planRes
		from, to string                   // aws_instance.api and .db when left out
		want     map[uint16]reach.Outcome // from to to, by tcp port
	}{
		{name: "aws_security_group_rule on the default group",
			plan: newVPCWithDefaults(nil, planRes{typ: "aws_security_group_rule", name: "pg", values: pg,
				unknown: map[string]any{"id": true, "security_group_id": true}, exprs: map[string]any{"security_group_id": defaultSGRef}}),
			want: map[uint16]reach.Outcome{5432: reach.Reachable, 22: reach.Unreachable}},
		{name: "aws_vpc_security_group_ingress_rule on the default group, from a group",
			plan: newVPCWithDefaults(nil, planRes{typ: "aws_vpc_security_group_ingress_rule", name: "pg",
				values:  map[string]any{"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432},
				unknown: map[string]any{"id": true, "security_group_rule_id": true, "security_group_id": true, "referenced_security_group_id": true},
				exprs: map[string]any{"security_group_id": defaultSGRef,
					"referenced_security_group_id": []string{"aws_security_group.app.id", "aws_security_group.app"}}}),
			want: map[uint16]reach.Outcome{5432: reach.Reachable, 22: reach.Unreachable}},
		{name: "a group's inline rule from the default group, by reference",
			plan: newVPCWithDefaults([]string{"aws_security_group.api.id", "aws_security_group.api"}, planRes{typ: "aws_security_group", name: "api", values: map[string]any{"name": "api",
				"ingress": []any{map[string]any{"from_port": 8080, "to_port": 8080, "protocol": "tcp", "cidr_blocks": []any{}, "ipv6_cidr_blocks": []any{},
					"prefix_list_ids": []any{}, "self": false, "description": ""}},
				"egress": []any{}},
				unknown: map[string]any{"id": true, "vpc_id": true, "ingress": []any{map[string]any{"security_groups": true}}},
				exprs:   map[string]any{"vpc_id": []string{"aws_vpc.main.id", "aws_vpc.main"}, "ingress": defaultSGRef, "egress": []string{}}}),
			from: "aws_instance.db", to: "aws_instance.api",
			want: map[uint16]reach.Outcome{8080: reach.Reachable, 22: reach.Unreachable}},
		{name: "an instance in the default group by reference: members reach each other",
			plan: newVPCWithDefaults(defaultSGRef),
			want: map[uint16]reach.Outcome{5432: reach.Reachable, 22: reach.Reachable}},
		{name: "the rule goes to the aws_default_security_group that adopts the group, in no set order with it",
			plan: newVPCWithDefaults(nil, adoptSG, ruleOn(nil)),
			want: map[uint16]reach.Outcome{5432: reach.Indeterminate, 22: reach.Unreachable}},
		{name: "the rule goes to the aws_default_security_group that adopts the group, after it by depends_on",
			plan: newVPCWithDefaults(nil, adoptSG, ruleOn([]string{"aws_default_security_group.main"})),
			want: map[uint16]reach.Outcome{5432: reach.Reachable, 22: reach.Unreachable}},
		{name: "the rule names the aws_default_security_group that adopts the group",
			plan: newVPCWithDefaults(nil, adoptSG, planRes{typ: "aws_security_group_rule", name: "pg", values: pg,
				unknown: map[string]any{"id": true, "security_group_id": true},
				exprs:   map[string]any{"security_group_id": []string{"aws_default_security_group.main.id", "aws_default_security_group.main"}}}),
			want: map[uint16]reach.Outcome{5432: reach.Reachable, 22: reach.Unreachable}},
		{name: "aws_network_acl_rule on the default ACL",
			plan: newVPCWithDefaults(defaultSGRef, planRes{typ: "aws_network_acl_rule", name: "deny", values: deny22,
				unknown: map[string]any{"id": true, "network_acl_id": true}, exprs: map[string]any{"network_acl_id": defaultACLRef}}),
			want: map[uint16]reach.Outcome{5432: reach.Reachable, 22: reach.Unreachable}},
		{name: "the entry goes to the aws_default_network_acl that adopts the ACL, in no set order with it",
			plan: newVPCWithDefaults(defaultSGRef, adoptACL, entryOn(nil)),
			want: map[uint16]reach.Outcome{5432: reach.Reachable, 22: reach.Indeterminate}},
		{name: "the entry goes to the aws_default_network_acl that adopts the ACL, after it by depends_on",
			plan: newVPCWithDefaults(defaultSGRef, adoptACL, entryOn([]string{"aws_default_network_acl.main"})),
			want: map[uint16]reach.Outcome{5432: reach.Reachable, 22: reach.Unreachable}},
		{name: "a subnet associated with the default ACL by reference",
			plan: newVPCWithDefaults(defaultSGRef,
				planRes{typ: "aws_network_acl_association", name: "data", values: map[string]any{},
					unknown: map[string]any{"id": true, "network_acl_id": true, "subnet_id": true},
					exprs:   map[string]any{"network_acl_id": defaultACLRef, "subnet_id": []string{"aws_subnet.data.id", "aws_subnet.data"}}},
				planRes{typ: "aws_network_acl_rule", name: "deny", values: deny22,
					unknown: map[string]any{"id": true, "network_acl_id": true}, exprs: map[string]any{"network_acl_id": defaultACLRef}}),
			want: map[uint16]reach.Outcome{5432: reach.Reachable, 22: reach.Unreachable}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, tc.plan...), nil)
			require.NoError(t, err)
			from, to := tc.from, tc.to
			if from == "" {
				from, to = "aws_instance.api", "aws_instance.db"
			}
			for port, want := range tc.want {
				r, err := m.Check(tcp(from, to, port))
				require.NoError(t, err)
				assert.Equal(t, want, r.Outcome, "tcp/%d:\n%s", port, r.Text())
			}
		})
	}
}

// TestVPCDefaultsByReferenceOnlyThoseAttributes: another attribute of the
// VPC (its id) names no group or ACL: still known only after apply.
func TestVPCDefaultsByReferenceOnlyThoseAttributes(t *testing.T) {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	for _, tc := range []struct {
		name string
		res  planRes
		err  string
	}{
		{name: "security_group_id = aws_vpc.main.id",
			res: planRes{typ: "aws_security_group_rule", name: "pg", values: map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432,
				"cidr_blocks": []any{"10.1.0.0/16"}, "self": false},
				unknown: map[string]any{"id": true, "security_group_id": true}, exprs: map[string]any{"security_group_id": vpcRef}},
			err: "aws_security_group_rule.pg: security_group_id: known only after apply"},
		{name: "network_acl_id = aws_vpc.main.default_security_group_id",
			res: planRes{typ: "aws_network_acl_rule", name: "deny", values: map[string]any{"rule_number": 10, "egress": false, "protocol": "6", "rule_action": "deny",
				"cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22},
				unknown: map[string]any{"id": true, "network_acl_id": true}, exprs: map[string]any{"network_acl_id": defaultSGRef}},
			err: "aws_network_acl_rule.deny: network_acl_id: known only after apply"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := terraform.Parse("plan.json", planOf(t, newVPCWithDefaults(nil, tc.res)...), nil)
			require.Error(t, err)
			assert.True(t, errors.Is(err, terraform.ErrUnknownValue), "%v", err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

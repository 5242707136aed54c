package terraform_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// planOf writes a plan that creates the given resources: each is its
// address's type and name, index, planned values, unknown attributes and
// configured expressions.
type planRes struct {
	typ, name string
	index     any
	values    map[string]any
	unknown   map[string]any
	exprs     map[string]any
}

// rawExpr is an expression written as is (nested blocks' expressions).
type rawExpr struct{ v any }

func planOf(t *testing.T, rs ...planRes) []byte {
	t.Helper()
	var planned, changes, config []map[string]any
	seen := map[string]bool{}
	for _, r := range rs {
		addr := r.typ + "." + r.name
		if r.index != nil {
			addr += fmt.Sprintf("[%v]", r.index)
		}
		res := map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": r.name, "values": r.values}
		ch := map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": r.name,
			"change": map[string]any{"actions": []string{"create"}, "after": r.values, "after_unknown": r.unknown}}
		if r.index != nil {
			res["index"], ch["index"] = r.index, r.index
		}
		planned, changes = append(planned, res), append(changes, ch)
		if !seen[r.typ+"."+r.name] {
			seen[r.typ+"."+r.name] = true
			exprs := map[string]any{}
			var dependsOn any
			for k, v := range r.exprs {
				switch v := v.(type) {
				case []string:
					if k == "depends_on" { // the block's depends_on, not an expression
						dependsOn = v
						continue
					}
					exprs[k] = map[string]any{"references": v}
				case rawExpr:
					exprs[k] = v.v // nested blocks, as written
				default:
					exprs[k] = map[string]any{"constant_value": v}
				}
			}
			// Terraform names each resource's provider configuration
			cfg := map[string]any{"address": r.typ + "." + r.name, "mode": "managed", "type": r.typ, "name": r.name, "expressions": exprs, "provider_config_key": "aws"}
			if dependsOn != nil {
				cfg["depends_on"] = dependsOn
			}
			config = append(config, cfg)
		}
	}
	data, err := json.Marshal(map[string]any{"format_version": "1.2", "terraform_version": "1.9.8",
		"planned_values":   map[string]any{"root_module": map[string]any{"resources": planned}},
		"resource_changes": changes, "configuration": map[string]any{"root_module": map[string]any{"resources": config}},
		"errored": false, "complete": true})
	require.NoError(t, err)
	return data
}

// TestCreatePlanWithUnknownAddresses: instances whose addresses AWS picks
// at launch, answered exactly where no rule tells their possible addresses
// apart, and indeterminate where one does.
func TestCreatePlanWithUnknownAddresses(t *testing.T) {
	plan := func(aclEntries ...any) []byte {
		vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
		rule := map[string]any{"from_port": 5432, "to_port": 5432, "protocol": "tcp", "self": true}
		out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
		rs := []planRes{
			{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
				unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
			{typ: "aws_subnet", name: "app", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
				exprs: map[string]any{"vpc_id": vpcRef}},
			{typ: "aws_subnet", name: "data", values: map[string]any{"cidr_block": "10.1.2.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
				exprs: map[string]any{"vpc_id": vpcRef}},
			{typ: "aws_security_group", name: "app", values: map[string]any{"name": "app", "ingress": []any{rule}, "egress": []any{out}},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
		}
		if len(aclEntries) > 0 {
			rs = append(rs, planRes{typ: "aws_default_network_acl", name: "main", values: map[string]any{"ingress": aclEntries, "egress": aclEntries},
				unknown: map[string]any{"id": true, "default_network_acl_id": true},
				exprs:   map[string]any{"default_network_acl_id": []string{"aws_vpc.main.default_network_acl_id", "aws_vpc.main"}, "ingress": []string{}, "egress": []string{}}})
		}
		for i, n := range []string{"api", "worker", "db"} {
			sub := []string{"app", "app", "data"}[i]
			rs = append(rs, planRes{typ: "aws_instance", name: n, values: map[string]any{"associate_public_ip_address": false},
				unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "private_ip": true, "public_ip": true},
				exprs: map[string]any{"subnet_id": []string{"aws_subnet." + sub + ".id", "aws_subnet." + sub},
					"vpc_security_group_ids": []string{"aws_security_group.app.id", "aws_security_group.app"}, "associate_public_ip_address": false}})
		}
		return planOf(t, rs...)
	}
	q := tcp("aws_instance.api", "aws_instance.db", 5432)

	m, err := terraform.Parse("plan.json", plan(), nil)
	require.NoError(t, err)
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "whatever addresses AWS picks: %s", r.Text())
	assert.Empty(t, r.Unknowns)

	entry := func(n int, action, cidr string) map[string]any {
		return map[string]any{"rule_no": n, "action": action, "protocol": "-1", "cidr_block": cidr, "from_port": 0, "to_port": 0}
	}
	// an ACL entry on half of the app subnet: the database's subnet's ACL
	// judges api's packets by its address, which AWS picks, so the answer
	// depends on it, and reachsim says so rather than guess; api and
	// worker share their subnet, so no ACL judges their packets: their
	// answer holds whatever addresses they get
	m, err = terraform.Parse("plan.json", plan(entry(50, "deny", "10.1.1.0/25"), entry(100, "allow", "0.0.0.0/0")), nil)
	require.NoError(t, err)
	r, err = m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	require.NotEmpty(t, r.Unknowns)
	assert.Contains(t, r.Unknowns[0], "aws_instance.api: private_ip is known only later, and the path tells apart")
	r, err = m.Check(tcp("aws_instance.api", "aws_instance.worker", 5432))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "no filter on their path tells their addresses apart: %s", r.Text())
	assert.Empty(t, r.Unknowns)
	v, err := m.Verdict(tcp("aws_instance.api", "aws_instance.worker", 5432))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, v)
	v, err = m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v)
}

func TestCreatePlanLinksByReference(t *testing.T) {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	sgRef := []string{"aws_security_group.app.id", "aws_security_group.app"}
	rule := map[string]any{"from_port": 8080, "to_port": 8080, "protocol": "tcp", "self": true,
		"cidr_blocks": []any{}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{}}
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	var rs []planRes
	rs = append(rs,
		planRes{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true, "ipv6_cidr_block": true},
			exprs:   map[string]any{"cidr_block": "10.1.0.0/16"}},
		planRes{typ: "aws_security_group", name: "app", values: map[string]any{"name": "app", "ingress": []any{rule}, "egress": []any{out}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}})
	for i := range 2 {
		rs = append(rs,
			planRes{typ: "aws_subnet", name: "app", index: i, values: map[string]any{"cidr_block": fmt.Sprintf("10.1.%d.0/24", i)},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}},
			planRes{typ: "aws_instance", name: "app", index: i,
				values:  map[string]any{"private_ip": fmt.Sprintf("10.1.%d.10", i), "associate_public_ip_address": false, "tags": map[string]any{"Name": fmt.Sprintf("app-%d", i)}},
				unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "public_ip": true},
				exprs:   map[string]any{"subnet_id": []string{"aws_subnet.app", "count.index"}, "vpc_security_group_ids": sgRef, "associate_public_ip_address": false}})
	}
	m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
	require.NoError(t, err)
	r, err := m.Check(tcp("aws_instance.app[0]", "aws_instance.app[1]", 8080))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "a group that allows its own members, the VPC's default ACL and main route table: %s", r.Text())
	assert.Contains(t, r.Text(), "network-acl aws_vpc.main.default_network_acl (aws_subnet.app[0]) outbound")
	assert.Contains(t, r.Text(), "route-table aws_vpc.main.main_route_table")
	// each instance's subnet, paired by count.index: app[1] is in the second
	assert.Contains(t, r.Text(), "network-acl aws_vpc.main.default_network_acl (aws_subnet.app[1]) inbound")
	r, err = m.Check(tcp("app-0", "app-1", 22))
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome)
	r, err = m.Check(tcp("app-0", "198.51.100.7", 443))
	require.NoError(t, err)
	assert.Contains(t, r.Codes(), reach.NoRoute, "the main route table a new VPC gets routes locally only")

	// the same plan with the group list from a variable: the instances'
	// groups are known only after apply, so their groups decide nothing
	for i := range rs {
		if rs[i].typ == "aws_instance" {
			rs[i].exprs = map[string]any{"subnet_id": []string{"aws_subnet.app", "count.index"}, "vpc_security_group_ids": []string{"var.groups"}}
		}
	}
	var rep terraform.Report
	m, err = terraform.Parse("plan.json", planOf(t, rs...), &rep)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_instance.app[1]: vpc_security_group_ids: known only after apply")
	r, err = m.Check(tcp("aws_instance.app[0]", "aws_instance.app[1]", 8080))
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Contains(t, r.Text(), "missing: aws_instance.app[0]: vpc_security_group_ids, known only later")
	assert.Contains(t, r.Text(), "missing: aws_instance.app[1]: vpc_security_group_ids, known only later")
	r, err = m.Check(tcp("app-0", "198.51.100.7", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, "no route decides for certain, whatever the groups: %s", r.Text())

	// with no group list at all, an instance of a new VPC gets the VPC's
	// default group: members reach each other
	for i := range rs {
		if rs[i].typ == "aws_instance" {
			delete(rs[i].exprs, "vpc_security_group_ids")
		}
	}
	m, err = terraform.Parse("plan.json", planOf(t, rs...), nil)
	require.NoError(t, err)
	r, err = m.Check(tcp("aws_instance.app[0]", "aws_instance.app[1]", 22))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	assert.Contains(t, r.Text(), "security-groups aws_vpc.main.default_security_group")
	// by group names: not resolved
	for i := range rs {
		if rs[i].typ == "aws_instance" {
			rs[i].exprs["security_groups"] = []string{"var.names"}
		}
	}
	m, err = terraform.Parse("plan.json", planOf(t, rs...), nil)
	require.NoError(t, err)
	r, err = m.Check(tcp("aws_instance.app[0]", "aws_instance.app[1]", 22))
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Contains(t, r.Text(), "aws_instance.app[0]: vpc_security_group_ids (from security_groups, which names the groups by name), known only later")
	// a subnet no reference resolves: the model cannot place the instance
	for i := range rs {
		if rs[i].typ == "aws_instance" {
			rs[i].exprs["subnet_id"] = []string{"var.subnet"}
		}
	}
	_, err = terraform.Parse("plan.json", planOf(t, rs...), nil)
	require.ErrorIs(t, err, terraform.ErrUnknownValue)
	assert.ErrorContains(t, err, "aws_instance.app[1]: subnet_id: known only after apply: its configuration computes it from something other than resources of the plan")
}

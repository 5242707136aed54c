package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// sharedGroupNet is a new VPC with instances api (group app), bastion
// (group bastion) and db (group db), where db's ingress blocks allow
// 5432 from app and 22 from bastion, by one references list the blocks
// share (Terraform 1.1 and later) naming both groups; app is new, so
// the first block's security_groups is known only after apply; bastion
// is new too unless bastionKnown (sg-bastion exists), when the second
// block's list is known. edit, when given, changes db's ingress blocks
// and their after_unknown mirror.
func sharedGroupNet(bastionKnown bool, edit func(blocks, unknown []any)) []planRes {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{},
		"security_groups": []any{}, "self": false, "description": ""}
	group := func(name string, ingress []any, unknownIngress any, refs []string) planRes {
		u := map[string]any{"id": true, "vpc_id": true}
		if unknownIngress != nil {
			u["ingress"] = unknownIngress
		}
		return planRes{typ: "aws_security_group", name: name, values: map[string]any{"name": name, "ingress": ingress, "egress": []any{out}},
			unknown: u, exprs: map[string]any{"vpc_id": vpcRef, "ingress": refs, "egress": []string{}}}
	}
	in := func(port int, groups ...any) map[string]any {
		return map[string]any{"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": []any{}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{},
			"security_groups": groups, "self": false, "description": ""}
	}
	bastion := group("bastion", []any{}, nil, []string{})
	dbIn := []any{in(5432), in(22)}
	unknownIn := []any{map[string]any{"security_groups": true}, map[string]any{"security_groups": true}}
	if bastionKnown {
		bastion.values["id"] = "sg-bastion"
		delete(bastion.unknown, "id")
		dbIn = []any{in(5432), in(22, "sg-bastion")}
		unknownIn = []any{map[string]any{"security_groups": true}, map[string]any{}}
	}
	if edit != nil {
		edit(dbIn, unknownIn)
	}
	db := group("db", dbIn, unknownIn, []string{"aws_security_group.app.id", "aws_security_group.app", "aws_security_group.bastion.id", "aws_security_group.bastion"})
	rs := []planRes{
		{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true, "default_security_group_id": true, "default_route_table_id": true}},
		{typ: "aws_subnet", name: "app", values: map[string]any{"cidr_block": "10.1.1.0/24", "map_public_ip_on_launch": false}, unknown: map[string]any{"id": true, "vpc_id": true},
			exprs: map[string]any{"vpc_id": vpcRef}},
		group("app", []any{}, nil, []string{}), bastion, db,
	}
	for n, g := range map[string]string{"api": "app", "db": "db", "bastion": "bastion"} {
		rs = append(rs, planRes{typ: "aws_instance", name: n, values: map[string]any{"associate_public_ip_address": false},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "security_groups": true, "private_ip": true, "public_ip": true},
			exprs: map[string]any{"subnet_id": []string{"aws_subnet.app.id", "aws_subnet.app"}, "associate_public_ip_address": false,
				"vpc_security_group_ids": []string{"aws_security_group." + g + ".id", "aws_security_group." + g}}})
	}
	return rs
}

// TestSharedBlockGroupReferences: where an inline block's security_groups
// is known only after apply and the references list its attribute's
// blocks share names several groups, the plan does not say which are the
// block's: the rule's peer is undecided (never every group of the list,
// which opened 5432 to bastion), and a block whose list is known is read
// as it is; a new group of the list is surely the block's where it is the
// only block whose list is unknown and no other value of the blocks is:
// not when another value of a block, the unknown one's own included, is
// (the reference could be used there instead).
func TestSharedBlockGroupReferences(t *testing.T) {
	unknownToo := func(block int, attr string) func(_, _ []any) {
		return func(_, u []any) { u[block].(map[string]any)[attr] = true }
	}
	// the second block's list: sg-bastion and an element known only after
	// apply (null, as Terraform writes it)
	secondPartly := func(bs, u []any) {
		bs[1].(map[string]any)["security_groups"] = []any{"sg-bastion", nil}
		u[1].(map[string]any)["security_groups"] = []any{false, true}
	}
	for _, tc := range []struct {
		name         string
		bastionKnown bool
		edit         func(blocks, unknown []any)
		from         string
		port         uint16
		want         reach.Outcome
	}{
		{"every group new: bastion on 5432", false, nil, "aws_instance.bastion", 5432, reach.Indeterminate},
		{"every group new: api on 5432", false, nil, "aws_instance.api", 5432, reach.Indeterminate},
		{"every group new: bastion on 22", false, nil, "aws_instance.bastion", 22, reach.Indeterminate},
		{"bastion known: bastion on 5432", true, nil, "aws_instance.bastion", 5432, reach.Indeterminate},
		// the first block is the only unknown one, and app, new, can be
		// in no known list: it is surely the first block's
		{"bastion known: api on 5432, app surely the unknown block's", true, nil, "aws_instance.api", 5432, reach.Reachable},
		{"bastion known: bastion on 22, the known block", true, nil, "aws_instance.bastion", 22, reach.Reachable},
		{"bastion known: api on 3306, no block's port", true, nil, "aws_instance.api", 3306, reach.Unreachable},
		{"bastion known, the second block's description known only after apply: api on 5432", true,
			unknownToo(1, "description"), "aws_instance.api", 5432, reach.Indeterminate},
		{"bastion known, the first block's description known only after apply: api on 5432", true,
			unknownToo(0, "description"), "aws_instance.api", 5432, reach.Indeterminate},
		{"bastion known, an element of the second block's list known only after apply: api on 5432", true,
			secondPartly, "aws_instance.api", 5432, reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", planOf(t, sharedGroupNet(tc.bastionKnown, tc.edit)...), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp(tc.from, "aws_instance.db", tc.port))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Indeterminate {
				u := r.Undecided()
				require.NotEmpty(t, u, r.Text())
				assert.Equal(t, reach.SGIndeterminate.OnLeg(u[0].Leg), u[0].Code, r.Text())
			}
		})
	}
}

// TestSharedBlockPrefixListReferences: the same for prefix_list_ids: two
// ingress blocks of a new group, 443 from list a (203.0.113.0/24) and 22
// from list b (198.51.100.0/24), both lists new: which list is which
// block's is not in the plan, so neither port is decided for either
// list's addresses (once an error or every list for every block).
func TestSharedBlockPrefixListReferences(t *testing.T) {
	list := func(name, cidr string) planRes {
		return planRes{typ: "aws_ec2_managed_prefix_list", name: name, values: map[string]any{"name": name, "address_family": "IPv4", "max_entries": 5,
			"entry": []any{map[string]any{"cidr": cidr, "description": ""}}}, unknown: map[string]any{"id": true}}
	}
	block := func(port int) map[string]any {
		return map[string]any{"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": []any{}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": nil,
			"security_groups": []any{}, "self": false, "description": ""}
	}
	web := planRes{typ: "aws_security_group", name: "web", values: map[string]any{"name": "web", "vpc_id": "vpc-1",
		"ingress": []any{block(443), block(22)},
		"egress":  []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}},
		unknown: map[string]any{"id": true, "ingress": []any{map[string]any{"prefix_list_ids": true}, map[string]any{"prefix_list_ids": true}}},
		exprs: map[string]any{"ingress": []string{"aws_ec2_managed_prefix_list.a.id", "aws_ec2_managed_prefix_list.a", "aws_ec2_managed_prefix_list.b.id", "aws_ec2_managed_prefix_list.b"},
			"egress": []string{}}}
	plan := withData(t, planOf(t, openDefaultACL(), list("a", "203.0.113.0/24"), list("b", "198.51.100.0/24"), web, webInstance()), existingNet()...)
	m, err := terraform.Parse("plan.json", plan, nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		from string
		port uint16
		want reach.Outcome
	}{
		{"203.0.113.7", 443, reach.Indeterminate},
		{"203.0.113.7", 22, reach.Indeterminate},
		{"198.51.100.7", 22, reach.Indeterminate},
	} {
		r, err := m.Check(tcp(tc.from, "aws_instance.web", tc.port))
		require.NoError(t, err)
		assert.Equal(t, tc.want, r.Outcome, "%s:%d\n%s", tc.from, tc.port, r.Text())
	}
}

package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestReplacedRuleDuplicatesKept: a standalone rule resource (security
// group rule, network ACL rule, route) the plan replaces whose old
// permission (ACL entry number, route destination) the owner's
// configured inline blocks also write. The delete of the old object
// revokes it, whichever of delete and create runs first; the create adds
// the new object's. Where the new object holds the old permission (entry
// number, destination), the create puts it back; otherwise it is gone
// after apply. An owner updated in place writes only what its blocks
// change: where they hold it alike before and after, it is gone; where
// the update writes it again, in no set order with the delete, undecided.
func TestReplacedRuleDuplicatesKept(t *testing.T) {
	deleteFirst, createFirst := []string{"delete", "create"}, []string{"create", "delete"}
	narrowed := func(r planRes) planRes { // a new rule from 192.0.2.0/24 only
		v := map[string]any{}
		for k, x := range r.values {
			v[k] = x
		}
		if r.typ == "aws_vpc_security_group_ingress_rule" {
			v["cidr_ipv4"] = "192.0.2.0/24"
		} else {
			v["cidr_blocks"] = []any{"192.0.2.0/24"}
		}
		r.values = v
		return r
	}
	described := sshRule()
	described.values["description"] = "new" // the same permission
	moved := sshRule()                      // the same permission, on group other (sg-2)
	moved.values["security_group_id"], moved.exprs["security_group_id"] = "sg-2", "sg-2"
	other := planRes{typ: "aws_security_group", name: "other", values: map[string]any{"id": "sg-2", "name": "other", "vpc_id": "vpc-1", "ingress": []any{}, "egress": []any{}},
		exprs: map[string]any{"ingress": []string{}, "egress": []string{}}}
	renumbered := aclRule(80, 23, false) // entry 80 allowing tcp/23: 22 is not
	renumbered.values["id"] = "nacl-2"
	route := func(dest string) planRes {
		return planRes{typ: "aws_route", name: "inet", values: map[string]any{"id": "r-rtb-main", "route_table_id": "rtb-main",
			"destination_cidr_block": dest, "gateway_id": "igw-1"}}
	}
	for _, tc := range []struct {
		name    string
		owner   string // "group", "acl", "route": what writes the old permission inline
		updated bool   // the owner is updated in place
		lacked  bool   // its blocks (ingress; route for a table) before its update are none
		kept    bool   // a kept rule resource (imported for it) writes the old permission, not the group's blocks
		actions []string
		new     planRes
		old     map[string]any
		extra   []planRes
		want    reach.Outcome
	}{
		{name: "group rule replaced by a narrower one, delete first", owner: "group", actions: deleteFirst, new: narrowed(sshRule()), old: sshRule().values, want: reach.Unreachable},
		{name: "group rule replaced by a narrower one, create_before_destroy", owner: "group", actions: createFirst, new: narrowed(sshRule()), old: sshRule().values, want: reach.Unreachable},
		{name: "vpc ingress rule replaced by a narrower one", owner: "group", actions: deleteFirst, new: narrowed(sshVPCRule()), old: sshVPCRule().values, want: reach.Unreachable},
		{name: "group rule replaced keeping its permission: the create puts it back", owner: "group", actions: deleteFirst, new: described, old: sshRule().values, want: reach.Reachable},
		// the new object holds the permission in another group: it puts
		// it there, not back
		{name: "group rule replaced by the same permission on another group", owner: "group", actions: deleteFirst, new: moved, old: sshRule().values,
			extra: []planRes{other}, want: reach.Unreachable},
		{name: "group rule replaced by a narrower one, an imported rule resource of the old permission kept", owner: "group", kept: true, actions: deleteFirst, new: narrowed(sshRule()), old: sshRule().values, want: reach.Unreachable},
		{name: "group rule replaced, the group updated, its blocks alike before and after: the update leaves it", owner: "group", updated: true, actions: deleteFirst, new: narrowed(sshRule()), old: sshRule().values, want: reach.Unreachable},
		{name: "group rule replaced, the group updated, its blocks lacking it before: in no set order", owner: "group", updated: true, lacked: true, actions: deleteFirst, new: narrowed(sshRule()), old: sshRule().values, want: reach.Indeterminate},
		{name: "acl rule replaced with another number, delete first", owner: "acl", actions: deleteFirst, new: renumbered, old: aclRule(90, 22, false).values, want: reach.Unreachable},
		{name: "acl rule replaced with another number, create_before_destroy", owner: "acl", actions: createFirst, new: renumbered, old: aclRule(90, 22, false).values, want: reach.Unreachable},
		{name: "acl rule replaced with another number, the ACL updated, its blocks alike before and after: the update leaves it", owner: "acl", updated: true, actions: deleteFirst, new: renumbered, old: aclRule(90, 22, false).values, want: reach.Unreachable},
		{name: "acl rule replaced with another number, the ACL updated, its blocks lacking it before: in no set order", owner: "acl", updated: true, lacked: true, actions: deleteFirst, new: renumbered, old: aclRule(90, 22, false).values, want: reach.Indeterminate},
		{name: "aws_route replaced with another destination", owner: "route", actions: deleteFirst, new: route("192.0.2.0/24"), old: route("0.0.0.0/0").values, want: reach.Unreachable},
		{name: "aws_route replaced with another destination, create_before_destroy", owner: "route", actions: createFirst, new: route("192.0.2.0/24"), old: route("0.0.0.0/0").values, want: reach.Unreachable},
		{name: "aws_route replaced with another destination, the table updated, its blocks alike before and after: the update leaves it", owner: "route", updated: true, actions: deleteFirst, new: route("192.0.2.0/24"), old: route("0.0.0.0/0").values, want: reach.Unreachable},
		{name: "aws_route replaced with another destination, the table updated, its blocks lacking it before: in no set order", owner: "route", updated: true, lacked: true, actions: deleteFirst, new: route("192.0.2.0/24"), old: route("0.0.0.0/0").values, want: reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rs []planRes
			owner := map[string]string{"group": "aws_security_group.web", "acl": "aws_default_network_acl.main", "route": "aws_default_route_table.main"}[tc.owner]
			switch tc.owner {
			case "group":
				rs = existingPublicNet(false, sgBlock(22)) // group ingress configured: tcp/22 from 0.0.0.0/0
			case "acl":
				rs = existingPublicNet(false)
				rs[3].values["ingress"] = []any{aclBlock(90, 22)} // configured
			case "route":
				rs = existingPublicNet(false) // the main table's blocks: 0.0.0.0/0 -> igw-1
			}
			if tc.kept {
				rs[5].exprs = map[string]any{"egress": []string{}} // ingress left out: computed
				rs = append(rs, sshVPCRule())
			}
			rs = append(append(rs, tc.extra...), publicWeb(), tc.new)
			var before map[string]map[string]any
			if tc.updated {
				before = map[string]map[string]any{owner: updatedBefore(rs, owner)}
				if tc.lacked {
					before[owner][map[string]string{"group": "ingress", "acl": "ingress", "route": "route"}[tc.owner]] = []any{}
				}
			}
			addr := tc.new.typ + "." + tc.new.name
			plan := setBefore(t, changePlan(t, before, map[string][]string{addr: tc.actions}, nil, rs...), addr, tc.old)
			if tc.kept {
				plan = asImported(t, plan, "aws_vpc_security_group_ingress_rule.ssh", "sgr-1")
			}
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", plan, &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			switch tc.want {
			case reach.Unreachable:
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), "which nothing adds back until the next apply", "the revoke is warned of")
			case reach.Indeterminate:
				assert.Contains(t, r.Text(), "in no set order")
			}
		})
	}
}

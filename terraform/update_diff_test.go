package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestOwnerUpdateBesideDeletedRule: a group, ACL or route table the plan
// updates in place whose configured inline blocks write the permission
// (entry number, destination) of a standalone rule resource or aws_route
// the plan deletes. The provider writes only what the blocks change,
// before against after: where every block naming it is alike in both,
// the update leaves it, and the delete removes it whatever the order
// (gone); where the update writes it (after holds it, before does not or
// not alike) or its blocks hold a value known only after apply, the
// order decides (indeterminate).
func TestOwnerUpdateBesideDeletedRule(t *testing.T) {
	described := func(port int, d string) map[string]any {
		b := sgBlock(port)
		b["description"] = d
		return b
	}
	wide := sgBlock(22) // one block of tcp/22 from two sources
	wide["cidr_blocks"] = []any{"0.0.0.0/0", "192.0.2.0/24"}
	udp := sgBlock(22)
	udp["protocol"] = "udp"
	route := func(dest, gw string) map[string]any {
		b := igwRoute()
		b["cidr_block"], b["gateway_id"] = dest, gw
		return b
	}
	onMain := planRes{typ: "aws_route", name: "inet", values: map[string]any{"id": "r-rtb-main1080289494", "route_table_id": "rtb-main",
		"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}}
	egressOnly := []any{aclBlock(100, 0), aclBlock(110, 443)}
	for _, tc := range []struct {
		name          string
		owner         string // group, acl or route
		after, before []any  // the owner's inline blocks (ingress; route for a table) after and before its update
		egressBefore  []any  // the ACL's egress before, when not as after
		unknown       bool   // a value of the planned blocks is known only after apply
		deleted       planRes
		want          reach.Outcome
	}{
		// security groups: the rule resource revokes tcp/22 from 0.0.0.0/0
		{name: "group: in before and after alike: the update leaves it", owner: "group", after: []any{sgBlock(22)}, before: []any{sgBlock(22)}, deleted: sshRule(), want: reach.Unreachable},
		{name: "group: the same, an aws_vpc_security_group_ingress_rule deleted", owner: "group", after: []any{sgBlock(22)}, before: []any{sgBlock(22)}, deleted: sshVPCRule(), want: reach.Unreachable},
		{name: "group: in after, not before: the update authorizes it", owner: "group", after: []any{sgBlock(22)}, before: []any{}, deleted: sshRule(), want: reach.Indeterminate},
		{name: "group: its description changes: the update revokes and authorizes it", owner: "group", after: []any{sgBlock(22)}, before: []any{described(22, "old")}, deleted: sshRule(), want: reach.Indeterminate},
		{name: "group: its block gains a source: the rule of 0.0.0.0/0 is alike", owner: "group", after: []any{wide}, before: []any{sgBlock(22)}, deleted: sshRule(), want: reach.Unreachable},
		{name: "group: the update adds another port from the same source", owner: "group", after: []any{sgBlock(22), sgBlock(443)}, before: []any{sgBlock(22)}, deleted: sshRule(), want: reach.Unreachable},
		{name: "group: the update adds udp/22 from the same source", owner: "group", after: []any{sgBlock(22), udp}, before: []any{sgBlock(22)}, deleted: sshRule(), want: reach.Unreachable},
		{name: "group: its planned blocks hold a value known only after apply", owner: "group", after: []any{sgBlock(22)}, before: []any{sgBlock(22)}, unknown: true, deleted: sshRule(), want: reach.Indeterminate},
		{name: "group: in before, not after: both revoke it", owner: "group", after: []any{sgBlock(443)}, before: []any{sgBlock(22), sgBlock(443)}, deleted: sshRule(), want: reach.Unreachable},
		{name: "group: in neither: the update does not write it", owner: "group", after: []any{sgBlock(443)}, before: []any{sgBlock(443)}, deleted: sshRule(), want: reach.Unreachable},
		// network ACLs: the aws_network_acl_rule deletes inbound entry 90
		{name: "acl: entry 90 in before and after alike", owner: "acl", after: []any{aclBlock(90, 22)}, before: []any{aclBlock(90, 22)}, deleted: aclRule(90, 22, false), want: reach.Unreachable},
		{name: "acl: entry 90 in after, not before: the update creates it", owner: "acl", after: []any{aclBlock(90, 22)}, before: []any{}, deleted: aclRule(90, 22, false), want: reach.Indeterminate},
		// (entry 90 changing its values: the update deletes it, which fails
		// after the rule's delete: TestACLUpdateAndRuleDeleteBothDeleteAnEntry)
		{name: "acl: the update creates another entry", owner: "acl", after: []any{aclBlock(90, 22), aclBlock(95, 80)}, before: []any{aclBlock(90, 22)}, deleted: aclRule(90, 22, false), want: reach.Unreachable},
		{name: "acl: the update changes outbound entries only", owner: "acl", after: []any{aclBlock(90, 22)}, before: []any{aclBlock(90, 22)}, egressBefore: egressOnly, deleted: aclRule(90, 22, false), want: reach.Unreachable},
		{name: "acl: its planned blocks hold a value known only after apply", owner: "acl", after: []any{aclBlock(90, 22)}, before: []any{aclBlock(90, 22)}, unknown: true, deleted: aclRule(90, 22, false), want: reach.Indeterminate},
		// route tables: the aws_route deletes the route to 0.0.0.0/0
		{name: "route: 0.0.0.0/0 in before and after alike", owner: "route", after: []any{route("0.0.0.0/0", "igw-1")}, before: []any{route("0.0.0.0/0", "igw-1")}, deleted: onMain, want: reach.Unreachable},
		{name: "route: 0.0.0.0/0 in after, not before: the update creates it", owner: "route", after: []any{route("0.0.0.0/0", "igw-1")}, before: []any{}, deleted: onMain, want: reach.Indeterminate},
		{name: "route: its target changes: the update replaces it", owner: "route", after: []any{route("0.0.0.0/0", "igw-1")}, before: []any{route("0.0.0.0/0", "igw-9")}, deleted: onMain, want: reach.Indeterminate},
		{name: "route: the update creates a route to another destination", owner: "route", after: []any{route("0.0.0.0/0", "igw-1"), route("192.0.2.0/24", "igw-1")}, before: []any{route("0.0.0.0/0", "igw-1")}, deleted: onMain, want: reach.Unreachable},
		{name: "route: its planned blocks hold a value known only after apply", owner: "route", after: []any{route("0.0.0.0/0", "igw-1")}, before: []any{route("0.0.0.0/0", "igw-1")}, unknown: true, deleted: onMain, want: reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			i, attr := map[string]int{"group": 5, "acl": 3, "route": 2}[tc.owner], map[string]string{"group": "ingress", "acl": "ingress", "route": "route"}[tc.owner]
			rs[i].values[attr] = tc.after
			if tc.unknown {
				rs[i].unknown = map[string]any{attr: []any{map[string]any{"description": true}}}
			}
			rs = append(rs, publicWeb())
			owner := rs[i].typ + "." + rs[i].name
			before := updatedBefore(rs, owner)
			before[attr] = tc.before
			if tc.egressBefore != nil {
				before["egress"] = tc.egressBefore
			}
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", changePlan(t, map[string]map[string]any{owner: before}, nil, []planRes{tc.deleted}, rs...), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Indeterminate {
				assert.Contains(t, r.Text(), owner, "the missing line names the owner")
			}
			// where after holds it, the warning says why it is gone
			leaves := tc.want == reach.Unreachable && !strings.Contains(tc.name, "not after") && !strings.Contains(tc.name, "in neither")
			assert.Equal(t, leaves, strings.Contains(strings.Join(rep.Warnings, "\n"), "the owner's update leaves as it is"), rep.Warnings)
		})
	}
}

// TestACLUpdateAndRuleDeleteBothDeleteAnEntry: an ACL updated in place
// whose update deletes entry 90 (before holds it, after does not), beside
// an aws_network_acl_rule of entry 90 the plan deletes: Terraform deletes
// the rule first, and the ACL's update then fails on the missing entry
// (the provider does not ignore InvalidNetworkAclEntry.NotFound there), so
// the plan is refused as one that does not apply; an update that leaves
// entry 90 alike, or deletes another entry, is read as before.
func TestACLUpdateAndRuleDeleteBothDeleteAnEntry(t *testing.T) {
	for _, tc := range []struct {
		name          string
		after, before []any
		refused       bool
	}{
		{"the update deletes entry 90 too", []any{}, []any{aclBlock(90, 22)}, true},
		{"the update changes entry 90: it deletes it first", []any{aclBlock(90, 23)}, []any{aclBlock(90, 22)}, true},
		{"the update deletes entry 95 only", []any{aclBlock(90, 22)}, []any{aclBlock(90, 22), aclBlock(95, 80)}, false},
		{"the update leaves entry 90 alike", []any{aclBlock(90, 22)}, []any{aclBlock(90, 22)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			rs[3].values["ingress"] = tc.after
			rs = append(rs, publicWeb())
			owner := rs[3].typ + "." + rs[3].name
			before := updatedBefore(rs, owner)
			before["ingress"] = tc.before
			_, err := terraform.Parse("plan.json", changePlan(t, map[string]map[string]any{owner: before}, nil, []planRes{aclRule(90, 22, false)}, rs...), &terraform.Report{})
			if !tc.refused {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, terraform.ErrInvalidPlan)
			assert.Contains(t, err.Error(), owner)
			assert.Contains(t, err.Error(), "deletes entry 90 (ingress)")
			assert.Contains(t, err.Error(), "InvalidNetworkAclEntry.NotFound")
		})
	}
}

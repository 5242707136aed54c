package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestReplacedSameEntryTakesInlinePlace: an aws_network_acl_rule or
// aws_route the plan replaces keeping its rule number and direction
// (destination), which the owner's configured inline blocks also write.
// Delete first, the delete removes the one entry (route) and the create
// adds the new values: one entry (route), the new one's, where the owner
// is left as it is, or updated in place with its blocks of that entry
// (route) alike before and after (its update writes only what they
// change); where the update writes it, in no set order with the
// replacement, which values it holds is undecided. With
// create_before_destroy AWS refuses the create while the old one stands
// (NetworkAclEntryAlreadyExists, RouteAlreadyExists): the plan is refused.
func TestReplacedSameEntryTakesInlinePlace(t *testing.T) {
	deleteFirst, createFirst := []string{"delete", "create"}, []string{"create", "delete"}
	denied := aclRule(90, 22, true) // entry 90 now denies tcp/22
	denied.values["id"] = "nacl-2"
	narrowed := aclRule(90, 22, false) // entry 90 now allows tcp/22 from 192.0.2.0/24 only
	narrowed.values["id"], narrowed.values["cidr_block"] = "nacl-2", "192.0.2.0/24"
	route := func(target, id string) planRes {
		return planRes{typ: "aws_route", name: "inet", values: map[string]any{"id": "r-rtb-main", "route_table_id": "rtb-main",
			"destination_cidr_block": "0.0.0.0/0", target: id}}
	}
	ipv6Route := planRes{typ: "aws_route", name: "inet", values: map[string]any{"id": "r-rtb-main-v6", "route_table_id": "rtb-main",
		"destination_ipv6_cidr_block": "::/0", "gateway_id": "igw-1"}}
	listRoute := planRes{typ: "aws_route", name: "inet", values: map[string]any{"id": "r-rtb-main-pl", "route_table_id": "rtb-main",
		"destination_prefix_list_id": "pl-1", "gateway_id": "igw-1"}}
	for _, tc := range []struct {
		name    string
		owner   string // "acl", "route": what writes the old entry (route) inline
		updated bool   // the owner is updated in place
		lacked  bool   // its blocks (ingress; route for a table) before its update are none
		actions []string
		new     planRes
		old     map[string]any
		want    reach.Outcome
		says    string // in the answer's text or the refusal
		refused bool   // the plan is refused: its apply fails
	}{
		{name: "acl rule replaced by a deny of the same number, delete first", owner: "acl", actions: deleteFirst, new: denied, old: aclRule(90, 22, false).values, want: reach.Unreachable, says: "90"},
		{name: "acl rule replaced by a narrower one of the same number: the ACL's later entry decides", owner: "acl", actions: deleteFirst, new: narrowed, old: aclRule(90, 22, false).values, want: reach.Reachable},
		{name: "acl rule replaced keeping its number, the ACL updated, its blocks alike before and after: the update leaves the entry", owner: "acl", updated: true, actions: deleteFirst, new: denied, old: aclRule(90, 22, false).values, want: reach.Unreachable, says: "90"},
		{name: "acl rule replaced keeping its number, the ACL updated, its blocks lacking it before: in no set order", owner: "acl", updated: true, lacked: true, actions: deleteFirst, new: denied, old: aclRule(90, 22, false).values, want: reach.Indeterminate, says: "in no set order"},
		{name: "acl rule replaced keeping its number, create_before_destroy", owner: "acl", actions: createFirst, new: denied, old: aclRule(90, 22, false).values, says: "NetworkAclEntryAlreadyExists", refused: true},
		{name: "aws_route replaced keeping its destination and target, delete first", owner: "route", actions: deleteFirst, new: route("gateway_id", "igw-1"), old: route("gateway_id", "igw-1").values, want: reach.Reachable},
		{name: "aws_route replaced keeping its destination, to another target, delete first", owner: "route", actions: deleteFirst, new: route("vpc_endpoint_id", "vpce-1"), old: route("gateway_id", "igw-1").values, want: reach.Indeterminate, says: "VPC endpoint"},
		{name: "aws_route replaced keeping its destination, the table updated, its blocks alike before and after: the update leaves the route", owner: "route", updated: true, actions: deleteFirst, new: route("vpc_endpoint_id", "vpce-1"), old: route("gateway_id", "igw-1").values, want: reach.Indeterminate, says: "VPC endpoint"},
		{name: "aws_route replaced keeping its destination, the table updated, its blocks lacking it before: in no set order", owner: "route", updated: true, lacked: true, actions: deleteFirst, new: route("gateway_id", "igw-1"), old: route("gateway_id", "igw-1").values, want: reach.Indeterminate, says: "in no set order"},
		{name: "aws_route replaced keeping its destination, create_before_destroy", owner: "route", actions: createFirst, new: route("gateway_id", "igw-1"), old: route("gateway_id", "igw-1").values, says: "RouteAlreadyExists", refused: true},
		// the refusal names the destination attribute the route writes
		{name: "aws_route to an IPv6 block replaced keeping it, create_before_destroy", owner: "route", actions: createFirst, new: ipv6Route, old: ipv6Route.values,
			says: `aws_route.inet: destination_ipv6_cidr_block: "::/0"`, refused: true},
		{name: "aws_route to a prefix list replaced keeping it, create_before_destroy", owner: "route", actions: createFirst, new: listRoute, old: listRoute.values,
			says: `aws_route.inet: destination_prefix_list_id: "pl-1"`, refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false) // the main table's blocks: 0.0.0.0/0 -> igw-1
			if tc.owner == "acl" {
				rs[3].values["ingress"] = []any{aclBlock(90, 22), aclBlock(100, 0)} // configured
			}
			rs = append(rs, publicWeb(), tc.new)
			owner := map[string]string{"acl": "aws_default_network_acl.main", "route": "aws_default_route_table.main"}[tc.owner]
			var before map[string]map[string]any
			if tc.updated {
				before = map[string]map[string]any{owner: updatedBefore(rs, owner)}
				if tc.lacked {
					before[owner][map[string]string{"acl": "ingress", "route": "route"}[tc.owner]] = []any{}
				}
			}
			addr := tc.new.typ + "." + tc.new.name
			plan := setBefore(t, changePlan(t, before, map[string][]string{addr: tc.actions}, nil, rs...), addr, tc.old)
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", plan, &rep)
			if tc.refused {
				require.ErrorIs(t, err, terraform.ErrInvalidPlan)
				assert.Contains(t, err.Error(), tc.says)
				assert.Contains(t, err.Error(), addr)
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), tc.says)
			if !tc.lacked {
				assert.NotContains(t, r.Text(), "in no set order")
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), "in its place", "the inline one's place is taken")
			}
		})
	}
}

package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestReplacedByUnknownEntry: an aws_network_acl_rule or aws_route the
// plan replaces (delete first or create_before_destroy) whose old entry
// (route) the owner's configured inline blocks also write, and whose new
// rule number (destination) is known only after apply. The delete
// removes the old one; the new one may be anywhere: the queries it could
// decide are indeterminate, never answered from the old entry (route) or
// as if the new one were not there.
func TestReplacedByUnknownEntry(t *testing.T) {
	deleteFirst, createFirst := []string{"delete", "create"}, []string{"create", "delete"}
	rule := func() planRes { // a deny of tcp/22 at a number known only after apply
		r := aclRule(0, 22, true)
		delete(r.values, "rule_number")
		r.values["id"] = "nacl-2"
		r.unknown = map[string]any{"rule_number": true}
		return r
	}
	route := func() planRes { // a route to the gateway, its destination known only after apply
		return planRes{typ: "aws_route", name: "inet", values: map[string]any{"id": "r-rtb-main-2", "route_table_id": "rtb-main", "gateway_id": "igw-1"},
			unknown: map[string]any{"destination_cidr_block": true}}
	}
	narrow := func() planRes { // allowing tcp/22 from 192.0.2.0/24 only, at a number known only after apply
		r := rule()
		r.values["rule_action"], r.values["cidr_block"] = "allow", "192.0.2.0/24"
		return r
	}
	oldRoute := map[string]any{"id": "r-rtb-main", "route_table_id": "rtb-main", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}
	for _, tc := range []struct {
		name    string
		owner   string
		actions []string
		new     planRes
		old     map[string]any
		only    bool // the ACL's blocks hold entry 90 only: what it misses is denied
		want    reach.Outcome
		says    string
	}{
		{name: "acl rule replaced by one of a number known only after apply, delete first", owner: "acl", actions: deleteFirst, new: rule(), old: aclRule(90, 22, false).values, want: reach.Indeterminate, says: "aws_network_acl_rule.ssh"},
		{name: "acl rule replaced by one of a number known only after apply, create_before_destroy", owner: "acl", actions: createFirst, new: rule(), old: aclRule(90, 22, false).values, want: reach.Indeterminate, says: "aws_network_acl_rule.ssh"},
		{name: "aws_route replaced by one of a destination known only after apply, delete first", owner: "route", actions: deleteFirst, new: route(), old: oldRoute, want: reach.Indeterminate, says: "aws_route.inet"},
		{name: "aws_route replaced by one of a destination known only after apply, create_before_destroy", owner: "route", actions: createFirst, new: route(), old: oldRoute, want: reach.Indeterminate, says: "aws_route.inet"},
		{name: "acl rule replaced by a narrower one of a number known only after apply, delete first: the old entry is gone, the new one misses", owner: "acl", only: true, actions: deleteFirst, new: narrow(), old: aclRule(90, 22, false).values, want: reach.Unreachable, says: "aws_default_network_acl.main"},
		{name: "acl rule replaced by a narrower one of a number known only after apply, create_before_destroy: the old entry may stay", owner: "acl", only: true, actions: createFirst, new: narrow(), old: aclRule(90, 22, false).values, want: reach.Indeterminate, says: "whether it stays"},
		{name: "aws_route replaced by one of a destination known only after apply, create_before_destroy: the old route may stay", owner: "route", actions: createFirst, new: route(), old: oldRoute, want: reach.Indeterminate, says: "whether it stays"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false) // the main table's blocks: 0.0.0.0/0 -> igw-1
			if tc.owner == "acl" {
				rs[3].values["ingress"] = []any{aclBlock(90, 22), aclBlock(100, 0)} // configured
				if tc.only {
					rs[3].values["ingress"] = []any{aclBlock(90, 22)}
				}
			}
			rs = append(rs, publicWeb(), tc.new)
			addr := tc.new.typ + "." + tc.new.name
			plan := setBefore(t, changePlan(t, nil, map[string][]string{addr: tc.actions}, nil, rs...), addr, tc.old)
			m, err := terraform.Parse("plan.json", plan, nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), tc.says)
		})
	}
}

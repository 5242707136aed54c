package terraform_test

import (
	"strings"
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
	narrowDir := func() planRes { // allowing tcp/22 from 192.0.2.0/24 only, entry 90 of a direction known only after apply
		r := aclRule(90, 22, false)
		r.values["id"], r.values["cidr_block"] = "nacl-2", "192.0.2.0/24"
		delete(r.values, "egress")
		r.unknown = map[string]any{"egress": true}
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
		{name: "acl rule replaced by a narrower one of a direction known only after apply, create_before_destroy: the old entry may stay", owner: "acl", only: true, actions: createFirst, new: narrowDir(), old: aclRule(90, 22, false).values, want: reach.Indeterminate, says: "whether it stays"},
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
			if tc.actions[0] == "delete" {
				assert.NotContains(t, r.Text(), "whether it stays", "deleted first, the old one is gone")
			}
		})
	}
}

// TestReplacedByUnknownEntryKept: an existing aws_network_acl whose
// configuration leaves its ingress blocks out keeps the entries AWS holds
// (its planned ingress), among them entry 90, which an
// aws_network_acl_rule the plan replaces writes; the new rule allows
// tcp/22 from 192.0.2.0/24 only. Replaced delete first, entry 90 is gone
// and the new one misses; with create_before_destroy by a rule whose
// number is known only after apply, AWS refuses the new one where it is
// 90 and entry 90 stays: whether it does is unknown, never gone for
// certain; by a rule of another number known, it is gone.
func TestReplacedByUnknownEntryKept(t *testing.T) {
	deleteFirst, createFirst := []string{"delete", "create"}, []string{"create", "delete"}
	narrow := func(n any) planRes { // allowing tcp/22 from 192.0.2.0/24 only
		r := onPubACL(aclRule(0, 22, false))
		r.values["cidr_block"], r.values["id"] = "192.0.2.0/24", "nacl-2"
		r.values["rule_number"], r.unknown = n, map[string]any{}
		if n == nil {
			delete(r.values, "rule_number")
			r.unknown["rule_number"] = true
		}
		return r
	}
	for _, tc := range []struct {
		name    string
		actions []string
		new     planRes
		want    reach.Outcome
		says    string
	}{
		{name: "delete first, its number known only after apply: entry 90 gone, the new one misses", actions: deleteFirst, new: narrow(nil), want: reach.Unreachable},
		{name: "create_before_destroy, its number known only after apply: entry 90 may stay", actions: createFirst, new: narrow(nil), want: reach.Indeterminate,
			says: "aws_network_acl.pub ingress entry 90 (whether it stays: aws_network_acl_rule.ssh is replaced with create_before_destroy by one whose network ACL, rule number or direction is known only after apply"},
		{name: "create_before_destroy by another number: entry 90 gone", actions: createFirst, new: narrow(95), want: reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false)
			// acl-pub, whose configuration leaves its blocks out: AWS
			// keeps entry 90 of the rule, and allows everything out
			rs = append(rs, planRes{typ: "aws_network_acl", name: "pub", values: map[string]any{"id": "acl-pub", "vpc_id": "vpc-1", "subnet_ids": []any{"subnet-1"},
				"ingress": []any{aclBlock(90, 22)}, "egress": []any{aclBlock(100, 0)}}, exprs: map[string]any{"vpc_id": "vpc-1", "subnet_ids": []string{}}},
				publicWeb(), tc.new)
			addr := tc.new.typ + "." + tc.new.name
			plan := setBefore(t, changePlan(t, nil, map[string][]string{addr: tc.actions}, nil, rs...), addr, onPubACL(aclRule(90, 22, false)).values)
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", plan, rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), tc.says)
			if tc.says != "" {
				warned := false
				for _, w := range rep.Warnings {
					warned = warned || strings.Contains(w, tc.says) && strings.HasSuffix(w, ": the queries whose answer it could change are indeterminate")
				}
				assert.True(t, warned, "a warning names the entry: %q", rep.Warnings)
			}
		})
	}
}

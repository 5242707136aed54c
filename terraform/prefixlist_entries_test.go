package terraform_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
	"github.com/reachsim/reachsim/terraform"
)

// An aws_ec2_managed_prefix_list that exists, whose configuration leaves
// the entry blocks out (entry is Optional and Computed in the provider:
// Terraform keeps the entries AWS holds), and that no
// aws_ec2_managed_prefix_list_entry of the plan fills. Its planned values
// hold the entries it keeps (198.51.100.0/24). A client in that block must
// not be answered "unreachable for certain".
func TestPrefixListEntriesNotConfigured(t *testing.T) {
	plan := planOf(t,
		openDefaultACL(),
		planRes{typ: "aws_ec2_managed_prefix_list", name: "office", values: map[string]any{"id": "pl-office", "name": "office", "address_family": "IPv4",
			"max_entries": 5, "entry": []any{map[string]any{"cidr": "198.51.100.0/24", "description": "added by hand"}}},
			exprs: map[string]any{"name": "office", "address_family": "IPv4", "max_entries": 5}},
		planRes{typ: "aws_security_group", name: "web", values: map[string]any{"name": "web", "vpc_id": "vpc-1",
			"ingress": []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "prefix_list_ids": []any{"pl-office"}}},
			"egress":  []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}},
			unknown: map[string]any{"id": true}, exprs: map[string]any{"ingress": []string{"aws_ec2_managed_prefix_list.office.id", "aws_ec2_managed_prefix_list.office"}, "egress": []string{}}},
		webInstance())
	plan = asNoOp(t, plan, "aws_ec2_managed_prefix_list.office")
	plan = withData(t, plan,
		existingNet()...)
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", plan, rep)
	require.NoError(t, err)
	r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, "the list keeps 198.51.100.0/24, which its planned values show:\n%s", r.Text())
	r, err = m.Check(tcp("203.0.113.7", "aws_instance.web", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, "an address the list does not hold:\n%s", r.Text())
}

// TestPrefixListEntriesNotConfiguredKnownLater: the list of
// TestPrefixListEntriesNotConfigured, updated by the plan, whose entries
// (kept, not configured) are known only after apply: it holds entries the
// plan does not show, so a client no known block holds is indeterminate,
// never "unreachable for certain".
func TestPrefixListEntriesNotConfiguredKnownLater(t *testing.T) {
	plan := planOf(t,
		openDefaultACL(),
		planRes{typ: "aws_ec2_managed_prefix_list", name: "office", values: map[string]any{"id": "pl-office", "name": "office", "address_family": "IPv4",
			"max_entries": 6, "entry": nil},
			unknown: map[string]any{"entry": true}, exprs: map[string]any{"name": "office", "address_family": "IPv4", "max_entries": 6}},
		planRes{typ: "aws_security_group", name: "web", values: map[string]any{"name": "web", "vpc_id": "vpc-1",
			"ingress": []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "prefix_list_ids": []any{"pl-office"}}},
			"egress":  []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}},
			unknown: map[string]any{"id": true}, exprs: map[string]any{"ingress": []string{"aws_ec2_managed_prefix_list.office.id", "aws_ec2_managed_prefix_list.office"}, "egress": []string{}}},
		webInstance())
	var doc map[string]any
	require.NoError(t, json.Unmarshal(plan, &doc))
	for _, c := range doc["resource_changes"].([]any) {
		if c := c.(map[string]any); c["address"] == "aws_ec2_managed_prefix_list.office" {
			ch := c["change"].(map[string]any)
			ch["actions"], ch["before"] = []string{"update"}, map[string]any{"id": "pl-office", "name": "office", "address_family": "IPv4", "max_entries": 5,
				"entry": []any{map[string]any{"cidr": "198.51.100.0/24"}}}
		}
	}
	plan, err := json.Marshal(doc)
	require.NoError(t, err)
	m, err := terraform.Parse("plan.json", withData(t, plan, existingNet()...), &terraform.Report{})
	require.NoError(t, err)
	assert.Equal(t, []string{"aws_ec2_managed_prefix_list.office"}, m.UnresolvedPrefixLists())
	r, err := m.Check(tcp("203.0.113.7", "aws_instance.web", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
}

// asNoOp makes the change of resource addr a no-op (it exists and stays
// as it is): actions ["no-op"], before = after.
func asNoOp(t *testing.T, plan []byte, addr string) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(plan, &doc))
	for _, c := range doc["resource_changes"].([]any) {
		c := c.(map[string]any)
		if c["address"] == addr {
			ch := c["change"].(map[string]any)
			ch["actions"], ch["before"] = []string{"no-op"}, ch["after"]
		}
	}
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}

// An aws_ec2_managed_prefix_list_entry that adds an entry to a list the
// plan neither manages nor reads (a list another workspace manages, named
// by ID): the list is as unresolved as when a rule names it (its other
// entries are unknown); the plan must load, and a client only the list
// could admit is indeterminate.
func TestPrefixListEntryOfAListThePlanLacks(t *testing.T) {
	plan := planOf(t,
		openDefaultACL(),
		planRes{typ: "aws_ec2_managed_prefix_list_entry", name: "ours", values: map[string]any{"prefix_list_id": "pl-partners", "cidr": "192.0.2.0/24"},
			unknown: map[string]any{"id": true}, exprs: map[string]any{"prefix_list_id": "pl-partners", "cidr": "192.0.2.0/24"}},
		planRes{typ: "aws_security_group", name: "web", values: map[string]any{"name": "web", "vpc_id": "vpc-1",
			"ingress": []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "prefix_list_ids": []any{"pl-partners"}}},
			"egress":  []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}},
			unknown: map[string]any{"id": true}, exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
		webInstance())
	plan = withData(t, plan,
		existingNet()...)
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", plan, rep)
	require.NoError(t, err, "a list the plan lacks is unresolved, even when the plan adds an entry to it")
	assert.Equal(t, []string{"pl-partners"}, m.UnresolvedPrefixLists())
	assert.True(t, containsPrefix(rep.Warnings, "aws_security_group.web: names prefix list pl-partners, which the plan does not hold"), "%q", rep.Warnings)
	r, err := m.Check(tcp("203.0.113.7", "aws_instance.web", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
}

// TestPrefixListEntryKnownLater: a list whose entry CIDR is known only
// after apply (the provider's own example: a VPC's cidr_block) may hold
// any block, whatever entries beside it are known (inline, or an entry
// resource read after it): the plan loads, with a warning, and what only
// the list could decide is indeterminate.
func TestPrefixListEntryKnownLater(t *testing.T) {
	for _, standalone := range []bool{false, true} {
		res := []planRes{
			openDefaultACL(),
			{typ: "aws_security_group", name: "web", values: map[string]any{"name": "web", "vpc_id": "vpc-1",
				"ingress": []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "prefix_list_ids": nil}},
				"egress":  []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}},
				unknown: map[string]any{"id": true, "ingress": []any{map[string]any{"prefix_list_ids": true}}},
				exprs:   map[string]any{"ingress": []string{"aws_ec2_managed_prefix_list.peers.id", "aws_ec2_managed_prefix_list.peers"}, "egress": []string{}}},
			webInstance(),
		}
		list := planRes{typ: "aws_ec2_managed_prefix_list", name: "peers", values: map[string]any{"name": "peers", "address_family": "IPv4", "max_entries": 5,
			"entry": []any{map[string]any{"cidr": "192.0.2.0/24", "description": "known"}, map[string]any{"cidr": nil, "description": "the new VPC"}}},
			unknown: map[string]any{"id": true, "entry": []any{map[string]any{}, map[string]any{"cidr": true}}},
			exprs:   map[string]any{"name": "peers", "entry": []string{"aws_vpc.new.cidr_block", "aws_vpc.new"}}}
		if standalone {
			list.values["entry"], list.unknown, list.exprs = nil, map[string]any{"id": true, "entry": true}, map[string]any{"name": "peers"}
			listRef := []string{"aws_ec2_managed_prefix_list.peers.id", "aws_ec2_managed_prefix_list.peers"}
			res = append(res, planRes{typ: "aws_ec2_managed_prefix_list_entry", name: "new", values: map[string]any{"cidr": nil},
				unknown: map[string]any{"id": true, "prefix_list_id": true, "cidr": true},
				exprs:   map[string]any{"prefix_list_id": listRef, "cidr": []string{"aws_vpc.new.cidr_block", "aws_vpc.new"}}},
				planRes{typ: "aws_ec2_managed_prefix_list_entry", name: "zz_known", values: map[string]any{"cidr": "192.0.2.0/24"},
					unknown: map[string]any{"id": true, "prefix_list_id": true}, exprs: map[string]any{"prefix_list_id": listRef, "cidr": "192.0.2.0/24"}})
		}
		plan := withData(t, planOf(t, append(res, list)...), existingNet()...)
		rep := &terraform.Report{}
		m, err := terraform.Parse("plan.json", plan, rep)
		require.NoError(t, err, "standalone %v", standalone)
		assert.Equal(t, []string{"aws_ec2_managed_prefix_list.peers"}, m.UnresolvedPrefixLists(), "standalone %v", standalone)
		assert.True(t, slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "cidr is known only after apply") }), "%q", rep.Warnings)
		r, err := m.Check(tcp("203.0.113.7", "aws_instance.web", 443))
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
		_, err = m.PrefixList("aws_ec2_managed_prefix_list.peers")
		var u *sg.UnknownEntries
		require.ErrorAs(t, err, &u)
		assert.Equal(t, sg.FamilyIPv4, u.Family, "standalone %v: the list keeps its address_family, so it matches no IPv6 address", standalone)
	}
}

// A prefix list's address_family is IPv4 or IPv6.
func TestPrefixListAddressFamilyChecked(t *testing.T) {
	plan := planOf(t, openDefaultACL(),
		planRes{typ: "aws_ec2_managed_prefix_list", name: "peers", values: map[string]any{"name": "peers", "address_family": "ipv4", "max_entries": 5,
			"entry": []any{map[string]any{"cidr": "192.0.2.0/24"}}},
			unknown: map[string]any{"id": true}, exprs: map[string]any{"name": "peers"}})
	_, err := terraform.Parse("plan.json", withData(t, plan, existingNet()...), &terraform.Report{})
	require.ErrorIs(t, err, terraform.ErrInvalidPlan)
	assert.ErrorContains(t, err, "an address family is IPv4 or IPv6")
}

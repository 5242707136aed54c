package terraform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// changePlan is planOf with real actions, as terraform show -json prints
// a plan that changes resources that exist: every resource given exists
// and is left as it is ("no-op", before = after), but those of before,
// updated in place (their before values given), and those of created,
// created or replaced (their actions given); deleted lists the resources
// the plan destroys, in resource_changes only with their before values.
func changePlan(t *testing.T, before map[string]map[string]any, created map[string][]string, deleted []planRes, rs ...planRes) []byte {
	t.Helper()
	var p map[string]any
	require.NoError(t, json.Unmarshal(planOf(t, rs...), &p))
	changes := p["resource_changes"].([]any)
	for _, c := range changes {
		ch := c.(map[string]any)["change"].(map[string]any)
		addr := c.(map[string]any)["address"].(string)
		switch {
		case before[addr] != nil:
			ch["actions"], ch["before"] = []string{"update"}, before[addr]
		case created[addr] != nil:
			ch["actions"] = created[addr]
		default:
			ch["actions"], ch["before"] = []string{"no-op"}, ch["after"]
		}
	}
	for _, d := range deleted {
		addr := d.typ + "." + d.name
		changes = append(changes, map[string]any{"address": addr, "mode": "managed", "type": d.typ, "name": d.name,
			"change": map[string]any{"actions": []string{"delete"}, "before": d.values, "after": nil, "after_unknown": map[string]any{}}})
	}
	p["resource_changes"] = changes
	out, err := json.Marshal(p)
	require.NoError(t, err)
	return out
}

// sgBlock is an inline rule block as the provider plans it: tcp on port
// from 0.0.0.0/0.
func sgBlock(port int) map[string]any {
	return map[string]any{"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}, "ipv6_cidr_blocks": []any{},
		"prefix_list_ids": []any{}, "security_groups": []any{}, "self": false, "description": ""}
}

// aclBlock is an inline entry block: allow tcp on port from 0.0.0.0/0
// (protocol "-1", every port, when port is 0).
func aclBlock(n, port int) map[string]any {
	b := map[string]any{"rule_no": n, "action": "allow", "protocol": "6", "cidr_block": "0.0.0.0/0", "from_port": port, "to_port": port,
		"icmp_type": 0, "icmp_code": 0, "ipv6_cidr_block": ""}
	if port == 0 {
		b["protocol"] = "-1"
	}
	return b
}

// sshRule is an aws_security_group_rule on sg-1 allowing tcp/22 from
// everywhere.
func sshRule() planRes {
	return planRes{typ: "aws_security_group_rule", name: "ssh", values: map[string]any{"id": "sgrule-1", "security_group_id": "sg-1", "type": "ingress",
		"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": []any{"0.0.0.0/0"}, "self": false, "source_security_group_id": nil},
		exprs: map[string]any{"security_group_id": "sg-1", "type": "ingress"}}
}

// sshVPCRule is an aws_vpc_security_group_ingress_rule on sg-1 allowing
// tcp/22 from everywhere.
func sshVPCRule() planRes {
	return planRes{typ: "aws_vpc_security_group_ingress_rule", name: "ssh", values: map[string]any{"id": "sgr-1", "security_group_rule_id": "sgr-1",
		"security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"},
		exprs: map[string]any{"security_group_id": "sg-1"}}
}

// aclRule is an aws_network_acl_rule on the default ACL acl-main, inbound,
// allowing tcp on port from everywhere (denying with deny).
func aclRule(n, port int, deny bool) planRes {
	act := "allow"
	if deny {
		act = "deny"
	}
	return planRes{typ: "aws_network_acl_rule", name: "ssh", values: map[string]any{"id": "nacl-1", "network_acl_id": "acl-main", "rule_number": n, "egress": false,
		"protocol": "6", "rule_action": act, "cidr_block": "0.0.0.0/0", "from_port": port, "to_port": port, "icmp_type": nil, "icmp_code": nil, "ipv6_cidr_block": nil},
		exprs: map[string]any{"network_acl_id": "acl-main"}}
}

// pubACL is an aws_network_acl acl-pub of subnet-1 in existingPublicNet
// (its subnet_ids configured), with the ingress entries given and
// allowing everything out.
func pubACL(ingress ...any) planRes {
	allow := []any{aclBlock(100, 0)}
	return planRes{typ: "aws_network_acl", name: "pub", values: map[string]any{"id": "acl-pub", "vpc_id": "vpc-1", "subnet_ids": []any{"subnet-1"},
		"ingress": ingress, "egress": allow}, exprs: map[string]any{"vpc_id": "vpc-1", "subnet_ids": []string{}, "ingress": []string{}, "egress": []string{}}}
}

// onPubACL is rule, an aws_network_acl_rule, on acl-pub (pubACL).
func onPubACL(rule planRes) planRes {
	v := map[string]any{}
	for k, x := range rule.values {
		v[k] = x
	}
	v["network_acl_id"] = "acl-pub"
	rule.values, rule.exprs = v, map[string]any{"network_acl_id": "acl-pub"}
	return rule
}

// TestKeptInlineRules: a security group or network ACL that exists and
// whose configuration leaves its inline blocks of a direction out keeps
// what AWS holds, which its planned values show (ingress and egress are
// Optional and Computed; only ingress = [] removes them), less what a
// standalone rule resource the plan deletes takes away; a standalone
// resource of the plan counts once.
// TestKeptInlineRulesUnknown: a group that exists, whose configuration
// writes no ingress blocks, with its planned ingress known only after
// apply: the rules AWS keeps are not in the plan, an error naming the
// attribute rather than a group without them.
func TestKeptInlineRulesUnknown(t *testing.T) {
	rs := existingPublicNet(false, sgBlock(22))
	owner := &rs[5]
	owner.exprs = map[string]any{"egress": []string{}}
	delete(owner.values, "ingress")
	owner.unknown = map[string]any{"ingress": true}
	rs = append(rs, publicWeb())
	_, err := terraform.Parse("plan.json", changePlan(t, map[string]map[string]any{"aws_security_group.web": {"id": "sg-1"}}, nil, nil, rs...), nil)
	require.ErrorIs(t, err, terraform.ErrUnknownValue)
	assert.Contains(t, err.Error(), "aws_security_group.web")
	assert.Contains(t, err.Error(), "ingress")
}

func TestKeptInlineRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		acl     bool // the default ACL, rather than the group, holds tcp/22 in its planned values
		exprs   map[string]any
		created []string // the group's or ACL's actions, when not no-op
		deleted []planRes
		extra   []planRes
		want    reach.Outcome
	}{
		{name: "group: ingress left out, AWS keeps the rule", want: reach.Reachable},
		{name: "group: ingress = [] removes it", exprs: map[string]any{"ingress": []string{}}, want: reach.Unreachable},
		{name: "group: a new group gets none of AWS's", created: []string{"create"}, want: reach.Unreachable},
		{name: "group: the deleted aws_security_group_rule revokes it", deleted: []planRes{sshRule()}, want: reach.Unreachable},
		{name: "group: the deleted aws_vpc_security_group_ingress_rule revokes it", deleted: []planRes{sshVPCRule()}, want: reach.Unreachable},
		{name: "group: a deleted rule of another port leaves it", deleted: []planRes{func() planRes {
			r := sshRule()
			r.values["from_port"], r.values["to_port"] = 2222, 2222
			return r
		}()}, want: reach.Reachable},
		{name: "group: the standalone rule that exists, once", extra: []planRes{sshRule()}, want: reach.Reachable},
		{name: "acl: entries left out, AWS keeps them", acl: true, want: reach.Reachable},
		{name: "acl: ingress = [] removes them", acl: true, exprs: map[string]any{"ingress": []string{}}, want: reach.Unreachable},
		{name: "acl: the deleted aws_network_acl_rule removes its entry", acl: true, deleted: []planRes{aclRule(90, 22, false)}, want: reach.Unreachable},
		{name: "acl: a deleted rule of another number leaves it", acl: true, deleted: []planRes{aclRule(91, 22, false)}, want: reach.Reachable},
		// the planned values show entry 90 as AWS holds it (allow); the
		// rule's own values are those after apply (deny): one entry
		{name: "acl: the rule of the plan with the same number stands for it", acl: true, extra: []planRes{aclRule(90, 22, true)}, want: reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false, sgBlock(22))
			addr := "aws_security_group.web"
			owner := &rs[5]
			if tc.acl {
				// aws_network_acl, whose ingress and egress are Computed
				// (aws_default_network_acl's are not:
				// TestDefaultACLEntriesNotComputed)
				rs = append(existingPublicNet(false), pubACL(aclBlock(90, 22)))
				addr, owner = "aws_network_acl.pub", &rs[len(rs)-1]
				for i := range tc.deleted {
					tc.deleted[i] = onPubACL(tc.deleted[i])
				}
				for i := range tc.extra {
					tc.extra[i] = onPubACL(tc.extra[i])
				}
			}
			owner.exprs = map[string]any{"egress": []string{}, "vpc_id": "vpc-1", "subnet_ids": []string{}}
			for k, v := range tc.exprs {
				owner.exprs[k] = v
			}
			if _, set := tc.exprs["ingress"]; set {
				owner.values["ingress"] = []any{}
			}
			rs = append(append(rs, publicWeb()), tc.extra...)
			var created map[string][]string
			if tc.created != nil {
				created = map[string][]string{addr: tc.created}
			}
			m, err := terraform.Parse("plan.json", changePlan(t, nil, created, tc.deleted, rs...), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestInlineAndStandaloneRules: a standalone rule that exists, on a group
// or ACL that exists and whose configuration writes inline blocks of its
// direction (the mix the provider documents as a conflict, warned of):
// the group's or ACL's update revokes it when its planned blocks lack it,
// and leaves it undecided when they hold values known only after apply;
// without an update, or for a rule the plan creates (after the update),
// or one whose permission the planned blocks hold, it stays. A group whose
// configuration leaves ingress out (Computed: AWS's rules) is no mix.
func TestInlineAndStandaloneRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		acl      bool
		rule     planRes
		update   bool
		unknown  bool // the planned blocks hold a value known only after apply
		created  bool // the plan creates the standalone rule
		held     bool // the group's blocks write tcp/22 too
		computed bool // the group's configuration leaves ingress out
		want     reach.Outcome
	}{
		{name: "group update revokes an aws_security_group_rule", rule: sshRule(), update: true, want: reach.Unreachable},
		{name: "group update revokes an aws_vpc_security_group_ingress_rule", rule: sshVPCRule(), update: true, want: reach.Unreachable},
		{name: "group update with unknown blocks: undecided", rule: sshRule(), update: true, unknown: true, want: reach.Indeterminate},
		{name: "no group update: the rule stays", rule: sshRule(), want: reach.Reachable},
		{name: "a rule created after the group update stays", rule: sshRule(), update: true, created: true, want: reach.Reachable},
		{name: "group update whose blocks hold the rule's permission: it stays, once", rule: sshRule(), update: true, held: true, want: reach.Reachable},
		{name: "group update, its ingress left out: no mix, the rule stays", rule: sshRule(), update: true, computed: true, want: reach.Reachable},
		{name: "ACL update deletes an aws_network_acl_rule's entry", acl: true, rule: aclRule(90, 22, false), update: true, want: reach.Unreachable},
		{name: "ACL update with unknown blocks: undecided", acl: true, rule: aclRule(90, 22, false), update: true, unknown: true, want: reach.Indeterminate},
		{name: "no ACL update: the entry stays", acl: true, rule: aclRule(90, 22, false), want: reach.Reachable},
		{name: "an entry created after the ACL update stays", acl: true, rule: aclRule(90, 22, false), update: true, created: true, want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := existingPublicNet(false, sgBlock(443))
			addr, owner, blocks := "aws_security_group.web", &rs[5], []any{sgBlock(443)}
			if tc.held || tc.computed {
				blocks = []any{sgBlock(443), sgBlock(22)}
				owner.values["ingress"] = blocks
			}
			if tc.computed {
				owner.exprs = map[string]any{"egress": []string{}}
			}
			if tc.acl {
				rs = existingPublicNet(false)
				addr, owner = "aws_default_network_acl.main", &rs[3]
				blocks = []any{aclBlock(100, 443)}
				owner.values["ingress"] = blocks
			}
			if tc.unknown {
				owner.unknown = map[string]any{"ingress": []any{map[string]any{"description": true}}}
			}
			rs = append(rs, publicWeb(), tc.rule)
			var before map[string]map[string]any
			if tc.update {
				b := map[string]any{}
				for k, v := range owner.values {
					b[k] = v
				}
				b["ingress"] = append([]any{}, blocks...) // AWS's: the standalone rule's too
				before = map[string]map[string]any{addr: b}
			}
			var created map[string][]string
			if tc.created {
				created = map[string][]string{tc.rule.typ + "." + tc.rule.name: {"create"}}
			}
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", changePlan(t, before, created, nil, rs...), &rep)
			require.NoError(t, err)
			warnings := strings.Join(rep.Warnings, "\n")
			if tc.computed {
				assert.NotContains(t, warnings, "the provider documents")
			} else {
				assert.Contains(t, warnings, tc.rule.typ+".ssh: "+addr+" writes inline ingress blocks too, which the provider documents as a conflict")
			}
			if tc.held || tc.computed {
				assert.NotContains(t, warnings, "revokes its rule")
			}
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.want == reach.Indeterminate {
				assert.Contains(t, r.Text(), tc.rule.typ+".ssh (whether the update of "+addr+" keeps it")
			}
		})
	}
}

// An existing group whose configuration leaves ingress out: its planned
// ingress is what AWS held at refresh, tcp/22 from 0.0.0.0/0, the rule of
// aws_vpc_security_group_ingress_rule.ssh. The plan updates that rule in
// place (ModifySecurityGroupRules: cidr_ipv4 0.0.0.0/0 -> 10.0.0.0/8).
// After apply the group allows tcp/22 from 10.0.0.0/8 only: ssh from
// 198.51.100.7 is denied. The rule's old values must not outlive it.
func TestUpdatedVPCRuleDropsOld(t *testing.T) {
	rs := existingPublicNet(false, sgBlock(22))
	rs[5].exprs = map[string]any{"egress": []string{}} // ingress left out
	rule := sshVPCRule()
	rule.values["cidr_ipv4"] = "10.0.0.0/8"
	rs = append(rs, publicWeb(), rule)
	before := map[string]map[string]any{"aws_vpc_security_group_ingress_rule.ssh": {"id": "sgr-1", "security_group_rule_id": "sgr-1",
		"security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"}}
	m, err := terraform.Parse("plan.json", changePlan(t, before, nil, nil, rs...), nil)
	require.NoError(t, err)
	r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
}

package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestGroupReferenceWithAccount: a rule may reference a security group
// as "account/sg-…" (sg.SplitGroupRef), the form AWS and the provider
// give a group of another account: in an inline block's security_groups,
// an aws_security_group_rule's source_security_group_id or an
// aws_vpc_security_group_ingress_rule's referenced_security_group_id. As
// the aws loader reads a UserIdGroupPairs entry by its GroupId, it names
// the group of that ID: a group of the plan (once read as a group the
// plan does not hold, the query undecided or refused), refused where the
// plan shows the group in another account; a group the plan does not
// hold is unresolved, with a warning, the design's own addresses
// certainly no members of it.
func TestGroupReferenceWithAccount(t *testing.T) {
	port80 := map[string]any{"from_port": 80, "to_port": 80, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}}
	inline := func(ref string) map[string]any {
		return map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp", "security_groups": []any{ref}}
	}
	sgRule := func(ref string) planRes {
		return planRes{typ: "aws_security_group_rule", name: "ssh", values: map[string]any{"security_group_id": "sg-1", "type": "ingress",
			"protocol": "tcp", "from_port": 22, "to_port": 22, "source_security_group_id": ref}}
	}
	vpcRule := func(ref string) planRes {
		return planRes{typ: "aws_vpc_security_group_ingress_rule", name: "ssh", values: map[string]any{"security_group_id": "sg-1",
			"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "referenced_security_group_id": ref}}
	}
	for _, tc := range []struct {
		name   string
		owner  string  // the group's owner_id, "" for none
		inline any     // web's inline ingress block (nil: a standalone rule)
		rule   planRes // the standalone rule, when inline is nil
		from   string
		want   reach.Outcome
		warn   string   // in the warnings
		err    []string // in the error
	}{
		{name: "inline, the plan's group", inline: inline("123456789012/sg-1"), from: "aws_instance.web2", want: reach.Reachable},
		{name: "inline, the plan's group of that account", owner: "123456789012", inline: inline("123456789012/sg-1"), from: "aws_instance.web2", want: reach.Reachable},
		{name: "aws_security_group_rule, the plan's group", rule: sgRule("123456789012/sg-1"), from: "aws_instance.web2", want: reach.Reachable},
		{name: "aws_vpc_security_group_ingress_rule, the plan's group", rule: vpcRule("123456789012/sg-1"), from: "aws_instance.web2", want: reach.Reachable},
		{name: "inline, the plan's group of another account", owner: "444455556666", inline: inline("123456789012/sg-1"),
			err: []string{`aws_security_group.web: ingress[1].security_groups[0]: "123456789012/sg-1"`, "names account 123456789012", "belongs to account 444455556666 (owner_id of aws_security_group.web)"}},
		{name: "aws_security_group_rule, another account", owner: "444455556666", rule: sgRule("123456789012/sg-1"),
			err: []string{`aws_security_group_rule.ssh: source_security_group_id: "123456789012/sg-1"`, "belongs to account 444455556666"}},
		{name: "aws_vpc_security_group_ingress_rule, another account", owner: "444455556666", rule: vpcRule("123456789012/sg-1"),
			err: []string{`aws_vpc_security_group_ingress_rule.ssh: referenced_security_group_id: "123456789012/sg-1"`, "belongs to account 444455556666"}},
		{name: "inline, a group outside the plan", inline: inline("123456789012/sg-0abc"), from: "aws_instance.web2", want: reach.Unreachable,
			warn: "references security group 123456789012/sg-0abc, which the plan does not hold"},
		{name: "aws_security_group_rule, a group outside the plan", rule: sgRule("123456789012/sg-0abc"), from: "aws_instance.web2", want: reach.Unreachable,
			warn: "references security group 123456789012/sg-0abc, which the plan does not hold"},
		{name: "aws_vpc_security_group_ingress_rule, a group outside the plan", rule: vpcRule("123456789012/sg-0abc"), from: "aws_instance.web2", want: reach.Unreachable,
			warn: "references security group 123456789012/sg-0abc, which the plan does not hold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ingress := []any{port80}
			if tc.inline != nil {
				ingress = append(ingress, tc.inline)
			}
			// web2, a second member of the group, asks web: a query
			// from web to itself never reaches a group (ErrQuery)
			web2 := planRes{typ: "aws_instance", name: "web2",
				values: map[string]any{"id": "i-2", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "private_ip": "10.1.1.11"}}
			rs := append(existingPublicNet(false, ingress...), publicWeb(), web2)
			if tc.owner != "" {
				rs[5].values["owner_id"] = tc.owner
			}
			if tc.inline == nil {
				rs[5].exprs = map[string]any{"egress": []string{}} // the rules are the standalone ones
				rs = append(rs, tc.rule)
			}
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", planOf(t, rs...), rep)
			if tc.err != nil {
				require.ErrorIs(t, err, terraform.ErrInvalidPlan)
				for _, s := range tc.err {
					assert.ErrorContains(t, err, s)
				}
				return
			}
			require.NoError(t, err)
			if tc.warn != "" {
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), tc.warn)
			}
			r, err := m.Check(tcp(tc.from, "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

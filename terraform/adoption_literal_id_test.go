package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestAdoptionLiteralIDUnordered: a plan that adopts (creates) the
// default network ACL or default security group, listing no ingress, and
// creates a standalone rule allowing tcp/22 that names the ACL or group
// by its literal ID: nothing orders the rule after the adoption, whose
// create removes every rule it does not list, so whether the rule is
// there after apply is known only then: Indeterminate, with a warning
// naming the adoption (it was a certain Reachable). Named by the
// aws_default_* resource (a reference or depends_on), the rule is created
// after the adoption: Reachable. (audit tf23 finding 1)
func TestAdoptionLiteralIDUnordered(t *testing.T) {
	aclNet := func(rule planRes) ([]planRes, map[string][]string) {
		rs := existingPublicNet(false)
		rs[3].values["ingress"] = []any{}
		return append(rs, publicWeb(), rule), map[string][]string{"aws_default_network_acl.main": {"create"}, rule.typ + "." + rule.name: {"create"}}
	}
	groupNet := func(rule planRes) ([]planRes, map[string][]string) {
		rs := existingPublicNet(false)
		rs[0].values["default_security_group_id"] = "sg-1"
		out := []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}
		rs[5] = planRes{typ: "aws_default_security_group", name: "web", values: map[string]any{"id": "sg-1", "vpc_id": "vpc-1", "ingress": []any{}, "egress": out},
			exprs: map[string]any{"vpc_id": "vpc-1", "ingress": []string{}, "egress": []string{}}}
		return append(rs, publicWeb(), rule), map[string][]string{"aws_default_security_group.web": {"create"}, rule.typ + "." + rule.name: {"create"}}
	}
	created := func(r planRes, exprs map[string]any) planRes {
		delete(r.values, "id")
		r.unknown = map[string]any{"id": true}
		for k, v := range exprs {
			r.exprs[k] = v
		}
		return r
	}
	for _, tc := range []struct {
		name    string
		net     func(planRes) ([]planRes, map[string][]string)
		rule    planRes
		want    reach.Outcome
		adopter string // named by the warning when want is Indeterminate
	}{
		{"acl rule by literal acl- ID", aclNet, created(aclRule(100, 22, false), nil), reach.Indeterminate, "aws_default_network_acl.main"},
		{"acl rule with depends_on", aclNet, created(aclRule(100, 22, false), map[string]any{"depends_on": []string{"aws_default_network_acl.main"}}), reach.Reachable, ""},
		{"acl rule by reference to the adoption", aclNet, created(aclRule(100, 22, false),
			map[string]any{"network_acl_id": []string{"aws_default_network_acl.main.id", "aws_default_network_acl.main"}}), reach.Reachable, ""},
		{"aws_security_group_rule by literal sg- ID", groupNet, created(sshRule(), nil), reach.Indeterminate, "aws_default_security_group.web"},
		{"aws_vpc_security_group_ingress_rule by literal sg- ID", groupNet, created(sshVPCRule(), nil), reach.Indeterminate, "aws_default_security_group.web"},
		{"aws_security_group_rule with depends_on", groupNet, created(sshRule(), map[string]any{"depends_on": []string{"aws_default_security_group.web"}}), reach.Reachable, ""},
		{"aws_vpc_security_group_ingress_rule by reference to the adoption", groupNet, created(sshVPCRule(),
			map[string]any{"security_group_id": []string{"aws_default_security_group.web.id", "aws_default_security_group.web"}}), reach.Reachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, actions := tc.net(tc.rule)
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", changePlan(t, nil, actions, nil, rs...), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, "%s\nwarnings: %q", r.Text(), rep.Warnings)
			if tc.adopter != "" {
				w := strings.Join(rep.Warnings, "\n")
				assert.Contains(t, w, "created after "+tc.adopter+" adopts the default", "a warning names the adoption")
				assert.Contains(t, r.Text(), tc.rule.typ+"."+tc.rule.name, "the answer names the rule")
			}
		})
	}
}

package terraform_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

func tcp(from, to string, port uint16) reach.Query {
	return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port}
}

func TestLoadChangePlan(t *testing.T) {
	m, rep, err := terraform.Load("testdata/change.json")
	require.NoError(t, err)
	assert.Equal(t, "1.9.8", rep.TerraformVersion)
	assert.Equal(t, map[string]int{"aws_s3_bucket": 1, "aws_iam_role": 1}, rep.Unmodelled)
	assert.Equal(t, 5, rep.Modelled["aws_instance"])
	assert.Equal(t, 4, rep.Modelled["aws_security_group"])
	assert.Equal(t, []string{"aws_ec2_managed_prefix_list.office", "aws_route_table.db", "aws_security_group.cache"}, slices.Sorted(maps.Keys(rep.Placeholders)))

	for _, tc := range []struct {
		name string
		q    reach.Query
		want reach.Outcome
		code reach.Code
	}{
		{"internet to web on https", tcp("198.51.100.7", "aws_instance.web", 443), reach.Reachable, ""},
		{"internet to web on ssh", tcp("203.0.113.99", "aws_instance.web", 22), reach.Unreachable, reach.SGNoAllow},
		{"the office to web on ssh, by the prefix list the plan creates", tcp("198.51.100.7", "aws_instance.web", 22), reach.Reachable, ""},
		{"web to app in a module, by count index", tcp("aws_instance.web", "module.app.aws_instance.app[1]", 8080), reach.Reachable, ""},
		{"app to db through the rule the plan adds", tcp("module.app.aws_instance.app[0]", "aws_instance.db", 5432), reach.Reachable, ""},
		{"web to db: no rule", tcp("web-1", "db-1", 5432), reach.Unreachable, reach.SGNoAllow},
		// the group exists and its configuration leaves ingress out
		// (Optional and Computed): AWS keeps the rule its planned values
		// show, and the db subnet's ACL blocks the packet
		{"ssh to db: its inline rule stays, the ACL blocks it", tcp("web-1", "aws_instance.db", 22), reach.Unreachable, reach.ACLDefaultDeny},
		{"app to the new cache, whose group is linked by reference", tcp("app-1", "aws_instance.cache", 6379), reach.Reachable, ""},
		{"db to the internet through the new egress rule and ACL entry, and the NAT gateway by a new route", tcp("aws_instance.db", "198.51.100.7", 443), reach.Reachable, ""},
		{"app to the internet: the main route table is local only", tcp("app-0", "198.51.100.7", 443), reach.Unreachable, reach.NoRoute},
		{"by instance ID", tcp("i-web", "i-db", 5432), reach.Unreachable, reach.SGNoAllow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := m.Check(tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
		})
	}
	r, err := m.Check(tcp("module.app.aws_instance.app[0]", "aws_instance.db", 5432))
	require.NoError(t, err)
	text := r.Text()
	assert.Contains(t, text, "security-groups aws_security_group.db", "the trace names resources by address")
	assert.Contains(t, text, "network-acl aws_network_acl.db")
}

// mutate loads the change plan with edit applied to its text.
func mutate(t *testing.T, edit func(string) string) error {
	t.Helper()
	data, err := os.ReadFile("testdata/change.json")
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(p, []byte(edit(string(data))), 0o600))
	_, _, err = terraform.Load(p)
	return err
}

func TestRefusesUntrustedPlans(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"errored", `"errored": false`, `"errored": true`, `errored: "true": untrusted Terraform plan: Terraform failed to finish`},
		{"incomplete", `"complete": true`, `"complete": false`, `complete: "false": untrusted Terraform plan: the plan is not complete`},
		{"format 2", `"format_version": "1.2"`, `"format_version": "2.0"`, `format_version: "2.0": untrusted Terraform plan: plan format version 2.0`},
		{"no format", `"format_version": "1.2",`, ``, "no format_version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := mutate(t, func(s string) string {
				require.Contains(t, s, tc.old)
				return strings.Replace(s, tc.old, tc.new, 1)
			})
			require.ErrorIs(t, err, terraform.ErrUntrusted)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestErrorsNameAddressAndAttribute(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		sentinel       error
		want           string
	}{
		{"a bad CIDR", `"cidr_block": "10.0.4.0/24"`, `"cidr_block": "10.0.4.0/33"`, terraform.ErrInvalidPlan, `aws_subnet.db: cidr_block: "10.0.4.0/33": invalid Terraform plan: not a CIDR block`},
		{"an IPv6 block where IPv4 is", `"cidr_blocks": [
                  "0.0.0.0/0"`, `"cidr_blocks": [
                  "::/0"`, terraform.ErrInvalidPlan, `aws_security_group.web: ingress[0].cidr_blocks[0]: "::/0": invalid Terraform plan: not an IPv4 block`},
		{"a protocol", `"protocol": "TCP"`, `"protocol": "tcpx"`, terraform.ErrInvalidPlan, `aws_security_group.app: ingress[0].protocol: "tcpx"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := mutate(t, func(s string) string {
				require.Contains(t, s, tc.old)
				return strings.Replace(s, tc.old, tc.new, 1)
			})
			require.ErrorIs(t, err, tc.sentinel)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestQueriesNameInstances(t *testing.T) {
	m, _, err := terraform.Load("testdata/change.json")
	require.NoError(t, err)
	_, err = m.Check(tcp("module.app.aws_instance.app", "aws_instance.db", 5432))
	require.ErrorIs(t, err, reach.ErrQuery)
	assert.ErrorContains(t, err, `"module.app.aws_instance.app" names several interfaces, module.app.aws_instance.app[0], module.app.aws_instance.app[1]: name one, with its index`)
	_, err = m.Check(tcp("aws_instance.web", "aws_security_group.old", 22))
	require.ErrorIs(t, err, reach.ErrQuery, "the plan deletes it")
	assert.ErrorContains(t, err, `"aws_security_group.old" is no address`)
}

func TestGroupsOutsideThePlan(t *testing.T) {
	// the app group admits web's group and another account's
	data, err := os.ReadFile("testdata/change.json")
	require.NoError(t, err)
	edited := strings.Replace(string(data), `"security_groups": [
                  "sg-web"
                ]`, `"security_groups": [
                  "sg-web", "111122223333/sg-0partner"
                ]`, 1)
	rep := &terraform.Report{}
	m, err := terraform.Parse("plan.json", []byte(edited), rep)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "references security group 111122223333/sg-0partner, which the plan does not hold")
	r, err := m.Check(tcp("198.51.100.7", "module.app.aws_instance.app[0]", 8080))
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	r, err = m.Check(tcp("aws_instance.db", "module.app.aws_instance.app[0]", 8080))
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, "the design's own addresses are certainly no members: %s", r.Text())
}

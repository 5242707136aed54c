package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lint(args ...string) []string { return append([]string{"lint", "--demo"}, args...) }

func TestRunLint(t *testing.T) {
	exposed := exposedDump(t)
	on := func(dir string, args ...string) []string { return append([]string{"lint", "--aws", dir}, args...) }
	runRows(t, []row{
		{name: "the sample: three findings, any fails by default", code: 1, args: lint(),
			out: []string{"lint: 3 findings (0 high, 1 medium, 2 low)\n",
				"medium ACL_CUTS_REPLIES network-acl acl-db outbound * (aws/network-acls.json: NetworkAcls[2])\n",
				"    fix: add an outbound allow entry for tcp 32768-65535 to 10.0.2.0/24, before any deny entry that matches them\n",
				"low    ACL_REDUNDANT network-acl acl-app inbound 100 (aws/network-acls.json: NetworkAcls[0])\n",
				"low    EXPOSED_RISKY_CLOSED security-group sg-web sgr-web-ssh (aws/security-group-rules.json: SecurityGroupRules[5])\n"}},
		{name: "--fail-on medium: the cut replies fail", code: 1, args: lint("--fail-on", "medium")},
		{name: "--fail-on high: nothing fails", code: 0, args: lint("--fail-on", "high"), out: []string{"lint: 3 findings"}},
		{name: "--only one check", code: 1, args: lint("--only", "ACL_REDUNDANT"), out: []string{"lint: 1 finding (0 high, 0 medium, 1 low)\n"}},
		{name: "--skip two checks", code: 1, args: lint("--skip", "ACL_REDUNDANT, EXPOSED_RISKY_CLOSED"), out: []string{"lint: 1 finding (0 high, 1 medium, 0 low)\n"}},
		{name: "--only a check that is none", code: 2, args: lint("--only", "ACL_SHADOWD"), errs: []string{`"ACL_SHADOWD" is no lint check`}},
		{name: "--only empty", code: 2, args: lint("--only", ""), errs: []string{`reachsim lint: --only "" names no check: give one or more check IDs`}},
		{name: "--only commas", code: 2, args: lint("--only", " , "), errs: []string{`--only " , " names no check`}},
		{name: "--skip empty", code: 2, args: lint("--skip", ""), errs: []string{`reachsim lint: --skip "" names no check`}},
		{name: "--only with a trailing comma", code: 1, args: lint("--only", "ACL_REDUNDANT,"), out: []string{"lint: 1 finding (0 high, 0 medium, 1 low)\n"}},
		{name: "SSH exposed: high", code: 1, args: on(exposed, "--fail-on", "high"),
			out: []string{"high   EXPOSED_RISKY security-group sg-web sgr-web-ssh (", "/security-group-rules.json: SecurityGroupRules[5])\n",
				"is reachable from the internet through every layer, from 198.51.100.0/24"}},
		{name: "a Terraform plan", code: 1, args: []string{"lint", "--terraform", planFile}, out: []string{"high   EXPOSED_RISKY security-group aws_security_group.web #2 (../../terraform/testdata/change.json: aws_security_group.web)\n"},
			// the plan adds standalone rules beside inline blocks of their
			// direction: the mix the provider documents as a conflict
			errs: []string{"warning: aws_vpc_security_group_ingress_rule.web_ssh_office: aws_security_group.web writes inline ingress blocks too, which the provider documents as a conflict",
				"warning: aws_network_acl_rule.db_https_out: aws_network_acl.db writes inline egress blocks too"}},

		// Help.
		{name: "lint --help", args: []string{"lint", "-h"}, code: 0, out: []string{"reachsim lint", "--fail-on SEVERITY", "ACL_SHADOWED", "Exit status"}},
		{name: "help lint", args: []string{"help", "lint"}, code: 0, out: []string{"reachsim lint"}},

		// Bad usage, bad input.
		{name: "an unknown severity", args: lint("--fail-on", "critical"), code: 2, errs: []string{`reachsim lint: --fail-on "critical": want high, medium or low`}},
		{name: "--fail-on given twice", args: lint("--fail-on", "high", "--fail-on", "low"), code: 2, errs: []string{"--fail-on given twice (high, then low)"}},
		{name: "a stray argument", args: lint("high"), code: 2, errs: []string{`unexpected argument "high"`}},
		{name: "no such input", args: []string{"lint", "--aws", "/nonexistent/dump"}, code: 2, errs: []string{"reachsim lint: "}},
	})
}

// The JSON of lint: one object, every field of the schema, origins from
// the dump.
func TestRunLintJSON(t *testing.T) {
	code, stdout, stderr := runArgs(lint("--json", "--fail-on", "high")...)
	require.Equal(t, 0, code, stderr)
	var res struct {
		Findings []struct {
			ID, Severity, Kind, Resource, Rule, Message, Fix string
			Origin                                           *struct{ File, Path string }
			Related                                          []string
		}
		Skipped []string
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&res), stdout)
	assert.False(t, dec.More(), "exactly one JSON object")
	require.Len(t, res.Findings, 3)
	f := res.Findings[0]
	assert.Equal(t, "ACL_CUTS_REPLIES", f.ID)
	assert.Equal(t, "medium", f.Severity)
	assert.Equal(t, "network-acl", f.Kind)
	assert.Equal(t, "acl-db", f.Resource)
	assert.Equal(t, "outbound *", f.Rule)
	require.NotNil(t, f.Origin)
	assert.Equal(t, "aws/network-acls.json", f.Origin.File)
	assert.Equal(t, "NetworkAcls[2]", f.Origin.Path)
	assert.Equal(t, []string{"inbound 100"}, f.Related)
	assert.Contains(t, f.Message, "Windows Server 2008+ 49152-65535")
	assert.Empty(t, res.Skipped)
	assert.NotContains(t, stdout, `"skipped"`, "left out when empty")
}

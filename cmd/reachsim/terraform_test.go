package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The Terraform plan of package terraform's tests: a change to an existing
// three-tier network.
const planFile = "../../terraform/testdata/change.json"

func TestTerraformInput(t *testing.T) {
	for _, r := range []row{
		{name: "check by address", args: []string{"check", "--terraform", planFile, "--from", "module.app.aws_instance.app[0]", "--to", "aws_instance.db", "--proto", "tcp", "--port", "5432"},
			code: exitReachable, out: []string{"REACHABLE", "security-groups aws_security_group.db (db-1 (aws_instance.db)) inbound"}},
		{name: "check blocked", args: []string{"check", "--terraform", planFile, "--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432"},
			code: exitNotReachable, out: []string{"NOT REACHABLE", "SG_NO_ALLOW"}},
		{name: "ports", args: []string{"ports", "--terraform", planFile, "--from", "aws_instance.web", "--to", "module.app.aws_instance.app[1]", "--proto", "tcp"},
			code: 0, out: []string{"8080"}},
		{name: "audit", args: []string{"audit", "--terraform", planFile}, code: 0},
		{name: "with --aws", args: []string{"check", "--terraform", planFile, "--aws", "x", "--from", "a", "--to", "b", "--proto", "tcp", "--port", "1"},
			code: exitUsage, errs: []string{"--aws and --terraform exclude each other"}},
		{name: "with --demo", args: []string{"audit", "--terraform", planFile, "--demo"},
			code: exitUsage, errs: []string{"--demo and --terraform exclude each other"}},
		{name: "no such plan", args: []string{"audit", "--terraform", "nothing.json"},
			code: exitUsage, errs: []string{"nothing.json"}},
	} {
		t.Run(r.name, func(t *testing.T) {
			code, out, errs := runArgs(r.args...)
			assert.Equal(t, r.code, code, "stdout:\n%s\nstderr:\n%s", out, errs)
			for _, s := range r.out {
				assert.Contains(t, out, s)
			}
			for _, s := range r.errs {
				assert.Contains(t, errs, s)
			}
		})
	}
}

// An input flag given an empty value is bad usage (exit 2), never the
// absence of the flag: `reachsim audit --terraform "$PLAN" --fail-on
// high` with PLAN unset answered about the embedded sample and passed.
// --aws "" was already refused ("empty path"); diff's four input flags
// are refused alike.
func TestRunRefusesAnEmptyInputPath(t *testing.T) {
	q := []string{"--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432"}
	tests := []struct {
		name string
		args []string
		flag string // the flag the error names
	}{
		{"check --terraform", append([]string{"check", "--terraform", ""}, q...), "--terraform"},
		{"check --terraform=", append([]string{"check", "--terraform="}, q...), "--terraform"},
		{"check --aws", append([]string{"check", "--aws", ""}, q...), "--aws"},
		{"check --queries with --terraform", []string{"check", "--terraform", "", "--queries", "-"}, "--terraform"},
		{"ports", []string{"ports", "--terraform", "", "--from", "web-1", "--to", "db-1", "--proto", "tcp"}, "--terraform"},
		{"sources", []string{"sources", "--terraform", "", "--to", "db-1", "--proto", "tcp", "--port", "5432"}, "--terraform"},
		{"matrix", []string{"matrix", "--terraform", ""}, "--terraform"},
		{"audit", []string{"audit", "--terraform", "", "--fail-on", "high"}, "--terraform"},
		{"lint", []string{"lint", "--terraform=", "--fail-on", "high"}, "--terraform"},
		{"fix", append([]string{"fix", "--terraform", ""}, q...), "--terraform"},
		{"diff --before", []string{"diff", "--before", "", "--before-terraform", planFile, "--after-terraform", planFile}, "--before"},
		{"diff --after", []string{"diff", "--before-terraform", planFile, "--after", "", "--after-terraform", planFile}, "--after"},
		{"diff --before-terraform", []string{"diff", "--before-terraform", "", "--after-terraform", planFile}, "--before-terraform"},
		{"diff --after-terraform", []string{"diff", "--before-terraform", planFile, "--after-terraform="}, "--after-terraform"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(tt.args...)
			assert.Equal(t, exitUsage, code, "an empty path is bad usage; stderr: %s", stderr)
			assert.Empty(t, stdout, "no answer from the embedded sample")
			assert.Contains(t, stderr, tt.flag+` "": empty path`)
			assert.NotContains(t, stderr, "embedded sample")
		})
	}
}

package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/reach"
)

// lint --help names every check ID reach.LintChecks has, on a line of
// its own with its severity: the CLI sends users there for them.
func TestLintHelpListsEveryCheck(t *testing.T) {
	code, help, _ := runArgs("lint", "--help")
	assert.Equal(t, 0, code)
	for _, c := range reach.LintChecks() {
		t.Run(c.ID, func(t *testing.T) {
			assert.Contains(t, help, fmt.Sprintf("\n  %-28s %s\n", c.ID, c.Severity))
		})
	}
}

// An ID of --only or --skip that is no check is bad usage, naming the
// flag, its value, the ID and the CLI's list, not a query error pointing
// at a Go function; the input is not read.
func TestLintUnknownCheckIsUsageError(t *testing.T) {
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"--only one unknown", []string{"--only", "NOPE"}, `reachsim lint: --only "NOPE": "NOPE" is no lint check (reachsim lint --help lists them)` + "\n"},
		{"--only a known and an unknown", []string{"--only", "ACL_SHADOWED,QUOTA_NOPE"}, `reachsim lint: --only "ACL_SHADOWED,QUOTA_NOPE": "QUOTA_NOPE" is no lint check (reachsim lint --help lists them)` + "\n"},
		{"--skip an unknown", []string{"--skip", "acl_shadowed"}, `reachsim lint: --skip "acl_shadowed": "acl_shadowed" is no lint check (reachsim lint --help lists them)` + "\n"},
		{"before the input is read", []string{"--aws", "/nonexistent/dump", "--only", "NOPE"}, `reachsim lint: --only "NOPE": "NOPE" is no lint check (reachsim lint --help lists them)` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(append([]string{"lint"}, tc.args...)...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Equal(t, tc.err, stderr)
		})
	}
}

package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/sample"
)

// A loader warning that something is indeterminate must say which
// commands exit 3 for it, truly for every command that prints it: audit
// without --fail-on and matrix exit 0 whatever they find, lint by its
// threshold. The dump is the sample's with a rule of sg-web opening tcp/23
// to a prefix list the dump lacks.
func TestLoaderWarningExitStatusIsTrueForEveryCommand(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, mustSub(t, sample.AWSDump, "aws")))
	require.NoError(t, os.Remove(dir+"/security-group-rules.json"))
	mutateJSON(t, dir, "security-groups.json", func(d map[string]any) {
		g := findIn(d["SecurityGroups"].([]any), "GroupId", "sg-web")
		g["IpPermissions"] = append(g["IpPermissions"].([]any), map[string]any{
			"IpProtocol": "tcp", "FromPort": 23, "ToPort": 23,
			"PrefixListIds": []any{map[string]any{"PrefixListId": "pl-0abc"}}})
	})
	tests := []struct {
		args []string
		code int // -1: not checked (the claim is about the others)
	}{
		{[]string{"check", "--aws", dir, "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "23"}, -1},
		{[]string{"ports", "--aws", dir, "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp"}, -1},
		{[]string{"sources", "--aws", dir, "--to", "web-1", "--proto", "tcp", "--port", "23"}, 3},
		{[]string{"audit", "--aws", dir}, 0},
		{[]string{"matrix", "--aws", dir}, 0},
		{[]string{"lint", "--aws", dir, "--fail-on", "high"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.args[0], func(t *testing.T) {
			code, _, stderr := runArgs(tc.args...)
			if tc.code >= 0 {
				assert.Equal(t, tc.code, code, "stderr: %s", stderr)
			}
			assert.Contains(t, stderr, "prefix list pl-0abc (used by sg-web")
			assert.Contains(t, stderr, "is indeterminate (check, ports and sources exit 3)")
			assert.NotContains(t, stderr, "(exit status 3)")
		})
	}
}

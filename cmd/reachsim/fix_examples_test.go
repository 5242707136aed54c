package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every example of reachsim fix --help runs, on the sample (dump/ is
// sample/aws), and gives a change (audit lintfix21 finding 4: the example
// asked from 0.0.0.0, which is no internet address, and always answered
// "nothing to change").
func TestFixHelpExamples(t *testing.T) {
	_, examples, ok := strings.Cut(fixUsage, "Examples:\n")
	require.True(t, ok)
	var lines []string
	for line := range strings.SplitSeq(strings.TrimSpace(examples), "\n") {
		lines = append(lines, strings.TrimSpace(line))
	}
	require.NotEmpty(t, lines)
	for _, line := range lines {
		t.Run(line, func(t *testing.T) {
			args := strings.Fields(strings.TrimPrefix(line, "reachsim "))
			for i, a := range args {
				switch a {
				case "dump/":
					args[i] = filepath.Join("..", "..", "sample", "aws")
				case "fixed/":
					args[i] = filepath.Join(t.TempDir(), "fixed")
				}
			}
			code, stdout, stderr := runArgs(args...)
			require.Equal(t, 0, code, stderr)
			assert.Contains(t, stdout, "changes (checked: ")
			assert.NotContains(t, stdout, "nothing to change")
		})
	}
}

// fix --write on a reply the ACL cuts: without --src-port the entry is
// for every client port (1024-65535), so the diff, asked from client port
// 50000, shows the pair gained; with --src-port 40000 it is for 40000
// alone, and the line saying no pair changed from 50000 says so (audit
// lintfix21 finding 1).
func TestFixWriteClientPort(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		out  []string
	}{
		{name: "no --src-port: every client port",
			out: []string{"110 allow tcp 1024-65535 to 10.0.1.10/32 (replies go to the client's ephemeral port",
				"diff against the input:\n", "G2 -> G1: gained tcp 5432\n"}},
		{name: "--src-port 40000: that port alone", args: []string{"--src-port", "40000"},
			out: []string{"110 allow tcp 40000 to 10.0.1.10/32 [return hop 3]\n",
				"diff against the input: no pair changed from client port 50000, the one diff asks from (the fix is for client port 40000 alone, as --src-port asked)\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"fix", "--aws", filepath.Join("..", "..", "sample", "aws"), "--from", "web-1", "--to", "db-1",
				"--proto", "tcp", "--port", "5432", "--write", filepath.Join(t.TempDir(), "fixed")}, tc.args...)
			code, stdout, stderr := runArgs(args...)
			require.Equal(t, 0, code, stderr)
			for _, s := range tc.out {
				assert.Contains(t, stdout, s)
			}
		})
	}
}

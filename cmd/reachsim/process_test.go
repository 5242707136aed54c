package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildCommand builds reachsim into dir and returns the binary's path.
func buildCommand(tb testing.TB, dir string) string {
	tb.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		tb.Skip("no go command in PATH:", err)
	}
	bin := filepath.Join(dir, "reachsim")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(tb, err, "go build:\n%s", out)
	return bin
}

// execute runs the built command and returns its exit status and output.
func execute(tb testing.TB, bin string, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	var o, e bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		tb.Fatalf("running %s: %v", bin, err)
	}
	return code, o.String(), e.String()
}

// TestProcess runs the built command as a user would: exit statuses,
// the trace, the JSON, errors on stderr.
func TestProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command; skipped with -short")
	}
	bin := buildCommand(t, t.TempDir())

	rows := []row{
		{name: "reachable by Name tag", code: 0,
			args: check("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443"),
			out:  []string{"tcp 198.51.100.7:50000 -> 203.0.113.10:443", "REACHABLE", "request:", "reply:"}},
		{name: "reachable by interface ID", code: 0,
			args: check("--from", "198.51.100.7", "--to", "eni-web1", "--proto", "tcp", "--port", "443"), out: []string{"REACHABLE"}},
		{name: "reachable by instance ID", code: 0,
			args: check("--from", "198.51.100.7", "--to", "i-web1", "--proto", "tcp", "--port", "443"), out: []string{"REACHABLE"}},
		{name: "reachable by public IP", code: 0,
			args: check("--from", "198.51.100.7", "--to", "203.0.113.10", "--proto", "tcp", "--port", "443"), out: []string{"REACHABLE"}},
		{name: "reachable by private IPs", code: 0,
			args: check("--from", "10.0.1.10", "--to", "10.0.2.20", "--proto", "tcp", "--port", "8080"), out: []string{"REACHABLE"}},
		{name: "not reachable: the firewall drops SSH", code: 1,
			args: check("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "22"),
			out:  []string{"NOT REACHABLE", "FIREWALL_DROP"}},
		{name: "not reachable: the reply's ephemeral port", code: 1,
			args: check("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432"),
			out:  []string{"RETURN_ACL_DEFAULT_DENY"}},
		{name: "the default sample, said on stderr", code: 0,
			args: []string{"check", "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443"},
			out:  []string{"REACHABLE"}, errs: []string{"using the embedded sample"}},
		{name: "help", args: []string{"--help"}, code: 0, out: []string{"Usage:"}},
		{name: "check help", args: []string{"check", "-h"}, code: 0, out: []string{"--aws PATH"}},
		{name: "ports: some open", args: ports("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp"), code: 0,
			out: []string{"open from client port 50000: 443\n"}},
		{name: "ports: none open", args: ports("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--json"), code: 1,
			out: []string{`"open": "none"`}},
		{name: "sources: nobody", args: sources("--to", "db-1", "--proto", "tcp", "--port", "postgresql"), code: 1,
			out: []string{"  interfaces: none\n  internet: none\n"}},
		{name: "sources: bad usage", args: sources("--to", "db-1", "--proto", "tcp"), code: 2, errs: []string{"missing --port"}},
		{name: "matrix: csv", args: matrix("--csv"), code: 0, out: []string{"from,to,tcp,udp,icmp,other,indeterminate,from_members,to_members,notes\n"}},
		{name: "audit: closed findings pass the gate", args: audit("--fail-on", "low"), code: 0, out: []string{"1 closed)"}},
		{name: "audit: an exposed finding fails it", args: []string{"audit", "--aws", exposedDump(t), "--fail-on", "high"}, code: 1,
			out: []string{"high   exposed       SSH"}},
		{name: "audit: an indeterminate one, exit 3", args: []string{"audit", "--aws", undecidedDump(t), "--fail-on", "high"}, code: 3},
		{name: "audit: a bad severity", args: audit("--fail-on", "severe"), code: 2, errs: []string{"want high, medium or low"}},
		{name: "an unknown command", args: []string{"bogus"}, code: 2, errs: []string{"unknown command"}},
		{name: "an unknown flag", args: check("--nope"), code: 2, errs: []string{"unknown flag --nope"}},
		{name: "a bad port", args: check("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "99999"), code: 2,
			errs: []string{`--port "99999"`}},
		{name: "the version", args: []string{"--version"}, code: 0, out: []string{"reachsim "}},
		{name: "a nonexistent --aws path", code: 2,
			args: []string{"check", "--aws", filepath.Join(t.TempDir(), "nope"), "--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "80"},
			errs: []string{"nope"}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			code, stdout, stderr := execute(t, bin, r.args...)
			assert.Equal(t, r.code, code, "exit status\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, s := range r.out {
				assert.Contains(t, stdout, s)
			}
			for _, s := range r.errs {
				assert.Contains(t, stderr, s)
			}
			if code == 2 {
				assert.Empty(t, stdout)
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line on stderr:\n%s", stderr)
			}
		})
	}

	t.Run("JSON", func(t *testing.T) {
		code, stdout, stderr := execute(t, bin, check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--json")...)
		require.Equal(t, 1, code, stderr)
		var r result
		require.NoError(t, json.Unmarshal([]byte(stdout), &r), stdout)
		require.NotNil(t, r.Reachable)
		assert.False(t, *r.Reachable)
		codes := make([]string, len(r.Blocks))
		for i, b := range r.Blocks {
			codes[i] = b.Code
			assert.NotEmpty(t, b.Kind)
			assert.NotEmpty(t, b.ID)
		}
		assert.Contains(t, codes, "SG_NO_ALLOW")
		assert.Contains(t, codes, "ACL_DEFAULT_DENY")
	})
}

// BenchmarkCheckProcess is one `reachsim check --demo` end to end as a
// process: start, load the embedded sample, check, print the trace.
func BenchmarkCheckProcess(b *testing.B) {
	bin := buildCommand(b, b.TempDir())
	args := check("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443")
	b.ReportAllocs()
	for b.Loop() {
		if code, _, stderr := execute(b, bin, args...); code != 0 {
			b.Fatalf("exit status %d: %s", code, stderr)
		}
	}
}

// BenchmarkCheckInProcess is the same check through run, without the
// process start; the embedded sample is loaded once and shared.
func BenchmarkCheckInProcess(b *testing.B) {
	args := check("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443")
	var o, e bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		o.Reset()
		e.Reset()
		if code := run(args, &o, &e); code != 0 {
			b.Fatalf("exit status %d: %s", code, e.String())
		}
	}
}

package main

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// README: exit status "2 bad usage or bad input (or an answer that could
// not be written to standard output: a full disk, a closed pipe)". A
// closed pipe, as a reader that exits early gives it, is reported with
// status 2: the command ignores SIGPIPE, so the write fails instead of
// the signal ending the process (the shell would see 141).
func TestReadmeClaimClosedPipeExitsTwo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := buildCommand(t, t.TempDir())
	for _, args := range [][]string{
		{"check", "--demo", "--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432"},
		{"matrix", "--demo", "--json"},
	} {
		r, w, err := os.Pipe()
		require.NoError(t, err)
		require.NoError(t, r.Close()) // the reader is gone before anything is written
		cmd := exec.Command(bin, args...)
		cmd.Stdout = w
		err = cmd.Run()
		w.Close()
		var exit *exec.ExitError
		require.True(t, errors.As(err, &exit), "%v: %v", args, err)
		assert.Equal(t, exitUsage, exit.ExitCode(),
			"%v: README says a closed pipe exits 2; the process ended with %v", args, exit.ProcessState)
	}
}

// README's codes table: an ICMP error message through a NAT gateway is
// undecided with a code of its own, NAT_ICMP_ERROR_UNKNOWN, and the walk
// goes on past the gateway (unlike an UNMODELLED_TARGET route, which ends
// the leg).
func TestReadmeClaimICMPErrorThroughNATGateway(t *testing.T) {
	_, out, _ := runArgs(check("--from", "app-1", "--to", "93.184.216.34", "--proto", "icmp",
		"--icmp-type", "3", "--icmp-code", "4", "--json")...)
	var r struct {
		Forward []struct {
			Kind string `json:"kind"`
			Code string `json:"code"`
		} `json:"forward"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	at := -1
	for i, h := range r.Forward {
		if h.Code == "NAT_ICMP_ERROR_UNKNOWN" {
			at = i
		}
		assert.NotEqual(t, "UNMODELLED_TARGET", h.Code)
	}
	require.GreaterOrEqual(t, at, 0, "the NAT gateway hop is NAT_ICMP_ERROR_UNKNOWN:\n%s", out)
	assert.Equal(t, "nat-gateway", r.Forward[at].Kind)
	assert.Less(t, at, len(r.Forward)-1, "the walk goes on past the gateway")
}

// README: the Amazon DNS server answers only the VPC's own resources
// ("from a peered VPC, a transit gateway or the internet:
// AMAZON_DNS_OUTSIDE_VPC"). From an internet host to the sample VPC's
// Amazon DNS server, 10.0.0.2, the block is AMAZON_DNS_OUTSIDE_VPC (it was
// UNKNOWN_DESTINATION, saying no interface or gateway has the address).
func TestReadmeClaimAmazonDNSFromTheInternet(t *testing.T) {
	for _, to := range []string{"10.0.0.2"} {
		_, out, _ := runArgs(check("--from", "198.51.100.7", "--to", to, "--proto", "udp", "--port", "53", "--json")...)
		var r struct {
			To     string `json:"to"`
			Blocks []struct {
				Code string `json:"code"`
			} `json:"blocks"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &r), out)
		require.Contains(t, r.To, "Amazon DNS server")
		require.NotEmpty(t, r.Blocks, out)
		assert.Equal(t, "AMAZON_DNS_OUTSIDE_VPC", r.Blocks[0].Code, "%s: %s", to, out)
	}
}

// README: fix finds changes across every blocking hop, and exits 1 only
// when no change Fix knows gives the wanted answer. On the README's own
// Terraform example (examples/terraform/plan.json), aws_instance.web ->
// aws_instance.db tcp/5432 is NOT REACHABLE with three blocking hops; web's
// address is known only later, so the changes name its subnet's block
// (a /32 of its placeholder made the answer indeterminate, and fix said
// "is indeterminate, yet no hop blocks it").
func TestReadmeClaimFixOnTheTerraformExample(t *testing.T) {
	plan := filepath.Join("..", "..", "examples", "terraform", "plan.json")
	q := []string{"--terraform", plan, "--from", "aws_instance.web", "--to", "aws_instance.db", "--proto", "tcp", "--port", "5432"}
	code, out, _ := runArgs(append([]string{"check"}, q...)...)
	require.Equal(t, exitNotReachable, code, out)
	require.Contains(t, out, "NOT REACHABLE: 3 blocking points")
	code, out, errs := runArgs(append([]string{"fix"}, q...)...)
	assert.NotContains(t, errs, "is indeterminate, yet no hop blocks it", "check says NOT REACHABLE with 3 blocking points")
	assert.Equal(t, 0, code, "fix should give the changes for the three blocking hops:\n%s\n%s", out, errs)
}

// README: "Each flag but `--aws` and `--vpc` … is given once". In every
// command, the flags the README names take a second value, and every other
// flag reports a second value as bad usage. The README named --aws alone,
// yet --vpc repeats too (its help says "repeatable").
func TestReadmeClaimRepeatableFlags(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	text := strings.Join(strings.Fields(string(readme)), " ")
	m := regexp.MustCompile("Each flag but ((?:`--[a-z-]+`(?:, | and )?)+)").FindStringSubmatch(text)
	require.NotNil(t, m, "README.md says which flags repeat: \"Each flag but `--aws` …\"")
	named := map[string]bool{}
	for _, f := range regexp.MustCompile("`--([a-z-]+)`").FindAllStringSubmatch(m[1], -1) {
		named[f[1]] = true
	}
	seen := map[string]bool{}
	for _, tt := range []struct {
		name string
		fs   *flag.FlagSet
	}{
		{"check", checkFlags(&checkOptions{})},
		{"ports", portsFlags(&portsOptions{})},
		{"sources", sourcesFlags(&sourcesOptions{})},
		{"matrix", matrixFlags(&matrixOptions{})},
		{"audit", auditFlags(&auditOptions{})},
		{"diff", diffFlags(&diffOptions{})},
		{"lint", lintFlags(&lintOptions{})},
		{"fix", fixFlags(&fixOptions{})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.fs.VisitAll(func(f *flag.Flag) {
				_, once := f.Value.(*onceFlag)
				seen[f.Name] = true
				assert.Equal(t, named[f.Name], !once, "--%s repeats: %v; README.md: %q", f.Name, !once, m[0])
			})
		})
	}
	for f := range named {
		assert.True(t, seen[f], "README.md names --%s, which no command has", f)
	}
}

// README ("Set questions"): a part of a set question that involves an
// interface whose address is known only later, told apart, is answered
// per atom by the single check's rule. On the Terraform example, app[1]'s
// address is told apart by the database ACL's quarantine entry: every set
// question answers (none exits 2), app[1]'s parts indeterminate.
func TestReadmeClaimSetQuestionsOnTheTerraformExample(t *testing.T) {
	plan := filepath.Join("..", "..", "examples", "terraform", "plan.json")
	for _, tt := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"matrix"}, exitReachable, []string{"C4: app-1 (module.app.aws_instance.app[1])", "C4 -> C2: none; indeterminate: tcp 5432"}},
		{[]string{"audit"}, exitReachable, []string{"audited 4 interfaces"}},
		{[]string{"sources", "--to", "aws_instance.db", "--proto", "tcp", "--port", "5432"}, exitReachable,
			[]string{"app-1 (module.app.aws_instance.app[1]) 10.20.11.254 (placeholder: module.app.aws_instance.app[1]: private_ip is known only later) (indeterminate)"}},
		{[]string{"ports", "--from", "module.app.aws_instance.app[1]", "--to", "aws_instance.db", "--proto", "tcp"}, exitIndeterminate,
			[]string{"indeterminate from client port 50000: 5432", "the address of network-interface module.app.aws_instance.app[1] (app-1): ADDRESS_KNOWN_LATER (undecided): 5432"}},
	} {
		code, out, errs := runArgs(append(tt.args, "--terraform", plan)...)
		require.Equal(t, tt.code, code, "%v\n%s%s", tt.args, out, errs)
		for _, w := range tt.want {
			assert.Contains(t, out, w, "%v", tt.args)
		}
	}
}

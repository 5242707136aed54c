package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

func matrix(args ...string) []string { return append([]string{"matrix", "--demo"}, args...) }
func audit(args ...string) []string  { return append([]string{"audit", "--demo"}, args...) }

// sshDump writes the embedded sample into a new directory with its
// firewall's rule for SSH from outside (a drop) replaced by rule, and
// returns the directory.
func sshDump(t *testing.T, rule string) string {
	t.Helper()
	dir := copyDump(t)
	file := filepath.Join(dir, "rule-group-inbound-web.json")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	const drop = `drop tcp any any -> $HOME_NET 22 (msg:\"no SSH from outside\";`
	require.Contains(t, string(b), drop)
	b = bytes.Replace(b, []byte(drop), []byte(rule), 1)
	require.NoError(t, os.WriteFile(file, b, 0o644))
	return dir
}

// exposedDump is the sample whose firewall passes SSH from outside: the
// security group's SSH rule exposes web-1 to 198.51.100.0/24.
func exposedDump(t *testing.T) string {
	return sshDump(t, `pass tcp any any -> $HOME_NET 22 (msg:\"SSH from outside\";`)
}

// undecidedDump is the sample whose firewall passes SSH from outside
// only with an SSH banner in the payload, which the input cannot say.
func undecidedDump(t *testing.T) string {
	return sshDump(t, `pass tcp any any -> $HOME_NET 22 (msg:\"SSH banner\"; content:\"SSH-2.0\";`)
}

func TestRunMatrix(t *testing.T) {
	runRows(t, []row{
		{name: "the sample: three classes, three cells", code: 0, args: matrix(),
			out: []string{"classes (round trip, from client port 50000):\n", "  C3: web-1 (eni-web1) 10.0.1.10\n",
				"  internet: every internet address\n", "  C1 -> C3: tcp 443\n", "  C3 -> C1: tcp 8080\n", "  internet -> C3: tcp 443\n"}},
		{name: "IPv6: only web-1 has an address", code: 0, args: matrix("--ipv6"),
			out: []string{"  C1: web-1 (eni-web1) 2001:db8:10:1::10\n", "  internet -> C1: tcp 443\n"}},
		{name: "without the internet", code: 0, args: matrix("--no-internet"), out: []string{"  C3 -> C1: tcp 8080\n"}},
		{name: "the embedded sample is the default, said on stderr", code: 0, args: []string{"matrix"},
			out: []string{"  C1 -> C3: tcp 443\n"}, errs: []string{"no --aws given: using the embedded sample"}},

		// Help.
		{name: "matrix --help", args: []string{"matrix", "--help"}, code: 0, out: []string{"reachsim matrix", "--csv", "Exit status"}},
		{name: "help matrix", args: []string{"help", "matrix"}, code: 0, out: []string{"reachsim matrix", "Exit status"}},

		// Bad usage.
		{name: "--csv with --json", args: matrix("--csv", "--json"), code: 2, errs: []string{"reachsim matrix: --csv and --json exclude each other"}},
		{name: "an unknown flag", args: matrix("--proto", "tcp"), code: 2, errs: []string{"reachsim matrix: unknown flag --proto (run 'reachsim matrix --help')"}},
		{name: "--csv given twice", args: matrix("--csv", "--csv"), code: 2, errs: []string{"--csv given twice"}},
		{name: "a stray argument", args: matrix("extra"), code: 2, errs: []string{`unexpected argument "extra"`}},
		{name: "a bad boolean", args: matrix("--csv=maybe"), code: 2, errs: []string{`--csv "maybe": want true or false`}},
		{name: "--demo with --aws", args: matrix("--aws", "x.json"), code: 2, errs: []string{"--demo and --aws exclude each other"}},
		{name: "a nonexistent --aws path", args: []string{"matrix", "--aws", "testdata/does-not-exist.json"}, code: 2,
			errs: []string{"reachsim matrix: ", "testdata/does-not-exist.json"}},
	})
	code, stdout, _ := runArgs(matrix("--no-internet")...)
	require.Equal(t, 0, code)
	assert.NotContains(t, stdout, "internet")
}

// The CSV: one table encoding/csv reads, a header and one row a cell,
// with the members of both classes.
func TestRunMatrixCSV(t *testing.T) {
	code, stdout, stderr := runArgs(matrix("--csv")...)
	require.Equal(t, 0, code, stderr)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err, stdout)
	assert.Equal(t, [][]string{
		{"from", "to", "tcp", "udp", "icmp", "other", "indeterminate", "from_members", "to_members", "notes"},
		{"C1", "C3", "443", "none", "none", "none", "none", "app-1 (eni-app1)", "web-1 (eni-web1)", ""},
		// through the firewall's domain allowlist, without a domain: undecided on the TLS and HTTP ports
		{"C1", "internet", "none", "none", "none", "none", "tcp 80,443,465,636,993,995,8000,8080,8443", "app-1 (eni-app1)", "", ""},
		{"C3", "C1", "8080", "none", "none", "none", "none", "web-1 (eni-web1)", "app-1 (eni-app1)", ""},
		{"C3", "internet", "none", "none", "none", "none", "tcp 80,443,465,636,993,995,8000,8080,8443", "web-1 (eni-web1)", "", ""},
		{"internet", "C3", "443", "none", "none", "none", "none", "", "web-1 (eni-web1)", ""},
	}, rows)
}

// matrixJSON is the README's schema of reachsim matrix --json.
type matrixJSON struct {
	Classes []struct {
		Name    string
		Members []struct{ ID, Name, Address string }
	}
	Cells []struct {
		From, To               string
		Allowed, Indeterminate trafficJSON
	}
	Walks int
}

type trafficJSON struct {
	TCP, UDP, Other string
	ICMP            []struct {
		Type  int
		Codes string
	}
}

func TestRunMatrixJSON(t *testing.T) {
	code, stdout, stderr := runArgs(matrix("--json")...)
	require.Equal(t, 0, code, stderr)
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var mx matrixJSON
	require.NoError(t, dec.Decode(&mx), stdout)
	assert.False(t, dec.More(), "exactly one JSON object")
	require.Len(t, mx.Classes, 4)
	assert.Equal(t, "C1", mx.Classes[0].Name)
	assert.Equal(t, []struct{ ID, Name, Address string }{{"eni-app1", "app-1", "10.0.2.20"}}, mx.Classes[0].Members)
	assert.Equal(t, "internet", mx.Classes[3].Name)
	assert.NotNil(t, mx.Classes[3].Members, "an empty list, not null")
	require.Len(t, mx.Cells, 5) // two of them to the internet, undecided (the domain allowlist)
	c := mx.Cells[0]
	assert.Equal(t, "C1", c.From)
	assert.Equal(t, "C3", c.To)
	assert.Equal(t, trafficJSON{TCP: "443", UDP: "none", Other: "none"}, c.Allowed)
	assert.Equal(t, trafficJSON{TCP: "none", UDP: "none", Other: "none"}, c.Indeterminate)
	assert.Positive(t, mx.Walks)
	ps, err := flow.ParsePortSet(c.Allowed.TCP)
	require.NoError(t, err, "the sets read back")
	assert.True(t, ps.Contains(443))
}

// A route to a VPN gateway leaves what the private subnets send to
// 192.0.2.0/24 open: the internet cells say so.
func TestRunMatrixIndeterminate(t *testing.T) {
	dir := vpnDump(t)
	code, stdout, stderr := runArgs("matrix", "--aws", dir, "--json")
	require.Equal(t, 0, code, stderr)
	var mx matrixJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &mx))
	found := false
	for _, c := range mx.Cells {
		if c.To == "internet" && c.Indeterminate.TCP != "none" {
			found = true
		}
	}
	assert.True(t, found, "some cell to the internet is indeterminate:\n%s", stdout)
	code, stdout, _ = runArgs("matrix", "--aws", dir)
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "-> internet: ")
	assert.Contains(t, stdout, "; indeterminate: tcp ")
}

func TestRunAudit(t *testing.T) {
	exposed, undecided := exposedDump(t), undecidedDump(t)
	on := func(dir string, args ...string) []string { return append([]string{"audit", "--aws", dir}, args...) }
	runRows(t, []row{
		{name: "the sample: SSH closed by the firewall", code: 0, args: audit(),
			out: []string{"audited 3 interfaces: 1 finding (0 exposed, 0 indeterminate, 1 closed)\n",
				"high   closed        SSH tcp/22 on web-1 (eni-web1) [203.0.113.10]\n",
				"    opened by sg-web rule sgr-web-ssh (tcp/22 from 198.51.100.0/24)\n",
				"    closed by network-firewall vpce-fw (FIREWALL_DROP, forward hop 4)\n"}},
		{name: "closed findings never fail", code: 0, args: audit("--fail-on", "low")},
		{name: "IPv6", code: 0, args: audit("--ipv6"), out: []string{"audited 1 interface: "}},
		{name: "exposed, no --fail-on: 0", code: 0, args: on(exposed),
			out: []string{"high   exposed       SSH tcp/22 on web-1 (eni-web1) [203.0.113.10]\n    from 198.51.100.0/24\n"}},
		{name: "exposed high, --fail-on high: 1", code: 1, args: on(exposed, "--fail-on", "high")},
		{name: "exposed high, --fail-on medium: 1", code: 1, args: on(exposed, "--fail-on", "medium")},
		{name: "exposed high, --fail-on LOW: 1", code: 1, args: on(exposed, "--fail-on", "LOW")},
		{name: "indeterminate, no --fail-on: 0", code: 0, args: on(undecided),
			out: []string{"high   indeterminate SSH tcp/22 on web-1 (eni-web1) [203.0.113.10]\n"}},
		{name: "indeterminate high, --fail-on high: 3", code: 3, args: on(undecided, "--fail-on", "high")},

		// Help.
		{name: "audit --help", args: []string{"audit", "-h"}, code: 0, out: []string{"reachsim audit", "--fail-on SEVERITY", "Exit status"}},
		{name: "help audit", args: []string{"help", "audit"}, code: 0, out: []string{"reachsim audit"}},

		// Bad usage.
		{name: "an unknown severity", args: audit("--fail-on", "critical"), code: 2,
			errs: []string{`reachsim audit: --fail-on "critical": want high, medium or low`}},
		{name: "an empty severity", args: audit("--fail-on", ""), code: 2, errs: []string{`--fail-on "": want high, medium or low`}},
		{name: "--fail-on without a value", args: audit("--fail-on"), code: 2, errs: []string{"--fail-on"}},
		{name: "--fail-on given twice", args: audit("--fail-on", "high", "--fail-on", "low"), code: 2, errs: []string{"--fail-on given twice (high, then low)"}},
		{name: "--csv is matrix's", args: audit("--csv"), code: 2, errs: []string{"reachsim audit: unknown flag --csv"}},
		{name: "a stray argument", args: audit("high"), code: 2, errs: []string{`unexpected argument "high"`}},
	})
}

// The JSON of audit: one object, the findings with their exposure,
// sources and rules, the same exit statuses.
func TestRunAuditJSON(t *testing.T) {
	type finding struct {
		Interface, Name, Address, Service, Severity, Protocol, Ports, Exposure string
		Sources                                                                []string
		OpenedBy                                                               []string `json:"opened_by"`
		ClosedBy                                                               []struct {
			Leg, Code, Kind, ID, Fix string
			Hop                      int
			Indeterminate            bool
		} `json:"closed_by"`
	}
	decode := func(t *testing.T, stdout string) (a struct {
		Interfaces int
		Findings   []finding
	}) {
		t.Helper()
		dec := json.NewDecoder(strings.NewReader(stdout))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&a), stdout)
		assert.False(t, dec.More(), "exactly one JSON object")
		return a
	}
	t.Run("closed", func(t *testing.T) {
		code, stdout, stderr := runArgs(audit("--json", "--fail-on", "high")...)
		require.Equal(t, 0, code, stderr)
		a := decode(t, stdout)
		assert.Equal(t, 3, a.Interfaces)
		require.Len(t, a.Findings, 1)
		f := a.Findings[0]
		assert.Equal(t, "eni-web1", f.Interface)
		assert.Equal(t, "web-1", f.Name)
		assert.Equal(t, "203.0.113.10", f.Address)
		assert.Equal(t, "SSH", f.Service)
		assert.Equal(t, "high", f.Severity)
		assert.Equal(t, "tcp", f.Protocol)
		assert.Equal(t, "22", f.Ports)
		assert.Equal(t, "closed", f.Exposure)
		assert.NotNil(t, f.Sources, "an empty list, not null")
		assert.Empty(t, f.Sources)
		assert.Equal(t, []string{"sg-web rule sgr-web-ssh (tcp/22 from 198.51.100.0/24)"}, f.OpenedBy)
		require.Len(t, f.ClosedBy, 1)
		assert.Equal(t, "FIREWALL_DROP", f.ClosedBy[0].Code)
		assert.Equal(t, "forward", f.ClosedBy[0].Leg)
		assert.Equal(t, 4, f.ClosedBy[0].Hop)
	})
	t.Run("exposed", func(t *testing.T) {
		code, stdout, stderr := runArgs("audit", "--aws", exposedDump(t), "--json", "--fail-on", "high")
		require.Equal(t, 1, code, stderr)
		a := decode(t, stdout)
		require.Len(t, a.Findings, 1)
		assert.Equal(t, "exposed", a.Findings[0].Exposure)
		assert.Equal(t, []string{"198.51.100.0/24"}, a.Findings[0].Sources)
		assert.Nil(t, a.Findings[0].ClosedBy, "left out")
		assert.NotContains(t, stdout, "closed_by")
	})
}

func TestAuditStatus(t *testing.T) {
	f := func(s reach.Severity, e reach.Exposure) reach.Finding {
		return reach.Finding{Severity: s, Exposure: e, Address: netip.MustParseAddr("192.0.2.1")}
	}
	for _, tt := range []struct {
		name      string
		findings  []reach.Finding
		threshold reach.Severity
		want      int
	}{
		{"no --fail-on: 0 whatever is found", []reach.Finding{f(reach.High, reach.Exposed)}, 0, 0},
		{"nothing found", nil, reach.Low, 0},
		{"exposed at the threshold", []reach.Finding{f(reach.Medium, reach.Exposed)}, reach.Medium, 1},
		{"exposed above the threshold", []reach.Finding{f(reach.High, reach.Exposed)}, reach.Low, 1},
		{"exposed below the threshold", []reach.Finding{f(reach.Low, reach.Exposed)}, reach.Medium, 0},
		{"indeterminate at the threshold", []reach.Finding{f(reach.High, reach.Undecided)}, reach.High, 3},
		{"indeterminate below the threshold", []reach.Finding{f(reach.Medium, reach.Undecided)}, reach.High, 0},
		{"exposed wins over indeterminate", []reach.Finding{f(reach.High, reach.Undecided), f(reach.Medium, reach.Exposed)}, reach.Medium, 1},
		{"indeterminate high, exposed low below the threshold", []reach.Finding{f(reach.High, reach.Undecided), f(reach.Low, reach.Exposed)}, reach.Medium, 3},
		{"closed never counts", []reach.Finding{f(reach.High, reach.Closed)}, reach.Low, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, auditStatus(&reach.AuditResult{Findings: tt.findings}, tt.threshold))
		})
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/sample"
)

// check returns the arguments of a check on the embedded sample.
func check(args ...string) []string { return append([]string{"check", "--demo"}, args...) }

// runArgs runs the command in-process.
func runArgs(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// A row: the arguments, the exit status, and strings that must appear in
// standard output and standard error.
type row struct {
	name      string
	args      []string
	code      int
	out, errs []string
}

func TestRunCheck(t *testing.T) {
	rows := []row{
		// Every ENDPOINT form.
		{name: "a Name tag, and an internet host by address", code: 0,
			args: check("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443"),
			out:  []string{"tcp 198.51.100.7:50000 -> 203.0.113.10:443", "to web-1 (eni-web1)", "REACHABLE"}},
		{name: "an interface ID", code: 0,
			args: check("--from", "198.51.100.7", "--to", "eni-web1", "--proto", "tcp", "--port", "443"),
			out:  []string{"to web-1 (eni-web1)", "REACHABLE"}},
		{name: "an instance ID", code: 0,
			args: check("--from", "198.51.100.7", "--to", "i-web1", "--proto", "tcp", "--port", "443"),
			out:  []string{"to i-web1 web-1 (eni-web1)", "REACHABLE"}},
		{name: "a public IP address", code: 0,
			args: check("--from", "198.51.100.7", "--to", "203.0.113.10", "--proto", "tcp", "--port", "443"),
			out:  []string{"to web-1 (eni-web1) [203.0.113.10]", "REACHABLE"}},
		{name: "private IP addresses", code: 0,
			args: check("--from", "10.0.1.10", "--to", "10.0.2.20", "--proto", "tcp", "--port", "8080"),
			out:  []string{"tcp 10.0.1.10:50000 -> 10.0.2.20:8080", "REACHABLE"}},
		{name: "a private address from the internet has no route in", code: 1,
			args: check("--from", "198.51.100.7", "--to", "10.0.1.10", "--proto", "tcp", "--port", "443"),
			out:  []string{"NOT REACHABLE", "NO_PUBLIC_IP"}},
		{name: "an IPv6 internet host by address", code: 0,
			args: check("--from", "2001:db8:ffff::7", "--to", "web-1", "--proto", "tcp", "--port", "443"),
			out:  []string{"tcp [2001:db8:ffff::7]:50000 -> [2001:db8:10:1::10]:443", "REACHABLE"}},

		// Every PROTO form.
		{name: "TCP in capitals", code: 0,
			args: check("--from", "web-1", "--to", "app-1", "--proto", "TCP", "--port", "8080"),
			out:  []string{"tcp 10.0.1.10:50000 -> 10.0.2.20:8080"}},
		{name: "TCP as number 6", code: 0,
			args: check("--from", "web-1", "--to", "app-1", "--proto", "6", "--port", "8080"),
			out:  []string{"tcp 10.0.1.10:50000 -> 10.0.2.20:8080"}},
		{name: "udp", code: 1,
			args: check("--from", "web-1", "--to", "app-1", "--proto", "udp", "--port", "53"),
			out:  []string{"udp 10.0.1.10:50000 -> 10.0.2.20:53", "ACL_DEFAULT_DENY", "SG_NO_ALLOW"}},
		{name: "icmp defaults to an echo request", code: 1,
			args: check("--from", "app-1", "--to", "web-1", "--proto", "icmp"),
			out:  []string{"icmp 10.0.2.20 -> 10.0.1.10 type 8 code 0", "RETURN_ACL_DEFAULT_DENY"}},
		{name: "icmp with type and code", code: 1,
			args: check("--from", "app-1", "--to", "web-1", "--proto", "icmp", "--icmp-type", "13", "--icmp-code", "0"),
			out:  []string{"icmp 10.0.2.20 -> 10.0.1.10 type 13 code 0"}},
		{name: "icmp type 0, an echo reply, can be asked", code: 1,
			args: check("--from", "web-1", "--to", "app-1", "--proto", "icmp", "--icmp-type", "0"),
			out:  []string{"icmp 10.0.1.10 -> 10.0.2.20 type 0 code 0"}},
		{name: "icmpv6 to the internet meets the firewall", code: 1,
			args: check("--from", "web-1", "--to", "2001:db8:ffff::7", "--proto", "icmpv6"),
			out:  []string{"icmpv6 2001:db8:10:1::10 -> 2001:db8:ffff::7 type 128 code 0", "FIREWALL_DROP"}},
		{name: "a protocol number", code: 1,
			args: check("--from", "web-1", "--to", "app-1", "--proto", "47"),
			out:  []string{"gre 10.0.1.10 -> 10.0.2.20", "SG_NO_ALLOW"}},

		// The other flags.
		{name: "the source port is shown and used", code: 0,
			args: check("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--src-port", "30000"),
			out:  []string{"tcp 10.0.2.20:30000 -> 10.0.3.30:5432", "REACHABLE"}},
		{name: "ports by service name, in any letter case", code: 0,
			args: check("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "PostgreSQL", "--src-port", "ms-sql-s"),
			out:  []string{"tcp 10.0.2.20:1433 -> 10.0.3.30:5432", "REACHABLE"}},
		{name: "a service name is the same port as its number", code: 0,
			args: check("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "https"),
			out:  []string{"tcp 198.51.100.7:50000 -> 203.0.113.10:443", "REACHABLE"}},
		{name: "the default source port meets the ephemeral-port pitfall", code: 1,
			args: check("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432"),
			out:  []string{"tcp 10.0.2.20:50000 -> 10.0.3.30:5432", "RETURN_ACL_DEFAULT_DENY", "port 50000 not in 1024-32767"}},
		{name: "an allowlisted domain passes the firewall", code: 0,
			args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--port", "443", "--domain", "www.example.com"),
			out:  []string{"domain www.example.com", "REACHABLE"}},
		{name: "no domain: the allowlist's answer depends on it, and --domain is named", code: 3,
			args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--port", "443"),
			out:  []string{"INDETERMINATE", "FIREWALL_INDETERMINATE", "missing: the domain the client sends", "--domain"}},
		{name: "an unlisted domain: the allowlist drops it", code: 1,
			args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--port", "443", "--domain", "evil.test"),
			out:  []string{"domain evil.test", "FIREWALL_DROP"}},
		{name: "the allowlisted domain on 443 spoken as http passes too", code: 0,
			args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--port", "443", "--domain", "www.example.com", "--app", "HTTP"),
			out:  []string{"app http domain www.example.com", "REACHABLE"}},
		{name: "ssh on an unlisted port, named: the firewall's established default drops it", code: 1,
			args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--port", "2222", "--app", "ssh"),
			out:  []string{"app ssh", "FIREWALL_DROP"}},
		{name: "flags written with one dash", code: 0,
			args: []string{"check", "-demo", "-from", "198.51.100.7", "-to", "web-1", "-proto", "tcp", "-port=443"},
			out:  []string{"REACHABLE"}},
		{name: "the embedded sample is the default, said on stderr", code: 0,
			args: []string{"check", "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443"},
			out:  []string{"REACHABLE"}, errs: []string{"no --aws given: using the embedded sample"}},

		// Help.
		{name: "--help", args: []string{"--help"}, code: 0, out: []string{"Usage:", "reachsim check"}},
		{name: "-h", args: []string{"-h"}, code: 0, out: []string{"Usage:"}},
		{name: "help", args: []string{"help"}, code: 0, out: []string{"Usage:", "Commands:"}},
		{name: "help --help", args: []string{"help", "--help"}, code: 0, out: []string{"Commands:"}},
		{name: "help check", args: []string{"help", "check"}, code: 0, out: []string{"--src-port PORT", "Exit status"}},
		{name: "check --help", args: []string{"check", "--help"}, code: 0, out: []string{"--src-port PORT", "Exit status"}},
		{name: "check -h among other flags", args: check("--from", "x", "-h"), code: 0, out: []string{"--src-port PORT"}},

		// Version.
		{name: "--version", args: []string{"--version"}, code: 0, out: []string{"reachsim "}},
		{name: "--version with an argument", args: []string{"--version", "x"}, code: 2, errs: []string{`unexpected argument "x"`}},

		// Bad usage.
		{name: "no arguments", args: nil, code: 2, errs: []string{"Usage:"}},
		{name: "an unknown command", args: []string{"chekc"}, code: 2, errs: []string{`reachsim: unknown command "chekc"`}},
		{name: "an unknown flag before the command", args: []string{"--bogus"}, code: 2, errs: []string{"reachsim: unknown flag --bogus"}},
		{name: "help for an unknown command", args: []string{"help", "bogus"}, code: 2, errs: []string{`unknown command "bogus"`}},
		{name: "an unknown flag", args: check("--bogus"), code: 2, errs: []string{"unknown flag --bogus"}},
		{name: "a flag without its value", args: check("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port"), code: 2,
			errs: []string{"--port needs a value"}},
		{name: "a boolean flag with a bad value", args: check("--json=maybe"), code: 2, errs: []string{`--json "maybe": want true or false`}},
		{name: "--port given twice", args: check("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "5432", "--port", "22"), code: 2,
			errs: []string{"--port given twice (5432, then 22)"}},
		{name: "--from given twice", args: check("--from", "web-1", "--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432"), code: 2,
			errs: []string{"--from given twice (web-1, then app-1)"}},
		{name: "--json given twice", args: check("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "80", "--json", "--json"), code: 2,
			errs: []string{"--json given twice"}},
		{name: "--demo given twice", args: append(check("--demo"), "--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "80"), code: 2,
			errs: []string{"--demo given twice"}},
		{name: "no error spells a flag with one dash", args: check("-port", "x"), code: 2, errs: []string{`--port "x"`}},
		{name: "a stray argument", args: check("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "80", "extra"), code: 2,
			errs: []string{`unexpected argument "extra"`}},
		{name: "missing --from", args: check("--to", "web-1", "--proto", "tcp", "--port", "443"), code: 2, errs: []string{"missing --from"}},
		{name: "missing --to", args: check("--from", "web-1", "--proto", "tcp", "--port", "443"), code: 2, errs: []string{"missing --to"}},
		{name: "missing --proto", args: check("--from", "web-1", "--to", "app-1"), code: 2, errs: []string{"missing --proto"}},
		{name: "missing --port for tcp", args: check("--from", "web-1", "--to", "app-1", "--proto", "tcp"), code: 2, errs: []string{"missing --port"}},
		{name: "a port above 65535", args: check("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "70000"), code: 2,
			errs: []string{`--port "70000": not a port number from 1 to 65535`}},
		{name: "a port that is no number nor a service name", args: check("--port", "htps"), code: 2,
			errs: []string{`--port "htps": unknown service name; did you mean https?`}},
		{name: "a service name of several ports", args: check("--port", "netbios"), code: 2,
			errs: []string{`--port "netbios": names ports 137-139, not one port`}},
		{name: "a negative source port", args: check("--src-port", "-1"), code: 2, errs: []string{`--src-port "-1": not a port number`}},
		{name: "source port 0", args: check("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "80", "--src-port", "0"), code: 2,
			errs: []string{"--src-port 0"}},
		{name: "destination port 0", args: check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "0"), code: 2,
			errs: []string{"--port 0: a session goes to a port from 1 to 65535"}},
		{name: "protocol 0", args: check("--from", "web-1", "--to", "db-1", "--proto", "0"), code: 2,
			errs: []string{"--proto 0: a session's protocol is tcp, udp, icmp, icmpv6 or a number from 1 to 255"}},
		{name: "every protocol", args: check("--from", "web-1", "--to", "db-1", "--proto", "all"), code: 2,
			errs: []string{"--proto all: a session has one protocol (use tcp, udp, icmp, icmpv6 or a number from 1 to 255)"}},
		{name: "a port for icmp", args: check("--from", "web-1", "--to", "app-1", "--proto", "icmp", "--port", "80"), code: 2,
			errs: []string{"--port and --src-port apply to tcp and udp, not icmp"}},
		{name: "an ICMP type for tcp", args: check("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "80", "--icmp-type", "8"), code: 2,
			errs: []string{"--icmp-type and --icmp-code apply to icmp and icmpv6, not tcp"}},
		{name: "an ICMP type above 255", args: check("--icmp-type", "256"), code: 2, errs: []string{`--icmp-type "256": not a number from 0 to 255`}},
		{name: "an ICMP code without a type", args: check("--from", "web-1", "--to", "app-1", "--proto", "icmp", "--icmp-code", "1"), code: 2,
			errs: []string{"--icmp-code needs --icmp-type"}},
		{name: "a domain with udp", args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "udp", "--port", "443", "--domain", "www.example.com"), code: 2,
			errs: []string{"--domain applies to tcp", "not udp"}},
		{name: "a domain with icmp", args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "icmp", "--domain", "www.example.com"), code: 2,
			errs: []string{"--domain applies to tcp", "not icmp"}},
		{name: "a domain with a protocol number", args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "47", "--domain", "www.example.com"), code: 2,
			errs: []string{"--domain applies to tcp", "not gre"}},
		{name: "an unknown protocol", args: check("--from", "web-1", "--to", "app-1", "--proto", "tcpp"), code: 2, errs: []string{`--proto "tcpp": want tcp, udp, icmp, icmpv6 or a number from 1 to 255`}},
		{name: "protocol all", args: check("--from", "web-1", "--to", "app-1", "--proto", "all"), code: 2, errs: []string{"a session has one protocol"}},
		{name: "protocol 256", args: check("--from", "web-1", "--to", "app-1", "--proto", "256"), code: 2, errs: []string{`--proto "256": want tcp, udp, icmp, icmpv6 or a number from 1 to 255`}},
		{name: "an endpoint that names nothing", args: check("--from", "web-9", "--to", "app-1", "--proto", "tcp", "--port", "80"), code: 2,
			errs: []string{"from: ", `"web-9"`}},
		{name: "an interface without IPv6", args: check("--from", "app-1", "--to", "web-1", "--proto", "tcp", "--port", "443", "--ipv6"), code: 2,
			errs: []string{"has no IPv6 address"}},
		{name: "icmp between address families", args: check("--from", "10.0.1.10", "--to", "2001:db8:ffff::7", "--proto", "icmp"), code: 2,
			errs: []string{"different address families"}},
		{name: "an app with icmp", args: check("--from", "app-1", "--to", "db-1", "--proto", "icmp", "--app", "dns"), code: 2,
			errs: []string{"--app applies to tcp and udp, not icmp"}},
		{name: "an app over a transport that cannot carry it (tls over udp)", args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "udp", "--port", "443", "--app", "tls"), code: 2,
			errs: []string{"--app tls runs over tcp only", "not udp"}},
		{name: "an app over a transport that cannot carry it (quic over tcp)", args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--port", "443", "--app", "quic"), code: 2,
			errs: []string{"--app quic runs over udp only", "not tcp"}},
		{name: "an unknown app", args: check("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--app", "postgres"), code: 2,
			errs: []string{`--app "postgres": not an application protocol`, "pgsql"}},
		{name: "an app beside a domain that neither tls nor http carries", code: 2,
			args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--port", "443", "--domain", "www.example.com", "--app", "ssh"),
			errs: []string{"want --app tls, http or http2"}},
		{name: "a bad domain", args: check("--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--port", "443", "--domain", "a b"), code: 2,
			errs: []string{"invalid"}},
		{name: "--demo with --aws", args: check("--aws", "x.json", "--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "80"), code: 2,
			errs: []string{"--demo and --aws exclude each other"}},
		{name: "a nonexistent --aws path", code: 2,
			args: []string{"check", "--aws", "testdata/does-not-exist.json", "--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "80"},
			errs: []string{"testdata/does-not-exist.json"}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(r.args...)
			assert.Equal(t, r.code, code, "exit status\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, s := range r.out {
				assert.Contains(t, stdout, s)
			}
			for _, s := range r.errs {
				assert.Contains(t, stderr, s)
			}
			switch {
			case code == 2 && r.args != nil:
				assert.Empty(t, stdout, "bad usage prints nothing on stdout")
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line on stderr:\n%s", stderr)
			case code == 2:
			case len(r.errs) == 0:
				assert.Empty(t, stderr)
			}
		})
	}
}

// hop and result mirror the parts of reach's JSON the CLI promises.
type hop struct {
	Leg, Kind, ID, Verdict, Code string
}

type result struct {
	Flow      string
	Reachable *bool
	Outcome   string
	Forward   []hop
	Return    []hop
	Blocks    []struct {
		Leg, Code, Kind, ID string
		Hop                 int
	}
}

func TestRunCheckJSON(t *testing.T) {
	t.Run("a session that works", func(t *testing.T) {
		code, stdout, stderr := runArgs(check("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443", "--json")...)
		require.Equal(t, 0, code, stderr)
		var r result
		require.NoError(t, json.Unmarshal([]byte(stdout), &r), stdout)
		require.NotNil(t, r.Reachable)
		assert.True(t, *r.Reachable)
		assert.Equal(t, "reachable", r.Outcome)
		assert.Equal(t, "tcp 198.51.100.7:50000 -> 203.0.113.10:443", r.Flow)
		assert.NotEmpty(t, r.Forward)
		assert.NotEmpty(t, r.Return)
		assert.Empty(t, r.Blocks)
	})
	t.Run("a reply blocked by a network ACL", func(t *testing.T) {
		code, stdout, stderr := runArgs(check("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--json")...)
		require.Equal(t, 1, code, stderr)
		dec := json.NewDecoder(strings.NewReader(stdout))
		var r result
		require.NoError(t, dec.Decode(&r))
		assert.False(t, dec.More(), "exactly one JSON object")
		require.NotNil(t, r.Reachable)
		assert.False(t, *r.Reachable)
		assert.Equal(t, "unreachable", r.Outcome)
		require.Len(t, r.Blocks, 1)
		b := r.Blocks[0]
		assert.Equal(t, "return", b.Leg)
		assert.Equal(t, "RETURN_ACL_DEFAULT_DENY", b.Code)
		assert.Equal(t, "network-acl", b.Kind)
		assert.Equal(t, "acl-db", b.ID)
		assert.Equal(t, 3, b.Hop, "the hop's number as the trace prints it")
		_, text, _ := runArgs(check("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--port", "5432")...)
		assert.Contains(t, text, "  3 ✗ network-acl acl-db (subnet-db) outbound")
	})
}

// The loader's errors name the file and the field; the CLI passes them on
// in one line per error.
func TestRunCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(broken, []byte(`{"SecurityGroups": [{"GroupId": "sg-1",`), 0o644))
	wrongType := filepath.Join(dir, "wrong-type.json")
	require.NoError(t, os.WriteFile(wrongType, []byte(`{"Subnets": [{"SubnetId": 7}]}`), 0o644))

	for _, tc := range []struct {
		name, path string
		errs       []string
	}{
		{"truncated JSON", broken, []string{"broken.json"}},
		{"a field of the wrong type", wrongType, []string{"wrong-type.json", "Subnets[0]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runArgs("check", "--aws", tc.path, "--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "80")
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.True(t, strings.HasPrefix(stderr, "reachsim check: "), stderr)
			for _, s := range tc.errs {
				assert.Contains(t, stderr, s)
			}
		})
	}
}

// Every flag check defines appears in its help, and the other way round.
func TestCheckUsageNamesEveryFlag(t *testing.T) {
	var o checkOptions
	fs := checkFlags(&o)
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		assert.Contains(t, checkUsage, "  --"+f.Name+" ", "the help of check misses --%s", f.Name)
	})
	assert.Equal(t, n, strings.Count(checkUsage, "\n  --"), "the help lists flags check does not define")
}

// The help gives the ranges the commands accept: a destination port from
// 1 to 65535 and a protocol number from 1 to 255 (README: reach.Query's
// Port is 1-65535, protocol 0 is reported as missing). It promised 0 for
// both, which the commands refuse.
func TestUsageStatesPortAndProtocolRanges(t *testing.T) {
	for _, tt := range []struct {
		name, usage string
		port        bool // the help describes --port
	}{
		{"check", checkUsage, true},
		{"sources", sourcesUsage, true},
		{"ports", portsUsage, false},
		{"fix", fixUsage, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u := strings.Join(strings.Fields(tt.usage), " ")
			assert.NotContains(t, u, "from 0 to 65535")
			assert.NotContains(t, u, "protocol number from 0")
			if tt.port {
				assert.Contains(t, u, "a number from 1 to 65535")
				assert.Contains(t, u, "a protocol number from 1 to 255")
			}
		})
	}
}

// The help of check says what an address endpoint is, as the trace
// labels it (reach.Query): a private address outside every VPC is a host
// outside the design, not on the internet, and one inside a VPC that
// nothing holds is an unknown destination. The help said that any address
// belonging to nothing in the input is a host on the internet.
func TestCheckUsageSaysWhatAnAddressIs(t *testing.T) {
	u := strings.Join(strings.Fields(checkUsage), " ")
	start, end := strings.Index(u, "ENDPOINT is "), strings.Index(u, "PROTO is ")
	require.True(t, start >= 0 && end > start, "the help says what ENDPOINT is, then PROTO:\n%s", checkUsage)
	u = u[start:end]
	assert.NotContains(t, u, "belongs to nothing in the input is a host on the internet")
	for _, tt := range []struct {
		name, to string
		label    string // how the trace names the destination
		help     string // how the help names that kind of address
	}{
		{"a private address outside every VPC", "192.168.5.5", "to host 192.168.5.5 outside the design (not an internet address)", "a host outside the design"},
		{"a shared address outside every VPC", "100.64.1.1", "to host 100.64.1.1 outside the design (not an internet address)", "a host outside the design"},
		{"an address in a VPC nothing holds", "10.0.9.9", "to unknown address 10.0.9.9 in vpc-demo", "an unknown destination"},
		{"a public address outside the design", "198.51.100.7", "to internet host 198.51.100.7", "a host on the internet"},
		{"an interface's address", "10.0.2.20", "to app-1 (eni-app1) [10.0.2.20]", "is that interface"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, out, errs := runArgs(check("--from", "web-1", "--to", tt.to, "--proto", "tcp", "--port", "80")...)
			assert.Contains(t, out, tt.label, errs)
			assert.Contains(t, u, tt.help)
		})
	}
}

// copyDump writes the embedded sample into a new directory, as a user's
// dump would sit on disk, and returns the directory.
func copyDump(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := fs.Glob(sample.AWSDump, "aws/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := fs.ReadFile(sample.AWSDump, f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, path.Base(f)), b, 0o644))
	}
	return dir
}

// --aws reads files and directories from disk, repeatable; the loader's
// warnings go to stderr, the trace to stdout.
func TestRunCheckAWSFiles(t *testing.T) {
	dir := copyDump(t)
	extra := filepath.Join(t.TempDir(), "extra.json")
	require.NoError(t, os.WriteFile(extra, []byte(`{"LoadBalancerDescriptions": []}`), 0o644))

	code, stdout, stderr := runArgs("check", "--aws", dir, "--aws", extra,
		"--from", "198.51.100.7", "--to", "i-web1", "--proto", "tcp", "--port", "443")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "REACHABLE")
	assert.Contains(t, stderr, "reachsim: warning: ")
	assert.Contains(t, stderr, "extra.json")
	assert.Contains(t, stderr, "LoadBalancerDescriptions")
	assert.NotContains(t, stderr, "embedded sample")

	// One file of the dump alone misses what it references: bad input.
	code, stdout, stderr = runArgs("check", "--aws", filepath.Join(dir, "subnets.json"),
		"--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "subnets.json")
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		assert.True(t, strings.HasPrefix(line, "reachsim check: "), "each error on a line of its own: %q", line)
	}
}

// --max-file-size bounds every file --aws reads; past it, bad input.
func TestRunCheckMaxFileSize(t *testing.T) {
	dir := copyDump(t)
	args := func(size string) []string {
		return []string{"check", "--aws", dir, "--max-file-size", size, "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443"}
	}
	// up to the largest size the flag takes (audit cli20 finding 1: one
	// byte more than MaxInt64 wrapped round, and every file read empty)
	for _, size := range []string{"1GiB", "8388607TiB", "9223372036854775806", "9223372036854775807"} {
		code, stdout, stderr := runArgs(args(size)...)
		assert.Equal(t, 0, code, "%s: %s", size, stderr)
		assert.Contains(t, stdout, "REACHABLE", size)
	}

	code, stdout, stderr := runArgs(args("1KiB")...)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "file too large")
	assert.Contains(t, stderr, "more than the limit of 1 KiB")

	code, _, stderr = runArgs(args("1.5GiB")...)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--max-file-size \"1.5GiB\": not a size")

	code, _, stderr = runArgs(check("--max-file-size", "1MiB", "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443")...)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--max-file-size applies to the --aws or --terraform files, not to the embedded sample")
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // 0: an error
	}{
		{"1048576", 1 << 20},
		{"512MiB", 512 << 20},
		{"1GiB", 1 << 30},
		{"1 GiB", 1 << 30},
		{"2gib", 2 << 30},
		{"64KiB", 64 << 10},
		{"1TiB", 1 << 40},
		{"100B", 100},
		{"0", 0},
		{"-1", 0},
		{"1.5GiB", 0},
		{"1GB", 0},
		{"GiB", 0},
		{"", 0},
		{"9999999999TiB", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseSize(tt.in)
			if tt.want == 0 {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// vpnDump writes the embedded sample into a new directory with a route
// from the private subnets to 192.0.2.0/24 via a virtual private gateway,
// which reachsim does not model, and returns the directory.
func vpnDump(t *testing.T) string {
	t.Helper()
	dir := copyDump(t)
	file := filepath.Join(dir, "route-tables.json")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var doc struct{ RouteTables []map[string]any }
	require.NoError(t, json.Unmarshal(b, &doc))
	for _, rt := range doc.RouteTables {
		if rt["RouteTableId"] == "rtb-private" {
			rt["Routes"] = append(rt["Routes"].([]any), map[string]any{"DestinationCidrBlock": "192.0.2.0/24", "GatewayId": "vgw-office", "State": "active"})
		}
	}
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, b, 0o644))
	return dir
}

// A dump whose private route table sends 192.0.2.0/24 to a virtual private
// gateway, which reachsim does not model: traffic there is indeterminate,
// exit status 3, never answered by the NAT gateway's default route.
func TestRunCheckIndeterminate(t *testing.T) {
	dir := vpnDump(t)
	args := []string{"check", "--aws", dir, "--from", "app-1", "--to", "192.0.2.10", "--proto", "tcp", "--port", "443"}

	code, stdout, stderr := runArgs(args...)
	assert.Equal(t, 3, code, stderr)
	assert.Contains(t, stdout, "\nINDETERMINATE: no hop blocks for certain, but 1 hop cannot decide")
	assert.Contains(t, stdout, "\nmissing: what lies beyond vgw-office (virtual private gateway)")
	assert.NotContains(t, stdout, "nat-demo")
	assert.Contains(t, stderr, "route 192.0.2.0/24 -> vgw-office (virtual private gateway) of rtb-private: reachsim does not model VPN; queries it routes are indeterminate (check, ports and sources exit 3)")

	code, stdout, stderr = runArgs(append(args, "--json")...)
	assert.Equal(t, 3, code, stderr)
	var r result
	require.NoError(t, json.Unmarshal([]byte(stdout), &r), stdout)
	require.NotNil(t, r.Reachable)
	assert.False(t, *r.Reachable)
	assert.Equal(t, "indeterminate", r.Outcome)
	require.Len(t, r.Blocks, 1)
	assert.Equal(t, "UNMODELLED_TARGET", r.Blocks[0].Code)

	code, _, stderr = runArgs("check", "--aws", dir, "--from", "app-1", "--to", "198.51.100.7", "--proto", "tcp", "--port", "443", "--domain", "api.github.com")
	assert.Equal(t, 0, code, "other addresses still go through the NAT gateway: %s", stderr)
}

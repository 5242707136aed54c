package main

import (
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ports and sources return the arguments of a set question on the
// embedded sample.
func ports(args ...string) []string   { return append([]string{"ports", "--demo"}, args...) }
func sources(args ...string) []string { return append([]string{"sources", "--demo"}, args...) }

// runRows runs each row in-process and checks its exit status and output;
// a row of bad usage prints one line on stderr and nothing on stdout.
func runRows(t *testing.T, rows []row) {
	t.Helper()
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
			case code == 2:
				assert.Empty(t, stdout, "bad usage prints nothing on stdout")
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line on stderr:\n%s", stderr)
			case len(r.errs) == 0:
				assert.Empty(t, stderr)
			}
		})
	}
}

func TestRunPorts(t *testing.T) {
	runRows(t, []row{
		{name: "the internet reaches the web tier on https only", code: 0,
			args: ports("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp"),
			out: []string{"tcp 198.51.100.7 -> 203.0.113.10: the destination ports that work, request and reply\n",
				"open from client port 50000: 443\n",
				// a server that greets first (SMTP, FTP, ...) gets its greeting through
				// (aws:drop_established passes the server's packets): the client's data is
				// dropped on the request, as for every other port
				"  request hop 4, network-firewall vpce-fw (demo-firewall): FIREWALL_DROP: 1-442,444-65535\n"}},
		{name: "nothing open from the default client port, some from old Windows", code: 1,
			args: ports("--from", "app-1", "--to", "db-1", "--proto", "TCP"),
			out: []string{"open from client port 50000: none\n", "  Windows Server 2003 and earlier 1025-5000: 5432\n",
				"  NAT gateway, ELB, Lambda 1024-65535: none; from some client ports: 5432\n",
				"  reply hop 3, network-acl acl-db (subnet-db): RETURN_ACL_DEFAULT_DENY: 1-65535\n"}},
		{name: "from an old Windows client port, the database's port is open", code: 0,
			args: ports("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--src-port", "3000"),
			out:  []string{"open from client port 3000: 5432\n", "cuts from client port 3000:\n"}},
		{name: "the web tier reaches the app tier on 8080", code: 0,
			args: ports("--from", "web-1", "--to", "app-1", "--proto", "tcp"), out: []string{"open from client port 50000: 8080\n"}},
		{name: "udp", code: 1, args: ports("--from", "app-1", "--to", "db-1", "--proto", "udp"), out: []string{"udp 10.0.2.20 -> 10.0.3.30"}},
		{name: "icmp: types and codes", code: 1, args: ports("--from", "app-1", "--to", "web-1", "--proto", "icmp"),
			out: []string{"open: none\n", "SG_NO_ALLOW: 0-7,9-255 (all codes)\n"}},
		{name: "icmpv6 by number", code: 1, args: ports("--from", "web-1", "--to", "2001:db8:ffff::7", "--proto", "58"),
			out: []string{"icmpv6 2001:db8:10:1::10 -> 2001:db8:ffff::7", "FIREWALL_DROP: 0-255 (all codes)"}},
		{name: "ipv6 interfaces", code: 0, args: ports("--from", "2001:db8:ffff::7", "--to", "web-1", "--proto", "tcp", "--ipv6"),
			out: []string{"open from client port 50000: 443\n"}},
		{name: "a domain the firewall allows", code: 0, args: ports("--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--domain", "www.example.com"),
			out: []string{"open from client port 50000: "}},
		{name: "the embedded sample is the default, said on stderr", code: 0,
			args: []string{"ports", "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp"},
			out:  []string{"open from client port 50000: 443"}, errs: []string{"no --aws given: using the embedded sample"}},

		// Help.
		{name: "ports --help", args: []string{"ports", "--help"}, code: 0, out: []string{"reachsim ports", "--from ENDPOINT", "Exit status"}},
		{name: "help ports", args: []string{"help", "ports"}, code: 0, out: []string{"reachsim ports", "Exit status"}},

		// Bad usage.
		{name: "missing --from", args: ports("--to", "web-1", "--proto", "tcp"), code: 2, errs: []string{"reachsim ports: missing --from (run 'reachsim ports --help')"}},
		{name: "missing --to", args: ports("--from", "web-1", "--proto", "tcp"), code: 2, errs: []string{"missing --to"}},
		{name: "missing --proto", args: ports("--from", "web-1", "--to", "app-1"), code: 2, errs: []string{"missing --proto"}},
		{name: "a protocol without ports", args: ports("--from", "web-1", "--to", "app-1", "--proto", "gre"), code: 2,
			errs: []string{"--proto gre: ports asks about tcp, udp, icmp or icmpv6"}},
		{name: "protocol all", args: ports("--from", "web-1", "--to", "app-1", "--proto", "all"), code: 2, errs: []string{"a session has one protocol"}},
		{name: "an unknown protocol", args: ports("--from", "web-1", "--to", "app-1", "--proto", "tcpp"), code: 2, errs: []string{`--proto "tcpp": want tcp, udp, icmp or icmpv6`}},
		{name: "--port is check's", args: ports("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--port", "80"), code: 2,
			errs: []string{"reachsim ports: unknown flag --port (run 'reachsim ports --help')"}},
		{name: "--src-port with icmp", args: ports("--from", "web-1", "--to", "app-1", "--proto", "icmp", "--src-port", "3000"), code: 2,
			errs: []string{"--src-port applies to tcp and udp, not icmp"}},
		{name: "--src-port 0", args: ports("--from", "web-1", "--to", "app-1", "--proto", "tcp", "--src-port", "0"), code: 2,
			errs: []string{"--src-port 0: a client sends from a port from 1 to 65535"}},
		{name: "a domain with udp", args: ports("--from", "web-1", "--to", "app-1", "--proto", "udp", "--domain", "x.example"), code: 2,
			errs: []string{"--domain applies to tcp", "not udp"}},
		{name: "--from given twice", args: ports("--from", "web-1", "--from", "app-1", "--to", "db-1", "--proto", "tcp"), code: 2,
			errs: []string{"--from given twice (web-1, then app-1)"}},
		{name: "a stray argument", args: ports("--from", "web-1", "--to", "app-1", "--proto", "tcp", "extra"), code: 2, errs: []string{`unexpected argument "extra"`}},
		{name: "an endpoint that names nothing", args: ports("--from", "web-9", "--to", "app-1", "--proto", "tcp"), code: 2, errs: []string{`"web-9"`}},
		{name: "--demo with --aws", args: ports("--aws", "x.json", "--from", "web-1", "--to", "app-1", "--proto", "tcp"), code: 2,
			errs: []string{"--demo and --aws exclude each other"}},
		{name: "a nonexistent --aws path", code: 2,
			args: []string{"ports", "--aws", "testdata/does-not-exist.json", "--from", "web-1", "--to", "app-1", "--proto", "tcp"},
			errs: []string{"reachsim ports: ", "testdata/does-not-exist.json"}},
		{name: "a bad boolean", args: ports("--json=maybe"), code: 2, errs: []string{`--json "maybe": want true or false`}},
	})
}

func TestRunSources(t *testing.T) {
	runRows(t, []row{
		{name: "who reaches the web tier on https", code: 0, args: sources("--to", "web-1", "--proto", "tcp", "--port", "https"),
			out: []string{"who reaches web-1 (eni-web1) over tcp port 443:\n", "    app-1 (eni-app1) 10.0.2.20\n",
				"  internet: every IPv4 address but 0.0.0.0/8, 10.0.0.0/8, "}},
		{name: "nobody reaches the database from the default client port", code: 1, args: sources("--to", "db-1", "--proto", "tcp", "--port", "postgresql"),
			out: []string{"  interfaces: none\n  internet: none\n"}},
		{name: "the app tier does from a low client port", code: 0, args: sources("--to", "db-1", "--proto", "tcp", "--port", "5432", "--src-port", "30000"),
			out: []string{"    app-1 (eni-app1) 10.0.2.20\n  internet: none\n"}},
		{name: "the app tier does from some client port (--any-client-port)", code: 0, args: sources("--to", "db-1", "--proto", "tcp", "--port", "5432", "--any-client-port"),
			out: []string{"who reaches db-1 (eni-db1) over tcp port 5432 from any client port:\n", "    app-1 (eni-app1) 10.0.2.20\n  internet: none\n"}},
		{name: "the internet over IPv6 from any client port too", code: 0, args: sources("--to", "web-1", "--proto", "tcp", "--port", "443", "--ipv6", "--any-client-port"),
			out: []string{"over tcp port 443 from any client port:\n", "internet: every IPv6 address but "}},
		{name: "nobody on ssh, stopped by the firewall", code: 1, args: sources("--to", "web-1", "--proto", "tcp", "--port", "ssh"),
			out: []string{"internet: none"}},
		{name: "IPv6", code: 0, args: sources("--to", "web-1", "--proto", "tcp", "--port", "443", "--ipv6"),
			out: []string{"  interfaces: none\n", "internet: every IPv6 address but "}},
		{name: "icmp: nobody, the destination not being its own source", code: 1, args: sources("--to", "web-1", "--proto", "icmp"),
			out: []string{"over icmp type 8 code 0:\n  interfaces: none\n  internet: none\n"}},
		{name: "icmp with a type", code: 1, args: sources("--to", "web-1", "--proto", "icmp", "--icmp-type", "3", "--icmp-code", "4"), out: []string{"over icmp type 3 code 4:"}},

		// Help.
		{name: "sources --help", args: []string{"sources", "-h"}, code: 0, out: []string{"reachsim sources", "--src-port PORT", "Exit status"}},
		{name: "help sources", args: []string{"help", "sources"}, code: 0, out: []string{"reachsim sources"}},

		// Bad usage.
		{name: "missing --to", args: sources("--proto", "tcp", "--port", "22"), code: 2, errs: []string{"reachsim sources: missing --to (run 'reachsim sources --help')"}},
		{name: "missing --proto", args: sources("--to", "web-1"), code: 2, errs: []string{"missing --proto"}},
		{name: "missing --port for tcp", args: sources("--to", "web-1", "--proto", "tcp"), code: 2, errs: []string{"missing --port"}},
		{name: "--from is not a flag of sources", args: sources("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "22"), code: 2,
			errs: []string{"unknown flag --from"}},
		{name: "an unknown service name", args: sources("--port", "htps"), code: 2, errs: []string{`--port "htps": unknown service name; did you mean https?`}},
		{name: "a port for icmp", args: sources("--to", "web-1", "--proto", "icmp", "--port", "80"), code: 2, errs: []string{"--port and --src-port apply to tcp and udp"}},
		{name: "source port 0", args: sources("--to", "web-1", "--proto", "tcp", "--port", "80", "--src-port", "0"), code: 2, errs: []string{"--src-port 0"}},
		{name: "destination port 0", args: sources("--to", "web-1", "--proto", "tcp", "--port", "0"), code: 2, errs: []string{"--port 0: a session goes to a port from 1 to 65535"}},
		{name: "--any-client-port with --src-port", args: sources("--to", "db-1", "--proto", "tcp", "--port", "5432", "--src-port", "30000", "--any-client-port"), code: 2,
			errs: []string{"--any-client-port and --src-port 30000: ask from one client port or from every one"}},
		{name: "--any-client-port with icmp", args: sources("--to", "db-1", "--proto", "icmp", "--any-client-port"), code: 2,
			errs: []string{"--any-client-port applies to tcp and udp, not icmp"}},
		{name: "protocol 0", args: sources("--to", "web-1", "--proto", "0"), code: 2, errs: []string{"--proto 0: a session's protocol is"}},
		{name: "--port given twice", args: sources("--to", "web-1", "--proto", "tcp", "--port", "80", "--port", "22"), code: 2,
			errs: []string{"--port given twice (80, then 22)"}},
		{name: "an endpoint that names nothing", args: sources("--to", "web-9", "--proto", "tcp", "--port", "80"), code: 2, errs: []string{`"web-9"`}},
	})
}

// The JSON of ports: one object, "open" a set string ("none" when empty),
// the cuts with their hops and ports.
func TestRunPortsJSON(t *testing.T) {
	type icmp struct {
		Type  int
		Codes string
	}
	type cut struct {
		Leg, Kind, ID, Name, Code, Ports string
		Hop                              int
		ICMP                             []icmp
	}
	type answer struct {
		From, To, Protocol, Src, Dst string
		ClientPort                   int    `json:"client_port"`
		Open                         string `json:"open"`
		Indeterminate                string `json:"indeterminate"`
		Clients                      []struct {
			Name          string
			ClientPorts   string `json:"client_ports"`
			Open          string
			Partly        string
			Indeterminate string
		}
		ICMP  []icmp
		Cuts  []cut
		Atoms int
	}
	decode := func(t *testing.T, stdout string) answer {
		t.Helper()
		dec := json.NewDecoder(strings.NewReader(stdout))
		dec.DisallowUnknownFields()
		var a answer
		require.NoError(t, dec.Decode(&a), stdout)
		assert.False(t, dec.More(), "exactly one JSON object")
		return a
	}
	t.Run("open ports", func(t *testing.T) {
		code, stdout, stderr := runArgs(ports("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--json")...)
		require.Equal(t, 0, code, stderr)
		a := decode(t, stdout)
		assert.Equal(t, "443", a.Open)
		assert.Equal(t, "none", a.Indeterminate)
		assert.Equal(t, 50000, a.ClientPort)
		assert.Equal(t, "203.0.113.10", a.Dst)
		require.Len(t, a.Clients, 5)
		assert.Equal(t, "32768-60999", a.Clients[0].ClientPorts)
		assert.Equal(t, []cut{
			{Leg: "forward", Hop: 4, Kind: "network-firewall", ID: "vpce-fw", Name: "demo-firewall", Code: "FIREWALL_DROP", Ports: "1-442,444-65535"},
			{Leg: "forward", Hop: 8, Kind: "security-groups", ID: "sg-web", Name: "web-1 (eni-web1)", Code: "SG_NO_ALLOW", Ports: "1-21,23-442,444-65535"},
		}, a.Cuts)
		assert.Positive(t, a.Atoms)
	})
	t.Run("none open: \"none\", exit 1", func(t *testing.T) {
		code, stdout, stderr := runArgs(ports("--from", "app-1", "--to", "db-1", "--proto", "tcp", "--json")...)
		require.Equal(t, 1, code, stderr)
		a := decode(t, stdout)
		assert.Equal(t, "none", a.Open)
		assert.Equal(t, "5432", a.Clients[3].Open)
		assert.Equal(t, "5432", a.Clients[4].Partly)
		assert.Equal(t, "none", a.Clients[4].Indeterminate)
	})
	t.Run("icmp", func(t *testing.T) {
		code, stdout, stderr := runArgs(ports("--from", "app-1", "--to", "web-1", "--proto", "icmp", "--json")...)
		require.Equal(t, 1, code, stderr)
		a := decode(t, stdout)
		assert.Equal(t, "none", a.Open)
		assert.Empty(t, a.ICMP)
		require.NotEmpty(t, a.Cuts)
		assert.Equal(t, "none", a.Cuts[0].Ports)
		assert.Equal(t, icmp{Type: 0, Codes: "0-255"}, a.Cuts[0].ICMP[0])
		assert.Len(t, a.Cuts[0].ICMP, 255, "every type but 8, echo request, which the group allows")
	})
}

// The JSON of sources: the interfaces and the internet's CIDR blocks.
func TestRunSourcesJSON(t *testing.T) {
	code, stdout, stderr := runArgs(sources("--to", "db-1", "--proto", "tcp", "--port", "postgresql", "--src-port", "30000", "--json")...)
	require.Equal(t, 0, code, stderr)
	var a struct {
		To, Protocol string
		Port         int
		Interfaces   []struct{ ID, Name, Address, Outcome string }
		Internet     []string
		Indet        []string `json:"internet_indeterminate"`
		Atoms        int
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &a), stdout)
	assert.Equal(t, "db-1 (eni-db1)", a.To)
	assert.Equal(t, 5432, a.Port)
	require.Len(t, a.Interfaces, 1)
	assert.Equal(t, "eni-app1", a.Interfaces[0].ID)
	assert.Equal(t, "reachable", a.Interfaces[0].Outcome)
	assert.NotNil(t, a.Internet, "an empty list, not null")
	assert.Empty(t, a.Internet)
	assert.Contains(t, stdout, `"internet": []`)

	code, stdout, stderr = runArgs(sources("--to", "web-1", "--proto", "tcp", "--port", "443", "--json")...)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &a), stdout)
	// 198.18.0.0/15 (benchmarking, not globally reachable) is cut out of
	// the block that held 198.51.100.7 (196.0.0.0/6)
	assert.Contains(t, a.Internet, "198.32.0.0/11", "198.51.100.7 among them")
	assert.NotContains(t, a.Internet, "10.0.0.0/8")
	assert.NotContains(t, a.Internet, "198.18.0.0/15")
	assert.NotContains(t, stdout, "any_client_port", "left out when not asked")

	// --any-client-port: the JSON carries it; app-1 gets through from
	// some client port (the database's ACL lets replies out to 1024-32767)
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"from any client port", sources("--to", "db-1", "--proto", "tcp", "--port", "postgresql", "--any-client-port", "--json")},
	} {
		code, stdout, stderr = runArgs(tt.args...)
		require.Equal(t, 0, code, "%s: %s", tt.name, stderr)
		var b struct {
			AnyClientPort bool `json:"any_client_port"`
			Interfaces    []struct{ ID, Outcome string }
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &b), stdout)
		assert.True(t, b.AnyClientPort, tt.name)
		require.Len(t, b.Interfaces, 1, tt.name)
		assert.Equal(t, "eni-app1", b.Interfaces[0].ID, tt.name)
		assert.Equal(t, "reachable", b.Interfaces[0].Outcome, tt.name)
	}
}

// A dump that routes 192.0.2.0/24 to a VPN gateway: every port is
// indeterminate, none open: exit status 3.
func TestRunPortsIndeterminate(t *testing.T) {
	dir := vpnDump(t)
	for _, proto := range []string{"tcp", "icmp"} {
		code, stdout, stderr := runArgs("ports", "--aws", dir, "--from", "app-1", "--to", "192.0.2.10", "--proto", proto)
		assert.Equal(t, 3, code, stderr)
		assert.Contains(t, stdout, "UNMODELLED_TARGET (undecided)")
	}
	code, stdout, _ := runArgs("ports", "--aws", dir, "--from", "app-1", "--to", "192.0.2.10", "--proto", "tcp", "--json")
	assert.Equal(t, 3, code)
	var a struct{ Open, Indeterminate string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &a))
	assert.Equal(t, "none", a.Open)
	assert.Equal(t, "1-65535", a.Indeterminate)
}

func TestSetStatus(t *testing.T) {
	for _, tt := range []struct {
		some, indeterminate bool
		want                int
	}{{true, false, 0}, {true, true, 0}, {false, true, 3}, {false, false, 1}} {
		assert.Equal(t, tt.want, setStatus(tt.some, tt.indeterminate), "%+v", tt)
	}
}

// Every flag ports, sources, matrix and audit define appears in their help, and the
// other way round.
func TestSetUsagesNameEveryFlag(t *testing.T) {
	for _, c := range []struct {
		name  string
		fs    *flag.FlagSet
		usage string
	}{
		{"ports", portsFlags(&portsOptions{}), portsUsage},
		{"sources", sourcesFlags(&sourcesOptions{}), sourcesUsage},
		{"matrix", matrixFlags(&matrixOptions{}), matrixUsage},
		{"audit", auditFlags(&auditOptions{}), auditUsage},
		{"diff", diffFlags(&diffOptions{}), diffUsage},
		{"fix", fixFlags(&fixOptions{}), fixUsage},
		{"lint", lintFlags(&lintOptions{}), lintUsage},
	} {
		n := 0
		c.fs.VisitAll(func(f *flag.Flag) {
			n++
			assert.Contains(t, c.usage, "  --"+f.Name+" ", "the help of %s misses --%s", c.name, f.Name)
		})
		assert.Equal(t, n, strings.Count(c.usage, "\n  --"), "the help of %s lists flags it does not define", c.name)
	}
}

// editDump replaces, in every file of the dump in dir, each pairs[i]
// with pairs[i+1] (each must occur), and returns dir.
func editDump(t *testing.T, dir string, pairs ...string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for i := 0; i < len(pairs); i += 2 {
		n := 0
		for _, e := range ents {
			p := filepath.Join(dir, e.Name())
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			s := strings.ReplaceAll(string(b), pairs[i], pairs[i+1])
			if s != string(b) {
				n++
				require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
			}
		}
		require.NotZero(t, n, "the dump holds %q", pairs[i])
	}
	return dir
}

// sources stands for the internet by one address of it, never one the
// design holds or a VPC block contains. It was 198.51.100.1 always:
// with web-1's public IP there, sources answered "internet: none" where
// check, audit and matrix say the internet reaches web-1; with a VPC
// block holding it (AWS accepts blocks outside RFC 1918), sources
// refused the question naming 198.51.100.1, which the user never gave.
func TestRunSourcesProbeAddressOfTheDesign(t *testing.T) {
	held := func(t *testing.T) string { // web-1's public IP is 198.51.100.1; the firewall passes SSH
		return editDump(t, exposedDump(t), `"203.0.113.10"`, `"198.51.100.1"`, "ec2-203-0-113-10", "ec2-198-51-100-1")
	}
	inVPC := func(t *testing.T) string { // vpc-demo has the block 198.51.100.0/24 too
		return editDump(t, copyDump(t), `"CidrBlockAssociationSet": [`, `"CidrBlockAssociationSet": [
                {"AssociationId": "vpc-cidr-assoc-probe", "CidrBlock": "198.51.100.0/24", "CidrBlockState": {"State": "associated"}},`)
	}
	tests := []struct {
		name string
		dump func(t *testing.T) string
		port string
		from string // an internet host check says reaches web-1
	}{
		{"web-1's public IP is the probe, ssh", held, "22", "198.51.100.7"},
		{"web-1's public IP is the probe, https", held, "443", "198.51.100.7"},
		{"a VPC block holds the probe, https", inVPC, "443", "8.8.8.8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dump(t)
			code, _, stderr := runArgs("check", "--aws", dir, "--from", tt.from, "--to", "web-1", "--proto", "tcp", "--port", tt.port)
			require.Equal(t, exitReachable, code, stderr)

			code, stdout, stderr := runArgs("sources", "--aws", dir, "--to", "web-1", "--proto", "tcp", "--port", tt.port, "--json")
			require.Equal(t, exitReachable, code, stderr)
			assert.NotContains(t, stderr, "198.51.100.1", "an address the question never named")
			var r struct {
				Internet []string `json:"internet"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &r))
			covered := false
			for _, s := range r.Internet {
				covered = covered || netip.MustParsePrefix(s).Contains(netip.MustParseAddr(tt.from))
			}
			assert.True(t, covered, "%s reaches web-1 on %s (check says so); sources must list it: %v", tt.from, tt.port, r.Internet)
		})
	}
}

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The errors for a --port, --src-port or --proto value the command line
// does not take state the values it does take, as its help and the README
// do (--port and --src-port 1 to 65535 or a service name; --proto tcp,
// udp, icmp, icmpv6 or 1 to 255, ports tcp, udp, icmp or icmpv6), never
// the wider ranges package flow reads (0 to 65535; 0 to 255, -1 and all),
// which the command line would refuse next.
func TestRangeErrorsStateTheAcceptedRange(t *testing.T) {
	ports := []string{"ports", "--demo", "--from", "web-1", "--to", "db-1"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"--port 65536", check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "65536"),
			`--port "65536": not a port number from 1 to 65535 or a service name`},
		{"--port -1", check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "-1"),
			`--port "-1": not a port number from 1 to 65535 or a service name`},
		{"--port 0", check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "0"),
			`--port 0: a session goes to a port from 1 to 65535`},
		{"--port sshh keeps the service hint", check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "sshh"),
			`--port "sshh": unknown service name; did you mean ssh?`},
		{"--port netbios names several ports", check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "netbios"),
			`--port "netbios": names ports 137-139, not one port`},
		{"--src-port 70000", check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--src-port", "70000"),
			`--src-port "70000": not a port number from 1 to 65535 or a service name`},
		{"ports --src-port 70000", append(ports, "--proto", "tcp", "--src-port", "70000"),
			`--src-port "70000": not a port number from 1 to 65535 or a service name`},
		{"--proto 256", check("--from", "web-1", "--to", "db-1", "--proto", "256", "--port", "5432"),
			`--proto "256": want tcp, udp, icmp, icmpv6 or a number from 1 to 255`},
		{"--proto all", check("--from", "web-1", "--to", "db-1", "--proto", "all"),
			`--proto all: a session has one protocol (use tcp, udp, icmp, icmpv6 or a number from 1 to 255)`},
		{"--proto 0", check("--from", "web-1", "--to", "db-1", "--proto", "0"),
			`--proto 0: a session's protocol is tcp, udp, icmp, icmpv6 or a number from 1 to 255`},
		{"sources --proto 256", []string{"sources", "--demo", "--to", "db-1", "--proto", "256"},
			`--proto "256": want tcp, udp, icmp, icmpv6 or a number from 1 to 255`},
		{"fix --proto -1", []string{"fix", "--demo", "--from", "web-1", "--to", "db-1", "--proto", "-1"},
			`--proto -1: a session has one protocol (use tcp, udp, icmp, icmpv6 or a number from 1 to 255)`},
		{"ports --proto 256", append(ports, "--proto", "256"), `--proto "256": want tcp, udp, icmp or icmpv6`},
		{"ports --proto all", append(ports, "--proto", "all"), `--proto all: a session has one protocol (use tcp, udp, icmp or icmpv6)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(tc.args...)
			require.Equal(t, exitUsage, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.want)
			for _, wider := range []string{"0 to 65535", "0 to 255", "-1 for all", ", all,"} {
				assert.NotContains(t, stderr, wider)
			}
		})
	}
}

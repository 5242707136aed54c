package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --ipv6 asks about IPv6. An endpoint given as an IPv4 address decides the
// family itself, so --ipv6 with one contradicts the question: check, a
// --queries line, ports, sources and fix refuse it as bad usage (exit 2)
// with one message, never answering the IPv4 question instead (README,
// "Guarantees": bad input is a clear error, never a guess).
func TestIPv6FlagRefusesAnIPv4Address(t *testing.T) {
	const msg = "is an IPv4 address, and the question asks for IPv6"
	for _, tc := range []struct {
		name string
		args []string
		addr string
	}{
		{"check, IPv4 source", check("--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--port", "443", "--ipv6"), "198.51.100.7"},
		{"check, IPv4 destination", check("--from", "web-1", "--to", "8.8.8.8", "--proto", "udp", "--port", "53", "--ipv6"), "8.8.8.8"},
		{"ports, IPv4 source", []string{"ports", "--demo", "--from", "198.51.100.7", "--to", "web-1", "--proto", "tcp", "--ipv6"}, "198.51.100.7"},
		{"ports, IPv4 destination", []string{"ports", "--demo", "--from", "web-1", "--to", "10.0.3.30", "--proto", "icmpv6", "--ipv6"}, "10.0.3.30"},
		{"sources, IPv4 destination", []string{"sources", "--demo", "--to", "203.0.113.10", "--proto", "tcp", "--port", "443", "--ipv6"}, "203.0.113.10"},
		{"fix, IPv4 source", []string{"fix", "--demo", "--from", "198.51.100.7", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--ipv6"}, "198.51.100.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(tc.args...)
			assert.Equal(t, exitUsage, code, "--ipv6 with an IPv4 address is bad usage, not an IPv4 answer; got:\n%s%s", stdout, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "--ipv6: "+tc.addr+" "+msg)
		})
	}

	t.Run("a --queries line", func(t *testing.T) {
		q := filepath.Join(t.TempDir(), "q.txt")
		require.NoError(t, os.WriteFile(q, []byte("--from 198.51.100.7 --to web-1 --proto tcp --port 443 --ipv6\n"+
			"--from web-1 --to db-1 --proto tcp --port 5432\n"), 0o644))
		code, stdout, stderr := runArgs("check", "--demo", "--queries", q)
		assert.Equal(t, exitUsage, code, "a line asking IPv6 of an IPv4 address is a bad line; got:\n%s%s", stdout, stderr)
		assert.Contains(t, stderr, q+":1:")
		assert.Contains(t, stderr, "198.51.100.7 "+msg)
		assert.Contains(t, stdout, "line 2: ", "the other lines are still answered")
	})

	t.Run("an IPv6 address or a name with --ipv6 is asked", func(t *testing.T) {
		code, _, stderr := runArgs(check("--from", "web-1", "--to", "2001:db8::1", "--proto", "tcp", "--port", "443", "--ipv6")...)
		assert.NotContains(t, stderr, msg)
		assert.NotEqual(t, exitUsage, code, stderr)
	})
}

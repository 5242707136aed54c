package main

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzCheckArgs throws arbitrary endpoints, protocols and ports at
// reachsim check on the embedded sample. No input may panic; the exit
// status is 0 or 1 with a trace on stdout, or 2 with nothing on stdout
// and one line on stderr.
func FuzzCheckArgs(f *testing.F) {
	for _, s := range [][4]string{
		{"198.51.100.7", "web-1", "tcp", "443"},
		{"app-1", "db-1", "6", "5432"},
		{"eni-web1", "i-app1", "udp", "53"},
		{"10.0.1.10", "203.0.113.10", "icmp", ""},
		{"2001:db8:ffff::7", "web-1", "icmpv6", ""},
		{"web-1", "app-1", "47", ""},
		{"web-1", "app-1", "all", "1"},
		{"", "x", "tcp", "65536"},
		{"::ffff:10.0.1.10", "fe80::1%eth0", "TCP", "-1"},
		{"i-", "eni-", "-1", "0x50"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, from, to, proto, port string) {
		args := []string{"check", "--demo", "--from", from, "--to", to, "--proto", proto}
		if port != "" {
			args = append(args, "--port", port)
		}
		var o, e bytes.Buffer
		switch code := run(args, &o, &e); code {
		case 0, 1:
			if !strings.Contains(o.String(), "REACHABLE") {
				t.Errorf("exit status %d without a verdict on stdout:\n%s", code, o.String())
			}
		case 2:
			if o.Len() > 0 {
				t.Errorf("bad usage printed on stdout:\n%s", o.String())
			}
			if n := strings.Count(e.String(), "\n"); n != 1 {
				t.Errorf("want one line on stderr, got %d:\n%s", n, e.String())
			}
		default:
			t.Errorf("exit status %d", code)
		}
	})
}

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A check or ports from an interface to its own private address is bad
// usage, exit 2, saying why: the host delivers such a packet without the
// network. To its own public address, the question is walked as before.
func TestRunSelfQueryIsBadUsage(t *testing.T) {
	const why = "are the same interface (web-1 (eni-web1)): a packet to its own address stays inside the host"
	for _, tt := range []row{
		{name: "check, named twice", args: check("--from", "web-1", "--to", "web-1", "--proto", "tcp", "--port", "5432"),
			code: exitUsage, errs: []string{"web-1 and web-1 " + why}},
		{name: "check, to its address", args: check("--from", "eni-web1", "--to", "10.0.1.10", "--proto", "tcp", "--port", "5432", "--json"),
			code: exitUsage, errs: []string{"eni-web1 and 10.0.1.10 " + why}},
		{name: "check, IPv6", args: check("--from", "web-1", "--to", "web-1", "--proto", "icmpv6", "--ipv6"),
			code: exitUsage, errs: []string{"web-1 and web-1 " + why}},
		{name: "check --queries, a bad line", args: check("--queries", queriesFile(t, webDB, "--from web-1 --to i-web1 --proto tcp --port 22")),
			code: exitUsage, errs: []string{":2: invalid query: web-1 and i-web1 " + why}},
		{name: "ports", args: []string{"ports", "--demo", "--from", "web-1", "--to", "web-1", "--proto", "tcp"},
			code: exitUsage, errs: []string{"web-1 and web-1 " + why}},
		{name: "check, to its public address", args: check("--from", "web-1", "--to", "203.0.113.10", "--proto", "tcp", "--port", "443", "--domain", "www.example.com"),
			code: exitReachable, out: []string{"to web-1 (eni-web1) [203.0.113.10]"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			for _, s := range tt.out {
				assert.Contains(t, stdout, s)
			}
			for _, s := range tt.errs {
				assert.Contains(t, stderr, s)
			}
		})
	}
}

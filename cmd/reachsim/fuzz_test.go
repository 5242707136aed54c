package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/reachsim/reachsim/internal/textsafe"
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

// FuzzQueryLine throws arbitrary lines at check --queries on the embedded
// sample. No input may panic; splitWords reads back the words it found
// when each is written in single quotes; every answer is one clean line
// "line N: ...", every error one clean line naming stdin and the line.
func FuzzQueryLine(f *testing.F) {
	for _, s := range []string{
		"--from web-1 --to db-1 --proto tcp --port 5432",
		`--from app-1 --to 93.184.216.34 --proto tcp --port https --domain "www.example.com"`,
		"--from app-1 --to 93.184.216.34 --proto udp --port 53 --app dns",
		"--from 'web-1' --to \"app-1\" --proto icmp --icmp-type 8 --icmp-code 0",
		"# a comment\n\n--from 198.51.100.7 --to web-1 --proto tcp --port 443 --src-port 1024\r\n",
		`--from 'web-1 --to db-1`,
		`--aws dump/ --from web-1\ x --to "a\"b\\" --proto 47`,
		"--from web-1 --from app-1 --ipv6 --json -h",
		"--from \x1b[31m --to \u202e --proto tcp --port 99999 \\",
	} {
		f.Add(s)
	}
	m := must(demoModel()).m
	f.Fuzz(func(t *testing.T, line string) {
		if words, err := splitWords(line); err == nil {
			quoted := make([]string, len(words))
			for i, w := range words {
				quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
			}
			again, err := splitWords(strings.Join(quoted, " "))
			if err != nil || !slices.Equal(again, words) {
				t.Errorf("splitWords(%q) = %q; quoted again: %q, %v", line, words, again, err)
			}
		}
		var o, e bytes.Buffer
		code := answerQueries(m, strings.NewReader(line), "stdin", false, &o, &e)
		if code < 0 || code > 3 {
			t.Errorf("exit status %d", code)
		}
		for _, l := range strings.Split(strings.TrimSuffix(o.String(), "\n"), "\n") {
			if o.Len() > 0 && (!strings.HasPrefix(l, "line ") || !textsafe.IsClean(l)) {
				t.Errorf("an answer that is not one clean line: %q", l)
			}
		}
		for _, l := range strings.Split(strings.TrimSuffix(e.String(), "\n"), "\n") {
			if e.Len() > 0 && (!strings.HasPrefix(l, "reachsim check: stdin") || !textsafe.IsClean(l)) {
				t.Errorf("an error that is not one clean line: %q", l)
			}
		}
	})
}

// must returns v, or panics on err.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

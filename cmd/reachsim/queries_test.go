package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/reach"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		name, line string
		want       []string
		err        string // a part of the error; "" for none
	}{
		{name: "words separated by spaces and tabs", line: " --from\tweb-1  --to db-1 ",
			want: []string{"--from", "web-1", "--to", "db-1"}},
		{name: "an empty line", line: "", want: nil},
		{name: "single quotes keep spaces", line: `--domain 'a b'`, want: []string{"--domain", "a b"}},
		{name: "single quotes keep backslashes and double quotes", line: `'a\"b'`, want: []string{`a\"b`}},
		{name: "double quotes keep spaces and single quotes", line: `--to "it's here"`, want: []string{"--to", "it's here"}},
		{name: "double quotes unescape \\\" and \\\\ only", line: `"a\"b\\c\d"`, want: []string{`a"b\c\d`}},
		{name: "quoted parts join the word around them", line: `--domain="a b"x'y'`, want: []string{"--domain=a bxy"}},
		{name: "empty quotes are an empty word", line: `--from '' --to ""`, want: []string{"--from", "", "--to", ""}},
		{name: "a backslash outside quotes keeps the next character", line: `a\ b \'c`, want: []string{"a b", "'c"}},
		{name: "a # inside a line is a character like any", line: "--from web-1 #x", want: []string{"--from", "web-1", "#x"}},
		{name: "an unterminated single quote", line: `--from 'web-1`, err: "a quote ' at byte 8 is not closed"},
		{name: "an unterminated double quote", line: `--from "web-1`, err: `a quote " at byte 8 is not closed`},
		{name: "an escaped double quote does not close", line: `"a\"`, err: `a quote " at byte 1 is not closed`},
		{name: "a backslash at the end", line: `--from web-1\`, err: "a backslash ends the line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitWords(tt.line)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want reach.Query
		err  string
	}{
		{name: "tcp with a service name and a source port",
			args: []string{"--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "postgresql", "--src-port", "30000"},
			want: reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000}},
		{name: "the default source port",
			args: []string{"--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "ssh"},
			want: reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 22, SrcPort: reach.DefaultSourcePort}},
		{name: "icmp with type and code, IPv6",
			args: []string{"-from=web-1", "--to=db-1", "--proto", "icmpv6", "--icmp-type", "1", "--icmp-code", "4", "--ipv6"},
			want: reach.Query{From: "web-1", To: "db-1", Protocol: flow.ICMPv6, ICMP: &reach.ICMPMessage{Type: 1, Code: 4}, IPv6: true}},
		{name: "a domain",
			args: []string{"--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--port", "443", "--domain", "www.example.com"},
			want: reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, SrcPort: reach.DefaultSourcePort, Domain: "www.example.com"}},
		{name: "an application protocol",
			args: []string{"--from", "app-1", "--to", "93.184.216.34", "--proto", "tcp", "--port", "2222", "--app", "ssh"},
			want: reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 2222, SrcPort: reach.DefaultSourcePort, App: flow.AppSSH}},
		{name: "a missing flag", args: []string{"--from", "web-1", "--proto", "tcp", "--port", "1"}, err: "missing --to"},
		{name: "a flag given twice", args: []string{"--from", "a", "--from", "b"}, err: "--from given twice (a, then b)"},
		{name: "a bad port", args: []string{"--port", "70000"}, err: `--port "70000": not a port number from 1 to 65535`},
		{name: "an unknown flag", args: []string{"--bogus"}, err: "unknown flag --bogus"},
		{name: "a stray argument", args: []string{"--from", "a", "b"}, err: `unexpected argument "b"`},
		{name: "--aws is the command line's", args: []string{"--aws", "dump/"}, err: "--aws belongs on the command line"},
		{name: "--demo is the command line's", args: []string{"--from", "a", "--demo"}, err: "--demo belongs on the command line"},
		{name: "--max-file-size is the command line's", args: []string{"--max-file-size=1GiB"}, err: "--max-file-size belongs on the command line"},
		{name: "--queries is the command line's", args: []string{"--queries", "-"}, err: "--queries belongs on the command line"},
		{name: "--json is the command line's", args: []string{"--json"}, err: "--json belongs on the command line"},
		{name: "help is no query", args: []string{"-h"}, err: "-h and --help ask for help"},
		{name: "nothing", args: nil, err: "missing --from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseQuery(tt.args)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// queriesFile writes lines into a new file and returns its path.
func queriesFile(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "queries.txt")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644))
	return path
}

// withStdin makes --queries - read s for the rest of the test.
func withStdin(t *testing.T, s string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(s)
	t.Cleanup(func() { stdin = old })
}

// Lines of queries on the embedded sample, and their one-line answers.
const (
	webDB     = "--from web-1 --to db-1 --proto tcp --port 5432"
	webDBText = "line %d: web-1 -> db-1: tcp 10.0.1.10:50000 -> 10.0.3.30:5432: NOT REACHABLE (3 blocking points): ACL_DEFAULT_DENY at request hop 4, network-acl acl-db (subnet-db) inbound"
	https     = "--from 198.51.100.7 --to web-1 --proto tcp --port https"
	httpsText = "line %d: 198.51.100.7 -> web-1: tcp 198.51.100.7:50000 -> 203.0.113.10:443: REACHABLE"
	appDB     = "--from app-1 --to db-1 --proto tcp --port postgresql --src-port 30000"
	appDBText = "line %d: app-1 -> db-1: tcp 10.0.2.20:30000 -> 10.0.3.30:5432: REACHABLE"
	domain    = `--from app-1 --to 93.184.216.34 --proto tcp --port 443 --domain "www.example.com"`
	replyText = "line %d: app-1 -> db-1: tcp 10.0.2.20:50000 -> 10.0.3.30:5432: NOT REACHABLE (1 blocking point): RETURN_ACL_DEFAULT_DENY at reply hop 3, network-acl acl-db (subnet-db) outbound"
)

// at fills a line number into one of the answers above.
func at(format string, n int) string { return fmt.Sprintf(format, n) }

func TestRunQueries(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		code  int
		out   []string // the whole of stdout, one entry a line
		errs  []string // parts of stderr, in any order
	}{
		{name: "every query reachable: exit 0", code: 0,
			lines: []string{https, appDB, domain},
			out: []string{at(httpsText, 1), at(appDBText, 2),
				"line 3: app-1 -> 93.184.216.34: tcp 10.0.2.20:50000 -> 93.184.216.34:443 domain www.example.com: REACHABLE"}},
		{name: "one not reachable: exit 1, in the order of the lines", code: 1,
			lines: []string{https, webDB, appDB},
			out:   []string{at(httpsText, 1), at(webDBText, 2), at(appDBText, 3)}},
		{name: "a blocked reply names the reply's hop", code: 1,
			lines: []string{"--from app-1 --to db-1 --proto tcp --port 5432"},
			out:   []string{at(replyText, 1)}},
		{name: "blank lines and comments are skipped but counted", code: 0,
			lines: []string{"# the web tier", "", "   ", "  # indented", https, "\t"},
			out:   []string{at(httpsText, 5)}},
		{name: "CRLF line breaks", code: 0,
			lines: []string{https + "\r", appDB + "\r"},
			out:   []string{at(httpsText, 1), at(appDBText, 2)}},
		{name: "icmp, a protocol number and IPv6", code: 1,
			lines: []string{"--from app-1 --to web-1 --proto icmp --icmp-type 13 --icmp-code 0", "--from web-1 --to app-1 --proto 47", "--from 2001:db8:ffff::7 --to web-1 --proto tcp --port 443"},
			out: []string{
				"line 1: app-1 -> web-1: icmp 10.0.2.20 -> 10.0.1.10 type 13 code 0: NOT REACHABLE (2 blocking points): SG_NO_ALLOW at request hop 5, security-groups sg-web (web-1 (eni-web1)) inbound",
				"line 2: web-1 -> app-1: gre 10.0.1.10 -> 10.0.2.20: NOT REACHABLE (2 blocking points): ACL_DEFAULT_DENY at request hop 4, network-acl acl-app (subnet-app) inbound",
				"line 3: 2001:db8:ffff::7 -> web-1: tcp [2001:db8:ffff::7]:50000 -> [2001:db8:10:1::10]:443: REACHABLE"}},
		{name: "bad lines: exit 2, named by number, the others answered", code: 2,
			lines: []string{https, "--from web-1 --to app-1 --proto tcp --port 70000", webDB, "--from 'web-1", "--aws dump/ " + https, "--from web-9 --to db-1 --proto tcp --port 1", appDB},
			out:   []string{at(httpsText, 1), at(webDBText, 3), at(appDBText, 7)},
			errs: []string{
				`reachsim check: QUERIES:2: --port "70000": not a port number from 1 to 65535 or a service name (the line: --from web-1 --to app-1 --proto tcp --port 70000)`,
				"reachsim check: QUERIES:4: a quote ' at byte 8 is not closed (the line: --from 'web-1)",
				"reachsim check: QUERIES:5: --aws belongs on the command line",
				`reachsim check: QUERIES:6: from: `, `"web-9"`}},
		{name: "a bad line wins over an unreachable one", code: 2,
			lines: []string{webDB, "--from web-1"},
			out:   []string{at(webDBText, 1)},
			errs:  []string{"QUERIES:2: missing --to"}},
		{name: "a line longer than 64 KiB is bad, the next is answered", code: 2,
			lines: []string{"--from web-1 --to " + strings.Repeat("x", maxQueryLine), https},
			out:   []string{at(httpsText, 2)},
			errs:  []string{"QUERIES:1: a line longer than 65536 bytes (the line: --from web-1 --to xxx"}},
		{name: "control characters in a bad line are escaped", code: 2,
			lines: []string{"--from web-1\x1b[31m --to \u202edb-1 --proto tcp --port 1\x00"},
			errs:  []string{`QUERIES:1: --port "1\x00"`, `(the line: --from web-1\x1b[31m --to \u202edb-1`}},
		{name: "no query at all: exit 2", code: 2,
			lines: []string{"# nothing", ""},
			errs:  []string{"QUERIES holds no query"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := strings.Join(tt.lines, "\n")
			for _, via := range []string{"file", "stdin"} {
				var args []string
				name := "stdin"
				if via == "file" {
					name = queriesFile(t, tt.lines...)
					args = check("--queries", name)
				} else {
					withStdin(t, input)
					args = check("--queries", "-")
				}
				code, stdout, stderr := runArgs(args...)
				assert.Equal(t, tt.code, code, "%s: exit status\nstdout:\n%s\nstderr:\n%s", via, stdout, stderr)
				want := ""
				if len(tt.out) > 0 {
					want = strings.Join(tt.out, "\n") + "\n"
				}
				assert.Equal(t, want, stdout, via)
				for _, s := range tt.errs {
					assert.Contains(t, stderr, strings.ReplaceAll(s, "QUERIES", textsafe.String(name)), via)
				}
				if len(tt.errs) == 0 {
					assert.Empty(t, stderr, via)
				}
				assertNoRawControls(t, stderr)
			}
		})
	}
}

// README: "a line may hold up to 64 KiB"; the limit is the line without
// its line break. A line of exactly 64 KiB is answered whether it ends in
// LF or in CRLF.
func TestRunQueriesLineOf64KiB(t *testing.T) {
	q := "--from web-1 --to app-1 --proto tcp --port 8080"
	long := q + strings.Repeat(" ", maxQueryLine-len(q)) // exactly maxQueryLine bytes
	require.Len(t, long, maxQueryLine)
	for _, tt := range []struct{ name, eol string }{{"LF", "\n"}, {"CRLF", "\r\n"}} {
		t.Run(tt.name, func(t *testing.T) {
			withStdin(t, long+tt.eol+q+tt.eol)
			code, stdout, stderr := runArgs("check", "--demo", "--queries", "-")
			assert.Equal(t, exitReachable, code, stderr)
			assert.Contains(t, stdout, "line 1: web-1 -> app-1")
			assert.Contains(t, stdout, "line 2: web-1 -> app-1")
			assert.Empty(t, stderr)
		})
	}
}

// zeros is an endless input of NUL bytes, as /dev/zero reads (endless
// ends at 64 MiB).
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// An input that never breaks its line (/dev/zero, a binary given by
// mistake) is read only so far past the long line's start, then refused
// with exit 2, instead of being dropped byte by byte forever (audit
// cli26, finding 10); a long line that ends within the limit is skipped
// and the next answered, as TestRunQueries shows.
func TestRunQueriesEndlessLine(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   io.Reader
		line int
		out  string
	}{
		{"from the start", zeros{}, 1, ""},
		{"after an answered line", io.MultiReader(strings.NewReader("--from web-1 --to app-1 --proto tcp --port 8080\n"), zeros{}), 2, "line 1: web-1 -> app-1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := must(demoModel()).m
			var o, e bytes.Buffer
			done := make(chan int, 1)
			go func() { done <- answerQueries(m, tt.in, "stdin", false, &o, &e) }()
			select {
			case code := <-done:
				assert.Equal(t, exitUsage, code, e.String())
			case <-time.After(time.Minute):
				t.Fatal("answerQueries still reads an endless line after a minute")
			}
			assert.Contains(t, e.String(), fmt.Sprintf("stdin:%d: a line longer than 65536 bytes", tt.line))
			assert.Contains(t, e.String(), fmt.Sprintf("reading stdin: line %d goes on for more than 16 MiB without a line break", tt.line))
			if tt.out != "" {
				assert.Contains(t, o.String(), tt.out)
			}
		})
	}
}

// Exit status 3 when no query is unreachable but one is indeterminate; 1
// as soon as one is unreachable.
func TestRunQueriesIndeterminate(t *testing.T) {
	dir := vpnDump(t)
	vpn := "--from app-1 --to 192.0.2.10 --proto tcp --port 443"
	for _, tt := range []struct {
		name  string
		lines []string
		code  int
		out   []string
	}{
		{name: "indeterminate and reachable: exit 3", code: 3, lines: []string{https, vpn},
			out: []string{at(httpsText, 1), "line 2: app-1 -> 192.0.2.10: tcp 10.0.2.20:50000 -> 192.0.2.10:443: INDETERMINATE (1 undecided hop): UNMODELLED_TARGET at request hop 4, unmodelled-target vgw-office (virtual private gateway)"}},
		{name: "indeterminate and unreachable: exit 1", code: 1, lines: []string{vpn, webDB}},
		{name: "unreachable and indeterminate: exit 1", code: 1, lines: []string{webDB, vpn}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runArgs("check", "--aws", dir, "--queries", queriesFile(t, tt.lines...))
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Equal(t, len(tt.lines), strings.Count(stdout, "\n"), "one answer a query:\n%s", stdout)
			for _, s := range tt.out {
				assert.Contains(t, stdout, s+"\n")
			}
		})
	}
}

// With --json, each query's answer is the object check --json prints for
// it, on one line, with "line" added.
func TestRunQueriesJSON(t *testing.T) {
	lines := []string{"# comment", https, "--from web-1 --bogus", webDB, "--from app-1 --to web-1 --proto icmp"}
	withStdin(t, strings.Join(lines, "\n")+"\n")
	code, stdout, stderr := runArgs(check("--queries", "-", "--json")...)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "stdin:3: unknown flag --bogus")

	got := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	require.Len(t, got, 3, stdout)
	for i, n := range []int{2, 4, 5} {
		var obj map[string]any
		require.NoError(t, json.Unmarshal([]byte(got[i]), &obj), got[i])
		assert.True(t, strings.HasPrefix(got[i], `{"line":`+strconv.Itoa(n)+`,"from":`), got[i])
		assert.Equal(t, float64(n), obj["line"])
		delete(obj, "line")

		args, err := splitWords(lines[n-1])
		require.NoError(t, err)
		_, single, _ := runArgs(check(append(args, "--json")...)...)
		var want map[string]any
		require.NoError(t, json.Unmarshal([]byte(single), &want))
		assert.Equal(t, want, obj, "line %d: the object check --json prints", n)
	}
}

// The flags that go with --queries, and those that do not.
func TestRunQueriesUsage(t *testing.T) {
	path := queriesFile(t, https)
	for _, r := range []row{
		{name: "with a query flag on the command line", args: check("--queries", path, "--from", "web-1"), code: 2,
			errs: []string{"--queries reads every query from its lines: --from on the command line"}},
		{name: "with several query flags", args: check("--proto", "tcp", "--queries", path, "--ipv6"), code: 2,
			errs: []string{"--ipv6, --proto on the command line"}},
		{name: "an empty name", args: check("--queries", ""), code: 2, errs: []string{"--queries needs a file, or - for standard input"}},
		{name: "a file that does not exist", args: check("--queries", "testdata/none.txt"), code: 2, errs: []string{"--queries: open testdata/none.txt"}},
		{name: "given twice", args: check("--queries", path, "--queries", path), code: 2, errs: []string{"--queries given twice"}},
		{name: "without a value", args: check("--queries"), code: 2, errs: []string{"--queries needs a value"}},
		{name: "a stray argument", args: check("--queries", path, "x"), code: 2, errs: []string{`unexpected argument "x"`}},
		{name: "bad input flags", args: []string{"check", "--aws", "testdata/none", "--queries", path}, code: 2, errs: []string{"testdata/none"}},
		{name: "the default sample is said on stderr", args: []string{"check", "--queries", path}, code: 0,
			out: []string{at(httpsText, 1)}, errs: []string{"using the embedded sample"}},
	} {
		t.Run(r.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(r.args...)
			assert.Equal(t, r.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, s := range r.out {
				assert.Contains(t, stdout, s)
			}
			for _, s := range r.errs {
				assert.Contains(t, stderr, s)
			}
			if code == 2 {
				assert.Empty(t, stdout)
				assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
			}
		})
	}
}

// endless is a reader of an endless line: x, x, x, ... without a break.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.read > 64<<20 { // enough to show memory stays bounded
		return 0, io.EOF
	}
	for i := range p {
		p[i] = 'x'
	}
	e.read += int64(len(p))
	return len(p), nil
}

func TestLineScanner(t *testing.T) {
	t.Run("lines, numbered, with and without a last line break", func(t *testing.T) {
		for _, in := range []string{"a\r\n\nb c\n", "a\r\n\nb c"} {
			sc := newLineScanner(strings.NewReader(in))
			var got []string
			for sc.Scan() {
				assert.False(t, sc.long)
				got = append(got, strconv.Itoa(sc.number)+":"+sc.Text())
			}
			require.NoError(t, sc.Err())
			assert.Equal(t, []string{"1:a", "2:", "3:b c"}, got)
		}
	})
	t.Run("the longest line allowed, and one byte more", func(t *testing.T) {
		ok, over := strings.Repeat("a", maxQueryLine), strings.Repeat("b", maxQueryLine+1)
		sc := newLineScanner(strings.NewReader(ok + "\n" + over + "\n" + "c\n" + over))
		var lens []int
		var long []bool
		for sc.Scan() {
			lens, long = append(lens, len(sc.Text())), append(long, sc.long)
		}
		require.NoError(t, sc.Err())
		assert.Equal(t, []int{maxQueryLine, maxQueryLine, 1, maxQueryLine}, lens)
		assert.Equal(t, []bool{false, true, false, true}, long)
	})
	// The limit is on the line without its line break (README: "a line may
	// hold up to 64 KiB"): a line of exactly 64 KiB ending in CRLF (a file
	// written on Windows) was called longer than 65536 bytes.
	for _, tt := range []struct {
		name string
		end  string // after a line of maxQueryLine bytes, or of one more with over
		over bool
	}{
		{"64 KiB and LF", "\n", false},
		{"64 KiB and CRLF", "\r\n", false},
		{"64 KiB and CR at the end", "\r", false},
		{"64 KiB at the end", "", false},
		{"64 KiB + 1 and LF", "\n", true},
		{"64 KiB + 1 and CRLF", "\r\n", true},
		{"64 KiB + 1 and CR at the end", "\r", true},
		{"64 KiB + 1 at the end", "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			line := strings.Repeat("a", maxQueryLine-1) + "z"
			if tt.over {
				line += "z"
			}
			in := line + tt.end
			if strings.HasSuffix(tt.end, "\n") {
				in += "next\r\n"
			}
			sc := newLineScanner(strings.NewReader(in))
			require.True(t, sc.Scan())
			assert.Equal(t, tt.over, sc.long, "long")
			assert.Equal(t, line[:maxQueryLine], sc.Text())
			if strings.HasSuffix(tt.end, "\n") {
				require.True(t, sc.Scan())
				assert.Equal(t, "2:next", strconv.Itoa(sc.number)+":"+sc.Text())
				assert.False(t, sc.long)
			}
			assert.False(t, sc.Scan())
			require.NoError(t, sc.Err())
		})
	}
	// A file a Windows editor saved starts with a byte order mark: it is
	// passed over, as the JSON inputs' is (audit cli20 finding 3); only
	// first, and read one byte at a time too.
	for _, tt := range []struct {
		name, in string
		want     []string
	}{
		{"first", "\ufeff--from a\nb\n", []string{"1:--from a", "2:b"}},
		{"alone", "\ufeff", nil},
		{"on an empty first line", "\ufeff\r\nb", []string{"1:", "2:b"}},
		{"not first: kept", "a\n\ufeffb", []string{"1:a", "2:\ufeffb"}},
		{"a start like one's", "\xef\xbbx\n", []string{"1:\xef\xbbx"}},
	} {
		t.Run("byte order mark "+tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				sc := newLineScanner(r)
				var got []string
				for sc.Scan() {
					got = append(got, strconv.Itoa(sc.number)+":"+sc.Text())
				}
				require.NoError(t, sc.Err())
				assert.Equal(t, tt.want, got)
			}
		})
	}
	t.Run("a line of 64 MiB is one long line, read in bounded memory until reading stops", func(t *testing.T) {
		in := &endless{}
		sc := newLineScanner(in)
		require.True(t, sc.Scan())
		assert.True(t, sc.long)
		assert.Len(t, sc.Text(), maxQueryLine)
		assert.False(t, sc.Scan())
		require.ErrorContains(t, sc.Err(), "line 1 goes on for more than 16 MiB without a line break")
		assert.Greater(t, in.read, int64(maxSkippedLine), "read past the limit")
		assert.Less(t, in.read, int64(maxSkippedLine+4*maxQueryLine), "and no further")
	})
	t.Run("a long line that ends within the limit is skipped", func(t *testing.T) {
		in := io.MultiReader(strings.NewReader(strings.Repeat("x", maxSkippedLine-maxQueryLine) + "\nnext\n"))
		sc := newLineScanner(in)
		require.True(t, sc.Scan())
		assert.True(t, sc.long)
		require.True(t, sc.Scan())
		assert.Equal(t, "next", sc.Text())
		assert.Equal(t, 2, sc.number)
		assert.False(t, sc.Scan())
		require.NoError(t, sc.Err())
	})
}

// A pipe is answered line by line as it flows: the answer to the first
// query comes before the second is written, and the exit status waits
// for the end.
func TestProcessQueriesStdin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command; skipped with -short")
	}
	bin := buildCommand(t, t.TempDir())
	cmd := exec.Command(bin, "check", "--demo", "--queries", "-")
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	answers := bufio.NewReader(out)

	_, err = io.WriteString(in, https+"\n")
	require.NoError(t, err)
	type read struct {
		line string
		err  error
	}
	got := make(chan read, 1)
	go func() { l, err := answers.ReadString('\n'); got <- read{l, err} }()
	select {
	case r := <-got:
		require.NoError(t, r.err)
		assert.Equal(t, at(httpsText, 1)+"\n", r.line)
	case <-time.After(30 * time.Second):
		t.Fatal("no answer to the first line while the pipe is open")
	}

	_, err = io.WriteString(in, webDB+"\n")
	require.NoError(t, err)
	require.NoError(t, in.Close())
	rest, err := io.ReadAll(answers)
	require.NoError(t, err)
	assert.Equal(t, at(webDBText, 2)+"\n", string(rest))
	var exit *exec.ExitError
	require.ErrorAs(t, cmd.Wait(), &exit)
	assert.Equal(t, 1, exit.ExitCode())
}

// The queries file the README shows is the one it runs, and its answers
// are these.
func TestSampleQueriesFile(t *testing.T) {
	const path = "testdata/sample-queries.txt"
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), "```text\n"+string(b)+"```", "README.md shows %s as it is", path)

	code, stdout, stderr := runArgs(check("--queries", path)...)
	assert.Equal(t, 1, code, stderr)
	assert.Empty(t, stderr)
	assert.Equal(t, []string{
		at(httpsText, 2),
		"line 3: 198.51.100.7 -> web-1: tcp 198.51.100.7:50000 -> 203.0.113.10:22: NOT REACHABLE (1 blocking point): FIREWALL_DROP at request hop 4, network-firewall vpce-fw (demo-firewall)",
		"line 4: web-1 -> app-1: tcp 10.0.1.10:50000 -> 10.0.2.20:8080: REACHABLE",
		at(appDBText, 5),
		at(replyText, 6),
		"line 7: app-1 -> 93.184.216.34: tcp 10.0.2.20:50000 -> 93.184.216.34:443 domain www.example.com: REACHABLE",
	}, strings.Split(strings.TrimSuffix(stdout, "\n"), "\n"))
}

package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBoundWords: a word of an error message longer than 200 bytes is cut
// to its start, at a character's start and before an escape, with a
// marker naming its size; the rest of the message is kept.
func TestBoundWords(t *testing.T) {
	x := strings.Repeat("x", 300)
	tests := []struct {
		name, msg, want string
	}{
		{"short: as is", `unexpected argument "extra"`, `unexpected argument "extra"`},
		{"a word of 200 bytes: as is", "a " + x[:200] + " b", "a " + x[:200] + " b"},
		{"a long bare word", "unknown flag --" + x + " (run it)", "unknown flag --" + x[:198] + "...(302 bytes) (run it)"},
		{"a long quoted word keeps its quote and colon", `--proto "` + x + `": want tcp`, `--proto "` + x[:199] + `"...(303 bytes): want tcp`},
		{"a character is not split", "é" + x[:199] + " b", "é" + x[:198] + "...(201 bytes) b"},
		{"an escape is not split", x[:197] + `\x1b` + x[:50] + " b", x[:197] + "...(251 bytes) b"},
		{"a run of backslashes is not split", `"` + x[:197] + `\\\\` + x[:50] + `"`, `"` + x[:197] + `"...(253 bytes)`},
		{"each long word", x + " and " + x, x[:200] + "...(300 bytes) and " + x[:200] + "...(300 bytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := boundWords(tt.msg)
			assert.Equal(t, tt.want, got)
			assert.True(t, utf8.ValidString(got))
		})
	}
}

// TestErrorsQuoteBoundedText: wherever the CLI quotes the user's text in
// an error (a --queries line's stray word or endpoint, an argument, a
// flag's value, a command name), it quotes at most about 200 bytes of it
// and marks the cut: a huge word gives a short line, not one of 64 KiB.
func TestErrorsQuoteBoundedText(t *testing.T) {
	big := strings.Repeat("y", 60000)
	tests := []struct {
		name  string
		stdin string // for --queries -
		args  []string
		lines int // stderr lines
	}{
		{"a --queries line of one huge word", strings.Repeat("x", maxQueryLine) + "\n", check("--queries", "-"), 1},
		{"a --queries line with a huge --to", "--from web-1 --to " + big + " --proto tcp --port 1\n", check("--queries", "-"), 1},
		{"a --queries line with a huge --proto", "--from web-1 --to db-1 --proto " + big + "\n", check("--queries", "-"), 1},
		{"check --to huge", "", check("--from", "web-1", "--to", big, "--proto", "tcp", "--port", "1"), 1},
		{"check --port huge", "", check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", big), 1},
		{"check --app huge", "", check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "1", "--app", big), 1},
		{"check --domain huge", "", check("--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "443", "--domain", big), 1},
		{"check, a huge stray argument", "", check(big), 1},
		{"check, a huge unknown flag", "", check("--" + big), 1},
		{"a huge command", "", []string{big}, 1},
		{"help, a huge command", "", []string{"help", big}, 1},
		{"fix --want huge", "", []string{"fix", "--demo", "--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432", "--want", big}, 1},
		{"sources --to huge", "", sources("--to", big, "--proto", "tcp", "--port", "1"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.stdin != "" {
				withStdin(t, tt.stdin)
			}
			code, _, stderr := runArgs(tt.args...)
			assert.Equal(t, exitUsage, code)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			require.Len(t, lines, tt.lines, "%.300s", stderr)
			for _, l := range lines {
				assert.Less(t, len(l), 1024, "%.120s...", l)
				assert.Contains(t, l, "...(", "the cut is marked: %.300s", l)
				assert.Regexp(t, `x{150}|y{150}`, l, "the start of the text is quoted")
			}
		})
	}
}

package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxErrorWord is how many bytes of one word (a run of text without
// spaces) an error on stderr quotes: the user's text an error names (a
// --queries line's stray word, an endpoint, a flag's value, a command
// name) may be tens of kilobytes, and a message that quoted it whole would
// flood the terminal or the CI log. A --queries line is quoted the same
// way (excerpt).
const maxErrorWord = 200

// boundWords returns msg, an error message already escaped
// (internal/textsafe), with each word longer than maxErrorWord bytes cut
// to its first maxErrorWord bytes (at a character's start, and before a
// backslash escape it would split) and marked as cut: "..." and the
// word's size in bytes. A word quoted as Go quotes it ("...") gets a
// closing quote before the marker ("xxxx"...(65538 bytes)), so that the
// quote reads as the start of the text, not all of it, and the
// punctuation after its own closing quote (a colon, a comma). Words are separated
// by ASCII spaces, tabs and line breaks; msg is returned as is when no
// word is too long.
func boundWords(msg string) string {
	if len(msg) <= maxErrorWord {
		return msg
	}
	var b strings.Builder
	cut := false
	start := 0
	flush := func(end int) {
		w := msg[start:end]
		if len(w) <= maxErrorWord {
			b.WriteString(w)
			return
		}
		cut = true
		b.WriteString(cutWord(w))
	}
	for i := 0; i < len(msg); i++ {
		switch msg[i] {
		case ' ', '\t', '\n', '\r':
			flush(i)
			b.WriteByte(msg[i])
			start = i + 1
		}
	}
	flush(len(msg))
	if !cut {
		return msg
	}
	return b.String()
}

// cutWord is the start of w, a word longer than maxErrorWord, as
// boundWords writes it.
func cutWord(w string) string {
	n := maxErrorWord
	for n > 0 && !utf8.RuneStart(w[n]) {
		n--
	}
	// an escape (textsafe's or a Go quote's) is at most 10 bytes
	// (\U0010ffff): do not split one
	if i := strings.LastIndexByte(w[:n], '\\'); i > 0 && n-i < 10 {
		for i > 1 && w[i-1] == '\\' { // a run of them: cut before it
			i--
		}
		n = i
	}
	head, tail := w[:n], ""
	if w[0] == '"' {
		head += `"`
		// the punctuation after the closing quote ("xxx": ...) is kept
		if j := strings.LastIndexByte(w, '"'); j >= n && len(w)-j-1 <= 2 {
			tail = w[j+1:]
		}
	}
	return fmt.Sprintf("%s...(%d bytes)%s", head, len(w), tail)
}

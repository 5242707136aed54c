// Package textsafe makes strings that come from input — names, IDs,
// domains, rule text, descriptions — safe to print in text output, so that
// a Name tag cannot forge a trace line, move the cursor, colour the
// terminal or reverse the text around it.
//
// [String] escapes what a terminal or a reader would not show as written:
// control characters (Unicode Cc: NUL, tab, newline, ESC, DEL, the C1
// controls), format characters (Cf: the bidi overrides and isolates such as
// U+202E, zero-width characters, the byte order mark, the soft hyphen),
// the line and paragraph separators U+2028 and U+2029, and bytes that are
// not UTF-8. Each is written as Go writes it in a quoted string (\n, \t,
// \x1b, \u202e, \xff); everything else, other scripts and symbols
// included, is kept. No quotes are added and a backslash already in s is
// kept as it is: the form is for reading, not for decoding. JSON output
// keeps the exact string (encoding/json escapes what it must).
//
// The package imports only the standard library.
package textsafe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unsafe reports whether [String] escapes r: a control character (Cc), a
// format character (Cf), a line or paragraph separator (Zl, Zp), or
// utf8.RuneError (which stands for a byte that is not UTF-8).
func Unsafe(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f:
		return true
	case r < 0x80:
		return false
	case r == utf8.RuneError:
		return true
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}

// IsClean reports whether s is valid UTF-8 holding no rune [Unsafe]
// reports: whether [String] returns it unchanged.
func IsClean(s string) bool {
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b < 0x20 || b == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || Unsafe(r) {
			return false
		}
		i += n
	}
	return true
}

// String returns s unchanged when it is clean ([IsClean]), without
// allocating; otherwise a copy of s with each unsafe rune escaped as a Go
// string literal escapes it: \a \b \f \n \r \t \v for those, \xHH for the
// other ASCII controls and for bytes that are not UTF-8, \uHHHH and
// \UHHHHHHHH for the others. A literal U+FFFD is escaped as \ufffd. The
// result holds no unsafe rune, so String(String(s)) == String(s).
func String(s string) string {
	if IsClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			hexEscape(&b, 'x', uint32(s[i]), 2)
		case Unsafe(r):
			escapeRune(&b, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func escapeRune(b *strings.Builder, r rune) {
	switch r {
	case '\a':
		b.WriteString(`\a`)
	case '\b':
		b.WriteString(`\b`)
	case '\f':
		b.WriteString(`\f`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	case '\v':
		b.WriteString(`\v`)
	default:
		switch {
		case r < utf8.RuneSelf:
			hexEscape(b, 'x', uint32(r), 2)
		case r <= 0xffff:
			hexEscape(b, 'u', uint32(r), 4)
		default:
			hexEscape(b, 'U', uint32(r), 8)
		}
	}
}

func hexEscape(b *strings.Builder, kind byte, v uint32, digits int) {
	const hex = "0123456789abcdef"
	b.WriteByte('\\')
	b.WriteByte(kind)
	for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
		b.WriteByte(hex[v>>uint(shift)&0xf])
	}
}

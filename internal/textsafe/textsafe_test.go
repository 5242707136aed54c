package textsafe_test

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/internal/textsafe"
)

func TestString(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"a plain name is kept", "web-1", "web-1"},
		{"other scripts and symbols are kept", "サーバー ✓ é", "サーバー ✓ é"},
		{"a backslash is kept", `a\nb`, `a\nb`},
		{"a newline is escaped", "web\n  2 ✓ internet", `web\n  2 ✓ internet`},
		{"a terminal escape is escaped", "\x1b[31mred", `\x1b[31mred`},
		{"a tab is escaped", "a\tb", `a\tb`},
		{"NUL is escaped", "a\x00b", `a\x00b`},
		{"DEL is escaped", "a\x7fb", `a\x7fb`},
		{"a C1 control is escaped", "a\u0085b", `a\u0085b`},
		{"the right-to-left override is escaped", "txt.\u202eexe", `txt.\u202eexe`},
		{"an isolate is escaped", "a\u2066b", `a\u2066b`},
		{"a zero-width space is escaped", "a\u200bb", `a\u200bb`},
		{"the byte order mark is escaped", "\ufeffname", `\ufeffname`},
		{"the line separator is escaped", "a\u2028b", `a\u2028b`},
		{"the paragraph separator is escaped", "a\u2029b", `a\u2029b`},
		{"a format character outside the BMP is escaped", "a\U000e0001b", `a\U000e0001b`},
		{"a byte that is not UTF-8 is escaped", "a\xffb", `a\xffb`},
		{"a literal replacement character is escaped", "a\ufffdb", `a\ufffdb`},
		{"the empty string is kept", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, textsafe.String(c.in))
			assert.Equal(t, c.in == c.want, textsafe.IsClean(c.in))
		})
	}
}

func TestCleanStringDoesNotAllocate(t *testing.T) {
	s := "a perfectly ordinary name, ✓ with サーバー"
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = textsafe.String(s) }))
}

// reference escapes s the slow, obvious way: rune by rune, with strconv's
// escapes for the runes Unsafe names.
func reference(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\ufffd"):
			b.WriteString(`\x` + strconv.FormatInt(int64(s[i]), 16))
		case r < 0x20 || r == 0x7f || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) || r == utf8.RuneError:
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestStringAgreesWithReference(t *testing.T) {
	alphabet := []string{"a", "Z", "0", "-", " ", "\\", "é", "サ", "✓", "😀", "\n", "\r", "\t", "\x00", "\x1b", "\x7f",
		"\u0085", "\u00ad", "\u200b", "\u200e", "\u202e", "\u2066", "\u2028", "\u2029", "\ufeff", "\ufffd", "\U000e0001", "\xff", "\xc3"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		got := textsafe.String(s)
		require.Equal(t, reference(s), got, "%q", s)
		require.True(t, textsafe.IsClean(got), "%q escapes to %q, which is not clean", s, got)
		require.Equal(t, got, textsafe.String(got), "escaping is idempotent")
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"web-1", "a\nb", "\x1b[31m", "\u202e", "\xff", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := textsafe.String(s)
		if !textsafe.IsClean(got) {
			t.Fatalf("%q escapes to %q, which is not clean", s, got)
		}
		if textsafe.IsClean(s) != (got == s) {
			t.Fatalf("%q: clean %v but escaped to %q", s, textsafe.IsClean(s), got)
		}
		if got != reference(s) {
			t.Fatalf("%q: got %q, reference %q", s, got, reference(s))
		}
	})
}

package suricata

import (
	"strconv"
	"strings"
)

// Options -------------------------------------------------------------------

// optSpan locates an option's value in the rule text: text[start:end], or
// start = -1 without a value.
type optSpan struct{ start, end int }

// parseOptions reads the options from the "(" at open to the ")" that
// ends text. As Suricata does, every option ends at the next ';' that no
// backslash precedes, quoted or not: an option without one, or a quoted
// value holding an unescaped ';', is an error. On error it also returns
// the options read so far (with the one that has no ';', so that sidHint
// can name the rule).
// parseOptions is one scanner over the option text, about 150 lines: its
// states share the position, the quote state and the spans, which helpers
// would have to thread back and forth.
func parseOptions(text string, open int) ([]Option, []optSpan, *syntaxError) {
	var (
		opts  = []Option{}
		spans []optSpan
		n     = len(text)
		i     = open + 1
		// final is the offset of the ")" that may end the rule.
		final = len(strings.TrimRight(text, spaceChars)) - 1
	)
	unclosed := func() *syntaxError {
		return errorf(open, "unclosed %q: the options must end with %q", "(", ")")
	}
	// noSemicolon is the error of the option text[ks:end] that no ';'
	// ends (Suricata: no terminating ";" found).
	noSemicolon := func(ks, end int) *syntaxError {
		return errorf(ks, "option %q has no terminating %q", excerpt(trim(text[ks:end])), ";")
	}
	// end handles the ")" at i, which must end the rule.
	end := func(i int) *syntaxError {
		if !restIsSpace(text, i+1) {
			j := i + 1
			for j < n && isSpace(text[j]) {
				j++
			}
			return errorf(j, "unexpected %q after the closing %q", excerpt(text[j:]), ")")
		}
		return nil
	}
	for {
		for i < n && isSpace(text[i]) {
			i++
		}
		if i >= n {
			return opts, spans, unclosed()
		}
		switch text[i] {
		case ')':
			return opts, spans, end(i)
		case ';':
			return opts, spans, errorf(i, "empty option: nothing before %q", ";")
		}
		// keyword
		ks := i
		for i < n && !isSpace(text[i]) && strings.IndexByte(`:;()"`, text[i]) < 0 {
			i++
		}
		kw := text[ks:i]
		if kw == "" {
			return opts, spans, errorf(ks, "missing option keyword before %q", text[ks:ks+1])
		}
		lower, ok := canonKeyword(kw)
		if !ok {
			return opts, spans, errorf(ks, "invalid option keyword %q: want letters, digits, '_', '.' or '-'", excerpt(kw))
		}
		o := Option{Keyword: lower, Pos: ks}
		span := optSpan{-1, -1}
		for i < n && isSpace(text[i]) {
			i++
		}
		if i >= n {
			return opts, spans, unclosed()
		}
		switch text[i] {
		case ';':
			opts, spans = append(opts, o), append(spans, span)
			i++
			continue
		case ')':
			opts, spans = append(opts, o), append(spans, span)
			return opts, spans, noSemicolon(ks, i)
		case ':':
		default:
			return opts, spans, errorf(i, "expected %q or %q after option keyword %q, found %q",
				":", ";", kw, excerpt(text[i:min(i+1, n)]))
		}
		i++ // the colon
		for i < n && isSpace(text[i]) {
			i++
		}
		if i >= n {
			return opts, spans, unclosed()
		}
		if text[i] == '"' {
			v, next, err := readQuoted(text, i)
			if err != nil {
				return opts, spans, err
			}
			o.Value, o.Quoted = v, true
			span = optSpan{i, next}
			i = next
			for i < n && isSpace(text[i]) {
				i++
			}
			if i >= n {
				return opts, spans, unclosed()
			}
			opts, spans = append(opts, o), append(spans, span)
			switch text[i] {
			case ';':
				i++
				continue
			case ')':
				return opts, spans, noSemicolon(ks, i)
			default:
				return opts, spans, errorf(i, "unexpected %q after the quoted value of %q", excerpt(text[i:]), kw)
			}
		}
		// An unquoted value runs to the next ';' no backslash precedes.
		vs := i
	scan:
		for i < n {
			switch text[i] {
			case '\\':
				i += 2
				continue
			case '"':
				_, next, err := readQuoted(text, i)
				if err != nil {
					return opts, spans, err
				}
				i = next
				continue
			case ';':
				if text[i-1] != '\\' {
					break scan
				}
			}
			i++
		}
		if i >= n {
			if text[final] != ')' || final <= vs {
				return opts, spans, unclosed()
			}
			// No ';' before the final ')': keep the option for sidHint.
			if raw := trim(text[vs:final]); raw != "" {
				o.Value = raw
				opts, spans = append(opts, o), append(spans, optSpan{vs, vs + len(raw)})
			}
			return opts, spans, noSemicolon(ks, final)
		}
		raw := trim(text[vs:i])
		if raw == "" {
			return opts, spans, errorf(vs, "missing value after %q", kw+":")
		}
		o.Value = raw
		span = optSpan{vs, vs + len(raw)}
		opts, spans = append(opts, o), append(spans, span)
		i++ // the ';'
	}
}

// canonKeyword lower-cases an option keyword and checks it is made of
// [a-z0-9_.-].
func canonKeyword(kw string) (string, bool) {
	b := []byte(kw)
	for i, c := range b {
		switch {
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '_', c == '.', c == '-':
		default:
			return "", false
		}
	}
	return string(b), true
}

// readQuoted reads the quoted value whose opening quote is at text[q],
// undoing the escapes \" \\ \; (other backslashes stay), and returns the
// offset after the closing quote. A ';' no backslash precedes is an error:
// Suricata ends the option there, quotes or not.
func readQuoted(text string, q int) (string, int, *syntaxError) {
	var b strings.Builder
	for i := q + 1; i < len(text); i++ {
		switch c := text[i]; c {
		case '"':
			return b.String(), i + 1, nil
		case ';':
			if text[i-1] != '\\' {
				return "", 0, errorf(q, "unescaped %q in the quoted value %q: Suricata ends the option there (write \\; or, in a content, |3B|)", ";", excerpt(text[q:i+1]))
			}
			b.WriteByte(c) // after an escaped backslash: Suricata reads on
		case '\\':
			if i+1 < len(text) {
				i++
				if d := text[i]; d != '"' && d != '\\' && d != ';' {
					b.WriteByte('\\')
				}
				b.WriteByte(text[i])
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errorf(q, "unterminated quoted value %q", excerpt(text[q:]))
}

// checkOptions checks the options every rule needs: one sid, and
// numeric rev, gid and priority.
func checkOptions(text string, open int, opts []Option, spans []optSpan) *syntaxError {
	sidPos := -1
	for k, o := range opts {
		raw := ""
		if spans[k].start >= 0 {
			raw = text[spans[k].start:spans[k].end]
		}
		at := o.Pos
		if spans[k].start >= 0 {
			at = spans[k].start
		}
		var lo, hi uint64
		switch o.Keyword {
		case "sid":
			if sidPos >= 0 {
				return errorf(o.Pos, "second %q option %q (the first is at column %d)", "sid", excerpt(text[o.Pos:max(spans[k].end, o.Pos+3)]), sidPos+1)
			}
			sidPos = o.Pos
			lo, hi = 1, 1<<32-1
		case "rev", "gid":
			lo, hi = 0, 1<<32-1
		case "priority":
			lo, hi = 1, 65535
		default:
			continue
		}
		if spans[k].start < 0 {
			return errorf(o.Pos, "option %q needs a value", o.Keyword)
		}
		if !uintIn(o, lo, hi) {
			return errorf(at, "invalid %s %s: want an integer from %d to %d", o.Keyword, strconv.Quote(excerpt(raw)), lo, hi)
		}
	}
	if sidPos < 0 {
		return errorf(open, "missing %q option: every rule needs a unique sid", "sid")
	}
	return nil
}

// uintIn reports whether o's value is an unquoted decimal integer in
// [lo, hi].
func uintIn(o Option, lo, hi uint64) bool {
	if o.Quoted || o.Value == "" || o.Value[0] < '0' || o.Value[0] > '9' {
		return false
	}
	n, err := strconv.ParseUint(o.Value, 10, 64)
	return err == nil && lo <= n && n <= hi
}

// sidHint returns the sid of a rule that may not parse, or 0: the
// first valid sid option among those read before any fault in the options.
func sidHint(text string) int {
	open := strings.IndexByte(text, '(')
	if open < 0 {
		return 0
	}
	opts, _, _ := parseOptions(text, open)
	for _, o := range opts {
		if o.Keyword == "sid" {
			if uintIn(o, 1, 1<<32-1) {
				n, _ := strconv.Atoi(o.Value)
				return n
			}
			return 0
		}
	}
	return 0
}

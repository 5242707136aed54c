package suricata

import (
	"strconv"
	"strings"
)

// String prints the rule in canonical form, one space between the header
// fields and options written as `keyword:value;` or `keyword:"value";`
// separated by spaces:
//
//	pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"example.com"; sid:1;)
//
// [Parse] reads it back to an equal rule, apart from the Text,
// Line and Pos fields.
func (r Rule) String() string {
	var b strings.Builder
	dir := "->"
	if r.Bidirectional {
		dir = "<>"
	}
	for _, s := range []string{r.Action, r.Protocol, r.Src.String(), r.SrcPorts.String(), dir, r.Dst.String(), r.DstPorts.String()} {
		b.WriteString(s)
		b.WriteByte(' ')
	}
	b.WriteByte('(')
	for i, o := range r.Options {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(o.String())
		b.WriteByte(';')
	}
	b.WriteByte(')')
	return b.String()
}

// String prints the option as written in a rule, without the trailing
// ";": "nocase", "flow:to_server,established" or `content:"a\;b"`. In a
// quoted value, '"' and ';' are escaped with a backslash, and so is a
// backslash where it would otherwise start an escape. An unquoted value is
// written as it is, unless it would not read back as itself (it holds an
// unescaped ';' or an unclosed '"', starts with '"', or has surrounding
// spaces): then it is written quoted.
func (o Option) String() string {
	switch {
	case o.Quoted || !rawValueOK(o.Value):
		return o.Keyword + `:"` + escapeValue(o.Value) + `"`
	case o.Value == "":
		return o.Keyword
	case strings.HasSuffix(o.Value, `\`):
		// A trailing backslash would escape the ';' that follows; the
		// space keeps them apart and is trimmed when read back.
		return o.Keyword + ":" + o.Value + " "
	default:
		return o.Keyword + ":" + o.Value
	}
}

// String prints the address expression canonically: "any", "10.0.0.0/8"
// (an address alone prints as a /32 or /128), "$HOME_NET", "@PARTNERS",
// "[10.0.0.0/8,!10.1.0.0/16]", "!$HOME_NET". The zero AddrExpr prints as "".
func (a AddrExpr) String() string {
	var b strings.Builder
	a.write(&b)
	return b.String()
}

func (a AddrExpr) write(b *strings.Builder) {
	if a.Negate {
		b.WriteByte('!')
	}
	switch {
	case a.Any:
		b.WriteString("any")
	case a.Prefix.IsValid():
		b.WriteString(a.Prefix.String())
	case a.Var != "":
		b.WriteString("$" + a.Var)
	case a.Ref != "":
		b.WriteString("@" + a.Ref)
	case a.List != nil:
		b.WriteByte('[')
		for i, e := range a.List {
			if i > 0 {
				b.WriteByte(',')
			}
			e.write(b)
		}
		b.WriteByte(']')
	}
}

// String prints the port expression canonically: "any", "80",
// "1024:65535" (open ranges print both ends), "$WEB", "[80,443,!8080]",
// "!22". The zero PortExpr prints as "".
func (p PortExpr) String() string {
	var b strings.Builder
	p.write(&b)
	return b.String()
}

func (p PortExpr) write(b *strings.Builder) {
	if p.Negate {
		b.WriteByte('!')
	}
	switch {
	case p.Any:
		b.WriteString("any")
	case p.Set:
		b.WriteString(strconv.Itoa(int(p.Range.Lo)))
		if p.Range.Hi != p.Range.Lo {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(int(p.Range.Hi)))
		}
	case p.Var != "":
		b.WriteString("$" + p.Var)
	case p.List != nil:
		b.WriteByte('[')
		for i, e := range p.List {
			if i > 0 {
				b.WriteByte(',')
			}
			e.write(b)
		}
		b.WriteByte(']')
	}
}

// rawValueOK reports whether the unquoted value v reads back as itself
// when written after "keyword:" and followed by ";".
func rawValueOK(v string) bool {
	if v == "" {
		return true
	}
	if v != trim(v) || v[0] == '"' {
		return false
	}
	for i := 0; i < len(v); {
		switch v[i] {
		case '\\':
			i += 2
		case '"':
			_, next, err := readQuoted(v, i)
			if err != nil {
				return false
			}
			i = next
		case ';':
			if i == 0 || v[i-1] != '\\' {
				return false
			}
			i++ // after an escaped backslash, as the parser reads it
		default:
			i++
		}
	}
	return true
}

// escapeValue escapes a quoted option value so that the parser's unescaping
// gives it back: '"' and ';' always, '\' when the next byte is '"', ';' or
// '\' or when it is last. Other backslashes (as in a pcre "\d") stay as
// written, since the parser keeps a backslash that starts no escape.
func escapeValue(v string) string {
	if !strings.ContainsAny(v, `"\;`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '"', ';':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\\':
			if i+1 == len(v) || strings.IndexByte(`"\;`, v[i+1]) >= 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

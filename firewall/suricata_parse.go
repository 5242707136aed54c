package firewall

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reachsim/reachsim/flow"
)

// This file reads Suricata-compatible rule strings (an AWS Network Firewall
// RulesString) into the SuricataRule AST of suricata_ast.go, and prints the
// AST back as canonical rule text.
//
// A rule is
//
//	ACTION PROTOCOL SRC SRCPORTS DIRECTION DST DSTPORTS (OPTIONS)
//
// The header fields are separated by spaces; a bracketed list may hold
// spaces. The options run from "(" to the ")" that ends the rule.

// ParseSuricataRule parses one Suricata-compatible rule:
//
//	ACTION PROTOCOL SRC SRCPORTS DIRECTION DST DSTPORTS (OPTIONS)
//
// The action is pass, drop, reject or alert (lower case). The protocol is
// one word Suricata or AWS Network Firewall knows (ip, tcp, udp, icmp, http,
// tls, dns, ...), any case. Addresses are "any", an IPv4 or IPv6 address or
// CIDR, "$VAR", "@REF", or a bracketed list of these, each optionally
// negated with "!". Ports are "any", "N", "A:B", ":B", "A:", "$VAR" or a
// list, each optionally negated. The direction is "->" or "<>". The options
// are "keyword" or "keyword:value", separated by ";", and must include a
// positive integer sid.
//
// The rule's Text is text without surrounding spaces; Pos fields are byte
// offsets in it; Line is 0. Every option is kept, in order, whether or not
// the stateful engine can evaluate it.
//
// An error is a *[flow.InputError] whose Text is the rule, whose Rule is
// "sid N" when the sid could be read (else ""), and whose Err wraps
// [ErrSyntax] and names the 1-based byte column and the offending token.
func ParseSuricataRule(text string) (SuricataRule, error) {
	text = suriTrim(text)
	r, serr := suriParseRule(text)
	if serr != nil {
		rule := ""
		if sid := suriSidHint(text); sid > 0 {
			rule = "sid " + strconv.Itoa(sid)
		}
		return SuricataRule{}, serr.inputError(text, rule, "")
	}
	return r, nil
}

// suriMaxErrors caps the number of syntax errors ParseSuricataRules reports.
const suriMaxErrors = 20

// ParseSuricataRules parses a rules string, as in an AWS Network Firewall
// RuleGroup's RulesSource.RulesString: one rule per line, in the syntax of
// [ParseSuricataRule]. Blank lines and lines whose first non-space
// character is '#' are skipped. A line ending in '\' continues on the next
// line: the backslash is dropped and the lines are joined, so Text holds
// the joined rule and Line the number of its first line (columns in errors
// count in the joined text). A UTF-8 byte order mark at the start is
// ignored.
//
// The rules keep their order. Sids must be unique within the string.
//
// On error ParseSuricataRules returns no rules and the faults it found,
// joined with [errors.Join] when there are several: the first 20, each a
// *[flow.InputError] wrapping [ErrSyntax], then a count of the others.
// An InputError's Rule is "sid N" when the rule's sid could be read (its
// message then ends with the line, as "(line 7)"), else "line N". A
// duplicate sid is reported on the later rule, naming both lines.
func ParseSuricataRules(rules string) ([]SuricataRule, error) {
	rules = strings.TrimPrefix(rules, "\ufeff")
	lines := strings.Split(rules, "\n")
	var (
		out    []SuricataRule
		errs   []error
		more   int
		sidAt  = map[int]int{} // sid -> line of its first rule
		report = func(err error) {
			if len(errs) < suriMaxErrors {
				errs = append(errs, err)
			} else {
				more++
			}
		}
	)
	for i := 0; i < len(lines); i++ {
		first := i + 1
		line := strings.TrimRight(lines[i], suriSpaces)
		if strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			var b strings.Builder
			for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
				b.WriteString(line[:len(line)-1])
				i++
				line = strings.TrimRight(lines[i], suriSpaces)
			}
			b.WriteString(line)
			line = b.String()
		}
		line = strings.TrimSuffix(line, `\`) // on the last line, continuing nowhere
		text := suriTrim(line)
		if text == "" || text[0] == '#' {
			continue
		}
		r, serr := suriParseRule(text)
		if serr != nil {
			rule := "line " + strconv.Itoa(first)
			where := ""
			if sid := suriSidHint(text); sid > 0 {
				rule = "sid " + strconv.Itoa(sid)
				where = " (line " + strconv.Itoa(first) + ")"
			}
			report(serr.inputError(text, rule, where))
			continue
		}
		r.Line = first
		sid := r.Sid()
		if prev, dup := sidAt[sid]; dup {
			o, _ := r.Option("sid")
			serr := suriErrorf(o.Pos, "sid %q on line %d is already used on line %d", strconv.Itoa(sid), first, prev)
			report(serr.inputError(text, "sid "+strconv.Itoa(sid), ""))
			continue
		}
		sidAt[sid] = first
		out = append(out, r)
	}
	if more > 0 {
		errs = append(errs, fmt.Errorf("%w: %d more errors not shown", ErrSyntax, more))
	}
	switch len(errs) {
	case 0:
		return out, nil
	case 1:
		return nil, errs[0]
	default:
		return nil, errors.Join(errs...)
	}
}

// Sid returns the rule's signature ID, the value of its first "sid"
// option, or 0 if it has none (parsed rules always have one).
func (r SuricataRule) Sid() int {
	o, ok := r.Option("sid")
	if !ok || o.Quoted {
		return 0
	}
	n, err := strconv.Atoi(o.Value)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// Msg returns the value of the rule's first "msg" option, or "".
func (r SuricataRule) Msg() string {
	o, _ := r.Option("msg")
	return o.Value
}

// Option returns the rule's first option with the given keyword (compared
// in lower case) and whether there is one.
func (r SuricataRule) Option(keyword string) (Option, bool) {
	keyword = strings.ToLower(keyword)
	for _, o := range r.Options {
		if o.Keyword == keyword {
			return o, true
		}
	}
	return Option{}, false
}

// String prints the rule in canonical form, one space between the header
// fields and options written as `keyword:value;` or `keyword:"value";`
// separated by spaces:
//
//	pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"example.com"; sid:1;)
//
// [ParseSuricataRule] reads it back to an equal rule, apart from the Text,
// Line and Pos fields.
func (r SuricataRule) String() string {
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
	case o.Quoted || !suriRawValueOK(o.Value):
		return o.Keyword + `:"` + suriEscape(o.Value) + `"`
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

// suriRawValueOK reports whether the unquoted value v reads back as itself
// when written after "keyword:" and followed by ";".
func suriRawValueOK(v string) bool {
	if v == "" {
		return true
	}
	if v != suriTrim(v) || v[0] == '"' {
		return false
	}
	for i := 0; i < len(v); {
		switch v[i] {
		case '\\':
			i += 2
		case '"':
			_, next, err := suriQuoted(v, i)
			if err != nil {
				return false
			}
			i = next
		case ';':
			return false
		default:
			i++
		}
	}
	return true
}

// suriEscape escapes a quoted option value so that the parser's unescaping
// gives it back: '"' and ';' always, '\' when the next byte is '"', ';' or
// '\' or when it is last. Other backslashes (as in a pcre "\d") stay as
// written, since the parser keeps a backslash that starts no escape.
func suriEscape(v string) string {
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

// Rule grammar ------------------------------------------------------------

// suriSpaces are the bytes that separate tokens. Only ASCII white space
// counts, the same everywhere, so that trimming and tokenizing agree.
const suriSpaces = " \t\r\n\v\f"

func suriIsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

func suriTrim(s string) string { return strings.Trim(s, suriSpaces) }

// suriRestIsSpace reports whether s holds only spaces from i on.
func suriRestIsSpace(s string, i int) bool {
	return i >= len(s) || suriTrim(s[i:]) == ""
}

// suriActions are the actions AWS Network Firewall accepts.
var suriActions = map[string]bool{"pass": true, "drop": true, "reject": true, "alert": true}

// suriProtocols are the rule protocols accepted: Suricata's packet
// protocols and the application-layer protocols of Suricata 7 and 8,
// including every protocol of AWS's standard stateful rules.
var suriProtocols = map[string]bool{
	// packet protocols
	"ip": true, "ipv4": true, "ipv6": true, "tcp": true, "tcp-pkt": true, "tcp-stream": true,
	"udp": true, "icmp": true, "icmpv4": true, "icmpv6": true,
	// application protocols
	"http": true, "http1": true, "http2": true, "ftp": true, "ftp-data": true, "tls": true,
	"smb": true, "dns": true, "dcerpc": true, "ssh": true, "smtp": true, "imap": true,
	"pop3": true, "msn": true, "krb5": true, "ikev2": true, "ike": true, "tftp": true,
	"ntp": true, "dhcp": true, "quic": true, "sip": true, "snmp": true, "rdp": true,
	"rfb": true, "mqtt": true, "nfs": true, "pgsql": true, "telnet": true, "modbus": true,
	"dnp3": true, "enip": true, "bittorrent-dht": true, "ldap": true, "websocket": true,
}

// suriHeaderNames name the seven header fields, in order.
var suriHeaderNames = [...]string{
	"action", "protocol", "source address", "source port",
	"direction", "destination address", "destination port",
}

// suriSyntaxError is a fault at a byte offset of a rule's text.
type suriSyntaxError struct {
	pos  int    // 0-based byte offset in the rule's text
	what string // what is wrong, quoting the offending token
}

func suriErrorf(pos int, format string, args ...any) *suriSyntaxError {
	return &suriSyntaxError{pos: pos, what: fmt.Sprintf(format, args...)}
}

// inputError wraps e for the rule text, adding where (as " (line 7)") to
// the message.
func (e *suriSyntaxError) inputError(text, rule, where string) *flow.InputError {
	return &flow.InputError{
		Rule: rule,
		Text: text,
		Err:  fmt.Errorf("%w: column %d: %s", ErrSyntax, e.pos+1, e.what+where),
	}
}

// suriExcerpt shortens s for an error message.
func suriExcerpt(s string) string {
	const limit = 40
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// suriToken is one header field: text[start:end].
type suriToken struct {
	start, end int
	unclosed   int // offset of a '[' left open, or -1
}

// suriHeaderTokens splits the header into at most 8 tokens (one more than
// a header has, to report extra text) and returns the offset of the "("
// that opens the options, or -1. A token ends at a space outside brackets
// or at "("; a "!" may be followed by spaces.
func suriHeaderTokens(text string) (toks []suriToken, open int) {
	i := 0
	for len(toks) < 8 {
		for i < len(text) && suriIsSpace(text[i]) {
			i++
		}
		if i >= len(text) {
			return toks, -1
		}
		if text[i] == '(' {
			return toks, i
		}
		tok := suriToken{start: i, unclosed: -1}
		var opens []int
		bangs := true // the token so far is "!"s and spaces
		for ; i < len(text); i++ {
			c := text[i]
			if c == '(' {
				break
			}
			if suriIsSpace(c) {
				if len(opens) == 0 && !bangs {
					break
				}
			} else if c != '!' {
				bangs = false
			}
			switch c {
			case '[':
				opens = append(opens, i)
			case ']':
				if len(opens) > 0 {
					opens = opens[:len(opens)-1]
				}
			}
		}
		tok.end = i
		if len(opens) > 0 {
			tok.unclosed = opens[0]
		}
		toks = append(toks, tok)
	}
	return toks, -1
}

// suriParseRule parses a trimmed rule.
func suriParseRule(text string) (SuricataRule, *suriSyntaxError) {
	r := SuricataRule{Text: text}
	if text == "" {
		return r, suriErrorf(0, "empty rule %q", text)
	}
	toks, open := suriHeaderTokens(text)
	for k, tok := range toks {
		s := suriTrim(text[tok.start:tok.end])
		if k < 7 && tok.unclosed >= 0 {
			return r, suriErrorf(tok.unclosed, "unclosed %q in %s %q", "[", suriHeaderNames[k], suriExcerpt(s))
		}
		var err *suriSyntaxError
		switch k {
		case 0:
			r.Action, err = suriParseAction(s, tok.start)
		case 1:
			r.Protocol, err = suriParseProtocol(s, tok.start)
		case 2:
			r.Src, err = suriParseAddr(text, tok)
		case 3:
			r.SrcPorts, err = suriParsePorts(text, tok)
		case 4:
			r.Bidirectional, err = suriParseDirection(s, tok.start)
		case 5:
			r.Dst, err = suriParseAddr(text, tok)
		case 6:
			r.DstPorts, err = suriParsePorts(text, tok)
		default:
			err = suriErrorf(tok.start, "unexpected %q after the destination port: the options must follow in %q",
				suriExcerpt(s), "(...)")
		}
		if err != nil {
			return r, err
		}
	}
	if n := len(toks); n < 7 {
		switch {
		case open >= 0:
			return r, suriErrorf(open, "missing %s before %q", suriHeaderNames[n], "(")
		default:
			last := toks[n-1]
			return r, suriErrorf(len(text), "missing %s after %q", suriHeaderNames[n], suriExcerpt(text[last.start:last.end]))
		}
	}
	if open < 0 {
		last := toks[6]
		return r, suriErrorf(len(text), "missing options after %q: a rule ends with %q",
			text[last.start:last.end], "(... sid:N;)")
	}
	opts, spans, err := suriParseOptions(text, open)
	if err != nil {
		return r, err
	}
	r.Options = opts
	if err := suriCheckOptions(text, open, opts, spans); err != nil {
		return r, err
	}
	return r, nil
}

func suriParseAction(s string, pos int) (string, *suriSyntaxError) {
	switch {
	case suriActions[s]:
		return s, nil
	case suriActions[strings.ToLower(s)]:
		return "", suriErrorf(pos, "action %q must be written in lower case", s)
	case s == "rejectsrc" || s == "rejectdst" || s == "rejectboth":
		return "", suriErrorf(pos, "action %q is not supported by AWS Network Firewall: use pass, drop, reject or alert", s)
	default:
		return "", suriErrorf(pos, "unknown action %q: want pass, drop, reject or alert", suriExcerpt(s))
	}
}

func suriParseProtocol(s string, pos int) (string, *suriSyntaxError) {
	p := strings.ToLower(s)
	switch {
	case suriProtocols[p]:
		return p, nil
	case p == "sctp":
		return "", suriErrorf(pos, "protocol %q is not supported by AWS Network Firewall", s)
	default:
		return "", suriErrorf(pos, "unknown protocol %q", suriExcerpt(s))
	}
}

func suriParseDirection(s string, pos int) (bool, *suriSyntaxError) {
	switch s {
	case "->":
		return false, nil
	case "<>":
		return true, nil
	case "<-":
		return false, suriErrorf(pos, "direction %q does not exist: swap source and destination and use %q", s, "->")
	default:
		return false, suriErrorf(pos, "invalid direction %q: want %q or %q", suriExcerpt(s), "->", "<>")
	}
}

// Address and port expressions --------------------------------------------

// suriMaxDepth bounds the nesting of bracketed lists.
const suriMaxDepth = 16

// suriNode is an address or port expression before its atoms are read.
type suriNode struct {
	neg     bool
	pos     int // of the "!" if negated, else of the atom or "["
	atom    string
	atomPos int
	list    []suriNode // nil for an atom
}

// suriExprParser reads the bracket, negation and comma structure shared by
// addresses and ports from text[i:end].
type suriExprParser struct {
	text   string
	i, end int
	ports  bool   // port atoms may hold spaces (as in "[1024: ]")
	kind   string // "address" or "port", for messages
}

func (p *suriExprParser) skipSpaces() {
	for p.i < p.end && suriIsSpace(p.text[p.i]) {
		p.i++
	}
}

// word returns the text at p.i up to the next delimiter, for messages.
func (p *suriExprParser) word() string {
	j := p.i
	for j < p.end && (j == p.i || !strings.ContainsRune(",[]! \t\r\n\v\f", rune(p.text[j]))) {
		j++
	}
	return suriExcerpt(p.text[p.i:j])
}

func (p *suriExprParser) parse(depth int) (suriNode, *suriSyntaxError) {
	n := suriNode{pos: p.i}
	if p.i < p.end && p.text[p.i] == '!' {
		n.neg = true
		p.i++
		p.skipSpaces()
		if p.i < p.end && p.text[p.i] == '!' {
			return n, suriErrorf(n.pos, "double negation %q", p.text[n.pos:p.i+1])
		}
		if p.i >= p.end {
			return n, suriErrorf(n.pos, "%q must be followed by an %s", "!", p.kind)
		}
	}
	if p.i >= p.end {
		return n, suriErrorf(p.i, "missing %s", p.kind)
	}
	switch c := p.text[p.i]; c {
	case '[':
		return p.list(n, depth)
	case ',', ']':
		return n, suriErrorf(p.i, "unexpected %q where an %s should be", string(c), p.kind)
	}
	n.atomPos = p.i
	for p.i < p.end {
		c := p.text[p.i]
		if c == ',' || c == '[' || c == ']' || (!p.ports && suriIsSpace(c)) {
			break
		}
		p.i++
	}
	n.atom = suriTrim(p.text[n.atomPos:p.i])
	return n, nil
}

func (p *suriExprParser) list(n suriNode, depth int) (suriNode, *suriSyntaxError) {
	open := p.i
	if depth >= suriMaxDepth {
		return n, suriErrorf(open, "lists nested more than %d deep at %q", suriMaxDepth, suriExcerpt(p.text[open:p.end]))
	}
	unclosed := func() *suriSyntaxError {
		return suriErrorf(open, "unclosed %q in %q", "[", suriExcerpt(p.text[open:p.end]))
	}
	p.i++
	p.skipSpaces()
	if p.i < p.end && p.text[p.i] == ']' {
		return n, suriErrorf(open, "empty list %q", p.text[open:p.i+1])
	}
	n.list = []suriNode{}
	for {
		item, err := p.parse(depth + 1)
		if err != nil {
			return n, err
		}
		n.list = append(n.list, item)
		p.skipSpaces()
		if p.i >= p.end {
			return n, unclosed()
		}
		switch p.text[p.i] {
		case ']':
			p.i++
			return n, nil
		case ',':
			comma := p.i
			p.i++
			p.skipSpaces()
			if p.i >= p.end {
				return n, unclosed()
			}
			if p.text[p.i] == ']' {
				return n, suriErrorf(comma, "missing %s after %q in %q", p.kind, ",", suriExcerpt(p.text[open:p.i+1]))
			}
		default:
			return n, suriErrorf(p.i, "expected %q or %q before %q", ",", "]", p.word())
		}
	}
}

// parseTop parses the whole of text[tok.start:tok.end] as one expression.
func (p *suriExprParser) parseTop() (suriNode, *suriSyntaxError) {
	n, err := p.parse(0)
	if err != nil {
		return n, err
	}
	p.skipSpaces()
	if p.i < p.end {
		return n, suriErrorf(p.i, "unexpected %q in %s %q", p.word(), p.kind, suriExcerpt(suriTrim(p.text[n.pos:p.end])))
	}
	return n, nil
}

// suriValidName reports whether s is a variable or IP set reference name:
// a letter or '_', then letters, digits and '_'.
func suriValidName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || (i > 0 && '0' <= c && c <= '9') {
			continue
		}
		return false
	}
	return true
}

func suriParseAddr(text string, tok suriToken) (AddrExpr, *suriSyntaxError) {
	p := suriExprParser{text: text, i: tok.start, end: tok.end, kind: "address"}
	n, err := p.parseTop()
	if err != nil {
		return AddrExpr{}, err
	}
	return suriAddrNode(text, n)
}

func suriAddrNode(text string, n suriNode) (AddrExpr, *suriSyntaxError) {
	a := AddrExpr{Negate: n.neg, Pos: n.pos}
	if n.list != nil {
		a.List = make([]AddrExpr, 0, len(n.list))
		for _, item := range n.list {
			e, err := suriAddrNode(text, item)
			if err != nil {
				return AddrExpr{}, err
			}
			a.List = append(a.List, e)
		}
		return a, nil
	}
	s, pos := n.atom, n.atomPos
	switch {
	case strings.EqualFold(s, "any"):
		if n.neg {
			return a, suriErrorf(n.pos, "%q matches no address: drop the rule or the %q", text[n.pos:pos+len(s)], "!")
		}
		a.Any = true
	case s[0] == '$':
		if !suriValidName(s[1:]) {
			return a, suriErrorf(pos, "invalid variable name %q", suriExcerpt(s))
		}
		a.Var = s[1:]
	case s[0] == '@':
		if !suriValidName(s[1:]) {
			return a, suriErrorf(pos, "invalid IP set reference %q", suriExcerpt(s))
		}
		a.Ref = s[1:]
	default:
		pfx, what := suriParsePrefix(s)
		if what != "" {
			return a, suriErrorf(pos, "%s %q", what, suriExcerpt(s))
		}
		a.Prefix = pfx
	}
	return a, nil
}

// suriParsePrefix reads an address or CIDR, masked; what says what is
// wrong when it fails.
func suriParsePrefix(s string) (netip.Prefix, string) {
	var pfx netip.Prefix
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return pfx, "invalid CIDR"
		}
		pfx = p.Masked()
	} else {
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil && strings.Contains(s, "-"):
			return pfx, "address ranges are not supported, write CIDRs instead of"
		case err != nil:
			return pfx, "invalid address"
		case a.Zone() != "":
			return pfx, "an address with a zone is not allowed:"
		}
		pfx = netip.PrefixFrom(a, a.BitLen())
	}
	if pfx.Addr().Is4In6() {
		return netip.Prefix{}, "IPv4-mapped IPv6 addresses are not allowed, write the IPv4 form instead of"
	}
	return pfx, ""
}

func suriParsePorts(text string, tok suriToken) (PortExpr, *suriSyntaxError) {
	p := suriExprParser{text: text, i: tok.start, end: tok.end, ports: true, kind: "port"}
	n, err := p.parseTop()
	if err != nil {
		return PortExpr{}, err
	}
	return suriPortNode(text, n)
}

func suriPortNode(text string, n suriNode) (PortExpr, *suriSyntaxError) {
	pe := PortExpr{Negate: n.neg, Pos: n.pos}
	if n.list != nil {
		pe.List = make([]PortExpr, 0, len(n.list))
		for _, item := range n.list {
			e, err := suriPortNode(text, item)
			if err != nil {
				return PortExpr{}, err
			}
			pe.List = append(pe.List, e)
		}
		return pe, nil
	}
	s, pos := n.atom, n.atomPos
	switch {
	case strings.EqualFold(s, "any"):
		if n.neg {
			return pe, suriErrorf(n.pos, "%q matches no port: drop the rule or the %q", text[n.pos:pos+len(s)], "!")
		}
		pe.Any = true
	case s[0] == '$':
		if !suriValidName(s[1:]) {
			return pe, suriErrorf(pos, "invalid variable name %q", suriExcerpt(s))
		}
		pe.Var = s[1:]
	default:
		r, err := suriParsePortRange(s, pos)
		if err != nil {
			return pe, err
		}
		pe.Set, pe.Range = true, r
	}
	return pe, nil
}

// suriParsePortRange reads "N", "A:B", ":B" or "A:", with optional spaces
// around the colon.
func suriParsePortRange(s string, pos int) (flow.PortRange, *suriSyntaxError) {
	lo, hi, isRange := strings.Cut(s, ":")
	lo, hi = suriTrim(lo), suriTrim(hi)
	if !isRange {
		n, what := suriPortNumber(s)
		if what == "" {
			return flow.Single(n), nil
		}
		if a, b, dash := strings.Cut(s, "-"); dash {
			if _, e1 := suriPortNumber(a); e1 == "" {
				if _, e2 := suriPortNumber(b); e2 == "" {
					return flow.PortRange{}, suriErrorf(pos, "invalid port %q: write a port range as %q", s, a+":"+b)
				}
			}
		}
		return flow.PortRange{}, suriErrorf(pos, "%s %q", what, suriExcerpt(s))
	}
	if lo == "" && hi == "" {
		return flow.PortRange{}, suriErrorf(pos, "port range %q has no ends", s)
	}
	r := flow.AllPorts
	for _, end := range []struct {
		s string
		v *uint16
	}{{lo, &r.Lo}, {hi, &r.Hi}} {
		if end.s == "" {
			continue
		}
		n, what := suriPortNumber(end.s)
		if what != "" {
			return flow.PortRange{}, suriErrorf(pos, "%s %q in port range %q", what, suriExcerpt(end.s), suriExcerpt(s))
		}
		*end.v = n
	}
	if r.Lo > r.Hi {
		return flow.PortRange{}, suriErrorf(pos, "port range %q starts above its end", s)
	}
	return r, nil
}

// suriPortNumber reads a decimal port; what says what is wrong.
func suriPortNumber(s string) (uint16, string) {
	if s == "" {
		return 0, "missing port"
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, "invalid port"
		}
	}
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0, "port out of range 0-65535:"
	}
	return uint16(n), ""
}

// Options -------------------------------------------------------------------

// suriSpan locates an option's value in the rule text: text[start:end], or
// start = -1 without a value.
type suriSpan struct{ start, end int }

// suriParseOptions reads the options from the "(" at open to the ")" that
// ends text. On error it also returns the options read so far.
func suriParseOptions(text string, open int) ([]Option, []suriSpan, *suriSyntaxError) {
	var (
		opts  = []Option{}
		spans []suriSpan
		n     = len(text)
		i     = open + 1
		// final is the offset of the ")" that may end the rule.
		final = len(strings.TrimRight(text, suriSpaces)) - 1
	)
	unclosed := func() *suriSyntaxError {
		return suriErrorf(open, "unclosed %q: the options must end with %q", "(", ")")
	}
	// end handles the ")" at i, which must end the rule.
	end := func(i int) *suriSyntaxError {
		if !suriRestIsSpace(text, i+1) {
			j := i + 1
			for j < n && suriIsSpace(text[j]) {
				j++
			}
			return suriErrorf(j, "unexpected %q after the closing %q", suriExcerpt(text[j:]), ")")
		}
		return nil
	}
	for {
		for i < n && suriIsSpace(text[i]) {
			i++
		}
		if i >= n {
			return opts, spans, unclosed()
		}
		switch text[i] {
		case ')':
			return opts, spans, end(i)
		case ';':
			return opts, spans, suriErrorf(i, "empty option: nothing before %q", ";")
		}
		// keyword
		ks := i
		for i < n && !suriIsSpace(text[i]) && strings.IndexByte(`:;()"`, text[i]) < 0 {
			i++
		}
		kw := text[ks:i]
		if kw == "" {
			return opts, spans, suriErrorf(ks, "missing option keyword before %q", text[ks:ks+1])
		}
		lower, ok := suriKeyword(kw)
		if !ok {
			return opts, spans, suriErrorf(ks, "invalid option keyword %q: want letters, digits, '_', '.' or '-'", suriExcerpt(kw))
		}
		o := Option{Keyword: lower, Pos: ks}
		span := suriSpan{-1, -1}
		for i < n && suriIsSpace(text[i]) {
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
			return opts, spans, end(i)
		case ':':
		default:
			return opts, spans, suriErrorf(i, "expected %q or %q after option keyword %q, found %q",
				":", ";", kw, suriExcerpt(text[i:min(i+1, n)]))
		}
		i++ // the colon
		for i < n && suriIsSpace(text[i]) {
			i++
		}
		if i >= n {
			return opts, spans, unclosed()
		}
		if text[i] == '"' {
			v, next, err := suriQuoted(text, i)
			if err != nil {
				return opts, spans, err
			}
			o.Value, o.Quoted = v, true
			span = suriSpan{i, next}
			i = next
			for i < n && suriIsSpace(text[i]) {
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
				return opts, spans, end(i)
			default:
				return opts, spans, suriErrorf(i, "unexpected %q after the quoted value of %q", suriExcerpt(text[i:]), kw)
			}
		}
		// An unquoted value runs to an unescaped ';' or to the final ')'.
		vs := i
	scan:
		for i < n {
			switch text[i] {
			case '\\':
				i += 2
				continue
			case '"':
				_, next, err := suriQuoted(text, i)
				if err != nil {
					return opts, spans, err
				}
				i = next
				continue
			case ';':
				break scan
			case ')':
				if i == final {
					break scan
				}
			}
			i++
		}
		if i >= n {
			return opts, spans, unclosed()
		}
		raw := suriTrim(text[vs:i])
		if raw == "" {
			return opts, spans, suriErrorf(vs, "missing value after %q", kw+":")
		}
		o.Value = raw
		span = suriSpan{vs, vs + len(raw)}
		opts, spans = append(opts, o), append(spans, span)
		if text[i] == ')' {
			return opts, spans, nil // final by construction
		}
		i++ // the ';'
	}
}

// suriKeyword lower-cases an option keyword and checks it is made of
// [a-z0-9_.-].
func suriKeyword(kw string) (string, bool) {
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

// suriQuoted reads the quoted value whose opening quote is at text[q],
// undoing the escapes \" \\ \; (other backslashes stay), and returns the
// offset after the closing quote.
func suriQuoted(text string, q int) (string, int, *suriSyntaxError) {
	var b strings.Builder
	for i := q + 1; i < len(text); i++ {
		switch c := text[i]; c {
		case '"':
			return b.String(), i + 1, nil
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
	return "", 0, suriErrorf(q, "unterminated quoted value %q", suriExcerpt(text[q:]))
}

// suriCheckOptions checks the options every rule needs: one sid, and
// numeric rev, gid and priority.
func suriCheckOptions(text string, open int, opts []Option, spans []suriSpan) *suriSyntaxError {
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
				return suriErrorf(o.Pos, "second %q option %q (the first is at column %d)", "sid", suriExcerpt(text[o.Pos:max(spans[k].end, o.Pos+3)]), sidPos+1)
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
			return suriErrorf(o.Pos, "option %q needs a value", o.Keyword)
		}
		if !suriUintIn(o, lo, hi) {
			return suriErrorf(at, "invalid %s %s: want an integer from %d to %d", o.Keyword, strconv.Quote(suriExcerpt(raw)), lo, hi)
		}
	}
	if sidPos < 0 {
		return suriErrorf(open, "missing %q option: every rule needs a unique sid", "sid")
	}
	return nil
}

// suriUintIn reports whether o's value is an unquoted decimal integer in
// [lo, hi].
func suriUintIn(o Option, lo, hi uint64) bool {
	if o.Quoted || o.Value == "" || o.Value[0] < '0' || o.Value[0] > '9' {
		return false
	}
	n, err := strconv.ParseUint(o.Value, 10, 64)
	return err == nil && lo <= n && n <= hi
}

// suriSidHint returns the sid of a rule that may not parse, or 0: the
// first valid sid option among those read before any fault in the options.
func suriSidHint(text string) int {
	open := strings.IndexByte(text, '(')
	if open < 0 {
		return 0
	}
	opts, _, _ := suriParseOptions(text, open)
	for _, o := range opts {
		if o.Keyword == "sid" {
			if suriUintIn(o, 1, 1<<32-1) {
				n, _ := strconv.Atoi(o.Value)
				return n
			}
			return 0
		}
	}
	return 0
}

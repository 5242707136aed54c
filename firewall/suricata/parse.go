package suricata

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// This file reads Suricata-compatible rule strings (an AWS Network Firewall
// RulesString) into the Rule AST of suricata_ast.go, and prints the
// AST back as canonical rule text.
//
// A rule is
//
//	ACTION PROTOCOL SRC SRCPORTS DIRECTION DST DSTPORTS (OPTIONS)
//
// The header fields are separated by spaces; a bracketed list may hold
// spaces. The options run from "(" to the ")" that ends the rule.

// Parse parses one Suricata-compatible rule:
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
func Parse(text string) (Rule, error) {
	text = trim(text)
	r, serr := parseRule(text)
	if serr != nil {
		rule := ""
		if sid := sidHint(text); sid > 0 {
			rule = "sid " + strconv.Itoa(sid)
		}
		return Rule{}, serr.inputError(text, rule, "")
	}
	return r, nil
}

// maxErrors caps the number of syntax errors ParseRules reports.
const maxErrors = 20

// ParseRules parses a rules string, as in an AWS Network Firewall
// RuleGroup's RulesSource.RulesString: one rule per line, in the syntax of
// [Parse]. Blank lines and lines whose first non-space
// character is '#' are skipped. A line ending in '\' continues on the next
// line: the backslash is dropped and the lines are joined, so Text holds
// the joined rule and Line the number of its first line (columns in errors
// count in the joined text). A UTF-8 byte order mark at the start is
// ignored.
//
// The rules keep their order. Sids must be unique within the string.
//
// On error ParseRules returns no rules and the faults it found,
// joined with [errors.Join] when there are several: the first 20, each a
// *[flow.InputError] wrapping [ErrSyntax], then a count of the others.
// An InputError's Rule is "sid N" when the rule's sid could be read (its
// message then ends with the line, as "(line 7)"), else "line N". A
// duplicate sid is reported on the later rule, naming both lines.
func ParseRules(rules string) ([]Rule, error) {
	rules = strings.TrimPrefix(rules, "\ufeff")
	lines := strings.Split(rules, "\n")
	var (
		out    []Rule
		errs   []error
		more   int
		sidAt  = map[int]int{} // sid -> line of its first rule
		report = func(err error) {
			if len(errs) < maxErrors {
				errs = append(errs, err)
			} else {
				more++
			}
		}
	)
	for i := 0; i < len(lines); i++ {
		first := i + 1
		line := strings.TrimRight(lines[i], spaceChars)
		if strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			var b strings.Builder
			for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
				b.WriteString(line[:len(line)-1])
				i++
				line = strings.TrimRight(lines[i], spaceChars)
			}
			b.WriteString(line)
			line = b.String()
		}
		line = strings.TrimSuffix(line, `\`) // on the last line, continuing nowhere
		text := trim(line)
		if text == "" || text[0] == '#' {
			continue
		}
		r, serr := parseRule(text)
		if serr != nil {
			rule := "line " + strconv.Itoa(first)
			where := ""
			if sid := sidHint(text); sid > 0 {
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
			serr := errorf(o.Pos, "sid %q on line %d is already used on line %d", strconv.Itoa(sid), first, prev)
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
func (r Rule) Sid() int {
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
func (r Rule) Msg() string {
	o, _ := r.Option("msg")
	return o.Value
}

// Option returns the rule's first option with the given keyword (compared
// in lower case) and whether there is one.
func (r Rule) Option(keyword string) (Option, bool) {
	keyword = strings.ToLower(keyword)
	for _, o := range r.Options {
		if o.Keyword == keyword {
			return o, true
		}
	}
	return Option{}, false
}

// Rule grammar ------------------------------------------------------------

// spaceChars are the bytes that separate tokens. Only ASCII white space
// counts, the same everywhere, so that trimming and tokenizing agree.
const spaceChars = " \t\r\n\v\f"

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

func trim(s string) string { return strings.Trim(s, spaceChars) }

// restIsSpace reports whether s holds only spaces from i on.
func restIsSpace(s string, i int) bool {
	return i >= len(s) || trim(s[i:]) == ""
}

// actionNames are the actions AWS Network Firewall accepts.
var actionNames = map[string]bool{"pass": true, "drop": true, "reject": true, "alert": true}

// protocolNames are the rule protocols accepted: Suricata's packet
// protocols and the application-layer protocols of Suricata 7 and 8,
// including every protocol of AWS's standard stateful rules.
var protocolNames = map[string]bool{
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

// headerFieldNames name the seven header fields, in order.
var headerFieldNames = [...]string{
	"action", "protocol", "source address", "source port",
	"direction", "destination address", "destination port",
}

// syntaxError is a fault at a byte offset of a rule's text.
type syntaxError struct {
	pos  int    // 0-based byte offset in the rule's text
	what string // what is wrong, quoting the offending token
}

func errorf(pos int, format string, args ...any) *syntaxError {
	return &syntaxError{pos: pos, what: fmt.Sprintf(format, args...)}
}

// inputError wraps e for the rule text, adding where (as " (line 7)") to
// the message.
func (e *syntaxError) inputError(text, rule, where string) *flow.InputError {
	return &flow.InputError{
		Rule: rule,
		Text: text,
		Err:  fmt.Errorf("%w: column %d: %s", ErrSyntax, e.pos+1, e.what+where),
	}
}

// excerpt shortens s for an error message.
func excerpt(s string) string {
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

// headerToken is one header field: text[start:end].
type headerToken struct {
	start, end int
	unclosed   int // offset of a '[' left open, or -1
}

// headerTokens splits the header into at most 8 tokens (one more than
// a header has, to report extra text) and returns the offset of the "("
// that opens the options, or -1. It splits as Suricata's SigParseBasics
// does: blanks (spaces, tabs) before a field are skipped; the action and
// the direction end at any white space, every other field (protocol,
// addresses, ports: Suricata's SigParseList) only at a space outside
// brackets. So a tab between such fields, a "!" followed by a space, or
// a "(" with no space before it is not a field boundary, and the field
// that holds it is refused as Suricata refuses it.
func headerTokens(text string) (toks []headerToken, open int) {
	i := 0
	for len(toks) < 8 {
		for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
			i++
		}
		if i >= len(text) {
			return toks, -1
		}
		if text[i] == '(' {
			return toks, i
		}
		tok := headerToken{start: i, unclosed: -1}
		word := len(toks) == 0 || len(toks) == 4 // the action, the direction
		var opens []int
		for ; i < len(text); i++ {
			c := text[i]
			if word && isSpace(c) || !word && c == ' ' && len(opens) == 0 {
				break
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

// parseRule parses a trimmed rule.
func parseRule(text string) (Rule, *syntaxError) {
	r := Rule{Text: text}
	if text == "" {
		return r, errorf(0, "empty rule %q", text)
	}
	toks, open := headerTokens(text)
	var src, dst addrset.Set // the addresses the source and destination may match
	for k, tok := range toks {
		s := trim(text[tok.start:tok.end])
		if k < 7 && tok.unclosed >= 0 {
			return r, errorf(tok.unclosed, "unclosed %q in %s %q", "[", headerFieldNames[k], excerpt(s))
		}
		var err *syntaxError
		switch k {
		case 0:
			r.Action, err = parseAction(s, tok.start)
		case 1:
			r.Protocol, err = parseProtocol(s, tok.start)
		case 2:
			if r.Src, err = parseAddr(text, tok); err == nil {
				src, err = checkAddrMatches(text, tok, r.Src)
			}
		case 3:
			if r.SrcPorts, err = parsePorts(text, tok); err == nil {
				err = checkPortMatches(text, tok, r.SrcPorts)
			}
		case 4:
			r.Bidirectional, err = parseDirection(s, tok.start)
		case 5:
			if r.Dst, err = parseAddr(text, tok); err == nil {
				dst, err = checkAddrMatches(text, tok, r.Dst)
			}
		case 6:
			if r.DstPorts, err = parsePorts(text, tok); err == nil {
				err = checkPortMatches(text, tok, r.DstPorts)
			}
		default:
			err = errorf(tok.start, "unexpected %q after the destination port: the options must follow in %q",
				excerpt(s), "(...)")
		}
		if err != nil {
			return r, err
		}
	}
	if n := len(toks); n < 7 {
		switch {
		case open >= 0:
			return r, errorf(open, "missing %s before %q", headerFieldNames[n], "(")
		default:
			last := toks[n-1]
			return r, errorf(len(text), "missing %s after %q", headerFieldNames[n], excerpt(text[last.start:last.end]))
		}
	}
	if open < 0 {
		last := toks[6]
		return r, errorf(len(text), "missing options after %q: a rule ends with %q",
			text[last.start:last.end], "(... sid:N;)")
	}
	r.NoMatch = noMatchWhy(text, &r, src, dst, toks[2], toks[5])
	opts, spans, err := parseOptions(text, open)
	if err != nil {
		return r, err
	}
	r.Options = opts
	if err := checkOptions(text, open, opts, spans); err != nil {
		return r, err
	}
	return r, nil
}

func parseAction(s string, pos int) (string, *syntaxError) {
	switch {
	case actionNames[s]:
		return s, nil
	case actionNames[strings.ToLower(s)]:
		return "", errorf(pos, "action %q must be written in lower case", s)
	case s == "rejectsrc" || s == "rejectdst" || s == "rejectboth":
		return "", errorf(pos, "action %q is not supported by AWS Network Firewall: use pass, drop, reject or alert", s)
	default:
		return "", errorf(pos, "unknown action %q: want pass, drop, reject or alert", excerpt(s))
	}
}

func parseProtocol(s string, pos int) (string, *syntaxError) {
	p := strings.ToLower(s)
	switch {
	case protocolNames[p]:
		return p, nil
	case p == "sctp":
		return "", errorf(pos, "protocol %q is not supported by AWS Network Firewall", s)
	default:
		return "", errorf(pos, "unknown protocol %q", excerpt(s))
	}
}

func parseDirection(s string, pos int) (bool, *syntaxError) {
	switch s {
	case "->":
		return false, nil
	case "<>":
		return true, nil
	case "<-":
		return false, errorf(pos, "direction %q does not exist: swap source and destination and use %q", s, "->")
	default:
		return false, errorf(pos, "invalid direction %q: want %q or %q", excerpt(s), "->", "<>")
	}
}

package suricata

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Address and port expressions --------------------------------------------

// maxDepth bounds the nesting of bracketed lists.
const maxDepth = 16

// exprNode is an address or port expression before its atoms are read.
type exprNode struct {
	neg     bool
	pos     int // of the "!" if negated, else of the atom or "["
	atom    string
	atomPos int
	list    []exprNode // nil for an atom
}

// exprParser reads the bracket, negation and comma structure shared by
// addresses and ports from text[i:end].
type exprParser struct {
	text   string
	i, end int
	ports  bool   // port atoms may hold spaces (as in "[1024: ]")
	kind   string // "address" or "port", for messages
}

func (p *exprParser) skipSpaces() {
	for p.i < p.end && isSpace(p.text[p.i]) {
		p.i++
	}
}

// word returns the text at p.i up to the next delimiter, for messages.
func (p *exprParser) word() string {
	j := p.i
	for j < p.end && (j == p.i || !strings.ContainsRune(",[]! \t\r\n\v\f", rune(p.text[j]))) {
		j++
	}
	return excerpt(p.text[p.i:j])
}

func (p *exprParser) parse(depth int) (exprNode, *syntaxError) {
	n := exprNode{pos: p.i}
	if p.i < p.end && p.text[p.i] == '!' {
		n.neg = true
		p.i++
		p.skipSpaces()
		if p.i < p.end && p.text[p.i] == '!' {
			return n, errorf(n.pos, "double negation %q", p.text[n.pos:p.i+1])
		}
		if p.i >= p.end {
			return n, errorf(n.pos, "%q must be followed by an %s", "!", p.kind)
		}
	}
	if p.i >= p.end {
		return n, errorf(p.i, "missing %s", p.kind)
	}
	switch c := p.text[p.i]; c {
	case '[':
		return p.list(n, depth)
	case ',', ']':
		return n, errorf(p.i, "unexpected %q where an %s should be", string(c), p.kind)
	}
	n.atomPos = p.i
	for p.i < p.end {
		c := p.text[p.i]
		if c == ',' || c == '[' || c == ']' || (!p.ports && isSpace(c)) {
			break
		}
		p.i++
	}
	n.atom = trim(p.text[n.atomPos:p.i])
	if n.atom == "" { // white space alone (a form feed, a carriage return) where the value should be
		return n, errorf(n.atomPos, "missing %s", p.kind)
	}
	return n, nil
}

func (p *exprParser) list(n exprNode, depth int) (exprNode, *syntaxError) {
	open := p.i
	if depth >= maxDepth {
		return n, errorf(open, "lists nested more than %d deep at %q", maxDepth, excerpt(p.text[open:p.end]))
	}
	unclosed := func() *syntaxError {
		return errorf(open, "unclosed %q in %q", "[", excerpt(p.text[open:p.end]))
	}
	p.i++
	p.skipSpaces()
	if p.i < p.end && p.text[p.i] == ']' {
		return n, errorf(open, "empty list %q", p.text[open:p.i+1])
	}
	n.list = []exprNode{}
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
				return n, errorf(comma, "missing %s after %q in %q", p.kind, ",", excerpt(p.text[open:p.i+1]))
			}
		default:
			return n, errorf(p.i, "expected %q or %q before %q", ",", "]", p.word())
		}
	}
}

// parseTop parses the whole of text[tok.start:tok.end] as one expression.
func (p *exprParser) parseTop() (exprNode, *syntaxError) {
	n, err := p.parse(0)
	if err != nil {
		return n, err
	}
	p.skipSpaces()
	if p.i < p.end {
		return n, errorf(p.i, "unexpected %q in %s %q", p.word(), p.kind, excerpt(trim(p.text[n.pos:p.end])))
	}
	return n, nil
}

// validName reports whether s is a variable or IP set reference name:
// a letter or '_', then letters, digits and '_'.
func validName(s string) bool {
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

func parseAddr(text string, tok headerToken) (AddrExpr, *syntaxError) {
	p := exprParser{text: text, i: tok.start, end: tok.end, kind: "address"}
	n, err := p.parseTop()
	if err != nil {
		return AddrExpr{}, err
	}
	return addrNode(text, n)
}

func addrNode(text string, n exprNode) (AddrExpr, *syntaxError) {
	a := AddrExpr{Negate: n.neg, Pos: n.pos}
	if n.list != nil {
		a.List = make([]AddrExpr, 0, len(n.list))
		for _, item := range n.list {
			e, err := addrNode(text, item)
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
			return a, errorf(n.pos, "%q matches no address: drop the rule or the %q", text[n.pos:pos+len(s)], "!")
		}
		a.Any = true
	case s[0] == '$':
		if !validName(s[1:]) {
			return a, errorf(pos, "invalid variable name %q", excerpt(s))
		}
		a.Var = s[1:]
	case s[0] == '@':
		if !validName(s[1:]) {
			return a, errorf(pos, "invalid IP set reference %q", excerpt(s))
		}
		a.Ref = s[1:]
	default:
		pfx, what := parsePrefix(s)
		if what != "" {
			return a, errorf(pos, "%s %q", what, excerpt(s))
		}
		a.Prefix = pfx
	}
	return a, nil
}

// parsePrefix reads an address or CIDR with [flow.ParseAddrOrCIDR],
// masked; what says what is wrong when it fails.
func parsePrefix(s string) (netip.Prefix, string) {
	pfx, err := flow.ParseAddrOrCIDR(s)
	if err == nil {
		return pfx, ""
	}
	addr, _, cidr := strings.Cut(s, "/")
	a, aerr := netip.ParseAddr(addr)
	switch {
	case aerr == nil && a.Is4In6():
		return netip.Prefix{}, "IPv4-mapped IPv6 addresses are not allowed, write the IPv4 form instead of"
	case cidr:
		return netip.Prefix{}, "invalid CIDR"
	case aerr != nil && strings.Contains(s, "-"):
		return netip.Prefix{}, "address ranges are not supported, write CIDRs instead of"
	case aerr == nil && a.Zone() != "":
		return netip.Prefix{}, "an address with a zone is not allowed:"
	}
	return netip.Prefix{}, "invalid address"
}

func parsePorts(text string, tok headerToken) (PortExpr, *syntaxError) {
	p := exprParser{text: text, i: tok.start, end: tok.end, ports: true, kind: "port"}
	n, err := p.parseTop()
	if err != nil {
		return PortExpr{}, err
	}
	return portNode(text, n)
}

func portNode(text string, n exprNode) (PortExpr, *syntaxError) {
	pe := PortExpr{Negate: n.neg, Pos: n.pos}
	if n.list != nil {
		pe.List = make([]PortExpr, 0, len(n.list))
		for _, item := range n.list {
			e, err := portNode(text, item)
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
			return pe, errorf(n.pos, "%q matches no port: drop the rule or the %q", text[n.pos:pos+len(s)], "!")
		}
		pe.Any = true
	case s[0] == '$':
		if !validName(s[1:]) {
			return pe, errorf(pos, "invalid variable name %q", excerpt(s))
		}
		pe.Var = s[1:]
	default:
		r, err := parsePortRange(s, pos)
		if err != nil {
			return pe, err
		}
		pe.Set, pe.Range = true, r
	}
	return pe, nil
}

// parsePortRange reads "N", "A:B", ":B" or "A:", with optional spaces
// around the colon.
func parsePortRange(s string, pos int) (flow.PortRange, *syntaxError) {
	lo, hi, isRange := strings.Cut(s, ":")
	lo, hi = trim(lo), trim(hi)
	if !isRange {
		n, what := portNumber(s)
		if what == "" {
			return flow.Single(n), nil
		}
		if a, b, dash := strings.Cut(s, "-"); dash {
			if _, e1 := portNumber(a); e1 == "" {
				if _, e2 := portNumber(b); e2 == "" {
					return flow.PortRange{}, errorf(pos, "invalid port %q: write a port range as %q", s, a+":"+b)
				}
			}
		}
		return flow.PortRange{}, errorf(pos, "%s %q", what, excerpt(s))
	}
	if lo == "" && hi == "" {
		return flow.PortRange{}, errorf(pos, "port range %q has no ends", s)
	}
	r := flow.AllPorts
	for _, end := range []struct {
		s string
		v *uint16
	}{{lo, &r.Lo}, {hi, &r.Hi}} {
		if end.s == "" {
			continue
		}
		n, what := portNumber(end.s)
		if what != "" {
			return flow.PortRange{}, errorf(pos, "%s %q in port range %q", what, excerpt(end.s), excerpt(s))
		}
		*end.v = n
	}
	if r.Lo > r.Hi {
		return flow.PortRange{}, errorf(pos, "port range %q starts above its end", s)
	}
	return r, nil
}

// portNumber reads a decimal port; what says what is wrong.
func portNumber(s string) (uint16, string) {
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

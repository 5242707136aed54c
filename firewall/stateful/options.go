package stateful

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
)

// Rule options: what each keyword means to the stateful engine, and the
// matcher that applies a compiled rule to one stage's packet.

// condKind is a decidable option other than a buffer match.
type condKind uint8

const (
	condIPProto condKind = iota
	condIType
	condICode
	condSameIP
	condALP
	condSSLState
)

// intCmp is a Suricata integer comparison.
type intCmp struct {
	op  byte // '=', '<', '>', 'l' (<=), 'g' (>=), 'r' (a < x < b)
	a   int
	b   int
	neg bool
}

func (n intCmp) test(x int) bool {
	var v bool
	switch n.op {
	case '=':
		v = x == n.a
	case '<':
		v = x < n.a
	case '>':
		v = x > n.a
	case 'l':
		v = x <= n.a
	case 'g':
		v = x >= n.a
	case 'r':
		v = n.a < x && x < n.b
	}
	return v != n.neg
}

// parseIntCmp reads Suricata's integer forms: N, =N, !N, !=N, <N, <=N, >N,
// >=N, A-B, !A-B and A<>B (ranges exclusive), decimal or 0x hex. ok is
// false for forms it does not read (bitmasks, units).
func parseIntCmp(s string) (n intCmp, ok bool) {
	s = strings.TrimSpace(s)
	num := func(t string) (int, bool) {
		t = strings.TrimSpace(t)
		v, err := strconv.ParseInt(t, 0, 64)
		if err != nil || v < 0 || v > 1<<32 {
			return 0, false
		}
		return int(v), true
	}
	if a, b, found := strings.Cut(s, "<>"); found {
		x, ok1 := num(a)
		y, ok2 := num(b)
		return intCmp{op: 'r', a: x, b: y}, ok1 && ok2
	}
	if strings.HasPrefix(s, "!=") {
		n.neg, s = true, s[2:]
	} else if strings.HasPrefix(s, "!") {
		n.neg, s = true, s[1:]
	}
	n.op = '='
	switch {
	case strings.HasPrefix(s, "<="):
		n.op, s = 'l', s[2:]
	case strings.HasPrefix(s, ">="):
		n.op, s = 'g', s[2:]
	case strings.HasPrefix(s, "<"):
		n.op, s = '<', s[1:]
	case strings.HasPrefix(s, ">"):
		n.op, s = '>', s[1:]
	case strings.HasPrefix(s, "="):
		s = s[1:]
	}
	if n.op == '=' {
		if a, b, found := strings.Cut(s, "-"); found && a != "" {
			x, ok1 := num(a)
			y, ok2 := num(b)
			return intCmp{op: 'r', a: x, b: y, neg: n.neg}, ok1 && ok2
		}
	}
	n.a, ok = num(s)
	return n, ok
}

// cond is a decidable option.
type cond struct {
	kind   condKind
	num    intCmp     // ip_proto, itype, icode
	neg    bool       // app-layer-protocol:!x
	apps   []string   // app-layer-protocol: the session protocols named
	states []sslState // ssl_state alternatives
}

type sslState struct {
	name string
	neg  bool
}

// bufferKind is a sticky buffer the engine can read.
type bufferKind uint8

const (
	bufSNI bufferKind = iota
	bufHost
	bufHeaderNames
)

var bufNames = [...]string{bufSNI: "tls.sni", bufHost: "http.host", bufHeaderNames: "http.header_names"}

// buffer is the content matching of one sticky buffer.
type buffer struct {
	kind     bufferKind
	dot      bool // dotprefix
	lower    bool // to_lowercase
	contents []contentMatch
	unknown  bool // a modifier or transform the engine cannot apply
}

type contentMatch struct {
	pat      []byte
	neg      bool
	nocase   bool
	starts   bool
	ends     bool
	relative bool // distance or within
	hasDepth bool
	depth    int
	offset   int
}

// infoKeywords do not affect matching.
var infoKeywords = map[string]bool{
	"sid": true, "msg": true, "rev": true, "gid": true, "classtype": true, "metadata": true,
	"reference": true, "target": true, "tag": true, "requires": true, "noalert": true, "alert": true,
}

// appPrefixes maps the prefix of an application-layer keyword ("dns" of
// "dns.query", "ja3" of "ja3.hash") to its application protocol.
var appPrefixes = map[string]string{
	"http": "http", "http1": "http1", "http2": "http2", "tls": "tls", "ssl": "tls", "ja3": "tls",
	"ja3s": "tls", "ja4": "tls", "dns": "dns", "ssh": "ssh", "smtp": "smtp", "ftp": "ftp",
	"smb": "smb", "dcerpc": "dcerpc", "krb5": "krb5", "sip": "sip", "quic": "quic", "snmp": "snmp",
	"mqtt": "mqtt", "rfb": "rfb", "nfs": "nfs", "pgsql": "pgsql", "ike": "ike", "ikev2": "ike",
	"ldap": "ldap", "dhcp": "dhcp", "tftp": "tftp", "ntp": "ntp", "modbus": "modbus",
	"dnp3": "dnp3", "enip": "enip", "cip": "enip", "imap": "imap", "pop3": "pop3",
	"websocket": "websocket", "telnet": "telnet", "rdp": "rdp",
}

// payloadKeywords inspect the packet payload.
var payloadKeywords = map[string]bool{
	"pcre": true, "byte_test": true, "byte_jump": true, "byte_extract": true, "byte_math": true,
	"isdataat": true, "entropy": true, "base64_decode": true, "base64_data": true,
}

// transformKeywords are Suricata's buffer transforms.
var transformKeywords = map[string]bool{
	"dotprefix": true, "to_lowercase": true, "strip_whitespace": true, "compress_whitespace": true,
	"to_uppercase": true, "to_md5": true, "to_sha1": true, "to_sha256": true, "url_decode": true,
	"pcrexform": true, "xor": true, "header_lowercase": true, "strip_pseudo_headers": true,
	"from_base64": true, "domain": true, "tld": true, "luaxform": true, "gunzip": true, "zlib_deflate": true,
}

// contentModifiers apply to the content before them.
var contentModifiers = map[string]bool{
	"nocase": true, "startswith": true, "endswith": true, "depth": true, "offset": true,
	"distance": true, "within": true, "fast_pattern": true, "rawbytes": true, "prefilter": true,
}

// appKeyword returns the application protocol of an application-layer
// keyword ("dns.query" -> dns, "tls_cert_subject" -> tls), or "".
func appKeyword(kw string) string {
	if i := strings.IndexByte(kw, '.'); i > 0 {
		return appPrefixes[kw[:i]]
	}
	if i := strings.IndexByte(kw, '_'); i > 0 {
		return appPrefixes[kw[:i]]
	}
	return ""
}

// decodeContent reads a content value: optional "!", optional quotes,
// and |hex| segments.
func decodeContent(o suricata.Option) (pat []byte, neg bool, err error) {
	v := o.Value
	if !o.Quoted {
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, "!") {
			neg, v = true, strings.TrimSpace(v[1:])
		}
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			var b strings.Builder
			in := v[1 : len(v)-1]
			for i := 0; i < len(in); i++ {
				if in[i] == '\\' && i+1 < len(in) && strings.IndexByte(`"\;`, in[i+1]) >= 0 {
					i++
				}
				b.WriteByte(in[i])
			}
			v = b.String()
		}
	}
	hex := false
	var cur []byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '|' {
			if hex && len(cur) > 0 {
				return nil, neg, fmt.Errorf("odd number of hex digits in %q", o.Value)
			}
			hex = !hex
			continue
		}
		if !hex {
			pat = append(pat, c)
			continue
		}
		if c == ' ' {
			continue
		}
		d, ok := hexDigit(c)
		if !ok {
			return nil, neg, fmt.Errorf("bad hex digit %q in %q", c, o.Value)
		}
		cur = append(cur, d)
		if len(cur) == 2 {
			pat = append(pat, cur[0]<<4|cur[1])
			cur = cur[:0]
		}
	}
	if hex {
		return nil, neg, fmt.Errorf("unterminated |hex| in %q", o.Value)
	}
	if len(pat) == 0 {
		return nil, neg, fmt.Errorf("empty content")
	}
	return pat, neg, nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseIPProto reads ip_proto's value: [!|<|>] a protocol number or name.
func parseIPProto(v string) (intCmp, error) {
	s := strings.TrimSpace(v)
	n := intCmp{op: '='}
	switch {
	case strings.HasPrefix(s, "!"):
		n.neg, s = true, s[1:]
	case strings.HasPrefix(s, "<"):
		n.op, s = '<', s[1:]
	case strings.HasPrefix(s, ">"):
		n.op, s = '>', s[1:]
	}
	s = strings.TrimSpace(s)
	var p flow.Protocol
	switch strings.ToLower(s) {
	case "ipv6-icmp":
		p = flow.ICMPv6
	default:
		var err error
		p, err = flow.ParseProtocol(s)
		if err != nil || !p.IsConcrete() {
			return n, fmt.Errorf("%w: ip_proto:%s: want a protocol number or name", ErrInvalidRule, v)
		}
	}
	n.a = int(p)
	return n, nil
}

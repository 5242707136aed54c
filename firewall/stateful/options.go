package stateful

import (
	"fmt"
	"slices"
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

// undecided is one option the engine cannot decide, at its position.
type undecided struct {
	pos     int
	keyword string
	why     string
}

// compileOptions compiles a rule's options into r. It reports whether
// every option is informational (for the IP-only classification).
func compileOptions(r *rule, sr *suricata.Rule, order RuleOrder) (info bool, err error) {
	info = true
	var und []undecided
	undecide := func(pos int, kw, why string) { und = append(und, undecided{pos, kw, why}) }
	needApp := func(app string) error {
		want := appsOf(app)
		if len(r.apps) == 0 {
			r.apps = want
			return nil
		}
		var both []string
		for _, a := range r.apps {
			if slices.Contains(want, a) {
				both = append(both, a)
			}
		}
		if len(both) == 0 {
			return fmt.Errorf("%w: %s keywords in a rule for %s", ErrInvalidRule, app, strings.Join(r.apps, "/"))
		}
		r.apps = both
		return nil
	}
	// The active sticky buffer: cur >= 0 is r.bufs[cur], curPayload the
	// payload, otherwise a buffer the engine cannot read.
	cur, curPayload := -1, true
	// The last content: in r.bufs[lastBuf] at lastIdx, or in payload
	// (index into payload), or in an unreadable buffer.
	type payloadContent struct {
		pos int
		c   contentMatch
	}
	var payload []payloadContent
	const (
		nowhere = iota
		inBuf
		inPayload
		inOther
	)
	lastWhere, lastBuf, lastIdx := nowhere, 0, 0
	newBuf := func(kind bufferKind) {
		r.bufs = append(r.bufs, buffer{kind: kind})
		cur, curPayload = len(r.bufs)-1, false
	}
	lastContent := func() *contentMatch {
		switch lastWhere {
		case inBuf:
			return &r.bufs[lastBuf].contents[lastIdx]
		case inPayload:
			return &payload[lastIdx].c
		}
		return nil
	}
	for pos, o := range sr.Options {
		kw := o.Keyword
		if infoKeywords[kw] {
			continue
		}
		switch kw {
		case "priority":
			if order == StrictOrder {
				return info, fmt.Errorf("%w: the priority keyword is not allowed in STRICT_ORDER rule groups", ErrInvalidRule)
			}
			n, err := strconv.Atoi(strings.TrimSpace(o.Value))
			if err != nil || n < 1 || n > 65535 {
				return info, fmt.Errorf("%w: priority %q: want 1 to 65535", ErrInvalidRule, o.Value)
			}
			r.prio = n
			continue
		case "flowbits", "xbits", "hostbits":
			cmd, _, _ := strings.Cut(o.Value, ",")
			switch strings.ToLower(strings.TrimSpace(cmd)) {
			case "set", "unset", "toggle", "noalert":
				continue
			case "isset", "isnotset":
				info = false
				undecide(pos, kw, kw+":"+strings.TrimSpace(o.Value)+" depends on what other packets of the flow matched")
				continue
			default:
				return info, fmt.Errorf("%w: %s:%s: unknown command", ErrInvalidRule, kw, o.Value)
			}
		}
		info = false
		switch {
		case kw == "flow":
			for _, v := range strings.Split(o.Value, ",") {
				v = strings.ToLower(strings.TrimSpace(v))
				var est, dir int8
				switch v {
				case "established":
					est = 1
				case "not_established":
					est = -1
				case "stateless", "no_frag":
				case "to_server", "from_client":
					dir = 1
				case "to_client", "from_server":
					dir = -1
				case "only_frag":
					r.never = true
				case "only_stream", "no_stream":
					undecide(pos, kw, "flow:"+v+" depends on stream reassembly")
				default:
					return info, fmt.Errorf("%w: flow:%s: unknown flow option %q", ErrInvalidRule, o.Value, v)
				}
				if est != 0 {
					if r.est != 0 && r.est != est {
						return info, fmt.Errorf("%w: flow:%s: established and not_established together", ErrInvalidRule, o.Value)
					}
					r.est = est
				}
				if dir != 0 {
					if r.dir != 0 && r.dir != dir {
						return info, fmt.Errorf("%w: flow:%s: to_server and to_client together", ErrInvalidRule, o.Value)
					}
					r.dir = dir
				}
			}
		case kw == "ip_proto":
			n, err := parseIPProto(o.Value)
			if err != nil {
				return info, err
			}
			r.conds = append(r.conds, cond{kind: condIPProto, num: n})
		case kw == "itype" || kw == "icode":
			n, ok := parseIntCmp(o.Value)
			if !ok {
				undecide(pos, kw, kw+":"+o.Value+": a form reachsim does not read")
				continue
			}
			k := condIType
			if kw == "icode" {
				k = condICode
			}
			r.conds = append(r.conds, cond{kind: k, num: n})
		case kw == "sameip":
			r.conds = append(r.conds, cond{kind: condSameIP})
		case kw == "app-layer-protocol":
			v := strings.ToLower(strings.TrimSpace(o.Value))
			v, _, _ = strings.Cut(v, ",")
			c := cond{kind: condALP}
			if strings.HasPrefix(v, "!") {
				c.neg, v = true, strings.TrimSpace(v[1:])
			}
			if v == "" {
				return info, fmt.Errorf("%w: app-layer-protocol needs a protocol", ErrInvalidRule)
			}
			if v == "failed" {
				c.apps = []string{"none"}
			} else {
				c.apps = appsOf(canonApp(v))
			}
			r.conds = append(r.conds, c)
		case kw == "ssl_state":
			if err := needApp("tls"); err != nil {
				return info, err
			}
			c := cond{kind: condSSLState}
			for _, v := range strings.FieldsFunc(o.Value, func(r rune) bool { return r == '|' || r == ',' }) {
				v = strings.ToLower(strings.TrimSpace(v))
				s := sslState{}
				if strings.HasPrefix(v, "!") {
					s.neg, v = true, v[1:]
				}
				switch v {
				case "client_hello", "server_hello", "client_keyx", "server_keyx", "unknown":
				default:
					return info, fmt.Errorf("%w: ssl_state:%s: unknown state %q", ErrInvalidRule, o.Value, v)
				}
				s.name = v
				c.states = append(c.states, s)
			}
			if len(c.states) == 0 {
				return info, fmt.Errorf("%w: ssl_state needs a state", ErrInvalidRule)
			}
			r.conds = append(r.conds, c)
		case kw == "tls.sni" || kw == "tls_sni":
			if err := needApp("tls"); err != nil {
				return info, err
			}
			newBuf(bufSNI)
		case kw == "http.host":
			if err := needApp("http"); err != nil {
				return info, err
			}
			newBuf(bufHost)
		case kw == "http.header_names":
			if err := needApp("http"); err != nil {
				return info, err
			}
			newBuf(bufHeaderNames)
		case kw == "pkt_data":
			cur, curPayload = -1, true
		case kw == "content":
			pat, neg, err := decodeContent(o)
			if err != nil {
				return info, fmt.Errorf("%w: content: %w", ErrInvalidRule, err)
			}
			c := contentMatch{pat: pat, neg: neg}
			switch {
			case cur >= 0:
				r.bufs[cur].contents = append(r.bufs[cur].contents, c)
				lastWhere, lastBuf, lastIdx = inBuf, cur, len(r.bufs[cur].contents)-1
			case curPayload:
				payload = append(payload, payloadContent{pos, c})
				lastWhere, lastIdx = inPayload, len(payload)-1
			default:
				lastWhere = inOther
			}
		case contentModifiers[kw]:
			if lastWhere == nowhere {
				return info, fmt.Errorf("%w: %s without a content before it", ErrInvalidRule, kw)
			}
			c := lastContent()
			if c == nil {
				continue // a content of a buffer the engine cannot read
			}
			switch kw {
			case "nocase":
				c.nocase = true
			case "startswith":
				c.starts = true
			case "endswith":
				c.ends = true
			case "depth", "offset":
				n, err := strconv.Atoi(strings.TrimSpace(o.Value))
				if err != nil || n < 0 {
					return info, fmt.Errorf("%w: %s:%s: want a number", ErrInvalidRule, kw, o.Value)
				}
				if kw == "depth" {
					c.hasDepth, c.depth = true, n
				} else {
					c.offset = n
				}
			case "distance", "within":
				c.relative = true
				if lastWhere == inBuf {
					r.bufs[lastBuf].unknown = true
					undecide(pos, kw, kw+" (relative content matching) on "+bufNames[r.bufs[lastBuf].kind]+" is not modelled")
				}
			}
		case kw == "http_host" && o.Value == "":
			// Legacy modifier: the content before it matches the Host.
			if err := needApp("http"); err != nil {
				return info, err
			}
			if lastWhere != inPayload { // written as a sticky buffer
				newBuf(bufHost)
				continue
			}
			c := payload[lastIdx]
			payload = slices.Delete(payload, lastIdx, lastIdx+1)
			r.bufs = append(r.bufs, buffer{kind: bufHost, contents: []contentMatch{c.c}, unknown: c.c.relative})
			if c.c.relative {
				undecide(pos, kw, "relative content matching (distance, within) on http.host is not modelled")
			}
			lastWhere, lastBuf, lastIdx = inBuf, len(r.bufs)-1, 0
		case strings.HasPrefix(kw, "http_") && o.Value == "" && appKeyword(kw) != "":
			// Legacy HTTP content modifiers (http_uri, http_header, ...).
			if err := needApp("http"); err != nil {
				return info, err
			}
			if lastWhere != inPayload { // written as a sticky buffer
				cur, curPayload = -1, false
				undecide(pos, kw, "the "+kw+" buffer is not something a session describes")
				continue
			}
			payload = slices.Delete(payload, lastIdx, lastIdx+1)
			lastWhere = inOther
			undecide(pos, kw, "content with "+kw+" inspects an HTTP field a session does not describe")
		case transformKeywords[kw]:
			switch {
			case cur >= 0:
				b := &r.bufs[cur]
				switch kw {
				case "dotprefix":
					b.dot = true
				case "to_lowercase":
					b.lower = true
				case "strip_whitespace", "compress_whitespace":
					// a host name holds no white space
				default:
					b.unknown = true
					undecide(pos, kw, "transform "+kw+" on "+bufNames[b.kind]+" is not modelled")
				}
			case curPayload:
				return info, fmt.Errorf("%w: transform %s must follow a sticky buffer", ErrInvalidRule, kw)
			}
		case kw == "bsize" || payloadKeywords[kw]:
			switch {
			case cur >= 0:
				r.bufs[cur].unknown = true
				undecide(pos, kw, kw+" on "+bufNames[r.bufs[cur].kind]+" is not modelled")
			case curPayload && kw == "bsize":
				return info, fmt.Errorf("%w: bsize must follow a sticky buffer", ErrInvalidRule)
			case curPayload:
				r.needsPayload = true
				undecide(pos, kw, kw+" inspects the payload, which a session does not describe")
			}
		default:
			app := appKeyword(kw)
			if app != "" {
				if err := needApp(app); err != nil {
					return info, err
				}
			}
			if o.Value == "" && (app != "" || strings.Contains(kw, ".") || kw == "file_data") {
				// Another sticky buffer: what follows inspects it.
				cur, curPayload = -1, false
				undecide(pos, kw, "the "+kw+" buffer is not something a session describes")
				continue
			}
			why := "keyword " + kw + " is not modelled"
			switch kw {
			case "geoip":
				why = "geoip depends on where the addresses are located"
			case "dsize", "ttl", "tos", "id", "window", "flags", "tcp.flags", "seq", "ack", "fragbits", "fragoffset", "ipopts", "icmp_id", "icmp_seq":
				why = kw + " depends on packet header fields a session does not describe"
			case "threshold", "detection_filter":
				why = kw + " depends on how many packets matched before"
			case "flowint", "stream_size", "flow.age", "flow.pkts", "flow.bytes":
				why = kw + " depends on the flow's history"
			}
			undecide(pos, kw, why)
		}
	}
	if len(payload) > 0 {
		r.needsPayload = true
		for _, c := range payload {
			undecide(c.pos, "content", "content matches the payload, which a session does not describe")
		}
	}
	if len(und) > 0 {
		first := slices.MinFunc(und, func(a, b undecided) int { return a.pos - b.pos })
		r.unknownKW, r.unknownWhy = first.keyword, first.why
	}
	return info, nil
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

// match applies r to one stage's packet.
func (r *rule) match(p *packet) matchResult {
	if r.never {
		return matchNo
	}
	spec := p.spec
	if r.ipOnly && spec.stage > OpenReply {
		return matchNo
	}
	if len(r.apps) > 0 && (!p.appKnown || !slices.Contains(r.apps, p.app)) {
		return matchNo
	}
	if r.protoAny {
		if r.family == 4 && !p.f.Src.Addr().Is4() || r.family == 6 && p.f.Src.Addr().Is4() {
			return matchNo
		}
	} else if !r.hasProto(p.f.Protocol) {
		return matchNo
	}
	if r.est > 0 && !spec.established || r.est < 0 && spec.established {
		return matchNo
	}
	if r.dir > 0 && !spec.toServer || r.dir < 0 && spec.toServer {
		return matchNo
	}
	if r.needsPayload && !spec.payload {
		return matchNo
	}
	if !r.header(p) {
		return matchNo
	}
	res := matchYes
	for i := range r.conds {
		switch r.conds[i].eval(p) {
		case matchNo:
			return matchNo
		case matchMaybe:
			res = matchMaybe
		}
	}
	for i := range r.bufs {
		switch r.bufs[i].eval(p) {
		case matchNo:
			return matchNo
		case matchMaybe:
			res = matchMaybe
		}
	}
	if r.unknownKW != "" {
		res = matchMaybe
	}
	return res
}

// header matches addresses and ports, both ways for "<>".
func (r *rule) header(p *packet) bool {
	src, dst := p.f.Src.Addr(), p.f.Dst.Addr()
	sp, dp := p.f.Src.Port(), p.f.Dst.Port()
	ports := p.hasPorts()
	fits := func(set *flow.PortSet, any bool, port uint16) bool {
		return any || ports && set.Contains(port)
	}
	if (r.srcAny || r.src.Contains(src)) && (r.dstAny || r.dst.Contains(dst)) &&
		fits(&r.sp, r.spAny, sp) && fits(&r.dp, r.dpAny, dp) {
		return true
	}
	return r.bidir && (r.srcAny || r.src.Contains(dst)) && (r.dstAny || r.dst.Contains(src)) &&
		fits(&r.sp, r.spAny, dp) && fits(&r.dp, r.dpAny, sp)
}

func (c *cond) eval(p *packet) matchResult {
	var ok bool
	switch c.kind {
	case condIPProto:
		ok = c.num.test(int(p.f.Protocol))
	case condIType:
		ok = p.f.Protocol.IsICMP() && c.num.test(int(p.f.ICMPType))
	case condICode:
		ok = p.f.Protocol.IsICMP() && c.num.test(int(p.f.ICMPCode))
	case condSameIP:
		ok = p.f.Src.Addr() == p.f.Dst.Addr()
	case condALP:
		ok = p.appKnown && slices.Contains(c.apps, p.app) != c.neg
	case condSSLState:
		cur := ""
		switch {
		case p.spec.request:
			cur = "client_hello"
		case p.spec.response:
			cur = "server_hello"
		}
		unknown := false
		for _, s := range c.states {
			if s.name != "client_hello" && s.name != "server_hello" {
				unknown = true
				continue
			}
			if (cur == s.name) != s.neg {
				return matchYes
			}
		}
		if unknown {
			return matchMaybe
		}
		return matchNo
	}
	if ok {
		return matchYes
	}
	return matchNo
}

func (b *buffer) eval(p *packet) matchResult {
	var buf []byte
	switch b.kind {
	case bufSNI:
		if !p.sniVisible {
			return matchNo
		}
		buf = p.rawDot
		if b.lower {
			buf = p.lowDot
		}
	case bufHost:
		if !p.hostVisible {
			return matchNo
		}
		buf = p.lowDot
	case bufHeaderNames:
		if !p.httpRequest {
			return matchNo
		}
		// The buffer is unknown except that it starts with "\r\n".
		for i := range b.contents {
			c := &b.contents[i]
			if c.neg || !c.starts || c.ends || c.hasDepth || c.offset != 0 || len(c.pat) > 2 || string(c.pat) != "\r\n"[:len(c.pat)] {
				return matchMaybe
			}
		}
		if b.unknown {
			return matchMaybe
		}
		return matchYes
	}
	if !b.dot {
		buf = buf[1:]
	}
	res := matchYes
	for i := range b.contents {
		c := &b.contents[i]
		if c.find(buf) == c.neg {
			res = matchNo
			break
		}
	}
	if b.unknown && res == matchYes {
		return matchMaybe
	}
	return res
}

// find reports whether c's pattern occurs in buf where its modifiers
// allow.
func (c *contentMatch) find(buf []byte) bool {
	n := len(c.pat)
	lo, hi := c.offset, len(buf)-n // candidate start positions
	if c.hasDepth {
		hi = min(hi, c.offset+c.depth-n)
	}
	if c.starts {
		hi = min(hi, lo)
		if lo != 0 {
			return false
		}
	}
	if c.ends {
		lo = max(lo, len(buf)-n)
	}
	for i := lo; i <= hi; i++ {
		if i < 0 {
			continue
		}
		if equalBytes(buf[i:i+n], c.pat, c.nocase) {
			return true
		}
	}
	return false
}

func equalBytes(a, b []byte, nocase bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x != y {
			if !nocase {
				return false
			}
			if 'A' <= x && x <= 'Z' {
				x += 'a' - 'A'
			}
			if 'A' <= y && y <= 'Z' {
				y += 'a' - 'A'
			}
			if x != y {
				return false
			}
		}
	}
	return true
}

package stateful

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall/suricata"
)

// Rule options: one small compiler per Suricata keyword, found through the
// keywords table; keywords the table does not hold go to compileOther.

// undecided is one option the engine cannot decide, at its position.
type undecided struct {
	pos     int
	keyword string
	why     string
}

// Where the last content option went.
const (
	nowhere   = iota // no content yet
	inBuf            // r.bufs[lastBuf].contents[lastIdx]
	inPayload        // payload[lastIdx]
	inOther          // a buffer the engine cannot read
)

// payloadContent is a content option on the payload, at its position.
type payloadContent struct {
	pos int
	c   contentMatch
}

// options is the state of compiling one rule's options, in order.
type options struct {
	r     *rule
	order RuleOrder
	// info stays true while every option is informational (for the
	// IP-only classification).
	info bool
	und  []undecided
	// The active sticky buffer: cur >= 0 is r.bufs[cur], curPayload the
	// payload, otherwise a buffer the engine cannot read.
	cur        int
	curPayload bool
	payload    []payloadContent
	// The last content, see the constants above.
	lastWhere, lastBuf, lastIdx int
	// alps are the rule's app-layer-protocol values so far, for
	// Suricata's conflict check.
	alps []alpValue
	// sc is what the rule's action scope depends on (scope.go).
	sc scopeFacts
}

// keyword compiles one option at position pos.
type keyword struct {
	// info: the keyword does not affect matching (the compiler may still
	// clear options.info, as flowbits:isset does).
	info    bool
	compile func(c *options, pos int, o suricata.Option) error
}

// keywords maps each keyword the engine knows by name to its compiler.
// It is filled in init from the tables in options.go and the compilers
// below.
var keywords map[string]keyword

func init() {
	keywords = map[string]keyword{
		"priority":           {info: true, compile: (*options).priority},
		"flowbits":           {info: true, compile: (*options).flowbits},
		"xbits":              {info: true, compile: (*options).flowbits},
		"hostbits":           {info: true, compile: (*options).flowbits},
		"flow":               {compile: (*options).flow},
		"ip_proto":           {compile: (*options).ipProto},
		"itype":              {compile: (*options).icmpField},
		"icode":              {compile: (*options).icmpField},
		"sameip":             {compile: (*options).sameIP},
		"app-layer-protocol": {compile: (*options).appLayerProtocol},
		"ssl_state":          {compile: (*options).sslState},
		"tls.sni":            {compile: stickyBuffer("tls", bufSNI)},
		"tls_sni":            {compile: stickyBuffer("tls", bufSNI)},
		"http.host":          {compile: stickyBuffer("http", bufHost)},
		"http.header_names":  {compile: stickyBuffer("http", bufHeaderNames)},
		"pkt_data":           {compile: (*options).pktData},
		"content":            {compile: (*options).content},
		"bsize":              {compile: (*options).bufferOrPayload},
	}
	for kw := range infoKeywords {
		keywords[kw] = keyword{info: true, compile: func(*options, int, suricata.Option) error { return nil }}
	}
	for kw := range contentModifiers {
		keywords[kw] = keyword{compile: (*options).contentModifier}
	}
	for kw := range transformKeywords {
		keywords[kw] = keyword{compile: (*options).transform}
	}
	for kw := range payloadKeywords {
		keywords[kw] = keyword{compile: (*options).bufferOrPayload}
	}
}

// compileOptions compiles a rule's options into r. It reports whether
// every option is informational (for the IP-only classification).
func compileOptions(r *rule, sr *suricata.Rule, order RuleOrder) (info bool, err error) {
	c := options{r: r, order: order, info: true, cur: -1, curPayload: true}
	headerApp := len(r.apps) > 0 // the header names an application protocol
	defer func() {
		r.pktWhy = c.sc.packetScope(headerApp, r.spAny && r.dpAny)
		r.stream = !c.sc.appTx && c.sc.payload
	}()
	for pos, o := range sr.Options {
		k, ok := keywords[o.Keyword]
		if !ok {
			k = keyword{compile: (*options).other}
		}
		if !k.info {
			c.info = false
		}
		if err := k.compile(&c, pos, o); err != nil {
			return c.info, err
		}
	}
	c.sc.payload = len(c.payload) > 0 || r.needsPayload
	if err := checkHostContents(r.bufs); err != nil {
		return c.info, err
	}
	if len(c.payload) > 0 {
		r.needsPayload = true
		for _, p := range c.payload {
			c.undecide(p.pos, "content", "content matches the payload, which a session does not describe")
		}
	}
	if len(c.und) > 0 {
		first := slices.MinFunc(c.und, func(a, b undecided) int { return a.pos - b.pos })
		r.unknownKW, r.unknownWhy = first.keyword, first.why
	}
	return c.info, nil
}

// checkHostContents refuses the http.host contents Suricata refuses
// (DetectHttpHostValidateCallback): the buffer is normalised to lower
// case, so a content with an upper-case letter (which could never match)
// or with nocase (redundant) makes the rule invalid, and Network Firewall
// rejects its rule group.
func checkHostContents(bufs []buffer) error {
	for _, b := range bufs {
		if b.kind != bufHost {
			continue
		}
		for _, m := range b.contents {
			if m.nocase {
				return fmt.Errorf("%w: http.host content %q with nocase: Suricata refuses the rule, the buffer is lower case and nocase redundant: remove nocase", ErrInvalidRule, m.pat)
			}
			if slices.ContainsFunc(m.pat, func(c byte) bool { return 'A' <= c && c <= 'Z' }) {
				return fmt.Errorf("%w: http.host content %q has upper-case letters: Suricata refuses the rule, the buffer is lower case: write %q", ErrInvalidRule, m.pat, strings.ToLower(string(m.pat)))
			}
		}
	}
	return nil
}

func (c *options) undecide(pos int, kw, why string) {
	c.und = append(c.und, undecided{pos, kw, why})
}

// needApp narrows the rule to the application protocol app's keywords
// need; a rule whose protocol or earlier keywords need another is an
// error.
func (c *options) needApp(app string) error {
	r := c.r
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

func (c *options) newBuf(kind bufferKind) {
	c.r.bufs = append(c.r.bufs, buffer{kind: kind})
	c.cur, c.curPayload = len(c.r.bufs)-1, false
}

// lastContent returns the last content, nil when it is in a buffer the
// engine cannot read (or there is none).
func (c *options) lastContent() *contentMatch {
	switch c.lastWhere {
	case inBuf:
		return &c.r.bufs[c.lastBuf].contents[c.lastIdx]
	case inPayload:
		return &c.payload[c.lastIdx].c
	}
	return nil
}

// unreadableBuffer makes what follows inspect a sticky buffer a session
// does not describe.
func (c *options) unreadableBuffer(pos int, kw string) {
	c.cur, c.curPayload = -1, false
	c.undecide(pos, kw, "the "+kw+" buffer is not something a session describes")
}

// priority compiles the priority keyword, 1 to 65535 as AWS's current
// Developer Guide documents it ("Managing evaluation order for IPS
// rules"); the older page "Evaluation order for stateful rule groups"
// said 1 to 255, and Suricata itself takes any number.
func (c *options) priority(_ int, o suricata.Option) error {
	if c.order == StrictOrder {
		return fmt.Errorf("%w: the priority keyword is not allowed in STRICT_ORDER rule groups", ErrInvalidRule)
	}
	n, err := strconv.Atoi(strings.TrimSpace(o.Value))
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%w: priority %q: want 1 to 65535", ErrInvalidRule, o.Value)
	}
	c.r.prio = n
	return nil
}

// flowbits compiles flowbits, xbits and hostbits: setting a bit decides
// nothing; testing one depends on other packets.
func (c *options) flowbits(pos int, o suricata.Option) error {
	kw := o.Keyword
	cmd, _, _ := strings.Cut(o.Value, ",")
	switch strings.ToLower(strings.TrimSpace(cmd)) {
	case "set", "unset", "toggle", "noalert":
		return nil
	case "isset", "isnotset":
		c.info = false
		c.sc.packetKeyword(kw)
		c.undecide(pos, kw, kw+":"+strings.TrimSpace(o.Value)+" depends on what other packets of the flow matched")
		return nil
	}
	return fmt.Errorf("%w: %s:%s: unknown command", ErrInvalidRule, kw, o.Value)
}

func (c *options) flow(pos int, o suricata.Option) error {
	r := c.r
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
			r.never, r.neverWhy = true, "flow:only_frag: reachsim's sessions carry no fragments"
		case "only_stream", "no_stream":
			c.undecide(pos, o.Keyword, "flow:"+v+" depends on stream reassembly")
		default:
			return fmt.Errorf("%w: flow:%s: unknown flow option %q", ErrInvalidRule, o.Value, v)
		}
		if dir != 0 {
			c.sc.flowDir = true
		} else {
			c.sc.flowState = true
		}
		if est != 0 {
			if r.est != 0 && r.est != est {
				return fmt.Errorf("%w: flow:%s: established and not_established together", ErrInvalidRule, o.Value)
			}
			r.est = est
		}
		if dir != 0 {
			if r.dir != 0 && r.dir != dir {
				return fmt.Errorf("%w: flow:%s: to_server and to_client together", ErrInvalidRule, o.Value)
			}
			r.dir = dir
		}
	}
	return nil
}

func (c *options) ipProto(_ int, o suricata.Option) error {
	n, err := parseIPProto(o.Value)
	if err != nil {
		return err
	}
	c.r.conds = append(c.r.conds, cond{kind: condIPProto, num: n})
	c.sc.packetKeyword(o.Keyword)
	return nil
}

// icmpField compiles itype and icode.
func (c *options) icmpField(pos int, o suricata.Option) error {
	c.sc.packetKeyword(o.Keyword)
	n, ok := parseIntCmp(o.Value)
	if !ok {
		c.undecide(pos, o.Keyword, o.Keyword+":"+o.Value+": a form reachsim does not read")
		return nil
	}
	if n.a > 255 || n.b > 255 {
		return fmt.Errorf("%w: %s:%s: an ICMP type or code is one byte, 0 to 255, and Suricata refuses a value beyond it", ErrInvalidRule, o.Keyword, o.Value)
	}
	k := condIType
	if o.Keyword == "icode" {
		k = condICode
	}
	c.r.conds = append(c.r.conds, cond{kind: k, num: n})
	return nil
}

func (c *options) sameIP(_ int, o suricata.Option) error {
	c.sc.packetKeyword(o.Keyword)
	c.r.conds = append(c.r.conds, cond{kind: condSameIP})
	return nil
}

// alpValue is one app-layer-protocol value: its protocols (as appsOf
// gives them, "none" for failed), negation and mode.
type alpValue struct {
	apps []string
	neg  bool
	mode string
}

// alpModes are the modes app-layer-protocol takes after a comma
// (Suricata's DetectAppLayerProtocolParse). Each reads the protocol
// Suricata detected on one direction, on either, or the final or
// original one; a session here speaks one protocol both ways, so the
// mode does not change what matches (a stated limit: Suricata's
// to_client on a client packet before the server answered sees no
// protocol yet).
var alpModes = map[string]bool{"direction": true, "final": true, "original": true, "either": true, "to_server": true, "to_client": true}

// appLayerProtocol compiles app-layer-protocol:[!]NAME[,MODE], refusing
// what Suricata 7.0 (Network Firewall's, AWS "Best practices for writing
// Suricata compatible rules") refuses in src/detect-app-layer-protocol.c:
// a name it does not know (unknown is Suricata 8's, and not negatable
// there), a mode it does not know, the keyword in a rule that already has
// an application protocol (its header protocol or an earlier tls.sni,
// http.host or ssl_state: DetectAppLayerProtocolSetup, unit tests 06 and
// 07), and, among values of the same mode, a positive value beside any
// other, a negated beside a positive one or one value twice
// (HasConflicts, tests 08 to 10).
func (c *options) appLayerProtocol(_ int, o suricata.Option) error {
	text := "app-layer-protocol:" + strings.TrimSpace(o.Value)
	c.sc.alp = true
	if len(c.r.apps) > 0 {
		return fmt.Errorf("%w: %s in a rule already for %s (its protocol or an earlier keyword): Suricata refuses app-layer-protocol there; write the rule for tcp or udp",
			ErrInvalidRule, text, strings.Join(c.r.apps, "/"))
	}
	v := strings.ToLower(strings.TrimSpace(o.Value))
	cd := cond{kind: condALP}
	if strings.HasPrefix(v, "!") {
		cd.neg, v = true, strings.TrimSpace(v[1:])
	}
	v, mode, hasMode := strings.Cut(v, ",")
	v = strings.TrimSpace(v)
	if v == "" {
		return fmt.Errorf("%w: %s: app-layer-protocol needs a protocol", ErrInvalidRule, text)
	}
	if mode = strings.TrimSpace(mode); !hasMode {
		mode = "direction"
	} else if !alpModes[mode] {
		return fmt.Errorf("%w: %s: unknown mode %q (Suricata refuses the rule): want direction, final, original, either, to_server or to_client",
			ErrInvalidRule, text, mode)
	}
	switch {
	case v == "failed":
		cd.apps = []string{"none"}
	case v == "unknown":
		return fmt.Errorf("%w: %s: Suricata 7.0, which Network Firewall runs, knows no protocol \"unknown\" (Suricata 8 adds it, and refuses it negated)",
			ErrInvalidRule, text)
	case !knownApp(v):
		return fmt.Errorf("%w: %s: unknown application protocol %q (Suricata refuses the rule): want failed or one of %s",
			ErrInvalidRule, text, v, strings.Join(ruleAppNames(), ", "))
	default:
		cd.apps = appsOf(v)
	}
	us := alpValue{apps: cd.apps, neg: cd.neg, mode: mode}
	for _, them := range c.alps {
		if them.mode != mode {
			continue
		}
		if !us.neg || !them.neg || slices.Equal(us.apps, them.apps) {
			return fmt.Errorf("%w: %s: Suricata refuses a positive app-layer-protocol beside another, a negated one beside a positive one, and one value twice",
				ErrInvalidRule, text)
		}
	}
	c.alps = append(c.alps, us)
	c.r.conds = append(c.r.conds, cd)
	return nil
}

func (c *options) sslState(_ int, o suricata.Option) error {
	c.sc.appTx = true
	if err := c.needApp("tls"); err != nil {
		return err
	}
	cd := cond{kind: condSSLState}
	for _, v := range strings.FieldsFunc(o.Value, func(r rune) bool { return r == '|' || r == ',' }) {
		v = strings.ToLower(strings.TrimSpace(v))
		s := sslState{}
		if strings.HasPrefix(v, "!") {
			s.neg, v = true, v[1:]
		}
		switch v {
		case "client_hello", "server_hello", "client_keyx", "server_keyx", "unknown":
		default:
			return fmt.Errorf("%w: ssl_state:%s: unknown state %q", ErrInvalidRule, o.Value, v)
		}
		s.name = v
		cd.states = append(cd.states, s)
	}
	if len(cd.states) == 0 {
		return fmt.Errorf("%w: ssl_state needs a state", ErrInvalidRule)
	}
	c.r.conds = append(c.r.conds, cd)
	return nil
}

// stickyBuffer returns the compiler of a sticky buffer the engine reads.
func stickyBuffer(app string, kind bufferKind) func(*options, int, suricata.Option) error {
	return func(c *options, _ int, _ suricata.Option) error {
		c.sc.appTx = true
		if err := c.needApp(app); err != nil {
			return err
		}
		c.newBuf(kind)
		return nil
	}
}

func (c *options) pktData(int, suricata.Option) error {
	c.cur, c.curPayload = -1, true
	return nil
}

func (c *options) content(pos int, o suricata.Option) error {
	pat, neg, err := decodeContent(o)
	if err != nil {
		return fmt.Errorf("%w: content: %w", ErrInvalidRule, err)
	}
	m := contentMatch{pat: pat, neg: neg}
	switch {
	case c.cur >= 0:
		b := &c.r.bufs[c.cur]
		b.contents = append(b.contents, m)
		c.lastWhere, c.lastBuf, c.lastIdx = inBuf, c.cur, len(b.contents)-1
	case c.curPayload:
		c.payload = append(c.payload, payloadContent{pos, m})
		c.lastWhere, c.lastIdx = inPayload, len(c.payload)-1
	default:
		c.lastWhere = inOther
	}
	return nil
}

func (c *options) contentModifier(pos int, o suricata.Option) error {
	kw := o.Keyword
	if c.lastWhere == nowhere {
		return fmt.Errorf("%w: %s without a content before it", ErrInvalidRule, kw)
	}
	m := c.lastContent()
	if m == nil {
		return nil // a content of a buffer the engine cannot read
	}
	switch kw {
	case "nocase":
		m.nocase = true
	case "startswith":
		m.starts = true
	case "endswith":
		m.ends = true
	case "depth", "offset":
		n, err := strconv.Atoi(strings.TrimSpace(o.Value))
		if err != nil || n < 0 {
			return fmt.Errorf("%w: %s:%s: want a number", ErrInvalidRule, kw, o.Value)
		}
		if kw == "depth" {
			m.hasDepth, m.depth = true, n
		} else {
			m.offset = n
		}
	case "distance", "within":
		m.relative = true
		if c.lastWhere == inBuf {
			b := &c.r.bufs[c.lastBuf]
			b.unknown = true
			c.undecide(pos, kw, kw+" (relative content matching) on "+bufNames[b.kind]+" is not modelled")
		}
	}
	return nil
}

func (c *options) transform(pos int, o suricata.Option) error {
	kw := o.Keyword
	switch {
	case c.cur >= 0:
		b := &c.r.bufs[c.cur]
		switch kw {
		case "dotprefix":
			b.dot = true
		case "to_lowercase":
			b.lower = true
		case "strip_whitespace", "compress_whitespace":
			// a host name holds no white space
		default:
			b.unknown = true
			c.undecide(pos, kw, "transform "+kw+" on "+bufNames[b.kind]+" is not modelled")
		}
	case c.curPayload:
		return fmt.Errorf("%w: transform %s must follow a sticky buffer", ErrInvalidRule, kw)
	}
	return nil
}

// bufferOrPayload compiles bsize and the payload keywords (pcre,
// byte_test, ...): undecidable on a buffer the engine reads and on the
// payload.
func (c *options) bufferOrPayload(pos int, o suricata.Option) error {
	kw := o.Keyword
	switch {
	case c.cur >= 0:
		c.r.bufs[c.cur].unknown = true
		c.undecide(pos, kw, kw+" on "+bufNames[c.r.bufs[c.cur].kind]+" is not modelled")
	case c.curPayload && kw == "bsize":
		return fmt.Errorf("%w: bsize must follow a sticky buffer", ErrInvalidRule)
	case c.curPayload:
		c.r.needsPayload = true
		c.undecide(pos, kw, kw+" inspects the payload, which a session does not describe")
	}
	return nil
}

// legacyHTTPHost compiles http_host without a value: the legacy modifier
// that makes the content before it match the Host.
func (c *options) legacyHTTPHost(pos int, o suricata.Option) error {
	c.sc.appTx = true
	if err := c.needApp("http"); err != nil {
		return err
	}
	if c.lastWhere != inPayload { // written as a sticky buffer
		c.newBuf(bufHost)
		return nil
	}
	p := c.payload[c.lastIdx]
	c.payload = slices.Delete(c.payload, c.lastIdx, c.lastIdx+1)
	c.r.bufs = append(c.r.bufs, buffer{kind: bufHost, contents: []contentMatch{p.c}, unknown: p.c.relative})
	if p.c.relative {
		c.undecide(pos, o.Keyword, "relative content matching (distance, within) on http.host is not modelled")
	}
	c.lastWhere, c.lastBuf, c.lastIdx = inBuf, len(c.r.bufs)-1, 0
	return nil
}

// legacyHTTP compiles the other legacy HTTP content modifiers (http_uri,
// http_header, ...) without a value.
func (c *options) legacyHTTP(pos int, o suricata.Option) error {
	kw := o.Keyword
	c.sc.appTx = true
	if err := c.needApp("http"); err != nil {
		return err
	}
	if c.lastWhere != inPayload { // written as a sticky buffer
		c.unreadableBuffer(pos, kw)
		return nil
	}
	c.payload = slices.Delete(c.payload, c.lastIdx, c.lastIdx+1)
	c.lastWhere = inOther
	c.undecide(pos, kw, "content with "+kw+" inspects an HTTP field a session does not describe")
	return nil
}

// otherWhy says why a keyword the engine does not model cannot be
// decided, when there is more to say than that.
var otherWhy = map[string]string{
	"geoip":            "geoip depends on where the addresses are located",
	"threshold":        "threshold depends on how many packets matched before",
	"detection_filter": "detection_filter depends on how many packets matched before",
}

func init() {
	for _, kw := range []string{"dsize", "ttl", "tos", "id", "window", "flags", "tcp.flags", "seq", "ack", "fragbits", "fragoffset", "ipopts", "icmp_id", "icmp_seq"} {
		otherWhy[kw] = kw + " depends on packet header fields a session does not describe"
	}
	for _, kw := range []string{"flowint", "stream_size", "flow.age", "flow.pkts", "flow.bytes"} {
		otherWhy[kw] = kw + " depends on the flow's history"
	}
}

// other compiles a keyword the table does not hold: the legacy HTTP
// modifiers, sticky buffers the engine cannot read, and keywords it does
// not model, all undecidable.
func (c *options) other(pos int, o suricata.Option) error {
	kw := o.Keyword
	if o.Value == "" && kw == "http_host" {
		return c.legacyHTTPHost(pos, o)
	}
	app := appKeyword(kw)
	if o.Value == "" && app != "" && strings.HasPrefix(kw, "http_") {
		return c.legacyHTTP(pos, o)
	}
	if app != "" {
		if err := c.needApp(app); err != nil {
			return err
		}
	}
	if o.Value == "" && (app != "" || strings.Contains(kw, ".") || kw == "file_data") {
		// Another sticky buffer: what follows inspects it.
		c.sc.appTx = true
		c.unreadableBuffer(pos, kw)
		return nil
	}
	switch {
	case app != "":
		c.sc.appTx = true
	case kw == "geoip":
		c.sc.geoip = true
	case kw != "threshold" && kw != "detection_filter":
		c.sc.packetKeyword(kw)
	}
	why, ok := otherWhy[kw]
	if !ok {
		why = "keyword " + kw + " is not modelled"
	}
	c.undecide(pos, kw, why)
	return nil
}

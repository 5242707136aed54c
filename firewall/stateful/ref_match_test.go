package stateful

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
)

// The reference's rule matching and evaluation (ref_test.go holds its
// types and its address and port expressions).

// refInfoKeywords are the options that do not affect matching.
var refInfoKeywords = map[string]bool{"sid": true, "msg": true, "rev": true, "gid": true, "classtype": true,
	"metadata": true, "reference": true, "priority": true, "noalert": true, "target": true, "tag": true}

// matchRule returns 0 (no), 1 (yes) or 2 (unknown) and the undecidable keyword.
func (e *refEngine) matchRule(rr *refRule, p refPacket) (int, string) {
	sr, g := &rr.sr, rr.g
	if rr.opaque {
		return 2, UnknownOpaqueGroup // any packet, whatever its header
	}
	proto := sr.Protocol
	var needApp []string
	switch proto {
	case "ip":
	case "tcp":
		if p.f.Protocol != flow.TCP {
			return 0, ""
		}
	case "udp":
		if p.f.Protocol != flow.UDP {
			return 0, ""
		}
	case "icmp":
		if !p.f.Protocol.IsICMP() {
			return 0, ""
		}
	default:
		needApp = append(needApp, proto)
	}
	// Walk the options once: classify, and evaluate what is decidable.
	ipOnly := proto == "ip" || proto == "tcp" || proto == "udp" || proto == "icmp"
	decided := true // every decidable condition holds so far
	unknownKW := ""
	if rr.disputed {
		unknownKW = UnknownGeneratedDrop
	}
	domainKW := "" // the buffer that reads the domain the session does not give
	needPayload := false
	buf := ""    // the active sticky buffer: "", "tls.sni", "http.host", "http.header_names", "dns.query"
	dot := false // dotprefix on the active buffer
	type content struct {
		buf                     string
		dot                     bool
		pat                     string
		neg, nocase, start, end bool
	}
	var contents []content
	fail := func() { decided = false }
	for _, o := range sr.Options {
		kw := o.Keyword
		if refInfoKeywords[kw] {
			continue
		}
		if kw == "flowbits" {
			if strings.HasPrefix(o.Value, "isset") {
				ipOnly = false
				if unknownKW == "" {
					unknownKW = kw
				}
			}
			continue
		}
		ipOnly = false
		switch kw {
		case "flow":
			for _, v := range strings.Split(o.Value, ",") {
				switch strings.TrimSpace(v) {
				case "established":
					if !p.st.established {
						fail()
					}
				case "not_established":
					if p.st.established {
						fail()
					}
				case "to_server", "from_client":
					if !p.st.toServer {
						fail()
					}
				case "to_client", "from_server":
					if p.st.toServer {
						fail()
					}
				}
			}
		case "ip_proto":
			v := o.Value
			op := byte('=')
			if strings.ContainsAny(v[:1], "!<>") {
				op, v = v[0], v[1:]
			}
			pr, _ := flow.ParseProtocol(v)
			n := int(p.f.Protocol)
			ok := map[byte]bool{'=': n == int(pr), '!': n != int(pr), '<': n < int(pr), '>': n > int(pr)}[op]
			if !ok {
				fail()
			}
		case "itype", "icode":
			v := p.f.ICMPType
			if kw == "icode" {
				v = p.f.ICMPCode
			}
			n, _ := strconv.Atoi(strings.TrimPrefix(o.Value, ">"))
			ok := int(v) == n
			if strings.HasPrefix(o.Value, ">") {
				ok = int(v) > n
			}
			if !p.f.Protocol.IsICMP() || !ok {
				fail()
			}
		case "sameip":
			if p.f.Src.Addr() != p.f.Dst.Addr() {
				fail()
			}
		case "app-layer-protocol":
			v := o.Value
			neg := strings.HasPrefix(v, "!")
			v = strings.TrimPrefix(v, "!")
			if p.app == "" {
				fail()
				continue
			}
			v, _, _ = strings.Cut(v, ",") // the mode: a session speaks one protocol both ways
			is := refAppIs(strings.ToLower(v), p.app)
			if v == "failed" {
				is = p.app == "none"
			}
			if is == neg {
				fail()
			}
		case "ssl_state":
			needApp = append(needApp, "tls")
			cur := ""
			if p.st.request {
				cur = "client_hello"
			} else if p.st.response {
				cur = "server_hello"
			}
			if o.Value != cur {
				fail()
			}
		case "tls.sni", "http.host", "http.header_names":
			buf, dot = kw, false
			needApp = append(needApp, map[string]string{"tls.sni": "tls", "http.host": "http", "http.header_names": "http"}[kw])
		case "dns.query":
			buf = kw
			needApp = append(needApp, "dns")
			if unknownKW == "" {
				unknownKW = kw
			}
		case "dotprefix":
			dot = true
			for i := range contents {
				if contents[i].buf == buf {
					contents[i].dot = true
				}
			}
		case "content":
			pat, neg, err := decodeContent(o)
			if err != nil {
				panic(err)
			}
			contents = append(contents, content{buf: buf, dot: dot, pat: string(pat), neg: neg})
			if buf == "" {
				needPayload = true
				if unknownKW == "" {
					unknownKW = kw
				}
			}
		case "nocase":
			contents[len(contents)-1].nocase = true
		case "startswith":
			contents[len(contents)-1].start = true
		case "endswith":
			contents[len(contents)-1].end = true
		case "pcre":
			if buf == "" {
				needPayload = true
			}
			if unknownKW == "" {
				unknownKW = kw
			}
		default: // geoip and the like
			if unknownKW == "" {
				unknownKW = kw
			}
		}
	}
	for _, a := range needApp {
		if p.app == "" || !refAppIs(a, p.app) {
			return 0, ""
		}
	}
	if ipOnly && (!e.portsAll(g, sr.SrcPorts) || !e.portsAll(g, sr.DstPorts) || refHasNegation(g, sr.Src) || refHasNegation(g, sr.Dst)) {
		ipOnly = false
	}
	if ipOnly && !p.first {
		return 0, ""
	}
	if needPayload && !p.st.payload {
		return 0, ""
	}
	// header
	src, dst := p.f.Src.Addr(), p.f.Dst.Addr()
	ports := p.f.Protocol == flow.TCP || p.f.Protocol == flow.UDP
	portOK := func(x suricata.PortExpr, port uint16) bool {
		if e.portsAll(g, x) {
			return true
		}
		return ports && e.inPort(g, x, port)
	}
	srcMay, srcSure := e.inAddr(g, sr.Src, src)
	dstMay, dstSure := e.inAddr(g, sr.Dst, dst)
	fwdPorts := portOK(sr.SrcPorts, p.f.Src.Port()) && portOK(sr.DstPorts, p.f.Dst.Port())
	fwd, fwdSure := srcMay && dstMay && fwdPorts, srcSure && dstSure && fwdPorts
	back, backSure := false, false
	if sr.Bidirectional {
		srcMay, srcSure := e.inAddr(g, sr.Src, dst)
		dstMay, dstSure := e.inAddr(g, sr.Dst, src)
		backPorts := portOK(sr.SrcPorts, p.f.Dst.Port()) && portOK(sr.DstPorts, p.f.Src.Port())
		back, backSure = srcMay && dstMay && backPorts, srcSure && dstSure && backPorts
	}
	if !fwd && !back {
		return 0, ""
	}
	// buffers
	isTLS, isHTTP := p.app == "tls", p.app == "http" || p.app == "http2"
	for _, c := range contents {
		var b string
		switch c.buf {
		case "":
			continue
		case "dns.query":
			continue
		case "tls.sni":
			if !p.st.request || !isTLS {
				return 0, ""
			}
			if p.domain == "" { // any SNI, or none: the rule might match
				if domainKW == "" {
					domainKW = c.buf
				}
				continue
			}
			b = p.domain
		case "http.host":
			if !p.st.request || !isHTTP {
				return 0, ""
			}
			if p.domain == "" {
				if domainKW == "" {
					domainKW = c.buf
				}
				continue
			}
			b = strings.ToLower(p.domain)
		case "http.header_names":
			if !p.st.request || !isHTTP {
				return 0, ""
			}
			continue // "\r\n" startswith: always true in generated rules
		}
		if c.dot {
			b = "." + b
		}
		found := false
		for i := 0; i+len(c.pat) <= len(b); i++ {
			seg := b[i : i+len(c.pat)]
			eq := seg == c.pat || c.nocase && strings.EqualFold(seg, c.pat)
			if eq && (!c.start || i == 0) && (!c.end || i+len(c.pat) == len(b)) {
				found = true
			}
		}
		if found == c.neg {
			return 0, ""
		}
	}
	if !decided {
		return 0, ""
	}
	if !fwdSure && !backSure { // the addresses depend on an unknown IP set
		kw := e.refUnknownSet(g, sr.Src)
		if kw == "" {
			kw = e.refUnknownSet(g, sr.Dst)
		}
		return 2, kw
	}
	if unknownKW != "" {
		return 2, unknownKW
	}
	if domainKW != "" {
		return 2, domainKW
	}
	return 1, ""
}

// refMaxUndecided is how many undecidable rules the reference tries
// every world of: 2^n worlds, each evaluated from scratch.
const refMaxUndecided = 14

// refWorld says whether the undecidable rule i matches at judged stage si;
// nil: an undecidable pass, drop or reject makes the verdict
// Indeterminate.
type refWorld func(si, i int) bool

// evaluate judges s. An Indeterminate verdict is tried again in every
// world: every assignment of match or no match to the undecidable pass,
// drop and reject rules at every judged stage. When every world gives the
// same verdict (and for a deny the same direction) and at most
// maxUndecided of the rules are consulted across the worlds, the answer is
// the world where none matches, with Undecided listing the rules
// consulted. Otherwise it is the Indeterminate first evaluation, landing
// on the directions some world denies (on every judged direction when
// more than maxUndecided rules are consulted). ok is false when there are too many undecidable rules to try
// every world.
func (e *refEngine) evaluate(s Session) (d Decision, ok bool) {
	if s.Flow.App == flow.AppUnset && s.Flow.Protocol == flow.TCP && s.Flow.Domain != "" {
		if a := DefaultAppProto(s.Flow); a != "tls" && a != "http" {
			return e.evaluateEitherApp(s)
		}
	}
	return e.evaluateOrder(s) // ref_scope_test.go
}

// evaluateEitherApp is evaluate for a session that carries a Domain (so
// speaks TLS or HTTP) on a port DefaultAppProto takes for neither: judged
// as both, certain where they agree.
func (e *refEngine) evaluateEitherApp(s Session) (Decision, bool) {
	s.Flow.App = flow.AppTLS
	dt, ok1 := e.evaluateApp(s)
	s.Flow.App = flow.AppHTTP
	dh, ok2 := e.evaluateApp(s)
	if !ok1 || !ok2 {
		return dt, false
	}
	why := fmt.Sprintf("which application protocol the session on tcp/%d speaks: TLS or HTTP", s.Flow.Dst.Port())
	u := Unknown{Stage: DataToServer, Keyword: UnknownAppProto, Why: why}
	switch {
	case dt.Verdict == flow.Indeterminate && dh.Verdict == flow.Indeterminate:
		dt.legs = refDenies(dt) | refDenies(dh)
		return dt, true
	case dt.Verdict != flow.Indeterminate && dt.Verdict == dh.Verdict && (refDenies(dt) == refDenies(dh) || dt.Verdict == flow.Deny):
		if dt.Stage == dh.Stage && dt.Action == dh.Action && dt.DefaultAction == dh.DefaultAction && dt.Default == dh.Default &&
			dt.Group == dh.Group && dt.Sid == dh.Sid && len(dt.Undecided) == len(dh.Undecided) && len(dt.Alerts) == len(dh.Alerts) {
			return dt, true // the protocol decided nothing
		}
		dt.Undecided = refPlaced(dt.Undecided, u)
		return dt, true
	}
	d := Decision{Verdict: flow.Indeterminate, Stage: DataToServer, Action: dt.Action, Indeterminate: &u, Warning: dt.Warning, legs: refDenies(dt) | refDenies(dh)}
	if dt.Verdict == flow.Allow {
		d.Action = dh.Action
	}
	return d, true
}

// evaluateApp is evaluate for a session whose application protocol is
// not in doubt.
func (e *refEngine) evaluateApp(s Session) (d Decision, ok bool) {
	stages := e.judged(s)
	res := make([][]int, len(stages))
	kws := make([][]string, len(stages))
	for si, p := range stages {
		res[si] = make([]int, len(e.rules))
		kws[si] = make([]string, len(e.rules))
		for i := range e.rules {
			res[si][i], kws[si][i] = e.matchRule(&e.rules[i], p)
		}
	}
	first := e.evaluateIn(s, stages, res, kws, nil)
	if first.Verdict != flow.Indeterminate {
		return first, true
	}
	type pair struct{ si, i int }
	var pairs []pair // stage by stage, rule by rule
	index := map[pair]int{}
	for si := range stages {
		for i := range e.rules {
			if res[si][i] == 2 && e.rules[i].action != "alert" {
				index[pair{si, i}] = len(pairs)
				pairs = append(pairs, pair{si, i})
			}
		}
	}
	if len(pairs) > refMaxUndecided {
		return first, false
	}
	consulted := make([]bool, len(pairs))
	var want Decision
	agree := true
	var legs, all uint8 // the directions some world denies; those judged
	dir := func(st Stage) uint8 {
		if st.ToServer() {
			return legToServer
		}
		return legToClient
	}
	for _, p := range stages {
		all |= dir(p.st.stage)
	}
	for m := 0; m < 1<<len(pairs); m++ {
		d := e.evaluateIn(s, stages, res, kws, func(si, i int) bool {
			k := index[pair{si, i}]
			consulted[k] = true
			return m>>k&1 == 1
		})
		if d.Verdict != flow.Allow {
			legs |= dir(d.Stage)
		}
		if m == 0 {
			want = d
			continue
		}
		same := d.Verdict == want.Verdict && (d.Verdict == flow.Allow || d.Stage.ToServer() == want.Stage.ToServer())
		agree = agree && same
	}
	n := 0
	for _, c := range consulted {
		if c {
			n++
		}
	}
	switch {
	case n > maxUndecided:
		first.legs = all
		return first, true
	case !agree:
		first.legs = legs
		return first, true
	}
	for k, pr := range pairs {
		if consulted[k] {
			rr := &e.rules[pr.i]
			want.Undecided = append(want.Undecided, Unknown{Stage: stages[pr.si].st.stage, Group: rr.label, Sid: rr.sr.Sid(),
				Action: actionOf(rr.action), Rule: rr.sr.Text, Keyword: kws[pr.si][pr.i]})
		}
	}
	return want, true
}

// judged returns the packets of the stages of s that reach the engine.
func (e *refEngine) judged(s Session) []refPacket {
	fwd, ret := s.ForwardSeen, s.ReturnSeen
	if !fwd && !ret {
		fwd, ret = true, true
	}
	app := s.Flow.App.String()
	if s.Flow.App == flow.AppUnset {
		app = DefaultAppProto(s.Flow)
	}
	app = refCanonApp(app)
	if app == "ike" || app == "ftp-data" {
		// AWS: Network Firewall does not support FTP-data protocol
		// detection nor the IKEv2 protocol: detection fails
		app = "none"
	}
	var out []refPacket
	stages := refStages(s.Flow.Protocol)
	if e.serverFirst && s.Flow.Protocol == flow.TCP {
		stages[2], stages[3] = stages[3], stages[2]
	}
	for _, st := range stages {
		if st.toServer && !fwd || !st.toServer && !ret || s.Unseen&(1<<st.stage) != 0 {
			continue
		}
		p := refPacket{st: st, f: s.Flow, domain: s.Flow.Domain, first: true}
		for _, q := range out {
			if q.st.toServer == st.toServer {
				p.first = false
			}
		}
		if !st.toServer {
			p.f = s.Flow.Reverse()
		}
		if st.app {
			p.app = app
		}
		out = append(out, p)
	}
	return out
}

// evaluateIn judges s, whose judged stages and their rules' matches (0
// no, 1 yes, 2 undecidable, with the keyword) are given, in world w.
func (e *refEngine) evaluateIn(s Session, stages []refPacket, res [][]int, kws [][]string, w refWorld) Decision {
	var d Decision
	switch {
	case s.ForwardSeen && !s.ReturnSeen:
		d.Warning = warnForwardOnly
	case s.ReturnSeen && !s.ForwardSeen:
		d.Warning = warnReturnOnly
	}
	match := func(rr *refRule, kind string) RuleMatch {
		return RuleMatch{Stage: d.Stage, Group: rr.label, GroupPriority: rr.gprio, Sid: rr.sr.Sid(), Action: actionOf(kind), Overridden: rr.overridden, Rule: rr.sr.Text}
	}
	decide := func(rr *refRule, verdict flow.Verdict) {
		d.Verdict, d.Action, d.Group, d.GroupPriority, d.Sid, d.Rule = verdict, actionOf(rr.action), rr.label, rr.gprio, rr.sr.Sid(), rr.sr.Text
	}
	undecidable := func(rr *refRule, kw string) {
		decide(rr, flow.Indeterminate)
		d.Indeterminate = &Unknown{Stage: d.Stage, Group: rr.label, Sid: rr.sr.Sid(), Action: actionOf(rr.action), Rule: rr.sr.Text, Keyword: kw}
	}
stages:
	for si, p := range stages {
		st := p.st
		d.Stage = st.stage
		if d.PacketScope != "" { // the last stage's packet rule decides nothing here
			d = Decision{Stage: st.stage, Warning: d.Warning, Alerts: d.Alerts}
		}
		// val is rule i's match here: in world w, an undecidable pass,
		// drop or reject matches or not (only looked up when reached)
		val := func(i int) int {
			if v := res[si][i]; v != 2 || w == nil || e.rules[i].action == "alert" {
				return v
			}
			if w(si, i) {
				return 1
			}
			return 0
		}
		if e.cfg.Order == StrictOrder {
			for i := range e.rules {
				rr := &e.rules[i]
				switch v := val(i); {
				case v == 0:
				case rr.action == "alert":
					if v == 1 {
						d.Alerts = append(d.Alerts, match(rr, "alert"))
					}
				case v == 2:
					undecidable(rr, kws[si][i])
					return d
				case rr.action == "pass":
					decide(rr, flow.Allow)
					if d.PacketScope = e.refPacketScope(rr, s.Flow.Protocol); d.PacketScope != "" {
						continue stages // this packet only
					}
					return d
				default:
					decide(rr, flow.Deny)
					return d
				}
			}
			df := e.cfg.Defaults
			tcp := s.Flow.Protocol == flow.TCP
			estApplies := !tcp || st.established
			toServerApplies := estApplies && st.toServer
			// aws:drop_established: AWS's developer guide (Managing
			// evaluation order for Suricata compatible rules, Strict
			// evaluation order) drops "only the packets that are in
			// established connections from client to server"; "Packets
			// from established connections from the server to the client
			// are passed". UDP and ICMP: every packet (C.6).
			dropEstApplies := estApplies && (!tcp || st.toServer)
			for _, a := range []struct {
				on   bool
				name string
				hit  bool
			}{
				{df.AlertStrict, "aws:alert_strict", true},
				{df.AlertEstablished, "aws:alert_established", estApplies},
				{df.AlertEstablishedAppLayer, "aws:alert_established_app_layer", estApplies},
				{df.AlertEstablishedAppLayerToServer, "aws:alert_established_app_layer_to_server", toServerApplies},
			} {
				if a.on && a.hit {
					d.Alerts = append(d.Alerts, RuleMatch{Stage: st.stage, Action: flow.Alert, DefaultAction: a.name, Default: true})
				}
			}
			for _, a := range []struct {
				on   bool
				name string
				hit  bool
			}{
				{df.DropStrict, "aws:drop_strict", true},
				{df.DropEstablished, "aws:drop_established", dropEstApplies},
				{df.DropEstablishedAppLayer, "aws:drop_established_app_layer", estApplies},
				{df.DropEstablishedAppLayerToServer, "aws:drop_established_app_layer_to_server", toServerApplies},
			} {
				if a.on && a.hit {
					d.Verdict, d.Action, d.DefaultAction, d.Default = flow.Deny, flow.Drop, a.name, true
					return d
				}
			}
			continue
		}
		// DEFAULT_ACTION_ORDER: the first matching rule of a class, in
		// rank order; without a world, a definite match anywhere in the
		// class wins over an undecidable one.
		first := func(action func(string) bool) (yes, maybe int) {
			yes, maybe = -1, -1
			for i := range e.rules {
				if !action(e.rules[i].action) {
					continue
				}
				switch v := val(i); {
				case v == 1:
					return i, maybe
				case v == 2 && maybe < 0:
					maybe = i
				}
			}
			return -1, maybe
		}
		isPass := func(a string) bool { return a == "pass" }
		isDrop := func(a string) bool { return a == "drop" || a == "reject" }
		pass, passMaybe := first(isPass)
		if pass >= 0 {
			decide(&e.rules[pass], flow.Allow)
			if d.PacketScope = e.refPacketScope(&e.rules[pass], s.Flow.Protocol); d.PacketScope != "" {
				continue // this packet only
			}
			return d
		}
		if passMaybe >= 0 {
			undecidable(&e.rules[passMaybe], kws[si][passMaybe])
			return d
		}
		dropAt, dropMaybe := first(isDrop)
		if dropAt < 0 && dropMaybe >= 0 {
			undecidable(&e.rules[dropMaybe], kws[si][dropMaybe])
			return d
		}
		for i := range e.rules {
			if res[si][i] == 1 && e.rules[i].action == "alert" {
				d.Alerts = append(d.Alerts, match(&e.rules[i], "alert"))
			}
		}
		if dropAt >= 0 {
			decide(&e.rules[dropAt], flow.Deny)
			return d
		}
	}
	if d.PacketScope != "" { // a packet rule passed the last stage
		return d
	}
	d.Verdict, d.Action, d.Default = flow.Allow, flow.Pass, true
	for _, p := range stages { // the latest stage judged, whichever order
		d.Stage = max(d.Stage, p.st.stage)
	}
	return d
}

// refDenies is the directions on which the reference's decision d does
// not allow, written out apart from the engine's deniedLegs.
func refDenies(d Decision) uint8 {
	switch {
	case d.Verdict == flow.Allow:
		return 0
	case d.Verdict == flow.Indeterminate && d.legs != 0:
		return d.legs
	case d.Stage.ToServer():
		return legToServer
	}
	return legToClient
}

// refPlaced returns undecided with u put among them at DataToServer, in
// stage order.
func refPlaced(undecided []Unknown, u Unknown) []Unknown {
	var out []Unknown
	placed := false
	for _, x := range undecided {
		if !placed && x.Stage > DataToServer {
			out, placed = append(out, u), true
		}
		out = append(out, x)
	}
	if !placed {
		out = append(out, u)
	}
	return out
}

package stateful

import (
	"fmt"
	"strconv"

	"github.com/reachsim/reachsim/flow"
)

// Stage is one packet of a connection that the stateful engine judges. A
// connection is judged stage by stage, in this order, until a stage
// decides: OpenRequest, OpenReply, DataToServer, DataToClient; a TCP
// session whose server speaks first (SMTP, FTP, ...: see the package doc,
// First speaker) has DataToClient judged before DataToServer.
//
//   - TCP: OpenRequest is the SYN, OpenReply the SYN-ACK (neither is
//     established nor carries data); DataToServer is the client's first
//     data packet of the established connection (for TLS the ClientHello,
//     for HTTP the request: the application protocol is known from here on,
//     and the tls.sni / http.host buffers hold the session's Domain);
//     DataToClient is the server's first data packet (established).
//   - UDP: Suricata counts a UDP flow as established once both sides have
//     sent a packet, so OpenRequest (the first datagram) is not
//     established and OpenReply (the first reply) already is. Suricata
//     detects UDP application protocols on the first datagram, so the
//     application protocol is known at every UDP stage and the tls.sni /
//     http.host buffers are visible at OpenRequest. DataToServer and
//     DataToClient are the later datagrams of the conversation.
//   - ICMP and ICMPv6: OpenRequest (the request, such as an echo request;
//     not established) and OpenReply (its reply; established) only.
//   - Other IP protocols: the four stages, like UDP but without an
//     application protocol.
//
// The zero Stage is OpenRequest.
type Stage uint8

// The stages, in the order they are judged.
const (
	OpenRequest Stage = iota
	OpenReply
	DataToServer
	DataToClient
)

var stageNames = [...]string{OpenRequest: "open-request", OpenReply: "open-reply", DataToServer: "data-to-server", DataToClient: "data-to-client"}

// String returns "open-request", "open-reply", "data-to-server" or
// "data-to-client".
func (s Stage) String() string {
	if int(s) < len(stageNames) {
		return stageNames[s]
	}
	return "Stage(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText implements [encoding.TextMarshaler] with the String form.
func (s Stage) MarshalText() ([]byte, error) {
	if int(s) >= len(stageNames) {
		return nil, fmt.Errorf("stage %d out of range", uint8(s))
	}
	return []byte(s.String()), nil
}

// ToServer reports whether packets of stage s travel from client to
// server.
func (s Stage) ToServer() bool { return s == OpenRequest || s == DataToServer }

// Session is a connection as the stateful engine sees it.
type Session struct {
	// Flow is the client's first packet, in the request direction.
	// Flow.Domain is the TLS SNI or HTTP Host the connection carries, ""
	// when the session does not say (the rules that read it are then
	// undecidable: see the package doc, Matching). Flow.App is the
	// application protocol the connection speaks (flow.AppTLS,
	// flow.AppHTTP, ..., flow.AppNone for a protocol Suricata does not
	// recognise); flow.AppUnset means derive it from the
	// transport and destination port with [DefaultAppProto] (a guess; see
	// the package doc, Application protocol), except for a TCP session
	// with a Domain to a port that guess takes for neither tls nor http:
	// that session speaks TLS or HTTP, and is judged both ways.
	Flow flow.Flow
	// ForwardSeen and ReturnSeen say whether the stateless engine
	// forwarded the request direction and the reply direction to the
	// stateful engine. If only one is set, only that direction's stages
	// are judged and the decision carries a Warning (AWS only warns that
	// flow-dependent rules then misbehave). If neither is set, both
	// directions are taken as forwarded: the zero value describes the
	// common case where the stateless engine forwards everything.
	ForwardSeen, ReturnSeen bool
	// Unseen are the stages whose packet never reaches the stateful
	// engine although others of its direction do: the stateless engine
	// passed it (aws:pass) or dropped it, as when a stateless rule tells a
	// TCP session's SYN from its later segments by their flags. The
	// engine does not judge them: a rule or default action that would
	// pass or drop such a packet does nothing, and the other stages are
	// judged as if it had passed. The zero value: every stage of the
	// directions seen is seen.
	Unseen StageSet

	// serverFirst: judge a TCP session's DataToClient before its
	// DataToServer (order.go)
	serverFirst bool
}

// StageSet is a set of stages, bit 1<<Stage for each.
type StageSet uint8

// Has reports whether st is in the set.
func (ss StageSet) Has(st Stage) bool { return st < 8 && ss&(1<<st) != 0 }

// With returns the set with st added.
func (ss StageSet) With(st Stage) StageSet {
	if st >= 8 {
		return ss
	}
	return ss | 1<<st
}

// Validate reports why s cannot be evaluated: an invalid flow
// ([flow.Flow.Validate]).
func (s Session) Validate() error { return s.Flow.Validate() }

// stageSpec describes one stage of a session.
type stageSpec struct {
	stage       Stage
	toServer    bool
	established bool
	payload     bool // the packet carries data (not a bare SYN or SYN-ACK)
	appKnown    bool // the application protocol is known
	request     bool // the client's first application message: tls.sni, http.host, ClientHello
	response    bool // the server's first application message: ServerHello
}

var (
	tcpStages = []stageSpec{
		{stage: OpenRequest, toServer: true},
		{stage: OpenReply},
		{stage: DataToServer, toServer: true, established: true, payload: true, appKnown: true, request: true},
		{stage: DataToClient, established: true, payload: true, appKnown: true, response: true},
	}
	// tcpServerFirstStages: the server sends the first data packet
	// (order.go)
	tcpServerFirstStages = []stageSpec{tcpStages[0], tcpStages[1], tcpStages[3], tcpStages[2]}
	udpStages            = []stageSpec{
		{stage: OpenRequest, toServer: true, payload: true, appKnown: true, request: true},
		{stage: OpenReply, established: true, payload: true, appKnown: true, response: true},
		{stage: DataToServer, toServer: true, established: true, payload: true, appKnown: true},
		{stage: DataToClient, established: true, payload: true, appKnown: true},
	}
	icmpStages = []stageSpec{
		{stage: OpenRequest, toServer: true, payload: true},
		{stage: OpenReply, established: true, payload: true},
	}
	otherStages = []stageSpec{
		{stage: OpenRequest, toServer: true, payload: true},
		{stage: OpenReply, established: true, payload: true},
		{stage: DataToServer, toServer: true, established: true, payload: true},
		{stage: DataToClient, established: true, payload: true},
	}
)

// stagesOf returns the stages of a session of protocol p.
func stagesOf(p flow.Protocol) []stageSpec {
	switch {
	case p == flow.TCP:
		return tcpStages
	case p == flow.UDP:
		return udpStages
	case p.IsICMP():
		return icmpStages
	}
	return otherStages
}

// Warnings for sessions seen in one direction only.
const (
	warnForwardOnly = "only the request direction reached the stateful engine: the reply's stages were not judged, and rules on flow state (flow:established, the application layer, aws:drop_established) may behave differently on AWS"
	warnReturnOnly  = "only the reply direction reached the stateful engine: the request's stages were not judged, and rules on flow state (flow:established, the application layer, aws:drop_established) may behave differently on AWS"
)

// maxDomain bounds the tls.sni / http.host buffers (a DNS name's limit).
const maxDomain = 253

// domainBufs holds the per-evaluation buffers, on the caller's stack.
type domainBufs struct {
	raw [maxDomain + 1]byte // "." + Domain
	low [maxDomain + 1]byte // "." + lower-case Domain
}

// packet is one stage's packet with everything rules look at.
type packet struct {
	spec *stageSpec
	f    flow.Flow // the packet in its own direction
	// first: the first packet of its direction the engine sees (where
	// IP-only rules are checked): the opening, unless it is Unseen
	first    bool
	app      string // canonical application protocol, "" while unknown
	appKnown bool
	// rawDot and lowDot are "." + the domain buffer, as written and in
	// lower case; nil when no domain buffer is visible at this stage.
	rawDot, lowDot []byte
	sniVisible     bool // tls.sni holds the domain
	hostVisible    bool // http.host holds the domain
	httpRequest    bool // an HTTP request is visible (http.header_names)
	// sniUnknown and hostUnknown: tls.sni (http.host) holds the domain
	// the client sends, which the session does not give (Domain ""):
	// every rule that reads it might match (domainunknown.go)
	sniUnknown, hostUnknown bool
	// quiet: the verdict alone is wanted ([Engine.Verdict]): no alerts are
	// collected, and a stage ends at its decision
	quiet bool
	// w is the world being run (worlds.go), nil for none
	w *worlds
}

func (p *packet) hasPorts() bool { return p.f.Protocol.HasPorts() }

// Evaluate judges a session: stage by stage, until a rule or default
// decides. It does not allocate unless the decision carries alerts, or the
// session meets an undecidable rule (see the package doc: the verdict may
// still be certain, with Undecided listing the rules). An invalid session (see [Session.Validate]) gives an
// Indeterminate decision whose Indeterminate.Why says what is wrong. A nil
// engine has no rules: every session is allowed by the engine's pass
// default.
func (e *Engine) Evaluate(s Session) Decision { return e.run(s, false, false) }

// Verdict is [Engine.Evaluate]'s Verdict and Stage alone, for a caller
// that needs no more (a walk deciding reachability): it collects no
// alerts and stops each stage at its decision, so that it allocates
// nothing but an indeterminate verdict's reason. A random test holds it
// to Evaluate.
func (e *Engine) Verdict(s Session) (flow.Verdict, Stage) {
	d := e.run(s, false, true)
	return d.Verdict, d.Stage
}

// Explain is Evaluate with a per-stage trace in Stages: every rule that
// matched each judged stage (alerts and rules past the decisive one
// included), the rules that might match, and the stage's outcome. The
// decision is the same as Evaluate's. Explain is the slow path.
func (e *Engine) Explain(s Session) Decision { return e.run(s, true, false) }

func (e *Engine) run(s Session, explain, quiet bool) Decision {
	if err := s.Validate(); err != nil {
		return Decision{Verdict: flow.Indeterminate, Indeterminate: &Unknown{Why: "invalid session: " + err.Error()}}
	}
	if e == nil {
		return Decision{Verdict: flow.Allow, Action: flow.Pass, Default: true, noEngine: true}
	}
	if appDoubt(s) {
		return e.eitherApp(s, explain, quiet) // appdoubt.go
	}
	switch firstSpeaker(s) { // order.go
	case serverFirst:
		s.serverFirst = true
	case eitherFirst:
		return e.eitherOrder(s, explain, quiet)
	}
	return e.decide(s, explain, quiet)
}

// decide is run on a valid session for an engine: its first evaluation,
// and its worlds when that meets an undecidable rule.
func (e *Engine) decide(s Session, explain, quiet bool) Decision {
	d := e.evaluate(s, explain, quiet, nil)
	if d.Verdict == flow.Indeterminate {
		// an undecidable rule: the verdict may still be certain (worlds.go)
		return e.byWorlds(s, d, explain, quiet)
	}
	return d
}

// evaluate judges a valid session against e, stage by stage. Without
// worlds (w nil) an undecidable pass, drop or reject rule makes the
// verdict Indeterminate as the package doc says; with w, each such rule
// matches or not as w's current world has it.
func (e *Engine) evaluate(s Session, explain, quiet bool, w *worlds) Decision {
	fwd, ret := s.ForwardSeen, s.ReturnSeen
	var d Decision
	switch {
	case !fwd && !ret:
		fwd, ret = true, true
	case fwd && !ret:
		d.Warning = warnForwardOnly
	case ret && !fwd:
		d.Warning = warnReturnOnly
	}
	app := seenApp(s.Flow.App.String()) // canonical: flow writes Suricata's names; ike, ftp-data undetected (app.go)
	if s.Flow.App == flow.AppUnset {
		app = DefaultAppProto(s.Flow) // canonical already (TestDefaultAppProtoIsCanonical), detected
	}
	var scratch domainBufs
	rawDot, lowDot := scratch.raw[:0], scratch.low[:0]
	if dom := s.Flow.Domain; dom != "" && len(dom) <= maxDomain {
		rawDot = append(append(rawDot, '.'), dom...)
		lowDot = append(lowDot, '.')
		for i := 0; i < len(dom); i++ {
			c := dom[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lowDot = append(lowDot, c)
		}
	}
	rev := s.Flow.Reverse()
	isTLS := app == "tls"
	isHTTP := app == "http" || app == "http2"
	stages := stagesOf(s.Flow.Protocol)
	if s.serverFirst && s.Flow.Protocol == flow.TCP {
		stages = tcpServerFirstStages
	}
	var m merger // the stages' candidates, one after another
	judged := false
	var dirSeen [2]bool // per direction (0 to the server), whether a stage was judged
	for i := range stages {
		spec := &stages[i]
		if spec.toServer && !fwd || !spec.toServer && !ret || s.Unseen.Has(spec.stage) {
			continue
		}
		pf := s.Flow // kept apart from p: copying p.f into a trace would move p's buffers to the heap
		if !spec.toServer {
			pf = rev
		}
		p := packet{spec: spec, f: pf, quiet: quiet, w: w, first: !dirSeen[dirIndex(spec.toServer)]}
		dirSeen[dirIndex(spec.toServer)] = true
		if spec.appKnown {
			p.app, p.appKnown = app, true
			if spec.request {
				p.httpRequest = isHTTP
				switch {
				case len(rawDot) > 1 && (isTLS || isHTTP):
					p.rawDot, p.lowDot = rawDot, lowDot
					p.sniVisible, p.hostVisible = isTLS, isHTTP
				case s.Flow.Domain == "":
					p.sniUnknown, p.hostUnknown = isTLS, isHTTP
				}
			}
		}
		var tr *StageTrace
		if explain {
			d.Stages = append(d.Stages, StageTrace{Stage: spec.stage, Packet: pf, Established: spec.established})
			tr = &d.Stages[len(d.Stages)-1]
			if p.appKnown {
				tr.AppProto = app
			}
			if p.sniVisible || p.hostVisible {
				tr.Domain = s.Flow.Domain
			}
		}
		judged = true
		if d.PacketScope != "" { // a packet rule passed the last packet: it decides nothing here
			d.EarlierPass = RuleMatch{Stage: d.Stage, Group: d.Group, GroupPriority: d.GroupPriority, Sid: d.Sid, Action: flow.Pass, Rule: d.Rule}
			d.PacketScope = ""
			d.Group, d.GroupPriority, d.Sid, d.Rule, d.label = "", 0, 0, "", ""
		}
		d.Stage = spec.stage
		if e.judge(&p, &m, &d, tr) {
			return d
		}
	}
	if !judged { // cannot happen: every protocol has a stage in each direction
		d.Stage = OpenRequest
	}
	if d.PacketScope != "" { // a packet rule passed the last stage judged
		return d
	}
	d.Verdict, d.Default, d.Action = flow.Allow, true, flow.Pass
	if e.order == StrictOrder {
		d.DropDefault = e.defaults.drop() // in force, it did not cover the last packet
	}
	if d.Stage == DataToServer && s.serverFirst && !s.Unseen.Has(DataToClient) && ret {
		d.Stage = DataToClient // the latest stage judged, whichever order
	}
	return d
}

// judge evaluates one stage and reports whether it decided the session.
// It stays one function (about 130 lines): the loop over the merged
// candidates and the two orders' decision rules share the state declared
// at its top, and split apart they would pass it all around.
// It fills d (verdict, deciding rule, alerts) and, when tr is not nil, the
// stage's trace.
func (e *Engine) judge(p *packet, m *merger, d *Decision, tr *StageTrace) bool {
	m.reset()
	e.ix.candidates(p, m)
	if m.spilled {
		m.takeEvery(len(e.rules))
	}
	var (
		decided     = false
		decision    *rule // the rule that decided; nil for none
		unknownRule *rule // the undecidable rule that made the verdict indeterminate
		passUnknown *rule // DEFAULT order: first undecidable pass
		dropUnknown *rule // DEFAULT order: first undecidable drop or reject
	)
	strict := e.order == StrictOrder
	for {
		i, ok := m.next()
		if !ok {
			break
		}
		r := &e.rules[i]
		if decided && tr == nil {
			// Only a drop under DEFAULT_ACTION_ORDER still collects the
			// alerts ranked after it.
			if p.quiet || strict || decision == nil || decision.action == flow.Pass {
				break
			}
			if r.action != flow.Alert {
				continue
			}
		}
		res := r.match(p)
		undecided := false // an undecidable rule the world decides
		if res == matchMaybe && p.w != nil && !decided && r.action != flow.Alert {
			undecided = true
			res = p.w.assign(i, r, p)
		}
		if res == matchNo {
			if tr != nil && !decided {
				why := ""
				if undecided {
					tr.Unknown = append(tr.Unknown, e.unknownOf(r, p))
					_, why = r.undecidedBy(p)
					why = "might match (" + why + "), but the verdict is the same whether it matches or not"
				} else {
					why = r.mismatch(p)
				}
				d.Skipped = append(d.Skipped, e.skip(r, p, why))
			}
			continue
		}
		if tr != nil {
			if res == matchYes && !undecided {
				tr.Matches = append(tr.Matches, e.ruleMatch(r, p.spec.stage))
			} else {
				tr.Unknown = append(tr.Unknown, e.unknownOf(r, p))
			}
		}
		if decided {
			if !strict && !p.quiet && res == matchYes && r.action == flow.Alert && decision != nil && decision.action != flow.Pass {
				d.Alerts = append(d.Alerts, e.ruleMatch(r, p.spec.stage))
			}
			continue
		}
		if strict {
			switch {
			case r.action == flow.Alert:
				if res == matchYes && !p.quiet {
					d.Alerts = append(d.Alerts, e.ruleMatch(r, p.spec.stage))
				}
			case res == matchMaybe:
				decided, unknownRule = true, r
			default:
				decided, decision = true, r
			}
		} else {
			switch r.action {
			case flow.Pass:
				if res == matchYes {
					decided, decision = true, r
				} else if passUnknown == nil {
					passUnknown = r
				}
			case flow.Drop, flow.Reject:
				switch {
				case passUnknown != nil:
					decided, unknownRule = true, passUnknown
				case res == matchYes:
					decided, decision = true, r
				case dropUnknown == nil:
					dropUnknown = r
				}
			default: // alert: every pass, drop and reject rule has been seen
				switch {
				case passUnknown != nil:
					decided, unknownRule = true, passUnknown
				case dropUnknown != nil:
					decided, unknownRule = true, dropUnknown
				case res == matchYes && !p.quiet:
					d.Alerts = append(d.Alerts, e.ruleMatch(r, p.spec.stage))
				}
			}
		}
		if tr != nil && decided && decision == r && len(tr.Matches) > 0 {
			tr.Matches[len(tr.Matches)-1].Decisive = true
		}
		if tr != nil && !decided {
			d.Skipped = append(d.Skipped, e.skip(r, p, skipReason(r, p, res)))
		}
	}
	if !decided && !strict {
		switch {
		case passUnknown != nil:
			decided, unknownRule = true, passUnknown
		case dropUnknown != nil:
			decided, unknownRule = true, dropUnknown
		}
	}
	switch {
	case unknownRule != nil:
		u := e.unknownOf(unknownRule, p)
		d.Verdict, d.Indeterminate = flow.Indeterminate, &u
		e.setRule(d, unknownRule)
		if tr != nil {
			tr.Outcome = "indeterminate"
		}
		return true
	case decision != nil:
		e.setRule(d, decision)
		if decision.action == flow.Pass {
			d.Verdict = flow.Allow
			if why := decision.packetScope(p); why != "" {
				// a packet rule: this packet passes, the next stage is
				// judged afresh (scope.go)
				d.PacketScope = why
				if tr != nil {
					tr.Outcome = OutcomePassPacket
				}
				return false
			}
		} else {
			d.Verdict = flow.Deny
		}
		if tr != nil {
			tr.Outcome = decision.action.String()
		}
		return true
	}
	// No rule decided: the default actions (STRICT_ORDER only).
	if strict && !e.defaults.IsZero() && e.applyDefaults(p, d, tr) {
		return true
	}
	if tr != nil {
		tr.Outcome = "continue"
	}
	return false
}

// setRule copies the identity of rule r into d.
func (e *Engine) setRule(d *Decision, r *rule) {
	g := &e.groups[r.group]
	d.Action, d.Group, d.GroupPriority, d.Sid, d.Rule, d.label = r.action, g.label, g.priority, r.sid, r.text, r.label
	d.Default = false
}

func (e *Engine) ruleMatch(r *rule, s Stage) RuleMatch {
	g := &e.groups[r.group]
	return RuleMatch{Stage: s, Group: g.label, GroupPriority: g.priority, Sid: r.sid,
		Action: r.action, Overridden: r.overridden, Rule: r.text}
}

// unknownOf names the undecidable rule r at p's stage, with what leaves it
// undecided there: an IP set whose entries are unknown when p's addresses
// are in doubt, else the first undecidable option.
func (e *Engine) unknownOf(r *rule, p *packet) Unknown {
	kw, why := r.undecidedBy(p)
	return Unknown{Stage: p.spec.stage, Group: e.groups[r.group].label, Sid: r.sid, Action: r.action,
		Rule: r.text, Keyword: kw, Why: why}
}

// undecidedBy says what leaves r, which might match p, undecided: an IP
// set whose entries are unknown when p's addresses are in doubt, else the
// first undecidable option.
func (r *rule) undecidedBy(p *packet) (kw, why string) {
	if r.setKW != "" && !r.headerSure(p) {
		return r.setKW, r.setWhy
	}
	if r.unknownKW == "" && (p.sniUnknown || p.hostUnknown) {
		if kw, why := r.domainUnknownBy(p); kw != "" {
			return kw, why
		}
	}
	return r.unknownKW, r.unknownWhy
}

// applyDefaults applies the STRICT_ORDER default actions to a stage no
// rule decided, and reports whether one of them decided it. Alert defaults
// are recorded in d (and tr) either way.
func (e *Engine) applyDefaults(p *packet, d *Decision, tr *StageTrace) bool {
	stage := p.spec.stage
	est := p.spec.established
	tcp := p.f.Protocol == flow.TCP
	// applies reports whether an "established" default covers this
	// packet: established TCP packets (toServer: client-to-server
	// ones only), and every packet of other protocols (F.9).
	applies := func(toServerOnly bool) bool {
		if toServerOnly && !p.spec.toServer {
			return false
		}
		return !tcp || est
	}
	// dropEstApplies: aws:drop_established covers the client-to-server
	// packets of an established TCP connection only. AWS's developer
	// guide (Managing evaluation order for Suricata compatible rules,
	// Strict evaluation order): "Drops only the packets that are in
	// established connections from client to server ... Packets from
	// established connections from the server to the client are
	// passed". Only the app-layer variant drops server-sent banners.
	// Connectionless protocols keep "drops all packets" (C.6, C.11).
	dropEstApplies := applies(false) && (!tcp || p.spec.toServer)
	dd := e.defaults
	for _, a := range [...]struct {
		on   bool
		name string
		hit  bool
	}{
		{dd.AlertStrict, DefaultAlertStrict, true},
		{dd.AlertEstablished, DefaultAlertEstablished, applies(false)},
		{dd.AlertEstablishedAppLayer, DefaultAlertEstablishedAppLayer, applies(false)},
		{dd.AlertEstablishedAppLayerToServer, DefaultAlertEstablishedAppLayerToServer, applies(true)},
	} {
		if a.on && a.hit && !p.quiet {
			rm := RuleMatch{Stage: stage, Action: flow.Alert, DefaultAction: a.name, Default: true}
			d.Alerts = append(d.Alerts, rm)
			if tr != nil {
				tr.Matches = append(tr.Matches, rm)
			}
		}
	}
	drop := ""
	switch {
	case dd.DropStrict:
		drop = DefaultDropStrict
	case dd.DropEstablished && dropEstApplies:
		drop = DefaultDropEstablished
	case dd.DropEstablishedAppLayer && applies(false):
		drop = DefaultDropEstablishedAppLayer
	case dd.DropEstablishedAppLayerToServer && applies(true):
		drop = DefaultDropEstablishedAppLayerToServer
	}
	if drop != "" {
		d.Verdict, d.Action, d.DefaultAction, d.Default = flow.Deny, flow.Drop, drop, true
		if tr != nil {
			tr.Matches = append(tr.Matches, RuleMatch{Stage: stage, Action: flow.Drop, DefaultAction: drop, Default: true, Decisive: true})
			tr.Outcome = drop
		}
		return true
	}
	return false
}

// skip records a rule the engine tried at p's stage and passed over.
func (e *Engine) skip(r *rule, p *packet, why string) Skip {
	g := &e.groups[r.group]
	return Skip{Stage: p.spec.stage, Group: g.label, GroupPriority: g.priority, Sid: r.sid, Action: r.action, Rule: r.text, Reason: why}
}

// skipReason says why a rule that matched (or might) did not decide.
func skipReason(r *rule, p *packet, res matchResult) string {
	switch {
	case r.overridden:
		return "matches, but DROP_TO_ALERT turns the drop into an alert, which decides nothing"
	case r.action == flow.Alert:
		return "matches, but an alert decides nothing"
	case res == matchMaybe:
		_, why := r.undecidedBy(p)
		return "might match: " + why
	}
	return "matches, but a rule ranked before it decides"
}

// dirIndex is 0 for the client's packets (toServer), 1 for the server's.
func dirIndex(toServer bool) int {
	if toServer {
		return 0
	}
	return 1
}

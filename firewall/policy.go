package firewall

import (
	"fmt"
	"strings"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Policy is a (Classic) firewall policy: the stateless engine's rule
// groups and default actions, and the stateful engine's rule groups, rule
// order and default actions. Write it in code, or read it with an input
// format (package aws reads `aws network-firewall describe-firewall-policy`).
type Policy struct {
	Name, ARN string
	Stateless stateless.Config
	Stateful  stateful.Config
	// StreamExceptionPolicy is DROP (AWS's default; ""), CONTINUE or
	// REJECT: what the firewall does with packets of a flow it has no
	// state for (a connection that breaks mid-stream). Where the stateless
	// engine passes a direction's opening packet (the SYN or SYN-ACK) past
	// the stateful engine but forwards later packets of the session (either direction) to
	// it, the stateful engine meets them without the flow's opening; AWS
	// does not say whether this policy then decides them, so those
	// directions are Indeterminate, naming it, unless dropped for certain
	// anyway, as under aws:drop_strict with no pass rule (see the package
	// doc). A session routed through an endpoint
	// on one leg only is reported as asymmetric (package reach) whatever
	// it says.
	StreamExceptionPolicy string
	// TLSInspectionConfigurationArn is the policy's TLS inspection
	// configuration, "" for none. reachsim does not model TLS inspection
	// (its scope is not in describe-firewall-policy's output): a TCP
	// session forwarded to the stateful engine is Indeterminate on every
	// direction with a forwarded packet, unless the engines drop it for
	// certain in the handshake, or the stateful engine drops it for certain
	// without reading the application layer (the package doc has the
	// details).
	TLSInspectionConfigurationArn string
}

// Engine is a compiled policy: both engines, immutable and safe for
// concurrent use. Build it with [Compile].
//
// A nil *Engine means "no firewall here": Evaluate and Explain allow both
// directions of every connection, and the Decision's reasons say there is
// no firewall.
type Engine struct {
	name          string
	stateless     *stateless.Engine
	stateful      *stateful.Engine
	tlsInspection string // Policy.TLSInspectionConfigurationArn
	// streamException is Policy.StreamExceptionPolicy
	streamException string
}

// Compile checks the policy and builds its [Engine]. res resolves IP set
// references; it may be nil when no rule group has any. The stateful
// side's HomeNet must be set (package reach fills in the firewall VPC's
// CIDRs when the policy sets none, as AWS does). Errors name the policy and
// wrap the sentinels the package doc lists.
func Compile(p Policy, res stateful.IPSetResolver) (*Engine, error) {
	switch p.StreamExceptionPolicy {
	case "", "DROP", "CONTINUE", "REJECT":
	default:
		return nil, fmt.Errorf("policy %s: %w", p.Label(), &flow.InputError{Path: "StreamExceptionPolicy", Text: p.StreamExceptionPolicy,
			Err: fmt.Errorf("%w: stream exception policy %q: want DROP, CONTINUE or REJECT", ErrInvalidPolicy, p.StreamExceptionPolicy)})
	}
	sl, err := stateless.Compile(p.Stateless)
	if err != nil {
		return nil, fmt.Errorf("policy %s: stateless: %w", p.Label(), err)
	}
	sf, err := stateful.Compile(p.Stateful, res)
	if err != nil {
		return nil, fmt.Errorf("policy %s: stateful: %w", p.Label(), err)
	}
	return &Engine{name: p.Label(), stateless: sl, stateful: sf, tlsInspection: p.TLSInspectionConfigurationArn,
		streamException: p.StreamExceptionPolicy}, nil
}

// MustCompile is [Compile] that panics on error, for literals in tests and
// examples.
func MustCompile(p Policy, res stateful.IPSetResolver) *Engine {
	e, err := Compile(p, res)
	if err != nil {
		panic(err)
	}
	return e
}

// StreamExceptionPolicy returns the policy's stream exception policy:
// "DROP" (AWS's default, also for a policy that sets none), "CONTINUE"
// or "REJECT"; "" for a nil Engine.
func (e *Engine) StreamExceptionPolicy() string {
	switch {
	case e == nil:
		return ""
	case e.streamException == "":
		return "DROP"
	}
	return e.streamException
}

// Stateless returns the engine's compiled stateless side; nil for a nil
// Engine. It is immutable, as the Engine is.
func (e *Engine) Stateless() *stateless.Engine {
	if e == nil {
		return nil
	}
	return e.stateless
}

// Stateful returns the engine's compiled stateful side; nil for a nil
// Engine. It is immutable, as the Engine is.
func (e *Engine) Stateful() *stateful.Engine {
	if e == nil {
		return nil
	}
	return e.stateful
}

// Label names the policy in errors and decisions: Name, else ARN.
func (p Policy) Label() string {
	if p.Name != "" {
		return p.Name
	}
	if p.ARN != "" {
		return p.ARN
	}
	return "(unnamed)"
}

// Connection is what crosses one firewall endpoint: a session's request
// as it reaches the endpoint, and which of its directions pass through
// this endpoint (with symmetric routing, both).
type Connection struct {
	// Flow is the client's first packet; its App is the application
	// protocol the connection speaks, flow.AppUnset to let the stateful
	// engine derive it from the destination port.
	Flow           flow.Flow
	Request, Reply bool
}

// Decision is the firewall's answer for one connection: per direction,
// whether it passes, and which engine, rule group and rule decided.
type Decision struct {
	policy string
	// Packets are the stateless engine's decisions, one per representative
	// packet: for other protocols than TCP one packet each way; for TCP the
	// SYN and a data segment (PSH|ACK) of the request, and the SYN|ACK and
	// a data segment of the reply, and, when some stateless rule names TCP
	// flags (without one every packet of a direction gets the same
	// decision), also the client's ACK (the handshake's third packet, in
	// every session) and the server's pure ACK (an ACK of the client's data
	// or FIN, Possible: a server may piggyback every ACK on data), in the
	// session's order: SYN, ACK, PSH|ACK; SYN|ACK, PSH|ACK, ACK. A stated
	// assumption, not judged: no packet carries ECN-setup flags (ECE, CWR)
	// or URG, and the FIN and RST packets that close the session are not
	// judged (the session's data flows whatever they meet); packets are
	// unfragmented (the fragment default actions are not applied).
	Packets []PacketResult
	// Stateful is the stateful engine's decision, nil when no packet was
	// forwarded to it. Explain fills its Stages and Skipped.
	Stateful *stateful.Decision
	Warnings []string
	// request and reply: the verdict and the reason on each leg.
	leg [2]legResult
	// the policy's TLS inspection configuration, and what its stream
	// exception policy does, for the reasons
	tlsInspection, streamWords string
	// ack is 1 + the index of the client's handshake ACK when the
	// stateful engine's drop was judged on it alone (pureack.go), 0
	// otherwise
	ack int
	// noStage: the stateful engine judged no stage, every packet
	// forwarded to it being a pure ACK (see tcpStage)
	noStage bool
}

// legResult is one direction's verdict and what decided it; its rule,
// reason and fix are put into words only when read (legRule, legReason,
// legFix), so Evaluate builds no text.
type legResult struct {
	verdict flow.Verdict
	cause   legCause
	pkt     int // the packet of causeStatelessDrop; the last passed packet of causePassed
	fwd     int // the last packet forwarded on this leg, -1 for none
	maybe   int // the first Possible packet dropped on this leg, -1 for none
	// doubt: why the leg is Indeterminate although the engines decide it
	// as cause says (doubts.go)
	doubt doubt
	dpkt  int // doubtMidstream: the opening packet the stateless engine passed
}

// legCause is what decided a leg.
type legCause uint8

const (
	causeNone          legCause = iota // nothing recorded: the policy passes
	causeNoFirewall                    // a nil engine
	causeNotCrossing                   // the connection leaves this direction out
	causeStatelessDrop                 // packet pkt was dropped
	causeStateful                      // the stateful engine denied or could not decide on this leg
	causeForwarded                     // forwarded, the stateful engine did not stop this leg
	causePassed                        // the stateless engine passed packet pkt
	// causeStrictAll: the stateless engine passed the session's opening
	// past the stateful engine, which has aws:drop_strict and no pass rule
	// that may match the session: it drops every packet of this leg it
	// sees, whatever its stream exception policy (doubts.go)
	causeStrictAll
	// causeStrictAllMaybe: causeStrictAll, where the one packet of this
	// leg forwarded to the stateful engine is pkt, the server's pure ACK,
	// which a session may lack: Indeterminate (doubts.go)
	causeStrictAllMaybe
	// causeMaybeDrop: every packet of the leg in every session gets
	// through, but the stateless engine drops packet pkt, one a session
	// may have (the server's pure ACK): Indeterminate
	causeMaybeDrop
)

// Evaluate judges a connection at an endpoint of the firewall.
//
// The stateless engine judges each representative packet alone (see
// [Decision.Packets]): a dropped packet denies its direction, with that
// packet's rule or default action. If it forwarded any packet, the
// stateful engine judges the session, seeing only the directions that
// were forwarded (a Warning says when that is one) and, of those, only the
// packets that were (a packet passed or dropped while others of its
// direction were forwarded is [stateful.Session].Unseen); a deny lands on the
// direction of the stage that decided, and the other direction's reason
// says so. An indeterminate answer lands on every direction that some
// way the undecidable rules can go denies ([stateful.Decision.VerdictOn]):
// a direction every way allows is allowed. A direction the stateless
// engine passed is never seen by the stateful engine. A direction the
// connection leaves out (Request or Reply false) is allowed: it does not
// cross this endpoint.
func (e *Engine) Evaluate(c Connection) Decision { return e.run(c, false) }

// Explain is [Engine.Evaluate] with the engines' explanations: each
// packet's stateless Decision carries its Skipped rules, and the stateful
// Decision its per-stage trace and Skipped rules. The verdicts and reasons
// are Evaluate's.
func (e *Engine) Explain(c Connection) Decision { return e.run(c, true) }

// Outline is what a walk keeps of a [Decision] when it words the
// reasons later: per direction (0 the request, 1 the reply) the verdict
// and the deciding rule ([Decision.VerdictOn], [Decision.RuleOn]), and
// [Decision.Fix].
type Outline struct {
	Verdict [2]flow.Verdict
	Rule    [2]string
	Fix     string
	// Missing and Settle are, per direction, [Decision.UnknownOn]'s
	// answers: what an Indeterminate verdict lacks and how to settle it,
	// "" for an undecidable rule.
	Missing, Settle [2]string
}

// Outline is [Engine.Evaluate] reduced to its verdicts, rules and fix: the
// packet list and the stateful decision it builds them from stay on the
// stack, so it allocates only the rules' and the fix's words. A
// randomized test holds it to Evaluate.
func (e *Engine) Outline(c Connection) Outline {
	var pkts [6]PacketResult
	var sd stateful.Decision
	ins := e.decide(c, false, pkts[:0], &sd)
	o := Outline{Fix: ins.Fix()}
	for k := range ins.leg {
		o.Verdict[k] = ins.leg[k].verdict
		o.Missing[k], o.Settle[k] = ins.legUnknown(k)
		if k == 1 && ins.statefulRuled(0) && ins.statefulRuled(1) {
			o.Rule[1] = o.Rule[0] // one session's rule, worded once
			continue
		}
		o.Rule[k] = ins.legRule(k)
	}
	return o
}

// statefulRuled reports whether leg k's rule is the stateful decision's.
func (ins *Decision) statefulRuled(k int) bool {
	if ins.leg[k].doubt != doubtNone {
		return false
	}
	switch ins.leg[k].cause {
	case causeStateful, causeStrictAll, causeStrictAllMaybe:
		return true
	case causeForwarded:
		return ins.Stateful.Verdict == flow.Allow
	}
	return false
}

func (e *Engine) run(c Connection, explain bool) Decision {
	var sd stateful.Decision
	return e.decide(c, explain, nil, &sd)
}

// decide is Evaluate (Explain when explain is set), its packets appended
// to pkts (nil: a list of their own) and its stateful decision written to
// *sd: a caller that keeps neither passes storage of its own.
func (e *Engine) decide(c Connection, explain bool, pkts []PacketResult, sd *stateful.Decision) Decision {
	ins := Decision{policy: "(none)"}
	ins.leg[0] = legResult{verdict: flow.Allow, fwd: -1, maybe: -1}
	ins.leg[1] = ins.leg[0]
	if e == nil {
		ins.leg[0].cause, ins.leg[1].cause = causeNoFirewall, causeNoFirewall
		return ins
	}
	ins.policy, ins.tlsInspection, ins.streamWords = e.name, e.tlsInspection, e.streamExceptionWords()
	flagsMatter := e.stateless.NamesTCPFlags()
	ins.Packets = packetsOf(c.Flow, c.Request, c.Reply, flagsMatter, pkts)
	var fwdSeen, retSeen bool
	var unseen stateful.StageSet // the TCP stages whose packet is not forwarded
	passed := [2]int{-1, -1}     // per leg, the last packet the stateless engine passed
	for i := range ins.Packets {
		pr := &ins.Packets[i]
		switch {
		case explain:
			pr.Decision = e.stateless.Explain(pr.Packet)
		case !flagsMatter && i > 0 && ins.Packets[i-1].Reply == pr.Reply:
			// a later segment of the direction, judged as its first: no
			// rule tells them apart by their flags
			pr.Decision = ins.Packets[i-1].Decision
		default:
			pr.Decision = e.stateless.Evaluate(pr.Packet)
		}
		l := &ins.leg[b2i(pr.Reply)]
		if pr.Decision.Action != flow.Forward && c.Flow.Protocol == flow.TCP && pr.Packet.Flags != stateless.ACK {
			// a pure ACK stands for no stage of its own: its direction's
			// data stage is judged on the data segment (see tcpStage)
			unseen = unseen.With(tcpStage(pr.Reply, pr.Packet.Flags))
		}
		switch pr.Decision.Action {
		case flow.Drop:
			if pr.Possible {
				if l.maybe < 0 {
					l.maybe = i
				}
			} else if l.verdict == flow.Allow {
				l.verdict, l.cause, l.pkt = flow.Deny, causeStatelessDrop, i
			}
		case flow.Pass:
			passed[b2i(pr.Reply)] = i
		case flow.Forward:
			l.fwd = i
			if pr.Reply {
				retSeen = true
			} else {
				fwdSeen = true
			}
		}
	}
	for k, name := range []string{"request", "reply"} {
		if passed[k] >= 0 && ins.leg[k].fwd >= 0 {
			ins.Warnings = append(ins.Warnings, fmt.Sprintf("the stateless engine passes some %s packets and forwards others to the stateful engine", name))
		}
	}
	if fwdSeen || retSeen {
		s := stateful.Session{Flow: c.Flow, ForwardSeen: fwdSeen, ReturnSeen: retSeen, Unseen: unseen}
		if explain {
			*sd = e.stateful.Explain(s)
		} else {
			*sd = e.stateful.Evaluate(s)
		}
		if c.Flow.Protocol == flow.TCP && fwdSeen {
			e.judgeACK(&ins, s, sd, explain) // pureack.go
		}
		d := sd
		ins.Stateful = sd
		ins.noStage = c.Flow.Protocol == flow.TCP && ins.ack == 0 && (!fwdSeen || unseen.Has(stateful.OpenRequest) && unseen.Has(stateful.DataToServer)) &&
			(!retSeen || unseen.Has(stateful.OpenReply) && unseen.Has(stateful.DataToClient))
		if d.Warning != "" {
			ins.Warnings = append(ins.Warnings, d.Warning)
		}
		if d.Verdict != flow.Allow {
			for k := range ins.leg {
				l := &ins.leg[k]
				if v := d.VerdictOn(k == 0); v != flow.Allow && l.verdict == flow.Allow {
					l.verdict, l.cause = v, causeStateful
				}
			}
		}
	}
	e.applyDoubts(&ins, c) // doubts.go
	for k := range ins.leg {
		l := &ins.leg[k]
		if l.maybe >= 0 && l.verdict == flow.Allow {
			// every certain packet gets through, the server's pure ACK does not
			l.verdict, l.cause, l.pkt = flow.Indeterminate, causeMaybeDrop, l.maybe
		}
		switch {
		case (k == 0 && !c.Request) || (k == 1 && !c.Reply):
			l.cause = causeNotCrossing
		case l.cause != causeNone: // a drop, or the stateful engine's (under a doubt or not)
		case l.fwd >= 0 && ins.Stateful != nil:
			l.cause = causeForwarded
		case passed[k] >= 0:
			l.cause, l.pkt = causePassed, passed[k]
		}
	}
	e.applyAmbiguity(&ins, c) // doubts.go
	return ins
}

// legRule is the rule that decided leg k (see [Decision.RuleOn]).
func (ins *Decision) legRule(k int) string {
	l := &ins.leg[k]
	if l.doubt != doubtNone {
		return ""
	}
	switch l.cause {
	case causeStatelessDrop, causePassed, causeMaybeDrop:
		return statelessRule(ins.Packets[l.pkt].Decision)
	case causeStateful, causeStrictAll, causeStrictAllMaybe:
		return statefulRule(*ins.Stateful)
	case causeForwarded:
		if ins.Stateful.Verdict == flow.Allow {
			return statefulRule(*ins.Stateful)
		}
	}
	return ""
}

// legReason is the unescaped reason of leg k, "" when nothing decided.
func (ins *Decision) legReason(k int) string {
	if ins.leg[k].doubt != doubtNone {
		return ins.doubtReason(k, ins.engineReason(k)) // doubts.go
	}
	return ins.engineReason(k)
}

// engineReason is the unescaped reason of leg k as the engines decide it,
// "" when nothing decided.
func (ins *Decision) engineReason(k int) string {
	l := &ins.leg[k]
	this, other := "request", "reply"
	if k == 1 {
		this, other = other, this
	}
	switch l.cause {
	case causeNoFirewall:
		return "no firewall here"
	case causeNotCrossing:
		return "the " + this + " does not pass through this endpoint"
	case causeStatelessDrop:
		pr := &ins.Packets[l.pkt]
		return fmt.Sprintf("stateless engine: %s is dropped: %s", pr.Packet, pr.Decision)
	case causeStateful:
		if d := ins.Stateful; d.Verdict == flow.Indeterminate && d.Stage.ToServer() != (k == 0) {
			// the worlds disagree, and some way the rule goes stops this leg
			if isAppDoubt(*d.Indeterminate) || isOrderDoubt(*d.Indeterminate) {
				return "stateful engine: " + statefulText(*d) + "; whether the " + this + " gets through depends on it too"
			}
			return "stateful engine: " + statefulText(*d) + "; whether the " + this + " gets through depends on the rules it cannot decide"
		}
		return "stateful engine: " + statefulText(*ins.Stateful) + ins.ackWords()
	case causeForwarded:
		by := ins.Packets[l.fwd].Decision.String()
		switch ins.Stateful.Verdict {
		case flow.Indeterminate:
			return "stateless engine: " + by + "; stateful engine: nothing of its own against this direction; it cannot decide about the session on the " + other
		case flow.Allow:
			if ins.noStage {
				return "stateless engine: " + by + "; stateful engine: judges none of the session's stages: every packet forwarded to it is a pure ACK, which is judged with its direction's data segment, and the stateless engine passes those past it"
			}
			return "stateless engine: " + by + "; stateful engine: " + statefulText(*ins.Stateful)
		}
		return "stateless engine: " + by + "; stateful engine: nothing of its own against this direction; it stopped the session on the " + other
	case causePassed:
		return "stateless engine: " + ins.Packets[l.pkt].Decision.String() + " (the stateful engine never sees it)"
	case causeMaybeDrop:
		pr := &ins.Packets[l.pkt]
		return fmt.Sprintf("stateless engine: every packet the %s has in any session gets through, but the ACK-only packet %s is dropped: %s; "+
			"whether the %s gets through depends on whether the server sends ACK-only packets (an ACK of the client's data or FIN not carried on data of its own)",
			this, pr.Packet, pr.Decision, this)
	case causeStrictAll:
		return "stateful engine: no pass rule may match the session, so the default action aws:drop_strict drops every packet of the " + this +
			" it sees, whether or not it takes them for a broken stream (the stateless engine passes the session's opening past it)"
	case causeStrictAllMaybe:
		pr := &ins.Packets[l.pkt]
		return fmt.Sprintf("stateful engine: no pass rule may match the session, so the default action aws:drop_strict drops every packet of the %s it sees, "+
			"whether or not it takes them for a broken stream (the stateless engine passes the session's opening past it); "+
			"the only one it sees is the ACK-only packet %s (%s): whether the %s gets through depends on whether the server sends ACK-only packets (an ACK of the client's data or FIN not carried on data of its own)",
			this, pr.Packet, pr.Decision, this)
	}
	return ""
}

// What [Decision.UnknownOn] says of a direction left undecided by the
// domain the connection does not give, and by a STRICT_ORDER domain
// allowlist's generated drop rule, which AWS's documents disagree on.
const (
	MissingDomain = "the domain the client sends (its TLS SNI or HTTP Host), which the query does not give: the firewall's domain rules decide on it"
	SettleDomain  = "give the domain the client asks for (--domain, reach.Query.Domain, a flow's \"domain NAME\") and ask again"

	MissingGeneratedDrop = "whether AWS generates the drop rule of a STRICT_ORDER domain allowlist for the names it does not list: " +
		"its developer guide says traffic of the protocol matching no listed domain is denied, its best-practices guide says strict-order domain lists generate no drop rules"
	SettleGeneratedDrop = "make the answer not depend on it: set a stateful drop default (aws:drop_established) or write the drop rule yourself"

	// SettleOpaqueGroup settles a direction left undecided by a rule
	// group whose rules the input does not hold
	// ([stateful.UnknownOpaqueGroup]; the missing part is the group's
	// [stateful.RuleGroup].Opaque).
	SettleOpaqueGroup = "check by hand what the rule group does with this traffic (an AWS managed group: its documentation; a customer group: add its describe-rule-group output, or its resource, to the input)"
)

// legUnknown is what leg k's Indeterminate verdict lacks and how to
// settle it (see [Decision.UnknownOn]); "", "" when a rule is undecidable
// or the leg is decided.
func (ins *Decision) legUnknown(k int) (missing, fix string) {
	l := &ins.leg[k]
	if l.verdict != flow.Indeterminate {
		return "", ""
	}
	if l.doubt != doubtNone {
		return ins.doubtUnknown(k) // doubts.go
	}
	switch l.cause {
	case causeMaybeDrop:
		pr := &ins.Packets[l.pkt]
		return "whether the server sends ACK-only packets (" + pr.Packet.String() + "), which the stateless engine drops (" + pr.Decision.String() + "): a server may carry every ACK on its data",
			"add a stateless rule that passes or forwards the server's ACK-only packets (TCP flags ACK without SYN, PSH, FIN or RST) ahead of the one that drops them"
	case causeStrictAllMaybe:
		pr := &ins.Packets[l.pkt]
		return "whether the server sends ACK-only packets (" + pr.Packet.String() + "), which the stateless engine forwards (" + pr.Decision.String() +
				") to the stateful engine, whose default action aws:drop_strict drops them under every stream exception policy: a server may carry every ACK on its data",
			"add a stateless rule that passes the server's ACK-only packets (TCP flags ACK without SYN, PSH, FIN or RST) past the stateful engine, as the rest of the reply is, ahead of the one that forwards them"
	case causeStateful:
		u := ins.Stateful.Indeterminate
		switch {
		case u == nil:
		case isAppDoubt(*u):
			return u.Why, "check by hand which of TLS and HTTP the service speaks on that port (the reason gives the firewall's answer for each)"
		case u.DomainNotGiven():
			return MissingDomain, SettleDomain
		case u.Keyword == stateful.UnknownGeneratedDrop:
			return MissingGeneratedDrop, SettleGeneratedDrop
		case u.Keyword == stateful.UnknownOpaqueGroup:
			return u.Why, SettleOpaqueGroup
		case isOrderDoubt(*u):
			return u.Why, "check by hand which side of the service's protocol sends the first data packet, or name the session's application protocol (the reason gives the firewall's answer for each order)"
		}
	}
	return "", ""
}

// legFix is the fix of leg k, "" for none.
func (ins *Decision) legFix(k int) string {
	l := &ins.leg[k]
	if l.doubt != doubtNone {
		return ""
	}
	switch l.cause {
	case causeStatelessDrop:
		return statelessFix(&ins.Packets[l.pkt])
	case causeStateful, causeStrictAll:
		return statefulFix(*ins.Stateful)
	}
	return ""
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// VerdictOn returns the verdict for the request (reply false) or the reply.
func (ins Decision) VerdictOn(reply bool) flow.Verdict { return ins.leg[b2i(reply)].verdict }

// RuleOn returns the rule that decided that direction: a stateless rule
// ("group priority N: ..."), a stateful rule ("group sid N: ...") or a
// stateful default action's name ("aws:drop_strict"); "" when a stateless
// default action decided, or the stateful engine passed traffic no rule
// decided.
func (ins Decision) RuleOn(reply bool) string { return ins.legRule(b2i(reply)) }

// ReasonOn explains the decision on that direction in a sentence, names
// and rule text escaped for text output (internal/textsafe).
func (ins Decision) ReasonOn(reply bool) string {
	reason := ins.legReason(b2i(reply))
	if reason == "" {
		return "policy " + textsafe.String(ins.policy) + ": passes"
	}
	return "policy " + textsafe.String(ins.policy) + ": " + textsafe.String(reason)
}

// UnknownOn says, for a direction whose verdict is Indeterminate for a
// reason other than an undecidable rule, what the input does not say
// (missing) and how to settle it (fix): the application protocol of a
// session whose domain says TLS or HTTP but not which
// ([stateful.UnknownAppProto]), the domain a connection without one
// sends, which a tls.sni or http.host rule reads
// ([stateful.Unknown.DomainNotGiven]: [MissingDomain]), whether AWS
// generates a strict-order domain allowlist's drop rules
// ([stateful.UnknownGeneratedDrop]: [MissingGeneratedDrop]), the rules of
// a rule group the input does not hold ([stateful.UnknownOpaqueGroup]:
// its [stateful.RuleGroup].Opaque, settled by [SettleOpaqueGroup]), the policy's TLS inspection
// configuration, which reachsim does not model, whether the stream
// exception policy decides packets the stateful engine meets without the
// flow's opening, or whether the server sends the ACK-only packets a rule
// or default action drops. It returns "", ""
// otherwise (an undecidable rule: [Decision.Stateful] names it).
func (ins Decision) UnknownOn(reply bool) (missing, fix string) { return ins.legUnknown(b2i(reply)) }

// Fix says what would let a blocked direction through (the request's
// fix when both are blocked), "" if none is, or if the stateful engine
// cannot decide.
func (ins Decision) Fix() string {
	for k := range ins.leg {
		if fix := ins.legFix(k); fix != "" {
			return fix
		}
	}
	return ""
}

// Details lists the facts behind the decisions: each packet's stateless
// decision, alerts the stateful engine raised, warnings; names and rule
// text escaped for text output (internal/textsafe).
func (ins Decision) Details() []string {
	n := len(ins.Packets) + len(ins.Warnings)
	if ins.Stateful != nil {
		n += len(ins.Stateful.Alerts)
	}
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for _, pr := range ins.Packets {
		dir := "stateless, request "
		switch {
		case pr.Possible:
			dir = "stateless, reply (if the server sends it) "
		case pr.Reply:
			dir = "stateless, reply "
		}
		out = append(out, dir+pr.Packet.String()+": "+pr.Decision.String())
	}
	if ins.Stateful != nil {
		for _, a := range ins.Stateful.Alerts {
			out = append(out, "stateful alert: "+a.String())
		}
	}
	for _, w := range ins.Warnings {
		out = append(out, textsafe.String(w))
	}
	return out
}

func statelessRule(d stateless.Decision) string {
	if d.Default {
		return ""
	}
	return d.Group + " " + d.Rule().String() // the rule prints "priority N: ..."
}

func statelessFix(pr *PacketResult) string {
	if pr.Reply {
		return fmt.Sprintf("the stateless engine judges each packet alone, replies too: add a stateless rule that passes or forwards the reply (%s), or forward the traffic to the stateful engine, which tracks sessions", pr.Packet.Flow)
	}
	return fmt.Sprintf("add a stateless rule that forwards %s to the stateful engine (or passes it) ahead of the rule or default that drops it", pr.Packet.Flow)
}

func statefulRule(d stateful.Decision) string {
	if d.Sid == 0 {
		return d.DefaultAction
	}
	return d.RuleLabel()
}

func statefulText(d stateful.Decision) string {
	var b strings.Builder
	switch d.Verdict {
	case flow.Allow:
		b.WriteString("passes")
	case flow.Deny:
		b.WriteString("drops")
	default:
		b.WriteString("cannot decide about")
	}
	fmt.Fprintf(&b, " the %s packet", d.Stage)
	switch {
	case d.Indeterminate != nil && isAppDoubt(*d.Indeterminate):
		fmt.Fprintf(&b, ": the session's domain (a TLS SNI or an HTTP Host) says the client speaks TLS or HTTP, not which, and the answer differs between them (%s); it depends on %s", textsafe.String(d.Indeterminate.Rule), textsafe.String(d.Indeterminate.Why))
	case d.Indeterminate != nil && d.Indeterminate.DomainNotGiven():
		fmt.Fprintf(&b, ": sid %d of %s reads %q, %s", d.Indeterminate.Sid, textsafe.String(d.Indeterminate.Group), d.Indeterminate.Keyword, d.Indeterminate.Why)
	case d.Indeterminate != nil && d.Indeterminate.Keyword == stateful.UnknownGeneratedDrop:
		fmt.Fprintf(&b, ": sid %d of %s, a drop rule of a domain allowlist, depends on %s", d.Indeterminate.Sid, textsafe.String(d.Indeterminate.Group), d.Indeterminate.Why)
	case d.Indeterminate != nil && d.Indeterminate.Keyword == stateful.UnknownOpaqueGroup:
		fmt.Fprintf(&b, ": rule group %s may pass or drop it, its rules unknown: %s", textsafe.String(d.Indeterminate.Group), textsafe.String(d.Indeterminate.Why))
	case d.Indeterminate != nil && isOrderDoubt(*d.Indeterminate):
		fmt.Fprintf(&b, ": the answer differs with the side that sends the first data packet (%s); it depends on %s", textsafe.String(d.Indeterminate.Rule), textsafe.String(d.Indeterminate.Why))
	case d.Indeterminate != nil && strings.HasPrefix(d.Indeterminate.Keyword, "@"):
		fmt.Fprintf(&b, ": sid %d of %s may match, depending on %s", d.Indeterminate.Sid, textsafe.String(d.Indeterminate.Group), textsafe.String(d.Indeterminate.Why))
	case d.Indeterminate != nil:
		fmt.Fprintf(&b, ": sid %d of %s uses %q, which depends on more than a flow shows (%s)", d.Indeterminate.Sid, textsafe.String(d.Indeterminate.Group), d.Indeterminate.Keyword, textsafe.String(d.Indeterminate.Why))
	case d.Sid != 0:
		fmt.Fprintf(&b, ": %s rule sid %d of %s (%s)", d.Action, d.Sid, textsafe.String(d.Group), textsafe.String(d.Rule))
		if d.PacketScope != "" {
			fmt.Fprintf(&b, ", which passes this packet only (packet rule: %s); no earlier packet was dropped", d.PacketScope)
		}
	case d.DefaultAction != "":
		fmt.Fprintf(&b, ": default action %s", textsafe.String(d.DefaultAction))
	case d.DropDefault != "":
		fmt.Fprintf(&b, ": no rule matches it, and the default action %s does not drop it (%s)", textsafe.String(d.DropDefault), dropDefaultCovers(d.DropDefault))
	default:
		b.WriteString(": no rule matches, and unmatched traffic passes")
	}
	if d.Sid == 0 && d.DefaultAction == "" && d.Indeterminate == nil && d.EarlierPass.Sid != 0 {
		p := d.EarlierPass
		fmt.Fprintf(&b, "; the %s packet was passed by pass rule sid %d of %s (%s), which passes its packet only", p.Stage, p.Sid, textsafe.String(p.Group), textsafe.String(p.Rule))
	}
	verb := "passes"
	if d.Verdict == flow.Deny {
		verb = "is dropped"
	}
	for _, u := range d.Undecided {
		if isAppDoubt(u) {
			fmt.Fprintf(&b, "; the session's domain says it speaks TLS or HTTP, not which (%s), but the session %s either way", textsafe.String(u.Why), verb)
			continue
		}
		if isOrderDoubt(u) {
			fmt.Fprintf(&b, "; it is not known %s, but the session %s either way (on the reply if the server speaks first)", textsafe.String(u.Why), verb)
			continue
		}
		fmt.Fprintf(&b, "; sid %d of %s cannot be decided at the %s packet (%s), but the session %s whether it matches or not", u.Sid, textsafe.String(u.Group), u.Stage, textsafe.String(u.Why), verb)
	}
	return b.String()
}

// dropDefaultCovers says which packets a drop default action that did not
// decide covers (AWS's developer guide, Managing evaluation order for
// Suricata compatible rules, Strict evaluation order; stateful's package
// doc, Evaluation).
func dropDefaultCovers(name string) string {
	switch name {
	case stateful.DefaultDropEstablished:
		return "it drops the client's packets of an established TCP connection that no rule passed, and passes the server's"
	case stateful.DefaultDropEstablishedAppLayerToServer:
		return "it drops the client's established packets that no rule passed, and passes the server's"
	case stateful.DefaultDropEstablishedAppLayer:
		return "it drops the established packets that no rule passed, not the TCP handshake"
	}
	return "it does not apply to this packet"
}

// isAppDoubt reports whether u is the stateful engine's doubt about a
// session's application protocol (TLS or HTTP), not a rule.
func isAppDoubt(u stateful.Unknown) bool {
	return u.Sid == 0 && u.Keyword == stateful.UnknownAppProto
}

// isOrderDoubt reports whether u is the stateful engine's doubt about
// which side of a TCP session sends the first data packet, not a rule.
func isOrderDoubt(u stateful.Unknown) bool {
	return u.Sid == 0 && u.Keyword == stateful.UnknownFirstSpeaker
}

func statefulFix(d stateful.Decision) string {
	switch {
	case d.Indeterminate != nil:
		return ""
	case d.Sid != 0:
		return fmt.Sprintf("rule sid %d of %s %ss it: narrow that rule, or add a pass rule that comes before it", d.Sid, textsafe.String(d.Group), d.Action)
	case d.DefaultAction == stateful.DefaultDropStrict:
		return "under strict order with aws:drop_strict every packet needs a pass rule, the TCP handshake included: add a pass rule for the flow, or use aws:drop_established"
	default:
		return fmt.Sprintf("add a stateful pass rule for the flow ahead of the default action %s", textsafe.String(d.DefaultAction))
	}
}

package stateful

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// RuleMatch is a rule (or a default action) that matched a stage.
type RuleMatch struct {
	Stage Stage
	// Group and GroupPriority identify the rule group ("" and 0 for a
	// default action).
	Group         string
	GroupPriority int
	Sid           int
	// Action is the action the engine applied: Pass, Drop, Reject or
	// Alert (an overridden drop is Alert); for a default action, Alert or
	// Drop.
	Action flow.Action
	// DefaultAction is a default action's AWS name, such as
	// "aws:alert_strict"; "" for a rule.
	DefaultAction string
	// Overridden: the rule is a drop rule whose group has DROP_TO_ALERT.
	Overridden bool
	// Default: a default action, not a rule.
	Default bool
	// Decisive: this match decided the stage (Explain only).
	Decisive bool
	// Rule is the rule's text ("" for a default action).
	Rule string
}

// String prints "alert sid 5 (group g) at open-request" and the like.
func (m RuleMatch) String() string {
	if m.Default {
		return textsafe.String(m.DefaultAction) + " at " + m.Stage.String()
	}
	s := m.Action.String() + " sid " + strconv.Itoa(m.Sid) + " (group " + textsafe.String(m.Group) + ")"
	if m.Overridden {
		s += " [drop overridden to alert]"
	}
	return s + " at " + m.Stage.String()
}

// Unknown names a rule whose match depends on something a session does
// not show (a payload, a geolocation, a flowbit set by another rule, ...)
// or on the entries of an IP set the input does not hold.
type Unknown struct {
	Stage  Stage
	Group  string
	Sid    int
	Action flow.Action
	Rule   string
	// Keyword is the option that cannot be decided, as "content" or
	// "geoip", or the IP set reference whose entries the input does not
	// hold, as "@PARTNERS".
	Keyword string
	Why     string
}

// String prints the rule and the reason.
func (u Unknown) String() string {
	if u.Sid == 0 && u.Group == "" {
		return textsafe.String(u.Why)
	}
	return fmt.Sprintf("%s sid %d (group %s) at %s: %s", u.Action, u.Sid, textsafe.String(u.Group), u.Stage, textsafe.String(u.Why))
}

// StageTrace is what Explain records for one judged stage.
type StageTrace struct {
	Stage Stage
	// Packet is the packet judged (request or reply direction).
	Packet flow.Flow
	// Established reports Suricata's flow:established state of the packet.
	Established bool
	// AppProto is the application protocol known at this stage, "" before
	// it is known.
	AppProto string
	// Domain is the tls.sni / http.host buffer visible at this stage, ""
	// when there is none.
	Domain string
	// Matches are the rules that matched, in evaluation order, with the
	// default actions that applied. A rule past the one that decided is
	// listed too (it was not acted on).
	Matches []RuleMatch
	// Unknown are the rules that might match, depending on what a session
	// cannot show.
	Unknown []Unknown
	// Outcome is "pass" (a pass rule passed the connection), "drop" or
	// "reject" (a rule blocked the packet), a default action's name, or
	// "indeterminate", or [OutcomePassPacket] (a pass rule of packet scope
	// passed this packet only; the next stage is judged afresh), or
	// "continue" (no rule decided: the packet passes and the next stage is
	// judged).
	Outcome string
}

// OutcomePassPacket is the [StageTrace] Outcome of a stage whose packet a
// pass rule of packet scope passed (see the package doc, Action scope).
const OutcomePassPacket = "pass-packet"

// Decision is the outcome of a session against the stateful
// engine.
type Decision struct {
	// Verdict is flow.Allow, flow.Deny or flow.Indeterminate.
	Verdict flow.Verdict
	// Stage is where it was decided: the dropped packet, the stage whose
	// pass rule passed the connection, the stage of the undecidable rule,
	// or the last stage judged when a pass rule of packet scope passed it,
	// or (nothing decided) the latest stage judged (DataToClient when it
	// is judged, whichever data packet came first).
	Stage Stage
	// Action is the deciding rule's action (Pass, Drop or Reject), Drop
	// for a default drop action, and Pass when nothing decided and the
	// engine's pass default let the connection through (or there is no
	// engine). For an Indeterminate verdict it is the undecidable rule's
	// action.
	Action flow.Action
	// DefaultAction is the AWS name of the default action that decided
	// ("aws:drop_strict", ...); "" otherwise.
	DefaultAction string
	// Group, GroupPriority, Sid and Rule identify the deciding (or
	// undecidable) rule; zero for a default.
	Group         string
	GroupPriority int
	Sid           int
	Rule          string
	// Default reports that a default action (or the implicit pass of
	// traffic no rule decided) decided.
	Default bool
	// PacketScope is set when the deciding rule is a pass rule of packet
	// scope (see the package doc, Action scope): it passed the packet of
	// Stage, the last stage judged, and no stage dropped a packet. It says
	// why the rule's pass applies to its packet only ("flow keyword",
	// "packet keyword itype"); "" otherwise.
	PacketScope string
	// DropDefault names, when no rule decided and the session passes
	// (Verdict Allow, Default, no DefaultAction), the drop default action
	// in force that does not cover the packet of Stage, so passes it:
	// aws:drop_established and aws:drop_established_app_layer_to_server
	// drop the client's packets of an established TCP connection, not the
	// server's (AWS's developer guide, Strict evaluation order). "" when no
	// drop default is in force (unmatched traffic passes) or another
	// outcome.
	DropDefault string
	// EarlierPass is the latest pass rule of packet scope (see
	// [Decision].PacketScope) that passed the packet of a stage judged
	// before Stage (its Stage, Group, GroupPriority, Sid, Action Pass and
	// Rule): under a drop default, what let the client's data through
	// when the session then passes by default at the server's packet. The
	// zero RuleMatch (Sid 0) when no packet rule passed an earlier stage.
	EarlierPass RuleMatch
	// Alerts are the alert rules, DROP_TO_ALERT drops and alert default
	// actions that matched the stages judged (not at a stage a pass rule
	// passed, nor at an indeterminate one under DEFAULT_ACTION_ORDER).
	Alerts []RuleMatch
	// Indeterminate names the undecidable rule when Verdict is
	// Indeterminate: the first one met; or, with Sid 0 and Keyword
	// [UnknownAppProto], the session's application protocol (TLS or
	// HTTP, its Domain says, not which), when the two readings differ; or,
	// with Sid 0 and Keyword [UnknownFirstSpeaker], which side of a TCP
	// session sends the first data packet, when the two orders differ.
	Indeterminate *Unknown
	// Undecided lists, when the verdict is certain although undecidable
	// pass, drop or reject rules were met, those rules, each at the stage
	// it was met, stage by stage in evaluation order: the verdict (and for
	// a deny, its direction) is the same whether each matches or not. The
	// other fields (Stage, the deciding rule, Alerts, Stages, Skipped)
	// then describe the session as it goes when none of them matches.
	// An entry with Sid 0 and Keyword [UnknownAppProto] says the session
	// speaks TLS or HTTP, not which, and gets this verdict either way
	// (the other fields then describe it as TLS); one with Keyword
	// [UnknownFirstSpeaker] that either side may send the first data
	// packet and the session is denied either way, on the request when
	// the client sends first (the other fields describe that order), on
	// the reply otherwise. Nil otherwise.
	Undecided []Unknown
	// Warning is set when only one direction reached the engine.
	Warning string
	// Stages is the per-stage trace (Explain only).
	Stages []StageTrace
	// Skipped lists, for Explain only, the rules the engine tried before
	// the deciding one, stage by stage, each with why it did not decide.
	// Rules the index rules out by protocol, address, port or domain
	// without trying them are not listed.
	Skipped []Skip

	noEngine bool   // the decision of a nil Engine
	label    string // the deciding rule's label, prepared at Compile
	// legs: for an Indeterminate verdict whose worlds disagree (or are
	// too many to try), the directions (legToServer, legToClient) some
	// world denies or leaves undecided; 0 for the stage's direction alone
	legs uint8
}

// RuleLabel names the deciding (or undecidable) rule as "group sid N:
// text", unescaped; "" for a default.
func (d Decision) RuleLabel() string {
	switch {
	case d.Sid == 0:
		return ""
	case d.label != "":
		return d.label
	}
	return d.Group + " sid " + strconv.Itoa(d.Sid) + ": " + d.Rule
}

// Skip is a rule the engine tried at a stage and passed over.
type Skip struct {
	Stage         Stage
	Group         string
	GroupPriority int
	Sid           int
	Action        flow.Action
	Rule          string
	// Reason says why the rule did not decide: the first thing about the
	// packet it does not match ("not established", "destination port 22
	// not in the rule's ports"), or that it only alerts.
	Reason string
}

// String prints "drop sid 2 (group blocks) at open-request: not established".
func (s Skip) String() string {
	return s.Action.String() + " sid " + strconv.Itoa(s.Sid) + " (group " + textsafe.String(s.Group) + ") at " + s.Stage.String() + ": " + textsafe.String(s.Reason)
}

// Allowed reports whether the verdict is flow.Allow.
func (d Decision) Allowed() bool { return d.Verdict == flow.Allow }

// String explains the decision in one line, for example
// "deny at open-request: drop sid 2 (group blocks)" or
// "allow at data-to-client: no rule decided (the stateful engine passes by default)".
func (d Decision) String() string {
	var b strings.Builder
	b.WriteString(d.Verdict.String())
	b.WriteString(" at ")
	b.WriteString(d.Stage.String())
	b.WriteString(": ")
	switch {
	case d.noEngine:
		b.WriteString("no stateful firewall")
	case d.Verdict == flow.Indeterminate && d.Indeterminate != nil:
		b.WriteString(d.Indeterminate.String())
	case d.Default && d.DefaultAction == "" && d.DropDefault != "":
		b.WriteString("no rule decided, and " + d.DropDefault + " does not cover this packet")
	case d.Default && d.DefaultAction == "":
		b.WriteString("no rule decided (the stateful engine passes by default)")
	case d.Default:
		b.WriteString("default action " + textsafe.String(d.DefaultAction))
	default:
		b.WriteString(d.Action.String() + " sid " + strconv.Itoa(d.Sid) + " (group " + textsafe.String(d.Group) + ")")
		if d.PacketScope != "" {
			b.WriteString(", which passes this packet only (packet rule: " + d.PacketScope + ")")
		}
	}
	if d.Default && d.DefaultAction == "" && d.EarlierPass.Sid != 0 {
		b.WriteString("; the " + d.EarlierPass.Stage.String() + " packet was passed by " + d.EarlierPass.String() + ", a packet rule")
	}
	first := true
	for _, u := range d.Undecided {
		switch {
		case u.Keyword == UnknownAppProto && u.Sid == 0:
			b.WriteString("; the same as TLS and as HTTP (" + u.Why + ")")
			continue
		case u.Keyword == UnknownFirstSpeaker && u.Sid == 0:
			b.WriteString("; the same whichever side sends the first data packet (" + u.Why + ")")
			continue
		case first:
			b.WriteString("; the same whether or not these undecidable rules match: ")
			first = false
		default:
			b.WriteString("; ")
		}
		b.WriteString(u.String())
	}
	if d.Warning != "" {
		b.WriteString(" [warning: " + textsafe.String(d.Warning) + "]")
	}
	return b.String()
}

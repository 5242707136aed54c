package stateful

import (
	"strconv"

	"github.com/reachsim/reachsim/flow"
)

// Who speaks first. A TCP session's first data packet is the client's
// for most application protocols (a TLS ClientHello, an HTTP request),
// but the server's for some: it greets the client as soon as the
// connection is open, and the client answers. Stages are judged in the
// order the packets come, so for those DataToClient is judged before
// DataToServer; a default drop of the server's packets
// (aws:drop_established_app_layer, aws:drop_strict; aws:drop_established
// passes them), with a pass rule for the client's data only, then meets
// the server's greeting first.

// UnknownFirstSpeaker is the Keyword of an [Unknown] that names no rule
// (Sid 0, no Group) but the order of a TCP session's first data packets:
// its application protocol does not say which side speaks first (none is
// detected, or it lets either side begin), and the answer differs
// between the two orders. Its Why says what is missing ("which side of
// the session on tcp/5432 speaks first: ..."); as [Decision.Indeterminate]
// its Rule says what each order gives.
const UnknownFirstSpeaker = "first-speaker"

// speaker is who sends a TCP session's first data packet.
type speaker uint8

const (
	clientFirst speaker = iota
	serverFirst
	eitherFirst // not known: both orders are judged
)

// firstSpeakerOf says who sends the first data packet of a TCP session
// of application protocol app (canonical). The server greets first in
// SMTP (RFC 5321 section 3.1, the 220 greeting), FTP (RFC 959 section
// 5.4: a 220 reply on connection establishment), POP3 (RFC 1939 section
// 4), IMAP (RFC 9051 section 7.1) and RFB/VNC (RFC 6143 section 7.1.1,
// the server's ProtocolVersion); in SSH both sides send their
// identification string as soon as the connection is open (RFC 4253
// section 4.2), so either may come first. Every other detected protocol
// is taken as client-first (a stated limit); a session that speaks none
// that Network Firewall detects ("none": no protocol, an unlisted port,
// ftp-data, ike) may begin either way.
func firstSpeakerOf(app string) speaker {
	switch app {
	case "smtp", "ftp", "pop3", "imap", "rfb":
		return serverFirst
	case "ssh", "none":
		return eitherFirst
	}
	return clientFirst
}

// firstSpeaker says who sends s's first data packet: clientFirst for
// every protocol but TCP.
func firstSpeaker(s Session) speaker {
	if s.Flow.Protocol != flow.TCP {
		return clientFirst
	}
	return firstSpeakerOf(sessionApp(s))
}

// sessionApp is the canonical application protocol s speaks: its App as
// Network Firewall detects it, or DefaultAppProto's guess.
func sessionApp(s Session) string {
	if s.Flow.App == flow.AppUnset {
		return DefaultAppProto(s.Flow)
	}
	return seenApp(s.Flow.App.String())
}

// firstSpeakerWhy is what is missing for a session whose first speaker
// is not known.
func firstSpeakerWhy(s Session) string {
	app := sessionApp(s)
	what := "its application protocol, " + app + ", lets either side begin"
	if app == "none" {
		what = "no application protocol Network Firewall detects is known for it"
	}
	return "which side of the session on tcp/" + strconv.Itoa(int(s.Flow.Dst.Port())) + " sends the first data packet: " + what
}

// eitherOrder decides s, whose first speaker is not known, in both
// orders. The client-first decision is computed first; unless it was
// decided at DataToServer, or met an undecidable rule, the server-first
// order cannot give another answer (each stage is judged on its own: a
// session that got past the client's first data packet that way meets
// the server's the same way) and it stands. Otherwise, when both orders
// give a certain answer, the same one (sameOutcome), it stands; when
// both are a certain Deny (on different directions: the session fails
// either way) it stands, its Undecided listing the doubt (Keyword
// UnknownFirstSpeaker); when both are Indeterminate, it stands on the
// directions either leaves undecided or denies. Otherwise the verdict is
// Indeterminate at DataToServer, naming the doubt, on every direction
// some order denies or leaves undecided; Explain's Stages and Skipped
// hold the client-first order's, then the server-first order's.
func (e *Engine) eitherOrder(s Session, explain, quiet bool) Decision {
	dc := e.decide(s, explain, quiet)
	if dc.Stage != DataToServer && dc.Verdict != flow.Indeterminate && dc.Undecided == nil {
		return dc
	}
	s.serverFirst = true
	ds := e.decide(s, explain, quiet)
	s.serverFirst = false
	legs := deniedLegs(&dc) | deniedLegs(&ds)
	u := Unknown{Stage: DataToServer, Keyword: UnknownFirstSpeaker}
	switch {
	case dc.Verdict != flow.Indeterminate && ds.Verdict != flow.Indeterminate && sameOutcome(dc, ds):
		return dc
	case dc.Verdict == flow.Deny && ds.Verdict == flow.Deny:
		if !quiet {
			u.Why = firstSpeakerWhy(s)
			dc.noteUndecided(u)
		}
		return dc
	case dc.Verdict == flow.Indeterminate && ds.Verdict == flow.Indeterminate:
		dc.legs = legs
		return dc
	}
	u.Why = firstSpeakerWhy(s)
	return inDoubt(dc, ds, u, "client first: ", "; server first: ", legs, explain, quiet)
}

// computeDataDecides reports whether a rule or default action of e could decide
// a TCP session's data packet (Compile keeps it): else the order of the
// data packets changes nothing, and Bounds need not split the ports by
// their application protocol.
func (e *Engine) computeDataDecides() bool {
	d := e.defaults
	if d.DropStrict || d.DropEstablished || d.DropEstablishedAppLayer || d.DropEstablishedAppLayerToServer {
		return true
	}
	for i := range e.rules {
		r := &e.rules[i]
		if r.action != flow.Alert && !r.never && r.est >= 0 && (r.protoAny || r.hasProto(flow.TCP)) {
			return true
		}
	}
	return false
}

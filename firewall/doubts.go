package firewall

import (
	"strconv"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Doubts: a TCP session the two engines would decide, left undecided all
// the same by what the policy does beyond them.
//
//   - The stream exception policy (semantics.md C.3; AWS, "Stream
//     exception policy options"): when the stateless engine passes a
//     direction's opening packet (the SYN, or the SYN-ACK) past the
//     stateful engine but forwards later packets of that direction to it,
//     the stateful engine meets the flow without its opening, a flow it
//     has no state for. AWS says its stream exception policy decides
//     packets of a connection that "breaks midstream" (DROP, the default,
//     and REJECT drop them; CONTINUE inspects them without the flow's
//     context), and does not say whether this is such a case. The same
//     holds when the stateless engine passes one direction whole and
//     forwards the other (the engine meets a SYN-ACK without its SYN, or
//     the client's ACK without the SYN-ACK): AWS's analyzer flags such
//     rules (STATELESS_RULE_FORWARDING_ASYMMETRICALLY). Every
//     direction with a forwarded packet after the first opening passed
//     (in the session's order: SYN, SYN-ACK, the client's data, the
//     server's; either direction's) is Indeterminate, unless it is dropped for certain anyway:
//     by the stateless engine, or by the stateful engine at a packet it
//     sees (before the missed opening; after it under DROP or REJECT,
//     which drop it whichever way the engine takes it; under CONTINUE,
//     which goes on "without context from previous traffic", when
//     aws:drop_strict or a rule that reads no flow state, direction or
//     application layer, a plain 5-tuple drop, dropped it and no pass rule
//     that may match the session reads them:
//     stateful.Engine.DenyStandsWithoutContext), or because the stateful
//     engine has aws:drop_strict and no pass rule that may match the
//     session (stateful.Engine.PassMayMatch), so that it drops every
//     packet of the session it sees under any stream exception policy
//     (then a certain Deny, causeStrictAll, where a packet every session
//     has is forwarded; a leg whose only forwarded packet is the server's
//     pure ACK, dropped for certain too, is Indeterminate only because a
//     server may carry every ACK on its data: causeStrictAllMaybe, as a
//     stateless drop of that packet is).
//   - TLS inspection: a policy with a TLS inspection configuration
//     decrypts the sessions in the configuration's scope, inspects them
//     with the stateful rules and drops some (not TLS, no server name, a
//     certificate that does not check); the scope is not in
//     describe-firewall-policy's output, and reachsim does not model the
//     inspection. A TCP session forwarded to the stateful engine is
//     Indeterminate on every direction with a forwarded packet, unless it
//     is dropped for certain before any application-layer inspection: the
//     stateless engine drops a SYN or SYN-ACK, or the stateful engine
//     drops one for certain, and then every direction stays as the
//     engines decide; a direction the stateless engine drops stays
//     dropped, and so does one the stateful engine drops for certain when
//     neither its drop nor any pass rule reads the application layer
//     (stateful.Engine.DenyIgnoresApp: inspection only adds drops).
//
// The engines' own answer stays in the reasons ("otherwise: ..."). Verdicts
// decides such sessions as Evaluate does (applyDoubts).

// doubt is why a leg the engines decide is Indeterminate all the same.
type doubt uint8

const (
	doubtNone          doubt = iota
	doubtMidstream           // the stream exception policy may decide it
	doubtTLSInspection       // TLS inspection may decrypt and drop it
	// doubtAmbiguous: a stateless rule that names ports or TCP flags the
	// packet dpkt's protocol does not carry, whose match AWS's documents
	// do not settle, decides the leg otherwise if it matches
	// (stateless.Ambiguity)
	doubtAmbiguous
)

// applyAmbiguity makes Indeterminate the legs of ins, connection c's
// decision, that the other reading of a stateless rule the documents
// leave open (stateless.Ambiguity) decides otherwise: every packet that
// meets one is judged with that rule's action instead, and the legs
// compared. Only packets of protocols other than TCP meet one, so c has
// one packet a leg and no other doubt.
func (e *Engine) applyAmbiguity(ins *Decision, c Connection) {
	first := -1
	for i := range ins.Packets {
		if ins.Packets[i].Decision.Undecided() {
			first = i
			break
		}
	}
	if first < 0 {
		return
	}
	alt, _, _ := e.verdicts(c, true) // c is not TCP: never whole
	for k := range ins.leg {
		l := &ins.leg[k]
		if l.cause == causeNotCrossing || l.verdict == flow.Indeterminate || alt[k] == l.verdict {
			continue
		}
		l.verdict, l.doubt, l.dpkt = flow.Indeterminate, doubtAmbiguous, first
		for i := range ins.Packets {
			if ins.Packets[i].Reply == (k == 1) && ins.Packets[i].Decision.Undecided() {
				l.dpkt = i // the leg's own packet, when it meets the rule
			}
		}
	}
}

// sessionTime is the place of packet pr in a TCP session: 0 the SYN, 1
// the SYN-ACK, 2 the client's data, 3 the server's (the stateful Stage
// that judges it).
func sessionTime(pr *PacketResult) int { return int(tcpStage(pr.Reply, pr.Packet.Flags)) }

// tcpStage is the stateful stage that judges a TCP packet of the reply
// (or the request) with these flags: an opening (SYN set) or data. A pure
// ACK (the client's handshake ACK, the server's ACK of data) has no stage
// of its own: it is placed at its direction's data stage, which the
// stateful engine judges on the data segment; so a pure ACK the stateless
// engine passes or drops marks no stage Unseen, and one it forwards makes
// its direction seen (and, after an opening passed, a packet the stateful
// engine meets without the flow's opening).
func tcpStage(reply bool, flags stateless.TCPFlags) stateful.Stage {
	st := stateful.Stage(b2i(reply))
	if flags&stateless.SYN == 0 {
		st += 2
	}
	return st
}

// applyDoubts makes Indeterminate the legs of ins, the decision of TCP
// connection c by both engines, that the stream exception policy or TLS
// inspection may decide otherwise (see above).
func (e *Engine) applyDoubts(ins *Decision, c Connection) {
	if c.Flow.Protocol != flow.TCP || ins.Stateful == nil {
		return
	}
	var act [4]flow.Action // by sessionTime, forward when some packet of it is; 0 for no packet
	var idx [4]int
	var sure [4]bool // by sessionTime, whether a packet every session has is forwarded
	for i := range ins.Packets {
		pr := &ins.Packets[i]
		t := sessionTime(pr)
		if act[t] != flow.Forward {
			act[t], idx[t] = pr.Decision.Action, i
		}
		if pr.Decision.Action == flow.Forward && !pr.Possible {
			sure[t] = true
		}
	}
	p0 := -1 // the first opening passed while a later packet of the session (either direction's) is forwarded
	for k := 0; k < 2 && p0 < 0; k++ {
		for t := k + 1; t < 4 && act[k] == flow.Pass; t++ {
			if act[t] == flow.Forward {
				p0 = k
				break
			}
		}
	}
	if p0 >= 0 {
		// aws:drop_strict with no pass rule that may match the session
		// drops every packet of it the engine sees, whether or not it
		// takes the flow for a broken stream (under CONTINUE, AWS says
		// aws:drop_strict still matches)
		sd := ins.Stateful
		strictAll := sd.Verdict == flow.Deny && sd.Default && sd.DefaultAction == stateful.DefaultDropStrict && !e.stateful.PassMayMatch(c.Flow)
		for t := p0 + 1; t < 4; t++ {
			if act[t] != flow.Forward {
				continue
			}
			l := &ins.leg[t%2]
			switch {
			case l.doubt != doubtNone, l.verdict == flow.Indeterminate, l.cause == causeStatelessDrop:
				continue
			case strictAll && (l.verdict != flow.Allow || sure[t]):
				if l.verdict == flow.Allow {
					l.verdict, l.cause = flow.Deny, causeStrictAll
				}
				continue
			case strictAll:
				// only a packet a session may lack (the server's pure
				// ACK) meets the engine on this leg: dropped for certain
				// where it is sent, under every stream exception policy,
				// but the leg is denied only if the server sends one
				l.verdict, l.cause, l.pkt = flow.Indeterminate, causeStrictAllMaybe, idx[t]
				continue
			case l.cause == causeStateful && l.verdict == flow.Deny:
				st := int(ins.Stateful.Stage)
				if act[st] == flow.Forward && (st < p0 || e.streamException != "CONTINUE" || e.stateful.DenyStandsWithoutContext(*sd, c.Flow)) {
					// dropped at a packet the engine sees, whichever way it
					// takes the flow: under CONTINUE, by a default or rule
					// that matches it as well without the flow's context
					continue
				}
			}
			l.verdict, l.doubt, l.dpkt = flow.Indeterminate, doubtMidstream, idx[p0]
		}
	}
	if e.tlsInspection == "" {
		return
	}
	for k := range ins.leg {
		l := &ins.leg[k]
		switch {
		case l.verdict != flow.Deny || l.doubt != doubtNone:
		case l.cause == causeStatelessDrop && ins.Packets[l.pkt].Packet.Flags&stateless.SYN != 0,
			l.cause == causeStateful && ins.Stateful.Stage <= stateful.OpenReply:
			return // dropped in the handshake, before any application-layer inspection
		}
	}
	for k := range ins.leg {
		l := &ins.leg[k]
		if l.fwd < 0 || l.doubt != doubtNone || l.verdict == flow.Indeterminate || l.cause == causeStatelessDrop {
			continue
		}
		if l.verdict == flow.Deny && (l.cause == causeStateful || l.cause == causeStrictAll) && e.stateful.DenyIgnoresApp(*ins.Stateful) {
			continue // inspection only adds drops, and no pass rule reads what it decrypts
		}
		l.verdict, l.doubt = flow.Indeterminate, doubtTLSInspection
	}
}

// mayDoubt reports whether a TCP session whose legs the stateless engine
// forwards (seen) and whose openings it passes while forwarding later
// packets of the same direction (midstream) may be left undecided by
// applyDoubts: Verdicts then decides it as Evaluate does.
func (e *Engine) mayDoubt(seen [2]bool, midstream bool) bool {
	return midstream || e.tlsInspection != "" && (seen[0] || seen[1])
}

// streamExceptionWords says what the stream exception policy does.
func (e *Engine) streamExceptionWords() string {
	switch e.streamException {
	case "CONTINUE":
		return "CONTINUE, which inspects them without the flow's context (application-layer rules may not match)"
	case "REJECT":
		return "REJECT, which drops them and resets the connection"
	case "DROP":
		return "DROP, which drops them"
	}
	return "DROP (the default), which drops them"
}

// doubtReason words leg k's doubt; otherwise is the engines' own reason.
func (ins *Decision) doubtReason(k int, otherwise string) string {
	l := &ins.leg[k]
	if otherwise == "" {
		otherwise = "passes"
	}
	switch l.doubt {
	case doubtMidstream:
		pr := &ins.Packets[l.dpkt]
		return "the stateless engine passes " + pr.Packet.String() + " past the stateful engine (" + pr.Decision.String() +
			") but forwards later packets of the session to it, which meets them without the flow's opening: AWS does not say whether it takes them for a broken stream, left to its stream exception policy " +
			ins.streamWords + "; otherwise: " + otherwise
	case doubtAmbiguous:
		pr := &ins.Packets[l.dpkt]
		return "stateless engine: " + pr.Packet.String() + ": rule " + pr.Decision.Ambiguous.String() +
			": AWS's documents do not say whether it matches this packet, and the answer differs; reading it as not matching: " + otherwise
	case doubtTLSInspection:
		return "the policy has TLS inspection configuration " + ins.tlsInspection + ", which reachsim does not model: in its scope (which describe-firewall-policy does not show) Network Firewall decrypts the session, inspects it and drops it when it is not TLS, names no server, or its certificate does not check; otherwise: " + otherwise
	}
	return otherwise
}

// doubtUnknown is leg k's doubt's missing fact and how to settle it.
func (ins *Decision) doubtUnknown(k int) (missing, fix string) {
	switch ins.leg[k].doubt {
	case doubtMidstream:
		return "whether the stateful engine takes the packets it meets without the session's opening (which the stateless engine passed past it) for a broken stream, left to its stream exception policy " + ins.streamWords,
			"forward every packet of the session to the stateful engine (or pass them all): a stateless rule that passes the SYN (or SYN-ACK), by its TCP flags or with the whole of one direction, but forwards the rest leaves the stateful engine without the flow's opening"
	case doubtAmbiguous:
		pr := &ins.Packets[ins.leg[k].dpkt]
		a := pr.Decision.Ambiguous
		what, carry := "ports", "TCP and UDP"
		if a.Flags {
			what, carry = "TCP flags", "TCP"
		}
		return "whether stateless rule priority " + strconv.Itoa(a.RulePriority) + " of group " + textsafe.String(a.Group) + ", which names " + what +
				" but does not restrict its protocols to " + carry + ", matches " + pr.Packet.Protocol.String() + " packets (AWS says " + what + " apply to " + carry + " only, not whether such a rule then matches other protocols)",
			"restrict the rule's protocols to " + carry + " (or, to match " + pr.Packet.Protocol.String() + ", add a rule for it without " + what + " ahead of it)"
	case doubtTLSInspection:
		return "the TLS inspection configuration " + textsafe.String(ins.tlsInspection) + " of policy " + textsafe.String(ins.policy) + ", which may decrypt and drop this session",
			"check the configuration's scope by hand (aws network-firewall describe-tls-inspection-configuration --tls-inspection-configuration-arn " + textsafe.String(ins.tlsInspection) + ")"
	}
	return "", ""
}

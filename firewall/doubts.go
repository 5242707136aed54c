package firewall

import (
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Doubts: a TCP session the two engines would decide, left undecided all
// the same by what the policy does beyond them.
//
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
//     dropped.
//
// The engines' own answer stays in the reasons ("otherwise: ..."). Verdicts
// decides such sessions as Evaluate does (applyDoubts).

// doubt is why a leg the engines decide is Indeterminate all the same.
type doubt uint8

const (
	doubtNone          doubt = iota
	doubtTLSInspection       // TLS inspection may decrypt and drop it
)

// applyDoubts makes Indeterminate the legs of ins, the decision of TCP
// connection c by both engines, that the stream exception policy or TLS
// inspection may decide otherwise (see above).
func (e *Engine) applyDoubts(ins *Decision, c Connection) {
	if c.Flow.Protocol != flow.TCP || ins.Stateful == nil {
		return
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
		l.verdict, l.doubt = flow.Indeterminate, doubtTLSInspection
	}
}

// mayDoubt reports whether a TCP session whose legs the stateless engine
// forwards (seen) may be left undecided by applyDoubts: Verdicts then
// decides it as Evaluate does.
func (e *Engine) mayDoubt(seen [2]bool) bool {
	return e.tlsInspection != "" && (seen[0] || seen[1])
}

// doubtReason words leg k's doubt; otherwise is the engines' own reason.
func (ins *Decision) doubtReason(k int, otherwise string) string {
	l := &ins.leg[k]
	if otherwise == "" {
		otherwise = "passes"
	}
	switch l.doubt {
	case doubtTLSInspection:
		return "the policy has TLS inspection configuration " + ins.tlsInspection + ", which reachsim does not model: in its scope (which describe-firewall-policy does not show) Network Firewall decrypts the session, inspects it and drops it when it is not TLS, names no server, or its certificate does not check; otherwise: " + otherwise
	}
	return otherwise
}

// doubtUnknown is leg k's doubt's missing fact and how to settle it.
func (ins *Decision) doubtUnknown(k int) (missing, fix string) {
	switch ins.leg[k].doubt {
	case doubtTLSInspection:
		return "the TLS inspection configuration " + textsafe.String(ins.tlsInspection) + " of policy " + textsafe.String(ins.policy) + ", which may decrypt and drop this session",
			"check the configuration's scope by hand (aws network-firewall describe-tls-inspection-configuration --tls-inspection-configuration-arn " + textsafe.String(ins.tlsInspection) + ")"
	}
	return "", ""
}

package firewall

import (
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// Verdicts is [Engine.Evaluate] reduced to its two verdicts, the
// request's and the reply's ([Decision.VerdictOn] false and true), for a
// walk that needs no reasons: it builds no packet list, no warnings and
// no Decision, and allocates nothing of its own, except for a TCP session
// through a policy with TLS inspection, or one whose opening the
// stateless engine passes while forwarding later packets, which it
// decides as Evaluate does (see the package doc). A randomized test holds it to Evaluate.
func (e *Engine) Verdicts(c Connection) (request, reply flow.Verdict) {
	if e == nil {
		return flow.Allow, flow.Allow
	}
	v, amb, whole := e.verdicts(c, false)
	if whole {
		v = e.decidedVerdicts(c)
		return v[0], v[1]
	}
	if amb {
		// a rule's match the documents leave open (stateless.Ambiguity):
		// a leg the other reading decides otherwise is undecided
		alt, _, _ := e.verdicts(c, true)
		for k := range v {
			if v[k] != flow.Indeterminate && alt[k] != v[k] && (k == 0 && c.Request || k == 1 && c.Reply) {
				v[k] = flow.Indeterminate
			}
		}
	}
	return v[0], v[1]
}

// verdicts is Verdicts under the stateless engine's reading of the rules
// that name ports or TCP flags a packet's protocol does not carry, or,
// with lax, under the other ([stateless.Ambiguity]); amb reports whether
// some packet met such a rule that decides it otherwise. whole reports
// a TCP session that must be decided as Evaluate does (decidedVerdicts):
// verdict is then not its answer. (Only packets of protocols other than
// TCP meet such a rule, so amb and whole are never both true.)
func (e *Engine) verdicts(c Connection, lax bool) (verdict [2]flow.Verdict, amb, whole bool) {
	verdict = [2]flow.Verdict{flow.Allow, flow.Allow}
	var seen [2]bool // per leg, whether a packet was forwarded to the stateful engine
	// per leg, whether the stateless engine passed its opening (TCP) and
	// forwarded a later packet
	var passOpen, fwdLater [2]bool
	var maybe [2]bool            // per leg, whether a Possible packet was dropped
	var unseen stateful.StageSet // the TCP stages whose packet is not forwarded
	ackFwd := false              // whether the client's handshake ACK is forwarded
	tcp := c.Flow.Protocol == flow.TCP
	// Without a rule that names TCP flags, a connection's later segments
	// get its first one's decision: judge that one alone.
	both := tcp && e.stateless.NamesTCPFlags()
	judge := func(k int, p flow.Flow, flags stateless.TCPFlags, possible bool) {
		d := e.stateless.Evaluate(stateless.Packet{Flow: p, Flags: flags})
		a := d.Action
		if d.Undecided() {
			amb = true
			if lax {
				a = d.Ambiguous.Action
			}
		}
		switch a {
		case flow.Drop:
			if possible {
				maybe[k] = true
			} else {
				verdict[k] = flow.Deny
			}
		case flow.Forward:
			seen[k] = true
			fwdLater[k] = fwdLater[k] || flags&stateless.SYN == 0 || !both // !both: the later segments go as the SYN does
			ackFwd = ackFwd || k == 0 && flags == stateless.ACK
		case flow.Pass:
			passOpen[k] = passOpen[k] || flags&stateless.SYN != 0
		}
		if a != flow.Forward && tcp && flags != stateless.ACK {
			unseen = unseen.With(tcpStage(k == 1, flags))
		}
	}
	if c.Request {
		if tcp {
			judge(0, c.Flow, stateless.SYN, false)
			if both {
				judge(0, c.Flow, stateless.ACK, false)
				judge(0, c.Flow, stateless.ACK|stateless.PSH, false)
			}
		} else {
			judge(0, c.Flow, 0, false)
		}
	}
	if c.Reply {
		back := c.Flow.Reverse()
		if tcp {
			judge(1, back, stateless.SYN|stateless.ACK, false)
			if both {
				judge(1, back, stateless.ACK|stateless.PSH, false)
				judge(1, back, stateless.ACK, true)
			}
		} else {
			judge(1, back, 0, false)
		}
	}
	// an opening passed past the stateful engine while a later packet of
	// the session is forwarded to it (the request's SYN before the reply's
	// SYN-ACK): the stream exception policy may decide (doubts.go)
	midstream := passOpen[0] && (seen[1] || fwdLater[0]) || passOpen[1] && (fwdLater[0] || fwdLater[1])
	if tcp && (e.mayDoubt(seen, midstream) || ackFwd && unseen.Has(stateful.DataToServer)) {
		// the stream exception policy or TLS inspection may leave it
		// undecided (doubts.go), or the stateful engine judges the
		// client's handshake ACK alone (judgeACK): decided as Evaluate does
		return verdict, false, true
	}
	if seen[0] || seen[1] {
		var v [2]flow.Verdict
		v[0], v[1] = e.stateful.Verdicts(stateful.Session{Flow: c.Flow, ForwardSeen: seen[0], ReturnSeen: seen[1], Unseen: unseen})
		for k := range verdict {
			if v[k] != flow.Allow && verdict[k] == flow.Allow {
				verdict[k] = v[k]
			}
		}
	}
	for k := range verdict {
		if maybe[k] && verdict[k] == flow.Allow {
			verdict[k] = flow.Indeterminate // the server's pure ACK is dropped: maybeDrop
		}
	}
	return verdict, amb, false
}

// decidedVerdicts is c's verdicts as Evaluate decides them, with the
// packet list and the stateful decision on the stack. It is called from
// Verdicts, not from verdicts: decide calls verdicts (applyAmbiguity),
// and inside that cycle the compiler moved both to the heap.
func (e *Engine) decidedVerdicts(c Connection) [2]flow.Verdict {
	var pkts [6]PacketResult
	var sd stateful.Decision
	ins := e.decide(c, false, pkts[:0], &sd)
	return [2]flow.Verdict{ins.leg[0].verdict, ins.leg[1].verdict}
}

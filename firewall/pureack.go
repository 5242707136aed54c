package firewall

import (
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// The client's handshake ACK at the stateful engine. A pure ACK has no
// stateful stage of its own (tcpStage): it is judged with its
// direction's data segment. When the stateless engine forwards the
// client's ACK (a packet every session has) but passes the request's
// data segments past the stateful engine, the data-to-server stage is
// Unseen and no rule or default would ever meet the ACK. judgeACK judges
// the stage on it instead: the session again, with the data-to-server
// stage seen and the server's data left out (the ACK comes before any
// data). A certain drop there stands for the ACK when it does not depend
// on what a data segment carries and no pass rule does
// ([stateful.Engine.DenyIgnoresApp]: an ACK carries no application
// layer), as aws:drop_strict or a drop rule matching every packet does:
// the request is then denied, the stateful decision being that drop.
// Anything else leaves the decision as it was.

// judgeACK judges the client's handshake ACK, packet ack of ins (a
// forwarded one), on the stateful engine when the request's data stage
// is unseen and the stateful engine allowed what it judged; s is the
// session the engine judged, *sd its decision (rewritten on a drop).
func (e *Engine) judgeACK(ins *Decision, s stateful.Session, sd *stateful.Decision, explain bool) {
	ack := -1
	for i := range ins.Packets {
		if pr := &ins.Packets[i]; !pr.Reply && pr.Packet.Flags == stateless.ACK && pr.Decision.Action == flow.Forward {
			ack = i
		}
	}
	if ack < 0 || !s.Unseen.Has(stateful.DataToServer) || sd.Verdict != flow.Allow || ins.leg[0].verdict != flow.Allow {
		return
	}
	s.Unseen = s.Unseen&^stateful.StageSet(0).With(stateful.DataToServer) | stateful.StageSet(0).With(stateful.DataToClient)
	var ad stateful.Decision
	if explain {
		ad = e.stateful.Explain(s)
	} else {
		ad = e.stateful.Evaluate(s)
	}
	if ad.Verdict != flow.Deny || ad.Stage != stateful.DataToServer || !e.stateful.DenyIgnoresApp(ad) {
		return
	}
	*sd = ad
	ins.ack = ack + 1
	ins.leg[0].verdict, ins.leg[0].cause = flow.Deny, causeStateful
}

// ackWords is what the reason of a stateful drop of the client's
// handshake ACK adds (judgeACK), "" when the stateful engine judged no
// ACK alone.
func (ins *Decision) ackWords() string {
	if ins.ack == 0 {
		return ""
	}
	return " (judged on the client's handshake ACK " + ins.Packets[ins.ack-1].Packet.String() +
		", the one packet of the request's data stage forwarded to it: the stateless engine passes the data segments past it)"
}

package stateful

import "github.com/reachsim/reachsim/flow"

// ReadsFlowState reports whether some rule of e that may match packets of
// protocol p reads whether the flow is established (flow:established or
// flow:not_established). A connectionless flow becomes established only
// once Suricata has seen packets in both directions, so a packet of a
// flow seen one way only is never established, while the engine judges
// the later stages of a [Session] as established: where such a rule may
// match, the engine's verdict on a one-way connectionless flow is not
// certain. The stateful default actions need no such care: on protocols
// other than TCP the "established" defaults apply to every packet.
// False for a nil Engine.
func (e *Engine) ReadsFlowState(p flow.Protocol) bool {
	if e == nil {
		return false
	}
	for i := range e.rules {
		r := &e.rules[i]
		if r.est != 0 && !r.never && (r.protoAny || r.hasProto(p)) {
			return true
		}
	}
	return false
}

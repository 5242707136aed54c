package firewall

import (
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// PacketResult is the stateless engine's decision on one of the packets a
// session is represented by.
type PacketResult struct {
	Reply bool
	// Possible marks a packet a session may not have: the server's pure
	// ACK (a server may piggyback every ACK on data). Its drop leaves its
	// direction Indeterminate, never denied; every other packet is in
	// every session, and its drop denies its direction.
	Possible bool
	Packet   stateless.Packet
	Decision stateless.Decision
}

// packetsOf appends to out the packets that represent the session in
// each direction (see [Decision.Packets]); flags says whether some
// stateless rule names TCP flags, which adds the pure ACKs. A nil out gets
// a list of its own, of the exact size.
func packetsOf(f flow.Flow, request, reply, flags bool, out []PacketResult) []PacketResult {
	per := 1
	if f.Protocol == flow.TCP {
		per = 2 + b2i(flags)
	}
	if out == nil {
		out = make([]PacketResult, 0, per*(b2i(request)+b2i(reply)))
	}
	tcp := f.Protocol == flow.TCP
	if request {
		switch {
		case !tcp:
			out = append(out, PacketResult{Packet: stateless.Packet{Flow: f}})
		case flags:
			out = append(out, PacketResult{Packet: stateless.Packet{Flow: f, Flags: stateless.SYN}},
				PacketResult{Packet: stateless.Packet{Flow: f, Flags: stateless.ACK}},
				PacketResult{Packet: stateless.Packet{Flow: f, Flags: stateless.ACK | stateless.PSH}})
		default:
			out = append(out, PacketResult{Packet: stateless.Packet{Flow: f, Flags: stateless.SYN}},
				PacketResult{Packet: stateless.Packet{Flow: f, Flags: stateless.ACK | stateless.PSH}})
		}
	}
	if reply {
		back := f.Reverse()
		switch {
		case !tcp:
			out = append(out, PacketResult{Reply: true, Packet: stateless.Packet{Flow: back}})
		case flags:
			out = append(out, PacketResult{Reply: true, Packet: stateless.Packet{Flow: back, Flags: stateless.SYN | stateless.ACK}},
				PacketResult{Reply: true, Packet: stateless.Packet{Flow: back, Flags: stateless.ACK | stateless.PSH}},
				PacketResult{Reply: true, Possible: true, Packet: stateless.Packet{Flow: back, Flags: stateless.ACK}})
		default:
			out = append(out, PacketResult{Reply: true, Packet: stateless.Packet{Flow: back, Flags: stateless.SYN | stateless.ACK}},
				PacketResult{Reply: true, Packet: stateless.Packet{Flow: back, Flags: stateless.ACK | stateless.PSH}})
		}
	}
	return out
}

// Forwards reports, for each direction of c that crosses the endpoint,
// whether the stateless engine forwards some packet of it to the stateful
// engine (judging the packets [Decision.Packets] lists); false for a
// direction whose every packet the stateless engine passes or drops
// itself, so that the stateful engine never sees it, and for a nil
// Engine. Package reach asks it of a session that crosses an endpoint on
// one leg only: the stateful engine has no state for the half it sees,
// while the stateless engine judges every packet alone.
func (e *Engine) Forwards(c Connection) (request, reply bool) {
	if e == nil {
		return false, false
	}
	var pkts [6]PacketResult
	for _, pr := range packetsOf(c.Flow, c.Request, c.Reply, e.stateless.NamesTCPFlags(), pkts[:0]) {
		if e.stateless.Evaluate(stateless.Packet{Flow: pr.Packet.Flow, Flags: pr.Packet.Flags}).Action == flow.Forward {
			if pr.Reply {
				reply = true
			} else {
				request = true
			}
		}
	}
	return request, reply
}

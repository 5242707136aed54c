package firewall

import (
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// Bounds adds to b the edges of every stateless and stateful rule that
// could decide the session of c.Flow, for the fields b varies
// ([flow.Bounds]); within one atom of the varied fields,
// [Engine.Evaluate] gives one decision. When b varies the addresses,
// every rule of c.Flow's protocol counts whatever the family of c.Flow's
// addresses: its IPv4 and IPv6 blocks are both added. A nil Engine adds
// nothing.
func (e *Engine) Bounds(c Connection, b *flow.Bounds) {
	if e == nil {
		return
	}
	e.stateless.Bounds(c.Flow, b)
	e.stateful.Bounds(c.Flow, b)
}

// Protocols returns the protocol numbers the policy's rules name, each
// once, in ascending order. Packets of two protocols neither of which is
// named (nor tcp, udp, icmp or icmpv6) get the same decision.
func (e *Engine) Protocols() []flow.Protocol {
	if e == nil {
		return nil
	}
	out := append(e.stateless.Protocols(), e.stateful.Protocols()...)
	slices.Sort(out)
	return slices.Compact(out)
}

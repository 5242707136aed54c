package stateless

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// Bounds adds to b the edges of every rule that could decide a packet of
// the session f, the request f or its reply ([flow.Flow.Reverse]), for
// the fields b varies ([flow.Bounds]): port ranges and CIDR blocks, each
// added to both the source and the destination field (a reply swaps
// them). A rule counts when its protocols admit f's and, unless b varies
// addresses, its CIDR blocks admit f one way or the other. Within one atom
// of the varied fields, [Engine.Evaluate] gives one decision for the
// request and one for the reply. A nil Engine adds nothing.
func (e *Engine) Bounds(f flow.Flow, b *flow.Bounds) {
	if e.none() {
		return
	}
	varyAddr := b.Varies(flow.FieldSrcAddr) || b.Varies(flow.FieldDstAddr)
	src, dst := f.Src.Addr(), f.Dst.Addr()
	for _, rr := range e.rules {
		r := rr.rule
		if len(r.Protocols) > 0 && !slices.Contains(r.Protocols, f.Protocol) {
			continue
		}
		if varyAddr {
			for _, p := range slices.Concat(r.Sources, r.Destinations) {
				b.AddPrefix(flow.FieldSrcAddr, p)
				b.AddPrefix(flow.FieldDstAddr, p)
			}
		} else if !(admits(r.Sources, src) && admits(r.Destinations, dst)) && !(admits(r.Sources, dst) && admits(r.Destinations, src)) {
			continue
		}
		for _, pr := range slices.Concat(r.SourcePorts, r.DestinationPorts) {
			b.Add(flow.FieldSrcPort, pr.Lo, pr.Hi)
			b.Add(flow.FieldDstPort, pr.Lo, pr.Hi)
		}
	}
}

// admits reports whether a is in one of ps, or ps is empty (any).
func admits(ps []netip.Prefix, a netip.Addr) bool {
	if len(ps) == 0 {
		return true
	}
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

package stateless

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Bounds adds to b the edges of every rule that could decide a packet of
// the session whose request is f, the request or its reply
// ([flow.Flow.Reverse]), for the fields b varies ([flow.Bounds]), in the
// request's terms: port ranges and CIDR blocks. A rule counts when its
// protocols admit f's and, unless b varies addresses, its CIDR blocks
// admit the request or the reply; of a port b keeps fixed, a rule adds
// edges only where it meets a packet (the request or the reply) whose
// port there it admits; a rule that meets the reply adds its
// source ports as the request's destination ports and the other way
// round. When b varies addresses, every address edge is added to both
// address fields and every port edge to both port fields. Within one atom
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
		fwd, rev := true, true // the rule may meet the request, the reply
		if varyAddr {
			for _, ps := range [][]netip.Prefix{r.Sources, r.Destinations} {
				set := make([]flow.AddrRange, 0, len(ps)) // one set: a gap between its blocks is in neither
				for _, p := range ps {
					if p.IsValid() {
						set = append(set, flow.AddrRange{From: p.Masked().Addr(), To: addrset.Last(p.Masked())})
					}
				}
				b.AddAddrSet(flow.FieldSrcAddr, set)
				b.AddAddrSet(flow.FieldDstAddr, set)
			}
		} else {
			fwd = admits(r.Sources, src) && admits(r.Destinations, dst)
			rev = admits(r.Sources, dst) && admits(r.Destinations, src)
			if !fwd && !rev {
				continue
			}
		}
		// a port b keeps fixed that the rule does not admit where it
		// meets the request or the reply: it matches no packet that way
		if !b.Varies(flow.FieldDstPort) { // the service's port: the reply's source
			fwd = fwd && admitsPort(r.DestinationPorts, f.Dst.Port())
			rev = rev && admitsPort(r.SourcePorts, f.Dst.Port())
		}
		if !b.Varies(flow.FieldSrcPort) { // the client's port: the reply's destination
			fwd = fwd && admitsPort(r.SourcePorts, f.Src.Port())
			rev = rev && admitsPort(r.DestinationPorts, f.Src.Port())
		}
		for _, pr := range r.SourcePorts {
			if fwd {
				b.Add(flow.FieldSrcPort, pr.Lo, pr.Hi)
			}
			if rev {
				b.Add(flow.FieldDstPort, pr.Lo, pr.Hi)
			}
		}
		for _, pr := range r.DestinationPorts {
			if fwd {
				b.Add(flow.FieldDstPort, pr.Lo, pr.Hi)
			}
			if rev {
				b.Add(flow.FieldSrcPort, pr.Lo, pr.Hi)
			}
		}
	}
}

// admitsPort reports whether p is in one of rs, or rs is empty (any).
func admitsPort(rs []flow.PortRange, p uint16) bool {
	return len(rs) == 0 || inRanges(rs, p)
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

// Protocols returns the protocol numbers the rules name, each once, in
// ascending order. Packets of two protocols neither of which is named
// (nor tcp, naming TCP flags, nor tcp and udp, naming ports) get the same
// decision.
func (e *Engine) Protocols() []flow.Protocol {
	if e.none() {
		return nil
	}
	var out []flow.Protocol
	for _, rr := range e.rules {
		out = append(out, rr.rule.Protocols...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

package stateful

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Bounds adds to b the edges of every rule that could decide the session
// f, for the fields b varies ([flow.Bounds]): port sets, address sets
// itype/icode comparisons and the ports [DefaultAppProto] names, each port and address edge added to both
// the source and the destination field (a reply swaps them). A rule
// counts when its protocol admits f's and, unless b varies addresses,
// its address sets admit f one way or the other. Within one atom of the
// varied fields, [Engine.Evaluate] gives one decision. A nil Engine adds
// nothing.
func (e *Engine) Bounds(f flow.Flow, b *flow.Bounds) {
	if e == nil {
		return
	}
	needsApp := false
	defer func() {
		// The application protocol a session is assumed to speak follows
		// its destination port (DefaultAppProto): when a rule asks for
		// it, every such port is an atom.
		if needsApp {
			for port := range appPorts[f.Protocol] {
				b.Add(flow.FieldDstPort, port, port)
			}
		}
	}()
	varyAddr := b.Varies(flow.FieldSrcAddr) || b.Varies(flow.FieldDstAddr)
	src, dst := f.Src.Addr(), f.Dst.Addr()
	for i := range e.rules {
		r := &e.rules[i]
		if !r.protoAny && !r.hasProto(f.Protocol) {
			continue
		}
		fwd, rev := true, true // the rule may meet the request, the reply
		if varyAddr {
			addrBounds(r.src, r.srcAny, b)
			addrBounds(r.dst, r.dstAny, b)
		} else {
			fwd, rev = r.admits(src, dst), r.admits(dst, src)
			if r.bidir {
				fwd, rev = fwd || rev, fwd || rev
			}
			if !fwd && !rev {
				continue
			}
		}
		portBounds(r.sp, r.dp, fwd, rev, b)
		needsApp = needsApp || r.needsApp()
		for _, c := range r.conds {
			switch c.kind {
			case condIType:
				c.num.bounds(flow.FieldICMPType, b)
			case condICode:
				c.num.bounds(flow.FieldICMPCode, b)
			}
		}
	}
}

// portBounds adds a rule's source and destination ports: as they are
// when the rule meets the request (fwd), swapped when it meets the reply
// (rev).
func portBounds(sp, dp flow.PortSet, fwd, rev bool, b *flow.Bounds) {
	for _, pr := range sp.Ranges() {
		if fwd {
			b.Add(flow.FieldSrcPort, pr.Lo, pr.Hi)
		}
		if rev {
			b.Add(flow.FieldDstPort, pr.Lo, pr.Hi)
		}
	}
	for _, pr := range dp.Ranges() {
		if fwd {
			b.Add(flow.FieldDstPort, pr.Lo, pr.Hi)
		}
		if rev {
			b.Add(flow.FieldSrcPort, pr.Lo, pr.Hi)
		}
	}
}

// admits reports whether r's address sets admit a packet from src to dst.
func (r *rule) admits(src, dst netip.Addr) bool {
	return (r.srcAny || r.src.Contains(src)) && (r.dstAny || r.dst.Contains(dst))
}

func addrBounds(s addrset.Set, any bool, b *flow.Bounds) {
	if any {
		return
	}
	for _, rg := range s.Ranges() {
		b.AddAddrRange(flow.FieldSrcAddr, rg.From, rg.To)
		b.AddAddrRange(flow.FieldDstAddr, rg.From, rg.To)
	}
}

// bounds adds the values at which n's test changes, for a field of 0-255.
func (n intCmp) bounds(f flow.Field, b *flow.Bounds) {
	clamp := func(v int) uint16 { return uint16(min(max(v, 0), 255)) }
	switch n.op {
	case '=':
		b.Add(f, clamp(n.a), clamp(n.a))
	case '<', 'g':
		b.Add(f, clamp(n.a), 255)
	case '>', 'l':
		b.Add(f, clamp(n.a+1), 255)
	case 'r':
		if n.a+1 <= n.b-1 {
			b.Add(f, clamp(n.a+1), clamp(n.b-1))
		}
	}
}

// needsApp reports whether r's decision can depend on the session's
// application protocol: an application-layer header protocol, a sticky
// buffer, or an app-layer-protocol or ssl_state condition.
func (r *rule) needsApp() bool {
	if len(r.apps) > 0 || len(r.bufs) > 0 || r.needsPayload {
		return true
	}
	for _, c := range r.conds {
		if c.kind == condALP || c.kind == condSSLState {
			return true
		}
	}
	return false
}

// Protocols returns the protocol numbers the rules name (in their header
// or an ip_proto condition), each once, in ascending order. Packets of two
// protocols neither of which is named (nor tcp, udp, icmp or icmpv6) get
// the same decision.
func (e *Engine) Protocols() []flow.Protocol {
	if e == nil {
		return nil
	}
	var out []flow.Protocol
	for i := range e.rules {
		r := &e.rules[i]
		if !r.protoAny {
			for p := range flow.Protocol(256) {
				if r.hasProto(p) {
					out = append(out, p)
				}
			}
		}
		for _, c := range r.conds {
			if c.kind == condIPProto {
				for p := range flow.Protocol(256) {
					if c.num.test(int(p)) != c.num.test(int(p)+1) || c.num.test(int(p)) != c.num.test(int(p)-1) {
						out = append(out, p)
					}
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

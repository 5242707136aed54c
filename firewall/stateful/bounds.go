package stateful

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Bounds adds to b the edges of every rule that could decide the session
// whose request is f, for the fields b varies ([flow.Bounds]), in the
// request's terms: port sets, address sets, itype/icode comparisons, the
// destination ports [DefaultAppProto] names (when a rule asks for the
// application protocol) and the ICMP query types whose reply has another
// type ([flow.Flow.Reverse]). A rule counts when its protocol admits f's
// and, unless b varies addresses, its address sets admit the request or
// the reply; of a port b keeps fixed, a rule adds edges only where it
// meets a packet (the request or the reply) whose port there it admits;
// a rule that meets the reply adds its source ports as the
// request's destination ports and the other way round. When b varies
// addresses, every address edge is added to both address fields and
// every port edge to both port fields. Within one atom of the varied
// fields, [Engine.Evaluate] gives one decision. One exception: a sameip rule adds, to each address field, the
// other field's address in f; when b varies both addresses, the pairs with
// equal addresses inside one atom are the caller's to check apart. A nil
// Engine adds nothing.
func (e *Engine) Bounds(f flow.Flow, b *flow.Bounds) {
	if e == nil {
		return
	}
	var ix *addrIndex
	if !b.Varies(flow.FieldSrcAddr) && !b.Varies(flow.FieldDstAddr) {
		ix = e.addrIndex()
	}
	e.bounds(f, b, ix)
}

// bounds is Bounds, the rules that admit f's fixed addresses found by ix
// (nil: every rule tried), their edges kept per atom pair
// (bounds_cache.go).
func (e *Engine) bounds(f flow.Flow, b *flow.Bounds, ix *addrIndex) {
	if ix != nil && !b.Varies(flow.FieldSrcAddr) && !b.Varies(flow.FieldDstAddr) {
		e.fixedBounds(f, b, ix)
		return
	}
	e.indexedBounds(f, b, ix)
}

// indexedBounds is bounds without the kept edges.
func (e *Engine) indexedBounds(f flow.Flow, b *flow.Bounds, ix *addrIndex) {
	// The order of a TCP session's data packets follows its application
	// protocol (order.go), and so its destination port when the session
	// does not name it: where a packet of either could decide, every such
	// port is an atom.
	needsApp := f.Protocol == flow.TCP && e.dataDecides
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
	// The reply of an ICMP query carries the paired type
	// ([flow.Flow.Reverse]: echo request 8, echo reply 0, ...), so a
	// comparison of the reply's type moves with the request's: every
	// paired type is an atom.
	if f.Protocol.IsICMP() && b.Varies(flow.FieldICMPType) {
		for t := range 256 {
			q := flow.Flow{Protocol: f.Protocol, ICMPType: uint8(t)}
			if q.Reverse().ICMPType != q.ICMPType {
				b.Add(flow.FieldICMPType, uint16(t), uint16(t))
			}
		}
	}
	varyAddr := b.Varies(flow.FieldSrcAddr) || b.Varies(flow.FieldDstAddr)
	src, dst := f.Src.Addr(), f.Dst.Addr()
	if !varyAddr {
		if ix != nil {
			ix.each(f.Protocol, src, dst, func(i int, fwd, rev bool) {
				r := &e.rules[i]
				if !r.protoAny && !r.hasProto(f.Protocol) {
					return
				}
				if r.bidir {
					fwd, rev = fwd || rev, fwd || rev
				}
				needsApp = r.bounds(f, fwd, rev, b) || needsApp
			})
			return
		}
	}
	for i := range e.rules {
		r := &e.rules[i]
		if !r.protoAny && !r.hasProto(f.Protocol) {
			continue
		}
		fwd, rev := true, true // the rule may meet the request, the reply
		if varyAddr {
			addrBounds(r.src, r.srcAny, b)
			addrBounds(r.dst, r.dstAny, b)
			if r.setKW != "" { // where the rule certainly matches
				addrBounds(r.srcSure, false, b)
				addrBounds(r.dstSure, false, b)
			}
		} else {
			fwd, rev = r.admits(src, dst), r.admits(dst, src)
			if r.bidir {
				fwd, rev = fwd || rev, fwd || rev
			}
			if !fwd && !rev {
				continue
			}
		}
		needsApp = r.bounds(f, fwd, rev, b) || needsApp
	}
}

// bounds adds the edges of r, which meets the request of f (fwd) or its
// reply (rev), besides its address sets; it reports whether r asks for
// the application protocol.
func (r *rule) bounds(f flow.Flow, fwd, rev bool, b *flow.Bounds) bool {
	// A port b keeps fixed that the rule does not admit where it meets
	// the request (fwd) or the reply (rev): the rule matches no packet
	// of the session that way, whatever the varied ports are.
	if !b.Varies(flow.FieldDstPort) { // the service's port: the reply's source
		fwd = fwd && (r.dpAny || r.dp.Contains(f.Dst.Port()))
		rev = rev && (r.spAny || r.sp.Contains(f.Dst.Port()))
	}
	if !b.Varies(flow.FieldSrcPort) { // the client's port: the reply's destination
		fwd = fwd && (r.spAny || r.sp.Contains(f.Src.Port()))
		rev = rev && (r.dpAny || r.dp.Contains(f.Src.Port()))
	}
	portBounds(r.sp, r.dp, fwd, rev, b)
	for _, c := range r.conds {
		switch c.kind {
		case condIType:
			c.num.bounds(flow.FieldICMPType, b)
		case condICode:
			c.num.bounds(flow.FieldICMPCode, b)
		case condSameIP: // one address varied: it changes at the other
			b.AddAddr(flow.FieldSrcAddr, f.Dst.Addr())
			b.AddAddr(flow.FieldDstAddr, f.Src.Addr())
		}
	}
	return r.needsApp()
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
	var set []flow.AddrRange // one set: a gap between its ranges is in neither
	for _, rg := range s.Ranges() {
		set = append(set, flow.AddrRange{From: rg.From, To: rg.To})
	}
	b.AddAddrSet(flow.FieldSrcAddr, set)
	b.AddAddrSet(flow.FieldDstAddr, set)
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
// buffer, or an app-layer-protocol or ssl_state condition; or a rule of
// an opaque group, which may read anything.
func (r *rule) needsApp() bool {
	if len(r.apps) > 0 || len(r.bufs) > 0 || r.needsPayload || r.opaque {
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

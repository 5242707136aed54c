package stateful

import (
	"net/netip"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Bounds adds to b the edges of every rule that could decide the session
// f, for the fields b varies ([flow.Bounds]): port sets, address sets,
// itype/icode comparisons, the ports [DefaultAppProto] names and the ICMP
// query types whose reply has another type ([flow.Flow.Reverse]), each
// port and address edge added to both the source and the destination
// field (a reply swaps them). A rule counts when its protocol admits f's
// and, unless b varies addresses, its address sets admit f one way or the
// other. Within one atom of the varied fields, [Engine.Evaluate] gives one
// decision. One exception: a sameip rule adds, to each address field, the
// other field's address in f; when b varies both addresses, the pairs with
// equal addresses inside one atom are the caller's to check apart. A nil
// Engine adds nothing.
func (e *Engine) Bounds(f flow.Flow, b *flow.Bounds) {
	if e == nil {
		return
	}
	// The application protocol a session is assumed to speak follows its
	// destination port (DefaultAppProto): every such port is an atom.
	for port := range appPorts[f.Protocol] {
		b.Add(flow.FieldSrcPort, port, port)
		b.Add(flow.FieldDstPort, port, port)
	}
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
	for i := range e.rules {
		r := &e.rules[i]
		if !r.protoAny && !r.hasProto(f.Protocol) {
			continue
		}
		if varyAddr {
			addrBounds(r.src, r.srcAny, b)
			addrBounds(r.dst, r.dstAny, b)
		} else if !r.admits(src, dst) && !r.admits(dst, src) {
			continue
		}
		for _, set := range [2]*flow.PortSet{&r.sp, &r.dp} {
			for _, pr := range set.Ranges() {
				b.Add(flow.FieldSrcPort, pr.Lo, pr.Hi)
				b.Add(flow.FieldDstPort, pr.Lo, pr.Hi)
			}
		}
		for _, c := range r.conds {
			switch c.kind {
			case condIType:
				c.num.bounds(flow.FieldICMPType, b)
			case condICode:
				c.num.bounds(flow.FieldICMPCode, b)
			case condSameIP: // one address varied: it changes at the other
				b.AddAddr(flow.FieldSrcAddr, dst)
				b.AddAddr(flow.FieldDstAddr, src)
			}
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

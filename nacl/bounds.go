package nacl

import (
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// Bounds adds to b the edges of every entry that could decide f in
// direction dir, for the fields b varies ([flow.Bounds]): destination
// port ranges, ICMP types and codes, and CIDR blocks. An entry counts when
// it matches f on every field b keeps fixed. Within one atom of the varied
// fields, [Evaluator.Evaluate] gives one decision. A nil Evaluator adds
// nothing.
func (e *Evaluator) Bounds(f flow.Flow, dir flow.Direction, b *flow.Bounds) {
	if e == nil || dir > flow.Outbound {
		return
	}
	addrField := flow.FieldSrcAddr
	if dir == flow.Outbound {
		addrField = flow.FieldDstAddr
	}
	c, p, _, valid := e.prepare(f, dir)
	varyAddr := b.Varies(addrField)
	for i := range c.match {
		m := &c.match[i]
		en := &c.entries[i]
		if m.proto != flow.AllProtocols && m.proto != p.proto {
			continue
		}
		if varyAddr {
			b.AddPrefix(addrField, en.CIDR)
		} else if !valid || p.hi&m.mhi != m.hi || p.lo&m.mlo != m.lo {
			continue
		}
		if !b.Varies(flow.FieldDstPort) && (p.port < m.plo || p.port > m.phi) {
			continue
		}
		if !b.Varies(flow.FieldICMPType) && m.itype >= 0 && m.itype != p.itype {
			continue
		}
		if !b.Varies(flow.FieldICMPCode) && m.icode >= 0 && m.icode != p.icode {
			continue
		}
		b.Add(flow.FieldDstPort, m.plo, m.phi)
		if m.itype >= 0 {
			b.Add(flow.FieldICMPType, uint16(m.itype), uint16(m.itype))
		}
		if m.icode >= 0 {
			b.Add(flow.FieldICMPCode, uint16(m.icode), uint16(m.icode))
		}
	}
}

// Protocols returns the protocol numbers the entries name, each once, in
// ascending order; an entry for every protocol names none. Packets of two
// protocols neither of which is named get the same decision.
func (e *Evaluator) Protocols() []flow.Protocol {
	if e == nil {
		return nil
	}
	var out []flow.Protocol
	for _, en := range e.acl.Entries {
		if en.Protocol != flow.AllProtocols {
			out = append(out, en.Protocol)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

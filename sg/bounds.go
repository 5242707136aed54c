package sg

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Bounds adds to b the edges of every rule that could decide f in
// direction dir, for the fields b varies ([flow.Bounds]): destination
// (and Alibaba source) port ranges, ICMP types and codes, and the peer's
// prefixes and member addresses. A rule counts when it matches f on
// every field b keeps fixed; a reference to a group whose members are
// unknown counts as matching. Within one atom of the varied fields,
// [Evaluator.Evaluate] gives one decision, with one exception: the
// addresses an [UnknownMembers.Known] function rules out of such a group
// are not edges (a function cannot be listed); a caller varying the peer
// adds them itself. A nil Evaluator adds nothing.
func (e *Evaluator) Bounds(f flow.Flow, dir flow.Direction, b *flow.Bounds) {
	if e == nil || dir > flow.Outbound || !f.Protocol.IsConcrete() {
		return
	}
	if e.either != nil { // Either: both views' edges
		e.either.Bounds(f, dir, b)
	}
	peer, peerField := f.Src.Addr(), flow.FieldSrcAddr
	if dir == flow.Outbound {
		peer, peerField = f.Dst.Addr(), flow.FieldDstAddr
	}
	varyPeer := b.Varies(peerField)
	if e.flavour == AlibabaBasic && varyPeer {
		for i, gi := range e.inner {
			// isolation (inner access policy Drop) decides inbound
			// packets only; outbound, its members are peers like any
			if dir == flow.Inbound || !e.group(gi).InnerAccessDrop {
				e.innerMembers[i].bounds(peerField, b)
			}
		}
	}
	fam := 0
	if f.Is6() {
		fam = 1
	}
	for _, i := range e.bucket(dir, fam, classOf(f.Protocol)) {
		cr := &e.rules[i]
		r := cr.rule
		if !r.Protocol.Matches(f.Protocol) {
			continue
		}
		if !ruleFieldsMatch(r, &f, b, e.spanOf != nil) {
			continue
		}
		if varyPeer {
			e.peerBounds(&cr.peer, peerField, b)
		} else if !cr.peer.match(peer, e.refs) && !e.mayBeMember(&cr.peer, peer) {
			continue
		}
		switch {
		case r.Protocol.HasPorts():
			if r.PortZero {
				b.Add(flow.FieldDstPort, 0, 0)
			} else {
				b.Add(flow.FieldDstPort, r.Ports.Lo, r.Ports.Hi)
			}
			if !r.anySourcePort() && e.spanOf == nil { // a view over a span: no source-port edge (span.go)
				b.Add(flow.FieldSrcPort, r.SourcePorts.Lo, r.SourcePorts.Hi)
			}
		case r.Protocol.IsICMP():
			if r.ICMPType >= 0 {
				b.Add(flow.FieldICMPType, uint16(r.ICMPType), uint16(r.ICMPType))
			}
			if r.ICMPCode >= 0 {
				b.Add(flow.FieldICMPCode, uint16(r.ICMPCode), uint16(r.ICMPCode))
			}
		}
	}
}

// ruleFieldsMatch reports whether r's ports and ICMP type and code cover
// f on the fields b keeps fixed; with spanned (a view of
// [Evaluator.OverSourcePorts]) the source port never rules r out.
func ruleFieldsMatch(r *Rule, f *flow.Flow, b *flow.Bounds, spanned bool) bool {
	switch {
	case r.Protocol.HasPorts():
		if !b.Varies(flow.FieldDstPort) {
			ports := r.Ports
			if r.PortZero {
				ports = flow.PortRange{}
			}
			if !ports.Contains(f.Dst.Port()) {
				return false
			}
		}
		if !spanned && !b.Varies(flow.FieldSrcPort) && !r.anySourcePort() && !r.SourcePorts.Contains(f.Src.Port()) {
			return false
		}
	case r.Protocol.IsICMP():
		if !b.Varies(flow.FieldICMPType) && r.ICMPType >= 0 && int(f.ICMPType) != int(r.ICMPType) {
			return false
		}
		if !b.Varies(flow.FieldICMPCode) && r.ICMPCode >= 0 && int(f.ICMPCode) != int(r.ICMPCode) {
			return false
		}
	}
	return true
}

// peerBounds adds the addresses a rule's peer matches.
func (e *Evaluator) peerBounds(m *peerMatcher, field flow.Field, b *flow.Bounds) {
	switch m.kind {
	case PeerCIDR:
		b.AddPrefix(field, m.cidr)
	case PeerPrefixList:
		// one set: the rule matches the list's union, so a gap between two
		// entries is in neither and touching entries make no edge there
		// for a question that records the sets (flow.Bounds.RecordRanges)
		set := make([]flow.AddrRange, 0, len(m.small)+len(m.all))
		for _, p := range slices.Concat(m.small, m.all) {
			if p.IsValid() {
				p = p.Masked()
				set = append(set, flow.AddrRange{From: p.Addr(), To: addrset.Last(p)})
			}
		}
		b.AddAddrSet(field, set)
	case PeerGroup:
		e.refs[m.ref].bounds(field, b)
	}
}

// bounds adds the members' addresses and delegated prefixes.
func (s *memberSet) bounds(field flow.Field, b *flow.Bounds) {
	for a := range s.addrs {
		b.AddAddr(field, a)
	}
	for _, p := range s.prefixes {
		b.AddPrefix(field, p)
	}
}

// Protocols returns the protocol numbers the rules name, each once, in
// ascending order; a rule for every protocol names none. Packets of two
// protocols neither of which is named (nor tcp, udp, icmp or icmpv6) get
// the same decision.
func (e *Evaluator) Protocols() []flow.Protocol {
	if e == nil {
		return nil
	}
	var out []flow.Protocol
	for i := range e.rules {
		if p := e.rules[i].rule.Protocol; p != flow.AllProtocols {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// PortVerdicts answers, in one pass over the rules, Evaluate's verdict
// on f in direction dir for every TCP or UDP destination port at once:
// the ports allowed, and the ports only a rule referencing a group whose
// members are unknown could allow ([flow.Indeterminate]); every other
// port is denied. It is AWS's union of allow rules, so ok is false for
// Alibaba Cloud groups (priorities and drop rules: use [Evaluator.Bounds]
// and Evaluate) and for a protocol without ports. A nil Evaluator allows
// every port.
func (e *Evaluator) PortVerdicts(f flow.Flow, dir flow.Direction) (allow, undecided flow.PortSet, ok bool) {
	if e == nil {
		return flow.FullSet[uint16](), flow.PortSet{}, true
	}
	if e.flavour != AWS || !f.Protocol.HasPorts() || dir > flow.Outbound {
		return allow, undecided, false
	}
	peer := peerOf(f, dir)
	fam := 0
	if peer.Is6() {
		fam = 1
	}
	var a, u []flow.PortRange
	for _, i := range e.bucket(dir, fam, classOf(f.Protocol)) {
		cr := &e.rules[i]
		r := cr.rule
		if !r.Protocol.Matches(f.Protocol) {
			continue
		}
		ports := r.Ports
		switch {
		case r.Protocol == flow.AllProtocols:
			ports = flow.AllPorts
		case r.PortZero:
			ports = flow.PortRange{}
		}
		switch {
		case cr.peer.match(peer, e.refs):
			a = append(a, ports)
		case e.mayBeMember(&cr.peer, peer):
			u = append(u, ports)
		}
	}
	allow = flow.SetOf(a...)
	return allow, flow.SetOf(u...).Difference(allow), true
}

// PeerPrefixes returns the address blocks the rules' peers name: every
// CIDR block and every entry of a referenced prefix list, in no
// particular order and possibly repeated; not the members of referenced
// groups. Two peer addresses of one family (a list whose entries are
// unknown may match the addresses of one family only) that each of
// these blocks holds alike, that
// are members of the same referenced groups and that every
// [UnknownMembers.Known] function judges alike get the same decision
// from [Evaluator.Evaluate] and [Evaluator.PortVerdicts], whatever else
// differs, in an AWS evaluator. A nil Evaluator names none.
func (e *Evaluator) PeerPrefixes() []netip.Prefix {
	if e == nil {
		return nil
	}
	var out []netip.Prefix
	seen := map[*listMatch]bool{}
	for i := range e.rules {
		m := &e.rules[i].peer
		switch m.kind {
		case PeerCIDR:
			if m.peerBlock != nil {
				out = append(out, m.cidr)
			}
		case PeerPrefixList:
			if m.peerBlock == nil || m.listMatch == nil || seen[m.listMatch] {
				continue
			}
			seen[m.listMatch] = true
			out = append(out, m.small...)
			out = append(out, m.all...)
		}
	}
	return out
}

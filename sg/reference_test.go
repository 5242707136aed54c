package sg_test

import (
	"errors"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// refDecision is what the reference evaluator decides.
type refDecision struct {
	Verdict   flow.Verdict
	Basis     sg.Basis
	Group     string
	RuleIndex int
}

// refMatch is the obviously-correct reading of one rule against one packet
// (semantics.md A.9 and E.1), written without any of Compile's
// precomputation.
func refMatch(r sg.Rule, res sg.Resolver, f flow.Flow, dir flow.Direction) bool {
	if r.Direction != dir {
		return false
	}
	if r.Protocol != flow.AllProtocols && r.Protocol != f.Protocol {
		return false
	}
	if r.Protocol == flow.TCP || r.Protocol == flow.UDP {
		p := f.Dst.Port()
		if p < r.Ports.Lo || p > r.Ports.Hi {
			return false
		}
		sp := r.SourcePorts
		if sp != (flow.PortRange{}) && (f.Src.Port() < sp.Lo || f.Src.Port() > sp.Hi) {
			return false
		}
	}
	if r.Protocol == flow.ICMP || r.Protocol == flow.ICMPv6 {
		if r.ICMPType != -1 && int16(f.ICMPType) != r.ICMPType {
			return false
		}
		if r.ICMPCode != -1 && int16(f.ICMPCode) != r.ICMPCode {
			return false
		}
	}
	peer := f.Src.Addr()
	if dir == flow.Outbound {
		peer = f.Dst.Addr()
	}
	switch r.Peer.Kind {
	case sg.PeerCIDR:
		return r.Peer.CIDR.Contains(peer)
	case sg.PeerPrefixList:
		ps, err := res.PrefixList(r.Peer.PrefixList)
		if err != nil {
			panic(err)
		}
		for _, p := range ps {
			if p.Masked().Contains(peer) {
				return true
			}
		}
		return false
	default:
		return isMember(res, r.Peer.Group, peer)
	}
}

// isMember asks res whether addr is a member of group, the slow way.
func isMember(res sg.GroupResolver, group string, addr netip.Addr) bool {
	members, err := res.GroupMembers(group)
	if err != nil {
		panic(err)
	}
	return slices.Contains(members, addr)
}

// assumeMembers is a resolver whose groups with unknown members (the
// underlying resolver answers *sg.UnknownMembers) are taken to hold the
// address member alone (or nothing when member is invalid), unless their
// Known says it is no member.
type assumeMembers struct {
	sg.Resolver
	member netip.Addr
}

func (a assumeMembers) GroupMembers(group string) ([]netip.Addr, error) {
	ms, err := a.Resolver.GroupMembers(group)
	var u *sg.UnknownMembers
	if !errors.As(err, &u) {
		return ms, err
	}
	if !a.member.IsValid() || (u.Known != nil && u.Known(a.member)) {
		return nil, nil
	}
	return []netip.Addr{a.member}, nil
}

// PrefixList takes a list whose entries are unknown (the underlying
// resolver answers *sg.UnknownEntries) to hold the address member alone
// (or nothing when member is invalid, or of another family than the
// list's).
func (a assumeMembers) PrefixList(id string) ([]netip.Prefix, error) {
	ps, err := a.Resolver.PrefixList(id)
	var u *sg.UnknownEntries
	if !errors.As(err, &u) {
		return ps, err
	}
	if !a.member.IsValid() || (u.Family == sg.FamilyIPv4 && a.member.Is6()) || (u.Family == sg.FamilyIPv6 && a.member.Is4()) {
		return nil, nil
	}
	return []netip.Prefix{netip.PrefixFrom(a.member, a.member.BitLen())}, nil
}

// refEvaluate decides a packet against the groups of one interface the
// slow way. Where groups' members or prefix lists' entries are unknown
// (AWS only), it decides twice: as if the peer were no member of any of
// them and in none of the lists, then as if it were a member of each and
// in each list; a verdict that differs is indeterminate, named by the rule
// that allows the packet in the second world.
func refEvaluate(groups []sg.Group, res sg.Resolver, f flow.Flow, dir flow.Direction) refDecision {
	if len(groups) == 0 || groups[0].Flavour == sg.AWS {
		peer := f.Src.Addr()
		if dir == flow.Outbound {
			peer = f.Dst.Addr()
		}
		none := refDecide(groups, assumeMembers{Resolver: res}, f, dir)
		if none.Verdict == flow.Allow {
			return none
		}
		if all := refDecide(groups, assumeMembers{Resolver: res, member: peer}, f, dir); all.Verdict == flow.Allow {
			basis := sg.UnknownMember
			for _, g := range groups {
				if g.ID == all.Group && g.Rules[all.RuleIndex].Peer.Kind == sg.PeerPrefixList {
					basis = sg.UnknownEntry
				}
			}
			return refDecision{flow.Indeterminate, basis, all.Group, all.RuleIndex}
		}
		return none
	}
	return refDecide(groups, res, f, dir)
}

// refDecide decides a packet against the groups of one interface the slow
// way, every group's members known.
func refDecide(groups []sg.Group, res sg.Resolver, f flow.Flow, dir flow.Direction) refDecision {
	if len(groups) == 0 || groups[0].Flavour == sg.AWS {
		for _, g := range groups {
			for i, r := range g.Rules {
				if refMatch(r, res, f, dir) {
					return refDecision{flow.Allow, sg.ByRule, g.ID, i}
				}
			}
		}
		return refDecision{flow.Deny, sg.NoRuleAllows, "", -1}
	}
	peer := f.Src.Addr()
	if dir == flow.Outbound {
		peer = f.Dst.Addr()
	}
	basic := groups[0].Flavour == sg.AlibabaBasic
	member := func(g sg.Group) bool { return isMember(res, g.ID, peer) }
	if basic {
		for _, g := range groups {
			if !g.InnerAccessDrop && member(g) {
				return refDecision{flow.Allow, sg.InnerAccept, g.ID, -1}
			}
		}
	}
	type hit struct {
		prio   int
		drop   bool
		gi, ri int
	}
	var hits []hit
	for gi, g := range groups {
		for ri, r := range g.Rules {
			if refMatch(r, res, f, dir) {
				hits = append(hits, hit{r.Priority, r.Action == flow.Drop, gi, ri})
			}
		}
	}
	if len(hits) > 0 {
		best := slices.MinFunc(hits, func(a, b hit) int {
			switch {
			case a.prio != b.prio:
				return a.prio - b.prio
			case a.drop != b.drop:
				if a.drop {
					return -1
				}
				return 1
			case a.gi != b.gi:
				return a.gi - b.gi
			}
			return a.ri - b.ri
		})
		v := flow.Allow
		if best.drop {
			v = flow.Deny
		}
		return refDecision{v, sg.ByRule, groups[best.gi].ID, best.ri}
	}
	if basic {
		// a basic group lets every outbound packet out; isolation (inner
		// access policy Drop) withdraws only the inbound authorisation
		if dir == flow.Outbound {
			return refDecision{flow.Allow, sg.DefaultAccept, "", -1}
		}
		for _, g := range groups {
			if member(g) {
				return refDecision{flow.Deny, sg.InnerIsolation, g.ID, -1}
			}
		}
	}
	return refDecision{flow.Deny, sg.DefaultDeny, "", -1}
}

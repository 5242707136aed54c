package reach

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/sg"
)

// A certain block whichever address AWS picks. An answer from or to an
// interface whose address is known only later is Indeterminate when the
// design tells the addresses it could get apart (unknown.go). Yet a hop
// that blocks every one of them stops the session whichever AWS picks:
// when the routes do not tell them apart (so every such address meets
// the hops the placeholder met, each packet the same but for the
// address), a hop that blocks for certain on the placeholder's walk is
// judged again over every piece of those addresses its own filter tells
// apart, one address a piece. When it blocks each for certain, the
// answer stays Unreachable, with a warning: any address meets that hop
// (a hop before it can only stop the session sooner, or leave its filter
// undecided, which does not change the path) and is stopped there.
//
// Group membership follows the interface, whatever its address: a
// security group hop is judged by an evaluator whose references see the
// interface's address moved to the one tried (movedMembers). Hops judged
// this way are a security group judgement with the groups' identity (a
// middlebox did not remove it, and no transit gateway judges it again)
// and a network ACL with no entry known only later; a route table's block
// holds for every address by the routes' own sameness. Any other
// blocking hop leaves the answer Indeterminate, as before.

// maxBlockTries is the most judgements of one hop blockedWhicheverAddress
// makes; a hop that tells apart more pieces is not tried.
const maxBlockTries = 1024

// maxFreeTries is the most addresses of a piece looked at for one no
// other resource holds.
const maxFreeTries = 64

// unknownEnd is an end of a question whose address is known only later,
// and the design tells apart the addresses it could get.
type unknownEnd struct {
	ii *ifaceInfo
	u  *addrUnknown
}

// blockedWhicheverAddress reports whether r, an Unreachable answer for f
// from src to dst, holds whichever address AWS gives the ends whose
// address is known only later, and if so says why, for a warning.
func (m *Model) blockedWhicheverAddress(r *Result, f flow.Flow, src, dst *ifaceInfo) (string, bool) {
	if r.Outcome != Unreachable {
		return "", false
	}
	var ends []unknownEnd
	for k, ii := range [2]*ifaceInfo{src, dst} {
		if ii == nil {
			continue
		}
		for _, u := range ii.unknowns() {
			if u.ph.Is6() != f.Src.Addr().Is6() || len(m.cutsOf(u)) == 0 || len(m.pathCuts(f, src, u, k == 0)) == 0 {
				continue
			}
			ends = append(ends, unknownEnd{ii, u})
		}
	}
	if len(ends) == 0 {
		return "", false
	}
	for _, e := range ends {
		rs := e.u.could.Ranges()
		var cuts []netip.Addr
		m.routeBlocks(func(p netip.Prefix) { cuts = blockCuts(cuts, rs, p.Masked().Addr(), addrset.Last(p)) })
		if len(cuts) > 0 {
			return "", false // a route tells them apart (wherever its ends fall): the path may differ
		}
	}
	for _, bl := range r.Blocks {
		if bl.Indeterminate {
			continue
		}
		hops := r.Forward
		if bl.Leg == Return {
			hops = r.Return
		}
		if bl.Hop < 1 || bl.Hop > len(hops) {
			continue
		}
		h := &hops[bl.Hop-1]
		if m.blocksEveryAddress(h, ends, src, dst) {
			whats := make([]string, len(ends))
			for i, e := range ends {
				whats[i] = e.u.what
			}
			leg := "request"
			if bl.Leg == Return {
				leg = "reply"
			}
			return fmt.Sprintf("%s known only later, and the design tells apart addresses AWS could give; the %s's hop %d (%s %s) blocks every one of them, so the answer is unreachable whichever it gives",
				joinAnd(whats), leg, bl.Hop, h.Kind, h.ID), true
		}
	}
	return "", false
}

// joinAnd joins names with commas and "and", with "is" or "are".
func joinAnd(names []string) string {
	switch len(names) {
	case 1:
		return names[0] + " is"
	case 2:
		return names[0] + " and " + names[1] + " are"
	}
	out := ""
	for i, n := range names {
		switch {
		case i == len(names)-1:
			out += ", and " + n
		case i > 0:
			out += ", " + n
		default:
			out = n
		}
	}
	return out + " are"
}

// blocksEveryAddress reports whether hop h, which blocks for certain,
// blocks its packet whatever addresses the unknown ends get.
func (m *Model) blocksEveryAddress(h *Hop, ends []unknownEnd, src, dst *ifaceInfo) bool {
	switch h.Kind {
	case KindRouteTable:
		return true // the routes do not tell the addresses apart
	case KindNetworkACL:
		j, ok := h.judge.(aclJudge)
		s := m.subnets[h.Name]
		if !ok || s == nil || s.acl.ev != j.ev || len(s.acl.unknown) > 0 {
			return false
		}
		return m.eachAddress(h.Packet, ends, func(b *flow.Bounds) { j.ev.Bounds(h.Packet, h.Direction, b) }, func(pkt flow.Flow, _ []movedAddr) bool {
			v, _ := j.ev.Verdict(pkt, h.Direction)
			return v == flow.Deny
		})
	case KindSecurityGroups:
		j, ok := h.judge.(sgJudge)
		if !ok || (h.Direction == flow.Outbound && len(m.tgws) > 0) {
			return false // judged again beyond a transit gateway (tgw_sgref.go)
		}
		var ii *ifaceInfo
		for _, e := range [2]*ifaceInfo{src, dst} {
			if e != nil && e.sg != nil && e.sg.normal == j.ev {
				ii = e
			}
		}
		if ii == nil || ii.GroupsUnknown != "" {
			return false // another interface's groups, or a middlebox removed the packet's identity
		}
		bounds := func(b *flow.Bounds) {
			j.ev.Bounds(h.Packet, h.Direction, b)
			m.unknownPeerBlocks(func(p netip.Prefix) { // not in the group's bounds
				b.AddPrefix(flow.FieldSrcAddr, p)
				b.AddPrefix(flow.FieldDstAddr, p)
			})
		}
		return m.eachAddress(h.Packet, ends, bounds, func(pkt flow.Flow, moved []movedAddr) bool {
			ev := j.ev
			if len(moved) > 0 {
				var err error
				if ev, err = j.ev.WithMembership(movedMembers{m, moved}); err != nil {
					return false
				}
			}
			v := ev.Evaluate(pkt, h.Direction).Verdict
			return v != flow.Allow && v != flow.Indeterminate
		})
	}
	return false
}

// movedAddr is an interface's placeholder and the address tried in its
// place.
type movedAddr struct{ from, to netip.Addr }

// eachAddress reports whether blocks holds for pkt with every choice of
// addresses for the unknown ends it carries: one address, held by nothing
// else, of every piece of the addresses an end could get that the
// filter's bounds (added by bounds) tell apart. It is false when a piece
// has no such address, or there are too many pieces.
func (m *Model) eachAddress(pkt flow.Flow, ends []unknownEnd, bounds func(*flow.Bounds), blocks func(pkt flow.Flow, moved []movedAddr) bool) bool {
	type varied struct {
		field flow.Field
		ph    netip.Addr
		tries []netip.Addr
	}
	var vs []varied
	for _, e := range ends {
		switch e.u.ph {
		case pkt.Src.Addr():
			vs = append(vs, varied{field: flow.FieldSrcAddr, ph: e.u.ph})
		case pkt.Dst.Addr():
			vs = append(vs, varied{field: flow.FieldDstAddr, ph: e.u.ph})
		}
	}
	if len(vs) == 0 {
		return blocks(pkt, nil) // the packet carries no such address here (translated)
	}
	b := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr)
	bounds(b)
	total := 1
	for i := range vs {
		var could []flow.AddrRange
		for _, e := range ends {
			if e.u.ph == vs[i].ph {
				for _, rg := range e.u.could.Ranges() {
					could = append(could, b.AddrAtoms(vs[i].field, rg.From, rg.To)...)
				}
			}
		}
		for _, a := range could {
			c, ok := m.freeAddrIn(a, vs[i].ph)
			if !ok {
				return false
			}
			vs[i].tries = append(vs[i].tries, c)
		}
		if total *= len(vs[i].tries); total > maxBlockTries {
			return false
		}
	}
	pick := make([]int, len(vs))
	for {
		p := pkt
		var moved []movedAddr
		for i, v := range vs {
			c := v.tries[pick[i]]
			if v.field == flow.FieldSrcAddr {
				p.Src = netip.AddrPortFrom(c, p.Src.Port())
			} else {
				p.Dst = netip.AddrPortFrom(c, p.Dst.Port())
			}
			if c != v.ph {
				moved = append(moved, movedAddr{v.ph, c})
			}
		}
		if !blocks(p, moved) {
			return false
		}
		i := 0
		for ; i < len(pick); i++ {
			if pick[i]++; pick[i] < len(vs[i].tries) {
				break
			}
			pick[i] = 0
		}
		if i == len(pick) {
			return true
		}
	}
}

// freeAddrIn returns an address of a that no resource of the design
// holds, or ph itself when a holds it.
func (m *Model) freeAddrIn(a flow.AddrRange, ph netip.Addr) (netip.Addr, bool) {
	if !ph.Less(a.From) && !a.To.Less(ph) {
		return ph, true
	}
	c := a.From
	for range maxFreeTries {
		if _, held := m.owners[c]; !held {
			return c, true
		}
		if c == a.To {
			break
		}
		c = c.Next()
	}
	return netip.Addr{}, false
}

// movedMembers is the model's group membership with each placeholder in
// moved replaced by the address tried in its place: membership follows
// the interface, whatever its address.
type movedMembers struct {
	m     *Model
	moved []movedAddr
}

// GroupMembers answers as the model's, with the addresses moved.
func (r movedMembers) GroupMembers(group string) ([]netip.Addr, error) {
	out, err := r.m.GroupMembers(group)
	var u *sg.UnknownMembers
	if errors.As(err, &u) {
		cp := *u
		cp.Members = r.move(u.Members)
		_, listed := r.m.members[group]
		if _, byBlock := r.m.unknownPeers[group]; cp.Known != nil && !(byBlock && !listed) {
			// whether an address is known is whether the design holds it:
			// the moved address is held now, its placeholder free
			known := cp.Known
			cp.Known = func(a netip.Addr) bool {
				for _, mv := range r.moved {
					switch a {
					case mv.to:
						return known(mv.from)
					case mv.from:
						return false
					}
				}
				return known(a)
			}
		}
		return nil, &cp
	}
	return r.move(out), err
}

// GroupPrefixes answers as the model's.
func (r movedMembers) GroupPrefixes(group string) []netip.Prefix {
	return r.m.GroupPrefixes(group)
}

// move returns a copy of addrs with each placeholder replaced.
func (r movedMembers) move(addrs []netip.Addr) []netip.Addr {
	if addrs == nil {
		return nil
	}
	out := slices.Clone(addrs)
	for i, a := range out {
		for _, mv := range r.moved {
			if a == mv.from {
				out[i] = mv.to
			}
		}
	}
	return out
}

package reach

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/sg"
)

// The design's edges: the blocks of its routes and filters that tell
// addresses apart, which decide whether a value the input leaves open (an
// address known only later, the address a NAT gateway picks) changes an
// answer.

// findCuts returns, sorted, the edges of the design's CIDR blocks that
// fall inside could: an address of could whose predecessor in could (the
// address before it, or across a gap of could, the last one before the
// gap) is on the other side of the edge. A block that holds some of
// could and not all tells its addresses apart even where its ends fall in
// a gap (0.0.0.0/1 holds the public addresses up to 126.255.255.255 and
// none after the gap at 127.0.0.0/8; 240.0.0.0/4 holds the placeholders of
// public addresses known only later and no public address): its edges
// are the first address of could it holds and the first after it
// (blockCuts). A firewall rule's address sets count the same way (a
// firewall rule for 0.0.0.0/1, or for a public placeholder), each set as
// a whole (setCuts): $EXTERNAL_NET, every address but 10.0.0.0/8, holds
// all the public ones across that gap.
func (m *Model) findCuts(could addrset.Set) []netip.Addr {
	rs := could.Ranges()
	if len(rs) == 0 {
		return nil
	}
	var cuts []netip.Addr
	m.firewallSets(func(set []flow.AddrRange) { cuts = setCuts(cuts, rs, set) })
	m.designBlocks(func(p netip.Prefix) { cuts = blockCuts(cuts, rs, p.Masked().Addr(), addrset.Last(p)) })
	slices.SortFunc(cuts, netip.Addr.Compare)
	return slices.Compact(cuts)
}

// blockCuts appends to cuts the edges the block [lo, hi] makes in the
// addresses of the sorted ranges rs: none when it holds none of them (it
// lies in a gap of rs, or outside), else the first address of rs it holds
// (unless it is the first of rs) and the first address of rs after it,
// wherever the block's own ends fall.
func blockCuts(cuts []netip.Addr, rs []addrset.Range, lo, hi netip.Addr) []netip.Addr {
	f, ok := firstFrom(rs, lo)
	if !ok || f.Compare(hi) > 0 || f.Is4() != lo.Is4() {
		return cuts // holds none of rs
	}
	if f != rs[0].From {
		cuts = append(cuts, f)
	}
	if next := hi.Next(); next.IsValid() && next.Is4() == lo.Is4() {
		if g, ok := firstFrom(rs, next); ok && g.Is4() == lo.Is4() {
			cuts = append(cuts, g)
		}
	}
	return cuts
}

// setCuts appends to cuts the edges the union of the ranges set makes in
// the addresses of the sorted ranges rs: where, going from one address of
// rs to the next, one is in the set and the other not. Ranges that hold
// none of rs are dropped, and ranges with no address of rs between them
// are joined; blockCuts then gives each joined range's edges.
func setCuts(cuts []netip.Addr, rs []addrset.Range, set []flow.AddrRange) []netip.Addr {
	var held []flow.AddrRange
	for _, r := range set {
		if f, ok := firstFrom(rs, r.From); ok && f.Compare(r.To) <= 0 && f.Is4() == r.From.Is4() {
			held = append(held, r)
		}
	}
	slices.SortFunc(held, func(x, y flow.AddrRange) int { return x.From.Compare(y.From) })
	var joined []flow.AddrRange
	for _, r := range held {
		if n := len(joined); n > 0 {
			last := &joined[n-1]
			next := last.To.Next()
			if !next.IsValid() || next.Is4() != last.To.Is4() {
				continue // last reaches the end of the family
			}
			if g, ok := firstFrom(rs, next); !ok || g.Compare(r.From) >= 0 || g.Is4() != next.Is4() {
				// no address of rs between them (or they overlap)
				if last.To.Less(r.To) {
					last.To = r.To
				}
				continue
			}
		}
		joined = append(joined, r)
	}
	for _, r := range joined {
		cuts = blockCuts(cuts, rs, r.From, r.To)
	}
	return cuts
}

// firstFrom returns the first address of the sorted ranges rs at or after
// a.
func firstFrom(rs []addrset.Range, a netip.Addr) (netip.Addr, bool) {
	i, _ := slices.BinarySearchFunc(rs, a, func(r addrset.Range, a netip.Addr) int { return r.To.Compare(a) })
	if i == len(rs) {
		return netip.Addr{}, false
	}
	if rs[i].From.Compare(a) > 0 {
		return rs[i].From, true
	}
	return a, true
}

// designBlocks calls add with every CIDR block of the design that tells
// addresses apart: the routes' (of the route tables and the transit
// gateways' tables), the network ACL entries', the security group rules'
// (their blocks and their prefix lists' entries, each list's once
// however many rules reference it).
func (m *Model) designBlocks(add func(netip.Prefix)) {
	for _, rt := range m.rts {
		for _, cr := range rt.routes {
			for _, p := range cr.prefixes {
				add(p)
			}
		}
	}
	for _, t := range m.tgwRTs {
		for _, r := range t.routes {
			add(r.Destination)
		}
	}
	for _, a := range m.acls {
		for _, e := range a.acl.Entries {
			add(e.CIDR)
		}
	}
	lists := map[string]bool{}
	for _, g := range m.groups {
		for _, r := range g.Rules {
			switch r.Peer.Kind {
			case sg.PeerCIDR:
				add(r.Peer.CIDR)
			case sg.PeerPrefixList:
				if !lists[r.Peer.PrefixList] {
					lists[r.Peer.PrefixList] = true
					for _, p := range m.lists[r.Peer.PrefixList] {
						add(p)
					}
				}
			}
		}
	}
	m.unknownPeerBlocks(add)
}

// unknownPeerBlocks calls add with the blocks that tell apart the
// addresses a rule whose peer is known only later could match
// ([Builder.AddUnknownPeer]: its Within blocks, the entries of the list
// it is narrowed to, the members of the group it is narrowed to and their
// delegated prefixes). A security group's bounds leave them out
// ([sg.Evaluator.Bounds]: an [sg.UnknownMembers.Known] function is not
// listed), so whoever varies a peer address adds them.
func (m *Model) unknownPeerBlocks(add func(netip.Prefix)) {
	for _, u := range m.unknownPeers {
		for _, p := range u.Within {
			add(p)
		}
		switch u.Of.Kind {
		case sg.PeerPrefixList:
			for _, p := range m.lists[u.Of.PrefixList] {
				add(p)
			}
		case sg.PeerGroup:
			for a, in := range m.members[u.Of.Group] {
				if in {
					add(netip.PrefixFrom(a, a.BitLen()))
				}
			}
			for _, p := range m.GroupPrefixes(u.Of.Group) {
				add(p)
			}
		}
	}
}

// firewallAddrBounds returns bounds whose destination address field holds
// the edges of the firewalls' rules' addresses, on either side of a
// packet (the other fields hold nothing). Packets from and to 0.0.0.0
// suffice for both families: when the addresses vary, a rule counts
// whatever the packet's family, and its IPv6 sets are recorded too
// (firewall.Engine.Bounds; TestBoundsVaryingAddressesRecordEitherFamily
// in firewall).
func (m *Model) firewallAddrBounds() *flow.Bounds {
	b := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr)
	for _, f := range m.firewalls {
		protos := append([]flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, 253}, f.engine.Protocols()...)
		for _, proto := range slices.Compact(slices.Sorted(slices.Values(protos))) {
			fb := f.addressBounds(flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(netip.IPv4Unspecified(), 0), Dst: netip.AddrPortFrom(netip.IPv4Unspecified(), 0)})
			b.MergeField(flow.FieldDstAddr, fb, flow.FieldSrcAddr)
			b.MergeField(flow.FieldDstAddr, fb, flow.FieldDstAddr)
		}
	}
	return b
}

// firewallSets calls add with the address sets of the firewalls' rules,
// on either side of a packet, for every protocol they tell apart (the
// sets addressBounds records; firewallAddrBounds holds their edges),
// IPv6 sets included though the packets asked about are IPv4 (as in
// firewallAddrBounds).
func (m *Model) firewallSets(add func([]flow.AddrRange)) {
	for _, f := range m.firewalls {
		protos := append([]flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, 253}, f.engine.Protocols()...)
		for _, proto := range slices.Compact(slices.Sorted(slices.Values(protos))) {
			fb := f.addressBounds(flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(netip.IPv4Unspecified(), 0), Dst: netip.AddrPortFrom(netip.IPv4Unspecified(), 0)})
			for _, field := range []flow.Field{flow.FieldSrcAddr, flow.FieldDstAddr} {
				for _, set := range fb.AddrSets(field) {
					add(set)
				}
			}
		}
	}
}

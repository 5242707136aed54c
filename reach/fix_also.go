package reach

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// sessionKind is a protocol (and, for ICMP, a message) whose sessions
// alsoChanged compares; stands, when not empty, the protocol numbers it
// stands for.
type sessionKind struct {
	proto  flow.Protocol
	icmp   *ICMPMessage
	stands flow.Set[uint8]
}

// routeKinds returns the sessions alsoChanged compares for a route of the
// family v6, which carries every protocol: tcp and udp (every port), the
// family's ICMP messages that a filter of the design names and those the
// model treats apart (echo, destination unreachable, time exceeded,
// timestamp; for IPv6 echo, destination unreachable, packet too big and
// time exceeded) and the query's, each protocol a filter names (GRE, ESP,
// ...) and one protocol no filter names (GRE, when none does), standing
// for all the others (newTrafficQuestion). cache keeps them per family.
func routeKinds(cache map[bool][]sessionKind, m *Model, q Query, v6 bool) []sessionKind {
	if ks, ok := cache[v6]; ok {
		return ks
	}
	ks := []sessionKind{{proto: flow.TCP}, {proto: flow.UDP}}
	icmp := flow.ICMP
	msgs := []ICMPMessage{{Type: 8}, {Type: 3, Code: 4}, {Type: 3, Code: 3}, {Type: 11}, {Type: 13}}
	if v6 {
		icmp = flow.ICMPv6
		msgs = []ICMPMessage{{Type: 128}, {Type: 1, Code: 4}, {Type: 2}, {Type: 3}}
	}
	if q.ICMP != nil && q.Protocol == icmp {
		msgs = append(msgs, *q.ICMP)
	}
	msgs = append(msgs, m.namedICMP(icmp)...)
	seen := map[ICMPMessage]bool{}
	for _, msg := range msgs {
		if !seen[msg] {
			seen[msg] = true
			ks = append(ks, sessionKind{proto: icmp, icmp: &msg})
		}
	}
	tq := m.newTrafficQuestion(v6)
	for i, p := range tq.others {
		k := sessionKind{proto: p}
		if i == len(tq.others)-1 {
			// they are alike: GRE speaks for them where no filter names it
			k.stands = tq.unnamed()
			if k.stands.Contains(47) {
				k.proto = 47
			}
		}
		ks = append(ks, k)
	}
	cache[v6] = ks
	return ks
}

// namedICMP returns the ICMP messages of protocol p (icmp or icmpv6) that
// a security group rule or a network ACL entry of the design names by
// type (and code, when it names one; else code 0).
func (m *Model) namedICMP(p flow.Protocol) []ICMPMessage {
	var out []ICMPMessage
	add := func(proto flow.Protocol, ty, code int16) {
		if proto != p || ty < 0 || ty > 255 {
			return
		}
		msg := ICMPMessage{Type: uint8(ty)}
		if code >= 0 && code <= 255 {
			msg.Code = uint8(code)
		}
		out = append(out, msg)
	}
	for _, g := range sortedByID(m.groups) {
		for _, r := range g.Rules {
			add(r.Protocol, r.ICMPType, r.ICMPCode)
		}
	}
	for _, a := range sortedByID(m.acls) {
		for _, e := range a.acl.Entries {
			add(e.Protocol, e.ICMPType, e.ICMPCode)
		}
	}
	slices.SortFunc(out, func(a, b ICMPMessage) int {
		if a.Type != b.Type {
			return int(a.Type) - int(b.Type)
		}
		return int(a.Code) - int(b.Code)
	})
	return slices.Compact(out)
}

// sameMessage reports whether two ICMP messages of a query are the same
// (nil: echo request, of either family).
func sameMessage(a, b *ICMPMessage) bool {
	switch {
	case a == nil && b == nil:
		return true
	case a == nil:
		return b.Type == 8 && b.Code == 0 || b.Type == 128 && b.Code == 0
	case b == nil:
		return sameMessage(b, a)
	}
	return *a == *b
}

// publicPairs returns, for a block a change names (a route's
// destination, an entry's or a rule's peer, or one of theirs:
// changeBlocks), the pairs of endpoints whose sessions over the internet
// it can change: for each public IPv4 address of the design it holds
// (publicPairsOf: an interface's public or Elastic IP, a NAT gateway's
// public address, an unmodelled resource's); nil when it holds none.
func (m *Model) publicPairs(block netip.Prefix, near []string) [][2]string {
	if !block.IsValid() || !block.Addr().Is4() {
		return nil
	}
	if block.IsSingleIP() {
		return m.publicPairsOf(block, near)
	}
	var in []netip.Addr // a wider block (a prefix list's): the design's public addresses in it
	for a := range m.byPublic {
		if block.Contains(a) {
			in = append(in, a)
		}
	}
	for a := range m.natAddr {
		if block.Contains(a) {
			in = append(in, a)
		}
	}
	for a := range m.unmodelled {
		if block.Contains(a) {
			in = append(in, a)
		}
	}
	slices.SortFunc(in, netip.Addr.Compare)
	var pairs [][2]string
	for _, a := range slices.Compact(in) {
		pairs = append(pairs, m.publicPairsOf(netip.PrefixFrom(a, 32), near)...)
	}
	return pairs
}

// publicPairsOf returns, for a block that is one public IPv4 address p
// of the design (an interface's public or Elastic IP, a NAT gateway's
// public address, an unmodelled resource's), the pairs of endpoints
// whose sessions a change for it can change; nil for any other block.
// The VPC reaches p over the internet, so a packet matches such a change
// on the sessions from each interface of near (those the resource
// judges) to p itself, and on the replies of the sessions p's owner (the
// interfaces a NAT gateway translates) opens to the public addresses of
// near's interfaces, which come back to p; the pairs of the owners' IDs
// are private paths, which the change does not judge.
func (m *Model) publicPairsOf(block netip.Prefix, near []string) [][2]string {
	if !block.IsValid() || !block.IsSingleIP() || !block.Addr().Is4() {
		return nil
	}
	p := block.Addr()
	var senders []string
	switch {
	case m.byPublic[p] != nil:
		senders = []string{m.byPublic[p].ID}
	case m.natAddr[p] != nil:
		if _, public := m.natAddr[p].privateFor(p); !public {
			return nil
		}
		senders = m.addrPeers(p, block)
	case m.unmodelled[p] != nil && m.unmodelled[p].vpc == nil:
		// opens no sessions
	default:
		return nil
	}
	to := p.String()
	var pairs [][2]string
	for _, b := range near {
		pairs = append(pairs, [2]string{b, to})
		ii := m.ifaces[b]
		if ii == nil {
			continue // an internet address an appliance carries
		}
		pubs := make([]netip.Addr, 0, 1+len(ii.PublicIPs))
		if ii.PublicIP.IsValid() {
			pubs = append(pubs, ii.PublicIP)
		}
		for _, pp := range ii.PublicIPs {
			pubs = append(pubs, pp.Public)
		}
		for _, pub := range pubs {
			for _, f := range senders {
				pairs = append(pairs, [2]string{f, pub.String()})
			}
		}
	}
	return pairs
}

// changeBlocks returns the blocks change c names as its peer, as m holds
// them, each once: a security group rule's (the one added, removed or
// replacing, and the one replaced) CIDR, each block of its prefix list,
// or the address of each member of its group (a one-address block: a
// reference matches the members' own addresses); a network ACL entry's
// CIDR (and the replaced one's); a route's destination, or each block of
// its prefix list. missing, when not "", says which of them the model
// cannot enumerate: a group whose members it does not all hold (one the
// input does not hold, or that an interface whose groups or addresses
// are known only later may join), a prefix list whose entries it does not
// hold, a route's destination known only later. The sessions such a
// change alters cannot all be listed.
func (m *Model) changeBlocks(c Change) (blocks []netip.Prefix, missing string) {
	add := func(ps ...netip.Prefix) {
		for _, p := range ps {
			if p.IsValid() && !slices.Contains(blocks, p) {
				blocks = append(blocks, p)
			}
		}
	}
	list := func(id string) {
		ps, err := m.PrefixList(id)
		if err != nil && missing == "" {
			missing = fmt.Sprintf("prefix list %s's entries are not all known", textsafe.String(id))
		}
		add(ps...)
	}
	for _, r := range []*sg.Rule{c.Rule, c.Old} {
		switch {
		case r == nil:
		case r.Peer.Kind == sg.PeerCIDR:
			add(r.Peer.CIDR)
		case r.Peer.Kind == sg.PeerPrefixList:
			list(r.Peer.PrefixList)
		case r.Peer.Kind == sg.PeerGroup:
			as, err := m.GroupMembers(r.Peer.Group)
			var u *sg.UnknownMembers
			if errors.As(err, &u) {
				as = u.Members
			}
			if err != nil && missing == "" {
				missing = fmt.Sprintf("security group %s's members are not all known", textsafe.String(r.Peer.Group))
			}
			for _, a := range as {
				add(netip.PrefixFrom(a, a.BitLen()))
			}
		}
	}
	for _, e := range []*nacl.Entry{c.Entry, c.OldEntry} {
		if e != nil {
			add(e.CIDR)
		}
	}
	if r := c.Route; r != nil {
		switch {
		case r.Unknown != "":
			missing = fmt.Sprintf("the route's destination is known only later (%s)", textsafe.String(r.Unknown))
		case r.PrefixList != "":
			list(r.PrefixList)
		default:
			add(r.Destination)
		}
	}
	return blocks, missing
}

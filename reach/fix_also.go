package reach

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
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

// publicPairs returns, for a change c whose block (a route's
// destination, an entry's or a rule's peer) is one public IPv4 address
// p of the design (an interface's public or Elastic IP, a NAT gateway's
// public address, an unmodelled resource's), the pairs of endpoints
// whose sessions it can change; nil for any other change. The VPC
// reaches p over the internet, so a packet matches such a change on the
// sessions from each interface of near (those the resource judges) to p
// itself, and on the replies of the sessions p's owner (the interfaces a
// NAT gateway translates) opens to the public addresses of near's
// interfaces, which come back to p; the pairs of the owners' IDs are
// private paths, which the change does not judge.
func (m *Model) publicPairs(c Change, near []string) [][2]string {
	var block netip.Prefix
	switch {
	case c.Kind == ResourceRouteTable && c.Route != nil:
		block = c.Route.Destination
	case c.Kind == ResourceNetworkACL && c.Entry != nil:
		block = c.Entry.CIDR
	case c.Kind == ResourceSecurityGroup && c.Rule != nil:
		block = c.Rule.Peer.CIDR
	}
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

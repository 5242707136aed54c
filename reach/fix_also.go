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
	var pairs [][2]string // a wider block (a prefix list's): the design's public addresses in it
	for _, a := range m.publicIn(block) {
		pairs = append(pairs, m.publicPairsOf(netip.PrefixFrom(a, 32), near)...)
	}
	return pairs
}

// publicIn returns the public IPv4 addresses of the design in block (an
// interface's public or Elastic IP, a NAT gateway's public address, an
// unmodelled resource's), sorted, each once.
func (m *Model) publicIn(block netip.Prefix) []netip.Addr {
	if !block.IsValid() || !block.Addr().Is4() {
		return nil
	}
	var in []netip.Addr
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
	return slices.Compact(in)
}

// internetBehind returns, for the appliance id, the internet ends of the
// routes that send internet traffic to it: per route, an internet address
// to stand for the rest of its destination (blockProbe: never an address
// the design holds) and each public IPv4 address of the design inside it
// (publicIn: an instance reached at its public IP over the internet is no
// stand-in's, and its sessions are listed by its own address,
// nearPublicPairs). A change to the appliance's groups can change the
// sessions to them (a NAT instance's, [ApplianceTranslationUnknown]).
func (m *Model) internetBehind(id string) []string {
	var out []string
	add := func(a string) {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	for _, rt := range sortedByID(m.rts) {
		for _, r := range rt.routes {
			if r.Target != TargetInterface || r.TargetID != id {
				continue
			}
			for _, p := range r.prefixes {
				if a, ok := m.blockProbe(p); ok {
					add(a)
				}
				for _, a := range m.publicIn(p) {
					add(a.String())
				}
			}
		}
	}
	return out
}

// nearPublicPairs returns, for a peer a of a change and an end b of the
// sessions it judges that is a public IPv4 address of the design (one an
// appliance carries, internetBehind), the pairs of endpoints whose
// sessions over the internet the change can judge (publicPairsOf): from
// a to b itself, and from b's owner to a's public addresses, whose
// replies go back to b; not a's sessions to itself. The session from b
// is its owner's, sent from its private address (Query): it is no
// session over the internet. nil when b is no public address of the
// design.
func (m *Model) nearPublicPairs(a, b string) [][2]string {
	x, err := netip.ParseAddr(b)
	if err != nil || !x.Is4() || len(m.publicIn(netip.PrefixFrom(x, 32))) == 0 {
		return nil
	}
	pairs := m.publicPairsOf(netip.PrefixFrom(x, 32), []string{a})
	// not an interface's sessions to itself (its own public address)
	return slices.DeleteFunc(pairs, func(p [2]string) bool { return m.sameEnd(p[0], p[1]) })
}

// queryPair reports whether the session between pair is q's own (on
// q's protocol, the same packet ends): the same interfaces (sameEnd),
// and the same addresses once resolved. A destination named by its
// public address is reached over the internet, its ID or private address
// (from inside its VPC) privately: two sessions, though the interfaces
// are the same. A source named by its public address sends from its
// private one, the same session as its ID's.
func (m *Model) queryPair(q Query, pair [2]string) bool {
	if pair[0] == q.From && pair[1] == q.To {
		return true
	}
	if !m.sameEnd(pair[0], q.From) || !m.sameEnd(pair[1], q.To) {
		return false
	}
	pq := q
	pq.From, pq.To = pair[0], pair[1]
	f, _, err1 := m.queryFlow(q)
	g, _, err2 := m.queryFlow(pq)
	if err1 != nil || err2 != nil {
		return true // the same interfaces, as ever
	}
	return f.Src.Addr() == g.Src.Addr() && f.Dst.Addr() == g.Dst.Addr()
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

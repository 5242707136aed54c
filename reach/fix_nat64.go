package reach

import (
	"net/netip"
	"slices"
)

// The NAT64 sessions a change Fix makes may alter beside those between
// its peers' and its interfaces' own addresses (alsoChanged): an IPv6
// interface's session to 64:ff9b::a.b.c.d goes on, translated by a NAT
// gateway or an appliance a route sends the prefix to, as IPv4 from the
// translator's address to a.b.c.d (nat64.go), where a filter for a.b.c.d
// or for the translator's address judges it.

// nat64Judged reports whether c is a change that may judge a translated
// NAT64 packet: to a network ACL, a route table or a security group.
func nat64Judged(c Change) bool {
	return c.Kind == ResourceNetworkACL || c.Kind == ResourceRouteTable || c.Kind == ResourceSecurityGroup
}

// nat64Aliases adds to peers, for a change to a network ACL, a route
// table or a security group (which may judge a translator's translated
// packets: a NAT gateway's subnet's, or an appliance's, a NAT64
// instance's) when a route of m or patched sends some of 64:ff9b::/96 to
// a NAT gateway or an appliance, the NAT64 address of each IPv4 internet
// host among them: an IPv6 interface's session to 64:ff9b::a.b.c.d goes
// on as IPv4 to a.b.c.d (nat64.go), so a change for the host changes it
// too. It returns the peers and the aliases added.
func (m *Model) nat64Aliases(patched *Model, c Change, peers []string) ([]string, map[string]bool) {
	if !nat64Judged(c) || !(m.routesNAT64() || patched.routesNAT64()) {
		return peers, nil
	}
	aliases := map[string]bool{}
	for _, p := range peers {
		x, err := netip.ParseAddr(p)
		if err != nil || !x.Is4() || m.byPrivate[x] != nil || m.byPublic[x] != nil || m.natAddr[x] != nil {
			continue
		}
		a := nat64Address(x).String()
		if !aliases[a] {
			aliases[a] = true
			peers = append(slices.Clip(peers), a)
		}
	}
	return peers, aliases
}

// nat64DesignPairs returns, for a change c that may judge a translated
// NAT64 packet (nat64Judged) when a route of m or patched sends some of
// 64:ff9b::/96 to a NAT gateway or an appliance, the NAT64 sessions to
// IPv4 addresses of the design's interfaces that c may alter, which the
// pairs of its peers miss (their sessions are between the ends' own
// addresses): the translated packet reaches a.b.c.d (an interface's
// private or public IPv4 address) from the translator's address (a NAT
// gateway's private one, or its public one over the internet; an
// appliance's). So when a block of c (changeBlocks: an entry's or a
// rule's peer, a route's destination, a block of their prefix list, a
// member of their group) holds a translator's address, the sessions from
// every interface with an IPv6 address to the NAT64 address of each IPv4
// address of the interfaces c judges (near), whose filters see the
// translator as the peer (a rule of the destination's group, an entry of
// its subnet's ACL); when it holds an IPv4 address of an interface, the
// sessions from near to that address's NAT64 address (c judging the
// translated packet on its way: at the NAT gateway's subnet, which
// passes packets through, so near is every interface, or an appliance's
// group). It returns the pairs and the NAT64 addresses among their ends.
func (m *Model) nat64DesignPairs(patched *Model, c Change, near []string, blocks []netip.Prefix) ([][2]string, map[string]bool) {
	if !nat64Judged(c) || !(m.routesNAT64() || patched.routesNAT64()) {
		return nil, nil
	}
	blocks = slices.DeleteFunc(slices.Clone(blocks), func(b netip.Prefix) bool { return !b.IsValid() || !b.Addr().Is4() })
	if len(blocks) == 0 {
		return nil, nil
	}
	holds := func(a netip.Addr) bool {
		return slices.ContainsFunc(blocks, func(b netip.Prefix) bool { return b.Contains(a) })
	}
	var pairs [][2]string
	aliases := map[string]bool{}
	add := func(from string, a netip.Addr) {
		to := nat64Address(a).String()
		aliases[to] = true
		pairs = append(pairs, [2]string{from, to})
	}
	if slices.ContainsFunc(blocks, m.holdsTranslator) {
		var v6 []string // the interfaces that may send NAT64 sessions
		for _, ii := range m.ifaceOrder {
			if slices.ContainsFunc(ii.PrivateIPs, netip.Addr.Is6) {
				v6 = append(v6, ii.ID)
			}
		}
		for _, id := range near {
			for _, a := range m.ipv4Of(id) {
				for _, from := range v6 {
					add(from, a)
				}
			}
		}
	}
	for _, ii := range m.ifaceOrder {
		for _, a := range m.ipv4Of(ii.ID) {
			if holds(a) {
				for _, from := range near {
					if m.ifaces[from] != nil { // not an internet address an appliance carries
						add(from, a)
					}
				}
			}
		}
	}
	return pairs, aliases
}

// holdsTranslator reports whether block holds an IPv4 address a NAT64
// session may come from once translated: a NAT gateway's (private or
// public), or one of an appliance's (a route's target interface).
func (m *Model) holdsTranslator(block netip.Prefix) bool {
	for a := range m.natAddr {
		if block.Contains(a) {
			return true
		}
	}
	for id := range m.routeTargets() {
		if slices.ContainsFunc(m.ipv4Of(id), block.Contains) {
			return true
		}
	}
	return false
}

// ipv4Of returns the IPv4 addresses of interface id, private and public
// (none for an ID that is no interface's).
func (m *Model) ipv4Of(id string) []netip.Addr {
	ii := m.ifaces[id]
	if ii == nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range ii.PrivateIPs {
		if a.Is4() {
			out = append(out, a)
		}
	}
	if ii.PublicIP.IsValid() {
		out = append(out, ii.PublicIP)
	}
	for _, p := range ii.PublicIPs {
		out = append(out, p.Public)
	}
	return out
}

package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// nat64Target is the IPv4 address of the destination of an IPv4 Sources
// question that an IPv6 client reaches through NAT64, at the address of
// the NAT64 prefix holding it (nat64Address): the address the question
// names, or, for an interface named by ID or name, its first private
// IPv4 address. False when there is none, or when it is a link-local
// address (169.254.0.0/16: a service of the source's own host, the
// Amazon DNS server every VPC shares), which a NAT gateway reaches, if
// at all, on its own host, not the client's.
func nat64Target(dst endpoint) (netip.Addr, bool) {
	if dst.local {
		return netip.Addr{}, false
	}
	if dst.addr.IsValid() {
		return dst.addr, dst.addr.Is4() && !dst.addr.IsLinkLocalUnicast()
	}
	if dst.iface != nil {
		return dst.iface.addr(false)
	}
	return netip.Addr{}, false
}

// nat64Targets is every IPv4 address of the destination of an IPv4
// Sources question an IPv6 client reaches it at through NAT64:
// nat64Target, then, for an interface named by ID or name, its public
// IPv4 address ([Interface.PublicIP]), if it has one: a client sends to
// 64:ff9b::<public address>, the NAT gateway translates it and sends it
// out through the internet gateway, which brings it back in to the
// interface (the public address the internet reaches it at, as
// internetSourcesTo answers the internet).
func nat64Targets(dst endpoint) []netip.Addr {
	v4, ok := nat64Target(dst)
	if !ok {
		return nil
	}
	out := []netip.Addr{v4}
	if ii := dst.iface; ii != nil && !dst.addr.IsValid() && ii.PublicIP.IsValid() && ii.PublicIP != v4 {
		out = append(out, ii.PublicIP)
	}
	return out
}

// nat64Question is q, an IPv4 question to v4 from an interface, asked as
// its IPv6 client sends it through NAT64: to the address of the NAT64
// prefix holding v4, over the same protocol, an ICMP echo request as an
// ICMPv6 echo request (RFC 7915 translates one to the other). False for
// another ICMP message: NAT64 translates no ICMPv6 message into it that
// a client would open a session with.
func nat64Question(q Query, v4 netip.Addr) (Query, bool) {
	q.To, q.IPv6 = nat64Address(v4).String(), true
	if q.Protocol == flow.ICMP {
		if msg, _ := askedICMP(q.Protocol, q.ICMP); msg != (ICMPMessage{Type: flow.ICMPEchoRequest}) {
			return q, false
		}
		q.Protocol, q.ICMP = flow.ICMPv6, nil
	}
	return q, true
}

// addNAT64Sources appends to r the entries of the IPv6 clients of an
// IPv4 Sources question to dst through NAT64 (nat64Sources), for each
// IPv4 address of dst they reach it at (nat64Targets), and the note of
// a question with none. guard skips the walks when no NAT64 session can
// get anywhere (nat64SourcesDoomed); Sources passes true.
func (m *Model) addNAT64Sources(r *SourcesResult, base Query, dst endpoint, anyClient, guard bool) error {
	targets := nat64Targets(dst)
	if len(targets) == 0 {
		return nil
	}
	if _, ok := nat64Question(base, targets[0]); !ok {
		r.Notes = append(r.Notes, fmt.Sprintf("IPv6 clients through NAT64 (to %s) are not asked: NAT64 translates an ICMPv6 echo request into an ICMP one, and no other ICMPv6 message a client sends into this one", nat64Address(targets[0])))
		return nil
	}
	if guard && m.nat64SourcesDoomed() {
		return nil
	}
	var cuts *flow.Bounds // addressCuts, for the delegated prefixes
	for _, ii := range m.ifaceOrder {
		if ii == dst.iface {
			continue
		}
		for _, v4 := range targets {
			es, err := m.nat64Sources(base, ii, v4, &cuts, anyClient)
			if err != nil {
				return err
			}
			r.Interfaces = append(r.Interfaces, es...)
		}
	}
	return nil
}

// nat64Sources returns the entries of interface ii (not the question's
// destination) whose session to v4, the destination of an IPv4 Sources
// question, sent through NAT64 to the address of the NAT64 prefix
// holding v4, gets through or might, each naming that address
// (SourceInterface.NAT64To): from its IPv6 address, as [Model.Verdict]
// (sourceVerdict) answers that query from it; then from the addresses
// of the IPv6 prefixes delegated to it ([Interface.DelegatedPrefixes]),
// as delegatedSources answers them (an entry per outcome, Prefixes the
// addresses that have it). cuts is addressCuts, computed once.
func (m *Model) nat64Sources(base Query, ii *ifaceInfo, v4 netip.Addr, cuts **flow.Bounds, anyClient bool) ([]SourceInterface, error) {
	nq, ok := nat64Question(base, v4)
	if !ok {
		return nil, nil
	}
	to := nat64Address(v4)
	var out []SourceInterface
	if a, ok := ii.addr(true); ok {
		iq := nq
		iq.From = ii.ID
		if o, err := m.sourceVerdict(iq, anyClient); err == nil && o != Unreachable {
			out = append(out, SourceInterface{ID: ii.ID, Name: ii.Name, Address: a, AddressUnknown: ii.unknownAt(a), Outcome: o, NAT64To: to})
		}
	}
	var ps []netip.Prefix
	for _, p := range ii.DelegatedPrefixes {
		if p.Addr().Is6() {
			ps = append(ps, p)
		}
	}
	es, err := m.delegatedSources(nq, ii, ps, cuts, anyClient) // delegated.go
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		e.NAT64To = to
		out = append(out, e)
	}
	return out, nil
}

// nat64SourcesDoomed reports whether no session an interface of m sends to the
// NAT64 prefix (from its IPv6 address or a delegated prefix's) can get
// anywhere, for certain, by the routes alone: no VPC block and no address
// of the design lies in the prefix, and the route table of every subnet
// holding such a client dooms every request for the prefix
// (nat64SubnetDooms: no route for it, a blackhole, the internet gateway
// or an egress-only one, which forward IPv6 unchanged to no host, perhaps
// past firewall endpoints; no route known only later, no table that may
// be the subnet's). Any other route for some of the prefix (a covering
// one such as ::/0 among them) to a NAT gateway, an interface, a peering,
// a transit gateway or a target reachsim does not model may get it
// somewhere, and so is no doom. Sources then skips the NAT64 walks:
// every one would answer Unreachable.
func (m *Model) nat64SourcesDoomed() bool {
	for _, v := range m.vpcOrder {
		if slices.ContainsFunc(v.CIDRs, nat64Prefix.Overlaps) {
			return false
		}
	}
	for a := range m.owners {
		if nat64Prefix.Contains(a) {
			return false
		}
	}
	seen := map[*subnetInfo]bool{}
	for _, ii := range m.ifaceOrder {
		if _, ok := ii.addr(true); !ok && !slices.ContainsFunc(ii.DelegatedPrefixes, func(p netip.Prefix) bool { return p.Addr().Is6() }) {
			continue // no IPv6 client
		}
		if s := ii.subnet; !seen[s] {
			seen[s] = true
			if s == nil || !m.nat64SubnetDooms(s, 0) {
				return false
			}
		}
	}
	return true
}

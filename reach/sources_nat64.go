package reach

import (
	"fmt"
	"net/netip"

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

// nat64Sources returns the entries of the interfaces (but dst's own)
// with an IPv6 address whose session to the destination of an IPv4
// Sources question, sent through NAT64 to the address of the NAT64
// prefix holding v4 (nat64Target), gets through or might: each asked as
// [Model.Verdict] (sourceVerdict) answers that query from it, its entry
// naming that address (SourceInterface.NAT64To). A note when the
// question's ICMP message has no NAT64 counterpart.
func (m *Model) nat64Sources(base Query, dst endpoint, v4 netip.Addr, anyClient bool) ([]SourceInterface, string) {
	nq, ok := nat64Question(base, v4)
	if !ok {
		return nil, fmt.Sprintf("IPv6 clients through NAT64 (to %s) are not asked: NAT64 translates an ICMPv6 echo request into an ICMP one, and no other ICMPv6 message a client sends into this one", nat64Address(v4))
	}
	var out []SourceInterface
	for _, ii := range m.ifaceOrder {
		if ii == dst.iface {
			continue
		}
		a, ok := ii.addr(true)
		if !ok {
			continue
		}
		iq := nq
		iq.From = ii.ID
		if o, err := m.sourceVerdict(iq, anyClient); err == nil && o != Unreachable {
			out = append(out, SourceInterface{ID: ii.ID, Name: ii.Name, Address: a, AddressUnknown: ii.unknownAt(a), Outcome: o, NAT64To: nat64Address(v4)})
		}
	}
	return out, ""
}

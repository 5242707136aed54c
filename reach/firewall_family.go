package reach

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
)

// A Network Firewall endpoint and the address families it serves.
//
// A firewall's subnet mapping has an IP address type (API reference,
// SubnetMapping: "The subnet's IP address type. You can't change the IP
// address type after you create the subnet." Valid values DUALSTACK,
// IPV4, IPV6): Network Firewall added dual-stack endpoints in January
// 2023 and IPv6-only ones in April 2023, before which every endpoint was
// IPv4-only. What an endpoint does with a packet of the family its type
// does not name (IPv6 routed to an IPv4-only endpoint, IPv4 to an
// IPv6-only one) AWS does not document: it may drop it (or refuse the
// route), or forward it, inspected or not. So its hop is undecided,
// naming the endpoint and its type, rather than the packet being
// inspected as if the endpoint served it; the walk goes on past it as if
// the endpoint forwarded the packet uninspected, so that a block beyond
// it, certain whatever the endpoint does, still decides. The firewall
// judges no session there: no crossing is recorded.

// The IP address types of a firewall's subnet mapping, as AWS writes them.
const (
	endpointIPv4      = "IPV4"
	endpointIPv6      = "IPV6"
	endpointDualStack = "DUALSTACK"
)

// validEndpointIPType reports whether t is an IP address type AWS gives
// a subnet mapping, or "" (unknown).
func validEndpointIPType(t string) bool {
	switch t {
	case "", endpointIPv4, endpointIPv6, endpointDualStack:
		return true
	}
	return false
}

// serves reports whether the endpoint carries packets of the family of
// a (IPv6 when v6): every family when its type is unknown.
func (e *endpointInfo) serves(v6 bool) bool {
	switch e.ipType {
	case endpointIPv4:
		return !v6
	case endpointIPv6:
		return v6
	}
	return true
}

// familyHop is the undecided hop of pkt, routed to endpoint ei, which
// does not serve its family. Worded whether the walk explains or not
// (Ports takes a quiet walk's firewall hops as named).
func familyHop(pkt flow.Flow, ei *endpointInfo) Hop {
	// fam: the packet's family; served: the endpoint's; want: the type
	// of a mapping that serves the packet's family alone
	fam, served, want := "IPv4", "IPv6", endpointIPv4
	if pkt.Dst.Addr().Is6() {
		fam, served, want = "IPv6", "IPv4", endpointIPv6
	}
	return Hop{Kind: KindFirewall, ID: ei.ID, Name: ei.fw.label(), Packet: pkt, Verdict: flow.Indeterminate, Code: FirewallEndpointIPType,
		reason: fmt.Sprintf("the route sends this %s packet to firewall endpoint %s (in %s), whose subnet mapping's IP address type is %s: it serves %s only; "+
			"AWS does not document what an endpoint does with traffic of a family it does not serve (drops it, or forwards it inspected or not); "+
			"the walk goes on past it as if it forwarded the packet uninspected", fam, ei.ID, ei.subnet.ID, ei.ipType, served),
		Missing: fmt.Sprintf("what AWS Network Firewall does with %s traffic routed to endpoint %s, whose subnet mapping is %s (IPAddressType %s): AWS documents the type, not that traffic",
			fam, ei.ID, served+"-only", ei.ipType),
		Fix: fmt.Sprintf("route %s traffic to a firewall endpoint whose subnet mapping serves it (IPAddressType DUALSTACK or %s; a mapping's type is its subnet's, fixed when the subnet is created), or route it elsewhere",
			fam, want)}
}

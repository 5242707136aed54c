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
// inspected as if the endpoint served it. A mapping's type is its
// subnet's, so an unknown one ("") is the subnet's when its blocks are of
// one family; in a dual-stack subnet it is IPV4 or DUALSTACK, which both
// serve IPv4, and an IPv6 packet's hop is undecided there, naming the
// missing type; the walk goes on past it as if
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

// subnetIPType returns the IP address type a mapping in s must have when
// the input does not give it, derived from s's blocks (a mapping's type
// is its subnet's): IPV4 for a subnet without an IPv6 block, IPV6 for
// one without an IPv4 block; "" for a dual-stack subnet, whose mapping
// may be IPV4 or DUALSTACK.
func subnetIPType(s *subnetInfo) string {
	v4, v6 := subnetFamilies(s)
	switch {
	case v4 && !v6:
		return endpointIPv4
	case v6 && !v4:
		return endpointIPv6
	}
	return ""
}

// subnetFamilies reports whether s has an IPv4 block and an IPv6 block.
func subnetFamilies(s *subnetInfo) (v4, v6 bool) {
	for _, c := range s.CIDRs {
		if c.Addr().Is4() {
			v4 = true
		} else {
			v6 = true
		}
	}
	return v4, v6
}

// endpointTypeProblem says why a mapping of IP address type t cannot be
// in subnet s, whose blocks lack a family t serves; "" when it can.
func endpointTypeProblem(t string, s *subnetInfo) string {
	v4, v6 := subnetFamilies(s)
	switch {
	case (t == endpointDualStack || t == endpointIPv6) && !v6:
		return fmt.Sprintf("subnet %s has no IPv6 block, so its mapping cannot be %s (a mapping's type is its subnet's: IPV4 here)", s.ID, t)
	case (t == endpointDualStack || t == endpointIPv4) && !v4:
		return fmt.Sprintf("subnet %s has no IPv4 block, so its mapping cannot be %s (a mapping's type is its subnet's: IPV6 here)", s.ID, t)
	}
	return ""
}

// serves reports whether the endpoint carries packets of the family of
// a (IPv6 when v6); known false when the input leaves it open: an IPv6
// packet at an endpoint of unknown type in a dual-stack subnet (IPV4 or
// DUALSTACK, which both serve IPv4).
func (e *endpointInfo) serves(v6 bool) (serves, known bool) {
	switch e.ipType {
	case endpointIPv4:
		return !v6, true
	case endpointIPv6:
		return v6, true
	case endpointDualStack:
		return true, true
	}
	return !v6, !v6
}

// familyHop is the undecided hop of pkt, routed to endpoint ei, which
// does not serve its family, or may not (its type unknown). Worded
// whether the walk explains or not (Ports takes a quiet walk's firewall
// hops as named).
func familyHop(pkt flow.Flow, ei *endpointInfo) Hop {
	// fam: the packet's family; served: the endpoint's; want: the type
	// of a mapping that serves the packet's family alone
	fam, served, want := "IPv4", "IPv6", endpointIPv4
	if pkt.Dst.Addr().Is6() {
		fam, served, want = "IPv6", "IPv4", endpointIPv6
	}
	h := Hop{Kind: KindFirewall, ID: ei.ID, Name: ei.fw.label(), Packet: pkt, Verdict: flow.Indeterminate, Code: FirewallEndpointIPType}
	if ei.ipType == "" {
		h.reason = fmt.Sprintf("the route sends this %s packet to firewall endpoint %s (in %s), whose subnet mapping's IP address type the input does not give: in a dual-stack subnet it is IPV4 or DUALSTACK (AWS documents no default); "+
			"a DUALSTACK endpoint inspects the packet, and AWS does not document what an IPv4-only one does with it (drops it, or forwards it inspected or not); "+
			"the walk goes on past it as if it forwarded the packet uninspected", fam, ei.ID, ei.subnet.ID)
		h.Missing = fmt.Sprintf("the IP address type of %s's subnet mapping of %s (endpoint %s): IPV4 or DUALSTACK", ei.fw.ID, ei.subnet.ID, ei.ID)
		h.Fix = fmt.Sprintf("give the mapping's IP address type (describe-firewall's Firewall.SubnetMappings[].IPAddressType, Terraform's subnet_mapping.ip_address_type once applied): DUALSTACK serves %s", fam)
		return h
	}
	typ := ei.ipType
	if ei.derived {
		typ += fmt.Sprintf(" (the input does not give it: a mapping's type is its subnet's, and %s has no %s block)", ei.subnet.ID, fam)
	}
	h.reason = fmt.Sprintf("the route sends this %s packet to firewall endpoint %s (in %s), whose subnet mapping's IP address type is %s: it serves %s only; "+
		"AWS does not document what an endpoint does with traffic of a family it does not serve (drops it, or forwards it inspected or not); "+
		"the walk goes on past it as if it forwarded the packet uninspected", fam, ei.ID, ei.subnet.ID, typ, served)
	h.Missing = fmt.Sprintf("what AWS Network Firewall does with %s traffic routed to endpoint %s, whose subnet mapping is %s (IPAddressType %s): AWS documents the type, not that traffic",
		fam, ei.ID, served+"-only", ei.ipType)
	h.Fix = fmt.Sprintf("route %s traffic to a firewall endpoint whose subnet mapping serves it (IPAddressType DUALSTACK or %s; a mapping's type is its subnet's, fixed when the subnet is created), or route it elsewhere",
		fam, want)
	return h
}

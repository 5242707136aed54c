package nacl_test

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

// refEvaluate is the slow, obviously correct evaluator that the fast one is
// checked against. It reads AWS's recipe literally: take the entries of the
// packet's direction and address family, sort a copy by rule number, return
// the first that matches; if none does, the "*" rule denies (32767 for
// IPv4, 32768 for IPv6). It returns the verdict and the deciding number.
func refEvaluate(acl nacl.ACL, f flow.Flow, dir flow.Direction) (flow.Verdict, int) {
	addr := f.Src.Addr() // inbound entries name the source
	if dir == flow.Outbound {
		addr = f.Dst.Addr() // outbound entries name the destination
	}
	var mine []nacl.Entry
	for _, e := range acl.Entries {
		if e.Direction == dir && e.CIDR.Addr().Is6() == addr.Is6() {
			mine = append(mine, e)
		}
	}
	slices.SortFunc(mine, func(a, b nacl.Entry) int { return a.Number - b.Number })
	for _, e := range mine {
		if refMatches(e, f, addr) {
			return e.Action.Verdict(), e.Number
		}
	}
	if addr.Is6() {
		return flow.Deny, nacl.DefaultRuleIPv6
	}
	return flow.Deny, nacl.DefaultRuleIPv4
}

// refMatches reports whether entry e matches packet f whose filtered
// address is addr.
func refMatches(e nacl.Entry, f flow.Flow, addr netip.Addr) bool {
	if !e.CIDR.Contains(addr) {
		return false
	}
	icmpOK := func() bool {
		return (e.ICMPType == -1 || e.ICMPType == int16(f.ICMPType)) &&
			(e.ICMPCode == -1 || e.ICMPCode == int16(f.ICMPCode))
	}
	switch e.Protocol {
	case flow.AllProtocols:
		return true
	case flow.TCP, flow.UDP:
		port := f.Dst.Port()
		return f.Protocol == e.Protocol && e.Ports.Lo <= port && port <= e.Ports.Hi
	case flow.ICMP:
		return f.Protocol == flow.ICMP && icmpOK()
	case flow.ICMPv6:
		if e.CIDR.Addr().Is4() { // AWS: type and code ignored
			return f.Protocol == flow.ICMPv6
		}
		return f.Protocol == flow.ICMPv6 && icmpOK()
	default:
		return f.Protocol == e.Protocol
	}
}

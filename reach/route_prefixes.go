package reach

import (
	"net/netip"
	"slices"
)

// RoutePrefixes returns the blocks at which the design's routing may
// send a packet elsewhere: the destination of every route of every route
// table (gateway route tables and the local routes [Builder.Build] adds
// included; a prefix-list route by the list's entries), of every transit
// gateway route table, and the entries of every prefix list declared
// ([Builder.AddPrefixList]; security group and firewall rules may name
// them too). Each prefix once, masked, IPv4 before IPv6, sorted by
// address then length, in a new slice the caller owns. A route whose
// destination is known only later ([Route.Unknown]) or whose list's
// entries the input lacks adds nothing: it has no block to name.
//
// It is what a tool that samples addresses tries the edges of (package
// brute's matrix check): an address a route to what the design does not
// model (a virtual private gateway, a local gateway) holds may be
// undecided where every other is decided.
func (m *Model) RoutePrefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, rt := range m.rts {
		for _, r := range rt.routes {
			out = append(out, r.prefixes...)
		}
	}
	for _, rt := range m.tgwRTs {
		for _, r := range rt.routes {
			out = append(out, r.Destination)
		}
	}
	for _, ps := range m.lists {
		out = append(out, ps...)
	}
	for i, p := range out {
		out[i] = p.Masked()
	}
	out = slices.DeleteFunc(out, func(p netip.Prefix) bool { return !p.IsValid() })
	slices.SortFunc(out, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	return slices.Compact(out)
}

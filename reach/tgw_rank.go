package reach

import "net/netip"

// AWS's route evaluation order in a transit gateway route table: the
// longest prefix first, then, among routes of one prefix, the rank
// below.

// lookup returns the route for dst: longest prefix first, then, at the
// same prefix, AWS's route evaluation order (tgwRank).
func (t *tgwRTInfo) lookup(dst netip.Addr) (*tgwCompiled, bool) {
	var best *tgwCompiled
	for i := range t.routes {
		r := &t.routes[i]
		if !r.Destination.Contains(dst) {
			continue
		}
		if best == nil || r.Destination.Bits() > best.Destination.Bits() ||
			(r.Destination.Bits() == best.Destination.Bits() && tgwRank(r) < tgwRank(best)) {
			best = r
		}
	}
	return best, best != nil
}

// The ranks of AWS's route evaluation order among routes of one prefix
// (Amazon VPC Transit Gateways, "How transit gateways work", Route
// evaluation order): the lower wins.
const (
	tgwRankStatic     = iota // a static route
	tgwRankPrefixList        // a route of a prefix list reference
	tgwRankVPC               // propagated by a VPC attachment
	tgwRankDX                // by a Direct Connect gateway
	tgwRankConnect           // by a Connect attachment
	tgwRankVPN               // by a VPN attachment
	tgwRankPeering           // by a peering attachment (transit gateway peering, Cloud WAN)
	// tgwRankUnknown is the rank of a propagated route whose attachment's
	// kind AWS's route evaluation order does not place: a propagated
	// blackhole (its attachment is not named) or an attachment of another
	// type. Build lets it share a prefix with no other propagated route.
	tgwRankUnknown
)

// tgwRank is r's place in AWS's route evaluation order among routes of
// one prefix (the tgwRank… constants).
func tgwRank(r *tgwCompiled) int {
	switch {
	case r.PrefixList != "":
		return tgwRankPrefixList
	case !r.Propagated:
		return tgwRankStatic
	case r.att == nil:
		return tgwRankUnknown
	}
	switch r.att.Type {
	case "vpc":
		return tgwRankVPC
	case "direct-connect-gateway":
		return tgwRankDX
	case "connect":
		return tgwRankConnect
	case "vpn":
		return tgwRankVPN
	case "peering":
		return tgwRankPeering
	}
	return tgwRankUnknown
}

package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Routes a transit gateway route table holds that the input does not: a
// VPN, Direct Connect gateway or Connect attachment propagates what its
// peer advertises (Amazon VPC Transit Gateways, "How transit gateways
// work": route propagation, Route evaluation order), and a VPC
// attachment whose VPC the input lacks propagates blocks it does not
// know. A table listed whole ([TGWRouteTable.Listed]) shows them; any
// other does not, so a lookup such a route could decide is undecided
// ([TGWRoutesUnknown]), never a certain [TGWNoRoute].

// hideRoutes records attachment a, if the routes it propagates are not
// in the input, with every table not listed whole that it propagates to.
func (m *Model) hideRoutes(a *tgwAttInfo) {
	if a.Type == "vpc" && m.vpcs[a.VPC] != nil {
		return // Build adds its blocks (propagate)
	}
	for _, id := range a.Propagations {
		if t, ok := m.tgwRTs[id]; ok && t.TransitGateway == a.TransitGateway && !t.Listed && !slices.Contains(t.hidden, a) {
			t.hidden = append(t.hidden, a)
		}
	}
}

// hiddenRoute says why a route the input does not hold, propagated to t
// by one of t.hidden, may decide dst instead of r (nil when t's lookup
// found none): with no route, one may route dst; else one with a longer
// prefix, or of r's prefix and earlier in AWS's route evaluation order,
// may beat r. "" when none can.
func (t *tgwRTInfo) hiddenRoute(r *tgwCompiled, dst netip.Addr) string {
	if len(t.hidden) == 0 {
		return ""
	}
	if r == nil {
		return fmt.Sprintf("it has no route for %s, but %s propagate routes to it the input does not hold, and one may route %s", dst, attIDs(t.hidden), dst)
	}
	if r.Destination.Bits() < dst.BitLen() {
		return fmt.Sprintf("%s matches %s, but a longer prefix that %s may propagate, which the input does not hold, would win", dst, r.Destination, attIDs(t.hidden))
	}
	for _, a := range t.hidden {
		if c := (tgwCompiled{TGWRoute: TGWRoute{Propagated: true}, att: a}); tgwRank(&c) < tgwRank(r) {
			return fmt.Sprintf("%s matches %s, but a route of that prefix that %s may propagate, which the input does not hold, would win (AWS's route evaluation order)", dst, r.Destination, a.ID)
		}
	}
	return ""
}

// attIDs joins the attachments' IDs.
func attIDs(atts []*tgwAttInfo) string {
	ids := make([]string, len(atts))
	for i, a := range atts {
		ids[i] = a.ID
	}
	return strings.Join(ids, ", ")
}

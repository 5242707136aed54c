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
		return fmt.Sprintf("it has no route for %s, but %s routes to it the input does not hold, and one may route %s", dst, attsPropagate(t.hidden), dst)
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

// attsPropagate says that atts propagate, the verb agreeing with their
// number: "att-1 propagates", "att-1, att-2 propagate".
func attsPropagate(atts []*tgwAttInfo) string {
	if len(atts) == 1 {
		return atts[0].ID + " propagates"
	}
	return attIDs(atts) + " propagate"
}

// hiddenFix is the fix of a lookup in t that routes t's hidden
// attachments propagate may decide. It holds for a design of either
// origin: an AWS dump lists them where it lists the table whole, a
// Terraform plan never holds them (they are what peers advertise, or a
// VPC the plan lacks), and a table that holds no propagation from them
// holds only its static routes.
func (t *tgwRTInfo) hiddenFix() string {
	return fmt.Sprintf("list the routes AWS holds in %s once applied (aws ec2 search-transit-gateway-routes, which makes the table Listed; a Terraform plan cannot show what %s), "+
		"or stop propagation from %s to %s and route there statically (Terraform: aws_ec2_transit_gateway_route)",
		t.ID, attsPropagate(t.hidden), attIDs(t.hidden), t.ID)
}

// attIDs joins the attachments' IDs.
func attIDs(atts []*tgwAttInfo) string {
	ids := make([]string, len(atts))
	for i, a := range atts {
		ids[i] = a.ID
	}
	return strings.Join(ids, ", ")
}

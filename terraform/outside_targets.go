package terraform

import (
	"fmt"
	"slices"

	"github.com/reachsim/reachsim/reach"
)

// Targets outside the plan. A route (an aws_route, or an inline route
// block) the plan creates or keeps may name a transit gateway or VPC
// peering connection the plan does not hold: one of another stack or
// account (a transit gateway shared by RAM, a peering connection another
// stack made), named by its known ID from a variable or a data source.
// AWS accepts such a route, and what it sends there goes where the model
// cannot follow: the route is one to a target the model does not hold
// (reach.TargetUnmodelled, UNMODELLED_TARGET), with a warning, so the
// queries it decides are indeterminate, as for a route AWS keeps
// (keptTarget). An aws_ec2_transit_gateway_vpc_attachment to a transit
// gateway the plan does not hold attaches the VPC to a gateway the model
// lacks: it is left out of the model, with a warning; what comes into the
// VPC through it comes from where the model cannot follow, and what the
// VPC's routes send to the gateway is indeterminate (above).
//
// A target the plan deletes or replaces is not outside it: a new route to
// it is refused, as before. An internet gateway, NAT gateway or network
// interface the plan does not hold is refused too (AWS refuses a route to
// an internet gateway not attached to the table's VPC).

// outsideRouteTargets makes each route of the plan's route tables to a
// transit gateway or peering connection the plan does not hold a route
// to a target the model does not hold, with a warning.
func (r *reader) outsideRouteTargets() {
	peerings := map[string]bool{}
	for _, p := range r.ext.peerings {
		peerings[p.ID] = true
	}
	for _, id := range r.net.rtList {
		rt := r.net.rts[id]
		for i := range rt.Routes {
			route := &rt.Routes[i]
			switch {
			case route.TargetID == "" || r.goneID(route.TargetID):
				continue
			case route.Target == reach.TargetTransitGateway && r.tgw.gws[route.TargetID] == nil:
			case route.Target == reach.TargetPeering && !peerings[route.TargetID]:
			default:
				continue
			}
			dest := route.Destination.String()
			if route.PrefixList != "" {
				dest = route.PrefixList
			}
			by := id
			if src := r.routeFrom[id][i]; src != nil {
				by = src.addr
			}
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: route %s -> %s (%s): the plan does not hold %s (one of another stack or account), so the queries the route decides are indeterminate",
				by, dest, route.TargetID, route.TargetType, route.TargetID))
			route.Target = reach.TargetUnmodelled
		}
	}
}

// goneID reports whether id is the known ID of a resource the plan
// deletes or replaces.
func (r *reader) goneID(id string) bool {
	return slices.ContainsFunc(r.gone, func(g *instance) bool { return g.known == id })
}

// outsideAttachment reports whether a, the VPC attachment of in, is to a
// transit gateway the plan does not hold (a known ID, neither of the
// plan nor of a resource it deletes or replaces), warning that it is left
// out of the model.
func (r *reader) outsideAttachment(in *instance, a *reach.TGWAttachment) bool {
	id := a.TransitGateway
	if id == "" || r.tgw.gws[id] != nil || r.byAdr[id] != nil || r.goneID(id) {
		return false
	}
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: transit gateway %s is not in the plan (one of another stack or account): the attachment is left out of the model, and what crosses the gateway is indeterminate", in.addr, id))
	return true
}

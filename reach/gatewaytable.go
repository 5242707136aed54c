package reach

import (
	"fmt"
	"strings"
)

// Gateway route tables: a route table edge-associated with an internet
// gateway ([RouteTable.Gateways]) routes the traffic entering the VPC
// through it, and AWS holds it to rules of its own (Amazon VPC User
// Guide, "Gateway route tables", Rules and considerations:
// https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html):
//
//   - a route's target is local, a network interface or a Gateway Load
//     Balancer endpoint (a Network Firewall endpoint is one); not an
//     internet gateway, a NAT gateway, a peering connection, a transit
//     gateway, an egress-only internet gateway, a gateway endpoint...;
//   - its destination is a CIDR block of the VPC or of one of its
//     subnets, whole: nothing outside the VPC, no part of a subnet, and no
//     prefix list;
//   - route propagation is off: no propagated route.
//
// AWS refuses to associate a table that breaks them, so Build refuses the
// design, naming the route. A route whose target no longer exists
// (TargetBlackhole) is kept, as AWS shows it; a route to a target
// reachsim does not model is accepted when it is a VPC endpoint or a
// network interface (a Gateway Load Balancer endpoint reads as one; so
// does a VPC Route Server next hop, the address of an appliance's
// interface, which Route Server propagates into gateway route tables), and
// a route whose destination is known only later ([Route.Unknown]) has its
// target checked only.

// checkGatewayTable checks the routes of ri, table i, edge-associated
// with the internet gateways gws, against AWS's rules for gateway route
// tables.
func (b *Builder) checkGatewayTable(p *problems, m *Model, ri *rtInfo, i int, gws []string) {
	what := fmt.Sprintf("a gateway route table (edge-associated with %s)", strings.Join(gws, ", "))
	for k := range ri.routes {
		cr := &ri.routes[k]
		if cr.implicit {
			continue
		}
		rp := path("routeTables", i, fmt.Sprintf("Routes[%d]", cr.index))
		if cr.Propagated {
			p.add(ri.ID, rp+".Propagated", cr.TargetID, "%s takes no propagated route: AWS refuses the association while route propagation is on", what)
			continue
		}
		if !gatewayTableTarget(cr) {
			p.add(ri.ID, rp+".TargetID", cr.TargetID, "%s takes routes to local, a network interface or a Gateway Load Balancer endpoint only, not to %s", what, targetWords(cr))
			continue
		}
		switch {
		case cr.Unknown != "":
		case cr.PrefixList != "":
			p.add(ri.ID, rp+".PrefixList", cr.PrefixList, "%s takes no prefix list as a destination", what)
		case !wholeBlockOf(m, ri, cr):
			p.add(ri.ID, rp+".Destination", cr.Destination.String(), "%s takes only destinations that are a whole CIDR block of %s or of one of its subnets", what, ri.VPC)
		}
	}
}

// gatewayTableTarget reports whether cr's target is one a gateway route
// table takes.
func gatewayTableTarget(cr *compiledRoute) bool {
	switch cr.Target {
	case TargetLocal, TargetInterface, TargetFirewallEndpoint, TargetBlackhole:
		return true
	case TargetUnmodelled:
		return strings.HasPrefix(cr.TargetID, "vpce-") || strings.HasPrefix(cr.TargetID, "eni-") ||
			cr.TargetType == "VPC endpoint" || cr.TargetType == "Gateway Load Balancer endpoint" || cr.TargetType == "network interface" ||
			cr.TargetType == "VPC Route Server next hop" // an appliance's interface, by its address
	}
	return false
}

// targetWords names cr's target for an error: "a NAT gateway (nat-1)".
func targetWords(cr *compiledRoute) string {
	kind := cr.Target.String()
	if cr.Target == TargetUnmodelled && cr.TargetType != "" {
		kind = cr.TargetType
	}
	if cr.TargetID == "" {
		return kind
	}
	return fmt.Sprintf("%s (%s)", kind, cr.TargetID)
}

// wholeBlockOf reports whether cr's destination is a CIDR block of ri's
// VPC or of one of the VPC's subnets.
func wholeBlockOf(m *Model, ri *rtInfo, cr *compiledRoute) bool {
	d := cr.Destination.Masked()
	for _, c := range ri.vpc.CIDRs {
		if c.Masked() == d {
			return true
		}
	}
	for _, s := range m.subnets {
		if s.vpc != ri.vpc {
			continue
		}
		for _, c := range s.CIDRs {
			if c.Masked() == d {
				return true
			}
		}
	}
	return false
}

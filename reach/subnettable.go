package reach

import (
	"fmt"
	"net/netip"
	"strings"
)

// Routes more specific than the local route, in a subnet route table
// (any table that is not a gateway route table): AWS takes one only when
// its destination is the whole CIDR block of a subnet of the VPC and its
// target a NAT gateway, a network interface, a Gateway Load Balancer
// endpoint or a Network Firewall endpoint (Amazon VPC User Guide, "Subnet
// route tables", Rules and considerations:
// https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html).
// CreateRoute refuses any other, so Build refuses the design, naming the
// table, the route and the rule it breaks. A route whose target no longer
// exists (TargetBlackhole) is kept as AWS shows it; one to a target
// reachsim does not model passes when it may be one of those kinds (a
// nat-, vpce- or eni- ID, or a TargetType that names one); a propagated
// route, and one whose destination is known only later ([Route.Unknown]),
// are not checked.

// checkSubnetTable checks the routes of ri, table i, a subnet route
// table, that are more specific than its VPC's local route.
func (b *Builder) checkSubnetTable(p *problems, ri *rtInfo, i int, m *Model) {
	for k := range ri.routes {
		cr := &ri.routes[k]
		if cr.implicit || cr.Propagated || cr.Unknown != "" || cr.PrefixList != "" || cr.Target == TargetLocal || cr.Target == TargetBlackhole {
			continue
		}
		d := cr.Destination.Masked()
		block, ok := narrowerThanLocal(ri.vpc, d)
		if !ok {
			continue
		}
		rp := path("routeTables", i, fmt.Sprintf("Routes[%d]", cr.index))
		switch {
		case !moreSpecificTarget(cr):
			p.add(ri.ID, rp+".TargetID", cr.TargetID, "route %s -> %s is more specific than the local route %s, and AWS takes such a route only to a NAT gateway, a network interface, a Gateway Load Balancer endpoint or a Network Firewall endpoint, not to %s",
				d, targetWords(cr), block, targetWords(cr))
		case !subnetBlockOf(m, ri.vpc, d):
			p.add(ri.ID, rp+".Destination", d.String(), "route %s -> %s is more specific than the local route %s, and AWS takes such a route only when its destination is the whole CIDR block of a subnet of %s, which %s is not",
				d, targetWords(cr), block, ri.VPC, d)
		}
	}
}

// narrowerThanLocal returns the CIDR block of vpc that strictly holds d
// (d is then more specific than that block's local route), and whether
// there is one.
func narrowerThanLocal(vpc *vpcInfo, d netip.Prefix) (netip.Prefix, bool) {
	for _, c := range vpc.CIDRs {
		c = c.Masked()
		if c.Addr().Is4() == d.Addr().Is4() && d.Bits() > c.Bits() && c.Contains(d.Addr()) {
			return c, true
		}
	}
	return netip.Prefix{}, false
}

// moreSpecificTarget reports whether cr's target is one a route more
// specific than the local route may have.
func moreSpecificTarget(cr *compiledRoute) bool {
	switch cr.Target {
	case TargetNATGateway, TargetInterface, TargetFirewallEndpoint:
		return true
	case TargetUnmodelled:
		for _, pre := range []string{"nat-", "vpce-", "eni-"} {
			if strings.HasPrefix(cr.TargetID, pre) {
				return true
			}
		}
		switch cr.TargetType {
		case "NAT gateway", "network interface", "VPC endpoint", "Gateway Load Balancer endpoint", "regional NAT gateway", "NAT gateway without a subnet":
			return true
		}
	}
	return false
}

// subnetBlockOf reports whether d is a whole CIDR block of a subnet of
// vpc.
func subnetBlockOf(m *Model, vpc *vpcInfo, d netip.Prefix) bool {
	for _, s := range m.subnets {
		if s.vpc != vpc {
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

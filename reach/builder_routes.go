package reach

import (
	"fmt"
	"slices"
)

// checkRoutes resolves route targets and edge associations once every
// resource is known.
func (b *Builder) checkRoutes(p *problems, m *Model) {
	for i, rt := range b.rts {
		if b.skip("routeTables", i, rt.ID) {
			continue
		}
		ri, ok := m.rts[rt.ID]
		if !ok {
			continue
		}
		for j, g := range rt.Gateways {
			gi, ok := m.igws[g]
			switch {
			case !ok:
				p.add(rt.ID, path("routeTables", i, fmt.Sprintf("Gateways[%d]", j)), g, "unknown internet gateway")
			case gi.VPC != rt.VPC:
				p.add(rt.ID, path("routeTables", i, fmt.Sprintf("Gateways[%d]", j)), g, "internet gateway belongs to %s", gi.VPC)
			case gi.edge != nil:
				p.add(rt.ID, path("routeTables", i, fmt.Sprintf("Gateways[%d]", j)), g, "internet gateway already edge-associated with %s", gi.edge.ID)
			default:
				gi.edge = ri
			}
		}
		for j, g := range rt.GatewaysMaybe {
			gi, ok := m.igws[g]
			gp := path("routeTables", i, fmt.Sprintf("GatewaysMaybe[%d]", j))
			switch {
			case !ok:
				p.add(rt.ID, gp, g, "unknown internet gateway")
			case gi.VPC != rt.VPC:
				p.add(rt.ID, gp, g, "internet gateway belongs to %s", gi.VPC)
			case gi.edgeMaybe != nil:
				p.add(rt.ID, gp, g, "internet gateway already has an edge association in transition, with %s", gi.edgeMaybe.ID)
			case gi.edge == ri:
				p.add(rt.ID, gp, g, "internet gateway is edge-associated with %s already (Gateways)", rt.ID)
			default:
				gi.edgeMaybe = ri
			}
		}
		if len(rt.Gateways) > 0 || len(rt.GatewaysMaybe) > 0 {
			b.checkGatewayTable(p, m, ri, i, append(slices.Clone(rt.Gateways), rt.GatewaysMaybe...)) // gatewaytable.go
		} else {
			b.checkSubnetTable(p, ri, i, m) // subnettable.go
		}
		for k := range ri.routes {
			cr := &ri.routes[k]
			if cr.implicit {
				continue
			}
			rp := path("routeTables", i, fmt.Sprintf("Routes[%d].TargetID", cr.index))
			switch cr.Target {
			case TargetLocal:
				// AWS has one local route per CIDR block of the VPC; its
				// target may be replaced and restored, never its
				// destination, and CreateRoute has no local target (Amazon
				// VPC User Guide, "Replace or restore the target for a local
				// route"; EC2 API reference, ReplaceRoute's LocalTarget).
				switch {
				case cr.Unknown != "":
				case cr.PrefixList != "":
					p.add(rt.ID, path("routeTables", i, fmt.Sprintf("Routes[%d].PrefixList", cr.index)), cr.PrefixList,
						"a local route's destination is a CIDR block of %s, never a prefix list", rt.VPC)
				case !slices.Contains(ri.vpc.CIDRs, cr.Destination.Masked()):
					p.add(rt.ID, path("routeTables", i, fmt.Sprintf("Routes[%d].Destination", cr.index)), cr.Destination.String(),
						"a local route's destination is exactly a CIDR block of %s (%s), not a wider, narrower or other block", rt.VPC, prefixList(ri.vpc.CIDRs))
				}
			case TargetInternetGateway:
				gi, ok := m.igws[cr.TargetID]
				if !ok || gi.VPC != rt.VPC {
					p.add(rt.ID, rp, cr.TargetID, "no internet gateway %s attached to %s", cr.TargetID, rt.VPC)
				}
			case TargetNATGateway:
				ni, ok := m.nats[cr.TargetID]
				if !ok || ni.subnet.VPC != rt.VPC {
					p.add(rt.ID, rp, cr.TargetID, "no NAT gateway %s in %s", cr.TargetID, rt.VPC)
				}
			case TargetFirewallEndpoint:
				ei, ok := m.endpoints[cr.TargetID]
				if !ok || ei.subnet.VPC != rt.VPC {
					p.add(rt.ID, rp, cr.TargetID, "no firewall endpoint %s in %s", cr.TargetID, rt.VPC)
				}
			case TargetInterface:
				ii, ok := m.ifaces[cr.TargetID]
				if !ok || ii.subnet.VPC != rt.VPC {
					p.add(rt.ID, rp, cr.TargetID, "no network interface %s in %s", cr.TargetID, rt.VPC)
				}
			case TargetEgressOnlyInternetGateway: // egress.go
				b.checkEgressOnlyRoute(p, m, ri, i, cr)
			case TargetGatewayEndpoint: // gwendpoint.go
				b.checkGatewayEndpointRoute(p, m, ri, i, cr)
			case TargetBlackhole:
			case TargetPeering:
				checkPeeringRoute(p, m, ri, i, cr)
			case TargetTransitGateway:
				b.checkTGWRoute(p, m, rt, rp, cr)
			case TargetUnmodelled:
				if cr.TargetID == "" {
					p.add(rt.ID, rp, "", "a route to an unmodelled target needs the target's ID")
				}
			default:
				p.add(rt.ID, rp, cr.Target.String(), "unknown target kind")
			}
		}
	}
}

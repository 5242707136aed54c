package reach

import "fmt"

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
		if len(rt.Gateways) > 0 {
			b.checkGatewayTable(p, m, ri, i, rt.Gateways) // gatewaytable.go
		}
		for k := range ri.routes {
			cr := &ri.routes[k]
			if cr.implicit {
				continue
			}
			rp := path("routeTables", i, fmt.Sprintf("Routes[%d].TargetID", cr.index))
			switch cr.Target {
			case TargetLocal:
				inside := false
				for _, q := range cr.prefixes {
					for _, vc := range ri.vpc.CIDRs {
						if vc.Overlaps(q) {
							inside = true
						}
					}
				}
				if !inside {
					field, text := ".Destination", cr.Destination.String()
					if cr.PrefixList != "" {
						field, text = ".PrefixList", cr.PrefixList
					}
					p.add(rt.ID, path("routeTables", i, fmt.Sprintf("Routes[%d]%s", cr.index, field)), text, "a local route must cover a CIDR block of %s", rt.VPC)
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

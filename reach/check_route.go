package reach

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// The walk's route tables: the lookup of a packet's next hop in a
// subnet's table, its target followed, and what a missing or tied route
// says and how to mend it.

// route forwards pkt from subnet s by its route table. Traffic to an
// address inside s itself never meets the route table (nor the subnet's
// ACL): the VPC delivers it directly, whatever routes more specific than
// the local one say.
func (w *walker) route(pkt flow.Flow, s *subnetInfo) arrival {
	if s.contains(pkt.Dst.Addr()) {
		return w.deliverLocal(pkt, s, s.vpc)
	}
	if len(s.maybe) > 0 {
		if h, undecided := maybeTablesHop(pkt, s); undecided {
			return w.stop(h)
		}
	}
	return w.routeIn(pkt, s, s.rt)
}

// maybeTablesHop is the undecided hop of a lookup of pkt in the tables
// that may route s ([Subnet.RouteTablesMaybe]) when they answer it
// differently from s's own table (another target, a route in one only)
// or one of them does not decide it (a route known only later, a tie);
// undecided is false when they all answer as s's own table does, whose
// lookup then goes on as ever (its own doubts included).
func maybeTablesHop(pkt flow.Flow, s *subnetInfo) (h Hop, undecided bool) {
	dst := pkt.Dst.Addr()
	cr, _, ok := s.rt.lookup(dst)
	for _, alt := range s.maybe {
		ca, _, okA := alt.lookup(dst)
		same := ok == okA && (!ok || (sameTarget(cr, ca) || cr.Target == TargetLocal && ca.Target == TargetLocal) && ca.tied == nil)
		if same && len(alt.unknown) > 0 && alt.unknownRoute(dst, ca, okA) != nil {
			same = false
		}
		if same {
			continue
		}
		ids := make([]string, 0, len(s.maybe)+1)
		ids = append(ids, s.rt.ID)
		for _, t := range s.maybe {
			ids = append(ids, t.ID)
		}
		why := s.RouteTablesWhy
		if why == "" {
			why = "the input does not say which"
		}
		return Hop{Kind: KindRouteTable, ID: s.rt.ID, Name: s.rt.Name, Packet: pkt, Verdict: flow.Indeterminate, Code: RouteIndeterminate,
			reason: fmt.Sprintf("subnet %s is routed by %s or %s, and they route %s differently (%s by %s, %s by %s)",
				s.ID, s.rt.ID, strings.Join(ids[1:], " or "), dst, lookupWords(cr, ok), s.rt.ID, lookupWords(ca, okA), alt.ID),
			Missing: fmt.Sprintf("which of %s routes subnet %s: %s", strings.Join(ids, ", "), s.ID, why),
			Fix:     fmt.Sprintf("check the answer again once the route table association of %s has settled", s.ID)}, true
	}
	return Hop{}, false
}

// edgeMaybeHop is the undecided hop of pkt entering the VPC through gw
// when the table whose edge association with gw is in transition
// ([RouteTable.GatewaysMaybe]) routes it otherwise than gw's edge table
// (or, without one, the local route) does, or does not decide it;
// undecided is false when they agree, and the packet goes on as ever.
func edgeMaybeHop(pkt flow.Flow, gw *igwInfo) (h Hop, undecided bool) {
	dst, alt := pkt.Dst.Addr(), gw.edgeMaybe
	ca, _, okA := alt.lookup(dst)
	words, by := "local", "the local route (no edge association)"
	same := okA && ca.Target == TargetLocal
	if gw.edge != nil {
		cr, _, ok := gw.edge.lookup(dst)
		same = ok == okA && (!ok || (sameTarget(cr, ca) || cr.Target == TargetLocal && ca.Target == TargetLocal))
		words, by = lookupWords(cr, ok), gw.edge.ID
	}
	if same && ca.tied == nil && (len(alt.unknown) == 0 || alt.unknownRoute(dst, ca, okA) == nil) {
		return Hop{}, false
	}
	why := alt.GatewaysWhy
	if why == "" {
		why = "the input does not say whether it applies"
	}
	return Hop{Kind: KindRouteTable, ID: alt.ID, Name: alt.Name, Packet: pkt, Verdict: flow.Indeterminate, Code: RouteIndeterminate,
		reason: fmt.Sprintf("traffic entering through %s is routed by %s or as without it, and they route %s differently (%s by %s, %s by %s)",
			gw.ID, alt.ID, dst, words, by, lookupWords(ca, okA), alt.ID),
		Missing: fmt.Sprintf("whether the edge association of %s with %s applies: %s", alt.ID, gw.ID, why),
		Fix:     fmt.Sprintf("check the answer again once the edge association of %s with %s has settled", alt.ID, gw.ID)}, true
}

// lookupWords says where a lookup's route cr (ok false: none) sends a
// packet, for maybeTablesHop.
func lookupWords(cr *compiledRoute, ok bool) string {
	switch {
	case !ok:
		return "no route"
	case cr.tied != nil:
		return "a tie of prefix-list routes"
	case cr.Target == TargetBlackhole:
		return "a blackhole"
	case cr.Target == TargetLocal:
		return "local"
	}
	return targetWords(cr)
}

// routeIn looks pkt up in rt and follows the route; s is the subnet the
// packet is in (nil when rt is an internet gateway's edge table).
func (w *walker) routeIn(pkt flow.Flow, s *subnetInfo, rt *rtInfo) arrival {
	if cycle, ok := w.revisit(KindRouteTable, rt.ID, pkt); ok {
		return w.stop(loopHop(KindRouteTable, rt.ID, rt.Name, pkt, cycle))
	}
	if w.steps++; w.steps > maxSteps {
		return w.stop(Hop{Kind: KindRouteTable, ID: rt.ID, Name: rt.Name, Packet: pkt, Verdict: flow.Deny, Code: RoutingLoop,
			reason: fmt.Sprintf("the packet was forwarded %d times: a routing loop", maxSteps),
			Fix:    "check the route tables on the path for routes that send the packet back"})
	}
	cr, via, ok := rt.lookup(pkt.Dst.Addr())
	if len(rt.unknown) > 0 {
		if u := rt.unknownRoute(pkt.Dst.Addr(), cr, ok); u != nil {
			return w.stop(unknownRouteHop(rt, pkt, u))
		}
	}
	if ok && cr.tied != nil {
		return w.stop(tieHop(rt, pkt, cr, via))
	}
	if ok && !w.explain {
		return w.forwardQuietly(pkt, s, rt, cr)
	}
	if ok && cr.Target != TargetBlackhole {
		// the commonest hop of an explained walk, written in place
		// ([walker.push]) before anything else adds a hop
		h := w.push()
		h.Kind, h.ID, h.Name, h.Packet, h.Verdict, h.judge = KindRouteTable, rt.ID, rt.Name, pkt, flow.Allow, routeJudge{}
		h.Rule = cr.rule
		if cr.PrefixList != "" {
			h.Rule = cr.entryRules[via]
		}
		w.visited = append(w.visited, visit{kind: KindRouteTable, id: rt.ID, pkt: pkt, rule: h.Rule})
		return w.follow(pkt, s, rt, cr, via)
	}
	h := Hop{Kind: KindRouteTable, ID: rt.ID, Name: rt.Name, Packet: pkt}
	if !ok {
		h.Verdict, h.Code = flow.Deny, NoRoute
		h.reason = fmt.Sprintf("no route for %s", pkt.Dst.Addr())
		h.Fix = w.noRouteFix(pkt, rt)
		return w.stop(h)
	}
	h.Rule = cr.rule
	if cr.PrefixList != "" {
		h.Rule = cr.entryRules[via]
	}
	// a blackhole route
	h.Verdict, h.Code = flow.Deny, BlackholeRoute
	dest := routeDest(cr, via)
	if cr.TargetID == "" {
		h.reason = fmt.Sprintf("%s matches %s, a blackhole route whose target no longer exists (the input names none)", pkt.Dst.Addr(), dest)
	} else {
		h.reason = fmt.Sprintf("%s matches %s, whose target %s no longer exists", pkt.Dst.Addr(), dest, cr.TargetID)
	}
	h.Fix = fmt.Sprintf("replace the route %s in %s with one to a target that exists", dest, rt.ID)
	return w.stop(h)
}

// follow sends pkt on to the target of route cr of rt, which matched it
// (via is the prefix that matched, which names the route's destination
// for an unmodelled target).
func (w *walker) follow(pkt flow.Flow, s *subnetInfo, rt *rtInfo, cr *compiledRoute, via netip.Prefix) arrival {
	switch cr.Target {
	case TargetLocal:
		return w.deliverLocal(pkt, s, rt.vpc)
	case TargetInternetGateway:
		if s != nil {
			w.networkACL(pkt, s, flow.Outbound)
		}
		return w.toInternet(pkt, s, rt.vpc)
	case TargetNATGateway:
		return w.viaNAT(pkt, s, w.m.nats[cr.TargetID])
	case TargetFirewallEndpoint:
		return w.viaFirewall(pkt, s, w.m.endpoints[cr.TargetID])
	case TargetInterface:
		return w.viaAppliance(pkt, s, w.m.ifaces[cr.TargetID])
	case TargetUnmodelled:
		return w.unmodelled(pkt, s, rt, cr, routeDest(cr, via))
	case TargetPeering:
		return w.viaPeering(pkt, s, rt, cr)
	case TargetTransitGateway:
		return w.viaTGW(pkt, s, rt, cr)
	case TargetEgressOnlyInternetGateway: // egress.go
		return w.viaEgressOnly(pkt, s, rt.vpc, w.m.eigws[cr.TargetID])
	case TargetGatewayEndpoint: // gwendpoint.go
		return w.viaGatewayEndpoint(pkt, s, w.m.gwEndpoints[cr.TargetID])
	}
	return arrival{}
}

// carrierGatewayType is the TargetType of a route to a carrier gateway
// (cagw-…), as the loaders give it.
const carrierGatewayType = "carrier gateway"

// unmodelled ends the leg at a route's target reachsim does not model,
// with an undecided hop: the packet leaves the subnet (its ACL judges it
// outbound) for a place whose rules the input does not describe. VPC
// Block Public Access blocks a carrier gateway as it does an internet
// gateway ([VPCBlockPublicAccess]).
func (w *walker) unmodelled(pkt flow.Flow, s *subnetInfo, rt *rtInfo, cr *compiledRoute, dest string) arrival {
	if s != nil {
		w.networkACL(pkt, s, flow.Outbound)
	}
	what := cr.TargetType
	if what == "" {
		what = "target"
	}
	if w.leg == Return && egressOnlyRoute(cr) {
		// whatever its state, an egress-only internet gateway the input
		// lacks drops this reply: attached, it carries only the replies
		// of connections that left through it, and this one did not (a
		// request routed to it ends its leg undecided, and no reply is
		// walked); deleted, its route is a blackhole
		return w.stop(w.unmodelledEgressOnlyReply(pkt, rt, cr))
	}
	if cr.TargetType == carrierGatewayType {
		// VPC Block Public Access blocks "all inbound and outbound
		// traffic" of an AWS Wavelength carrier gateway (Amazon VPC User
		// Guide, "VPC BPA basics", "AWS service impact and support"), as
		// an internet gateway's: whatever lies beyond it, nothing crosses
		h := Hop{Kind: KindUnmodelled, ID: cr.TargetID, Name: what, Packet: pkt}
		if w.blockPublicAccess(&h, rt.vpc, w.m.bpaSubnet(pkt.Src.Addr(), rt.vpc, s), true, false) { // bpa.go
			return w.stop(h)
		}
	}
	return w.stop(Hop{Kind: KindUnmodelled, ID: cr.TargetID, Name: what, Packet: pkt, Verdict: flow.Indeterminate, Code: UnmodelledTarget,
		reason:  fmt.Sprintf("route %s of %s sends the packet to %s, %s %s, which reachsim does not model: what happens beyond it is unknown", dest, rt.ID, cr.TargetID, article(what), what),
		Missing: fmt.Sprintf("what lies beyond %s (%s): its routes, its attachments and the filters on the far side", cr.TargetID, what),
		Fix:     fmt.Sprintf("check the path beyond %s by hand (AWS Reachability Analyzer can follow it), or route %s elsewhere in %s", cr.TargetID, dest, rt.ID)})
}

// tieHop is the undecided hop of a lookup in rt whose longest match via
// is a tie (cr, [rtInfo.findTies]): prefix-list routes to different
// targets share that block, and AWS picks one of them at random.
func tieHop(rt *rtInfo, pkt flow.Flow, cr *compiledRoute, via netip.Prefix) Hop {
	routes := make([]string, len(cr.tied))
	lists := make([]string, len(cr.tied))
	for i, t := range cr.tied {
		routes[i], lists[i] = t.entryRules[via], t.PrefixList
	}
	return Hop{Kind: KindRouteTable, ID: rt.ID, Name: rt.Name, Packet: pkt, Verdict: flow.Indeterminate, Code: RouteTie,
		reason: fmt.Sprintf("%s matches %s, which the prefix lists of %d routes to different targets share: %s; AWS picks one of them at random, and the input does not say which",
			pkt.Dst.Addr(), via, len(routes), strings.Join(routes, ", ")),
		Missing: fmt.Sprintf("which of the routes %s of %s AWS chose for %s (it picks one at random where prefix lists overlap, then keeps it)",
			strings.Join(routes, ", "), rt.ID, via),
		Fix: fmt.Sprintf("keep %s in one of the prefix lists %s only, or add a route for %s itself to %s (a CIDR route takes priority over prefix-list routes)",
			via, strings.Join(lists, ", "), via, rt.ID)}
}

// routeDest names the destination of route cr, which matched by prefix
// via: its CIDR, or its prefix list with the entry that matched.
func routeDest(cr *compiledRoute, via netip.Prefix) string {
	if cr.PrefixList != "" {
		return cr.PrefixList + " (" + via.String() + ")"
	}
	return cr.Destination.String()
}

func routeTarget(cr *compiledRoute) string {
	switch {
	case cr.Target == TargetLocal:
		return "local"
	case cr.TargetID == "": // a blackhole whose vanished target the input does not name
		return cr.Target.String()
	}
	return cr.TargetID
}

func (w *walker) noRouteFix(pkt flow.Flow, rt *rtInfo) string {
	dst := pkt.Dst.Addr()
	if fix, ok := w.m.peeringRouteFix(rt, pkt.Src.Addr(), dst, w.cameByTGW()); ok {
		return fix
	}
	// an internet address, or a public IPv4 address of the design (not a
	// placeholder): the VPC reaches it over the internet
	owner, inDesign := w.m.owners[dst]
	overInternet := !inDesign || !strings.HasPrefix(owner, unknownOwner) && w.m.vpcAt(dst) == nil && !privateOrShared(dst) && dst.Is4()
	if overInternet && rt.vpc.igw != nil {
		def := "0.0.0.0/0"
		if dst.Is6() {
			def = "::/0"
		}
		return fmt.Sprintf("add a route %s via %s to %s", def, rt.vpc.igw.ID, rt.ID)
	}
	return fmt.Sprintf("add a route for %s to %s", dst, rt.ID)
}

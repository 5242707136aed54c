package reach_test

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// This file holds a slow, obviously correct reference for the routing
// walk: its single-VPC part. route_ref_edge_test.go holds its NAT
// gateways, its internet edge, the session it answers and the projection
// of the engine's hops it is compared with; route_ref_estate_test.go holds
// its multi-VPC part, route_ref_gen_test.go the random designs it is
// tried on, and route_ref_agree_test.go the randomized test that demands
// the engine agree with it. filter_ref_test.go adds network ACLs and
// security groups to it (see "The filters" below).
//
// The reference reads nothing but the plain data a design is built from
// (the VPCs, subnets, route tables, gateways, interfaces, prefix lists,
// peering connections, transit gateways with their route tables and
// attachments, and gateway endpoints given to reach.NewBuilder) and keeps no index: every question ("which
// table does this subnet use?", "who owns this address?", "which route
// matches?") is answered by scanning those slices. It follows one packet
// hop by hop:
//
//   - From a subnet, a packet to an address of that subnet is delivered
//     by the VPC directly, without a route table. Any other packet is
//     looked up in the subnet's table: its explicit association, else its
//     VPC's main table.
//   - A lookup tries every route of the table in turn and keeps the
//     routes of the longest matching prefix. A prefix-list route matches
//     with its longest matching entry. Among routes of that prefix (AWS,
//     "Route priority"): a static CIDR route first (a table holds one per
//     CIDR: the builder rejects duplicates), then a prefix-list route,
//     then a propagated one (Route.Propagated, one per CIDR). Prefix-list
//     routes whose lists share the prefix and that lead to different
//     targets (two blackholes lead to the same place) tie: AWS picks one
//     at random, so the lookup is undecided (ROUTE_TIE) and the leg ends
//     there; to one target, the first in table order carries the packet.
//     A route by a prefix list whose entries the input does not hold
//     (refNet.unresolved) could be the longest match for any destination
//     of its address family (refNet.families; either family when it
//     names none), never for one of the other family:
//     where it leads elsewhere than the route the lookup found (or the
//     lookup found none), the lookup is undecided (ROUTE_INDETERMINATE),
//     unless the route found is a static host route (/32, /128), which no
//     list entry beats.
//     Every CIDR block of the VPC is routed "local" unless the table has a
//     static route for that very block (a local route, or one whose
//     target replaced local's, as AWS allows for middleboxes).
//   - local: the packet goes to whatever in the table's VPC owns its
//     destination: an interface (delivered), a NAT gateway's private
//     address (the reply of a session it translated goes back to the
//     original source; anything else is refused, NAT_NO_INBOUND), or
//     nothing (UNKNOWN_DESTINATION). An address of a prefix delegated to
//     an interface is the interface's, here and everywhere below.
//   - internet gateway: a destination that is not a public address of the
//     design and that the internet does not route (RFC 1918, 100.64/10,
//     loopback, unique local...) or that is in a VPC's private IPv6
//     block is dropped there (PRIVATE_ADDRESS_ON_INTERNET), and so is an
//     IPv6 packet from such a source; an IPv6 address of an interface of
//     another VPC comes back in only if the internet routes it. The
//     source is translated from an interface's private IPv4 address to
//     the public IP mapped to that address (PublicIP for the first,
//     PublicIPs for any), or from a public NAT gateway's private address
//     to its public one; with neither the hop blocks (NO_PUBLIC_IP) but
//     the walk goes on untranslated. A destination that is a public
//     address in the design comes back in through the internet; one
//     inside a VPC's blocks that nothing holds is UNKNOWN_DESTINATION;
//     any other is a host on the internet.
//   - from the internet: the destination's owner decides the VPC; its
//     internet gateway (NO_INTERNET_GATEWAY without) drops a packet from an
//     RFC 1918 or 100.64/10 source unless the leg is blocked already
//     (PRIVATE_ADDRESS_ON_INTERNET), and one for an IPv6 address the
//     internet does not route (unique local, a private block's);
//     translates a public address to the private one it is mapped to
//     (NO_PUBLIC_IP for a private address, the walk going on), blocks
//     (DENY_ALL_IGW_TRAFFIC, undecided on the reply, the walk going on) a
//     packet for an interface with DenyAllIGWTraffic, then the gateway's
//     edge table routes the packet, or local delivery when it has none. A
//     destination nothing owns is UNKNOWN_DESTINATION.
//   - NAT gateway: on the reply, dropped (REPLY_VIA_NAT_GATEWAY: it would
//     leave with the gateway's address as source); a protocol other than
//     TCP, UDP and ICMP is dropped (NAT_UNSUPPORTED_PROTOCOL); otherwise
//     the source becomes the gateway's private address, and
//     the packet is routed from the gateway's subnet. Firewall endpoint:
//     forwarded unchanged from the endpoint's subnet. Appliance interface:
//     a packet addressed to it has arrived; one from it, or any other
//     when its source/destination check is off, is forwarded unchanged
//     from its subnet; with the check unknown the hop is undecided
//     (SOURCE_DEST_CHECK_UNKNOWN) and the packet goes on; with it on
//     (the default) the packet is dropped (SOURCE_DEST_CHECK).
//   - blackhole route: dropped (BLACKHOLE_ROUTE); no matching route:
//     NO_ROUTE.
//   - loop: forwarding depends on nothing but the point (route table or
//     middlebox) and the packet, so reaching a point a second time with the
//     same packet is a loop (ROUTING_LOOP, at that point); as the engine,
//     the walk also gives up after reachMaxSteps route lookups on a leg.
//
//   - peering connections, transit gateways, unmodelled targets and S3
//     gateway endpoints: see "The multi-VPC part of the reference" and
//     "Gateway endpoints" in route_ref_estate_test.go.
//
// The reply starts from where the request arrived (an interface, the
// internet, or the service behind a gateway endpoint), reversed, and is
// walked the same way. A firewall endpoint crossed by the request but not by its
// reversed reply (or the other way round) is asymmetric routing, once the
// reply is traced. With every security group, network ACL and firewall
// rule allowing everything, routing alone decides: the session works when
// the request arrives and nothing on either leg blocks.
//
// The filters. With refNet.filtered (filter_ref_test.go, whose doc says
// the rules; tried by filter_ref_agree_test.go), the same walk also judges
// the packet at network ACLs, where it leaves or enters a subnet (across
// a peering, towards a gateway endpoint, into and out of a transit
// gateway's attachment subnets, through an appliance's subnet), and at
// AWS security groups, where it leaves or reaches an interface (an
// appliance's both ways), reading the design's own nacl.ACL entries,
// sg.Group rules and prefix lists with plain loops, and following the
// packet's group identity (kept across a peering, across a transit
// gateway only with its security group referencing support, lost in a
// middlebox): the session then works only when no filter blocks either.
// Firewall policies still pass everything, and what the filters'
// reference does not model (a NAT instance, a request that may come in
// privately, a group membership or prefix list known only later, a NAT
// gateway's port judged differently across its range, a transit gateway
// whose referencing support the input lacks) makes it skip the query
// rather than answer.

// reachMaxSteps is the engine's bound on route lookups per leg (its
// maxSteps), a safety net behind loop detection that the reference mirrors.
const reachMaxSteps = 24

// engineKeepsNATPublicSource mirrors a divergence of the engine from AWS,
// reported rather than fixed here (this file changes no engine code): a
// packet whose source is already a NAT gateway's public address (it left
// through the internet gateway once, came back in to a public address of
// its own VPC and is routed out again) leaves the internet gateway
// "translated to" that same address, where AWS has no private-to-public
// mapping for it and the reference would say NO_PUBLIC_IP. Set it false
// once the engine drops such packets.
const engineKeepsNATPublicSource = true

// delivered is the pseudo-kind of the hop where a packet arrives at an
// interface (the engine's last hop there: its security groups, inbound).
const delivered reach.Kind = "delivered"

// judgedAt is the pseudo-kind of the hop where a request that may have
// come in privately, its way in undecided, meets the destination
// interface's security groups, which judge it whichever way it came
// (private_entry.go); it arrives nowhere for certain (the engine's
// second and last hop of the leg: those groups, inbound).
const judgedAt reach.Kind = "judged-at"

// refHop is one routing hop: the component, the packet as it reached it,
// and the code if it blocks.
type refHop struct {
	kind reach.Kind
	id   string
	pkt  flow.Flow
	code reach.Code
}

func (h refHop) String() string {
	s := fmt.Sprintf("%s %s [%s]", h.kind, h.id, h.pkt)
	if h.code != "" {
		s += " " + string(h.code)
	}
	return s
}

// refNet is a design as plain data.
type refNet struct {
	d        *sample.Design
	lists    []reach.PrefixList
	peerings []reach.Peering
	tgws     []reach.TransitGateway
	tgwRTs   []reach.TGWRouteTable
	tgwAtts  []reach.TGWAttachment
	gwEPs    []reach.GatewayEndpoint
	// unresolved are prefix lists whose entries the input does not hold
	unresolved []string
	// families are the address families of some of them ("IPv4",
	// "IPv6"): such a list holds blocks of its family only
	families map[string]string
	stats    map[string]int // what the lookups met, for the test's coverage check
	// filtered turns on the filter reference (filter_ref_test.go): the
	// network ACLs and security groups are judged along the walk
	filtered bool
	// fork is the state of the walks over the subnets a transit gateway
	// may send a packet out by (route_ref_exitfork_test.go); exitForks,
	// worked out at the first ask, names the attachments that fork
	fork      *refFork
	exitForks map[string]bool
}

// refNAT is a NAT gateway's translation on the request.
type refNAT struct {
	id   string
	orig netip.AddrPort
}

// refPoint is a forwarding point met with a packet.
type refPoint struct {
	kind reach.Kind
	id   string
	pkt  flow.Flow
}

// refLeg walks one leg.
type refLeg struct {
	n       *refNet
	reply   bool
	hops    []refHop
	points  []refPoint
	lookups int
	nats    []refNAT // translations on this leg
	fwdNATs []refNAT // on the reply: the request's translations
	// appliance is the last appliance that forwarded another's packet on
	// this leg; natInst, the translation it may have made at the
	// internet gateway (a NAT instance), on the request; fwdNatInst, on
	// the reply, the request's
	appliance  string
	natInst    *refNAT
	fwdNatInst *refNAT
	arrived    bool
	at         string // the interface arrived at; "" for the internet
	service    string // the gateway endpoint whose service it arrived at
	pkt        flow.Flow
	calls      int
	crossing   []int // indexes in hops of firewall endpoint crossings
	// The filter reference's state (filter_ref_test.go), with
	// refNet.filtered: the subnet the packet is in ("" outside every
	// subnet: at an internet gateway), the filter judgements met, the
	// interfaces whose groups judged this leg and, on the reply, the
	// request's; skip says why the filter reference cannot answer
	cur    string
	filts  []refFilt
	sgMet  []string
	fwdMet []string
	skip   string
	blind  bool // the packet crossed a middlebox or the internet: its group identity is lost
	// transit gateways crossed, whether the packet had lost its identity
	// before the last, and the VPC whose members inbound references
	// match beyond one crossed with its identity ("" for any)
	tgwCrossed  int
	lostBy      string // what last took the packet's identity: an appliance, a transit gateway (for the stats)
	tgwWasBlind bool
	scope       string
	// forked: a route sent the packet through an instance of several
	// interfaces, whose operating system picks the one it leaves by
	// (filter_ref_ali_test.go)
	forked bool
}

func (l *refLeg) hop(kind reach.Kind, id string, pkt flow.Flow, code reach.Code) {
	l.hops = append(l.hops, refHop{kind: kind, id: id, pkt: pkt, code: code})
}

func (l *refLeg) arrive(iface string, pkt flow.Flow) {
	if l.n.filtered {
		l.enter(pkt, l.n.iface(iface).Subnet)
		l.groups(iface, pkt, flow.Inbound)
	}
	l.hop(delivered, iface, pkt, "")
	l.arrived, l.at, l.pkt = true, iface, pkt
}

// met reports whether pkt already reached point (kind, id) on this leg,
// recording it otherwise; a second meeting ends the leg as a loop.
func (l *refLeg) met(kind reach.Kind, id string, pkt flow.Flow) bool {
	p := refPoint{kind, id, pkt}
	if slices.Contains(l.points, p) {
		l.hop(kind, id, pkt, reach.RoutingLoop)
		return true
	}
	l.points = append(l.points, p)
	return false
}

// The design, by scanning.

func (n *refNet) subnet(id string) reach.Subnet {
	for _, s := range n.d.Subnets {
		if s.ID == id {
			return s
		}
	}
	panic("no subnet " + id)
}

func (n *refNet) vpc(id string) reach.VPC {
	for _, v := range n.d.VPCs {
		if v.ID == id {
			return v
		}
	}
	panic("no VPC " + id)
}

func (n *refNet) table(id string) reach.RouteTable {
	for _, rt := range n.d.RouteTables {
		if rt.ID == id {
			return rt
		}
	}
	panic("no route table " + id)
}

func (n *refNet) iface(id string) reach.Interface {
	for _, in := range n.d.Interfaces {
		if in.ID == id {
			return in
		}
	}
	panic("no interface " + id)
}

func (n *refNet) nat(id string) reach.NATGateway {
	for _, g := range n.d.NATGateways {
		if g.ID == id {
			return g
		}
	}
	panic("no NAT gateway " + id)
}

func (n *refNet) endpointSubnet(id string) string {
	for _, f := range n.d.Firewalls {
		for _, e := range f.Endpoints {
			if e.ID == id {
				return e.Subnet
			}
		}
	}
	panic("no firewall endpoint " + id)
}

func (n *refNet) list(id string) []netip.Prefix {
	for _, l := range n.lists {
		if l.ID == id {
			return l.Entries
		}
	}
	panic("no prefix list " + id)
}

func (n *refNet) igwOf(vpc string) (string, bool) {
	for _, g := range n.d.InternetGateways {
		if g.VPC == vpc {
			return g.ID, true
		}
	}
	return "", false
}

func (n *refNet) edgeTable(igw string) (reach.RouteTable, bool) {
	for _, rt := range n.d.RouteTables {
		if slices.Contains(rt.Gateways, igw) {
			return rt, true
		}
	}
	return reach.RouteTable{}, false
}

func inSubnet(s reach.Subnet, a netip.Addr) bool {
	return slices.ContainsFunc(s.CIDRs, func(c netip.Prefix) bool { return c.Contains(a) })
}

// firstV4 is the interface's first private IPv4 address, the one its
// public IP maps to.
func firstV4(in reach.Interface) netip.Addr {
	for _, a := range in.PrivateIPs {
		if a.Is4() {
			return a
		}
	}
	return netip.Addr{}
}

// refRank is a route's priority among the routes of one prefix, best
// first: static, prefix list, propagated.
func refRank(r reach.Route) int {
	switch {
	case r.PrefixList != "":
		return 1
	case r.Propagated:
		return 2
	}
	return 0
}

// bestRoute tries every route of rt and keeps the longest match, and
// whether prefix-list routes to different targets tie there.
func (n *refNet) bestRoute(rt reach.RouteTable, dst netip.Addr) (best reach.Route, tied, ok bool) {
	routes := slices.Clone(rt.Routes)
	for _, c := range n.vpc(rt.VPC).CIDRs {
		if !slices.ContainsFunc(routes, func(r reach.Route) bool {
			return r.PrefixList == "" && !r.Propagated && r.Destination.Masked() == c.Masked()
		}) {
			routes = append(routes, reach.Route{Destination: c, Target: reach.TargetLocal})
		}
	}
	// the routes of the longest matching prefix, in table order; a
	// propagated route inside a local route's prefix loses to it whatever
	// its length
	var longest []reach.Route
	bits := -1
	for _, r := range routes {
		if slices.Contains(n.unresolved, r.PrefixList) {
			continue // which addresses it routes is unknown: lookup
		}
		if r.Propagated && slices.ContainsFunc(n.vpc(rt.VPC).CIDRs, func(c netip.Prefix) bool {
			return c.Bits() <= r.Destination.Bits() && c.Contains(r.Destination.Addr())
		}) {
			continue
		}
		ps := []netip.Prefix{r.Destination}
		if r.PrefixList != "" {
			ps = n.list(r.PrefixList)
		}
		for _, p := range ps {
			switch {
			case !p.Masked().Contains(dst):
			case p.Bits() > bits:
				longest, bits = []reach.Route{r}, p.Bits()
			case p.Bits() == bits:
				longest = append(longest, r)
			}
		}
	}
	if bits < 0 {
		return reach.Route{}, false, false
	}
	// the best of them by rank, the first among equals
	var top []reach.Route
	for _, r := range longest {
		if len(top) > 0 && refRank(r) < refRank(top[0]) {
			top = top[:0]
		}
		if len(top) == 0 || refRank(r) == refRank(top[0]) {
			top = append(top, r)
		}
	}
	best = top[0]
	ranks := map[int]bool{}
	for _, r := range longest {
		ranks[refRank(r)] = true
	}
	switch {
	case ranks[0] && ranks[1]:
		n.stats["a CIDR route beats a prefix list of equal length"]++
	case ranks[1] && ranks[2]:
		n.stats["a prefix-list route beats a propagated one"]++
	case ranks[0] && ranks[2]:
		n.stats["a static route beats a propagated one"]++
	case ranks[2]:
		n.stats["a propagated route matches"]++
	}
	for _, r := range top[1:] {
		if r.Target != best.Target || r.TargetID != best.TargetID && r.Target != reach.TargetBlackhole {
			tied = true
		}
	}
	switch {
	case tied:
		n.stats["prefix-list routes tie"]++
	case len(top) > 1 && refRank(best) == 1:
		n.stats["prefix-list routes to one target"]++
	}
	if best.Target != reach.TargetLocal && slices.Contains(n.vpc(rt.VPC).CIDRs, best.Destination) {
		n.stats["a middlebox replaces the local route"]++
	}
	return best, tied, true
}

// The walk.

// fromSubnet sends pkt on from subnet id.
func (l *refLeg) fromSubnet(pkt flow.Flow, id string) {
	if l.calls++; l.calls > 1000 {
		panic("the reference walks forever")
	}
	s := l.n.subnet(id)
	l.cur = id
	if inSubnet(s, pkt.Dst.Addr()) {
		l.local(pkt, s.VPC)
		return
	}
	rt := s.RouteTable
	if rt == "" {
		rt = l.n.vpc(s.VPC).MainRouteTable
	}
	l.lookup(pkt, l.n.table(rt), id)
}

// lookup routes pkt by rt, in subnet from ("" for an edge table).
func (l *refLeg) lookup(pkt flow.Flow, rt reach.RouteTable, from string) {
	if slices.Contains(l.points, refPoint{reach.KindRouteTable, rt.ID, pkt}) {
		l.hop(reach.KindRouteTable, rt.ID, pkt, reach.RoutingLoop)
		return
	}
	if l.lookups++; l.lookups > reachMaxSteps {
		l.n.stats["the lookup bound"]++
		l.hop(reach.KindRouteTable, rt.ID, pkt, reach.RoutingLoop)
		return
	}
	r, tied, ok := l.n.bestRoute(rt, pkt.Dst.Addr())
	host := ok && r.PrefixList == "" && !r.Propagated && r.Destination.Bits() == pkt.Dst.Addr().BitLen() // no list entry beats it
	for _, u := range rt.Routes {
		if fam := l.n.families[u.PrefixList]; fam == sg.FamilyIPv4 && pkt.Dst.Addr().Is6() || fam == sg.FamilyIPv6 && pkt.Dst.Addr().Is4() {
			if slices.Contains(l.n.unresolved, u.PrefixList) && !host && (!ok || u.Target != r.Target || u.TargetID != r.TargetID) {
				l.n.stats["a route by an unresolved list of the other family"]++
			}
			continue // a list of the other family: it holds no block of the destination's
		}
		if slices.Contains(l.n.unresolved, u.PrefixList) && !host && (!ok || u.Target != r.Target || u.TargetID != r.TargetID) {
			l.hop(reach.KindRouteTable, rt.ID, pkt, reach.RouteIndeterminate)
			return
		}
	}
	switch {
	case !ok:
		l.hop(reach.KindRouteTable, rt.ID, pkt, reach.NoRoute)
		return
	case tied:
		l.hop(reach.KindRouteTable, rt.ID, pkt, reach.RouteTie)
		return
	case r.Target == reach.TargetBlackhole:
		l.hop(reach.KindRouteTable, rt.ID, pkt, reach.BlackholeRoute)
		return
	}
	l.points = append(l.points, refPoint{reach.KindRouteTable, rt.ID, pkt})
	l.hop(reach.KindRouteTable, rt.ID, pkt, "")
	switch r.Target {
	case reach.TargetLocal:
		l.local(pkt, rt.VPC)
	case reach.TargetInternetGateway:
		l.toInternet(pkt, rt.VPC)
	case reach.TargetNATGateway:
		l.viaNAT(pkt, l.n.nat(r.TargetID))
	case reach.TargetFirewallEndpoint:
		if !l.met(reach.KindFirewall, r.TargetID, pkt) {
			l.enter(pkt, l.n.endpointSubnet(r.TargetID))
			l.blind = true
			l.crossing = append(l.crossing, len(l.hops))
			l.hop(reach.KindFirewall, r.TargetID, pkt, "")
			l.fromSubnet(pkt, l.n.endpointSubnet(r.TargetID))
		}
	case reach.TargetInterface:
		in := l.n.iface(r.TargetID)
		if l.met(reach.KindInterface, in.ID, pkt) {
			break
		}
		if !holdsAddr(in, pkt.Dst.Addr()) {
			l.throughInstance(in, pkt) // filter_ref_ali_test.go
		}
		if l.n.filtered && !holdsAddr(in, pkt.Dst.Addr()) {
			l.enter(pkt, in.Subnet)
			l.groups(in.ID, pkt, flow.Inbound)
		}
		switch {
		case holdsAddr(in, pkt.Dst.Addr()):
			l.arrive(in.ID, pkt)
		case !l.n.anyHolds(pkt.Dst.Addr()) && l.n.prefixMayHold(in, pkt.Dst.Addr()): // its own, if a prefix it gets at launch holds it
			l.hop(reach.KindInterface, in.ID, pkt, reach.DelegatedPrefixesUnknown)
		case holdsAddr(in, pkt.Src.Addr()): // its own packet, from a private or a delegated address
			l.hop(reach.KindInterface, in.ID, pkt, "")
			l.forward(in, pkt)
		case in.SourceDestCheckDisabled:
			l.hop(reach.KindInterface, in.ID, pkt, "")
			l.mayTranslate(in)
			l.forward(in, pkt)
		case in.SourceDestCheckUnknown != "":
			l.hop(reach.KindInterface, in.ID, pkt, reach.SourceDestCheckUnknown)
			l.mayTranslate(in)
			l.forward(in, pkt)
		default:
			l.hop(reach.KindInterface, in.ID, pkt, reach.SourceDestCheck)
		}
	case reach.TargetPeering:
		l.viaPeering(pkt, rt.VPC, r.TargetID)
	case reach.TargetTransitGateway:
		l.viaTGW(pkt, rt.VPC, r.TargetID, from)
	case reach.TargetUnmodelled:
		l.leave(pkt)
		l.hop(reach.KindUnmodelled, r.TargetID, pkt, reach.UnmodelledTarget)
	case reach.TargetGatewayEndpoint:
		l.viaGatewayEndpoint(pkt, l.n.gatewayEndpoint(r.TargetID))
	default:
		panic("unknown target " + r.Target.String())
	}
}

// local delivers pkt to the owner of its destination inside vpc.
func (l *refLeg) local(pkt flow.Flow, vpc string) {
	dst := pkt.Dst.Addr()
	for _, in := range l.n.d.Interfaces {
		if l.n.subnet(in.Subnet).VPC == vpc && holdsAddr(in, dst) {
			if r := l.fwdNatInst; l.reply && r != nil && r.id == in.ID && func() bool { a, _ := natAddressOf(in); return a == dst }() {
				// the NAT instance sends the reply on to the request's source
				l.skipFor("a NAT instance")
				l.hop(reach.KindInterface, in.ID, pkt, "")
				pkt.Dst = r.orig
				l.fromSubnet(pkt, in.Subnet)
				return
			}
			l.arrive(in.ID, pkt)
			return
		}
	}
	for _, g := range l.n.d.NATGateways {
		if l.n.subnet(g.Subnet).VPC != vpc || g.PrivateIP != dst {
			continue
		}
		l.enter(pkt, g.Subnet)
		if l.reply {
			for _, rec := range l.fwdNATs {
				if rec.id == g.ID {
					l.hop(reach.KindNATGateway, g.ID, pkt, "")
					l.blind, l.scope = true, "" // a middlebox: the reply loses its group identity
					pkt.Dst = rec.orig
					l.fromSubnet(pkt, g.Subnet)
					return
				}
			}
		}
		l.hop(reach.KindNATGateway, g.ID, pkt, reach.NATNoInbound)
		return
	}
	if l.n.prefixesUnknownAt(dst, vpc) {
		l.hop(reach.KindRouteTable, vpc, pkt, reach.DelegatedPrefixesUnknown)
		return
	}
	l.hop(reach.KindRouteTable, vpc, pkt, reach.UnknownDestination)
}

// prefixesUnknownAt reports whether an interface of a subnet of vpc that
// holds dst gets prefixes of dst's family known only later
// (Interface.IPv4PrefixesUnknown, IPv6PrefixesUnknown), dst being none
// of the five addresses AWS reserves in the subnet's block: one of its
// prefixes may hold dst. The caller knows nothing holds dst.
func (n *refNet) prefixesUnknownAt(dst netip.Addr, vpc string) bool {
	for _, in := range n.d.Interfaces {
		if n.subnet(in.Subnet).VPC == vpc && n.prefixMayHold(in, dst) {
			return true
		}
	}
	return false
}

// anyHolds reports whether an interface (by a private or delegated
// address) or a NAT gateway (by its private address) holds a.
func (n *refNet) anyHolds(a netip.Addr) bool {
	return slices.ContainsFunc(n.d.Interfaces, func(in reach.Interface) bool { return holdsAddr(in, a) }) ||
		slices.ContainsFunc(n.d.NATGateways, func(g reach.NATGateway) bool { return g.PrivateIP == a })
}

// prefixMayHold reports whether a prefix AWS delegates to in at launch
// may hold dst: in gets prefixes of dst's family known only later, and
// dst is an address of its subnet but none of the five AWS reserves.
func (n *refNet) prefixMayHold(in reach.Interface, dst netip.Addr) bool {
	what := in.IPv4PrefixesUnknown
	if dst.Is6() {
		what = in.IPv6PrefixesUnknown
	}
	if what == "" {
		return false
	}
	for _, c := range n.subnet(in.Subnet).CIDRs {
		if !c.Contains(dst) {
			continue
		}
		base := c.Masked().Addr()
		reserved := []netip.Addr{base, base.Next(), base.Next().Next(), base.Next().Next().Next()}
		last := base
		for b := c.Bits(); b < dst.BitLen(); b++ {
			last = setBit(last, b)
		}
		if !slices.Contains(append(reserved, last), dst) {
			return true
		}
	}
	return false
}

// vpcHolding is the first VPC of the design whose CIDR blocks hold a,
// "" when none does.
func (n *refNet) vpcHolding(a netip.Addr) string {
	for _, v := range n.d.VPCs {
		if slices.ContainsFunc(v.CIDRs, func(p netip.Prefix) bool { return p.Contains(a) }) {
			return v.ID
		}
	}
	return ""
}

package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// A private source outside the design: a query's source that no VPC of
// the design holds and the internet does not route (an RFC 1918,
// 100.64.0.0/10 or other non-global IPv4 address, 198.18.0.0/15 say: on
// premises). Its packets are no
// internet host's: an internet gateway drops them
// ([PrivateAddressOnInternet]). But such a host may sit behind what the
// design does not model (a virtual private gateway's VPN or Direct
// Connect, a transit gateway's VPN attachment, a peering connection to a
// VPC the input lacks, a local gateway) and send to a private address of
// the design that way. Where it does is told by the way back: the reply
// to it leaves the destination by its subnet's route table, and when
// that way ends at a hop the input does not decide (such a target, a
// route known only later, a transit gateway's routes the input lacks),
// the request's way in is not decided either, and the request's walk
// ends at an undecided hop naming it, never at a certain drop there. The
// destination's security groups then judge the request (privateGroups):
// a packet that comes in privately keeps its source address, and they
// judge it at the destination's address whichever way it came, so that
// where they drop it for certain so does the answer, the undecided way
// in notwithstanding; so do the subnet's network ACLs, where the way in
// or the reply certainly crosses them (mayEnterWithin, privateReplyACL). Where the way back ends at the internet gateway,
// nowhere, at a blackhole or at another certain block, no session can
// work whichever way the request came: the walk goes on to the internet
// gateway as before.
//
// A public source outside the design is asked the same where the way
// back to it does not plainly lead to the internet: an on-premises
// network may use public addresses, reached over a VPN (the destination's
// subnet routes 203.0.113.0/24 to a virtual private gateway, say). Such a
// host most likely sends through that way, not through the internet
// gateway (whose session could not work anyway: the reply would leave by
// the other way), so a request from it to an address of the
// destination's own (a private IPv4 address, which the internet cannot
// address, or an IPv6 one) ends at the same undecided hop; and a query
// naming the destination by ID addresses it privately (sendsPrivately),
// as for a private source; the set questions follow, address by address
// (privateWays, idAddress). Where the route for it
// in the destination's subnet leads to the internet gateway (the usual
// 0.0.0.0/0), an egress-only one, a blackhole or nowhere, nothing
// changes, and no way back is walked (mayEnterPrivately): an ordinary
// question from the internet pays a flag Build sets per subnet
// (markWaysBack: no table the subnet's replies may meet sends a public
// block where a leg may end undecided), or else one route lookup.

// privateSource reports whether a is an address a host outside the
// design may send from over a private network, and the internet does not
// carry: an RFC 1918 or 100.64.0.0/10 IPv4 address, or one of IANA's
// other IPv4 blocks not globally reachable (0.0.0.0/8, 192.0.0.0/24 but
// its global entries, 198.18.0.0/15: privateSource4, nonGlobal4), a unique local IPv6 address (fc00::/7) or
// one of IANA's IPv6 blocks not globally reachable (nonGlobal6).
// Loopback, link-local and multicast addresses never cross a router,
// privately or not.
func privateSource(a netip.Addr) bool {
	if a.Is4() {
		return privateSource4(a)
	}
	return a.IsPrivate() || nonGlobalSpecial6(a)
}

// mayEnterPrivately reports whether a request from src, a host outside
// the design, to an address of ii's own may have come in privately, so
// that privateEntry must walk the way back: always from a private source
// (privateSource); never from another address the internet does not
// route (loopback, link-local, multicast...); from a public one only
// where markWaysBack marked ii's subnet and the route for src in its
// table, the way back's first lookup, is not a certain one to the
// internet gateway, an egress-only one, a NAT gateway or a blackhole,
// nor missing (a route known only later or a tie of prefix-list routes
// may lead anywhere). The flag and the lookup keep the walk of the way
// back off an ordinary question from the internet.
func (m *Model) mayEnterPrivately(src netip.Addr, ii *ifaceInfo) bool {
	return m.mayEnterPrivatelyAt(src, ii.subnet)
}

// mayEnterPrivatelyAt is mayEnterPrivately for an address of subnet s's
// (one of an interface left out of the model: leftout_internet.go).
func (m *Model) mayEnterPrivatelyAt(src netip.Addr, s *subnetInfo) bool {
	if privateSource(src) {
		return true
	}
	if unroutable(src) || !s.backMayUndecide {
		return false
	}
	rt := s.rt
	if len(rt.unknown) > 0 || len(s.maybe) > 0 {
		return true // a route known only later, or another table, may lead anywhere
	}
	cr, _, ok := rt.lookup(src)
	if !ok {
		return false
	}
	if cr.tied != nil {
		return true
	}
	switch {
	case cr.Target == TargetInternetGateway, egressOnlyRoute(cr), cr.Target == TargetNATGateway, cr.Target == TargetBlackhole, cr.Target == TargetLocal:
		return false // the reply ends there, certain
	}
	return true
}

// egressOnlyRoute reports whether cr leads to an egress-only internet
// gateway: one of the design, or one the input lacks (an unmodelled
// target whose type, or whose eigw- ID, says so: the AWS loader's, for a
// route to a gateway describe-egress-only-internet-gateways did not
// list). Nothing private sits behind one, and whatever its state it lets
// no one outside open a connection: attached, it carries only the
// replies of connections that left through it; deleted, its route is a
// blackhole.
func egressOnlyRoute(cr *compiledRoute) bool {
	if cr.Target == TargetEgressOnlyInternetGateway {
		return true
	}
	return cr.Target == TargetUnmodelled && (cr.TargetType == eigwType || strings.HasPrefix(cr.TargetID, "eigw-"))
}

// eigwType is the type of an egress-only internet gateway the input
// lacks, as the loaders word it ([Route.TargetType]).
const eigwType = "egress-only internet gateway"

// unmodelledEgressOnlyReply is the hop of a reply that route cr of rt
// sends to an egress-only internet gateway the input lacks
// (egressOnlyRoute): a certain drop ([EgressOnlyNoInbound]), as at one
// the input holds (egressOnlyReply). The request did not leave through
// it: a request routed to it ends its leg undecided, and no reply is
// walked.
func (w *walker) unmodelledEgressOnlyReply(pkt flow.Flow, rt *rtInfo, cr *compiledRoute) Hop {
	h := Hop{Kind: KindUnmodelled, ID: cr.TargetID, Name: eigwType, Packet: pkt, Verdict: flow.Deny, Code: EgressOnlyNoInbound}
	if w.explain {
		h.reason = fmt.Sprintf("the reply is routed to %s, an egress-only internet gateway the input does not hold; whatever its state it drops the reply: attached, it carries only the replies of connections that left through it, and this one did not; deleted, its route is a blackhole",
			cr.TargetID)
		h.Fix = fmt.Sprintf("to accept this connection, give %s a route for %s that leads back the way it came (the internet gateway, for clients on the internet); to keep the internet out, leave it on the egress-only internet gateway",
			rt.ID, pkt.Dst.Addr())
	}
	return h
}

// mayEnterWithin reports whether the request privateEntry ended at end
// (its undecided hop) may be delivered to ii from within ii's subnet, so
// that the subnet's inbound network ACL may not judge it: where the way
// in is unmodelled, the packet crosses that ACL unless something in the
// subnet hands it on (AWS evaluates no network ACL between two
// interfaces of one subnet). That is so where the subnet holds what a
// way in may deliver through (subnetInfo.entryWithin: an appliance, a
// firewall endpoint, a transit gateway attachment, an address the
// design does not model), or where the way back ends at something other
// than a gateway at the VPC's edge (a transit gateway or an endpoint the
// input lacks, a target of unknown type, a route known only later),
// whose interface may sit in the subnet.
func mayEnterWithin(ii *ifaceInfo, end Hop) bool {
	if ii.subnet.entryWithin || end.Kind != KindUnmodelled {
		return true
	}
	switch end.Name {
	case "virtual private gateway", "local gateway", carrierGatewayType, "VPC peering connection", "internet gateway", eigwType:
		return false
	}
	for _, pre := range []string{"vgw-", "lgw-", "cagw-", "pcx-", "igw-", "eigw-"} {
		if strings.HasPrefix(end.ID, pre) {
			return false
		}
	}
	return true
}

// markEntriesWithin marks each subnet of m that holds what a way in the
// design does not model may deliver a packet through
// (subnetInfo.entryWithin): an interface whose source/destination check
// is off or unknown, a firewall endpoint, a transit gateway attachment,
// an address the design does not model.
func markEntriesWithin(m *Model) {
	for _, ii := range m.ifaces {
		if ii.SourceDestCheckDisabled || ii.SourceDestCheckUnknown != "" {
			ii.subnet.entryWithin = true
		}
	}
	for _, ep := range m.endpoints {
		if ep.subnet != nil {
			ep.subnet.entryWithin = true
		}
	}
	for _, a := range m.tgwAtts {
		for _, s := range a.subnets {
			s.entryWithin = true
		}
	}
	for a := range m.unmodelled {
		for _, s := range m.subnets {
			if s.contains(a) {
				s.entryWithin = true
			}
		}
	}
}

// markWaysBack marks each subnet of m from which a reply to some public
// address may end undecided (subnetInfo.backMayUndecide): its route
// table, or a table a route of it leads to through a firewall endpoint or
// an appliance, holds a route that may match a public address (one whose
// destination is not inside a private or special block) to a target that
// may end a leg undecided (anything but local, an internet gateway, an
// egress-only one, a NAT gateway, which drops a reply it did not
// translate, or a blackhole), or a route known only later, or a tie of
// prefix-list routes. Conservative: a subnet it leaves unmarked has no
// way back that privateEntry could find undecided for a public source.
func markWaysBack(m *Model) {
	// direct: a table's own routes may end a leg undecided; next: the
	// tables its routes lead on to, through firewall endpoints and
	// appliances
	direct, next := map[*rtInfo]bool{}, map[*rtInfo][]*rtInfo{}
	look := func(rt *rtInfo) {
		if _, ok := direct[rt]; ok {
			return
		}
		v := len(rt.unknown) > 0 || len(rt.ties) > 0
		for i := range rt.routes {
			cr := &rt.routes[i]
			if !slices.ContainsFunc(cr.prefixes, mayHoldPublic) {
				continue
			}
			switch {
			case egressOnlyRoute(cr): // one the input lacks too
			case cr.Target == TargetLocal, cr.Target == TargetInternetGateway, cr.Target == TargetNATGateway, cr.Target == TargetBlackhole:
			case cr.Target == TargetFirewallEndpoint:
				if ep := m.endpoints[cr.TargetID]; ep != nil && ep.subnet != nil && ep.subnet.rt != nil && len(ep.subnet.maybe) == 0 {
					next[rt] = append(next[rt], ep.subnet.rt)
				} else {
					v = true
				}
			case cr.Target == TargetInterface:
				if ii := m.ifaces[cr.TargetID]; ii != nil && ii.subnet.rt != nil && len(ii.subnet.maybe) == 0 {
					next[rt] = append(next[rt], ii.subnet.rt)
				} else {
					v = true
				}
			default:
				v = true
			}
		}
		direct[rt] = v
	}
	answer := map[*rtInfo]bool{}
	for _, s := range m.subnets {
		if s.rt == nil {
			continue
		}
		if len(s.maybe) > 0 {
			s.backMayUndecide = true // which table routes it is undecided
			continue
		}
		v, ok := answer[s.rt]
		if !ok {
			seen := map[*rtInfo]bool{s.rt: true}
			for stack := []*rtInfo{s.rt}; len(stack) > 0 && !v; {
				rt := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				look(rt)
				v = direct[rt]
				for _, n := range next[rt] {
					if !seen[n] {
						seen[n] = true
						stack = append(stack, n)
					}
				}
			}
			answer[s.rt] = v
		}
		s.backMayUndecide = v
	}
}

// mayHoldPublic reports whether p may hold a public address: it is not
// inside one of the blocks the internet does not route (specialBlocks).
func mayHoldPublic(p netip.Prefix) bool {
	return !slices.ContainsFunc(specialBlocks, func(b netip.Prefix) bool { return b.Bits() <= p.Bits() && b.Contains(p.Addr()) })
}

// privateDst returns f, the packet of a query from a host outside the
// design to ii named by ID over IPv4, sent to ii's public IPv4 address;
// or, where the host sends to ii's private address instead
// (sendsPrivately), f sent there.
func (m *Model) privateDst(f flow.Flow, ii *ifaceInfo) flow.Flow {
	if first, ok := m.sendsPrivately(f.Src.Addr(), ii); ok {
		f.Dst = netip.AddrPortFrom(first, f.Dst.Port())
	}
	return f
}

// sendsPrivately returns ii's first private IPv4 address, and true, when
// a public host outside the design at x that names ii by ID most likely
// sends to it rather than to ii's public IPv4 address: when the way back
// to x from ii's subnet ends undecided, at what the design does not model
// (privateEntry then ends the request there, undecided). A private source
// always sends there ([Model.addresses]). The way back is asked of a TCP
// request: it is routing only, and no hop on it tells protocols apart;
// so [Model.Check] and the set questions, which ask per address, decide
// alike whatever the protocol.
func (m *Model) sendsPrivately(x netip.Addr, ii *ifaceInfo) (netip.Addr, bool) {
	first, ok := ii.addr(false)
	if !ok || !x.Is4() || privateSource(x) || !m.mayEnterPrivately(x, ii) {
		return netip.Addr{}, false
	}
	pkt := flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(x, DefaultSourcePort), Dst: netip.AddrPortFrom(first, 443)}
	if _, _, found := m.wayBack(pkt, ii, false); !found {
		return netip.Addr{}, false
	}
	return first, true
}

// privateWays returns the internet addresses, among the IPv4 pieces of
// the internet (internetPieces) clipped to within (nil: all), that send
// to ii named by ID at its private address (sendsPrivately). Each piece's
// addresses share their way back: the pieces are cut at every route's
// destination, of VPC and transit gateway tables alike (addressCuts).
func (m *Model) privateWays(ii *ifaceInfo, within []addrset.Range) addrset.Set {
	var rs []addrset.Range
	for _, piece := range clip(m.internetPieces(true), within) {
		if x, ok := m.internetIn(piece); ok {
			if _, ok := m.sendsPrivately(x, ii); ok {
				rs = append(rs, addrset.Range{From: piece.From, To: piece.To})
			}
		}
	}
	return addrset.OfRanges(rs...)
}

// idAddress returns the address at which the internet address x meets
// end at fixed, one of the addresses at which the internet meets it
// (internetEnds): fixed, but where fixed is end's public IPv4 address,
// which a question naming end by ID sends to, and x sends to end's
// private address instead (sendsPrivately), that address; private says
// so.
func (m *Model) idAddress(end *ifaceInfo, fixed, x netip.Addr) (at netip.Addr, private bool) {
	if end == nil || !fixed.Is4() || fixed != end.PublicIP {
		return fixed, false
	}
	if first, ok := m.sendsPrivately(x, end); ok {
		return first, true
	}
	return fixed, false
}

// privateEntry is the undecided hop of pkt, a request from a host
// outside the design to an address of ii's own, when the way back to the
// source from ii's subnet ends at a hop the input does not decide: the
// source may be there, and send by that way (for a public source, the
// caller asked mayEnterPrivately first). ok is false when the way back
// ends anywhere else (the request can only have come through the
// internet gateway, or no reply gets back whichever way it came). Only a
// walk from outside the design asks it, at its first hop; the walk then
// ends at ii's security groups (privateGroups).
func (w *walker) privateEntry(pkt flow.Flow, ii *ifaceInfo) (h Hop, ok bool) {
	end, back, found := w.m.wayBack(pkt, ii, w.explain)
	if !found {
		return Hop{}, false
	}
	src := pkt.Src.Addr()
	h = Hop{Kind: end.Kind, ID: end.ID, Name: end.Name, Packet: pkt, Verdict: flow.Indeterminate,
		Code: Code(strings.TrimPrefix(string(end.Code), "RETURN_"))}
	if !w.explain {
		return h, true
	}
	what := end.ID
	if end.Name != "" && end.Name != end.ID {
		what += " (" + end.Name + ")"
	}
	if privateSource(src) {
		h.reason = fmt.Sprintf("the source %s is not a public address, so it is no host on the internet (the internet carries neither its packets nor the replies to it); but the way back to it from %s (%s's subnet) ends undecided at %s: %s may be a host there, beyond what the design models, whose packets come in privately",
			src, ii.subnet.ID, ii.ID, what, src)
		h.Fix = fmt.Sprintf("check by hand whether %s reaches %s through %s and what its way in passes (AWS Reachability Analyzer can follow it); a host on the internet connects from a public address",
			src, pkt.Dst.Addr(), end.ID)
	} else {
		h.reason = fmt.Sprintf("the source %s is a public address, but the way back to it from %s (%s's subnet) does not lead to the internet: it ends undecided at %s, so %s is most likely a host there, beyond what the design models (a network on premises using public addresses, say), whose packets come in privately rather than through the internet gateway",
			src, ii.subnet.ID, ii.ID, what, src)
		h.Fix = fmt.Sprintf("check by hand whether %s reaches %s through %s and what its way in passes (AWS Reachability Analyzer can follow it); were %s a host on the internet, no session with it could work while the way back to it leads to %s",
			src, pkt.Dst.Addr(), end.ID, src, end.ID)
		if pkt.IsICMPError() { // one message, no session and no reply
			h.Fix = fmt.Sprintf("check by hand whether %s reaches %s through %s and what its way in passes (AWS Reachability Analyzer can follow it); an error message needs no way back: the route for %s only tells where it most likely is",
				src, pkt.Dst.Addr(), end.ID, src)
		}
	}
	h.Missing = fmt.Sprintf("whether %s sends through %s, privately (a VPN, Direct Connect, a network peered or attached that the input does not hold)", src, what)
	if end.Missing != "" {
		h.Missing += ": " + end.Missing
	}
	for i := range back {
		if b := &back[i]; b.Kind != KindSecurityGroups && b.Kind != KindNetworkACL {
			h.addDetail(fmt.Sprintf("the way back to %s: %s %s: %s", src, b.Kind, b.ID, b.Reason()))
		}
	}
	return h, true
}

// privateGroups judges pkt, the request privateEntry ended undecided (its
// hop the last of the leg), at the security groups of ii, its
// destination: a packet that comes in privately (a VPN, Direct Connect, a
// transit gateway, a peering) keeps its source address, and ii's groups
// judge it, at this address, whichever way it came, so that where they
// drop it for certain the answer is a certain block there (outcomeOf: a
// certain block wins over the undecided way in), and elsewhere the
// undecided way in decides, as before. The destination subnet's network
// ACL judges the request inbound where the way in comes from outside the
// subnet (mayEnterWithin: not where something in the subnet may hand it
// on, an attachment or an appliance there, say), and the reply outbound
// where the subnet's route for it leads out of the subnet
// (privateReplyACL); ACLs elsewhere on the unmodelled way are not
// judged. The hop is the walk's own security
// group hop (walker.securityGroups), so that every question (Ports'
// filters, the matrix's deferred judgements, the set questions' bounds)
// treats it as the groups at any arrival; only such a walk meets it,
// never an ordinary question. That the source is kept is what reachsim
// takes of every way in it does not model, as of the transit gateways
// it does (a transit gateway's 1:1 NAT on attachments is not modelled).
func (w *walker) privateGroups(pkt flow.Flow, ii *ifaceInfo, entry int) {
	w.securityGroups(pkt, ii, flow.Inbound)
	if !w.explain {
		return
	}
	at := len(*w.hops) - 1
	e, h := &(*w.hops)[entry], &(*w.hops)[at]
	way := e.ID
	if e.Name != "" && e.Name != e.ID {
		way += " (" + e.Name + ")"
	}
	switch h.Verdict {
	case flow.Deny:
		h.addDetail(fmt.Sprintf("the way in is undecided (hop %d: %s may come in privately, through %s), but it does not decide the answer: a packet that comes in privately keeps its source address, and these groups judge it alike whichever way it came",
			entry+1, pkt.Src.Addr(), way))
		e.addDetail(fmt.Sprintf("whichever way the request came, %s's security groups drop it (hop %d): the way in does not decide the answer", ii.ID, at+1))
		e.Fix = ""
	case flow.Allow:
		h.addDetail(fmt.Sprintf("they let the request in whichever way it came (a packet that comes in privately keeps its source address): the undecided way in (hop %d) decides, unless a network ACL drops the packet for certain", entry+1))
	}
}

// wayBack walks the reply of pkt (a request to ii's private address)
// from ii's subnet as the reply's walk would, its routing only (the
// security groups of ii are not asked), and returns the undecided hop
// the reply's leg ends at, and the leg's hops; found is false when the
// leg ends anywhere else (a certain block, or an arrival). Where a
// transit gateway's flow hash picks a subnet (appliance mode), every
// choice is walked, and the first that ends undecided answers.
func (m *Model) wayBack(pkt flow.Flow, ii *ifaceInfo, explain bool) (end Hop, hops []Hop, found bool) {
	// the request as the reply's walker reads it (a reply routed to a
	// NAT gateway compares its source with the request's destination)
	req := []Hop{{Leg: Forward, Packet: pkt}}
	fw := &walker{m: m, leg: Forward, hops: &req, identity: true, fork: new(zoneFork)}
	reply := pkt.Reverse()
	for walks := 0; walks < maxZoneWalks; walks++ {
		fw.fork.met, fw.fork.exits = fw.fork.met[:0], fw.fork.exits[:0]
		hops = hops[:0]
		rw := &walker{m: m, leg: Return, hops: &hops, identity: true, forward: fw, explain: explain}
		if a := rw.route(reply, ii.subnet); !a.ok && len(hops) > 0 && hops[len(hops)-1].Undecided() {
			return hops[len(hops)-1], hops, true
		}
		if !fw.fork.next() {
			break
		}
	}
	return Hop{}, nil, false
}

// privateReplyACL judges reply, the reply of a request that may have
// come in privately to ii (privateEntry), at ii's subnet's outbound
// network ACL, where the reply certainly crosses it: it leaves by the
// subnet's own route table, whose route for it leads out of the subnet
// (anything but an appliance or a firewall endpoint in the subnet, a
// tie of prefix-list routes, or a table the input leaves undecided).
// Only that hop of the reply is walked: the way back ends undecided
// (the request's first hop holds that doubt), but where the ACL drops
// the reply for certain no session can work, whichever way the request
// came.
func (w *walker) privateReplyACL(reply flow.Flow, ii *ifaceInfo) {
	s := ii.subnet
	if s.rt == nil || len(s.maybe) > 0 || len(s.rt.unknown) > 0 {
		return
	}
	cr, _, ok := s.rt.lookup(reply.Dst.Addr())
	if !ok || cr.tied != nil {
		return
	}
	switch cr.Target {
	case TargetInterface:
		if t := w.m.ifaces[cr.TargetID]; t == nil || t.subnet == s {
			return
		}
	case TargetFirewallEndpoint:
		if ep := w.m.endpoints[cr.TargetID]; ep == nil || ep.subnet == s {
			return
		}
	case TargetLocal:
		return
	}
	w.networkACL(reply, s, flow.Outbound)
	if w.explain {
		(*w.hops)[len(*w.hops)-1].addDetail(fmt.Sprintf("the reply leaves %s by route %s of %s, whichever way the request came in: this ACL judges it", s.ID, routeTarget(cr), s.rt.ID))
	}
}

// The multi-VPC part of the slow routing reference (route_ref_test.go):
// peering connections, transit gateways, unmodelled targets and S3
// gateway endpoints, and the hand-worked multi-VPC test that pins it.

package reach_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// The multi-VPC part of the reference: peering connections, transit
// gateways and unmodelled targets, written plainly from AWS's rules as
// peering.go and tgw.go state them.
//
//   - Peering (a route to pcx-…): the connection carries a packet only
//     from an address of the VPC it leaves to an address of the other
//     (no transit, no edge-to-edge: PCX_REQUIRES_ADDRESS_IN_VPC_CIDR, the
//     leg ends). Otherwise a connection that is not active blocks
//     (PEERING_NOT_ACTIVE for a status AWS documents, undecided
//     PEERING_STATUS_UNKNOWN for any other), and the walk goes on, as the
//     engine documents, so that the rest of the path is traced: the peer
//     VPC delivers to whatever there owns the destination (its local
//     route; the reply comes back only by a route of its own).
//   - Transit gateway (a route to tgw-…): the packet enters through the
//     gateway's VPC attachment to the table's VPC, by its subnet in the
//     zone of the subnet the packet leaves; none there is
//     TGW_NO_ATTACHMENT_IN_AZ. Where the attachment has none known to be
//     there but some of unknown zone, the hop is undecided
//     (TGW_ENTRY_ZONE_UNKNOWN) and the walk goes on through the first of
//     those; where the source subnet's zone is unknown (and it is not
//     itself an attachment subnet), every attachment subnet may be the
//     one, or none (the source's zone may have none): the entry is
//     undecided, the leg ending there unless they share a network ACL,
//     else going on through the first; the exit then follows an unknown
//     zone.
//     The route table associated with that attachment decides
//     (TGW_NO_ASSOCIATION without one; TGW_ROUTES_UNKNOWN, undecided,
//     when its routes are not in the input): every static route and every
//     route an attachment propagates (each CIDR block of its VPC, unless
//     the table holds a VPC-propagated route overlapping it; undecided
//     where it overlaps a propagated blackhole or another such block) is
//     tried, the longest prefix wins and at the same prefix a static route
//     beats a propagated one, a VPC's a VPN's; blackhole: TGW_BLACKHOLE_ROUTE; none:
//     TGW_NO_ROUTE; but where a VPN attachment propagates to a table not
//     listed whole, and a route it may propagate could decide (none found,
//     a longer prefix, an earlier rank at the prefix), TGW_ROUTES_UNKNOWN. An attachment propagates its VPC's IPv6 blocks only
//     with IPv6 support (or when what the input holds of it is missing); an IPv6 packet a route sends on, when it entered
//     through an attachment without IPv6 support or the route's is a VPC
//     attachment without it, is undecided (TGW_IPV6_SUPPORT_DISABLED:
//     AWS's documents differ on whether it passes) and the walk goes on. A table is a forwarding point like a VPC route table
//     (a loop when met again with the same packet; its lookups count
//     toward the bound). The packet leaves through the destination
//     attachment's subnet in the zone it entered by, else its first
//     subnet where its subnets are alike for the packet; where they are
//     not, each subnet is walked (route_ref_exitfork_test.go), and the
//     packet is routed from there by that subnet; an attachment that is
//     not a VPC's is an undecided hop (UNMODELLED_TARGET).
//   - A route to a target reachsim does not model (vgw-…) is an undecided
//     hop, UNMODELLED_TARGET, and the leg ends: never a fallback to a less
//     specific route.

func (n *refNet) vpcContains(vpc string, a netip.Addr) bool {
	return slices.ContainsFunc(n.vpc(vpc).CIDRs, func(c netip.Prefix) bool { return c.Contains(a) })
}

func (n *refNet) peering(id string) reach.Peering {
	for _, p := range n.peerings {
		if p.ID == id {
			return p
		}
	}
	panic("no peering connection " + id)
}

func (l *refLeg) viaPeering(pkt flow.Flow, near, id string) {
	p := l.n.peering(id)
	far := p.AccepterVPC
	if far == near {
		far = p.RequesterVPC
	}
	l.leave(pkt) // the subnet left judges it outbound; the one entered beyond, inbound
	l.cur = ""
	if !l.n.vpcContains(near, pkt.Src.Addr()) || !l.n.vpcContains(far, pkt.Dst.Addr()) {
		switch {
		case !l.n.vpcContains(near, pkt.Src.Addr()):
			l.n.stats["peering: a source from outside the near VPC"]++
		case slices.ContainsFunc(l.n.d.VPCs, func(v reach.VPC) bool { return l.n.vpcContains(v.ID, pkt.Dst.Addr()) }):
			l.n.stats["peering: no transit to a third VPC"]++
		default:
			l.n.stats["peering: no edge-to-edge"]++
		}
		l.hop(reach.KindPeering, id, pkt, reach.PeeringAddressOutsideVPC)
		return
	}
	var code reach.Code
	switch {
	case p.Status == "" || p.Status == reach.PeeringActive:
		l.n.stats["across an active peering"]++
	case slices.Contains(reach.PeeringStatuses(), p.Status):
		code = reach.PeeringNotActive
	default:
		code = reach.PeeringStatusUnknown
	}
	l.hop(reach.KindPeering, id, pkt, code)
	l.local(pkt, far)
}

// vpcAttachment is transit gateway tgw's attachment to vpc.
func (n *refNet) vpcAttachment(tgw, vpc string) reach.TGWAttachment {
	for _, a := range n.tgwAtts {
		if a.TransitGateway == tgw && a.Type == "vpc" && a.VPC == vpc {
			return a
		}
	}
	panic("no attachment of " + tgw + " to " + vpc)
}

func (n *refNet) attachment(id string) reach.TGWAttachment {
	for _, a := range n.tgwAtts {
		if a.ID == id {
			return a
		}
	}
	panic("no attachment " + id)
}

func (n *refNet) tgwTable(id string) reach.TGWRouteTable {
	for _, t := range n.tgwRTs {
		if t.ID == id {
			return t
		}
	}
	panic("no transit gateway route table " + id)
}

// refTGWRoute is a route of a transit gateway route table, unsure when
// AWS may not hold it (a propagated block overlapping another
// attachment's, neither listed).
type refTGWRoute struct {
	reach.TGWRoute
	unsure bool
}

// tgwRoutes are the routes of t: its own and, unless it is listed whole,
// those the attachments propagate to it: none whose block overlaps a
// propagated route t holds, and those whose blocks overlap another
// attachment's unsure.
func (n *refNet) tgwRoutes(t reach.TGWRouteTable) []refTGWRoute {
	var routes, added []refTGWRoute
	for _, r := range t.Routes {
		routes = append(routes, refTGWRoute{TGWRoute: r})
	}
	for _, a := range n.tgwAtts {
		if t.Listed || a.Type != "vpc" || a.TransitGateway != t.TransitGateway || !slices.Contains(a.Propagations, t.ID) {
			continue
		}
		for _, c := range n.vpc(a.VPC).CIDRs {
			if c.Addr().Is6() && !a.IPv6Support && a.Missing == "" {
				n.stats["an IPv6 block not propagated (no IPv6 support)"]++
				continue
			}
			if slices.ContainsFunc(t.Routes, func(r reach.TGWRoute) bool {
				return r.Propagated && r.Attachment != "" && n.attachment(r.Attachment).Type == "vpc" && r.Destination.Overlaps(c)
			}) {
				continue // only a VPC's propagated block withholds another VPC's
			}
			added = append(added, refTGWRoute{TGWRoute: reach.TGWRoute{Destination: c, Attachment: a.ID, Propagated: true}})
		}
	}
	for i := range added {
		for _, o := range added {
			if o.Attachment != added[i].Attachment && o.Destination.Overlaps(added[i].Destination) {
				added[i].unsure = true
				n.stats["overlapping propagated blocks, neither listed"]++
			}
		}
		if slices.ContainsFunc(t.Routes, func(r reach.TGWRoute) bool {
			return r.Propagated && r.Attachment == "" && r.Destination.Overlaps(added[i].Destination)
		}) {
			added[i].unsure = true // a propagated blackhole, a VPC's or not
		}
	}
	return append(routes, added...)
}

// hiddenBeats reports whether a route the input does not hold, propagated
// to t (not listed whole) by an attachment other than a VPC's in the
// design (a VPN, say: what its peer advertises), may route dst instead
// of r (ok false: no route): any prefix when there is none, a longer one
// than r's, or r's prefix and earlier in the evaluation order.
func (n *refNet) hiddenBeats(t reach.TGWRouteTable, r refTGWRoute, ok bool, dst netip.Addr) bool {
	if t.Listed {
		return false
	}
	for _, a := range n.tgwAtts {
		if a.TransitGateway != t.TransitGateway || !slices.Contains(a.Propagations, t.ID) || a.Type == "vpc" { // the generator makes no VPC attachment of a VPC not in the design
			continue
		}
		if !ok || r.Destination.Bits() < dst.BitLen() || n.tgwRank(reach.TGWRoute{Propagated: true, Attachment: a.ID}) < n.tgwRank(r.TGWRoute) {
			return true
		}
	}
	return false
}

// tgwBest tries every route of t for dst.
func (n *refNet) tgwBest(t reach.TGWRouteTable, dst netip.Addr) (refTGWRoute, bool) {
	var best refTGWRoute
	bits := -1
	for _, r := range n.tgwRoutes(t) {
		if !r.Destination.Contains(dst) {
			continue
		}
		b := r.Destination.Bits()
		if b > bits || b == bits && n.tgwRank(r.TGWRoute) < n.tgwRank(best.TGWRoute) {
			best, bits = r, b
		}
	}
	if bits >= 0 && !best.Propagated && slices.ContainsFunc(n.tgwRoutes(t), func(r refTGWRoute) bool {
		return r.Propagated && r.Destination == best.Destination
	}) {
		n.stats["a static TGW route beats a propagated one"]++
	}
	return best, bits >= 0
}

// tgwRank is r's place among the routes of one prefix, AWS's Route
// evaluation order: static, then propagated by a VPC, a Direct Connect
// gateway, a Connect, a VPN attachment; any other propagated route last.
func (n *refNet) tgwRank(r reach.TGWRoute) int {
	if !r.Propagated {
		return 0
	}
	if r.Attachment != "" {
		if i := slices.Index([]string{"vpc", "direct-connect-gateway", "connect", "vpn"}, n.attachment(r.Attachment).Type); i >= 0 {
			return 1 + i
		}
	}
	return 5
}

// exitUnknown reports whether which subnet of VPC attachment a a packet
// for dst, which entered in zone az, leaves through is undecided: a has
// several subnets, none in az (or the zones are unknown), and they differ
// for it (route table, network ACL, the destination in one of them, or
// their route for it to a transit gateway).
func (n *refNet) exitUnknown(a reach.TGWAttachment, az string, dst netip.Addr) bool {
	if len(a.Subnets) < 2 {
		return false
	}
	known := false
	for _, id := range a.Subnets {
		z := n.subnet(id).AvailabilityZone
		known = known || z != ""
		if z != "" && z == az {
			return false
		}
	}
	tableOf := func(s reach.Subnet) string {
		if s.RouteTable != "" {
			return s.RouteTable
		}
		return n.vpc(s.VPC).MainRouteTable
	}
	aclOf := func(s reach.Subnet) string {
		if s.ACL != "" {
			return s.ACL
		}
		return n.vpc(s.VPC).DefaultACL
	}
	first := n.subnet(a.Subnets[0])
	for _, id := range a.Subnets {
		s := n.subnet(id)
		if inSubnet(s, dst) || tableOf(s) != tableOf(first) || aclOf(s) != aclOf(first) {
			n.stats["a transit gateway exit of undecided zone"]++
			return true
		}
	}
	if r, _, ok := n.bestRoute(n.table(tableOf(first)), dst); ok && r.Target == reach.TargetTransitGateway {
		n.stats["a transit gateway exit of undecided zone"]++
		return true
	}
	n.stats["a transit gateway exit of unknown zone, the subnets alike"]++
	return false
}

// entrySubnets are the subnets of attachment a a packet leaving subnet
// from ("" for an edge table's packet) may enter by: the one in from's
// zone; when a has none there, those of unknown zone (not sure: perhaps
// none is in it); when from's zone is unknown, from itself if it is one
// of a's (sure), else all (not sure: from may be in a zone a has no
// subnet in); an edge table's packet, all (sure).
func (n *refNet) entrySubnets(a reach.TGWAttachment, from string) (cands []string, sure bool) {
	az := ""
	if from != "" {
		az = n.subnet(from).AvailabilityZone
	}
	switch {
	case from == "":
		return a.Subnets, true
	case az == "" && slices.Contains(a.Subnets, from):
		return []string{from}, true
	case az == "":
		return a.Subnets, false
	}
	for _, id := range a.Subnets {
		switch n.subnet(id).AvailabilityZone {
		case az:
			return []string{id}, true
		case "":
			cands = append(cands, id)
		}
	}
	return cands, false
}

func (n *refNet) aclOf(s reach.Subnet) string {
	if s.ACL != "" {
		return s.ACL
	}
	return n.vpc(s.VPC).DefaultACL
}

func (l *refLeg) viaTGW(pkt flow.Flow, vpc, tgw, from string) {
	att := l.n.vpcAttachment(tgw, vpc)
	az := ""
	if from != "" {
		az = l.n.subnet(from).AvailabilityZone
	}
	cands, sure := l.n.entrySubnets(att, from)
	if len(cands) == 0 {
		l.hop(reach.KindTransitGateway, att.ID, pkt, reach.TGWNoAttachmentInAZ)
		return
	}
	in := cands[0]
	for _, id := range cands {
		if l.n.aclOf(l.n.subnet(id)) != l.n.aclOf(l.n.subnet(in)) {
			l.n.stats["a transit gateway entry of undecided zone"]++
			l.hop(reach.KindTransitGateway, att.ID, pkt, reach.TGWEntryZoneUnknown)
			return
		}
	}
	zone := az
	if az == "" && len(cands) == 1 {
		zone = l.n.subnet(in).AvailabilityZone
	}
	if az == "" && len(cands) > 1 {
		l.n.stats["the zone is unknown: the attachment subnets alike"]++
	}
	switch {
	case !sure && az == "":
		l.n.stats["the source's zone unknown: perhaps no attachment subnet there"]++
		l.hop(reach.KindTransitGateway, att.ID, pkt, reach.TGWEntryZoneUnknown) // undecided; the walk goes on
	case !sure:
		l.n.stats["perhaps an attachment subnet in the zone"]++
		l.hop(reach.KindTransitGateway, att.ID, pkt, reach.TGWEntryZoneUnknown) // undecided; the walk goes on
	}
	if l.n.filtered {
		// entering: the subnet left judges the packet outbound, the
		// attachment subnet inbound, even when they are one subnet
		if l.cur != "" {
			l.acl(pkt, l.cur, flow.Outbound)
		}
		l.acl(pkt, in, flow.Inbound)
		l.cur = in
	}
	l.tgwIdentity()
	if att.RouteTable == "" {
		l.hop(reach.KindTransitGateway, att.ID, pkt, reach.TGWNoAssociation)
		return
	}
	t := l.n.tgwTable(att.RouteTable)
	if slices.Contains(l.points, refPoint{reach.KindTransitGateway, t.ID, pkt}) {
		l.hop(reach.KindTransitGateway, t.ID, pkt, reach.RoutingLoop)
		return
	}
	if l.lookups++; l.lookups > reachMaxSteps {
		l.hop(reach.KindTransitGateway, t.ID, pkt, reach.RoutingLoop)
		return
	}
	if t.Missing != "" {
		l.hop(reach.KindTransitGateway, t.ID, pkt, reach.TGWRoutesUnknown)
		return
	}
	r, ok := l.n.tgwBest(t, pkt.Dst.Addr())
	switch {
	case l.n.hiddenBeats(t, r, ok, pkt.Dst.Addr()):
		l.n.stats["a route the input does not hold (a VPN propagates) may decide"]++
		l.hop(reach.KindTransitGateway, t.ID, pkt, reach.TGWRoutesUnknown)
		return
	case !ok:
		l.hop(reach.KindTransitGateway, t.ID, pkt, reach.TGWNoRoute)
		return
	case r.Blackhole:
		l.hop(reach.KindTransitGateway, t.ID, pkt, reach.TGWBlackholeRoute)
		return
	case r.unsure:
		l.hop(reach.KindTransitGateway, t.ID, pkt, reach.TGWPropagationUnknown)
		return
	}
	l.points = append(l.points, refPoint{reach.KindTransitGateway, t.ID, pkt})
	out := l.n.attachment(r.Attachment)
	if out.Type == "vpc" {
		l.tgwKeeps(tgw, att, out)
	}
	var code reach.Code
	if pkt.Dst.Addr().Is6() && (!att.IPv6Support || out.Type == "vpc" && !out.IPv6Support) {
		l.n.stats["IPv6 across an attachment without IPv6 support"]++
		code = reach.TGWIPv6Unsupported
	} else if pkt.Dst.Addr().Is6() {
		l.n.stats["IPv6 through a transit gateway"]++
	}
	forked := false
	if out.Type == "vpc" && out.Missing == "" && l.n.exitUnknown(out, zone, pkt.Dst.Addr()) {
		if forked = l.n.exitForking(out.ID); !forked {
			l.hop(reach.KindTransitGateway, t.ID, pkt, reach.TGWExitZoneUnknown)
			return
		}
	}
	l.hop(reach.KindTransitGateway, t.ID, pkt, code)
	if out.Type != "vpc" {
		l.n.stats["a transit gateway route to a VPN attachment"]++
		l.hop(reach.KindUnmodelled, out.ID, pkt, reach.UnmodelledTarget)
		return
	}
	sub := out.Subnets[0]
	for _, id := range out.Subnets {
		if zone != "" && l.n.subnet(id).AvailabilityZone == zone {
			sub = id
			break
		}
	}
	if forked {
		sub = l.exitChoice(out) // route_ref_exitfork_test.go
	}
	l.n.stats["through a transit gateway"]++
	l.fromSubnet(pkt, sub)
}

// Gateway endpoints (S3), as gwendpoint.go states AWS's rules: a route by
// the service's prefix list sends the packet through the endpoint to the
// service, unchanged, when its source is an address of the endpoint's
// VPC (else VPCE_GATEWAY_SOURCE_OUTSIDE_VPC, the leg ends: an endpoint
// serves no peered VPC, transit gateway or VPN); traffic other than TCP
// and ICMP (or ICMPv6) echo, and traffic of an address family the
// endpoint's IP address type leaves out (IPv6 for ipv4, IPv4 for ipv6),
// is blocked (VPCE_GATEWAY_PROTOCOL_RESTRICTION), IPv6 through an
// endpoint without a type is undecided
// (VPCE_GATEWAY_IP_ADDRESS_TYPE_UNKNOWN) and, as
// the engine documents, the walk goes on to the service. The reply comes
// back through the endpoint and the VPC delivers it locally. The
// service's prefix list shares no entry length with the generator's other
// lists, so no two prefix-list routes ever tie.

// refS3List is the S3 prefix list of the generated designs.
var refS3List = reach.PrefixList{ID: "pl-s3", Entries: []netip.Prefix{netip.MustParsePrefix("52.216.0.0/15"), netip.MustParsePrefix("3.5.0.0/19")}}

func (n *refNet) gatewayEndpoint(id string) reach.GatewayEndpoint {
	for _, e := range n.gwEPs {
		if e.ID == id {
			return e
		}
	}
	panic("no gateway endpoint " + id)
}

func (l *refLeg) viaGatewayEndpoint(pkt flow.Flow, ep reach.GatewayEndpoint) {
	l.leave(pkt) // the subnet left judges it outbound, whatever the endpoint does
	if !l.n.vpcContains(ep.VPC, pkt.Src.Addr()) {
		l.hop(reach.KindGatewayEndpoint, ep.ID, pkt, reach.GatewayEndpointSource)
		return
	}
	var code reach.Code
	v6 := pkt.Dst.Addr().Is6()
	echo := pkt.Protocol == flow.ICMP && pkt.ICMPType == flow.ICMPEchoRequest || pkt.Protocol == flow.ICMPv6 && pkt.ICMPType == flow.ICMPv6EchoRequest
	switch {
	case v6 && ep.IPAddressType == "ipv4", !v6 && ep.IPAddressType == "ipv6", pkt.Protocol != flow.TCP && !echo:
		code = reach.GatewayEndpointProtocol
	case v6 && ep.IPAddressType == "":
		code = reach.GatewayEndpointIPTypeUnknown
	}
	l.hop(reach.KindGatewayEndpoint, ep.ID, pkt, code)
	l.hop(reach.KindService, ep.Service, pkt, "")
	l.arrived, l.pkt, l.service = true, pkt, ep.ID
}

func (l *refLeg) fromService(pkt flow.Flow, ep reach.GatewayEndpoint) {
	l.hop(reach.KindGatewayEndpoint, ep.ID, pkt, "")
	l.local(pkt, ep.VPC)
}

// TestSlowRoutingReferenceMultiVPC pins the multi-VPC part of the
// reference on a small design worked out by hand from AWS's rules (and
// checks that the engine gives the same answers): a peering carries
// traffic between its VPCs but not on to a third, a pending one carries
// nothing, a transit gateway's table picks the longest prefix and a
// static route over a propagated one (here a blackhole), a subnet in a
// zone the attachment lacks cannot reach the gateway, a route to a
// virtual private gateway is undecided.
func TestSlowRoutingReferenceMultiVPC(t *testing.T) {
	pfx := netip.MustParsePrefix
	ip := netip.MustParseAddr
	d := &sample.Design{
		Groups: []sg.Group{{ID: "sg-open", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		}}},
	}
	for _, v := range []string{"a", "b", "c"} {
		d.VPCs = append(d.VPCs, reach.VPC{ID: "vpc-" + v, CIDRs: []netip.Prefix{pfx(map[string]string{"a": "10.1.0.0/16", "b": "10.2.0.0/16", "c": "10.3.0.0/16"}[v])},
			MainRouteTable: "rtb-" + v, DefaultACL: "acl-" + v})
		d.ACLs = append(d.ACLs, nacl.NewDefault("acl-"+v, "vpc-"+v, false))
	}
	d.RouteTables = []reach.RouteTable{
		{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{
			{Destination: pfx("10.2.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-ab"},
			{Destination: pfx("10.3.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"},
			{Destination: pfx("10.3.1.0/24"), Target: reach.TargetPeering, TargetID: "pcx-ab"},
			{Destination: pfx("192.168.0.0/16"), Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway"},
		}},
		{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{
			{Destination: pfx("10.1.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-ab"},
			{Destination: pfx("10.3.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-bc"},
		}},
		{ID: "rtb-c", VPC: "vpc-c", Routes: []reach.Route{
			{Destination: pfx("10.1.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"},
		}},
	}
	subnet := func(id, vpc, cidr, az string) reach.Subnet {
		return reach.Subnet{ID: id, VPC: vpc, CIDRs: []netip.Prefix{pfx(cidr)}, AvailabilityZone: az}
	}
	d.Subnets = []reach.Subnet{subnet("subnet-a", "vpc-a", "10.1.0.0/24", "az-1"), subnet("subnet-a2", "vpc-a", "10.1.1.0/24", "az-2"),
		subnet("subnet-b", "vpc-b", "10.2.0.0/24", "az-1"), subnet("subnet-c", "vpc-c", "10.3.0.0/24", "az-1"), subnet("subnet-c2", "vpc-c", "10.3.1.0/24", "az-2")}
	for _, s := range d.Subnets {
		addr := s.CIDRs[0].Addr().As4()
		addr[3] = 10
		d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-" + strings.TrimPrefix(s.ID, "subnet-"), Subnet: s.ID,
			PrivateIPs: []netip.Addr{netip.AddrFrom4(addr)}, Groups: []string{"sg-open"}})
	}
	n := &refNet{d: d, stats: map[string]int{},
		peerings: []reach.Peering{{ID: "pcx-ab", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b", Status: "active"},
			{ID: "pcx-bc", RequesterVPC: "vpc-b", AccepterVPC: "vpc-c", Status: "pending-acceptance"}},
		tgws: []reach.TransitGateway{{ID: "tgw-1"}},
		tgwRTs: []reach.TGWRouteTable{{ID: "tgw-rtb-1", TransitGateway: "tgw-1", Routes: []reach.TGWRoute{
			{Destination: pfx("10.3.0.0/16"), Blackhole: true},
			{Destination: pfx("10.3.0.0/24"), Attachment: "tgw-attach-c"},
		}}},
		tgwAtts: []reach.TGWAttachment{
			{ID: "tgw-attach-a", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-a", Subnets: []string{"subnet-a"}, RouteTable: "tgw-rtb-1", Propagations: []string{"tgw-rtb-1"}},
			{ID: "tgw-attach-c", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-c", Subnets: []string{"subnet-c"}, RouteTable: "tgw-rtb-1", Propagations: []string{"tgw-rtb-1"}},
		},
	}
	m, err := n.build()
	require.NoError(t, err)
	tcp := func(src, dst string) flow.Flow {
		return flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(ip(src), 50000), Dst: netip.AddrPortFrom(ip(dst), 443)}
	}
	for _, tc := range []struct {
		name string
		f    flow.Flow
		want []string // the request's routing hops
		out  reach.Outcome
	}{
		{"an active peering joins its two VPCs", tcp("10.1.0.10", "10.2.0.10"),
			[]string{"route-table rtb-a", "vpc-peering-connection pcx-ab", "delivered eni-b"}, reach.Reachable},
		{"a peering does not carry on to a third VPC", tcp("10.1.0.10", "10.3.1.10"),
			[]string{"route-table rtb-a", "vpc-peering-connection pcx-ab PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"}, reach.Unreachable},
		{"a pending peering carries nothing (the walk goes on)", tcp("10.2.0.10", "10.3.0.10"),
			[]string{"route-table rtb-b", "vpc-peering-connection pcx-bc PEERING_NOT_ACTIVE", "delivered eni-c"}, reach.Unreachable},
		{"the longer static TGW route beats the blackhole", tcp("10.1.0.10", "10.3.0.10"),
			[]string{"route-table rtb-a", "transit-gateway tgw-rtb-1", "delivered eni-c"}, reach.Reachable},
		{"a static blackhole beats the propagated route of the same prefix", tcp("10.1.0.10", "10.3.2.10"),
			[]string{"route-table rtb-a", "transit-gateway tgw-rtb-1 TGW_BLACKHOLE_ROUTE"}, reach.Unreachable},
		{"no attachment subnet in the source's zone", tcp("10.1.1.10", "10.3.0.10"),
			[]string{"route-table rtb-a", "transit-gateway tgw-attach-a TGW_NO_ATTACHMENT_IN_AZ"}, reach.Unreachable},
		{"a virtual private gateway is not modelled", tcp("10.1.0.10", "192.168.1.1"),
			[]string{"route-table rtb-a", "unmodelled-target vgw-1 UNMODELLED_TARGET"}, reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := n.refCheck(tc.f, n.sourceIface(tc.f.Src.Addr()))
			require.Equal(t, tc.want, shortHops(got.fwd))
			require.Equal(t, tc.out, got.outcome)
			r, err := m.CheckFlow(tc.f)
			require.NoError(t, err)
			fwd, err := routingHops(r.Forward)
			require.NoError(t, err)
			require.Equal(t, hopLines(got.fwd), hopLines(fwd), r.Text())
			require.Equal(t, tc.out, r.Outcome, r.Text())
		})
	}
	back := n.refCheck(tcp("10.1.0.10", "10.3.0.10"), "eni-a")
	require.Equal(t, []string{"route-table rtb-c", "transit-gateway tgw-rtb-1", "delivered eni-a"}, shortHops(back.ret),
		"the reply comes back by the route vpc-a's attachment propagates")
}

// shortHops names each hop by kind, ID and code.
func shortHops(hs []refHop) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = strings.TrimSpace(fmt.Sprintf("%s %s %s", h.kind, h.id, h.code))
	}
	return out
}

package reach_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// This file holds a slow, obviously correct reference for the routing
// walk and a randomized test that demands the engine agree with it.
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
//   - A lookup tries every route of the table in turn and keeps the longest
//     matching prefix. A prefix-list route matches with its longest
//     matching entry. Ties: a route table holds one route per CIDR (the
//     builder rejects duplicates); a CIDR route beats a prefix-list route
//     of the same length (AWS, "Route priority": the static route takes
//     priority over the prefix-list route); the generator never puts two
//     prefix-list routes in one table, whose order AWS does not document.
//     Every CIDR block of the VPC is routed "local" unless the table has a
//     route for that very block (a local route, or one whose target
//     replaced local's, as AWS allows for middleboxes).
//   - local: the packet goes to whatever in the table's VPC owns its
//     destination: an interface (delivered), a NAT gateway's private
//     address (the reply of a session it translated goes back to the
//     original source; anything else is refused, NAT_NO_INBOUND), or
//     nothing (UNKNOWN_DESTINATION).
//   - internet gateway: a destination that is not a public address of the
//     design and that the internet does not route (RFC 1918, 100.64/10,
//     loopback...) is dropped there (PRIVATE_ADDRESS_ON_INTERNET). The
//     source is translated from an interface's private IPv4 address to
//     the public IP mapped to that address (PublicIP for the first,
//     PublicIPs for any), or from a public NAT gateway's private address
//     to its public one; with neither the hop blocks (NO_PUBLIC_IP) but
//     the walk goes on untranslated. A destination that is a public
//     address in the design comes back in through the internet; any other
//     is a host on the internet.
//   - from the internet: the destination's owner decides the VPC; its
//     internet gateway (NO_INTERNET_GATEWAY without) drops a packet from an
//     RFC 1918 or 100.64/10 source unless the leg is blocked already
//     (PRIVATE_ADDRESS_ON_INTERNET), translates a public address to the
//     private one it is mapped to (NO_PUBLIC_IP for a private address, the
//     walk going on), then the gateway's edge table routes the packet, or
//     local delivery when it has none.
//   - NAT gateway: on the reply, dropped (REPLY_VIA_NAT_GATEWAY: it would
//     leave with the gateway's address as source); a protocol other than
//     TCP, UDP and ICMP is dropped (NAT_UNSUPPORTED_PROTOCOL); otherwise
//     the source becomes the gateway's private address, and
//     the packet is routed from the gateway's subnet. Firewall endpoint:
//     forwarded unchanged from the endpoint's subnet. Appliance interface:
//     a packet addressed to it has arrived; any other is forwarded
//     unchanged from its subnet.
//   - blackhole route: dropped (BLACKHOLE_ROUTE); no matching route:
//     NO_ROUTE.
//   - loop: forwarding depends on nothing but the point (route table or
//     middlebox) and the packet, so reaching a point a second time with the
//     same packet is a loop (ROUTING_LOOP, at that point); as the engine,
//     the walk also gives up after reachMaxSteps route lookups on a leg.
//
//   - peering connections, transit gateways, unmodelled targets and S3
//     gateway endpoints: see "The multi-VPC part of the reference" and
//     "Gateway endpoints" below.
//
// The reply starts from where the request arrived (an interface, the
// internet, or the service behind a gateway endpoint), reversed, and is
// walked the same way. A firewall endpoint crossed by the request but not by its
// reversed reply (or the other way round) is asymmetric routing, once the
// reply is traced. With every security group, network ACL and firewall
// rule allowing everything, routing alone decides: the session works when
// the request arrives and nothing on either leg blocks.

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
	stats    map[string]int // what the lookups met, for the test's coverage check
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
	n        *refNet
	reply    bool
	hops     []refHop
	points   []refPoint
	lookups  int
	nats     []refNAT // translations on this leg
	fwdNATs  []refNAT // on the reply: the request's translations
	arrived  bool
	at       string // the interface arrived at; "" for the internet
	service  string // the gateway endpoint whose service it arrived at
	pkt      flow.Flow
	calls    int
	crossing []int // indexes in hops of firewall endpoint crossings
}

func (l *refLeg) hop(kind reach.Kind, id string, pkt flow.Flow, code reach.Code) {
	l.hops = append(l.hops, refHop{kind: kind, id: id, pkt: pkt, code: code})
}

func (l *refLeg) arrive(iface string, pkt flow.Flow) {
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

// bestRoute tries every route of rt and keeps the longest match.
func (n *refNet) bestRoute(rt reach.RouteTable, dst netip.Addr) (reach.Route, bool) {
	routes := slices.Clone(rt.Routes)
	for _, c := range n.vpc(rt.VPC).CIDRs {
		if !slices.ContainsFunc(routes, func(r reach.Route) bool { return r.PrefixList == "" && r.Destination.Masked() == c.Masked() }) {
			routes = append(routes, reach.Route{Destination: c, Target: reach.TargetLocal})
		}
	}
	var best reach.Route
	bits := -1
	for _, r := range routes {
		ps := []netip.Prefix{r.Destination}
		if r.PrefixList != "" {
			ps = n.list(r.PrefixList)
		}
		for _, p := range ps {
			if !p.Masked().Contains(dst) {
				continue
			}
			if p.Bits() == bits && best.PrefixList != "" && r.PrefixList == "" {
				n.stats["a CIDR route beats a prefix list of equal length"]++
			}
			if p.Bits() > bits || (p.Bits() == bits && best.PrefixList != "" && r.PrefixList == "") {
				best, bits = r, p.Bits()
			}
		}
	}
	if bits >= 0 && best.Target != reach.TargetLocal && slices.Contains(n.vpc(rt.VPC).CIDRs, best.Destination) {
		n.stats["a middlebox replaces the local route"]++
	}
	return best, bits >= 0
}

// The walk.

// fromSubnet sends pkt on from subnet id.
func (l *refLeg) fromSubnet(pkt flow.Flow, id string) {
	if l.calls++; l.calls > 1000 {
		panic("the reference walks forever")
	}
	s := l.n.subnet(id)
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
	r, ok := l.n.bestRoute(rt, pkt.Dst.Addr())
	switch {
	case !ok:
		l.hop(reach.KindRouteTable, rt.ID, pkt, reach.NoRoute)
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
			l.crossing = append(l.crossing, len(l.hops))
			l.hop(reach.KindFirewall, r.TargetID, pkt, "")
			l.fromSubnet(pkt, l.n.endpointSubnet(r.TargetID))
		}
	case reach.TargetInterface:
		in := l.n.iface(r.TargetID)
		switch {
		case l.met(reach.KindInterface, in.ID, pkt):
		case slices.Contains(in.PrivateIPs, pkt.Dst.Addr()):
			l.arrive(in.ID, pkt)
		default:
			l.hop(reach.KindInterface, in.ID, pkt, "")
			l.fromSubnet(pkt, in.Subnet)
		}
	case reach.TargetPeering:
		l.viaPeering(pkt, rt.VPC, r.TargetID)
	case reach.TargetTransitGateway:
		l.viaTGW(pkt, rt.VPC, r.TargetID, from)
	case reach.TargetUnmodelled:
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
		if l.n.subnet(in.Subnet).VPC == vpc && slices.Contains(in.PrivateIPs, dst) {
			l.arrive(in.ID, pkt)
			return
		}
	}
	for _, g := range l.n.d.NATGateways {
		if l.n.subnet(g.Subnet).VPC != vpc || g.PrivateIP != dst {
			continue
		}
		if l.reply {
			for _, rec := range l.fwdNATs {
				if rec.id == g.ID {
					l.hop(reach.KindNATGateway, g.ID, pkt, "")
					pkt.Dst = rec.orig
					l.fromSubnet(pkt, g.Subnet)
					return
				}
			}
		}
		l.hop(reach.KindNATGateway, g.ID, pkt, reach.NATNoInbound)
		return
	}
	l.hop(reach.KindRouteTable, vpc, pkt, reach.UnknownDestination)
}

func (l *refLeg) viaNAT(pkt flow.Flow, g reach.NATGateway) {
	if l.met(reach.KindNATGateway, g.ID, pkt) {
		return
	}
	if !g.PrivateIP.Is4() || !pkt.Src.Addr().Is4() {
		l.hop(reach.KindNATGateway, g.ID, pkt, reach.NoRoute)
		return
	}
	if l.reply {
		l.hop(reach.KindNATGateway, g.ID, pkt, reach.ReplyViaNAT)
		return
	}
	if p := pkt.Protocol; p != flow.TCP && p != flow.UDP && p != flow.ICMP {
		l.hop(reach.KindNATGateway, g.ID, pkt, reach.NATUnsupportedProtocol)
		return
	}
	l.hop(reach.KindNATGateway, g.ID, pkt, "")
	l.nats = append(l.nats, refNAT{id: g.ID, orig: pkt.Src})
	pkt.Src = netip.AddrPortFrom(g.PrivateIP, pkt.Src.Port())
	l.fromSubnet(pkt, g.Subnet)
}

// isPublic reports whether a is a public address of the design (an
// interface's public IP or a NAT gateway's).
func (n *refNet) isPublic(a netip.Addr) bool {
	for _, in := range n.d.Interfaces {
		if _, ok := privateOf(in, a); ok {
			return true
		}
	}
	for _, g := range n.d.NATGateways {
		if g.PublicIP.IsValid() && g.PublicIP == a {
			return true
		}
	}
	return false
}

// publicOf is the public address mapped to the interface's private
// address a.
func publicOf(in reach.Interface, a netip.Addr) (netip.Addr, bool) {
	if in.PublicIP.IsValid() && firstV4(in) == a {
		return in.PublicIP, true
	}
	for _, p := range in.PublicIPs {
		if p.Private == a {
			return p.Public, true
		}
	}
	return netip.Addr{}, false
}

// privateOf is the interface's private address mapped to the public one.
func privateOf(in reach.Interface, public netip.Addr) (netip.Addr, bool) {
	if in.PublicIP.IsValid() && in.PublicIP == public {
		return firstV4(in), true
	}
	for _, p := range in.PublicIPs {
		if p.Public == public {
			return p.Private, true
		}
	}
	return netip.Addr{}, false
}

// notOnInternet reports whether the internet gateway refuses to send a
// packet to a.
func notOnInternet(a netip.Addr) bool {
	return a.IsPrivate() || netip.MustParsePrefix("100.64.0.0/10").Contains(a) || a.IsLoopback() || a.IsLinkLocalUnicast() || !a.IsGlobalUnicast()
}

func (l *refLeg) toInternet(pkt flow.Flow, vpc string) {
	igw, _ := l.n.igwOf(vpc) // the builder checks that a route's gateway is the VPC's
	src, dst := pkt.Src.Addr(), pkt.Dst.Addr()
	otherV6 := dst.Is6() && slices.ContainsFunc(l.n.d.Interfaces, func(in reach.Interface) bool {
		return slices.Contains(in.PrivateIPs, dst) && l.n.subnet(in.Subnet).VPC != vpc
	})
	back := l.n.isPublic(dst) || otherV6
	if !back && notOnInternet(dst) {
		l.hop(reach.KindInternetGateway, igw, pkt, reach.PrivateAddressOnInternet)
		return
	}
	var code reach.Code
	out := pkt
	if src.Is4() {
		var public netip.Addr
		for _, in := range l.n.d.Interfaces {
			if p, ok := publicOf(in, src); ok && l.n.subnet(in.Subnet).VPC == vpc {
				public = p
			}
		}
		for _, g := range l.n.d.NATGateways {
			if l.n.subnet(g.Subnet).VPC == vpc && g.PublicIP.IsValid() && (g.PrivateIP == src || engineKeepsNATPublicSource && g.PublicIP == src) {
				public = g.PublicIP
			}
		}
		if public.IsValid() {
			out.Src = netip.AddrPortFrom(public, pkt.Src.Port())
		} else {
			code = reach.NoPublicIP
		}
	}
	l.hop(reach.KindInternetGateway, igw, pkt, code)
	switch {
	case back:
		l.fromInternet(out)
	default:
		l.hop(reach.KindInternet, "internet", out, "")
		l.arrived, l.pkt = true, out
	}
}

func (l *refLeg) fromInternet(pkt flow.Flow) {
	dst := pkt.Dst.Addr()
	var vpc string
	var private netip.Addr
	for _, in := range l.n.d.Interfaces {
		p, public := privateOf(in, dst)
		switch {
		case public:
			vpc, private = l.n.subnet(in.Subnet).VPC, p
		case slices.Contains(in.PrivateIPs, dst):
			vpc = l.n.subnet(in.Subnet).VPC
			if dst.Is6() {
				private = dst
			}
		}
	}
	for _, g := range l.n.d.NATGateways {
		if g.PublicIP.IsValid() && g.PublicIP == dst {
			vpc, private = l.n.subnet(g.Subnet).VPC, g.PrivateIP
		}
	}
	if vpc == "" {
		l.hop(reach.KindInternet, "internet", pkt, reach.UnknownDestination)
		return
	}
	igw, ok := l.n.igwOf(vpc)
	if !ok {
		l.hop(reach.KindInternetGateway, vpc, pkt, reach.NoInternetGateway)
		return
	}
	src := pkt.Src.Addr()
	if src.Is4() && (src.IsPrivate() || netip.MustParsePrefix("100.64.0.0/10").Contains(src)) &&
		!slices.ContainsFunc(l.hops, func(h refHop) bool { return h.code != "" }) {
		l.hop(reach.KindInternetGateway, igw, pkt, reach.PrivateAddressOnInternet)
		return
	}
	var code reach.Code
	if !private.IsValid() {
		code, private = reach.NoPublicIP, dst
	}
	l.hop(reach.KindInternetGateway, igw, pkt, code)
	pkt.Dst = netip.AddrPortFrom(private, pkt.Dst.Port())
	if rt, ok := l.n.edgeTable(igw); ok {
		l.lookup(pkt, rt, "")
		return
	}
	l.local(pkt, vpc)
}

// refSession is the reference's answer: the routing hops of both legs and
// whether the session works.
type refSession struct {
	fwd, ret  []refHop
	reachable bool
	outcome   reach.Outcome
	elsewhere bool // the reply arrives, but not at the request's source
}

// undecided are the codes of hops whose answer the input does not hold:
// a session they meet is indeterminate unless another hop blocks for sure.
var undecided = []reach.Code{reach.UnmodelledTarget, reach.PeeringStatusUnknown, reach.TGWRoutesUnknown}

// refCheck walks f from the interface src ("" for a host on the internet)
// and back.
func (n *refNet) refCheck(f flow.Flow, src string) refSession {
	fw := &refLeg{n: n}
	if src != "" {
		fw.fromSubnet(f, n.iface(src).Subnet)
	} else {
		fw.fromInternet(f)
	}
	out := refSession{fwd: fw.hops}
	if !fw.arrived {
		out.decide(false)
		return out
	}
	rw := &refLeg{n: n, reply: true, fwdNATs: fw.nats}
	reply := fw.pkt.Reverse()
	switch {
	case fw.at != "":
		rw.fromSubnet(reply, n.iface(fw.at).Subnet)
	case fw.service != "":
		rw.fromService(reply, n.gatewayEndpoint(fw.service))
	default:
		rw.fromInternet(reply)
	}
	out.ret = rw.hops
	out.elsewhere = rw.arrived && rw.pkt.Dst != f.Src
	// Each reply crossing of an endpoint answers the request's crossing
	// of that endpoint whose packet it reverses; what is left over
	// crossed one way only.
	paired := map[int]bool{}
	for _, ri := range rw.crossing {
		rh := &out.ret[ri]
		j := slices.IndexFunc(fw.crossing, func(fi int) bool {
			fh := out.fwd[fi]
			return !paired[fi] && fh.id == rh.id && fh.pkt.Reverse() == rh.pkt
		})
		if j < 0 {
			rh.code = reach.AsymmetricRoute
			continue
		}
		paired[fw.crossing[j]] = true
	}
	for _, fi := range fw.crossing {
		if !paired[fi] {
			out.fwd[fi].code = reach.AsymmetricRoute
		}
	}
	out.decide(rw.arrived)
	return out
}

// decide sets the verdict and the outcome from the hops' codes; arrived
// says whether the reply arrived.
func (out *refSession) decide(arrived bool) {
	out.reachable = arrived
	certain, unsure := 0, 0
	for _, h := range slices.Concat(out.fwd, out.ret) {
		switch {
		case h.code == "":
		case slices.Contains(undecided, h.code):
			unsure++
		default:
			certain++
		}
		if h.code != "" {
			out.reachable = false
		}
	}
	switch {
	case certain > 0:
		out.outcome = reach.Unreachable
	case unsure > 0:
		out.outcome = reach.Indeterminate
	case arrived:
		out.outcome = reach.Reachable
	}
}

// routingHops projects an engine leg onto its routing hops, failing on a
// block of a layer the generated designs leave open.
func routingHops(leg []reach.Hop) ([]refHop, error) {
	var out []refHop
	for i, h := range leg {
		code := reach.Code(strings.TrimPrefix(string(h.Code), "RETURN_"))
		switch h.Kind {
		case reach.KindRouteTable, reach.KindInternetGateway, reach.KindNATGateway, reach.KindFirewall, reach.KindInterface, reach.KindInternet,
			reach.KindPeering, reach.KindTransitGateway, reach.KindUnmodelled, reach.KindGatewayEndpoint, reach.KindService:
			if h.Kind == reach.KindFirewall && code != "" && code != reach.AsymmetricRoute && code != reach.RoutingLoop {
				return nil, fmt.Errorf("%s hop %d: firewall %s blocks (%s) though its policy passes everything", h.Leg, i+1, h.ID, code)
			}
			out = append(out, refHop{kind: h.Kind, id: h.ID, pkt: h.Packet, code: code})
		case reach.KindSecurityGroups:
			if code != "" {
				return nil, fmt.Errorf("%s hop %d: security groups block (%s) though they allow everything", h.Leg, i+1, code)
			}
			if i == len(leg)-1 && h.Direction == flow.Inbound {
				out = append(out, refHop{kind: delivered, id: h.Name, pkt: h.Packet})
			}
		default:
			if code != "" {
				return nil, fmt.Errorf("%s hop %d: %s %s blocks (%s) though it allows everything", h.Leg, i+1, h.Kind, h.ID, code)
			}
		}
	}
	return out, nil
}

// openDesign is a random design of walk_random_test.go's generator with
// every security group, network ACL and firewall policy allowing
// everything, some routes to prefix lists, local routes whose target a
// middlebox replaced, and secondary private addresses, so that routing
// alone decides.
func openDesign(seed uint64) (n *refNet, srcs, dsts []netip.Addr) {
	// Even seeds: one or two VPCs as walk_random_test.go makes them; odd
	// seeds: two to four, joined by peerings and transit gateways.
	grng := rand.New(rand.NewPCG(seed, 10))
	multi := seed%2 == 1
	var g *walkGen
	if multi {
		g = randomWalkDesignN(grng, 2+grng.IntN(3))
	} else {
		g = randomWalkDesign(grng)
	}
	rng := rand.New(rand.NewPCG(seed, 11))
	d := g.d
	open := []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
	}
	for i := range d.Groups {
		d.Groups[i].Rules = slices.Clone(open)
	}
	for i := range d.Subnets {
		d.Subnets[i].ACL = "" // the VPC's default ACL, which allows everything
	}
	pass := stateless.DefaultAction{Action: flow.Forward}
	for i := range d.Firewalls {
		d.Firewalls[i].Policy = firewall.Policy{Name: "pass-all", Stateless: stateless.Config{Default: pass, FragmentDefault: pass},
			Stateful: stateful.Config{Order: stateful.DefaultActionOrder}}
	}
	n = &refNet{d: d}
	// Addresses a flow may use: every address in the design, addresses
	// inside a subnet that nothing owns, private and public ones outside;
	// a flow starts at an interface's private address or outside.
	addrs := []netip.Addr{netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("203.0.113.250"),
		netip.MustParseAddr("192.168.7.7"), netip.MustParseAddr("10.200.0.1")}
	for i := range d.Interfaces {
		in := &d.Interfaces[i]
		if rng.Float64() < 0.15 {
			a := in.PrivateIPs[0].As4()
			a[3] += 190
			in.PrivateIPs = append(in.PrivateIPs, netip.AddrFrom4(a))
			if rng.Float64() < 0.6 {
				// An Elastic IP on the secondary private address.
				in.PublicIPs = append(in.PublicIPs, reach.PublicIP{Private: netip.AddrFrom4(a), Public: netip.AddrFrom4([4]byte{192, 0, 2, byte(i)})})
			}
		}
		addrs = append(addrs, in.PrivateIPs...)
		srcs = append(srcs, in.PrivateIPs...)
		if in.PublicIP.IsValid() {
			addrs = append(addrs, in.PublicIP)
		}
		for _, p := range in.PublicIPs {
			addrs = append(addrs, p.Public)
		}
	}
	for _, ng := range d.NATGateways {
		addrs = append(addrs, ng.PrivateIP)
		if ng.PublicIP.IsValid() {
			addrs = append(addrs, ng.PublicIP)
		}
	}
	var subnets []netip.Prefix
	for _, s := range d.Subnets {
		a := s.CIDRs[0].Addr().As4()
		a[3] = 77
		addrs = append(addrs, netip.AddrFrom4(a))
		subnets = append(subnets, s.CIDRs[0])
	}
	// Prefix lists over the subnets and the outside, some entries nested
	// or equal to a CIDR route's destination, to try the tie rule.
	outside := []netip.Prefix{netip.MustParsePrefix("8.8.0.0/16"), netip.MustParsePrefix("8.0.0.0/8"), netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("203.0.113.240/28"), netip.MustParsePrefix("0.0.0.0/1")}
	for k := range 2 {
		l := reach.PrefixList{ID: fmt.Sprintf("pl-%d", k)}
		for range 1 + rng.IntN(3) {
			pool := outside
			if rng.Float64() < 0.5 {
				pool = subnets
			}
			if e := pool[rng.IntN(len(pool))]; !slices.Contains(l.Entries, e) {
				l.Entries = append(l.Entries, e)
			}
			if rng.Float64() < 0.3 {
				l.Entries = append(l.Entries, netip.PrefixFrom(subnets[rng.IntN(len(subnets))].Addr(), 16).Masked())
			}
		}
		n.lists = append(n.lists, l)
	}
	for i := range d.RouteTables {
		rt := &d.RouteTables[i]
		if len(rt.Routes) == 0 || rt.Gateways != nil {
			continue
		}
		// Retarget a copy of one of its routes: to a prefix list, or to
		// the VPC's own CIDR (a middlebox replacing local).
		r := rt.Routes[rng.IntN(len(rt.Routes))]
		switch {
		case r.Target == reach.TargetLocal:
		case rng.Float64() < 0.4:
			r.Destination, r.PrefixList = netip.Prefix{}, n.lists[rng.IntN(len(n.lists))].ID
			rt.Routes = append(rt.Routes, r)
		case rng.Float64() < 0.15 && (r.Target == reach.TargetInterface || r.Target == reach.TargetFirewallEndpoint):
			// AWS lets a network interface or a (firewall) endpoint
			// replace the local route's target.
			cidr := n.vpc(rt.VPC).CIDRs[0]
			if !slices.ContainsFunc(rt.Routes, func(x reach.Route) bool { return x.Destination == cidr }) {
				r.Destination = cidr
				rt.Routes = append(rt.Routes, r)
			}
		}
	}
	if multi {
		n.multiVPC(rng)
		addrs = append(addrs, n.gatewayEndpoints(rng)...)
	}
	srcs = append(srcs, addrs[:5]...)
	return n, srcs, addrs
}

func (n *refNet) build() (*reach.Model, error) {
	return n.d.Builder().AddPrefixList(n.lists...).AddPeering(n.peerings...).AddTransitGateway(n.tgws...).
		AddTGWRouteTable(n.tgwRTs...).AddTGWAttachment(n.tgwAtts...).AddGatewayEndpoint(n.gwEPs...).Build()
}

// randomFlow picks a flow between the design's addresses.
func randomFlow(rng *rand.Rand, srcs, dsts []netip.Addr) flow.Flow {
	src, dst := srcs[rng.IntN(len(srcs))], dsts[rng.IntN(len(dsts))]
	switch rng.IntN(4) {
	case 0:
		return flow.Flow{Protocol: flow.ICMP, Src: netip.AddrPortFrom(src, 0), Dst: netip.AddrPortFrom(dst, 0), ICMPType: flow.ICMPEchoRequest}
	case 1:
		return flow.Flow{Protocol: flow.UDP, Src: netip.AddrPortFrom(src, 40000), Dst: netip.AddrPortFrom(dst, 53)}
	}
	return flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(src, reach.DefaultSourcePort), Dst: netip.AddrPortFrom(dst, 443)}
}

// sourceIface is the interface whose private address src is, "" if none.
func (n *refNet) sourceIface(src netip.Addr) string {
	for _, in := range n.d.Interfaces {
		if slices.Contains(in.PrivateIPs, src) {
			return in.ID
		}
	}
	return ""
}

func TestRoutingWalkAgreesWithSlowReference(t *testing.T) {
	designs, flows := 400, 60
	if testing.Short() {
		designs = 80
	}
	start := time.Now()
	stats := map[string]int{}
	for seed := range uint64(designs) {
		n, srcs, dsts := openDesign(seed)
		n.stats = stats
		m, err := n.build()
		require.NoError(t, err, "seed %d: the generator makes valid designs", seed)
		rng := rand.New(rand.NewPCG(seed, 12))
		for range flows {
			f := randomFlow(rng, srcs, dsts)
			r, err := m.CheckFlow(f)
			if errors.Is(err, reach.ErrQuery) {
				stats["not a question (skipped)"]++
				continue
			}
			require.NoError(t, err, "seed %d: %s", seed, f)
			stats["checked"]++
			want := n.refCheck(f, n.sourceIface(f.Src.Addr()))
			fwd, err := routingHops(r.Forward)
			require.NoError(t, err, "seed %d: %s\n%s", seed, f, r.Text())
			ret, err := routingHops(r.Return)
			require.NoError(t, err, "seed %d: %s\n%s", seed, f, r.Text())
			explain := func(leg string) string {
				return fmt.Sprintf("seed %d, %s: the %s legs differ\nreference forward:\n  %s\nreference return:\n  %s\nengine:\n%s",
					seed, f, leg, hopLines(want.fwd), hopLines(want.ret), r.Text())
			}
			// Compared cheaply first: the messages cost more than the check.
			if !slices.Equal(want.fwd, fwd) {
				require.Equal(t, hopLines(want.fwd), hopLines(fwd), explain("forward"))
			}
			if !slices.Equal(want.ret, ret) {
				require.Equal(t, hopLines(want.ret), hopLines(ret), explain("return"))
			}
			if want.reachable != r.Reachable || want.outcome != r.Outcome {
				require.Equal(t, want.reachable, r.Reachable, explain("verdicts of the"))
				require.Equal(t, want.outcome, r.Outcome, explain("outcomes of the"))
			}
			elsewhere := slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.HasPrefix(w, "the reply arrives at") })
			if want.elsewhere != elsewhere {
				require.Equal(t, want.elsewhere, elsewhere, explain("reply ends of the"))
			}
			if elsewhere {
				stats["the reply arrives elsewhere"]++
			}
			if r.Reachable {
				stats["reachable"]++
				for _, k := range []reach.Kind{reach.KindPeering, reach.KindTransitGateway, reach.KindGatewayEndpoint} {
					if slices.ContainsFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == k }) {
						stats["reachable across a "+string(k)]++
					}
				}
			}
			stats["outcome "+r.Outcome.String()]++
			for _, h := range slices.Concat(want.fwd, want.ret) {
				if h.code != "" {
					stats[string(h.code)]++
				}
				if h.kind != reach.KindRouteTable {
					stats[string(h.kind)]++
				}
			}
			for _, h := range slices.Concat(r.Forward, r.Return) {
				if h.Kind == reach.KindRouteTable && strings.Contains(h.Rule, "pl-") {
					stats["prefix-list route"]++
				}
				if h.Kind == reach.KindInternetGateway && h.Code == "" && strings.Contains(h.Reason, "192.0.2.") {
					stats["an Elastic IP on a secondary private address"]++
				}
			}
		}
	}
	t.Logf("%d designs, %d flows each, in %s: %v", designs, flows, time.Since(start).Round(time.Millisecond), stats)
	for _, want := range []string{"reachable", "prefix-list route", "a CIDR route beats a prefix list of equal length", "a middlebox replaces the local route", string(reach.NoRoute), string(reach.BlackholeRoute), string(reach.RoutingLoop),
		string(reach.UnknownDestination), string(reach.NATNoInbound), string(reach.NoPublicIP), string(reach.PrivateAddressOnInternet),
		string(reach.ReplyViaNAT), "an Elastic IP on a secondary private address",
		string(reach.AsymmetricRoute), string(reach.KindNATGateway), string(reach.KindFirewall), string(reach.KindInterface),
		string(reach.KindInternetGateway), string(delivered),
		// Multi-VPC designs.
		string(reach.PeeringNotActive), string(reach.PeeringStatusUnknown), string(reach.PeeringAddressOutsideVPC),
		"peering: a source from outside the near VPC", "peering: no transit to a third VPC", "peering: no edge-to-edge",
		string(reach.TGWNoRoute), string(reach.TGWBlackholeRoute), string(reach.TGWNoAssociation), string(reach.TGWNoAttachmentInAZ),
		string(reach.TGWRoutesUnknown), string(reach.UnmodelledTarget), "a transit gateway route to a VPN attachment",
		string(reach.GatewayEndpointSource), string(reach.GatewayEndpointProtocol), string(reach.KindService),
		"a static TGW route beats a propagated one", "the zone is unknown: the attachment's first subnet",
		"reachable across a " + string(reach.KindPeering), "reachable across a " + string(reach.KindTransitGateway), "reachable across a " + string(reach.KindGatewayEndpoint),
		"outcome " + reach.Indeterminate.String(), "outcome " + reach.Unreachable.String(), "outcome " + reach.Reachable.String()} {
		require.Positive(t, stats[want], "the generated designs exercise %s", want)
	}
}

func hopLines(hs []refHop) string {
	lines := make([]string, len(hs))
	for i, h := range hs {
		lines[i] = h.String()
	}
	return strings.Join(lines, "\n  ")
}

// TestSlowRoutingReference pins the reference itself on a small design
// whose answers are worked out by hand (and checks that the engine gives
// them too): a more specific route wins, a CIDR route beats a prefix list
// of the same length, blackholes and missing routes stop the packet, an
// appliance forwards it, the internet gateway translates the source.
func TestSlowRoutingReference(t *testing.T) {
	pfx := netip.MustParsePrefix
	ip := netip.MustParseAddr
	d := &sample.Design{
		VPCs:             []reach.VPC{{ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.1.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-1"}},
		InternetGateways: []reach.InternetGatewaySpec{{ID: "igw-1", VPC: "vpc-1"}},
		RouteTables: []reach.RouteTable{
			{ID: "rtb-main", VPC: "vpc-1"},
			{ID: "rtb-a", VPC: "vpc-1", Routes: []reach.Route{
				{PrefixList: "pl-x", Target: reach.TargetBlackhole, TargetID: "eni-gone"},
				{Destination: pfx("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"},
				{Destination: pfx("10.1.1.0/24"), Target: reach.TargetInterface, TargetID: "eni-fw"},
				{Destination: pfx("10.1.1.10/32"), Target: reach.TargetLocal},
				{Destination: pfx("198.51.100.0/24"), Target: reach.TargetBlackhole, TargetID: "nat-gone"},
				{Destination: pfx("8.8.8.0/24"), Target: reach.TargetInternetGateway, TargetID: "igw-1"},
			}},
		},
		ACLs: []nacl.ACL{nacl.NewDefault("acl-1", "vpc-1", false)},
		Subnets: []reach.Subnet{
			{ID: "subnet-a", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.1.0.0/24")}, RouteTable: "rtb-a"},
			{ID: "subnet-b", VPC: "vpc-1", CIDRs: []netip.Prefix{pfx("10.1.1.0/24")}},
		},
		Groups: []sg.Group{{ID: "sg-open", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		}}},
		Interfaces: []reach.Interface{
			{ID: "eni-a", Subnet: "subnet-a", PrivateIPs: []netip.Addr{ip("10.1.0.10")}, PublicIP: ip("203.0.113.10"), Groups: []string{"sg-open"}},
			{ID: "eni-b", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ip("10.1.1.10")}, Groups: []string{"sg-open"}},
			{ID: "eni-fw", Subnet: "subnet-b", PrivateIPs: []netip.Addr{ip("10.1.1.20")}, Groups: []string{"sg-open"}},
		},
	}
	n := &refNet{d: d, lists: []reach.PrefixList{{ID: "pl-x", Entries: []netip.Prefix{pfx("8.8.8.0/24"), pfx("9.9.9.0/24")}}}, stats: map[string]int{}}
	m, err := n.build()
	require.NoError(t, err)
	tcp := func(src, dst string) flow.Flow {
		return flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(ip(src), 50000), Dst: netip.AddrPortFrom(ip(dst), 443)}
	}
	for _, tc := range []struct {
		name string
		f    flow.Flow
		want []string // the request's routing hops
		ok   bool
	}{
		{"a /32 local route beats the /24 to the appliance", tcp("10.1.0.10", "10.1.1.10"),
			[]string{"route-table rtb-a", "delivered eni-b"}, true},
		{"the /24 sends the rest of the subnet through the appliance", tcp("10.1.0.10", "10.1.1.11"),
			[]string{"route-table rtb-a", "network-interface eni-fw", "route-table vpc-1 UNKNOWN_DESTINATION"}, false},
		{"a packet to the appliance itself arrives there", tcp("10.1.0.10", "10.1.1.20"),
			[]string{"route-table rtb-a", "delivered eni-fw"}, true},
		{"a blackhole /24 beats the default route", tcp("10.1.0.10", "198.51.100.9"),
			[]string{"route-table rtb-a BLACKHOLE_ROUTE"}, false},
		{"a CIDR route beats a prefix list of the same length", tcp("10.1.0.10", "8.8.8.8"),
			[]string{"route-table rtb-a", "internet-gateway igw-1", "internet internet"}, true},
		{"the prefix list's other entry is a blackhole", tcp("10.1.0.10", "9.9.9.9"),
			[]string{"route-table rtb-a BLACKHOLE_ROUTE"}, false},
		{"the main table routes only the VPC", tcp("10.1.1.10", "8.8.8.8"),
			[]string{"route-table rtb-main NO_ROUTE"}, false},
		{"inside a subnet, no table at all", tcp("10.1.1.10", "10.1.1.20"),
			[]string{"delivered eni-fw"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := n.refCheck(tc.f, n.sourceIface(tc.f.Src.Addr()))
			short := make([]string, len(got.fwd))
			for i, h := range got.fwd {
				short[i] = strings.TrimSpace(fmt.Sprintf("%s %s %s", h.kind, h.id, h.code))
			}
			require.Equal(t, tc.want, short)
			require.Equal(t, tc.ok, got.reachable)
			r, err := m.CheckFlow(tc.f)
			require.NoError(t, err)
			fwd, err := routingHops(r.Forward)
			require.NoError(t, err)
			require.Equal(t, hopLines(got.fwd), hopLines(fwd), r.Text())
			require.Equal(t, tc.ok, r.Reachable, r.Text())
		})
	}
	internet := n.refCheck(tcp("10.1.0.10", "8.8.8.8"), "eni-a")
	require.Equal(t, ip("203.0.113.10"), internet.fwd[2].pkt.Src.Addr(), "the internet gateway translates the source to the public IP")
}

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
//     TGW_NO_ATTACHMENT_IN_AZ. Where the zone is unknown (the source
//     subnet's, or every attachment subnet's) the engine documents its
//     choice, which the reference follows: the attachment's first subnet.
//     The route table associated with that attachment decides
//     (TGW_NO_ASSOCIATION without one; TGW_ROUTES_UNKNOWN, undecided,
//     when its routes are not in the input): every static route and every
//     route an attachment propagates (each CIDR block of its VPC, unless
//     the table holds a propagated route for that block already) is tried,
//     the longest prefix wins and a static route beats a propagated one
//     of the same prefix; blackhole: TGW_BLACKHOLE_ROUTE; none:
//     TGW_NO_ROUTE. A table is a forwarding point like a VPC route table
//     (a loop when met again with the same packet; its lookups count
//     toward the bound). The packet leaves through the destination
//     attachment's subnet in the zone it entered by, else (the engine's
//     documented choice) its first subnet, and is routed from there by
//     that subnet; an attachment that is not a VPC's is an undecided hop
//     (UNMODELLED_TARGET).
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
	case slices.Contains(reach.PeeringStatuses, p.Status):
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

// tgwRoutes are the routes of t: its static ones and those the
// attachments propagate to it.
func (n *refNet) tgwRoutes(t reach.TGWRouteTable) []reach.TGWRoute {
	routes := slices.Clone(t.Routes)
	for _, a := range n.tgwAtts {
		if a.Type != "vpc" || a.TransitGateway != t.TransitGateway || !slices.Contains(a.Propagations, t.ID) {
			continue
		}
		for _, c := range n.vpc(a.VPC).CIDRs {
			if !slices.ContainsFunc(routes, func(r reach.TGWRoute) bool { return r.Propagated && r.Destination == c }) {
				routes = append(routes, reach.TGWRoute{Destination: c, Attachment: a.ID, Propagated: true})
			}
		}
	}
	return routes
}

// tgwBest tries every route of t for dst.
func (n *refNet) tgwBest(t reach.TGWRouteTable, dst netip.Addr) (reach.TGWRoute, bool) {
	var best reach.TGWRoute
	bits := -1
	for _, r := range n.tgwRoutes(t) {
		if !r.Destination.Contains(dst) {
			continue
		}
		b := r.Destination.Bits()
		if b > bits || b == bits && best.Propagated && !r.Propagated {
			best, bits = r, b
		}
	}
	if bits >= 0 && !best.Propagated && slices.ContainsFunc(n.tgwRoutes(t), func(r reach.TGWRoute) bool {
		return r.Propagated && r.Destination == best.Destination
	}) {
		n.stats["a static TGW route beats a propagated one"]++
	}
	return best, bits >= 0
}

// zoneSubnet is the attachment's subnet in zone az: the one in az, or,
// when az or all the attachment subnets' zones are unknown, the first.
func (n *refNet) zoneSubnet(a reach.TGWAttachment, az string) (string, bool) {
	known := false
	for _, id := range a.Subnets {
		z := n.subnet(id).AvailabilityZone
		known = known || z != ""
		if z != "" && z == az {
			return id, true
		}
	}
	if az == "" || !known {
		n.stats["the zone is unknown: the attachment's first subnet"]++
		return a.Subnets[0], true
	}
	return "", false
}

func (l *refLeg) viaTGW(pkt flow.Flow, vpc, tgw, from string) {
	att := l.n.vpcAttachment(tgw, vpc)
	az := ""
	if from != "" {
		az = l.n.subnet(from).AvailabilityZone
	}
	in, ok := l.n.zoneSubnet(att, az)
	if !ok {
		l.hop(reach.KindTransitGateway, att.ID, pkt, reach.TGWNoAttachmentInAZ)
		return
	}
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
	case !ok:
		l.hop(reach.KindTransitGateway, t.ID, pkt, reach.TGWNoRoute)
		return
	case r.Blackhole:
		l.hop(reach.KindTransitGateway, t.ID, pkt, reach.TGWBlackholeRoute)
		return
	}
	l.points = append(l.points, refPoint{reach.KindTransitGateway, t.ID, pkt})
	l.hop(reach.KindTransitGateway, t.ID, pkt, "")
	out := l.n.attachment(r.Attachment)
	if out.Type != "vpc" {
		l.n.stats["a transit gateway route to a VPN attachment"]++
		l.hop(reach.KindUnmodelled, out.ID, pkt, reach.UnmodelledTarget)
		return
	}
	zone := l.n.subnet(in).AvailabilityZone
	sub := out.Subnets[0]
	for _, id := range out.Subnets {
		if zone != "" && l.n.subnet(id).AvailabilityZone == zone {
			sub = id
			break
		}
	}
	l.n.stats["through a transit gateway"]++
	l.fromSubnet(pkt, sub)
}

// multiVPC adds to an open design of two to four VPCs what joins them:
// zones for the subnets, peering connections in random states between
// some pairs, one or two transit gateways with VPC attachments (and
// perhaps a VPN one), associations, propagations, static and blackhole
// routes, and VPC routes to pcx-…, tgw-… and unmodelled vgw-… targets,
// some replacing routes to the other VPCs' blocks.
func (n *refNet) multiVPC(rng *rand.Rand) {
	d := n.d
	chance := func(p float64) bool { return rng.Float64() < p }
	zones := []string{"az-a", "az-b", "az-c"}
	for i := range d.Subnets {
		if chance(0.9) {
			d.Subnets[i].AvailabilityZone = zones[rng.IntN(len(zones))]
		}
	}
	statuses := []string{reach.PeeringActive, reach.PeeringActive, reach.PeeringActive, "", "pending-acceptance", "deleted", "rejected", "expired", "vanishing"}
	for i, a := range d.VPCs {
		for _, b := range d.VPCs[i+1:] {
			if !chance(0.6) {
				continue
			}
			req, acc := a.ID, b.ID
			if chance(0.5) {
				req, acc = acc, req
			}
			n.peerings = append(n.peerings, reach.Peering{ID: fmt.Sprintf("pcx-%s-%s", a.ID, b.ID), RequesterVPC: req, AccepterVPC: acc,
				Status: statuses[rng.IntN(len(statuses))]})
		}
	}
	var cidrs, pool []netip.Prefix // VPC blocks; TGW and VPC route destinations
	for _, v := range d.VPCs {
		cidrs = append(cidrs, v.CIDRs...)
	}
	pool = slices.Clone(cidrs)
	for _, s := range d.Subnets {
		pool = append(pool, s.CIDRs[0])
	}
	pool = append(pool, netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("8.8.0.0/16"))
	for k := range 1 + rng.IntN(2) {
		n.transitGateway(rng, fmt.Sprintf("tgw-%d", k), cidrs, pool)
	}
	for i := range d.RouteTables {
		rt := &d.RouteTables[i]
		if rt.Gateways != nil {
			continue // an edge table routes only into its VPC
		}
		var targets []reach.Route
		for _, p := range n.peerings {
			if p.RequesterVPC == rt.VPC || p.AccepterVPC == rt.VPC {
				targets = append(targets, reach.Route{Target: reach.TargetPeering, TargetID: p.ID})
			}
		}
		for _, g := range n.tgws {
			if slices.ContainsFunc(n.tgwAtts, func(a reach.TGWAttachment) bool {
				return a.TransitGateway == g.ID && a.Type == "vpc" && a.VPC == rt.VPC
			}) {
				targets = append(targets, reach.Route{Target: reach.TargetTransitGateway, TargetID: g.ID}, reach.Route{Target: reach.TargetTransitGateway, TargetID: g.ID})
			}
		}
		targets = append(targets, reach.Route{Target: reach.TargetUnmodelled, TargetID: "vgw-" + rt.VPC, TargetType: "virtual private gateway"})
		for range 1 + rng.IntN(4) {
			dst := pool[rng.IntN(len(pool))]
			if chance(0.5) {
				dst = cidrs[rng.IntN(len(cidrs))]
			}
			if n.vpcContains(rt.VPC, dst.Addr()) {
				continue
			}
			r := targets[rng.IntN(len(targets))]
			r.Destination = dst
			setRoute(rt, r)
		}
	}
	n.transitTraps(rng)
}

// setRoute puts r in rt, in place of the route for the same CIDR if any.
func setRoute(rt *reach.RouteTable, r reach.Route) {
	if j := slices.IndexFunc(rt.Routes, func(x reach.Route) bool { return x.PrefixList == "" && x.Destination == r.Destination }); j >= 0 {
		rt.Routes[j] = r
	} else {
		rt.Routes = append(rt.Routes, r)
	}
}

// transitTraps sets up, now and then, the path AWS forbids: a transit
// gateway table sends a peer VPC's block to the attachment of the VPC
// on this side of a peering, whose attachment subnet routes it on across
// the peering, so that packets from a third VPC try to transit it.
func (n *refNet) transitTraps(rng *rand.Rand) {
	for i := range n.tgwRTs {
		t := &n.tgwRTs[i]
		if len(n.peerings) == 0 || rng.Float64() < 0.6 {
			continue
		}
		p := n.peerings[rng.IntN(len(n.peerings))]
		x, y := p.RequesterVPC, p.AccepterVPC
		if rng.Float64() < 0.5 {
			x, y = y, x
		}
		j := slices.IndexFunc(n.tgwAtts, func(a reach.TGWAttachment) bool {
			return a.TransitGateway == t.TransitGateway && a.Type == "vpc" && a.VPC == x
		})
		if j < 0 {
			continue
		}
		dst := n.vpc(y).CIDRs[0]
		t.Routes = slices.DeleteFunc(t.Routes, func(r reach.TGWRoute) bool { return r.Destination == dst })
		t.Routes = append(t.Routes, reach.TGWRoute{Destination: dst, Attachment: n.tgwAtts[j].ID})
		s := n.subnet(n.tgwAtts[j].Subnets[0])
		table := s.RouteTable
		if table == "" {
			table = n.vpc(x).MainRouteTable
		}
		k := slices.IndexFunc(n.d.RouteTables, func(rt reach.RouteTable) bool { return rt.ID == table })
		setRoute(&n.d.RouteTables[k], reach.Route{Destination: dst, Target: reach.TargetPeering, TargetID: p.ID})
	}
}

// transitGateway adds transit gateway id with its route tables and
// attachments to the design's VPCs.
func (n *refNet) transitGateway(rng *rand.Rand, id string, cidrs, pool []netip.Prefix) {
	chance := func(p float64) bool { return rng.Float64() < p }
	n.tgws = append(n.tgws, reach.TransitGateway{ID: id})
	var tables []string
	for k := range 1 + rng.IntN(2) {
		tables = append(tables, fmt.Sprintf("%s-rtb-%d", id, k))
	}
	var atts []string
	for _, v := range n.d.VPCs {
		if !chance(0.75) {
			continue
		}
		a := reach.TGWAttachment{ID: fmt.Sprintf("%s-attach-%s", id, v.ID), TransitGateway: id, Type: "vpc", VPC: v.ID}
		zones := map[string]bool{}
		everyZone := chance(0.7) // a subnet in each zone, as AWS advises; else some
		for _, s := range n.d.Subnets {
			if s.VPC != v.ID || !everyZone && !chance(0.5) {
				continue
			}
			if z := s.AvailabilityZone; z == "" || !zones[z] {
				zones[z] = true
				a.Subnets = append(a.Subnets, s.ID)
			}
		}
		if len(a.Subnets) == 0 {
			a.Subnets = []string{n.d.Subnets[slices.IndexFunc(n.d.Subnets, func(s reach.Subnet) bool { return s.VPC == v.ID })].ID}
		}
		n.tgwAtts = append(n.tgwAtts, a)
		atts = append(atts, a.ID)
	}
	if chance(0.5) {
		n.tgwAtts = append(n.tgwAtts, reach.TGWAttachment{ID: id + "-attach-vpn", TransitGateway: id, Type: "vpn"})
		atts = append(atts, id+"-attach-vpn")
	}
	for i := range n.tgwAtts {
		a := &n.tgwAtts[i]
		if a.TransitGateway != id {
			continue
		}
		if chance(0.9) {
			a.RouteTable = tables[rng.IntN(len(tables))]
		}
		for _, t := range tables {
			if a.Type == "vpc" && chance(0.6) {
				a.Propagations = append(a.Propagations, t)
			}
		}
	}
	for _, t := range tables {
		rt := reach.TGWRouteTable{ID: t, TransitGateway: id}
		for range rng.IntN(4) {
			r := reach.TGWRoute{Destination: pool[rng.IntN(len(pool))]}
			if chance(0.4) {
				r.Destination = cidrs[rng.IntN(len(cidrs))] // perhaps beside a propagated route
			}
			if slices.ContainsFunc(rt.Routes, func(x reach.TGWRoute) bool { return x.Destination == r.Destination }) {
				continue
			}
			if len(atts) == 0 || chance(0.25) {
				r.Blackhole = true
			} else {
				r.Attachment = atts[rng.IntN(len(atts))]
			}
			rt.Routes = append(rt.Routes, r)
		}
		if vpn := id + "-attach-vpn"; slices.Contains(atts, vpn) && chance(0.5) {
			// The usual way to an on-premises network: a default route
			// to the VPN attachment.
			def := netip.MustParsePrefix("0.0.0.0/0")
			rt.Routes = slices.DeleteFunc(rt.Routes, func(r reach.TGWRoute) bool { return r.Destination == def })
			rt.Routes = append(rt.Routes, reach.TGWRoute{Destination: def, Attachment: vpn})
		}
		if chance(0.08) {
			rt.Missing = "the routes of " + t + " (search-transit-gateway-routes)"
		}
		n.tgwRTs = append(n.tgwRTs, rt)
	}
}

// Gateway endpoints (S3), as gwendpoint.go states AWS's rules: a route by
// the service's prefix list sends the packet through the endpoint to the
// service, unchanged, when its source is an address of the endpoint's
// VPC (else VPCE_GATEWAY_SOURCE_OUTSIDE_VPC, the leg ends: an endpoint
// serves no peered VPC, transit gateway or VPN); traffic other than TCP
// and ICMP echo is blocked (VPCE_GATEWAY_PROTOCOL_RESTRICTION) and, as
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
	if !l.n.vpcContains(ep.VPC, pkt.Src.Addr()) {
		l.hop(reach.KindGatewayEndpoint, ep.ID, pkt, reach.GatewayEndpointSource)
		return
	}
	var code reach.Code
	if pkt.Protocol != flow.TCP && (pkt.Protocol != flow.ICMP || pkt.ICMPType != flow.ICMPEchoRequest) {
		code = reach.GatewayEndpointProtocol
	}
	l.hop(reach.KindGatewayEndpoint, ep.ID, pkt, code)
	l.hop(reach.KindService, ep.Service, pkt, "")
	l.arrived, l.pkt, l.service = true, pkt, ep.ID
}

func (l *refLeg) fromService(pkt flow.Flow, ep reach.GatewayEndpoint) {
	l.hop(reach.KindGatewayEndpoint, ep.ID, pkt, "")
	l.local(pkt, ep.VPC)
}

// gatewayEndpoints gives some VPCs an S3 gateway endpoint and routes to
// it by prefix list in some of their tables, now and then sends S3's
// addresses from the other VPCs through a transit gateway to such a VPC
// (which the endpoint refuses), and returns S3 addresses for flows to go
// to.
func (n *refNet) gatewayEndpoints(rng *rand.Rand) []netip.Addr {
	n.lists = append(n.lists, refS3List)
	for _, v := range n.d.VPCs {
		if rng.Float64() < 0.4 {
			continue
		}
		ep := reach.GatewayEndpoint{ID: "vpce-gw-" + v.ID, VPC: v.ID, Service: "com.amazonaws.us-east-1.s3", PrefixList: refS3List.ID}
		n.gwEPs = append(n.gwEPs, ep)
		for i := range n.d.RouteTables {
			if rt := &n.d.RouteTables[i]; rt.VPC == v.ID && rt.Gateways == nil && rng.Float64() < 0.6 {
				rt.Routes = append(rt.Routes, reach.Route{PrefixList: refS3List.ID, Target: reach.TargetGatewayEndpoint, TargetID: ep.ID})
			}
		}
	}
	s3 := refS3List.Entries[0]
	for i := range n.tgwRTs {
		t := &n.tgwRTs[i]
		j := slices.IndexFunc(n.tgwAtts, func(a reach.TGWAttachment) bool {
			return a.TransitGateway == t.TransitGateway && a.Type == "vpc" && slices.ContainsFunc(n.gwEPs, func(e reach.GatewayEndpoint) bool { return e.VPC == a.VPC })
		})
		if j < 0 || rng.Float64() < 0.5 {
			continue
		}
		att := n.tgwAtts[j]
		t.Routes = slices.DeleteFunc(t.Routes, func(r reach.TGWRoute) bool { return r.Destination == s3 })
		t.Routes = append(t.Routes, reach.TGWRoute{Destination: s3, Attachment: att.ID})
		for _, id := range att.Subnets {
			table := n.subnet(id).RouteTable
			if table == "" {
				table = n.vpc(att.VPC).MainRouteTable
			}
			rt := &n.d.RouteTables[slices.IndexFunc(n.d.RouteTables, func(rt reach.RouteTable) bool { return rt.ID == table })]
			if !slices.ContainsFunc(rt.Routes, func(r reach.Route) bool { return r.PrefixList == refS3List.ID }) {
				rt.Routes = append(rt.Routes, reach.Route{PrefixList: refS3List.ID, Target: reach.TargetGatewayEndpoint, TargetID: "vpce-gw-" + att.VPC})
			}
		}
		for k := range n.d.RouteTables {
			rt := &n.d.RouteTables[k]
			if rt.Gateways == nil && rt.VPC != att.VPC && rng.Float64() < 0.5 && slices.ContainsFunc(n.tgwAtts, func(a reach.TGWAttachment) bool {
				return a.TransitGateway == t.TransitGateway && a.Type == "vpc" && a.VPC == rt.VPC
			}) {
				setRoute(rt, reach.Route{Destination: s3, Target: reach.TargetTransitGateway, TargetID: t.TransitGateway})
			}
		}
	}
	return []netip.Addr{netip.MustParseAddr("52.217.1.1"), netip.MustParseAddr("3.5.0.9")}
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

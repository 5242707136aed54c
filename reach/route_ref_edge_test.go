package reach_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// The reference's NAT gateways, its internet edge, the session it answers
// and the projection of the engine's hops (route_ref_test.go holds its
// single-VPC routing).

// setBit sets bit i (0 the highest) of a.
func setBit(a netip.Addr, i int) netip.Addr {
	bs := a.AsSlice()
	bs[i/8] |= 0x80 >> (i % 8)
	out, _ := netip.AddrFromSlice(bs)
	return out
}

func (l *refLeg) viaNAT(pkt flow.Flow, g reach.NATGateway) {
	if l.met(reach.KindNATGateway, g.ID, pkt) {
		return
	}
	l.enter(pkt, g.Subnet)
	l.blind = true
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
	return a.IsPrivate() || netip.MustParsePrefix("100.64.0.0/10").Contains(a) || a.IsLoopback() || a.IsLinkLocalUnicast() || !a.IsGlobalUnicast() ||
		brute.NonGlobal4(a) || brute.NonGlobal6(a)
}

// privateSrc4 reports whether the internet gateway drops a packet from
// the internet with source a, an IPv4 address a host outside the design
// may send from privately: RFC 1918, shared 100.64.0.0/10 or another
// block IANA marks not globally reachable (brute.NonGlobal4).
func privateSrc4(a netip.Addr) bool {
	return a.Is4() && (a.IsPrivate() || netip.MustParsePrefix("100.64.0.0/10").Contains(a) || brute.NonGlobal4(a))
}

// offInternet is notOnInternet, or an address of a VPC's private IPv6
// block (VPC.PrivateIPv6).
func (n *refNet) offInternet(a netip.Addr) bool {
	return notOnInternet(a) || a.Is6() && slices.ContainsFunc(n.d.VPCs, func(v reach.VPC) bool {
		return slices.ContainsFunc(v.PrivateIPv6, func(p netip.Prefix) bool { return p.Contains(a) })
	})
}

// holdsAddr reports whether a is the interface's: one of its private
// addresses, or an address of a prefix delegated to it.
func holdsAddr(in reach.Interface, a netip.Addr) bool {
	return slices.Contains(in.PrivateIPs, a) || slices.ContainsFunc(in.DelegatedPrefixes, func(p netip.Prefix) bool { return p.Contains(a) })
}

func (l *refLeg) toInternet(pkt flow.Flow, vpc string) {
	l.leave(pkt)
	l.blind = true
	igw, _ := l.n.igwOf(vpc) // the builder checks that a route's gateway is the VPC's
	src, dst := pkt.Src.Addr(), pkt.Dst.Addr()
	otherV6 := dst.Is6() && !l.n.offInternet(dst) && slices.ContainsFunc(l.n.d.Interfaces, func(in reach.Interface) bool {
		return holdsAddr(in, dst) && l.n.subnet(in.Subnet).VPC != vpc
	})
	back := l.n.isPublic(dst) || otherV6
	if !back && l.n.offInternet(dst) {
		l.hop(reach.KindInternetGateway, igw, pkt, reach.PrivateAddressOnInternet)
		return
	}
	if !back && netip.MustParsePrefix("64:ff9b::/96").Contains(dst) {
		l.hop(reach.KindInternetGateway, igw, pkt, reach.NAT64NotTranslated) // only a NAT gateway translates NAT64
		return
	}
	if src.Is6() && l.n.offInternet(src) {
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
		if !public.IsValid() && !l.reply && l.appliance != "" {
			// a NAT instance may translate it: from its public address
			ap := l.n.iface(l.appliance)
			if _, p := natAddressOf(ap); l.n.subnet(ap.Subnet).VPC == vpc {
				public, code = p, reach.ApplianceTranslationUnknown
				l.natInst = &refNAT{id: ap.ID, orig: pkt.Src}
				l.skipFor("a NAT instance")
			}
		}
		if public.IsValid() {
			out.Src = netip.AddrPortFrom(public, pkt.Src.Port())
		} else {
			code = reach.NoPublicIP
		}
		if code == reach.NoPublicIP && slices.ContainsFunc(l.n.d.NATGateways, func(g reach.NATGateway) bool { return g.Private && natPrivateAddr(g, src) }) {
			// the internet gateway drops a private NAT gateway's
			// traffic: nothing is delivered, no reply exists
			l.hop(reach.KindInternetGateway, igw, pkt, code)
			return
		}
	}
	l.hop(reach.KindInternetGateway, igw, pkt, code)
	inVPC := slices.ContainsFunc(l.n.d.VPCs, func(v reach.VPC) bool {
		return slices.ContainsFunc(v.CIDRs, func(p netip.Prefix) bool { return p.Contains(dst) })
	})
	owned := l.n.anyHolds(dst)
	switch {
	case back:
		l.fromInternet(out)
	case inVPC && !owned && l.n.prefixesUnknownAt(dst, l.n.vpcHolding(dst)):
		l.hop(reach.KindInternet, "internet", out, reach.DelegatedPrefixesUnknown)
	case inVPC && !owned:
		l.hop(reach.KindInternet, "internet", out, reach.UnknownDestination)
	default:
		l.hop(reach.KindInternet, "internet", out, "")
		l.arrived, l.pkt = true, out
	}
}

// natPrivateAddr reports whether a is one of g's private addresses.
func natPrivateAddr(g reach.NATGateway, a netip.Addr) bool {
	return g.PrivateIP == a || slices.ContainsFunc(g.Secondary, func(s reach.NATAddress) bool { return s.PrivateIP == a })
}

func (l *refLeg) fromInternet(pkt flow.Flow) {
	l.cur, l.blind = "", true
	dst := pkt.Dst.Addr()
	var vpc string
	var private netip.Addr
	denyIGW := false // the destination is an interface whose DenyAllIGWTraffic is set
	holder := ""     // the subnet of the interface whose own address dst is
	holderID := ""   // and that interface
	for _, in := range l.n.d.Interfaces {
		p, public := privateOf(in, dst)
		switch {
		case public:
			vpc, private, denyIGW = l.n.subnet(in.Subnet).VPC, p, in.DenyAllIGWTraffic
		case holdsAddr(in, dst):
			vpc, denyIGW, holder, holderID = l.n.subnet(in.Subnet).VPC, in.DenyAllIGWTraffic, in.Subnet, in.ID
			if dst.Is6() {
				private = dst
			}
		}
	}
	// A request from a private host outside the design (RFC 1918, shared
	// or other non-global IPv4, unique local or non-global IPv6), or from a public one
	// (a global unicast address of neither kind), to an interface's own
	// address may come in privately: where the way back to it (the reply,
	// walked from the interface's subnet) ends undecided, the request
	// ends there, undecided too, and the interface's security groups
	// judge it whichever way it came (judgedAt; open in these designs).
	// Its network ACLs are not judged.
	src := pkt.Src.Addr()
	privateSrc := privateSrc4(src) ||
		src.Is6() && (src.IsPrivate() || brute.NonGlobal6(src))
	if holder != "" && !l.reply && len(l.hops) == 0 && (privateSrc || src.IsGlobalUnicast()) {
		back := &refLeg{n: l.n.unfiltered(), reply: true}
		back.fromSubnet(pkt.Reverse(), holder)
		if back.forked {
			l.skipFor("the way back to a source outside crosses an instance of several interfaces")
		}
		if n := len(back.hops); !back.arrived && n > 0 && slices.Contains(undecided, back.hops[n-1].code) {
			if privateSrc {
				l.n.stats["a private source that may come in privately"]++
			} else {
				l.n.stats["a public source that may come in privately"]++
			}
			l.hop(back.hops[n-1].kind, back.hops[n-1].id, pkt, back.hops[n-1].code)
			l.hop(judgedAt, holderID, pkt, "")
			l.skipFor("a request that may come in privately")
			return
		}
	}
	for _, g := range l.n.d.NATGateways {
		if g.PublicIP.IsValid() && g.PublicIP == dst {
			vpc, private = l.n.subnet(g.Subnet).VPC, g.PrivateIP
		}
	}
	if vpc == "" {
		for _, g := range l.n.d.NATGateways {
			if natPrivateAddr(g, dst) {
				// a NAT gateway takes no connection from outside
				l.hop(reach.KindNATGateway, g.ID, pkt, reach.NATNoInbound)
				return
			}
		}
		code := reach.UnknownDestination
		if in := l.n.vpcHolding(dst); in != "" && l.n.prefixesUnknownAt(dst, in) {
			code = reach.DelegatedPrefixesUnknown
		}
		l.hop(reach.KindInternet, "internet", pkt, code)
		return
	}
	igw, ok := l.n.igwOf(vpc)
	if !ok {
		l.hop(reach.KindInternetGateway, vpc, pkt, reach.NoInternetGateway)
		return
	}
	if privateSrc4(src) &&
		!slices.ContainsFunc(l.hops, func(h refHop) bool { return h.code != "" }) {
		l.hop(reach.KindInternetGateway, igw, pkt, reach.PrivateAddressOnInternet)
		return
	}
	if private == dst && l.n.offInternet(dst) {
		l.hop(reach.KindInternetGateway, igw, pkt, reach.PrivateAddressOnInternet)
		return
	}
	var code reach.Code
	if !private.IsValid() {
		code, private = reach.NoPublicIP, dst
	}
	if code == "" && denyIGW {
		code = reach.DenyAllIGWTraffic // undecided on the reply (decide)
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
	fwd, ret []refHop
	// the filter reference's (filter_ref_test.go): the judgements of
	// each leg and why it cannot answer ("" when it can)
	fwdF, retF []refFilt
	skip       string
	reachable  bool
	outcome    reach.Outcome
	elsewhere  bool // the reply arrives, but not at the request's source
	back       bool // the reply arrived (decide's argument)
}

// undecided are the codes of hops whose answer the input does not hold:
// a session they meet is indeterminate unless another hop blocks for sure.
var undecided = []reach.Code{reach.UnmodelledTarget, reach.PeeringStatusUnknown, reach.TGWRoutesUnknown, reach.TGWPropagationUnknown, reach.TGWEntryZoneUnknown, reach.TGWExitZoneUnknown, reach.TGWIPv6Unsupported, reach.RouteTie, reach.RouteIndeterminate,
	reach.SourceDestCheckUnknown, reach.DelegatedPrefixesUnknown, reach.ApplianceTranslationUnknown, reach.GatewayEndpointIPTypeUnknown}

// refCheck walks f from the interface src ("" for a host on the internet)
// and back.
func (n *refNet) refCheckOnce(f flow.Flow, src string) refSession {
	fw := &refLeg{n: n}
	if src != "" {
		if n.filtered {
			fw.cur = n.iface(src).Subnet
			fw.groups(src, f, flow.Outbound)
		}
		fw.fromSubnet(f, n.iface(src).Subnet)
	} else {
		fw.fromInternet(f)
	}
	out := refSession{fwd: fw.hops, fwdF: fw.filts, skip: fw.skip}
	if !fw.arrived {
		out.decide(false)
		return out
	}
	rw := &refLeg{n: n, reply: true, fwdNATs: fw.nats, fwdNatInst: fw.natInst, fwdMet: fw.sgMet}
	reply := fw.pkt.Reverse()
	switch {
	case fw.at != "":
		if n.filtered {
			rw.cur = n.iface(fw.at).Subnet
			rw.groups(fw.at, reply, flow.Outbound)
		}
		rw.fromSubnet(reply, n.iface(fw.at).Subnet)
	case fw.service != "":
		rw.fromService(reply, n.gatewayEndpoint(fw.service))
	default:
		rw.fromInternet(reply)
	}
	out.ret, out.retF = rw.hops, rw.filts
	if out.skip == "" {
		out.skip = rw.skip
	}
	out.elsewhere = rw.arrived && rw.pkt.Dst != f.Src
	// Each reply crossing of an endpoint answers the request's crossing
	// of that endpoint whose packet it reverses; what is left over
	// crossed one way only: a certain drop for TCP (the stateful engine
	// has no state for it), while the packet of a connectionless protocol
	// opens a flow of its own, which the pass-all policy passes.
	oneWayCode := reach.Code("")
	if f.Protocol == flow.TCP {
		oneWayCode = reach.AsymmetricRoute
	}
	paired := map[int]bool{}
	for _, ri := range rw.crossing {
		rh := &out.ret[ri]
		j := slices.IndexFunc(fw.crossing, func(fi int) bool {
			fh := out.fwd[fi]
			return !paired[fi] && fh.id == rh.id && fh.pkt.Reverse() == rh.pkt
		})
		if j < 0 {
			rh.code = oneWayCode
			continue
		}
		paired[fw.crossing[j]] = true
	}
	for _, fi := range fw.crossing {
		if !paired[fi] {
			out.fwd[fi].code = oneWayCode
		}
	}
	out.back = rw.arrived
	out.decide(rw.arrived)
	return out
}

// decide sets the verdict and the outcome from the hops' codes; arrived
// says whether the reply arrived.
func (out *refSession) decide(arrived bool) {
	out.reachable = arrived
	certain, unsure := 0, 0
	for _, f := range slices.Concat(out.fwdF, out.retF) {
		switch f.code {
		case "":
		case reach.SGIndeterminate:
			unsure++
		default:
			certain++
		}
		if f.code != "" {
			out.reachable = false
		}
	}
	for i, h := range slices.Concat(out.fwd, out.ret) {
		switch {
		case h.code == "":
		case slices.Contains(undecided, h.code), h.code == reach.DenyAllIGWTraffic && i >= len(out.fwd):
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
			switch {
			case (i == 1 || i == 2 && leg[1].Kind == reach.KindNetworkACL) && i == len(leg)-1 && h.Direction == flow.Inbound && h.Leg == reach.Forward && leg[0].Code != "" && leg[0].Undecided():
				out = append(out, refHop{kind: judgedAt, id: h.Name, pkt: h.Packet}) // the way in undecided
			case i == len(leg)-1 && h.Direction == flow.Inbound:
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

// mayTranslate records appliance in, which forwarded another's packet,
// as the one that may translate it at the internet gateway (a NAT
// instance) when it has a public IPv4 address.
func (l *refLeg) mayTranslate(in reach.Interface) {
	if _, p := natAddressOf(in); p.IsValid() {
		l.appliance = in.ID
	}
}

// natAddressOf is the first private IPv4 address of in that has a public
// one, and that public address.
func natAddressOf(in reach.Interface) (private, public netip.Addr) {
	for _, a := range in.PrivateIPs {
		if p, ok := publicOf(in, a); ok && a.Is4() {
			return a, p
		}
	}
	return netip.Addr{}, netip.Addr{}
}

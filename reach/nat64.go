package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// NAT64 at NAT gateways.
//
// A NAT gateway (public or private) translates IPv6 to IPv4 for packets
// to the well-known prefix 64:ff9b::/96 that a route sends to it
// (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html):
// the source becomes the NAT gateway's private IPv4 address, the
// destination the IPv4 address its last 32 bits hold (64:ff9b::5db8:d822
// is 93.184.216.34), and the packet goes on as IPv4 from the NAT
// gateway's subnet, as the IPv4 traffic it translates does (to the
// internet gateway, which maps it to the Elastic IP, for a public one;
// within the VPC, a peering or a transit gateway for a private one). The
// reply is translated back: its IPv4 source into the prefix, its
// destination to the IPv6 source. TCP and UDP are translated; ICMPv6
// (echo to ICMP echo) is not modelled, an undecided hop. IPv6 to any
// other destination is no NAT gateway's ([NoRoute]). A packet for the
// prefix that a route sends to an internet gateway or an egress-only
// one instead goes nowhere: those forward IPv6 unchanged, and nothing
// on the internet translates it ([NAT64NotTranslated]). But a packet
// for the prefix that an appliance forwarded on its way there (a route's
// target interface with an IPv4 address, its source/destination check
// off or unknown) may have been translated by it: a NAT64 instance
// (Jool, Tayga on an EC2 instance) does what a NAT gateway does, and the
// input holds no instance configuration. When the appliance's subnet's
// routes alone doom the unchanged packet (nat64Doomed), the walk forks
// at the appliance: its hop is undecided ([ApplianceTranslationUnknown],
// nat64Appliance), as for the IPv4 NAT instance, and the walk goes on as
// the translated packet would, the IPv6 packet's own egress (the
// appliance's groups, its subnet's route and ACL) judging nothing: a
// NAT64 instance never sends it on. Otherwise both possibilities are
// walked, each on its own (nat64_fork.go), and the answer is the one
// both give, or Indeterminate, the appliance's hop undecided, when they
// differ; on the unchanged packet's walk a gateway it reaches
// untranslated is [NAT64NotTranslated].

// nat64Prefix is the well-known NAT64 prefix (RFC 6052).
var nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")

// nat64Embedded returns the IPv4 address that a of nat64Prefix holds in
// its last 32 bits.
func nat64Embedded(a netip.Addr) netip.Addr {
	b := a.As16()
	return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
}

// nat64Address returns the address of nat64Prefix that holds the IPv4
// address a.
func nat64Address(a netip.Addr) netip.Addr {
	b, v4 := nat64Prefix.Addr().As16(), a.As4()
	copy(b[12:], v4[:])
	return netip.AddrFrom16(b)
}

// nat64Untranslated is hop h of an internet gateway or an egress-only
// one (gw words which) that a packet for the NAT64 prefix reaches: AWS
// translates such a packet only at a NAT gateway a route for the prefix
// sends it to ("You will then need to route this traffic through the NAT
// gateway, which performs the necessary translation":
// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html);
// the gateway forwards IPv6 unchanged, and nothing on the internet
// routes the prefix back to a translator. table is the route table the
// fix names ("" when the source's is not known).
//
// On the reply leg (leg), the packet answers a session opened from
// outside by a source in the prefix: no route makes that work, since a
// NAT gateway accepts no session opened from outside ("external services
// can't initiate a connection with those instances":
// https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html),
// and would send the reply as a new IPv4 packet from its own address if
// it did; the fix says so, and names the alternative: the IPv4 host the
// source stands for connects over IPv4.
func nat64Untranslated(h Hop, gw, table string, leg Leg) Hop {
	dst := h.Packet.Dst.Addr()
	h.Verdict, h.Code, h.judge = flow.Deny, NAT64NotTranslated, nil
	h.reason = fmt.Sprintf("%s is in the NAT64 prefix %s (the IPv4 address %s, as DNS64 writes it): only a NAT gateway translates it, and %s forwards IPv6 unchanged, so the packet reaches no host",
		dst, nat64Prefix, nat64Embedded(dst), gw)
	if leg == Return {
		h.Fix = fmt.Sprintf("no change in the VPC makes a session opened from outside by %s work: a reply to an address of %s reaches no host, and a NAT gateway, the only translator, accepts no session opened from outside it (a route for %s to one would not help); %s, the IPv4 host the address stands for, should connect over IPv4 instead (to a public IPv4 address of the destination)",
			dst, nat64Prefix, nat64Prefix, nat64Embedded(dst))
		return h
	}
	if table == "" {
		table = "the source subnet's route table"
	}
	h.Fix = fmt.Sprintf("add a route for %s to a NAT gateway to %s (the NAT gateway translates to %s), or connect to %s over IPv4",
		nat64Prefix, table, nat64Embedded(dst), nat64Embedded(dst))
	return h
}

// sourceTable is the route table of the subnet of the interface that
// holds a, or "".
func (m *Model) sourceTable(a netip.Addr) string {
	if ii, ok := m.ifaceByAddr(a); ok && ii.subnet.rt != nil {
		return ii.subnet.rt.ID
	}
	return ""
}

// nat64ICMP is the hop of a NAT gateway that an ICMPv6 packet to the
// NAT64 prefix reaches: its translation to ICMP is not modelled.
func nat64ICMP(pkt flow.Flow, ni *natInfo) Hop {
	return Hop{Kind: KindNATGateway, ID: ni.ID, Name: ni.Name, Packet: pkt, Verdict: flow.Indeterminate, Code: UnmodelledTarget,
		reason:  fmt.Sprintf("%s translates IPv6 to IPv4 for %s (NAT64); its translation of ICMPv6 to ICMP is not modelled", ni.ID, nat64Prefix),
		Missing: "what the NAT gateway's NAT64 does with this ICMPv6 message (reachsim models NAT64 for TCP and UDP only)",
		Fix:     fmt.Sprintf("check with TCP or UDP, or ping %s over IPv4 from an instance that has an IPv4 address", nat64Embedded(pkt.Dst.Addr()))}
}

// nat64Judge: a NAT gateway translates an IPv6 packet to IPv4 (NAT64).
type nat64Judge struct{ ni *natInfo }

func (j nat64Judge) reason(h *Hop) string {
	return "NAT64: source " + h.Packet.Src.Addr().String() + " translated to " + j.ni.PrivateIP.String() +
		" (the NAT gateway's private address; " + natPortWords(h.Packet.Protocol) + "), destination " +
		h.Packet.Dst.Addr().String() + " to " + nat64Embedded(h.Packet.Dst.Addr()).String() + " (the IPv4 address it holds)"
}

func (nat64Judge) details(*Hop) []string { return nil }

// natICMPError makes h, the hop of NAT gateway ni that an ICMP error
// message of no session it tracks reaches, undecided: whether the gateway
// translates one is not documented (AWS says a NAT gateway carries ICMP;
// RFC 5508, REQ-3, has a NAT drop an error message it holds no mapping
// for).
func natICMPError(h Hop, ni *natInfo) Hop {
	h.Verdict, h.Code, h.judge = flow.Indeterminate, NATICMPErrorUnknown, nil
	h.reason = fmt.Sprintf("%s is an ICMP error message of no session NAT gateway %s tracks: whether the gateway translates one is not documented", h.Packet.Traffic(), ni.ID)
	h.Missing = "what NAT gateway " + ni.ID + " does with an ICMP error message of no session it tracks (AWS does not say; RFC 5508 has a NAT drop it)"
	h.Fix = "ask about the session the message would report on (an echo request, or the TCP or UDP session)"
	return h
}

// nat64Appliance is hop h of appliance ap, which forwarded pkt, an IPv6
// request for the NAT64 prefix, when its subnet's routes alone doom the
// unchanged packet (nat64Doomed; unchanged words what happens to it
// then). But ap may be a NAT64 instance, which the input cannot say: the
// hop is undecided ([ApplianceTranslationUnknown]). With walkOn (TCP and
// UDP, whose translation is modelled), the walk goes on as the
// translated packet would (nat64Translate). Otherwise the walk ends at
// the undecided hop.
//
// A NAT64 instance terminates the IPv6 packet (RFC 6146), so the
// appliance's outbound groups, its subnet's route for the IPv6 packet
// and its subnet's outbound ACL never judge that packet, only the IPv4
// one. When the unchanged packet may get somewhere (e.g. to a NAT
// gateway) the walk forks instead (nat64Choice, nat64_fork.go).
func (w *walker) nat64Appliance(h Hop, pkt flow.Flow, ap *ifaceInfo, walkOn bool, unchanged string) arrival {
	dst := pkt.Dst.Addr()
	h.Verdict, h.Code, h.judge = flow.Indeterminate, ApplianceTranslationUnknown, nil
	if w.explain {
		h.reason = fmt.Sprintf("%s is in the NAT64 prefix %s (the IPv4 address %s, as DNS64 writes it): unchanged, %s; but appliance %s may translate it (a NAT64 instance) and send it on as IPv4 from %s to %s",
			dst, nat64Prefix, nat64Embedded(dst), unchanged, ap.label(), nat64Source(ap), nat64Embedded(dst))
		if walkOn {
			h.reason += ", routed from " + ap.subnet.ID + ": the walk goes on as that packet would"
		} else {
			h.reason += fmt.Sprintf("; the translated packet is not walked (the translation of %s is not modelled)", pkt.Protocol)
		}
		h.Missing, h.Fix = nat64ApplianceMissing(ap), nat64ApplianceFix(ap, dst)
	}
	if !walkOn {
		return w.stop(h)
	}
	w.add(h)
	return w.nat64Translate(pkt, ap)
}

// nat64ApplianceMissing is the Missing of an undecided hop of appliance
// ap that may translate a packet for the NAT64 prefix.
func nat64ApplianceMissing(ap *ifaceInfo) string {
	return fmt.Sprintf("whether appliance %s translates IPv6 to IPv4 for %s (a NAT64 instance's operating system does; the input holds no instance configuration)", ap.ID, nat64Prefix)
}

// nat64ApplianceFix is the Fix of an undecided hop of appliance ap that
// may translate a packet for dst, of the NAT64 prefix.
func nat64ApplianceFix(ap *ifaceInfo, dst netip.Addr) string {
	return fmt.Sprintf("route %s to a NAT gateway instead of %s (its NAT64 is in the design), or connect to %s over IPv4", nat64Prefix, ap.ID, nat64Embedded(dst))
}

// nat64Source is the IPv4 address appliance ap sends a packet it
// translates from: the one with a public address, if any.
func nat64Source(ap *ifaceInfo) netip.Addr {
	private, _ := ap.natAddress()
	if !private.IsValid() {
		private, _ = ap.addr(false)
	}
	return private
}

// nat64Translate walks on pkt, an IPv6 request (TCP or UDP) for the NAT64
// prefix, as appliance ap would send it if it translates it (a NAT64
// instance): IPv4 from ap's address (nat64Source) to the address the
// prefix holds, checked by ap's security groups and routed from ap's
// subnet; the reply comes back to ap, which translates it back
// (natInstanceReply).
func (w *walker) nat64Translate(pkt flow.Flow, ap *ifaceInfo) arrival {
	private := nat64Source(ap)
	w.natInstance = &natInstanceRecord{ii: ap, orig: pkt.Src, private: private, nat64: true}
	pkt.Src = netip.AddrPortFrom(private, pkt.Src.Port())
	pkt.Dst = netip.AddrPortFrom(nat64Embedded(pkt.Dst.Addr()), pkt.Dst.Port())
	w.embed64(true)
	w.securityGroups(pkt, ap, flow.Outbound)
	return w.route(pkt, ap.subnet)
}

// nat64Doomed reports whether pkt, an IPv6 request for the NAT64 prefix
// that an appliance in subnet s forwards unchanged, fails for certain by
// the routes alone, whatever the filters: s's table has no route for it,
// a blackhole one, or one to the internet gateway or an egress-only one,
// which forward IPv6 unchanged (nat64Untranslated), perhaps through
// firewall endpoints first (each forwards it unchanged from its own
// subnet). Filters only ever stop a packet, so the decision does not
// depend on the ports (Ports walks one path for all of them). Any other
// route (a NAT gateway, which translates it, another appliance, a
// peering, a transit gateway...) may get it somewhere. With explain,
// words says what becomes of the packet.
func (m *Model) nat64Doomed(pkt flow.Flow, s *subnetInfo, explain bool) (words string, doomed bool) {
	return m.nat64DoomedFrom(pkt, s, explain, 0)
}

// nat64DoomedFrom is nat64Doomed after depth firewall endpoints.
func (m *Model) nat64DoomedFrom(pkt flow.Flow, s *subnetInfo, explain bool, depth int) (words string, doomed bool) {
	dst, rt := pkt.Dst.Addr(), s.rt
	if rt == nil || s.contains(dst) || depth > maxSteps || len(s.maybe) > 0 {
		return "", false
	}
	cr, via, ok := rt.lookup(dst)
	if len(rt.unknown) > 0 && rt.unknownRoute(dst, cr, ok) != nil {
		return "", false // a route the input does not hold may decide
	}
	switch {
	case !ok:
		if explain {
			words = rt.ID + " (the table of " + s.ID + ") has no route for it"
		}
		return words, true
	case cr.tied != nil:
		return "", false
	case cr.Target == TargetBlackhole:
		if explain {
			words = "route " + routeDest(cr, via) + " of " + rt.ID + " (the table of " + s.ID + ") is a blackhole"
		}
		return words, true
	case cr.Target == TargetInternetGateway && rt.vpc.igw != nil && !m.backIn(dst, rt.vpc):
		if explain {
			words = "route " + routeDest(cr, via) + " of " + rt.ID + " (the table of " + s.ID + ") sends it to the internet gateway " + cr.TargetID + ", which forwards IPv6 unchanged, and nothing translates it"
		}
		return words, true
	case cr.Target == TargetEgressOnlyInternetGateway && !m.backIn(dst, rt.vpc):
		if explain {
			words = "route " + routeDest(cr, via) + " of " + rt.ID + " (the table of " + s.ID + ") sends it to the egress-only internet gateway " + cr.TargetID + ", which forwards IPv6 unchanged, and nothing translates it"
		}
		return words, true
	case cr.Target == TargetFirewallEndpoint:
		ei := m.endpoints[cr.TargetID]
		if ei == nil {
			return "", false
		}
		if then, doomed := m.nat64DoomedFrom(pkt, ei.subnet, explain, depth+1); doomed {
			if explain {
				words = "route " + routeDest(cr, via) + " of " + rt.ID + " (the table of " + s.ID + ") sends it through firewall endpoint " + ei.ID + ", then " + then
			}
			return words, true
		}
	}
	return "", false
}

// embed64 starts (on) or ends the walk's translated stretch for its
// bounds: from a NAT64 translation of the request (a NAT gateway's, or
// an appliance's that may be one) to the end of the walk, the request's
// IPv4 destination is the address the IPv6 one holds, and on the reply,
// until the translation back, its IPv4 source is; so the edges the
// filters beyond the translation give for that field are recorded as
// their images in nat64Prefix ([flow.Bounds.EmbedIPv4]), and a set
// question about IPv6 addresses of the prefix (Matrix's and Diff's
// internet) cuts them where the translated walk tells them apart. The
// IPv4 edges of the other field (the translator's own address, the same
// for every address of the prefix) stay IPv4, outside an IPv6 question.
// walkWith starts the reply's stretch and ends both.
func (w *walker) embed64(on bool) {
	if w.bounds == nil {
		return
	}
	field := flow.FieldDstAddr
	if w.leg == Return {
		field = flow.FieldSrcAddr
	}
	p := netip.Prefix{}
	if on {
		p = nat64Prefix
	}
	w.bounds.EmbedIPv4(field, p)
}

// translated64 reports whether the request of w (its walker) was
// translated by NAT64, for certain or perhaps (an appliance).
func (w *walker) translated64() bool {
	if w.natInstance != nil && w.natInstance.nat64 {
		return true
	}
	for _, r := range w.nat {
		if r.nat64 {
			return true
		}
	}
	return false
}

// routesNAT64 reports whether a route of m sends addresses of the NAT64
// prefix to a NAT gateway or an interface (an appliance, which may
// translate them): the answer beyond it then depends on the IPv4 address
// each holds, so the internet's pieces are cut within the prefix at the
// images of the IPv4 cuts (nat64Cuts), and Fix counts a NAT64 address
// among the peers a change touches (nat64Aliases).
func (m *Model) routesNAT64() bool {
	for _, rt := range m.rts {
		for _, cr := range rt.routes {
			if cr.Target != TargetNATGateway && cr.Target != TargetInterface {
				continue
			}
			if slices.ContainsFunc(cr.prefixes, nat64Prefix.Overlaps) {
				return true
			}
		}
	}
	return false
}

// nat64Cuts adds to b (addressCuts, whose IPv4 cuts it holds) the
// images in nat64Prefix of its IPv4 cuts and of every IPv4 address the
// design holds, when a route may send the prefix to a translator
// (routesNAT64), and reports whether it did: the translated walk routes
// the IPv4 address each address of the prefix holds, so
// 64:ff9b::a.b.c.d and its neighbours part where a.b.c.d and its
// neighbours do (a route's destination, a VPC's block, a special block,
// an address of the design, which the walk reaches back in). The filters
// beyond the translation cut the pieces further as the walk meets them
// (walker.embed64). Only a packet to the prefix is translated: the
// internet's pieces as sources need no such cuts (internetDestinations).
func (m *Model) nat64Cuts(b *flow.Bounds) bool {
	if !m.routesNAT64() {
		return false
	}
	from, to := familyRange(false)
	atoms := b.AddrAtoms(flow.FieldSrcAddr, from, to)
	b.EmbedIPv4(flow.FieldSrcAddr, nat64Prefix)
	defer b.EmbedIPv4(flow.FieldSrcAddr, netip.Prefix{})
	for _, a := range atoms {
		b.AddAddrRange(flow.FieldSrcAddr, a.From, a.To)
	}
	for a := range m.owners {
		if a.Is4() {
			b.AddAddr(flow.FieldSrcAddr, a)
		}
	}
	return true
}

// nat64MayFork reports whether a route of m may send a request for the
// NAT64 prefix to an appliance (an interface with an IPv4 address and
// its source/destination check off or unknown: with it on, the check
// drops the packet before anything forks) whose subnet's routes may not
// doom the unchanged packet (nat64Doomed): its
// walk then forks there, one walk per possibility (nat64_fork.go), which
// the matrix's walks of a middle, whose security groups are judged
// afterwards on one path, do not follow. [Model.Matrix] and [Diff] leave
// the prefix out of their IPv6 internet cells then, with a note
// (nat64ForkNote). It errs towards true: a subnet counts as dooming only
// when every route of its table for some of the prefix is a blackhole,
// the internet gateway or an egress-only one (perhaps past firewall
// endpoints), no route of it is known only later, and neither a VPC block
// nor an address of the design lies in the prefix.
func (m *Model) nat64MayFork() bool {
	for a := range m.owners {
		if nat64Prefix.Contains(a) {
			return m.routesNAT64()
		}
	}
	for _, rt := range m.rts {
		for _, cr := range rt.routes {
			if cr.Target != TargetInterface || !slices.ContainsFunc(cr.prefixes, nat64Prefix.Overlaps) {
				continue
			}
			if ii := m.ifaces[cr.TargetID]; ii != nil {
				checkOn := !ii.SourceDestCheckDisabled && ii.SourceDestCheckUnknown == "" // drops the packet first (applianceHop)
				if _, v4 := ii.addr(false); v4 && !checkOn && !m.nat64SubnetDooms(ii.subnet, 0) {
					return true
				}
			}
		}
	}
	return false
}

// nat64SubnetDooms reports whether subnet s's routes doom every request
// for the NAT64 prefix an appliance of it forwards unchanged, as
// nat64Doomed judges one, after depth firewall endpoints.
func (m *Model) nat64SubnetDooms(s *subnetInfo, depth int) bool {
	rt := s.rt
	if rt == nil || len(rt.unknown) > 0 || len(s.maybe) > 0 || depth > maxSteps || slices.ContainsFunc(rt.vpc.CIDRs, nat64Prefix.Overlaps) {
		return false
	}
	for _, cr := range rt.routes {
		if !slices.ContainsFunc(cr.prefixes, nat64Prefix.Overlaps) {
			continue
		}
		switch {
		case cr.tied != nil:
			return false
		case cr.Target == TargetBlackhole, cr.Target == TargetEgressOnlyInternetGateway:
		case cr.Target == TargetInternetGateway && rt.vpc.igw != nil:
		case cr.Target == TargetFirewallEndpoint:
			ei := m.endpoints[cr.TargetID]
			if ei == nil || !m.nat64SubnetDooms(ei.subnet, depth+1) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// nat64ForkNote is the note of an IPv6 Matrix or Diff whose internet
// cells leave the NAT64 prefix out (nat64MayFork).
const nat64ForkNote = "NAT64 addresses (64:ff9b::/96) are left out of the internet cells: a route sends some of them to an appliance " +
	"that may translate them (a NAT64 instance) or forward them unchanged somewhere they may get through, and the answer is walked per possibility only " +
	"by check and ports; ask check for 64:ff9b::a.b.c.d"

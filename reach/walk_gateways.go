package reach

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
)

// The walk through NAT gateways, appliances and internet gateways, and on
// the internet: the hops where addresses are translated or the packet
// leaves the design.

// natInbound handles a packet addressed to a NAT gateway's private
// address: the reply of a session it translated goes back to the
// original source; anything else is a new inbound connection, which NAT
// gateways do not accept.
func (w *walker) natInbound(pkt flow.Flow, ni *natInfo) arrival {
	h := Hop{Kind: KindNATGateway, ID: ni.ID, Name: ni.Name, Packet: pkt}
	if w.leg == Return {
		for i, rec := range w.forward.nat {
			if rec.nat == ni {
				w.natPort = nil // the reply's port is the client's again
				if i > 0 {
					w.natPort = w.forward.nat[i-1].nat // or the one an earlier gateway picked
				}
				h.Verdict = flow.Allow
				if rec.nat64 {
					// NAT64 (nat64.go): the IPv4 source back into the prefix
					pkt.Src = netip.AddrPortFrom(nat64Address(pkt.Src.Addr()), pkt.Src.Port())
					w.embed64(false)
				}
				if w.explain {
					h.reason = "NAT gateways are stateful: the reply goes back to " + natReplyTo(pkt.Protocol, rec.orig, w.natPort)
					if rec.nat64 {
						h.reason += ", from " + pkt.Src.Addr().String() + " (NAT64: the IPv4 source within " + nat64Prefix.String() + ")"
					}
				}
				w.add(h)
				pkt.Dst = rec.orig
				w.identity = false
				return w.route(pkt, ni.subnet)
			}
		}
	}
	h.Verdict, h.Code = flow.Deny, NATNoInbound
	h.reason = "a NAT gateway only forwards connections its private side opens; it accepts none from outside"
	h.Fix = "to accept connections from outside, give the destination a public IP (or put a load balancer in front of it)"
	return w.stop(h)
}

// natReplyTo words where a NAT gateway sends back the reply of a session
// it translated from orig: orig's address and port; for ICMP, which has
// no ports, the address with the echo identifier restored; after an
// earlier gateway (prev, nil when none) translated the request, the port
// prev picked, which the walk's packets carry the client's port in place
// of ([Hop.Packet]).
func natReplyTo(p flow.Protocol, orig netip.AddrPort, prev *natInfo) string {
	switch {
	case !p.HasPorts():
		return orig.Addr().String() + " (ICMP has no ports: the gateway restores the echo identifier it mapped)"
	case prev != nil:
		return fmt.Sprintf("%s, at the source port NAT gateway %s picked (one of %s)", orig.Addr(), prev.ID, natPorts)
	}
	return orig.String()
}

// natPrivateFromOutside is the hop of a packet from outside the design
// addressed to NAT gateway ni's private address: the internet cannot
// address a private address, and a NAT gateway accepts no connection
// from outside whichever way the packet came.
func natPrivateFromOutside(pkt flow.Flow, ni *natInfo) Hop {
	return Hop{Kind: KindNATGateway, ID: ni.ID, Name: ni.Name, Packet: pkt, Verdict: flow.Deny, Code: NATNoInbound,
		reason: fmt.Sprintf("%s is NAT gateway %s's private address, which the internet cannot address; and a NAT gateway only forwards connections its private side opens: it accepts none from outside", pkt.Dst.Addr(), ni.ID),
		Fix:    fmt.Sprintf("to accept connections from outside, address an instance with a public or Elastic IP (or a load balancer) instead of %s", ni.ID)}
}

// viaNAT sends pkt through a NAT gateway that a route names.
func (w *walker) viaNAT(pkt flow.Flow, from *subnetInfo, ni *natInfo) arrival {
	if cycle, ok := w.revisit(KindNATGateway, ni.ID, pkt); ok {
		return w.stop(loopHop(KindNATGateway, ni.ID, ni.Name, pkt, cycle))
	}
	w.boundary(pkt, from, ni.subnet)
	h := Hop{Kind: KindNATGateway, ID: ni.ID, Name: ni.Name, Packet: pkt, Verdict: flow.Allow}
	nat64 := pkt.Src.Addr().Is6() && ni.PrivateIP.Is4() && nat64Prefix.Contains(pkt.Dst.Addr())
	if !ni.PrivateIP.Is4() || !pkt.Src.Addr().Is4() && !nat64 {
		h.Verdict, h.Code = flow.Deny, NoRoute
		h.reason = "NAT gateways translate IPv4, and IPv6 only to the NAT64 prefix " + nat64Prefix.String()
		h.Fix = "route IPv6 traffic to an egress-only internet gateway or an internet gateway instead"
		return w.stop(h)
	}
	if w.leg == Return {
		return w.stop(natReply(pkt, ni, from, (*w.forward.hops)[0].Packet.Dst.Addr()))
	}
	if nat64 && pkt.Protocol == flow.ICMPv6 {
		return w.stop(nat64ICMP(pkt, ni)) // nat64.go
	}
	if stop, ok := natProtocol(pkt, ni); ok {
		return w.stop(stop)
	}
	orig := pkt.Src
	pkt.Src = netip.AddrPortFrom(w.natPrivate(ni), pkt.Src.Port())
	w.nat = append(w.nat, natRecord{nat: ni, orig: orig, nat64: nat64})
	w.natPort = ni // the port is the one it picks (natport.go)
	if nat64 {
		pkt.Dst = netip.AddrPortFrom(nat64Embedded(pkt.Dst.Addr()), pkt.Dst.Port())
		w.embed64(true)
	}
	if w.explain {
		h.judge = natSourceJudge{ni} // worded when read
		if nat64 {
			h.judge = nat64Judge{ni}
		}
	}
	if pkt.IsICMPError() {
		// undecided, and walked on as translated: every walk of a
		// question takes one path (the set questions compare them)
		h = natICMPError(h, ni) // nat64.go
	}
	w.add(h)
	w.identity = false
	return w.route(pkt, ni.subnet)
}

// viaAppliance sends pkt to a network interface a route names (a
// middlebox that forwards it unchanged). A packet addressed to the
// interface itself has arrived: the route only took it there. Any other
// packet meets the interface's source/destination check
// (applianceHop).
func (w *walker) viaAppliance(pkt flow.Flow, from *subnetInfo, ii *ifaceInfo) arrival {
	if cycle, ok := w.revisit(KindInterface, ii.ID, pkt); ok {
		return w.stop(loopHop(KindInterface, ii.ID, ii.label(), pkt, cycle))
	}
	w.boundary(pkt, from, ii.subnet)
	w.securityGroups(pkt, ii, flow.Inbound)
	if owner, _ := w.m.ifaceByAddr(pkt.Dst.Addr()); owner == ii {
		return arrival{ok: true, pkt: pkt, iface: ii}
	}
	if h, ok := w.m.maybeOwnPrefix(pkt, ii); ok {
		return w.stop(h)
	}
	src, _ := w.m.ifaceByAddr(pkt.Src.Addr())
	h := applianceHop(pkt, ii, src == ii, w.explain)
	if h.Verdict == flow.Deny {
		return w.stop(h)
	}
	var out *ifaceInfo // the interface it sends pkt out of, when another
	if src != ii && len(ii.siblings) > 0 {
		// the instance may send it out of another of its interfaces
		// (appliance_egress.go): unless they are alike for it, each is a
		// walk of its own (appliance_egress_fork.go), else the walk ends
		// there
		if !w.m.egressAlike(pkt, ii) {
			o, ok := w.egressOut(pkt, ii, len(*w.hops))
			if !ok {
				return w.stop(egressUnknown(h, ii, w.explain))
			}
			if o != ii {
				out = o
			}
			if w.explain {
				h.addDetail(egressPickWords(ii, o, w.m.egress != nil))
			}
		} else if w.explain {
			h.addDetail(egressAlikeWords(ii))
		}
	}
	at := w.add(h)
	w.identity = false
	if out != nil {
		// the packet leaves by out: its check, then its groups and
		// subnet below
		oh := applianceHop(pkt, out, src == out, w.explain)
		if w.explain && oh.Verdict != flow.Deny {
			oh.reason = fmt.Sprintf("instance %s sends the packet out of %s (%s)", ii.Instance, out.ID, oh.reason)
		}
		if oh.Verdict == flow.Deny {
			return w.stop(oh)
		}
		at = w.add(oh)
		ii = out
	}
	if src != ii {
		// it may translate the packet to its own address before a
		// peering connection (peering_nat.go)
		w.forwarder = ii
	}
	if _, public := ii.natAddress(); src != ii && public.IsValid() {
		// it may translate the packet (toInternet): the last such
		// appliance, whose address the internet gateway would map
		w.appliance = ii
	}
	if src != ii && w.leg == Forward && pkt.Src.Addr().Is6() && w.m.nat66Address(ii).IsValid() {
		w.appliance6 = ii // it may translate the packet (a NAT66 instance: nat66.go)
	}
	if _, v4 := ii.addr(false); src != ii && v4 && w.leg == Forward && pkt.Src.Addr().Is6() && nat64Prefix.Contains(pkt.Dst.Addr()) {
		// it may translate the packet to IPv4 (a NAT64 instance: nat64.go)
		if words, doomed := w.m.nat64Doomed(pkt, ii.subnet, w.explain); doomed {
			// unchanged, the packet fails whatever the appliance's own
			// filters say; translated, it never meets them as IPv6
			h := Hop{Kind: KindInterface, ID: ii.ID, Name: ii.label(), Packet: pkt}
			return w.nat64Appliance(h, pkt, ii, pkt.Protocol == flow.TCP || pkt.Protocol == flow.UDP, words)
		}
		// unchanged or translated, the packet may get somewhere: each is
		// a walk of its own (nat64_fork.go)
		if a, translated := w.nat64Choice(pkt, ii, at); translated || !a.ok {
			return a
		}
	}
	w.securityGroups(pkt, ii, flow.Outbound)
	return w.route(pkt, ii.subnet)
}

// applianceHop is the hop of an appliance ii that a route sent pkt to,
// pkt not addressed to it; own says pkt comes from one of ii's
// addresses. AWS's source/destination check, on by default, drops a
// packet of which the interface is neither the source nor the
// destination ([SourceDestCheck]); with the check off
// ([Interface.SourceDestCheckDisabled]) the appliance forwards the
// packet unchanged, and with the setting known only later
// ([Interface.SourceDestCheckUnknown]) the hop is undecided and the walk
// goes on. Alibaba Cloud's elastic network interfaces have the same
// check (on by default for those created since April 2025): they are
// judged alike.
// The words are written only when explain is set (a verdict allocates
// nothing).
func applianceHop(pkt flow.Flow, ii *ifaceInfo, own, explain bool) Hop {
	h := Hop{Kind: KindInterface, ID: ii.ID, Name: ii.label(), Packet: pkt, Verdict: flow.Allow}
	switch {
	case own:
		h.reason = "the appliance sends its own packet on (the source/destination check passes: it is the source)"
	case ii.SourceDestCheckDisabled:
		h.reason = "the appliance forwards the packet unchanged (source/destination check off)"
	case ii.SourceDestCheckUnknown != "":
		h.Verdict, h.Code = flow.Indeterminate, SourceDestCheckUnknown
		if !explain {
			break
		}
		h.reason = fmt.Sprintf("whether %s checks source and destination is known only later: with the check on it drops the packet, which is neither from nor to it; with it off it forwards the packet unchanged", ii.ID)
		h.Missing = ii.SourceDestCheckUnknown + ", known only later: with the source/destination check on, the appliance drops the packet"
		h.Fix = sourceDestFix(ii.ID)
	default:
		h.Verdict, h.Code = flow.Deny, SourceDestCheck
		if !explain {
			break
		}
		h.reason = fmt.Sprintf("the source/destination check of %s is on: it drops a packet of which it is neither the source nor the destination", ii.ID)
		h.Fix = sourceDestFix(ii.ID)
	}
	return h
}

// sourceDestFix is the fix of an appliance whose source/destination
// check drops what it should forward.
func sourceDestFix(id string) string {
	return fmt.Sprintf("if %s is meant to forward traffic, turn off its source/destination check: aws ec2 modify-network-interface-attribute --network-interface-id %s --no-source-dest-check", id, id)
}

// natInstanceRecord is the translation a NAT instance may make: ii, an
// appliance that forwarded the request (its source/destination check
// off or unknown), replacing the source orig with its own address
// private, which the internet gateway maps to its public address. AWS
// documents the design (a private subnet whose default route is an
// instance in a public subnet); whether the instance's operating system
// translates is not in the input, so the internet gateway's hop is
// undecided ([ApplianceTranslationUnknown]) and the walk goes on as the
// translated packet would: the reply comes back to ii's public address,
// and ii sends it on to orig (deliverLocal).
//
// With nat64 set, the appliance may have translated an IPv6 packet for
// the NAT64 prefix to IPv4 (a NAT64 instance, nat64.go): the reply's
// source goes back into the prefix too.
//
// With nat66 set, the appliance may have translated an IPv6 packet to
// IPv6 from its own global address (a NAT66 or NPTv6 instance, nat66.go).
//
// With peering set, the appliance may have translated the source to its
// own private address before a VPC peering connection, which carries only
// packets from addresses of the VPC they leave (peering_nat.go).
type natInstanceRecord struct {
	ii      *ifaceInfo
	orig    netip.AddrPort
	private netip.Addr
	nat64   bool
	nat66   bool
	peering bool
}

// words are the reason, what is missing and the fix of the undecided
// internet gateway hop of r, public being the address the packet leaves
// from if the appliance translates it.
func (r *natInstanceRecord) words(public netip.Addr) (reason, missing, fix string) {
	reason = fmt.Sprintf("%s has no public IPv4 address and came through appliance %s: unchanged, the internet gateway drops it; if %s translates it (a NAT instance), it leaves from %s's address %s, %s on the internet",
		r.orig.Addr(), r.ii.label(), r.ii.ID, r.ii.ID, r.private, public)
	missing = r.missing()
	fix = fmt.Sprintf("route the subnet's internet traffic to a NAT gateway instead of %s (its translation is in the design), or give the source a public IP", r.ii.ID)
	return reason, missing, fix
}

// missing says what the input lacks to decide r's translation.
func (r *natInstanceRecord) missing() string {
	return fmt.Sprintf("whether appliance %s replaces the source of the packets it forwards with its own address (a NAT instance's operating system does; the input holds no instance configuration)", r.ii.ID)
}

// natAddress returns the first private IPv4 address of ii that has a
// public one, and that public address: the address a NAT instance could
// translate to, which the internet gateway maps (an Elastic IP may be on
// a secondary address). Invalid addresses when none has.
func (ii *ifaceInfo) natAddress() (private, public netip.Addr) {
	for _, a := range ii.PrivateIPs {
		if p := ii.publicOf[a]; a.Is4() && p.IsValid() {
			return a, p
		}
	}
	return netip.Addr{}, netip.Addr{}
}

// toInternet sends pkt out through the VPC's internet gateway, from
// subnet s of a route table (nil: an edge table).
func (w *walker) toInternet(pkt flow.Flow, s *subnetInfo, vpc *vpcInfo) arrival {
	igw := vpc.igw
	h := Hop{Kind: KindInternetGateway, ID: igw.ID, Packet: pkt, Verdict: flow.Allow}
	src, dst := pkt.Src.Addr(), pkt.Dst.Addr()
	var holder *subnetInfo // the subnet the source belongs to, for Block Public Access (else s: bpaSubnet)
	var iface *ifaceInfo   // the interface that holds the source, if one does
	var nat *natInfo       // else the NAT gateway whose private address it is, if one's is
	if ii, ok := w.m.ifaceByAddr(src); ok && ii.subnet.vpc == vpc {
		holder, iface = ii.subnet, ii
	} else if ni, ok := w.m.natAddr[src]; ok && ni.subnet.vpc == vpc {
		holder, nat = ni.subnet, ni
	}
	back := w.m.backIn(dst, vpc)
	if !back && w.m.offInternet(dst) {
		return w.stop(w.m.offInternetHop(h, dst, offTo, "the internet gateway"))
	}
	if !back && nat64Prefix.Contains(dst) { // nat64.go; an appliance's translation is another walk (nat64_fork.go)
		return w.stop(nat64Untranslated(h, "the internet gateway", w.m.sourceTable(src), w.leg))
	}
	var nat66 *natInstanceRecord
	if src.Is6() && w.appliance6 != nil {
		if nat66 = w.nat66(pkt, vpc); nat66 != nil { // nat66.go
			holder, iface, src = nat66.ii.subnet, nat66.ii, nat66.private
			pkt.Src = netip.AddrPortFrom(src, pkt.Src.Port())
		}
	}
	if src.Is6() && w.m.offInternet(src) { // ipv6.go
		return w.stop(w.m.offInternetHop(h, src, offFrom, "the internet gateway"))
	}
	translated := false
	if src.Is4() {
		var public netip.Addr
		if iface != nil {
			public = iface.publicOf[src]
		} else if nat != nil {
			public = nat.publicFor(src) // natsecondary.go
		}
		if !public.IsValid() && w.leg == Forward && w.natInstance == nil {
			if ap := w.appliance; ap != nil && ap.subnet.vpc == vpc {
				// a NAT instance may have translated it (natInstance)
				private, _ := ap.natAddress()
				w.natInstance = &natInstanceRecord{ii: ap, orig: pkt.Src, private: private}
				holder, iface, src = ap.subnet, ap, private
				public = ap.publicOf[src]
			}
		}
		if public.IsValid() {
			translated = true
			pkt.Src = netip.AddrPortFrom(public, pkt.Src.Port())
		} else {
			h.Verdict, h.Code = flow.Deny, NoPublicIP
			h.reason = fmt.Sprintf("%s has no public IPv4 address, so the internet gateway cannot send it to the internet", src)
			h.Fix = "give the interface a public or Elastic IP, or route its internet traffic through a public NAT gateway"
			if w.m.privateNATToInternet(&h, src) { // egress.go
				// the internet gateway drops a private NAT gateway's
				// traffic: nothing is delivered, so no reply exists
				return w.stop(h)
			}
		}
	} else {
		h.reason = "IPv6 addresses are global: the internet gateway forwards the packet unchanged"
	}
	if holder == nil {
		holder = w.m.bpaSubnet(src, vpc, s) // a source in another VPC: the subnet it leaves vpc from (bpa.go)
	}
	if h.Code == "" && w.blockPublicAccess(&h, vpc, holder, true, false) {
		return w.stop(h)
	}
	if ni := w.natInstance; ni != nil && !ni.nat64 && translated && iface == ni.ii && w.leg == Forward {
		h.Verdict, h.Code = flow.Indeterminate, ApplianceTranslationUnknown
		translated = false // worded here, not by publicSourceJudge
		if w.explain {
			h.reason, h.Missing, h.Fix = ni.words(pkt.Src.Addr())
		}
	}
	if nat66 != nil && h.Code == "" {
		h = w.nat66Hop(h, nat66, "the internet gateway")
	}
	if translated && w.explain {
		// worded when read, from the hop's packet and the holder
		if iface != nil {
			h.judge = publicSourceJudge{iface}
		} else {
			h.judge = natPublicSourceJudge{nat}
		}
	}
	w.add(h)
	return w.onInternet(pkt, vpc)
}

// onInternet takes pkt from where it left vpc for the internet (an
// internet gateway, an egress-only one) to its destination.
//
// The packet loses its security group identity there: nothing on the
// internet carries it, so a rule that references a group matches no
// packet that crossed the internet, even an IPv6 one that keeps its
// member's address (semantics A.4: a reference matches only over a path
// that keeps the identity: the same VPC, a peering, a transit gateway
// with referencing support).
func (w *walker) onInternet(pkt flow.Flow, vpc *vpcInfo) arrival {
	w.alibabaEgress(pkt)
	w.identity = false
	dst := pkt.Dst.Addr()
	if w.m.backIn(dst, vpc) {
		return w.fromInternet(pkt) // a public address of the design: back in through the internet
	}
	// A public address inside a VPC's CIDR that nothing holds: the internet
	// hands it to that VPC, where it finds no one (or what the design does
	// not model: unmodelled.go).
	if other := w.m.vpcAt(dst); other != nil && (!w.m.holds(dst) || w.m.unmodelled[dst] != nil) {
		return w.stop(w.m.unknownIn(pkt, other))
	}
	if h, ok := w.m.unmodelledPublicHop(pkt); ok { // unmodelled.go
		return w.stop(h)
	}
	if _, ok := w.m.hostlessPublicHop(pkt); ok {
		return w.fromInternet(pkt) // a stopped instance's Elastic IP: back in, to no host (leftout_internet.go)
	}
	h := Hop{Kind: KindInternet, ID: "internet", Packet: pkt, Verdict: flow.Allow}
	if w.explain {
		h.Name, h.judge = dst.String(), internetJudge{} // the reason worded when read, from the name
	}
	w.add(h)
	return arrival{ok: true, pkt: pkt}
}

func firstV4(ii *ifaceInfo) netip.Addr {
	a, _ := ii.addr(false)
	return a
}

// fromInternet brings pkt from the internet into the VPC that owns its
// destination, through that VPC's internet gateway (or an egress-only
// one, for a reply). What comes in from the internet carries no security
// group identity (onInternet).
func (w *walker) fromInternet(pkt flow.Flow) arrival {
	dst := pkt.Dst.Addr()
	var vpc *vpcInfo
	var private netip.Addr
	var holder *subnetInfo    // the subnet the destination belongs to, for Block Public Access
	var translator hopJudge   // words the translation of the destination when read
	var target *ifaceInfo     // the interface the destination is, if one is
	var leftOut *leftOutEntry // the way in to an interface left out of the model (leftout_internet.go)
	toNAT := false
	if ii, ok := w.m.byPublic[dst]; ok {
		vpc, private, holder, translator, target = ii.subnet.vpc, ii.privateOf[dst], ii.subnet, privateDestJudge{ii}, ii
	} else if ni, priv, ok := w.m.natPublic(dst); ok {
		vpc, private, holder, toNAT, translator = ni.subnet.vpc, priv, ni.subnet, true, natPrivateDestJudge{ni}
	} else if ii, ok := w.m.ifaceByAddr(dst); ok {
		vpc, holder, target = ii.subnet.vpc, ii.subnet, ii
		if dst.Is6() {
			private = dst
		}
		if w.leg == Forward && len(*w.hops) == 0 && w.m.mayEnterPrivately(pkt.Src.Addr(), ii) {
			// a host outside the design, private or with a way back
			// that may not be the internet, to the interface's own
			// address: it may come in privately (private_entry.go)
			if h, ok := w.privateEntry(pkt, ii); ok {
				entry := w.add(h)
				if !mayEnterWithin(ii, h) {
					w.networkACL(pkt, ii.subnet, flow.Inbound) // it comes in from outside the subnet
				}
				w.privateGroups(pkt, ii, entry) // the destination's groups judge it whichever way it came
				// the reply leaves by the subnet's own route table: where
				// that leads out of the subnet, the subnet's outbound ACL
				// judges it, whichever way the request came
				// (walker.privateReplyACL)
				return arrival{pkt: pkt, iface: ii, private: true}
			}
		}
	} else if ni, ok := w.m.natAddr[dst]; ok {
		// a NAT gateway's private address (its public ones are
		// natPublic's): whichever way it came, the gateway takes no
		// connection from outside
		return w.stop(natPrivateFromOutside(pkt, ni))
	} else if e, ok := w.m.leftOutEntry(pkt); ok && !(w.m.vpcAt(dst) != nil && w.leg == Forward && len(*w.hops) == 0 && w.m.mayEnterPrivatelyAt(pkt.Src.Addr(), e.holder)) {
		// an address of an interface left out of the model: through the
		// internet gateway as a modelled one's (leftout_internet.go),
		// unless it may come in privately
		vpc, private, holder, leftOut = e.vpc, e.private, e.holder, &e
	} else if other := w.m.vpcAt(dst); other != nil {
		return w.stop(w.m.unknownIn(pkt, other))
	} else if h, ok := w.m.hostlessPublicHop(pkt); ok {
		return w.stop(h) // leftout_internet.go
	} else if dst == amazonDNSLinkLocal || dst == amazonDNSNitro6 {
		return w.stop(amazonDNSFromInternet(pkt)) // amazondns.go
	} else if _, ok := instanceServiceAt(dst); ok {
		return w.stop(instanceServiceFromOutside(pkt)) // instanceservice.go
	} else if h, ok := w.m.unmodelledPublicHop(pkt); ok && !unroutable(dst) {
		// a public address of what the design does not model (an
		// internet-facing load balancer's, a left-out instance's): the
		// internet carries the packet there, and what it finds is unknown
		// (unmodelled.go)
		return w.stop(h)
	} else {
		return w.stop(Hop{Kind: KindInternet, ID: "internet", Packet: pkt, Verdict: flow.Deny, Code: UnknownDestination,
			reason: fmt.Sprintf("%s belongs to nothing in the design", dst)})
	}
	w.identity = false                                             // from the internet (onInternet)
	if a, done := w.egressOnlyIn(pkt, vpc, holder, target); done { // egress.go
		return a
	}
	if vpc.igw == nil {
		return w.stop(Hop{Kind: KindInternetGateway, ID: vpc.ID, Packet: pkt, Verdict: flow.Deny, Code: NoInternetGateway,
			reason: fmt.Sprintf("%s has no internet gateway, so nothing from the internet reaches it", vpc.ID),
			Fix:    fmt.Sprintf("attach an internet gateway to %s", vpc.ID)})
	}
	h := Hop{Kind: KindInternetGateway, ID: vpc.igw.ID, Packet: pkt, Verdict: flow.Allow}
	if src := pkt.Src.Addr(); privateSource4(src) && !w.blocked() {
		return w.stop(privateOnInternet(h, src, false))
	}
	if private == dst && w.m.offInternet(dst) { // an IPv6 address of a private block, or unique local (ipv6.go)
		return w.stop(w.m.offInternetHop(h, dst, offIn, vpc.igw.ID))
	}
	if w.blockPublicAccess(&h, vpc, holder, false, toNAT) {
		return w.stop(h)
	}
	switch {
	case !private.IsValid():
		h.Verdict, h.Code = flow.Deny, NoPublicIP
		h.reason = fmt.Sprintf("%s is a private address: the internet cannot address it", dst)
		h.Fix = "give the interface a public or Elastic IP and address it by that"
		private = dst
	case private != dst && leftOut != nil:
		if w.explain {
			h.reason = fmt.Sprintf("the internet gateway translates %s, the public address of %s, to its private address %s", dst, leftOut.owner, private)
		}
	case private != dst:
		if w.explain {
			h.judge = translator
		}
	case w.explain && unroutable(pkt.Src.Addr()):
		// a unique local (or other non-global) source with no private
		// way in (private_entry.go): the destination is global, the
		// source is not
		src, what := pkt.Src.Addr(), "a unique local address (fc00::/7)"
		if !src.IsPrivate() {
			what = "not a global address (a block IANA marks not globally reachable)"
		}
		h.reason = fmt.Sprintf("the destination %s is a global IPv6 address, which the internet gateway forwards the packet to unchanged; but the source %s is %s, which the internet does not route: no reply reaches it over the internet",
			dst, src, what)
	default:
		h.reason = "IPv6 addresses are global: the internet gateway forwards the packet unchanged"
	}
	if target != nil && target.DenyAllIGWTraffic && h.Code == "" {
		h = w.denyAllIGW(h, target) // ipv6.go
	}
	if leftOut != nil && (h.Verdict == flow.Deny || leftOut.end != nil) {
		// dropped at the gateway, for certain; or through it to what the
		// design does not model, undecided
		w.add(h)
		if h.Verdict == flow.Deny {
			return arrival{}
		}
		return w.stop(*leftOut.end)
	}
	w.add(h)
	pkt.Dst = netip.AddrPortFrom(private, pkt.Dst.Port())
	if vpc.igw.edgeMaybe != nil {
		if h, undecided := edgeMaybeHop(pkt, vpc.igw); undecided { // check_route.go
			return w.stop(h)
		}
	}
	if vpc.igw.edge != nil {
		return w.routeIn(pkt, nil, vpc.igw.edge)
	}
	return w.deliverLocal(pkt, nil, vpc)
}

// natInstanceReply sends on the reply that reached the appliance of r,
// which translated the request (natInstanceRecord): back to the
// request's source, from the appliance's subnet. The request's internet
// gateway hop holds the answer's doubt; this hop passes.
func (w *walker) natInstanceReply(pkt flow.Flow, r *natInstanceRecord) arrival {
	h := Hop{Kind: KindInterface, ID: r.ii.ID, Name: r.ii.label(), Packet: pkt, Verdict: flow.Allow}
	if r.nat64 {
		pkt.Src = netip.AddrPortFrom(nat64Address(pkt.Src.Addr()), pkt.Src.Port())
		w.embed64(false)
	}
	if w.explain {
		h.reason = fmt.Sprintf("if %s translated the request (a NAT instance), it sends the reply back to %s", r.ii.ID, r.orig)
		if r.nat66 {
			h.reason = fmt.Sprintf("if %s translated the request (a NAT66 or NPTv6 instance), it sends the reply back to %s", r.ii.ID, r.orig)
		}
		if r.peering {
			h.reason = fmt.Sprintf("if %s translated the request's source to its own address before the peering connection (a NAT instance, source NAT), it sends the reply back to %s", r.ii.ID, r.orig)
		}
		if r.nat64 {
			h.reason = fmt.Sprintf("if %s translated the request (a NAT64 instance), it sends the reply back to %s, from %s (the IPv4 source within %s)", r.ii.ID, r.orig, pkt.Src.Addr(), nat64Prefix)
		}
	}
	w.add(h)
	pkt.Dst = r.orig
	w.securityGroups(pkt, r.ii, flow.Outbound)
	return w.route(pkt, r.ii.subnet)
}

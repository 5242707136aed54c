package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// Egress-only internet gateways, and what an internet gateway says to a
// private NAT gateway.

// EgressOnlyInternetGateway is an egress-only internet gateway (eigw-…)
// attached to a VPC: it carries IPv6 traffic the VPC's instances send to
// the internet, unchanged (IPv6 addresses are global), and the replies of
// those connections back in; nothing the internet opens comes in through
// it ([EgressOnlyNoInbound]). In a VPC that also has an internet gateway,
// a connection the internet opens comes in through the internet gateway,
// and its reply, if the subnet routes it to the egress-only gateway
// (AWS's private-subnet design: ::/0 to the egress-only gateway), is
// dropped there: the gateway carries only the replies of connections
// that left through it ([EgressOnlyNoInbound] on the reply). It carries no IPv4: a route to it is for an
// IPv6 block or a prefix list, and an IPv4 packet that reaches it by a
// prefix list is dropped ([NoRoute]). A reply that left the VPC by one
// comes back by it, whatever internet gateway the VPC also has. VPC Block
// Public Access applies to it as to an internet gateway
// ([BlockPublicAccess], [VPCBlockPublicAccess]): block-bidirectional stops
// traffic through it both ways unless the subnet or VPC is excluded;
// block-ingress lets it pass, as it carries only connections its side
// opens. A VPC has at most one: AWS attaches only one egress-only
// internet gateway to a VPC at a time, and Build refuses a second
// ([ErrTopology]).
type EgressOnlyInternetGateway struct {
	ID   string
	Name string
	VPC  string
}

// AddEgressOnlyInternetGateway adds egress-only internet gateways.
func (b *Builder) AddEgressOnlyInternetGateway(g ...EgressOnlyInternetGateway) *Builder {
	b.eigws = append(b.eigws, g...)
	return b
}

type eigwInfo struct {
	EgressOnlyInternetGateway
	vpc *vpcInfo
}

func (b *Builder) buildEgressOnly(p *problems, m *Model) {
	m.eigws = map[string]*eigwInfo{}
	m.eigwByVPC = map[string][]*eigwInfo{}
	for i, g := range b.eigws {
		if b.skip("egressOnlyInternetGateways", i, g.ID) {
			continue
		}
		vi, ok := m.vpcs[g.VPC]
		if !ok {
			p.add(g.ID, path("egressOnlyInternetGateways", i, "VPC"), g.VPC, "unknown VPC")
			continue
		}
		if old := m.eigwByVPC[g.VPC]; len(old) > 0 {
			// "You can attach only one egress-only internet gateway to a
			// VPC at a time" (Amazon VPC quotas)
			p.add(g.ID, path("egressOnlyInternetGateways", i, "VPC"), g.VPC, "%s already has egress-only internet gateway %s: AWS attaches only one egress-only internet gateway to a VPC at a time", g.VPC, old[0].ID)
			continue
		}
		gi := &eigwInfo{EgressOnlyInternetGateway: g, vpc: vi}
		m.eigws[g.ID] = gi
		m.eigwByVPC[g.VPC] = append(m.eigwByVPC[g.VPC], gi)
	}
}

// checkEgressOnlyRoute checks a route of table ri (item i of the builder's
// route tables) to an egress-only internet gateway.
func (b *Builder) checkEgressOnlyRoute(p *problems, m *Model, ri *rtInfo, i int, cr *compiledRoute) {
	gi, ok := m.eigws[cr.TargetID]
	if !ok || gi.VPC != ri.VPC {
		p.add(ri.ID, path("routeTables", i, fmt.Sprintf("Routes[%d].TargetID", cr.index)), cr.TargetID,
			"no egress-only internet gateway %s attached to %s", cr.TargetID, ri.VPC)
	}
	if cr.PrefixList == "" && cr.Destination.Addr().Is4() {
		p.add(ri.ID, path("routeTables", i, fmt.Sprintf("Routes[%d].Destination", cr.index)), cr.Destination.String(),
			"an egress-only internet gateway carries IPv6 traffic only: route an IPv6 block to it")
	}
}

// viaEgressOnly sends pkt out of vpc through an egress-only internet
// gateway that a route of subnet s (nil: an edge table) names.
func (w *walker) viaEgressOnly(pkt flow.Flow, s *subnetInfo, vpc *vpcInfo, g *eigwInfo) arrival {
	if s != nil {
		w.networkACL(pkt, s, flow.Outbound)
	}
	h := Hop{Kind: KindEgressOnlyInternetGateway, ID: g.ID, Name: g.Name, Packet: pkt, Verdict: flow.Allow}
	if !pkt.Dst.Addr().Is6() {
		h.Verdict, h.Code = flow.Deny, NoRoute
		h.reason = "an egress-only internet gateway carries IPv6 traffic only; it drops IPv4"
		h.Fix = "send IPv4 internet traffic to a public NAT gateway, or to an internet gateway from an interface with a public IP"
		return w.stop(h)
	}
	if w.leg == Return && !w.forwardCrossed(g) {
		return w.stop(w.egressOnlyReply(h, s, vpc))
	}
	if dst := pkt.Dst.Addr(); !w.m.backIn(dst, vpc) && w.m.offInternet(dst) {
		// a unique local (fc00::/7), link-local or private block's
		// destination: not on the internet, as at an internet gateway
		return w.stop(w.m.offInternetHop(h, dst, offTo, "the egress-only internet gateway"))
	}
	if dst := pkt.Dst.Addr(); nat64Prefix.Contains(dst) { // nat64.go; an appliance's translation is another walk (nat64_fork.go)
		return w.stop(nat64Untranslated(h, "the egress-only internet gateway", w.m.sourceTable(pkt.Src.Addr()), w.leg))
	}
	var nat66 *natInstanceRecord
	if w.appliance6 != nil {
		if nat66 = w.nat66(pkt, vpc); nat66 != nil { // nat66.go
			pkt.Src = netip.AddrPortFrom(nat66.private, pkt.Src.Port())
		}
	}
	if src := pkt.Src.Addr(); w.m.offInternet(src) { // ipv6.go
		return w.stop(w.m.offInternetHop(h, src, offFrom, "the egress-only internet gateway"))
	}
	if w.blockPublicAccess(&h, vpc, w.m.bpaSubnet(pkt.Src.Addr(), vpc, s), true, false) { // bpa.go
		return w.stop(h)
	}
	h.reason = "the egress-only internet gateway forwards IPv6 unchanged to the internet and keeps the connection's state for its replies"
	if nat66 != nil {
		h = w.nat66Hop(h, nat66, "the egress-only internet gateway")
	}
	w.add(h)
	return w.onInternet(pkt, vpc)
}

// forwardCrossed reports whether the forward leg left through
// egress-only internet gateway g: the gateway keeps state only for the
// connections that leave through it.
func (w *walker) forwardCrossed(g *eigwInfo) bool {
	hops := *w.forward.hops
	for i := range hops { // by index: a hop is large
		if hops[i].Kind == KindEgressOnlyInternetGateway && hops[i].ID == g.ID {
			return true
		}
	}
	return false
}

// egressOnlyReply is hop h of egress-only internet gateway g (h.ID) that
// the reply of a connection it did not carry out is routed to, from
// subnet s (nil: an edge table) of vpc: the connection was opened from
// outside (the internet through the VPC's internet gateway, a peer, a
// transit gateway), the gateway has no state for it and drops the reply
// (EgressOnlyNoInbound). AWS routes a subnet's ::/0 to an egress-only
// internet gateway to keep the internet from opening connections to its
// instances
// (https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway-basics.html).
func (w *walker) egressOnlyReply(h Hop, s *subnetInfo, vpc *vpcInfo) Hop {
	h.Verdict, h.Code = flow.Deny, EgressOnlyNoInbound
	if !w.explain {
		return h
	}
	where := "the route table"
	if s != nil {
		where = s.rt.ID
	}
	h.reason = fmt.Sprintf("the reply is routed to egress-only internet gateway %s, which carries only connections %s opens through it: this connection did not leave through it, so it has no state for it and drops the reply (an egress-only internet gateway keeps the internet from opening connections to the subnets that route to it)",
		h.ID, vpc.ID)
	h.Fix = fmt.Sprintf("to accept this connection, give %s a route for %s that leads back the way it came (the internet gateway, for clients on the internet); to keep the internet out, leave it on the egress-only internet gateway",
		where, h.Packet.Dst.Addr())
	return h
}

// egressOnlyIn handles pkt from the internet for an IPv6 address of vpc
// where an egress-only internet gateway decides: the reply of a
// connection that left through one of vpc's comes back through it; a
// connection the internet opens to a VPC that has egress-only gateways
// and no internet gateway is refused. done is false where the internet
// gateway decides as usual.
//
// holder is the subnet of vpc that holds the destination (nil: none),
// which Block Public Access judges the crossing by. target is the
// interface the destination is, if one is: one whose DenyAllIgwTraffic
// is set makes the reply undecided (ipv6.go).
func (w *walker) egressOnlyIn(pkt flow.Flow, vpc *vpcInfo, holder *subnetInfo, target *ifaceInfo) (a arrival, done bool) {
	gws := w.m.eigwByVPC[vpc.ID]
	if len(gws) == 0 || !pkt.Dst.Addr().Is6() {
		return arrival{}, false
	}
	if w.leg == Return {
		for _, fh := range *w.forward.hops {
			i := slices.IndexFunc(gws, func(g *eigwInfo) bool { return g.ID == fh.ID })
			if fh.Kind != KindEgressOnlyInternetGateway || i < 0 {
				continue
			}
			g := gws[i]
			h := Hop{Kind: KindEgressOnlyInternetGateway, ID: g.ID, Name: g.Name, Packet: pkt, Verdict: flow.Allow,
				reason: "the egress-only internet gateway lets the reply of a connection the VPC opened back in"}
			if w.blockPublicAccess(&h, vpc, holder, false, true) {
				return w.stop(h), true
			}
			if target != nil && target.DenyAllIGWTraffic {
				h = w.denyAllIGW(h, target)
			}
			w.add(h)
			return w.deliverLocal(pkt, nil, vpc), true
		}
	}
	if vpc.igw != nil {
		return arrival{}, false
	}
	g := gws[0]
	return w.stop(Hop{Kind: KindEgressOnlyInternetGateway, ID: g.ID, Name: g.Name, Packet: pkt, Verdict: flow.Deny, Code: EgressOnlyNoInbound,
		reason: fmt.Sprintf("%s has no internet gateway, and its egress-only internet gateway %s carries only connections the VPC opens: it lets nothing from the internet open one", vpc.ID, g.ID),
		Fix:    fmt.Sprintf("to accept connections from the internet, attach an internet gateway to %s and route the subnet's IPv6 traffic (::/0) to it", vpc.ID)}), true
}

// holderIn returns the subnet of vpc whose interface holds address a, or
// nil: the subnet Block Public Access judges a crossing of a by.
func (m *Model) holderIn(a netip.Addr, vpc *vpcInfo) *subnetInfo {
	if ii, ok := m.ifaceByAddr(a); ok && ii.subnet.vpc == vpc {
		return ii.subnet
	}
	return nil
}

// privateNATToInternet explains, on the hop h of an internet gateway that
// refuses src, that src is a private NAT gateway's address: a private NAT
// gateway never reaches the internet. It reports whether src is one (the
// walk then ends at h: the internet gateway drops the packet).
func (m *Model) privateNATToInternet(h *Hop, src netip.Addr) bool {
	ni, ok := m.natAddr[src]
	if !ok || !ni.Private {
		return false
	}
	h.reason = fmt.Sprintf("%s is private NAT gateway %s's address: a private NAT gateway has no public address, and the internet gateway drops what it sends", src, ni.ID)
	h.Fix = fmt.Sprintf("route internet traffic through a public NAT gateway instead of %s, or route %s's subnet elsewhere (a transit gateway, a peering connection)", ni.ID, ni.ID)
	return true
}

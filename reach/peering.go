package reach

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// VPC peering connections: the model, its checks in Build, and the walk
// across one.

// Peering is a VPC peering connection (pcx-…) between two VPCs of the
// design. A route to it ([TargetPeering]) in a route table of either VPC
// sends the packet to the other, which delivers it only to an address
// inside its own CIDR blocks, and only from an address inside the CIDR
// blocks of the VPC it came from: a peering carries no transit (A–B–C
// does not join A and C) and no edge-to-edge routing (nothing reaches the
// internet, a NAT gateway or a VPN through the peer VPC, nor comes in
// from them across the peering). A packet that crosses a peering keeps
// its security group identity, so a rule that references a group of the
// peer VPC matches the group's members' private addresses.
type Peering struct {
	ID           string // pcx-…
	Name         string
	RequesterVPC string
	AccepterVPC  string
	// Status is the connection's status code as AWS writes it. Only
	// PeeringActive ("active"; "" reads as active) carries traffic; the
	// other statuses AWS documents ([PeeringStatuses]) block with
	// [PeeringNotActive]; a status reachsim does not know makes the hop
	// undecided ([PeeringStatusUnknown]). Between VPCs whose CIDR blocks
	// overlap, Build accepts only a status that never carries traffic
	// (AWS fails such a request: "failed"), or one it does not know, and
	// the connection then blocks ([PeeringNotActive]).
	Status string
}

// PeeringActive is the status of a peering connection that carries traffic.
const PeeringActive = "active"

// peeringStatuses are the status codes AWS documents for a peering
// connection ([PeeringStatuses]).
var peeringStatuses = [...]string{"initiating-request", "pending-acceptance", PeeringActive, "deleted", "rejected",
	"failed", "expired", "provisioning", "deleting"}

// PeeringStatuses returns the status codes AWS documents for a peering
// connection: only "active" carries traffic. The list is a copy: a
// model's answers never depend on what a caller does with it.
func PeeringStatuses() []string { return slices.Clone(peeringStatuses[:]) }

// documentedPeeringStatus reports whether AWS documents status s.
func documentedPeeringStatus(s string) bool { return slices.Contains(peeringStatuses[:], s) }

// KindPeering: a VPC peering connection (pcx-…).
const KindPeering Kind = "vpc-peering-connection"

// The explanation codes of peering connections.
const (
	// PeeringNotActive: the route's peering connection is not active
	// (pending acceptance, rejected, deleted, expired...), so it carries
	// nothing. Reachability Analyzer reports it as BAD_STATE. The walk goes
	// on into the peer VPC as if the connection were active.
	PeeringNotActive Code = "PEERING_NOT_ACTIVE"
	// PeeringStatusUnknown: the peering connection's status is none AWS
	// documents, so whether it carries traffic is unknown. The hop is
	// undecided; the walk goes on into the peer VPC.
	PeeringStatusUnknown Code = "PEERING_STATUS_UNKNOWN"
	// PeeringAddressOutsideVPC: a peering connection carries only packets
	// from an address of one of its VPCs to an address of the other (as
	// Reachability Analyzer says, PCX_REQUIRES_ADDRESS_IN_VPC_CIDR): a
	// destination beyond the peer VPC (another VPC peered with it, the
	// internet through its internet or NAT gateway, a network behind its
	// VPN) or a source that entered the near VPC from outside is dropped.
	// Peering is neither transitive nor edge-to-edge. The leg ends there.
	// A packet from outside that an appliance of the near VPC forwarded
	// may have been translated by it to its own address: that hop is
	// undecided instead ([ApplianceTranslationUnknown], peering_nat.go).
	PeeringAddressOutsideVPC Code = "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
)

type peeringInfo struct {
	Peering
	requester, accepter *vpcInfo
	bad                 bool // reported by buildPeerings: routes to it are not judged again
	// overlap, for a connection whose VPCs' blocks overlap (its status
	// one that never carries traffic, or unknown), says how: AWS never
	// makes such a connection active. "" otherwise.
	overlap string
}

// peeringLive reports whether status is active or on its way to active
// (initiating-request, pending-acceptance, provisioning): a connection
// AWS holds between VPCs whose blocks do not overlap.
func peeringLive(status string) bool {
	switch status {
	case "", PeeringActive, "initiating-request", "pending-acceptance", "provisioning":
		return true
	}
	return false
}

// peeringJoins reports whether a connection of status joins its VPCs
// for addressing (peered): active ("" reads as active), or a status
// reachsim does not know; not one AWS documents as carrying nothing.
func peeringJoins(status string) bool {
	return status == "" || status == PeeringActive || !documentedPeeringStatus(status)
}

// label names the connection for people: "pcx-1 (vpc-a <-> vpc-b)".
func (p *peeringInfo) label() string {
	s := fmt.Sprintf("%s <-> %s", p.RequesterVPC, p.AccepterVPC)
	if p.Name != "" {
		s = p.Name + ": " + s
	}
	return s
}

// ends returns the connection's VPC on the side of near, then the other.
func (p *peeringInfo) ends(near *vpcInfo) (*vpcInfo, *vpcInfo) {
	if p.requester == near {
		return p.requester, p.accepter
	}
	return p.accepter, p.requester
}

func (v *vpcInfo) contains(a netip.Addr) bool {
	return slices.ContainsFunc(v.CIDRs, func(c netip.Prefix) bool { return c.Contains(a) })
}

// AddPeering adds VPC peering connections.
func (b *Builder) AddPeering(p ...Peering) *Builder { b.peerings = append(b.peerings, p...); return b }

// buildPeerings checks the peering connections: two distinct VPCs of the
// design whose CIDR blocks do not overlap, as AWS requires of a
// connection that is active or on its way to active. A request between
// VPCs whose blocks overlap is not refused by AWS's API: the connection
// is created with the status failed (EC2 API reference,
// CreateVpcPeeringConnection) and listed for a while; such a connection
// (or one of another status that never carries traffic, or of a status
// reachsim does not know) is kept, carries nothing, and joins nothing for
// addressing (peered).
func (b *Builder) buildPeerings(p *problems, m *Model) {
	m.peerings = map[string]*peeringInfo{}
	for i, pc := range b.peerings {
		if b.skip("peerings", i, pc.ID) {
			continue
		}
		pi := &peeringInfo{Peering: pc}
		m.peerings[pc.ID] = pi
		ok := true
		for _, end := range []struct {
			field, id string
			vi        **vpcInfo
		}{{"RequesterVPC", pc.RequesterVPC, &pi.requester}, {"AccepterVPC", pc.AccepterVPC, &pi.accepter}} {
			*end.vi = m.vpcs[end.id]
			if *end.vi == nil {
				p.add(pc.ID, path("peerings", i, end.field), end.id, "unknown VPC")
				ok = false
			}
		}
		if !ok {
			pi.bad = true
			continue
		}
		if pc.RequesterVPC == pc.AccepterVPC {
			p.add(pc.ID, path("peerings", i, "AccepterVPC"), pc.AccepterVPC, "a peering connection joins two different VPCs")
			pi.bad = true
			continue
		}
	overlap:
		for _, a := range pi.requester.CIDRs {
			for _, c := range pi.accepter.CIDRs {
				if a.IsValid() && c.IsValid() && a.Overlaps(c) {
					if !peeringLive(pc.Status) {
						pi.overlap = fmt.Sprintf("%s (%s) overlaps %s (%s)", pc.AccepterVPC, c, pc.RequesterVPC, a)
						break overlap
					}
					p.add(pc.ID, path("peerings", i, "AccepterVPC"), pc.AccepterVPC, "%s (%s) overlaps %s (%s): AWS does not peer VPCs whose CIDR blocks overlap (a request between them fails)",
						pc.AccepterVPC, c, pc.RequesterVPC, a)
					break overlap
				}
			}
		}
	}
}

// checkPeeringRoute checks a route to a peering connection in table rt
// (item i): the connection exists and joins rt's VPC.
func checkPeeringRoute(p *problems, m *Model, rt *rtInfo, i int, cr *compiledRoute) {
	rp := path("routeTables", i, fmt.Sprintf("Routes[%d].TargetID", cr.index))
	pi, ok := m.peerings[cr.TargetID]
	switch {
	case !ok:
		p.add(rt.ID, rp, cr.TargetID, "unknown peering connection")
	case pi.bad:
	case pi.requester != rt.vpc && pi.accepter != rt.vpc:
		p.add(rt.ID, rp, cr.TargetID, "peering connection %s joins %s and %s, not %s", cr.TargetID, pi.RequesterVPC, pi.AccepterVPC, rt.VPC)
	}
}

// viaPeering sends pkt from subnet s (nil: from an edge route table)
// across the peering connection route cr of table rt names, into the peer
// VPC, which delivers it to the owner of its destination.
func (w *walker) viaPeering(pkt flow.Flow, s *subnetInfo, rt *rtInfo, cr *compiledRoute) arrival {
	if s != nil {
		w.networkACL(pkt, s, flow.Outbound)
	}
	pi := w.m.peerings[cr.TargetID]
	near, far := pi.ends(rt.vpc)
	h := Hop{Kind: KindPeering, ID: pi.ID, Name: pi.label(), Packet: pkt, Verdict: flow.Allow}
	src, dst := pkt.Src.Addr(), pkt.Dst.Addr()
	var nat *natInstanceRecord // an appliance's translation (peering_nat.go)
	if !near.contains(src) && far.contains(dst) && !peeringBlocked(pi) {
		nat = w.peeringNAT(pkt, near)
	}
	if nat != nil {
		pkt.Src = netip.AddrPortFrom(nat.private, pkt.Src.Port())
	} else if !near.contains(src) || !far.contains(dst) {
		h.Verdict, h.Code = flow.Deny, PeeringAddressOutsideVPC
		h.reason, h.Fix = w.m.peeringOutside(pi, near, far, src, dst, w.cameByTGW())
		return w.stop(h)
	}
	h.reason = fmt.Sprintf("the peering connection carries the packet from %s to %s", near.ID, far.ID)
	switch {
	case pi.Status == "" || pi.Status == PeeringActive:
	case documentedPeeringStatus(pi.Status) || pi.overlap != "":
		h.Verdict, h.Code = flow.Deny, PeeringNotActive
		h.reason = fmt.Sprintf("the peering connection is %s, not active: it carries nothing", pi.Status)
		h.Fix = peeringStatusFix(pi)
		if pi.overlap != "" {
			h.reason += fmt.Sprintf(" (%s, and AWS never peers VPCs whose CIDR blocks overlap)", pi.overlap)
			h.Fix = fmt.Sprintf("give %s and %s CIDR blocks that do not overlap, then peer them anew", pi.RequesterVPC, pi.AccepterVPC)
		}
	default:
		h.Verdict, h.Code = flow.Indeterminate, PeeringStatusUnknown
		h.reason = fmt.Sprintf("the peering connection's status is undecided, or one reachsim does not know (%q): whether it carries traffic is unknown", pi.Status)
		h.Missing = fmt.Sprintf("whether status %q of %s carries traffic", pi.Status, pi.ID)
		h.Fix = fmt.Sprintf("check the status of %s once it exists (aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids %s, or the accept_status Terraform shows after apply); only active carries traffic", pi.ID, pi.ID)
	}
	if nat != nil {
		h = w.peeringNATHop(h, nat, pi, near, far)
	}
	w.add(h)
	return w.deliverLocal(pkt, nil, far)
}

// peeringOutside explains why pi does not carry a packet from src to dst
// across it from near to far, and what would; came is the transit
// gateway the packet entered near by, when it did (walker.cameByTGW).
func (m *Model) peeringOutside(pi *peeringInfo, near, far *vpcInfo, src, dst netip.Addr, came *tgwRTInfo) (reason, fix string) {
	if !near.contains(src) {
		return fmt.Sprintf("%s is not an address of %s (%s): a peering connection carries only traffic from addresses of the VPC it leaves, so nothing that entered %s from the internet, a VPN, a transit gateway or another peering goes on across it (no edge-to-edge routing, no transit)%s",
				src, near.ID, prefixList(near.CIDRs), near.ID, cameWords(came, near)),
			m.transitSourceFix(came, near, far, dst)
	}
	if other := m.vpcAt(dst); other != nil {
		return fmt.Sprintf("%s is in %s, not in %s (%s): a peering connection delivers only to addresses of the peer VPC, and peering is not transitive",
				dst, other.ID, far.ID, prefixList(far.CIDRs)),
			fmt.Sprintf("peer %s with %s directly and route %s to that connection (or join them with a transit gateway)", near.ID, other.ID, dst)
	}
	if dst.Is6() && !dst.Is4In6() {
		// IPv6 leaves a VPC through an internet gateway or an egress-only
		// one; a NAT gateway translates only NAT64's prefix to IPv4
		return fmt.Sprintf("%s is not in %s (%s): a peering connection delivers only to addresses of the peer VPC, never on through its internet gateway, egress-only internet gateway, NAT gateways or VPN connections (no edge-to-edge routing)",
				dst, far.ID, prefixList(far.CIDRs)),
			fmt.Sprintf("give %s its own way out (an internet gateway or an egress-only one, a VPN), or relay through a proxy in %s", near.ID, far.ID)
	}
	return fmt.Sprintf("%s is not in %s (%s): a peering connection delivers only to addresses of the peer VPC, never on through its internet gateway, NAT gateways or VPN connections (no edge-to-edge routing)",
			dst, far.ID, prefixList(far.CIDRs)),
		fmt.Sprintf("give %s its own way out (an internet or NAT gateway, a VPN), or relay through a proxy in %s", near.ID, far.ID)
}

func peeringStatusFix(pi *peeringInfo) string {
	switch pi.Status {
	case "pending-acceptance":
		return fmt.Sprintf("the owner of %s accepts the request (aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id %s)", pi.AccepterVPC, pi.ID)
	case "initiating-request", "provisioning":
		return fmt.Sprintf("wait until %s is active", pi.ID)
	}
	return fmt.Sprintf("create a new peering connection between %s and %s, and route to it on both sides", pi.RequesterVPC, pi.AccepterVPC)
}

// peeringRouteFix proposes, for a packet from src to dst without a route
// in rt, a route to an active peering connection that joins rt's VPC with
// the VPC that holds dst, if there is one. Such a connection carries only
// packets from addresses of rt's VPC (PeeringAddressOutsideVPC): for a
// source outside it (one that came by a transit gateway, came: the table
// that routed it, a VPN, another peering or the internet) the route would
// not carry the packet, and the fix says so and what would instead.
func (m *Model) peeringRouteFix(rt *rtInfo, src, dst netip.Addr, came *tgwRTInfo) (string, bool) {
	other := m.vpcAt(dst)
	if other == nil {
		return "", false
	}
	for _, id := range slices.Sorted(maps.Keys(m.peerings)) {
		pi := m.peerings[id]
		near, far := pi.ends(rt.vpc)
		if near != rt.vpc || far != other || (pi.Status != "" && pi.Status != PeeringActive) {
			continue
		}
		for _, c := range other.CIDRs {
			if !c.Contains(dst) {
				continue
			}
			if !near.contains(src) {
				return fmt.Sprintf("a route for %s to the peering connection with %s would not carry it: a peering connection carries only traffic from addresses of the VPC it leaves, %s (%s), and %s is not one%s; %s",
					c, far.ID, near.ID, prefixList(near.CIDRs), src, cameWords(came, near), m.transitSourceFix(came, near, far, dst)), true
			}
			return fmt.Sprintf("add a route %s via %s to %s", c, pi.ID, rt.ID), true
		}
	}
	return "", false
}

// cameWords says, when came is set, that the packet entered near by its
// transit gateway.
func cameWords(came *tgwRTInfo, near *vpcInfo) string {
	if came == nil {
		return ""
	}
	return fmt.Sprintf(" (this packet entered %s by transit gateway %s)", near.ID, came.tgw.ID)
}

// transitSourceFix is the fix for a packet from outside near that a
// peering to far cannot carry to dst: joining the source's network to far
// directly (for a packet that came by a transit gateway, attaching far to
// it, routed by came; when far has an attachment to it already, only the
// routes), or a proxy in near.
func (m *Model) transitSourceFix(came *tgwRTInfo, near, far *vpcInfo, dst netip.Addr) string {
	if came != nil {
		blk := dst.String()
		for _, c := range far.CIDRs {
			if c.Contains(dst) {
				blk = c.String()
			}
		}
		if att := m.vpcAttachment(came.tgw, far); att != nil {
			return fmt.Sprintf("connect the source's network to %s directly: %s is attached to transit gateway %s, by which the packet came, already (%s): route %s to %s in %s, and route the source's blocks back to %s in %s's route tables (or give it a peering or a VPN of its own); or relay through a proxy in %s",
				far.ID, far.ID, came.tgw.ID, att.ID, blk, att.ID, came.ID, came.tgw.ID, far.ID, near.ID)
		}
		return fmt.Sprintf("connect the source's network to %s directly: attach %s to transit gateway %s, by which the packet came, route %s to that attachment in %s, and route the source's blocks back to %s in %s's route tables (or give it a peering or a VPN of its own); or relay through a proxy in %s",
			far.ID, far.ID, came.tgw.ID, blk, came.ID, came.tgw.ID, far.ID, near.ID)
	}
	return fmt.Sprintf("connect the source's network to %s directly (a peering, a transit gateway or a VPN of its own), or relay through a proxy in %s", far.ID, near.ID)
}

// vpcAttachment returns the attachment of v to transit gateway g, the
// first by ID when it has several; nil when it has none.
func (m *Model) vpcAttachment(g *tgwInfo, v *vpcInfo) *tgwAttInfo {
	var out *tgwAttInfo
	for _, a := range m.tgwAtts {
		if a.tgw == g && a.Type == "vpc" && a.VPC == v.ID && (out == nil || a.ID < out.ID) {
			out = a
		}
	}
	return out
}

// cameByTGW returns the transit gateway route table that routed the
// packet of this leg into the VPC it is in, when a transit gateway was
// its last way in (its last crossing between networks); nil otherwise.
// A quiet walk keeps fewer hops: the words may then leave it out.
func (w *walker) cameByTGW() *tgwRTInfo {
	hops := *w.hops
	for i := len(hops) - 1; i >= 0; i-- {
		switch hops[i].Kind {
		case KindTransitGateway:
			return w.m.tgwRTs[hops[i].ID] // nil for an attachment without a table
		case KindPeering, KindInternetGateway, KindInternet, KindEgressOnlyInternetGateway, KindUnmodelled, KindNATGateway, KindGatewayEndpoint, KindService:
			return nil
		}
	}
	return nil
}

// peered reports whether a peering connection joins VPCs a and b for
// addressing: queries between them (and Matrix's cells) address
// interfaces privately, and a security group rule of one may reference
// a group of the other. A connection counts when it is active, or of a
// status reachsim does not know (the walk leaves whether it carries
// traffic undecided, [PeeringStatusUnknown]); one of another status AWS
// documents ([PeeringStatuses]: deleted, rejected, expired, failed,
// pending-acceptance…) carries nothing and joins nothing, though AWS
// keeps listing it for hours or days, and neither does one between VPCs
// whose blocks overlap.
func (m *Model) peered(a, b *vpcInfo) bool {
	for _, pi := range m.peerings {
		if pi.overlap != "" || !peeringJoins(pi.Status) {
			continue
		}
		if pi.requester == a && pi.accepter == b || pi.requester == b && pi.accepter == a {
			return true
		}
	}
	return false
}

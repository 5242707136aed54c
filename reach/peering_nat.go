package reach

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
)

// An appliance's translation at a VPC peering connection.
//
// A peering connection carries only packets from an address of the VPC
// they leave ([PeeringAddressOutsideVPC]): a packet that entered the VPC
// from elsewhere (a transit gateway, a VPN, another peering) and that an
// appliance of the VPC forwarded to the connection is dropped there,
// unchanged. But the appliance may have replaced its source with its own
// address (a NAT instance, a Linux router with an iptables MASQUERADE
// rule: the usual way to reach a peered VPC from a network joined by a
// transit gateway), and then it crosses, d's reply coming back to the
// appliance, which sends it on to the original source. The input holds
// no instance configuration, so this is the internet gateway's NAT
// instance case again (walk_gateways.go, natInstanceRecord): the
// peering's hop is undecided ([ApplianceTranslationUnknown]) and the walk
// goes on as the translated packet would, from the address of the
// interface the appliance sends the packet out of (the last appliance
// that forwarded it, in the connection's near VPC); the reply, addressed
// to that interface, is handed back to the original source by
// natInstanceReply, as at the internet gateway (deliverLocal). A later
// certain block on the translated path still decides (the packet fails
// both ways). Only the source is translated: a destination outside the
// peer VPC stays a certain refusal, as does a connection whose status
// carries nothing; with no such appliance on the path the refusal stays
// certain too.
//
// An instance whose interfaces are otherwise alike for the packet
// (egressAlike) is not alike for a packet that may be translated at a
// peering: each interface has an address of its own, so the translated
// source, which the peer VPC's filters judge, depends on the interface
// the operating system picks.

// peeringBlocked reports whether connection pi carries nothing for
// certain: a status AWS documents other than active, or VPCs whose
// blocks overlap.
func peeringBlocked(pi *peeringInfo) bool {
	if pi.Status == "" || pi.Status == PeeringActive {
		return false
	}
	return documentedPeeringStatus(pi.Status) || pi.overlap != ""
}

// peeringNAT returns the translation the last appliance that forwarded
// pkt (a request whose source is outside near) may make before the
// peering connection from near: to the first address of the packet's
// family of the interface it sent the packet out of. Nil when no
// appliance of near forwarded it, on the reply, or when the walk
// already holds a translation.
func (w *walker) peeringNAT(pkt flow.Flow, near *vpcInfo) *natInstanceRecord {
	ap := w.forwarder
	if ap == nil || ap.subnet.vpc != near || w.leg != Forward || w.natInstance != nil {
		return nil
	}
	src := pkt.Src.Addr()
	private, ok := ap.addr(src.Is6() && !src.Is4In6())
	if !ok || private == src || !near.contains(private) {
		return nil
	}
	w.natInstance = &natInstanceRecord{ii: ap, orig: pkt.Src, private: private, peering: true}
	return w.natInstance
}

// peeringNATHop makes h, the hop of connection pi from near to far that
// the request r.orig reaches, its source replaced by r.private as
// appliance r.ii would if it translates it, undecided
// ([ApplianceTranslationUnknown]). A connection whose status reachsim
// does not know ([PeeringStatusUnknown]) says so too.
func (w *walker) peeringNATHop(h Hop, r *natInstanceRecord, pi *peeringInfo, near, far *vpcInfo) Hop {
	status := h.Code == PeeringStatusUnknown
	h.Verdict, h.Code, h.judge = flow.Indeterminate, ApplianceTranslationUnknown, nil
	if !w.explain {
		return h
	}
	if status {
		h.addDetail(h.reason)
	}
	h.reason = fmt.Sprintf("%s is not an address of %s (%s) and came through appliance %s: unchanged, the peering connection drops it (it carries only traffic from addresses of the VPC it leaves: no transit); if %s translates the source to its own address (a NAT instance, a router's source NAT or masquerade), it crosses from %s to %s, and %s's reply comes back to %s",
		r.orig.Addr(), near.ID, prefixList(near.CIDRs), r.ii.label(), r.ii.ID, r.private, far.ID, h.Packet.Dst.Addr(), r.ii.ID)
	h.Missing = r.missing()
	if status {
		h.Missing += fmt.Sprintf("; and whether status %q of %s carries traffic", pi.Status, pi.ID)
	}
	h.Fix = fmt.Sprintf("for a certain answer, connect the source's network to %s directly (a peering, a transit gateway or a VPN of its own), so that %s need not translate it, or relay through a proxy in %s",
		far.ID, r.ii.ID, near.ID)
	return h
}

// peeringNATAhead reports whether pkt, forwarded by appliance ii, comes
// from outside ii's VPC for a VPC peered with it by a connection that
// may carry traffic: there the appliance's translation, to the address
// of the interface it sends the packet out of, decides (see above).
func (m *Model) peeringNATAhead(pkt flow.Flow, ii *ifaceInfo) bool {
	vpc := ii.subnet.vpc
	src, dst := pkt.Src.Addr(), pkt.Dst.Addr()
	if vpc.contains(src) {
		return false
	}
	for _, pi := range m.peerings {
		if pi.bad || peeringBlocked(pi) {
			continue
		}
		if pi.requester == vpc && pi.accepter.contains(dst) || pi.accepter == vpc && pi.requester.contains(dst) {
			return true
		}
	}
	return false
}

package reach

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
)

// IPv6 through an appliance that may translate it (a NAT66 or NPTv6
// instance).
//
// AWS documents centralized IPv6 egress through instances that translate
// IPv6 to IPv6 (NAT66, or NPTv6, RFC 6296) ("Centralized egress for
// IPv6", Building a Scalable and Secure Multi-VPC AWS Network
// Infrastructure:
// https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-egress-for-ipv6.html),
// as it does the NAT instance for IPv4. Whether an appliance translates
// is in its operating system, which the input does not hold. So, as for
// the IPv4 NAT instance (natInstanceRecord), where an IPv6 request that
// an appliance forwarded (its source/destination check off or unknown,
// with a global IPv6 address of its own: walker.appliance6) reaches the
// internet gateway or the egress-only internet gateway of the
// appliance's VPC, and the packet unchanged would fail for certain there
// or on its way back, the gateway's hop is undecided
// ([ApplianceTranslationUnknown]) and the walk goes on as the translated
// packet would: from the appliance's own global IPv6 address (NPTv6 maps
// the source into a prefix of the appliance's instead: the same subnet,
// the same filters), the reply back to the appliance, which sends it on
// to the original source (natInstanceReply). The unchanged packet fails
// where its source is not a global address (offInternet: unique local,
// a VPC's private IPv6 block), or where it belongs to another VPC of the
// design that has no internet gateway, which no reply from the internet
// enters. Anywhere else the packet goes on unchanged, as before.

// nat66Address returns the first IPv6 address of ii that the internet
// routes (one a NAT66 instance could translate to), or the zero Addr.
func (m *Model) nat66Address(ii *ifaceInfo) netip.Addr {
	for _, a := range ii.PrivateIPs {
		if a.Is6() && !m.offInternet(a) {
			return a
		}
	}
	return netip.Addr{}
}

// nat66 returns the translation the appliance w.appliance6 may make of
// pkt, an IPv6 request at an internet gateway (or an egress-only one) of
// vpc, where the packet unchanged fails for certain; nil where it does
// not, or where no such appliance of vpc forwarded it.
func (w *walker) nat66(pkt flow.Flow, vpc *vpcInfo) *natInstanceRecord {
	ap := w.appliance6
	if ap == nil || ap.subnet.vpc != vpc || w.leg != Forward || w.natInstance != nil {
		return nil
	}
	src := pkt.Src.Addr()
	if !w.m.offInternet(src) {
		other := w.m.vpcAt(src)
		if other == nil || other == vpc || other.igw != nil {
			return nil // unchanged, it may get there and back
		}
	}
	private := w.m.nat66Address(ap)
	if !private.IsValid() || private == src {
		return nil
	}
	w.natInstance = &natInstanceRecord{ii: ap, orig: pkt.Src, private: private, nat66: true}
	return w.natInstance
}

// nat66Hop is hop h of the gateway gw (words) that the request r.orig
// sent reaches, its source replaced by r.private, as appliance r.ii
// would if it translates it: undecided ([ApplianceTranslationUnknown]).
func (w *walker) nat66Hop(h Hop, r *natInstanceRecord, gw string) Hop {
	h.Verdict, h.Code, h.judge = flow.Indeterminate, ApplianceTranslationUnknown, nil
	if !w.explain {
		return h
	}
	src := r.orig.Addr()
	unchanged := fmt.Sprintf("the source %s is not a public address (a unique local address or a VPC's private IPv6 block): unchanged, %s drops it", src, gw)
	if !w.m.offInternet(src) {
		other := w.m.vpcAt(src)
		unchanged = fmt.Sprintf("the source %s belongs to %s, which has no internet gateway: unchanged, no reply from the internet gets back to it", src, other.ID)
	}
	h.reason = fmt.Sprintf("%s, and it came through appliance %s; if %s translates it (a NAT66 or NPTv6 instance), it leaves from %s's global address %s, and the walk goes on as that packet would",
		unchanged, r.ii.label(), r.ii.ID, r.ii.ID, r.private)
	h.Missing = fmt.Sprintf("whether appliance %s replaces the source of the IPv6 packets it forwards with an address of its own (a NAT66 or NPTv6 instance's operating system does; the input holds no instance configuration)", r.ii.ID)
	h.Fix = fmt.Sprintf("send the source's IPv6 internet traffic from a global address of its own VPC to that VPC's internet gateway or egress-only internet gateway instead of through %s (AWS's gateways translate no IPv6)", r.ii.ID)
	return h
}

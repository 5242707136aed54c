package reach

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
)

// The Amazon DNS server (Route 53 Resolver) of a VPC.
//
// Every VPC has one, at the base of its primary IPv4 CIDR block plus two
// (10.0.0.2 in 10.0.0.0/16), and at 169.254.169.253 (and fd00:ec2::253
// for instances built on the Nitro System) from every instance of the
// VPC. It answers DNS queries (udp and tcp port 53) from the VPC's own
// resources only, and neither security groups nor network ACLs filter
// the traffic to it or from it
// (https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html,
// https://docs.aws.amazon.com/vpc/latest/userguide/nacl-basics.html).
// The walk takes a packet from an interface to an address of its own
// VPC's DNS server straight there (no security group, route table or
// network ACL judges it) and the reply straight back.
//
// A VPC's primary CIDR block is the first IPv4 block of [VPC.CIDRs]
// (aws.Load puts describe-vpcs' CidrBlock first). Whether the VPC's
// enableDnsSupport attribute is on is not in describe-vpcs: it is
// assumed on (AWS's default) unless [VPC.DNSSupportDisabled] says
// otherwise. Route 53 Resolver endpoints are not modelled.

// KindAmazonDNS: the Amazon DNS server (Route 53 Resolver) of a VPC; the
// hop's ID is the VPC's, its Name the address the packet is sent to.
const KindAmazonDNS Kind = "amazon-dns"

// The Amazon DNS server's explanation codes, reachsim's own.
const (
	// AmazonDNSOnlyDNS: traffic to the Amazon DNS server that is not DNS
	// (udp or tcp port 53): nothing else listens there.
	AmazonDNSOnlyDNS Code = "AMAZON_DNS_ONLY_DNS"
	// AmazonDNSOutsideVPC: a packet for a VPC's Amazon DNS server from
	// outside the VPC (a peered VPC, a transit gateway, the internet):
	// the server answers the VPC's own resources only.
	AmazonDNSOutsideVPC Code = "AMAZON_DNS_OUTSIDE_VPC"
	// AmazonDNSDisabled: the VPC's enableDnsSupport attribute is off
	// ([VPC.DNSSupportDisabled]), so its Amazon DNS server answers no one.
	AmazonDNSDisabled Code = "AMAZON_DNS_DISABLED"
	// AmazonDNSIndeterminate: a query the Amazon DNS server answers or
	// not on what the input does not hold; the hop is undecided. A query
	// to fd00:ec2::253, the server's IPv6 address, which answers
	// instances built on the Nitro System only, from an instance outside
	// an IPv6-only subnet (the input does not say the instance type; AWS
	// launches only Nitro instances in an IPv6-only subnet); a query to
	// 169.254.169.253 from an instance with no IPv4 address, in an
	// IPv6-only subnet, which AWS answers when AmazonProvidedDNS is the
	// name server of the VPC's DHCP options (the input holds none); a
	// query a NAT gateway of the VPC itself sent on (NAT64 of
	// 64:ff9b::a00:2, say), of which AWS documents nothing.
	AmazonDNSIndeterminate Code = "AMAZON_DNS_INDETERMINATE"
)

// The Amazon DNS server's addresses that every VPC shares, and its port.
var (
	amazonDNSLinkLocal = netip.AddrFrom4([4]byte{169, 254, 169, 253})
	amazonDNSNitro6    = netip.MustParseAddr("fd00:ec2::253")
)

const dnsPort = 53

// amazonDNSAddr returns the address of the Amazon DNS server of a VPC
// with blocks cidrs: the base of the first IPv4 block plus two; none for
// a VPC without IPv4.
func amazonDNSAddr(cidrs []netip.Prefix) netip.Addr {
	for _, c := range cidrs {
		if c.Addr().Is4() {
			return c.Masked().Addr().Next().Next()
		}
	}
	return netip.Addr{}
}

// isAmazonDNS reports whether a is an address of an Amazon DNS server:
// one every VPC shares, or the base-plus-two address of vpc (nil: none).
func isAmazonDNS(a netip.Addr, vpc *vpcInfo) bool {
	return a == amazonDNSLinkLocal || a == amazonDNSNitro6 || vpc != nil && a == vpc.dns
}

// amazonDNSFor reports whether a packet from src to dst goes to the
// Amazon DNS server of src's VPC. An interface that holds the VPC's
// base-plus-two address (AWS reserves it) keeps it; an Alibaba Cloud
// instance's VPC has no Amazon DNS server.
func (m *Model) amazonDNSFor(src *ifaceInfo, dst netip.Addr) bool {
	v := src.subnet.vpc
	switch dst {
	case amazonDNSLinkLocal, amazonDNSNitro6:
	case v.dns:
		if ii, ok := m.byPrivate[dst]; ok && ii.subnet.vpc == v {
			return false
		}
	default:
		return false
	}
	return !src.isAlibaba()
}

// isDNS reports whether pkt is a DNS query: udp or tcp to port 53.
func isDNS(pkt flow.Flow) bool {
	return (pkt.Protocol == flow.UDP || pkt.Protocol == flow.TCP) && pkt.Dst.Port() == dnsPort
}

// toAmazonDNS takes pkt from the interface src straight to the Amazon
// DNS server of its VPC, which amazonDNSFor found it addressed to. A
// block there is lifted, as every block whose path beyond is known: the
// reply is walked too, so every port and protocol meets the same hops.
func (w *walker) toAmazonDNS(pkt flow.Flow, src *ifaceInfo) arrival {
	v, dst := src.subnet.vpc, pkt.Dst.Addr()
	if w.bounds != nil && pkt.Protocol.HasPorts() {
		w.bounds.Add(flow.FieldDstPort, dnsPort, dnsPort) // the walk tells port 53 apart
	}
	h := Hop{Kind: KindAmazonDNS, ID: v.ID, Packet: pkt, Verdict: flow.Allow}
	if w.explain {
		h.Name = dst.String()
		h.reason = fmt.Sprintf("delivered to the Amazon DNS server (Route 53 Resolver) of %s, which answers DNS from the VPC's own resources; security groups, network ACLs and route tables do not apply to it", v.ID)
	}
	switch {
	case v.DNSSupportDisabled:
		h.Verdict, h.Code = flow.Deny, AmazonDNSDisabled
		if w.explain {
			h.reason = fmt.Sprintf("enableDnsSupport is off in %s: its Amazon DNS server answers no one", v.ID)
			h.Fix = fmt.Sprintf("turn DNS support on (aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-support), or use a DNS server of your own", v.ID)
		}
	case !isDNS(pkt):
		h.Verdict, h.Code = flow.Deny, AmazonDNSOnlyDNS
		if w.explain {
			h.reason = fmt.Sprintf("%s is the Amazon DNS server of %s, which answers DNS only (udp and tcp port 53), not %s", dst, v.ID, pkt.Traffic())
			h.Fix = "send DNS queries (udp or tcp port 53) to it: nothing else listens there"
		}
	case dst == amazonDNSLinkLocal && src.subnet.ipv6Only():
		h.Verdict, h.Code = flow.Indeterminate, AmazonDNSIndeterminate
		if w.explain {
			h.reason = fmt.Sprintf("%s has no IPv4 address (its subnet %s is IPv6-only): AWS says %s stays reachable from an IPv6-only subnet as long as AmazonProvidedDNS is the name server of the VPC's DHCP options; the packet's source %s stands for the IPv4 link-local address the instance gives itself", src.label(), src.subnet.ID, dst, pkt.Src.Addr())
			h.Missing = fmt.Sprintf("whether the DHCP options of %s name AmazonProvidedDNS as their name server (the input holds no DHCP options)", v.ID)
			h.Fix = fmt.Sprintf("check the VPC's DHCP options (aws ec2 describe-vpcs --vpc-ids %s, then describe-dhcp-options), or query the Amazon DNS server at %s", v.ID, amazonDNSNitro6)
		}
	case dst == amazonDNSNitro6 && !src.subnet.ipv6Only():
		h.Verdict, h.Code = flow.Indeterminate, AmazonDNSIndeterminate
		if w.explain {
			h.reason = fmt.Sprintf("%s is the Amazon DNS server's IPv6 address, which answers instances built on the Nitro System only", dst)
			h.Missing = fmt.Sprintf("whether the instance of %s is built on the Nitro System (the input does not say its instance type)", src.label())
			h.Fix = fmt.Sprintf("check the instance type, or query the Amazon DNS server over IPv4 (%s or %s)", v.dns, amazonDNSLinkLocal)
		}
	}
	w.add(h)
	return arrival{ok: true, pkt: pkt, dns: v}
}

// ipv6OnlyLinkLocal is the source of a query's packet from an interface
// with no IPv4 address (in an IPv6-only subnet) to 169.254.169.253
// (ipv6OnlyDNSSource): it stands for the IPv4 link-local address the
// instance gives itself, which AWS does not document.
var ipv6OnlyLinkLocal = netip.AddrFrom4([4]byte{169, 254, 0, 1})

// ipv6OnlyDNSSource returns the source address of a query from src, an
// AWS interface with no IPv4 address in an IPv6-only subnet, to dst,
// 169.254.169.253 over IPv4: AWS says that address stays reachable from
// an IPv6-only subnet (when AmazonProvidedDNS is the name server of the
// DHCP options: toAmazonDNS). ok is false for any other query.
func ipv6OnlyDNSSource(src, dst endpoint, v6 bool) (netip.Addr, bool) {
	ii := src.iface
	if v6 || ii == nil || src.addr.IsValid() || dst.addr != amazonDNSLinkLocal || ii.isAlibaba() || !ii.subnet.ipv6Only() {
		return netip.Addr{}, false
	}
	if _, ok := ii.addr(false); ok {
		return netip.Addr{}, false
	}
	return ipv6OnlyLinkLocal, true
}

// ipv6Only reports whether s has no IPv4 block (an IPv6-only subnet:
// AWS launches only instances built on the Nitro System there).
func (s *subnetInfo) ipv6Only() bool {
	for _, c := range s.CIDRs {
		if c.Addr().Is4() {
			return false
		}
	}
	return len(s.CIDRs) > 0
}

// fromAmazonDNS brings the reply pkt of the Amazon DNS server of vpc
// straight back to the interface that asked.
func (w *walker) fromAmazonDNS(pkt flow.Flow, vpc *vpcInfo) arrival {
	h := Hop{Kind: KindAmazonDNS, ID: vpc.ID, Packet: pkt, Verdict: flow.Allow}
	if w.explain {
		h.Name = pkt.Src.Addr().String()
		h.reason = fmt.Sprintf("the reply goes straight back to %s: security groups and network ACLs do not filter the Amazon DNS server's traffic", pkt.Dst.Addr())
	}
	w.add(h)
	ii, _ := w.m.ifaceByAddr(pkt.Dst.Addr())
	return arrival{ok: true, pkt: pkt, iface: ii}
}

// amazonDNSOutside is the hop of a packet for the Amazon DNS server of
// vpc that comes from outside the VPC.
func amazonDNSOutside(pkt flow.Flow, vpc *vpcInfo) Hop {
	dst := pkt.Dst.Addr()
	return Hop{Kind: KindAmazonDNS, ID: vpc.ID, Name: dst.String(), Packet: pkt, Verdict: flow.Deny, Code: AmazonDNSOutsideVPC,
		reason: fmt.Sprintf("%s is the Amazon DNS server of %s, which answers the VPC's own resources only, not a peered VPC, a transit gateway, a VPN or the internet", dst, vpc.ID),
		Fix:    fmt.Sprintf("query the Amazon DNS server of the source's own VPC, or create a Route 53 Resolver inbound endpoint in %s (reachsim does not model them)", vpc.ID)}
}

// amazonDNSTranslated is the hop of pkt, routed to the Amazon DNS server
// of vpc at its base-plus-two address, from a NAT gateway of vpc itself
// (it translated the packet: NAT64 of 64:ff9b::a00:2, or IPv4 NAT of a
// packet from a peer): the server answers the VPC's own resources, but
// AWS documents nothing of a query a NAT gateway sends on, so a DNS
// query is undecided ([AmazonDNSIndeterminate]); anything else it
// refuses as it refuses it from an instance. ok is false for a packet
// from anything else (outside the VPC: amazonDNSOutside).
func (w *walker) amazonDNSTranslated(pkt flow.Flow, vpc *vpcInfo) (Hop, bool) {
	ni, ok := w.m.natAddr[pkt.Src.Addr()]
	if !ok || ni.subnet.vpc != vpc {
		return Hop{}, false
	}
	if w.bounds != nil && pkt.Protocol.HasPorts() {
		w.bounds.Add(flow.FieldDstPort, dnsPort, dnsPort) // the walk tells port 53 apart
	}
	explain := w.explain
	dst := pkt.Dst.Addr()
	h := Hop{Kind: KindAmazonDNS, ID: vpc.ID, Name: dst.String(), Packet: pkt, Verdict: flow.Indeterminate, Code: AmazonDNSIndeterminate}
	switch {
	case vpc.DNSSupportDisabled:
		h.Verdict, h.Code = flow.Deny, AmazonDNSDisabled
		if explain {
			h.reason = fmt.Sprintf("enableDnsSupport is off in %s: its Amazon DNS server answers no one", vpc.ID)
			h.Fix = fmt.Sprintf("turn DNS support on (aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-support), or use a DNS server of your own", vpc.ID)
		}
	case !isDNS(pkt):
		h.Verdict, h.Code = flow.Deny, AmazonDNSOnlyDNS
		if explain {
			h.reason = fmt.Sprintf("%s is the Amazon DNS server of %s, which answers DNS only (udp and tcp port 53), not %s", dst, vpc.ID, pkt.Traffic())
			h.Fix = "send DNS queries (udp or tcp port 53) to it: nothing else listens there"
		}
	case explain:
		h.reason = fmt.Sprintf("%s is the Amazon DNS server of %s, which answers the VPC's own resources; this query comes from NAT gateway %s of %s, which translated it: AWS does not document whether the server answers a query a NAT gateway sends on", dst, vpc.ID, ni.ID, vpc.ID)
		h.Missing = fmt.Sprintf("whether the Amazon DNS server of %s answers a query NAT gateway %s translated (AWS documents nothing of it)", vpc.ID, ni.ID)
		h.Fix = fmt.Sprintf("query the Amazon DNS server straight from the instance (fd00:ec2::253 over IPv6 on the Nitro System, or %s or %s over IPv4), not through NAT gateway %s", amazonDNSLinkLocal, dst, ni.ID)
	}
	return h, true
}

// nat64DNS reports whether a is the NAT64 address of a VPC's Amazon DNS
// server (64:ff9b::a00:2 for 10.0.0.2), whose hop tells port 53 apart
// when a NAT gateway of that VPC translates the query
// (amazonDNSTranslated).
func (m *Model) nat64DNS(a netip.Addr) bool {
	if !nat64Prefix.Contains(a) {
		return false
	}
	v4 := nat64Embedded(a)
	for _, v := range m.vpcOrder {
		if v.dns == v4 {
			return true
		}
	}
	return false
}

// amazonDNSFromInternet is the hop of a packet from the internet for an
// address every VPC's Amazon DNS server shares (169.254.169.253,
// fd00:ec2::253): it is no VPC's in particular and answers a VPC's own
// resources only, so the internet reaches none ([AmazonDNSOutsideVPC],
// as for a VPC's base-plus-two address).
func amazonDNSFromInternet(pkt flow.Flow) Hop {
	dst := pkt.Dst.Addr()
	return Hop{Kind: KindInternet, ID: "internet", Name: dst.String(), Packet: pkt, Verdict: flow.Deny, Code: AmazonDNSOutsideVPC,
		reason: fmt.Sprintf("%s is the address of every VPC's Amazon DNS server, which answers the VPC's own resources only, not the internet", dst),
		Fix:    "query the Amazon DNS server from an instance of the VPC, or create a Route 53 Resolver inbound endpoint (reachsim does not model them)"}
}

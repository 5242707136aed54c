package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// The gateways' own rules: which protocols a NAT gateway carries, which
// addresses an internet gateway refuses, what becomes of a reply that a
// NAT gateway translates, and the public address of each private address
// of an interface.

// PublicIP maps a private IPv4 address of an interface to the public or
// Elastic IPv4 address the internet gateway translates it to, in both
// directions: traffic from Private leaves with source Public, traffic to
// Public arrives at Private. An Elastic IP associated with a secondary
// private address is one.
type PublicIP struct {
	Private netip.Addr
	Public  netip.Addr
}

// buildPublicIPs checks and indexes the public addresses of interface i:
// [Interface.PublicIP] for its first private IPv4 address, and
// [Interface.PublicIPs] for any of them. An entry of PublicIPs for the
// first private IPv4 address is that address's public IP: the model's
// copy holds it in PublicIP, as if given there, so that every question
// that takes the interface's public IP from PublicIP (Check and Sources
// by ID, Audit, Matrix, Diff) meets it.
func buildPublicIPs(p *problems, m *Model, i int, in Interface, ii *ifaceInfo) {
	ii.PublicIPs = slices.Clone(in.PublicIPs)
	ii.publicOf = map[netip.Addr]netip.Addr{}
	ii.privateOf = map[netip.Addr]netip.Addr{}
	add := func(ap string, private, public netip.Addr) {
		switch {
		case !public.Is4():
			p.add(in.ID, ap, public.String(), "public and Elastic IPs are IPv4; IPv6 addresses are private addresses that the internet can reach")
		case !private.Is4() && ap == path("interfaces", i, "PublicIP"):
			p.add(in.ID, ap, public.String(), "a public IP maps to a private IPv4 address, and the interface has none")
		case !private.Is4():
			p.add(in.ID, ap, private.String(), "a public IP maps to a private IPv4 address of the interface")
		case !slices.Contains(in.PrivateIPs, private):
			p.add(in.ID, ap, private.String(), "not a private address of the interface")
		case ii.publicOf[private].IsValid():
			p.add(in.ID, ap, public.String(), "%s already has the public address %s", private, ii.publicOf[private])
		case notPublic4(p, in.ID, ap, public):
		case claimAddr(p, m, in.ID, ap, public):
			m.byPublic[public] = ii
			ii.publicOf[private] = public
			ii.privateOf[public] = private
		}
	}
	if in.PublicIP.IsValid() && in.AddressUnknown == "" { // else mapped to the placeholder (placeUnknown)
		add(path("interfaces", i, "PublicIP"), firstV4(ii), in.PublicIP)
	}
	first := firstV4(ii)
	for j, pp := range in.PublicIPs {
		ap := path("interfaces", i, fmt.Sprintf("PublicIPs[%d]", j))
		if in.PublicIPUnknown != "" && in.AddressUnknown == "" && pp.Private == first {
			p.add(in.ID, ap, pp.Public.String(), "the public IP of %s, the first private IPv4 address, is known only later (PublicIPUnknown), yet PublicIPs gives it", first)
			continue
		}
		add(ap, pp.Private, pp.Public)
	}
	if pub := ii.publicOf[first]; first.IsValid() && pub.IsValid() && !in.PublicIP.IsValid() && in.AddressUnknown == "" {
		ii.PublicIP = pub
		ii.PublicIPs = slices.DeleteFunc(ii.PublicIPs, func(pp PublicIP) bool { return pp.Private == first })
		if len(ii.PublicIPs) == 0 {
			ii.PublicIPs = nil
		}
	}
}

// notPublic4 reports whether a, given at path ap of resource id as a
// public IPv4 address (an interface's public or Elastic IP, a NAT
// gateway's), is one AWS never gives as such: an address the internet
// gateway does not route (unroutable: private, shared, loopback,
// link-local, multicast, broadcast, or in a non-global special-purpose
// block, privateSource4's among them). It adds the problem when it is.
// The documentation blocks (192.0.2.0/24, 198.51.100.0/24,
// 203.0.113.0/24) stand for public addresses and pass, as does
// 240.0.0.0/4, the placeholders' block (placePublic), which Build gives
// only after this check.
func notPublic4(p *problems, id, ap string, a netip.Addr) bool {
	if !a.Is4() || !unroutable(a) {
		return false
	}
	p.add(id, ap, a.String(), "%s is not a public address (%s): AWS never gives it as a public or Elastic IP, and the internet gateway would drop the traffic sent from or to it",
		a, specialKind4(a))
	return true
}

// specialKind4 names the kind of IPv4 address a, one unroutable reports.
func specialKind4(a netip.Addr) string {
	switch b := a.As4(); {
	case b[0] == 10 || b[0] == 172 && b[1]&0xf0 == 16 || b[0] == 192 && b[1] == 168:
		return "private, RFC 1918"
	case b[0] == 100 && b[1]&0xc0 == 64:
		return "shared, 100.64.0.0/10"
	case b[0] == 127:
		return "loopback, 127.0.0.0/8"
	case b[0] == 169 && b[1] == 254:
		return "link-local, 169.254.0.0/16"
	case b[0]&0xf0 == 224:
		return "multicast, 224.0.0.0/4"
	case b == [4]byte{255, 255, 255, 255}:
		return "broadcast"
	case b[0] == 0:
		return "\"this network\", 0.0.0.0/8"
	case b[0] == 198 && b[1]&0xfe == 18:
		return "benchmarking, 198.18.0.0/15"
	case b[0] == 192 && b[1] == 0 && b[2] == 0:
		return "IETF protocol assignments, 192.0.0.0/24"
	}
	return "not globally reachable"
}

// internetEnds lists the addresses at which the internet meets ii, of
// the family, one per private address that meets it. For IPv6, every
// IPv6 address of ii, the first first: each is a global address the
// internet gateway delivers to as it is. For IPv4, as the destination
// (fromInternet), its first address's public IPv4 address when it has
// one, else that address; then the public or Elastic IP of each of its
// other private IPv4 addresses that has one ([Interface.PublicIPs]). As
// the source, the private addresses themselves (the internet gateway
// maps them). It is nil when ii has no address of the family.
func (ii *ifaceInfo) internetEnds(v6, fromInternet bool) []netip.Addr {
	first, ok := ii.addr(v6)
	if !ok {
		return nil
	}
	var out []netip.Addr
	switch {
	case fromInternet && !v6 && ii.PublicIP.IsValid():
		out = append(out, ii.PublicIP)
	case !fromInternet && ii.privateOf[first].IsValid():
		out = append(out, ii.privateOf[first])
	default:
		out = append(out, first)
	}
	if v6 {
		for _, a := range ii.PrivateIPs {
			if a.Is6() && a != first {
				out = append(out, a)
			}
		}
		return out
	}
	for _, a := range ii.PrivateIPs {
		pub := ii.publicOf[a]
		if a == first || !a.Is4() || !pub.IsValid() {
			continue
		}
		if fromInternet {
			out = append(out, pub)
		} else {
			out = append(out, a)
		}
	}
	return out
}

// natCarries reports whether a NAT gateway translates protocol p.
func natCarries(p flow.Protocol) bool {
	return p == flow.TCP || p == flow.UDP || p == flow.ICMP
}

// natProtocol is the hop of a NAT gateway that drops a packet of a
// protocol it does not carry (GRE, ESP, ...), or false.
func natProtocol(pkt flow.Flow, ni *natInfo) (Hop, bool) {
	if natCarries(pkt.Protocol) {
		return Hop{}, false
	}
	return Hop{Kind: KindNATGateway, ID: ni.ID, Name: ni.Name, Packet: pkt, Verdict: flow.Deny, Code: NATUnsupportedProtocol,
		reason: fmt.Sprintf("a NAT gateway translates TCP, UDP and ICMP only; it drops %s", pkt.Protocol),
		Fix:    "send this protocol from an address the internet gateway maps (a public or Elastic IP), or tunnel it over UDP"}, true
}

// natReply is the hop of a NAT gateway a reply is routed to: it would
// leave with the NAT gateway's address as its source, not the address
// the client connected to, so the client drops it.
func natReply(pkt flow.Flow, ni *natInfo, s *subnetInfo, expected netip.Addr) Hop {
	own := ni.PrivateIP.String()
	if ni.PublicIP.IsValid() {
		own += ", " + ni.PublicIP.String() + " on the internet"
	}
	where := "the route table"
	if s != nil {
		where = s.rt.ID
	}
	return Hop{Kind: KindNATGateway, ID: ni.ID, Name: ni.Name, Packet: pkt, Verdict: flow.Deny, Code: ReplyViaNAT,
		reason: fmt.Sprintf("the reply is routed to NAT gateway %s, which would replace its source with its own address (%s); %s expects the reply from %s and drops it",
			ni.ID, own, pkt.Dst.Addr(), expected),
		Fix: fmt.Sprintf("give %s a route for %s that does not lead to the NAT gateway (the internet gateway, for clients on the internet), or serve from a subnet whose default route is the internet gateway, or behind a load balancer",
			where, pkt.Dst.Addr())}
}

// unroutable reports whether the internet gateway refuses a as the
// destination of a packet it sends to the internet: a private (RFC 1918,
// unique local), shared (100.64.0.0/10), loopback, link-local or
// otherwise non-global address, IANA's non-global special-purpose blocks
// of both families (nonGlobal4, nonGlobal6) included.
//
// An IPv4 address is judged by its bytes (the same blocks netip's
// methods tell apart, and nonGlobal4's, held to them by
// TestUnroutableAgreesWithNetip): a query from outside the design asks
// it several times.
func unroutable(a netip.Addr) bool {
	if a.Is4() {
		b := a.As4()
		switch {
		case b[0] == 10, b[0] == 127, b[0]&0xf0 == 224, // private, loopback, multicast
			b[0] == 172 && b[1]&0xf0 == 16, b[0] == 192 && b[1] == 168, // private
			b[0] == 100 && b[1]&0xc0 == 64, b[0] == 169 && b[1] == 254: // shared, link-local
			return true
		}
		return b == [4]byte{255, 255, 255, 255} || nonGlobalSpecial4(b) // broadcast; unspecified in 0.0.0.0/8
	}
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || !a.IsGlobalUnicast() || nonGlobalSpecial6(a)
}

// nonGlobal4 are the blocks of the IANA IPv4 Special-Purpose Address
// Registry (https://www.iana.org/assignments/iana-ipv4-special-registry/)
// that it marks not globally reachable, beyond the private (RFC 1918),
// shared (100.64.0.0/10), loopback, link-local, multicast and broadcast
// ones: "this network" 0.0.0.0/8 (RFC 791, a source only, 0.0.0.0
// among them), the IETF protocol assignments 192.0.0.0/24 (RFC 6890)
// but for its two globally reachable entries, the PCP anycast address
// 192.0.0.9 (RFC 7723) and the TURN anycast address 192.0.0.10 (RFC
// 8155), and benchmarking 198.18.0.0/15 (RFC 2544). Left on the internet:
// the documentation blocks (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24:
// package doc) and the reserved 240.0.0.0/4, whose addresses stand for
// public addresses known only later (publicSpace). nonGlobalSpecial4
// tests the same addresses by their bytes.
var nonGlobal4 = func() []netip.Prefix {
	ietf := addrset.Of(netip.MustParsePrefix("192.0.0.0/24")).
		Difference(addrset.Of(netip.MustParsePrefix("192.0.0.9/32"), netip.MustParsePrefix("192.0.0.10/32")))
	out := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/8")}
	out = append(out, ietf.Prefixes()...)
	return append(out, netip.MustParsePrefix("198.18.0.0/15"))
}()

// nonGlobalSpecial4 reports whether the IPv4 address of bytes b is in a
// block of nonGlobal4.
func nonGlobalSpecial4(b [4]byte) bool {
	switch {
	case b[0] == 0: // this network
		return true
	case b[0] == 198 && b[1]&0xfe == 18: // benchmarking
		return true
	case b[0] == 192 && b[1] == 0 && b[2] == 0: // IETF protocol assignments
		return b[3] != 9 && b[3] != 10 // PCP and TURN anycast are global
	}
	return false
}

// nonGlobal6 are the blocks of the IANA IPv6 Special-Purpose Address
// Registry (https://www.iana.org/assignments/iana-ipv6-special-registry/)
// that it marks not globally reachable, beyond those netip tells apart
// (loopback, unspecified, link-local, multicast) and unique local
// fc00::/7: the IPv4-compatible addresses ::/96 (deprecated, RFC 4291),
// local-use IPv4/IPv6 translation 64:ff9b:1::/48 (RFC 8215), discard-only
// 100::/64 (RFC 6666), the dummy prefix 100:0:0:1::/64 (RFC 9780), the
// IETF protocol assignments 2001::/23 but for their globally reachable
// or undecided entries (Teredo 2001::/32, the anycast addresses
// 2001:1::1 to 2001:1::3, AMT 2001:3::/32, AS112 2001:4:112::/48,
// ORCHIDv2 2001:20::/28, DETs 2001:30::/28), benchmarking 2001:2::/48 and
// the deprecated ORCHID 2001:10::/28 among them, and SRv6 SIDs 5f00::/16
// (RFC 9602). The documentation blocks 2001:db8::/32 and 3fff::/20 are
// left on the internet (package doc). IPv4-mapped ::ffff:0:0/96 is no
// IPv6 address a query names (netip unmaps it).
var nonGlobal6 = func() []netip.Prefix {
	ietf := addrset.Of(netip.MustParsePrefix("2001::/23"))
	for _, s := range []string{"2001::/32", "2001:1::1/128", "2001:1::2/128", "2001:1::3/128",
		"2001:3::/32", "2001:4:112::/48", "2001:20::/28", "2001:30::/28"} {
		ietf = ietf.Difference(addrset.Of(netip.MustParsePrefix(s)))
	}
	out := ietf.Prefixes() // benchmarking 2001:2::/48 and ORCHID 2001:10::/28 among them
	for _, s := range []string{"::/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "5f00::/16"} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// nonGlobalSpecial6 reports whether a is in a block of nonGlobal6.
func nonGlobalSpecial6(a netip.Addr) bool {
	if !a.Is6() || a.Is4In6() {
		return false
	}
	if b := a.As16(); b[0]&0xe0 == 0x20 && (b[0] != 0x20 || b[1] != 0x01 || b[2] > 0x01) {
		return false // in 2000::/3, outside 2001::/23: global unicast
	}
	for _, p := range nonGlobal6 {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// privateOrShared reports whether a is an RFC 1918 or 100.64.0.0/10
// (RFC 6598) IPv4 address.
func privateOrShared(a netip.Addr) bool {
	if !a.Is4() {
		return false
	}
	b := a.As4()
	return b[0] == 10 || b[0] == 172 && b[1]&0xf0 == 16 || b[0] == 192 && b[1] == 168 || b[0] == 100 && b[1]&0xc0 == 64
}

// privateSource4 reports whether a is an IPv4 address the internet
// gateway refuses as the source of a packet from the internet, and a
// host outside the design may send from privately (privateSource): an
// RFC 1918 or 100.64.0.0/10 address (privateOrShared), or one of IANA's
// other blocks not globally reachable (nonGlobal4: 0.0.0.0/8, the
// unspecified 0.0.0.0 among them, as :: is among IPv6's ::/96).
func privateSource4(a netip.Addr) bool {
	return a.Is4() && (privateOrShared(a) || nonGlobalSpecial4(a.As4()))
}

// privateOnInternet is the internet gateway's hop that drops a packet to
// or from an address the internet does not route.
func privateOnInternet(h Hop, a netip.Addr, to bool) Hop {
	h.Verdict, h.Code = flow.Deny, PrivateAddressOnInternet
	if to {
		h.reason = fmt.Sprintf("%s is not a public address: the internet gateway does not send packets to it", a)
		h.Fix = "address the destination by its public IP, or connect the networks privately (peering, transit gateway, VPN)"
	} else {
		h.reason = fmt.Sprintf("the source %s is not a public address: the internet gateway drops packets from it", a)
		h.Fix = "connect from a public address, or connect the networks privately (peering, transit gateway, VPN)"
	}
	return h
}

// blocked reports whether a hop of the leg so far has a code.
func (w *walker) blocked() bool {
	hops := *w.hops
	for i := range hops { // by index: a hop is 264 bytes
		if hops[i].Leg == w.leg && hops[i].Code != "" {
			return true
		}
	}
	return false
}

// backIn reports whether the internet sends a packet to dst, leaving
// vpc's internet gateway, back into the design: dst is an interface's or
// a NAT gateway's public address, or an IPv6 address of an interface in
// another VPC that the internet routes (not unique local, not of a
// private block: offInternet).
func (m *Model) backIn(dst netip.Addr, vpc *vpcInfo) bool {
	if _, ok := m.byPublic[dst]; ok {
		return true
	}
	if ni, ok := m.natAddr[dst]; ok {
		if _, public := ni.privateFor(dst); public {
			return true
		}
	}
	ii, ok := m.ifaceByAddr(dst)
	return ok && dst.Is6() && ii.subnet.vpc != vpc && !m.offInternet(dst)
}

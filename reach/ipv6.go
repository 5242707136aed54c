package reach

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// What the internet does not route (private IPv6 blocks, unique local
// addresses), interfaces that drop what the internet sends them
// (DenyAllIgwTraffic), and prefixes delegated to interfaces.

// DenyAllIGWTraffic: the internet gateway drops a connection the internet
// opens to an interface whose DenyAllIgwTraffic attribute is true
// ([Interface.DenyAllIGWTraffic]). On the reply of a connection the
// interface opened the hop is undecided: AWS does not say whether such
// replies are dropped.
const DenyAllIGWTraffic Code = "DENY_ALL_IGW_TRAFFIC"

// privateBlock is a private IPv6 block of a VPC ([VPC.PrivateIPv6]).
type privateBlock struct {
	prefix netip.Prefix
	vpc    *vpcInfo
}

// delegation is a prefix delegated to an interface
// ([Interface.DelegatedPrefixes]).
type delegation struct {
	prefix netip.Prefix
	iface  *ifaceInfo
}

// buildIPv6 checks and indexes the VPCs' private IPv6 blocks and the
// prefixes delegated to interfaces.
func (b *Builder) buildIPv6(p *problems, m *Model) {
	for i, v := range b.vpcs {
		vi, ok := m.vpcs[v.ID]
		if !ok || len(v.PrivateIPv6) == 0 || b.skip("vpcs", i, v.ID) {
			continue
		}
		vi.PrivateIPv6 = nil
		for j, c := range v.PrivateIPv6 {
			ap := path("vpcs", i, fmt.Sprintf("PrivateIPv6[%d]", j))
			switch {
			case !c.IsValid() || !c.Addr().Is6() || c.Addr().Is4In6():
				p.add(v.ID, ap, c.String(), "not an IPv6 block")
			case !slices.ContainsFunc(vi.CIDRs, func(vc netip.Prefix) bool { return vc.Bits() <= c.Bits() && vc.Contains(c.Addr()) }):
				p.add(v.ID, ap, c.String(), "outside every CIDR block of %s (%s)", vi.ID, prefixList(vi.CIDRs))
			default:
				vi.PrivateIPv6 = append(vi.PrivateIPv6, c.Masked())
				m.privateV6 = append(m.privateV6, privateBlock{c.Masked(), vi})
			}
		}
	}
	for _, ii := range m.ifaceOrder {
		in := ii.Interface
		ii.DelegatedPrefixes = nil
		alibaba := alibabaGroups(ii.Groups, m.groups) // an ECS interface, whose vSwitch reserves other addresses (builder_addrs.go)
		for j, c := range in.DelegatedPrefixes {
			ap := path("interfaces", ii.index, fmt.Sprintf("DelegatedPrefixes[%d]", j))
			switch {
			case !c.IsValid() || c.Addr().Is4In6():
				p.add(in.ID, ap, c.String(), "not a CIDR block")
			case !b.freeDelegated && (c.Addr().Is4() && c.Bits() != 28 || c.Addr().Is6() && c.Bits() != 80):
				p.add(in.ID, ap, c.String(), "a delegated prefix is an IPv4 /28 or an IPv6 /80, the only lengths AWS delegates to an interface (Amazon EC2 User Guide, \"Assign prefixes to network interfaces\")")
			case !slices.ContainsFunc(ii.subnet.CIDRs, func(sc netip.Prefix) bool { return sc.Bits() <= c.Bits() && sc.Contains(c.Addr()) }):
				p.add(in.ID, ap, c.String(), "outside subnet %s (%s)", ii.subnet.ID, prefixList(ii.subnet.CIDRs))
			case reservedIn(ii.subnet.CIDRs, c, alibaba).IsValid() && alibaba:
				p.add(in.ID, ap, c.String(), "holds %s, which Alibaba Cloud reserves in vSwitch %s (the first address and the last three of its IPv4 block, the first and the last nine of its IPv6 block) and never assigns",
					reservedIn(ii.subnet.CIDRs, c, alibaba), ii.subnet.ID)
			case reservedIn(ii.subnet.CIDRs, c, alibaba).IsValid():
				p.add(in.ID, ap, c.String(), "holds %s, which AWS reserves in subnet %s (the first four and the last address of each of its blocks): AWS never delegates it",
					reservedIn(ii.subnet.CIDRs, c, alibaba), ii.subnet.ID)
			default:
				ii.DelegatedPrefixes = append(ii.DelegatedPrefixes, c.Masked())
				m.delegated = append(m.delegated, delegation{c.Masked(), ii})
			}
		}
	}
	b.indexDelegated(p, m) // delegated.go
}

// reservedIn returns the first address of c that the cloud reserves in
// the subnet block holding it (assignable: AWS's first four and last of
// each block, or, when alibaba, Alibaba Cloud's rule for a vSwitch), or
// the zero Addr when c holds none.
func reservedIn(blocks []netip.Prefix, c netip.Prefix, alibaba bool) netip.Addr {
	for _, sc := range blocks {
		if sc.Bits() > c.Bits() || !sc.Contains(c.Addr()) {
			continue
		}
		r, ok := assignable(sc, alibaba)
		switch first := c.Masked().Addr(); {
		case !ok || first.Less(r.From):
			return first
		case r.To.Less(addrset.Last(c)):
			return r.To.Next()
		}
	}
	return netip.Addr{}
}

// privateBlockOf returns the private IPv6 block of a VPC that holds a.
func (m *Model) privateBlockOf(a netip.Addr) (privateBlock, bool) {
	for _, pb := range m.privateV6 {
		if pb.prefix.Contains(a) {
			return pb, true
		}
	}
	return privateBlock{}, false
}

// offInternet reports whether the internet does not route a: a private,
// shared, loopback, link-local or otherwise non-global address
// (unroutable, unique local fc00::/7 included), or an address of a VPC's
// private IPv6 block.
func (m *Model) offInternet(a netip.Addr) bool {
	if unroutable(a) {
		return true
	}
	_, ok := m.privateBlockOf(a)
	return ok && a.Is6()
}

// The directions of a packet an internet gateway drops for an address
// the internet does not route (offInternetHop).
const (
	offTo   = iota // to the internet, for that destination
	offFrom        // to the internet, from that source
	offIn          // from the internet, for that destination
)

// offInternetHop is hop h of an internet gateway (or an egress-only one,
// named by gw) that drops a packet for or from a, an address the
// internet does not route (offInternet), in direction dir.
func (m *Model) offInternetHop(h Hop, a netip.Addr, dir int, gw string) Hop {
	h = privateOnInternet(h, a, dir != offFrom)
	if a.Is4() {
		return h // as privateOnInternet words it
	}
	what := "a unique local or otherwise non-global address"
	if pb, ok := m.privateBlockOf(a); ok {
		what = fmt.Sprintf("in %s, a private IPv6 block of %s that AWS does not advertise on the internet", pb.prefix, pb.vpc.ID)
	}
	switch dir {
	case offTo:
		h.reason = fmt.Sprintf("%s is not a public address (%s): %s does not send packets to it", a, what, gw)
	case offFrom:
		h.reason = fmt.Sprintf("the source %s is not a public address (%s): %s does not send its packets to the internet, where no reply could come back to it", a, what, gw)
		h.Fix = "give the interface an address of a public IPv6 block for internet traffic, or route it through a resource with a public IPv6 address"
	default:
		h.reason = fmt.Sprintf("%s is not a public address (%s): the internet does not route packets for it to %s", a, what, gw)
		h.Fix = "address the destination by an address of a public IPv6 block, or connect the networks privately (peering, transit gateway, VPN)"
	}
	return h
}

// denyAllIGW is hop h of the internet gateway (or an egress-only one)
// for a packet from the internet to interface ii,
// whose DenyAllIgwTraffic is true: a connection the internet opens is
// dropped; the reply of one the interface opened is undecided.
func (w *walker) denyAllIGW(h Hop, ii *ifaceInfo) Hop {
	h.judge = nil
	if w.leg == Forward {
		h.Verdict, h.Code = flow.Deny, DenyAllIGWTraffic
		h.reason = fmt.Sprintf("%s has DenyAllIgwTraffic set: AWS drops inbound traffic from the internet to it", ii.label())
		h.Fix = fmt.Sprintf("reach %s from a peered VPC or through a transit gateway, or use an interface without DenyAllIgwTraffic for internet traffic", ii.label())
		return h
	}
	h.Verdict, h.Code = flow.Indeterminate, DenyAllIGWTraffic
	h.reason = fmt.Sprintf("%s has DenyAllIgwTraffic set: AWS drops inbound traffic from the internet to it", ii.label())
	h.Missing = fmt.Sprintf("whether AWS drops the replies of connections %s opens to the internet (its documentation says only that inbound traffic from the internet is dropped)", ii.label())
	h.Fix = fmt.Sprintf("test a connection from %s to the internet, or send its internet traffic from an interface without DenyAllIgwTraffic", ii.label())
	return h
}

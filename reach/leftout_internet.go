package reach

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
)

// The internet's packets for the addresses of network interfaces the
// design holds but does not model (UnmodelledAddress, HostlessAddress):
// they cross the VPC's internet gateway as a modelled interface's do, so
// that gateway's verdicts (no internet gateway, VPC Block Public Access,
// a private address the internet cannot address) are certain whatever
// holds the address; only what the holder then does is not.

// leftOutEntry is the way the internet's packet enters the design for an
// address of an interface left out of the model.
type leftOutEntry struct {
	vpc    *vpcInfo
	holder *subnetInfo // the subnet whose CIDR holds the interface's address
	// private is the address the internet gateway hands the packet to:
	// the destination itself for an IPv6 one, the interface's private
	// address for its public IPv4 one, invalid for a private IPv4 one
	// (the internet cannot address it)
	private netip.Addr
	// owner names the interface, for the gateway's words
	owner string
	// end is the undecided hop at the address once in (an unmodelled
	// one's), nil for a hostless one, whose private address the walk
	// goes on to (a certain drop naming the interface: hostless.go)
	end *Hop
}

// leftOutEntry returns how the internet's packet pkt enters the design
// for its destination, an address of an interface left out of the model
// whose VPC and subnet the design holds: one inside the VPC's blocks
// that an unmodelled address declares, or the public IPv4 address of an
// interface whose (unmodelled or hostless) addresses name it
// (LeftOutNames). ok is false for any other, and when the subnet is not
// known: its Block Public Access exclusions would be.
func (m *Model) leftOutEntry(pkt flow.Flow) (e leftOutEntry, ok bool) {
	dst := pkt.Dst.Addr()
	u := m.unmodelled[dst]
	_, hostless := m.hostless[dst]
	switch {
	case u != nil && u.vpc != nil:
		e = leftOutEntry{vpc: u.vpc, holder: subnetHolding(u.vpc, dst), owner: u.Owner}
		if dst.Is6() {
			e.private = dst
		}
		h := unmodelledHopOf(pkt, u, "in "+u.vpc.ID)
		e.end = &h
	case u != nil || hostless && m.vpcAt(dst) == nil && !m.holds(dst):
		lo := m.leftOutHolding(dst)
		if lo == nil || lo.vpc == nil || !dst.Is4() {
			return leftOutEntry{}, false
		}
		for _, a := range lo.addrs {
			if a.Is4() && m.vpcAt(a) == lo.vpc {
				e.private = a
				break
			}
		}
		if !e.private.IsValid() {
			return leftOutEntry{}, false
		}
		e.vpc, e.holder, e.owner = lo.vpc, subnetHolding(lo.vpc, e.private), lo.id
		if u != nil {
			h := unmodelledHopOf(pkt, u, "a public address")
			e.end = &h
		}
	default:
		return leftOutEntry{}, false
	}
	return e, e.holder != nil
}

// subnetHolding returns the subnet of vpc whose blocks hold a, or nil.
func subnetHolding(vpc *vpcInfo, a netip.Addr) *subnetInfo {
	for _, s := range vpc.subnets {
		for _, c := range s.CIDRs {
			if c.Contains(a) {
				return s
			}
		}
	}
	return nil
}

// leftOutHolding returns the interface left out of the model whose
// declarations hold a, or nil.
func (m *Model) leftOutHolding(a netip.Addr) *leftOutIface {
	var owner string
	if u, ok := m.unmodelled[a]; ok {
		owner = u.Owner
		if u.Interface != "" {
			owner = u.Interface
		}
	} else if h, ok := m.hostless[a]; ok {
		owner = h.Owner
		if h.Interface != "" {
			owner = h.Interface
		}
	}
	r := m.leftOutNames[owner]
	if owner == "" || r.kind != nameID {
		return nil
	}
	return r.ifaces[0]
}

// hostlessPublicHop is the hop of the internet's packet for pkt's
// destination, the public IPv4 address of an interface that delivers to
// no host (a stopped instance's Elastic IP), when the way in is not
// known (leftOutEntry): a certain drop naming the interface.
func (m *Model) hostlessPublicHop(pkt flow.Flow) (Hop, bool) {
	dst := pkt.Dst.Addr()
	x, ok := m.hostless[dst]
	if !ok || m.vpcAt(dst) != nil || m.holds(dst) {
		return Hop{}, false
	}
	what := x.What
	if what == "" {
		what = "resource that delivers to no host"
	}
	return Hop{Kind: KindInternet, ID: "internet", Packet: pkt, Verdict: flow.Deny, Code: UnknownDestination,
		reason: fmt.Sprintf("%s is the public address of %s (%s), which delivers it to no host", dst, x.Owner, what),
		Fix:    fmt.Sprintf("attach %s to a running instance (or start its instance), or check the destination address", x.Owner)}, true
}

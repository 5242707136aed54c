package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// HostlessAddress is an address inside a VPC of the design that a
// resource holds which delivers a packet for it to no host: a network
// interface attached to nothing, or one of a stopped instance (aws.Load
// declares both). A packet for it is dropped for certain, as one for an
// address nothing holds ([UnknownDestination]), but the hop names Owner
// and What instead of saying that nothing owns the address. An address
// the design gives to anything else (an interface, a NAT gateway, an
// unmodelled resource) is that thing's: the declaration then says
// nothing. Address may also be the public IPv4 address of such an
// interface (an Elastic IP stays associated while its instance is
// stopped): the internet's packet for it crosses the internet gateway of
// the VPC of the interface's other addresses ([LeftOutNames]) and finds
// no host, a certain drop naming Owner.
type HostlessAddress struct {
	Address netip.Addr
	// Owner is the ID of what holds it ("eni-0b").
	Owner string
	// What says in words what Owner is ("network interface attached to
	// nothing"), for the trace; "" reads as "resource that delivers to no
	// host".
	What string
	// LeftOutNames are the names a query may give the network interface
	// that holds Address, beside the address itself ([LeftOutNames]).
	LeftOutNames
}

// AddHostlessAddress declares addresses held by resources that deliver
// to no host ([HostlessAddress]).
func (b *Builder) AddHostlessAddress(h ...HostlessAddress) *Builder {
	b.hostless = append(b.hostless, h...)
	return b
}

// buildHostless checks the hostless addresses: each a plain address with
// the ID of what holds it.
func (b *Builder) buildHostless(p *problems, m *Model) {
	for i, h := range b.hostless {
		switch {
		case h.Owner == "" || strings.ContainsAny(h.Owner, " \t\n"):
			p.add(h.Owner, path("hostlessAddresses", i, "Owner"), h.Owner, "a hostless address needs the ID of what holds it, without spaces")
			continue
		case !h.Address.IsValid() || h.Address.Is4In6() || h.Address.Zone() != "":
			p.add(h.Owner, path("hostlessAddresses", i, "Address"), h.Address.String(), "not a plain IPv4 or IPv6 address")
			continue
		}
		if m.hostless == nil {
			m.hostless = map[netip.Addr]HostlessAddress{}
		}
		m.hostless[h.Address] = h
	}
}

// HostlessAddresses returns the addresses declared with
// [Builder.AddHostlessAddress], sorted by address.
func (m *Model) HostlessAddresses() []HostlessAddress {
	out := make([]HostlessAddress, 0, len(m.hostless))
	for _, h := range m.hostless {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b HostlessAddress) int { return a.Address.Compare(b.Address) })
	return out
}

// hostlessWords rewords h, the hop of a packet for an address nothing of
// the design holds, when a hostless address's owner holds it.
func (m *Model) hostlessWords(h *Hop, vpc *vpcInfo) {
	dst := h.Packet.Dst.Addr()
	x, ok := m.hostless[dst]
	if !ok {
		return
	}
	what := x.What
	if what == "" {
		what = "resource that delivers to no host"
	}
	h.reason = fmt.Sprintf("%s in %s belongs to %s (%s), which delivers it to no host", dst, vpc.ID, x.Owner, what)
	h.Fix = fmt.Sprintf("attach %s to a running instance (or start its instance), or check the destination address", x.Owner)
}

package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/sg"
)

// Addresses known only later. A design read from a plan (a Terraform
// plan that creates instances) may not know an interface's private IPv4
// address: AWS picks a free address of the subnet at launch
// ([Interface.AddressUnknown]). Build gives such an interface a
// placeholder, the highest free address of its subnet (AWS reserves the
// first four and the last), which the walks use like any address, its
// groups' membership included. Whether the answers this gives hold for
// the address AWS will pick is decided once per interface, when a
// question first involves it: the design tells two addresses apart only
// where a CIDR block of a security group rule (or a prefix list it
// names), a network ACL entry, a route (of a VPC or a transit gateway
// route table) or a Network Firewall rule has an edge between them. When
// no such edge falls inside the addresses the interface could get (its
// subnet's usable addresses, less those other resources hold), every
// answer is the same whichever AWS picks, and the placeholder's is
// exact. Otherwise an answer that involves the interface (a query from or
// to it) is [Indeterminate], and [Result.Unknowns] names the value and
// the edges; the set questions refuse it with an error wrapping
// [ErrQuery]. Group membership does not tell addresses apart: it follows
// the interface, whatever its address. The rule is conservative: an edge
// anywhere in the design counts, on the query's path or not.

// addrUnknown is what an interface whose address is unknown could have.
type addrUnknown struct {
	what  string      // the value, as Interface.AddressUnknown names it
	could addrset.Set // the addresses it could get
	once  sync.Once
	cuts  []netip.Addr // the design's edges inside could, computed once
}

// placeUnknown gives each interface whose address is unknown its
// placeholder, once every known address is claimed.
func placeUnknown(p *problems, m *Model) {
	for _, ii := range m.unknownIfaces {
		var v4 netip.Prefix
		for _, c := range ii.subnet.CIDRs {
			if c.Addr().Is4() {
				v4 = c
				break
			}
		}
		if !v4.IsValid() || v4.Bits() > 29 {
			p.add(ii.ID, path("interfaces", ii.index, "AddressUnknown"), ii.AddressUnknown, "subnet %s has no IPv4 block to place it in", ii.subnet.ID)
			continue
		}
		first := v4.Masked().Addr().Next().Next().Next().Next() // AWS reserves the network address and the next three
		last := addrset.Last(v4).Prev()                         // and the broadcast address
		could := addrset.OfRanges(addrset.Range{From: first, To: last})
		var taken []addrset.Range
		for a, owner := range m.owners {
			if v4.Contains(a) && !strings.HasPrefix(owner, unknownOwner) {
				taken = append(taken, addrset.Range{From: a, To: a})
			}
		}
		could = could.Difference(addrset.OfRanges(taken...))
		ph, ok := placeholder(could, m)
		if !ok {
			p.add(ii.ID, path("interfaces", ii.index, "AddressUnknown"), ii.AddressUnknown, "subnet %s has no free address left", ii.subnet.ID)
			continue
		}
		m.owners[ph] = unknownOwner + ii.ID
		m.byPrivate[ph] = ii
		ii.PrivateIPs = append([]netip.Addr{ph}, ii.PrivateIPs...)
		for _, g := range ii.Groups {
			if ms := m.members[g]; ms != nil {
				ms[ph] = true
			}
		}
		ii.unknown = &addrUnknown{what: ii.AddressUnknown, could: could}
		if pub := ii.Interface.PublicIP; pub.IsValid() && pub.Is4() && claimAddr(p, m, ii.ID, path("interfaces", ii.index, "PublicIP"), pub) {
			m.byPublic[pub] = ii
			ii.publicOf[ph], ii.privateOf[pub] = pub, ph
		}
	}
}

// unknownOwner marks, in Model.owners, an address given to an interface
// whose address is unknown: another such interface could get it too.
const unknownOwner = "(placeholder) "

// placeholder returns the highest address of could that nothing holds.
func placeholder(could addrset.Set, m *Model) (netip.Addr, bool) {
	rs := could.Ranges()
	for i := len(rs) - 1; i >= 0; i-- {
		for a := rs[i].To; ; a = a.Prev() {
			if _, held := m.owners[a]; !held {
				return a, true
			}
			if a == rs[i].From {
				break
			}
		}
	}
	return netip.Addr{}, false
}

// cutsOf returns the edges of the design inside the addresses u could
// get, computed at the first call.
func (m *Model) cutsOf(u *addrUnknown) []netip.Addr {
	u.once.Do(func() { u.cuts = m.findCuts(u.could) })
	return u.cuts
}

// findCuts returns, sorted, the edges of the design's CIDR blocks that
// fall inside could: an address of could whose predecessor is in could
// too, on the other side of the edge.
func (m *Model) findCuts(could addrset.Set) []netip.Addr {
	b := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr)
	add := func(p netip.Prefix) { b.AddPrefix(flow.FieldDstAddr, p) }
	for _, rt := range m.rts {
		for _, cr := range rt.routes {
			for _, p := range cr.prefixes {
				add(p)
			}
		}
	}
	for _, t := range m.tgwRTs {
		for _, r := range t.routes {
			add(r.Destination)
		}
	}
	for _, a := range m.acls {
		for _, e := range a.acl.Entries {
			add(e.CIDR)
		}
	}
	for _, g := range m.groups {
		for _, r := range g.Rules {
			switch r.Peer.Kind {
			case sg.PeerCIDR:
				add(r.Peer.CIDR)
			case sg.PeerPrefixList:
				for _, p := range m.lists[r.Peer.PrefixList] {
					add(p)
				}
			}
		}
	}
	for _, f := range m.firewalls {
		protos := append([]flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, 253}, f.engine.Protocols()...)
		for _, proto := range slices.Compact(slices.Sorted(slices.Values(protos))) {
			fb := f.addressBounds(flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(netip.IPv4Unspecified(), 0), Dst: netip.AddrPortFrom(netip.IPv4Unspecified(), 0)})
			b.MergeField(flow.FieldDstAddr, fb, flow.FieldSrcAddr)
			b.MergeField(flow.FieldDstAddr, fb, flow.FieldDstAddr)
		}
	}
	var cuts []netip.Addr
	for _, r := range could.Ranges() {
		atoms := b.AddrAtoms(flow.FieldDstAddr, r.From, r.To)
		for _, a := range atoms[1:] {
			cuts = append(cuts, a.From)
		}
	}
	return cuts
}

// unknownsOf returns, for the interfaces at the ends of a question whose
// address is unknown and which the design's edges tell apart, what the
// answer depends on.
func (m *Model) unknownsOf(ends ...*ifaceInfo) []string {
	var out []string
	for _, ii := range ends {
		if ii == nil || ii.unknown == nil {
			continue
		}
		if cuts := m.cutsOf(ii.unknown); len(cuts) > 0 {
			out = append(out, fmt.Sprintf("%s is known only later, and the design tells apart addresses %s could get (it could be any of %s; edges at %s)",
				ii.unknown.what, ii.label(), ii.unknown.could, addrList(cuts)))
		}
	}
	return out
}

// addrList writes up to five addresses, and how many more.
func addrList(as []netip.Addr) string {
	parts := make([]string, 0, 6)
	for i, a := range as {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(as)-5))
			break
		}
		parts = append(parts, a.String())
	}
	return strings.Join(parts, ", ")
}

// unknownErr is the error of a set question that involves an interface
// whose unknown address the design tells apart.
func (m *Model) unknownErr(ends ...*ifaceInfo) error {
	if u := m.unknownsOf(ends...); len(u) > 0 {
		return fmt.Errorf("%w: the answer depends on a value known only later: %s", ErrQuery, strings.Join(u, "; "))
	}
	return nil
}

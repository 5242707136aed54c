package reach

import (
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// docBlocks[fam][k] is the neighbourhood of docProbes[fam][k]: its
// documentation block (RFC 5737), and for IPv6 the /48 of RFC 3849's
// block that holds it. The audit's stand-in must be treated as the rest
// of the internet is, which it is when no block of the design names its
// neighbourhood or anything inside it (standIn).
var docBlocks = [2][]netip.Prefix{
	{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("192.0.2.0/24")},
	{netip.MustParsePrefix("2001:db8:ffff::/48")},
}

// standIn returns the internet address of the family that stands, in a
// closed audit finding, for the addresses within (the opening rules'
// addresses) that the service is closed to: the first of internetProbe's
// documentation addresses that is an internet address inside within and
// that no block of the design tells apart from the rest of the internet,
// so that its blocking session is every such address's. That is, the
// atom of designAddressEdges holding it strictly holds its neighbourhood
// (docBlocks): no route, security group rule, network ACL entry,
// firewall rule or VPC block starts or ends inside that block, nor names
// it exactly. An Alibaba Cloud group that drops 198.51.100.0/24 at a
// higher priority than it opens 0.0.0.0/0 tells 198.51.100.1 apart, and
// its session would be closed by that very group. When every candidate
// is told apart (the opening rule itself names 198.51.100.0/24, say),
// it is internetProbe's answer, as before.
func (m *Model) standIn(v6 bool, within []addrset.Range) (netip.Addr, bool) {
	fam := 0
	if v6 {
		fam = 1
	}
	edges := m.designEdges()
	for k, doc := range docProbes[fam] {
		if !inRanges(doc, within) {
			continue
		}
		if _, ok := m.internetIn(flow.AddrRange{From: doc, To: doc}); !ok {
			continue
		}
		from, to := atomAround(edges, doc)
		b := docBlocks[fam][k]
		first, last := b.Masked().Addr(), addrset.Last(b)
		if from.Compare(first) <= 0 && to.Compare(last) >= 0 && (from != first || to != last) {
			return doc, true
		}
	}
	return m.internetProbe(v6, within)
}

// inRanges reports whether the sorted ranges within hold a (nil: every
// address).
func inRanges(a netip.Addr, within []addrset.Range) bool {
	if within == nil {
		return true
	}
	for _, r := range within {
		if !a.Less(r.From) && !r.To.Less(a) {
			return true
		}
	}
	return false
}

// atomAround is the first and last address of the atom of the sorted
// edges (each the first address of an atom, both families' starts among
// them: designAddressEdges) that holds a.
func atomAround(edges []netip.Addr, a netip.Addr) (from, to netip.Addr) {
	lo, hi := familyRange(a.Is6())
	i, found := slices.BinarySearchFunc(edges, a, netip.Addr.Compare)
	if !found {
		i--
	}
	from, to = lo, hi
	if i >= 0 && edges[i].Is6() == a.Is6() {
		from = edges[i]
	}
	if i+1 < len(edges) && edges[i+1].Is6() == a.Is6() {
		to = edges[i+1].Prev()
	}
	return from, to
}

// designEdges is designAddressEdges, computed once; the caller must not
// change it.
func (m *Model) designEdges() []netip.Addr {
	m.sets.edgesOnce.Do(func() { m.sets.edges = m.designAddressEdges() })
	return m.sets.edges
}

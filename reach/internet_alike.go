package reach

import (
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Internet pieces alike. addressCuts cuts the internet at every route's
// destination, so a table of 1,000 /24 routes makes some 2,000 pieces,
// though its routes send them to a few targets. A set question (Matrix,
// Audit, Lint, Sources) walks each piece; pieces that every route table
// of the design sends alike and every filter judges alike walk alike, so
// only the first of them is walked and the others take its answer.
//
// Two pieces are alike when
//   - neither holds an edge of what tells addresses apart but routes:
//     the special blocks, the NAT64 prefix, VPC, subnet, private IPv6,
//     delegated and unmodelled blocks (nonRouteBlocks), the blocks of
//     every security group rule and network ACL entry (filterBlocks)
//     and the firewalls' rules' edges (addFirewallEdges);
//   - the same of those blocks hold both, and both lie in one atom of
//     the firewalls' edges: every check of the walk but a route lookup,
//     and every filter, treats their addresses alike;
//   - every route table of the design (VPC and transit gateway) finds,
//     for both, a route to the same place, told apart by all but its
//     destination (routeWords, tgwRouteWords), or none for both; and a
//     route whose destination is known only later could change both
//     lookups alike or neither: the walk takes the same way on both.
//
// A piece is alike to no other (walked on its own) when a route lookup
// may do more than choose a route: a tie of prefix-list routes, a host
// route; inside the NAT64 prefix (its IPv4 image is routed and
// filtered); and on a design where what the input lacks may tell
// addresses apart (interfaces whose address is known only later, peers
// known only later, groups and prefix lists the input does not hold,
// a transit gateway table with routes it does not hold). The callers
// walk the first piece of a kind as before and hand its answer to the
// others only when that walk found the piece one atom (no filter on the
// way cut it) and, for the matrix, the piece meets the end at the same
// address (idAddress).

// alikeCache is what telling internet pieces alike computes once per
// model.
type alikeCache struct {
	// off walks every piece on its own (set by a test before the first
	// question, to compare); walks counts the walks of pieces that set
	// questions of the internet make (internetMiddlesAt, internetUnion,
	// addrSourcesEach, internetPortBounds), for tests
	off   atomic.Bool
	walks atomic.Int64
	once  sync.Once
	// edges are where something but a route tells internet addresses
	// apart: the first address of every atom of the non-route cuts, of
	// every filter's blocks and of the firewalls' rules; fwEdges the
	// firewalls' alone
	edges, fwEdges []netip.Addr
	// blocks numbers every block of the non-route cuts and the filters
	// (nonRouteBlocks, filterBlocks), masked; lens are their lengths, per
	// family (IPv4, IPv6)
	blocks map[netip.Prefix]int32
	lens   [2][]int
	// lead, per slice of pieces (internetPieces' IPv4, IPv6, and
	// internetDestinations' IPv6), is each piece's alike kind: the index
	// of the first piece of its kind (its own for that one), -1 for a
	// piece walked on its own
	lead [3]struct {
		once sync.Once
		lead []int32
	}
}

// alike fills m.sets.alike's blocks and edges, once, and returns it.
func (m *Model) alike() *alikeCache {
	c := &m.sets.alike
	c.once.Do(func() {
		c.blocks = map[netip.Prefix]int32{}
		b := flow.NewBounds(flow.FieldSrcAddr)
		add := func(p netip.Prefix) {
			p = p.Masked()
			if !p.IsValid() {
				return
			}
			b.AddPrefix(flow.FieldSrcAddr, p)
			if _, ok := c.blocks[p]; !ok {
				c.blocks[p] = int32(len(c.blocks))
				fam := 0
				if p.Addr().Is6() {
					fam = 1
				}
				if !slices.Contains(c.lens[fam], p.Bits()) {
					c.lens[fam] = append(c.lens[fam], p.Bits())
				}
			}
		}
		m.nonRouteBlocks(add)
		m.filterBlocks(add)
		fw := flow.NewBounds(flow.FieldSrcAddr)
		m.addFirewallEdges(fw)
		c.fwEdges = atomStarts(fw)
		b.MergeField(flow.FieldSrcAddr, fw, flow.FieldSrcAddr)
		c.edges = atomStarts(b)
	})
	return c
}

// addrAtomOf returns the index of the atom of the sorted edges that holds
// a, and whether the range from a to to lies inside it.
func addrAtomOf(edges []netip.Addr, a, to netip.Addr) (int, bool) {
	at, _ := slices.BinarySearchFunc(edges, a, func(e, a netip.Addr) int {
		if e.Compare(a) <= 0 {
			return -1
		}
		return 1
	})
	return at, at == len(edges) || to.Less(edges[at])
}

// pieceLeads returns, for the full slice of pieces of kind k (0: IPv4,
// 1: IPv6, 2: IPv6 destinations), the index of the first piece of each
// one's kind, -1 for a piece alike to no other. Computed once.
func (m *Model) pieceLeads(k int, pieces []flow.AddrRange) []int32 {
	c := &m.sets.alike.lead[k]
	c.once.Do(func() { c.lead = m.alikeLeads(pieces) })
	return c.lead
}

// alikeLeads computes pieceLeads for pieces.
func (m *Model) alikeLeads(pieces []flow.AddrRange) []int32 {
	lead := make([]int32, len(pieces))
	for i := range lead {
		lead[i] = -1
	}
	if m.sets.alike.off.Load() || len(m.unknownIfaces) > 0 || len(m.unknownPeers) > 0 || len(m.unresolved) > 0 ||
		len(m.unresolvedLists) > 0 || len(m.maybeMember) > 0 {
		return lead // what the input lacks may tell addresses apart
	}
	c := m.alike()
	rts := make([]*rtInfo, 0, len(m.rts))
	for _, rt := range m.rts {
		rts = append(rts, rt)
	}
	sort.Slice(rts, func(i, j int) bool { return rts[i].ID < rts[j].ID })
	tgws := make([]*tgwRTInfo, 0, len(m.tgwRTs))
	for _, t := range m.tgwRTs {
		if len(t.hidden) > 0 {
			return lead // a lookup may depend on routes the input lacks
		}
		tgws = append(tgws, t)
	}
	sort.Slice(tgws, func(i, j int) bool { return tgws[i].ID < tgws[j].ID })
	ids := map[string]int32{} // a route's words but its destination, numbered
	vpcIDs := map[*compiledRoute]int32{}
	tgwIDs := map[*tgwCompiled]int32{}
	intern := func(s string) int32 {
		n, ok := ids[s]
		if !ok {
			n = int32(len(ids))
			ids[s] = n
		}
		return n
	}
	first := map[string]int32{}
	var key []byte
	for i, p := range pieces {
		if nat64Prefix.Contains(p.From) || nat64Prefix.Contains(p.To) || p.From.Less(nat64Prefix.Addr()) && nat64Prefix.Addr().Less(p.To) {
			continue // its IPv4 image is routed and filtered
		}
		// p must lie inside one atom of what tells addresses apart but
		// routes; its key holds the blocks that hold it and its atom of
		// the firewalls' edges
		if _, inside := addrAtomOf(c.edges, p.From, p.To); !inside {
			continue
		}
		at, _ := addrAtomOf(c.fwEdges, p.From, p.To)
		key = strconv.AppendInt(key[:0], int64(at), 36)
		fam := 0
		if p.From.Is6() {
			fam = 1
		}
		for _, bits := range c.lens[fam] {
			if n, ok := c.blocks[netip.PrefixFrom(p.From, bits).Masked()]; ok {
				key = append(key, ',')
				key = strconv.AppendInt(key, int64(n), 36)
			}
		}
		alone := false
		for _, rt := range rts {
			cr, via, ok := rt.lookup(p.From)
			key = append(key, '|')
			if ok {
				if cr.tied != nil || via.Bits() == p.From.BitLen() {
					alone = true
					break
				}
				n, seen := vpcIDs[cr]
				if !seen {
					n = intern(routeWords(cr))
					vpcIDs[cr] = n
				}
				key = strconv.AppendInt(key, int64(n), 36)
			}
			if len(rt.unknown) > 0 {
				u := rt.unknownRoute(p.From, cr, ok)
				key = append(key, '?')
				if u != nil {
					key = strconv.AppendInt(key, int64(intern(routeWords(&compiledRoute{Route: *u}))), 36)
				}
			}
		}
		for _, t := range tgws {
			if alone {
				break
			}
			r, ok := t.lookup(p.From)
			key = append(key, '#')
			if ok {
				if r.Destination.Bits() == p.From.BitLen() {
					alone = true
					break
				}
				n, seen := tgwIDs[r]
				if !seen {
					n = intern(tgwRouteWords(r))
					tgwIDs[r] = n
				}
				key = strconv.AppendInt(key, int64(n), 36)
			}
		}
		if alone {
			continue
		}
		j, ok := first[string(key)]
		if !ok {
			j = int32(i)
			first[string(key)] = j
		}
		lead[i] = j
	}
	return lead
}

// routeWords is all of cr a lookup's answer carries but its destination.
func routeWords(cr *compiledRoute) string {
	r := cr.Route
	return strings.Join([]string{"vpc", r.PrefixList, strconv.Itoa(int(r.Target)), r.TargetID, r.TargetType, r.Unknown,
		strconv.FormatBool(r.Propagated), strconv.FormatBool(cr.implicit), strconv.FormatBool(cr.underLocal)}, "\x00")
}

// tgwRouteWords is all of r a transit gateway lookup's answer carries but
// its destination.
func tgwRouteWords(r *tgwCompiled) string {
	c := r.TGWRoute
	att := ""
	if r.att != nil {
		att = r.att.ID
	}
	return strings.Join([]string{"tgw", att, r.unsure, strconv.Itoa(tgwRank(r)), c.Attachment, c.PrefixList,
		strconv.FormatBool(c.Propagated), strconv.FormatBool(c.Blackhole)}, "\x00")
}

// alikeLeadsOf returns, for pieces (sorted and disjoint, each inside one
// piece of full, the slice of kind k as pieceLeads takes it: clipped), the
// index in pieces of the first piece alike to each one, its own when
// none is.
func (m *Model) alikeLeadsOf(k int, full, pieces []flow.AddrRange) []int {
	leads := m.pieceLeads(k, full)
	out := make([]int, len(pieces))
	firstOf := map[int32]int{}
	j := 0
	for i, p := range pieces {
		out[i] = i
		for j < len(full) && full[j].To.Less(p.From) {
			j++
		}
		if j == len(full) || p.From.Less(full[j].From) || full[j].To.Less(p.To) || leads[j] < 0 {
			continue // not inside one piece of full alike to others: walked on its own
		}
		l := leads[j]
		if f, ok := firstOf[l]; ok {
			out[i] = f
		} else {
			firstOf[l] = i
		}
	}
	return out
}

// internetPiecesAlike is internetPieces clipped to within, with
// alikeLeadsOf's leads.
func (m *Model) internetPiecesAlike(is4 bool, within []addrset.Range) ([]flow.AddrRange, []int) {
	full, k := m.internetPieces(is4), 0
	if !is4 {
		k = 1
	}
	pieces := clip(full, within)
	return pieces, m.alikeLeadsOf(k, full, pieces)
}

// internetDestinationsAlike is internetDestinations with alikeLeadsOf's
// leads.
func (m *Model) internetDestinationsAlike(is4 bool) ([]flow.AddrRange, []int) {
	full, k := m.internetDestinations(is4), 0
	if !is4 {
		k = 2
	}
	return full, m.alikeLeadsOf(k, full, full)
}

// pieceWalked counts one walk of an internet piece (alikeCache.walks).
func (m *Model) pieceWalked() { m.sets.alike.walks.Add(1) }

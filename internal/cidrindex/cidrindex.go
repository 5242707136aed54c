// Package cidrindex answers "which entries' prefixes contain this address"
// for a fixed set of (netip.Prefix, value) entries. It is a net/netip-only
// wrapper over the path-compressed trie of github.com/yl2chen/cidranger
// (v1.0.2) that hides that library's pitfalls.
//
// # Contract
//
//   - Build an index with a [Builder]; its zero value is ready to use. A
//     Builder is not safe for concurrent use and must not be copied after the
//     first call to [Builder.Add].
//   - [Builder.Build] returns an [Index] that is immutable: later calls to Add
//     on the same Builder do not change it. All Index methods are safe for
//     concurrent use by multiple goroutines, and a nil *Index behaves as an
//     empty index.
//   - Every Add call makes one entry, even when the same prefix is added more
//     than once; all values are kept. Host bits are ignored: a prefix is
//     stored as [netip.Prefix.Masked].
//   - [Index.Lookup] and [Index.AppendLookup] return the values of all
//     entries whose prefix contains the address, in the order they were
//     added (not cidranger's shortest-prefix-first order). [Index.First]
//     returns the earliest-added such value.
//   - IPv4 addresses only match IPv4 prefixes and IPv6 addresses only match
//     IPv6 prefixes; 0.0.0.0/0 does not contain any IPv6 address and ::/0
//     does not contain any IPv4 address.
//
// # Rejected input
//
// Add rejects invalid prefixes, prefixes with a zone, and IPv4-mapped IPv6
// prefixes (::ffff:0:0/96 and every prefix inside it), because cidranger
// would file and look them up as IPv4. Use an IPv4 prefix instead.
//
// Lookups of an invalid address, an address with a zone or an IPv4-mapped
// IPv6 address (::ffff:a.b.c.d) match nothing, for the same reason. If such
// an address is meant as IPv4, convert it with [netip.Addr.Unmap] first.
package cidrindex

import (
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/yl2chen/cidranger"
)

// maxContaining is the largest number of distinct prefixes that can contain
// one address: one per prefix length, /0 to /128.
const maxContaining = 129

// Builder collects (prefix, value) entries for an [Index]. The zero Builder
// is ready to use. A Builder is not safe for concurrent use and must not be
// copied after the first call to Add.
type Builder[V any] struct {
	entries []entry[V]
}

// entry is one accepted Add call; prefix is already masked.
type entry[V any] struct {
	prefix netip.Prefix
	value  V
}

// Add records value v under prefix p. Host bits of p are ignored: the entry
// is stored under p.Masked(). The same prefix may be added any number of
// times, with the same or different values; every call makes a separate
// entry.
//
// Add returns an error, and records nothing, if p is invalid, has a zone,
// or is an IPv4-mapped IPv6 prefix (::ffff:0:0/96 or any prefix inside it).
// Mapped prefixes are rejected because cidranger would store and look them
// up as IPv4; add the IPv4 prefix instead. An IPv6 prefix that merely
// covers the mapped range, such as ::/0, is accepted, but IPv4-mapped
// addresses never match anything (see [Index.Lookup]).
func (b *Builder[V]) Add(p netip.Prefix, v V) error {
	if !p.IsValid() {
		return fmt.Errorf("cidrindex: invalid prefix %v", p)
	}
	if p.Addr().Zone() != "" {
		return fmt.Errorf("cidrindex: prefix %v has a zone", p)
	}
	// cidranger must only ever see masked networks: with host bits set it
	// misfiles entries (lookups miss them) and can even recurse until the
	// stack overflows, which no recover can catch.
	m := p.Masked()
	if m.Addr().Is4In6() {
		return fmt.Errorf("cidrindex: prefix %v is an IPv4-mapped IPv6 prefix, which cidranger would treat as IPv4; add the IPv4 prefix instead", p)
	}
	b.entries = append(b.entries, entry[V]{prefix: m, value: v})
	return nil
}

// Build returns an immutable [Index] of the entries added so far. Each
// entry's rank is its position in the order of successful Add calls, and
// lookups report values in rank order. Build may be called more than once;
// each call returns an independent Index, and the Builder stays usable.
func (b *Builder[V]) Build() *Index[V] {
	ix := &Index[V]{n: len(b.entries)}
	if len(b.entries) == 0 {
		return ix
	}

	// cidranger keeps only one entry per network (a second Insert of the
	// same network replaces the first), so group the values by prefix and
	// insert one node per distinct prefix. Ranks are appended in increasing
	// order, so every node's rank list is sorted.
	byPrefix := make(map[netip.Prefix]*node[V])
	var distinct []*node[V]
	for rank, e := range b.entries {
		nd := byPrefix[e.prefix]
		if nd == nil {
			nd = &node[V]{ipNet: toIPNet(e.prefix)}
			byPrefix[e.prefix] = nd
			distinct = append(distinct, nd)
		}
		nd.ranks = append(nd.ranks, rank)
		nd.values = append(nd.values, e.value)
	}

	ranger := cidranger.NewPCTrieRanger()
	for _, nd := range distinct {
		if err := ranger.Insert(nd); err != nil {
			// Unreachable: Add only accepts valid, masked, unmapped
			// prefixes, which cidranger always accepts. Failing loudly
			// here is better than an index that silently misses entries.
			panic(fmt.Sprintf("cidrindex: cidranger rejected validated prefix %v: %v", nd.ipNet.String(), err))
		}
	}
	ix.ranger = ranger
	return ix
}

// Index maps addresses to the values of the entries whose prefixes contain
// them. It is created by [Builder.Build], is immutable, and is safe for
// concurrent use. A nil *Index is a valid, empty index.
type Index[V any] struct {
	ranger cidranger.Ranger // nil when there are no entries
	n      int
}

// node is the cidranger entry for one distinct masked prefix. values[i] was
// added with rank ranks[i]; ranks is strictly increasing.
type node[V any] struct {
	ipNet  net.IPNet
	ranks  []int
	values []V
}

// Network implements cidranger.RangerEntry.
func (nd *node[V]) Network() net.IPNet { return nd.ipNet }

// Len returns the number of entries in the index, counting every
// successful Add, including repeated prefixes.
func (ix *Index[V]) Len() int {
	if ix == nil {
		return 0
	}
	return ix.n
}

// Lookup returns the values of every entry whose prefix contains a, in
// insertion order (the order of the Add calls), or nil if there are none.
// The returned slice is newly allocated and owned by the caller.
//
// An invalid address, an address with a zone or an IPv4-mapped IPv6
// address (::ffff:a.b.c.d) matches nothing; if you mean the IPv4 address,
// unmap it first with [netip.Addr.Unmap]. IPv4 addresses never match IPv6
// prefixes and vice versa.
func (ix *Index[V]) Lookup(a netip.Addr) []V {
	return ix.AppendLookup(nil, a)
}

// AppendLookup is like [Index.Lookup] but appends the values to dst and
// returns the extended slice, so that callers can reuse a buffer. It
// returns dst unchanged if nothing matches.
func (ix *Index[V]) AppendLookup(dst []V, a netip.Addr) []V {
	found := ix.containing(a)
	switch len(found) {
	case 0:
		return dst
	case 1:
		if nd, ok := found[0].(*node[V]); ok {
			return append(dst, nd.values...)
		}
		return dst
	}
	return mergeByRank(dst, found)
}

// First returns the value of the earliest-added entry whose prefix
// contains a, and true; or the zero V and false if no entry matches. The
// same addresses match nothing as for [Index.Lookup]. Unlike Lookup, it
// does not build a result slice.
func (ix *Index[V]) First(a netip.Addr) (V, bool) {
	var (
		best  V
		rank  int
		found bool
	)
	for _, re := range ix.containing(a) {
		nd, ok := re.(*node[V])
		if !ok || len(nd.ranks) == 0 {
			continue
		}
		if !found || nd.ranks[0] < rank {
			best, rank, found = nd.values[0], nd.ranks[0], true
		}
	}
	return best, found
}

// containing returns cidranger's entries (shortest prefix first) whose
// prefix contains a. It returns nil for an empty index and for addresses
// that must match nothing. cidranger only returns an error for an IP that
// is neither 4 nor 16 bytes long, which toIP never produces; should it
// happen anyway, the lookup is treated as matching nothing.
func (ix *Index[V]) containing(a netip.Addr) []cidranger.RangerEntry {
	if ix == nil || ix.ranger == nil || !a.IsValid() || a.Zone() != "" || a.Is4In6() {
		return nil
	}
	found, err := ix.ranger.ContainingNetworks(toIP(a))
	if err != nil {
		return nil
	}
	return found
}

// toIP converts a valid, unzoned, unmapped address to a net.IP that is 4
// bytes long for IPv4 and 16 bytes long for IPv6.
func toIP(a netip.Addr) net.IP {
	if a.Is4() {
		b := a.As4()
		return net.IP(b[:])
	}
	b := a.As16()
	return net.IP(b[:])
}

// toIPNet converts a valid, masked, unmapped prefix to a net.IPNet whose IP
// and mask are both 4 bytes long for IPv4 and 16 bytes long for IPv6.
func toIPNet(p netip.Prefix) net.IPNet {
	a := p.Addr()
	return net.IPNet{IP: toIP(a), Mask: net.CIDRMask(p.Bits(), a.BitLen())}
}

// cursor is a position in one node's values during a k-way merge.
type cursor[V any] struct {
	nd *node[V]
	i  int
}

func (c cursor[V]) rank() int { return c.nd.ranks[c.i] }

// mergeByRank appends the values of all nodes in found to dst, ordered by
// rank. Each node's values are already in rank order, so this is a k-way
// merge driven by a binary min-heap of cursors.
func mergeByRank[V any](dst []V, found []cidranger.RangerEntry) []V {
	var buf [maxContaining]cursor[V]
	h := buf[:0]
	if len(found) > len(buf) {
		h = make([]cursor[V], 0, len(found))
	}
	total := 0
	for _, re := range found {
		if nd, ok := re.(*node[V]); ok && len(nd.ranks) > 0 {
			h = append(h, cursor[V]{nd: nd})
			total += len(nd.ranks)
		}
	}
	dst = slices.Grow(dst, total)
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(h, i)
	}
	for len(h) > 0 {
		top := &h[0]
		dst = append(dst, top.nd.values[top.i])
		top.i++
		if top.i == len(top.nd.ranks) {
			last := len(h) - 1
			h[0] = h[last]
			h = h[:last]
		}
		siftDown(h, 0)
	}
	return dst
}

// siftDown restores the min-heap property (by current rank) of h below i.
func siftDown[V any](h []cursor[V], i int) {
	for {
		small := i
		if l := 2*i + 1; l < len(h) && h[l].rank() < h[small].rank() {
			small = l
		}
		if r := 2*i + 2; r < len(h) && h[r].rank() < h[small].rank() {
			small = r
		}
		if small == i {
			return
		}
		h[i], h[small] = h[small], h[i]
		i = small
	}
}

package stateful

import (
	"sync"
	"sync/atomic"

	"github.com/reachsim/reachsim/flow"
)

// The port and ICMP edges of a pair of address atoms, kept.
//
// With both addresses fixed, the rules that count for Bounds are those
// the address index finds for the pair's atoms, and what they add to the
// port and ICMP fields depends on nothing else but the protocol: not on
// the addresses inside their atoms, not on the ports (a sameip rule adds
// addresses, which such a Bounds does not vary). So the edges of one
// (protocol, source atom, destination atom) are worked out once, over
// every rule the index finds (thousands in a large policy), and kept,
// compacted, for the next question about the same atoms: a NAT gateway's
// port at a firewall (every verdict through it asks), a port scan, a
// matrix cell. Up to maxBoundsCache pairs are kept per engine; past that
// the edges are worked out each time, as before. A kept Bounds is only
// ever read (merged into the caller's). TestIndexedBoundsAgreeWithEveryRule
// holds the kept edges to the plain loop over every rule.

// maxBoundsCache is how many atom pairs an engine keeps the edges of.
const maxBoundsCache = 1 << 14

// boundsKey names the edges of a pair of atoms for a protocol.
type boundsKey struct {
	proto  flow.Protocol
	as, ad int32
}

// boundsCache holds the kept edges: boundsKey -> *flow.Bounds.
type boundsCache struct {
	m sync.Map
	n atomic.Int32
}

// portFields are the fields a kept Bounds varies.
var portFields = []flow.Field{flow.FieldSrcPort, flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode}

// fixedBounds adds to b, which varies no address, the edges of every rule
// the index ix finds for f's addresses, kept per atom pair.
func (e *Engine) fixedBounds(f flow.Flow, b *flow.Bounds, ix *addrIndex) {
	key := boundsKey{f.Protocol, int32(ix.atom(f.Src.Addr())), int32(ix.atom(f.Dst.Addr()))}
	if kept, ok := e.kept.m.Load(key); ok {
		b.Merge(kept.(*flow.Bounds))
		return
	}
	edges := flow.NewBounds(portFields...)
	e.indexedBounds(f, edges, ix)
	edges.Compact()
	if e.kept.n.Add(1) <= maxBoundsCache {
		if kept, loaded := e.kept.m.LoadOrStore(key, edges); loaded {
			edges = kept.(*flow.Bounds)
		}
	}
	b.Merge(edges)
}

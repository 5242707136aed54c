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
// addresses, which such a Bounds does not vary) — but for a Bounds that
// keeps one port fixed, on that port's value, which its key holds. So the edges of one
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

// boundsKey names the edges of a pair of atoms for a protocol; for a
// Bounds that keeps one port fixed (fewer rules count: rule.bounds), also
// which one (fixed: 1 the source port, 2 the destination port) and its
// value.
type boundsKey struct {
	proto  flow.Protocol
	as, ad int32
	fixed  uint8
	port   uint16
}

// boundsCache holds the kept edges: boundsKey -> *flow.Bounds.
type boundsCache struct {
	m sync.Map
	n atomic.Int32
}

// portFields are the fields a kept Bounds varies; oneFixed those of one
// that keeps the destination port fixed, and the source port.
var (
	portFields = []flow.Field{flow.FieldSrcPort, flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode}
	oneFixed   = [2][]flow.Field{{flow.FieldSrcPort, flow.FieldICMPType, flow.FieldICMPCode}, {flow.FieldDstPort, flow.FieldICMPType, flow.FieldICMPCode}}
)

// fixedBounds adds to b, which varies no address, the edges of every rule
// the index ix finds for f's addresses, kept per atom pair.
func (e *Engine) fixedBounds(f flow.Flow, b *flow.Bounds, ix *addrIndex) {
	key := boundsKey{proto: f.Protocol, as: int32(ix.atom(f.Src.Addr())), ad: int32(ix.atom(f.Dst.Addr()))}
	fields := portFields
	switch vs, vd := b.Varies(flow.FieldSrcPort), b.Varies(flow.FieldDstPort); {
	case vs && !vd:
		key.fixed, key.port, fields = 2, f.Dst.Port(), oneFixed[0]
	case vd && !vs:
		key.fixed, key.port, fields = 1, f.Src.Port(), oneFixed[1]
	}
	if kept, ok := e.kept.m.Load(key); ok {
		b.Merge(kept.(*flow.Bounds))
		return
	}
	edges := flow.NewBounds(fields...)
	e.indexedBounds(f, edges, ix)
	edges.Compact()
	if e.kept.n.Add(1) <= maxBoundsCache {
		if kept, loaded := e.kept.m.LoadOrStore(key, edges); loaded {
			edges = kept.(*flow.Bounds)
		}
	}
	b.Merge(edges)
}

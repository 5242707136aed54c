package stateless

import (
	"fmt"
	"slices"
	"strings"
)

// Hooks into the stateless engine's index for the external tests.

// IndexedFirst returns the position in decision order of the first rule
// matching p found through the index, or -1.
func IndexedFirst(e *Engine, p Packet) int {
	pk, why := reduce(&p)
	if why != "" {
		return -1
	}
	if i := e.first(&pk); i < len(e.rules) {
		return i
	}
	return -1
}

// Matching returns the positions of every rule whose matcher matches p,
// by scanning them all.
func Matching(e *Engine, p Packet) []int {
	pk, why := reduce(&p)
	if why != "" {
		return nil
	}
	var out []int
	for i := range e.match {
		if e.match[i].matches(&pk) {
			out = append(out, i)
		}
	}
	return out
}

// Candidates returns every rule the index offers for p (with repeats),
// ignoring the early stop of the real lookup.
func Candidates(e *Engine, p Packet) []int {
	pk, why := reduce(&p)
	if why != "" {
		return nil
	}
	fam := 0
	if pk.dst.Is6() {
		fam = 1
	}
	b := &e.buckets[fam][classOf(pk.proto)]
	var out []int
	add := func(l []int32) {
		if !slices.IsSorted(l) {
			panic("an index list is not in decision order")
		}
		for _, i := range l {
			out = append(out, int(i))
		}
	}
	add(b.rest)
	for side, ix := range [2]*addrIndex{&b.dstAddr, &b.srcAddr} {
		a := pk.dst
		if side == 1 {
			a = pk.src
		}
		for _, t := range ix.tables {
			pf, _ := a.Prefix(t.bits)
			add(t.rules[pf.Addr()])
		}
	}
	if !pk.frag {
		add(b.dstPort.Lookup(pk.dport))
		add(b.srcPort.Lookup(pk.sport))
	}
	return out
}

// IndexStats describes the index of every non-empty bucket.
func IndexStats(e *Engine) string {
	var b strings.Builder
	for fam := range e.buckets {
		for class := range e.buckets[fam] {
			k := &e.buckets[fam][class]
			tables := func(ix *addrIndex) (n, entries int) {
				for _, t := range ix.tables {
					n++
					for _, l := range t.rules {
						entries += len(l)
					}
				}
				return n, entries
			}
			dn, de := tables(&k.dstAddr)
			sn, se := tables(&k.srcAddr)
			if len(k.rest)+de+se+k.dstPort.Size()+k.srcPort.Size() == 0 {
				continue
			}
			fmt.Fprintf(&b, "family %d class %d: rest %d, dst %d tables/%d entries, src %d tables/%d entries, dport %d segments/%d entries, sport %d segments/%d entries\n",
				4+2*fam, class, len(k.rest), dn, de, sn, se, k.dstPort.Segments(), k.dstPort.Size(), k.srcPort.Segments(), k.srcPort.Size())
		}
	}
	return b.String()
}

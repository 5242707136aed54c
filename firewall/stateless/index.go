package stateless

import (
	"math"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/portindex"
)

// The index.
//
// Each bucket holds the rules that can match packets of one address family
// and protocol class. A small bucket is a plain list. A larger one files
// each rule under one of its attributes, the one estimated to narrow the
// candidates most: its destination CIDRs or source CIDRs (hash tables per
// prefix length, looked up with the packet's masked address), or its
// destination or source ports (the port space cut into segments at every
// range boundary, each listing the rules that cover it). Rules with no
// selective attribute stay in the bucket's rest list, which every packet
// scans. Every list is in decision order; a packet scans the rest list,
// one hash entry per prefix length and one port segment per port index,
// each only up to the best match found so far, and the earliest match
// over all of them is the first match of a linear scan, since every rule
// that can match the packet is in one of those lists.

const (
	indexMin  = 16  // buckets smaller than this are scanned linearly
	minScore  = 4.0 // an attribute must narrow to 1/16 of its space to be indexed
	portSlack = 32  // a port index may list a rule this many times on average
)

type bucket struct {
	rest             []int32 // rules filed under no index, or the whole bucket
	dstAddr, srcAddr addrIndex
	dstPort, srcPort portindex.Index
}

// addrIndex finds the rules whose CIDRs contain an address: one table per
// prefix length in use, longest first, from masked address to rules.
type addrIndex struct {
	tables []addrTable
}

type addrTable struct {
	bits  int
	rules map[netip.Addr][]int32
}

// Attributes a rule can be filed under.
const (
	dimDst = iota
	dimSrc
	dimDport
	dimSport
	numDims
	dimNone = -1
)

// build indexes the rules members (indexes into match, ascending).
// build is about 140 lines in three phases (score, choose, file) that
// share the per-rule tables built in the first; splitting it would pass
// those tables between three functions that make sense only together.
func (b *bucket) build(match []matcher, members []int32, is6 bool, class int) {
	if len(members) < indexMin {
		b.rest = members
		return
	}
	famPrefixes := func(ps []netip.Prefix) []netip.Prefix {
		var out []netip.Prefix
		for _, p := range ps {
			if p.Addr().Is6() == is6 && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		return out
	}
	hasPorts := class == classTCP || class == classUDP

	// Score each attribute of each rule: how many bits of its space it
	// pins down; and count how many rules share each key.
	type choice struct {
		score [numDims]float64
		addrs [2][]netip.Prefix // dst, src of the bucket's family
		ports [2][]flow.PortRange
	}
	ch := make([]choice, len(members))
	addrCount := [2]map[netip.Prefix]int{{}, {}}
	var cover [2]portCoverage
	for k, i := range members {
		m := &match[i]
		c := &ch[k]
		for d := range c.score {
			c.score[d] = math.Inf(-1)
		}
		for side, ps := range [2][]netip.Prefix{m.dst, m.src} {
			if len(ps) == 0 {
				continue
			}
			own := famPrefixes(ps)
			c.addrs[side] = own
			minBits := 128
			for _, p := range own {
				minBits = min(minBits, p.Bits())
				addrCount[side][p]++
			}
			bitsScore := float64(minBits)
			if is6 {
				bitsScore /= 4 // /64 counts as /16, /128 as /32
			}
			c.score[dimDst+side] = bitsScore - math.Log2(float64(len(own)))
		}
		if !hasPorts {
			continue
		}
		for side, rs := range [2][]flow.PortRange{m.dports, m.sports} {
			if len(rs) == 0 {
				continue
			}
			set := flow.SetOf(rs...).Ranges()
			c.ports[side] = set
			width := 0
			for _, r := range set {
				width += int(r.Hi) - int(r.Lo) + 1
			}
			c.score[dimDport+side] = 16 - math.Log2(float64(width))
			if c.score[dimDport+side] >= minScore {
				cover[side].add(set)
			}
		}
	}
	cover[0].finish()
	cover[1].finish()

	// Choose, per rule, the attribute with the lowest estimated work:
	// log2(rules sharing its busiest key) minus its score.
	dim := make([]int, len(members))
	for k := range members {
		c := &ch[k]
		dim[k] = dimNone
		bestCost := math.Inf(1)
		for d := range numDims {
			if c.score[d] < minScore {
				continue
			}
			busiest := 0
			switch d {
			case dimDst, dimSrc:
				for _, p := range c.addrs[d-dimDst] {
					busiest = max(busiest, addrCount[d-dimDst][p])
				}
			default:
				for _, r := range c.ports[d-dimDport] {
					busiest = max(busiest, cover[d-dimDport].max(r))
				}
			}
			if cost := math.Log2(float64(max(busiest, 1))) - c.score[d]; cost < bestCost {
				dim[k], bestCost = d, cost
			}
		}
	}

	// File the rules.
	var rest []int32
	var portRules [2][]int32
	var portSets [2][][]flow.PortRange
	addrTables := [2]map[int]map[netip.Addr][]int32{{}, {}}
	for k, i := range members {
		switch d := dim[k]; d {
		case dimNone:
			rest = append(rest, i)
		case dimDst, dimSrc:
			side := d - dimDst
			for _, p := range ch[k].addrs[side] {
				t := addrTables[side][p.Bits()]
				if t == nil {
					t = map[netip.Addr][]int32{}
					addrTables[side][p.Bits()] = t
				}
				if l := t[p.Addr()]; len(l) == 0 || l[len(l)-1] != i {
					t[p.Addr()] = append(l, i)
				}
			}
		default:
			side := d - dimDport
			portRules[side] = append(portRules[side], i)
			portSets[side] = append(portSets[side], ch[k].ports[side])
		}
	}
	for side, ix := range [2]*addrIndex{&b.dstAddr, &b.srcAddr} {
		for bits, t := range addrTables[side] {
			ix.tables = append(ix.tables, addrTable{bits: bits, rules: t})
		}
		slices.SortFunc(ix.tables, func(a, b addrTable) int { return b.bits - a.bits })
	}
	for side, ix := range [2]*portindex.Index{&b.dstPort, &b.srcPort} {
		if len(portRules[side]) > 0 && !buildPorts(ix, portRules[side], portSets[side]) {
			rest = append(rest, portRules[side]...) // over budget: scan them
		}
	}
	slices.Sort(rest)
	b.rest = rest
}

// buildPorts indexes rules (ascending) under their port sets. It returns
// false, leaving x empty, when the index would list rules more than
// portSlack times each on average.
func buildPorts(x *portindex.Index, rules []int32, sets [][]flow.PortRange) bool {
	var pb portindex.Builder
	for k, set := range sets {
		for _, r := range set {
			pb.Add(rules[k], r)
		}
	}
	ix, ok := pb.Build(portSlack*len(rules) + 4096)
	*x = ix
	return ok
}

// portCoverage counts how many rules' port ranges cover each port, and
// answers the largest count over a range. It works on the segments
// between range boundaries, not on single ports.
type portCoverage struct {
	ranges []flow.PortRange
	cuts   []int   // first port of each segment, ascending; cuts[0] == 0
	count  []int32 // ranges covering each segment
	block  []int32 // block[i] is the largest count of segments [64i, 64i+64)
}

func (c *portCoverage) add(set []flow.PortRange) { c.ranges = append(c.ranges, set...) }

func (c *portCoverage) finish() {
	if len(c.ranges) == 0 {
		return
	}
	cuts := []int{0}
	for _, r := range c.ranges {
		cuts = append(cuts, int(r.Lo))
		if r.Hi < 65535 {
			cuts = append(cuts, int(r.Hi)+1)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	diff := make([]int32, len(cuts)+1)
	for _, r := range c.ranges {
		diff[c.segmentOf(cuts, int(r.Lo))]++
		if r.Hi < 65535 {
			diff[c.segmentOf(cuts, int(r.Hi)+1)]--
		}
	}
	c.cuts, c.count, c.block = cuts, make([]int32, len(cuts)), make([]int32, (len(cuts)+63)/64)
	n := int32(0)
	for i := range c.count {
		n += diff[i]
		c.count[i] = n
		c.block[i/64] = max(c.block[i/64], n)
	}
	c.ranges = nil
}

// segmentOf returns the index of the segment holding port.
func (c *portCoverage) segmentOf(cuts []int, port int) int {
	i, found := slices.BinarySearch(cuts, port)
	if !found {
		i--
	}
	return i
}

func (c *portCoverage) max(r flow.PortRange) int {
	if len(c.count) == 0 {
		return 0
	}
	best := int32(0)
	lo, hi := c.segmentOf(c.cuts, int(r.Lo)), c.segmentOf(c.cuts, int(r.Hi))
	for lo <= hi {
		if lo%64 == 0 && lo+63 <= hi {
			best = max(best, c.block[lo/64])
			lo += 64
			continue
		}
		best = max(best, c.count[lo])
		lo++
	}
	return int(best)
}

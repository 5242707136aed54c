package stateful

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/internal/portindex"
	"github.com/reachsim/reachsim/internal/slowpath"
)

// The stateful engine's index. Rules are stored in decision order; a rule's
// position is its rank. Each rule is filed in one bucket per kind of packet
// it can match: rules for every protocol, rules of one IP protocol, rules of
// one application protocol.
//
// Within a bucket every rule is filed once more, under the one key that
// narrows it best:
//
//   - domain: the exact name, or the label suffix, that its tls.sni or
//     http.host condition pins;
//   - destination address, source address: the address space cut at every
//     filed rule's range boundaries, each segment listing the rules whose
//     addresses cover it (for "<>" rules source and destination together);
//   - destination port: the same over ports (for "<>" rules both ports);
//   - none: the residual list, scanned for every packet.
//
// A rule covering more than maxCover segments of a dimension cannot be
// filed there, which bounds each index to maxCover entries per rule. Of
// the dimensions that can take a rule, the one whose segments the rule
// shares with the fewest other rules wins. A stage looks every dimension
// up (binary searches and map lookups) and merges the lists by rank, so
// the rules it checks are those whose best key fits the packet.

const maxCover = 64

type index struct {
	// linear: every rule in decision order, the only candidates of every
	// packet; set when compiled under internal/slowpath.
	linear []int32
	ip     bucket
	protos [256]*bucket
	apps   map[string]*bucket
}

type bucket struct {
	all      []int32
	residual []int32
	dst      segments[netip.Addr]
	src      segments[netip.Addr]
	// dstCuts and srcCuts are dst.lo and src.lo as integers (bits.go)
	dstCuts, srcCuts addrCuts
	port             portindex.Index
	exact            map[string][]int32 // domain -> rules
	suffix           map[string][]int32 // domain suffix -> rules
	domAll           []int32            // every rule in exact and suffix, ascending
	bits             *bitIndex          // the classifier (bits.go); nil: the segment index
}

// segments is a segment index: segment i starts at lo[i] and lists the
// rules flat[offs[i]:offs[i+1]], ascending.
type segments[K any] struct {
	lo   []K
	offs []int32
	flat []int32
}

func (d *segments[K]) segment(i int) []int32 { return d.flat[d.offs[i]:d.offs[i+1]] }

// The address lookup is written out for its key type: a comparison
// through a function value would make the key, and with it the packet,
// escape. Ports use the shared internal/portindex.

func lookupAddr(d *segments[netip.Addr], c *addrCuts, k netip.Addr) []int32 {
	if len(d.lo) == 0 {
		return nil
	}
	if s, ok := c.find(k); ok {
		return d.segment(s)
	}
	lo, hi := 0, len(d.lo)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if d.lo[mid].Compare(k) <= 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return d.segment(lo)
}

func (ix *index) build(rules []rule) {
	if slowpath.On() {
		ix.linear = make([]int32, len(rules))
		for i := range ix.linear {
			ix.linear[i] = int32(i)
		}
		return
	}
	ix.apps = map[string]*bucket{}
	for i := range rules {
		r := &rules[i]
		rank := int32(i)
		switch {
		case len(r.apps) > 0:
			for _, a := range r.apps {
				b := ix.apps[a]
				if b == nil {
					b = &bucket{}
					ix.apps[a] = b
				}
				b.all = append(b.all, rank)
			}
		case r.protoAny:
			ix.ip.all = append(ix.ip.all, rank)
		default:
			for p := range 256 {
				if r.hasProto(flow.Protocol(p)) {
					if ix.protos[p] == nil {
						ix.protos[p] = &bucket{}
					}
					ix.protos[p].all = append(ix.protos[p].all, rank)
				}
			}
		}
	}
	ix.ip.index(rules, true)
	for _, b := range ix.protos {
		if b != nil {
			b.index(rules, true)
		}
	}
	for _, b := range ix.apps {
		b.index(rules, false)
	}
}

// keyBuild collects one dimension's keys for the rules of a bucket.
type keyBuild[K any] struct {
	keys   [][][2]K // per rule of the bucket; nil: every key
	cmp    func(a, b K) int
	next   func(K) (K, bool) // the key after k, false at the end
	starts []K               // keys that always start a segment
}

func (kb *keyBuild[K]) cuts(use func(j int) bool) []K {
	cuts := slices.Clone(kb.starts)
	for j, ks := range kb.keys {
		if !use(j) {
			continue
		}
		for _, k := range ks {
			cuts = append(cuts, k[0])
			if n, ok := kb.next(k[1]); ok {
				cuts = append(cuts, n)
			}
		}
	}
	slices.SortFunc(cuts, kb.cmp)
	return slices.CompactFunc(cuts, func(a, b K) bool { return kb.cmp(a, b) == 0 })
}

func (kb *keyBuild[K]) seg(cuts []K, k K) int {
	i, found := slices.BinarySearchFunc(cuts, k, kb.cmp)
	if !found {
		i--
	}
	return i
}

// scores returns, per rule, the largest number of rules sharing one of its
// segments, or -1 when the dimension cannot take the rule.
func (kb *keyBuild[K]) scores() []int {
	cuts := kb.cuts(func(j int) bool { return kb.keys[j] != nil })
	out := make([]int, len(kb.keys))
	load := make([]int, len(cuts)+1)
	for j, ks := range kb.keys {
		cover := 0
		for _, k := range ks {
			cover += kb.seg(cuts, k[1]) - kb.seg(cuts, k[0]) + 1
		}
		if ks == nil || cover > maxCover {
			out[j] = -1
			continue
		}
		for _, k := range ks { // a difference array over the segments
			load[kb.seg(cuts, k[0])]++
			load[kb.seg(cuts, k[1])+1]--
		}
	}
	for s := 1; s < len(load); s++ {
		load[s] += load[s-1]
	}
	for j, ks := range kb.keys {
		if out[j] < 0 {
			continue
		}
		for _, k := range ks {
			for s := kb.seg(cuts, k[0]); s <= kb.seg(cuts, k[1]); s++ {
				out[j] = max(out[j], load[s])
			}
		}
	}
	return out
}

// build indexes the rules use picks; all maps the bucket's rules to ranks.
func (kb *keyBuild[K]) build(all []int32, use func(j int) bool) segments[K] {
	var d segments[K]
	if !hasAny(len(all), use) {
		return d
	}
	cuts := kb.cuts(use)
	counts := make([]int32, len(cuts)+1)
	for j, ks := range kb.keys {
		if !use(j) {
			continue
		}
		for _, k := range ks {
			for s := kb.seg(cuts, k[0]); s <= kb.seg(cuts, k[1]); s++ {
				counts[s+1]++
			}
		}
	}
	for s := 1; s < len(counts); s++ {
		counts[s] += counts[s-1]
	}
	d.lo, d.offs = cuts, counts
	d.flat = make([]int32, counts[len(counts)-1])
	fill := slices.Clone(counts[:len(cuts)])
	for j, ks := range kb.keys {
		if !use(j) {
			continue
		}
		for _, k := range ks {
			for s := kb.seg(cuts, k[0]); s <= kb.seg(cuts, k[1]); s++ {
				d.flat[fill[s]] = all[j]
				fill[s]++
			}
		}
	}
	return d
}

func hasAny(n int, use func(j int) bool) bool {
	for j := range n {
		if use(j) {
			return true
		}
	}
	return false
}

// The dimensions a rule can be filed under.
const (
	dimNone = iota
	dimDomain
	dimDst
	dimSrc
	dimPort
)

// index builds the bucket's index: the bit-vector classifier when
// classify is set and it fits its budget, else the segment index.
func (b *bucket) index(rules []rule, classify bool) {
	if classify && b.classify(rules) {
		return
	}
	n := len(b.all)
	addrKeys := func(s addrset.Set) [][2]netip.Addr {
		if s.Equal(addrset.All()) {
			return nil
		}
		rs := s.Ranges()
		out := make([][2]netip.Addr, len(rs))
		for i, r := range rs {
			out[i] = [2]netip.Addr{r.From, r.To}
		}
		return out
	}
	addrStarts := []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}
	nextAddr := func(k netip.Addr) (netip.Addr, bool) { x := k.Next(); return x, x.IsValid() }
	dst := keyBuild[netip.Addr]{keys: make([][][2]netip.Addr, n), cmp: netip.Addr.Compare, next: nextAddr, starts: addrStarts}
	src := keyBuild[netip.Addr]{keys: make([][][2]netip.Addr, n), cmp: netip.Addr.Compare, next: nextAddr, starts: addrStarts}
	port := keyBuild[uint16]{keys: make([][][2]uint16, n),
		cmp:    func(a, b uint16) int { return int(a) - int(b) },
		next:   func(k uint16) (uint16, bool) { return k + 1, k < 65535 },
		starts: []uint16{0}}
	domKind := make([]byte, n)
	domKey := make([]string, n)
	domLoad := map[string]int{}
	for j, i := range b.all {
		r := &rules[i]
		if r.bidir {
			both := r.src.Union(r.dst)
			dst.keys[j], src.keys[j] = addrKeys(both), addrKeys(both)
			if ps := r.sp.Union(r.dp); !ps.IsFull() {
				for _, pr := range ps.Ranges() {
					port.keys[j] = append(port.keys[j], [2]uint16{pr.Lo, pr.Hi})
				}
			}
		} else {
			if !r.dstAny {
				dst.keys[j] = addrKeys(r.dst)
			}
			if !r.srcAny {
				src.keys[j] = addrKeys(r.src)
			}
			if !r.dpAny {
				for _, pr := range r.dp.Ranges() {
					port.keys[j] = append(port.keys[j], [2]uint16{pr.Lo, pr.Hi})
				}
			}
		}
		domKind[j], domKey[j] = domainKey(r)
		if domKind[j] != 0 {
			domLoad[string(domKind[j])+domKey[j]]++
		}
	}
	dstScore, srcScore, portScore := dst.scores(), src.scores(), port.scores()
	dim := make([]uint8, n)
	for j, i := range b.all {
		best, bestScore := dimNone, -1
		try := func(d uint8, score int) {
			if score >= 0 && (bestScore < 0 || score < bestScore) {
				best, bestScore = int(d), score
			}
		}
		if domKind[j] != 0 {
			try(dimDomain, domLoad[string(domKind[j])+domKey[j]])
		}
		try(dimDst, dstScore[j])
		try(dimSrc, srcScore[j])
		try(dimPort, portScore[j])
		dim[j] = uint8(best)
		switch best {
		case dimNone:
			b.residual = append(b.residual, i)
		case dimDomain:
			m := &b.exact
			if domKind[j] == 's' {
				m = &b.suffix
			}
			if *m == nil {
				*m = map[string][]int32{}
			}
			(*m)[domKey[j]] = append((*m)[domKey[j]], i)
			b.domAll = append(b.domAll, i)
		}
	}
	b.dst = dst.build(b.all, func(j int) bool { return dim[j] == dimDst })
	b.src = src.build(b.all, func(j int) bool { return dim[j] == dimSrc })
	b.dstCuts, b.srcCuts = addrCutsOf(b.dst.lo), addrCutsOf(b.src.lo)
	var pb portindex.Builder
	for j, ks := range port.keys {
		if dim[j] == dimPort {
			for _, k := range ks {
				pb.Add(b.all[j], flow.PortRange{Lo: k[0], Hi: k[1]})
			}
		}
	}
	// No budget: maxCover already bounds what a rule adds.
	b.port, _ = pb.Build(-1)
}

// classify builds the bit-vector classifier of bits.go, with the rules
// that pin a domain filed by domain, and reports whether it fit.
func (b *bucket) classify(rules []rule) bool {
	n := len(b.all)
	if n == 0 {
		return false
	}
	addrKeys := func(any bool, s addrset.Set) [][2]netip.Addr {
		if any || s.Equal(addrset.All()) {
			return nil
		}
		rs := s.Ranges()
		out := make([][2]netip.Addr, len(rs))
		for i, r := range rs {
			out[i] = [2]netip.Addr{r.From, r.To}
		}
		return out
	}
	portKeys := func(any bool, s flow.PortSet) [][2]uint16 {
		if any || s.IsFull() {
			return nil
		}
		var out [][2]uint16
		for _, pr := range s.Ranges() {
			out = append(out, [2]uint16{pr.Lo, pr.Hi})
		}
		return out
	}
	addrStarts := []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}
	nextAddr := func(k netip.Addr) (netip.Addr, bool) { x := k.Next(); return x, x.IsValid() }
	portCmp := func(a, b uint16) int { return int(a) - int(b) }
	nextPort := func(k uint16) (uint16, bool) { return k + 1, k < 65535 }
	src := keyBuild[netip.Addr]{keys: make([][][2]netip.Addr, n), cmp: netip.Addr.Compare, next: nextAddr, starts: addrStarts}
	dst := keyBuild[netip.Addr]{keys: make([][][2]netip.Addr, n), cmp: netip.Addr.Compare, next: nextAddr, starts: addrStarts}
	sp := keyBuild[uint16]{keys: make([][][2]uint16, n), cmp: portCmp, next: nextPort, starts: []uint16{0}}
	dp := keyBuild[uint16]{keys: make([][][2]uint16, n), cmp: portCmp, next: nextPort, starts: []uint16{0}}
	use := make([]bool, n)
	var exact, suffix map[string][]int32
	var domAll []int32
	for j, i := range b.all {
		r := &rules[i]
		if kind, key := domainKey(r); kind != 0 {
			m := &exact
			if kind == 's' {
				m = &suffix
			}
			if *m == nil {
				*m = map[string][]int32{}
			}
			(*m)[key] = append((*m)[key], i)
			domAll = append(domAll, i)
			continue
		}
		use[j] = true
		if r.bidir { // either way round: set wherever it might match
			continue
		}
		src.keys[j], dst.keys[j] = addrKeys(r.srcAny, r.src), addrKeys(r.dstAny, r.dst)
		sp.keys[j], dp.keys[j] = portKeys(r.spAny, r.sp), portKeys(r.dpAny, r.dp)
	}
	bits := buildBits(b.all, use, &src, &dst, &sp, &dp)
	if bits == nil && slices.Contains(use, true) {
		return false
	}
	b.bits, b.exact, b.suffix, b.domAll = bits, exact, suffix, domAll
	return true
}

// domainKey returns how a rule's domain condition can be looked up: 'e'
// with the exact lower-case name the tls.sni or http.host buffer must hold,
// 's' with a lower-case name the domain must equal or end in after a dot,
// or 0 when the rule has no such condition.
func domainKey(r *rule) (byte, string) {
	for bi := range r.bufs {
		b := &r.bufs[bi]
		if b.kind == bufHeaderNames || b.unknown {
			continue
		}
		for ci := range b.contents {
			c := &b.contents[ci]
			if c.neg || c.hasDepth || c.offset != 0 || !c.ends {
				continue
			}
			pat := strings.ToLower(string(c.pat))
			dotted := strings.HasPrefix(pat, ".")
			switch {
			case c.starts && b.dot && dotted && len(pat) > 1:
				return 'e', pat[1:]
			case c.starts && !b.dot && !dotted:
				return 'e', pat
			case !c.starts && dotted && len(pat) > 1:
				return 's', pat[1:]
			}
		}
	}
	return 0, ""
}

// maxLists bounds the lists one stage merges: five per bucket and a few
// domain suffixes. A stage that finds more (a name of many labels, each
// filed) merges no lists: it takes every rule in rank order, the
// candidates of any packet. The bound keeps the merger small: it is
// cleared at every session.
const maxLists = 32

// merger yields the ranks of several ascending lists, and of up to two
// bit-vector classifiers, in ascending order; or, once spilled, every
// rank below every.
type merger struct {
	lists [maxLists][]int32
	n     int
	curs  [2]bitCursor
	nc    int
	// spilled: a list did not fit in lists
	spilled bool
	// every, when not zero, is the number of ranks next yields one by
	// one; rank is the next
	every, rank int32
}

// reset empties m for the next stage.
func (m *merger) reset() {
	clear(m.lists[:m.n])
	m.n, m.nc, m.spilled, m.every, m.rank = 0, 0, false, 0, 0
}

// takeEvery makes m yield every rank below n, in order.
func (m *merger) takeEvery(n int) {
	m.reset()
	m.every = int32(n)
}

func (m *merger) addBits(ix *bitIndex, p *packet) {
	if m.nc < len(m.curs) {
		c := &m.curs[m.nc]
		c.start(ix, p)
		if c.ok {
			m.nc++
		}
	}
}

func (m *merger) add(l []int32) {
	if len(l) == 0 {
		return
	}
	if m.n == maxLists {
		m.spilled = true
		return
	}
	m.lists[m.n] = l
	m.n++
}

func (m *merger) next() (int32, bool) {
	if m.every > 0 {
		if m.rank < m.every {
			m.rank++
			return m.rank - 1, true
		}
		return 0, false
	}
	best := -1
	var bv int32
	for i := 0; i < m.n; i++ {
		if v := m.lists[i][0]; best < 0 || v < bv {
			best, bv = i, v
		}
	}
	cur := -1
	for i := 0; i < m.nc; i++ {
		if c := &m.curs[i]; c.ok && (best < 0 && cur < 0 || c.head < bv) {
			cur, bv = i, c.head
		}
	}
	if cur >= 0 {
		m.curs[cur].advance()
		return bv, true
	}
	if best < 0 {
		return 0, false
	}
	if l := m.lists[best][1:]; len(l) > 0 {
		m.lists[best] = l
	} else {
		m.n--
		m.lists[best] = m.lists[m.n]
		m.lists[m.n] = nil
	}
	return bv, true
}

// candidates fills m with the lists of rules that may match p.
func (ix *index) candidates(p *packet, m *merger) {
	if ix.linear != nil {
		m.add(ix.linear)
		return
	}
	ix.ip.candidates(p, m)
	if pr := p.f.Protocol; pr >= 0 && pr <= 255 {
		if b := ix.protos[pr]; b != nil {
			b.candidates(p, m)
		}
	}
	if p.appKnown {
		if b := ix.apps[p.app]; b != nil {
			b.candidates(p, m)
		}
	}
}

func (b *bucket) candidates(p *packet, m *merger) {
	if len(b.all) == 0 {
		return
	}
	if b.bits != nil {
		m.addBits(b.bits, p)
	}
	m.add(b.residual)
	m.add(lookupAddr(&b.dst, &b.dstCuts, p.f.Dst.Addr()))
	m.add(lookupAddr(&b.src, &b.srcCuts, p.f.Src.Addr()))
	if p.hasPorts() {
		m.add(b.port.Lookup(p.f.Dst.Port()))
	}
	if (p.sniUnknown || p.hostUnknown) && len(b.domAll) > 0 { // any domain: every rule filed by one
		m.add(b.domAll)
	}
	if (p.sniVisible || p.hostVisible) && (b.exact != nil || b.suffix != nil) {
		dom := p.lowDot[1:]
		m.add(b.exact[string(dom)])
		for i := 0; i < len(dom); i++ {
			if i == 0 || dom[i-1] == '.' {
				m.add(b.suffix[string(dom[i:])])
			}
		}
	}
}

package reach

import (
	"encoding/binary"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

// Lint of network ACLs: entries no packet reaches (ACL_SHADOWED), entries
// whose removal changes nothing (ACL_REDUNDANT), ACLs no subnet uses
// (ACL_UNUSED) and ACLs that cut the replies of TCP requests they allow
// (ACL_CUTS_REPLIES). The entries of one direction and family are boxes
// over six dimensions (protocol, the address's two 64-bit halves,
// destination port, ICMP type, ICMP code); the space is split into cells
// each entry holds whole or not at all (partition, lint_box.go), and the
// first entry holding a cell decides it.

// The dimensions of an ACL entry's box.
const (
	boxProto = iota
	boxAddrHi
	boxAddrLo
	boxPort
	boxType
	boxCode
	boxDims
)

// aclBox is the box of packets of one family that entry e matches.
func aclBox(e nacl.Entry) box {
	b := box{{0, 255}, {}, {}, {0, 65535}, {0, 255}, {0, 255}}
	if e.Protocol != flow.AllProtocols {
		b[boxProto] = span{uint64(e.Protocol), uint64(e.Protocol)}
	}
	b[boxAddrHi], b[boxAddrLo] = prefixSpans(e.CIDR)
	if e.UsesPorts() {
		b[boxPort] = span{uint64(e.Ports.Lo), uint64(e.Ports.Hi)} // PortZero: 0-0
	}
	if e.UsesICMP() {
		if e.ICMPType >= 0 {
			b[boxType] = span{uint64(e.ICMPType), uint64(e.ICMPType)}
		}
		if e.ICMPCode >= 0 {
			b[boxCode] = span{uint64(e.ICMPCode), uint64(e.ICMPCode)}
		}
	}
	return b
}

// prefixSpans is p as spans of the two halves of a 128-bit address (an
// IPv4 address in the low 32 bits).
func prefixSpans(p netip.Prefix) (hi, lo span) {
	p = p.Masked()
	bits := p.Bits()
	if p.Addr().Is4() {
		a := p.Addr().As4()
		v := uint64(binary.BigEndian.Uint32(a[:]))
		return span{0, 0}, span{v, v | (1<<(32-bits) - 1)}
	}
	a := p.Addr().As16()
	h, l := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(a[8:])
	if bits <= 64 {
		return span{h, h | ones(64-bits)}, span{0, ^uint64(0)}
	}
	return span{h, h}, span{l, l | ones(128-bits)}
}

// ones is a number whose n low bits are set.
func ones(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

// spanAddr is the address of the halves hi and lo in the family.
func spanAddr(hi, lo uint64, v6 bool) netip.Addr {
	if !v6 {
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], uint32(lo))
		return netip.AddrFrom4(a)
	}
	var a [16]byte
	binary.BigEndian.PutUint64(a[:8], hi)
	binary.BigEndian.PutUint64(a[8:], lo)
	return netip.AddrFrom16(a)
}

// aclDomain is every packet of the family, and the protocol no packet of
// it carries (ICMPv6 over IPv4, ICMP over IPv6), cut into a cell of its
// own and skipped.
func aclDomain(v6 bool) (dom box, none uint64) {
	dom = box{{0, 255}, {0, 0}, {0, 1<<32 - 1}, {0, 65535}, {0, 255}, {0, 255}}
	none = uint64(flow.ICMPv6)
	if v6 {
		dom[boxAddrHi], dom[boxAddrLo] = span{0, ^uint64(0)}, span{0, ^uint64(0)}
		none = uint64(flow.ICMP)
	}
	return dom, none
}

// chainLint is what the cells say of one direction and family of an ACL.
type chainLint struct {
	entries []nacl.Entry
	// shadowed[i]: entry i decides no cell; by[i] the entries that decide
	// the cells it holds
	shadowed []bool
	by       []map[int]bool
	// redundant[i]: entry i decides cells, and on each the next entry,
	// and the next that is not shadowed (or the * rule, -1), have the same
	// action; next[i] lists the latter
	redundant []bool
	next      []map[int]bool
	// tcp[i] are the address blocks of the TCP cells entry i decides
	// (each once, with a port of the first such cell), for
	// ACL_CUTS_REPLIES; wit[i] a cell it decides; diff[i] a cell it
	// decides whose decision its removal changes (the witnesses tests
	// check)
	tcp       [][]tcpBlock
	wit, diff []box
}

// tcpBlockKey is an entry's tcpBlock, without its port.
type tcpBlockKey struct {
	entry  int
	hi, lo span
}

// tcpBlock is the address block of a TCP cell an entry decides (the two
// halves of an address, as in a box), and a port of that cell.
type tcpBlock struct {
	hi, lo span
	port   uint16
}

// lintChain decides the cells of entries, one direction and family in
// rule order.
func lintChain(entries []nacl.Entry, v6 bool) *chainLint {
	n := len(entries)
	c := &chainLint{entries: entries, shadowed: make([]bool, n), by: make([]map[int]bool, n),
		redundant: make([]bool, n), next: make([]map[int]bool, n), tcp: make([][]tcpBlock, n), wit: make([]box, n), diff: make([]box, n)}
	boxes := make([]box, n)
	all := make([]int32, n)
	for i, e := range entries {
		boxes[i], all[i] = aclBox(e), int32(i)
	}
	dom, none := aclDomain(v6)
	cuts := [][]uint64{{none, none + 1}}
	decides := make([]bool, n)
	seen := map[tcpBlockKey]bool{}
	partition(boxes, all, dom, 0, cuts, func(cell box, cands []int32) bool {
		if len(cands) == 0 || cell[boxProto].lo == none {
			return true
		}
		f := int(cands[0])
		decides[f] = true
		if c.wit[f] == nil {
			c.wit[f] = slices.Clone(cell)
		}
		if cell[boxProto].holds(span{uint64(flow.TCP), uint64(flow.TCP)}) {
			if k := (tcpBlockKey{f, cell[boxAddrHi], cell[boxAddrLo]}); !seen[k] {
				seen[k] = true
				c.tcp[f] = append(c.tcp[f], tcpBlock{hi: cell[boxAddrHi], lo: cell[boxAddrLo], port: uint16(cell[boxPort].lo)})
			}
		}
		for _, k := range cands[1:] {
			if c.by[k] == nil {
				c.by[k] = map[int]bool{}
			}
			c.by[k][f] = true
		}
		return true
	})
	for i := range entries {
		c.shadowed[i] = !decides[i]
		if decides[i] {
			c.redundant[i] = true
			c.next[i] = map[int]bool{}
		}
	}
	// Redundant: on every cell f decides, the next entry and the next
	// entry that is not shadowed (the * rule, -1, when none) both have
	// f's action: f may go alone, or after every shadowed entry went.
	partition(boxes, all, dom, 0, cuts, func(cell box, cands []int32) bool {
		if len(cands) == 0 || cell[boxProto].lo == none {
			return true
		}
		f := int(cands[0])
		next, live := -1, -1
		for j, k := range cands[1:] {
			if j == 0 {
				next = int(k)
			}
			if !c.shadowed[k] {
				live = int(k)
				break
			}
		}
		act := func(k int) flow.Action {
			if k < 0 {
				return flow.Drop
			}
			return entries[k].Action
		}
		c.next[f][live] = true
		if act(next) != entries[f].Action || act(live) != entries[f].Action {
			c.redundant[f] = false
			if c.diff[f] == nil {
				c.diff[f] = slices.Clone(cell)
			}
		}
		return true
	})
	return c
}

// chains returns the entries of an ACL by direction and family, in rule
// order.
func chains(ev *nacl.Evaluator) [2][2][]nacl.Entry {
	var out [2][2][]nacl.Entry
	for _, e := range ev.ACL().Entries { // sorted by direction, then number
		out[min(int(e.Direction), 1)][b2i(e.Is6())] = append(out[min(int(e.Direction), 1)][b2i(e.Is6())], e)
	}
	return out
}

// lintACLs checks every network ACL.
func (m *Model) lintACLs(o LintOptions) []LintFinding {
	used := map[*aclInfo]bool{}
	for _, s := range m.subnets {
		used[s.acl] = true
	}
	defaults := map[*aclInfo]bool{}
	for _, v := range m.vpcs {
		defaults[v.defaultACL] = true
	}
	ranges := o.EphemeralRanges
	if ranges == nil {
		ranges = []nacl.NamedRange{nacl.EphemeralLinux, nacl.EphemeralWindows}
	}
	ids := slices.Sorted(maps.Keys(m.acls))
	nats := m.natGatewaysByACL() // lint_acl_nat.go
	per := make([][]LintFinding, len(ids))
	parallel(len(ids), lintWorkers(o), func(k int) {
		ai := m.acls[ids[k]]
		if !used[ai] && !defaults[ai] && !ai.acl.IsDefault {
			per[k] = append(per[k], LintFinding{ID: LintACLUnused, Severity: Low, Kind: ResourceNetworkACL, Resource: ai.acl.ID,
				Message: fmt.Sprintf("network ACL %s is associated with no subnet: it filters nothing", ai.acl.ID),
				Fix:     fmt.Sprintf("delete network ACL %s, or associate it with the subnets it was meant for", ai.acl.ID)})
		}
		if len(ai.unknown) > 0 || ai.ev == nil {
			return // entries known only later: any of them may decide
		}
		byDir := chains(ai.ev)
		for d, byFam := range byDir {
			for fam, entries := range byFam {
				if len(entries) == 0 {
					continue
				}
				c := lintChain(entries, fam == 1)
				per[k] = append(per[k], c.findings(ai.acl.ID)...)
				if used[ai] {
					per[k] = append(per[k], cutReplies(ai, c, byDir[1-d][fam], flow.Direction(d), fam == 1, ranges)...)
				}
			}
		}
		per[k] = append(per[k], m.natCutsReplies(ai, nats[ai])...)
	})
	var out []LintFinding
	for _, f := range per {
		out = append(out, f...)
	}
	return out
}

// entryRef names an entry in a finding: "inbound 120".
func entryRef(e nacl.Entry) string { return e.Direction.String() + " " + e.Label() }

// entryList names entries by index, "*" for -1, in rule order: "100
// (allow tcp 22 from 10.0.0.0/8), * (deny all from 0.0.0.0/0)".
func (c *chainLint) entryList(set map[int]bool) (text string, refs []string) {
	idx := slices.Sorted(maps.Keys(set))
	if len(idx) > 0 && idx[0] == -1 {
		idx = append(idx[1:], -1) // the * rule last
	}
	parts := make([]string, len(idx))
	for j, i := range idx {
		e := nacl.DefaultRule(c.entries[0].Direction, c.entries[0].Is6())
		if i >= 0 {
			e = c.entries[i]
		}
		parts[j] = e.String()
		refs = append(refs, entryRef(e))
	}
	return strings.Join(parts, ", "), refs
}

// findings are the shadowed and redundant entries of the chain.
func (c *chainLint) findings(acl string) []LintFinding {
	var out []LintFinding
	for i, e := range c.entries {
		switch {
		case c.shadowed[i] && len(c.by[i]) == 0:
			out = append(out, LintFinding{ID: LintACLShadowed, Severity: Low, Kind: ResourceNetworkACL, Resource: acl, Rule: entryRef(e),
				Message: fmt.Sprintf("entry %s can match no packet (an ICMP entry with a block of the other family)", e),
				Fix:     fmt.Sprintf("remove %s entry %s", e.Direction, e.Label())})
		case c.shadowed[i]:
			sev := Low
			for k := range c.by[i] {
				if c.entries[k].Action != e.Action {
					sev = Medium
				}
			}
			text, refs := c.entryList(c.by[i])
			out = append(out, LintFinding{ID: LintACLShadowed, Severity: sev, Kind: ResourceNetworkACL, Resource: acl, Rule: entryRef(e), Related: refs,
				Message: fmt.Sprintf("entry %s never decides a packet: %s %s first every packet it matches", e, text, plural(len(refs), "matches", "match")),
				Fix: fmt.Sprintf("remove %s entry %s, or, if it should decide, give it a number below %s",
					e.Direction, e.Label(), strings.TrimPrefix(refs[0], e.Direction.String()+" "))})
		case c.redundant[i]:
			text, refs := c.entryList(c.next[i])
			out = append(out, LintFinding{ID: LintACLRedundant, Severity: Low, Kind: ResourceNetworkACL, Resource: acl, Rule: entryRef(e), Related: refs,
				Message: fmt.Sprintf("entry %s changes no decision: without it, %s %s the same for every packet it decides", e, text, plural(len(refs), "decides", "decide")),
				Fix:     fmt.Sprintf("remove %s entry %s", e.Direction, e.Label())})
		}
	}
	return out
}

// article is "an" before a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

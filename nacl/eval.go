package nacl

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/slowpath"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Evaluator is a compiled, immutable network ACL. Build it with [Compile];
// it is safe for concurrent use by any number of goroutines.
//
// A nil *Evaluator stands for "no network ACL on this boundary", as for an
// endpoint outside every subnet (a host on the internet or on premises):
// [Evaluator.Evaluate] and [Evaluator.Explain] allow every packet, with a
// [Decision] whose ACL is empty, [Evaluator.AllowedPorts] returns every
// port, and [CheckRoundTrip] skips the legs on that side.
type Evaluator struct {
	acl   ACL         // canonical copy; Entries sorted by direction, then number
	lists [2][2]chain // [direction][0 IPv4, 1 IPv6]
	// plain: compiled under internal/slowpath, no bitsets and port runs
	// by its plain scan, the slow reference of package reach
	plain bool
}

// chain is the entries of one direction and family in ascending rule
// number, with their precomputed matchers at the same indexes.
type chain struct {
	entries []Entry
	match   []matcher
	bits    *chainBits   // for a long chain (bits.go); nil: scan
	events  []uint32     // for sweepRuns, a chain of at most 64 entries (portruns.go); nil: a plain loop
	words   []entryWords // the entries' words, for ExplainWords (words.go)
	def     entryWords   // the words of the "*" rule of the chain's direction and family
}

// matcher is an entry reduced to integer comparisons, the same for every
// protocol so that matching needs no branch on the entry's kind. Addresses
// are 128-bit numbers split in two halves; IPv4 addresses sit in the low 32
// bits. Criteria that do not apply to the entry's protocol are widened to
// match everything: ports 0-65535 unless TCP/UDP, ICMP type and code -1
// unless ICMP. (A TCP/UDP or ICMP entry also names its protocol, so its
// ports or types are only ever compared with packets of that protocol.)
type matcher struct {
	hi, lo       uint64 // the entry's prefix, masked
	mhi, mlo     uint64 // the prefix's mask
	plo, phi     uint16 // destination ports
	proto        flow.Protocol
	itype, icode int16 // -1 matches all
}

// packet is a flow reduced the same way, for one direction.
type packet struct {
	hi, lo       uint64
	port         uint16 // destination port
	proto        flow.Protocol
	itype, icode int16
}

func (m *matcher) matches(p *packet) bool {
	return p.hi&m.mhi == m.hi && p.lo&m.mlo == m.lo &&
		(m.proto == flow.AllProtocols || m.proto == p.proto) &&
		m.plo <= p.port && p.port <= m.phi &&
		(m.itype < 0 || m.itype == p.itype) && (m.icode < 0 || m.icode == p.icode)
}

// matchesButPort is matches for a TCP or UDP packet whose destination port
// is left open; it returns the ports the entry covers. (ICMP entries have
// an ICMP protocol, so their type and code never meet a TCP/UDP packet.)
func (m *matcher) matchesButPort(p *packet) (flow.PortRange, bool) {
	ok := p.hi&m.mhi == m.hi && p.lo&m.mlo == m.lo && (m.proto == flow.AllProtocols || m.proto == p.proto)
	return flow.PortRange{Lo: m.plo, Hi: m.phi}, ok
}

// addrKey splits a into two halves; ok is false for an invalid address.
func addrKey(a netip.Addr) (hi, lo uint64, ok bool) {
	switch {
	case a.Is4():
		b := a.As4()
		return 0, uint64(binary.BigEndian.Uint32(b[:])), true
	case a.Is6():
		b := a.As16()
		return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), true
	}
	return 0, 0, false
}

func newMatcher(e Entry) matcher {
	m := matcher{proto: e.Protocol, phi: 65535, itype: -1, icode: -1}
	if e.UsesPorts() {
		m.plo, m.phi = e.Ports.Lo, e.Ports.Hi // PortZero: Ports is zero, port 0 alone
	}
	if e.UsesICMP() {
		m.itype, m.icode = e.ICMPType, e.ICMPCode
	}
	bits := e.CIDR.Bits()
	if e.CIDR.Addr().Is4() {
		m.mlo = uint64(^uint32(0) << (32 - bits)) // a shift by 32 gives 0: /0
	} else {
		if bits <= 64 {
			m.mhi = ^uint64(0) << (64 - bits)
		} else {
			m.mhi, m.mlo = ^uint64(0), ^uint64(0)<<(128-bits)
		}
	}
	hi, lo, _ := addrKey(e.CIDR.Addr())
	m.hi, m.lo = hi&m.mhi, lo&m.mlo
	return m
}

// Compile checks acl and returns its evaluator. The entries are copied,
// their CIDRs masked and the fields that do not apply to their protocol
// cleared (see [Entry]). Errors are *[flow.InputError] with Path naming the
// Go field ("Entries[3].Ports"), Resource the ACL's ID and Rule the rule
// number, wrapping [ErrInvalidACL] (no ID), [ErrInvalidEntry] or
// [ErrDuplicateRule].
func Compile(acl ACL) (*Evaluator, error) {
	if acl.ID == "" {
		return nil, &flow.InputError{Path: "ID", Err: fmt.Errorf("%w: the ACL has no ID", ErrInvalidACL)}
	}
	ev := &Evaluator{acl: ACL{
		ID:        acl.ID,
		VPCID:     acl.VPCID,
		IsDefault: acl.IsDefault,
		Subnets:   slices.Clone(acl.Subnets),
		Entries:   slices.Grow([]Entry(nil), len(acl.Entries)), // nil stays nil
	}}
	seen := map[[2]int]int{} // direction, number -> index
	for i, e := range acl.Entries {
		path := "Entries[" + strconv.Itoa(i) + "]"
		if f := check(e); f != nil {
			return nil, &flow.InputError{Path: path + "." + f.field, Resource: acl.ID, Rule: strconv.Itoa(e.Number), Text: f.text, Err: f.err()}
		}
		key := [2]int{int(e.Direction), e.Number}
		if j, dup := seen[key]; dup {
			return nil, &flow.InputError{Path: path + ".Number", Resource: acl.ID, Rule: strconv.Itoa(e.Number), Text: e.String(),
				Err: fmt.Errorf("%w: %s rule %d is both Entries[%d] (%s) and Entries[%d] (%s)", ErrDuplicateRule, e.Direction, e.Number, j, acl.Entries[j], i, e)}
		}
		seen[key] = i
		ev.acl.Entries = append(ev.acl.Entries, canonical(e))
	}
	slices.SortFunc(ev.acl.Entries, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Direction, b.Direction), cmp.Compare(a.Number, b.Number))
	})
	for _, e := range ev.acl.Entries {
		c := &ev.lists[e.Direction][family(e.Is6())]
		c.entries = append(c.entries, e)
		c.match = append(c.match, newMatcher(e))
	}
	ev.plain = slowpath.On()
	if !ev.plain {
		for dir := range ev.lists {
			for fam := range ev.lists[dir] {
				c := &ev.lists[dir][fam]
				if len(c.match) >= bitsFrom && len(c.match) <= 64 {
					c.bits = newChainBits(c.match, fam == 1)
				}
				if len(c.match) > 0 && len(c.match) <= 64 {
					c.events = sweepEvents(c.match)
				}
			}
		}
	}
	ev.prepareWords()
	return ev, nil
}

// MustCompile is [Compile] that panics on error, for literals in code and
// tests.
func MustCompile(acl ACL) *Evaluator {
	ev, err := Compile(acl)
	if err != nil {
		panic(err)
	}
	return ev
}

func family(is6 bool) int {
	if is6 {
		return 1
	}
	return 0
}

// ACL returns a copy of the compiled ACL: its entries canonical and sorted
// by direction (inbound first), then rule number. A nil Evaluator returns
// the zero ACL.
func (e *Evaluator) ACL() ACL {
	if e == nil {
		return ACL{}
	}
	a := e.acl
	a.Subnets = slices.Clone(a.Subnets)
	a.Entries = slices.Clone(a.Entries)
	return a
}

// ID returns the ACL's ID, or "" for a nil Evaluator.
func (e *Evaluator) ID() string {
	if e == nil {
		return ""
	}
	return e.acl.ID
}

// Decision is the outcome of one packet crossing one ACL in one direction.
// [Evaluator.Evaluate] and [Evaluator.Explain] return the same Decision;
// only Explain fills Skipped.
type Decision struct {
	Verdict flow.Verdict // flow.Allow or flow.Deny
	// Action is the deciding entry's action: flow.Pass or flow.Drop (the "*"
	// rule drops; a nil Evaluator passes).
	Action flow.Action
	ACL    string // the ACL's ID; "" when there is no ACL (a nil Evaluator)
	// Entry is the entry that decided: a user entry, or the "*" rule of the
	// packet's direction and family (numbered 32767 or 32768). Zero for a
	// nil Evaluator.
	Entry Entry
	// Default reports that no entry matched and the "*" rule denied.
	Default bool
	// Skipped lists, for [Evaluator.Explain] only, the entries of the
	// packet's direction and family tried before the deciding one, in rule
	// number order, each with why it did not match.
	Skipped []Skip
}

// String prints the decision as a person reads it:
//
//	allowed by rule 100 (allow tcp 443 from 0.0.0.0/0) on acl-1
//	denied by rule * (deny all from ::/0) on acl-1
//	allowed: no network ACL
func (d Decision) String() string {
	verb := "denied"
	if d.Verdict == flow.Allow {
		verb = "allowed"
	}
	if d.ACL == "" {
		return verb + ": no network ACL"
	}
	return verb + " by rule " + d.Entry.Label() + " (" + d.Entry.body() + ") on " + textsafe.String(d.ACL)
}

// Skip is an entry that [Evaluator.Explain] tried and passed over.
type Skip struct {
	Entry Entry
	// Reason is the first criterion the packet failed, in the order
	// protocol, port or ICMP type and code, address: "port 443 ≠ 22",
	// "port 80 not in 1024-65535", "protocol udp ≠ tcp", "icmp type 0 ≠ 8",
	// "source 198.51.100.7 not in 10.0.0.0/8".
	Reason string
}

// String prints the rule label and the reason: "100: port 443 ≠ 22".
func (s Skip) String() string { return s.Entry.Label() + ": " + textsafe.String(s.Reason) }

// noACL is the decision of a nil Evaluator.
var noACL = Decision{Verdict: flow.Allow, Action: flow.Pass}

// prepare picks the chain for f in dir and reduces f to a packet. valid is
// false when the address the direction compares is invalid.
func (e *Evaluator) prepare(f flow.Flow, dir flow.Direction) (c *chain, p packet, is6, valid bool) {
	addr := f.Src.Addr()
	if dir == flow.Outbound {
		addr = f.Dst.Addr()
	}
	is6 = addr.Is6()
	c = &e.lists[dir][family(is6)]
	p.hi, p.lo, valid = addrKey(addr)
	p.proto, p.port = f.Protocol, f.Dst.Port()
	p.itype, p.icode = int16(f.ICMPType), int16(f.ICMPCode)
	return c, p, is6, valid
}

// first returns the index of the first matching entry, or -1.
func (c *chain) first(p *packet) int {
	if c.bits != nil {
		return c.bits.first(c, p)
	}
	return c.scan(p)
}

// scan is first by trying every entry in turn: the reference of the
// bitsets, and the search of a short chain.
func (c *chain) scan(p *packet) int {
	for i := range c.match {
		if c.match[i].matches(p) {
			return i
		}
	}
	return -1
}

func (e *Evaluator) decide(c *chain, i int, dir flow.Direction, is6 bool) Decision {
	if i < 0 {
		return Decision{Verdict: flow.Deny, Action: flow.Drop, ACL: e.acl.ID, Entry: DefaultRule(dir, is6), Default: true}
	}
	en := c.entries[i]
	return Decision{Verdict: en.Action.Verdict(), Action: en.Action, ACL: e.acl.ID, Entry: en}
}

// Evaluate decides the packet f crossing the ACL in direction dir (Inbound:
// entering the subnet, matched on f's source address; Outbound: leaving it,
// matched on f's destination address). It does not allocate.
//
// f should pass [flow.Flow.Validate]; for a flow that does not, the result
// is well defined but meaningless (an invalid address matches no entry and
// falls to the IPv4 "*" rule; an IPv4-mapped IPv6 address is IPv6). dir
// must be flow.Inbound or flow.Outbound; any other value panics.
func (e *Evaluator) Evaluate(f flow.Flow, dir flow.Direction) Decision {
	if e == nil {
		return noACL
	}
	c, p, is6, valid := e.prepare(f, dir)
	i := -1
	if valid {
		i = c.first(&p)
	}
	return e.decide(c, i, dir, is6)
}

// Verdict is [Evaluator.Evaluate]'s Verdict and Default alone, for a
// caller that needs no more (a walk deciding reachability): it skips
// building the Decision, the copy of the deciding entry with it. A nil
// Evaluator allows.
func (e *Evaluator) Verdict(f flow.Flow, dir flow.Direction) (v flow.Verdict, isDefault bool) {
	if e == nil {
		return flow.Allow, false
	}
	c, p, _, valid := e.prepare(f, dir)
	if valid {
		if i := c.first(&p); i >= 0 {
			return c.entries[i].Action.Verdict(), false
		}
	}
	return flow.Deny, true
}

// Explain is [Evaluator.Evaluate] plus the trace: the same verdict and
// deciding entry, and in Skipped every entry of f's direction and family
// tried before it, with why it did not match. Entries of the other family
// and of the other direction are never tried and are not listed.
func (e *Evaluator) Explain(f flow.Flow, dir flow.Direction) Decision {
	if e == nil {
		return noACL
	}
	c, p, is6, valid := e.prepare(f, dir)
	i := -1
	if valid {
		i = c.first(&p)
	}
	d := e.decide(c, i, dir, is6)
	n := i
	if i < 0 {
		n = len(c.entries)
	}
	if n > 0 {
		d.Skipped = make([]Skip, n)
		for j, en := range c.entries[:n] {
			d.Skipped[j] = Skip{Entry: en, Reason: mismatch(en, f, dir)}
		}
	}
	return d
}

// mismatch says why en does not match f in dir, checking protocol, then
// port or ICMP type and code, then address. It returns "" when en matches.
// It reads the Entry, not the matcher, so it doubles as a check on it.
func mismatch(en Entry, f flow.Flow, dir flow.Direction) string {
	side, addr := "source", f.Src.Addr()
	if dir == flow.Outbound {
		side, addr = "destination", f.Dst.Addr()
	}
	if !en.Protocol.Matches(f.Protocol) {
		return "protocol " + f.Protocol.String() + " ≠ " + en.Protocol.String()
	}
	if en.UsesPorts() && !en.Ports.Contains(f.Dst.Port()) {
		if en.Ports.Lo == en.Ports.Hi {
			return "port " + strconv.Itoa(int(f.Dst.Port())) + " ≠ " + en.Ports.String()
		}
		return "port " + strconv.Itoa(int(f.Dst.Port())) + " not in " + en.Ports.String()
	}
	if en.UsesICMP() {
		if en.ICMPType >= 0 && en.ICMPType != int16(f.ICMPType) {
			return en.Protocol.String() + " type " + strconv.Itoa(int(f.ICMPType)) + " ≠ " + strconv.Itoa(int(en.ICMPType))
		}
		if en.ICMPCode >= 0 && en.ICMPCode != int16(f.ICMPCode) {
			return en.Protocol.String() + " code " + strconv.Itoa(int(f.ICMPCode)) + " ≠ " + strconv.Itoa(int(en.ICMPCode))
		}
	}
	if !en.CIDR.Contains(addr) {
		return side + " " + addr.String() + " not in " + en.CIDR.String()
	}
	return ""
}

// AllowedPorts returns the destination ports p for which the packet f,
// with its destination port replaced by p, is allowed in direction dir. It
// works on intervals, entry by entry, not port by port. For a protocol
// without ports (anything but TCP and UDP) the answer cannot depend on the
// port: it is every port or none. A nil Evaluator allows every port.
func (e *Evaluator) AllowedPorts(f flow.Flow, dir flow.Direction) flow.PortSet {
	if e == nil {
		return flow.FullSet[uint16]()
	}
	if !f.Protocol.HasPorts() {
		if e.Evaluate(f, dir).Verdict == flow.Allow {
			return flow.FullSet[uint16]()
		}
		return flow.PortSet{}
	}
	c, p, _, valid := e.prepare(f, dir)
	if !valid {
		return flow.PortSet{}
	}
	open := flow.FullSet[uint16]() // ports no entry has decided yet
	var allowed flow.PortSet
	for i := range c.match {
		r, ok := c.match[i].matchesButPort(&p)
		if !ok {
			continue
		}
		decided := open.Intersect(flow.SetOf(r))
		if decided.IsEmpty() {
			continue
		}
		if c.entries[i].Action == flow.Pass {
			allowed = allowed.Union(decided)
		}
		open = open.Difference(decided)
		if open.IsEmpty() {
			break
		}
	}
	return allowed // whatever is still open falls to "*": denied
}

package reach

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Set questions on addresses known only later. A question from or to an
// interface whose address is known only later, and which the design's
// blocks tell apart (unknownsOf), is one a single check may answer
// Indeterminate for some values and not others (unknown.go,
// unknown_block.go): whether the path tells the addresses apart, and
// whether a hop blocks every one of them, depends on the packet. The set
// questions answer such a part per atom by the single check's own rule
// (verdictRule, what [Model.Verdict] does), the atoms cut at the bounds of
// every filter on the path with the addresses varied too, so that every
// rule's ports, types and codes are edges whatever its peer: within an
// atom each filter decides alike for every address, and so do the edges
// pathCuts finds and the blocks blockedWhicheverAddress judges. The rest
// of a question keeps its fast paths. A part that would take more than
// maxUnknownChecks such checks is refused, naming the value as the
// question's error did before, and the budget (unknownBudgetErr).

// maxUnknownChecks is the most per-atom checks by the single check's rule
// one part of a set question (a Ports question, a Sources question's
// internet addresses, a Matrix cell, an audited service port) makes for an
// interface whose address is known only later; a part that would take
// more is refused.
const maxUnknownChecks = 1 << 14

// AddressKnownLater, a code of set questions' cuts only ([Cut]), marks the
// values a single check answers [Indeterminate] because an end's address
// is known only later and the filters on the path tell apart the
// addresses it could get (not every one of which a hop blocks for
// certain): the cut names the interface (its Kind [KindInterface], its
// Hop 0), not a hop.
const AddressKnownLater Code = "ADDRESS_KNOWN_LATER"

// toldApart returns the ends (of the family v6 says) whose address is
// known only later and which the design's blocks tell apart.
func (m *Model) toldApart(v6 bool, ends ...*ifaceInfo) []*ifaceInfo {
	if len(m.unknownIfaces) == 0 {
		return nil
	}
	var out []*ifaceInfo
	for _, ii := range ends {
		if ii == nil {
			continue
		}
		for _, u := range ii.unknowns() {
			if u.ph.Is6() == v6 && len(m.cutsOf(u)) > 0 {
				out = append(out, ii)
				break
			}
		}
	}
	return out
}

// verdictRule is [Model.VerdictFlow]'s answer for f from src (nil: the
// internet): Verdict's rule for a packet whose end's address is known only
// later, spelt out for the set questions' per-atom checks.
func (m *Model) verdictRule(f flow.Flow, src *ifaceInfo) Outcome {
	if dst, _ := m.resolve(f.Dst.Addr().String()); len(m.unknownEnds(f, src, dst.iface)) > 0 {
		return m.checkedOutcome(f, src, dst.iface)
	}
	return m.verdict(f, src)
}

// unknownBudgetErr is the error of a part of a set question that
// involves ends whose address is known only later and would take more
// per-atom checks than maxUnknownChecks.
func (m *Model) unknownBudgetErr(ends ...*ifaceInfo) error {
	u := m.unknownsOf(ends...)
	return fmt.Errorf("%w: the answer depends on a value known only later: %s; answering it value by value by the single check's rule would take more than %d checks (the set questions' budget for such a part)",
		ErrQuery, strings.Join(u, "; "), maxUnknownChecks)
}

// unknownErrIfaces is the error of a set question that answers the
// interfaces whose private address is known only later, told apart, per
// atom by the single check's rule (unknown_sets.go): none, unless the
// design has zone worlds (tgw_appliance.go), whose merged answers that
// rule does not follow; then unknownErr's over every such interface.
func (m *Model) unknownErrIfaces() error {
	if m.hasWorlds() {
		return m.unknownErr(m.unknownIfaces...)
	}
	return nil
}

// unknownErrOthers is the error of a set question over the values known
// only later that no set answer follows yet: every one but the private
// addresses of interfaces (unknownErrIfaces), and, for a question about
// paths between interfaces of the design (Sources, Matrix), the public
// addresses known only later. A NAT gateway whose secondary addresses the
// design tells apart is not its concern: Matrix refuses it whole
// (setQuestionNATErr), Sources per path (natPathErr, in addrSources).
func (m *Model) unknownErrOthers(publicToo bool) error {
	for _, ii := range m.ifaceOrder {
		if m.groupsUnknownN > 0 && ii.GroupsUnknown != "" {
			// its groups, and so every group's members, are not known
			return fmt.Errorf("%w: the answer depends on a value known only later: %s", ErrQuery, ii.GroupsUnknown)
		}
	}
	if m.unknownRoutes > 0 {
		for _, rt := range m.rts {
			for i := range rt.unknown {
				// a route by a list whose entries the input lacks could
				// match any address alike: its undecided lookups depend on
				// the route found, as the walks' pieces do, so the sets
				// stay exact; a destination known only later does not
				if u := &rt.unknown[i]; u.Unknown != "" {
					return fmt.Errorf("%w: the answer depends on %s", ErrQuery, u.unknownText())
				}
			}
		}
	}
	if m.unknownACLs > 0 {
		for _, a := range m.acls {
			if len(a.unknown) > 0 {
				return fmt.Errorf("%w: the answer depends on a value known only later: %s", ErrQuery, a.unknown[0].What)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(m.unknownPeers)) {
		// a rule whose peer or ports are known only later: which
		// addresses it admits is not known, so no set of them is exact
		return fmt.Errorf("%w: the answer depends on a value known only later: %s", ErrQuery, m.unknownPeers[id].What)
	}
	for _, ni := range m.unknownNATs {
		if ni.unknown != nil && len(m.cutsOf(ni.unknown)) > 0 {
			return fmt.Errorf("%w: the answer depends on a value known only later: %s, which the design's edges tell apart", ErrQuery, ni.unknown.what)
		}
	}
	if !publicToo || m.publicCuts == nil {
		return nil
	}
	if cuts := m.cutsOf(m.publicCuts); len(cuts) > 0 {
		return fmt.Errorf("%w: the answer depends on a value known only later: a public address is known only later, and the design tells public addresses apart (edges at %s)",
			ErrQuery, addrList(cuts))
	}
	return nil
}

// unknownErr is the error of a set question that involves an interface
// whose unknown address the design tells apart.
func (m *Model) unknownErr(ends ...*ifaceInfo) error {
	if u := m.unknownsOf(ends...); len(u) > 0 {
		return fmt.Errorf("%w: the answer depends on a value known only later: %s", ErrQuery, strings.Join(u, "; "))
	}
	return nil
}

// unknownFields are the bounds a discovery walk also varies for a part
// answered by verdictRule: both addresses, so that every filter gives the
// edges of every rule whatever its peer.
var unknownFields = []flow.Field{flow.FieldSrcAddr, flow.FieldDstAddr}

// addUnknown records, for a value a single check answers Indeterminate
// because an end's address is known only later (and the walk alone does
// not), a cut naming each such end.
func (s *cutSet) addUnknown(ends []*ifaceInfo, grow func(*Cut)) {
	for _, ii := range ends {
		k := cutKey{leg: int(Forward), hop: -1, code: AddressKnownLater, kind: KindInterface, id: ii.ID}
		c, ok := s.cuts[k]
		if !ok {
			c = &Cut{Leg: Forward, Hop: 0, Kind: KindInterface, ID: ii.ID, Name: ii.Name, Code: AddressKnownLater, Indeterminate: true}
			s.cuts[k] = c
			s.order = append(s.order, k)
		}
		grow(c)
	}
}

// pairRule is [trafficQuestion.pair] for a pair with an end whose
// address is known only later, told apart (unknown, not empty): every
// protocol's atoms, cut with the addresses varied too (unknownFields),
// each answered by the single check's rule. checks counts them over the
// cell (an internet cell asks once per internet atom); more than
// maxUnknownChecks is an error.
func (q *trafficQuestion) pairRule(src *ifaceInfo, sa, da netip.Addr, unknown []*ifaceInfo, checks *int) (open, und Traffic, walks int, err error) {
	m := q.m
	check := func(f flow.Flow) (Outcome, error) {
		if *checks++; *checks > maxUnknownChecks {
			return Unreachable, m.unknownBudgetErr(unknown...)
		}
		walks++
		return m.verdictRule(f, src), nil
	}
	for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
		f := flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(sa, DefaultSourcePort), Dst: netip.AddrPortFrom(da, 1)}
		fb := flow.NewBounds(append([]flow.Field{flow.FieldDstPort}, unknownFields...)...)
		rb := flow.NewBounds(append([]flow.Field{flow.FieldSrcPort}, unknownFields...)...)
		m.setWalk(f, src, fb, rb, false)
		walks++
		var o, u []flow.PortRange
		for _, p := range destPortAtoms(fb, rb) {
			g := f
			g.Dst = netip.AddrPortFrom(da, p.Lo)
			out, err := check(g)
			if err != nil {
				return open, und, walks, err
			}
			switch out {
			case Reachable:
				o = append(o, p)
			case Indeterminate:
				u = append(u, p)
			}
		}
		if proto == flow.TCP {
			open.TCP, und.TCP = flow.SetOf(o...), flow.SetOf(u...)
		} else {
			open.UDP, und.UDP = flow.SetOf(o...), flow.SetOf(u...)
		}
	}
	f := flow.Flow{Protocol: flow.ICMP, Src: netip.AddrPortFrom(sa, 0), Dst: netip.AddrPortFrom(da, 0), ICMPType: flow.ICMPEchoRequest}
	if q.v6 {
		f.Protocol, f.ICMPType = flow.ICMPv6, flow.ICMPv6EchoRequest
	}
	fields := append([]flow.Field{flow.FieldICMPType, flow.FieldICMPCode}, unknownFields...)
	fb, rb := flow.NewBounds(fields...), flow.NewBounds(fields...)
	m.setWalk(f, src, fb, rb, false)
	walks++
	types, codes := icmpAtoms(f.Protocol, fb, rb)
	for _, tr := range types {
		for _, cr := range codes {
			g := f
			g.ICMPType, g.ICMPCode = uint8(tr.Lo), uint8(cr.Lo)
			out, err := check(g)
			if err != nil {
				return open, und, walks, err
			}
			c := flow.Range[uint8]{Lo: uint8(cr.Lo), Hi: uint8(cr.Hi)}
			for t := int(tr.Lo); t <= int(tr.Hi); t++ {
				switch out {
				case Reachable:
					open.ICMP = addICMP(open.ICMP, uint8(t), c)
				case Indeterminate:
					und.ICMP = addICMP(und.ICMP, uint8(t), c)
				}
			}
		}
	}
	_, err = q.otherProtocols(sa, da, &open, &und, check)
	return open, und, walks, err
}

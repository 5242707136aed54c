package brute

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// CellOf returns the cell from class a to class b, empty if the matrix
// has none.
func CellOf(mx *reach.Matrix, a, b string) reach.Cell {
	for _, c := range mx.Cells {
		if c.From == a && c.To == b {
			return c
		}
	}
	return reach.Cell{From: a, To: b}
}

// holds reports whether t holds q's session (protocol, port, ICMP type
// and code).
func holds(t reach.Traffic, q reach.Query) bool {
	switch {
	case q.Protocol == flow.TCP:
		return t.TCP.Contains(q.Port)
	case q.Protocol == flow.UDP:
		return t.UDP.Contains(q.Port)
	case q.Protocol.IsICMP():
		return icmpHas(t.ICMP, q.ICMP.Type, q.ICMP.Code)
	}
	return t.Other.Contains(uint8(q.Protocol))
}

// icmpOf is q's ICMP message for a failure's text ("" for none): the
// query prints only its pointer.
func icmpOf(q reach.Query) string {
	if q.ICMP == nil {
		return ""
	}
	return fmt.Sprintf(" (icmp type %d code %d)", q.ICMP.Type, q.ICMP.Code)
}

// CellOutcome is what a cell says of one session.
func CellOutcome(c reach.Cell, q reach.Query) reach.Outcome {
	switch {
	case holds(c.Allowed, q):
		return reach.Reachable
	case holds(c.Indeterminate, q):
		return reach.Indeterminate
	}
	return reach.Unreachable
}

// SessionsToCheck is the sessions a brute-force check of a cell tries:
// 60 tcp and 60 udp ports (the edges of the cell's sets first; 15 each,
// beside every edge, in a test built with the race detector), ICMP
// messages (codes 0-5 of three types filters commonly name or the cell
// holds, and of a random type; the first and last code of each of the
// cell's code runs; echo request and reply; a few at random) and other
// protocols.
func SessionsToCheck(rng *rand.Rand, c reach.Cell) []reach.Query {
	var out []reach.Query
	for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
		set, maybe := c.Allowed.TCP, c.Indeterminate.TCP
		if proto == flow.UDP {
			set, maybe = c.Allowed.UDP, c.Indeterminate.UDP
		}
		ports := PortsToCheck(rng, set, maybe)
		seen := map[uint16]bool{}
		edges(seen, set, maybe)
		edge := sorted(seen) // the edges first: they must not fall out of the 60
		for _, p := range append(edge, ports...)[:min(len(edge)+len(ports), max(60/raceScale, len(edge)))] {
			out = append(out, reach.Query{Protocol: proto, Port: p})
		}
	}
	// Codes 0-5 of a few types: of those filters commonly name (and
	// the cell's own, whose code runs may have been cut), and of a random
	// one; the types take turns across the cells.
	types := slices.Clone(namedICMPTypes)
	for _, ic := range append(c.Allowed.ICMP, c.Indeterminate.ICMP...) {
		if !slices.Contains(types, ic.Type) {
			types = append(types, ic.Type)
		}
	}
	rng.Shuffle(len(types), func(i, j int) { types[i], types[j] = types[j], types[i] })
	for _, ty := range append(types[:min(3, len(types))], uint8(rng.IntN(256))) {
		for code := range uint8(6) {
			out = append(out, reach.Query{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: ty, Code: code}})
		}
	}
	for range 4 {
		out = append(out, reach.Query{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: uint8(rng.IntN(256)), Code: uint8(rng.IntN(256))}})
	}
	for _, ic := range append(c.Allowed.ICMP, c.Indeterminate.ICMP...) {
		for _, r := range ic.Codes.Ranges() {
			out = append(out, reach.Query{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: ic.Type, Code: r.Lo}},
				reach.Query{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: ic.Type, Code: r.Hi}})
		}
	}
	out = append(out, reach.Query{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 8}}, reach.Query{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 0}})
	for _, p := range []flow.Protocol{47, 50, flow.Protocol(1 + rng.IntN(255))} {
		if !p.HasPorts() && !p.IsICMP() {
			out = append(out, reach.Query{Protocol: p})
		}
	}
	return out
}

// namedICMPTypes are the ICMP types (for IPv4 and for IPv6) filters
// commonly name: echo reply and request, destination unreachable (its
// code 4 the path-MTU message), source quench, redirect, time exceeded,
// parameter problem, timestamp; ICMPv6's destination unreachable, packet
// too big, time exceeded, parameter problem, echo request and reply,
// neighbour solicitation and advertisement.
var namedICMPTypes = []uint8{0, 3, 4, 5, 8, 11, 12, 13, 1, 2, 128, 129, 135, 136}

// internetSources and internetSources6 are the internet addresses a
// matrix check sends from and to.
var (
	internetSources  = []string{"198.51.100.7", "8.8.8.8", "1.2.3.4"}
	internetSources6 = []string{"2001:db8:aaaa::7", "2600::1"}
)

// allPairs is how many ordered pairs of members a cell between two
// classes may have for [CheckMatrix] to check every one; beyond it (a
// large design), each member of either class is checked against one
// member of the other picked at random, so that every member still meets
// every session of the cell. A test built with the race detector checks
// a quarter as many (raceScale), here and for allMembers and the ports
// of SessionsToCheck.
const allPairs = 64 / raceScale

// sourcesPerProtocol is how many sessions of each protocol that an
// internet-to-class cell holds [CheckMatrix] asks Sources about, per
// member: the first of SessionsToCheck's, which for tcp and udp are the
// edges of the cell's sets.
const sourcesPerProtocol = 6

// allMembers is how many members of a class [CheckMatrix] checks against
// the internet one by one; beyond it, a random sample of that many.
const allMembers = 16 / raceScale

// memberPairs returns the ordered pairs of distinct members of a and b
// that CheckMatrix checks a cell on: every pair, or, past allPairs, each
// member of a with a random member of b and each member of b with a
// random member of a.
func memberPairs(rng *rand.Rand, a, b reach.Class) [][2]string {
	var out [][2]string
	if len(a.Members)*len(b.Members) <= allPairs {
		for _, x := range a.Members {
			for _, y := range b.Members {
				if x.ID != y.ID {
					out = append(out, [2]string{x.ID, y.ID})
				}
			}
		}
		return out
	}
	other := func(c reach.Class, not string) (string, bool) {
		if len(c.Members) == 1 && c.Members[0].ID == not {
			return "", false
		}
		for {
			if id := c.Members[rng.IntN(len(c.Members))].ID; id != not {
				return id, true
			}
		}
	}
	for _, x := range a.Members {
		if y, ok := other(b, x.ID); ok {
			out = append(out, [2]string{x.ID, y})
		}
	}
	for _, y := range b.Members {
		if x, ok := other(a, y.ID); ok {
			out = append(out, [2]string{x, y.ID})
		}
	}
	return out
}

// sampleMembers returns the IDs of c's members, or allMembers of them
// picked at random when it has more.
func sampleMembers(rng *rand.Rand, c reach.Class) []string {
	var out []string
	for _, mb := range c.Members {
		out = append(out, mb.ID)
	}
	if len(out) > allMembers {
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		out = out[:allMembers]
	}
	return out
}

// combine folds outcomes as a union over addresses does: Reachable when
// one is, else Indeterminate when one is, else Unreachable.
func combine(x, y reach.Outcome) reach.Outcome {
	switch {
	case x == reach.Reachable || y == reach.Reachable:
		return reach.Reachable
	case x == reach.Indeterminate || y == reach.Indeterminate:
		return reach.Indeterminate
	}
	return reach.Unreachable
}

// witness looks, for a session q that a member-to-internet cell says
// is want (Reachable or Indeterminate) but that no usual address shows,
// for an internet address that shows it from one of the member's ends:
// among the edges of the blocks Sources finds toward the member on that
// session, and 300 random addresses. It returns that address, or "".
func witness(t testing.TB, m *reach.Model, ends []string, q reach.Query, want reach.Outcome, v6 bool, msg string) string {
	t.Helper()
	var blocks [][]netip.Prefix
	for _, to := range ends {
		if s, err := m.Sources(reach.SourcesQuery{To: to, Protocol: q.Protocol, Port: q.Port, ICMP: q.ICMP, IPv6: v6}); err == nil {
			blocks = append(blocks, s.Internet, s.InternetIndeterminate)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(q.Port), uint64(q.Protocol)))
	for _, a := range AddrsToCheck(rng, v6, blocks...) {
		if !InternetHost(m, a) {
			continue
		}
		for _, from := range ends {
			q.From, q.To, q.IPv6 = from, a.String(), v6
			got, err := m.Verdict(q)
			noErr(t, err, "%s: %+v", msg, q)
			if got == want {
				return a.String()
			}
		}
	}
	return ""
}

// internetTargets returns the internet addresses CheckMatrix sends to
// from a member: fixed, internetSources (or internetSources6) and extra,
// whose answers the cell must hold; routed, the internet hosts at the
// edges of the blocks where the design's routing may send a packet
// elsewhere (RouteAddrs), whose answers the cell must hold too; and
// beside, the internet hosts beside the design's addresses (NearDesign),
// tried only to find a session the cell holds.
func internetTargets(m *reach.Model, v6 bool, extra []netip.Addr) (fixed, routed, beside []string) {
	seen := map[string]bool{}
	add := func(out *[]string, s string) {
		if !seen[s] {
			seen[s] = true
			*out = append(*out, s)
		}
	}
	base := internetSources
	if v6 {
		base = internetSources6
	}
	for _, s := range base {
		add(&fixed, s)
	}
	for _, a := range extra {
		if a.Is6() == v6 {
			add(&fixed, a.String())
		}
	}
	for _, a := range RouteAddrs(m, v6) {
		add(&routed, a.String())
	}
	for _, a := range NearDesign(m) {
		if a.Is6() == v6 && InternetHost(m, a) {
			add(&beside, a.String())
		}
	}
	return fixed, routed, beside
}

// netEnds lists, per interface of m that meets the internet at more
// than its ID's address, the ends a question between it and the
// internet may name besides its ID: for IPv4, the Elastic IPs of its
// other private addresses ([reach.Interface.PublicIPs]) as destinations,
// those private addresses as sources; for IPv6 (v6), its IPv6 addresses
// after the first, both ways.
func netEnds(m *reach.Model, v6 bool) (to, from map[string][]string) {
	to, from = map[string][]string{}, map[string][]string{}
	for _, in := range m.Interfaces() {
		if v6 {
			for _, a := range otherIPv6(in) {
				to[in.ID] = append(to[in.ID], a.String())
				from[in.ID] = append(from[in.ID], a.String())
			}
			continue
		}
		for _, p := range in.PublicIPs {
			to[in.ID] = append(to[in.ID], p.Public.String())
			from[in.ID] = append(from[in.ID], p.Private.String())
		}
	}
	return to, from
}

// otherIPv6 is in's IPv6 addresses after the first.
func otherIPv6(in reach.Interface) []netip.Addr {
	var out []netip.Addr
	first := true
	for _, a := range in.PrivateIPs {
		if a.Is6() {
			if !first {
				out = append(out, a)
			}
			first = false
		}
	}
	return out
}

// CheckMatrix demands that every cell of mx (m.Matrix's answer, for IPv6
// when v6) agree with Verdict between members of its classes on each of
// SessionsToCheck's sessions: every ordered pair of members of the two
// classes, or, when they have more than 64 pairs, each member of either
// class with a member of the other picked at random (so a class that
// wrongly merges two interfaces is caught whichever is picked).
//
// A cell with the internet is a union over the internet's addresses and
// the member's (its ID, the Elastic IP of another private address,
// another IPv6 address), and is checked both ways for each member (each
// of up to 16 members of a class, a random sample of a larger one):
//   - internet to member: a session the cell holds must be what Sources
//     finds at the member's addresses (Reachable when some internet
//     address gets through, else Indeterminate when some might); Sources
//     being slow, this is asked of the first 6 such sessions of each
//     protocol (for tcp and udp the edges of the cell's sets); and a
//     session Verdict finds from an internet address (one of the fixed
//     ones or of RouteAddrs, at random) must be in it;
//   - member to internet: what gets through from one of the member's
//     addresses to a few fixed internet addresses, extra, and the
//     addresses at the edges of the design's routes, prefix lists and
//     unmodelled blocks ([RouteAddrs]: a block routed to a VPN or a local
//     gateway may be undecided where the rest of the internet is
//     decided) must be in the cell (Allowed when Reachable); and, when
//     the member reaches one of them on some session (it has a way to
//     the internet), each session the cell holds must get through (or,
//     Indeterminate, might) to some internet address: one of those, one
//     beside the design's addresses (NearDesign), an edge of a block
//     Sources finds toward the member, or one of 300 random ones. A
//     member that reaches none of them is not held to that; a design
//     whose members reach some port only at a far block no route names
//     passes an address inside it as extra.
func CheckMatrix(t testing.TB, rng *rand.Rand, m *reach.Model, mx *reach.Matrix, v6 bool, msg string, extra ...netip.Addr) {
	t.Helper()
	toEnds, fromEnds := netEnds(m, v6)
	fixed, routed, targets := internetTargets(m, v6, extra)
	sendFrom := append(slices.Clone(fixed), routed...) // internet to member: what one of them gets through must be in the cell
	verdict := func(from, to string, q reach.Query) reach.Outcome {
		q.From, q.To, q.IPv6 = from, to, v6
		got, err := m.Verdict(q)
		noErr(t, err, "%s: %+v", msg, q)
		return got
	}
	for _, a := range mx.Classes {
		for _, b := range mx.Classes {
			if a.Name == reach.InternetNode && b.Name == reach.InternetNode {
				continue
			}
			c := CellOf(mx, a.Name, b.Name)
			sessions := SessionsToCheck(rng, c)
			for i := range sessions {
				if v6 && sessions[i].Protocol == flow.ICMP {
					sessions[i].Protocol = flow.ICMPv6
				}
			}
			switch {
			case a.Name == reach.InternetNode:
				for _, id := range sampleMembers(rng, b) {
					ends := append([]string{id}, toEnds[id]...)
					asked := map[flow.Protocol]int{} // Sources is slow: sourcesPerProtocol each
					for _, q := range sessions {
						want := CellOutcome(c, q)
						ask := want != reach.Unreachable && asked[q.Protocol] < sourcesPerProtocol
						if ask {
							asked[q.Protocol]++
						}
						found := reach.Unreachable
						for _, to := range ends {
							if !ask {
								break // Verdict alone, below
							}
							s, err := m.Sources(reach.SourcesQuery{To: to, Protocol: q.Protocol, Port: q.Port, ICMP: q.ICMP, IPv6: v6})
							noErr(t, err, "%s: Sources to %s %+v", msg, to, q)
							switch {
							case len(s.Internet) > 0:
								found = reach.Reachable
							case len(s.InternetIndeterminate) > 0:
								found = combine(found, reach.Indeterminate)
							}
						}
						if ask {
							same(t, found, want, "%s: internet -> %s (%s): %+v%s: Sources at %v finds %s, the cell %s (allowed %s; indeterminate %s)",
								msg, id, b.Name, q, icmpOf(q), ends, found, want, c.Allowed, c.Indeterminate)
						}
						from, to := sendFrom[rng.IntN(len(sendFrom))], ends[rng.IntN(len(ends))]
						switch got := verdict(from, to, q); got {
						case reach.Reachable:
							same(t, reach.Reachable, want, "%s: %s -> %s: %+v%s is reachable but not allowed in the cell %s", msg, from, to, q, icmpOf(q), c.Allowed)
						case reach.Indeterminate:
							require.NotEqual(t, reach.Unreachable, want, "%s: %s -> %s: %+v%s is indeterminate but not in the cell %s", msg, from, to, q, icmpOf(q), c.Allowed)
						}
					}
				}
			case b.Name == reach.InternetNode:
				for _, id := range sampleMembers(rng, a) {
					ends := append([]string{id}, fromEnds[id]...)
					// the fixed addresses and those at the edges of
					// the design's routes: every session, both ways
					best := make([]reach.Outcome, len(sessions))
					plain := false // the member reaches one of them on a session
					for i, q := range sessions {
						want := CellOutcome(c, q)
						for _, from := range ends {
							for _, to := range slices.Concat(fixed, routed) {
								got := verdict(from, to, q)
								switch {
								case got == reach.Reachable && want != reach.Reachable:
									require.Fail(t, fmt.Sprintf("%s: %s -> %s: %+v%s is reachable, the cell says %s (allowed %s)", msg, from, to, q, icmpOf(q), want, c.Allowed))
								case got == reach.Indeterminate && want == reach.Unreachable:
									require.Fail(t, fmt.Sprintf("%s: %s -> %s: %+v%s is indeterminate but not in the cell %s", msg, from, to, q, icmpOf(q), c.Indeterminate))
								}
								best[i] = combine(best[i], got)
							}
						}
						plain = plain || best[i] == reach.Reachable
					}
					if !plain {
						continue // it meets the internet only at some blocks no route names, which the addresses tried may miss
					}
					for i, q := range sessions {
						want := CellOutcome(c, q)
						if want == reach.Unreachable || best[i] == want {
							continue
						}
						// what the cell holds gets through to some
						// internet address: among those beside the
						// design, the witnesses found so far, then the
						// edges of Sources' blocks and random ones
						found := ""
					search:
						for _, from := range ends {
							for _, to := range targets {
								q.From, q.To, q.IPv6 = from, to, v6
								if got, err := m.Verdict(q); err == nil && got == want {
									found = to
									break search
								}
							}
						}
						if found == "" {
							found = witness(t, m, ends, q, want, v6, msg)
							if found != "" {
								targets = append([]string{found}, targets...)
							}
						}
						require.NotEmpty(t, found, "%s: %s (%s) -> internet: %+v%s: the cell says %s, but from %v to the internet addresses tried, %v and 300 random ones, it is not (pass an address it is to as extra)",
							msg, id, a.Name, sessions[i], icmpOf(sessions[i]), want, ends, slices.Concat(fixed, routed, targets))
					}
				}
			default:
				for _, pr := range memberPairs(rng, a, b) {
					for _, q := range sessions {
						got := verdict(pr[0], pr[1], q)
						same(t, CellOutcome(c, q), got, "%s: %s -> %s (%s -> %s): %+v%s; cell %s; indeterminate %s", msg, pr[0], pr[1], a.Name, b.Name, q, icmpOf(q), c.Allowed, c.Indeterminate)
					}
				}
			}
		}
	}
}

// CheckAudit demands that a, m.Audit's answer with options o, hold for
// every interface of ids, every address the internet sends to it at (each
// public IPv4 address, [reach.Interface.PublicIP] and
// [reach.Interface.PublicIPs]; for IPv6 each of its IPv6 addresses; else
// its own address) and every port of
// o's catalogue (nil: [reach.RiskyServices]) an Exposed finding at that
// address exactly when Sources finds internet addresses that reach it,
// with the rules that open it; and that a Closed finding name what closes
// it. With o.SrcPort 0 (every client port), Sources is asked from client ports at the
// edges of the common ephemeral ranges and beyond (clientPortsOf): a
// service exposed from one of them must be Exposed, and an Exposed
// finding no such port explains must have a client port, found by trying
// every one, from which a session from its first source is Reachable. It
// returns how many findings of each exposure it met.
func CheckAudit(t testing.TB, m *reach.Model, a *reach.AuditResult, o reach.AuditOptions, ids []string, msg string) map[reach.Exposure]int {
	t.Helper()
	cat := o.Catalogue
	if cat == nil {
		cat = reach.RiskyServices()
	}
	publics := map[string][]netip.Addr{}
	for _, in := range m.Interfaces() {
		if o.IPv6 {
			if more := otherIPv6(in); len(more) > 0 {
				publics[in.ID] = append(publics[in.ID], in.PrivateIPs[slices.IndexFunc(in.PrivateIPs, netip.Addr.Is6)])
				publics[in.ID] = append(publics[in.ID], more...)
			}
			continue
		}
		if in.PublicIP.IsValid() {
			publics[in.ID] = append(publics[in.ID], in.PublicIP)
		}
		for _, p := range in.PublicIPs {
			publics[in.ID] = append(publics[in.ID], p.Public)
		}
	}
	stats := map[reach.Exposure]int{}
	for _, id := range ids {
		// the addresses asked at: "" for the interface's own (To: id)
		at := []netip.Addr{{}}
		if ps := publics[id]; len(ps) > 0 {
			at = ps
		}
		for _, addr := range at {
			to := id
			if addr.IsValid() {
				to = addr.String()
			}
			for _, risk := range cat {
				var f *reach.Finding
				for i := range a.Findings {
					if a.Findings[i].Interface == id && a.Findings[i].Service == risk.Service && a.Findings[i].Protocol == risk.Protocol &&
						!a.Findings[i].Prefix.IsValid() && // a delegated prefix's finding: below
						(!addr.IsValid() || a.Findings[i].Address == addr) {
						require.Nil(t, f, "%s: %s %s: two findings at %s", msg, id, risk.Service, a.Findings[i].Address)
						f = &a.Findings[i]
					}
				}
				exposed := false
				for _, r := range risk.Ports.Ranges() {
					for p := int(r.Lo); p <= int(r.Hi); p++ {
						for _, cp := range clientPortsOf(o) {
							s, err := m.Sources(reach.SourcesQuery{To: to, Protocol: risk.Protocol, Port: uint16(p), SrcPort: cp, IPv6: o.IPv6})
							if err != nil && o.IPv6 {
								continue // no IPv6 address: nothing to expose
							}
							noErr(t, err, msg)
							exposed = exposed || len(s.Internet) > 0
						}
					}
				}
				what := msg + ": " + id + " at " + to + " " + risk.Service
				if exposed {
					require.NotNil(t, f, "%s: Sources finds internet addresses, the audit no finding", what)
					require.Equal(t, reach.Exposed, f.Exposure, what)
					require.NotEmpty(t, f.OpenedBy, what)
				} else if f != nil && o.SrcPort == 0 && f.Exposure == reach.Exposed {
					requireSomeClientPort(t, m, *f, what)
				} else if f != nil {
					require.NotEqual(t, reach.Exposed, f.Exposure, "%s: exposed, but Sources finds no internet address", what)
					if f.Exposure == reach.Closed {
						require.NotEmpty(t, f.ClosedBy, what)
					}
				}
				if f != nil {
					stats[f.Exposure]++
				}
			}
		}
	}
	// Every IPv6 prefix delegated to an interface audited, its own IPv6
	// address or not, has a finding for each service Sources finds
	// internet addresses reaching at its first address.
	for _, in := range m.Interfaces() {
		if !slices.Contains(ids, in.ID) || !o.IPv6 {
			continue
		}
		for _, p := range in.DelegatedPrefixes {
			if !p.Addr().Is6() {
				continue
			}
			for _, risk := range cat {
				exposed := false
				for _, r := range risk.Ports.Ranges() {
					for port := int(r.Lo); port <= int(r.Hi) && !exposed; port++ {
						for _, cp := range clientPortsOf(o) {
							s, err := m.Sources(reach.SourcesQuery{To: p.Addr().String(), Protocol: risk.Protocol, Port: uint16(port), SrcPort: cp, IPv6: true})
							noErr(t, err, msg)
							exposed = exposed || len(s.Internet) > 0
						}
					}
				}
				if exposed {
					require.True(t, slices.ContainsFunc(a.Findings, func(f reach.Finding) bool {
						return f.Interface == in.ID && f.Prefix == p && f.Service == risk.Service && f.Protocol == risk.Protocol
					}), "%s: %s %s %s: Sources finds internet addresses, the audit no finding", msg, in.ID, p, risk.Service)
				}
			}
		}
	}
	// A finding for a prefix delegated to an interface answers for the
	// prefix's first address: exposed exactly when Sources finds internet
	// addresses reaching it (Undecided may stand for either).
	for _, f := range a.Findings {
		if !f.Prefix.IsValid() || !slices.Contains(ids, f.Interface) {
			continue
		}
		exposed := false
		for _, r := range f.Ports.Ranges() {
			for p := int(r.Lo); p <= int(r.Hi); p++ {
				for _, cp := range clientPortsOf(o) {
					s, err := m.Sources(reach.SourcesQuery{To: f.Address.String(), Protocol: f.Protocol, Port: uint16(p), SrcPort: cp, IPv6: true})
					noErr(t, err, msg)
					exposed = exposed || len(s.Internet) > 0
				}
			}
		}
		what := msg + ": " + f.Interface + " " + f.Prefix.String() + " " + f.Service
		switch {
		case f.Exposure == reach.Exposed && !exposed && o.SrcPort == 0:
			requireSomeClientPort(t, m, f, what)
		case f.Exposure == reach.Exposed:
			require.True(t, exposed, "%s: exposed, but Sources finds no internet address", what)
		case f.Exposure == reach.Closed:
			require.False(t, exposed, "%s: closed, but Sources finds internet addresses", what)
			require.NotEmpty(t, f.ClosedBy, what)
		}
		stats[f.Exposure]++
	}
	return stats
}

// clientPortsOf returns the client ports CheckAudit asks Sources from:
// o.SrcPort, or, when it is 0 (every client port), the default one (0),
// the edges of the common ephemeral ranges and the ends of the port
// space.
func clientPortsOf(o reach.AuditOptions) []uint16 {
	if o.SrcPort != 0 {
		return []uint16{o.SrcPort}
	}
	return []uint16{0, 1, 1023, 1024, 30000, 32767, 32768, 49151, 49152, 60999, 61000, 65535}
}

// requireSomeClientPort demands that an Exposed finding of an audit from
// every client port have one: a session from the first internet address
// of its sources to its address that [reach.Model.Verdict] answers
// Reachable on one of its ports from some client port, 1-65535, tried
// one by one.
func requireSomeClientPort(t testing.TB, m *reach.Model, f reach.Finding, what string) {
	t.Helper()
	require.NotEmpty(t, f.Sources, what)
	var from netip.Addr
	for _, p := range f.Sources {
		for a, n := p.Masked().Addr(), 0; p.Contains(a) && n < 1024; a, n = a.Next(), n+1 {
			if InternetHost(m, a) {
				from = a
				break
			}
		}
		if from.IsValid() {
			break
		}
	}
	require.True(t, from.IsValid(), "%s: no internet host among the sources %v", what, f.Sources)
	for _, r := range f.Ports.Ranges() {
		for port := int(r.Lo); port <= int(r.Hi); port++ {
			for cp := 1; cp <= 65535; cp++ {
				o, err := m.Verdict(reach.Query{From: from.String(), To: f.Address.String(), Protocol: f.Protocol, Port: uint16(port), SrcPort: uint16(cp), IPv6: f.Address.Is6()})
				noErr(t, err, what)
				if o == reach.Reachable {
					return
				}
			}
		}
	}
	require.Fail(t, what+": exposed from some client port, but no client port reaches it from "+from.String())
}

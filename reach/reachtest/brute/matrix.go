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
// 60 tcp and 60 udp ports (the edges of the cell's sets first), ICMP
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
		for _, p := range append(edge, ports...)[:max(60, len(edge))] {
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

func pickMember(rng *rand.Rand, c reach.Class, v6 bool) string {
	switch {
	case c.Name == reach.InternetNode && v6:
		return internetSources6[rng.IntN(len(internetSources6))]
	case c.Name == reach.InternetNode:
		return internetSources[rng.IntN(len(internetSources))]
	}
	return c.Members[rng.IntN(len(c.Members))].ID
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
// when v6) agree with Verdict between members of its classes, picked at
// random for each of SessionsToCheck's sessions; and that the internet
// cells hold what an internet address opens (a cell is a union over the
// internet's addresses and the member's: a session that some internet
// address gets through to the member, or from it, at any of its
// addresses, its ID, an Elastic IP of another private address or
// another IPv6 address, is in it; and for the first tcp ranges of an
// internet-to-class cell Sources finds internet addresses that get
// through to one of them).
func CheckMatrix(t testing.TB, rng *rand.Rand, m *reach.Model, mx *reach.Matrix, v6 bool, msg string) {
	t.Helper()
	toEnds, fromEnds := netEnds(m, v6)
	// another picks, for a member id facing the internet, id or one of
	// its other addresses toward it
	another := func(id string, ends map[string][]string) string {
		if es := ends[id]; len(es) > 0 {
			if k := rng.IntN(len(es) + 1); k < len(es) {
				return es[k]
			}
		}
		return id
	}
	for _, a := range mx.Classes {
		for _, b := range mx.Classes {
			if a.Name == reach.InternetNode && b.Name == reach.InternetNode {
				continue
			}
			c := CellOf(mx, a.Name, b.Name)
			for _, q := range SessionsToCheck(rng, c) {
				from, to := pickMember(rng, a, v6), pickMember(rng, b, v6)
				if from == to {
					if len(b.Members) < 2 {
						continue
					}
					for to == from {
						to = pickMember(rng, b, v6)
					}
				}
				switch {
				case a.Name == reach.InternetNode:
					to = another(to, toEnds)
				case b.Name == reach.InternetNode:
					from = another(from, fromEnds)
				}
				q.From, q.To, q.IPv6 = from, to, v6
				if v6 && q.Protocol == flow.ICMP {
					q.Protocol = flow.ICMPv6
				}
				got, err := m.Verdict(q)
				require.NoError(t, err, "%s: %+v", msg, q)
				switch {
				case a.Name == reach.InternetNode || b.Name == reach.InternetNode:
					if got != reach.Unreachable {
						require.NotEqual(t, reach.Unreachable, CellOutcome(c, q), "%s: %s -> %s: %+v%s is %s but not in the cell %s", msg, from, to, q, icmpOf(q), got, c.Allowed)
					}
				default:
					require.Equal(t, CellOutcome(c, q), got, "%s: %s -> %s (%s -> %s): %+v%s; cell %s; indeterminate %s", msg, from, to, a.Name, b.Name, q, icmpOf(q), c.Allowed, c.Indeterminate)
				}
			}
			if b.Name != reach.InternetNode && a.Name == reach.InternetNode {
				for _, r := range c.Allowed.TCP.Ranges()[:min(2, len(c.Allowed.TCP.Ranges()))] {
					got := false
					for _, to := range append([]string{b.Members[0].ID}, toEnds[b.Members[0].ID]...) {
						s, err := m.Sources(reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: r.Lo, IPv6: v6})
						require.NoError(t, err, msg)
						got = got || len(s.Internet) > 0
					}
					require.True(t, got, "%s: internet -> %s tcp %d: some internet address gets through", msg, b.Name, r.Lo)
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
							require.NoError(t, err, msg)
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
							require.NoError(t, err, msg)
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
					require.NoError(t, err, msg)
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
				require.NoError(t, err, what)
				if o == reach.Reachable {
					return
				}
			}
		}
	}
	require.Fail(t, what+": exposed from some client port, but no client port reaches it from "+from.String())
}

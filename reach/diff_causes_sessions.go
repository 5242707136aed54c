package reach

import (
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// maxSessions is how many sessions of one kind of change are traced.
const maxSessions = 12

// sessionCuts are the TCP and UDP ports at which a changed rule or ACL
// entry's ports start, or end (the port after): inside one range of a
// change, the ports on either side of a cut may change for different
// causes.
type sessionCuts struct{ tcp, udp []uint16 }

// cutsOf returns the cuts of the rules and entries added or removed in
// the security groups and network ACLs of res.
func cutsOf(a, b *Model, res []ResourceChange) sessionCuts {
	var c sessionCuts
	add := func(p flow.Protocol, r flow.PortRange) {
		var to *[]uint16
		switch p {
		case flow.TCP:
			to = &c.tcp
		case flow.UDP:
			to = &c.udp
		default:
			return
		}
		*to = append(*to, r.Lo)
		if r.Hi < 65535 {
			*to = append(*to, r.Hi+1)
		}
	}
	for _, r := range res {
		changedRulesAndEntries(a, b, r,
			func(rl sg.Rule) { add(rl.Protocol, rl.Ports) },
			func(e nacl.Entry) { add(e.Protocol, e.Ports) })
	}
	for _, s := range []*[]uint16{&c.tcp, &c.udp} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	return c
}

// kinds returns the sessions of each kind of change of d (gained, lost,
// indeterminate gained, indeterminate lost), each with what shows it.
func (tr *causeTracer) kinds(d netDelta) []causeKind {
	wants := [4]func(x, y Outcome) bool{
		func(x, y Outcome) bool { return y == Reachable && x != Reachable },
		func(x, y Outcome) bool { return x == Reachable && y != Reachable },
		func(x, y Outcome) bool { return y == Indeterminate && x != Indeterminate },
		func(x, y Outcome) bool { return x == Indeterminate && y != Indeterminate },
	}
	var out []causeKind
	for i, t := range d {
		for _, q := range sessionsOf(t, tr.v6, tr.cuts) {
			out = append(out, causeKind{q, wants[i]})
		}
	}
	return out
}

// sessionsOf returns queries (without ends) of sessions of t: the first
// port of each TCP and UDP range and each cut inside t, the first code
// of each ICMP type, the first protocol of each range of the others;
// at most maxSessions, taken from each protocol in turn.
func sessionsOf(t Traffic, v6 bool, cuts sessionCuts) []Query {
	ports := func(p flow.Protocol, s flow.PortSet, cuts []uint16) []Query {
		var xs []uint16
		for _, r := range s.Ranges() {
			xs = append(xs, r.Lo)
		}
		for _, c := range cuts {
			if s.Contains(c) {
				xs = append(xs, c)
			}
		}
		slices.Sort(xs)
		xs = slices.Compact(xs)
		out := make([]Query, len(xs))
		for i, x := range xs {
			out[i] = Query{IPv6: v6, Protocol: p, Port: x}
		}
		return out
	}
	icmp := flow.ICMP
	if v6 {
		icmp = flow.ICMPv6
	}
	var icmps, others []Query
	for _, c := range t.ICMP {
		if rs := c.Codes.Ranges(); len(rs) > 0 {
			icmps = append(icmps, Query{IPv6: v6, Protocol: icmp, ICMP: &ICMPMessage{Type: c.Type, Code: rs[0].Lo}})
		}
	}
	for _, r := range t.Other.Ranges() {
		others = append(others, Query{IPv6: v6, Protocol: flow.Protocol(r.Lo)})
	}
	lists := [][]Query{ports(flow.TCP, t.TCP, cuts.tcp), ports(flow.UDP, t.UDP, cuts.udp), icmps, others}
	var out []Query
	for i := 0; len(out) < maxSessions; i++ {
		more := false
		for _, l := range lists {
			if i < len(l) && len(out) < maxSessions {
				out, more = append(out, l[i]), true
			}
		}
		if !more {
			break
		}
	}
	return out
}

// changedRulesAndEntries calls rule with every rule added to or removed
// from r, a security group (a's against b's), and entry with every entry
// added to or removed from r, a network ACL; nothing for another kind.
func changedRulesAndEntries(a, b *Model, r ResourceChange, rule func(sg.Rule), entry func(nacl.Entry)) {
	switch r.Kind {
	case ResourceSecurityGroup:
		var x, y []sg.Rule
		if g, ok := a.groups[r.ID]; ok {
			x = g.Rules
		}
		if g, ok := b.groups[r.ID]; ok {
			y = g.Rules
		}
		for _, rl := range symmetricDifference(x, y) {
			rule(rl)
		}
	case ResourceNetworkACL:
		var x, y []nacl.Entry
		if acl, ok := a.acls[r.ID]; ok {
			x = acl.acl.Entries
		}
		if acl, ok := b.acls[r.ID]; ok {
			y = acl.acl.Entries
		}
		for _, e := range symmetricDifference(x, y) {
			entry(e)
		}
	}
}

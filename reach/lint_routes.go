package reach

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/addrset"
)

// ROUTE_BLACKHOLE: a route whose target no longer exists. AWS keeps such
// a route in its table with State "blackhole" (the NAT gateway, instance,
// network interface, peering connection… it named was deleted) and drops
// every packet it matches ([BlackholeRoute]); a loader keeps it as a
// [TargetBlackhole] route. The model holds no other state that AWS would
// treat so: Build refuses a route to a target the design does not hold,
// and aws.Load keeps a route to a NAT gateway or endpoint that is not
// available as an unmodelled target (an undecided hop), not a blackhole.
//
// A finding says which subnets (and internet gateways, by an edge
// association) use the table, which destinations the route swallows
// (its own, less what more specific routes, or a route of the same
// prefix that AWS prefers, take) and which routes take the rest. Its
// severity is medium when something uses the table and the route
// swallows some destination; low when nothing uses the table (it drops
// nothing today, but a subnet associated with it later would lose those
// destinations), or when other routes take all of its destinations (it
// never decides).

// blackholeTakers lists at most this many of the routes that take part
// of a blackhole's destination; the others are counted.
const blackholeTakers = 4

// lintBlackholes reports every blackhole route of every route table,
// table by table (sorted by ID), route by route in table order.
func (m *Model) lintBlackholes() []LintFinding {
	var out []LintFinding
	for _, id := range slices.Sorted(maps.Keys(m.rts)) {
		ri := m.rts[id]
		users, used := m.tableUsers(ri)
		for i := range ri.routes {
			cr := &ri.routes[i]
			if cr.Target == TargetBlackhole && !cr.implicit {
				out = append(out, ri.blackholeFinding(cr, users, used))
			}
		}
		for _, r := range ri.unknown {
			if r.Target == TargetBlackhole {
				out = append(out, ri.unknownBlackholeFinding(r, users, used))
			}
		}
	}
	return out
}

// tableUsers says in words what uses route table ri (subnets by their
// association, internet gateways by an edge association, each perhaps
// when the association is in transition) and whether anything does.
func (m *Model) tableUsers(ri *rtInfo) (words string, used bool) {
	var subnets, maybe []string
	for _, id := range slices.Sorted(maps.Keys(m.subnets)) {
		s := m.subnets[id]
		switch {
		case s.rt == ri:
			subnets = append(subnets, id)
		case slices.Contains(s.maybe, ri):
			maybe = append(maybe, id)
		}
	}
	var gws, gwsMaybe []string
	for _, id := range slices.Sorted(maps.Keys(m.igws)) {
		switch gi := m.igws[id]; {
		case gi.edge == ri:
			gws = append(gws, id)
		case gi.edgeMaybe == ri:
			gwsMaybe = append(gwsMaybe, id)
		}
	}
	var parts []string
	if len(subnets) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s %s %s", plural(len(subnets), "subnet", "subnets"), strings.Join(subnets, ", "), plural(len(subnets), "uses", "use"), ri.ID))
	}
	if len(maybe) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s may use %s (an association in transition)", plural(len(maybe), "subnet", "subnets"), strings.Join(maybe, ", "), ri.ID))
	}
	if len(gws) > 0 {
		parts = append(parts, fmt.Sprintf("internet %s %s %s the traffic entering the VPC by %s (edge association)", plural(len(gws), "gateway", "gateways"), strings.Join(gws, ", "), plural(len(gws), "routes", "route"), ri.ID))
	}
	if len(gwsMaybe) > 0 {
		parts = append(parts, fmt.Sprintf("internet %s %s may route the traffic entering the VPC by %s (an edge association in transition)", plural(len(gwsMaybe), "gateway", "gateways"), strings.Join(gwsMaybe, ", "), ri.ID))
	}
	main := ri.vpc != nil && ri.vpc.mainRT == ri
	if len(parts) == 0 {
		words = "no subnet and no internet gateway uses " + ri.ID
		if main {
			words += " (the main route table of " + ri.vpc.ID + ": a subnet created there without a table of its own will)"
		}
		return words, false
	}
	words = strings.Join(parts, "; ")
	if main {
		words += " (the main route table of " + ri.vpc.ID + ")"
	}
	return words, true
}

// blackholeFinding words the ROUTE_BLACKHOLE finding of cr, a blackhole
// route of ri: the destinations it swallows, weighed prefix by prefix
// (a prefix list's entries each), against the routes that take part of
// them.
func (ri *rtInfo) blackholeFinding(cr *compiledRoute, users string, used bool) LintFinding {
	dest := cr.Destination.String()
	if cr.PrefixList != "" {
		dest = cr.PrefixList
	}
	var swallowed, own addrset.Set
	var takers []string
	for _, q := range cr.prefixes {
		q = q.Masked()
		own = own.Union(addrset.Of(q))
		left, by := ri.takenFrom(cr, q)
		swallowed = swallowed.Union(left)
		for _, t := range by {
			if !slices.Contains(takers, t) {
				takers = append(takers, t)
			}
		}
	}
	what := "its target no longer exists"
	if cr.TargetID != "" {
		what = "its target " + cr.TargetID + " no longer exists"
	}
	msg := fmt.Sprintf("route %s of %s is a blackhole (%s): AWS drops every packet it matches. %s", dest, ri.ID, what, capitalize(users))
	destWords := dest
	if cr.PrefixList != "" {
		destWords = fmt.Sprintf("%s's entries (%s)", dest, addrSetText(own))
	}
	sev, swallows := Medium, "it swallows"
	if !used {
		msg += ", so it drops nothing today"
		sev, swallows = Low, "a subnet that used the table would lose"
	}
	switch {
	case swallowed.IsEmpty():
		msg += fmt.Sprintf(", but other routes take all of %s (%s), so the route never decides", destWords, takerList(takers))
		sev = Low
	case len(takers) == 0:
		msg += fmt.Sprintf("; %s every destination in %s", swallows, destWords)
	default:
		msg += fmt.Sprintf("; %s %s except what more specific or preferred routes take (%s)", swallows, destWords, takerList(takers))
	}
	if len(ri.unknown) > 0 && !swallowed.IsEmpty() {
		msg += fmt.Sprintf("; %s may take some of it too, its destination not known", plural(len(ri.unknown), "a route", "routes"))
	}
	return LintFinding{ID: LintRouteBlackhole, Severity: sev, Kind: ResourceRouteTable, Resource: ri.ID, Rule: dest,
		Related: blackholeRelated(cr.TargetID), Message: msg, Fix: blackholeFix(dest, cr.TargetID)}
}

// unknownBlackholeFinding words the ROUTE_BLACKHOLE finding of r, a
// blackhole route of ri whose destination is known only later or is a
// prefix list whose entries the input does not hold.
func (ri *rtInfo) unknownBlackholeFinding(r Route, users string, used bool) LintFinding {
	dest, why := r.PrefixList, "prefix list "+r.PrefixList+", whose entries the input does not hold"
	if r.Unknown != "" {
		dest, why = r.Unknown, "known only later ("+r.Unknown+")"
	}
	what := "its target no longer exists"
	if r.TargetID != "" {
		what = "its target " + r.TargetID + " no longer exists"
	}
	sev := Medium
	if !used {
		sev = Low
	}
	return LintFinding{ID: LintRouteBlackhole, Severity: sev, Kind: ResourceRouteTable, Resource: ri.ID, Rule: dest,
		Related: blackholeRelated(r.TargetID),
		Message: fmt.Sprintf("a route of %s is a blackhole (%s): AWS drops every packet it matches. %s; which destinations it swallows is unknown: its destination is %s",
			ri.ID, what, capitalize(users), why),
		Fix: blackholeFix("the route", r.TargetID)}
}

// takenFrom returns the addresses of q, a prefix of blackhole route cr
// of ri, for which a lookup selects cr, and the routes that take the
// rest of q: the more specific ones, a route of prefix q that AWS
// prefers (a static route before a prefix-list one, before a propagated
// one; the first in table order among equals), or a tie of prefix-list
// routes to different targets at q.
func (ri *rtInfo) takenFrom(cr *compiledRoute, q netip.Prefix) (left addrset.Set, by []string) {
	left = addrset.Of(q)
	if cr.underLocal {
		return addrset.Set{}, []string{"the local route, which AWS prefers to a propagated route inside the VPC's blocks"}
	}
	if t, ok := ri.tie(q); ok && slices.Contains(t.tied, cr) {
		return addrset.Set{}, []string{fmt.Sprintf("%s: prefix-list routes to different targets tie there, AWS picks one at random (ROUTE_PREFIX_LIST_TIE)", q)}
	}
	for i := range ri.routes {
		other := &ri.routes[i]
		if other == cr || other.underLocal {
			continue
		}
		for _, p := range other.prefixes {
			p = p.Masked()
			if !q.Overlaps(p) || p.Bits() < q.Bits() {
				continue
			}
			if p.Bits() == q.Bits() && !prefers(ri, other, cr) {
				continue
			}
			if left.Overlaps(addrset.Of(p)) {
				left = left.Difference(addrset.Of(p))
				by = append(by, routeDest(other, p)+" via "+routeTarget(other))
			}
		}
	}
	return left, by
}

// prefers reports whether a lookup in ri selects a over b where both
// hold a prefix: a better rank, or the same and a first in table order.
func prefers(ri *rtInfo, a, b *compiledRoute) bool {
	if a.rank() != b.rank() {
		return a.rank() < b.rank()
	}
	return ri.position(a) < ri.position(b)
}

// position is where cr, one of ri's routes, stands among them.
func (ri *rtInfo) position(cr *compiledRoute) int {
	for i := range ri.routes {
		if &ri.routes[i] == cr {
			return i
		}
	}
	return len(ri.routes)
}

// takerList names the routes that take part of a blackhole's
// destinations, the first few of them.
func takerList(takers []string) string {
	if len(takers) <= blackholeTakers {
		return strings.Join(takers, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(takers[:blackholeTakers], ", "), len(takers)-blackholeTakers)
}

// blackholeRelated names the vanished target, when the input does.
func blackholeRelated(target string) []string {
	if target == "" {
		return nil
	}
	return []string{target}
}

// blackholeFix says how to mend a blackhole route to destination dest
// whose vanished target was target ("" when the input does not say).
func blackholeFix(dest, target string) string {
	kinds := []struct{ prefix, what string }{
		{"nat-", "a NAT gateway"}, {"eni-", "a network interface"}, {"i-", "an instance"}, {"pcx-", "a peering connection"},
		{"tgw-", "a transit gateway"}, {"igw-", "an internet gateway"}, {"eigw-", "an egress-only internet gateway"},
		{"vpce-", "an endpoint"}, {"vgw-", "a virtual private gateway"},
	}
	what := "a target that exists"
	for _, k := range kinds {
		if strings.HasPrefix(target, k.prefix) {
			what = k.what + " that exists (" + target + " is gone)"
			break
		}
	}
	return fmt.Sprintf("replace the target of %s with %s, or delete the route if nothing should be sent there", dest, what)
}

// capitalize returns s with its first letter in upper case.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

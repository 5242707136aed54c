package reach

import (
	"maps"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/sg"
)

// Managed prefix lists whose entries the input does not hold
// (unresolved), and their address families; buildUnresolved (unknown.go)
// records them.

// AddUnresolvedPrefixList declares managed prefix lists that security
// group rules, routes or firewall IP set references name but whose entries
// the input does not hold: a list shared from another account, or one
// that was not dumped with get-managed-prefix-list-entries. Such a list
// may hold any block, so:
//   - a security group rule that references it may match any address: a
//     query only such a rule could allow is indeterminate
//     ([SGIndeterminate]), naming the rule and the list (AWS groups; an
//     Alibaba Cloud group, whose rules can drop, cannot reference one);
//   - a route by it could be the longest match for any destination: a
//     lookup whose answer it could change (it would send the packet
//     elsewhere) is an undecided hop ([RouteIndeterminate]);
//   - a firewall rule group's IP set reference to it makes the rules that
//     use it undecidable ([FirewallIndeterminate] where they could
//     decide).
//
// A list declared here may hold blocks of either address family. One
// whose family the input gives (AWS's AddressFamily: a list holds blocks
// of its family only) is added instead with [Builder.AddPrefixList] as a
// [PrefixList] with EntriesUnknown and AddressFamily set: then none of
// the above applies to addresses of the other family, which its rules
// certainly do not match, its routes never route and its IP set
// references certainly do not hold (an IPv4 list leaves IPv6 answers
// certain).
//
// The set questions (Ports, Sources, Matrix, Audit, Diff) answer such
// designs with these hops' answers undecided: a list matches every
// address of a family alike, so their sets stay exact. A list the design
// holds cannot be declared unresolved. Package aws declares each list
// that is referenced and whose entries no file holds, with a warning (a
// list described without its entries keeps its AddressFamily).
func (b *Builder) AddUnresolvedPrefixList(ids ...string) *Builder {
	b.extLists = append(b.extLists, ids...)
	return b
}

// UnresolvedPrefixLists returns, sorted, the prefix lists declared with
// [Builder.AddUnresolvedPrefixList] or added with [PrefixList.EntriesUnknown].
func (m *Model) UnresolvedPrefixLists() []string {
	return slices.Sorted(maps.Keys(m.unresolvedLists))
}

// isUnresolvedList reports whether id is a prefix list whose entries the
// input does not hold (AddUnresolvedPrefixList, PrefixList.EntriesUnknown).
func (m *Model) isUnresolvedList(id string) bool {
	_, ok := m.unresolvedLists[id]
	return ok
}

// familyMayHold reports whether a prefix list of address family fam
// ("IPv4", "IPv6"; "" unknown) may hold address a: a list holds blocks of
// its family only.
func familyMayHold(fam string, a netip.Addr) bool {
	switch fam {
	case sg.FamilyIPv4:
		return a.Is4()
	case sg.FamilyIPv6:
		return a.Is6()
	}
	return true
}

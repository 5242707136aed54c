package reach

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/sg"
)

// Lint of security groups: rules other rules imply on every interface
// that uses their group (SG_RULE_IMPLIED), groups no interface uses
// (SG_UNUSED), and references to groups the input does not hold
// (REF_MISSING_GROUP; a group left out with its VPC, LeftOutGroup, is
// not missing: Skipped says its references are not weighed) or to
// prefix lists without entries
// (REF_MISSING_PREFIX_LIST), and references to groups of VPCs that no
// path lets them match (REF_MATCHES_NOTHING).
//
// A rule is a box over four dimensions (protocol, destination port, ICMP
// type, ICMP code) times the set of its peer's addresses. It is implied
// within a set of groups when, on every cell of its box (partition), the
// other rules of its direction that hold the cell cover its addresses
// together; lint_sg_implied.go chooses, of rules implied by one another,
// which are reported, so that the findings hold together. A group reference's addresses are those it matches: its
// members' private addresses and the addresses of the prefixes delegated
// to them (delegated.go); a reference whose members are not all known
// (a member's address or prefixes AWS picks at launch, an interface whose
// groups are known only later) is neither implied nor a cover. A rule
// whose peer is a CIDR block or a prefix list is covered by such rules
// only: a group reference matches nothing once a packet's
// identity is lost (through a NAT gateway, semantics A.4), so it cannot
// stand in for them.
//
// A group something the design does not model uses
// ([UnmodelledGroupUse]: a load balancer's interface) is in use, and its
// rules are never reported implied: on that thing they are a union with
// rules lint does not weigh. A reference to it is not known (the
// thing's addresses are not members the model holds). Skipped says so.

// The dimensions of a security group rule's box.
const (
	ruleProto = iota
	rulePort
	ruleType
	ruleCode
)

// sgRule is one AWS rule as lint sees it.
type sgRule struct {
	group string
	index int
	rule  sg.Rule
	b     box
	addrs addrset.Set
	ref   bool // the peer is a group
	known bool // addrs is exactly what the peer matches
	gone  bool // reported implied: no longer a cover (lint_sg_implied.go)
}

// label names the rule in findings: "sg-1 rule sgr-2 (tcp/22 from 10.0.0.0/8)".
func (r *sgRule) label() string {
	return fmt.Sprintf("%s rule %s (%s %s %s)", r.group, ruleName(r.rule, r.index), r.rule.Traffic(), fromTo(r.rule.Direction), r.rule.Peer)
}

// fromTo is "from" for inbound, "to" for outbound.
func fromTo(d flow.Direction) string {
	if d == flow.Inbound {
		return "from"
	}
	return "to"
}

// sgBox is the box of the packets r's protocol part matches.
func sgBox(r sg.Rule) box {
	b := box{{0, 255}, {0, 65535}, {0, 255}, {0, 255}}
	if r.Protocol == flow.AllProtocols {
		return b
	}
	b[ruleProto] = span{uint64(r.Protocol), uint64(r.Protocol)}
	switch {
	case r.Protocol.HasPorts() && r.PortZero:
		b[rulePort] = span{0, 0}
	case r.Protocol.HasPorts():
		b[rulePort] = span{uint64(r.Ports.Lo), uint64(r.Ports.Hi)}
	case r.Protocol.IsICMP():
		if r.ICMPType >= 0 {
			b[ruleType] = span{uint64(r.ICMPType), uint64(r.ICMPType)}
		}
		if r.ICMPCode >= 0 {
			b[ruleCode] = span{uint64(r.ICMPCode), uint64(r.ICMPCode)}
		}
	}
	return b
}

// groupLint holds what lintGroups computes once per group; read only
// while the sets are linted in parallel.
type groupLint struct {
	m       *Model
	members map[string]addrset.Set // the addresses of each group's members
	rules   map[string][]sgRule    // each AWS group's rules; absent for others
	ali     map[string][]sgRule    // each Alibaba Cloud group's rules (lint_sg_alibaba.go)
}

// groupMemberSets is, for each group, the addresses a reference to it
// matches: its members' private addresses and the addresses of the
// prefixes delegated to them ([Model.GroupPrefixes]), as sets.
func (m *Model) groupMemberSets() map[string]addrset.Set {
	out := make(map[string]addrset.Set, len(m.members))
	for id, set := range m.members {
		var ps []netip.Prefix
		for a, in := range set {
			if in {
				ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
			}
		}
		out[id] = addrset.Of(append(ps, m.memberPrefixes[id]...)...)
	}
	return out
}

// peerAddrs is the set of addresses r's peer matches, and whether it is
// known exactly. A reference to a group is not known when the group is
// not in the input, when an interface's groups are known only later (it
// may be a member), or when AWS picks at launch a member's address or
// the prefixes it delegates to one ([Interface.AddressUnknown],
// [Interface.IPv4PrefixesUnknown] and their IPv6 kin): the reference
// may then match free addresses of the member's subnet, which its
// placeholder does not stand for.
func (gl *groupLint) peerAddrs(r sg.Rule) (addrset.Set, bool) {
	m := gl.m
	switch r.Peer.Kind {
	case sg.PeerCIDR:
		return addrset.Of(r.Peer.CIDR), true
	case sg.PeerPrefixList:
		if m.isUnresolvedList(r.Peer.PrefixList) {
			return addrset.Set{}, false // its entries are not in the input
		}
		return addrset.Of(m.lists[r.Peer.PrefixList]...), true
	}
	id := r.Peer.Group
	if _, ok := m.members[id]; !ok || m.groupsUnknownN > 0 || len(m.prefixesUnknownBy[id]) > 0 || len(m.usedOutside[id]) > 0 {
		return addrset.Set{}, false // unresolved, known only later, members perhaps unknown, or members the model does not hold
	}
	return gl.members[id], true
}

// prepare reads every AWS group's rules once.
func (gl *groupLint) prepare() {
	gl.rules = map[string][]sgRule{}
	for id, g := range gl.m.groups {
		if g.Flavour != sg.AWS {
			continue
		}
		rs := make([]sgRule, len(g.Rules))
		for i, r := range g.Rules {
			addrs, known := gl.peerAddrs(r)
			rs[i] = sgRule{group: id, index: i, rule: r, b: sgBox(r), addrs: addrs, ref: r.Peer.Kind == sg.PeerGroup, known: known}
		}
		gl.rules[id] = rs
	}
}

// rulesOf flattens the rules of groups, in order; ok is false when a
// group is not of AWS's flavour (priorities and drops: SG_RULE_IMPLIED
// does not weigh them; SG_RULE_SHADOWED does, lint_sg_alibaba.go).
func (gl *groupLint) rulesOf(groups []string) (out []sgRule, ok bool) {
	for _, id := range groups {
		rs, ok := gl.rules[id]
		if !ok {
			return nil, false
		}
		out = append(out, rs...)
	}
	return out, true
}

// lintGroups checks every security group; skipped says which groups'
// rules SG_RULE_IMPLIED does not weigh (used outside the model, or
// Alibaba Cloud's), and which rules SG_RULE_SHADOWED could not decide,
// and why.
func (m *Model) lintGroups(o LintOptions) (out []LintFinding, skipped []string) {
	gl := &groupLint{m: m, members: m.groupMemberSets()}
	gl.prepare()
	gl.prepareAlibaba()
	ids := slices.Sorted(maps.Keys(m.groups))
	// Each distinct set of groups of an interface, and each unused group
	// alone: a rule is implied when it is in every set that holds its
	// group (lint_sg_implied.go).
	used := map[string]bool{}
	var sets [][]string
	seen := map[string]bool{}
	for _, ii := range m.ifaceOrder {
		for _, g := range ii.Groups {
			used[g] = true
		}
		if key := strings.Join(ii.Groups, ","); !seen[key] {
			seen[key] = true
			sets = append(sets, ii.Groups)
		}
	}
	for _, id := range ids {
		if !used[id] && len(m.usedOutside[id]) == 0 {
			sets = append(sets, []string{id}) // an unused group: its rules alone
		}
	}
	implied := gl.impliedRules(sets, o)
	for _, id := range ids {
		g := m.groups[id]
		if len(m.usedOutside[id]) > 0 {
			if o.wants(LintSGRuleImplied) && len(g.Rules) > 0 {
				skipped = append(skipped, fmt.Sprintf("%s: the rules of %s are not weighed: %s uses it, which reachsim does not model (its other groups' rules may not cover them)",
					LintSGRuleImplied, id, strings.Join(m.usedOutside[id], ", ")))
			}
		} else if !used[id] && g.Name != "default" {
			out = append(out, LintFinding{ID: LintSGUnused, Severity: Low, Kind: ResourceSecurityGroup, Resource: id,
				Message: fmt.Sprintf("security group %s (%s) is attached to no network interface in the input", id, g.Name),
				Fix:     fmt.Sprintf("delete security group %s if nothing outside the input uses it", id)})
		}
		for i, r := range g.Rules {
			by, ok := implied[ruleKey{id, i}]
			if !ok {
				continue
			}
			where := "on every interface that uses the group"
			if !used[id] {
				where = "within the group"
			}
			out = append(out, LintFinding{ID: LintSGRuleImplied, Severity: Low, Kind: ResourceSecurityGroup, Resource: id, Rule: ruleName(r, i),
				Related: by,
				Message: fmt.Sprintf("rule %s (%s %s %s) allows nothing the other rules do not: %s, %s", ruleName(r, i), r.Traffic(), fromTo(r.Direction), r.Peer,
					strings.Join(by, ", "), where),
				Fix: fmt.Sprintf("remove rule %s from %s (removing every rule SG_RULE_IMPLIED names, together, changes no verdict)", ruleName(r, i), id)})
		}
		out = append(out, m.missingRefs(g)...)
		if o.wants(LintRefMissingGroup) {
			skipped = append(skipped, m.leftOutRefs(g)...)
		}
		out = append(out, m.farRefs(g)...)
	}
	fs, sk := gl.lintAlibaba(o)
	return append(append(out, fs...), m.missingListRoutes()...), append(skipped, sk...)
}

// missingRefs are g's rules whose peer is a group the input does not hold
// or a prefix list without entries.
func (m *Model) missingRefs(g *sg.Group) []LintFinding {
	var out []LintFinding
	for i, r := range g.Rules {
		switch {
		case r.Peer.Kind == sg.PeerGroup && m.leftOut[r.Peer.Group] != "":
			// the group is in the input, left out with its VPC: not
			// missing (leftout_groups.go); lintGroups says so in Skipped
		case r.Peer.Kind == sg.PeerGroup && m.unresolved[r.Peer.Group]:
			out = append(out, LintFinding{ID: LintRefMissingGroup, Severity: Medium, Kind: ResourceSecurityGroup, Resource: g.ID, Rule: ruleName(r, i),
				Related: []string{r.Peer.Group},
				Message: fmt.Sprintf("rule %s (%s %s %s) references security group %s, which is not in the input: queries only it could allow are indeterminate",
					ruleName(r, i), r.Traffic(), fromTo(r.Direction), r.Peer, r.Peer.Group),
				Fix: fmt.Sprintf("add %s to the input (aws ec2 describe-security-groups --group-ids %s where it lives), or remove the rule if the group is gone", r.Peer.Group, r.Peer.Group)})
		case r.Peer.Kind == sg.PeerPrefixList && m.isUnresolvedList(r.Peer.PrefixList):
			out = append(out, LintFinding{ID: LintRefMissingPrefixList, Severity: Medium, Kind: ResourceSecurityGroup, Resource: g.ID, Rule: ruleName(r, i),
				Related: []string{r.Peer.PrefixList},
				Message: fmt.Sprintf("rule %s (%s %s %s) references prefix list %s, whose entries are not in the input: queries only it could allow are indeterminate",
					ruleName(r, i), r.Traffic(), fromTo(r.Direction), r.Peer, r.Peer.PrefixList),
				Fix: listFix(r.Peer.PrefixList)})
		case r.Peer.Kind == sg.PeerPrefixList && len(m.lists[r.Peer.PrefixList]) == 0:
			out = append(out, LintFinding{ID: LintRefMissingPrefixList, Severity: Medium, Kind: ResourceSecurityGroup, Resource: g.ID, Rule: ruleName(r, i),
				Related: []string{r.Peer.PrefixList},
				Message: fmt.Sprintf("rule %s (%s %s %s) references prefix list %s, which has no entries in the input: the rule matches nothing here",
					ruleName(r, i), r.Traffic(), fromTo(r.Direction), r.Peer, r.Peer.PrefixList),
				Fix: listFix(r.Peer.PrefixList)})
		}
	}
	return out
}

// leftOutRefs says of each rule of g whose peer is a group left out with
// its VPC ([LeftOutGroup]) that it is no REF_MISSING_GROUP: the group is
// in the input, so the reference is not missing (nor stale), though its
// members are unknown.
func (m *Model) leftOutRefs(g *sg.Group) []string {
	var out []string
	for i, r := range g.Rules {
		if vpc := m.leftOut[r.Peer.Group]; r.Peer.Kind == sg.PeerGroup && vpc != "" {
			out = append(out, fmt.Sprintf("%s: %s rule %s (%s %s %s) references security group %s, which is left out with its VPC %s (not among the VPCs chosen), not missing: not a finding; queries only it could allow are indeterminate",
				LintRefMissingGroup, g.ID, ruleName(r, i), r.Traffic(), fromTo(r.Direction), r.Peer, r.Peer.Group, vpc))
		}
	}
	return out
}

// listFix is the fix of a prefix list without entries.
func listFix(id string) string {
	return fmt.Sprintf("add the entries of %s to the input (aws ec2 get-managed-prefix-list-entries --prefix-list-id %s), or remove the reference if the list is meant to be empty", id, id)
}

// missingListRoutes are routes to prefix lists without entries.
func (m *Model) missingListRoutes() []LintFinding {
	var out []LintFinding
	for _, id := range slices.Sorted(maps.Keys(m.rts)) {
		for i, r := range m.rts[id].Routes {
			if r.PrefixList == "" || len(m.lists[r.PrefixList]) > 0 {
				continue
			}
			msg := fmt.Sprintf("the route to prefix list %s has no entries in the input: it routes nothing here", r.PrefixList)
			if m.isUnresolvedList(r.PrefixList) {
				msg = fmt.Sprintf("the route to prefix list %s, whose entries are not in the input, could match any destination: lookups it could change are indeterminate", r.PrefixList)
			}
			out = append(out, LintFinding{ID: LintRefMissingPrefixList, Severity: Medium, Kind: ResourceRouteTable, Resource: id,
				Rule: fmt.Sprintf("route %d (%s -> %s)", i+1, r.PrefixList, r.TargetID), Related: []string{r.PrefixList},
				Message: msg, Fix: listFix(r.PrefixList)})
		}
	}
	return out
}

// farRefs are g's rules that reference a group of another VPC that no
// peering joins to g's: an outbound one matches nothing (no path reachsim
// models brings the members' addresses with their identity but a
// peering; across a transit gateway AWS supports inbound references
// only), an inbound one only across a transit gateway both VPCs are
// attached to whose referencing support is on or unknown (tgw_sgref.go).
// A group whose VPC the model cannot tell (no VPCID, no member) is left
// alone.
func (m *Model) farRefs(g *sg.Group) []LintFinding {
	var out []LintFinding
	for i, r := range g.Rules {
		if r.Peer.Kind != sg.PeerGroup || g.Flavour.IsAlibaba() {
			continue
		}
		here, there := m.groupVPC(g.ID), m.groupVPC(r.Peer.Group)
		if here == nil || there == nil || here == there || m.peered(here, there) {
			continue
		}
		why := "an outbound rule matches no address across a transit gateway (AWS supports references across one in inbound rules only), and no peering joins the VPCs"
		if r.Direction == flow.Inbound {
			if m.tgwMayReference(here, there) {
				continue
			}
			why = "no peering joins the VPCs, and no transit gateway both are attached to has security group referencing support on (gateway and attachments)"
		}
		out = append(out, LintFinding{ID: LintRefMatchesNothing, Severity: Medium, Kind: ResourceSecurityGroup, Resource: g.ID, Rule: ruleName(r, i),
			Related: []string{r.Peer.Group},
			Message: fmt.Sprintf("rule %s (%s %s %s) references security group %s of %s, from a group of %s: it matches nothing, since %s",
				ruleName(r, i), r.Traffic(), fromTo(r.Direction), r.Peer, r.Peer.Group, there.ID, here.ID, why),
			Fix: fmt.Sprintf("reference the members by their addresses (a CIDR block or a prefix list), or peer %s with %s", here.ID, there.ID)})
	}
	return out
}

// groupVPC is the VPC of group id: its VPCID's, else its members'; nil
// when the model cannot tell.
func (m *Model) groupVPC(id string) *vpcInfo {
	if g := m.groups[id]; g != nil && g.VPCID != "" {
		return m.vpcs[g.VPCID]
	}
	for _, ii := range m.ifaceOrder {
		if slices.Contains(ii.Groups, id) {
			return ii.subnet.vpc
		}
	}
	return nil
}

// tgwMayReference reports whether a transit gateway has VPC attachments
// of both VPCs a and b, and referencing support that is on or unknown on
// it and both attachments.
func (m *Model) tgwMayReference(a, b *vpcInfo) bool {
	for _, g := range m.tgws {
		x, y := g.byVPC[a.ID], g.byVPC[b.ID]
		if x == nil || y == nil {
			continue
		}
		if lost, _ := tgwReferencing(g, x, y); !lost {
			return true
		}
	}
	return false
}

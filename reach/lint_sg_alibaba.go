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

// Lint of Alibaba Cloud groups' rules: SG_RULE_SHADOWED. An Alibaba
// group's rules decide by priority, the smallest number first, a drop
// rule before an accept rule of the same priority (semantics.md E.2),
// across every group of the interface, and among a group's rules of the
// same priority and action, the earlier. A rule never decides when, for
// every packet it matches, a rule of its own group that comes first
// matches it too (so the second of two equal rules never decides): in
// any set of groups that holds the group, that rule (or one before it)
// decides. Such a rule is dead: removing it, or every
// rule SG_RULE_SHADOWED names together, changes no verdict.
//
// The packets are boxes over five dimensions (protocol, destination
// port, ICMP type, ICMP code, source port: Alibaba's 5-tuple rules) times
// the peer's addresses, decided on the cells of the rule's box as
// SG_RULE_IMPLIED decides (coverCells). A rule whose peer is a CIDR block
// or a prefix list matches exactly its addresses; one that references a
// group matches its members while the packet keeps its group identity,
// and nothing once it is lost (a middlebox forwarded it): such a rule
// hides only rules that reference groups too, and a reference whose
// members are not all known (a member's address known only later) stands
// for every address when it is hidden, and hides nothing. Where only such
// a rule keeps a rule from being called hidden, Skipped says so.

// ruleSrcPort is the fifth dimension of an Alibaba rule's box: the
// source ports of a 5-tuple rule.
const ruleSrcPort = ruleCode + 1

// everyAddress is every IPv4 and IPv6 address.
var everyAddress = addrset.Of(netip.PrefixFrom(netip.IPv4Unspecified(), 0), netip.PrefixFrom(netip.IPv6Unspecified(), 0))

// aliBox is the box of the packets an Alibaba rule's protocol part
// matches: sgBox's and the source ports (every one but for a TCP or UDP
// 5-tuple rule).
func aliBox(r sg.Rule) box {
	b := append(sgBox(r), span{0, 65535})
	if sp := r.SourcePorts; r.Protocol.HasPorts() && sp != (flow.PortRange{}) && !sp.IsFull() {
		b[ruleSrcPort] = span{uint64(sp.Lo), uint64(sp.Hi)}
	}
	return b
}

// prepareAlibaba reads every Alibaba Cloud group's rules once.
func (gl *groupLint) prepareAlibaba() {
	gl.ali = map[string][]sgRule{}
	for id, g := range gl.m.groups {
		if !g.Flavour.IsAlibaba() {
			continue
		}
		rs := make([]sgRule, len(g.Rules))
		for i, r := range g.Rules {
			addrs, known := gl.peerAddrs(r)
			rs[i] = sgRule{group: id, index: i, rule: r, b: aliBox(r), addrs: addrs, ref: r.Peer.Kind == sg.PeerGroup, known: known}
		}
		gl.ali[id] = rs
	}
}

// comesFirst reports whether Alibaba rule a decides before rule b
// wherever both match, whatever their groups' order: a smaller priority
// number, or the same with a drop before an accept.
func comesFirst(a, b sg.Rule) bool {
	return a.Priority < b.Priority || a.Priority == b.Priority && a.Action == flow.Drop && b.Action != flow.Drop
}

// decidesFirst reports whether rule rules[j] of a group decides before
// rules[k] of the same group wherever both match: it comes first, or it
// has the same priority and action and an earlier place in the group (the
// evaluator takes a group's rules of one rank in their order, and which
// of two such rules decides changes no verdict: a duplicate rule is dead).
func decidesFirst(rules []sgRule, j, k int) bool {
	a, b := rules[j].rule, rules[k].rule
	return comesFirst(a, b) || j < k && a.Priority == b.Priority && a.Action == b.Action
}

// hiddenBy reports whether Alibaba rule rules[k] never decides: the rules
// of rules that come first match every packet it matches; by are they
// (positions in rules). lenient weighs what it leaves out: a reference
// hides a rule whose peer is no group, a reference whose members are not
// all known hides as if it matched every address; so a rule hidden only
// leniently is hidden while packets keep their identity, or perhaps.
func hiddenBy(rules []sgRule, k int, lenient bool) (bool, []int) {
	r := &rules[k]
	want := r.addrs
	if !r.known {
		want = everyAddress // a reference matches its members, at most
	}
	if want.IsEmpty() {
		return false, nil // it matches nothing: REF_MISSING_PREFIX_LIST's
	}
	var boxes []box
	var addrs []addrset.Set
	var who []int
	for j := range rules {
		o := &rules[j]
		if j == k || o.rule.Direction != r.rule.Direction || !decidesFirst(rules, j, k) || !o.b.meets(r.b) {
			continue
		}
		a := o.addrs
		switch {
		case !o.known && !lenient:
			continue
		case !o.known:
			a = everyAddress
		case o.ref && !r.ref && !lenient:
			continue // it matches nothing once the identity is lost
		}
		if a.Overlaps(want) {
			boxes, addrs, who = append(boxes, o.b), append(addrs, a), append(who, j)
		}
	}
	ok, used := coverCells(boxes, addrs, r.b, want)
	for i, c := range used {
		used[i] = who[c]
	}
	return ok, used
}

// aliTraffic words an Alibaba rule for findings: "accept tcp/22 from
// 0.0.0.0/0, priority 10".
func aliTraffic(r sg.Rule) string {
	act := "accept"
	if r.Action == flow.Drop {
		act = "drop"
	}
	s := fmt.Sprintf("%s %s %s %s", act, r.Traffic(), fromTo(r.Direction), r.Peer)
	if sp := r.SourcePorts; sp != (flow.PortRange{}) && !sp.IsFull() {
		s += " from source ports " + sp.String()
	}
	return fmt.Sprintf("%s, priority %d", s, r.Priority)
}

// aliLabel names an Alibaba rule in findings: "sg-1 rule r2 (drop
// tcp/22 from 0.0.0.0/0, priority 1)".
func aliLabel(r *sgRule) string {
	return fmt.Sprintf("%s rule %s (%s)", r.group, ruleName(r.rule, r.index), aliTraffic(r.rule))
}

// lintAlibaba finds the rules of Alibaba Cloud groups that rules of
// their group that come first hide (SG_RULE_SHADOWED); skipped says
// which rules only references could hide, and, for SG_RULE_IMPLIED,
// that it does not weigh Alibaba groups.
func (gl *groupLint) lintAlibaba(o LintOptions) (out []LintFinding, skipped []string) {
	ids := slices.Sorted(maps.Keys(gl.ali))
	if len(ids) > 0 && o.wants(LintSGRuleImplied) {
		skipped = append(skipped, fmt.Sprintf("%s: the rules of the Alibaba Cloud groups %s are not weighed: their priorities and drop rules decide, not a union of allow rules (%s weighs which rules higher-priority rules hide)",
			LintSGRuleImplied, strings.Join(ids, ", "), LintSGRuleShadowed))
	}
	if !o.wants(LintSGRuleShadowed) {
		return nil, skipped
	}
	for _, id := range ids {
		rules := gl.ali[id]
		for k := range rules {
			r := &rules[k]
			ok, by := hiddenBy(rules, k, false)
			if !ok {
				if maybe, mby := hiddenBy(rules, k, true); maybe {
					skipped = append(skipped, fmt.Sprintf("%s: %s may never decide, but is not reported: %s come first and match every packet it matches only %s",
						LintSGRuleShadowed, aliLabel(r), labelsOf(rules, mby), whyMaybe(rules, k, mby)))
				}
				continue
			}
			drops := slices.ContainsFunc(by, func(j int) bool { return rules[j].rule.Action == flow.Drop })
			what := "it changes no verdict"
			if r.rule.Action == flow.Pass && drops {
				what = "what it accepts is dropped first"
			}
			out = append(out, LintFinding{ID: LintSGRuleShadowed, Severity: Low, Kind: ResourceSecurityGroup, Resource: id, Rule: ruleName(r.rule, k),
				Related: labelList(rules, by),
				Message: fmt.Sprintf("rule %s (%s) never decides: rules of %s that come first (a smaller priority number, the same with drop before accept, or the same priority and action earlier in the group) match every packet it matches: %s",
					ruleName(r.rule, k), aliTraffic(r.rule), id, labelsOf(rules, by)),
				Fix: fmt.Sprintf("remove rule %s from %s (%s; removing every rule %s names, together, changes no verdict), or, if it is meant to decide, give it a smaller priority number than the rules that hide it",
					ruleName(r.rule, k), id, what, LintSGRuleShadowed)})
		}
	}
	return out, skipped
}

// whyMaybe says why rules[k], hidden by the rules by only when weighed
// leniently, is not reported.
func whyMaybe(rules []sgRule, k int, by []int) string {
	var why []string
	if r := &rules[k]; r.ref && !r.known {
		why = append(why, fmt.Sprintf("if every address may be a member of %s, whose members are not all known", r.rule.Peer.Group))
	}
	for _, j := range by {
		o := &rules[j]
		switch {
		case !o.known:
			why = append(why, fmt.Sprintf("if %s matches every address (%s's members are not all known)", ruleName(o.rule, o.index), o.rule.Peer))
		case o.ref && !rules[k].ref:
			why = append(why, fmt.Sprintf("while the packet keeps its group identity (%s references %s, and matches nothing once a middlebox forwards the packet)", ruleName(o.rule, o.index), o.rule.Peer.Group))
		}
	}
	return strings.Join(slices.Compact(why), "; ")
}

// labelList is the labels of rules[by].
func labelList(rules []sgRule, by []int) []string {
	out := make([]string, len(by))
	for i, j := range by {
		out[i] = aliLabel(&rules[j])
	}
	return out
}

// labelsOf is the labels of rules[by], joined.
func labelsOf(rules []sgRule, by []int) string { return strings.Join(labelList(rules, by), ", ") }

// hiddenOn reports whether rule key never decides on an interface whose
// groups are groups (every one Alibaba's): the rules of those groups that
// come first match every packet it matches; by labels them.
func (gl *groupLint) hiddenOn(groups []string, key ruleKey) (bool, []string) {
	var flat []sgRule
	k := -1
	for _, id := range groups {
		rs, ok := gl.ali[id]
		if !ok {
			return false, nil
		}
		if id == key.group && key.index < len(rs) {
			k = len(flat) + key.index
		}
		flat = append(flat, rs...)
	}
	if k < 0 {
		return false, nil
	}
	ok, by := hiddenBy(flat, k, false)
	if !ok {
		return false, nil
	}
	return true, labelList(flat, by)
}

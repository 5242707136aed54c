package reach

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// What to change where Alibaba Cloud groups judge a packet two ways.
//
// After a middlebox (or the internet) an Alibaba Cloud group judges the
// packet with the sender's group membership kept and lost (alibaba_sg.go,
// [sg.Evaluator.Views]). A hop both views deny is decided, for the
// trace, by the drop rule that comes first in either view (the smallest
// priority number): that rule stops the packet whichever way Alibaba
// Cloud judges it, and any fix must get past it. A fix must make every
// view accept: an accept rule by address (which matches in both views)
// with a priority number smaller than every drop rule that decides in
// either view, or the removal of those drop rules (each view read again
// after each removal, until none decides by a drop rule).

// aliView is one view of a hop's Alibaba Cloud groups and its decision on
// the hop's packet.
type aliView struct {
	ev *sg.Evaluator
	d  sg.Decision
}

// aliViews returns ev's views ([sg.Evaluator.Views]) with their
// decisions on pkt in dir.
func aliViews(ev *sg.Evaluator, pkt flow.Flow, dir flow.Direction) []aliView {
	evs := ev.Views()
	out := make([]aliView, len(evs))
	for i, v := range evs {
		out[i] = aliView{v, v.Evaluate(pkt, dir)}
	}
	return out
}

// byDropRule reports whether d denies by a drop rule.
func byDropRule(d sg.Decision) bool {
	return d.Verdict == flow.Deny && d.Basis == sg.ByRule && d.Action == flow.Drop
}

// decidingView returns the view whose deciding drop rule comes first
// (the smallest priority number) among vs, which all deny; vs[0] when
// none denies by a rule (defaults, isolation).
func decidingView(vs []aliView) aliView {
	best := -1
	for i, v := range vs {
		if byDropRule(v.d) && (best < 0 || v.d.Rule.Priority < vs[best].d.Rule.Priority) {
			best = i
		}
	}
	if best < 0 {
		return vs[0]
	}
	return vs[best]
}

// viewsDiffer reports whether vs are two views that decide the packet by
// different rules or bases (where they decide alike, one view's words
// are both's).
func viewsDiffer(vs []aliView) bool {
	if len(vs) != 2 {
		return false
	}
	a, b := vs[0].d, vs[1].d
	return a.Verdict != b.Verdict || a.Basis != b.Basis || a.Group != b.Group || a.RuleIndex != b.RuleIndex
}

// viewsDetail says how each of two views that differ decided a packet
// both deny, after a colon; "" when they decide alike.
func viewsDetail(vs []aliView) string {
	if !viewsDiffer(vs) {
		return ""
	}
	// Views: the identity-lost view first, the kept one second (sgPair.blind)
	return fmt.Sprintf(": with the sender's group membership kept, %s; without it, %s", vs[1].d, vs[0].d)
}

// aliDropsToRemove returns the drop rules of ii's groups that decide pkt
// in some view of the hop (with the sender's group membership kept, and
// lost when both), each view read again after each removal until no drop
// rule decides it, with their labels, and whether every view then lets
// pkt through. span, when not empty, is the source ports a NAT gateway
// may pick (natsg.go). An error compiling the groups gives no rule.
func aliDropsToRemove(m *Model, ii *ifaceInfo, pkt flow.Flow, dir flow.Direction, both bool, span flow.PortRange) (labels []string, allowed bool) {
	removed := map[ruleKey]bool{}
	rules := 1
	for _, id := range ii.Groups {
		rules += len(m.groups[id].Rules)
	}
	views := 1
	if both {
		views = 2
	}
	allowed = true
	for v := range views {
		for range rules { // each round removes a rule
			ev, back, err := aliCompileWithout(m, ii, removed, v == 1, span)
			if err != nil {
				return nil, false
			}
			d := ev.Evaluate(pkt, dir)
			if !byDropRule(d) {
				allowed = allowed && d.Allowed()
				break
			}
			k := ruleKey{d.Group, back[d.Group][d.RuleIndex]}
			if removed[k] {
				return nil, false // cannot happen: a removed rule decides nothing
			}
			removed[k] = true
			d.RuleIndex = k.index // the model's index: the label names the rule as the trace does
			labels = append(labels, ii.sg.normal.RuleLabel(d))
		}
	}
	return labels, allowed
}

// aliCompileWithout compiles ii's groups without the rules in removed,
// the sender's group membership lost when lost, over span's source ports
// when span is not empty; back maps each group's rule index in the
// compiled copy to its index in the model.
func aliCompileWithout(m *Model, ii *ifaceInfo, removed map[ruleKey]bool, lost bool, span flow.PortRange) (*sg.Evaluator, map[string][]int, error) {
	back := map[string][]int{}
	ev, err := aliCompile(m, ii, lost, span, func(g *sg.Group) {
		rules := g.Rules
		g.Rules = nil
		for i, r := range rules {
			if !removed[ruleKey{g.ID, i}] {
				g.Rules = append(g.Rules, r)
				back[g.ID] = append(back[g.ID], i)
			}
		}
	})
	return ev, back, err
}

// aliCompile compiles copies of ii's groups, each changed by change
// first, the sender's group membership lost when lost, over span's
// source ports when span is not empty. The model's groups are never
// changed: change gets a copy whose Rules it may replace, not edit.
func aliCompile(m *Model, ii *ifaceInfo, lost bool, span flow.PortRange, change func(g *sg.Group)) (*sg.Evaluator, error) {
	gs := make([]sg.Group, 0, len(ii.Groups))
	for _, id := range ii.Groups {
		g := *m.groups[id]
		change(&g)
		gs = append(gs, g)
	}
	ev, err := sg.Compile(gs, m)
	if err == nil && lost {
		ev, err = ev.WithMembership(identityLost{m})
	}
	if err != nil {
		return nil, err
	}
	if span != (flow.PortRange{}) {
		ev = ev.OverSourcePorts(span)
	}
	return ev, nil
}

// alibabaViewsFix proposes what lets pkt through ii's Alibaba Cloud
// groups in every view of vs (the sender's group membership kept and
// lost), where some deny it: an accept rule by the packet's address
// (which matches in both views) with a priority number smaller than
// every drop rule that decides in a view, when one does; or the removal
// (or narrowing) of those drop rules, offered where every view then lets
// the packet through, or where no accept rule can come first (priority
// 1), with the accept rule after it when needed. span: as
// aliDropsToRemove.
func alibabaViewsFix(m *Model, pkt flow.Flow, ii *ifaceInfo, dir flow.Direction, vs []aliView, span flow.PortRange) string {
	peer := peerOf(pkt, dir)
	what := fmt.Sprintf("%s %s %s", pkt.Traffic(), peerWordOf(dir), netip.PrefixFrom(peer, peer.BitLen()))
	group := ii.Groups[0]
	if g := decidingView(vs).d.Group; g != "" {
		group = g
	}
	first := 0 // the smallest priority of a deciding drop rule
	var deciding []string
	for i, v := range vs {
		if !byDropRule(v.d) {
			continue
		}
		l := "drop rule " + v.ev.RuleLabel(v.d) + " decides"
		if len(vs) == 2 { // Views: the identity-lost view first (sgPair.blind)
			l = "with the sender's group membership " + [2]string{"lost", "kept"}[i] + ", " + l
		}
		deciding = append(deciding, l)
		if first == 0 || v.d.Rule.Priority < first {
			first = v.d.Rule.Priority
		}
	}
	labels, removalOpens := aliDropsToRemove(m, ii, pkt, dir, len(vs) > 1, span)
	if first == 0 {
		return fmt.Sprintf("add an %s accept rule to %s allowing %s, at any priority (no drop rule matches it, whether Alibaba Cloud keeps the sender's group membership or not, and a rule by address matches it either way)", dir, group, what)
	}
	why := strings.Join(deciding, "; ")
	remove := ""
	if len(labels) > 0 {
		noun := "the drop rule "
		if len(labels) > 1 {
			noun = "the drop rules "
		}
		remove = noun + strings.Join(labels, ", ")
	}
	if first <= 1 {
		s := fmt.Sprintf("%s (priority 1 is the highest, and at equal priority a drop rule wins): no accept rule can come before it; remove %s (every drop rule that decides it, with the sender's group membership kept or lost), or narrow them so that they no longer match %s",
			why, remove, what)
		if !removalOpens {
			s += fmt.Sprintf(", then add an %s accept rule to %s allowing %s", dir, group, what)
		}
		return s
	}
	before := "1"
	if first > 2 {
		before = "from 1 to " + strconv.Itoa(first-1)
	}
	s := fmt.Sprintf("%s (at equal priority a drop rule wins): add an %s accept rule to %s allowing %s with priority %s (a smaller number than every drop rule that decides it, so that it comes first whether Alibaba Cloud keeps the sender's group membership or not)",
		why, dir, group, what, before)
	if removalOpens && remove != "" {
		s += fmt.Sprintf(", or remove %s, or narrow them so that they no longer match %s", remove, what)
	}
	return s
}

package reach

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// Stopping a session at an Alibaba Cloud group.
//
// Unlike an AWS group, which only allows, an Alibaba Cloud group can stop
// a session it admits: a drop rule whose priority number is no larger
// than that of the accept rule that admits it decides first (at equal
// priority a drop rule wins; AuthorizeSecurityGroup), and removing the
// accept rule is the other way. A basic group's inner access policy
// Accept admits its members before every rule (ModifySecurityGroupPolicy):
// no rule stops that; its policy set to Drop does. Fix writes AWS rules
// only, so these are by hand ([FixResult.ByHand], or the error wrapping
// [ErrNoFix] when nothing Fix writes stops the session); each is checked
// first on a copy of the model (the rule changes by [Model.Apply] and a
// check of the query, the policy by the groups' evaluation of the
// packet), and named with the other sessions it changes.

// alibabaAdmitting returns the last inbound security group hop of r's
// request that allowed its packet at an interface of Alibaba Cloud groups
// (the destination's), with that interface; false when there is none.
func (m *Model) alibabaAdmitting(r *Result) (Hop, *ifaceInfo, bool) {
	for i := len(r.Forward) - 1; i >= 0; i-- {
		h := r.Forward[i]
		if h.Kind != KindSecurityGroups || h.Direction != flow.Inbound || h.Verdict != flow.Allow {
			continue
		}
		ii := m.ifaceAt(h)
		if ii == nil || ii.GroupsUnknown != "" || ii.sg == nil || !ii.sg.normal.Flavour().IsAlibaba() {
			return Hop{}, nil, false
		}
		return h, ii, true
	}
	return Hop{}, nil, false
}

// alibabaClose returns the by-hand change that stops q, which r checked,
// at the destination's Alibaba Cloud groups, checked on a copy of the
// model: a drop rule for exactly the packet (each address its peer may
// send from, peerBlocks) with the priority of the accept rule that
// admits it (the smallest of them where the groups judge the packet two
// ways, after a middlebox), in a group the interface alone uses, else in
// the accept rule's group; or the removal of the accept rules that admit
// it; the one that changes fewer other sessions first. Where a basic
// group's inner access policy Accept admits it, no rule can stop it, and
// the text says so. "" when no Alibaba Cloud group admits the session, or
// no such change stops it.
func (m *Model) alibabaClose(q Query, r *Result) (string, error) {
	h, ii, ok := m.alibabaAdmitting(r)
	if !ok {
		return "", nil
	}
	ev := ii.sg.normal
	if j, ok := h.judge.(sgJudge); ok && j.ev != nil {
		ev = j.ev // the views the hop was judged by
	}
	vs := aliViews(ev, h.Packet, h.Direction)
	if slices.ContainsFunc(vs, func(v aliView) bool { return v.d.Basis == sg.InnerAccept }) {
		return m.alibabaInnerClose(h, ii, vs), nil
	}
	first, accepts := 0, []aliView{}
	for _, v := range vs {
		if v.d.Basis != sg.ByRule || !v.d.Allowed() {
			return "", nil // no rule admits it in this view
		}
		if first == 0 || v.d.Rule.Priority < first {
			first = v.d.Rule.Priority
		}
		if !slices.ContainsFunc(accepts, func(a aliView) bool { return a.d.Group == v.d.Group && a.d.RuleIndex == v.d.RuleIndex }) {
			accepts = append(accepts, v)
		}
	}
	drop, err := m.alibabaDropChanges(h, ii, accepts[0].d.Group, first)
	if err != nil {
		return "", nil // a peer whose address is a placeholder: no rule for it stops what AWS gives
	}
	var remove []Change
	var admitting []string
	for _, a := range accepts {
		old := m.groups[a.d.Group].Rules[a.d.RuleIndex]
		remove = append(remove, Change{Action: ChangeRemove, Kind: ResourceSecurityGroup, Resource: a.d.Group, Direction: h.Direction, Rule: &old,
			Spec: sgRuleText(old), Text: fmt.Sprintf("remove from %s the %s accept rule %s (priority %d)", a.d.Group, h.Direction, sgRuleText(old), old.Priority)})
		admitting = append(admitting, a.ev.RuleLabel(a.d))
	}
	why := fmt.Sprintf("accept rule %s admits it", strings.Join(admitting, " and "))
	if len(admitting) > 1 {
		why = fmt.Sprintf("accept rules %s admit it (with the sender's group membership kept and lost)", strings.Join(admitting, " and "))
	}
	type option struct {
		text string
		also int // -1: not known
	}
	var opts []option
	for _, cs := range [][]Change{drop, remove} {
		text, also, ok, err := m.checkByHand(q, cs)
		if err != nil {
			return "", err
		}
		if ok {
			opts = append(opts, option{text, also})
		}
	}
	if len(opts) == 0 {
		return "", nil
	}
	// the one that changes fewer other sessions first (not known: last)
	slices.SortStableFunc(opts, func(a, b option) int {
		if (a.also < 0) != (b.also < 0) {
			return boolRank(a.also < 0) - boolRank(b.also < 0)
		}
		return a.also - b.also
	})
	texts := make([]string, len(opts))
	for i, o := range opts {
		texts[i] = o.text
	}
	return why + ", and at equal priority a drop rule wins: " + strings.Join(texts, "; or "), nil
}

// alibabaDropChanges returns the drop rules, one for each address the
// peer of h's packet may send from (peerBlocks), for exactly its traffic,
// with priority, added to a group ii alone uses (onlyMember), else to
// group (the accept rule's).
func (m *Model) alibabaDropChanges(h Hop, ii *ifaceInfo, group string, priority int) ([]Change, error) {
	peers, err := m.peerBlocks(h.Packet, h.Direction)
	if err != nil {
		return nil, err
	}
	target, alone := group, false
	for _, gid := range ii.Groups {
		if m.onlyMember(gid, ii) {
			target, alone = gid, true
			break
		}
	}
	where := fmt.Sprintf("used by %s alone", ii.label())
	if !alone {
		where = "shared: the rule judges its other members' sessions too"
	}
	proto, ports, it, ic := trafficOf(h.Packet)
	var out []Change
	for _, peer := range peers {
		rule := sg.Rule{Direction: h.Direction, Action: flow.Drop, Priority: priority, Protocol: proto, Ports: ports, ICMPType: it, ICMPCode: ic,
			Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: peer}, Description: "reachsim fix"}
		prio := "priority " + strconv.Itoa(priority)
		if priority > 1 {
			prio += " (or any from 1 to " + strconv.Itoa(priority) + ")"
		}
		out = append(out, Change{Action: ChangeAdd, Kind: ResourceSecurityGroup, Resource: target, Direction: h.Direction, Rule: &rule,
			Spec: sgRuleText(rule), Text: fmt.Sprintf("add to %s (%s) an %s drop rule %s with %s", target, where, h.Direction, sgRuleText(rule), prio)})
	}
	return out, nil
}

// checkByHand makes the changes cs on a copy of the model and checks q
// again: ok when q is then unreachable, with the changes' text and how
// many other sessions they change (-1 when those cannot all be listed),
// said in the text.
func (m *Model) checkByHand(q Query, cs []Change) (text string, also int, ok bool, err error) {
	if len(cs) == 0 {
		return "", 0, false, nil
	}
	next, err := m.Apply(cs)
	if err != nil {
		return "", 0, false, nil // a change the model refuses: not offered
	}
	rr, err := next.Check(q)
	if err != nil || rr.Outcome != Unreachable {
		return "", 0, false, err
	}
	words := make([]string, len(cs))
	for i, c := range cs {
		words[i] = c.Text
	}
	text = strings.Join(words, " and ")
	sessions, err := m.alsoChanged(next, q, cs)
	switch {
	case errors.Is(err, ErrNoFix):
		return text + " (checked: unreachable after it; the other sessions it changes cannot all be listed)", -1, true, nil
	case err != nil:
		return "", 0, false, err
	case len(sessions) == 0:
		return text + " (checked: unreachable after it, and no other session changes)", 0, true, nil
	}
	var pairs []string
	for _, sc := range sessions {
		pairs = append(pairs, sc.From+" -> "+sc.To)
	}
	n := "1 other session"
	if len(sessions) > 1 {
		n = strconv.Itoa(len(sessions)) + " other sessions"
	}
	return fmt.Sprintf("%s (checked: unreachable after it; it changes %s too: %s)", text, n, strings.Join(pairs, ", ")), len(sessions), true, nil
}

// alibabaInnerClose words what stops h's packet that the inner access
// policy Accept of ii's basic groups admits (vs: the hop's views): no
// rule can; those groups' policy set to Drop, after which their rules
// decide (read here on a copy of the groups, and a drop rule added too
// where they still admit it), or the two ends no longer sharing them.
func (m *Model) alibabaInnerClose(h Hop, ii *ifaceInfo, vs []aliView) string {
	peer := peerOf(h.Packet, h.Direction)
	var open []string
	for _, gid := range ii.Groups {
		if g := m.groups[gid]; g.Flavour == sg.AlibabaBasic && !g.InnerAccessDrop && m.isMember(gid, peer) {
			open = append(open, gid)
		}
	}
	if len(open) == 0 { // cannot happen: a view decided by it
		for _, v := range vs {
			if v.d.Basis == sg.InnerAccept && !slices.Contains(open, v.d.Group) {
				open = append(open, v.d.Group)
			}
		}
	}
	list := strings.Join(open, ", ")
	s := fmt.Sprintf("%s, a member of %s as %s is, passes by the inner access policy Accept, which takes precedence over every rule (ModifySecurityGroupPolicy): no drop rule can stop it; set the inner access policy of %s to Drop, or take one of the two out of %s",
		peer, list, ii.label(), list, list)
	// read the groups again with the policy set to Drop, in every view
	// the hop was judged by
	lost := len(vs) > 1
	first := 0
	for v := range len(vs) {
		ev, err := aliCompile(m, ii, lost && v == 0, flow.PortRange{}, func(g *sg.Group) {
			if slices.Contains(open, g.ID) {
				g.InnerAccessDrop = true
			}
		})
		if err != nil {
			return s
		}
		d := ev.Evaluate(h.Packet, h.Direction)
		switch {
		case !d.Allowed():
		case d.Basis == sg.ByRule:
			if first == 0 || d.Rule.Priority < first {
				first = d.Rule.Priority
			}
		default: // admitted by another way no rule stops
			return s
		}
	}
	if first == 0 {
		return s + " (its rules then deny it)"
	}
	proto, ports, it, ic := trafficOf(h.Packet)
	rule := sg.Rule{Direction: h.Direction, Action: flow.Drop, Priority: first, Protocol: proto, Ports: ports, ICMPType: it, ICMPCode: ic,
		Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: netip.PrefixFrom(peer, peer.BitLen())}}
	prio := strconv.Itoa(first)
	if first > 1 {
		prio += " (or any from 1 to " + prio + ")"
	}
	return s + fmt.Sprintf("; with the policy Drop, an accept rule still admits it at priority %d, so add an %s drop rule %s with priority %s too",
		first, h.Direction, sgRuleText(rule), prio)
}

package stateless

import (
	"strconv"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Ambiguity is a rule whose match on a packet AWS's documents do not
// settle: the rule names ports (or TCP flags) and its Protocols do not
// restrict it to TCP and UDP (to TCP), and the packet is of another
// protocol. AWS's API reference says ports are "only used for protocols 6
// (TCP) and 17 (UDP)" and TCP flags for protocol 6, not whether such a
// rule then matches a packet of another protocol (its ports ignored) or
// none; the engine reads it as matching none (the package doc), and a
// [Decision] names, in its Ambiguous, the first rule ahead of the deciding
// one (or the default) that would match under the other reading when its
// action differs from the decision's: under that reading it decides. The
// zero Ambiguity (RulePriority 0) is none.
type Ambiguity struct {
	Group         string      // the rule's group: Name, or ARN
	GroupPriority int         // the group's priority in the policy
	RulePriority  int         // the rule's priority; 0 for no ambiguity
	Action        flow.Action // the rule's standard action: the packet's under the other reading
	Flags         bool        // the rule names TCP flags (else ports) that the packet's protocol does not carry
}

// String prints "priority 5 of group sl (priority 1), which names ports
// and does not restrict its protocols to TCP and UDP, would drop it if its
// ports were ignored for protocols that carry none (AWS applies ports to
// TCP and UDP only)" ("TCP flags" and "to TCP" for a rule with flags).
func (a Ambiguity) String() string {
	if a.RulePriority == 0 {
		return ""
	}
	what, to, carry := "ports", "TCP and UDP", "protocols that carry none (AWS applies ports to TCP and UDP only)"
	if a.Flags {
		what, to, carry = "TCP flags", "TCP", "protocols other than TCP (AWS applies TCP flags to TCP only)"
	}
	return "priority " + strconv.Itoa(a.RulePriority) + " of group " + textsafe.String(a.Group) + " (priority " + strconv.Itoa(a.GroupPriority) +
		"), which names " + what + " and does not restrict its protocols to " + to + ", would " + verbOf(a.Action) + " it if its " + what + " were ignored for " + carry
}

func verbOf(a flow.Action) string {
	switch a {
	case flow.Pass:
		return "pass"
	case flow.Drop:
		return "drop"
	case flow.Forward:
		return "forward to the stateful engine"
	}
	return a.String()
}

// Undecided reports whether d's packet meets a rule whose match AWS's
// documents do not settle and whose action would change the decision
// (see [Ambiguity]).
func (d Decision) Undecided() bool { return d.Ambiguous.RulePriority != 0 }

// ambiguous reports whether rule m may meet a packet whose protocol does
// not carry the ports or flags it names.
func (m *matcher) ambiguous() bool {
	for p := range 256 {
		if !m.hasProto(uint8(p)) {
			continue
		}
		if m.ports && p != 6 && p != 17 || len(m.flags) > 0 && p != 6 {
			return true
		}
	}
	return false
}

// laxMatches is matches with the ports and TCP flags a packet's protocol
// does not carry ignored (the other reading of [Ambiguity]); fragments
// match as in matches.
func (m *matcher) laxMatches(p *packet) bool {
	if !m.hasProto(p.proto) || p.frag && (m.ports || len(m.flags) > 0) {
		return false
	}
	if m.ports && (p.proto == 6 || p.proto == 17) {
		if len(m.sports) > 0 && !inRanges(m.sports, p.sport) || len(m.dports) > 0 && !inRanges(m.dports, p.dport) {
			return false
		}
	}
	if len(m.flags) > 0 && p.proto == 6 && !m.flagsMatch(p.flags) {
		return false
	}
	return (len(m.src) == 0 || inPrefixes(m.src, p.src)) && (len(m.dst) == 0 || inPrefixes(m.dst, p.dst))
}

// ambiguity fills d.Ambiguous for packet p, which rule i (len(e.rules):
// none) decided: the first rule of e.ambig ahead of i that matches p
// under the other reading, when its action differs from d's.
func (e *Engine) ambiguity(d *Decision, i int, p *packet) {
	if p.proto == 6 || p.frag {
		return // TCP carries ports and flags: nothing is in doubt
	}
	for _, j := range e.ambig {
		if int(j) >= i {
			return
		}
		if e.match[j].laxMatches(p) {
			if r := &e.rules[j]; r.rule.Action != d.Action {
				d.Ambiguous = Ambiguity{Group: r.group, GroupPriority: r.groupPrio, RulePriority: r.rule.Priority, Action: r.rule.Action,
					Flags: !e.match[j].ports || p.proto == 17}
			}
			return
		}
	}
}

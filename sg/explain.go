package sg

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Skip is a rule that [Evaluator.Explain] passed over before the deciding
// one, with why it does not match.
type Skip struct {
	Group     string // the rule's group ID
	RuleIndex int    // the rule's index in that group's Rules
	Rule      Rule

	// what Reason needs; the reason is built only when read, so that a
	// trace that shows no skipped rules does not pay for their sentences
	e    *Evaluator
	cr   int32
	f    flow.Flow
	peer netip.Addr
}

// Reason lists the parts of the rule the packet fails: "port 80 is not in
// 22; 10.0.0.5 is not in 10.1.0.0/16". It is built when called.
func (s Skip) Reason() string {
	if s.e == nil {
		return ""
	}
	var why []string
	s.e.mismatches(&s.e.rules[s.cr], s.f, s.peer, &why)
	return strings.Join(why, "; ")
}

// MarshalJSON writes the skip with its reason: {"Group", "RuleIndex",
// "Rule", "Reason"}.
func (s Skip) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Group     string
		RuleIndex int
		Rule      Rule
		Reason    string
	}{s.Group, s.RuleIndex, s.Rule, s.Reason()})
}

// String prints the group, the rule and the reason: "sg-web #0 allows
// tcp/22 from 10.0.0.0/8: port 80 is not in 22".
func (s Skip) String() string {
	return textsafe.String(s.Group) + " " + s.Rule.Label(s.RuleIndex) + ": " + textsafe.String(s.Reason())
}

// GroupTrace is what one group of the interface says about a packet, for
// the trace a person reads.
type GroupTrace struct {
	Group string // the group's ID
	Name  string // the group's name
	// Matched is the index in the group's Rules of the rule of this group
	// that comes first in decision order and matches, or -1.
	Matched int
	// Closest is, when nothing matched, the index of the rule that came
	// closest (fewest mismatching parts, earliest on a tie), or -1 when the
	// group has no rule in this direction.
	Closest int
	// Reason is a sentence: "rule sgr-1 allows tcp/22 from 203.0.113.0/24",
	// "no rule allows udp/53 from 10.0.0.5: closest rule sgr-2 allows tcp/53
	// from 10.0.0.0/16 (protocol udp is not tcp)".
	Reason string
}

// Explain is [Evaluator.Evaluate] with the trace filled in: the same
// Decision, plus in Skipped the rules of the direction tried before the
// deciding one (in decision order) with why each does not match, and in
// Groups, per group, the matching rule or the closest non-matching one and
// a reason. It is slower and allocates; use it for traces, not for bulk
// questions. A nil Evaluator explains nothing: its Decision says
// NoFilter.
func (e *Evaluator) Explain(f flow.Flow, dir flow.Direction) Decision {
	return e.explain(f, dir, true)
}

// ExplainGroups is [Evaluator.Explain] without Skipped: the same
// Decision and Groups, for a trace that shows the groups' reasons and
// not the rules passed over.
func (e *Evaluator) ExplainGroups(f flow.Flow, dir flow.Direction) Decision {
	return e.explain(f, dir, false)
}

// explain is Explain, with Skipped filled when skipped is set.
func (e *Evaluator) explain(f flow.Flow, dir flow.Direction, skipped bool) Decision {
	d := e.Evaluate(f, dir)
	if e == nil || dir > flow.Outbound {
		return d
	}
	peer := peerOf(f, dir)
	if skipped && d.Basis != InnerAccept {
		end := len(e.rules)
		if d.Basis == ByRule {
			end = int(e.pos[e.groupIndex(d.Group)][d.RuleIndex])
		}
		n := 0
		for i := range e.rules[:end] {
			if e.rules[i].rule.Direction == dir {
				n++
			}
		}
		d.Skipped = make([]Skip, 0, n)
		for i := range e.rules[:end] {
			cr := &e.rules[i]
			if cr.rule.Direction != dir {
				continue
			}
			d.Skipped = append(d.Skipped, Skip{Group: e.groups[cr.group].ID, RuleIndex: int(cr.index), Rule: *cr.rule,
				e: e, cr: int32(i), f: f, peer: peer})
		}
	}
	for gi := range e.groups {
		d.Groups = append(d.Groups, e.groupTrace(gi, d, f, peer))
	}
	return d
}

// groupIndex returns the index of group id in e.groups.
func (e *Evaluator) groupIndex(id string) int {
	for gi := range e.groups {
		if e.groups[gi].ID == id {
			return gi
		}
	}
	return -1
}

// groupTrace is what group gi says about the packet that got decision d.
func (e *Evaluator) groupTrace(gi int, d Decision, f flow.Flow, peer netip.Addr) GroupTrace {
	g := &e.groups[gi]
	dir := d.Direction
	gt := GroupTrace{Group: g.ID, Name: g.Name, Matched: -1, Closest: -1}
	best, bestMiss := -1, 0
	for ri := range g.Rules {
		if g.Rules[ri].Direction != dir {
			continue
		}
		cr := &e.rules[e.pos[gi][ri]]
		// The count of mismatches without the peer's, which costs most: a
		// rule that misses already cannot match, and cannot be the closest
		// once a rule matched or an earlier one misses no more.
		miss := cr.partMisses(f)
		if miss > 0 && (gt.Matched >= 0 || (best >= 0 && miss >= bestMiss)) {
			continue
		}
		if !cr.peer.match(peer, e.refs) {
			miss++
		}
		if miss == 0 {
			if gt.Matched < 0 || e.pos[gi][ri] < e.pos[gi][gt.Matched] {
				gt.Matched = ri
			}
			continue
		}
		if best < 0 || miss < bestMiss {
			best, bestMiss = ri, miss
		}
	}
	var why []string
	if gt.Matched < 0 && best >= 0 {
		e.mismatches(&e.rules[e.pos[gi][best]], f, peer, &why)
	}
	switch {
	case gt.Matched >= 0:
		gt.Reason = "rule " + g.Rules[gt.Matched].Label(gt.Matched)
	case best >= 0:
		gt.Closest = best
		gt.Reason = fmt.Sprintf("no rule matches %s: closest rule %s (%s)", f.Traffic()+" "+peerWord(dir)+" "+peer.String(), g.Rules[best].Label(best), strings.Join(why, "; "))
	default:
		gt.Reason = fmt.Sprintf("no %s rules", dir)
	}
	if g.Flavour == AWS && gt.Matched < 0 && best >= 0 {
		gt.Reason = strings.Replace(gt.Reason, "no rule matches", "no rule allows", 1)
	}
	if g.Flavour == AlibabaBasic && d.Basis == InnerAccept && d.Group == g.ID {
		gt.Reason = "the peer is a member: inner access policy accept lets members reach each other, whatever the rules say"
	}
	return gt
}

func peerWord(dir flow.Direction) string {
	if dir == flow.Inbound {
		return "from"
	}
	return "to"
}

// mismatches counts the parts of rule cr that do not match the packet; 0
// means it matches. When why is not nil it also appends a phrase per
// mismatching part. It is the readable twin of Evaluate's matching, kept in
// step with it by the randomized tests.
func (e *Evaluator) mismatches(cr *compiledRule, f flow.Flow, peer netip.Addr, why *[]string) int {
	r := cr.rule
	n := 0
	// miss records one mismatching part; the phrase is only built when
	// asked for, so counting stays free of allocations.
	miss := func(phrase func() string) {
		n++
		if why != nil {
			*why = append(*why, phrase())
		}
	}
	if !r.Protocol.Matches(f.Protocol) {
		miss(func() string { return fmt.Sprintf("protocol %s is not %s", f.Protocol, r.Protocol) })
	} else {
		switch {
		case r.Protocol.HasPorts():
			if !r.Ports.Contains(f.Dst.Port()) {
				miss(func() string { return fmt.Sprintf("port %d is not in %s", f.Dst.Port(), r.Ports) })
			}
			if !r.anySourcePort() && !r.SourcePorts.Contains(f.Src.Port()) {
				miss(func() string { return fmt.Sprintf("source port %d is not in %s", f.Src.Port(), r.SourcePorts) })
			}
		case r.Protocol.IsICMP():
			if r.ICMPType >= 0 && int(f.ICMPType) != int(r.ICMPType) {
				miss(func() string { return fmt.Sprintf("ICMP type %d is not %d", f.ICMPType, r.ICMPType) })
			}
			if r.ICMPCode >= 0 && int(f.ICMPCode) != int(r.ICMPCode) {
				miss(func() string { return fmt.Sprintf("ICMP code %d is not %d", f.ICMPCode, r.ICMPCode) })
			}
		}
	}
	if !cr.peer.match(peer, e.refs) {
		switch {
		case e.mayBeMember(&cr.peer, peer):
			miss(func() string {
				return fmt.Sprintf("whether %s is a member of %s is unknown: the input does not hold the group", peer, r.Peer.Group)
			})
		case r.Peer.Kind == PeerGroup:
			miss(func() string { return fmt.Sprintf("%s is not a member of %s", peer, r.Peer.Group) })
		case r.Peer.Kind == PeerPrefixList:
			miss(func() string { return fmt.Sprintf("%s is in no CIDR of %s", peer, r.Peer.PrefixList) })
		default:
			miss(func() string { return fmt.Sprintf("%s is not in %s", peer, r.Peer.CIDR) })
		}
	}
	return n
}

// partMisses counts the parts of cr other than its peer that do not match
// f: what [Evaluator.mismatches] counts before the peer, without phrases.
func (cr *compiledRule) partMisses(f flow.Flow) int {
	r := cr.rule
	if !r.Protocol.Matches(f.Protocol) {
		return 1
	}
	n := 0
	switch {
	case r.Protocol.HasPorts():
		if !r.Ports.Contains(f.Dst.Port()) {
			n++
		}
		if !r.anySourcePort() && !r.SourcePorts.Contains(f.Src.Port()) {
			n++
		}
	case r.Protocol.IsICMP():
		if r.ICMPType >= 0 && int(f.ICMPType) != int(r.ICMPType) {
			n++
		}
		if r.ICMPCode >= 0 && int(f.ICMPCode) != int(r.ICMPCode) {
			n++
		}
	}
	return n
}

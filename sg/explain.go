package sg

import (
	"encoding/json"
	"net/netip"
	"strconv"
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
	var b strings.Builder
	s.e.writeMismatches(&b, &s.e.rules[s.cr], s.f, s.peer)
	return b.String()
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
	if e != nil && e.spanOf != nil {
		return e.explainSpan(f, dir, skipped) // span.go
	}
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
			d.Skipped = append(d.Skipped, Skip{Group: e.group(int(cr.group)).ID, RuleIndex: int(cr.index), Rule: *cr.rule,
				e: e, cr: int32(i), f: f, peer: peer})
		}
	}
	for gi := range e.codes {
		d.Groups = append(d.Groups, e.groupTrace(gi, d, f, peer))
	}
	return d
}

// groupIndex returns the index of group id among e's groups, -1 if none.
func (e *Evaluator) groupIndex(id string) int {
	for gi := range e.codes {
		if e.group(gi).ID == id {
			return gi
		}
	}
	return -1
}

// groupTrace is what group gi says about the packet that got decision d.
func (e *Evaluator) groupTrace(gi int, d Decision, f flow.Flow, peer netip.Addr) GroupTrace {
	g := e.group(gi)
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
	switch {
	case gt.Matched >= 0:
		gt.Reason = "rule " + g.Rules[gt.Matched].Label(gt.Matched)
	case best >= 0:
		gt.Closest = best
		gt.Reason = e.closestReason(gi, best, f, dir, peer)
	default:
		gt.Reason = "no " + dir.String() + " rules"
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

// closestReason is the reason of group g when its rule best came closest
// to the packet without matching: "no rule allows tcp/80 from 10.0.0.5:
// closest rule sgr-2 allows tcp/22 from 10.0.0.0/16 (port 80 is not in
// 22)" ("no rule matches" for Alibaba groups, which also drop).
func (e *Evaluator) closestReason(gi, best int, f flow.Flow, dir flow.Direction, peer netip.Addr) string {
	g := e.group(gi)
	var b strings.Builder
	b.Grow(192)
	if g.Flavour == AWS {
		b.WriteString("no rule allows ")
	} else {
		b.WriteString("no rule matches ")
	}
	b.WriteString(f.Traffic())
	b.WriteByte(' ')
	b.WriteString(peerWord(dir))
	b.WriteByte(' ')
	b.WriteString(peer.String())
	b.WriteString(": closest rule ")
	b.WriteString(g.Rules[best].Label(best))
	b.WriteString(" (")
	e.writeMismatches(&b, &e.rules[e.pos[gi][best]], f, peer)
	b.WriteByte(')')
	return b.String()
}

// writeMismatches writes to b a phrase per part of rule cr that does not
// match the packet, joined by "; ": "port 80 is not in 22; 10.0.0.5 is
// not in 10.1.0.0/16". It is the readable twin of Evaluate's matching,
// kept in step with it by the randomized tests (a phrase per mismatch
// that [compiledRule.partMisses] and the peer match count).
func (e *Evaluator) writeMismatches(b *strings.Builder, cr *compiledRule, f flow.Flow, peer netip.Addr) {
	r := cr.rule
	first := true
	// next separates a phrase from the one before it.
	next := func() {
		if !first {
			b.WriteString("; ")
		}
		first = false
	}
	itoa := func(n int) { b.WriteString(strconv.Itoa(n)) }
	if !r.Protocol.Matches(f.Protocol) {
		next()
		b.WriteString("protocol ")
		b.WriteString(f.Protocol.String())
		b.WriteString(" is not ")
		b.WriteString(r.Protocol.String())
	} else {
		switch {
		case r.Protocol.HasPorts():
			if !r.Ports.Contains(f.Dst.Port()) {
				next()
				b.WriteString("port ")
				itoa(int(f.Dst.Port()))
				b.WriteString(" is not in ")
				b.WriteString(r.Ports.String())
			}
			if !r.anySourcePort() && !r.SourcePorts.Contains(f.Src.Port()) {
				next()
				b.WriteString("source port ")
				itoa(int(f.Src.Port()))
				b.WriteString(" is not in ")
				b.WriteString(r.SourcePorts.String())
			}
		case r.Protocol.IsICMP():
			if r.ICMPType >= 0 && int(f.ICMPType) != int(r.ICMPType) {
				next()
				b.WriteString("ICMP type ")
				itoa(int(f.ICMPType))
				b.WriteString(" is not ")
				itoa(int(r.ICMPType))
			}
			if r.ICMPCode >= 0 && int(f.ICMPCode) != int(r.ICMPCode) {
				next()
				b.WriteString("ICMP code ")
				itoa(int(f.ICMPCode))
				b.WriteString(" is not ")
				itoa(int(r.ICMPCode))
			}
		}
	}
	if cr.peer.match(peer, e.refs) {
		return
	}
	next()
	switch {
	case e.mayBeMember(&cr.peer, peer) && r.Peer.Kind == PeerPrefixList:
		b.WriteString("whether ")
		b.WriteString(peer.String())
		b.WriteString(" is in ")
		b.WriteString(r.Peer.PrefixList)
		b.WriteString(" is unknown: the input does not hold the list's entries")
	case e.mayBeMember(&cr.peer, peer):
		b.WriteString("whether ")
		b.WriteString(peer.String())
		b.WriteString(" is a member of ")
		b.WriteString(r.Peer.Group)
		if u := e.unknown[cr.peer.ref]; len(u.Members) > 0 {
			b.WriteString(" is unknown: the input holds only some of its members")
		} else {
			b.WriteString(" is unknown: the input does not hold the group")
		}
	case r.Peer.Kind == PeerPrefixList && cr.peer.peerBlock != nil && cr.peer.listMatch != nil && cr.peer.unknown:
		// a list of one family, whose entries are unknown, and a peer of
		// the other
		fam := FamilyIPv4
		if cr.peer.has6 {
			fam = FamilyIPv6
		}
		b.WriteString(peer.String())
		b.WriteString(" is not in ")
		b.WriteString(r.Peer.PrefixList)
		b.WriteString(", which holds ")
		b.WriteString(fam)
		b.WriteString(" blocks only")
	case r.Peer.Kind == PeerGroup:
		b.WriteString(peer.String())
		b.WriteString(" is not a member of ")
		b.WriteString(r.Peer.Group)
	case r.Peer.Kind == PeerPrefixList:
		b.WriteString(peer.String())
		b.WriteString(" is in no CIDR of ")
		b.WriteString(r.Peer.PrefixList)
	default:
		b.WriteString(peer.String())
		b.WriteString(" is not in ")
		b.WriteString(r.Peer.CIDR.String())
	}
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

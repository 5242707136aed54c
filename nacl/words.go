package nacl

import (
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Words is what [Evaluator.Explain]'s decision says in words, for a
// trace: Reason is the decision's String, Rule its deciding entry's
// String, and Skipped the String of every [Skip] Explain lists, in
// order. [Evaluator.ExplainWords] builds them from words the Evaluator
// prepared at [Compile], in one buffer, at a fraction of the cost of
// Explain and the Strings.
type Words struct {
	Reason  string
	Rule    string
	Skipped []string
}

// entryWords is an entry's words, prepared at Compile: all but the
// packet's own values, which [Evaluator.ExplainWords] writes per call.
type entryWords struct {
	lead   string // "100: ", the label of a skipped entry's line
	proto  string // the entry's protocol
	ports  string // the entry's ports, for an entry that uses them
	cidr   string // the entry's CIDR
	rule   string // Entry.String
	reason string // the String of a decision this entry makes
}

// wordsOf prepares en's words in the ACL named id.
func wordsOf(en Entry, id string) entryWords {
	d := Decision{Verdict: en.Action.Verdict(), ACL: id, Entry: en}
	w := entryWords{lead: en.Label() + ": ", proto: en.Protocol.String(), cidr: en.CIDR.String(), rule: en.String(), reason: d.String()}
	if en.UsesPorts() {
		w.ports = en.Ports.String()
	}
	return w
}

// prepareWords fills the words of every chain and of the "*" rules.
func (e *Evaluator) prepareWords() {
	for dir := range e.lists {
		for fam := range e.lists[dir] {
			c := &e.lists[dir][fam]
			c.words = make([]entryWords, len(c.entries))
			for i, en := range c.entries {
				c.words[i] = wordsOf(en, e.acl.ID)
			}
			def := DefaultRule(flow.Direction(dir), fam == 1)
			d := Decision{Verdict: flow.Deny, Action: flow.Drop, ACL: e.acl.ID, Entry: def, Default: true}
			c.def = entryWords{rule: def.String(), reason: d.String()}
		}
	}
}

// VerdictWords is [Evaluator.DecisionWords] reduced to [Evaluator.Verdict]'s
// answer and the words: for a trace that keeps no Decision, with no copy
// of the deciding entry. A nil Evaluator allows, in the words of its
// decision.
func (e *Evaluator) VerdictWords(f flow.Flow, dir flow.Direction) (v flow.Verdict, isDefault bool, w Words) {
	if e == nil {
		return flow.Allow, false, Words{Reason: noACL.String(), Rule: noACL.Entry.String()}
	}
	c, p, _, valid := e.prepare(f, dir)
	if valid {
		if i := c.first(&p); i >= 0 {
			return c.entries[i].Action.Verdict(), false, Words{Reason: c.words[i].reason, Rule: c.words[i].rule}
		}
	}
	return flow.Deny, true, Words{Reason: c.def.reason, Rule: c.def.rule}
}

// ExplainWords is [Evaluator.Explain] in words: the same decision (its
// Skipped left nil) and the texts Explain's decision gives (see [Words]),
// byte for byte. A nil Evaluator gives the words of its decision and no
// skipped entry.
func (e *Evaluator) ExplainWords(f flow.Flow, dir flow.Direction) (Decision, Words) {
	return e.words(f, dir, true)
}

// DecisionWords is [Evaluator.ExplainWords] without Skipped: the decision
// of [Evaluator.Evaluate] with its Reason and Rule in words, which the
// Evaluator prepared at [Compile], so it costs little more than Evaluate.
// A trace that words the entries passed over only when it is read calls
// ExplainWords then.
func (e *Evaluator) DecisionWords(f flow.Flow, dir flow.Direction) (Decision, Words) {
	return e.words(f, dir, false)
}

// words is ExplainWords, with Skipped filled only when skipped is set.
func (e *Evaluator) words(f flow.Flow, dir flow.Direction, skipped bool) (Decision, Words) {
	if e == nil {
		return noACL, Words{Reason: noACL.String(), Rule: noACL.Entry.String()}
	}
	c, p, is6, valid := e.prepare(f, dir)
	i := -1
	if valid {
		i = c.first(&p)
	}
	d := e.decide(c, i, dir, is6)
	n, w := i, &c.def
	if i >= 0 {
		w = &c.words[i]
	} else {
		n = len(c.entries)
	}
	out := Words{Reason: w.reason, Rule: w.rule}
	if skipped && n > 0 {
		out.Skipped = c.skipped(n, f, dir)
	}
	return d, out
}

// skipped writes the lines of the first n entries of c, which f does not
// match in dir, into one buffer and returns them as slices of it.
func (c *chain) skipped(n int, f flow.Flow, dir flow.Direction) []string {
	side, addr := "source ", f.Src.Addr()
	if dir == flow.Outbound {
		side, addr = "destination ", f.Dst.Addr()
	}
	var scratch [8]byte
	port := strconv.AppendUint(scratch[:0], uint64(f.Dst.Port()), 10)
	var proto, addrText string // written when first needed
	var room [64]int
	ends := room[:0]
	var b strings.Builder
	b.Grow(n * 40)
	for j := range n {
		en, w := &c.entries[j], &c.words[j]
		b.WriteString(w.lead)
		switch {
		case !en.Protocol.Matches(f.Protocol):
			if proto == "" {
				proto = textsafe.String(f.Protocol.String())
			}
			b.WriteString("protocol ")
			b.WriteString(proto)
			b.WriteString(" ≠ ")
			b.WriteString(w.proto)
		case en.UsesPorts() && !en.Ports.Contains(f.Dst.Port()):
			b.WriteString("port ")
			b.Write(port)
			if en.Ports.Lo == en.Ports.Hi {
				b.WriteString(" ≠ ")
			} else {
				b.WriteString(" not in ")
			}
			b.WriteString(w.ports)
		case en.UsesICMP() && en.ICMPType >= 0 && en.ICMPType != int16(f.ICMPType):
			b.WriteString(w.proto)
			b.WriteString(" type ")
			b.WriteString(strconv.Itoa(int(f.ICMPType)))
			b.WriteString(" ≠ ")
			b.WriteString(strconv.Itoa(int(en.ICMPType)))
		case en.UsesICMP() && en.ICMPCode >= 0 && en.ICMPCode != int16(f.ICMPCode):
			b.WriteString(w.proto)
			b.WriteString(" code ")
			b.WriteString(strconv.Itoa(int(f.ICMPCode)))
			b.WriteString(" ≠ ")
			b.WriteString(strconv.Itoa(int(en.ICMPCode)))
		default:
			if addrText == "" {
				addrText = textsafe.String(addr.String())
			}
			b.WriteString(side)
			b.WriteString(addrText)
			b.WriteString(" not in ")
			b.WriteString(w.cidr)
		}
		ends = append(ends, b.Len())
	}
	s := b.String()
	lines := make([]string, n)
	start := 0
	for j, end := range ends {
		lines[j], start = s[start:end], end
	}
	return lines
}

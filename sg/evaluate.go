package sg

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Basis says what decided a [Decision]: a rule, or one of the implicit
// behaviours of the flavour.
type Basis uint8

// The bases of a decision.
const (
	// ByRule: the rule in Decision.Rule decided.
	ByRule Basis = iota
	// NoRuleAllows: AWS, no rule of any group allows the packet (default deny).
	NoRuleAllows
	// DefaultDeny: Alibaba, no rule matched and the default denies
	// (inbound always; outbound in enterprise groups).
	DefaultDeny
	// DefaultAccept: Alibaba basic groups, no rule matched an outbound
	// packet, and basic groups let outbound traffic out by default.
	DefaultAccept
	// InnerAccept: Alibaba basic group, the peer is a member of a group the
	// interface shares with it whose inner access policy is Accept; that
	// policy wins over every rule.
	InnerAccept
	// InnerIsolation: Alibaba basic groups, an inbound packet from a
	// member of a group whose inner access policy is Drop, and no rule
	// matched: isolation withdraws the implicit inbound authorisation of
	// members, so the packet is denied. It has the lowest priority, and
	// touches no outbound packet: a basic group's default lets those out
	// ([DefaultAccept]).
	InnerIsolation
	// NoFilter: a nil Evaluator, no security groups at all; the packet
	// passes.
	NoFilter
	// UnknownMember: AWS, no rule allows the packet for certain, but the
	// rule in Decision.Rule would if the peer were a member of the group it
	// references, whose members the input does not hold
	// ([UnknownMembers]): the verdict is [flow.Indeterminate].
	UnknownMember
	// UnknownEntry: AWS, no rule allows the packet for certain, but the
	// rule in Decision.Rule would if the peer were in the prefix list it
	// references, whose entries the input does not hold
	// ([UnknownEntries]): the verdict is [flow.Indeterminate].
	UnknownEntry
	// EitherDiffers: an evaluator made with [Evaluator.Either] judged the
	// packet, and its two views of the groups decide it differently: the
	// verdict is [flow.Indeterminate]. No rule or group is named.
	EitherDiffers
	// SourcePortDiffers: an evaluator made with
	// [Evaluator.OverSourcePorts] judged the packet, and the ports of its
	// span decide it differently (rules naming source ports): the verdict
	// is [flow.Indeterminate]. No rule or group is named.
	SourcePortDiffers
)

var basisNames = [...]string{
	ByRule:         "rule",
	NoRuleAllows:   "no-rule-allows",
	DefaultDeny:    "default-deny",
	DefaultAccept:  "default-accept",
	InnerAccept:    "inner-accept",
	InnerIsolation: "inner-isolation",
	NoFilter:       "no-filter",
	UnknownMember:  "unknown-member",
	UnknownEntry:   "unknown-entry",
	EitherDiffers:  "either-differs",

	SourcePortDiffers: "source-port-differs",
}

// String returns a short kebab-case name, as in JSON.
func (b Basis) String() string {
	if int(b) < len(basisNames) {
		return basisNames[b]
	}
	return "Basis(" + strconv.Itoa(int(b)) + ")"
}

// MarshalText implements [encoding.TextMarshaler].
func (b Basis) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// Decision is the outcome of one packet, in one direction, against all the
// security groups of one network interface. [Evaluator.Evaluate] and
// [Evaluator.Explain] return the same Decision; only Explain fills Skipped
// and Groups.
type Decision struct {
	// Verdict is flow.Allow or flow.Deny; flow.Indeterminate when the
	// answer depends on the members of a group the input does not hold
	// (Basis [UnknownMember]), on the entries of a prefix list it does
	// not hold (Basis [UnknownEntry]), or on which of an
	// [Evaluator.Either]'s two views applies (Basis [EitherDiffers]).
	Verdict flow.Verdict
	// Action is the deciding rule's action (flow.Pass or flow.Drop); when a
	// default or an inner access policy decided, flow.Pass if it lets the
	// packet through and flow.Drop if not; unset (0) when the verdict is
	// indeterminate.
	Action    flow.Action
	Direction flow.Direction
	Basis     Basis
	// Default reports that no rule matched and an implicit behaviour of the
	// flavour decided: Basis NoRuleAllows, DefaultDeny, DefaultAccept or
	// InnerIsolation. (InnerAccept decides before any rule is read; it is
	// not a default.)
	Default bool
	// Group is the ID of the group whose rule (or inner policy) decided; ""
	// when a default that belongs to no single group decided. With Basis
	// UnknownMember or UnknownEntry, the group of the rule that could
	// decide.
	Group string
	// RuleIndex is the deciding rule's index in that group's Rules, -1 when
	// Basis is not ByRule, UnknownMember or UnknownEntry.
	RuleIndex int
	// Rule is a copy of the deciding rule (zero when Basis is not ByRule,
	// UnknownMember or UnknownEntry): with UnknownMember or
	// UnknownEntry, the first rule, in decision order, that would allow
	// the packet if the peer were a member of the group it references, or
	// in the prefix list it references.
	Rule Rule
	// Skipped lists, for Explain only, the rules of the packet's direction
	// that come before the deciding one in decision order (all of them
	// when no rule decided), each with why it does not match.
	Skipped []Skip
	// Groups holds, for Explain only, what each group says about the
	// packet, in the order the groups were given.
	Groups []GroupTrace
}

// Allowed reports whether the packet passes.
func (d Decision) Allowed() bool { return d.Verdict == flow.Allow }

// RuleLabel names the rule that decided d, as e's [Evaluator.Evaluate]
// returned it, the way a trace does: the group's ID and the rule's
// sentence ([Rule.Label]), "sg-web sgr-1 allows tcp/22 from 10.0.0.0/8";
// "" when no rule decided (Basis other than ByRule, UnknownMember and
// UnknownEntry).
// The words are prepared once per group, at the first call that needs
// them, and shared by the evaluators compiled through one
// [CachingResolver].
func (e *Evaluator) RuleLabel(d Decision) string {
	if d.Basis != ByRule && d.Basis != UnknownMember && d.Basis != UnknownEntry {
		return ""
	}
	if e != nil {
		// the group by its ID, and the rule checked: d may come from
		// another evaluator
		if gi := e.groupIndex(d.Group); gi >= 0 && d.RuleIndex >= 0 && d.RuleIndex < len(e.group(gi).Rules) && e.group(gi).Rules[d.RuleIndex] == d.Rule {
			return e.codes[gi].label(d.RuleIndex)
		}
	}
	return d.Group + " " + d.Rule.Label(d.RuleIndex)
}

// String explains the decision in one line, for example
// "allowed by sg-web rule sgr-1 allows tcp/22 from 203.0.113.0/24" or
// "denied: no inbound rule allows it". IDs are escaped for text output
// (internal/textsafe).
func (d Decision) String() string {
	verb := "denied"
	switch d.Verdict {
	case flow.Allow:
		verb = "allowed"
	case flow.Indeterminate:
		verb = "indeterminate"
	}
	switch d.Basis {
	case ByRule:
		return fmt.Sprintf("%s by %s rule %s", verb, textsafe.String(d.Group), d.Rule.Label(d.RuleIndex))
	case NoRuleAllows:
		return fmt.Sprintf("%s: no %s rule allows it", verb, d.Direction)
	case DefaultDeny:
		return fmt.Sprintf("%s: no %s rule matches and the default denies", verb, d.Direction)
	case DefaultAccept:
		return verb + ": no outbound rule matches and basic groups allow outbound traffic by default"
	case InnerAccept:
		return fmt.Sprintf("%s: the peer is a member of %s, whose members reach each other (inner access policy accept)", verb, textsafe.String(d.Group))
	case InnerIsolation:
		return fmt.Sprintf("%s: the peer is a member of %s, whose members are isolated (inner access policy drop), and no inbound rule matches", verb, textsafe.String(d.Group))
	case NoFilter:
		return verb + ": no security groups"
	case UnknownMember:
		return fmt.Sprintf("%s: no %s rule allows it for certain; %s rule %s allows it if the peer is a member of %s, and the input does not say whether it is",
			verb, d.Direction, textsafe.String(d.Group), d.Rule.Label(d.RuleIndex), textsafe.String(d.Rule.Peer.Group))
	case UnknownEntry:
		return fmt.Sprintf("%s: no %s rule allows it for certain; %s rule %s allows it if the peer is in %s, and the input does not hold the list's entries",
			verb, d.Direction, textsafe.String(d.Group), d.Rule.Label(d.RuleIndex), textsafe.String(d.Rule.Peer.PrefixList))
	case EitherDiffers:
		return verb + ": the groups decide it differently with the peer's group memberships and without them, and which applies is not known"
	case SourcePortDiffers:
		return verb + ": the groups decide it differently for different source ports the packet may carry, and which it carries is not known"
	}
	return verb
}

// peerOf returns the address a rule's peer is compared with: the source of
// an inbound packet, the destination of an outbound one.
func peerOf(f flow.Flow, dir flow.Direction) netip.Addr {
	if dir == flow.Inbound {
		return f.Src.Addr()
	}
	return f.Dst.Addr()
}

// matchTraffic reports whether r's protocol, ports, ICMP type/code and
// source ports cover the packet.
func matchTraffic(r *Rule, f *flow.Flow) bool {
	if !r.Protocol.Matches(f.Protocol) {
		return false
	}
	switch {
	case r.Protocol.HasPorts():
		if !r.Ports.Contains(f.Dst.Port()) {
			return false
		}
		if !r.anySourcePort() && !r.SourcePorts.Contains(f.Src.Port()) {
			return false
		}
	case r.Protocol.IsICMP():
		if r.ICMPType >= 0 && int(f.ICMPType) != int(r.ICMPType) {
			return false
		}
		if r.ICMPCode >= 0 && int(f.ICMPCode) != int(r.ICMPCode) {
			return false
		}
	}
	return true
}

// noFilter is the decision of a nil Evaluator.
func noFilter(dir flow.Direction) Decision {
	return Decision{Verdict: flow.Allow, Action: flow.Pass, Direction: dir, Basis: NoFilter, RuleIndex: -1}
}

// Evaluate decides one packet crossing the interface in direction dir:
// inbound packets are matched on their source, outbound ones on their
// destination. AWS: the first rule (groups in the order given, rules in
// their order) that allows it decides, else it is denied. Alibaba: inner
// access policy Accept first, then rules by priority with drop winning
// ties, then the group type's defaults (basic groups: an inbound packet
// from a member of an isolated group, inner access policy Drop, is denied
// with Basis InnerIsolation; every other inbound packet is denied, and
// every outbound packet let out). AWS, when only a rule referencing
// a group whose members are unknown ([UnknownMembers]) could allow it:
// flow.Indeterminate, Basis UnknownMember; when it is one referencing a
// prefix list whose entries are unknown ([UnknownEntries]), Basis
// UnknownEntry. It does not allocate. f must be
// valid ([flow.Flow.Validate]); an invalid flow is denied. A nil Evaluator
// passes every packet (Basis NoFilter). An evaluator made with
// [Evaluator.Either] decides as its two views do where they agree, and
// flow.Indeterminate (Basis [EitherDiffers]) where they differ.
func (e *Evaluator) Evaluate(f flow.Flow, dir flow.Direction) Decision {
	if e == nil {
		return noFilter(dir)
	}
	if e.spanOf != nil {
		return e.evaluateSpan(f, dir) // span.go
	}
	if e.either != nil {
		return e.evaluateEither(f, dir)
	}
	d := Decision{Verdict: flow.Deny, Action: flow.Drop, Direction: dir, RuleIndex: -1}
	if dir > flow.Outbound || !f.Protocol.IsConcrete() {
		d.Basis, d.Default = NoRuleAllows, true
		return d
	}
	peer := peerOf(f, dir)
	if e.flavour == AlibabaBasic {
		for i, gi := range e.inner {
			g := e.group(gi)
			if g.InnerAccessDrop {
				continue
			}
			if e.innerMembers[i].has(peer) {
				d.Verdict, d.Action, d.Basis, d.Group = flow.Allow, flow.Pass, InnerAccept, g.ID
				return d
			}
		}
	}
	fam := 0
	if peer.Is6() {
		fam = 1
	}
	maybe := int32(-1) // the first rule that matches if the peer is a member of a group with unknown members
	for _, i := range e.candidates(&f, dir, fam) {
		cr := &e.rules[i]
		if !matchTraffic(cr.rule, &f) {
			continue
		}
		if !cr.peer.match(peer, e.refs) {
			if maybe < 0 && e.mayBeMember(&cr.peer, peer) {
				maybe = i
			}
			continue
		}
		d.Basis, d.Group, d.RuleIndex, d.Rule = ByRule, e.group(int(cr.group)).ID, int(cr.index), *cr.rule
		d.Action, d.Verdict = cr.rule.Action, cr.rule.Action.Verdict()
		return d
	}
	if maybe >= 0 { // AWS only: Compile rejects unknown members elsewhere
		cr := &e.rules[maybe]
		d.Verdict, d.Action, d.Basis = flow.Indeterminate, 0, UnknownMember
		if cr.peer.kind == PeerPrefixList {
			d.Basis = UnknownEntry
		}
		d.Group, d.RuleIndex, d.Rule = e.group(int(cr.group)).ID, int(cr.index), *cr.rule
		return d
	}
	return e.fallback(d, peer)
}

// evaluateEither is Evaluate for an evaluator made with Either.
func (e *Evaluator) evaluateEither(f flow.Flow, dir flow.Direction) Decision {
	d := e.own.Evaluate(f, dir) // own and either hold no either themselves
	if o := e.either.Evaluate(f, dir); o.Verdict != d.Verdict {
		return Decision{Verdict: flow.Indeterminate, Direction: dir, Basis: EitherDiffers, RuleIndex: -1}
	}
	return d
}

// Either returns a view of e for a packet that either e or alt judges,
// the input not saying which: where they decide the packet alike, that
// decision (e's); where they differ, flow.Indeterminate with Basis
// [EitherDiffers]. Its [Evaluator.Bounds] are both views' edges. Package
// reach uses it for Alibaba Cloud groups judging a packet a middlebox
// forwarded: e sees no group member (AWS's rule, which Alibaba does not
// document), alt keeps the members' addresses. alt must be a view of the
// same groups (from [Evaluator.WithMembership]); a nil e or alt returns
// e. [Evaluator.WithMembership] on the result derives from e alone.
func (e *Evaluator) Either(alt *Evaluator) *Evaluator {
	if e == nil || alt == nil {
		return e
	}
	own, x := *e, *alt
	own.either, own.own, x.either, x.own = nil, nil, nil, nil
	cp := own
	cp.either, cp.own = &x, &own
	return &cp
}

// Views returns the views e judges a packet by: for an evaluator made
// with [Evaluator.Either], its own view first and the other second (each
// over the same span for a view of [Evaluator.OverSourcePorts]); e alone
// for any other; nil for a nil e. Package reach reads each view's
// decision to word what must change for both to let a packet through.
func (e *Evaluator) Views() []*Evaluator {
	switch {
	case e == nil:
		return nil
	case e.spanOf != nil && e.spanOf.either != nil:
		return []*Evaluator{e.spanOf.own.OverSourcePorts(e.span), e.spanOf.either.OverSourcePorts(e.span)}
	case e.either != nil:
		return []*Evaluator{e.own, e.either}
	}
	return []*Evaluator{e}
}

// mayBeMember reports whether m is a group reference whose members are
// unknown and a might be one of them, or a prefix list whose entries are
// unknown and that may hold blocks of a's family.
func (e *Evaluator) mayBeMember(m *peerMatcher, a netip.Addr) bool {
	if m.kind == PeerPrefixList {
		return m.peerBlock != nil && m.listMatch != nil && m.unknown && (a.Is6() && m.has6 || !a.Is6() && m.has4)
	}
	if m.kind != PeerGroup || e.unknown == nil {
		return false
	}
	u := e.unknown[m.ref]
	return u != nil && (u.Known == nil || !u.Known(a))
}

// fallback applies the flavour's defaults once no rule matched.
func (e *Evaluator) fallback(d Decision, peer netip.Addr) Decision {
	d.Default = true
	switch e.flavour {
	case AWS:
		d.Basis = NoRuleAllows
	case AlibabaEnterprise:
		d.Basis = DefaultDeny
	case AlibabaBasic:
		if d.Direction == flow.Outbound {
			// isolation withdraws only the inbound authorisation of
			// members; the open outbound default still applies
			d.Verdict, d.Action, d.Basis = flow.Allow, flow.Pass, DefaultAccept
			return d
		}
		for i, gi := range e.inner { // only Drop-policy groups are left to ask
			if e.innerMembers[i].has(peer) {
				d.Basis, d.Group = InnerIsolation, e.group(gi).ID
				return d
			}
		}
		d.Basis = DefaultDeny
	}
	return d
}

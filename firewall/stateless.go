package firewall

import (
	"cmp"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// This file holds the plain data of AWS Network Firewall's stateless
// engine (rules, rule groups, the policy's stateless settings) and their
// validation. The compiled engine is in stateless_engine.go and the JSON
// reader in stateless_json.go.

// StatelessAction is the standard action of a stateless rule or of a
// stateless default action. AWS requires exactly one per rule and per
// default; custom actions come on top and never decide.
//
// The zero value is "no action": [CompileStateless] rejects it, so a rule
// or default written in Go without an action fails loudly instead of
// silently passing or dropping traffic.
type StatelessAction uint8

// The standard stateless actions.
const (
	// StatelessPass ("aws:pass") stops all inspection and delivers the
	// packet: the stateful engine never sees it.
	StatelessPass StatelessAction = iota + 1
	// StatelessDrop ("aws:drop") stops all inspection and drops the packet.
	StatelessDrop
	// StatelessForward ("aws:forward_to_sfe") stops stateless inspection
	// and hands the packet to the stateful engine.
	StatelessForward
)

var statelessActionNames = [...]string{
	StatelessPass:    "aws:pass",
	StatelessDrop:    "aws:drop",
	StatelessForward: "aws:forward_to_sfe",
}

// IsValid reports whether a is one of the three standard actions.
func (a StatelessAction) IsValid() bool { return a >= StatelessPass && a <= StatelessForward }

// String returns the AWS name: "aws:pass", "aws:drop" or
// "aws:forward_to_sfe"; "StatelessAction(0)" for the zero value.
func (a StatelessAction) String() string {
	if a.IsValid() {
		return statelessActionNames[a]
	}
	return "StatelessAction(" + strconv.Itoa(int(a)) + ")"
}

// verb is how a decision reads: "pass", "drop", "forward to stateful engine".
func (a StatelessAction) verb() string {
	switch a {
	case StatelessPass:
		return "pass"
	case StatelessDrop:
		return "drop"
	case StatelessForward:
		return "forward to stateful engine"
	}
	return a.String()
}

// ParseStatelessAction reads a standard action as AWS writes it:
// "aws:pass", "aws:drop" or "aws:forward_to_sfe" (exactly, as the API
// does). Errors wrap [ErrInvalidRule].
func ParseStatelessAction(s string) (StatelessAction, error) {
	for a, n := range statelessActionNames {
		if n != "" && s == n {
			return StatelessAction(a), nil
		}
	}
	return 0, fmt.Errorf("%w: stateless action %q: want aws:pass, aws:drop or aws:forward_to_sfe", ErrInvalidRule, s)
}

// MarshalText implements [encoding.TextMarshaler] with the AWS name; the
// zero value and other invalid actions are an error.
func (a StatelessAction) MarshalText() ([]byte, error) {
	if !a.IsValid() {
		return nil, fmt.Errorf("%w: stateless action %d is not aws:pass, aws:drop or aws:forward_to_sfe", ErrInvalidRule, uint8(a))
	}
	return []byte(a.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with
// [ParseStatelessAction].
func (a *StatelessAction) UnmarshalText(b []byte) error {
	v, err := ParseStatelessAction(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// slAllFlags is every flag a mask can name.
const slAllFlags TCPFlags = 0xff

// TCPFlagMatch is one element of a stateless rule's TCPFlags: the packet's
// flags named in Masks must be exactly those named in Flags. Flags in
// Masks but not in Flags must be clear; flags outside Masks are not
// examined. An empty Masks means all eight flags, so {Flags: SYN} matches
// a packet whose only flag is SYN. AWS only allows Flags that Masks names
// (when Masks is not empty); [CompileStateless] checks that.
//
// For example {Flags: SYN, Masks: SYN|ACK} matches a SYN but not a
// SYN|ACK, whatever the other flags are.
type TCPFlagMatch struct {
	Flags, Masks TCPFlags
}

// mask returns the flags m examines.
func (m TCPFlagMatch) mask() TCPFlags {
	if m.Masks == 0 {
		return slAllFlags
	}
	return m.Masks
}

// Matches reports whether a packet with flags f satisfies m.
func (m TCPFlagMatch) Matches(f TCPFlags) bool {
	k := m.mask()
	return f&k == m.Flags&k
}

// String prints "FLAGS/MASKS" as "SYN/SYN|ACK"; an empty Masks prints as
// "all" and an empty Flags as "none": "none/RST", "SYN/all".
func (m TCPFlagMatch) String() string {
	masks := "all"
	if m.Masks != 0 {
		masks = m.Masks.String()
	}
	return m.Flags.String() + "/" + masks
}

// StatelessRule is one rule of a stateless rule group. A packet matches
// when it satisfies every attribute that is given; within one list any
// element suffices, and an empty list means any.
//
// Port and flag attributes limit the protocols a rule can match, as
// documented assumptions (semantics F.7): a rule that names SourcePorts or
// DestinationPorts matches only TCP and UDP packets (never ICMP or any
// other protocol, whatever its Protocols say), and a rule that names
// TCPFlags matches only TCP packets. Neither matches a fragment, which
// carries no ports and no TCP header.
type StatelessRule struct {
	// Priority orders the rules of a group, lowest first: 1 to 65535,
	// unique within the group.
	Priority int
	// Sources and Destinations are CIDR blocks, IPv4 or IPv6; empty means
	// any. Host bits are ignored (CompileStateless masks them).
	Sources, Destinations []netip.Prefix
	// SourcePorts and DestinationPorts are inclusive port ranges; empty
	// means any. Naming ports limits the rule to TCP and UDP packets.
	SourcePorts, DestinationPorts []flow.PortRange
	// Protocols are IANA protocol numbers, 0 to 255; empty means any.
	// (flow.AllProtocols is not allowed: leave the list empty instead.)
	Protocols []flow.Protocol
	// TCPFlags: a packet matches when any element matches its flags.
	// Naming flags limits the rule to TCP packets.
	TCPFlags []TCPFlagMatch
	// Action is the standard action; required.
	Action StatelessAction
	// CustomActions names custom actions defined in the rule's group. They
	// publish metrics when the rule decides and never change the decision.
	CustomActions []string
}

// Capacity returns the capacity units the rule consumes, by AWS's formula:
// the product, over its six match settings (sources, destinations, source
// ports, destination ports, protocols, TCP flags), of the number of
// elements given, where an empty setting counts 1. A rule with no
// criteria costs 1; one with protocols [6, 17], three sources and two
// destination port ranges costs 2·3·2 = 12. The product saturates instead
// of overflowing.
func (r StatelessRule) Capacity() int {
	n := 1
	for _, k := range [...]int{len(r.Sources), len(r.Destinations), len(r.SourcePorts), len(r.DestinationPorts), len(r.Protocols), len(r.TCPFlags)} {
		if k == 0 {
			continue
		}
		hi, lo := bits.Mul64(uint64(n), uint64(k))
		if hi != 0 || lo > slMaxCapacity {
			return slMaxCapacity
		}
		n = int(lo)
	}
	return n
}

// slMaxCapacity caps Capacity; far above any legal group.
const slMaxCapacity = 1 << 40

// namesPorts reports whether the rule names source or destination ports.
func (r *StatelessRule) namesPorts() bool {
	return len(r.SourcePorts) > 0 || len(r.DestinationPorts) > 0
}

// String prints the rule on one line, attributes that are not given left
// out: "priority 10: aws:pass proto tcp src 10.0.0.0/16 dst 0.0.0.0/0 dport
// 443 flags SYN/SYN|ACK custom MyMetrics". A rule with no attributes prints
// "priority 10: aws:drop any".
func (r StatelessRule) String() string {
	var b strings.Builder
	b.WriteString("priority ")
	b.WriteString(strconv.Itoa(r.Priority))
	b.WriteString(": ")
	b.WriteString(r.Action.String())
	n := b.Len()
	if len(r.Protocols) > 0 {
		b.WriteString(" proto ")
		b.WriteString(slJoin(r.Protocols))
	}
	if len(r.Sources) > 0 {
		b.WriteString(" src ")
		b.WriteString(slJoin(r.Sources))
	}
	if len(r.SourcePorts) > 0 {
		b.WriteString(" sport ")
		b.WriteString(slJoin(r.SourcePorts))
	}
	if len(r.Destinations) > 0 {
		b.WriteString(" dst ")
		b.WriteString(slJoin(r.Destinations))
	}
	if len(r.DestinationPorts) > 0 {
		b.WriteString(" dport ")
		b.WriteString(slJoin(r.DestinationPorts))
	}
	if len(r.TCPFlags) > 0 {
		b.WriteString(" flags ")
		b.WriteString(slJoin(r.TCPFlags))
	}
	if b.Len() == n {
		b.WriteString(" any")
	}
	if len(r.CustomActions) > 0 {
		b.WriteString(" custom ")
		b.WriteString(strings.Join(r.CustomActions, ","))
	}
	return b.String()
}

// slJoin prints the elements of s joined by commas.
func slJoin[T fmt.Stringer](s []T) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = v.String()
	}
	return strings.Join(parts, ",")
}

// CustomAction is a named custom action of a stateless rule group or of a
// firewall policy. AWS has one kind, PublishMetricAction: when a rule or
// default action that names it decides a packet, Network Firewall
// publishes a CloudWatch metric with a dimension "CustomAction" whose
// values are Dimensions. It never changes what happens to the packet.
type CustomAction struct {
	// Name is how rules (or the default actions) refer to it: 1 to 128
	// letters and digits, unique where it is defined.
	Name string
	// Dimensions are the dimension values: at least one, each 1 to 128 of
	// letters, digits, '-', '_' and space.
	Dimensions []string
}

// MaxStatelessCapacity is the largest capacity AWS allows a stateless rule
// group, in capacity units (see [StatelessRule.Capacity]).
const MaxStatelessCapacity = 30000

// StatelessRuleGroup is a stateless rule group: its identity, its declared
// capacity, its rules and the custom actions its rules may name. A group
// does not know where it sits in a policy; [StatelessGroupRef] says that.
type StatelessRuleGroup struct {
	// Name and ARN identify the group; at least one is required. Decisions
	// name the group by Name, or by ARN when it has no name.
	Name, ARN string
	// Capacity is the declared capacity, 1 to MaxStatelessCapacity, which
	// the rules may not exceed; 0 means not declared (only the
	// MaxStatelessCapacity limit is then checked).
	Capacity int
	// Rules in any order; they are evaluated by ascending Priority.
	Rules []StatelessRule
	// CustomActions the rules may name.
	CustomActions []CustomAction
}

// ConsumedCapacity returns the sum of the rules' [StatelessRule.Capacity].
func (g StatelessRuleGroup) ConsumedCapacity() int {
	n := 0
	for _, r := range g.Rules {
		n = min(n+r.Capacity(), slMaxCapacity)
	}
	return n
}

// Label is how decisions and errors name the group: Name, else ARN.
func (g *StatelessRuleGroup) Label() string {
	if g.Name != "" {
		return g.Name
	}
	return g.ARN
}

// StatelessGroupRef places a stateless rule group in a firewall policy.
type StatelessGroupRef struct {
	// Priority orders the policy's stateless groups, lowest first: 1 to
	// 65535, unique within the policy.
	Priority int
	Group    StatelessRuleGroup
}

// StatelessDefault is one of a policy's stateless default actions: a
// standard action plus optional custom actions defined in the policy.
type StatelessDefault struct {
	Action        StatelessAction
	CustomActions []string
}

// StatelessConfig is everything a firewall policy says about the stateless
// engine: the rule groups it references and the default actions for
// packets no rule matches.
type StatelessConfig struct {
	// Groups in any order; evaluated by ascending Priority.
	Groups []StatelessGroupRef
	// Default decides full packets that match no rule (the policy's
	// StatelessDefaultActions); FragmentDefault decides UDP fragments that
	// match no rule (StatelessFragmentDefaultActions). Both are required.
	Default, FragmentDefault StatelessDefault
	// CustomActions are the policy's StatelessCustomActions, which only the
	// two defaults may name.
	CustomActions []CustomAction
}

// Checks of single values, shared by CompileStateless and the readers of
// cloud formats (package aws). Each returns an error wrapping a sentinel;
// the caller adds the location.

// CheckStatelessPriority checks a stateless rule's priority: 1 to 65535.
func CheckStatelessPriority(n int) error { return slCheckPriority(n) }

// CheckStatelessPrefix returns p masked, or why it is not a CIDR block a
// stateless rule can hold.
func CheckStatelessPrefix(p netip.Prefix) (netip.Prefix, error) { return slCheckPrefix(p) }

// CheckPortRange checks that a port range's start is not above its end.
func CheckPortRange(r flow.PortRange) error { return slCheckPorts(r) }

// CheckTCPFlags checks that every flag is among the masks, as AWS requires.
func CheckTCPFlags(m TCPFlagMatch) error { return slCheckFlags(m) }

// CheckActionName checks a custom action's name: 1-128 letters and digits.
// The error wraps sentinel.
func CheckActionName(s string, sentinel error) error { return slCheckActionName(s, sentinel) }

// CheckDimension checks a PublishMetricAction dimension value. The error
// wraps sentinel.
func CheckDimension(s string, sentinel error) error { return slCheckDimension(s, sentinel) }

// Canonical checks g as [CompileStateless] does and returns a deep copy
// whose prefixes are masked and whose rules are sorted by priority.
func (g StatelessRuleGroup) Canonical() (StatelessRuleGroup, error) { return slCanonGroup(g, "") }

func slCheckPriority(n int) error {
	if n < 1 || n > 65535 {
		return fmt.Errorf("%w: priority %d: want 1 to 65535", ErrInvalidRule, n)
	}
	return nil
}

// slCheckPrefix returns p masked, or why it is not a CIDR block a
// stateless rule can hold.
func slCheckPrefix(p netip.Prefix) (netip.Prefix, error) {
	if !p.IsValid() {
		return p, fmt.Errorf("%w: %q is not a CIDR block", ErrInvalidRule, p.String())
	}
	m := p.Masked()
	if m.Addr().Is4In6() {
		return p, fmt.Errorf("%w: %s is an IPv4-mapped IPv6 block, which no packet carries; write the IPv4 block", ErrInvalidRule, p)
	}
	return m, nil
}

func slCheckPorts(r flow.PortRange) error {
	if r.Lo > r.Hi {
		return fmt.Errorf("%w: port range %d-%d: the start is above the end", ErrInvalidRule, r.Lo, r.Hi)
	}
	return nil
}

func slCheckProtocol(p flow.Protocol) error {
	if !p.IsConcrete() {
		return fmt.Errorf("%w: protocol %d: want 0 to 255 (leave Protocols empty for any protocol)", ErrInvalidRule, int(p))
	}
	return nil
}

func slCheckFlags(m TCPFlagMatch) error {
	if m.Masks != 0 && m.Flags&^m.Masks != 0 {
		return fmt.Errorf("%w: TCP flags %s are not all in the masks %s; AWS only allows flags the masks name", ErrInvalidRule, m.Flags, m.Masks)
	}
	return nil
}

// slCheckActionName checks an ActionName: 1-128 letters and digits.
func slCheckActionName(s string, sentinel error) error {
	if s == "" || len(s) > 128 || strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
	}) >= 0 {
		return fmt.Errorf("%w: custom action name %q: want 1 to 128 letters and digits", sentinel, s)
	}
	return nil
}

// slCheckDimension checks a PublishMetricAction dimension value.
func slCheckDimension(s string, sentinel error) error {
	if s == "" || len(s) > 128 || strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ' ')
	}) >= 0 {
		return fmt.Errorf("%w: dimension value %q: want 1 to 128 letters, digits, '-', '_' or spaces", sentinel, s)
	}
	return nil
}

// slInputErr builds the *flow.InputError the stateless checks return.
func slInputErr(path, resource, rule, text string, err error) error {
	return &flow.InputError{Path: path, Resource: resource, Rule: rule, Text: text, Err: err}
}

func slIndex(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// slCheckCustomActions checks a list of custom action definitions at path
// and returns their names.
func slCheckCustomActions(cas []CustomAction, path, resource string, sentinel error) (map[string]bool, error) {
	names := make(map[string]bool, len(cas))
	for i, ca := range cas {
		p := slIndex(path, i)
		if err := slCheckActionName(ca.Name, sentinel); err != nil {
			return nil, slInputErr(p+".Name", resource, "", ca.Name, err)
		}
		if names[ca.Name] {
			return nil, slInputErr(p+".Name", resource, "", ca.Name, fmt.Errorf("%w: custom action %s is defined twice", sentinel, ca.Name))
		}
		names[ca.Name] = true
		if len(ca.Dimensions) == 0 {
			return nil, slInputErr(p+".Dimensions", resource, "", ca.Name, fmt.Errorf("%w: custom action %s publishes no dimension; give at least one", sentinel, ca.Name))
		}
		for j, d := range ca.Dimensions {
			if err := slCheckDimension(d, sentinel); err != nil {
				return nil, slInputErr(slIndex(p+".Dimensions", j), resource, "", d, err)
			}
		}
	}
	return names, nil
}

// slCanonGroup checks g and returns a deep copy whose prefixes are
// masked and whose rules are sorted by priority. path is the Go path of the
// group ("Groups[1]") that errors start with; errors are *flow.InputError
// naming the group (Resource) and the rule priority (Rule).
func slCanonGroup(g StatelessRuleGroup, path string) (StatelessRuleGroup, error) {
	join := func(field string) string {
		if path == "" {
			return field
		}
		return path + "." + field
	}
	res := g.Label()
	if res == "" {
		return g, slInputErr(join("Name"), "", "", "", fmt.Errorf("%w: a stateless rule group needs a Name or an ARN", ErrInvalidGroup))
	}
	out := StatelessRuleGroup{Name: g.Name, ARN: g.ARN, Capacity: g.Capacity, Rules: make([]StatelessRule, len(g.Rules))}
	names, err := slCheckCustomActions(g.CustomActions, join("CustomActions"), res, ErrInvalidGroup)
	if err != nil {
		return g, err
	}
	for _, ca := range g.CustomActions {
		out.CustomActions = append(out.CustomActions, CustomAction{Name: ca.Name, Dimensions: slices.Clone(ca.Dimensions)})
	}
	seen := make(map[int]int, len(g.Rules))
	for i, r := range g.Rules {
		rp := slIndex(join("Rules"), i)
		rule := strconv.Itoa(r.Priority)
		fail := func(field, text string, err error) (StatelessRuleGroup, error) {
			return g, slInputErr(rp+"."+field, res, rule, text, err)
		}
		if err := slCheckPriority(r.Priority); err != nil {
			return fail("Priority", rule, err)
		}
		if j, dup := seen[r.Priority]; dup {
			return fail("Priority", rule, fmt.Errorf("%w: priority %d is used by Rules[%d] and Rules[%d]; priorities must be unique within a group", ErrInvalidGroup, r.Priority, j, i))
		}
		seen[r.Priority] = i
		c := StatelessRule{Priority: r.Priority, Action: r.Action}
		for _, side := range [...]struct {
			name string
			in   []netip.Prefix
			out  *[]netip.Prefix
		}{{"Sources", r.Sources, &c.Sources}, {"Destinations", r.Destinations, &c.Destinations}} {
			for j, p := range side.in {
				m, err := slCheckPrefix(p)
				if err != nil {
					return fail(slIndex(side.name, j), p.String(), err)
				}
				*side.out = append(*side.out, m)
			}
		}
		for _, side := range [...]struct {
			name string
			in   []flow.PortRange
			out  *[]flow.PortRange
		}{{"SourcePorts", r.SourcePorts, &c.SourcePorts}, {"DestinationPorts", r.DestinationPorts, &c.DestinationPorts}} {
			for j, pr := range side.in {
				if err := slCheckPorts(pr); err != nil {
					return fail(slIndex(side.name, j), strconv.Itoa(int(pr.Lo))+"-"+strconv.Itoa(int(pr.Hi)), err)
				}
			}
			*side.out = slices.Clone(side.in)
		}
		for j, p := range r.Protocols {
			if err := slCheckProtocol(p); err != nil {
				return fail(slIndex("Protocols", j), strconv.Itoa(int(p)), err)
			}
		}
		c.Protocols = slices.Clone(r.Protocols)
		for j, m := range r.TCPFlags {
			if err := slCheckFlags(m); err != nil {
				return fail(slIndex("TCPFlags", j), m.String(), err)
			}
		}
		c.TCPFlags = slices.Clone(r.TCPFlags)
		if !r.Action.IsValid() {
			return fail("Action", r.Action.String(), fmt.Errorf("%w: a stateless rule needs exactly one standard action: aws:pass, aws:drop or aws:forward_to_sfe", ErrInvalidRule))
		}
		for j, n := range r.CustomActions {
			if !names[n] {
				return fail(slIndex("CustomActions", j), n, fmt.Errorf("%w: custom action %q is not defined in the group's CustomActions", ErrInvalidGroup, n))
			}
		}
		c.CustomActions = slices.Clone(r.CustomActions)
		out.Rules[i] = c
	}
	consumed := out.ConsumedCapacity()
	switch {
	case g.Capacity < 0 || g.Capacity > MaxStatelessCapacity:
		return g, slInputErr(join("Capacity"), res, "", strconv.Itoa(g.Capacity), fmt.Errorf("%w: capacity %d: want 1 to %d (or 0 for undeclared)", ErrInvalidGroup, g.Capacity, MaxStatelessCapacity))
	case consumed > MaxStatelessCapacity:
		return g, slInputErr(join("Rules"), res, "", strconv.Itoa(consumed), fmt.Errorf("%w: the rules consume %d capacity units, above AWS's limit of %d per stateless group", ErrInvalidGroup, consumed, MaxStatelessCapacity))
	case g.Capacity > 0 && consumed > g.Capacity:
		return g, slInputErr(join("Rules"), res, "", strconv.Itoa(consumed), fmt.Errorf("%w: the rules consume %d capacity units, above the group's capacity of %d", ErrInvalidGroup, consumed, g.Capacity))
	}
	slices.SortFunc(out.Rules, func(a, b StatelessRule) int { return cmp.Compare(a.Priority, b.Priority) })
	return out, nil
}

// slCanonConfig checks cfg and returns a deep copy with the groups
// sorted by priority and each group canonical (see slCanonGroup).
func slCanonConfig(cfg StatelessConfig) (StatelessConfig, error) {
	names, err := slCheckCustomActions(cfg.CustomActions, "CustomActions", "", ErrInvalidPolicy)
	if err != nil {
		return cfg, err
	}
	out := StatelessConfig{Groups: make([]StatelessGroupRef, len(cfg.Groups))}
	for _, ca := range cfg.CustomActions {
		out.CustomActions = append(out.CustomActions, CustomAction{Name: ca.Name, Dimensions: slices.Clone(ca.Dimensions)})
	}
	for _, d := range [...]struct {
		name string
		in   StatelessDefault
		out  *StatelessDefault
	}{{"Default", cfg.Default, &out.Default}, {"FragmentDefault", cfg.FragmentDefault, &out.FragmentDefault}} {
		if !d.in.Action.IsValid() {
			return cfg, slInputErr(d.name+".Action", "", "", d.in.Action.String(), fmt.Errorf("%w: the stateless %s action needs exactly one standard action: aws:pass, aws:drop or aws:forward_to_sfe", ErrInvalidPolicy, slDefaultWord(d.name)))
		}
		for j, n := range d.in.CustomActions {
			if !names[n] {
				return cfg, slInputErr(slIndex(d.name+".CustomActions", j), "", "", n, fmt.Errorf("%w: custom action %q is not defined in the policy's CustomActions", ErrInvalidPolicy, n))
			}
		}
		*d.out = StatelessDefault{Action: d.in.Action, CustomActions: slices.Clone(d.in.CustomActions)}
	}
	prio := map[int]int{}
	ids := map[string]int{}
	for i, ref := range cfg.Groups {
		p := slIndex("Groups", i)
		g, err := slCanonGroup(ref.Group, p)
		if err != nil {
			return cfg, err
		}
		res := g.Label()
		if slCheckPriority(ref.Priority) != nil {
			return cfg, slInputErr(p+".Priority", res, "", strconv.Itoa(ref.Priority), fmt.Errorf("%w: group priority %d: want 1 to 65535", ErrInvalidPolicy, ref.Priority))
		}
		if j, dup := prio[ref.Priority]; dup {
			return cfg, slInputErr(p+".Priority", res, "", strconv.Itoa(ref.Priority), fmt.Errorf("%w: priority %d is used by Groups[%d] and Groups[%d]; group priorities must be unique within a policy", ErrInvalidPolicy, ref.Priority, j, i))
		}
		prio[ref.Priority] = i
		id := g.ARN
		if id == "" {
			id = g.Name
		}
		if j, dup := ids[id]; dup {
			return cfg, slInputErr(p+".Group", res, "", id, fmt.Errorf("%w: rule group %s is referenced twice, by Groups[%d] and Groups[%d]", ErrInvalidPolicy, id, j, i))
		}
		ids[id] = i
		out.Groups[i] = StatelessGroupRef{Priority: ref.Priority, Group: g}
	}
	slices.SortFunc(out.Groups, func(a, b StatelessGroupRef) int { return cmp.Compare(a.Priority, b.Priority) })
	return out, nil
}

func slDefaultWord(field string) string {
	if field == "FragmentDefault" {
		return "fragment default"
	}
	return "default"
}

package stateless

import (
	"cmp"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// This file holds the plain data of AWS Network Firewall's stateless
// engine (rules, rule groups, the policy's stateless settings) and their
// validation. The compiled engine is in engine.go and its index in
// index.go.

// The standard actions of a stateless rule or default action are
// [flow.Pass] ("aws:pass": deliver the packet, the stateful engine never
// sees it), [flow.Drop] ("aws:drop") and [flow.Forward]
// ("aws:forward_to_sfe": hand the packet to the stateful engine). AWS
// requires exactly one per rule and per default; custom actions come on
// top and never decide. The zero action is unset, and an unset action
// is a Compile error: a rule or default must say what it does (AWS's
// recommended defaults are Forward).

// ValidAction reports whether a is one of the three standard stateless
// actions.
func ValidAction(a flow.Action) bool {
	return a == flow.Pass || a == flow.Drop || a == flow.Forward
}

// ActionName returns AWS's name of a standard stateless action:
// "aws:pass", "aws:drop" or "aws:forward_to_sfe"; a.String() for others.
func ActionName(a flow.Action) string {
	switch a {
	case flow.Pass:
		return "aws:pass"
	case flow.Drop:
		return "aws:drop"
	case flow.Forward:
		return "aws:forward_to_sfe"
	}
	return a.String()
}

// verb is how a decision reads: "pass", "drop", "forward to stateful engine".
func verb(a flow.Action) string {
	if a == flow.Forward {
		return "forward to stateful engine"
	}
	return a.String()
}

// ParseAction reads a standard action as AWS writes it: "aws:pass",
// "aws:drop" or "aws:forward_to_sfe" (exactly, as the API does). Errors
// wrap [ErrInvalidRule].
func ParseAction(s string) (flow.Action, error) {
	for _, a := range [...]flow.Action{flow.Pass, flow.Drop, flow.Forward} {
		if s == ActionName(a) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("%w: stateless action %q: want aws:pass, aws:drop or aws:forward_to_sfe", ErrInvalidRule, s)
}

// allFlags is every flag a mask can name.
const allFlags TCPFlags = 0xff

// TCPFlagMatch is one element of a stateless rule's TCPFlags: the packet's
// flags named in Masks must be exactly those named in Flags. Flags in
// Masks but not in Flags must be clear; flags outside Masks are not
// examined. An empty Masks means all eight flags, so {Flags: SYN} matches
// a packet whose only flag is SYN. AWS only allows Flags that Masks names
// (when Masks is not empty); [Compile] checks that.
//
// For example {Flags: SYN, Masks: SYN|ACK} matches a SYN but not a
// SYN|ACK, whatever the other flags are.
type TCPFlagMatch struct {
	Flags, Masks TCPFlags
}

// mask returns the flags m examines.
func (m TCPFlagMatch) mask() TCPFlags {
	if m.Masks == 0 {
		return allFlags
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

// Rule is one rule of a stateless rule group. A packet matches
// when it satisfies every attribute that is given; within one list any
// element suffices, and an empty list means any.
//
// Port and flag attributes limit the protocols a rule can match, as
// documented assumptions (semantics F.7): a rule that names SourcePorts or
// DestinationPorts matches only TCP and UDP packets (never ICMP or any
// other protocol, whatever its Protocols say), and a rule that names
// TCPFlags matches only TCP packets. Neither matches a fragment, which
// carries no ports and no TCP header.
type Rule struct {
	// Priority orders the rules of a group, lowest first: 1 to 65535,
	// unique within the group.
	Priority int
	// Sources and Destinations are CIDR blocks, IPv4 or IPv6; empty means
	// any. Host bits are ignored (Compile masks them).
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
	Action flow.Action
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
func (r Rule) Capacity() int {
	n := 1
	for _, k := range [...]int{len(r.Sources), len(r.Destinations), len(r.SourcePorts), len(r.DestinationPorts), len(r.Protocols), len(r.TCPFlags)} {
		if k == 0 {
			continue
		}
		hi, lo := bits.Mul64(uint64(n), uint64(k))
		if hi != 0 || lo > maxCapacity {
			return maxCapacity
		}
		n = int(lo)
	}
	return n
}

// maxCapacity caps Capacity; far above any legal group.
const maxCapacity = 1 << 40

// namesPorts reports whether the rule names source or destination ports.
func (r *Rule) namesPorts() bool {
	return len(r.SourcePorts) > 0 || len(r.DestinationPorts) > 0
}

// String prints the rule on one line, attributes that are not given left
// out: "priority 10: aws:pass proto tcp src 10.0.0.0/16 dst 0.0.0.0/0 dport
// 443 flags SYN/SYN|ACK custom MyMetrics". A rule with no attributes prints
// "priority 10: aws:drop any". Custom action names are escaped for text
// output (internal/textsafe).
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString("priority ")
	b.WriteString(strconv.Itoa(r.Priority))
	b.WriteString(": ")
	b.WriteString(ActionName(r.Action))
	n := b.Len()
	if len(r.Protocols) > 0 {
		b.WriteString(" proto ")
		b.WriteString(join(r.Protocols))
	}
	if len(r.Sources) > 0 {
		b.WriteString(" src ")
		b.WriteString(join(r.Sources))
	}
	if len(r.SourcePorts) > 0 {
		b.WriteString(" sport ")
		b.WriteString(join(r.SourcePorts))
	}
	if len(r.Destinations) > 0 {
		b.WriteString(" dst ")
		b.WriteString(join(r.Destinations))
	}
	if len(r.DestinationPorts) > 0 {
		b.WriteString(" dport ")
		b.WriteString(join(r.DestinationPorts))
	}
	if len(r.TCPFlags) > 0 {
		b.WriteString(" flags ")
		b.WriteString(join(r.TCPFlags))
	}
	if b.Len() == n {
		b.WriteString(" any")
	}
	if len(r.CustomActions) > 0 {
		b.WriteString(" custom ")
		b.WriteString(textsafe.String(strings.Join(r.CustomActions, ",")))
	}
	return b.String()
}

// join prints the elements of s joined by commas.
func join[T fmt.Stringer](s []T) string {
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

// MaxCapacity is the largest capacity AWS allows a stateless rule
// group, in capacity units (see [Rule.Capacity]).
const MaxCapacity = 30000

// RuleGroup is a stateless rule group: its identity, its declared
// capacity, its rules and the custom actions its rules may name. A group
// does not know where it sits in a policy; [GroupRef] says that.
type RuleGroup struct {
	// Name and ARN identify the group; at least one is required. Decisions
	// name the group by Name, or by ARN when it has no name.
	Name, ARN string
	// Capacity is the declared capacity, 1 to MaxCapacity, which
	// the rules may not exceed; 0 means not declared (only the
	// MaxCapacity limit is then checked).
	Capacity int
	// Rules in any order; they are evaluated by ascending Priority.
	Rules []Rule
	// CustomActions the rules may name.
	CustomActions []CustomAction
}

// ConsumedCapacity returns the sum of the rules' [Rule.Capacity].
func (g RuleGroup) ConsumedCapacity() int {
	n := 0
	for _, r := range g.Rules {
		n = min(n+r.Capacity(), maxCapacity)
	}
	return n
}

// Label is how decisions and errors name the group: Name, else ARN.
func (g *RuleGroup) Label() string {
	if g.Name != "" {
		return g.Name
	}
	return g.ARN
}

// GroupRef places a stateless rule group in a firewall policy.
type GroupRef struct {
	// Priority orders the policy's stateless groups, lowest first: 1 to
	// 65535, unique within the policy.
	Priority int
	Group    RuleGroup
}

// DefaultAction is one of a policy's stateless default actions: a
// standard action plus optional custom actions defined in the policy.
type DefaultAction struct {
	Action        flow.Action
	CustomActions []string
}

// Config is everything a firewall policy says about the stateless
// engine: the rule groups it references and the default actions for
// packets no rule matches.
type Config struct {
	// Groups in any order; evaluated by ascending Priority.
	Groups []GroupRef
	// Default decides full packets that match no rule (the policy's
	// StatelessDefaultActions); FragmentDefault decides UDP fragments that
	// match no rule (StatelessFragmentDefaultActions). Both are required.
	Default, FragmentDefault DefaultAction
	// CustomActions are the policy's StatelessCustomActions, which only the
	// two defaults may name.
	CustomActions []CustomAction
}

// Checks of single values, shared by [Compile] and the readers of cloud
// formats (package aws), which add the location to the error.

// CheckPriority checks a rule's or a group's priority: 1 to 65535. The
// error wraps [ErrInvalidRule].
func CheckPriority(n int) error { return checkPriority(n) }

// CheckPrefix returns p masked, or why it is not a CIDR block a stateless
// rule can hold (invalid, or IPv4-mapped IPv6). The error wraps
// [ErrInvalidRule].
func CheckPrefix(p netip.Prefix) (netip.Prefix, error) { return checkPrefix(p) }

// CheckPortRange checks that a port range's start is not above its end.
// The error wraps [ErrInvalidRule].
func CheckPortRange(r flow.PortRange) error { return checkPorts(r) }

// Validate checks that every flag of m is among its masks, as AWS
// requires. The error wraps [ErrInvalidRule].
func (m TCPFlagMatch) Validate() error { return checkFlags(m) }

// CheckActionName checks a custom action's name: 1 to 128 letters and
// digits. The error wraps no sentinel: the caller says whether the name
// belongs to a group ([ErrInvalidGroup]) or a policy ([ErrInvalidPolicy]).
func CheckActionName(s string) error { return checkActionName(s) }

// CheckDimension checks a PublishMetricAction dimension value: 1 to 128
// letters, digits, '-', '_' and spaces. Like [CheckActionName] it wraps no
// sentinel.
func CheckDimension(s string) error { return checkDimension(s) }

// Canonical checks g as [Compile] does and returns a deep copy whose
// prefixes are masked and whose rules are sorted by priority.
func (g RuleGroup) Canonical() (RuleGroup, error) { return canonGroup(g, "") }

func checkPriority(n int) error {
	if n < 1 || n > 65535 {
		return fmt.Errorf("%w: priority %d: want 1 to 65535", ErrInvalidRule, n)
	}
	return nil
}

// checkPrefix returns p masked, or why it is not a CIDR block a
// stateless rule can hold.
func checkPrefix(p netip.Prefix) (netip.Prefix, error) {
	if !p.IsValid() {
		return p, fmt.Errorf("%w: %q is not a CIDR block", ErrInvalidRule, p.String())
	}
	m := p.Masked()
	if m.Addr().Is4In6() {
		return p, fmt.Errorf("%w: %s is an IPv4-mapped IPv6 block, which no packet carries; write the IPv4 block", ErrInvalidRule, p)
	}
	return m, nil
}

func checkPorts(r flow.PortRange) error {
	if r.Lo > r.Hi {
		return fmt.Errorf("%w: port range %d-%d: the start is above the end", ErrInvalidRule, r.Lo, r.Hi)
	}
	return nil
}

func checkProtocol(p flow.Protocol) error {
	if !p.IsConcrete() {
		return fmt.Errorf("%w: protocol %d: want 0 to 255 (leave Protocols empty for any protocol)", ErrInvalidRule, int(p))
	}
	return nil
}

func checkFlags(m TCPFlagMatch) error {
	if m.Masks != 0 && m.Flags&^m.Masks != 0 {
		return fmt.Errorf("%w: TCP flags %s are not all in the masks %s; AWS only allows flags the masks name", ErrInvalidRule, m.Flags, m.Masks)
	}
	return nil
}

// checkActionName checks an ActionName: 1-128 letters and digits.
func checkActionName(s string) error {
	if s == "" || len(s) > 128 || strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
	}) >= 0 {
		return fmt.Errorf("custom action name %q: want 1 to 128 letters and digits", s)
	}
	return nil
}

// checkDimension checks a PublishMetricAction dimension value.
func checkDimension(s string) error {
	if s == "" || len(s) > 128 || strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ' ')
	}) >= 0 {
		return fmt.Errorf("dimension value %q: want 1 to 128 letters, digits, '-', '_' or spaces", s)
	}
	return nil
}

// inputErr builds the *flow.InputError the stateless checks return.
func inputErr(path, resource, rule, text string, err error) error {
	return &flow.InputError{Path: path, Resource: resource, Rule: rule, Text: text, Err: err}
}

func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// checkCustomActions checks a list of custom action definitions at path
// and returns their names.
func checkCustomActions(cas []CustomAction, path, resource string, sentinel error) (map[string]bool, error) {
	names := make(map[string]bool, len(cas))
	for i, ca := range cas {
		p := indexPath(path, i)
		if err := checkActionName(ca.Name); err != nil {
			return nil, inputErr(p+".Name", resource, "", ca.Name, fmt.Errorf("%w: %w", sentinel, err))
		}
		if names[ca.Name] {
			return nil, inputErr(p+".Name", resource, "", ca.Name, fmt.Errorf("%w: custom action %s is defined twice", sentinel, ca.Name))
		}
		names[ca.Name] = true
		if len(ca.Dimensions) == 0 {
			return nil, inputErr(p+".Dimensions", resource, "", ca.Name, fmt.Errorf("%w: custom action %s publishes no dimension; give at least one", sentinel, ca.Name))
		}
		for j, d := range ca.Dimensions {
			if err := checkDimension(d); err != nil {
				return nil, inputErr(indexPath(p+".Dimensions", j), resource, "", d, fmt.Errorf("%w: %w", sentinel, err))
			}
		}
	}
	return names, nil
}

// canonGroup checks g and returns a deep copy whose prefixes are
// masked and whose rules are sorted by priority. path is the Go path of the
// group ("Groups[1]") that errors start with; errors are *flow.InputError
// naming the group (Resource) and the rule priority (Rule).
func canonGroup(g RuleGroup, path string) (RuleGroup, error) {
	join := func(field string) string {
		if path == "" {
			return field
		}
		return path + "." + field
	}
	res := g.Label()
	if res == "" {
		return g, inputErr(join("Name"), "", "", "", fmt.Errorf("%w: a stateless rule group needs a Name or an ARN", ErrInvalidGroup))
	}
	out := RuleGroup{Name: g.Name, ARN: g.ARN, Capacity: g.Capacity, Rules: make([]Rule, len(g.Rules))}
	names, err := checkCustomActions(g.CustomActions, join("CustomActions"), res, ErrInvalidGroup)
	if err != nil {
		return g, err
	}
	for _, ca := range g.CustomActions {
		out.CustomActions = append(out.CustomActions, CustomAction{Name: ca.Name, Dimensions: slices.Clone(ca.Dimensions)})
	}
	seen := make(map[int]int, len(g.Rules))
	for i, r := range g.Rules {
		rp := indexPath(join("Rules"), i)
		rule := strconv.Itoa(r.Priority)
		fail := func(field, text string, err error) (RuleGroup, error) {
			return g, inputErr(rp+"."+field, res, rule, text, err)
		}
		if err := checkPriority(r.Priority); err != nil {
			return fail("Priority", rule, err)
		}
		if j, dup := seen[r.Priority]; dup {
			return fail("Priority", rule, fmt.Errorf("%w: priority %d is used by Rules[%d] and Rules[%d]; priorities must be unique within a group", ErrInvalidGroup, r.Priority, j, i))
		}
		seen[r.Priority] = i
		c := Rule{Priority: r.Priority, Action: r.Action}
		for _, side := range [...]struct {
			name string
			in   []netip.Prefix
			out  *[]netip.Prefix
		}{{"Sources", r.Sources, &c.Sources}, {"Destinations", r.Destinations, &c.Destinations}} {
			for j, p := range side.in {
				m, err := checkPrefix(p)
				if err != nil {
					return fail(indexPath(side.name, j), p.String(), err)
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
				if err := checkPorts(pr); err != nil {
					return fail(indexPath(side.name, j), strconv.Itoa(int(pr.Lo))+"-"+strconv.Itoa(int(pr.Hi)), err)
				}
			}
			*side.out = slices.Clone(side.in)
		}
		for j, p := range r.Protocols {
			if err := checkProtocol(p); err != nil {
				return fail(indexPath("Protocols", j), strconv.Itoa(int(p)), err)
			}
		}
		c.Protocols = slices.Clone(r.Protocols)
		for j, m := range r.TCPFlags {
			if err := checkFlags(m); err != nil {
				return fail(indexPath("TCPFlags", j), m.String(), err)
			}
		}
		c.TCPFlags = slices.Clone(r.TCPFlags)
		if !ValidAction(r.Action) {
			return fail("Action", ActionName(r.Action), fmt.Errorf("%w: %sa stateless rule needs exactly one standard action: aws:pass, aws:drop or aws:forward_to_sfe", ErrInvalidRule, missing(r.Action)))
		}
		for j, n := range r.CustomActions {
			if !names[n] {
				return fail(indexPath("CustomActions", j), n, fmt.Errorf("%w: custom action %q is not defined in the group's CustomActions", ErrInvalidGroup, n))
			}
		}
		c.CustomActions = slices.Clone(r.CustomActions)
		out.Rules[i] = c
	}
	consumed := out.ConsumedCapacity()
	switch {
	case g.Capacity < 0 || g.Capacity > MaxCapacity:
		return g, inputErr(join("Capacity"), res, "", strconv.Itoa(g.Capacity), fmt.Errorf("%w: capacity %d: want 1 to %d (or 0 for undeclared)", ErrInvalidGroup, g.Capacity, MaxCapacity))
	case consumed > MaxCapacity:
		return g, inputErr(join("Rules"), res, "", strconv.Itoa(consumed), fmt.Errorf("%w: the rules consume %d capacity units, above AWS's limit of %d per stateless group", ErrInvalidGroup, consumed, MaxCapacity))
	case g.Capacity > 0 && consumed > g.Capacity:
		return g, inputErr(join("Rules"), res, "", strconv.Itoa(consumed), fmt.Errorf("%w: the rules consume %d capacity units, above the group's capacity of %d", ErrInvalidGroup, consumed, g.Capacity))
	}
	slices.SortFunc(out.Rules, func(a, b Rule) int { return cmp.Compare(a.Priority, b.Priority) })
	return out, nil
}

// canonConfig checks cfg and returns a deep copy with the groups
// sorted by priority and each group canonical (see canonGroup).
func canonConfig(cfg Config) (Config, error) {
	names, err := checkCustomActions(cfg.CustomActions, "CustomActions", "", ErrInvalidPolicy)
	if err != nil {
		return cfg, err
	}
	out := Config{Groups: make([]GroupRef, len(cfg.Groups))}
	for _, ca := range cfg.CustomActions {
		out.CustomActions = append(out.CustomActions, CustomAction{Name: ca.Name, Dimensions: slices.Clone(ca.Dimensions)})
	}
	for _, d := range [...]struct {
		name string
		in   DefaultAction
		out  *DefaultAction
	}{{"Default", cfg.Default, &out.Default}, {"FragmentDefault", cfg.FragmentDefault, &out.FragmentDefault}} {
		if !ValidAction(d.in.Action) {
			return cfg, inputErr(d.name+".Action", "", "", ActionName(d.in.Action), fmt.Errorf("%w: %sthe stateless %s action needs exactly one standard action: aws:pass, aws:drop or aws:forward_to_sfe", ErrInvalidPolicy, missing(d.in.Action), defaultWord(d.name)))
		}
		for j, n := range d.in.CustomActions {
			if !names[n] {
				return cfg, inputErr(indexPath(d.name+".CustomActions", j), "", "", n, fmt.Errorf("%w: custom action %q is not defined in the policy's CustomActions", ErrInvalidPolicy, n))
			}
		}
		*d.out = DefaultAction{Action: d.in.Action, CustomActions: slices.Clone(d.in.CustomActions)}
	}
	prio := map[int]int{}
	ids := map[string]int{}
	for i, ref := range cfg.Groups {
		p := indexPath("Groups", i)
		g, err := canonGroup(ref.Group, p)
		if err != nil {
			return cfg, err
		}
		res := g.Label()
		if checkPriority(ref.Priority) != nil {
			return cfg, inputErr(p+".Priority", res, "", strconv.Itoa(ref.Priority), fmt.Errorf("%w: group priority %d: want 1 to 65535", ErrInvalidPolicy, ref.Priority))
		}
		if j, dup := prio[ref.Priority]; dup {
			return cfg, inputErr(p+".Priority", res, "", strconv.Itoa(ref.Priority), fmt.Errorf("%w: priority %d is used by Groups[%d] and Groups[%d]; group priorities must be unique within a policy", ErrInvalidPolicy, ref.Priority, j, i))
		}
		prio[ref.Priority] = i
		id := g.ARN
		if id == "" {
			id = g.Name
		}
		if j, dup := ids[id]; dup {
			return cfg, inputErr(p+".Group", res, "", id, fmt.Errorf("%w: rule group %s is referenced twice, by Groups[%d] and Groups[%d]", ErrInvalidPolicy, id, j, i))
		}
		ids[id] = i
		out.Groups[i] = GroupRef{Priority: ref.Priority, Group: g}
	}
	slices.SortFunc(out.Groups, func(a, b GroupRef) int { return cmp.Compare(a.Priority, b.Priority) })
	return out, nil
}

func defaultWord(field string) string {
	if field == "FragmentDefault" {
		return "fragment default"
	}
	return "default"
}

// missing prefixes the error about an unset action.
func missing(a flow.Action) string {
	if a == 0 {
		return "Action is missing: "
	}
	return ""
}

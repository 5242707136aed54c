package nacl

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Rule numbers. User entries are numbered from 1 to [MaxRuleNumber]; AWS
// reserves the numbers above for itself and shows the implicit final deny
// "*" under the two that follow.
const (
	MaxRuleNumber   = 32766 // the highest number an entry may have
	DefaultRuleIPv4 = 32767 // the "*" rule for IPv4, as AWS's JSON numbers it
	DefaultRuleIPv6 = 32768 // the "*" rule for IPv6, as AWS's JSON numbers it
)

// Sentinel errors. Every error this package returns is a *[flow.InputError]
// that wraps one of them.
var (
	// ErrInvalidEntry: an entry's fields are missing, out of range or
	// inconsistent.
	ErrInvalidEntry = errors.New("invalid network ACL entry")
	// ErrDuplicateRule: two entries of one direction share a rule number.
	ErrDuplicateRule = errors.New("duplicate network ACL rule number")
	// ErrInvalidACL: the ACL's own fields are wrong (no ID, a stray
	// association, an ID given twice).
	ErrInvalidACL = errors.New("invalid network ACL")
)

// Entry is one rule of a network ACL, as plain data.
//
// Which fields apply depends on the protocol: Ports for TCP and UDP only;
// ICMPType and ICMPCode for ICMP (1) and for ICMPv6 (58) with an IPv6 CIDR
// only. The others are ignored, and [Compile] and the parsers store them as
// zero (ICMPv6 with an IPv4 CIDR: -1, all types and codes, as AWS says).
// Beware that the zero ICMPType and ICMPCode of an ICMP entry mean type 0
// code 0 (echo reply), not all; write -1 for all.
//
// A TCP or UDP entry must say its ports: the zero Ports means "not set" and
// is an error at [Compile], not "port 0". Write flow.AllPorts for every
// port. An entry for destination port 0 alone (AWS's PortRange From 0 To 0,
// "tcp 0" in the text form) leaves Ports zero and sets PortZero.
type Entry struct {
	Number    int            // 1–32766 for user entries; 32767 and 32768 for "*"
	Action    flow.Action    // flow.Pass (AWS's "allow") or flow.Drop ("deny"); unset is an error
	Direction flow.Direction // flow.Inbound (AWS's Egress false) or flow.Outbound
	Protocol  flow.Protocol  // flow.AllProtocols or a protocol number 0–255
	CIDR      netip.Prefix   // source for inbound, destination for outbound; IPv4 or IPv6
	Ports     flow.PortRange // TCP/UDP destination ports, inclusive; required for TCP and UDP
	// PortZero makes a TCP or UDP entry cover destination port 0 alone,
	// which Ports cannot say since its zero value means "not set". Ports
	// must then be zero.
	PortZero bool
	ICMPType int16 // ICMP type 0–255, or -1 for all types
	ICMPCode int16 // ICMP code 0–255, or -1 for all codes of the type
}

// actionWord prints a as AWS's RuleAction: "allow" for Pass, "deny" for
// Drop, the [flow.Action] name otherwise.
func actionWord(a flow.Action) string {
	switch a {
	case flow.Pass:
		return "allow"
	case flow.Drop:
		return "deny"
	}
	return a.String()
}

// parseAction reads AWS's RuleAction in any letter case: "allow" (Pass) or
// "deny" (Drop). Errors wrap [flow.ErrAction].
func parseAction(s string) (flow.Action, error) {
	switch strings.ToLower(s) {
	case "allow":
		return flow.Pass, nil
	case "deny":
		return flow.Drop, nil
	}
	return 0, fmt.Errorf("%w %q: want allow or deny", flow.ErrAction, s)
}

// portsSet reports whether e says which ports it covers: a non-zero Ports,
// or PortZero.
func (e Entry) portsSet() bool { return e.PortZero || e.Ports != (flow.PortRange{}) }

// DefaultRule returns the implicit final "*" rule of one direction and
// family: deny all protocols from (inbound) or to (outbound) 0.0.0.0/0,
// numbered 32767, or ::/0, numbered 32768.
func DefaultRule(dir flow.Direction, ipv6 bool) Entry {
	e := Entry{Number: DefaultRuleIPv4, Action: flow.Drop, Direction: dir, Protocol: flow.AllProtocols, CIDR: netip.PrefixFrom(netip.IPv4Unspecified(), 0)}
	if ipv6 {
		e.Number, e.CIDR = DefaultRuleIPv6, netip.PrefixFrom(netip.IPv6Unspecified(), 0)
	}
	return e
}

// IsDefaultRule reports whether e is numbered as one of the "*" rules
// (32767 or 32768).
func (e Entry) IsDefaultRule() bool {
	return e.Number == DefaultRuleIPv4 || e.Number == DefaultRuleIPv6
}

// Is6 reports whether e is an IPv6 entry (its CIDR is IPv6).
func (e Entry) Is6() bool { return e.CIDR.Addr().Is6() }

// UsesPorts reports whether e filters on ports: TCP and UDP.
func (e Entry) UsesPorts() bool { return e.Protocol.HasPorts() }

// UsesICMP reports whether e filters on ICMP type and code: ICMP, and
// ICMPv6 with an IPv6 CIDR.
func (e Entry) UsesICMP() bool {
	return e.Protocol == flow.ICMP || (e.Protocol == flow.ICMPv6 && e.Is6())
}

// Label returns the rule number as AWS's console shows it: "100", or "*"
// for the default rules.
func (e Entry) Label() string {
	if e.IsDefaultRule() {
		return "*"
	}
	return strconv.Itoa(e.Number)
}

// String prints the entry in the form [ParseEntry] reads:
//
//	100 allow tcp 22 from 203.0.113.0/24
//	110 deny udp 1024-65535 to 0.0.0.0/0
//	120 allow icmp type 3 code 4 from 10.0.0.0/8
//	130 allow icmpv6 all from ::/0
//	140 allow gre from 10.0.0.0/8
//	* deny all to ::/0
//
// The protocol is a name when [flow.Protocol] has one and a number
// otherwise; ports appear for TCP and UDP only, types and codes for ICMP
// only ("all", "type 3" for every code of type 3, "type 3 code 4"); "from"
// marks an inbound entry and "to" an outbound one.
func (e Entry) String() string { return e.Label() + " " + e.body() }

// body is String without the number.
func (e Entry) body() string {
	var b strings.Builder
	b.WriteString(actionWord(e.Action))
	b.WriteByte(' ')
	b.WriteString(e.Protocol.String())
	switch {
	case e.UsesPorts():
		b.WriteByte(' ')
		b.WriteString(e.Ports.String())
	case e.UsesICMP():
		b.WriteString(icmpText(e.ICMPType, e.ICMPCode))
	}
	if e.Direction == flow.Outbound {
		b.WriteString(" to ")
	} else {
		b.WriteString(" from ")
	}
	b.WriteString(e.CIDR.String())
	return b.String()
}

func icmpText(typ, code int16) string {
	switch {
	case typ < 0:
		return " all"
	case code < 0:
		return " type " + strconv.Itoa(int(typ))
	}
	return " type " + strconv.Itoa(int(typ)) + " code " + strconv.Itoa(int(code))
}

// fault is a validation failure: the Go field at fault, its text, and what
// is wrong with it.
type fault struct {
	field, text, msg string
}

// err returns the cause, wrapping [ErrInvalidEntry].
func (f *fault) err() error { return fmt.Errorf("%w: %s", ErrInvalidEntry, f.msg) }

// check validates a user entry (not a "*" rule) and returns the first fault,
// or nil.
func check(e Entry) *fault {
	bad := func(field, text, format string, args ...any) *fault {
		return &fault{field, text, fmt.Sprintf(format, args...)}
	}
	switch {
	case e.Number < 1 || e.Number > MaxRuleNumber:
		msg := "rule number %d: want 1 to 32766"
		if e.IsDefaultRule() {
			msg += "; 32767 and 32768 are the implicit * rules, which every ACL has: leave them out"
		}
		return bad("Number", strconv.Itoa(e.Number), msg, e.Number)
	case e.Action != flow.Pass && e.Action != flow.Drop:
		return bad("Action", e.Action.String(), "action %s: want allow or deny (flow.Pass or flow.Drop)", e.Action)
	case e.Direction != flow.Inbound && e.Direction != flow.Outbound:
		return bad("Direction", e.Direction.String(), "direction %s: want inbound or outbound", e.Direction)
	case !e.Protocol.IsValid():
		return bad("Protocol", strconv.Itoa(int(e.Protocol)), "protocol %d: want -1 (all) or 0 to 255", int(e.Protocol))
	case !e.CIDR.IsValid():
		return bad("CIDR", e.CIDR.String(), "missing or invalid CIDR")
	case e.CIDR.Addr().Zone() != "":
		return bad("CIDR", e.CIDR.String(), "CIDR %s has a zone", e.CIDR)
	case e.CIDR.Addr().Is4In6():
		return bad("CIDR", e.CIDR.String(), "CIDR %s is IPv4-mapped IPv6; write the IPv4 CIDR", e.CIDR)
	case e.UsesPorts() && !e.portsSet():
		return bad("Ports", "", "%s entry %d has no ports: set Ports (flow.AllPorts for every port; PortZero for port 0 alone)", e.Protocol, e.Number)
	case e.UsesPorts() && e.PortZero && e.Ports != (flow.PortRange{}):
		return bad("Ports", e.Ports.String(), "PortZero stands for port 0 alone, but Ports is %s: set one or the other", e.Ports)
	case e.UsesPorts() && e.Ports.IsEmpty():
		return bad("Ports", e.Ports.String(), "port range %d-%d: the first port is above the last", e.Ports.Lo, e.Ports.Hi)
	}
	if e.UsesICMP() {
		if e.ICMPType < -1 || e.ICMPType > 255 {
			return bad("ICMPType", strconv.Itoa(int(e.ICMPType)), "ICMP type %d: want -1 (all) or 0 to 255", e.ICMPType)
		}
		if e.ICMPCode < -1 || e.ICMPCode > 255 {
			return bad("ICMPCode", strconv.Itoa(int(e.ICMPCode)), "ICMP code %d: want -1 (all) or 0 to 255", e.ICMPCode)
		}
		if e.ICMPType == -1 && e.ICMPCode != -1 {
			return bad("ICMPCode", strconv.Itoa(int(e.ICMPCode)), "ICMP code %d with type -1 (all types): a code needs a type; write code -1", e.ICMPCode)
		}
	}
	return nil
}

// Validate checks a user entry (not a "*" rule) as [Compile] does. The
// error is a *[flow.InputError] whose Path is the Go field at fault
// ("Number", "CIDR"...) and whose Err wraps [ErrInvalidEntry]; nil when the
// entry is valid.
func (e Entry) Validate() error {
	if f := check(e); f != nil {
		return &flow.InputError{Path: f.field, Text: f.text, Err: f.err()}
	}
	return nil
}

// Canonical returns e as [Compile] stores it: the CIDR masked and the
// fields its protocol does not use set to their neutral values (see
// [Entry]).
func (e Entry) Canonical() Entry { return canonical(e) }

// canonical returns e with its CIDR masked and the fields that do not apply
// to its protocol set to their neutral values.
func canonical(e Entry) Entry {
	e.CIDR = e.CIDR.Masked()
	if !e.UsesPorts() {
		e.Ports, e.PortZero = flow.PortRange{}, false
	}
	switch {
	case e.UsesICMP():
	case e.Protocol == flow.ICMPv6: // with an IPv4 CIDR: AWS allows all types and codes
		e.ICMPType, e.ICMPCode = -1, -1
	default:
		e.ICMPType, e.ICMPCode = 0, 0
	}
	return e
}

// ParseEntry reads an entry in the form [Entry.String] prints:
//
//	NUMBER ACTION PROTOCOL [PORTS | all | type T [code C]] from|to CIDR
//
// NUMBER is 1–32766, or "*" for a default rule ("* deny all from
// 0.0.0.0/0"); ACTION is allow or deny; PROTOCOL is anything
// [flow.ParseProtocol] reads. TCP and UDP need PORTS ("22", "1024-65535";
// "0" alone sets [Entry.PortZero]); ICMP takes "all", "type T" or "type T code C" and means all when none is
// given; other protocols take neither. "from" makes an inbound entry, "to"
// an outbound one. A CIDR with host bits set is masked, as AWS does. Errors
// are *[flow.InputError] wrapping [ErrInvalidEntry].
func ParseEntry(s string) (Entry, error) {
	words := strings.Fields(s)
	var e Entry
	fail := func(format string, args ...any) (Entry, error) {
		ie := &flow.InputError{Text: s, Err: fmt.Errorf("%w: %s", ErrInvalidEntry, fmt.Sprintf(format, args...))}
		if e.Number != 0 {
			ie.Rule = strconv.Itoa(e.Number)
		}
		return Entry{}, ie
	}
	if len(words) < 5 {
		return fail("want NUMBER ACTION PROTOCOL [PORTS] from|to CIDR, as in \"100 allow tcp 22 from 203.0.113.0/24\"")
	}
	star := words[0] == "*"
	if !star {
		n, err := strconv.Atoi(words[0])
		if err != nil || n < 1 || n > MaxRuleNumber {
			return fail("rule number %q: want 1 to 32766, or *", words[0])
		}
		e.Number = n
	}
	a, err := parseAction(words[1])
	if err != nil {
		return fail("action %q: want allow or deny", words[1])
	}
	e.Action = a
	p, err := flow.ParseProtocol(words[2])
	if err != nil {
		return fail("%v", err)
	}
	e.Protocol = p
	rest := words[3:]
	e.ICMPType, e.ICMPCode = -1, -1
	switch {
	case p.HasPorts():
		if rest[0] == "from" || rest[0] == "to" {
			return fail("protocol %s needs a port range, as in \"%s 443\"", p, p)
		}
		r, err := flow.ParseRange[uint16](rest[0])
		if err != nil {
			return fail("%v", err)
		}
		e.Ports, e.PortZero, rest = r, r == flow.PortRange{}, rest[1:]
	case p.IsICMP():
		switch rest[0] {
		case "all":
			rest = rest[1:]
		case "code":
			return fail("an ICMP code needs a type")
		case "type":
			t, err := icmpNumber(rest)
			if err != nil {
				return fail("%v", err)
			}
			e.ICMPType, rest = t, rest[2:]
			if len(rest) > 0 && rest[0] == "code" {
				c, err := icmpNumber(rest)
				if err != nil {
					return fail("%v", err)
				}
				e.ICMPCode, rest = c, rest[2:]
			}
		}
	}
	if len(rest) != 2 {
		return fail("want from|to CIDR after the protocol, found %q", strings.Join(rest, " "))
	}
	switch rest[0] {
	case "from":
		e.Direction = flow.Inbound
	case "to":
		e.Direction = flow.Outbound
	default:
		return fail("%q: want from (inbound) or to (outbound)", rest[0])
	}
	pfx, err := flow.ParseCIDR(rest[1])
	if err != nil {
		return fail("CIDR %q: %v", rest[1], err)
	}
	e.CIDR = pfx
	if star {
		want := DefaultRule(e.Direction, pfx.Addr().Is6())
		if e.Action != flow.Drop || e.Protocol != flow.AllProtocols || pfx != want.CIDR {
			return fail("the * rule is \"* deny all from 0.0.0.0/0\" or \"::/0\", with from or to")
		}
		return want, nil
	}
	if f := check(e); f != nil {
		return fail("%s", f.msg)
	}
	return canonical(e), nil
}

// icmpNumber reads the value after "type" or "code" at the start of words.
func icmpNumber(words []string) (int16, error) {
	if len(words) < 2 {
		return 0, fmt.Errorf("ICMP %s needs a number after it", words[0])
	}
	n, err := strconv.Atoi(words[1])
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("ICMP %s %q: want 0 to 255", words[0], words[1])
	}
	return int16(n), nil
}

// MustParseEntry is [ParseEntry] that panics on error, for literals in code
// and tests.
func MustParseEntry(s string) Entry {
	e, err := ParseEntry(s)
	if err != nil {
		panic(err)
	}
	return e
}

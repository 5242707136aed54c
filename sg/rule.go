package sg

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Sentinel errors, wrapped by the *flow.InputError values this package
// returns so that errors.Is can tell them apart.
var (
	// ErrInvalidRule: a rule's fields are out of range or inconsistent.
	ErrInvalidRule = errors.New("invalid security group rule")
	// ErrInvalidGroup: a group's own fields are wrong (missing ID, mixed
	// flavours on one interface...).
	ErrInvalidGroup = errors.New("invalid security group")
	// ErrUnresolved: a rule references a security group or prefix list the
	// resolver does not know.
	ErrUnresolved = errors.New("unresolved reference")
	// ErrMembersUnknown: a rule references a security group whose members
	// the input does not hold (a group in a peered VPC or another account
	// that was not dumped). A [GroupResolver] says so with an
	// [*UnknownMembers] error, which wraps it; [Compile] accepts it for AWS
	// groups.
	ErrMembersUnknown = errors.New("group members unknown")
	// ErrEntriesUnknown: a rule references a prefix list whose entries the
	// input does not hold (a list that was not dumped, or one shared from
	// another account). A [PrefixListResolver] says so with an
	// [*UnknownEntries] error, which wraps it; [Compile] accepts it for AWS
	// groups.
	ErrEntriesUnknown = errors.New("prefix list entries unknown")
)

// UnknownEntries is the error a [PrefixListResolver] returns for a prefix
// list the input references but whose entries it does not hold. [Compile]
// accepts it for AWS groups (it rejects it for Alibaba Cloud's, whose
// rules can drop): a rule referencing the list may match any address of
// the list's Family (of either family when Family is unknown), certainly
// matches no address of the other family, and decides none for certain.
// When such a rule is the only one that could allow a packet, the
// [Decision] is [flow.Indeterminate] with Basis [UnknownEntry], naming the
// rule; when another rule allows the packet, it is allowed. Every other
// caller sees an error that wraps [ErrEntriesUnknown].
type UnknownEntries struct {
	List string // the referenced prefix list's ID
	// Family is the list's address family as AWS spells it (a managed
	// prefix list's AddressFamily): "IPv4" or "IPv6", a list that holds
	// blocks of that family only; "" when unknown. [Compile] rejects any
	// other value.
	Family string
}

// The address families of a managed prefix list, as AWS spells them
// (describe-managed-prefix-lists' AddressFamily): [UnknownEntries].Family.
const (
	FamilyIPv4 = "IPv4"
	FamilyIPv6 = "IPv6"
)

// Error says which list's entries are unknown.
func (e *UnknownEntries) Error() string {
	return fmt.Sprintf("%s: prefix list %s is referenced, and the input does not hold its entries", ErrEntriesUnknown, e.List)
}

// Unwrap returns [ErrEntriesUnknown].
func (e *UnknownEntries) Unwrap() error { return ErrEntriesUnknown }

// UnknownMembers is the error a [GroupResolver] returns for a group the
// input references but does not hold, or whose members it holds only in
// part: its members are unknown. [Compile] accepts it for AWS groups (it
// rejects it for Alibaba Cloud's, whose rules can drop): a rule
// referencing the group matches the addresses in Members, matches no
// other address Known reports, and cannot decide for any other address. When such a rule is
// the only one that could allow a packet, the [Decision] is
// [flow.Indeterminate] with Basis [UnknownMember], naming the rule;
// when another rule allows the packet, it is allowed. Every other caller
// sees an error that wraps [ErrMembersUnknown].
type UnknownMembers struct {
	Group string // the referenced group's ID
	// Held says the input holds the group and only its membership is
	// unknown in part (an address that may be a member is known only
	// later, or depends on what the input lacks); false for a group the
	// input does not hold.
	Held bool
	// Members are the addresses known to be members (a group the input
	// holds, some of whose possible members are known only later); nil
	// for a group the input does not hold.
	Members []netip.Addr
	// Known reports whether a is an address whose groups are all known,
	// so that it is certainly no member (package reach: every address of
	// the design). nil: no address is known.
	Known func(a netip.Addr) bool
}

// Error says which group's members are unknown, and whether the input
// holds the group.
func (e *UnknownMembers) Error() string {
	if e.Held {
		return fmt.Sprintf("%s: security group %s is in the input, but whether some addresses are its members is unknown", ErrMembersUnknown, e.Group)
	}
	return fmt.Sprintf("%s: security group %s is not in the input", ErrMembersUnknown, e.Group)
}

// Unwrap returns [ErrMembersUnknown].
func (e *UnknownMembers) Unwrap() error { return ErrMembersUnknown }

// PeerKind says what a rule's peer (the source of an inbound rule, the
// destination of an outbound one) is.
type PeerKind uint8

// The kinds of peer. The zero value is PeerCIDR.
const (
	PeerCIDR       PeerKind = iota // an IPv4 or IPv6 CIDR block
	PeerPrefixList                 // a managed prefix list (pl-…)
	PeerGroup                      // the members of another security group (sg-…)
)

// Peer is the other end a rule names: a CIDR, a prefix list or a group.
// Only the field of its Kind is set.
type Peer struct {
	Kind       PeerKind
	CIDR       netip.Prefix // PeerCIDR: masked, IPv4 or IPv6
	PrefixList string       // PeerPrefixList: pl-…
	Group      string       // PeerGroup: sg-…, optionally "account/sg-…" ([SplitGroupRef])
}

// SplitGroupRef splits a group reference as [Peer.Group] may hold it:
// "sg-…" alone, or "account/sg-…", a 12-digit AWS account ID before the
// group's ID, the form the VPC Peering Guide writes for a group of
// another account (and Terraform's security_groups keeps). account is ""
// for the bare form, and for any other text before a "/", which is then
// left in id whole (no group ID holds a "/": a resolver refuses it as it
// refuses any unknown group).
func SplitGroupRef(ref string) (account, id string) {
	acct, rest, ok := strings.Cut(ref, "/")
	if !ok || len(acct) != 12 || strings.Trim(acct, "0123456789") != "" || !strings.HasPrefix(rest, "sg-") || strings.Contains(rest, "/") {
		return "", ref
	}
	return acct, rest
}

// CIDR returns a peer for the CIDR block s (IPv4 or IPv6). It panics on a
// malformed CIDR; use [flow.ParseCIDR] for input.
func CIDR(s string) Peer {
	p, err := flow.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return Peer{Kind: PeerCIDR, CIDR: p}
}

// PrefixList returns a peer for the managed prefix list id.
func PrefixList(id string) Peer { return Peer{Kind: PeerPrefixList, PrefixList: id} }

// GroupRef returns a peer for the members of security group id.
func GroupRef(id string) Peer { return Peer{Kind: PeerGroup, Group: id} }

// AnyIPv4 and AnyIPv6 are the all-addresses peers.
var (
	AnyIPv4 = Peer{Kind: PeerCIDR, CIDR: netip.PrefixFrom(netip.IPv4Unspecified(), 0)}
	AnyIPv6 = Peer{Kind: PeerCIDR, CIDR: netip.PrefixFrom(netip.IPv6Unspecified(), 0)}
)

// String prints the peer: the CIDR, the prefix list ID or the group ID
// (escaped for text output as package internal/textsafe does).
func (p Peer) String() string {
	switch p.Kind {
	case PeerPrefixList:
		return textsafe.String(p.PrefixList)
	case PeerGroup:
		return textsafe.String(p.Group)
	}
	return p.CIDR.String()
}

// Rule is one security group rule: one direction, one protocol with its
// ports or ICMP type and code, and one peer. AWS's IpPermission objects that
// list several peers become several Rules, as describe-security-group-rules
// lists them.
type Rule struct {
	ID        string // sgr-… (may be empty for rules written in code)
	Direction flow.Direction
	Protocol  flow.Protocol // flow.AllProtocols or 0–255
	// Ports are the destination ports for TCP and UDP (0–65535 on AWS,
	// 1–65535 on Alibaba), required for them: the zero Ports means "not
	// set" and is an error at [Compile]; write flow.AllPorts for every
	// port. Ignored for every other protocol: a rule for "all" or for
	// protocol 47 covers every port, whatever Ports holds.
	Ports flow.PortRange
	// PortZero makes a TCP or UDP rule cover destination port 0 alone (AWS's
	// FromPort 0 ToPort 0), which Ports cannot say since its zero value
	// means "not set". Ports must then be zero.
	PortZero bool
	// ICMPType and ICMPCode filter ICMP (1) and ICMPv6 (58); -1 means all
	// types or all codes. A type of -1 needs a code of -1.
	ICMPType, ICMPCode int16
	Peer               Peer
	Description        string

	// Alibaba Cloud fields. AWS rules leave them zero.
	// Action is flow.Pass (Alibaba's "accept") or flow.Drop. An AWS rule
	// may leave it unset (it can only allow); an Alibaba rule must say.
	Action   flow.Action
	Priority int // 1 (first) to 100 (last)
	// SourcePorts restricts TCP and UDP source ports (Alibaba's 5-tuple
	// rules). The zero value, like the full range, means any source port.
	SourcePorts flow.PortRange
}

// anySourcePort reports whether r leaves source ports open.
func (r *Rule) anySourcePort() bool {
	return r.SourcePorts == flow.PortRange{} || r.SourcePorts.IsFull()
}

// Traffic prints what the rule's protocol part covers: "tcp/22",
// "udp/1024-65535", "icmp type 8 code 0", "icmpv6 all", "all traffic",
// "gre".
func (r Rule) Traffic() string {
	switch {
	case r.Protocol == flow.AllProtocols:
		return "all traffic"
	case r.Protocol.HasPorts():
		return r.Protocol.String() + "/" + r.Ports.String()
	case r.Protocol.IsICMP():
		switch {
		case r.ICMPType < 0:
			return r.Protocol.String() + " all"
		case r.ICMPCode < 0:
			return r.Protocol.String() + " type " + strconv.Itoa(int(r.ICMPType))
		}
		return fmt.Sprintf("%s type %d code %d", r.Protocol, r.ICMPType, r.ICMPCode)
	}
	return r.Protocol.String()
}

// String prints the rule as a sentence: "sgr-0a1 allows tcp/22 from
// 203.0.113.0/24", "drops udp/53 to 10.0.0.0/8 (priority 1)". IDs are
// escaped for text output: a control or bidi character prints as \n,
// \u202e and the like.
func (r Rule) String() string {
	var b strings.Builder
	b.Grow(64)
	if r.ID != "" {
		b.WriteString(textsafe.String(r.ID))
		b.WriteByte(' ')
	}
	if r.Action == flow.Drop {
		b.WriteString("drops ")
	} else {
		b.WriteString("allows ")
	}
	b.WriteString(r.Traffic())
	if r.Direction == flow.Inbound {
		b.WriteString(" from ")
	} else {
		b.WriteString(" to ")
	}
	b.WriteString(r.Peer.String())
	if !r.anySourcePort() {
		b.WriteString(" from source ports ")
		b.WriteString(r.SourcePorts.String())
	}
	if r.Priority != 0 {
		b.WriteString(" (priority ")
		b.WriteString(strconv.Itoa(r.Priority))
		b.WriteByte(')')
	}
	return b.String()
}

// Label is String with "#index" standing in for a missing ID, so rules
// written in code without IDs are still told apart in traces: "#2 allows
// tcp/22 from 10.0.0.0/8". index is the rule's position in its group.
func (r Rule) Label(index int) string {
	if r.ID == "" {
		r.ID = "#" + strconv.Itoa(index)
	}
	return r.String()
}

// validate checks r's fields for a group of flavour fl.
func (r *Rule) validate(fl Flavour) error {
	switch {
	case !r.Protocol.IsValid():
		return fmt.Errorf("%w: protocol %d is not -1 or 0–255", ErrInvalidRule, r.Protocol)
	case r.Direction > flow.Outbound:
		return fmt.Errorf("%w: direction %d", ErrInvalidRule, r.Direction)
	case r.Protocol.HasPorts() && !r.PortZero && r.Ports == (flow.PortRange{}):
		return fmt.Errorf("%w: a %s rule needs its ports: set Ports (flow.AllPorts for every port; PortZero for port 0 alone)", ErrInvalidRule, r.Protocol)
	case r.Protocol.HasPorts() && r.PortZero && r.Ports != (flow.PortRange{}):
		return fmt.Errorf("%w: PortZero stands for port 0 alone, but Ports is %s: set one or the other", ErrInvalidRule, r.Ports)
	case r.Protocol.HasPorts() && r.Ports.IsEmpty():
		return fmt.Errorf("%w: port range %d-%d starts above its end", ErrInvalidRule, r.Ports.Lo, r.Ports.Hi)
	case r.Protocol.IsICMP() && (r.ICMPType < -1 || r.ICMPType > 255 || r.ICMPCode < -1 || r.ICMPCode > 255):
		return fmt.Errorf("%w: ICMP type %d code %d: each must be -1 or 0–255", ErrInvalidRule, r.ICMPType, r.ICMPCode)
	case r.Protocol.IsICMP() && r.ICMPType == -1 && r.ICMPCode != -1:
		return fmt.Errorf("%w: ICMP type -1 (all) needs code -1, not %d", ErrInvalidRule, r.ICMPCode)
	case r.Action != flow.Pass && r.Action != flow.Drop:
		return fmt.Errorf("%w: action %s: Alibaba Cloud rules accept (flow.Pass) or drop (flow.Drop): set Action", ErrInvalidRule, r.Action)
	case !r.anySourcePort() && r.SourcePorts.IsEmpty():
		return fmt.Errorf("%w: source port range %s is empty", ErrInvalidRule, r.SourcePorts)
	}
	switch r.Peer.Kind {
	case PeerCIDR:
		if !r.Peer.CIDR.IsValid() {
			return fmt.Errorf("%w: the peer CIDR is missing", ErrInvalidRule)
		}
		if r.Peer.CIDR != r.Peer.CIDR.Masked() {
			return fmt.Errorf("%w: CIDR %s has host bits set (AWS stores it as %s)", ErrInvalidRule, r.Peer.CIDR, r.Peer.CIDR.Masked())
		}
		if r.Peer.CIDR.Addr().Is4In6() || r.Peer.CIDR.Addr().Zone() != "" {
			return fmt.Errorf("%w: CIDR %s is IPv4-mapped or zoned", ErrInvalidRule, r.Peer.CIDR)
		}
		if fl.IsAlibaba() && r.Protocol.IsICMP() && (r.Protocol == flow.ICMPv6) != r.Peer.CIDR.Addr().Is6() {
			// no Alibaba document gives the pair a meaning (see package doc)
			return fmt.Errorf("%w: an %s rule whose peer %s is of the other address family: Alibaba Cloud documents no meaning for the pair, and as written it matches no packet",
				ErrInvalidRule, r.Protocol, r.Peer.CIDR)
		}
	case PeerPrefixList:
		if r.Peer.PrefixList == "" {
			return fmt.Errorf("%w: the prefix list ID is empty", ErrInvalidRule)
		}
	case PeerGroup:
		if r.Peer.Group == "" {
			return fmt.Errorf("%w: the referenced group ID is empty", ErrInvalidRule)
		}
		if fl == AlibabaEnterprise {
			return fmt.Errorf("%w: enterprise security groups cannot reference groups (%s)", ErrInvalidRule, r.Peer.Group)
		}
	default:
		return fmt.Errorf("%w: peer kind %d", ErrInvalidRule, r.Peer.Kind)
	}
	if fl == AWS {
		if r.Action != flow.Pass {
			return fmt.Errorf("%w: AWS security groups have allow rules only", ErrInvalidRule)
		}
		if r.Priority != 0 || !r.anySourcePort() {
			return fmt.Errorf("%w: priority and source ports are Alibaba Cloud fields", ErrInvalidRule)
		}
	} else {
		switch {
		case r.Priority < 1 || r.Priority > 100:
			return fmt.Errorf("%w: priority %d is not 1–100", ErrInvalidRule, r.Priority)
		case r.PortZero:
			// AuthorizeSecurityGroup: tcp and udp port ranges are 1–65535
			return fmt.Errorf("%w: Alibaba Cloud port ranges are 1–65535: a rule for port 0 alone cannot be written", ErrInvalidRule)
		case r.Protocol.IsICMP() && (r.ICMPType != -1 || r.ICMPCode != -1):
			// AuthorizeSecurityGroup: an ICMP rule's port range is -1/-1
			return fmt.Errorf("%w: ICMP type %d code %d: Alibaba Cloud ICMP rules match every type and code (port range -1/-1): set both to -1", ErrInvalidRule, r.ICMPType, r.ICMPCode)
		}
	}
	return nil
}

// String returns "cidr", "prefix-list" or "group".
func (k PeerKind) String() string {
	switch k {
	case PeerCIDR:
		return "cidr"
	case PeerPrefixList:
		return "prefix-list"
	case PeerGroup:
		return "group"
	}
	return "PeerKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText implements [encoding.TextMarshaler] with the String form.
func (k PeerKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

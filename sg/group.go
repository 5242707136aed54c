package sg

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// Flavour says whose semantics a group follows.
type Flavour uint8

// The flavours. The zero value is AWS.
const (
	// AWS: allow rules only, their union decides, anything else is denied.
	AWS Flavour = iota
	// AlibabaBasic: Alibaba Cloud's basic ("normal") group: accept and drop
	// rules by priority; members reach each other unless the group's inner
	// access policy is Drop; outbound is open by default.
	AlibabaBasic
	// AlibabaEnterprise: Alibaba Cloud's enterprise group (older docs:
	// advanced): accept and drop rules by priority, members isolated, both
	// directions denied by default, no group references.
	AlibabaEnterprise
)

// String returns "aws", "alibaba-basic" or "alibaba-enterprise".
func (f Flavour) String() string {
	switch f {
	case AWS:
		return "aws"
	case AlibabaBasic:
		return "alibaba-basic"
	case AlibabaEnterprise:
		return "alibaba-enterprise"
	}
	return fmt.Sprintf("Flavour(%d)", uint8(f))
}

// IsAlibaba reports whether f is one of the Alibaba Cloud flavours.
func (f Flavour) IsAlibaba() bool { return f == AlibabaBasic || f == AlibabaEnterprise }

// Group is a security group as plain data: build it as a literal, with
// [NewDefault] or [New], or load it with the parsers. Evaluation never reads
// a Group directly: [Compile] copies and checks the groups of one network
// interface into an immutable [Evaluator], so a Group may be reused and
// changed afterwards without effect on evaluators already built.
type Group struct {
	ID          string // sg-…
	Name        string
	Description string
	VPCID       string
	OwnerID     string
	Flavour     Flavour
	Rules       []Rule // inbound and outbound, in the order given

	// InnerAccessDrop is an Alibaba basic group's InnerAccessPolicy "Drop":
	// members no longer reach each other by default. Enterprise groups
	// always isolate their members; AWS groups ignore it.
	InnerAccessDrop bool
}

// NewDefault returns AWS's default security group of a VPC: inbound all
// traffic from the group itself, outbound all traffic to 0.0.0.0/0, and to
// ::/0 when the VPC has an IPv6 CIDR.
func NewDefault(id, vpcID string, vpcHasIPv6 bool) Group {
	g := Group{ID: id, Name: "default", Description: "default VPC security group", VPCID: vpcID}
	g.Rules = append(g.Rules, Rule{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: GroupRef(id)})
	g.Rules = append(g.Rules, allOut(vpcHasIPv6)...)
	return g
}

// New returns a newly created AWS security group: no inbound rules, and
// outbound all traffic to 0.0.0.0/0, plus ::/0 when the VPC has an IPv6
// CIDR. (AWS's pages leave the IPv6 part open; reachsim's documented
// assumption is that a new group in an IPv6 VPC gets both. Groups loaded from
// JSON keep exactly the rules listed.)
func New(id, name, vpcID string, vpcHasIPv6 bool) Group {
	return Group{ID: id, Name: name, VPCID: vpcID, Rules: allOut(vpcHasIPv6)}
}

func allOut(ipv6 bool) []Rule {
	rs := []Rule{{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: AnyIPv4}}
	if ipv6 {
		rs = append(rs, Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: AnyIPv6})
	}
	return rs
}

// GroupResolver answers for group references: which addresses belong to
// the interfaces a group is attached to. Package reach's model implements
// it; [StaticResolver] is a map-based one for tests and small programs.
// [Compile] asks it once per group and keeps the answer: membership is
// fixed when the evaluator is built.
type GroupResolver interface {
	// GroupMembers returns the private IPv4 and IPv6 addresses of the
	// network interfaces group is attached to, in any order, or an error
	// wrapping [ErrUnresolved] when it does not know the group. A known
	// group without members returns no addresses and no error.
	GroupMembers(group string) ([]netip.Addr, error)
}

// GroupPrefixResolver is a [GroupResolver] that also knows the prefixes
// delegated to the members' network interfaces (AWS's prefix delegation:
// an interface's IPv4 /28 and IPv6 /80 prefixes). [Compile] asks it when
// the resolver implements it: a reference to the group then matches every
// address of those prefixes, as it matches the members' own addresses (as
// pods of Amazon EKS's VPC CNI, whose addresses come from prefixes
// delegated to their node's interface, share its security groups).
type GroupPrefixResolver interface {
	GroupResolver
	// GroupPrefixes returns the prefixes delegated to the network
	// interfaces group is attached to, in any order; nil for none. It is
	// asked only for groups GroupMembers answers without an error (or
	// with an [*UnknownMembers], whose known members the prefixes join).
	GroupPrefixes(group string) []netip.Prefix
}

// PrefixListResolver answers for prefix-list references.
type PrefixListResolver interface {
	// PrefixList returns the CIDR blocks of managed prefix list id, or an
	// error wrapping [ErrUnresolved] when it does not know the list, or an
	// [*UnknownEntries] when it knows the list is referenced but not what
	// it holds.
	PrefixList(id string) ([]netip.Prefix, error)
}

// Resolver is both resolvers, as [Compile] takes them.
type Resolver interface {
	GroupResolver
	PrefixListResolver
}

// StaticResolver is a [Resolver] over two maps: group ID → member private
// addresses, prefix list ID → CIDR blocks; and the groups whose members are
// unknown.
type StaticResolver struct {
	Members     map[string][]netip.Addr
	PrefixLists map[string][]netip.Prefix
	// Unknown lists groups whose members the input does not hold:
	// GroupMembers answers an [*UnknownMembers] for them (with no Known
	// addresses), unless Members lists them.
	Unknown []string
	// UnknownLists lists prefix lists whose entries the input does not
	// hold: PrefixList answers an [*UnknownEntries] for them, unless
	// PrefixLists holds them.
	UnknownLists []string
	// ListFamilies gives the address family ("IPv4" or "IPv6", as AWS
	// spells it) of lists of UnknownLists: the [*UnknownEntries] answer
	// carries it. A list it does not name may hold blocks of either
	// family.
	ListFamilies map[string]string
}

// GroupMembers implements [GroupResolver].
func (s StaticResolver) GroupMembers(group string) ([]netip.Addr, error) {
	members, ok := s.Members[group]
	if !ok && slices.Contains(s.Unknown, group) {
		return nil, &UnknownMembers{Group: group}
	}
	if !ok {
		return nil, fmt.Errorf("%w: security group %s is not known", ErrUnresolved, group)
	}
	return members, nil
}

// PrefixList implements [PrefixListResolver].
func (s StaticResolver) PrefixList(id string) ([]netip.Prefix, error) {
	p, ok := s.PrefixLists[id]
	if !ok && slices.Contains(s.UnknownLists, id) {
		return nil, &UnknownEntries{List: id, Family: s.ListFamilies[id]}
	}
	if !ok {
		return nil, fmt.Errorf("%w: prefix list %s is not known", ErrUnresolved, id)
	}
	return p, nil
}

// MarshalText implements [encoding.TextMarshaler] with the String form.
func (f Flavour) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

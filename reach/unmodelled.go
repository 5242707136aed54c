package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// UnmodelledAddress is an address inside a VPC that something the
// design does not model holds: the private (or IPv6) address of a
// network interface of a load balancer, a transit gateway attachment, an
// interface VPC endpoint, Global Accelerator, or any interface a loader
// leaves out (aws.Load declares every interface it leaves out so). AWS
// delivers a packet to the address to that thing, whose filters and
// behaviour reachsim does not know: a packet for it is undecided where
// it gets there ([UnmodelledDestination], naming Owner and What), never
// an unknown destination ([UnknownDestination]) that nothing holds. A
// certain block on the way there still makes the answer unreachable. A
// query cannot start from such an address.
type UnmodelledAddress struct {
	// Address is the address, inside a CIDR block of a VPC of the design,
	// or a public IPv4 address (an internet-facing load balancer's
	// Elastic IP, which the internet carries to it), held by nothing else
	// of it (no interface, NAT gateway or delegated prefix).
	Address netip.Addr
	// Owner is the ID of what holds it ("eni-0nlb"): [Model.Owner]
	// answers it for Address.
	Owner string
	// What says in words what Owner is ("network interface of a Network
	// Load Balancer (network_load_balancer)"), for the trace; "" reads as
	// "resource reachsim does not model".
	What string
	// LeftOutNames are the names a query may give the network interface
	// a loader leaves out that holds Address, beside the address itself
	// ([LeftOutNames]); zero for a thing no query names.
	LeftOutNames
}

// AddUnmodelledAddress declares addresses held by something the design
// does not model ([UnmodelledAddress]).
func (b *Builder) AddUnmodelledAddress(u ...UnmodelledAddress) *Builder {
	b.unmodelled = append(b.unmodelled, u...)
	return b
}

// UnmodelledGroupUse declares that something the design does not model
// (a load balancer's network interface, an RDS instance, a Lambda
// function's interface, any interface a loader leaves out) uses security
// groups of the design. The model answers no query about it, but lint
// must know the groups are in use: such a group is never SG_UNUSED, its
// rules are never SG_RULE_IMPLIED (the rules of an interface's groups
// are a union, semantics.md A.1, and the other groups of the thing are
// not weighed: removing a rule could close what it lets in), and a rule
// of another group that references it is neither implied nor a cover
// (the reference matches the thing's addresses too, which the model
// does not hold as members). Lint says so in [LintResult.Skipped].
// aws.Load declares every interface it leaves out that has groups;
// terraform.Parse every resource it does not model that names groups.
type UnmodelledGroupUse struct {
	// Owner is the ID of what uses the groups ("eni-0alb",
	// "aws_lb.web").
	Owner string
	// What says in words what Owner is ("network interface of a load
	// balancer (InterfaceType load_balancer)"), for lint's words; ""
	// reads as "resource reachsim does not model".
	What string
	// Groups are the IDs of the groups it uses. A group the design does
	// not hold is kept (it is in use), but lint has nothing of it to
	// weigh.
	Groups []string
}

// AddUnmodelledGroupUse declares security groups used by something the
// design does not model ([UnmodelledGroupUse]).
func (b *Builder) AddUnmodelledGroupUse(u ...UnmodelledGroupUse) *Builder {
	for _, x := range u {
		x.Groups = slices.Clone(x.Groups)
		b.unmodelledUses = append(b.unmodelledUses, x)
	}
	return b
}

// buildUnmodelledUses checks the group uses of what the design does not
// model and records, for each group, who uses it.
func (b *Builder) buildUnmodelledUses(p *problems, m *Model) {
	for i, u := range b.unmodelledUses {
		if u.Owner == "" || strings.ContainsAny(u.Owner, " \t\n") {
			p.add(u.Owner, path("unmodelledGroupUses", i, "Owner"), u.Owner, "an unmodelled group use needs the ID of what uses the groups, without spaces")
			continue
		}
		ok := true
		for j, g := range u.Groups {
			if g == "" || strings.ContainsAny(g, " \t\n") {
				p.add(u.Owner, path("unmodelledGroupUses", i, fmt.Sprintf("Groups[%d]", j)), g, "not a security group ID")
				ok = false
			}
		}
		if !ok {
			continue
		}
		u.Groups = slices.Clone(u.Groups)
		m.outsideUses = append(m.outsideUses, u)
		what := u.What
		if what == "" {
			what = "resource reachsim does not model"
		}
		for _, g := range u.Groups {
			if m.usedOutside == nil {
				m.usedOutside = map[string][]string{}
			}
			m.usedOutside[g] = append(m.usedOutside[g], fmt.Sprintf("%s (%s)", u.Owner, what))
		}
	}
	slices.SortStableFunc(m.outsideUses, func(a, b UnmodelledGroupUse) int { return strings.Compare(a.Owner, b.Owner) })
	for g, who := range m.usedOutside {
		slices.Sort(who)
		m.usedOutside[g] = slices.Compact(who)
	}
}

// UnmodelledGroupUses returns the security group uses declared with
// [Builder.AddUnmodelledGroupUse], sorted by owner (copies: changing
// them changes nothing in the model).
func (m *Model) UnmodelledGroupUses() []UnmodelledGroupUse {
	out := make([]UnmodelledGroupUse, len(m.outsideUses))
	for i, u := range m.outsideUses {
		u.Groups = slices.Clone(u.Groups)
		out[i] = u
	}
	return out
}

// unmodelledInfo is an [UnmodelledAddress] with the VPC that holds it.
type unmodelledInfo struct {
	UnmodelledAddress
	vpc *vpcInfo
}

// buildUnmodelled checks and claims the unmodelled addresses: each inside
// a VPC of the design and held by nothing else.
func (b *Builder) buildUnmodelled(p *problems, m *Model) {
	for i, u := range b.unmodelled {
		ap := path("unmodelledAddresses", i, "Address")
		switch {
		case u.Owner == "" || strings.ContainsAny(u.Owner, " \t\n"):
			p.add(u.Owner, path("unmodelledAddresses", i, "Owner"), u.Owner, "an unmodelled address needs the ID of what holds it, without spaces")
			continue
		case !u.Address.IsValid() || u.Address.Is4In6() || u.Address.Zone() != "":
			p.add(u.Owner, ap, u.Address.String(), "not a plain IPv4 or IPv6 address")
			continue
		}
		vi := m.vpcAt(u.Address)
		if vi == nil && (privateOrShared(u.Address) || u.Address.Is6()) {
			p.add(u.Owner, ap, u.Address.String(), "outside every VPC of the design: an unmodelled address is one a VPC holds, or a public IPv4 address")
			continue
		}
		if !claimAddr(p, m, u.Owner, ap, u.Address) {
			continue
		}
		if m.unmodelled == nil {
			m.unmodelled = map[netip.Addr]*unmodelledInfo{}
		}
		m.unmodelled[u.Address] = &unmodelledInfo{UnmodelledAddress: u, vpc: vi}
	}
}

// unmodelledPublicHop is the undecided hop of a packet the internet
// carries to a public IPv4 address something the design does not model
// holds (an internet-facing load balancer's), and whether there is one.
func (m *Model) unmodelledPublicHop(pkt flow.Flow) (Hop, bool) {
	u, ok := m.unmodelled[pkt.Dst.Addr()]
	if !ok {
		u, ok = m.unmodelledBlockAt(pkt.Dst.Addr()) // unmodelled_block.go
	}
	if !ok || u.vpc != nil {
		return Hop{}, false
	}
	return unmodelledHopOf(pkt, u, "a public address"), true
}

// UnmodelledAddresses returns the addresses declared with
// [Builder.AddUnmodelledAddress], sorted by address (copies: changing
// them changes nothing in the model).
func (m *Model) UnmodelledAddresses() []UnmodelledAddress {
	out := make([]UnmodelledAddress, 0, len(m.unmodelled))
	for _, u := range m.unmodelled {
		out = append(out, u.UnmodelledAddress)
	}
	slices.SortFunc(out, func(a, b UnmodelledAddress) int { return a.Address.Compare(b.Address) })
	return out
}

// unmodelledHop is the undecided hop of a packet for an address of vpc
// that something the design does not model holds, and whether there is
// one.
func (m *Model) unmodelledHop(pkt flow.Flow, vpc *vpcInfo) (Hop, bool) {
	u, ok := m.unmodelled[pkt.Dst.Addr()]
	if !ok || u.vpc != vpc {
		return Hop{}, false
	}
	return unmodelledHopOf(pkt, u, "in "+vpc.ID), true
}

// unmodelledHopOf is the undecided hop of a packet for u's address,
// where it is ("in vpc-1", "a public address").
func unmodelledHopOf(pkt flow.Flow, u *unmodelledInfo, where string) Hop {
	dst := pkt.Dst.Addr()
	what := u.What
	if what == "" {
		what = "resource reachsim does not model"
	}
	return Hop{Kind: KindUnmodelled, ID: u.Owner, Name: what, Packet: pkt, Verdict: flow.Indeterminate, Code: UnmodelledDestination,
		reason:  fmt.Sprintf("%s is the address of %s (%s), %s, which reachsim does not model: whether it accepts the packet, and what it does with it, is unknown", dst, u.Owner, what, where),
		Missing: fmt.Sprintf("what %s (%s) does with a packet to %s: its security groups, listeners and targets are not in the design", u.Owner, what, dst),
		Fix:     fmt.Sprintf("check by hand whether %s accepts the packet (its security groups, its subnet's network ACL, its listeners; AWS Reachability Analyzer can follow it)", u.Owner)}
}

package reach

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"

	"github.com/reachsim/reachsim/sg"
)

// Security group referencing across a transit gateway, as the AWS Transit
// Gateway guide documents it ("Security group referencing", in "Amazon
// VPC attachments in AWS Transit Gateway",
// https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html#vpc-attachment-security):
//
//   - The support is an option of the transit gateway (disable by
//     default) and of each VPC attachment (enable by default: the API
//     reference of CreateTransitGatewayVpcAttachmentRequestOptions,
//     "This option is set to enable by default. However, at the transit
//     gateway level the default is set to disable."), and "will only
//     work if it has been enabled for both a transit gateway and its VPC
//     attachments": reachsim requires it of the gateway and of both
//     attachments the packet crosses, the one it enters by and the one
//     it leaves by.
//   - "You can cross-reference security groups in inbound rules only.
//     Outbound security rules do not support security group
//     referencing." The packet keeps its group identity through the
//     gateway, so that an inbound rule of the destination that
//     references a group of the source's VPC matches the group's members
//     (their private IPv4 and IPv6 addresses, as within a VPC: the guide
//     restricts neither family). Outbound rules are judged before the
//     gateway, at the source, and reachsim does not tell a reference to
//     a group of a VPC behind a transit gateway apart there (AWS does
//     not accept one in an outbound rule).
//   - Referencing is between VPCs attached to the same gateway ("Both
//     VPCs must be attached to the same transit gateway"): a packet that
//     crosses a transit gateway a second time (through a VPC between)
//     keeps no identity.
//   - "not supported across transit gateway peering connections" and
//     "does not work across AWS Gateway Load Balancer or an AWS Network
//     Firewall" in an inspection VPC: reachsim does not model peering
//     attachments (an undecided hop), and a firewall endpoint or an
//     appliance the packet crosses loses its identity anyway.
//   - Where the gateway or an attachment crossed has the option off, the
//     identity is lost there (no reference matches beyond); where none
//     has it off but the input lacks one of the options
//     ([TransitGateway.SecurityGroupReferencingUnknown],
//     [TGWAttachment.SecurityGroupReferencingUnknown]), a reference that
//     would decide a packet beyond is undecided ([SGIndeterminate],
//     naming the option) and a packet no reference decides is judged as
//     usual.
//
// Not modelled: the guide's further limits (no support for VPC
// attachments in the zone use1-az3, which reachsim cannot tell from a
// zone's name; for PrivateLink endpoints, which reachsim does not model;
// for Local Zones other than those it lists, Outposts and Wavelength
// Zones).

// tgwReferencing says whether a packet that enters g through in and
// leaves through out keeps its security group identity: lost when the
// gateway or either attachment has security group referencing support
// off (or out is no VPC attachment reachsim models); else, unknown says
// which options the input lacks ("" when all are known and on).
func tgwReferencing(g *tgwInfo, in, out *tgwAttInfo) (lost bool, unknown string) {
	if !g.SecurityGroupReferencing && g.SecurityGroupReferencingUnknown == "" {
		return true, ""
	}
	var missing []string
	if u := g.SecurityGroupReferencingUnknown; u != "" {
		missing = append(missing, u)
	}
	for _, a := range [2]*tgwAttInfo{in, out} {
		if a.Type != "vpc" || a.Missing != "" || a.SecurityGroupReferencingDisabled && a.SecurityGroupReferencingUnknown == "" {
			return true, ""
		}
		if u := a.SecurityGroupReferencingUnknown; u != "" && (a == in || out != in) {
			missing = append(missing, u)
		}
	}
	return false, strings.Join(missing, "; ")
}

// crossTGW records what a packet that entered g through in and leaves
// through out keeps of its security group identity (tgwReferencing).
//
// The identity survives one crossing only: referencing works between
// VPCs attached to the same transit gateway, so a packet that crosses a
// second one (through a VPC between them) has lost it.
func (w *walker) crossTGW(g *tgwInfo, in, out *tgwAttInfo) {
	lost, unknown := tgwReferencing(g, in, out)
	crossings := 0
	for _, v := range w.visited {
		if v.kind == KindTransitGateway && v.rule != "" { // a crossing's visit names its route (tgw.go)
			crossings++
		}
	}
	switch {
	case crossings > 1:
		w.identity = false
	case lost:
		w.identity = false
	case unknown != "" && w.identity && w.idMaybe == "":
		w.idMaybe = fmt.Sprintf("whether %s carries the packet's security group identity: %s", tgwLabel(g), unknown)
	}
}

// sgReferencingFix is the fix of a security group hop that a reference
// across a transit gateway whose referencing support is unknown leaves
// undecided.
func sgReferencingFix(rule string) string {
	return "add the transit gateway's and its VPC attachments' Options.SecurityGroupReferencingSupport to the input " +
		"(aws ec2 describe-transit-gateways and describe-transit-gateway-vpc-attachments; Terraform's security_group_referencing_support), " +
		"or check by hand whether it is enabled on all three (rule " + rule + " matches across the gateway only then)"
}

// isMember reports whether a is certainly a member of the design's group
// g: a private address of an interface that carries it, or an address
// of a prefix delegated to one.
func (m *Model) isMember(g string, a netip.Addr) bool {
	if m.members[g][a] {
		return true
	}
	for _, p := range m.memberPrefixes[g] {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// maybeSG is the part of an sgPair for packets whose group identity a
// transit gateway whose referencing support is unknown may have kept:
// built at its first use.
type maybeSG struct {
	once sync.Once
	ev   *sg.Evaluator
}

// maybe returns the evaluator for packets whose group identity is
// unknown (identityUnknown), building it at the first call. Safe for
// concurrent use.
func (p *sgPair) maybe() *sg.Evaluator {
	p.maybeEv.once.Do(func() {
		ev, err := p.normal.WithMembership(identityUnknown{p.m})
		if err != nil {
			// identityUnknown knows every group Model.GroupMembers knows
			panic("reach: the identity-unknown evaluator of a compiled interface: " + err.Error())
		}
		p.maybeEv.ev = ev
	})
	return p.maybeEv.ev
}

// identityUnknown is what a security group sees of a packet that crossed
// a transit gateway whose security group referencing support the input
// lacks: a member of a design's group may match a reference to it (if
// the support is on) or not, so its members are unknown (and a free
// address a prefix delegated at launch to one may hold), and every other
// address, certainly no member, matches no reference. Groups the input
// does not hold and peers known only later answer as
// [Model.GroupMembers] does: their answer is unknown already.
type identityUnknown struct{ m *Model }

func (r identityUnknown) GroupMembers(group string) ([]netip.Addr, error) {
	if _, ok := r.m.members[group]; !ok {
		return r.m.GroupMembers(group)
	}
	m := r.m
	return nil, &sg.UnknownMembers{Group: group, Known: func(a netip.Addr) bool {
		if _, maybe := m.maybeMember[a]; maybe {
			return false
		}
		if ii, _ := m.maybeDelegatedMember(group, a); ii != nil {
			return false // a prefix delegated at launch may hold it (prefixes_unknown.go)
		}
		if ii, ok := m.ifaceByAddr(a); ok && ii.GroupsUnknown != "" {
			return false
		}
		return !m.isMember(group, a)
	}}
}

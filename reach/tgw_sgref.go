package reach

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/reachsim/reachsim/flow"
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
//     restricts neither family). An outbound rule that references a
//     group matches no address beyond a transit gateway: when the packet
//     crosses one, the outbound judgements of its leg made so far with
//     its identity are made again with every reference matching only
//     addresses of the judging interface's own VPC (sgPair.overTGW). AWS
//     accepts a reference to another VPC's group only where a peering
//     joins them, and it matches across the peering, not across a
//     transit gateway the routes prefer.
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
// unknown (identityUnknown), building it at the first call; the normal
// evaluator for groups of another flavour than AWS's (Alibaba Cloud
// groups take no part in a transit gateway's security group referencing,
// as overTGW says). Safe for concurrent use.
func (p *sgPair) maybe() *sg.Evaluator {
	if p.normal.Flavour() != sg.AWS {
		return p.normal
	}
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
	return nil, &sg.UnknownMembers{Group: group, Held: true, Known: func(a netip.Addr) bool {
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

// refOutHop is an outbound security group judgement of a leg made with
// the packet's group identity (walker.refOut): the hop's index, and
// where the judgement was deferred (matrix_fast.go) or listed as a
// filter (ports_fast.go), its index there (-1: not).
type refOutHop struct {
	ii                    *ifaceInfo
	hop, deferred, filter int32
}

// outboundOverTGW judges again, as a route sends the packet into a
// transit gateway (whatever the gateway then does with it), the leg's
// outbound security group judgements made so far with its group
// identity: their rules that reference groups match no address outside
// the interface's own VPC, since "outbound security rules do not support
// security group referencing" across a transit gateway. A deferred
// judgement is marked for its evaluator (sgHop.tgwOut); a hop whose
// groups have no such rule keeps its judgement, and, blocked, gets a fix
// that offers no group reference.
func (w *walker) outboundOverTGW() {
	for _, r := range w.refOut {
		vpc := r.ii.subnet.vpc
		if r.deferred >= 0 {
			w.deferred[r.deferred].tgwOut = vpc
			continue
		}
		ev := r.ii.sg.overTGW(vpc)
		if ev == r.ii.sg.normal {
			if h := &(*w.hops)[r.hop]; w.explain && h.Fix != "" && h.Code == SGNoAllow.OnLeg(w.leg) {
				h.Fix = sgFix(w.m, h.Packet, r.ii, flow.Outbound, false)
			}
			continue
		}
		if r.filter >= 0 {
			(*w.filters)[r.filter].sg = ev
		}
		h := &(*w.hops)[r.hop]
		pkt := h.Packet
		if w.bounds != nil {
			w.noteBounds(w.bounds, w.clientField(), int(r.hop), func() { ev.Bounds(pkt, flow.Outbound, w.bounds) })
		}
		*h = Hop{Leg: h.Leg, Kind: h.Kind, Direction: h.Direction, Packet: pkt, ID: h.ID, Name: h.Name, notes: h.notes}
		w.judgeSG(h, ev, r.ii, pkt, flow.Outbound, sgOverTGW)
		h.Code = h.Code.OnLeg(w.leg)
	}
	w.refOut = w.refOut[:0]
}

// outboundRefs reports whether an outbound rule of gs references a
// security group.
func outboundRefs(gs []sg.Group) bool {
	for _, g := range gs {
		for _, r := range g.Rules {
			if r.Direction == flow.Outbound && r.Peer.Kind == sg.PeerGroup {
				return true
			}
		}
	}
	return false
}

// tgwOutSG is the part of an sgPair for the outbound judgements of
// packets that cross a transit gateway (sgPair.overTGW): built at its
// first use, for the VPC it was first asked for.
type tgwOutSG struct {
	once sync.Once
	vpc  *vpcInfo
	ev   *sg.Evaluator
}

// overTGW returns the evaluator that judges, at an interface of vpc, an
// outbound packet that then crosses a transit gateway: every rule that
// references a group matches only addresses of vpc (outsideVPC); the
// normal evaluator when no outbound rule references one, or for groups
// of another flavour. Safe for concurrent use.
func (p *sgPair) overTGW(vpc *vpcInfo) *sg.Evaluator {
	if !p.outRefs || p.normal.Flavour() != sg.AWS {
		return p.normal
	}
	build := func() *sg.Evaluator {
		ev, err := p.normal.WithMembership(outsideVPC{p.m, vpc})
		if err != nil {
			// outsideVPC answers as Model.GroupMembers does, through
			// which normal was compiled
			panic("reach: the transit-gateway evaluator of a compiled interface: " + err.Error())
		}
		return ev
	}
	p.tgwOut.once.Do(func() { p.tgwOut.vpc, p.tgwOut.ev = vpc, build() })
	if p.tgwOut.vpc != vpc {
		return build() // one set of groups on interfaces of two VPCs (AWS refuses it): not kept
	}
	return p.tgwOut.ev
}

// outsideVPC is what an outbound rule of an interface of vpc sees of a
// packet that crosses a transit gateway: a group's members outside vpc
// are no members, whatever the model knows of them (a group the input
// does not hold, members known only later). A rule's peer known only
// later that stands for a block or a prefix list matches by address, as
// [Model.GroupMembers] says.
type outsideVPC struct {
	m   *Model
	vpc *vpcInfo
}

// GroupMembers implements [sg.GroupResolver]: [Model.GroupMembers]
// without the members outside vpc.
func (r outsideVPC) GroupMembers(group string) ([]netip.Addr, error) {
	addrs, err := r.m.GroupMembers(group)
	if u, ok := r.m.unknownPeers[group]; ok && u.Of.Kind != sg.PeerGroup {
		return addrs, err
	}
	var um *sg.UnknownMembers
	if err != nil && !errors.As(err, &um) {
		return nil, err
	}
	if um == nil {
		return slices.DeleteFunc(addrs, func(a netip.Addr) bool { return !r.vpc.contains(a) }), nil
	}
	cp := *um
	cp.Members = slices.DeleteFunc(slices.Clone(um.Members), func(a netip.Addr) bool { return !r.vpc.contains(a) })
	known := um.Known
	cp.Known = func(a netip.Addr) bool { return !r.vpc.contains(a) || known != nil && known(a) }
	return nil, &cp
}

// GroupPrefixes implements [sg.GroupPrefixResolver]: the prefixes
// delegated to the group's members inside vpc.
func (r outsideVPC) GroupPrefixes(group string) []netip.Prefix {
	return slices.DeleteFunc(r.m.GroupPrefixes(group), func(p netip.Prefix) bool { return !r.vpc.contains(p.Addr()) })
}

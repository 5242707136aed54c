package reach_test

import (
	"net/netip"
	"slices"
	"strconv"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// The filter reference: the two core filters of AWS judged along the
// routing reference's walk (route_ref_test.go), with plain loops over the
// sg.Group and nacl.ACL values the design gives the builder. Nothing here
// calls an evaluator of package sg or nacl, or anything the builder
// compiled.
//
//   - Network ACLs. Where the packet moves from one subnet to another
//     (leaving the source's, entering the destination's, and the same at
//     every subnet a route sends it through: a NAT gateway's, an
//     appliance's, a firewall endpoint's), the ACL of the subnet it
//     leaves judges it outbound and the ACL of the subnet it enters
//     judges it inbound; from an internet gateway only the entered
//     subnet's ACL, towards one (or an unmodelled target) only the left
//     subnet's. Across a peering connection, the subnet left judges the
//     packet outbound before the connection, the subnet entered in the
//     peer VPC inbound beyond it; towards a gateway endpoint, the subnet
//     left outbound (the reply, coming back from the service, the
//     entered subnet's inbound). Into a transit gateway (AWS, "Network
//     ACLs for transit gateways"), the subnet left judges it outbound and
//     the attachment subnet it enters by inbound, even when they are one
//     subnet; out of one, the packet is in the exit attachment subnet,
//     whose ACL judges it outbound as it goes to another subnet (neither
//     ACL judges when the destination is in the attachment subnet
//     itself). Between two addresses of one subnet no ACL judges. A
//     subnet's ACL is its own (Subnet.ACL), else its VPC's default. The
//     entries of the direction are tried by rule number, lowest first;
//     the first that matches decides, and none matching denies (rule
//     "*"). An entry matches by protocol (-1 all), by CIDR (the source
//     inbound, the destination outbound, of the packet's family), by
//     destination port for TCP and UDP, and by ICMP type and code for
//     ICMP (and ICMPv6 with an IPv6 CIDR). ACLs are stateless: the reply
//     is judged on its own, its ports swapped. The reply to the port a
//     NAT gateway picked is judged at every port the gateway may pick
//     (1024-65535); where they are not all judged alike the answer is
//     undecided, and the query is skipped.
//   - Security groups (AWS). The groups of the sender's interface judge
//     the packet outbound, those of the receiver's inbound (an
//     appliance's too, as a route brings it a packet; an appliance that
//     forwards it, its source/destination check off or unknown, or its
//     own packet routed back to it, judges it outbound too, the packet
//     having lost its identity there, and its subnet's ACL judges it
//     entering and leaving as any subnet's). They allow only:
//     the packet passes when a rule of any of the interface's groups
//     matches it: direction, protocol (-1 all), destination port for TCP
//     and UDP, ICMP type and code (-1 all) for ICMP and ICMPv6, and the
//     peer (the source inbound, the destination outbound): a CIDR that
//     holds it, a prefix list one of whose entries (the design's
//     reach.PrefixList) holds it (one whose entries the input lacks may
//     hold any address of its family: where it could decide, the query is
//     skipped), or a group of which an interface holding the peer address
//     is a member, unless the packet crossed a middlebox (a firewall
//     endpoint, a NAT gateway, on the request or on the reply it sends
//     back, an appliance) or the internet on its way: AWS's VPC
//     guide ("Middlebox routing", security group rules) says a reference
//     to the other instance's group does not let such traffic through,
//     only its address or subnet does. A reference matches across a
//     peering connection (the peer VPC's members' addresses). Across a
//     transit gateway (tgw_sgref.go, the Transit Gateway guide's
//     "Security group referencing"): an outbound rule's reference
//     matches no address beyond one, so the outbound judgements made
//     before the gateway are made again with references matching only
//     members in the judging interface's own VPC; the packet keeps its
//     identity only on its first crossing, with the gateway's security
//     group referencing support on and neither attachment's off, and
//     then inbound references beyond match members in the VPC it came
//     from; otherwise it loses it. Where the input lacks one of those
//     options the query is skipped.
//     Groups are stateful: on the reply, an interface whose
//     groups judged the request passes it (as the engine words it, "had
//     they let the request through, its reply would pass"); any other
//     judges the reply on its own.
//
// The scope is honest: a query is skipped (refSession.skip) where the
// walk meets what this reference does not model: a NAT instance (an
// appliance that may translate at the internet gateway), a request that
// may come in privately, the undecided reply
// to a NAT gateway's port, and a transit gateway whose security group
// referencing support the input lacks, a group rule whose prefix list's
// entries the input lacks, and an instance of several interfaces that
// forwards (its operating system picks the interface it leaves by:
// appliance_egress_fork.go). Alibaba Cloud groups and instances of
// several interfaces: filter_ref_ali_test.go. The designs it is tried on
// hold no unresolved groups or ACL entries known only later, and every
// firewall policy passes everything.

// refFilt is one filter judgement: at is the index, among the leg's
// routing hops, of the hop it precedes.
type refFilt struct {
	at   int
	kind reach.Kind // reach.KindNetworkACL or reach.KindSecurityGroups
	id   string     // the ACL's ID; for groups, the interface's
	dir  flow.Direction
	rule string // the ACL entry that decided ("*": none did)
	code reach.Code
	// for groups that judged the packet on its own, with its identity:
	// the packet, to judge again when it crosses a transit gateway
	pkt   flow.Flow
	ident bool
}

// unfiltered is n without the filter reference.
func (n *refNet) unfiltered() *refNet {
	c := *n
	c.filtered = false
	return &c
}

func (l *refLeg) skipFor(why string) {
	if l.n.filtered && l.skip == "" {
		l.skip = why
	}
}

// enter moves pkt into subnet: the ACL of the subnet it is in judges it
// outbound, the entered one's inbound, unless they are one subnet.
func (l *refLeg) enter(pkt flow.Flow, subnet string) {
	if !l.n.filtered {
		return
	}
	if l.cur != subnet {
		if l.cur != "" {
			l.acl(pkt, l.cur, flow.Outbound)
		}
		l.acl(pkt, subnet, flow.Inbound)
	}
	l.cur = subnet
}

// leave moves pkt out of the subnet it is in, to no subnet.
func (l *refLeg) leave(pkt flow.Flow) {
	if l.n.filtered && l.cur != "" {
		l.acl(pkt, l.cur, flow.Outbound)
	}
}

// aclByID is the network ACL with that ID.
func (n *refNet) aclByID(id string) nacl.ACL {
	for _, a := range n.d.ACLs {
		if a.ID == id {
			return a
		}
	}
	panic("no network ACL " + id)
}

func (l *refLeg) acl(pkt flow.Flow, subnet string, dir flow.Direction) {
	a := l.n.aclByID(l.n.aclOf(l.n.subnet(subnet)))
	rule, pass := refACL(a, pkt, dir)
	byDefault := rule == "*" // every port that denies is denied by no entry
	if l.reply && pkt.Protocol.HasPorts() && l.toNATPort(pkt) {
		// the reply goes to the port the NAT gateway picked: any of
		// 1024-65535 (never the request's own source port)
		q := pkt
		q.Dst = netip.AddrPortFrom(q.Dst.Addr(), 1024)
		rule, pass = refACL(a, q, dir)
		byDefault = rule == "*"
		for p := 1025; p <= 65535; p++ {
			q.Dst = netip.AddrPortFrom(q.Dst.Addr(), uint16(p))
			r, ok := refACL(a, q, dir)
			if ok != pass {
				l.skipFor("the reply to a NAT gateway's port, judged differently across its ports")
			}
			if !ok && r != "*" {
				byDefault = false
			}
			if r != rule {
				rule = "" // several entries: the rule is not compared
			}
		}
	}
	f := refFilt{at: len(l.hops), kind: reach.KindNetworkACL, id: a.ID, dir: dir, rule: rule}
	if !pass {
		f.code = reach.ACLDeny
		if byDefault {
			f.code = reach.ACLDefaultDeny
		}
	}
	l.filts = append(l.filts, f)
}

// toNATPort reports whether pkt, on the reply, is addressed to a NAT
// gateway that translated the request (its private or public address).
func (l *refLeg) toNATPort(pkt flow.Flow) bool {
	for _, rec := range l.fwdNATs {
		g := l.n.nat(rec.id)
		if g.PrivateIP == pkt.Dst.Addr() || g.PublicIP.IsValid() && g.PublicIP == pkt.Dst.Addr() {
			return true
		}
	}
	return false
}

// refACL judges pkt by a's entries of dir: the deciding rule number ("*"
// for none) and whether it passes.
func refACL(a nacl.ACL, pkt flow.Flow, dir flow.Direction) (string, bool) {
	var es []nacl.Entry
	for _, e := range a.Entries {
		if e.Direction == dir {
			es = append(es, e)
		}
	}
	slices.SortFunc(es, func(x, y nacl.Entry) int { return x.Number - y.Number })
	peer := pkt.Src.Addr()
	if dir == flow.Outbound {
		peer = pkt.Dst.Addr()
	}
	for _, e := range es {
		if e.Protocol != flow.AllProtocols && e.Protocol != pkt.Protocol {
			continue
		}
		if !e.CIDR.Contains(peer) {
			continue
		}
		if e.Protocol == flow.TCP || e.Protocol == flow.UDP {
			p := pkt.Dst.Port()
			if e.PortZero && p != 0 || !e.PortZero && (p < e.Ports.Lo || p > e.Ports.Hi) {
				continue
			}
		}
		if e.Protocol == flow.ICMP || e.Protocol == flow.ICMPv6 && e.CIDR.Addr().Is6() {
			if !icmpMatches(e.ICMPType, e.ICMPCode, pkt) {
				continue
			}
		}
		return strconv.Itoa(e.Number), e.Action == flow.Pass
	}
	return "*", false
}

func icmpMatches(typ, code int16, pkt flow.Flow) bool {
	return typ == -1 || int(typ) == int(pkt.ICMPType) && (code == -1 || int(code) == int(pkt.ICMPCode))
}

// groups judges pkt at the security groups of interface iface in dir.
func (l *refLeg) groups(iface string, pkt flow.Flow, dir flow.Direction) {
	if !l.n.filtered {
		return
	}
	stateful := l.reply && slices.Contains(l.fwdMet, iface)
	if !slices.Contains(l.sgMet, iface) {
		l.sgMet = append(l.sgMet, iface)
	}
	f := refFilt{at: len(l.hops), kind: reach.KindSecurityGroups, id: iface, dir: dir}
	if in := l.n.iface(iface); !stateful && l.n.alibabaIface(in) {
		f.code = l.aliGroups(in, pkt, dir) // filter_ref_ali_test.go
	} else if !stateful {
		f.pkt, f.ident = pkt, !l.blind
		scope := "" // inbound beyond a transit gateway: the VPC it came from
		if dir == flow.Inbound && !l.blind {
			scope = l.scope
			if scope != "" {
				l.n.stats["groups judge a packet beyond a transit gateway with its identity"]++
			}
		}
		allows, maybe := l.n.sgAllows(l.n.iface(iface), pkt, dir, l.blind, scope)
		if l.lostBy != "" && l.blind && !allows {
			if with, _ := l.n.sgAllows(l.n.iface(iface), pkt, dir, false, scope); with {
				l.n.stats["a group reference "+l.lostBy+" keeps from matching"]++
			}
		}
		switch {
		case !allows && maybe:
			l.skipFor("a group membership or prefix list known only later")
		case !allows:
			f.code = reach.SGNoAllow
		}
	}
	l.filts = append(l.filts, f)
}

// sgAllows reports whether a rule of one of in's groups allows pkt in dir
// (blind: the packet lost its group identity, and rules that reference
// groups match nothing),
// and, when none does, whether one may: it references a group with a
// member whose prefixes, known only later, may hold the peer address.
func (n *refNet) sgAllows(in reach.Interface, pkt flow.Flow, dir flow.Direction, blind bool, scope string) (allows, maybe bool) {
	peer := pkt.Src.Addr()
	if dir == flow.Outbound {
		peer = pkt.Dst.Addr()
	}
	for _, id := range in.Groups {
		for _, g := range n.d.Groups {
			if g.ID != id {
				continue
			}
			for _, r := range g.Rules {
				if r.Direction != dir {
					continue
				}
				switch match, may := n.sgRuleMatches(r, pkt, peer, blind, scope, n.subnet(in.Subnet).VPC); {
				case match:
					return true, false
				case may:
					maybe = true
				}
			}
		}
	}
	return false, maybe
}

// sgRuleMatches reports whether r matches pkt, whose peer address is
// peer, and, when it does not, whether it may (a member's prefixes,
// known only later, may hold peer).
func (n *refNet) sgRuleMatches(r sg.Rule, pkt flow.Flow, peer netip.Addr, blind bool, scope, home string) (match, maybe bool) {
	if r.Protocol != flow.AllProtocols && r.Protocol != pkt.Protocol {
		return false, false
	}
	switch r.Protocol {
	case flow.TCP, flow.UDP:
		p := pkt.Dst.Port()
		if r.PortZero && p != 0 || !r.PortZero && (p < r.Ports.Lo || p > r.Ports.Hi) {
			return false, false
		}
	case flow.ICMP, flow.ICMPv6:
		if !icmpMatches(r.ICMPType, r.ICMPCode, pkt) {
			return false, false
		}
	}
	switch r.Peer.Kind {
	case sg.PeerCIDR:
		return r.Peer.CIDR.Contains(peer), false
	case sg.PeerGroup:
		if blind {
			n.stats["a group reference after a middlebox"]++
			if slices.ContainsFunc(n.d.Interfaces, func(in reach.Interface) bool { return slices.Contains(in.Groups, r.Peer.Group) && holdsAddr(in, peer) }) {
				n.stats["a group reference that the middlebox keeps from matching"]++
			}
			return false, false
		}
		// a member's interface holds the peer address (one of VPC scope
		// when scope is set)
		for _, in := range n.d.Interfaces {
			if scope != "" && n.subnet(in.Subnet).VPC != scope {
				continue
			}
			if slices.Contains(in.Groups, r.Peer.Group) && holdsAddr(in, peer) {
				n.stats["a group reference matches"]++
				if v := n.subnet(in.Subnet).VPC; v != home && scope == "" {
					n.stats["a group reference matches a member of another VPC"]++
				} else if v != home {
					n.stats["a group reference matches across a transit gateway"]++
				}
				return true, false
			}
		}
		for _, in := range n.d.Interfaces {
			if scope != "" && n.subnet(in.Subnet).VPC != scope {
				continue
			}
			if slices.Contains(in.Groups, r.Peer.Group) && n.prefixMayHold(in, peer) {
				return false, true
			}
		}
		n.stats["a group reference matches nothing"]++
		return false, false
	case sg.PeerPrefixList:
		// an entry of the design's list holds the peer; a list whose
		// entries the input lacks may hold any address of its family
		if slices.Contains(n.unresolved, r.Peer.PrefixList) {
			if fam := n.families[r.Peer.PrefixList]; fam == sg.FamilyIPv4 && peer.Is6() || fam == sg.FamilyIPv6 && peer.Is4() {
				return false, false
			}
			n.stats["a prefix list of unknown entries may match"]++
			return false, true
		}
		if slices.ContainsFunc(n.list(r.Peer.PrefixList), func(p netip.Prefix) bool { return p.Contains(peer) }) {
			n.stats["a prefix list matches"]++
			return true, false
		}
		n.stats["a prefix list matches nothing"]++
		return false, false
	}
	panic("the filter reference does not model peer " + r.Peer.String())
}

// tgwIdentity records that the packet entered a transit gateway. An
// outbound rule that references a group matches no address beyond a
// transit gateway (AWS supports references across one in inbound rules
// only): the outbound judgements of the leg made with the packet's
// identity are made again with references matching only members in the
// judging interface's own VPC. The packet's identity is lost in the
// gateway unless tgwKeeps says otherwise once the route is known.
func (l *refLeg) tgwIdentity() {
	if !l.n.filtered {
		return
	}
	for i := range l.filts {
		f := &l.filts[i]
		if f.kind != reach.KindSecurityGroups || f.dir != flow.Outbound || !f.ident {
			continue
		}
		f.ident = false
		iface := l.n.iface(f.id)
		switch allows, maybe := l.n.sgAllows(iface, f.pkt, flow.Outbound, false, l.n.subnet(iface.Subnet).VPC); {
		case !allows && maybe:
			l.skipFor("a group membership or prefix list known only later")
		case !allows:
			if f.code == "" {
				l.n.stats["an outbound group reference does not cross a transit gateway"]++
			}
			f.code = reach.SGNoAllow
		}
	}
	l.tgwCrossed++
	l.tgwWasBlind = l.blind
	l.blind, l.scope = true, ""
}

// tgwKeeps decides, once the route through transit gateway tgw is known
// (from VPC attachment in to VPC attachment out), whether the packet
// keeps its group identity: only on its first crossing of a transit
// gateway, with its identity until then, and with security group
// referencing support on at the gateway and at both attachments
// (tgw_sgref.go, AWS's Transit Gateway guide). Inbound references beyond
// then match members in the VPC it came from. Where the input lacks one
// of those options the reference does not answer.
func (l *refLeg) tgwKeeps(tgw string, in, out reach.TGWAttachment) {
	if !l.n.filtered || l.tgwCrossed != 1 || l.tgwWasBlind {
		return
	}
	var g reach.TransitGateway
	for _, x := range l.n.tgws {
		if x.ID == tgw {
			g = x
		}
	}
	switch {
	case !g.SecurityGroupReferencing && g.SecurityGroupReferencingUnknown == "", in.SecurityGroupReferencingDisabled, out.SecurityGroupReferencingDisabled:
		l.n.stats["a transit gateway without security group referencing"]++
		l.lostBy = "a transit gateway"
	case g.SecurityGroupReferencingUnknown != "" || in.SecurityGroupReferencingUnknown != "" || out.SecurityGroupReferencingUnknown != "":
		l.skipFor("security group referencing across a transit gateway, unknown")
	default:
		l.n.stats["a transit gateway with security group referencing"]++
		l.blind, l.scope = false, in.VPC
	}
}

// forward sends pkt on from appliance in, which a route brought it to
// (its groups and its subnet's ACL judged it inbound): the packet has
// lost its group identity in the middlebox, so that even the appliance's
// own groups judge it outbound with references matching nothing (AWS,
// "Middlebox routing": rules that reference the other side's group do
// not apply to traffic through a middlebox); it then leaves the
// appliance's subnet as any packet does.
func (l *refLeg) forward(in reach.Interface, pkt flow.Flow) {
	if l.n.filtered {
		l.blind, l.scope, l.lostBy = true, "", "an appliance"
		l.groups(in.ID, pkt, flow.Outbound)
		l.n.stats["an appliance forwards"]++
	}
	l.fromSubnet(pkt, in.Subnet)
}

// The filter reference's Alibaba Cloud security groups and instances of
// several network interfaces (filter_ref_test.go holds the rest), and
// what the randomized test (filter_ref_agree_test.go) adds to its designs
// to try them.
//
//   - Alibaba Cloud groups (semantics.md E.1-E.3; Alibaba's
//     AuthorizeSecurityGroup, ModifySecurityGroupPolicy). An interface
//     whose groups are of an Alibaba flavour (all of one, as Alibaba
//     demands) judges a packet so: a basic group it wears whose inner
//     access policy is Accept lets in and out a packet whose peer is a
//     member of that group, whatever the rules say; otherwise the rules of
//     the direction, of every group it wears, that match the packet
//     (protocol, -1 all; destination port for TCP and UDP; every ICMP
//     type and code, Alibaba naming none; the peer by CIDR, by a prefix
//     list's entry, or, in a basic group's rule, by a group one of whose
//     members' interfaces holds it) are read for the smallest priority
//     number, and among those a drop wins a tie; none matching, a basic
//     group lets the packet out and keeps it out, an enterprise group
//     keeps it both ways. Denied: SG_DENY. After a middlebox or the
//     internet, Alibaba documents nothing of the group identity (reach's
//     alibaba_sg.go): the packet is judged with the members kept and with
//     no group having members; where the two differ the judgement is
//     undecided (SG_INDETERMINATE). Stateful as AWS's: the reply passes
//     an interface whose groups judged the request.
//   - An instance of several interfaces (Interface.Instance), each in a
//     subnet of its own: a packet it sends from an interface's address
//     leaves by that interface, and one for an interface's address
//     arrives at it, as for any interface. A packet a route sends to one
//     of its interfaces that the instance forwards, its guest operating
//     system picks the interface it leaves by, which the input does not
//     say (the engine walks each and answers Indeterminate,
//     APPLIANCE_EGRESS_UNKNOWN, where they differ): the reference does
//     not follow that choice, and skips the query with a reason of its
//     own (so it does for a packet a route sends to one interface but
//     addressed to another interface of the instance; with the receiving
//     interface's source/destination check on, it drops the packet, as
//     any interface's check does).

package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// groupOf is the design's group with that ID.
func (n *refNet) groupOf(id string) sg.Group {
	for _, g := range n.d.Groups {
		if g.ID == id {
			return g
		}
	}
	panic("no security group " + id)
}

// alibabaIface reports whether in's groups are Alibaba Cloud's.
func (n *refNet) alibabaIface(in reach.Interface) bool {
	return len(in.Groups) > 0 && n.groupOf(in.Groups[0]).Flavour.IsAlibaba()
}

// memberHolds reports whether an interface that wears group holds a.
func (n *refNet) memberHolds(group string, a netip.Addr) bool {
	return slices.ContainsFunc(n.d.Interfaces, func(in reach.Interface) bool { return slices.Contains(in.Groups, group) && holdsAddr(in, a) })
}

// aliAllows judges pkt in dir by in's Alibaba Cloud groups; members says
// whether a group has its members (false: the packet's identity is lost,
// no group reference or inner access policy matches it).
func (n *refNet) aliAllows(in reach.Interface, pkt flow.Flow, dir flow.Direction, members bool) bool {
	peer := pkt.Src.Addr()
	if dir == flow.Outbound {
		peer = pkt.Dst.Addr()
	}
	basic := false
	for _, id := range in.Groups {
		g := n.groupOf(id)
		if g.Flavour == sg.AlibabaBasic {
			basic = true
			if !g.InnerAccessDrop && members && n.memberHolds(g.ID, peer) {
				n.stats["alibaba: a basic group's members reach each other"]++
				return true
			}
		}
	}
	best, action, matched := 0, flow.Pass, 0
	for _, id := range in.Groups {
		for _, r := range n.groupOf(id).Rules {
			if r.Direction != dir || r.Protocol != flow.AllProtocols && r.Protocol != pkt.Protocol {
				continue
			}
			if p := pkt.Dst.Port(); r.Protocol.HasPorts() && (p < r.Ports.Lo || p > r.Ports.Hi) {
				continue
			}
			switch r.Peer.Kind {
			case sg.PeerCIDR:
				if !r.Peer.CIDR.Contains(peer) {
					continue
				}
			case sg.PeerPrefixList:
				if !slices.ContainsFunc(n.list(r.Peer.PrefixList), func(p netip.Prefix) bool { return p.Contains(peer) }) {
					continue
				}
			case sg.PeerGroup:
				if !members || !n.memberHolds(r.Peer.Group, peer) {
					continue
				}
			default:
				panic("the filter reference does not model peer " + r.Peer.String())
			}
			matched++
			switch {
			case matched == 1 || r.Priority < best:
				best, action = r.Priority, r.Action
			case r.Priority == best && r.Action != action:
				n.stats["alibaba: rules of one priority, accept and drop, tie"]++
				action = flow.Drop
			}
		}
	}
	if matched > 0 {
		n.stats["alibaba: a rule decides"]++
		return action == flow.Pass
	}
	return basic && dir == flow.Outbound
}

// aliGroups is groups for an interface whose groups are Alibaba Cloud's:
// the code of f, the judgement of pkt by them in dir.
func (l *refLeg) aliGroups(in reach.Interface, pkt flow.Flow, dir flow.Direction) reach.Code {
	kept := l.n.aliAllows(in, pkt, dir, true)
	if l.blind {
		if lost := l.n.aliAllows(in, pkt, dir, false); lost != kept {
			l.n.stats["alibaba: kept and lost identity judge apart"]++
			return reach.SGIndeterminate
		}
	}
	if !kept {
		return reach.SGDeny
	}
	return ""
}

// siblingsOf are the other interfaces of in's instance.
func (n *refNet) siblingsOf(in reach.Interface) []reach.Interface {
	var out []reach.Interface
	if in.Instance == "" {
		return nil
	}
	for _, o := range n.d.Interfaces {
		if o.Instance == in.Instance && o.ID != in.ID {
			out = append(out, o)
		}
	}
	return out
}

// throughInstance is met where a route sends pkt to interface in, which
// does not hold its destination: an instance of several interfaces
// whose check lets it forward the packet sends it out of the interface
// its guest operating system picks, which the reference does not
// follow (nor the engine, for a packet addressed to another of its
// interfaces: that one too is skipped here). With the check on, the
// receiving interface drops it (SOURCE_DEST_CHECK), as any interface's.
func (l *refLeg) throughInstance(in reach.Interface, pkt flow.Flow) {
	sibs := l.n.siblingsOf(in)
	switch {
	case len(sibs) == 0:
	case !holdsAddr(in, pkt.Src.Addr()) && (in.SourceDestCheckDisabled || in.SourceDestCheckUnknown != ""):
		l.forked = true
		l.skipFor("an instance of several interfaces forwards (its operating system picks the interface)")
	}
}

// alibabaGroups gives the design (one or two VPCs, no transit gateway or
// peering) Alibaba Cloud groups in place of AWS's: per VPC two basic
// groups (one perhaps isolated, inner access policy Drop) and two
// enterprise ones, with random accept and drop rules of few priorities
// (ties frequent), peers from cidrs, the design's prefix lists and, in
// basic groups, the VPC's basic groups; each interface wears one or two
// groups of one type of its VPC.
func alibabaGroups(n *refNet, rng *rand.Rand, cidrs []netip.Prefix) {
	d := n.d
	chance := func(p float64) bool { return rng.Float64() < p }
	d.Groups = nil
	protocols := []flow.Protocol{flow.AllProtocols, flow.TCP, flow.TCP, flow.UDP, flow.ICMP, flow.GRE}
	priorities := []int{1, 1, 5, 5, 50, 100}
	for _, v := range d.VPCs {
		basic := []string{"sg-" + v.ID + "-b0", "sg-" + v.ID + "-b1"}
		for k, id := range append(slices.Clone(basic), "sg-"+v.ID+"-e0", "sg-"+v.ID+"-e1") {
			g := sg.Group{ID: id, VPCID: v.ID, Flavour: sg.AlibabaBasic}
			if k >= 2 {
				g.Flavour = sg.AlibabaEnterprise
			}
			g.InnerAccessDrop = k == 1 && chance(0.5)
			for range 1 + rng.IntN(6) {
				r := sg.Rule{Direction: flow.Inbound, Protocol: protocols[rng.IntN(len(protocols))], ICMPType: -1, ICMPCode: -1,
					Action: flow.Pass, Priority: priorities[rng.IntN(len(priorities))]}
				if chance(0.5) {
					r.Direction = flow.Outbound
				}
				if chance(0.35) {
					r.Action = flow.Drop
				}
				if r.Protocol.HasPorts() {
					r.Ports = flow.PortRange{Lo: 1, Hi: 65535}
					if chance(0.7) {
						a, b := filterEdgePorts[1+rng.IntN(len(filterEdgePorts)-1)], filterEdgePorts[1+rng.IntN(len(filterEdgePorts)-1)]
						r.Ports = flow.PortRange{Lo: min(a, b), Hi: max(a, b)}
					}
				}
				r.Peer = sg.Peer{Kind: sg.PeerCIDR, CIDR: cidrs[rng.IntN(len(cidrs))].Masked()}
				switch {
				case g.Flavour == sg.AlibabaBasic && chance(0.3):
					r.Peer = sg.GroupRef(basic[rng.IntN(len(basic))])
				case len(n.lists) > 0 && chance(0.15):
					r.Peer = sg.Peer{Kind: sg.PeerPrefixList, PrefixList: n.lists[rng.IntN(len(n.lists))].ID}
				}
				g.Rules = append(g.Rules, r)
			}
			if g.Flavour == sg.AlibabaEnterprise && chance(0.6) {
				g.Rules = append(g.Rules, sg.Rule{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1,
					Action: flow.Pass, Priority: 100, Peer: sg.AnyIPv4})
			}
			d.Groups = append(d.Groups, g)
		}
	}
	for i := range d.Interfaces {
		in := &d.Interfaces[i]
		v := n.subnet(in.Subnet).VPC
		kind := "b"
		if chance(0.3) {
			kind = "e"
		}
		in.Groups = []string{fmt.Sprintf("sg-%s-%s%d", v, kind, rng.IntN(2))}
		if chance(0.3) {
			if o := fmt.Sprintf("sg-%s-%s%d", v, kind, rng.IntN(2)); o != in.Groups[0] {
				in.Groups = append(in.Groups, o)
			}
		}
		// Alibaba Cloud has no prefixes AWS delegates at launch
		in.IPv4PrefixesUnknown, in.IPv6PrefixesUnknown = "", ""
	}
}

// multiInterface makes one or two instances of two or three interfaces
// each, in different subnets of one VPC.
func multiInterface(n *refNet, rng *rand.Rand) {
	d := n.d
	used := map[string]bool{}
	for k := range 1 + rng.IntN(2) {
		v := d.VPCs[rng.IntN(len(d.VPCs))].ID
		var pick []int
		seen := map[string]bool{}
		for _, i := range rng.Perm(len(d.Interfaces)) {
			in := d.Interfaces[i]
			if n.subnet(in.Subnet).VPC != v || seen[in.Subnet] || used[in.ID] || in.InterfaceEndpoint != "" {
				continue
			}
			seen[in.Subnet] = true
			pick = append(pick, i)
			if len(pick) == 2+rng.IntN(2) {
				break
			}
		}
		if len(pick) < 2 {
			continue
		}
		for _, i := range pick {
			d.Interfaces[i].Instance = fmt.Sprintf("i-%d", k)
			used[d.Interfaces[i].ID] = true
		}
	}
}

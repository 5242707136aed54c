package reach

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// How reach judges Alibaba Cloud security groups where Alibaba's rules
// differ from AWS's.
//
//   - After a middlebox: AWS documents that a rule referencing a group
//     does not match a packet a middlebox (an appliance with its
//     source/destination check off, a NAT gateway, a firewall endpoint)
//     forwarded. Alibaba Cloud documents nothing of the kind, and what it
//     does document (a basic group's capacity counted in its members'
//     private addresses; inner access policy Accept letting members reach
//     each other "regardless of custom rules", ModifySecurityGroupPolicy)
//     does not decide it either. So an Alibaba Cloud group judges such a
//     packet both ways, its membership kept (matched by the sender's
//     private address) and lost ([sg.Evaluator.Either], sgPair.blind):
//     where they agree the answer is certain, where they differ the hop is
//     undecided ([SGIndeterminate]), naming what is missing.
//   - The fix of a denial (alibabaSGFix): rules of all the interface's
//     groups are read by priority, 1 first, a drop rule winning a tie
//     (AuthorizeSecurityGroup,
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-authorizesecuritygroup),
//     so against a deciding drop rule the fix is an accept rule of a
//     higher priority (a smaller number), or removing or narrowing the
//     drop rule (priority 1 has nothing above it); an enterprise
//     (advanced) group's rules cannot reference groups, so its fix never
//     offers one as the peer, and a basic group's fix offers a group of
//     its own VPC only (AuthorizeSecurityGroup). Where the groups judge
//     the packet both ways (after a middlebox) and the views differ in
//     what decides, the trace names the drop rule that comes first in
//     either view, and the fix must make both accept (alibabaViewsFix,
//     alibaba_fix.go).

// identityUnknownHop words the hop h of ii's Alibaba Cloud groups, which
// decide pkt differently with the sender's group membership kept and
// lost after a middlebox, or after the internet when internet is set
// ([sg.EitherDiffers]).
func identityUnknownHop(m *Model, h *Hop, ev *sg.Evaluator, ii *ifaceInfo, pkt flow.Flow, dir flow.Direction, internet bool, span flow.PortRange) {
	h.Code = SGIndeterminate
	after, lostBy := "a middlebox forwarded it", "AWS's rule for its own groups"
	if internet {
		after, lostBy = "it crossed the internet", "as reachsim judges AWS's groups"
	}
	kept := ii.sg.normal.Evaluate(pkt, dir)
	peer := pkt.Src.Addr()
	if dir == flow.Outbound {
		peer = pkt.Dst.Addr()
	}
	kw, lw := "deny", "allow"
	if kept.Allowed() {
		kw, lw = "allow", "deny"
	}
	h.Missing = fmt.Sprintf("whether Alibaba Cloud's security groups still match a packet by its sender's group membership after %s, which Alibaba Cloud does not document: with %s's memberships kept, the groups of %s %s it (%s); without them (%s), they %s it",
		after, peer, ii.label(), kw, kept, lostBy, lw)
	// the view that denies must let it through, and the one that allows
	// keep doing so: an accept rule by address, which both views match,
	// before every drop rule that decides (alibaba_fix.go)
	h.Fix = "decide it by address rather than by group: " + alibabaViewsFix(m, pkt, ii, dir, aliViews(ev, pkt, dir), span)
}

// groupVPCOn is the VPC of g, a group the interface ii wears: its VPCID,
// else ii's VPC.
func groupVPCOn(g *sg.Group, ii *ifaceInfo) string {
	if g.VPCID != "" || ii.subnet == nil || ii.subnet.vpc == nil {
		return g.VPCID
	}
	return ii.subnet.vpc.ID
}

// peerWordOf is "from" for an inbound rule's peer, "to" for an outbound
// one's.
func peerWordOf(dir flow.Direction) string {
	if dir == flow.Outbound {
		return "to"
	}
	return "from"
}

// alibabaBlindDetail is the detail of a hop of Alibaba Cloud groups that
// deny a packet a middlebox forwarded, whichever way they match it.
const alibabaBlindDetail = "the packet passed a middlebox: Alibaba Cloud does not document whether its groups still match it by the sender's group membership, and they deny it either way"

// alibabaSGFix proposes what would let pkt through ii's Alibaba Cloud
// groups, which decided x (rule, the deciding rule's label): against a
// drop rule, an accept rule of a higher priority than it, or removing or
// narrowing it; against an isolated group, an accept rule or the inner
// access policy Accept; otherwise an accept rule. The peer is the
// packet's address, or a basic group of the peer's when byGroup and
// both groups are basic (enterprise groups reference no group) and of one
// VPC (a VPC group's rules reference groups of the same VPC only).
func alibabaSGFix(m *Model, pkt flow.Flow, ii *ifaceInfo, dir flow.Direction, x sg.Decision, rule string, byGroup bool) string {
	peer := pkt.Src.Addr()
	if dir == flow.Outbound {
		peer = pkt.Dst.Addr()
	}
	group := ii.Groups[0]
	if x.Group != "" {
		group = x.Group // the deciding rule's or policy's group: rules of all of ii's groups are read together
	}
	var b strings.Builder
	b.WriteString(pkt.Traffic())
	b.WriteString(" ")
	b.WriteString(peerWordOf(dir))
	b.WriteString(" ")
	b.WriteString(netip.PrefixFrom(peer, peer.BitLen()).String())
	// plain is the packet alone: what a drop rule must stop matching. The
	// group alternative below is the peer of a new accept rule, and has
	// no place in narrowing a drop rule.
	plain := b.String()
	if g := m.groups[group]; byGroup && g != nil && g.Flavour == sg.AlibabaBasic {
		if other, ok := m.ifaceByAddr(peer); ok {
			for _, id := range other.Groups {
				// a basic group of the same VPC: Alibaba Cloud lets a VPC group's
				// rules name no other (AuthorizeSecurityGroup; checkGroupRefs)
				if og := m.groups[id]; og != nil && og.Flavour == sg.AlibabaBasic && groupVPCOn(og, other) == groupVPCOn(g, ii) {
					b.WriteString(" (or ")
					b.WriteString(id)
					b.WriteString(", a basic group of ")
					b.WriteString(other.label())
					b.WriteString(")")
					break
				}
			}
		}
	}
	what := b.String()
	switch {
	case x.Basis == sg.ByRule && x.Action == flow.Drop:
		p := x.Rule.Priority
		if p <= 1 {
			return fmt.Sprintf("drop rule %s decides first, with priority 1, the highest (at equal priority a drop rule wins): no accept rule can come before it; remove the drop rule, or narrow it so that it no longer matches %s", rule, plain)
		}
		before := "1"
		if p > 2 {
			before = "from 1 to " + strconv.Itoa(p-1)
		}
		return fmt.Sprintf("drop rule %s decides first (priority %d; at equal priority a drop rule wins): add an %s accept rule to %s allowing %s with priority %s (a smaller number than the drop rule's, so that it comes first), or remove the drop rule or narrow it so that it no longer matches",
			rule, p, dir, group, what, before)
	case x.Basis == sg.InnerIsolation:
		return fmt.Sprintf("%s isolates its members (inner access policy drop): add an inbound accept rule to %s allowing %s, or set its inner access policy to accept", x.Group, group, what)
	}
	return fmt.Sprintf("add an %s accept rule to %s allowing %s", dir, group, what)
}

package reach

import (
	"fmt"
	"maps"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// lintSGFamily flags the security group rules that can match no packet
// (SG_RULE_DEAD): an icmp (protocol 1) rule whose CIDR is an IPv6 block,
// an icmpv6 (58) one whose CIDR is an IPv4 block. ICMP is carried by
// IPv4 packets alone and ICMPv6 by IPv6 ones, and a CIDR matches only
// addresses of its family (semantics.md A.3: "an icmp rule never matches
// ICMPv6 packets"), so such a rule allows nothing, as the network ACL
// entry of the same pair (ACL_SHADOWED). Alibaba Cloud groups refuse the
// pair when the model is built (sg.Rule's validation), so only AWS
// groups reach here.
func (m *Model) lintSGFamily() []LintFinding {
	var out []LintFinding
	for _, id := range slices.Sorted(maps.Keys(m.groups)) {
		g := m.groups[id]
		for i, r := range g.Rules {
			if r.Peer.Kind != sg.PeerCIDR || !r.Protocol.IsICMP() || (r.Protocol == flow.ICMPv6) == r.Peer.CIDR.Addr().Is6() {
				continue
			}
			carried, fam, want, other := "ICMP travels in IPv4 packets only", "IPv6", "an icmpv6 (58)", "ICMPv6"
			if r.Protocol == flow.ICMPv6 {
				carried, fam, want, other = "ICMPv6 travels in IPv6 packets only", "IPv4", "an icmp (1)", "ICMP"
			}
			out = append(out, LintFinding{ID: LintSGRuleDead, Severity: Medium, Kind: ResourceSecurityGroup, Resource: id, Rule: ruleName(r, i),
				Message: fmt.Sprintf("rule %s (%s %s %s) can match no packet: %s, and %s holds %s addresses only",
					ruleName(r, i), r.Traffic(), fromTo(r.Direction), r.Peer, carried, r.Peer.CIDR, fam),
				Fix: fmt.Sprintf("to allow %s %s %s, make it %s rule; otherwise remove rule %s from %s", other, fromTo(r.Direction), r.Peer.CIDR, want, ruleName(r, i), id)})
		}
	}
	return out
}

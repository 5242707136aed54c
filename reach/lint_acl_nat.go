package reach

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/nacl"
)

// ACL_CUTS_REPLIES for a NAT gateway's subnet. A public NAT gateway
// sends each TCP or UDP session to the internet from a source port it
// picks in natPorts (1024-65535: "A NAT gateway uses ports 1024-65535",
// AWS VPC User Guide, "Ephemeral ports"; semantics.md B.4), and the
// replies come back through its subnet's network ACL inbound, to that
// port. An ACL that drops some of those ports, for some internet
// addresses, cuts the sessions that get such a port: Check answers them
// indeterminate (RETURN_NAT_PORT_UNKNOWN), or unreachable where every
// port is dropped. The common client ranges the other ACL_CUTS_REPLIES
// check weighs do not cover this: an ACL may pass 32768-65535 and drop
// 1024-32767.
//
// Only the inbound replies from the internet are weighed: a NAT gateway
// carries no session the internet opens ([NATNoInbound]), and the
// reply's way on from the gateway to the client, out of the subnet, goes
// to the client's own port (the other check). A private NAT gateway,
// whose peers are other networks, is not weighed here.
//
// The internet's addresses are cut into pieces at the edges of the ACL's
// IPv4 entries for the protocol (both directions): within a piece, every
// entry holds every address or none, so one address decides it. A piece
// to which the ACL lets no request out (outbound, any port) is skipped:
// the gateway sends nothing there.

// natCut is what the replies of one protocol meet at a NAT gateway's
// subnet ACL: the ports cut, the entries that cut them, and the internet
// addresses whose replies are cut on some port (part) or on every port
// of natPorts (all).
type natCut struct {
	ports, partPorts flow.PortSet
	entries          map[int]nacl.Entry // by number
	part, all        addrset.Set
}

// natGatewaysByACL returns, for each network ACL, the public NAT
// gateways in the subnets it filters, sorted by ID.
func (m *Model) natGatewaysByACL() map[*aclInfo][]*natInfo {
	out := map[*aclInfo][]*natInfo{}
	for _, id := range slices.Sorted(maps.Keys(m.nats)) {
		ni := m.nats[id]
		if ni.Private || ni.subnet == nil || ni.subnet.acl == nil {
			continue
		}
		out[ni.subnet.acl] = append(out[ni.subnet.acl], ni)
	}
	return out
}

// natCutsReplies returns the ACL_CUTS_REPLIES findings of ACL ai, which
// filters the subnets of the public NAT gateways nats: one per protocol
// (TCP, UDP) whose replies from the internet it drops on some port of
// natPorts.
func (m *Model) natCutsReplies(ai *aclInfo, nats []*natInfo) []LintFinding {
	if len(nats) == 0 || ai.ev == nil || len(ai.unknown) > 0 {
		return nil
	}
	internet := addrset.All4().Difference(m.notInternetSet())
	var out []LintFinding
	for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
		c := natCut{entries: map[int]nacl.Entry{}}
		for _, piece := range aclPieces(ai.ev.ACL().Entries, proto) {
			inet := addrset.OfRanges(piece).Intersect(internet)
			if inet.IsEmpty() {
				continue
			}
			peer := inet.Ranges()[0].From
			c.add(ai.ev, proto, peer, piece)
		}
		if !c.ports.IsEmpty() {
			out = append(out, c.finding(ai.acl.ID, proto, nats, internet))
		}
	}
	return out
}

// aclPieces cuts the IPv4 space at the edges of the blocks of the IPv4
// entries that match proto (that protocol or all), in either direction.
func aclPieces(entries []nacl.Entry, proto flow.Protocol) []addrset.Range {
	edges := []netip.Addr{netip.IPv4Unspecified()}
	for _, e := range entries {
		if e.Is6() || (e.Protocol != flow.AllProtocols && e.Protocol != proto) {
			continue
		}
		p := e.CIDR.Masked()
		edges = append(edges, p.Addr())
		if next := addrset.Last(p).Next(); next.IsValid() {
			edges = append(edges, next)
		}
	}
	slices.SortFunc(edges, netip.Addr.Compare)
	edges = slices.Compact(edges)
	out := make([]addrset.Range, len(edges))
	for i, from := range edges {
		to := netip.MustParseAddr("255.255.255.255")
		if i+1 < len(edges) {
			to = edges[i+1].Prev()
		}
		out[i] = addrset.Range{From: from, To: to}
	}
	return out
}

// add weighs the replies from peer, an internet address that stands for
// the addresses of piece, to the ports a NAT gateway picks: when the ACL
// lets some request out to peer, the ports of natPorts it drops the
// replies on, and the entries that drop them.
func (c *natCut) add(ev *nacl.Evaluator, proto flow.Protocol, peer netip.Addr, piece addrset.Range) {
	gw := netip.MustParseAddr("0.0.0.0") // no inbound entry matches on the destination
	out := false
	for _, pv := range ev.PortVerdicts(flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(gw, natPorts.Lo), Dst: netip.AddrPortFrom(peer, 0)}, flow.Outbound) {
		out = out || pv.Verdict == flow.Allow
	}
	if !out {
		return // no request leaves for peer: no reply comes back
	}
	reply := flow.Flow{Protocol: proto, Src: netip.AddrPortFrom(peer, DefaultSourcePort), Dst: netip.AddrPortFrom(gw, 0)}
	var cut flow.PortSet
	for r, d := range ev.PortRuns(reply, flow.Inbound) {
		if d.Verdict == flow.Allow || !r.Overlaps(natPorts) {
			continue
		}
		cut = cut.Union(flow.SetOf(flow.PortRange{Lo: max(r.Lo, natPorts.Lo), Hi: min(r.Hi, natPorts.Hi)}))
		c.entries[d.Entry.Number] = d.Entry
	}
	if cut.IsEmpty() {
		return
	}
	c.ports = c.ports.Union(cut)
	if cut.ContainsRange(natPorts) {
		c.all = c.all.Union(addrset.OfRanges(piece))
	} else {
		c.part = c.part.Union(addrset.OfRanges(piece))
		c.partPorts = c.partPorts.Union(cut)
	}
}

// finding words the ACL_CUTS_REPLIES finding of c, the replies of proto
// cut by network ACL acl, which filters the subnets of nats; internet is
// every internet address (IPv4).
func (c *natCut) finding(acl string, proto flow.Protocol, nats []*natInfo, internet addrset.Set) LintFinding {
	nums := slices.Sorted(maps.Keys(c.entries))
	ids, where := make([]string, len(nats)), make([]string, 0, len(nats))
	for i, ni := range nats {
		ids[i] = ni.ID
		if !slices.Contains(where, ni.subnet.ID) {
			where = append(where, ni.subnet.ID)
		}
	}
	entries := make([]string, len(nums))
	refs := make([]string, len(nums))
	for i, n := range nums {
		e := c.entries[n]
		entries[i], refs[i] = fmt.Sprintf("%s (%s)", e.Label(), strings.TrimPrefix(e.String(), e.Label()+" ")), entryRef(e)
	}
	from := func(s addrset.Set) string {
		if internet.SubsetOf(s) {
			return "every internet address"
		}
		if rest := internet.Difference(s); len(rest.Prefixes()) <= 3 && len(rest.Prefixes()) < len(s.Prefixes()) {
			return "every internet address but those in " + addrSetText(rest)
		}
		return "the internet addresses in " + addrSetText(s)
	}
	gws := fmt.Sprintf("NAT gateway %s (in %s) sends", ids[0], where[0])
	if len(ids) > 1 {
		gws = fmt.Sprintf("NAT gateways %s (in %s) send", strings.Join(ids, ", "), strings.Join(where, ", "))
	}
	msg := fmt.Sprintf("%s %s sessions to the internet from a source port it picks in %s (AWS: a NAT gateway uses ports %s), but inbound %s %s %s replies",
		gws, proto, natPorts, natPorts, plural(len(nums), "entry", "entries"), strings.Join(entries, ", "), plural(len(nums), "drops", "drop"))
	var parts []string
	if !c.part.IsEmpty() {
		parts = append(parts, fmt.Sprintf("from %s to %s %s, part of the range: a session through the gateway to them fails when it gets a port cut, which the input does not say, so Check answers it indeterminate (RETURN_NAT_PORT_UNKNOWN)",
			from(c.part), plural(int(c.partPorts.Count()), "port", "ports"), c.partPorts))
	}
	if !c.all.IsEmpty() {
		parts = append(parts, fmt.Sprintf("from %s to every port of %s: a session through the gateway to them is unreachable", from(c.all), natPorts))
	}
	msg += ": " + strings.Join(parts, "; ")
	first := c.entries[nums[0]]
	below := "before any deny entry that matches them"
	if !first.IsDefaultRule() {
		below = "numbered below " + first.Label()
	}
	src := "0.0.0.0/0"
	if cut := c.part.Union(c.all); !internet.SubsetOf(cut) {
		src = addrSetText(cut)
	}
	return LintFinding{ID: LintACLCutsReplies, Severity: Medium, Kind: ResourceNetworkACL, Resource: acl, Rule: entryRef(first),
		Related: append(refs[1:], ids...),
		Message: msg,
		Fix: fmt.Sprintf("if sessions through the gateway to those addresses should work, add an inbound allow entry for %s %s from %s, %s (AWS advises opening the whole range a NAT gateway picks from); else deny the requests to them outbound as well",
			proto, natPorts, src, below)}
}

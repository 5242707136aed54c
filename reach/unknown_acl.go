package reach

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

// UnknownACLEntry is a network ACL entry with a value known only later (a
// Terraform plan's CIDR block or ports computed at apply). Its number,
// direction, action and protocol are known; CIDRUnknown and PortsUnknown
// say which of Entry's CIDR and Ports (for an ICMP entry, its ICMPType
// and ICMPCode) stand for values not yet known (the fields are then
// ignored; V6 says which family an unknown CIDR is).
//
// The entry may or may not match a packet its known fields match. The ACL
// decides such a packet as its known entries do when every entry that
// could come first would do the same; otherwise the hop is undecided
// ([ACLIndeterminate], its Missing naming What). The set questions refuse
// a design that has such entries.
type UnknownACLEntry struct {
	ACL   string     // the ACL's ID
	What  string     // the value, as a trace names it ("aws_network_acl.db: ingress[1].cidr_block")
	Entry nacl.Entry // the entry, with the unknown fields ignored
	// CIDRUnknown, PortsUnknown: which fields are known only later; V6
	// the family of an unknown CIDR block
	CIDRUnknown, PortsUnknown, V6 bool
}

// AddUnknownACLEntry adds network ACL entries with values known only
// later (see [UnknownACLEntry]).
func (b *Builder) AddUnknownACLEntry(e ...UnknownACLEntry) *Builder {
	b.unknownACLEntries = append(b.unknownACLEntries, e...)
	return b
}

// buildUnknownACLEntries gives each ACL its entries with unknown values.
func (b *Builder) buildUnknownACLEntries(p *problems, m *Model) {
	for i, u := range b.unknownACLEntries {
		a, ok := m.acls[u.ACL]
		switch {
		case !ok:
			p.add(u.ACL, path("unknownACLEntries", i, "ACL"), u.ACL, "unknown network ACL")
		case u.Entry.Number < 1 || u.Entry.Number > 32766:
			p.add(u.ACL, path("unknownACLEntries", i, "Entry.Number"), fmt.Sprint(u.Entry.Number), "a rule number is 1-32766")
		case u.Entry.Action != flow.Pass && u.Entry.Action != flow.Drop:
			p.add(u.ACL, path("unknownACLEntries", i, "Entry.Action"), u.Entry.Action.String(), "allow or deny")
		default:
			a.unknown = append(a.unknown, u)
			m.unknownACLs++
		}
	}
}

// undecided returns the entry with a value known only later that makes
// the decision d of acl on pkt in dir uncertain: one that comes before
// d's entry, could match pkt, and acts otherwise; nil when d holds
// whatever the unknown values are.
func (a *aclInfo) undecided(pkt flow.Flow, dir flow.Direction, d nacl.Decision) *UnknownACLEntry {
	peer := pkt.Src.Addr()
	if dir == flow.Outbound {
		peer = pkt.Dst.Addr()
	}
	for i := range a.unknown {
		u := &a.unknown[i]
		e := &u.Entry
		switch {
		case e.Direction != dir || !d.Default && e.Number >= d.Entry.Number:
		case e.Action.Verdict() == d.Verdict:
		case !e.Protocol.Matches(pkt.Protocol):
		case u.CIDRUnknown && u.V6 != peer.Is6():
		case !u.CIDRUnknown && !e.CIDR.Contains(peer):
		case e.UsesPorts() && !u.PortsUnknown && !e.Ports.Contains(pkt.Dst.Port()):
		case e.UsesICMP() && !u.PortsUnknown && e.ICMPType >= 0 && e.ICMPType != int16(pkt.ICMPType):
		default:
			return u
		}
	}
	return nil
}

// unknownACLHop makes h, the hop of acl's decision on pkt, undecided when
// an entry with a value known only later could decide otherwise.
func unknownACLHop(h *Hop, a *aclInfo, pkt flow.Flow, dir flow.Direction, d nacl.Decision) {
	if u := a.undecided(pkt, dir, d); u != nil {
		unknownEntryHop(h, u)
	}
}

// unknownEntryHop makes h undecided by u, an entry with a value known
// only later that could decide otherwise.
func unknownEntryHop(h *Hop, u *UnknownACLEntry) {
	h.Verdict, h.Code = flow.Indeterminate, ACLIndeterminate
	h.Missing = fmt.Sprintf("%s, known only later: whether entry %d (%s) matches the packet depends on it", u.What, u.Entry.Number, u.Entry.Action)
	h.Fix = "set the value in the configuration, or check the answer again once it is known"
}

// unknownRoute returns the route of rt whose destination is known only
// later that could change the lookup that found cr (ok false: none): one
// whose target differs from cr's; nil when none could. A propagated one
// cannot change a lookup of dst inside the VPC's blocks (markUnderLocal),
// nor a route by a list whose entries the input lacks one that a static
// host route (/32, /128) decides, or one of dst's other family (the list
// holds blocks of its address family only).
func (rt *rtInfo) unknownRoute(dst netip.Addr, cr *compiledRoute, ok bool) *Route {
	for i := range rt.unknown {
		u := &rt.unknown[i]
		if u.Unknown == "" && !familyMayHold(rt.listFamily[u.PrefixList], dst) {
			continue // a list of the other family holds no block of dst's
		}
		if u.Propagated && ok && insideAny(netip.PrefixFrom(dst, dst.BitLen()), rt.vpc.CIDRs) {
			continue // a propagated route cannot beat the local route (markUnderLocal)
		}
		if u.Unknown == "" && ok && cr.PrefixList == "" && !cr.Propagated && cr.Destination.Bits() == dst.BitLen() {
			continue // a list's entry is no longer than a host route, which beats it at equal length
		}
		if !ok || u.Target != cr.Target || u.TargetID != cr.TargetID {
			return u
		}
	}
	return nil
}

// unknownRouteHop is the undecided hop of a lookup in rt that route u,
// whose destination is known only later or is a prefix list whose entries
// the input does not hold, could change.
func unknownRouteHop(rt *rtInfo, pkt flow.Flow, u *Route) Hop {
	dst := pkt.Dst.Addr().String()
	h := Hop{Kind: KindRouteTable, ID: rt.ID, Name: rt.Name, Packet: pkt, Verdict: flow.Indeterminate, Code: RouteIndeterminate,
		reason:  "a route of the table whose destination is known only later could match " + dst + " and send it to " + u.TargetID,
		Missing: u.Unknown + ", known only later: whether that route is the longest match depends on it",
		Fix:     "set the value in the configuration, or check the answer again once it is known"}
	if u.Unknown == "" { // a prefix list the input does not hold
		h.reason = "a route of the table by prefix list " + u.PrefixList + ", whose entries the input does not hold, could match " + dst + " and send it to " + u.TargetID
		h.Missing = "the entries of prefix list " + u.PrefixList + ", which the input does not hold: whether that route is the longest match depends on them"
		h.Fix = "add the list's entries to the input (aws ec2 get-managed-prefix-list-entries --prefix-list-id " + u.PrefixList + "), or check by hand whether they hold " + dst
	}
	return h
}

// unknownText says what a route of an rtInfo's unknown routes leaves
// open, for a set question's error.
func (r *Route) unknownText() string {
	if r.Unknown == "" {
		return "the entries of prefix list " + r.PrefixList + ", which the input does not hold"
	}
	return "a value known only later: " + r.Unknown
}

package reach

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

// The port a NAT gateway picks.
//
// A NAT gateway translates the source port of a TCP or UDP session too,
// to a port of its own within natPorts (AWS VPC User Guide, "Ephemeral
// ports": "A NAT gateway uses ports 1024-65535"), which the input does
// not say. The walk keeps the client's port in the packet beyond the
// gateway, standing for it, and a stateless filter that judges the port
// the gateway picked judges every port of natPorts: a network ACL on the
// reply, whose destination port it is, from the gateway back to the far
// end (the NAT gateway's subnet inbound; for a private NAT gateway, the
// destination's subnet outbound too). The same decision for every port
// is that decision; different ones leave the hop undecided
// ([NATPortUnknown]). The work is done only where a NAT gateway
// translated the packet (walker.natPort).

// natPorts is the range a NAT gateway picks a session's source port from.
var natPorts = flow.PortRange{Lo: 1024, Hi: 65535}

// natACLVerdict is what network ACL ev decides, in dir, for pkt, a reply
// whose destination port is the one a NAT gateway picked, over every
// port of natPorts: allow when every port passes; deny (ACLDeny, or
// ACLDefaultDeny when the "*" rule denies them all) when none does;
// undecided ([NATPortUnknown]) otherwise. The code is without the leg's
// prefix. Check, Verdict, the set questions (ports_fast.go) and the
// replay of a middle's atoms (matrix_replay.go) all decide by it.
func natACLVerdict(ev *nacl.Evaluator, pkt flow.Flow, dir flow.Direction) (flow.Verdict, Code) {
	if ev.PortsAlike(pkt, dir, natPorts) { // the common case: one evaluation decides them all
		v, def := ev.Verdict(natPortPacket(pkt), dir)
		switch {
		case v == flow.Allow:
			return flow.Allow, ""
		case def:
			return flow.Deny, ACLDefaultDeny
		}
		return flow.Deny, ACLDeny
	}
	allow, deny, byEntry := false, false, false
	for r, pv := range ev.PortVerdicts(pkt, dir) {
		if r.Hi < natPorts.Lo {
			continue
		}
		if pv.Verdict == flow.Allow {
			allow = true
		} else {
			deny, byEntry = true, byEntry || !pv.Default
		}
	}
	switch {
	case !deny:
		return flow.Allow, ""
	case allow:
		return flow.Indeterminate, NATPortUnknown
	case byEntry:
		return flow.Deny, ACLDeny
	}
	return flow.Deny, ACLDefaultDeny
}

// natPortPacket is pkt, a reply to the port a NAT gateway picked, on the
// first port of natPorts.
func natPortPacket(pkt flow.Flow) flow.Flow {
	pkt.Dst = netip.AddrPortFrom(pkt.Dst.Addr(), natPorts.Lo)
	return pkt
}

// firstDeny is the decision of network ACL ev, for pkt in dir, that
// denies a port of span (natPorts, or replyPorts) with the lowest entry
// number ("*" when only it does): an entry that lets every port of span
// through must come before it.
func firstDeny(ev *nacl.Evaluator, pkt flow.Flow, dir flow.Direction, span flow.PortRange) nacl.Decision {
	var first nacl.Decision
	found := false
	for r, d := range ev.PortRuns(pkt, dir) {
		if r.Hi < span.Lo || r.Lo > span.Hi || d.Verdict == flow.Allow {
			continue
		}
		if !found || first.Default && !d.Default || !d.Default && d.Entry.Number < first.Entry.Number {
			first, found = d, true
		}
	}
	if !found {
		return ev.Evaluate(pkt, dir)
	}
	return first
}

// natUnknownEntry returns the entry of a, known only later, that could
// decide otherwise the reply pkt to the port a NAT gateway picked, at
// some port of natPorts; nil when none could. The ports tried are the
// starts of the runs the known entries make and the ends of the unknown
// entries' port ranges, inside natPorts: between them, nothing changes.
func natUnknownEntry(a *aclInfo, pkt flow.Flow, dir flow.Direction) *UnknownACLEntry {
	ports := []uint16{natPorts.Lo}
	for r := range a.ev.PortRuns(pkt, dir) {
		if r.Lo > natPorts.Lo {
			ports = append(ports, r.Lo)
		}
	}
	for _, u := range a.unknown {
		if e := u.Entry; e.UsesPorts() && !u.PortsUnknown {
			for _, p := range []uint32{uint32(e.Ports.Lo), uint32(e.Ports.Hi) + 1} {
				if p > uint32(natPorts.Lo) && p <= uint32(natPorts.Hi) {
					ports = append(ports, uint16(p))
				}
			}
		}
	}
	for _, p := range ports {
		q := pkt
		q.Dst = netip.AddrPortFrom(q.Dst.Addr(), p)
		if u := a.undecided(q, dir, a.ev.Evaluate(q, dir)); u != nil {
			return u
		}
	}
	return nil
}

// natACLBounds adds to b the bounds of network ACL ev judging pkt, a
// reply to the port a NAT gateway picked, in dir, over every port of
// natPorts: the address edges of every entry that could decide one of
// them, and no port edge, since the decision does not depend on the
// client's port.
func natACLBounds(ev *nacl.Evaluator, pkt flow.Flow, dir flow.Direction, b *flow.Bounds) {
	if !b.Varies(flow.FieldSrcAddr) && !b.Varies(flow.FieldDstAddr) {
		return
	}
	all := flow.NewBounds(flow.FieldDstPort, flow.FieldSrcAddr, flow.FieldDstAddr)
	all.RecordRanges() // kept by b only when it records (pathCuts)
	ev.Bounds(pkt, dir, all)
	b.MergeField(flow.FieldSrcAddr, all, flow.FieldSrcAddr)
	b.MergeField(flow.FieldDstAddr, all, flow.FieldDstAddr)
}

// natPortACL judges pkt, a reply whose destination port is the one NAT
// gateway w.natPort picked, at subnet s's network ACL in dir, over every
// port the gateway may pick (natACLVerdict). Its hop is written in place,
// as walker.networkACL writes its own.
func (w *walker) natPortACL(pkt flow.Flow, s *subnetInfo, dir flow.Direction) {
	i := len(*w.hops)
	ev := s.acl.ev
	if w.filters != nil {
		w.noteFilter(filterHop{kind: KindNetworkACL, acl: ev, subnet: s, pkt: pkt, dir: dir, nat: true}, i)
	}
	if w.bounds != nil {
		natACLBounds(ev, pkt, dir, w.bounds) // no edge of the client's port: no mark either
	}
	h := w.push()
	h.Kind, h.ID, h.Direction, h.Packet, h.natPort = KindNetworkACL, s.acl.acl.ID, dir, pkt, true
	h.Verdict, h.Code = natACLVerdict(ev, pkt, dir)
	if w.explain {
		h.Name = s.ID
		h.judge = natACLJudge{ev}
		if h.Verdict == flow.Allow && ev.PortsAlike(pkt, dir, natPorts) {
			// the common case, worded when read (natACLJudge.reason)
			_, _, words := ev.VerdictWords(natPortPacket(pkt), dir)
			h.Rule, h.reason = words.Rule, w.natPort.portWords
		} else {
			natACLWords(h, w.natPort, s, pkt, dir)
		}
	}
	if len(s.acl.unknown) > 0 {
		if u := natUnknownEntry(s.acl, pkt, dir); u != nil {
			unknownEntryHop(h, u)
		}
	}
	h.Code = h.Code.OnLeg(w.leg)
}

// natACLWords words h, the hop of a network ACL that judged the reply to
// the port NAT gateway ni picked (natPortACL): its reason, rule, and,
// when it blocks or cannot decide, what is missing and the fix.
func natACLWords(h *Hop, ni *natInfo, s *subnetInfo, pkt flow.Flow, dir flow.Direction) {
	ev, id := s.acl.ev, s.acl.acl.ID
	var one nacl.Decision
	single, n := true, 0
	for r, d := range ev.PortRuns(pkt, dir) {
		if r.Hi < natPorts.Lo {
			continue
		}
		if n == 0 {
			one = d
		} else if d.Entry.Number != one.Entry.Number || d.Default != one.Default {
			single = false
		}
		n++
	}
	allowed := ev.AllowedPorts(pkt, dir).Intersect(flow.SetOf(natPorts))
	port := ni.portWords
	switch {
	case single:
		h.reason = port + ": " + one.String() + " for every one of them"
		h.Rule = one.Entry.String()
	case h.Verdict == flow.Allow:
		h.reason = port + ": " + id + " allows every one of them, by several entries"
	case h.Verdict == flow.Deny:
		h.reason = port + ": " + id + " denies every one of them, by several entries"
	default:
		h.reason = port + ": " + id + " allows " + allowed.String() + " only"
	}
	if h.Verdict == flow.Allow {
		return
	}
	peer, word := pkt.Src.Addr(), "from"
	if dir == flow.Outbound {
		peer, word = pkt.Dst.Addr(), "to"
	}
	what := fmt.Sprintf("%s %s %s %s", pkt.Protocol, natPorts, word, netip.PrefixFrom(peer, peer.BitLen()))
	h.Fix = fmt.Sprintf("allow %s in %s (%s entry, numbered below any entry that denies part of it): the reply goes to the port the NAT gateway picks, anywhere in %s",
		what, id, dir, natPorts)
	if h.Verdict == flow.Indeterminate {
		h.Missing = fmt.Sprintf("the source port NAT gateway %s picks for the session (%s): %s allows replies to %s only", ni.ID, natPorts, id, allowed)
	}
}

// natACLJudge: a network ACL judged the reply to the port a NAT gateway
// picked over every port it may pick; the details give the decision of
// each run of them.
type natACLJudge struct{ ev *nacl.Evaluator }

func (j natACLJudge) reason(h *Hop) string {
	if h.Verdict == flow.Allow && j.ev.PortsAlike(h.Packet, h.Direction, natPorts) {
		_, _, words := j.ev.VerdictWords(natPortPacket(h.Packet), h.Direction)
		return h.reason + ": " + words.Reason + " for every one of them"
	}
	return h.reason
}

// natPortWordsOf is the start of the reason of a network ACL hop that
// judged the reply to the port NAT gateway id picked (natACLWords),
// prepared once per gateway (natInfo.portWords).
func natPortWordsOf(id string) string {
	return fmt.Sprintf("the reply goes to the source port NAT gateway %s picked for the session, one of %s that the input does not say", id, natPorts)
}

func (j natACLJudge) details(h *Hop) []string {
	var out []string
	for r, d := range j.ev.PortRuns(h.Packet, h.Direction) {
		if r.Hi < natPorts.Lo {
			continue
		}
		r.Lo = max(r.Lo, natPorts.Lo)
		out = append(out, "ports "+r.String()+": "+d.String())
	}
	if len(out) < 2 {
		return nil // the reason says it
	}
	return out
}

// natPortWords is what a trace says of the source port a NAT gateway
// gives a translated packet of protocol p. ICMP has no ports: the
// gateway maps an echo's identifier instead, which no filter judges.
func natPortWords(p flow.Protocol) string {
	if !p.HasPorts() {
		return "ICMP has no ports: the gateway maps the echo's identifier to one of its own, which network ACLs and firewalls do not judge"
	}
	return "its source port is one the gateway picks within " + natPorts.String() + ", which network ACLs, firewalls and security group rules naming source ports judge as the whole range"
}

package reach

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// A private source outside the design: a query's source that no VPC of
// the design holds and the internet does not route (an RFC 1918 or
// 100.64.0.0/10 IPv4 address: on premises, say). Its packets are no
// internet host's: an internet gateway drops them
// ([PrivateAddressOnInternet]). But such a host may sit behind what the
// design does not model (a virtual private gateway's VPN or Direct
// Connect, a transit gateway's VPN attachment, a peering connection to a
// VPC the input lacks, a local gateway) and send to a private address of
// the design that way. Where it does is told by the way back: the reply
// to it leaves the destination by its subnet's route table, and when
// that way ends at a hop the input does not decide (such a target, a
// route known only later, a transit gateway's routes the input lacks),
// the request's way in is not decided either, and the request's walk
// ends at an undecided hop naming it, never at a certain drop. Where the
// way back ends at the internet gateway, nowhere, at a blackhole or at
// another certain block, no session can work whichever way the request
// came: the walk goes on to the internet gateway as before.

// privateSource reports whether a is an address a host outside the
// design may send from over a private network, and the internet does not
// carry: an RFC 1918 or 100.64.0.0/10 IPv4 address (privateOrShared), a
// unique local IPv6 address (fc00::/7) or one of IANA's IPv6 blocks not
// globally reachable (nonGlobal6). Loopback, link-local and multicast
// addresses never cross a router, privately or not.
func privateSource(a netip.Addr) bool {
	if a.Is4() {
		return privateOrShared(a)
	}
	return a.IsPrivate() || nonGlobalSpecial6(a)
}

// privateEntry is the undecided hop of pkt, a request from a private
// source outside the design (privateSource) to an address of ii's own,
// when the way back to the source from ii's subnet ends at a
// hop the input does not decide: the source may be there, and send by
// that way. ok is false when the way back ends anywhere else (the
// request can only have come through the internet gateway, or no reply
// gets back whichever way it came). Only a walk from outside the design
// asks it, before the internet gateway would drop the packet.
func (w *walker) privateEntry(pkt flow.Flow, ii *ifaceInfo) (h Hop, ok bool) {
	end, back, found := w.m.wayBack(pkt, ii, w.explain)
	if !found {
		return Hop{}, false
	}
	src := pkt.Src.Addr()
	h = Hop{Kind: end.Kind, ID: end.ID, Name: end.Name, Packet: pkt, Verdict: flow.Indeterminate,
		Code: Code(strings.TrimPrefix(string(end.Code), "RETURN_"))}
	if !w.explain {
		return h, true
	}
	what := end.ID
	if end.Name != "" && end.Name != end.ID {
		what += " (" + end.Name + ")"
	}
	h.reason = fmt.Sprintf("the source %s is not a public address, so it is no host on the internet (the internet carries neither its packets nor the replies to it); but the way back to it from %s (%s's subnet) ends undecided at %s: %s may be a host there, beyond what the design models, whose packets come in privately",
		src, ii.subnet.ID, ii.ID, what, src)
	h.Missing = fmt.Sprintf("whether %s sends through %s, privately (a VPN, Direct Connect, a network peered or attached that the input does not hold)", src, what)
	if end.Missing != "" {
		h.Missing += ": " + end.Missing
	}
	h.Fix = fmt.Sprintf("check by hand whether %s reaches %s through %s and what its way in passes (AWS Reachability Analyzer can follow it); a host on the internet connects from a public address",
		src, pkt.Dst.Addr(), end.ID)
	for i := range back {
		if b := &back[i]; b.Kind != KindSecurityGroups && b.Kind != KindNetworkACL {
			h.addDetail(fmt.Sprintf("the way back to %s: %s %s: %s", src, b.Kind, b.ID, b.Reason()))
		}
	}
	return h, true
}

// wayBack walks the reply of pkt (a request to ii's private address)
// from ii's subnet as the reply's walk would, its routing only (the
// security groups of ii are not asked), and returns the undecided hop
// the reply's leg ends at, and the leg's hops; found is false when the
// leg ends anywhere else (a certain block, or an arrival). Where a
// transit gateway's flow hash picks a subnet (appliance mode), every
// choice is walked, and the first that ends undecided answers.
func (m *Model) wayBack(pkt flow.Flow, ii *ifaceInfo, explain bool) (end Hop, hops []Hop, found bool) {
	// the request as the reply's walker reads it (a reply routed to a
	// NAT gateway compares its source with the request's destination)
	req := []Hop{{Leg: Forward, Packet: pkt}}
	fw := &walker{m: m, leg: Forward, hops: &req, identity: true, fork: new(zoneFork)}
	reply := pkt.Reverse()
	for walks := 0; walks < maxZoneWalks; walks++ {
		fw.fork.met, fw.fork.exits = fw.fork.met[:0], fw.fork.exits[:0]
		hops = hops[:0]
		rw := &walker{m: m, leg: Return, hops: &hops, identity: true, forward: fw, explain: explain}
		if a := rw.route(reply, ii.subnet); !a.ok && len(hops) > 0 && hops[len(hops)-1].Undecided() {
			return hops[len(hops)-1], hops, true
		}
		if !fw.fork.next() {
			break
		}
	}
	return Hop{}, nil, false
}

package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// check walks the request and the reply and explains every hop.
func (m *Model) check(f flow.Flow, src *ifaceInfo) *Result {
	r := new(Result)
	m.checkInto(f, src, r)
	return r
}

// checkInto is check answering into r, which it resets first; it reuses
// the room of r's slices (see [Model.CheckInto]).
func (m *Model) checkInto(f flow.Flow, src *ifaceInfo, r *Result) {
	*r = Result{Flow: f, Forward: r.Forward, Return: r.Return, Blocks: r.Blocks[:0], Warnings: r.Warnings[:0]}
	if r.Blocks == nil {
		r.Blocks = []Block{}
	}
	arrived, back := m.explainedWalk(f, src, r)
	if back.ok && back.pkt.Dst != f.Src {
		r.Warnings = append(r.Warnings, fmt.Sprintf("the reply arrives at %s, not at the source %s", back.pkt.Dst, f.Src))
	}
	if f.IsICMPError() {
		r.Return = r.Return[:0] // walked, but an error message has no reply
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s type %d is an error message, which has no reply: the answer is whether it arrives, judged by the filters' rules (an error message about a session a filter tracks, which it lets through as related traffic, is out of scope)", f.Protocol, f.ICMPType))
	}
	r.Warnings = append(r.Warnings, m.carrierWarnings(r, src)...)
	r.Warnings = append(r.Warnings, m.endpointPolicyWarnings(r)...) // gwendpoint.go
	for leg, hops := range [][]Hop{r.Forward, r.Return} {
		for i := range hops {
			if h := &hops[i]; h.Code != "" { // by pointer: a hop is 264 bytes
				r.Blocks = append(r.Blocks, Block{Leg: Leg(leg), Hop: i + 1, Code: h.Code, Kind: h.Kind, ID: h.ID, Fix: h.Fix,
					Indeterminate: h.Undecided()})
			}
		}
	}
	r.Outcome = outcomeOf(r.Forward, r.Return, arrived.ok)
	r.Reachable = r.Outcome == Reachable
	r.Warnings = append(r.Warnings, m.fragmentWarnings(r)...) // fw_fragment.go: reads the outcome
	if len(r.Warnings) == 0 {
		r.Warnings = nil // as a Result of its own has them
	}
}

// explainedWalk walks the request from src (nil: the internet) and, when
// it arrives, the reply, then decides the firewall crossings, with
// explain on (hops carry what words their reasons and details, and their
// fixes; the verdicts and codes are those of a quiet walk). It walks on
// walkers and hop buffers reused from earlier walks (they keep their
// room) and copies the hops into r's Forward and Return at the end, both
// in one allocation of their size; a Result being reused (see
// [Model.CheckInto]) is walked into directly. It returns where the
// request and the reply ended.
func (m *Model) explainedWalk(f flow.Flow, src *ifaceInfo, r *Result) (arrived, back arrival) {
	s := quietWalks.Get().(*quietWalk)
	defer quietWalks.Put(s)
	fw, rw := s.reset(m)
	fw.explain, rw.explain = true, true
	if cap(r.Forward) > 0 && cap(r.Return) > 0 {
		// a Result to reuse: walk straight into its arrays (which never
		// overlap: a Forward cut from one allocation with Return ends
		// where Return begins)
		s.xf, s.xr = r.Forward[:0], r.Return[:0]
		fw.hops, rw.hops = &s.xf, &s.xr
		arrived, back = m.walkWith(f, src, fw, rw)
		r.Forward, r.Return = s.xf, s.xr
		s.xf, s.xr = nil, nil
		return arrived, back
	}
	arrived, back = m.walkWith(f, src, fw, rw)
	hops := make([]Hop, len(s.fwd)+len(s.ret))
	copy(hops, s.fwd)
	copy(hops[len(s.fwd):], s.ret)
	r.Forward, r.Return = hops[:len(s.fwd):len(s.fwd)], hops[len(s.fwd):]
	return arrived, back
}

// walkBounds walks as explainedWalk does, into fwd and ret, with explain
// as given, and also collects, into fb on the request's leg and
// rb on the reply's, the bounds of every filter the packets meet (see
// ports.go); nil Bounds collect nothing.
func (m *Model) walkBounds(f flow.Flow, src *ifaceInfo, fwd, ret *[]Hop, explain bool, fb, rb *flow.Bounds) (arrived, back arrival) {
	fw := &walker{m: m, leg: Forward, hops: fwd, identity: true, explain: explain, bounds: fb}
	rw := &walker{m: m, leg: Return, hops: ret, identity: true, forward: fw, explain: explain, bounds: rb}
	return m.walkWith(f, src, fw, rw)
}

// walkWith is walk with the walkers of the request (fw) and the reply
// (rw) given, set up for their legs: the request and, when it arrives,
// the reply, then the firewall crossings decided; once, or once per
// choice of the transit gateway's flow hash a design with appliance mode
// lets the path meet (walkZones, tgw_appliance.go).
func (m *Model) walkWith(f flow.Flow, src *ifaceInfo, fw, rw *walker) (arrived, back arrival) {
	if len(m.egressInst) > 0 && (fw.eg == nil || !fw.eg.walking) {
		return m.walkEgress(f, src, fw, rw) // appliance_egress_fork.go: around the others
	}
	if nat64Forks(f) && (fw.n64 == nil || !fw.n64.walking) {
		return m.walkNAT64(f, src, fw, rw) // nat64_fork.go: around the zone walks
	}
	if m.zoneForks && (fw.fork == nil || !fw.fork.walking) {
		return m.walkZones(f, src, fw, rw)
	}
	if fw.n64 != nil {
		fw.n64.met = fw.n64.met[:0] // this walk's choices
	}
	if fw.eg != nil {
		fw.eg.at = fw.eg.at[:0] // this walk's appliance hops that chose
	}
	fw.natPort, rw.natPort = nil, nil // a walker walked again (walkZones) starts afresh
	if (m.world != nil || m.exitWorld != nil) && fw.fork != nil {
		fw.fork.exits = fw.fork.exits[:0] // a pooled walker's exits are another walk's
	}
	var svc instanceService
	var isSvc bool
	if src != nil {
		svc, isSvc = m.instanceServiceFor(src, f.Dst.Addr())
	}
	if src != nil && m.amazonDNSFor(src, f.Dst.Addr()) {
		arrived = fw.toAmazonDNS(f, src) // amazondns.go: no group, table or ACL applies
	} else if s, ok := svc, isSvc; ok {
		arrived = fw.toInstanceService(f, src, s) // instanceservice.go: the instance's own host (or Alibaba Cloud) answers
	} else if src != nil {
		fw.securityGroups(f, src, flow.Outbound)
		if fw.explain {
			if note := m.delegatedNote(f.Src.Addr(), true); note != "" { // delegated.go
				(*fw.hops)[len(*fw.hops)-1].addDetail(note)
			}
		}
		arrived = fw.route(f, src.subnet)
	} else {
		arrived = fw.fromInternet(f)
	}
	if arrived.ok {
		if n := len(fw.nat); n > 0 {
			rw.natPort = fw.nat[n-1].nat // the reply goes to the port it picked
		}
		reply := arrived.pkt.Reverse()
		if fw.translated64() {
			rw.embed64(true) // nat64.go: until the reply is translated back
		}
		if arrived.dns != nil {
			back = rw.fromAmazonDNS(reply, arrived.dns) // amazondns.go
		} else if arrived.host != nil {
			back = rw.fromInstanceService(reply, arrived.host) // instanceservice.go
		} else if arrived.iface != nil {
			rw.securityGroups(reply, arrived.iface, flow.Outbound)
			back = rw.route(reply, arrived.iface.subnet)
		} else if arrived.service != nil {
			back = rw.fromService(reply, arrived.service) // gwendpoint.go
		} else {
			back = rw.fromInternet(reply)
		}
	}
	if arrived.private {
		rw.privateReplyACL(arrived.pkt.Reverse(), arrived.iface) // private_entry.go
	}
	m.inspectFirewalls(*fw.hops, *rw.hops, fw, rw, arrived.ok)
	fw.embed64(false) // nat64.go: the walk's translated stretch ends
	rw.embed64(false)
	return arrived, back
}

// walker follows one packet hop by hop.
type walker struct {
	m        *Model
	leg      Leg
	hops     *[]Hop
	identity bool // security group identity still intact
	// idMaybe, while identity holds, says which transit gateway crossed
	// may have lost it, its security group referencing support unknown
	// (tgw_sgref.go); "" when none
	idMaybe string
	steps   int
	seen    []*ifaceInfo // interfaces whose groups judged this leg
	nat     []natRecord  // translations on this leg
	// appliance is the last appliance with a public IPv4 address that
	// forwarded another's packet on this leg (its source/destination
	// check off or unknown), which may translate it (a NAT instance:
	// walk_gateways.go)
	appliance *ifaceInfo
	// appliance6 is the last appliance with a global IPv6 address that
	// forwarded another's packet on this leg, which may translate it (a
	// NAT66 or NPTv6 instance: nat66.go)
	appliance6 *ifaceInfo
	// forwarder is the last appliance that forwarded another's packet on
	// this leg (the interface it sent it out of), which may translate its
	// source to its own address before a peering (peering_nat.go)
	forwarder *ifaceInfo
	// natInstance, on the request, is the translation an appliance may
	// make at the internet gateway ([ApplianceTranslationUnknown])
	natInstance *natInstanceRecord
	// natPort is the NAT gateway whose picked port the packet carries
	// (natport.go): on the request, its source port since the gateway
	// translated it; on the reply, its destination port until the
	// gateway translates it back. Nil when none.
	natPort *natInfo
	// natAlt, when set, is a secondary address its NAT gateway sends this
	// walk's session from instead of its primary one (natsecondary.go)
	natAlt  *natAltAddr
	crossed []crossing // firewall endpoints on this leg
	visited []visit    // the forwarding points of this leg, in order, for loop detection
	forward *walker    // on the return leg: the forward walk
	// explain: hops carry their reasons, details and fixes; without it,
	// only what decides the outcome (verdicts, codes) is kept
	explain bool
	// bounds, when set, collects the bounds of every filter met (sets.go)
	bounds *flow.Bounds
	// marks, when set, lists the hops whose filter added edges to the
	// client port (ports.go)
	marks *[]hopRef
	// filters, when set, lists the security groups and network ACLs that
	// judged a packet (ports_fast.go)
	filters *[]filterHop
	// deferSG, when set, passes every packet at security groups and lists
	// the judgement deferred in deferred (matrix_fast.go)
	deferSG  bool
	deferred []sgHop
	// refOut are this leg's outbound security group judgements made with
	// the packet's group identity, judged again if it then crosses a
	// transit gateway (tgw_sgref.go)
	refOut []refOutHop
	// fork, on the request's walker, is the state of the walks over the
	// subnets appliance mode lets the flow hash pick (tgw_appliance.go)
	fork *zoneFork
	// n64, on the request's walker, is the state of the walks over what
	// appliances do with a packet for the NAT64 prefix (nat64_fork.go)
	n64 *nat64Fork
	// eg, on the request's walker, is the state of the walks over the
	// interfaces appliances' instances send packets out of
	// (appliance_egress_fork.go)
	eg *egressFork
}

type natRecord struct {
	nat  *natInfo
	orig netip.AddrPort // the source address before translation
	// nat64: an IPv6 packet translated to IPv4 (nat64.go), whose reply's
	// source goes back into the NAT64 prefix
	nat64 bool
}

type crossing struct {
	endpoint *endpointInfo
	hop      int // index in hops
	pkt      flow.Flow
	nth, of  int // this is crossing nth (from 1) of the of crossings of endpoint on its leg
	// nat is the NAT gateway whose picked port pkt carries (the
	// request's source port, the reply's destination port), which the
	// firewall judges over every port the gateway may pick (natfw.go);
	// nil when none
	nat *natInfo
}

// maxSteps bounds the route lookups of one leg, a safety net behind the
// loop detection of [walker.routeIn]: no real path needs as many.
const maxSteps = 24

func (w *walker) add(h Hop) int {
	h.Leg = w.leg
	h.Code = h.Code.OnLeg(w.leg)
	*w.hops = append(*w.hops, h)
	return len(*w.hops) - 1
}

// push appends a zero hop of this leg and returns it, for the walk's
// commonest hops to be written in place rather than copied in; the
// caller words its code for the leg ([Code.OnLeg]) as add would.
func (w *walker) push() *Hop {
	*w.hops = append(*w.hops, Hop{})
	h := &(*w.hops)[len(*w.hops)-1]
	h.Leg = w.leg
	return h
}

// stop records a blocking hop beyond which the path is unknown.
func (w *walker) stop(h Hop) arrival {
	w.add(h)
	return arrival{}
}

// securityGroups judges pkt at an interface's security groups. Its hop is
// written in place ([walker.push]): nothing else adds a hop meanwhile.
func (w *walker) securityGroups(pkt flow.Flow, ii *ifaceInfo, dir flow.Direction) {
	i := len(*w.hops)
	h := w.push()
	defer func() { h.Code = h.Code.OnLeg(w.leg) }()
	h.Kind, h.Direction, h.Packet = KindSecurityGroups, dir, pkt
	if w.explain {
		h.ID, h.Name = ii.groupList, ii.label()
	}
	if w.leg == Return && slices.Contains(w.forward.seen, ii) {
		h.Verdict = flow.Allow
		if w.explain {
			h.reason = "security groups are stateful: the reply of an allowed session passes"
			if w.forward.sgDidNotAllow(h.ID, h.Name) {
				h.reason = "security groups are stateful: had they let the request through, its reply would pass"
			}
		}
		w.see(ii)
		return
	}
	w.see(ii)
	ev, mode := ii.sg.normal, sgWithIdentity
	switch {
	case !w.identity:
		ev, mode = ii.sg.blind(), sgBlind
	case w.idMaybe != "":
		ev, mode = ii.sg.maybe(), sgMaybe
	}
	nat := w.natPort != nil && w.leg == Forward // natsg.go: the source port is the NAT gateway's
	if nat && ev.Flavour().IsAlibaba() {
		ev = ii.sg.natView(mode == sgBlind)
	}
	// an outbound judgement with identity is judged again if the packet
	// then crosses a transit gateway (tgw_sgref.go); in a deferred walk,
	// whatever the groups (another pair's may differ: matrix_fast.go)
	refOut := dir == flow.Outbound && mode == sgWithIdentity && len(w.m.tgws) > 0 && (ii.sg.outRefs || w.deferSG || w.explain)
	if refOut {
		w.refOut = append(w.refOut, refOutHop{hop: int32(i), deferred: -1, filter: -1, ii: ii})
	}
	if w.deferSG {
		if refOut {
			w.refOut[len(w.refOut)-1].deferred = int32(len(w.deferred))
		}
		w.deferred = append(w.deferred, sgHop{iface: ii, blind: mode == sgBlind, maybe: mode == sgMaybe, nat: nat, pkt: pkt, dir: dir, leg: w.leg})
		h.Verdict = flow.Allow
		return
	}
	if w.filters != nil {
		if refOut {
			w.refOut[len(w.refOut)-1].filter = int32(len(*w.filters))
		}
		w.noteFilter(filterHop{kind: KindSecurityGroups, sg: ev, iface: ii, pkt: pkt, dir: dir}, i)
	}
	if w.bounds != nil {
		w.noteBounds(w.bounds, w.clientField(), i, func() { ev.Bounds(pkt, dir, w.bounds) })
	}
	if !w.explain {
		d := ev.Evaluate(pkt, dir)
		h.Verdict = d.Verdict
		if h.Verdict != flow.Allow {
			sgBlockCode(h, ev, ii)
			if d.Basis == sg.SourcePortDiffers {
				h.Code = NATPortUnknown // natsg.go
			}
		}
		return
	}
	w.judgeSG(h, ev, ii, pkt, dir, mode)
}

// sgMode is what a security group judgement sees of the packet's group
// identity.
type sgMode uint8

const (
	sgWithIdentity sgMode = iota
	sgBlind               // lost: a middlebox forwarded the packet
	sgMaybe               // kept perhaps: a transit gateway whose referencing support is unknown (tgw_sgref.go)
	sgOverTGW             // outbound, the packet then crossing a transit gateway (tgw_sgref.go)
)

// judgeSG writes into h the judgement of pkt by ev, ii's security groups
// as the packet meets them in mode.
func (w *walker) judgeSG(h *Hop, ev *sg.Evaluator, ii *ifaceInfo, pkt flow.Flow, dir flow.Direction, mode sgMode) {
	if !w.explain {
		h.Verdict = ev.Evaluate(pkt, dir).Verdict
		if h.Verdict != flow.Allow {
			sgBlockCode(h, ev, ii)
		}
		return
	}
	x := ev.Evaluate(pkt, dir)
	h.Verdict = x.Verdict
	h.judge = sgJudge{ev} // the decision and each group's reason, worded when read
	h.Rule = ev.RuleLabel(x)
	if x.Verdict == flow.Indeterminate && x.Basis == sg.SourcePortDiffers {
		w.natPortSGHop(h, ii) // natsg.go: the NAT gateway's port decides
		return
	}
	if x.Verdict == flow.Indeterminate && x.Basis == sg.EitherDiffers {
		identityUnknownHop(w.m, h, ev, ii, pkt, dir, w.crossedInternet(), w.natSpan()) // alibaba_sg.go: kept or lost after a middlebox or the internet
		return
	}
	if x.Verdict == flow.Indeterminate {
		peer, far := pkt.Src.Addr(), x.Rule.Peer.Group
		if dir == flow.Outbound {
			peer = pkt.Dst.Addr()
		}
		h.Code = SGIndeterminate
		h.Missing = fmt.Sprintf("security group %s, which rule %s references: the input does not hold it, so whether %s is a member is unknown", far, h.Rule, peer)
		h.Fix = fmt.Sprintf("add %s to the input (aws ec2 describe-security-groups --group-ids %s and describe-network-interfaces, in the account or peered VPC that holds it), or check by hand whether %s is a member", far, far, peer)
		if pl := x.Rule.Peer.PrefixList; pl != "" {
			h.Missing = fmt.Sprintf("the entries of prefix list %s, which the input does not hold: whether %s is in the list is unknown (rule: %s)", pl, peer, h.Rule)
			h.Fix = fmt.Sprintf("add the list's entries to the input (aws ec2 get-managed-prefix-list-entries --prefix-list-id %s, in the account that owns it), or check by hand whether it holds %s", pl, peer)
		} else if mode == sgMaybe && w.m.isMember(far, peer) {
			h.Missing = fmt.Sprintf("%s (rule %s references %s, of which %s is a member)", w.idMaybe, h.Rule, far, peer)
			h.Fix = sgReferencingFix(h.Rule)
		} else if member, what := w.m.maybeDelegatedMember(far, peer); member != nil { // prefixes_unknown.go
			h.Missing = fmt.Sprintf("%s, known only later: whether the prefixes or addresses AWS gives %s, a member of %s, at launch hold %s (rule %s)", what, member.label(), far, peer, h.Rule)
			if member.IPv4PrefixesUnknown != what && member.IPv6PrefixesUnknown != what {
				h.Missing = fmt.Sprintf("%s, known only later: whether AWS gives %s, a member of %s, the address %s (rule %s)", what, member.label(), far, peer, h.Rule)
			}
			h.Fix = "set the value in the configuration, or check the answer again once it is known"
		} else if u, ok := w.m.unknownPeers[far]; ok {
			h.Missing = fmt.Sprintf("%s, known only later: whether rule %s matches %s depends on it", u.What, h.Rule, peer)
			h.Fix = "set the value in the configuration, or check the answer again once it is known"
		} else if other := w.m.maybeMember[peer]; other != nil {
			h.Missing = fmt.Sprintf("%s, known only later: whether %s is a member of %s, which rule %s references, depends on it", other.GroupsUnknown, peer, far, h.Rule)
			h.Fix = "set the value in the configuration, or check the answer again once it is known"
		}
		return
	}
	if x.Allowed() {
		if w.leg == Return {
			h.reason = " (no session here from the request, so the reply is judged on its own)"
		}
		return
	}
	var views []aliView // an Alibaba Cloud group's two views, after a middlebox or the internet (alibaba_fix.go)
	if ev.Flavour().IsAlibaba() && len(ev.Views()) > 1 {
		views = aliViews(ev, pkt, dir)
	}
	if viewsDiffer(views) {
		// the rule that comes first in either view decides: every fix
		// must get past it
		dv := decidingView(views)
		h.judge, h.Rule = sgJudge{dv.ev}, dv.ev.RuleLabel(dv.d)
	}
	switch {
	case mode == sgBlind && w.crossedInternet():
		// said only where a reference would have decided otherwise: most
		// packets from the internet meet groups that reference none
		if !ev.Flavour().IsAlibaba() && ii.sg.normal.Evaluate(pkt, dir).Verdict != flow.Deny {
			h.addDetail("the packet crossed the internet, which carries no security group identity, so rules that reference security groups cannot match it")
		}
	case mode == sgBlind && ev.Flavour().IsAlibaba():
		h.addDetail(alibabaBlindDetail + viewsDetail(views)) // alibaba_sg.go
	case mode == sgBlind:
		h.addDetail("the packet passed a middlebox, so rules that reference security groups cannot match it")
	case mode == sgOverTGW:
		h.addDetail("the packet crosses a transit gateway, where outbound rules that reference security groups match nothing (AWS supports references across one in inbound rules only)")
	}
	h.Code = SGNoAllow
	if ev.Flavour().IsAlibaba() {
		h.Code = SGDeny
	}
	switch {
	case ii.GroupsUnknown != "":
		groupsUnknownHop(h, ii, true)
	case viewsDiffer(views):
		h.Fix = alibabaViewsFix(w.m, pkt, ii, dir, views, w.natSpan()) // alibaba_fix.go: every view must let it through
	case ev.Flavour().IsAlibaba():
		h.Fix = alibabaSGFix(w.m, pkt, ii, dir, x, h.Rule, mode == sgWithIdentity || mode == sgMaybe) // alibaba_sg.go
	default:
		h.Fix = sgFix(w.m, pkt, ii, dir, mode == sgWithIdentity || mode == sgMaybe)
	}
}

// natSpan is the source ports a NAT gateway may pick for this leg's
// packet, which an Alibaba Cloud group judges all of (natsg.go); empty
// when no NAT gateway sent it.
func (w *walker) natSpan() flow.PortRange {
	if w.natPort != nil && w.leg == Forward {
		return natPorts
	}
	return flow.PortRange{}
}

// crossedInternet reports whether this leg's packet came in from the
// internet or left for it (through an internet gateway or an egress-only
// one), losing its security group identity (walker.onInternet).
func (w *walker) crossedInternet() bool {
	hops := *w.hops
	for i := range hops { // by index: a hop is large
		switch hops[i].Kind {
		case KindInternet, KindInternetGateway, KindEgressOnlyInternetGateway:
			return true
		}
	}
	return false
}

// sgBlockCode gives h, whose packet ii's groups (ev) did not allow, its
// code, without words.
func sgBlockCode(h *Hop, ev *sg.Evaluator, ii *ifaceInfo) {
	switch {
	case h.Verdict == flow.Indeterminate:
		h.Code = SGIndeterminate
	case ev.Flavour().IsAlibaba():
		h.Code = SGDeny
	default:
		h.Code = SGNoAllow
	}
	groupsUnknownHop(h, ii, false)
}

// see records that ii's security groups judged a packet of this leg.
// sgDidNotAllow reports whether the walk's security group hop of the
// groups id on the interface name (an explained walk's) did not allow
// the packet: the reply's stateful pass is then only what would be.
func (w *walker) sgDidNotAllow(id, name string) bool {
	for _, h := range *w.hops {
		if h.Kind == KindSecurityGroups && h.ID == id && h.Name == name && h.Verdict != flow.Allow {
			return true
		}
	}
	return false
}

func (w *walker) see(ii *ifaceInfo) {
	if !slices.Contains(w.seen, ii) {
		w.seen = append(w.seen, ii)
	}
}

// sgFix proposes the rule that would let pkt through: by the peer's
// address, or by a group of the peer's when byGroup (a reference that
// can match it).
func sgFix(m *Model, pkt flow.Flow, ii *ifaceInfo, dir flow.Direction, byGroup bool) string {
	peer, word := pkt.Src.Addr(), "from"
	if dir == flow.Outbound {
		peer, word = pkt.Dst.Addr(), "to"
	}
	// one builder, no fmt: a check words the fix of every blocking group
	var b strings.Builder
	b.Grow(96)
	b.WriteString("add an ")
	b.WriteString(dir.String())
	b.WriteString(" rule to ")
	b.WriteString(ii.Groups[0])
	b.WriteString(" allowing ")
	b.WriteString(pkt.Traffic())
	b.WriteString(" ")
	b.WriteString(word)
	b.WriteString(" ")
	var scratch [64]byte
	b.Write(netip.PrefixFrom(peer, peer.BitLen()).AppendTo(scratch[:0]))
	if other, ok := m.ifaceByAddr(peer); ok && byGroup && len(other.Groups) > 0 {
		b.WriteString(" (or ")
		b.WriteString(other.Groups[0])
		b.WriteString(", a group of ")
		b.WriteString(other.label())
		b.WriteString(")")
	}
	return b.String()
}

// networkACL judges pkt at a subnet boundary. Its hop is written in place
// ([walker.push]): nothing else adds a hop meanwhile.
func (w *walker) networkACL(pkt flow.Flow, s *subnetInfo, dir flow.Direction) {
	if w.natPort != nil && w.leg == Return && pkt.Protocol.HasPorts() {
		w.natPortACL(pkt, s, dir) // natport.go: its port is the NAT gateway's
		return
	}
	i := len(*w.hops)
	if w.filters != nil {
		w.noteFilter(filterHop{kind: KindNetworkACL, acl: s.acl.ev, subnet: s, pkt: pkt, dir: dir}, i)
	}
	if w.bounds != nil {
		w.noteBounds(w.bounds, w.clientField(), i, func() { s.acl.ev.Bounds(pkt, dir, w.bounds) })
	}
	h := w.push()
	h.Kind, h.ID, h.Direction, h.Packet = KindNetworkACL, s.acl.acl.ID, dir, pkt
	var v flow.Verdict
	var def bool
	if !w.explain {
		v, def = s.acl.ev.Verdict(pkt, dir) // the verdict alone
	} else {
		var words nacl.Words
		v, def, words = s.acl.ev.VerdictWords(pkt, dir)
		h.Name, h.Rule, h.reason = s.ID, words.Rule, words.Reason
		h.judge = aclJudge{s.acl.ev} // the entries passed over, worded when read
	}
	h.Verdict = v
	// the whole decision (its deciding entry), only for a block's fix and
	// for entries known later, decided once for both
	var d nacl.Decision
	decided := false
	decision := func() nacl.Decision {
		if !decided {
			d, decided = s.acl.ev.Evaluate(pkt, dir), true
		}
		return d
	}
	if v != flow.Allow {
		h.Code = ACLDeny
		if def {
			h.Code = ACLDefaultDeny
		}
		if w.explain {
			h.Fix = aclFix(pkt, s, dir, decision(), w.leg)
		}
	}
	if len(s.acl.unknown) > 0 {
		unknownACLHop(h, s.acl, pkt, dir, decision())
	}
	h.Code = h.Code.OnLeg(w.leg)
}

func aclFix(pkt flow.Flow, s *subnetInfo, dir flow.Direction, d nacl.Decision, leg Leg) string {
	peer, word := pkt.Src.Addr(), "from"
	if dir == flow.Outbound {
		peer, word = pkt.Dst.Addr(), "to"
	}
	what := pkt.Traffic()
	if pkt.Protocol.HasPorts() {
		what = fmt.Sprintf("%s %d", pkt.Protocol, pkt.Dst.Port())
		if leg == Return {
			// A reply goes to the client's ephemeral port, which differs
			// from client to client: allow the whole range.
			what = fmt.Sprintf("%s 1024-65535 (replies go to the client's ephemeral port, here %d)", pkt.Protocol, pkt.Dst.Port())
		}
	}
	cidr := netip.PrefixFrom(peer, peer.BitLen())
	if d.Default {
		return fmt.Sprintf("add an %s allow entry to %s for %s %s %s", dir, s.acl.acl.ID, what, word, cidr)
	}
	return fmt.Sprintf("entry %s of %s denies first: add an %s allow entry numbered below %d for %s %s %s, or narrow entry %d",
		d.Entry.Label(), s.acl.acl.ID, dir, d.Entry.Number, what, word, cidr, d.Entry.Number)
}

// boundary crosses from subnet a (nil: from an internet gateway or a
// firewall endpoint's side of the VPC router) into subnet b: a's ACL
// outbound and b's ACL inbound, not when a and b are one subnet.
func (w *walker) boundary(pkt flow.Flow, a, b *subnetInfo) {
	if a == b {
		return
	}
	if a != nil {
		w.networkACL(pkt, a, flow.Outbound)
	}
	if b != nil {
		w.networkACL(pkt, b, flow.Inbound)
	}
}

// deliverLocal hands pkt to the owner of its destination inside vpc: an
// interface, or a NAT gateway (for a reply it translated).
func (w *walker) deliverLocal(pkt flow.Flow, from *subnetInfo, vpc *vpcInfo) arrival {
	dst := pkt.Dst.Addr()
	if ii, ok := w.m.ifaceByAddr(dst); ok && ii.subnet.vpc == vpc {
		w.boundary(pkt, from, ii.subnet)
		w.securityGroups(pkt, ii, flow.Inbound)
		if ii.InterfaceEndpoint != "" && pkt.Protocol != flow.TCP {
			w.interfaceEndpointProtocol(pkt, ii) // interface endpoint: TCP only, long
		}
		if w.explain {
			if note := w.m.delegatedNote(dst, false); note != "" { // delegated.go
				(*w.hops)[len(*w.hops)-1].addDetail(note)
			}
		}
		if w.leg == Return {
			if ni := w.forward.natInstance; ni != nil && ni.ii == ii && ni.private == dst {
				return w.natInstanceReply(pkt, ni) // walk_gateways.go
			}
		}
		return arrival{ok: true, pkt: pkt, iface: ii}
	}
	if ni, ok := w.m.natAddr[dst]; ok && ni.subnet.vpc == vpc && ni.hasPrivate(dst) {
		w.boundary(pkt, from, ni.subnet)
		return w.natInbound(pkt, ni)
	}
	if dst == vpc.dns {
		if h, ok := w.m.prefixesUnknownHop(pkt, vpc, KindRouteTable, vpc.ID); ok { // delegated.go
			return w.stop(h) // an ECS interface may get it: an Alibaba vSwitch does not reserve it
		}
		if h, ok := w.amazonDNSTranslated(pkt, vpc); ok { // amazondns.go
			return w.stop(h) // from a NAT gateway of the VPC itself
		}
		// from outside the VPC: a source inside it went straight there
		return w.stop(amazonDNSOutside(pkt, vpc)) // amazondns.go
	}
	if h, ok := w.m.unmodelledHop(pkt, vpc); ok { // unmodelled.go
		return w.stop(h)
	}
	if h, ok := w.m.prefixesUnknownHop(pkt, vpc, KindRouteTable, vpc.ID); ok { // delegated.go
		return w.stop(h)
	}
	h := Hop{Kind: KindRouteTable, ID: vpc.ID, Packet: pkt, Verdict: flow.Deny, Code: UnknownDestination,
		reason: fmt.Sprintf("no interface or gateway in %s has the address %s", vpc.ID, dst),
		Fix:    fmt.Sprintf("check the destination address; %s is inside %s but nothing there owns it", dst, vpc.ID)}
	if w.m.hostless != nil {
		w.m.hostlessWords(&h, vpc) // hostless.go
	}
	return w.stop(h)
}

// unknownIn is the hop of a packet for an address inside vpc's CIDR
// blocks that nothing there holds, met from outside the VPC: never an
// internet host. An address something unmodelled holds
// ([UnmodelledAddress]) is undecided instead.
func (m *Model) unknownIn(pkt flow.Flow, vpc *vpcInfo) Hop {
	if pkt.Dst.Addr() == vpc.dns {
		if h, ok := m.prefixesUnknownHop(pkt, vpc, KindInternet, "internet"); ok { // delegated.go
			return h // an ECS interface may get it: an Alibaba vSwitch does not reserve it
		}
		return amazonDNSOutside(pkt, vpc) // amazondns.go: the internet is outside the VPC
	}
	if h, ok := m.unmodelledHop(pkt, vpc); ok { // unmodelled.go
		return h
	}
	if h, ok := m.prefixesUnknownHop(pkt, vpc, KindInternet, "internet"); ok { // delegated.go
		return h
	}
	dst := pkt.Dst.Addr()
	h := Hop{Kind: KindInternet, ID: "internet", Packet: pkt, Verdict: flow.Deny, Code: UnknownDestination,
		reason: fmt.Sprintf("%s is inside %s (%s), but no interface or gateway there has it", dst, vpc.ID, prefixList(vpc.CIDRs)),
		Fix:    fmt.Sprintf("check the destination address; %s is inside %s but nothing there owns it", dst, vpc.ID)}
	if m.hostless != nil {
		m.hostlessWords(&h, vpc) // hostless.go
	}
	return h
}

// viaFirewall sends pkt through a Network Firewall endpoint. The
// firewall's decision is filled in once both legs are known.
func (w *walker) viaFirewall(pkt flow.Flow, from *subnetInfo, ei *endpointInfo) arrival {
	if cycle, ok := w.revisit(KindFirewall, ei.ID, pkt); ok {
		return w.stop(loopHop(KindFirewall, ei.ID, ei.fw.label(), pkt, cycle))
	}
	w.boundary(pkt, from, ei.subnet)
	if serves, _ := ei.serves(pkt.Dst.Addr().Is6()); !serves { // firewall_family.go: undecided, uninspected, the walk goes on
		w.add(familyHop(pkt, ei))
		w.identity = false
		return w.route(pkt, ei.subnet)
	}
	i := len(*w.hops)
	h := w.push()
	h.Kind, h.ID, h.Name, h.Packet, h.Verdict = KindFirewall, ei.ID, ei.fw.label(), pkt, flow.Allow
	if w.explain && ei.note != "" {
		h.addDetail(ei.note)
	}
	c := crossing{endpoint: ei, hop: i, pkt: pkt}
	if w.natPort != nil && pkt.Protocol.HasPorts() {
		c.nat = w.natPort // natfw.go: its port is the NAT gateway's
	}
	w.crossed = append(w.crossed, c)
	if w.bounds != nil {
		w.firewallBounds(pkt, ei, c.nat != nil)
	}
	w.identity = false
	return w.route(pkt, ei.subnet)
}

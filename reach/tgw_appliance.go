package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Transit gateway appliance mode ([TGWAttachment.ApplianceMode]).
//
// AWS: "Enabling appliance mode ensures that the transit gateway continues
// to use the same Availability Zone for the VPC attachment over the
// lifetime of a flow of traffic between source and destination"; the
// gateway "selects a single network interface in the appliance VPC, using
// a flow hash algorithm, to send traffic to for the life of the flow" and
// uses the same one for the return traffic (Amazon VPC Transit Gateways,
// "Stateful appliances and appliance mode"). The walk follows that:
//
//   - A packet the transit gateway sends out through an appliance-mode
//     attachment with more than one subnet leaves through the subnet the
//     flow hash picks, in any zone of the attachment, whatever zone the
//     packet came from. The input does not say which (the hash is AWS's),
//     so the walk tries every one: the check is walked once per choice
//     (per combination of choices, when a path meets several), and
//     answers only what every choice answers alike. When they differ, the
//     transit gateway hop is undecided ([TGWApplianceZoneUnknown]) and the
//     answer indeterminate. (More than maxZoneWalks combinations are not
//     walked: the leg ends, undecided, at the first choice.)
//   - The reply leaves through the subnet the request left by, when the
//     request left through that attachment and the reply reaches the
//     transit gateway as the request's reverse (no address translation
//     between): both directions of the flow take one subnet, one zone, so
//     one firewall endpoint there. A reply that meets an appliance-mode
//     attachment the request did not leave by is a choice of its own.
//   - A packet entering the transit gateway through an appliance-mode
//     attachment enters as any other does (by the subnet in its zone: the
//     VPC's routes decide where it comes from).
//
// The trace shows one choice: the subnet in the packet's zone when the
// attachment has one, else its first (the default); when the choices
// disagree, the first choice whose answer is not unreachable, with the
// undecided hop. The set questions that read the filters of one path
// (Matrix, Sources, Audit, Diff) answer such a design by zone worlds
// (tgw_worlds.go); Ports answers by a walk per atom there.

// maxZoneWalks bounds the walks of one check over the subnets appliance
// mode lets the flow hash pick.
const maxZoneWalks = 256

// zoneFork is the state of the walks over the flow hash's choices, kept
// on the request's walker (the reply's reads it through forward).
type zoneFork struct {
	picks []int       // the choice to take at each choice point, in the order met; past its end, 0
	met   []zonePoint // the choice points this walk met
	exits []zoneExit  // the appliance-mode attachments this walk left the transit gateway by
	stop  bool        // end the leg, undecided, at the first choice point
	// walking is set while walkZones walks one choice: walkWith then
	// walks once
	walking bool
}

// zonePoint is a choice of the flow hash a walk met: at the transit
// gateway hop hop of leg, among the n subnets of att. exit: a choice
// AWS does not document instead (tgw_exit_fork.go), of a packet for dst
// that entered the gateway in zone az.
type zonePoint struct {
	att  *tgwAttInfo
	n    int
	leg  Leg
	hop  int
	exit bool
	az   tgwZone
	dst  netip.Addr
}

// zoneExit is a packet leaving the transit gateway through subnet sub of
// appliance-mode attachment att on leg.
type zoneExit struct {
	att *tgwAttInfo
	sub *subnetInfo
	pkt flow.Flow
	leg Leg
}

// next moves picks to the next combination of the choices met (the last
// choice first, those after it back to their first), false when every
// one was walked.
func (z *zoneFork) next() bool {
	for len(z.picks) < len(z.met) {
		z.picks = append(z.picks, 0)
	}
	for i := len(z.met) - 1; i >= 0; i-- {
		if z.picks[i]+1 < z.met[i].n {
			z.picks[i]++
			z.picks = z.picks[:i+1]
			return true
		}
	}
	return false
}

// zones returns the state of the walks over the flow hash's choices.
func (w *walker) zones() *zoneFork {
	if w.forward != nil {
		return w.forward.fork
	}
	return w.fork
}

// applianceSubnet returns the subnet of appliance-mode attachment out
// (more than one subnet) that pkt, which entered the transit gateway in
// zone az, leaves through: the one the request left by, for its reply;
// else this walk's choice for the flow hash. nil: end the leg here.
func (w *walker) applianceSubnet(pkt flow.Flow, out *tgwAttInfo, az tgwZone) *subnetInfo {
	z := w.zones()
	last := len(*w.hops) - 1 // the transit gateway's hop
	if w.leg == Return {
		for _, e := range z.exits {
			if e.leg == Forward && e.att == out && e.pkt.Protocol == pkt.Protocol && e.pkt.Src == pkt.Dst && e.pkt.Dst == pkt.Src {
				z.exits = append(z.exits, zoneExit{att: out, sub: e.sub, pkt: pkt, leg: w.leg})
				if w.explain && last >= 0 {
					(*w.hops)[last].addDetail(fmt.Sprintf("appliance mode on %s: the reply leaves through %s (%s), the subnet the request left by", out.ID, e.sub.ID, orUnknown(e.sub.AvailabilityZone)))
				}
				return e.sub
			}
		}
	}
	k := len(z.met)
	z.met = append(z.met, zonePoint{att: out, n: len(out.subnets), leg: w.leg, hop: last})
	if z.stop {
		return nil
	}
	pick := 0
	if k < len(z.picks) {
		pick = z.picks[k]
	}
	sub := zoneChoice(out, az, pick)
	z.exits = append(z.exits, zoneExit{att: out, sub: sub, pkt: pkt, leg: w.leg})
	if w.explain && last >= 0 {
		(*w.hops)[last].addDetail(fmt.Sprintf("appliance mode on %s: the transit gateway's flow hash picks which of its subnets (%s) the flow leaves through, and keeps the flow there both ways; this trace shows %s (%s)",
			out.ID, subnetIDs(out.subnets), sub.ID, orUnknown(sub.AvailabilityZone)))
	}
	return sub
}

// shownZones returns the subnets of appliance-mode attachments the last
// walk of w (a request's walker) left the transit gateway by, in the
// order it left, both legs: the choices of the walk its hops show. nil
// when the walk met no choice.
func (w *walker) shownZones() []*subnetInfo {
	z := w.zones()
	if z == nil || len(z.met) == 0 {
		return nil
	}
	subs := make([]*subnetInfo, len(z.exits))
	for i, e := range z.exits {
		subs[i] = e.sub
	}
	return subs
}

// showsZones reports whether the last walk of w (a request's walker)
// left the transit gateway by the subnets subs (shownZones), without
// allocating: a set question asks it once per atom.
func (w *walker) showsZones(subs []*subnetInfo) bool {
	z := w.zones()
	if z == nil || len(z.met) == 0 {
		return len(subs) == 0
	}
	return slices.EqualFunc(z.exits, subs, func(e zoneExit, s *subnetInfo) bool { return e.sub == s })
}

// zoneChoice returns choice pick of the subnets of att the flow hash can
// pick: first the subnet the input says is in zone az, when att has one
// (tgw_zone.go), then the others in att's order.
func zoneChoice(att *tgwAttInfo, az tgwZone, pick int) *subnetInfo {
	first := 0
	if i := slices.Index(att.subnets, att.subnetIn(az)); i >= 0 {
		first = i
	}
	switch {
	case pick == 0:
		return att.subnets[first]
	case pick <= first:
		return att.subnets[pick-1]
	}
	return att.subnets[pick]
}

func subnetIDs(ss []*subnetInfo) string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	return strings.Join(ids, ", ")
}

// walkStart is what a walker held before a walk, to walk again from there.
type walkStart struct {
	hops, seen, nat, crossed, visited, deferred, marks, filters, refOut int
	identity                                                            bool
	idMaybe                                                             string
	steps                                                               int
	appliance, appliance6, forwarder                                    *ifaceInfo
	natInstance                                                         *natInstanceRecord
}

func (w *walker) start() walkStart {
	s := walkStart{hops: len(*w.hops), seen: len(w.seen), nat: len(w.nat), crossed: len(w.crossed), visited: len(w.visited),
		deferred: len(w.deferred), refOut: len(w.refOut), identity: w.identity, idMaybe: w.idMaybe, steps: w.steps, appliance: w.appliance, appliance6: w.appliance6, forwarder: w.forwarder, natInstance: w.natInstance}
	if w.marks != nil {
		s.marks = len(*w.marks)
	}
	if w.filters != nil {
		s.filters = len(*w.filters)
	}
	return s
}

func (w *walker) restart(s walkStart) {
	*w.hops = (*w.hops)[:s.hops]
	w.seen, w.nat, w.crossed, w.visited, w.deferred = w.seen[:s.seen], w.nat[:s.nat], w.crossed[:s.crossed], w.visited[:s.visited], w.deferred[:s.deferred]
	w.refOut = w.refOut[:s.refOut]
	w.identity, w.idMaybe, w.steps, w.appliance, w.appliance6, w.natInstance = s.identity, s.idMaybe, s.steps, s.appliance, s.appliance6, s.natInstance
	w.forwarder = s.forwarder
	if w.marks != nil {
		*w.marks = (*w.marks)[:s.marks]
	}
	if w.filters != nil {
		*w.filters = (*w.filters)[:s.filters]
	}
}

// walkZones is walkWith's single walk over every choice of subnet the flow hash can make
// at appliance-mode attachments (see above): the walkers are left with the
// walk of the choice the trace shows. The filters' bounds are collected
// over every walk, so that a set question cuts its atoms where any choice
// treats values apart.
func (m *Model) walkZones(f flow.Flow, src *ifaceInfo, fw, rw *walker) (arrived, back arrival) {
	if fw.fork == nil {
		fw.fork = new(zoneFork) // kept by a pooled walker for its next walks
	}
	z := fw.fork
	defer func() { z.walking = false }() // a walker reused after a panic walks every choice again
	z.picks, z.stop = z.picks[:0], false
	fs, rs := fw.start(), rw.start()
	walk := func() Outcome {
		fw.restart(fs)
		rw.restart(rs)
		z.met, z.exits = z.met[:0], z.exits[:0]
		z.walking = true
		arrived, back = m.walkWith(f, src, fw, rw)
		z.walking = false
		return outcomeOf(*fw.hops, *rw.hops, arrived.ok)
	}
	r := forkWalks(walk, func() bool { return len(z.met) > 0 }, func() []int { return z.picks }, z.next, nil, maxZoneWalks)
	if !r.forked {
		return arrived, back
	}
	if r.over {
		z.picks, z.stop = z.picks[:0], true
		walk()
		undecideZone(fw, rw, fmt.Sprintf("more than %d combinations of subnets the flow hash picks", maxZoneWalks))
		return arrived, back
	}
	agree, first := r.agree, r.first
	z.picks = z.picks[:0]
	if !agree {
		z.picks = append(z.picks, r.keep...)
	}
	walk()
	if !agree {
		undecideZone(fw, rw, "the answer differs between them")
	} else if fw.explain {
		p := z.met[0]
		hops := *fw.hops
		if p.leg == Return {
			hops = *rw.hops // the reply's hop: the request's may be fewer
		}
		note := zonesAgreeNote
		if p.exit {
			note = exitsAgreeNote
		}
		hops[p.hop].addDetail(fmt.Sprintf("%s (%s)", note, first))
	}
	return arrived, back
}

// zonesAgreeNote begins the detail of a zone walk whose choices agree;
// exitsAgreeNote that of one whose first choice is an exit AWS does not
// name (tgw_exit_fork.go).
const (
	zonesAgreeNote = "every subnet the flow hash can pick gives the answer this trace gives"
	exitsAgreeNote = "every subnet the transit gateway may take gives the answer this trace gives"
)

// undecideZone makes the transit gateway hop of the walk's first choice
// undecided: why says why the walk cannot answer.
func undecideZone(fw, rw *walker, why string) {
	p := fw.fork.met[0]
	hops := *fw.hops
	if p.leg == Return {
		hops = *rw.hops
	}
	if p.exit {
		fw.m.undecideExit(&hops[p.hop], p, why)
		return
	}
	undecideHop(&hops[p.hop], p.att, p.leg, why)
}

// undecideHop makes h, the transit gateway hop on leg where a packet
// leaves through appliance-mode attachment att, undecided: why says why
// the walk cannot answer.
func undecideHop(h *Hop, att *tgwAttInfo, leg Leg, why string) {
	h.Verdict, h.Code = flow.Indeterminate, TGWApplianceZoneUnknown.OnLeg(leg)
	h.Missing = fmt.Sprintf("which subnet of %s (%s) the transit gateway's flow hash picks for this flow (appliance mode): %s", att.ID, subnetIDs(att.subnets), why)
	h.Fix = fmt.Sprintf("make the path through each subnet of %s alike (routes, network ACLs, firewall endpoints and rules), or check each zone's path by hand", att.ID)
}

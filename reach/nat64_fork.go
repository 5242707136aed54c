package reach

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// NAT64 through an appliance that may or may not translate.
//
// An appliance (a route's target interface with an IPv4 address, its
// source/destination check off or unknown) that forwards another's IPv6
// request for the NAT64 prefix may be a NAT64 instance (Jool, Tayga),
// which sends it on as IPv4, or a plain forwarder, which sends it on
// unchanged: the input holds no instance configuration. When its
// subnet's routes alone doom the unchanged packet (nat64Doomed) only the
// translation is walked (nat64Appliance). Otherwise both may get
// somewhere (the unchanged packet to a NAT gateway, over a peering or a
// transit gateway...) and each is walked on its own: the appliance is a
// choice point of the request, and the question is walked once per
// combination of choices (walkNAT64). The answer is the one every
// combination gives, when they agree; when they differ it is
// Indeterminate, the appliance's hop undecided
// ([ApplianceTranslationUnknown]), whatever a certain block on one of
// them says. The trace shows the first combination (each appliance
// forwarding unchanged) when they agree, else the first whose answer is
// not Unreachable; the undecided hop's reason says what each possibility
// meets. When that trace is a zone walk's whose path meets no appliance
// (the flow hash may pick another zone, whose path does), the transit
// gateway hop where the flow hash picks is made undecided instead
// (undecideShown): the answer is Indeterminate, on a hop of the trace.
//
// The walks wrap the transit gateway's zone walks (tgw_appliance.go):
// each combination is answered over the flow hash's choices first.
// Their filters' bounds are collected over every walk, so that Ports
// cuts its atoms where either possibility treats ports apart; it then
// walks each atom (its hop by hop answer reads one path), and names a
// cut by the hop of the atom's own trace. The matrix's walks of a
// middle, which judge security groups afterwards on one path
// (matrix_fast.go), do not fork: the appliance's hop ends them,
// undecided; so where a route may send the prefix to such an appliance
// (nat64MayFork) the matrix and Diff leave the prefix out of their
// internet cells, with a note, and none meets it.

// maxNAT64Walks bounds the walks of one question over the choices of
// the appliances that may translate: past it, the request ends,
// undecided, at the first appliance.
const maxNAT64Walks = 64

// nat64Fork is the state of the walks over the choices of appliances
// that may translate a request for the NAT64 prefix, kept on the
// request's walker.
type nat64Fork struct {
	// picks is the choice to make at each point, in the order met
	// (true: the appliance translates); past its end, unchanged
	picks []bool
	met   []nat64Point // the choice points of this walk
	// all holds every point met over the zone walks of one combination
	// (each appliance once per place in the order), to word it
	all  []nat64Point
	most int  // the most points a walk met, over the zone walks of one combination
	stop bool // end the request, undecided, at the first point
	// walking is set while walkNAT64 walks one combination: walkWith
	// then walks it (over the zone walks, if any)
	walking bool
	// forked: the last question met a choice point, so its walks may
	// differ in their hops from one set of ports to another
	forked bool
	tried  []nat64Try // with explain: what each combination met
}

// nat64Point is a choice an appliance made on this walk: the request's
// hop that stands for it (the appliance's forwarding hop when unchanged,
// its translation hop when translated).
type nat64Point struct {
	ap         *ifaceInfo
	hop        int
	at         int // its place in the order met
	translated bool
}

// nat64Try is one combination walked, for the words of the answer.
type nat64Try struct {
	choices string // what the appliances did, in words
	out     Outcome
	fate    string // where the walk was decided
}

// nat64Forks reports whether the walk of f may meet an appliance that
// may translate it: an IPv6 request for the NAT64 prefix.
func nat64Forks(f flow.Flow) bool {
	return f.Src.Addr().Is6() && nat64Prefix.Contains(f.Dst.Addr())
}

// next moves picks to the next combination of the choices met (the last
// first), false when every one was walked.
func (x *nat64Fork) next() bool {
	for len(x.picks) < x.most {
		x.picks = append(x.picks, false)
	}
	for i := x.most - 1; i >= 0; i-- {
		if !x.picks[i] {
			x.picks[i] = true
			x.picks = x.picks[:i+1]
			return true
		}
	}
	return false
}

// nat64Choice is the choice of appliance ap, whose forwarding hop is
// hop at of the request, about pkt, an IPv6 request for the NAT64 prefix
// that its subnet's routes do not doom. translated: the appliance
// translates on this walk, and a is where the translated packet ended.
// Otherwise, with a.ok the walk goes on with the unchanged packet; a
// not ok ends it, undecided: a walk that cannot fork (too many
// combinations; or the matrix's walk of a middle, whose security groups
// it judges afterwards, on one path: matrix_fast.go).
func (w *walker) nat64Choice(pkt flow.Flow, ap *ifaceInfo, at int) (a arrival, translated bool) {
	x := w.n64
	walkOn := pkt.Protocol == flow.TCP || pkt.Protocol == flow.UDP
	h := Hop{Kind: KindInterface, ID: ap.ID, Name: ap.label(), Packet: pkt}
	dst := pkt.Dst.Addr()
	if x == nil || !x.walking || x.stop || w.deferSG {
		h.Verdict, h.Code = flow.Indeterminate, ApplianceTranslationUnknown
		if w.explain {
			why := fmt.Sprintf("the combinations of what the appliances on the path may do are more than %d", maxNAT64Walks)
			if x == nil || !x.walking || w.deferSG {
				why = "this walk does not follow both"
			}
			h.reason = fmt.Sprintf("%s is in the NAT64 prefix %s (the IPv4 address %s, as DNS64 writes it): appliance %s may forward it unchanged or translate it (a NAT64 instance), and the input does not say which; %s",
				dst, nat64Prefix, nat64Embedded(dst), ap.label(), why)
			h.Missing, h.Fix = nat64ApplianceMissing(ap), nat64ApplianceFix(ap, dst)
		}
		return w.stop(h), true
	}
	k := len(x.met)
	translated = k < len(x.picks) && x.picks[k]
	p := nat64Point{ap: ap, hop: at, at: k, translated: translated}
	if translated {
		p.hop = len(*w.hops) // the translation's hop, added next
	}
	x.met = append(x.met, p)
	if !slices.ContainsFunc(x.all, func(q nat64Point) bool { return q.at == k && q.ap == ap }) {
		x.all = append(x.all, p)
	}
	x.most = max(x.most, len(x.met))
	if !translated {
		return arrival{ok: true}, false
	}
	if !walkOn {
		h.Verdict, h.Code = flow.Indeterminate, ApplianceTranslationUnknown
		if w.explain {
			h.reason = fmt.Sprintf("if appliance %s translates %s (a NAT64 instance), it sends it on as IPv4 to %s; the translated packet is not walked (the translation of %s is not modelled)",
				ap.label(), dst, nat64Embedded(dst), pkt.Protocol)
			h.Missing, h.Fix = nat64ApplianceMissing(ap), nat64ApplianceFix(ap, dst)
		}
		return w.stop(h), true
	}
	h.Verdict = flow.Allow
	if w.explain {
		h.reason = fmt.Sprintf("if appliance %s translates %s (a NAT64 instance), it sends it on as IPv4 from %s to %s, routed from %s",
			ap.label(), dst, nat64Source(ap), nat64Embedded(dst), ap.subnet.ID)
	}
	w.add(h)
	return w.nat64Translate(pkt, ap), true
}

// walkNAT64 is walkWith's walk of f, an IPv6 request for the NAT64
// prefix, over every combination of the choices of the appliances that
// may translate it (see above): the walkers are left with the walk of
// the combination the trace shows.
func (m *Model) walkNAT64(f flow.Flow, src *ifaceInfo, fw, rw *walker) (arrived, back arrival) {
	if fw.n64 == nil {
		fw.n64 = new(nat64Fork) // kept by a pooled walker for its next walks
	}
	x := fw.n64
	defer func() { x.walking = false }() // a walker reused after a panic walks every combination again
	x.picks, x.stop, x.forked, x.tried = x.picks[:0], false, false, x.tried[:0]
	fs, rs := fw.start(), rw.start()
	walk := func() Outcome {
		fw.restart(fs)
		rw.restart(rs)
		x.met, x.all, x.most = x.met[:0], x.all[:0], 0
		x.walking = true
		arrived, back = m.walkWith(f, src, fw, rw)
		x.walking = false
		return outcomeOf(*fw.hops, *rw.hops, arrived.ok)
	}
	var tried func(Outcome)
	if fw.explain {
		tried = func(out Outcome) {
			x.tried = append(x.tried, nat64Try{choices: x.allWords(), out: out, fate: fateOf(*fw.hops, *rw.hops, out)})
		}
	}
	r := forkWalks(walk, func() bool { return x.most > 0 }, func() []bool { return x.picks }, x.next, tried, maxNAT64Walks)
	if !r.forked {
		return arrived, back
	}
	x.forked = true
	if r.over {
		x.picks, x.stop = x.picks[:0], true
		walk()
		return arrived, back
	}
	agree, first := r.agree, r.first
	x.picks = x.picks[:0]
	if !agree {
		x.picks = append(x.picks, r.keep...)
	}
	walk()
	if len(x.met) == 0 {
		// the shown walk (a zone walk's: tgw_appliance.go) met no
		// appliance, but another subnet's path did
		if !agree {
			x.undecideShown(f, fw, rw)
		} else if fw.explain && fw.fork != nil && len(fw.fork.met) > 0 {
			hopOfZone(fw, rw, fw.fork.met[0]).addDetail(fmt.Sprintf("whether the appliances on the paths of other subnets forward the packet unchanged or translate it (a NAT64 instance), the answer is the same (%s): %s", first, x.fates()))
		}
		return arrived, back
	}
	p := x.met[0]
	h := &(*fw.hops)[p.hop]
	dst := f.Dst.Addr()
	switch {
	case !agree && h.Code == "":
		h.Verdict, h.Code, h.judge = flow.Indeterminate, ApplianceTranslationUnknown, nil
		if fw.explain {
			h.reason = fmt.Sprintf("%s is in the NAT64 prefix %s (the IPv4 address %s, as DNS64 writes it): appliance %s may forward it unchanged or translate it (a NAT64 instance), and the input does not say which; %s. This trace shows %s",
				dst, nat64Prefix, nat64Embedded(dst), p.ap.label(), x.fates(), x.words())
			h.Missing, h.Fix = nat64ApplianceMissing(p.ap), nat64ApplianceFix(p.ap, dst)
		}
	case !agree && fw.explain:
		h.addDetail(fmt.Sprintf("appliance %s may forward the packet unchanged or translate it (a NAT64 instance): %s", p.ap.ID, x.fates()))
	case fw.explain:
		h.addDetail(fmt.Sprintf("whether appliance %s forwards the packet unchanged or translates it (a NAT64 instance), the answer is the same (%s): %s", p.ap.ID, first, x.fates()))
	}
	return arrived, back
}

// undecideShown makes the answer of the shown walk of f, which met no
// appliance, undecided when the combinations of what the appliances on
// other walks do disagree: the shown walk is one of the transit gateway's
// zone walks (tgw_appliance.go), and the flow hash may pick another
// subnet, whose path meets an appliance. The transit gateway hop where
// the flow hash picks is the hop marked: it is on the shown trace, and it
// is where the paths part. (A shown walk without such a hop cannot follow
// from the walks above; should one come, its last request hop is
// marked, so that the answer is never certain.)
func (x *nat64Fork) undecideShown(f flow.Flow, fw, rw *walker) {
	dst := f.Dst.Addr()
	why := fmt.Sprintf("%s is in the NAT64 prefix %s (the IPv4 address %s, as DNS64 writes it), and an appliance on the path of another subnet the flow hash may pick may forward it unchanged or translate it (a NAT64 instance), which the input does not say; the answer differs between them: %s",
		dst, nat64Prefix, nat64Embedded(dst), x.fates())
	if z := fw.fork; z != nil && len(z.met) > 0 {
		p := z.met[0]
		h := hopOfZone(fw, rw, p)
		if h.Code == "" {
			undecideHop(h, p.att, p.leg, why)
			// walkZones' word that every subnet answers alike holds for
			// this combination only
			h.notes = slices.DeleteFunc(h.notes, func(n string) bool { return strings.HasPrefix(n, zonesAgreeNote) })
		} else if fw.explain {
			h.addDetail(why)
		}
		return
	}
	hops := *fw.hops
	if len(hops) == 0 {
		return
	}
	if h := &hops[len(hops)-1]; h.Code == "" {
		h.Verdict, h.Code, h.judge = flow.Indeterminate, ApplianceTranslationUnknown, nil
		h.reason = why
	}
}

// hopOfZone returns the transit gateway hop of zone choice p on the walk.
func hopOfZone(fw, rw *walker, p zonePoint) *Hop {
	hops := *fw.hops
	if p.leg == Return {
		hops = *rw.hops
	}
	return &hops[p.hop]
}

// allWords says what the appliances did over the zone walks of this
// combination: at each place in the order, the appliances met there.
func (x *nat64Fork) allWords() string {
	var out []string
	for k := 0; ; k++ {
		var ids []string
		for _, p := range x.all {
			if p.at == k {
				ids = append(ids, p.ap.ID)
			}
		}
		if len(ids) == 0 {
			break
		}
		did := " forwards it unchanged"
		if k < len(x.picks) && x.picks[k] {
			did = " translates it"
		}
		out = append(out, strings.Join(ids, " or ")+did)
	}
	return strings.Join(out, ", then ")
}

// words says what the appliances did on this walk.
func (x *nat64Fork) words() string {
	out := make([]string, len(x.met))
	for i, p := range x.met {
		out[i] = p.ap.ID + " forwards it unchanged"
		if p.translated {
			out[i] = p.ap.ID + " translates it"
		}
	}
	return strings.Join(out, ", then ")
}

// fates says what each combination walked met.
func (x *nat64Fork) fates() string {
	out := make([]string, len(x.tried))
	for i, t := range x.tried {
		out[i] = "if " + t.choices + ", " + t.fate
	}
	return strings.Join(out, "; ")
}

// fateOf words where a walk of outcome out was decided: its first
// certain block, else its first undecided hop.
func fateOf(fwd, ret []Hop, out Outcome) string {
	if out == Reachable {
		return "the session gets through"
	}
	var undecided *Hop
	for _, hops := range [2][]Hop{fwd, ret} {
		for i := range hops {
			h := &hops[i]
			switch {
			case h.Code == "":
			case !h.Undecided():
				return fmt.Sprintf("%s %s blocks it (%s)", h.Kind, h.ID, h.Code)
			case undecided == nil:
				undecided = h
			}
		}
	}
	if undecided != nil {
		return fmt.Sprintf("%s %s cannot decide (%s)", undecided.Kind, undecided.ID, undecided.Code)
	}
	return "it does not arrive"
}

// routesNAT64ToInterface reports whether a route of m sends addresses of
// the NAT64 prefix to an interface: an appliance that may translate them.
func (m *Model) routesNAT64ToInterface() bool {
	for _, rt := range m.rts {
		for _, cr := range rt.routes {
			if cr.Target == TargetInterface && slices.ContainsFunc(cr.prefixes, nat64Prefix.Overlaps) {
				return true
			}
		}
	}
	return false
}

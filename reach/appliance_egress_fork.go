package reach

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Walking every interface an appliance may send a packet out of.
//
// An instance of several interfaces that differ (egressForks: not
// alike, see appliance_egress.go) is a choice point of every walk that a
// route sends through it: the walk is taken once per interface its
// operating system may send the packet out of (walkEgress), as a NAT64
// appliance's choices are (nat64_fork.go). One choice is made per
// instance and leg (the request's packets leave by one interface, the
// reply's by one, perhaps another): a walk that meets the instance again
// on the same leg takes the same interface. Leaving by another interface
// than the receiving one, the packet meets that interface's
// source/destination check (its hop), its outbound security groups, its
// subnet's route table and network ACL, and a NAT instance translates it
// to that interface's public address. The answer is the one every
// choice gives, when they agree (the trace shows the first: each
// instance sending the packet out of the interface it came in by; the
// appliance's hop says every interface was tried and what each met);
// when they differ it is Indeterminate, the appliance's hop undecided
// ([ApplianceEgressUnknown]) naming what each interface gives.
//
// The set questions follow the same choices: Ports walks each atom (its
// hop by hop answer reads one path: walkAtomSettled lets a forked walk's
// path differ from the discovery's), and Matrix, Sources (from the
// internet), Audit and Diff answer once per world, a copy of the model
// in which each such instance sends every packet of the request out of
// one interface and every packet of the reply out of one (Model.egress),
// merged as the transit gateway's zone worlds are (tgw_worlds.go); the
// worlds are the combinations of both (zoneWorlds). A design whose
// combinations would be more than maxZoneWorlds does not fork: every
// such hop stays undecided, as a packet addressed to another interface
// of the instance (siblingOwning), one for the NAT64 prefix from IPv6
// (a NAT64 instance translates to the address of the interface it sends
// by) and one another interface's prefixes known only later may hold.

// egressInstance is an instance of several interfaces that differ: a
// choice point of the walks through it.
type egressInstance struct {
	id     string
	ifaces []*ifaceInfo
}

// egressKey is one choice: the interface instance sends the packets of
// leg out of.
type egressKey struct {
	instance string
	leg      Leg
}

// egressFork is the state of the walks over the choices of the
// instances that may send a packet out of several interfaces, kept on
// the request's walker.
type egressFork struct {
	keys            []egressKey    // the choices met, in the order met
	cands           [][]*ifaceInfo // the interfaces of each, the receiving one first
	picks           []int          // the interface picked at each
	at              []egressAt     // the appliance hops of this walk that made a choice
	tried           []egressTry    // with explain: what each combination met
	walking, forked bool           // walking: walkEgress walks one combination; forked: the last question met a choice
}

// egressAt is the hop of an appliance whose instance made choice key.
type egressAt struct {
	key int
	leg Leg
	hop int
}

// egressTry is one combination walked, for the words of the answer.
type egressTry struct {
	choices string
	out     Outcome
	fate    string
}

// findEgressForks lists the instances whose interfaces differ, unless
// their combinations, with the zone worlds', would be more than
// maxZoneWorlds (then none forks).
func (m *Model) findEgressForks() {
	var out []egressInstance
	seen := map[string]bool{}
	worlds := m.zoneWorldTotal()
	for _, ii := range m.ifaceOrder {
		if len(ii.siblings) == 0 || seen[ii.Instance] {
			continue
		}
		seen[ii.Instance] = true
		if m.instanceAlike(ii) {
			continue
		}
		n := 1 + len(ii.siblings)
		worlds *= n * n // the request's choice and the reply's
		out = append(out, egressInstance{id: ii.Instance, ifaces: append([]*ifaceInfo{ii}, ii.siblings...)})
	}
	if worlds > maxZoneWorlds {
		out = nil
	}
	m.egressInst = out
}

// instanceAlike reports whether the interfaces of ii's instance are
// alike for every packet not addressed to them (egressAlike's test of
// the interfaces).
func (m *Model) instanceAlike(ii *ifaceInfo) bool {
	if !m.egressPlain(ii) {
		return false
	}
	for _, o := range ii.siblings {
		if o.subnet != ii.subnet || !slices.Equal(o.Groups, ii.Groups) || o.GroupsUnknown != ii.GroupsUnknown ||
			o.SourceDestCheckDisabled != ii.SourceDestCheckDisabled || o.SourceDestCheckUnknown != ii.SourceDestCheckUnknown ||
			o.DenyAllIGWTraffic != ii.DenyAllIGWTraffic || !m.egressPlain(o) {
			return false
		}
	}
	return true
}

// hasWorlds reports whether the set questions answer m once per world
// (tgw_worlds.go): zone worlds, egress worlds or both.
func (m *Model) hasWorlds() bool { return m.zoneForks || len(m.egressInst) > 0 }

// egressOut returns the interface appliance ii's instance sends pkt out
// of on this walk, which met ii forwarding it; false: the walk cannot
// choose (the instance does not fork, or pkt is one no choice follows),
// and the hop is undecided.
func (w *walker) egressOut(pkt flow.Flow, ii *ifaceInfo, hop int) (*ifaceInfo, bool) {
	dst := pkt.Dst.Addr()
	if siblingOwning(ii, dst) != nil || pkt.Src.Addr().Is6() && nat64Prefix.Contains(dst) {
		return nil, false
	}
	if slices.ContainsFunc(ii.siblings, func(o *ifaceInfo) bool { return prefixesUnknown(o, dst) }) {
		return nil, false
	}
	key := egressKey{ii.Instance, w.leg}
	if w.m.egress != nil {
		o := w.m.egress[key]
		return o, o != nil
	}
	fw := w
	if w.forward != nil {
		fw = w.forward
	}
	x := fw.eg
	if x == nil || !x.walking {
		return nil, false
	}
	k := slices.Index(x.keys, key)
	if k < 0 {
		if !slices.ContainsFunc(w.m.egressInst, func(e egressInstance) bool { return e.id == ii.Instance }) {
			return nil, false
		}
		k = len(x.keys)
		x.keys = append(x.keys, key)
		x.cands = append(x.cands, append([]*ifaceInfo{ii}, ii.siblings...))
		if len(x.picks) < len(x.keys) {
			x.picks = append(x.picks, 0)
		}
	}
	x.at = append(x.at, egressAt{key: k, leg: w.leg, hop: hop})
	return x.cands[k][x.picks[k]], true
}

// next moves picks to the next combination of the choices met (the last
// first), false when every one was walked.
func (x *egressFork) next() bool {
	for i := len(x.keys) - 1; i >= 0; i-- {
		if x.picks[i]+1 < len(x.cands[i]) {
			x.picks[i]++
			x.picks, x.keys, x.cands = x.picks[:i+1], x.keys[:i+1], x.cands[:i+1]
			return true
		}
	}
	return false
}

// words says what the instances did on this combination.
func (x *egressFork) words() string {
	out := make([]string, len(x.keys))
	for i, k := range x.keys {
		what := "the request"
		if k.leg == Return {
			what = "the reply"
		}
		o := x.cands[i][x.picks[i]]
		id := o.ID
		if _, p := o.natAddress(); p.IsValid() {
			id += " (public address " + p.String() + ")"
		}
		out[i] = fmt.Sprintf("%s sends %s out of %s", k.instance, what, id)
	}
	return strings.Join(out, " and ")
}

// fates says what each combination walked met.
func (x *egressFork) fates() string {
	out := make([]string, len(x.tried))
	for i, t := range x.tried {
		out[i] = "if " + t.choices + ", " + t.fate
	}
	return strings.Join(out, "; ")
}

// walkEgress is walkWith's walk of f over every combination of the
// interfaces the instances on its path may send it out of (see above):
// the walkers are left with the walk of the combination the trace shows.
func (m *Model) walkEgress(f flow.Flow, src *ifaceInfo, fw, rw *walker) (arrived, back arrival) {
	if fw.eg == nil {
		fw.eg = new(egressFork) // kept by a pooled walker for its next walks
	}
	x := fw.eg
	defer func() { x.walking = false }()
	x.keys, x.cands, x.picks, x.forked, x.tried = x.keys[:0], x.cands[:0], x.picks[:0], false, x.tried[:0]
	fs, rs := fw.start(), rw.start()
	walk := func() Outcome {
		fw.restart(fs)
		rw.restart(rs)
		x.keys, x.cands = x.keys[:0], x.cands[:0]
		x.walking = true
		arrived, back = m.walkWith(f, src, fw, rw)
		x.walking = false
		return outcomeOf(*fw.hops, *rw.hops, arrived.ok)
	}
	var tried func(Outcome)
	if fw.explain {
		tried = func(out Outcome) {
			x.tried = append(x.tried, egressTry{choices: x.words(), out: out, fate: fateOf(*fw.hops, *rw.hops, out)})
		}
	}
	// past the bound (which cannot follow from findEgressForks' bound)
	// the answer is never certain: r.agree is false
	r := forkWalks(walk, func() bool { return len(x.keys) > 0 }, func() []int { return x.picks[:len(x.keys)] }, x.next, tried, maxZoneWorlds)
	if !r.forked {
		return arrived, back
	}
	agree, first := r.agree, r.first
	x.forked = true
	x.picks = x.picks[:0]
	if !agree {
		x.picks = append(x.picks, r.keep...)
	}
	walk()
	x.mark(fw, rw, agree, first)
	return arrived, back
}

// mark words the shown walk's first appliance hop that made a choice:
// when the combinations disagree, undecided ([ApplianceEgressUnknown]);
// when they agree, a detail saying so. A shown walk without such a hop
// (a zone walk's: another subnet's path met the instance) has its first
// hop without a code marked instead, so that the answer is never
// certain where the combinations disagree.
func (x *egressFork) mark(fw, rw *walker, agree bool, first Outcome) {
	var h *Hop
	var inst *ifaceInfo
	if len(x.at) > 0 {
		a := x.at[0]
		hops := *fw.hops
		if a.leg == Return {
			hops = *rw.hops
		}
		if a.hop < len(hops) {
			h, inst = &hops[a.hop], x.cands[a.key][0]
		}
	}
	if agree {
		if fw.explain && h != nil {
			h.addDetail(fmt.Sprintf("instance %s has several network interfaces (%s), and its operating system picks the one it sends the packet out of, which the input does not hold; every interface was tried, and the answer is the same (%s): %s",
				inst.Instance, ifaceIDs(inst), first, x.fates()))
		}
		return
	}
	if h == nil {
		for _, hops := range [2][]Hop{*fw.hops, *rw.hops} {
			for i := range hops {
				if hops[i].Code == "" && h == nil {
					h = &hops[i]
				}
			}
		}
		if h == nil {
			return // the shown walk is undecided already
		}
	}
	marked := h.Code == ""
	if marked {
		h.Verdict, h.Code, h.judge = flow.Indeterminate, ApplianceEgressUnknown.OnLeg(h.Leg), nil
	}
	if !fw.explain {
		return
	}
	why := "the instances on the path may send the packet out of several interfaces, and the answer differs between them: " + x.fates()
	if len(x.at) > 0 {
		ii := x.cands[x.at[0].key][0]
		why = fmt.Sprintf("instance %s has several network interfaces (%s), and its operating system picks the one it sends the packet out of (its own routing table), which the input does not hold; the answer differs between them: %s. This trace shows the walk where %s",
			ii.Instance, ifaceIDs(ii), x.fates(), x.words())
	}
	if !marked {
		h.addDetail(why) // undecided already (its check unknown, say)
		return
	}
	h.reason = why
	if inst != nil {
		h.Missing = fmt.Sprintf("which network interface of instance %s (%s) its operating system sends the forwarded packet out of, and whether it translates the source to that interface's address (the instance's routing table and NAT rules; the input holds no instance configuration)",
			inst.Instance, ifaceIDs(inst))
		h.Fix = fmt.Sprintf("for a certain answer, route the traffic to an appliance with one network interface, or for internet egress to a NAT gateway, instead of %s (an interface of %s), or make each of its interfaces' paths give the same answer", inst.ID, inst.Instance)
	}
}

// ifaceIDs names ii and its siblings.
func ifaceIDs(ii *ifaceInfo) string {
	ids := []string{ii.ID}
	for _, o := range ii.siblings {
		ids = append(ids, o.ID)
	}
	return strings.Join(ids, ", ")
}

// egressWorlds returns the combinations of the interfaces each forking
// instance sends the request's and the reply's packets out of (one map
// per world); one nil map when none forks.
func (m *Model) egressWorlds() []map[egressKey]*ifaceInfo {
	out := []map[egressKey]*ifaceInfo{nil}
	for _, e := range m.egressInst {
		var next []map[egressKey]*ifaceInfo
		for _, w := range out {
			for _, fwd := range e.ifaces {
				for _, ret := range e.ifaces {
					c := make(map[egressKey]*ifaceInfo, len(w)+2)
					for k, v := range w {
						c[k] = v
					}
					c[egressKey{e.id, Forward}], c[egressKey{e.id, Return}] = fwd, ret
					next = append(next, c)
				}
			}
		}
		out = next
	}
	return out
}

// egressPickWords is the word on the forwarding hop of appliance ii
// whose instance sends the packet out of o on this walk (world: in this
// answer's world).
func egressPickWords(ii, o *ifaceInfo, world bool) string {
	where := "on this walk (each of its interfaces is tried)"
	if world {
		where = "in this answer's world (each of its interfaces is one)"
	}
	return fmt.Sprintf("instance %s has several network interfaces (%s), and its operating system picks the one it sends the packet out of, which the input does not hold: %s it sends it out of %s",
		ii.Instance, ifaceIDs(ii), where, o.ID)
}

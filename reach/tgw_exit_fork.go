package reach

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Forking over the subnet a transit gateway sends a packet out by, where
// AWS does not name it (tgw.go, tgw_exit.go).
//
// A packet leaves a transit gateway through the destination attachment's
// subnet in the zone it entered by. Where the attachment has none there
// (or the input does not decide which it is), AWS does not say which of
// its subnets the gateway takes. When the subnets are not alike for the
// packet (exitUnknown), the walk tries each, as it tries each subnet
// appliance mode's flow hash may pick (tgw_appliance.go): the check is
// walked once per combination of the choices its path meets, and answers
// only what every combination answers alike. The request's choice and the
// reply's are made apart: without appliance mode nothing keeps a flow's
// two directions on one subnet. Where the combinations differ, the
// transit gateway hop of the first choice is undecided
// ([TGWExitZoneUnknown]) and the trace shows the first combination whose
// answer is not unreachable; where they agree, the trace shows the first
// and says that every subnet gives its answer.
//
// The set questions answer by zone worlds (tgw_worlds.go): one per
// combination of the subnet each such attachment sends the request's
// packets through and the subnet it sends the reply's through. A world's
// walk that leaves through such an attachment twice on one leg (as
// another packet, after an address translation) leaves the second exit
// undecided, as for appliance mode.
//
// The forks are bounded: the attachments that may fork (findExitForks)
// make at most maxExitWorlds worlds, and maxZoneWorlds with appliance
// mode's. Past that no attachment forks, and every exit AWS does not name
// is undecided where the subnets are not alike, as a check answered before
// it walked the choices.

// maxExitWorlds bounds the zone worlds the exit forks make (each
// attachment n*n: the request's subnet and the reply's).
const maxExitWorlds = 16

// exitKey names the choice of subnet of an exit fork's attachment on one
// leg, in a zone world.
type exitKey struct {
	att *tgwAttInfo
	leg Leg
}

// findExitForks sets exitAtts: the VPC attachments without appliance mode,
// of several subnets, that have no subnet the input places in some zone a
// packet may enter their transit gateway by (entryZones), unless their
// worlds, with appliance mode's, would be more than the bounds. Build
// calls it after the transit gateways, before findEgressForks.
func (m *Model) findExitForks() {
	worlds := 1
	if m.zoneForks {
		worlds = zoneWorldCount(m.applianceAtts())
	}
	zones := map[*tgwInfo][]tgwZone{}
	var atts []*tgwAttInfo
	for _, a := range m.tgwAtts {
		if a.Type != "vpc" || a.Missing != "" || a.ApplianceMode || len(a.subnets) < 2 {
			continue
		}
		zs, ok := zones[a.tgw]
		if !ok {
			zs = m.entryZones(a.tgw)
			zones[a.tgw] = zs
		}
		if slices.ContainsFunc(zs, func(z tgwZone) bool { return a.subnetIn(z) == nil }) {
			atts = append(atts, a)
		}
	}
	slices.SortFunc(atts, func(a, b *tgwAttInfo) int { return strings.Compare(a.ID, b.ID) })
	n := exitWorldCount(atts)
	if len(atts) == 0 || n > maxExitWorlds || worlds*n > maxZoneWorlds {
		return
	}
	m.exitAtts, m.zoneForks = atts, true
}

// exitWorldCount returns how many worlds the exit forks of atts make,
// stopping past maxExitWorlds.
func exitWorldCount(atts []*tgwAttInfo) int {
	n := 1
	for _, a := range atts {
		if n *= len(a.subnets) * len(a.subnets); n > maxExitWorlds {
			return n
		}
	}
	return n
}

// entryZones returns the zones a packet may enter transit gateway g by,
// as the walk names them (viaTGW): the zone of each subnet of a VPC
// attached to g, and that zone completed by the attachment subnet the
// packet would enter through when it has one candidate; the unknown zone
// too when such a VPC has an edge route table with a route to g (its
// packets have no subnet).
func (m *Model) entryZones(g *tgwInfo) []tgwZone {
	var out []tgwZone
	add := func(z tgwZone) {
		if !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	edge := map[*vpcInfo]bool{}
	for _, rt := range m.rts {
		if len(rt.Gateways)+len(rt.GatewaysMaybe) > 0 && slices.ContainsFunc(rt.routes, func(cr compiledRoute) bool {
			return cr.Target == TargetTransitGateway && cr.TargetID == g.ID
		}) {
			edge[rt.vpc] = true
		}
	}
	for _, in := range g.byVPC {
		vi := m.vpcs[in.VPC]
		if vi == nil {
			continue
		}
		subs := slices.Clone(vi.subnets)
		if edge[vi] {
			subs = append(subs, nil)
		}
		for _, s := range subs {
			z := zoneOf(s)
			add(z)
			if cands, _ := in.entrySubnets(s); len(cands) == 1 {
				add(z.fill(cands[0]))
			}
		}
	}
	return out
}

// exitForks reports whether the walks fork over the subnet attachment a
// sends a packet out by, where AWS does not name it.
func (m *Model) exitForks(a *tgwAttInfo) bool {
	return slices.Contains(m.exitAtts, a)
}

// exitSubnet returns the subnet of out (one of exitAtts) that pkt, which
// entered the transit gateway in zone az where out has no subnet the
// input names, leaves through: on a zone world, the world's for the leg
// (exitWorldSubnet); else this walk's choice, a choice point of the
// walks over every combination (walkZones). nil: end the leg here, the
// hop undecided.
func (w *walker) exitSubnet(pkt flow.Flow, out *tgwAttInfo, az tgwZone) *subnetInfo {
	if w.m.exitWorld != nil {
		return w.exitWorldSubnet(pkt, out, az)
	}
	z := w.zones()
	last := len(*w.hops) - 1 // the transit gateway's hop
	k := len(z.met)
	z.met = append(z.met, zonePoint{att: out, n: len(out.subnets), leg: w.leg, hop: last, exit: true, az: az, dst: pkt.Dst.Addr()})
	if z.stop {
		return nil
	}
	pick := 0
	if k < len(z.picks) {
		pick = z.picks[k]
	}
	sub := out.subnets[pick]
	z.exits = append(z.exits, zoneExit{att: out, sub: sub, pkt: pkt, leg: w.leg})
	if w.explain && last >= 0 {
		(*w.hops)[last].addDetail(fmt.Sprintf("%s has no subnet in %s, and AWS does not say which of its subnets (%s) the packet then leaves through: each is walked, and this trace shows %s (%s)",
			out.ID, orUnknown(az.String()), subnetIDs(out.subnets), sub.ID, orUnknown(sub.AvailabilityZone)))
	}
	return sub
}

// exitWorldSubnet is exitSubnet on a zone world: the subnet the world
// fixes for out on w's leg; nil, the hop undecided, when the walk already
// left through out on this leg (as another packet, after a translation),
// which one world cannot follow.
func (w *walker) exitWorldSubnet(pkt flow.Flow, out *tgwAttInfo, az tgwZone) *subnetInfo {
	z := w.worldFork()
	last := len(*w.hops) - 1 // the transit gateway's hop
	if slices.ContainsFunc(z.exits, func(e zoneExit) bool { return e.att == out && e.leg == w.leg }) {
		if last >= 0 {
			w.m.undecideExit(&(*w.hops)[last], zonePoint{att: out, leg: w.leg, exit: true, az: az, dst: pkt.Dst.Addr()},
				"the packet leaves through it again on this leg as another packet, for which the gateway may take another subnet")
		}
		return nil
	}
	sub := w.m.exitWorld[exitKey{out, w.leg}]
	z.exits = append(z.exits, zoneExit{att: out, sub: sub, pkt: pkt, leg: w.leg})
	if w.explain && last >= 0 {
		(*w.hops)[last].addDetail(exitWorldDetail(out, sub))
	}
	return sub
}

// exitWorldDetail is the detail of the transit gateway hop where a zone
// world's walk leaves through sub of exit fork out.
func exitWorldDetail(out *tgwAttInfo, sub *subnetInfo) string {
	return fmt.Sprintf("AWS does not say which subnet of %s (%s) the packet leaves through from its zone: in this answer's zone world it leaves through %s (%s)",
		out.ID, subnetIDs(out.subnets), sub.ID, orUnknown(sub.AvailabilityZone))
}

// undecideExit makes h, the transit gateway hop of exit choice p,
// undecided ([TGWExitZoneUnknown]): the input does not say which subnet
// of p.att the packet leaves through, and walk, when not empty, says why
// walking each does not decide it ("the answer differs between them").
func (m *Model) undecideExit(h *Hop, p zonePoint, walk string) {
	why, alike := m.exitUnknown(p.att, p.az, p.dst)
	if why == "" { // not met: a fork's choice is made only where they differ
		why, alike = "the subnets are alike for it", "one route table and one network ACL"
	}
	h.Verdict, h.Code = flow.Indeterminate, TGWExitZoneUnknown.OnLeg(p.leg)
	said := why // what the reason says: why, and why walking each does not decide
	if walk != "" {
		said += "; " + walk
	}
	if doubt := p.att.zoneDoubt(p.az); doubt != "" {
		entered := fmt.Sprintf("%s of %s", p.az.name, ownerName(p.az.owner))
		h.reason += fmt.Sprintf("; but which subnet of %s is in %s, the zone the packet entered by and leaves by, is undecided: AWS maps zone names to physical zones per account, and %s are of another owner, without AZ IDs in the input; and %s",
			p.att.ID, entered, doubt, said)
		h.Missing = fmt.Sprintf("the AZ IDs (describe-subnets' AvailabilityZoneId; Terraform's availability_zone_id) of %s and of %s, the zone the packet entered %s by: they decide which subnet of %s it leaves through", doubt, entered, p.att.tgw.ID, p.att.ID)
		h.Fix = fmt.Sprintf("give the subnets their AZ IDs in the input, or give the subnets of %s %s", p.att.ID, alike)
		return
	}
	h.reason += fmt.Sprintf("; but %s has no subnet in %s, and AWS does not say which of its subnets (%s) the packet then leaves through: %s",
		p.att.ID, orUnknown(p.az.String()), subnetIDs(p.att.subnets), said)
	h.Missing = fmt.Sprintf("which subnet of %s (%s) the transit gateway takes for a packet from %s, where it has none: %s", p.att.ID, subnetIDs(p.att.subnets), orUnknown(p.az.String()), why)
	h.Fix = fmt.Sprintf("add a subnet in %s to attachment %s, or give its subnets %s", orUnknown(p.az.String()), p.att.ID, alike)
}

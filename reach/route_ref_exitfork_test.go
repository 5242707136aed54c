package reach_test

import (
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// The reference's walks over the subnet a transit gateway sends a packet
// out by where AWS does not name it, as tgw_exit_fork.go states the
// rule, written apart from the engine's fork: an attachment of a VPC,
// without appliance mode, of several subnets, none of them in some zone a
// packet may enter its transit gateway by (the zone of a subnet of a VPC
// attached to it, or none, where an edge route table of such a VPC routes
// to it), forks, unless the attachments that do would make more than 16
// combinations (n*n each: the request's subnet and the reply's). Where
// the packet's zone has no subnet of such an attachment and the subnets
// are not alike for it (exitUnknown), each subnet is walked: the check is
// walked once per combination of the choices met, the last choice moving
// first. Every combination alike: the first's walk, as it is. Otherwise
// the walk of the first combination that is not unreachable, with the
// first choice's transit gateway hop undecided (TGW_EXIT_ZONE_UNKNOWN).

// refFork is the state of the walks: the choice to take at each choice
// point, in the order met (past its end, the first), and the points this
// walk met.
type refFork struct {
	picks []int
	met   []refChoice
}

// refChoice is a choice point: among n subnets, at the transit gateway
// hop hop of the request's leg or the reply's.
type refChoice struct {
	n     int
	reply bool
	hop   int
}

// next moves picks to the next combination, false when none is left.
func (z *refFork) next() bool {
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

// exitChoice returns this walk's subnet of out, whose transit gateway hop
// was the leg's last, and notes the choice point.
func (l *refLeg) exitChoice(out reach.TGWAttachment) string {
	z := l.n.fork
	k := len(z.met)
	z.met = append(z.met, refChoice{n: len(out.Subnets), reply: l.reply, hop: len(l.hops) - 1})
	pick := 0
	if k < len(z.picks) {
		pick = z.picks[k]
	}
	l.n.stats["a transit gateway exit walked per subnet"]++
	return out.Subnets[pick]
}

// exitForking reports whether the walks fork over the subnets of
// attachment id (see above).
func (n *refNet) exitForking(id string) bool {
	if n.exitForks == nil {
		n.exitForks = map[string]bool{}
		worlds := 1
		for _, a := range n.tgwAtts {
			if a.Type != "vpc" || a.Missing != "" || a.ApplianceMode || len(a.Subnets) < 2 {
				continue
			}
			lacks := false
			for z := range n.entryZones(a.TransitGateway) {
				lacks = lacks || z == "" || !slices.ContainsFunc(a.Subnets, func(s string) bool { return n.subnet(s).AvailabilityZone == z })
			}
			if lacks {
				n.exitForks[a.ID] = true
				worlds *= len(a.Subnets) * len(a.Subnets)
			}
		}
		if worlds > 16 {
			clear(n.exitForks)
		}
	}
	return n.exitForks[id]
}

// entryZones returns the zone names a packet may enter transit gateway
// tgw by: those of the subnets of the VPCs attached to it, and "" where
// one of them has an edge route table routing to it.
func (n *refNet) entryZones(tgw string) map[string]bool {
	zones := map[string]bool{}
	for _, a := range n.tgwAtts {
		if a.TransitGateway != tgw || a.Type != "vpc" || a.Missing != "" {
			continue
		}
		for _, s := range n.d.Subnets {
			if s.VPC == a.VPC {
				zones[s.AvailabilityZone] = true
			}
		}
		for _, rt := range n.d.RouteTables {
			if rt.VPC == a.VPC && len(rt.Gateways)+len(rt.GatewaysMaybe) > 0 && slices.ContainsFunc(rt.Routes, func(r reach.Route) bool {
				return r.Target == reach.TargetTransitGateway && r.TargetID == tgw
			}) {
				zones[""] = true
			}
		}
	}
	return zones
}

// refCheck is refCheckOnce over every combination of the exit choices
// its path meets (see above).
func (n *refNet) refCheck(f flow.Flow, src string) refSession {
	z := &refFork{}
	n.fork = z
	defer func() { n.fork = nil }()
	var first reach.Outcome
	agree, kept := true, false
	var keep []int
	for walks := 1; ; walks++ {
		z.met = z.met[:0]
		out := n.refCheckOnce(f, src)
		if len(z.met) == 0 {
			return out
		}
		if walks == 1 {
			first = out.outcome
		}
		agree = agree && out.outcome == first
		if !kept && out.outcome != reach.Unreachable {
			keep, kept = slices.Clone(z.picks), true
		}
		if !z.next() {
			break
		}
	}
	z.picks = nil
	if !agree {
		z.picks = keep
	}
	z.met = z.met[:0]
	out := n.refCheckOnce(f, src)
	if agree {
		n.stats["a transit gateway exit walked per subnet: every subnet alike"]++
		return out
	}
	n.stats["a transit gateway exit walked per subnet: the subnets differ"]++
	p := z.met[0]
	if p.reply {
		out.ret[p.hop].code = reach.TGWExitZoneUnknown
	} else {
		out.fwd[p.hop].code = reach.TGWExitZoneUnknown
	}
	out.decide(out.back)
	return out
}

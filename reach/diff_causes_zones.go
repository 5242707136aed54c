package reach

import (
	"cmp"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// The causes of a change of subnets' zones. Only a transit gateway
// compares zones (tgw_zone.go): a packet enters it through its VPC
// attachment's subnet in the zone of the subnet it leaves, and leaves
// through the destination attachment's subnet in that zone. So a change
// of a subnet's AvailabilityZone, AvailabilityZoneID or OwnerID decides
// differently only at a transit gateway crossing whose decision, or whose
// entry or exit subnet, differs between the traces; the subnets whose
// zones that crossing compared (the subnet the packet leaves, the
// subnets of the attachment it enters by and of the one it leaves by) are
// then on the path for their zones (zoneKey), and for nothing else. An
// end's subnet is on the path for everything else (its associations
// decide its route table and ACL: endSubnetKey), not for its zone.

// zoneKey is the key in a path's set (pathOf) of subnet id, whose zone a
// transit gateway crossing on the path compared.
func zoneKey(id string) string { return ResourceSubnet + "-zone:" + id }

// endSubnetKey is the key in a path's set of subnet id, an end's subnet:
// on the path for every change but of its zone.
func endSubnetKey(id string) string { return ResourceSubnet + "-end:" + id }

// zoneDetail reports whether d, a detail of a subnet's change
// (subnetDetails), is of its zone.
func zoneDetail(d string) bool {
	for _, f := range []string{"AvailabilityZone:", "AvailabilityZoneID:", "OwnerID:"} {
		if strings.HasPrefix(d, f) {
			return true
		}
	}
	return false
}

// subnetCauseDetails returns the details of r, a subnet that differs,
// that are causes on a path (on), and whether r is a cause there: its
// zone's where a transit gateway crossing compared it (zoneKey), the
// others where the path meets the subnet (its network ACL's hop, an
// end's subnet, a firewall endpoint's); a subnet added or removed
// wherever the path meets it.
func subnetCauseDetails(r ResourceChange, on map[string]bool) ([]string, bool) {
	whole, zone := on[r.ID] || on[endSubnetKey(r.ID)], on[zoneKey(r.ID)]
	if r.Change != resourceChanged {
		return r.Details, whole || zone
	}
	var out []string
	for _, d := range r.Details {
		if zoneDetail(d) && zone || !zoneDetail(d) && whole {
			out = append(out, d)
		}
	}
	return out, len(out) > 0
}

// tgwCrossing is what a trace shows of one transit gateway hop, hs[hop]:
// its place and decision and the subnets around it (crossingKey).
type tgwCrossing struct {
	crossingKey
	hop int
}

// crossingKey is a transit gateway hop's place, its decision, the
// subnets the packet left (from) and entered the gateway by (in), the one
// it left the gateway by (out), "" where the trace shows none, and the
// code of an undecided entry hop the walk went on past (entry).
type crossingKey struct {
	place                hopPlace
	verdict              flow.Verdict
	rule                 string
	code                 Code
	from, in, out, entry string
}

// crossingsOf returns the transit gateway crossings of hs, a trace (its
// legs and worlds one after another: each starts with an interface's
// groups, never an ACL).
func crossingsOf(hs []Hop) []tgwCrossing {
	var out []tgwCrossing
	for i := range hs {
		h := &hs[i]
		if h.Kind != KindTransitGateway || (h.Code == TGWEntryZoneUnknown && i+1 < len(hs) && hs[i+1].Leg == h.Leg && hs[i+1].Kind == KindNetworkACL) {
			continue // an undecided entry the walk went on past: part of the crossing after it
		}
		c := tgwCrossing{crossingKey{place: placeOf(*h), verdict: h.Verdict, rule: h.Rule, code: h.Code}, i}
		// before it: the ACLs of the subnet left (outbound) and of the
		// attachment's subnet entered (inbound), and an undecided entry
		for j := i - 1; j >= 0 && hs[j].Leg == h.Leg; j-- {
			p := &hs[j]
			if p.Kind == KindTransitGateway && p.Code == TGWEntryZoneUnknown {
				c.entry = string(p.Code)
				continue
			}
			if p.Kind != KindNetworkACL || c.from != "" {
				break
			}
			if p.Direction == flow.Inbound && c.in == "" {
				c.in = p.Name
			} else {
				c.from = p.Name
			}
		}
		// after it: the route table of the subnet left by, then its ACL
		for j := i + 1; j < len(hs) && hs[j].Leg == h.Leg; j++ {
			if hs[j].Kind == KindRouteTable {
				continue
			}
			if hs[j].Kind == KindNetworkACL && hs[j].Direction == flow.Outbound {
				c.out = hs[j].Name
			}
			break
		}
		out = append(out, c)
	}
	return out
}

// zonesOn adds to on, by zoneKey, the subnets whose zones the transit
// gateway crossings of hs (a trace in m) compared where the trace in the
// other model, others, has no crossing of the same place deciding alike
// through the same subnets.
func zonesOn(m *Model, hs, others []Hop, on map[string]bool) {
	cs := crossingsOf(hs)
	if len(cs) == 0 {
		return
	}
	os := crossingsOf(others)
	for _, c := range cs {
		if slices.ContainsFunc(os, func(o tgwCrossing) bool { return o.crossingKey == c.crossingKey }) {
			continue
		}
		for _, s := range m.crossingZones(hs[c.hop], c.crossingKey) {
			on[zoneKey(s)] = true
		}
	}
}

// crossingZones returns the subnets whose zones transit gateway hop h of
// crossing c compared in m: the subnet the packet left and the subnets of
// the attachment it enters by (which the packet's zone picks one of), and
// the subnets of the VPC attachment the gateway's route sends it to
// (which that zone picks one of too).
func (m *Model) crossingZones(h Hop, c crossingKey) []string {
	var out []string
	var g *tgwInfo
	var exit *tgwAttInfo
	if t, ok := m.tgwRTs[h.ID]; ok {
		g = t.tgw
		if r, ok := t.lookup(h.Packet.Dst.Addr()); ok && r.att != nil {
			exit = r.att
		}
	} else if a, ok := m.tgwAtts[h.ID]; ok {
		g = a.tgw
	}
	if g == nil {
		return nil
	}
	from := m.subnets[cmp.Or(c.from, c.in)]
	if from == nil {
		// the walk stopped before the ACLs (no attachment subnet in the
		// zone): the subnet of the packet's source, in the attachment's VPC
		if a, ok := m.tgwAtts[h.ID]; ok && a.Type == "vpc" {
			if ii, ok := m.ifaceByAddr(h.Packet.Src.Addr()); ok && ii.subnet != nil && ii.subnet.VPC == a.VPC {
				from = ii.subnet
			}
		}
	}
	add := func(subs ...*subnetInfo) {
		for _, s := range subs {
			if s != nil && !slices.Contains(out, s.ID) {
				out = append(out, s.ID)
			}
		}
	}
	if from != nil {
		add(from)
		if entry := g.byVPC[from.VPC]; entry != nil && !slices.Contains(entry.subnets, from) {
			add(entry.subnets...)
		}
	}
	add(m.subnets[c.in])
	if exit != nil && exit.Type == "vpc" && len(exit.subnets) > 1 {
		add(exit.subnets...)
	}
	return out
}

package reach

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// visit is one forwarding point of a leg's walk: a route table that
// looked the packet up, or a middlebox (firewall endpoint, appliance, NAT
// gateway) a route sent it to.
type visit struct {
	kind Kind
	id   string
	pkt  flow.Flow // the packet as it reached the point
	rule string    // for a route table: the route that matched
}

// revisit reports a routing loop when the packet reaches the forwarding
// point (kind, id) a second time on this leg, unchanged, and records the
// visit otherwise. Where a packet goes from a forwarding point depends on
// nothing but the point and the packet, so coming back to one unchanged
// means going round the same cycle forever: the walk reports the loop
// once, naming the cycle, and ends there, instead of listing the cycle's
// hops (and its blocks) again and again.
//
// Route tables and transit gateway route tables record their visit
// themselves once they have matched a route (to name it in the loop's
// details); revisit records the others.
// On a loop it returns the cycle, the visits from the first at (kind,
// id), for [loopHop].
func (w *walker) revisit(kind Kind, id string, pkt flow.Flow) ([]visit, bool) {
	for i := range w.visited {
		if v := &w.visited[i]; v.kind == kind && v.id == id && v.pkt == pkt {
			return w.visited[i:], true
		}
	}
	if kind != KindRouteTable && kind != KindTransitGateway {
		w.visited = append(w.visited, visit{kind: kind, id: id, pkt: pkt})
	}
	return nil, false
}

// loopHop is the blocking hop of a routing loop that closes at (kind, id):
// its reason names the cycle in the order the packet goes round it, its
// details the route of each table on it (a VPC's or a transit gateway's),
// its fix the tables to change.
func loopHop(kind Kind, id, name string, pkt flow.Flow, cycle []visit) Hop {
	path := make([]string, 0, len(cycle)+1)
	var tables, details []string
	for _, v := range cycle {
		path = append(path, v.id)
		if v.kind != KindRouteTable && v.kind != KindTransitGateway {
			continue
		}
		details = append(details, fmt.Sprintf("%s: %s matches %s", v.id, v.pkt.Dst.Addr(), v.rule))
		if !slices.Contains(tables, v.id) {
			tables = append(tables, v.id)
		}
	}
	path = append(path, id)
	fix := "check the route tables on the path for routes that send the packet back"
	if len(tables) > 0 {
		fix = fmt.Sprintf("change the route for %s in %s so that it leads out of the cycle (to the destination's subnet, or a gateway)",
			pkt.Dst.Addr(), strings.Join(tables, " or "))
	}
	h := Hop{Kind: kind, ID: id, Name: name, Packet: pkt, Verdict: flow.Deny, Code: RoutingLoop,
		reason: fmt.Sprintf("the packet comes back to %s unchanged, so it would go round the loop %s forever", id, strings.Join(path, " -> ")),
		Fix:    fix}
	h.notes = details
	return h
}

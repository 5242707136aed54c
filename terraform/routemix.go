package terraform

import (
	"fmt"

	"github.com/reachsim/reachsim/reach"
)

// Route tables and the aws_route resources on them. The provider
// documents writing a table's route blocks beside aws_route resources on
// it as a conflict ("will overwrite rules"): an update of the table
// deletes the routes its old route set holds and its new one lacks, an
// aws_route's included. And DeleteRoute, the delete of an aws_route (or
// of one replaced by another destination), removes the route of its
// destination whoever else writes it (the
// table's route blocks, an aws_route imported for it): nothing puts it
// back until the next apply.

// deletedRoute reports whether an aws_route the plan deletes (and does
// not create again), or replaces with one of another table or
// destination, has the destination of route in table id (a model ID).
func (r *reader) deletedRoute(id string, route reach.Route) bool {
	key := routeKey(route)
	if key == "" || route.Propagated {
		return false
	}
	r.goneRoutes()
	return r.net.deleted[id][key]
}

// retakenRoute reports whether an aws_route the plan replaces, delete
// first, by one of the same table and destination has the destination of
// route in table id: the delete removes the route of that destination
// whoever else writes it (the table's route blocks), and the create adds
// the new aws_route's: one route, the new one's (standaloneRoute adds it).
func (r *reader) retakenRoute(id string, route reach.Route) bool {
	key := routeKey(route)
	if key == "" || route.Propagated {
		return false
	}
	r.goneRoutes()
	return r.net.retaken[id][key]
}

// cbdUnknownRoute returns the address of an aws_route the plan replaces
// with create_before_destroy whose old route is that of route in table id
// and whose new one's table or destination is known only after apply (""
// when none): where the new one turns out to be the old one's, AWS
// refuses it (RouteAlreadyExists) and the old route stays.
func (r *reader) cbdUnknownRoute(id string, route reach.Route) string {
	key := routeKey(route)
	if key == "" || route.Propagated {
		return ""
	}
	var found string
	r.quietly(func() {
		for _, g := range r.goneOf("aws_route") {
			if !g.action.Replace() || !g.action.CreateBeforeDestroy() {
				continue
			}
			n := r.byAdr[g.addr]
			if t, k := r.routeOf(g); t != id || k != key || n == nil || !n.created() {
				continue
			}
			if nt, nk := r.routeOf(n); nk == "" || nt == "" || isUnknown(n.unknown, "route_table_id") {
				found = g.addr
				return
			}
		}
	})
	return found
}

// cbdSameRoute reports, recording an error wrapping [ErrInvalidPlan],
// whether in, an aws_route on table rt, is replaced with
// create_before_destroy keeping its table and destination: AWS refuses
// the new route while the old one stands (RouteAlreadyExists), so the
// apply fails.
func (r *reader) cbdSameRoute(in *instance, rt *reach.RouteTable, route reach.Route) bool {
	key := routeKey(route)
	if !in.action.CreateBeforeDestroy() || key == "" {
		return false
	}
	for _, g := range r.goneOf("aws_route") {
		if g.addr != in.addr {
			continue
		}
		var t, k string
		r.quietly(func() { t, k = r.routeOf(g) })
		if t == rt.ID && k == key {
			attr := "destination_cidr_block"
			switch {
			case route.PrefixList != "":
				attr = "destination_prefix_list_id"
			case route.Destination.Addr().Is6():
				attr = "destination_ipv6_cidr_block"
			}
			r.fail(in, attr, key, ErrInvalidPlan, "the plan replaces this route with create_before_destroy, keeping its route table and destination: AWS refuses the new route while the old one stands (RouteAlreadyExists), so the apply fails and the old route stays; drop create_before_destroy")
			return true
		}
	}
	return false
}

// goneRoutes sets r.net.deleted and r.net.retaken, once.
func (r *reader) goneRoutes() {
	if r.net.deleted == nil {
		r.net.deleted, r.net.retaken = map[string]map[string]bool{}, map[string]map[string]bool{}
		r.quietly(func() {
			for _, g := range r.goneOf("aws_route") {
				if !g.action.Delete() && !g.action.Replace() {
					continue
				}
				t, k := r.routeOf(g)
				if k == "" {
					continue
				}
				if g.action.Replace() {
					if n := r.byAdr[g.addr]; n != nil && n.created() {
						if nt, nk := r.routeOf(n); nt == t && nk == k {
							if !g.action.CreateBeforeDestroy() { // that fails: cbdSameRoute
								if r.net.retaken[t] == nil {
									r.net.retaken[t] = map[string]bool{}
								}
								r.net.retaken[t][k] = true
							}
							continue // the create puts it back
						}
					}
				}
				if r.net.deleted[t] == nil {
					r.net.deleted[t] = map[string]bool{}
				}
				r.net.deleted[t][k] = true
			}
		})
	}
}

// routeOf returns the model ID of the table of in, an aws_route, and the
// routeKey of its destination ("" when it cannot be read or is known only
// after apply).
func (r *reader) routeOf(in *instance) (table, key string) {
	t, _ := in.values["route_table_id"].(string)
	if tin := r.byID[t]; tin != nil {
		t = tin.id
	}
	rt, ok := r.route(in, "", "destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id")
	if !ok {
		return t, ""
	}
	return t, routeKey(rt)
}

// inlineRoute returns route, of block at of the route blocks the
// configuration of table in writes, as AWS holds it after apply, and
// false when it holds none: the delete of an aws_route of its
// destination removes it from a table that exists; when the table's
// update may write it again (it does not leave it as it is:
// updateKeepsRoute), in no set order with the delete, it is a route
// whose destination is unknown.
func (r *reader) inlineRoute(in *instance, at string, route reach.Route) (reach.Route, bool) {
	if g := r.cbdUnknownRoute(in.id, route); !in.created() && g != "" {
		route.Unknown = unknownStay(in.addr+" "+at, g, "route table or destination")
		r.rep.Warnings = append(r.rep.Warnings, route.Unknown+": the lookups in the table it could change are indeterminate")
		return route, true
	}
	if !in.created() && r.retakenRoute(in.id, route) {
		if in.updated() && !r.updateKeepsRoute(in, route) { // updatediff.go
			route.Unknown = fmt.Sprintf("%s %s (which route to %s the table holds after apply: an aws_route the plan replaces keeping its destination deletes it and adds its own, in no set order with the table's update)", in.addr, at, routeKey(route))
			r.rep.Warnings = append(r.rep.Warnings, route.Unknown+": the lookups in the table it could change are indeterminate")
			return route, true
		}
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s %s: an aws_route the plan replaces keeping its destination deletes the route to %s, and its create adds the new route in its place", in.addr, at, routeKey(route)))
		return route, false
	}
	if in.created() || !r.deletedRoute(in.id, route) {
		return route, true
	}
	if in.updated() && r.updateKeepsRoute(in, route) { // updatediff.go
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s %s: an aws_route the plan deletes (or replaces by another destination) removes the route to %s%s", in.addr, at, routeKey(route), keptNote))
		return route, false
	}
	if in.updated() {
		route.Unknown = fmt.Sprintf("%s %s (whether the table holds it after apply: an aws_route the plan deletes (or replaces by another destination) removes its destination, in no set order with the table's update)", in.addr, at)
		r.rep.Warnings = append(r.rep.Warnings, route.Unknown+": the lookups in the table it could change are indeterminate")
		return route, true
	}
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s %s: an aws_route the plan deletes (or replaces by another destination) removes the route to %s, which nothing adds back until the next apply: it is not in the model", in.addr, at, routeKey(route)))
	return route, false
}

// standaloneRoute returns route, that of the aws_route in on table rt
// (owner its resource, nil when the plan does not manage it), as AWS holds
// it after apply, and false when it holds none: as inlineRoute for an
// aws_route that exists (one updated in place, in no set order with the
// delete, is a route whose destination is unknown); and when the table's configuration writes route
// blocks (the conflict, warned of), an update of the table deletes the
// route of an aws_route that exists that its planned blocks lack: the
// route is one whose destination is unknown when the blocks hold values
// known only after apply; a route the blocks hold is there once.
func (r *reader) standaloneRoute(in, owner *instance, rt *reach.RouteTable, route reach.Route) (reach.Route, bool) {
	if g := r.cbdUnknownRoute(rt.ID, route); !in.created() && g != "" {
		route.Unknown = unknownStay(in.addr, g, "route table or destination")
		r.rep.Warnings = append(r.rep.Warnings, route.Unknown+": the lookups in the table it could change are indeterminate")
		return route, true
	}
	if !in.created() && r.deletedRoute(rt.ID, route) {
		if in.updated() {
			route.Unknown = fmt.Sprintf("%s (whether AWS holds its route after apply: an aws_route the plan deletes (or replaces by another destination) removes its destination, in no set order with its update)", in.addr)
			r.rep.Warnings = append(r.rep.Warnings, route.Unknown+": the lookups in the table it could change are indeterminate")
			return route, true
		}
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: an aws_route the plan deletes (or replaces by another destination) removes the route to %s, which nothing adds back until the next apply: it is not in the model", in.addr, routeKey(route)))
		return route, false
	}
	if owner == nil || owner.cfg == nil || !owner.configured("route") {
		return route, true
	}
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: %s writes route blocks too, which the provider documents as a conflict (its update deletes the routes the blocks leave out): write the routes one way", in.addr, owner.addr))
	if in.created() && owner.updated() && r.retakenRoute(rt.ID, route) && !r.updateKeepsRoute(owner, route) {
		route.Unknown = fmt.Sprintf("%s (which route to %s the table holds after apply: its replacement deletes the route and adds its own, in no set order with the update of %s, whose route blocks write it)", in.addr, routeKey(route), owner.addr)
		r.rep.Warnings = append(r.rep.Warnings, route.Unknown+": the lookups in the table it could change are indeterminate")
		return route, true
	}
	if in.created() || !owner.updated() {
		return route, true
	}
	key := routeKey(route)
	for _, b := range rt.Routes {
		if key != "" && !b.Propagated && routeKey(b) == key {
			return route, false // the table's blocks hold it: it is there once
		}
	}
	if anyUnknown(attrUnknown(owner, "route")) {
		route.Unknown = fmt.Sprintf("%s (whether the update of %s keeps it: its route blocks are known only after apply)", in.addr, owner.addr)
		r.rep.Warnings = append(r.rep.Warnings, route.Unknown+": the lookups in the table it could change are indeterminate")
		return route, true
	}
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: the update of %s deletes its route, which the route blocks lack: it is not in the model", in.addr, owner.addr))
	return route, false
}

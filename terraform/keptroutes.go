package terraform

import (
	"fmt"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/reachsim/reachsim/reach"
)

// The routes AWS keeps in a route table whose configuration leaves route
// out. route is Optional and Computed and processed in attribute-as-blocks
// mode: "omitting this argument is interpreted as ignoring any existing
// routes. To remove all managed routes an empty list should be specified"
// (the AWS provider's documentation of aws_route_table and
// aws_default_route_table). So a table that exists keeps the routes AWS
// holds, which its planned route shows as refreshed (routes of standalone
// aws_route resources included, the local route and gateway endpoint
// routes not); a table the plan creates has none but the local route, and
// an aws_default_route_table the plan adopts (creates) has its routes
// removed by the provider: both hold only the standalone routes this
// apply creates after them (adoption.go, readRoute).

// keptRoutes reads the routes AWS keeps in the route table rt of in, whose
// configuration leaves route out, into r.net.kept: its planned route
// when the plan shows it; the prior state's when the planned value is
// null; a route of unknown destination (reach.Route.Unknown) when the
// planned value is known only after apply or neither shows it, as the
// plan does not say which routes the table holds then.
func (r *reader) keptRoutes(in *instance, rt *reach.RouteTable) {
	if in.created() || in.cfg == nil && !in.forgotten() {
		return
	}
	v, open := in.values["route"], anyUnknown(attrUnknown(in, "route"))
	if v == nil && !open {
		v = r.priorValue(in.addr, "route")
	}
	if v == nil || open {
		what := in.addr + ": route (the routes AWS holds, which the configuration leaves out and the plan does not show)"
		rt.Routes = append(rt.Routes, reach.Route{Unknown: what, Target: reach.TargetUnmodelled, TargetType: "route the plan does not show"})
		r.rep.Warnings = append(r.rep.Warnings, what+": the lookups in the table they could change are indeterminate")
		return
	}
	routes, ok := blocks(v)
	if !ok {
		r.fail(in, "route", "", ErrInvalidPlan, "not a list of route blocks")
		return
	}
	if r.net.kept == nil {
		r.net.kept = map[string][]reach.Route{}
	}
	for i, b := range routes {
		sub := &instance{addr: in.addr, module: in.module, typ: in.typ, index: in.index, values: b}
		if route, ok := r.route(sub, fmt.Sprintf("route[%d].", i), "cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"); ok {
			r.net.kept[rt.ID] = append(r.net.kept[rt.ID], route)
		}
	}
}

// priorValue returns attribute attr of the resource at addr in the
// plan's prior state (AWS's values at refresh), nil when it holds none.
func (r *reader) priorValue(addr, attr string) any {
	if r.plan.PriorState == nil || r.plan.PriorState.Values == nil {
		return nil
	}
	var find func(m *tfjson.StateModule) any
	find = func(m *tfjson.StateModule) any {
		if m == nil {
			return nil
		}
		for _, sr := range m.Resources {
			if sr != nil && sr.Mode == tfjson.ManagedResourceMode && modelAddr(sr.Address) == addr {
				return sr.AttributeValues[attr]
			}
		}
		for _, c := range m.ChildModules {
			if v := find(c); v != nil {
				return v
			}
		}
		return nil
	}
	return find(r.plan.PriorState.Values.RootModule)
}

// routeKey names a route's destination: a table holds one route of each
// (but a propagated one beside a static one); "" for a route whose
// destination is known only after apply.
func routeKey(rt reach.Route) string {
	switch {
	case rt.Unknown != "":
		return ""
	case rt.PrefixList != "":
		return rt.PrefixList
	}
	return rt.Destination.Masked().String()
}

// settleRoutes gives each route table the routes AWS keeps (keptRoutes),
// less those an aws_route the plan deletes or replaces had (its before
// values) and those of a destination a standalone aws_route of the plan
// gives the table (counted once: its values are those after apply).
func (r *reader) settleRoutes() {
	if len(r.net.kept) == 0 {
		return
	}
	gone := map[string]map[string]bool{} // by table model ID, by routeKey
	r.quietly(func() {
		for _, g := range r.goneOf("aws_route") {
			id, _ := g.values["route_table_id"].(string)
			if t := r.byID[id]; t != nil {
				id = t.id
			}
			route, ok := r.route(g, "", "destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id")
			if key := routeKey(route); ok && key != "" {
				if gone[id] == nil {
					gone[id] = map[string]bool{}
				}
				gone[id][key] = true
			}
		}
	})
	for _, id := range r.net.rtList {
		rt := r.net.rts[id]
		have := map[string]bool{}
		for _, route := range rt.Routes {
			if !route.Propagated {
				have[routeKey(route)] = true
			}
		}
		for _, route := range r.net.kept[id] {
			if key := routeKey(route); !gone[id][key] && !have[key] {
				rt.Routes = append(rt.Routes, r.keptTarget(id, route))
			}
		}
	}
}

// keptTargetTypes are, by target kind, the resource types a kept route's
// target ID may name (an instance's primary network interface, known
// once the instances are read, among them).
var keptTargetTypes = map[reach.TargetKind][]string{
	reach.TargetInternetGateway:           {"aws_internet_gateway"},
	reach.TargetNATGateway:                {"aws_nat_gateway"},
	reach.TargetInterface:                 {"aws_network_interface", "aws_instance"},
	reach.TargetEgressOnlyInternetGateway: {"aws_egress_only_internet_gateway"},
	reach.TargetTransitGateway:            {"aws_ec2_transit_gateway"},
	reach.TargetPeering:                   {"aws_vpc_peering_connection"},
}

// keptTarget returns route, one AWS keeps in the table table (a model
// ID), with a target the model holds. Such a route is AWS's, and its
// target ID may name a resource the configuration does not manage: one
// the plan deletes or replaces is gone after apply, and AWS keeps the
// route as a blackhole ("the route's target isn't available", EC2
// Route.State; reach.TargetBlackhole), as is the primary network
// interface of an instance the plan deletes or replaces (goneENI) unless
// it outlives the instance; one the plan does not hold at all
// (a transit gateway, peering connection or interface of another stack)
// is a target the model does not hold (reach.TargetUnmodelled), as the
// aws loader keeps a route to a target not in its input: the queries it
// routes are indeterminate. Both with a warning.
func (r *reader) keptTarget(table string, route reach.Route) reach.Route {
	types, ok := keptTargetTypes[route.Target]
	if !ok || route.TargetID == "" || r.byAdr[route.TargetID] != nil {
		return route // not a kind whose ID names a resource, or one of the plan
	}
	id := route.TargetID
	if t := r.byID[id]; t != nil && wanted(types, t.typ) {
		route.TargetID = t.id
		return route
	}
	dest := route.Destination.String()
	if route.PrefixList != "" {
		dest = route.PrefixList
	}
	for _, g := range r.gone {
		if !wanted(types, g.typ) {
			continue
		}
		eni, outlives := goneENI(g)
		switch {
		case g.known == id:
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: route %s -> %s: the plan deletes or replaces %s, and AWS keeps the route as a blackhole: it drops what it matches", table, dest, id, g.addr))
		case eni == id && !outlives && route.Target == reach.TargetInterface:
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: route %s -> %s: the plan deletes or replaces %s, whose primary network interface %s is deleted with it, and AWS keeps the route as a blackhole: it drops what it matches", table, dest, id, g.addr, id))
		case eni == id && route.Target == reach.TargetInterface:
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: route %s -> %s (%s), which AWS keeps: the plan deletes or replaces %s, whose primary network interface %s outlives it (delete_on_termination false), detached, and the plan does not hold it: the queries the route decides are indeterminate", table, dest, id, route.TargetType, g.addr, id))
			route.Target = reach.TargetUnmodelled
			return route
		default:
			continue
		}
		route.Target, route.TargetType = reach.TargetBlackhole, ""
		return route
	}
	why := "the plan does not hold " + id
	if route.Target == reach.TargetInterface {
		for _, in := range r.insts {
			if eni, _ := in.values["primary_network_interface_id"].(string); in.typ == "aws_instance" && !in.created() && eni == "" && isUnknown(in.unknown, "primary_network_interface_id") {
				why += fmt.Sprintf(" (unless it is the primary network interface of %s, which the plan knows only after apply)", in.addr)
				break
			}
		}
	}
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: route %s -> %s (%s), which AWS keeps: %s, so the queries the route decides are indeterminate", table, dest, id, route.TargetType, why))
	route.Target = reach.TargetUnmodelled
	return route
}

// goneENI returns the primary network interface of g, an aws_instance
// the plan deletes or replaces, as its before values name it ("" for
// another type or when they do not), and whether it outlives the
// instance. Terminating an instance deletes the primary interface it made
// at launch (its DeleteOnTermination is true); one it was launched with
// (a network_interface block of device_index 0, or
// primary_network_interface) is deleted with it only when that block's
// delete_on_termination is true (false by default, and only an interface
// made at launch may have true:
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceNetworkInterfaceSpecification.html):
// otherwise AWS keeps it, detached. The new instance of a replaced one
// launches with a new interface, of another ID.
func goneENI(g *instance) (eni string, outlives bool) {
	if g.typ != "aws_instance" {
		return "", false
	}
	eni, _ = g.values["primary_network_interface_id"].(string)
	for _, attr := range []string{"network_interface", "primary_network_interface"} {
		bs, _ := blocks(g.values[attr])
		for _, b := range bs {
			idx, hasIdx := number(b["device_index"])
			id, _ := b["network_interface_id"].(string)
			if hasIdx && idx != 0 || id == "" {
				continue
			}
			if eni == "" {
				eni = id
			}
			if del, _ := b["delete_on_termination"].(bool); id == eni && !del {
				outlives = true
			}
		}
	}
	return eni, outlives
}

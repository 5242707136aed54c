package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Gateway VPC endpoints: aws_vpc_endpoint whose vpc_endpoint_type is
// Gateway (S3, DynamoDB; the provider's default) and
// aws_vpc_endpoint_route_table_association. AWS adds to each route table
// the endpoint is in (its route_table_ids, an association) a route by the
// service's prefix list to the endpoint, which the provider leaves out of
// the table's routes: the reader adds it (finishEndpoints). The list's
// entries are those a data source of the plan gives
// (data.aws_ec2_managed_prefix_list, data.aws_prefix_list, by the
// endpoint's prefix_list_id or, known only after apply, by the service's
// name), else the endpoint's cidr_blocks (the provider's read of the
// list, known for an endpoint that exists); without them the list is one
// whose entries are unknown, so a packet it may hold is undecided. An
// association the plan deletes takes its table away whoever else names
// it (keptTables). An interface or Gateway Load Balancer endpoint adds no
// route and is not modelled (Report.Unmodelled).

// vpceRec is a gateway endpoint and the route tables it is in.
type vpceRec struct {
	ep     reach.GatewayEndpoint
	lists  []string // the prefix lists AWS routes to it by: the service's IPv4 list, its IPv6 list
	tables []string // by model ID
	// maybe are tables whose association is undecided (keptTables), by
	// model ID, and what names the doubt
	maybe []maybeTable
	// foreign marks an endpoint the plan does not hold that an
	// association names: its service and list are unknown
	foreign bool
	target  *instance // who named the tables, for warnings
}

// readVPCEndpoint reads an aws_vpc_endpoint: a gateway endpoint, its IP
// address type and policy, and the route tables of its route_table_ids.
func (r *reader) readVPCEndpoint(in *instance) {
	if isUnknown(in.unknown, "vpc_endpoint_type") {
		r.fail(in, "vpc_endpoint_type", "", ErrUnknownValue, "a gateway endpoint adds routes to its route tables, another type none: the model needs it")
		return
	}
	if typ, _ := r.str(in, "vpc_endpoint_type", false); typ != "" && !strings.EqualFold(typ, "Gateway") {
		// an interface or Gateway Load Balancer endpoint: no route
		// table names it by itself; not modelled
		if r.rep.Modelled[in.typ]--; r.rep.Modelled[in.typ] <= 0 {
			delete(r.rep.Modelled, in.typ)
		}
		r.rep.Unmodelled[in.typ]++
		r.outside = append(r.outside, in) // its security_group_ids are in use
		return
	}
	ep := reach.GatewayEndpoint{ID: in.id, Name: nameTag(in)}
	ep.VPC, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	ep.Service, _ = r.str(in, "service_name", true)
	switch t, _ := r.str(in, "ip_address_type", false); strings.ToLower(t) {
	case "ipv4", "ipv6", "dualstack":
		ep.IPAddressType = strings.ToLower(t)
	case "":
		if isUnknown(in.unknown, "ip_address_type") && in.configured("ip_address_type") {
			r.fail(in, "ip_address_type", "", ErrUnknownValue, "it decides which of the service's prefix lists (IPv4, IPv6 or both) AWS routes to the endpoint: the model needs it")
			return
		}
		// left to AWS: its routes are by the IPv4 list (AWS's default
		// type, ipv4), and IPv6 through it is undecided
	default:
		r.fail(in, "ip_address_type", t, ErrInvalidPlan, "not an IP address type of a gateway endpoint (ipv4, ipv6 or dualstack)")
		return
	}
	r.endpointPolicy(in, &ep)
	rec := &vpceRec{ep: ep, target: in}
	if ep.IPAddressType != "ipv6" {
		rec.lists = append(rec.lists, r.serviceList(in, ep.Service))
	}
	if ep.IPAddressType == "ipv6" || ep.IPAddressType == "dualstack" {
		// the service's IPv6 list, which the provider does not read
		id := in.addr + ".ipv6_prefix_list" // IDs have no spaces
		r.unknownList(id, ep.Service, sg.FamilyIPv6, fmt.Sprintf("%s: its ip_address_type, %s, has AWS route the IPv6 prefix list of %s to it, which the plan does not hold: the IPv6 queries only it could decide are indeterminate", in.addr, ep.IPAddressType, ep.Service))
		rec.lists = append(rec.lists, id)
		rec.ep.PrefixList = "" // by either list
	} else {
		rec.ep.PrefixList = rec.lists[0]
	}
	r.keptTables(in, rec, r.linkList(in, "route_table_ids", "aws_route_table", "aws_default_route_table"))
	r.ext.vpces = append(r.ext.vpces, rec)
}

// maybeTable is a route table whose association with an endpoint is
// undecided, and the value that names the doubt.
type maybeTable struct{ table, what string }

// keptTables sets rec's tables to tables, endpoint in's route_table_ids,
// less those of an aws_vpc_endpoint_route_table_association the plan
// deletes or replaces (goneEndpointTable): AWS holds one association of a
// table with the endpoint, and the delete removes it whoever else names
// it; a replaced one is read again from the plan's own association.
// Where the configuration leaves route_table_ids out they are what AWS
// held at refresh. Where it writes them, the endpoint's update adds only
// the tables its values before lack (the provider modifies the
// difference), in no set order with the delete: such a table is undecided
// (rec.maybe); another is gone until the next apply, warned of.
func (r *reader) keptTables(in *instance, rec *vpceRec, tables []string) {
	var before []string
	if in.updated() {
		before, _ = strs(r.beforeOf(in.addr)["route_table_ids"])
	}
	for _, t := range tables {
		g := r.goneEndpointTable(in, t)
		known, name := t, t
		if x := r.byAdr[t]; x != nil && x.known != "" {
			known, name = x.known, t+" ("+x.known+")"
		}
		switch {
		case g == nil:
			rec.tables = append(rec.tables, t)
		case !in.configured("route_table_ids") || g.action.Replace():
		case in.updated() && !slices.Contains(before, known):
			what := fmt.Sprintf("%s: route_table_ids (whether it holds %s after apply: %s, which the plan deletes, disassociates it, in no set order with the update that adds it)", in.addr, name, g.addr)
			rec.maybe = append(rec.maybe, maybeTable{t, what})
			r.rep.Warnings = append(r.rep.Warnings, what+": the lookups in the table it could change are indeterminate")
		default:
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: route_table_ids: %s, which the plan deletes, disassociates %s, which nothing associates again until the next apply: the endpoint's routes there are not in the model", in.addr, g.addr, name))
		}
	}
}

// goneEndpointTable returns the aws_vpc_endpoint_route_table_association
// of endpoint in with the route table whose model ID is table that the
// plan deletes or replaces, nil when none.
func (r *reader) goneEndpointTable(in *instance, table string) *instance {
	for _, g := range r.goneOf("aws_vpc_endpoint_route_table_association") {
		ep, _ := g.values["vpc_endpoint_id"].(string)
		rt, _ := g.values["route_table_id"].(string)
		if ep == "" || rt == "" || ep != in.known && ep != in.id {
			continue
		}
		if rt == table {
			return g
		}
		if t := r.byID[rt]; t != nil && t.id == table {
			return g
		}
	}
	return nil
}

// endpointPolicy marks ep CustomPolicy, with a warning, when in's policy
// is not the full-access default (aws.FullAccessPolicy) or is one the
// configuration sets and that is known only after apply. A policy the
// provider computes (none in the configuration) is AWS's default.
func (r *reader) endpointPolicy(in *instance, ep *reach.GatewayEndpoint) {
	if isUnknown(in.unknown, "policy") {
		if in.configured("policy") {
			ep.CustomPolicy = true
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: policy is known only after apply: taken for a custom policy, which reachsim does not evaluate; results through it say so", in.addr))
		}
		return
	}
	doc, _ := r.str(in, "policy", false)
	switch full, ok := aws.FullAccessPolicy(doc); {
	case !ok:
		ep.CustomPolicy = true
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: policy is not JSON: taken for a custom policy, which reachsim does not evaluate", in.addr))
	case !full:
		ep.CustomPolicy = true
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: policy is not the full-access default: reachsim does not evaluate it (it decides which requests %s accepts, not whether the connection opens); results through it say so", in.addr, ep.Service))
	}
}

// serviceList returns the model ID of the IPv4 prefix list of service,
// by which AWS routes to the gateway endpoint in: a list of the plan
// (a data source) whose ID is in's prefix_list_id or, known only after
// apply, whose name is the service's; else one made of in's cidr_blocks;
// else one whose entries are unknown.
func (r *reader) serviceList(in *instance, service string) string {
	id, _ := in.values["prefix_list_id"].(string)
	if isUnknown(in.unknown, "prefix_list_id") {
		id = ""
	}
	if t := r.byID[id]; id != "" && t != nil && r.ext.lists[t.id] != nil {
		return t.id
	}
	if id != "" && r.ext.lists[id] != nil {
		return id // another endpoint's, or a list a data source of the plan holds by that id
	}
	if id == "" {
		for _, lid := range r.ext.listIDs {
			t := r.byAdr[lid]
			if t == nil || !strings.HasPrefix(t.typ, "data.") {
				continue
			}
			if name, _ := t.values["name"].(string); name == service && r.ext.lists[lid].AddressFamily != sg.FamilyIPv6 {
				return lid
			}
		}
	}
	cidrs, partly, _ := strsOf(in, "cidr_blocks")
	if id == "" || isUnknown(in.unknown, "cidr_blocks") || partly || len(cidrs) == 0 {
		why := fmt.Sprintf("%s: the entries of %s, the prefix list of %s, are not in the plan (add a data.aws_ec2_managed_prefix_list for it)", in.addr, id, service)
		if id == "" {
			id = in.addr + ".prefix_list_id"
			why = fmt.Sprintf("%s: prefix_list_id is known only after apply, and no data source of the plan reads the prefix list named %s (add a data.aws_ec2_managed_prefix_list for it)", in.addr, service)
		}
		r.unknownList(id, service, sg.FamilyIPv4, why+": the queries only the routes to the endpoint could decide are indeterminate")
		return id
	}
	pl := &reach.PrefixList{ID: id, Name: service, AddressFamily: sg.FamilyIPv4}
	for i, c := range cidrs {
		if p, ok := r.prefixAt(in, fmt.Sprintf("cidr_blocks[%d]", i), c); ok && !slices.Contains(pl.Entries, p) {
			pl.Entries = append(pl.Entries, p)
		}
	}
	r.ext.lists[id], r.ext.listIDs = pl, append(r.ext.listIDs, id)
	return id
}

// unknownList adds prefix list id of address family fam ("" either),
// whose entries the plan does not hold, with the warning why, once.
func (r *reader) unknownList(id, name, fam, why string) {
	if r.ext.lists[id] != nil {
		return
	}
	r.ext.lists[id] = &reach.PrefixList{ID: id, Name: name, EntriesUnknown: true, AddressFamily: fam}
	r.ext.listIDs = append(r.ext.listIDs, id)
	r.rep.Warnings = append(r.rep.Warnings, why)
}

// readVPCEndpointRTAssociation reads an
// aws_vpc_endpoint_route_table_association: the gateway endpoint's routes
// in one more route table. An endpoint the plan does not hold (a vpce-…
// of another configuration) has a service and prefix list the plan does
// not say: its route is by a list whose entries are unknown, to a target
// reachsim does not model, with a warning.
func (r *reader) readVPCEndpointRTAssociation(in *instance) {
	epID, _ := r.linkOne(in, "vpc_endpoint_id", "aws_vpc_endpoint")
	rtID, _ := r.linkOne(in, "route_table_id", "aws_route_table", "aws_default_route_table")
	if epID == "" || rtID == "" {
		return // an error is recorded
	}
	for _, rec := range r.ext.vpces {
		if rec.ep.ID == epID {
			rec.tables = appendID(rec.tables, rtID)
			return
		}
	}
	if t := r.byAdr[epID]; t != nil {
		r.fail(in, "vpc_endpoint_id", epID, ErrInvalidPlan, "not a gateway endpoint: only a gateway endpoint is associated with route tables")
		return
	}
	list := in.addr + ".prefix_list" // of the service epID serves
	r.unknownList(list, "", "", fmt.Sprintf("%s: %s is not in the plan, so which service's prefix list AWS routes to it is unknown: the queries only that route could decide are indeterminate", in.addr, epID))
	r.ext.vpces = append(r.ext.vpces, &vpceRec{ep: reach.GatewayEndpoint{ID: epID}, lists: []string{list}, tables: []string{rtID}, foreign: true, target: in})
}

// finishEndpoints gives the gateway endpoints to the builder and adds,
// to each route table one is in, a route by each of its prefix lists to
// it. A table the plan does not hold is left out with a warning: no
// subnet of the model uses it.
func (r *reader) finishEndpoints() {
	for _, rec := range r.ext.vpces {
		target := reach.Route{Target: reach.TargetGatewayEndpoint, TargetID: rec.ep.ID}
		if rec.foreign {
			target.Target, target.TargetType = reach.TargetUnmodelled, "VPC endpoint"
		} else {
			r.b.AddGatewayEndpoint(rec.ep)
		}
		tables := make([]maybeTable, 0, len(rec.tables)+len(rec.maybe))
		for _, tid := range rec.tables {
			tables = append(tables, maybeTable{table: tid})
		}
		for _, tid := range append(tables, rec.maybe...) {
			rt := r.net.rts[tid.table]
			if rt == nil {
				rt = r.mainTableOf(tid.table)
			}
			if rt == nil {
				r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: route table %s is not in the plan: the routes AWS adds to it for %s are left out", rec.target.addr, tid.table, rec.ep.ID))
				continue
			}
			for _, pl := range rec.lists {
				route := target
				route.PrefixList, route.Unknown = pl, tid.what
				if !slices.Contains(rt.Routes, route) {
					rt.Routes = append(rt.Routes, route)
				}
			}
		}
	}
}

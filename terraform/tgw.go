package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/reach"
)

// Transit gateways: aws_ec2_transit_gateway,
// aws_ec2_transit_gateway_vpc_attachment, aws_ec2_transit_gateway_route_table,
// aws_ec2_transit_gateway_route, aws_ec2_transit_gateway_route_table_association
// and aws_ec2_transit_gateway_route_table_propagation. A gateway with
// default route table association or propagation on (AWS's default) has a
// default route table AWS makes, which is no resource of the plan: the
// model names it after the gateway (aws_ec2_transit_gateway.hub.default_route_table),
// and the attachments that keep transit_gateway_default_route_table_association
// and _propagation on (their default) are associated with it and
// propagate to it, as do the VPN, Direct Connect gateway and Connect
// attachments of the plan that take the defaults (tgw_attachments.go).
// Its routes are then those the plan shows and nothing else, which holds
// for a gateway the plan creates; for one that exists already, other
// routes may be in it that the plan does not show, so its answers are
// undecided (TGW_ROUTES_UNKNOWN), as are those of any other table that
// exists (readTGWRouteTable). A gateway that exists has
// its default tables' IDs in the plan (association_default_route_table_id,
// propagation_default_route_table_id), which ModifyTransitGateway sets
// apart: a default that is a table of the plan is that table, and a
// propagation default that is neither the association default nor a table
// of the plan is a table outside the model, which the attachments'
// default propagations go to. aws_ec2_transit_gateway_default_route_table_association
// and _propagation change a default: an attachment of the plan that takes
// that default would be in the table of before or after the change,
// as AWS makes it before or after, so such a plan is refused (see
// readTGWDefaultChange) unless the gateway's plan values already name the
// new table.

// tgwRec is a transit gateway being assembled.
type tgwRec struct {
	spec        reach.TransitGateway
	created     bool
	defaultRT   string // the model ID of its default route table, "" when off
	defaultProp bool   // default route table propagation on
	// the known IDs of its default association and propagation tables,
	// "" when the plan does not know them (a new gateway)
	assocID, propID string
	// the addresses of the attachments of the plan that keep default
	// association and propagation on
	assocAtts, propAtts []string
	// takenBy names, for each attachment of the plan (by model ID), the
	// resource whose settings decide whether it takes the defaults, ""
	// for one that takes them always (tgwDefaults)
	takenBy map[string]string
	// in is the gateway's resource; unknown holds its
	// default_route_table_association and _propagation when known only
	// after apply (taken as enable until an attachment takes that
	// default, which is an error then: tgwDefaults)
	in      *instance
	unknown map[string]bool
}

// tgws is what the transit gateway readers assemble, in plan order.
type tgws struct {
	gws    map[string]*tgwRec
	gwList []string
	rts    map[string]*reach.TGWRouteTable
	rtList []string
	atts   map[string]*reach.TGWAttachment
	atList []string
	// partial holds, for each route table (by model ID) that may hold
	// routes the plan does not show, why (tgwPartial)
	partial map[string][]string
	// alias maps the model ID, and the known ID, of a resource that
	// stands for an attachment (a VPN connection, a Direct Connect
	// gateway association, an attachment's accepter; tgw_attachments.go)
	// to that attachment's model ID
	alias map[string]string
	// quiet are the attachments (by model ID) that propagate no route: a
	// VPN connection with static routes only
	quiet map[string]bool
	// accepters are the accepters (by model ID) of VPC attachments
	// outside the plan whose gateway the plan does not know: the route
	// table of the plan that names one tells it (acceptedOutside)
	accepters map[string]*instance
	// unaccepted says, for each VPC attachment of the plan (by model ID)
	// of another account than its gateway's, or perhaps of another, that
	// the gateway does not auto-accept, why it may wait for acceptance
	// (tgwAcceptance);
	// accepted are those an accepter of the plan accepts
	unaccepted map[string]string
	accepted   map[string]bool
}

// readTGW reads an aws_ec2_transit_gateway.
func (r *reader) readTGW(in *instance) {
	g := &tgwRec{spec: reach.TransitGateway{ID: in.id, Name: nameTag(in)}, created: in.known == "", in: in, unknown: map[string]bool{}}
	assoc, _ := r.str(in, "default_route_table_association", false)
	prop, _ := r.str(in, "default_route_table_propagation", false)
	for _, attr := range []string{"default_route_table_association", "default_route_table_propagation"} {
		if _, ok := in.values[attr].(string); !ok && isUnknown(in.unknown, attr) {
			g.unknown[attr] = true
		}
	}
	g.defaultProp = prop != "disable"
	g.assocID, _ = in.values["association_default_route_table_id"].(string)
	g.propID, _ = in.values["propagation_default_route_table_id"].(string)
	if assoc != "disable" || g.defaultProp {
		g.defaultRT = in.id + ".default_route_table"
		rt := &reach.TGWRouteTable{ID: g.defaultRT, TransitGateway: in.id}
		if !g.created {
			r.tgwPartial(rt.ID, "it is the default route table AWS made for "+in.addr+", which exists, and attachments and stacks outside the plan may have put routes in it")
		}
		r.tgw.rts[rt.ID] = rt
		r.tgw.rtList = append(r.tgw.rtList, rt.ID)
	}
	if assoc == "disable" {
		g.defaultRT = ""
	}
	// security group referencing: unset is AWS's default at the gateway,
	// disable; a value known only after apply is unknown
	switch v, _ := r.str(in, "security_group_referencing_support", false); {
	case v == "enable":
		g.spec.SecurityGroupReferencing = true
	case v == "" && isUnknown(in.unknown, "security_group_referencing_support"):
		g.spec.SecurityGroupReferencingUnknown = "security_group_referencing_support of " + in.addr + ", known only after apply"
	case v == "", v == "disable":
	default:
		r.fail(in, "security_group_referencing_support", v, ErrInvalidPlan, "enable or disable")
	}
	r.tgw.gws[in.id] = g
	r.tgw.gwList = append(r.tgw.gwList, in.id)
}

// readTGWAttachment reads an aws_ec2_transit_gateway_vpc_attachment.
func (r *reader) readTGWAttachment(in *instance) {
	a := &reach.TGWAttachment{ID: in.id, Name: nameTag(in), Type: "vpc"}
	a.TransitGateway, _ = r.linkOne(in, "transit_gateway_id", "aws_ec2_transit_gateway")
	a.VPC, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	a.Subnets = r.linkList(in, "subnet_ids", "aws_subnet")
	// appliance mode: a value known only after apply is an error (the
	// walk needs it), an unset one AWS's default, disable
	switch mode, _ := r.str(in, "appliance_mode_support", isUnknown(in.unknown, "appliance_mode_support")); mode {
	case "enable":
		a.ApplianceMode = true
	case "", "disable":
	default:
		r.fail(in, "appliance_mode_support", mode, ErrInvalidPlan, "enable or disable")
	}
	// IPv6 support likewise: only with it are the VPC's IPv6 blocks
	// propagated (and whether IPv6 crosses the attachment decided)
	switch v6, _ := r.str(in, "ipv6_support", isUnknown(in.unknown, "ipv6_support")); v6 {
	case "enable":
		a.IPv6Support = true
	case "", "disable":
	default:
		r.fail(in, "ipv6_support", v6, ErrInvalidPlan, "enable or disable")
	}
	// security group referencing: unset is AWS's default at an
	// attachment, enable; a value known only after apply is unknown
	switch v, _ := r.str(in, "security_group_referencing_support", false); {
	case v == "disable":
		a.SecurityGroupReferencingDisabled = true
	case v == "" && isUnknown(in.unknown, "security_group_referencing_support"):
		a.SecurityGroupReferencingUnknown = "security_group_referencing_support of " + in.addr + ", known only after apply"
	case v == "", v == "enable":
	default:
		r.fail(in, "security_group_referencing_support", v, ErrInvalidPlan, "enable or disable")
	}
	if r.outsideAttachment(in, a) { // outside_targets.go
		return
	}
	if g := r.tgw.gws[a.TransitGateway]; g != nil {
		r.tgwDefaults(a, g, r.tgwBool(in, "transit_gateway_default_route_table_association"), r.tgwBool(in, "transit_gateway_default_route_table_propagation"), in.addr)
		r.tgwAcceptance(in, a, g) // tgw_attachments.go
	}
	r.tgw.atts[a.ID] = a
	r.tgw.atList = append(r.tgw.atList, a.ID)
}

// tgwPlanTable returns the model ID of the transit gateway route table
// of the plan whose known ID is id, else def.
func (r *reader) tgwPlanTable(id, def string) string {
	if t := r.byID[id]; id != "" && t != nil && t.typ == "aws_ec2_transit_gateway_route_table" {
		return t.id
	}
	return def
}

// tgwPropDefault returns the model ID of gateway g's default propagation
// route table: a table of the plan its propagation_default_route_table_id
// names, its default route table when that ID is unknown or is the
// association default's, and "" when it names a table outside the plan
// (which the model does not hold).
func (r *reader) tgwPropDefault(g *tgwRec) string {
	def := g.spec.ID + ".default_route_table"
	if g.propID != "" && g.assocID != "" && g.propID != g.assocID {
		def = ""
	}
	return r.tgwPlanTable(g.propID, def)
}

// readTGWDefaultChange reads an
// aws_ec2_transit_gateway_default_route_table_association or
// _propagation, which makes transit_gateway_route_table_id the gateway's
// default association or propagation table. AWS applies a default when
// it makes an attachment, so an attachment of the plan that takes that
// default (its setting, or its accepter's, on; or a VPN or Direct Connect
// gateway attachment, which has none: tgwTakers) is in the table of
// before or after the change as AWS makes it before or after: the plan
// is refused, naming both, unless the
// gateway's plan values already name the new table (the change is in
// effect). Without such an attachment it changes nothing the model holds.
func (r *reader) readTGWDefaultChange(in *instance) {
	gw, _ := r.linkOne(in, "transit_gateway_id", "aws_ec2_transit_gateway")
	g := r.tgw.gws[gw]
	if g == nil {
		return
	}
	kind, cur, atts := "association", g.assocID, g.assocAtts
	if in.typ == "aws_ec2_transit_gateway_default_route_table_propagation" {
		kind, cur, atts = "propagation", g.propID, g.propAtts
	}
	if len(atts) == 0 || (cur != "" && r.valueIs(in, "transit_gateway_route_table_id", cur)) {
		return
	}
	r.fail(in, "", "", ErrInvalidPlan, "it changes the default %s route table of %s while attachments of the plan take that default (%s): "+
		"whether AWS makes each before or after the change decides its table, which the plan does not say; changing a transit gateway's default route table that attachments of the plan rely on is not modelled",
		kind, g.spec.ID, r.tgwTakers(g, kind, atts))
}

// tgwTakers says why each of atts, attachments of gateway g, takes its
// default kind ("association", "propagation") route table: its own
// transit_gateway_default_route_table_association or _propagation on,
// its accepter's, or no such setting (a VPN or Direct Connect gateway
// attachment takes the gateway's defaults).
func (r *reader) tgwTakers(g *tgwRec, kind string, atts []string) string {
	attr := "transit_gateway_default_route_table_" + kind
	var own, parts []string
	for _, id := range atts {
		switch by := g.takenBy[id]; {
		case by == id:
			own = append(own, id)
		case by != "":
			parts = append(parts, fmt.Sprintf("%s keeps it by its accepter %s, whose %s is on", id, by, attr))
		default:
			what := "a VPN"
			if a := r.tgw.atts[id]; a != nil && a.Type == "direct-connect-gateway" {
				what = "a Direct Connect gateway"
			}
			parts = append(parts, fmt.Sprintf("%s is %s attachment, which has no such setting and takes the gateway's default", id, what))
		}
	}
	switch len(own) {
	case 0:
	case 1:
		parts = append([]string{own[0] + " keeps " + attr + " on"}, parts...)
	default:
		parts = append([]string{strings.Join(own, ", ") + " keep " + attr + " on"}, parts...)
	}
	return strings.Join(parts, "; ")
}

// defaultOn reads a bool attribute that is true unless set false.
func defaultOn(in *instance, attr string) bool {
	b, ok := in.values[attr].(bool)
	return !ok || b
}

// readTGWRouteTable reads an aws_ec2_transit_gateway_route_table. Its
// routes are no attribute of it but resources of their own (routes,
// propagations, prefix list references), so the routes of a table that
// exists are those the plan shows and maybe others: of other stacks, the
// console, attachments outside the plan propagating to it. Its answers
// are then undecided (Missing, TGW_ROUTES_UNKNOWN), as for an existing
// gateway's default table. A table the plan creates has an ID known only
// after apply, which only resources of the plan can name here: its routes
// are those the plan shows.
func (r *reader) readTGWRouteTable(in *instance) {
	rt := &reach.TGWRouteTable{ID: in.id, Name: nameTag(in)}
	rt.TransitGateway, _ = r.linkOne(in, "transit_gateway_id", "aws_ec2_transit_gateway")
	if in.known != "" {
		r.tgwPartial(rt.ID, "it exists, and its routes are resources of their own, which other stacks, the console or attachments outside the plan (propagating to it) may have added")
	}
	r.tgw.rts[rt.ID] = rt
	r.tgw.rtList = append(r.tgw.rtList, rt.ID)
}

// tgwTable returns the transit gateway route table attr of in names: a
// table of the plan, or a gateway's default table, by its known ID or by
// a reference to the gateway's association_default_route_table_id or
// propagation_default_route_table_id.
func (r *reader) tgwTable(in *instance, attr string) *reach.TGWRouteTable {
	if rt := r.tgwDefaultByRef(in, attr); rt != nil {
		return rt
	}
	id, _ := r.linkOne(in, attr, "aws_ec2_transit_gateway_route_table")
	rt := r.tgwTableByID(id)
	if rt == nil && id != "" {
		r.fail(in, attr, id, ErrInvalidPlan, "no transit gateway route table of the plan")
	}
	return rt
}

// tgwTableByID returns the transit gateway route table of model ID id,
// or the default table of the gateway of the plan whose
// association_default_route_table_id is id; nil for none.
func (r *reader) tgwTableByID(id string) *reach.TGWRouteTable {
	if rt := r.tgw.rts[id]; rt != nil || id == "" {
		return rt
	}
	for _, g := range r.tgw.gws { // a gateway's default table, by its known ID
		if t := r.byAdr[g.spec.ID]; t != nil && r.valueIs(t, "association_default_route_table_id", id) {
			return r.tgw.rts[g.spec.ID+".default_route_table"]
		}
	}
	return nil
}

// tgwDefaultByRef returns the default route table of the transit gateway
// of the plan whose association_default_route_table_id or
// propagation_default_route_table_id attr of in, known only after apply,
// refers to (a new gateway's, as the provider's documentation writes a
// route into it); nil when it refers to none.
func (r *reader) tgwDefaultByRef(in *instance, attr string) *reach.TGWRouteTable {
	if !isUnknown(in.unknown, attr) || !in.configured(attr) {
		return nil
	}
	refs := in.references(attr)
	if !slices.ContainsFunc(refs, func(s string) bool {
		return strings.HasSuffix(s, ".association_default_route_table_id") || strings.HasSuffix(s, ".propagation_default_route_table_id")
	}) {
		return nil
	}
	ts, open := r.targets(in, refs, "aws_ec2_transit_gateway")
	if open || len(ts) != 1 {
		return nil
	}
	return r.tgw.rts[ts[0].id+".default_route_table"]
}

// valueIs reports whether string attribute attr of in is v.
func (r *reader) valueIs(in *instance, attr, v string) bool {
	s, _ := in.values[attr].(string)
	return s != "" && s == v
}

// tgwAttachment returns the attachment attr of in names, of the route
// table rt: a VPC attachment of the plan, or the attachment a resource of
// the plan stands for (tgwAttachmentTypes), by its model ID or known ID.
func (r *reader) tgwAttachment(in *instance, attr string, rt *reach.TGWRouteTable) *reach.TGWAttachment {
	id, _ := r.linkOne(in, attr, tgwAttachmentTypes...)
	if a, ok := r.peeringOf(id, in, rt); ok {
		return a
	}
	a := r.tgw.atts[id]
	if a == nil {
		a = r.tgw.atts[r.tgw.alias[id]]
	}
	if a == nil && rt != nil {
		a = r.acceptedOutside(r.tgw.alias[id], rt.TransitGateway)
	}
	if a == nil && id != "" {
		r.fail(in, attr, id, ErrInvalidPlan, "no transit gateway attachment of the plan")
	}
	return a
}

// readTGWRoute reads an aws_ec2_transit_gateway_route.
func (r *reader) readTGWRoute(in *instance) {
	rt := r.tgwTable(in, "transit_gateway_route_table_id")
	p, ok := r.prefix(in, "destination_cidr_block", true)
	if rt == nil || !ok {
		return
	}
	if _, ok := in.values["blackhole"].(bool); !ok && isUnknown(in.unknown, "blackhole") {
		// the model holds no route that may or may not drop
		r.fail(in, "blackhole", "", ErrUnknownValue, "whether the route drops what it matches (TGW_BLACKHOLE_ROUTE) or sends it to its attachment decides the gateway's routing, and the model needs it")
		return
	}
	route := reach.TGWRoute{Destination: p, Blackhole: r.boolean(in, "blackhole")}
	if !route.Blackhole {
		if a := r.tgwAttachment(in, "transit_gateway_attachment_id", rt); a != nil {
			route.Attachment = a.ID
		}
	}
	rt.Routes = append(rt.Routes, route)
}

// readTGWAssociation reads an aws_ec2_transit_gateway_route_table_association.
func (r *reader) readTGWAssociation(in *instance) {
	rt := r.tgwTable(in, "transit_gateway_route_table_id")
	if a := r.tgwAttachment(in, "transit_gateway_attachment_id", rt); a != nil && rt != nil {
		a.RouteTable = rt.ID
	}
}

// readTGWPropagation reads an aws_ec2_transit_gateway_route_table_propagation.
// A VPN connection with static routes only propagates no route.
func (r *reader) readTGWPropagation(in *instance) {
	rt := r.tgwTable(in, "transit_gateway_route_table_id")
	if a := r.tgwAttachment(in, "transit_gateway_attachment_id", rt); a != nil && rt != nil && !r.tgw.quiet[a.ID] {
		a.Propagations = appendID(a.Propagations, rt.ID)
	}
}

// finishTGWs gives the transit gateways to the builder, a route table
// that may hold routes the plan does not show with Missing saying why and
// what the plan shows.
func (r *reader) finishTGWs() {
	for _, id := range r.tgw.gwList {
		r.b.AddTransitGateway(r.tgw.gws[id].spec)
	}
	for _, id := range r.tgw.rtList {
		rt := *r.tgw.rts[id]
		if why := r.tgw.partial[id]; len(why) > 0 {
			rt.Missing = fmt.Sprintf("the routes of %s beyond those the plan shows (%s): %s", id, r.tgwShown(&rt), strings.Join(why, "; "))
		}
		r.b.AddTGWRouteTable(rt)
	}
	for _, id := range r.tgw.atList {
		a := *r.tgw.atts[id]
		if why := r.tgw.unaccepted[id]; why != "" && !r.tgw.accepted[id] {
			a.StateUnknown = why
			r.rep.Warnings = append(r.rep.Warnings, why+": what crosses the transit gateway through it is indeterminate")
		}
		r.b.AddTGWAttachment(a)
	}
}

// tgwPartial records that route table id may hold routes the plan does
// not show, and why.
func (r *reader) tgwPartial(id, why string) {
	if r.tgw.partial == nil {
		r.tgw.partial = map[string][]string{}
	}
	if !slices.Contains(r.tgw.partial[id], why) {
		r.tgw.partial[id] = append(r.tgw.partial[id], why)
	}
}

// tgwShown says which routes the plan shows in rt: the attachments that
// propagate to it and its static routes.
func (r *reader) tgwShown(rt *reach.TGWRouteTable) string {
	var props, static []string
	for _, id := range r.tgw.atList {
		if slices.Contains(r.tgw.atts[id].Propagations, rt.ID) {
			props = append(props, id)
		}
	}
	for _, route := range rt.Routes {
		static = append(static, route.Destination.String())
	}
	var parts []string
	if len(props) > 0 {
		parts = append(parts, "propagations from "+strings.Join(props, ", "))
	}
	if len(static) > 0 {
		parts = append(parts, "static routes to "+strings.Join(static, ", "))
	}
	if len(parts) == 0 {
		return "the plan shows none"
	}
	return "the plan shows " + strings.Join(parts, "; ")
}

package terraform

import (
	"fmt"
	"slices"

	"github.com/reachsim/reachsim/reach"
)

// Transit gateway attachments other than a VPC attachment of the plan,
// and the accepter of one:
//   - aws_vpn_connection with a transit_gateway_id: a VPN attachment
//     (its ID is the connection's transit_gateway_attachment_id), which
//     AWS associates with the gateway's default association table and
//     propagates to its default propagation table as the gateway's
//     defaults say. Over BGP (static_routes_only not true) it propagates
//     the routes its customer gateway advertises, which no plan holds: a
//     lookup in such a table that one of them could decide is undecided
//     (reach's hidden routes, TGW_ROUTES_UNKNOWN), as for a VPN attachment
//     of an AWS dump. With static routes only it propagates nothing: its
//     routes are the gateway's static routes to it
//     (aws_ec2_transit_gateway_route; aws_vpn_connection_route is for a
//     virtual private gateway's VPN), unless an aws_vpn_connection_route
//     of the plan names it, whose effect on a transit gateway AWS does not
//     document: then it is taken as propagating, undecided;
//   - aws_dx_gateway_association whose associated_gateway_id is a transit
//     gateway (directly, or through the aws_dx_gateway_association_proposal
//     its proposal_id names): a Direct Connect gateway attachment, taking
//     the gateway's defaults, which propagates the prefixes of the
//     networks beyond it (undecided, as for a VPN);
//   - aws_ec2_transit_gateway_connect: a Connect attachment, with its
//     transit_gateway_default_route_table_association and _propagation,
//     which propagates what its BGP peers advertise (undecided);
//   - aws_ec2_transit_gateway_vpc_attachment_accepter: the owner of a
//     shared gateway accepting a VPC attachment of another account. AWS
//     ignores that attachment's own default association and propagation
//     settings (the provider documents that they cannot be set for a
//     shared gateway); the accepter's apply, so they replace the
//     attachment's. An accepter of an attachment the plan does not hold,
//     on a gateway of the plan, is a VPC attachment whose VPC the model
//     lacks: what it propagates is undecided, and what the gateway sends
//     it goes where the model cannot follow.
//
// A route, association or propagation names such an attachment by a
// reference to the resource (its transit_gateway_attachment_id or id),
// or by its known ID. A VPN connection or Direct Connect gateway
// association whose gateway the plan does not resolve may propagate to
// any gateway of the plan: their default propagation tables are then
// taken as holding routes the plan does not show.

// tgwAttachmentTypes are the resource types whose reference names a
// transit gateway attachment.
var tgwAttachmentTypes = []string{"aws_ec2_transit_gateway_vpc_attachment", "aws_vpn_connection", "aws_dx_gateway_association",
	"aws_ec2_transit_gateway_connect", "aws_ec2_transit_gateway_vpc_attachment_accepter",
	"aws_ec2_transit_gateway_peering_attachment", "aws_ec2_transit_gateway_peering_attachment_accepter"}

// tgwDefaults applies gateway g's default association and propagation to
// attachment a: on (assoc, prop), a is associated with g's default
// association table and propagates to its default propagation table;
// off, it is taken out of them. by is the address of the resource whose
// transit_gateway_default_route_table_association and _propagation
// decide (the attachment's own, or its accepter's), "" for an attachment
// that has no such setting and takes the gateway's defaults (a VPN or
// Direct Connect gateway attachment).
func (r *reader) tgwDefaults(a *reach.TGWAttachment, g *tgwRec, assoc, prop bool, by string) {
	if g.takenBy == nil {
		g.takenBy = map[string]string{}
	}
	g.takenBy[a.ID] = by
	r.tgwUnknownDefault(g, "association", assoc && g.defaultRT != "", a.ID)
	r.tgwUnknownDefault(g, "propagation", prop && g.defaultProp, a.ID)
	if g.defaultRT != "" {
		def := r.tgwPlanTable(g.assocID, g.defaultRT)
		g.assocAtts = slices.DeleteFunc(g.assocAtts, func(s string) bool { return s == a.ID })
		switch {
		case assoc:
			a.RouteTable = def
			g.assocAtts = append(g.assocAtts, a.ID)
		case a.RouteTable == def:
			a.RouteTable = ""
		}
	}
	if g.defaultProp {
		def := r.tgwPropDefault(g)
		g.propAtts = slices.DeleteFunc(g.propAtts, func(s string) bool { return s == a.ID })
		a.Propagations = slices.DeleteFunc(a.Propagations, func(s string) bool { return s == def })
		if prop {
			if def != "" && !r.tgw.quiet[a.ID] {
				a.Propagations = append(a.Propagations, def)
			}
			g.propAtts = append(g.propAtts, a.ID)
		}
	}
}

// tgwUnknownDefault records, once per gateway and setting, an error for
// gateway g's default_route_table_KIND known only after apply when
// attachment id takes that default (takes): whether AWS puts it in the
// default table then decides its routes.
func (r *reader) tgwUnknownDefault(g *tgwRec, kind string, takes bool, id string) {
	attr := "default_route_table_" + kind
	if !takes || !g.unknown[attr] {
		return
	}
	delete(g.unknown, attr)
	r.fail(g.in, attr, "", ErrUnknownValue, "whether the gateway's default route table %s is on decides the routes of the attachments that keep it (%s), and the model needs it", kind, id)
}

// addTGWAttachment adds attachment a of in, of gateway g, taking g's
// defaults as assoc and prop say; knownID is its ID when known.
func (r *reader) addTGWAttachment(in *instance, a *reach.TGWAttachment, g *tgwRec, assoc, prop bool, knownID string) {
	a.TransitGateway = g.spec.ID
	by := in.addr
	if a.Type == "vpn" || a.Type == "direct-connect-gateway" {
		by = "" // no setting of its own
	}
	r.tgwDefaults(a, g, assoc, prop, by)
	r.tgw.atts[a.ID] = a
	r.tgw.atList = append(r.tgw.atList, a.ID)
	r.tgw.alias[in.id] = a.ID
	if knownID != "" {
		r.tgw.alias[knownID] = a.ID
	}
}

// tgwBool reads a default association or propagation setting of in,
// true unless set false; a value known only after apply is an error, as
// it decides the attachment's table.
func (r *reader) tgwBool(in *instance, attr string) bool {
	if _, ok := in.values[attr].(bool); !ok && isUnknown(in.unknown, attr) {
		r.fail(in, attr, "", ErrUnknownValue, "whether the attachment keeps its transit gateway's default decides its route table, and the model needs it")
	}
	return defaultOn(in, attr)
}

// tgwOf returns the transit gateway of the plan that attr of in names
// (nil for one outside the plan); present is false when attr is null,
// unresolved reports a value the plan does not resolve (known only after
// apply, from something other than a resource of the plan).
func (r *reader) tgwOf(in *instance, attr string) (g *tgwRec, present, unresolved bool) {
	id, present, unresolved := r.linkOneOpen(in, attr, "aws_ec2_transit_gateway")
	return r.tgw.gws[id], present, unresolved
}

// tgwAnyGateway records, for an attachment in whose transit gateway the
// plan does not resolve, that the default propagation table of each
// gateway of the plan may hold routes it propagates.
func (r *reader) tgwAnyGateway(in *instance, attr string) {
	for _, id := range r.tgw.gwList {
		g := r.tgw.gws[id]
		if def := r.tgwPropDefault(g); g.defaultProp && def != "" {
			r.tgwPartial(def, fmt.Sprintf("%s, whose %s is known only after apply, may be attached to %s and propagate to it the routes of the networks beyond it", in.addr, attr, id))
		}
	}
}

// readVPNConnection reads an aws_vpn_connection: a VPN attachment when it
// names a transit gateway of the plan.
func (r *reader) readVPNConnection(in *instance) {
	g, present, unresolved := r.tgwOf(in, "transit_gateway_id")
	if !present {
		return // a virtual private gateway's
	}
	static := r.boolean(in, "static_routes_only") && !r.vpnStaticRoutes(in)
	if unresolved && !static {
		r.tgwAnyGateway(in, "transit_gateway_id")
	}
	if g == nil {
		return
	}
	known, _ := in.values["transit_gateway_attachment_id"].(string)
	a := &reach.TGWAttachment{ID: in.id, Name: nameTag(in), Type: "vpn"}
	if static {
		r.tgw.quiet[a.ID] = true
	}
	r.addTGWAttachment(in, a, g, true, true, known)
}

// vpnStaticRoutes reports whether an aws_vpn_connection_route of the plan
// names VPN connection in.
func (r *reader) vpnStaticRoutes(in *instance) bool {
	for _, t := range r.insts {
		if t.typ != "aws_vpn_connection_route" {
			continue
		}
		if id, _, _ := r.resolveOne(t, "vpn_connection_id", "aws_vpn_connection"); id == in.id || (in.known != "" && id == in.known) {
			return true
		}
	}
	return false
}

// readDXGatewayAssociation reads an aws_dx_gateway_association: a Direct
// Connect gateway attachment when it associates a transit gateway of the
// plan.
func (r *reader) readDXGatewayAssociation(in *instance) {
	const attr = "associated_gateway_id"
	at, gwAttr := in, attr
	if !in.configured(attr) && in.values[attr] == nil {
		// by a proposal: the gateway is the proposal's
		ps, open := r.targets(in, in.references("proposal_id"), "aws_dx_gateway_association_proposal")
		if len(ps) != 1 || open {
			return
		}
		at = ps[0]
	}
	id, present, unresolved := r.linkOneOpen(at, gwAttr, "aws_ec2_transit_gateway", "aws_vpn_gateway")
	if unresolved {
		r.tgwAnyGateway(in, attr)
	}
	g := r.tgw.gws[id]
	if !present || g == nil {
		return
	}
	known, _ := in.values["transit_gateway_attachment_id"].(string)
	r.addTGWAttachment(in, &reach.TGWAttachment{ID: in.id, Name: nameTag(in), Type: "direct-connect-gateway"}, g, true, true, known)
}

// readTGWConnect reads an aws_ec2_transit_gateway_connect: a Connect
// attachment of a transit gateway of the plan.
func (r *reader) readTGWConnect(in *instance) {
	g, _, _ := r.tgwOf(in, "transit_gateway_id")
	if g == nil {
		return
	}
	a := &reach.TGWAttachment{ID: in.id, Name: nameTag(in), Type: "connect"}
	r.addTGWAttachment(in, a, g, r.tgwBool(in, "transit_gateway_default_route_table_association"),
		r.tgwBool(in, "transit_gateway_default_route_table_propagation"), in.known)
}

// readTGWAttachmentAccepter reads an
// aws_ec2_transit_gateway_vpc_attachment_accepter.
func (r *reader) readTGWAttachmentAccepter(in *instance) {
	assoc := r.tgwBool(in, "transit_gateway_default_route_table_association")
	prop := r.tgwBool(in, "transit_gateway_default_route_table_propagation")
	id, _, _ := r.linkOneOpen(in, "transit_gateway_attachment_id", "aws_ec2_transit_gateway_vpc_attachment")
	if a := r.tgw.atts[id]; a != nil && a.Type == "vpc" {
		r.tgw.alias[in.id] = a.ID
		if r.tgw.accepted == nil {
			r.tgw.accepted = map[string]bool{}
		}
		r.tgw.accepted[a.ID] = true
		if g := r.tgw.gws[a.TransitGateway]; g != nil {
			r.tgwDefaults(a, g, assoc, prop, in.addr)
		}
		return
	}
	// an attachment the plan does not hold: its gateway is the
	// accepter's transit_gateway_id when the plan knows it, else that of
	// a route table of the plan that names it
	r.tgw.alias[in.id] = in.id
	if id != "" {
		r.tgw.alias[id] = in.id
	}
	if g, _, _ := r.tgwOf(in, "transit_gateway_id"); g != nil {
		r.addAcceptedOutside(in, g)
		return
	}
	if r.tgw.accepters == nil {
		r.tgw.accepters = map[string]*instance{}
	}
	r.tgw.accepters[in.id] = in
}

// acceptedOutside returns the attachment outside the plan that the
// accepter of model ID id accepts, on gateway gw, once a route table of
// the plan names it; nil when id is no such accepter or gw is no
// gateway of the plan.
func (r *reader) acceptedOutside(id, gw string) *reach.TGWAttachment {
	in, g := r.tgw.accepters[id], r.tgw.gws[gw]
	if in == nil || g == nil {
		return nil
	}
	delete(r.tgw.accepters, id)
	return r.addAcceptedOutside(in, g)
}

// addAcceptedOutside adds the attachment outside the plan that accepter
// in accepts, of gateway g: a VPC attachment whose VPC the model lacks,
// which keeps g's defaults as in says.
func (r *reader) addAcceptedOutside(in *instance, g *tgwRec) *reach.TGWAttachment {
	id, _, _ := r.resolveOne(in, "transit_gateway_attachment_id", "aws_ec2_transit_gateway_vpc_attachment")
	a := &reach.TGWAttachment{ID: in.id, Name: nameTag(in), Type: "vpc",
		Missing: fmt.Sprintf("the VPC and subnets of transit gateway attachment %s, which %s accepts and the plan does not hold", orUnknownID(id), in.addr)}
	r.addTGWAttachment(in, a, g, defaultOn(in, "transit_gateway_default_route_table_association"), defaultOn(in, "transit_gateway_default_route_table_propagation"), id)
	return a
}

// orUnknownID returns id, or says it is known only after apply.
func orUnknownID(id string) string {
	if id == "" {
		return "(its ID known only after apply)"
	}
	return id
}

// readTGWPrefixListReference reads an
// aws_ec2_transit_gateway_prefix_list_reference, which routes the blocks
// of a prefix list in a route table: such routes are not modelled, so the
// table it names is taken as holding routes the plan does not show. A
// table the plan does not hold is no concern of the model.
func (r *reader) readTGWPrefixListReference(in *instance) {
	const attr = "transit_gateway_route_table_id"
	rt := r.tgwDefaultByRef(in, attr)
	if rt == nil {
		id, _, _ := r.resolveOne(in, attr, "aws_ec2_transit_gateway_route_table")
		rt = r.tgwTableByID(id)
	}
	if rt == nil {
		return
	}
	pl, _ := in.values["prefix_list_id"].(string)
	r.tgwPartial(rt.ID, fmt.Sprintf("%s routes the blocks of prefix list %s in it, which reachsim does not model", in.addr, orUnknownID(pl)))
}

// tgwAcceptance records why VPC attachment a (of the plan's resource in)
// to gateway g may wait for acceptance: AWS makes a VPC attachment to
// another account's (shared) transit gateway pendingAcceptance until the
// owner accepts it, unless g's auto_accept_shared_attachments is enable,
// and it carries nothing until then. The attachment is of the gateway's
// account where the plan shows both accounts (accountOf: the
// attachment's vpc_owner_id, its VPC's owner_id or its provider
// configuration's caller; the gateway's owner_id or its provider
// configuration's caller) equal, or, where it does not show both, where
// the attachment and the gateway are resources of one provider
// configuration (provider_config_key), whose credentials are of one
// account (the single-account plan). Otherwise (the accounts shown
// apart, or not shown and the provider configurations two, or not named
// by the plan's configuration) and unless g auto-accepts, it may wait:
// unless an accepter of the plan accepts it (readTGWAttachmentAccepter),
// finishTGWs makes its state unknown (reach.TGWAttachment.StateUnknown),
// naming what is missing. Even of another account for sure, it is not
// taken as pending: the owner may accept it outside the plan.
func (r *reader) tgwAcceptance(in *instance, a *reach.TGWAttachment, g *tgwRec) {
	gw := r.byAdr[g.spec.ID]
	owner := r.accountOf(gw)
	att := shown{knownString(in, "vpc_owner_id"), "vpc_owner_id of " + in.addr}
	if att.value == "" {
		att = r.accountOf(r.byAdr[a.VPC])
	}
	if att.value == "" {
		att = r.fromProvider(in, "data.aws_caller_identity", "account_id")
	}
	attKey, gwKey := providerKey(in), providerKey(gw)
	var accounts string
	switch {
	case owner.value != "" && att.value != "":
		if owner.value == att.value {
			return
		}
		accounts = fmt.Sprintf("%s is of account %s (%s) and %s of account %s (%s)", in.addr, att.value, att.by, g.spec.ID, owner.value, owner.by)
	case attKey != "" && attKey == gwKey:
		return // one provider configuration: one account
	default:
		accounts = fmt.Sprintf("the plan does not show whether %s is of the account of %s (%s; %s)", in.addr, g.spec.ID,
			shownAccount(in.addr, att, g.spec.ID, owner), providerConfigs(in.addr, attKey, g.spec.ID, gwKey))
	}
	auto := knownString(gw, "auto_accept_shared_attachments")
	switch {
	case auto == "enable":
		return
	case auto == "" && gw != nil && isUnknown(gw.unknown, "auto_accept_shared_attachments"):
		auto = "known only after apply"
	case auto == "":
		auto = "left out (disable)"
	}
	if r.tgw.unaccepted == nil {
		r.tgw.unaccepted = map[string]string{}
	}
	r.tgw.unaccepted[a.ID] = fmt.Sprintf("%s, whose auto_accept_shared_attachments is %s: "+
		"AWS holds an attachment of another account than the gateway's pending acceptance until the gateway's owner accepts it, which no aws_ec2_transit_gateway_vpc_attachment_accepter of the plan does",
		accounts, auto)
}

// shownAccount says which of the accounts of attachment att and gateway
// gw the plan shows (at most one: tgwAcceptance).
func shownAccount(att string, of shown, gw string, owner shown) string {
	switch {
	case of.value != "":
		return fmt.Sprintf("%s is of account %s (%s), and the plan shows no account of %s", att, of.value, of.by, gw)
	case owner.value != "":
		return fmt.Sprintf("%s is of account %s (%s), and the plan shows no account of %s", gw, owner.value, owner.by, att)
	}
	return "the plan shows the account of neither"
}

// providerConfigs says which provider configurations create attachment
// att and gateway gw (keys as providerKey returns them).
func providerConfigs(att, attKey, gw, gwKey string) string {
	name := func(k string) string {
		if k == "" {
			return "a provider configuration the plan does not name"
		}
		return "provider configuration " + k
	}
	if attKey == "" && gwKey == "" {
		return "the plan names the provider configuration of neither"
	}
	return fmt.Sprintf("%s is of %s and %s of %s", att, name(attKey), gw, name(gwKey))
}

package aws

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// Transit gateways: describe-transit-gateways,
// describe-transit-gateway-attachments, describe-transit-gateway-vpc-attachments,
// describe-transit-gateway-route-tables, and per route table the output of
// search-transit-gateway-routes (Routes), get-transit-gateway-route-table-associations
// (Associations) and get-transit-gateway-route-table-propagations
// (TransitGatewayRouteTablePropagations), each with the top-level
// "TransitGatewayRouteTableId" the dump commands add.

// tgwKeys are the top-level keys read here.
var tgwKeys = map[string]bool{
	"TransitGateways": true, "TransitGatewayAttachments": true, "TransitGatewayVpcAttachments": true,
	"TransitGatewayRouteTables": true, "TransitGatewayRouteTableId": true, "Routes": true, "Associations": true,
	"TransitGatewayRouteTablePropagations": true, "AdditionalRoutesAvailable": true,
}

// tgwState is what the files say about transit gateways.
type tgwState struct {
	gws     []*tgwGwRec
	rts     []*tgwRTRec
	atts    []*tgwAttRec
	vpcAtts map[string]*tgwVpcAttRec
	// leftOut are the gateways, route tables and attachments a file
	// lists in a state that carries no traffic, by ID: left out whatever
	// another file says (a dump of two calls taken apart in time)
	leftOut map[string]leftOutRec
	// dropped says why a route table or attachment was left out with
	// its transit gateway, by ID
	dropped map[string]string
	// per route table ID: what its own files hold
	routes map[string]*tgwRoutesRec
	assocs map[string][]tgwMember
	props  map[string][]tgwMember

	// assembled
	gwBy  map[string]*tgwGwRec
	rtBy  map[string]*tgwRTRec
	attBy map[string]*tgwAttRec
}

type tgwGwRec struct {
	gw reach.TransitGateway
	at jsonloc.Loc
}

type tgwRTRec struct {
	rt       reach.TGWRouteTable
	at       jsonloc.Loc
	routeAt  []jsonloc.Loc
	attachAt []jsonloc.Loc
}

type tgwAttRec struct {
	att      reach.TGWAttachment
	at       jsonloc.Loc
	rtAt     jsonloc.Loc
	assocSet bool // the association is known (listed, or known to be none)
	// assocLost says why an association listed is unknown: its route
	// table is left out
	assocLost string
	subnetAt  []jsonloc.Loc
	propAt    []jsonloc.Loc
}

type tgwVpcAttRec struct {
	id, tgw, vpc string
	subnets      []string
	appliance    bool // Options.ApplianceModeSupport is enable
	ipv6         bool // Options.Ipv6Support is enable
	// Options.SecurityGroupReferencingSupport is disable; or absent, said
	// by sgRefUnknown
	sgRefOff     bool
	sgRefUnknown string
	at           jsonloc.Loc
}

type tgwRoutesRec struct {
	routes    []tgwRouteJSON
	at        jsonloc.Loc
	truncated bool
}

// tgwMember is an attachment a route table's Associations or
// Propagations file lists.
type tgwMember struct {
	attachment, resourceType, resourceID, state string
	at                                          jsonloc.Loc
}

// The elements of describe-transit-gateways, -transit-gateway-attachments,
// -transit-gateway-vpc-attachments and -transit-gateway-route-tables.
type (
	gwJSON struct {
		tgwUnread
		TransitGatewayId, State string
		Tags                    []tagJSON
		Options                 *struct {
			tgwOptionsUnread
			SecurityGroupReferencingSupport *string
		}
	}
	attJSON struct {
		tgwAttUnread
		TransitGatewayAttachmentId, TransitGatewayId, ResourceType, ResourceId, State string
		Association                                                                   *struct{ TransitGatewayRouteTableId, State string }
		Tags                                                                          []tagJSON
	}
	vpcAttJSON struct {
		tgwVpcAttUnread
		TransitGatewayAttachmentId, TransitGatewayId, VpcId, State string
		SubnetIds                                                  []string
		Options                                                    *struct {
			tgwVpcAttOptionsUnread
			ApplianceModeSupport, Ipv6Support, SecurityGroupReferencingSupport *string
		}
	}
	rtJSON struct {
		tgwRTUnread
		TransitGatewayRouteTableId, TransitGatewayId, State string
		Tags                                                []tagJSON
	}
)

type tgwRouteJSON struct {
	tgwRouteUnread
	DestinationCidrBlock, PrefixListId, Type, State string
	TransitGatewayAttachments                       []struct {
		ResourceId, TransitGatewayAttachmentId, ResourceType string
	}
}

type tgwMemberJSON struct {
	tgwMemberUnread
	TransitGatewayAttachmentId, ResourceId, ResourceType, State string
}

func (l *loader) tgwState() *tgwState {
	if l.tgw == nil {
		l.tgw = &tgwState{vpcAtts: map[string]*tgwVpcAttRec{}, leftOut: map[string]leftOutRec{}, dropped: map[string]string{}, routes: map[string]*tgwRoutesRec{},
			assocs: map[string][]tgwMember{}, props: map[string][]tgwMember{}}
	}
	return l.tgw
}

// readTGWKey reads top-level key k of a file, if it is a transit gateway
// key, and reports whether it was.
func (l *loader) readTGWKey(top map[string]json.RawMessage, k string, o jsonloc.Loc) bool {
	if !tgwKeys[k] {
		return false
	}
	st := l.tgwState()
	raw := top[k]
	switch k {
	case "TransitGateways":
		l.readTGWs(st, o, raw)
	case "TransitGatewayAttachments":
		l.readTGWAttachments(st, o, raw)
	case "TransitGatewayVpcAttachments":
		l.readTGWVpcAttachments(st, o, raw)
	case "TransitGatewayRouteTables":
		l.readTGWRouteTables(st, o, raw)
	case "TransitGatewayRouteTableId":
		if _, ok := top["Routes"]; !ok && top["Associations"] == nil && top["TransitGatewayRouteTablePropagations"] == nil {
			l.warn(o, "TransitGatewayRouteTableId without Routes, Associations or TransitGatewayRouteTablePropagations: nothing read")
		}
	case "AdditionalRoutesAvailable":
		if _, ok := top["Routes"]; !ok {
			l.warn(o, "AdditionalRoutesAvailable without Routes: nothing read")
		}
	default: // Routes, Associations, TransitGatewayRouteTablePropagations
		l.readTGWTableFile(st, top, k, o)
	}
	return true
}

func (l *loader) readTGWs(st *tgwState, o jsonloc.Loc, raw json.RawMessage) {
	gws, _ := decodeCheckedList[gwJSON](l, o, raw)
	for i, g := range gws {
		at := o.Index(i)
		if !l.require(at, "", "TransitGatewayId", g.TransitGatewayId) || !l.claim("transit gateway", g.TransitGatewayId, at.Field("TransitGatewayId")) {
			continue
		}
		if g.State != "" && g.State != "available" && g.State != "modifying" {
			l.warn(at, "transit gateway %s is %s: left out (routes to it are indeterminate)", g.TransitGatewayId, g.State)
			st.leftOut[g.TransitGatewayId] = leftOutRec{state: g.State}
			continue
		}
		gw := reach.TransitGateway{ID: g.TransitGatewayId, Name: nameTag(g.Tags)}
		var sgRef *string
		if g.Options != nil {
			sgRef = g.Options.SecurityGroupReferencingSupport
		}
		if !l.referencingOption(at.Field("Options").Field("SecurityGroupReferencingSupport"), gw.ID, "transit gateway", sgRef,
			&gw.SecurityGroupReferencing, &gw.SecurityGroupReferencingUnknown) {
			continue
		}
		if gw.SecurityGroupReferencingUnknown != "" {
			l.warn(at, "Options.SecurityGroupReferencingSupport of transit gateway %s is not in the input (a dump from before AWS added it?): where a security group reference would decide a packet across it, the answer is indeterminate", gw.ID)
		}
		st.gws = append(st.gws, &tgwGwRec{gw: gw, at: at})
	}
}

// usable reports whether an attachment in state s carries traffic.
func usable(s string) bool { return s == "" || s == "available" || s == "modifying" }

func (l *loader) readTGWAttachments(st *tgwState, o jsonloc.Loc, raw json.RawMessage) {
	atts, _ := decodeCheckedList[attJSON](l, o, raw)
	for i, a := range atts {
		at := o.Index(i)
		id := a.TransitGatewayAttachmentId
		if !l.require(at, "", "TransitGatewayAttachmentId", id) || !l.require(at, id, "TransitGatewayId", a.TransitGatewayId) ||
			!l.require(at, id, "ResourceType", a.ResourceType) || !l.claim("transit gateway attachment", id, at.Field("TransitGatewayAttachmentId")) {
			continue
		}
		if !usable(a.State) {
			l.warn(at, "transit gateway attachment %s is %s: left out (routes to it are unknown)", id, a.State)
			// vpc: another resource's ID (vpn-…) never matches a VPC's
			st.leftOut[id] = leftOutRec{state: a.State, tgw: a.TransitGatewayId, vpc: a.ResourceId}
			continue
		}
		r := &tgwAttRec{att: reach.TGWAttachment{ID: id, Name: nameTag(a.Tags), TransitGateway: a.TransitGatewayId, Type: a.ResourceType}, at: at, assocSet: true}
		if a.ResourceType == "vpc" {
			r.att.VPC = a.ResourceId
		}
		if as := a.Association; as != nil && as.State == "associated" {
			r.att.RouteTable, r.rtAt = as.TransitGatewayRouteTableId, at.Field("Association").Field("TransitGatewayRouteTableId")
		} else if as != nil {
			l.warn(at.Field("Association"), "association of %s with %s is %s: taken as none", id, as.TransitGatewayRouteTableId, as.State)
		}
		st.atts = append(st.atts, r)
	}
}

func (l *loader) readTGWVpcAttachments(st *tgwState, o jsonloc.Loc, raw json.RawMessage) {
	atts, _ := decodeCheckedList[vpcAttJSON](l, o, raw)
	for i, a := range atts {
		at := o.Index(i)
		id := a.TransitGatewayAttachmentId
		if !l.require(at, "", "TransitGatewayAttachmentId", id) || !l.require(at, id, "TransitGatewayId", a.TransitGatewayId) ||
			!l.require(at, id, "VpcId", a.VpcId) || !l.claim("transit gateway VPC attachment", id, at.Field("TransitGatewayAttachmentId")) {
			continue
		}
		if !usable(a.State) {
			l.warn(at, "transit gateway VPC attachment %s is %s: left out (routes to it are unknown)", id, a.State)
			st.leftOut[id] = leftOutRec{state: a.State, tgw: a.TransitGatewayId, vpc: a.VpcId}
			continue
		}
		var appliance, ipv6, sgRef bool
		var sgRefUnknown string
		var sgRefOpt *string
		if o := a.Options; o != nil {
			ok := l.enableOption(at.Field("Options").Field("ApplianceModeSupport"), id, o.ApplianceModeSupport, "appliance mode support", &appliance)
			if !l.enableOption(at.Field("Options").Field("Ipv6Support"), id, o.Ipv6Support, "IPv6 support", &ipv6) || !ok {
				continue
			}
			sgRefOpt = o.SecurityGroupReferencingSupport
		}
		if !l.referencingOption(at.Field("Options").Field("SecurityGroupReferencingSupport"), id, "VPC attachment", sgRefOpt, &sgRef, &sgRefUnknown) {
			continue
		}
		st.vpcAtts[id] = &tgwVpcAttRec{id: id, tgw: a.TransitGatewayId, vpc: a.VpcId, subnets: a.SubnetIds, appliance: appliance, ipv6: ipv6,
			sgRefOff: !sgRef && sgRefUnknown == "", sgRefUnknown: sgRefUnknown, at: at}
	}
}

// referencingOption reads the Options.SecurityGroupReferencingSupport of
// transit gateway or VPC attachment id (what) into on; absent (a dump
// from before AWS added it, September 2024), it is unknown: unknown says
// so. Any value but enable or disable is an error at at.
func (l *loader) referencingOption(at jsonloc.Loc, id, what string, v *string, on *bool, unknown *string) bool {
	if v == nil {
		cmd := cmdTGWVpcAtts
		if what == "transit gateway" {
			cmd = cmdTGWs
		}
		*unknown = fmt.Sprintf("the security group referencing support of %s %s (Options.SecurityGroupReferencingSupport, which the input lacks: add the output of %s)", what, id, cmd)
		return true
	}
	return l.enableOption(at, id, v, "security group referencing support", on)
}

// enableOption reads an attachment option that is "enable" or "disable"
// (absent: disable) into on; any other value is an error at at.
func (l *loader) enableOption(at jsonloc.Loc, id string, v *string, what string, on *bool) bool {
	switch {
	case v == nil || *v == "disable":
	case *v == "enable":
		*on = true
	default:
		l.fail(at, id, *v, ErrInvalidDump, "%s is enable or disable", what)
		return false
	}
	return true
}

func (l *loader) readTGWRouteTables(st *tgwState, o jsonloc.Loc, raw json.RawMessage) {
	rts, _ := decodeCheckedList[rtJSON](l, o, raw)
	for i, t := range rts {
		at := o.Index(i)
		id := t.TransitGatewayRouteTableId
		if !l.require(at, "", "TransitGatewayRouteTableId", id) || !l.require(at, id, "TransitGatewayId", t.TransitGatewayId) ||
			!l.claim("transit gateway route table", id, at.Field("TransitGatewayRouteTableId")) {
			continue
		}
		if t.State != "" && t.State != "available" {
			l.warn(at, "transit gateway route table %s is %s: left out", id, t.State)
			st.leftOut[id] = leftOutRec{state: t.State}
			continue
		}
		st.rts = append(st.rts, &tgwRTRec{rt: reach.TGWRouteTable{ID: id, Name: nameTag(t.Tags), TransitGateway: t.TransitGatewayId}, at: at})
	}
}

// tableIDHint says how to add what the CLI leaves out.
const tableIDHint = `the AWS CLI prints no route table ID there: add it, e.g. | jq --arg id tgw-rtb-… '. + {TransitGatewayRouteTableId: $id}'`

// readTGWTableFile reads Routes, Associations or
// TransitGatewayRouteTablePropagations of the route table the file's
// TransitGatewayRouteTableId names.
func (l *loader) readTGWTableFile(st *tgwState, top map[string]json.RawMessage, k string, o jsonloc.Loc) {
	idRaw, ok := top["TransitGatewayRouteTableId"]
	if !ok {
		l.fail(o, "", "", ErrInvalidDump, "%s without a top-level TransitGatewayRouteTableId: %s", k, tableIDHint)
		return
	}
	root := jsonloc.Loc{File: o.File}
	var id string
	if !l.decode(root.Field("TransitGatewayRouteTableId"), idRaw, &id) {
		return
	}
	if id == "" {
		l.fail(root.Field("TransitGatewayRouteTableId"), "", "", ErrInvalidDump, "TransitGatewayRouteTableId is empty: %s", tableIDHint)
		return
	}
	switch k {
	case "Routes":
		routes, ok := decodeCheckedList[tgwRouteJSON](l, o, top[k])
		if !ok || !l.claim("routes of transit gateway route table", id, o) {
			return
		}
		rec := &tgwRoutesRec{routes: routes, at: o}
		if more, ok := top["AdditionalRoutesAvailable"]; ok {
			l.decode(root.Field("AdditionalRoutesAvailable"), more, &rec.truncated)
		}
		st.routes[id] = rec
	case "Associations", "TransitGatewayRouteTablePropagations":
		members, ok := decodeCheckedList[tgwMemberJSON](l, o, top[k])
		if !ok || !l.claim(strings.ToLower(k)+" of transit gateway route table", id, o) {
			return
		}
		for i, m := range members {
			at := o.Index(i)
			if !l.require(at, id, "TransitGatewayAttachmentId", m.TransitGatewayAttachmentId) {
				continue
			}
			rec := tgwMember{attachment: m.TransitGatewayAttachmentId, resourceType: m.ResourceType, resourceID: m.ResourceId, state: m.State, at: at}
			if k == "Associations" {
				st.assocs[id] = append(st.assocs[id], rec)
			} else {
				st.props[id] = append(st.props[id], rec)
			}
		}
	}
}

// The commands that give what is missing, for warnings.
const (
	cmdTGWs         = "aws ec2 describe-transit-gateways"
	cmdTGWAtts      = "aws ec2 describe-transit-gateway-attachments"
	cmdTGWVpcAtts   = "aws ec2 describe-transit-gateway-vpc-attachments"
	cmdTGWRTs       = "aws ec2 describe-transit-gateway-route-tables"
	cmdTGWRoutesFmt = "aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id %s --filters Name=state,Values=active,blackhole, with TransitGatewayRouteTableId added"
)

// assembleTGWs resolves what the transit gateway files say about each
// other; it runs before the VPC route tables are read, which ask
// tgwUnmodelled about their routes to transit gateways.
func (l *loader) assembleTGWs() {
	if l.tgw == nil {
		return
	}
	st := l.tgw
	st.gwBy, st.rtBy, st.attBy = map[string]*tgwGwRec{}, map[string]*tgwRTRec{}, map[string]*tgwAttRec{}
	for _, g := range st.gws {
		st.gwBy[g.gw.ID] = g
	}
	for _, t := range st.rts {
		st.rtBy[t.rt.ID] = t
	}
	st.atts = slices.DeleteFunc(st.atts, func(a *tgwAttRec) bool { _, out := st.leftOut[a.att.ID]; return out })
	for _, a := range st.atts {
		st.attBy[a.att.ID] = a
	}
	// VPC attachments: their subnets; one describe-transit-gateway-attachments
	// does not list is still an attachment, whose association the route
	// tables' Associations files may give.
	for _, id := range sortedKeys(st.vpcAtts) {
		v := st.vpcAtts[id]
		if _, out := st.leftOut[id]; out {
			continue
		}
		a := st.attBy[id]
		if a == nil {
			a = &tgwAttRec{att: reach.TGWAttachment{ID: id, TransitGateway: v.tgw, Type: "vpc", VPC: v.vpc}, at: v.at}
			st.atts, st.attBy[id] = append(st.atts, a), a
		}
		a.att.Subnets, a.att.ApplianceMode, a.att.IPv6Support = slices.Clone(v.subnets), v.appliance, v.ipv6
		a.att.SecurityGroupReferencingDisabled, a.att.SecurityGroupReferencingUnknown = v.sgRefOff, v.sgRefUnknown
		if g := st.gwBy[v.tgw]; v.sgRefUnknown != "" && g != nil && (g.gw.SecurityGroupReferencing || g.gw.SecurityGroupReferencingUnknown != "") {
			l.warn(v.at, "Options.SecurityGroupReferencingSupport of VPC attachment %s is not in the input (a dump from before AWS added it?): where a security group reference would decide a packet across it, the answer is indeterminate", id)
		}
		for j := range v.subnets {
			a.subnetAt = append(a.subnetAt, v.at.Field("SubnetIds").Index(j))
		}
	}
	l.tgwKeepKnown(st)
	for _, a := range st.atts {
		if a.att.Type == "vpc" && st.vpcAtts[a.att.ID] == nil {
			a.att.Missing = fmt.Sprintf("the subnets of VPC attachment %s (add the output of %s)", a.att.ID, cmdTGWVpcAtts)
			l.warn(a.at, "the subnets of VPC attachment %s are not in the input (add the output of %s): traffic to it is indeterminate", a.att.ID, cmdTGWVpcAtts)
		}
	}
	for _, id := range sortedKeys(st.assocs) {
		for _, m := range st.assocs[id] {
			a := l.tgwMemberAttachment(st, m)
			switch {
			case a == nil:
			case m.state != "" && m.state != "associated":
				l.warn(m.at, "association of %s with %s is %s: left out", m.attachment, id, m.state)
			case a.att.RouteTable != "" && a.att.RouteTable != id:
				l.warn(m.at, "attachment %s is associated with %s here but with %s at %s: %s is taken", m.attachment, id, a.att.RouteTable, a.rtAt, id)
				fallthrough
			default:
				a.att.RouteTable, a.rtAt, a.assocSet = id, m.at.Field("TransitGatewayAttachmentId"), true
			}
		}
	}
	for _, id := range sortedKeys(st.props) {
		for _, m := range st.props[id] {
			if a := l.tgwMemberAttachment(st, m); a != nil && (m.state == "" || m.state == "enabled") {
				a.att.Propagations = append(a.att.Propagations, id)
				a.propAt = append(a.propAt, m.at.Field("TransitGatewayAttachmentId"))
			}
		}
	}
	for _, a := range st.atts {
		l.tgwCheckAssociation(st, a)
	}
	for _, t := range st.rts {
		l.assembleTGWRoutes(st, t)
	}
	for _, t := range st.rts {
		l.tgwCheckListing(st, t)
	}
	for _, id := range sortedKeys(st.routes) {
		if st.rtBy[id] == nil {
			l.warn(st.routes[id].at, "routes of transit gateway route table %s left out: the table is %s", id, st.absence(id, cmdTGWRTs))
		}
	}
}

// tgwKeepKnown leaves out, with a warning, the route tables and
// attachments of transit gateways the input does not hold, and marks the
// VPC attachments whose VPC or subnets it does not hold (another
// account's VPC, say) as missing.
func (l *loader) tgwKeepKnown(st *tgwState) {
	st.rts = slices.DeleteFunc(st.rts, func(t *tgwRTRec) bool {
		if st.gwBy[t.rt.TransitGateway] == nil {
			l.warn(t.at, "transit gateway route table %s left out: its transit gateway %s is %s", t.rt.ID, t.rt.TransitGateway, st.dropWithGateway(t.rt.ID, t.rt.TransitGateway))
			delete(st.rtBy, t.rt.ID)
			return true
		}
		return false
	})
	st.atts = slices.DeleteFunc(st.atts, func(a *tgwAttRec) bool {
		if st.gwBy[a.att.TransitGateway] == nil {
			l.warn(a.at, "transit gateway attachment %s left out: its transit gateway %s is %s", a.att.ID, a.att.TransitGateway, st.dropWithGateway(a.att.ID, a.att.TransitGateway))
			delete(st.attBy, a.att.ID)
			return true
		}
		return false
	})
	for _, a := range st.atts {
		if a.att.Type != "vpc" || a.att.Missing != "" || st.vpcAtts[a.att.ID] == nil {
			continue
		}
		if l.out.vpcByID[a.att.VPC] == nil {
			why, state := "another account's?", "not in the input (another account's?)"
			if l.vpcsOut[a.att.VPC] { // select.go
				why, state = "left out: not among the VPCs chosen", "left out (not among the VPCs chosen)"
			}
			a.att.Missing = fmt.Sprintf("VPC %s, which attachment %s attaches (%s)", a.att.VPC, a.att.ID, why)
			l.warn(a.at, "VPC %s of attachment %s is %s: traffic to it is indeterminate", a.att.VPC, a.att.ID, state)
			continue
		}
		for _, s := range a.att.Subnets {
			if l.out.subnetBy[s] == nil {
				a.att.Missing = fmt.Sprintf("subnet %s of attachment %s", s, a.att.ID)
				l.warn(a.at, "subnet %s of attachment %s is not in the input (add the output of aws ec2 describe-subnets): traffic to it is indeterminate", s, a.att.ID)
				break
			}
		}
	}
}

// tgwCheckAssociation takes an association with, or a propagation to, a
// route table the input does not hold as unknown, with a warning.
func (l *loader) tgwCheckAssociation(st *tgwState, a *tgwAttRec) {
	if id := a.att.RouteTable; id != "" && st.rtBy[id] == nil {
		a.assocLost = fmt.Sprintf("attachment %s is associated with %s, which is %s", a.att.ID, id, st.absence(id, cmdTGWRTs))
		l.warn(a.rtAt, "%s: its association is unknown", a.assocLost)
		a.att.RouteTable, a.assocSet = "", false
	}
	for j := 0; j < len(a.att.Propagations); j++ {
		if id := a.att.Propagations[j]; st.rtBy[id] == nil {
			l.warn(a.propAt[j], "propagation of %s to %s left out: the route table is %s", a.att.ID, id, st.absence(id, cmdTGWRTs))
			a.att.Propagations = slices.Delete(a.att.Propagations, j, j+1)
			a.propAt = slices.Delete(a.propAt, j, j+1)
			j--
		}
	}
}

// tgwMemberAttachment returns the attachment an Associations or
// Propagations entry names, making one for a non-VPC attachment the
// input lists nowhere else; nil, with a warning, when there is none.
func (l *loader) tgwMemberAttachment(st *tgwState, m tgwMember) *tgwAttRec {
	if a := st.attBy[m.attachment]; a != nil {
		return a
	}
	l.warn(m.at, "entry left out: attachment %s is %s", m.attachment, st.absence(m.attachment, cmdTGWAtts+" and "+cmdTGWVpcAtts))
	return nil
}

// assembleTGWRoutes reads the routes of table t.
func (l *loader) assembleTGWRoutes(st *tgwState, t *tgwRTRec) {
	id := t.rt.ID
	rec := st.routes[id]
	if rec == nil {
		cmd := fmt.Sprintf(cmdTGWRoutesFmt, id)
		t.rt.Missing = fmt.Sprintf("the routes of %s (add the output of %s)", id, cmd)
		l.warn(t.at, "the routes of transit gateway route table %s are not in the input (add the output of %s): traffic it routes is indeterminate", id, cmd)
		return
	}
	if rec.truncated {
		t.rt.Missing = fmt.Sprintf("some routes of %s: search-transit-gateway-routes returned part of them (AdditionalRoutesAvailable)", id)
		l.warn(rec.at, "AdditionalRoutesAvailable is true: routes of %s are missing (narrow --filters and merge the outputs), so traffic it routes is indeterminate", id)
		return
	}
	// The listing holds every route AWS propagated: Build adds none from
	// the propagations (AWS leaves out an overlapping VPC's block).
	t.rt.Listed = true
	for j, r := range rec.routes {
		o := rec.at.Index(j)
		if r.State != "active" && r.State != "blackhole" {
			l.warn(o, "route %s of %s is %q: left out", r.DestinationCidrBlock, id, r.State)
			continue
		}
		if r.DestinationCidrBlock == "" {
			what := "no DestinationCidrBlock"
			if r.PrefixListId != "" {
				what = "prefix list " + r.PrefixListId
			}
			t.rt.Missing = fmt.Sprintf("the addresses of route %s of %s (%s)", o.Path, id, what)
			l.warn(o, "route of %s with %s: reachsim reads CIDR routes of transit gateway route tables only, so traffic %s routes is indeterminate", id, what, id)
			return
		}
		p, ok := l.prefix(o.Field("DestinationCidrBlock"), id, r.DestinationCidrBlock, famAny) // either family
		if !ok {
			continue
		}
		route := reach.TGWRoute{Destination: p, Propagated: r.Type == "propagated", Blackhole: r.State == "blackhole"}
		if r.PrefixListId != "" {
			// An entry of a referenced prefix list: AWS lists it as
			// propagated, but it ranks before every propagated route.
			route.Propagated, route.PrefixList = false, r.PrefixListId
		}
		at := o
		if !route.Blackhole {
			switch n := len(r.TransitGatewayAttachments); {
			case n == 0:
				l.fail(o.Field("TransitGatewayAttachments"), id, "", ErrInvalidDump, "an active route has an attachment")
				continue
			case n > 1 && !l.tgwAllUnmodelled(st, r):
				t.rt.Missing = fmt.Sprintf("where route %s of %s leads: it spreads traffic over %d attachments (ECMP)", r.DestinationCidrBlock, id, n)
				l.warn(o, "route %s of %s has %d attachments (ECMP), which reachsim does not model: traffic %s routes is indeterminate", r.DestinationCidrBlock, id, n, id)
				return
			}
			ra := r.TransitGatewayAttachments[0]
			route.Attachment, at = ra.TransitGatewayAttachmentId, o.Field("TransitGatewayAttachments").Index(0).Field("TransitGatewayAttachmentId")
			if st.attBy[ra.TransitGatewayAttachmentId] == nil {
				// Known only from the route: enough for a non-VPC attachment,
				// which is undecided anyway.
				a := &tgwAttRec{att: reach.TGWAttachment{ID: ra.TransitGatewayAttachmentId, TransitGateway: t.rt.TransitGateway, Type: ra.ResourceType}, at: at}
				if ra.ResourceType == "vpc" || ra.ResourceType == "" {
					a.att.Type = "vpc"
					a.att.Missing = st.missingAttachment(ra.TransitGatewayAttachmentId)
					l.warn(at, "attachment %s is %s: traffic to it is indeterminate", ra.TransitGatewayAttachmentId, st.absence(ra.TransitGatewayAttachmentId, cmdTGWAtts+" and "+cmdTGWVpcAtts))
				}
				st.atts, st.attBy[a.att.ID] = append(st.atts, a), a
			}
		}
		t.rt.Routes = append(t.rt.Routes, route)
		t.routeAt = append(t.routeAt, o)
		t.attachAt = append(t.attachAt, at)
	}
}

// tgwCheckListing takes the route listing of table t as whole
// ([reach.TGWRouteTable.Listed]) only where the input can show it is:
// search-transit-gateway-routes requires --filters, and a filter (type
// static, say) leaves routes out unseen. A listing that lacks the block
// of a VPC whose attachment propagates to t (enabled), where no listed
// route propagated by a VPC attachment overlaps that block, is
// evidently filtered: AWS withholds only the block of a VPC overlapping
// one propagated before it (Amazon VPC Transit Gateways, "Amazon VPC
// attachments", Limits). Its propagations are then added as for a
// table not listed, with a warning (a VPN, Direct Connect gateway or
// Connect attachment's propagation then makes a lookup its routes could
// decide indeterminate, as [reach.TGWAttachment.Propagations] says: they
// are not in the input); when another attachment propagating
// to t has a VPC the input does not hold (whose block may be the one
// that withheld it), t's routes are unknown instead.
func (l *loader) tgwCheckListing(st *tgwState, t *tgwRTRec) {
	if !t.rt.Listed {
		return
	}
	vpcRoute := func(c netip.Prefix) bool {
		for _, r := range t.rt.Routes {
			if a := st.attBy[r.Attachment]; r.Propagated && a != nil && a.att.Type == "vpc" && r.Destination.Overlaps(c) {
				return true
			}
		}
		return false
	}
	var lacking, unknown []string
	for _, a := range st.atts {
		if a.att.Type != "vpc" || !slices.Contains(a.att.Propagations, t.rt.ID) {
			continue
		}
		v := l.out.vpcByID[a.att.VPC]
		if a.att.Missing != "" || v == nil {
			unknown = append(unknown, a.att.ID)
			continue
		}
		for _, c := range v.vpc.CIDRs {
			if c.Addr().Is6() && !a.att.IPv6Support {
				continue // AWS propagates IPv6 blocks only with IPv6 support
			}
			if !vpcRoute(c) {
				lacking = append(lacking, fmt.Sprintf("%s of %s", c, a.att.ID))
			}
		}
	}
	if len(lacking) == 0 {
		return
	}
	t.rt.Listed = false
	if len(unknown) > 0 {
		t.rt.Missing = fmt.Sprintf("the whole route listing of %s: it lacks the propagated block %s, which a VPC of %s the input does not hold may have withheld, or a --filters of search-transit-gateway-routes left out", t.rt.ID, strings.Join(lacking, ", "), strings.Join(unknown, ", "))
		l.warn(t.at, "the routes listed for %s lack the propagated block %s, and %s propagate to it with a VPC the input does not hold: traffic %s routes is indeterminate (list its routes with --filters Name=state,Values=active,blackhole)", t.rt.ID, strings.Join(lacking, ", "), strings.Join(unknown, ", "), t.rt.ID)
		return
	}
	var others []string // non-VPC attachments propagating to t: their routes are left out too
	for _, a := range st.atts {
		if a.att.Type != "vpc" && slices.Contains(a.att.Propagations, t.rt.ID) {
			others = append(others, a.att.ID)
		}
	}
	also := ""
	if len(others) > 0 {
		also = fmt.Sprintf("; the routes %s propagates to it (what its peer advertises) may be left out too, so traffic they may route is indeterminate", strings.Join(others, ", "))
	}
	l.warn(t.at, "the routes listed for %s lack the propagated block %s, though propagation is enabled and no VPC's listed block overlaps it: the listing is partial (search-transit-gateway-routes with a filter such as type=static?), so the propagations are added as AWS makes them%s (list its routes with --filters Name=state,Values=active,blackhole)", t.rt.ID, strings.Join(lacking, ", "), also)
}

// tgwAllUnmodelled reports whether every attachment of an ECMP route is
// one reachsim does not model (VPN, say): then the first stands for all.
func (l *loader) tgwAllUnmodelled(st *tgwState, r tgwRouteJSON) bool {
	for _, a := range r.TransitGatewayAttachments {
		if a.ResourceType == "vpc" || a.ResourceType == "" {
			return false
		}
	}
	return true
}

// tgwUnmodelled says why a VPC route to transit gateway tgw from vpc
// cannot be modelled, or "" when it can: the gateway, its VPC attachment
// to vpc and that attachment's association must be in the input.
func (l *loader) tgwUnmodelled(tgw, vpc string) string {
	st := l.tgw
	if st == nil || st.gwBy[tgw] == nil {
		if r, ok := st.leftOutOf(tgw); ok {
			return fmt.Sprintf("transit gateway %s is %s (left out for its state)", tgw, r.state)
		}
		return fmt.Sprintf("transit gateway %s is not in the input (add the output of %s, %s, %s, %s and each route table's routes)", tgw, cmdTGWs, cmdTGWAtts, cmdTGWVpcAtts, cmdTGWRTs)
	}
	for _, a := range st.atts {
		if a.att.TransitGateway != tgw || a.att.Type != "vpc" || a.att.VPC != vpc {
			continue
		}
		switch {
		case a.att.Missing != "":
			return fmt.Sprintf("the input lacks %s", a.att.Missing)
		case a.assocLost != "":
			return a.assocLost
		case !a.assocSet:
			return fmt.Sprintf("the route table association of attachment %s is not in the input (add the output of %s)", a.att.ID, cmdTGWAtts)
		}
		return ""
	}
	for _, id := range sortedKeys(st.leftOut) {
		if r := st.leftOut[id]; r.tgw == tgw && r.vpc == vpc {
			return fmt.Sprintf("VPC attachment %s of %s to %s is %s (left out for its state)", id, tgw, vpc, r.state)
		}
	}
	return fmt.Sprintf("no VPC attachment of %s to %s is in the input (add the output of %s and %s)", tgw, vpc, cmdTGWAtts, cmdTGWVpcAtts)
}

// addTGWs gives the transit gateways to the builder.
func (l *loader) addTGWs(b *reach.Builder, w where) {
	st := l.tgw
	if st == nil {
		return
	}
	for _, g := range st.gws {
		p := placed{base: g.at}
		p.set("ID", g.at.Field("TransitGatewayId"))
		b.AddTransitGateway(g.gw)
		w.add("transitGateways", p)
	}
	for _, t := range st.rts {
		p := placed{base: t.at}
		p.set("ID", t.at.Field("TransitGatewayRouteTableId"))
		p.set("TransitGateway", t.at.Field("TransitGatewayId"))
		for j := range t.rt.Routes {
			k := fmt.Sprintf("Routes[%d]", j)
			p.set(k, t.routeAt[j])
			p.set(k+".Destination", t.routeAt[j].Field("DestinationCidrBlock"))
			if t.rt.Routes[j].PrefixList != "" {
				p.set(k+".PrefixList", t.routeAt[j].Field("PrefixListId"))
			}
			p.set(k+".Attachment", t.attachAt[j])
		}
		b.AddTGWRouteTable(t.rt)
		w.add("tgwRouteTables", p)
	}
	for _, a := range st.atts {
		p := placed{base: a.at}
		p.set("ID", a.at.Field("TransitGatewayAttachmentId"))
		p.set("TransitGateway", a.at.Field("TransitGatewayId"))
		if a.att.RouteTable != "" {
			p.set("RouteTable", a.rtAt)
		}
		for j, o := range a.subnetAt {
			p.set(fmt.Sprintf("Subnets[%d]", j), o)
		}
		for j, o := range a.propAt {
			p.set(fmt.Sprintf("Propagations[%d]", j), o)
		}
		b.AddTGWAttachment(a.att)
		w.add("tgwAttachments", p)
	}
	c := l.report.Counts
	c["transit-gateways"], c["transit-gateway-route-tables"], c["transit-gateway-attachments"] = len(st.gws), len(st.rts), len(st.atts)
}

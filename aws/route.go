package aws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// Route tables: describe-route-tables, their associations and routes.

type rtRec struct {
	rt       reach.RouteTable
	at       jsonloc.Loc
	routeAt  []routeOrigin
	gwAt     []jsonloc.Loc
	routesIn []routeIn // read once every firewall endpoint is known
	assocs   []assocJSON
}

type routeOrigin struct{ at, dest, target jsonloc.Loc }

type assocJSON struct {
	routeAssocUnread
	Main             bool
	SubnetId         string
	GatewayId        string
	AssociationState *blockStateJSON
}

type routeTableJSON struct {
	routeTableUnread
	RouteTableId, VpcId string
	Associations        []assocJSON
	// Routes are decoded one by one (readRoute): a null element is an
	// error, and the keys routeJSON does not read are kept
	Routes []json.RawMessage
	Tags   []tagJSON
}

// routeIn is a route as read, and where.
type routeIn struct {
	at jsonloc.Loc
	rj routeJSON
}

func (l *loader) readRouteTables(o jsonloc.Loc, raw json.RawMessage) {
	tables, _ := decodeCheckedList[routeTableJSON](l, o, raw)
	for i, t := range tables {
		at := o.Index(i)
		if !l.require(at, "", "RouteTableId", t.RouteTableId) || !l.require(at, t.RouteTableId, "VpcId", t.VpcId) ||
			!l.claim("route table", t.RouteTableId, at.Field("RouteTableId")) {
			continue
		}
		r := &rtRec{rt: reach.RouteTable{ID: t.RouteTableId, Name: nameTag(t.Tags), VPC: t.VpcId}, at: at, assocs: t.Associations}
		for j, raw := range t.Routes {
			ro := at.Field("Routes").Index(j)
			if rj, ok := l.readRoute(ro, t.RouteTableId, raw); ok {
				r.routesIn = append(r.routesIn, routeIn{ro, rj})
			}
		}
		l.rts = append(l.rts, r)
	}
}

func (l *loader) assembleRouteTables(endpoints map[string]bool) {
	out := &l.out
	var mainMaybe map[string][]maybeAssoc // the main associations in transition, by VPC
	for _, r := range l.rts {
		id := r.rt.ID
		for j, a := range r.assocs {
			ao := r.at.Field("Associations").Index(j)
			if !associated(a.AssociationState) {
				if st := a.AssociationState.State; st == "associating" || st == "disassociating" {
					if a.Main {
						if mainMaybe == nil {
							mainMaybe = map[string][]maybeAssoc{}
						}
						mainMaybe[r.rt.VPC] = append(mainMaybe[r.rt.VPC], maybeAssoc{id, ao, fmt.Sprintf("the main association of %s is %s (%s)", id, st, ao)})
						continue
					}
					if l.assocInTransition(r, ao, a) {
						continue
					}
				}
				l.warn(ao, "association of %s is %s: left out", id, a.AssociationState.State)
				continue
			}
			switch {
			case a.Main:
				v := out.vpcByID[r.rt.VPC]
				switch {
				case v == nil: // the table's unknown VPC is reported by Build
				case v.vpc.MainRouteTable != "":
					l.fail(ao.Field("Main"), id, id, ErrInvalidDump, "%s has two main route tables, %s (%s) and %s", r.rt.VPC, v.vpc.MainRouteTable, v.mainAt, id)
				default:
					v.vpc.MainRouteTable, v.mainAt = id, ao.Field("Main")
				}
			case a.SubnetId != "":
				s := out.subnetBy[a.SubnetId]
				switch {
				case s == nil:
					l.fail(ao.Field("SubnetId"), id, a.SubnetId, reach.ErrTopology, "unknown subnet: it is not in the input (add the output of aws ec2 describe-subnets)")
				case s.subnet.RouteTable != "":
					l.fail(ao.Field("SubnetId"), id, a.SubnetId, ErrInvalidDump, "subnet %s is associated with two route tables, %s (%s) and %s", a.SubnetId, s.subnet.RouteTable, s.rtAt, id)
				default:
					s.subnet.RouteTable, s.rtAt = id, ao.Field("SubnetId")
				}
			case strings.HasPrefix(a.GatewayId, "igw-"):
				r.rt.Gateways = append(r.rt.Gateways, a.GatewayId)
				r.gwAt = append(r.gwAt, ao.Field("GatewayId"))
			case a.GatewayId != "":
				l.warn(ao, "edge association of %s with %s left out: reachsim models edge associations with internet gateways only", id, a.GatewayId)
			default:
				l.fail(ao, id, "", ErrInvalidDump, "the association names no subnet (SubnetId), no gateway (GatewayId) and is not the main one (Main): it associates %s with nothing", id)
			}
		}
		for _, ri := range r.routesIn {
			l.route(r, ri.at, ri.rj, endpoints)
		}
	}
	l.mainInTransition(mainMaybe)
}

// maybeAssoc is a route table association in transition: its table, where
// it was read, and what it is in words.
type maybeAssoc struct {
	table string
	at    jsonloc.Loc
	why   string
}

// assocInTransition takes in a, an association of r read at ao that is
// associating or disassociating, which AWS may or may not apply yet: a
// subnet's is one more table that may route the subnet
// (reach.Subnet.RouteTablesMaybe), an internet gateway's makes the table
// one that may route what enters through the gateway
// (reach.RouteTable.GatewaysMaybe), so that an answer the tables tell
// apart is undecided. It reports whether it took a in; an edge
// association with another gateway it leaves to the caller.
func (l *loader) assocInTransition(r *rtRec, ao jsonloc.Loc, a assocJSON) bool {
	st := a.AssociationState.State
	if a.SubnetId == "" && strings.HasPrefix(a.GatewayId, "igw-") {
		why := fmt.Sprintf("the edge association of %s with %s is %s (%s)", r.rt.ID, a.GatewayId, st, ao)
		l.warn(ao, "edge association of %s with %s is %s: which table routes what enters through %s is undecided, and answers they tell apart are indeterminate", r.rt.ID, a.GatewayId, st, a.GatewayId)
		r.rt.GatewaysMaybe = append(r.rt.GatewaysMaybe, a.GatewayId)
		r.rt.GatewaysWhy = strings.TrimPrefix(r.rt.GatewaysWhy+"; "+why, "; ")
		return true
	}
	if a.SubnetId == "" {
		return false
	}
	s := l.out.subnetBy[a.SubnetId]
	if s == nil {
		l.fail(ao.Field("SubnetId"), r.rt.ID, a.SubnetId, reach.ErrTopology, "unknown subnet: it is not in the input (add the output of aws ec2 describe-subnets)")
		return true
	}
	why := fmt.Sprintf("the association of %s with %s is %s (%s)", r.rt.ID, a.SubnetId, st, ao)
	l.warn(ao, "association of %s with %s is %s: which route table routes %s is undecided, and answers the tables tell apart are indeterminate", r.rt.ID, a.SubnetId, st, a.SubnetId)
	s.addMaybe(r.rt.ID, ao.Field("SubnetId"), why)
	return true
}

// addMaybe adds table, read at o, to the tables that may route s; why
// says why.
func (s *subnetRec) addMaybe(table string, o jsonloc.Loc, why string) {
	if slices.Contains(s.subnet.RouteTablesMaybe, table) {
		return
	}
	s.subnet.RouteTablesMaybe = append(s.subnet.RouteTablesMaybe, table)
	s.maybeAt = append(s.maybeAt, o)
	s.why = append(s.why, why)
	s.subnet.RouteTablesWhy = strings.Join(s.why, "; ")
}

// mainInTransition takes in the main associations in transition, by VPC:
// a VPC with no other main table takes the first for its main table; the
// others may route each subnet of the VPC that has no associated table
// of its own, in place of the main one.
func (l *loader) mainInTransition(byVPC map[string][]maybeAssoc) {
	for _, vpc := range slices.Sorted(maps.Keys(byVPC)) {
		as := byVPC[vpc]
		v := l.out.vpcByID[vpc]
		if v == nil {
			continue // the table's unknown VPC is reported by Build
		}
		if v.vpc.MainRouteTable == "" {
			v.vpc.MainRouteTable, v.mainAt = as[0].table, as[0].at.Field("Main")
			l.warn(as[0].at, "%s, and %s has no other main route table: it is taken for the main one", as[0].why, vpc)
			as = as[1:]
		}
		for _, a := range as {
			l.warn(a.at, "%s: which route table routes the subnets of %s that use the main one is undecided, and answers the tables tell apart are indeterminate", a.why, vpc)
			for _, s := range l.subnets {
				if s.subnet.VPC == vpc && s.subnet.RouteTable == "" && a.table != v.vpc.MainRouteTable {
					s.addMaybe(a.table, a.at.Field("Main"), a.why)
				}
			}
		}
	}
}

// routeJSON is one of a route table's Routes.
type routeJSON struct {
	DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId string
	GatewayId, NatGatewayId, NetworkInterfaceId, InstanceId                 string
	TransitGatewayId, VpcPeeringConnectionId, EgressOnlyInternetGatewayId   string
	CarrierGatewayId, LocalGatewayId, CoreNetworkArn, OdbNetworkArn         string
	IpAddress                                                               string // the next hop of a route VPC Route Server propagated
	State                                                                   string
	// Origin says how the route got into the table: CreateRouteTable (the
	// local route), CreateRoute (static), EnableVgwRoutePropagation
	// (propagated by a virtual private gateway); "" reads as static
	Origin string
	// unread are the keys of the route that name none of the fields above
	// and hold a string that is not empty: a target field AWS added after
	// this reader
	unread []unreadKey
	// notID are the keys that name none of the fields above and hold no
	// string (false, a number, a list, an object): no target ID, so they
	// are passed over, as the unknown keys of other elements are; the
	// error of a route left without a target names them
	notID []unreadKey
}

// unreadKey is a key of a route that routeJSON does not read, with its
// value (its JSON text when it is not a string, cut to 64 bytes).
type unreadKey struct{ key, value string }

// routeKeys are the keys of API_Route
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html):
// those routeJSON reads and InstanceOwnerId, which names no target. A
// route's other keys are kept in routeJSON.unread.
var routeKeys = []string{"DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId",
	"GatewayId", "NatGatewayId", "NetworkInterfaceId", "InstanceId", "InstanceOwnerId", "TransitGatewayId",
	"VpcPeeringConnectionId", "EgressOnlyInternetGatewayId", "CarrierGatewayId", "LocalGatewayId",
	"CoreNetworkArn", "OdbNetworkArn", "IpAddress", "State", "Origin"}

// readRoute decodes raw, the route at o of table id. A null route is an
// error: it has no destination to keep it by, and leaving it out could
// let a less specific route answer what it routes.
func (l *loader) readRoute(o jsonloc.Loc, id string, raw json.RawMessage) (routeJSON, bool) {
	var rj routeJSON
	if string(bytes.TrimSpace(raw)) == "null" {
		l.fail(o, id, "null", ErrInvalidDump, "a route is null: describe-route-tables prints each route as an object with its destination")
		return rj, false
	}
	var keys map[string]json.RawMessage
	if !l.decode(o, raw, &rj) || !l.decode(o, raw, &keys) {
		return rj, false
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if slices.ContainsFunc(routeKeys, func(f string) bool { return strings.EqualFold(f, k) }) {
			continue
		}
		v := bytes.TrimSpace(keys[k])
		var s string
		isString := json.Unmarshal(v, &s) == nil // null too, which is ""
		if !isString {
			s = string(v) // its JSON text, for the no-target error
		}
		if len(s) > 64 {
			s = strings.ToValidUTF8(s[:61], "") + "..."
		}
		switch {
		case !isString:
			rj.notID = append(rj.notID, unreadKey{k, s})
		case s != "":
			rj.unread = append(rj.unread, unreadKey{k, s})
		}
	}
	l.unknown.note(rj.unknownKeys(o.Path))
	return rj, true
}

// unknownKeys returns the keys of r that name no member of API_Route and
// that route does not take for a target: all of them when a target
// field is set, those after the first that holds a string otherwise (the
// first is read as a target field AWS added after this reader), and the
// keys that hold no string unless the route is refused for want of a
// target (whose error names them).
func (r routeJSON) unknownKeys(object string) []jsonloc.UnknownKey {
	known := slices.ContainsFunc(targetFields, func(f string) bool { return r.target(f) != "" })
	var out []jsonloc.UnknownKey
	for i, u := range r.unread {
		if known || i > 0 {
			out = append(out, jsonloc.UnknownKey{Object: object, Key: u.key})
		}
	}
	if known || len(r.unread) > 0 || r.State == "blackhole" {
		for _, u := range r.notID {
			out = append(out, jsonloc.UnknownKey{Object: object, Key: u.key})
		}
	}
	return out
}

// routeOrigins are the values of a route's Origin describe-route-tables
// prints, and whether each makes the route propagated.
var routeOrigins = map[string]bool{"": false, "CreateRouteTable": false, "CreateRoute": false, "EnableVgwRoutePropagation": true}

// routeStates are the values of a route's State describe-route-tables
// prints (API_Route: active | blackhole); "" is a State the input does
// not print, read as active.
var routeStates = map[string]bool{"": true, "active": true, "blackhole": true}

// targetFields are the target fields of API_Route routeJSON reads.
var targetFields = []string{"GatewayId", "NatGatewayId", "NetworkInterfaceId", "InstanceId", "TransitGatewayId",
	"VpcPeeringConnectionId", "EgressOnlyInternetGatewayId", "CarrierGatewayId", "LocalGatewayId", "CoreNetworkArn",
	"OdbNetworkArn", "IpAddress"}

// twoTargets reports two target fields of r that are both set, which a
// route never has: the AWS CLI prints InstanceId beside
// NetworkInterfaceId for a route to an instance, and one target otherwise.
func (r routeJSON) twoTargets() (a, b string, two bool) {
	var set []string
	for _, f := range targetFields {
		if r.target(f) != "" && !(f == "InstanceId" && r.NetworkInterfaceId != "") {
			set = append(set, f)
		}
	}
	if len(set) < 2 {
		return "", "", false
	}
	return set[0], set[1], true
}

// What reachsim does not model, by route target field.
var unmodelledTargets = []struct{ field, what string }{
	{"TransitGatewayId", "transit gateway"},
	{"VpcPeeringConnectionId", "VPC peering connection"},
	{"CarrierGatewayId", "carrier gateway"},
	{"LocalGatewayId", "local gateway"},
	{"CoreNetworkArn", "Cloud WAN core network"},
	{"OdbNetworkArn", "ODB network"},
	{"IpAddress", "VPC Route Server next hop"},
	{"InstanceId", "instance (with no NetworkInterfaceId)"},
}

func (r routeJSON) target(field string) string {
	switch field {
	case "GatewayId":
		return r.GatewayId
	case "NatGatewayId":
		return r.NatGatewayId
	case "NetworkInterfaceId":
		return r.NetworkInterfaceId
	case "InstanceId":
		return r.InstanceId
	case "TransitGatewayId":
		return r.TransitGatewayId
	case "VpcPeeringConnectionId":
		return r.VpcPeeringConnectionId
	case "EgressOnlyInternetGatewayId":
		return r.EgressOnlyInternetGatewayId
	case "CarrierGatewayId":
		return r.CarrierGatewayId
	case "LocalGatewayId":
		return r.LocalGatewayId
	case "CoreNetworkArn":
		return r.CoreNetworkArn
	case "OdbNetworkArn":
		return r.OdbNetworkArn
	case "IpAddress":
		return r.IpAddress
	}
	return ""
}

// routeDest reads the destination of the route at o of table id: a CIDR
// block or a prefix list. ok is false when the route is left out (with a
// warning or an error already recorded).
func (l *loader) routeDest(o jsonloc.Loc, id string, rj routeJSON) (rt reach.Route, ro routeOrigin, dest string, ok bool) {
	ro.at = o
	switch n := btoi(rj.DestinationCidrBlock != "") + btoi(rj.DestinationIpv6CidrBlock != "") + btoi(rj.DestinationPrefixListId != ""); {
	case n == 0:
		l.fail(o, id, "", ErrInvalidDump, "the route has no destination: describe-route-tables prints one of DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId for every route")
		return rt, ro, dest, false
	case n > 1:
		l.fail(o, id, "", ErrInvalidDump, "a route has one of DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId")
		return rt, ro, dest, false
	case rj.DestinationPrefixListId != "":
		rt.PrefixList, dest, ro.dest = rj.DestinationPrefixListId, rj.DestinationPrefixListId, o.Field("DestinationPrefixListId")
	default:
		field, s, fam := "DestinationCidrBlock", rj.DestinationCidrBlock, fam4
		if s == "" {
			field, s, fam = "DestinationIpv6CidrBlock", rj.DestinationIpv6CidrBlock, fam6
		}
		ro.dest = o.Field(field)
		p, ok := l.block(ro.dest, id, s, fam)
		if !ok {
			return rt, ro, dest, false
		}
		rt.Destination, dest = p, s
	}
	return rt, ro, dest, true
}

// route reads one route at o into table r, or warns why it is left out.
func (l *loader) route(r *rtRec, o jsonloc.Loc, rj routeJSON, endpoints map[string]bool) {
	id := r.rt.ID
	rt, ro, dest, ok := l.routeDest(o, id, rj)
	if !ok {
		return
	}
	propagated, known := routeOrigins[rj.Origin]
	if !known {
		l.fail(o.Field("Origin"), id, rj.Origin, ErrInvalidDump, "unknown route origin: describe-route-tables prints CreateRouteTable, CreateRoute or EnableVgwRoutePropagation")
		return
	}
	rt.Propagated = propagated
	if !routeStates[rj.State] {
		l.fail(o.Field("State"), id, rj.State, ErrInvalidDump, "unknown route state: describe-route-tables prints active or blackhole (API_Route), and whether this route carries traffic is unknown")
		return
	}
	if a, b, two := rj.twoTargets(); two {
		l.fail(o, id, "", ErrInvalidDump, "the route names two targets, %s (%q) and %s (%q): a route has one (API_Route; only InstanceId beside NetworkInterfaceId, for a route to an instance), and which one it leads to is unknown", a, rj.target(a), b, rj.target(b))
		return
	}
	field := ""
	// unmodelled keeps a route to a target reachsim does not model: longest
	// prefix match selects it as AWS would, and the query is indeterminate
	// there, never answered by a less specific route.
	unmodelled := func(target, what, why string) {
		l.warn(o, "route %s -> %s (%s) of %s: %s; queries it routes are indeterminate (check, ports and sources exit 3)", dest, target, what, id, why)
		rt.Target, rt.TargetID, rt.TargetType = reach.TargetUnmodelled, target, what
		ro.target = o.Field(field)
		r.rt.Routes = append(r.rt.Routes, rt)
		r.routeAt = append(r.routeAt, ro)
	}
	for _, f := range []string{"NetworkInterfaceId", "NatGatewayId", "GatewayId", "EgressOnlyInternetGatewayId"} {
		if rj.target(f) != "" {
			field = f
			break
		}
	}
	if id := rj.VpcPeeringConnectionId; field == "" && id != "" && rj.State != "blackhole" {
		field = "VpcPeeringConnectionId"
		if ok, why := l.peeringRoute(id); !ok { // see peering.go
			unmodelled(id, "VPC peering connection", why)
			return
		}
		rt.Target, rt.TargetID, ro.target = reach.TargetPeering, id, o.Field(field)
		r.rt.Routes = append(r.rt.Routes, rt)
		r.routeAt = append(r.routeAt, ro)
		return
	}
	if field == "" {
		for _, u := range unmodelledTargets {
			if t := rj.target(u.field); t != "" {
				field = u.field
				if rj.State == "blackhole" {
					break
				}
				why := "reachsim does not model where it leads"
				if u.field == "TransitGatewayId" { // transit gateways: see tgw.go
					if why = l.tgwUnmodelled(t, r.rt.VPC); why == "" {
						rt.Target, rt.TargetID, ro.target = reach.TargetTransitGateway, t, o.Field(field)
						r.rt.Routes, r.routeAt = append(r.rt.Routes, rt), append(r.routeAt, ro)
						return
					}
				}
				unmodelled(t, u.what, why)
				return
			}
		}
	}
	if field == "" && len(rj.unread) > 0 {
		// a target field AWS added after this reader: kept, unmodelled
		u := rj.unread[0]
		field = u.key
		if rj.State == "blackhole" {
			rt.Target, rt.TargetID, ro.target = reach.TargetBlackhole, u.value, o.Field(field)
			r.rt.Routes, r.routeAt = append(r.rt.Routes, rt), append(r.routeAt, ro)
			return
		}
		unmodelled(u.value, "target in "+u.key, "reachsim does not read the route target field "+u.key+", so where it leads is unknown")
		return
	}
	if field == "" && rj.State == "blackhole" {
		// its target is gone (API_Route: every field is optional, and a
		// blackhole drops what it matches whatever its target was)
		rt.Target, ro.target = reach.TargetBlackhole, o // no TargetID: the route's place stands for it
		r.rt.Routes, r.routeAt = append(r.rt.Routes, rt), append(r.routeAt, ro)
		return
	}
	if field == "" {
		why := ""
		for _, u := range rj.notID {
			why += fmt.Sprintf("; %s holds %s, which is no target ID", u.key, u.value)
		}
		l.fail(o, id, "", ErrInvalidDump, "the route names no target: a route that is not a blackhole has one (GatewayId, NatGatewayId, NetworkInterfaceId, TransitGatewayId, VpcPeeringConnectionId...), and where this one leads is unknown%s", why)
		return
	}
	ro.target = o.Field(field)
	target := rj.target(field)
	rt.TargetID = target
	switch {
	case rj.State == "blackhole":
		rt.Target = reach.TargetBlackhole
	case field == "NetworkInterfaceId":
		rt.Target = reach.TargetInterface
	case field == "NatGatewayId":
		if out, ok := l.natsOut[target]; ok { // gateway.go
			unmodelled(target, out.what, out.why)
			return
		}
		rt.Target = reach.TargetNATGateway
	case field == "EgressOnlyInternetGatewayId": // endpoints.go
		if l.eigws[target] == nil {
			unmodelled(target, "egress-only internet gateway", "it is not in the input (add aws ec2 describe-egress-only-internet-gateways)")
			return
		}
		rt.Target = reach.TargetEgressOnlyInternetGateway
	case target == "local":
		rt.Target = reach.TargetLocal
	case strings.HasPrefix(target, "igw-"):
		rt.Target = reach.TargetInternetGateway
	case strings.HasPrefix(target, "vpce-"):
		if !endpoints[target] {
			switch l.vpceRoute(o, id, dest, target, rt.PrefixList) { // endpoints.go
			case vpceGateway:
				rt.Target = reach.TargetGatewayEndpoint
			case vpceDropped:
				return
			case vpceUnavailable:
				// AWS shows a route whose target is gone as a blackhole
				// (State, read above); this one is active, to an endpoint
				// in transition, whose behaviour reachsim does not know
				unmodelled(target, "gateway endpoint that is not available", fmt.Sprintf("its State is %q, not available, and whether it carries traffic so is unknown", l.vpces[target].state))
				return
			case vpceUnknownList:
				unmodelled(target, "gateway endpoint for "+l.vpces[target].ep.Service, "its prefix list "+rt.PrefixList+" is not in the input, so which addresses it covers is unknown (add aws ec2 describe-prefix-lists)")
				return
			default:
				unmodelled(target, "VPC endpoint", "it is no Network Firewall endpoint of a firewall in the input, nor a gateway endpoint in the input (a Gateway Load Balancer endpoint? a gateway endpoint for S3 or DynamoDB, then add aws ec2 describe-vpc-endpoints and describe-prefix-lists; a firewall's, then add its aws network-firewall describe-firewall output)")
				return
			}
			break
		}
		rt.Target = reach.TargetFirewallEndpoint
	case strings.HasPrefix(target, "vgw-"):
		unmodelled(target, "virtual private gateway", "reachsim does not model VPN")
		return
	default:
		unmodelled(target, "gateway", "reachsim does not model this kind of gateway")
		return
	}
	r.rt.Routes = append(r.rt.Routes, rt)
	r.routeAt = append(r.routeAt, ro)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

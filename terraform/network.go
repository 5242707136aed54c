package terraform

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/reach"
)

// The VPCs, subnets, gateways and route tables of the plan.

// vpcRec is a VPC being assembled.
type vpcRec struct {
	in      *instance
	spec    reach.VPC
	created bool // its default ACL and main route table are the plan's to make
	// mainRT and defaultACL are the model IDs of its main route table and
	// default ACL: the addresses of the aws_default_route_table and
	// aws_default_network_acl that manage them, or made up from the VPC's
	// address; knownRT and knownACL their IDs when the plan knows them
	mainRT, defaultACL    string
	knownRT, knownACL     string
	managedRT, managedACL bool
}

// network is what translate assembles before giving it to the builder.
type network struct {
	vpcs    map[string]*vpcRec
	vpcList []*vpcRec
	subnets map[string]*reach.Subnet
	subList []string
	rts     map[string]*reach.RouteTable
	rtList  []string
	igws    map[string]reach.InternetGatewaySpec
	igwList []string
	// inline says, per route table, whether its routes come from its
	// inline route blocks (the configuration sets them) as well
	inline map[string]bool
	// standIns are the default groups and ACLs of VPCs the plan creates
	// that references name and the plan does not manage (defaults.go),
	// by model ID, in the order they were named
	standIns    map[string]*standIn
	standInList []string
	// kept are, per route table, the routes AWS keeps in a table that
	// exists and whose configuration leaves route out (keptroutes.go)
	kept map[string][]reach.Route
	// deleted are, per route table, the destinations (routeKey) of the
	// aws_route resources the plan deletes (deletedRoute), nil until asked
	deleted map[string]map[string]bool
	// retaken are, per route table, the destinations of the aws_route
	// resources the plan replaces, delete first, by one of the same
	// table and destination (retakenRoute), set with deleted
	retaken map[string]map[string]bool
}

func newNetwork() *network {
	return &network{vpcs: map[string]*vpcRec{}, subnets: map[string]*reach.Subnet{}, rts: map[string]*reach.RouteTable{},
		igws: map[string]reach.InternetGatewaySpec{}, inline: map[string]bool{}, standIns: map[string]*standIn{}}
}

// readVPC reads an aws_vpc.
func (r *reader) readVPC(in *instance) {
	v := &vpcRec{in: in, spec: reach.VPC{ID: in.id, Name: nameTag(in)}}
	if p, ok := r.prefix(in, "cidr_block", true); ok {
		v.spec.CIDRs = append(v.spec.CIDRs, p)
	}
	if p, ok := r.prefix(in, "ipv6_cidr_block", false); ok {
		v.spec.CIDRs = append(v.spec.CIDRs, p)
	} else if isUnknown(in.unknown, "ipv6_cidr_block") && (r.boolean(in, "assign_generated_ipv6_cidr_block") || in.configured("ipv6_ipam_pool_id")) && in.cfg != nil {
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: ipv6_cidr_block: Amazon assigns it at apply; the VPC is modelled without IPv6", in.addr))
	}
	switch dns, ok := in.values["enable_dns_support"].(bool); {
	case ok:
		v.spec.DNSSupportDisabled = !dns
	case isUnknown(in.unknown, "enable_dns_support"):
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: enable_dns_support: known only after apply; the VPC's Amazon DNS server is modelled on (AWS's default)", in.addr))
	}
	v.knownRT, _ = r.str(in, "main_route_table_id", false)
	v.knownACL, _ = r.str(in, "default_network_acl_id", false)
	v.created = v.knownRT == "" && v.knownACL == ""
	v.mainRT, v.defaultACL = in.id+".main_route_table", in.id+".default_network_acl"
	r.net.vpcs[in.id] = v
	r.net.vpcList = append(r.net.vpcList, v)
}

// readCIDRAssociation reads an aws_vpc_ipv4_cidr_block_association.
func (r *reader) readCIDRAssociation(in *instance) {
	vpc, _ := r.linkOne(in, "vpc_id", "aws_vpc")
	p, ok := r.prefix(in, "cidr_block", true)
	if !ok || vpc == "" {
		return
	}
	v := r.net.vpcs[vpc]
	if v == nil {
		r.fail(in, "vpc_id", vpc, ErrInvalidPlan, "no VPC of the plan")
		return
	}
	v.spec.CIDRs = append(v.spec.CIDRs, p)
}

// readIPv6CIDRAssociation reads an aws_vpc_ipv6_cidr_block_association:
// its block is the VPC's. One Amazon assigns at apply (known only after
// apply) is left out with a warning, as an aws_vpc's own generated block
// is; the blocks of its subnets and their addresses are then known only
// after apply too (readSubnet).
func (r *reader) readIPv6CIDRAssociation(in *instance) {
	vpc, _ := r.linkOne(in, "vpc_id", "aws_vpc")
	if vpc == "" {
		return
	}
	v := r.net.vpcs[vpc]
	if v == nil {
		r.fail(in, "vpc_id", vpc, ErrInvalidPlan, "no VPC of the plan")
		return
	}
	p, ok := r.prefix(in, "ipv6_cidr_block", false)
	switch {
	case ok && p.Addr().Is4():
		r.fail(in, "ipv6_cidr_block", p.String(), ErrInvalidPlan, "not an IPv6 block")
	case ok:
		v.spec.CIDRs = append(v.spec.CIDRs, p)
	case isUnknown(in.unknown, "ipv6_cidr_block"):
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: ipv6_cidr_block: known only after apply (Amazon or a pool assigns it); the VPC is modelled without it", in.addr))
	default:
		r.fail(in, "ipv6_cidr_block", "", ErrInvalidPlan, "an IPv6 CIDR block association without its block")
	}
}

// readSubnet reads an aws_subnet.
func (r *reader) readSubnet(in *instance) {
	s := &reach.Subnet{ID: in.id, Name: nameTag(in)}
	s.VPC, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	if p, ok := r.prefix(in, "cidr_block", false); ok {
		s.CIDRs = append(s.CIDRs, p)
	}
	if p, ok := r.prefix(in, "ipv6_cidr_block", false); ok {
		s.CIDRs = append(s.CIDRs, p)
	} else if in.deferred && isUnknown(in.unknown, "ipv6_cidr_block") && !r.skipIPv6(in, "ipv6_cidr_block") {
		r.unknownData(in, "ipv6_cidr_block") // a subnet that exists may have one: the model needs it
	} else if !in.deferred && isUnknown(in.unknown, "ipv6_cidr_block") && in.configured("ipv6_cidr_block") && !r.skipIPv6(in, "ipv6_cidr_block") {
		// an IPv6 VPC whose new subnet's block, set in the configuration,
		// is known only after apply (the provider prints it so for every
		// new subnet: one the configuration gives none has none): left
		// out, an IPv6 packet to its addresses would be a certain unknown
		// destination
		r.fail(in, "ipv6_cidr_block", "", ErrUnknownValue, "known only after apply, in a design with IPv6: the model needs the subnet's IPv6 block")
	}
	if len(s.CIDRs) == 0 && isUnknown(in.unknown, "cidr_block") {
		r.fail(in, "cidr_block", "", ErrUnknownValue, "a subnet needs its CIDR block")
	}
	s.AvailabilityZone, _ = r.str(in, "availability_zone", false)
	// known only after apply: unknown, never guessed (tgw_zone.go of reach)
	s.AvailabilityZoneID, _ = r.str(in, "availability_zone_id", false)
	s.OwnerID = r.subnetOwner(in)
	r.net.subnets[in.id] = s
	r.net.subList = append(r.net.subList, in.id)
}

// readIGW reads an aws_internet_gateway.
func (r *reader) readIGW(in *instance) {
	vpc, _ := r.linkOne(in, "vpc_id", "aws_vpc")
	r.net.igws[in.id] = reach.InternetGatewaySpec{ID: in.id, VPC: vpc}
	r.net.igwList = append(r.net.igwList, in.id)
}

// readIGWAttachment reads an aws_internet_gateway_attachment: it
// attaches an internet gateway that names no VPC of its own.
func (r *reader) readIGWAttachment(in *instance) {
	igw, _ := r.linkOne(in, "internet_gateway_id", "aws_internet_gateway")
	vpc, _ := r.linkOne(in, "vpc_id", "aws_vpc")
	g, ok := r.net.igws[igw]
	switch {
	case igw == "" || vpc == "":
	case !ok:
		r.fail(in, "internet_gateway_id", igw, ErrInvalidPlan, "no internet gateway of the plan")
	case g.VPC != "" && g.VPC != vpc:
		r.fail(in, "vpc_id", vpc, ErrInvalidPlan, "internet gateway %s is attached to %s already", igw, g.VPC)
	default:
		g.VPC = vpc
		r.net.igws[igw] = g
	}
}

// readRouteTable reads an aws_route_table, or an aws_default_route_table
// (which adopts its VPC's main route table).
func (r *reader) readRouteTable(in *instance) {
	rt := &reach.RouteTable{ID: in.id, Name: nameTag(in)}
	if in.typ == "aws_default_route_table" {
		v := r.vpcOfDefault(in, "default_route_table_id", func(v *vpcRec) string { return v.knownRT })
		if v == nil {
			return
		}
		rt.VPC, v.mainRT, v.managedRT = v.spec.ID, rt.ID, true
	} else {
		rt.VPC, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	}
	r.net.rts[rt.ID] = rt
	r.net.rtList = append(r.net.rtList, rt.ID)
	r.readPropagatingVGWs(in, rt)
	if !in.configured("route") {
		r.keptRoutes(in, rt) // keptroutes.go; and the standalone aws_route resources
		return
	}
	routes, ok := blocks(in.values["route"])
	if !ok {
		r.fail(in, "route", "", ErrInvalidPlan, "not a list of route blocks")
		return
	}
	for i, b := range routes {
		sub := r.inlineBlock(in, "route", i, len(routes), b)
		at := fmt.Sprintf("route[%d].", i)
		if route, ok := r.route(sub, at, "cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"); ok {
			if route, ok = r.inlineRoute(in, at, route); ok { // routemix.go
				rt.Routes = append(rt.Routes, route)
			}
		}
	}
}

// vpcOfDefault returns the VPC whose default resource (main route table,
// default ACL, default security group) in adopts, by attr: the VPC's own
// ID for that resource (known of it), or a reference to the VPC.
func (r *reader) vpcOfDefault(in *instance, attr string, known func(*vpcRec) string) *vpcRec {
	s, _ := in.values[attr].(string)
	for _, v := range r.net.vpcList {
		if s != "" && known(v) == s {
			return v
		}
	}
	if isUnknown(in.unknown, attr) {
		if ts, open := r.targets(in, in.references(attr), "aws_vpc"); len(ts) == 1 && !open {
			return r.net.vpcs[ts[0].id]
		}
	}
	r.fail(in, attr, s, ErrInvalidPlan, "not the default resource of a VPC of the plan")
	return nil
}

// skipIPv6 reports whether the IPv6 block at path of in (an ACL entry's,
// a route's destination) is known only after apply in a design none of
// whose VPCs has IPv6 in the model (AWS assigns their blocks at apply):
// no packet the model can make is IPv6, so the entry or route decides
// nothing and is left out, with a warning.
func (r *reader) skipIPv6(in *instance, path string) bool {
	attr := path[strings.LastIndex(path, ".")+1:]
	if !isUnknown(in.unknown, attr) {
		return false
	}
	for _, v := range r.net.vpcList {
		if hasIPv6(v.spec.CIDRs) {
			return false
		}
	}
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: %s: known only after apply, and no VPC has IPv6 in the model: left out", in.addr, path))
	return true
}

// elem returns the after_unknown mirror of attr[i].
func elem(u any, attr string, i int) any {
	m, ok := u.(map[string]any)
	if !ok {
		return u
	}
	l, ok := m[attr].([]any)
	if !ok || i >= len(l) {
		return m[attr]
	}
	return l[i]
}

// routeTargets are the attributes that name a route's target, with the
// target kind and the resource types they link to.
var routeTargets = []struct {
	attr  string
	kind  reach.TargetKind
	types []string
	what  string
}{
	{"gateway_id", reach.TargetInternetGateway, []string{"aws_internet_gateway"}, "internet gateway"},
	{"nat_gateway_id", reach.TargetNATGateway, []string{"aws_nat_gateway"}, "NAT gateway"},
	// an instance's primary interface too: primary_network_interface_id
	{"network_interface_id", reach.TargetInterface, []string{"aws_network_interface", "aws_instance"}, "network interface"},
	{"egress_only_gateway_id", reach.TargetEgressOnlyInternetGateway, []string{"aws_egress_only_internet_gateway"}, "egress-only internet gateway"},
	{"transit_gateway_id", reach.TargetTransitGateway, []string{"aws_ec2_transit_gateway"}, "transit gateway"},
	{"vpc_peering_connection_id", reach.TargetPeering, []string{"aws_vpc_peering_connection"}, "VPC peering connection"},
	{"vpc_endpoint_id", reach.TargetUnmodelled, nil, "VPC endpoint"},
	{"local_gateway_id", reach.TargetUnmodelled, nil, "local gateway"},
	{"carrier_gateway_id", reach.TargetUnmodelled, nil, "carrier gateway"},
	{"core_network_arn", reach.TargetUnmodelled, nil, "core network"},
}

// route reads one route (an inline block, or an aws_route) whose
// destination is one of the attributes dests and whose target attributes
// are routeTargets'; at prefixes attribute paths in errors.
func (r *reader) route(in *instance, at string, dests ...string) (reach.Route, bool) {
	var rt reach.Route
	n := 0
	if r.skipIPv6(in, at+dests[1]) {
		return rt, false
	}
	for i, attr := range dests {
		s, ok := in.values[attr].(string)
		if i == 2 && (s != "" || isUnknown(in.unknown, attr)) {
			n++ // a prefix list, perhaps one the plan creates
			rt.PrefixList, _ = r.linkOne(in, attr, "aws_ec2_managed_prefix_list")
			continue
		}
		if !ok || s == "" {
			if isUnknown(in.unknown, attr) {
				rt.Unknown, n = in.addr+": "+at+attr, n+1 // its lookups undecided where it could change them (reach.Route.Unknown)
			}
			continue
		}
		n++
		p, ok := r.prefixAt(in, at+attr, s)
		if !ok {
			return rt, false
		}
		rt.Destination = p
	}
	if n != 1 {
		r.fail(in, at+dests[0], "", ErrInvalidPlan, "a route has one destination: %d given", n)
		return rt, false
	}
	if r.firewallRoute(in, &rt) {
		return rt, true
	}
	for _, t := range routeTargets {
		s, _ := in.values[t.attr].(string)
		if s == "" && !isUnknown(in.unknown, t.attr) {
			continue
		}
		rt.Target, rt.TargetType = t.kind, t.what
		if t.attr == "gateway_id" {
			if vgw, ok := r.vgwTarget(in, at, s); ok {
				rt.Target, rt.TargetType, rt.TargetID = reach.TargetUnmodelled, "virtual private gateway", vgw
				return rt, vgw != ""
			}
			if nat, ok := r.natByGatewayID(in, at, s); ok {
				rt.Target, rt.TargetType, rt.TargetID = reach.TargetNATGateway, "NAT gateway", nat
				return rt, nat != ""
			}
		}
		if t.types != nil {
			id, _ := r.linkOne(in, t.attr, t.types...)
			rt.TargetID = id
		} else {
			rt.TargetID = s
			if s == "" {
				rt.TargetID = in.addr + " " + t.attr
			}
		}
		if t.attr == "gateway_id" && rt.TargetID == "local" {
			rt.Target, rt.TargetID = reach.TargetLocal, "local"
		}
		return rt, true
	}
	r.fail(in, at+"gateway_id", "", ErrInvalidPlan, "a route needs a target")
	return rt, false
}

// vgwTarget reports whether a route's gateway_id s (of in, at the
// attribute path prefix at) names a virtual private gateway, which
// gateway_id may name as well as an internet gateway: vgw-…, or, known
// only after apply, a reference to an aws_vpn_gateway; vgw names it, ""
// with an error when the references name both kinds.
func (r *reader) vgwTarget(in *instance, at, s string) (vgw string, ok bool) {
	if strings.HasPrefix(s, "vgw-") {
		return s, true
	}
	if s != "" || !isUnknown(in.unknown, "gateway_id") {
		return "", false
	}
	vgws, _ := r.targets(in, in.references("gateway_id"), "aws_vpn_gateway")
	if len(vgws) == 0 {
		return "", false
	}
	if igws, _ := r.targets(in, in.references("gateway_id"), "aws_internet_gateway"); len(igws) > 0 || len(vgws) > 1 {
		r.fail(in, at+"gateway_id", "", ErrUnknownValue, "the references name more than one gateway (internet or virtual private) the route could go to")
		return "", true
	}
	return vgws[0].addr, true
}

// natByGatewayID reports whether a route's gateway_id s (of in, at the
// attribute path prefix at) names a NAT gateway, which AWS accepts there
// and routes to (the provider reads it back as nat_gateway_id): nat-…,
// or, known only after apply, references naming only aws_nat_gateway
// resources; nat is its model ID, "" with an error when the references
// name a NAT gateway and an internet gateway both (but for inline routes
// whose blocks share one references list, where an internet gateway's
// reference makes gateway_id that gateway's, as before).
func (r *reader) natByGatewayID(in *instance, at, s string) (nat string, ok bool) {
	if s != "" {
		if t := r.byID[s]; t != nil && t.typ == "aws_nat_gateway" {
			return t.id, true
		}
		return s, strings.HasPrefix(s, "nat-")
	}
	if !isUnknown(in.unknown, "gateway_id") {
		return "", false
	}
	nats, _ := r.targets(in, in.references("gateway_id"), "aws_nat_gateway")
	if len(nats) == 0 {
		return "", false
	}
	igws, _ := r.targets(in, in.references("gateway_id"), "aws_internet_gateway")
	if len(igws) > 0 && in.shared != nil {
		return "", false // inline routes sharing one references list: the NAT gateway is another block's nat_gateway_id
	}
	if len(igws) > 0 || len(nats) > 1 {
		r.fail(in, at+"gateway_id", "", ErrUnknownValue, "the references name more than one gateway (internet or NAT) the route could go to")
		return "", true
	}
	return r.placeholder(nats[0]), true
}

// routeTableOf returns the route table in's route_table_id names (an
// aws_route_table, aws_default_route_table or a VPC's main table); nil,
// with the error recorded, when the plan holds none.
func (r *reader) routeTableOf(in *instance) *reach.RouteTable {
	id, _ := r.linkOne(in, "route_table_id", "aws_route_table", "aws_default_route_table")
	rt := r.net.rts[id]
	if rt == nil {
		rt = r.mainTableOf(id)
	}
	if rt == nil {
		r.fail(in, "route_table_id", id, ErrInvalidPlan, "no route table of the plan")
	}
	return rt
}

// readRoute reads an aws_route into its route table. On an
// aws_default_route_table the plan adopts (adoption.go), one that exists
// already is removed by the adoption, and a new one that does not name
// the aws_default_route_table may be created before the adoption removes
// it: a route whose destination is known only after apply
// (reach.Route.Unknown), as the model holds no route that may or may not
// be there, so that the lookups it could change are indeterminate.
func (r *reader) readRoute(in *instance) {
	rt := r.routeTableOf(in)
	if rt == nil {
		return
	}
	owner := r.byAdr[rt.ID]
	if removedByAdoption(in, owner) { // adoption.go
		r.rep.Warnings = append(r.rep.Warnings, adoptionRemovesWarning(in, owner))
		return
	}
	if route, ok := r.route(in, "", "destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"); ok {
		if r.cbdSameRoute(in, rt, route) { // routemix.go
			return
		}
		if route, ok = r.standaloneRoute(in, owner, rt, route); !ok { // routemix.go
			return
		}
		if r.unorderedAdoption(in, owner, "route_table_id") {
			what := routeAdoptionWhat(in, owner)
			route.Unknown = what
			r.rep.Warnings = append(r.rep.Warnings, what+": the lookups in the table it could change are indeterminate")
		}
		if r.routeFrom == nil {
			r.routeFrom = map[string]map[int]*instance{}
		}
		if r.routeFrom[rt.ID] == nil {
			r.routeFrom[rt.ID] = map[int]*instance{}
		}
		r.routeFrom[rt.ID][len(rt.Routes)] = in // Build's errors name the table's route: explain names the aws_route
		rt.Routes = append(rt.Routes, route)
	}
}

// readPropagatingVGWs reads the propagating_vgws of a route table: the
// routes a virtual private gateway propagates into it are learned at run
// time (BGP, or the VPN's static routes), and no plan holds them (the
// provider leaves them out of route), so each gateway becomes a
// propagated route whose destination is unknown (reach.Route.Unknown):
// a lookup it could change is undecided. A list the provider computes
// without the configuration setting it (a new table's) propagates
// nothing but what aws_vpn_gateway_route_propagation adds.
func (r *reader) readPropagatingVGWs(in *instance, rt *reach.RouteTable) {
	if isUnknown(in.unknown, "propagating_vgws") {
		if in.configured("propagating_vgws") && in.cfg != nil {
			r.propagate(rt, in.addr+": propagating_vgws", r.vgwName(in, "propagating_vgws", ""))
		}
		return
	}
	ids, _, _ := strsOf(in, "propagating_vgws")
	for i, id := range ids {
		if isUnknown(in.unknown, "propagating_vgws", i) {
			id = r.vgwName(in, "propagating_vgws", "")
		}
		r.propagate(rt, fmt.Sprintf("%s: propagating_vgws[%d]", in.addr, i), id)
	}
}

// readVGWPropagation reads an aws_vpn_gateway_route_propagation: route
// propagation from a virtual private gateway into a route table (see
// readPropagatingVGWs).
func (r *reader) readVGWPropagation(in *instance) {
	rt := r.routeTableOf(in)
	if rt == nil {
		return
	}
	vgw, _ := in.values["vpn_gateway_id"].(string)
	r.propagate(rt, in.addr, r.vgwName(in, "vpn_gateway_id", vgw))
}

// vgwName names the virtual private gateway attr of in names: its ID
// when known, else the address of the aws_vpn_gateway its references
// name.
func (r *reader) vgwName(in *instance, attr, id string) string {
	if id != "" {
		return id
	}
	if ts, open := r.targets(in, in.references(attr), "aws_vpn_gateway"); len(ts) == 1 && !open {
		return ts[0].addr
	}
	return "a virtual private gateway known only after apply"
}

// propagate adds to rt the routes virtual private gateway vgw propagates
// into it, which the plan cannot hold: a propagated route of unknown
// destination named what.
func (r *reader) propagate(rt *reach.RouteTable, what, vgw string) {
	rt.Routes = append(rt.Routes, reach.Route{Unknown: what + " (the routes " + vgw + " propagates at run time)", Propagated: true,
		Target: reach.TargetUnmodelled, TargetID: vgw, TargetType: "virtual private gateway"})
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: route propagation from %s into %s: the routes it propagates are learned at run time and no plan holds them: the lookups in the table they could change are indeterminate", what, vgw, rt.ID))
}

// mainTableOf returns the main route table of the VPC whose
// main_route_table_id is id, made when the plan does not manage it; nil
// when id is no VPC's.
func (r *reader) mainTableOf(id string) *reach.RouteTable {
	for _, v := range r.net.vpcList {
		if v.knownRT == id || v.mainRT == id {
			return r.ensureMainTable(v)
		}
	}
	return nil
}

// ensureMainTable returns v's main route table, making it (local routes
// only, which Build adds) when the plan does not manage it.
func (r *reader) ensureMainTable(v *vpcRec) *reach.RouteTable {
	if rt := r.net.rts[v.mainRT]; rt != nil || v.managedRT {
		return rt
	}
	rt := &reach.RouteTable{ID: v.mainRT, VPC: v.spec.ID}
	r.net.rts[rt.ID] = rt
	r.net.rtList = append(r.net.rtList, rt.ID)
	return rt
}

// readRTAssociation reads an aws_route_table_association.
func (r *reader) readRTAssociation(in *instance) {
	rt, _ := r.linkOne(in, "route_table_id", "aws_route_table", "aws_default_route_table")
	if sub, ok := r.linkOne(in, "subnet_id", "aws_subnet"); ok {
		s := r.net.subnets[sub]
		if s == nil {
			r.fail(in, "subnet_id", sub, ErrInvalidPlan, "no subnet of the plan")
			return
		}
		s.RouteTable = rt
		return
	}
	if gw, ok := r.linkOne(in, "gateway_id", "aws_internet_gateway"); ok {
		t := r.net.rts[rt]
		if t == nil {
			r.fail(in, "route_table_id", rt, ErrInvalidPlan, "no route table of the plan")
			return
		}
		t.Gateways = append(t.Gateways, gw)
	}
}

// readMainAssociation reads an aws_main_route_table_association: its
// table is the VPC's main route table, and when the table is one of the
// plan's, the plan manages the main table (its routes are in the plan)
// even in a VPC that exists already.
func (r *reader) readMainAssociation(in *instance) {
	vpc, _ := r.linkOne(in, "vpc_id", "aws_vpc")
	rt, _ := r.linkOne(in, "route_table_id", "aws_route_table")
	if v := r.net.vpcs[vpc]; v != nil {
		v.mainRT = rt
		if r.net.rts[rt] != nil {
			v.managedRT = true
		}
		return
	}
	r.fail(in, "vpc_id", vpc, ErrInvalidPlan, "no VPC of the plan")
}

// vpcDefaults gives each VPC the plan creates its main route table
// (local routes only) and default network ACL (allow all), unless the
// plan manages them (aws_default_route_table, aws_default_network_acl).
func (r *reader) vpcDefaults() {
	for _, v := range r.net.vpcList {
		v.spec.MainRouteTable, v.spec.DefaultACL = v.mainRT, v.defaultACL
		if !v.created {
			// an existing VPC's main route table and default ACL are in
			// the plan only when it manages them (checkDefaults)
			if !v.managedRT {
				v.spec.MainRouteTable = ""
			}
			if !v.managedACL {
				v.spec.DefaultACL = ""
			}
			continue
		}
		r.ensureMainTable(v)
		r.ensureDefaultACL(v)
	}
}

// checkDefaults refuses a subnet that would use its existing VPC's main
// route table or default ACL when the plan does not manage them: their
// routes and entries are not in the plan.
func (r *reader) checkDefaults() {
	for _, id := range r.net.subList {
		s := r.net.subnets[id]
		v := r.net.vpcs[s.VPC]
		if v == nil {
			continue
		}
		if s.RouteTable == "" && v.spec.MainRouteTable == "" {
			r.fail(r.byAdr[id], "", id, ErrInvalidPlan, "the subnet uses the main route table of %s (%s), an existing VPC whose main route table the plan does not manage (aws_default_route_table): its routes are not in the plan", v.in.addr, v.knownRT)
		}
		if s.ACL == "" && v.spec.DefaultACL == "" {
			r.fail(r.byAdr[id], "", id, ErrInvalidPlan, "the subnet uses the default network ACL of %s (%s), an existing VPC whose default ACL the plan does not manage (aws_default_network_acl): its entries are not in the plan", v.in.addr, v.knownACL)
		}
	}
}

// finishNetwork gives the VPCs, subnets, gateways and route tables to the
// builder, with the default ACL and main route table of each VPC the plan
// creates.
func (r *reader) finishNetwork() {
	for _, v := range r.net.vpcList {
		r.b.AddVPC(v.spec)
	}
	for _, id := range r.net.subList {
		r.b.AddSubnet(*r.net.subnets[id])
	}
	for _, id := range r.net.igwList {
		r.b.AddInternetGateway(r.net.igws[id])
	}
	for _, id := range r.net.rtList {
		r.b.AddRouteTable(*r.net.rts[id])
	}
}

func hasIPv6(ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Addr().Is6() {
			return true
		}
	}
	return false
}

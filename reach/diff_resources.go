package reach

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// ResourceChange is a resource of the design that differs between the two
// models of a [Diff]. Its JSON form is part of [DiffResult]'s schema.
type ResourceChange struct {
	// Kind is the resource's kind: one of the Resource… constants
	// ("security-group", "network-acl", "route-table"…).
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Change is "added" (only in the model after), "removed" (only in
	// the model before) or "changed".
	Change string `json:"change"`
	// Details say what changed, one line each: "rule added: inbound
	// sgr-1 allows tcp/443 from 0.0.0.0/0", "entry removed: 100 allow
	// tcp 22 from 10.0.0.0/8", "route added: 198.51.100.0/24 via
	// igw-1", "route table: rtb-a -> rtb-b" (a transit gateway route
	// table's routes alike: "route added: 10.2.2.0/24 via blackhole"; a
	// firewall's stateful rules: "stateful rule group g: rule added: pass
	// tcp any any -> $HOME_NET 22 (sid:20;)"; its policy's settings:
	// "stateful default actions aws:drop_strict -> aws:drop_established",
	// "stateful rule order DEFAULT_ACTION_ORDER -> STRICT_ORDER"); for a
	// resource whose fields have no wording of their own, the field that
	// changed ("Endpoints changed").
	Details []string `json:"details,omitempty"`
}

// The kinds of resource a [ResourceChange] names.
const (
	ResourceSecurityGroup     = "security-group"
	ResourceNetworkACL        = "network-acl"
	ResourceRouteTable        = "route-table"
	ResourceSubnet            = "subnet"
	ResourceInterface         = "network-interface"
	ResourceVPC               = "vpc"
	ResourceInternetGateway   = "internet-gateway"
	ResourceNATGateway        = "nat-gateway"
	ResourcePrefixList        = "prefix-list"
	ResourceFirewall          = "network-firewall"
	ResourcePeering           = "peering-connection"
	ResourceTransitGateway    = "transit-gateway"
	ResourceTGWRouteTable     = "transit-gateway-route-table"
	ResourceTGWAttachment     = "transit-gateway-attachment"
	ResourceEgressOnlyGateway = "egress-only-internet-gateway"
	ResourceGatewayEndpoint   = "gateway-endpoint"
	ResourceBlockPublicAccess = "block-public-access"
	ResourceUnresolvedGroup   = "unresolved-group"
	ResourceUnknownPeer       = "unknown-peer"
	// ResourceUnresolvedPrefixList: a list declared with
	// [Builder.AddUnresolvedPrefixList]
	ResourceUnresolvedPrefixList = "unresolved-prefix-list"
	// ResourceUnmodelledAddress: an address declared with
	// [Builder.AddUnmodelledAddress], by its address
	ResourceUnmodelledAddress = "unmodelled-address"
	// ResourceUnmodelledBlock: a block declared with
	// [Builder.AddUnmodelledBlock], by its prefix
	ResourceUnmodelledBlock     = "unmodelled-block"
	resourceChanged             = "changed"
	resourceAdded               = "added"
	resourceRemoved             = "removed"
	resourceBlockPublicAccessID = "region"
)

// resourceChanges compares every resource of a and b, and returns those
// that differ, sorted by kind and ID.
func resourceChanges(a, b *Model) []ResourceChange {
	var out []ResourceChange
	out = append(out, compareMaps(ResourceSecurityGroup, a.groups, b.groups, groupDetails)...)
	out = append(out, compareMaps(ResourceNetworkACL, a.acls, b.acls, aclDetails)...)
	out = append(out, compareMaps(ResourceRouteTable, a.rts, b.rts, routeTableDetails)...)
	out = append(out, compareMaps(ResourceSubnet, a.subnets, b.subnets, subnetDetails)...)
	out = append(out, compareMaps(ResourceInterface, a.ifaces, b.ifaces, func(x, y *ifaceInfo) []string {
		return interfaceDetails(x.Interface, y.Interface)
	})...)
	out = append(out, compareSpecs(ResourceVPC, a.vpcs, b.vpcs, func(v *vpcInfo) VPC { return v.VPC })...)
	out = append(out, compareSpecs(ResourceInternetGateway, a.igws, b.igws, func(v *igwInfo) InternetGatewaySpec { return v.InternetGatewaySpec })...)
	out = append(out, compareSpecs(ResourceNATGateway, a.nats, b.nats, func(v *natInfo) NATGateway { return v.NATGateway })...)
	out = append(out, compareMaps(ResourcePrefixList, a.lists, b.lists, prefixListDetails)...)
	out = append(out, compareMaps(ResourceFirewall, a.firewalls, b.firewalls, func(x, y *firewallInfo) []string { return firewallDetails(x.Firewall, y.Firewall) })...)
	out = append(out, compareSpecs(ResourcePeering, a.peerings, b.peerings, func(v *peeringInfo) Peering { return v.Peering })...)
	out = append(out, compareSpecs(ResourceTransitGateway, a.tgws, b.tgws, func(v *tgwInfo) TransitGateway { return v.TransitGateway })...)
	out = append(out, compareMaps(ResourceTGWRouteTable, a.tgwRTs, b.tgwRTs, func(x, y *tgwRTInfo) []string { return tgwRouteTableDetails(x.TGWRouteTable, y.TGWRouteTable) })...)
	out = append(out, compareSpecs(ResourceTGWAttachment, a.tgwAtts, b.tgwAtts, func(v *tgwAttInfo) TGWAttachment { return v.TGWAttachment })...)
	out = append(out, compareSpecs(ResourceEgressOnlyGateway, a.eigws, b.eigws, func(v *eigwInfo) EgressOnlyInternetGateway { return v.EgressOnlyInternetGateway })...)
	out = append(out, compareSpecs(ResourceGatewayEndpoint, a.gwEndpoints, b.gwEndpoints, func(v *gwEndpointInfo) GatewayEndpoint { return v.GatewayEndpoint })...)
	out = append(out, compareMaps(ResourceUnresolvedGroup, a.unresolved, b.unresolved, func(x, y bool) []string { return nil })...)
	out = append(out, compareMaps(ResourceUnresolvedPrefixList, a.unresolvedLists, b.unresolvedLists, listFamilyDetails)...)
	out = append(out, compareSpecs(ResourceUnknownPeer, a.unknownPeers, b.unknownPeers, func(v UnknownPeer) UnknownPeer { return v })...)
	out = append(out, compareSpecs(ResourceUnmodelledAddress, unmodelledByID(a), unmodelledByID(b), func(u UnmodelledAddress) UnmodelledAddress { return u })...)
	out = append(out, compareSpecs(ResourceUnmodelledBlock, blocksByID(a), blocksByID(b), func(u UnmodelledBlock) UnmodelledBlock { return u })...)
	if !reflect.DeepEqual(a.bpa, b.bpa) {
		out = append(out, ResourceChange{Kind: ResourceBlockPublicAccess, ID: resourceBlockPublicAccessID, Change: resourceChanged,
			Details: []string{"VPC Block Public Access mode or exclusions changed"}})
	}
	slices.SortFunc(out, func(x, y ResourceChange) int { return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.ID, y.ID)) })
	return out
}

// listFamilyDetails says how the address family of an unresolved prefix
// list changed ("" is unknown: any family).
func listFamilyDetails(x, y string) []string {
	if x == y {
		return nil
	}
	return []string{"AddressFamily: " + cmp.Or(x, "unknown") + " -> " + cmp.Or(y, "unknown")}
}

// compareMaps compares the resources of one kind by ID: details says how
// two versions of one resource differ (nothing: they are the same).
func compareMaps[T any](kind string, a, b map[string]T, details func(x, y T) []string) []ResourceChange {
	var out []ResourceChange
	for _, id := range slices.Sorted(maps.Keys(a)) {
		y, ok := b[id]
		if !ok {
			out = append(out, ResourceChange{Kind: kind, ID: id, Change: resourceRemoved})
			continue
		}
		if d := details(a[id], y); len(d) > 0 {
			out = append(out, ResourceChange{Kind: kind, ID: id, Change: resourceChanged, Details: d})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(b)) {
		if _, ok := a[id]; !ok {
			out = append(out, ResourceChange{Kind: kind, ID: id, Change: resourceAdded})
		}
	}
	return out
}

// compareSpecs is compareMaps for resources compared field by field, as
// their specs (the structs given to the Builder).
func compareSpecs[I, S any](kind string, a, b map[string]I, spec func(I) S) []ResourceChange {
	return compareMaps(kind, a, b, func(x, y I) []string { return fieldDetails(spec(x), spec(y)) })
}

// fieldDetails names each exported field of two structs that differs:
// "Subnet: subnet-a -> subnet-b" for a field that prints on one line,
// "Policy changed" otherwise.
func fieldDetails[S any](x, y S) []string {
	vx, vy := reflect.ValueOf(x), reflect.ValueOf(y)
	if vx.Kind() != reflect.Struct {
		if reflect.DeepEqual(x, y) {
			return nil
		}
		return []string{"changed"}
	}
	var out []string
	for i := range vx.NumField() {
		f := vx.Type().Field(i)
		if !f.IsExported() || reflect.DeepEqual(vx.Field(i).Interface(), vy.Field(i).Interface()) {
			continue
		}
		switch f.Type.Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Uint8:
			out = append(out, fmt.Sprintf("%s: %v -> %v", f.Name, orNone(vx.Field(i).Interface()), orNone(vy.Field(i).Interface())))
		default:
			if s, ok := vx.Field(i).Interface().(fmt.Stringer); ok {
				out = append(out, fmt.Sprintf("%s: %s -> %s", f.Name, orNone(s.String()), orNone(vy.Field(i).Interface().(fmt.Stringer).String())))
				continue
			}
			out = append(out, f.Name+" changed")
		}
	}
	return out
}

// orNone writes an empty string as "none".
func orNone(v any) any {
	if s, ok := v.(string); ok && s == "" {
		return "none"
	}
	return v
}

// listDetails words the lines only in x as removed and those only in y
// as added (as multisets, in their order), each after its noun.
func listDetails(noun string, x, y []string) []string {
	count := map[string]int{}
	for _, s := range y {
		count[s]++
	}
	var removed []string
	for _, s := range x {
		if count[s] > 0 {
			count[s]--
			continue
		}
		removed = append(removed, noun+" removed: "+s)
	}
	count = map[string]int{}
	for _, s := range x {
		count[s]++
	}
	var added []string
	for _, s := range y {
		if count[s] > 0 {
			count[s]--
			continue
		}
		added = append(added, noun+" added: "+s)
	}
	return append(removed, added...)
}

// groupDetails says how two versions of a security group differ: its
// rules, one line each, then its other fields.
func groupDetails(x, y *sg.Group) []string {
	rules := func(g *sg.Group) []string {
		out := make([]string, len(g.Rules))
		for i, r := range g.Rules {
			out[i] = r.Direction.String() + " " + r.String()
		}
		return out
	}
	out := listDetails("rule", rules(x), rules(y))
	gx, gy := *x, *y
	gx.Rules, gy.Rules = nil, nil
	return append(out, fieldDetails(gx, gy)...)
}

// aclDetails says how two versions of a network ACL differ: its entries
// (its Subnets field, which Build ignores, left out), its entries known
// only later, its other fields.
func aclDetails(x, y *aclInfo) []string {
	entries := func(a nacl.ACL) []string {
		out := make([]string, len(a.Entries))
		for i, e := range a.Entries {
			out[i] = e.String()
		}
		return out
	}
	out := listDetails("entry", entries(x.acl), entries(y.acl))
	if !reflect.DeepEqual(x.unknown, y.unknown) {
		out = append(out, "entries known only later changed")
	}
	ax, ay := x.acl, y.acl
	ax.Entries, ay.Entries, ax.Subnets, ay.Subnets = nil, nil, nil, nil
	return append(out, fieldDetails(ax, ay)...)
}

// routeText words a route as a trace does: "10.0.0.0/16 via local",
// "pl-1 via vpce-1", "172.16.0.0/12 via vgw-1 (propagated)".
func routeText(r Route) string {
	dst := r.Destination.String()
	switch {
	case r.Unknown != "":
		dst = "(known only later: " + r.Unknown + ")"
	case r.PrefixList != "":
		dst = r.PrefixList
	}
	target := r.TargetID
	if r.Target == TargetLocal {
		target = "local"
	}
	if target == "" {
		target = r.Target.String()
	}
	if r.Propagated {
		return dst + " via " + target + " (propagated)"
	}
	return dst + " via " + target
}

// routeTableDetails says how two versions of a route table differ: its
// routes, its edge associations, its other fields.
func routeTableDetails(x, y *rtInfo) []string {
	routes := func(r *rtInfo) []string {
		out := make([]string, len(r.Routes))
		for i, rt := range r.Routes {
			out[i] = routeText(rt)
		}
		return out
	}
	out := listDetails("route", routes(x), routes(y))
	// routes that word alike but differ (a target's kind)
	if len(out) == 0 && !reflect.DeepEqual(x.Routes, y.Routes) {
		out = append(out, "routes changed")
	}
	if !slices.Equal(x.Gateways, y.Gateways) {
		out = append(out, fmt.Sprintf("edge associations: [%s] -> [%s]", strings.Join(x.Gateways, " "), strings.Join(y.Gateways, " ")))
	}
	rx, ry := x.RouteTable, y.RouteTable
	rx.Routes, ry.Routes, rx.Gateways, ry.Gateways = nil, nil, nil, nil
	return append(out, fieldDetails(rx, ry)...)
}

// subnetDetails says how two versions of a subnet differ, its effective
// route table and network ACL (the VPC's main table and default ACL
// when it names none) included.
func subnetDetails(x, y *subnetInfo) []string {
	var out []string
	if rx, ry := effectiveRT(x), effectiveRT(y); rx != ry {
		out = append(out, fmt.Sprintf("route table: %s -> %s", orNone(rx), orNone(ry)))
	}
	if ax, ay := effectiveACL(x), effectiveACL(y); ax != ay {
		out = append(out, fmt.Sprintf("network ACL: %s -> %s", orNone(ax), orNone(ay)))
	}
	sx, sy := x.Subnet, y.Subnet
	sx.RouteTable, sy.RouteTable, sx.ACL, sy.ACL = "", "", "", ""
	return append(out, fieldDetails(sx, sy)...)
}

func effectiveRT(s *subnetInfo) string {
	if s.rt == nil {
		return ""
	}
	return s.rt.ID
}

func effectiveACL(s *subnetInfo) string {
	if s.acl == nil {
		return ""
	}
	return s.acl.acl.ID
}

// interfaceDetails says how two versions of an interface differ: its
// groups one by one, its other fields.
func interfaceDetails(x, y Interface) []string {
	out := listDetails("group", x.Groups, y.Groups)
	x.Groups, y.Groups = nil, nil
	addrs := func(as []netip.Addr) string {
		s := make([]string, len(as))
		for i, a := range as {
			s[i] = a.String()
		}
		return "[" + strings.Join(s, " ") + "]"
	}
	if !slices.Equal(x.PrivateIPs, y.PrivateIPs) {
		out = append(out, fmt.Sprintf("private addresses: %s -> %s", addrs(x.PrivateIPs), addrs(y.PrivateIPs)))
	}
	x.PrivateIPs, y.PrivateIPs = nil, nil
	if x.PublicIP != y.PublicIP {
		out = append(out, fmt.Sprintf("public address: %s -> %s", orNone(addrText(x.PublicIP)), orNone(addrText(y.PublicIP))))
	}
	x.PublicIP, y.PublicIP = netip.Addr{}, netip.Addr{}
	if cx, cy := sourceDestText(x), sourceDestText(y); cx != cy {
		out = append(out, fmt.Sprintf("source/destination check: %s -> %s", cx, cy))
	}
	x.SourceDestCheckDisabled, y.SourceDestCheckDisabled = false, false
	x.SourceDestCheckUnknown, y.SourceDestCheckUnknown = "", ""
	return append(out, fieldDetails(x, y)...)
}

// sourceDestText words an interface's source/destination check: "on",
// "off", or "unknown (" the value known only later ")".
func sourceDestText(in Interface) string {
	switch {
	case in.SourceDestCheckUnknown != "":
		return "unknown (" + in.SourceDestCheckUnknown + ")"
	case in.SourceDestCheckDisabled:
		return "off"
	}
	return "on"
}

func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// prefixListDetails says how two versions of a prefix list's entries
// differ.
func prefixListDetails(x, y []netip.Prefix) []string {
	text := func(ps []netip.Prefix) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.String()
		}
		return out
	}
	return listDetails("entry", text(x), text(y))
}

// unmodelledByID returns m's unmodelled addresses by address.
func unmodelledByID(m *Model) map[string]UnmodelledAddress {
	out := map[string]UnmodelledAddress{}
	for a, u := range m.unmodelled {
		out[a.String()] = u.UnmodelledAddress
	}
	return out
}

// blocksByID returns m's unmodelled blocks by prefix: the blocks of one
// prefix as one, naming all their owners (mergeBlocks).
func blocksByID(m *Model) map[string]UnmodelledBlock {
	all := map[string][]UnmodelledBlock{}
	for _, u := range m.unmodelledBlocks {
		all[u.Prefix.String()] = append(all[u.Prefix.String()], u)
	}
	out := make(map[string]UnmodelledBlock, len(all))
	for id, us := range all {
		out[id] = mergeBlocks(us)
	}
	return out
}

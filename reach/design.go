package reach

import (
	"cmp"
	"maps"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// design returns a Builder holding the design m was built from, as the
// model keeps it: what Build would turn into a model that gives the same
// answers (the placeholders Build gave values known only later are left
// out again, so that it gives them anew). Resources come in the order the
// model keeps them: interfaces and VPCs as declared, the others by ID.
// The builder's slices are its own, but what they hold (rules, entries,
// routes, firewall policies) is shared with m, read-only: the caller
// copies what it changes (see [Model.patched]), and nothing outside the
// package sees the builder.
func (m *Model) design() *Builder {
	b := NewBuilder()
	for _, v := range m.vpcOrder {
		b.AddVPC(v.VPC)
	}
	for _, s := range sortedByID(m.subnets) {
		b.AddSubnet(s.Subnet)
	}
	for _, ii := range m.ifaceOrder {
		in := ii.Interface
		if in.AddressUnknown != "" && len(in.PrivateIPs) > 0 {
			in.PrivateIPs = in.PrivateIPs[1:] // the placeholder Build put first
		}
		if ii.unknown6 != nil {
			in.PrivateIPs = slices.DeleteFunc(slices.Clone(in.PrivateIPs), func(a netip.Addr) bool { return a == ii.unknown6.ph })
		}
		if in.PublicIPUnknown != "" {
			in.PublicIP = netip.Addr{}
		}
		b.AddInterface(in)
	}
	for _, id := range slices.Sorted(maps.Keys(m.groups)) {
		b.AddSecurityGroup(*m.groups[id])
	}
	for _, a := range sortedByID(m.acls) {
		b.AddNetworkACL(a.acl)
		b.AddUnknownACLEntry(a.unknown...)
	}
	for _, rt := range sortedByID(m.rts) {
		b.AddRouteTable(rt.RouteTable)
	}
	for _, g := range sortedByID(m.igws) {
		b.AddInternetGateway(g.InternetGatewaySpec)
	}
	for _, n := range sortedByID(m.nats) {
		spec := n.NATGateway
		spec.Secondary = slices.Clone(spec.Secondary)
		if spec.PrivateIPUnknown != "" {
			spec.PrivateIP = netip.Addr{}
		}
		if spec.PublicIPUnknown != "" {
			spec.PublicIP = netip.Addr{}
		}
		b.AddNATGateway(spec)
	}
	b.AddPrefixList(m.listSpecs...)
	for _, f := range sortedByID(m.firewalls) {
		b.AddFirewall(f.Firewall)
	}
	for _, pc := range sortedByID(m.peerings) {
		b.AddPeering(pc.Peering)
	}
	b.AddUnresolvedGroup(slices.Sorted(maps.Keys(m.unresolved))...)
	b.AddLeftOutGroup(m.LeftOutGroups()...)
	b.AddUnmodelledAddress(m.UnmodelledAddresses()...)
	b.AddUnmodelledBlock(m.UnmodelledBlocks()...)
	b.AddUnmodelledGroupUse(m.UnmodelledGroupUses()...)
	b.AddHostlessAddress(m.HostlessAddresses()...)
	b.AddUnresolvedPrefixList(slices.Sorted(maps.Keys(m.unresolvedLists))...)
	for _, id := range slices.Sorted(maps.Keys(m.unknownPeers)) {
		b.unknownPeers = append(b.unknownPeers, m.unknownPeers[id])
	}
	if m.bpa != nil {
		bpa := BlockPublicAccess{Mode: m.bpa.mode}
		for _, id := range slices.Sorted(maps.Keys(m.bpa.excluded)) {
			bpa.Exclusions = append(bpa.Exclusions, m.bpa.excluded[id])
		}
		b.SetBlockPublicAccess(bpa)
	}
	for _, g := range sortedByID(m.tgws) {
		b.AddTransitGateway(g.TransitGateway)
	}
	for _, t := range sortedByID(m.tgwRTs) {
		b.AddTGWRouteTable(t.TGWRouteTable)
	}
	for _, a := range sortedByID(m.tgwAtts) {
		b.AddTGWAttachment(a.TGWAttachment)
	}
	for _, g := range sortedByID(m.eigws) {
		b.AddEgressOnlyInternetGateway(g.EgressOnlyInternetGateway)
	}
	for _, e := range sortedByID(m.gwEndpoints) {
		b.AddGatewayEndpoint(e.GatewayEndpoint)
	}
	b.origins = maps.Clone(m.origins) // where the input holds each resource, as loaded
	b.ruleOrigins = maps.Clone(m.ruleOrigins)
	return b
}

// sortedByID returns the values of a map keyed by ID, sorted by key.
func sortedByID[V any](byID map[string]V) []V {
	keys := slices.SortedFunc(maps.Keys(byID), cmp.Compare[string])
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = byID[k]
	}
	return out
}

// patched builds the model of m's design with edit applied to a copy of
// it. edit gets copies of the groups, ACLs, route tables and interfaces
// (their rules, entries, routes and group lists its own to change).
func (m *Model) patched(edit func(d *designEdit)) (*Model, error) {
	b := m.design()
	d := &designEdit{b: b, changed: map[string]bool{}, acls: map[string]bool{}, touched: map[string]bool{}}
	edit(d)
	b.reuse = &reuseFrom{m: m, changed: d.changed, acls: d.acls, touched: d.touched}
	return b.Build()
}

// designEdit is the design being changed by [Model.patched]: each
// accessor copies what it hands out (rules, entries, routes, groups)
// first. changed holds the groups it changed (their rules, or the group
// itself), acls the network ACLs, touched every resource it handed out
// (its quota kind and ID: "route table rtb-1").
type designEdit struct {
	b                      *Builder
	changed, acls, touched map[string]bool
}

// reuseFrom is what a patched build takes from the model it patches: the
// compiled firewalls (a patch never changes one), and the compiled groups
// of every interface none of whose groups changed (a compiled group binds
// the members of the groups its rules reference, and a patch changes no
// membership but by attaching a new group, which no rule references).
type reuseFrom struct {
	m                      *Model
	changed, acls, touched map[string]bool
}

// acl returns the compiled network ACL id, when it is unchanged; nil
// otherwise.
func (r *reuseFrom) acl(id string) *nacl.Evaluator {
	if r == nil || r.acls[id] || r.m.acls[id] == nil {
		return nil
	}
	return r.m.acls[id].ev
}

// keeps reports whether group id is unchanged, so needs no check of its
// own (r nil: no reuse).
func (r *reuseFrom) keeps(id string) bool {
	return r != nil && !r.changed[id] && r.m.groups[id] != nil
}

// pair returns the compiled groups of interfaces whose groups are ids,
// when none changed; nil otherwise.
func (r *reuseFrom) pair(key string, ids []string) *sgPair {
	if r == nil || slices.ContainsFunc(ids, func(id string) bool { return !r.keeps(id) }) {
		return nil
	}
	return r.m.sgCache[key]
}

// firewall returns the firewall id of the model patched, compiled, with
// what its set questions keep (they depend on its policy alone); nil when
// there is none to reuse.
func (r *reuseFrom) firewall(id string) *firewallInfo {
	if r == nil {
		return nil
	}
	return r.m.firewalls[id]
}

// group returns the group id, nil when the design has none.
func (d *designEdit) group(id string) *sg.Group {
	i := slices.IndexFunc(d.b.groups, func(g sg.Group) bool { return g.ID == id })
	if i < 0 {
		return nil
	}
	d.changed[id], d.touched["security group "+id] = true, true
	g := &d.b.groups[i]
	g.Rules = slices.Clone(g.Rules)
	return g
}

// acl returns the network ACL id, nil when the design has none.
func (d *designEdit) acl(id string) *nacl.ACL {
	i := slices.IndexFunc(d.b.acls, func(a nacl.ACL) bool { return a.ID == id })
	if i < 0 {
		return nil
	}
	d.acls[id], d.touched["network ACL "+id] = true, true
	a := &d.b.acls[i]
	a.Entries = slices.Clone(a.Entries)
	return a
}

// routeTable returns the route table id, nil when the design has none.
func (d *designEdit) routeTable(id string) *RouteTable {
	i := slices.IndexFunc(d.b.rts, func(r RouteTable) bool { return r.ID == id })
	if i < 0 {
		return nil
	}
	d.touched["route table "+id] = true
	rt := &d.b.rts[i]
	rt.Routes = slices.Clone(rt.Routes)
	return rt
}

// iface returns the interface id, nil when the design has none.
func (d *designEdit) iface(id string) *Interface {
	i := slices.IndexFunc(d.b.ifaces, func(in Interface) bool { return in.ID == id })
	if i < 0 {
		return nil
	}
	d.touched["network interface "+id] = true
	in := &d.b.ifaces[i]
	in.Groups = slices.Clone(in.Groups)
	return in
}

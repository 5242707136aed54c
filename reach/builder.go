package reach

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/slowpath"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// ErrTopology is wrapped by every error [Builder.Build] reports.
var ErrTopology = errors.New("invalid topology")

// Builder collects a design — VPCs, subnets, interfaces, security groups,
// network ACLs, route tables, gateways, firewalls — and checks it whole in
// [Builder.Build]. Its Add methods only record and return the builder, so
// a design reads as one chain; every problem is reported by Build, all at
// once. The zero Builder is ready to use; a Builder is not safe for
// concurrent use, the [Model] it builds is.
type Builder struct {
	vpcs      []VPC
	subnets   []Subnet
	ifaces    []Interface
	groups    []sg.Group
	acls      []nacl.ACL
	rts       []RouteTable
	igws      []InternetGatewaySpec
	nats      []NATGateway
	lists     []PrefixList
	firewalls []Firewall
	peerings  []Peering      // see peering.go
	external  []string       // groups rules reference that the input does not hold
	leftOut   []LeftOutGroup // groups left out with their VPC (leftout_groups.go)
	extLists  []string       // prefix lists referenced whose entries the input does not hold
	// unknownPeers are rules' peers known only later (AddUnknownPeer)
	unknownPeers []UnknownPeer
	// unknownACLEntries are ACL entries with values known only later
	unknownACLEntries []UnknownACLEntry
	bpa               BlockPublicAccess
	tgws              []TransitGateway // see tgw.go
	tgwRTs            []TGWRouteTable
	tgwAtts           []TGWAttachment
	eigws             []EgressOnlyInternetGateway // egress.go
	gwEPs             []GatewayEndpoint           // gwendpoint.go
	origins           map[originKey]Origin        // origin.go
	ruleOrigins       map[string][]RuleOrigin     // origin.go: by group ID
	unmodelled        []UnmodelledAddress         // unmodelled.go
	unmodelledBlocks  []UnmodelledBlock           // unmodelled_block.go
	unmodelledUses    []UnmodelledGroupUse        // unmodelled.go
	hostless          []HostlessAddress           // hostless.go

	firsts map[string]map[string]int // during Build: kind -> ID -> index of its first use

	// reuse, when set, is the model this builder's design was taken from
	// (design.go): Build takes its compiled firewalls and security groups
	// where the design left them unchanged
	reuse *reuseFrom
	// once, during BuildOnce, lets the model take the builder's rules,
	// entries, routes and origins instead of copies
	once bool
	// freeDelegated, set by withFreeDelegated (prefixes_unknown.go),
	// takes delegated prefixes of any length: the free addresses of a
	// subnet, as the fewest blocks, stand for the /28s and /80s AWS may
	// delegate at launch
	freeDelegated bool
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder { return &Builder{} }

// AddVPC adds VPCs.
func (b *Builder) AddVPC(v ...VPC) *Builder { b.vpcs = append(b.vpcs, v...); return b }

// AddSubnet adds subnets.
func (b *Builder) AddSubnet(s ...Subnet) *Builder { b.subnets = append(b.subnets, s...); return b }

// AddInterface adds network interfaces.
func (b *Builder) AddInterface(i ...Interface) *Builder { b.ifaces = append(b.ifaces, i...); return b }

// AddSecurityGroup adds security groups. An AWS group's rule may
// reference a group as "account/sg-…" ([sg.SplitGroupRef]), the form the
// VPC Peering Guide writes for a group of another account: Build reads it
// as the group's ID alone, and refuses it where the design holds the
// group with another OwnerID.
func (b *Builder) AddSecurityGroup(g ...sg.Group) *Builder {
	b.groups = append(b.groups, g...)
	return b
}

// AddNetworkACL adds network ACLs. Their Subnets field is ignored: a
// subnet names its ACL (or uses its VPC's default).
func (b *Builder) AddNetworkACL(a ...nacl.ACL) *Builder { b.acls = append(b.acls, a...); return b }

// AddRouteTable adds route tables.
func (b *Builder) AddRouteTable(r ...RouteTable) *Builder { b.rts = append(b.rts, r...); return b }

// AddInternetGateway adds internet gateways.
func (b *Builder) AddInternetGateway(g ...InternetGatewaySpec) *Builder {
	b.igws = append(b.igws, g...)
	return b
}

// AddNATGateway adds NAT gateways.
func (b *Builder) AddNATGateway(n ...NATGateway) *Builder { b.nats = append(b.nats, n...); return b }

// AddPrefixList adds managed prefix lists.
func (b *Builder) AddPrefixList(p ...PrefixList) *Builder { b.lists = append(b.lists, p...); return b }

// AddFirewall adds Network Firewall firewalls with their endpoints.
func (b *Builder) AddFirewall(f ...Firewall) *Builder {
	b.firewalls = append(b.firewalls, f...)
	return b
}

// problems collects Build's errors.
type problems struct{ errs []error }

func (p *problems) add(resource, path, text string, format string, args ...any) {
	p.errs = append(p.errs, &flow.InputError{Path: path, Resource: resource, Text: text, Err: fmt.Errorf("%w: %s", ErrTopology, fmt.Sprintf(format, args...))})
}

func (p *problems) wrap(resource, path string, err error) {
	p.errs = append(p.errs, &flow.InputError{Path: path, Resource: resource, Err: fmt.Errorf("%w: %w", ErrTopology, err)})
}

func path(kind string, i int, field string) string {
	s := fmt.Sprintf("%s[%d]", kind, i)
	if field != "" {
		s += "." + field
	}
	return s
}

// skip reports whether item i of kind is not the first with its ID (or has
// none): Build reports those once and judges only the first.
func (b *Builder) skip(kind string, i int, id string) bool {
	j, ok := b.firsts[kind][id]
	return !ok || j != i
}

// unique checks that ids are non-empty and distinct and indexes them.
func unique[T any](p *problems, kind string, items []T, id func(T) string) map[string]int {
	idx := make(map[string]int, len(items))
	for i, it := range items {
		k := id(it)
		switch {
		case k == "":
			p.add("", path(kind, i, "ID"), "", "%s has no ID", strings.TrimSuffix(kind, "s"))
		case strings.ContainsAny(k, " \t\n"):
			p.add(k, path(kind, i, "ID"), k, "IDs have no spaces")
		default:
			if j, dup := idx[k]; dup {
				p.add(k, path(kind, i, "ID"), k, "ID already used by %s", path(kind, j, ""))
				continue
			}
			idx[k] = i
		}
	}
	return idx
}

// Build checks the design and returns the immutable [Model]. It reports
// every problem it finds, joined with errors.Join, each a *flow.InputError
// naming the resource and field and wrapping [ErrTopology]: unknown IDs,
// subnets outside their VPC or overlapping each other, addresses outside
// their subnet or used twice, public or Elastic IPs AWS never gives (a
// private one, say: [Interface.PublicIP]), routes to targets that do not exist, rules
// that reference unknown groups or prefix lists, and more.
func (b *Builder) Build() (*Model, error) {
	return b.build()
}

// BuildOnce is [Builder.Build] for a builder that is used once and then
// dropped, as a loader's is: the model takes the builder's security group
// rules, network ACL entries, routes and origins as they are instead of
// copying them, so the design is not held twice while the model is
// built, and the builder is empty afterwards (adding to it starts a new
// design). The caller must not change what it added (a rule slice, say)
// after BuildOnce: the model holds it. Build copies instead, so that a
// builder can be built again and what its caller keeps is never the
// model's.
func (b *Builder) BuildOnce() (*Model, error) {
	b.once = true
	m, err := b.build()
	*b = Builder{}
	return m, err
}

func (b *Builder) build() (*Model, error) {
	var p problems
	b.firsts = map[string]map[string]int{}
	defer func() { b.firsts = nil }()
	m := &Model{
		vpcs:      map[string]*vpcInfo{},
		subnets:   map[string]*subnetInfo{},
		ifaces:    map[string]*ifaceInfo{},
		names:     map[string]nameRef{},
		byPrivate: map[netip.Addr]*ifaceInfo{},
		byPublic:  map[netip.Addr]*ifaceInfo{},
		rts:       map[string]*rtInfo{},
		acls:      map[string]*aclInfo{},
		groups:    map[string]*sg.Group{},
		members:   map[string]map[netip.Addr]bool{},
		lists:     map[string][]netip.Prefix{},
		igws:      map[string]*igwInfo{},
		nats:      map[string]*natInfo{},
		natAddr:   map[netip.Addr]*natInfo{},
		owners:    map[netip.Addr]string{},
		endpoints: map[string]*endpointInfo{},
		sgCache:   map[string]*sgPair{},
		sets:      new(setsCache),
	}
	b.firsts["vpcs"] = unique(&p, "vpcs", b.vpcs, func(v VPC) string { return v.ID })
	b.firsts["subnets"] = unique(&p, "subnets", b.subnets, func(s Subnet) string { return s.ID })
	b.firsts["interfaces"] = unique(&p, "interfaces", b.ifaces, func(i Interface) string { return i.ID })
	b.firsts["groups"] = unique(&p, "groups", b.groups, func(g sg.Group) string { return g.ID })
	b.firsts["acls"] = unique(&p, "acls", b.acls, func(a nacl.ACL) string { return a.ID })
	b.firsts["routeTables"] = unique(&p, "routeTables", b.rts, func(r RouteTable) string { return r.ID })
	b.firsts["internetGateways"] = unique(&p, "internetGateways", b.igws, func(g InternetGatewaySpec) string { return g.ID })
	b.firsts["natGateways"] = unique(&p, "natGateways", b.nats, func(n NATGateway) string { return n.ID })
	b.firsts["prefixLists"] = unique(&p, "prefixLists", b.lists, func(l PrefixList) string { return l.ID })
	b.firsts["firewalls"] = unique(&p, "firewalls", b.firewalls, func(f Firewall) string { return f.ID })
	b.firsts["peerings"] = unique(&p, "peerings", b.peerings, func(c Peering) string { return c.ID })
	b.firsts["egressOnlyInternetGateways"] = unique(&p, "egressOnlyInternetGateways", b.eigws, func(g EgressOnlyInternetGateway) string { return g.ID })
	b.firsts["gatewayEndpoints"] = unique(&p, "gatewayEndpoints", b.gwEPs, func(e GatewayEndpoint) string { return e.ID })

	b.buildPlain(&p, m)
	b.buildUnresolved(&p, m)
	b.buildLeftOut(&p, m) // leftout_groups.go
	b.buildRouting(&p, m)
	b.buildSubnets(&p, m)
	b.buildTransitGateways(&p, m)
	b.buildInterfaces(&p, m)
	b.buildIPv6(&p, m) // ipv6.go
	b.buildGateways(&p, m)
	b.buildUnmodelled(&p, m) // unmodelled.go
	b.buildUnmodelledBlocks(&p, m)
	b.buildUnmodelledUses(&p, m)
	b.buildHostless(&p, m)      // hostless.go
	b.buildLeftOutNames(&p, m)  // leftout_names.go
	checkDelegatedOwners(&p, m) // delegated.go
	b.buildFirewalls(&p, m)
	b.buildPeerings(&p, m)
	b.buildBPA(&p, m)
	b.buildEgressOnly(&p, m)        // egress.go
	b.buildGatewayEndpoints(&p, m)  // gwendpoint.go
	b.buildUnknownACLEntries(&p, m) // unknown_acl.go
	placeUnknown(&p, m)             // unknown.go
	placeNATs(&p, m, placePublic(&p, m))
	markGroupsUnknown(&p, m) // unknown.go
	b.checkRoutes(&p, m)
	b.checkGroupRefs(&p, m) // alibaba.go
	b.compileGroups(&p, m)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	markWaysBack(m)      // private_entry.go
	markEntriesWithin(m) // private_entry.go
	m.findExitForks()    // tgw_exit_fork.go
	m.findEgressForks()  // appliance_egress_fork.go
	m.quotaWarnings = b.checkQuotas(m)
	m.origins, m.ruleOrigins = b.origins, b.ruleOrigins
	if !b.once {
		m.origins, m.ruleOrigins = cloneOrigins(b.origins), cloneRuleOrigins(b.ruleOrigins)
	}
	return m, nil
}

// buildPlain copies the resources that need no other: prefix lists, VPCs,
// network ACLs (compiled) and security groups (checked later, in
// compileGroups).
func (b *Builder) buildPlain(p *problems, m *Model) {
	for i, l := range b.lists {
		if b.skip("prefixLists", i, l.ID) {
			continue
		}
		for j, e := range l.Entries {
			if !e.IsValid() || e.Addr().Is4In6() {
				p.add(l.ID, path("prefixLists", i, fmt.Sprintf("Entries[%d]", j)), e.String(), "not a CIDR block")
			}
		}
		switch l.AddressFamily {
		case "", sg.FamilyIPv4, sg.FamilyIPv6:
			for j, e := range l.Entries {
				if e.IsValid() && !e.Addr().Is4In6() && !familyMayHold(l.AddressFamily, e.Addr()) {
					p.add(l.ID, path("prefixLists", i, fmt.Sprintf("Entries[%d]", j)), e.String(), "not a block of the list's address family, %s", l.AddressFamily)
				}
			}
		default:
			p.add(l.ID, path("prefixLists", i, "AddressFamily"), l.AddressFamily, "an address family is IPv4 or IPv6 (or empty: unknown)")
		}
		if l.EntriesUnknown { // unresolved, as declared with AddUnresolvedPrefixList (buildUnresolved)
			if len(l.Entries) > 0 {
				p.add(l.ID, path("prefixLists", i, "Entries"), l.ID, "a list whose entries are unknown has none listed")
			}
			m.listSpecs = append(m.listSpecs, PrefixList{ID: l.ID, Name: l.Name, MaxEntries: l.MaxEntries, AWSManaged: l.AWSManaged, EntriesUnknown: true, AddressFamily: l.AddressFamily})
			continue
		}
		m.lists[l.ID] = maskAll(l.Entries)
		m.listSpecs = append(m.listSpecs, PrefixList{ID: l.ID, Name: l.Name, MaxEntries: l.MaxEntries, AWSManaged: l.AWSManaged, Entries: m.lists[l.ID], AddressFamily: l.AddressFamily})
	}
	for i, v := range b.vpcs {
		if b.skip("vpcs", i, v.ID) {
			continue
		}
		vi := &vpcInfo{VPC: v}
		vi.CIDRs = slices.Clone(v.CIDRs)
		for j, c := range v.CIDRs {
			if !c.IsValid() || c.Addr().Is4In6() {
				p.add(v.ID, path("vpcs", i, fmt.Sprintf("CIDRs[%d]", j)), c.String(), "not a CIDR block")
				continue
			}
			vi.CIDRs[j] = c.Masked()
		}
		if len(v.CIDRs) == 0 {
			p.add(v.ID, path("vpcs", i, "CIDRs"), "", "a VPC needs at least one CIDR block")
		}
		vi.dns = amazonDNSAddr(vi.CIDRs)
		m.vpcs[v.ID] = vi
		m.vpcOrder = append(m.vpcOrder, vi)
	}
	for i, a := range b.acls {
		if b.skip("acls", i, a.ID) {
			continue
		}
		if _, ok := m.vpcs[a.VPCID]; !ok {
			p.add(a.ID, path("acls", i, "VPCID"), a.VPCID, "unknown VPC")
		}
		ev, err := b.reuse.acl(a.ID), error(nil)
		if ev == nil {
			ev, err = nacl.Compile(a)
		}
		if err != nil {
			p.wrap(a.ID, path("acls", i, ""), err) // still known to its subnets
		}
		if !b.once {
			a.Entries, a.Subnets = slices.Clone(a.Entries), slices.Clone(a.Subnets) // the model owns its data
		}
		m.acls[a.ID] = &aclInfo{acl: a, ev: ev}
	}
	for i, g := range b.groups {
		if b.skip("groups", i, g.ID) {
			continue
		}
		g := g
		if b.reuse == nil && !b.once {
			g.Rules = slices.Clone(g.Rules) // a patched design's are the model's own already
		}
		m.groups[g.ID] = &g
		m.members[g.ID] = map[netip.Addr]bool{}
		if g.VPCID != "" {
			if _, ok := m.vpcs[g.VPCID]; !ok {
				p.add(g.ID, path("groups", i, "VPCID"), g.VPCID, "unknown VPC")
			}
		}
	}
	b.groupRefAccounts(p, m) // builder_groups.go
}

func maskAll(ps []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(ps))
	for _, q := range ps {
		if q.IsValid() {
			out = append(out, q.Masked())
		}
	}
	return out
}

func (b *Builder) buildRouting(p *problems, m *Model) {
	for i, rt := range b.rts {
		if b.skip("routeTables", i, rt.ID) {
			continue
		}
		vi, ok := m.vpcs[rt.VPC]
		if !ok {
			p.add(rt.ID, path("routeTables", i, "VPC"), rt.VPC, "unknown VPC")
			continue
		}
		ri := &rtInfo{RouteTable: rt, vpc: vi}
		if !b.once {
			ri.Routes, ri.Gateways, ri.GatewaysMaybe = slices.Clone(rt.Routes), slices.Clone(rt.Gateways), slices.Clone(rt.GatewaysMaybe) // the model owns its data
		}
		seen := map[string]int{} // a destination (CIDR or list), and "propagated " + a CIDR
		hasLocal := map[netip.Prefix]bool{}
		for j, r := range rt.Routes {
			rp := path("routeTables", i, fmt.Sprintf("Routes[%d]", j))
			cr := compiledRoute{Route: r, index: j}
			switch {
			case r.Unknown != "":
				ri.unknown = append(ri.unknown, r) // unknown_acl.go
				m.unknownRoutes++
				continue
			case r.PrefixList != "" && r.Destination.IsValid():
				p.add(rt.ID, rp, r.PrefixList, "a route has a CIDR or a prefix list, not both")
				continue
			case r.Propagated && r.PrefixList != "":
				p.add(rt.ID, rp+".PrefixList", r.PrefixList, "a propagated route has a CIDR destination: AWS propagates no prefix list")
				continue
			case r.Propagated && r.Target == TargetLocal:
				p.add(rt.ID, rp+".Propagated", "true", "a local route is not propagated")
				continue
			case r.PrefixList != "" && m.isUnresolvedList(r.PrefixList):
				ri.unknown = append(ri.unknown, r) // its entries are unknown: unknown_acl.go
				ri.listFamily = m.unresolvedLists
				m.unknownRoutes++
				continue
			case r.PrefixList != "":
				ps, ok := m.lists[r.PrefixList]
				if !ok {
					p.add(rt.ID, rp+".PrefixList", r.PrefixList, "unknown prefix list")
					continue
				}
				cr.prefixes = ps
			case !r.Destination.IsValid() || r.Destination.Addr().Is4In6():
				p.add(rt.ID, rp+".Destination", r.Destination.String(), "not a CIDR block")
				continue
			default:
				cr.Destination = r.Destination.Masked()
				cr.prefixes = []netip.Prefix{cr.Destination}
			}
			dest := cr.PrefixList
			if dest == "" {
				dest = cr.Destination.String()
			}
			key := dest
			if cr.Propagated { // it may share its CIDR with a static route, which wins (compiled.go)
				key = "propagated " + dest
			}
			if k, dup := seen[key]; dup {
				p.add(rt.ID, rp, dest, "destination already routed by Routes[%d]", k)
				continue
			}
			seen[key] = j
			if r.Target == TargetLocal {
				cr.TargetID = "local"
				hasLocal[cr.Destination] = true
			}
			ri.routes = append(ri.routes, cr)
		}
		for _, c := range vi.CIDRs {
			if !hasLocal[c] {
				ri.routes = append(ri.routes, compiledRoute{Route: Route{Destination: c, Target: TargetLocal, TargetID: "local"}, prefixes: []netip.Prefix{c}, implicit: true})
			}
		}
		markUnderLocal(ri.routes, vi.CIDRs)
		for j := range ri.routes {
			cr := &ri.routes[j]
			if cr.PrefixList == "" {
				cr.rule = cr.Destination.String() + " via " + routeTarget(cr)
				if cr.Propagated {
					cr.rule += " (propagated)"
				}
				continue
			}
			cr.entryRules = make(map[netip.Prefix]string, len(cr.prefixes))
			for _, p := range cr.prefixes {
				cr.entryRules[p] = routeDest(cr, p) + " via " + routeTarget(cr)
			}
		}
		ri.findTies()
		if !slowpath.On() {
			ri.indexRoutes()
		}
		m.rts[rt.ID] = ri
	}
	for i, v := range b.vpcs {
		if b.skip("vpcs", i, v.ID) {
			continue
		}
		vi := m.vpcs[v.ID]
		if v.MainRouteTable != "" {
			rt, ok := m.rts[v.MainRouteTable]
			switch {
			case !ok:
				p.add(v.ID, path("vpcs", i, "MainRouteTable"), v.MainRouteTable, "unknown route table")
			case rt.VPC != v.ID:
				p.add(v.ID, path("vpcs", i, "MainRouteTable"), v.MainRouteTable, "route table belongs to %s", rt.VPC)
			default:
				vi.mainRT = rt
			}
		}
		if v.DefaultACL != "" {
			a, ok := m.acls[v.DefaultACL]
			switch {
			case !ok:
				p.add(v.ID, path("vpcs", i, "DefaultACL"), v.DefaultACL, "unknown network ACL")
			case a.acl.VPCID != v.ID:
				p.add(v.ID, path("vpcs", i, "DefaultACL"), v.DefaultACL, "network ACL belongs to %s", a.acl.VPCID)
			default:
				vi.defaultACL = a
			}
		}
	}
}

func (b *Builder) buildSubnets(p *problems, m *Model) {
	for i, s := range b.subnets {
		if b.skip("subnets", i, s.ID) {
			continue
		}
		vi, ok := m.vpcs[s.VPC]
		if !ok {
			p.add(s.ID, path("subnets", i, "VPC"), s.VPC, "unknown VPC")
			continue
		}
		si := &subnetInfo{Subnet: s, vpc: vi}
		si.CIDRs = nil
		var n4, n6 int
		for j, c := range s.CIDRs {
			cp := path("subnets", i, fmt.Sprintf("CIDRs[%d]", j))
			if !c.IsValid() || c.Addr().Is4In6() {
				p.add(s.ID, cp, c.String(), "not a CIDR block")
				continue
			}
			c = c.Masked()
			if c.Addr().Is4() {
				n4++
			} else {
				n6++
			}
			inside := false
			for _, vc := range vi.CIDRs {
				if vc.Bits() <= c.Bits() && vc.Contains(c.Addr()) {
					inside = true
				}
			}
			if !inside {
				p.add(s.ID, cp, c.String(), "outside every CIDR block of %s (%s)", vi.ID, prefixList(vi.CIDRs))
			}
			for _, other := range vi.subnets {
				for _, oc := range other.CIDRs {
					if oc.Overlaps(c) {
						p.add(s.ID, cp, c.String(), "overlaps subnet %s (%s)", other.ID, oc)
					}
				}
			}
			si.CIDRs = append(si.CIDRs, c)
		}
		if n4 > 1 || n6 > 1 || n4+n6 == 0 {
			p.add(s.ID, path("subnets", i, "CIDRs"), prefixList(s.CIDRs), "a subnet has one IPv4 block and at most one IPv6 block (or one IPv6 block alone)")
		}
		switch {
		case s.RouteTable != "":
			rt, ok := m.rts[s.RouteTable]
			if !ok {
				p.add(s.ID, path("subnets", i, "RouteTable"), s.RouteTable, "unknown route table")
			} else if rt.VPC != s.VPC {
				p.add(s.ID, path("subnets", i, "RouteTable"), s.RouteTable, "route table belongs to %s", rt.VPC)
			}
			si.rt = rt
		case vi.mainRT != nil:
			si.rt = vi.mainRT
		default:
			p.add(s.ID, path("subnets", i, "RouteTable"), "", "no route table, and %s has no main route table", vi.ID)
		}
		for j, id := range s.RouteTablesMaybe {
			rt, ok := m.rts[id]
			switch {
			case !ok:
				p.add(s.ID, path("subnets", i, fmt.Sprintf("RouteTablesMaybe[%d]", j)), id, "unknown route table")
			case rt.VPC != s.VPC:
				p.add(s.ID, path("subnets", i, fmt.Sprintf("RouteTablesMaybe[%d]", j)), id, "route table belongs to %s", rt.VPC)
			case rt != si.rt && !slices.Contains(si.maybe, rt):
				si.maybe = append(si.maybe, rt)
			}
		}
		switch {
		case s.ACL != "":
			a, ok := m.acls[s.ACL]
			if !ok {
				p.add(s.ID, path("subnets", i, "ACL"), s.ACL, "unknown network ACL")
			} else if a.acl.VPCID != s.VPC {
				p.add(s.ID, path("subnets", i, "ACL"), s.ACL, "network ACL belongs to %s", a.acl.VPCID)
			}
			si.acl = a
		case vi.defaultACL != nil:
			si.acl = vi.defaultACL
		default:
			p.add(s.ID, path("subnets", i, "ACL"), "", "no network ACL, and %s has no default network ACL", vi.ID)
		}
		m.subnets[s.ID] = si
		vi.subnets = append(vi.subnets, si)
	}
}

func prefixList(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, q := range ps {
		parts[i] = q.String()
	}
	return strings.Join(parts, ", ")
}

func (b *Builder) buildInterfaces(p *problems, m *Model) {
	firstOf := map[string]int{}      // each instance's first interface
	var aliVPC map[string]*ifaceInfo // the first member of each Alibaba Cloud group without VPCID (checkAlibabaGroupVPC)
	for i, in := range b.ifaces {
		if b.skip("interfaces", i, in.ID) {
			continue
		}
		if in.Instance != "" {
			if j, ok := firstOf[in.Instance]; ok {
				instanceAgrees(p, b.ifaces[j], in, i)
			} else {
				firstOf[in.Instance] = i
			}
		}
		si, ok := m.subnets[in.Subnet]
		if !ok {
			p.add(in.ID, path("interfaces", i, "Subnet"), in.Subnet, "unknown subnet")
			continue
		}
		ii := &ifaceInfo{Interface: in, subnet: si, index: i}
		ii.PrivateIPs = slices.Clone(in.PrivateIPs)
		ii.Groups = slices.Clone(in.Groups)
		ii.name, ii.groupList = ii.label(), strings.Join(ii.Groups, ",")
		alibaba := alibabaGroups(in.Groups, m.groups) // quota.go: an ECS interface, whose vSwitch reserves other addresses (builder_addrs.go)
		if in.GroupsUnknown != "" {
			ii.groupList = strings.Join(append(slices.Clone(ii.Groups), "(groups known only later)"), ",")
		}
		if in.PublicIPUnknown != "" {
			m.unknownPublic = append(m.unknownPublic, ii) // placed by placeUnknown too
			if in.PublicIP.IsValid() {
				p.add(in.ID, path("interfaces", i, "PublicIPUnknown"), in.PublicIPUnknown, "the public IPv4 address is unknown, yet PublicIP is set")
			}
		}
		for _, o := range [...]struct {
			field string
			v     Option
		}{{"MetadataEndpoint", in.MetadataEndpoint}, {"MetadataIPv6", in.MetadataIPv6}} {
			if o.v > OptionDisabled {
				p.add(in.ID, path("interfaces", i, o.field), o.v.String(), "not an Option (OptionUnset, OptionEnabled or OptionDisabled)")
			}
		}
		if in.InterfaceEndpoint != "" && in.Instance != "" {
			p.add(in.ID, path("interfaces", i, "InterfaceEndpoint"), in.InterfaceEndpoint, "an interface endpoint's network interface is attached to no instance, yet Instance is %s", in.Instance)
		}
		if in.SourceDestCheckUnknown != "" && in.SourceDestCheckDisabled {
			p.add(in.ID, path("interfaces", i, "SourceDestCheckUnknown"), in.SourceDestCheckUnknown, "the source/destination check is unknown, yet SourceDestCheckDisabled is set")
		}
		if in.AddressUnknown != "" || in.IPv6Unknown != "" {
			m.unknownIfaces = append(m.unknownIfaces, ii) // placed by placeUnknown, once every known address is claimed
		}
		if in.IPv4PrefixesUnknown != "" || in.IPv6PrefixesUnknown != "" {
			m.prefixesUnknown = append(m.prefixesUnknown, ii) // delegated.go
		}
		if in.IPv4PrefixesUnknown != "" || in.IPv6PrefixesUnknown != "" || in.AddressUnknown != "" || in.IPv6Unknown != "" {
			if m.prefixesUnknownBy == nil {
				m.prefixesUnknownBy = map[string][]*ifaceInfo{}
			}
			for _, g := range ii.Groups {
				m.prefixesUnknownBy[g] = append(m.prefixesUnknownBy[g], ii) // prefixes_unknown.go
			}
		}
		if in.IPv6Unknown != "" && slices.ContainsFunc(in.PrivateIPs, netip.Addr.Is6) {
			p.add(in.ID, path("interfaces", i, "IPv6Unknown"), in.IPv6Unknown, "the IPv6 address is unknown, yet PrivateIPs holds one")
		}
		switch {
		case in.AddressUnknown != "":
			if slices.ContainsFunc(in.PrivateIPs, netip.Addr.Is4) {
				p.add(in.ID, path("interfaces", i, "AddressUnknown"), in.AddressUnknown, "the primary IPv4 address is unknown, yet PrivateIPs holds one")
			}
		case len(in.PrivateIPs) == 0:
			p.add(in.ID, path("interfaces", i, "PrivateIPs"), "", "an interface needs a private address")
		}
		for j, a := range in.PrivateIPs {
			ap := path("interfaces", i, fmt.Sprintf("PrivateIPs[%d]", j))
			if !a.IsValid() || a.Is4In6() || a.Zone() != "" {
				p.add(in.ID, ap, a.String(), "not a plain IPv4 or IPv6 address")
				continue
			}
			if !si.contains(a) {
				p.add(in.ID, ap, a.String(), "outside subnet %s (%s)", si.ID, prefixList(si.CIDRs))
				continue
			}
			if alibaba && alibabaReservedAddr(p, si, in.ID, ap, a) || !alibaba && reservedAddr(p, si, in.ID, ap, a) {
				continue
			}
			if claimAddr(p, m, in.ID, ap, a) {
				m.byPrivate[a] = ii
			}
		}
		buildPublicIPs(p, m, i, in, ii)
		if len(in.Groups) == 0 && in.GroupsUnknown == "" {
			p.add(in.ID, path("interfaces", i, "Groups"), "", "an interface needs at least one security group")
		}
		if in.GroupsUnknown != "" {
			m.groupsUnknownN++
		}
		for j, g := range in.Groups {
			gr, ok := m.groups[g]
			if !ok {
				p.add(in.ID, path("interfaces", i, fmt.Sprintf("Groups[%d]", j)), g, "unknown security group") // declared unresolved or not
				continue
			}
			if gr.Flavour.IsAlibaba() {
				b.checkAlibabaGroupVPC(p, m, gr, ii, j, &aliVPC) // alibaba.go
			}
			for _, a := range in.PrivateIPs {
				m.members[g][a] = true
			}
		}
		m.ifaces[in.ID] = ii
		m.ifaceOrder = append(m.ifaceOrder, ii)
	}
	m.indexNames()
	m.linkSiblings() // appliance_egress.go
}

// indexNames fills m.names from the interfaces: an ID names its
// interface before an instance ID names its interfaces, and an instance
// ID before a Name tag, whatever the order of the interfaces.
func (m *Model) indexNames() {
	for _, kind := range []nameKind{nameTag, nameInstance} {
		for _, ii := range m.ifaceOrder {
			key := ii.Name
			if kind == nameInstance {
				key = ii.Instance
			}
			if key == "" {
				continue
			}
			r := m.names[key]
			if r.kind != kind {
				r = nameRef{kind: kind}
			}
			r.ifaces = append(r.ifaces, ii)
			m.names[key] = r
		}
	}
	for i, ii := range m.ifaceOrder {
		m.names[ii.ID] = nameRef{kind: nameID, ifaces: m.ifaceOrder[i : i+1 : i+1]} // no list of its own
	}
}

func (b *Builder) buildGateways(p *problems, m *Model) {
	for i, g := range b.igws {
		if b.skip("internetGateways", i, g.ID) {
			continue
		}
		vi, ok := m.vpcs[g.VPC]
		if !ok {
			p.add(g.ID, path("internetGateways", i, "VPC"), g.VPC, "unknown VPC")
			continue
		}
		if vi.igw != nil {
			p.add(g.ID, path("internetGateways", i, "VPC"), g.VPC, "%s already has internet gateway %s", g.VPC, vi.igw.ID)
			continue
		}
		gi := &igwInfo{InternetGatewaySpec: g, vpc: vi}
		vi.igw = gi
		m.igws[g.ID] = gi
	}
	for i, n := range b.nats {
		if b.skip("natGateways", i, n.ID) {
			continue
		}
		si, ok := m.subnets[n.Subnet]
		if !ok {
			p.add(n.ID, path("natGateways", i, "Subnet"), n.Subnet, "unknown subnet")
			continue
		}
		ni := &natInfo{NATGateway: n, subnet: si, portWords: natPortWordsOf(n.ID)}
		if n.Private && n.PublicIP.IsValid() {
			p.add(n.ID, path("natGateways", i, "PublicIP"), n.PublicIP.String(), "a private NAT gateway has no public address")
		}
		if n.PrivateIPUnknown != "" || n.PublicIPUnknown != "" {
			m.unknownNATs = append(m.unknownNATs, ni) // placed by placeUnknown
		}
		switch {
		case n.PrivateIPUnknown != "" && n.PrivateIP.IsValid():
			p.add(n.ID, path("natGateways", i, "PrivateIPUnknown"), n.PrivateIPUnknown, "the private address is unknown, yet PrivateIP is set")
		case n.PrivateIPUnknown != "":
		case !n.PrivateIP.Is4() || !si.contains(n.PrivateIP):
			p.add(n.ID, path("natGateways", i, "PrivateIP"), n.PrivateIP.String(), "a NAT gateway needs a private IPv4 address inside subnet %s", si.ID)
		case reservedAddr(p, si, n.ID, path("natGateways", i, "PrivateIP"), n.PrivateIP):
		case claimAddr(p, m, n.ID, path("natGateways", i, "PrivateIP"), n.PrivateIP):
			m.natAddr[n.PrivateIP] = ni
		}
		if n.PublicIPUnknown != "" && (n.PublicIP.IsValid() || n.Private) {
			p.add(n.ID, path("natGateways", i, "PublicIPUnknown"), n.PublicIPUnknown, "the public address is unknown, yet PublicIP is set or the gateway is private")
		}
		if n.PublicIP.IsValid() {
			if !n.PublicIP.Is4() {
				p.add(n.ID, path("natGateways", i, "PublicIP"), n.PublicIP.String(), "not an IPv4 address")
			} else if (n.Private || !notPublic4(p, n.ID, path("natGateways", i, "PublicIP"), n.PublicIP)) && claimAddr(p, m, n.ID, path("natGateways", i, "PublicIP"), n.PublicIP) {
				m.natAddr[n.PublicIP] = ni
			}
		}
		buildNATSecondary(p, m, i, ni) // natsecondary.go
		m.nats[n.ID] = ni
	}
}

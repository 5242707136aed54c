package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"sync"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// Model is a built, checked design: immutable and safe for concurrent
// queries. Build it with a [Builder] (or load it from AWS JSON).
//
// Nothing a Model hands out aliases it: the slices [Model.PrefixList],
// [Model.IPSet] and [Model.GroupMembers] return and the [Result] of every
// check are the caller's own, and [Builder.Build] copies what it keeps of
// the builder's input, so changing any of them afterwards changes no later
// answer (TestModelOwnsItsData proves it, under -race with concurrent
// checks).
type Model struct {
	// unknownIfaces are the interfaces whose address is known only later
	// (unknown.go)
	unknownIfaces   []*ifaceInfo
	prefixesUnknown []*ifaceInfo // interfaces with prefixes known only later (Interface.IPv4PrefixesUnknown, IPv6PrefixesUnknown)
	// prefixesUnknownBy lists them by group, with the interfaces whose
	// address is known only later (Interface.AddressUnknown,
	// IPv6Unknown): members of the group whose prefixes or address may
	// be free addresses of their subnets (prefixes_unknown.go)
	prefixesUnknownBy map[string][]*ifaceInfo
	// unknownPublic are the interfaces whose public IPv4 address is known
	// only later, and publicCuts the design's edges inside the public
	// address space, computed at first use (unknown.go)
	unknownPublic []*ifaceInfo
	publicCuts    *addrUnknown
	// unknownNATs are the NAT gateways with an address known only later
	unknownNATs []*natInfo
	// multiNATs are the NAT gateways with secondary addresses
	// (natsecondary.go)
	multiNATs []*natInfo
	// unmodelled are the addresses held by what the design does not
	// model (Builder.AddUnmodelledAddress; unmodelled.go), nil when none
	unmodelled map[netip.Addr]*unmodelledInfo
	// hostless are the addresses of resources that deliver to no host
	// (Builder.AddHostlessAddress; hostless.go), nil when none
	hostless map[netip.Addr]HostlessAddress
	// leftOutNames are the names of the network interfaces left out of
	// the model that the unmodelled and hostless addresses declare
	// (LeftOutNames; leftout_names.go), nil when none
	leftOutNames map[string]leftOutRef
	// unmodelledBlocks are the blocks held by what the design does not
	// model (Builder.AddUnmodelledBlock; unmodelled_block.go)
	unmodelledBlocks []UnmodelledBlock
	// blocksShared says that blocks of different owners overlap: an
	// address may then be held by several (unmodelledBlockAt)
	blocksShared bool
	// outsideUses are the security group uses of what the design does
	// not model (Builder.AddUnmodelledGroupUse), sorted by owner;
	// usedOutside names, for each group they hold, those users
	// ("eni-alb1 (network interface of a load balancer)")
	outsideUses []UnmodelledGroupUse
	usedOutside map[string][]string
	// unknownACLs and unknownRoutes count the ACL entries and routes with
	// values known only later
	unknownACLs, unknownRoutes int
	vpcs                       map[string]*vpcInfo
	vpcOrder                   []*vpcInfo
	subnets                    map[string]*subnetInfo
	ifaces                     map[string]*ifaceInfo
	ifaceOrder                 []*ifaceInfo
	// names finds, with one lookup, what a query's word names: an
	// interface ID, else an instance ID, else a Name tag (see resolve)
	names      map[string]nameRef
	byPrivate  map[netip.Addr]*ifaceInfo
	byPublic   map[netip.Addr]*ifaceInfo
	owners     map[netip.Addr]string // every address in the design and its owner
	rts        map[string]*rtInfo
	acls       map[string]*aclInfo
	groups     map[string]*sg.Group
	members    map[string]map[netip.Addr]bool // group ID -> private addresses of its interfaces
	lists      map[string][]netip.Prefix
	listSpecs  []PrefixList // the lists as declared, for design (design.go)
	igws       map[string]*igwInfo
	nats       map[string]*natInfo
	natAddr    map[netip.Addr]*natInfo // private and public addresses of NAT gateways
	endpoints  map[string]*endpointInfo
	firewalls  map[string]*firewallInfo
	sgCache    map[string]*sgPair
	unresolved map[string]bool // groups rules reference that the input does not hold
	// leftOut are the unresolved groups a loader left out with their VPC,
	// by ID: their VPC (Builder.AddLeftOutGroup; leftout_groups.go)
	leftOut map[string]string
	// unresolvedLists are prefix lists referenced whose entries the input
	// does not hold (AddUnresolvedPrefixList), each with its address
	// family ("IPv4", "IPv6"; "" unknown: PrefixList.AddressFamily)
	unresolvedLists map[string]string
	// unknownPeers are rules' peers known only later (AddUnknownPeer)
	unknownPeers map[string]UnknownPeer
	// maybeMember holds the private addresses of the interfaces whose
	// groups are known only later (Interface.GroupsUnknown): members,
	// perhaps, of any group; groupsUnknownN counts those interfaces
	maybeMember    map[netip.Addr]*ifaceInfo
	groupsUnknownN int
	peerings       map[string]*peeringInfo
	bpa            *bpaInfo              // VPC Block Public Access; see bpa.go
	tgws           map[string]*tgwInfo   // see tgw.go
	tgwRTs         map[string]*tgwRTInfo // transit gateway route tables
	tgwAtts        map[string]*tgwAttInfo
	// zoneForks: a walk may meet a choice of the transit gateway's
	// between the subnets of an attachment: one with appliance mode and
	// more than one subnet, whose subnet the flow hash picks
	// (tgw_appliance.go), or one of exitAtts (tgw_exit_fork.go)
	zoneForks bool
	// exitAtts are the VPC attachments without appliance mode whose
	// subnet a packet leaves by AWS does not name for some zone the
	// packet may enter by, and whose walks fork over it (tgw_exit_fork.go)
	exitAtts []*tgwAttInfo
	// world, on a zone world of a model with zoneForks, fixes the
	// subnet the flow hash picks at each appliance-mode attachment
	// (tgw_worlds.go); exitWorld the subnet each of exitAtts sends a
	// leg's packets through; nil otherwise
	world     map[*tgwAttInfo]*subnetInfo
	exitWorld map[exitKey]*subnetInfo
	// egressInst lists the instances of several interfaces that differ,
	// whose walks fork over the interface a forwarded packet leaves by
	// (appliance_egress_fork.go); nil on a world
	egressInst []egressInstance
	// egress, on a world of a model with egressInst, fixes the interface
	// each such instance sends a leg's packets out of; nil otherwise
	egress         map[egressKey]*ifaceInfo
	eigws          map[string]*eigwInfo       // egress.go
	eigwByVPC      map[string][]*eigwInfo     // egress.go
	gwEndpoints    map[string]*gwEndpointInfo // gwendpoint.go
	customPolicies int                        // gateway endpoints with a CustomPolicy
	// privateV6 are the VPCs' private IPv6 blocks, delegated the prefixes
	// delegated to interfaces (ipv6.go), delegIdx their index (nil under
	// internal/slowpath) and memberPrefixes each group's members'
	// (delegated.go)
	privateV6      []privateBlock
	delegated      []delegation
	delegIdx       *delegIndex
	memberPrefixes map[string][]netip.Prefix

	quotaWarnings []QuotaWarning // see quota.go
	// origins says where resources came from (origin.go), ruleOrigins
	// where the rules of security groups did, when they are listed apart
	origins     map[originKey]Origin
	ruleOrigins map[string][]RuleOrigin

	// sets holds what set questions compute once per model, on first use
	// (sources.go); a zone world shares its model's (tgw_worlds.go)
	sets *setsCache
}

type vpcInfo struct {
	VPC
	subnets    []*subnetInfo
	mainRT     *rtInfo
	defaultACL *aclInfo
	igw        *igwInfo
	dns        netip.Addr // the Amazon DNS server's base-plus-two address (amazondns.go)
}

type subnetInfo struct {
	Subnet
	vpc *vpcInfo
	rt  *rtInfo
	acl *aclInfo
	// maybe are the tables of Subnet.RouteTablesMaybe (nil for nearly
	// every subnet): the walk's lookup compares them with rt's
	maybe []*rtInfo
	// backMayUndecide: a reply from the subnet to some public address may
	// end undecided (markWaysBack, private_entry.go); false keeps a
	// question from the internet from walking its way back
	backMayUndecide bool
	// entryWithin: the subnet holds what a way in the design does not
	// model may deliver a packet through, so that its network ACL may
	// not judge it (markEntriesWithin, private_entry.go)
	entryWithin bool
}

func (s *subnetInfo) contains(a netip.Addr) bool {
	for _, c := range s.CIDRs {
		if c.Contains(a) {
			return true
		}
	}
	return false
}

type ifaceInfo struct {
	Interface
	index  int // position in the builder, for errors
	subnet *subnetInfo
	sg     *sgPair
	// publicOf maps a private IPv4 address to its public one, privateOf
	// back (see gatewayrules.go).
	publicOf, privateOf map[netip.Addr]netip.Addr
	// name is label's text and groupList the groups' IDs joined by
	// commas, worded once at Build for the trace's hops
	name, groupList string
	// unknown, for an interface whose address is known only later, is
	// what its address could be and whether the design tells those
	// addresses apart (unknown.go); nil otherwise. unknown6 is the same
	// for its IPv6 address ([Interface.IPv6Unknown]).
	unknown, unknown6 *addrUnknown
	// publicUnknown names the public IPv4 address known only later ("" for
	// none)
	publicUnknown string
	// siblings are the other interfaces of its instance
	// ([Interface.Instance]), in the input's order: an appliance with
	// siblings may send what it forwards out of any of them
	// (appliance_egress.go)
	siblings []*ifaceInfo
}

// label names the interface for people: "web-1 (eni-0abc)".
func (i *ifaceInfo) label() string {
	if i.name != "" {
		return i.name
	}
	if i.Name != "" {
		return i.Name + " (" + i.ID + ")"
	}
	return i.ID
}

// addr returns the interface's first private address of the family.
func (i *ifaceInfo) addr(v6 bool) (netip.Addr, bool) {
	for _, a := range i.PrivateIPs {
		if a.Is6() == v6 {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// sgPair is the compiled security groups of one set of groups: normal,
// and blind to group references for packets whose group identity a
// middlebox (NAT gateway, firewall endpoint, appliance) has removed. The
// blind evaluator is built at its first use, once: most interfaces of a
// large account never see such a packet, and each would hold a second
// evaluator for nothing.
type sgPair struct {
	normal    *sg.Evaluator
	m         *Model // for identityLost
	blindOnce sync.Once
	blindEv   *sg.Evaluator
	// maybeEv: for packets a transit gateway whose referencing support
	// is unknown carried (tgw_sgref.go)
	maybeEv maybeSG
	// outRefs: an outbound rule references a group, so the outbound
	// judgement of a packet that then crosses a transit gateway differs
	// (overTGW, built at its first use into tgwOut; tgw_sgref.go)
	outRefs bool
	tgwOut  tgwOutSG
	// natEv: normal's and blind's views for packets a NAT gateway sent
	// from a port of its own (natsg.go), built at their first use
	natEv [2]natSG
}

// blind returns the evaluator for packets whose group identity is lost,
// building it at the first call. Safe for concurrent use. AWS documents
// that a middlebox loses the identity; Alibaba Cloud documents nothing
// about it (its basic groups' membership is counted in their members'
// private addresses, which a middlebox that forwards the packet unchanged
// keeps), so Alibaba Cloud groups judge such a packet both ways
// ([sg.Evaluator.Either]): where the two views differ, the hop is
// undecided (judgeSG names what is missing).
func (p *sgPair) blind() *sg.Evaluator {
	p.blindOnce.Do(func() {
		ev, err := p.normal.WithMembership(identityLost{p.m})
		if err != nil {
			// identityLost knows every group Model.GroupMembers knows,
			// and normal was compiled through the latter: it cannot fail.
			panic("reach: the identity-lost evaluator of a compiled interface: " + err.Error())
		}
		if p.normal.Flavour().IsAlibaba() {
			ev = ev.Either(p.normal)
		}
		p.blindEv = ev
	})
	return p.blindEv
}

type rtInfo struct {
	RouteTable
	vpc    *vpcInfo
	routes []compiledRoute
	// unknown are its routes whose destination is known only later, or
	// by a list whose entries the input does not hold
	unknown []Route
	// listFamily is the model's unresolvedLists: the address family of
	// the lists of its unknown routes
	listFamily map[string]string
	// index finds the longest match without scanning routes; nil for a
	// model built under internal/slowpath, whose lookups scan every route
	// and prefix (the slow reference)
	index *routeIndex
	// ties stand each for the prefix-list routes that tie at one prefix
	// (findTies), sorted by prefix; lookups return them for their prefix
	ties []compiledRoute
}

// routeIndex is a route table's routes by destination prefix: for each
// family, the prefix lengths its routes use, longest first, and the route
// of each prefix, as [rtInfo.scan] decides: the one of the best rank
// (a static CIDR route, a prefix-list route, a propagated route), the
// first in table order among equals (a VPC CIDR's route before the local
// route Build adds; prefix-list routes to one target), or the tie of
// prefix-list routes to different targets (AWS picks one at random).
type routeIndex struct {
	lens [2][]int // [0 IPv4, 1 IPv6]
	at   map[netip.Prefix]*compiledRoute
	// at4 is at's IPv4 prefixes keyed by key4, a map whose integer keys
	// hash faster than a netip.Prefix
	at4 map[uint64]*compiledRoute
}

// key4 is at4's key of the IPv4 prefix of bits bits of the address a
// (the address as an integer): the masked address and the length.
func key4(a uint32, bits int) uint64 {
	if bits < 32 {
		a &^= 1<<(32-bits) - 1
	}
	return uint64(a)<<8 | uint64(bits)
}

// addr4 returns an IPv4 address as an integer.
func addr4(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// Route ranks: among routes of the same prefix, AWS prefers a static
// route, then a prefix-list route, then a propagated one
// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html).
const (
	rankStatic = iota
	rankPrefixList
	rankPropagated
)

// rank is cr's priority among the routes of the same prefix, best first.
func (cr *compiledRoute) rank() int {
	switch {
	case cr.PrefixList != "":
		return rankPrefixList
	case cr.Propagated:
		return rankPropagated
	}
	return rankStatic
}

// sameTarget reports whether routes a and b send a packet to the same
// place: the same target, or both to a blackhole.
func sameTarget(a, b *compiledRoute) bool {
	return a.Target == b.Target && (a.TargetID == b.TargetID || a.Target == TargetBlackhole)
}

// markUnderLocal marks the propagated routes of routes (a table's) whose
// destination lies inside one of its VPC's CIDR blocks, the local
// routes' destinations (whatever target a local route was given): the
// local route wins there whatever the lengths (underLocal).
func markUnderLocal(routes []compiledRoute, vpcCIDRs []netip.Prefix) {
	for i := range routes {
		cr := &routes[i]
		if cr.Propagated && cr.PrefixList == "" {
			cr.underLocal = insideAny(cr.Destination, vpcCIDRs)
		}
	}
}

// insideAny reports whether p lies inside one of blocks.
func insideAny(p netip.Prefix, blocks []netip.Prefix) bool {
	return slices.ContainsFunc(blocks, func(b netip.Prefix) bool { return b.Bits() <= p.Bits() && b.Contains(p.Addr()) })
}

// findTies sets r.ties: one route for each prefix that prefix-list routes
// of r share, at least two of them leading to different targets, with no
// static CIDR route of that prefix. AWS "randomly choose[s] which route
// takes priority" there (and keeps it), so no route of the input decides:
// the tie's route holds the routes that tie (tied), in table order, and
// otherwise reads as the first of them (its route and index; it has no
// rule: the walk stops at it, [tieHop]).
func (r *rtInfo) findTies() {
	r.ties = nil
	lists := 0
	for i := range r.routes {
		lists += b2i(r.routes[i].PrefixList != "")
	}
	if lists < 2 {
		return // most tables: nothing to tie
	}
	shared := map[netip.Prefix][]*compiledRoute{}
	for i := range r.routes {
		cr := &r.routes[i]
		if cr.PrefixList == "" {
			continue
		}
		for _, p := range cr.prefixes {
			p = p.Masked()
			if crs := shared[p]; len(crs) == 0 || crs[len(crs)-1] != cr {
				shared[p] = append(crs, cr)
			}
		}
	}
	for p, crs := range shared {
		if !slices.ContainsFunc(crs[1:], func(cr *compiledRoute) bool { return !sameTarget(cr, crs[0]) }) ||
			slices.ContainsFunc(r.routes, func(cr compiledRoute) bool { return cr.rank() == rankStatic && cr.Destination.Masked() == p }) {
			continue // one target, or a static route decides
		}
		r.ties = append(r.ties, compiledRoute{Route: crs[0].Route, prefixes: []netip.Prefix{p}, index: crs[0].index, tied: crs})
	}
	slices.SortFunc(r.ties, func(a, b compiledRoute) int {
		return cmp.Or(a.prefixes[0].Addr().Compare(b.prefixes[0].Addr()), a.prefixes[0].Bits()-b.prefixes[0].Bits())
	})
}

// tie returns the tie's route of prefix p, if any.
func (r *rtInfo) tie(p netip.Prefix) (*compiledRoute, bool) {
	for i := range r.ties {
		if r.ties[i].prefixes[0] == p {
			return &r.ties[i], true
		}
	}
	return nil, false
}

// indexRoutes builds r's index from its routes and ties, which must not
// move afterwards (the index points into them).
func (r *rtInfo) indexRoutes() {
	ix := &routeIndex{at: map[netip.Prefix]*compiledRoute{}}
	for i := range r.routes {
		cr := &r.routes[i]
		if cr.underLocal {
			continue
		}
		for _, p := range cr.prefixes {
			p = p.Masked()
			if old, ok := ix.at[p]; ok && old.rank() <= cr.rank() {
				continue
			}
			fam := 0
			if p.Addr().Is6() {
				fam = 1
			}
			if !slices.Contains(ix.lens[fam], p.Bits()) {
				ix.lens[fam] = append(ix.lens[fam], p.Bits())
			}
			ix.at[p] = cr
		}
	}
	for i := range r.ties {
		ix.at[r.ties[i].prefixes[0]] = &r.ties[i] // its prefix's length is listed already
	}
	for fam := range ix.lens {
		slices.SortFunc(ix.lens[fam], func(a, b int) int { return b - a })
	}
	ix.at4 = map[uint64]*compiledRoute{}
	for p, cr := range ix.at {
		if p.Addr().Is4() {
			ix.at4[key4(addr4(p.Addr()), p.Bits())] = cr
		}
	}
	r.index = ix
}

type compiledRoute struct {
	Route
	prefixes []netip.Prefix // the destination, or the prefix list's entries
	implicit bool           // a local route Build added
	// underLocal marks a propagated route inside a local route's prefix:
	// AWS prefers the local route there "even if the propagated routes
	// are more specific" (Site-to-Site VPN User Guide, "Route tables and
	// AWS Site-to-Site VPN route priority"), so lookups never select it
	underLocal bool
	// rule is the route as a trace names it, "10.0.0.0/16 via local",
	// worded at Build for a CIDR route; a prefix list's route has one per
	// entry, "pl-1 (10.1.0.0/16) via tgw-1", in entryRules
	rule       string
	entryRules map[netip.Prefix]string
	index      int // position in RouteTable.Routes, for errors
	// tied, on a tie's route ([rtInfo.findTies]), are the prefix-list
	// routes that tie at its prefix, in table order; nil on any other
	tied []*compiledRoute
}

// lookup returns the route for dst by longest prefix match, and the
// prefix that matched. Among routes of the same prefix a static CIDR
// route beats a prefix-list route, which beats a propagated route; a
// propagated route inside a local route's prefix never matches; where
// prefix-list routes to different targets tie, it returns the tie's
// route (its tied set).
func (r *rtInfo) lookup(dst netip.Addr) (*compiledRoute, netip.Prefix, bool) {
	if r.index == nil || !dst.IsValid() || dst.Zone() != "" {
		return r.scan(dst)
	}
	if dst.Is4() {
		a := addr4(dst)
		for _, bits := range r.index.lens[0] {
			if cr, ok := r.index.at4[key4(a, bits)]; ok {
				return cr, netip.PrefixFrom(dst, bits).Masked(), true
			}
		}
		return nil, netip.Prefix{}, false
	}
	for _, bits := range r.index.lens[1] {
		p := netip.PrefixFrom(dst, bits).Masked()
		if cr, ok := r.index.at[p]; ok {
			return cr, p, true
		}
	}
	return nil, netip.Prefix{}, false
}

// scan is lookup by a plain loop over every route and prefix: the slow
// reference of the index (TestRouteIndexAgreesWithScan).
func (r *rtInfo) scan(dst netip.Addr) (*compiledRoute, netip.Prefix, bool) {
	var best *compiledRoute
	var bestP netip.Prefix
	tied := false
	for i := range r.routes {
		cr := &r.routes[i]
		if cr.underLocal {
			continue
		}
		for _, p := range cr.prefixes {
			if !p.Contains(dst) {
				continue
			}
			switch {
			case best == nil || p.Bits() > bestP.Bits() || (p.Bits() == bestP.Bits() && cr.rank() < best.rank()):
				best, bestP, tied = cr, p, false
			case p.Bits() == bestP.Bits() && cr.rank() == rankPrefixList && best.rank() == rankPrefixList && !sameTarget(cr, best):
				tied = true
			}
		}
	}
	if tied {
		if t, ok := r.tie(bestP.Masked()); ok {
			return t, bestP, true
		}
	}
	return best, bestP, best != nil
}

type aclInfo struct {
	acl nacl.ACL
	ev  *nacl.Evaluator
	// unknown are its entries with values known only later
	// (unknown_acl.go)
	unknown []UnknownACLEntry
}

type igwInfo struct {
	InternetGatewaySpec
	vpc  *vpcInfo
	edge *rtInfo // the edge-associated route table, if any
	// edgeMaybe is the table whose edge association is in transition
	// (RouteTable.GatewaysMaybe), if any
	edgeMaybe *rtInfo
}

type natInfo struct {
	NATGateway
	subnet *subnetInfo
	// unknown is what its private address could be, when it is known only
	// later (unknown.go); nil otherwise
	unknown *addrUnknown
	// addrs is what its secondary addresses make of the addresses it may
	// send from, when it has some (natsecondary.go); nil otherwise
	addrs *natAddrs
	// portWords starts the reason of a network ACL hop that judged the
	// reply to the port it picked (natport.go)
	portWords string
}

// GroupMembers implements [sg.GroupResolver]: the private addresses (IPv4
// and IPv6 alike) of the interfaces the group is attached to, sorted, in a
// new slice the caller owns ([Model.GroupPrefixes] gives the prefixes
// delegated to them, whose addresses the group's references match too).
// A group declared with [Builder.AddUnresolvedGroup] answers an
// *[sg.UnknownMembers] whose Known reports every address of the design
// (whose groups are all known, so it is no member). In a design with an
// interface whose groups are known only later
// ([Interface.GroupsUnknown]) every AWS group answers an
// *[sg.UnknownMembers] holding its known Members, since that interface
// may be one more; an Alibaba Cloud group does not, since such an
// interface is an AWS one (Build refuses GroupsUnknown beside an Alibaba
// group, and the groups of one interface are all of one flavour) and
// joins no Alibaba group. So
// does a group with a member whose prefixes AWS delegates at launch
// ([Interface.IPv4PrefixesUnknown], [Interface.IPv6PrefixesUnknown]),
// since such a prefix may hold any free address of the member's subnet,
// whose Known reports no such address; and so does a group with a member
// whose address is known only later ([Interface.AddressUnknown],
// [Interface.IPv6Unknown]), which may be any free address its placeholder
// stands for.
func (m *Model) GroupMembers(group string) ([]netip.Addr, error) {
	set, ok := m.members[group]
	if !ok && m.unresolved[group] {
		return nil, &sg.UnknownMembers{Group: group, Known: m.knownNonMember}
	}
	if u, isPeer := m.unknownPeers[group]; !ok && isPeer {
		// known not to match only outside the addresses it could cover
		return nil, &sg.UnknownMembers{Group: group, Known: m.outside(u)}
	}
	if !ok {
		return nil, fmt.Errorf("%w: security group %s is not in the design", sg.ErrUnresolved, group)
	}
	out := make([]netip.Addr, 0, len(set))
	for a, in := range set {
		if in {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	if m.groupsUnknownMayJoin(group) || len(m.prefixesUnknownBy[group]) > 0 {
		// an interface whose groups are known only later may be a member,
		// a prefix AWS delegates at launch to a member may hold a free
		// address (prefixes_unknown.go)
		return nil, &sg.UnknownMembers{Group: group, Held: true, Members: out, Known: m.knownNonMemberOf(group)}
	}
	return out, nil
}

// groupsUnknownMayJoin reports whether an interface whose groups are
// known only later ([Interface.GroupsUnknown]) may be a member of group:
// of any AWS group, of no Alibaba Cloud group. Groups known only later
// are an AWS notion: Build refuses them beside an Alibaba group
// (markGroupsUnknown), and the groups of one interface are all of one
// flavour (semantics E.2), so such an interface never joins an Alibaba
// group.
func (m *Model) groupsUnknownMayJoin(group string) bool {
	if len(m.maybeMember) == 0 {
		return false
	}
	g := m.groups[group]
	return g == nil || !g.Flavour.IsAlibaba()
}

// knownNonMember reports whether a is an address of the design whose
// groups are all known: it is a member of no group that does not list it.
func (m *Model) knownNonMember(a netip.Addr) bool {
	if _, maybe := m.maybeMember[a]; maybe {
		return false
	}
	if ii, ok := m.ifaceByAddr(a); ok && ii.GroupsUnknown != "" {
		return false // of a prefix delegated to an interface whose groups are known only later
	}
	return m.holds(a)
}

// PrefixList implements [sg.PrefixListResolver]: the list's CIDR blocks,
// masked, in the order given. The slice is the caller's own copy:
// changing it changes nothing in the model. A list declared with
// [Builder.AddUnresolvedPrefixList] answers an *[sg.UnknownEntries],
// with the list's address family when the design gives it
// ([PrefixList.AddressFamily]).
func (m *Model) PrefixList(id string) ([]netip.Prefix, error) {
	ps, ok := m.lists[id]
	if !ok && m.isUnresolvedList(id) {
		return nil, &sg.UnknownEntries{List: id, Family: m.unresolvedLists[id]}
	}
	if !ok {
		return nil, fmt.Errorf("%w: prefix list %s is not in the design", sg.ErrUnresolved, id)
	}
	return slices.Clone(ps), nil
}

// holds reports whether a is an address of the design (an interface's, a
// NAT gateway's, private or public).
func (m *Model) holds(a netip.Addr) bool {
	if _, ok := m.owners[a]; ok {
		return true
	}
	if len(m.delegated) == 0 {
		return false
	}
	_, ok := m.delegationOf(a) // delegated.go
	return ok
}

// UnresolvedGroups returns, sorted, the security groups rules reference
// that the design does not hold ([Builder.AddUnresolvedGroup]).
func (m *Model) UnresolvedGroups() []string {
	out := make([]string, 0, len(m.unresolved))
	for id := range m.unresolved {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// identityLost knows the model's groups but finds no member in any: what
// a security group sees of a packet a middlebox forwarded (semantics A.4).
// A group the input does not hold has no member there either: the
// reference cannot match a packet whose identity is lost. A rule's peer
// known only later ([Builder.AddUnknownPeer]) stands for a block or a
// prefix list, which match by address whoever forwarded the packet: it
// keeps its unknown members.
type identityLost struct{ m *Model }

// GroupMembers finds no member in any group the model knows.
func (r identityLost) GroupMembers(group string) ([]netip.Addr, error) {
	if u, ok := r.m.unknownPeers[group]; ok {
		if u.Of.Kind == sg.PeerGroup {
			return nil, nil // a group reference whose ports are known only later: it matches no one here either
		}
		// a block or prefix list known only later matches by address,
		// whatever forwarded the packet
		return nil, &sg.UnknownMembers{Group: group, Known: r.m.outside(u)}
	}
	if _, ok := r.m.members[group]; !ok && !r.m.unresolved[group] {
		return nil, fmt.Errorf("%w: security group %s is not in the design", sg.ErrUnresolved, group)
	}
	return nil, nil
}

// Owner returns the resource of the design that holds address a (an
// interface's private or public address, or an address of a prefix
// delegated to it, a NAT gateway's, or what holds an address declared
// with [Builder.AddUnmodelledAddress] or a block declared with
// [Builder.AddUnmodelledBlock]; for an address blocks of several owners
// hold, all of them: "vpc-d or vpc-e"), and whether one does. An address no
// resource holds is, to a query, a host outside the design: on the
// internet when it is a public address.
func (m *Model) Owner(a netip.Addr) (string, bool) {
	if o, ok := m.owners[a]; ok {
		return o, true
	}
	if ii, ok := m.ifaceByAddr(a); ok {
		return ii.ID, true
	}
	if m.vpcAt(a) == nil {
		if u, ok := m.unmodelledBlockAt(a); ok { // unmodelled_block.go
			return u.Owner, true
		}
	}
	return "", false
}

// Interfaces returns the design's interfaces in the order they were
// added, as given to the [Builder] (copies: changing them changes nothing
// in the model).
func (m *Model) Interfaces() []Interface {
	out := make([]Interface, len(m.ifaceOrder))
	for i, ii := range m.ifaceOrder {
		in := ii.Interface
		in.PrivateIPs = slices.Clone(in.PrivateIPs)
		in.PublicIPs = slices.Clone(in.PublicIPs)
		in.Groups = slices.Clone(in.Groups)
		in.DelegatedPrefixes = slices.Clone(in.DelegatedPrefixes)
		out[i] = in
	}
	return out
}

package reach

import (
	"cmp"
	"net/netip"
	"reflect"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/sg"
)

// The scope of a diff: which ordered pairs of nodes a change could touch,
// so that only their cells are answered in either model (the others are
// the same in both). It is conservative: a change it cannot place on a
// few pairs makes every pair in scope (all). A pair's answer depends on
//
//   - the security groups of its two ends (their rules, the members of
//     the groups they reference);
//   - the placements of its ends (subnet, addresses), which decide the
//     route tables and network ACLs of the ends' subnets, and
//   - the middle: the gateways, middleboxes (NAT gateways, firewall
//     endpoints, appliances, transit gateway attachments) and the route
//     tables and ACLs of the subnets they sit in ("transit" subnets); an
//     appliance is every interface of its instance, any of which may send
//     what it forwards (its groups, subnet, route table and ACL).
//
// A change to the middle makes every pair in scope. A change to a
// workload subnet's ACL or association puts in scope every pair with an
// end there; a change to its route table's routes, only the pairs from an
// end there to an address the changed routes' destinations cover (and
// back, for the reply's lookup). A change to a group puts in scope every
// pair with an end that carries it; a change to an interface, the pairs
// it is an end of (and those of the members of groups that reference its
// groups, whose membership changed), and every pair with the internet when
// its public addresses change (the internet is every address no resource
// holds). Where a route sends the NAT64 prefix to a translator, a change
// at an interface with an IPv4 address puts in scope every pair from an
// IPv6 interface to the internet too: 64:ff9b::a.b.c.d is an internet
// address whose sessions are the IPv4 ones to a.b.c.d
// (diff_scope_nat64.go). TestDiffAgreesWithMatrices holds the scope to the comparison of
// two whole matrices.
type diffScope struct {
	all      bool
	dirty    map[string]bool // interfaces every pair of which is in scope
	internet bool            // every pair with the internet is in scope
	rects    []scopeRect     // pairs from rows to cols are in scope
}

// scopeRect is a set of pairs: from any of rows to any of cols.
type scopeRect struct{ rows, cols nodeSet }

// nodeSet is a set of interfaces (by ID), and maybe the internet.
type nodeSet struct {
	ids      map[string]bool
	internet bool
}

// nodeMark is what the scope knows of a set of nodes (a class): whether
// one is dirty or the internet, and which rectangles' rows and columns
// hold one.
type nodeMark struct {
	dirty, internet bool
	rows, cols      []bool
}

// mark summarises the nodes ids (the internet with net).
func (s *diffScope) mark(ids []string, net bool) nodeMark {
	k := nodeMark{internet: net, rows: make([]bool, len(s.rects)), cols: make([]bool, len(s.rects))}
	for i, r := range s.rects {
		k.rows[i], k.cols[i] = net && r.rows.internet, net && r.cols.internet
	}
	for _, id := range ids {
		k.dirty = k.dirty || s.dirty[id]
		for i, r := range s.rects {
			k.rows[i] = k.rows[i] || r.rows.ids[id]
			k.cols[i] = k.cols[i] || r.cols.ids[id]
		}
	}
	return k
}

// touches reports whether some pair from a node of a to one of b is in
// scope.
func (s *diffScope) touches(a, b nodeMark) bool {
	if s.all || a.dirty || b.dirty || (s.internet && (a.internet || b.internet)) {
		return true
	}
	for i := range s.rects {
		if a.rows[i] && b.cols[i] {
			return true
		}
	}
	return false
}

// empty reports whether no pair is in scope.
func (s *diffScope) empty() bool {
	return !s.all && len(s.dirty) == 0 && !s.internet && len(s.rects) == 0
}

// keep returns which cells of m's matrix (its classes' indexes, -1 the
// internet) hold a pair in scope.
func (s *diffScope) keep(m *Model, v6 bool) func(from, to int) bool {
	if s.all {
		return nil
	}
	classes, _ := m.classes(v6)
	marks := make([]nodeMark, len(classes))
	for i, cl := range classes {
		ids := make([]string, len(cl))
		for j, ii := range cl {
			ids[j] = ii.ID
		}
		marks[i] = s.mark(ids, false)
	}
	net := s.mark(nil, true)
	at := func(i int) nodeMark {
		if i < 0 {
			return net
		}
		return marks[i]
	}
	return func(from, to int) bool { return s.touches(at(from), at(to)) }
}

// scopeOf places the changes between a and b (see diffScope).
func scopeOf(a, b *Model) *diffScope {
	s := &diffScope{dirty: map[string]bool{}}
	if a.hasUnknowns() || b.hasUnknowns() || middleChanged(a, b) {
		s.all = true
		return s
	}
	transit := map[string]bool{}
	targets := map[string]bool{}
	for _, m := range []*Model{a, b} {
		m.transitSubnets(transit, targets)
	}
	users := [2]map[string][]string{a.subnetUsers(), b.subnetUsers()}
	dirtySubnet := func(id string) {
		for _, u := range users {
			for _, ii := range u["subnet:"+id] {
				s.dirty[ii] = true
			}
		}
	}
	s.all = !s.scopeSubnets(a, b, transit, dirtySubnet) ||
		!s.scopeACLs(a, b, transit, users, dirtySubnet) ||
		!s.scopeRouteTables(a, b, transit, users)
	if s.all {
		return s
	}
	s.scopeGroups(a, b)
	s.scopeInterfaces(a, b)
	s.scopeNAT64(a, b, targets) // diff_scope_nat64.go
	for id := range s.dirty {
		if targets[id] {
			s.all = true // an appliance: on other pairs' middles
		}
	}
	return s
}

// hasUnknowns reports whether m holds values known only later, or groups
// or prefix lists' entries it does not hold, whose answers depend on the design as a whole.
func (m *Model) hasUnknowns() bool {
	return len(m.unknownIfaces) > 0 || len(m.unknownPublic) > 0 || len(m.unknownNATs) > 0 || len(m.multiNATs) > 0 ||
		m.unknownACLs > 0 || m.unknownRoutes > 0 || len(m.unknownPeers) > 0 || len(m.unresolved) > 0 ||
		len(m.unresolvedLists) > 0
}

// middleChanged reports whether a resource of the middle differs: a VPC,
// a gateway, a NAT gateway, a prefix list, a firewall, a peering, a
// transit gateway and its tables and attachments, Block Public Access,
// or the addresses and blocks the design declares it does not model
// (they change what the internet is, and which answers are undecided,
// anywhere).
// The resources are compared as the models' designs hold them (design.go),
// in the order of their IDs.
func middleChanged(a, b *Model) bool {
	return !reflect.DeepEqual(middleOf(a.design()), middleOf(b.design()))
}

// middleOf returns the resources of the middle of design d.
func middleOf(d *Builder) []any {
	vpcs := slices.Clone(d.vpcs)
	slices.SortFunc(vpcs, func(x, y VPC) int { return strings.Compare(x.ID, y.ID) })
	lists := slices.Clone(d.lists)
	slices.SortFunc(lists, func(x, y PrefixList) int { return strings.Compare(x.ID, y.ID) })
	addrs := slices.Clone(d.unmodelled)
	slices.SortFunc(addrs, func(x, y UnmodelledAddress) int { return x.Address.Compare(y.Address) })
	blocks := slices.Clone(d.unmodelledBlocks)
	slices.SortFunc(blocks, func(x, y UnmodelledBlock) int {
		return cmp.Or(x.Prefix.Addr().Compare(y.Prefix.Addr()), x.Prefix.Bits()-y.Prefix.Bits(), strings.Compare(x.Owner, y.Owner), strings.Compare(x.What, y.What))
	})
	return []any{vpcs, d.igws, d.nats, lists, d.firewalls, d.peerings, d.tgws, d.tgwRTs, d.tgwAtts, d.eigws, d.gwEPs, d.bpa,
		addrs, blocks}
}

// transitSubnets adds to transit the subnets where a middlebox of m sits
// (NAT gateways, firewall endpoints, appliances, transit gateway
// attachments), and to targets the interfaces routes send packets to.
// An appliance's instance may send what it forwards out of any of its
// interfaces (appliance_egress_fork.go), meeting that interface's
// groups and its subnet's route table and network ACL: the other
// interfaces of a target's instance ([ifaceInfo.siblings]) are targets
// too, and their subnets transit.
func (m *Model) transitSubnets(transit, targets map[string]bool) {
	for _, n := range m.nats {
		transit[n.Subnet] = true
	}
	for _, e := range m.endpoints {
		if e.subnet != nil {
			transit[e.subnet.ID] = true
		}
	}
	for _, t := range m.tgwAtts {
		for _, s := range t.Subnets {
			transit[s] = true
		}
	}
	for _, rt := range m.rts {
		for _, r := range rt.Routes {
			if r.Target == TargetInterface {
				targets[r.TargetID] = true
				if ii, ok := m.ifaces[r.TargetID]; ok {
					transit[ii.Subnet] = true
					for _, o := range ii.siblings {
						targets[o.ID], transit[o.Subnet] = true, true
					}
				}
			}
		}
	}
}

// subnetUsers maps "subnet:ID" to the interfaces of the subnet, "acl:ID"
// and "rtb:ID" to the subnets that use the ACL or route table (their
// own, or their VPC's default).
func (m *Model) subnetUsers() map[string][]string {
	out := map[string][]string{}
	for _, ii := range m.ifaceOrder {
		out["subnet:"+ii.Subnet] = append(out["subnet:"+ii.Subnet], ii.ID)
	}
	for _, s := range m.subnets {
		if id := effectiveACL(s); id != "" {
			out["acl:"+id] = append(out["acl:"+id], s.ID)
		}
		if id := effectiveRT(s); id != "" {
			out["rtb:"+id] = append(out["rtb:"+id], s.ID)
		}
		for _, rt := range s.maybe { // a table that may route it
			out["rtb:"+rt.ID] = append(out["rtb:"+rt.ID], s.ID)
		}
	}
	return out
}

// scopeSubnets puts in scope the interfaces of subnets whose
// associations changed; false when a subnet changed otherwise, or a
// transit subnet did.
func (s *diffScope) scopeSubnets(a, b *Model, transit map[string]bool, dirtySubnet func(string)) bool {
	for id, x := range a.subnets {
		y, ok := b.subnets[id]
		if !ok {
			return false
		}
		sx, sy := x.Subnet, y.Subnet
		sx.RouteTable, sy.RouteTable, sx.ACL, sy.ACL = "", "", "", ""
		if !reflect.DeepEqual(sx, sy) {
			return false
		}
		if effectiveRT(x) != effectiveRT(y) || effectiveACL(x) != effectiveACL(y) {
			if transit[id] {
				return false
			}
			dirtySubnet(id)
		}
	}
	for id := range b.subnets {
		if _, ok := a.subnets[id]; !ok {
			return false
		}
	}
	return true
}

// scopeACLs puts in scope the interfaces of the subnets that use an ACL
// that changed; false when a transit subnet uses one.
func (s *diffScope) scopeACLs(a, b *Model, transit map[string]bool, users [2]map[string][]string, dirtySubnet func(string)) bool {
	for _, id := range unionKeys(a.acls, b.acls) {
		x, y := a.acls[id], b.acls[id]
		if x != nil && y != nil && len(aclDetails(x, y)) == 0 {
			continue
		}
		for _, u := range users {
			for _, sub := range u["acl:"+id] {
				if transit[sub] {
					return false
				}
				dirtySubnet(sub)
			}
		}
	}
	return true
}

// scopeRouteTables puts in scope, for a route table whose routes
// changed, the pairs from an interface of a subnet that uses it to a node
// with an address the changed routes cover, and back; false for an edge
// table, a transit subnet's, a route known only later, or one that covers
// a NAT gateway's address.
func (s *diffScope) scopeRouteTables(a, b *Model, transit map[string]bool, users [2]map[string][]string) bool {
	for _, id := range unionKeys(a.rts, b.rts) {
		x, y := a.rts[id], b.rts[id]
		if x != nil && y != nil && len(routeTableDetails(x, y)) == 0 {
			continue
		}
		var xr, yr []Route
		for _, rt := range []*rtInfo{x, y} {
			if rt == nil {
				continue
			}
			if len(rt.Gateways) > 0 || len(rt.GatewaysMaybe) > 0 {
				return false
			}
			if rt == x {
				xr = rt.Routes
			} else {
				yr = rt.Routes
			}
		}
		if x != nil && y != nil && !reflect.DeepEqual(x.Gateways, y.Gateways) {
			return false
		}
		rows := nodeSet{ids: map[string]bool{}}
		for _, u := range users {
			for _, sub := range u["rtb:"+id] {
				if transit[sub] {
					return false
				}
				for _, u2 := range users {
					for _, ii := range u2["subnet:"+sub] {
						rows.ids[ii] = true
					}
				}
			}
		}
		ps, ok := changedPrefixes(a, xr, yr)
		if !ok {
			return false
		}
		cols, ok := coveredNodes(a, b, ps)
		if !ok {
			return false
		}
		if len(rows.ids) > 0 && (len(cols.ids) > 0 || cols.internet) {
			s.rects = append(s.rects, scopeRect{rows, cols}, scopeRect{cols, rows})
		}
	}
	return true
}

// changedPrefixes returns the destinations of the routes in one list and
// not the other (prefix lists as their entries in m); false for a route
// known only later.
func changedPrefixes(m *Model, x, y []Route) ([]netip.Prefix, bool) {
	var ps []netip.Prefix
	for _, pair := range [2][2][]Route{{x, y}, {y, x}} {
		for _, r := range pair[0] {
			if slices.ContainsFunc(pair[1], func(o Route) bool { return reflect.DeepEqual(o, r) }) {
				continue
			}
			switch {
			case r.Unknown != "":
				return nil, false
			case r.PrefixList != "":
				ps = append(ps, m.lists[r.PrefixList]...)
			default:
				ps = append(ps, r.Destination)
			}
		}
	}
	return ps, true
}

// coveredNodes returns the interfaces with an address in ps (in a or b),
// and the internet when some of ps lies outside every VPC; false when ps
// covers a NAT gateway's address (replies come back to it).
func coveredNodes(a, b *Model, ps []netip.Prefix) (nodeSet, bool) {
	out := nodeSet{ids: map[string]bool{}}
	covered := func(x netip.Addr) bool {
		return x.IsValid() && slices.ContainsFunc(ps, func(p netip.Prefix) bool { return p.Contains(x) })
	}
	for _, m := range []*Model{a, b} {
		for _, ii := range m.ifaceOrder {
			hit := covered(ii.PublicIP)
			for _, x := range ii.PrivateIPs {
				hit = hit || covered(x)
			}
			for _, p := range ii.PublicIPs {
				hit = hit || covered(p.Public)
			}
			if hit {
				out.ids[ii.ID] = true
			}
		}
		for x := range m.natAddr {
			if covered(x) {
				return out, false
			}
		}
		for _, p := range ps {
			inside := slices.ContainsFunc(m.vpcOrder, func(v *vpcInfo) bool {
				return slices.ContainsFunc(v.CIDRs, func(c netip.Prefix) bool { return c.Bits() <= p.Bits() && c.Contains(p.Addr()) })
			})
			out.internet = out.internet || !inside
		}
	}
	return out, true
}

// scopeGroups puts in scope the members (in a or b) of every group that
// changed, and, for a group added or removed, the members of the groups
// that reference it.
func (s *diffScope) scopeGroups(a, b *Model) {
	for _, id := range unionKeys(a.groups, b.groups) {
		x, y := a.groups[id], b.groups[id]
		if x != nil && y != nil && reflect.DeepEqual(*x, *y) {
			continue
		}
		s.dirtyMembers(a, b, id)
		if x == nil || y == nil {
			s.dirtyReferrers(a, b, id)
		}
	}
}

// scopeInterfaces puts in scope every interface that changed, the
// members of groups that reference a group whose membership changed,
// and the internet when public addresses changed.
func (s *diffScope) scopeInterfaces(a, b *Model) {
	for _, id := range unionKeys(a.ifaces, b.ifaces) {
		x, y := a.ifaces[id], b.ifaces[id]
		var ix, iy Interface
		if x != nil {
			ix = x.Interface
		}
		if y != nil {
			iy = y.Interface
		}
		if x != nil && y != nil && reflect.DeepEqual(ix, iy) {
			continue
		}
		s.dirty[id] = true
		if x == nil || y == nil || !slices.Equal(ix.Groups, iy.Groups) || !slices.Equal(ix.PrivateIPs, iy.PrivateIPs) {
			for _, g := range slices.Concat(ix.Groups, iy.Groups) {
				s.dirtyReferrers(a, b, g)
			}
		}
		if ix.PublicIP != iy.PublicIP || !slices.Equal(ix.PublicIPs, iy.PublicIPs) {
			s.internet = true
		}
	}
}

// dirtyMembers puts in scope the interfaces that carry group g in a or b.
func (s *diffScope) dirtyMembers(a, b *Model, g string) {
	for _, m := range []*Model{a, b} {
		for _, ii := range m.ifaceOrder {
			if slices.Contains(ii.Groups, g) {
				s.dirty[ii.ID] = true
			}
		}
	}
}

// dirtyReferrers puts in scope the members of every group (in a or b)
// with a rule that references group g.
func (s *diffScope) dirtyReferrers(a, b *Model, g string) {
	for _, m := range []*Model{a, b} {
		for id, grp := range m.groups {
			if slices.ContainsFunc(grp.Rules, func(r sg.Rule) bool { return r.Peer.Kind == sg.PeerGroup && r.Peer.Group == g }) {
				s.dirtyMembers(a, b, id)
			}
		}
	}
}

// unionKeys returns the keys of a and b, sorted.
func unionKeys[T any](a, b map[string]T) []string {
	out := make([]string, 0, len(a)+len(b))
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// The generators of the slow routing reference's randomized test
// (route_ref_test.go): openDesign, the open random design and its flows,
// and what it adds to a multi-VPC estate (peering connections, transit
// gateways, S3 gateway endpoints).

package reach_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// openDesign is a random design of walk_random_test.go's generator with
// every security group, network ACL and firewall policy allowing
// everything, some routes to prefix lists (now and then two in a table,
// whose lists overlap), local routes whose target a middlebox replaced,
// routes a virtual private gateway propagated, and secondary private
// addresses, so that routing alone decides.
func openDesign(seed uint64) (n *refNet, srcs, dsts []netip.Addr) {
	// Even seeds: one or two VPCs as walk_random_test.go makes them; odd
	// seeds: two to four, joined by peerings and transit gateways.
	grng := rand.New(rand.NewPCG(seed, 10))
	multi := seed%2 == 1
	var g *walkGen
	if multi {
		g = randomWalkDesignN(grng, 2+grng.IntN(3))
	} else {
		g = randomWalkDesign(grng)
	}
	g.delegate() // prefixes delegated to interfaces: their addresses are the interfaces'
	rng := rand.New(rand.NewPCG(seed, 11))
	d := g.d
	open := []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
	}
	for i := range d.Groups {
		d.Groups[i].Rules = slices.Clone(open)
	}
	for i := range d.Subnets {
		d.Subnets[i].ACL = "" // the VPC's default ACL, which allows everything
	}
	pass := stateless.DefaultAction{Action: flow.Forward}
	for i := range d.Firewalls {
		d.Firewalls[i].Policy = firewall.Policy{Name: "pass-all", Stateless: stateless.Config{Default: pass, FragmentDefault: pass},
			Stateful: stateful.Config{Order: stateful.DefaultActionOrder}}
	}
	n = &refNet{d: d}
	// Addresses a flow may use: every address in the design, addresses
	// inside a subnet that nothing owns, private and public ones outside;
	// a flow starts at an interface's private address or outside.
	addrs := []netip.Addr{netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("203.0.113.250"),
		netip.MustParseAddr("192.168.7.7"), netip.MustParseAddr("10.200.0.1")}
	for i := range d.Interfaces {
		in := &d.Interfaces[i]
		if rng.Float64() < 0.15 {
			a := in.PrivateIPs[0].As4()
			a[3] += 190
			in.PrivateIPs = append(in.PrivateIPs, netip.AddrFrom4(a))
			if rng.Float64() < 0.6 {
				// An Elastic IP on the secondary private address.
				in.PublicIPs = append(in.PublicIPs, reach.PublicIP{Private: netip.AddrFrom4(a), Public: netip.AddrFrom4([4]byte{192, 0, 2, byte(i)})})
			}
		}
		addrs = append(addrs, in.PrivateIPs...)
		srcs = append(srcs, in.PrivateIPs...)
		for _, p := range in.DelegatedPrefixes {
			a := p.Addr().Next().Next()
			addrs = append(addrs, a)
			srcs = append(srcs, a)
		}
		if in.PublicIP.IsValid() {
			addrs = append(addrs, in.PublicIP)
		}
		for _, p := range in.PublicIPs {
			addrs = append(addrs, p.Public)
		}
	}
	for _, ng := range d.NATGateways {
		addrs = append(addrs, ng.PrivateIP)
		if ng.PublicIP.IsValid() {
			addrs = append(addrs, ng.PublicIP)
		}
	}
	var subnets []netip.Prefix
	for _, s := range d.Subnets {
		a := s.CIDRs[0].Addr().As4()
		a[3] = 77
		addrs = append(addrs, netip.AddrFrom4(a))
		subnets = append(subnets, s.CIDRs[0])
	}
	// Prefix lists over the subnets and the outside, some entries nested
	// or equal to a CIDR route's destination, to try the tie rule.
	outside := []netip.Prefix{netip.MustParsePrefix("8.8.0.0/16"), netip.MustParsePrefix("8.0.0.0/8"), netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("203.0.113.240/28"), netip.MustParsePrefix("0.0.0.0/1")}
	for k := range 2 {
		l := reach.PrefixList{ID: fmt.Sprintf("pl-%d", k)}
		for range 1 + rng.IntN(3) {
			pool := outside
			if rng.Float64() < 0.5 {
				pool = subnets
			}
			if e := pool[rng.IntN(len(pool))]; !slices.Contains(l.Entries, e) {
				l.Entries = append(l.Entries, e)
			}
			if rng.Float64() < 0.3 {
				l.Entries = append(l.Entries, netip.PrefixFrom(subnets[rng.IntN(len(subnets))].Addr(), 16).Masked())
			}
		}
		n.lists = append(n.lists, l)
	}
	// A stream of its own for what came later (overlapping lists, second
	// prefix-list routes, propagated routes), so that the rest of a seed's
	// design stays as it was.
	prng := rand.New(rand.NewPCG(seed, 13))
	if prng.Float64() < 0.6 {
		// the lists share a block: their routes may tie
		if e := n.lists[0].Entries[prng.IntN(len(n.lists[0].Entries))]; !slices.Contains(n.lists[1].Entries, e) {
			n.lists[1].Entries = append(n.lists[1].Entries, e)
		}
	}
	for i := range d.RouteTables {
		rt := &d.RouteTables[i]
		if len(rt.Routes) == 0 || rt.Gateways != nil {
			continue
		}
		// Retarget a copy of one of its routes: to a prefix list, or to
		// the VPC's own CIDR (a middlebox replacing local).
		r := rt.Routes[rng.IntN(len(rt.Routes))]
		switch {
		case r.Target == reach.TargetLocal:
		case rng.Float64() < 0.4:
			k := rng.IntN(len(n.lists))
			r.Destination, r.PrefixList = netip.Prefix{}, n.lists[k].ID
			rt.Routes = append(rt.Routes, r)
			if prng.Float64() < 0.5 {
				// a route to the other list, to the same target or
				// another route's
				if o := rt.Routes[prng.IntN(len(rt.Routes))]; o.Target != reach.TargetLocal && o.PrefixList == "" && prng.Float64() < 0.6 {
					r.Target, r.TargetID, r.TargetType = o.Target, o.TargetID, o.TargetType
				}
				r.PrefixList = n.lists[1-k].ID
				rt.Routes = append(rt.Routes, r)
			}
		case rng.Float64() < 0.15 && (r.Target == reach.TargetInterface || r.Target == reach.TargetFirewallEndpoint):
			// AWS lets a network interface or a (firewall) endpoint
			// replace the local route's target.
			cidr := n.vpc(rt.VPC).CIDRs[0]
			if !slices.ContainsFunc(rt.Routes, func(x reach.Route) bool { return x.Destination == cidr }) {
				r.Destination = cidr
				rt.Routes = append(rt.Routes, r)
			}
		}
	}
	// A route by a prefix list whose entries the input does not hold, to
	// the target of another route of its table (or a blackhole): a
	// stream of its own, so that the rest of a seed's design stays as it
	// was.
	urng := rand.New(rand.NewPCG(seed, 14))
	for i := range d.RouteTables {
		if seed%4 != 3 {
			break // in a quarter of the designs: it ends many lookups
		}
		rt := &d.RouteTables[i]
		if len(rt.Routes) == 0 || rt.Gateways != nil || urng.Float64() < 0.85 {
			continue
		}
		o := rt.Routes[urng.IntN(len(rt.Routes))]
		if o.Target == reach.TargetLocal || o.Propagated {
			o = reach.Route{Target: reach.TargetBlackhole, TargetID: "nat-gone"}
		}
		rt.Routes = append(rt.Routes, reach.Route{PrefixList: "pl-gone", Target: o.Target, TargetID: o.TargetID, TargetType: o.TargetType})
		n.unresolved = []string{"pl-gone"}
	}
	if len(n.unresolved) > 0 {
		// the list's address family, when the input gives it: a stream
		// of its own
		if fam := []string{"", sg.FamilyIPv4, sg.FamilyIPv6}[rand.New(rand.NewPCG(seed, 16)).IntN(3)]; fam != "" {
			n.families = map[string]string{"pl-gone": fam}
		}
	}
	if multi {
		n.multiVPC(rng)
		addrs = append(addrs, n.gatewayEndpoints(rng)...)
		// Now and then a VPN attachment propagates (BGP) to a table not
		// listed whole: what its peer advertises is not in the design. A
		// stream of its own, so that the rest of a seed's design stays as
		// it was.
		vrng := rand.New(rand.NewPCG(seed, 19))
		for i := range n.tgwAtts {
			if seed%4 != 3 {
				break // in half the multi-VPC designs, so that the others' answers stay
			}
			if a := &n.tgwAtts[i]; a.Type == "vpn" {
				for _, t := range n.tgwRTs {
					if t.TransitGateway == a.TransitGateway && vrng.Float64() < 0.2 {
						a.Propagations = append(a.Propagations, t.ID)
					}
				}
			}
		}
		// IPv6 in most multi-VPC designs: a stream of its own, so
		// that the rest of a seed's design stays as it was.
		if v6rng := rand.New(rand.NewPCG(seed, 15)); v6rng.Float64() < 0.7 {
			v6 := n.dualStack(v6rng)
			addrs = append(addrs, v6...)
			srcs = append(srcs, v6...)
			// the gateway endpoints' IP address types and S3's IPv6
			// list: a stream of its own
			addrs = append(addrs, n.gatewayEndpointsV6(rand.New(rand.NewPCG(seed, 18)))...)
		}
	}
	n.propagate(prng, subnets)
	// now and then an interface gets prefixes AWS picks at launch
	// (Interface.IPv4PrefixesUnknown, IPv6PrefixesUnknown): a free
	// address of its subnet is then undecided. A stream of its own.
	pfx := rand.New(rand.NewPCG(seed, 17))
	for i := range n.d.Interfaces {
		in := &n.d.Interfaces[i]
		if pfx.Float64() < 0.1 {
			in.IPv4PrefixesUnknown = "aws_network_interface." + in.ID + ": ipv4_prefixes"
		}
		if pfx.Float64() < 0.1 {
			in.IPv6PrefixesUnknown = "aws_network_interface." + in.ID + ": ipv6_prefixes"
		}
	}
	srcs = append(srcs, addrs[:5]...)
	return n, srcs, addrs
}

// propagate adds to some route tables routes their VPC's virtual
// private gateway propagated, each to a block of the table's other routes
// (where the static or prefix-list route takes priority), of the VPC
// (where local does), of a subnet or of the outside (where it may be the
// longest match).
func (n *refNet) propagate(rng *rand.Rand, subnets []netip.Prefix) {
	outside := []netip.Prefix{netip.MustParsePrefix("8.8.8.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("0.0.0.0/0")}
	for i := range n.d.RouteTables {
		rt := &n.d.RouteTables[i]
		if rt.Gateways != nil || rng.Float64() < 0.4 {
			continue
		}
		for range 1 + rng.IntN(3) {
			var dst netip.Prefix
			switch k := rng.IntN(5); {
			case k == 0 && len(rt.Routes) > 0:
				r := rt.Routes[rng.IntN(len(rt.Routes))]
				dst = r.Destination
				if slices.Contains(n.unresolved, r.PrefixList) {
					continue
				}
				if r.PrefixList != "" {
					l := n.list(r.PrefixList)
					dst = l[rng.IntN(len(l))]
				}
			case k == 1:
				dst = n.vpc(rt.VPC).CIDRs[0]
			case k == 2:
				dst = subnets[rng.IntN(len(subnets))]
			default:
				dst = outside[rng.IntN(len(outside))]
			}
			if !dst.IsValid() || slices.ContainsFunc(rt.Routes, func(r reach.Route) bool { return r.Propagated && r.Destination == dst }) {
				continue
			}
			rt.Routes = append(rt.Routes, reach.Route{Destination: dst, Target: reach.TargetUnmodelled, TargetID: "vgw-" + rt.VPC,
				TargetType: "virtual private gateway", Propagated: true})
		}
	}
}

func (n *refNet) build() (*reach.Model, error) {
	return n.d.Builder().AddPrefixList(n.lists...).AddPeering(n.peerings...).AddTransitGateway(n.tgws...).
		AddTGWRouteTable(n.tgwRTs...).AddTGWAttachment(n.tgwAtts...).AddGatewayEndpoint(n.gwEPs...).
		AddPrefixList(n.familyLists()...).AddUnresolvedPrefixList(n.unresolved...).Build()
}

// familyLists are the unresolved lists whose address family the input
// gives: lists with EntriesUnknown ([reach.PrefixList.AddressFamily]).
func (n *refNet) familyLists() []reach.PrefixList {
	var out []reach.PrefixList
	for _, id := range slices.Sorted(maps.Keys(n.families)) {
		out = append(out, reach.PrefixList{ID: id, EntriesUnknown: true, AddressFamily: n.families[id]})
	}
	return out
}

// randomFlow picks a flow between the design's addresses.
func randomFlow(rng *rand.Rand, srcs, dsts []netip.Addr) flow.Flow {
	src, dst := srcs[rng.IntN(len(srcs))], dsts[rng.IntN(len(dsts))]
	switch rng.IntN(4) {
	case 0:
		return flow.Flow{Protocol: flow.ICMP, Src: netip.AddrPortFrom(src, 0), Dst: netip.AddrPortFrom(dst, 0), ICMPType: flow.ICMPEchoRequest}
	case 1:
		return flow.Flow{Protocol: flow.UDP, Src: netip.AddrPortFrom(src, 40000), Dst: netip.AddrPortFrom(dst, 53)}
	}
	return flow.Flow{Protocol: flow.TCP, Src: netip.AddrPortFrom(src, reach.DefaultSourcePort), Dst: netip.AddrPortFrom(dst, 443)}
}

// sourceIface is the interface whose address src is (private, or of a
// prefix delegated to it), "" if none.
func (n *refNet) sourceIface(src netip.Addr) string {
	for _, in := range n.d.Interfaces {
		if holdsAddr(in, src) {
			return in.ID
		}
	}
	return ""
}

// multiVPC adds to an open design of two to four VPCs what joins them:
// zones for the subnets, peering connections in random states between
// some pairs, one or two transit gateways with VPC attachments (and
// perhaps a VPN one), associations, propagations, static and blackhole
// routes, and VPC routes to pcx-…, tgw-… and unmodelled vgw-… targets,
// some replacing routes to the other VPCs' blocks.
func (n *refNet) multiVPC(rng *rand.Rand) {
	d := n.d
	chance := func(p float64) bool { return rng.Float64() < p }
	zones := []string{"az-a", "az-b", "az-c"}
	for i := range d.Subnets {
		if chance(0.9) {
			d.Subnets[i].AvailabilityZone = zones[rng.IntN(len(zones))]
		}
	}
	statuses := []string{reach.PeeringActive, reach.PeeringActive, reach.PeeringActive, "", "pending-acceptance", "deleted", "rejected", "expired", "vanishing"}
	for i, a := range d.VPCs {
		for _, b := range d.VPCs[i+1:] {
			if !chance(0.6) {
				continue
			}
			req, acc := a.ID, b.ID
			if chance(0.5) {
				req, acc = acc, req
			}
			n.peerings = append(n.peerings, reach.Peering{ID: fmt.Sprintf("pcx-%s-%s", a.ID, b.ID), RequesterVPC: req, AccepterVPC: acc,
				Status: statuses[rng.IntN(len(statuses))]})
		}
	}
	var cidrs, pool []netip.Prefix // VPC blocks; TGW and VPC route destinations
	for _, v := range d.VPCs {
		cidrs = append(cidrs, v.CIDRs...)
	}
	pool = slices.Clone(cidrs)
	for _, s := range d.Subnets {
		pool = append(pool, s.CIDRs[0])
	}
	pool = append(pool, netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("8.8.0.0/16"))
	for k := range 1 + rng.IntN(2) {
		n.transitGateway(rng, fmt.Sprintf("tgw-%d", k), cidrs, pool)
	}
	for i := range d.RouteTables {
		rt := &d.RouteTables[i]
		if rt.Gateways != nil {
			continue // an edge table routes only into its VPC
		}
		var targets []reach.Route
		for _, p := range n.peerings {
			if p.RequesterVPC == rt.VPC || p.AccepterVPC == rt.VPC {
				targets = append(targets, reach.Route{Target: reach.TargetPeering, TargetID: p.ID})
			}
		}
		for _, g := range n.tgws {
			if slices.ContainsFunc(n.tgwAtts, func(a reach.TGWAttachment) bool {
				return a.TransitGateway == g.ID && a.Type == "vpc" && a.VPC == rt.VPC
			}) {
				targets = append(targets, reach.Route{Target: reach.TargetTransitGateway, TargetID: g.ID}, reach.Route{Target: reach.TargetTransitGateway, TargetID: g.ID})
			}
		}
		targets = append(targets, reach.Route{Target: reach.TargetUnmodelled, TargetID: "vgw-" + rt.VPC, TargetType: "virtual private gateway"})
		for range 1 + rng.IntN(4) {
			dst := pool[rng.IntN(len(pool))]
			if chance(0.5) {
				dst = cidrs[rng.IntN(len(cidrs))]
			}
			if n.vpcContains(rt.VPC, dst.Addr()) {
				continue
			}
			r := targets[rng.IntN(len(targets))]
			r.Destination = dst
			setRoute(rt, r)
		}
	}
	n.transitTraps(rng)
}

// setRoute puts r in rt, in place of the route for the same CIDR if any.
func setRoute(rt *reach.RouteTable, r reach.Route) {
	if j := slices.IndexFunc(rt.Routes, func(x reach.Route) bool { return x.PrefixList == "" && x.Destination == r.Destination }); j >= 0 {
		rt.Routes[j] = r
	} else {
		rt.Routes = append(rt.Routes, r)
	}
}

// transitTraps sets up, now and then, the path AWS forbids: a transit
// gateway table sends a peer VPC's block to the attachment of the VPC
// on this side of a peering, whose attachment subnet routes it on across
// the peering, so that packets from a third VPC try to transit it.
func (n *refNet) transitTraps(rng *rand.Rand) {
	for i := range n.tgwRTs {
		t := &n.tgwRTs[i]
		if len(n.peerings) == 0 || rng.Float64() < 0.6 {
			continue
		}
		p := n.peerings[rng.IntN(len(n.peerings))]
		x, y := p.RequesterVPC, p.AccepterVPC
		if rng.Float64() < 0.5 {
			x, y = y, x
		}
		j := slices.IndexFunc(n.tgwAtts, func(a reach.TGWAttachment) bool {
			return a.TransitGateway == t.TransitGateway && a.Type == "vpc" && a.VPC == x
		})
		if j < 0 {
			continue
		}
		dst := n.vpc(y).CIDRs[0]
		t.Routes = slices.DeleteFunc(t.Routes, func(r reach.TGWRoute) bool { return r.Destination == dst })
		t.Routes = append(t.Routes, reach.TGWRoute{Destination: dst, Attachment: n.tgwAtts[j].ID})
		s := n.subnet(n.tgwAtts[j].Subnets[0])
		table := s.RouteTable
		if table == "" {
			table = n.vpc(x).MainRouteTable
		}
		k := slices.IndexFunc(n.d.RouteTables, func(rt reach.RouteTable) bool { return rt.ID == table })
		setRoute(&n.d.RouteTables[k], reach.Route{Destination: dst, Target: reach.TargetPeering, TargetID: p.ID})
	}
}

// transitGateway adds transit gateway id with its route tables and
// attachments to the design's VPCs.
func (n *refNet) transitGateway(rng *rand.Rand, id string, cidrs, pool []netip.Prefix) {
	chance := func(p float64) bool { return rng.Float64() < p }
	n.tgws = append(n.tgws, reach.TransitGateway{ID: id})
	var tables []string
	for k := range 1 + rng.IntN(2) {
		tables = append(tables, fmt.Sprintf("%s-rtb-%d", id, k))
	}
	var atts []string
	for _, v := range n.d.VPCs {
		if !chance(0.75) {
			continue
		}
		a := reach.TGWAttachment{ID: fmt.Sprintf("%s-attach-%s", id, v.ID), TransitGateway: id, Type: "vpc", VPC: v.ID}
		zones := map[string]bool{}
		everyZone := chance(0.7) // a subnet in each zone, as AWS advises; else some
		for _, s := range n.d.Subnets {
			if s.VPC != v.ID || !everyZone && !chance(0.5) {
				continue
			}
			if z := s.AvailabilityZone; z == "" || !zones[z] {
				zones[z] = true
				a.Subnets = append(a.Subnets, s.ID)
			}
		}
		if len(a.Subnets) == 0 {
			a.Subnets = []string{n.d.Subnets[slices.IndexFunc(n.d.Subnets, func(s reach.Subnet) bool { return s.VPC == v.ID })].ID}
		}
		n.tgwAtts = append(n.tgwAtts, a)
		atts = append(atts, a.ID)
	}
	if chance(0.5) {
		n.tgwAtts = append(n.tgwAtts, reach.TGWAttachment{ID: id + "-attach-vpn", TransitGateway: id, Type: "vpn"})
		atts = append(atts, id+"-attach-vpn")
	}
	for i := range n.tgwAtts {
		a := &n.tgwAtts[i]
		if a.TransitGateway != id {
			continue
		}
		if chance(0.9) {
			a.RouteTable = tables[rng.IntN(len(tables))]
		}
		for _, t := range tables {
			if a.Type == "vpc" && chance(0.6) {
				a.Propagations = append(a.Propagations, t)
			}
		}
	}
	for _, t := range tables {
		rt := reach.TGWRouteTable{ID: t, TransitGateway: id}
		for range rng.IntN(4) {
			r := reach.TGWRoute{Destination: pool[rng.IntN(len(pool))]}
			if chance(0.4) {
				r.Destination = cidrs[rng.IntN(len(cidrs))] // perhaps beside a propagated route
			}
			if slices.ContainsFunc(rt.Routes, func(x reach.TGWRoute) bool { return x.Destination == r.Destination }) {
				continue
			}
			if len(atts) == 0 || chance(0.25) {
				r.Blackhole = true
			} else {
				r.Attachment = atts[rng.IntN(len(atts))]
			}
			rt.Routes = append(rt.Routes, r)
		}
		if vpn := id + "-attach-vpn"; slices.Contains(atts, vpn) && chance(0.5) {
			// The usual way to an on-premises network: a default route
			// to the VPN attachment.
			def := netip.MustParsePrefix("0.0.0.0/0")
			rt.Routes = slices.DeleteFunc(rt.Routes, func(r reach.TGWRoute) bool { return r.Destination == def })
			rt.Routes = append(rt.Routes, reach.TGWRoute{Destination: def, Attachment: vpn})
		}
		if chance(0.08) {
			rt.Missing = "the routes of " + t + " (search-transit-gateway-routes)"
		}
		n.tgwRTs = append(n.tgwRTs, rt)
	}
}

// gatewayEndpoints gives some VPCs an S3 gateway endpoint and routes to
// it by prefix list in some of their tables, now and then sends S3's
// addresses from the other VPCs through a transit gateway to such a VPC
// (which the endpoint refuses), and returns S3 addresses for flows to go
// to.
func (n *refNet) gatewayEndpoints(rng *rand.Rand) []netip.Addr {
	n.lists = append(n.lists, refS3List)
	for _, v := range n.d.VPCs {
		if rng.Float64() < 0.4 {
			continue
		}
		ep := reach.GatewayEndpoint{ID: "vpce-gw-" + v.ID, VPC: v.ID, Service: "com.amazonaws.us-east-1.s3", PrefixList: refS3List.ID}
		n.gwEPs = append(n.gwEPs, ep)
		for i := range n.d.RouteTables {
			if rt := &n.d.RouteTables[i]; rt.VPC == v.ID && rt.Gateways == nil && rng.Float64() < 0.6 {
				rt.Routes = append(rt.Routes, reach.Route{PrefixList: refS3List.ID, Target: reach.TargetGatewayEndpoint, TargetID: ep.ID})
			}
		}
	}
	s3 := refS3List.Entries[0]
	for i := range n.tgwRTs {
		t := &n.tgwRTs[i]
		j := slices.IndexFunc(n.tgwAtts, func(a reach.TGWAttachment) bool {
			return a.TransitGateway == t.TransitGateway && a.Type == "vpc" && slices.ContainsFunc(n.gwEPs, func(e reach.GatewayEndpoint) bool { return e.VPC == a.VPC })
		})
		if j < 0 || rng.Float64() < 0.5 {
			continue
		}
		att := n.tgwAtts[j]
		t.Routes = slices.DeleteFunc(t.Routes, func(r reach.TGWRoute) bool { return r.Destination == s3 })
		t.Routes = append(t.Routes, reach.TGWRoute{Destination: s3, Attachment: att.ID})
		for _, id := range att.Subnets {
			table := n.subnet(id).RouteTable
			if table == "" {
				table = n.vpc(att.VPC).MainRouteTable
			}
			rt := &n.d.RouteTables[slices.IndexFunc(n.d.RouteTables, func(rt reach.RouteTable) bool { return rt.ID == table })]
			if !slices.ContainsFunc(rt.Routes, func(r reach.Route) bool { return r.PrefixList == refS3List.ID }) {
				rt.Routes = append(rt.Routes, reach.Route{PrefixList: refS3List.ID, Target: reach.TargetGatewayEndpoint, TargetID: "vpce-gw-" + att.VPC})
			}
		}
		for k := range n.d.RouteTables {
			rt := &n.d.RouteTables[k]
			if rt.Gateways == nil && rt.VPC != att.VPC && rng.Float64() < 0.5 && slices.ContainsFunc(n.tgwAtts, func(a reach.TGWAttachment) bool {
				return a.TransitGateway == t.TransitGateway && a.Type == "vpc" && a.VPC == rt.VPC
			}) {
				setRoute(rt, reach.Route{Destination: s3, Target: reach.TargetTransitGateway, TargetID: t.TransitGateway})
			}
		}
	}
	return []netip.Addr{netip.MustParseAddr("52.217.1.1"), netip.MustParseAddr("3.5.0.9")}
}

// refS3ListV6 is S3's IPv6 prefix list of the generated dual-stack
// designs.
var refS3ListV6 = reach.PrefixList{ID: "pl-s3v6", Entries: []netip.Prefix{netip.MustParsePrefix("2600:1f68:8000::/39")}}

// gatewayEndpointsV6 gives each gateway endpoint of a dual-stack design
// an IP address type (ipv4, ipv6, dualstack, or none: unknown) and now
// and then a route by S3's IPv6 list beside a route by its IPv4 one, and
// returns an IPv6 S3 address for flows to go to.
func (n *refNet) gatewayEndpointsV6(rng *rand.Rand) []netip.Addr {
	if len(n.gwEPs) == 0 {
		return nil
	}
	n.lists = append(n.lists, refS3ListV6)
	for i := range n.gwEPs {
		ep := &n.gwEPs[i]
		ep.IPAddressType = []string{"", "ipv4", "ipv6", "dualstack"}[rng.IntN(4)]
		ep.PrefixList = "" // routes by either list
	}
	for i := range n.d.RouteTables {
		rt := &n.d.RouteTables[i]
		j := slices.IndexFunc(rt.Routes, func(r reach.Route) bool {
			return r.PrefixList == refS3List.ID && r.Target == reach.TargetGatewayEndpoint
		})
		if j >= 0 && rng.Float64() < 0.9 {
			rt.Routes = append(rt.Routes, reach.Route{PrefixList: refS3ListV6.ID, Target: reach.TargetGatewayEndpoint, TargetID: rt.Routes[j].TargetID})
		}
	}
	var out []netip.Addr
	for _, a := range []string{"2600:1f68:8000::10", "2600:1f68:8001::20", "2600:1f69:1::443", "2600:1f69:ffff::1"} {
		out = append(out, netip.MustParseAddr(a))
	}
	return out // several, so that enough flows go there
}

// dualStack gives a multi-VPC design IPv6: each VPC 2001:db8:V::/56 and
// each subnet a /64 of it, some interfaces an IPv6 address, groups and
// the VPCs' default ACLs open to IPv6 too; VPC routes to a transit
// gateway for other VPCs' IPv6 blocks (or ::/0), transit gateway
// attachments with and without IPv6 support and now and then static
// IPv6 routes in their tables. It returns the interfaces' IPv6
// addresses and one in each VPC that nothing holds.
func (n *refNet) dualStack(rng *rand.Rand) []netip.Addr {
	d := n.d
	chance := func(p float64) bool { return rng.Float64() < p }
	var out []netip.Addr
	var blocks []netip.Prefix
	for i := range d.VPCs {
		v := &d.VPCs[i]
		block := netip.MustParsePrefix(fmt.Sprintf("2001:db8:%x::/56", i+1))
		v.CIDRs = append(v.CIDRs, block)
		blocks = append(blocks, block)
		out = append(out, netip.MustParseAddr(fmt.Sprintf("2001:db8:%x:ff::77", i+1)))
		if k := slices.IndexFunc(d.ACLs, func(a nacl.ACL) bool { return a.ID == v.DefaultACL }); k >= 0 {
			d.ACLs[k] = nacl.NewDefault(v.DefaultACL, v.ID, true)
		}
		j := 0
		for s := range d.Subnets {
			if d.Subnets[s].VPC != v.ID {
				continue
			}
			d.Subnets[s].CIDRs = append(d.Subnets[s].CIDRs, netip.MustParsePrefix(fmt.Sprintf("2001:db8:%x:%x::/64", i+1, j)))
			for k := range d.Interfaces {
				in := &d.Interfaces[k]
				if in.Subnet == d.Subnets[s].ID && chance(0.7) {
					a := netip.MustParseAddr(fmt.Sprintf("2001:db8:%x:%x::%x", i+1, j, 0x10+k))
					in.PrivateIPs = append(in.PrivateIPs, a)
					out = append(out, a)
				}
			}
			j++
		}
	}
	for i := range d.Groups {
		for _, dir := range []flow.Direction{flow.Inbound, flow.Outbound} {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv6})
		}
	}
	for i := range n.tgwAtts {
		if a := &n.tgwAtts[i]; a.Type == "vpc" {
			a.IPv6Support = chance(0.65)
		}
	}
	var atts []string
	for _, a := range n.tgwAtts {
		atts = append(atts, a.ID)
	}
	for i := range n.tgwRTs {
		t := &n.tgwRTs[i]
		for k, b := range blocks {
			if !chance(0.5) {
				continue
			}
			r := reach.TGWRoute{Destination: b}
			var mine []string // the attachments of t's gateway, its own VPC's first
			for _, id := range atts {
				if a := n.attachment(id); a.TransitGateway == t.TransitGateway && a.VPC == d.VPCs[k].ID {
					mine = append([]string{id}, mine...)
				} else if a.TransitGateway == t.TransitGateway {
					mine = append(mine, id)
				}
			}
			switch {
			case len(mine) == 0 || chance(0.15):
				r.Blackhole = true
			case chance(0.7):
				r.Attachment = mine[0]
			default:
				r.Attachment = mine[rng.IntN(len(mine))]
			}
			t.Routes = append(t.Routes, r)
		}
	}
	for i := range d.RouteTables {
		rt := &d.RouteTables[i]
		if rt.Gateways != nil {
			continue
		}
		var tgws []string
		for _, a := range n.tgwAtts {
			if a.Type == "vpc" && a.VPC == rt.VPC {
				tgws = append(tgws, a.TransitGateway)
			}
		}
		if len(tgws) == 0 {
			continue
		}
		for k, b := range blocks {
			if d.VPCs[k].ID == rt.VPC || !chance(0.85) {
				continue
			}
			if chance(0.2) {
				b = netip.MustParsePrefix("::/0")
			}
			if !slices.ContainsFunc(rt.Routes, func(r reach.Route) bool { return r.PrefixList == "" && r.Destination == b }) {
				rt.Routes = append(rt.Routes, reach.Route{Destination: b, Target: reach.TargetTransitGateway, TargetID: tgws[rng.IntN(len(tgws))]})
			}
		}
	}
	return out
}

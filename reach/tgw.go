package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Transit gateways: the model (gateways, their route tables, their
// attachments), what Build checks of it, and the walk through one.
//
// The walk follows AWS's documentation (Amazon VPC Transit Gateways, "How
// transit gateways work" and "Network ACLs for transit gateways"):
//
//   - A VPC route to a transit gateway forwards the packet only when the
//     gateway's VPC attachment has a subnet in the Availability Zone of the
//     subnet the packet leaves ([TGWNoAttachmentInAZ] otherwise), and it
//     enters through that subnet (zones matched as at the exit below, by
//     AZ ID, else by name within one owner). Where the input lacks a zone that
//     decides it: an attachment with no subnet known to be in that zone
//     but some of unknown zone is an undecided hop
//     ([TGWEntryZoneUnknown]; one of them may be in the zone), and the
//     walk goes on through the first of them if they share a network ACL
//     (so that a certain block beyond decides: blocked either way), else
//     the leg ends there; a source subnet of unknown zone may enter
//     through any of the attachment's subnets, or may lie in a zone the
//     attachment has none in (the model does not know a VPC's zones):
//     undecided ([TGWEntryZoneUnknown]) unless the source subnet is
//     itself one of the attachment's, the walk going on through the first
//     if they share a network ACL (the packet's zone is then unknown to
//     the exit below, unless the attachment has one subnet), else the leg
//     ends there.
//   - Entering: the source subnet's network ACL judges the packet outbound
//     and the attachment subnet's ACL inbound, even when the two are one
//     subnet (AWS evaluates both then).
//   - The route table associated with the attachment the packet enters
//     through decides ([TGWNoAssociation] when there is none): longest
//     prefix first, at the same prefix a static route, then a route of a
//     prefix list reference ([TGWRoute.PrefixList]), then a VPC's, a
//     Direct Connect gateway's, a Connect's, a VPN's, a peering's
//     propagated one (AWS's Route evaluation order); a blackhole route
//     drops ([TGWBlackholeRoute]); no route drops ([TGWNoRoute]). A VPN, Direct Connect gateway or Connect
//     attachment (or a VPC attachment whose VPC the input lacks) that
//     propagates to a table not listed whole adds routes the input does
//     not hold (what its peer advertises): where one could decide (no
//     route found, or one a longer prefix or an earlier kind at its
//     prefix would beat) the hop is undecided ([TGWRoutesUnknown]).
//   - Leaving: through the destination attachment's subnet in the zone the
//     packet entered by (transit gateways keep traffic in its zone). Zones
//     are matched by AZ ID ([Subnet.AvailabilityZoneID]), by name only
//     between subnets of one owner ([Subnet.OwnerID]: AWS maps zone names
//     per account), and are undecided otherwise (tgw_zone.go). When the
//     attachment has none there (or the zone is unknown or undecided) and has
//     several subnets, AWS documents no rule for which it takes. Where the
//     subnets are alike for the packet (one route table, one network ACL,
//     none holding the destination, no route of theirs for it to a transit
//     gateway, and one Block Public Access exclusion when their route for
//     it leads to an internet gateway, an egress-only internet gateway or
//     a carrier gateway, where BPA judges the packet by the subnet it
//     leaves: it judges no other traffic), the trace shows the first, with
//     a detail that says so. Otherwise the check walks each subnet (the
//     request's choice and the reply's apart) and answers what every one
//     answers, the hop undecided ([TGWExitZoneUnknown]) where they differ:
//     see tgw_exit_fork.go, which also says when a design has too many
//     such attachments to walk (the hop is then undecided wherever the
//     subnets are not alike). An attachment with appliance mode ([TGWAttachment.ApplianceMode])
//     is left otherwise: see tgw_appliance.go. From there the attachment subnet's route table routes the
//     packet, and its ACL judges it outbound when it goes to another
//     subnet (not when the destination is in the attachment subnet, as AWS
//     evaluates neither ACL then).
//   - The reply is walked the same way from the destination: its VPC must
//     route back to the transit gateway.
//   - An attachment propagates its VPC's IPv6 blocks only when it has
//     IPv6 support ([TGWAttachment.IPv6Support]), AWS's default being
//     without. An IPv6 packet the table routes, when it entered or would
//     leave through a VPC attachment without IPv6 support, is undecided
//     ([TGWIPv6Unsupported]: AWS's documents differ on whether the
//     gateway carries it) and the walk goes on, so that a hop beyond
//     that blocks for certain still decides.
//   - An attachment to anything but a VPC (VPN, Direct Connect gateway,
//     Connect, peering) is an undecided hop ([UnmodelledTarget]), never a
//     fallback.
//   - A security group rule's reference to a group matches across a
//     transit gateway only as AWS documents its security group referencing
//     support: see tgw_sgref.go ([TransitGateway.SecurityGroupReferencing]).

// TransitGateway is a transit gateway (tgw-…).
type TransitGateway struct {
	ID   string
	Name string
	// SecurityGroupReferencing is the gateway's security group
	// referencing support (AWS's Options.SecurityGroupReferencingSupport
	// "enable"; AWS's default at the gateway is disable, false). With it,
	// and with the support left on at both VPC attachments a packet
	// crosses ([TGWAttachment.SecurityGroupReferencingDisabled]), an
	// inbound rule of the destination that references a group of the
	// source's VPC matches the packet; without it, the packet's group
	// identity is lost in the gateway. See tgw_sgref.go.
	SecurityGroupReferencing bool
	// SecurityGroupReferencingUnknown says what the input lacks about
	// that option (a dump from before AWS added it, a value known only
	// after apply); "" when SecurityGroupReferencing is known. Where a
	// group reference would decide a packet that crossed the gateway, the
	// security group hop is then undecided ([SGIndeterminate]).
	SecurityGroupReferencingUnknown string
}

// TGWRoute is a route of a transit gateway route table: a destination
// CIDR block and the attachment it sends packets to, or a blackhole.
type TGWRoute struct {
	Destination netip.Prefix
	// Attachment is the tgw-attach-… packets go to; "" for a blackhole.
	Attachment string
	// Propagated marks a route an attachment propagated. At the same
	// prefix AWS chooses a static route (Propagated false, PrefixList
	// "") first, then a route of a prefix list reference (PrefixList),
	// then the route propagated by a VPC attachment, a Direct Connect
	// gateway, a Connect, a VPN, a peering attachment (a transit gateway
	// peering or Cloud WAN), in that order (Amazon VPC Transit Gateways,
	// "How transit gateways work", Route evaluation order), so Routes may
	// hold routes of one prefix of different kinds: a static one, a
	// prefix list's, and propagated ones from attachments of different
	// types. Two routes of one prefix and one kind (two static, two of
	// prefix lists, two propagated by VPC attachments) are an error. A
	// propagated blackhole (its attachment unnamed), or a route
	// propagated by an attachment of another type, shares its prefix
	// with no other propagated route.
	Propagated bool
	// PrefixList is the prefix list (pl-…) whose reference in the table
	// made the route: AWS shows each entry of a referenced prefix list as
	// a route of its own (its Destination), to the reference's
	// attachment or a blackhole. AWS lists such a route as propagated
	// (search-transit-gateway-routes: Type propagated, PrefixListId set),
	// but no attachment propagated it, so Propagated stays false (Build
	// refuses both) and it ranks after a static route and before every
	// propagated one. "" for any other route.
	PrefixList string
	// Blackhole drops the packets the route matches.
	Blackhole bool
}

// TGWRouteTable is a transit gateway route table.
type TGWRouteTable struct {
	ID             string // tgw-rtb-…
	Name           string
	TransitGateway string
	Routes         []TGWRoute
	// Missing says what the input lacks about the table's routes (they
	// were not dumped, or only partly); a packet looked up in such a table
	// is undecided ([TGWRoutesUnknown]). "" when the routes are known.
	Missing string
	// Listed says Routes is the table's whole route list as AWS shows it
	// (search-transit-gateway-routes), its propagated routes included
	// (a VPN's too): Build then adds no route for the attachments'
	// Propagations, nor takes any route as unlisted, since
	// AWS shows every route it propagated and adds none it did not (the
	// block of a VPC that overlaps one propagated already, say). aws.Load
	// sets it for every table whose routes it read, unless the listing
	// evidently leaves propagated routes out.
	Listed bool
}

// TGWAttachment is a transit gateway attachment (tgw-attach-…).
type TGWAttachment struct {
	ID             string
	Name           string
	TransitGateway string
	// Type is the attached resource's type as AWS writes it: "vpc",
	// "vpn", "direct-connect-gateway", "connect", "peering"... Only "vpc"
	// attachments are modelled; a packet routed to any other is undecided
	// ([UnmodelledTarget]).
	Type string
	// VPC and Subnets, for a VPC attachment: the VPC and the subnets (one
	// per Availability Zone, each with an IPv4 block: AWS creates no
	// attachment in an IPv6-only subnet, and Build refuses one) the
	// gateway has its interfaces in.
	VPC     string
	Subnets []string
	// ApplianceMode, for a VPC attachment, is its appliance mode support
	// (AWS's Options.ApplianceModeSupport "enable"): the transit gateway
	// then sends both directions of a flow through the same subnet of the
	// attachment, the one its flow hash picks, whatever zone the flow
	// comes from. Without it (false), a packet leaves through the
	// attachment's subnet in the zone it entered by, so a reply from
	// another zone may come back through another subnet (and another
	// firewall endpoint). See tgw_appliance.go for how the walk decides
	// which subnet the hash picks.
	ApplianceMode bool
	// IPv6Support, for a VPC attachment, is its IPv6 support (AWS's
	// Options.Ipv6Support "enable"; AWS's default is disable, false).
	// Only with it does the attachment propagate its VPC's IPv6 blocks
	// ([TGWAttachment.Propagations]) and do the gateway's interfaces in
	// its subnets get IPv6 addresses. Whether the gateway carries IPv6
	// through an attachment without it (by static routes) AWS's
	// documents leave open (API reference: "The setting does not filter
	// IPv6 traffic"; the IPv6 on AWS whitepaper: the attachment's
	// interfaces "need to have IPv6 addresses assigned to them"), so an
	// IPv6 packet that would enter or leave through such an attachment is
	// undecided ([TGWIPv6Unsupported]).
	IPv6Support bool
	// SecurityGroupReferencingDisabled, for a VPC attachment, is its
	// security group referencing support turned off (AWS's
	// Options.SecurityGroupReferencingSupport "disable"). AWS's default
	// at an attachment is enable, the zero value here; the support works
	// only where the transit gateway has it too
	// ([TransitGateway.SecurityGroupReferencing], off by default), so a
	// design that sets neither keeps AWS's default: no group reference
	// matches across the gateway.
	SecurityGroupReferencingDisabled bool
	// SecurityGroupReferencingUnknown says what the input lacks about
	// that option of a VPC attachment; "" when it is known. As for
	// [TransitGateway.SecurityGroupReferencingUnknown].
	SecurityGroupReferencingUnknown string
	// RouteTable is the transit gateway route table the attachment is
	// associated with, which routes the packets entering through it; ""
	// for none.
	RouteTable string
	// Propagations are the route tables the attachment propagates its
	// routes to. For a VPN, Direct Connect gateway or Connect attachment
	// (or a VPC attachment whose VPC the input lacks) those routes are
	// what its peer advertises, which the input does not hold: in a table
	// not [TGWRouteTable.Listed], a lookup one of them could decide (no
	// route found, or one a longer prefix, or an earlier kind at its
	// prefix in AWS's route evaluation order, would beat) is undecided
	// ([TGWRoutesUnknown]). A VPC attachment propagates its VPC's CIDR
	// blocks. Build adds a propagated route for each block to
	// each table, the IPv6 blocks only with [TGWAttachment.IPv6Support], as
	// AWS does (or when Missing is set: its options are unknown then, and
	// what its routes send it is undecided anyway), except:
	//   - to a table whose routes are listed whole ([TGWRouteTable.Listed]):
	//     none;
	//   - a block that equals or overlaps the destination of a route the
	//     table's Routes hold as propagated by a VPC attachment: AWS does
	//     not propagate the block of a VPC that overlaps one attached (and
	//     propagated) before it (Amazon VPC Transit Gateways, "Amazon VPC
	//     attachments", Limits; EC2 API reference,
	//     CreateTransitGatewayVpcAttachment). A route propagated by a VPN,
	//     Direct Connect gateway or Connect attachment does not stop it:
	//     AWS keeps both, the longest prefix winning, and at the same
	//     prefix the VPC's ([TGWRoute.Propagated]). A propagated blackhole
	//     (its attachment unnamed, a VPC's or not) makes the overlapping
	//     block undecided, as below;
	//   - blocks of two attachments that equal or overlap each other, both
	//     propagated to one table and neither in its Routes: which VPC was
	//     attached first, and so which block AWS propagated, the input does
	//     not say; both routes are added as undecided, and a packet that
	//     one of them routes is undecided ([TGWPropagationUnknown]).
	// A static route does not stop a propagation (AWS keeps both, and the
	// static one wins at the same prefix).
	Propagations []string
	// Missing says what the input lacks about the attachment (its
	// subnets, say); a packet routed to it is undecided. "" when known.
	Missing string
	// StateUnknown says why the input does not decide whether the
	// attachment is available, the only state in which it carries
	// traffic: a VPC attachment to another account's transit gateway
	// that nothing in the input accepts, say, which may stay pending
	// acceptance (a Terraform plan's). "" when it is available (an AWS
	// dump holds only attachments that are). A packet that would cross
	// the gateway through it, entering or leaving, is undecided
	// ([TGWAttachmentStateUnknown]) and the walk goes on as if it were
	// available; a packet its routes do not decide is judged as usual.
	StateUnknown string
}

// AddTransitGateway adds transit gateways.
func (b *Builder) AddTransitGateway(g ...TransitGateway) *Builder {
	b.tgws = append(b.tgws, g...)
	return b
}

// AddTGWRouteTable adds transit gateway route tables.
func (b *Builder) AddTGWRouteTable(t ...TGWRouteTable) *Builder {
	b.tgwRTs = append(b.tgwRTs, t...)
	return b
}

// AddTGWAttachment adds transit gateway attachments.
func (b *Builder) AddTGWAttachment(a ...TGWAttachment) *Builder {
	b.tgwAtts = append(b.tgwAtts, a...)
	return b
}

type tgwInfo struct {
	TransitGateway
	byVPC map[string]*tgwAttInfo // the VPC attachments, by VPC
}

type tgwRTInfo struct {
	TGWRouteTable
	tgw    *tgwInfo
	routes []tgwCompiled
	// hidden are the attachments that propagate to the table, not Listed,
	// routes the input does not hold: a VPN, Direct Connect gateway or
	// Connect attachment (what its peer advertises), or a VPC attachment
	// whose VPC the model lacks (Missing). A lookup such a route could
	// decide is undecided (hiddenRoute).
	hidden []*tgwAttInfo
}

type tgwCompiled struct {
	TGWRoute
	att *tgwAttInfo // nil for a blackhole
	// unsure names the blocks of other attachments, propagated to the
	// same table, that this propagated route's block overlaps ("10.2.1.0/24
	// of att-c"), and the listed propagated blackholes it overlaps (whose
	// attachment, a VPC's or not, is unnamed): AWS holds only the route of
	// the VPC attached first, which the input does not say. "" when AWS
	// holds the route.
	unsure string
}

type tgwAttInfo struct {
	TGWAttachment
	tgw     *tgwInfo
	rt      *tgwRTInfo
	subnets []*subnetInfo
}

// buildTransitGateways checks and links the transit gateways, their route
// tables and attachments, once VPCs and subnets are known.
func (b *Builder) buildTransitGateways(p *problems, m *Model) {
	m.tgws, m.tgwRTs, m.tgwAtts = map[string]*tgwInfo{}, map[string]*tgwRTInfo{}, map[string]*tgwAttInfo{}
	b.firsts["transitGateways"] = unique(p, "transitGateways", b.tgws, func(g TransitGateway) string { return g.ID })
	b.firsts["tgwRouteTables"] = unique(p, "tgwRouteTables", b.tgwRTs, func(t TGWRouteTable) string { return t.ID })
	b.firsts["tgwAttachments"] = unique(p, "tgwAttachments", b.tgwAtts, func(a TGWAttachment) string { return a.ID })
	for i, g := range b.tgws {
		if !b.skip("transitGateways", i, g.ID) {
			m.tgws[g.ID] = &tgwInfo{TransitGateway: g, byVPC: map[string]*tgwAttInfo{}}
		}
	}
	for i, t := range b.tgwRTs {
		if b.skip("tgwRouteTables", i, t.ID) {
			continue
		}
		g, ok := m.tgws[t.TransitGateway]
		if !ok {
			p.add(t.ID, path("tgwRouteTables", i, "TransitGateway"), t.TransitGateway, "unknown transit gateway")
			continue
		}
		t.Routes = slices.Clone(t.Routes)
		m.tgwRTs[t.ID] = &tgwRTInfo{TGWRouteTable: t, tgw: g}
	}
	for i, a := range b.tgwAtts {
		if !b.skip("tgwAttachments", i, a.ID) {
			b.buildTGWAttachment(p, m, i, a)
		}
	}
	for i, t := range b.tgwRTs {
		if ti, ok := m.tgwRTs[t.ID]; ok && !b.skip("tgwRouteTables", i, t.ID) {
			b.compileTGWRoutes(p, m, i, ti)
		}
	}
	b.propagate(m)
	for _, a := range m.tgwAtts {
		m.zoneForks = m.zoneForks || a.ApplianceMode && len(a.subnets) > 1
	}
}

func (b *Builder) buildTGWAttachment(p *problems, m *Model, i int, a TGWAttachment) {
	g, ok := m.tgws[a.TransitGateway]
	if !ok {
		p.add(a.ID, path("tgwAttachments", i, "TransitGateway"), a.TransitGateway, "unknown transit gateway")
		return
	}
	a.Subnets, a.Propagations = slices.Clone(a.Subnets), slices.Clone(a.Propagations)
	ai := &tgwAttInfo{TGWAttachment: a, tgw: g}
	tableOf := func(field, id string) *tgwRTInfo {
		t, ok := m.tgwRTs[id]
		switch {
		case !ok:
			p.add(a.ID, path("tgwAttachments", i, field), id, "unknown transit gateway route table")
		case t.TransitGateway != a.TransitGateway:
			p.add(a.ID, path("tgwAttachments", i, field), id, "route table belongs to %s", t.TransitGateway)
		default:
			return t
		}
		return nil
	}
	if a.RouteTable != "" {
		ai.rt = tableOf("RouteTable", a.RouteTable)
	}
	for j, id := range a.Propagations {
		tableOf(fmt.Sprintf("Propagations[%d]", j), id)
	}
	if a.Type == "vpc" && a.Missing == "" {
		vi, ok := m.vpcs[a.VPC]
		switch {
		case !ok:
			p.add(a.ID, path("tgwAttachments", i, "VPC"), a.VPC, "unknown VPC")
		case g.byVPC[a.VPC] != nil:
			p.add(a.ID, path("tgwAttachments", i, "VPC"), a.VPC, "%s already has attachment %s to %s", a.VPC, g.byVPC[a.VPC].ID, g.ID)
		default:
			g.byVPC[a.VPC] = ai
		}
		if len(a.Subnets) == 0 {
			p.add(a.ID, path("tgwAttachments", i, "Subnets"), "", "a VPC attachment needs a subnet")
		}
		zones := map[string]string{}
		for j, id := range a.Subnets {
			sp := path("tgwAttachments", i, fmt.Sprintf("Subnets[%d]", j))
			si, ok := m.subnets[id]
			switch {
			case !ok:
				p.add(a.ID, sp, id, "unknown subnet")
				continue
			case vi != nil && si.vpc != vi:
				p.add(a.ID, sp, id, "subnet belongs to %s", si.VPC)
				continue
			case len(si.CIDRs) > 0 && !slices.ContainsFunc(si.CIDRs, func(c netip.Prefix) bool { return c.Addr().Is4() }):
				// Amazon VPC Transit Gateways, "Amazon VPC attachments", Limits.
				p.add(a.ID, sp, id, "attachment %s cannot use subnet %s: it is IPv6-only (%s), and AWS creates no transit gateway attachment in an IPv6-only subnet", a.ID, id, prefixList(si.CIDRs))
				continue
			case si.AvailabilityZone != "" && zones[si.AvailabilityZone] != "":
				p.add(a.ID, sp, id, "a VPC attachment has one subnet per Availability Zone; %s has %s already", si.AvailabilityZone, zones[si.AvailabilityZone])
				continue
			}
			zones[si.AvailabilityZone] = id
			ai.subnets = append(ai.subnets, si)
		}
	}
	m.tgwAtts[a.ID] = ai
}

func (b *Builder) compileTGWRoutes(p *problems, m *Model, i int, ti *tgwRTInfo) {
	type key struct {
		p    netip.Prefix
		rank int
	}
	seen := map[key]int{}
	for j, r := range ti.Routes {
		rp := path("tgwRouteTables", i, fmt.Sprintf("Routes[%d]", j))
		if !r.Destination.IsValid() || r.Destination.Addr().Is4In6() {
			p.add(ti.ID, rp+".Destination", r.Destination.String(), "not a CIDR block")
			continue
		}
		r.Destination = r.Destination.Masked()
		c := tgwCompiled{TGWRoute: r}
		switch {
		case r.Propagated && r.PrefixList != "":
			p.add(ti.ID, rp+".Propagated", r.PrefixList, "a route of a prefix list reference is not propagated by an attachment (though AWS lists it as propagated): leave Propagated false")
			continue
		case r.Blackhole && r.Attachment != "":
			p.add(ti.ID, rp+".Attachment", r.Attachment, "a blackhole route has no attachment")
			continue
		case r.Blackhole:
		default:
			a, ok := m.tgwAtts[r.Attachment]
			switch {
			case r.Attachment == "":
				p.add(ti.ID, rp+".Attachment", "", "a route needs an attachment, or is a blackhole")
				continue
			case !ok:
				p.add(ti.ID, rp+".Attachment", r.Attachment, "unknown transit gateway attachment")
				continue
			case a.TransitGateway != ti.TransitGateway:
				p.add(ti.ID, rp+".Attachment", r.Attachment, "attachment belongs to %s", a.TransitGateway)
				continue
			}
			c.att = a
		}
		// One route per prefix and rank (AWS keeps a VPC's and a VPN's
		// propagated routes of one prefix, the VPC's chosen, and a prefix
		// list's route beside both); a propagated route of unplaced rank
		// shares its prefix with no propagated one.
		k := key{r.Destination, tgwRank(&c)}
		prev, dup := seen[k]
		for rank := tgwRankVPC; !dup && r.Propagated && rank <= tgwRankUnknown; rank++ {
			if k.rank == tgwRankUnknown || rank == tgwRankUnknown {
				prev, dup = seen[key{r.Destination, rank}]
			}
		}
		if dup {
			p.add(ti.ID, rp+".Destination", r.Destination.String(), "destination already routed by Routes[%d]", prev)
			continue
		}
		seen[k] = j
		ti.routes = append(ti.routes, c)
	}
}

// propagate adds the propagated routes the attachments' Propagations
// imply, as [TGWAttachment.Propagations] says, in the attachments' order.
func (b *Builder) propagate(m *Model) {
	type block struct {
		att *tgwAttInfo
		c   netip.Prefix
	}
	var tables []*tgwRTInfo
	blocks := map[*tgwRTInfo][]block{}
	for i, a := range b.tgwAtts {
		ai, ok := m.tgwAtts[a.ID]
		if !b.skip("tgwAttachments", i, a.ID) && ok {
			m.hideRoutes(ai) // tgw_hidden.go
		}
		if b.skip("tgwAttachments", i, a.ID) || !ok || a.Type != "vpc" || m.vpcs[a.VPC] == nil {
			continue
		}
		for _, id := range a.Propagations {
			t, ok := m.tgwRTs[id]
			if !ok || t.TransitGateway != a.TransitGateway || t.Listed {
				continue
			}
			for _, c := range m.vpcs[a.VPC].CIDRs {
				if c.Addr().Is6() && !a.IPv6Support && a.Missing == "" {
					continue // AWS propagates IPv6 blocks only with IPv6 support
				}
				if slices.ContainsFunc(t.routes, func(r tgwCompiled) bool {
					return r.Propagated && r.att != nil && r.att.Type == "vpc" && r.Destination.Overlaps(c)
				}) {
					continue // the table holds it, or holds an overlapping VPC block AWS propagated instead
				}
				if slices.Contains(blocks[t], block{ai, c}) {
					continue
				}
				if blocks[t] == nil {
					tables = append(tables, t)
				}
				blocks[t] = append(blocks[t], block{ai, c})
			}
		}
	}
	for _, t := range tables {
		for _, k := range blocks[t] {
			var with []string
			for _, o := range blocks[t] {
				if o.att != k.att && o.c.Overlaps(k.c) {
					with = append(with, fmt.Sprintf("%s of %s", o.c, o.att.ID))
				}
			}
			// A propagated blackhole names no attachment: if a VPC's, AWS
			// did not propagate k's block; if a VPN's, say, it did.
			for _, r := range t.routes {
				if r.Propagated && r.att == nil && r.Destination.Overlaps(k.c) {
					with = append(with, fmt.Sprintf("the propagated blackhole route %s (of an attachment the input does not name)", r.Destination))
				}
			}
			r := tgwCompiled{TGWRoute: TGWRoute{Destination: k.c, Attachment: k.att.ID, Propagated: true}, att: k.att}
			if len(with) > 0 {
				r.unsure = strings.Join(with, " and ")
			}
			t.routes = append(t.routes, r)
		}
	}
}

// checkTGWRoute checks a VPC route to a transit gateway: the gateway
// must have a VPC attachment to the table's VPC.
func (b *Builder) checkTGWRoute(p *problems, m *Model, rt RouteTable, rp string, cr *compiledRoute) {
	g, ok := m.tgws[cr.TargetID]
	switch {
	case !ok:
		p.add(rt.ID, rp, cr.TargetID, "unknown transit gateway")
	case g.byVPC[rt.VPC] == nil:
		p.add(rt.ID, rp, cr.TargetID, "transit gateway %s has no VPC attachment to %s", cr.TargetID, rt.VPC)
	}
}

func tgwLabel(g *tgwInfo) string {
	if g.Name != "" {
		return fmt.Sprintf("%s (%s)", g.Name, g.ID)
	}
	return g.ID
}

// throughTGW looks pkt up in the route table of the attachment it entered
// through (in its subnet in, in zone zone: as far as the input says) and
// sends it on.
func (w *walker) throughTGW(pkt flow.Flow, g *tgwInfo, att *tgwAttInfo, in *subnetInfo, zone tgwZone, detail string) arrival {
	h := Hop{Kind: KindTransitGateway, ID: att.ID, Name: tgwLabel(g), Packet: pkt}
	if detail != "" {
		h.addDetail(detail)
	}
	t := att.rt
	if t == nil {
		h.Verdict, h.Code = flow.Deny, TGWNoAssociation
		h.reason = fmt.Sprintf("attachment %s is associated with no route table of %s, so nothing routes what enters through it", att.ID, g.ID)
		h.Fix = fmt.Sprintf("associate %s with a route table of %s", att.ID, g.ID)
		return w.stop(h)
	}
	h.ID = t.ID
	if cycle, ok := w.revisit(KindTransitGateway, t.ID, pkt); ok {
		return w.stop(loopHop(KindTransitGateway, t.ID, h.Name, pkt, cycle))
	}
	if w.steps++; w.steps > maxSteps {
		h.Verdict, h.Code = flow.Deny, RoutingLoop
		h.reason = fmt.Sprintf("the packet was forwarded %d times: a routing loop", maxSteps)
		return w.stop(h)
	}
	dst := pkt.Dst.Addr()
	if t.Missing != "" {
		h.Verdict, h.Code = flow.Indeterminate, TGWRoutesUnknown
		h.reason = fmt.Sprintf("the routes of %s, which routes what enters through %s, are not in the input", t.ID, att.ID)
		h.Missing = t.Missing
		h.Fix = fmt.Sprintf("add the routes of %s to the input", t.ID)
		return w.stop(h)
	}
	r, ok := t.lookup(dst)
	if why := t.hiddenRoute(r, dst); why != "" {
		h.Verdict, h.Code = flow.Indeterminate, TGWRoutesUnknown
		if r != nil {
			h.Rule = fmt.Sprintf("%s via %s", r.Destination, cmp.Or(r.Attachment, "blackhole"))
		}
		h.reason = fmt.Sprintf("%s, which routes what enters through %s, may hold routes the input does not: %s", t.ID, att.ID, why)
		h.Missing = fmt.Sprintf("the routes %s to %s, which the input does not list (%s)", attsPropagate(t.hidden), t.ID, why)
		h.Fix = t.hiddenFix() // tgw_hidden.go
		return w.stop(h)
	}
	if !ok {
		h.Verdict, h.Code = flow.Deny, TGWNoRoute
		h.reason = fmt.Sprintf("%s (associated with %s) has no route for %s", t.ID, att.ID, dst)
		h.Fix = fmt.Sprintf("add a route for %s to %s, or propagate the destination's attachment to it", dst, t.ID)
		return w.stop(h)
	}
	kind := "static"
	switch {
	case r.PrefixList != "":
		kind = "prefix list " + r.PrefixList
	case r.Propagated:
		kind = "propagated"
	}
	if r.unsure != "" {
		h.Verdict, h.Code, h.Rule = flow.Indeterminate, TGWPropagationUnknown, fmt.Sprintf("%s via %s (%s)", r.Destination, r.att.ID, kind)
		h.reason = fmt.Sprintf("%s matches %s in %s, a route AWS may not hold: %s overlaps %s, also propagated to %s, and AWS propagates only the block of the VPC attached first",
			dst, h.Rule, t.ID, r.Destination, r.unsure, t.ID)
		h.Missing = fmt.Sprintf("whether %s holds the route %s propagated by %s: it overlaps %s, and %s propagates only the block of the VPC attached first", t.ID, r.Destination, r.att.ID, r.unsure, g.ID)
		h.Fix = fmt.Sprintf("list the routes AWS holds in %s once applied (aws ec2 search-transit-gateway-routes), or give the overlapping VPCs distinct blocks", t.ID)
		return w.stop(h)
	}
	if r.Blackhole {
		h.Verdict, h.Code, h.Rule = flow.Deny, TGWBlackholeRoute, fmt.Sprintf("%s blackhole (%s)", r.Destination, kind)
		h.reason = fmt.Sprintf("%s matches the blackhole route %s of %s, which drops it", dst, r.Destination, t.ID)
		h.Fix = fmt.Sprintf("replace the blackhole route %s in %s with one to the destination's attachment", r.Destination, t.ID)
		return w.stop(h)
	}
	h.Rule = fmt.Sprintf("%s via %s (%s)", r.Destination, r.att.ID, kind)
	h.Verdict = flow.Allow
	h.reason = fmt.Sprintf("%s matches %s in %s, the route table of %s (longest prefix, then static, prefix list, VPC-, Direct Connect-, Connect-, VPN-, peering-propagated)", dst, h.Rule, t.ID, att.ID)
	forkExit := false // the walk tries each subnet of r.att the packet may leave by (tgw_exit_fork.go)
	if why, _ := w.m.exitUnknown(r.att, zone, dst); why != "" {
		if forkExit = w.m.exitForks(r.att); !forkExit {
			w.m.undecideExit(&h, zonePoint{att: r.att, leg: w.leg, exit: true, az: zone, dst: dst}, "")
			return w.stop(h)
		}
	}
	if dst.Is6() {
		ipv6Unsupported(&h, att, r.att)
	}
	if att.StateUnknown != "" || r.att.StateUnknown != "" {
		stateUnknown(&h, att, r.att)
	}
	w.add(h)
	w.visited = append(w.visited, visit{kind: KindTransitGateway, id: t.ID, pkt: pkt, rule: h.Rule})
	w.crossTGW(g, att, r.att) // tgw_sgref.go
	if forkExit {
		sub := w.exitSubnet(pkt, r.att, zone)
		if sub == nil {
			return arrival{} // the hop is undecided: by walkZones (too many choices) or exitWorldSubnet
		}
		return w.route(pkt, sub)
	}
	return w.outOfTGW(pkt, g, r.att, zone)
}

// ipv6Unsupported makes h, the hop of an IPv6 packet that entered
// through in and that its route sends to out, undecided when in, or out
// if it is a VPC attachment, has no IPv6 support: AWS's documents differ
// on whether the transit gateway carries IPv6 through such an attachment
// (see [TGWAttachment.IPv6Support]).
func ipv6Unsupported(h *Hop, in, out *tgwAttInfo) {
	var without []string
	if !in.IPv6Support {
		without = append(without, in.ID)
	}
	if out != in && out.Type == "vpc" && out.Missing == "" && !out.IPv6Support {
		without = append(without, out.ID)
	}
	if len(without) == 0 {
		return
	}
	ids := strings.Join(without, " and ")
	h.Verdict, h.Code = flow.Indeterminate, TGWIPv6Unsupported
	h.reason += fmt.Sprintf("; but %s, which the packet crosses, has IPv6 support disabled (its transit gateway interfaces have no IPv6 address), and AWS's documents differ on whether IPv6 passes then", ids)
	h.Missing = fmt.Sprintf("whether the transit gateway carries IPv6 through %s, IPv6 support disabled", ids)
	h.Fix = fmt.Sprintf("enable IPv6 support on %s (Options.Ipv6Support enable; Terraform's ipv6_support)", ids)
}

// outOfTGW hands pkt to attachment out, in zone az when it can.
func (w *walker) outOfTGW(pkt flow.Flow, g *tgwInfo, out *tgwAttInfo, az tgwZone) arrival {
	if out.Type != "vpc" || out.Missing != "" {
		what := out.Type + " attachment"
		missing := fmt.Sprintf("what lies beyond %s (%s %s): reachsim models VPC attachments only", out.ID, article(what), what)
		if out.Missing != "" {
			missing = out.Missing
		}
		return w.stop(Hop{Kind: KindUnmodelled, ID: out.ID, Name: what, Packet: pkt, Verdict: flow.Indeterminate, Code: UnmodelledTarget,
			reason:  fmt.Sprintf("%s sends the packet to %s, %s %s, which reachsim does not model: what happens beyond it is unknown", g.ID, out.ID, article(what), what),
			Missing: missing,
			Fix:     fmt.Sprintf("check the path beyond %s by hand (AWS Reachability Analyzer can follow it)", out.ID)})
	}
	if out.ApplianceMode && len(out.subnets) > 1 {
		var sub *subnetInfo
		if w.m.world != nil {
			sub = w.worldSubnet(pkt, out) // a zone world of a set question (tgw_worlds.go)
		} else {
			sub = w.applianceSubnet(pkt, out, az)
		}
		if sub == nil {
			return arrival{} // the hop is undecided: by walkZones (too many choices) or worldSubnet
		}
		return w.route(pkt, sub)
	}
	sub := out.subnetIn(az)
	if sub == nil {
		sub = out.subnets[0]
		if i := len(*w.hops) - 1; i >= 0 && len(out.subnets) > 1 {
			(*w.hops)[i].addDetail(fmt.Sprintf("%s has no subnet in %s (or the zone is unknown, or undecided across accounts), and AWS does not say which of its subnets the packet leaves through; they are alike for it (one route table, one network ACL), so the trace shows %s, its first", out.ID, orUnknown(az.String()), sub.ID))
		}
	}
	return w.route(pkt, sub)
}

// orUnknown is s, or "the packet's zone" when s is empty.
func orUnknown(s string) string {
	if s == "" {
		return "the packet's zone"
	}
	return s
}

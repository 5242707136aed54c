package terraform

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Gateways, prefix lists and peering connections:
// aws_egress_only_internet_gateway, aws_nat_gateway (and its Elastic
// IPs), aws_ec2_managed_prefix_list (inline entries) and
// aws_ec2_managed_prefix_list_entry, aws_vpc_peering_connection. The
// Elastic IPs of instances and interfaces are in eip.go.

// extras is what these readers assemble, in plan order.
type extras struct {
	eigws    []reach.EgressOnlyInternetGateway
	nats     []reach.NATGateway
	lists    map[string]*reach.PrefixList
	listIDs  []string
	peerings []reach.Peering
	// interRegion are the peerings whose VPCs may be in two Regions
	// (peeringRegions)
	interRegion []interRegion
	// entriesOf are the prefix lists the plan does not hold that an
	// aws_ec2_managed_prefix_list_entry adds to, with the entry's address
	entriesOf [][2]string
	vpces     []*vpceRec // gateway endpoints (endpoints.go)
	// eipOn records the Elastic IP associations read (eip.go), by
	// interface and private address
	eipOn map[eipSlot]eipUse
}

// readEIGW reads an aws_egress_only_internet_gateway.
func (r *reader) readEIGW(in *instance) {
	g := reach.EgressOnlyInternetGateway{ID: in.id, Name: nameTag(in)}
	g.VPC, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	r.ext.eigws = append(r.ext.eigws, g)
}

// eipPublic returns the public address of the aws_eip instance t.
func (r *reader) eipPublic(t *instance) (netip.Addr, bool) {
	return r.addr(t, "public_ip", true)
}

// readNAT reads an aws_nat_gateway: its private address, and for a
// public one its public address (its own, or its Elastic IP's).
func (r *reader) readNAT(in *instance) {
	n := reach.NATGateway{ID: in.id, Name: nameTag(in)}
	n.Subnet, _ = r.linkOne(in, "subnet_id", "aws_subnet")
	ct, _ := r.str(in, "connectivity_type", false)
	n.Private = ct == "private"
	if isUnknown(in.unknown, "private_ip") {
		n.PrivateIPUnknown = in.addr + ": private_ip" // AWS picks it (see reach.NATGateway)
	} else if a, ok := r.addr(in, "private_ip", true); ok {
		n.PrivateIP = a
	}
	if !n.Private {
		if a, ok := r.addr(in, "public_ip", false); ok {
			n.PublicIP = a
		} else if eip, ok := r.linkOne(in, "allocation_id", "aws_eip"); ok && eip != "" {
			t := r.byAdr[eip]
			switch {
			case t == nil:
				// an Elastic IP the plan does not hold: its address is not known here
				n.PublicIPUnknown = in.addr + ": public_ip (of Elastic IP " + eip + ", not in the plan)"
			case isUnknown(t.unknown, "public_ip"):
				n.PublicIPUnknown = t.addr + ": public_ip" // a new Elastic IP
			default:
				if a, ok := r.eipPublic(t); ok {
					n.PublicIP = a
				}
			}
		} else {
			n.PublicIPUnknown = in.addr + ": public_ip"
		}
	}
	r.readNATSecondary(in, &n)
	r.ext.nats = append(r.ext.nats, n)
}

// readNATSecondary reads a NAT gateway's secondary addresses:
// secondary_private_ip_addresses, and on a public gateway the Elastic IPs
// of secondary_allocation_ids (paired with them in order; the pairing
// changes no answer, as a gateway accepts no connection to any of its
// addresses). Where the plan knows them only after apply (a computed
// list, secondary_private_ip_address_count, a new or outside Elastic IP),
// n.SecondaryUnknown names them (reach.NATGateway.SecondaryUnknown).
func (r *reader) readNATSecondary(in *instance, n *reach.NATGateway) {
	const privAttr, allocAttr = "secondary_private_ip_addresses", "secondary_allocation_ids"
	var unknown []string
	privs, partly, ok := strsOf(in, privAttr)
	if !ok {
		r.fail(in, privAttr, "", ErrInvalidPlan, "not a list of addresses")
		return
	}
	if partly { // an address the configuration computes, known only after apply
		unknown = append(unknown, in.addr+": "+privAttr)
	}
	count, _ := number(in.values["secondary_private_ip_address_count"])
	allocs, openAllocs := r.linkListOpen(in, allocAttr, "aws_eip")
	switch {
	case isUnknown(in.unknown, privAttr) && (count > 0 || len(allocs) > 0 || openAllocs || in.configured(privAttr) ||
		isUnknown(in.unknown, "secondary_private_ip_address_count") && in.configured("secondary_private_ip_address_count")):
		// computed by the provider even where nothing asks for secondaries:
		// unknown only where the configuration asks for some
		unknown = append(unknown, in.addr+": "+privAttr)
	case len(privs) < int(count):
		unknown = append(unknown, fmt.Sprintf("%s: %s (secondary_private_ip_address_count %d, %d known)", in.addr, privAttr, count, len(privs)))
	}
	var pubs []netip.Addr
	for i, id := range allocs {
		t := r.byAdr[id]
		switch {
		case t == nil:
			unknown = append(unknown, fmt.Sprintf("%s: %s[%d] (Elastic IP %s, not in the plan)", in.addr, allocAttr, i, id))
		case isUnknown(t.unknown, "public_ip"):
			unknown = append(unknown, t.addr+": public_ip")
		default:
			if a, ok := r.eipPublic(t); ok {
				pubs = append(pubs, a)
			}
		}
	}
	if openAllocs {
		unknown = append(unknown, in.addr+": "+allocAttr)
	}
	if len(pubs) > len(privs) && len(unknown) == 0 {
		unknown = append(unknown, fmt.Sprintf("%s: %s (%d Elastic IPs, %d secondary private addresses known)", in.addr, privAttr, len(pubs), len(privs)))
	}
	for i, s := range privs {
		if isUnknown(in.unknown, privAttr, i) {
			continue
		}
		a, ok := r.parseAddr(in, fmt.Sprintf("%s[%d]", privAttr, i), s)
		if !ok {
			return
		}
		sa := reach.NATAddress{PrivateIP: a}
		if i < len(pubs) && len(unknown) == 0 {
			sa.PublicIP = pubs[i]
		}
		n.Secondary = append(n.Secondary, sa)
	}
	if len(unknown) > 0 {
		n.SecondaryUnknown = strings.Join(unknown, ", ")
	}
}

// readPrefixList reads an aws_ec2_managed_prefix_list and its inline
// entries. entry is Optional and Computed in the provider: a list whose
// configuration leaves it out keeps the entries AWS holds, which the
// planned values show (aws_ec2_managed_prefix_list_entry resources of the
// plan add theirs); when they are known only after apply, a list that
// exists holds entries the plan does not show (unresolved), a new one
// only those the plan's entry resources add.
func (r *reader) readPrefixList(in *instance) {
	pl := &reach.PrefixList{ID: in.id, Name: nameTag(in), AddressFamily: r.addressFamily(in)}
	if n, ok := number(in.values["max_entries"]); ok {
		pl.MaxEntries = int(n)
	}
	switch {
	case in.configured("entry"):
	case isUnknown(in.unknown, "entry"):
		pl.EntriesUnknown = in.known != ""
	default:
		for i, b := range listOf(in.values["entry"]) {
			c, _ := b["cidr"].(string)
			if p, ok := r.prefixAt(in, fmt.Sprintf("entry[%d].cidr", i), c); ok && !slices.Contains(pl.Entries, p) {
				pl.Entries = append(pl.Entries, p)
			}
		}
	}
	if in.configured("entry") {
		bs, ok := blocks(in.values["entry"])
		if !ok {
			r.fail(in, "entry", "", ErrInvalidPlan, "not a list of entry blocks")
		}
		for i, b := range bs {
			sub := r.inlineBlock(in, "entry", i, len(bs), b)
			if isUnknown(sub.unknown, "cidr") {
				// an entry known only after apply: the list may hold
				// any block
				pl.EntriesUnknown = true
				r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: entry[%d].cidr is known only after apply: the queries only the list could decide are indeterminate", in.addr, i))
				continue
			}
			if p, ok := r.prefix(sub, "cidr", true); ok {
				pl.Entries = append(pl.Entries, p)
			}
		}
		if pl.EntriesUnknown {
			pl.Entries = nil
		}
	}
	r.ext.lists[pl.ID] = pl
	r.ext.listIDs = append(r.ext.listIDs, pl.ID)
}

// addressFamily reads a prefix list's address_family (required, and
// usually known in a plan even when the entries are not): "IPv4" or
// "IPv6", a list that holds blocks of that family only, so that one whose
// entries are unknown leaves the other family's answers certain; "" when
// known only after apply.
func (r *reader) addressFamily(in *instance) string {
	fam, _ := r.str(in, "address_family", false)
	switch fam {
	case "", sg.FamilyIPv4, sg.FamilyIPv6:
		return fam
	}
	r.fail(in, "address_family", fam, ErrInvalidPlan, "an address family is IPv4 or IPv6")
	return ""
}

// readPrefixListEntry reads an aws_ec2_managed_prefix_list_entry.
func (r *reader) readPrefixListEntry(in *instance) {
	id, _ := r.linkOne(in, "prefix_list_id", "aws_ec2_managed_prefix_list")
	pl := r.ext.lists[id]
	if pl == nil && id != "" {
		// a list another configuration manages: its other entries are
		// not in the plan (finishLists)
		r.ext.entriesOf = append(r.ext.entriesOf, [2]string{id, in.addr})
		return
	}
	if pl == nil {
		r.fail(in, "prefix_list_id", id, ErrInvalidPlan, "no prefix list of the plan")
		return
	}
	if isUnknown(in.unknown, "cidr") {
		pl.EntriesUnknown, pl.Entries = true, nil
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: cidr is known only after apply: the queries only %s could decide are indeterminate", in.addr, id))
		return
	}
	if p, ok := r.prefix(in, "cidr", true); ok && !pl.EntriesUnknown && !slices.Contains(pl.Entries, p) {
		pl.Entries = append(pl.Entries, p)
	}
}

// readPeering reads an aws_vpc_peering_connection. A connection the plan
// creates with auto_accept is active once applied when it is of one
// account and region (the provider accepts it as its requester, which
// AWS allows only then); another's status is what the plan says, or
// unknown, until an aws_vpc_peering_connection_accepter of the plan
// accepts it (readPeeringAccepter). The provider refuses to create a
// connection with both auto_accept and peer_region (its apply fails, and
// no connection is made), so such a plan is refused; so is one with
// auto_accept whose peer_owner_id is not the requester's account as the
// plan shows it (autoAccepted), whose apply fails too, leaving the
// connection pending acceptance. An existing connection pending
// acceptance that the plan updates in place with auto_accept set is
// accepted by that update (the provider's update accepts it whatever
// else changes), so it is read as one created with auto_accept; with a
// peer_region as well, undecided.
func (r *reader) readPeering(in *instance) {
	p := reach.Peering{ID: in.id, Name: nameTag(in)}
	p.RequesterVPC, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	p.AccepterVPC, _ = r.linkOne(in, "peer_vpc_id", "aws_vpc")
	p.Status, _ = r.str(in, "accept_status", false)
	if region, _ := in.values["peer_region"].(string); region != "" && in.created() && in.configured("peer_region") && r.boolean(in, "auto_accept") {
		r.fail(in, "auto_accept", "", ErrInvalidPlan, "the provider refuses to create a peering connection with auto_accept and peer_region (%s): auto_accept accepts only a connection of one account and region; accept it with an aws_vpc_peering_connection_accepter in the peer's region", region)
	}
	switch {
	case p.Status == "" && r.boolean(in, "auto_accept"):
		p.Status = r.autoAccepted(in, p.RequesterVPC)
	case p.Status == "":
		p.Status = peeringUnknown
	case p.Status == "pending-acceptance" && in.updated() && r.boolean(in, "auto_accept"):
		// the provider's update accepts a connection pending acceptance
		// when auto_accept is set, whatever else the update changes
		p.Status = r.autoAccepted(in, p.RequesterVPC)
		if region, _ := in.values["peer_region"].(string); region != "" && p.Status == reach.PeeringActive {
			p.Status = fmt.Sprintf("%s (the update of %s accepts it as its requester, which AWS allows only within one region, and its peer_region is %s: the plan does not show whether that is the requester's)", peeringUndecided, in.addr, region)
		}
	}
	if why := r.peeringRegions(in); why != "" {
		r.ext.interRegion = append(r.ext.interRegion, interRegion{p: p, how: why})
	}
	r.ext.peerings = append(r.ext.peerings, p)
}

// autoAccepted returns the status of peering connection in, which the
// plan creates with auto_accept and requester VPC vpc: the provider then
// accepts it as its requester, which AWS allows only when the peer's
// account (peer_owner_id; the requester's when left out) is the
// requester's. Active when it is; when the plan shows the requester's
// account (accountOf: the VPC's owner_id, or the caller of the
// connection's provider configuration) and peer_owner_id is another, the
// apply fails and the plan is refused; when the plan shows either only
// after apply, or not at all, the status is undecided
// (PEERING_STATUS_UNKNOWN): neither pending acceptance, which an
// accepter of the plan would accept (a failed apply runs no accepter),
// nor a status AWS documents.
func (r *reader) autoAccepted(in *instance, vpc string) string {
	peer := knownString(in, "peer_owner_id")
	switch {
	case peer == "" && in.configured("peer_owner_id") && isUnknown(in.unknown, "peer_owner_id"):
		return fmt.Sprintf("%s (auto_accept of %s accepts it only within one account, and its peer_owner_id is known only after apply: the apply fails when it is another account's)", peeringUndecided, in.addr)
	case peer == "":
		return reach.PeeringActive // the requester's account
	}
	req := r.accountOf(r.byAdr[vpc])
	if req.value == "" {
		req = r.fromProvider(in, "data.aws_caller_identity", "account_id")
	}
	switch {
	case req.value == "":
		return fmt.Sprintf("%s (auto_accept of %s accepts it only within one account, and the plan does not show whether peer_owner_id %s is the requester's account, the owner of %s: the apply fails when it is not)", peeringUndecided, in.addr, peer, vpc)
	case req.value != peer:
		r.fail(in, "auto_accept", "", ErrInvalidPlan, "auto_accept accepts only a connection within one account, and peer_owner_id %s is not the requester's account %s (%s): the provider's accept fails at apply, leaving the connection pending acceptance; accept it with an aws_vpc_peering_connection_accepter of the peer's account", peer, req.value, req.by)
	}
	return reach.PeeringActive
}

// peeringUndecided leads the status of a connection the plan creates
// with auto_accept whose accounts the plan does not show: a status
// reachsim does not know, PEERING_STATUS_UNKNOWN.
const peeringUndecided = "active or failing to accept"

// interRegion is a peering connection whose VPCs may be in two Regions,
// and how it joins them (peeringRegions).
type interRegion struct {
	p   reach.Peering
	how string
}

// peeringRegions says how peering connection in joins its VPCs when they
// may be in two Regions ("across Regions (...)", "perhaps across Regions
// (...)"): its peer_region is another Region than the one
// the plan shows for the requester (regionOf), or is set in the
// configuration, known or known only after apply, and the plan does not
// show the requester's Region. "" when they are of one Region:
// peer_region left out (the requester's, as the provider takes it), or
// the requester's.
func (r *reader) peeringRegions(in *instance) string {
	peer := knownString(in, "peer_region")
	own := r.regionOf(in)
	switch {
	case peer == "" && isUnknown(in.unknown, "peer_region") && in.configured("peer_region"):
		return fmt.Sprintf("perhaps across Regions (%s: peer_region is known only after apply)", in.addr)
	case peer == "" || peer == own.value:
		return ""
	case own.value != "":
		return fmt.Sprintf("across Regions (%s: peer_region %s is not the requester's Region %s, %s)", in.addr, peer, own.value, own.by)
	case in.configured("peer_region"):
		return fmt.Sprintf("perhaps across Regions (%s: peer_region %s, and the plan does not show the requester's Region)", in.addr, peer)
	}
	return ""
}

// peeringUnknown is the status of a peering connection the plan creates
// without accepting it.
const peeringUnknown = "known after apply"

// readPeeringAccepter reads an aws_vpc_peering_connection_accepter: the
// peer's side of a connection (another account's, or another region's)
// adopted into management. Created (or updated) with auto_accept, it
// accepts the connection when it is pending acceptance, as the provider
// does, which makes it active: a connection of the plan pending
// acceptance, or one the plan creates (whose status AWS sets to
// pending-acceptance, or active when the requester accepted it), is then
// active. An accepter without auto_accept leaves the status as it is;
// one whose auto_accept is known only after apply makes it undecided. A
// connection of another status (rejected, expired...) is not accepted.
// An accepter of a connection the plan does not resolve may accept any
// connection of the plan pending acceptance, whose status is then
// undecided; one of a connection outside the plan changes nothing the
// model holds.
func (r *reader) readPeeringAccepter(in *instance) {
	maybe := isUnknown(in.unknown, "auto_accept") && in.values["auto_accept"] == nil
	if !(r.boolean(in, "auto_accept") || maybe) || !(in.created() || in.updated()) {
		return
	}
	id, _, unresolved := r.linkOneOpen(in, "vpc_peering_connection_id", "aws_vpc_peering_connection")
	for i := range r.ext.peerings {
		p := &r.ext.peerings[i]
		pending := strings.HasPrefix(p.Status, "pending-acceptance") || strings.HasPrefix(p.Status, peeringUnknown) // or undecided by another accepter
		if p.ID != id && !unresolved || !pending {
			continue
		}
		switch {
		case maybe:
			p.Status = fmt.Sprintf("%s (%s accepts it only with auto_accept, known only after apply)", strings.SplitN(p.Status, " (", 2)[0], in.addr)
		case unresolved:
			p.Status = fmt.Sprintf("%s (%s, whose vpc_peering_connection_id is known only after apply, may accept it)", strings.SplitN(p.Status, " (", 2)[0], in.addr)
		default:
			p.Status = reach.PeeringActive
		}
	}
}

// finishExtras gives the gateways, prefix lists and peerings to the
// builder.
func (r *reader) finishExtras() {
	r.b.AddEgressOnlyInternetGateway(r.ext.eigws...)
	r.b.AddNATGateway(r.ext.nats...)
	for _, id := range r.ext.listIDs {
		r.b.AddPrefixList(*r.ext.lists[id])
	}
	r.b.AddPeering(r.ext.peerings...)
}

// finishLists declares unresolved ([reach.Builder.AddUnresolvedPrefixList])
// each prefix list that a security group rule, a route or a firewall's
// IP set reference names and that the plan does not hold (a list of
// another account, or one that Terraform does not manage here and that no
// data source reads), with a warning: which addresses it holds is
// unknown, so the queries only it could decide are indeterminate.
func (r *reader) finishLists() {
	var absent []string
	note := func(who, id string) {
		if id == "" || r.ext.lists[id] != nil || slices.Contains(absent, id) {
			return
		}
		absent = append(absent, id)
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: names prefix list %s, which the plan does not hold (add a data.aws_ec2_managed_prefix_list for it): the queries only it could decide are indeterminate", who, id))
	}
	for _, id := range r.sgs.list {
		for _, rule := range r.sgs.byID[id].Rules {
			if rule.Peer.Kind == sg.PeerPrefixList {
				note(id, rule.Peer.PrefixList)
			}
		}
	}
	for _, e := range r.ext.entriesOf {
		note(e[1]+" (an entry it adds)", e[0])
	}
	for _, id := range r.sgs.portsOfLists {
		note("a rule whose ports are known only after apply", id)
	}
	for _, id := range r.net.rtList {
		for _, rt := range r.net.rts[id].Routes {
			note(id, rt.PrefixList)
		}
	}
	for _, f := range r.fw.fws {
		for _, g := range f.Policy.Stateful.Groups {
			for _, arn := range slices.Sorted(maps.Values(g.Group.IPSetReferences)) {
				if strings.Contains(arn, ":resource-groups:") {
					continue // a resource group, no prefix list (reach.Model.IPSet)
				}
				note(g.Group.Name, arn[strings.LastIndex(arn, "/")+1:])
			}
		}
	}
	r.b.AddUnresolvedPrefixList(absent...)
}

// readNATEIPAssociation reads an aws_nat_gateway_eip_association (AWS's
// AssociateNatGatewayAddress): a secondary address of a public NAT gateway
// of the plan, its Elastic IP and the private address it maps to
// (private_ip_address, which AWS picks when the configuration does not
// say: then the address is known only later, SecondaryUnknown).
func (r *reader) readNATEIPAssociation(in *instance) {
	id, _ := r.linkOne(in, "nat_gateway_id", "aws_nat_gateway")
	i := slices.IndexFunc(r.ext.nats, func(n reach.NATGateway) bool { return n.ID == id })
	if i < 0 {
		if id != "" {
			r.fail(in, "nat_gateway_id", id, ErrInvalidPlan, "no NAT gateway of the plan")
		}
		return
	}
	n := &r.ext.nats[i]
	var unknown []string
	var s reach.NATAddress
	eip, _ := r.linkOne(in, "allocation_id", "aws_eip")
	switch t := r.byAdr[eip]; {
	case eip == "":
		return // unresolved: linkOne recorded why
	case t == nil:
		unknown = append(unknown, in.addr+": allocation_id (Elastic IP "+eip+", not in the plan)")
	case isUnknown(t.unknown, "public_ip"):
		unknown = append(unknown, t.addr+": public_ip")
	default:
		a, ok := r.eipPublic(t)
		if !ok {
			return
		}
		s.PublicIP = a
	}
	switch v, _ := in.values["private_ip_address"].(string); {
	case isUnknown(in.unknown, "private_ip_address"):
		unknown = append(unknown, in.addr+": private_ip_address")
	case v == "":
		unknown = append(unknown, in.addr+": private_ip_address (not in the plan)")
	default:
		a, ok := r.parseAddr(in, "private_ip_address", v)
		if !ok {
			return
		}
		s.PrivateIP = a
	}
	if len(unknown) > 0 {
		n.SecondaryUnknown = strings.TrimPrefix(n.SecondaryUnknown+", "+strings.Join(unknown, ", "), ", ")
		return
	}
	n.Secondary = append(n.Secondary, s)
}

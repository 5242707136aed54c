package aws

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// Choosing VPCs ([Options.VPCs]): the records of every other VPC are
// dropped once all files are read, before the design is assembled, so the
// VPCs left out are exactly as if the input did not hold them.

// selectVPCs keeps the VPCs of keep and what lies in them, and drops the
// others' subnets, interfaces (and instances whose interfaces all go),
// Elastic IPs on those interfaces, security groups and their rules, network
// ACLs, route tables, internet, egress-only and NAT gateways, gateway
// endpoints and firewalls. Peerings and transit gateway attachments stay:
// they lead to a VPC not in the input, which the readers treat as they
// treat another account's. The left-out VPCs' blocks are unmodelled
// blocks (blocksLeftOut). The Region's Block Public Access mode is read
// from every VPC, kept or not. A VPC of keep the input does not hold is an
// error, unless absentOK: then the report lists it (Report.VPCsAbsent).
func (l *loader) selectVPCs(keep []string, absentOK bool) {
	held := map[string]bool{}
	for _, r := range l.vpcs {
		held[r.vpc.ID] = true
	}
	want := map[string]bool{}
	for _, id := range keep {
		switch {
		case !held[id] && absentOK:
			if !slices.Contains(l.report.VPCsAbsent, id) {
				l.report.VPCsAbsent = append(l.report.VPCsAbsent, id)
			}
		case !held[id]:
			l.errs = append(l.errs, fmt.Errorf("aws: Options.VPCs: %q is not in the input (%s): %w", id, heldText(held), ErrVPCNotInInput))
		}
		want[id] = true
	}
	slices.Sort(l.report.VPCsAbsent)
	if len(l.errs) > 0 {
		return
	}
	out := func(vpc string) bool { return vpc != "" && !want[vpc] }
	l.vpcsOut = map[string]bool{}
	var kept []*vpcRec
	for _, r := range l.vpcs {
		if out(r.vpc.ID) {
			l.vpcsOut[r.vpc.ID] = true
			l.bpaOnly = append(l.bpaOnly, r)
			continue
		}
		kept = append(kept, r)
	}
	l.vpcs = kept
	if len(l.vpcsOut) == 0 {
		return
	}
	subnetOut := map[string]bool{}
	l.subnets = slices.DeleteFunc(l.subnets, func(r *subnetRec) bool {
		if out(r.subnet.VPC) {
			subnetOut[r.subnet.ID] = true
			return true
		}
		return false
	})
	pub := publicLeftOut{l: l, seen: map[netip.Addr]bool{}}
	eniOut := map[string]bool{}
	instOut, instKept := map[string]bool{}, map[string]bool{}
	for _, enis := range []map[string]*eniRec{l.enisFile, l.enisInst} {
		for _, id := range slices.Sorted(maps.Keys(enis)) {
			e := enis[id]
			if subnetOut[e.subnet] || out(e.vpc) {
				eniOut[id], instOut[e.instance] = true, true
				delete(enis, id)
				pub.add(e.public, e.publicAt, id, "network interface", e.vpc)
				for _, sp := range e.secondary {
					pub.add(sp.public, sp.at, id, "network interface", e.vpc)
				}
				continue
			}
			instKept[e.instance] = true
		}
	}
	for id := range instOut {
		if !instKept[id] {
			delete(l.instances, id)
		}
	}
	l.addresses = slices.DeleteFunc(l.addresses, func(a *addressRec) bool {
		if eniOut[a.eni] {
			pub.add(a.public, a.at, a.eni, "network interface", "")
			return true
		}
		return false
	})
	l.groupsOut = map[string]string{}
	for id, g := range l.groups {
		if out(g.g.VPCID) {
			l.groupsOut[id] = g.g.VPCID
			delete(l.groups, id)
			delete(l.ruleSets, id)
		}
	}
	l.acls = slices.DeleteFunc(l.acls, func(r *aclRec) bool { return out(r.acl.VPCID) })
	l.rts = slices.DeleteFunc(l.rts, func(r *rtRec) bool { return out(r.rt.VPC) })
	l.igws = slices.DeleteFunc(l.igws, func(r *igwRec) bool { return out(r.igw.VPC) })
	l.nats = slices.DeleteFunc(l.nats, func(r *natRec) bool {
		if !subnetOut[r.nat.Subnet] && !out(r.vpc) {
			return false
		}
		pub.add(r.nat.PublicIP, r.pub, r.nat.ID, "NAT gateway", r.vpc)
		for j, a := range r.nat.Secondary {
			pub.add(a.PublicIP, r.secPub[j], r.nat.ID, "NAT gateway", r.vpc)
		}
		return true
	})
	l.blocksLeftOut()
	l.firewalls = slices.DeleteFunc(l.firewalls, func(r *fwRec) bool { return out(r.spec.VPCID) })
	for id, r := range l.eigws {
		if out(r.eigw.VPC) {
			delete(l.eigws, id)
		}
	}
	for id, r := range l.vpces {
		if out(r.ep.VPC) {
			delete(l.vpces, id)
		}
	}
}

// blocksLeftOut declares the CIDR blocks of the VPCs left out, IPv4
// (private or not) and IPv6, as unmodelled blocks: the internet carries a
// packet for a public address of them to those VPCs, a peering or a
// transit gateway one for a private address, and an address of them is
// no internet host, nor a query's source (what it sends is not
// modelled). The parts of a block that a VPC chosen holds too are that
// VPC's. Each VPC left out declares its own blocks, so a part several of
// them hold (VPCs that share a CIDR block) is declared once for each,
// every one naming them all ("IPv4 block of VPCs vpc-a and vpc-e"), and
// the model names them all as its owners ("vpc-a or vpc-e").
func (l *loader) blocksLeftOut() {
	var kept []netip.Prefix
	for _, r := range l.vpcs {
		kept = append(kept, r.vpc.CIDRs...)
		kept = append(kept, r.vpc.PrivateIPv6...)
	}
	taken := addrset.Of(kept...)
	type block struct {
		r   *vpcRec
		j   int         // its index in r.vpc.CIDRs
		own addrset.Set // its addresses no VPC chosen holds
	}
	var blocks []block
	for _, r := range l.bpaOnly {
		for j, c := range r.vpc.CIDRs {
			blocks = append(blocks, block{r: r, j: j, own: addrset.Of(c.Masked()).Difference(taken)})
		}
	}
	for _, b := range blocks {
		id := b.r.vpc.ID
		c := b.r.vpc.CIDRs[b.j].Masked()
		kind := "IPv4 block"
		switch {
		case c.Addr().Is6() && (c.Addr().IsPrivate() || slices.Contains(b.r.vpc.PrivateIPv6, c)):
			kind = "private IPv6 block"
		case c.Addr().Is6():
			kind = "IPv6 block"
		}
		var others []vpcBlock
		for _, o := range blocks {
			if o.r.vpc.ID != id {
				others = append(others, vpcBlock{vpc: o.r.vpc.ID, set: o.own})
			}
		}
		for _, p := range sharedParts(b.own, id, others) {
			what := kind + " of VPC " + id
			if len(p.owners) > 1 {
				what = kind + " of VPCs " + andList(p.owners)
			}
			what += ", left out (not among the VPCs chosen)"
			for _, pf := range p.set.Prefixes() {
				l.out.unmodelledBlocks = append(l.out.unmodelledBlocks, reach.UnmodelledBlock{Prefix: pf, Owner: id, What: what})
				l.out.unmodelledBlockAt = append(l.out.unmodelledBlockAt, b.r.cidrAt[b.j])
			}
		}
	}
}

// sharedPart is a part of a block of a VPC left out and the VPCs left out
// that hold it, sorted.
type sharedPart struct {
	set    addrset.Set
	owners []string
}

// vpcBlock is the addresses of a block of a VPC left out.
type vpcBlock struct {
	vpc string
	set addrset.Set
}

// sharedParts cuts own, the addresses of a block of VPC id, into parts by
// the other VPCs left out that hold them too (others: their blocks), in
// the order the cuts make them.
func sharedParts(own addrset.Set, id string, others []vpcBlock) []sharedPart {
	parts := []sharedPart{{set: own, owners: []string{id}}}
	for _, o := range others {
		if !o.set.Overlaps(own) {
			continue
		}
		var next []sharedPart
		for _, p := range parts {
			if in := p.set.Intersect(o.set); !in.IsEmpty() {
				owners := append(slices.Clone(p.owners), o.vpc)
				slices.Sort(owners)
				next = append(next, sharedPart{set: in, owners: slices.Compact(owners)})
			}
			if rest := p.set.Difference(o.set); !rest.IsEmpty() {
				next = append(next, sharedPart{set: rest, owners: p.owners})
			}
		}
		parts = next
	}
	return parts
}

// andList joins names as a sentence does: "a", "a and b", "a, b and c".
func andList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// publicLeftOut declares the public IPv4 addresses of what Options.VPCs
// leaves out as unmodelled addresses: the internet still carries a packet
// for one of them to what holds it, whose filters the design no longer
// has, so an answer there is undecided, never a delivery to an internet
// host. Each address is declared once.
type publicLeftOut struct {
	l    *loader
	seen map[netip.Addr]bool
}

// add declares a (when valid, IPv4 and not yet declared), read at o, of
// resource id, a what of VPC vpc ("" when not known).
func (p publicLeftOut) add(a netip.Addr, o jsonloc.Loc, id, what, vpc string) {
	if !a.IsValid() || !a.Is4() || p.seen[a] {
		return
	}
	p.seen[a] = true
	w := what + " left out (not among the VPCs chosen)"
	if vpc != "" {
		w = what + " of VPC " + vpc + ", left out (not among the VPCs chosen)"
	}
	p.l.declareUnmodelled(a, o, id, w, reach.LeftOutNames{})
}

// heldText lists the VPCs the input holds, for an error.
func heldText(held map[string]bool) string {
	if len(held) == 0 {
		return "it holds no VPC"
	}
	return "it holds " + strings.Join(slices.Sorted(maps.Keys(held)), ", ")
}

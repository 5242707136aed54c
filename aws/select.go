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
			l.errs = append(l.errs, fmt.Errorf("aws: Options.VPCs: %q is not in the input (%s): %w", id, heldText(held), ErrInvalidDump))
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
// VPC's; of blocks two VPCs left out share, the first VPC's (in the
// order of describe-vpcs) is declared.
func (l *loader) blocksLeftOut() {
	var kept []netip.Prefix
	for _, r := range l.vpcs {
		kept = append(kept, r.vpc.CIDRs...)
		kept = append(kept, r.vpc.PrivateIPv6...)
	}
	taken := addrset.Of(kept...)
	for _, r := range l.bpaOnly {
		for j, c := range r.vpc.CIDRs {
			c = c.Masked()
			what := "IPv4 block of VPC " + r.vpc.ID
			switch {
			case c.Addr().Is6() && (c.Addr().IsPrivate() || slices.Contains(r.vpc.PrivateIPv6, c)):
				what = "private IPv6 block of VPC " + r.vpc.ID
			case c.Addr().Is6():
				what = "IPv6 block of VPC " + r.vpc.ID
			}
			what += ", left out (not among the VPCs chosen)"
			for _, p := range addrset.Of(c).Difference(taken).Prefixes() {
				l.out.unmodelledBlocks = append(l.out.unmodelledBlocks, reach.UnmodelledBlock{Prefix: p, Owner: r.vpc.ID, What: what})
				l.out.unmodelledBlockAt = append(l.out.unmodelledBlockAt, r.cidrAt[j])
			}
			taken = taken.Union(addrset.Of(c))
		}
	}
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
	p.l.out.unmodelled = append(p.l.out.unmodelled, reach.UnmodelledAddress{Address: a, Owner: id, What: w})
	p.l.out.unmodelledAt = append(p.l.out.unmodelledAt, o)
}

// heldText lists the VPCs the input holds, for an error.
func heldText(held map[string]bool) string {
	if len(held) == 0 {
		return "it holds no VPC"
	}
	return "it holds " + strings.Join(slices.Sorted(maps.Keys(held)), ", ")
}

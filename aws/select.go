package aws

import (
	"fmt"
	"slices"
	"strings"
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
// treat another account's. The Region's Block Public Access mode is read
// from every VPC, kept or not. A VPC of keep the input does not hold is an
// error.
func (l *loader) selectVPCs(keep []string) {
	held := map[string]bool{}
	for _, r := range l.vpcs {
		held[r.vpc.ID] = true
	}
	want := map[string]bool{}
	for _, id := range keep {
		if !held[id] {
			l.errs = append(l.errs, fmt.Errorf("aws: Options.VPCs: %q is not in the input (%s): %w", id, heldText(held), ErrInvalidDump))
		}
		want[id] = true
	}
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
	eniOut := map[string]bool{}
	instOut, instKept := map[string]bool{}, map[string]bool{}
	for _, enis := range []map[string]*eniRec{l.enisFile, l.enisInst} {
		for id, e := range enis {
			if subnetOut[e.subnet] {
				eniOut[id], instOut[e.instance] = true, true
				delete(enis, id)
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
	l.addresses = slices.DeleteFunc(l.addresses, func(a *addressRec) bool { return eniOut[a.eni] })
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
	l.nats = slices.DeleteFunc(l.nats, func(r *natRec) bool { return subnetOut[r.nat.Subnet] })
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

// heldText lists the VPCs the input holds, for an error.
func heldText(held map[string]bool) string {
	if len(held) == 0 {
		return "it holds no VPC"
	}
	ids := make([]string, 0, len(held))
	for id := range held {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return "it holds " + strings.Join(ids, ", ")
}

// absentVPC says why VPC id is not in the design, for a warning or an
// indeterminate answer: left out by Options.VPCs, or not in the input
// (guess says where it may be).
func (l *loader) absentVPC(id, guess string) string {
	if l.vpcsOut[id] {
		return "left out (not among the VPCs chosen)"
	}
	return "not in the input (" + guess + ")"
}

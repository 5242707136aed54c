package terraform

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/reach"
)

// Data sources. A plan reads its data sources before it plans (they are
// in prior_state, and in planned_values), and what they describe exists:
// data.aws_vpc, data.aws_subnet, data.aws_internet_gateway,
// data.aws_ec2_managed_prefix_list and data.aws_prefix_list become the
// model's VPCs, subnets, gateways and prefix lists, and data.aws_route_table a route table with
// its routes and associations (its main association makes it its VPC's
// main route table). data.aws_security_group names a group without its
// rules: a rule that refers to it is as a rule that refers to a group the
// input does not hold, and an interface that has it has its groups known
// only in part (instances.go: groupsOutsidePlan). A data
// source is named by its address (data.aws_vpc.main); a resource refers
// to it by its ID, which the plan knows.
//
// Terraform defers the read of a data source to apply when its
// configuration holds a value known only after apply or depends on a
// resource with changes: its resource_changes entry reads "read", and
// what it has not read is known only after apply (after_unknown; left out
// of planned_values). Such a value is unknown in the model where the
// model can say so (a prefix list's entries, a subnet's
// map_public_ip_on_launch or assign_ipv6_address_on_creation, its
// availability_zone) and an error wrapping ErrUnknownValue naming the
// address and attribute where it cannot (a VPC's or subnet's CIDR blocks,
// a route table's routes and associations, an internet gateway's
// attachments, an ID another resource names), never a default.

// deferredRead says why a deferred data source's value is unknown.
const deferredRead = "Terraform reads this data source only at apply (it depends on a value or a change of the plan)"

// unknownData records an error for each of attrs of data source in that
// is known only after apply: the model needs them. It reports whether
// there was one.
func (r *reader) unknownData(in *instance, attrs ...string) bool {
	bad := false
	for _, attr := range attrs {
		if isUnknown(in.unknown, attr) {
			r.fail(in, attr, "", ErrUnknownValue, "%s, and the model needs it", deferredRead)
			bad = true
		}
	}
	return bad
}

// dataBlock makes an instance of block i of the nested block list attr
// of data source in.
func dataBlock(in *instance, attr string, i int, b map[string]any) *instance {
	return &instance{addr: in.addr, module: in.module, typ: in.typ, values: b, unknown: elem(in.unknown, attr, i), deferred: in.deferred}
}

// dataSources are the data sources the loader reads.
var dataSources = []string{"data.aws_vpc", "data.aws_subnet", "data.aws_internet_gateway", "data.aws_ec2_managed_prefix_list", "data.aws_prefix_list",
	"data.aws_route_table", "data.aws_security_group"}

// readDataVPC reads a data.aws_vpc: a VPC that exists, whose main route
// table and default ACL the plan manages or not (as for an aws_vpc the plan
// does not create).
func (r *reader) readDataVPC(in *instance) {
	r.readVPC(in)
	// a VPC's blocks decide which addresses are its own: none may be
	// left out
	r.unknownData(in, "ipv6_cidr_block", "cidr_block_associations")
	v := r.net.vpcs[in.id]
	for i, b := range listOf(in.values["cidr_block_associations"]) {
		if isUnknown(in.unknown, "cidr_block_associations", i, "cidr_block") {
			r.fail(in, fmt.Sprintf("cidr_block_associations[%d].cidr_block", i), "", ErrUnknownValue, "%s, and the model needs it", deferredRead)
			continue
		}
		s, _ := b["cidr_block"].(string)
		if p, ok := r.prefixAt(in, fmt.Sprintf("cidr_block_associations[%d].cidr_block", i), s); ok && !containsPrefix(v.spec.CIDRs, p) {
			v.spec.CIDRs = append(v.spec.CIDRs, p)
		}
	}
	v.created = false
}

// readDataIGW reads a data.aws_internet_gateway and its attachment.
func (r *reader) readDataIGW(in *instance) {
	if r.unknownData(in, "attachments") {
		return
	}
	atts := listOf(in.values["attachments"])
	if len(atts) != 1 {
		r.rep.Warnings = append(r.rep.Warnings, in.addr+": attached to no VPC (or several): not modelled")
		return
	}
	vpc, _ := r.linkOne(dataBlock(in, "attachments", 0, atts[0]), "vpc_id", "aws_vpc")
	r.net.igws[in.id] = reach.InternetGatewaySpec{ID: in.id, VPC: vpc}
	r.net.igwList = append(r.net.igwList, in.id)
}

// readDataPrefixList reads a data.aws_ec2_managed_prefix_list. Entries
// known only after apply (its read deferred to apply) make a list whose
// entries are unknown ([reach.PrefixList.EntriesUnknown]), of its
// address_family when that is known.
func (r *reader) readDataPrefixList(in *instance) {
	pl := &reach.PrefixList{ID: in.id, Name: nameTag(in), AddressFamily: r.addressFamily(in)}
	if n, ok := number(in.values["max_entries"]); ok {
		pl.MaxEntries = int(n)
	}
	if owner, _ := in.values["owner_id"].(string); owner == "AWS" {
		pl.AWSManaged = true // counts against the quotas as its weight
	}
	if name, _ := in.values["name"].(string); pl.Name == "" {
		pl.Name = name
	}
	for i, b := range listOf(in.values["entries"]) {
		if isUnknown(in.unknown, "entries", i, "cidr") {
			pl.EntriesUnknown = true
			continue
		}
		s, _ := b["cidr"].(string)
		if p, ok := r.prefixAt(in, fmt.Sprintf("entries[%d].cidr", i), s); ok {
			pl.Entries = append(pl.Entries, p)
		}
	}
	if isUnknown(in.unknown, "entries") || pl.EntriesUnknown {
		pl.EntriesUnknown, pl.Entries = true, nil
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: entries: known only after apply (%s): the queries only the list could decide are indeterminate", in.addr, deferredRead))
	}
	r.ext.lists[pl.ID] = pl
	r.ext.listIDs = append(r.ext.listIDs, pl.ID)
}

// readDataAWSPrefixList reads a data.aws_prefix_list (an AWS-managed
// list, a gateway endpoint's service's: its cidr_blocks, of the family
// their form says). cidr_blocks known only after apply make a list whose
// entries are unknown, as readDataPrefixList's.
func (r *reader) readDataAWSPrefixList(in *instance) {
	pl := &reach.PrefixList{ID: in.id, AWSManaged: true}
	pl.Name, _ = in.values["name"].(string)
	cidrs, _, ok := strsOf(in, "cidr_blocks")
	if !ok {
		r.fail(in, "cidr_blocks", "", ErrInvalidPlan, "not a list of CIDR blocks")
	}
	for i, c := range cidrs {
		if isUnknown(in.unknown, "cidr_blocks", i) {
			pl.EntriesUnknown = true
			continue
		}
		if p, ok := r.prefixAt(in, fmt.Sprintf("cidr_blocks[%d]", i), c); ok {
			pl.Entries = append(pl.Entries, p)
		}
	}
	if isUnknown(in.unknown, "cidr_blocks") || pl.EntriesUnknown {
		pl.EntriesUnknown, pl.Entries = true, nil
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: cidr_blocks: known only after apply (%s): the queries only the list could decide are indeterminate", in.addr, deferredRead))
	}
	r.ext.lists[pl.ID] = pl
	r.ext.listIDs = append(r.ext.listIDs, pl.ID)
}

// readDataRouteTable reads a data.aws_route_table: its routes and its
// associations.
func (r *reader) readDataRouteTable(in *instance) {
	rt := &reach.RouteTable{ID: in.id, Name: nameTag(in)}
	rt.VPC, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	// the routes, and which subnets use the table: the model has no
	// table whose routes or associations are unknown
	if r.unknownData(in, "routes", "associations") {
		return
	}
	for i, b := range listOf(in.values["routes"]) {
		sub := dataBlock(in, "routes", i, b)
		if route, ok := r.route(sub, fmt.Sprintf("routes[%d].", i), "cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"); ok {
			rt.Routes = append(rt.Routes, route)
		}
	}
	r.net.rts[rt.ID] = rt
	r.net.rtList = append(r.net.rtList, rt.ID)
	for i, b := range listOf(in.values["associations"]) {
		sub := dataBlock(in, "associations", i, b)
		if isUnknown(sub.unknown, "main") {
			r.fail(in, fmt.Sprintf("associations[%d].main", i), "", ErrUnknownValue, "%s, and the model needs it", deferredRead)
			continue
		}
		if main, _ := b["main"].(bool); main {
			if v := r.net.vpcs[rt.VPC]; v != nil {
				v.mainRT, v.managedRT = rt.ID, true
			}
			continue
		}
		if sid, ok := r.linkOne(sub, "subnet_id", "aws_subnet"); ok && sid != "" {
			if s := r.net.subnets[sid]; s != nil && s.RouteTable == "" {
				s.RouteTable = rt.ID
			}
		}
	}
}

func containsPrefix(ps []netip.Prefix, p netip.Prefix) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

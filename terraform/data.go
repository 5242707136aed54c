package terraform

import (
	"fmt"
	"net/netip"

	"github.com/reachsim/reachsim/reach"
)

// Data sources. A plan reads its data sources before it plans (they are
// in prior_state, and in planned_values), and what they describe exists:
// data.aws_vpc, data.aws_subnet, data.aws_internet_gateway and
// data.aws_ec2_managed_prefix_list become the model's VPCs, subnets,
// gateways and prefix lists, and data.aws_route_table a route table with
// its routes and associations (its main association makes it its VPC's
// main route table). data.aws_security_group names a group without its
// rules: a rule that refers to it is as a rule that refers to a group the
// input does not hold, and an interface that has it is an error. A data
// source is named by its address (data.aws_vpc.main); a resource refers
// to it by its ID, which the plan knows.

// dataSources are the data sources the loader reads.
var dataSources = []string{"data.aws_vpc", "data.aws_subnet", "data.aws_internet_gateway", "data.aws_ec2_managed_prefix_list",
	"data.aws_route_table", "data.aws_security_group"}

// readDataVPC reads a data.aws_vpc: a VPC that exists, whose main route
// table and default ACL the plan manages or not (as for an aws_vpc the plan
// does not create).
func (r *reader) readDataVPC(in *instance) {
	r.readVPC(in)
	v := r.net.vpcs[in.id]
	for i, b := range listOf(in.values["cidr_block_associations"]) {
		s, _ := b["cidr_block"].(string)
		if p, ok := r.prefixAt(in, fmt.Sprintf("cidr_block_associations[%d].cidr_block", i), s); ok && !containsPrefix(v.spec.CIDRs, p) {
			v.spec.CIDRs = append(v.spec.CIDRs, p)
		}
	}
	v.created = false
}

// readDataIGW reads a data.aws_internet_gateway and its attachment.
func (r *reader) readDataIGW(in *instance) {
	atts := listOf(in.values["attachments"])
	if len(atts) != 1 {
		r.rep.Warnings = append(r.rep.Warnings, in.addr+": attached to no VPC (or several): not modelled")
		return
	}
	sub := &instance{addr: in.addr, module: in.module, values: atts[0]}
	vpc, _ := r.linkOne(sub, "vpc_id", "aws_vpc")
	r.net.igws[in.id] = reach.InternetGatewaySpec{ID: in.id, VPC: vpc}
	r.net.igwList = append(r.net.igwList, in.id)
}

// readDataPrefixList reads a data.aws_ec2_managed_prefix_list.
func (r *reader) readDataPrefixList(in *instance) {
	pl := &reach.PrefixList{ID: in.id, Name: nameTag(in), AddressFamily: r.addressFamily(in)}
	if n, ok := number(in.values["max_entries"]); ok {
		pl.MaxEntries = int(n)
	}
	for i, b := range listOf(in.values["entries"]) {
		s, _ := b["cidr"].(string)
		if p, ok := r.prefixAt(in, fmt.Sprintf("entries[%d].cidr", i), s); ok {
			pl.Entries = append(pl.Entries, p)
		}
	}
	r.ext.lists[pl.ID] = pl
	r.ext.listIDs = append(r.ext.listIDs, pl.ID)
}

// readDataRouteTable reads a data.aws_route_table: its routes and its
// associations.
func (r *reader) readDataRouteTable(in *instance) {
	rt := &reach.RouteTable{ID: in.id, Name: nameTag(in)}
	rt.VPC, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	for i, b := range listOf(in.values["routes"]) {
		sub := &instance{addr: in.addr, module: in.module, values: b}
		if route, ok := r.route(sub, fmt.Sprintf("routes[%d].", i), "cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"); ok {
			rt.Routes = append(rt.Routes, route)
		}
	}
	r.net.rts[rt.ID] = rt
	r.net.rtList = append(r.net.rtList, rt.ID)
	for _, b := range listOf(in.values["associations"]) {
		sub := &instance{addr: in.addr, module: in.module, values: b}
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

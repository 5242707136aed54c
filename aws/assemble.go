package aws

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// Assembly: what the files say about each other is resolved, the resources
// go to a reach.Builder, and Build's errors are mapped back to the file and
// JSON path each resource came from.

// assemble resolves what the files say about each other: associations,
// instances and their interfaces, groups and their rules, firewalls and
// their policies.
func (l *loader) assemble() {
	out := &l.out
	out.vpcByID = map[string]*vpcRec{}
	for _, r := range l.vpcs {
		out.vpcByID[r.vpc.ID] = r
	}
	out.subnetBy = map[string]*subnetRec{}
	for _, r := range l.subnets {
		out.subnetBy[r.subnet.ID] = r
		// a subnet's private IPv6 block is private space of its VPC
		v := out.vpcByID[r.subnet.VPC]
		for j, p := range r.privateV6 {
			if v != nil && !slices.ContainsFunc(v.vpc.PrivateIPv6, func(q netip.Prefix) bool { return q.Bits() <= p.Bits() && q.Contains(p.Addr()) }) {
				v.vpc.PrivateIPv6 = append(v.vpc.PrivateIPv6, p)
				v.privAt = append(v.privAt, r.privAt[j])
			}
		}
	}
	fws := l.assembleFirewalls()
	endpoints := map[string]bool{}
	for _, f := range fws {
		for _, e := range f.Endpoints {
			endpoints[e.ID] = true
		}
	}
	l.assemblePeerings()  // before the routes to them
	l.assembleTGWs()      // before the route tables, whose tgw- routes depend on it
	l.assembleEndpoints() // endpoints.go
	l.assembleRouteTables(endpoints)
	l.assembleACLs()
	l.assembleInterfaces()
	l.assembleAddresses()
	l.natsLeftOutAddresses() // natleftout.go: once every modelled holder has its addresses
	l.idleAddresses()        // addresses.go: likewise
	l.assembleGroups()
	l.assembleLists()
	out.bpa = l.assembleBPA()

	byID := func(a, b string) int { return cmp.Compare(a, b) }
	out.vpcs = slices.SortedFunc(slices.Values(l.vpcs), func(a, b *vpcRec) int { return byID(a.vpc.ID, b.vpc.ID) })
	out.subnets = slices.SortedFunc(slices.Values(l.subnets), func(a, b *subnetRec) int { return byID(a.subnet.ID, b.subnet.ID) })
	out.acls = slices.SortedFunc(slices.Values(l.acls), func(a, b *aclRec) int { return byID(a.acl.ID, b.acl.ID) })
	out.rts = slices.SortedFunc(slices.Values(l.rts), func(a, b *rtRec) int { return byID(a.rt.ID, b.rt.ID) })
	out.igws = slices.SortedFunc(slices.Values(l.igws), func(a, b *igwRec) int { return byID(a.igw.ID, b.igw.ID) })
	out.nats = slices.SortedFunc(slices.Values(l.nats), func(a, b *natRec) int { return byID(a.nat.ID, b.nat.ID) })

	c := l.report.Counts
	c["vpcs"], c["subnets"], c["network-acls"], c["route-tables"] = len(out.vpcs), len(out.subnets), len(out.acls), len(out.rts)
	c["internet-gateways"], c["nat-gateways"], c["prefix-lists"], c["firewalls"] = len(out.igws), len(out.nats), len(l.lists), len(out.fws)
	c["egress-only-internet-gateways"], c["gateway-endpoints"] = len(l.eigws), len(l.gatewayEndpoints())
	c["routes"] = 0
	for _, r := range out.rts {
		c["routes"] += len(r.rt.Routes)
	}
}

// release drops what the load needs no more once assembled: the records
// by ID of both interface listings and of the instances (the merged
// interfaces are in l.out), the first listing of each resource and the
// rule IDs. (The rules describe-security-groups gave for groups whose
// rules describe-security-group-rules gave are dropped earlier, as soon as
// both files are read: readGroups, readGroupRules.) On a large account
// that is tens of megabytes the model's build can use.
func (l *loader) release() {
	l.enisFile, l.enisInst, l.instances, l.seen, l.ruleIDs = nil, nil, nil, nil, nil
}

// placed is where a resource given to the builder came from: the element
// as a whole, and the fields Build may complain about, by the path Build
// uses ("Routes[2].TargetID").
//
// The fields and lists are short slices, searched in order, not maps: a
// large account has a placed value per interface and per group, alive
// while the model is built, and only an error reads them (a map of one
// entry is a few hundred bytes; on 20,000 interfaces the maps were about
// 40 MB of the heap during Build).
type placed struct {
	base   jsonloc.Loc
	fields []fieldAt
	// rel maps fields to their paths below base ("ID": "NetworkInterfaceId"),
	// the location built when asked; it is shared, never written.
	rel map[string]string
	// lists gives the location of the items of a list field ("Rules"),
	// built only when asked: a large account has a million rules, and
	// only an error reads the location of one.
	lists []lazyList
	// policy, for a firewall, says where the faults firewall.Compile
	// finds in its policy are (networkfirewall_place.go).
	policy *policyPlace
}

// fieldAt is the location of one field of a placed resource.
type fieldAt struct {
	field string
	at    jsonloc.Loc
}

// lazyList is the location of each of the n items of the list field
// name, built when asked: items[i] or locs[i] for the i-th, or all for
// every one when both are nil.
type lazyList struct {
	name  string
	n     int
	items []itemAt
	locs  []jsonloc.Loc
	all   jsonloc.Loc
}

// setList records where the items of the list field are, as if set had
// been called for each ("Rules[3]").
func (p *placed) setList(field string, list lazyList) {
	list.name = field
	p.lists = append(p.lists, list)
}

// list returns the list setList last recorded for field.
func (p placed) list(field string) (lazyList, bool) {
	for i := len(p.lists) - 1; i >= 0; i-- {
		if p.lists[i].name == field {
			return p.lists[i], true
		}
	}
	return lazyList{}, false
}

// item returns the location of field when it names an item of a list
// setList recorded ("Rules[3]").
func (p placed) item(field string) (jsonloc.Loc, bool) {
	name, rest, ok := strings.Cut(field, "[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return jsonloc.Loc{}, false
	}
	list, ok := p.list(name)
	i, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
	if !ok || err != nil || i < 0 || i >= list.n || strconv.Itoa(i) != strings.TrimSuffix(rest, "]") {
		return jsonloc.Loc{}, false
	}
	switch {
	case list.items != nil:
		return list.items[i].loc(), true
	case list.locs != nil:
		return list.locs[i], true
	}
	return list.all, true
}

// set records the location of field (a field set again takes the new
// one: lookups search from the last).
func (p *placed) set(field string, o jsonloc.Loc) { p.fields = append(p.fields, fieldAt{field, o}) }

// field returns the location last set for field.
func (p placed) field(field string) (jsonloc.Loc, bool) {
	for i := len(p.fields) - 1; i >= 0; i-- {
		if p.fields[i].field == field {
			return p.fields[i].at, true
		}
	}
	return jsonloc.Loc{}, false
}

// lookup returns the jsonloc.Loc of field, or of the nearest enclosing one.
func (p placed) lookup(field string) jsonloc.Loc {
	for field != "" {
		if o, ok := p.field(field); ok {
			return o
		}
		if sub, ok := p.rel[field]; ok {
			return p.base.Field(sub)
		}
		if o, ok := p.item(field); ok {
			return o
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return p.base
}

// interfaceFields are the fields of a reach.Interface read from a field
// of its JSON element.
var interfaceFields = map[string]string{"ID": "NetworkInterfaceId", "Subnet": "SubnetId", "Groups": "Groups"}

// where maps the builder's kinds ("subnets") to the origins of its items.
type where map[string][]placed

// add records where the next item of kind came from; a nil where records
// nothing.
func (w where) add(kind string, p placed) {
	if w != nil {
		w[kind] = append(w[kind], p)
	}
}

// builder puts the assembled resources into a Builder, in order, and
// records in w, unless it is nil, where each came from. Only Build's errors
// need w: load builds it in a second call when Build fails, so that it is
// not alive while the model is built (on a large account, a few hundred
// bytes per interface, group and route table).
func (l *loader) builder(w where) *reach.Builder {
	out := &l.out
	b := reach.NewBuilder()
	for _, r := range out.vpcs {
		p := placed{base: r.at}
		p.set("ID", r.at.Field("VpcId"))
		for j, o := range r.cidrAt {
			p.set(fmt.Sprintf("CIDRs[%d]", j), o)
		}
		if r.vpc.MainRouteTable != "" {
			p.set("MainRouteTable", r.mainAt)
		}
		if r.vpc.DefaultACL != "" {
			p.set("DefaultACL", r.defACLAt)
		}
		for j, o := range r.privAt {
			p.set(fmt.Sprintf("PrivateIPv6[%d]", j), o)
		}
		b.AddVPC(r.vpc)
		w.add("vpcs", p)
	}
	for _, r := range out.igws {
		p := placed{base: r.at}
		p.set("ID", r.at.Field("InternetGatewayId"))
		p.set("VPC", r.vpc)
		b.AddInternetGateway(r.igw)
		w.add("internetGateways", p)
	}
	for _, r := range out.rts {
		p := placed{base: r.at}
		p.set("ID", r.at.Field("RouteTableId"))
		p.set("VPC", r.at.Field("VpcId"))
		for j, ro := range r.routeAt {
			k := fmt.Sprintf("Routes[%d]", j)
			p.set(k, ro.at)
			p.set(k+".Destination", ro.dest)
			p.set(k+".PrefixList", ro.dest)
			p.set(k+".TargetID", ro.target)
		}
		for j, o := range r.gwAt {
			p.set(fmt.Sprintf("Gateways[%d]", j), o)
		}
		b.AddRouteTable(r.rt)
		w.add("routeTables", p)
	}
	for _, r := range out.acls {
		p := placed{base: r.at}
		p.set("ID", r.at.Field("NetworkAclId"))
		p.set("VPCID", r.at.Field("VpcId"))
		b.AddNetworkACL(r.acl)
		w.add("acls", p)
	}
	for _, r := range out.subnets {
		p := placed{base: r.at}
		p.set("ID", r.at.Field("SubnetId"))
		p.set("VPC", r.at.Field("VpcId"))
		for j, o := range r.cidrAt {
			p.set(fmt.Sprintf("CIDRs[%d]", j), o)
		}
		if r.subnet.RouteTable != "" {
			p.set("RouteTable", r.rtAt)
		}
		for j, o := range r.maybeAt {
			p.set(fmt.Sprintf("RouteTablesMaybe[%d]", j), o)
		}
		if r.subnet.ACL != "" {
			p.set("ACL", r.aclAt)
		}
		b.AddSubnet(r.subnet)
		w.add("subnets", p)
	}
	for _, r := range out.nats {
		p := placed{base: r.at}
		p.set("ID", r.at.Field("NatGatewayId"))
		p.set("Subnet", r.subnet)
		p.set("PrivateIP", r.pr)
		p.set("PublicIP", r.pub)
		for j := range r.secPr {
			p.set(fmt.Sprintf("Secondary[%d].PrivateIP", j), r.secPr[j])
			p.set(fmt.Sprintf("Secondary[%d].PublicIP", j), r.secPub[j])
		}
		b.AddNATGateway(r.nat)
		w.add("natGateways", p)
	}
	for _, r := range out.lists {
		p := placed{base: r.at}
		for j, o := range r.entryAt {
			p.set(fmt.Sprintf("Entries[%d]", j), o)
		}
		b.AddPrefixList(r.list)
		w.add("prefixLists", p)
	}
	b.AddSecurityGroup(out.groups...)
	b.AddUnresolvedGroup(out.unresolved...)
	b.AddLeftOutGroup(out.leftOut...)
	b.AddUnresolvedPrefixList(out.unresolvedLists...)
	if w != nil {
		w["groups"] = out.groupAt
	}
	for _, e := range out.ifaces {
		p := placed{base: e.at, rel: interfaceFields}
		if w != nil {
			p.setList("PrivateIPs", lazyList{n: len(e.ipAt), locs: e.ipAt})
			if e.public.IsValid() {
				p.set("PublicIP", e.publicAt)
			}
			p.setList("Groups", lazyList{n: len(e.groupAt), items: e.groupAt})
		}
		if w != nil {
			for j, o := range e.prefixAt {
				p.set(fmt.Sprintf("DelegatedPrefixes[%d]", j), o)
			}
		}
		b.AddInterface(reach.Interface{ID: e.id, Name: e.name, Instance: e.instance, Subnet: e.subnet,
			PrivateIPs: e.ips, PublicIP: e.public, PublicIPs: e.publicIPs(&p), Groups: e.groups,
			DenyAllIGWTraffic: e.denyIGW, DelegatedPrefixes: e.prefixes,
			SourceDestCheckDisabled: e.sdCheck != nil && !*e.sdCheck, SourceDestCheckUnknown: e.sdUnknown,
			Platform: e.platform, MetadataEndpoint: e.meta.endpoint, MetadataIPv6: e.meta.ipv6, MetadataUnknown: e.meta.unknown,
			InterfaceEndpoint: e.vpce})
		w.add("interfaces", p)
	}
	for j, u := range out.unmodelled {
		p := placed{base: out.unmodelledAt[j]}
		p.set("Address", out.unmodelledAt[j])
		b.AddUnmodelledAddress(u)
		w.add("unmodelledAddresses", p)
	}
	b.AddHostlessAddress(out.hostless...)
	for j, u := range out.unmodelledBlocks {
		p := placed{base: out.unmodelledBlockAt[j]}
		p.set("Prefix", out.unmodelledBlockAt[j])
		b.AddUnmodelledBlock(u)
		w.add("unmodelledBlocks", p)
	}
	for j, u := range out.groupUses {
		e := out.groupUseAt[j]
		p := placed{base: e.at}
		p.set("Owner", e.at.Field("NetworkInterfaceId"))
		if w != nil {
			p.setList("Groups", lazyList{n: len(e.groupAt), items: e.groupAt})
		}
		b.AddUnmodelledGroupUse(u)
		w.add("unmodelledGroupUses", p)
	}
	l.addPeerings(b, w)
	l.addTGWs(b, w)
	b.AddFirewall(out.fws...)
	if w != nil {
		w["firewalls"] = out.fwAt
	}
	b.SetBlockPublicAccess(out.bpa)
	for _, x := range out.bpa.Exclusions {
		w.add("blockPublicAccess.Exclusions", placed{base: l.bpa.at(x.ID)})
	}
	l.addEndpoints(b, w) // endpoints.go
	return b
}

// explain rewrites Build's errors, which name the builder's items
// ("interfaces[3].Groups[0]"), to name the file and JSON path each item
// came from.
func (w where) explain(err error) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		out = append(out, w.place(e))
	}
	return errors.Join(out...)
}

func (w where) place(err error) error {
	ie, ok := err.(*flow.InputError)
	if !ok {
		return err
	}
	kind, rest, _ := strings.Cut(ie.Path, "[")
	num, rest, _ := strings.Cut(rest, "]")
	rest = strings.TrimPrefix(rest, ".")
	i, convErr := strconv.Atoi(num)
	items := w[kind]
	if convErr != nil || i < 0 || i >= len(items) {
		return err
	}
	p := items[i]
	if rest == "Policy" && p.policy != nil {
		return p.policy.place(ie)
	}
	if rest == "" {
		// A group that does not compile: sg.Compile's own error names the rule.
		var inner *flow.InputError
		if errors.As(ie.Err, &inner) && strings.HasPrefix(inner.Path, "Rules[") {
			rest, _, _ = strings.Cut(inner.Path, "]")
			rest += "]"
		}
	}
	o := p.lookup(rest)
	return &flow.InputError{File: o.File, Path: o.Path, Resource: ie.Resource, Rule: ie.Rule, Text: ie.Text, Err: ie.Err}
}

package terraform

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/reach"
)

// Instances and network interfaces: aws_instance (its primary interface,
// with vpc_security_group_ids, private_ip, secondary_private_ips,
// ipv6_addresses and its public IPv4) and aws_network_interface (with
// private_ip, private_ips, private_ip_list, private_ips_count,
// ipv6_addresses and ipv6_address_list). A private address
// AWS picks at launch becomes [reach.Interface.AddressUnknown], an IPv6
// one [reach.Interface.IPv6Unknown] (see ipv6). Each becomes a
// [reach.Interface] whose ID is the resource's address when its ID is
// known only after apply (an instance's interface is named after the
// instance: queries name aws_instance.db), with the Name tag as its name.

// readInstance reads an aws_instance as its primary network interface.
func (r *reader) readInstance(in *instance) {
	for _, attr := range []string{"network_interface", "primary_network_interface"} {
		if in.cfg != nil && in.configured(attr) {
			// its interfaces are aws_network_interface resources: the
			// model would hold the instance's interface beside them
			r.fail(in, attr, "", ErrInvalidPlan, "an instance launched with a network interface of its own (%s blocks) is not modelled: reachsim reads an instance as the primary interface it makes itself, and an aws_network_interface attached by aws_network_interface_attachment", attr)
			return
		}
	}
	it := reach.Interface{ID: in.addr, Name: nameTag(in), Instance: cmp.Or(in.known, in.addr)} // i-… when the plan knows it, else its address
	if eni := r.primaryENI(in); eni != "" {
		r.byID[eni] = in
	}
	lt, fromTemplate := r.launchTemplateOf(in)
	if fromTemplate && r.templateENI(in, lt) {
		return
	}
	it.Subnet, _ = r.linkOne(in, "subnet_id", "aws_subnet")
	if it.Subnet == "" && fromTemplate && isUnknown(in.unknown, "subnet_id") && !in.configured("subnet_id") {
		it.Subnet = r.templateSubnet(in, lt) // the provider computes it: from the template's network interface
	}
	groups, open := r.linkListOpen(in, "vpc_security_group_ids", groupTypes...)
	it.Groups = r.groupsOutsidePlan(in, &it, "vpc_security_group_ids", groups)
	if open {
		r.groupsUnknown(in, &it, "vpc_security_group_ids")
	}
	if !in.configured("vpc_security_group_ids") && !in.created() {
		r.dropDetached(in, &it, "vpc_security_group_ids", r.primaryENI(in))
	}
	if isUnknown(in.unknown, "vpc_security_group_ids") && !in.configured("vpc_security_group_ids") {
		// the provider computes it: from security_groups (names), or
		// the VPC's default group, or the launch template's groups
		vpc := ""
		if s := r.net.subnets[it.Subnet]; s != nil {
			vpc = s.VPC
		}
		switch {
		case in.configured("security_groups"):
			r.groupsUnknown(in, &it, "vpc_security_group_ids (from security_groups, which names the groups by name)")
		case fromTemplate:
			r.templateGroups(in, &it, lt, vpc)
		case vpc != "":
			it.Groups = appendID(it.Groups, r.defaultGroup(in, "vpc_security_group_ids", vpc))
		}
	}
	if isUnknown(in.unknown, "private_ip") {
		it.AddressUnknown = in.addr + ": private_ip" // AWS picks it at launch: reach places it (see reach.Interface.AddressUnknown)
	} else if a, ok := r.addr(in, "private_ip", true); ok {
		it.PrivateIPs = append(it.PrivateIPs, a)
	}
	sec, _, ok := strsOf(in, "secondary_private_ips")
	if !ok {
		r.fail(in, "secondary_private_ips", "", ErrInvalidPlan, "not a list of IP addresses")
	}
	for i, s := range sec {
		path := fmt.Sprintf("secondary_private_ips[%d]", i)
		if isUnknown(in.unknown, "secondary_private_ips", i) {
			r.fail(in, path, "", ErrUnknownValue, "the model needs the interface's addresses")
			continue
		}
		if a, ok := r.parseAddr(in, path, s); ok {
			it.PrivateIPs = append(it.PrivateIPs, a)
		}
	}
	r.ipv6(in, &it, []string{"ipv6_addresses"}, "ipv6_address_count")
	if isUnknown(in.unknown, "secondary_private_ips") && in.configured("secondary_private_ips") && in.cfg != nil {
		r.fail(in, "secondary_private_ips", "", ErrUnknownValue, "the model needs the interface's addresses")
	}
	r.publicIPv4(in, &it)
	sourceDestCheck(in, &it)
	r.metadataOptions(in, &it)
	r.addInterface(it)
}

// primaryENI returns the ID of the primary network interface of in, an
// aws_instance: its planned primary_network_interface_id, or, where that
// is known only after apply and the instance exists, the prior state's,
// which apply keeps (a primary network interface cannot be detached from
// its instance:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html);
// "" when neither says. The value read from the prior state is kept in
// in's values.
func (r *reader) primaryENI(in *instance) string {
	eni, _ := in.values["primary_network_interface_id"].(string)
	if eni == "" && !in.created() && isUnknown(in.unknown, "primary_network_interface_id") {
		eni, _ = r.priorValue(in.addr, "primary_network_interface_id").(string)
		if eni != "" {
			in.values["primary_network_interface_id"] = eni
		}
	}
	return eni
}

// metadataOptions reads metadata_options of an aws_instance:
// http_endpoint and http_protocol_ipv6 "enabled" or "disabled" are
// [reach.Interface.MetadataEndpoint] and MetadataIPv6; a value known only
// after apply (the block's, when the configuration leaves it out of a new
// instance, or an attribute's) leaves its option unset and names it
// ([reach.Interface.MetadataUnknown]); any other value is an error.
func (r *reader) metadataOptions(in *instance, it *reach.Interface) {
	if isUnknown(in.unknown, "metadata_options") {
		it.MetadataUnknown = in.addr + ": metadata_options, known only after apply"
		return
	}
	blocks, _ := in.values["metadata_options"].([]any)
	if len(blocks) == 0 {
		return // not in the plan: unset, and the hop says so
	}
	m, _ := blocks[0].(map[string]any)
	var later []string
	for _, f := range []struct {
		attr string
		to   *reach.Option
	}{{"http_endpoint", &it.MetadataEndpoint}, {"http_protocol_ipv6", &it.MetadataIPv6}} {
		at := "metadata_options[0]." + f.attr
		if isUnknown(in.unknown, "metadata_options", 0, f.attr) {
			later = append(later, in.addr+": "+at)
			continue
		}
		v, ok := m[f.attr].(string)
		if !ok || v == "" {
			continue // null: not in the plan
		}
		if *f.to, ok = reach.ParseOption(v); !ok {
			r.fail(in, at, v, ErrInvalidPlan, "neither enabled nor disabled")
		}
	}
	if len(later) > 0 {
		it.MetadataUnknown = strings.Join(later, " and ") + ", known only after apply"
	}
}

// sourceDestCheck reads source_dest_check of an aws_instance (its
// primary interface) or aws_network_interface: false turns the check off
// ([reach.Interface.SourceDestCheckDisabled]), a value known only after
// apply leaves it unknown ([reach.Interface.SourceDestCheckUnknown]);
// true or absent is AWS's default, the check on.
func sourceDestCheck(in *instance, it *reach.Interface) {
	if isUnknown(in.unknown, "source_dest_check") {
		it.SourceDestCheckUnknown = in.addr + ": source_dest_check"
		return
	}
	if on, ok := in.values["source_dest_check"].(bool); ok && !on {
		it.SourceDestCheckDisabled = true
	}
}

// publicIPv4 sets the public IPv4 address of an instance's interface:
// public_ip when the plan knows it (an instance that exists keeps what it
// has, "" none); otherwise it gets one at launch when
// associate_public_ip_address says so, or, when that is known only after
// apply or left null, when its subnet (aws_subnet or data.aws_subnet)
// maps one on launch (map_public_ip_on_launch acts only at launch).
func (r *reader) publicIPv4(in *instance, it *reach.Interface) {
	pub, pubKnown := in.values["public_ip"].(string)
	pubKnown = pubKnown && !isUnknown(in.unknown, "public_ip")
	released := ""
	if pubKnown && pub != "" && !in.created() {
		released = r.releasedEIP(pub)
	}
	if a, ok := r.addr(in, "public_ip", false); ok && released == "" {
		it.PublicIP = a
		return
	}
	want, known := in.values["associate_public_ip_address"].(bool)
	known = known && !isUnknown(in.unknown, "associate_public_ip_address")
	if released != "" {
		// the refreshed associate_public_ip_address says whether the
		// interface has an association, the Elastic IP's: only the
		// configuration's says how it was launched
		known = known && in.cfg != nil && in.configured("associate_public_ip_address")
		switch more, why := r.moreInterfaces(in); {
		case why != "":
			r.fail(in, "public_ip", pub, ErrUnknownValue, "%s releases the Elastic IP %s, after which the instance gets a new public address only when one network interface is attached (EC2 User Guide, public IPv4 addresses), and %s", released, pub, why)
			return
		case more:
			// AWS gives no new public address to an instance with more
			// than one network interface attached
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: public_ip: %s is the Elastic IP that %s releases; with more than one network interface attached, the instance gets no public address after apply", in.addr, pub, released))
			return
		}
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: public_ip: %s is the Elastic IP that %s releases; the instance has a public address after apply only when it was launched with one (associate_public_ip_address, else its subnet's map_public_ip_on_launch as it is now), one AWS picks", in.addr, pub, released))
	}
	if !known && released == "" && !pubKnown && !in.configured("associate_public_ip_address") {
		if lt, ok := r.launchTemplateOf(in); ok {
			if want, known = r.templatePublicIP(in, lt); known && want {
				it.PublicIPUnknown = in.addr + ": public_ip"
			}
			if known {
				return
			}
		}
	}
	switch {
	case known:
	case released == "" && pubKnown && pub == "":
		want = false // the instance exists without one
	default:
		s := r.subnetInstance(it.Subnet)
		if s == nil {
			return // no subnet of the plan: the builder refuses the interface
		}
		if isUnknown(s.unknown, "map_public_ip_on_launch") {
			r.fail(in, "associate_public_ip_address", "", ErrUnknownValue,
				"whether the instance gets a public address depends on %s: map_public_ip_on_launch, known only after apply", s.addr)
			return
		}
		want = r.boolean(s, "map_public_ip_on_launch")
	}
	if want {
		it.PublicIPUnknown = in.addr + ": public_ip" // AWS picks it at launch (see reach.Interface.PublicIPUnknown)
	}
}

// moreInterfaces reports whether an instance that exists, in, has more
// than one network interface attached after apply: an
// aws_network_interface_attachment, or an aws_network_interface's
// attachment block, that the plan keeps names it. why, when not "", says
// the plan does not decide it: one it creates or deletes (replaces)
// names it, and the plan does not order that against the release of an
// Elastic IP.
func (r *reader) moreInterfaces(in *instance) (more bool, why string) {
	if in.known == "" {
		return false, ""
	}
	names := func(t *instance) bool {
		switch t.typ {
		case "aws_network_interface_attachment":
			return knownString(t, "instance_id") == in.known
		case "aws_network_interface":
			bs, _ := blocks(t.values["attachment"])
			return slices.ContainsFunc(bs, func(b map[string]any) bool { i, _ := b["instance"].(string); return i == in.known })
		}
		return false
	}
	var changing []string
	for _, t := range r.insts {
		switch {
		case !names(t):
		case t.created():
			changing = append(changing, t.addr)
		default:
			more = true
		}
	}
	for _, g := range r.gone {
		if names(g) && !slices.Contains(changing, g.addr) {
			changing = append(changing, g.addr)
		}
	}
	if more || len(changing) == 0 {
		return more, ""
	}
	return false, "the plan changes the attachment of another interface to it (" + strings.Join(changing, ", ") + "), not ordered against that"
}

// subnetInstance returns the aws_subnet or data.aws_subnet instance whose
// model ID is id.
func (r *reader) subnetInstance(id string) *instance {
	for _, in := range []*instance{r.byAdr[id], r.byID[id]} {
		if in != nil && (in.typ == "aws_subnet" || in.typ == "data.aws_subnet") {
			return in
		}
	}
	return nil
}

// readENI reads an aws_network_interface.
func (r *reader) readENI(in *instance) {
	it := reach.Interface{ID: in.id, Name: nameTag(in)}
	lt, fromTemplate := r.launchTemplateOf(in)
	if fromTemplate && r.templateENI(in, lt) {
		return
	}
	it.Subnet, _ = r.linkOne(in, "subnet_id", "aws_subnet")
	if it.Subnet == "" && fromTemplate && isUnknown(in.unknown, "subnet_id") && !in.configured("subnet_id") {
		it.Subnet = r.templateSubnet(in, lt) // the provider computes it: from the template's network interface
	}
	groups, open := r.linkListOpen(in, "security_groups", groupTypes...)
	it.Groups = r.groupsOutsidePlan(in, &it, "security_groups", groups)
	if open {
		r.groupsUnknown(in, &it, "security_groups")
	}
	if !in.configured("security_groups") && !in.created() {
		r.dropDetached(in, &it, "security_groups", in.known)
	}
	if len(it.Groups) == 0 && !open && !isUnknown(in.unknown, "security_groups") || isUnknown(in.unknown, "security_groups") && !in.configured("security_groups") {
		if s := r.net.subnets[it.Subnet]; s != nil {
			it.Groups = appendID(it.Groups, r.defaultGroup(in, "security_groups", s.VPC)) // AWS gives an interface without groups its VPC's default group
		}
	}
	more := r.eniPrivateIPs(in, &it)
	r.ipv6(in, &it, []string{"ipv6_addresses", "ipv6_address_list"}, "ipv6_address_count", "ipv6_prefix_count")
	for _, ac := range [][2]string{{"ipv4_prefixes", "ipv4_prefix_count"}, {"ipv6_prefixes", "ipv6_prefix_count"}} {
		attr, count := ac[0], ac[1]
		n, _ := number(in.values[count])
		ps, partly, ok := strsOf(in, attr)
		if !ok {
			r.fail(in, attr, "", ErrInvalidPlan, "not a list of prefixes")
			continue
		}
		wholly := isUnknown(in.unknown, attr) && (n > 0 || isUnknown(in.unknown, count) && in.configured(count) || in.configured(attr))
		if wholly || partly {
			// AWS picks them at launch (ipv4_prefix_count /
			// ipv6_prefix_count), or the plan knows them (or one of
			// them) only after apply: a free address of the subnet may
			// be the interface's (see reach.Interface.IPv4PrefixesUnknown)
			what := in.addr + ": " + attr
			if attr == "ipv4_prefixes" {
				it.IPv4PrefixesUnknown = joinWhat(it.IPv4PrefixesUnknown, what)
			} else {
				it.IPv6PrefixesUnknown = joinWhat(it.IPv6PrefixesUnknown, what)
			}
			r.rep.Warnings = append(r.rep.Warnings, what+": the prefixes AWS delegates at launch are known only after apply: a query to a free address of the subnet is indeterminate, and so is a set answer for those addresses")
			if wholly {
				continue
			}
		}
		for i, c := range ps {
			if isUnknown(in.unknown, attr, i) {
				continue
			}
			if p, ok := r.prefixAt(in, fmt.Sprintf("%s[%d]", attr, i), c); ok {
				it.DelegatedPrefixes = append(it.DelegatedPrefixes, p)
			}
		}
	}
	if more != "" {
		// AWS picks secondary addresses the plan knows only after
		// apply: a free address of the subnet may be the interface's,
		// as one of a prefix delegated at launch may (see
		// reach.Interface.IPv4PrefixesUnknown)
		what := in.addr + ": private_ips"
		it.IPv4PrefixesUnknown = joinWhat(it.IPv4PrefixesUnknown, what)
		r.rep.Warnings = append(r.rep.Warnings, in.addr+": private_ips: AWS picks secondary private IPv4 addresses the plan knows only after apply ("+more+"): a query to a free address of the subnet is indeterminate, and so is a set answer for those addresses")
	}
	sourceDestCheck(in, &it)
	r.addInterface(it)
}

// eniPrivateIPs reads the private IPv4 addresses of an
// aws_network_interface into it: private_ip, private_ip_list (its first
// the primary) when private_ip_list_enabled, and private_ips, where the
// plan knows them; a primary address AWS picks at launch is
// [reach.Interface.AddressUnknown]. It returns why, "" when not, the
// interface gets secondary addresses the plan knows only after apply:
// private_ips_count asks for more than those known (AWS picks them from
// the subnet: CreateNetworkInterface's SecondaryPrivateIpAddressCount,
// AssignPrivateIpAddresses), or private_ips or private_ip_list, set by
// the configuration, is known only after apply.
func (r *reader) eniPrivateIPs(in *instance, it *reach.Interface) (more string) {
	var why []string
	add := func(path, s string) {
		a, ok := r.parseAddr(in, path, s)
		if !ok {
			return
		}
		if !slices.Contains(it.PrivateIPs, a) {
			it.PrivateIPs = append(it.PrivateIPs, a)
		}
	}
	if s, _ := in.values["private_ip"].(string); s != "" && !isUnknown(in.unknown, "private_ip") {
		add("private_ip", s) // the primary address first
	}
	lists := []string{"private_ips"}
	switch on, _ := in.values["private_ip_list_enabled"].(bool); {
	case isUnknown(in.unknown, "private_ip_list_enabled") && in.configured("private_ip_list"):
		why = append(why, "private_ip_list_enabled") // whether private_ip_list holds them is unknown
	case on:
		lists = []string{"private_ip_list", "private_ips"}
	}
	for _, attr := range lists {
		if isUnknown(in.unknown, attr) {
			if in.configured(attr) {
				why = append(why, attr)
			}
			continue
		}
		l, ok := in.values[attr].([]any)
		if !ok && in.values[attr] != nil {
			r.fail(in, attr, "", ErrInvalidPlan, "not a list of IP addresses")
		}
		for i, e := range l {
			s, _ := e.(string)
			if isUnknown(in.unknown, attr, i) || s == "" {
				why = append(why, fmt.Sprintf("%s[%d]", attr, i))
				continue
			}
			add(fmt.Sprintf("%s[%d]", attr, i), s)
		}
	}
	if !slices.ContainsFunc(it.PrivateIPs, netip.Addr.Is4) && isUnknown(in.unknown, "private_ip") {
		it.AddressUnknown = in.addr + ": private_ip" // AWS picks it at launch: reach places it (see reach.Interface.AddressUnknown)
	}
	have := 0
	for _, a := range it.PrivateIPs {
		if a.Is4() {
			have++
		}
	}
	if it.AddressUnknown != "" {
		have++
	}
	switch n, ok := number(in.values["private_ips_count"]); {
	case isUnknown(in.unknown, "private_ips_count"):
		if in.configured("private_ips_count") {
			why = append(why, "private_ips_count")
		}
	case ok && int(n)+1 > have:
		why = append(why, fmt.Sprintf("private_ips_count %d: %d more than the plan shows", n, int(n)+1-have))
	}
	return strings.Join(why, ", ")
}

// ipv6 reads the IPv6 addresses of an instance or an interface: those
// its list attributes hold, or, when AWS picks them at launch (the list
// is known only after apply, and a count attribute asks for some or the
// subnet has assign_ipv6_address_on_creation), an address known only
// later ([reach.Interface.IPv6Unknown]), which the model places in the
// subnet's IPv6 block. Whether the subnet assigns one, known only after
// apply, is an error: the model needs it. An address of the list the
// configuration computes, known only after apply (cidrhost of a new
// subnet's block), is one of the subnet's IPv6 block (ipv6Later).
func (r *reader) ipv6(in *instance, it *reach.Interface, lists []string, counts ...string) {
	unknown, later := false, ""
	for _, attr := range lists {
		v6, _, ok := strsOf(in, attr)
		if !ok {
			r.fail(in, attr, "", ErrInvalidPlan, "not a list of IPv6 addresses")
		}
		for i, s := range v6 {
			if isUnknown(in.unknown, attr, i) {
				if later == "" {
					later = fmt.Sprintf("%s[%d]", attr, i)
				}
				continue
			}
			a, err := netip.ParseAddr(s)
			if err != nil || !a.Is6() || a.Is4In6() || a.Zone() != "" {
				r.fail(in, fmt.Sprintf("%s[%d]", attr, i), s, ErrInvalidPlan, "not an IPv6 address")
				continue
			}
			if !slices.Contains(it.PrivateIPs, a) { // ipv6_address_list repeats ipv6_addresses
				it.PrivateIPs = append(it.PrivateIPs, a)
			}
		}
		unknown = unknown || isUnknown(in.unknown, attr)
	}
	hasBlock := false
	if s := r.net.subnets[it.Subnet]; s != nil {
		hasBlock = slices.ContainsFunc(s.CIDRs, func(p netip.Prefix) bool { return p.Addr().Is6() })
	}
	if later != "" {
		r.ipv6Later(in, it, later, hasBlock)
		return
	}
	if !unknown || slices.ContainsFunc(it.PrivateIPs, netip.Addr.Is6) {
		return // the plan knows them, or that there are none
	}
	why := ""
	for _, attr := range counts {
		if n, _ := number(in.values[attr]); n > 0 || isUnknown(in.unknown, attr) && in.configured(attr) && in.cfg != nil {
			why = attr
			break
		}
	}
	if s := r.subnetInstance(it.Subnet); why == "" && s != nil && hasBlock {
		switch {
		case isUnknown(s.unknown, "assign_ipv6_address_on_creation"):
			r.fail(in, lists[0], "", ErrUnknownValue,
				"whether it gets an IPv6 address depends on %s: assign_ipv6_address_on_creation, known only after apply", s.addr)
			return
		case r.boolean(s, "assign_ipv6_address_on_creation"):
			why = s.addr + ": assign_ipv6_address_on_creation"
		}
	}
	switch {
	case why == "":
	case hasBlock:
		it.IPv6Unknown = in.addr + ": " + lists[0] // AWS picks it at launch: reach places it (see reach.Interface.IPv6Unknown)
	default:
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: %s: AWS picks them at launch (%s), and the model's subnet has no IPv6 block; the interface is modelled without IPv6 addresses, so an IPv6 query to or from it is an error", in.addr, lists[0], why))
	}
}

// ipv6Later records an IPv6 address of in that the plan knows only after
// apply, its list element path: the interface's IPv6 address, known only
// later ([reach.Interface.IPv6Unknown]), when the plan knows none other;
// beside known ones, one more that may be any free address of the
// subnet's IPv6 block, as a delegated prefix AWS picks at launch
// ([reach.Interface.IPv6PrefixesUnknown]). In a subnet without an IPv6
// block it cannot be the interface's (AWS refuses it): a warning, the
// interface modelled without it.
func (r *reader) ipv6Later(in *instance, it *reach.Interface, path string, hasBlock bool) {
	what := in.addr + ": " + path
	switch {
	case !hasBlock:
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: the address is known only after apply, and the model's subnet has no IPv6 block; the interface is modelled without it", what))
	case slices.ContainsFunc(it.PrivateIPs, netip.Addr.Is6):
		it.IPv6PrefixesUnknown = joinWhat(it.IPv6PrefixesUnknown, what)
		r.rep.Warnings = append(r.rep.Warnings, what+": an IPv6 address known only after apply: a query to a free address of the subnet is indeterminate, and so is a set answer for those addresses")
	default:
		it.IPv6Unknown = what // reach places it (see reach.Interface.IPv6Unknown)
	}
}

// joinWhat adds what to the value names of an unknown (a, "" for none).
func joinWhat(a, what string) string {
	if a == "" {
		return what
	}
	return a + "; " + what
}

// addInterface records an interface.
func (r *reader) addInterface(it reach.Interface) {
	r.enis[it.ID] = &it
	r.eniList = append(r.eniList, it.ID)
}

// readSGAttachment reads an aws_network_interface_sg_attachment.
func (r *reader) readSGAttachment(in *instance) {
	g, _, open := r.linkOneOpen(in, "security_group_id", groupTypes...)
	eni, present := r.linkOne(in, "network_interface_id", "aws_network_interface", "aws_instance")
	it := r.enis[eni]
	if it == nil {
		if eni == "" && present {
			return // linkOne reported the link unresolved
		}
		r.fail(in, "network_interface_id", eni, ErrInvalidPlan, "no network interface of the plan")
		return
	}
	if open {
		r.groupsUnknown(in, it, "security_group_id")
	}
	if g == "" {
		return
	}
	if owner, attr := r.inlineGroupsOf(eni); owner != nil {
		if groups, _ := r.linkListOpen(owner, attr, groupTypes...); !slices.Contains(groups, g) {
			// the provider documents the mix as undefined: an update of
			// the owner sets the interface's groups to exactly its list
			// (dropping g), while the attachment adds g back when it is
			// created or replaced
			what := fmt.Sprintf("%s: security_group_id (whether %s, which %s's configured %s lacks, stays on the interface)", in.addr, g, owner.addr, attr)
			it.GroupsUnknown = joinWhat(it.GroupsUnknown, what)
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: attaches %s to the interface of %s, whose configuration writes %s without it: the provider documents the mix as undefined (an update of %s sets the interface's groups to exactly its list, dropping %s): whether the interface holds %s after apply is undecided, and the queries the interface's groups could decide are indeterminate", in.addr, g, owner.addr, attr, owner.addr, g, g))
			return
		}
	}
	it.Groups = appendID(it.Groups, g)
}

// inlineGroupsOf returns the resource whose configuration writes the
// security groups of interface eni inline (an aws_instance's
// vpc_security_group_ids for its primary interface, an
// aws_network_interface's security_groups), and that attribute; nil when
// the configuration leaves them to the provider (Optional and Computed).
func (r *reader) inlineGroupsOf(eni string) (*instance, string) {
	t := r.byAdr[eni]
	if t == nil || t.cfg == nil {
		return nil, ""
	}
	attr := map[string]string{"aws_instance": "vpc_security_group_ids", "aws_network_interface": "security_groups"}[t.typ]
	if attr == "" || !t.configured(attr) {
		return nil, ""
	}
	return t, attr
}

// groupsOutsidePlan returns groups, the security groups attr of in gives the
// interface it, less those the plan does not hold, whose rules are not
// in the input: a data.aws_security_group's, or an sg-… ID that names no
// group of the plan (nor one the plan deletes, which AWS would refuse:
// such an ID is left for the builder's error). Each makes the
// interface's groups known only in part ([reach.Interface.GroupsUnknown]):
// what such a group could allow is undecided.
func (r *reader) groupsOutsidePlan(in *instance, it *reach.Interface, attr string, groups []string) []string {
	out := groups[:0:0]
	for _, g := range groups {
		t := r.byAdr[g]
		outside := t != nil && t.typ == "data.aws_security_group" ||
			t == nil && r.byID[g] == nil && strings.HasPrefix(g, "sg-") && !slices.ContainsFunc(r.goneOf("aws_security_group"), func(d *instance) bool { return d.known == g })
		if !outside {
			out = append(out, g)
			continue
		}
		if t != nil && t.known != "" {
			g = t.known + " (" + t.addr + ")"
		}
		what := fmt.Sprintf("%s: %s (%s, a security group the plan does not hold, whose rules are not in the input)", in.addr, attr, g)
		it.GroupsUnknown = joinWhat(it.GroupsUnknown, what)
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: %s: %s is a security group the plan does not hold (add it to the configuration, or import it): the queries the interface's groups could decide are indeterminate", in.addr, attr, g))
	}
	return out
}

// groupsUnknown records that attr of in, which adds security groups to
// it, is known only after apply and that no reference resolves it: the
// interface's groups are known only in part
// ([reach.Interface.GroupsUnknown]).
func (r *reader) groupsUnknown(in *instance, it *reach.Interface, attr string) {
	what := in.addr + ": " + attr
	it.GroupsUnknown = joinWhat(it.GroupsUnknown, what)
	r.rep.Warnings = append(r.rep.Warnings, in.addr+": "+attr+": known only after apply, from something other than resources of the plan: the queries the interface's groups could decide are indeterminate")
}

// readENIAttachment reads an aws_network_interface_attachment: the
// interface belongs to the instance, whose ID it takes when the plan
// knows it, and whose metadata options and platform it carries.
func (r *reader) readENIAttachment(in *instance) {
	inst, _ := r.linkOne(in, "instance_id", "aws_instance")
	eni, present := r.linkOne(in, "network_interface_id", "aws_network_interface")
	it := r.enis[eni]
	if it == nil {
		if eni == "" && present {
			return // linkOne reported the link unresolved
		}
		r.fail(in, "network_interface_id", eni, ErrInvalidPlan, "no network interface of the plan")
		return
	}
	r.attachTo(it, inst)
}

// inlineAttachments makes an aws_network_interface attached by its own
// attachment block the instance's, as readENIAttachment does for an
// aws_network_interface_attachment. A block whose instance no reference
// resolves leaves the interface as it is.
func (r *reader) inlineAttachments() {
	for _, in := range r.insts {
		it := r.enis[in.id]
		if in.typ != "aws_network_interface" || it == nil || it.Instance != "" {
			continue
		}
		bs, _ := blocks(in.values["attachment"])
		for i, b := range bs {
			if inst, _, _ := r.resolveOne(r.inlineBlock(in, "attachment", i, len(bs), b), "instance", "aws_instance"); inst != "" {
				r.attachTo(it, inst)
			}
		}
	}
}

// attachTo makes interface it one of instance inst's (the model ID the
// plan's reference or literal ID gives).
func (r *reader) attachTo(it *reach.Interface, inst string) {
	t := r.byAdr[inst]
	if t == nil {
		// an instance the plan does not hold, by its ID: the interface is
		// its (its options are unknown)
		if strings.HasPrefix(inst, "i-") {
			it.Instance = inst
		}
		return
	}
	// the instance's ID, or its address while the ID is known only after
	// apply: an appliance's interfaces must stay one instance's either way
	it.Instance = cmp.Or(t.known, t.addr)
	if p := r.enis[t.addr]; p != nil {
		// the metadata options (and platform) are the instance's: every
		// interface of it carries them (reach.Interface), as aws.Load
		// gives them, known or not, to each
		it.MetadataEndpoint, it.MetadataIPv6, it.MetadataUnknown, it.Platform = p.MetadataEndpoint, p.MetadataIPv6, p.MetadataUnknown, p.Platform
	}
}

// finishInterfaces gives the interfaces to the builder.
func (r *reader) finishInterfaces() {
	r.inlineAttachments()
	for _, id := range r.eniList {
		r.b.AddInterface(*r.enis[id])
	}
}

package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/internal/slowpath"
)

// Prefixes delegated to interfaces ([Interface.DelegatedPrefixes]): as
// AWS has it (EC2 user guide, "Assign prefixes to Amazon EC2 network
// interfaces"), their addresses are the interface's own. The VPC delivers
// a packet for one of them to the interface, which may send from it; the
// interface's security groups and its subnet's network ACL judge it as
// they judge its primary address, and a security group rule referencing
// one of its groups matches them as it matches its private addresses
// (Amazon EKS's pods in prefix mode share their node's groups). No public
// IPv4 address maps to an IPv4 prefix; an IPv6 prefix of a public block is
// on the internet as the interface's IPv6 address is.

// delegIndex finds the delegated prefix holding an address: for each
// family the prefix lengths in use, longest first, and the delegation of
// each prefix. A model built under internal/slowpath has none and scans
// [Model.delegated] (the slow reference).
type delegIndex struct {
	lens [2][]int // [0 IPv4, 1 IPv6]
	at   map[netip.Prefix]delegation
}

// indexDelegated checks the delegated prefixes Build kept (no two
// overlap, none holds an interface's private address: AWS reserves a
// delegated prefix's addresses for its interface) and indexes them, with
// the prefixes delegated to each group's members.
func (b *Builder) indexDelegated(p *problems, m *Model) {
	if len(m.delegated) == 0 {
		return
	}
	sorted := slices.Clone(m.delegated)
	slices.SortFunc(sorted, func(x, y delegation) int {
		return cmp.Or(x.prefix.Addr().Compare(y.prefix.Addr()), x.prefix.Bits()-y.prefix.Bits())
	})
	for i := 1; i < len(sorted); i++ {
		if x, y := sorted[i-1], sorted[i]; x.prefix.Overlaps(y.prefix) {
			p.add(y.iface.ID, path("interfaces", y.iface.index, "DelegatedPrefixes"), y.prefix.String(),
				"overlaps %s, delegated to %s", x.prefix, x.iface.ID)
		}
	}
	m.memberPrefixes = map[string][]netip.Prefix{}
	if !slowpath.On() {
		m.delegIdx = &delegIndex{at: make(map[netip.Prefix]delegation, len(m.delegated))}
	}
	for _, d := range m.delegated {
		for _, g := range d.iface.Groups {
			m.memberPrefixes[g] = append(m.memberPrefixes[g], d.prefix)
		}
		if x := m.delegIdx; x != nil {
			fam := familyOf(d.prefix.Addr())
			if !slices.Contains(x.lens[fam], d.prefix.Bits()) {
				x.lens[fam] = append(x.lens[fam], d.prefix.Bits())
			}
			if _, dup := x.at[d.prefix]; !dup {
				x.at[d.prefix] = d
			}
		}
	}
	if x := m.delegIdx; x != nil {
		for fam := range x.lens {
			slices.SortFunc(x.lens[fam], func(a, b int) int { return b - a })
		}
	}
	for a, ii := range m.byPrivate {
		if d, ok := m.delegationOf(a); ok {
			p.add(ii.ID, path("interfaces", ii.index, "PrivateIPs"), a.String(),
				"inside %s, a prefix delegated to %s: AWS gives its addresses to no other use", d.prefix, d.iface.ID)
		}
	}
}

// checkDelegatedOwners reports every address the design gives to
// something (Model.owners: a NAT gateway's private address, an
// interface's public one) inside a prefix delegated to an interface, once
// every such address is claimed: AWS gives a delegated prefix's addresses
// to no other use. An interface's private address there indexDelegated
// has reported already.
func checkDelegatedOwners(p *problems, m *Model) {
	if len(m.delegated) == 0 {
		return
	}
	var held []netip.Addr
	for a := range m.owners {
		if _, private := m.byPrivate[a]; !private {
			held = append(held, a)
		}
	}
	slices.SortFunc(held, netip.Addr.Compare)
	for _, a := range held {
		if d, ok := m.delegationOf(a); ok {
			p.add(d.iface.ID, path("interfaces", d.iface.index, "DelegatedPrefixes"), d.prefix.String(),
				"holds %s, the address of %s: AWS gives a delegated prefix's addresses to no other use", a, m.owners[a])
		}
	}
}

// prefixesUnknownHop is the undecided hop (kind and id) of a packet for
// an address nothing in the design holds, when the address the cloud
// picks at launch for an interface of a subnet of vpc could be it
// ([Interface.AddressUnknown], [Interface.IPv6Unknown]: an address its
// placeholder stands for), or a prefix the cloud delegates at launch to
// one could hold it ([Interface.IPv4PrefixesUnknown],
// [Interface.IPv6PrefixesUnknown]): a free address of that subnet, none
// the cloud reserves (assignable: Alibaba Cloud's rule for an ECS
// interface, AWS's for any other). Such an address may be the base of the
// VPC plus two, which an Alibaba vSwitch does not reserve: the callers
// ask this before they take it for the Amazon DNS server.
func (m *Model) prefixesUnknownHop(pkt flow.Flow, vpc *vpcInfo, kind Kind, id string) (Hop, bool) {
	dst := pkt.Dst.Addr()
	for _, ii := range m.prefixesUnknown {
		if ii.subnet.vpc != vpc {
			continue
		}
		what := ii.launchPrefixesAt(dst) // prefixes_unknown.go
		if what == "" {
			continue
		}
		return Hop{Kind: kind, ID: id, Packet: pkt, Verdict: flow.Indeterminate, Code: DelegatedPrefixesUnknown,
			reason:  fmt.Sprintf("nothing in the design has %s, but AWS gives %s prefixes or secondary addresses of %s at launch, which may hold it", dst, ii.label(), ii.subnet.ID),
			Missing: what + ", known only later: whether the prefixes or addresses AWS gives " + ii.label() + " at launch hold " + dst.String()}, true
	}
	for _, ii := range m.unknownIfaces { // an address AWS picks at launch may be dst
		u := ii.unknown
		if dst.Is6() {
			u = ii.unknown6
		}
		if u == nil || ii.subnet.vpc != vpc || !u.could.Contains(dst) {
			continue
		}
		return Hop{Kind: kind, ID: id, Packet: pkt, Verdict: flow.Indeterminate, Code: AddressUnknownDestination,
			reason:  fmt.Sprintf("nothing in the design has %s, but %s picks the address of %s in %s at launch, which may be it", dst, cloudName(ii), ii.label(), ii.subnet.ID),
			Missing: u.what + ", known only later: whether it is " + dst.String()}, true
	}
	return Hop{}, false
}

// maybeOwnPrefix is the undecided hop of appliance ii for pkt when pkt's
// destination, an address of ii's subnet that nothing holds, may be of a
// prefix AWS delegates to ii at launch ([Interface.IPv4PrefixesUnknown],
// [Interface.IPv6PrefixesUnknown]): then ii receives it as its own, else
// its source/destination check judges it.
func (m *Model) maybeOwnPrefix(pkt flow.Flow, ii *ifaceInfo) (Hop, bool) {
	dst := pkt.Dst.Addr()
	what := m.mayDelegate(ii, dst) // prefixes_unknown.go
	if what == "" {
		return Hop{}, false
	}
	return Hop{Kind: KindInterface, ID: ii.ID, Name: ii.label(), Packet: pkt, Verdict: flow.Indeterminate, Code: DelegatedPrefixesUnknown,
		reason:  fmt.Sprintf("%s may be of a prefix or a secondary address AWS gives %s at launch: then %s receives it as its own, else its source/destination check judges it", dst, ii.label(), ii.label()),
		Missing: what + ", known only later: whether the prefixes or addresses AWS gives " + ii.label() + " at launch hold " + dst.String()}, true
}

// cloudName names the cloud that gives interface ii its addresses:
// "Alibaba Cloud" for an ECS interface, "AWS" for any other.
func cloudName(ii *ifaceInfo) string {
	if ii.isAlibaba() {
		return "Alibaba Cloud"
	}
	return "AWS"
}

// familyOf is 0 for an IPv4 address, 1 for IPv6.
func familyOf(a netip.Addr) int {
	if a.Is4() {
		return 0
	}
	return 1
}

// delegationOf returns the delegated prefix that holds a.
func (m *Model) delegationOf(a netip.Addr) (delegation, bool) {
	if x := m.delegIdx; x != nil {
		for _, bits := range x.lens[familyOf(a)] {
			p, _ := a.Prefix(bits)
			if d, ok := x.at[p]; ok {
				return d, true
			}
		}
		return delegation{}, false
	}
	for _, d := range m.delegated {
		if d.prefix.Contains(a) {
			return d, true
		}
	}
	return delegation{}, false
}

// ifaceByAddr returns the interface whose address a is: one of its private
// addresses, or an address of a prefix delegated to it. A design without
// delegated prefixes pays a length check for the second.
func (m *Model) ifaceByAddr(a netip.Addr) (*ifaceInfo, bool) {
	if ii, ok := m.byPrivate[a]; ok {
		return ii, true
	}
	if len(m.delegated) == 0 {
		return nil, false
	}
	d, ok := m.delegationOf(a)
	return d.iface, ok
}

// delegatedNote is the trace's line for a packet whose address a (the
// destination, or the source when src) is of a prefix delegated to an
// interface, "" for any other address.
func (m *Model) delegatedNote(a netip.Addr, src bool) string {
	if len(m.delegated) == 0 {
		return ""
	}
	if _, own := m.byPrivate[a]; own {
		return ""
	}
	d, ok := m.delegationOf(a)
	if !ok {
		return ""
	}
	what := "the destination"
	if src {
		what = "the source"
	}
	return fmt.Sprintf("%s %s is an address of %s, a prefix delegated to %s: the interface's own, judged as its primary address is", what, a, d.prefix, d.iface.label())
}

// GroupPrefixes implements [sg.GroupPrefixResolver]: the prefixes
// delegated to the interfaces the group is attached to
// ([Interface.DelegatedPrefixes]), in a new slice the caller owns.
func (m *Model) GroupPrefixes(group string) []netip.Prefix {
	return slices.Clone(m.memberPrefixes[group])
}

// delegatedSources answers [Model.Sources] for the addresses of ps,
// prefixes delegated to ii of the family base asks: an entry per outcome
// but unreachable, with exactly the addresses that have it. Each prefix
// is cut where the walk treats addresses apart (addressCuts, computed
// into *cuts at the first need), then where the filters on each piece's
// path do; one walk decides each atom. anyClient asks from every client
// port ([SourcesQuery].AnyClientPort, addrSources).
func (m *Model) delegatedSources(base Query, ii *ifaceInfo, ps []netip.Prefix, cuts **flow.Bounds, anyClient bool) ([]SourceInterface, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	if *cuts == nil {
		*cuts = m.addressCuts()
	}
	q := base
	q.From = ps[0].Addr().String()
	f, _, err := m.queryFlow(q)
	if err != nil {
		return nil, err
	}
	var pieces []flow.AddrRange
	for _, p := range ps {
		pieces = append(pieces, (*cuts).AddrAtoms(flow.FieldSrcAddr, p.Addr(), addrset.Last(p))...)
	}
	open, und, _, err := m.addrSources(f, ii, pieces, anyClient, func(a flow.AddrRange) (netip.Addr, bool) { return a.From, true })
	if err != nil {
		return nil, err
	}
	var out []SourceInterface
	for _, x := range []struct {
		rs []addrset.Range
		o  Outcome
	}{{open, Reachable}, {und, Indeterminate}} {
		if len(x.rs) == 0 {
			continue
		}
		blocks := addrset.OfRanges(x.rs...).Prefixes()
		out = append(out, SourceInterface{ID: ii.ID, Name: ii.Name, Address: blocks[0].Addr(), Outcome: x.o, Prefixes: blocks})
	}
	return out, nil
}

// serviceAsk is what [Model.auditService] was asked for one risky
// service of an audited class: the service, the ports and internet
// addresses its group rules open, and those rules.
type serviceAsk struct {
	risk  Risk
	ports flow.PortSet
	where addrset.Set
	by    []string
	keys  []ruleKey // the rules by names
	// srcPort is the client port asked from ([AuditOptions.SrcPort]); 0
	// asks from every one
	srcPort uint16
	// byPort asks for a finding per set of ports answered alike
	// ([AuditOptions.ByPort]); ports are then those the same rules open
	byPort bool
	// index is the service's place in the catalogue
	index int
}

// auditDelegated audits ii's IPv6 delegated prefixes for the services
// asked (the class's findings): each prefix as its first address. Where
// the design could treat the prefix's addresses apart (addressCuts cut
// it, or a firewall endpoint could judge by destination), a finding that
// is not Exposed for that address is Undecided for the prefix: another
// of its addresses may be.
func (m *Model) auditDelegated(ii *ifaceInfo, asked []serviceAsk) ([]Finding, error) {
	var out []Finding
	var cuts *flow.Bounds
	for _, p := range ii.DelegatedPrefixes {
		if !p.Addr().Is6() {
			continue // no public IPv4 address maps to an IPv4 prefix
		}
		if cuts == nil {
			cuts = m.addressCuts()
		}
		apart := len(m.endpoints) > 0 || len(cuts.AddrAtoms(flow.FieldSrcAddr, p.Addr(), addrset.Last(p))) > 1
		fs, err := m.auditAsks(p.Addr(), asked, true, func(a serviceAsk, f *Finding) {
			if apart && f.Exposure != Exposed {
				f.Exposure, f.Sources, f.ClosedBy = Undecided, a.where.Prefixes(), nil
			}
			f.Interface, f.Name, f.Address, f.Prefix = ii.ID, ii.Name, p.Addr(), p
		})
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

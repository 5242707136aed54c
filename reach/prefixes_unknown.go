package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Prefixes delegated at launch ([Interface.IPv4PrefixesUnknown],
// [Interface.IPv6PrefixesUnknown]) and the set questions. Any free
// address of the interface's subnet may be of such a prefix, so the
// interface may send from it (EKS pods in prefix mode) and the internet
// may reach it there. Sources and Audit judge those addresses in the
// model of the design in which AWS delegated every one of them to the
// interface (withFreeDelegated): there each is the interface's own, as
// it would be, its groups' references matching it and the reply
// delivered to it, exactly as for [Interface.DelegatedPrefixes]. Whether
// AWS delegates a given address is unknown, so an address that gets
// through, or might, is an undecided one: never a certain answer.
// Where the interface's own address of that family is known only later
// too ([Interface.AddressUnknown], [Interface.IPv6Unknown]) its
// placeholder already stands for every free address of the subnet (the
// set questions refuse a design whose blocks tell them apart), so it
// answers for them.

// freeIn returns subnet s's block of the family (IPv6 when v6) and the
// addresses of it the cloud may still give out: none it reserves
// (assignable: AWS's rule, or Alibaba Cloud's when alibaba, for an ECS
// interface), none the design gives to anything (an address of a
// resource, a delegated prefix's), and, unless placeholders, no
// placeholder of an address known only later. The block is invalid when
// s has none of the family, or one too small to hold a usable address.
func (m *Model) freeIn(s *subnetInfo, v6, alibaba, placeholders bool) (netip.Prefix, addrset.Set) {
	var block netip.Prefix
	for _, c := range s.CIDRs {
		if c.Addr().Is6() == v6 {
			block = c
			break
		}
	}
	if !block.IsValid() {
		return netip.Prefix{}, addrset.Set{}
	}
	usable, ok := assignable(block, alibaba)
	if !ok {
		return netip.Prefix{}, addrset.Set{}
	}
	free := addrset.OfRanges(usable)
	var taken []addrset.Range
	for a, owner := range m.owners {
		if block.Contains(a) && (!placeholders || !strings.HasPrefix(owner, unknownOwner)) {
			taken = append(taken, addrset.Range{From: a, To: a})
		}
	}
	for _, d := range m.delegated {
		if block.Overlaps(d.prefix) { // AWS gives no other use an address of a delegated prefix
			taken = append(taken, addrset.Range{From: d.prefix.Addr(), To: addrset.Last(d.prefix)})
		}
	}
	return block, free.Difference(addrset.OfRanges(taken...))
}

// prefixesUnknownOf names the value known only later of ii's prefixes of
// the family (IPv6 when v6), "" when they are known, or when ii's own
// address of the family is known only later too: its placeholder then
// answers for the subnet's free addresses.
func prefixesUnknownOf(ii *ifaceInfo, v6 bool) string {
	if v6 {
		if ii.unknown6 != nil {
			return ""
		}
		return ii.IPv6PrefixesUnknown
	}
	if ii.unknown != nil {
		return ""
	}
	return ii.IPv4PrefixesUnknown
}

// withFreeDelegated builds the model of m's design in which AWS
// delegated free, addresses of ii's subnet nothing holds, to ii at
// launch, as the fewest CIDR blocks: each of them ii's own. Placeholders
// of addresses known only later are not in free, so Build gives them
// again as m has them (the highest free address of their subnet).
func (m *Model) withFreeDelegated(ii *ifaceInfo, v6 bool, free addrset.Set) (*Model, error) {
	b := m.design()
	i := slices.IndexFunc(b.ifaces, func(in Interface) bool { return in.ID == ii.ID })
	in := &b.ifaces[i]
	in.DelegatedPrefixes = append(slices.Clone(in.DelegatedPrefixes), free.Prefixes()...)
	b.freeDelegated = true // blocks of any length
	if v6 {
		in.IPv6PrefixesUnknown = ""
	} else {
		in.IPv4PrefixesUnknown = ""
	}
	km, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("the free addresses of %s delegated to %s: %w", ii.subnet.ID, ii.label(), err)
	}
	return km, nil
}

// prefixesUnknownSources answers [Model.Sources] for the free addresses
// of ii's subnet a prefix AWS delegates to ii at launch may hold (of the
// family base asks): one Indeterminate entry holding exactly those whose
// session gets through, or might, once they are ii's; none when no such
// address does. Each is judged as delegatedSources judges a delegated
// prefix's (atoms, one walk each), in withFreeDelegated's model; from
// every client port when anyClient ([SourcesQuery].AnyClientPort).
// None either when the destination is itself one of those free
// addresses: once ii holds it, a session to it from ii stays inside the
// host (checkSelf), and while ii does not, the address is no one's.
func (m *Model) prefixesUnknownSources(base Query, ii *ifaceInfo, anyClient bool) ([]SourceInterface, error) {
	what := prefixesUnknownOf(ii, base.IPv6)
	if what == "" {
		return nil, nil
	}
	_, free := m.freeIn(ii.subnet, base.IPv6, ii.isAlibaba(), false)
	if free.IsEmpty() {
		return nil, nil
	}
	if a, ok := parseAddr(base.To); ok && free.Contains(a) {
		return nil, nil
	}
	km, err := m.withFreeDelegated(ii, base.IPv6, free)
	if err != nil {
		return nil, err
	}
	var cuts *flow.Bounds
	es, err := km.delegatedSources(base, km.ifaces[ii.ID], free.Prefixes(), &cuts, anyClient)
	if err != nil {
		return nil, err
	}
	var got []netip.Prefix
	for _, e := range es {
		got = append(got, e.Prefixes...)
	}
	if len(got) == 0 {
		return nil, nil
	}
	blocks := addrset.Of(got...).Prefixes()
	return []SourceInterface{{ID: ii.ID, Name: ii.Name, Address: blocks[0].Addr(), Outcome: Indeterminate, Prefixes: blocks, PrefixesUnknown: what}}, nil
}

// auditPrefixesUnknown audits, for the services asked (the class's
// findings), the free addresses of ii's subnet's IPv6 block, which a
// prefix AWS delegates to ii at launch may hold
// ([Interface.IPv6PrefixesUnknown]): one finding per service, asked at
// the first free address in withFreeDelegated's model, where it is ii's
// own. Whether AWS delegates it is unknown, so a finding Exposed there is
// Undecided; so is one that is not, where the design could treat the
// free addresses apart (addressCuts cut them, or a firewall endpoint
// could judge by destination), as auditDelegated has it. Prefix is the
// subnet's IPv6 block, PrefixesUnknown names the value.
func (m *Model) auditPrefixesUnknown(ii *ifaceInfo, asked []serviceAsk) ([]Finding, error) {
	what := prefixesUnknownOf(ii, true)
	if what == "" || len(asked) == 0 {
		return nil, nil
	}
	block, free := m.freeIn(ii.subnet, true, ii.isAlibaba(), false)
	if free.IsEmpty() {
		return nil, nil
	}
	km, err := m.withFreeDelegated(ii, true, free)
	if err != nil {
		return nil, err
	}
	cuts := m.addressCuts()
	apart := len(m.endpoints) > 0
	for _, r := range free.Ranges() {
		apart = apart || len(cuts.AddrAtoms(flow.FieldSrcAddr, r.From, r.To)) > 1
	}
	at := free.Ranges()[0].From
	return km.auditAsks(at, asked, true, func(a serviceAsk, f *Finding) {
		if f.Exposure == Exposed || apart && f.Exposure != Undecided {
			f.Exposure, f.ClosedBy = Undecided, nil
			if apart {
				f.Sources = a.where.Prefixes()
			}
		}
		f.Interface, f.Name, f.Address, f.Prefix, f.PrefixesUnknown = ii.ID, ii.Name, at, block.Masked(), what
	})
}

// launchPrefixesAt names the value known only later of ii's prefixes of
// a's family ([Interface.IPv4PrefixesUnknown],
// [Interface.IPv6PrefixesUnknown]) when a is an address of ii's subnet
// that the cloud does not reserve (assignable: Alibaba Cloud's rule for
// an ECS interface, AWS's for any other); "" for any other address. Whether something
// holds a is the caller's to know.
func (ii *ifaceInfo) launchPrefixesAt(a netip.Addr) string {
	what := ii.IPv4PrefixesUnknown
	if a.Is6() {
		what = ii.IPv6PrefixesUnknown
	}
	if what == "" || !ii.subnet.contains(a) || ii.subnet.reserves(a, ii.isAlibaba()) {
		return ""
	}
	return what
}

// mayDelegate is launchPrefixesAt for a free address a: one nothing in
// the design holds, which a prefix AWS delegates to ii at launch may
// hold; "" for any other address.
func (m *Model) mayDelegate(ii *ifaceInfo, a netip.Addr) string {
	what := ii.launchPrefixesAt(a)
	if what == "" || m.holds(a) {
		return ""
	}
	return what
}

// maybeDelegatedMember returns the member of group g to which AWS may
// delegate a prefix holding a at launch (mayDelegate), and the value
// known only later that decides it: a rule referencing g may match a,
// a free address, as it matches the member's delegated prefixes. nil
// when there is none, as in every design without such members (a map
// lookup): whether a is a member is then known.
//
// A member whose address AWS picks at launch ([Interface.AddressUnknown],
// [Interface.IPv6Unknown]) may likewise get a: a free address its
// placeholder stands for (addrUnknown.could).
func (m *Model) maybeDelegatedMember(g string, a netip.Addr) (*ifaceInfo, string) {
	for _, ii := range m.prefixesUnknownBy[g] {
		if what := m.mayDelegate(ii, a); what != "" {
			return ii, what
		}
		u := ii.unknown
		if a.Is6() {
			u = ii.unknown6
		}
		if u != nil && u.could.Contains(a) && !m.holds(a) {
			return ii, u.what
		}
	}
	return nil, ""
}

// knownNonMemberOf is the [sg.UnknownMembers] Known function of group g
// (see [Model.GroupMembers]): a free address a prefix AWS delegates at
// launch to a member may hold is not known (maybeDelegatedMember); in a
// design with an interface whose groups are known only later, neither
// is any address knownNonMember does not report; every other address is.
func (m *Model) knownNonMemberOf(g string) func(netip.Addr) bool {
	if len(m.prefixesUnknownBy[g]) == 0 {
		return m.knownNonMember
	}
	return func(a netip.Addr) bool {
		if ii, _ := m.maybeDelegatedMember(g, a); ii != nil {
			return false
		}
		return len(m.maybeMember) == 0 || m.knownNonMember(a)
	}
}

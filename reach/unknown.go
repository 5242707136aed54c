package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/sg"
)

// Addresses known only later. A design read from a plan (a Terraform
// plan that creates instances) may not know an interface's private IPv4
// address: AWS picks a free address of the subnet at launch
// ([Interface.AddressUnknown]). Build gives such an interface a
// placeholder, the highest free address of its subnet (AWS reserves the
// first four and the last; for an ECS interface, Alibaba Cloud reserves
// the first and the last three of the vSwitch's IPv4 block, the first
// and the last nine of its IPv6 block: assignable), which the walks use
// like any address, its groups' membership included. Whether an answer this gives holds for the
// address AWS will pick depends on the edges between addresses the
// design's CIDR blocks make: a security group rule's (or the prefix list
// it names), a network ACL entry's, a route's (of a VPC or a transit
// gateway route table), a Network Firewall rule's. First, once per
// interface, the edges of every block of the design are cut against the
// addresses it could get (its subnet's usable addresses, less those other
// resources hold): when none falls inside, every answer is the same
// whichever AWS picks, and the placeholder's is exact. Otherwise a
// question from or to the interface is judged on its path: the edges of
// the filters its request and reply meet, and of every route, that fall
// inside those addresses (and of the blocks a rule whose peer is known
// only later could match, wherever it is: [Builder.AddUnknownPeer]) make
// the answer [Indeterminate], and
// [Result.Unknowns] names the value and the edges, unless a hop blocks
// every one of those addresses (unknown_block.go); without such an edge
// the answer is exact. Group membership does not tell addresses apart: it
// follows the interface, whatever its address, so the edges a
// placeholder's own membership makes do not count. The set questions
// answer the parts that involve such an interface, told apart, atom by
// atom by the same rule (unknown_sets.go), and refuse (an error wrapping
// [ErrQuery]) a part that would take more than maxUnknownChecks checks;
// an interface is shown by its placeholder, marked
// (AddressUnknown in [SourceInterface], [ClassMember] and [Finding]).
// An IPv6 address known only later ([Interface.IPv6Unknown]) is placed
// and judged the same way in its subnet's IPv6 block, for IPv6 questions.

// addrUnknown is what an interface whose address is unknown could have.
type addrUnknown struct {
	what  string      // the value, as Interface.AddressUnknown names it
	could addrset.Set // the addresses it could get
	ph    netip.Addr  // its placeholder
	once  sync.Once
	cuts  []netip.Addr // the design's edges inside could, computed once
}

// placeUnknown gives each interface whose address is unknown its
// placeholder, once every known address is claimed.
func placeUnknown(p *problems, m *Model) {
	for _, ii := range m.unknownIfaces {
		alibaba := alibabaGroups(ii.Groups, m.groups) // quota.go: an ECS interface, whose vSwitch reserves other addresses
		if ii.IPv6Unknown != "" {
			ph, could, err := placeIn(m, ii.subnet, true, alibaba)
			if err != "" {
				p.add(ii.ID, path("interfaces", ii.index, "IPv6Unknown"), ii.IPv6Unknown, "%s", err)
			} else {
				ii.PrivateIPs = append(slices.Clone(ii.PrivateIPs), ph) // the first IPv6 address: the interface has no other
				ii.unknown6 = placeAt(m, ii, ph, ii.IPv6Unknown, could)
			}
		}
		if ii.AddressUnknown == "" {
			continue
		}
		ph, could, err := placeIn(m, ii.subnet, false, alibaba)
		if err != "" {
			p.add(ii.ID, path("interfaces", ii.index, "AddressUnknown"), ii.AddressUnknown, "%s", err)
			continue
		}
		ii.PrivateIPs = append([]netip.Addr{ph}, ii.PrivateIPs...)
		ii.unknown = placeAt(m, ii, ph, ii.AddressUnknown, could)
		if pub := ii.Interface.PublicIP; pub.IsValid() && pub.Is4() && !notPublic4(p, ii.ID, path("interfaces", ii.index, "PublicIP"), pub) && claimAddr(p, m, ii.ID, path("interfaces", ii.index, "PublicIP"), pub) {
			m.byPublic[pub] = ii
			ii.publicOf[ph], ii.privateOf[pub] = pub, ph
		}
	}
}

// placeAt gives interface ii placeholder ph for the value what, which
// could be any address of could: ph is ii's, and its groups'.
func placeAt(m *Model, ii *ifaceInfo, ph netip.Addr, what string, could addrset.Set) *addrUnknown {
	m.owners[ph] = unknownOwner + ii.ID
	m.byPrivate[ph] = ii
	for _, g := range ii.Groups {
		if ms := m.members[g]; ms != nil {
			ms[ph] = true
		}
	}
	return &addrUnknown{what: what, could: could, ph: ph}
}

// unknowns are ii's addresses known only later: its IPv4 address's and
// its IPv6 address's, when they are.
func (ii *ifaceInfo) unknowns() []*addrUnknown {
	var out []*addrUnknown
	for _, u := range [2]*addrUnknown{ii.unknown, ii.unknown6} {
		if u != nil {
			out = append(out, u)
		}
	}
	return out
}

// unknownAt names the value known only later whose placeholder a is
// (Interface.AddressUnknown, IPv6Unknown or PublicIPUnknown), or "" when
// a is an address of ii the input holds.
func (ii *ifaceInfo) unknownAt(a netip.Addr) string {
	for _, u := range [2]*addrUnknown{ii.unknown, ii.unknown6} {
		if u != nil && u.ph == a {
			return u.what
		}
	}
	if ii.publicUnknown != "" && a == ii.PublicIP {
		return ii.publicUnknown
	}
	return ""
}

// placeholderText marks an address shown in place of one known only
// later: " (placeholder: VALUE is known only later)", or "" for a known
// address.
func placeholderText(unknown string) string {
	if unknown == "" {
		return ""
	}
	return " (placeholder: " + textsafe.String(unknown) + " is known only later)"
}

// placePublic gives each interface whose public IPv4 address is unknown
// a placeholder from 240.0.0.0/4 (reserved: AWS never allocates it) that
// nothing holds, mapped to its first private IPv4 address.
func placePublic(p *problems, m *Model) netip.Addr {
	next := netip.MustParseAddr("240.0.0.1")
	for _, ii := range m.unknownPublic {
		private := firstV4(ii)
		if !private.IsValid() {
			p.add(ii.ID, path("interfaces", ii.index, "PublicIPUnknown"), ii.PublicIPUnknown, "a public IP maps to a private IPv4 address, and the interface has none")
			continue
		}
		for _, held := m.owners[next]; held; _, held = m.owners[next] {
			next = next.Next()
		}
		m.owners[next] = unknownOwner + ii.ID
		m.byPublic[next] = ii
		ii.publicOf[private], ii.privateOf[next] = next, private
		ii.PublicIP, ii.publicUnknown = next, ii.PublicIPUnknown // the model's copy: every path finds it as a known one
		next = next.Next()
	}
	for _, ii := range m.unknownPublic {
		if ii.publicUnknown != "" {
			m.addPublicPlaceholder(ii.PublicIP)
		}
	}
	return next
}

// addPublicPlaceholder adds ph, the placeholder of a public address
// known only later, to the addresses whose edges make such an address
// matter (publicCuts): it stands for any address of publicSpace, so a
// block that tells it apart from them (a rule for 240.0.0.1/32, such as
// one written for the placeholder) is an edge as much as one inside
// them; without it, such a rule would admit the placeholder for certain,
// though it admits no address AWS gives.
func (m *Model) addPublicPlaceholder(ph netip.Addr) {
	if m.publicCuts == nil {
		m.publicCuts = &addrUnknown{what: "public IPv4 addresses", could: publicSpace()}
	}
	m.publicCuts.could = m.publicCuts.could.Union(addrset.Of(netip.PrefixFrom(ph, ph.BitLen())))
}

// publicSpace is the IPv4 addresses AWS could give as public ones: all
// but the private, shared, loopback, link-local, multicast and reserved
// blocks. The placeholders of public addresses known only later come from
// the reserved 240.0.0.0/4, outside it: addPublicPlaceholder adds each to
// the addresses whose edges count.
func publicSpace() addrset.Set {
	var not []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.168.0.0/16", "224.0.0.0/3"} {
		not = append(not, netip.MustParsePrefix(s))
	}
	return addrset.All4().Difference(addrset.Of(not...))
}

// publicUnknowns returns, for a question between two interfaces of the
// design whose packet goes over the internet (its destination a public
// address of dst), what the answer depends on among the ends' public
// addresses known only later, when the design tells public addresses
// apart.
func (m *Model) publicUnknowns(f flow.Flow, src, dst *ifaceInfo) []string {
	if src == nil || dst == nil || m.publicCuts == nil || !dst.privateOf[f.Dst.Addr()].IsValid() {
		return nil
	}
	var out []string
	for _, ii := range []*ifaceInfo{src, dst} {
		if ii.publicUnknown == "" {
			continue
		}
		if cuts := m.cutsOf(m.publicCuts); len(cuts) > 0 {
			out = append(out, fmt.Sprintf("%s is known only later, and the design tells apart public addresses %s could get, which this path shows to its filters (edges at %s)",
				ii.publicUnknown, ii.label(), addrList(cuts)))
		}
	}
	return out
}

// placeIn picks a placeholder in subnet s, the highest free address of
// its IPv4 block (its IPv6 block when v6), and returns it with every
// address something of unknown address could get there: none the cloud
// reserves (assignable: AWS's first four and last of each block, or
// Alibaba Cloud's first and last three of an IPv4 block, first and last
// nine of an IPv6 block, when alibaba, for an ECS interface); err says
// why there is none.
func placeIn(m *Model, s *subnetInfo, v6, alibaba bool) (ph netip.Addr, could addrset.Set, err string) {
	block, could := m.freeIn(s, v6, alibaba, true) // prefixes_unknown.go
	if !block.IsValid() {
		family := "IPv4"
		if v6 {
			family = "IPv6"
		}
		return ph, could, fmt.Sprintf("subnet %s has no %s block to place it in", s.ID, family)
	}
	ph, ok := placeholder(could, m)
	if !ok {
		return ph, could, fmt.Sprintf("subnet %s has no free address left", s.ID)
	}
	return ph, could, ""
}

// placeNATs places the addresses of the NAT gateways known only later:
// the private one in the gateway's subnet, the public one from
// 240.0.0.0/4 (next is the next free placeholder there).
func placeNATs(p *problems, m *Model, next netip.Addr) {
	for _, ni := range m.unknownNATs {
		if ni.PrivateIPUnknown != "" {
			ph, could, err := placeIn(m, ni.subnet, false, false) // a NAT gateway is AWS's
			if err != "" {
				p.add(ni.ID, "natGateways."+ni.ID+".PrivateIPUnknown", ni.PrivateIPUnknown, "%s", err)
				continue
			}
			m.owners[ph] = unknownOwner + ni.ID
			m.natAddr[ph] = ni
			ni.PrivateIP, ni.unknown = ph, &addrUnknown{what: ni.PrivateIPUnknown, could: could}
		}
		if ni.PublicIPUnknown != "" {
			for _, held := m.owners[next]; held; _, held = m.owners[next] {
				next = next.Next()
			}
			m.owners[next] = unknownOwner + ni.ID
			m.natAddr[next] = ni
			ni.PublicIP = next
			m.addPublicPlaceholder(next)
			if na := ni.addrs; na != nil && !na.pubOpen.IsEmpty() { // natsecondary.go: the primary is any public address
				na.pubOpen = na.pubOpen.Union(addrset.Of(netip.PrefixFrom(next, next.BitLen())))
			}
		}
	}
}

// natUnknowns returns what an answer whose request hops are fwd, a
// question to dst, depends on among the addresses of the NAT gateways
// that translate its request: a private one known only later, or several
// (natsecondary.go), that the design's edges tell apart, or, on a path to
// a public address of the design (dst, or for NAT64 the IPv4 address it
// holds), a public one, when the design tells those apart. A gateway
// that stops the packet itself (a connection to it, a protocol it does
// not carry, a reply routed to it) drops it whatever its address: it
// does not count.
func (m *Model) natUnknowns(fwd []Hop, dst netip.Addr) []string {
	if len(m.unknownNATs)+len(m.multiNATs) == 0 {
		return nil
	}
	if nat64Prefix.Contains(dst) {
		dst = nat64Embedded(dst)
	}
	_, dstPublic := m.byPublic[dst]
	var out []string
	for i := range fwd { // the reply crosses a gateway only back through its translation
		ni := m.nats[fwd[i].ID]
		if fwd[i].Kind != KindNATGateway || ni == nil || fwd[i].Verdict != flow.Allow {
			continue
		}
		for _, s := range m.secondaryUnknowns(ni, dstPublic) { // natsecondary.go
			out = appendNew(out, s)
		}
		if ni.unknown != nil {
			if cuts := m.cutsOf(ni.unknown); len(cuts) > 0 {
				out = appendNew(out, fmt.Sprintf("%s is known only later, and the design tells apart addresses NAT gateway %s could get (edges at %s)", ni.unknown.what, ni.ID, addrList(cuts)))
			}
		}
		if ni.PublicIPUnknown != "" && dstPublic {
			if cuts := m.cutsOf(m.publicCuts); len(cuts) > 0 {
				out = appendNew(out, fmt.Sprintf("%s is known only later, and the design tells apart public addresses NAT gateway %s could get, which this path shows to its filters (edges at %s)", ni.PublicIPUnknown, ni.ID, addrList(cuts)))
			}
		}
	}
	return out
}

func appendNew(out []string, s string) []string {
	if slices.Contains(out, s) {
		return out
	}
	return append(out, s)
}

// placeholderNotes says, for each end of r and each NAT gateway on its
// path whose address is known only later, which address the trace shows
// in its place.
func (m *Model) placeholderNotes(r *Result, src, dst *ifaceInfo) []string {
	var out []string
	for _, ii := range []*ifaceInfo{src, dst} {
		if ii == nil {
			continue
		}
		for _, u := range ii.unknowns() {
			out = appendNew(out, fmt.Sprintf("%s is known only later: the trace shows %s in its place", u.what, u.ph))
		}
		if ii.publicUnknown != "" {
			out = appendNew(out, fmt.Sprintf("%s is known only later: the trace shows %s in its place", ii.publicUnknown, ii.PublicIP))
		}
	}
	for _, hops := range [2][]Hop{r.Forward, r.Return} {
		for i := range hops {
			if ni := m.nats[hops[i].ID]; hops[i].Kind == KindNATGateway && ni != nil {
				if ni.unknown != nil {
					out = appendNew(out, fmt.Sprintf("%s is known only later: the trace shows %s in its place", ni.unknown.what, ni.PrivateIP))
				}
				if ni.PublicIPUnknown != "" {
					out = appendNew(out, fmt.Sprintf("%s is known only later: the trace shows %s in its place", ni.PublicIPUnknown, ni.PublicIP))
				}
			}
		}
	}
	return out
}

// unknownOwner marks, in Model.owners, an address given to an interface
// whose address is unknown: another such interface could get it too.
const unknownOwner = "(placeholder) "

// placeholder returns the highest address of could that nothing holds.
func placeholder(could addrset.Set, m *Model) (netip.Addr, bool) {
	rs := could.Ranges()
	for i := len(rs) - 1; i >= 0; i-- {
		for a := rs[i].To; ; a = a.Prev() {
			if _, held := m.owners[a]; !held {
				return a, true
			}
			if a == rs[i].From {
				break
			}
		}
	}
	return netip.Addr{}, false
}

// cutsOf returns the edges of the design inside the addresses u could
// get, computed at the first call.
func (m *Model) cutsOf(u *addrUnknown) []netip.Addr {
	u.once.Do(func() { u.cuts = m.findCuts(u.could) })
	return u.cuts
}

// unknownsOf returns, for the interfaces at the ends of a question whose
// address is unknown and which the design's edges tell apart, what the
// answer depends on.
func (m *Model) unknownsOf(ends ...*ifaceInfo) []string {
	var out []string
	for _, ii := range ends {
		if ii == nil {
			continue
		}
		for _, u := range ii.unknowns() {
			if cuts := m.cutsOf(u); len(cuts) > 0 {
				out = append(out, fmt.Sprintf("%s is known only later, and the design tells apart addresses %s could get (%s; edges at %s)",
					u.what, ii.label(), rangesText(u.could), addrList(cuts)))
			}
		}
	}
	return out
}

// pathUnknowns is unknownsOf for a question by f from src to dst, judged
// on its path: an interface whose address is unknown and which the
// design's edges tell apart makes the answer depend on it only when an
// edge of a filter the question's packets meet (a security group rule's
// block, an ACL entry's, a firewall rule's), or of a route, falls inside
// the addresses it could get. Group membership follows the interface, so
// the edges a placeholder's own membership makes are not counted (unless
// a block of the design has them too).
func (m *Model) pathUnknowns(f flow.Flow, src, dst *ifaceInfo) []string {
	var out []string
	for k, ii := range [2]*ifaceInfo{src, dst} {
		if ii == nil {
			continue
		}
		for _, u := range ii.unknowns() {
			if u.ph.Is6() != f.Src.Addr().Is6() || len(m.cutsOf(u)) == 0 {
				continue // a question of the other family does not depend on it
			}
			if cuts := m.pathCuts(f, src, u, k == 0); len(cuts) > 0 {
				out = append(out, fmt.Sprintf("%s is known only later, and the path tells apart addresses %s could get (%s; edges at %s)",
					u.what, ii.label(), rangesText(u.could), addrList(cuts)))
			}
		}
	}
	return out
}

// pathCuts returns the edges inside the addresses u, of an end of f,
// could get that the filters met by f's request and reply (the end its
// source when isSrc, else its destination), and the design's routes,
// make. As in findCuts, a block that holds some of those addresses and
// not all counts wherever its ends fall, also in a gap of them (an
// address another resource holds): its edges are the first address it
// holds and the first after it (blockCuts). A block that holds none (a
// member's address in a gap) makes no edge.
func (m *Model) pathCuts(f flow.Flow, src *ifaceInfo, u *addrUnknown, isSrc bool) []netip.Addr {
	fwdField, retField := flow.FieldDstAddr, flow.FieldSrcAddr
	if isSrc {
		fwdField, retField = flow.FieldSrcAddr, flow.FieldDstAddr
	}
	fb, rb := flow.NewBounds(fwdField), flow.NewBounds(retField)
	fb.RecordRanges()
	rb.RecordRanges()
	var fwd, ret []Hop
	m.walkBounds(f, src, &fwd, &ret, false, fb, rb)
	rs := u.could.Ranges()
	var cuts []netip.Addr
	block := func(lo, hi netip.Addr) { cuts = blockCuts(cuts, rs, lo, hi) }
	for _, set := range slices.Concat(fb.AddrSets(fwdField), rb.AddrSets(retField)) {
		cuts = setCuts(cuts, rs, set)
	}
	prefix := func(p netip.Prefix) { block(p.Masked().Addr(), addrset.Last(p)) }
	m.routeBlocks(prefix)
	m.unknownPeerBlocks(prefix) // not in a group's bounds
	// an edge that came without its set (none today: every filter's
	// bounds record) counts where it falls inside a range; the others are
	// their sets' (setCuts), whose ranges with none of rs between them are
	// one
	for _, a := range slices.Concat(fb.LooseAddrs(fwdField), rb.LooseAddrs(retField)) {
		for _, r := range rs {
			if r.From.Less(a) && !r.To.Less(a) {
				cuts = append(cuts, a)
			}
		}
	}
	slices.SortFunc(cuts, netip.Addr.Compare)
	cuts = slices.Compact(cuts)
	return slices.DeleteFunc(cuts, m.membershipEdge)
}

// routeBlocks calls add with the destination of every route of the
// design (the route tables' and the transit gateways' tables').
func (m *Model) routeBlocks(add func(netip.Prefix)) {
	for _, rt := range m.rts {
		for _, cr := range rt.routes {
			for _, p := range cr.prefixes {
				add(p)
			}
		}
	}
	for _, t := range m.tgwRTs {
		for _, r := range t.routes {
			add(r.Destination)
		}
	}
}

// membershipEdge reports whether the edge at a is one a placeholder's
// group membership makes (at the placeholder, or just after it) and no
// block of the design makes too.
func (m *Model) membershipEdge(a netip.Addr) bool {
	for _, ii := range m.unknownIfaces {
		for _, u := range ii.unknowns() {
			if ph := u.ph; a == ph || a == ph.Next() {
				// the address the edge parts a from: the one before it that
				// the interface could get (others' addresses may lie between)
				prev := a.Prev()
				if a == ph {
					prev = lastBefore(u.could.Ranges(), ph, prev)
				}
				return len(m.findCuts(addrset.OfRanges(addrset.Range{From: prev, To: a}))) == 0
			}
		}
	}
	return false
}

// lastBefore returns the last address of the sorted ranges rs before a,
// or def when there is none.
func lastBefore(rs []addrset.Range, a, def netip.Addr) netip.Addr {
	for i := len(rs) - 1; i >= 0; i-- {
		switch {
		case rs[i].From.Is4() != a.Is4() || !rs[i].From.Less(a):
			continue
		case rs[i].To.Less(a):
			return rs[i].To
		default:
			return a.Prev()
		}
	}
	return def
}

// rangesText writes a set of addresses as up to three ranges
// ("10.0.1.4-10.0.1.254"), and how many more.
func rangesText(s addrset.Set) string {
	rs := s.Ranges()
	parts := make([]string, 0, 4)
	for i, r := range rs {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more ranges", len(rs)-3))
			break
		}
		if r.From == r.To {
			parts = append(parts, r.From.String())
		} else {
			parts = append(parts, r.From.String()+"-"+r.To.String())
		}
	}
	return strings.Join(parts, ", ")
}

// addrList writes up to five addresses, and how many more.
func addrList(as []netip.Addr) string {
	parts := make([]string, 0, 6)
	for i, a := range as {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(as)-5))
			break
		}
		parts = append(parts, a.String())
	}
	return strings.Join(parts, ", ")
}

// AddUnknownPeer declares a peer a security group rule names (by
// sg.GroupRef(id)) whose value is known only later: the CIDR block of a
// rule that a Terraform plan computes at apply (what names it, as
// "aws_security_group.web: ingress[0].cidr_blocks"), or, with within, a
// rule whose ports are known only later, which may match any port from
// the addresses within. Whether the rule matches a packet from an address
// within (anywhere, when within is empty) is unknown, so a query only such
// a rule could allow is indeterminate ([SGIndeterminate], its Missing
// naming what); it never matches an address outside within.
func (b *Builder) AddUnknownPeer(id, what string, within ...netip.Prefix) *Builder {
	b.unknownPeers = append(b.unknownPeers, UnknownPeer{ID: id, What: what, Within: slices.Clone(within)})
	return b
}

// AddUnknownPortsOf declares the peer of a security group rule whose
// ports are known only later and whose peer is a group or a prefix list
// (peer, made with [sg.GroupRef] or [sg.PrefixList]): the rule, which
// references the declared id instead, may match any port from the
// addresses of peer (a member of the group, an address in the list), and
// matches no other address. what names the value, as for
// [Builder.AddUnknownPeer].
func (b *Builder) AddUnknownPortsOf(id, what string, peer sg.Peer) *Builder {
	b.unknownPeers = append(b.unknownPeers, UnknownPeer{ID: id, What: what, Of: peer})
	return b
}

// UnknownPeer is a rule's peer known only later ([Builder.AddUnknownPeer],
// [Builder.AddUnknownPortsOf]).
type UnknownPeer struct {
	ID, What string
	// Within narrows the addresses the rule could match to these blocks
	// (none: any address).
	Within []netip.Prefix
	// Of, when its Kind is sg.PeerGroup or sg.PeerPrefixList, narrows them
	// to that group's members or that list's entries.
	Of sg.Peer
}

// outside returns the function that reports the addresses u's rule
// certainly does not match ([sg.UnknownMembers.Known]).
func (m *Model) outside(u UnknownPeer) func(netip.Addr) bool {
	switch {
	case u.Of.Kind == sg.PeerGroup && m.unresolved[u.Of.Group]:
		return m.knownNonMember // the group's members are unknown too
	case u.Of.Kind == sg.PeerGroup:
		g := u.Of.Group
		return func(a netip.Addr) bool {
			if _, maybe := m.maybeMember[a]; maybe {
				return false
			}
			// a member's delegated prefixes are its addresses, and those
			// delegated at launch may hold a free address (prefixes_unknown.go)
			ii, _ := m.maybeDelegatedMember(g, a)
			return ii == nil && !m.isMember(g, a)
		}
	case u.Of.Kind == sg.PeerPrefixList && m.isUnresolvedList(u.Of.PrefixList):
		fam := m.unresolvedLists[u.Of.PrefixList] // the list's entries are unknown too: only its family is
		return func(a netip.Addr) bool { return !familyMayHold(fam, a) }
	case u.Of.Kind == sg.PeerPrefixList:
		entries := m.lists[u.Of.PrefixList]
		return func(a netip.Addr) bool {
			return !slices.ContainsFunc(entries, func(p netip.Prefix) bool { return p.Contains(a) })
		}
	}
	within := u.Within
	return func(a netip.Addr) bool {
		return len(within) > 0 && !slices.ContainsFunc(within, func(p netip.Prefix) bool { return p.Contains(a) })
	}
}

// AddUnresolvedGroup declares security groups that rules reference but the
// input does not hold: groups in a peered VPC or another account, or not
// dumped. Build accepts references to them (any other unknown group is an
// error), and a query that only such a rule could allow is
// indeterminate, naming the group ([SGIndeterminate]): whether the peer is
// a member is unknown, except for the addresses the design holds, whose
// groups are all known, so that they are certainly no members. An
// interface cannot have such a group, and a group of the design cannot be
// declared unresolved; package aws declares each group a rule references
// that no file holds, with a warning. An ID written "account/sg-…" is
// read as the group's ID alone ([sg.SplitGroupRef]), as in a rule.
func (b *Builder) AddUnresolvedGroup(ids ...string) *Builder {
	b.external = append(b.external, ids...)
	return b
}

// buildUnresolved records the groups declared with AddUnresolvedGroup and
// the lists declared with AddUnresolvedPrefixList.
func (b *Builder) buildUnresolved(p *problems, m *Model) {
	m.unresolvedLists = map[string]string{}
	for _, l := range m.listSpecs {
		if l.EntriesUnknown {
			m.unresolvedLists[l.ID] = l.AddressFamily
		}
	}
	for i, id := range b.extLists {
		switch {
		case id == "":
			p.add("", path("unresolvedPrefixLists", i, ""), "", "an unresolved prefix list needs its ID")
		case m.holdsList(id):
			p.add(id, path("unresolvedPrefixLists", i, ""), id, "declared unresolved, but the design holds the list")
		case m.isUnresolvedList(id):
			// declared twice, or added with its entries unknown (and
			// perhaps its family) as well: it keeps what it has
		default:
			m.unresolvedLists[id] = ""
		}
	}
	m.unresolved = map[string]bool{}
	for i, id := range b.external {
		_, id = sg.SplitGroupRef(id) // "account/sg-…" as the rules' references are read (groupRefAccounts)
		switch {
		case id == "":
			p.add("", path("unresolvedGroups", i, ""), "", "an unresolved group needs its ID")
		case m.groups[id] != nil:
			p.add(id, path("unresolvedGroups", i, ""), id, "declared unresolved, but the design holds the group")
		default:
			m.unresolved[id] = true
		}
	}
	m.unknownPeers = map[string]UnknownPeer{}
	for i, u := range b.unknownPeers {
		switch {
		case u.ID == "" || m.groups[u.ID] != nil || m.unresolved[u.ID]:
			p.add(u.ID, path("unknownPeers", i, "ID"), u.ID, "an unknown peer needs an ID of its own")
		case u.Of.Kind == sg.PeerGroup && m.groups[u.Of.Group] == nil && !m.unresolved[u.Of.Group]:
			p.add(u.ID, path("unknownPeers", i, "Of"), u.Of.Group, "unknown security group")
		case u.Of.Kind == sg.PeerPrefixList && m.lists[u.Of.PrefixList] == nil && !m.isUnresolvedList(u.Of.PrefixList):
			p.add(u.ID, path("unknownPeers", i, "Of"), u.Of.PrefixList, "unknown prefix list")
		case u.Of.Kind != sg.PeerGroup && u.Of.Kind != sg.PeerPrefixList && u.Of != (sg.Peer{}):
			p.add(u.ID, path("unknownPeers", i, "Of"), u.Of.String(), "an unknown peer's ports narrow to a group or a prefix list")
		default:
			m.unknownPeers[u.ID] = u
		}
	}
}

// markGroupsUnknown records the addresses of the interfaces whose groups
// are known only later ([Interface.GroupsUnknown]), placeholders
// included, once every address is placed. Alibaba Cloud's groups can
// drop, so an unknown group list decides nothing there: it is refused.
func markGroupsUnknown(p *problems, m *Model) {
	if m.groupsUnknownN == 0 {
		return
	}
	m.maybeMember = map[netip.Addr]*ifaceInfo{}
	for _, ii := range m.ifaceOrder {
		if ii.GroupsUnknown == "" {
			continue
		}
		for _, g := range ii.Groups {
			if grp := m.groups[g]; grp != nil && grp.Flavour.IsAlibaba() {
				p.add(ii.ID, path("interfaces", ii.index, "GroupsUnknown"), ii.GroupsUnknown, "groups known only later are an AWS notion; %s is an Alibaba Cloud group", g)
			}
		}
		for _, a := range ii.PrivateIPs {
			m.maybeMember[a] = ii
		}
	}
}

// groupsUnknownHop makes h, a security group hop of ii whose groups are
// known only later, undecided where the groups it lists do not allow the
// packet: a group added at apply could.
func groupsUnknownHop(h *Hop, ii *ifaceInfo, explain bool) {
	if ii.GroupsUnknown == "" || h.Verdict != flow.Deny {
		return
	}
	h.Verdict, h.Code = flow.Indeterminate, SGIndeterminate
	if explain {
		h.judge, h.reason = nil, "no group it lists allows the packet, and its other groups are known only later"
		if len(ii.Groups) == 0 {
			h.reason = "its groups are known only later"
		}
		h.Missing = ii.GroupsUnknown + ", known only later: a group it adds could allow the packet"
		h.Fix = "set the value in the configuration, or check the answer again once it is known"
	}
}

// holdsList reports whether the design holds prefix list id with its
// entries.
func (m *Model) holdsList(id string) bool {
	_, ok := m.lists[id]
	return ok
}

package reach

import (
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// SourcesQuery asks who can reach To over one protocol and port: which
// interfaces of the design, and which internet addresses.
type SourcesQuery struct {
	To       string        // as in [Query]
	Protocol flow.Protocol // as in [Query]
	Port     uint16        // as in [Query]
	SrcPort  uint16        // as in [Query]; 0 means [DefaultSourcePort]
	ICMP     *ICMPMessage  // as in [Query]
	IPv6     bool          // ask for IPv6 sources (and destination)
	Domain   string        // as in [Query]
	App      flow.App      // as in [Query]
	// AnyClientPort asks from every client (source) port, 1-65535, rather
	// than from SrcPort alone (tcp and udp; an error with SrcPort set, or
	// with a protocol without ports): a source (an interface, an address
	// of a prefix delegated to one, an internet address) gets through
	// (Reachable) when its session does from some client port for
	// certain, and is Indeterminate when it does from none for certain
	// but the input leaves some open. A network ACL that lets replies out
	// only to some client ports then shuts a source out only when it
	// shuts it out from every client port. The client ports are cut where
	// the filters on each source's path treat them apart, and one check
	// answers each piece: no port is tried one by one.
	AnyClientPort bool
}

// SourcesResult is the answer of [Model.Sources]. Its JSON form is part
// of the CLI's stable schema (README, "Set questions").
type SourcesResult struct {
	To       string        `json:"to"`
	Protocol flow.Protocol `json:"protocol"`
	Port     uint16        `json:"port,omitempty"`
	// ICMPType and ICMPCode are the ICMP message asked, for icmp and
	// icmpv6 (the answer depends on it): SourcesQuery.ICMP, or an echo
	// request (type 8, or 128 for icmpv6, code 0) when that is nil; nil,
	// and left out of the JSON, for other protocols.
	ICMPType *uint8 `json:"icmp_type,omitempty"`
	ICMPCode *uint8 `json:"icmp_code,omitempty"`
	// Domain and App are the query's (SourcesQuery.Domain,
	// SourcesQuery.App: the answer depends on them); omitted when not set.
	Domain string `json:"domain,omitempty"`
	App    string `json:"app,omitempty"`
	// AnyClientPort is the query's (SourcesQuery.AnyClientPort): the
	// answer is from every client port; omitted when not set.
	AnyClientPort bool `json:"any_client_port,omitempty"`
	// Interfaces lists, in the design's order, every interface (To's own
	// left out) whose session gets through (Reachable) or might
	// (Indeterminate); then, for an IPv4 question, every interface with
	// an IPv6 address whose session through NAT64 does, in an entry of
	// its own (SourceInterface.NAT64To), and the addresses of the IPv6
	// prefixes delegated to it whose sessions do (entries with Prefixes
	// and NAT64To): to the destination's IPv4 address, then, for an
	// interface named by ID or name, to its public IPv4 address.
	Interfaces []SourceInterface `json:"interfaces"`
	// Internet is the exact set of internet addresses (of the family
	// asked) whose session gets through, as the fewest CIDR blocks;
	// InternetIndeterminate those the input leaves open.
	Internet              []netip.Prefix `json:"internet"`
	InternetIndeterminate []netip.Prefix `json:"internet_indeterminate"`
	// Atoms is how many pieces the internet's address space fell into:
	// one walk each (with AnyClientPort, one per piece and client-port
	// piece walked: first from the default client port, or from the one
	// the piece before got through from, the others only for a piece it
	// does not get through from, which one more walk answers for every
	// client port at once where the path allows, else a walk each).
	Atoms int `json:"atoms"`
	// Notes says what the answer leaves out (an ICMP message no NAT64
	// client sends); omitted when empty.
	Notes []string `json:"notes,omitempty"`
}

// SourceInterface is an interface that reaches the destination: from
// its own address, or, when Prefixes is set, from those addresses of the
// prefixes delegated to it ([Interface.DelegatedPrefixes]).
type SourceInterface struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Address is the interface's address of the family asked; for an
	// interface with no IPv4 address asking 169.254.169.253 (an
	// IPv6-only subnet), 169.254.0.1, which stands for the link-local
	// address the instance gives itself (amazondns.go).
	Address netip.Addr `json:"address"`
	// AddressUnknown names the value known only later (a Terraform
	// attribute: [Interface.AddressUnknown], [Interface.IPv6Unknown])
	// whose placeholder Address is; empty when Address is the
	// interface's own.
	AddressUnknown string  `json:"address_unknown,omitempty"`
	Outcome        Outcome `json:"outcome"`
	// Prefixes, on an entry for addresses of the prefixes delegated to the
	// interface, are exactly those of them whose session has Outcome, as
	// the fewest CIDR blocks; Address is then the first of them. An
	// interface has at most one such entry per outcome (and, through
	// NAT64, per NAT64To), beside the entry of its own address (which its
	// delegated addresses need not share).
	Prefixes []netip.Prefix `json:"prefixes,omitempty"`
	// PrefixesUnknown, on an entry for the free addresses of the
	// interface's subnet that prefixes AWS delegates to it at launch may
	// hold ([Interface.IPv4PrefixesUnknown], [Interface.IPv6PrefixesUnknown]),
	// names that value known only later. Prefixes are then exactly those
	// free addresses whose session gets through, or might, were they the
	// interface's; Outcome is Indeterminate, since whether AWS delegates
	// them is unknown. An interface has at most one such entry.
	PrefixesUnknown string `json:"prefixes_unknown,omitempty"`
	// NAT64To, on an entry of an IPv4 question, is the address of the
	// NAT64 prefix (64:ff9b::/96) holding the destination's IPv4 address
	// that the interface's IPv6 address (Address) sends to: its session
	// goes through a NAT gateway's NAT64, and Outcome is [Model.Verdict]
	// from the interface to that address (an ICMP echo request asked as
	// an ICMPv6 one). Such an entry stands beside the entry of the
	// interface's IPv4 address, if it has one. With Prefixes, the entry
	// is for those addresses of the IPv6 prefixes delegated to the
	// interface, through NAT64 to that address. The destination's
	// address is the IPv4 address asked, or, for an interface named by ID
	// or name, its first private IPv4 address and, in entries of their
	// own, its public one ([Interface.PublicIP]: the NAT gateway sends
	// the translated session out through the internet gateway, which
	// brings it back in). Omitted when not set.
	NAT64To netip.Addr `json:"nat64_to,omitzero"`
}

// docProbes are the documentation addresses (RFC 5737, RFC 3849) the
// set questions prefer to stand for the internet, IPv4 and IPv6, in the
// order they are tried.
var docProbes = [2][]netip.Addr{
	{netip.MustParseAddr("198.51.100.1"), netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("192.0.2.1")},
	{netip.MustParseAddr("2001:db8:ffff::1")},
}

// internetProbe returns an internet address of the family (IPv6 when v6)
// inside within (nil: anywhere) to stand for the internet: an address
// the design does not hold and no VPC block contains (internetIn), so
// that a query from it is a query from the internet, as [Model.Check]
// answers it from any internet address. It is the first documentation
// address of 198.51.100.1, 203.0.113.1 and 192.0.2.1 (2001:db8:ffff::1)
// that is one and that within holds; else the first internet address of
// the pieces addressCuts cuts the family into, clipped to within (such as
// 1.0.0.0, which reads poorly in a fix). It is false when within holds
// no internet address. A design may hold a documentation address (a
// public IP, a VPC block outside RFC 1918), so none is assumed.
func (m *Model) internetProbe(v6 bool, within []addrset.Range) (netip.Addr, bool) {
	fam := 0
	if v6 {
		fam = 1
	}
	for _, doc := range docProbes[fam] {
		if x, ok := m.internetIn(flow.AddrRange{From: doc, To: doc}); ok && inRanges(doc, within) {
			return x, true
		}
	}
	for _, piece := range clip(m.internetPieces(!v6), within) {
		if x, ok := m.internetIn(piece); ok {
			return x, true
		}
	}
	return netip.Addr{}, false
}

// Sources answers who reaches q.To over q.Protocol and q.Port, round
// trip: every interface of the design (each checked as [Model.Verdict]
// would from it), and the exact set of internet addresses. An internet
// address is a global unicast address that is not private, shared
// (100.64.0.0/10), in another special-purpose block IANA marks not
// globally reachable (0.0.0.0/8, 192.0.0.0/24 but 192.0.0.9 and
// 192.0.0.10, 198.18.0.0/15; the IPv6 ones of the package doc), inside a
// VPC or held by the design. Where the path
// of some internet addresses (or of a prefix delegated to an interface)
// crosses a NAT gateway whose addresses the design tells apart
// ([NATGateway].Secondary), the answer would depend on the address the
// gateway takes, and Sources refuses the question (an error wrapping
// [ErrQuery]), as [Model.Ports] refuses such a path; a destination no
// such path reaches is answered. q.To may also be a service an instance
// reaches on its own host (the EC2 instance metadata service,
// 169.254.169.254, and its kin) or, from an ECS instance, Alibaba Cloud's
// metadata service or DNS servers (100.100.100.200; 100.100.2.112/28 and
// 100.100.2.128/28, among them 100.100.2.136 and 100.100.2.138), which no
// internet address reaches. q.To may be an internet host: the answer is
// then the interfaces whose session out to it gets through (through
// NAT64 too), Internet is empty, and a note says why. So is a host
// outside the design at an address the internet does not route (a
// private one outside every VPC: on premises behind a VPN, in a VPC the
// input leaves out): the interfaces' sessions to it are answered as
// [Model.Check] answers them (undecided where a route hands them to
// what the design does not model), and no internet address reaches it.
// Other errors are
// [Model.Check]'s for a query from an internet host to q.To. With
// transit gateway appliance mode (or an exit subnet AWS does not name,
// as [Model.Matrix] says), the internet's addresses are answered as
// [Model.Matrix] answers its cells: per combination of the subnets the
// gateway can pick, merged address by address. With q.AnyClientPort,
// every source is answered from every client port (the best outcome over
// them), each source's client ports cut at the bounds of the filters on
// its path and one check deciding each piece. An IPv4 question also asks
// every interface with an IPv6 address, and the addresses of the IPv6
// prefixes delegated to one, through NAT64, to the address of
// 64:ff9b::/96 that holds the destination's IPv4 address
// ([SourceInterface].NAT64To), and, for an interface named by ID or
// name, its public IPv4 address; when no route of a client's subnet may
// send the prefix anywhere that could translate it, none gets through,
// and no walk is made.
func (m *Model) Sources(q SourcesQuery) (*SourcesResult, error) {
	return m.sources(q, true)
}

// sources is Sources; nat64Guard skips the NAT64 walks when none can get
// anywhere (nat64SourcesDoomed), as Sources does.
func (m *Model) sources(q SourcesQuery, nat64Guard bool) (*SourcesResult, error) {
	if a, ok := parseAddr(q.To); ok && a.Is6() != q.IPv6 && !a.Is4In6() {
		fam, asked := "an IPv4", "IPv6"
		if !q.IPv6 {
			fam, asked = "an IPv6", "IPv4"
		}
		return nil, fmt.Errorf("%w: %s is %s address, and the question asks for %s sources", ErrQuery, q.To, fam, asked)
	}
	if err := q.validateClientPort(); err != nil { // sources_anyclient.go
		return nil, err
	}
	probe, ok := m.internetProbe(q.IPv6, nil)
	if !ok { // no design holds every address of a family
		return nil, fmt.Errorf("%w: the design leaves no internet address", ErrQuery)
	}
	base := Query{From: probe.String(), To: q.To, Protocol: q.Protocol, Port: q.Port, SrcPort: q.SrcPort, ICMP: q.ICMP, IPv6: q.IPv6, Domain: q.Domain, App: q.App}
	if err := base.validate(); err != nil {
		return nil, err
	}
	dst, err := m.resolve(q.To)
	if err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	asked := dst
	if dst.leftOut != nil {
		// a network interface left out, by name: the address the
		// internet's query would use; each interface's own query picks
		// its own (leftout_names.go)
		if dst, err = m.pinLeftOut(dst, endpoint{addr: probe}, q.IPv6); err != nil {
			return nil, err
		}
	}
	if err := m.unknownErrOthers(true); err != nil {
		return nil, err // every interface is a source
	}
	if err := m.unknownErrIfaces(); err != nil {
		return nil, err
	}
	if err := m.applianceErr("Sources"); err != nil {
		return nil, err
	}
	// each ECS instance reaches it from inside (alibaba_services.go),
	// unless an interface of the design holds the address (instanceServiceFor)
	svc, aliService := alibabaServiceAt(dst.addr)
	aliService = aliService && dst.iface == nil
	outside := dst.iface == nil && dst.nat == nil && dst.vpc == nil && !dst.dns && !dst.local && !aliService && dst.hostless == nil
	// a host outside the design (on premises, in a VPC left out) at an
	// address the internet does not route: the interfaces' sessions out
	// to it, as to an internet host, and no internet source
	privateDst := outside && unroutable(dst.addr)
	internetDst := outside && dst.unmod == nil || privateDst // the interfaces' sessions out to it
	var f flow.Flow
	if !aliService && !internetDst { // no internet address reaches Alibaba Cloud's services
		if f, _, err = m.queryFlow(base); err != nil {
			return nil, err
		}
	}
	to := dst.label()
	if asked.leftOut != nil {
		to = m.leftOutLabel(asked, q.IPv6) // the name asked, and the addresses its questions use
	}
	if aliService {
		to = svc.name + " " + dst.addr.String() + " (each ECS instance reaches it from inside its VPC)"
	}
	r := &SourcesResult{To: to, Protocol: q.Protocol, Port: q.Port, Domain: q.Domain, App: q.App.String(), AnyClientPort: q.AnyClientPort, Interfaces: []SourceInterface{}, Internet: []netip.Prefix{}, InternetIndeterminate: []netip.Prefix{}}
	if msg, ok := askedICMP(q.Protocol, q.ICMP); ok {
		r.ICMPType, r.ICMPCode = &msg.Type, &msg.Code
	}
	var cuts *flow.Bounds // addressCuts, for the delegated prefixes
	for _, ii := range m.ifaceOrder {
		if ii == dst.iface {
			continue // not a source of its own
		}
		iq := base
		iq.From = ii.ID
		// no address of the family (an error), or blocked: not listed
		if o, err := m.sourceVerdict(iq, q.AnyClientPort); err == nil && o != Unreachable {
			a, ok := ii.addr(q.IPv6)
			if !ok && !q.IPv6 {
				a = ipv6OnlyLinkLocal // no IPv4 address, to 169.254.169.253 (amazondns.go)
			}
			r.Interfaces = append(r.Interfaces, SourceInterface{ID: ii.ID, Name: ii.Name, Address: a, AddressUnknown: ii.unknownAt(a), Outcome: o})
		}
		var ps []netip.Prefix
		for _, p := range ii.DelegatedPrefixes {
			if p.Addr().Is6() == q.IPv6 {
				ps = append(ps, p)
			}
		}
		es, err := m.delegatedSources(base, ii, ps, &cuts, q.AnyClientPort) // delegated.go
		if err != nil {
			return nil, err
		}
		r.Interfaces = append(r.Interfaces, es...)
		if es, err = m.prefixesUnknownSources(base, ii, q.AnyClientPort); err != nil { // prefixes_unknown.go
			return nil, err
		}
		r.Interfaces = append(r.Interfaces, es...)
	}
	if aliService {
		return r, nil
	}
	if !q.IPv6 {
		if err := m.addNAT64Sources(r, base, dst, q.AnyClientPort, nat64Guard); err != nil { // sources_nat64.go
			return nil, err
		}
	}
	switch {
	case privateDst:
		r.Notes = append(r.Notes, fmt.Sprintf(privateHostNote, dst.addr))
		return r, nil
	case internetDst:
		r.Notes = append(r.Notes, internetToInternetNote)
		return r, nil
	}
	open, und, atoms, err := m.internetSourcesTo(f, dst, q.AnyClientPort)
	if err != nil {
		return nil, err
	}
	r.Atoms = atoms
	// Empty lists, never null, in JSON.
	r.Internet = append(r.Internet, open.Prefixes()...)
	r.InternetIndeterminate = append(r.InternetIndeterminate, und.Prefixes()...)
	return r, nil
}

// internetToInternetNote is the note of a Sources question to an
// internet host.
const internetToInternetNote = "no internet address is asked: the destination is an internet host, and traffic between internet hosts does not cross the design"

// privateHostNote is the note of a Sources question to a host outside
// the design at an address the internet does not route (its address
// fills the verb).
const privateHostNote = "no internet address is asked: %s is not an internet address, so no internet host's packet to it reaches the design (an internet gateway takes in only packets to the public addresses it maps)"

// internetSourcesTo is internetSources for a question to dst. An
// interface named by ID with a public IPv4 address is reached there from
// the internet, but from an address whose way back ends undecided at its
// private address, as a query from there would send (sendsPrivately):
// those addresses (privateWays) are asked with f to the private address,
// the others with f to the public one. anyClient asks from every client
// port (internetSources).
func (m *Model) internetSourcesTo(f flow.Flow, dst endpoint, anyClient bool) (open, und addrset.Set, atoms int, err error) {
	ii := dst.iface
	first, ok := netip.Addr{}, false
	if ii != nil && !dst.addr.IsValid() && f.Dst.Addr().Is4() && ii.PublicIP.IsValid() {
		first, ok = ii.addr(false)
	}
	if !ok {
		return m.internetSources(f, nil, anyClient)
	}
	pub, priv := f, f
	pub.Dst, priv.Dst = netip.AddrPortFrom(ii.PublicIP, f.Dst.Port()), netip.AddrPortFrom(first, f.Dst.Port())
	ways := m.privateWays(ii, nil)
	if ways.IsEmpty() {
		return m.internetSources(pub, nil, anyClient)
	}
	if open, und, atoms, err = m.internetSources(priv, ways.Ranges(), anyClient); err != nil {
		return open, und, atoms, err
	}
	rest := addrset.All4().Difference(ways) // never empty: the private blocks are in it
	o, u, n, err := m.internetSources(pub, rest.Ranges(), anyClient)
	return open.Union(o), und.Union(u), atoms + n, err
}

// internetSources returns the internet addresses whose session f (with
// its source replaced) reaches f's destination, and those the input
// leaves open. The family's space is cut first where the walk itself
// treats addresses apart (routes, VPCs, special ranges); each piece's
// walk then names the bounds of the filters on its path, which cut it
// further.
//
// within, when not nil, limits the question to those addresses (the
// audit asks only about the addresses a rule opens a service to).
//
// anyClient asks from every client port (1-65535) rather than f's source
// port (addrSources).
//
// On a design with zone worlds, each world answers and the answers are
// merged address by address (tgw_worlds.go).
func (m *Model) internetSources(f flow.Flow, within []addrset.Range, anyClient bool) (open, und addrset.Set, atoms int, err error) {
	if m.hasWorlds() {
		return m.internetSourcesWorlds(f, within, anyClient)
	}
	is4 := f.Dst.Addr().Is4()
	pieces, leads := m.internetPiecesAlike(is4, within)
	openR, undR, atoms, err := m.addrSourcesEach(f, nil, pieces, leads, anyClient, m.internetIn, nil)
	if err != nil {
		return open, und, atoms, err
	}
	notInternet := m.notInternetSet()
	return addrset.OfRanges(openR...).Difference(notInternet), addrset.OfRanges(undR...).Difference(notInternet), atoms, nil
}

// addrSources returns the source addresses, among pieces, whose session
// f (with its source replaced) from src (nil: the internet) reaches f's
// destination, and those the input leaves open. Each piece's walk, from
// its representative (in: none, none of the piece's addresses is a
// source), names the bounds of the filters on its path, which cut it
// further; an atom's walk from its representative decides it. A piece
// whose path crosses a NAT gateway whose addresses the design tells
// apart is an error (natPathErr): its bounds are those from the
// gateway's primary address alone. When src or f's destination is an
// interface whose address is known only later, told apart, each atom is
// answered by the single check's rule (verdictRule, unknown_sets.go).
//
// anyClient (tcp, udp) asks from every client port, 1-65535, rather than
// f's source port: each address atom's client ports are cut by the
// bounds of its own walk (clientAtoms), and an address
// atom is open when its walk from some client atom is Reachable, else
// undecided when some is Indeterminate. The path does not depend on the
// client port (walkAtom holds every walk to the piece's path).
func (m *Model) addrSources(f flow.Flow, src *ifaceInfo, pieces []flow.AddrRange, anyClient bool, in func(flow.AddrRange) (netip.Addr, bool)) (openR, undR []addrset.Range, atoms int, err error) {
	return m.addrSourcesEach(f, src, pieces, nil, anyClient, in, nil)
}

// addrSourcesEach is addrSources that, when each is not nil, also hands
// it every address atom's outcome from every client atom (anyClient) or
// from f's client port, without stopping at the first client atom that
// reaches: what a merge of zone worlds client port by client port needs
// (internetSourcesWorlds). leads, when not nil, is each piece's first
// alike piece (internet_alike.go): a piece whose lead's walk found the
// lead one atom takes the lead's outcome, unwalked (each must be nil).
func (m *Model) addrSourcesEach(f flow.Flow, src *ifaceInfo, pieces []flow.AddrRange, leads []int, anyClient bool, in func(flow.AddrRange) (netip.Addr, bool),
	each func(a flow.AddrRange, c flow.PortRange, o Outcome)) (openR, undR []addrset.Range, atoms int, err error) {
	var unknown []*ifaceInfo
	if len(m.unknownIfaces) > 0 {
		dst, _ := m.resolve(f.Dst.Addr().String())
		unknown = m.toldApart(f.Dst.Addr().Is6(), src, dst.iface)
	}
	anyClient = anyClient && f.Protocol.HasPorts()
	if each != nil || len(unknown) > 0 {
		leads = nil
	}
	whole := map[int]Outcome{} // the outcomes of the pieces walked whole, by index
	byHop := anyClient && each == nil && len(unknown) == 0 && m.anyClientByHopFits(f, src)
	for i, piece := range pieces {
		rep, ok := in(piece)
		if !ok {
			continue
		}
		if leads != nil {
			if out, ok := whole[leads[i]]; ok {
				switch out {
				case Reachable:
					openR = append(openR, addrset.Range{From: piece.From, To: piece.To})
				case Indeterminate:
					undR = append(undR, addrset.Range{From: piece.From, To: piece.To})
				}
				continue
			}
		}
		g := f
		g.Src = netip.AddrPortFrom(rep, f.Src.Port())
		fb := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr)
		rb := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr)
		if anyClient {
			// the address cuts of rules on every client port, not only
			// on f's (a rule accepting source port 7 alone cuts the
			// addresses too); the client ports themselves are cut per
			// address atom (clientAtoms)
			fb = flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr, flow.FieldSrcPort)
			rb = flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr, flow.FieldDstPort)
		}
		fb.WindowAddrs(piece.From, piece.To)
		rb.WindowAddrs(piece.From, piece.To)
		var path atomOutcome
		m.walkBounds(g, src, &path.fwd, &path.ret, false, fb, rb)
		m.pieceWalked()
		if err := m.natPathErr(g, path.fwd); err != nil { // natsecondary.go
			return openR, undR, atoms, err // the piece's path crosses a NAT gateway whose addresses are told apart
		}
		cuts := flow.NewBounds(flow.FieldSrcAddr)
		cuts.MergeField(flow.FieldSrcAddr, fb, flow.FieldSrcAddr)
		cuts.MergeField(flow.FieldSrcAddr, rb, flow.FieldDstAddr)
		for _, a := range cuts.AddrAtoms(flow.FieldSrcAddr, piece.From, piece.To) {
			rep, ok := in(a)
			if !ok {
				continue
			}
			decide := func(c uint16) (Outcome, error) {
				g.Src = netip.AddrPortFrom(rep, c)
				m.sets.walks.Add(1)
				if len(unknown) > 0 {
					if atoms >= maxUnknownChecks {
						return Unreachable, m.unknownBudgetErr(unknown...)
					}
					atoms++
					return m.verdictRule(g, src), nil
				}
				atoms++
				return m.walkAtom(g, src, &path, nil, nil)
			}
			var out Outcome
			if anyClient && each == nil && anyClientFirst {
				var via uint16
				out, via, err = m.anyClientOutcome(g, src, rep, &path, len(unknown) > 0, byHop, &atoms, decide)
				if via != 0 {
					g.Src = netip.AddrPortFrom(rep, via) // the next atom asks it first
				}
			} else {
				out, err = m.eachClientOutcome(g, src, rep, a, anyClient, decide, each)
			}
			if err != nil {
				return openR, undR, atoms, err
			}
			if a == piece {
				whole[i] = out
			}
			switch out {
			case Reachable:
				openR = append(openR, addrset.Range{From: a.From, To: a.To})
			case Indeterminate:
				undR = append(undR, addrset.Range{From: a.From, To: a.To})
			}
		}
	}
	return openR, undR, atoms, nil
}

// internetIn returns an internet address of range a, if it has one: its
// first address the design does not hold. (Every other kind of address
// is a whole piece of the cuts of addressCuts.) A prefix delegated to an
// interface is stepped over whole; past 65,536 addresses of interfaces
// in a row the range is taken as held.
func (m *Model) internetIn(a flow.AddrRange) (netip.Addr, bool) {
	for x, n := a.From, 0; x.IsValid() && !a.To.Less(x) && n < 1<<16; x, n = x.Next(), n+1 {
		// what holds does, the delegated prefix stepped over whole
		if _, ok := m.owners[x]; ok {
			continue
		}
		if len(m.delegated) > 0 {
			if d, ok := m.delegationOf(x); ok { // delegated.go
				x = addrset.Last(d.prefix)
				continue
			}
		}
		if unroutable(x) || m.vpcAt(x) != nil || x.Is4In6() || x.IsUnspecified() {
			return netip.Addr{}, false
		}
		if _, ok := m.unmodelledBlockAt(x); ok { // held by what the design does not model
			return netip.Addr{}, false
		}
		return x, true
	}
	return netip.Addr{}, false
}

// specialBlocks are the address blocks that are not on the internet:
// those unroutable reports (netip's private, shared, loopback, link-local,
// multicast and broadcast addresses, and the non-global special-purpose
// blocks of both families, nonGlobal4 and nonGlobal6: 0.0.0.0/8 with the
// unspecified address among them), and IPv4-mapped IPv6, which no query
// may name. TestSpecialBlocks holds them to unroutable.
var specialBlocks = func() []netip.Prefix {
	out := append([]netip.Prefix(nil), nonGlobal4...)
	for _, s := range []string{"10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.168.0.0/16", "224.0.0.0/4", "255.255.255.255/32",
		"::/128", "::1/128", "::ffff:0:0/96", "fc00::/7", "fe80::/10", "ff00::/8"} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return append(out, nonGlobal6...)
}()

// addressCuts is where the walk treats an internet source apart from
// its neighbours, before any filter: special blocks, the NAT64 prefix
// (a reply for it goes to no internet host: nat64Untranslated), VPC and
// subnet CIDRs, private IPv6 blocks, delegated prefixes, unmodelled
// blocks (no internet host: internetIn), and the
// destinations of every route (prefix lists' entries included) and
// transit gateway route.
func (m *Model) addressCuts() *flow.Bounds {
	b := m.addressCutsButRoutes()
	for _, rt := range m.rts {
		for _, cr := range rt.routes {
			for _, p := range cr.prefixes {
				b.AddPrefix(flow.FieldSrcAddr, p)
			}
		}
	}
	for _, rt := range m.tgwRTs {
		for _, tr := range rt.routes {
			b.AddPrefix(flow.FieldSrcAddr, tr.Destination)
		}
	}
	return b
}

// addressCutsButRoutes is addressCuts without the routes' destinations:
// what tells internet addresses apart before any filter or route.
func (m *Model) addressCutsButRoutes() *flow.Bounds {
	b := flow.NewBounds(flow.FieldSrcAddr)
	m.nonRouteBlocks(func(p netip.Prefix) { b.AddPrefix(flow.FieldSrcAddr, p) })
	return b
}

// nonRouteBlocks hands add every block addressCutsButRoutes cuts at.
func (m *Model) nonRouteBlocks(add func(netip.Prefix)) {
	for _, p := range specialBlocks {
		add(p)
	}
	add(nat64Prefix) // nat64.go
	for _, v := range m.vpcOrder {
		for _, c := range v.CIDRs {
			add(c)
		}
	}
	for _, s := range m.subnets {
		for _, c := range s.CIDRs {
			add(c)
		}
	}
	for _, pb := range m.privateV6 { // ipv6.go
		add(pb.prefix)
	}
	for _, d := range m.delegated {
		add(d.prefix)
	}
	for _, u := range m.unmodelledBlocks { // unmodelled_block.go
		add(u.Prefix)
	}
}

// notInternet is every address that is no internet host: the special
// blocks, the VPCs' CIDRs, the unmodelled blocks and the design's own
// addresses (unmodelled ones among them).
func (m *Model) notInternet() addrset.Set {
	ps := append([]netip.Prefix(nil), specialBlocks...)
	for _, v := range m.vpcOrder {
		ps = append(ps, v.CIDRs...)
	}
	for _, u := range m.unmodelledBlocks {
		ps = append(ps, u.Prefix)
	}
	for a := range m.owners {
		ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
	}
	return addrset.Of(ps...)
}

// askedICMP is the ICMP message a query of protocol p with message msg
// sends: msg, or an echo request when msg is nil; false for a protocol
// other than icmp and icmpv6.
func askedICMP(p flow.Protocol, msg *ICMPMessage) (ICMPMessage, bool) {
	switch {
	case !p.IsICMP():
		return ICMPMessage{}, false
	case msg != nil:
		return *msg, true
	case p == flow.ICMPv6:
		return ICMPMessage{Type: flow.ICMPv6EchoRequest}, true
	}
	return ICMPMessage{Type: flow.ICMPEchoRequest}, true
}

// setsCache is what set questions compute once per model: the pieces of
// each family's address space cut at addressCuts, notInternet, and the
// interface classes.
type setsCache struct {
	once   sync.Once
	pieces [2][]flow.AddrRange // IPv4, IPv6
	// pieces64 is IPv6's pieces as destinations: cut within the NAT64
	// prefix too where a route may send it to a translator (nat64Cuts)
	pieces64    []flow.AddrRange
	notInternet addrset.Set
	// edges is designAddressEdges (designEdges, standin.go)
	edgesOnce sync.Once
	edges     []netip.Addr
	// classes holds Matrix's and Audit's interface classes, per family
	// (matrix.go)
	classes [2]struct {
		once    sync.Once
		classes [][]*ifaceInfo
		places  []string
	}
	// walks counts the walks addrSources makes (each from one client
	// port, and those that find an address atom's client atoms), for the
	// tests that hold their number down (SourceWalks)
	walks atomic.Int64
	// alike is which internet pieces walk alike (internet_alike.go)
	alike alikeCache
}

func (m *Model) fillSetsCache() {
	m.sets.once.Do(func() {
		cuts := m.addressCuts()
		for i, v6 := range []bool{false, true} {
			from, to := familyRange(v6)
			m.sets.pieces[i] = cuts.AddrAtoms(flow.FieldSrcAddr, from, to)
		}
		m.sets.pieces64 = m.sets.pieces[1]
		if m.nat64Cuts(cuts) { // nat64.go
			from, to := familyRange(true)
			m.sets.pieces64 = cuts.AddrAtoms(flow.FieldSrcAddr, from, to)
		}
		m.sets.notInternet = m.notInternet()
	})
}

// internetPieces returns the family's address space cut at addressCuts,
// computed once; the caller must not change it.
func (m *Model) internetPieces(is4 bool) []flow.AddrRange {
	m.fillSetsCache()
	if is4 {
		return m.sets.pieces[0]
	}
	return m.sets.pieces[1]
}

// internetDestinations returns the family's address space cut as
// internetPieces does, for the internet as the destination: for IPv6,
// cut within the NAT64 prefix too where a route may send it to a
// translator (nat64Cuts). Computed once; the caller must not change it.
func (m *Model) internetDestinations(is4 bool) []flow.AddrRange {
	m.fillSetsCache()
	if is4 {
		return m.sets.pieces[0]
	}
	return m.sets.pieces64
}

// notInternetSet is notInternet, computed once.
func (m *Model) notInternetSet() addrset.Set {
	m.fillSetsCache()
	return m.sets.notInternet
}

// clip returns the parts of the sorted, disjoint pieces inside the
// sorted, merged ranges within; all of them when within is nil.
func clip(pieces []flow.AddrRange, within []addrset.Range) []flow.AddrRange {
	if within == nil {
		return pieces
	}
	var out []flow.AddrRange
	j := 0
	for _, p := range pieces {
		for j < len(within) && within[j].To.Less(p.From) {
			j++
		}
		for k := j; k < len(within) && !p.To.Less(within[k].From); k++ {
			from, to := p.From, p.To
			if from.Less(within[k].From) {
				from = within[k].From
			}
			if within[k].To.Less(to) {
				to = within[k].To
			}
			if from.Is4() == p.From.Is4() && !to.Less(from) {
				out = append(out, flow.AddrRange{From: from, To: to})
			}
		}
	}
	return out
}

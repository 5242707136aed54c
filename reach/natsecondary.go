package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// A NAT gateway's secondary addresses ([NATGateway].Secondary). The
// gateway sends each connection from an address of its choosing, so the
// walk, which shows the primary addresses, is exact only where no block of
// the design (a route's, an ACL entry's, a security group rule's) holds
// some of the addresses the gateway may use but not all, and no firewall
// rule's address edge falls between them: no filter or route can then
// tell them apart, and every address gets the primary's answer. Where one
// does, natUnknowns makes the answer [Indeterminate] and names the edges,
// as it does for an address known only later; an address known only later
// counts as any of the block it may come from.

// natAddrs is what the model knows of the addresses a NAT gateway with
// secondary ones may send from.
type natAddrs struct {
	// privs and pubs are the private and public addresses known, its
	// primary ones included when known
	privs, pubs []netip.Addr
	// privOpen and pubOpen, when not empty, are the range an address known
	// only later (the primary one, or secondary ones) and the known ones
	// span: the subnet's block, the public addresses
	privOpen, pubOpen addrset.Set
	// privWhat and pubWhat name them for Result.Unknowns
	privWhat, pubWhat string
	once              sync.Once
	privCuts, pubCuts []netip.Addr // the design's edges that tell them apart
}

// natCuts returns the design's edges that tell apart the gateway's
// private addresses, and its public ones, computed once: for addresses
// known, the edges of the blocks that hold some of them but not all; with
// one known only later, every edge inside the range they span.
func (m *Model) natCuts(na *natAddrs) (priv, pub []netip.Addr) {
	na.once.Do(func() {
		na.privCuts = m.addrsApart(na.privs, na.privOpen)
		na.pubCuts = m.addrsApart(na.pubs, na.pubOpen)
	})
	return na.privCuts, na.pubCuts
}

// addrsApart returns the edges of the design that tell apart the
// addresses known (as) and, when open is not empty, those it holds.
func (m *Model) addrsApart(as []netip.Addr, open addrset.Set) []netip.Addr {
	if !open.IsEmpty() {
		return m.findCuts(open)
	}
	if len(as) < 2 {
		return nil
	}
	var edges []netip.Addr
	m.designBlocks(func(p netip.Prefix) {
		in := 0
		for _, a := range as {
			if p.Contains(a) {
				in++
			}
		}
		if in > 0 && in < len(as) {
			edges = append(edges, p.Masked().Addr())
		}
	})
	// the firewalls' edges are cuts, not blocks: addresses in one piece
	// between them are alike
	lo, hi := slices.MinFunc(as, netip.Addr.Compare), slices.MaxFunc(as, netip.Addr.Compare)
	atoms := m.firewallAddrBounds().AddrAtoms(flow.FieldDstAddr, lo, hi)
	for _, a := range atoms[1:] {
		edges = append(edges, a.From)
	}
	slices.SortFunc(edges, netip.Addr.Compare)
	return slices.Compact(edges)
}

// buildNATSecondary checks and claims the secondary addresses of the NAT
// gateway ni, the i-th of the builder, and gives ni its natAddrs.
func buildNATSecondary(p *problems, m *Model, i int, ni *natInfo) {
	n := ni.NATGateway
	if len(n.Secondary) == 0 && n.SecondaryUnknown == "" {
		return
	}
	ni.Secondary = slices.Clone(n.Secondary) // the model owns its data
	na := &natAddrs{}
	if n.PrivateIP.IsValid() && n.PrivateIPUnknown == "" {
		na.privs = append(na.privs, n.PrivateIP)
	}
	if n.PublicIP.IsValid() && n.PublicIPUnknown == "" {
		na.pubs = append(na.pubs, n.PublicIP)
	}
	for j, a := range n.Secondary {
		at := path("natGateways", i, "Secondary") + fmt.Sprintf("[%d]", j)
		switch {
		case !a.PrivateIP.Is4() || !ni.subnet.contains(a.PrivateIP):
			p.add(n.ID, at+".PrivateIP", a.PrivateIP.String(), "a NAT gateway's secondary address is a private IPv4 address inside subnet %s", ni.subnet.ID)
			continue
		case reservedAddr(p, ni.subnet, n.ID, at+".PrivateIP", a.PrivateIP):
			continue
		case claimAddr(p, m, n.ID, at+".PrivateIP", a.PrivateIP):
			m.natAddr[a.PrivateIP] = ni
			na.privs = append(na.privs, a.PrivateIP)
		}
		if !a.PublicIP.IsValid() {
			continue
		}
		switch {
		case n.Private:
			p.add(n.ID, at+".PublicIP", a.PublicIP.String(), "a private NAT gateway has no public address")
		case !a.PublicIP.Is4():
			p.add(n.ID, at+".PublicIP", a.PublicIP.String(), "not an IPv4 address")
		case notPublic4(p, n.ID, at+".PublicIP", a.PublicIP):
		case claimAddr(p, m, n.ID, at+".PublicIP", a.PublicIP):
			m.natAddr[a.PublicIP] = ni
			na.pubs = append(na.pubs, a.PublicIP)
		}
	}
	na.privWhat, na.pubWhat = addrWords(na.privs), addrWords(na.pubs)
	if n.PrivateIPUnknown != "" || n.SecondaryUnknown != "" {
		// an address known only later: any of the subnet's block
		for _, c := range ni.subnet.CIDRs {
			if c.Addr().Is4() {
				na.privOpen = addrset.Of(c.Masked())
				break
			}
		}
	}
	if !n.Private && (n.PublicIPUnknown != "" && len(na.pubs) > 0 || n.SecondaryUnknown != "") {
		na.pubOpen = publicSpace()
	}
	for _, u := range []string{n.PrivateIPUnknown, n.SecondaryUnknown} {
		if u != "" {
			na.privWhat = strings.TrimPrefix(na.privWhat+" and "+u+" (known only later: any address of subnet "+ni.subnet.ID+")", " and ")
		}
	}
	for _, u := range []string{n.PublicIPUnknown, n.SecondaryUnknown} {
		if u != "" && !na.pubOpen.IsEmpty() {
			na.pubWhat = strings.TrimPrefix(na.pubWhat+" and "+u+" (known only later: any public address)", " and ")
		}
	}
	ni.addrs = na
	m.multiNATs = append(m.multiNATs, ni)
}

// addrWords lists as, sorted: "10.0.1.5, 10.0.1.6".
func addrWords(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range slices.SortedFunc(slices.Values(as), netip.Addr.Compare) {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// secondaryUnknowns returns what an answer whose path crosses the NAT
// gateway ni depends on among its addresses: its private ones where the
// design's edges tell them apart, and its public ones too where the path
// shows them to a filter (dstPublic: on the way to a public address of
// the design).
func (m *Model) secondaryUnknowns(ni *natInfo, dstPublic bool) []string {
	if ni.addrs == nil {
		return nil
	}
	var out []string
	priv, pub := m.natCuts(ni.addrs)
	if len(priv) > 0 {
		out = append(out, fmt.Sprintf("NAT gateway %s sends each connection from one of its private addresses (%s), and the design tells them apart (edges at %s)",
			ni.ID, ni.addrs.privWhat, addrList(priv)))
	}
	if dstPublic && len(pub) > 0 {
		out = append(out, fmt.Sprintf("NAT gateway %s sends each connection from one of its public addresses (%s), which this path shows to its filters, and the design tells them apart (edges at %s)",
			ni.ID, ni.addrs.pubWhat, addrList(pub)))
	}
	return out
}

// setQuestionNATErr is the error of [Model.Matrix] (and Diff) on a
// design in which a NAT gateway's addresses are told apart, or nil: a
// cell is a union over many paths, and its answer depends on the
// address where one of them crosses the gateway. Ports and Sources ask
// per path instead (natPathErr; Sources' interfaces are Verdicts).
func (m *Model) setQuestionNATErr() error {
	for _, ni := range m.multiNATs {
		if priv, pub := m.natCuts(ni.addrs); len(priv)+len(pub) > 0 {
			return fmt.Errorf("%w: the answer depends on which address NAT gateway %s sends a connection from (%s), which the design's edges tell apart",
				ErrQuery, ni.ID, ni.addrs.privWhat)
		}
	}
	return nil
}

// hasPrivate reports whether a is one of ni's private addresses.
func (ni *natInfo) hasPrivate(a netip.Addr) bool {
	return ni.PrivateIP == a || slices.ContainsFunc(ni.Secondary, func(s NATAddress) bool { return s.PrivateIP == a })
}

// privateFor returns the private address of ni with the public address a
// (the primary one's, or a secondary one's Elastic IP), and whether a is
// one of ni's public addresses.
func (ni *natInfo) privateFor(a netip.Addr) (netip.Addr, bool) {
	if !a.IsValid() {
		return netip.Addr{}, false
	}
	if ni.PublicIP == a {
		return ni.PrivateIP, true
	}
	for _, s := range ni.Secondary {
		if s.PublicIP == a {
			return s.PrivateIP, true
		}
	}
	return netip.Addr{}, false
}

// natPublic returns the NAT gateway whose public address (primary or
// secondary) a is, with the private address it maps a to.
func (m *Model) natPublic(a netip.Addr) (*natInfo, netip.Addr, bool) {
	ni, ok := m.natAddr[a]
	if !ok {
		return nil, netip.Addr{}, false
	}
	priv, ok := ni.privateFor(a)
	return ni, priv, ok
}

// natPathErr is the error of a set question about f whose path (the
// request hops fwd of a walk that passes every filter) crosses a NAT gateway
// whose addresses, known only later or several, the design tells apart:
// every answer on it depends on the address the gateway takes.
func (m *Model) natPathErr(f flow.Flow, fwd []Hop) error {
	if len(m.unknownNATs)+len(m.multiNATs) == 0 {
		return nil
	}
	if u := m.natUnknowns(fwd, f.Dst.Addr()); len(u) > 0 {
		return fmt.Errorf("%w: the answer depends on the address a NAT gateway on the path takes: %s", ErrQuery, strings.Join(u, "; "))
	}
	return nil
}

// natAltAddr is a secondary address a walk has NAT gateway ni send its
// session from (walker.natAlt).
type natAltAddr struct {
	ni   *natInfo
	addr NATAddress
}

// natPrivate is the private address NAT gateway ni sends w's session from:
// its primary one, or the secondary one the walk asks for.
func (w *walker) natPrivate(ni *natInfo) netip.Addr {
	if a := w.natAlt; a != nil && a.ni == ni {
		return a.addr.PrivateIP
	}
	return ni.PrivateIP
}

// publicFor returns the public address ni maps its private address priv
// to: the primary one's, or the Elastic IP of the secondary address priv
// (unset when it has none).
func (ni *natInfo) publicFor(priv netip.Addr) netip.Addr {
	if priv == ni.PrivateIP {
		return ni.PublicIP
	}
	for _, s := range ni.Secondary {
		if s.PrivateIP == priv {
			return s.PublicIP
		}
	}
	return netip.Addr{}
}

// sameFromEveryAddress reports whether the session f from src (nil: the
// internet), whose walk from the primary addresses has the certain
// outcome want (Reachable or Unreachable) with request hops fwd, has it
// from every other address of the one NAT gateway with secondary
// addresses that translates it: then which address the gateway picks
// changes nothing. It is false where that cannot be shown: an address
// known only later, a secondary address without an Elastic IP on a public
// gateway, several such gateways on the path.
func (m *Model) sameFromEveryAddress(f flow.Flow, src *ifaceInfo, fwd []Hop, want Outcome) bool {
	if want == Indeterminate {
		return false
	}
	var multi *natInfo
	for i := range fwd {
		ni := m.nats[fwd[i].ID]
		if fwd[i].Kind != KindNATGateway || ni == nil || fwd[i].Verdict != flow.Allow {
			continue
		}
		if ni.unknown != nil || ni.PublicIPUnknown != "" || ni.SecondaryUnknown != "" || multi != nil && ni.addrs != nil {
			return false
		}
		if ni.addrs != nil {
			multi = ni
		}
	}
	if multi == nil {
		return false
	}
	for _, a := range multi.Secondary {
		if !multi.Private && !a.PublicIP.IsValid() {
			return false
		}
		s := quietWalks.Get().(*quietWalk)
		fw, rw := s.reset(m)
		fw.natAlt = &natAltAddr{multi, a}
		arrived, _ := m.walkWith(f, src, fw, rw)
		out := outcomeOf(s.fwd, s.ret, arrived.ok)
		quietWalks.Put(s)
		if out != want {
			return false
		}
	}
	return true
}

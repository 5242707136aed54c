package reach

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// fixClose finds the change that stops q: removing the security group
// rules that admit it at its destination (only those no wider than q,
// in a group nothing else uses, outside the model included: onlyMember),
// else a deny entry in an ACL on its path, the ACL that judges fewest
// sessions first (its subnets' interfaces, or every interface for a
// subnet packets pass through), a narrower one tried only while the
// candidates so far change other sessions too. Where the destination's
// Alibaba Cloud groups admit q, the change that stops it there, which
// Fix does not write, is out.ByHand, or, when nothing Fix writes stops
// it, the error (alibabaClose).
func (m *Model) fixClose(q Query, out *FixResult, r *Result) error {
	type option struct {
		changes []Change
		patched *Model
		also    []SessionChange
	}
	var best *option
	bestReach := 0
	var unlisted error
	opts, refused := m.closeOptions(r)
	for _, opt := range opts {
		near, _, _ := m.touched(opt[0])
		if best != nil && len(near) >= bestReach {
			break // judges as many sessions as the best so far, or more: not narrower
		}
		next, err := m.Apply(opt)
		if err != nil {
			return err
		}
		rr, err := next.Check(q)
		if err != nil {
			return err
		}
		if rr.Outcome != Unreachable {
			continue
		}
		also, err := m.alsoChanged(next, q, opt)
		if errors.Is(err, ErrNoFix) {
			unlisted = err // what it changes beside q is not known: another option may be
			continue
		}
		if err != nil {
			return err
		}
		if best == nil || len(also) < len(best.also) {
			best, bestReach = &option{opt, next, also}, len(near)
		}
		if len(also) == 0 {
			break // as narrow as the query: no later option is better
		}
	}
	// an Alibaba Cloud group that admits it can stop it, by hand
	// (fix_close_alibaba.go)
	byHand, err := m.alibabaClose(q, r)
	if err != nil {
		return err
	}
	if best == nil && byHand != "" {
		_, ii, _ := m.alibabaAdmitting(r)
		return fmt.Errorf("%w: %s's Alibaba Cloud groups admit %s: Fix writes AWS rules only; by hand: %s", ErrNoFix, ii.label(), queryText(q), byHand)
	}
	if best == nil && unlisted != nil {
		return unlisted
	}
	if best == nil {
		why := ""
		if refused != "" {
			why = "; " + refused
		}
		return fmt.Errorf("%w: no rule, entry or route Fix can change on the path of %s stops it%s", ErrNoFix, queryText(q), why)
	}
	out.Changes, out.Patched, out.After, out.AlsoChanged = best.changes, best.patched, Unreachable, best.also
	out.ByHand = byHand
	return nil
}

// closeOptions lists the changes that could each stop the session r
// checked, in order of preference; refused, when not "", says which
// group's rules admit it that are not removed because something outside
// the model uses the group too.
func (m *Model) closeOptions(r *Result) (opts [][]Change, refused string) {
	for i, h := range r.Forward {
		n := i + 1
		switch {
		case h.Kind == KindSecurityGroups && h.Direction == flow.Inbound && h.Verdict == flow.Allow:
			cs, why := m.removeAdmitting(h)
			if len(cs) > 0 {
				opts = append(opts, numbered(cs, Forward, n))
			}
			if why != "" {
				refused = why
			}
		case h.Kind == KindNetworkACL && h.Verdict == flow.Allow:
			if cs, ok := m.denyEntry(h); ok {
				opts = append(opts, numbered(cs, Forward, n))
			}
		}
	}
	// the security group option first (a change, not an addition), then
	// the resources that judge fewest sessions
	reach := make(map[*Change]int, len(opts))
	for _, o := range opts {
		near, _, _ := m.touched(o[0])
		reach[&o[0]] = len(near)
	}
	slices.SortStableFunc(opts, func(a, b []Change) int {
		if r := boolRank(a[0].Kind != ResourceSecurityGroup) - boolRank(b[0].Kind != ResourceSecurityGroup); r != 0 {
			return r
		}
		return reach[&a[0]] - reach[&b[0]]
	})
	return opts, refused
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func numbered(cs []Change, leg Leg, n int) []Change {
	for i := range cs {
		cs[i].Leg, cs[i].Hop = leg, n
	}
	return cs
}

// removeAdmitting returns the removal of every rule of the destination's
// groups that admits the packet of the allowing hop h (from any address
// its peer may send from, peerBlocks), when each is no
// wider than the packet (its one port and peer address) and its group is
// the interface's alone (onlyMember: nothing outside the model uses it);
// nil otherwise, with why, when a group something outside the model uses
// holds such a rule, saying so.
func (m *Model) removeAdmitting(h Hop) (cs []Change, why string) {
	ii := m.ifaceAt(h)
	if ii == nil || ii.GroupsUnknown != "" {
		return nil, ""
	}
	proto, ports, it, ic := trafficOf(h.Packet)
	peers, err := m.peerBlocks(h.Packet, h.Direction)
	if err != nil {
		return nil, "" // a rule for a placeholder closes nothing AWS gives
	}
	for _, gid := range ii.Groups {
		g := m.groups[gid]
		if g == nil || g.Flavour.IsAlibaba() {
			return nil, ""
		}
		for i, rule := range g.Rules {
			if rule.Direction != h.Direction || !slices.ContainsFunc(peers, func(p netip.Prefix) bool {
				return admits(m, rule, withPeer(h.Packet, h.Direction, p), proto) || p.Contains(peerOf(h.Packet, h.Direction)) && admits(m, rule, h.Packet, proto)
			}) {
				continue
			}
			icmp := proto == flow.ICMP || proto == flow.ICMPv6
			narrow := rule.Protocol == proto && rule.Peer.Kind == sg.PeerCIDR && slices.Contains(peers, rule.Peer.CIDR) &&
				(!proto.HasPorts() || rule.Ports == ports && !rule.PortZero) && (!icmp || rule.ICMPType == it && rule.ICMPCode == ic)
			if who := m.usedOutside[gid]; narrow && len(who) > 0 {
				return nil, fmt.Sprintf("%s's rule %s admits it, but %s uses %s too, outside the model: removing the rule would close the same traffic to that as well",
					gid, sgRuleText(rule), strings.Join(who, ", "), gid)
			}
			if !narrow || !m.onlyMember(gid, ii) {
				return nil, "" // removing it would close more than the query
			}
			old := g.Rules[i]
			cs = append(cs, Change{Action: ChangeRemove, Kind: ResourceSecurityGroup, Resource: gid, Direction: h.Direction, Rule: &old,
				Spec: sgRuleText(old), Text: fmt.Sprintf("remove from %s the %s rule %s", gid, h.Direction, sgRuleText(old))})
		}
	}
	return cs, ""
}

// admits reports whether rule (of an AWS group) matches pkt, judged in
// the rule's direction: its traffic, and its peer by block, prefix list
// or group membership.
func admits(m *Model, rule sg.Rule, pkt flow.Flow, proto flow.Protocol) bool {
	g := sg.Group{ID: "probe", Rules: []sg.Rule{rule}}
	ev, err := sg.Compile([]sg.Group{g}, m)
	if err != nil {
		return true // cannot tell: count it, so the option is not offered
	}
	return ev.Evaluate(pkt, rule.Direction).Verdict != flow.Deny
}

// denyEntry returns a deny entry for exactly the packet of the allowing
// ACL hop h, numbered just before the entry that allowed it; one for each
// address the peer may send from (peerBlocks) that the ACL lets through.
func (m *Model) denyEntry(h Hop) ([]Change, bool) {
	a := m.acls[h.ID]
	if a == nil {
		return nil, false
	}
	peers, err := m.peerBlocks(h.Packet, h.Direction)
	if err != nil {
		return nil, false // an entry for a placeholder stops nothing AWS gives
	}
	var out []Change
	for i, peer := range peers {
		pkt := h.Packet
		if i > 0 {
			pkt = withPeer(pkt, h.Direction, peer)
		}
		d := a.ev.Evaluate(pkt, h.Direction)
		if i > 0 && d.Verdict != flow.Allow {
			continue // another address the peer may send from, stopped already
		}
		if d.Default || d.Entry.Number == 0 {
			return nil, false // no ACL filtered it (traffic inside a subnet)
		}
		proto, ports, it, ic := trafficOf(pkt)
		e := nacl.Entry{Action: flow.Drop, Direction: h.Direction, Protocol: proto, CIDR: peer, Ports: ports, ICMPType: it, ICMPCode: ic}
		n, ok := freeNumber(withPending(a.acl, out), h.Direction, d)
		if !ok {
			return nil, false
		}
		e.Number = n
		out = append(out, aclChange(ChangeAdd, h.ID, e, nil, "add to %s the %s entry %s"))
	}
	return out, len(out) > 0
}

// alsoChanged lists the sessions other than q's whose answer differs
// between m and patched, among those a change could touch: between the
// changed traffic's peer (its owner, or every interface behind it when it
// is a NAT gateway's address; for a group or prefix list, each block of
// it: changeBlocks, blockEnds) and the interfaces the changed resource
// judges, both ways, on q's protocol (every protocol, of the route's
// family, for a route: routeKinds): every port for tcp and udp
// ([Model.Ports]), the query's message otherwise. The query's own ends are compared too, on
// its other ports and protocols. Where a route sends 64:ff9b::/96 to a
// translator, the NAT64 address of an IPv4 internet peer is a peer too
// (nat64Aliases), and the NAT64 sessions to the design's IPv4 addresses
// the change may judge once translated are compared (nat64DesignPairs),
// on IPv6, tcp and udp (fix_nat64.go). Each change is compared on its whole scope: a pair
// an earlier change compared on the query's protocol is compared on a
// later route's other protocols too, each session once. A change whose
// peer the model cannot enumerate (changeBlocks' missing) gives an error
// wrapping [ErrNoFix]: the list could miss sessions.
func (m *Model) alsoChanged(patched *Model, q Query, changes []Change) ([]SessionChange, error) {
	out := []SessionChange{}
	seen := map[comparedSession]int{} // the index in out of a changed one, else -1
	probes := probePorts(q, changes)
	kindsCache := map[bool][]sessionKind{}
	for _, c := range changes {
		if c.Kind == ResourceSecurityGroup && c.Action == ChangeRemove && m.groups[c.Resource] == nil {
			continue // a default rule of a group the fix makes: m never had it
		}
		near, blocks, missing := patched.touched(c) // the patched model holds the groups a change adds
		if missing != "" {
			return nil, fmt.Errorf("%w: the sessions %q changes cannot all be listed: %s", ErrNoFix, c.Text, missing)
		}
		// a public address of the design: the sessions over the internet;
		// a filter's peers' own (private) pairs too
		var pairs [][2]string
		var peers []string
		for _, b := range blocks {
			pub := m.publicPairs(b, near)
			pairs = append(pairs, pub...)
			if pub == nil || c.Kind != ResourceRouteTable || !b.IsSingleIP() {
				for _, e := range patched.blockEnds(b) {
					if !slices.Contains(peers, e) {
						peers = append(peers, e)
					}
				}
			}
		}
		peers, aliases := m.nat64Aliases(patched, c, peers)
		for _, a := range peers {
			for _, b := range near {
				if pub := m.nearPublicPairs(a, b); pub != nil {
					pairs = append(pairs, pub...) // b: a public address of the design an appliance carries
					continue
				}
				pairs = append(pairs, [2]string{a, b}, [2]string{b, a})
			}
		}
		// the NAT64 sessions to the design's IPv4 addresses
		if more, to := m.nat64DesignPairs(patched, c, near, blocks); len(more) > 0 {
			pairs = append(pairs, more...)
			if aliases == nil {
				aliases = map[string]bool{}
			}
			maps.Copy(aliases, to)
		}
		for _, pair := range pairs {
			if pair[0] == pair[1] {
				continue
			}
			// the query's own ends: its other ports and protocols
			own := m.queryPair(q, pair)
			kinds := []sessionKind{{proto: q.Protocol, icmp: q.ICMP}}
			v6 := q.IPv6
			alias := aliases[pair[0]] || aliases[pair[1]]
			if c.Kind == ResourceRouteTable {
				// a route carries every protocol, of its family
				v6 = v6 || alias || c.Route != nil && c.Route.Destination.Addr().Is6()
				kinds = routeKinds(kindsCache, m, q, v6)
			}
			if alias {
				v6 = true // a NAT64 session: IPv6 to the gateway
			}
			for _, k := range kinds {
				p := k.proto
				if alias && !p.HasPorts() {
					continue // NAT64 translates tcp and udp
				}
				if own && p == q.Protocol && !p.HasPorts() && sameMessage(k.icmp, q.ICMP) {
					continue // the query itself
				}
				// each session once: a pair an earlier change
				// compared on some kinds is compared on the
				// rest a later one (a route) brings
				key := compared(pair, k, v6)
				if at, ok := seen[key]; ok {
					if at >= 0 && out[at].Protocols.IsEmpty() {
						out[at].Protocols = k.stands // the route's stand-in for the protocols no filter names
					}
					continue
				}
				seen[key] = -1
				pq := q
				pq.Protocol, pq.IPv6, pq.ICMP = p, v6, k.icmp
				if !p.HasPorts() {
					pq.Port, pq.SrcPort = 0, 0
				}
				if p != q.Protocol {
					pq.Domain, pq.App = "", flow.AppUnset
				}
				sc, changed, err := m.sessionChange(patched, pq, pair[0], pair[1], probes)
				if err != nil {
					return nil, err
				}
				if k.icmp != q.ICMP || c.Kind == ResourceRouteTable && (p == flow.ICMP || p == flow.ICMPv6) {
					sc.ICMP = k.icmp
				}
				sc.Protocols = k.stands
				if own && p == q.Protocol { // every port but the query's
					sc = sc.without(q.Port)
					changed = sc.portsChanged()
				}
				if changed {
					seen[key] = len(out)
					out = append(out, sc)
				}
			}
		}
	}
	return out, nil
}

// comparedSession is a session alsoChanged compares: a pair of
// endpoints, a protocol of a family and, for ICMP, a message.
type comparedSession struct {
	from, to string
	proto    flow.Protocol
	v6       bool
	msg      ICMPMessage
}

// compared returns the session of kind k (of family v6) between pair,
// the query's message (nil: echo) given by type and code, so that the same
// session named by two changes (the query's message, and a route's list
// of messages) is compared once.
func compared(pair [2]string, k sessionKind, v6 bool) comparedSession {
	c := comparedSession{from: pair[0], to: pair[1], proto: k.proto, v6: v6}
	switch {
	case k.icmp != nil:
		c.msg = *k.icmp
	case k.proto == flow.ICMP:
		c.msg = ICMPMessage{Type: 8}
	case k.proto == flow.ICMPv6:
		c.msg = ICMPMessage{Type: 128}
	}
	return c
}

// without returns sc with port left out of its port sets.
func (sc SessionChange) without(port uint16) SessionChange {
	drop := flow.SetOf(flow.Single(port))
	sc.Gained, sc.Lost = sc.Gained.Difference(drop), sc.Lost.Difference(drop)
	sc.IndeterminateGained, sc.IndeterminateLost = sc.IndeterminateGained.Difference(drop), sc.IndeterminateLost.Difference(drop)
	return sc
}

// portsChanged reports whether sc holds a port that changed.
func (sc SessionChange) portsChanged() bool {
	return !sc.Gained.IsEmpty() || !sc.Lost.IsEmpty() || !sc.IndeterminateGained.IsEmpty() || !sc.IndeterminateLost.IsEmpty()
}

// sameEnd reports whether endpoints a and b name the same interface (or
// the same address). An address of a prefix delegated to the interface
// is an end of its own: its sessions are not the interface's.
func (m *Model) sameEnd(a, b string) bool {
	if a == b {
		return true
	}
	ea, erra := m.resolve(a)
	eb, errb := m.resolve(b)
	return erra == nil && errb == nil && ea.iface != nil && ea.iface == eb.iface && !m.delegatedEnd(a) && !m.delegatedEnd(b)
}

// delegatedEnd reports whether endpoint s is an address of a prefix
// delegated to an interface rather than one of its own addresses.
func (m *Model) delegatedEnd(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && m.byPrivate[a] == nil && m.byPublic[a] == nil
}

// touched returns, for change c, the interfaces whose sessions its
// resource can judge (by ID) and the blocks its rule, entry or route
// names as its peer (changeBlocks; missing, when not "", says what of
// them the model cannot enumerate). A resource that judges packets
// passing through (the ACL or route table of a subnet holding a NAT
// gateway, a firewall endpoint, an appliance or a transit gateway
// attachment; an edge route table; the groups of an appliance) can judge
// any interface's sessions.
func (m *Model) touched(c Change) (near []string, blocks []netip.Prefix, missing string) {
	all := func() []string {
		out := make([]string, len(m.ifaceOrder))
		for i, ii := range m.ifaceOrder {
			out[i] = ii.ID
		}
		return out
	}
	switch c.Kind {
	case ResourceSecurityGroup, ResourceInterface:
		for _, ii := range m.ifaceOrder {
			if ii.ID == c.Resource || slices.Contains(ii.Groups, c.Resource) {
				if m.routeTargets()[ii.ID] {
					near = append(all(), m.internetBehind(ii.ID)...)
					break
				}
				near = append(near, ii.ID)
			}
		}
	case ResourceNetworkACL:
		in := func(s *subnetInfo) bool { return s.acl != nil && s.acl.acl.ID == c.Resource }
		near = append(m.ifacesOf(in), m.appliancesBehind(in)...)
	case ResourceRouteTable:
		in := func(s *subnetInfo) bool {
			return s.rt != nil && s.rt.ID == c.Resource || slices.ContainsFunc(s.maybe, func(rt *rtInfo) bool { return rt.ID == c.Resource })
		}
		near = append(m.ifacesOf(in), m.appliancesBehind(in)...)
		if rt := m.rts[c.Resource]; rt != nil && (len(rt.Gateways) > 0 || len(rt.GatewaysMaybe) > 0) {
			near = all()
		}
	}
	blocks, missing = m.changeBlocks(c)
	return near, blocks, missing
}

// blockEnds returns the endpoints block (a peer a change names) stands
// for: the interface that owns its one address, every interface of the
// NAT gateway's VPC for a NAT gateway's address, else the address itself
// (an internet host, addrPeers); for a block wider than one address (a
// peer whose address is known only later: its subnet's block; a prefix
// list's block), every interface with an address in it and an internet
// address of it (blockPeers).
func (m *Model) blockEnds(block netip.Prefix) []string {
	if block.Bits() < block.Addr().BitLen() {
		return m.blockPeers(block)
	}
	return m.addrPeers(block.Addr(), block)
}

// addrPeers returns the endpoints address a of block stands for: the
// interface that owns it, every interface a NAT gateway's address
// translates, else an internet address of block (blockProbe).
func (m *Model) addrPeers(a netip.Addr, block netip.Prefix) []string {
	switch {
	case m.byPrivate[a] != nil:
		return []string{m.byPrivate[a].ID}
	case m.byPublic[a] != nil:
		return []string{m.byPublic[a].ID}
	case m.natAddr[a] != nil:
		// the interfaces it translates: those of its VPC, and with
		// transit gateways any (centralized egress)
		var peers []string
		for _, ii := range m.ifaceOrder {
			if ii.subnet.VPC == m.natAddr[a].subnet.VPC || len(m.tgws) > 0 {
				peers = append(peers, ii.ID)
			}
		}
		return peers
	}
	if p, ok := m.blockProbe(block); ok {
		return []string{p}
	}
	return nil
}

// blockPeers returns the endpoints a block wider than one address stands
// for (the subnet block Fix writes for a peer whose address is known only
// later, peerBlock): every interface with an address in it (addrPeers of
// each interface's and NAT gateway's address there), in the design's
// order, and an internet address of it when it holds one (blockProbe).
func (m *Model) blockPeers(block netip.Prefix) []string {
	in := map[string]bool{}
	var nats []netip.Addr
	for a, ii := range m.byPrivate {
		if block.Contains(a) {
			in[ii.ID] = true
		}
	}
	for a, ii := range m.byPublic {
		if block.Contains(a) {
			in[ii.ID] = true
		}
	}
	for a := range m.natAddr {
		if block.Contains(a) {
			nats = append(nats, a)
		}
	}
	for _, a := range nats {
		for _, id := range m.addrPeers(a, block) {
			in[id] = true
		}
	}
	var peers []string
	for _, ii := range m.ifaceOrder {
		if in[ii.ID] {
			peers = append(peers, ii.ID)
		}
	}
	if p, ok := m.blockProbe(block); ok {
		peers = append(peers, p)
	}
	return peers
}

// appliancesBehind returns the internet addresses (internetBehind) of
// the appliances in the subnets in picks: a change to their ACL or route
// table can change the sessions an appliance carries to the internet (a
// NAT instance's).
func (m *Model) appliancesBehind(in func(s *subnetInfo) bool) []string {
	targets := m.routeTargets()
	var out []string
	for _, ii := range m.ifaceOrder {
		if targets[ii.ID] && in(ii.subnet) {
			for _, a := range m.internetBehind(ii.ID) {
				if !slices.Contains(out, a) {
					out = append(out, a)
				}
			}
		}
	}
	return out
}

// blockProbe returns an internet address of block to stand for it: its
// first address when that is on the internet and no one's in the design,
// else the probe Sources uses when block holds it (0.0.0.0/0, ::/0),
// else block's first internet address (internetProbe): never an address
// the design holds or a VPC block contains, which is no internet host.
func (m *Model) blockProbe(block netip.Prefix) (string, bool) {
	a := block.Masked().Addr()
	if x, ok := m.internetIn(flow.AddrRange{From: a, To: a}); ok {
		return x.String(), true
	}
	x, ok := m.internetProbe(a.Is6(), []addrset.Range{{From: a, To: addrset.Last(block)}})
	if !ok {
		return "", false
	}
	return x.String(), true
}

// ifacesOf returns the IDs of the interfaces in the subnets in picks, or
// of every interface when one of them passes packets through (transit).
func (m *Model) ifacesOf(in func(s *subnetInfo) bool) []string {
	var out []string
	transit := map[string]bool{}
	m.transitSubnets(transit, map[string]bool{})
	for _, s := range sortedByID(m.subnets) {
		if in(s) && transit[s.ID] {
			out = out[:0]
			for _, ii := range m.ifaceOrder {
				out = append(out, ii.ID)
			}
			return out
		}
	}
	for _, ii := range m.ifaceOrder {
		if in(ii.subnet) {
			out = append(out, ii.ID)
		}
	}
	return out
}

// routeTargets returns the interfaces routes send packets to (appliances).
func (m *Model) routeTargets() map[string]bool {
	transit, targets := map[string]bool{}, map[string]bool{}
	m.transitSubnets(transit, targets)
	return targets
}

// sessionChange compares the session from -> to on q's protocol in m and
// patched: every port for tcp and udp, by the set questions, or, where
// they refuse either model (a NAT gateway's addresses told apart, a value
// known only later), the ports probes.
func (m *Model) sessionChange(patched *Model, q Query, from, to string, probes []uint16) (SessionChange, bool, error) {
	sc := SessionChange{From: from, To: to, Protocol: q.Protocol}
	if q.Protocol.HasPorts() {
		pq := PortsQuery{From: from, To: to, Protocol: q.Protocol, IPv6: q.IPv6, ClientPorts: []nacl.NamedRange{}, ClientPort: q.SrcPort}
		before, err := m.Ports(pq)
		if err != nil {
			return m.probeChange(patched, q, from, to, probes) // Check answers a pair of another family with an error too
		}
		after, err := patched.Ports(pq)
		if errors.Is(err, ErrQuery) {
			return m.probeChange(patched, q, from, to, probes)
		}
		if err != nil {
			return sc, false, err
		}
		sc.Gained, sc.Lost = after.Open.Difference(before.Open), before.Open.Difference(after.Open)
		sc.IndeterminateGained = after.Indeterminate.Difference(before.Indeterminate)
		sc.IndeterminateLost = before.Indeterminate.Difference(after.Indeterminate)
		return sc, sc.portsChanged(), nil
	}
	vq := q
	vq.From, vq.To = from, to
	before, err := m.Verdict(vq)
	if err != nil {
		return sc, false, nil
	}
	after, err := patched.Verdict(vq)
	if err != nil {
		return sc, false, err
	}
	sc.Before, sc.After = before, after
	return sc, before != after, nil
}

// probeChange compares the session from -> to on q's protocol (tcp or
// udp, from q's client port) in m and patched on each port of probes, by
// Verdict: sessionChange where the set questions refuse a model.
func (m *Model) probeChange(patched *Model, q Query, from, to string, probes []uint16) (SessionChange, bool, error) {
	sc := SessionChange{From: from, To: to, Protocol: q.Protocol}
	var gained, lost, indG, indL []flow.PortRange
	for _, p := range probes {
		vq := q
		vq.From, vq.To, vq.Port = from, to, p
		before, err := m.Verdict(vq)
		if err != nil {
			return sc, false, nil // a pair Check cannot answer (an address of another family)
		}
		after, err := patched.Verdict(vq)
		if err != nil {
			return sc, false, err
		}
		one := flow.Single(p)
		switch {
		case before == after:
			continue
		case after == Reachable:
			gained = append(gained, one)
		case before == Reachable:
			lost = append(lost, one)
		}
		if after == Indeterminate {
			indG = append(indG, one)
		} else if before == Indeterminate {
			indL = append(indL, one)
		}
	}
	sc.Gained, sc.Lost = flow.SetOf(gained...), flow.SetOf(lost...)
	sc.IndeterminateGained, sc.IndeterminateLost = flow.SetOf(indG...), flow.SetOf(indL...)
	return sc, sc.portsChanged(), nil
}

// probePorts returns the ports alsoChanged compares where the set
// questions refuse a model: q's port and the ends of every port range a
// change names.
func probePorts(q Query, changes []Change) []uint16 {
	out := []uint16{q.Port}
	for _, c := range changes {
		var rs []flow.PortRange
		for _, r := range []*sg.Rule{c.Rule, c.Old} {
			if r != nil && r.Protocol.HasPorts() && !r.PortZero && r.Ports != (flow.PortRange{}) {
				rs = append(rs, r.Ports)
			}
		}
		for _, e := range []*nacl.Entry{c.Entry, c.OldEntry} {
			if e != nil && e.Protocol.HasPorts() && !e.PortZero && e.Ports != (flow.PortRange{}) {
				rs = append(rs, e.Ports)
			}
		}
		for _, r := range rs {
			out = append(out, r.Lo, r.Hi)
		}
	}
	slices.Sort(out)
	return slices.Compact(slices.DeleteFunc(out, func(p uint16) bool { return p == 0 }))
}

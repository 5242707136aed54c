package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// clientRangeHop reports whether h, hop of leg, is a network ACL hop that
// judges the reply to the client's own port while q names none (SrcPort
// 0): the client picks that port anew for each connection, so Fix opens
// every port of replyPorts there, not [DefaultSourcePort] alone. A query
// that names its client port gets that one port; the reply to the port
// a NAT gateway picked has its own range (natPorts).
func clientRangeHop(q Query, h Hop, leg Leg) bool {
	return leg == Return && q.SrcPort == 0 && h.Kind == KindNetworkACL && !h.natPort && h.Packet.Protocol.HasPorts()
}

// replyPorts are the client ports Fix opens on the reply path of a query
// that names no client port (clientRangeHop): a client picks its
// ephemeral port anew for each connection, from a range its system
// sets (Linux 32768-60999, Windows 49152-65535; a NAT gateway, load
// balancer or Lambda function 1024-65535), so an entry for the query's
// one port (50000 by default) leaves the next connection cut. AWS
// advises 1024-65535 for the entries that let replies out to clients of
// every kind (VPC User Guide, "Ephemeral ports"); check's advice for a
// cut reply and the NAT gateway's range (natPorts) are the same.
var replyPorts = flow.PortRange{Lo: 1024, Hi: 65535}

// replyPortsText is why a change opens replyPorts, as its text says it.
const replyPortsText = " (replies go to the client's ephemeral port, picked anew for each connection: the ACL then lets them through to all of 1024-65535, which covers every client, as AWS advises)"

// openACLs returns the changes that let the packet of the blocking
// network ACL hop h through: openACL's, for each address the peer may
// send from (peerBlocks) that the ACL does not let through yet; wide: to
// every client port of replyPorts (clientRangeHop).
func (m *Model) openACLs(h Hop, wide bool, done []Change) ([]Change, error) {
	a := m.acls[h.ID]
	if a == nil {
		return nil, fmt.Errorf("%w: network ACL %s is not in the design", ErrNoFix, h.ID)
	}
	peers, err := m.peerBlocks(h.Packet, h.Direction)
	if err != nil {
		return nil, err
	}
	var out []Change
	for i, peer := range peers {
		pkt := h.Packet
		if i > 0 {
			pkt = withPeer(pkt, h.Direction, peer)
			if v, _ := a.ev.Verdict(pkt, h.Direction); v == flow.Allow && !h.natPort && !wide ||
				h.natPort && a.ev.AllowedPorts(pkt, h.Direction).ContainsRange(natPorts) ||
				wide && a.ev.AllowedPorts(pkt, h.Direction).ContainsRange(replyPorts) {
				continue // another address the peer may send from, let through already
			}
		}
		c, err := m.openACL(a, h, pkt, peer, wide, append(slices.Clone(done), out...))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// checkReplyPorts verifies, on patched (m with a fix's changes made),
// that each network ACL hop of hops (the reply hops the fix opened to
// every client port: clientRangeHop) lets the reply to q through to
// every port of replyPorts, for every address its peer may have
// (peerBlocks): the check of q, from its one client port, does not show
// it. An error wrapping [ErrNoFix] names the ACL and the client ports it
// still cuts.
func (m *Model) checkReplyPorts(patched *Model, q Query, hops []Hop) error {
	for _, h := range hops {
		a := patched.acls[h.ID]
		if a == nil || a.ev == nil {
			return fmt.Errorf("%w: network ACL %s is not in the patched design", ErrNoFix, h.ID)
		}
		peers, err := m.peerBlocks(h.Packet, h.Direction)
		if err != nil {
			return err
		}
		for i, peer := range peers {
			pkt := h.Packet
			if i > 0 {
				pkt = withPeer(pkt, h.Direction, peer)
			}
			if cut := flow.SetOf(replyPorts).Difference(a.ev.AllowedPorts(pkt, h.Direction)); !cut.IsEmpty() {
				return fmt.Errorf("%w: after the changes, %s is reachable from client port %d, but network ACL %s (%s) still drops the replies %s %s to client ports %s of %s, which AWS clients pick their ports from",
					ErrNoFix, queryText(q), h.Packet.Dst.Port(), h.ID, h.Direction, dirWord(h.Direction), peer, cut, replyPorts)
			}
		}
	}
	return nil
}

// dirWord is the word before a filter's peer in dir: "from" inbound,
// "to" outbound.
func dirWord(dir flow.Direction) string {
	if dir == flow.Outbound {
		return "to"
	}
	return "from"
}

// openACL returns the change that lets pkt, the packet of the blocking
// network ACL hop h with its peer in block peer, through ACL a: the deny
// entry that decided turned into an allow when it names exactly this
// traffic, an adjacent allow entry for the same peer widened, else a new
// allow entry just before the deciding one. wide: the reply to the
// client's port, opened to every port of replyPorts, as the reply to the
// port a NAT gateway picks is to every port of natPorts.
func (m *Model) openACL(a *aclInfo, h Hop, pkt flow.Flow, peer netip.Prefix, wide bool, done []Change) (Change, error) {
	d := a.ev.Evaluate(pkt, h.Direction)
	proto, ports, it, ic := trafficOf(pkt)
	why := ""
	if (h.natPort || wide) && proto.HasPorts() {
		// the reply goes to the port a NAT gateway picks, or the client
		// does: open every one (natport.go, replyPorts), before the first
		// entry that denies one of them; where the ACL lets some through
		// already, the rest when they are one range
		span := natPorts
		if !h.natPort {
			span, why = replyPorts, replyPortsText
		}
		ports, d = span, firstDeny(a.ev, pkt, h.Direction, span)
		if rest := flow.SetOf(span).Difference(a.ev.AllowedPorts(pkt, h.Direction)).Ranges(); len(rest) == 1 {
			ports = rest[0]
		}
	}
	want := nacl.Entry{Action: flow.Pass, Direction: h.Direction, Protocol: proto, CIDR: peer,
		Ports: ports, ICMPType: it, ICMPCode: ic}
	if !d.Default {
		if e := d.Entry; e.Action == flow.Drop && sameScope(e, want) {
			allow := e
			allow.Action = flow.Pass
			return aclChange(ChangeReplace, h.ID, allow, &e, "turn %s's %s entry %s into an allow"+why), nil
		}
	}
	for _, e := range a.acl.Entries {
		if e.Direction != h.Direction || e.Action != flow.Pass || (!d.Default && e.Number >= d.Entry.Number) {
			continue
		}
		if wider, ok := widenedEntry(e, want); ok {
			return aclChange(ChangeReplace, h.ID, wider, &e, "widen %s's %s entry %s"+why), nil
		}
	}
	n, ok := freeNumber(withPending(a.acl, done), h.Direction, d)
	if !ok {
		return Change{}, fmt.Errorf("%w: %s has no free rule number before its %s entry %d; by hand: %s", ErrNoFix, h.ID, h.Direction, d.Entry.Number, h.Fix)
	}
	want.Number = n
	return aclChange(ChangeAdd, h.ID, want, nil, "add to %s the %s entry %s"+why), nil
}

// aclChange makes the change of acl's entry e (replacing old, when set),
// with its sentence from format (the ACL, the direction, the entry).
func aclChange(action ChangeAction, acl string, e nacl.Entry, old *nacl.Entry, format string) Change {
	c := Change{Action: action, Kind: ResourceNetworkACL, Resource: acl, Direction: e.Direction, Entry: &e, Spec: e.String()}
	what := e.String()
	if old != nil {
		o := *old
		c.OldEntry, c.Replaces, what = &o, o.String(), o.String()+" to "+e.String()
	}
	c.Text = fmt.Sprintf(format, acl, e.Direction, what)
	return c
}

// sameScope reports whether entry e matches exactly the traffic of want:
// the same protocol, ports, ICMP type and code and peer block.
func sameScope(e, want nacl.Entry) bool {
	icmp := want.Protocol == flow.ICMP || want.Protocol == flow.ICMPv6
	return e.Protocol == want.Protocol && e.CIDR == want.CIDR && e.Ports == want.Ports && !e.PortZero &&
		(!icmp || e.ICMPType == want.ICMPType && e.ICMPCode == want.ICMPCode)
}

// widenedEntry returns e with its ports widened to cover want's ports
// (one, or the range a NAT gateway picks from), when e allows the same
// protocol for the same peer block on a range next to them.
func widenedEntry(e, want nacl.Entry) (nacl.Entry, bool) {
	if e.Protocol != want.Protocol || !want.Protocol.HasPorts() || e.CIDR != want.CIDR || e.PortZero || e.Ports == (flow.PortRange{}) {
		return e, false
	}
	r, w := e.Ports, want.Ports
	switch {
	case r.Hi < 65535 && r.Hi+1 == w.Lo:
		r.Hi = max(r.Hi, w.Hi)
	case r.Lo > 0 && w.Hi < 65535 && w.Hi+1 == r.Lo:
		r.Lo = w.Lo
	default:
		return e, false
	}
	e.Ports = r
	return e, true
}

// withPending returns acl with the entries the changes not yet made add
// to it, so that a new entry takes a number none of them has.
func withPending(acl nacl.ACL, pending []Change) nacl.ACL {
	for _, c := range pending {
		if c.Kind == ResourceNetworkACL && c.Resource == acl.ID && c.Action == ChangeAdd && c.Entry != nil {
			acl.Entries = append(slices.Clone(acl.Entries), *c.Entry)
		}
	}
	return acl
}

// freeNumber returns the rule number a new entry of acl in dir takes to
// come before the entry that decided d: the highest free number below
// it; when the "*" rule decided, the first multiple of 10 above every
// entry of the direction (or the highest free number).
func freeNumber(acl nacl.ACL, dir flow.Direction, d nacl.Decision) (int, bool) {
	used := map[int]bool{}
	top := 0
	for _, e := range acl.Entries {
		if e.Direction == dir {
			used[e.Number] = true
			top = max(top, e.Number)
		}
	}
	limit := 32767
	if !d.Default {
		limit = d.Entry.Number
	} else if n := (top/10 + 1) * 10; n < limit && !used[n] {
		return n, true
	}
	for n := limit - 1; n >= 1; n-- {
		if !used[n] {
			return n, true
		}
	}
	return 0, false
}

// openRoute returns the route that sends a packet the blocking route
// table hop h has no route for to the internet gateway of the table's
// VPC: for an address the VPC reaches over the internet, an internet
// host's or a public IPv4 address of the design (an interface's public
// or Elastic IP, a NAT gateway's, an unmodelled resource's: AWS routes
// a packet for it by the table's most specific route, and the internet
// gateway carries it out and back in to its owner). Not for an address
// of a VPC (the local route, or peering, carries it) or a private one,
// nor for the placeholder of a public address known only later, which
// is no address AWS gives.
func (m *Model) openRoute(h Hop) (Change, error) {
	rt := m.rts[h.ID]
	dst := h.Packet.Dst.Addr()
	if rt == nil || rt.vpc.igw == nil || m.vpcAt(dst) != nil || dst.IsPrivate() {
		return Change{}, fmt.Errorf("%w: route table %s has no route for %s, and Fix adds routes to the internet gateway only; by hand: %s", ErrNoFix, h.ID, dst, h.Fix)
	}
	if strings.HasPrefix(m.owners[dst], unknownOwner) {
		what := m.publicPlaceholder(dst)
		if what == "" {
			what = "an address known only later"
		}
		return Change{}, fmt.Errorf("%w: route table %s has no route for %s, the placeholder of %s: AWS never gives %s, and a route for it carries nothing once the address is known; add the route once it is known",
			ErrNoFix, h.ID, dst, textsafe.String(what), dst)
	}
	r := Route{Destination: netip.PrefixFrom(dst, dst.BitLen()), Target: TargetInternetGateway, TargetID: rt.vpc.igw.ID}
	spec := r.Destination.String() + " via " + r.TargetID
	return Change{Action: ChangeAdd, Kind: ResourceRouteTable, Resource: rt.ID, Route: &r, Spec: spec,
		Text: fmt.Sprintf("add to %s the route %s", rt.ID, spec)}, nil
}

// Apply returns a copy of the model with changes made (as [Model.Fix]
// returns them, in order); m is unchanged. A change that names a resource
// the design lacks, or a rule or entry it does not hold, is an error.
func (m *Model) Apply(changes []Change) (*Model, error) {
	var bad error
	next, err := m.patched(func(d *designEdit) {
		for i, c := range changes {
			if err := d.apply(c); err != nil && bad == nil {
				bad = fmt.Errorf("%w: change %d (%s): %w", ErrQuery, i+1, c.Text, err)
			}
		}
	})
	if bad != nil {
		return nil, bad
	}
	return next, err
}

// apply makes one change on the design.
func (d *designEdit) apply(c Change) error {
	switch c.Kind {
	case ResourceSecurityGroup:
		if c.NewGroup {
			d.b.AddSecurityGroup(sg.Group{ID: c.Resource, Name: c.GroupName(), VPCID: c.VPC, Description: "made by reachsim fix",
				Rules: slices.Clone(c.Defaults)})
		}
		g := d.group(c.Resource)
		switch {
		case g == nil:
			return fmt.Errorf("no security group %s", c.Resource)
		case c.Rule == nil:
			return fmt.Errorf("no rule given")
		case c.Action == ChangeAdd:
			g.Rules = append(g.Rules, *c.Rule)
		case c.Action == ChangeReplace || c.Action == ChangeRemove:
			i := slices.IndexFunc(g.Rules, func(r sg.Rule) bool {
				return c.Old != nil && r == *c.Old || c.Old == nil && c.Action == ChangeRemove && r == *c.Rule
			})
			if i < 0 {
				return fmt.Errorf("%s holds no such rule", c.Resource)
			}
			if c.Action == ChangeRemove {
				g.Rules = slices.Delete(g.Rules, i, i+1)
			} else {
				g.Rules[i] = *c.Rule
			}
		}
	case ResourceNetworkACL:
		a := d.acl(c.Resource)
		switch {
		case a == nil:
			return fmt.Errorf("no network ACL %s", c.Resource)
		case c.Entry == nil:
			return fmt.Errorf("no entry given")
		case c.Action == ChangeAdd:
			a.Entries = append(a.Entries, *c.Entry)
		default:
			i := slices.IndexFunc(a.Entries, func(e nacl.Entry) bool { return c.OldEntry != nil && e == *c.OldEntry })
			if i < 0 {
				return fmt.Errorf("%s holds no such entry", c.Resource)
			}
			a.Entries[i] = *c.Entry
		}
	case ResourceRouteTable:
		rt := d.routeTable(c.Resource)
		if rt == nil || c.Route == nil {
			return fmt.Errorf("no route table %s, or no route given", c.Resource)
		}
		rt.Routes = append(rt.Routes, *c.Route)
	case ResourceInterface:
		in := d.iface(c.Resource)
		if in == nil {
			return fmt.Errorf("no network interface %s", c.Resource)
		}
		in.Groups = slices.Clone(c.Groups)
	default:
		return fmt.Errorf("Fix does not change a %s", c.Kind)
	}
	return nil
}

// openReplyRest extends a fix that opened the reply to every client port
// at the network ACLs that cut it (ranged, the hops it opened; none: no
// extension) to the other network ACLs of the reply path (r: q checked
// on out.Patched, reachable). Each of those lets the reply to q's one
// client port ([DefaultSourcePort]) through, yet may cut the replies to
// other ports of replyPorts (the client's subnet's ACL allowing
// 32768-65535 alone, say): the connections from those client ports would
// still fail, though the fix claims the flow for every client. Such an
// ACL gets the entry that lets the rest of replyPorts through, as one
// that cut the reply does, its text naming the entries that cut them;
// the changes are made on out (Changes, Patched, After) and q checked
// again. It returns the hops it opened, for checkReplyPorts.
func (m *Model) openReplyRest(q Query, out *FixResult, r *Result, ranged []Hop) ([]Hop, error) {
	if len(ranged) == 0 {
		return nil, nil
	}
	patched := out.Patched
	var cs []Change
	var opened []Hop
	for i, h := range r.Return {
		if h.Code != "" || !clientRangeHop(q, h, Return) || slices.ContainsFunc(ranged, func(o Hop) bool { return o.ID == h.ID && o.Direction == h.Direction }) {
			continue
		}
		a := patched.acls[h.ID]
		if a == nil || a.ev == nil {
			return nil, fmt.Errorf("%w: network ACL %s is not in the patched design", ErrNoFix, h.ID)
		}
		peers, err := patched.peerBlocks(h.Packet, h.Direction)
		if err != nil {
			return nil, err
		}
		before := len(cs)
		for j, peer := range peers {
			pkt := h.Packet
			if j > 0 {
				pkt = withPeer(pkt, h.Direction, peer)
			}
			if flow.SetOf(replyPorts).Difference(a.ev.AllowedPorts(pkt, h.Direction)).IsEmpty() {
				continue
			}
			why := replyCutText(a, h, pkt)
			hh := h // a hop that passed: the fix by hand, should none fit, is the rest of the range
			hh.Fix = fmt.Sprintf("let %s's %s replies to client ports %d-%d through (an allow entry numbered below the entries that cut them, or those entries narrowed)",
				h.ID, h.Direction, replyPorts.Lo, replyPorts.Hi)
			c, err := patched.openACL(a, hh, pkt, peer, true, append(slices.Clone(out.Changes), cs...))
			if err != nil {
				return nil, fmt.Errorf("%w (the reply to client port %d passes %s, but %s)", err, h.Packet.Dst.Port(), h.ID, why)
			}
			c.Text = strings.TrimSuffix(c.Text, replyPortsText) + replyRestText(h, why)
			c.Leg, c.Hop = Return, i+1
			cs = append(cs, c)
		}
		if len(cs) > before {
			opened = append(opened, h)
		}
	}
	if len(cs) == 0 {
		return nil, nil
	}
	out.Changes = append(out.Changes, cs...)
	next, err := m.Apply(out.Changes)
	if err != nil {
		return nil, err
	}
	r2, err := next.Check(q)
	if err != nil {
		return nil, err
	}
	out.Patched, out.After = next, r2.Outcome
	if r2.Outcome != Reachable {
		return nil, fmt.Errorf("%w: after the entries that let the replies through to every client port, %s is %s", ErrNoFix, queryText(q), r2.Outcome)
	}
	return opened, nil
}

// replyCutText says which entries of network ACL a cut the reply pkt
// (hop h) to which ports of replyPorts, as a trace names the entries:
// "rule * (deny all from 0.0.0.0/0) cuts the replies to client ports
// 1024-32767".
func replyCutText(a *aclInfo, h Hop, pkt flow.Flow) string {
	var order []string
	cut := map[string][]flow.PortRange{}
	for run, d := range a.ev.PortRuns(pkt, h.Direction) {
		lo, hi := max(run.Lo, replyPorts.Lo), min(run.Hi, replyPorts.Hi)
		if lo > hi || d.Verdict == flow.Allow {
			continue
		}
		label := d.Entry.Label()
		what := "rule " + label + " (" + strings.TrimPrefix(d.Entry.String(), label+" ") + ")"
		if _, ok := cut[what]; !ok {
			order = append(order, what)
		}
		cut[what] = append(cut[what], flow.PortRange{Lo: lo, Hi: hi})
	}
	parts := make([]string, 0, len(order))
	for _, what := range order {
		parts = append(parts, what+" cuts the replies to client ports "+flow.SetOf(cut[what]...).String())
	}
	return strings.Join(parts, ", and ")
}

// replyRestText is why a change lets the rest of replyPorts through at
// a network ACL of the reply path that did not cut the query's reply
// (openReplyRest), as its text says it.
func replyRestText(h Hop, why string) string {
	return fmt.Sprintf(" (the reply to client port %d passes %s, but %s; replies go to the client's ephemeral port, picked anew for each connection: "+
		"with this entry the reply path lets them through to all of 1024-65535, which covers every client, as AWS advises)", h.Packet.Dst.Port(), h.ID, why)
}

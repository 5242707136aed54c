package reach

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// ErrNoFix is wrapped by the error [Model.Fix] returns when no change it
// knows how to make gives the wanted answer: a hop whose fix it cannot
// write (a firewall rule, a gateway, a missing route to anything but the
// internet), or an answer the input leaves undecided.
var ErrNoFix = errors.New("no fix")

// ChangeAction is what a [Change] does to its resource.
type ChangeAction string

// The actions of a change.
const (
	ChangeAdd     ChangeAction = "add"     // add a rule, an entry, a route or a group
	ChangeReplace ChangeAction = "replace" // replace a rule or an entry (Old) with another
	ChangeRemove  ChangeAction = "remove"  // remove a rule
)

// Change is one structured edit of a design: the resource, the direction,
// and the rule, entry or route added, replaced or removed. [Model.Fix]
// proposes them and [Model.Apply] makes them; a fix's sentence form is
// Text, and the command line prints each as an AWS CLI command.
type Change struct {
	Action ChangeAction `json:"action"`
	// Kind is the resource's kind, as [Diff] and [Model.Lint] name it:
	// [ResourceSecurityGroup] for a group (its rule, or, with NewGroup, the
	// group itself), [ResourceNetworkACL], [ResourceRouteTable], or
	// [ResourceInterface] for an interface's group list.
	Kind     string `json:"kind"`
	Resource string `json:"resource"`
	// Direction is a rule's or an entry's direction ([Change.HasDirection]).
	// JSON writes it as "inbound" or "outbound" on a change that has one
	// and leaves it out on one that has none (a route, an interface's
	// group list): see [Change.MarshalJSON].
	Direction flow.Direction `json:"direction,omitempty"`
	// Rule is the security group rule added or removed, or the one that
	// replaces Old.
	Rule *sg.Rule `json:"-"`
	// Entry is the network ACL entry added, or the one that replaces
	// OldEntry.
	Entry    *nacl.Entry `json:"-"`
	OldEntry *nacl.Entry `json:"-"`
	// Old is the security group rule Rule replaces.
	Old *sg.Rule `json:"-"`
	// Route is the route added.
	Route *Route `json:"-"`
	// NewGroup is set on the change that creates group Resource, in VPC,
	// holding Rule. AWS gives a group it creates the rules in Defaults
	// (outbound to everywhere, as [sg.New]); the changes after it that
	// Fix makes remove them, so that the group holds only what the fix
	// needs.
	NewGroup bool      `json:"new_group,omitempty"`
	VPC      string    `json:"vpc,omitempty"`
	Defaults []sg.Rule `json:"-"`
	// Groups is an interface's new group list (ResourceInterface).
	Groups []string `json:"groups,omitempty"`
	// Spec is the rule, entry or route in its text form ("tcp 5432 from
	// 10.0.2.20/32", "99 allow tcp 5432 from 10.0.2.20/32", "198.51.100.7/32
	// via igw-1"); Replaces the text of what it replaces.
	Spec     string `json:"spec,omitempty"`
	Replaces string `json:"replaces,omitempty"`
	// Leg and Hop name the hop of the query's trace the change is for
	// (Hop counts from 1), when it is for one. A change for a block on
	// another combination of the choices on the path than the trace shows
	// (the interface an instance of several sends the packet out of, the
	// subnet an appliance-mode attachment sends it through: see
	// [Model.Fix]) has Hop 0, and its Text begins by naming that path.
	Leg Leg `json:"leg"`
	Hop int `json:"hop,omitempty"`
	// Text says the change in a sentence.
	Text string `json:"text"`
}

// GroupName is the name the group a NewGroup change creates is made
// with: Resource, its placeholder ID (AWS picks the real one), without the
// "sg-" prefix, since AWS refuses a group name that starts with "sg-"
// (CreateSecurityGroup's GroupName).
func (c Change) GroupName() string {
	name := c.Resource
	for len(name) >= 3 && strings.EqualFold(name[:3], "sg-") {
		name = name[3:]
	}
	if name == "" {
		return "reachsim"
	}
	return name
}

// HasDirection reports whether the change has a direction: it adds,
// replaces or removes a security group rule or a network ACL entry.
func (c Change) HasDirection() bool {
	return c.Rule != nil || c.Old != nil || c.Entry != nil || c.OldEntry != nil
}

// changeJSON is a Change as JSON writes it: the tagged fields of Change
// in their order, with the direction a string that is left out where a
// change has none (Inbound is Direction's zero value, so omitempty alone
// cannot tell; hopJSON does the same for a hop).
type changeJSON struct {
	Action    ChangeAction `json:"action"`
	Kind      string       `json:"kind"`
	Resource  string       `json:"resource"`
	Direction string       `json:"direction,omitempty"`
	NewGroup  bool         `json:"new_group,omitempty"`
	VPC       string       `json:"vpc,omitempty"`
	Groups    []string     `json:"groups,omitempty"`
	Spec      string       `json:"spec,omitempty"`
	Replaces  string       `json:"replaces,omitempty"`
	Leg       Leg          `json:"leg"`
	Hop       int          `json:"hop,omitempty"`
	Text      string       `json:"text"`
}

// MarshalJSON implements [json.Marshaler]: the change's fields as
// tagged, "direction" on every change that has one ([Change.HasDirection]),
// inbound included.
func (c Change) MarshalJSON() ([]byte, error) {
	j := changeJSON{Action: c.Action, Kind: c.Kind, Resource: c.Resource, NewGroup: c.NewGroup, VPC: c.VPC, Groups: c.Groups,
		Spec: c.Spec, Replaces: c.Replaces, Leg: c.Leg, Hop: c.Hop, Text: c.Text}
	if c.HasDirection() {
		j.Direction = c.Direction.String()
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as Hop.MarshalJSON
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// FixResult is the answer of [Model.Fix]. Its JSON form is part of the
// CLI's stable schema (README, "Verified fixes").
type FixResult struct {
	Query Query `json:"-"`
	// Want is the answer asked for; Before the query's answer on the
	// model, After its answer on the model with Changes made (verified: it
	// is Want).
	Want    Outcome  `json:"want"`
	Before  Outcome  `json:"before"`
	After   Outcome  `json:"after"`
	Changes []Change `json:"changes"`
	// AlsoChanged lists the other sessions whose answer the changes alter,
	// among every session whose path could cross a changed rule, entry or
	// route with the changed traffic (for a route, which carries every
	// protocol: tcp, udp, the ICMP messages filters name or the model
	// treats apart, each protocol a filter names and one for all the
	// others, [SessionChange.Protocols]) (empty when the fix is as narrow as
	// the query): between interfaces' own addresses (and the query's
	// ends, on their other ports and protocols) and internet addresses,
	// the ports compared from the query's client port (where the set
	// questions refuse either model, as they do where a NAT gateway's
	// addresses are told apart, the query's port and the ends of the port
	// ranges the changes name, each by Check). The query's ends are taken
	// as its packet has them: a destination named by its public address
	// is reached over the internet, a session apart from the one to its
	// ID or private address. An appliance that carries internet traffic
	// is compared on an internet address standing for each block routed
	// to it (never one the design holds) and on each public IPv4 address
	// of the design in that block, listed by that address. Addresses of prefixes delegated to an interface are
	// not among them unless the query names one, nor an interface's
	// sessions to itself (as in [Matrix] and [Diff]). When a route sends
	// the NAT64 prefix (64:ff9b::/96) to a NAT gateway or an appliance
	// (which sends the session on as IPv4, from its own address), the
	// NAT64 sessions a change judges once translated are among them, on
	// tcp and udp: to the NAT64 address of an IPv4 internet host an ACL
	// entry, route or security group rule names; to that of each IPv4
	// address (private or public) of the interfaces a rule or entry
	// judges whose peer holds the translator's address (a NAT gateway's
	// private or public one, an appliance's), from every interface with
	// an IPv6 address; to that of an interface's IPv4 address a change
	// names, from the interfaces it judges. A change for a public IPv4 address of the design (another
	// instance's public IP, reached over the internet) is compared on the
	// sessions to that address and on those its owner opens to the public
	// addresses of the interfaces the change judges (whose replies go to
	// it). Every change is compared on its whole scope, each session once:
	// a route after a rule or entry for the same two endpoints adds its
	// other protocols. A change's peer is every address it names: for a
	// rule that references a security group, each member (interface)
	// wearing it; for a prefix list, each of its blocks (the interfaces
	// inside, an internet address standing for the rest, as for a block
	// a rule names). Where the model cannot enumerate them (a group the
	// input does not hold or that an interface whose groups or addresses
	// are known only later may join, a list whose entries it does not
	// hold), the list could miss sessions, and Fix gives an error wrapping
	// [ErrNoFix] that names the group or list instead.
	AlsoChanged []SessionChange `json:"also_changed"`
	// Patched is the model with the changes made.
	Patched *Model `json:"-"`
	// QuotaWarnings says where the changes take a resource above a
	// quota's default value ([Model.QuotaWarnings] of Patched that the
	// model lacks, such as a 21st inbound entry of a network ACL: AWS
	// refuses such a change unless the quota was raised). Fix widens or
	// turns an existing entry or rule where one is as narrow; where none
	// is, the change stands, with the warning.
	QuotaWarnings []QuotaWarning `json:"-"`
	// Warnings is QuotaWarnings as text.
	Warnings []string `json:"warnings,omitempty"`
	// ByHand, for an unreachable want, is the change that stops the
	// session at the destination's Alibaba Cloud groups, which admit it,
	// when Changes stop it elsewhere (a network ACL entry): Fix writes AWS
	// rules only. It was checked on a copy of the model like Changes,
	// and names the other sessions it changes: a drop rule for exactly
	// the query's traffic and peer with a priority number no larger than
	// the accept rule's (at equal priority a drop rule wins), or removing
	// the accept rule; where a basic group's inner access policy Accept
	// admits the session, which comes before every rule, it says so and
	// what to change instead. Empty otherwise.
	ByHand string `json:"by_hand,omitempty"`
}

// SessionChange is a session whose answer a fix alters beside the query's:
// the destination ports (tcp, udp) it gains and loses, and those whose
// answer becomes or stops being indeterminate (a port that was open, or
// might have been, and is closed for certain after is in Lost or
// IndeterminateLost); or, for other protocols, its outcome before and
// after.
type SessionChange struct {
	From     string        `json:"from"`
	To       string        `json:"to"`
	Protocol flow.Protocol `json:"protocol"`
	Gained   flow.PortSet  `json:"gained"`
	Lost     flow.PortSet  `json:"lost"`
	// IndeterminateGained are the ports indeterminate after and not
	// before; IndeterminateLost those indeterminate before and not after.
	IndeterminateGained flow.PortSet `json:"indeterminate_gained"`
	IndeterminateLost   flow.PortSet `json:"indeterminate_lost"`
	// Before and After are the session's outcomes, for a protocol
	// without ports (icmp, icmpv6, other protocol numbers); unset (and
	// left out of the JSON) for tcp and udp: see
	// [SessionChange.MarshalJSON].
	Before Outcome `json:"before"`
	After  Outcome `json:"after"`
	// ICMP is the message compared, for an icmp or icmpv6 session a
	// route change alters (a route carries every message; nil: echo).
	ICMP *ICMPMessage `json:"icmp,omitempty"`
	// Protocols, when not empty, are the protocol numbers Protocol stands
	// for: those no filter of the design names, which every filter and
	// route treats alike (for a route change).
	Protocols flow.Set[uint8] `json:"protocols,omitzero"`
}

// MarshalJSON implements [json.Marshaler]: the session's fields as
// tagged, "before" and "after" on every session of a protocol without
// ports, whatever the outcome ("unreachable", Outcome's zero value,
// included), and never on a tcp or udp one, whose ports say how it
// changed.
func (s SessionChange) MarshalJSON() ([]byte, error) {
	type plain SessionChange // without this method
	j := struct {
		plain
		Before *Outcome `json:"before,omitempty"`
		After  *Outcome `json:"after,omitempty"`
	}{plain: plain(s)}
	if !s.Protocol.HasPorts() {
		j.Before, j.After = &s.Before, &s.After
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as Change.MarshalJSON
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// fixRounds bounds the rounds of a fix: each round fixes every block its
// check shows, and a fixed route can reveal a later hop. Where the path
// forks, the rounds grow by the number of combinations of the fork's
// choices (worldCount): each following round opens one combination.
const fixRounds = 6

// Fix returns the smallest set of changes that makes q's answer want
// ([Reachable] or [Unreachable]), verified by making them on a copy of the
// model and checking q again. The changes are never wider than q: one
// rule or entry for q's protocol, its one destination port (or, for a
// reply to the client's port, q's SrcPort alone when q names one, else
// every port of 1024-65535: a client picks its port anew for each
// connection, and AWS advises that range for the entries that let
// replies through to clients of every kind; every other network ACL of
// the reply path that lets the reply to [DefaultSourcePort] through but
// cuts it to other ports of that range, the client's subnet's, an
// appliance's or a firewall subnet's, gets the entry for the rest too,
// its text naming the entries that cut which ports; Fix then verifies,
// beside the check of q from [DefaultSourcePort], that each such entry's
// ACL lets the reply through to the whole range, or returns an error
// wrapping [ErrNoFix] naming the ports it still cuts) and the peer's one address (for a peer
// whose private address is known only later, its subnet's block, any
// address of which AWS may give it: the change then also judges every
// other interface in that block, and AlsoChanged lists the sessions of
// theirs it alters; for a peer whose public address is known only later,
// an interface's or a NAT gateway's, none: the placeholder the model
// shows, from 240.0.0.0/4, is no address AWS gives, and the address AWS
// gives may be any public one, so Fix returns an error wrapping
// [ErrNoFix] that says so; for an address of a NAT gateway with secondary
// addresses, which sends each connection from an address of its choosing,
// one rule or entry for each of its addresses of that kind, public or
// private, that is not let through yet); a route for the one destination address, to the internet gateway: for an
// internet address or a public IPv4 address of the design (an
// instance's public or Elastic IP, a NAT gateway's), which the VPC
// reaches over the internet, never for an address of a VPC or a private one. An existing rule or entry is changed
// rather than one added when that is as narrow; a security group rule is
// added to a group only the interface uses, outside uses counting (a
// group something the model does not hold wears, declared with
// [Builder.AddUnmodelledGroupUse], is shared: AWS applies its rules to
// that thing's interfaces too, an RDS instance's or a load balancer's)
// (a new group, attached to it,
// when it has none such: made as AWS makes one, with outbound rules to
// everywhere, which the changes remove before attaching it). The answer lists every other session whose
// answer the changes alter ([FixResult.AlsoChanged]); for an unreachable
// want, the change that alters fewest is chosen: the security group
// rules that admit q are removed only when each is no wider than q and
// in a group only the interface uses (outside uses counting, as above),
// else a deny entry goes into a network ACL on the path; where the
// destination's Alibaba Cloud groups admit q, the drop rule (or the
// accept rule's removal) that stops it there, which Fix does not write,
// is given by hand, checked ([FixResult.ByHand], or the error when
// nothing Fix writes stops q). A network ACL that lets
// the reply through to some of the ports a NAT gateway may pick and not
// others ([NATPortUnknown]) gets an entry for the rest. Where the path forks (an
// instance of several interfaces that differ, which may send the packet
// out of any of them; a transit gateway attachment in appliance mode, or
// one whose exit subnet AWS does not name) and
// opening the blocks the trace shows leaves other combinations blocked,
// the answer undecided only because the combinations disagree
// ([ApplianceEgressUnknown], [TGWApplianceZoneUnknown], [TGWExitZoneUnknown]), the following
// rounds open the blocks of each combination still unreachable, one a
// round, until every one reaches (Fix takes six rounds, and one more per
// combination, of which there are at most 64). Hops Fix cannot change
// (firewalls, gateways, routes to anything but the internet gateway) and answers
// the input leaves undecided give an error wrapping [ErrNoFix]. A change
// that takes a resource above a quota's default is listed in
// [FixResult.QuotaWarnings].
func (m *Model) Fix(q Query, want Outcome) (*FixResult, error) {
	if want != Reachable && want != Unreachable {
		return nil, fmt.Errorf("%w: Fix wants reachable or unreachable, not %s", ErrQuery, want)
	}
	r, err := m.Check(q)
	if err != nil {
		return nil, err
	}
	out := &FixResult{Query: q, Want: want, Before: r.Outcome, After: r.Outcome, Patched: m, Changes: []Change{}, AlsoChanged: []SessionChange{}}
	if r.Outcome == want {
		return out, nil
	}
	if want == Unreachable {
		if err := m.fixClose(q, out, r); err != nil {
			return nil, err
		}
	} else {
		if err := m.fixOpen(q, out, r); err != nil {
			return nil, err
		}
		if out.AlsoChanged, err = m.alsoChanged(out.Patched, q, out.Changes); err != nil {
			return nil, err
		}
	}
	out.QuotaWarnings = newQuotaWarnings(m.QuotaWarnings(), out.Patched.QuotaWarnings())
	for _, w := range out.QuotaWarnings {
		out.Warnings = append(out.Warnings, w.String())
	}
	return out, nil
}

// newQuotaWarnings returns the warnings of after that before lacks (a
// resource above a quota it was not above, or further above it).
func newQuotaWarnings(before, after []QuotaWarning) []QuotaWarning {
	var out []QuotaWarning
	for _, w := range after {
		if !slices.ContainsFunc(before, func(b QuotaWarning) bool {
			return b.Kind == w.Kind && b.Resource == w.Resource && b.What == w.What && b.Count >= w.Count
		}) {
			out = append(out, w)
		}
	}
	return out
}

// queryText names q in errors.
func queryText(q Query) string {
	s := q.From + " -> " + q.To + " " + q.Protocol.String()
	if q.Protocol.HasPorts() {
		s += fmt.Sprintf("/%d", q.Port)
	}
	return s
}

// peerBlock returns the address a filter matches pkt on in dir: the
// source of an inbound packet, the destination of an outbound one, as a
// /32 (or /128) block; for the placeholder of a private address known
// only later (unknown.go), the block of its subnet, any address of which
// AWS may pick. For the placeholder of a public address known only later
// (of an interface or a NAT gateway: 240.0.0.0/4, which AWS never gives)
// there is none: the address AWS gives may be any public one, and a rule
// for the placeholder admits none of them; the error (wrapping [ErrNoFix])
// says so.
func (m *Model) peerBlock(pkt flow.Flow, dir flow.Direction) (netip.Prefix, error) {
	a := peerOf(pkt, dir)
	if what := m.publicPlaceholder(a); what != "" {
		return netip.Prefix{}, fmt.Errorf("%w: the peer's address %s is the placeholder of %s, known only later: AWS never gives %s, and the address it will give may be any public one, "+
			"so no rule narrower than every public address admits it; write the rule for the address once it is known (an Elastic IP allocated beforehand is known)",
			ErrNoFix, a, textsafe.String(what), a)
	}
	if strings.HasPrefix(m.owners[a], unknownOwner) {
		var s *subnetInfo
		if ii, ok := m.byPrivate[a]; ok {
			s = ii.subnet
		} else if ni, ok := m.natAddr[a]; ok {
			s = ni.subnet
		}
		if s != nil {
			for _, c := range s.CIDRs {
				if c.Addr().Is6() == a.Is6() && c.Contains(a) {
					return c.Masked(), nil
				}
			}
		}
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// peerBlocks returns the blocks a filter must match for every address
// pkt's peer in dir may have: peerBlock's one, or, for an address of a
// NAT gateway with secondary addresses ([NATGateway].Secondary: it sends
// each connection from an address of its choosing), each of the
// gateway's addresses of that kind, public or private, the primary one
// first (for private ones of which one is known only later, the subnet's
// block). Public ones known only later give an error wrapping [ErrNoFix].
func (m *Model) peerBlocks(pkt flow.Flow, dir flow.Direction) ([]netip.Prefix, error) {
	a := peerOf(pkt, dir)
	ni := m.natAddr[a]
	if ni == nil || ni.addrs == nil {
		p, err := m.peerBlock(pkt, dir)
		return []netip.Prefix{p}, err
	}
	na := ni.addrs
	as, open := na.privs, na.privOpen
	if _, public := ni.privateFor(a); public {
		as, open = na.pubs, na.pubOpen
		if !open.IsEmpty() {
			return nil, fmt.Errorf("%w: NAT gateway %s sends each connection from one of its public addresses (%s): any public address could be one",
				ErrNoFix, ni.ID, textsafe.String(na.pubWhat))
		}
	}
	if !open.IsEmpty() {
		return open.Prefixes(), nil
	}
	out := []netip.Prefix{netip.PrefixFrom(a, a.BitLen())}
	for _, b := range slices.SortedFunc(slices.Values(as), netip.Addr.Compare) {
		if b != a {
			out = append(out, netip.PrefixFrom(b, b.BitLen()))
		}
	}
	return out, nil
}

// publicPlaceholder names the public address known only later whose
// placeholder a is (an interface's [Interface.PublicIPUnknown], a NAT
// gateway's [NATGateway.PublicIPUnknown]), or "" when a is none.
func (m *Model) publicPlaceholder(a netip.Addr) string {
	if !strings.HasPrefix(m.owners[a], unknownOwner) {
		return ""
	}
	if ii := m.byPublic[a]; ii != nil && ii.publicUnknown != "" && ii.PublicIP == a {
		return ii.publicUnknown
	}
	if ni := m.natAddr[a]; ni != nil && ni.PublicIPUnknown != "" && ni.PublicIP == a {
		return ni.PublicIPUnknown
	}
	return ""
}

// trafficOf returns the protocol, destination port and ICMP type and code
// of pkt as a rule names them: the one port, or the one type and code.
func trafficOf(pkt flow.Flow) (p flow.Protocol, ports flow.PortRange, icmpType, icmpCode int16) {
	p, icmpType, icmpCode = pkt.Protocol, -1, -1
	switch {
	case p.HasPorts():
		ports = flow.Single(pkt.Dst.Port())
	case p == flow.ICMP || p == flow.ICMPv6:
		icmpType, icmpCode = int16(pkt.ICMPType), int16(pkt.ICMPCode)
	}
	return p, ports, icmpType, icmpCode
}

// ifaceAt returns the interface whose groups judged the security group
// hop h: the one the hop names (an appliance's groups judge packets
// addressed to others), else by address: the destination's for an
// inbound packet, the source's for an outbound one.
func (m *Model) ifaceAt(h Hop) *ifaceInfo {
	for _, ii := range m.ifaceOrder {
		if h.Name != "" && ii.name == h.Name && ii.groupList == h.ID {
			return ii
		}
	}
	a := h.Packet.Src.Addr()
	if h.Direction == flow.Inbound {
		a = h.Packet.Dst.Addr()
	}
	ii, _ := m.ifaceByAddr(a)
	return ii
}

// openGroups returns the changes that let the packet of the blocking
// security group hop h through: a rule for it in a group only the
// interface uses (widening a rule there for the same peer when one is
// adjacent), else in a new group attached to the interface; one rule for
// each address the peer may send from (peerBlocks) that the groups do
// not allow yet.
func (m *Model) openGroups(h Hop, done []Change) ([]Change, error) {
	ii := m.ifaceAt(h)
	if ii == nil || ii.GroupsUnknown != "" {
		return nil, fmt.Errorf("%w: the security groups %s: no interface of the design to change", ErrNoFix, h.ID)
	}
	if g := m.groups[firstOr(ii.Groups)]; g != nil && g.Flavour.IsAlibaba() {
		return nil, fmt.Errorf("%w: %s's Alibaba Cloud groups: Fix writes AWS rules only; by hand: %s", ErrNoFix, ii.label(), h.Fix)
	}
	peers, err := m.peerBlocks(h.Packet, h.Direction)
	if err != nil {
		return nil, err
	}
	var out []Change
	for i, peer := range peers {
		if i > 0 && ii.sg != nil && ii.sg.normal.Evaluate(withPeer(h.Packet, h.Direction, peer), h.Direction).Verdict == flow.Allow {
			continue // another address the peer may send from, allowed already
		}
		proto, ports, it, ic := trafficOf(h.Packet)
		rule := sg.Rule{Direction: h.Direction, Protocol: proto, Ports: ports, ICMPType: it, ICMPCode: ic,
			Peer: sg.Peer{Kind: sg.PeerCIDR, CIDR: peer}, Description: "reachsim fix"}
		cs, err := m.openGroupsFor(h, ii, rule, append(slices.Clone(done), out...))
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// peerOf returns the address a filter matches pkt on in dir: the source
// of an inbound packet, the destination of an outbound one.
func peerOf(pkt flow.Flow, dir flow.Direction) netip.Addr {
	if dir == flow.Outbound {
		return pkt.Dst.Addr()
	}
	return pkt.Src.Addr()
}

// withPeer returns pkt with its peer in dir (the source of an inbound
// packet, the destination of an outbound one) the first address of peer.
func withPeer(pkt flow.Flow, dir flow.Direction, peer netip.Prefix) flow.Flow {
	if dir == flow.Outbound {
		pkt.Dst = netip.AddrPortFrom(peer.Addr(), pkt.Dst.Port())
	} else {
		pkt.Src = netip.AddrPortFrom(peer.Addr(), pkt.Src.Port())
	}
	return pkt
}

// openGroupsFor returns the changes that add rule to interface ii's
// groups, for the hop h: into a group only ii uses (onlyMember: nothing
// outside the model either), else a new group (made by a change of done
// already, or by these).
func (m *Model) openGroupsFor(h Hop, ii *ifaceInfo, rule sg.Rule, done []Change) ([]Change, error) {
	for _, gid := range ii.Groups {
		if !m.onlyMember(gid, ii) {
			continue
		}
		g := m.groups[gid]
		for _, old := range g.Rules {
			if wide, ok := widened(old, rule); ok {
				return []Change{{Action: ChangeReplace, Kind: ResourceSecurityGroup, Resource: gid, Direction: h.Direction,
					Rule: &wide, Old: &old, Spec: sgRuleText(wide), Replaces: sgRuleText(old), // old: a copy, not the model's
					Text: fmt.Sprintf("widen %s's %s rule %s to %s", gid, h.Direction, sgRuleText(old), sgRuleText(wide))}}, nil
			}
		}
		return []Change{{Action: ChangeAdd, Kind: ResourceSecurityGroup, Resource: gid, Direction: h.Direction, Rule: &rule,
			Spec: sgRuleText(rule), Text: fmt.Sprintf("add to %s (used by %s alone) the %s rule %s", gid, ii.label(), h.Direction, sgRuleText(rule))}}, nil
	}
	// no group of its own: one made for it, unless an earlier change of
	// this fix made it already
	gid := "sg-reachsim-" + ii.ID
	for _, c := range done {
		if c.NewGroup && c.Resource == gid {
			return []Change{{Action: ChangeAdd, Kind: ResourceSecurityGroup, Resource: gid, Direction: h.Direction, Rule: &rule,
				Spec: sgRuleText(rule), Text: fmt.Sprintf("add to %s the %s rule %s", gid, h.Direction, sgRuleText(rule))}}, nil
		}
	}
	if len(ii.Groups) >= quotas.groupsPerInterface.Default {
		return nil, fmt.Errorf("%w: %s has %d security groups, none its own, and no room for one more (quota %d); by hand: %s",
			ErrNoFix, ii.label(), len(ii.Groups), quotas.groupsPerInterface.Default, h.Fix)
	}
	groups := append(slices.Clone(ii.Groups), gid)
	defaults := sg.New(gid, "", ii.subnet.VPC, m.vpcHasIPv6(ii.subnet.VPC)).Rules
	out := []Change{{Action: ChangeAdd, Kind: ResourceSecurityGroup, Resource: gid, NewGroup: true, VPC: ii.subnet.VPC, Defaults: defaults,
		Direction: h.Direction, Rule: &rule, Spec: sgRuleText(rule),
		Text: fmt.Sprintf("create security group %s in %s with the %s rule %s (%s)", gid, ii.subnet.VPC, h.Direction, sgRuleText(rule), m.sharedText(ii))}}
	for _, r := range defaults { // removed before the group is attached
		out = append(out, Change{Action: ChangeRemove, Kind: ResourceSecurityGroup, Resource: gid, Direction: r.Direction, Rule: &r, Spec: sgRuleText(r),
			Text: fmt.Sprintf("remove from %s the %s rule %s that AWS gives a new group", gid, r.Direction, sgRuleText(r))})
	}
	return append(out, Change{Action: ChangeReplace, Kind: ResourceInterface, Resource: ii.ID, Groups: groups,
		Spec: strings.Join(groups, ","), Replaces: strings.Join(ii.Groups, ","), Text: fmt.Sprintf("attach %s to %s", gid, ii.label())}), nil
}

// vpcHasIPv6 reports whether VPC id has an IPv6 block: AWS then gives a
// group made in it an outbound rule to ::/0 as well ([sg.New]).
func (m *Model) vpcHasIPv6(id string) bool {
	v := m.vpcs[id]
	return v != nil && slices.ContainsFunc(v.CIDRs, func(p netip.Prefix) bool { return p.Addr().Is6() })
}

// sharedText says why no group of ii is its own: every one is shared,
// naming, for each group something outside the model uses, what uses it.
func (m *Model) sharedText(ii *ifaceInfo) string {
	s := "every group of " + ii.label() + " is shared"
	for _, gid := range ii.Groups {
		if who := m.usedOutside[gid]; len(who) > 0 {
			s += "; " + strings.Join(who, ", ") + " uses " + gid + " too, outside the model"
		}
	}
	if other := m.maybeWearer(ii); other != nil {
		s += "; " + other.label() + "'s groups are known only later (" + other.GroupsUnknown + "): it may wear any of them"
	}
	return s
}

// maybeWearer returns an interface other than ii whose groups are known
// only later ([Interface.GroupsUnknown]), if the model has one: it may
// wear any group, so no group is ii's alone for certain. Nil when none.
func (m *Model) maybeWearer(ii *ifaceInfo) *ifaceInfo {
	if m.groupsUnknownN == 0 {
		return nil
	}
	for _, other := range m.ifaceOrder {
		if other != ii && other.GroupsUnknown != "" {
			return other
		}
	}
	return nil
}

func firstOr(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

// onlyMember reports whether ii is the only user of group gid: the only
// interface it is attached to, no other interface's groups are known only
// later (maybeWearer), and nothing the model does not hold uses it
// ([Builder.AddUnmodelledGroupUse]: an RDS instance's, a load balancer's
// or a Lambda function's interface). AWS applies a group's
// rules to every network interface that wears it, so a rule added to or
// removed from a group something outside the model uses opens or closes
// the same traffic to that too, which no session the model compares shows.
func (m *Model) onlyMember(gid string, ii *ifaceInfo) bool {
	if len(m.usedOutside[gid]) > 0 || m.maybeWearer(ii) != nil {
		return false
	}
	for a, in := range m.members[gid] {
		if in && m.byPrivate[a] != ii {
			return false
		}
	}
	return true
}

// widened returns old with its ports widened to cover add's, when old is
// a rule for the same direction, protocol and peer block whose port range
// is next to add's one port: the same traffic as adding add, in one rule.
func widened(old, add sg.Rule) (sg.Rule, bool) {
	if old.Direction != add.Direction || old.Protocol != add.Protocol || !add.Protocol.HasPorts() ||
		old.Peer.Kind != sg.PeerCIDR || old.Peer.CIDR != add.Peer.CIDR || old.PortZero || old.Ports == (flow.PortRange{}) {
		return old, false
	}
	ports, ok := widenedBy(old.Ports, add.Ports.Lo)
	if !ok {
		return old, false
	}
	old.Ports, old.ID = ports, "" // AWS gives the new rule its own ID
	return old, true
}

// widenedBy returns r widened to cover port p, when p is just above or
// just below it.
func widenedBy(r flow.PortRange, p uint16) (flow.PortRange, bool) {
	switch {
	case r.Hi < 65535 && r.Hi+1 == p:
		r.Hi = p
	case r.Lo > 0 && r.Lo-1 == p:
		r.Lo = p
	default:
		return r, false
	}
	return r, true
}

// sgRuleText writes an AWS security group rule as the text forms do:
// "tcp 5432 from 10.0.2.20/32".
func sgRuleText(r sg.Rule) string {
	var b strings.Builder
	b.WriteString(protoWord(r.Protocol))
	switch {
	case r.Protocol.HasPorts() && r.PortZero:
		b.WriteString(" 0")
	case r.Protocol.HasPorts():
		b.WriteString(" " + r.Ports.String())
	case (r.Protocol == flow.ICMP || r.Protocol == flow.ICMPv6) && r.ICMPType >= 0:
		fmt.Fprintf(&b, " type %d", r.ICMPType)
		if r.ICMPCode >= 0 {
			fmt.Fprintf(&b, " code %d", r.ICMPCode)
		}
	}
	word := " from "
	if r.Direction == flow.Outbound {
		word = " to "
	}
	b.WriteString(word + r.Peer.String())
	return b.String()
}

// protoWord names a protocol as rules write it.
func protoWord(p flow.Protocol) string {
	if p == flow.AllProtocols {
		return "all"
	}
	return p.String()
}

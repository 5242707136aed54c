package reach

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Leg is which way a packet of the session travels: the request from the
// source to the destination, or the reply coming back.
type Leg uint8

// The two legs.
const (
	Forward Leg = iota
	Return
)

// String returns "forward" or "return".
func (l Leg) String() string {
	if l == Return {
		return "return"
	}
	return "forward"
}

// MarshalText implements [encoding.TextMarshaler].
func (l Leg) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// Kind is the kind of component a hop is.
type Kind string

// The kinds of component on a path.
const (
	KindSecurityGroups  Kind = "security-groups" // the groups of one interface, judged together
	KindNetworkACL      Kind = "network-acl"
	KindRouteTable      Kind = "route-table"
	KindInternetGateway Kind = "internet-gateway"
	KindNATGateway      Kind = "nat-gateway"
	KindFirewall        Kind = "network-firewall"
	KindInterface       Kind = "network-interface"
	KindInternet        Kind = "internet"
)

// Code names why a hop blocks a packet, in the spirit of AWS Reachability
// Analyzer's explanation codes. A code on the return leg carries the
// prefix "RETURN_" (RETURN_ACL_DENY is a network ACL that drops the reply).
type Code string

// The explanation codes. See the README's table for what each means and
// what fixes it.
const (
	// SGNoAllow: no rule of the interface's security groups allows the
	// packet (AWS), in the direction of the hop.
	SGNoAllow Code = "SG_NO_ALLOW"
	// SGDeny: an Alibaba Cloud security group drops the packet (a drop rule,
	// a default deny or member isolation).
	SGDeny Code = "SG_DENY"
	// ACLDeny: a numbered network ACL entry denies the packet.
	ACLDeny Code = "ACL_DENY"
	// ACLDefaultDeny: no numbered entry matched; the final * entry denies.
	ACLDefaultDeny Code = "ACL_DEFAULT_DENY"
	// NoRoute: the route table has no route for the destination.
	NoRoute Code = "NO_ROUTE"
	// BlackholeRoute: the matching route's target no longer exists.
	BlackholeRoute Code = "BLACKHOLE_ROUTE"
	// NoInternetGateway: the VPC has no internet gateway for traffic to or
	// from the internet.
	NoInternetGateway Code = "NO_INTERNET_GATEWAY"
	// NoPublicIP: traffic to or from the internet needs a public IPv4
	// address on the interface (or a NAT gateway), and there is none.
	NoPublicIP Code = "NO_PUBLIC_IP"
	// NATNoInbound: a NAT gateway does not accept connections from outside.
	NATNoInbound Code = "NAT_NO_INBOUND"
	// PrivateAddressOnInternet: a packet leaves through an internet
	// gateway toward a private address the internet does not route.
	PrivateAddressOnInternet Code = "PRIVATE_ADDRESS_ON_INTERNET"
	// UnknownDestination: the route leads into the VPC, but no interface
	// or gateway there has the destination address.
	UnknownDestination Code = "UNKNOWN_DESTINATION"
	// RoutingLoop: the packet comes back unchanged to a route table or a
	// middlebox it has passed on the same leg, so it would go round that
	// cycle forever. Reported once, where the cycle closes, naming the
	// cycle in order (the route tables and the middleboxes between them);
	// the leg ends there. Fix: change a route of a table on the cycle.
	RoutingLoop Code = "ROUTING_LOOP"
	// FirewallDrop: an AWS Network Firewall rule or default action drops
	// (or rejects) the packet.
	FirewallDrop Code = "FIREWALL_DROP"
	// FirewallIndeterminate: the firewall's decision depends on something
	// a flow does not describe (payload content, say).
	FirewallIndeterminate Code = "FIREWALL_INDETERMINATE"
	// AsymmetricRoute: the request crosses a firewall endpoint that the
	// reply does not (or the other way round); the firewall has no state
	// for the half it sees and drops it.
	AsymmetricRoute Code = "ASYMMETRIC_ROUTE"
)

// Codes lists every explanation code without the RETURN_ prefix, for
// documentation and tests.
var Codes = []Code{SGNoAllow, SGDeny, ACLDeny, ACLDefaultDeny, NoRoute, BlackholeRoute, NoInternetGateway,
	NoPublicIP, NATNoInbound, PrivateAddressOnInternet, UnknownDestination, RoutingLoop, FirewallDrop,
	FirewallIndeterminate, AsymmetricRoute,
	AlibabaPort25Blocked}

// OnLeg returns c as it is reported on leg l: on the return leg with the
// prefix "RETURN_" (ACLDefaultDeny becomes RETURN_ACL_DEFAULT_DENY), except
// AsymmetricRoute, which concerns both legs, and a code that has the
// prefix already.
func (c Code) OnLeg(l Leg) Code {
	if l == Return && c != "" && c != AsymmetricRoute && !strings.HasPrefix(string(c), "RETURN_") {
		return "RETURN_" + c
	}
	return c
}

// Hop is one step of a path: a component the packet meets, what it did
// with it, and why.
type Hop struct {
	Leg  Leg    `json:"leg"`
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Direction is the direction the filter judged the packet in, for
	// security groups and network ACLs ([Hop.HasDirection]); other
	// components have none and leave it zero. JSON writes it as "inbound"
	// or "outbound", and leaves it out where there is none.
	Direction flow.Direction `json:"direction,omitempty"`
	// Packet is the packet as it reaches the hop (after any address
	// translation before it).
	Packet  flow.Flow    `json:"packet"`
	Verdict flow.Verdict `json:"verdict"`
	// Rule is the rule that decided: an SG rule, an ACL entry, a route, a
	// firewall rule; "" when a default decided.
	Rule string `json:"rule,omitempty"`
	// Reason says in a sentence what happened and why.
	Reason string `json:"reason"`
	// Details lists supporting facts for the trace: per-group reasons, ACL
	// entries passed over, firewall alerts.
	Details []string `json:"details,omitempty"`
	// Code is set when the hop blocks (or cannot decide about) the packet.
	Code Code `json:"code,omitempty"`
	// Fix says what would make the hop pass, when it blocks.
	Fix string `json:"fix,omitempty"`
}

// Blocked reports whether the hop stops the packet.
func (h Hop) Blocked() bool { return h.Code != "" }

// HasDirection reports whether the hop is a filter that judges a packet
// in a direction (security groups, network ACLs), so that its Direction
// means something.
func (h Hop) HasDirection() bool { return h.Kind == KindSecurityGroups || h.Kind == KindNetworkACL }

// hopJSON is a Hop as JSON writes it: the fields of Hop in order, with the
// direction a string that is left out where a hop has none (Inbound is
// Direction's zero value, so omitempty alone cannot tell).
type hopJSON struct {
	Leg       Leg          `json:"leg"`
	Kind      Kind         `json:"kind"`
	ID        string       `json:"id"`
	Name      string       `json:"name,omitempty"`
	Direction string       `json:"direction,omitempty"`
	Packet    flow.Flow    `json:"packet"`
	Verdict   flow.Verdict `json:"verdict"`
	Rule      string       `json:"rule,omitempty"`
	Reason    string       `json:"reason"`
	Details   []string     `json:"details,omitempty"`
	Code      Code         `json:"code,omitempty"`
	Fix       string       `json:"fix,omitempty"`
}

// MarshalJSON implements [json.Marshaler]: the hop's fields as tagged,
// "direction" only on a hop that has one ([Hop.HasDirection]).
func (h Hop) MarshalJSON() ([]byte, error) {
	j := hopJSON{Leg: h.Leg, Kind: h.Kind, ID: h.ID, Name: h.Name, Packet: h.Packet, Verdict: h.Verdict,
		Rule: h.Rule, Reason: h.Reason, Details: h.Details, Code: h.Code, Fix: h.Fix}
	if h.HasDirection() {
		j.Direction = h.Direction.String()
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // flows read "->"
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Block points at a blocking hop of a [Result].
type Block struct {
	Leg Leg `json:"leg"`
	// Hop is the blocking hop's number on its leg, counting from 1 as the
	// trace does: the hop is Forward[Hop-1] or Return[Hop-1].
	Hop  int    `json:"hop"`
	Code Code   `json:"code"`
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	Fix  string `json:"fix,omitempty"`
}

// Result is the answer to one query: whether the session works, the hops
// of the request and of the reply in order, and every blocking point, not
// just the first (evaluation goes on past a block as if it were lifted,
// where the path beyond it is known).
type Result struct {
	From      string    `json:"from"` // the source as the query named it, with what it resolved to
	To        string    `json:"to"`
	Flow      flow.Flow `json:"flow"` // the request as the source sends it
	Reachable bool      `json:"reachable"`
	Forward   []Hop     `json:"forward"`
	Return    []Hop     `json:"return"`
	Blocks    []Block   `json:"blocks"`
	Warnings  []string  `json:"warnings,omitempty"`
}

// First returns the first blocking point, forward before return, and
// whether there is one.
func (r *Result) First() (Block, bool) {
	if len(r.Blocks) == 0 {
		return Block{}, false
	}
	return r.Blocks[0], true
}

// Codes returns the codes of every blocking point in order.
func (r *Result) Codes() []Code {
	out := make([]Code, len(r.Blocks))
	for i, b := range r.Blocks {
		out[i] = b.Code
	}
	return out
}

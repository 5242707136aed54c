package reach

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// DefaultSourcePort is the client port a query uses when it names none:
// inside every modern ephemeral range (Linux 32768–60999, Windows
// 49152–65535, NAT gateways and load balancers 1024–65535).
const DefaultSourcePort = 50000

// ErrQuery is wrapped by the errors of [Model.Check] and [Model.CheckFlow]
// about the question itself: a field it misses (no protocol, no
// destination port), a field that does not fit the protocol (a port on
// icmp), an endpoint that names nothing, a family an interface lacks, an
// interface asked about a packet to its own private address.
var ErrQuery = errors.New("invalid query")

// Query asks whether a session from one endpoint to another works.
//
// From and To name an endpoint: a network interface ID (eni-…), an
// instance ID (i-…, its first interface), an interface's Name tag (one
// on several interfaces is ambiguous unless they are all one instance's:
// it then names the first of them; the
// same names of a network interface a loader leaves out, declared
// beside its addresses, name it too: [LeftOutNames]), or an IP
// address — a private or public address in the design means its
// interface, an address inside a VPC's CIDR blocks that nothing holds is
// an unknown destination (the walk reports [UnknownDestination] and the
// query cannot start there), the Amazon DNS server's and the instance
// services' addresses are those services, one a resource the model leaves
// out holds is undecided ([UnmodelledDestination]), any other address the
// internet does not route (a private one: on premises, say) is a host
// outside the design, never an internet host (as a source, it may reach
// the design privately, through what the design does not model: see the
// package doc), and any other address is a host on the internet (but as
// a source whose way back from the destination ends at what the design
// does not model, a virtual private gateway say, it most likely sends
// privately by that way, as a private host may: see the package doc).
//
// From and To must not be the same interface with the packet addressed
// to one of its own private addresses (IPv4 or IPv6, or of a prefix
// delegated to it; the interface named twice is such a query): an
// operating system delivers a packet to its own address inside the host
// (Linux's local routing table and lo, Windows likewise), so it never
// reaches the network interface and no security group, network ACL,
// route or firewall decides it. [Model.Check] rejects such a query with
// an error wrapping [ErrQuery] that says so. A query to the interface's
// own public IPv4 address goes out through the internet gateway and back
// in, and is walked as any other; two interfaces of one instance are two
// endpoints.
//
// A query must be whole: [Model.Check] rejects, with an error wrapping
// [ErrQuery] that names the missing field, a query without a Protocol, a
// tcp or udp query without a Port, a port on any other protocol, an ICMP
// message on a protocol other than icmp and icmpv6, and a Domain on a
// protocol other than tcp. So a forgotten field never turns into a
// question nobody meant to ask (and a test of it never passes vacuously).
type Query struct {
	From, To string
	// Protocol is the session's protocol: flow.TCP, flow.UDP, flow.ICMP,
	// flow.ICMPv6 or any protocol number from 1 to 255. It is required:
	// the zero value, protocol 0 (HOPOPT, an IPv6 extension header rather
	// than a session's protocol), is reported as missing.
	Protocol flow.Protocol
	// Port is the destination port, required for tcp and udp (1–65535);
	// other protocols have no ports and must leave it 0.
	Port uint16
	// SrcPort is the source port for tcp and udp; 0 means
	// [DefaultSourcePort] (and [Model.Fix] then opens a reply a network
	// ACL cuts to every client port of 1024-65535, which a client picks
	// its port from anew for each connection, not to 50000 alone). Other
	// protocols must leave it 0.
	SrcPort uint16
	// ICMP is the message an icmp or icmpv6 query sends; nil means an echo
	// request (type 8 code 0, or 128 code 0 for icmpv6), the usual opening
	// packet. Any type can be asked, echo reply (0) included:
	// &reach.ICMPMessage{Type: 0}. An error message
	// ([flow.Flow.IsICMPError]: destination unreachable, time exceeded,
	// ...) has no reply: its answer is whether it arrives, judged by the
	// filters' rules on its way (an error message about a session a
	// filter tracks, which it lets through as related traffic, is out of
	// scope), and the Result traces no return leg; through a NAT gateway
	// it is undecided ([NATICMPErrorUnknown]: whether the gateway translates an
	// error message of no session it tracks is not documented). Other
	// protocols must leave it nil.
	ICMP *ICMPMessage
	// Domain is the TLS SNI or HTTP Host the connection asks for, for the
	// firewall's domain rules; tcp only. Empty, the name is not known:
	// where a firewall's domain rule (tls.sni, http.host, a domain list)
	// could decide, the hop is undecided, naming the domain as missing
	// (firewall.MissingDomain), unless every name gives the same answer.
	// It says the client speaks TLS or
	// HTTP: on a port the firewall takes for neither (its port table,
	// DefaultAppProto in package firewall/stateful), the firewall judges the session both
	// ways, and where they differ its hop is undecided, naming the
	// application protocol as what is missing.
	Domain string
	// App is the application protocol the session speaks, for the
	// firewall's application-layer rules (tls, http, ssh, ...: Suricata
	// tells it by content, not port); tcp and udp only, and tls, http or
	// http2 beside a Domain. flow.AppUnset lets the firewall guess it
	// from the destination port (DefaultAppProto in package
	// firewall/stateful: tcp/443 is tls, an unlisted port none), a stated
	// limit: name it for a service on another port (ssh on 2222).
	App flow.App
	// IPv6 picks the interfaces' IPv6 addresses when neither endpoint is
	// given as an address (addresses decide the family themselves).
	IPv6 bool
}

// ICMPMessage is the type and code of an ICMP (or ICMPv6) message a
// [Query] sends.
type ICMPMessage struct {
	Type, Code uint8
}

// validate reports the first field q misses or has in excess.
func (q Query) validate() error {
	p := q.Protocol
	switch {
	case p == 0:
		return fmt.Errorf("%w: no protocol: set Protocol (tcp, udp, icmp, icmpv6 or a protocol number from 1 to 255)", ErrQuery)
	case !p.IsConcrete():
		return fmt.Errorf("%w: protocol %s: a session has one protocol (tcp, udp, icmp, icmpv6 or a number from 1 to 255)", ErrQuery, p)
	case p.HasPorts() && q.Port == 0:
		return fmt.Errorf("%w: no destination port: a %s query needs Port (1-65535)", ErrQuery, p)
	case !p.HasPorts() && (q.Port != 0 || q.SrcPort != 0):
		return fmt.Errorf("%w: %s has no ports, but Port %d and SrcPort %d are set; ports are for tcp and udp", ErrQuery, p, q.Port, q.SrcPort)
	case !p.IsICMP() && q.ICMP != nil:
		return fmt.Errorf("%w: %s has no ICMP type and code, but ICMP is set; it is for icmp and icmpv6", ErrQuery, p)
	case p != flow.TCP && q.Domain != "":
		return fmt.Errorf("%w: domain %q: the TLS SNI or HTTP Host is carried by tcp, not %s", ErrQuery, q.Domain, p)
	}
	return checkApp(p, q.App, q.Domain)
}

// checkApp reports why a session of protocol p with domain d cannot
// speak app: p carries none, p is a transport app does not run over
// ([flow.App.RunsOver]), or d is set and app is not tls, http or http2.
func checkApp(p flow.Protocol, app flow.App, d string) error {
	switch {
	case app == flow.AppUnset:
		return nil
	case !app.IsValid():
		return fmt.Errorf("%w: application protocol %d: want one of %s", ErrQuery, uint8(app), strings.Join(flow.Apps(), ", "))
	case !p.HasPorts():
		return fmt.Errorf("%w: app %s: an application protocol is carried by tcp or udp, not %s", ErrQuery, app, p)
	case !app.RunsOver(p):
		return fmt.Errorf("%w: app %s runs over %s only (Suricata's %s parser), not %s", ErrQuery, app, app.TransportWords(), app, p)
	case d != "" && app != flow.AppTLS && app != flow.AppHTTP && app != flow.AppHTTP2:
		return fmt.Errorf("%w: app %s with domain %q: a domain is a TLS SNI or an HTTP Host; want app tls, http or http2", ErrQuery, app, d)
	}
	return nil
}

// validateFlow reports what a flow given to [Model.CheckFlow] lacks that
// [flow.Flow.Validate] lets pass: the holes a Flow literal with a
// forgotten field would fall into.
func validateFlow(f flow.Flow) error {
	switch {
	case f.Protocol == 0:
		return fmt.Errorf("%w: %s: protocol 0 (HOPOPT) is no session's protocol; is Protocol unset?", ErrQuery, f)
	case f.Protocol.HasPorts() && (f.Src.Port() == 0 || f.Dst.Port() == 0):
		return fmt.Errorf("%w: %s: port 0 is reserved and opens no session; is a port unset?", ErrQuery, f)
	case f.Protocol != flow.TCP && f.Domain != "":
		return fmt.Errorf("%w: %s: the TLS SNI or HTTP Host is carried by tcp, not %s", ErrQuery, f, f.Protocol)
	}
	return checkApp(f.Protocol, f.App, f.Domain)
}

// endpoint is a resolved query end.
type endpoint struct {
	iface *ifaceInfo // nil for a host on the internet
	nat   *natInfo   // a NAT gateway's address (as a destination only)
	addr  netip.Addr // the address given, if the query gave one
	// vpc is the VPC whose CIDR holds addr when no interface or gateway
	// of the design has it: an unknown destination, not an internet host.
	vpc *vpcInfo
	// inst is the instance ID the query named, for an instance's interface
	inst string
	// dns: addr is an Amazon DNS server's (amazondns.go); vpc is the VPC
	// whose base-plus-two address it is, nil for the addresses every VPC
	// shares
	dns bool
	// local: addr is a service of the source instance's own host (IMDS,
	// Time Sync: instanceservice.go)
	local bool
	// unmod: addr is held by what the design does not model (vpc is its
	// VPC; unmodelled.go)
	unmod *unmodelledInfo
	// leftOut is the network interface left out of the model that the
	// query named (by named: an ID or Name tag), before pinLeftOut picks
	// its address (leftout_names.go)
	leftOut *leftOutIface
	named   string
	// hostless: addr is the public address of an interface that
	// delivers to no host (a stopped instance's Elastic IP:
	// leftout_internet.go)
	hostless *HostlessAddress
}

// nameRef is what one word of a query names: an interface by its ID, an
// instance's interfaces (the first answers), or the interfaces with that
// Name tag (one answers; several are an ambiguity).
type nameRef struct {
	kind   nameKind
	ifaces []*ifaceInfo
}

// nameKind is what kind of name a nameRef holds; none for a word the
// design does not name.
type nameKind uint8

const (
	nameNone nameKind = iota
	nameTag
	nameInstance
	nameID
)

// indexed returns, sorted, the IDs of the interfaces that are spec with an
// index ("aws_instance.web[0]", `aws_instance.web["blue"]`): a Terraform
// address of a resource with count or for_each names its instances so.
func (m *Model) indexed(spec string) []string {
	var out []string
	for id := range m.ifaces {
		if len(id) > len(spec)+2 && strings.HasPrefix(id, spec) && id[len(spec)] == '[' && id[len(id)-1] == ']' {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// parseAddr parses spec as an address when it has the dot or colon every
// address has (a failed parse of an ID or a name costs an error value).
func parseAddr(spec string) (netip.Addr, bool) {
	if !hasDotOrColon(spec) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(spec)
	return a, err == nil
}

// hasDotOrColon is strings.ContainsAny(s, ".:") as a plain loop, which
// is cheaper than the general search for a short name.
func hasDotOrColon(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' || s[i] == ':' {
			return true
		}
	}
	return false
}

// label names the endpoint for people, as a Result's From and To do: the
// interface ("web-1 (eni-0abc)", with the address the query gave, or
// after the instance ID it gave), or the address and what it is.
func (e endpoint) label() string {
	switch {
	case e.iface != nil && e.addr.IsValid():
		return e.iface.label() + " [" + e.addr.String() + "]"
	case e.iface != nil && e.inst != "":
		return e.inst + " " + e.iface.label()
	case e.iface != nil:
		return e.iface.label()
	case e.nat != nil:
		return "NAT gateway " + e.nat.ID + " [" + e.addr.String() + "]"
	case e.dns && e.vpc != nil:
		return "Amazon DNS server " + e.addr.String() + " of " + e.vpc.ID
	case e.dns:
		return "Amazon DNS server " + e.addr.String() + " (of the source's VPC)"
	case e.local:
		s, _ := instanceServiceAt(e.addr)
		return s.name + " " + e.addr.String() + " (on the sending instance's own host)"
	case e.unmod != nil && e.vpc == nil && unroutable(e.addr):
		// a private address of a block the design does not model: of a
		// VPC a loader leaves out
		return e.addr.String() + " of " + e.unmod.Owner + ", outside the design (not modelled)"
	case e.unmod != nil && e.vpc == nil:
		return e.addr.String() + " of " + e.unmod.Owner + ", a public address (not modelled)"
	case e.unmod != nil:
		return e.addr.String() + " of " + e.unmod.Owner + " in " + e.vpc.ID + " (not modelled)"
	case e.hostless != nil:
		return e.addr.String() + " of " + e.hostless.Owner + ", a public address that delivers to no host (" + cmp.Or(e.hostless.What, "resource that delivers to no host") + ")"
	case e.vpc != nil:
		return "unknown address " + e.addr.String() + " in " + e.vpc.ID + " (no interface holds it)"
	case nat64Prefix.Contains(e.addr):
		return "NAT64 address " + e.addr.String() + " (IPv4 " + nat64Embedded(e.addr).String() + ", once NAT64 translates the packet)"
	case unroutable(e.addr):
		// a private address outside every VPC: on premises, or behind
		// a gateway the design does not model, never on the internet
		return "host " + e.addr.String() + " outside the design (not an internet address)"
	}
	return "internet host " + e.addr.String()
}

// labelFrom is label for the destination of a query from src: the
// address of a service of an instance's own host (local) is that of the
// sending instance only when src is an AWS interface; from the internet,
// a host outside the design or an Alibaba Cloud instance (whose packet is
// walked as any other) the label says whose it is instead. From an
// Alibaba Cloud instance, the address of one of Alibaba Cloud's own
// services (alibabaServiceAt) is labelled as that service.
func (e endpoint) labelFrom(src endpoint) string {
	if e.iface == nil && src.iface != nil && src.iface.isAlibaba() {
		if s, ok := alibabaServiceAt(e.addr); ok { // alibaba_services.go
			return s.name + " " + e.addr.String() + " (reached from inside the sending instance's VPC)"
		}
	}
	if !e.local || e.iface != nil {
		return e.label()
	}
	s, _ := instanceServiceAt(e.addr)
	switch {
	case src.iface == nil:
		return s.name + " " + e.addr.String() + " (link-local: each EC2 instance reaches it on its own host only)"
	case src.iface.isAlibaba():
		return e.addr.String() + " (link-local address of the " + s.name + " of EC2 instances; an Alibaba Cloud instance's packet is routed as any other)"
	}
	return e.label()
}

// vpcAt returns the VPC whose CIDR blocks hold a, or nil.
func (m *Model) vpcAt(a netip.Addr) *vpcInfo {
	for _, v := range m.vpcOrder {
		for _, c := range v.CIDRs {
			if c.Contains(a) {
				return v
			}
		}
	}
	return nil
}

func (m *Model) resolve(spec string) (endpoint, error) {
	// An address has a dot or a colon; an ID or name without either is
	// not parsed (a failed parse costs an error value).
	if a, ok := parseAddr(spec); ok {
		if a.Zone() != "" || a.Is4In6() {
			return endpoint{}, fmt.Errorf("%w: %q: use a plain IPv4 or IPv6 address", ErrQuery, spec)
		}
		if ii, ok := m.ifaceByAddr(a); ok { // a private address, or of a prefix delegated to it
			return endpoint{iface: ii, addr: a}, nil
		}
		if ii, ok := m.byPublic[a]; ok {
			return endpoint{iface: ii, addr: a}, nil
		}
		if ni, ok := m.natAddr[a]; ok {
			return endpoint{nat: ni, addr: a}, nil
		}
		if u, ok := m.unmodelled[a]; ok {
			return endpoint{addr: a, vpc: u.vpc, unmod: u}, nil
		}
		v := m.vpcAt(a)
		if h, ok := m.hostless[a]; ok && v == nil && !m.holds(a) {
			hc := h                                      // a copy made here only: &h would put every lookup's h on the heap
			return endpoint{addr: a, hostless: &hc}, nil // leftout_internet.go
		}
		if u, ok := m.unmodelledBlockAt(a); ok && v == nil { // unmodelled_block.go
			return endpoint{addr: a, unmod: u}, nil
		}
		_, local := instanceServiceAt(a)
		return endpoint{addr: a, vpc: v, dns: isAmazonDNS(a, v), local: local}, nil
	}
	if e, ok, err := m.resolveName(spec); ok { // leftout_names.go
		return e, err
	}
	if strings.Contains(spec, " ") {
		// No ID holds a space: a Terraform address's key spells it
		// \u0020 (package terraform), which a query may write plainly.
		if e, err := m.resolve(strings.ReplaceAll(spec, " ", `\u0020`)); err == nil {
			return e, nil
		}
	}
	if keys := m.indexed(spec); len(keys) > 0 {
		return endpoint{}, fmt.Errorf("%w: %q names several interfaces, %s: name one, with its index", ErrQuery, spec, strings.Join(keys, ", "))
	}
	return endpoint{}, fmt.Errorf("%w: %q is no address, interface ID, instance ID or Name tag in the design", ErrQuery, spec)
}

// checkEnds rejects queries that do not start or end in the design.
func checkEnds(src, dst endpoint, from, to string) error {
	switch {
	case src.nat != nil:
		return fmt.Errorf("%w: %s is a NAT gateway's address; a NAT gateway opens no sessions of its own", ErrQuery, from)
	case src.dns:
		return fmt.Errorf("%w: %s is an Amazon DNS server's address; it opens no sessions of its own", ErrQuery, from)
	case src.iface != nil && src.iface.InterfaceEndpoint != "":
		return fmt.Errorf("%w: %s is a network interface of interface endpoint %s, which carries only sessions resources open towards its service; it opens no sessions of its own", ErrQuery, from, src.iface.InterfaceEndpoint)
	case src.local:
		return fmt.Errorf("%w: %s is the address of an instance's own host service (IMDS, Time Sync or Windows activation); it opens no sessions of its own", ErrQuery, from)
	case src.unmod != nil && src.unmod.What != "":
		return fmt.Errorf("%w: %s is the address of %s, which reachsim does not model (%s): what it sends, and by which way, is unknown, so it cannot be a query's source", ErrQuery, from, src.unmod.Owner, src.unmod.What)
	case src.unmod != nil:
		return fmt.Errorf("%w: %s is the address of %s, which reachsim does not model, so it cannot be a query's source", ErrQuery, from, src.unmod.Owner)
	case src.vpc != nil:
		return fmt.Errorf("%w: %s is inside %s, but no interface of the design holds it, so nothing sends from it", ErrQuery, from, src.vpc.ID)
	case src.hostless != nil:
		return fmt.Errorf("%w: %s is the public address of %s, which delivers to no host, so nothing sends from it", ErrQuery, from, src.hostless.Owner)
	case src.iface == nil && dst.iface == nil && dst.nat == nil && dst.vpc == nil && !dst.dns && !dst.local && dst.hostless == nil && (dst.unmod == nil || unroutable(dst.addr)):
		// (a public address something the design does not model holds,
		// an internet-facing load balancer's or a left-out instance's,
		// is in the design: undecided, unmodelled.go)
		return fmt.Errorf("%w: neither %s nor %s is in the design", ErrQuery, from, to)
	}
	return nil
}

// Check answers the query: the request's path and the reply's, every
// component's decision, and every blocking point. A query that is not
// whole (see [Query]) or whose endpoints name nothing in the design is an
// error wrapping [ErrQuery].
func (m *Model) Check(q Query) (*Result, error) {
	r := new(Result)
	if err := m.CheckInto(q, r); err != nil {
		return nil, err
	}
	return r, nil
}

// CheckInto is [Model.Check] answering into r, for a loop of many
// checks: it resets r and reuses the arrays of its slices (Forward,
// Return, Blocks, Warnings) where they have the room, so a loop that
// reads each answer before asking the next allocates little. Whatever r
// held before is overwritten, including hops that slices taken from r
// earlier still see: keep a Result, or copy from it, before passing it
// again. On an error r is left as it was. The answer is the one Check
// gives, field for field.
func (m *Model) CheckInto(q Query, r *Result) error {
	f, src, dst, err := m.queryEnds(q)
	if err != nil {
		return err
	}
	m.checkInto(f, src.iface, r)
	r.From, r.To = src.label(), dst.labelFrom(src)
	m.markUnknowns(r, src.iface, dst.iface)
	return nil
}

// markUnknowns makes r indeterminate when an end's address is known only
// later and the design tells its possible addresses apart (unknown.go).
func (m *Model) markUnknowns(r *Result, src, dst *ifaceInfo) {
	if len(m.unknownIfaces)+len(m.unknownPublic)+len(m.unknownNATs)+len(m.multiNATs) == 0 {
		return
	}
	r.Warnings = append(r.Warnings, m.placeholderNotes(r, src, dst)...)
	var u []string
	if pu := m.pathUnknowns(r.Flow, src, dst); len(pu) > 0 {
		// a hop that blocks every address the ends could get decides
		// (unknown_block.go)
		if why, ok := m.blockedWhicheverAddress(r, r.Flow, src, dst); ok {
			r.Warnings = append(r.Warnings, why)
		} else {
			u = pu
		}
	}
	u = append(u, m.publicUnknowns(r.Flow, src, dst)...)
	if nu := m.natUnknowns(r.Forward, r.Flow.Dst.Addr()); len(nu) > 0 {
		if m.sameFromEveryAddress(r.Flow, src, r.Forward, r.Outcome) {
			r.Warnings = append(r.Warnings, fmt.Sprintf("the NAT gateway on the path sends each connection from one of several addresses, which the design tells apart; the answer, %s, is the same from each of them", r.Outcome))
		} else {
			u = append(u, nu...)
		}
	}
	if len(u) > 0 {
		r.Unknowns = u
		r.Outcome, r.Reachable = Indeterminate, false
	}
}

// unknownEnds is what a question from src to dst by f depends on among
// the values known only later.
func (m *Model) unknownEnds(f flow.Flow, src, dst *ifaceInfo) []string {
	if len(m.unknownIfaces) == 0 && len(m.unknownPublic) == 0 {
		return nil
	}
	return append(m.pathUnknowns(f, src, dst), m.publicUnknowns(f, src, dst)...)
}

// queryFlow checks q and builds its packet, from its source end.
func (m *Model) queryFlow(q Query) (flow.Flow, endpoint, error) {
	f, src, _, err := m.queryEnds(q)
	return f, src, err
}

// queryEnds is queryFlow with the destination's end too.
func (m *Model) queryEnds(q Query) (flow.Flow, endpoint, endpoint, error) {
	if err := q.validate(); err != nil {
		return flow.Flow{}, endpoint{}, endpoint{}, err
	}
	src, err := m.resolve(q.From)
	if err != nil {
		return flow.Flow{}, endpoint{}, endpoint{}, fmt.Errorf("from: %w", err)
	}
	dst, err := m.resolve(q.To)
	if err != nil {
		return flow.Flow{}, endpoint{}, endpoint{}, fmt.Errorf("to: %w", err)
	}
	if src.leftOut != nil {
		return flow.Flow{}, endpoint{}, endpoint{}, leftOutSource(q.From, src.leftOut)
	}
	if dst.leftOut != nil {
		// a network interface left out, by name: the address a query
		// naming it would use (leftout_names.go)
		v6 := q.IPv6
		if src.addr.IsValid() {
			v6 = src.addr.Is6()
		}
		if dst, err = m.pinLeftOut(dst, src, v6); err != nil {
			return flow.Flow{}, endpoint{}, endpoint{}, err
		}
	}
	if err := checkEnds(src, dst, q.From, q.To); err != nil {
		return flow.Flow{}, endpoint{}, endpoint{}, err
	}
	sa, da, err := m.addresses(src, dst, q.IPv6)
	if err != nil {
		return flow.Flow{}, endpoint{}, endpoint{}, err
	}
	if err := m.checkSelf(src, dst, da, q.From, q.To); err != nil {
		return flow.Flow{}, endpoint{}, endpoint{}, err
	}
	f := flow.Flow{Protocol: q.Protocol, Domain: q.Domain, App: q.App,
		Src: netip.AddrPortFrom(sa, 0), Dst: netip.AddrPortFrom(da, 0)}
	switch {
	case q.Protocol.HasPorts():
		sp := q.SrcPort
		if sp == 0 {
			sp = DefaultSourcePort
		}
		f.Src, f.Dst = netip.AddrPortFrom(sa, sp), netip.AddrPortFrom(da, q.Port)
	case q.Protocol.IsICMP() && q.ICMP != nil:
		f.ICMPType, f.ICMPCode = q.ICMP.Type, q.ICMP.Code
	case q.Protocol == flow.ICMPv6:
		f.ICMPType = flow.ICMPv6EchoRequest
	case q.Protocol == flow.ICMP:
		f.ICMPType = flow.ICMPEchoRequest
	}
	if err := f.Validate(); err != nil {
		if q.Protocol.IsICMP() && !src.addr.IsValid() && !dst.addr.IsValid() {
			// the interfaces' family is the query's choice: say how to make it
			err = fmt.Errorf("%w (the family of interfaces named without an address is IPv4 unless the query sets IPv6: --ipv6 in the CLI)", err)
		}
		return flow.Flow{}, endpoint{}, endpoint{}, fmt.Errorf("%w: %w", ErrQuery, err)
	}
	if src.iface == nil && dst.iface != nil && !dst.addr.IsValid() && da.Is4() && da == dst.iface.PublicIP {
		// a host outside the design whose way back may not be the
		// internet sends privately (private_entry.go)
		f = m.privateDst(f, dst.iface)
	}
	return f, src, dst, nil
}

// addresses picks the source and destination addresses of a query's
// packet: the addresses the query gave, else the interfaces' first of the
// family; an interface outside the source's VPC is reached at its public
// IPv4 address, when it has one, unless a peering connection joins the two
// VPCs (peered: active, or of a status reachsim does not know; not one
// AWS documents as carrying nothing, such as deleted), or the source is a
// host outside the design at an address the internet does not route (on
// premises, say), which the internet gateway never lets in, so that it
// can only reach the interface privately (private_entry.go). A public
// host outside the design whose way back ends undecided is sent to the
// private address too, by queryEnds (privateDst), which has the packet
// the way back is asked of.
func (m *Model) addresses(src, dst endpoint, v6 bool) (sa, da netip.Addr, err error) {
	for _, e := range []endpoint{src, dst} {
		if e.addr.IsValid() {
			v6 = e.addr.Is6()
		}
	}
	pick := func(e endpoint) (netip.Addr, error) {
		if e.addr.IsValid() {
			if e.addr.Is6() != v6 {
				return netip.Addr{}, fmt.Errorf("%w: %s and the other endpoint are of different address families", ErrQuery, e.addr)
			}
			return e.addr, nil
		}
		a, ok := e.iface.addr(v6)
		if !ok {
			fam := "IPv4"
			if v6 {
				fam = "IPv6"
			}
			return netip.Addr{}, fmt.Errorf("%w: %s has no %s address", ErrQuery, e.iface.label(), fam)
		}
		return a, nil
	}
	if sa, err = pick(src); err != nil {
		if a, ok := ipv6OnlyDNSSource(src, dst, v6); ok { // amazondns.go
			return a, dst.addr, nil
		}
		return sa, da, err
	}
	if src.iface != nil && src.iface.privateOf[sa].IsValid() {
		// An instance sends from its private address; the internet
		// gateway maps it to the public one on the way out.
		sa = src.iface.privateOf[sa]
	}
	if da, err = pick(dst); err != nil {
		return sa, da, err
	}
	if !v6 && dst.iface != nil && !dst.addr.IsValid() && dst.iface.PublicIP.IsValid() &&
		(src.iface == nil && !unroutable(sa) || src.iface != nil && src.iface.subnet.vpc != dst.iface.subnet.vpc && !m.peered(src.iface.subnet.vpc, dst.iface.subnet.vpc)) {
		da = dst.iface.PublicIP
	}
	return sa, da, nil
}

// CheckFlow answers for a flow given by addresses: each address is the
// endpoint a [Query] naming it gets (an address that belongs to an
// interface of the design, privately or as its public IP, is that
// interface; a private address outside every VPC is a host outside the
// design; a public one no resource holds is a host on the internet).
// f must pass [flow.Flow.Validate] and be a session's opening packet: a
// protocol other than 0, tcp and udp ports other than 0, a domain on tcp
// only; otherwise the error wraps [ErrQuery]. Its ICMP type is taken as
// given (0 is an echo reply).
func (m *Model) CheckFlow(f flow.Flow) (*Result, error) {
	src, err := m.flowEnds(f)
	if err != nil {
		return nil, err
	}
	dst, _ := m.resolve(f.Dst.Addr().String())
	r := m.check(f, src.iface)
	r.From, r.To = src.label(), dst.labelFrom(src)
	m.markUnknowns(r, src.iface, dst.iface)
	return r, nil
}

// flowEnds checks f as [Model.CheckFlow] takes it and returns its source
// end.
func (m *Model) flowEnds(f flow.Flow) (endpoint, error) {
	if err := f.Validate(); err != nil {
		return endpoint{}, fmt.Errorf("%w: %w", ErrQuery, err)
	}
	if err := validateFlow(f); err != nil {
		return endpoint{}, err
	}
	src, _ := m.resolve(f.Src.Addr().String())
	dst, _ := m.resolve(f.Dst.Addr().String())
	if err := checkEnds(src, dst, f.Src.Addr().String(), f.Dst.Addr().String()); err != nil {
		return endpoint{}, err
	}
	if src.iface != nil && m.byPublic[f.Src.Addr()] == src.iface {
		return endpoint{}, fmt.Errorf("%w: %s is the public IP of %s; a packet leaves an interface from its private address", ErrQuery, f.Src.Addr(), src.iface.label())
	}
	if err := m.checkSelf(src, dst, f.Dst.Addr(), f.Src.Addr().String(), f.Dst.Addr().String()); err != nil {
		return endpoint{}, err
	}
	return src, nil
}

// checkSelf rejects a query from an interface to one of its own private
// addresses (IPv4 or IPv6, or of a prefix delegated to it), da being the
// packet's destination address: the operating system delivers such a
// packet inside the host (Linux's local routing table and lo, Windows
// likewise), so it never reaches the network interface, and no security
// group, network ACL, route or firewall decides it. A query to the
// interface's own public IPv4 address goes out through the internet
// gateway and back in, and is walked as any other; two interfaces of one
// instance are two interfaces.
func (m *Model) checkSelf(src, dst endpoint, da netip.Addr, from, to string) error {
	if src.iface == nil || dst.iface != src.iface {
		return nil
	}
	if ii, ok := m.ifaceByAddr(da); !ok || ii != src.iface {
		return nil
	}
	return fmt.Errorf("%w: %s and %s are the same interface (%s): a packet to its own address stays inside the host, which delivers it without the network, so no security group, network ACL or route decides it", ErrQuery, from, to, src.iface.label())
}

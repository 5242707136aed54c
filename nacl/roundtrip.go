package nacl

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// NamedRange is a range of ephemeral (client) ports that some operating
// system or AWS service picks its source ports from.
type NamedRange struct {
	Name  string
	Ports flow.PortRange
}

// String prints the name and the ports: "Linux (kernel default) 32768-60999".
func (n NamedRange) String() string { return n.Name + " " + n.Ports.String() }

// The common ephemeral port ranges, as AWS's network ACL guide lists them,
// plus the Linux kernel's own default.
var (
	// EphemeralLinux is the Linux kernel's default ip_local_port_range.
	EphemeralLinux = NamedRange{"Linux (kernel default)", flow.PortRange{Lo: 32768, Hi: 60999}}
	// EphemeralLinuxAWS is the range AWS's documentation gives for "many
	// Linux kernels (including the Amazon Linux kernel)"; it ends one port
	// above the kernel default.
	EphemeralLinuxAWS = NamedRange{"Linux (AWS docs)", flow.PortRange{Lo: 32768, Hi: 61000}}
	// EphemeralWindows is Windows Server 2008 and later (the IANA range).
	EphemeralWindows = NamedRange{"Windows Server 2008+", flow.PortRange{Lo: 49152, Hi: 65535}}
	// EphemeralWindowsLegacy is Windows up to Server 2003.
	EphemeralWindowsLegacy = NamedRange{"Windows Server 2003 and earlier", flow.PortRange{Lo: 1025, Hi: 5000}}
	// EphemeralAWSServices is what NAT gateways, Elastic Load Balancing and
	// AWS Lambda use.
	EphemeralAWSServices = NamedRange{"NAT gateway, ELB, Lambda", flow.PortRange{Lo: 1024, Hi: 65535}}
)

// EphemeralRanges returns the common ephemeral ranges, in the order
// [CheckRoundTrip] reports them: Linux (kernel default), Linux (AWS docs),
// Windows Server 2008+, Windows Server 2003 and earlier, NAT gateway / ELB /
// Lambda. The slice is new on every call.
func EphemeralRanges() []NamedRange {
	return []NamedRange{EphemeralLinux, EphemeralLinuxAWS, EphemeralWindows, EphemeralWindowsLegacy, EphemeralAWSServices}
}

// Leg is one of the four subnet boundaries a connection's packets cross
// between a client and a server in different subnets.
type Leg uint8

// The legs, in the order the packets cross them.
const (
	RequestOut Leg = iota // the request leaves the client's subnet: client ACL, outbound
	RequestIn             // the request enters the server's subnet: server ACL, inbound
	ReplyOut              // the reply leaves the server's subnet: server ACL, outbound
	ReplyIn               // the reply enters the client's subnet: client ACL, inbound
)

// String returns "request outbound", "request inbound", "reply outbound"
// or "reply inbound".
func (l Leg) String() string {
	switch l {
	case RequestOut:
		return "request outbound"
	case RequestIn:
		return "request inbound"
	case ReplyOut:
		return "reply outbound"
	case ReplyIn:
		return "reply inbound"
	}
	return fmt.Sprintf("Leg(%d)", uint8(l))
}

// Direction returns the direction in which the leg crosses its ACL.
func (l Leg) Direction() flow.Direction {
	if l == RequestOut || l == ReplyOut {
		return flow.Outbound
	}
	return flow.Inbound
}

// IsReply reports whether the leg carries the reply.
func (l Leg) IsReply() bool { return l == ReplyOut || l == ReplyIn }

// OnClient reports whether the leg crosses the client's ACL.
func (l Leg) OnClient() bool { return l == RequestOut || l == ReplyIn }

// LegPorts is what one leg lets through.
type LegPorts struct {
	Leg Leg
	ACL string // the ACL's ID; "" when that side has no ACL
	// Allowed is the client ports for which this leg passes. The request
	// legs match destination ports only, so for them it is every port or
	// none; the reply legs see the client port as destination port.
	Allowed flow.PortSet
}

// RangeCheck is the verdict of a round trip for one named ephemeral range.
type RangeCheck struct {
	Range NamedRange
	// Blocked is the ports of the range for which the round trip fails;
	// empty when the whole range passes.
	Blocked flow.PortSet
	// When Blocked is not empty: FirstBlocked is its lowest port, Leg the
	// first leg that drops the packet with that client port, and Decision
	// that leg's decision (the deciding entry, its ACL and direction).
	FirstBlocked uint16
	Leg          Leg
	Decision     Decision
}

// OK reports whether the round trip passes for every port of the range.
func (c RangeCheck) OK() bool { return c.Blocked.IsEmpty() }

// String prints one line:
//
//	Windows Server 2003 and earlier 1025-5000: allowed
//	Linux (kernel default) 32768-60999: cut off for ports 32768-60999; port 32768: reply inbound denied by rule * (deny all from 0.0.0.0/0) on acl-client
func (c RangeCheck) String() string {
	if c.OK() {
		return c.Range.String() + ": allowed"
	}
	return fmt.Sprintf("%s: cut off for ports %s; port %d: %s %s", c.Range, c.Blocked, c.FirstBlocked, c.Leg, c.Decision)
}

// RoundTrip is the result of [CheckRoundTrip].
type RoundTrip struct {
	// Request is the forward flow as given; its source port plays no part.
	Request flow.Flow
	// Legs is what each leg lets through, indexed by [Leg].
	Legs [4]LegPorts
	// Allowed is the client (source) ports for which all four legs pass.
	Allowed flow.PortSet
	// Ranges holds one check per named range, in the order asked for.
	Ranges []RangeCheck
}

// OK reports whether every named range passes.
func (r RoundTrip) OK() bool {
	for _, c := range r.Ranges {
		if !c.OK() {
			return false
		}
	}
	return true
}

// String prints a summary line, then one indented line per named range:
//
//	tcp 10.0.1.5 -> 10.0.2.7:443: round trip allowed only for client ports 1024-32767
//	  Linux (kernel default) 32768-60999: cut off for ports 32768-60999; port 32768: reply inbound denied by rule * (deny all from 0.0.0.0/0) on acl-client
//	  ...
func (r RoundTrip) String() string {
	var b strings.Builder
	f := r.Request
	if f.Protocol.HasPorts() {
		fmt.Fprintf(&b, "%s %s -> %s: round trip ", f.Protocol, f.Src.Addr(), f.Dst)
	} else {
		fmt.Fprintf(&b, "%s: round trip ", f)
	}
	switch {
	case r.Allowed.IsFull():
		b.WriteString("allowed for every client port")
	case r.Allowed.IsEmpty():
		b.WriteString("allowed for no client port")
	default:
		b.WriteString("allowed only for client ports " + r.Allowed.String())
	}
	for _, c := range r.Ranges {
		b.WriteString("\n  ")
		b.WriteString(c.String())
	}
	return b.String()
}

// legFlow returns the packet that crosses leg l when the client uses port
// p: the request with source port p, or its reply with destination port p.
// For protocols without ports it ignores p.
func legFlow(request flow.Flow, l Leg, p uint16) flow.Flow {
	f := request
	if l.IsReply() {
		f = request.Reverse()
	}
	if !request.Protocol.HasPorts() {
		return f
	}
	if l.IsReply() {
		f.Dst = netip.AddrPortFrom(f.Dst.Addr(), p)
	} else {
		f.Src = netip.AddrPortFrom(f.Src.Addr(), p)
	}
	return f
}

// CheckRoundTrip checks a connection both ways through the ACLs of the
// client's subnet and the server's subnet, for every client source port at
// once. request is the client's first packet (client -> server); its
// source port is ignored and stands for any ephemeral port. The four legs
// are the request leaving through client outbound and entering through
// server inbound, then the reply (addresses swapped, the client port as
// destination port; ICMP echo types swapped as [flow.Flow.Reverse] does)
// leaving through server outbound and entering through client inbound.
//
// The result holds the set of client ports for which all four legs pass,
// computed exactly with interval arithmetic over the entries, and for each
// of ranges ([EphemeralRanges] when none are given) whether it passes
// whole, or else its first blocked port and the leg, ACL and entry that
// drop it. For protocols without ports the answer is every port or none.
//
// A nil client or server means that side is not in a subnet (the internet,
// on premises): its two legs pass. Client and server in the same subnet
// cross no ACL at all; the caller must not ask. request should pass
// [flow.Flow.Validate].
func CheckRoundTrip(request flow.Flow, client, server *Evaluator, ranges ...NamedRange) RoundTrip {
	if ranges == nil {
		ranges = EphemeralRanges()
	}
	acls := [4]*Evaluator{RequestOut: client, RequestIn: server, ReplyOut: server, ReplyIn: client}
	rt := RoundTrip{Request: request, Allowed: flow.FullSet[uint16](), Ranges: make([]RangeCheck, 0, len(ranges))}
	for l := RequestOut; l <= ReplyIn; l++ {
		ev := acls[l]
		var allowed flow.PortSet
		if l.IsReply() {
			allowed = ev.AllowedPorts(legFlow(request, l, 0), l.Direction())
		} else if ev.Evaluate(legFlow(request, l, 0), l.Direction()).Verdict == flow.Allow {
			// NACLs never look at source ports: one packet stands for all.
			allowed = flow.FullSet[uint16]()
		}
		rt.Legs[l] = LegPorts{Leg: l, ACL: ev.ID(), Allowed: allowed}
		rt.Allowed = rt.Allowed.Intersect(allowed)
	}
	for _, nr := range ranges {
		c := RangeCheck{Range: nr, Blocked: flow.SetOf(nr.Ports).Difference(rt.Allowed)}
		if !c.Blocked.IsEmpty() {
			c.FirstBlocked = c.Blocked.Ranges()[0].Lo
			for l := RequestOut; l <= ReplyIn; l++ {
				if !rt.Legs[l].Allowed.Contains(c.FirstBlocked) {
					c.Leg = l
					c.Decision = acls[l].Evaluate(legFlow(request, l, c.FirstBlocked), l.Direction())
					break
				}
			}
		}
		rt.Ranges = append(rt.Ranges, c)
	}
	return rt
}

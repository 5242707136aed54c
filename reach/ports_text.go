package reach

import (
	"fmt"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// String renders the answer of [Model.Ports] for a person, as the CLI
// prints it: the ends, the ports open (tcp, udp) from the default client
// port, or the ICMP types and codes open (icmp, icmpv6), those the input
// leaves open, the answer per client-port range, and the cuts: which hop
// (its leg and number as a trace numbers them, kind, ID and name) stops
// which ports with which code. ICMP types and codes are written compactly,
// types with the same codes together: "8 (all codes), 3 (codes 0-4)".
//
//	tcp 198.51.100.7 -> 203.0.113.10: the destination ports that work, request and reply
//	from internet host 198.51.100.7
//	  to web-1 (eni-web1)
//	open from client port 50000: 443
//	by client-port range:
//	  Linux (kernel default) 32768-60999: 443
//	  ...
//	cuts from client port 50000:
//	  request hop 4, network-firewall vpce-fw (demo-firewall): FIREWALL_DROP: 1-442,444-65535
//
// Every string that comes from the design or the query (endpoints, IDs,
// names, range names) is escaped as [Result.Text] escapes it
// (internal/textsafe).
func (r *PortsResult) String() string {
	var b strings.Builder
	icmp := r.Protocol.IsICMP()
	what := "the destination ports that work"
	if icmp {
		what = "the types and codes that work"
	}
	fmt.Fprintf(&b, "%s %s -> %s%s: %s, request and reply\n", r.Protocol, r.Src, r.Dst, appText(r.App, r.Domain), what)
	fmt.Fprintf(&b, "from %s\n  to %s\n", textsafe.String(r.From), textsafe.String(r.To))
	if icmp {
		fmt.Fprintf(&b, "open: %s\n", icmpText(r.ICMP))
		if len(r.ICMPIndeterminate) > 0 {
			fmt.Fprintf(&b, "indeterminate: %s\n", icmpText(r.ICMPIndeterminate))
		}
	} else {
		fmt.Fprintf(&b, "open from client port %d: %s\n", r.ClientPort, r.Open)
		if !r.Indeterminate.IsEmpty() {
			fmt.Fprintf(&b, "indeterminate from client port %d: %s\n", r.ClientPort, r.Indeterminate)
		}
	}
	if len(r.Clients) > 0 {
		b.WriteString("by client-port range:\n")
		for _, c := range r.Clients {
			fmt.Fprintf(&b, "  %s %s: %s", textsafe.String(c.Name), c.Ports, c.Open)
			if !c.Partly.IsEmpty() {
				fmt.Fprintf(&b, "; from some client ports: %s", c.Partly)
			}
			if !c.Indeterminate.IsEmpty() {
				fmt.Fprintf(&b, "; indeterminate: %s", c.Indeterminate)
			}
			b.WriteByte('\n')
		}
	}
	switch {
	case len(r.Cuts) == 0:
		b.WriteString("cuts: none\n")
	case icmp:
		b.WriteString("cuts:\n")
	default:
		fmt.Fprintf(&b, "cuts from client port %d:\n", r.ClientPort)
	}
	for _, c := range r.Cuts {
		if icmp {
			fmt.Fprintf(&b, "  %s: %s\n", c, icmpText(c.ICMP))
		} else {
			fmt.Fprintf(&b, "  %s: %s\n", c, c.Ports)
		}
	}
	return b.String()
}

// String names the hop and what it said, as a trace numbers and names
// it, its strings escaped (internal/textsafe): "request hop 4,
// network-firewall vpce-fw (demo-firewall): FIREWALL_DROP", with
// " (undecided)" after the code of a hop that cannot decide. The ports
// and ICMP codes it cuts are not part of it.
func (c Cut) String() string {
	leg := "request"
	if c.Leg == Return {
		leg = "reply"
	}
	s := fmt.Sprintf("%s hop %d, %s %s", leg, c.Hop, textsafe.String(string(c.Kind)), textsafe.String(c.ID))
	if c.Hop == 0 { // no hop: an end whose address is known only later (AddressKnownLater)
		s = fmt.Sprintf("the address of %s %s", textsafe.String(string(c.Kind)), textsafe.String(c.ID))
	}
	if c.Name != "" {
		s += " (" + textsafe.String(c.Name) + ")"
	}
	s += ": " + textsafe.String(string(c.Code))
	if c.Indeterminate {
		s += " (undecided)"
	}
	return s
}

// icmpText writes ICMP types and codes compactly: the types with the same
// codes together, as a set, each group followed by its codes, the groups
// in the order of their first type: "0-7,9-255 (all codes), 8 (codes
// 1-255)"; "none" for none.
func icmpText(cs []ICMPCodes) string {
	if len(cs) == 0 {
		return "none"
	}
	type group struct {
		types []flow.Range[uint8]
		codes flow.Set[uint8]
	}
	var groups []*group
	for _, c := range cs {
		var g *group
		for _, x := range groups {
			if x.codes.Equal(c.Codes) {
				g = x
				break
			}
		}
		if g == nil {
			g = &group{codes: c.Codes}
			groups = append(groups, g)
		}
		g.types = append(g.types, flow.Single(c.Type))
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		var codes string
		switch rs := g.codes.Ranges(); {
		case g.codes.IsFull():
			codes = "all codes"
		case len(rs) == 1 && rs[0].Lo == rs[0].Hi:
			codes = fmt.Sprintf("code %d", rs[0].Lo)
		default:
			codes = "codes " + g.codes.String()
		}
		parts[i] = fmt.Sprintf("%s (%s)", flow.SetOf(g.types...), codes)
	}
	return strings.Join(parts, ", ")
}

// appText is the application protocol and domain a set question was
// asked with, for its headline (" (app tls, domain x.example)"), "" when
// neither is set.
func appText(app, domain string) string {
	var parts []string
	if app != "" {
		parts = append(parts, "app "+textsafe.String(app))
	}
	if domain != "" {
		parts = append(parts, "domain "+textsafe.String(domain))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

package reachtest

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/reach"
)

// AssertOnlyPorts checks that exactly the destination ports ports names
// are open from from to to over proto (tcp or udp), request and reply,
// from the default client port ([reach.DefaultSourcePort]), and no other.
// ports is a port set as [flow.ParsePortSet] reads it: "443",
// "ssh,https", "8000-8100", "none". The answer is [reach.Model.Ports]'s,
// exact over every port. On failure it reports the difference as port
// sets (missing: the ports wanted but cut; extra: the ports open but not
// wanted), the hops that cut the missing ones (leg, hop, kind, ID, code),
// and returns false. Ports the input leaves open (indeterminate) fail it.
func AssertOnlyPorts(t TestingT, m *reach.Model, from, to string, proto flow.Protocol, ports string) bool {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	what := fmt.Sprintf("%s -> %s %s", textsafe.String(from), textsafe.String(to), proto)
	want, err := flow.ParsePortSet(ports)
	if err != nil {
		t.Errorf("reachtest: AssertOnlyPorts %s: %s", what, textsafe.String(err.Error()))
		return false
	}
	if !proto.HasPorts() {
		t.Errorf("reachtest: AssertOnlyPorts %s: asks about tcp or udp ports, not %s", what, proto)
		return false
	}
	r, err := m.Ports(reach.PortsQuery{From: from, To: to, Protocol: proto})
	if err != nil {
		t.Errorf("reachtest: AssertOnlyPorts %s: %s", what, textsafe.String(err.Error()))
		return false
	}
	if !r.Indeterminate.IsEmpty() {
		t.Errorf("expected exactly ports %s open from %s, but the answer for ports %s is indeterminate: it depends on what the input does not hold:\n%s",
			want, what, r.Indeterminate, cutLines(r.Cuts, r.Indeterminate))
		return false
	}
	missing, extra := want.Difference(r.Open), r.Open.Difference(want)
	if missing.IsEmpty() && extra.IsEmpty() {
		return true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "expected exactly ports %s open from %s (client port %d), but the open ports are %s:\n", want, what, r.ClientPort, r.Open)
	if !missing.IsEmpty() {
		fmt.Fprintf(&b, "  missing: %s\n", missing)
	}
	if !extra.IsEmpty() {
		fmt.Fprintf(&b, "  extra: %s\n", extra)
	}
	if !missing.IsEmpty() {
		fmt.Fprintf(&b, "the missing ports are cut by:\n%s", cutLines(r.Cuts, missing))
	}
	t.Errorf("%s", strings.TrimSuffix(b.String(), "\n"))
	return false
}

// cutLines lists the cuts that stop some of ports, one a line, each with
// the ports of ports it stops.
func cutLines(cuts []reach.Cut, ports flow.PortSet) string {
	var b strings.Builder
	for _, c := range cuts {
		if p := c.Ports.Intersect(ports); !p.IsEmpty() {
			fmt.Fprintf(&b, "  %s: %s\n", c, p)
		}
	}
	return b.String()
}

// AssertNotExposed checks that no internet address reaches to on any of
// the tcp ports ports names (a set as [flow.ParsePortSet] reads it:
// "ssh,rdp", "22,3389", "1-1023"), request and reply, over IPv4 or, when
// to has an IPv6 address, IPv6. The answer is [reach.Model.Sources]'s,
// exact over every internet address, asked once per port and family (so
// a large range takes its time: about a millisecond a port on a small
// design). On failure it reports, for each exposed port, the internet
// addresses that reach it and the rules that let one of them in, and
// returns false. Addresses the input leaves open (indeterminate) fail it.
func AssertNotExposed(t TestingT, m *reach.Model, to string, ports string) bool {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	want, err := flow.ParsePortSet(ports)
	if err != nil {
		t.Errorf("reachtest: AssertNotExposed %s: %s", textsafe.String(to), textsafe.String(err.Error()))
		return false
	}
	var b strings.Builder
	exposed := flow.PortSet{}
	for _, pr := range want.Ranges() {
		for p := uint32(pr.Lo); p <= uint32(pr.Hi); p++ {
			for _, v6 := range []bool{false, true} {
				r, err := m.Sources(reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: uint16(p), IPv6: v6})
				switch {
				case err != nil && v6:
					continue // no IPv6 address: IPv4 answered for it
				case err != nil:
					t.Errorf("reachtest: AssertNotExposed %s: %s", textsafe.String(to), textsafe.String(err.Error()))
					return false
				case len(r.Internet) == 0 && len(r.InternetIndeterminate) == 0:
					continue
				}
				exposed = exposed.Union(flow.SetOf(flow.Single(uint16(p))))
				describeExposure(&b, m, to, v6, r)
			}
		}
	}
	if exposed.IsEmpty() {
		return true
	}
	t.Errorf("expected no internet address to reach %s on tcp %s, but it is exposed on %s:\n%s",
		textsafe.String(to), want, exposed, strings.TrimSuffix(b.String(), "\n"))
	return false
}

// describeExposure writes who on the internet reaches to on one port
// over IPv4 or IPv6 (the internet lines of r's text) and the rules that
// open the way for one of them (the filter hops of its request that a
// rule decided).
func describeExposure(b *strings.Builder, m *reach.Model, to string, v6 bool, r *reach.SourcesResult) {
	fmt.Fprintf(b, "  port %d", r.Port)
	if name := flow.ServiceName(r.Port); name != "" {
		fmt.Fprintf(b, " (%s)", name)
	}
	family := "IPv4"
	if v6 {
		family = "IPv6"
	}
	fmt.Fprintf(b, ", %s:\n", family)
	for _, line := range strings.Split(r.String(), "\n") {
		if strings.HasPrefix(line, "  internet") {
			fmt.Fprintf(b, "  %s\n", line)
		}
	}
	ps := r.Internet
	if len(ps) == 0 {
		ps = r.InternetIndeterminate
	}
	from := widest(ps)
	res, err := m.Check(reach.Query{From: from.String(), To: to, Protocol: flow.TCP, Port: r.Port, IPv6: v6})
	if err != nil {
		return
	}
	fmt.Fprintf(b, "    from %s, one of them, the request passes:\n", from)
	for _, h := range res.Forward {
		if h.Rule == "" || (h.Kind != reach.KindSecurityGroups && h.Kind != reach.KindNetworkACL && h.Kind != reach.KindFirewall) {
			continue
		}
		where := textsafe.String(string(h.Kind)) + " " + textsafe.String(h.ID)
		if h.Name != "" {
			where += " (" + textsafe.String(h.Name) + ")"
		}
		if h.HasDirection() {
			where += " " + h.Direction.String()
		}
		fmt.Fprintf(b, "      %s: %s\n", where, textsafe.String(h.Rule))
	}
}

// widest returns an address inside the widest of ps, past its first
// address (0.0.0.1 reads as a mistake; 1.0.0.1 does not).
func widest(ps []netip.Prefix) netip.Addr {
	best := ps[0]
	for _, p := range ps[1:] {
		if p.Bits() < best.Bits() {
			best = p
		}
	}
	if a := best.Addr().Next(); best.Contains(a) {
		return a
	}
	return best.Addr()
}

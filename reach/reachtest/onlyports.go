package reachtest

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// AssertOnlyPorts checks that exactly the destination ports ports names
// are open from from to to over proto (tcp or udp), request and reply,
// and no others. ports is a port set as [flow.ParsePortSet] reads it:
// "443", "ssh,https", "8000-8100", "none"; port 0 is refused.
//
// An end named by an interface ID, an instance ID or an instance's name
// (a Name tag on an interface of an instance, which stands for every
// interface of the instance, as its ID does; a Name tag on interfaces of
// different instances is an error) stands for every address of it, as
// [AssertNotExposed] reads it: as a source, each of its private IPv4 and
// IPv6 addresses; as a destination, each of those and each public or
// Elastic IP. An address stands for itself. (An IPv4 or IPv6 prefix
// delegated to an interface is not asked: name one of its addresses.)
// Each address family both ends have, IPv4 and IPv6, is asked apart:
//
//   - every listed port must be open, from the default client port
//     ([reach.DefaultSourcePort]), between the ends' primary addresses of
//     the family: the pair a [reach.Query] of from and to picks (the first
//     interface of an instance, or the interface a Name tag is on when
//     only one interface of the instance carries it; its first private
//     address of the family; the public IP of it from the internet); a
//     service the test names
//     must work the way its clients use it;
//   - no other port may be open, from any client port (1-65535: a client
//     picks its own, and a network ACL that lets replies out only to some
//     client ports does not close the port to the others), between any
//     address of from and any address of to of the family.
//
// The answers are [reach.Model.Ports]' (one per address pair, exact over
// every port and client port). On failure it reports, per family, the
// difference as port sets (missing: the ports wanted but cut; extra: the
// ports open but not wanted, with the address pair and whether they are
// open from every client port or some), the hops that cut the missing
// ones (leg, hop, kind, ID, code) and, for one port of each extra range,
// the rules a session passes, and returns false. Ports the input leaves
// open (indeterminate) fail it, as do ends with no address family in
// common, an empty end and a nil model.
func AssertOnlyPorts(t TestingT, m *reach.Model, from, to string, proto flow.Protocol, ports string) bool {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	what := fmt.Sprintf("%s -> %s %s", textsafe.String(from), textsafe.String(to), proto)
	fail := func(msg string) bool {
		t.Errorf("reachtest: AssertOnlyPorts %s: %s", what, textsafe.String(msg))
		return false
	}
	if m == nil {
		return fail(nilModel)
	}
	want, err := flow.ParsePortSet(ports)
	if err == nil {
		err = noPortZero(want)
	}
	if err != nil {
		return fail(err.Error())
	}
	if !proto.HasPorts() {
		return fail(fmt.Sprintf("asks about tcp or udp ports, not %s", proto))
	}
	if err := notEmpty(from, "from"); err != nil {
		return fail(err.Error())
	}
	if err := notEmpty(to, "to"); err != nil {
		return fail(err.Error())
	}
	src, fromQuery, err := endAddrs(m, from, false)
	if err != nil {
		return fail(err.Error())
	}
	dst, toQuery, err := endAddrs(m, to, true)
	if err != nil {
		return fail(err.Error())
	}
	var fams []familyAnswer
	for fam, v6 := range []bool{false, true} {
		if len(src[fam]) == 0 || len(dst[fam]) == 0 {
			continue
		}
		a, err := onlyPortsFamily(m, fromQuery, toQuery, proto, want, v6, src[fam], dst[fam])
		if err != nil {
			return fail(err.Error())
		}
		fams = append(fams, a)
	}
	if len(fams) == 0 {
		return fail(fmt.Sprintf("the ends share no address family (from: %s; to: %s)", addrsText(src), addrsText(dst)))
	}
	var summary []string
	var b strings.Builder
	for _, a := range fams {
		if s := a.report(&b, m, want); s != "" {
			summary = append(summary, s)
		}
	}
	if len(summary) == 0 {
		return true
	}
	t.Errorf("expected exactly ports %s open from %s, and no others (from any client port, at any address of either end), but %s:\n%s",
		want, what, strings.Join(summary, "; "), strings.TrimSuffix(b.String(), "\n"))
	return false
}

// nilModel is the failure of an assertion given no model.
const nilModel = "the model is nil (was the error of Build or LoadPlan ignored?)"

// notEmpty refuses an empty (or blank) end: it names nothing, and would
// otherwise match every interface without a Name tag or instance.
func notEmpty(end, which string) error {
	if strings.TrimSpace(end) == "" {
		return fmt.Errorf("the %s end %q is empty: name an address, interface ID, instance ID or Name tag", which, end)
	}
	return nil
}

// endAddrs returns the addresses end stands for, IPv4 ([0]) and IPv6
// ([1]): an address itself; for an interface, instance or Name tag (an
// instance's: see interfacesOf), the private addresses of each of its
// interfaces, and, as a destination (dest), their public and Elastic IPs
// too. query is the name a [reach.Query] is to use for end.
func endAddrs(m *reach.Model, end string, dest bool) (out [2][]netip.Addr, query string, err error) {
	add := func(a netip.Addr) {
		if !a.IsValid() {
			return
		}
		fam := 0
		if a.Is6() && !a.Is4In6() {
			fam = 1
		}
		if !slices.Contains(out[fam], a) {
			out[fam] = append(out[fam], a)
		}
	}
	if a, err := netip.ParseAddr(end); err == nil {
		add(a)
		return out, end, nil
	}
	ids, query, err := interfacesOf(m, end)
	if err != nil {
		return out, "", err
	}
	for _, in := range m.Interfaces() {
		if !slices.Contains(ids, in.ID) {
			continue
		}
		for _, a := range in.PrivateIPs {
			add(a)
		}
		if dest {
			add(in.PublicIP)
			for _, p := range in.PublicIPs {
				add(p.Public)
			}
		}
	}
	return out, query, nil
}

// addrsText writes the addresses of endAddrs, "none" when there is none.
func addrsText(as [2][]netip.Addr) string {
	var s []string
	for _, fam := range as {
		for _, a := range fam {
			s = append(s, a.String())
		}
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// anyClientPort asks a Ports question from every client port.
var anyClientPort = []nacl.NamedRange{{Name: "any client port", Ports: flow.PortRange{Lo: 1, Hi: 65535}}}

// pairAnswer is the Ports answer of one address pair, from every client
// port.
type pairAnswer struct {
	r                  *reach.PortsResult
	open, partly, und  flow.PortSet // from every client port, some, undecided
	extra, extraUnsure flow.PortSet // open (undecided) and not wanted
}

// familyAnswer is AssertOnlyPorts' answer for one address family.
type familyAnswer struct {
	v6      bool
	primary *reach.PortsResult // the query's pair, from the default client port
	pairs   []pairAnswer       // every pair, the primary first
}

// onlyPortsFamily asks Ports of the query's own pair and of every pair
// of srcs and dsts, from every client port.
func onlyPortsFamily(m *reach.Model, from, to string, proto flow.Protocol, want flow.PortSet, v6 bool, srcs, dsts []netip.Addr) (familyAnswer, error) {
	a := familyAnswer{v6: v6}
	ask := func(f, t string) (pairAnswer, error) {
		r, err := m.Ports(reach.PortsQuery{From: f, To: t, Protocol: proto, IPv6: v6, ClientPorts: anyClientPort})
		if err != nil {
			return pairAnswer{}, err
		}
		p := pairAnswer{r: r}
		for _, c := range r.Clients {
			p.open, p.partly, p.und = p.open.Union(c.Open), p.partly.Union(c.Partly), p.und.Union(c.Indeterminate)
		}
		p.extra = p.open.Union(p.partly).Difference(want)
		p.extraUnsure = p.und.Difference(want).Difference(p.extra)
		return p, nil
	}
	p, err := ask(from, to)
	if err != nil {
		return a, err
	}
	a.primary = p.r
	a.pairs = append(a.pairs, p)
	for _, s := range srcs {
		for _, d := range dsts {
			if s == p.r.Src && d == p.r.Dst {
				continue
			}
			q, err := ask(s.String(), d.String())
			if err != nil {
				return a, fmt.Errorf("%s -> %s: %w", s, d, err)
			}
			a.pairs = append(a.pairs, q)
		}
	}
	return a, nil
}

// maxTraced is how many extra port ranges a failure traces, and
// maxRanges how many ranges of a port set it writes.
const (
	maxTraced = 5
	maxRanges = 20
)

// report writes the family's difference into b and returns its summary
// ("" when the family holds the promise).
func (a familyAnswer) report(b *strings.Builder, m *reach.Model, want flow.PortSet) string {
	fam := family(a.v6)
	p := a.primary
	missing := want.Difference(p.Open).Difference(p.Indeterminate)
	undWanted := want.Intersect(p.Indeterminate)
	var extra, unsure flow.PortSet
	for _, q := range a.pairs {
		extra, unsure = extra.Union(q.extra), unsure.Union(q.extraUnsure)
	}
	unsure = unsure.Difference(extra)
	if missing.IsEmpty() && undWanted.IsEmpty() && extra.IsEmpty() && unsure.IsEmpty() {
		return ""
	}
	var sum []string
	if !missing.IsEmpty() {
		sum = append(sum, "missing "+portsText(missing))
	}
	if !extra.IsEmpty() {
		sum = append(sum, "extra "+portsText(extra))
	}
	if und := undWanted.Union(unsure); !und.IsEmpty() {
		sum = append(sum, "undecided "+portsText(und)+" (indeterminate: it depends on what the input does not hold)")
	}
	fmt.Fprintf(b, "%s, %s -> %s (the query's pair, client port %d): open %s\n", fam, p.Src, p.Dst, p.ClientPort, portsText(p.Open))
	if !missing.IsEmpty() {
		fmt.Fprintf(b, "  missing: %s, cut by:\n%s", portsText(missing), indent(cutLines(p.Cuts, missing)))
	}
	if !undWanted.IsEmpty() {
		fmt.Fprintf(b, "  undecided: %s, at:\n%s", portsText(undWanted), indent(cutLines(p.Cuts, undWanted)))
	}
	traced := 0
	for _, q := range a.pairs {
		if q.extra.IsEmpty() && q.extraUnsure.IsEmpty() {
			continue
		}
		if !q.extra.IsEmpty() {
			fmt.Fprintf(b, "  extra: %s open from %s -> %s", portsText(q.extra), q.r.Src, q.r.Dst)
			if some := q.extra.Intersect(q.partly).Difference(q.open); !some.IsEmpty() {
				fmt.Fprintf(b, " (%s from some client ports only)", portsText(some))
			}
			b.WriteString("\n")
			for i, r := range q.extra.Ranges() {
				if traced >= maxTraced {
					fmt.Fprintf(b, "    (%d more ranges not traced)\n", len(q.extra.Ranges())-i)
					break
				}
				traced++
				traceOpen(b, m, q.r, r.Lo, a.v6)
			}
		}
		if !q.extraUnsure.IsEmpty() {
			fmt.Fprintf(b, "  undecided: %s from %s -> %s (no client port opens them for certain, the input leaves some open)\n%s",
				portsText(q.extraUnsure), q.r.Src, q.r.Dst, indent(cutLines(q.r.Cuts, q.extraUnsure)))
		}
	}
	return fam + ": " + strings.Join(sum, ", ")
}

// traceOpen writes the rules a session to port of r's pair passes, from
// the first of a few client ports it is open from, else from one
// clientPortOf finds.
func traceOpen(b *strings.Builder, m *reach.Model, r *reach.PortsResult, port uint16, v6 bool) {
	common := []uint16{reach.DefaultSourcePort, 1024, 32768, 49152, 61000, 1, 65535}
	q := reach.Query{From: r.Src.String(), To: r.Dst.String(), Protocol: r.Protocol, Port: port, IPv6: v6}
	if res, cp, ok := sessionWith(m, q, reach.Reachable, common); ok {
		fmt.Fprintf(b, "    port %d, client port %d, passes:\n", port, cp)
		passLines(b, res)
		return
	}
	fmt.Fprintf(b, "    port %d: open from a client port not traced here (ask reach.Model.Check with SrcPort)\n", port)
}

// family names the address family.
func family(v6 bool) string {
	if v6 {
		return "IPv6"
	}
	return "IPv4"
}

// portsText writes a port set, its first maxRanges ranges at most.
func portsText(ps flow.PortSet) string {
	rs := ps.Ranges()
	if len(rs) <= maxRanges {
		return ps.String()
	}
	return fmt.Sprintf("%s and %d more ranges", flow.SetOf(rs[:maxRanges]...), len(rs)-maxRanges)
}

// indent indents each line of s by two more spaces.
func indent(s string) string {
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n  ") + "\n"
}

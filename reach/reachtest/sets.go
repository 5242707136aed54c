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
// "ssh,rdp", "22,3389", "1-1023"; port 0 is refused), request and reply,
// from any client port (1-65535: an attacker picks the source port, and a
// network ACL that lets replies out only to some client ports does not
// close the port to the others), over IPv4 and IPv6.
//
// to names an interface as a query's endpoint does: its ID, an instance
// ID or an instance's name (every interface of the instance: a Name tag
// on an interface of an instance stands for the instance, though the aws
// loader gives an instance's Name tag to its primary interface only; a
// Name tag on interfaces of different instances is an error), the Name
// tag of an interface of no instance, or any address of it: a private
// address, a public or Elastic IP, an IPv6 address, an address of a
// prefix delegated to it (that interface alone). Whichever is given, the
// assertion covers every address the
// internet can send to each interface it names at, as [reach.Model.Audit] lists
// them ([reach.Finding].Address and Prefix): the public IP of its first
// private address (or that address when it has none), the public or
// Elastic IP of each of its other private addresses, each of its IPv6
// addresses and each IPv6 prefix delegated to it. So "10.0.1.10" fails
// when the public IP of the interface holding it is open. An address no
// interface holds fails the assertion with an error.
//
// The answer is the audit's (from every client port, the zero
// [reach.AuditOptions].SrcPort, port by port: [reach.AuditOptions].ByPort,
// with a catalogue of one service of the ports): exact over every port,
// internet address and client port. Only a security group rule opens a
// port of an interface to the internet, so the ports no rule opens to
// internet addresses cost nothing; the ports a rule opens are asked once
// per set of ports no filter on the way tells apart, per address and
// family, not port by port: "1-65535" against a group open to the whole
// internet is answered as fast as "ssh". On failure it reports, for each port, each address
// it is exposed at, the internet addresses that reach it and the rules
// that open it, and returns false. Where the input does not decide (a
// rule naming a prefix list the input does not hold, say), the assertion
// fails too, saying the exposure is undecided, with the undecided hop's
// code and what the input lacks. An error (a design the audit cannot
// answer, a name no interface holds) fails it as well.
func AssertNotExposed(t TestingT, m *reach.Model, to string, ports string) bool {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	fail := func(msg string) bool {
		t.Errorf("reachtest: AssertNotExposed %s: %s", textsafe.String(to), textsafe.String(msg))
		return false
	}
	if m == nil {
		return fail(nilModel)
	}
	if err := notEmpty(to, "to"); err != nil {
		return fail(err.Error())
	}
	want, err := flow.ParsePortSet(ports)
	if err != nil {
		return fail(err.Error())
	}
	if err := noPortZero(want); err != nil {
		return fail(err.Error())
	}
	ifaces, _, err := interfacesOf(m, to)
	if err != nil {
		return fail(err.Error())
	}
	cat := []reach.Risk{{Service: "tcp", Protocol: flow.TCP, Ports: want, Severity: reach.High}}
	exposed, undecided := flow.PortSet{}, flow.PortSet{}
	var groups []exposureGroup
	for _, v6 := range []bool{false, true} {
		a, err := m.Audit(reach.AuditOptions{Catalogue: cat, IPv6: v6, ByPort: true})
		if err != nil {
			return fail(err.Error())
		}
		for _, f := range a.Findings {
			if !slices.Contains(ifaces, f.Interface) || f.Exposure == reach.Closed {
				continue
			}
			if f.Exposure == reach.Exposed {
				exposed = exposed.Union(f.Ports)
			} else {
				undecided = undecided.Union(f.Ports)
			}
			groups = addFinding(groups, f, v6)
		}
	}
	if exposed.IsEmpty() && undecided.IsEmpty() {
		return true
	}
	var what []string
	if !exposed.IsEmpty() {
		what = append(what, fmt.Sprintf("it is exposed on %s", portsText(exposed)))
	}
	if und := undecided.Difference(exposed); !und.IsEmpty() {
		what = append(what, fmt.Sprintf("whether it is exposed on %s is undecided (indeterminate: it depends on what the input does not hold)", portsText(und)))
	} else if !undecided.IsEmpty() {
		what = append(what, fmt.Sprintf("at some addresses or over a family, whether it is exposed on %s is undecided (indeterminate: it depends on what the input does not hold)", portsText(undecided)))
	}
	var b strings.Builder
	for i, g := range groups {
		if i == maxGroups {
			fmt.Fprintf(&b, "  and %d more (ports, addresses and rules alike are merged; ask reach.Model.Audit for every one)\n", len(groups)-i)
			break
		}
		describeExposure(&b, m, g.f, g.ports, g.v6)
	}
	t.Errorf("expected no internet address to reach %s on tcp %s from any client port, but %s:\n%s",
		textsafe.String(to), portsText(want), strings.Join(what, ", and "), strings.TrimSuffix(b.String(), "\n"))
	return false
}

// maxGroups is how many merged findings an AssertNotExposed failure
// describes.
const maxGroups = 10

// exposureGroup is the findings of ports alike: one family, interface,
// address, exposure, sources and opening rules; f is the first of them.
type exposureGroup struct {
	f     reach.Finding
	v6    bool
	ports flow.PortSet
}

// addFinding merges f into the group of findings alike, or starts one.
func addFinding(groups []exposureGroup, f reach.Finding, v6 bool) []exposureGroup {
	for i, g := range groups {
		if g.v6 == v6 && g.f.Interface == f.Interface && g.f.Address == f.Address && g.f.Prefix == f.Prefix &&
			g.f.PrefixesUnknown == f.PrefixesUnknown && g.f.Exposure == f.Exposure &&
			slices.Equal(g.f.Sources, f.Sources) && slices.Equal(g.f.OpenedBy, f.OpenedBy) {
			groups[i].ports = g.ports.Union(f.Ports)
			return groups
		}
	}
	return append(groups, exposureGroup{f: f, v6: v6, ports: f.Ports})
}

// noPortZero refuses port 0 in a port set the assertions are given: no
// tcp or udp client connects to it.
func noPortZero(ps flow.PortSet) error {
	if !ps.Intersect(flow.SetOf(flow.Single[uint16](0))).IsEmpty() {
		return fmt.Errorf("port set %s holds port 0, which no client connects to: name ports 1-65535", ps)
	}
	return nil
}

// interfacesOf returns the IDs of the interfaces to names, as a query's
// endpoint names them: one whose ID it is, else every interface of the
// instance whose ID it is, else those whose Name tag it is, or the
// interface holding the address it is (private, public or Elastic IP,
// IPv6, or of a prefix delegated to it). A Name tag on an interface of an
// instance stands for the instance, every interface of it (as its ID
// does): an instance's Name tag is the instance's, though the aws loader
// gives it to the primary interface only, and the model does not tell it
// from an interface's own. A Name tag on interfaces of two instances, or
// on an interface of none and another, is an error. query is the name a
// [reach.Query] is to use for it: to itself, or the instance's ID when
// the Name tag is on several of its interfaces (a query refuses such a
// name as ambiguous). A space stands for the \u0020 of a Terraform
// address's key, as in a query.
func interfacesOf(m *reach.Model, to string) (ids []string, query string, err error) {
	all := m.Interfaces()
	if a, err := netip.ParseAddr(to); err == nil {
		owner, ok := m.Owner(a)
		if ok && slices.ContainsFunc(all, func(in reach.Interface) bool { return in.ID == owner }) {
			return []string{owner}, to, nil
		}
		if ok {
			return nil, "", fmt.Errorf("%s is %s's address, no interface's: AssertNotExposed asks about an interface", to, owner)
		}
		return nil, "", fmt.Errorf("no interface of the design holds %s", to)
	}
	for _, name := range []string{to, strings.ReplaceAll(to, " ", `\u0020`)} {
		var byID, byInstance []string
		var byName []reach.Interface
		for _, in := range all {
			if name == in.ID {
				byID = append(byID, in.ID)
			}
			if name == in.Instance {
				byInstance = append(byInstance, in.ID)
			}
			if name == in.Name {
				byName = append(byName, in)
			}
		}
		switch {
		case len(byID) > 0:
			return byID, to, nil
		case len(byInstance) > 0:
			return byInstance, to, nil
		case len(byName) > 0:
			return byNameTag(all, to, byName)
		}
		if !strings.Contains(to, " ") {
			break
		}
	}
	return nil, "", fmt.Errorf("%q names no interface of the design (an ID, an instance ID, a Name tag or an address of one)", to)
}

// byNameTag resolves to, the Name tag of the interfaces named (of all,
// the design's): the one interface when it is of no instance, else every
// interface of the one instance they are all of. query is to, or the
// instance's ID when several interfaces carry the tag.
func byNameTag(all []reach.Interface, to string, named []reach.Interface) (ids []string, query string, err error) {
	inst := named[0].Instance
	for _, in := range named[1:] {
		if in.Instance != inst || inst == "" {
			var on []string
			for _, in := range named {
				of := "of no instance"
				if in.Instance != "" {
					of = "of " + in.Instance
				}
				on = append(on, in.ID+" "+of)
			}
			return nil, "", fmt.Errorf("name %q is on interfaces that are not all of one instance (%s); use an ID", to, strings.Join(on, ", "))
		}
	}
	if inst == "" {
		return []string{named[0].ID}, to, nil
	}
	for _, in := range all {
		if in.Instance == inst {
			ids = append(ids, in.ID)
		}
	}
	query = to
	if len(named) > 1 {
		query = inst
	}
	return ids, query, nil
}

// describeExposure writes one finding of the audit AssertNotExposed runs:
// the port, the address the internet sends to, the family, the internet
// addresses that reach it (or might), and the rules that open it; for an
// undecided one, the undecided hops of a session from one of those
// addresses, with their codes and what the input lacks.
func describeExposure(b *strings.Builder, m *reach.Model, f reach.Finding, ports flow.PortSet, v6 bool) {
	port := ports.Ranges()[0].Lo
	if ports.Ranges()[0].Hi == port && len(ports.Ranges()) == 1 {
		fmt.Fprintf(b, "  port %d", port)
		if name := flow.ServiceName(port); name != "" {
			fmt.Fprintf(b, " (%s)", name)
		}
	} else {
		fmt.Fprintf(b, "  ports %s", portsText(ports))
	}
	family := "IPv4"
	if v6 {
		family = "IPv6"
	}
	at := f.Address.String()
	switch {
	case f.PrefixesUnknown != "":
		at = "free addresses of " + f.Prefix.String() + ", which prefixes delegated at launch may hold (" + textsafe.String(f.PrefixesUnknown) + " is known only later)"
	case f.Prefix.IsValid():
		at = "delegated prefix " + f.Prefix.String()
	}
	name := textsafe.String(f.Interface)
	if f.Name != "" {
		name = textsafe.String(f.Name) + " (" + name + ")"
	}
	fmt.Fprintf(b, ", %s, at %s of %s:\n", family, at, name)
	if f.Exposure == reach.Exposed {
		fmt.Fprintf(b, "    exposed: reached, from some client port, by %s\n", internetText(f.Sources))
	} else {
		fmt.Fprintf(b, "    undecided: no internet address reaches it for certain, but the input leaves it open from %s\n", internetText(f.Sources))
	}
	for _, o := range f.OpenedBy {
		fmt.Fprintf(b, "    opened by %s\n", textsafe.String(o))
	}
	if len(f.Sources) == 0 || f.PrefixesUnknown != "" {
		return
	}
	// A session from one of the sources, at the first of a few client
	// ports that shows the finding's outcome: what lets it in, or what
	// leaves it undecided.
	from := widest(f.Sources)
	want := reach.Indeterminate
	if f.Exposure == reach.Exposed {
		want = reach.Reachable
	}
	common := []uint16{reach.DefaultSourcePort, 1024, 32768, 61000, 1}
	r, cp, ok := sessionWith(m, reach.Query{From: from.String(), To: f.Address.String(), Protocol: f.Protocol, Port: port, IPv6: v6}, want, common)
	switch {
	case ok && want == reach.Reachable:
		fmt.Fprintf(b, "    from %s, one of them, port %d, client port %d, the request passes:\n", from, port, cp)
		passLines(b, r)
		return
	case ok:
		fmt.Fprintf(b, "    from %s, one of them, client port %d, the session is undecided (%s) at:\n", from, cp, want)
		for _, h := range r.Undecided() {
			fmt.Fprintf(b, "      %s at %s %s: %s\n", h.Code, h.Kind, textsafe.String(h.ID), textsafe.String(h.Missing))
		}
		return
	case want == reach.Reachable:
		// The audit found it open from some client port, but from this
		// source no client port traces it: say so rather than leave the
		// passing rules out in silence.
		fmt.Fprintf(b, "    from %s, one of them, port %d: no client port traced here is open (ask reach.Model.Ports with ClientPorts for the client ports it is open from)\n", from, port)
		return
	}
	if f.Prefix.IsValid() {
		fmt.Fprintf(b, "    undecided for the prefix as a whole: the design could treat its addresses apart (a route or block inside it, a firewall), and the audit answers for its first address\n")
	}
}

// sessionWith returns the session q asks (its SrcPort left out) from the
// first of the common client ports whose outcome is want, else from a
// client port clientPortOf finds, and that client port; ok is false when
// no client port gives the outcome.
func sessionWith(m *reach.Model, q reach.Query, want reach.Outcome, common []uint16) (r *reach.Result, cp uint16, ok bool) {
	try := func(cp uint16) (*reach.Result, bool) {
		q.SrcPort = cp
		r, err := m.Check(q)
		return r, err == nil && r.Outcome == want
	}
	for _, cp := range common {
		if r, ok := try(cp); ok {
			return r, cp, true
		}
	}
	if cp, ok := clientPortOf(m, reach.PortsQuery{From: q.From, To: q.To, Protocol: q.Protocol, IPv6: q.IPv6}, q.Port, want); ok {
		if r, ok := try(cp); ok {
			return r, cp, true
		}
	}
	return nil, 0, false
}

// clientPortOf finds a client port from which the session pq asks to
// port has the outcome want ([reach.Reachable] or
// [reach.Indeterminate]): it halves the client ports 1-65535, asking
// [reach.Model.Ports] of both halves and going on into one whose answer
// holds port (open from every client port of it, or from some; for want
// Indeterminate, left open by the input), sixteen questions at most. ok
// is false when no client port has the outcome, or Ports errs.
func clientPortOf(m *reach.Model, pq reach.PortsQuery, port uint16, want reach.Outcome) (cp uint16, ok bool) {
	p := flow.SetOf(flow.Single(port))
	lo, hi := uint16(1), uint16(65535)
	for lo < hi {
		mid := lo + (hi-lo)/2
		pq.ClientPorts = []nacl.NamedRange{
			{Name: "lower", Ports: flow.PortRange{Lo: lo, Hi: mid}},
			{Name: "upper", Ports: flow.PortRange{Lo: mid + 1, Hi: hi}},
		}
		r, err := m.Ports(pq)
		if err != nil {
			return 0, false
		}
		next := -1
		for i, c := range r.Clients {
			every, some := !c.Open.Intersect(p).IsEmpty(), !c.Open.Union(c.Partly).Intersect(p).IsEmpty()
			if want == reach.Indeterminate {
				every, some = false, !c.Indeterminate.Intersect(p).IsEmpty()
			}
			if every {
				return c.Range.Ports.Lo, true
			}
			if some && next < 0 {
				next = i
			}
		}
		if next < 0 {
			return 0, false
		}
		lo, hi = r.Clients[next].Range.Ports.Lo, r.Clients[next].Range.Ports.Hi
	}
	return lo, true
}

// passLines writes the filter hops of r's request that a rule decided:
// the rules that let it in.
func passLines(b *strings.Builder, r *reach.Result) {
	for _, h := range r.Forward {
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

// internetText writes a set of internet addresses as [reach.SourcesResult]
// writes its internet line: "every IPv4 address but 10.0.0.0/8, ...".
func internetText(ps []netip.Prefix) string {
	r := reach.SourcesResult{Internet: ps}
	for _, line := range strings.Split(r.String(), "\n") {
		if t, ok := strings.CutPrefix(line, "  internet: "); ok {
			return t
		}
	}
	return fmt.Sprint(ps)
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

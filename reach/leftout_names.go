package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// LeftOutNames are the names of a network interface a loader leaves out
// of the model (of an instance that is pending, stopping or stopped, or
// whose State the input does not print; one that is attaching or
// detaching; one attached to nothing), which an [UnmodelledAddress] or a
// [HostlessAddress] declares beside one of its addresses. A query may name
// the interface by any of them, as it names a modelled one (see [Query]):
// its answer is then that of the interface's address a query naming a
// modelled interface would use (of the query's family; its public IPv4
// address, when it has one declared, from the internet or from a VPC
// that is not the interface's and not peered with it; else its first
// private address declared): undecided ([UnmodelledDestination], naming
// the interface and why it is left out) for an unmodelled address, a
// certain drop naming it for a hostless one. As a query's source such a
// name is an error wrapping [ErrQuery] that says the interface is left
// out and why: its filters, and what it sends, are not in the model.
//
// The declarations of one interface (one per address) should carry the
// same names. A name of a modelled interface wins over an equal one of a
// left-out interface (a Name tag too: a stopped instance kept with the
// running one's tag takes no traffic), and an ID (interface or instance)
// over a Name tag; a Name tag on several modelled interfaces, or on no
// modelled one and several left out, is ambiguous (the query must use an
// ID). An instance ID on several left-out interfaces names the one of
// lowest Device (its primary interface, as for a modelled instance), the
// one declared first among equal ones.
type LeftOutNames struct {
	// Interface is the network interface's ID ("eni-0b"); "" reads as
	// the declaration's Owner when Instance or Name is set.
	Interface string
	// Instance is the ID of the instance it is attached to ("i-0b"), ""
	// when none.
	Instance string
	// Name is its Name tag (for an instance's primary interface without
	// one of its own, the instance's), "" when none.
	Name string
	// Device is the device index of its attachment to Instance (0: the
	// primary interface, which the instance ID names); a negative one is
	// unknown and comes after every known one.
	Device int
}

// isZero reports whether n names nothing.
func (n LeftOutNames) isZero() bool { return n.Interface == "" && n.Instance == "" && n.Name == "" }

// leftOutIface is a network interface a loader leaves out, as the
// declarations of its addresses name it.
type leftOutIface struct {
	id   string // its interface ID
	what string // why it is left out: the first declaration's What
	// instance and name are its instance's ID and its Name tag, "" when
	// no declaration gives them
	instance, name string
	// device is its first declaration's Device
	device int
	// addrs are its addresses declared (unmodelled or hostless) that
	// nothing else of the design holds, in the order declared
	addrs []netip.Addr
	// vpc is the VPC of its first address inside one, nil when none is
	vpc *vpcInfo
}

// leftOutRef is what one word of a query names among the interfaces left
// out: as nameRef, by ID, instance ID or Name tag.
type leftOutRef struct {
	kind   nameKind
	ifaces []*leftOutIface
}

// buildLeftOutNames checks the names declared beside the unmodelled and
// hostless addresses and indexes them for the queries: an address the
// build took for another holder's (or refused) names nothing.
func (b *Builder) buildLeftOutNames(p *problems, m *Model) {
	byID := map[string]*leftOutIface{}
	var order []*leftOutIface
	add := func(kind string, i int, owner, what string, a netip.Addr, n LeftOutNames) {
		if n.isZero() {
			return
		}
		for _, f := range []struct{ field, v string }{{"Interface", n.Interface}, {"Instance", n.Instance}} {
			if strings.ContainsAny(f.v, " \t\n") {
				p.add(owner, path(kind, i, f.field), f.v, "not an ID: an ID has no spaces")
				return
			}
		}
		if n.Name != "" && strings.TrimSpace(n.Name) == "" {
			p.add(owner, path(kind, i, "Name"), n.Name, "a Name tag of spaces only names nothing a query could give")
			return
		}
		id := cmp.Or(n.Interface, owner)
		lo := byID[id]
		if lo == nil {
			lo = &leftOutIface{id: id, what: what, device: n.Device}
			byID[id] = lo
			order = append(order, lo)
		}
		// a later declaration adds the names the first left out
		lo.instance, lo.name = cmp.Or(lo.instance, n.Instance), cmp.Or(lo.name, n.Name)
		lo.addrs = append(lo.addrs, a)
		if v := m.vpcAt(a); v != nil && lo.vpc == nil {
			lo.vpc = v
		}
	}
	for i, u := range b.unmodelled {
		if x, ok := m.unmodelled[u.Address]; ok && x.UnmodelledAddress == u {
			add("unmodelledAddresses", i, u.Owner, cmp.Or(u.What, "resource reachsim does not model"), u.Address, u.LeftOutNames)
		}
	}
	for i, h := range b.hostless {
		if x, ok := m.hostless[h.Address]; ok && x == h && !m.holds(h.Address) && m.unmodelled[h.Address] == nil {
			add("hostlessAddresses", i, h.Owner, cmp.Or(h.What, "resource that delivers to no host"), h.Address, h.LeftOutNames)
		}
	}
	if len(order) == 0 {
		return
	}
	m.leftOutNames = map[string]leftOutRef{}
	for _, lo := range order {
		m.leftOutNames[lo.id] = leftOutRef{kind: nameID, ifaces: []*leftOutIface{lo}}
	}
	// an instance ID names its primary interface first (as a modelled
	// instance's: the lowest device index, unknown ones last)
	byDevice := slices.Clone(order)
	slices.SortStableFunc(byDevice, func(a, b *leftOutIface) int { return cmp.Compare(uint(a.device), uint(b.device)) })
	for _, lo := range byDevice {
		if r := m.leftOutNames[lo.instance]; lo.instance != "" && r.kind != nameID {
			r.kind, r.ifaces = nameInstance, append(r.ifaces, lo)
			m.leftOutNames[lo.instance] = r
		}
	}
	for _, lo := range order {
		if r := m.leftOutNames[lo.name]; lo.name != "" && (r.kind == nameNone || r.kind == nameTag) {
			r.kind, r.ifaces = nameTag, append(r.ifaces, lo)
			m.leftOutNames[lo.name] = r
		}
	}
}

// resolveName resolves spec, a word that is no address, among the
// interfaces of the design and those left out of it (LeftOutNames): an
// ID of a modelled interface or instance first, then one of a left-out
// interface or instance, then a Name tag, which must be on one interface
// only. ok is false when spec names nothing.
func (m *Model) resolveName(spec string) (e endpoint, ok bool, err error) {
	r := m.names[spec]
	switch r.kind {
	case nameID:
		return endpoint{iface: r.ifaces[0]}, true, nil
	case nameInstance:
		return endpoint{iface: r.ifaces[0], inst: spec}, true, nil
	}
	var lr leftOutRef
	if len(m.leftOutNames) > 0 { // a lookup less for a design that leaves nothing out
		lr = m.leftOutNames[spec]
	}
	switch lr.kind {
	case nameID, nameInstance:
		return endpoint{leftOut: lr.ifaces[0], named: spec}, true, nil
	}
	switch {
	case len(r.ifaces)+len(lr.ifaces) == 0:
		return endpoint{}, false, nil
	case len(r.ifaces) == 1:
		// a modelled interface's Name tag wins over left-out ones (a
		// stopped instance kept with the running one's tag takes no
		// traffic), as its IDs do
		return endpoint{iface: r.ifaces[0]}, true, nil
	case len(r.ifaces) == 0 && len(lr.ifaces) == 1:
		return endpoint{leftOut: lr.ifaces[0], named: spec}, true, nil
	case len(lr.ifaces) == 0 && oneInstance(r.ifaces):
		// a Name tag on several interfaces of one instance names the
		// instance (tagged alike, as an instance's tag is often copied
		// to its interfaces): the first of them answers, as the first of
		// an instance ID's does
		return endpoint{iface: r.ifaces[0], inst: r.ifaces[0].Instance}, true, nil
	}
	var ids []string
	for _, ii := range r.ifaces {
		ids = append(ids, ii.ID)
	}
	for _, lo := range lr.ifaces {
		ids = append(ids, lo.id+" (left out)")
	}
	return endpoint{}, true, fmt.Errorf("%w: name %q is on several interfaces (%s); use an ID", ErrQuery, spec, strings.Join(ids, ", "))
}

// oneInstance reports whether every interface of ifaces belongs to one
// instance.
func oneInstance(ifaces []*ifaceInfo) bool {
	inst := ifaces[0].Instance
	return inst != "" && !slices.ContainsFunc(ifaces[1:], func(ii *ifaceInfo) bool { return ii.Instance != inst })
}

// leftOutSource is the error of a query whose source, named from,
// is an interface left out of the model.
func leftOutSource(from string, lo *leftOutIface) error {
	return fmt.Errorf("from: %w: %q is %s, which reachsim leaves out of the model (%s): its security groups, and what it sends and by which way, are not in the design, so it cannot be a query's source",
		ErrQuery, from, lo.id, lo.what)
}

// pinLeftOut resolves dst, an end naming an interface left out of the
// model, at the address a query naming a modelled interface would use
// (addresses): of family v6, its public IPv4 address when it has one
// declared and src reaches it from outside its VPC (the internet, a
// host outside the design whose address the internet routes, a VPC that
// is not its own and not peered with it), else its first address of the
// family inside a VPC, else its public one. The end is then that
// address's, as a query naming the address gets it.
func (m *Model) pinLeftOut(dst, src endpoint, v6 bool) (endpoint, error) {
	lo := dst.leftOut
	inside, public := m.leftOutAddrs(lo, v6)
	outside := src.iface == nil && src.addr.IsValid() && !unroutable(src.addr) ||
		src.iface != nil && (lo.vpc == nil || src.iface.subnet.vpc != lo.vpc && !m.peered(src.iface.subnet.vpc, lo.vpc))
	a := inside
	if public.IsValid() && (outside || !inside.IsValid()) {
		a = public
	}
	if !a.IsValid() {
		fam := "IPv4"
		if v6 {
			fam = "IPv6"
		}
		return endpoint{}, fmt.Errorf("to: %w: %q is %s, which reachsim leaves out of the model (%s), and the design holds no %s address of it", ErrQuery, dst.named, lo.id, lo.what, fam)
	}
	return m.resolve(a.String())
}

// leftOutAddrs is the first address of family v6 of lo inside a VPC,
// and the first outside every VPC (a public one).
func (m *Model) leftOutAddrs(lo *leftOutIface, v6 bool) (inside, public netip.Addr) {
	for _, a := range lo.addrs {
		switch {
		case a.Is6() != v6:
		case m.vpcAt(a) != nil:
			if !inside.IsValid() {
				inside = a
			}
		case !public.IsValid():
			public = a
		}
	}
	return inside, public
}

// leftOutLabel is the heading of a set question (Sources) to e, an end
// naming an interface left out of the model: what was asked (the name,
// the interface, why it is left out) and the addresses of family v6 its
// questions use (pinLeftOut): its public one from outside its VPC, its
// private one from its VPC and those peered with it. It is never the
// heading of a question to one of those addresses, whose answers differ.
func (m *Model) leftOutLabel(e endpoint, v6 bool) string {
	lo := e.leftOut
	inside, public := m.leftOutAddrs(lo, v6)
	head := e.named
	if e.named != lo.id {
		head += " (" + lo.id + ")"
	}
	head += ", " + lo.what + ", not modelled"
	switch {
	case inside.IsValid() && public.IsValid() && lo.vpc != nil:
		return fmt.Sprintf("%s: at %s from the internet and from outside %s, at %s from %s and the VPCs peered with it", head, public, lo.vpc.ID, inside, lo.vpc.ID)
	case inside.IsValid():
		return fmt.Sprintf("%s: at %s", head, inside)
	case public.IsValid():
		return fmt.Sprintf("%s: at %s", head, public)
	}
	return head
}

package reach

import (
	"cmp"
	"net/netip"
	"reflect"
	"runtime"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// The causes of a change. For each changed pair, one session of each
// kind of change (gained, lost, indeterminate gained or lost) is traced
// in both models ([Model.Check], from the default client port): the
// resources its hops meet in either model — the ends' security groups,
// the network ACLs and subnets crossed, the route tables consulted, the
// gateways, NAT gateways and firewalls crossed — are the pair's path.
// Where the session works the trace covers the whole path; where it is
// blocked, the path up to the hop that blocks it. A resource that
// changed and lies on that path is a cause; so are the ends themselves
// (an interface that changed), the VPC of an end's subnet (its main
// route table and default ACL), a prefix list a group or route table on
// the path references, and Block Public Access when the path crosses an
// internet gateway. For the internet as an end, the session is traced
// from (or to) internet addresses inside the blocks the changed
// resources name, then a few of every kind, to (or from) the interface's
// ID and then each other address the internet meets it at (netEnds),
// until one shows the change
// (it works on one side and not the other, as the change says); when none
// does, nothing is attributed and the change's Note says so.

// maxWitnesses is how many internet addresses are tried for one change.
const maxWitnesses = 48

// causeKind is one kind of change of a pair, with a session of it.
type causeKind struct {
	q    Query
	want func(before, after Outcome) bool
}

// attribute finds the causes of every change of c.
func (c *diffCompare) attribute(a, b *Model, out *DiffResult, o DiffOptions) error {
	witnesses := internetWitnesses(a, b, out.Resources, !o.IPv6)
	byID := map[string]int{}
	for i, r := range out.Resources {
		byID[r.ID] = i
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	parallel(len(c.changes), workers, func(k int) {
		ch := &c.changes[k]
		f, t := c.nodes[ch.from], c.nodes[ch.to]
		pc := &out.Changes[k]
		pc.Causes, pc.Note = causesOf(a, b, f, t, pc, out.Resources, witnesses, o.IPv6)
	})
	return nil
}

// causesOf traces the change pc from f to t in both models.
func causesOf(a, b *Model, f, t *diffNode, pc *PairChange, res []ResourceChange, witnesses []netip.Addr, v6 bool) ([]Cause, string) {
	from, to := "", ""
	if !f.net {
		from = f.ids[0]
	}
	if !t.net {
		to = t.ids[0]
		if f == t {
			to = t.ids[1]
		}
	}
	kinds := changeKinds(pc, v6)
	var onA, onB map[string]bool
	found := false
	candidates := []netip.Addr{{}}
	if f.net || t.net {
		candidates = append(addressWitnesses(a, b, pc), witnesses...)
	}
	// the interface's end toward the internet: its ID, then every other
	// address the internet meets it at (internetEnds)
	var ends []string
	switch {
	case f.net && !t.net:
		ends = netEnds(a, b, to, v6, true)
	case t.net && !f.net:
		ends = netEnds(a, b, from, v6, false)
	default:
		ends = []string{""}
	}
search:
	for _, end := range ends {
		for _, x := range candidates {
			qf, qt := from, to
			if f.net {
				qf, qt = x.String(), end
			}
			if t.net {
				qf, qt = end, x.String()
			}
			pa, pb, ok := tracePaths(a, b, qf, qt, kinds, f.net || t.net)
			if ok {
				onA, onB, found = pa, pb, true
				break search
			}
		}
	}
	if !found {
		if held := heldCauses(pc, res); len(held) > 0 {
			return held, ""
		}
		return []Cause{}, "no internet address traced shows the change: causes not attributed"
	}
	for _, nd := range []*diffNode{f, t} {
		if nd.net {
			continue
		}
		id := nd.ids[0]
		if nd == t && f == t {
			id = nd.ids[1]
		}
		onA[id], onB[id] = true, true
		for _, on := range []struct {
			m  *Model
			on map[string]bool
		}{{a, onA}, {b, onB}} {
			if ii, ok := on.m.ifaces[id]; ok {
				on.on[ii.Subnet] = true // an end's subnet: its associations decide its route table and ACL
			}
		}
	}
	out := []Cause{}
	for _, r := range res {
		ina, inb := onA[r.ID], onB[r.ID]
		if r.Kind == ResourceBlockPublicAccess {
			ina, inb = onA[bpaOnPath], onB[bpaOnPath]
		}
		if r.Kind == ResourcePrefixList || r.Kind == ResourceVPC {
			ina, inb = onA[r.Kind+":"+r.ID], onB[r.Kind+":"+r.ID]
		}
		if r.Kind == ResourceUnmodelledBlock || r.Kind == ResourceUnmodelledAddress {
			out = append(out, heldCauses(pc, []ResourceChange{r})...)
			continue
		}
		switch {
		case ina && inb:
			out = append(out, Cause{r, "both"})
		case ina:
			out = append(out, Cause{r, "before"})
		case inb:
			out = append(out, Cause{r, "after"})
		}
	}
	return out, ""
}

// netEnds names the ends of interface id toward the internet in a or b:
// id itself (its first address, or that address's public IP), then each
// other address at which the internet meets it (internetEnds: the
// Elastic IPs of its secondary private addresses as the destination,
// those addresses as the source; its other IPv6 addresses), in either
// model, each once.
func netEnds(a, b *Model, id string, v6, fromInternet bool) []string {
	out := []string{id}
	for _, m := range []*Model{a, b} {
		ii, ok := m.ifaces[id]
		if !ok {
			continue
		}
		ends := ii.internetEnds(v6, fromInternet)
		for _, e := range ends[min(1, len(ends)):] {
			if s := e.String(); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// bpaOnPath marks a path that crosses an internet gateway.
const bpaOnPath = "\x00bpa"

// changeKinds returns a session of each kind of change of pc, and what
// shows it.
func changeKinds(pc *PairChange, v6 bool) []causeKind {
	var out []causeKind
	add := func(t Traffic, want func(x, y Outcome) bool) {
		if q, ok := sessionOf(t, v6); ok {
			out = append(out, causeKind{q, want})
		}
	}
	add(pc.Gained, func(x, y Outcome) bool { return y == Reachable && x != Reachable })
	add(pc.Lost, func(x, y Outcome) bool { return x == Reachable && y != Reachable })
	add(pc.IndeterminateGained, func(x, y Outcome) bool { return y == Indeterminate && x != Indeterminate })
	add(pc.IndeterminateLost, func(x, y Outcome) bool { return x == Indeterminate && y != Indeterminate })
	return out
}

// sessionOf returns a query (without ends) of one session of t.
func sessionOf(t Traffic, v6 bool) (Query, bool) {
	q := Query{IPv6: v6}
	switch {
	case !t.TCP.IsEmpty():
		q.Protocol, q.Port = flow.TCP, t.TCP.Ranges()[0].Lo
	case !t.UDP.IsEmpty():
		q.Protocol, q.Port = flow.UDP, t.UDP.Ranges()[0].Lo
	case len(t.ICMP) > 0:
		q.Protocol = flow.ICMP
		if v6 {
			q.Protocol = flow.ICMPv6
		}
		q.ICMP = &ICMPMessage{Type: t.ICMP[0].Type, Code: t.ICMP[0].Codes.Ranges()[0].Lo}
	case !t.Other.IsEmpty():
		q.Protocol = flow.Protocol(t.Other.Ranges()[0].Lo)
	default:
		return q, false
	}
	return q, true
}

// tracePaths traces every kind of change from one end to the other in
// each model that holds both ends, and returns the resources of the hops
// whose decision differs between the traces, in each; with witness,
// false unless every kind shows as it should.
func tracePaths(a, b *Model, from, to string, kinds []causeKind, witness bool) (onA, onB map[string]bool, ok bool) {
	onA, onB = map[string]bool{}, map[string]bool{}
	for _, k := range kinds {
		q := k.q
		q.From, q.To = from, to
		ra, errA := a.Check(q)
		rb, errB := b.Check(q)
		if witness && (errA != nil || errB != nil || !k.want(ra.Outcome, rb.Outcome)) {
			return nil, nil, false
		}
		var ha, hb []Hop
		if errA == nil {
			ha = slices.Concat(ra.Forward, ra.Return)
		}
		if errB == nil {
			hb = slices.Concat(rb.Forward, rb.Return)
		}
		a.pathOf(differing(ha, hb, b), onA)
		b.pathOf(differing(hb, ha, a), onB)
	}
	return onA, onB, true
}

// hopPlace is a hop's place: its leg, component and direction.
type hopPlace struct {
	leg       Leg
	kind      Kind
	id, name  string
	direction flow.Direction
}

// differing returns the hops of hs whose decision the trace in the other
// model, others, does not share: a hop of the same place with another
// verdict, deciding rule or code, or none there (the paths parted). A
// network ACL the other trace does not reach is judged by the other
// model's version of it, when it has one, on the same packet.
func differing(hs, others []Hop, other *Model) []Hop {
	same := map[hopPlace][]Hop{}
	for _, h := range others {
		k := hopPlace{h.Leg, h.Kind, h.ID, h.Name, h.Direction}
		same[k] = append(same[k], h)
	}
	var out []Hop
	for _, h := range hs {
		k := hopPlace{h.Leg, h.Kind, h.ID, h.Name, h.Direction}
		if slices.ContainsFunc(same[k], func(o Hop) bool { return o.Verdict == h.Verdict && o.Rule == h.Rule && o.Code == h.Code }) {
			continue
		}
		if len(same[k]) == 0 && h.Kind == KindNetworkACL {
			if x, ok := other.acls[h.ID]; ok {
				if d := x.ev.Evaluate(h.Packet, h.Direction); d.Verdict == h.Verdict {
					continue
				}
			}
		}
		out = append(out, h)
	}
	return out
}

// pathOf adds to on the resources hops meet in m, by ID; a VPC and a
// prefix list as "vpc:ID" and "prefix-list:ID".
func (m *Model) pathOf(hops []Hop, on map[string]bool) {
	for _, h := range hops {
		switch h.Kind {
		case KindSecurityGroups:
			for _, g := range strings.Split(h.ID, ",") {
				on[g] = true
				if grp, ok := m.groups[g]; ok {
					for _, rl := range grp.Rules {
						if rl.Peer.PrefixList != "" {
							on[ResourcePrefixList+":"+rl.Peer.PrefixList] = true
						}
					}
				}
			}
		case KindNetworkACL:
			on[h.ID], on[h.Name] = true, true
			if s, ok := m.subnets[h.Name]; ok {
				on[ResourceVPC+":"+s.VPC] = true
			}
		case KindRouteTable:
			on[h.ID] = true
			if rt, ok := m.rts[h.ID]; ok {
				on[ResourceVPC+":"+rt.VPC] = true
				for _, rr := range rt.Routes {
					if rr.PrefixList != "" {
						on[ResourcePrefixList+":"+rr.PrefixList] = true
					}
				}
			}
		case KindFirewall:
			on[h.ID] = true
			if e, ok := m.endpoints[h.ID]; ok {
				on[e.fw.ID], on[e.subnet.ID] = true, true
			}
		case KindInternetGateway:
			on[h.ID], on[bpaOnPath] = true, true
		default:
			on[h.ID] = true
		}
	}
}

// internetWitnesses lists internet addresses to trace a change with: one
// inside each block that a rule, ACL entry or route added or removed
// names, then one of every piece of the internet a cuts, up to
// maxWitnesses.
func internetWitnesses(a, b *Model, res []ResourceChange, is4 bool) []netip.Addr {
	var blocks []netip.Prefix
	for _, r := range res {
		switch r.Kind {
		case ResourceSecurityGroup:
			var x, y []sg.Rule
			if g, ok := a.groups[r.ID]; ok {
				x = g.Rules
			}
			if g, ok := b.groups[r.ID]; ok {
				y = g.Rules
			}
			for _, rl := range symmetricDifference(x, y) {
				if rl.Peer.CIDR.IsValid() {
					blocks = append(blocks, rl.Peer.CIDR)
				}
			}
		case ResourceNetworkACL:
			var x, y []nacl.Entry
			if acl, ok := a.acls[r.ID]; ok {
				x = acl.acl.Entries
			}
			if acl, ok := b.acls[r.ID]; ok {
				y = acl.acl.Entries
			}
			for _, e := range symmetricDifference(x, y) {
				blocks = append(blocks, e.CIDR)
			}
		case ResourceRouteTable:
			var x, y []Route
			if rt, ok := a.rts[r.ID]; ok {
				x = rt.Routes
			}
			if rt, ok := b.rts[r.ID]; ok {
				y = rt.Routes
			}
			ps, _ := changedPrefixes(a, x, y)
			blocks = append(blocks, ps...)
		}
	}
	seen := map[netip.Addr]bool{}
	var out []netip.Addr
	add := func(x netip.Addr, ok bool) {
		if ok && x.Is4() == is4 && !seen[x] && len(out) < maxWitnesses {
			seen[x] = true
			out = append(out, x)
		}
	}
	// the most specific blocks first: a rule for a partner's block beats
	// the default route
	slices.SortStableFunc(blocks, func(x, y netip.Prefix) int { return y.Bits() - x.Bits() })
	for _, p := range blocks {
		if p.IsValid() {
			add(a.internetIn(flow.AddrRange{From: p.Masked().Addr(), To: addrset.Last(p)}))
		}
	}
	for _, piece := range a.internetPieces(is4) {
		add(a.internetIn(piece))
	}
	return out
}

// symmetricDifference returns the items of x not in y, then those of y
// not in x.
func symmetricDifference[T any](x, y []T) []T {
	var out []T
	for _, pair := range [2][2][]T{{x, y}, {y, x}} {
		for _, it := range pair[0] {
			if !slices.ContainsFunc(pair[1], func(o T) bool { return reflect.DeepEqual(o, it) }) {
				out = append(out, it)
			}
		}
	}
	return out
}

// heldCauses returns the unmodelled blocks and addresses among res
// ([Builder.AddUnmodelledBlock], [Builder.AddUnmodelledAddress]) that
// hold an internet address of pc, which changed: no trace meets them (a
// packet to them is undecided, and none starts there), but declaring or
// dropping one changes what those addresses are. OnPath is the model
// that declares it.
func heldCauses(pc *PairChange, res []ResourceChange) []Cause {
	var out []Cause
	for _, r := range res {
		var p netip.Prefix
		switch r.Kind {
		case ResourceUnmodelledBlock:
			p, _ = netip.ParsePrefix(r.ID)
		case ResourceUnmodelledAddress:
			if x, err := netip.ParseAddr(r.ID); err == nil {
				p = netip.PrefixFrom(x, x.BitLen())
			}
		default:
			continue
		}
		if !p.IsValid() || !slices.ContainsFunc(pc.Addresses, func(ac AddressChange) bool {
			return slices.ContainsFunc(ac.Addresses, p.Overlaps)
		}) {
			continue
		}
		on := map[string]string{resourceAdded: "after", resourceRemoved: "before"}[r.Change]
		out = append(out, Cause{r, cmp.Or(on, "both")})
	}
	return out
}

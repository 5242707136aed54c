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

// The causes of a change. For each changed pair, sessions of each kind
// of change (gained, lost, indeterminate gained or lost) are traced in
// both models ([Model.Check], from the default client port): one at the
// first port (ICMP type, protocol) of each range of the change, and one
// at each port inside it where a changed rule or entry starts or ends
// (sessionsOf), so that each changed resource meets a session it alone
// decides. The resources their hops meet in either model — the ends'
// security groups, the network ACLs and subnets crossed, the route
// tables consulted, the gateways, NAT gateways and firewalls crossed —
// are the pair's path, where the two traces' decisions differ.
// Where the session works the trace covers the whole path; where it is
// blocked, the path up to the hop that blocks it. A resource that
// changed and lies on that path is a cause; so are the ends themselves
// (an interface that changed, in the models that hold it), the VPC of an
// end's subnet (its main route table and default ACL), a prefix list a
// group or route table on the path references, and Block Public Access
// when the path crosses an internet gateway, an egress-only internet
// gateway or a carrier gateway, or is blocked there by it (bpaJudged). A
// subnet's zone (its AvailabilityZone, AZ ID or owner) is on the path
// only where a transit gateway crossing compared it and decided
// differently (diff_causes_zones.go). A security group on a
// differing hop is a cause only where one of its changed rules matches
// the session (groupChanges.matters): a hop that differs because the
// interface's groups or a referenced group's members changed does not
// make an unrelated change of a group a cause. For the internet as an
// end, each group of addresses that changed alike (PairChange.Addresses)
// is traced on its own, from (or to) internet addresses inside it, to (or
// from) the interface's ID and then each other address the internet
// meets it at (netEnds), until each of its sessions shows the change
// (it works on one side and not the other, as the change says; an
// interface absent from a model carries nothing there); the addresses
// whose change no trace shows are named by the change's Note.

// maxWitnesses is how many internet addresses are tried for one change.
const maxWitnesses = 48

// maxAddressGroups is how many of an internet pair's groups of
// addresses (PairChange.Addresses) are traced; the Note names the
// addresses of the others.
const maxAddressGroups = 16

// causeKind is one kind of change of a pair, with a session of it.
type causeKind struct {
	q    Query
	want func(before, after Outcome) bool
}

// causeTracer finds the causes of a diff's changes.
type causeTracer struct {
	a, b      *Model
	res       []ResourceChange
	witnesses []netip.Addr
	cuts      sessionCuts
	v6        bool
	groups    *groupChanges // diff_causes_sg.go
	// wa and wb are the worlds of a and b whose walks fork (their zone
	// and egress worlds, diff_causes_worlds.go); nil for a model that
	// does not fork
	wa, wb []*Model
}

// attribute finds the causes of every change of c.
func (c *diffCompare) attribute(a, b *Model, out *DiffResult, o DiffOptions) error {
	tr := &causeTracer{a: a, b: b, res: out.Resources, v6: o.IPv6,
		witnesses: internetWitnesses(a, b, out.Resources, !o.IPv6),
		cuts:      cutsOf(a, b, out.Resources), groups: groupChangesOf(a, b, out.Resources),
		wa: forkWorlds(a), wb: forkWorlds(b)}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	parallel(len(c.changes), workers, func(k int) {
		ch := &c.changes[k]
		f, t := c.nodes[ch.from], c.nodes[ch.to]
		pc := &out.Changes[k]
		pc.Causes, pc.Note = tr.causesOf(f, t, pc)
	})
	return nil
}

// causesOf traces the change pc from f to t in both models.
func (tr *causeTracer) causesOf(f, t *diffNode, pc *PairChange) ([]Cause, string) {
	a, b := tr.a, tr.b
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
	// an end absent from a model (or, for IPv6, without an address of
	// the family) carries nothing there
	absA := (!f.net && f.ca < 0) || (!t.net && t.ca < 0)
	absB := (!f.net && f.cb < 0) || (!t.net && t.cb < 0)
	onA, onB := map[string]bool{}, map[string]bool{}
	found := true
	var unseen []netip.Prefix // addresses whose change no trace showed
	if !f.net && !t.net {
		for _, k := range tr.kinds(netDelta{pc.Gained, pc.Lost, pc.IndeterminateGained, pc.IndeterminateLost}) {
			tr.trace(from, to, k, absA, absB, false, onA, onB)
		}
	} else {
		// the interface's end toward the internet: its ID, then every
		// other address the internet meets it at (internetEnds)
		ends := netEnds(a, b, cmp.Or(from, to), tr.v6, f.net)
		found = false
		for i, ac := range pc.Addresses {
			if i >= maxAddressGroups {
				unseen = append(unseen, ac.Addresses...)
				continue
			}
			pending := tr.kinds(netDelta{ac.Gained, ac.Lost, ac.IndeterminateGained, ac.IndeterminateLost})
			cands := tr.candidates(ac)
		search:
			for _, end := range ends {
				for _, x := range cands {
					qf, qt := x.String(), end
					if t.net {
						qf, qt = end, x.String()
					}
					pending = slices.DeleteFunc(pending, func(k causeKind) bool {
						return tr.trace(qf, qt, k, absA, absB, true, onA, onB)
					})
					if len(pending) == 0 {
						break search
					}
				}
			}
			if len(pending) > 0 {
				unseen = append(unseen, ac.Addresses...)
			} else {
				found = true
			}
		}
	}
	held := heldCauses(pc, tr.res)
	unseen = slices.DeleteFunc(unseen, func(p netip.Prefix) bool {
		return slices.ContainsFunc(held, func(c Cause) bool { return heldPrefix(c.ResourceChange).Overlaps(p) })
	})
	note := ""
	if len(unseen) > 0 {
		note = "no internet address traced shows the change at " + prefixesText(unseen) + ": causes there not attributed"
	}
	if !found {
		if len(held) > 0 {
			return held, note
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
		// an end is on the path of the models that hold it
		for _, on := range []struct {
			m  *Model
			on map[string]bool
		}{{a, onA}, {b, onB}} {
			if ii, ok := on.m.ifaces[id]; ok {
				on.on[id] = true
				// an end's subnet: its associations decide its route table
				// and ACL (its zone counts where a transit gateway compared
				// it: diff_causes_zones.go)
				on.on[endSubnetKey(ii.Subnet)] = true
			}
		}
	}
	out := []Cause{}
	for _, r := range tr.res {
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
		if r.Kind == ResourceSecurityGroup && (ina || inb) {
			r.Details = causeDetails(r, onA, onB)
		}
		if r.Kind == ResourceSubnet {
			var da, db []string
			da, ina = subnetCauseDetails(r, onA) // diff_causes_zones.go
			db, inb = subnetCauseDetails(r, onB)
			if r.Change == resourceChanged {
				r.Details = slices.DeleteFunc(slices.Clone(r.Details), func(d string) bool {
					return !slices.Contains(da, d) && !slices.Contains(db, d)
				})
			}
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
	if len(out) == 0 && note == "" {
		note = tr.unattributedNote()
	}
	return out, note
}

// groupRuleKey is the key in a path's set (pathOf) of a changed rule of
// group g, worded as groupDetails words it; "" for every detail of g.
func groupRuleKey(g, rule string) string {
	return ResourceSecurityGroup + "-rule:" + g + "\x00" + rule
}

// causeDetails returns the details of r, a security group on the path,
// that are causes: a rule added or removed only where it matches a
// traced session in either model (pathOf), so that a cause does not list
// an unrelated rule that changed in the same group; every other detail,
// and every detail when the group's change matters as a whole.
func causeDetails(r ResourceChange, onA, onB map[string]bool) []string {
	if k := groupRuleKey(r.ID, ""); onA[k] || onB[k] {
		return r.Details
	}
	out := []string{}
	for _, d := range r.Details {
		rest, isRule := strings.CutPrefix(d, "rule added: ")
		if !isRule {
			rest, isRule = strings.CutPrefix(d, "rule removed: ")
		}
		if k := groupRuleKey(r.ID, rest); !isRule || onA[k] || onB[k] {
			out = append(out, d)
		}
	}
	return out
}

// candidates returns the internet addresses to trace the change ac
// with: one inside each of its prefixes (a few), then the witnesses
// inside them.
func (tr *causeTracer) candidates(ac AddressChange) []netip.Addr {
	const perGroup = 4
	var out []netip.Addr
	for _, p := range ac.Addresses {
		if len(out) == perGroup {
			break
		}
		r := flow.AddrRange{From: p.Masked().Addr(), To: addrset.Last(p)}
		x, ok := tr.a.internetIn(r)
		if !ok {
			x, ok = tr.b.internetIn(r)
		}
		if ok && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	in := addrset.Of(ac.Addresses...)
	for _, x := range tr.witnesses {
		if in.Contains(x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// trace traces session k between from and to in each model that holds
// both ends (absA, absB: an end is absent from a or b, which carries
// nothing there), and adds to onA and onB the resources of the hops
// whose decision differs between the traces. With need, it adds nothing
// and returns false unless the outcomes show the change as k wants.
func (tr *causeTracer) trace(from, to string, k causeKind, absA, absB, need bool, onA, onB map[string]bool) bool {
	a, b := tr.a, tr.b
	q := k.q
	q.From, q.To = from, to
	var ra, rb *Result
	var errA, errB error
	oa, ob := Unreachable, Unreachable
	if !absA {
		if ra, errA = a.Check(q); errA == nil {
			oa = ra.Outcome
		}
	}
	if !absB {
		if rb, errB = b.Check(q); errB == nil {
			ob = rb.Outcome
		}
	}
	if need && (errA != nil || errB != nil || !k.want(oa, ob)) {
		return false
	}
	var ha, hb []Hop
	if ra != nil {
		ha = slices.Concat(ra.Forward, ra.Return)
	}
	if rb != nil {
		hb = slices.Concat(rb.Forward, rb.Return)
	}
	if !absA {
		ha = append(ha, worldHops(tr.wa, q)...)
	}
	if !absB {
		hb = append(hb, worldHops(tr.wb, q)...)
	}
	tr.pathOf(a, b, differing(ha, hb, b), onA)
	tr.pathOf(b, a, differing(hb, ha, a), onB)
	zonesOn(a, ha, hb, onA) // diff_causes_zones.go
	zonesOn(b, hb, ha, onB)
	return true
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

// bpaOnPath marks a path that crosses an internet gateway, or another
// gateway whose crossing Block Public Access judged (bpaJudged).
const bpaOnPath = "\x00bpa"

// bpaJudged reports whether Block Public Access judged the packet at h,
// a hop other than an internet gateway's (which it always judges): a hop
// it blocks; an egress-only internet gateway the packet crossed, or that
// blocked it after Block Public Access let it through (DenyAllIgwTraffic,
// an appliance's translation); a carrier gateway reached (an unmodelled
// target, check_route.go, whose crossing it judges before all else).
// Block Public Access blocks all three ([VPCBlockPublicAccess]): a
// change of it decides there.
func bpaJudged(h Hop) bool {
	switch {
	case h.Code == VPCBlockPublicAccess:
		return true
	case h.Kind == KindEgressOnlyInternetGateway:
		return h.Code == "" || h.Code == DenyAllIGWTraffic || h.Code == ApplianceTranslationUnknown
	case h.Kind == KindUnmodelled:
		return h.Name == carrierGatewayType
	}
	return false
}

// hopPlace is a hop's place: its leg, component and direction.
type hopPlace struct {
	leg       Leg
	kind      Kind
	id, name  string
	direction flow.Direction
}

// placeOf returns h's place. A security groups hop's place is its
// interface (Name), not the list of its groups (ID): a hop whose list
// changed is the same hop, compared by its decision, and each group on
// it is then a cause only if its own change matters (groupChanges.matters).
func placeOf(h Hop) hopPlace {
	if h.Kind == KindSecurityGroups {
		return hopPlace{h.Leg, h.Kind, "", h.Name, h.Direction}
	}
	return hopPlace{h.Leg, h.Kind, h.ID, h.Name, h.Direction}
}

// differing returns the hops of hs whose decision the trace in the other
// model, others, does not share: a hop of the same place with another
// verdict, deciding rule or code, or none there (the paths parted). A
// network ACL the other trace does not reach is judged by the other
// model's version of it, when it has one, on the same packet.
func differing(hs, others []Hop, other *Model) []Hop {
	same := map[hopPlace][]Hop{}
	for _, h := range others {
		k := placeOf(h)
		same[k] = append(same[k], h)
	}
	var out []Hop
	for _, h := range hs {
		k := placeOf(h)
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
// prefix list as "vpc:ID" and "prefix-list:ID". A group of a security
// groups hop is added only if its change matters to the hop's packet
// (groupChanges.matters; other is the other model).
func (tr *causeTracer) pathOf(m, other *Model, hops []Hop, on map[string]bool) {
	for _, h := range hops {
		switch h.Kind {
		case KindSecurityGroups:
			for _, g := range strings.Split(h.ID, ",") {
				if ok, rules, all := tr.groups.matters(g, h, m, other); ok {
					on[g] = true
					if all {
						on[groupRuleKey(g, "")] = true
					}
					for _, r := range rules {
						on[groupRuleKey(g, r)] = true
					}
				}
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
			if bpaJudged(h) {
				on[bpaOnPath] = true
			}
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
		changedRulesAndEntries(a, b, r,
			func(rl sg.Rule) {
				if rl.Peer.CIDR.IsValid() {
					blocks = append(blocks, rl.Peer.CIDR)
				}
			},
			func(e nacl.Entry) { blocks = append(blocks, e.CIDR) })
		if r.Kind != ResourceRouteTable {
			continue
		}
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
		p := heldPrefix(r)
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

// heldPrefix returns the addresses of an unmodelled block or address;
// the zero prefix for any other resource.
func heldPrefix(r ResourceChange) netip.Prefix {
	switch r.Kind {
	case ResourceUnmodelledBlock:
		p, _ := netip.ParsePrefix(r.ID)
		return p
	case ResourceUnmodelledAddress:
		if x, err := netip.ParseAddr(r.ID); err == nil {
			return netip.PrefixFrom(x, x.BitLen())
		}
	}
	return netip.Prefix{}
}

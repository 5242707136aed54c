package stateful

import (
	"cmp"
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// This file holds a slow, obviously correct stateful evaluator: it takes
// the public rule groups, resolves every address and port expression by
// walking it for each packet, interprets the options it knows straight
// from the rule's text, orders the rules with a sort, and checks every
// rule at every stage. The randomized test demands that Evaluate and
// Explain agree with it.

type refRule struct {
	group, index int
	label        string
	gprio        int
	action       string // effective
	overridden   bool
	prio         int
	sr           suricata.Rule
	g            *RuleGroup
	// disputed: a drop rule a STRICT_ORDER domain allowlist generates,
	// which AWS's documents disagree on: undecidable wherever it matches
	disputed bool
	// opaque: a rule an opaque group stands for: undecidable everywhere
	opaque bool
}

type refEngine struct {
	cfg   Config
	res   IPSetResolver
	rules []refRule // in decision order
	// serverFirst: the TCP session being judged sends the server's data
	// first
	serverFirst bool
}

func newRefEngine(cfg Config, res IPSetResolver) (*refEngine, error) {
	e := &refEngine{cfg: cfg, res: res}
	for gi := range cfg.Groups {
		ref := &cfg.Groups[gi]
		g := &ref.Group
		rules, err := g.Rules()
		if g.Opaque != "" { // a pass of the flow, a pass of the packet, a drop
			rules, err = nil, nil
			for _, text := range opaqueTexts {
				r, perr := suricata.Parse(text)
				if perr != nil {
					panic(perr)
				}
				rules = append(rules, r)
			}
		}
		if err != nil {
			return nil, err
		}
		label := g.Name
		if label == "" {
			label = g.ARN
		}
		for ri, sr := range rules {
			rr := refRule{group: gi, index: ri, label: label, gprio: ref.Priority, action: sr.Action, prio: 3, sr: sr, g: g}
			if o, ok := sr.Option("priority"); ok {
				rr.prio, _ = strconv.Atoi(o.Value)
			}
			if g.Opaque != "" {
				rr.opaque, rr.prio = true, 1 // ranked first in its action
			}
			if ref.DropToAlert && rr.action == "drop" {
				rr.action, rr.overridden = "alert", true
			}
			if dl := g.DomainList; dl != nil && dl.Type == "ALLOWLIST" && cfg.Order == StrictOrder && ri >= len(rules)-len(dl.TargetTypes) {
				rr.disputed = true
			}
			e.rules = append(e.rules, rr)
		}
	}
	classOf := map[string]int{"pass": 0, "drop": 1, "reject": 2, "alert": 3}
	slices.SortFunc(e.rules, func(a, b refRule) int {
		if cfg.Order == StrictOrder {
			return cmp.Or(cmp.Compare(a.gprio, b.gprio), cmp.Compare(a.group, b.group), cmp.Compare(a.index, b.index))
		}
		return cmp.Or(cmp.Compare(classOf[a.action], classOf[b.action]), cmp.Compare(a.prio, b.prio),
			cmp.Compare(a.group, b.group), cmp.Compare(a.index, b.index))
	})
	return e, nil
}

// refStage is one stage as the reference sees it.
type refStage struct {
	stage       Stage
	toServer    bool
	established bool
	payload     bool
	app         bool // the application protocol is known
	request     bool // tls.sni / http.host visible; client hello
	response    bool // server hello
}

func refStages(p flow.Protocol) []refStage {
	switch p {
	case flow.TCP:
		return []refStage{
			{OpenRequest, true, false, false, false, false, false},
			{OpenReply, false, false, false, false, false, false},
			{DataToServer, true, true, true, true, true, false},
			{DataToClient, false, true, true, true, false, true},
		}
	case flow.UDP:
		return []refStage{
			{OpenRequest, true, false, true, true, true, false},
			{OpenReply, false, true, true, true, false, true},
			{DataToServer, true, true, true, true, false, false},
			{DataToClient, false, true, true, true, false, false},
		}
	case flow.ICMP, flow.ICMPv6:
		return []refStage{
			{OpenRequest, true, false, true, false, false, false},
			{OpenReply, false, true, true, false, false, false},
		}
	}
	return []refStage{
		{OpenRequest, true, false, true, false, false, false},
		{OpenReply, false, true, true, false, false, false},
		{DataToServer, true, true, true, false, false, false},
		{DataToClient, false, true, true, false, false, false},
	}
}

// refPacket is what a rule is matched against.
type refPacket struct {
	st     refStage
	f      flow.Flow
	app    string // "" while unknown
	domain string // the session's domain
	first  bool   // the first packet of its direction judged
}

func refCanonApp(a string) string {
	a = strings.ToLower(a)
	switch a {
	case "http1":
		a = "http"
	case "ssl":
		a = "tls"
	case "ikev2":
		a = "ike"
	}
	return a
}

// refAppIs reports whether a rule's protocol name covers session protocol
// s, as Suricata's docs and AppProtoEquals put it: http is HTTP/1 and
// HTTP/2, http1 HTTP/1 only, ssl is tls, ikev2 is ike, and a dcerpc
// rule also matches DCERPC carried over SMB (an smb session).
func refAppIs(rule, s string) bool {
	switch rule {
	case "http":
		return s == "http" || s == "http2"
	case "http1":
		return s == "http"
	case "ssl":
		return s == "tls"
	case "ikev2", "ike":
		return s == "ike"
	case "dcerpc":
		return s == "dcerpc" || s == "smb"
	}
	return rule == s
}

func (e *refEngine) prefixesContain(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// inAddr reports whether a may be in the expression, and whether it
// certainly is: an IP set whose entries are unknown holds a maybe, and the
// expression is read in Kleene's three-valued logic, one address at a
// time. Suricata sorts the items into a positive and a negated side and
// resolves them per address family: a is in when a positive item holds
// it, or when no positive item but a negated one holds an address of a's
// family, and no negated item holds a.
func (e *refEngine) inAddr(g *RuleGroup, x suricata.AddrExpr, a netip.Addr) (may, sure bool) {
	var posIn, posHas, negIn, negHas refTri
	items := []suricata.AddrExpr{x}
	if x.List != nil && !x.Negate {
		items = x.List
	}
	for _, it := range items {
		e.addrSides(g, it, a, func(in, has refTri, negated bool) {
			if negated {
				negIn, negHas = negIn.or(in), negHas.or(has)
			} else {
				posIn, posHas = posIn.or(in), posHas.or(has)
			}
		})
	}
	v := posIn.or(posHas.not().and(negHas)).and(negIn.not())
	return v.may, v.sure
}

// refTri is a truth value of Kleene's logic: certainly true (sure),
// possibly true (may), or false.
type refTri struct{ may, sure bool }

func (t refTri) or(u refTri) refTri  { return refTri{t.may || u.may, t.sure || u.sure} }
func (t refTri) and(u refTri) refTri { return refTri{t.may && u.may, t.sure && u.sure} }
func (t refTri) not() refTri         { return refTri{!t.sure, !t.may} }

// addrSides calls side for each item of x as Suricata sorts it: whether
// it holds a, whether it holds an address of a's family, and whether it
// is on the negated side. A negated expression is an item resolved on its
// own; a list's items count as the enclosing list's; the policy's
// $EXTERNAL_NET, "!$HOME_NET", is the policy's HOME_NET on the negated
// side.
func (e *refEngine) addrSides(g *RuleGroup, x suricata.AddrExpr, a netip.Addr, side func(in, has refTri, negated bool)) {
	negated := x.Negate
	x.Negate = false
	_, own := g.IPSets["EXTERNAL_NET"]
	switch {
	case !negated && x.List != nil: // its items count as the outer list's
		for _, it := range x.List {
			e.addrSides(g, it, a, side)
		}
	case negated:
		may, sure := e.inAddr(g, x, a)
		side(refTri{may, sure}, e.hasFamily(g, x, a), negated)
	case x.Var == "EXTERNAL_NET" && !own:
		in := e.prefixesContain(e.cfg.HomeNet, a)
		has := slices.ContainsFunc(e.cfg.HomeNet, func(p netip.Prefix) bool { return p.Addr().Is4() == a.Is4() })
		side(refTri{in, in}, refTri{has, has}, true)
	default:
		side(e.atomIn(g, x, a), e.hasFamily(g, x, a), false)
	}
}

// atomIn reports whether an expression that is neither negated nor a
// list holds a.
func (e *refEngine) atomIn(g *RuleGroup, x suricata.AddrExpr, a netip.Addr) refTri {
	var v bool
	switch {
	case x.Any:
		v = true
	case x.Prefix.IsValid():
		v = x.Prefix.Contains(a)
	case x.Var != "":
		v = e.prefixesContain(e.varPrefixes(g, x.Var), a)
	case x.Ref != "":
		ps, err := e.res.IPSet(g.IPSetReferences[x.Ref])
		var u *UnknownIPSet
		if errors.As(err, &u) && (u.Family == FamilyIPv4 && a.Is6() || u.Family == FamilyIPv6 && a.Is4()) {
			return refTri{} // a set of the other family: certainly not in it
		}
		if errors.Is(err, ErrIPSetUnknown) {
			return refTri{may: true}
		}
		if err != nil {
			panic(err)
		}
		v = e.prefixesContain(ps, a)
	}
	return refTri{v, v}
}

// varPrefixes returns the prefixes of an address variable other than the
// policy's EXTERNAL_NET.
func (e *refEngine) varPrefixes(g *RuleGroup, name string) []netip.Prefix {
	if ps, ok := g.IPSets[name]; ok || name != "HOME_NET" {
		return ps
	}
	return e.cfg.HomeNet
}

// hasFamily reports whether x (read as not negated) holds some address of
// a's family. Membership only changes at the first address of a prefix
// and after its last, so probing those and the family's first address
// decides it.
func (e *refEngine) hasFamily(g *RuleGroup, x suricata.AddrExpr, a netip.Addr) refTri {
	x.Negate = false
	probes := []netip.Addr{netip.IPv4Unspecified()}
	if a.Is6() {
		probes[0] = netip.IPv6Unspecified()
	}
	add := func(ps ...netip.Prefix) {
		for _, p := range ps {
			if p.Addr().Is4() == a.Is4() {
				probes = append(probes, p.Masked().Addr())
				if next := addrset.Last(p).Next(); next.IsValid() {
					probes = append(probes, next)
				}
			}
		}
	}
	var walk func(x suricata.AddrExpr)
	walk = func(x suricata.AddrExpr) {
		switch {
		case x.Prefix.IsValid():
			add(x.Prefix)
		case x.Var != "":
			add(e.varPrefixes(g, x.Var)...)
			add(e.cfg.HomeNet...) // $EXTERNAL_NET may be the policy's !$HOME_NET
		case x.Ref != "":
			if ps, err := e.res.IPSet(g.IPSetReferences[x.Ref]); err == nil {
				add(ps...)
			}
		}
		for _, it := range x.List {
			walk(it)
		}
	}
	walk(x)
	var has refTri
	for _, p := range probes {
		var in refTri
		if _, own := g.IPSets["EXTERNAL_NET"]; x.List != nil || x.Var == "EXTERNAL_NET" && !own {
			in.may, in.sure = e.inAddr(g, x, p)
		} else {
			in = e.atomIn(g, x, p)
		}
		has = has.or(in)
	}
	return has
}

// refUnknownSet returns "@NAME" for the first IP set reference in x whose
// entries are unknown, in the order written; "" for none.
func (e *refEngine) refUnknownSet(g *RuleGroup, x suricata.AddrExpr) string {
	if x.Ref != "" {
		if _, err := e.res.IPSet(g.IPSetReferences[x.Ref]); errors.Is(err, ErrIPSetUnknown) {
			return "@" + x.Ref
		}
	}
	for _, it := range x.List {
		if n := e.refUnknownSet(g, it); n != "" {
			return n
		}
	}
	return ""
}

func (e *refEngine) inPort(g *RuleGroup, x suricata.PortExpr, p uint16) bool {
	var v bool
	switch {
	case x.Any:
		v = true
	case x.Set:
		v = x.Range.Contains(p)
	case x.Var != "":
		for _, r := range g.PortSets[x.Var] {
			v = v || r.Contains(p)
		}
	default:
		anyPos, inPos, inNeg := false, false, false
		for _, it := range x.List {
			neg := it.Negate
			it.Negate = false
			m := e.inPort(g, it, p)
			if neg {
				inNeg = inNeg || m
			} else {
				anyPos, inPos = true, inPos || m
			}
		}
		v = (inPos || !anyPos) && !inNeg
	}
	return v != x.Negate
}

// portsAll reports whether a port expression covers every port. Membership
// only changes at range boundaries, so probing every boundary and its
// neighbours (and 0 and 65535) decides it.
func (e *refEngine) portsAll(g *RuleGroup, x suricata.PortExpr) bool {
	probes := []int{0, 65535}
	var walk func(x suricata.PortExpr)
	add := func(r flow.PortRange) {
		probes = append(probes, int(r.Lo)-1, int(r.Lo), int(r.Hi), int(r.Hi)+1)
	}
	walk = func(x suricata.PortExpr) {
		switch {
		case x.Set:
			add(x.Range)
		case x.Var != "":
			for _, r := range g.PortSets[x.Var] {
				add(r)
			}
		}
		for _, it := range x.List {
			walk(it)
		}
	}
	walk(x)
	for _, p := range probes {
		if p >= 0 && p <= 65535 && !e.inPort(g, x, uint16(p)) {
			return false
		}
	}
	return true
}

func refHasNegation(g *RuleGroup, x suricata.AddrExpr) bool {
	if x.Negate {
		return true
	}
	if x.Var == "EXTERNAL_NET" {
		_, own := g.IPSets["EXTERNAL_NET"]
		return !own
	}
	for _, it := range x.List {
		if refHasNegation(g, it) {
			return true
		}
	}
	return false
}

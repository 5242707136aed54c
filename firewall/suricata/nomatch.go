package suricata

import (
	"fmt"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/addrset"
)

// Expressions that match nothing ------------------------------------------
//
// "!any" is rejected because a rule with it can never match; so is every
// other expression that matches nothing whatever its variables hold:
// "!0:65535", "[!443,443]", "[!10.0.1.0/24,10.0.1.0/24]". A rule whose
// source and destination share no address family (Suricata negates per
// family: "!10.0.0.0/8" is IPv4 only, so "!10.0.0.0/8 any ->
// 2001:db8::/32 any" matches no packet), or whose
// addresses are all of the family its protocol excludes ("ipv6" with
// IPv4 addresses), is kept, as Suricata loads it: its NoMatch says why it
// matches no packet.
//
// Variables ($HOME_NET) and IP set references (@NAME) are not resolved
// here, so each expression is evaluated to bounds: lo holds the values it
// matches for every value of its variables, hi those it matches for some.
// A variable is (nothing, everything), and $EXTERNAL_NET, which may be
// the policy's "!$HOME_NET", is that on both sides of a list. An
// expression is rejected when hi is empty, which never rejects a rule
// that some variable values make useful.

// addrFault is a part of an address expression that Suricata refuses
// whatever its variables hold.
type addrFault struct {
	x AddrExpr
	// wholeIPv4: the part's negated addresses cover every IPv4 address
	// (DetectAddressMergeNot: "Complete IP space negated"); else the part
	// is negated and holds nothing ("no addresses left after merging
	// addresses and negated addresses"), which Suricata finds when it
	// resolves a negated part on its own.
	wholeIPv4 bool
}

// addrBounds returns the bounds of an address expression, and its first
// part Suricata refuses (nil if none).
func addrBounds(x AddrExpr) (lo, hi addrset.Set, fault *addrFault) {
	var p addrParts
	p.collect(x)
	lo, hi = p.merge()
	if p.fault == nil && addrset.All4().SubsetOf(addrset.OfRanges(p.negLo...)) {
		p.fault = &addrFault{x: x, wholeIPv4: true}
	}
	return lo, hi, p.fault
}

// addrParts are the items of an address expression sorted as Suricata
// sorts them (DetectAddressParse2 in src/detect-engine-address.c): the
// positive items and the negated ones, each side as the bounds of its
// items. The ranges are gathered and merged once, so a long list costs
// n log n rather than n².
type addrParts struct {
	posLo, posHi, negLo, negHi []addrset.Range
	fault                      *addrFault // the first part Suricata refuses
}

func (p *addrParts) add(lo, hi addrset.Set, negated bool) {
	if negated {
		p.negLo, p.negHi = append(p.negLo, lo.Ranges()...), append(p.negHi, hi.Ranges()...)
	} else {
		p.posLo, p.posHi = append(p.posLo, lo.Ranges()...), append(p.posHi, hi.Ranges()...)
	}
}

// collect adds x to p as package stateful resolves it: a negated
// expression is resolved on its own and joins the negated side, the items
// of a list inside a list join the sides as if written in the outer list.
func (p *addrParts) collect(x AddrExpr) {
	if x.Negate {
		x.Negate = false
		lo, hi, fault := addrBounds(x)
		if p.fault == nil {
			p.fault = fault
		}
		if hi.IsEmpty() && p.fault == nil {
			x.Negate = true
			p.fault = &addrFault{x: x}
		}
		p.add(lo, hi, true)
		return
	}
	all := addrset.All()
	switch {
	case x.Any:
		p.add(all, all, false)
	case x.Prefix.IsValid():
		s := addrset.Of(x.Prefix)
		p.add(s, s, false)
	case x.List != nil:
		for _, it := range x.List {
			p.collect(it)
		}
	case x.Var == "EXTERNAL_NET":
		// a group's own EXTERNAL_NET is a positive set, the policy's is
		// "!$HOME_NET": either side
		p.add(addrset.Set{}, all, false)
		p.add(addrset.Set{}, all, true)
	default: // a variable or an IP set reference
		p.add(addrset.Set{}, all, false)
	}
}

// merge resolves the parts one address family at a time
// ([addrset.MergeNot]).
func (p *addrParts) merge() (lo, hi addrset.Set) {
	hi, lo = addrset.MergeNot(addrset.OfRanges(p.posHi...), addrset.OfRanges(p.posLo...),
		addrset.OfRanges(p.negHi...), addrset.OfRanges(p.negLo...))
	return lo, hi
}

// portBounds returns the bounds of a port expression.
func portBounds(x PortExpr) (lo, hi flow.PortSet) {
	switch {
	case x.Any:
		lo, hi = flow.FullSet[uint16](), flow.FullSet[uint16]()
	case x.Set:
		lo = flow.SetOf(x.Range)
		hi = lo
	case x.List != nil:
		var posLo, posHi, negLo, negHi []flow.PortRange
		hasPos := false
		for _, it := range x.List {
			neg := it.Negate
			it.Negate = false
			l, h := portBounds(it)
			if neg {
				negLo, negHi = append(negLo, l.Ranges()...), append(negHi, h.Ranges()...)
			} else {
				posLo, posHi, hasPos = append(posLo, l.Ranges()...), append(posHi, h.Ranges()...), true
			}
		}
		pl, ph := flow.SetOf(posLo...), flow.SetOf(posHi...)
		if !hasPos {
			pl, ph = flow.FullSet[uint16](), flow.FullSet[uint16]()
		}
		lo = pl.Difference(flow.SetOf(negHi...))
		hi = ph.Difference(flow.SetOf(negLo...))
	default: // a variable
		hi = flow.FullSet[uint16]()
	}
	if x.Negate {
		lo, hi = hi.Complement(), lo.Complement()
	}
	return lo, hi
}

// checkAddrMatches rejects an address expression that matches no address
// and returns the addresses it may match.
func checkAddrMatches(text string, tok headerToken, x AddrExpr) (addrset.Set, *syntaxError) {
	_, hi, fault := addrBounds(x)
	whole := excerpt(trim(text[tok.start:tok.end]))
	switch {
	case fault != nil && fault.wholeIPv4:
		part := ""
		if fault.x.Pos != tok.start {
			part = fmt.Sprintf(" (in %q)", excerpt(fault.x.String()))
		}
		return hi, errorf(fault.x.Pos, "address %q negates every IPv4 address%s, which Suricata refuses (\"Complete IP space negated\"): name the addresses to match instead",
			whole, part)
	case hi.IsEmpty():
		return hi, errorf(tok.start, "address %q matches no address: drop the rule or the negation", whole)
	case fault != nil:
		return hi, errorf(fault.x.Pos, "address %q: its negated part %q matches no address, and Suricata refuses it: drop the negated part",
			whole, excerpt(fault.x.String()))
	}
	return hi, nil
}

// checkPortMatches rejects a port expression that matches no port.
func checkPortMatches(text string, tok headerToken, x PortExpr) *syntaxError {
	if _, hi := portBounds(x); hi.IsEmpty() {
		return errorf(tok.start, "port %q matches no port: drop the rule or the negation", excerpt(trim(text[tok.start:tok.end])))
	}
	return nil
}

// protocolFamilies are the address families the packets of a rule
// protocol can have, for the protocols limited to one.
var protocolFamilies = map[string]addrset.Set{
	"ipv4":   addrset.All4(),
	"icmpv4": addrset.All4(),
	"ipv6":   addrset.All6(),
	"icmpv6": addrset.All6(),
}

// noMatchWhy says why no packet can match rule r because its source and
// destination (src and dst: the addresses they may match) share no address
// family with each other and the protocol; "" when some packet may.
// Suricata has no such check: the rule loads and never matches.
func noMatchWhy(text string, r *Rule, src, dst addrset.Set, srcTok, dstTok headerToken) string {
	fams := []addrset.Set{addrset.All4(), addrset.All6()}
	if f, ok := protocolFamilies[r.Protocol]; ok {
		fams = []addrset.Set{f}
	}
	for _, f := range fams {
		if !src.Intersect(f).IsEmpty() && !dst.Intersect(f).IsEmpty() {
			return ""
		}
	}
	s, d := excerpt(trim(text[srcTok.start:srcTok.end])), excerpt(trim(text[dstTok.start:dstTok.end]))
	if f, ok := protocolFamilies[r.Protocol]; ok {
		name := "IPv6"
		if f.Equal(addrset.All4()) {
			name = "IPv4"
		}
		return fmt.Sprintf("source %q and destination %q share no %s address, and protocol %q matches only %s packets: the rule matches no packet",
			s, d, name, r.Protocol, name)
	}
	return fmt.Sprintf("source %q and destination %q share no address family (IPv4 or IPv6): the rule matches no packet", s, d)
}

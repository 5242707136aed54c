package reach

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/internal/addrset"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// String prints the answer as the CLI does. Every string that comes from
// the design or the query (the destination, interface IDs and names) is
// escaped as [Result.Text] escapes it (internal/textsafe).
func (r *SourcesResult) String() string {
	s := fmt.Sprintf("who reaches %s over %s", textsafe.String(r.To), r.Protocol)
	if r.Port != 0 {
		s += fmt.Sprintf(" port %d", r.Port)
	}
	if r.ICMPType != nil && r.ICMPCode != nil {
		s += fmt.Sprintf(" type %d code %d", *r.ICMPType, *r.ICMPCode) // as a flow writes it
	}
	s += appText(r.App, r.Domain) // ports_text.go
	if r.AnyClientPort {
		s += " from any client port"
	}
	s += ":\n  interfaces:"
	if len(r.Interfaces) == 0 {
		s += " none"
	}
	for _, i := range r.Interfaces {
		name := textsafe.String(i.ID)
		if i.Name != "" {
			name = fmt.Sprintf("%s (%s)", textsafe.String(i.Name), name)
		}
		s += fmt.Sprintf("\n    %s %s%s", name, i.Address, placeholderText(i.AddressUnknown))
		switch {
		case i.PrefixesUnknown != "":
			s += " (free addresses " + prefixList(i.Prefixes) + ", which prefixes delegated at launch may hold: " + textsafe.String(i.PrefixesUnknown) + " is known only later)"
		case len(i.Prefixes) > 0:
			s += " (delegated: " + prefixList(i.Prefixes) + ")"
		}
		if i.NAT64To.IsValid() {
			s += " (through NAT64, to " + i.NAT64To.String() + ")"
		}
		if i.Outcome == Indeterminate {
			s += " (indeterminate)"
		}
	}
	s += "\n  internet: " + internetText(r.Internet)
	if len(r.InternetIndeterminate) > 0 {
		s += "\n  internet, indeterminate: " + internetText(r.InternetIndeterminate)
	}
	for _, n := range r.Notes {
		s += "\n  note: " + textsafe.String(n)
	}
	return s + "\n"
}

// internetText writes a set of internet addresses as prefixText does,
// or, when its complement in its family takes fewer blocks, as "every
// IPv4 address but" that complement (the private and special blocks and
// the design's own addresses among them): the same set, shorter.
func internetText(ps []netip.Prefix) string {
	if len(ps) == 0 {
		return "none"
	}
	all, family := addrset.All4(), "IPv4"
	if !ps[0].Addr().Is4() {
		all, family = addrset.All6(), "IPv6"
	}
	for _, p := range ps {
		if p.Addr().Is4() != ps[0].Addr().Is4() {
			return prefixText(ps) // both families: no one complement
		}
	}
	set := addrset.Of(ps...)
	// the side with fewer prefixes: the design's internet is most of the
	// space, the private and special blocks the rest
	if rest := all.Difference(set); len(rest.Prefixes()) < len(set.Prefixes()) {
		return fmt.Sprintf("every %s address but %s", family, setText(rest))
	}
	return setText(set)
}

// prefixText writes a set of addresses given as prefixes, "none" for
// none: as setText writes it.
func prefixText(ps []netip.Prefix) string {
	return setText(addrset.Of(ps...))
}

// setText writes a set of addresses comma-separated, each of its ranges
// as the prefix it is ("10.0.0.0/8") or, where it takes several, as its
// first and last address ("2001:1::4-2001:2:ffff:ffff:ffff:ffff:ffff:ffff"):
// the IPv6 special blocks, 2001::/23 but for a few globally reachable
// entries, take over a hundred prefixes and a handful of ranges. "none"
// for none.
func setText(set addrset.Set) string {
	rs := set.Ranges()
	if len(rs) == 0 {
		return "none"
	}
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		if ps := addrset.OfRanges(r).Prefixes(); len(ps) == 1 {
			b.WriteString(ps[0].String())
		} else {
			b.WriteString(r.From.String() + "-" + r.To.String())
		}
	}
	return b.String()
}

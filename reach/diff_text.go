package reach

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/internal/textsafe"
)

// Text renders the diff for a person, as the CLI prints it: the groups
// the changes name, each with its members (name, ID and address), its
// class in each model's matrix and whether its interfaces were added or
// removed; then one line a changed pair, in the order of Changes, what it
// gained and lost (as [Traffic.String] writes it), and under it each
// cause; then every resource that changed, with what changed in it.
//
//	groups (round trip, from client port 50000):
//	  G1: web-1 (eni-web1) 10.0.1.10 [C1 -> C1]
//	  internet: every internet address
//	changes (a pair not listed carries what it did):
//	  internet -> G1: gained tcp 22
//	    cause: security-group sg-web (on the path after): rule added: inbound allows tcp/22 from 0.0.0.0/0
//	resources changed:
//	  security-group sg-web changed
//	    rule added: inbound allows tcp/22 from 0.0.0.0/0
//
// Every name and ID from the design is escaped as [Result.Text] escapes
// it (internal/textsafe).
func (d *DiffResult) Text() string {
	var b strings.Builder
	switch {
	case len(d.Changes) == 0 && len(d.Notes) > 0:
		b.WriteString("changes: none (every pair carries what it did, but for what the notes below leave out)\n")
	case len(d.Changes) == 0:
		b.WriteString("changes: none (every pair carries what it did)\n")
	default:
		fmt.Fprintf(&b, "groups (round trip, from client port %d):\n", DefaultSourcePort)
		for _, g := range d.Groups {
			writeDiffGroup(&b, g)
		}
		b.WriteString("changes (a pair not listed carries what it did):\n")
		for _, c := range d.Changes {
			fmt.Fprintf(&b, "  %s -> %s: %s\n", textsafe.String(c.From), textsafe.String(c.To), changeText(c))
			for _, ac := range c.Addresses {
				where := prefixesText(ac.Addresses)
				if ac.but != nil {
					where = "every one but " + prefixesText(ac.but)
					if len(ac.but) == 0 {
						where = "every one"
					}
				}
				fmt.Fprintf(&b, "    internet addresses %s: %s\n", where,
					changeText(PairChange{Gained: ac.Gained, Lost: ac.Lost, IndeterminateGained: ac.IndeterminateGained, IndeterminateLost: ac.IndeterminateLost}))
			}
			for _, cs := range c.Causes {
				fmt.Fprintf(&b, "    cause: %s %s (on the path %s)", cs.Kind, textsafe.String(cs.ID), onPathText(cs.OnPath))
				if len(cs.Details) > 0 {
					fmt.Fprintf(&b, ": %s", textsafe.String(strings.Join(cs.Details, "; ")))
				} else {
					fmt.Fprintf(&b, ": %s", cs.Change)
				}
				b.WriteString("\n")
			}
			if c.Note != "" {
				fmt.Fprintf(&b, "    note: %s\n", c.Note)
			}
		}
	}
	if len(d.Resources) == 0 {
		b.WriteString("resources changed: none\n")
	} else {
		b.WriteString("resources changed:\n")
		for _, r := range d.Resources {
			fmt.Fprintf(&b, "  %s %s %s\n", r.Kind, textsafe.String(r.ID), r.Change)
			for _, line := range r.Details {
				fmt.Fprintf(&b, "    %s\n", textsafe.String(line))
			}
		}
	}
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "note: %s\n", textsafe.String(n))
	}
	return b.String()
}

// writeDiffGroup writes a group as Text lists it.
func writeDiffGroup(b *strings.Builder, g DiffGroup) {
	if g.Name == InternetNode {
		fmt.Fprintf(b, "  %s: every internet address\n", InternetNode)
		return
	}
	tag := fmt.Sprintf(" [%s -> %s]", orDash(g.Before), orDash(g.After))
	if g.Status != "" {
		tag = " [" + g.Status + "]"
	}
	if len(g.Members) == 1 {
		fmt.Fprintf(b, "  %s: %s%s\n", textsafe.String(g.Name), memberText(g.Members[0]), tag)
		return
	}
	fmt.Fprintf(b, "  %s: %d interfaces%s\n", textsafe.String(g.Name), len(g.Members), tag)
	for _, mb := range g.Members {
		fmt.Fprintf(b, "    %s\n", memberText(mb))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// onPathText words Cause.OnPath.
func onPathText(s string) string {
	if s == "both" {
		return "before and after"
	}
	return s
}

// changeText is what a pair gained and lost, the parts that are empty
// left out: "gained tcp 443; lost udp 53; indeterminate gained: tcp 22".
func changeText(c PairChange) string {
	var parts []string
	for _, p := range []struct {
		word string
		t    Traffic
	}{{"gained", c.Gained}, {"lost", c.Lost}, {"indeterminate gained:", c.IndeterminateGained}, {"indeterminate lost:", c.IndeterminateLost}} {
		if !p.t.IsEmpty() {
			parts = append(parts, p.word+" "+p.t.String())
		}
	}
	return strings.Join(parts, "; ")
}

// maxPrefixesText is how many prefixes of an address change Text writes.
const maxPrefixesText = 6

// prefixesText writes prefixes for Text: the first maxPrefixesText, then
// how many more.
func prefixesText(ps []netip.Prefix) string {
	var parts []string
	for i, p := range ps {
		if i == maxPrefixesText {
			parts = append(parts, fmt.Sprintf("… (%d more)", len(ps)-i))
			break
		}
		parts = append(parts, p.String())
	}
	return strings.Join(parts, ", ")
}

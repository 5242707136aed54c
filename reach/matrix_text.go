package reach

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/reachsim/reachsim/internal/textsafe"
)

// Text renders the matrix for a person, as the CLI prints it: the
// classes, each with its members (name, ID and address), then one line a
// cell, in the order of Cells, what its sessions carry (as
// [Traffic.String] writes it) and, after "indeterminate:", what the input
// leaves open. A pair of nodes that carries nothing has no line. A cell
// from a class to itself is between two of its members.
//
//	classes (round trip, from client port 50000):
//	  C1: web-1 (eni-web1) 10.0.1.10
//	  C2: 2 interfaces
//	    app-1 (eni-app1) 10.0.2.20
//	    app-2 (eni-app2) 10.0.2.21
//	  internet: every internet address
//	cells (a pair not listed carries nothing):
//	  C1 -> C2: tcp 8080
//	  C2 -> C2: tcp 8080; indeterminate: udp 53
//	  internet -> C1: tcp 443
//
// Every name and ID from the design is escaped as [Result.Text] escapes
// it (internal/textsafe).
func (m *Matrix) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "classes (round trip, from client port %d):\n", DefaultSourcePort)
	for _, c := range m.Classes {
		switch {
		case c.Name == InternetNode:
			fmt.Fprintf(&b, "  %s: every internet address\n", InternetNode)
		case len(c.Members) == 1:
			fmt.Fprintf(&b, "  %s: %s\n", textsafe.String(c.Name), memberText(c.Members[0]))
		default:
			fmt.Fprintf(&b, "  %s: %d interfaces\n", textsafe.String(c.Name), len(c.Members))
			for _, mb := range c.Members {
				fmt.Fprintf(&b, "    %s\n", memberText(mb))
			}
		}
	}
	if len(m.Cells) == 0 {
		b.WriteString("cells: none (no pair carries anything)\n")
	} else {
		b.WriteString("cells (a pair not listed carries nothing):\n")
		for _, c := range m.Cells {
			fmt.Fprintf(&b, "  %s -> %s: %s\n", textsafe.String(c.From), textsafe.String(c.To), cellText(c))
		}
	}
	for _, n := range m.Notes {
		fmt.Fprintf(&b, "note: %s\n", textsafe.String(n))
	}
	return b.String()
}

// cellText is what a cell carries: the allowed traffic, then the
// indeterminate traffic when there is some.
func cellText(c Cell) string {
	s := c.Allowed.String()
	if !c.Indeterminate.IsEmpty() {
		s += "; indeterminate: " + c.Indeterminate.String()
	}
	return s
}

// memberText names a member as a trace names an interface, with its
// address: "web-1 (eni-web1) 10.0.1.10".
func memberText(mb ClassMember) string {
	name := textsafe.String(mb.ID)
	if mb.Name != "" {
		name = textsafe.String(mb.Name) + " (" + name + ")"
	}
	return name + " " + mb.Address.String() + placeholderText(mb.AddressUnknown)
}

// matrixCSVHeader is the header row [Matrix.CSV] writes.
var matrixCSVHeader = []string{"from", "to", "tcp", "udp", "icmp", "other", "indeterminate", "from_members", "to_members", "notes"}

// CSV writes the matrix as one CSV table (RFC 4180), for a spreadsheet:
// the header row
//
//	from,to,tcp,udp,icmp,other,indeterminate,from_members,to_members,notes
//
// then one row a cell, in the order of Cells. The columns: the nodes
// ("C1", "internet"); the allowed TCP and UDP destination ports and other
// protocols as sets in the syntax of [flow.Set.String]
// ("22,443,8000-8100", "none"); the ICMP types and codes as
// [PortsResult.String] writes them ("8 (all codes)"); what the input
// leaves open, as [Traffic.String] writes it ("none" when nothing); each
// node's members, each as a trace names it ("web-1 (eni-web1)"),
// separated by "; " (empty for the internet), a ";" in a name or ID
// written "\x3b" so that splitting at ";" gives the members; and the
// matrix's [Matrix.Notes] (what the cells leave out), one a line, the
// same on every row (empty when none). When no pair carries anything
// and there are notes, one row with empty from and to, every set "none"
// and no members, holds them. Names, IDs and notes are escaped as in
// [Matrix.Text], and a field that would start with "=", "+", "-" or "@"
// starts with "'" instead, so that no spreadsheet reads an interface's
// name as a formula.
func (m *Matrix) CSV(w io.Writer) error {
	members := map[string]string{}
	for _, c := range m.Classes {
		names := make([]string, len(c.Members))
		for i, mb := range c.Members {
			names[i] = csvMember(mb.ID)
			if mb.Name != "" {
				names[i] = csvMember(mb.Name) + " (" + names[i] + ")"
			}
		}
		members[c.Name] = noFormula(strings.Join(names, "; "))
	}
	notes := make([]string, len(m.Notes))
	for i, n := range m.Notes {
		notes[i] = textsafe.String(n)
	}
	note := noFormula(strings.Join(notes, "\n"))
	cw := csv.NewWriter(w)
	if err := cw.Write(matrixCSVHeader); err != nil {
		return err
	}
	for _, c := range m.Cells {
		a := c.Allowed
		row := []string{noFormula(textsafe.String(c.From)), noFormula(textsafe.String(c.To)),
			a.TCP.String(), a.UDP.String(), icmpText(a.ICMP), a.Other.String(), c.Indeterminate.String(),
			members[c.From], members[c.To], note}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	if len(m.Cells) == 0 && note != "" {
		if err := cw.Write([]string{"", "", "none", "none", "none", "none", "none", "", "", note}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvMember is a member's name or ID in the CSV's member lists: escaped
// as [Matrix.Text] escapes it, and each ";" written "\x3b", so that a
// Name tag such as "web; db-1 (eni-db1)" cannot pass for two members.
func csvMember(s string) string {
	return strings.ReplaceAll(textsafe.String(s), ";", `\x3b`)
}

// noFormula returns s with a "'" before it when a spreadsheet would read
// it as a formula.
func noFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

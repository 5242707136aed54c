package reach

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/textsafe"
)

// Text renders the result as a trace a person scans top to bottom: the
// outcome (REACHABLE, NOT REACHABLE or INDETERMINATE, the last followed by
// a "missing:" line per undecided hop naming what the input lacks), then
// the request's hops and the reply's, one line each, with blocking hops
// marked "✗" and undecided ones "?", their reasons and details indented
// beneath, and what would make them pass (or decide them).
//
// Every string that comes from the design or the query (endpoints, IDs,
// names, reasons, details, fixes, warnings) is printed with its control,
// format and line-separator characters escaped Go-style (a newline as \n,
// ESC as \x1b, U+202E as \u202e), so a name cannot forge a line of the
// trace or drive the terminal; clean strings print as they are. [Result.JSON]
// keeps the exact strings.
func (r *Result) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", textsafe.String(r.Flow.String()))
	fmt.Fprintf(&b, "from %s\n  to %s\n", textsafe.String(r.From), textsafe.String(r.To))
	undecided := r.Undecided()
	switch n := len(r.Blocks) - len(undecided); {
	case r.Outcome == Reachable:
		b.WriteString("REACHABLE\n")
	case r.Outcome == Indeterminate && len(r.Unknowns) > 0:
		b.WriteString("INDETERMINATE: the answer depends on values known only later; the hops below are for the address the model gives in their place\n")
		for _, u := range r.Unknowns {
			fmt.Fprintf(&b, "unknown: %s\n", textsafe.String(u))
		}
	case r.Outcome == Indeterminate:
		fmt.Fprintf(&b, "INDETERMINATE: no hop blocks for certain, but %s; the answer depends on what the input does not hold\n", count(len(undecided), "hop cannot decide", "hops cannot decide"))
	case n == 0:
		b.WriteString("NOT REACHABLE\n")
	case len(undecided) > 0:
		fmt.Fprintf(&b, "NOT REACHABLE: %s (and %s)\n", count(n, "blocking point", "blocking points"), count(len(undecided), "undecided hop", "undecided hops"))
	default:
		fmt.Fprintf(&b, "NOT REACHABLE: %s\n", count(n, "blocking point", "blocking points"))
	}
	if r.Outcome == Indeterminate {
		for _, h := range undecided {
			fmt.Fprintf(&b, "missing: %s\n", textsafe.String(h.Missing))
		}
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", textsafe.String(w))
	}
	for _, leg := range []struct {
		name string
		hops []Hop
	}{{"request", r.Forward}, {"reply", r.Return}} {
		if len(leg.hops) == 0 {
			switch {
			case leg.name == "reply" && r.Flow.IsICMPError():
				b.WriteString("\nreply: none (an ICMP error message has no reply)\n")
			case leg.name == "reply" && !r.Reachable:
				b.WriteString("\nreply: not traced (the request found no end point)\n")
			}
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", leg.name)
		for i, h := range leg.hops {
			writeHop(&b, i+1, h)
		}
	}
	return b.String()
}

// writeHop writes hop number n of a leg: its line, then its reason (with
// code, details and fix when it blocks), every string escaped.
func writeHop(b *strings.Builder, n int, h Hop) {
	mark := "✓"
	switch h.Verdict {
	case flow.Deny:
		mark = "✗"
	case flow.Indeterminate:
		mark = "?"
	}
	where := textsafe.String(string(h.Kind)) + " " + textsafe.String(h.ID)
	if h.Name != "" {
		where += " (" + textsafe.String(h.Name) + ")"
	}
	if h.HasDirection() {
		where += " " + h.Direction.String()
	}
	fmt.Fprintf(b, "%3d %s %s\n", n, mark, where)
	if h.Code == "" {
		fmt.Fprintf(b, "      %s\n", textsafe.String(h.Reason()))
		return
	}
	fmt.Fprintf(b, "      %s: %s\n", textsafe.String(string(h.Code)), textsafe.String(h.Reason()))
	for _, d := range h.Details() {
		fmt.Fprintf(b, "        - %s\n", textsafe.String(d))
	}
	if h.Undecided() && h.Missing != "" {
		fmt.Fprintf(b, "      missing: %s\n", textsafe.String(h.Missing))
	}
	switch {
	case h.Fix == "":
	case h.Undecided():
		fmt.Fprintf(b, "      to decide: %s\n", textsafe.String(h.Fix))
	default:
		fmt.Fprintf(b, "      fix: %s\n", textsafe.String(h.Fix))
	}
}

// count writes "1 blocking point", "3 blocking points".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// JSON renders the result as indented JSON. The field names are stable;
// see the README for their meaning:
//
//	{"from", "to", "flow", "reachable", "outcome", "forward": [hop...], "return": [hop...],
//	 "blocks": [{"leg", "hop", "code", "kind", "id", "fix", "indeterminate"}], "warnings"}
//
// with each hop {"leg", "kind", "id", "name", "direction", "packet",
// "verdict", "rule", "reason", "details", "code", "fix", "missing"}.
// "outcome" is "reachable", "unreachable" or "indeterminate". A block's
// "hop" is the hop's number on its leg as the trace prints it, counting
// from 1; "indeterminate" (true, or left out) marks an undecided hop.
// The output ends with a newline; "->" in flows is written as is.
func (r *Result) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

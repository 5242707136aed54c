package reach

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Text renders the result as a trace a person scans top to bottom: the
// verdict, then the request's hops and the reply's, one line each, with
// blocking hops marked "✗", their reasons and details indented beneath,
// and what would make them pass.
func (r *Result) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.Flow)
	fmt.Fprintf(&b, "from %s\n  to %s\n", r.From, r.To)
	switch n := len(r.Blocks); {
	case r.Reachable:
		b.WriteString("REACHABLE\n")
	case n == 1:
		b.WriteString("NOT REACHABLE: 1 blocking point\n")
	case n > 1:
		fmt.Fprintf(&b, "NOT REACHABLE: %d blocking points\n", n)
	default:
		b.WriteString("NOT REACHABLE\n")
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	for _, leg := range []struct {
		name string
		hops []Hop
	}{{"request", r.Forward}, {"reply", r.Return}} {
		if len(leg.hops) == 0 {
			if leg.name == "reply" && !r.Reachable {
				b.WriteString("\nreply: not traced (the request found no end point)\n")
			}
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", leg.name)
		for i, h := range leg.hops {
			mark := "✓"
			switch h.Verdict {
			case flow.Deny:
				mark = "✗"
			case flow.Indeterminate:
				mark = "?"
			}
			where := string(h.Kind) + " " + h.ID
			if h.Name != "" {
				where += " (" + h.Name + ")"
			}
			if h.HasDirection() {
				where += " " + h.Direction.String()
			}
			fmt.Fprintf(&b, "%3d %s %s\n", i+1, mark, where)
			if h.Code != "" {
				fmt.Fprintf(&b, "      %s: %s\n", h.Code, h.Reason)
				for _, d := range h.Details {
					fmt.Fprintf(&b, "        - %s\n", d)
				}
				if h.Fix != "" {
					fmt.Fprintf(&b, "      fix: %s\n", h.Fix)
				}
				continue
			}
			fmt.Fprintf(&b, "      %s\n", h.Reason)
		}
	}
	return b.String()
}

// JSON renders the result as indented JSON. The field names are stable;
// see the README for their meaning:
//
//	{"from", "to", "flow", "reachable", "forward": [hop...], "return": [hop...],
//	 "blocks": [{"leg", "hop", "code", "kind", "id", "fix"}], "warnings"}
//
// with each hop {"leg", "kind", "id", "name", "direction", "packet",
// "verdict", "rule", "reason", "details", "code", "fix"}. A block's "hop"
// is the hop's number on its leg as the trace prints it, counting from 1.
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

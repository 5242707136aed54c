package reach

import (
	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// hopDetails is what a hop's [Hop.Details] are worded from when read: a
// check's walk records which filter judged which packet, and the lines
// (each security group's matching or closest rule, the network ACL
// entries passed over, the firewall's per-packet decisions) are built
// only when the trace is read. It is never changed once its hop is in a
// Result, and holds only immutable values (compiled evaluators, a
// firewall decision no one else holds), so reading it from several
// goroutines is safe.
type hopDetails struct {
	sg  *sg.Evaluator      // the groups whose per-group reasons come first
	acl *nacl.Evaluator    // the ACL whose entries passed over come first
	fw  *firewall.Decision // the firewall decision whose details come first
	pkt flow.Flow          // the packet sg or acl judged
	dir flow.Direction     // and the direction
	// lines are fixed lines, after the built ones
	lines []string
}

// build words the details.
func (d *hopDetails) build() []string {
	var out []string
	switch {
	case d.sg != nil:
		x := d.sg.ExplainGroups(d.pkt, d.dir)
		out = make([]string, len(x.Groups), len(x.Groups)+len(d.lines))
		for i, g := range x.Groups {
			out[i] = g.Group + " (" + g.Name + "): " + g.Reason
		}
	case d.acl != nil:
		_, words := d.acl.ExplainWords(d.pkt, d.dir)
		out = words.Skipped
	case d.fw != nil:
		out = d.fw.Details()
	}
	if len(d.lines) > 0 {
		out = append(out, d.lines...)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// addDetail appends a fixed line to h's details.
func (h *Hop) addDetail(line string) {
	if h.details == nil {
		h.details = &hopDetails{}
	}
	h.details.lines = append(h.details.lines, line)
}

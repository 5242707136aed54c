package stateful

import (
	"slices"

	"github.com/reachsim/reachsim/flow"
)

// Hidden is a rule that can never decide, nor raise an alert, under
// STRICT_ORDER: an earlier pass, drop or reject rule (By) matches, for
// certain, every packet at every stage the rule could match, so the
// earlier rule always decides first.
type Hidden struct {
	// Group and Sid name the hidden rule (its group's name, or ARN), Rule
	// is its text.
	Group string
	Sid   int
	Rule  string
	// ByGroup, BySid and ByRule name the earlier rule that hides it.
	ByGroup string
	BySid   int
	ByRule  string
}

// Hidden returns the rules of a STRICT_ORDER engine that an earlier rule
// hides entirely (see [Hidden]), in rule order; nil for an engine in
// DEFAULT_ACTION_ORDER, or a nil engine. It is conservative: a rule is
// reported only when one earlier rule alone covers it, that rule's
// matching depends on nothing beyond the protocol, addresses, ports and
// the flow keywords (established, to_server, …) and application
// protocol it shares with the hidden rule, and DROP_TO_ALERT does not
// turn it into an alert.
func (e *Engine) Hidden() []Hidden {
	if e == nil || e.order != StrictOrder {
		return nil
	}
	var out []Hidden
	var hiders []int // certain rules not hidden themselves: a hidden one hides nothing more
	for i := range e.rules {
		r := &e.rules[i]
		hidden := false
		for _, j := range hiders {
			if h := &e.rules[j]; h.hides(r) {
				out = append(out, Hidden{Group: e.groups[r.group].label, Sid: r.sid, Rule: r.text,
					ByGroup: e.groups[h.group].label, BySid: h.sid, ByRule: h.text})
				hidden = true
				break
			}
		}
		if r.certain() && !hidden {
			hiders = append(hiders, i)
		}
	}
	return out
}

// certain reports whether h decides wherever its header, protocol and
// stage conditions hold: a pass, drop or reject with no option that could
// fail to match or leave the answer undecidable.
func (h *rule) certain() bool {
	return (h.action == flow.Pass || h.action == flow.Drop || h.action == flow.Reject) && !h.overridden &&
		!h.never && len(h.conds) == 0 && len(h.bufs) == 0 && h.unknownKW == "" && h.setKW == ""
}

// hides reports whether the certain rule h matches every packet r
// matches, at every stage.
func (h *rule) hides(r *rule) bool {
	if r.never || r.opaque {
		return false // matches nothing: not hidden by h, dead on its own; or stands for unknown rules
	}
	// An IP-only h is tried on the first packet of each direction only;
	// that packet has the header of every later packet of its direction,
	// so h decides there, before any stage r could match at.
	switch {
	case h.est != 0 && r.est != h.est,
		h.dir != 0 && r.dir != h.dir,
		h.needsPayload && !r.needsPayload:
		return false
	}
	if len(h.apps) > 0 && (len(r.apps) == 0 || slices.ContainsFunc(r.apps, func(a string) bool { return !slices.Contains(h.apps, a) })) {
		return false
	}
	if h.protoAny {
		if h.family != 0 && (!r.protoAny || r.family != h.family) {
			return false
		}
	} else if r.protoAny || r.protos[0]&^h.protos[0] != 0 || r.protos[1]&^h.protos[1] != 0 || r.protos[2]&^h.protos[2] != 0 || r.protos[3]&^h.protos[3] != 0 {
		return false
	}
	fwd := h.headerHolds(r, false)
	rev := h.bidir && h.headerHolds(r, true)
	if !r.bidir || h.bidir {
		return fwd || rev
	}
	// r matches both ways, h one way: h must hold r and r reversed
	return fwd && h.headerHolds(r, true)
}

// headerHolds reports whether h's addresses and ports (swapped when rev)
// hold all of r's.
func (h *rule) headerHolds(r *rule, rev bool) bool {
	src, dst, sp, dp, spAny, dpAny := &h.src, &h.dst, &h.sp, &h.dp, h.spAny, h.dpAny
	if rev {
		src, dst, sp, dp, spAny, dpAny = dst, src, dp, sp, dpAny, spAny
	}
	ports := func(hp *flow.PortSet, hAny bool, rp *flow.PortSet, rAny bool) bool {
		return hAny || !rAny && rp.SubsetOf(*hp)
	}
	return ports(sp, spAny, &r.sp, r.spAny) && ports(dp, dpAny, &r.dp, r.dpAny) &&
		r.src.SubsetOf(*src) && r.dst.SubsetOf(*dst)
}

package stateful

import (
	"strconv"

	"github.com/reachsim/reachsim/flow"
)

// A session's application protocol in doubt: a TCP session that carries
// a Domain (a TLS SNI or an HTTP Host, so the client speaks TLS or HTTP)
// and names no AppProto, to a port whose DefaultAppProto is neither tls
// nor http. Suricata detects the protocol by content, not port, so the
// port says nothing here; which of the two it is, the session does not
// say. The engine judges it both ways: where they agree the answer is
// certain, where they differ it is Indeterminate, naming what is missing.

// UnknownAppProto is the Keyword of an [Unknown] that names no rule (Sid
// 0, no Group) but the session's application protocol: a TCP session
// that carries a Domain to a port whose [DefaultAppProto] is neither tls
// nor http speaks TLS or HTTP, and the session does not say which. Its
// Why says what is missing ("which application protocol the session on
// tcp/9443 speaks: TLS or HTTP"); as [Decision.Indeterminate] its Rule
// says what each reading gives.
const UnknownAppProto = "app-layer-protocol"

// appDoubt reports whether s's application protocol is TLS or HTTP, the
// session does not say which: a TCP session with a Domain and no
// AppProto, to a port DefaultAppProto takes for neither.
func appDoubt(s Session) bool {
	if s.Flow.App != flow.AppUnset || s.Flow.Protocol != flow.TCP || s.Flow.Domain == "" {
		return false
	}
	switch DefaultAppProto(s.Flow) {
	case "tls", "http":
		return false
	}
	return true
}

// appDoubtWhy is what is missing for a session whose protocol is in
// doubt (appDoubt).
func appDoubtWhy(f flow.Flow) string {
	return "which application protocol the session on tcp/" + strconv.Itoa(int(f.Dst.Port())) + " speaks: TLS or HTTP"
}

// deniedLegs is the directions on which d's verdict is not Allow
// (Decision.VerdictOn).
func deniedLegs(d *Decision) uint8 {
	switch {
	case d.Verdict == flow.Allow:
		return 0
	case d.Verdict == flow.Indeterminate && d.legs != 0:
		return d.legs
	}
	return legOf(d.Stage)
}

// sameWay reports whether two readings of a session went the same way:
// the same stage, deciding rule or default, undecidable rules met and
// alerts (then the application protocol decided nothing, and is not
// listed as undecided).
func sameWay(a, b *Decision) bool {
	return a.Stage == b.Stage && a.Action == b.Action && a.DefaultAction == b.DefaultAction && a.Default == b.Default &&
		a.Group == b.Group && a.Sid == b.Sid && len(a.Undecided) == len(b.Undecided) && len(a.Alerts) == len(b.Alerts)
}

// eitherApp decides s, whose application protocol is in doubt
// (appDoubt), as TLS and as HTTP. When both readings give a certain
// answer, the same one (sameOutcome), or both a certain Deny (on
// different directions: the session fails either way), it is the TLS
// reading's decision, its Undecided listing the doubt (Keyword
// UnknownAppProto). When both
// are Indeterminate, it is the TLS reading's, on the directions either
// reading leaves undecided or denies. Otherwise it is Indeterminate at
// DataToServer (the client's first application message), Indeterminate
// naming the doubt, on every direction some reading denies or leaves
// undecided; Explain's Stages and Skipped hold the TLS reading's, then
// the HTTP reading's.
func (e *Engine) eitherApp(s Session, explain, quiet bool) Decision {
	s.Flow.App = flow.AppTLS
	dt := e.decide(s, explain, quiet)
	s.Flow.App = flow.AppHTTP
	dh := e.decide(s, explain, quiet)
	s.Flow.App = flow.AppUnset
	legs := deniedLegs(&dt) | deniedLegs(&dh)
	switch {
	case dt.Verdict != flow.Indeterminate && dh.Verdict != flow.Indeterminate &&
		(sameOutcome(dt, dh) || dt.Verdict == flow.Deny && dh.Verdict == flow.Deny):
		if !quiet && !sameWay(&dt, &dh) {
			dt.noteUndecided(Unknown{Stage: DataToServer, Keyword: UnknownAppProto, Why: appDoubtWhy(s.Flow)})
		}
		return dt
	case dt.Verdict == flow.Indeterminate && dh.Verdict == flow.Indeterminate:
		dt.legs = legs
		return dt
	}
	u := Unknown{Stage: DataToServer, Keyword: UnknownAppProto, Why: appDoubtWhy(s.Flow)}
	return inDoubt(dt, dh, u, "as TLS: ", "; as HTTP: ", legs, explain, quiet)
}

// noteUndecided lists u among d's undecidable rules met, in stage order.
func (d *Decision) noteUndecided(u Unknown) {
	at := len(d.Undecided)
	for at > 0 && d.Undecided[at-1].Stage > u.Stage {
		at--
	}
	d.Undecided = append(d.Undecided[:at:at], append([]Unknown{u}, d.Undecided[at:]...)...)
}

// inDoubt is the Indeterminate decision of a session whose two readings a
// and b (named by labelA and labelB in u.Rule) differ by the doubt u: at
// DataToServer, on the directions legs, its action a's unless a allows;
// Explain's Stages and Skipped hold a's, then b's.
func inDoubt(a, b Decision, u Unknown, labelA, labelB string, legs uint8, explain, quiet bool) Decision {
	d := Decision{Verdict: flow.Indeterminate, Stage: DataToServer, Indeterminate: &u, Warning: a.Warning, legs: legs}
	d.Action = a.Action
	if a.Verdict == flow.Allow {
		d.Action = b.Action
	}
	if !quiet {
		a.Warning, b.Warning = "", ""
		u.Rule = labelA + a.String() + labelB + b.String()
	}
	if explain {
		d.Stages = append(a.Stages, b.Stages...)
		d.Skipped = append(a.Skipped, b.Skipped...)
	}
	return d
}

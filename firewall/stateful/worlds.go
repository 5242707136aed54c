package stateful

import "github.com/reachsim/reachsim/flow"

// Worlds: an undecidable rule decides nothing when every way it could go
// gives the same answer.
//
// A session whose first evaluation meets an undecidable pass, drop or
// reject rule (and so comes out Indeterminate) is evaluated again in every
// world: every assignment of "matches" or "does not match" to the
// undecidable rules met, each rule at each stage counted apart (its match
// at one packet says nothing of another's: geoip:src reads the client at
// the request and the server at the reply). Worlds are enumerated by mask
// over the rules in the order they are first met; a rule met for the first
// time in a world does not match there, which is what the masks before it
// already assumed, so every world is run once. When more than
// maxUndecided rules are met, or two worlds disagree, the first
// evaluation's answer stands, Indeterminate; it then lands on every
// direction some world denies (or, past maxUndecided, on every direction
// judged), and a direction every world allows is allowed (see
// Decision.VerdictOn).

// maxUndecided bounds the undecidable rules (each at one stage) whose
// worlds are tried: 6 rules, 64 worlds.
const maxUndecided = 6

// worldRule is an undecidable rule met at one stage, with what leaves it
// undecided there.
type worldRule struct {
	rule    int32 // index into Engine.rules
	stage   Stage
	kw, why string
}

// worlds is the state of the enumeration, on the caller's stack.
type worlds struct {
	met  [maxUndecided]worldRule
	n    int    // rules met so far
	mask uint64 // the world being run: bit k set, met[k] matches
	over bool   // a world met more than maxUndecided rules
}

// assign returns whether the undecidable rule i (r) matches p's stage in
// the current world, recording it the first time it is met.
func (w *worlds) assign(i int32, r *rule, p *packet) matchResult {
	st := p.spec.stage
	for k := range w.n {
		if w.met[k].rule == i && w.met[k].stage == st {
			if w.mask>>k&1 != 0 {
				return matchYes
			}
			return matchNo
		}
	}
	if w.n == maxUndecided {
		w.over = true
		return matchNo
	}
	kw, why := r.undecidedBy(p)
	w.met[w.n] = worldRule{rule: i, stage: st, kw: kw, why: why}
	w.n++
	return matchNo
}

// sameOutcome reports whether two decisions of one session give the same
// answer as a caller reads it: the same verdict, and for a verdict other
// than Allow the same direction (package firewall puts a deny on the leg
// of the stage that decided).
func sameOutcome(a, b Decision) bool {
	return a.Verdict == b.Verdict && (a.Verdict == flow.Allow || a.Stage.ToServer() == b.Stage.ToServer())
}

// byWorlds decides a session whose evaluation first came out
// Indeterminate for an undecidable rule (first) by trying every world.
// When every world gives the same outcome it returns the world in which
// none of the undecidable rules matches, with Undecided listing them
// (quiet: that world's verdict and stage alone). Otherwise it returns
// first, its legs the directions some world denies (every judged
// direction when the worlds are too many to try).
func (e *Engine) byWorlds(s Session, first Decision, explain, quiet bool) Decision {
	var w worlds
	var want Decision
	var legs uint8 // the directions some world denies
	agree := true
	all := judgedLegs(s)
	for m := uint64(0); m < 1<<w.n; m++ { // w.n grows as worlds meet more rules
		w.mask = m
		d := e.evaluate(s, false, true, &w)
		switch {
		case w.over:
			first.legs = all
			return first
		case m == 0:
			want = d
		case agree && !sameOutcome(d, want):
			agree = false
		}
		if d.Verdict != flow.Allow {
			legs |= legOf(d.Stage)
		}
		if !agree && legs == all { // no world left can change the answer
			break
		}
	}
	if !agree {
		first.legs = legs
		return first
	}
	if quiet {
		return want
	}
	w.mask = 0
	d := e.evaluate(s, explain, false, &w)
	d.Undecided = e.undecided(&w, s.serverFirst)
	return d
}

// judgedLegs is the directions of s the engine judges: those seen (both
// when neither is), less a direction every stage of which is Unseen.
func judgedLegs(s Session) uint8 {
	fwd, ret := s.ForwardSeen, s.ReturnSeen
	if !fwd && !ret {
		fwd, ret = true, true
	}
	var legs uint8
	for i := range stagesOf(s.Flow.Protocol) {
		spec := &stagesOf(s.Flow.Protocol)[i]
		if spec.toServer && !fwd || !spec.toServer && !ret || s.Unseen.Has(spec.stage) {
			continue
		}
		legs |= legOf(spec.stage)
	}
	return legs
}

// undecided lists the rules w met, stage by stage, in evaluation order
// (serverFirst: DataToClient before DataToServer, order.go).
func (e *Engine) undecided(w *worlds, serverFirst bool) []Unknown {
	met := w.met[:w.n]
	rank := func(st Stage) Stage {
		if serverFirst && st >= DataToServer {
			return DataToServer + DataToClient - st
		}
		return st
	}
	for i := 1; i < len(met); i++ { // insertion sort: a handful of rules
		for j := i; j > 0 && (rank(met[j].stage) < rank(met[j-1].stage) || met[j].stage == met[j-1].stage && met[j].rule < met[j-1].rule); j-- {
			met[j], met[j-1] = met[j-1], met[j]
		}
	}
	out := make([]Unknown, len(met))
	for k, m := range met {
		r := &e.rules[m.rule]
		out[k] = Unknown{Stage: m.stage, Group: e.groups[r.group].label, Sid: r.sid, Action: r.action,
			Rule: r.text, Keyword: m.kw, Why: m.why}
	}
	return out
}

// The directions of Decision.legs.
const (
	legToServer uint8 = 1 << iota
	legToClient
)

// legOf is the direction bit of stage s.
func legOf(s Stage) uint8 {
	if s.ToServer() {
		return legToServer
	}
	return legToClient
}

// VerdictOn returns the verdict as it lands on one direction of the
// session (toServer: the client's packets; otherwise the server's), as
// package firewall puts it on its legs. An Allow is Allow both ways; a
// Deny lands on the direction of its Stage, the other being allowed (the
// engine has nothing of its own against it). An Indeterminate verdict
// lands on every direction on which some way the undecidable rules can go
// (see the package doc, Worlds) denies or stays undecided, which may be
// another direction than its Stage's, or both; a direction every way
// allows is Allow.
func (d Decision) VerdictOn(toServer bool) flow.Verdict {
	return verdictOn(d.Verdict, d.Stage, d.legs, toServer)
}

// verdictOn is [Decision.VerdictOn] on the fields it reads, so that
// Verdicts does not copy a Decision per direction.
func verdictOn(v flow.Verdict, stage Stage, legs uint8, toServer bool) flow.Verdict {
	leg := legToClient
	if toServer {
		leg = legToServer
	}
	switch {
	case v == flow.Allow:
		return flow.Allow
	case v == flow.Indeterminate && legs != 0:
		if legs&leg != 0 {
			return v
		}
		return flow.Allow
	case legOf(stage) == leg:
		return v
	}
	return flow.Allow
}

// Verdicts is [Engine.Verdict] as it lands on each direction
// ([Decision.VerdictOn] true and false): the client's packets
// (toServer) and the server's (toClient). It allocates as Verdict does.
func (e *Engine) Verdicts(s Session) (toServer, toClient flow.Verdict) {
	d := e.run(s, false, true)
	return verdictOn(d.Verdict, d.Stage, d.legs, true), verdictOn(d.Verdict, d.Stage, d.legs, false)
}

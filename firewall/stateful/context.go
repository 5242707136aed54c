package stateful

import "github.com/reachsim/reachsim/flow"

// Packets met without the flow's context. Network Firewall's stream
// exception policy CONTINUE "continues processing rules without context
// from previous traffic" when the engine meets packets of a flow it has
// no state for (semantics.md C.3): rules on the application layer will
// not match, while flow:stateless rules and aws:drop_strict still do. A
// rule whose match reads nothing of that context (a plain 5-tuple rule)
// matches such a packet as it matches it with the context; one that reads
// it may match otherwise.

// readsContext reports whether r's match depends on what the engine
// learns from a flow's earlier packets: its state or direction
// (flow:established, not_established, to_server, to_client), its
// application layer (an application protocol, buffers, payload,
// app-layer-protocol, ssl_state, a managed group's unknown rules), or
// other packets (flowbits:isset, threshold, flow:only_stream: every
// keyword reachsim cannot decide).
func (r *rule) readsContext() bool {
	return r.est != 0 || r.dir != 0 || r.stream || r.unknownKW != "" || r.needsApp()
}

// mayMatchFlow reports whether r's protocol, addresses and ports may
// match a packet of flow f in either direction, its other options aside.
func (r *rule) mayMatchFlow(f flow.Flow) bool {
	if r.never {
		return false
	}
	if r.protoAny {
		if r.family == 4 && !f.Src.Addr().Is4() || r.family == 6 && f.Src.Addr().Is4() {
			return false
		}
	} else if !r.hasProto(f.Protocol) {
		return false
	}
	fwd, back := packet{f: f}, packet{f: f.Reverse()}
	return r.header(&fwd) || r.header(&back)
}

// PassMayMatch reports whether some pass rule of e may match a packet of
// flow f, in either direction, by its protocol, addresses and ports alone
// (its other options, flow state and application layer among them, taken
// as matching). False for a nil Engine. Where it is false, nothing of e
// passes any packet of f whatever the engine knows of the flow: under
// aws:drop_strict every packet of f the engine sees is dropped.
func (e *Engine) PassMayMatch(f flow.Flow) bool {
	if e == nil {
		return false
	}
	for i := range e.rules {
		if r := &e.rules[i]; r.action == flow.Pass && r.mayMatchFlow(f) {
			return true
		}
	}
	return false
}

// DenyStandsWithoutContext reports whether d, a certain Deny by e of a
// session of flow f, stands when the engine meets the packet it drops
// without the flow's earlier packets (stream exception policy CONTINUE):
// aws:drop_strict, or a rule whose match reads nothing of the flow's
// context (no flow state or direction, no application layer, no other
// packets: a plain 5-tuple rule), decided, and no pass rule
// that may match a packet of f (by its header) reads that context, so
// that every rule that may decide matches the packet as it does with the
// context. False for a nil Engine and for any other decision (a drop by
// aws:drop_established, which reads whether the flow is established,
// among them).
func (e *Engine) DenyStandsWithoutContext(d Decision, f flow.Flow) bool {
	if e == nil || d.Verdict != flow.Deny || d.Indeterminate != nil {
		return false
	}
	found := d.Default && d.DefaultAction == DefaultDropStrict
	for i := range e.rules {
		r := &e.rules[i]
		if r.action == flow.Pass && r.readsContext() && r.mayMatchFlow(f) {
			return false
		}
		if !d.Default && r.sid == d.Sid && e.groups[r.group].label == d.Group {
			if r.readsContext() {
				return false
			}
			found = true
		}
	}
	return found
}

// DropsEveryPacket reports whether e drops every packet of flow f it
// sees, whatever it knows of the flow: its defaults hold aws:drop_strict
// and no pass rule may match a packet of f ([Engine.PassMayMatch]), so
// each packet meets a drop rule or the default. Under stream exception
// policy CONTINUE, AWS says aws:drop_strict still matches. False for a
// nil Engine.
func (e *Engine) DropsEveryPacket(f flow.Flow) bool {
	return e != nil && e.defaults.DropStrict && !e.PassMayMatch(f)
}

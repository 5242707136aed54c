package sg

import (
	"net/netip"

	"github.com/reachsim/reachsim/flow"
)

// OverSourcePorts returns a view of e for a TCP or UDP packet whose
// source port is some port of span that the input does not say, such as
// the port a NAT gateway picks for a session: each packet is judged at
// every port of span, whatever source port it carries. Where every port
// gets the same verdict, the view gives that decision (the one of the
// span's lowest port that the groups' rules tell apart); where they
// differ, flow.Indeterminate with Basis [SourcePortDiffers]. Its
// [Evaluator.Bounds] add no source-port edge (its decisions do not
// depend on the source port) and count every rule whatever its source
// ports. Packets without ports are judged as e judges them. Only Alibaba
// Cloud rules name source ports; for other groups the view decides as e.
// A nil e or an empty span returns e.
func (e *Evaluator) OverSourcePorts(span flow.PortRange) *Evaluator {
	if e == nil || span.Lo > span.Hi {
		return e
	}
	base := e
	if e.spanOf != nil {
		base = e.spanOf
	}
	cp := *base
	cp.spanOf, cp.span = base, span
	if base.either != nil {
		x := *base.either
		x.spanOf, x.span = base.either, span
		cp.either = &x // Bounds: both views' edges, without the source port's
	}
	return &cp
}

// spanAtoms returns the runs of e.span that the rules of e.spanOf could
// decide f apart on, by their source ports.
func (e *Evaluator) spanAtoms(f flow.Flow, dir flow.Direction) []flow.PortRange {
	b := flow.NewBounds(flow.FieldSrcPort)
	e.spanOf.Bounds(f, dir, b)
	return b.Atoms(flow.FieldSrcPort, e.span)
}

// evaluateSpan is Evaluate for a view of OverSourcePorts.
func (e *Evaluator) evaluateSpan(f flow.Flow, dir flow.Direction) Decision {
	if !f.Protocol.HasPorts() || dir > flow.Outbound {
		return e.spanOf.Evaluate(f, dir)
	}
	var first Decision
	for i, r := range e.spanAtoms(f, dir) {
		g := f
		g.Src = netip.AddrPortFrom(g.Src.Addr(), r.Lo)
		d := e.spanOf.Evaluate(g, dir)
		if i == 0 {
			first = d
			continue
		}
		if d.Verdict != first.Verdict {
			return Decision{Verdict: flow.Indeterminate, Direction: dir, Basis: SourcePortDiffers, RuleIndex: -1}
		}
	}
	return first
}

// explainSpan is explain for a view of OverSourcePorts: the groups'
// reasons are those of the span's lowest port, whose decision the view
// gives where the ports agree.
func (e *Evaluator) explainSpan(f flow.Flow, dir flow.Direction, skipped bool) Decision {
	d := e.evaluateSpan(f, dir)
	if d.Basis == SourcePortDiffers || !f.Protocol.HasPorts() {
		if d.Basis != SourcePortDiffers {
			return e.spanOf.explain(f, dir, skipped)
		}
		return d
	}
	g := f
	g.Src = netip.AddrPortFrom(g.Src.Addr(), e.spanAtoms(f, dir)[0].Lo)
	return e.spanOf.explain(g, dir, skipped)
}

// SourcePortSpan returns the span of a view made with
// [Evaluator.OverSourcePorts], and false for any other evaluator.
func (e *Evaluator) SourcePortSpan() (flow.PortRange, bool) {
	if e == nil || e.spanOf == nil {
		return flow.PortRange{}, false
	}
	return e.span, true
}

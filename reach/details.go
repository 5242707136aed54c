package reach

import (
	"net/netip"
	"strings"
	"sync"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// A check's walk records what decided at each hop; the words of its
// trace ([Hop.Reason], [Hop.Details]) are built when read, from the hop's
// judge: the compiled filter that judged the hop's Packet in its
// Direction, or the firewall session's decision. A judge holds only
// immutable values (compiled evaluators, a decision no one else holds),
// is never changed once its hop is in a Result, and fits in an interface
// without an allocation of its own, so recording it costs the walk next
// to nothing, reading a Result from several goroutines is safe, and every
// read words the same text.
type hopJudge interface {
	// reason words the hop's reason (Hop.reason is what the walk wrote)
	reason(h *Hop) string
	// details words the hop's details, before its notes
	details(h *Hop) []string
}

// sgJudge: the interface's security groups; the reason is their
// decision's, then Hop.reason; the details each group's matching or
// closest rule.
type sgJudge struct{ ev *sg.Evaluator }

func (j sgJudge) reason(h *Hop) string {
	return j.ev.Evaluate(h.Packet, h.Direction).String() + h.reason
}

func (j sgJudge) details(h *Hop) []string {
	x := j.ev.ExplainGroups(h.Packet, h.Direction)
	out := make([]string, len(x.Groups), len(x.Groups)+len(h.notes))
	for i, g := range x.Groups {
		if g.Name == "" { // a group read without a name: no empty parentheses
			out[i] = g.Group + ": " + g.Reason
			continue
		}
		out[i] = g.Group + " (" + g.Name + "): " + g.Reason
	}
	return out
}

// aclJudge: a network ACL; the details are the entries passed over (the
// reason, prepared at Compile, the walk wrote).
type aclJudge struct{ ev *nacl.Evaluator }

func (j aclJudge) reason(h *Hop) string { return h.reason }

func (j aclJudge) details(h *Hop) []string {
	_, words := j.ev.ExplainWords(h.Packet, h.Direction)
	return words.Skipped
}

// fwMet is a firewall session as the walk met it: the walk keeps the
// decision's verdicts, rules and fix (firewall.Outline), and the engine,
// immutable, decides the session again for its reasons and details at
// the first read, which the crossings of the session share.
type fwMet struct {
	engine *firewall.Engine
	conn   firewall.Connection
	once   sync.Once
	d      firewall.Decision
}

// decision returns the session's decision, made at the first call.
func (s *fwMet) decision() *firewall.Decision {
	s.once.Do(func() { s.d = s.engine.Evaluate(s.conn) })
	return &s.d
}

// fwJudge: a firewall session's decision, shared by its crossings; the
// reason is the decision's on the hop's leg, then Hop.reason.
type fwJudge struct{ s *fwMet }

func (j fwJudge) reason(h *Hop) string {
	return j.s.decision().ReasonOn(h.Leg == Return) + h.reason
}

func (j fwJudge) details(*Hop) []string { return j.s.decision().Details() }

// fwDetails: a firewall session's details under a reason of the walk's
// own (a crossing the other leg misses: asymmetric).
type fwDetails struct{ s *fwMet }

func (j fwDetails) reason(h *Hop) string { return h.reason }

func (j fwDetails) details(*Hop) []string { return j.s.decision().Details() }

// routeJudge: a matched route; the reason says the packet's destination
// matches the route in Hop.Rule.
type routeJudge struct{}

func (routeJudge) reason(h *Hop) string {
	if rule, ok := strings.CutSuffix(h.Rule, " (propagated)"); ok {
		return h.Packet.Dst.Addr().String() + " matches " + rule + " (propagated; longest prefix, no static or prefix-list route of its length)"
	}
	return h.Packet.Dst.Addr().String() + " matches " + h.Rule + " (longest prefix)"
}

func (routeJudge) details(*Hop) []string { return nil }

// Address translations at gateways, worded from the hop's packet (the
// packet before the translation) and what translates it. Each holds one
// pointer, so a hop stores it without an allocation.

// publicSourceJudge: an internet gateway gives the interface's private
// source address its public one.
type publicSourceJudge struct{ ii *ifaceInfo }

func (j publicSourceJudge) reason(h *Hop) string {
	src := h.Packet.Src.Addr()
	return translatedSource(src, j.ii.publicOf[src])
}

func (publicSourceJudge) details(*Hop) []string { return nil }

// natPublicSourceJudge: an internet gateway gives a NAT gateway's private
// address its public one.
type natPublicSourceJudge struct{ ni *natInfo }

func (j natPublicSourceJudge) reason(h *Hop) string {
	return translatedSource(h.Packet.Src.Addr(), j.ni.PublicIP)
}

func (natPublicSourceJudge) details(*Hop) []string { return nil }

func translatedSource(src, public netip.Addr) string {
	return "source " + src.String() + " translated to its public address " + public.String()
}

// privateDestJudge: an internet gateway hands a public destination
// address to the interface's private one.
type privateDestJudge struct{ ii *ifaceInfo }

func (j privateDestJudge) reason(h *Hop) string {
	dst := h.Packet.Dst.Addr()
	return "destination " + dst.String() + " translated to " + j.ii.privateOf[dst].String()
}

func (privateDestJudge) details(*Hop) []string { return nil }

// natPrivateDestJudge: an internet gateway hands a NAT gateway's public
// address to its private one.
type natPrivateDestJudge struct{ ni *natInfo }

func (j natPrivateDestJudge) reason(h *Hop) string {
	private, _ := j.ni.privateFor(h.Packet.Dst.Addr())
	return "destination " + h.Packet.Dst.Addr().String() + " translated to " + private.String()
}

func (natPrivateDestJudge) details(*Hop) []string { return nil }

// natSourceJudge: a NAT gateway gives the source its private address.
type natSourceJudge struct{ ni *natInfo }

func (j natSourceJudge) reason(h *Hop) string {
	return "source " + h.Packet.Src.Addr().String() + " translated to " + j.ni.PrivateIP.String() +
		" (the NAT gateway's private address; " + natPortWords(h.Packet.Protocol) + ")"
}

func (natSourceJudge) details(*Hop) []string { return nil }

// internetJudge: the packet reaches its destination on the internet,
// which the hop's Name holds.
type internetJudge struct{}

func (internetJudge) reason(h *Hop) string { return "delivered to " + h.Name + " on the internet" }

func (internetJudge) details(*Hop) []string { return nil }

// words is the hop's reason.
func (h *Hop) words() string {
	if h.judge != nil {
		return h.judge.reason(h)
	}
	return h.reason
}

// detailLines words the hop's details and appends its notes.
func (h *Hop) detailLines() []string {
	var out []string
	if h.judge != nil {
		out = h.judge.details(h)
	}
	out = append(out, h.notes...)
	if len(out) == 0 {
		return nil
	}
	return out
}

// addDetail appends a fixed line to h's details.
func (h *Hop) addDetail(line string) {
	h.notes = append(h.notes, line)
}

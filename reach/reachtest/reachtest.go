// Package reachtest helps users test their network designs with go test:
// assertions that a session is (or is not) reachable in a [reach.Model],
// and where it is blocked, which print the full rendered trace when they
// fail and report the failure at the caller's file and line.
//
//	func TestDatabaseIsPrivate(t *testing.T) {
//		m := buildDesign(t)
//		reachtest.RequireReachable(t, m, reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432})
//		reachtest.AssertNotReachable(t, m, reach.Query{From: "203.0.113.9", To: "db-1", Protocol: flow.TCP, Port: 5432})
//		// A client port the database subnet's ACL lets no reply back to:
//		reachtest.AssertReplyBlocked(t, m, reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 61000}, reach.ACLDefaultDeny)
//	}
//
// A query that is not whole (no protocol, a tcp query without a port; see
// [reach.Query]) fails the assertion with the error, so a forgotten field
// never makes a "not reachable" assertion pass. So does an indeterminate
// answer ([reach.Indeterminate]: a route to a target reachsim does not
// model, a reference to a group the input does not hold, a firewall rule
// that depends on payload): every assertion fails on it, naming what the
// input lacks, since neither "reachable" nor "not reachable" is known.
// An undecided hop ([reach.Block].Indeterminate) blocks nothing: the
// assertions that pin blocking points ([AssertNotReachable],
// [AssertRequestBlocked], [AssertReplyBlocked]) count only the hops that
// block for certain, so a request whose only blocking point is undecided
// is not "blocked", even when its reply is blocked for certain; their
// failures name the undecided hops, their codes and what the input lacks.
//
// Two assertions state sets rather than single sessions, answered
// exactly by [reach.Model.Ports] and [reach.Model.Audit]:
// [AssertOnlyPorts] (exactly these ports are open between two endpoints,
// over each address family both have: every listed port between their
// primary addresses from the default client port, and no other port
// between any of their addresses from any client port; a failure shows,
// per family, the missing and extra ports, the hops that cut the missing
// ones and the rules that let the extra ones in) and
// [AssertNotExposed] (no internet address reaches an interface on these
// ports from any client port, at any address the internet sends to it
// at: its public IP, the Elastic IPs of its other private addresses, its
// IPv6 addresses and the IPv6 prefixes delegated to it, whichever of them
// or of its names the test gives; a failure shows the exposed ports, the
// addresses they are exposed at, the internet blocks that reach them and
// the rules that let them in, and says an exposure the input leaves open
// is undecided, with the undecided hop's code and what the input lacks).
// In both, an instance ID or an instance's name stands for every
// interface of the instance: a Name tag on an interface of an instance
// names the instance (the aws loader gives an instance's Name tag to its
// primary interface only), and one on interfaces of different instances
// is an error. Port sets are written as [flow.ParsePortSet] reads them: "443",
// "ssh,rdp", "8000-8100"; port 0, which no client connects to, fails the
// assertion. An empty endpoint and a nil model fail every assertion with
// an error.
//
// The helpers take any value with testify's TestingT method set (Errorf),
// so *testing.T, *testing.B and testify's mocks all work; Require…
// variants also need FailNow. When the value has a Helper method (as
// *testing.T does), every helper calls it, so go test reports a failure
// at the line of the test that called the helper.
package reachtest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/reach"
)

// TestingT is the part of *testing.T the assertions need.
type TestingT interface {
	Errorf(format string, args ...any)
}

// RequireT is TestingT that can stop the test, for the Require… helpers.
type RequireT interface {
	TestingT
	FailNow()
}

// helper is the Helper method of *testing.T. Each function between the
// user's test and Errorf calls it itself: Helper marks the function that
// calls it, so a shared function calling it on the callers' behalf would
// mark only itself.
type helper interface{ Helper() }

// describe names the query in a failure message, its endpoints escaped
// (internal/textsafe) like the trace that follows it.
func describe(q reach.Query) string {
	from, to := textsafe.String(q.From), textsafe.String(q.To)
	s := fmt.Sprintf("%s -> %s %s", from, to, q.Protocol)
	switch {
	case q.Protocol == 0:
		s = fmt.Sprintf("%s -> %s (no protocol)", from, to)
	case q.Protocol.HasPorts():
		s += fmt.Sprintf("/%d", q.Port)
	case q.ICMP != nil:
		s += fmt.Sprintf(" type %d code %d", q.ICMP.Type, q.ICMP.Code)
	}
	return s
}

func message(msgAndArgs []any) string {
	if len(msgAndArgs) == 0 {
		return ""
	}
	if f, ok := msgAndArgs[0].(string); ok {
		return "\n" + fmt.Sprintf(f, msgAndArgs[1:]...)
	}
	return "\n" + fmt.Sprint(msgAndArgs...)
}

// check answers q, failing the assertion (what says what it expected) on
// an error or an indeterminate outcome.
func check(t TestingT, m *reach.Model, q reach.Query, what string) (*reach.Result, bool) {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	if m == nil {
		t.Errorf("reachtest: %s: %s", describe(q), nilModel)
		return nil, false
	}
	r, err := m.Check(q)
	if err != nil {
		t.Errorf("reachtest: %s: %s", describe(q), textsafe.String(err.Error()))
		return nil, false
	}
	if r.Outcome == reach.Indeterminate {
		var missing []string
		for _, h := range r.Undecided() {
			missing = append(missing, fmt.Sprintf("%s at %s %s: %s", h.Code, h.Kind, h.ID, h.Missing))
		}
		t.Errorf("expected %s %s, but the answer is indeterminate: it depends on what the input does not hold:\n  %s\n%s",
			describe(q), what, textsafe.String(strings.Join(missing, "\n  ")), r.Text())
		return nil, false
	}
	return r, true
}

// AssertReachable checks that the session q describes works, request and
// reply. On failure it reports the rendered trace and returns false.
func AssertReachable(t TestingT, m *reach.Model, q reach.Query, msgAndArgs ...any) bool {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	r, ok := check(t, m, q, "to be reachable")
	if !ok {
		return false
	}
	if !r.Reachable {
		t.Errorf("expected %s to be reachable, but it is not:\n%s%s", describe(q), r.Text(), message(msgAndArgs))
		return false
	}
	return true
}

// AssertNotReachable checks that the session q describes does not work.
// If codes are given, each must be the code of a hop that blocks it for
// certain (RETURN_ prefixes included), so a test pins why it is blocked:
// an undecided hop ([reach.Block].Indeterminate, such as SG_INDETERMINATE
// where a rule names a prefix list the input does not hold) blocks
// nothing, and its code never matches. On failure it reports the rendered
// trace and returns false.
func AssertNotReachable(t TestingT, m *reach.Model, q reach.Query, codes ...reach.Code) bool {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	r, ok := check(t, m, q, "not to be reachable")
	if !ok {
		return false
	}
	if r.Reachable {
		t.Errorf("expected %s not to be reachable, but it is:\n%s", describe(q), r.Text())
		return false
	}
	got := append(legCodes(r, reach.Forward), legCodes(r, reach.Return)...)
	if missing := missingCodes(got, codes, reach.Forward); len(missing) > 0 {
		t.Errorf("expected %s to be blocked with %s, but the hops that block it for certain are %v%s:\n%s",
			describe(q), textsafe.String(strings.Join(missing, ", ")), got, undecidedText(r), r.Text())
		return false
	}
	return true
}

// AssertRequestBlocked checks that the request of the session q describes
// is blocked on its way, for certain: at least one hop of the forward leg
// blocks it for certain, and each code given is the code of such a hop
// (reach.SGNoAllow, reach.FirewallDrop…). An undecided hop
// ([reach.Block].Indeterminate) blocks nothing: a request whose only
// blocking point is undecided fails the assertion, even when the reply
// is blocked for certain (the outcome is then Unreachable, but whether
// the request gets through is not known), and the failure names the
// undecided hop, its code and what the input lacks. On failure it reports
// the rendered trace and returns false.
func AssertRequestBlocked(t TestingT, m *reach.Model, q reach.Query, codes ...reach.Code) bool {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	r, ok := check(t, m, q, "to be blocked on its request")
	if !ok {
		return false
	}
	got := legCodes(r, reach.Forward)
	if len(got) == 0 {
		if und := undecidedText(r, reach.Forward); und != "" {
			t.Errorf("expected the request of %s to be blocked, but no hop blocks it for certain%s:\n%s", describe(q), und, r.Text())
			return false
		}
		t.Errorf("expected the request of %s to be blocked, but nothing blocks it (blocking points: %v):\n%s", describe(q), r.Codes(), r.Text())
		return false
	}
	if missing := missingCodes(got, codes, reach.Forward); len(missing) > 0 {
		t.Errorf("expected the request of %s to be blocked with %s, but the hops that block the request for certain are %v%s:\n%s",
			describe(q), textsafe.String(strings.Join(missing, ", ")), got, undecidedText(r, reach.Forward), r.Text())
		return false
	}
	return true
}

// AssertReplyBlocked checks that the session q describes fails on its
// reply: the request passes every hop to the destination, for certain (an
// undecided hop on the request's way fails the assertion, naming it), and
// the reply is blocked on its way back, by a hop that blocks it for
// certain. Codes are given as the component's code
// (reach.ACLDefaultDeny for a network ACL whose "*" rule drops the reply)
// and are matched with the RETURN_ prefix the reply's codes carry
// (RETURN_ACL_DEFAULT_DENY); a code that has the prefix already is taken
// as is. On failure it reports the rendered trace and returns false.
func AssertReplyBlocked(t TestingT, m *reach.Model, q reach.Query, codes ...reach.Code) bool {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	r, ok := check(t, m, q, "to be blocked on its reply")
	if !ok {
		return false
	}
	if fwd := legCodes(r, reach.Forward); len(fwd) > 0 {
		t.Errorf("expected only the reply of %s to be blocked, but the request is blocked too, by %v:\n%s", describe(q), fwd, r.Text())
		return false
	}
	if und := undecidedText(r, reach.Forward); und != "" {
		t.Errorf("expected only the reply of %s to be blocked, but whether the request passes is undecided%s:\n%s", describe(q), und, r.Text())
		return false
	}
	got := legCodes(r, reach.Return)
	if r.Reachable || len(got) == 0 {
		t.Errorf("expected the reply of %s to be blocked, but nothing blocks it:\n%s", describe(q), r.Text())
		return false
	}
	if missing := missingCodes(got, codes, reach.Return); len(missing) > 0 {
		t.Errorf("expected the reply of %s to be blocked with %s, but the hops that block the reply for certain are %v%s:\n%s",
			describe(q), textsafe.String(strings.Join(missing, ", ")), got, undecidedText(r, reach.Return), r.Text())
		return false
	}
	return true
}

// legCodes returns the codes of the hops that block r for certain on leg
// l: an undecided hop (Block.Indeterminate) blocks nothing.
func legCodes(r *reach.Result, l reach.Leg) []reach.Code {
	var out []reach.Code
	for _, b := range r.Blocks {
		if b.Leg == l && !b.Indeterminate {
			out = append(out, b.Code)
		}
	}
	return out
}

// undecidedText names r's undecided hops on the legs given (on either
// when none is), each with its code and what the input lacks
// ([reach.Hop].Missing): "; undecided, not blocks: SG_INDETERMINATE at
// security-groups eni-1 (forward hop 2): ...". Empty when there is none.
func undecidedText(r *reach.Result, legs ...reach.Leg) string {
	var parts []string
	for _, b := range r.Blocks {
		if !b.Indeterminate || (len(legs) > 0 && !slices.Contains(legs, b.Leg)) {
			continue
		}
		hops := r.Forward
		if b.Leg == reach.Return {
			hops = r.Return
		}
		missing := ""
		if b.Hop >= 1 && b.Hop <= len(hops) && hops[b.Hop-1].Missing != "" {
			missing = ": " + hops[b.Hop-1].Missing
		}
		parts = append(parts, fmt.Sprintf("%s at %s %s (%s hop %d)%s", b.Code, b.Kind, b.ID, b.Leg, b.Hop, missing))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; undecided (blocks nothing for certain; the input does not hold what decides it): " + textsafe.String(strings.Join(parts, "; "))
}

// missingCodes returns the wanted codes, as reported on leg l, that got
// lacks.
func missingCodes(got, want []reach.Code, l reach.Leg) []string {
	var missing []string
	for _, c := range want {
		if c = c.OnLeg(l); !slices.Contains(got, c) {
			missing = append(missing, string(c))
		}
	}
	return missing
}

// RequireReachable is AssertReachable that stops the test on failure.
func RequireReachable(t RequireT, m *reach.Model, q reach.Query, msgAndArgs ...any) {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	if !AssertReachable(t, m, q, msgAndArgs...) {
		t.FailNow()
	}
}

// RequireNotReachable is AssertNotReachable that stops the test on failure.
func RequireNotReachable(t RequireT, m *reach.Model, q reach.Query, codes ...reach.Code) {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
	if !AssertNotReachable(t, m, q, codes...) {
		t.FailNow()
	}
}

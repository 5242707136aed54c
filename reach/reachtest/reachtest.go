// Package reachtest helps users test their network designs with go test:
// assertions that a session is (or is not) reachable in a [reach.Model],
// which print the full rendered trace when they fail.
//
//	func TestDatabaseIsPrivate(t *testing.T) {
//		m := buildDesign(t)
//		reachtest.RequireReachable(t, m, reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432})
//		reachtest.AssertNotReachable(t, m, reach.Query{From: "203.0.113.9", To: "db-1", Protocol: flow.TCP, Port: 5432})
//	}
//
// The helpers take any value with testify's TestingT method set (Errorf),
// so *testing.T, *testing.B and testify's mocks all work; Require…
// variants also need FailNow.
package reachtest

import (
	"fmt"
	"slices"
	"strings"

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

type helper interface{ Helper() }

func markHelper(t TestingT) {
	if h, ok := t.(helper); ok {
		h.Helper()
	}
}

func describe(q reach.Query) string {
	s := fmt.Sprintf("%s -> %s %s", q.From, q.To, q.Protocol)
	switch {
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

func check(t TestingT, m *reach.Model, q reach.Query) (*reach.Result, bool) {
	markHelper(t)
	r, err := m.Check(q)
	if err != nil {
		t.Errorf("reachtest: %s: %v", describe(q), err)
		return nil, false
	}
	return r, true
}

// AssertReachable checks that the session q describes works, request and
// reply. On failure it reports the rendered trace and returns false.
func AssertReachable(t TestingT, m *reach.Model, q reach.Query, msgAndArgs ...any) bool {
	markHelper(t)
	r, ok := check(t, m, q)
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
// If codes are given, each must be among the blocking points' codes
// (RETURN_ prefixes included), so a test pins why it is blocked. On failure
// it reports the rendered trace and returns false.
func AssertNotReachable(t TestingT, m *reach.Model, q reach.Query, codes ...reach.Code) bool {
	markHelper(t)
	r, ok := check(t, m, q)
	if !ok {
		return false
	}
	if r.Reachable {
		t.Errorf("expected %s not to be reachable, but it is:\n%s", describe(q), r.Text())
		return false
	}
	got := r.Codes()
	var missing []string
	for _, c := range codes {
		if !slices.Contains(got, c) {
			missing = append(missing, string(c))
		}
	}
	if len(missing) > 0 {
		t.Errorf("expected %s to be blocked with %s, but its blocking points are %v:\n%s", describe(q), strings.Join(missing, ", "), got, r.Text())
		return false
	}
	return true
}

// RequireReachable is AssertReachable that stops the test on failure.
func RequireReachable(t RequireT, m *reach.Model, q reach.Query, msgAndArgs ...any) {
	markHelper(t)
	if !AssertReachable(t, m, q, msgAndArgs...) {
		t.FailNow()
	}
}

// RequireNotReachable is AssertNotReachable that stops the test on failure.
func RequireNotReachable(t RequireT, m *reach.Model, q reach.Query, codes ...reach.Code) {
	markHelper(t)
	if !AssertNotReachable(t, m, q, codes...) {
		t.FailNow()
	}
}

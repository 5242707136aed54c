package brute_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// recorder is a testing.TB that records a failure instead of ending the
// test, so a test can assert on what a brute check reports.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msg += fmt.Sprintf(format, args...)
}
func (r *recorder) FailNow() { panic(r) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.FailNow()
}
func (r *recorder) Helper() {}

// record runs f with a recorder and returns it, once f returns or fails.
func record(tb testing.TB, f func(tb testing.TB)) (rec *recorder) {
	rec = &recorder{TB: tb}
	defer func() {
		if p := recover(); p != nil && p != any(rec) {
			panic(p)
		}
	}()
	f(rec)
	return rec
}

// TestCheckPortsHonoursClientPort: CheckPorts holds a Ports answer to
// Verdict from the client port the answer is for
// (PortsQuery.ClientPort, PortsResult.ClientPort); it asked Verdict from
// the default 50000 whatever the query said, and so failed a right
// answer. On the sample, acl-db lets replies back only to client ports
// 1024-32767: app-1 reaches db-1's 5432 from 30000, nothing from 1000 or
// 50000.
func TestCheckPortsHonoursClientPort(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	tests := []struct {
		client uint16
		open   string
	}{
		{0, "none"},
		{30000, "5432"},
		{1000, "none"},
		{50000, "none"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.client), func(t *testing.T) {
			q := reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.TCP, ClientPort: tt.client}
			r, err := m.Ports(q)
			require.NoError(t, err)
			require.Equal(t, tt.open, r.Open.String())
			rng := rand.New(rand.NewPCG(1, 2))
			rec := record(t, func(tb testing.TB) {
				brute.CheckPorts(tb, rng, m, q, r, brute.PortsToCheck(rng, r.Open, r.Indeterminate), "right answer")
			})
			assert.False(t, rec.failed, "CheckPorts fails a right answer: %s", rec.msg)
			rec = record(t, func(tb testing.TB) {
				brute.CheckSetAnswers(tb, m, brute.Options{Ports: []reach.PortsQuery{q}, Few: true, NoMatrix: true})
			})
			assert.False(t, rec.failed, "CheckSetAnswers fails a right answer: %s", rec.msg)
		})
	}
	// the check still bites: the answer from 30000 is wrong for 50000
	r, err := m.Ports(reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.TCP, ClientPort: 30000})
	require.NoError(t, err)
	rec := record(t, func(tb testing.TB) {
		brute.CheckPorts(tb, rand.New(rand.NewPCG(1, 2)), m, reach.PortsQuery{From: "app-1", To: "db-1", Protocol: flow.TCP}, r, []uint16{5432}, "wrong answer")
	})
	assert.True(t, rec.failed, "CheckPorts passes an answer for another client port")
	assert.Contains(t, rec.msg, "port 5432")
}

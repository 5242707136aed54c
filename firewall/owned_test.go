package firewall_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/scramble"
)

// What the engines return is the caller's own: scrambling every decision,
// every rule, every config they hand out changes no later answer (a
// snapshot of every field, unexported ones included, with %#v).
func TestReturnedValuesDoNotAliasTheEngines(t *testing.T) {
	p := newPolicy(flow.Forward, []stateless.Rule{
		tcpRule(1, flow.Drop, "192.0.2.0/24", 0, "10.0.1.0/24", 23),
		tcpRule(2, flow.Pass, "", 0, "10.0.1.0/24", 443),
	}, noDefaults, dropSSH, `alert tcp any any -> any 80 (msg:"web"; sid:30;)`, `drop tcp any any -> any 8443 (content:"x"; sid:31;)`)
	e := compilePolicy(t, p)
	sl, err := stateless.Compile(p.Stateless)
	require.NoError(t, err)
	sf, err := stateful.Compile(p.Stateful, nil)
	require.NoError(t, err)
	conns := []string{sshFlow, "tcp 192.0.2.7:50000 -> 10.0.1.10:23", "tcp 198.51.100.7:50000 -> 10.0.1.10:443",
		"tcp 198.51.100.7:50000 -> 10.0.1.10:80", "tcp 198.51.100.7:50000 -> 10.0.1.10:8443", "udp 198.51.100.7:50000 -> 10.0.1.10:53"}

	snapshot := func() string {
		s := fmt.Sprintf("%#v\n", sl.Config())
		for _, c := range conns {
			for _, ins := range []interface {
				VerdictOn(bool) flow.Verdict
				RuleOn(bool) string
				ReasonOn(bool) string
				Fix() string
				Details() []string
			}{e.Evaluate(bothWays(c)), e.Explain(bothWays(c))} {
				for _, reply := range []bool{false, true} {
					s += fmt.Sprintf("%v %q %q\n", ins.VerdictOn(reply), ins.RuleOn(reply), ins.ReasonOn(reply))
				}
				s += fmt.Sprintf("%q %q\n", ins.Fix(), ins.Details())
			}
			pk := stateless.Packet{Flow: flow.MustParse(c), Flags: stateless.SYN}
			for _, d := range []stateless.Decision{sl.Evaluate(pk), sl.Explain(pk)} {
				s += fmt.Sprintf("%#v %#v %#v\n", d, d.Rule(), d.Metrics())
			}
			ss := stateful.Session{Flow: flow.MustParse(c), ForwardSeen: true, ReturnSeen: true}
			for _, d := range []stateful.Decision{sf.Evaluate(ss), sf.Explain(ss)} {
				var u stateful.Unknown
				if d.Indeterminate != nil {
					u, d.Indeterminate = *d.Indeterminate, nil // a new pointer each time: print what it points to
				}
				s += fmt.Sprintf("%#v %#v\n", d, u)
			}
		}
		return s
	}
	want := snapshot()

	cfg := sl.Config()
	scramble.All(&cfg)
	for _, c := range conns {
		for _, ins := range []any{e.Evaluate(bothWays(c)), e.Explain(bothWays(c))} {
			scramble.All(&ins)
		}
		d := e.Explain(bothWays(c))
		scramble.All(&d)
		details := d.Details()
		scramble.All(details)
		pk := stateless.Packet{Flow: flow.MustParse(c), Flags: stateless.SYN}
		for _, d := range []stateless.Decision{sl.Evaluate(pk), sl.Explain(pk)} {
			r, m := d.Rule(), d.Metrics()
			scramble.All(&r)
			scramble.All(m)
			scramble.All(&d)
		}
		ss := stateful.Session{Flow: flow.MustParse(c), ForwardSeen: true, ReturnSeen: true}
		for _, d := range []stateful.Decision{sf.Evaluate(ss), sf.Explain(ss)} {
			scramble.All(&d)
		}
	}
	assert.Equal(t, want, snapshot())
}

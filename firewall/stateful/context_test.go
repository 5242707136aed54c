package stateful_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// TestDenyStandsWithoutContext: which certain drops hold for a packet the
// engine meets without the flow's earlier packets (stream exception
// policy CONTINUE: no flow state, no application layer), and whether a
// pass rule may match the session by its header alone.
func TestDenyStandsWithoutContext(t *testing.T) {
	const conn = "tcp 10.0.0.5:50000 -> 198.51.100.7:443"
	for _, tc := range []struct {
		name      string
		defs      stateful.Defaults
		rules     []string
		stands    bool // DenyStandsWithoutContext of the session's decision
		passMay   bool // PassMayMatch
		notDenied bool // the decision is no Deny (stands is then false)
		strict    bool
	}{
		{name: "a plain 5-tuple drop", rules: []string{"drop tcp any any -> any 443 (sid:1;)"}, stands: true},
		{name: "a plain reject", rules: []string{"reject tcp any any -> any 443 (sid:1;)"}, stands: true},
		{name: "flow:stateless reads no state", rules: []string{"drop tcp any any -> any 443 (flow:stateless; sid:1;)"}, stands: true},
		{name: "a drop of established packets", rules: []string{"drop tcp any any -> any 443 (flow:established; sid:1;)"}},
		{name: "a drop of to_server packets", rules: []string{"drop tcp any any -> any 443 (flow:to_server; sid:1;)"}},
		{name: "a drop on the application protocol", rules: []string{"drop tls any any -> any 443 (sid:1;)"}},
		{name: "a drop testing a flowbit", rules: []string{"drop tcp any any -> any 443 (flowbits:isset,x; sid:1;)"}, notDenied: true},
		{name: "a plain drop beside a pass rule on flow state that may match",
			rules: []string{"drop tcp any any -> any 443 (sid:1;)", "pass tcp any any -> any 443 (flow:not_established; sid:2;)"}, passMay: true, notDenied: true},
		{name: "a plain drop beside a pass rule on the HTTP host of other servers",
			rules: []string{"drop tcp any any -> any 443 (sid:1;)", `pass http any any -> 192.0.2.0/24 any (http.host; content:"a"; sid:2;)`}, stands: true},
		{name: "a plain drop beside a pass rule on the HTTP host that may match",
			rules: []string{"drop tcp any any -> any 443 (sid:1;)", `pass http any any -> any any (http.host; content:"a"; sid:2;)`}, passMay: true},
		{name: "aws:drop_strict, a pass rule for another port", strict: true, defs: stateful.Defaults{DropStrict: true},
			rules: []string{"pass tcp any any -> any 22 (sid:2;)"}, stands: true},
		{name: "aws:drop_strict, a pass rule of another protocol", strict: true, defs: stateful.Defaults{DropStrict: true},
			rules: []string{"pass udp any any <> any any (flow:established; sid:2;)"}, stands: true},
		{name: "aws:drop_strict, a pass rule for the reply's direction", strict: true, defs: stateful.Defaults{DropStrict: true},
			rules: []string{"pass tcp any 443 -> any any (flow:established; sid:2;)"}, passMay: true},
		{name: "aws:drop_established reads flow state", strict: true, defs: stateful.Defaults{DropEstablished: true},
			rules: []string{"alert tcp any any -> any 22 (sid:3;)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			order := stateful.DefaultActionOrder
			if tc.strict {
				order = stateful.StrictOrder
			}
			e, err := stateful.Compile(stateful.Config{Order: order, Defaults: tc.defs, HomeNet: homeNet,
				Groups: []stateful.GroupRef{groupAt(1, rulesGroup("g", order, tc.rules...))}}, nil)
			require.NoError(t, err)
			f := flow.MustParse(conn)
			d := e.Evaluate(stateful.Session{Flow: f})
			if !tc.notDenied {
				require.Equal(t, flow.Deny, d.Verdict, d.String())
			}
			assert.Equal(t, tc.stands, e.DenyStandsWithoutContext(d, f), d.String())
			assert.Equal(t, tc.passMay, e.PassMayMatch(f))
		})
	}
	var nilEngine *stateful.Engine
	assert.False(t, nilEngine.DenyStandsWithoutContext(stateful.Decision{Verdict: flow.Deny}, flow.MustParse(conn)))
	assert.False(t, nilEngine.PassMayMatch(flow.MustParse(conn)))
}

package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
)

// TestUndecidableRuleThatDoesNotMatter: a stateful rule the engine cannot
// decide gives a certain leg when the session goes the same way whether it
// matches or not, and the reason says so; where the ways differ, every
// leg some way denies is Indeterminate, and a leg every way allows is
// Allow.
func TestUndecidableRuleThatDoesNotMatter(t *testing.T) {
	const geo = "sid 1 of sf cannot be decided at the open-request packet ("
	for _, tc := range []struct {
		name           string
		defaults       stateful.Defaults
		rules          []string
		request, reply flow.Verdict
		rule, reason   string
	}{
		{"strict, no default: an undecidable pass passes either way", noDefaults,
			[]string{"pass tcp any any -> any any (geoip:src,US; sid:1;)"}, flow.Allow, flow.Allow,
			"", "stateful engine: passes the data-to-client packet: no rule matches, and unmatched traffic passes; " + geo},
		{"strict, aws:drop_strict: an undecidable drop drops either way", stateful.Defaults{DropStrict: true},
			[]string{"drop tcp any any -> any any (geoip:src,US; sid:1;)"}, flow.Deny, flow.Allow,
			stateful.DefaultDropStrict, "stateful engine: drops the open-request packet: default action aws:drop_strict; " + geo},
		// geoip:src reads the client at the request and the server at the
		// reply: either leg may be dropped.
		{"strict, no default: an undecidable drop matters", noDefaults,
			[]string{"drop tcp any any -> any any (geoip:src,US; sid:1;)"}, flow.Indeterminate, flow.Indeterminate,
			"sf sid 1: drop tcp any any -> any any (geoip:src,US; sid:1;)", "stateful engine: cannot decide about the open-request packet"},
		{"strict: dropped on the request or on the reply is no certain answer", noDefaults,
			[]string{`drop tcp any any -> any any (flow:to_server; content:"x"; sid:1;)`, "drop tcp any any -> any any (flow:to_client, established; sid:2;)"},
			flow.Indeterminate, flow.Indeterminate, `sf sid 1: drop tcp any any -> any any (flow:to_server; content:"x"; sid:1;)`, "cannot decide about the data-to-server packet"},
		// aws:drop_established: if sid 1 (flow scope, meeting the reply
		// only) matches at the SYN-ACK it passes the connection; if not, the client's first data packet is
		// dropped. The request is undecided; the reply passes either way.
		{"strict, aws:drop_established: a pass undecidable at the reply decides the request", stateful.Defaults{DropEstablished: true},
			[]string{"pass tcp any any -> 10.0.0.0/8 any (geoip:src,US; sid:1;)"}, flow.Indeterminate, flow.Allow,
			"sf sid 1: pass tcp any any -> 10.0.0.0/8 any (geoip:src,US; sid:1;)",
			`cannot decide about the open-reply packet: sid 1 of sf uses "geoip", which depends on more than a flow shows (geoip depends on where the addresses are located); whether the request gets through depends on the rules it cannot decide`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := firewall.Compile(newPolicy(flow.Forward, nil, tc.defaults, tc.rules...), nil)
			require.NoError(t, err)
			c := bothWays("tcp 10.0.1.10:50000 -> 198.51.100.7:443")
			for _, d := range []firewall.Decision{e.Evaluate(c), e.Explain(c)} {
				assert.Equal(t, tc.request, d.VerdictOn(false), d.ReasonOn(false))
				assert.Equal(t, tc.reply, d.VerdictOn(true), d.ReasonOn(true))
				assert.Equal(t, tc.rule, d.RuleOn(false))
				assert.Contains(t, d.ReasonOn(false), tc.reason)
			}
			req, rep := e.Verdicts(c)
			assert.Equal(t, tc.request, req)
			assert.Equal(t, tc.reply, rep)
			o := e.Outline(c)
			assert.Equal(t, [2]flow.Verdict{tc.request, tc.reply}, o.Verdict)
			assert.Equal(t, tc.rule, o.Rule[0])
		})
	}
}

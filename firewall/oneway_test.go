package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// TestOneDirectionPassedOtherForwarded: a stateless aws:pass rule for one
// direction of a session, the other forwarded to the stateful engine. The
// engine meets a SYN-ACK without its SYN (or the client's ACK without the
// SYN-ACK): the flow's opening passed past it, as in
// TestOpeningPassedPastTheStatefulEngine, so the forwarded direction is
// Indeterminate, naming the stream exception policy, unless dropped for
// certain anyway (aws:drop_strict with no pass rule). AWS's analyzer
// flags such rules (STATELESS_RULE_FORWARDING_ASYMMETRICALLY). Before, the
// forwarded direction was a certain Allow.
func TestOneDirectionPassedOtherForwarded(t *testing.T) {
	passReq := tcpRule(1, flow.Pass, "", 0, "10.0.1.0/24", 22) // the request skips the stateful engine
	passRep := tcpRule(1, flow.Pass, "10.0.1.0/24", 22, "", 0) // the reply skips it
	strict := stateful.Defaults{DropStrict: true}
	for _, tc := range []struct {
		name       string
		rule       stateless.Rule
		defaults   stateful.Defaults
		rules      []string
		req, reply flow.Verdict
	}{
		{"request passed, no stateful rules", passReq, noDefaults, nil, flow.Allow, flow.Indeterminate},
		{"request passed, a pass rule for the reply", passReq, noDefaults, []string{"pass tcp $HOME_NET 22 -> any any (sid:5;)"}, flow.Allow, flow.Indeterminate},
		{"reply passed, no stateful rules", passRep, noDefaults, nil, flow.Indeterminate, flow.Allow},
		{"reply passed, a pass rule for the request", passRep, noDefaults, []string{passSSH}, flow.Indeterminate, flow.Allow},
		{"request passed, aws:drop_strict and no pass rule: dropped whatever the policy", passReq, strict, nil, flow.Allow, flow.Deny},
		{"reply passed, a drop rule the engine meets under DROP", passRep, noDefaults, []string{dropSSH}, flow.Deny, flow.Allow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := compilePolicy(t, newPolicy(flow.Forward, []stateless.Rule{tc.rule}, tc.defaults, tc.rules...))
			c := bothWays(sshFlow)
			d := e.Evaluate(c)
			assert.Equal(t, tc.req, d.VerdictOn(false), "request: %s", d.ReasonOn(false))
			assert.Equal(t, tc.reply, d.VerdictOn(true), "reply: %s", d.ReasonOn(true))
			req, rep := e.Verdicts(c)
			assert.Equal(t, [2]flow.Verdict{tc.req, tc.reply}, [2]flow.Verdict{req, rep}, "Verdicts agrees with Evaluate")
			o := e.Outline(c)
			assert.Equal(t, [2]flow.Verdict{tc.req, tc.reply}, o.Verdict, "Outline agrees with Evaluate")
			for k, reply := range []bool{false, true} {
				if d.VerdictOn(reply) != flow.Indeterminate {
					continue
				}
				missing, fix := d.UnknownOn(reply)
				assert.Contains(t, missing, "stream exception policy DROP (the default)")
				assert.Contains(t, d.ReasonOn(reply), "without the flow's opening")
				assert.Contains(t, fix, "forward every packet of the session")
				assert.Equal(t, missing, o.Missing[k])
			}
		})
	}
}

// TestForwardedHandshakeACKJudged: the stateless engine passes every
// SYN-bearing and data-bearing packet and forwards the pure ACKs, so the
// stateful engine's only packet of the request is the client's handshake
// ACK (in every session). A default or rule that drops every packet
// drops it: the request is denied for certain (under CONTINUE too when
// the rule reads nothing of the flow's context, such as flow:established:
// one that does stays Indeterminate, as for an opening passed by its
// flags), and no reason says "unmatched traffic passes". Before, no rule
// nor default was ever applied to the forwarded ACK.
func TestForwardedHandshakeACKJudged(t *testing.T) {
	const S, P = stateless.SYN, stateless.PSH
	sl := []stateless.Rule{flagRule(1, flow.Pass, S, S), flagRule(2, flow.Pass, P, P)}
	for _, tc := range []struct {
		name     string
		defaults stateful.Defaults
		rules    []string
		sep      string
		req      flow.Verdict
		words    string // in the request's reason
	}{
		{"aws:drop_strict, no pass rule", stateful.Defaults{DropStrict: true}, []string{"alert tcp any any -> any 9 (sid:9;)"}, "", flow.Deny, "aws:drop_strict"},
		{"aws:drop_strict under CONTINUE: still drops", stateful.Defaults{DropStrict: true}, nil, "CONTINUE", flow.Deny, "aws:drop_strict"},
		{"a drop rule matching every packet", noDefaults, []string{"drop tcp any any <> any any (sid:9;)"}, "", flow.Deny, "sid 9"},
		{"the same rule under CONTINUE: it reads no flow state", noDefaults, []string{"drop tcp any any <> any any (sid:9;)"}, "CONTINUE", flow.Deny, "sid 9"},
		{"a drop of established packets under CONTINUE: may not match without the flow's context", noDefaults,
			[]string{"drop tcp any any <> any any (flow:established; sid:9;)"}, "CONTINUE", flow.Indeterminate, "sid 9"},
		{"the same drop under DROP", noDefaults, []string{"drop tcp any any <> any any (flow:established; sid:9;)"}, "", flow.Deny, "sid 9"},
		{"no stateful rule: left to the stream exception policy", noDefaults, nil, "", flow.Indeterminate, "judges none of the session's stages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := newPolicy(flow.Forward, sl, tc.defaults, tc.rules...)
			pol.StreamExceptionPolicy = tc.sep
			e := compilePolicy(t, pol)
			c := bothWays(sshFlow)
			d := e.Evaluate(c)
			assert.Equal(t, tc.req, d.VerdictOn(false), "request: %s", d.ReasonOn(false))
			assert.Contains(t, d.ReasonOn(false), tc.words)
			for _, reply := range []bool{false, true} {
				assert.NotContains(t, d.ReasonOn(reply), "unmatched traffic passes")
			}
			req, rep := e.Verdicts(c)
			assert.Equal(t, [2]flow.Verdict{d.VerdictOn(false), d.VerdictOn(true)}, [2]flow.Verdict{req, rep}, "Verdicts agrees with Evaluate")
			assert.Equal(t, [2]flow.Verdict{req, rep}, e.Outline(c).Verdict, "Outline agrees with Evaluate")
			x := e.Explain(c)
			assert.Equal(t, d.VerdictOn(false), x.VerdictOn(false), "Explain agrees with Evaluate")
		})
	}
}

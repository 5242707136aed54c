package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// TestStreamExceptionContinueCertainDrops: sessions the stateful engine
// meets without their opening (the stateless engine passes the SYN by its
// flags, or one whole direction while forwarding the other), under the
// stream exception policy CONTINUE, which "continues processing rules
// without context from previous traffic": rules on the application layer
// will not match, but flow:stateless rules and aws:drop_strict still do
// (semantics.md C.3;
// https://docs.aws.amazon.com/network-firewall/latest/developerguide/stream-exception-policy.html).
// A plain 5-tuple drop (no flow state, no application layer) matches the
// packet it drops with or without the context, and so does aws:drop_strict:
// where no pass rule that may match the session reads that context, the
// drop is certain. Before, every such leg was Indeterminate under
// CONTINUE, and aws:drop_strict was certain only with no pass rule at all
// in the policy. Where a rule that reads flow state or the application
// layer may decide, the leg stays Indeterminate, naming the policy.
func TestStreamExceptionContinueCertainDrops(t *testing.T) {
	const conn = "tcp 10.0.0.5:50000 -> 198.51.100.7:443"
	passSYN := stateless.Rule{Priority: 1, Protocols: []flow.Protocol{flow.TCP}, Action: flow.Pass,
		TCPFlags: []stateless.TCPFlagMatch{{Flags: stateless.SYN, Masks: stateless.SYN | stateless.ACK}}}
	passReq := tcpRule(1, flow.Pass, "", 0, "198.51.100.0/24", 443) // the request skips the stateful engine
	synOnly, reqWhole := []stateless.Rule{passSYN}, []stateless.Rule{passReq}
	const (
		dropReq      = "drop tcp any any -> any 443 (sid:1;)"
		dropRep      = "drop tcp any 443 -> any any (sid:1;)"
		dropReqState = "drop tcp any any -> any 443 (flow:established,to_server; sid:1;)"
		passOther    = "pass tcp any any -> any 22 (sid:2;)"
		passHostElse = `pass http any any -> 192.0.2.0/24 any (http.host; content:"example.com"; sid:2;)`
		passHost     = `pass http any any -> any any (http.host; content:"example.com"; sid:2;)`
		passState    = "pass tcp any any -> any 443 (flow:established,to_server; sid:2;)"
		passNotEst   = "pass tcp any any <> any any (flow:not_established; sid:2;)"
	)
	aao, strict := stateful.DefaultActionOrder, stateful.StrictOrder
	none, dropStrict := stateful.Defaults{}, stateful.Defaults{DropStrict: true}
	const I, D, A = flow.Indeterminate, flow.Deny, flow.Allow
	for _, tc := range []struct {
		name           string
		sep            string
		sl             []stateless.Rule
		order          stateful.RuleOrder
		defs           stateful.Defaults
		rules          string
		request, reply flow.Verdict
	}{
		{"SYN passed: a plain drop of the client's packets", "CONTINUE", synOnly, aao, none, dropReq, D, I},
		{"SYN passed: the same drop under strict order", "CONTINUE", synOnly, strict, none, dropReq, D, I},
		{"SYN passed: the same drop beside a pass rule on the HTTP host of other servers", "CONTINUE", synOnly, aao, none, dropReq + "\n" + passHostElse, D, I},
		{"SYN passed: the same drop under DROP (as before)", "DROP", synOnly, aao, none, dropReq, D, I},
		{"SYN passed: a drop of established client data may not match without context", "CONTINUE", synOnly, aao, none, dropReqState, I, I},
		{"SYN passed: a pass rule on the HTTP host may match", "CONTINUE", synOnly, aao, none, dropReq + "\n" + passHost, I, I},
		{"SYN passed: a pass rule on flow state may match", "CONTINUE", synOnly, strict, none, passNotEst + "\n" + dropReq, I, I},
		{"SYN passed: aws:drop_strict, a pass rule for another port", "CONTINUE", synOnly, strict, dropStrict, passOther, D, D},
		{"SYN passed: aws:drop_strict, a pass rule for another port, under DROP", "", synOnly, strict, dropStrict, passOther, D, D},
		{"SYN passed: aws:drop_strict, a pass rule on the HTTP host of other servers", "CONTINUE", synOnly, strict, dropStrict, passHostElse, D, D},
		{"SYN passed: aws:drop_strict, a pass rule on flow state may match", "CONTINUE", synOnly, strict, dropStrict, passState, I, I},
		{"request passed whole: a plain drop of the reply", "CONTINUE", reqWhole, aao, none, dropRep, A, D},
		{"request passed whole: the same under REJECT (as before)", "REJECT", reqWhole, aao, none, dropRep, A, D},
		{"request passed whole: aws:drop_strict, a pass rule for another port", "CONTINUE", reqWhole, strict, dropStrict, passOther, A, D},
		{"request passed whole: no rule, nothing drops the reply for certain", "CONTINUE", reqWhole, aao, none, "", A, I},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := firewall.Compile(splitPolicy(tc.sep, "", tc.sl, tc.order, tc.defs, tc.rules), nil)
			require.NoError(t, err)
			c := firewall.Connection{Flow: flow.MustParse(conn), Request: true, Reply: true}
			d := e.Evaluate(c)
			want := [2]flow.Verdict{tc.request, tc.reply}
			assert.Equal(t, want, [2]flow.Verdict{d.VerdictOn(false), d.VerdictOn(true)}, "request: %s\nreply: %s", d.ReasonOn(false), d.ReasonOn(true))
			req, rep := e.Verdicts(c)
			assert.Equal(t, want, [2]flow.Verdict{req, rep}, "Verdicts agrees with Evaluate")
			o := e.Outline(c)
			assert.Equal(t, want, o.Verdict, "Outline agrees with Evaluate")
			x := e.Explain(c)
			assert.Equal(t, want, [2]flow.Verdict{x.VerdictOn(false), x.VerdictOn(true)}, "Explain agrees with Evaluate")
			for k, reply := range []bool{false, true} {
				switch d.VerdictOn(reply) {
				case flow.Indeterminate:
					missing, fix := d.UnknownOn(reply)
					assert.Contains(t, missing, "stream exception policy")
					assert.Contains(t, fix, "forward every packet of the session")
					assert.Equal(t, missing, o.Missing[k])
				case flow.Deny:
					assert.NotContains(t, d.ReasonOn(reply), "stream exception policy", "a certain drop")
					assert.NotEmpty(t, d.RuleOn(reply), "the rule or default that drops it")
				}
			}
		})
	}
}

// TestStrictDropOfServerPureACK: the stateless engine passes every packet
// with SYN or PSH set past the stateful engine and forwards the pure ACKs;
// the stateful engine has aws:drop_strict and no pass rule that may match
// the session. The client's handshake ACK (in every session) is dropped:
// the request is denied. The reply's one forwarded packet is the server's
// pure ACK: aws:drop_strict drops it for certain under every stream
// exception policy (DROP and REJECT drop a packet taken for a broken
// stream, and one not so taken matches no pass rule; under CONTINUE, AWS
// says aws:drop_strict still matches), so the stream exception policy
// decides nothing. The reply stays Indeterminate only because a server
// may carry every ACK on its data, as when the stateless engine drops
// that packet (TestPureACKs). Before, the reply's missing fact was the
// stream exception policy. With a pass rule on flow state that may match
// the session, the policy's doubt stays.
func TestStrictDropOfServerPureACK(t *testing.T) {
	const S, P = stateless.SYN, stateless.PSH
	sl := []stateless.Rule{flagRule(1, flow.Pass, S, S), flagRule(2, flow.Pass, P, P)}
	strict := stateful.Defaults{DropStrict: true}
	for _, tc := range []struct {
		name, sep, rules string
		reply            flow.Verdict
		missing          string // in the reply's UnknownOn missing fact
	}{
		{"default policy (DROP)", "", "", flow.Indeterminate, "whether the server sends ACK-only packets"},
		{"DROP", "DROP", "", flow.Indeterminate, "whether the server sends ACK-only packets"},
		{"REJECT", "REJECT", "", flow.Indeterminate, "whether the server sends ACK-only packets"},
		{"CONTINUE", "CONTINUE", "", flow.Indeterminate, "whether the server sends ACK-only packets"},
		{"CONTINUE, a pass rule for another port", "CONTINUE", "pass tcp any any -> any 443 (sid:2;)", flow.Indeterminate, "whether the server sends ACK-only packets"},
		{"control: a pass rule on flow state may match", "CONTINUE", "pass tcp any any <> any any (flow:established; sid:2;)", flow.Indeterminate, "stream exception policy CONTINUE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := newPolicy(flow.Forward, sl, strict)
			if tc.rules != "" {
				pol = newPolicy(flow.Forward, sl, strict, tc.rules)
			}
			pol.StreamExceptionPolicy = tc.sep
			e := compilePolicy(t, pol)
			c := bothWays(sshFlow)
			d := e.Evaluate(c)
			if tc.missing != "whether the server sends ACK-only packets" {
				assert.Equal(t, tc.reply, d.VerdictOn(true), "reply: %s", d.ReasonOn(true))
				missing, _ := d.UnknownOn(true)
				assert.Contains(t, missing, tc.missing)
				return
			}
			assert.Equal(t, flow.Deny, d.VerdictOn(false), "request: %s", d.ReasonOn(false))
			assert.Contains(t, d.ReasonOn(false), "aws:drop_strict")
			assert.Equal(t, tc.reply, d.VerdictOn(true), "reply: %s", d.ReasonOn(true))
			missing, fix := d.UnknownOn(true)
			assert.Contains(t, missing, tc.missing)
			assert.Contains(t, missing, "tcp 10.0.1.10:22 -> 198.51.100.7:50000 [ACK]")
			assert.NotContains(t, missing, "stream exception policy ")
			assert.Contains(t, fix, "passes the server's ACK-only packets")
			assert.Contains(t, d.ReasonOn(true), "the only one it sees is the ACK-only packet tcp 10.0.1.10:22 -> 198.51.100.7:50000 [ACK]")
			assert.Equal(t, "aws:drop_strict", d.RuleOn(true))
			req, rep := e.Verdicts(c)
			assert.Equal(t, [2]flow.Verdict{d.VerdictOn(false), d.VerdictOn(true)}, [2]flow.Verdict{req, rep}, "Verdicts agrees with Evaluate")
			o := e.Outline(c)
			assert.Equal(t, [2]flow.Verdict{req, rep}, o.Verdict, "Outline agrees with Evaluate")
			assert.Equal(t, missing, o.Missing[1])
		})
	}
}

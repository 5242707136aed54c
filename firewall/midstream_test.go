package firewall_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// TestOpeningPassedPastTheStatefulEngine: the stateless engine passes a
// direction's opening packet (aws:pass: the stateful engine never sees
// it) and forwards that direction's later packets. The stateful engine
// meets them without the flow's opening, a flow it has no state for; its
// stream exception policy (DROP by default) decides packets of a
// connection that "breaks midstream" (semantics.md C.3;
// https://docs.aws.amazon.com/network-firewall/latest/developerguide/stream-exception-policy.html),
// and AWS does not say whether this is such a case. So the directions
// with such packets are Indeterminate, naming the policy, unless dropped
// for certain anyway. Before, the session was judged as if the stateful
// engine had seen the handshake: a certain Allow, with a warning.
func TestOpeningPassedPastTheStatefulEngine(t *testing.T) {
	const conn = "tcp 10.0.0.5:50000 -> 198.51.100.7:443"
	passSYN := stateless.Rule{Priority: 1, Protocols: []flow.Protocol{flow.TCP}, Action: flow.Pass,
		TCPFlags: []stateless.TCPFlagMatch{{Flags: stateless.SYN, Masks: stateless.SYN | stateless.ACK}}}
	passSYNACK := passSYN
	passSYNACK.TCPFlags = []stateless.TCPFlagMatch{{Flags: stateless.SYN | stateless.ACK, Masks: stateless.SYN | stateless.ACK}}
	dropRest := stateless.Rule{Priority: 2, Protocols: []flow.Protocol{flow.TCP}, Action: flow.Drop}
	policy := func(sep string, sl []stateless.Rule, rules string) firewall.Policy {
		fwd := stateless.DefaultAction{Action: flow.Forward}
		p := firewall.Policy{Name: "p", StreamExceptionPolicy: sep,
			Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd},
			Stateful:  stateful.Config{HomeNet: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}}}
		if len(sl) > 0 {
			p.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: sl}}}
		}
		if rules != "" {
			p.Stateful.Groups = []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "sf", RulesString: rules}}}
		}
		return p
	}
	const dropData = "drop tcp any any -> any 443 (flow:established,to_server; sid:1;)"
	for _, tc := range []struct {
		name           string
		policy         firewall.Policy
		request, reply flow.Verdict
		words          string // in the undecided legs' Missing
	}{
		{"SYN passed, the rest forwarded, default policy (DROP)", policy("", []stateless.Rule{passSYN}, ""),
			flow.Indeterminate, flow.Indeterminate, "stream exception policy DROP (the default), which drops them"},
		{"the same under DROP", policy("DROP", []stateless.Rule{passSYN}, ""),
			flow.Indeterminate, flow.Indeterminate, "stream exception policy DROP, which drops them"},
		{"the same under REJECT", policy("REJECT", []stateless.Rule{passSYN}, ""),
			flow.Indeterminate, flow.Indeterminate, "stream exception policy REJECT, which drops them and resets the connection"},
		{"the same under CONTINUE", policy("CONTINUE", []stateless.Rule{passSYN}, ""),
			flow.Indeterminate, flow.Indeterminate, "stream exception policy CONTINUE, which inspects them without the flow's context"},
		{"SYN-ACK passed, the rest forwarded: the later packets of both directions", policy("", []stateless.Rule{passSYNACK}, ""),
			flow.Indeterminate, flow.Indeterminate, "stream exception policy DROP (the default)"},
		{"a stateful drop of the client's data, which the engine sees, under DROP: dropped either way", policy("", []stateless.Rule{passSYN}, dropData),
			flow.Deny, flow.Indeterminate, "stream exception policy DROP (the default)"},
		{"the same drop under CONTINUE: the engine may inspect the data without context", policy("CONTINUE", []stateless.Rule{passSYN}, dropData),
			flow.Indeterminate, flow.Indeterminate, "stream exception policy CONTINUE"},
		{"the stateless engine drops everything after the SYN: certain, nothing is forwarded", policy("", []stateless.Rule{passSYN, dropRest}, ""),
			flow.Deny, flow.Deny, ""},
		{"control: everything forwarded", policy("", nil, ""), flow.Allow, flow.Allow, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := firewall.Compile(tc.policy, nil)
			require.NoError(t, err)
			c := firewall.Connection{Flow: flow.MustParse(conn), Request: true, Reply: true}
			d := e.Evaluate(c)
			assert.Equal(t, tc.request, d.VerdictOn(false), "request: %s", d.ReasonOn(false))
			assert.Equal(t, tc.reply, d.VerdictOn(true), "reply: %s", d.ReasonOn(true))
			req, rep := e.Verdicts(c)
			assert.Equal(t, tc.request, req, "Verdicts agrees with Evaluate")
			assert.Equal(t, tc.reply, rep, "Verdicts agrees with Evaluate")
			o := e.Outline(c)
			assert.Equal(t, [2]flow.Verdict{tc.request, tc.reply}, o.Verdict, "Outline agrees with Evaluate")
			for k, reply := range []bool{false, true} {
				if d.VerdictOn(reply) != flow.Indeterminate {
					continue
				}
				missing, fix := d.UnknownOn(reply)
				assert.Contains(t, missing, tc.words)
				assert.Contains(t, d.ReasonOn(reply), tc.words)
				assert.Contains(t, fix, "forward every packet of the session")
				assert.Equal(t, missing, o.Missing[k])
			}
		})
	}
}

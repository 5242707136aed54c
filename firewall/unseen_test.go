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

// splitPolicy is a policy that forwards everything by default, with
// stateless rules sl, stream exception policy sep, TLS inspection
// configuration tlsArn and one stateful group of rules (none when "").
func splitPolicy(sep, tlsArn string, sl []stateless.Rule, order stateful.RuleOrder, defs stateful.Defaults, rules string) firewall.Policy {
	fwd := stateless.DefaultAction{Action: flow.Forward}
	p := firewall.Policy{Name: "p", StreamExceptionPolicy: sep, TLSInspectionConfigurationArn: tlsArn,
		Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd},
		Stateful: stateful.Config{Order: order, Defaults: defs,
			HomeNet: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}}}
	if len(sl) > 0 {
		p.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: sl}}}
	}
	if rules != "" {
		p.Stateful.Groups = []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "sf", RulesString: rules, RuleOrder: order}}}
	}
	return p
}

// splitCase is a connection through a policy, with the verdicts Evaluate,
// Verdicts and Outline must give.
type splitCase struct {
	name           string
	policy         firewall.Policy
	conn           string
	request, reply flow.Verdict
	anyReply       bool // the reply's verdict is not asserted
}

func runSplitCases(t *testing.T, cases []splitCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := firewall.Compile(tc.policy, nil)
			require.NoError(t, err)
			c := firewall.Connection{Flow: flow.MustParse(tc.conn), Request: true, Reply: true}
			d := e.Evaluate(c)
			req, rep := e.Verdicts(c)
			o := e.Outline(c)
			assert.Equal(t, tc.request, d.VerdictOn(false), "request: %s", d.ReasonOn(false))
			assert.Equal(t, tc.request, req, "Verdicts, request")
			assert.Equal(t, tc.request, o.Verdict[0], "Outline, request")
			if !tc.anyReply {
				assert.Equal(t, tc.reply, d.VerdictOn(true), "reply: %s", d.ReasonOn(true))
				assert.Equal(t, tc.reply, rep, "Verdicts, reply")
				assert.Equal(t, tc.reply, o.Verdict[1], "Outline, reply")
			}
		})
	}
}

// TestLaterPacketsPassedPastTheStatefulEngine: the stateless engine
// forwards the SYN to the stateful engine but passes (aws:pass:
// "discontinues all inspection of the packet", API_RuleDefinition;
// semantics.md C.2, C.4) every packet with ACK set: the SYN-ACK and all
// data. The stateful engine sees the SYN alone, so a drop it would apply
// to a later packet never applies. Before, the stateful engine judged the
// whole request direction and dropped the client's data for certain.
func TestLaterPacketsPassedPastTheStatefulEngine(t *testing.T) {
	passACK := stateless.Rule{Priority: 1, Protocols: []flow.Protocol{flow.TCP}, Action: flow.Pass,
		TCPFlags: []stateless.TCPFlagMatch{{Flags: stateless.ACK, Masks: stateless.ACK}}}
	sl := []stateless.Rule{passACK}
	const conn = "tcp 10.0.0.5:50000 -> 198.51.100.7:443"
	const dropData = "drop tcp any any -> any 443 (flow:established,to_server; sid:1;)"
	const denySNI = `drop tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"evil.example.com"; startswith; endswith; flow:to_server, established; sid:1;)`
	runSplitCases(t, []splitCase{
		{"a drop of established client data never sees the data", splitPolicy("", "", sl, stateful.DefaultActionOrder, stateful.Defaults{}, dropData),
			conn, flow.Allow, flow.Allow, false},
		{"an SNI denylist never sees the ClientHello", splitPolicy("", "", sl, stateful.DefaultActionOrder, stateful.Defaults{}, denySNI),
			conn + " domain evil.example.com", flow.Allow, flow.Allow, false},
		{"aws:drop_established never sees an established packet", splitPolicy("", "", sl, stateful.StrictOrder, stateful.Defaults{DropEstablished: true}, ""),
			conn, flow.Allow, flow.Allow, false},
		{"an IP-only drop is checked on the SYN it sees", splitPolicy("", "", sl, stateful.DefaultActionOrder, stateful.Defaults{}, "drop ip any any -> 198.51.100.7 any (sid:1;)"),
			conn, flow.Deny, flow.Allow, false},
		{"control: aws:drop_strict drops the SYN it sees", splitPolicy("", "", sl, stateful.StrictOrder, stateful.Defaults{DropStrict: true}, ""),
			conn, flow.Deny, flow.Allow, false},
		{"control: everything forwarded, the client's data is dropped", splitPolicy("", "", nil, stateful.DefaultActionOrder, stateful.Defaults{}, dropData),
			conn, flow.Deny, flow.Allow, false},
	})
}

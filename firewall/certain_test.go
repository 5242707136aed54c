package firewall_test

import (
	"testing"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// TestMidstreamDropStrictIsCertain: the stateless engine passes the SYN
// past the stateful engine and forwards the rest; the stateful engine has
// no pass rule and aws:drop_strict. Every reading AWS allows drops the
// SYN-ACK and the client's data: under DROP or REJECT a packet taken for
// a broken stream is dropped, one not taken for it matches no pass rule
// and gets aws:drop_strict; under CONTINUE, AWS says aws:drop_strict
// still matches
// (https://docs.aws.amazon.com/network-firewall/latest/developerguide/stream-exception-policy.html;
// semantics.md C.3). Before, both legs were Indeterminate.
func TestMidstreamDropStrictIsCertain(t *testing.T) {
	passSYN := stateless.Rule{Priority: 1, Protocols: []flow.Protocol{flow.TCP}, Action: flow.Pass,
		TCPFlags: []stateless.TCPFlagMatch{{Flags: stateless.SYN, Masks: stateless.SYN | stateless.ACK}}}
	sl := []stateless.Rule{passSYN}
	strict := stateful.Defaults{DropStrict: true}
	const conn = "tcp 10.0.0.5:50000 -> 198.51.100.7:443"
	var cases []splitCase
	for _, sep := range []string{"", "DROP", "REJECT", "CONTINUE"} {
		cases = append(cases, splitCase{"aws:drop_strict, no rule, stream exception policy " + sep,
			splitPolicy(sep, "", sl, stateful.StrictOrder, strict, ""), conn, flow.Deny, flow.Deny, false})
	}
	cases = append(cases,
		splitCase{"aws:drop_strict and an alert rule under CONTINUE", splitPolicy("CONTINUE", "", sl, stateful.StrictOrder, strict,
			"alert tcp any any -> any any (sid:1;)"), conn, flow.Deny, flow.Deny, false},
		splitCase{"control: a pass rule under CONTINUE may match without the flow's context", splitPolicy("CONTINUE", "", sl, stateful.StrictOrder, strict,
			"pass tcp any any -> any 443 (flow:established,to_server; sid:1;)"), conn, flow.Indeterminate, flow.Indeterminate, false})
	runSplitCases(t, cases)
}

// TestTLSInspectionKeepsCertainDrops: a policy with a TLS inspection
// configuration. Whatever its scope, a drop that does not read the
// application layer stands: out of scope the stateful engine drops as
// usual; in scope Network Firewall decrypts the session and inspects it
// with the same stateful rules and default actions (no pass rule reads
// the application layer, so none can pass it), or drops it (not TLS, no
// SNI, certificate trouble)
// (https://docs.aws.amazon.com/network-firewall/latest/developerguide/tls-inspection-considerations.html,
// https://docs.aws.amazon.com/network-firewall/latest/APIReference/API_TLSInspectionConfiguration.html).
// Before, the client's data was Indeterminate. The reply is not asserted
// where inspection may act on it first.
func TestTLSInspectionKeepsCertainDrops(t *testing.T) {
	const arn = "arn:aws:network-firewall:us-east-1:111122223333:tls-configuration/inspect-all"
	const conn = "tcp 10.0.0.5:50000 -> 198.51.100.7:443 domain www.example.com"
	const dropData = "drop tcp any any -> any any (flow:established,to_server; sid:1;)"
	runSplitCases(t, []splitCase{
		{"aws:drop_established, no rule", splitPolicy("", arn, nil, stateful.StrictOrder, stateful.Defaults{DropEstablished: true}, ""),
			conn, flow.Deny, flow.Allow, true},
		{"a drop of all established client data, no pass rule", splitPolicy("", arn, nil, stateful.DefaultActionOrder, stateful.Defaults{}, dropData),
			conn, flow.Deny, flow.Allow, true},
		{"the same drop beside a header-only pass rule for another port", splitPolicy("", arn, nil, stateful.DefaultActionOrder, stateful.Defaults{},
			dropData+"\npass tcp any any -> any 22 (sid:2;)"), conn, flow.Deny, flow.Allow, true},
		{"control: a pass rule on the HTTP host may match the decrypted session", splitPolicy("", arn, nil, stateful.DefaultActionOrder, stateful.Defaults{},
			dropData+"\n"+`pass http any any -> any any (http.host; content:"www.example.com"; sid:2;)`), conn, flow.Indeterminate, flow.Allow, true},
		{"control: no rule passes it otherwise", splitPolicy("", arn, nil, stateful.DefaultActionOrder, stateful.Defaults{}, ""),
			conn, flow.Indeterminate, flow.Indeterminate, false},
	})
}

package firewall_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// TestAmbiguousPortRule: a stateless rule that names ports (or TCP flags)
// without restricting its protocols, met by a packet of a protocol that
// carries none: AWS's documents do not say whether it matches, so a
// direction the answer changes is Indeterminate, naming the rule.
func TestAmbiguousPortRule(t *testing.T) {
	const ping = "icmp 10.0.1.10 -> 198.51.100.7 type 8 code 0"
	anyPorts := stateless.Rule{Priority: 7, DestinationPorts: []flow.PortRange{{Lo: 0, Hi: 65535}}, Action: flow.Drop}
	passAnyPorts := anyPorts
	passAnyPorts.Action = flow.Pass
	udpFlags := stateless.Rule{Priority: 7, Protocols: []flow.Protocol{flow.TCP, flow.UDP}, Action: flow.Pass,
		TCPFlags: []stateless.TCPFlagMatch{{Flags: stateless.SYN, Masks: stateless.SYN}}}
	for _, tc := range []struct {
		name       string
		pol        firewall.Policy
		conn       firewall.Connection
		req, reply flow.Verdict
		missing    string // part of UnknownOn's missing fact, on the request
	}{
		{"a drop rule on every port, no protocols, and a ping: undecided both ways",
			newPolicy(flow.Pass, []stateless.Rule{anyPorts}, noDefaults), bothWays(ping), flow.Indeterminate, flow.Indeterminate,
			"whether stateless rule priority 7 of group sl, which names ports but does not restrict its protocols to TCP and UDP, matches icmp packets"},
		{"the rule passes what the default passes: certain",
			newPolicy(flow.Pass, []stateless.Rule{passAnyPorts}, noDefaults), bothWays(ping), flow.Allow, flow.Allow, ""},
		{"the request forwarded and dropped by the stateful engine, or dropped by the rule: certain; the reply is not",
			newPolicy(flow.Forward, []stateless.Rule{anyPorts}, noDefaults, "drop icmp any any -> any any (sid:1;)"), bothWays(ping), flow.Deny, flow.Indeterminate, ""},
		{"the request alone crosses", newPolicy(flow.Pass, []stateless.Rule{anyPorts}, noDefaults),
			firewall.Connection{Flow: flow.MustParse(ping), Request: true}, flow.Indeterminate, flow.Allow, "matches icmp packets"},
		{"a rule on TCP flags for tcp and udp meets udp",
			newPolicy(flow.Drop, []stateless.Rule{udpFlags}, noDefaults), bothWays("udp 10.0.1.10:5000 -> 198.51.100.7:53"), flow.Indeterminate, flow.Indeterminate,
			"which names TCP flags but does not restrict its protocols to TCP, matches udp packets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := compilePolicy(t, tc.pol)
			d := e.Evaluate(tc.conn)
			assert.Equal(t, tc.req, d.VerdictOn(false), "request: %s", d.ReasonOn(false))
			assert.Equal(t, tc.reply, d.VerdictOn(true), "reply: %s", d.ReasonOn(true))
			if tc.missing != "" {
				missing, fix := d.UnknownOn(false)
				assert.Contains(t, missing, tc.missing)
				assert.Contains(t, fix, "restrict the rule's protocols")
				assert.Contains(t, d.ReasonOn(false), "AWS's documents do not say whether it matches this packet")
				assert.Contains(t, d.ReasonOn(false), "priority 7 of group sl")
				assert.Empty(t, d.RuleOn(false), "an undecided direction names no deciding rule")
			}
			req, rep := e.Verdicts(tc.conn)
			assert.Equal(t, d.VerdictOn(false), req, "Verdicts agrees with Evaluate (request)")
			assert.Equal(t, d.VerdictOn(true), rep, "Verdicts agrees with Evaluate (reply)")
			o := e.Outline(tc.conn)
			assert.Equal(t, [2]flow.Verdict{req, rep}, o.Verdict, "Outline agrees")
			ex := e.Explain(tc.conn)
			assert.Equal(t, d.ReasonOn(false), ex.ReasonOn(false), "Explain agrees")
		})
	}
}

// TestAmbiguousReasonNamesProtocols: a rule that lists protocols, one of
// which carries no ports (TCP flags), met by a packet of that protocol:
// the reason says the rule does not restrict its protocols to TCP and
// UDP (to TCP), not that it "does not restrict its protocols", which
// read as if its Protocols were empty.
func TestAmbiguousReasonNamesProtocols(t *testing.T) {
	for _, tc := range []struct {
		name, conn string
		r          stateless.Rule
		want       string
	}{
		{"flags, protocols 6 and 17, a UDP packet", "udp 10.0.1.5:50000 -> 198.51.100.7:53", stateless.Rule{Priority: 1, Action: flow.Drop,
			Protocols: []flow.Protocol{flow.TCP, flow.UDP}, TCPFlags: []stateless.TCPFlagMatch{{Flags: stateless.SYN, Masks: stateless.SYN}}},
			"which names TCP flags and does not restrict its protocols to TCP, would drop it"},
		{"ports, protocols 6 and 1, an ICMP packet", "icmp 10.0.1.5 -> 198.51.100.7", stateless.Rule{Priority: 1, Action: flow.Drop,
			Protocols: []flow.Protocol{flow.TCP, flow.ICMP}, DestinationPorts: []flow.PortRange{{Lo: 443, Hi: 443}}},
			"which names ports and does not restrict its protocols to TCP and UDP, would drop it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := compilePolicy(t, newPolicy(flow.Pass, []stateless.Rule{tc.r}, noDefaults))
			d := e.Explain(bothWays(tc.conn))
			for _, reply := range []bool{false, true} {
				why := d.ReasonOn(reply)
				assert.Equal(t, flow.Indeterminate, d.VerdictOn(reply), why)
				assert.Contains(t, why, tc.want)
				assert.NotContains(t, why, "does not restrict its protocols,")
			}
		})
	}
}

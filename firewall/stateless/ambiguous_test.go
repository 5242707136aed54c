package stateless_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// TestAmbiguity: a rule that names ports (TCP flags) without restricting
// its protocols to TCP and UDP (TCP), met by a packet of another
// protocol: AWS's documents do not say whether it matches. The engine
// reads it as not matching, and names the rule where matching would
// decide otherwise.
func TestAmbiguity(t *testing.T) {
	const icmp = "icmp 10.0.1.10 -> 198.51.100.7 type 8 code 0"
	const udp = "udp 10.0.1.10:5000 -> 198.51.100.7:53"
	allPorts := dport(0, 65535)
	for _, tc := range []struct {
		name   string
		cfg    stateless.Config
		p      stateless.Packet
		action flow.Action         // under the engine's reading
		amb    stateless.Ambiguity // zero for none
	}{
		{"a drop rule on every port, no protocols, meets icmp", cfgOf(flow.Pass, group(1, "sl", rule(5, flow.Drop, allPorts))), pkt(icmp),
			flow.Pass, stateless.Ambiguity{Group: "sl", GroupPriority: 1, RulePriority: 5, Action: flow.Drop}},
		{"the rule's action is the decision's: nothing in doubt", cfgOf(flow.Pass, group(1, "sl", rule(5, flow.Pass, allPorts))), pkt(icmp),
			flow.Pass, stateless.Ambiguity{}},
		{"protocols restricted to tcp and udp: no doubt", cfgOf(flow.Pass, group(1, "sl", rule(5, flow.Drop, allPorts, proto(flow.TCP, flow.UDP)))), pkt(icmp),
			flow.Pass, stateless.Ambiguity{}},
		{"tcp carries ports: no doubt", cfgOf(flow.Pass, group(1, "sl", rule(5, flow.Drop, dport(80, 80)))), pkt("tcp 10.0.1.10:5000 -> 198.51.100.7:443", stateless.SYN),
			flow.Pass, stateless.Ambiguity{}},
		{"a rule on flags for tcp and udp meets udp", cfgOf(flow.Forward, group(1, "sl", rule(5, flow.Pass, proto(flow.TCP, flow.UDP), flagsOpt(stateless.SYN, stateless.SYN)))), pkt(udp),
			flow.Forward, stateless.Ambiguity{Group: "sl", GroupPriority: 1, RulePriority: 5, Action: flow.Pass, Flags: true}},
		{"a rule on ports and flags, any protocol, meets udp off its ports: it cannot match", cfgOf(flow.Forward, group(1, "sl", rule(5, flow.Pass, dport(80, 80), flagsOpt(stateless.SYN, stateless.SYN)))), pkt(udp),
			flow.Forward, stateless.Ambiguity{}},
		{"an earlier rule decides first: no doubt", cfgOf(flow.Drop, group(1, "sl", rule(1, flow.Pass, proto(flow.ICMP)), rule(5, flow.Drop, allPorts))), pkt(icmp),
			flow.Pass, stateless.Ambiguity{}},
		{"the ambiguous rule comes first, a later rule decides", cfgOf(flow.Drop, group(1, "sl", rule(1, flow.Forward, allPorts), rule(5, flow.Pass, proto(flow.ICMP)))), pkt(icmp),
			flow.Pass, stateless.Ambiguity{Group: "sl", GroupPriority: 1, RulePriority: 1, Action: flow.Forward}},
		{"the first rule to match under the other reading decides it", cfgOf(flow.Drop, group(1, "sl", rule(1, flow.Drop, sport(1, 1)), rule(2, flow.Pass, allPorts))), pkt(icmp),
			flow.Drop, stateless.Ambiguity{}},
		{"a fragment matches no rule on ports either way", cfgOf(flow.Pass, group(1, "sl", rule(5, flow.Drop, allPorts))), frag(udp),
			flow.Pass, stateless.Ambiguity{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mustCompile(t, tc.cfg)
			for _, d := range []stateless.Decision{e.Evaluate(tc.p), e.Explain(tc.p)} {
				assert.Equal(t, tc.action, d.Action)
				assert.Equal(t, tc.amb, d.Ambiguous)
				assert.Equal(t, tc.amb.RulePriority != 0, d.Undecided())
			}
		})
	}
}

// TestAmbiguityString: the text says what the rule's protocols leave out
// (TCP and UDP for ports, TCP for flags), as the rule may list protocols
// (Protocols [6, 17] with TCP flags, [6, 1] with ports): "does not
// restrict its protocols" alone read as if the rule had no Protocols.
func TestAmbiguityString(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    stateless.Ambiguity
		want string
	}{
		{"ports", stateless.Ambiguity{Group: "sl", GroupPriority: 1, RulePriority: 5, Action: flow.Drop},
			"priority 5 of group sl (priority 1), which names ports and does not restrict its protocols to TCP and UDP, would drop it if its ports were ignored for protocols that carry none (AWS applies ports to TCP and UDP only)"},
		{"TCP flags", stateless.Ambiguity{Group: "m", GroupPriority: 2, RulePriority: 1, Action: flow.Pass, Flags: true},
			"priority 1 of group m (priority 2), which names TCP flags and does not restrict its protocols to TCP, would pass it if its TCP flags were ignored for protocols other than TCP (AWS applies TCP flags to TCP only)"},
		{"none", stateless.Ambiguity{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.a.String())
		})
	}
}

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

// flagRule is a TCP stateless rule on every address and port that matches
// packets whose flags under masks are flags.
func flagRule(prio int, action flow.Action, flags, masks stateless.TCPFlags) stateless.Rule {
	r := tcpRule(prio, action, "", 0, "", 0)
	r.TCPFlags = []stateless.TCPFlagMatch{{Flags: flags, Masks: masks}}
	return r
}

// TestPureACKs holds the stateless engine to the pure ACKs a TCP session
// has besides its SYNs and data: the client's handshake ACK, in every
// session (its drop denies the request for certain), and the server's ACK
// of data, which a server may piggyback on its own data (its drop leaves
// the reply Indeterminate, naming the packet and the rule).
func TestPureACKs(t *testing.T) {
	const S, A, P = stateless.SYN, stateless.ACK, stateless.PSH
	tcpOnly := []flow.Protocol{flow.TCP}
	server := tcpRule(3, flow.Pass, "", 0, "", 0)
	server.SourcePorts, server.Protocols = []flow.PortRange{{Lo: 22, Hi: 22}}, tcpOnly
	for _, tc := range []struct {
		name       string
		pol        firewall.Policy
		conn       firewall.Connection
		req, reply flow.Verdict
		reqReason  string // part of the request's reason
		replyWhy   string // part of the reply's UnknownOn missing fact
		replyRule  string // the reply's RuleOn
		packets    int
	}{
		{name: "drop ACK without SYN or PSH: the handshake's ACK is dropped, and the server's pure ACK",
			pol:  newPolicy(flow.Pass, []stateless.Rule{flagRule(1, flow.Drop, A, S|A|P)}, noDefaults),
			conn: bothWays(sshFlow), req: flow.Deny, reply: flow.Indeterminate,
			reqReason: "[ACK] is dropped: drop by priority 1 of group sl", replyWhy: "ACK-only packets (tcp 10.0.1.10:22 -> 198.51.100.7:50000 [ACK])",
			replyRule: "sl priority 1: aws:drop proto tcp flags ACK/SYN|PSH|ACK", packets: 6},
		{name: "pass SYN-bearing and PSH-bearing packets only, default drop",
			pol:  newPolicy(flow.Drop, []stateless.Rule{flagRule(1, flow.Pass, S, S), flagRule(2, flow.Pass, P, P)}, noDefaults),
			conn: bothWays(sshFlow), req: flow.Deny, reply: flow.Indeterminate,
			reqReason: "[ACK] is dropped: drop by the stateless default action", replyWhy: "which the stateless engine drops (drop by the stateless default action)",
			packets: 6},
		{name: "the client's ACK passed, the server's dropped: the request gets through, the reply is undecided",
			pol: newPolicy(flow.Drop, []stateless.Rule{flagRule(1, flow.Pass, S, S), flagRule(2, flow.Pass, P, P),
				func() stateless.Rule {
					r := flagRule(3, flow.Pass, A, S|A|P)
					r.DestinationPorts = []flow.PortRange{{Lo: 22, Hi: 22}}
					return r
				}()}, noDefaults),
			conn: bothWays(sshFlow), req: flow.Allow, reply: flow.Indeterminate, replyWhy: "a server may carry every ACK on its data", packets: 6},
		{name: "every packet of both directions passed by its flags: allowed for certain",
			pol:  newPolicy(flow.Drop, []stateless.Rule{flagRule(1, flow.Pass, S, S), flagRule(2, flow.Pass, A, A)}, noDefaults),
			conn: bothWays(sshFlow), req: flow.Allow, reply: flow.Allow, packets: 6},
		{name: "the request alone crosses: no server ACK to doubt, the client's is dropped",
			pol:  newPolicy(flow.Pass, []stateless.Rule{flagRule(1, flow.Drop, A, S|A|P)}, noDefaults),
			conn: firewall.Connection{Flow: flow.MustParse(sshFlow), Request: true}, req: flow.Deny, reply: flow.Allow,
			reqReason: "[ACK] is dropped", packets: 3},
		{name: "the server's pure ACK dropped, its SYN-ACK dropped for certain by the stateful engine: a certain deny",
			pol: newPolicy(flow.Forward, []stateless.Rule{func() stateless.Rule {
				r := flagRule(1, flow.Drop, A, S|A|P)
				r.SourcePorts = []flow.PortRange{{Lo: 22, Hi: 22}}
				return r
			}()}, noDefaults, "drop tcp $HOME_NET 22 -> any any (sid:1;)"),
			conn: bothWays(sshFlow), req: flow.Allow, reply: flow.Deny, packets: 6},
		{name: "pure ACKs passed past the stateful engine: the data stages it is forwarded are still judged",
			pol:  newPolicy(flow.Forward, []stateless.Rule{flagRule(1, flow.Pass, A, S|A|P)}, stateful.Defaults{DropEstablished: true}),
			conn: bothWays(sshFlow), req: flow.Deny, reply: flow.Allow, reqReason: "stateful engine: drops the data-to-server packet", packets: 6},
		{name: "no rule names flags: the fast path judges the SYN and data alone",
			pol:  newPolicy(flow.Pass, []stateless.Rule{server}, noDefaults),
			conn: bothWays(sshFlow), req: flow.Allow, reply: flow.Allow, packets: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := compilePolicy(t, tc.pol)
			d := e.Evaluate(tc.conn)
			assert.Equal(t, tc.req, d.VerdictOn(false), "request: %s", d.ReasonOn(false))
			assert.Equal(t, tc.reply, d.VerdictOn(true), "reply: %s", d.ReasonOn(true))
			if tc.reqReason != "" {
				assert.Contains(t, d.ReasonOn(false), tc.reqReason)
			}
			if tc.replyWhy != "" {
				missing, fix := d.UnknownOn(true)
				assert.Contains(t, missing, tc.replyWhy)
				assert.Contains(t, fix, "passes or forwards the server's ACK-only packets")
				assert.Contains(t, d.ReasonOn(true), "ACK-only packet tcp 10.0.1.10:22 -> 198.51.100.7:50000 [ACK] is dropped")
				assert.Equal(t, tc.replyRule, d.RuleOn(true), "the rule that drops the pure ACK, \"\" for the default")
			}
			assert.Len(t, d.Packets, tc.packets)
			req, rep := e.Verdicts(tc.conn)
			assert.Equal(t, d.VerdictOn(false), req, "Verdicts agrees with Evaluate (request)")
			assert.Equal(t, d.VerdictOn(true), rep, "Verdicts agrees with Evaluate (reply)")
			o := e.Outline(tc.conn)
			assert.Equal(t, [2]flow.Verdict{req, rep}, o.Verdict, "Outline agrees")
		})
	}
}

// TestPureACKPossibleOnlyOnTheServer: of the packets a TCP session is
// judged on, the server's pure ACK alone is one a session may lack.
func TestPureACKPossibleOnlyOnTheServer(t *testing.T) {
	e := compilePolicy(t, newPolicy(flow.Pass, []stateless.Rule{flagRule(1, flow.Pass, stateless.SYN, stateless.SYN)}, noDefaults))
	d := e.Explain(bothWays(sshFlow))
	require.Len(t, d.Packets, 6)
	var got []string
	for _, pr := range d.Packets {
		s := pr.Packet.Flags.String()
		if pr.Reply {
			s = "reply " + s
		}
		if pr.Possible {
			s += " (possible)"
		}
		got = append(got, s)
	}
	assert.Equal(t, []string{"SYN", "ACK", "PSH|ACK", "reply SYN|ACK", "reply PSH|ACK", "reply ACK (possible)"}, got)
	assert.Contains(t, d.Details(), "stateless, reply (if the server sends it) tcp 10.0.1.10:22 -> 198.51.100.7:50000 [ACK]: pass by the stateless default action")
}

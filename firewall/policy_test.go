package firewall_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
)

// Tiny constructors for policy rows.

var homeNet = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}

// tcpRule is a stateless TCP rule; src and dst are CIDRs ("" for any),
// sport and dport ports (0 for any).
func tcpRule(prio int, action flow.Action, src string, sport uint16, dst string, dport uint16) stateless.Rule {
	r := stateless.Rule{Priority: prio, Action: action, Protocols: []flow.Protocol{flow.TCP}}
	if src != "" {
		r.Sources = []netip.Prefix{netip.MustParsePrefix(src)}
	}
	if dst != "" {
		r.Destinations = []netip.Prefix{netip.MustParsePrefix(dst)}
	}
	if sport != 0 {
		r.SourcePorts = []flow.PortRange{flow.Single(sport)}
	}
	if dport != 0 {
		r.DestinationPorts = []flow.PortRange{flow.Single(dport)}
	}
	return r
}

// newPolicy is a policy named "p": stateless rules in one group "sl" over
// the default action def, and stateful rules (lines of a rules string) in
// one group "sf" under strict order with the given defaults.
func newPolicy(def flow.Action, statelessRules []stateless.Rule, defaults stateful.Defaults, statefulRules ...string) firewall.Policy {
	p := firewall.Policy{
		Name: "p",
		Stateless: stateless.Config{
			Default:         stateless.DefaultAction{Action: def},
			FragmentDefault: stateless.DefaultAction{Action: def},
		},
		Stateful: stateful.Config{Order: stateful.StrictOrder, Defaults: defaults, HomeNet: homeNet},
	}
	if len(statelessRules) > 0 {
		p.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: statelessRules}}}
	}
	if len(statefulRules) > 0 {
		p.Stateful.Groups = []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{
			Name: "sf", RuleOrder: stateful.StrictOrder, RulesString: strings.Join(statefulRules, "\n")}}}
	}
	return p
}

func compilePolicy(t *testing.T, p firewall.Policy) *firewall.Engine {
	t.Helper()
	e, err := firewall.Compile(p, nil)
	require.NoError(t, err)
	return e
}

func bothWays(f string) firewall.Connection {
	return firewall.Connection{Flow: flow.MustParse(f), Request: true, Reply: true}
}

const (
	sshFlow     = "tcp 198.51.100.7:50000 -> 10.0.1.10:22"
	dropSSH     = "drop tcp any any -> $HOME_NET 22 (sid:20;)"
	passSSH     = "pass tcp any any -> $HOME_NET 22 (sid:21;)"
	dropSSHText = "sf sid 20: drop tcp any any -> $HOME_NET 22 (sid:20;)"
)

// noDefaults are no stateful default actions.
var noDefaults stateful.Defaults

// legWant is what a row expects of one direction.
type legWant struct {
	verdict flow.Verdict
	rule    string // "" expects ""
	reason  string // a part of ReasonOn
}

func TestExplain(t *testing.T) {
	passBoth := []stateless.Rule{
		tcpRule(1, flow.Pass, "198.51.100.0/24", 0, "10.0.1.0/24", 22),
		tcpRule(2, flow.Pass, "10.0.1.0/24", 22, "198.51.100.0/24", 0),
	}
	forwardRequestsOnly := []stateless.Rule{tcpRule(1, flow.Forward, "", 0, "10.0.1.0/24", 22)}
	tests := []struct {
		name       string
		policy     firewall.Policy
		conn       firewall.Connection
		request    legWant
		reply      legWant
		stateful   bool   // the stateful engine was consulted
		fix        string // a part of Fix, "" expects ""
		warning    string // a part of one warning, "" expects none
		numPackets int
	}{
		{
			name:       "a stateless pass skips the stateful engine and its drop rule",
			policy:     newPolicy(flow.Forward, passBoth, noDefaults, dropSSH),
			conn:       bothWays(sshFlow),
			request:    legWant{flow.Allow, "sl priority 1: aws:pass proto tcp src 198.51.100.0/24 dst 10.0.1.0/24 dport 22", "stateless engine: pass by priority 1 of group sl (priority 1) (the stateful engine never sees it)"},
			reply:      legWant{flow.Allow, "sl priority 2: aws:pass proto tcp src 10.0.1.0/24 sport 22 dst 198.51.100.0/24", "the stateful engine never sees it"},
			numPackets: 4,
		},
		{
			name:       "forwarded traffic is decided by the stateful engine's pass rule",
			policy:     newPolicy(flow.Forward, nil, stateful.Defaults{DropStrict: true}, passSSH),
			conn:       bothWays(sshFlow),
			request:    legWant{flow.Allow, "sf sid 21: pass tcp any any -> $HOME_NET 22 (sid:21;)", "stateless engine: forward to stateful engine by the stateless default action; stateful engine: passes the open-request packet: pass rule sid 21 of sf"},
			reply:      legWant{flow.Allow, "sf sid 21: pass tcp any any -> $HOME_NET 22 (sid:21;)", "passes the open-request packet"},
			stateful:   true,
			numPackets: 4,
		},
		{
			name:       "forwarded traffic no stateful rule decides passes by the engine's default",
			policy:     newPolicy(flow.Forward, nil, noDefaults),
			conn:       bothWays(sshFlow),
			request:    legWant{flow.Allow, "", "no rule matches, and unmatched traffic passes"},
			reply:      legWant{flow.Allow, "", "no rule matches, and unmatched traffic passes"},
			stateful:   true,
			numPackets: 4,
		},
		{
			name:       "a stateful drop on the request blocks the request; the reply says the session was stopped",
			policy:     newPolicy(flow.Forward, nil, noDefaults, dropSSH),
			conn:       bothWays(sshFlow),
			request:    legWant{flow.Deny, dropSSHText, "policy p: stateful engine: drops the open-request packet: drop rule sid 20 of sf"},
			reply:      legWant{flow.Allow, "", "stateful engine: nothing of its own against this direction; it stopped the session on the request"},
			stateful:   true,
			fix:        "rule sid 20 of sf drops it: narrow that rule, or add a pass rule that comes before it",
			numPackets: 4,
		},
		{
			name:       "a stateful default drop names the default action",
			policy:     newPolicy(flow.Forward, nil, stateful.Defaults{DropStrict: true}),
			conn:       bothWays(sshFlow),
			request:    legWant{flow.Deny, "aws:drop_strict", "drops the open-request packet: default action aws:drop_strict"},
			reply:      legWant{flow.Allow, "", "it stopped the session on the request"},
			stateful:   true,
			fix:        "every packet needs a pass rule",
			numPackets: 4,
		},
		{
			name:       "a stateless group that forgets return traffic drops the reply only",
			policy:     newPolicy(flow.Drop, forwardRequestsOnly, noDefaults),
			conn:       bothWays(sshFlow),
			request:    legWant{flow.Allow, "", "stateless engine: forward to stateful engine by priority 1 of group sl (priority 1); stateful engine: passes"},
			reply:      legWant{flow.Deny, "", "stateless engine: tcp 10.0.1.10:22 -> 198.51.100.7:50000 [SYN|ACK] is dropped: drop by the stateless default action"},
			stateful:   true,
			fix:        "the stateless engine judges each packet alone, replies too: add a stateless rule that passes or forwards the reply (tcp 10.0.1.10:22 -> 198.51.100.7:50000)",
			warning:    "only the request direction reached the stateful engine",
			numPackets: 4,
		},
		{
			name:       "a stateless drop of the request names the rule",
			policy:     newPolicy(flow.Forward, []stateless.Rule{tcpRule(5, flow.Drop, "", 0, "", 22)}, noDefaults),
			conn:       bothWays(sshFlow),
			request:    legWant{flow.Deny, "sl priority 5: aws:drop proto tcp dport 22", "stateless engine: tcp 198.51.100.7:50000 -> 10.0.1.10:22 [SYN] is dropped: drop by priority 5 of group sl (priority 1)"},
			reply:      legWant{flow.Allow, "", "stateless engine: forward to stateful engine by the stateless default action; stateful engine: passes"},
			stateful:   true,
			fix:        "add a stateless rule that forwards tcp 198.51.100.7:50000 -> 10.0.1.10:22 to the stateful engine (or passes it) ahead of the rule or default that drops it",
			warning:    "only the reply direction reached the stateful engine",
			numPackets: 4,
		},
		{
			// sid 30 is undecidable at the server's data too (the engine
			// does not tell request buffers apart): in the world where it
			// matches there, the reply is dropped.
			name:       "a rule the engine cannot decide leaves both legs indeterminate",
			policy:     newPolicy(flow.Forward, nil, noDefaults, `drop http any any -> any any (http.uri; content:"/admin"; sid:30;)`),
			conn:       bothWays("tcp 10.0.1.10:40000 -> 10.0.2.20:80"),
			request:    legWant{flow.Indeterminate, `sf sid 30: drop http any any -> any any (http.uri; content:"/admin"; sid:30;)`, "stateful engine: cannot decide about the data-to-server packet: sid 30 of sf uses"},
			reply:      legWant{flow.Indeterminate, `sf sid 30: drop http any any -> any any (http.uri; content:"/admin"; sid:30;)`, "; whether the reply gets through depends on the rules it cannot decide"},
			stateful:   true,
			numPackets: 4,
		},
		{
			name:       "a request-only crossing judges the request alone and warns",
			policy:     newPolicy(flow.Forward, nil, noDefaults, dropSSH),
			conn:       firewall.Connection{Flow: flow.MustParse(sshFlow), Request: true},
			request:    legWant{flow.Deny, dropSSHText, "drops the open-request packet"},
			reply:      legWant{flow.Allow, "", "policy p: the reply does not pass through this endpoint"},
			stateful:   true,
			fix:        "rule sid 20 of sf drops it",
			warning:    "only the request direction reached the stateful engine",
			numPackets: 2,
		},
		{
			name:       "a reply-only crossing judges the reply alone and warns",
			policy:     newPolicy(flow.Forward, nil, stateful.Defaults{DropStrict: true}),
			conn:       firewall.Connection{Flow: flow.MustParse(sshFlow), Reply: true},
			request:    legWant{flow.Allow, "", "policy p: the request does not pass through this endpoint"},
			reply:      legWant{flow.Deny, "aws:drop_strict", "drops the open-reply packet: default action aws:drop_strict"},
			stateful:   true,
			fix:        "aws:drop_strict",
			warning:    "only the reply direction reached the stateful engine",
			numPackets: 2,
		},
		{
			name:       "a stateless engine that passes the SYN and SYN-ACK but forwards the data warns, and leaves the session to the stream exception policy",
			policy:     newPolicy(flow.Forward, []stateless.Rule{{Priority: 1, Action: flow.Pass, Protocols: []flow.Protocol{flow.TCP}, TCPFlags: []stateless.TCPFlagMatch{{Flags: stateless.SYN, Masks: stateless.SYN}}}}, noDefaults),
			conn:       bothWays(sshFlow),
			request:    legWant{flow.Indeterminate, "", "stream exception policy DROP (the default), which drops them"},
			reply:      legWant{flow.Indeterminate, "", "stream exception policy DROP (the default), which drops them"},
			stateful:   true,
			warning:    "the stateless engine passes some request packets and forwards others to the stateful engine",
			numPackets: 6, // a rule names TCP flags: the pure ACKs too,
		},
		{
			name:       "UDP is one packet each way",
			policy:     newPolicy(flow.Forward, nil, noDefaults, "drop udp any any -> any 53 (sid:40;)"),
			conn:       bothWays("udp 10.0.1.10:5353 -> 10.0.2.2:53"),
			request:    legWant{flow.Deny, "sf sid 40: drop udp any any -> any 53 (sid:40;)", "drops the open-request packet"},
			reply:      legWant{flow.Allow, "", "it stopped the session on the request"},
			stateful:   true,
			fix:        "rule sid 40 of sf drops it",
			numPackets: 2,
		},
		{
			name:       "ICMP is the echo request and its reply",
			policy:     newPolicy(flow.Forward, nil, noDefaults, "drop icmp any any -> any any (itype:0; sid:50;)"),
			conn:       bothWays("icmp 10.0.1.10 -> 10.0.2.2"),
			request:    legWant{flow.Allow, "", "it stopped the session on the reply"},
			reply:      legWant{flow.Deny, "sf sid 50: drop icmp any any -> any any (itype:0; sid:50;)", "drops the open-reply packet"},
			stateful:   true,
			fix:        "rule sid 50 of sf drops it",
			numPackets: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := compilePolicy(t, tt.policy)
			ins := e.Explain(tt.conn)
			for _, leg := range []struct {
				reply bool
				want  legWant
			}{{false, tt.request}, {true, tt.reply}} {
				assert.Equal(t, leg.want.verdict, ins.VerdictOn(leg.reply), "reply %v: %s", leg.reply, ins.ReasonOn(leg.reply))
				assert.Equal(t, leg.want.rule, ins.RuleOn(leg.reply), "reply %v", leg.reply)
				assert.Contains(t, ins.ReasonOn(leg.reply), leg.want.reason, "reply %v", leg.reply)
				assert.True(t, strings.HasPrefix(ins.ReasonOn(leg.reply), "policy p: "), ins.ReasonOn(leg.reply))
			}
			assert.Equal(t, tt.stateful, ins.Stateful != nil, "stateful engine consulted")
			if tt.fix == "" {
				assert.Empty(t, ins.Fix())
			} else {
				assert.Contains(t, ins.Fix(), tt.fix)
			}
			if tt.warning == "" {
				assert.Empty(t, ins.Warnings)
			} else {
				assert.True(t, slicesContainsPart(ins.Warnings, tt.warning), "warnings %q", ins.Warnings)
			}
			require.Len(t, ins.Packets, tt.numPackets)
			details := ins.Details()
			for _, pr := range ins.Packets {
				dir := "request"
				switch {
				case pr.Possible:
					dir = "reply (if the server sends it)"
				case pr.Reply:
					dir = "reply"
				}
				assert.Contains(t, details, "stateless, "+dir+" "+pr.Packet.String()+": "+pr.Decision.String(), "Details lists every packet")
			}
			for _, w := range ins.Warnings {
				assert.Contains(t, details, w, "Details lists the warnings")
			}
		})
	}
}

func slicesContainsPart(ss []string, part string) bool {
	for _, s := range ss {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

func TestExplainRepresentativePackets(t *testing.T) {
	e := compilePolicy(t, newPolicy(flow.Forward, nil, noDefaults))
	tests := []struct {
		name string
		conn firewall.Connection
		want []firewall.PacketResult // Decision not compared
	}{
		{"TCP: stateless.SYN and a data segment each way", bothWays("tcp 10.0.1.10:40000 -> 10.0.2.2:443"), []firewall.PacketResult{
			{Packet: statelessPacket("tcp 10.0.1.10:40000 -> 10.0.2.2:443", stateless.SYN)},
			{Packet: statelessPacket("tcp 10.0.1.10:40000 -> 10.0.2.2:443", stateless.PSH|stateless.ACK)},
			{Reply: true, Packet: statelessPacket("tcp 10.0.2.2:443 -> 10.0.1.10:40000", stateless.SYN|stateless.ACK)},
			{Reply: true, Packet: statelessPacket("tcp 10.0.2.2:443 -> 10.0.1.10:40000", stateless.PSH|stateless.ACK)},
		}},
		{"UDP: one datagram each way", bothWays("udp 10.0.1.10:5353 -> 10.0.2.2:53"), []firewall.PacketResult{
			{Packet: statelessPacket("udp 10.0.1.10:5353 -> 10.0.2.2:53", 0)},
			{Reply: true, Packet: statelessPacket("udp 10.0.2.2:53 -> 10.0.1.10:5353", 0)},
		}},
		{"ICMP: the echo request and the echo reply", bothWays("icmp 10.0.1.10 -> 10.0.2.2 type 8"), []firewall.PacketResult{
			{Packet: statelessPacket("icmp 10.0.1.10 -> 10.0.2.2 type 8 code 0", 0)},
			{Reply: true, Packet: statelessPacket("icmp 10.0.2.2 -> 10.0.1.10 type 0 code 0", 0)},
		}},
		{"ICMPv6: echo 128 and 129", bothWays("icmpv6 2001:db8::1 -> 2001:db8::2"), []firewall.PacketResult{
			{Packet: statelessPacket("icmpv6 2001:db8::1 -> 2001:db8::2 type 128", 0)},
			{Reply: true, Packet: statelessPacket("icmpv6 2001:db8::2 -> 2001:db8::1 type 129", 0)},
		}},
		{"the reply only", firewall.Connection{Flow: flow.MustParse("udp 10.0.1.10:5353 -> 10.0.2.2:53"), Reply: true}, []firewall.PacketResult{
			{Reply: true, Packet: statelessPacket("udp 10.0.2.2:53 -> 10.0.1.10:5353", 0)},
		}},
		{"neither direction", firewall.Connection{Flow: flow.MustParse("udp 10.0.1.10:5353 -> 10.0.2.2:53")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins := e.Explain(tt.conn)
			got := make([]firewall.PacketResult, len(ins.Packets))
			for i, pr := range ins.Packets {
				assert.Equal(t, flow.Forward, pr.Decision.Action)
				got[i] = firewall.PacketResult{Reply: pr.Reply, Packet: pr.Packet}
			}
			if tt.want == nil {
				assert.Empty(t, got)
				assert.Nil(t, ins.Stateful)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func statelessPacket(f string, flags stateless.TCPFlags) stateless.Packet {
	return stateless.Packet{Flow: flow.MustParse(f), Flags: flags}
}

func TestExplainDetailsListAlerts(t *testing.T) {
	e := compilePolicy(t, newPolicy(flow.Forward, nil, noDefaults, `alert tcp any any -> any 22 (msg:"ssh"; sid:60;)`))
	ins := e.Explain(bothWays(sshFlow))
	assert.Equal(t, flow.Allow, ins.VerdictOn(false))
	d := ins.Details()
	require.Len(t, d, 6, "four packets and the alert at each client-to-server stage")
	assert.Equal(t, "stateless, request tcp 198.51.100.7:50000 -> 10.0.1.10:22 [SYN]: forward to stateful engine by the stateless default action", d[0])
	assert.Equal(t, "stateless, reply tcp 10.0.1.10:22 -> 198.51.100.7:50000 [PSH|ACK]: forward to stateful engine by the stateless default action", d[3])
	assert.Equal(t, "stateful alert: alert sid 60 (group sf) at open-request", d[4])
	assert.Equal(t, "stateful alert: alert sid 60 (group sf) at data-to-server", d[5])
}

func TestCompileErrorsNameThePolicy(t *testing.T) {
	ok := newPolicy(flow.Forward, nil, noDefaults)
	tests := []struct {
		name     string
		policy   func(p firewall.Policy) firewall.Policy
		sentinel error
		prefix   string
		path     string
	}{
		{"a stateless rule without a stateless action", func(p firewall.Policy) firewall.Policy {
			p.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: []stateless.Rule{{Priority: 1, Action: flow.Alert}}}}}
			return p
		}, stateless.ErrInvalidRule, "policy p: stateless: ", "Groups[0].Rules[0].Action"},
		{"a stateless default action that is not a stateless action", func(p firewall.Policy) firewall.Policy {
			p.Stateless.Default = stateless.DefaultAction{Action: flow.Reject}
			return p
		}, stateless.ErrInvalidPolicy, "policy p: stateless: ", "Default.Action"},
		{"no HOME_NET", func(p firewall.Policy) firewall.Policy {
			p.Stateful.HomeNet = nil
			return p
		}, stateful.ErrInvalidPolicy, "policy p: stateful: ", "HomeNet"},
		{"a stateful rule that does not parse, in a policy known by its ARN", func(p firewall.Policy) firewall.Policy {
			p.Name, p.ARN = "", "arn:aws:network-firewall:us-east-1:111122223333:firewall-policy/p"
			p.Stateful.Groups = []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "sf", RuleOrder: stateful.StrictOrder, RulesString: "block ip any any -> any any (sid:1;)"}}}
			return p
		}, suricata.ErrSyntax, "policy arn:aws:network-firewall:us-east-1:111122223333:firewall-policy/p: stateful: ", ""},
		{"a group whose rule order differs, in an unnamed policy", func(p firewall.Policy) firewall.Policy {
			p.Name = ""
			p.Stateful.Groups = []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "sf", RulesString: "pass ip any any -> any any (sid:1;)"}}}
			return p
		}, stateful.ErrInvalidGroup, "policy (unnamed): stateful: ", "StatefulRuleGroupReferences[0]"},
		{"an unresolved IP set reference", func(p firewall.Policy) firewall.Policy {
			p.Stateful.Groups = []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "sf", RuleOrder: stateful.StrictOrder,
				RulesString: "pass ip @PL any -> any any (sid:1;)", IPSetReferences: map[string]string{"PL": "arn:pl"}}}}
			return p
		}, stateful.ErrUnresolved, "policy p: stateful: ", "StatefulRuleGroupReferences[0]"},
		{"a bad stream exception policy", func(p firewall.Policy) firewall.Policy {
			p.StreamExceptionPolicy = "IGNORE"
			return p
		}, firewall.ErrInvalidPolicy, "policy p: ", "StreamExceptionPolicy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := firewall.Compile(tt.policy(ok), nil)
			require.Error(t, err)
			assert.Nil(t, e)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.True(t, strings.HasPrefix(err.Error(), tt.prefix), err.Error())
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			if tt.path != "" {
				assert.Equal(t, tt.path, ie.Path)
			}
		})
	}
	_, err := firewall.Compile(ok, nil)
	require.NoError(t, err)
}

func TestEngineIsSafeForConcurrentUse(t *testing.T) {
	e := compilePolicy(t, newPolicy(flow.Forward, []stateless.Rule{tcpRule(1, flow.Pass, "", 0, "", 443)}, noDefaults, dropSSH))
	want := e.Explain(bothWays(sshFlow))
	done := make(chan firewall.Decision)
	for range 8 {
		go func() { done <- e.Explain(bothWays(sshFlow)) }()
	}
	for range 8 {
		assert.Equal(t, want, <-done)
	}
}

func TestNilEngineIsNoFirewall(t *testing.T) {
	var e *firewall.Engine
	for _, explain := range []bool{false, true} {
		d := e.Evaluate(bothWays(sshFlow))
		if explain {
			d = e.Explain(bothWays(sshFlow))
		}
		assert.Equal(t, flow.Allow, d.VerdictOn(false))
		assert.Equal(t, flow.Allow, d.VerdictOn(true))
		assert.Contains(t, d.ReasonOn(false), "no firewall here")
		assert.Empty(t, d.Packets)
		assert.Nil(t, d.Stateful)
	}
}

func TestMustCompilePanicsOnAnError(t *testing.T) {
	p := newPolicy(flow.Forward, nil, noDefaults)
	assert.NotPanics(t, func() { firewall.MustCompile(p, nil) })
	p.StreamExceptionPolicy = "IGNORE"
	assert.Panics(t, func() { firewall.MustCompile(p, nil) })
}

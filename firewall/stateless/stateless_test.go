package stateless_test

import (
	"errors"
	"net/netip"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// Tiny constructors for the stateless tests' rows. Their names start with
// "sl" so that they do not collide with other tests of the package.

type opt func(*stateless.Rule)

// rule builds a rule: rule(10, flow.Pass, dst("0.0.0.0/0"), dport(443, 443)).
func rule(prio int, a flow.Action, opts ...opt) stateless.Rule {
	r := stateless.Rule{Priority: prio, Action: a}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func prefixes(cidrs []string) []netip.Prefix {
	out := make([]netip.Prefix, len(cidrs))
	for i, c := range cidrs {
		out[i] = netip.MustParsePrefix(c)
	}
	return out
}

func src(cidrs ...string) opt {
	return func(r *stateless.Rule) { r.Sources = append(r.Sources, prefixes(cidrs)...) }
}

func dst(cidrs ...string) opt {
	return func(r *stateless.Rule) { r.Destinations = append(r.Destinations, prefixes(cidrs)...) }
}

func sport(lo, hi uint16) opt {
	return func(r *stateless.Rule) { r.SourcePorts = append(r.SourcePorts, flow.PortRange{Lo: lo, Hi: hi}) }
}

func dport(lo, hi uint16) opt {
	return func(r *stateless.Rule) {
		r.DestinationPorts = append(r.DestinationPorts, flow.PortRange{Lo: lo, Hi: hi})
	}
}

func proto(ps ...flow.Protocol) opt {
	return func(r *stateless.Rule) { r.Protocols = append(r.Protocols, ps...) }
}

func flagsOpt(flags, masks stateless.TCPFlags) opt {
	return func(r *stateless.Rule) {
		r.TCPFlags = append(r.TCPFlags, stateless.TCPFlagMatch{Flags: flags, Masks: masks})
	}
}

func custom(names ...string) opt {
	return func(r *stateless.Rule) { r.CustomActions = append(r.CustomActions, names...) }
}

// group is a group at a policy priority.
func group(prio int, name string, rules ...stateless.Rule) stateless.GroupRef {
	return stateless.GroupRef{Priority: prio, Group: stateless.RuleGroup{Name: name, Rules: rules}}
}

// cfgOf is a policy with the given default (also the fragment default).
func cfgOf(def flow.Action, groups ...stateless.GroupRef) stateless.Config {
	return stateless.Config{
		Groups:          groups,
		Default:         stateless.DefaultAction{Action: def},
		FragmentDefault: stateless.DefaultAction{Action: def},
	}
}

// pkt reads a packet in flow syntax, with TCP flags.
func pkt(s string, flags ...stateless.TCPFlags) stateless.Packet {
	p := stateless.Packet{Flow: flow.MustParse(s)}
	for _, f := range flags {
		p.Flags |= f
	}
	return p
}

// frag is pkt marked as a non-initial fragment.
func frag(s string) stateless.Packet {
	p := pkt(s)
	p.Fragment = true
	return p
}

func mustCompile(t testing.TB, cfg stateless.Config) *stateless.Engine {
	t.Helper()
	e, err := stateless.Compile(cfg)
	require.NoError(t, err)
	return e
}

func TestEvaluate(t *testing.T) {
	web := group(1, "web-in",
		rule(10, flow.Forward, proto(flow.TCP), dst("10.0.0.0/16"), dport(443, 443)),
		rule(20, flow.Pass, proto(flow.UDP), dst("10.0.0.0/16"), dport(53, 53)),
		rule(30, flow.Drop, src("203.0.113.0/24")),
	)
	tests := []struct {
		name string
		cfg  stateless.Config
		pkt  stateless.Packet
		want string
	}{
		// Order.
		{"the group with the lowest priority is checked first, whatever order the groups are given in",
			cfgOf(flow.Drop, group(2, "late", rule(1, flow.Pass)), group(1, "early", rule(1, flow.Forward))),
			pkt("tcp 10.0.0.1:5000 -> 10.0.0.2:80"), "forward to stateful engine by priority 1 of group early (priority 1)"},
		{"within a group the lowest rule priority decides first, whatever order the rules are given in",
			cfgOf(flow.Drop, group(1, "g", rule(20, flow.Pass), rule(10, flow.Drop), rule(30, flow.Forward))),
			pkt("tcp 10.0.0.1:5000 -> 10.0.0.2:80"), "drop by priority 10 of group g (priority 1)"},
		{"the first matching rule decides even when a later group's rule has a lower rule priority",
			cfgOf(flow.Drop, group(1, "a", rule(500, flow.Pass)), group(2, "b", rule(1, flow.Drop))),
			pkt("udp 10.0.0.1:5000 -> 10.0.0.2:53"), "pass by priority 500 of group a (priority 1)"},
		{"rules that do not match are passed over until one matches",
			cfgOf(flow.Drop, web), pkt("tcp 203.0.113.9:5000 -> 10.0.0.2:22"), "drop by priority 30 of group web-in (priority 1)"},
		{"a group with no matching rule hands the packet to the next group",
			cfgOf(flow.Drop, web, group(9, "catch-all", rule(1, flow.Pass))), pkt("tcp 198.51.100.1:5000 -> 10.0.0.2:22"),
			"pass by priority 1 of group catch-all (priority 9)"},
		// Actions.
		{"aws:forward_to_sfe hands the packet to the stateful engine",
			cfgOf(flow.Drop, web), pkt("tcp 198.51.100.1:5000 -> 10.0.0.2:443", stateless.SYN), "forward to stateful engine by priority 10 of group web-in (priority 1)"},
		{"aws:pass delivers the packet",
			cfgOf(flow.Drop, web), pkt("udp 198.51.100.1:5000 -> 10.0.0.2:53"), "pass by priority 20 of group web-in (priority 1)"},
		{"aws:drop drops the packet",
			cfgOf(flow.Pass, web), pkt("icmp 203.0.113.1 -> 10.0.0.2"), "drop by priority 30 of group web-in (priority 1)"},
		// Defaults.
		{"a full packet that matches no rule gets the default action",
			cfgOf(flow.Drop, web), pkt("tcp 198.51.100.1:5000 -> 10.0.0.2:22"), "drop by the stateless default action"},
		{"an empty policy forwarding by default forwards every full packet",
			cfgOf(flow.Forward), pkt("gre 198.51.100.1 -> 10.0.0.2"), "forward to stateful engine by the stateless default action"},
		// Fragments.
		{"a UDP fragment that matches no rule gets the fragment default action, not the default",
			stateless.Config{Groups: []stateless.GroupRef{web}, Default: stateless.DefaultAction{Action: flow.Drop}, FragmentDefault: stateless.DefaultAction{Action: flow.Pass}},
			frag("udp 198.51.100.1:5000 -> 10.0.0.2:53"), "pass by the stateless fragment default action"},
		{"a rule that names ports does not match a fragment, which carries none",
			stateless.Config{Groups: []stateless.GroupRef{web}, Default: stateless.DefaultAction{Action: flow.Pass}, FragmentDefault: stateless.DefaultAction{Action: flow.Drop}},
			frag("udp 198.51.100.1:5000 -> 10.0.0.2:53"), "drop by the stateless fragment default action"},
		{"a portless rule matches a UDP fragment",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Forward, proto(flow.UDP), dst("10.0.0.0/8")))),
			frag("udp 198.51.100.1:5000 -> 10.0.0.2:53"), "forward to stateful engine by priority 1 of group g (priority 1)"},
		{"a TCP fragment that matches no rule is dropped, even when both defaults pass",
			cfgOf(flow.Pass, web), frag("tcp 198.51.100.1:5000 -> 10.0.0.2:443"),
			"drop: a fragment of a protocol other than UDP that matches no stateless rule is always dropped"},
		{"a TCP fragment that matches a portless rule takes that rule's action",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, proto(flow.TCP)))), frag("tcp 198.51.100.1:5000 -> 10.0.0.2:443"),
			"pass by priority 1 of group g (priority 1)"},
		{"a rule that names TCP flags does not match a TCP fragment",
			cfgOf(flow.Pass, group(1, "g", rule(1, flow.Pass, flagsOpt(0, 0)))), frag("tcp 198.51.100.1:5000 -> 10.0.0.2:443"),
			"drop: a fragment of a protocol other than UDP that matches no stateless rule is always dropped"},
		// Ports only for TCP and UDP (F.7).
		{"a rule with ports but no protocols matches UDP",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, dport(53, 53)))), pkt("udp 10.0.0.1:5000 -> 10.0.0.2:53"), "pass by priority 1 of group g (priority 1)"},
		{"a rule with ports but no protocols does not match ICMP",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, dport(0, 65535)))), pkt("icmp 10.0.0.1 -> 10.0.0.2"), "drop by the stateless default action"},
		{"a rule with ports does not match GRE even when it names GRE",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, proto(flow.GRE, flow.TCP), sport(0, 65535)))), pkt("gre 10.0.0.1 -> 10.0.0.2"), "drop by the stateless default action"},
		{"source ports are checked against the packet's source port",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, proto(flow.UDP), sport(123, 123)))), pkt("udp 10.0.0.1:123 -> 10.0.0.2:123"), "pass by priority 1 of group g (priority 1)"},
		{"a packet outside the source port range is passed over",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, proto(flow.UDP), sport(123, 123)))), pkt("udp 10.0.0.1:50000 -> 10.0.0.2:123"), "drop by the stateless default action"},
		{"any one of several port ranges suffices",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, dport(80, 80), dport(8000, 8999)))), pkt("tcp 10.0.0.1:50000 -> 10.0.0.2:8443"), "pass by priority 1 of group g (priority 1)"},
		// TCP flags.
		{"flags SYN masked by SYN,ACK match a SYN",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, flagsOpt(stateless.SYN, stateless.SYN|stateless.ACK)))),
			pkt("tcp 10.0.0.1:50000 -> 10.0.0.2:443", stateless.SYN), "pass by priority 1 of group g (priority 1)"},
		{"flags SYN masked by SYN,ACK ignore flags outside the mask",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, flagsOpt(stateless.SYN, stateless.SYN|stateless.ACK)))),
			pkt("tcp 10.0.0.1:50000 -> 10.0.0.2:443", stateless.SYN, stateless.ECE, stateless.CWR), "pass by priority 1 of group g (priority 1)"},
		{"flags SYN masked by SYN,ACK do not match a SYN|ACK",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, flagsOpt(stateless.SYN, stateless.SYN|stateless.ACK)))),
			pkt("tcp 10.0.0.2:443 -> 10.0.0.1:50000", stateless.SYN, stateless.ACK), "drop by the stateless default action"},
		{"flags without masks examine all eight flags",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, flagsOpt(stateless.SYN, 0)))),
			pkt("tcp 10.0.0.1:50000 -> 10.0.0.2:443", stateless.SYN, stateless.ECE), "drop by the stateless default action"},
		{"any one of several flag matches suffices",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, flagsOpt(stateless.SYN, stateless.SYN|stateless.ACK), flagsOpt(stateless.ACK, stateless.ACK)))),
			pkt("tcp 10.0.0.2:443 -> 10.0.0.1:50000", stateless.SYN, stateless.ACK), "pass by priority 1 of group g (priority 1)"},
		{"a rule with TCP flags does not match UDP",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, flagsOpt(0, stateless.SYN)))), pkt("udp 10.0.0.1:5000 -> 10.0.0.2:53"), "drop by the stateless default action"},
		// Protocols.
		{"protocols match by number",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, proto(50)))), pkt("esp 10.0.0.1 -> 10.0.0.2"), "pass by priority 1 of group g (priority 1)"},
		{"a packet of a protocol not listed is passed over",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, proto(flow.UDP)))), pkt("tcp 10.0.0.1:5000 -> 10.0.0.2:53"), "drop by the stateless default action"},
		{"ICMP is matched by protocol 1",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, proto(flow.ICMP)))), pkt("icmp 10.0.0.1 -> 10.0.0.2 type 0"), "pass by priority 1 of group g (priority 1)"},
		{"a rule without protocols matches any protocol",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, dst("10.0.0.0/8")))), pkt("89 10.0.0.1 -> 10.0.0.2"), "pass by priority 1 of group g (priority 1)"},
		// IPv6.
		{"an IPv6 rule matches an IPv6 packet",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, src("::/0"), dst("2001:db8::/32"), proto(flow.TCP), dport(443, 443)))),
			pkt("tcp [2001:db8:1::5]:50000 -> [2001:db8::7]:443"), "pass by priority 1 of group g (priority 1)"},
		{"an IPv4 rule does not match an IPv6 packet, not even 0.0.0.0/0",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, dst("0.0.0.0/0")))), pkt("icmpv6 [2001:db8::1] -> [2001:db8::2]"), "drop by the stateless default action"},
		{"a rule with IPv4 and IPv6 destinations matches either family",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, dst("10.0.0.0/8", "2001:db8::/32")))), pkt("udp [2001:db8::1]:53 -> [2001:db8::2]:53"), "pass by priority 1 of group g (priority 1)"},
		{"host bits of a rule's CIDR are ignored",
			cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, dst("10.0.0.77/16")))), pkt("udp 10.9.9.9:53 -> 10.0.200.1:53"), "pass by priority 1 of group g (priority 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustCompile(t, tt.cfg)
			d := e.Evaluate(tt.pkt)
			assert.Equal(t, tt.want, d.String())
			x := e.Explain(tt.pkt)
			x.Skipped = nil
			assert.Equal(t, d, x, "Explain decides like Evaluate")
		})
	}
}

// The user trap: a stateless pass rule for the request does not let the
// reply back, because the stateless engine judges every packet alone.
func TestForgottenReturnTraffic(t *testing.T) {
	out := rule(10, flow.Pass, src("10.0.0.0/16"), dst("0.0.0.0/0"), proto(flow.TCP), dport(443, 443))
	request := pkt("tcp 10.0.1.5:50000 -> 198.51.100.7:443", stateless.SYN)
	reply := stateless.Packet{Flow: request.Reverse(), Flags: stateless.SYN | stateless.ACK}

	t.Run("a rule for the request passes the request", func(t *testing.T) {
		d := mustCompile(t, cfgOf(flow.Drop, group(1, "egress", out))).Evaluate(request)
		assert.Equal(t, flow.Pass, d.Action)
		assert.Equal(t, 10, d.RulePriority)
	})
	t.Run("the reply falls to the default drop", func(t *testing.T) {
		e := mustCompile(t, cfgOf(flow.Drop, group(1, "egress", out)))
		d := e.Explain(reply)
		assert.Equal(t, flow.Drop, d.Action)
		assert.True(t, d.Default)
		require.Len(t, d.Skipped, 1)
		assert.Equal(t, "priority 10 in group egress: source 198.51.100.7 not in 10.0.0.0/16", d.Skipped[0].String())
	})
	t.Run("a second rule for the reply lets it back", func(t *testing.T) {
		back := rule(20, flow.Pass, src("0.0.0.0/0"), dst("10.0.0.0/16"), proto(flow.TCP), sport(443, 443), dport(1024, 65535))
		d := mustCompile(t, cfgOf(flow.Drop, group(1, "egress", out, back))).Evaluate(reply)
		assert.Equal(t, "pass by priority 20 of group egress (priority 1)", d.String())
	})
	t.Run("forwarding both directions to the stateful engine needs no reply rule", func(t *testing.T) {
		e := mustCompile(t, cfgOf(flow.Forward))
		assert.Equal(t, flow.Forward, e.Evaluate(request).Action)
		assert.Equal(t, flow.Forward, e.Evaluate(reply).Action)
	})
}

func TestCustomActions(t *testing.T) {
	group := stateless.RuleGroup{
		Name:          "metrics",
		CustomActions: []stateless.CustomAction{{Name: "WebHits", Dimensions: []string{"web"}}, {Name: "Other", Dimensions: []string{"other"}}},
		Rules: []stateless.Rule{
			rule(10, flow.Forward, proto(flow.TCP), dport(443, 443), custom("WebHits")),
			rule(20, flow.Drop, proto(flow.TCP), dport(23, 23), custom("Other", "WebHits")),
		},
	}
	cfg := stateless.Config{
		Groups:          []stateless.GroupRef{{Priority: 1, Group: group}},
		Default:         stateless.DefaultAction{Action: flow.Pass, CustomActions: []string{"Unmatched"}},
		FragmentDefault: stateless.DefaultAction{Action: flow.Drop},
		CustomActions:   []stateless.CustomAction{{Name: "Unmatched", Dimensions: []string{"default"}}},
	}
	e := mustCompile(t, cfg)
	t.Run("the deciding rule's custom actions are its metrics; its standard action decides", func(t *testing.T) {
		d := e.Evaluate(pkt("tcp 10.0.0.1:5000 -> 10.0.0.2:443"))
		assert.Equal(t, flow.Forward, d.Action)
		assert.Equal(t, []string{"WebHits"}, d.Metrics())
		assert.Equal(t, "forward to stateful engine by priority 10 of group metrics (priority 1) (custom actions: WebHits)", d.String())
	})
	t.Run("a rule with several custom actions publishes them all", func(t *testing.T) {
		d := e.Evaluate(pkt("tcp 10.0.0.1:5000 -> 10.0.0.2:23"))
		assert.Equal(t, flow.Drop, d.Action)
		assert.Equal(t, []string{"Other", "WebHits"}, d.Metrics())
	})
	t.Run("a default action's custom actions are its metrics", func(t *testing.T) {
		d := e.Evaluate(pkt("udp 10.0.0.1:5000 -> 10.0.0.2:53"))
		assert.Equal(t, flow.Pass, d.Action)
		assert.True(t, d.Default)
		assert.Equal(t, []string{"Unmatched"}, d.Metrics())
	})
	t.Run("a rule whose action is not a standard stateless action is rejected, since AWS requires one", func(t *testing.T) {
		bad := cfg
		bad.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{
			Name: "metrics", CustomActions: group.CustomActions, Rules: []stateless.Rule{rule(10, flow.Alert, custom("WebHits"))},
		}}}
		_, err := stateless.Compile(bad)
		require.ErrorIs(t, err, stateless.ErrInvalidRule)
		var ie *flow.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "Groups[0].Rules[0].Action", ie.Path)
	})
}

func TestNilEngine(t *testing.T) {
	for _, e := range []*stateless.Engine{nil, {}} {
		for _, p := range []stateless.Packet{pkt("tcp 10.0.0.1:5000 -> 10.0.0.2:443"), frag("udp 10.0.0.1:5000 -> 10.0.0.2:53"), frag("tcp 10.0.0.1:5000 -> 10.0.0.2:443")} {
			for _, d := range []stateless.Decision{e.Evaluate(p), e.Explain(p)} {
				assert.Equal(t, "no stateless firewall: every packet passes", d.String(), "no stateless engine passes %s", p)
				assert.Equal(t, flow.Allow, d.Verdict)
				assert.Equal(t, flow.Pass, d.Action)
				assert.True(t, d.Default)
				assert.Nil(t, d.Skipped)
			}
		}
		assert.Empty(t, e.Config().Groups)
	}
}

func TestExplain(t *testing.T) {
	e := mustCompile(t, cfgOf(flow.Drop,
		group(2, "second", rule(5, flow.Pass, proto(flow.TCP), dport(443, 443))),
		group(1, "first",
			rule(10, flow.Pass, proto(flow.UDP)),
			rule(20, flow.Pass, proto(flow.TCP), dport(80, 80)),
			rule(30, flow.Pass, proto(flow.TCP), src("192.0.2.0/24")),
			rule(40, flow.Pass, dst("2001:db8::/32", "10.9.0.0/16")),
			rule(50, flow.Pass, proto(flow.TCP), sport(1, 1023)),
			rule(60, flow.Pass, flagsOpt(stateless.SYN, stateless.SYN|stateless.ACK)),
		),
	))
	d := e.Explain(pkt("tcp 10.0.0.1:50000 -> 10.0.0.2:443", stateless.SYN, stateless.ACK))
	assert.Equal(t, "pass by priority 5 of group second (priority 2)", d.String())
	var got []string
	for _, s := range d.Skipped {
		got = append(got, s.String())
	}
	assert.Equal(t, []string{
		"priority 10 in group first: protocol tcp not in udp",
		"priority 20 in group first: destination port 443 not in 80",
		"priority 30 in group first: source 10.0.0.1 not in 192.0.2.0/24",
		"priority 40 in group first: destination 10.0.0.2 not in 2001:db8::/32,10.9.0.0/16",
		"priority 50 in group first: source port 50000 not in 1-1023",
		"priority 60 in group first: TCP flags SYN|ACK match none of SYN/SYN|ACK",
	}, got)

	t.Run("explains why port and flag rules skip ICMP and fragments", func(t *testing.T) {
		e := mustCompile(t, cfgOf(flow.Drop, group(1, "g", rule(1, flow.Pass, dport(1, 2)), rule(2, flow.Pass, flagsOpt(0, 0)))))
		var got []string
		for _, p := range []stateless.Packet{pkt("icmp 10.0.0.1 -> 10.0.0.2"), frag("tcp 10.0.0.1:1 -> 10.0.0.2:2")} {
			for _, s := range e.Explain(p).Skipped {
				got = append(got, s.Reason)
			}
		}
		assert.Equal(t, []string{
			"protocol icmp carries no ports, and the rule names ports (only TCP and UDP packets match them)",
			"protocol icmp carries no TCP flags, and the rule names TCP flags",
			"a fragment carries no ports, and the rule names ports",
			"a fragment carries no TCP flags, and the rule names TCP flags",
		}, got)
	})
}

func TestTCPFlagMatch(t *testing.T) {
	tests := []struct {
		name  string
		m     stateless.TCPFlagMatch
		flags stateless.TCPFlags
		want  bool
	}{
		{"SYN/SYN,ACK matches a bare SYN", stateless.TCPFlagMatch{stateless.SYN, stateless.SYN | stateless.ACK}, stateless.SYN, true},
		{"SYN/SYN,ACK does not match SYN|ACK", stateless.TCPFlagMatch{stateless.SYN, stateless.SYN | stateless.ACK}, stateless.SYN | stateless.ACK, false},
		{"SYN/SYN,ACK does not match a bare ACK", stateless.TCPFlagMatch{stateless.SYN, stateless.SYN | stateless.ACK}, stateless.ACK, false},
		{"SYN/SYN,ACK ignores PSH", stateless.TCPFlagMatch{stateless.SYN, stateless.SYN | stateless.ACK}, stateless.SYN | stateless.PSH, true},
		{"an empty mask examines all flags", stateless.TCPFlagMatch{stateless.SYN, 0}, stateless.SYN | stateless.PSH, false},
		{"none/RST matches packets without RST", stateless.TCPFlagMatch{0, stateless.RST}, stateless.ACK, true},
		{"none/RST does not match a reset", stateless.TCPFlagMatch{0, stateless.RST}, stateless.RST | stateless.ACK, false},
		{"none/all matches only a packet without flags", stateless.TCPFlagMatch{0, 0}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.m.Matches(tt.flags))
		})
	}
	assert.Equal(t, "SYN/SYN|ACK", stateless.TCPFlagMatch{stateless.SYN, stateless.SYN | stateless.ACK}.String())
	assert.Equal(t, "none/all", stateless.TCPFlagMatch{}.String())
}

func TestAction(t *testing.T) {
	for _, a := range []flow.Action{flow.Pass, flow.Drop, flow.Forward} {
		assert.True(t, stateless.ValidAction(a))
		back, err := stateless.ParseAction(stateless.ActionName(a))
		require.NoError(t, err)
		assert.Equal(t, a, back)
	}
	assert.Equal(t, "aws:forward_to_sfe", stateless.ActionName(flow.Forward))
	for _, s := range []string{"", "pass", "AWS:PASS", "aws:alert", "MyMetrics"} {
		_, err := stateless.ParseAction(s)
		assert.ErrorIs(t, err, stateless.ErrInvalidRule, "%q", s)
	}
	for _, a := range []flow.Action{flow.Reject, flow.Alert, flow.Action(9)} {
		assert.False(t, stateless.ValidAction(a), "%s is not a stateless action", a)
	}
}

func TestCapacity(t *testing.T) {
	tests := []struct {
		name string
		r    stateless.Rule
		want int
	}{
		{"a rule without criteria costs 1", rule(1, flow.Pass), 1},
		{"one element per setting costs 1", rule(1, flow.Pass, src("10.0.0.0/8"), dst("0.0.0.0/0"), dport(443, 443), proto(flow.TCP), flagsOpt(stateless.SYN, stateless.SYN)), 1},
		{"settings multiply: 2 protocols times 3 sources is 6", rule(1, flow.Pass, proto(flow.TCP, flow.UDP), src("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24")), 6},
		{"all six settings multiply", rule(1, flow.Pass, src("10.0.0.0/8", "::/0"), dst("10.0.0.0/8", "::/0"), sport(1, 2), sport(3, 4), dport(5, 6), dport(7, 8), proto(6, 17), flagsOpt(0, 0), flagsOpt(stateless.SYN, 0)), 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.r.Capacity()) })
	}
	g := stateless.RuleGroup{Name: "g", Capacity: 7, Rules: []stateless.Rule{tests[2].r, rule(2, flow.Drop, proto(1, 58))}}
	assert.Equal(t, 8, g.ConsumedCapacity())
	_, err := stateless.Compile(cfgOf(flow.Drop, stateless.GroupRef{Priority: 1, Group: g}))
	require.ErrorIs(t, err, stateless.ErrInvalidGroup, "8 units do not fit a group of capacity 7")
	g.Capacity = 8
	_, err = stateless.Compile(cfgOf(flow.Drop, stateless.GroupRef{Priority: 1, Group: g}))
	require.NoError(t, err)
}

func TestCompileStatelessErrors(t *testing.T) {
	grp := func(rules ...stateless.Rule) stateless.Config {
		return cfgOf(flow.Drop, group(1, "web", rules...))
	}
	tests := []struct {
		name     string
		cfg      stateless.Config
		sentinel error
		path     string
		resource string
		rule     string
		text     string
	}{
		{"a rule priority of 0 is out of range", grp(rule(0, flow.Pass)), stateless.ErrInvalidRule, "Groups[0].Rules[0].Priority", "web", "0", "0"},
		{"a rule priority above 65535 is out of range", grp(rule(65536, flow.Pass)), stateless.ErrInvalidRule, "Groups[0].Rules[0].Priority", "web", "65536", "65536"},
		{"two rules of a group may not share a priority", grp(rule(5, flow.Pass), rule(5, flow.Drop)), stateless.ErrInvalidGroup, "Groups[0].Rules[1].Priority", "web", "5", "5"},
		{"a port range must not run backwards", grp(rule(5, flow.Pass, dport(443, 80))), stateless.ErrInvalidRule, "Groups[0].Rules[0].DestinationPorts[0]", "web", "5", "443-80"},
		{"a source port range must not run backwards", grp(rule(5, flow.Pass, sport(2, 1))), stateless.ErrInvalidRule, "Groups[0].Rules[0].SourcePorts[0]", "web", "5", "2-1"},
		{"a protocol must be 0 to 255", grp(rule(5, flow.Pass, proto(256))), stateless.ErrInvalidRule, "Groups[0].Rules[0].Protocols[0]", "web", "5", "256"},
		{"all protocols is written as an empty list", grp(rule(5, flow.Pass, proto(flow.AllProtocols))), stateless.ErrInvalidRule, "Groups[0].Rules[0].Protocols[0]", "web", "5", "-1"},
		{"an invalid prefix is rejected", grp(rule(5, flow.Pass, func(r *stateless.Rule) { r.Sources = []netip.Prefix{{}} })), stateless.ErrInvalidRule, "Groups[0].Rules[0].Sources[0]", "web", "5", "invalid Prefix"},
		{"an IPv4-mapped prefix is rejected", grp(rule(5, flow.Pass, dst("::ffff:10.0.0.0/104"))), stateless.ErrInvalidRule, "Groups[0].Rules[0].Destinations[0]", "web", "5", "::ffff:10.0.0.0/104"},
		{"TCP flags must lie within the masks", grp(rule(5, flow.Pass, flagsOpt(stateless.SYN|stateless.FIN, stateless.SYN))), stateless.ErrInvalidRule, "Groups[0].Rules[0].TCPFlags[0]", "web", "5", "FIN|SYN/SYN"},
		{"a rule needs a standard action", grp(rule(5, flow.Alert)), stateless.ErrInvalidRule, "Groups[0].Rules[0].Action", "web", "5", "alert"},
		{"a rule may only name custom actions its group defines", grp(rule(5, flow.Pass, custom("Nope"))), stateless.ErrInvalidGroup, "Groups[0].Rules[0].CustomActions[0]", "web", "5", "Nope"},
		{"a group needs a name or an ARN", cfgOf(flow.Drop, group(1, "")), stateless.ErrInvalidGroup, "Groups[0].Name", "", "", ""},
		{"a group priority must be 1 to 65535", cfgOf(flow.Drop, group(0, "web")), stateless.ErrInvalidPolicy, "Groups[0].Priority", "web", "", "0"},
		{"two groups may not share a priority", cfgOf(flow.Drop, group(3, "a"), group(3, "b")), stateless.ErrInvalidPolicy, "Groups[1].Priority", "b", "", "3"},
		{"a group may not be referenced twice", cfgOf(flow.Drop, group(1, "a"), group(2, "a")), stateless.ErrInvalidPolicy, "Groups[1].Group", "a", "", "a"},
		{"the default needs a standard action", stateless.Config{Default: stateless.DefaultAction{Action: flow.Reject}, FragmentDefault: stateless.DefaultAction{Action: flow.Drop}}, stateless.ErrInvalidPolicy, "Default.Action", "", "", "reject"},
		{"the fragment default needs a standard action", stateless.Config{Default: stateless.DefaultAction{Action: flow.Drop}, FragmentDefault: stateless.DefaultAction{Action: flow.Alert}}, stateless.ErrInvalidPolicy, "FragmentDefault.Action", "", "", "alert"},
		{"a default may only name the policy's custom actions", stateless.Config{
			Default: stateless.DefaultAction{Action: flow.Drop}, FragmentDefault: stateless.DefaultAction{Action: flow.Drop, CustomActions: []string{"Frag"}},
		}, stateless.ErrInvalidPolicy, "FragmentDefault.CustomActions[0]", "", "", "Frag"},
		{"custom action names are letters and digits", stateless.Config{
			Default: stateless.DefaultAction{Action: flow.Drop}, FragmentDefault: stateless.DefaultAction{Action: flow.Drop},
			CustomActions: []stateless.CustomAction{{Name: "my-metrics", Dimensions: []string{"x"}}},
		}, stateless.ErrInvalidPolicy, "CustomActions[0].Name", "", "", "my-metrics"},
		{"a custom action needs a dimension", cfgOf(flow.Drop, stateless.GroupRef{Priority: 1, Group: stateless.RuleGroup{
			Name: "web", CustomActions: []stateless.CustomAction{{Name: "M"}},
		}}), stateless.ErrInvalidGroup, "Groups[0].CustomActions[0].Dimensions", "web", "", "M"},
		{"a dimension value has a limited alphabet", cfgOf(flow.Drop, stateless.GroupRef{Priority: 1, Group: stateless.RuleGroup{
			Name: "web", CustomActions: []stateless.CustomAction{{Name: "M", Dimensions: []string{"a/b"}}},
		}}), stateless.ErrInvalidGroup, "Groups[0].CustomActions[0].Dimensions[0]", "web", "", "a/b"},
		{"a custom action may not be defined twice", cfgOf(flow.Drop, stateless.GroupRef{Priority: 1, Group: stateless.RuleGroup{
			Name: "web", CustomActions: []stateless.CustomAction{{Name: "M", Dimensions: []string{"a"}}, {Name: "M", Dimensions: []string{"b"}}},
		}}), stateless.ErrInvalidGroup, "Groups[0].CustomActions[1].Name", "web", "", "M"},
		{"a declared capacity above 30,000 is rejected", cfgOf(flow.Drop, stateless.GroupRef{Priority: 1, Group: stateless.RuleGroup{
			Name: "web", Capacity: 30001,
		}}), stateless.ErrInvalidGroup, "Groups[0].Capacity", "web", "", "30001"},
		{"the group is named by ARN when it has no name", cfgOf(flow.Drop, stateless.GroupRef{Priority: 1, Group: stateless.RuleGroup{
			ARN: "arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/x", Rules: []stateless.Rule{rule(1, flow.Pass, dport(9, 8))},
		}}), stateless.ErrInvalidRule, "Groups[0].Rules[0].DestinationPorts[0]", "arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/x", "1", "9-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := stateless.Compile(tt.cfg)
			require.Error(t, err)
			assert.Nil(t, e)
			assert.ErrorIs(t, err, tt.sentinel)
			var ie *flow.InputError
			require.True(t, errors.As(err, &ie), "%v is a *flow.InputError", err)
			assert.Equal(t, tt.path, ie.Path)
			assert.Equal(t, tt.resource, ie.Resource)
			assert.Equal(t, tt.rule, ie.Rule)
			assert.Equal(t, tt.text, ie.Text)
		})
	}
}

func TestCompileStatelessCopies(t *testing.T) {
	cfg := cfgOf(flow.Drop, group(1, "g", rule(2, flow.Pass, dst("10.0.0.9/8")), rule(1, flow.Drop, dst("192.168.0.0/16"))))
	e := mustCompile(t, cfg)
	p := pkt("udp 10.1.1.1:1 -> 10.2.2.2:2")
	require.Equal(t, flow.Pass, e.Evaluate(p).Action)

	cfg.Groups[0].Group.Rules[0].Destinations[0] = netip.MustParsePrefix("192.0.2.0/24")
	assert.Equal(t, flow.Pass, e.Evaluate(p).Action, "changing the input after compiling changes nothing")

	c := e.Config()
	require.Len(t, c.Groups[0].Group.Rules, 2)
	assert.Equal(t, 1, c.Groups[0].Group.Rules[0].Priority, "rules come back sorted")
	assert.Equal(t, netip.MustParsePrefix("10.0.0.0/8"), c.Groups[0].Group.Rules[1].Destinations[0], "and masked")
	c.Groups[0].Group.Rules[1].Destinations[0] = netip.MustParsePrefix("192.0.2.0/24")
	assert.Equal(t, flow.Pass, e.Evaluate(p).Action, "changing the returned config changes nothing")
	_, err := stateless.Compile(e.Config())
	assert.NoError(t, err, "the canonical config compiles")
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	e := mustCompile(t, bigConfig())
	for _, p := range []stateless.Packet{benchLast, benchNone, benchNone6, frag("udp 10.0.0.1:1 -> 10.0.0.2:2")} {
		allocs := testing.AllocsPerRun(100, func() { _ = e.Evaluate(p) })
		assert.Zero(t, allocs, "%s", p)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := mustCompile(t, bigConfig())
	want := e.Evaluate(benchLast)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				d := e.Evaluate(benchLast)
				if d.RulePriority != want.RulePriority {
					t.Errorf("got %v, want %v", d, want)
				}
			}
		})
	}
	wg.Wait()
}

func TestCompileRejectsAnUnsetAction(t *testing.T) {
	fwd := stateless.DefaultAction{Action: flow.Forward}
	rule := func(r stateless.Rule) []stateless.GroupRef {
		return []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "g", Rules: []stateless.Rule{r}}}}
	}
	tests := []struct {
		name     string
		cfg      stateless.Config
		sentinel error
		path     string
	}{
		{"a rule without an action", stateless.Config{Default: fwd, FragmentDefault: fwd, Groups: rule(stateless.Rule{Priority: 1})}, stateless.ErrInvalidRule, "Groups[0].Rules[0].Action"},
		{"no default action", stateless.Config{FragmentDefault: fwd}, stateless.ErrInvalidPolicy, "Default.Action"},
		{"no fragment default action", stateless.Config{Default: fwd}, stateless.ErrInvalidPolicy, "FragmentDefault.Action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := stateless.Compile(tt.cfg)
			require.ErrorIs(t, err, tt.sentinel)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tt.path, ie.Path)
			assert.Contains(t, err.Error(), "Action is missing")
		})
	}
}

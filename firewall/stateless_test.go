package firewall_test

import (
	"errors"
	"net/netip"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
)

// Tiny constructors for the stateless tests' rows. Their names start with
// "sl" so that they do not collide with other tests of the package.

type slOpt func(*firewall.StatelessRule)

// slR builds a rule: slR(10, slPass, slDst("0.0.0.0/0"), slDport(443, 443)).
func slR(prio int, a firewall.StatelessAction, opts ...slOpt) firewall.StatelessRule {
	r := firewall.StatelessRule{Priority: prio, Action: a}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func slPrefixes(cidrs []string) []netip.Prefix {
	out := make([]netip.Prefix, len(cidrs))
	for i, c := range cidrs {
		out[i] = netip.MustParsePrefix(c)
	}
	return out
}

func slSrc(cidrs ...string) slOpt {
	return func(r *firewall.StatelessRule) { r.Sources = append(r.Sources, slPrefixes(cidrs)...) }
}

func slDst(cidrs ...string) slOpt {
	return func(r *firewall.StatelessRule) { r.Destinations = append(r.Destinations, slPrefixes(cidrs)...) }
}

func slSport(lo, hi uint16) slOpt {
	return func(r *firewall.StatelessRule) { r.SourcePorts = append(r.SourcePorts, flow.PortRange{Lo: lo, Hi: hi}) }
}

func slDport(lo, hi uint16) slOpt {
	return func(r *firewall.StatelessRule) {
		r.DestinationPorts = append(r.DestinationPorts, flow.PortRange{Lo: lo, Hi: hi})
	}
}

func slProto(ps ...flow.Protocol) slOpt {
	return func(r *firewall.StatelessRule) { r.Protocols = append(r.Protocols, ps...) }
}

func slFlags(flags, masks firewall.TCPFlags) slOpt {
	return func(r *firewall.StatelessRule) {
		r.TCPFlags = append(r.TCPFlags, firewall.TCPFlagMatch{Flags: flags, Masks: masks})
	}
}

func slCustom(names ...string) slOpt {
	return func(r *firewall.StatelessRule) { r.CustomActions = append(r.CustomActions, names...) }
}

// slG is a group at a policy priority.
func slG(prio int, name string, rules ...firewall.StatelessRule) firewall.StatelessGroupRef {
	return firewall.StatelessGroupRef{Priority: prio, Group: firewall.StatelessRuleGroup{Name: name, Rules: rules}}
}

// slCfg is a policy with the given default (also the fragment default).
func slCfg(def firewall.StatelessAction, groups ...firewall.StatelessGroupRef) firewall.StatelessConfig {
	return firewall.StatelessConfig{
		Groups:          groups,
		Default:         firewall.StatelessDefault{Action: def},
		FragmentDefault: firewall.StatelessDefault{Action: def},
	}
}

// slPkt reads a packet in flow syntax, with TCP flags.
func slPkt(s string, flags ...firewall.TCPFlags) firewall.Packet {
	p := firewall.Packet{Flow: flow.MustParse(s)}
	for _, f := range flags {
		p.Flags |= f
	}
	return p
}

// slFrag is slPkt marked as a non-initial fragment.
func slFrag(s string) firewall.Packet {
	p := slPkt(s)
	p.Fragment = true
	return p
}

func slCompile(t testing.TB, cfg firewall.StatelessConfig) *firewall.StatelessEngine {
	t.Helper()
	e, err := firewall.CompileStateless(cfg)
	require.NoError(t, err)
	return e
}

const (
	slPass = firewall.StatelessPass
	slDrop = firewall.StatelessDrop
	slFwd  = firewall.StatelessForward
)

func TestStatelessEvaluate(t *testing.T) {
	web := slG(1, "web-in",
		slR(10, slFwd, slProto(flow.TCP), slDst("10.0.0.0/16"), slDport(443, 443)),
		slR(20, slPass, slProto(flow.UDP), slDst("10.0.0.0/16"), slDport(53, 53)),
		slR(30, slDrop, slSrc("203.0.113.0/24")),
	)
	tests := []struct {
		name string
		cfg  firewall.StatelessConfig
		pkt  firewall.Packet
		want string
	}{
		// Order.
		{"the group with the lowest priority is checked first, whatever order the groups are given in",
			slCfg(slDrop, slG(2, "late", slR(1, slPass)), slG(1, "early", slR(1, slFwd))),
			slPkt("tcp 10.0.0.1:5000 -> 10.0.0.2:80"), "forward to stateful engine by priority 1 of group early (priority 1)"},
		{"within a group the lowest rule priority decides first, whatever order the rules are given in",
			slCfg(slDrop, slG(1, "g", slR(20, slPass), slR(10, slDrop), slR(30, slFwd))),
			slPkt("tcp 10.0.0.1:5000 -> 10.0.0.2:80"), "drop by priority 10 of group g (priority 1)"},
		{"the first matching rule decides even when a later group's rule has a lower rule priority",
			slCfg(slDrop, slG(1, "a", slR(500, slPass)), slG(2, "b", slR(1, slDrop))),
			slPkt("udp 10.0.0.1:5000 -> 10.0.0.2:53"), "pass by priority 500 of group a (priority 1)"},
		{"rules that do not match are passed over until one matches",
			slCfg(slDrop, web), slPkt("tcp 203.0.113.9:5000 -> 10.0.0.2:22"), "drop by priority 30 of group web-in (priority 1)"},
		{"a group with no matching rule hands the packet to the next group",
			slCfg(slDrop, web, slG(9, "catch-all", slR(1, slPass))), slPkt("tcp 198.51.100.1:5000 -> 10.0.0.2:22"),
			"pass by priority 1 of group catch-all (priority 9)"},
		// Actions.
		{"aws:forward_to_sfe hands the packet to the stateful engine",
			slCfg(slDrop, web), slPkt("tcp 198.51.100.1:5000 -> 10.0.0.2:443", firewall.SYN), "forward to stateful engine by priority 10 of group web-in (priority 1)"},
		{"aws:pass delivers the packet",
			slCfg(slDrop, web), slPkt("udp 198.51.100.1:5000 -> 10.0.0.2:53"), "pass by priority 20 of group web-in (priority 1)"},
		{"aws:drop drops the packet",
			slCfg(slPass, web), slPkt("icmp 203.0.113.1 -> 10.0.0.2"), "drop by priority 30 of group web-in (priority 1)"},
		// Defaults.
		{"a full packet that matches no rule gets the default action",
			slCfg(slDrop, web), slPkt("tcp 198.51.100.1:5000 -> 10.0.0.2:22"), "drop by the stateless default action"},
		{"an empty policy forwarding by default forwards every full packet",
			slCfg(slFwd), slPkt("gre 198.51.100.1 -> 10.0.0.2"), "forward to stateful engine by the stateless default action"},
		// Fragments.
		{"a UDP fragment that matches no rule gets the fragment default action, not the default",
			firewall.StatelessConfig{Groups: []firewall.StatelessGroupRef{web}, Default: firewall.StatelessDefault{Action: slDrop}, FragmentDefault: firewall.StatelessDefault{Action: slPass}},
			slFrag("udp 198.51.100.1:5000 -> 10.0.0.2:53"), "pass by the stateless fragment default action"},
		{"a rule that names ports does not match a fragment, which carries none",
			firewall.StatelessConfig{Groups: []firewall.StatelessGroupRef{web}, Default: firewall.StatelessDefault{Action: slPass}, FragmentDefault: firewall.StatelessDefault{Action: slDrop}},
			slFrag("udp 198.51.100.1:5000 -> 10.0.0.2:53"), "drop by the stateless fragment default action"},
		{"a portless rule matches a UDP fragment",
			slCfg(slDrop, slG(1, "g", slR(1, slFwd, slProto(flow.UDP), slDst("10.0.0.0/8")))),
			slFrag("udp 198.51.100.1:5000 -> 10.0.0.2:53"), "forward to stateful engine by priority 1 of group g (priority 1)"},
		{"a TCP fragment that matches no rule is dropped, even when both defaults pass",
			slCfg(slPass, web), slFrag("tcp 198.51.100.1:5000 -> 10.0.0.2:443"),
			"drop: a fragment of a protocol other than UDP that matches no stateless rule is always dropped"},
		{"a TCP fragment that matches a portless rule takes that rule's action",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slProto(flow.TCP)))), slFrag("tcp 198.51.100.1:5000 -> 10.0.0.2:443"),
			"pass by priority 1 of group g (priority 1)"},
		{"a rule that names TCP flags does not match a TCP fragment",
			slCfg(slPass, slG(1, "g", slR(1, slPass, slFlags(0, 0)))), slFrag("tcp 198.51.100.1:5000 -> 10.0.0.2:443"),
			"drop: a fragment of a protocol other than UDP that matches no stateless rule is always dropped"},
		// Ports only for TCP and UDP (F.7).
		{"a rule with ports but no protocols matches UDP",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slDport(53, 53)))), slPkt("udp 10.0.0.1:5000 -> 10.0.0.2:53"), "pass by priority 1 of group g (priority 1)"},
		{"a rule with ports but no protocols does not match ICMP",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slDport(0, 65535)))), slPkt("icmp 10.0.0.1 -> 10.0.0.2"), "drop by the stateless default action"},
		{"a rule with ports does not match GRE even when it names GRE",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slProto(flow.GRE, flow.TCP), slSport(0, 65535)))), slPkt("gre 10.0.0.1 -> 10.0.0.2"), "drop by the stateless default action"},
		{"source ports are checked against the packet's source port",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slProto(flow.UDP), slSport(123, 123)))), slPkt("udp 10.0.0.1:123 -> 10.0.0.2:123"), "pass by priority 1 of group g (priority 1)"},
		{"a packet outside the source port range is passed over",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slProto(flow.UDP), slSport(123, 123)))), slPkt("udp 10.0.0.1:50000 -> 10.0.0.2:123"), "drop by the stateless default action"},
		{"any one of several port ranges suffices",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slDport(80, 80), slDport(8000, 8999)))), slPkt("tcp 10.0.0.1:50000 -> 10.0.0.2:8443"), "pass by priority 1 of group g (priority 1)"},
		// TCP flags.
		{"flags SYN masked by SYN,ACK match a SYN",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slFlags(firewall.SYN, firewall.SYN|firewall.ACK)))),
			slPkt("tcp 10.0.0.1:50000 -> 10.0.0.2:443", firewall.SYN), "pass by priority 1 of group g (priority 1)"},
		{"flags SYN masked by SYN,ACK ignore flags outside the mask",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slFlags(firewall.SYN, firewall.SYN|firewall.ACK)))),
			slPkt("tcp 10.0.0.1:50000 -> 10.0.0.2:443", firewall.SYN, firewall.ECE, firewall.CWR), "pass by priority 1 of group g (priority 1)"},
		{"flags SYN masked by SYN,ACK do not match a SYN|ACK",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slFlags(firewall.SYN, firewall.SYN|firewall.ACK)))),
			slPkt("tcp 10.0.0.2:443 -> 10.0.0.1:50000", firewall.SYN, firewall.ACK), "drop by the stateless default action"},
		{"flags without masks examine all eight flags",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slFlags(firewall.SYN, 0)))),
			slPkt("tcp 10.0.0.1:50000 -> 10.0.0.2:443", firewall.SYN, firewall.ECE), "drop by the stateless default action"},
		{"any one of several flag matches suffices",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slFlags(firewall.SYN, firewall.SYN|firewall.ACK), slFlags(firewall.ACK, firewall.ACK)))),
			slPkt("tcp 10.0.0.2:443 -> 10.0.0.1:50000", firewall.SYN, firewall.ACK), "pass by priority 1 of group g (priority 1)"},
		{"a rule with TCP flags does not match UDP",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slFlags(0, firewall.SYN)))), slPkt("udp 10.0.0.1:5000 -> 10.0.0.2:53"), "drop by the stateless default action"},
		// Protocols.
		{"protocols match by number",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slProto(50)))), slPkt("esp 10.0.0.1 -> 10.0.0.2"), "pass by priority 1 of group g (priority 1)"},
		{"a packet of a protocol not listed is passed over",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slProto(flow.UDP)))), slPkt("tcp 10.0.0.1:5000 -> 10.0.0.2:53"), "drop by the stateless default action"},
		{"ICMP is matched by protocol 1",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slProto(flow.ICMP)))), slPkt("icmp 10.0.0.1 -> 10.0.0.2 type 0"), "pass by priority 1 of group g (priority 1)"},
		{"a rule without protocols matches any protocol",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slDst("10.0.0.0/8")))), slPkt("89 10.0.0.1 -> 10.0.0.2"), "pass by priority 1 of group g (priority 1)"},
		// IPv6.
		{"an IPv6 rule matches an IPv6 packet",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slSrc("::/0"), slDst("2001:db8::/32"), slProto(flow.TCP), slDport(443, 443)))),
			slPkt("tcp [2001:db8:1::5]:50000 -> [2001:db8::7]:443"), "pass by priority 1 of group g (priority 1)"},
		{"an IPv4 rule does not match an IPv6 packet, not even 0.0.0.0/0",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slDst("0.0.0.0/0")))), slPkt("icmpv6 [2001:db8::1] -> [2001:db8::2]"), "drop by the stateless default action"},
		{"a rule with IPv4 and IPv6 destinations matches either family",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slDst("10.0.0.0/8", "2001:db8::/32")))), slPkt("udp [2001:db8::1]:53 -> [2001:db8::2]:53"), "pass by priority 1 of group g (priority 1)"},
		{"host bits of a rule's CIDR are ignored",
			slCfg(slDrop, slG(1, "g", slR(1, slPass, slDst("10.0.0.77/16")))), slPkt("udp 10.9.9.9:53 -> 10.0.200.1:53"), "pass by priority 1 of group g (priority 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := slCompile(t, tt.cfg)
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
func TestStatelessForgottenReturnTraffic(t *testing.T) {
	out := slR(10, slPass, slSrc("10.0.0.0/16"), slDst("0.0.0.0/0"), slProto(flow.TCP), slDport(443, 443))
	request := slPkt("tcp 10.0.1.5:50000 -> 198.51.100.7:443", firewall.SYN)
	reply := firewall.Packet{Flow: request.Reverse(), Flags: firewall.SYN | firewall.ACK}

	t.Run("a rule for the request passes the request", func(t *testing.T) {
		d := slCompile(t, slCfg(slDrop, slG(1, "egress", out))).Evaluate(request)
		assert.Equal(t, slPass, d.Action)
		assert.Equal(t, 10, d.RulePriority)
	})
	t.Run("the reply falls to the default drop", func(t *testing.T) {
		e := slCompile(t, slCfg(slDrop, slG(1, "egress", out)))
		d := e.Explain(reply)
		assert.Equal(t, slDrop, d.Action)
		assert.True(t, d.Default)
		require.Len(t, d.Skipped, 1)
		assert.Equal(t, "priority 10 in group egress: source 198.51.100.7 not in 10.0.0.0/16", d.Skipped[0].String())
	})
	t.Run("a second rule for the reply lets it back", func(t *testing.T) {
		back := slR(20, slPass, slSrc("0.0.0.0/0"), slDst("10.0.0.0/16"), slProto(flow.TCP), slSport(443, 443), slDport(1024, 65535))
		d := slCompile(t, slCfg(slDrop, slG(1, "egress", out, back))).Evaluate(reply)
		assert.Equal(t, "pass by priority 20 of group egress (priority 1)", d.String())
	})
	t.Run("forwarding both directions to the stateful engine needs no reply rule", func(t *testing.T) {
		e := slCompile(t, slCfg(slFwd))
		assert.Equal(t, slFwd, e.Evaluate(request).Action)
		assert.Equal(t, slFwd, e.Evaluate(reply).Action)
	})
}

func TestStatelessCustomActions(t *testing.T) {
	group := firewall.StatelessRuleGroup{
		Name:          "metrics",
		CustomActions: []firewall.CustomAction{{Name: "WebHits", Dimensions: []string{"web"}}, {Name: "Other", Dimensions: []string{"other"}}},
		Rules: []firewall.StatelessRule{
			slR(10, slFwd, slProto(flow.TCP), slDport(443, 443), slCustom("WebHits")),
			slR(20, slDrop, slProto(flow.TCP), slDport(23, 23), slCustom("Other", "WebHits")),
		},
	}
	cfg := firewall.StatelessConfig{
		Groups:          []firewall.StatelessGroupRef{{Priority: 1, Group: group}},
		Default:         firewall.StatelessDefault{Action: slPass, CustomActions: []string{"Unmatched"}},
		FragmentDefault: firewall.StatelessDefault{Action: slDrop},
		CustomActions:   []firewall.CustomAction{{Name: "Unmatched", Dimensions: []string{"default"}}},
	}
	e := slCompile(t, cfg)
	t.Run("the deciding rule's custom actions are its metrics; its standard action decides", func(t *testing.T) {
		d := e.Evaluate(slPkt("tcp 10.0.0.1:5000 -> 10.0.0.2:443"))
		assert.Equal(t, slFwd, d.Action)
		assert.Equal(t, []string{"WebHits"}, d.Metrics)
		assert.Equal(t, "forward to stateful engine by priority 10 of group metrics (priority 1) (custom actions: WebHits)", d.String())
	})
	t.Run("a rule with several custom actions publishes them all", func(t *testing.T) {
		d := e.Evaluate(slPkt("tcp 10.0.0.1:5000 -> 10.0.0.2:23"))
		assert.Equal(t, slDrop, d.Action)
		assert.Equal(t, []string{"Other", "WebHits"}, d.Metrics)
	})
	t.Run("a default action's custom actions are its metrics", func(t *testing.T) {
		d := e.Evaluate(slPkt("udp 10.0.0.1:5000 -> 10.0.0.2:53"))
		assert.Equal(t, slPass, d.Action)
		assert.True(t, d.Default)
		assert.Equal(t, []string{"Unmatched"}, d.Metrics)
	})
	t.Run("a rule with only custom actions is rejected, since AWS requires one standard action", func(t *testing.T) {
		bad := cfg
		bad.Groups = []firewall.StatelessGroupRef{{Priority: 1, Group: firewall.StatelessRuleGroup{
			Name: "metrics", CustomActions: group.CustomActions, Rules: []firewall.StatelessRule{slR(10, 0, slCustom("WebHits"))},
		}}}
		_, err := firewall.CompileStateless(bad)
		require.ErrorIs(t, err, firewall.ErrInvalidRule)
		var ie *flow.InputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "Groups[0].Rules[0].Action", ie.Path)
	})
}

func TestStatelessNilEngine(t *testing.T) {
	for _, e := range []*firewall.StatelessEngine{nil, {}} {
		assert.Equal(t, "forward to stateful engine by the stateless default action", e.Evaluate(slPkt("tcp 10.0.0.1:5000 -> 10.0.0.2:443")).String(),
			"no stateless engine forwards every full packet")
		d := e.Explain(slFrag("udp 10.0.0.1:5000 -> 10.0.0.2:53"))
		assert.Equal(t, "forward to stateful engine by the stateless fragment default action", d.String(), "and every UDP fragment")
		assert.True(t, e.Evaluate(slFrag("tcp 10.0.0.1:5000 -> 10.0.0.2:443")).FragmentDrop, "but drops other fragments, as AWS always does")
		assert.Empty(t, e.Config().Groups)
		assert.Equal(t, slFwd, e.Config().Default.Action)
	}
}

func TestStatelessExplain(t *testing.T) {
	e := slCompile(t, slCfg(slDrop,
		slG(2, "second", slR(5, slPass, slProto(flow.TCP), slDport(443, 443))),
		slG(1, "first",
			slR(10, slPass, slProto(flow.UDP)),
			slR(20, slPass, slProto(flow.TCP), slDport(80, 80)),
			slR(30, slPass, slProto(flow.TCP), slSrc("192.0.2.0/24")),
			slR(40, slPass, slDst("2001:db8::/32", "10.9.0.0/16")),
			slR(50, slPass, slProto(flow.TCP), slSport(1, 1023)),
			slR(60, slPass, slFlags(firewall.SYN, firewall.SYN|firewall.ACK)),
		),
	))
	d := e.Explain(slPkt("tcp 10.0.0.1:50000 -> 10.0.0.2:443", firewall.SYN, firewall.ACK))
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
		e := slCompile(t, slCfg(slDrop, slG(1, "g", slR(1, slPass, slDport(1, 2)), slR(2, slPass, slFlags(0, 0)))))
		var got []string
		for _, p := range []firewall.Packet{slPkt("icmp 10.0.0.1 -> 10.0.0.2"), slFrag("tcp 10.0.0.1:1 -> 10.0.0.2:2")} {
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
		m     firewall.TCPFlagMatch
		flags firewall.TCPFlags
		want  bool
	}{
		{"SYN/SYN,ACK matches a bare SYN", firewall.TCPFlagMatch{firewall.SYN, firewall.SYN | firewall.ACK}, firewall.SYN, true},
		{"SYN/SYN,ACK does not match SYN|ACK", firewall.TCPFlagMatch{firewall.SYN, firewall.SYN | firewall.ACK}, firewall.SYN | firewall.ACK, false},
		{"SYN/SYN,ACK does not match a bare ACK", firewall.TCPFlagMatch{firewall.SYN, firewall.SYN | firewall.ACK}, firewall.ACK, false},
		{"SYN/SYN,ACK ignores PSH", firewall.TCPFlagMatch{firewall.SYN, firewall.SYN | firewall.ACK}, firewall.SYN | firewall.PSH, true},
		{"an empty mask examines all flags", firewall.TCPFlagMatch{firewall.SYN, 0}, firewall.SYN | firewall.PSH, false},
		{"none/RST matches packets without RST", firewall.TCPFlagMatch{0, firewall.RST}, firewall.ACK, true},
		{"none/RST does not match a reset", firewall.TCPFlagMatch{0, firewall.RST}, firewall.RST | firewall.ACK, false},
		{"none/all matches only a packet without flags", firewall.TCPFlagMatch{0, 0}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.m.Matches(tt.flags))
		})
	}
	assert.Equal(t, "SYN/SYN|ACK", firewall.TCPFlagMatch{firewall.SYN, firewall.SYN | firewall.ACK}.String())
	assert.Equal(t, "none/all", firewall.TCPFlagMatch{}.String())
}

func TestStatelessAction(t *testing.T) {
	for _, a := range []firewall.StatelessAction{slPass, slDrop, slFwd} {
		b, err := a.MarshalText()
		require.NoError(t, err)
		back, err := firewall.ParseStatelessAction(string(b))
		require.NoError(t, err)
		assert.Equal(t, a, back)
		var u firewall.StatelessAction
		require.NoError(t, u.UnmarshalText(b))
		assert.Equal(t, a, u)
	}
	assert.Equal(t, "aws:forward_to_sfe", slFwd.String())
	for _, s := range []string{"", "pass", "AWS:PASS", "aws:alert", "MyMetrics"} {
		_, err := firewall.ParseStatelessAction(s)
		assert.ErrorIs(t, err, firewall.ErrInvalidRule, "%q", s)
	}
	_, err := firewall.StatelessAction(0).MarshalText()
	assert.ErrorIs(t, err, firewall.ErrInvalidRule, "the zero action has no name")
}

func TestStatelessCapacity(t *testing.T) {
	tests := []struct {
		name string
		r    firewall.StatelessRule
		want int
	}{
		{"a rule without criteria costs 1", slR(1, slPass), 1},
		{"one element per setting costs 1", slR(1, slPass, slSrc("10.0.0.0/8"), slDst("0.0.0.0/0"), slDport(443, 443), slProto(flow.TCP), slFlags(firewall.SYN, firewall.SYN)), 1},
		{"settings multiply: 2 protocols times 3 sources is 6", slR(1, slPass, slProto(flow.TCP, flow.UDP), slSrc("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24")), 6},
		{"all six settings multiply", slR(1, slPass, slSrc("10.0.0.0/8", "::/0"), slDst("10.0.0.0/8", "::/0"), slSport(1, 2), slSport(3, 4), slDport(5, 6), slDport(7, 8), slProto(6, 17), slFlags(0, 0), slFlags(firewall.SYN, 0)), 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.r.Capacity()) })
	}
	g := firewall.StatelessRuleGroup{Name: "g", Capacity: 7, Rules: []firewall.StatelessRule{tests[2].r, slR(2, slDrop, slProto(1, 58))}}
	assert.Equal(t, 8, g.ConsumedCapacity())
	_, err := firewall.CompileStateless(slCfg(slDrop, firewall.StatelessGroupRef{Priority: 1, Group: g}))
	require.ErrorIs(t, err, firewall.ErrInvalidGroup, "8 units do not fit a group of capacity 7")
	g.Capacity = 8
	_, err = firewall.CompileStateless(slCfg(slDrop, firewall.StatelessGroupRef{Priority: 1, Group: g}))
	require.NoError(t, err)
}

func TestCompileStatelessErrors(t *testing.T) {
	grp := func(rules ...firewall.StatelessRule) firewall.StatelessConfig {
		return slCfg(slDrop, slG(1, "web", rules...))
	}
	tests := []struct {
		name     string
		cfg      firewall.StatelessConfig
		sentinel error
		path     string
		resource string
		rule     string
		text     string
	}{
		{"a rule priority of 0 is out of range", grp(slR(0, slPass)), firewall.ErrInvalidRule, "Groups[0].Rules[0].Priority", "web", "0", "0"},
		{"a rule priority above 65535 is out of range", grp(slR(65536, slPass)), firewall.ErrInvalidRule, "Groups[0].Rules[0].Priority", "web", "65536", "65536"},
		{"two rules of a group may not share a priority", grp(slR(5, slPass), slR(5, slDrop)), firewall.ErrInvalidGroup, "Groups[0].Rules[1].Priority", "web", "5", "5"},
		{"a port range must not run backwards", grp(slR(5, slPass, slDport(443, 80))), firewall.ErrInvalidRule, "Groups[0].Rules[0].DestinationPorts[0]", "web", "5", "443-80"},
		{"a source port range must not run backwards", grp(slR(5, slPass, slSport(2, 1))), firewall.ErrInvalidRule, "Groups[0].Rules[0].SourcePorts[0]", "web", "5", "2-1"},
		{"a protocol must be 0 to 255", grp(slR(5, slPass, slProto(256))), firewall.ErrInvalidRule, "Groups[0].Rules[0].Protocols[0]", "web", "5", "256"},
		{"all protocols is written as an empty list", grp(slR(5, slPass, slProto(flow.AllProtocols))), firewall.ErrInvalidRule, "Groups[0].Rules[0].Protocols[0]", "web", "5", "-1"},
		{"an invalid prefix is rejected", grp(slR(5, slPass, func(r *firewall.StatelessRule) { r.Sources = []netip.Prefix{{}} })), firewall.ErrInvalidRule, "Groups[0].Rules[0].Sources[0]", "web", "5", "invalid Prefix"},
		{"an IPv4-mapped prefix is rejected", grp(slR(5, slPass, slDst("::ffff:10.0.0.0/104"))), firewall.ErrInvalidRule, "Groups[0].Rules[0].Destinations[0]", "web", "5", "::ffff:10.0.0.0/104"},
		{"TCP flags must lie within the masks", grp(slR(5, slPass, slFlags(firewall.SYN|firewall.FIN, firewall.SYN))), firewall.ErrInvalidRule, "Groups[0].Rules[0].TCPFlags[0]", "web", "5", "FIN|SYN/SYN"},
		{"a rule needs a standard action", grp(slR(5, 0)), firewall.ErrInvalidRule, "Groups[0].Rules[0].Action", "web", "5", "StatelessAction(0)"},
		{"a rule may only name custom actions its group defines", grp(slR(5, slPass, slCustom("Nope"))), firewall.ErrInvalidGroup, "Groups[0].Rules[0].CustomActions[0]", "web", "5", "Nope"},
		{"a group needs a name or an ARN", slCfg(slDrop, slG(1, "")), firewall.ErrInvalidGroup, "Groups[0].Name", "", "", ""},
		{"a group priority must be 1 to 65535", slCfg(slDrop, slG(0, "web")), firewall.ErrInvalidPolicy, "Groups[0].Priority", "web", "", "0"},
		{"two groups may not share a priority", slCfg(slDrop, slG(3, "a"), slG(3, "b")), firewall.ErrInvalidPolicy, "Groups[1].Priority", "b", "", "3"},
		{"a group may not be referenced twice", slCfg(slDrop, slG(1, "a"), slG(2, "a")), firewall.ErrInvalidPolicy, "Groups[1].Group", "a", "", "a"},
		{"the default needs a standard action", firewall.StatelessConfig{FragmentDefault: firewall.StatelessDefault{Action: slDrop}}, firewall.ErrInvalidPolicy, "Default.Action", "", "", "StatelessAction(0)"},
		{"the fragment default needs a standard action", firewall.StatelessConfig{Default: firewall.StatelessDefault{Action: slDrop}}, firewall.ErrInvalidPolicy, "FragmentDefault.Action", "", "", "StatelessAction(0)"},
		{"a default may only name the policy's custom actions", firewall.StatelessConfig{
			Default: firewall.StatelessDefault{Action: slDrop}, FragmentDefault: firewall.StatelessDefault{Action: slDrop, CustomActions: []string{"Frag"}},
		}, firewall.ErrInvalidPolicy, "FragmentDefault.CustomActions[0]", "", "", "Frag"},
		{"custom action names are letters and digits", firewall.StatelessConfig{
			Default: firewall.StatelessDefault{Action: slDrop}, FragmentDefault: firewall.StatelessDefault{Action: slDrop},
			CustomActions: []firewall.CustomAction{{Name: "my-metrics", Dimensions: []string{"x"}}},
		}, firewall.ErrInvalidPolicy, "CustomActions[0].Name", "", "", "my-metrics"},
		{"a custom action needs a dimension", slCfg(slDrop, firewall.StatelessGroupRef{Priority: 1, Group: firewall.StatelessRuleGroup{
			Name: "web", CustomActions: []firewall.CustomAction{{Name: "M"}},
		}}), firewall.ErrInvalidGroup, "Groups[0].CustomActions[0].Dimensions", "web", "", "M"},
		{"a dimension value has a limited alphabet", slCfg(slDrop, firewall.StatelessGroupRef{Priority: 1, Group: firewall.StatelessRuleGroup{
			Name: "web", CustomActions: []firewall.CustomAction{{Name: "M", Dimensions: []string{"a/b"}}},
		}}), firewall.ErrInvalidGroup, "Groups[0].CustomActions[0].Dimensions[0]", "web", "", "a/b"},
		{"a custom action may not be defined twice", slCfg(slDrop, firewall.StatelessGroupRef{Priority: 1, Group: firewall.StatelessRuleGroup{
			Name: "web", CustomActions: []firewall.CustomAction{{Name: "M", Dimensions: []string{"a"}}, {Name: "M", Dimensions: []string{"b"}}},
		}}), firewall.ErrInvalidGroup, "Groups[0].CustomActions[1].Name", "web", "", "M"},
		{"a declared capacity above 30,000 is rejected", slCfg(slDrop, firewall.StatelessGroupRef{Priority: 1, Group: firewall.StatelessRuleGroup{
			Name: "web", Capacity: 30001,
		}}), firewall.ErrInvalidGroup, "Groups[0].Capacity", "web", "", "30001"},
		{"the group is named by ARN when it has no name", slCfg(slDrop, firewall.StatelessGroupRef{Priority: 1, Group: firewall.StatelessRuleGroup{
			ARN: "arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/x", Rules: []firewall.StatelessRule{slR(1, slPass, slDport(9, 8))},
		}}), firewall.ErrInvalidRule, "Groups[0].Rules[0].DestinationPorts[0]", "arn:aws:network-firewall:us-east-1:111122223333:stateless-rulegroup/x", "1", "9-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := firewall.CompileStateless(tt.cfg)
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
	cfg := slCfg(slDrop, slG(1, "g", slR(2, slPass, slDst("10.0.0.9/8")), slR(1, slDrop, slDst("192.168.0.0/16"))))
	e := slCompile(t, cfg)
	p := slPkt("udp 10.1.1.1:1 -> 10.2.2.2:2")
	require.Equal(t, slPass, e.Evaluate(p).Action)

	cfg.Groups[0].Group.Rules[0].Destinations[0] = netip.MustParsePrefix("192.0.2.0/24")
	assert.Equal(t, slPass, e.Evaluate(p).Action, "changing the input after compiling changes nothing")

	c := e.Config()
	require.Len(t, c.Groups[0].Group.Rules, 2)
	assert.Equal(t, 1, c.Groups[0].Group.Rules[0].Priority, "rules come back sorted")
	assert.Equal(t, netip.MustParsePrefix("10.0.0.0/8"), c.Groups[0].Group.Rules[1].Destinations[0], "and masked")
	c.Groups[0].Group.Rules[1].Destinations[0] = netip.MustParsePrefix("192.0.2.0/24")
	assert.Equal(t, slPass, e.Evaluate(p).Action, "changing the returned config changes nothing")
	_, err := firewall.CompileStateless(e.Config())
	assert.NoError(t, err, "the canonical config compiles")
}

func TestStatelessEvaluateDoesNotAllocate(t *testing.T) {
	e := slCompile(t, slBigConfig())
	for _, p := range []firewall.Packet{slBenchLast, slBenchNone, slBenchNone6, slFrag("udp 10.0.0.1:1 -> 10.0.0.2:2")} {
		allocs := testing.AllocsPerRun(100, func() { _ = e.Evaluate(p) })
		assert.Zero(t, allocs, "%s", p)
	}
}

func TestStatelessConcurrentUse(t *testing.T) {
	e := slCompile(t, slBigConfig())
	want := e.Evaluate(slBenchLast)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				d := e.Evaluate(slBenchLast)
				if d.RulePriority != want.RulePriority {
					t.Errorf("got %v, want %v", d, want)
				}
			}
		})
	}
	wg.Wait()
}

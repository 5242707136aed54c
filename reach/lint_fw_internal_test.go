package reach

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
)

// FW_STATELESS_PASS_ONE_WAY against the stateless engine alone: for each
// finding, the rule it names matches the witness request and passes it,
// and the stateless engine does not pass the reply (SYN|ACK for TCP); every
// pass rule so placed (tcp, udp, icmp, icmpv6) has its finding; and a
// policy whose every pass rule has the mirror rule has no finding.

var fwPrefixes = []string{"10.0.0.0/16", "10.0.1.0/24", "0.0.0.0/0", "198.51.100.0/24", "2001:db8::/64", "::/0", "2001:db8:1::/48"}

func randomStateless(r *rand.Rand, mirror bool) stateless.Config {
	fwd := stateless.DefaultAction{Action: flow.Forward}
	if r.IntN(3) == 0 {
		fwd.Action = flow.Drop
	}
	cfg := stateless.Config{Default: fwd, FragmentDefault: fwd}
	var rules, mirrors []stateless.Rule
	for i := range 1 + r.IntN(5) {
		ru := stateless.Rule{Priority: 10 * (i + 1), Action: []flow.Action{flow.Pass, flow.Pass, flow.Drop, flow.Forward}[r.IntN(4)]}
		if r.IntN(2) == 0 {
			ru.Sources = []netip.Prefix{netip.MustParsePrefix(fwPrefixes[r.IntN(len(fwPrefixes))])}
		}
		if r.IntN(2) == 0 {
			ru.Destinations = []netip.Prefix{netip.MustParsePrefix(fwPrefixes[r.IntN(len(fwPrefixes))])}
		}
		if r.IntN(2) == 0 {
			ru.Protocols = []flow.Protocol{[]flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6}[r.IntN(4)]}
		}
		if r.IntN(2) == 0 && (len(ru.Protocols) == 0 || ru.Protocols[0].HasPorts()) {
			ru.DestinationPorts = []flow.PortRange{{Lo: 443, Hi: 443}}
		}
		if mirror && ru.Action == flow.Pass {
			ru.Priority = 1 + len(mirrors)
			mirrors = append(mirrors, ru)
			m := ru
			m.Priority = 1 + len(mirrors) // before every other rule
			m.Sources, m.Destinations = ru.Destinations, ru.Sources
			m.SourcePorts, m.DestinationPorts = ru.DestinationPorts, ru.SourcePorts
			mirrors = append(mirrors, m)
			continue
		}
		rules = append(rules, ru)
	}
	cfg.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "g", Rules: append(mirrors, rules...)}}}
	return cfg
}

func TestLintPassOneWayAgainstStateless(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 4))
	found, byProto := 0, map[flow.Protocol]int{}
	home := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}
	for k := range 2000 {
		mirror := k%2 == 1
		cfg := randomStateless(r, mirror)
		e, err := firewall.Compile(firewall.Policy{Name: "p", Stateless: cfg, Stateful: stateful.Config{HomeNet: home}}, nil)
		if err != nil {
			continue
		}
		fs := passOneWay("fw", e)
		if mirror {
			require.Empty(t, fs, "every pass has its mirror: %+v", cfg)
			continue
		}
		// every pass rule that decides its witness request, and whose
		// reply (SYN|ACK for TCP) the stateless engine does not pass, has
		// its finding
		sl := e.Stateless()
		for _, ru := range cfg.Groups[0].Group.Rules {
			req, ok := witness(ru)
			if ru.Action != flow.Pass || !ok {
				continue
			}
			flags := map[bool]stateless.TCPFlags{true: stateless.SYN}[req.Protocol == flow.TCP]
			rflags := map[bool]stateless.TCPFlags{true: stateless.SYN | stateless.ACK}[req.Protocol == flow.TCP]
			d, reply := sl.Evaluate(stateless.Packet{Flow: req, Flags: flags}), sl.Evaluate(stateless.Packet{Flow: req.Reverse(), Flags: rflags})
			if d.Action != flow.Pass || d.Default || d.RulePriority != ru.Priority || reply.Action == flow.Pass {
				continue
			}
			want := fmt.Sprintf("stateless group g priority %d", ru.Priority)
			require.True(t, slices.ContainsFunc(fs, func(f LintFinding) bool { return f.Rule == want }), "%s (%s request %v): no finding in %+v", want, req.Protocol, req, fs)
			byProto[req.Protocol]++
		}
		for _, f := range fs {
			found++
			var prio int
			_, err := fmt.Sscanf(f.Rule, "stateless group g priority %d", &prio)
			require.NoError(t, err, f.Rule)
			var rule stateless.Rule
			for _, ru := range cfg.Groups[0].Group.Rules {
				if ru.Priority == prio {
					rule = ru
				}
			}
			require.Equal(t, flow.Pass, rule.Action)
			req, ok := witness(rule)
			require.True(t, ok)
			sl := e.Stateless()
			flags := map[bool]stateless.TCPFlags{true: stateless.SYN}[req.Protocol == flow.TCP]
			d := sl.Evaluate(stateless.Packet{Flow: req, Flags: flags})
			require.Equal(t, flow.Pass, d.Action, "%s: the request %v", f.Message, req)
			require.Equal(t, prio, d.RulePriority)
			rflags := map[bool]stateless.TCPFlags{true: stateless.SYN | stateless.ACK}[req.Protocol == flow.TCP]
			reply := sl.Evaluate(stateless.Packet{Flow: req.Reverse(), Flags: rflags})
			ack := sl.Evaluate(stateless.Packet{Flow: req.Reverse(), Flags: stateless.ACK | stateless.PSH})
			require.True(t, reply.Action != flow.Pass || (req.Protocol == flow.TCP && ack.Action != flow.Pass), "%s: the reply passes", f.Message)
			require.True(t, strings.Contains(f.Message, req.Src.String()), f.Message)
		}
	}
	require.Greater(t, found, 200)
	for _, p := range []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP, flow.ICMPv6} {
		require.Positive(t, byProto[p], "some %s pass rule has a reply the stateless engine stops", p)
	}
}

package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// openWebDesign is the sample design whose web group admits every TCP and
// UDP port from anywhere, its firewall policy pol.
func openWebDesign(pol firewall.Policy) *sample.Design {
	d := sample.ThreeTierDesign()
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-web" {
			d.Groups[i].Rules = append(d.Groups[i].Rules,
				sg.Rule{ID: "sgr-all-tcp", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 0, Hi: 65535}, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
				sg.Rule{ID: "sgr-all-udp", Direction: flow.Inbound, Protocol: flow.UDP, Ports: flow.PortRange{Lo: 0, Hi: 65535}, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4})
		}
	}
	d.Firewalls[0].Policy = pol
	return d
}

// strictPolicy forwards everything to a STRICT_ORDER stateful engine with
// these defaults and rules, plus the stateless rules sl.
func strictPolicy(defaults stateful.Defaults, sl []stateless.Rule, rules ...string) firewall.Policy {
	fwd := stateless.DefaultAction{Action: flow.Forward}
	p := firewall.Policy{Name: "nfw-policy",
		Stateless: stateless.Config{Default: fwd, FragmentDefault: fwd},
		Stateful: stateful.Config{Order: stateful.StrictOrder, Defaults: defaults, Groups: []stateful.GroupRef{
			{Priority: 10, Group: stateful.RuleGroup{Name: "rules", RulesString: strings.Join(rules, "\n"), RuleOrder: stateful.StrictOrder}}}}}
	if len(sl) > 0 {
		p.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: sl}}}
	}
	return p
}

// TestFirewallHalfForwardedSession: Check, Verdict and Ports through a
// policy whose stateless rules send part of a session past the stateful
// engine. A request passed whole with its reply forwarded leaves the
// engine a SYN-ACK without its SYN: undecided, naming the stream
// exception policy (it was REACHABLE). A policy that forwards only the
// pure ACKs to aws:drop_strict with no pass rule drops the client's
// handshake ACK: UNREACHABLE (it was INDETERMINATE, "unmatched traffic
// passes").
func TestFirewallHalfForwardedSession(t *testing.T) {
	const S, P = stateless.SYN, stateless.PSH
	tcpOnly := []flow.Protocol{flow.TCP}
	for _, tc := range []struct {
		name  string
		pol   firewall.Policy
		want  reach.Outcome
		words string // in Check's text
	}{
		{"request passed by port, reply forwarded",
			strictPolicy(stateful.Defaults{}, []stateless.Rule{{Priority: 1, Action: flow.Pass, Protocols: tcpOnly, DestinationPorts: []flow.PortRange{{Lo: 443, Hi: 443}}}},
				"alert tcp any any -> any 9 (sid:9;)"),
			reach.Indeterminate, "stream exception policy DROP (the default)"},
		{"SYNs and data passed, pure ACKs forwarded to aws:drop_strict",
			strictPolicy(stateful.Defaults{DropStrict: true}, []stateless.Rule{
				{Priority: 1, Action: flow.Pass, Protocols: tcpOnly, TCPFlags: []stateless.TCPFlagMatch{{Flags: S, Masks: S}}},
				{Priority: 2, Action: flow.Pass, Protocols: tcpOnly, TCPFlags: []stateless.TCPFlagMatch{{Flags: P, Masks: P}}}},
				"alert tcp any any -> any 9 (sid:9;)"),
			reach.Unreachable, "aws:drop_strict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := build(t, openWebDesign(tc.pol))
			q := tcp("198.51.100.7", "web-1", 443)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), tc.words)
			if tc.pol.Stateful.Defaults.DropStrict {
				assert.NotContains(t, r.Text(), "unmatched traffic passes", "aws:drop_strict drops unmatched traffic")
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check")
			p, err := m.Ports(reach.PortsQuery{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP})
			require.NoError(t, err)
			assert.Equal(t, tc.want == reach.Reachable, p.Open.Contains(443), "Ports' open set agrees with Check: %v", p.Open)
			assert.Equal(t, tc.want == reach.Indeterminate, p.Indeterminate.Contains(443), "Ports' undecided set agrees with Check")
		})
	}
}

// TestFirewallFragmentDropWarned: a policy whose stateless fragment
// default action is aws:drop drops fragmented UDP packets no stateless
// rule matches; the walk judges packets unfragmented, so a UDP answer
// through it warns of it (before, nothing said so). TCP answers and
// policies that forward fragments do not.
func TestFirewallFragmentDropWarned(t *testing.T) {
	for _, tc := range []struct {
		name  string
		frag  flow.Action
		proto flow.Protocol
		rule  string // the stateful rule
		want  reach.Outcome
		warn  bool
	}{
		{"udp, fragments dropped", flow.Drop, flow.UDP, "alert udp any any -> any 9 (sid:9;)", reach.Reachable, true},
		{"udp, fragments forwarded", flow.Forward, flow.UDP, "alert udp any any -> any 9 (sid:9;)", reach.Reachable, false},
		{"tcp, fragments dropped", flow.Drop, flow.TCP, "alert udp any any -> any 9 (sid:9;)", reach.Reachable, false},
		// fragments fare no better than the whole packets a rule drops: no warning
		{"udp dropped anyway, fragments dropped", flow.Drop, flow.UDP, "drop udp any any -> any 5060 (sid:9;)", reach.Unreachable, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := strictPolicy(stateful.Defaults{}, nil, tc.rule)
			pol.Stateless.FragmentDefault = stateless.DefaultAction{Action: tc.frag}
			m := build(t, openWebDesign(pol))
			r, err := m.Check(reach.Query{From: "198.51.100.7", To: "web-1", Protocol: tc.proto, Port: 5060})
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, "the answer for unfragmented packets")
			found := false
			for _, w := range r.Warnings {
				if strings.Contains(w, "fragment default action is aws:drop") && strings.Contains(w, "vpce-fw") {
					found = true
				}
			}
			assert.Equal(t, tc.warn, found, "%q", r.Warnings)
			assert.Equal(t, tc.warn, strings.Contains(r.Text(), "fragmented UDP packets"), r.Text())
		})
	}
}

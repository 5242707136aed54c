package reach_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// statelessDesign is the sample design (web-1 behind vpce-fw) with its
// public ACL open, web-1 open to MySQL from 198.51.100.0/24, the
// firewall's stateless side given by rules over default def, and, with
// asym, no edge route: the request from the internet bypasses the
// firewall endpoint that the reply crosses.
func statelessDesign(t *testing.T, asym bool, def flow.Action, rules ...stateless.Rule) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	for i := range d.ACLs {
		if d.ACLs[i].ID == "acl-public" {
			d.ACLs[i].Entries = nil
			for _, l := range openACL {
				d.ACLs[i].Entries = append(d.ACLs[i].Entries, nacl.MustParseEntry(l))
			}
		}
	}
	for i := range d.Groups {
		if d.Groups[i].ID == "sg-web" {
			d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-mysql", Direction: flow.Inbound, Protocol: flow.TCP,
				Ports: flow.PortRange{Lo: 3306, Hi: 3306}, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("198.51.100.0/24")})
		}
	}
	if asym {
		for i := range d.RouteTables {
			if d.RouteTables[i].ID == "rtb-edge" {
				d.RouteTables[i].Routes = nil
			}
		}
	}
	p := sample.Policy()
	p.Stateless = stateless.Config{Default: stateless.DefaultAction{Action: def}, FragmentDefault: stateless.DefaultAction{Action: def}}
	if len(rules) > 0 {
		p.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: rules}}}
	}
	d.Firewalls[0].Policy = p
	m, err := d.Builder().Build()
	require.NoError(t, err)
	return m
}

func flagsRule(prio int, action flow.Action, flags, masks stateless.TCPFlags, dports ...uint16) stateless.Rule {
	r := stateless.Rule{Priority: prio, Protocols: []flow.Protocol{flow.TCP}, Action: action,
		TCPFlags: []stateless.TCPFlagMatch{{Flags: flags, Masks: masks}}}
	for _, p := range dports {
		r.DestinationPorts = append(r.DestinationPorts, flow.PortRange{Lo: p, Hi: p})
	}
	return r
}

// TestStatelessPureACKsThroughTheWalk: the walk asks the firewall about
// the client's handshake ACK (certain) and the server's pure ACK
// (possible), where a stateless rule names TCP flags.
func TestStatelessPureACKsThroughTheWalk(t *testing.T) {
	const S, A, P = stateless.SYN, stateless.ACK, stateless.PSH
	mysql := reach.Query{From: "198.51.100.5", To: "web-1", Protocol: flow.TCP, Port: 3306}
	for _, tc := range []struct {
		name    string
		def     flow.Action
		rules   []stateless.Rule
		want    reach.Outcome
		code    reach.Code // the firewall hop's
		missing string     // part of the undecided hop's Missing
	}{
		{"drop ACK without SYN or PSH: the handshake's ACK is dropped", flow.Pass,
			[]stateless.Rule{flagsRule(1, flow.Drop, A, S|A|P)}, reach.Unreachable, reach.FirewallDrop, ""},
		{"pass SYN-bearing and PSH-bearing packets only, default drop", flow.Drop,
			[]stateless.Rule{flagsRule(1, flow.Pass, S, S), flagsRule(2, flow.Pass, P, P)}, reach.Unreachable, reach.FirewallDrop, ""},
		{"the client's pure ACK passed, the server's dropped: undecided", flow.Drop,
			[]stateless.Rule{flagsRule(1, flow.Pass, S, S), flagsRule(2, flow.Pass, P, P), flagsRule(3, flow.Pass, A, S|A|P, 3306)},
			reach.Indeterminate, reach.FirewallIndeterminate.OnLeg(reach.Return), "whether the server sends ACK-only packets"},
		{"every packet passed by its flags", flow.Drop,
			[]stateless.Rule{flagsRule(1, flow.Pass, S, S), flagsRule(2, flow.Pass, A, A)}, reach.Reachable, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := statelessDesign(t, false, tc.def, tc.rules...)
			r := check(t, m, mysql)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(mysql)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check")
			if tc.code != "" {
				assert.Contains(t, r.Text(), string(tc.code))
			}
			if tc.missing != "" {
				u := r.Undecided()
				require.Len(t, u, 1, r.Text())
				assert.Equal(t, tc.code, u[0].Code)
				assert.Contains(t, u[0].Missing, tc.missing)
				assert.Contains(t, u[0].Reason(), "[ACK] is dropped")
			}
			pq := reach.PortsQuery{From: "198.51.100.5", To: "web-1", Protocol: flow.TCP}
			pr, err := m.Ports(pq)
			require.NoError(t, err)
			assert.Equal(t, tc.want == reach.Reachable, pr.Open.Contains(3306), pr.String())
			assert.Equal(t, tc.want == reach.Indeterminate, pr.Indeterminate.Contains(3306), pr.String())
			rng := rand.New(rand.NewPCG(3306, 2))
			brute.CheckPorts(t, rng, m, pq, pr, append([]uint16{22, 80, 443, 3306}, brute.PortsToCheck(rng, pr.Open, pr.Indeterminate)[:20]...), tc.name)
		})
	}
}

// TestAsymmetricStatelessOnly: a session whose reply alone crosses the
// firewall endpoint is a certain drop where the stateless engine forwards
// a packet of the reply to the stateful engine (no state for it) or drops
// one, and undecided where it passes every packet of it.
func TestAsymmetricStatelessOnly(t *testing.T) {
	https := reach.Query{From: "198.51.100.5", To: "web-1", Protocol: flow.TCP, Port: 443}
	passHTTPS := stateless.Rule{Priority: 1, Protocols: []flow.Protocol{flow.TCP}, SourcePorts: []flow.PortRange{{Lo: 443, Hi: 443}}, Action: flow.Pass}
	for _, tc := range []struct {
		name    string
		def     flow.Action
		rules   []stateless.Rule
		want    reach.Outcome
		reason  string // part of the asymmetric hop's reason
		missing string // part of its Missing, undecided only
	}{
		{"every packet passed: AWS documents no drop", flow.Pass, nil, reach.Indeterminate,
			"its stateless engine forwards no packet of the reply", "when its stateless engine passes them"},
		{"the reply passed by a rule on its source port", flow.Forward, []stateless.Rule{passHTTPS}, reach.Indeterminate,
			"AWS documents no drop for the packets it passes", "one leg only"},
		{"the reply forwarded to the stateful engine: no state for it", flow.Forward, nil, reach.Unreachable,
			"drops what it has no state for", ""},
		{"the reply dropped by the stateless engine itself", flow.Drop, nil, reach.Unreachable,
			"its stateless engine drops the reply itself", ""},
		{"the server's pure ACK alone dropped: still undecided", flow.Pass,
			[]stateless.Rule{flagsRule(1, flow.Drop, stateless.ACK, stateless.SYN|stateless.ACK|stateless.PSH)},
			reach.Indeterminate, "forwards no packet of the reply", "one leg only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := statelessDesign(t, true, tc.def, tc.rules...)
			r := check(t, m, https)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(https)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check")
			var asym *reach.Hop
			for i := range r.Return {
				if r.Return[i].Code == reach.AsymmetricRoute {
					asym = &r.Return[i]
				}
			}
			require.NotNil(t, asym, r.Text())
			assert.Contains(t, asym.Reason(), tc.reason)
			assert.Contains(t, asym.Reason(), "vpce-fw")
			assert.Equal(t, tc.missing != "", asym.Undecided())
			if tc.missing != "" {
				assert.Contains(t, asym.Missing, tc.missing)
			}
			pq := reach.PortsQuery{From: "198.51.100.5", To: "web-1", Protocol: flow.TCP}
			pr, err := m.Ports(pq)
			require.NoError(t, err)
			assert.Equal(t, tc.want == reach.Indeterminate, pr.Indeterminate.Contains(443), pr.String())
			rng := rand.New(rand.NewPCG(443, 3))
			brute.CheckPorts(t, rng, m, pq, pr, append([]uint16{22, 80, 443, 3306}, brute.PortsToCheck(rng, pr.Open, pr.Indeterminate)[:20]...), tc.name)
		})
	}
	// a stateless rule that passes the reply from 443 and forwards the
	// rest: 443 undecided, 22 (forwarded) dropped for certain
	m := statelessDesign(t, true, flow.Forward, passHTTPS)
	r := check(t, m, reach.Query{From: "198.51.100.5", To: "web-1", Protocol: flow.TCP, Port: 22})
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
}

// TestAmbiguousPortRuleThroughTheWalk: a stateless rule that names ports
// without restricting its protocols, met by a ping: AWS does not say
// whether it matches, so the firewall's hop is undecided, naming the rule.
func TestAmbiguousPortRuleThroughTheWalk(t *testing.T) {
	ping := reach.Query{From: "web-1", To: "198.51.100.5", Protocol: flow.ICMP}
	anyPorts := stateless.Rule{Priority: 7, DestinationPorts: []flow.PortRange{{Lo: 0, Hi: 65535}}, Action: flow.Drop}
	for _, tc := range []struct {
		name  string
		rules []stateless.Rule
		want  reach.Outcome
	}{
		{"a drop rule on every port, no protocols", []stateless.Rule{anyPorts}, reach.Indeterminate},
		{"the same rule for tcp and udp only", []stateless.Rule{func() stateless.Rule {
			r := anyPorts
			r.Protocols = []flow.Protocol{flow.TCP, flow.UDP}
			return r
		}()}, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := statelessDesign(t, false, flow.Pass, tc.rules...)
			r := check(t, m, ping)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(ping)
			require.NoError(t, err)
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check")
			if tc.want == reach.Indeterminate {
				u := r.Undecided()
				require.NotEmpty(t, u, r.Text())
				assert.Equal(t, reach.FirewallIndeterminate, u[0].Code)
				assert.Contains(t, u[0].Missing, "stateless rule priority 7 of group sl")
				assert.Contains(t, u[0].Fix, "restrict the rule's protocols")
			}
		})
	}
}

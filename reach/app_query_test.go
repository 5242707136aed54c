package reach_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// appRulesModel is the sample design with a firewall that drops SSH and
// TLS by their application protocol, whatever the port, and passes the
// rest (action order).
func appRulesModel(t *testing.T) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	pol := sample.Policy()
	pol.Stateful = stateful.Config{HomeNet: pol.Stateful.HomeNet, Groups: []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "apps",
		RulesString: "drop ssh any any -> any any (sid:1;)\ndrop tls any any -> any any (sid:2;)"}}}}
	d.Firewalls[0].Policy = pol
	return build(t, d)
}

// TestQueryApp: Suricata tells a session's application protocol by its
// content, not its port (AWS Network Firewall, "Suricata compatible rule
// strings"; semantics.md, Network Firewall). A Query that names its App
// is judged as speaking it; one that names none gets the port's guess
// (stateful.DefaultAppProto). Check, Verdict and Ports agree.
func TestQueryApp(t *testing.T) {
	m := appRulesModel(t)
	for _, tc := range []struct {
		name string
		port uint16
		app  string
		want reach.Outcome
	}{
		{"ssh on 2222, unnamed: the port speaks none", 2222, "", reach.Reachable},
		{"ssh on 2222, named: dropped", 2222, "ssh", reach.Unreachable},
		{"tls on 9443, unnamed: the port speaks none", 9443, "", reach.Reachable},
		{"tls on 9443, named: dropped", 9443, "tls", reach.Unreachable},
		{"443, unnamed: tls by its port, dropped", 443, "", reach.Unreachable},
		{"443 speaking http: passes", 443, "http", reach.Reachable},
		{"443 speaking none: passes", 443, "none", reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tcp("app-1", "93.184.216.34", tc.port)
			if tc.app != "" {
				a, err := flow.ParseApp(tc.app)
				require.NoError(t, err)
				q.App = a
			}
			r := check(t, m, q)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			if tc.want == reach.Unreachable {
				assert.Contains(t, kindsOf(r.Forward), reach.KindFirewall, r.Text())
			}
			if tc.app != "" {
				assert.Contains(t, r.Forward[0].Packet.String(), " app "+tc.app, "the trace's packet says what it speaks")
			}
		})
	}
	for _, app := range []flow.App{flow.AppUnset, flow.AppTLS} {
		t.Run("Ports agrees with Check, app "+app.String(), func(t *testing.T) {
			pq := reach.PortsQuery{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, App: app}
			pr, err := m.Ports(pq)
			require.NoError(t, err)
			assert.Equal(t, app == flow.AppUnset, pr.Open.Contains(9443), pr.String())
			assert.False(t, pr.Open.Contains(443), pr.String())
			rng := rand.New(rand.NewPCG(2222, uint64(app)))
			ports := append([]uint16{22, 80, 443, 2222, 8443, 9443}, brute.PortsToCheck(rng, pr.Open, pr.Indeterminate)[:30]...)
			brute.CheckPorts(t, rng, m, pq, pr, ports, "app "+app.String())
		})
	}
}

// TestQueryAppRefused: an application protocol rides on tcp or udp, a
// Domain on TLS or HTTP, and App must be one flow.ParseApp reads.
func TestQueryAppRefused(t *testing.T) {
	m := build(t, sample.ThreeTierDesign())
	for _, tc := range []struct {
		name string
		q    reach.Query
		want string
	}{
		{"icmp", reach.Query{From: "app-1", To: "db-1", Protocol: flow.ICMP, App: flow.AppDNS}, "carried by tcp or udp, not icmp"},
		{"ssh with a domain", reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443, Domain: "example.com", App: flow.AppSSH},
			"want app tls, http or http2"},
		{"no such protocol", reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, App: flow.App(250)}, "application protocol 250"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Check(tc.q)
			require.ErrorIs(t, err, reach.ErrQuery)
			assert.Contains(t, err.Error(), tc.want)
			_, err = m.Verdict(tc.q)
			require.ErrorIs(t, err, reach.ErrQuery)
		})
	}
}

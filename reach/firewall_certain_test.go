package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// eitherWayPolicy is the sample's policy with one action-order group that
// drops the client's data as TLS and the server's as HTTP.
func eitherWayPolicy() firewall.Policy {
	pol := sample.Policy()
	pol.Stateful = stateful.Config{HomeNet: pol.Stateful.HomeNet, Groups: []stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "g",
		RulesString: "drop tls any any -> any any (flow:to_server,established; sid:1;)\n" +
			"drop http any any -> any any (flow:to_client,established; sid:2;)"}}}}
	return pol
}

// TestFirewallDomainDoubtDeniedEitherWay: a TCP session with a Domain to
// tcp/9443 is judged as TLS and as HTTP. As TLS a rule drops the client's
// data, as HTTP one drops the server's: either way the connection fails,
// as it does on tcp/443 (TLS by its port) and tcp/80 (HTTP by its port).
// Before, Check and Verdict said Indeterminate on tcp/9443.
func TestFirewallDomainDoubtDeniedEitherWay(t *testing.T) {
	d := sample.ThreeTierDesign()
	d.Firewalls[0].Policy = eitherWayPolicy()
	m := build(t, d)
	for _, port := range []uint16{9443, 443, 80} {
		q := tcp("app-1", "93.184.216.34", port)
		q.Domain = "www.example.com"
		r := check(t, m, q)
		assert.Equal(t, reach.Unreachable, r.Outcome, "tcp/%d: %s", port, r.Text())
		v, err := m.Verdict(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Unreachable, v, "tcp/%d: Verdict", port)
	}
}

// TestFirewallCertainAnswersSetsAgree: the set answers (Ports, Matrix,
// Audit) agree with Check where the firewall's answers became certain:
// a stateless rule that forwards the SYN and passes the rest, one that
// passes the SYN of tcp/1000-2000 under aws:drop_strict with no pass
// rule, TLS inspection, and a domain dropped as TLS and as HTTP.
func TestFirewallCertainAnswersSetsAgree(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	passACK := stateless.Rule{Priority: 1, Protocols: []flow.Protocol{flow.TCP}, Action: flow.Pass,
		DestinationPorts: []flow.PortRange{{Lo: 1000, Hi: 2000}},
		TCPFlags:         []stateless.TCPFlagMatch{{Flags: stateless.ACK, Masks: stateless.ACK}}}
	passSYN := passACK
	passSYN.TCPFlags = []stateless.TCPFlagMatch{{Flags: stateless.SYN, Masks: stateless.SYN | stateless.ACK}}
	for _, tc := range []struct {
		name   string
		policy func() firewall.Policy
	}{
		{"SYN forwarded, the rest passed", func() firewall.Policy {
			pol := sample.Policy()
			pol.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: []stateless.Rule{passACK}}}}
			return pol
		}},
		{"SYN passed under aws:drop_strict", func() firewall.Policy {
			pol := sample.Policy()
			pol.Stateless.Groups = []stateless.GroupRef{{Priority: 1, Group: stateless.RuleGroup{Name: "sl", Rules: []stateless.Rule{passSYN}}}}
			pol.Stateful = stateful.Config{HomeNet: pol.Stateful.HomeNet, Order: stateful.StrictOrder, Defaults: stateful.Defaults{DropStrict: true}}
			pol.StreamExceptionPolicy = "CONTINUE"
			return pol
		}},
		{"TLS inspection, dropped either way", func() firewall.Policy {
			pol := eitherWayPolicy()
			pol.TLSInspectionConfigurationArn = "arn:aws:network-firewall:us-east-1:111122223333:tls-configuration/x"
			return pol
		}},
		{"dropped as TLS and as HTTP", eitherWayPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			d.Firewalls[0].Policy = tc.policy()
			m := build(t, d)
			brute.CheckSetAnswers(t, m, brute.Options{Few: true, Seed: 7, Ports: []reach.PortsQuery{
				{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Domain: "www.example.com"},
				{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP},
				{From: "93.184.216.34", To: "web-1", Protocol: flow.TCP},
			}})
		})
	}
}

package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// TestFirewallSmallIPv6BlockTellsUnknownAddressesApart: web-2's IPv6
// address is known only later (IPv6Unknown) in subnet-public
// (2001:db8:10:1::/64); the firewall on the internet's path to it has a
// stateless or stateful rule naming a small part of that block (a /124
// or a single address, beside or at the placeholder; stateless sources
// meet the reply). The design tells web-2's possible addresses apart
// (the oracle: the same design with web-2's address given outright, in
// and out of the rule's block), so Check, Verdict and Ports answer
// Indeterminate, never the placeholder's certain answer. The rules'
// address sets must be seen whichever family the firewall's bounds are
// asked for (firewallSets, firewallAddrBounds: reach/edges.go).
func TestFirewallSmallIPv6BlockTellsUnknownAddressesApart(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	p := netip.MustParsePrefix
	a := netip.MustParseAddr
	v4 := a("10.0.1.50")
	// ph is the placeholder Build gives web-2 (checked below): the
	// highest free address of the subnet's IPv6 block
	ph := a("2001:db8:10:1:ffff:ffff:ffff:fffe")
	tests := []struct {
		name    string
		rule    string          // stateful, first in the inbound group
		extra   *stateless.Rule // stateless, priority 1 in a group of its own
		in, out netip.Addr      // oracle addresses in and out of the rule's block
	}{
		{name: "stateful drop to a /124", rule: `drop tcp any any -> 2001:db8:10:1::20/124 443 (msg:"one /124"; sid:5;)`,
			in: a("2001:db8:10:1::21"), out: a("2001:db8:10:1::40")},
		{name: "stateful drop to one address", rule: `drop tcp any any -> 2001:db8:10:1::20 443 (msg:"one /128"; sid:5;)`,
			in: a("2001:db8:10:1::20"), out: a("2001:db8:10:1::21")},
		{name: "stateful drop to the placeholder", rule: `drop tcp any any -> 2001:db8:10:1:ffff:ffff:ffff:fffe/128 443 (sid:5;)`,
			in: ph, out: a("2001:db8:10:1::21")},
		{name: "stateful ipv6 rule to a /124", rule: `drop ipv6 any any -> 2001:db8:10:1::20/124 any (sid:5;)`,
			in: a("2001:db8:10:1::21"), out: a("2001:db8:10:1::40")},
		{name: "stateful drop of a /124 in a list", rule: `drop tcp any any -> [2001:db8:10:1::20/124,10.0.1.0/28] 443 (sid:5;)`,
			in: a("2001:db8:10:1::21"), out: a("2001:db8:10:1::40")},
		{name: "stateless drop to a /124", extra: &stateless.Rule{Priority: 1, Destinations: []netip.Prefix{p("2001:db8:10:1::20/124")},
			Protocols: []flow.Protocol{flow.TCP}, Action: flow.Drop},
			in: a("2001:db8:10:1::21"), out: a("2001:db8:10:1::40")},
		{name: "stateless drop to one address", extra: &stateless.Rule{Priority: 1, Destinations: []netip.Prefix{p("2001:db8:10:1::20/128")},
			Action: flow.Drop},
			in: a("2001:db8:10:1::20"), out: a("2001:db8:10:1::21")},
		{name: "stateless drop from a /124 (the reply)", extra: &stateless.Rule{Priority: 1, Sources: []netip.Prefix{p("2001:db8:10:1::20/124")},
			Action: flow.Drop},
			in: a("2001:db8:10:1::21"), out: a("2001:db8:10:1::40")},
		{name: "stateless drop of ICMPv6 and tcp to one address", extra: &stateless.Rule{Priority: 1, Destinations: []netip.Prefix{p("2001:db8:10:1::20/128")},
			Protocols: []flow.Protocol{flow.ICMPv6, flow.TCP}, Action: flow.Drop},
			in: a("2001:db8:10:1::20"), out: a("2001:db8:10:1::21")},
	}
	q := reach.Query{From: "2001:db8:99::7", To: "web-2", Protocol: flow.TCP, Port: 443, SrcPort: 40000, IPv6: true}
	pq := reach.PortsQuery{From: "2001:db8:99::7", To: "web-2", Protocol: flow.TCP, IPv6: true, ClientPort: 40000}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oracle := map[netip.Addr]reach.Outcome{}
			for _, x := range []netip.Addr{tt.in, tt.out} {
				r, err := firewallUnknownModel(t, v4, x, tt.extra, tt.rule).Check(q)
				require.NoError(t, err)
				oracle[x] = r.Outcome
			}
			require.Equal(t, reach.Unreachable, oracle[tt.in], "oracle: the rule drops %s", tt.in)
			require.Equal(t, reach.Reachable, oracle[tt.out], "oracle: the rule does not drop %s", tt.out)

			m := firewallUnknownModel(t, v4, netip.Addr{}, tt.extra, tt.rule)
			for _, it := range m.Interfaces() {
				if it.ID == "aws_instance.web2" {
					require.Contains(t, it.PrivateIPs, ph, "the placeholder")
				}
			}
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			if assert.NotEmpty(t, r.Unknowns, r.Text()) {
				assert.Contains(t, r.Unknowns[0], "aws_instance.web2: ipv6_addresses is known only later")
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, v)
			pr, err := m.Ports(pq)
			require.NoError(t, err)
			assert.True(t, pr.Indeterminate.Contains(443), "%s", pr)
			assert.False(t, pr.Open.Contains(443), "%s", pr)
		})
	}
}

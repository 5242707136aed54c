package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
)

// icmpfixFirewallDesign is the sample with a stateful rule group, first in
// strict order, that passes every ICMP message from the public subnet; with
// edge routing or without it (then traffic from the internet skips the
// firewall, while web-1's traffic to the internet crosses it).
func icmpfixFirewallDesign(edge bool) *sample.Design {
	d := sample.ThreeTierDesign()
	if !edge {
		for i := range d.RouteTables {
			if d.RouteTables[i].ID == "rtb-edge" {
				d.RouteTables[i].Gateways = nil
			}
		}
	}
	p := sample.Policy()
	p.Stateful.Groups = append([]stateful.GroupRef{{Priority: 1, Group: stateful.RuleGroup{Name: "icmp-out", RuleOrder: stateful.StrictOrder,
		RulesString: `pass icmp 10.0.1.0/24 any -> any any (msg:"ICMP from the web tier"; sid:1;)`}}}, p.Stateful.Groups...)
	d.Firewalls[0].Policy = p
	return d
}

// TestICMPErrorCaseErrorMessageThroughFirewallOneWay: an ICMP error message
// is one packet (RFC 792; commit 492a1b7): it has no reply, so a firewall
// endpoint its one packet crosses cannot be crossed asymmetrically. web-1's
// destination unreachable to an internet host crosses vpce-fw (rtb-public)
// and a stateful pass rule passes it; the reply that does not exist would
// skip the endpoint (no edge route), which must not count.
func TestICMPErrorCaseErrorMessageThroughFirewallOneWay(t *testing.T) {
	q := reach.Query{From: "web-1", To: "198.51.100.7", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 3, Code: 3}}
	for _, tc := range []struct {
		name string
		edge bool
	}{
		{"with edge routing (control)", true},
		{"without edge routing: the reply that does not exist skips the endpoint", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := build(t, icmpfixFirewallDesign(tc.edge))
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, v)
			p, err := m.Ports(reach.PortsQuery{From: "web-1", To: "198.51.100.7", Protocol: flow.ICMP})
			require.NoError(t, err)
			open := false
			for _, c := range p.ICMP {
				open = open || c.Type == 3 && c.Codes.Contains(3)
			}
			assert.True(t, open, "Ports agrees: type 3 code 3 open: %s", p)
		})
	}
}

// TestICMPErrorCaseErrorMessageThroughNATGateway: app-1 sends a destination
// unreachable (and a time exceeded) to an internet host through nat-demo,
// with no session it reports on. A NAT gateway translates ICMP (AWS: it
// supports TCP, UDP and ICMP) but an error message is translated from the
// mapping of the packet it embeds (RFC 5508 section 4.2), and a NAT SHOULD
// drop an error from the private side that has no active mapping (RFC 5508
// REQ-3). AWS documents nothing about unsolicited error messages, so the
// input does not decide: not a certain Reachable. (The firewall is taken
// off the public subnet's path so that only the NAT gateway is in doubt.)
func TestICMPErrorCaseErrorMessageThroughNATGateway(t *testing.T) {
	d := sample.ThreeTierDesign()
	for i := range d.RouteTables {
		if d.RouteTables[i].ID == "rtb-public" {
			d.RouteTables[i].Routes = []reach.Route{{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-demo"}}
		}
	}
	m := build(t, d)
	for _, typ := range []uint8{3, 11} {
		q := reach.Query{From: "app-1", To: "93.184.216.34", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: typ, Code: 0}}
		r, err := m.Check(q)
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, r.Outcome, "type %d through a NAT gateway with no session to translate it by:\n%s", typ, r.Text())
	}
	// control: web-1 sends it from its own public address, no NAT gateway
	r, err := m.Check(reach.Query{From: "web-1", To: "93.184.216.34", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 3, Code: 0}})
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
}

// TestICMPErrorCaseErrorMessageTextReply: an error message has no reply;
// the trace says so, and never that the reply was not traced because "the
// request found no end point" (the sample: sg-web admits no type 3 from
// app-1, a block at the destination; and a firewall on the way, whose
// reply-less crossing is no asymmetric one).
func TestICMPErrorCaseErrorMessageTextReply(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    *reach.Model
		q    reach.Query
		want reach.Outcome
	}{
		{"security group at the destination", build(t, sample.ThreeTierDesign()),
			reach.Query{From: "app-1", To: "web-1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 3, Code: 4}}, reach.Unreachable},
		{"firewall on the way", build(t, icmpfixFirewallDesign(false)),
			reach.Query{From: "web-1", To: "198.51.100.7", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 3, Code: 3}}, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.m.Check(tc.q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			assert.NotContains(t, r.Text(), "the request found no end point", "the request was delivered; an error message simply has no reply")
			assert.Contains(t, r.Text(), "reply: none (an ICMP error message has no reply)")
		})
	}
}

// TestICMPErrorCaseSetAnswersAgree: Ports (hop by hop where it can, atom
// by atom past a NAT gateway or an asymmetric firewall crossing), Sources,
// the Matrix and the Audit agree with Check on error messages through a
// NAT gateway and through a firewall endpoint the reply would skip.
func TestICMPErrorCaseSetAnswersAgree(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	for _, d := range []*sample.Design{sample.ThreeTierDesign(), icmpfixFirewallDesign(false)} {
		m := build(t, d)
		brute.CheckSetAnswers(t, m, brute.Options{Few: true, Ports: []reach.PortsQuery{
			{From: "app-1", To: "93.184.216.34", Protocol: flow.ICMP}, {From: "web-1", To: "198.51.100.7", Protocol: flow.ICMP},
			{From: "198.51.100.7", To: "web-1", Protocol: flow.ICMP}}})
	}
}

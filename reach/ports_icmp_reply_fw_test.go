package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// TestPortsICMPFirewallDropsRepliesOnly: the sample design's firewall
// drops, statelessly, every ICMP packet from web-1's subnet, which lets
// web-1 take ICMP from the internet: an echo request arrives, its reply
// is dropped; an error message (destination unreachable) has no reply,
// so nothing stops it. Ports cuts the query types at the firewall on the
// reply, and it, Matrix and Audit agree with brute force (a Verdict per
// type and code, per pair).
func TestPortsICMPFirewallDropsRepliesOnly(t *testing.T) {
	d := sample.ThreeTierDesign()
	p := &d.Firewalls[0].Policy
	p.Stateful = stateful.Config{Order: stateful.StrictOrder} // passes what no rule drops
	for k := range p.Stateless.Groups {
		p.Stateless.Groups[k].Priority++
	}
	p.Stateless.Groups = append(p.Stateless.Groups, stateless.GroupRef{Priority: 1, Group: stateless.RuleGroup{Name: "no-icmp-out", Rules: []stateless.Rule{
		{Priority: 1, Protocols: []flow.Protocol{flow.ICMP}, Sources: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}, Action: flow.Drop}}}})
	web := dcGroup(d, "sg-web")
	web.Rules = append(web.Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.ICMP, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4})
	m, err := d.Builder().Build()
	require.NoError(t, err)

	q := reach.PortsQuery{From: "198.51.100.7", To: "web-1", Protocol: flow.ICMP}
	r, err := m.Ports(q)
	require.NoError(t, err)
	open := map[uint8]bool{}
	for _, c := range r.ICMP {
		open[c.Type] = c.Codes.Contains(0)
	}
	assert.True(t, open[3], "destination unreachable has no reply to drop: %v", r.ICMP)
	assert.False(t, open[flow.ICMPEchoRequest], "the echo reply is dropped: %v", r.ICMP)
	assert.True(t, slices.ContainsFunc(r.Cuts, func(c reach.Cut) bool {
		return c.Leg == reach.Return && c.Kind == reach.KindFirewall && slices.ContainsFunc(c.ICMP, func(ic reach.ICMPCodes) bool { return ic.Type == flow.ICMPEchoRequest })
	}), "the echo request is cut at the firewall on the reply: %+v", r.Cuts)
	brute.CheckSetAnswers(t, m, brute.Options{Ports: []reach.PortsQuery{q}, Seed: 3})
}

package reach_test

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// loopy is a VPC (10.2.0.0/16) whose route tables send traffic for
// subnet-dst (10.2.3.0/24) round in circles between two appliances:
// rtb-a (subnet-a, where src and appliance app-a sit) sends it to app-b,
// rtb-b (subnet-b, app-b's) back to app-a. app-a's groups admit nothing,
// a block the walk meets on every round.
func loopy() *sample.Design {
	d := &sample.Design{}
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	d.VPCs = []reach.VPC{{ID: "vpc-l", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-l"}}
	d.ACLs = []nacl.ACL{nacl.NewDefault("acl-l", "vpc-l", false)}
	dst := p("10.2.3.0/24")
	d.RouteTables = []reach.RouteTable{
		{ID: "rtb-main", VPC: "vpc-l"},
		{ID: "rtb-a", Name: "a", VPC: "vpc-l", Routes: []reach.Route{{Destination: dst, Target: reach.TargetInterface, TargetID: "eni-app-b"}}},
		{ID: "rtb-b", Name: "b", VPC: "vpc-l", Routes: []reach.Route{{Destination: dst, Target: reach.TargetInterface, TargetID: "eni-app-a"}}},
	}
	d.Subnets = []reach.Subnet{
		{ID: "subnet-a", VPC: "vpc-l", CIDRs: []netip.Prefix{p("10.2.1.0/24")}, RouteTable: "rtb-a"},
		{ID: "subnet-b", VPC: "vpc-l", CIDRs: []netip.Prefix{p("10.2.2.0/24")}, RouteTable: "rtb-b"},
		{ID: "subnet-dst", VPC: "vpc-l", CIDRs: []netip.Prefix{dst}},
	}
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	d.Groups = []sg.Group{
		{ID: "sg-open", Name: "open", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}},
		{ID: "sg-out", Name: "out-only", Rules: []sg.Rule{all(flow.Outbound)}},
	}
	d.Interfaces = []reach.Interface{
		{ID: "eni-src", Name: "src", Subnet: "subnet-a", PrivateIPs: []netip.Addr{a("10.2.1.10")}, Groups: []string{"sg-open"}},
		{ID: "eni-app-a", Name: "app-a", Subnet: "subnet-a", PrivateIPs: []netip.Addr{a("10.2.1.5")}, Groups: []string{"sg-out"}, SourceDestCheckDisabled: true},
		{ID: "eni-app-b", Name: "app-b", Subnet: "subnet-b", PrivateIPs: []netip.Addr{a("10.2.2.5")}, Groups: []string{"sg-open"}, SourceDestCheckDisabled: true},
		{ID: "eni-dst", Name: "dst", Subnet: "subnet-dst", PrivateIPs: []netip.Addr{a("10.2.3.30")}, Groups: []string{"sg-open"}},
	}
	return d
}

// loopyFirewall is loopy with a firewall endpoint in the cycle: rtb-a
// sends traffic for subnet-dst to vpce-l (in subnet-fw, whose table
// rtb-fw sends it to app-b), and rtb-b sends it back to vpce-l.
func loopyFirewall() *sample.Design {
	d := loopy()
	d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-fw", VPC: "vpc-l", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.2.0.0/24")}, RouteTable: "rtb-fw"})
	dst := netip.MustParsePrefix("10.2.3.0/24")
	d.RouteTables[1].Routes = []reach.Route{{Destination: dst, Target: reach.TargetFirewallEndpoint, TargetID: "vpce-l"}}
	d.RouteTables[2].Routes = []reach.Route{{Destination: dst, Target: reach.TargetFirewallEndpoint, TargetID: "vpce-l"}}
	d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-fw", Name: "fw", VPC: "vpc-l",
		Routes: []reach.Route{{Destination: dst, Target: reach.TargetInterface, TargetID: "eni-app-b"}}})
	d.Firewalls = []reach.Firewall{{ID: "fw-l", VPC: "vpc-l", Policy: sample.Policy(),
		Endpoints: []reach.FirewallEndpointSpec{{ID: "vpce-l", Subnet: "subnet-fw"}}}}
	return d
}

// loopHops returns the hops of a leg that report a routing loop.
func loopHops(hops []reach.Hop) []reach.Hop {
	var out []reach.Hop
	for _, h := range hops {
		if h.Code == reach.RoutingLoop || h.Code == reach.RoutingLoop.OnLeg(reach.Return) {
			out = append(out, h)
		}
	}
	return out
}

func TestRoutingLoopIsReportedOnce(t *testing.T) {
	for _, c := range []struct {
		name    string
		design  *sample.Design
		codes   []reach.Code
		at      reach.Kind
		id      string
		reason  string   // the cycle, as the reason names it
		details []string // each table's route on the cycle
		fix     string
	}{
		{
			name:   "two route tables through appliances",
			design: loopy(),
			codes:  []reach.Code{reach.SGNoAllow, reach.RoutingLoop},
			at:     reach.KindRouteTable, id: "rtb-a",
			reason: "the packet comes back to rtb-a unchanged, so it would go round the loop rtb-a -> eni-app-b -> rtb-b -> eni-app-a -> rtb-a forever",
			details: []string{
				"rtb-a: 10.2.3.30 matches 10.2.3.0/24 via eni-app-b",
				"rtb-b: 10.2.3.30 matches 10.2.3.0/24 via eni-app-a",
			},
			fix: "change the route for 10.2.3.30 in rtb-a or rtb-b so that it leads out of the cycle (to the destination's subnet, or a gateway)",
		},
		{
			name:   "through a firewall endpoint",
			design: loopyFirewall(),
			codes:  []reach.Code{reach.FirewallDrop, reach.RoutingLoop},
			at:     reach.KindFirewall, id: "vpce-l",
			reason: "the packet comes back to vpce-l unchanged, so it would go round the loop vpce-l -> rtb-fw -> eni-app-b -> rtb-b -> vpce-l forever",
			details: []string{
				"rtb-fw: 10.2.3.30 matches 10.2.3.0/24 via eni-app-b",
				"rtb-b: 10.2.3.30 matches 10.2.3.0/24 via vpce-l",
			},
			fix: "change the route for 10.2.3.30 in rtb-fw or rtb-b so that it leads out of the cycle (to the destination's subnet, or a gateway)",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := build(t, c.design).Check(tcp("src", "dst", 443))
			require.NoError(t, err)
			assert.False(t, r.Reachable)
			assert.Equal(t, c.codes, r.Codes(), "every block of the cycle once, then the loop:\n%s", r.Text())
			assert.Less(t, len(r.Forward), 20, "the walk stops where the loop closes")
			assert.Empty(t, r.Return, "no end point, no reply")
			loops := loopHops(r.Forward)
			require.Len(t, loops, 1)
			h := loops[0]
			assert.Equal(t, r.Forward[len(r.Forward)-1], h, "the loop is the leg's last hop")
			assert.Equal(t, c.at, h.Kind)
			assert.Equal(t, c.id, h.ID)
			assert.Equal(t, flow.Deny, h.Verdict)
			assert.Equal(t, c.reason, h.Reason())
			assert.Equal(t, c.details, h.Details())
			assert.Equal(t, c.fix, h.Fix)
			b := r.Blocks[len(r.Blocks)-1]
			assert.Equal(t, reach.Block{Leg: reach.Forward, Hop: len(r.Forward), Code: reach.RoutingLoop, Kind: c.at, ID: c.id, Fix: c.fix}, b)
			for _, hop := range r.Forward {
				assert.NotEmpty(t, hop.Reason(), "%s %s", hop.Kind, hop.ID)
			}

			text := r.Text()
			assert.Equal(t, 1, strings.Count(text, "ROUTING_LOOP"), text)
			assert.Contains(t, text, "ROUTING_LOOP: "+c.reason)
			assert.Contains(t, text, "fix: "+c.fix)
			for _, d := range c.details {
				assert.Contains(t, text, "- "+d)
			}
			assert.Contains(t, text, "NOT REACHABLE: 2 blocking points")

			js, err := r.JSON()
			require.NoError(t, err)
			var got struct {
				Forward []struct {
					Kind    string   `json:"kind"`
					ID      string   `json:"id"`
					Reason  string   `json:"reason"`
					Details []string `json:"details"`
					Code    string   `json:"code"`
				} `json:"forward"`
				Blocks []struct {
					Hop  int    `json:"hop"`
					Code string `json:"code"`
					ID   string `json:"id"`
					Fix  string `json:"fix"`
				} `json:"blocks"`
			}
			require.NoError(t, json.Unmarshal(js, &got))
			last := got.Forward[len(got.Forward)-1]
			assert.Equal(t, "ROUTING_LOOP", last.Code)
			assert.Equal(t, string(c.at), last.Kind)
			assert.Equal(t, c.reason, last.Reason)
			assert.Equal(t, c.details, last.Details)
			require.Len(t, got.Blocks, len(c.codes))
			lb := got.Blocks[len(got.Blocks)-1]
			assert.Equal(t, "ROUTING_LOOP", lb.Code)
			assert.Equal(t, len(got.Forward), lb.Hop)
			assert.Equal(t, c.id, lb.ID)
			assert.Equal(t, c.fix, lb.Fix)
		})
	}
}

func TestRoutingLoopOnTheReply(t *testing.T) {
	// The request goes straight to dst; the reply from subnet-dst loops
	// between rtb-d and rtb-b through the appliances.
	d := loopy()
	src := netip.MustParsePrefix("10.2.1.0/24")
	d.RouteTables[1].Routes = nil // rtb-a: local only
	d.RouteTables[2].Routes = []reach.Route{{Destination: src, Target: reach.TargetInterface, TargetID: "eni-app-c"}}
	d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-d", VPC: "vpc-l",
		Routes: []reach.Route{{Destination: src, Target: reach.TargetInterface, TargetID: "eni-app-b"}}})
	d.Subnets[2].RouteTable = "rtb-d"
	d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-app-c", Name: "app-c", Subnet: "subnet-dst",
		PrivateIPs: []netip.Addr{netip.MustParseAddr("10.2.3.5")}, Groups: []string{"sg-open"}, SourceDestCheckDisabled: true})
	r, err := build(t, d).Check(tcp("src", "dst", 443))
	require.NoError(t, err)
	assert.Equal(t, []reach.Code{"RETURN_ROUTING_LOOP"}, r.Codes(), r.Text())
	loops := loopHops(r.Return)
	require.Len(t, loops, 1)
	assert.Equal(t, "the packet comes back to rtb-d unchanged, so it would go round the loop rtb-d -> eni-app-b -> rtb-b -> eni-app-c -> rtb-d forever", loops[0].Reason())
	assert.Equal(t, reach.Return, loops[0].Leg)
}

func TestRouteToTheDestinationsOwnInterfaceDelivers(t *testing.T) {
	// rtb-a sends subnet-dst's traffic to dst's own interface: the route
	// takes the packet there, and there it has arrived (before, the walk
	// forwarded it on as an appliance and judged dst's groups twice).
	d := loopy()
	d.RouteTables[1].Routes[0].TargetID = "eni-dst"
	r, err := build(t, d).Check(tcp("src", "dst", 443))
	require.NoError(t, err)
	assert.True(t, r.Reachable, r.Text())
	assert.Equal(t, []reach.Kind{reach.KindSecurityGroups, reach.KindRouteTable, reach.KindNetworkACL, reach.KindNetworkACL, reach.KindSecurityGroups}, kinds(r.Forward))
	assert.NotContains(t, kinds(r.Forward), reach.KindInterface)
}

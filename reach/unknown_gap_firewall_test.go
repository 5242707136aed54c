package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// A Network Firewall rule tells apart the public addresses AWS may give
// an interface whose public address is known only later when it holds
// some of them and not all, wherever its ends fall: 0.0.0.0/1 ends at the
// gap 127.0.0.0/8 and starts before the first public address, and a rule
// for the placeholder (240.0.0.0/4 is never given) holds no public
// address. The placeholder's walk is then no certain answer.
func TestFirewallBlockAtAGapOfPublicAddresses(t *testing.T) {
	tests := []struct {
		name string
		rule string // put first in the firewall's inbound group; "" none
		want reach.Outcome
	}{
		// 54.0.0.1 is dropped, 203.0.113.50 passed by sid 10
		{"ends at the loopback gap", `drop tcp 0.0.0.0/1 any -> any 443 (msg:"low half"; sid:5;)`, reach.Indeterminate},
		{"ends inside public addresses", `drop tcp 0.0.0.0/2 any -> any 443 (msg:"low quarter"; sid:5;)`, reach.Indeterminate},
		{"the placeholder", `drop tcp 240.0.0.1/32 any -> any 443 (msg:"placeholder"; sid:5;)`, reach.Indeterminate},
		{"the placeholders' block", `drop tcp 240.0.0.0/4 any -> any 443 (msg:"reserved"; sid:5;)`, reach.Indeterminate},
		// holds no public address nor the placeholder: tells nothing apart
		{"private block only", `drop tcp 10.0.0.0/8 any -> any 443 (msg:"private"; sid:5;)`, reach.Reachable},
		{"no such rule", "", reach.Reachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			for i := range d.Groups {
				if d.Groups[i].ID == "sg-web" { // the ssh rule's block would tell public addresses apart itself
					d.Groups[i].Rules = slicesDeleteRule(d.Groups[i].Rules, "sgr-web-ssh")
				}
			}
			pol := sample.Policy()
			if tt.rule != "" {
				pol.Stateful.Groups[0].Group.RulesString = tt.rule + "\n" + sample.InboundRules
			}
			d.Firewalls[0].Policy = pol
			d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-x", VPC: "vpc-demo", Routes: []reach.Route{
				{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-demo"}}})
			d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-x", VPC: "vpc-demo", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.4.0/24")}, RouteTable: "rtb-x"})
			d.Interfaces = append(d.Interfaces, reach.Interface{ID: "eni-x", Name: "x-1", Subnet: "subnet-x",
				PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.4.10")}, Groups: []string{"sg-web"}, PublicIPUnknown: "aws_instance.x: public_ip"})
			m, err := d.Builder().Build()
			require.NoError(t, err)
			r, err := m.Check(reach.Query{From: "x-1", To: "203.0.113.10", Protocol: flow.TCP, Port: 443, SrcPort: 40000})
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
		})
	}
}

// slicesDeleteRule returns rules without the one whose ID is id.
func slicesDeleteRule(rules []sg.Rule, id string) []sg.Rule {
	var keep []sg.Rule
	for _, r := range rules {
		if r.ID != id {
			keep = append(keep, r)
		}
	}
	return keep
}

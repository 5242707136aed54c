package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// peerGapModel is the sample three-tier design with a peered VPC
// (vpc-b, 10.1.0.0/16) whose route table sends only 10.0.2.0/28 to the
// peering connection; app-3 holds 10.0.2.16 in subnet-app (a gap of the
// addresses AWS may give app-2); app-2 (tcp 9000 open from vpc-b) has
// the address addr, or, when addr is invalid, an address known only
// later.
func peerGapModel(t *testing.T, addr netip.Addr) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	p := netip.MustParsePrefix
	d.VPCs = append(d.VPCs, reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{p("10.1.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"})
	d.ACLs = append(d.ACLs, nacl.NewDefault("acl-b", "vpc-b", true))
	d.RouteTables = append(d.RouteTables, reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{
		{Destination: p("10.0.2.0/28"), Target: reach.TargetPeering, TargetID: "pcx-ab"}}})
	for i := range d.RouteTables {
		if d.RouteTables[i].ID == "rtb-private" {
			d.RouteTables[i].Routes = append(d.RouteTables[i].Routes, reach.Route{Destination: p("10.1.0.0/16"), Target: reach.TargetPeering, TargetID: "pcx-ab"})
		}
	}
	d.Subnets = append(d.Subnets, reach.Subnet{ID: "subnet-b", VPC: "vpc-b", CIDRs: []netip.Prefix{p("10.1.0.0/24")}})
	d.Groups = append(d.Groups,
		sg.Group{ID: "sg-b", VPCID: "vpc-b", Rules: []sg.Rule{
			{ID: "sgr-b-out", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}},
		sg.Group{ID: "sg-other", VPCID: "vpc-demo", Rules: []sg.Rule{
			{ID: "sgr-other-in", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(uint16(9000)), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.1.0.0/16")},
			{ID: "sgr-other-out", Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
	d.Interfaces = append(d.Interfaces,
		reach.Interface{ID: "eni-b1", Name: "b-1", Subnet: "subnet-b", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.0.10")}, Groups: []string{"sg-b"}},
		reach.Interface{ID: "eni-app3", Name: "app-3", Subnet: "subnet-app", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.2.16")}, Groups: []string{"sg-other"}})
	app2 := reach.Interface{ID: "aws_instance.app2", Name: "app-2", Subnet: "subnet-app", Groups: []string{"sg-other"}}
	if addr.IsValid() {
		app2.PrivateIPs = []netip.Addr{addr}
	} else {
		app2.AddressUnknown = "aws_instance.app2: private_ip"
	}
	d.Interfaces = append(d.Interfaces, app2)
	m, err := d.Builder().AddPeering(reach.Peering{ID: "pcx-ab", RequesterVPC: "vpc-demo", AccepterVPC: "vpc-b", Status: reach.PeeringActive}).Build()
	require.NoError(t, err)
	return m
}

// TestRouteEndingAtAGapTellsUnknownAddressesApart: a route whose block ends at a gap
// of the addresses AWS may give (10.0.2.0/28, app-3 holding 10.0.2.16)
// tells them apart; the placeholder (10.0.2.254) finds no route in
// rtb-b, but 10.0.2.5 does. The oracle: the same design with each
// candidate address given outright.
func TestRouteEndingAtAGapTellsUnknownAddressesApart(t *testing.T) {
	q := reach.Query{From: "b-1", To: "app-2", Protocol: flow.TCP, Port: 9000, SrcPort: 40000}
	oracle := map[string]reach.Outcome{}
	for _, a := range []string{"10.0.2.5", "10.0.2.254"} {
		r, err := peerGapModel(t, netip.MustParseAddr(a)).Check(q)
		require.NoError(t, err)
		oracle[a] = r.Outcome
	}
	require.Equal(t, reach.Reachable, oracle["10.0.2.5"], "oracle: 10.0.2.5 is reached over the peering")
	require.Equal(t, reach.Unreachable, oracle["10.0.2.254"], "oracle: 10.0.2.254 has no route from vpc-b")

	r, err := peerGapModel(t, netip.Addr{}).Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.NotEmpty(t, r.Unknowns, r.Text())
}

// firewallUnknownModel is the sample design with web-2 in
// subnet-public (group sg-web, public IP 203.0.113.20): its private
// IPv4 address is addr, or known only later when addr is invalid; its
// IPv6 address is addr6, or known only later when addr6 is invalid.
// The firewall's policy gets the stateless rule extra (priority 1, in a
// group of its own) and the stateful rule rule first in its inbound
// group, when given.
func firewallUnknownModel(t *testing.T, addr, addr6 netip.Addr, extra *stateless.Rule, rule string) *reach.Model {
	t.Helper()
	d := sample.ThreeTierDesign()
	if extra != nil {
		// a block elsewhere in the design (off the question's path) that
		// tells web-2's addresses apart: the design-wide cuts are not empty
		for i := range d.Groups {
			if d.Groups[i].ID == "sg-db" {
				d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{ID: "sgr-db-web", Direction: flow.Inbound, Protocol: flow.TCP,
					Ports: flow.Single(uint16(5432)), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.1.0/26")})
			}
		}
	}
	pol := sample.Policy()
	if extra != nil {
		pol.Stateless.Groups = append(pol.Stateless.Groups, stateless.GroupRef{Priority: 1, Group: stateless.RuleGroup{Name: "halves", Rules: []stateless.Rule{*extra}}})
	}
	if rule != "" {
		pol.Stateful.Groups[0].Group.RulesString = rule + "\n" + sample.InboundRules
	}
	d.Firewalls[0].Policy = pol
	web2 := reach.Interface{ID: "aws_instance.web2", Name: "web-2", Subnet: "subnet-public", Groups: []string{"sg-web"},
		PublicIP: netip.MustParseAddr("203.0.113.20")}
	if addr.IsValid() {
		web2.PrivateIPs = append(web2.PrivateIPs, addr)
	} else {
		web2.AddressUnknown = "aws_instance.web2: private_ip"
	}
	if addr6.IsValid() {
		web2.PrivateIPs = append(web2.PrivateIPs, addr6)
	} else {
		web2.IPv6Unknown = "aws_instance.web2: ipv6_addresses"
	}
	d.Interfaces = append(d.Interfaces, web2)
	m, err := d.Builder().Build()
	require.NoError(t, err)
	return m
}

// TestFirewallRuleTellsUnknownIPv6AddressesApart: a stateful drop for half of
// subnet-public's IPv6 block tells apart the IPv6 addresses AWS may
// give web-2 (IPv6Unknown): no certain answer.
func TestFirewallRuleTellsUnknownIPv6AddressesApart(t *testing.T) {
	rule := `drop tcp any any -> 2001:db8:10:1::/65 443 (msg:"low half"; sid:5;)`
	q := reach.Query{From: "2001:db8:99::7", To: "web-2", Protocol: flow.TCP, Port: 443, SrcPort: 40000, IPv6: true}
	v4 := netip.MustParseAddr("10.0.1.50")
	oracle := map[string]reach.Outcome{}
	for _, a := range []string{"2001:db8:10:1::20", "2001:db8:10:1:8000::20"} {
		r, err := firewallUnknownModel(t, v4, netip.MustParseAddr(a), nil, rule).Check(q)
		require.NoError(t, err)
		oracle[a] = r.Outcome
	}
	require.NotEqual(t, oracle["2001:db8:10:1::20"], oracle["2001:db8:10:1:8000::20"], "oracle: the rule tells the halves apart")
	r, err := firewallUnknownModel(t, v4, netip.Addr{}, nil, rule).Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
}

// TestFirewallSetsAndPublicAddressKnownLater: x-1's public address is known
// only later (as in TestFirewallBlockAtAGapOfPublicAddresses); a
// firewall rule on the path to web-1's public address, stateful (negated
// sets, variables) or stateless (several prefixes), decides the answer
// the oracle says: indeterminate where it holds some public addresses and
// not all (or the placeholder and not them), certain where it holds all
// or none.
func TestFirewallSetsAndPublicAddressKnownLater(t *testing.T) {
	p := netip.MustParsePrefix
	tests := []struct {
		name     string
		rule     string
		stateles *stateless.Rule
		want     reach.Outcome
	}{
		{"negated private and reserved", `drop tcp ![10.0.0.0/8,240.0.0.0/4] any -> any 443 (sid:5;)`, nil, reach.Indeterminate},
		{"negated private", `drop tcp !10.0.0.0/8 any -> any 443 (sid:5;)`, nil, reach.Unreachable},
		{"external net", `drop tcp $EXTERNAL_NET any -> any 443 (sid:5;)`, nil, reach.Unreachable},
		{"home net", `drop tcp $HOME_NET any -> any 443 (sid:5;)`, nil, reach.Reachable},
		{"stateless three quarters", "", &stateless.Rule{Priority: 1, Sources: []netip.Prefix{p("0.0.0.0/1"), p("128.0.0.0/2")}, Action: flow.Drop}, reach.Indeterminate},
		{"stateless all halves", "", &stateless.Rule{Priority: 1, Sources: []netip.Prefix{p("0.0.0.0/1"), p("128.0.0.0/1")}, Action: flow.Drop}, reach.Unreachable},
		{"stateless gap halves", "", &stateless.Rule{Priority: 1, Sources: []netip.Prefix{p("0.0.0.0/2"), p("128.0.0.0/1")}, Action: flow.Drop}, reach.Indeterminate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample.ThreeTierDesign()
			for i := range d.Groups {
				if d.Groups[i].ID == "sg-web" {
					d.Groups[i].Rules = slicesDeleteRule(d.Groups[i].Rules, "sgr-web-ssh")
				}
			}
			pol := sample.Policy()
			if tt.rule != "" {
				pol.Stateful.Groups[0].Group.RulesString = tt.rule + "\n" + sample.InboundRules
			}
			if tt.stateles != nil {
				pol.Stateless.Groups = append(pol.Stateless.Groups, stateless.GroupRef{Priority: 1, Group: stateless.RuleGroup{Name: "x", Rules: []stateless.Rule{*tt.stateles}}})
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

// TestEdgeAtThePlaceholderAcrossAGap: web-2's private address is
// known only later in subnet-public, where web-3 and web-4 hold
// 10.0.1.252 and 10.0.1.253, so the placeholder is 10.0.1.254 and the
// free address before it is 10.0.1.251. A firewall rule dropping https to
// every address but 10.0.1.252/30 holds 10.0.1.4-251 and not the
// placeholder: its only edge among the free addresses is at the
// placeholder (after the gap). membershipEdge judges that edge over
// {10.0.1.253, 10.0.1.254} only, sees no block tell them apart, and drops
// it as a group membership edge: the placeholder's Reachable is then
// given as certain, though AWS may give web-2 10.0.1.50, which the rule
// drops (the oracle).
func TestEdgeAtThePlaceholderAcrossAGap(t *testing.T) {
	rule := `drop tcp any any -> !10.0.1.252/30 443 (msg:"all but the top"; sid:5;)`
	build := func(addr netip.Addr) *reach.Model {
		d := sample.ThreeTierDesign()
		pol := sample.Policy()
		pol.Stateful.Groups[0].Group.RulesString = rule + "\n" + sample.InboundRules
		d.Firewalls[0].Policy = pol
		web2 := reach.Interface{ID: "aws_instance.web2", Name: "web-2", Subnet: "subnet-public", Groups: []string{"sg-web"},
			PublicIP: netip.MustParseAddr("203.0.113.20")}
		if addr.IsValid() {
			web2.PrivateIPs = []netip.Addr{addr}
		} else {
			web2.AddressUnknown = "aws_instance.web2: private_ip"
		}
		d.Interfaces = append(d.Interfaces,
			reach.Interface{ID: "eni-web3", Name: "web-3", Subnet: "subnet-public", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.252")}, Groups: []string{"sg-web"}},
			reach.Interface{ID: "eni-web4", Name: "web-4", Subnet: "subnet-public", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.253")}, Groups: []string{"sg-web"}},
			web2)
		m, err := d.Builder().Build()
		require.NoError(t, err)
		return m
	}
	q := reach.Query{From: "198.51.100.7", To: "web-2", Protocol: flow.TCP, Port: 443, SrcPort: 40000}
	oracle := map[string]reach.Outcome{}
	for _, a := range []string{"10.0.1.50", "10.0.1.254"} {
		r, err := build(netip.MustParseAddr(a)).Check(q)
		require.NoError(t, err)
		oracle[a] = r.Outcome
	}
	require.Equal(t, reach.Unreachable, oracle["10.0.1.50"], "oracle: the rule drops 10.0.1.50")
	require.Equal(t, reach.Reachable, oracle["10.0.1.254"], "oracle: 10.0.1.254 passes")

	r, err := build(netip.Addr{}).Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.NotEmpty(t, r.Unknowns, r.Text())
}

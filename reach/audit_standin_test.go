package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// standInDesign: vpc-s 10.6.0.0/16 with an internet gateway, subnet-s
// whose ACL acl-s holds entries (then allows everything), whose route
// table rtb-s sends 0/0 to the gateway and holds routes, and s-1
// (203.0.113.61) there, whose group (of flavour, with rules, else
// sg-s's SSH from every IPv4 address) opens SSH.
func standInDesign(t testing.TB, entries []string, routes []reach.Route, group *sg.Group) *reach.Model {
	t.Helper()
	acl := nacl.NewCustom("acl-s", "vpc-s")
	for _, l := range append(entries, "100 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0") {
		e, err := nacl.ParseEntry(l)
		require.NoError(t, err, l)
		acl.Entries = append(acl.Entries, e)
	}
	if group == nil {
		group = &sg.Group{ID: "sg-s", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, Peer: sg.AnyIPv4},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}}
	}
	in := reach.Interface{ID: "eni-s1", Name: "s-1", Subnet: "subnet-s", PrivateIPs: []netip.Addr{ba("10.6.1.10")}, Groups: []string{group.ID}, PublicIP: ba("203.0.113.61")}
	if group.Flavour.IsAlibaba() {
		in.PublicIP = netip.Addr{} // closed by the internet gateway (NO_PUBLIC_IP)
	}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-s", CIDRs: []netip.Prefix{bp("10.6.0.0/16")}, MainRouteTable: "rtb-s", DefaultACL: "acl-s"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-s", VPC: "vpc-s"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-s", VPC: "vpc-s", Routes: append([]reach.Route{
			{Destination: bp("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-s"}}, routes...)}).
		AddNetworkACL(acl).
		AddSubnet(reach.Subnet{ID: "subnet-s", VPC: "vpc-s", CIDRs: []netip.Prefix{bp("10.6.1.0/24")}}).
		AddSecurityGroup(*group).
		AddInterface(in).
		Build()
	require.NoError(t, err)
	return m
}

// TestAuditClosedStandInIsTreatedAsTheInternet: a closed finding names
// the hops that stop a session from one address the rules open the
// service to (README, "What is exposed"), and that address stands for
// every internet address: since 6359d2e it was 198.51.100.1 whenever the
// design did not hold it, even where a rule of the design names
// 198.51.100.0/24 (an Alibaba Cloud group dropping it at a higher
// priority, a network ACL entry, a blackhole route), so that the finding
// said it was closed by the group that opens it (SG_DENY), or a fix
// named 198.51.100.1/32. The stand-in is now the first documentation
// address no block of the design tells apart from the rest of the
// internet, and a fix never names a stand-in so told apart; where the
// opening rule itself names the block, it stays the first address the
// rule opens the service to.
func TestAuditClosedStandInIsTreatedAsTheInternet(t *testing.T) {
	alibaba := &sg.Group{ID: "sg-ali", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 5},
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, Peer: sg.CIDR("198.51.100.0/24"), Action: flow.Drop, Priority: 1},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 50}}}
	office := &sg.Group{ID: "sg-o", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, Peer: sg.CIDR("198.51.100.0/24")},
		{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}}
	closeSSH := "90 deny tcp 22 from 0.0.0.0/0"
	tests := []struct {
		name    string
		entries []string
		routes  []reach.Route
		group   *sg.Group
		// code closes the finding; fix is in its fix text (none: ""),
		// told in none
		code      reach.Code
		fix, told string
	}{
		{"nothing names a documentation block", []string{closeSSH}, nil, nil, reach.ACLDeny, "from 198.51.100.1/32", ""},
		{"an Alibaba Cloud group drops 198.51.100.0/24 first", nil, nil, alibaba, reach.NoPublicIP, "", "198.51.100."},
		{"an ACL entry denies 198.51.100.0/24 first", []string{"80 deny all from 198.51.100.0/24", closeSSH}, nil, nil, reach.ACLDeny, "from 203.0.113.1/32", "198.51.100."},
		{"an ACL entry denies 198.51.100.1 first", []string{"80 deny all from 198.51.100.1/32", closeSSH}, nil, nil, reach.ACLDeny, "from 203.0.113.1/32", "198.51.100."},
		{"ACL entries deny 198.51.100.0/24 and 203.0.113.0/25 first", []string{"80 deny all from 198.51.100.0/24", "81 deny all from 203.0.113.0/25", closeSSH}, nil, nil,
			reach.ACLDeny, "from 192.0.2.1/32", "203.0.113."},
		{"a blackhole route for 198.51.100.0/24", []string{closeSSH}, []reach.Route{{Destination: bp("198.51.100.0/24"), Target: reach.TargetBlackhole}}, nil,
			reach.ACLDeny, "from 203.0.113.1/32", "198.51.100."},
		{"the opening rule names 198.51.100.0/24", []string{closeSSH}, nil, office, reach.ACLDeny, "from 198.51.100.1/32", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := standInDesign(t, tt.entries, tt.routes, tt.group)
			a, err := m.Audit(reach.AuditOptions{})
			require.NoError(t, err)
			require.NotEmpty(t, a.Findings)
			for _, f := range a.Findings {
				require.Equal(t, reach.Closed, f.Exposure, a.Text())
				require.NotEmpty(t, f.ClosedBy, a.Text())
				assert.Equal(t, tt.code, f.ClosedBy[0].Code, a.Text())
				assert.Contains(t, f.ClosedBy[0].Fix, tt.fix)
				for _, c := range f.ClosedBy {
					assert.NotEqual(t, reach.SGDeny, c.Code, "closed by the group that opens it:\n%s", a.Text())
					if tt.told != "" {
						assert.False(t, strings.Contains(c.Fix, tt.told), "the fix names a stand-in the design tells apart: %s", c.Fix)
					}
				}
			}
		})
	}
}

// TestAuditClosedStandInFirewall: a firewall rule that drops
// 198.51.100.0/24 before the rule that drops SSH for everyone tells
// 198.51.100.1 apart; the closed finding names the rule every internet
// address meets (sid 2), not the one only the documentation block does.
func TestAuditClosedStandInFirewall(t *testing.T) {
	tests := []struct {
		name, rules, fix, told string
	}{
		{"198.51.100.0/24 dropped first", "drop tcp 198.51.100.0/24 any -> any any (sid:1;)\ndrop tcp any any -> any 22 (sid:2;)\npass tcp any any -> any any (sid:9;)\n",
			"rule sid 2 ", "rule sid 1 "},
		{"nothing told apart", "drop tcp any any -> any 22 (sid:2;)\npass tcp any any -> any any (sid:9;)\n", "rule sid 2 ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := edgeFWDesign(t, tt.rules, reach.Interface{ID: "eni-v", Name: "host-v", Subnet: "subnet-pub",
				PrivateIPs: []netip.Addr{ba("10.7.1.10")}, Groups: []string{"sg-v"}, PublicIP: ba("203.0.113.70")})
			a, err := m.Audit(reach.AuditOptions{})
			require.NoError(t, err)
			require.NotEmpty(t, a.Findings)
			for _, f := range a.Findings {
				require.Equal(t, reach.Closed, f.Exposure, a.Text())
				require.NotEmpty(t, f.ClosedBy, a.Text())
				assert.Equal(t, reach.FirewallDrop, f.ClosedBy[0].Code, a.Text())
				assert.Contains(t, f.ClosedBy[0].Fix, tt.fix)
				if tt.told != "" {
					assert.NotContains(t, f.ClosedBy[0].Fix, tt.told)
				}
			}
		})
	}
}

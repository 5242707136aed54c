package reach_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// TestAlibabaDNSServerBlocks: Alibaba's VPC "Network ACLs" page says
// network ACLs allow "the DNS servers at 100.100.2.128/28 and
// 100.100.2.112/28, and the Metaserver at 100.100.100.200/32"
// (https://www.alibabacloud.com/help/en/vpc/user-guide/network-acl-overview):
// Alibaba Cloud's DNS servers answer at every address of those blocks,
// not at the default 100.100.2.136 and 100.100.2.138 alone (some regions
// hand out .116 and .118). A DNS query from an ECS instance to another
// address of them was routed as any packet: a certain NOT REACHABLE (no
// route, or a private address at the internet gateway). Now each goes
// straight to the service, as .136 does; the addresses just outside the
// blocks are still routed as any other. Other traffic to a DNS server
// (udp/123) was a certain INSTANCE_SERVICE_OTHER_TRAFFIC, which no
// Alibaba page supports: it documents DNS there and nothing else, so the
// answer is undecided, naming that.
func TestAlibabaDNSServerBlocks(t *testing.T) {
	p := netip.MustParsePrefix
	igw := []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}
	basic := sg.Group{ID: "sg-b", Flavour: sg.AlibabaBasic} // all outbound allowed by default
	for _, tc := range []struct {
		to      string
		service bool
	}{
		{"100.100.2.112", true},
		{"100.100.2.116", true},
		{"100.100.2.118", true},
		{"100.100.2.127", true},
		{"100.100.2.128", true},
		{"100.100.2.130", true},
		{"100.100.2.136", true},
		{"100.100.2.143", true},
		{"100.100.2.111", false},
		{"100.100.2.144", false},
	} {
		for _, routes := range [][]reach.Route{nil, igw} {
			t.Run(fmt.Sprintf("%s/routes=%d", tc.to, len(routes)), func(t *testing.T) {
				m := alibabaServiceDesign(t, routes, basic, reach.OptionEnabled)
				for _, proto := range []flow.Protocol{flow.UDP, flow.TCP} {
					q := reach.Query{From: "a", To: tc.to, Protocol: proto, Port: 53}
					r, err := m.Check(q)
					require.NoError(t, err)
					require.NotEmpty(t, r.Forward)
					v, err := m.Verdict(q)
					require.NoError(t, err)
					assert.Equal(t, r.Outcome, v, "Verdict agrees with Check")
					if !tc.service {
						assert.Equal(t, reach.Unreachable, r.Outcome, "outside the DNS blocks: routed as any packet\n%s", r.Text())
						assert.NotEqual(t, reach.KindInstanceService, r.Forward[0].Kind)
						continue
					}
					assert.Equal(t, reach.Reachable, r.Outcome, "a DNS server of Alibaba Cloud's documented blocks\n%s", r.Text())
					assert.Equal(t, reach.KindInstanceService, r.Forward[0].Kind, "the packet goes straight to the service:\n%s", r.Text())
					assert.Contains(t, r.To, "Alibaba Cloud DNS server", "the destination is named as the service")
				}
				r, err := m.Check(reach.Query{From: "a", To: tc.to, Protocol: flow.UDP, Port: 123})
				require.NoError(t, err)
				if tc.service {
					assert.Equal(t, reach.Indeterminate, r.Outcome)
					assert.Equal(t, reach.InstanceServiceIndeterminate, r.Forward[0].Code, "Alibaba documents DNS there, and nothing of other traffic:\n%s", r.Text())
					assert.Contains(t, r.Forward[0].Missing, "which Alibaba Cloud does not document")
				}
			})
		}
	}
}

// TestAlibabaDNSServerBlocksSources: who reaches a DNS server of the
// documented blocks is every ECS instance from inside and no internet
// address, as for .136 (TestAlibabaServicesSources).
func TestAlibabaDNSServerBlocksSources(t *testing.T) {
	m := alibabaServiceDesign(t, nil, sg.Group{ID: "sg-b", Flavour: sg.AlibabaBasic}, reach.OptionEnabled)
	for _, to := range []string{"100.100.2.116", "100.100.2.130"} {
		t.Run(to, func(t *testing.T) {
			q := reach.SourcesQuery{To: to, Protocol: flow.UDP, Port: 53}
			r, err := m.Sources(q)
			require.NoError(t, err)
			assert.Empty(t, r.Internet, "no internet address reaches it")
			require.Len(t, r.Interfaces, 1)
			assert.Equal(t, "eni-a", r.Interfaces[0].ID)
			assert.Contains(t, r.To, "Alibaba Cloud DNS server")
			addrs := []netip.Addr{netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("100.100.100.1"), netip.MustParseAddr("10.2.1.11")}
			brute.CheckSources(t, m, q, r, []string{"eni-a"}, addrs, q.To)
		})
	}
}

// TestAlibabaServiceFixAgainstDrop: an ECS instance whose basic group
// drops outbound traffic asks Alibaba's DNS server: the service hop is
// undecided (whether groups filter it is not documented), and its fix
// follows the groups' order as any Alibaba group hop's does
// (alibabaSGFix; AuthorizeSecurityGroup: priority 1 is the highest, a
// drop rule wins a tie; semantics.md §E.1, §E.2). It offered "an
// outbound accept rule", which can never come before a priority-1 drop
// rule; now a priority-1 drop rule is to be removed or narrowed, and
// against one of priority 5 an accept rule of priority 1 to 4 also does.
func TestAlibabaServiceFixAgainstDrop(t *testing.T) {
	drop := func(prio int) sg.Group {
		return sg.Group{ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1,
			Peer: sg.CIDR("0.0.0.0/0"), Action: flow.Drop, Priority: prio}}}
	}
	for _, tc := range []struct {
		name    string
		group   sg.Group
		to      string
		want    []string
		notWant string
	}{
		{"a drop rule of priority 1", drop(1), "100.100.2.136",
			[]string{"drop rule", "no accept rule can come before it", "remove the drop rule, or narrow it", "udp/53 to 100.100.2.136/32"}, "add an outbound accept rule"},
		{"a drop rule of priority 5", drop(5), "100.100.2.116",
			[]string{"drop rule", "priority from 1 to 4", "remove the drop rule or narrow it", "udp/53 to 100.100.2.116/32"}, ""},
		{"an enterprise group's default", sg.Group{ID: "sg-e", Flavour: sg.AlibabaEnterprise}, "100.100.2.136",
			[]string{"add an outbound accept rule to sg-e allowing udp/53 to 100.100.2.136/32"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := alibabaServiceDesign(t, nil, tc.group, reach.OptionEnabled)
			r, err := m.Check(reach.Query{From: "a", To: tc.to, Protocol: flow.UDP, Port: 53})
			require.NoError(t, err)
			require.Equal(t, reach.Indeterminate, r.Outcome, "%s", r.Text())
			h := r.Forward[0]
			require.Equal(t, reach.InstanceServiceIndeterminate, h.Code, "%s", r.Text())
			for _, w := range tc.want {
				assert.Contains(t, h.Fix, w)
			}
			if tc.notWant != "" {
				assert.NotContains(t, h.Fix, tc.notWant)
			}
		})
	}
}

// TestAlibabaDNSBlockAddressHeld: an interface of the design that holds
// an address of the DNS servers' blocks (a VPC may use 100.64.0.0/10) is
// what a packet to it reaches, not Alibaba Cloud's DNS server: Check
// walks it as any packet (no route between the two VPCs), and Sources
// names the interface, not the service.
func TestAlibabaDNSBlockAddressHeld(t *testing.T) {
	p := netip.MustParsePrefix
	ip := netip.MustParseAddr
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"},
			reach.VPC{ID: "vpc-x", CIDRs: []netip.Prefix{p("100.100.0.0/16")}, MainRouteTable: "rtb-x", DefaultACL: "acl-x"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-a", VPC: "vpc-a"}, reach.RouteTable{ID: "rtb-x", VPC: "vpc-x"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false), nacl.NewDefault("acl-x", "vpc-x", false)).
		AddSubnet(reach.Subnet{ID: "vsw-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24")}},
			reach.Subnet{ID: "vsw-x", VPC: "vpc-x", CIDRs: []netip.Prefix{p("100.100.2.0/24")}}).
		// a group per VPC: Alibaba Cloud adds an interface to a group of its own VPC only (JoinSecurityGroup)
		AddSecurityGroup(sg.Group{ID: "sg-b", Flavour: sg.AlibabaBasic}, sg.Group{ID: "sg-x", Flavour: sg.AlibabaBasic}).
		AddInterface(reach.Interface{ID: "eni-a", Name: "a", Subnet: "vsw-a", PrivateIPs: []netip.Addr{ip("10.2.1.10")}, Groups: []string{"sg-b"}},
			reach.Interface{ID: "eni-x", Name: "x", Subnet: "vsw-x", PrivateIPs: []netip.Addr{ip("100.100.2.130")}, Groups: []string{"sg-x"}}).
		Build()
	require.NoError(t, err)
	r, err := m.Check(reach.Query{From: "a", To: "100.100.2.130", Protocol: flow.UDP, Port: 53})
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, "%s", r.Text())
	assert.NotEqual(t, reach.KindInstanceService, r.Forward[0].Kind)
	assert.NotContains(t, r.To, "DNS server")
	s, err := m.Sources(reach.SourcesQuery{To: "100.100.2.130", Protocol: flow.UDP, Port: 53})
	require.NoError(t, err)
	assert.NotContains(t, s.To, "DNS server", "the destination is the interface holding the address")
	assert.Empty(t, s.Interfaces, "a reaches no route to vpc-x")
}

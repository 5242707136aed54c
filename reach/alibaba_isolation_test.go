package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// alibabaVSwitchDesign builds one VPC with one vSwitch (10.2.1.0/24),
// the given Alibaba Cloud groups and ECS interfaces.
func alibabaVSwitchDesign(t *testing.T, groups []sg.Group, ifaces ...reach.Interface) *reach.Model {
	t.Helper()
	p := netip.MustParsePrefix
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-a", VPC: "vpc-a"}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
		AddSubnet(reach.Subnet{ID: "vsw-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24")}}).
		AddSecurityGroup(groups...).
		AddInterface(ifaces...).
		Build()
	require.NoError(t, err)
	return m
}

// ecsInterface is an ECS instance's interface on vsw-a.
func ecsInterface(name, ip string, groups ...string) reach.Interface {
	return reach.Interface{ID: "eni-" + name, Name: name, Subnet: "vsw-a", PrivateIPs: []netip.Addr{netip.MustParseAddr(ip)}, Groups: groups}
}

// isolatedGroup is a basic group with isolation (InnerAccessPolicy Drop)
// and the given rules.
func isolatedGroup(rules ...sg.Rule) sg.Group {
	return sg.Group{ID: "sg-iso", Name: "sg-iso", Flavour: sg.AlibabaBasic, InnerAccessDrop: true, Rules: rules}
}

// TestAlibabaIsolatedMembersTalkAfterAnInboundRule: Alibaba's
// ModifySecurityGroupPolicy page says that with InnerAccessPolicy Drop
// the members are isolated, user rules take precedence, and "for example"
// an inbound rule created with AuthorizeSecurityGroup lets them
// communicate; basic groups let all outbound traffic out by default and
// isolation has the lowest priority (semantics.md §E.3). So ecs-a reaches
// ecs-b's port 80 once ecs-b's group admits it inbound, and only that
// port. The set questions (Ports, Sources, Matrix, Audit) agree with
// Check.
func TestAlibabaIsolatedMembersTalkAfterAnInboundRule(t *testing.T) {
	admit80 := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](80), ICMPType: -1, ICMPCode: -1,
		Peer: sg.GroupRef("sg-iso"), Action: flow.Pass, Priority: 1}
	tests := []struct {
		name      string
		group     sg.Group
		port      uint16
		reachable bool
	}{
		{"an inbound rule lets members talk", isolatedGroup(admit80), 80, true},
		{"a port the inbound rule does not name stays isolated", isolatedGroup(admit80), 443, false},
		{"without a rule members stay isolated", isolatedGroup(), 80, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := alibabaVSwitchDesign(t, []sg.Group{tt.group},
				ecsInterface("ecs-a", "10.2.1.10", "sg-iso"), ecsInterface("ecs-b", "10.2.1.11", "sg-iso"))
			if tt.reachable {
				reachtest.AssertReachable(t, m, tcp("ecs-a", "ecs-b", tt.port))
			} else {
				reachtest.AssertNotReachable(t, m, tcp("ecs-a", "ecs-b", tt.port))
			}
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports:   []reach.PortsQuery{{From: "ecs-a", To: "ecs-b", Protocol: flow.TCP}, {From: "ecs-b", To: "ecs-a", Protocol: flow.UDP}},
				Sources: []reach.SourcesQuery{{To: "ecs-b", Protocol: flow.TCP, Port: tt.port}},
			})
		})
	}
}

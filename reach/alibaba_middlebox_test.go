package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// alibabaApplianceDesign is one VPC where traffic between vsw-a
// (10.2.1.0/24) and vsw-b (10.2.2.0/24) is routed through an ECS appliance
// eni-ap (source/destination check off, its group admitting everything).
// ecs-a (10.2.1.10) is in groups ga, ecs-b (10.2.2.10) in gb.
func alibabaApplianceDesign(t *testing.T, groups []sg.Group, ga, gb []string) *reach.Model {
	t.Helper()
	p := netip.MustParsePrefix
	ip := netip.MustParseAddr
	via := func(dst string) []reach.Route {
		return []reach.Route{{Destination: p(dst), Target: reach.TargetInterface, TargetID: "eni-ap"}}
	}
	fw := sg.Group{ID: "sg-fw", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 1}}}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-main", VPC: "vpc-a"},
			reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: via("10.2.2.0/24")},
			reach.RouteTable{ID: "rtb-b", VPC: "vpc-a", Routes: via("10.2.1.0/24")}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
		AddSubnet(reach.Subnet{ID: "vsw-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24")}, RouteTable: "rtb-a"},
			reach.Subnet{ID: "vsw-b", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.2.0/24")}, RouteTable: "rtb-b"},
			reach.Subnet{ID: "vsw-fw", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.3.0/24")}}).
		AddSecurityGroup(append(groups, fw)...).
		AddInterface(reach.Interface{ID: "eni-a", Name: "ecs-a", Subnet: "vsw-a", PrivateIPs: []netip.Addr{ip("10.2.1.10")}, Groups: ga},
			reach.Interface{ID: "eni-b", Name: "ecs-b", Subnet: "vsw-b", PrivateIPs: []netip.Addr{ip("10.2.2.10")}, Groups: gb},
			reach.Interface{ID: "eni-ap", Name: "ap", Subnet: "vsw-fw", PrivateIPs: []netip.Addr{ip("10.2.3.10")}, Groups: []string{"sg-fw"}, SourceDestCheckDisabled: true}).
		Build()
	require.NoError(t, err)
	return m
}

// TestAlibabaGroupsAfterAMiddlebox: AWS documents that a security group
// reference does not match a packet a middlebox forwarded; Alibaba Cloud
// documents nothing of the kind (a basic group's capacity is counted in
// its members' private addresses, "Basic and advanced security groups";
// ModifySecurityGroupPolicy lets members of an Accept group reach each
// other regardless of custom rules). So where Alibaba groups decide a
// packet an appliance forwarded differently with the sender's membership
// and without it, the hop is undecided, naming what is missing; where
// both ways agree, the answer stays certain. Once AWS's rule gave a
// certain answer either way.
func TestAlibabaGroupsAfterAMiddlebox(t *testing.T) {
	rule := func(peer sg.Peer, action flow.Action, priority int) sg.Rule {
		return sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: peer, Action: action, Priority: priority}
	}
	for _, tc := range []struct {
		name   string
		groups []sg.Group
		ga, gb []string
		want   reach.Outcome
	}{
		{"members of one inner-accept basic group", []sg.Group{{ID: "sg-app", Flavour: sg.AlibabaBasic}},
			[]string{"sg-app"}, []string{"sg-app"}, reach.Indeterminate},
		{"a priority-1 drop of the sender's group before an accept by address",
			[]sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic}, {ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
				rule(sg.GroupRef("sg-a"), flow.Drop, 1), rule(sg.CIDR("10.2.0.0/16"), flow.Pass, 2)}}},
			[]string{"sg-a"}, []string{"sg-b"}, reach.Indeterminate},
		{"an accept by address: no group decides", []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic}, {ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
			rule(sg.CIDR("10.2.1.0/24"), flow.Pass, 1)}}},
			[]string{"sg-a"}, []string{"sg-b"}, reach.Reachable},
		{"a drop by address before an accept of the sender's group: denied either way", []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic}, {ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
			rule(sg.CIDR("10.2.1.0/24"), flow.Drop, 1), rule(sg.GroupRef("sg-a"), flow.Pass, 2)}}},
			[]string{"sg-a"}, []string{"sg-b"}, reach.Unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := alibabaApplianceDesign(t, tc.groups, tc.ga, tc.gb)
			q := reach.Query{From: "ecs-a", To: "ecs-b", Protocol: flow.TCP, Port: 22}
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, "%s", r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v, "Verdict agrees with Check")
			var last reach.Hop // ecs-b's groups, inbound, the last of the request
			for _, h := range r.Forward {
				if h.Kind == reach.KindSecurityGroups && h.Direction == flow.Inbound {
					last = h
				}
			}
			switch tc.want {
			case reach.Indeterminate:
				assert.Equal(t, reach.SGIndeterminate, last.Code)
				assert.Contains(t, last.Missing, "Alibaba Cloud does not document")
				assert.NotContains(t, r.Text(), "cannot match it", "AWS's rule is not applied to Alibaba groups")
			case reach.Unreachable:
				assert.Equal(t, reach.SGDeny, last.Code)
			}
			pr, err := m.Ports(reach.PortsQuery{From: "ecs-a", To: "ecs-b", Protocol: flow.TCP})
			require.NoError(t, err)
			switch tc.want {
			case reach.Indeterminate:
				assert.True(t, pr.Indeterminate.Contains(22), "Ports agrees with Check")
			case reach.Reachable:
				assert.True(t, pr.Open.Contains(22), "Ports agrees with Check")
			}
		})
	}
}

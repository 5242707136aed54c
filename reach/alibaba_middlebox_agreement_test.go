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
	"github.com/reachsim/reachsim/sg"
)

// alibabaMiddleboxGrid: vsw-a (10.2.1.0/24: a1 .10, a2 .11) and vsw-b
// (10.2.2.0/24: b1 .10, b2 .11) routed to each other through the ECS
// appliance ap (source/destination check off); vsw-c (10.2.4.0/24: c1)
// has no appliance on its way to vsw-a.
func alibabaMiddleboxGrid(t *testing.T, groups []sg.Group, gs map[string][]string) *reach.Model {
	t.Helper()
	p := netip.MustParsePrefix
	ip := netip.MustParseAddr
	via := func(dst string) []reach.Route {
		return []reach.Route{{Destination: p(dst), Target: reach.TargetInterface, TargetID: "eni-ap"}}
	}
	fw := sg.Group{ID: "sg-fw", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4, Action: flow.Pass, Priority: 1}}}
	ifc := func(name, sub, addr string) reach.Interface {
		return reach.Interface{ID: "eni-" + name, Name: name, Subnet: sub, PrivateIPs: []netip.Addr{ip(addr)}, Groups: gs[name]}
	}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-main", DefaultACL: "acl-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-main", VPC: "vpc-a"},
			reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: via("10.2.2.0/24")},
			reach.RouteTable{ID: "rtb-b", VPC: "vpc-a", Routes: via("10.2.1.0/24")}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
		AddSubnet(reach.Subnet{ID: "vsw-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.1.0/24")}, RouteTable: "rtb-a"},
			reach.Subnet{ID: "vsw-b", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.2.0/24")}, RouteTable: "rtb-b"},
			reach.Subnet{ID: "vsw-c", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.4.0/24")}},
			reach.Subnet{ID: "vsw-fw", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.2.3.0/24")}}).
		AddSecurityGroup(append(groups, fw)...).
		AddInterface(ifc("a1", "vsw-a", "10.2.1.10"), ifc("a2", "vsw-a", "10.2.1.11"),
			ifc("b1", "vsw-b", "10.2.2.10"), ifc("b2", "vsw-b", "10.2.2.11"), ifc("c1", "vsw-c", "10.2.4.10"),
			reach.Interface{ID: "eni-ap", Name: "ap", Subnet: "vsw-fw", PrivateIPs: []netip.Addr{ip("10.2.3.10")}, Groups: []string{"sg-fw"}, SourceDestCheckDisabled: true}).
		Build()
	require.NoError(t, err)
	return m
}

// alibabaTCP22Rule is a rule of tcp/22 for peer.
func alibabaTCP22Rule(dir flow.Direction, peer sg.Peer, action flow.Action, prio int) sg.Rule {
	return sg.Rule{Direction: dir, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: peer, Action: action, Priority: prio}
}

// TestAlibabaMiddleboxAgreement: Matrix (fast path, one worker),
// Sources, Ports and Verdict answer as Check does for every pair of a
// design where Alibaba groups judge packets an appliance forwarded, with
// the sender's membership kept and lost (sgPair.blind, sg Either): inner
// accept with mixed members, an accept or a drop of a group, an address
// drop splitting one group's members, an isolated group with a self
// accept, an outbound drop of a group, two groups per interface (audit
// m17b, found right there; kept so that the paths stay in agreement).
func TestAlibabaMiddleboxAgreement(t *testing.T) {
	all := []string{"a1", "a2", "b1", "b2", "c1"}
	for _, tc := range []struct {
		name   string
		groups []sg.Group
		gs     map[string][]string
	}{
		{"inner accept, mixed members", []sg.Group{{ID: "sg-app", Flavour: sg.AlibabaBasic}, {ID: "sg-x", Flavour: sg.AlibabaBasic}},
			map[string][]string{"a1": {"sg-app"}, "a2": {"sg-x"}, "b1": {"sg-app"}, "b2": {"sg-x"}, "c1": {"sg-app"}}},
		{"accept of a group", []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic}, {ID: "sg-x", Flavour: sg.AlibabaBasic},
			{ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{alibabaTCP22Rule(flow.Inbound, sg.GroupRef("sg-a"), flow.Pass, 1)}}},
			map[string][]string{"a1": {"sg-a"}, "a2": {"sg-x"}, "b1": {"sg-b"}, "b2": {"sg-b"}, "c1": {"sg-a"}}},
		{"drop of a group before accept by address", []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic}, {ID: "sg-x", Flavour: sg.AlibabaBasic},
			{ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{alibabaTCP22Rule(flow.Inbound, sg.GroupRef("sg-a"), flow.Drop, 1), alibabaTCP22Rule(flow.Inbound, sg.CIDR("10.2.0.0/16"), flow.Pass, 2)}}},
			map[string][]string{"a1": {"sg-a"}, "a2": {"sg-x"}, "b1": {"sg-b"}, "b2": {"sg-b"}, "c1": {"sg-a"}}},
		{"isolated group with a self accept", []sg.Group{{ID: "sg-i", Flavour: sg.AlibabaBasic, InnerAccessDrop: true, Rules: []sg.Rule{
			alibabaTCP22Rule(flow.Inbound, sg.GroupRef("sg-i"), flow.Pass, 1)}}, {ID: "sg-x", Flavour: sg.AlibabaBasic}},
			map[string][]string{"a1": {"sg-i"}, "a2": {"sg-x"}, "b1": {"sg-i"}, "b2": {"sg-i"}, "c1": {"sg-i"}}},
		{"address drop splitting one group's members", []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic},
			{ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{alibabaTCP22Rule(flow.Inbound, sg.CIDR("10.2.1.11/32"), flow.Drop, 1), alibabaTCP22Rule(flow.Inbound, sg.GroupRef("sg-a"), flow.Pass, 2)}}},
			map[string][]string{"a1": {"sg-a"}, "a2": {"sg-a"}, "b1": {"sg-b"}, "b2": {"sg-b", "sg-a"}, "c1": {"sg-a"}}},
		{"two groups, inner accept and a rule", []sg.Group{{ID: "sg-app", Flavour: sg.AlibabaBasic}, {ID: "sg-a", Flavour: sg.AlibabaBasic},
			{ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{alibabaTCP22Rule(flow.Inbound, sg.GroupRef("sg-a"), flow.Drop, 1)}}},
			map[string][]string{"a1": {"sg-a", "sg-app"}, "a2": {"sg-app"}, "b1": {"sg-b", "sg-app"}, "b2": {"sg-b"}, "c1": {"sg-a"}}},
		{"outbound drop of a group", []sg.Group{{ID: "sg-a", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{alibabaTCP22Rule(flow.Outbound, sg.GroupRef("sg-b"), flow.Drop, 1),
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.2.0.0/16"), Action: flow.Pass, Priority: 1}}},
			{ID: "sg-b", Flavour: sg.AlibabaBasic, Rules: []sg.Rule{alibabaTCP22Rule(flow.Inbound, sg.CIDR("10.2.0.0/16"), flow.Pass, 1)}}},
			map[string][]string{"a1": {"sg-a"}, "a2": {"sg-a"}, "b1": {"sg-b"}, "b2": {"sg-b"}, "c1": {"sg-a"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := alibabaMiddleboxGrid(t, tc.groups, tc.gs)
			mx, err := m.Matrix(reach.MatrixOptions{NoInternet: true, Workers: 1})
			require.NoError(t, err)
			classOf := map[string]string{}
			for _, c := range mx.Classes {
				for _, mem := range c.Members {
					classOf[mem.Name] = c.Name
				}
			}
			cell := func(from, to string) reach.Cell {
				for _, c := range mx.Cells {
					if c.From == classOf[from] && c.To == classOf[to] {
						return c
					}
				}
				return reach.Cell{}
			}
			for _, to := range all {
				src, err := m.Sources(reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: 22})
				require.NoError(t, err)
				for _, from := range all {
					if from == to {
						continue
					}
					q := reach.Query{From: from, To: to, Protocol: flow.TCP, Port: 22}
					r, err := m.Check(q)
					require.NoError(t, err)
					want := r.Outcome
					desc := fmt.Sprintf("%s -> %s: check %s\n%s", from, to, want, r.Text())
					v, err := m.Verdict(q)
					require.NoError(t, err)
					assert.Equal(t, want, v, "Verdict: "+desc)
					c := cell(from, to)
					got := reach.Unreachable
					if c.Allowed.TCP.Contains(22) {
						got = reach.Reachable
					} else if c.Indeterminate.TCP.Contains(22) {
						got = reach.Indeterminate
					}
					assert.Equal(t, want, got, "Matrix: "+desc)
					pr, err := m.Ports(reach.PortsQuery{From: from, To: to, Protocol: flow.TCP})
					require.NoError(t, err)
					got = reach.Unreachable
					if pr.Open.Contains(22) {
						got = reach.Reachable
					} else if pr.Indeterminate.Contains(22) {
						got = reach.Indeterminate
					}
					assert.Equal(t, want, got, "Ports: "+desc)
					got = reach.Unreachable
					for _, si := range src.Interfaces {
						if si.Name == from {
							got = si.Outcome
						}
					}
					assert.Equal(t, want, got, "Sources: "+desc)
				}
			}
		})
	}
}

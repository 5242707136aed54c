package brute_test

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// routedDesign: one interface, app, with a public IP behind an internet
// gateway, every session out allowed by its group; its subnet's network
// ACL lets only ICMP in, so through the gateway only ICMP gets back (the
// member has a way to the internet), and its route table sends
// 203.0.113.128/25 to lgw-1, a local gateway the design does not model:
// a session to an address of that block is undecided at lgw-1, whatever
// its protocol.
func routedDesign(t *testing.T) *reach.Model {
	t.Helper()
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	acl := nacl.ACL{ID: "acl-a", VPCID: "vpc-a", IsDefault: true, Entries: []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: p("0.0.0.0/0")},
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.ICMP, CIDR: p("0.0.0.0/0"), ICMPType: -1, ICMPCode: -1},
	}}
	all := sg.Group{ID: "sg-all", Rules: []sg.Rule{{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{
			{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"},
			{Destination: p("203.0.113.128/25"), Target: reach.TargetUnmodelled, TargetID: "lgw-1", TargetType: "local gateway"},
		}}).
		AddNetworkACL(acl).
		AddSubnet(reach.Subnet{ID: "subnet-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.0.1.0/24")}}).
		AddSecurityGroup(all).
		AddInterface(reach.Interface{ID: "eni-app", Name: "app", Subnet: "subnet-a", PrivateIPs: []netip.Addr{a("10.0.1.10")},
			PublicIP: a("198.51.100.10"), Groups: []string{"sg-all"}}).
		Build()
	require.NoError(t, err)
	return m
}

// TestCheckMatrixRoutedBlocks: an internet cell is a union over every
// internet address, and an address a route sends to what the design does
// not model may be undecided where every other is decided. CheckMatrix
// looked for such addresses only at a few fixed ones, beside the
// design's, at the edges of Sources' blocks and at random, so it failed
// the right cell of app to the internet (tcp undecided at lgw-1, the
// random seeds 5511 and 5805 of TestScratchNATICMPMatrix in package
// reach) and passed a wrong one that says tcp is unreachable. It now
// tries the edges of the design's routes (RouteAddrs) both ways.
func TestCheckMatrixRoutedBlocks(t *testing.T) {
	m := routedDesign(t)
	require.Contains(t, brute.RouteAddrs(m, false), netip.MustParseAddr("203.0.113.128"))
	good, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	app := classOf(good, "eni-app")
	cell := brute.CellOf(good, app, reach.InternetNode)
	require.Equal(t, "none", cell.Allowed.TCP.String(), "through the gateway, no tcp reply gets back")
	require.Equal(t, "1-65535", cell.Indeterminate.TCP.String(), "tcp to 203.0.113.128/25 is undecided at lgw-1")
	r, err := m.Check(reach.Query{From: "eni-app", To: "203.0.113.130", Protocol: flow.TCP, Port: 1})
	require.NoError(t, err)
	require.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	tests := []struct {
		name    string
		corrupt func(c *reach.Cell)
		fails   bool
		says    string
	}{
		{"the design's own matrix", func(*reach.Cell) {}, false, ""},
		{"app -> internet says tcp is unreachable", func(c *reach.Cell) {
			c.Indeterminate.TCP = flow.PortSet{}
		}, true, "is indeterminate but not in the cell"},
		{"app -> internet says tcp/1-1023 is reachable", func(c *reach.Cell) {
			c.Allowed.TCP = flow.SetOf(flow.PortRange{Lo: 1, Hi: 1023})
			c.Indeterminate.TCP = flow.SetOf(flow.PortRange{Lo: 1024, Hi: 65535})
		}, true, "the cell says reachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mx, err := m.Matrix(reach.MatrixOptions{})
			require.NoError(t, err)
			mx.Cells = slices.Clone(mx.Cells)
			for i, c := range mx.Cells {
				if c.From == app && c.To == reach.InternetNode {
					tt.corrupt(&mx.Cells[i])
				}
			}
			for seed := range uint64(3) {
				rec := record(t, func(tb testing.TB) {
					brute.CheckMatrix(tb, rand.New(rand.NewPCG(seed, 7)), m, mx, false, tt.name)
				})
				require.Equal(t, tt.fails, rec.failed, "seed %d: %s", seed, rec.msg)
				assert.Contains(t, rec.msg, tt.says, "seed %d", seed)
			}
		})
	}
}

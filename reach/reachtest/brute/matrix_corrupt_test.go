package brute_test

import (
	"fmt"
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

// corruptDesign: one VPC with an internet gateway, every interface with
// a public IP; web-0…web-9 in
// sg-web (tcp/443 in from the VPC, tcp/443 out to anywhere), odd in
// sg-odd (nothing in, tcp/443 out to anywhere), db in sg-db (everything
// out, nothing in).
func corruptDesign(t *testing.T) *reach.Model {
	t.Helper()
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	out443 := sg.Rule{Direction: flow.Outbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 443, Hi: 443}, Peer: sg.AnyIPv4}
	web := sg.Group{ID: "sg-web", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 443, Hi: 443}, Peer: sg.CIDR("10.0.0.0/16")}, out443}}
	odd := sg.Group{ID: "sg-odd", Rules: []sg.Rule{out443}}
	db := sg.Group{ID: "sg-db", Rules: []sg.Rule{{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}}
	var ifaces []reach.Interface
	for i := range 10 {
		ifaces = append(ifaces, reach.Interface{ID: fmt.Sprintf("eni-web%d", i), Name: fmt.Sprintf("web-%d", i), Subnet: "subnet-a",
			PrivateIPs: []netip.Addr{a(fmt.Sprintf("10.0.1.%d", 10+i))}, PublicIP: a(fmt.Sprintf("198.51.100.%d", 10+i)), Groups: []string{"sg-web"}})
	}
	ifaces = append(ifaces,
		reach.Interface{ID: "eni-odd", Name: "odd", Subnet: "subnet-a", PrivateIPs: []netip.Addr{a("10.0.1.50")}, PublicIP: a("198.51.100.50"), Groups: []string{"sg-odd"}},
		reach.Interface{ID: "eni-db", Name: "db", Subnet: "subnet-a", PrivateIPs: []netip.Addr{a("10.0.1.60")}, PublicIP: a("198.51.100.60"), Groups: []string{"sg-db"}})
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.0.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-a", VPC: "vpc-a"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{{Destination: p("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-a"}}}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false)).
		AddSubnet(reach.Subnet{ID: "subnet-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.0.1.0/24")}}).
		AddSecurityGroup(web, odd, db).
		AddInterface(ifaces...).Build()
	require.NoError(t, err)
	return m
}

// classOf returns the name of the class of mx holding interface id.
func classOf(mx *reach.Matrix, id string) string {
	for _, c := range mx.Classes {
		if slices.ContainsFunc(c.Members, func(mb reach.ClassMember) bool { return mb.ID == id }) {
			return c.Name
		}
	}
	return ""
}

// TestCheckMatrixRejectsCorruptedMatrix: CheckMatrix passes the design's
// own matrix and fails one that claims too much toward the internet
// (tcp/25 from web's class, which only tcp/443 leaves) or that puts odd,
// which takes no tcp/443, into the class of the ten web interfaces. It
// checked internet cells only against claiming too little, and one
// random member per class, so it passed both.
func TestCheckMatrixRejectsCorruptedMatrix(t *testing.T) {
	m := corruptDesign(t)
	good, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	web, odd := classOf(good, "eni-web0"), classOf(good, "eni-odd")
	require.NotEqual(t, web, odd, "odd is a class of its own")
	tests := []struct {
		name    string
		corrupt func(mx *reach.Matrix)
		fails   bool
		says    string
	}{
		{"the design's own matrix", func(mx *reach.Matrix) {
			require.Equal(t, "443", brute.CellOf(mx, web, reach.InternetNode).Allowed.TCP.String())
		}, false, ""},
		{"web -> internet claims tcp/25", func(mx *reach.Matrix) {
			for i, c := range mx.Cells {
				if c.From == web && c.To == reach.InternetNode {
					mx.Cells[i].Allowed.TCP = c.Allowed.TCP.Union(flow.SetOf(flow.Single[uint16](25)))
				}
			}
		}, true, "Port:25"},
		{"odd merged into web's class", func(mx *reach.Matrix) {
			var moved reach.ClassMember
			for i, c := range mx.Classes {
				if c.Name == odd {
					moved = c.Members[0]
					mx.Classes = slices.Delete(mx.Classes, i, i+1)
					break
				}
			}
			for i, c := range mx.Classes {
				if c.Name == web {
					mx.Classes[i].Members = append(slices.Clone(c.Members), moved)
				}
			}
			mx.Cells = slices.DeleteFunc(mx.Cells, func(c reach.Cell) bool { return c.From == odd || c.To == odd })
		}, true, "eni-odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mx, err := m.Matrix(reach.MatrixOptions{})
			require.NoError(t, err)
			mx.Cells = slices.Clone(mx.Cells)
			mx.Classes = slices.Clone(mx.Classes)
			tt.corrupt(mx)
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

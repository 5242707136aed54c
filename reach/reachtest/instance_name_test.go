package reachtest_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/sg"
)

// armSpec is one interface of twoArmDesign: its Name tag, its instance
// and the port its own group opens to the whole internet.
type armSpec struct {
	name, instance string
	port           uint16
}

// twoArmDesign builds two interfaces in one public subnet: eni-a
// (10.0.1.10, public 203.0.113.10) and eni-b (10.0.1.11, public
// 203.0.113.11), each in a group of its own that opens a's or b's port to
// the whole internet over tcp.
func twoArmDesign(t *testing.T, a, b armSpec) *reach.Model {
	t.Helper()
	bld := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-1", DefaultACL: "acl-1"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-1", VPC: "vpc-1", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}}).
		AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", false)).
		AddSubnet(reach.Subnet{ID: "subnet-1", VPC: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}})
	for i, arm := range []armSpec{a, b} {
		id := string(rune('a' + i))
		g := sg.New("sg-"+id, id, "vpc-1", false)
		g.Rules = append(g.Rules, sg.Rule{ID: fmt.Sprint("sgr-", arm.port), Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single(arm.port), Peer: sg.AnyIPv4})
		bld = bld.AddSecurityGroup(g).AddInterface(reach.Interface{ID: "eni-" + id, Name: arm.name, Instance: arm.instance, Subnet: "subnet-1", Groups: []string{"sg-" + id},
			PrivateIPs: []netip.Addr{netip.AddrFrom4([4]byte{10, 0, 1, byte(10 + i)})}, PublicIP: netip.AddrFrom4([4]byte{203, 0, 113, byte(10 + i)})})
	}
	m, err := bld.Build()
	require.NoError(t, err)
	return m
}

// An instance's Name tag stands for every interface of the instance, as
// its ID does, whether the aws loader gave it to the primary interface
// only or every interface carries it; one on interfaces of different
// instances (or of none) is an error, and one on an interface of no
// instance stands for that interface alone.
func TestInstanceNameStandsForEveryInterface(t *testing.T) {
	web := armSpec{name: "web", instance: "i-web", port: 443}
	tests := []struct {
		name     string
		a, b     armSpec
		to       string
		pass     bool
		onlyErr  string // AssertOnlyPorts' failure holds it
		exposErr string // AssertNotExposed(ssh)'s failure holds it
	}{
		{name: "by instance ID", a: web, b: armSpec{instance: "i-web", port: 22}, to: "i-web",
			onlyErr: "IPv4: extra 22", exposErr: "at 203.0.113.11 of eni-b"},
		{name: "Name tag on the primary interface only", a: web, b: armSpec{instance: "i-web", port: 22}, to: "web",
			onlyErr: "extra: 22 open from 198.51.100.7 -> 203.0.113.11", exposErr: "at 203.0.113.11 of eni-b"},
		{name: "Name tag on both interfaces of the instance", a: web, b: armSpec{name: "web", instance: "i-web", port: 22}, to: "web",
			onlyErr: "extra: 22 open from 198.51.100.7 -> 203.0.113.11", exposErr: "at 203.0.113.11 of web (eni-b)"},
		{name: "Name tag on the secondary interface only", a: armSpec{instance: "i-web", port: 443}, b: armSpec{name: "web", instance: "i-web", port: 22}, to: "web",
			onlyErr: "IPv4: missing 443, extra 22", exposErr: "at 203.0.113.11 of web (eni-b)"},
		{name: "Name tag on an interface of no instance", a: armSpec{name: "web", port: 443}, b: armSpec{port: 22}, to: "web", pass: true},
		{name: "Name tag on two instances", a: web, b: armSpec{name: "web", instance: "i-other", port: 22}, to: "web",
			onlyErr:  `name "web" is on interfaces that are not all of one instance (eni-a of i-web, eni-b of i-other); use an ID`,
			exposErr: `name "web" is on interfaces that are not all of one instance (eni-a of i-web, eni-b of i-other); use an ID`},
		{name: "Name tag on an instance's interface and one of none", a: web, b: armSpec{name: "web", port: 22}, to: "web",
			onlyErr:  `(eni-a of i-web, eni-b of no instance)`,
			exposErr: `(eni-a of i-web, eni-b of no instance)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := twoArmDesign(t, tc.a, tc.b)
			r := &recorder{}
			assert.Equal(t, tc.pass, reachtest.AssertOnlyPorts(r, m, "198.51.100.7", tc.to, flow.TCP, "443"), "AssertOnlyPorts: %v", r.errors)
			if tc.pass {
				assert.Empty(t, r.errors)
			} else if assert.Len(t, r.errors, 1) {
				assert.Contains(t, r.errors[0], tc.onlyErr)
			}
			r = &recorder{}
			assert.Equal(t, tc.pass, reachtest.AssertNotExposed(r, m, tc.to, "ssh"), "AssertNotExposed: %v", r.errors)
			if tc.pass {
				assert.Empty(t, r.errors)
			} else if assert.Len(t, r.errors, 1) {
				assert.Contains(t, r.errors[0], tc.exposErr)
			}
		})
	}
}

// narrowReplies builds one interface eni-w ("w", 10.0.1.10, public
// 203.0.113.10) whose group opens tcp/22 to the whole internet, in a
// subnet whose ACL lets 22 in and the replies out only to client ports
// lo-hi.
func narrowReplies(t *testing.T, lo, hi uint16) *reach.Model {
	t.Helper()
	g := sg.New("sg-w", "w", "vpc-1", false)
	g.Rules = append(g.Rules, sg.Rule{ID: "sgr-ssh", Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](22), Peer: sg.AnyIPv4})
	any4 := netip.MustParsePrefix("0.0.0.0/0")
	acl := nacl.ACL{ID: "acl-r", VPCID: "vpc-1", Entries: []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.TCP, CIDR: any4, Ports: flow.PortRange{Lo: 22, Hi: 22}},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.TCP, CIDR: any4, Ports: flow.PortRange{Lo: lo, Hi: hi}},
	}}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-1", DefaultACL: "acl-1"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-1", VPC: "vpc-1", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}}).
		AddNetworkACL(nacl.NewDefault("acl-1", "vpc-1", false)).AddNetworkACL(acl).
		AddSubnet(reach.Subnet{ID: "subnet-1", VPC: "vpc-1", ACL: "acl-r", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.1.0/24")}}).
		AddSecurityGroup(g).
		AddInterface(reach.Interface{ID: "eni-w", Name: "w", Subnet: "subnet-1", Groups: []string{"sg-w"},
			PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.10")}, PublicIP: netip.MustParseAddr("203.0.113.10")}).
		Build()
	require.NoError(t, err)
	return m
}

// An exposure open only from client ports the assertions do not try
// first still shows the rules a session passes, from a client port it is
// open from.
func TestExposureOpenFromUncommonClientPortsIsTraced(t *testing.T) {
	tests := []struct {
		lo, hi uint16
		client string // the client port the trace names
	}{
		{1024, 32767, "client port 1024"},
		{40000, 40010, "client port 40000"},
		{65535, 65535, "client port 65535"},
		{7, 7, "client port 7"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.lo, "-", tc.hi), func(t *testing.T) {
			m := narrowReplies(t, tc.lo, tc.hi)
			r := &recorder{}
			require.False(t, reachtest.AssertNotExposed(r, m, "w", "ssh"))
			msg := strings.Join(r.errors, "\n")
			assert.Contains(t, msg, "opened by sg-w rule sgr-ssh")
			assert.Contains(t, msg, tc.client+", the request passes:")
			assert.Contains(t, msg, "network-acl acl-r (subnet-1) inbound: 100 allow tcp 22 from 0.0.0.0/0")
			r = &recorder{}
			require.False(t, reachtest.AssertOnlyPorts(r, m, "198.51.100.7", "w", flow.TCP, "none"))
			msg = strings.Join(r.errors, "\n")
			assert.Contains(t, msg, "port 22, "+tc.client+", passes:")
			assert.NotContains(t, msg, "not traced here")
		})
	}
}

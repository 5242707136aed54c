package reach_test

// The design of the lint and fix tests of ACL_CUTS_REPLIES and the reply
// to the client's port (from audit lintfix21's probes).

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

func lf21p(s ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(s))
	for i, x := range s {
		out[i] = netip.MustParsePrefix(x)
	}
	return out
}

func lf21a(s string) netip.Addr { return netip.MustParseAddr(s) }

func lf21entries(ss ...string) []nacl.Entry {
	out := make([]nacl.Entry, len(ss))
	for i, s := range ss {
		out[i] = nacl.MustParseEntry(s)
	}
	return out
}

func lf21tcp(id string, dir flow.Direction, lo, hi uint16, peer sg.Peer) sg.Rule {
	return sg.Rule{ID: id, Direction: dir, Protocol: flow.TCP, Ports: flow.PortRange{Lo: lo, Hi: hi}, ICMPType: -1, ICMPCode: -1, Peer: peer}
}

func lf21all(id string, dir flow.Direction, peer sg.Peer) sg.Rule {
	return sg.Rule{ID: id, Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: peer}
}

// lf21design: vpc-1 10.0.0.0/16 + 2001:db8:1::/56 with igw-1;
// subnet-pub 10.0.1.0/24 (2001:db8:1:1::/64) routes 0/0 and ::/0 to igw-1,
// acl-pub; subnet-priv 10.0.2.0/24 (2001:db8:1:2::/64), main table (local
// only), acl-priv. web-1 (10.0.1.10, 2001:db8:1:1::10, public 203.0.113.10)
// wears sg-web; db-1 (10.0.2.20, 2001:db8:1:2::20) wears sg-db. Both ACLs
// allow everything unless acls overrides them.
type lf21 struct {
	groups  map[string]*sg.Group
	acls    map[string]*nacl.ACL
	routes  []reach.RouteTable
	ifaces  []reach.Interface
	subnets []reach.Subnet
}

func newLf21() *lf21 {
	d := &lf21{groups: map[string]*sg.Group{}, acls: map[string]*nacl.ACL{}}
	web := sg.Group{ID: "sg-web", VPCID: "vpc-1", Rules: []sg.Rule{
		lf21tcp("sgr-web-443", flow.Inbound, 443, 443, sg.AnyIPv4),
		lf21tcp("sgr-web-443v6", flow.Inbound, 443, 443, sg.AnyIPv6),
		lf21all("sgr-web-out", flow.Outbound, sg.AnyIPv4), lf21all("sgr-web-out6", flow.Outbound, sg.AnyIPv6)}}
	db := sg.Group{ID: "sg-db", VPCID: "vpc-1", Rules: []sg.Rule{
		lf21tcp("sgr-db-pg", flow.Inbound, 5432, 5432, sg.GroupRef("sg-web")),
		lf21all("sgr-db-out", flow.Outbound, sg.AnyIPv4), lf21all("sgr-db-out6", flow.Outbound, sg.AnyIPv6)}}
	d.groups["sg-web"], d.groups["sg-db"] = &web, &db
	for _, id := range []string{"acl-pub", "acl-priv"} {
		a := nacl.NewCustom(id, "vpc-1")
		a.Entries = lf21entries("100 allow all from 0.0.0.0/0", "101 allow all from ::/0", "100 allow all to 0.0.0.0/0", "101 allow all to ::/0")
		d.acls[id] = &a
	}
	d.routes = []reach.RouteTable{
		{ID: "rtb-main", VPC: "vpc-1"},
		{ID: "rtb-pub", VPC: "vpc-1", Routes: []reach.Route{
			{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"},
			{Destination: netip.MustParsePrefix("::/0"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}}},
	}
	d.subnets = []reach.Subnet{
		{ID: "subnet-pub", VPC: "vpc-1", CIDRs: lf21p("10.0.1.0/24", "2001:db8:1:1::/64"), RouteTable: "rtb-pub", ACL: "acl-pub"},
		{ID: "subnet-priv", VPC: "vpc-1", CIDRs: lf21p("10.0.2.0/24", "2001:db8:1:2::/64"), ACL: "acl-priv"},
	}
	d.ifaces = []reach.Interface{
		{ID: "eni-web1", Name: "web-1", Subnet: "subnet-pub", PrivateIPs: []netip.Addr{lf21a("10.0.1.10"), lf21a("2001:db8:1:1::10")},
			PublicIP: lf21a("203.0.113.10"), Groups: []string{"sg-web"}},
		{ID: "eni-db1", Name: "db-1", Subnet: "subnet-priv", PrivateIPs: []netip.Addr{lf21a("10.0.2.20"), lf21a("2001:db8:1:2::20")},
			Groups: []string{"sg-db"}},
	}
	return d
}

func (d *lf21) build(t *testing.T) *reach.Model {
	t.Helper()
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-1", CIDRs: lf21p("10.0.0.0/16", "2001:db8:1::/56"), MainRouteTable: "rtb-main", DefaultACL: "acl-default"}).
		AddInternetGateway(reach.InternetGatewaySpec{ID: "igw-1", VPC: "vpc-1"}).
		AddNetworkACL(nacl.NewDefault("acl-default", "vpc-1", true))
	for _, id := range []string{"acl-pub", "acl-priv"} {
		b.AddNetworkACL(*d.acls[id])
	}
	for _, id := range []string{"sg-web", "sg-db"} {
		b.AddSecurityGroup(*d.groups[id])
	}
	for id, g := range d.groups {
		if id != "sg-web" && id != "sg-db" {
			b.AddSecurityGroup(*g)
		}
	}
	b.AddRouteTable(d.routes...).AddSubnet(d.subnets...).AddInterface(d.ifaces...)
	m, err := b.Build()
	require.NoError(t, err)
	return m
}

func lf21lint(t *testing.T, m *reach.Model, ids ...string) []reach.LintFinding {
	t.Helper()
	res, err := m.Lint(reach.LintOptions{Only: ids})
	require.NoError(t, err)
	return res.Findings
}

func lf21keys(fs []reach.LintFinding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, strings.TrimSpace(f.ID+" "+f.Resource+" "+f.Rule))
	}
	return out
}

func lf21check(t *testing.T, m *reach.Model, q reach.Query) *reach.Result {
	t.Helper()
	r, err := m.Check(q)
	require.NoError(t, err)
	return r
}

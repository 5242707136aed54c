package reach_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// twoArmEstate is three VPCs (audit estates24): A (10.0.0.0/16) with
// client c (subnet-c) and a two-armed appliance i-ap (eni-in in
// subnet-in, eni-out in subnet-out, checks off); B (10.1.0.0/16), peered
// with A by pcx-ab, holding d; C (10.2.0.0/16), joined to A by transit
// gateway tgw-1 (A's attachment in subnet-tatt), holding e. subnet-c
// sends B and C to eni-in; subnet-in (main table rtb-a: local only) and
// subnet-out (rtb-out: B to pcx-ab, C to tgw-1) go on from the
// appliance; the attachment subnet (rtb-tatt) sends B to eni-in. Every
// interface is in sg-open (all IPv4 in and out), every subnet has its
// VPC's default ACL. Tests adjust it before building (the fix, diff and
// peering tests: fix_fork_peering_test.go, diff_sibling_test.go,
// peering_nat_test.go).
type twoArmEstate struct {
	rts     []reach.RouteTable
	subnets []reach.Subnet
	ifaces  []reach.Interface
	groups  []sg.Group
	acls    []nacl.ACL
	peers   []reach.Peering
	tgwRTs  []reach.TGWRouteTable
	atts    []reach.TGWAttachment
}

func armRoute(dst string, k reach.TargetKind, id string) reach.Route {
	return reach.Route{Destination: netip.MustParsePrefix(dst), Target: k, TargetID: id}
}

// armAll is a rule allowing every IPv4 packet in direction dir.
func armAll(dir flow.Direction) sg.Rule {
	return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
}

func newTwoArmEstate() *twoArmEstate {
	sub := func(id, vpc, cidr, rt string) reach.Subnet {
		return reach.Subnet{ID: id, VPC: vpc, CIDRs: []netip.Prefix{netip.MustParsePrefix(cidr)}, AvailabilityZone: "az-1", RouteTable: rt}
	}
	ip := func(s string) []netip.Addr { return []netip.Addr{netip.MustParseAddr(s)} }
	return &twoArmEstate{
		rts: []reach.RouteTable{
			{ID: "rtb-a", VPC: "vpc-a"},
			{ID: "rtb-c", VPC: "vpc-a", Routes: []reach.Route{armRoute("10.1.0.0/16", reach.TargetInterface, "eni-in"), armRoute("10.2.0.0/16", reach.TargetInterface, "eni-in")}},
			{ID: "rtb-out", VPC: "vpc-a", Routes: []reach.Route{armRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab"), armRoute("10.2.0.0/16", reach.TargetTransitGateway, "tgw-1")}},
			{ID: "rtb-tatt", VPC: "vpc-a", Routes: []reach.Route{armRoute("10.1.0.0/16", reach.TargetInterface, "eni-in")}},
			{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{armRoute("10.0.0.0/16", reach.TargetPeering, "pcx-ab")}},
			{ID: "rtb-cc", VPC: "vpc-c", Routes: []reach.Route{armRoute("10.0.0.0/8", reach.TargetTransitGateway, "tgw-1")}},
		},
		subnets: []reach.Subnet{
			sub("subnet-c", "vpc-a", "10.0.2.0/24", "rtb-c"),
			sub("subnet-in", "vpc-a", "10.0.3.0/24", ""),
			sub("subnet-out", "vpc-a", "10.0.4.0/24", "rtb-out"),
			sub("subnet-tatt", "vpc-a", "10.0.5.0/24", "rtb-tatt"),
			sub("subnet-d", "vpc-b", "10.1.1.0/24", ""),
			sub("subnet-e", "vpc-c", "10.2.1.0/24", ""),
		},
		ifaces: []reach.Interface{
			{ID: "eni-c", Name: "c", Subnet: "subnet-c", PrivateIPs: ip("10.0.2.10"), Groups: []string{"sg-open"}},
			{ID: "eni-in", Instance: "i-ap", Subnet: "subnet-in", PrivateIPs: ip("10.0.3.10"), Groups: []string{"sg-open"}, SourceDestCheckDisabled: true},
			{ID: "eni-out", Instance: "i-ap", Subnet: "subnet-out", PrivateIPs: ip("10.0.4.10"), Groups: []string{"sg-open"}, SourceDestCheckDisabled: true},
			{ID: "eni-d", Name: "d", Subnet: "subnet-d", PrivateIPs: ip("10.1.1.10"), Groups: []string{"sg-open"}},
			{ID: "eni-e", Name: "e", Subnet: "subnet-e", PrivateIPs: ip("10.2.1.10"), Groups: []string{"sg-open"}},
		},
		groups: []sg.Group{{ID: "sg-open", Rules: []sg.Rule{armAll(flow.Inbound), armAll(flow.Outbound)}}},
		acls:   []nacl.ACL{nacl.NewDefault("acl-a", "vpc-a", false), nacl.NewDefault("acl-b", "vpc-b", false), nacl.NewDefault("acl-cc", "vpc-c", false)},
		peers:  []reach.Peering{{ID: "pcx-ab", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b"}},
		tgwRTs: []reach.TGWRouteTable{{ID: "tgw-rtb-1", TransitGateway: "tgw-1", Routes: []reach.TGWRoute{
			{Destination: netip.MustParsePrefix("10.0.0.0/16"), Attachment: "att-a"},
			{Destination: netip.MustParsePrefix("10.1.0.0/16"), Attachment: "att-a"},
			{Destination: netip.MustParsePrefix("10.2.0.0/16"), Attachment: "att-c"}}}},
		atts: []reach.TGWAttachment{
			{ID: "att-a", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-a", Subnets: []string{"subnet-tatt"}, RouteTable: "tgw-rtb-1"},
			{ID: "att-c", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-c", Subnets: []string{"subnet-e"}, RouteTable: "tgw-rtb-1"},
		},
	}
}

func (d *twoArmEstate) iface(id string) *reach.Interface {
	return &d.ifaces[slices.IndexFunc(d.ifaces, func(in reach.Interface) bool { return in.ID == id })]
}

func (d *twoArmEstate) group(id string) *sg.Group {
	return &d.groups[slices.IndexFunc(d.groups, func(g sg.Group) bool { return g.ID == id })]
}

func (d *twoArmEstate) rt(id string) *reach.RouteTable {
	return &d.rts[slices.IndexFunc(d.rts, func(r reach.RouteTable) bool { return r.ID == id })]
}

func (d *twoArmEstate) acl(id string) *nacl.ACL {
	return &d.acls[slices.IndexFunc(d.acls, func(a nacl.ACL) bool { return a.ID == id })]
}

func (d *twoArmEstate) subnet(id string) *reach.Subnet {
	return &d.subnets[slices.IndexFunc(d.subnets, func(s reach.Subnet) bool { return s.ID == id })]
}

func (d *twoArmEstate) builder() *reach.Builder {
	return reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"},
			reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"},
			reach.VPC{ID: "vpc-c", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.2.0.0/16")}, MainRouteTable: "rtb-cc", DefaultACL: "acl-cc"}).
		AddSubnet(d.subnets...).AddRouteTable(d.rts...).AddNetworkACL(d.acls...).
		AddSecurityGroup(d.groups...).AddInterface(d.ifaces...).AddPeering(d.peers...).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1"}).AddTGWRouteTable(d.tgwRTs...).AddTGWAttachment(d.atts...)
}

func (d *twoArmEstate) build(t *testing.T) *reach.Model {
	t.Helper()
	m, err := d.builder().Build()
	require.NoError(t, err)
	return m
}

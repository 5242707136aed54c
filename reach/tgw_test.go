package reach_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/sg"
)

// tgwDesign is two VPCs joined by one transit gateway: vpc-a
// (10.1.0.0/16) with app-a in subnet-a and the attachment's subnet
// subnet-ta, vpc-b (10.2.0.0/16) with app-b (10.2.1.10) and app-b2
// (10.2.2.10) and the attachment's subnet subnet-tb, all in zone az-1.
// tgw-rtb-1 is associated with both attachments, which propagate to it.
// A VPN attachment (att-vpn) holds the static route 10.9.0.0/16.
type tgwDesign struct {
	vpcs    []reach.VPC
	subnets []reach.Subnet
	rts     []reach.RouteTable
	acls    []nacl.ACL
	ifaces  []reach.Interface
	tgwRTs  []reach.TGWRouteTable
	atts    []reach.TGWAttachment
	// gw is tgw-1 ("hub"); groups are added beside sg-open
	gw     reach.TransitGateway
	groups []sg.Group
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func newTGWDesign() *tgwDesign {
	toTGW := func(dest string) reach.Route {
		return reach.Route{Destination: pfx(dest), Target: reach.TargetTransitGateway, TargetID: "tgw-1"}
	}
	ip := func(s string) []netip.Addr { return []netip.Addr{netip.MustParseAddr(s)} }
	return &tgwDesign{
		gw: reach.TransitGateway{ID: "tgw-1", Name: "hub"},
		vpcs: []reach.VPC{
			{ID: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"},
			{ID: "vpc-b", CIDRs: []netip.Prefix{pfx("10.2.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"},
		},
		subnets: []reach.Subnet{
			{ID: "subnet-a", VPC: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.1.0/24")}, AvailabilityZone: "az-1"},
			{ID: "subnet-a2", VPC: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.2.0/24")}, AvailabilityZone: "az-2"},
			{ID: "subnet-ta", VPC: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.9.0/24")}, AvailabilityZone: "az-1"},
			{ID: "subnet-b", VPC: "vpc-b", CIDRs: []netip.Prefix{pfx("10.2.1.0/24")}, AvailabilityZone: "az-1"},
			{ID: "subnet-b2", VPC: "vpc-b", CIDRs: []netip.Prefix{pfx("10.2.2.0/24")}, AvailabilityZone: "az-1"},
			{ID: "subnet-tb", VPC: "vpc-b", CIDRs: []netip.Prefix{pfx("10.2.9.0/24")}, AvailabilityZone: "az-1"},
		},
		rts: []reach.RouteTable{
			{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{toTGW("10.2.0.0/16"), toTGW("10.9.0.0/16")}},
			{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{toTGW("10.1.0.0/16")}},
		},
		acls: []nacl.ACL{nacl.NewDefault("acl-a", "vpc-a", false), nacl.NewDefault("acl-b", "vpc-b", false),
			nacl.NewCustom("acl-deny-a", "vpc-a"), nacl.NewCustom("acl-deny-b", "vpc-b")},
		ifaces: []reach.Interface{
			{ID: "eni-a", Name: "app-a", Subnet: "subnet-a", PrivateIPs: ip("10.1.1.10"), Groups: []string{"sg-open"}},
			{ID: "eni-a2", Name: "app-a2", Subnet: "subnet-a2", PrivateIPs: ip("10.1.2.10"), Groups: []string{"sg-open"}},
			{ID: "eni-b", Name: "app-b", Subnet: "subnet-b", PrivateIPs: ip("10.2.1.10"), Groups: []string{"sg-open"}},
			{ID: "eni-b2", Name: "app-b2", Subnet: "subnet-b2", PrivateIPs: ip("10.2.2.10"), Groups: []string{"sg-open"}},
		},
		tgwRTs: []reach.TGWRouteTable{
			{ID: "tgw-rtb-1", TransitGateway: "tgw-1", Routes: []reach.TGWRoute{{Destination: pfx("10.9.0.0/16"), Attachment: "att-vpn"}}},
			{ID: "tgw-rtb-iso", TransitGateway: "tgw-1"},
		},
		atts: []reach.TGWAttachment{
			{ID: "att-a", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-a", Subnets: []string{"subnet-ta"}, RouteTable: "tgw-rtb-1", Propagations: []string{"tgw-rtb-1"}},
			{ID: "att-b", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-b", Subnets: []string{"subnet-tb"}, RouteTable: "tgw-rtb-1", Propagations: []string{"tgw-rtb-1"}},
			{ID: "att-vpn", TransitGateway: "tgw-1", Type: "vpn", RouteTable: "tgw-rtb-1"},
		},
	}
}

func (d *tgwDesign) builder() *reach.Builder {
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	return reach.NewBuilder().AddVPC(d.vpcs...).AddSubnet(d.subnets...).AddRouteTable(d.rts...).AddNetworkACL(d.acls...).
		AddSecurityGroup(sg.Group{ID: "sg-open", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}}).AddSecurityGroup(d.groups...).
		AddInterface(d.ifaces...).
		AddTransitGateway(d.gw).AddTGWRouteTable(d.tgwRTs...).AddTGWAttachment(d.atts...)
}

func (d *tgwDesign) build(t *testing.T) *reach.Model {
	t.Helper()
	m, err := d.builder().Build()
	require.NoError(t, err)
	return m
}

func (d *tgwDesign) subnet(id string) *reach.Subnet {
	for i := range d.subnets {
		if d.subnets[i].ID == id {
			return &d.subnets[i]
		}
	}
	panic(id)
}

func (d *tgwDesign) routes(tgwRT string, r ...reach.TGWRoute) *tgwDesign {
	for i := range d.tgwRTs {
		if d.tgwRTs[i].ID == tgwRT {
			d.tgwRTs[i].Routes = append(d.tgwRTs[i].Routes, r...)
		}
	}
	return d
}

func tgwRoute(dest, att string, propagated bool) reach.TGWRoute {
	return reach.TGWRoute{Destination: pfx(dest), Attachment: att, Propagated: propagated, Blackhole: att == ""}
}

func TestTransitGatewayScenarios(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(d *tgwDesign)
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"two VPCs through one transit gateway reach each other", func(*tgwDesign) {}, tcp("app-a", "app-b", 443), reach.Reachable, nil},
		{"the reply comes back the same way", func(*tgwDesign) {}, tcp("app-b", "app-a", 22), reach.Reachable, nil},
		{"a static blackhole route drops", func(d *tgwDesign) { d.routes("tgw-rtb-1", tgwRoute("10.2.1.0/24", "", false)) },
			tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}},
		{"a blackhole route drops only what it matches", func(d *tgwDesign) { d.routes("tgw-rtb-1", tgwRoute("10.2.1.0/24", "", false)) },
			tcp("app-a", "app-b2", 443), reach.Reachable, nil},
		{"a static route beats a propagated one of the same prefix", func(d *tgwDesign) { d.routes("tgw-rtb-1", tgwRoute("10.2.0.0/16", "", false)) },
			tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}},
		{"a propagated blackhole loses to the static route of the same prefix", func(d *tgwDesign) {
			d.atts[1].Propagations = nil
			d.routes("tgw-rtb-1", reach.TGWRoute{Destination: pfx("10.2.0.0/16"), Propagated: true, Blackhole: true}, tgwRoute("10.2.0.0/16", "att-b", false))
		}, tcp("app-a", "app-b", 443), reach.Reachable, nil},
		{"the longest prefix wins over a static shorter one", func(d *tgwDesign) { d.routes("tgw-rtb-1", tgwRoute("10.0.0.0/8", "", false)) },
			tcp("app-a", "app-b", 443), reach.Reachable, nil},
		{"the longest prefix wins over a propagated shorter one", func(d *tgwDesign) { d.routes("tgw-rtb-1", tgwRoute("10.2.1.0/25", "", true)) },
			tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}},
		{"the associated table decides: one without the route blocks", func(d *tgwDesign) { d.atts[0].RouteTable = "tgw-rtb-iso" },
			tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{reach.TGWNoRoute}},
		{"the associated table decides for the reply too", func(d *tgwDesign) { d.atts[1].RouteTable = "tgw-rtb-iso" },
			tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{"RETURN_TGW_NO_ROUTE"}},
		{"an attachment with no association routes nothing", func(d *tgwDesign) { d.atts[0].RouteTable = "" },
			tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{reach.TGWNoAssociation}},
		{"the destination VPC without a route back blocks the reply", func(d *tgwDesign) { d.rts[1].Routes = nil },
			tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{"RETURN_NO_ROUTE"}},
		{"the source attachment subnet's ACL judges the packet inbound", func(d *tgwDesign) { d.subnet("subnet-ta").ACL = "acl-deny-a" },
			tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{reach.ACLDefaultDeny, "RETURN_ACL_DEFAULT_DENY"}},
		{"the destination attachment subnet's ACL judges the packet outbound", func(d *tgwDesign) { d.subnet("subnet-tb").ACL = "acl-deny-b" },
			tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{reach.ACLDefaultDeny, "RETURN_ACL_DEFAULT_DENY"}},
		{"a source in a zone the attachment lacks cannot use the transit gateway", func(*tgwDesign) {},
			tcp("app-a2", "app-b", 443), reach.Unreachable, []reach.Code{reach.TGWNoAttachmentInAZ}},
		{"a source in a zone the attachment has a subnet in can", func(d *tgwDesign) {
			d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-ta2", VPC: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.8.0/24")}, AvailabilityZone: "az-2"})
			d.atts[0].Subnets = append(d.atts[0].Subnets, "subnet-ta2")
		}, tcp("app-a2", "app-b", 443), reach.Reachable, nil},
		{"a route to a VPN attachment is indeterminate", func(*tgwDesign) {},
			tcp("app-a", "10.9.0.5", 443), reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}},
		{"a table whose routes are unknown is indeterminate", func(d *tgwDesign) { d.tgwRTs[0].Missing = "the routes of tgw-rtb-1" },
			tcp("app-a", "app-b", 443), reach.Indeterminate, []reach.Code{reach.TGWRoutesUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTGWDesign()
			tt.edit(d)
			r := check(t, d.build(t), tt.q)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.codes == nil {
				tt.codes = []reach.Code{}
			}
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
		})
	}
}

func TestTransitGatewayPath(t *testing.T) {
	m := newTGWDesign().build(t)
	reachtest.AssertReachable(t, m, tcp("app-a", "app-b", 443), "through tgw-1")
	r := check(t, m, tcp("app-a", "app-b", 443))
	want := []reach.Kind{reach.KindSecurityGroups, reach.KindRouteTable, reach.KindNetworkACL, reach.KindNetworkACL,
		reach.KindTransitGateway, reach.KindRouteTable, reach.KindNetworkACL, reach.KindNetworkACL, reach.KindSecurityGroups}
	assert.Equal(t, want, kinds(r.Forward), r.Text())
	assert.Equal(t, want, kinds(r.Return), r.Text())
	acls := []string{}
	for _, h := range r.Forward {
		if h.Kind == reach.KindNetworkACL {
			acls = append(acls, h.Name+" "+h.Direction.String())
		}
	}
	assert.Equal(t, []string{"subnet-a outbound", "subnet-ta inbound", "subnet-tb outbound", "subnet-b inbound"}, acls)
	tg := r.Forward[4]
	assert.Equal(t, "tgw-rtb-1", tg.ID)
	assert.Equal(t, "10.2.0.0/16 via att-b (propagated)", tg.Rule)
}

func TestTransitGatewayBuildErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(d *tgwDesign)
		path string
	}{
		{"a VPC route to a transit gateway not attached to the VPC", func(d *tgwDesign) { d.atts = d.atts[1:]; d.routes("tgw-rtb-1") }, "routeTables[0].Routes[0].TargetID"},
		{"a route to an unknown attachment", func(d *tgwDesign) { d.routes("tgw-rtb-1", tgwRoute("10.7.0.0/16", "att-x", false)) }, "tgwRouteTables[0].Routes[1].Attachment"},
		{"two static routes for one prefix", func(d *tgwDesign) {
			d.routes("tgw-rtb-1", tgwRoute("10.7.0.0/16", "att-b", false), tgwRoute("10.7.0.0/16", "", false))
		}, "tgwRouteTables[0].Routes[2].Destination"},
		{"a blackhole with an attachment", func(d *tgwDesign) {
			d.routes("tgw-rtb-1", reach.TGWRoute{Destination: pfx("10.7.0.0/16"), Attachment: "att-b", Blackhole: true})
		}, "tgwRouteTables[0].Routes[1].Attachment"},
		{"an association with an unknown table", func(d *tgwDesign) { d.atts[0].RouteTable = "tgw-rtb-x" }, "tgwAttachments[0].RouteTable"},
		{"an attachment subnet of another VPC", func(d *tgwDesign) { d.atts[0].Subnets = []string{"subnet-tb"} }, "tgwAttachments[0].Subnets[0]"},
		{"two attachment subnets in one zone", func(d *tgwDesign) { d.atts[0].Subnets = []string{"subnet-ta", "subnet-a"} }, "tgwAttachments[0].Subnets[1]"},
		{"a VPC attachment without subnets", func(d *tgwDesign) { d.atts[0].Subnets = nil }, "tgwAttachments[0].Subnets"},
		{"an attachment to an unknown transit gateway", func(d *tgwDesign) { d.atts[2].TransitGateway = "tgw-x" }, "tgwAttachments[2].TransitGateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTGWDesign()
			tt.edit(d)
			_, err := d.builder().Build()
			require.Error(t, err)
			require.ErrorIs(t, err, reach.ErrTopology)
			var paths []string
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var ie *flow.InputError
				if errors.As(e, &ie) {
					paths = append(paths, ie.Path)
				}
			}
			assert.Contains(t, paths, tt.path, err.Error())
		})
	}
}

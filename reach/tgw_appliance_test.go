package reach_test

import (
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

// applianceDesign is a centralised inspection design: spoke VPCs vpc-a
// (app-a in az-1) and vpc-b (app-b in az-2, app-b1 in az-1) reach each
// other only through the inspection VPC vpc-i, whose transit gateway
// attachment att-i has a subnet in each zone (subnet-ti1, subnet-ti2);
// each attachment subnet routes everything to the appliance of its zone
// (eni-ap1 in subnet-ap1, eni-ap2 in subnet-ap2), whose subnets route
// back to the transit gateway. Every ACL and group is open unless edited.
type applianceDesign struct {
	subnets []reach.Subnet
	acls    []nacl.ACL
	rts     []reach.RouteTable
	ifaces  []reach.Interface
	igws    []reach.InternetGatewaySpec
	groups  []sg.Group // beside sg-open, which allows everything
	tgwRTs  []reach.TGWRouteTable
	atts    []reach.TGWAttachment
}

func newApplianceDesign(appliance bool) *applianceDesign {
	sub := func(id, vpc, cidr, az, rt string) reach.Subnet {
		return reach.Subnet{ID: id, VPC: vpc, CIDRs: []netip.Prefix{pfx(cidr)}, AvailabilityZone: az, RouteTable: rt}
	}
	ip := func(s string) []netip.Addr { return []netip.Addr{netip.MustParseAddr(s)} }
	route := func(dest string, target reach.TargetKind, id string) reach.Route {
		return reach.Route{Destination: pfx(dest), Target: target, TargetID: id}
	}
	return &applianceDesign{
		rts: []reach.RouteTable{{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{route("10.0.0.0/8", reach.TargetTransitGateway, "tgw-1")}},
			{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{route("10.0.0.0/8", reach.TargetTransitGateway, "tgw-1")}},
			{ID: "rtb-i", VPC: "vpc-i", Routes: []reach.Route{route("10.0.0.0/8", reach.TargetTransitGateway, "tgw-1")}},
			{ID: "rtb-ti1", VPC: "vpc-i", Routes: []reach.Route{route("0.0.0.0/0", reach.TargetInterface, "eni-ap1")}},
			{ID: "rtb-ti2", VPC: "vpc-i", Routes: []reach.Route{route("0.0.0.0/0", reach.TargetInterface, "eni-ap2")}}},
		ifaces: []reach.Interface{{ID: "eni-a", Name: "app-a", Subnet: "subnet-a", PrivateIPs: ip("10.1.1.10"), Groups: []string{"sg-open"}},
			{ID: "eni-b", Name: "app-b", Subnet: "subnet-b", PrivateIPs: ip("10.2.1.10"), Groups: []string{"sg-open"}},
			{ID: "eni-b1", Name: "app-b1", Subnet: "subnet-b1", PrivateIPs: ip("10.2.2.10"), Groups: []string{"sg-open"}},
			{ID: "eni-ap1", Name: "ap-1", Subnet: "subnet-ap1", PrivateIPs: ip("10.9.11.5"), Groups: []string{"sg-open"}, SourceDestCheckDisabled: true},
			{ID: "eni-ap2", Name: "ap-2", Subnet: "subnet-ap2", PrivateIPs: ip("10.9.12.5"), Groups: []string{"sg-open"}, SourceDestCheckDisabled: true}},
		subnets: []reach.Subnet{
			sub("subnet-a", "vpc-a", "10.1.1.0/24", "az-1", ""),
			sub("subnet-b", "vpc-b", "10.2.1.0/24", "az-2", ""),
			sub("subnet-b1", "vpc-b", "10.2.2.0/24", "az-1", ""),
			sub("subnet-ti1", "vpc-i", "10.9.1.0/24", "az-1", "rtb-ti1"),
			sub("subnet-ti2", "vpc-i", "10.9.2.0/24", "az-2", "rtb-ti2"),
			sub("subnet-ap1", "vpc-i", "10.9.11.0/24", "az-1", ""),
			sub("subnet-ap2", "vpc-i", "10.9.12.0/24", "az-2", ""),
		},
		acls: []nacl.ACL{nacl.NewDefault("acl-a", "vpc-a", false), nacl.NewDefault("acl-b", "vpc-b", false), nacl.NewDefault("acl-i", "vpc-i", false),
			nacl.NewCustom("acl-closed", "vpc-i")},
		tgwRTs: []reach.TGWRouteTable{
			{ID: "tgw-rtb-spoke", TransitGateway: "tgw-1", Routes: []reach.TGWRoute{tgwRoute("0.0.0.0/0", "att-i", false)}},
			{ID: "tgw-rtb-insp", TransitGateway: "tgw-1"},
		},
		atts: []reach.TGWAttachment{
			{ID: "att-a", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-a", Subnets: []string{"subnet-a"}, RouteTable: "tgw-rtb-spoke", Propagations: []string{"tgw-rtb-insp"}},
			{ID: "att-b", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-b", Subnets: []string{"subnet-b", "subnet-b1"}, RouteTable: "tgw-rtb-spoke", Propagations: []string{"tgw-rtb-insp"}},
			{ID: "att-i", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-i", Subnets: []string{"subnet-ti1", "subnet-ti2"}, RouteTable: "tgw-rtb-insp", ApplianceMode: appliance},
		},
	}
}

// closed gives subnet id the ACL that denies everything.
func (d *applianceDesign) closed(id string) *applianceDesign {
	for i := range d.subnets {
		if d.subnets[i].ID == id {
			d.subnets[i].ACL = "acl-closed"
		}
	}
	return d
}

func (d *applianceDesign) build(t *testing.T) *reach.Model {
	t.Helper()
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"},
			reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{pfx("10.2.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"},
			reach.VPC{ID: "vpc-i", CIDRs: []netip.Prefix{pfx("10.9.0.0/16")}, MainRouteTable: "rtb-i", DefaultACL: "acl-i"}).
		AddSubnet(d.subnets...).
		AddRouteTable(d.rts...).
		AddNetworkACL(d.acls...).
		AddSecurityGroup(sg.Group{ID: "sg-open", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}}).
		AddSecurityGroup(d.groups...).
		AddInterface(d.ifaces...).
		AddInternetGateway(d.igws...).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1"}).AddTGWRouteTable(d.tgwRTs...).AddTGWAttachment(d.atts...).
		Build()
	require.NoError(t, err)
	return m
}

// routeTables lists the route tables a leg meets, in order.
func routeTables(hops []reach.Hop) []string {
	var ids []string
	for _, h := range hops {
		if h.Kind == reach.KindRouteTable {
			ids = append(ids, h.ID)
		}
	}
	return ids
}

// With appliance mode, the transit gateway's flow hash picks the subnet
// of att-i a flow takes, in any zone, and keeps both directions there:
// the answer is the one every subnet it can pick gives, and undecided
// (TGW_APPLIANCE_ZONE_UNKNOWN) when they differ. Without it, each
// direction keeps to its source's zone.
func TestTransitGatewayApplianceMode(t *testing.T) {
	tests := []struct {
		name      string
		appliance bool
		edit      func(d *applianceDesign)
		from, to  string
		want      reach.Outcome
		codes     []reach.Code
		fwd, ret  []string // the route tables each leg meets (the trace's choice of zone)
	}{
		{"both directions through the request's zone", true, nil, "app-a", "app-b", reach.Reachable, nil,
			[]string{"rtb-a", "rtb-ti1", "rtb-i", "rtb-b"}, []string{"rtb-b", "rtb-ti1", "rtb-i"}},
		{"without appliance mode the reply keeps to its own zone", false, nil, "app-a", "app-b", reach.Reachable, nil,
			[]string{"rtb-a", "rtb-ti1", "rtb-i", "rtb-b"}, []string{"rtb-b", "rtb-ti2", "rtb-i"}},
		{"the zones differ: undecided", true, func(d *applianceDesign) { d.closed("subnet-ti2") }, "app-a", "app-b",
			reach.Indeterminate, []reach.Code{reach.TGWApplianceZoneUnknown},
			[]string{"rtb-a", "rtb-ti1", "rtb-i", "rtb-b"}, []string{"rtb-b", "rtb-ti1", "rtb-i"}},
		{"the zones differ, the reply's zone is closed, without appliance mode", false, func(d *applianceDesign) { d.closed("subnet-ti2") }, "app-a", "app-b",
			reach.Unreachable, []reach.Code{reach.ACLDefaultDeny.OnLeg(reach.Return), reach.ACLDefaultDeny.OnLeg(reach.Return)},
			[]string{"rtb-a", "rtb-ti1", "rtb-i", "rtb-b"}, []string{"rtb-b", "rtb-ti2", "rtb-i"}},
		{"a flow within one zone may be hashed to the other", true, func(d *applianceDesign) { d.closed("subnet-ti2") }, "app-a", "app-b1",
			reach.Indeterminate, []reach.Code{reach.TGWApplianceZoneUnknown},
			[]string{"rtb-a", "rtb-ti1", "rtb-i"}, []string{"rtb-b", "rtb-ti1", "rtb-i"}},
		{"a flow within one zone stays there without appliance mode", false, func(d *applianceDesign) { d.closed("subnet-ti2") }, "app-a", "app-b1",
			reach.Reachable, nil, []string{"rtb-a", "rtb-ti1", "rtb-i"}, []string{"rtb-b", "rtb-ti1", "rtb-i"}},
		{"every zone closed: unreachable whichever the hash picks", true, func(d *applianceDesign) { d.closed("subnet-ti1").closed("subnet-ti2") }, "app-a", "app-b",
			reach.Unreachable, []reach.Code{reach.ACLDefaultDeny, reach.ACLDefaultDeny, reach.ACLDefaultDeny.OnLeg(reach.Return), reach.ACLDefaultDeny.OnLeg(reach.Return)},
			[]string{"rtb-a", "rtb-ti1", "rtb-i", "rtb-b"}, []string{"rtb-b", "rtb-ti1", "rtb-i"}},
		{"a reply through an attachment the request did not leave by is a choice of its own", true, func(d *applianceDesign) {
			d.closed("subnet-ti2")
			d.tgwRTs = append(d.tgwRTs, reach.TGWRouteTable{ID: "tgw-rtb-direct", TransitGateway: "tgw-1", Routes: []reach.TGWRoute{tgwRoute("10.2.0.0/16", "att-b", false)}})
			d.atts[0].RouteTable = "tgw-rtb-direct"
		}, "app-a", "app-b", reach.Indeterminate, []reach.Code{reach.TGWApplianceZoneUnknown.OnLeg(reach.Return)},
			[]string{"rtb-a", "rtb-b"}, []string{"rtb-b", "rtb-ti1", "rtb-i"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newApplianceDesign(tt.appliance)
			if tt.edit != nil {
				tt.edit(d)
			}
			m := d.build(t)
			q := reach.Query{From: tt.from, To: tt.to, Protocol: flow.TCP, Port: 443}
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tt.want, r.Outcome, r.Text())
			var codes []reach.Code
			for _, b := range r.Blocks {
				codes = append(codes, b.Code)
			}
			assert.Equal(t, tt.codes, codes, r.Text())
			assert.Equal(t, tt.fwd, routeTables(r.Forward), "request")
			assert.Equal(t, tt.ret, routeTables(r.Return), "reply")
			for _, legs := range [][]reach.Hop{r.Forward, r.Return} {
				for _, h := range legs {
					if h.Undecided() {
						assert.Contains(t, h.Missing, "which subnet of att-i (subnet-ti1, subnet-ti2) the transit gateway's flow hash picks")
						assert.NotEmpty(t, h.Fix)
					}
				}
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, v, "Verdict agrees with Check")
		})
	}
}

// Ports answers per port what every subnet the flow hash can pick
// answers: a port one zone's ACL closes and the other's opens is
// undecided. Matrix, by zone worlds, answers each port alike.
func TestTransitGatewayApplianceModeSetQuestions(t *testing.T) {
	d := newApplianceDesign(true)
	d.acls = append(d.acls, nacl.ACL{ID: "acl-443", VPCID: "vpc-i", Entries: []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.TCP, CIDR: pfx("0.0.0.0/0"), Ports: flow.PortRange{Lo: 443, Hi: 443}},
		{Number: 110, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.TCP, CIDR: pfx("0.0.0.0/0"), Ports: flow.PortRange{Lo: 1024, Hi: 65535}},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: pfx("0.0.0.0/0")},
	}})
	i := slices.IndexFunc(d.subnets, func(s reach.Subnet) bool { return s.ID == "subnet-ap2" })
	d.subnets[i].ACL = "acl-443"
	m := d.build(t)
	p, err := m.Ports(reach.PortsQuery{From: "app-a", To: "app-b", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.Equal(t, "443,1024-65535", p.Open.String(), "open through either appliance")
	assert.Equal(t, "1-442,444-1023", p.Indeterminate.String(), "open through ap-1 only")
	for _, port := range []uint16{22, 443, 8080} {
		v, err := m.Verdict(reach.Query{From: "app-a", To: "app-b", Protocol: flow.TCP, Port: port})
		require.NoError(t, err)
		assert.Equal(t, v == reach.Reachable, p.Open.Contains(port), "port %d", port)
	}
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err, "Matrix answers by zone worlds (tgw_worlds_test.go)")
	c := brute.CellOf(mx, "C1", "C2")
	assert.Equal(t, p.Open.String(), c.Allowed.TCP.String(), "the matrix's cell holds what Ports finds open")
	assert.Equal(t, p.Indeterminate.String(), c.Indeterminate.TCP.String())
}

// A packet that enters the transit gateway in a zone where the
// appliance-mode attachment has no subnet is sent through whichever
// subnet the flow hash picks, in any zone: the walk tries each, so
// subnets that differ (their own route tables, to their own appliances)
// leave the answer certain where every choice gets through, not
// undecided as for an attachment without appliance mode
// (TGW_EXIT_ZONE_UNKNOWN).
func TestTransitGatewayApplianceModeFromAZoneWithoutSubnet(t *testing.T) {
	for _, tc := range []struct {
		name   string
		closed string // an appliance subnet whose ACL lets nothing through
		want   reach.Outcome
		code   reach.Code
	}{
		{"every choice gets through", "", reach.Reachable, ""},
		{"one choice is stopped", "subnet-ap2", reach.Indeterminate, reach.TGWApplianceZoneUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newApplianceDesign(true)
			d.subnets = append(d.subnets,
				reach.Subnet{ID: "subnet-a2", VPC: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.2.0/24")}, AvailabilityZone: "az-2"},
				reach.Subnet{ID: "subnet-a3", VPC: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.3.0/24")}, AvailabilityZone: "az-3"})
			d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-a3", Subnet: "subnet-a3", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.3.10")}, Groups: []string{"sg-open"}})
			d.atts[0].Subnets = []string{"subnet-a", "subnet-a2", "subnet-a3"}
			if tc.closed != "" {
				d.closed(tc.closed)
			}
			m := d.build(t)
			r, err := m.Check(reach.Query{From: "eni-a3", To: "eni-b", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			assert.NotContains(t, r.Codes(), reach.TGWExitZoneUnknown, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code, r.Text())
			}
		})
	}
}

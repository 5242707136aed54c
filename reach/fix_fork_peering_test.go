package reach_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// armsEstate is three VPCs: A (10.0.0.0/16) with client c (subnet-c) and
// a two-armed appliance i-ap (eni-in in subnet-in, eni-out in
// subnet-out, checks off); B (10.1.0.0/16), peered with A by pcx-ab,
// holding d; C (10.2.0.0/16), joined to A by transit gateway tgw-1 (A's
// attachment in subnet-tatt), holding e. subnet-c sends B and C to
// eni-in; subnet-in (main table rtb-a: local only) and subnet-out (rtb-out)
// go on from the appliance.
type armsEstate struct {
	rts     []reach.RouteTable
	subnets []reach.Subnet
	ifaces  []reach.Interface
	groups  []sg.Group
	acls    []nacl.ACL
	tgwRTs  []reach.TGWRouteTable
	atts    []reach.TGWAttachment
}

func armsRoute(dst string, k reach.TargetKind, id string) reach.Route {
	return reach.Route{Destination: netip.MustParsePrefix(dst), Target: k, TargetID: id}
}

func newArmsEstate() *armsEstate {
	sub := func(id, vpc, cidr, rt string) reach.Subnet {
		return reach.Subnet{ID: id, VPC: vpc, CIDRs: []netip.Prefix{netip.MustParsePrefix(cidr)}, AvailabilityZone: "az-1", RouteTable: rt}
	}
	ip := func(s string) []netip.Addr { return []netip.Addr{netip.MustParseAddr(s)} }
	return &armsEstate{
		rts: []reach.RouteTable{
			{ID: "rtb-a", VPC: "vpc-a"},
			{ID: "rtb-c", VPC: "vpc-a", Routes: []reach.Route{armsRoute("10.1.0.0/16", reach.TargetInterface, "eni-in"), armsRoute("10.2.0.0/16", reach.TargetInterface, "eni-in")}},
			{ID: "rtb-out", VPC: "vpc-a", Routes: []reach.Route{armsRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab"), armsRoute("10.2.0.0/16", reach.TargetTransitGateway, "tgw-1")}},
			{ID: "rtb-tatt", VPC: "vpc-a", Routes: []reach.Route{armsRoute("10.1.0.0/16", reach.TargetInterface, "eni-in")}},
			{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{armsRoute("10.0.0.0/16", reach.TargetPeering, "pcx-ab")}},
			{ID: "rtb-cc", VPC: "vpc-c", Routes: []reach.Route{armsRoute("10.0.0.0/8", reach.TargetTransitGateway, "tgw-1")}},
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
		acls: []nacl.ACL{nacl.NewDefault("acl-a", "vpc-a", false), nacl.NewDefault("acl-b", "vpc-b", false), nacl.NewDefault("acl-cc", "vpc-c", false)},
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

func (d *armsEstate) iface(id string) *reach.Interface {
	return &d.ifaces[slices.IndexFunc(d.ifaces, func(in reach.Interface) bool { return in.ID == id })]
}

func (d *armsEstate) rt(id string) *reach.RouteTable {
	return &d.rts[slices.IndexFunc(d.rts, func(r reach.RouteTable) bool { return r.ID == id })]
}

func (d *armsEstate) subnet(id string) *reach.Subnet {
	return &d.subnets[slices.IndexFunc(d.subnets, func(s reach.Subnet) bool { return s.ID == id })]
}

// closeOutbound gives interface id a group that lets nothing out.
func (d *armsEstate) closeOutbound(id string) {
	d.groups = append(d.groups, sg.Group{ID: "sg-inonly", Rules: []sg.Rule{{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
	d.iface(id).Groups = []string{"sg-inonly"}
}

// denyToB gives subnet id an ACL whose outbound entry 50 denies VPC B.
func (d *armsEstate) denyToB(id string) {
	a := nacl.NewCustom("acl-deny-b", "vpc-a")
	a.Entries = []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
		{Number: 50, Action: flow.Drop, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.1.0.0/16")},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
	d.acls = append(d.acls, a)
	d.subnet(id).ACL = "acl-deny-b"
}

func (d *armsEstate) build(t *testing.T) *reach.Model {
	t.Helper()
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	m, err := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MainRouteTable: "rtb-a", DefaultACL: "acl-a"},
			reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}, MainRouteTable: "rtb-b", DefaultACL: "acl-b"},
			reach.VPC{ID: "vpc-c", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.2.0.0/16")}, MainRouteTable: "rtb-cc", DefaultACL: "acl-cc"}).
		AddSubnet(d.subnets...).AddRouteTable(d.rts...).AddNetworkACL(d.acls...).
		AddSecurityGroup(sg.Group{ID: "sg-open", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}}).
		AddSecurityGroup(d.groups...).AddInterface(d.ifaces...).
		AddPeering(reach.Peering{ID: "pcx-ab", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b"}).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1"}).AddTGWRouteTable(d.tgwRTs...).AddTGWAttachment(d.atts...).
		Build()
	require.NoError(t, err)
	return m
}

// noRouteHop returns the NO_ROUTE hop of r's request.
func noRouteHop(t *testing.T, r *reach.Result) reach.Hop {
	t.Helper()
	i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Code == reach.NoRoute })
	require.GreaterOrEqual(t, i, 0, "a NO_ROUTE hop:\n%s", r.Text())
	return r.Forward[i]
}

// A two-armed appliance may send c's packets for d out of either
// interface: a certain answer needs every interface's path to reach. Fix
// opens the path the trace shows, then, the answer undecided only
// because the interfaces' paths disagree, the other interface's blocks.
func TestFixOpensEveryEgressPath(t *testing.T) {
	q := reach.Query{From: "c", To: "d", Protocol: flow.TCP, Port: 443}
	tests := []struct {
		name    string
		setup   func(d *armsEstate)
		before  reach.Outcome
		noFix   string // the ErrNoFix text's part, when no fix is wanted
		another string // the start of a change's text for the other interface's path
	}{
		{name: "both paths blocked for certain: eni-in's groups, subnet-out's ACL",
			setup: func(d *armsEstate) {
				d.closeOutbound("eni-in")
				d.denyToB("subnet-out")
			},
			before: reach.Unreachable, another: "on the path where instance i-ap sends the request out of eni-out (not the one the trace shows): "},
		{name: "only the other interface's path blocked: undecided before",
			setup:  func(d *armsEstate) { d.denyToB("subnet-out") },
			before: reach.Indeterminate, another: "on the path where instance i-ap sends the request out of eni-out (not the one the trace shows): "},
		{name: "the other path's block is no route Fix writes: the error names that path",
			setup: func(d *armsEstate) {
				d.closeOutbound("eni-in")
				d.rt("rtb-out").Routes = nil
			},
			before: reach.Unreachable, noFix: "on the path where instance i-ap sends the request out of eni-out (not the one the trace shows): no fix: route table rtb-out has no route for 10.1.1.10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newArmsEstate()
			d.rt("rtb-a").Routes = append(d.rt("rtb-a").Routes, armsRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab"))
			tt.setup(d)
			m := d.build(t)
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, tt.before, r.Outcome, r.Text())

			fr, err := m.Fix(q, reach.Reachable)
			if tt.noFix != "" {
				require.ErrorIs(t, err, reach.ErrNoFix)
				assert.Contains(t, err.Error(), tt.noFix)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, fr.After)
			other := slices.IndexFunc(fr.Changes, func(c reach.Change) bool { return strings.HasPrefix(c.Text, tt.another) })
			require.GreaterOrEqual(t, other, 0, "a change for the other interface's path: %+v", fr.Changes)
			assert.Zero(t, fr.Changes[other].Hop, "not a hop of the query's trace")
			for _, p := range []*reach.Model{fr.Patched, mustApply(t, m, fr.Changes)} {
				after, err := p.Check(q)
				require.NoError(t, err)
				assert.Equal(t, reach.Reachable, after.Outcome, after.Text())
			}
		})
	}
}

func mustApply(t *testing.T, m *reach.Model, cs []reach.Change) *reach.Model {
	t.Helper()
	p, err := m.Apply(cs)
	require.NoError(t, err)
	return p
}

// The NO_ROUTE hop's fix proposes a route to a peering connection only
// where the connection can carry the packet (its source is in the near
// VPC); for a packet that entered by a transit gateway it says why such
// a route would not carry it and what would. Each proposal is applied
// and checked.
func TestNoRouteFixPeeringNeedsSourceInVPC(t *testing.T) {
	tests := []struct {
		name     string
		q        reach.Query
		setup    func(d *armsEstate)
		contains []string
		excludes string
		apply    func(d *armsEstate) // the fix proposed, made by hand
		after    reach.Outcome
	}{
		{name: "source in the near VPC: the peering route",
			q:        reach.Query{From: "c", To: "d", Protocol: flow.TCP, Port: 443},
			setup:    func(d *armsEstate) { d.rt("rtb-c").Routes = nil },
			contains: []string{"add a route 10.1.0.0/16 via pcx-ab to rtb-c"},
			apply: func(d *armsEstate) {
				d.rt("rtb-c").Routes = []reach.Route{armsRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab")}
			},
			after: reach.Reachable},
		{name: "source came by the transit gateway: the peering would drop it",
			q:        reach.Query{From: "e", To: "d", Protocol: flow.TCP, Port: 443},
			setup:    func(d *armsEstate) { d.rt("rtb-tatt").Routes = nil },
			contains: []string{"a route for 10.1.0.0/16 to the peering connection with vpc-b would not carry it", "10.2.1.10 is not one (this packet entered vpc-a by transit gateway tgw-1)", "attach vpc-b to transit gateway tgw-1", "route 10.1.0.0/16 to that attachment in tgw-rtb-1"},
			excludes: "pcx-ab",
			apply: func(d *armsEstate) {
				d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-batt", VPC: "vpc-b", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.9.0/24")}, AvailabilityZone: "az-1"})
				d.atts = append(d.atts, reach.TGWAttachment{ID: "att-b", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-b", Subnets: []string{"subnet-batt"}, RouteTable: "tgw-rtb-1"})
				d.tgwRTs[0].Routes[1].Attachment = "att-b"
				d.rt("rtb-b").Routes = append(d.rt("rtb-b").Routes, armsRoute("10.2.0.0/16", reach.TargetTransitGateway, "tgw-1"))
			},
			after: reach.Reachable},
		{name: "source came by the transit gateway, vpc-b attached to it already: only the routes",
			q: reach.Query{From: "e", To: "d", Protocol: flow.TCP, Port: 443},
			setup: func(d *armsEstate) {
				d.rt("rtb-tatt").Routes = nil
				d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-batt", VPC: "vpc-b", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.9.0/24")}, AvailabilityZone: "az-1"})
				d.atts = append(d.atts, reach.TGWAttachment{ID: "att-b", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-b", Subnets: []string{"subnet-batt"}, RouteTable: "tgw-rtb-1"})
			},
			contains: []string{"would not carry it", "vpc-b is attached to transit gateway tgw-1, by which the packet came, already (att-b): route 10.1.0.0/16 to att-b in tgw-rtb-1, and route the source's blocks back to tgw-1 in vpc-b's route tables"},
			excludes: "attach vpc-b",
			apply: func(d *armsEstate) {
				d.tgwRTs[0].Routes[1].Attachment = "att-b"
				d.rt("rtb-b").Routes = append(d.rt("rtb-b").Routes, armsRoute("10.2.0.0/16", reach.TargetTransitGateway, "tgw-1"))
			},
			after: reach.Reachable},
		{name: "source came by the transit gateway: the peering route, made anyway, is dropped at the peering",
			q:        reach.Query{From: "e", To: "d", Protocol: flow.TCP, Port: 443},
			setup:    func(d *armsEstate) { d.rt("rtb-tatt").Routes = nil },
			contains: []string{"would not carry it"},
			apply: func(d *armsEstate) {
				d.rt("rtb-tatt").Routes = []reach.Route{armsRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab")}
			},
			after: reach.Unreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newArmsEstate()
			tt.setup(d)
			r, err := d.build(t).Check(tt.q)
			require.NoError(t, err)
			require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			h := noRouteHop(t, r)
			for _, s := range tt.contains {
				assert.Contains(t, h.Fix, s)
			}
			if tt.excludes != "" {
				assert.NotContains(t, h.Fix, tt.excludes)
			}
			tt.apply(d)
			r, err = d.build(t).Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.after, r.Outcome, r.Text())
		})
	}
}

// A packet that entered a VPC by a transit gateway and is routed to a
// peering is dropped there; the hop's reason names the transit gateway
// among the ways in a peering carries nothing from.
func TestPeeringOutsideNamesTransitGateway(t *testing.T) {
	tests := []struct {
		name     string
		q        reach.Query
		contains []string
	}{
		{name: "from VPC C by tgw-1",
			q:        reach.Query{From: "e", To: "d", Protocol: flow.TCP, Port: 443},
			contains: []string{"the internet, a VPN, a transit gateway or another peering", "(this packet entered vpc-a by transit gateway tgw-1)", "attach vpc-b to transit gateway tgw-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newArmsEstate()
			d.rt("rtb-tatt").Routes = []reach.Route{armsRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab")}
			r, err := d.build(t).Check(tt.q)
			require.NoError(t, err)
			i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Code == reach.PeeringAddressOutsideVPC })
			require.GreaterOrEqual(t, i, 0, r.Text())
			text := r.Forward[i].Reason() + " " + r.Forward[i].Fix
			for _, s := range tt.contains {
				assert.Contains(t, text, s)
			}
		})
	}
}

// A security group open to the internet on an interface of a VPC without
// an internet gateway is closed by the VPC's lack of one: Lint's and the
// audit's words name the VPC as a VPC, not as an internet gateway.
func TestClosedByNoInternetGatewayWords(t *testing.T) {
	m := newArmsEstate().build(t)
	lr, err := m.Lint(reach.LintOptions{})
	require.NoError(t, err)
	ar, err := m.Audit(reach.AuditOptions{})
	require.NoError(t, err)
	tests := []struct {
		name string
		text string
	}{
		{"lint", func() string {
			var b strings.Builder
			for _, f := range lr.Findings {
				if f.ID == reach.LintExposedRiskyClosed {
					b.WriteString(f.Message + "\n")
				}
			}
			return b.String()
		}()},
		{"audit", ar.Text()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, tt.text, "closed by vpc-a having no internet gateway (NO_INTERNET_GATEWAY, forward hop 1)")
			assert.NotContains(t, tt.text, "internet-gateway vpc-")
		})
	}
}

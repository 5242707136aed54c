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

// closeOutbound gives interface id a group that lets nothing out.
func (d *twoArmEstate) closeOutbound(id string) {
	d.groups = append(d.groups, sg.Group{ID: "sg-inonly", Rules: []sg.Rule{{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
	d.iface(id).Groups = []string{"sg-inonly"}
}

// denyToB gives subnet id an ACL whose outbound entry 50 denies VPC B.
func (d *twoArmEstate) denyToB(id string) {
	a := nacl.NewCustom("acl-deny-b", "vpc-a")
	a.Entries = []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
		{Number: 50, Action: flow.Drop, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("10.1.0.0/16")},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
	d.acls = append(d.acls, a)
	d.subnet(id).ACL = "acl-deny-b"
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
		setup   func(d *twoArmEstate)
		before  reach.Outcome
		noFix   string // the ErrNoFix text's part, when no fix is wanted
		another string // the start of a change's text for the other interface's path
	}{
		{name: "both paths blocked for certain: eni-in's groups, subnet-out's ACL",
			setup: func(d *twoArmEstate) {
				d.closeOutbound("eni-in")
				d.denyToB("subnet-out")
			},
			before: reach.Unreachable, another: "on the path where instance i-ap sends the request out of eni-out (not the one the trace shows): "},
		{name: "only the other interface's path blocked: undecided before",
			setup:  func(d *twoArmEstate) { d.denyToB("subnet-out") },
			before: reach.Indeterminate, another: "on the path where instance i-ap sends the request out of eni-out (not the one the trace shows): "},
		{name: "the other path's block is no route Fix writes: the error names that path",
			setup: func(d *twoArmEstate) {
				d.closeOutbound("eni-in")
				d.rt("rtb-out").Routes = nil
			},
			before: reach.Unreachable, noFix: "on the path where instance i-ap sends the request out of eni-out (not the one the trace shows): no fix: route table rtb-out has no route for 10.1.1.10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTwoArmEstate()
			d.rt("rtb-a").Routes = append(d.rt("rtb-a").Routes, armRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab"))
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
		setup    func(d *twoArmEstate)
		contains []string
		excludes string
		apply    func(d *twoArmEstate) // the fix proposed, made by hand
		after    reach.Outcome
	}{
		{name: "source in the near VPC: the peering route",
			q:        reach.Query{From: "c", To: "d", Protocol: flow.TCP, Port: 443},
			setup:    func(d *twoArmEstate) { d.rt("rtb-c").Routes = nil },
			contains: []string{"add a route 10.1.0.0/16 via pcx-ab to rtb-c"},
			apply: func(d *twoArmEstate) {
				d.rt("rtb-c").Routes = []reach.Route{armRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab")}
			},
			after: reach.Reachable},
		{name: "source came by the transit gateway: the peering would drop it",
			q:        reach.Query{From: "e", To: "d", Protocol: flow.TCP, Port: 443},
			setup:    func(d *twoArmEstate) { d.rt("rtb-tatt").Routes = nil },
			contains: []string{"a route for 10.1.0.0/16 to the peering connection with vpc-b would not carry it", "10.2.1.10 is not one (this packet entered vpc-a by transit gateway tgw-1)", "attach vpc-b to transit gateway tgw-1", "route 10.1.0.0/16 to that attachment in tgw-rtb-1"},
			excludes: "pcx-ab",
			apply: func(d *twoArmEstate) {
				d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-batt", VPC: "vpc-b", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.9.0/24")}, AvailabilityZone: "az-1"})
				d.atts = append(d.atts, reach.TGWAttachment{ID: "att-b", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-b", Subnets: []string{"subnet-batt"}, RouteTable: "tgw-rtb-1"})
				d.tgwRTs[0].Routes[1].Attachment = "att-b"
				d.rt("rtb-b").Routes = append(d.rt("rtb-b").Routes, armRoute("10.2.0.0/16", reach.TargetTransitGateway, "tgw-1"))
			},
			after: reach.Reachable},
		{name: "source came by the transit gateway, vpc-b attached to it already: only the routes",
			q: reach.Query{From: "e", To: "d", Protocol: flow.TCP, Port: 443},
			setup: func(d *twoArmEstate) {
				d.rt("rtb-tatt").Routes = nil
				d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-batt", VPC: "vpc-b", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.9.0/24")}, AvailabilityZone: "az-1"})
				d.atts = append(d.atts, reach.TGWAttachment{ID: "att-b", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-b", Subnets: []string{"subnet-batt"}, RouteTable: "tgw-rtb-1"})
			},
			contains: []string{"would not carry it", "vpc-b is attached to transit gateway tgw-1, by which the packet came, already (att-b): route 10.1.0.0/16 to att-b in tgw-rtb-1, and route the source's blocks back to tgw-1 in vpc-b's route tables"},
			excludes: "attach vpc-b",
			apply: func(d *twoArmEstate) {
				d.tgwRTs[0].Routes[1].Attachment = "att-b"
				d.rt("rtb-b").Routes = append(d.rt("rtb-b").Routes, armRoute("10.2.0.0/16", reach.TargetTransitGateway, "tgw-1"))
			},
			after: reach.Reachable},
		{name: "source came by the transit gateway: the peering route, made anyway, is dropped at the peering",
			q:        reach.Query{From: "e", To: "d", Protocol: flow.TCP, Port: 443},
			setup:    func(d *twoArmEstate) { d.rt("rtb-tatt").Routes = nil },
			contains: []string{"would not carry it"},
			apply: func(d *twoArmEstate) {
				d.rt("rtb-tatt").Routes = []reach.Route{armRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab")}
			},
			after: reach.Unreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTwoArmEstate()
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
			d := newTwoArmEstate()
			d.rt("rtb-tatt").Routes = []reach.Route{armRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab")}
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
	m := newTwoArmEstate().build(t)
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

package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// withReference gives app-a (vpc-a) the group sg-app and app-b (vpc-b)
// the group sg-web, which lets in tcp 443 from the members of sg-app
// only; both let everything out. app-a3, beside app-a, carries sg-open. vpcCIDR also lets tcp 443 in from
// vpc-a's block, by address.
func (d *tgwDesign) withReference(vpcCIDR bool) *tgwDesign {
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	web := sg.Group{ID: "sg-web", VPCID: "vpc-b", Rules: []sg.Rule{
		{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 443, Hi: 443}, Peer: sg.Peer{Kind: sg.PeerGroup, Group: "sg-app"}},
		all(flow.Outbound)}}
	if vpcCIDR {
		web.Rules = append(web.Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 443, Hi: 443}, Peer: sg.CIDR("10.1.0.0/16")})
	}
	d.groups = append(d.groups, sg.Group{ID: "sg-app", VPCID: "vpc-a", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}}, web)
	d.ifaces[0].Groups = []string{"sg-app"}
	d.ifaces[2].Groups = []string{"sg-web"}
	d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-a3", Name: "app-a3", Subnet: "subnet-a",
		PrivateIPs: []netip.Addr{netip.MustParseAddr("10.1.1.30")}, Groups: []string{"sg-open"}})
	return d
}

// referencing sets tgw-1's security group referencing support ("on",
// "off", "unknown") and att-a's and att-b's ("" for the default,
// "off", "unknown").
func (d *tgwDesign) referencing(gw, a, b string) *tgwDesign {
	d.gw.SecurityGroupReferencing = gw == "on"
	if gw == "unknown" {
		d.gw.SecurityGroupReferencingUnknown = "Options.SecurityGroupReferencingSupport of tgw-1"
	}
	for i, v := range [2]string{a, b} {
		d.atts[i].SecurityGroupReferencingDisabled = v == "off"
		if v == "unknown" {
			d.atts[i].SecurityGroupReferencingUnknown = "Options.SecurityGroupReferencingSupport of " + d.atts[i].ID
		}
	}
	return d
}

// An inbound rule that references a group of the source's VPC matches
// across a transit gateway only when the gateway and both attachments
// have security group referencing support (AWS's defaults: off at the
// gateway, on at attachments); where one is off the reference matches
// nothing, and where none is off but one is unknown, a reference that
// would decide is undecided, naming the option.
func TestSecurityGroupReferenceAcrossATransitGateway(t *testing.T) {
	tests := []struct {
		name      string
		gw, a, b  string
		vpcCIDR   bool
		from      string
		want      reach.Outcome
		code      reach.Code
		missingOf string // a word of the undecided hop's Missing
	}{
		{"AWS's defaults: off at the gateway", "off", "", "", false, "app-a", reach.Unreachable, reach.SGNoAllow, ""},
		{"on at the gateway, attachments by default", "on", "", "", false, "app-a", reach.Reachable, "", ""},
		{"off at the destination's attachment", "on", "", "off", false, "app-a", reach.Unreachable, reach.SGNoAllow, ""},
		{"off at the source's attachment", "on", "off", "", false, "app-a", reach.Unreachable, reach.SGNoAllow, ""},
		{"the gateway's option unknown", "unknown", "", "", false, "app-a", reach.Indeterminate, reach.SGIndeterminate, "Options.SecurityGroupReferencingSupport of tgw-1"},
		{"an attachment's option unknown", "on", "", "unknown", false, "app-a", reach.Indeterminate, reach.SGIndeterminate, "of att-b"},
		{"unknown, but off at an attachment", "unknown", "off", "", false, "app-a", reach.Unreachable, reach.SGNoAllow, ""},
		{"unknown, a block lets it in anyway", "unknown", "", "", true, "app-a", reach.Reachable, "", ""},
		{"unknown, the source is no member", "unknown", "", "", false, "app-a3", reach.Unreachable, reach.SGNoAllow, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTGWDesign().withReference(tt.vpcCIDR).referencing(tt.gw, tt.a, tt.b).build(t)
			r, err := m.Check(reach.Query{From: tt.from, To: "app-b", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			if tt.code == "" {
				return
			}
			var hop *reach.Hop
			for i := range r.Forward {
				if r.Forward[i].Code != "" {
					hop = &r.Forward[i]
					break
				}
			}
			require.NotNil(t, hop, r.Text())
			assert.Equal(t, tt.code, hop.Code)
			assert.Equal(t, reach.KindSecurityGroups, hop.Kind)
			if tt.missingOf != "" {
				assert.Contains(t, hop.Missing, tt.missingOf)
				assert.Contains(t, hop.Missing, "sg-app")
				assert.Contains(t, hop.Fix, "security_group_referencing_support")
			}
		})
	}
}

// The set questions answer a transit gateway's security group
// referencing as Check does: brute force over Ports, Sources, Matrix and
// Audit with the support on, off and unknown.
func TestSecurityGroupReferenceAcrossATransitGatewaySetAnswers(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	for _, gw := range []string{"on", "off", "unknown"} {
		for _, b := range []string{"", "unknown"} {
			t.Run(gw+"/"+b, func(t *testing.T) {
				m := newTGWDesign().withReference(false).referencing(gw, "", b).build(t)
				brute.CheckSetAnswers(t, m, brute.Options{
					Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}, {From: "app-a3", To: "app-b", Protocol: flow.TCP}},
					Step:    211,
					Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}},
					Few:     true,
				})
			})
		}
	}
}

// Two transit gateways: app-a (vpc-a, on tgw-1) -> tgw-1 -> vpc-m ->
// tgw-2 -> app-b (vpc-b, on tgw-2), all options on. sg-web references
// sg-app, a group of vpc-a, which is not attached to tgw-2 (AWS: a
// reference works to groups of VPCs attached to the same transit gateway).
func TestReferenceAcrossTwoTransitGateways(t *testing.T) {
	d := newTGWDesign().withReference(false).referencing("on", "", "")
	d.vpcs = append(d.vpcs, reach.VPC{ID: "vpc-m", CIDRs: []netip.Prefix{pfx("10.3.0.0/16")}, MainRouteTable: "rtb-m", DefaultACL: "acl-m"})
	d.subnets = append(d.subnets,
		reach.Subnet{ID: "subnet-m1", VPC: "vpc-m", CIDRs: []netip.Prefix{pfx("10.3.1.0/24")}, AvailabilityZone: "az-1"},
		reach.Subnet{ID: "subnet-m2", VPC: "vpc-m", CIDRs: []netip.Prefix{pfx("10.3.2.0/24")}, AvailabilityZone: "az-1"})
	d.rts = append(d.rts, reach.RouteTable{ID: "rtb-m", VPC: "vpc-m", Routes: []reach.Route{
		{Destination: pfx("10.1.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"},
		{Destination: pfx("10.2.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-2"}}})
	for i := range d.rts {
		if d.rts[i].ID == "rtb-b" {
			d.rts[i].Routes[0].TargetID = "tgw-2"
		}
	}
	d.acls = append(d.acls, nacl.NewDefault("acl-m", "vpc-m", false))
	// tgw-1: vpc-a and vpc-m; tgw-2: vpc-m and vpc-b
	d.tgwRTs = []reach.TGWRouteTable{
		{ID: "tgw-rtb-1", TransitGateway: "tgw-1", Routes: []reach.TGWRoute{tgwRoute("10.1.0.0/16", "att-a", false), tgwRoute("10.2.0.0/16", "att-m1", false)}},
		{ID: "tgw-rtb-2", TransitGateway: "tgw-2", Routes: []reach.TGWRoute{tgwRoute("10.2.0.0/16", "att-b", false), tgwRoute("10.1.0.0/16", "att-m2", false)}},
	}
	d.atts = []reach.TGWAttachment{
		{ID: "att-a", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-a", Subnets: []string{"subnet-ta"}, RouteTable: "tgw-rtb-1"},
		{ID: "att-m1", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-m", Subnets: []string{"subnet-m1"}, RouteTable: "tgw-rtb-1"},
		{ID: "att-m2", TransitGateway: "tgw-2", Type: "vpc", VPC: "vpc-m", Subnets: []string{"subnet-m2"}, RouteTable: "tgw-rtb-2"},
		{ID: "att-b", TransitGateway: "tgw-2", Type: "vpc", VPC: "vpc-b", Subnets: []string{"subnet-tb"}, RouteTable: "tgw-rtb-2"},
	}
	gw2 := reach.TransitGateway{ID: "tgw-2", Name: "hub2", SecurityGroupReferencing: true}
	m, err := d.builder().AddTransitGateway(gw2).Build()
	require.NoError(t, err)
	// sanity: by address (sg-open) the path is open
	r, err := m.Check(reach.Query{From: "app-a3", To: "app-b2", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	require.Equal(t, reach.Reachable, r.Outcome, r.Text())
	r, err = m.Check(reach.Query{From: "app-a", To: "app-b", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, "the identity does not survive a second gateway: %s", r.Text())
}

// withOutboundReference gives app-a (vpc-a) sg-send, which sends only
// tcp 443 to the members of sg-recv, and app-b (vpc-b) sg-recv, which
// lets tcp 443 in from vpc-a's block by address.
func (d *tgwDesign) withOutboundReference() *tgwDesign {
	d.groups = append(d.groups,
		sg.Group{ID: "sg-send", VPCID: "vpc-a", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4},
			{Direction: flow.Outbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 443, Hi: 443}, Peer: sg.Peer{Kind: sg.PeerGroup, Group: "sg-recv"}}}},
		sg.Group{ID: "sg-recv", VPCID: "vpc-b", Rules: []sg.Rule{
			{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 443, Hi: 443}, Peer: sg.CIDR("10.1.0.0/16")},
			{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}}})
	d.ifaces[0].Groups = []string{"sg-send"}
	d.ifaces[2].Groups = []string{"sg-recv"}
	return d
}

// AWS: "Outbound security rules do not support security group
// referencing" across a transit gateway. An outbound rule of app-a that
// references app-b's group (AWS accepts it where a peering joins the
// VPCs) matches across the peering, not across the transit gateway the
// routes take, whatever the gateway's referencing support; the set
// questions agree with Check.
func TestOutboundReferenceAcrossATransitGateway(t *testing.T) {
	peered := func(d *tgwDesign) {
		for i := range d.rts {
			for j := range d.rts[i].Routes {
				d.rts[i].Routes[j].Target, d.rts[i].Routes[j].TargetID = reach.TargetPeering, "pcx-1"
			}
		}
	}
	tests := []struct {
		name   string
		gw     string
		peered bool
		want   reach.Outcome
	}{
		{"across the transit gateway, referencing off", "off", false, reach.Unreachable},
		{"across the transit gateway, referencing on", "on", false, reach.Unreachable},
		{"across the transit gateway, referencing unknown", "unknown", false, reach.Unreachable},
		{"across a peering", "off", true, reach.Reachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTGWDesign().withOutboundReference().referencing(tt.gw, "", "")
			if tt.peered {
				peered(d)
			}
			m, err := d.builder().AddPeering(reach.Peering{ID: "pcx-1", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b"}).Build()
			require.NoError(t, err)
			q := reach.Query{From: "app-a", To: "app-b", Protocol: flow.TCP, Port: 443}
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Outcome, r.Text())
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, v)
			if tt.want == reach.Unreachable {
				h := r.Forward[0]
				assert.Equal(t, reach.KindSecurityGroups, h.Kind)
				assert.Equal(t, flow.Outbound, h.Direction)
				assert.Equal(t, reach.SGNoAllow, h.Code, r.Text())
				assert.Contains(t, strings.Join(h.Details(), "\n"), "transit gateway", r.Text())
				assert.Contains(t, h.Fix, "sg-send")
				assert.NotContains(t, h.Fix, "sg-recv", "a reference cannot match across the gateway")
				fix, err := m.Fix(q, reach.Reachable)
				require.NoError(t, err)
				assert.Equal(t, reach.Reachable, fix.After)
			}
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}},
				Step:    211,
				Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}},
				Few:     true,
			})
		})
	}
}

// Lint names a reference to another VPC's group that no path lets match:
// an outbound one without a peering, an inbound one without a peering
// and without a transit gateway whose referencing support is on or
// unknown.
func TestLintReferenceMatchesNothing(t *testing.T) {
	tests := []struct {
		name   string
		design func() *tgwDesign
		peered bool
		want   []string // the rules flagged, "group rule"
		status string   // the peering's status, when peered ("": active)
	}{
		{"outbound, across the transit gateway", func() *tgwDesign { return newTGWDesign().withOutboundReference().referencing("on", "", "") }, false, []string{"sg-send #1"}, ""},
		{"outbound, the VPCs peered", func() *tgwDesign { return newTGWDesign().withOutboundReference() }, true, nil, ""},
		{"inbound, referencing off", func() *tgwDesign { return newTGWDesign().withReference(false).referencing("off", "", "") }, false, []string{"sg-web #0"}, ""},
		{"inbound, off at an attachment", func() *tgwDesign { return newTGWDesign().withReference(false).referencing("on", "", "off") }, false, []string{"sg-web #0"}, ""},
		{"inbound, referencing on", func() *tgwDesign { return newTGWDesign().withReference(false).referencing("on", "", "") }, false, nil, ""},
		{"inbound, referencing unknown", func() *tgwDesign { return newTGWDesign().withReference(false).referencing("unknown", "", "") }, false, nil, ""},
		{"inbound, the VPCs peered", func() *tgwDesign { return newTGWDesign().withReference(false).referencing("off", "", "") }, true, nil, ""},
		// a connection that is not active joins nothing (VPC Peering
		// Guide, "VPC peering basics", lifecycle)
		{"outbound, the VPCs' peering deleted", func() *tgwDesign { return newTGWDesign().withOutboundReference().referencing("on", "", "") }, true, []string{"sg-send #1"}, "deleted"},
		{"inbound, the VPCs' peering rejected", func() *tgwDesign { return newTGWDesign().withReference(false).referencing("off", "", "") }, true, []string{"sg-web #0"}, "rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.design().builder()
			if tt.peered {
				b.AddPeering(reach.Peering{ID: "pcx-1", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b", Status: tt.status})
			}
			m, err := b.Build()
			require.NoError(t, err)
			res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintRefMatchesNothing}})
			require.NoError(t, err)
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Resource+" "+f.Rule)
				assert.Contains(t, f.Message, "matches nothing")
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func tcpRule(dir flow.Direction, port uint16, p sg.Peer) sg.Rule {
	return sg.Rule{Direction: dir, Protocol: flow.TCP, Ports: flow.PortRange{Lo: port, Hi: port}, Peer: p}
}

// A route into the transit gateway decides the outbound reference,
// whatever the gateway then does: with the gateway's routes unknown, the
// sender's groups, which let out only tcp 443 to sg-recv's members, drop
// the packet for certain.
func TestOutboundReferenceGatewayRoutesUnknown(t *testing.T) {
	d := newTGWDesign().withOutboundReference().referencing("on", "", "")
	d.tgwRTs[0].Routes, d.tgwRTs[0].Missing = nil, "the routes of tgw-rtb-1"
	m, err := d.builder().AddPeering(reach.Peering{ID: "pcx-1", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b"}).Build()
	require.NoError(t, err)
	q := reach.Query{From: "app-a", To: "app-b", Protocol: flow.TCP, Port: 443}
	r, err := m.Check(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	assert.Equal(t, reach.SGNoAllow, r.Forward[0].Code, r.Text())
	v, err := m.Verdict(q)
	require.NoError(t, err)
	assert.Equal(t, reach.Unreachable, v)
	p, err := m.Ports(reach.PortsQuery{From: "app-a", To: "app-b", Protocol: flow.TCP})
	require.NoError(t, err)
	assert.Equal(t, "none", p.Indeterminate.String(), "every port is closed for certain")
}

// A sender's group without outbound references, blocked on the way into
// the gateway: the fix offers no reference to the destination's group,
// which cannot match across the gateway.
func TestOutboundFixOffersNoReferenceAcrossGateway(t *testing.T) {
	d := newTGWDesign().referencing("on", "", "")
	all := func(dir flow.Direction) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}
	}
	d.groups = append(d.groups,
		sg.Group{ID: "sg-80", VPCID: "vpc-a", Rules: []sg.Rule{all(flow.Inbound), tcpRule(flow.Outbound, 80, sg.AnyIPv4)}},
		sg.Group{ID: "sg-b", VPCID: "vpc-b", Rules: []sg.Rule{all(flow.Inbound), all(flow.Outbound)}})
	d.ifaces[0].Groups = []string{"sg-80"}
	d.ifaces[2].Groups = []string{"sg-b"}
	m, err := d.builder().AddPeering(reach.Peering{ID: "pcx-1", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b"}).Build()
	require.NoError(t, err)
	r, err := m.Check(reach.Query{From: "app-a", To: "app-b", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	h := r.Forward[0]
	require.Equal(t, reach.SGNoAllow, h.Code, r.Text())
	assert.Contains(t, h.Fix, "10.2.1.10/32")
	assert.NotContains(t, h.Fix, "sg-b", h.Fix)
	for _, b := range r.Blocks {
		assert.NotContains(t, b.Fix, "sg-b", "block %+v", b)
	}
}

// Several groups on the sender (a reference and a block), a self
// reference inside vpc-a, the gateway's support on, off and unknown:
// Check, Verdict and the set questions agree.
func TestOutboundReferenceSeveralGroups(t *testing.T) {
	for _, gw := range []string{"on", "off", "unknown"} {
		t.Run(gw, func(t *testing.T) {
			d := newTGWDesign().withOutboundReference().referencing(gw, "", "")
			for i := range d.groups {
				switch d.groups[i].ID {
				case "sg-send":
					d.groups[i].Rules = append(d.groups[i].Rules, tcpRule(flow.Outbound, 22, sg.GroupRef("sg-send")))
				case "sg-recv":
					d.groups[i].Rules = append(d.groups[i].Rules, tcpRule(flow.Inbound, 80, sg.CIDR("10.1.0.0/16")))
				}
			}
			d.groups = append(d.groups, sg.Group{ID: "sg-80", VPCID: "vpc-a", Rules: []sg.Rule{tcpRule(flow.Outbound, 80, sg.CIDR("10.2.0.0/16"))}})
			d.ifaces[0].Groups = []string{"sg-send", "sg-80"}
			d.ifaces[1].Groups = []string{"sg-send"}
			d.ifaces[3].Groups = []string{"sg-recv", "sg-open"}
			m, err := d.builder().AddPeering(reach.Peering{ID: "pcx-1", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b"}).Build()
			require.NoError(t, err)
			for _, c := range []struct {
				from, to string
				port     uint16
				want     reach.Outcome
			}{
				{"app-a", "app-b", 443, reach.Unreachable},
				{"app-a", "app-b", 80, reach.Reachable},
				{"app-a", "app-b2", 443, reach.Unreachable},
				{"app-a", "app-a2", 22, reach.Reachable},
				{"app-a2", "app-b2", 443, reach.Unreachable},
			} {
				q := reach.Query{From: c.from, To: c.to, Protocol: flow.TCP, Port: c.port}
				r, err := m.Check(q)
				require.NoError(t, err)
				assert.Equal(t, c.want, r.Outcome, "%+v %s", q, r.Text())
				v, err := m.Verdict(q)
				require.NoError(t, err)
				assert.Equal(t, c.want, v, "%+v", q)
			}
			brute.CheckSetAnswers(t, m, brute.Options{
				Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}, {From: "app-a2", To: "app-b2", Protocol: flow.TCP}},
				Step:    211,
				Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}, {To: "app-b2", Protocol: flow.TCP, Port: 80}},
				Few:     true,
			})
		})
	}
}

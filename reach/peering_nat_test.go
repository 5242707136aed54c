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
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// pnEstate is the estate of audit estates24, finding 4: VPC A
// (10.0.0.0/16) holds client c and a two-armed appliance i-ap (eni-in in
// subnet-in, eni-out in subnet-out, source/destination checks off); VPC
// B (10.1.0.0/16), peered with A by pcx-ab, holds d; VPC C (10.2.0.0/16),
// joined to A by transit gateway tgw-1, holds e. The attachment subnet
// sends VPC B to eni-in; subnet-out sends VPC B to pcx-ab and VPC C back
// to tgw-1.
type pnEstate struct {
	rts     []reach.RouteTable
	subnets []reach.Subnet
	ifaces  []reach.Interface
	groups  []sg.Group
	peers   []reach.Peering
	vpcs    []reach.VPC
}

func pnRoute(dst string, k reach.TargetKind, id string) reach.Route {
	return reach.Route{Destination: netip.MustParsePrefix(dst), Target: k, TargetID: id}
}

func pnAll(dir flow.Direction, peer string) sg.Rule {
	return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.Peer{CIDR: netip.MustParsePrefix(peer)}}
}

func newPNEstate() *pnEstate {
	sub := func(id, vpc, cidr, rt string) reach.Subnet {
		return reach.Subnet{ID: id, VPC: vpc, CIDRs: []netip.Prefix{netip.MustParsePrefix(cidr)}, AvailabilityZone: "az-1", RouteTable: rt}
	}
	ip := func(s string) []netip.Addr { return []netip.Addr{netip.MustParseAddr(s)} }
	vpc := func(id, cidr, rt, acl string) reach.VPC {
		return reach.VPC{ID: id, CIDRs: []netip.Prefix{netip.MustParsePrefix(cidr)}, MainRouteTable: rt, DefaultACL: acl}
	}
	return &pnEstate{
		vpcs: []reach.VPC{vpc("vpc-a", "10.0.0.0/16", "rtb-a", "acl-a"), vpc("vpc-b", "10.1.0.0/16", "rtb-b", "acl-b"), vpc("vpc-c", "10.2.0.0/16", "rtb-cc", "acl-cc")},
		rts: []reach.RouteTable{
			{ID: "rtb-a", VPC: "vpc-a"},
			{ID: "rtb-c", VPC: "vpc-a", Routes: []reach.Route{pnRoute("10.1.0.0/16", reach.TargetInterface, "eni-in")}},
			{ID: "rtb-out", VPC: "vpc-a", Routes: []reach.Route{pnRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab"), pnRoute("10.2.0.0/16", reach.TargetTransitGateway, "tgw-1")}},
			{ID: "rtb-tatt", VPC: "vpc-a", Routes: []reach.Route{pnRoute("10.1.0.0/16", reach.TargetInterface, "eni-in")}},
			{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{pnRoute("10.0.0.0/16", reach.TargetPeering, "pcx-ab")}},
			{ID: "rtb-cc", VPC: "vpc-c", Routes: []reach.Route{pnRoute("10.0.0.0/8", reach.TargetTransitGateway, "tgw-1")}},
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
		groups: []sg.Group{{ID: "sg-open", Rules: []sg.Rule{pnAll(flow.Inbound, "0.0.0.0/0"), pnAll(flow.Outbound, "0.0.0.0/0")}}},
		peers:  []reach.Peering{{ID: "pcx-ab", RequesterVPC: "vpc-a", AccepterVPC: "vpc-b"}},
	}
}

func (d *pnEstate) iface(id string) *reach.Interface {
	return &d.ifaces[slices.IndexFunc(d.ifaces, func(in reach.Interface) bool { return in.ID == id })]
}

func (d *pnEstate) rt(id string) *reach.RouteTable {
	return &d.rts[slices.IndexFunc(d.rts, func(r reach.RouteTable) bool { return r.ID == id })]
}

func (d *pnEstate) build(t *testing.T) *reach.Model {
	t.Helper()
	m, err := reach.NewBuilder().AddVPC(d.vpcs...).AddSubnet(d.subnets...).AddRouteTable(d.rts...).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false), nacl.NewDefault("acl-b", "vpc-b", false), nacl.NewDefault("acl-cc", "vpc-c", false)).
		AddSecurityGroup(d.groups...).AddInterface(d.ifaces...).AddPeering(d.peers...).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1"}).
		AddTGWRouteTable(reach.TGWRouteTable{ID: "tgw-rtb-1", TransitGateway: "tgw-1", Routes: []reach.TGWRoute{
			{Destination: netip.MustParsePrefix("10.0.0.0/16"), Attachment: "att-a"},
			{Destination: netip.MustParsePrefix("10.1.0.0/16"), Attachment: "att-a"},
			{Destination: netip.MustParsePrefix("10.2.0.0/16"), Attachment: "att-c"}}}).
		AddTGWAttachment(reach.TGWAttachment{ID: "att-a", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-a", Subnets: []string{"subnet-tatt"}, RouteTable: "tgw-rtb-1"},
			reach.TGWAttachment{ID: "att-c", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-c", Subnets: []string{"subnet-e"}, RouteTable: "tgw-rtb-1"}).
		Build()
	require.NoError(t, err)
	return m
}

// oneArmed leaves i-ap one interface, eni-in, its subnet routing VPC B
// to the peering and VPC C back to the transit gateway.
func (d *pnEstate) oneArmed() {
	d.ifaces = slices.DeleteFunc(d.ifaces, func(in reach.Interface) bool { return in.ID == "eni-out" })
	d.subnets[slices.IndexFunc(d.subnets, func(s reach.Subnet) bool { return s.ID == "subnet-in" })].RouteTable = "rtb-out"
}

// A packet from VPC C (through the transit gateway) that an appliance of
// VPC A forwards to the peering with VPC B is dropped there unchanged
// (its source is not in VPC A), but the appliance may translate it to
// its own address (a NAT instance, MASQUERADE), which the input cannot
// say: the peering's hop is undecided (APPLIANCE_TRANSLATION_UNKNOWN),
// as at the internet gateway, the walk going on from the appliance's
// address and d's reply coming back through the appliance. A certain
// block on the translated path, or a refusal translation cannot help,
// stays certain; without an appliance the refusal stays certain.
func TestPeeringApplianceTranslation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(d *pnEstate)
		want    reach.Outcome
		code    reach.Code // of the peering's request hop, in the trace
		missing string     // in the peering hop's missing
		reply   bool       // the reply goes back through the appliance
	}{
		{name: "two-armed appliance (audit estates24 finding 4)", want: reach.Indeterminate, code: reach.ApplianceTranslationUnknown,
			missing: "whether appliance eni-out replaces the source", reply: true},
		{name: "one-armed appliance", edit: (*pnEstate).oneArmed, want: reach.Indeterminate, code: reach.ApplianceTranslationUnknown,
			missing: "whether appliance eni-in replaces the source", reply: true},
		{name: "d admits only VPC C: translated, d's group drops it", edit: func(d *pnEstate) {
			d.oneArmed()
			d.groups = append(d.groups, sg.Group{ID: "sg-d", Rules: []sg.Rule{pnAll(flow.Inbound, "10.2.0.0/16"), pnAll(flow.Outbound, "0.0.0.0/0")}})
			d.iface("eni-d").Groups = []string{"sg-d"}
		}, want: reach.Unreachable, code: reach.ApplianceTranslationUnknown},
		{name: "no route back from the appliance: the translated reply is lost", edit: func(d *pnEstate) {
			d.oneArmed()
			d.rt("rtb-out").Routes = d.rt("rtb-out").Routes[:1]
		}, want: reach.Unreachable, code: reach.ApplianceTranslationUnknown},
		{name: "no appliance: the attachment subnet routes to the peering", edit: func(d *pnEstate) {
			d.rt("rtb-tatt").Routes = []reach.Route{pnRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab")}
		}, want: reach.Unreachable, code: reach.PeeringAddressOutsideVPC},
		{name: "peering pending acceptance", edit: func(d *pnEstate) {
			d.oneArmed()
			d.peers[0].Status = "pending-acceptance"
		}, want: reach.Unreachable, code: reach.PeeringAddressOutsideVPC},
		{name: "peering status unknown", edit: func(d *pnEstate) {
			d.oneArmed()
			d.peers[0].Status = "weird"
		}, want: reach.Indeterminate, code: reach.ApplianceTranslationUnknown, missing: `whether status "weird" of pcx-ab carries traffic`, reply: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newPNEstate()
			if tc.edit != nil {
				tc.edit(d)
			}
			m := d.build(t)
			q := reach.Query{From: "e", To: "d", Protocol: flow.TCP, Port: 443}
			r, err := m.Check(q)
			require.NoError(t, err)
			v, err := m.Verdict(q)
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Outcome, r.Text())
			assert.Equal(t, r.Outcome, v, "Verdict agrees with Check")
			i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.Kind == reach.KindPeering })
			require.GreaterOrEqual(t, i, 0, r.Text())
			require.Equal(t, tc.code, r.Forward[i].Code, r.Text())
			if tc.code == reach.ApplianceTranslationUnknown {
				assert.NotEmpty(t, r.Forward[i].Fix, r.Text())
				require.Less(t, i+1, len(r.Forward), r.Text())
				assert.NotEqual(t, netip.MustParseAddr("10.2.1.10"), r.Forward[i+1].Packet.Src.Addr(), "walked on translated: %s", r.Text())
			}
			if tc.missing != "" {
				assert.Contains(t, r.Forward[i].Missing, tc.missing, r.Text())
			}
			if tc.reply {
				assert.True(t, slices.ContainsFunc(r.Return, func(h reach.Hop) bool {
					return h.Kind == reach.KindInterface && strings.Contains(h.Reason(), "sends the reply back to 10.2.1.10")
				}), "the reply goes back through the appliance: %s", r.Text())
			}
			var ports []reach.PortsQuery
			for _, p := range []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP} {
				ports = append(ports, reach.PortsQuery{From: "e", To: "d", Protocol: p}, reach.PortsQuery{From: "c", To: "d", Protocol: p})
			}
			brute.CheckSetAnswers(t, m, brute.Options{Ports: ports, Sources: []reach.SourcesQuery{{To: "d", Protocol: flow.TCP, Port: 443}}, Few: true, Step: 997})
		})
	}
}

// Interfaces alike but for their addresses (one subnet, one group, no
// public address): translated at the peering, the source is the address
// of the interface the instance sends by, which d's group tells apart.
// The answer is never a certain Unreachable from the receiving
// interface's address alone.
func TestPeeringApplianceTranslationAlikeInterfaces(t *testing.T) {
	d := newPNEstate()
	d.oneArmed()
	d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-in2", Instance: "i-ap", Subnet: "subnet-in", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.3.11")},
		Groups: []string{"sg-open"}, SourceDestCheckDisabled: true})
	d.groups = append(d.groups, sg.Group{ID: "sg-d", Rules: []sg.Rule{pnAll(flow.Inbound, "10.0.3.11/32"), pnAll(flow.Outbound, "0.0.0.0/0")}})
	d.iface("eni-d").Groups = []string{"sg-d"}
	m := d.build(t)
	for _, q := range []reach.Query{{From: "e", To: "d", Protocol: flow.TCP, Port: 443}, {From: "c", To: "d", Protocol: flow.TCP, Port: 443}} {
		r, err := m.Check(q)
		require.NoError(t, err)
		want := reach.Indeterminate
		if q.From == "c" {
			want = reach.Unreachable // c's own address reaches d, untranslated: d admits only 10.0.3.11
		}
		assert.Equal(t, want, r.Outcome, r.Text())
	}
	brute.CheckSetAnswers(t, m, brute.Options{Ports: []reach.PortsQuery{{From: "e", To: "d", Protocol: flow.TCP}}, Few: true, Step: 997})
}

// Diff agrees with the whole matrices' comparison on changes that open
// or close the translated path: the peering route of the appliance's
// subnet, d's group admitting the appliance's address.
func TestPeeringApplianceTranslationDiff(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *pnEstate, after bool)
	}{
		{name: "peering route on the appliance's subnet", edit: func(d *pnEstate, after bool) {
			if !after {
				d.rt("rtb-out").Routes = d.rt("rtb-out").Routes[1:]
			}
		}},
		{name: "d's group admits VPC A", edit: func(d *pnEstate, after bool) {
			peer := "10.2.0.0/16"
			if after {
				peer = "10.0.0.0/16"
			}
			d.groups = append(d.groups, sg.Group{ID: "sg-d", Rules: []sg.Rule{pnAll(flow.Inbound, peer), pnAll(flow.Outbound, "0.0.0.0/0")}})
			d.iface("eni-d").Groups = []string{"sg-d"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mk := func(after bool) *reach.Model {
				d := newPNEstate()
				d.oneArmed()
				tc.edit(d, after)
				return d.build(t)
			}
			before, after := mk(false), mk(true)
			ref, err := reach.DiffReference(before, after, reach.DiffOptions{})
			require.NoError(t, err)
			res, err := reach.Diff(before, after, reach.DiffOptions{})
			require.NoError(t, err)
			type pair struct {
				from, to string
				gained   reach.Traffic
				maybe    reach.Traffic
			}
			pairs := func(r *reach.DiffResult) []pair {
				var out []pair
				for _, c := range r.Changes {
					out = append(out, pair{c.From, c.To, c.Gained, c.IndeterminateGained})
				}
				return out
			}
			require.NotEmpty(t, ref.Changes)
			assert.Equal(t, pairs(ref), pairs(res))
		})
	}
}

package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// withOverlappingVPC adds vpc-c (10.2.1.0/24), which overlaps vpc-b
// (10.2.0.0/16), to the transit gateway design: app-c (10.2.1.20) in
// subnet-c (az-1), attachment att-c associated with tgw-rtb-1 and
// propagating to it; vpc-c routes 10.1.0.0/16 to tgw-1.
func withOverlappingVPC() *tgwDesign {
	d := newTGWDesign()
	d.vpcs = append(d.vpcs, reach.VPC{ID: "vpc-c", CIDRs: []netip.Prefix{pfx("10.2.1.0/24")}, MainRouteTable: "rtb-c", DefaultACL: "acl-c"})
	d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-c", VPC: "vpc-c", CIDRs: []netip.Prefix{pfx("10.2.1.0/25")}, AvailabilityZone: "az-1"})
	d.rts = append(d.rts, reach.RouteTable{ID: "rtb-c", VPC: "vpc-c", Routes: []reach.Route{{Destination: pfx("10.1.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"}}})
	d.acls = append(d.acls, nacl.NewDefault("acl-c", "vpc-c", false))
	d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-c", Name: "app-c", Subnet: "subnet-c", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.2.1.20")}, Groups: []string{"sg-open"}})
	d.atts = append(d.atts, reach.TGWAttachment{ID: "att-c", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-c", Subnets: []string{"subnet-c"},
		RouteTable: "tgw-rtb-1", Propagations: []string{"tgw-rtb-1"}})
	return d
}

// A transit gateway does not propagate the block of a VPC that equals or
// overlaps the block of a VPC attached (and propagated) before it (Amazon
// VPC Transit Gateways, "Amazon VPC attachments", Limits; EC2 API
// reference, CreateTransitGatewayVpcAttachment). Where the table's routes
// are given, they say which VPC got its route; where they are not, which
// VPC came first is not in the input, and what the overlapping routes
// carry is undecided.
func TestTransitGatewayOverlappingPropagation(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(d *tgwDesign)
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"attachment order unknown: the more specific block is undecided", func(*tgwDesign) {},
			tcp("app-a", "app-c", 443), reach.Indeterminate, []reach.Code{reach.TGWPropagationUnknown}},
		{"attachment order unknown: the wider block is undecided too", func(*tgwDesign) {},
			tcp("app-a", "app-b2", 443), reach.Indeterminate, []reach.Code{reach.TGWPropagationUnknown}},
		{"the table lists vpc-b's propagated route: vpc-c's is not added", func(d *tgwDesign) {
			d.routes("tgw-rtb-1", tgwRoute("10.1.0.0/16", "att-a", true), tgwRoute("10.2.0.0/16", "att-b", true))
		}, tcp("app-a", "app-c", 443), reach.Unreachable, []reach.Code{reach.UnknownDestination}},
		{"the table lists vpc-c's propagated route: vpc-b's is not added", func(d *tgwDesign) {
			d.routes("tgw-rtb-1", tgwRoute("10.2.1.0/24", "att-c", true))
		}, tcp("app-a", "app-b2", 443), reach.Unreachable, []reach.Code{reach.TGWNoRoute}},
		{"a static route decides whatever was propagated", func(d *tgwDesign) {
			d.routes("tgw-rtb-1", tgwRoute("10.2.1.0/24", "att-c", false))
		}, tcp("app-a", "app-c", 443), reach.Reachable, nil},
		{"identical blocks: the input does not say which was propagated", func(d *tgwDesign) {
			d.vpcs[2].CIDRs = []netip.Prefix{pfx("10.2.0.0/16")}
		}, tcp("app-a", "app-c", 443), reach.Indeterminate, []reach.Code{reach.TGWPropagationUnknown}},
		{"a table listed whole gets no propagated route", func(d *tgwDesign) {
			d.tgwRTs[0].Listed = true
		}, tcp("app-a", "app-b", 443), reach.Unreachable, []reach.Code{reach.TGWNoRoute}},
		{"a table listed whole keeps the propagated routes it lists", func(d *tgwDesign) {
			d.tgwRTs[0].Listed = true
			d.routes("tgw-rtb-1", tgwRoute("10.1.0.0/16", "att-a", true), tgwRoute("10.2.0.0/16", "att-b", true))
		}, tcp("app-a", "app-b", 443), reach.Reachable, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := withOverlappingVPC()
			tt.edit(d)
			m := d.build(t)
			r, err := m.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			codes := r.Codes()
			if tt.codes == nil {
				assert.Empty(t, codes, r.Text())
			} else {
				assert.Equal(t, tt.codes, codes, r.Text())
			}
		})
	}
}

// The set questions answer the undecided propagation as Check does.
func TestTransitGatewayOverlappingPropagationSets(t *testing.T) {
	m := withOverlappingVPC().build(t)
	brute.CheckSetAnswers(t, m, brute.Options{Few: true,
		Ports:   []reach.PortsQuery{{From: "app-a", To: "app-c", Protocol: flow.TCP}, {From: "app-a", To: "app-b", Protocol: flow.TCP}},
		Sources: []reach.SourcesQuery{{To: "app-c", Protocol: flow.TCP, Port: 443}, {To: "app-b2", Protocol: flow.TCP, Port: 443}},
	})
}

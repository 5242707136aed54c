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
)

// withZoneGap gives att-a a subnet in az-2 (subnet-ta2), so that app-a2
// (az-2) enters the transit gateway there, and att-b a second subnet,
// subnet-tb3 in az-3 with network ACL acl (open when ""), beside
// subnet-tb (az-1): att-b has no subnet in az-2.
func withZoneGap(acl string) *tgwDesign {
	d := newTGWDesign()
	d.subnets = append(d.subnets,
		reach.Subnet{ID: "subnet-ta2", VPC: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.8.0/24")}, AvailabilityZone: "az-2"},
		reach.Subnet{ID: "subnet-tb3", VPC: "vpc-b", CIDRs: []netip.Prefix{pfx("10.2.8.0/24")}, AvailabilityZone: "az-3", ACL: acl})
	d.atts[0].Subnets = append(d.atts[0].Subnets, "subnet-ta2")
	d.atts[1].Subnets = append(d.atts[1].Subnets, "subnet-tb3")
	return d
}

// A packet leaves a transit gateway through the destination attachment's
// subnet in the zone it entered by; where the attachment has none there,
// AWS does not document which of its subnets it takes (Amazon VPC Transit
// Gateways, "How transit gateways work", Availability Zones; "Amazon VPC
// attachments"). The walk tries each subnet (tgw_exit_fork.go): the answer
// is certain where every one gives it, and undecided where they differ.
func TestTransitGatewayExitWithoutSubnetInZone(t *testing.T) {
	// withOwnTable gives subnet-tb3 a route table of its own, rtb-b3,
	// with routes rs.
	withOwnTable := func(rs ...reach.Route) *tgwDesign {
		d := withZoneGap("")
		d.rts = append(d.rts, reach.RouteTable{ID: "rtb-b3", VPC: "vpc-b", Routes: rs})
		d.subnet("subnet-tb3").RouteTable = "rtb-b3"
		return d
	}
	// toB sends 198.51.100.0/24 from vpc-a to the transit gateway, and
	// the gateway to att-b; toVGW also rtb-b to a virtual private gateway.
	toB := func(d *tgwDesign) *tgwDesign {
		d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{Destination: pfx("198.51.100.0/24"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
		d.routes("tgw-rtb-1", tgwRoute("198.51.100.0/24", "att-b", false))
		return d
	}
	toVGW := func(d *tgwDesign) *tgwDesign {
		d.rts[1].Routes = append(d.rts[1].Routes, reach.Route{Destination: pfx("198.51.100.0/24"), Target: reach.TargetUnmodelled, TargetID: "vgw-1", TargetType: "virtual private gateway"})
		return toB(d)
	}
	const agree = "every subnet the transit gateway may take gives the answer this trace gives"
	tests := []struct {
		name    string
		d       func() *tgwDesign
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
		detail  string // in the transit gateway hop's details or reason
	}{
		{"the subnets' network ACLs differ, and so do the answers: undecided", func() *tgwDesign { return withZoneGap("acl-deny-b") },
			tcp("app-a2", "app-b", 443), reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown}, "the answer differs between them"},
		{"the subnets are alike: certain", func() *tgwDesign { return withZoneGap("") },
			tcp("app-a2", "app-b", 443), reach.Reachable, nil, "they are alike for it"},
		{"the subnets' route tables differ, but each delivers: certain", func() *tgwDesign { return withOwnTable() },
			tcp("app-a2", "app-b", 443), reach.Reachable, nil, agree},
		{"the subnets' route tables differ, and so do the answers: undecided", func() *tgwDesign { return toVGW(withOwnTable()) },
			tcp("app-a2", "198.51.100.7", 443), reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown, reach.UnmodelledTarget},
			"their route tables differ (subnet-tb has rtb-b, subnet-tb3 has rtb-b3)"},
		{"the subnets' route tables differ, and each stops the packet: certain", func() *tgwDesign {
			return toB(withOwnTable(reach.Route{Destination: pfx("198.51.100.0/24"), Target: reach.TargetBlackhole}))
		}, tcp("app-a2", "198.51.100.7", 443), reach.Unreachable, []reach.Code{reach.NoRoute}, agree},
		{"a packet from a zone the attachment has a subnet in is certain", func() *tgwDesign { return withZoneGap("acl-deny-b") },
			tcp("app-a", "app-b", 443), reach.Reachable, nil, ""},
		{"one subnet holds the destination, and the ACL the other adds drops it: undecided", func() *tgwDesign {
			d := withZoneGap("acl-in-b") // both attachment subnets share it
			d.subnet("subnet-tb").ACL = "acl-in-b"
			in := nacl.NewCustom("acl-in-b", "vpc-b")
			for _, e := range []string{"100 deny all from 10.1.0.0/16", "200 allow all from 0.0.0.0/0", "100 allow all to 0.0.0.0/0"} {
				in.Entries = append(in.Entries, nacl.MustParseEntry(e))
			}
			d.acls = append(d.acls, in)
			d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-b3", Name: "app-b3", Subnet: "subnet-tb3", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.2.8.10")}, Groups: []string{"sg-open"}})
			return d
		}, tcp("app-a2", "app-b3", 443), reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown}, "subnet-tb3 holds the destination"},
		{"which route table routes one subnet is undecided, but each delivers: certain", func() *tgwDesign {
			d := withZoneGap("")
			d.rts = append(d.rts, reach.RouteTable{ID: "rtb-b3", VPC: "vpc-b"})
			d.subnet("subnet-tb3").RouteTablesMaybe = []string{"rtb-b3"}
			d.subnet("subnet-tb3").RouteTablesWhy = "its association with rtb-b3 is associating"
			return d
		}, tcp("app-a2", "app-b", 443), reach.Reachable, nil, agree},
		{"the subnets route the packet back to the transit gateway: a loop whichever it takes", func() *tgwDesign {
			d := withZoneGap("")
			d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{Destination: pfx("198.51.100.0/24"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
			d.rts[1].Routes = append(d.rts[1].Routes, reach.Route{Destination: pfx("198.51.100.0/24"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
			d.routes("tgw-rtb-1", tgwRoute("198.51.100.0/24", "att-b", false))
			return d
		}, tcp("app-a2", "198.51.100.7", 443), reach.Unreachable, []reach.Code{reach.RoutingLoop}, agree},
		{"the reply's exit is a choice of its own", func() *tgwDesign {
			d := withZoneGap("")
			d.subnet("subnet-ta2").ACL = "acl-deny-a" // the reply through it is dropped
			d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-b3", Name: "app-b3", Subnet: "subnet-tb3", PrivateIPs: []netip.Addr{netip.MustParseAddr("10.2.8.10")}, Groups: []string{"sg-open"}})
			return d
		}, tcp("app-a", "app-b3", 443), reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown.OnLeg(reach.Return)}, "att-a has no subnet in az-3"},
		{"an attachment of one subnet leaves through it", func() *tgwDesign {
			d := withZoneGap("")
			d.atts[1].Subnets = []string{"subnet-tb"}
			return d
		}, tcp("app-a2", "app-b", 443), reach.Reachable, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.d().build(t)
			r, err := m.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.codes == nil {
				assert.Empty(t, r.Codes(), r.Text())
			} else {
				assert.Equal(t, tt.codes, r.Codes(), r.Text())
			}
			v, err := m.Verdict(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict answers as Check does")
			if tt.detail != "" {
				var words []string
				for _, h := range slices.Concat(r.Forward, r.Return) {
					if h.Kind == reach.KindTransitGateway {
						words = append(words, h.Reason())
						words = append(words, h.Details()...)
					}
				}
				assert.Contains(t, strings.Join(words, "\n"), tt.detail, r.Text())
			}
		})
	}
}

// The set questions answer the undecided exit as Check does.
func TestTransitGatewayExitWithoutSubnetInZoneSets(t *testing.T) {
	for _, acl := range []string{"acl-deny-b", ""} {
		t.Run("acl "+acl, func(t *testing.T) {
			m := withZoneGap(acl).build(t)
			brute.CheckSetAnswers(t, m, brute.Options{Few: true,
				Ports:   []reach.PortsQuery{{From: "app-a2", To: "app-b", Protocol: flow.TCP}, {From: "app-b", To: "app-a2", Protocol: flow.TCP}},
				Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}, {To: "app-a2", Protocol: flow.TCP, Port: 443}},
			})
		})
	}
}

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

// withEntryZones gives att-a a second subnet, subnet-ta2 (10.1.8.0/24),
// in zone az2 ("" for unknown), with network ACL acl ("" for vpc-a's
// default), and sets the zone of subnet-a, app-a's, to srcAZ.
func withEntryZones(az2, acl, srcAZ string) *tgwDesign {
	d := newTGWDesign()
	d.acls = append(d.acls, nacl.NewCustom("acl-deny-a2", "vpc-a"))
	d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-ta2", VPC: "vpc-a", CIDRs: []netip.Prefix{pfx("10.1.8.0/24")}, AvailabilityZone: az2, ACL: acl})
	d.atts[0].Subnets = append(d.atts[0].Subnets, "subnet-ta2")
	d.subnet("subnet-a").AvailabilityZone = srcAZ
	return d
}

// A packet enters a transit gateway through the attachment's subnet in
// the zone of the subnet it leaves (Amazon VPC Transit Gateways, "How
// transit gateways work", Availability Zones; "Amazon VPC attachments":
// a zone without an attachment subnet cannot reach the gateway). Where
// the input lacks a zone that decides which subnet that is, or whether
// there is one (a source subnet of unknown zone may be in a zone where
// the attachment has none), the answer is certain only where every way
// gives it.
func TestTransitGatewayEntryZoneUnknown(t *testing.T) {
	tests := []struct {
		name    string
		d       func() *tgwDesign
		from    string
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"an attachment subnet of unknown zone may be in the source's zone", func() *tgwDesign { return withEntryZones("", "", "az-1") },
			"app-a2", reach.Indeterminate, []reach.Code{reach.TGWEntryZoneUnknown}},
		{"a block beyond it decides either way", func() *tgwDesign {
			d := withEntryZones("", "", "az-1")
			d.routes("tgw-rtb-1", tgwRoute("10.2.1.0/24", "", false))
			return d
		}, "app-a2", reach.Unreachable, []reach.Code{reach.TGWEntryZoneUnknown, reach.TGWBlackholeRoute}},
		{"its network ACL denies: both ways blocked", func() *tgwDesign { return withEntryZones("", "acl-deny-a2", "az-1") },
			"app-a2", reach.Unreachable, []reach.Code{reach.TGWEntryZoneUnknown, reach.ACLDefaultDeny}},
		{"every attachment subnet's zone known, none in the source's: certain", func() *tgwDesign { return withEntryZones("az-3", "", "az-1") },
			"app-a2", reach.Unreachable, []reach.Code{reach.TGWNoAttachmentInAZ}},
		{"a subnet in the source's zone: certain", func() *tgwDesign { return withEntryZones("", "acl-deny-a2", "az-1") },
			"app-a", reach.Reachable, nil},
		{"the source's zone unknown, the first subnet denies", func() *tgwDesign {
			d := withEntryZones("az-2", "", "")
			d.subnet("subnet-ta").ACL = "acl-deny-a"
			return d
		}, "app-a", reach.Indeterminate, []reach.Code{reach.TGWEntryZoneUnknown}},
		{"the source's zone unknown, the second subnet denies", func() *tgwDesign { return withEntryZones("az-2", "acl-deny-a2", "") },
			"app-a", reach.Indeterminate, []reach.Code{reach.TGWEntryZoneUnknown}},
		// A source subnet of unknown zone may lie in a zone where the
		// attachment has no subnet, and then the gateway takes nothing
		// from it: undecided, unless the source subnet is itself one of
		// the attachment's (the model does not know a VPC's zones, so
		// never that the attachment covers every one).
		{"the source's zone unknown, the subnets alike: it may have none there", func() *tgwDesign { return withEntryZones("az-2", "", "") },
			"app-a", reach.Indeterminate, []reach.Code{reach.TGWEntryZoneUnknown}},
		{"the source's zone unknown, one attachment subnet: it may have none there", oneSubnetUnknownSource, "app-a", reach.Indeterminate, []reach.Code{reach.TGWEntryZoneUnknown}},
		{"the source's zone unknown, a block beyond decides either way", func() *tgwDesign {
			d := withEntryZones("az-2", "", "")
			d.routes("tgw-rtb-1", tgwRoute("10.2.1.0/24", "", false))
			return d
		}, "app-a", reach.Unreachable, []reach.Code{reach.TGWEntryZoneUnknown, reach.TGWBlackholeRoute}},
		{"the source subnet is the attachment's, its zone unknown: certain", func() *tgwDesign {
			d := newTGWDesign()
			d.subnet("subnet-ta").AvailabilityZone = ""
			d.ifaces[0].Subnet = "subnet-ta"
			d.ifaces[0].PrivateIPs = []netip.Addr{netip.MustParseAddr("10.1.9.10")}
			return d
		}, "app-a", reach.Reachable, nil},
		{"the source's zone unknown, the exit subnets differ: undecided at the exit", func() *tgwDesign {
			d := withEntryZones("az-2", "", "")
			d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-tb2", VPC: "vpc-b", CIDRs: []netip.Prefix{pfx("10.2.8.0/24")}, AvailabilityZone: "az-2", ACL: "acl-deny-b"})
			d.atts[1].Subnets = append(d.atts[1].Subnets, "subnet-tb2")
			return d
		}, "app-a", reach.Indeterminate, []reach.Code{reach.TGWEntryZoneUnknown, reach.TGWExitZoneUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.d().build(t)
			q := tcp(tt.from, "app-b", 443)
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.codes == nil {
				assert.Empty(t, r.Codes(), r.Text())
			} else {
				assert.Equal(t, tt.codes, r.Codes(), r.Text())
			}
			for _, h := range r.Undecided() {
				assert.NotEmpty(t, h.Missing, "an undecided hop names what is missing")
			}
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict answers as Check does")
		})
	}
}

// The set questions answer the undecided entry as Check does.
func TestTransitGatewayEntryZoneUnknownSets(t *testing.T) {
	t.Parallel() // slow under -race: the reach tests share both cores
	for _, d := range []*tgwDesign{withEntryZones("", "", "az-1"), withEntryZones("", "acl-deny-a2", "az-1"),
		withEntryZones("az-2", "acl-deny-a2", ""), withEntryZones("az-2", "", ""), oneSubnetUnknownSource()} {
		m := d.build(t)
		brute.CheckSetAnswers(t, m, brute.Options{Few: true,
			Ports:   []reach.PortsQuery{{From: "app-a", To: "app-b", Protocol: flow.TCP}, {From: "app-a2", To: "app-b", Protocol: flow.TCP}, {From: "app-b", To: "app-a", Protocol: flow.TCP}},
			Sources: []reach.SourcesQuery{{To: "app-b", Protocol: flow.TCP, Port: 443}, {To: "app-a", Protocol: flow.TCP, Port: 443}},
		})
	}
}

// oneSubnetUnknownSource is newTGWDesign with app-a's subnet of unknown
// zone: it may be one att-a has no subnet in.
func oneSubnetUnknownSource() *tgwDesign {
	d := newTGWDesign()
	d.subnet("subnet-a").AvailabilityZone = ""
	return d
}

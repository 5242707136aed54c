package reach_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// zoneReplyACL gives appliance subnet id an ACL that lets everything in
// and lets tcp out to the client ports of out only.
func zoneReplyACL(d *applianceDesign, id string, out flow.PortRange) {
	acl := nacl.ACL{ID: "acl-reply-" + id, VPCID: "vpc-i", Entries: []nacl.Entry{
		{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: pfx("0.0.0.0/0")},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.TCP, CIDR: pfx("0.0.0.0/0"), Ports: out}}}
	d.acls = append(d.acls, acl)
	i := slices.IndexFunc(d.subnets, func(s reach.Subnet) bool { return s.ID == id })
	d.subnets[i].ACL = acl.ID
}

// TestSourcesAnyClientPortApplianceZones: app-a is reached from the
// internet, its reply crossing a transit gateway attachment in appliance
// mode, one appliance subnet per zone, whose ACLs let the reply out to
// different client ports. The flow hash picks the zone per session, its
// client port among what it hashes: an internet address reaches for
// certain only from a client port both zones let through, and is
// undecided where only one does. Sources and Audit from every client
// port merged the zones after taking each one's best client port, and
// called disjoint ranges reached (audit clientports23); they now merge
// client port by client port. Each answer is held to a Verdict from
// every client port.
func TestSourcesAnyClientPortApplianceZones(t *testing.T) {
	r := func(lo, hi uint16) flow.PortRange { return flow.PortRange{Lo: lo, Hi: hi} }
	for _, tc := range []struct {
		name       string
		one, two   flow.PortRange
		want       reach.Outcome
		wantExpose reach.Exposure
	}{
		{"disjoint ranges", r(1024, 32767), r(32768, 65535), reach.Indeterminate, reach.Undecided},
		{"one port each", r(7, 7), r(8, 8), reach.Indeterminate, reach.Undecided},
		{"overlapping ranges", r(1024, 40000), r(30000, 65535), reach.Reachable, reach.Exposed},
		{"the same range", r(1024, 65535), r(1024, 65535), reach.Reachable, reach.Exposed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newApplianceDesign(true).withInternet()
			zoneReplyACL(d, "subnet-ap1", tc.one)
			zoneReplyACL(d, "subnet-ap2", tc.two)
			m := d.build(t)
			q := reach.SourcesQuery{To: "app-a", Protocol: flow.TCP, Port: 22, AnyClientPort: true}
			res, err := m.Sources(q)
			require.NoError(t, err)
			if !testing.Short() && !raceOn { // 65,535 verdicts
				aliCPCheckSources(t, m, q, []string{"198.51.100.7"}, fmt.Sprintf("zone 1 replies to %v, zone 2 to %v", tc.one, tc.two))
			}
			assert.Equal(t, tc.want, aliCPAddrOutcome(res, ba("198.51.100.7")), res.String())
			a, err := m.Audit(reach.AuditOptions{Catalogue: []reach.Risk{{Service: "SSH", Protocol: flow.TCP, Ports: flow.SetOf(flow.Single[uint16](22)), Severity: reach.High}}})
			require.NoError(t, err)
			i := slices.IndexFunc(a.Findings, func(f reach.Finding) bool { return f.Interface == "eni-a" && f.Service == "SSH" })
			require.GreaterOrEqual(t, i, 0, a.Text())
			assert.Equal(t, tc.wantExpose.String(), a.Findings[i].Exposure.String(), a.Text())
		})
	}
}

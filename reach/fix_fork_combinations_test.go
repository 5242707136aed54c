package reach_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// denyOutTo gives subnet id an ACL of its own (acl-deny-<id>) that lets
// everything in and nothing out to dsts.
func (d *twoArmEstate) denyOutTo(id string, dsts ...string) {
	a := nacl.NewCustom("acl-deny-"+id, "vpc-a")
	a.Entries = []nacl.Entry{{Number: 100, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
		{Number: 100, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
	for i, dst := range dsts {
		a.Entries = append(a.Entries, nacl.Entry{Number: 10 + i, Action: flow.Drop, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: netip.MustParsePrefix(dst)})
	}
	d.acls = append(d.acls, a)
	d.subnet(id).ACL = a.ID
}

// addArms gives appliance i-ap n more interfaces eni-outK (checks off,
// group sg-open) in subnets subnet-outK of VPC A (10.0.(10+K).0/24,
// route table rtb-out), each subnet's ACL denying out to dsts.
func (d *twoArmEstate) addArms(n int, dsts ...string) {
	for k := 2; k < 2+n; k++ {
		sid := fmt.Sprintf("subnet-out%d", k)
		d.subnets = append(d.subnets, reach.Subnet{ID: sid, VPC: "vpc-a", AvailabilityZone: "az-1", RouteTable: "rtb-out",
			CIDRs: []netip.Prefix{netip.MustParsePrefix(fmt.Sprintf("10.0.%d.0/24", 10+k))}})
		d.ifaces = append(d.ifaces, reach.Interface{ID: fmt.Sprintf("eni-out%d", k), Instance: "i-ap", Subnet: sid,
			PrivateIPs: []netip.Addr{netip.MustParseAddr(fmt.Sprintf("10.0.%d.10", 10+k))}, Groups: []string{"sg-open"}, SourceDestCheckDisabled: true})
		d.denyOutTo(sid, dsts...)
	}
}

// An appliance whose every interface's path is blocked forks into one
// combination per interface it may send each leg out of; Fix opens one
// combination a round, so its rounds must follow their number. It gave
// "no fix ... still unreachable after 6 rounds" for 7 interfaces on the
// request's path, and for 4 on both the request's and the reply's (the
// appliance a bump in the wire between subnet-c and subnet-x: 16
// combinations, two of their blocks opened a round at best).
func TestFixRoundsFollowForkCombinations(t *testing.T) {
	tests := []struct {
		name       string
		interfaces int  // of the appliance, eni-in and eni-out included
		bothLegs   bool // c -> x through the appliance both ways, else c -> d (request only)
	}{
		{name: "request leg, 3 interfaces", interfaces: 3},
		{name: "request leg, 7 interfaces", interfaces: 7},
		{name: "request leg, 8 interfaces (the most that fork)", interfaces: 8},
		{name: "request and reply legs, 3 interfaces", interfaces: 3, bothLegs: true},
		{name: "request and reply legs, 4 interfaces", interfaces: 4, bothLegs: true},
		{name: "request and reply legs, 8 interfaces", interfaces: 8, bothLegs: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newTwoArmEstate()
			q := reach.Query{From: "c", To: "d", Protocol: flow.TCP, Port: 443}
			if tt.bothLegs {
				q.To = "x"
				d.subnets = append(d.subnets, reach.Subnet{ID: "subnet-x", VPC: "vpc-a", AvailabilityZone: "az-1", RouteTable: "rtb-x",
					CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.9.0/24")}})
				d.rts = append(d.rts, reach.RouteTable{ID: "rtb-x", VPC: "vpc-a", Routes: []reach.Route{armRoute("10.0.2.0/24", reach.TargetInterface, "eni-in")}})
				d.rt("rtb-c").Routes = append(d.rt("rtb-c").Routes, armRoute("10.0.9.0/24", reach.TargetInterface, "eni-in"))
				d.ifaces = append(d.ifaces, reach.Interface{ID: "eni-x", Name: "x", Subnet: "subnet-x",
					PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.9.10")}, Groups: []string{"sg-open"}})
				for _, s := range []string{"subnet-in", "subnet-out"} {
					d.denyOutTo(s, "10.0.2.0/24", "10.0.9.0/24")
				}
				d.addArms(tt.interfaces-2, "10.0.2.0/24", "10.0.9.0/24")
			} else {
				d.rt("rtb-a").Routes = append(d.rt("rtb-a").Routes, armRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab"))
				d.closeOutbound("eni-in")
				d.denyToB("subnet-out")
				d.addArms(tt.interfaces-2, "10.1.0.0/16")
			}
			m := d.build(t)
			r, err := m.Check(q)
			require.NoError(t, err)
			require.Equal(t, reach.Unreachable, r.Outcome, r.Text())

			fr, err := m.Fix(q, reach.Reachable)
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, fr.After)
			after, err := mustApply(t, m, fr.Changes).Check(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, after.Outcome, after.Text())
		})
	}
}

// Fix's changes for another transit gateway appliance-mode zone name
// that zone's path: the attachment and the subnet it sends the packets
// through. A transit gateway hop carries the route table's ID, not the
// attachment's, and every such change fell back to "on another
// combination of the choices on the path than the trace shows".
func TestFixNamesTheOtherApplianceZone(t *testing.T) {
	q := reach.Query{From: "eni-a", To: "eni-b", Protocol: flow.TCP, Port: 443}
	tests := []struct {
		name   string
		closed []string // appliance subnets whose ACL lets nothing through
		prefix string   // of every change not on the trace
	}{
		{name: "subnet-ap2 closed", closed: []string{"subnet-ap2"},
			prefix: "on the path where transit gateway attachment att-i (appliance mode) sends the packets through subnet-ti2 (not the one the trace shows): "},
		{name: "subnet-ap1 closed", closed: []string{"subnet-ap1"},
			prefix: "on the path where transit gateway attachment att-i (appliance mode) sends the packets through subnet-ti1 (not the one the trace shows): "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newApplianceDesign(true)
			for _, s := range tt.closed {
				d.closed(s)
			}
			m := d.build(t)
			fr, err := m.Fix(q, reach.Reachable)
			require.NoError(t, err)
			other := 0
			for _, c := range fr.Changes {
				if c.Hop == 0 {
					other++
					assert.True(t, strings.HasPrefix(c.Text, tt.prefix), c.Text)
				}
			}
			assert.Positive(t, other, "a change on the other zone's path: %+v", fr.Changes)
			after, err := mustApply(t, m, fr.Changes).Check(q)
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, after.Outcome, after.Text())
		})
	}
}

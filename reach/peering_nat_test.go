package reach_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sg"
)

// newPNEstate is the two-armed estate (twoArmEstate, audit estates24
// finding 4) where subnet-c sends only VPC B to eni-in.
func newPNEstate() *twoArmEstate {
	d := newTwoArmEstate()
	d.rt("rtb-c").Routes = []reach.Route{armRoute("10.1.0.0/16", reach.TargetInterface, "eni-in")}
	return d
}

func pnAll(dir flow.Direction, peer string) sg.Rule {
	return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.Peer{CIDR: netip.MustParsePrefix(peer)}}
}

// oneArmed leaves i-ap one interface, eni-in, its subnet routing VPC B
// to the peering and VPC C back to the transit gateway.
func (d *twoArmEstate) oneArmed() {
	d.ifaces = slices.DeleteFunc(d.ifaces, func(in reach.Interface) bool { return in.ID == "eni-out" })
	d.subnet("subnet-in").RouteTable = "rtb-out"
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
	t.Parallel() // slow under -race: the reach tests share both cores
	for _, tc := range []struct {
		name    string
		edit    func(d *twoArmEstate)
		want    reach.Outcome
		code    reach.Code // of the peering's request hop, in the trace
		missing string     // in the peering hop's missing
		reply   bool       // the reply goes back through the appliance
	}{
		{name: "two-armed appliance (audit estates24 finding 4)", want: reach.Indeterminate, code: reach.ApplianceTranslationUnknown,
			missing: "whether appliance eni-out replaces the source", reply: true},
		{name: "one-armed appliance", edit: (*twoArmEstate).oneArmed, want: reach.Indeterminate, code: reach.ApplianceTranslationUnknown,
			missing: "whether appliance eni-in replaces the source", reply: true},
		{name: "d admits only VPC C: translated, d's group drops it", edit: func(d *twoArmEstate) {
			d.oneArmed()
			d.groups = append(d.groups, sg.Group{ID: "sg-d", Rules: []sg.Rule{pnAll(flow.Inbound, "10.2.0.0/16"), pnAll(flow.Outbound, "0.0.0.0/0")}})
			d.iface("eni-d").Groups = []string{"sg-d"}
		}, want: reach.Unreachable, code: reach.ApplianceTranslationUnknown},
		{name: "no route back from the appliance: the translated reply is lost", edit: func(d *twoArmEstate) {
			d.oneArmed()
			d.rt("rtb-out").Routes = d.rt("rtb-out").Routes[:1]
		}, want: reach.Unreachable, code: reach.ApplianceTranslationUnknown},
		{name: "no appliance: the attachment subnet routes to the peering", edit: func(d *twoArmEstate) {
			d.rt("rtb-tatt").Routes = []reach.Route{armRoute("10.1.0.0/16", reach.TargetPeering, "pcx-ab")}
		}, want: reach.Unreachable, code: reach.PeeringAddressOutsideVPC},
		{name: "peering pending acceptance", edit: func(d *twoArmEstate) {
			d.oneArmed()
			d.peers[0].Status = "pending-acceptance"
		}, want: reach.Unreachable, code: reach.PeeringAddressOutsideVPC},
		{name: "peering status unknown", edit: func(d *twoArmEstate) {
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
			protos := []flow.Protocol{flow.TCP, flow.UDP, flow.ICMP}
			if raceOn {
				protos = protos[:1] // the brute force is slow under the race detector, which needs the concurrency, not every protocol
			}
			for _, p := range protos {
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
		edit func(d *twoArmEstate, after bool)
	}{
		{name: "peering route on the appliance's subnet", edit: func(d *twoArmEstate, after bool) {
			if !after {
				d.rt("rtb-out").Routes = d.rt("rtb-out").Routes[1:]
			}
		}},
		{name: "d's group admits VPC A", edit: func(d *twoArmEstate, after bool) {
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

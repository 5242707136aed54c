package reach_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// nat64CheckedApplianceDesign is a design whose IPv6 subnet sends the
// NAT64 prefix to eni-web (its source/destination check on) or, viaNAT,
// to a NAT gateway.
func nat64CheckedApplianceDesign(t *testing.T, viaNAT bool) *reach.Model {
	first := reach.Route{Destination: bp("64:ff9b::/96"), Target: reach.TargetInterface, TargetID: "eni-web"}
	if viaNAT {
		first = reach.Route{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-a"}
	}
	d := nat64RandomDesign{
		pubOut:    []nacl.Entry{{Number: 95, Action: flow.Pass, Direction: flow.Outbound, Protocol: flow.AllProtocols, CIDR: bp("0.0.0.0/0")}},
		pubRoutes: []reach.Route{{Destination: bp("64:ff9b::/96"), Target: reach.TargetNATGateway, TargetID: "nat-b"}},
		v6Routes:  []reach.Route{first},
		webIn:     []sg.Rule{{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 22, Hi: 22}, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("10.0.0.0/16")}},
		v6Out:     []sg.Rule{{Direction: flow.Outbound, Protocol: flow.TCP, Ports: flow.PortRange{Lo: 443, Hi: 443}, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("::/0")}},
		xOut:      []sg.Rule{{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.AnyIPv4}},
	}
	return d.build(t)
}

// TestNAT64ApplianceWithCheckOnForksNothing: nat64MayFork counts an
// appliance whose source/destination check is on as one that may fork
// the walk, so Matrix leaves 64:ff9b::/96 out of its internet cells with
// a note saying the interface "may translate them", and Diff leaves the
// prefix out too: a change that opens 64:ff9b::c633:6407 (tcp 443) is
// not reported. The walk (Verdict) ends at the check, certain, and
// never meets a NAT64 choice.
func TestNAT64ApplianceWithCheckOnForksNothing(t *testing.T) {
	before, after := nat64CheckedApplianceDesign(t, false), nat64CheckedApplianceDesign(t, true)
	q := reach.Query{From: "eni-v6", To: "64:ff9b::c633:6407", Protocol: flow.TCP, Port: 443, IPv6: true}
	vb, err := before.Verdict(q)
	require.NoError(t, err)
	va, err := after.Verdict(q)
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, vb)
	require.Equal(t, reach.Reachable, va)
	r, err := before.Check(q)
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(r.Forward, func(h reach.Hop) bool { return h.Code == reach.SourceDestCheck }), "the walk ends at web's check")

	mx, err := before.Matrix(reach.MatrixOptions{IPv6: true, Workers: 1})
	require.NoError(t, err)
	assert.Empty(t, mx.Notes, "no appliance may translate: the source/destination check drops the packet first")

	d, err := reach.Diff(before, after, reach.DiffOptions{IPv6: true, Workers: 1})
	require.NoError(t, err)
	pc, _ := internetChangeOf(d, "eni-v6", false)
	ac, _ := addressChangeAt(pc, ba("64:ff9b::c633:6407"))
	for _, n := range d.Notes { // the NAT64 addresses of eni-x's own IPv4 addresses changed too: noted (diff_nat64_note.go)
		assert.NotContains(t, n, "left out of the internet cells", "no appliance may translate")
	}
	assert.True(t, ac.Gained.TCP.Contains(443), "Diff reports the gain of 64:ff9b::c633:6407 tcp 443\n%s", d.Text())
}

package reach_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A VPC route to a transit gateway whose table sends the packet back into
// the same VPC is a routing loop: its words name each table once, in the
// order the packet goes round, the route of each (the VPC's and the
// gateway's), and the fix offers both tables (audit peer26, finding 2:
// the gateway's table was named twice, and its route not at all).
func TestTGWRoutingLoopWords(t *testing.T) {
	d := newTGWDesign()
	d.rts[0].Routes = append(d.rts[0].Routes, reach.Route{Destination: pfx("10.50.0.0/16"), Target: reach.TargetTransitGateway, TargetID: "tgw-1"})
	d.routes("tgw-rtb-1", tgwRoute("10.50.0.0/16", "att-a", false))
	m := d.build(t)
	r, err := m.Check(reach.Query{From: "app-a", To: "10.50.1.1", Protocol: flow.TCP, Port: 443})
	require.NoError(t, err)
	require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	b, ok := r.First()
	require.True(t, ok, r.Text())
	assert.Equal(t, reach.RoutingLoop, b.Code, r.Text())
	text := r.Text()
	for _, want := range []string{
		"go round the loop rtb-a -> tgw-rtb-1 -> rtb-a forever",
		"- rtb-a: 10.50.1.1 matches 10.50.0.0/16 via tgw-1",
		"- tgw-rtb-1: 10.50.1.1 matches 10.50.0.0/16 via att-a (static)",
		"fix: change the route for 10.50.1.1 in rtb-a or tgw-rtb-1 so that it leads out of the cycle",
	} {
		assert.Contains(t, text, want)
	}
	assert.Equal(t, 1, strings.Count(text, "ROUTING_LOOP"), text)
}

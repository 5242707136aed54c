package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// The example's story must stay true: one pass across the transit
// gateway, a non-transitive peering block, a blackhole, an indeterminate
// VPN route, each with the exit status the CLI would give.
func TestRunTellsTheStory(t *testing.T) {
	var out bytes.Buffer
	results, err := run(&out)
	require.NoError(t, err)
	require.Len(t, results, len(questions))

	want := []struct {
		outcome reach.Outcome
		exit    int
		codes   []reach.Code
		kind    reach.Kind // the hop that decides (the last of the request), for a block or an undecided hop
		id      string
	}{
		{reach.Reachable, 0, []reach.Code{}, "", ""},
		{reach.Unreachable, 1, []reach.Code{reach.PeeringAddressOutsideVPC}, reach.KindPeering, "pcx-partner"},
		{reach.Unreachable, 1, []reach.Code{reach.TGWBlackholeRoute}, reach.KindTransitGateway, "tgw-rtb-main"},
		{reach.Indeterminate, 3, []reach.Code{reach.UnmodelledTarget}, reach.KindUnmodelled, "vgw-onprem"},
	}
	for i, w := range want {
		r := results[i]
		t.Run(questions[i].title, func(t *testing.T) {
			assert.Equal(t, w.outcome, r.Outcome, r.Text())
			assert.Equal(t, w.outcome == reach.Reachable, r.Reachable)
			assert.Equal(t, w.exit, exitStatus[r.Outcome])
			assert.Equal(t, w.codes, r.Codes(), r.Text())
			if w.kind == "" {
				assert.Contains(t, kinds(r.Forward), reach.KindTransitGateway, "the pass crosses the transit gateway")
				assert.Contains(t, kinds(r.Return), reach.KindTransitGateway, "and so does the reply")
				return
			}
			last := r.Forward[len(r.Forward)-1]
			assert.Equal(t, w.kind, last.Kind)
			assert.Equal(t, w.id, last.ID)
			assert.Empty(t, r.Return, "nothing is delivered, so no reply is traced")
		})
	}

	text := out.String()
	for _, s := range []string{
		"10.2.1.10 matches 10.2.0.0/16 via tgw-attach-data (propagated) in tgw-rtb-main",
		"PCX_REQUIRES_ADDRESS_IN_VPC_CIDR: 10.4.1.10 is in vpc-vendor, not in vpc-shared (10.0.0.0/16)",
		"peering is not transitive",
		"TGW_BLACKHOLE_ROUTE: 10.2.2.10 matches the blackhole route 10.2.2.0/24 of tgw-rtb-main",
		"INDETERMINATE: no hop blocks for certain",
		"missing: what lies beyond vgw-onprem (virtual private gateway)",
		"exit status (as reachsim check): 0",
		"exit status (as reachsim check): 1",
		"exit status (as reachsim check): 3",
	} {
		assert.Contains(t, text, s)
	}
}

// The same checks the way a user's CI would write them, with reachtest,
// and the estate's other paths: the peerings themselves carry traffic.
func TestEstateWithReachtest(t *testing.T) {
	m, err := design()
	require.NoError(t, err)
	tcp := func(from, to string, port uint16) reach.Query {
		return reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port}
	}
	reachtest.AssertReachable(t, m, tcp("app-1", "db-1", 5432), "across tgw-hub")
	reachtest.AssertReachable(t, m, tcp("tools-1", "db-1", 5432), "vpc-shared is attached too")
	reachtest.AssertReachable(t, m, tcp("partner-1", "tools-1", 22), "across pcx-partner")
	reachtest.AssertReachable(t, m, tcp("vendor-1", "tools-1", 22), "across pcx-vendor")
	reachtest.AssertRequestBlocked(t, m, tcp("partner-1", "vendor-1", 443), reach.PeeringAddressOutsideVPC)
	reachtest.AssertRequestBlocked(t, m, tcp("app-1", "analytics-1", 5432), reach.TGWBlackholeRoute)
	reachtest.AssertRequestBlocked(t, m, tcp("partner-1", "app-1", 443), "NO_ROUTE")
}

func kinds(hops []reach.Hop) []reach.Kind {
	var k []reach.Kind
	for _, h := range hops {
		k = append(k, h.Kind)
	}
	return k
}

// TestSetAnswersAgreeWithVerdict checks every set answer on the estate
// against a Verdict per value: every 7th port across the transit gateway
// and every edge of its answer,
// the peering that is not transitive, the blackholed subnet, the VPN
// route (indeterminate), ICMP, who reaches db-1 and tools-1, the whole
// matrix and the audit.
func TestSetAnswersAgreeWithVerdict(t *testing.T) {
	m, err := design()
	require.NoError(t, err)
	brute.CheckSetAnswers(t, m, brute.Options{
		Ports: []reach.PortsQuery{
			{From: "app-1", To: "db-1", Protocol: flow.TCP},
			{From: "partner-1", To: "vendor-1", Protocol: flow.TCP},
			{From: "partner-1", To: "tools-1", Protocol: flow.UDP},
			{From: "app-1", To: "analytics-1", Protocol: flow.TCP},
			{From: "tools-1", To: "192.168.10.5", Protocol: flow.TCP},
			{From: "app-1", To: "db-1", Protocol: flow.ICMP},
			{From: "vendor-1", To: "tools-1", Protocol: flow.ICMP},
		},
		Sources: []reach.SourcesQuery{
			{To: "db-1", Protocol: flow.TCP, Port: 5432},
			{To: "tools-1", Protocol: flow.TCP, Port: 443},
			{To: "analytics-1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 8}},
		},
		Step: 7, // a verdict across the transit gateway is slow: every 7th port and every edge
		Seed: 2,
	})
}

package reach_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A certain verdict allocates nothing, from the internet too: resolving
// an internet address once put every lookup's hostless record on the
// heap (112 bytes a verdict, found by BenchmarkVerdictLarge/from-internet).
// An undecided one allocates the firewall rule's record, once.
func TestVerdictAllocatesNothing(t *testing.T) {
	if raceOn {
		t.Skip("the race detector allocates")
	}
	m, err := publicDesign(rand.New(rand.NewPCG(1, 2))).Builder().Build()
	require.NoError(t, err)
	for _, q := range []reach.Query{
		{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP, Port: 443},
		{From: "web-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443},
		{From: "app-1", To: "93.184.216.34", Protocol: flow.TCP, Port: 443},
		{From: "8.8.8.8", To: "203.0.113.10", Protocol: flow.UDP, Port: 53},
		{From: "web-1", To: "app-1", Protocol: flow.TCP, Port: 8080},
	} {
		v, err := m.Verdict(q)
		require.NoError(t, err, "%+v", q)
		allocs := testing.AllocsPerRun(50, func() { _, _ = m.Verdict(q) })
		if v == reach.Indeterminate {
			// the firewall's undecided rule (a domain rule, no domain
			// given) keeps its record (stateful.Unknown) on the heap
			assert.LessOrEqual(t, allocs, 1.0, "%+v", q)
			continue
		}
		assert.Zero(t, allocs, "%+v", q)
	}
}

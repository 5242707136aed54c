package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/slowpath"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// buildReference builds b under internal/slowpath, free of every index:
// each firewall engine and security group scans every rule in decision
// order (no port index, no prefix-list trie), each route lookup loops over
// every route and prefix, and network ACLs scan their entries (as they do
// either way).
func buildReference(t *testing.T, build func() (*reach.Model, error)) *reach.Model {
	t.Helper()
	restore := slowpath.Set(true)
	defer restore()
	m, err := build()
	require.NoError(t, err)
	return m
}

// pathOf is what the fast walk and the reference must agree on, hop by
// hop: leg, kind, ID, verdict, code and deciding rule.
func pathOf(r *reach.Result) []string {
	var out []string
	for _, hops := range [][]reach.Hop{r.Forward, r.Return} {
		for _, h := range hops {
			out = append(out, fmt.Sprintf("%s %s %s %s %s rule=%q", h.Leg, h.Kind, h.ID, h.Verdict, h.Code, h.Rule))
		}
	}
	return out
}

// prefixesLater gives some interfaces without delegated prefixes IPv4
// prefixes AWS delegates at launch (Interface.IPv4PrefixesUnknown), a
// free address of each one's subnet as an endpoint, and makes sg-out
// send only to sg-open's members: a rule that may match a free address
// (the free address's walk may reach it). From rng, so that g's own
// stream, and so its queries' kinds, stay as they were.
func (g *walkGen) prefixesLater(rng *rand.Rand) {
	for i := range g.d.Interfaces {
		in := &g.d.Interfaces[i]
		if len(in.DelegatedPrefixes) > 0 || rng.Float64() > 0.3 {
			continue
		}
		in.IPv4PrefixesUnknown = "aws_network_interface." + in.ID + ": ipv4_prefixes"
		a := in.PrivateIPs[0].As4()
		a[3] = byte(250 + rng.IntN(4)) // above every slot delegate uses, below the address AWS reserves
		g.endpoints = append(g.endpoints, netip.AddrFrom4(a).String())
	}
	for i := range g.d.Groups {
		if g.d.Groups[i].ID == "sg-out" {
			g.d.Groups[i].Rules = []sg.Rule{{Direction: flow.Outbound, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.GroupRef("sg-open")}}
		}
	}
}

// TestWalkAgreesWithSlowReference demands that Check and Verdict agree
// with the reference walk (every rule and route scanned, no index; see
// buildReference) on random designs, the open ones with indeterminate
// outcomes among them: the same outcome, the same path on both legs, the
// same deciding rules. The designs have prefixes delegated to interfaces,
// whose lookup (and whose search among a group's members) the reference
// does by scanning.
func TestWalkAgreesWithSlowReference(t *testing.T) {
	designs := 200
	if testing.Short() || raceOn {
		designs = 40
	}
	stats := map[reach.Outcome]int{}
	for seed := range uint64(designs) {
		g := randomWalkDesign(rand.New(rand.NewPCG(seed, 10)))
		g.delegate() // delegated prefixes: their addresses as sources, destinations and group members
		if seed%2 == 1 {
			g.prefixesLater(rand.New(rand.NewPCG(seed, 13))) // free addresses a group reference may match
		}
		fast, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		ref := buildReference(t, g.d.Builder().Build)
		for range 40 {
			q := g.query()
			want, werr := ref.Check(q)
			got, gerr := fast.Check(q)
			v, verr := fast.Verdict(q)
			if werr != nil {
				require.Error(t, gerr, "seed %d: %+v", seed, q)
				require.Error(t, verr, "seed %d: %+v", seed, q)
				continue
			}
			require.NoError(t, gerr, "seed %d: %+v", seed, q)
			require.NoError(t, verr, "seed %d: %+v", seed, q)
			require.Equal(t, pathOf(want), pathOf(got), "seed %d: %+v\nreference:\n%s\nfast:\n%s", seed, q, want.Text(), got.Text())
			require.Equal(t, want.Outcome, got.Outcome, "seed %d: %+v", seed, q)
			require.Equal(t, want.Outcome, v, "seed %d: %+v: Verdict", seed, q)
			stats[v]++
		}

		// The open designs of TestVerdictAgreesWithCheck: peerings,
		// transit gateways, unmodelled targets, groups the input does not
		// hold, hence indeterminate outcomes.
		n, srcs, dsts := openDesign(seed)
		fastOpen, err := n.build()
		require.NoError(t, err, "seed %d", seed)
		refOpen := buildReference(t, n.build)
		rng := rand.New(rand.NewPCG(seed, 12))
		for range 40 {
			f := randomFlow(rng, srcs, dsts)
			want, werr := refOpen.CheckFlow(f)
			got, gerr := fastOpen.CheckFlow(f)
			v, verr := fastOpen.VerdictFlow(f)
			if werr != nil {
				require.Error(t, gerr, "seed %d: %s", seed, f)
				require.Error(t, verr, "seed %d: %s", seed, f)
				continue
			}
			require.NoError(t, gerr, "seed %d: %s", seed, f)
			require.NoError(t, verr, "seed %d: %s", seed, f)
			require.Equal(t, pathOf(want), pathOf(got), "seed %d: %s\nreference:\n%s\nfast:\n%s", seed, f, want.Text(), got.Text())
			require.Equal(t, want.Outcome, got.Outcome, "seed %d: %s", seed, f)
			require.Equal(t, want.Outcome, v, "seed %d: %s: Verdict", seed, f)
			stats[v]++
		}
	}
	t.Logf("%v", stats)
	for _, o := range []reach.Outcome{reach.Reachable, reach.Unreachable, reach.Indeterminate} {
		assert.Positive(t, stats[o], "the generated designs give %s answers", o)
	}
}

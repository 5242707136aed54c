package reach_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// TestMatrixAgreesWithVerdict compares every cell of the matrix with
// Verdict between the members of its classes, on random designs.
func TestMatrixAgreesWithVerdict(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	designs := 10
	if testing.Short() || raceOn {
		designs = 4
		if raceOn {
			designs = 2
		}
	}
	grouped := 0
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 90))
		g := randomWalkDesign(rng)
		spice(rng, g.d)
		// firewall rules of flow:, itype/icode, server-first ports, domain rules; app-layer defaults; opaque groups
		fwSpice(rand.New(rand.NewPCG(seed, 0xf15)), g.d)
		icmpCodeEntries(rand.New(rand.NewPCG(seed, 0x1c)), g.d)
		if seed%2 == 1 { // public blocks routed to a VPN: they may come in privately
			vpnRoutes(rand.New(rand.NewPCG(seed, 0x7e9)), g.d)
		}
		m, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		mx, err := m.Matrix(reach.MatrixOptions{Workers: 1 + rng.IntN(3)})
		require.NoError(t, err, "seed %d", seed)
		if len(mx.Classes)-1 < len(g.d.Interfaces) {
			grouped++
		}
		brute.CheckMatrix(t, rng, m, mx, false, fmt.Sprintf("seed %d", seed))
	}
	assert.Positive(t, grouped, "some designs have classes of several interfaces")
}

// TestMatrixOnTheSampleDesign checks the sample design's matrix, cell by
// cell, against Verdict, and the cells the README shows.
func TestMatrixOnTheSampleDesign(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	require.Len(t, mx.Classes, 4)
	assert.Equal(t, "tcp 8080", brute.CellOf(mx, "C1", "C2").Allowed.String(), "web-1 to app-1")
	assert.Equal(t, "tcp 443", brute.CellOf(mx, reach.InternetNode, "C1").Allowed.String(), "the internet to web-1")
	assert.Equal(t, "none", brute.CellOf(mx, "C2", "C3").Allowed.String(), "app-1 to db-1: the ACL cuts the replies")
	brute.CheckMatrix(t, rand.New(rand.NewPCG(5, 6)), m, mx, false, "sample")
	six, err := m.Matrix(reach.MatrixOptions{IPv6: true})
	require.NoError(t, err)
	require.NotEmpty(t, brute.CellOf(six, reach.InternetNode, "C1").Allowed.TCP.String(), "the internet reaches web-1 over IPv6")
	brute.CheckMatrix(t, rand.New(rand.NewPCG(5, 7)), m, six, true, "sample, IPv6")
}

// addGroups gives about half of d's interfaces one or two more of d's
// security groups (of their flavour), for Matrix to fold the groups of an
// interface (matrix_memo.go).
func addGroups(rng *rand.Rand, d *sample.Design) {
	flavour := map[string]sg.Flavour{}
	for _, g := range d.Groups {
		flavour[g.ID] = g.Flavour
	}
	for i := range d.Interfaces {
		in := &d.Interfaces[i]
		if len(in.Groups) == 0 || rng.IntN(2) == 0 {
			continue
		}
		for range 1 + rng.IntN(2) {
			g := d.Groups[rng.IntN(len(d.Groups))]
			if g.Flavour == flavour[in.Groups[0]] && !slices.Contains(in.Groups, g.ID) {
				in.Groups = append(in.Groups, g.ID)
			}
		}
	}
}

// TestMatrixFastAgreesWithReference demands the factored Matrix give
// the reference's cells (every pair walked whole) on random designs.
func TestMatrixFastAgreesWithReference(t *testing.T) {
	t.Parallel() // among the slowest: they share the cores (CI runs them under -race)
	designs := 40
	switch {
	case raceOn: // the race detector needs the walks, not every design; six meet every seed%4 kind
		designs = 6
	case testing.Short():
		designs = 12
	}
	undecided, grouped, internet := 0, 0, 0
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 92))
		var d *sample.Design
		if seed%2 == 0 {
			g := randomWalkDesign(rng)
			spice(rng, g.d)
			d = g.d
		} else {
			d = riskyDesign(rng)
		}
		addGroups(rng, d)
		// firewall rules of flow:, itype/icode, server-first ports, domain rules; app-layer defaults; opaque groups
		fwSpice(rand.New(rand.NewPCG(seed, 0xf15)), d)
		icmpCodeEntries(rand.New(rand.NewPCG(seed, 0x1c)), d)
		if seed%4 == 2 { // public blocks routed to a VPN: they may come in privately
			vpnRoutes(rand.New(rand.NewPCG(seed, 0x7e9)), d)
		}
		if seed%4 == 1 { // a rule by a prefix list whose entries the input lacks
			for i := range d.Groups {
				if !d.Groups[i].Flavour.IsAlibaba() && rng.IntN(2) == 0 {
					d.Groups[i].Rules = append(d.Groups[i].Rules, sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP,
						Ports: flow.PortRange{Lo: 400, Hi: uint16(400 + rng.IntN(200))}, Peer: sg.PrefixList("pl-missing")})
				}
			}
		}
		m, err := d.Builder().AddUnresolvedPrefixList("pl-missing").Build()
		require.NoError(t, err, "seed %d", seed)
		if seed%4 == 3 { // peering, transit gateways, unresolved groups: indeterminate answers
			n, _, _ := openDesign(seed)
			m, err = n.build()
			require.NoError(t, err, "seed %d", seed)
		}
		for _, v6 := range []bool{false, true} {
			o := reach.MatrixOptions{IPv6: v6, NoInternet: seed%3 == 0}
			fast, err := m.Matrix(o)
			require.NoError(t, err, "seed %d", seed)
			ref, err := reach.MatrixReference(m, o)
			require.NoError(t, err, "seed %d", seed)
			require.Equal(t, len(ref.Cells), len(fast.Cells), "seed %d v6 %v", seed, v6)
			for i := range ref.Cells {
				r, f := ref.Cells[i], fast.Cells[i]
				if !r.Indeterminate.IsEmpty() {
					undecided++
				}
				if (r.From == reach.InternetNode || r.To == reach.InternetNode) && !r.Allowed.IsEmpty() {
					internet++
				}
				if len(fast.Classes) < len(m.Interfaces()) {
					grouped++
				}
				require.Equal(t, r.From+"->"+r.To, f.From+"->"+f.To, "seed %d", seed)
				require.True(t, r.Allowed.Equal(f.Allowed), "seed %d v6 %v: %s -> %s: reference %s, fast %s", seed, v6, r.From, r.To, r.Allowed, f.Allowed)
				require.True(t, r.Indeterminate.Equal(f.Indeterminate), "seed %d v6 %v: %s -> %s: reference %s, fast %s", seed, v6, r.From, r.To, r.Indeterminate, f.Indeterminate)
			}
		}
	}
	t.Logf("cells with indeterminate traffic: %d, with grouped classes: %d, internet cells: %d", undecided, grouped, internet)
	assert.Positive(t, internet, "some internet cells carry traffic")
	assert.Positive(t, undecided, "some cells are indeterminate")
	assert.Positive(t, grouped, "some classes hold several interfaces")
}

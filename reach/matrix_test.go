package reach_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// cellOf returns the cell from class a to class b, empty if the matrix
// has none.
func cellOf(mx *reach.Matrix, a, b string) reach.Cell {
	for _, c := range mx.Cells {
		if c.From == a && c.To == b {
			return c
		}
	}
	return reach.Cell{From: a, To: b}
}

// wantOf is what a cell says of one session.
func wantOf(c reach.Cell, q reach.Query) reach.Outcome {
	in := func(t reach.Traffic) bool {
		switch {
		case q.Protocol == flow.TCP:
			return t.TCP.Contains(q.Port)
		case q.Protocol == flow.UDP:
			return t.UDP.Contains(q.Port)
		case q.Protocol.IsICMP():
			for _, ic := range t.ICMP {
				if ic.Type == q.ICMP.Type {
					return ic.Codes.Contains(q.ICMP.Code)
				}
			}
			return false
		}
		return t.Other.Contains(uint8(q.Protocol))
	}
	switch {
	case in(c.Allowed):
		return reach.Reachable
	case in(c.Indeterminate):
		return reach.Indeterminate
	}
	return reach.Unreachable
}

// sessionsToCheck is the sessions a brute-force check of a cell tries.
func sessionsToCheck(rng *rand.Rand, c reach.Cell) []reach.Query {
	var out []reach.Query
	for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
		set := c.Allowed.TCP
		if proto == flow.UDP {
			set = c.Allowed.UDP
		}
		for _, p := range portsToCheck(rng, set)[:60] {
			out = append(out, reach.Query{Protocol: proto, Port: p})
		}
	}
	for range 12 {
		out = append(out, reach.Query{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: uint8(rng.IntN(256)), Code: uint8(rng.IntN(4))}})
	}
	out = append(out, reach.Query{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 8}}, reach.Query{Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 0}})
	for _, p := range []flow.Protocol{47, 50, flow.Protocol(1 + rng.IntN(255))} {
		if !p.HasPorts() && !p.IsICMP() {
			out = append(out, reach.Query{Protocol: p})
		}
	}
	return out
}

// checkMatrix demands that every member pair of every two classes agree
// with the cell between them, session by session, and that the internet
// cells hold what an internet address reaches.
func checkMatrix(t *testing.T, rng *rand.Rand, m *reach.Model, mx *reach.Matrix, v6 bool, msg string) {
	t.Helper()
	for _, a := range mx.Classes {
		for _, b := range mx.Classes {
			if a.Name == reach.InternetNode && b.Name == reach.InternetNode {
				continue
			}
			c := cellOf(mx, a.Name, b.Name)
			for _, q := range sessionsToCheck(rng, c) {
				from, to := pickMember(rng, a, v6), pickMember(rng, b, v6)
				if from == to {
					if len(b.Members) < 2 {
						continue
					}
					for to == from {
						to = pickMember(rng, b, v6)
					}
				}
				q.From, q.To, q.IPv6 = from, to, v6
				if v6 && q.Protocol == flow.ICMP {
					q.Protocol = flow.ICMPv6
				}
				got, err := m.Verdict(q)
				require.NoError(t, err, "%s: %+v", msg, q)
				switch {
				case a.Name == reach.InternetNode || b.Name == reach.InternetNode:
					// the cell is a union over internet addresses
					if got != reach.Unreachable {
						require.NotEqual(t, reach.Unreachable, wantOf(c, q), "%s: %s -> %s: %+v is %s but not in the cell %s", msg, from, to, q, got, c.Allowed)
					}
				default:
					require.Equal(t, wantOf(c, q), got, "%s: %s -> %s (%s -> %s): %+v; cell %s", msg, from, to, a.Name, b.Name, q, c.Allowed)
				}
			}
			if b.Name != reach.InternetNode && a.Name == reach.InternetNode {
				for _, r := range c.Allowed.TCP.Ranges()[:min(2, len(c.Allowed.TCP.Ranges()))] {
					s, err := m.Sources(reach.SourcesQuery{To: b.Members[0].ID, Protocol: flow.TCP, Port: r.Lo, IPv6: v6})
					require.NoError(t, err, msg)
					require.NotEmpty(t, s.Internet, "%s: internet -> %s tcp %d: some internet address gets through", msg, b.Name, r.Lo)
				}
			}
		}
	}
}

func pickMember(rng *rand.Rand, c reach.Class, v6 bool) string {
	if c.Name == reach.InternetNode && v6 {
		return []string{"2001:db8:aaaa::7", "2600::1"}[rng.IntN(2)]
	}
	if c.Name == reach.InternetNode {
		return []string{"198.51.100.7", "8.8.8.8", "1.2.3.4"}[rng.IntN(3)]
	}
	return c.Members[rng.IntN(len(c.Members))].ID
}

// TestMatrixAgreesWithVerdict compares every cell of the matrix with
// Verdict between the members of its classes, on random designs.
func TestMatrixAgreesWithVerdict(t *testing.T) {
	designs := 10
	if testing.Short() || raceOn {
		designs = 4
	}
	grouped := 0
	for seed := range uint64(designs) {
		rng := rand.New(rand.NewPCG(seed, 90))
		g := randomWalkDesign(rng)
		spice(rng, g.d)
		m, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		mx, err := m.Matrix(reach.MatrixOptions{Workers: 1 + rng.IntN(3)})
		require.NoError(t, err, "seed %d", seed)
		if len(mx.Classes)-1 < len(g.d.Interfaces) {
			grouped++
		}
		checkMatrix(t, rng, m, mx, false, fmt.Sprintf("seed %d", seed))
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
	assert.Equal(t, "tcp 8080", cellOf(mx, "C1", "C2").Allowed.String(), "web-1 to app-1")
	assert.Equal(t, "tcp 443", cellOf(mx, reach.InternetNode, "C1").Allowed.String(), "the internet to web-1")
	assert.Equal(t, "none", cellOf(mx, "C2", "C3").Allowed.String(), "app-1 to db-1: the ACL cuts the replies")
	checkMatrix(t, rand.New(rand.NewPCG(5, 6)), m, mx, false, "sample")
	six, err := m.Matrix(reach.MatrixOptions{IPv6: true})
	require.NoError(t, err)
	require.NotEmpty(t, cellOf(six, reach.InternetNode, "C1").Allowed.TCP.String(), "the internet reaches web-1 over IPv6")
	checkMatrix(t, rand.New(rand.NewPCG(5, 7)), m, six, true, "sample, IPv6")
}

// TestMatrixFastAgreesWithReference demands the factored Matrix give
// the reference's cells (every pair walked whole) on random designs.
func TestMatrixFastAgreesWithReference(t *testing.T) {
	designs := 40
	if testing.Short() || raceOn {
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
		m, err := d.Builder().Build()
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

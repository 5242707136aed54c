package reach_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// TestDesignRebuildsTheSameModel: the design a model keeps, built again,
// gives the same answers, trace for trace, on random designs full of
// middleboxes, on open designs (peerings, transit gateways, groups the
// input lacks) and on the sample: Fix verifies its changes on such a
// rebuilt model.
func TestDesignRebuildsTheSameModel(t *testing.T) {
	same := func(t *testing.T, a, b *reach.Model, queries []reach.Query) {
		t.Helper()
		for _, q := range queries {
			want, werr := a.Check(q)
			got, gerr := b.Check(q)
			if werr != nil {
				require.EqualError(t, gerr, werr.Error(), "%+v", q)
				continue
			}
			require.NoError(t, gerr, "%+v", q)
			require.Equal(t, want.Text(), got.Text(), "%+v", q)
		}
	}
	designs := 60
	if testing.Short() || raceOn {
		designs = 15
	}
	for seed := range uint64(designs) {
		g := randomWalkDesign(rand.New(rand.NewPCG(seed, 30)))
		m, err := g.d.Builder().Build()
		require.NoError(t, err, "seed %d", seed)
		again, err := reach.Rebuilt(m)
		require.NoError(t, err, "seed %d", seed)
		var qs []reach.Query
		for range 30 {
			qs = append(qs, g.query())
		}
		same(t, m, again, qs)

		n, srcs, dsts := openDesign(seed)
		open, err := n.build()
		require.NoError(t, err, "seed %d", seed)
		openAgain, err := reach.Rebuilt(open)
		require.NoError(t, err, "seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 31))
		for range 30 {
			f := randomFlow(rng, srcs, dsts)
			want, werr := open.CheckFlow(f)
			got, gerr := openAgain.CheckFlow(f)
			if werr != nil {
				require.EqualError(t, gerr, werr.Error())
				continue
			}
			require.NoError(t, gerr)
			require.Equal(t, want.Text(), got.Text(), "seed %d: %s", seed, f)
		}
	}
	unknownApp, err := withUnknownApp(t, nil)
	require.NoError(t, err)
	for _, m := range []*reach.Model{unknownApp, alibabaDesign(t)} {
		again, err := reach.Rebuilt(m)
		require.NoError(t, err)
		var qs []reach.Query
		for _, from := range m.Interfaces() {
			for _, to := range m.Interfaces() {
				for _, port := range []uint16{22, 443, 5432, 8080} {
					qs = append(qs, reach.Query{From: from.ID, To: to.ID, Protocol: flow.TCP, Port: port})
				}
			}
			qs = append(qs, reach.Query{From: "198.51.100.7", To: from.ID, Protocol: flow.TCP, Port: 443})
		}
		same(t, m, again, qs)
	}
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	again, err := reach.Rebuilt(m)
	require.NoError(t, err)
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	mx2, err := again.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	require.Equal(t, mx, mx2)
	d := sample.ThreeTier()
	d.SetOrigin(reach.ResourceNetworkACL, "acl-db", reach.Origin{File: "acls.json", Path: "NetworkAcls[2]"})
	withOrigin, err := d.Build()
	require.NoError(t, err)
	again, err = reach.Rebuilt(withOrigin)
	require.NoError(t, err)
	o, ok := again.Origin(reach.ResourceNetworkACL, "acl-db")
	require.True(t, ok, "the origins go with the design")
	require.Equal(t, "acls.json: NetworkAcls[2]", o.String())
}

// TestBuildOnce holds a model BuildOnce built to Build's model of the same
// design: the same traces, matrix and origins; the builder is empty
// afterwards; a design that does not build gives the same errors.
func TestBuildOnce(t *testing.T) {
	withOrigin := func() *reach.Builder {
		d := sample.ThreeTier()
		d.SetOrigin(reach.ResourceNetworkACL, "acl-db", reach.Origin{File: "acls.json", Path: "NetworkAcls[2]"})
		return d
	}
	m, err := withOrigin().Build()
	require.NoError(t, err)
	b := withOrigin()
	once, err := b.BuildOnce()
	require.NoError(t, err)
	for _, from := range m.Interfaces() {
		for _, to := range m.Interfaces() {
			for _, port := range []uint16{22, 443, 5432, 8080} {
				q := reach.Query{From: from.ID, To: to.ID, Protocol: flow.TCP, Port: port}
				want, err := m.Check(q)
				got, err2 := once.Check(q)
				if from.ID == to.ID { // an interface to itself: the same error
					require.ErrorIs(t, err, reach.ErrQuery)
					require.EqualError(t, err2, err.Error())
					continue
				}
				require.NoError(t, err)
				require.NoError(t, err2)
				require.Equal(t, want.Text(), got.Text(), "%+v", q)
			}
		}
	}
	mx, err := m.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	mx2, err := once.Matrix(reach.MatrixOptions{})
	require.NoError(t, err)
	require.Equal(t, mx, mx2)
	o, ok := once.Origin(reach.ResourceNetworkACL, "acl-db")
	require.True(t, ok)
	require.Equal(t, "acls.json: NetworkAcls[2]", o.String())

	empty, err := b.Build()
	require.NoError(t, err, "the builder BuildOnce used holds nothing")
	require.Empty(t, empty.Interfaces())

	bad := func() *reach.Builder {
		return sample.ThreeTier().AddInterface(reach.Interface{ID: "eni-stray", Subnet: "subnet-nowhere"})
	}
	_, want := bad().Build()
	require.Error(t, want)
	_, got := bad().BuildOnce()
	require.EqualError(t, got, want.Error())
}

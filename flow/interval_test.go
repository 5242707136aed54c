package flow_test

import (
	"cmp"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

func pr(lo, hi uint16) flow.PortRange { return flow.PortRange{Lo: lo, Hi: hi} }

func ports(t *testing.T, s string) flow.PortSet {
	t.Helper()
	set, err := flow.ParseSet[uint16](s)
	require.NoError(t, err)
	return set
}

func TestRange(t *testing.T) {
	assert.Equal(t, "22", flow.Single[uint16](22).String())
	assert.Equal(t, "1024-65535", pr(1024, 65535).String())
	assert.Equal(t, "empty", pr(5, 4).String())
	assert.Equal(t, "-1", flow.Single[int16](-1).String())
	assert.Equal(t, flow.AllPorts, flow.Full[uint16]())
	assert.Equal(t, flow.Range[int8]{Lo: -128, Hi: 127}, flow.Full[int8]())
	assert.Equal(t, flow.Range[uint8]{Lo: 0, Hi: 255}, flow.Full[uint8]())
	assert.True(t, pr(20, 30).Contains(20))
	assert.True(t, pr(20, 30).Contains(30))
	assert.False(t, pr(20, 30).Contains(31))
	assert.True(t, pr(20, 30).Overlaps(pr(30, 40)))
	assert.False(t, pr(20, 30).Overlaps(pr(31, 40)))
	assert.True(t, pr(20, 30).ContainsRange(pr(21, 29)))
	assert.False(t, pr(20, 30).ContainsRange(pr(19, 29)))
	assert.True(t, flow.AllPorts.IsFull())
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		in   string
		want flow.PortRange
	}{
		{"22", pr(22, 22)},
		{"0", pr(0, 0)},
		{"1024-65535", pr(1024, 65535)},
		{"80-80", pr(80, 80)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := flow.ParseRange[uint16](tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	for _, bad := range []string{"", "-", "65536", "-1", "10-5", "a-b", "1-", "-5", "1-2-3", "+5"} {
		t.Run("rejects "+bad, func(t *testing.T) {
			_, err := flow.ParseRange[uint16](bad)
			require.ErrorIs(t, err, flow.ErrRange)
			assert.Contains(t, err.Error(), `"`+bad+`"`)
		})
	}
	got, err := flow.ParseRange[int16]("-5--1")
	require.NoError(t, err)
	assert.Equal(t, flow.Range[int16]{Lo: -5, Hi: -1}, got)
}

func TestSetOperations(t *testing.T) {
	tests := []struct {
		name               string
		a, b               string
		union, inter, diff string
	}{
		{"disjoint sets", "22", "80", "22,80", "none", "22"},
		{"adjacent ranges merge", "1-10", "11-20", "1-20", "none", "1-10"},
		{"overlap", "1-10", "5-20", "1-20", "5-10", "1-4"},
		{"hole punched", "0-65535", "22", "0-65535", "22", "0-21,23-65535"},
		{"edges of the domain", "0,65535", "0-65535", "0-65535", "0,65535", "none"},
		{"empty operand", "none", "80-90", "80-90", "none", "none"},
		{"many ranges", "1-5,10-15,20-25", "4-11,24", "1-15,20-25", "4-5,10-11,24", "1-3,12-15,20-23,25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := ports(t, tt.a), ports(t, tt.b)
			assert.Equal(t, tt.union, a.Union(b).String(), "union")
			assert.Equal(t, tt.inter, a.Intersect(b).String(), "intersection")
			assert.Equal(t, tt.diff, a.Difference(b).String(), "difference")
			assert.Equal(t, tt.diff == "none", a.SubsetOf(b), "subset")
		})
	}
}

func TestSetParseNormalises(t *testing.T) {
	s := ports(t, "1024-65535, 22,80,81,23")
	assert.Equal(t, "22-23,80-81,1024-65535", s.String())
	assert.True(t, s.Contains(81))
	assert.False(t, s.Contains(82))
	assert.True(t, s.ContainsRange(pr(2000, 3000)))
	assert.False(t, s.ContainsRange(pr(80, 82)))
	assert.Equal(t, uint64(2+2+64512), s.Count())
	assert.True(t, flow.FullSet[uint16]().IsFull())
	assert.True(t, flow.FullSet[uint16]().Complement().IsEmpty())
	assert.Equal(t, uint64(65536), flow.FullSet[uint16]().Count())
	_, err := flow.ParseSet[uint16]("")
	require.ErrorIs(t, err, flow.ErrRange)
	_, err = flow.ParseSet[uint16]("22,x")
	require.ErrorIs(t, err, flow.ErrRange)
}

func TestSetIsImmutable(t *testing.T) {
	a := ports(t, "1-10")
	rs := a.Ranges()
	rs[0].Hi = 99
	_ = a.Union(ports(t, "20"))
	assert.Equal(t, "1-10", a.String())
}

// bitset is the obviously-correct reference for Set over uint8.
type bitset [256]bool

func randomSet(r *rand.Rand) (flow.Set[uint8], bitset) {
	var bits bitset
	var rs []flow.Range[uint8]
	for range r.IntN(5) {
		lo := uint8(r.IntN(256))
		hi := lo + uint8(r.IntN(256-int(lo)))
		if r.IntN(8) == 0 {
			hi = lo - 1 // sometimes an empty range; lo 0 wraps to a full range, fine
			if lo == 0 {
				hi = 255
			}
		}
		rs = append(rs, flow.Range[uint8]{Lo: lo, Hi: hi})
		for v := int(lo); v <= int(hi); v++ {
			bits[v] = true
		}
	}
	return flow.SetOf(rs...), bits
}

func TestSetAgreesWithBitset(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range cmp.Or(raceN(750), 3000) {
		a, ab := randomSet(r)
		b, bb := randomSet(r)
		ops := []struct {
			name string
			got  flow.Set[uint8]
			want func(x, y bool) bool
		}{
			{"union", a.Union(b), func(x, y bool) bool { return x || y }},
			{"intersection", a.Intersect(b), func(x, y bool) bool { return x && y }},
			{"difference", a.Difference(b), func(x, y bool) bool { return x && !y }},
			{"complement", a.Complement(), func(x, _ bool) bool { return !x }},
		}
		for _, op := range ops {
			var n uint64
			for v := range 256 {
				want := op.want(ab[v], bb[v])
				if want {
					n++
				}
				require.Equal(t, want, op.got.Contains(uint8(v)), "%s of %s and %s at %d", op.name, a, b, v)
			}
			require.Equal(t, n, op.got.Count(), "%s count", op.name)
			back, err := flow.ParseSet[uint8](op.got.String())
			require.NoError(t, err)
			require.True(t, back.Equal(op.got), "String round-trips %s", op.got)
			rs := op.got.Ranges()
			for i := 1; i < len(rs); i++ {
				require.Greater(t, int(rs[i].Lo), int(rs[i-1].Hi)+1, "ranges are disjoint and not adjacent")
			}
		}
	}
}

func TestSignedSet(t *testing.T) {
	s := flow.SetOf(flow.Range[int8]{Lo: -128, Hi: -1})
	assert.Equal(t, "0-127", s.Complement().String())
	assert.Equal(t, uint64(128), s.Count())
	assert.Equal(t, uint64(256), flow.FullSet[int8]().Count())
}

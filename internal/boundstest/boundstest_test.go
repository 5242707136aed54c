package boundstest_test

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/boundstest"
)

// A toy filter: allow tcp 22 and 1024-65535 from 10.0.0.0/8.
func toy(f flow.Flow) bool {
	p := f.Dst.Port()
	return netip.MustParsePrefix("10.0.0.0/8").Contains(f.Src.Addr()) && (p == 22 || p >= 1024)
}

func TestCheck(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := flow.MustParse("tcp 10.1.2.3:50000 -> 192.0.2.1:22")
	tests := []struct {
		name   string
		vary   []flow.Field
		add    func(b *flow.Bounds)
		wantOK bool
	}{
		{"every edge", []flow.Field{flow.FieldDstPort, flow.FieldSrcAddr}, func(b *flow.Bounds) {
			b.Add(flow.FieldDstPort, 22, 22)
			b.Add(flow.FieldDstPort, 1024, 65535)
			b.AddPrefix(flow.FieldSrcAddr, netip.MustParsePrefix("10.0.0.0/8"))
		}, true},
		{"a missing port edge", []flow.Field{flow.FieldDstPort}, func(b *flow.Bounds) {
			b.Add(flow.FieldDstPort, 22, 22)
		}, false},
		{"a missing address edge", []flow.Field{flow.FieldSrcAddr}, func(b *flow.Bounds) {}, false},
		{"nothing varied", nil, func(b *flow.Bounds) {}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := flow.NewBounds(tt.vary...)
			tt.add(b)
			var err error
			for range 20 { // random picks: a missing edge is found soon
				if _, err = boundstest.Check(r, b, base, toy, 8); err != nil {
					break
				}
			}
			if tt.wantOK {
				require.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestCheckIPv6StaysValid(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	base := flow.MustParse("udp [2001:db8::1]:1000 -> [2001:db8::2]:53")
	b := flow.NewBounds(flow.FieldSrcAddr, flow.FieldDstAddr, flow.FieldSrcPort)
	b.AddPrefix(flow.FieldSrcAddr, netip.MustParsePrefix("2001:db8::/32"))
	n, err := boundstest.Check(r, b, base, func(f flow.Flow) bool {
		require.NoError(t, f.Validate())
		return netip.MustParsePrefix("2001:db8::/32").Contains(f.Src.Addr())
	}, 50)
	require.NoError(t, err)
	assert.Equal(t, 50, n)
}

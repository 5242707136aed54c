package reach

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

// icmpCodesByType is icmpCodes' slow reference: every value of the
// pieces, type by type, into a set of its own.
func icmpCodesByType(pieces []flow.PortRange) []ICMPCodes {
	var byType [256][]flow.Range[uint8]
	for _, p := range pieces {
		for v := int(p.Lo); v <= int(p.Hi); v++ {
			byType[v>>8] = append(byType[v>>8], flow.Single(uint8(v)))
		}
	}
	var out []ICMPCodes
	for t, codes := range byType {
		if len(codes) > 0 {
			out = append(out, ICMPCodes{Type: uint8(t), Codes: flow.SetOf(codes...)})
		}
	}
	return out
}

// TestICMPCodesAgreesWithReference demands that icmpCodes, with its
// shortcut for whole types, list the types and codes of random sorted,
// disjoint pieces as the value-by-value reference does.
func TestICMPCodesAgreesWithReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 12))
	cases := [][]flow.PortRange{
		nil,
		{{Lo: 0, Hi: 0xffff}},
		{{Lo: 0x0300, Hi: 0x03ff}},
		{{Lo: 0x0305, Hi: 0x0aff}, {Lo: 0x0b01, Hi: 0x0b01}},
		{{Lo: 0x0000, Hi: 0x02fe}, {Lo: 0x0400, Hi: 0x0401}},
		{{Lo: 0x00ff, Hi: 0x0100}, {Lo: 0x0102, Hi: 0x01ff}, {Lo: 0x0200, Hi: 0x0200}},
	}
	for range 300 {
		var ps []flow.PortRange
		for v := rng.IntN(1 << 12); v <= 0xffff; v += 1 + rng.IntN(1<<(4+rng.IntN(9))) {
			hi := min(v+rng.IntN(1<<(rng.IntN(11))), 0xffff)
			ps = append(ps, flow.PortRange{Lo: uint16(v), Hi: uint16(hi)})
			v = hi + 1
		}
		cases = append(cases, ps)
	}
	for _, ps := range cases {
		got, want := icmpCodes(ps), icmpCodesByType(ps)
		require.Len(t, got, len(want), "pieces %v", ps)
		for i := range want {
			require.Equal(t, want[i].Type, got[i].Type, "pieces %v", ps)
			require.True(t, want[i].Codes.Equal(got[i].Codes), "pieces %v: type %d codes %s, want %s", ps, want[i].Type, got[i].Codes, want[i].Codes)
		}
	}
}

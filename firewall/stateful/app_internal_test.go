package stateful

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/flow"
)

// TestDefaultAppProtoIsCanonical holds DefaultAppProto to its table on
// every port of TCP, UDP and one other protocol, and its names to
// canonApp's form, which the engine then skips.
func TestDefaultAppProtoIsCanonical(t *testing.T) {
	a, b := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	for _, pr := range []flow.Protocol{flow.TCP, flow.UDP, flow.SCTP} {
		for port := range 1 << 16 {
			f := flow.Flow{Protocol: pr, Src: netip.AddrPortFrom(a, 50000), Dst: netip.AddrPortFrom(b, uint16(port))}
			want, ok := appPorts[pr][uint16(port)]
			if !ok {
				want = "none"
			}
			got := DefaultAppProto(f)
			if got != want {
				assert.Equal(t, want, got, "%s port %d", pr, port)
				return
			}
			if got != canonApp(got) {
				assert.Equal(t, canonApp(got), got, "%s port %d", pr, port)
				return
			}
		}
	}
}

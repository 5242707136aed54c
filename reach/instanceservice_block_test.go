package reach

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestInstanceServiceBlocks: every address of an instance service lies
// in the blocks inServiceBlock admits, and addresses beside them do not
// (instanceServiceAt's shortcut drops nothing).
func TestInstanceServiceBlocks(t *testing.T) {
	for _, a := range []netip.Addr{imds4, imds6, timeSync4, timeSync6, kms4a, kms4b, kms6, ecsAgent4, podID4, podID6} {
		assert.True(t, inServiceBlock(a), a)
		_, ok := instanceServiceAt(a)
		assert.True(t, ok, a)
	}
	for _, s := range []string{"169.253.169.254", "170.254.169.254", "10.0.0.1", "fd00:ec3::254", "fe00:ec2::254", "::ffff:169.254.169.254", "2001:db8::1"} {
		a := netip.MustParseAddr(s)
		assert.False(t, inServiceBlock(a), s)
		_, ok := instanceServiceAt(a)
		assert.False(t, ok, s)
	}
}

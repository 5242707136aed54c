package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// TestHelpDefaultClientPortClaim: check's and sources' help say which
// common ephemeral ranges hold the default client port and which does
// not; the claim holds for nacl's table of ranges.
func TestHelpDefaultClientPortClaim(t *testing.T) {
	const claim = "ranges of Linux, Windows Server 2008+ and NAT gateways,\n                      not in Windows Server 2003's 1025-5000)"
	holds := map[string]bool{}
	for _, r := range nacl.EphemeralRanges() {
		holds[r.Name] = r.Ports.Contains(reach.DefaultSourcePort)
	}
	assert.Equal(t, map[string]bool{
		nacl.EphemeralLinux.Name: true, nacl.EphemeralLinuxAWS.Name: true, nacl.EphemeralWindows.Name: true,
		nacl.EphemeralAWSServices.Name: true, nacl.EphemeralWindowsLegacy.Name: false,
	}, holds)
	assert.Equal(t, "1025-5000", nacl.EphemeralWindowsLegacy.Ports.String())
	for _, cmd := range []string{"check", "sources"} {
		_, help, _ := runArgs("help", cmd)
		require.Contains(t, help, "default 50000, in the ephemeral\n                      "+claim, cmd)
		assert.NotContains(t, help, "every common ephemeral range", cmd)
	}
}

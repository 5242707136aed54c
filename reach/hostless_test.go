package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A hostless address (a detached interface's) is still a certain drop,
// UNKNOWN_DESTINATION, but its hop names the interface instead of saying
// nothing owns the address, from inside the VPC and from the internet.
func TestHostlessAddress(t *testing.T) {
	eni := netip.MustParseAddr("10.0.2.50")
	m, err := maybeDesign(nil).AddHostlessAddress(reach.HostlessAddress{Address: eni, Owner: "eni-x", What: "network interface attached to nothing"}).Build()
	require.NoError(t, err)
	for _, from := range []string{"eni-a", "203.0.113.7"} {
		r, err := m.Check(reach.Query{From: from, To: "10.0.2.50", Protocol: flow.TCP, Port: 22})
		require.NoError(t, err)
		assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
		assert.Equal(t, []reach.Code{reach.UnknownDestination}, r.Codes(), r.Text())
		assert.Contains(t, r.Text(), "10.0.2.50 in vpc-1 belongs to eni-x (network interface attached to nothing), which delivers it to no host", from)
		assert.NotContains(t, r.Text(), "nothing there owns it", from)
	}
	assert.Equal(t, []reach.HostlessAddress{{Address: eni, Owner: "eni-x", What: "network interface attached to nothing"}}, m.HostlessAddresses())
	// another address of the VPC keeps the old words
	r, err := m.Check(reach.Query{From: "eni-a", To: "10.0.2.51", Protocol: flow.TCP, Port: 22})
	require.NoError(t, err)
	assert.Contains(t, r.Text(), "nothing there owns it")

	_, err = maybeDesign(nil).AddHostlessAddress(reach.HostlessAddress{Address: eni}).Build()
	assert.ErrorContains(t, err, "a hostless address needs the ID of what holds it")
}

package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// TestDiffInternetGainsAnAddress: when an interface gives up its public
// address, that address becomes the internet's, and the session of an
// unchanged interface whose group allows only that address changes:
// before, it reached web-1; after, it reaches the internet. Diff must
// list the unchanged interface's pair to the internet (a scope that put
// only pairs from the internet in scope, when public addresses change,
// missed it), as the whole matrices and the reference do.
func TestDiffInternetGainsAnAddress(t *testing.T) {
	before := dcNoFW()
	dcGroup(before, "sg-app").Rules = []sg.Rule{{ID: "sgr-app-out", Direction: flow.Outbound, Protocol: flow.TCP, Ports: flow.Single[uint16](443),
		ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR("203.0.113.10/32")}}
	after := dcNoFW()
	*dcGroup(after, "sg-app") = *dcGroup(before, "sg-app")
	for i := range after.Interfaces {
		if after.Interfaces[i].ID == "eni-web1" {
			after.Interfaces[i].PublicIP = netip.MustParseAddr("203.0.113.12")
		}
	}
	for _, tt := range []struct {
		name string
		a, b *sample.Design
	}{{"given up", before, after}, {"taken back", after, before}} {
		t.Run(tt.name, func(t *testing.T) {
			d := dcDiff(t, tt.a, tt.b, true)
			c := dcChange(d, "eni-app1", reach.InternetNode)
			require.NotNil(t, c, "app-1 to the internet changes:\n%s", d.Text())
		})
	}
}

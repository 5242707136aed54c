package reach

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

// A gateway endpoint serves its own VPC only. Within one VPC no path
// brings it a packet from outside (peering and transit gateways do), so
// the walk is asked directly.
func TestGatewayEndpointServesItsVPCOnly(t *testing.T) {
	m, err := NewBuilder().
		AddVPC(VPC{ID: "vpc-g", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.3.0.0/16")}}).
		AddNetworkACL(nacl.NewDefault("acl-g", "vpc-g", false)).
		AddPrefixList(PrefixList{ID: "pl-s3", Entries: []netip.Prefix{netip.MustParsePrefix("52.216.0.0/15")}}).
		AddGatewayEndpoint(GatewayEndpoint{ID: "vpce-s3", VPC: "vpc-g", Service: "com.amazonaws.us-east-1.s3", PrefixList: "pl-s3"}).
		Build()
	require.NoError(t, err)
	for _, c := range []struct {
		pkt  string
		code Code
	}{
		{"tcp 192.0.2.1:40000 -> 52.216.1.1:443", GatewayEndpointSource},
		{"tcp 10.3.1.10:40000 -> 52.216.1.1:443", ""},
	} {
		var hops []Hop
		w := &walker{m: m, leg: Forward, hops: &hops, identity: true}
		a := w.viaGatewayEndpoint(flow.MustParse(c.pkt), nil, m.gwEndpoints["vpce-s3"])
		require.NotEmpty(t, hops, c.pkt)
		assert.Equal(t, c.code, hops[0].Code, c.pkt)
		assert.Equal(t, c.code == "", a.ok, c.pkt)
	}
}

package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// TestFixAlsoChangedNAT64: a NAT gateway translates an IPv6 session to
// 64:ff9b::/96 into an IPv4 one to the address the prefix holds (doc.go;
// AWS "DNS64 and NAT64",
// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html),
// and the NAT gateway's subnet's ACL judges that IPv4 packet
// (semantics.md B.5). An ACL entry Fix writes for the IPv4 host
// therefore opens or closes the NAT64 sessions to it of every IPv6
// interface that routes the prefix to the gateway, and AlsoChanged
// ("every other session the changes alter") lists them. Verdict on the
// patched model is the brute force.
func TestFixAlsoChangedNAT64(t *testing.T) {
	const host, nat64 = "198.51.100.7", "64:ff9b::c633:6407" // the same host
	tests := []struct {
		name   string
		model  func(t *testing.T) *reach.Model
		query  reach.Query
		want   reach.Outcome
		gained bool // app's NAT64 session gains (else loses) tcp/443
	}{
		{"open: an entry for v6's NAT64 session opens app's", func(t *testing.T) *reach.Model { return dnDesign(t) },
			reach.Query{From: "v6", To: nat64, Protocol: flow.TCP, Port: 443}, reach.Reachable, true},
		{"close: an entry for app's IPv4 session closes its NAT64 one", func(t *testing.T) *reach.Model { return dnEIGW(t) },
			reach.Query{From: "app", To: host, Protocol: flow.TCP, Port: 443}, reach.Unreachable, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.model(t)
			before := dnVerdict(t, m, "app", nat64)
			fx, err := m.Fix(tt.query, tt.want)
			require.NoError(t, err)
			require.Equal(t, tt.want, fx.After)
			after := dnVerdict(t, fx.Patched, "app", nat64)
			require.NotEqual(t, before, after, "brute force: app's NAT64 session changed")
			assert.True(t, dnAlsoHas(fx.AlsoChanged, "eni-app", nat64, tt.gained), "app -> %s tcp/443 changed by %v, not in AlsoChanged: %+v", nat64, fx.Changes[0].Text, fx.AlsoChanged)
			if tt.gained {
				assert.True(t, dnAlsoHas(fx.AlsoChanged, "eni-app", host, true), "the IPv4 session is listed: %+v", fx.AlsoChanged)
			}
		})
	}
}

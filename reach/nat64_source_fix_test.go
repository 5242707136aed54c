package reach_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// TestNAT64SourceReplyFix: a session opened from the internet by an
// address of the NAT64 prefix is refused on the reply, at the internet
// gateway (RETURN_NAT64_NOT_TRANSLATED). Its fix proposed a route for
// 64:ff9b::/96 to a NAT gateway, which cannot help: a NAT gateway
// accepts no session opened from outside ("external services can't
// initiate a connection with those instances",
// https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)
// (audit v6nat25 finding 6). The fix now says nothing in the VPC helps
// and names the way that does: the IPv4 host over IPv4. The request's
// own fix (an instance sending to the prefix) still proposes the route.
func TestNAT64SourceReplyFix(t *testing.T) {
	tests := []struct {
		name    string
		opts    v6nOpts
		q       reach.Query
		code    reach.Code
		want    []string
		notWant string
	}{
		{"reply to an internet source in the prefix", v6nOpts{},
			reach.Query{From: "64:ff9b::5db8:d822", To: "2600:1f18:aa00::10", Protocol: flow.TCP, Port: 443},
			reach.NAT64NotTranslated.OnLeg(reach.Return),
			[]string{"no change in the VPC makes a session opened from outside by 64:ff9b::5db8:d822 work", "accepts no session opened from outside", "93.184.216.34, the IPv4 host the address stands for, should connect over IPv4"},
			"add a route"},
		{"request to the prefix through the igw", v6nOpts{noV6Route: true},
			reach.Query{From: "v6", To: "64:ff9b::5db8:d822", Protocol: flow.TCP, Port: 443},
			reach.NAT64NotTranslated,
			[]string{"add a route for 64:ff9b::/96 to a NAT gateway to rtb-v6"}, "no change in the VPC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := v6nModel(t, tt.opts)
			r, err := m.Check(tt.q)
			require.NoError(t, err)
			require.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			var fixes []string
			for _, b := range r.Blocks {
				if b.Code == tt.code {
					fixes = append(fixes, b.Fix)
				}
			}
			require.Len(t, fixes, 1, r.Text())
			for _, w := range tt.want {
				assert.Contains(t, fixes[0], w)
			}
			assert.NotContains(t, fixes[0], tt.notWant)
		})
	}
}

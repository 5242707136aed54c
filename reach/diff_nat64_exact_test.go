package reach_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// TestDiffNAT64Exact: through a NAT gateway's NAT64, an IPv6
// interface's session to 64:ff9b::a.b.c.d is the IPv4 session to
// a.b.c.d (doc.go; AWS "DNS64 and NAT64",
// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html;
// the NAT gateway's subnet ACL judges the translated packet,
// semantics.md B.5), so the addresses of 64:ff9b::/96 differ as their
// IPv4 addresses do. Diff compares the prefix address by address: an
// IPv4 ACL entry beyond the NAT gateway for 198.51.100.7 is a loss of
// exactly 64:ff9b::c633:6407, a route for a /120 of the prefix to the
// egress-only gateway a loss of exactly that /120, with no note. Diff
// used to leave the prefix out, with a note (and before that took it as
// one block judged at one address, claiming gains that did not happen
// and missing losses). Verdict, before and after, is the brute force.
func TestDiffNAT64Exact(t *testing.T) {
	before := dnEIGW(t)
	tests := []struct {
		name    string
		change  reach.Change
		lost    netip.Prefix // the addresses whose tcp 443 is lost
		samples []string     // addresses inside and around it
	}{
		{"an IPv4 ACL entry beyond the NAT gateway", reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceNetworkACL, Resource: "acl-a",
			Entry: &nacl.Entry{Number: 99, Action: flow.Drop, Direction: flow.Outbound, Protocol: flow.TCP, CIDR: bp("198.51.100.7/32"), Ports: flow.PortRange{Lo: 443, Hi: 443}}},
			bp("64:ff9b::c633:6407/128"), []string{"64:ff9b::c633:6406", "64:ff9b::c633:6407", "64:ff9b::c633:6408", "64:ff9b::808:808"}},
		{"a route sends a /120 of the prefix to the egress-only gateway", reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceRouteTable, Resource: "rtb-priv",
			Route: &reach.Route{Destination: bp("64:ff9b::c633:6400/120"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-a"}},
			bp("64:ff9b::c633:6400/120"), []string{"64:ff9b::c633:63ff", "64:ff9b::c633:6400", "64:ff9b::c633:6407", "64:ff9b::c633:64ff", "64:ff9b::c633:6500"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after, err := before.Apply([]reach.Change{tt.change})
			require.NoError(t, err)
			for _, diff := range []func(a, b *reach.Model, o reach.DiffOptions) (*reach.DiffResult, error){reach.Diff, reach.DiffReference} {
				d, err := diff(before, after, reach.DiffOptions{IPv6: true, Workers: 1})
				require.NoError(t, err)
				assert.Empty(t, d.Notes)
				pc, ok := dnPairChange(d, "eni-app")
				require.True(t, ok, d.Text())
				require.Len(t, pc.Addresses, 1, d.Text())
				assert.Equal(t, []netip.Prefix{tt.lost}, pc.Addresses[0].Addresses, d.Text())
				assert.True(t, pc.Addresses[0].Lost.TCP.Contains(443), d.Text())
				assert.True(t, pc.Addresses[0].Gained.IsEmpty(), d.Text())
				for _, s := range tt.samples {
					a := ba(s)
					lost := dnVerdict(t, before, "app", s) == reach.Reachable && dnVerdict(t, after, "app", s) != reach.Reachable
					assert.Equal(t, tt.lost.Contains(a), lost, s)
				}
			}
		})
	}
}

// dnPairChange returns the change of the pair from the group holding
// interface id to the internet.
func dnPairChange(d *reach.DiffResult, id string) (reach.PairChange, bool) {
	c, _, ok := dnPairAt(d, id, netip.Addr{})
	return c, ok
}

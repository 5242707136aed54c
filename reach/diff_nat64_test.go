package reach_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// TestDiffNAT64LeftOut: through a NAT gateway's NAT64, an IPv6
// interface's session to 64:ff9b::a.b.c.d is the IPv4 session to
// a.b.c.d (doc.go; AWS "DNS64 and NAT64",
// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html;
// the NAT gateway's subnet ACL judges the translated packet,
// semantics.md B.5), so the addresses of 64:ff9b::/96 differ as their
// IPv4 addresses do. Diff does not tell them apart within the prefix: it
// used to take it as one block judged at one address, and so claimed
// gains that did not happen and missed losses. It now leaves the prefix
// out of the internet it compares when a route of either model sends
// some of it to a NAT gateway or an appliance, and says so in Notes and
// in its text: no claim on a NAT64 address. Verdict, before and after,
// is the brute force that the addresses did change.
func TestDiffNAT64LeftOut(t *testing.T) {
	nat64 := ba("64:ff9b::c633:6407") // 198.51.100.7
	before := dnEIGW(t)
	tests := []struct {
		name   string
		change reach.Change
	}{
		{"an IPv4 ACL entry beyond the NAT gateway", reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceNetworkACL, Resource: "acl-a",
			Entry: &nacl.Entry{Number: 99, Action: flow.Drop, Direction: flow.Outbound, Protocol: flow.TCP, CIDR: bp("198.51.100.7/32"), Ports: flow.PortRange{Lo: 443, Hi: 443}}}},
		{"a route sends a /120 of the prefix to the egress-only gateway", reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceRouteTable, Resource: "rtb-priv",
			Route: &reach.Route{Destination: bp("64:ff9b::c633:6400/120"), Target: reach.TargetEgressOnlyInternetGateway, TargetID: "eigw-a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after, err := before.Apply([]reach.Change{tt.change})
			require.NoError(t, err)
			require.Equal(t, reach.Reachable, dnVerdict(t, before, "app", nat64.String()))
			require.Equal(t, reach.Unreachable, dnVerdict(t, after, "app", nat64.String()))
			for _, diff := range []func(a, b *reach.Model, o reach.DiffOptions) (*reach.DiffResult, error){reach.Diff, reach.DiffReference} {
				d, err := diff(before, after, reach.DiffOptions{IPv6: true, Workers: 1})
				require.NoError(t, err)
				for _, c := range d.Changes {
					for _, ac := range c.Addresses {
						assert.False(t, slices.ContainsFunc(ac.Addresses, bp("64:ff9b::/96").Overlaps), "a claim on NAT64 addresses: %+v\n%s", ac, d.Text())
					}
				}
				require.True(t, slices.ContainsFunc(d.Notes, func(n string) bool { return strings.Contains(n, "64:ff9b::/96") }), "%v", d.Notes)
				assert.Contains(t, d.Text(), "but for what the notes below leave out")
				assert.Contains(t, d.Text(), "are not compared")
				assert.Len(t, d.Resources, 1)
			}
			// IPv4 has no such note
			d, err := reach.Diff(before, after, reach.DiffOptions{Workers: 1})
			require.NoError(t, err)
			assert.False(t, slices.ContainsFunc(d.Notes, func(n string) bool { return strings.Contains(n, "64:ff9b::/96") }), "%v", d.Notes)
		})
	}
}

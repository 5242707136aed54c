package reach_test

import (
	"encoding/json"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
	"github.com/reachsim/reachsim/sg"
)

// A change's JSON names its direction whenever it has one (README,
// "Verified fixes": each change has action, kind, resource, direction,
// spec, ...), inbound included: flow.Inbound is Direction's zero value,
// and omitempty on the field left every inbound rule and entry without
// "direction" (hopJSON had solved the same for hops).
func TestChangeJSONDirection(t *testing.T) {
	rule := sg.Rule{Direction: flow.Inbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.CIDR("10.0.1.10/32")}
	out := sg.Rule{Direction: flow.Outbound, Protocol: flow.TCP, Ports: flow.Single[uint16](5432), Peer: sg.CIDR("10.0.1.10/32")}
	entry := nacl.Entry{Number: 110, Action: flow.Pass, Direction: flow.Inbound, Protocol: flow.TCP, CIDR: netip.MustParsePrefix("10.0.1.10/32"), Ports: flow.Single[uint16](5432)}
	route := reach.Route{Destination: netip.MustParsePrefix("198.51.100.7/32"), Target: reach.TargetInternetGateway, TargetID: "igw-1"}
	tests := []struct {
		name   string
		change reach.Change
		want   string // "" for no "direction" key
	}{
		{"an inbound rule added", reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceSecurityGroup, Resource: "sg-db", Direction: flow.Inbound, Rule: &rule}, "inbound"},
		{"an outbound rule added", reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceSecurityGroup, Resource: "sg-db", Direction: flow.Outbound, Rule: &out}, "outbound"},
		{"an inbound rule replaced", reach.Change{Action: reach.ChangeReplace, Kind: reach.ResourceSecurityGroup, Resource: "sg-db", Direction: flow.Inbound, Rule: &rule, Old: &rule}, "inbound"},
		{"a new group with an inbound rule", reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceSecurityGroup, Resource: "sg-new", NewGroup: true, VPC: "vpc-1", Direction: flow.Inbound, Rule: &rule}, "inbound"},
		{"an inbound entry added", reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceNetworkACL, Resource: "acl-db", Direction: flow.Inbound, Entry: &entry}, "inbound"},
		{"an inbound entry replaced", reach.Change{Action: reach.ChangeReplace, Kind: reach.ResourceNetworkACL, Resource: "acl-db", Direction: flow.Inbound, Entry: &entry, OldEntry: &entry}, "inbound"},
		{"a route", reach.Change{Action: reach.ChangeAdd, Kind: reach.ResourceRouteTable, Resource: "rtb-1", Route: &route}, ""},
		{"an interface's groups", reach.Change{Action: reach.ChangeReplace, Kind: reach.ResourceInterface, Resource: "eni-1", Groups: []string{"sg-a", "sg-new"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want != "", tt.change.HasDirection())
			b, err := json.Marshal(tt.change)
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.Unmarshal(b, &got))
			if tt.want == "" {
				assert.NotContains(t, got, "direction", "%s", b)
			} else {
				assert.Equal(t, tt.want, got["direction"], "%s", b)
			}
			for _, key := range []string{"action", "kind", "resource", "leg", "text"} {
				assert.Contains(t, got, key, "%s", b)
			}
			for _, key := range []string{"Rule", "Entry", "Route", "Old", "OldEntry", "Defaults"} {
				assert.NotContains(t, got, key, "%s", b)
			}
		})
	}
}

// Every change of a whole fix (the demo's web-1 -> db-1 on 5432: an
// inbound ACL entry, an inbound group rule, an outbound ACL entry) says
// its direction in JSON.
func TestFixJSONNamesEveryDirection(t *testing.T) {
	m, err := sample.ThreeTierDesign().Builder().Build()
	require.NoError(t, err)
	fx, err := m.Fix(reach.Query{From: "web-1", To: "db-1", Protocol: flow.TCP, Port: 5432}, reach.Reachable)
	require.NoError(t, err)
	require.NotEmpty(t, fx.Changes)
	b, err := json.Marshal(fx)
	require.NoError(t, err)
	var got struct {
		Changes []map[string]any `json:"changes"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	require.Len(t, got.Changes, len(fx.Changes))
	for i, c := range fx.Changes {
		require.True(t, c.HasDirection(), c.Text)
		assert.Equal(t, c.Direction.String(), got.Changes[i]["direction"], c.Text)
	}
}

// A session change's JSON holds "before" and "after" for every protocol
// without ports, unreachable included (README, "Verified fixes": "before
// and after outcomes for other protocols"): Unreachable is Outcome's
// zero value, and omitempty on the fields dropped it. A tcp or udp
// session has neither (its ports say how it changed).
func TestSessionChangeJSONOutcomes(t *testing.T) {
	tests := []struct {
		name string
		sc   reach.SessionChange
		want map[string]any // nil: no "before" nor "after"
	}{
		{"icmpv6 opened", reach.SessionChange{From: "2606:4700::1", To: "eni-app", Protocol: flow.ICMPv6, Before: reach.Unreachable, After: reach.Reachable},
			map[string]any{"before": "unreachable", "after": "reachable"}},
		{"icmp closed", reach.SessionChange{From: "eni-a", To: "eni-b", Protocol: flow.ICMP, Before: reach.Reachable, After: reach.Unreachable},
			map[string]any{"before": "reachable", "after": "unreachable"}},
		{"gre undecided", reach.SessionChange{From: "eni-a", To: "eni-b", Protocol: flow.Protocol(47), Before: reach.Indeterminate, After: reach.Unreachable},
			map[string]any{"before": "indeterminate", "after": "unreachable"}},
		{"tcp", reach.SessionChange{From: "eni-a", To: "eni-b", Protocol: flow.TCP, Gained: flow.SetOf(flow.Single[uint16](443))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.sc)
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.Unmarshal(b, &got))
			for _, key := range []string{"from", "to", "protocol", "gained", "lost", "indeterminate_gained", "indeterminate_lost"} {
				assert.Contains(t, got, key, "%s", b)
			}
			if tt.want == nil {
				assert.NotContains(t, got, "before", "%s", b)
				assert.NotContains(t, got, "after", "%s", b)
				return
			}
			for k, v := range tt.want {
				assert.Equal(t, v, got[k], "%s: %s", k, b)
			}
		})
	}
}

// TestFixAlsoChangedJSONBefore: Fix's AlsoChanged holds an icmpv6
// session that was unreachable before; its JSON says so.
func TestFixAlsoChangedJSONBefore(t *testing.T) {
	m := dnDual(t, dnRoute("10.9.0.0/16", reach.TargetInternetGateway, "igw-a")) // app: no IPv6 route
	fx, err := m.Fix(reach.Query{From: "app", To: "2606:4700::1", Protocol: flow.TCP, Port: 443, IPv6: true}, reach.Reachable)
	require.NoError(t, err)
	i := slices.IndexFunc(fx.AlsoChanged, func(s reach.SessionChange) bool { return s.Protocol == flow.ICMPv6 })
	require.GreaterOrEqual(t, i, 0, "%+v", fx.AlsoChanged)
	require.Equal(t, reach.Unreachable, fx.AlsoChanged[i].Before)
	require.Equal(t, reach.Reachable, fx.AlsoChanged[i].After)
	b, err := json.Marshal(fx.AlsoChanged[i])
	require.NoError(t, err)
	assert.Contains(t, string(b), `"before":"unreachable"`)
	assert.Contains(t, string(b), `"after":"reachable"`)
}

package reach_test

import (
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/reach/reachtest/brute"
)

// TestSourcesNAT64Clients: Sources to an IPv4 destination lists the
// interfaces whose IPv6 session through a NAT gateway's NAT64 reaches it
// (AWS: "NAT64 enables your IPv6-only services in Amazon VPCs to
// communicate with IPv4-only services within the same VPC ... or
// connected VPCs",
// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html),
// each in an entry naming the address of 64:ff9b::/96 it sends to
// (audit v6nat25 finding 3: v6, IPv6-only, was left out with no note).
// The brute force (Verdict from every interface, to the IPv4 address and
// through NAT64) agrees.
func TestSourcesNAT64Clients(t *testing.T) {
	type entry struct {
		id      string
		outcome reach.Outcome
		via     string // NAT64To; "" for the IPv4 entry
	}
	echo3 := &reach.ICMPMessage{Type: 3, Code: 3}
	tests := []struct {
		name  string
		opts  v6nOpts
		q     reach.SourcesQuery
		want  []entry
		notes int
	}{
		{"to web's private IPv4", v6nOpts{}, reach.SourcesQuery{To: "10.0.0.10", Protocol: flow.TCP, Port: 443},
			[]entry{{"eni-app", reach.Reachable, ""}, {"eni-app", reach.Reachable, "64:ff9b::a00:a"}, {"eni-v6", reach.Reachable, "64:ff9b::a00:a"}}, 0},
		{"to web by name: its private IPv4 and its public one", v6nOpts{}, reach.SourcesQuery{To: "web", Protocol: flow.TCP, Port: 443},
			[]entry{{"eni-app", reach.Reachable, ""}, {"eni-app", reach.Reachable, "64:ff9b::a00:a"}, {"eni-app", reach.Reachable, "64:ff9b::c633:640a"},
				{"eni-v6", reach.Reachable, "64:ff9b::a00:a"}, {"eni-v6", reach.Reachable, "64:ff9b::c633:640a"}}, 0},
		{"to web's public IPv4 (through the igw)", v6nOpts{}, reach.SourcesQuery{To: "198.51.100.10", Protocol: flow.TCP, Port: 443},
			[]entry{{"eni-app", reach.Reachable, ""}, {"eni-app", reach.Reachable, "64:ff9b::c633:640a"}, {"eni-v6", reach.Reachable, "64:ff9b::c633:640a"}}, 0},
		{"no NAT64 route from the IPv6-only subnet", v6nOpts{noV6Route: true}, reach.SourcesQuery{To: "10.0.0.10", Protocol: flow.TCP, Port: 443},
			[]entry{{"eni-app", reach.Reachable, ""}, {"eni-app", reach.Reachable, "64:ff9b::a00:a"}}, 0},
		{"NAT64 prefix to the eigw", v6nOpts{nat64ToEIGW: true}, reach.SourcesQuery{To: "10.0.0.10", Protocol: flow.TCP, Port: 443, AnyClientPort: true},
			[]entry{{"eni-app", reach.Reachable, ""}, {"eni-app", reach.Reachable, "64:ff9b::a00:a"}}, 0},
		{"port web does not open", v6nOpts{}, reach.SourcesQuery{To: "10.0.0.10", Protocol: flow.TCP, Port: 80}, nil, 0},
		{"ping: an ICMPv6 echo through NAT64 is undecided", v6nOpts{}, reach.SourcesQuery{To: "10.0.0.10", Protocol: flow.ICMP},
			[]entry{{"eni-app", reach.Reachable, ""}, {"eni-app", reach.Indeterminate, "64:ff9b::a00:a"}, {"eni-v6", reach.Indeterminate, "64:ff9b::a00:a"}}, 0},
		{"another ICMP message: a note, no NAT64 entries", v6nOpts{}, reach.SourcesQuery{To: "10.0.0.10", Protocol: flow.ICMP, ICMP: echo3},
			[]entry{{"eni-app", reach.Reachable, ""}}, 1},
		{"an IPv6 question has none", v6nOpts{}, reach.SourcesQuery{To: "web", Protocol: flow.TCP, Port: 443, IPv6: true},
			[]entry{{"eni-app", reach.Reachable, ""}, {"eni-v6", reach.Reachable, ""}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := v6nModel(t, tt.opts)
			r, err := m.Sources(tt.q)
			require.NoError(t, err)
			var got []entry
			for _, i := range r.Interfaces {
				e := entry{i.ID, i.Outcome, ""}
				if i.NAT64To.IsValid() {
					e.via = i.NAT64To.String()
					assert.True(t, i.Address.Is6(), "a NAT64 entry's Address is the interface's IPv6 address: %+v", i)
				}
				got = append(got, e)
			}
			assert.Equal(t, tt.want, got, r.String())
			assert.Len(t, r.Notes, tt.notes, r.String())
			ids := []string{"eni-web", "eni-app", "eni-v6"}
			brute.CheckSources(t, m, tt.q, r, ids, nil, tt.name)
		})
	}
	t.Run("text and JSON", func(t *testing.T) {
		m := v6nModel(t, v6nOpts{})
		r, err := m.Sources(reach.SourcesQuery{To: "10.0.0.10", Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		assert.Contains(t, r.String(), "v6 (eni-v6) 2600:1f18:aa00:2::10 (through NAT64, to 64:ff9b::a00:a)")
		b, err := json.Marshal(r)
		require.NoError(t, err)
		assert.Contains(t, string(b), `"address":"2600:1f18:aa00:2::10","outcome":"reachable","nat64_to":"64:ff9b::a00:a"`)
		assert.NotContains(t, string(b), `"notes"`)
		var back reach.SourcesResult
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, netip.MustParseAddr("64:ff9b::a00:a"), back.Interfaces[len(back.Interfaces)-1].NAT64To)
		r, err = m.Sources(reach.SourcesQuery{To: "10.0.0.10", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 3, Code: 3}})
		require.NoError(t, err)
		assert.Contains(t, r.String(), "note: IPv6 clients through NAT64 (to 64:ff9b::a00:a) are not asked")
	})
}

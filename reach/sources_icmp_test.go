package reach_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// TestSourcesNamesTheICMPMessage: an icmp or icmpv6 Sources question is
// about one ICMP message (an echo request unless SourcesQuery.ICMP says),
// and the answer depends on it: the result names it, in the text's
// headline ("over icmp type 3 code 4", as a flow writes it) and in the
// JSON ("icmp_type", "icmp_code"; left out for other protocols), so that
// two questions about different messages cannot read alike.
func TestSourcesNamesTheICMPMessage(t *testing.T) {
	m, err := sample.ThreeTier().Build()
	require.NoError(t, err)
	u8 := func(v uint8) *uint8 { return &v }
	tests := []struct {
		name      string
		q         reach.SourcesQuery
		headline  string
		typ, code *uint8 // nil: left out of the JSON
	}{
		{"icmp, echo request by default", reach.SourcesQuery{To: "web-1", Protocol: flow.ICMP},
			"who reaches web-1 (eni-web1) over icmp type 8 code 0:", u8(8), u8(0)},
		{"icmp, destination unreachable", reach.SourcesQuery{To: "web-1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{Type: 3, Code: 4}},
			"who reaches web-1 (eni-web1) over icmp type 3 code 4:", u8(3), u8(4)},
		{"icmp, echo reply (type 0 is not left out)", reach.SourcesQuery{To: "web-1", Protocol: flow.ICMP, ICMP: &reach.ICMPMessage{}},
			"who reaches web-1 (eni-web1) over icmp type 0 code 0:", u8(0), u8(0)},
		{"icmpv6, echo request by default", reach.SourcesQuery{To: "web-1", Protocol: flow.ICMPv6, IPv6: true},
			"who reaches web-1 (eni-web1) over icmpv6 type 128 code 0:", u8(128), u8(0)},
		{"tcp: no ICMP message", reach.SourcesQuery{To: "web-1", Protocol: flow.TCP, Port: 443},
			"who reaches web-1 (eni-web1) over tcp port 443:", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := m.Sources(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.headline, strings.SplitN(r.String(), "\n", 2)[0])
			data, err := json.Marshal(r)
			require.NoError(t, err)
			var obj map[string]any
			require.NoError(t, json.Unmarshal(data, &obj))
			for key, want := range map[string]*uint8{"icmp_type": tt.typ, "icmp_code": tt.code} {
				got, ok := obj[key]
				if want == nil {
					assert.False(t, ok, "%s in %s", key, data)
					continue
				}
				require.True(t, ok, "no %s in %s", key, data)
				assert.Equal(t, float64(*want), got, key)
			}
		})
	}
}

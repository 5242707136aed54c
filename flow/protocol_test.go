package flow_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
)

func TestParseProtocol(t *testing.T) {
	tests := []struct {
		in   string
		want flow.Protocol
		str  string
	}{
		{"tcp", flow.TCP, "tcp"},
		{"TCP", flow.TCP, "tcp"},
		{"6", flow.TCP, "tcp"},
		{"udp", flow.UDP, "udp"},
		{"17", flow.UDP, "udp"},
		{"icmp", flow.ICMP, "icmp"},
		{"1", flow.ICMP, "icmp"},
		{"icmpv6", flow.ICMPv6, "icmpv6"},
		{"ICMP6", flow.ICMPv6, "icmpv6"},
		{"58", flow.ICMPv6, "icmpv6"},
		{"-1", flow.AllProtocols, "all"},
		{"all", flow.AllProtocols, "all"},
		{"ALL", flow.AllProtocols, "all"},
		{"gre", flow.GRE, "gre"},
		{"47", flow.GRE, "gre"},
		{"0", 0, "0"},
		{"89", 89, "89"},
		{"255", 255, "255"},
	}
	for _, tt := range tests {
		t.Run(tt.in+" reads as "+tt.str, func(t *testing.T) {
			got, err := flow.ParseProtocol(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.str, got.String())
			back, err := flow.ParseProtocol(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, back, "String must round-trip")
		})
	}
}

func TestParseProtocolRejects(t *testing.T) {
	for _, in := range []string{"", "256", "-2", "tcpp", " tcp", "6.0", "0x06", "1e1"} {
		t.Run("rejects "+in, func(t *testing.T) {
			_, err := flow.ParseProtocol(in)
			require.ErrorIs(t, err, flow.ErrProtocol)
			assert.Contains(t, err.Error(), `"`+in+`"`, "the error quotes the text")
		})
	}
}

func TestProtocolPredicates(t *testing.T) {
	assert.True(t, flow.AllProtocols.Matches(flow.GRE), "all matches any protocol")
	assert.True(t, flow.TCP.Matches(flow.TCP))
	assert.False(t, flow.TCP.Matches(flow.UDP))
	assert.False(t, flow.ICMP.Matches(flow.ICMPv6), "icmp rules never match icmpv6 packets")
	assert.True(t, flow.TCP.HasPorts())
	assert.True(t, flow.UDP.HasPorts())
	assert.False(t, flow.SCTP.HasPorts(), "AWS filters ports of TCP and UDP only")
	assert.True(t, flow.ICMPv6.IsICMP())
	assert.False(t, flow.AllProtocols.IsConcrete())
	assert.True(t, flow.AllProtocols.IsValid())
	assert.False(t, flow.Protocol(256).IsValid())
}

func TestProtocolJSON(t *testing.T) {
	b, err := json.Marshal(map[string]flow.Protocol{"p": flow.TCP, "q": flow.AllProtocols, "r": 89})
	require.NoError(t, err)
	assert.JSONEq(t, `{"p":"tcp","q":"all","r":"89"}`, string(b))
	var back map[string]flow.Protocol
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, flow.Protocol(89), back["r"])
	_, err = json.Marshal(flow.Protocol(300))
	assert.Error(t, err)
}

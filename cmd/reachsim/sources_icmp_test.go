package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSourcesICMPNamesTheMessageAsked: sources --proto icmp answers for
// one ICMP message (an echo request unless --icmp-type says, as check
// does), and says which, in the text's headline and in --json
// ("icmp_type", "icmp_code"), so that "internet: none" for a
// destination-unreachable question cannot be read as the echo request's
// answer, nor the other way round.
func TestSourcesICMPNamesTheMessageAsked(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		headline  string
		typ, code float64 // -1: left out of the JSON
	}{
		{"echo request by default", sources("--to", "web-1", "--proto", "icmp"),
			"who reaches web-1 (eni-web1) over icmp type 8 code 0:", 8, 0},
		{"echo request asked", sources("--to", "web-1", "--proto", "icmp", "--icmp-type", "8", "--icmp-code", "0"),
			"who reaches web-1 (eni-web1) over icmp type 8 code 0:", 8, 0},
		{"destination unreachable", sources("--to", "web-1", "--proto", "icmp", "--icmp-type", "3", "--icmp-code", "4"),
			"who reaches web-1 (eni-web1) over icmp type 3 code 4:", 3, 4},
		{"icmpv6 echo request", sources("--to", "web-1", "--proto", "icmpv6", "--ipv6"),
			"who reaches web-1 (eni-web1) over icmpv6 type 128 code 0:", 128, 0},
		{"tcp has none", sources("--to", "web-1", "--proto", "tcp", "--port", "443"),
			"who reaches web-1 (eni-web1) over tcp port 443:", -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, out, errs := runArgs(tt.args...)
			require.NotEmpty(t, out, errs)
			assert.Equal(t, tt.headline, strings.SplitN(out, "\n", 2)[0])
			_, js, errs := runArgs(append(tt.args, "--json")...)
			var obj map[string]any
			require.NoError(t, json.Unmarshal([]byte(js), &obj), "%s%s", js, errs)
			for key, want := range map[string]float64{"icmp_type": tt.typ, "icmp_code": tt.code} {
				got, ok := obj[key]
				if want < 0 {
					assert.False(t, ok, "%s in %s", key, js)
					continue
				}
				assert.Equal(t, want, got, "%s in %s", key, js)
			}
		})
	}
}

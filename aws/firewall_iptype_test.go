package aws_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// TestParseFirewallIPAddressType: each endpoint gets the IPAddressType
// of its subnet's mapping; output without the field (an older CLI's)
// gives "" (unknown); a value AWS does not give is an error naming its
// JSON path and the value.
func TestParseFirewallIPAddressType(t *testing.T) {
	doc := string(readFirewallFile(t, "firewall-two-az.json"))
	first := `"SubnetId": "subnet-0f0b0000000000002",
                "IPAddressType": "IPV4"`
	require.Contains(t, doc, first)
	tests := []struct {
		name, with string
		want       [2]string // zone a's endpoint (the second mapping), zone b's (the first)
		err        string
	}{
		{"IPv4", first, [2]string{"IPV4", "IPV4"}, ""},
		{"dual stack", strings.Replace(first, "IPV4", "DUALSTACK", 1), [2]string{"IPV4", "DUALSTACK"}, ""},
		{"IPv6 only", strings.Replace(first, "IPV4", "IPV6", 1), [2]string{"IPV4", "IPV6"}, ""},
		{"absent", `"SubnetId": "subnet-0f0b0000000000002"`, [2]string{"IPV4", ""}, ""},
		{"lower case", strings.Replace(first, "IPV4", "ipv4", 1), [2]string{}, "Firewall.SubnetMappings[0].IPAddressType"},
		{"unknown", strings.Replace(first, "IPV4", "DUAL_STACK", 1), [2]string{}, "Firewall.SubnetMappings[0].IPAddressType"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := aws.ParseFirewall([]byte(strings.Replace(doc, first, tc.with, 1)))
			if tc.err != "" {
				require.Error(t, err)
				assert.True(t, errors.Is(err, firewall.ErrInvalidPolicy), "%v", err)
				assert.Contains(t, err.Error(), tc.err)
				assert.Contains(t, err.Error(), "unknown IP address type of subnet subnet-0f0b0000000000002's mapping")
				return
			}
			require.NoError(t, err)
			require.Len(t, s.Endpoints, 2)
			assert.Equal(t, tc.want, [2]string{s.Endpoints[0].IPAddressType, s.Endpoints[1].IPAddressType})
		})
	}
}

// TestLoadFirewallEndpointIPType: the sample dump's firewall endpoint,
// loaded with its subnet mapping's IPAddressType: IPV4 leaves an IPv6
// session undecided at the endpoint (FIREWALL_ENDPOINT_IP_TYPE_MISMATCH)
// and inspects IPv4; DUALSTACK inspects both. No IPAddressType at all
// (an older CLI's output) in the dump's dual-stack subnet may be IPV4 or
// DUALSTACK: IPv4 is inspected, IPv6 undecided at the endpoint (it was
// taken to serve both, a certain Reachable).
func TestLoadFirewallEndpointIPType(t *testing.T) {
	const dual = `"IPAddressType": "DUALSTACK"`
	in6 := reach.Query{From: "2606:4700::1", To: "web-1", Protocol: flow.TCP, Port: 443}
	in4 := reach.Query{From: "93.184.216.34", To: "web-1", Protocol: flow.TCP, Port: 443}
	tests := []struct {
		name, with string
		v6, v4     reach.Outcome
	}{
		{"DUALSTACK", dual, reach.Reachable, reach.Reachable},
		{"IPV4", `"IPAddressType": "IPV4"`, reach.Indeterminate, reach.Reachable},
		{"IPV6", `"IPAddressType": "IPV6"`, reach.Reachable, reach.Indeterminate},
		{"absent", `"Unrelated": ""`, reach.Indeterminate, reach.Reachable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			entries, err := os.ReadDir("../sample/aws")
			require.NoError(t, err)
			for _, en := range entries {
				data, err := os.ReadFile("../sample/aws/" + en.Name())
				require.NoError(t, err)
				if en.Name() == "firewall.json" {
					s := strings.Replace(string(data), dual, tc.with, 1)
					require.Contains(t, s, tc.with)
					data = []byte(s)
				}
				fsys["dump/"+en.Name()] = &fstest.MapFile{Data: data}
			}
			m, _, err := aws.LoadFS(fsys, "dump")
			require.NoError(t, err)
			for _, c := range []struct {
				q    reach.Query
				want reach.Outcome
			}{{in6, tc.v6}, {in4, tc.v4}} {
				r, err := m.Check(c.q)
				require.NoError(t, err)
				assert.Equal(t, c.want, r.Outcome, r.Text())
				mismatch := false
				for _, h := range r.Undecided() {
					mismatch = mismatch || h.Code == reach.FirewallEndpointIPType
				}
				assert.Equal(t, c.want == reach.Indeterminate, mismatch, r.Text())
			}
		})
	}
}

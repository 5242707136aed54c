package aws_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// A public or Elastic IP the internet gateway does not route (private,
// shared, loopback, link-local, multicast, special-purpose) is one AWS
// never gives: reach.Builder refuses it, and Load names the file, the
// JSON path and the address.
func TestLoadRefusesNonPublicPublicAddresses(t *testing.T) {
	enis := func(extraA string) func(map[string]string) {
		return func(f map[string]string) {
			f["network-interfaces.json"] = `{"NetworkInterfaces": [` + dualENI("eni-a", "subnet-a", "10.0.1.10", extraA) + `,` + dualENI("eni-b", "subnet-b", "10.0.2.10", "") + `]}`
		}
	}
	nat := func(addrs string) func(map[string]string) {
		return func(f map[string]string) {
			f["nat-gateways.json"] = `{"NatGateways": [{"NatGatewayId": "nat-1", "VpcId": "vpc-1", "SubnetId": "subnet-a", "State": "available", "NatGatewayAddresses": [` + addrs + `]}]}`
		}
	}
	for _, tc := range []struct {
		name, file, path, text, resource string
		edit                             func(map[string]string)
	}{
		{"an interface's public IP", "network-interfaces.json", "NetworkInterfaces[0].Association.PublicIp", "10.9.9.9", "eni-a",
			enis(`"Association": {"PublicIp": "10.9.9.9", "IpOwnerId": "amazon"}`)},
		{"a secondary private address's public IP", "network-interfaces.json", "NetworkInterfaces[0].PrivateIpAddresses[1].Association.PublicIp", "100.64.7.7", "eni-a",
			func(f map[string]string) {
				f["network-interfaces.json"] = `{"NetworkInterfaces": [` +
					strings.Replace(dualENI("eni-a", "subnet-a", "10.0.1.10", ""), `"PrivateIpAddress": "10.0.1.10"}]`,
						`"PrivateIpAddress": "10.0.1.10"}, {"Primary": false, "PrivateIpAddress": "10.0.1.11", "Association": {"PublicIp": "100.64.7.7"}}]`, 1) +
					`,` + dualENI("eni-b", "subnet-b", "10.0.2.10", "") + `]}`
			}},
		{"an Elastic IP", "addresses.json", "Addresses[0].PublicIp", "169.254.1.1", "eni-a",
			func(f map[string]string) {
				f["addresses.json"] = `{"Addresses": [{"AllocationId": "eipalloc-1", "PublicIp": "169.254.1.1", "NetworkInterfaceId": "eni-a", "PrivateIpAddress": "10.0.1.10"}]}`
			}},
		{"a NAT gateway's public IP", "nat-gateways.json", "NatGateways[0].NatGatewayAddresses[0].PublicIp", "192.168.5.5", "nat-1",
			nat(`{"PrivateIp": "10.0.1.50", "PublicIp": "192.168.5.5", "IsPrimary": true}`)},
		{"a NAT gateway's secondary public IP", "nat-gateways.json", "NatGateways[0].NatGatewayAddresses[1].PublicIp", "198.18.0.1", "nat-1",
			nat(`{"PrivateIp": "10.0.1.50", "PublicIp": "3.3.3.3", "IsPrimary": true}, {"PrivateIp": "10.0.1.51", "PublicIp": "198.18.0.1", "IsPrimary": false, "Status": "succeeded"}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := dualLoad(dualFS(tc.edit))
			require.Error(t, err, "a public address AWS never gives is taken")
			assert.Contains(t, err.Error(), tc.file+": "+tc.path+" ("+tc.resource+`): "`+tc.text+`": invalid topology: `+tc.text+" is not a public address")
		})
	}
}

// TestLoadPrimaryAddresses: an interface's primary addresses are the ones
// marked Primary (IsPrimaryIpv6), wherever the CLI lists them, and its
// public IPv4 address is the primary private address's, read from that
// address's Association when the interface's own is absent: a query from
// the interface leaves from its primary address, and the internet reaches
// it by the public one.
func TestLoadPrimaryAddresses(t *testing.T) {
	eni := func(extra string) func(map[string]string) {
		return func(f map[string]string) {
			a := strings.Replace(dualENI("eni-a", "subnet-a", "10.0.1.10", extra), `"PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.10"}]`,
				`"PrivateIpAddresses": [{"Primary": false, "PrivateIpAddress": "10.0.1.11"}, {"Primary": true, "PrivateIpAddress": "10.0.1.10", "Association": {"PublicIp": "198.51.100.10"}}]`, 1)
			f["network-interfaces.json"] = `{"NetworkInterfaces": [` + a + `,` + dualENI("eni-b", "subnet-b", "10.0.2.10", "") + `]}`
		}
	}
	for _, tc := range []struct {
		name, extra, v6 string
	}{
		{"IPv4", "", ""},
		{"IPv6 too", `"Ipv6Addresses": [{"Ipv6Address": "2600:1f18:1:1::b", "IsPrimaryIpv6": false}, {"Ipv6Address": "2600:1f18:1:1::a", "IsPrimaryIpv6": true}]`, "2600:1f18:1:1::a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, rep, err := dualLoad(dualFS(eni(tc.extra)))
			require.NoError(t, err, "warnings: %v", rep.Warnings)
			r, err := m.Check(reach.Query{From: "eni-a", To: "eni-b", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			assert.Equal(t, "10.0.1.10", r.Flow.Src.Addr().String(), "the primary address, listed second")
			in, err := m.Check(reach.Query{From: "203.0.113.9", To: "198.51.100.10", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, in.Outcome, in.Text())
			assert.Contains(t, in.Text(), "destination 198.51.100.10 translated to 10.0.1.10", "to the primary address")
			if tc.v6 != "" {
				r6, err := m.Check(reach.Query{From: "eni-a", To: "2606:4700::1111", Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, tc.v6, r6.Flow.Src.Addr().String(), "the primary IPv6 address, listed second")
			}
		})
	}
}

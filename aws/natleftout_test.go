package aws_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// natENI is the in-use network interface eni-nat of the NAT gateway nat-r
// in subnet-a of dualFS, holding 10.0.1.50 (InterfaceType nat_gateway).
const natENI = `{"NetworkInterfaceId": "eni-nat", "SubnetId": "subnet-a", "VpcId": "vpc-1", "Status": "in-use", "InterfaceType": "nat_gateway",
	"SourceDestCheck": false, "PrivateIpAddress": "10.0.1.50", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.50"}],
	"Groups": [], "Attachment": {"Status": "attached", "InstanceOwnerId": "amazon-aws"}, "Description": "Interface for NAT Gateway nat-r"}`

// The network interface of a NAT gateway is left out silently, its NAT
// gateway holding its address. When the gateway itself is left out (not
// available; regional, since f80e1ab) nothing held the address, and a
// query to it was a certain UNREACHABLE UNKNOWN_DESTINATION ("nothing
// there owns it"), though describe-network-interfaces lists an in-use
// interface with it (CreateNatGateway: a NAT gateway has a network
// interface in its subnet with a private address from the subnet's range,
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html).
// The address is declared unmodelled, named after the gateway, as the
// addresses of other interfaces left out are (doc.go): a query to it is
// undecided (UNMODELLED_DESTINATION). The interface is matched to its
// gateway by NatGatewayAddresses[].NetworkInterfaceId, else by a private
// address in the gateway's subnet; one whose gateway the input does not
// list is declared under its own ID.
func TestLeftOutNATGatewayInterfaceAddress(t *testing.T) {
	for _, tc := range []struct {
		name, nat, owner, what string
	}{
		{"pending", `"SubnetId": "subnet-a", "State": "pending", "NatGatewayAddresses": [{"PrivateIp": "10.0.1.50", "PublicIp": "3.3.3.3", "IsPrimary": true}]`,
			"nat-r", "NAT gateway left out, network interface eni-nat (InterfaceType nat_gateway)"},
		{"deleting", `"SubnetId": "subnet-a", "State": "deleting", "NatGatewayAddresses": [{"PrivateIp": "10.0.1.50", "PublicIp": "3.3.3.3", "IsPrimary": true}]`,
			"nat-r", "NAT gateway left out, network interface eni-nat (InterfaceType nat_gateway)"},
		{"regional, by NetworkInterfaceId", `"State": "available", "AvailabilityMode": "regional",
			"NatGatewayAddresses": [{"PrivateIp": "10.0.1.99", "PublicIp": "3.3.3.3", "IsPrimary": true, "NetworkInterfaceId": "eni-nat"}]`,
			"nat-r", "regional NAT gateway left out, network interface eni-nat (InterfaceType nat_gateway)"},
		{"not in the input", ``,
			"eni-nat", "network interface of a NAT gateway that is not in the input (InterfaceType nat_gateway)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, rep, err := dualLoad(dualFS(func(f map[string]string) {
				f["network-interfaces.json"] = `{"NetworkInterfaces": [` + dualENI("eni-a", "subnet-a", "10.0.1.10", "") + `,` +
					dualENI("eni-b", "subnet-b", "10.0.2.10", "") + `,` + natENI + `]}`
				if tc.nat != "" {
					f["nat-gateways.json"] = `{"NatGateways": [{"NatGatewayId": "nat-r", "VpcId": "vpc-1", ` + tc.nat + `}]}`
				}
			}))
			require.NoError(t, err, "warnings: %v", rep.Warnings)
			r, err := m.Check(reach.Query{From: "eni-b", To: "10.0.1.50", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			assert.NotContains(t, r.Codes(), reach.UnknownDestination, "10.0.1.50 is the address of the in-use interface eni-nat; warnings: %v\n%s", rep.Warnings, r.Text())
			assert.Contains(t, r.Codes(), reach.UnmodelledDestination, r.Text())
			assert.Contains(t, m.UnmodelledAddresses(), reach.UnmodelledAddress{Address: netip.MustParseAddr("10.0.1.50"), Owner: tc.owner, What: tc.what})
			owner, ok := m.Owner(netip.MustParseAddr("10.0.1.50"))
			assert.True(t, ok)
			assert.Equal(t, tc.owner, owner)
		})
	}
}

// The interface of a NAT gateway the loader models stays left out
// silently: its gateway holds its address, matched by NetworkInterfaceId
// or by the gateway's private address (a modelled gateway's before that
// of a deleted gateway still listed, which would claim it twice).
func TestModelledNATGatewayInterface(t *testing.T) {
	deleted := `{"NatGatewayId": "nat-old", "VpcId": "vpc-1", "SubnetId": "subnet-a", "State": "deleted",
		"NatGatewayAddresses": [{"PrivateIp": "10.0.1.50", "PublicIp": "3.3.3.9", "IsPrimary": true, "NetworkInterfaceId": "eni-gone"}]}, `
	for _, tc := range []struct{ name, before, addr string }{
		{"by private address", "", `{"PrivateIp": "10.0.1.50", "PublicIp": "3.3.3.3", "IsPrimary": true}`},
		{"by NetworkInterfaceId", "", `{"PrivateIp": "10.0.1.50", "PublicIp": "3.3.3.3", "IsPrimary": true, "NetworkInterfaceId": "eni-nat"}`},
		// a deleted gateway stays listed; a new one may take its address
		{"by private address, beside a deleted gateway that had it", deleted, `{"PrivateIp": "10.0.1.50", "PublicIp": "3.3.3.3", "IsPrimary": true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, rep, err := dualLoad(dualFS(func(f map[string]string) {
				f["network-interfaces.json"] = `{"NetworkInterfaces": [` + dualENI("eni-a", "subnet-a", "10.0.1.10", "") + `,` +
					dualENI("eni-b", "subnet-b", "10.0.2.10", "") + `,` + natENI + `]}`
				f["nat-gateways.json"] = `{"NatGateways": [` + tc.before + `{"NatGatewayId": "nat-r", "VpcId": "vpc-1", "SubnetId": "subnet-a", "State": "available",
					"NatGatewayAddresses": [` + tc.addr + `]}]}`
			}))
			require.NoError(t, err, "warnings: %v", rep.Warnings)
			if tc.before == "" {
				assert.Empty(t, rep.Warnings)
			}
			want := []reach.UnmodelledAddress{}
			if tc.before != "" {
				// the deleted gateway's Elastic IP, no modelled thing's:
				// undecided, named after it (natsLeftOutAddresses)
				want = []reach.UnmodelledAddress{{Address: netip.MustParseAddr("3.3.3.9"), Owner: "nat-old",
					What: `NAT gateway left out: it is "deleted", not available, and reachsim models available NAT gateways only`}}
			}
			assert.Equal(t, want, m.UnmodelledAddresses(), "its private address is nat-r's")
			owner, ok := m.Owner(netip.MustParseAddr("10.0.1.50"))
			assert.True(t, ok)
			assert.Equal(t, "nat-r", owner)
			r, err := m.Check(reach.Query{From: "eni-b", To: "10.0.1.50", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.NotContains(t, r.Codes(), reach.UnmodelledDestination, r.Text())
			assert.False(t, strings.Contains(r.Text(), "eni-nat"), r.Text())
		})
	}
}

package aws_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fields the AWS CLI prints in one address family hold that family only
// (API_NetworkInterfaceIpv6Address, API_NetworkInterfacePrivateIpAddress,
// API_Ipv4PrefixSpecification, API_Ipv6PrefixSpecification,
// API_VpcCidrBlockAssociation, API_VpcIpv6CidrBlockAssociation,
// API_Subnet, API_Route: "The IPv4 CIDR block used for the destination
// match" / "The IPv6 CIDR block ...",
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html).
// A value of the other family used to be taken silently (an IPv4 address
// in Ipv6Addresses became a private IPv4 address of the interface, and a
// query to it was REACHABLE); it is an error naming the file, the JSON
// path and the text, as the per-kind parsers report one in SG and NACL
// fields.
func TestAddressFamilyOfField(t *testing.T) {
	enis := func(extraA string) func(map[string]string) {
		return func(f map[string]string) {
			f["network-interfaces.json"] = `{"NetworkInterfaces": [` + dualENI("eni-a", "subnet-a", "10.0.1.10", extraA) + `,` + dualENI("eni-b", "subnet-b", "10.0.2.10", "") + `]}`
		}
	}
	for _, tc := range []struct {
		name, file, path, text, what string
		edit                         func(map[string]string)
	}{
		{"IPv4 address in Ipv6Addresses", "network-interfaces.json", "NetworkInterfaces[0].Ipv6Addresses[0].Ipv6Address", "10.0.1.77", "an IPv4 address where an IPv6 address belongs",
			enis(`"Ipv6Addresses": [{"Ipv6Address": "10.0.1.77", "IsPrimaryIpv6": false}]`)},
		{"IPv6 address in PrivateIpAddresses", "network-interfaces.json", "NetworkInterfaces[0].PrivateIpAddresses[1].PrivateIpAddress", "2600:1f18:1:1::77", "an IPv6 address where an IPv4 address belongs",
			func(f map[string]string) {
				f["network-interfaces.json"] = `{"NetworkInterfaces": [` +
					strings.Replace(dualENI("eni-a", "subnet-a", "10.0.1.10", ""), `"PrivateIpAddress": "10.0.1.10"}]`,
						`"PrivateIpAddress": "10.0.1.10"}, {"Primary": false, "PrivateIpAddress": "2600:1f18:1:1::77"}]`, 1) +
					`,` + dualENI("eni-b", "subnet-b", "10.0.2.10", "") + `]}`
			}},
		{"IPv6 public address in Association", "network-interfaces.json", "NetworkInterfaces[0].Association.PublicIp", "2600:1f18:1:1::78", "an IPv6 address where an IPv4 address belongs",
			enis(`"Association": {"PublicIp": "2600:1f18:1:1::78", "IpOwnerId": "amazon"}`)},
		{"IPv6 prefix in Ipv4Prefixes", "network-interfaces.json", "NetworkInterfaces[0].Ipv4Prefixes[0].Ipv4Prefix", "2600:1f18:1:1:1::/80", "an IPv6 block where an IPv4 block belongs",
			enis(`"Ipv4Prefixes": [{"Ipv4Prefix": "2600:1f18:1:1:1::/80"}]`)},
		{"IPv4 prefix in Ipv6Prefixes", "network-interfaces.json", "NetworkInterfaces[0].Ipv6Prefixes[0].Ipv6Prefix", "10.0.1.64/28", "an IPv4 block where an IPv6 block belongs",
			enis(`"Ipv6Prefixes": [{"Ipv6Prefix": "10.0.1.64/28"}]`)},
		{"IPv4 block in a VPC's Ipv6CidrBlockAssociationSet", "vpcs.json", "Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock", "10.9.0.0/16", "an IPv4 block where an IPv6 block belongs",
			func(f map[string]string) {
				f["vpcs.json"] = strings.Replace(f["vpcs.json"], `"Ipv6CidrBlockAssociationSet": [`,
					`"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "10.9.0.0/16", "Ipv6CidrBlockState": {"State": "associated"}}, `, 1)
			}},
		{"IPv6 block in a VPC's CidrBlockAssociationSet", "vpcs.json", "Vpcs[0].CidrBlockAssociationSet[1].CidrBlock", "2600:1f18:2::/56", "an IPv6 block where an IPv4 block belongs",
			func(f map[string]string) {
				f["vpcs.json"] = strings.Replace(f["vpcs.json"], `"CidrBlockState": {"State": "associated"}}]`,
					`"CidrBlockState": {"State": "associated"}}, {"CidrBlock": "2600:1f18:2::/56", "CidrBlockState": {"State": "associated"}}]`, 1)
			}},
		{"IPv6 block in a subnet's CidrBlock", "subnets.json", "Subnets[1].CidrBlock", "2600:1f18:1:3::/64", "an IPv6 block where an IPv4 block belongs",
			func(f map[string]string) {
				f["subnets.json"] = strings.Replace(f["subnets.json"], `"CidrBlock": "10.0.2.0/24"`, `"CidrBlock": "2600:1f18:1:3::/64"`, 1)
			}},
		{"IPv4 block in a subnet's Ipv6CidrBlockAssociationSet", "subnets.json", "Subnets[1].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock", "10.0.3.0/24", "an IPv4 block where an IPv6 block belongs",
			func(f map[string]string) {
				f["subnets.json"] = strings.Replace(f["subnets.json"], `"Ipv6CidrBlock": "2600:1f18:1:2::/64"`, `"Ipv6CidrBlock": "10.0.3.0/24"`, 1)
			}},
		{"IPv6 block in a route's DestinationCidrBlock", "route-tables.json", "RouteTables[0].Routes[4].DestinationCidrBlock", "2600:1f18:9::/48", "an IPv6 block where an IPv4 block belongs",
			func(f map[string]string) {
				dualRoute(f, `{"DestinationCidrBlock": "2600:1f18:9::/48", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"}`)
			}},
		{"IPv4 block in a route's DestinationIpv6CidrBlock", "route-tables.json", "RouteTables[0].Routes[4].DestinationIpv6CidrBlock", "192.168.0.0/16", "an IPv4 block where an IPv6 block belongs",
			func(f map[string]string) {
				dualRoute(f, `{"DestinationIpv6CidrBlock": "192.168.0.0/16", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"}`)
			}},
		{"IPv6 address in a NAT gateway's PrivateIp", "nat-gateways.json", "NatGateways[0].NatGatewayAddresses[0].PrivateIp", "2600:1f18:1:1::50", "an IPv6 address where an IPv4 address belongs",
			func(f map[string]string) {
				f["nat-gateways.json"] = `{"NatGateways": [{"NatGatewayId": "nat-1", "VpcId": "vpc-1", "SubnetId": "subnet-a", "State": "available",
					"NatGatewayAddresses": [{"PrivateIp": "2600:1f18:1:1::50", "PublicIp": "3.3.3.3", "IsPrimary": true}]}]}`
			}},
		{"IPv6 address in an Elastic IP's PublicIp", "addresses.json", "Addresses[0].PublicIp", "2600:1f18:1:1::79", "an IPv6 address where an IPv4 address belongs",
			func(f map[string]string) {
				f["addresses.json"] = `{"Addresses": [{"AllocationId": "eipalloc-1", "PublicIp": "2600:1f18:1:1::79", "NetworkInterfaceId": "eni-a", "PrivateIpAddress": "10.0.1.10"}]}`
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := dualLoad(dualFS(tc.edit))
			require.Error(t, err, "a value of the wrong family is taken silently")
			assert.Contains(t, err.Error(), tc.file+": "+tc.path)
			assert.Contains(t, err.Error(), `"`+tc.text+`": invalid AWS CLI output: `+tc.what)
		})
	}
}

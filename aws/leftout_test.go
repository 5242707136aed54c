package aws_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// auditFS is one VPC 10.0.0.0/16 (and 2001:db8:10::/56), subnets a
// (10.0.1.0/24) and b (10.0.2.0/24, 2001:db8:10:2::/64), the main route
// table local only, everything open, the instance interface eni-a
// (10.0.1.10) in a; extra ENIs are appended to describe-network-interfaces.
func auditFS(extraENIs ...string) fstest.MapFS {
	all := `[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]`
	enis := append([]string{`{"NetworkInterfaceId": "eni-a", "SubnetId": "subnet-a", "VpcId": "vpc-1", "Status": "in-use", "InterfaceType": "interface",
		"Attachment": {"InstanceId": "i-a", "DeviceIndex": 0, "Status": "attached"}, "SourceDestCheck": true,
		"PrivateIpAddress": "10.0.1.10", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.10"}],
		"Groups": [{"GroupId": "sg-open", "GroupName": "open"}]}`}, extraENIs...)
	files := map[string]string{
		"vpcs.json": `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16",
			"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8:10::/56", "Ipv6CidrBlockState": {"State": "associated"}}]}]}`,
		"subnets.json": `{"Subnets": [
			{"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"},
			{"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1a",
				"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8:10:2::/64", "Ipv6CidrBlockState": {"State": "associated"}}]}]}`,
		"route-tables.json": `{"RouteTables": [{"RouteTableId": "rtb-main", "VpcId": "vpc-1", "Associations": [{"Main": true, "AssociationState": {"State": "associated"}}],
			"Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}]}]}`,
		"network-acls.json": `{"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true, "Associations": [], "Entries": [
			{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
			{"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}]}]}`,
		"security-groups.json":    `{"SecurityGroups": [{"GroupId": "sg-open", "GroupName": "open", "VpcId": "vpc-1", "IpPermissions": ` + all + `, "IpPermissionsEgress": ` + all + `}]}`,
		"network-interfaces.json": `{"NetworkInterfaces": [` + strings.Join(enis, ",") + `]}`,
	}
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys["d/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// leftOutENI is an interface eni-x of InterfaceType typ in subnet-b
// holding 10.0.2.50 and 2001:db8:10:2::50, with the security groups
// groups (a JSON list).
func leftOutENI(typ, groups string) string {
	return fmt.Sprintf(`{"NetworkInterfaceId": "eni-x", "SubnetId": "subnet-b", "VpcId": "vpc-1", "Status": "in-use", "InterfaceType": %q,
		"RequesterManaged": true, "Description": "left out", "Attachment": {"Status": "attached", "DeviceIndex": 1},
		"PrivateIpAddress": "10.0.2.50", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.2.50"}],
		"Ipv6Addresses": [{"Ipv6Address": "2001:db8:10:2::50"}], "Groups": %s}`, typ, groups)
}

// An interface the loader leaves out (a load balancer's, a transit
// gateway's, an endpoint's, one without security groups) still holds its
// addresses: AWS delivers a packet to them to what reachsim does not
// model, so the answer is undecided and names the interface and its
// type, never a certain unknown destination.
func TestLeftOutInterfaceAddressesAreUndecided(t *testing.T) {
	open := `[{"GroupId": "sg-open", "GroupName": "open"}]`
	for _, tt := range []struct {
		typ, groups, warning, what string
	}{
		{"network_load_balancer", `[]`, "eni-x of a Network Load Balancer left out", "network interface of a Network Load Balancer (InterfaceType network_load_balancer)"},
		{"network_load_balancer", open, "eni-x of a Network Load Balancer left out", "network interface of a Network Load Balancer (InterfaceType network_load_balancer)"},
		{"transit_gateway", `[]`, "eni-x of a transit gateway left out", "network interface of a transit gateway (InterfaceType transit_gateway)"},
		{"global_accelerator_managed", `[]`, "eni-x of a Global Accelerator left out", "(InterfaceType global_accelerator_managed)"},
		{"gateway_load_balancer", `[]`, "eni-x of a Gateway Load Balancer left out", "(InterfaceType gateway_load_balancer)"},
		{"gateway_load_balancer_endpoint", `[]`, "", "network interface of a Gateway Load Balancer endpoint (InterfaceType gateway_load_balancer_endpoint)"},
		{"vpc_endpoint", `[]`, "eni-x has no security groups: left out", "network interface without security groups (InterfaceType vpc_endpoint)"},
		{"interface", `[]`, "eni-x has no security groups: left out", "network interface without security groups (InterfaceType interface)"},
	} {
		t.Run(tt.typ+" "+tt.groups, func(t *testing.T) {
			m, rep, err := aws.LoadFS(auditFS(leftOutENI(tt.typ, tt.groups)), "d")
			require.NoError(t, err)
			if tt.warning == "" {
				assert.Empty(t, rep.Warnings)
			} else {
				require.Len(t, rep.Warnings, 1)
				assert.Contains(t, rep.Warnings[0], tt.warning)
			}
			r, err := m.Check(reach.Query{From: "eni-a", To: "10.0.2.50", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, reach.Indeterminate, r.Outcome, "AWS delivers to the interface's address:\n%s", r.Text())
			assert.Equal(t, []reach.Code{reach.UnmodelledDestination}, r.Codes(), r.Text())
			require.Len(t, r.Undecided(), 1)
			assert.Contains(t, r.Undecided()[0].Missing, "eni-x")
			assert.Contains(t, r.Undecided()[0].Missing, tt.what)
			for _, a := range []string{"10.0.2.50", "2001:db8:10:2::50"} {
				o, ok := m.Owner(netip.MustParseAddr(a))
				assert.True(t, ok, a)
				assert.Equal(t, "eni-x", o, a)
			}
			assert.Len(t, m.Interfaces(), 1, "the interface itself stays out of the model")
		})
	}
	t.Run("a free address is still an unknown destination", func(t *testing.T) {
		m, _, err := aws.LoadFS(auditFS(leftOutENI("network_load_balancer", `[]`)), "d")
		require.NoError(t, err)
		r, err := m.Check(reach.Query{From: "eni-a", To: "10.0.2.51", Protocol: flow.TCP, Port: 443})
		require.NoError(t, err)
		assert.Equal(t, []reach.Code{reach.UnknownDestination}, r.Codes(), r.Text())
	})
	t.Run("a NAT gateway's interface declares nothing: its gateway holds the address", func(t *testing.T) {
		fsys := auditFS(leftOutENI("nat_gateway", `[]`))
		fsys["d/nat-gateways.json"] = &fstest.MapFile{Data: []byte(`{"NatGateways": [{"NatGatewayId": "nat-x", "VpcId": "vpc-1", "SubnetId": "subnet-b",
			"State": "available", "NatGatewayAddresses": [{"PrivateIp": "10.0.2.50", "PublicIp": "3.3.3.3", "IsPrimary": true}]}]}`)}
		m, _, err := aws.LoadFS(fsys, "d")
		require.NoError(t, err)
		assert.Empty(t, m.UnmodelledAddresses())
		o, ok := m.Owner(netip.MustParseAddr("10.0.2.50"))
		assert.True(t, ok)
		assert.Equal(t, "nat-x", o)
	})
	t.Run("an interface of a subnet the input lacks declares nothing", func(t *testing.T) {
		eni := strings.Replace(leftOutENI("network_load_balancer", `[]`), `"subnet-b"`, `"subnet-gone"`, 1)
		m, _, err := aws.LoadFS(auditFS(eni), "d")
		require.NoError(t, err)
		assert.Empty(t, m.UnmodelledAddresses())
	})
}

// AWS documents that an EFA-only interface has no IP address ("You can't
// assign an IP address to an EFA-only network interface"): it is left
// out with a warning, not a load error.
func TestEFAOnlyInterfaceIsLeftOut(t *testing.T) {
	efa := `{"NetworkInterfaceId": "eni-efa", "SubnetId": "subnet-a", "VpcId": "vpc-1", "Status": "in-use", "InterfaceType": "efa-only",
		"Attachment": {"InstanceId": "i-a", "DeviceIndex": 1, "NetworkCardIndex": 1, "Status": "attached"},
		"PrivateIpAddresses": [], "Ipv6Addresses": [], "Groups": [{"GroupId": "sg-open", "GroupName": "open"}]}`
	m, rep, err := aws.LoadFS(auditFS(efa), "d")
	require.NoError(t, err)
	require.Len(t, rep.Warnings, 1)
	assert.Contains(t, rep.Warnings[0], "network interface eni-efa is EFA-only (InterfaceType efa-only): left out")
	require.Len(t, m.Interfaces(), 1)
	assert.Equal(t, "eni-a", m.Interfaces()[0].ID)
	assert.Empty(t, m.UnmodelledAddresses())
}

// An internet-facing Network Load Balancer's interface, left out, holds
// a public address (Association.PublicIp): a packet to it goes to the
// load balancer, not to an internet host, so the answer is undecided
// (never a certain Reachable), unless a block on the way decides.
func TestLeftOutInterfacePublicAddressIsUndecided(t *testing.T) {
	nlb := `{"NetworkInterfaceId": "eni-x", "SubnetId": "subnet-b", "VpcId": "vpc-1", "Status": "in-use", "InterfaceType": "network_load_balancer",
		"RequesterManaged": true, "Description": "ELB net/nlb/1", "Attachment": {"Status": "attached", "DeviceIndex": 1},
		"Association": {"PublicIp": "203.0.113.50"},
		"PrivateIpAddress": "10.0.2.50", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.2.50", "Association": {"PublicIp": "203.0.113.50"}}], "Groups": []}`
	fsys := auditFS(nlb)
	enis := string(fsys["d/network-interfaces.json"].Data)
	enis = strings.Replace(enis, `"SourceDestCheck": true,`, `"SourceDestCheck": true, "Association": {"PublicIp": "203.0.113.7"},`, 1)
	fsys["d/network-interfaces.json"] = &fstest.MapFile{Data: []byte(enis)}
	fsys["d/igw.json"] = &fstest.MapFile{Data: []byte(`{"InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}]}`)}
	rt := string(fsys["d/route-tables.json"].Data)
	rt = strings.Replace(rt, `"State": "active"}]`, `"State": "active"}, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"}]`, 1)
	fsys["d/route-tables.json"] = &fstest.MapFile{Data: []byte(rt)}
	m, _, err := aws.LoadFS(fsys, "d")
	require.NoError(t, err)
	owner, ok := m.Owner(netip.MustParseAddr("203.0.113.50"))
	require.True(t, ok)
	assert.Equal(t, "eni-x", owner)
	r, err := m.Check(reach.Query{From: "eni-a", To: "203.0.113.50", Protocol: flow.TCP, Port: 80})
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Contains(t, r.Codes(), reach.UnmodelledDestination, r.Text())
	v, err := m.Verdict(reach.Query{From: "eni-a", To: "203.0.113.50", Protocol: flow.TCP, Port: 80})
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, v)
}

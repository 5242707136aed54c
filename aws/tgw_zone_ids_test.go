package aws_test

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// azidAcctA: account 111111111111, vpc-a 10.1/16, app-a (10.1.1.10) in
// subnet-a (us-east-1a = use1-az1 in this account), the gateway's subnet
// subnet-ta in the same zone. Routes 10.2/16 to tgw-x.
const azidAcctA = `{
 "Vpcs": [{"VpcId": "vpc-a", "OwnerId": "111111111111", "CidrBlock": "10.1.0.0/16", "CidrBlockAssociationSet": [{"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}}]}],
 "Subnets": [
  {"SubnetId": "subnet-a", "VpcId": "vpc-a", "OwnerId": "111111111111", "CidrBlock": "10.1.1.0/24", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1"},
  {"SubnetId": "subnet-ta", "VpcId": "vpc-a", "OwnerId": "111111111111", "CidrBlock": "10.1.9.0/24", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1"}],
 "NetworkInterfaces": [{"NetworkInterfaceId": "eni-a", "SubnetId": "subnet-a", "VpcId": "vpc-a", "OwnerId": "111111111111", "Status": "in-use", "InterfaceType": "interface",
   "Groups": [{"GroupId": "sg-a", "GroupName": "a"}], "PrivateIpAddress": "10.1.1.10",
   "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.1.1.10"}], "TagSet": [{"Key": "Name", "Value": "app-a"}]}],
 "SecurityGroups": [{"GroupId": "sg-a", "GroupName": "a", "VpcId": "vpc-a", "OwnerId": "111111111111",
   "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
   "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}],
 "NetworkAcls": [{"NetworkAclId": "acl-a", "VpcId": "vpc-a", "IsDefault": true, "Associations": [{"NetworkAclId": "acl-a", "SubnetId": "subnet-a"}, {"NetworkAclId": "acl-a", "SubnetId": "subnet-ta"}],
   "Entries": [{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
               {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}]}],
 "RouteTables": [{"RouteTableId": "rtb-a", "VpcId": "vpc-a", "Associations": [{"Main": true}],
   "Routes": [{"DestinationCidrBlock": "10.1.0.0/16", "GatewayId": "local", "State": "active"},
              {"DestinationCidrBlock": "10.2.0.0/16", "TransitGatewayId": "tgw-x", "State": "active"}]}]
}`

// azidAcctB: account 222222222222, vpc-b 10.2/16: app-b (10.2.1.10) in
// subnet-b; the gateway's subnets subnet-tb1 (us-east-1a, which is
// use1-az4 in this account) with a network ACL that denies everything,
// and subnet-tb2 (us-east-1b = use1-az1, the source's physical zone)
// with an open one.
const azidAcctB = `{
 "Vpcs": [{"VpcId": "vpc-b", "OwnerId": "222222222222", "CidrBlock": "10.2.0.0/16", "CidrBlockAssociationSet": [{"CidrBlock": "10.2.0.0/16", "CidrBlockState": {"State": "associated"}}]}],
 "Subnets": [
  {"SubnetId": "subnet-b", "VpcId": "vpc-b", "OwnerId": "222222222222", "CidrBlock": "10.2.1.0/24", "AvailabilityZone": "us-east-1b", "AvailabilityZoneId": "use1-az1"},
  {"SubnetId": "subnet-tb1", "VpcId": "vpc-b", "OwnerId": "222222222222", "CidrBlock": "10.2.8.0/24", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az4"},
  {"SubnetId": "subnet-tb2", "VpcId": "vpc-b", "OwnerId": "222222222222", "CidrBlock": "10.2.9.0/24", "AvailabilityZone": "us-east-1b", "AvailabilityZoneId": "use1-az1"}],
 "NetworkInterfaces": [{"NetworkInterfaceId": "eni-b", "SubnetId": "subnet-b", "VpcId": "vpc-b", "OwnerId": "222222222222", "Status": "in-use", "InterfaceType": "interface",
   "Groups": [{"GroupId": "sg-b", "GroupName": "b"}], "PrivateIpAddress": "10.2.1.10",
   "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.2.1.10"}], "TagSet": [{"Key": "Name", "Value": "app-b"}]}],
 "SecurityGroups": [{"GroupId": "sg-b", "GroupName": "b", "VpcId": "vpc-b", "OwnerId": "222222222222",
   "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
   "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}],
 "NetworkAcls": [
  {"NetworkAclId": "acl-b", "VpcId": "vpc-b", "IsDefault": true, "Associations": [{"NetworkAclId": "acl-b", "SubnetId": "subnet-b"}, {"NetworkAclId": "acl-b", "SubnetId": "subnet-tb2"}],
   "Entries": [{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
               {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}]},
  {"NetworkAclId": "acl-b-deny", "VpcId": "vpc-b", "IsDefault": false, "Associations": [{"NetworkAclId": "acl-b-deny", "SubnetId": "subnet-tb1"}],
   "Entries": []}],
 "RouteTables": [{"RouteTableId": "rtb-b", "VpcId": "vpc-b", "Associations": [{"Main": true}],
   "Routes": [{"DestinationCidrBlock": "10.2.0.0/16", "GatewayId": "local", "State": "active"},
              {"DestinationCidrBlock": "10.1.0.0/16", "TransitGatewayId": "tgw-x", "State": "active"}]}]
}`

const azidTGW = `{
 "TransitGateways": [{"TransitGatewayId": "tgw-x", "OwnerId": "111111111111", "State": "available", "Options": {"SecurityGroupReferencingSupport": "disable"}}],
 "TransitGatewayAttachments": [
  {"TransitGatewayAttachmentId": "tgw-attach-a", "TransitGatewayId": "tgw-x", "ResourceType": "vpc", "ResourceId": "vpc-a", "ResourceOwnerId": "111111111111", "State": "available",
   "Association": {"TransitGatewayRouteTableId": "tgw-rtb-x", "State": "associated"}},
  {"TransitGatewayAttachmentId": "tgw-attach-b", "TransitGatewayId": "tgw-x", "ResourceType": "vpc", "ResourceId": "vpc-b", "ResourceOwnerId": "222222222222", "State": "available",
   "Association": {"TransitGatewayRouteTableId": "tgw-rtb-x", "State": "associated"}}],
 "TransitGatewayVpcAttachments": [
  {"TransitGatewayAttachmentId": "tgw-attach-a", "TransitGatewayId": "tgw-x", "VpcId": "vpc-a", "VpcOwnerId": "111111111111", "State": "available", "SubnetIds": ["subnet-ta"]},
  {"TransitGatewayAttachmentId": "tgw-attach-b", "TransitGatewayId": "tgw-x", "VpcId": "vpc-b", "VpcOwnerId": "222222222222", "State": "available", "SubnetIds": ["subnet-tb1", "subnet-tb2"]}],
 "TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": "tgw-rtb-x", "TransitGatewayId": "tgw-x", "State": "available",
   "DefaultAssociationRouteTable": true, "DefaultPropagationRouteTable": true}]
}`

const azidTGWRoutes = `{
 "TransitGatewayRouteTableId": "tgw-rtb-x",
 "Routes": [
  {"DestinationCidrBlock": "10.1.0.0/16", "TransitGatewayAttachments": [{"ResourceId": "vpc-a", "TransitGatewayAttachmentId": "tgw-attach-a", "ResourceType": "vpc"}], "Type": "propagated", "State": "active"},
  {"DestinationCidrBlock": "10.2.0.0/16", "TransitGatewayAttachments": [{"ResourceId": "vpc-b", "TransitGatewayAttachmentId": "tgw-attach-b", "ResourceType": "vpc"}], "Type": "propagated", "State": "active"}],
 "AdditionalRoutesAvailable": false
}`

// azidFS is the two-account dump above, each file's text passed
// through edit.
func azidFS(edit func(string) string) fstest.MapFS {
	return fstest.MapFS{
		"d/account-a.json": {Data: []byte(edit(azidAcctA))},
		"d/account-b.json": {Data: []byte(edit(azidAcctB))},
		"d/tgw.json":       {Data: []byte(edit(azidTGW))},
		"d/tgw-rtb-x.json": {Data: []byte(edit(azidTGWRoutes))},
	}
}

// noZoneIDs drops every subnet's AvailabilityZoneId.
func noZoneIDs(s string) string {
	return regexp.MustCompile(`, "AvailabilityZoneId": "[^"]*"`).ReplaceAllString(s, "")
}

// TestTGWZoneIDsAcrossAccounts: a transit gateway keeps a flow in its
// Availability Zone (Amazon VPC Transit Gateways, "How transit gateways
// work", Availability Zones), a physical place. In the Regions that map
// zones independently per account, us-east-1a of one account may be
// another place than us-east-1a of another; only AZ IDs are the same in
// every account (AWS Regions and Availability Zones, "AZ IDs"). Here
// app-a's zone is use1-az1, and the attachment of vpc-b (another
// account) has use1-az1 in subnet-tb2 (its us-east-1b, open) and use1-az4
// in subnet-tb1 (its us-east-1a, whose ACL denies everything). AWS
// leaves by subnet-tb2 and delivers. Without the AZ IDs, names of two
// accounts decide nothing: undecided; within one account they do.
// (Audit peer26, finding 1: TestAuditPeer26TGWZoneNamesAcrossAccounts.)
func TestTGWZoneIDsAcrossAccounts(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(string) string
		outcome reach.Outcome
		codes   []reach.Code
		text    string
	}{
		{"AZ IDs decide: leaves by subnet-tb2, the same physical zone", func(s string) string { return s },
			reach.Reachable, nil, "subnet-tb2"},
		{"names of two accounts without AZ IDs: undecided", noZoneIDs,
			reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown}, "AZ IDs"},
		{"one account without AZ IDs: names decide, subnet-tb1 blocks", func(s string) string {
			return strings.ReplaceAll(noZoneIDs(s), "222222222222", "111111111111")
		}, reach.Unreachable, []reach.Code{reach.ACLDefaultDeny}, "acl-b-deny"},
		{"one account, AZ IDs known: the IDs decide", func(s string) string {
			return strings.ReplaceAll(s, "222222222222", "111111111111")
		}, reach.Reachable, nil, "subnet-tb2"},
		{"no owners named, without AZ IDs: one account, names decide", func(s string) string {
			return regexp.MustCompile(`"(Vpc|Resource)?OwnerId": "[0-9]*", `).ReplaceAllString(noZoneIDs(s), "")
		}, reach.Unreachable, []reach.Code{reach.ACLDefaultDeny}, "acl-b-deny"},
		{"one subnet's AZ ID missing, two accounts: undecided", func(s string) string {
			return strings.Replace(s, `"AvailabilityZone": "us-east-1b", "AvailabilityZoneId": "use1-az1"}]`, `"AvailabilityZone": "us-east-1b"}]`, 1)
		}, reach.Indeterminate, []reach.Code{reach.TGWExitZoneUnknown}, "subnet-tb2 (us-east-1b of account 222222222222)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, err := aws.LoadFS(azidFS(tt.edit), "d")
			require.NoError(t, err)
			q := reach.Query{From: "app-a", To: "app-b", Protocol: flow.TCP, Port: 443}
			r, err := m.Check(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.codes == nil {
				assert.Empty(t, r.Codes(), r.Text())
			} else {
				assert.Equal(t, tt.codes, r.Codes(), r.Text())
			}
			assert.Contains(t, r.Text(), tt.text)
			v, err := m.Verdict(q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, v, "Verdict answers as Check does")
		})
	}
}

// The subnet's AvailabilityZoneId and OwnerId are read as strings; another
// type is an error naming the JSON path.
func TestSubnetZoneIDWrongType(t *testing.T) {
	for _, field := range []string{"AvailabilityZoneId", "OwnerId"} {
		t.Run(field, func(t *testing.T) {
			bad := strings.Replace(azidAcctA, `"SubnetId": "subnet-a", "VpcId": "vpc-a", "OwnerId": "111111111111", "CidrBlock": "10.1.1.0/24", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1"`,
				map[string]string{
					"AvailabilityZoneId": `"SubnetId": "subnet-a", "VpcId": "vpc-a", "OwnerId": "111111111111", "CidrBlock": "10.1.1.0/24", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": 7`,
					"OwnerId":            `"SubnetId": "subnet-a", "VpcId": "vpc-a", "OwnerId": 111111111111, "CidrBlock": "10.1.1.0/24", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1"`,
				}[field], 1)
			require.NotEqual(t, azidAcctA, bad)
			_, _, err := aws.LoadFS(azidFS(func(s string) string {
				if s == azidAcctA {
					return bad
				}
				return s
			}), "d")
			require.Error(t, err)
			assert.Contains(t, err.Error(), "Subnets[0]."+field)
		})
	}
}

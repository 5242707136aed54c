package aws_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
)

// TestLoadWrongTypeNamesTheFullPath feeds a value of the wrong type, deep
// in lists and maps, to the reader of every kind of resource Load reads,
// and asserts the exact path of the error: every list index and map key on
// the way, and the value itself as the text.
func TestLoadWrongTypeNamesTheFullPath(t *testing.T) {
	const fwHead = `{"Firewall":{"FirewallName":"fw","FirewallArn":"arn:fw","FirewallPolicyArn":"arn:p","VpcId":"vpc-1","SubnetMappings":[{"SubnetId":"subnet-a"}]},`
	const statelessHead = `{"RuleGroupResponse":{"RuleGroupName":"g","RuleGroupArn":"arn:g","Type":"STATELESS"},"RuleGroup":{"RulesSource":{"StatelessRulesAndCustomActions":{"StatelessRules":[`
	tests := []struct {
		name, doc, path, text string
	}{
		{"a VPC's CIDR block association", `{"Vpcs":[{"VpcId":"vpc-1","CidrBlockAssociationSet":[{"CidrBlock":"10.0.0.0/16"},{"CidrBlock":7}]}]}`,
			"Vpcs[0].CidrBlockAssociationSet[1].CidrBlock", "7"},
		{"a subnet's tag", `{"Subnets":[{"SubnetId":"s-1","VpcId":"v"},{"SubnetId":"s-2","VpcId":"v","Tags":[{"Key":"a","Value":"b"},{"Key":"c"},{"Key":1}]}]}`,
			"Subnets[1].Tags[2].Key", "1"},
		{"a subnet's IPv6 association state", `{"Subnets":[{"SubnetId":"s-1","Ipv6CidrBlockAssociationSet":[{"Ipv6CidrBlock":"2001:db8::/64","Ipv6CidrBlockState":{"State":false}}]}]}`,
			"Subnets[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlockState.State", "false"},
		{"an interface's secondary public address", `{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","PrivateIpAddresses":[{"PrivateIpAddress":"10.0.0.1"},{"PrivateIpAddress":"10.0.0.2","Association":{"PublicIp":[]}}]}]}`,
			"NetworkInterfaces[0].PrivateIpAddresses[1].Association.PublicIp", "[]"},
		{"an Elastic IP's private address", `{"Addresses":[{"PublicIp":"203.0.113.1"},{"PublicIp":"203.0.113.2","PrivateIpAddress":10}]}`,
			"Addresses[1].PrivateIpAddress", "10"},
		{"a VPC's Block Public Access state", `{"Vpcs":[{"VpcId":"vpc-1","BlockPublicAccessStates":{"InternetGatewayBlockMode":1}}]}`,
			"Vpcs[0].BlockPublicAccessStates.InternetGatewayBlockMode", "1"},
		{"the Block Public Access mode", `{"VpcBlockPublicAccessOptions":{"InternetGatewayBlockMode":["off"]}}`,
			"VpcBlockPublicAccessOptions.InternetGatewayBlockMode", `["off"]`},
		{"a Block Public Access exclusion's ARN", `{"VpcBlockPublicAccessExclusions":[{"ExclusionId":"x"},{"ExclusionId":"y","ResourceArn":{}}]}`,
			"VpcBlockPublicAccessExclusions[1].ResourceArn", "{}"},
		{"an interface's device index", `{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1"},{"NetworkInterfaceId":"eni-2","Attachment":{"DeviceIndex":"0"}}]}`,
			"NetworkInterfaces[1].Attachment.DeviceIndex", `"0"`},
		{"an instance's interface's group", `{"Reservations":[{"Instances":[{"InstanceId":"i-1"},{"InstanceId":"i-2","NetworkInterfaces":[{"Groups":[{"GroupId":"sg-1"},{"GroupId":{}}]}]}]}]}`,
			"Reservations[0].Instances[1].NetworkInterfaces[0].Groups[1].GroupId", "{}"},
		{"an instance's state", `{"Reservations":[{"Instances":[]},{"Instances":[{"InstanceId":"i-1","State":{"Name":16}}]}]}`,
			"Reservations[1].Instances[0].State.Name", "16"},
		{"a security group's IP range", `{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"-1"},{"IpProtocol":"-1","IpRanges":[{"CidrIp":"10.0.0.0/8"},{"CidrIp":10}]}]}]}`,
			"SecurityGroups[0].IpPermissions[1].IpRanges[1].CidrIp", "10"},
		{"a security group's referenced group", `{"SecurityGroups":[{"GroupId":"sg-1","IpPermissionsEgress":[{"IpProtocol":"-1","UserIdGroupPairs":[{"GroupId":true}]}]}]}`,
			"SecurityGroups[0].IpPermissionsEgress[0].UserIdGroupPairs[0].GroupId", "true"},
		{"a security group rule's referenced group", `{"SecurityGroupRules":[{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IpProtocol":"-1","ReferencedGroupInfo":{"GroupId":5}}]}`,
			"SecurityGroupRules[0].ReferencedGroupInfo.GroupId", "5"},
		{"a network ACL's association", `{"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"v","Associations":[{"SubnetId":"s-1"},{"SubnetId":2}],"Entries":[]}]}`,
			"NetworkAcls[0].Associations[1].SubnetId", "2"},
		{"a network ACL entry's port range", `{"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"v","Entries":[{"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"},{"RuleNumber":101,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":"x","To":22}}]}]}`,
			"NetworkAcls[0].Entries[1].PortRange.From", ""},
		{"a route table association's Main", `{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"v","Associations":[{"Main":false,"SubnetId":"s-1"},{"Main":"yes"}]}]}`,
			"RouteTables[0].Associations[1].Main", `"yes"`},
		{"a route's gateway", `{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"v","Routes":[{"DestinationCidrBlock":"10.0.0.0/16","GatewayId":"local"},{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":["igw-1"]}]}]}`,
			"RouteTables[0].Routes[1].GatewayId", `["igw-1"]`},
		{"an internet gateway's attachment", `{"InternetGateways":[{"InternetGatewayId":"igw-1","Attachments":[{"State":"available","VpcId":"v"},{"VpcId":null,"State":1}]}]}`,
			"InternetGateways[0].Attachments[1].State", "1"},
		{"a NAT gateway's address", `{"NatGateways":[{"NatGatewayId":"nat-1","NatGatewayAddresses":[{"PrivateIp":"10.0.0.5"},{"IsPrimary":"yes"}]}]}`,
			"NatGateways[0].NatGatewayAddresses[1].IsPrimary", `"yes"`},
		{"a prefix list's name", `{"PrefixLists":[{"PrefixListId":"pl-1","PrefixListName":"a"},{"PrefixListId":"pl-2","PrefixListName":2}]}`,
			"PrefixLists[1].PrefixListName", "2"},
		{"a prefix list entry", `{"PrefixLists":[{"PrefixListId":"pl-1"}],"Entries":[{"Cidr":"10.0.0.0/8"},{"Cidr":"10.1.0.0/16"},{"Cidr":{"v":1}}]}`,
			"Entries[2].Cidr", `{"v":1}`},
		{"a rule group's IP set", `{"RuleGroupResponse":{"RuleGroupName":"g","RuleGroupArn":"arn:g","Type":"STATEFUL"},"RuleGroup":{"RuleVariables":{"IPSets":{"HOME_NET":{"Definition":["10.0.0.0/8",7]}}},"RulesSource":{"RulesString":""}}}`,
			`RuleGroup.RuleVariables.IPSets.HOME_NET.Definition[1]`, "7"},
		{"a rule group's IP set named with a dash", `{"RuleGroupResponse":{"RuleGroupName":"g","RuleGroupArn":"arn:g","Type":"STATEFUL"},"RuleGroup":{"RuleVariables":{"IPSets":{"HOME-NET":{"Definition":[7]}}},"RulesSource":{"RulesString":""}}}`,
			`RuleGroup.RuleVariables.IPSets["HOME-NET"].Definition[0]`, "7"},
		{"a stateless rule's source", statelessHead + `{"Priority":1,"RuleDefinition":{"MatchAttributes":{},"Actions":["aws:pass"]}},{"Priority":2,"RuleDefinition":{"MatchAttributes":{"Sources":[{"AddressDefinition":"10.0.0.0/8"},{"AddressDefinition":8}]},"Actions":["aws:pass"]}}]}}}}`,
			"RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules[1].RuleDefinition.MatchAttributes.Sources[1].AddressDefinition", "8"},
		{"a stateless rule's port range", statelessHead + `{"Priority":1,"RuleDefinition":{"MatchAttributes":{"DestinationPorts":[{"FromPort":443,"ToPort":443},{"FromPort":1e+20,"ToPort":80}]},"Actions":["aws:pass"]}}]}}}}`,
			"RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules[0].RuleDefinition.MatchAttributes.DestinationPorts[1].FromPort", "1e+20"},
		{"a policy's stateful group reference", `{"FirewallPolicyResponse":{"FirewallPolicyName":"p","FirewallPolicyArn":"arn:p"},"FirewallPolicy":{"StatelessDefaultActions":["aws:forward_to_sfe"],"StatelessFragmentDefaultActions":["aws:forward_to_sfe"],"StatefulRuleGroupReferences":[{"ResourceArn":"arn:a"},{"ResourceArn":false}]}}`,
			"FirewallPolicy.StatefulRuleGroupReferences[1].ResourceArn", "false"},
		{"a firewall's subnet mapping", `{"Firewall":{"FirewallName":"fw","FirewallArn":"arn:fw","FirewallPolicyArn":"arn:p","VpcId":"vpc-1","SubnetMappings":[{"SubnetId":"subnet-a"},{"SubnetId":3}]}}`,
			"Firewall.SubnetMappings[1].SubnetId", "3"},
		{"a firewall endpoint's status", fwHead + `"FirewallStatus":{"SyncStates":{"us-east-1a":{"Attachment":{"SubnetId":"subnet-a","EndpointId":"vpce-a","Status":1}}}}}`,
			`FirewallStatus.SyncStates["us-east-1a"].Attachment.Status`, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := aws.LoadFS(fstest.MapFS{"x.json": {Data: []byte(tt.doc)}}, "x.json")
			require.Error(t, err)
			require.ErrorIs(t, err, flow.ErrJSON)
			faults := loadFaults(t, err)
			require.Len(t, faults, 1, "%v", err)
			assert.Equal(t, "x.json", faults[0].File)
			assert.Equal(t, tt.path, faults[0].Path, "%v", err)
			if tt.text != "" {
				assert.Equal(t, tt.text, faults[0].Text, "%v", err)
			}
		})
	}
}

package aws_test

import (
	"fmt"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
)

func ExampleParseNetworkACLs() {
	// From `aws ec2 describe-network-acls` (the AWS CLI documentation's
	// example, trimmed): the entries are not sorted, and the "*" rules
	// appear as 32767 and 32768.
	data := []byte(`{"NetworkAcls": [{"NetworkAclId": "acl-0e2a78e4e2EXAMPLE", "VpcId": "vpc-03914afb3eEXAMPLE", "IsDefault": true,
	  "Associations": [], "Tags": [], "OwnerId": "111122223333",
	  "Entries": [
	    {"CidrBlock": "0.0.0.0/0", "Egress": true,  "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
	    {"Ipv6CidrBlock": "::/0",  "Egress": true,  "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 101},
	    {"CidrBlock": "0.0.0.0/0", "Egress": true,  "Protocol": "-1", "RuleAction": "deny",  "RuleNumber": 32767},
	    {"Ipv6CidrBlock": "::/0",  "Egress": true,  "Protocol": "-1", "RuleAction": "deny",  "RuleNumber": 32768},
	    {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}]}]}`)
	acls, err := aws.ParseNetworkACLs(data)
	if err != nil {
		panic(err)
	}
	for _, e := range acls[0].Entries {
		fmt.Println(e)
	}
	ev := nacl.MustCompile(acls[0])
	fmt.Println(ev.Evaluate(flow.MustParse("udp [2001:db8::1]:5353 -> [2001:db8::2]:53"), flow.Outbound))
	fmt.Println(ev.Evaluate(flow.MustParse("udp [2001:db8::1]:5353 -> [2001:db8::2]:53"), flow.Inbound))

	_, err = aws.ParseNetworkACLs([]byte(`{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [
	    {"CidrBlock": "::/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}]}]}`))
	fmt.Println(err)
	// Output:
	// 100 allow all from 0.0.0.0/0
	// 100 allow all to 0.0.0.0/0
	// 101 allow all to ::/0
	// allowed by rule 101 (allow all to ::/0) on acl-0e2a78e4e2EXAMPLE
	// denied by rule * (deny all from ::/0) on acl-0e2a78e4e2EXAMPLE
	// NetworkAcls[0].Entries[0].CidrBlock (acl-1 rule 100): "::/0": invalid network ACL entry: CidrBlock holds IPv4 CIDRs; an IPv6 CIDR belongs in Ipv6CidrBlock
}

func ExampleParseStatelessRuleGroup() {
	g, err := aws.ParseStatelessRuleGroup([]byte(`{
	  "RuleGroup": {"RulesSource": {"StatelessRulesAndCustomActions": {
	    "StatelessRules": [{"Priority": 10, "RuleDefinition": {
	      "MatchAttributes": {"Sources": [{"AddressDefinition": "10.0.0.0/16"}],
	                          "DestinationPorts": [{"FromPort": 443, "ToPort": 443}],
	                          "Protocols": [6],
	                          "TCPFlags": [{"Flags": ["SYN"], "Masks": ["SYN", "ACK"]}]},
	      "Actions": ["aws:forward_to_sfe", "MyMetrics"]}}],
	    "CustomActions": [{"ActionName": "MyMetrics",
	      "ActionDefinition": {"PublishMetricAction": {"Dimensions": [{"Value": "https"}]}}}]}}},
	  "RuleGroupResponse": {"RuleGroupName": "sl", "Type": "STATELESS", "Capacity": 100}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(g.Name, g.ConsumedCapacity(), "of", g.Capacity, "capacity units")
	for _, r := range g.Rules {
		fmt.Println(r)
	}
	// Output:
	// sl 1 of 100 capacity units
	// priority 10: aws:forward_to_sfe proto tcp src 10.0.0.0/16 dport 443 flags SYN/SYN|ACK custom MyMetrics
}

func ExampleParseSecurityGroups() {
	// From `aws ec2 describe-security-groups` (the AWS CLI documentation's
	// example, trimmed): one permission with two peers becomes two rules.
	data := []byte(`{"SecurityGroups": [{"GroupId": "sg-903004f8", "GroupName": "MySecurityGroup",
	  "VpcId": "vpc-1a2b3c4d", "OwnerId": "123456789012",
	  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
	    "IpRanges": [{"CidrIp": "203.0.113.0/24", "Description": "Access from NY office"}],
	    "UserIdGroupPairs": [{"GroupId": "sg-903004f8", "UserId": "123456789012"}]}],
	  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}`)
	groups, err := aws.ParseSecurityGroups(data)
	if err != nil {
		panic(err)
	}
	for _, r := range groups[0].Rules {
		fmt.Println(r)
	}

	_, err = aws.ParseSecurityGroups([]byte(`{"SecurityGroups": [{"GroupId": "sg-1",
	  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/33"}]}]}]}`))
	fmt.Println(err)
	// Output:
	// allows tcp/22 from 203.0.113.0/24
	// allows tcp/22 from sg-903004f8
	// allows all traffic to 0.0.0.0/0
	// SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp (sg-1): "10.0.0.0/33": invalid security group rule: not a CIDR block: netip.ParsePrefix("10.0.0.0/33"): prefix length out of range
}

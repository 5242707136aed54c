package aws_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/reachsim/reachsim/aws"

	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
)

// The generated dump of BenchmarkLoadAWS: one VPC of 50 subnets, each
// with its own network ACL and route table, 1,000 running instances of one
// interface each (20 per subnet), 500 security groups of 8 rules (CIDRs
// and references to other groups), each interface in one to three groups;
// every command's output as the AWS CLI prints it (indented), interfaces in
// both describe-instances and describe-network-interfaces, groups in both
// describe-security-groups and describe-security-group-rules.
const (
	benchSubnets = 50
	benchIfaces  = 1000
	benchGroups  = 500
)

var benchDump = sync.OnceValue(func() fstest.MapFS {
	const vpc, owner = "vpc-0bench000000000001", "111122223333"
	sgID := func(g int) string { return fmt.Sprintf("sg-%017x", g+1) }
	subnetID := func(s int) string { return fmt.Sprintf("subnet-%017x", s+1) }
	tags := func(name string) []any { return []any{map[string]any{"Key": "Name", "Value": name}} }
	fsys := fstest.MapFS{}
	put := func(name string, doc any) {
		data, err := json.MarshalIndent(doc, "", "    ")
		if err != nil {
			panic(err)
		}
		fsys["dump/"+name] = &fstest.MapFile{Data: data}
	}
	put("vpcs.json", map[string]any{"Vpcs": []any{map[string]any{"VpcId": vpc, "CidrBlock": "10.0.0.0/16", "State": "available", "OwnerId": owner,
		"CidrBlockAssociationSet": []any{map[string]any{"CidrBlock": "10.0.0.0/16", "CidrBlockState": map[string]any{"State": "associated"}}}, "Tags": tags("bench")}}})
	var subnets, acls, tables []any
	aclDefault := map[string]any{"NetworkAclId": "acl-0bench0000000000", "VpcId": vpc, "IsDefault": true, "Associations": []any{}, "Entries": []any{
		map[string]any{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
		map[string]any{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
		map[string]any{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
		map[string]any{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"}}}
	acls = append(acls, aclDefault)
	tables = append(tables, map[string]any{"RouteTableId": "rtb-0bench0000000000", "VpcId": vpc, "Tags": tags("main"),
		"Associations": []any{map[string]any{"Main": true, "RouteTableId": "rtb-0bench0000000000", "AssociationState": map[string]any{"State": "associated"}}},
		"Routes":       []any{map[string]any{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}}})
	for s := range benchSubnets {
		id := subnetID(s)
		subnets = append(subnets, map[string]any{"SubnetId": id, "VpcId": vpc, "CidrBlock": fmt.Sprintf("10.0.%d.0/24", s), "State": "available",
			"AvailabilityZone": "us-east-1a", "Tags": tags(fmt.Sprintf("bench-%d", s))})
		var entries []any
		for n := range 10 {
			entries = append(entries,
				map[string]any{"RuleNumber": 100 + 10*n, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": fmt.Sprintf("10.0.%d.0/24", (s+n)%benchSubnets), "PortRange": map[string]any{"From": 1024 + n, "To": 65535}},
				map[string]any{"RuleNumber": 100 + 10*n, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": fmt.Sprintf("10.0.%d.0/24", (s+n)%benchSubnets)})
		}
		acls = append(acls, map[string]any{"NetworkAclId": fmt.Sprintf("acl-%017x", s+1), "VpcId": vpc, "IsDefault": false, "Entries": entries,
			"Associations": []any{map[string]any{"NetworkAclAssociationId": fmt.Sprintf("aclassoc-%017x", s+1), "NetworkAclId": fmt.Sprintf("acl-%017x", s+1), "SubnetId": id}}})
		rtb := fmt.Sprintf("rtb-%017x", s+1)
		tables = append(tables, map[string]any{"RouteTableId": rtb, "VpcId": vpc, "Tags": tags(fmt.Sprintf("bench-%d", s)),
			"Associations": []any{map[string]any{"Main": false, "RouteTableId": rtb, "SubnetId": id, "AssociationState": map[string]any{"State": "associated"}}},
			"Routes": []any{
				map[string]any{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
				map[string]any{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0bench000000000001", "Origin": "CreateRoute", "State": "active"},
				map[string]any{"DestinationCidrBlock": "172.16.0.0/12", "NetworkInterfaceId": "eni-00000000000000001", "Origin": "CreateRoute", "State": "active"}}})
	}
	put("subnets.json", map[string]any{"Subnets": subnets})
	put("network-acls.json", map[string]any{"NetworkAcls": acls})
	put("route-tables.json", map[string]any{"RouteTables": tables})
	put("internet-gateways.json", map[string]any{"InternetGateways": []any{map[string]any{"InternetGatewayId": "igw-0bench000000000001",
		"Attachments": []any{map[string]any{"State": "available", "VpcId": vpc}}}}})

	var groups, rules []any
	for g := range benchGroups {
		var in, rin []any
		for r := range 6 {
			if r%3 == 2 {
				ref := sgID((g + r*37) % benchGroups)
				in = append(in, map[string]any{"IpProtocol": "tcp", "FromPort": 8000 + r, "ToPort": 8000 + r, "IpRanges": []any{}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{},
					"UserIdGroupPairs": []any{map[string]any{"GroupId": ref, "UserId": owner}}})
				rin = append(rin, map[string]any{"ReferencedGroupInfo": map[string]any{"GroupId": ref, "UserId": owner}, "FromPort": 8000 + r, "ToPort": 8000 + r})
				continue
			}
			cidr := fmt.Sprintf("10.%d.%d.0/24", r, g%256)
			in = append(in, map[string]any{"IpProtocol": "tcp", "FromPort": 22 + r, "ToPort": 22 + r, "IpRanges": []any{map[string]any{"CidrIp": cidr}},
				"Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}})
			rin = append(rin, map[string]any{"CidrIpv4": cidr, "FromPort": 22 + r, "ToPort": 22 + r})
		}
		out := []any{
			map[string]any{"IpProtocol": "-1", "IpRanges": []any{map[string]any{"CidrIp": "0.0.0.0/0"}}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}},
			map[string]any{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": []any{map[string]any{"CidrIp": "10.0.0.2/32"}}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}},
		}
		groups = append(groups, map[string]any{"GroupId": sgID(g), "GroupName": fmt.Sprintf("bench-%d", g), "Description": "bench", "VpcId": vpc, "OwnerId": owner,
			"IpPermissions": in, "IpPermissionsEgress": out})
		for r, rule := range rin {
			m := rule.(map[string]any)
			m["SecurityGroupRuleId"], m["GroupId"], m["GroupOwnerId"], m["IsEgress"], m["IpProtocol"] = fmt.Sprintf("sgr-%08x%08x0", g, r), sgID(g), owner, false, "tcp"
			rules = append(rules, m)
		}
		rules = append(rules,
			map[string]any{"SecurityGroupRuleId": fmt.Sprintf("sgr-%08x%08x1", g, 100), "GroupId": sgID(g), "GroupOwnerId": owner, "IsEgress": true, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"},
			map[string]any{"SecurityGroupRuleId": fmt.Sprintf("sgr-%08x%08x1", g, 101), "GroupId": sgID(g), "GroupOwnerId": owner, "IsEgress": true, "IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "CidrIpv4": "10.0.0.2/32"})
	}
	put("security-groups.json", map[string]any{"SecurityGroups": groups})
	put("security-group-rules.json", map[string]any{"SecurityGroupRules": rules})

	var enis, reservations []any
	for i := range benchIfaces {
		s := i % benchSubnets
		ip := fmt.Sprintf("10.0.%d.%d", s, 10+i/benchSubnets)
		var gs []any
		for k := range 1 + i%3 {
			gs = append(gs, map[string]any{"GroupId": sgID((i*7 + k*131) % benchGroups), "GroupName": "bench"})
		}
		eni := fmt.Sprintf("eni-%017x", i+1)
		inst := fmt.Sprintf("i-%017x", i+1)
		ni := map[string]any{"NetworkInterfaceId": eni, "SubnetId": subnetID(s), "VpcId": vpc, "Status": "in-use", "InterfaceType": "interface",
			"PrivateIpAddress": ip, "PrivateIpAddresses": []any{map[string]any{"Primary": true, "PrivateIpAddress": ip}}, "Ipv6Addresses": []any{},
			"Groups": gs, "SourceDestCheck": i != 0,
			"Attachment": map[string]any{"InstanceId": inst, "DeviceIndex": 0, "Status": "attached", "AttachmentId": "eni-attach-" + eni[4:]}}
		enis = append(enis, ni)
		reservations = append(reservations, map[string]any{"ReservationId": fmt.Sprintf("r-%017x", i+1), "OwnerId": owner, "Groups": []any{},
			"Instances": []any{map[string]any{"InstanceId": inst, "State": map[string]any{"Code": 16, "Name": "running"}, "SubnetId": subnetID(s), "VpcId": vpc,
				"PrivateIpAddress": ip, "Tags": tags(fmt.Sprintf("host-%d", i)), "NetworkInterfaces": []any{ni}}}})
	}
	put("network-interfaces.json", map[string]any{"NetworkInterfaces": enis})
	put("instances.json", map[string]any{"Reservations": reservations})
	return fsys
})

func TestBenchDumpLoads(t *testing.T) {
	m, rep, err := aws.LoadFS(benchDump(), "dump")
	require.NoError(t, err)
	require.Empty(t, rep.Warnings)
	require.Equal(t, benchIfaces, rep.Counts["network-interfaces"])
	require.Equal(t, benchGroups, rep.Counts["security-groups"])
	_, err = m.Check(reach.Query{From: "host-1", To: "host-2", Protocol: 6, Port: 8002})
	require.NoError(t, err)
}

func BenchmarkLoad(b *testing.B) {
	fsys := benchDump()
	size := 0
	for _, f := range fsys {
		size += len(f.Data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := aws.LoadFS(fsys, "dump"); err != nil {
			b.Fatal(err)
		}
	}
}

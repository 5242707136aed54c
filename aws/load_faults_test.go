package aws_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/firewall/suricata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// What Load says about the sample dump edited: what it leaves out (with
// a warning) and what it refuses (naming the file and JSON path).

// sampleEdit is a change to the sample dump.
type sampleEdit func(t testing.TB, fsys fstest.MapFS)

func editFile(name string, edit func(doc map[string]any)) sampleEdit {
	return func(t testing.TB, fsys fstest.MapFS) { loadEdit(t, fsys, name, edit) }
}

func setFile(name, content string) sampleEdit {
	return func(_ testing.TB, fsys fstest.MapFS) { fsys[name] = &fstest.MapFile{Data: []byte(content)} }
}

func removeFile(name string) sampleEdit {
	return func(_ testing.TB, fsys fstest.MapFS) { delete(fsys, name) }
}

func TestLoadWarnsAboutWhatItLeavesOut(t *testing.T) {
	tests := []struct {
		name  string
		edits []sampleEdit
		warn  string
		check func(t *testing.T, m *reach.Model)
	}{
		{"an unknown top-level key", []sampleEdit{editFile("aws/vpcs.json", func(doc map[string]any) {
			doc["ResponseMetadata"] = map[string]any{"RequestId": "0e9f"}
		})}, `aws/vpcs.json: unknown top-level key(s) "ResponseMetadata" ignored`, nil},
		{"a NextToken: a page is missing", []sampleEdit{editFile("aws/subnets.json", func(doc map[string]any) {
			doc["NextToken"] = "eyJ2IjoxfQ=="
		})}, `aws/subnets.json: NextToken: NextToken is set: this is one page`, nil},
		{"a stopped instance", []sampleEdit{editFile("aws/instances.json", func(doc map[string]any) {
			loadObj(doc, "Reservations", 0, "Instances", 0)["State"] = map[string]any{"Code": 80, "Name": "stopped"}
		})}, `aws/instances.json: Reservations[0].Instances[0]: instance i-db1 (db-1) is stopped: left out (only running instances are modelled)`,
			func(t *testing.T, m *reach.Model) {
				// not modelled, but named: the certain drop naming its interface
				r, err := m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432})
				require.NoError(t, err)
				assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
				assert.Contains(t, r.Text(), "which delivers it to no host")
			}},
		{"a route to a transit gateway", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"DestinationCidrBlock": "172.16.0.0/12", "TransitGatewayId": "tgw-0a1b2c3d4e5f60718", "Origin": "CreateRoute", "State": "active"}`),
				"RouteTables", 1, "Routes")
		})}, `aws/route-tables.json: RouteTables[1].Routes[3]: route 172.16.0.0/12 -> tgw-0a1b2c3d4e5f60718 (transit gateway) of rtb-private: transit gateway tgw-0a1b2c3d4e5f60718 is not in the input (add the output of aws ec2 describe-transit-gateways,`,
			func(t *testing.T, m *reach.Model) {
				r, err := m.Check(reach.Query{From: "app-1", To: "172.16.0.1", Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, "172.16.0.0/12 via tgw-0a1b2c3d4e5f60718", r.Forward[1].Rule)
				assert.Equal(t, reach.Indeterminate, r.Outcome)
			}},
		{"a route to a virtual private gateway beside the default route", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"DestinationCidrBlock": "198.51.100.0/24", "GatewayId": "vgw-0a1b", "Origin": "CreateRoute", "State": "active"}`),
				"RouteTables", 1, "Routes")
		})}, `aws/route-tables.json: RouteTables[1].Routes[3]: route 198.51.100.0/24 -> vgw-0a1b (virtual private gateway) of rtb-private: reachsim does not model VPN; queries it routes are indeterminate`,
			func(t *testing.T, m *reach.Model) {
				r, err := m.Check(reach.Query{From: "app-1", To: "198.51.100.7", Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, reach.Indeterminate, r.Outcome, "not reachable through the NAT gateway: %s", r.Text())
				assert.Equal(t, []reach.Code{reach.UnmodelledTarget}, r.Codes())
			}},
		{"a rule referencing a group in a peered VPC", []sampleEdit{editFile("aws/security-group-rules.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"SecurityGroupRuleId": "sgr-db-peer", "GroupId": "sg-db", "GroupOwnerId": "111122223333", "IsEgress": false,
				"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "ReferencedGroupInfo": {"GroupId": "sg-0peer", "UserId": "444455556666", "VpcId": "vpc-peer", "VpcPeeringConnectionId": "pcx-1"}}`),
				"SecurityGroupRules")
		}), editFile("aws/security-groups.json", func(doc map[string]any) {
			for _, g := range doc["SecurityGroups"].([]any) {
				if g := g.(map[string]any); g["GroupId"] == "sg-db" {
					g["IpPermissions"] = append(g["IpPermissions"].([]any), loadJSON(`{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
						"UserIdGroupPairs": [{"GroupId": "sg-0peer", "UserId": "444455556666", "VpcId": "vpc-peer", "VpcPeeringConnectionId": "pcx-1"}], "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []}`))
				}
			}
		})}, `aws/security-group-rules.json: SecurityGroupRules[9]: security group sg-0peer (referenced by sg-db rule sgr-db-peer allows tcp/5432 from sg-0peer) is not in the input`,
			func(t *testing.T, m *reach.Model) {
				assert.Equal(t, []string{"sg-0peer"}, m.UnresolvedGroups())
				r, err := m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432, SrcPort: 30000})
				require.NoError(t, err)
				assert.True(t, r.Reachable, "another rule allows app-1, a member of the design: %s", r.Text())
			}},
		{"a blackhole route to a transit gateway is kept as a blackhole", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"DestinationCidrBlock": "172.16.0.0/12", "TransitGatewayId": "tgw-0a1b2c3d4e5f60718", "Origin": "CreateRoute", "State": "blackhole"}`),
				"RouteTables", 1, "Routes")
		})}, ``,
			func(t *testing.T, m *reach.Model) {
				r, err := m.Check(reach.Query{From: "app-1", To: "172.16.0.1", Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, []reach.Code{reach.BlackholeRoute}, r.Codes())
			}},
		{"a NAT gateway that is not available", []sampleEdit{
			editFile("aws/gateways.json", func(doc map[string]any) { loadObj(doc, "NatGateways", 0)["State"] = "deleting" }),
			editFile("aws/route-tables.json", func(doc map[string]any) {
				loadRemove(doc, func(r map[string]any) bool { return r["NatGatewayId"] != nil }, "RouteTables", 1, "Routes")
			})}, `aws/gateways.json: NatGateways[0]: NAT gateway nat-demo is "deleting", not available: left out`, nil},
		{"a VPC endpoint route by a prefix list in the input", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-0s3gateway", "Origin": "CreateRoute", "State": "active"}`),
				"RouteTables", 1, "Routes")
		}), func(t testing.TB, fsys fstest.MapFS) {
			fsys["aws/pl-63a5400a.json"] = &fstest.MapFile{Data: []byte(`{"PrefixLists": [{"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "AddressFamily": "IPv4", "MaxEntries": 1, "State": "create-complete"}], "Entries": [{"Cidr": "52.216.0.0/15"}]}`)}
		}}, `aws/route-tables.json: RouteTables[1].Routes[3]: route pl-63a5400a -> vpce-0s3gateway (VPC endpoint) of rtb-private: it is no Network Firewall endpoint`,
			func(t *testing.T, m *reach.Model) {
				r, err := m.Check(reach.Query{From: "app-1", To: "52.216.1.1", Protocol: flow.TCP, Port: 443})
				require.NoError(t, err)
				assert.Equal(t, reach.Indeterminate, r.Outcome, "S3 through a gateway endpoint, never through the NAT gateway: %s", r.Text())
			}},
		{"an edge association with a virtual private gateway", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"Main": false, "RouteTableAssociationId": "rtbassoc-0vgw", "RouteTableId": "rtb-edge", "GatewayId": "vgw-0a1b", "AssociationState": {"State": "associated"}}`),
				"RouteTables", 2, "Associations")
		})}, `aws/route-tables.json: RouteTables[2].Associations[1]: edge association of rtb-edge with vgw-0a1b left out`, nil},
		{"the two interface files disagree", []sampleEdit{editFile("aws/instances.json", func(doc map[string]any) {
			loadObj(doc, "Reservations", 0, "Instances", 1, "NetworkInterfaces", 0, "Groups", 0)["GroupId"] = "sg-web"
		})}, `aws/network-interfaces.json: NetworkInterfaces[0]: network interface eni-app1: the security groups differs from aws/instances.json: Reservations[0].Instances[1].NetworkInterfaces[0]; using describe-network-interfaces`, nil},
		{"a detached internet gateway", []sampleEdit{editFile("aws/gateways.json", func(doc map[string]any) {
			loadAppend(doc, loadJSON(`{"Attachments": [{"State": "detached", "VpcId": "vpc-demo"}], "InternetGatewayId": "igw-old"}`), "InternetGateways")
		})}, `aws/gateways.json: InternetGateways[1].Attachments[0]: internet gateway igw-old is detached to vpc-demo: left out`, nil},
		{"a firewall policy no firewall uses", []sampleEdit{func(t testing.TB, fsys fstest.MapFS) {
			fsys["aws/old-policy.json"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(fsys["aws/firewall-policy.json"].Data), "demo-policy", "old-policy"))}
		}}, `aws/old-policy.json: FirewallPolicy: firewall policy old-policy is used by no firewall in the input: left out`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			for _, e := range tt.edits {
				e(t, fsys)
			}
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			if tt.warn == "" {
				assert.Empty(t, rep.Warnings)
			} else {
				require.Len(t, rep.Warnings, 1, "%q", rep.Warnings)
				assert.True(t, strings.HasPrefix(rep.Warnings[0], tt.warn), "got  %s\nwant %s…", rep.Warnings[0], tt.warn)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

func TestLoadErrorsNameTheFileAndPath(t *testing.T) {
	dropGroup := func(id string) []sampleEdit {
		return []sampleEdit{
			editFile("aws/security-groups.json", func(doc map[string]any) {
				loadRemove(doc, func(g map[string]any) bool { return g["GroupId"] == id }, "SecurityGroups")
			}),
			editFile("aws/security-group-rules.json", func(doc map[string]any) {
				loadRemove(doc, func(r map[string]any) bool { return r["GroupId"] == id }, "SecurityGroupRules")
			}),
		}
	}
	tests := []struct {
		name     string
		edits    []sampleEdit
		sentinel error
		want     []string // every error, in order
	}{
		{"an interface's security group is not in the input", dropGroup("sg-db"), reach.ErrTopology, []string{
			`aws/network-interfaces.json: NetworkInterfaces[4].Groups[0].GroupId (eni-db1): "sg-db": invalid topology: unknown security group`,
		}},
		{"an interface's group that rules reference is not in the input: only the interface's reference is an error", dropGroup("sg-web"), reach.ErrTopology, []string{
			`aws/network-interfaces.json: NetworkInterfaces[2].Groups[0].GroupId (eni-web1): "sg-web": invalid topology: unknown security group`,
		}},
		{"subnets whose VPC is not in the input", []sampleEdit{removeFile("aws/vpcs.json"), removeFile("aws/route-tables.json"),
			removeFile("aws/network-acls.json"), removeFile("aws/security-groups.json"), removeFile("aws/gateways.json"),
			removeFile("aws/firewall.json")}, reach.ErrTopology, []string{
			`aws/subnets.json: Subnets[0].VpcId (subnet-app): "vpc-demo": invalid topology: unknown VPC`,
			`aws/subnets.json: Subnets[2].VpcId (subnet-db): "vpc-demo": invalid topology: unknown VPC`,
			`aws/subnets.json: Subnets[3].VpcId (subnet-fw): "vpc-demo": invalid topology: unknown VPC`,
			`aws/subnets.json: Subnets[1].VpcId (subnet-public): "vpc-demo": invalid topology: unknown VPC`,
			`aws/network-interfaces.json: NetworkInterfaces[0].SubnetId (eni-app1): "subnet-app": invalid topology: unknown subnet`,
			`aws/network-interfaces.json: NetworkInterfaces[4].SubnetId (eni-db1): "subnet-db": invalid topology: unknown subnet`,
			`aws/network-interfaces.json: NetworkInterfaces[2].SubnetId (eni-web1): "subnet-public": invalid topology: unknown subnet`,
		}},
		{"a route to a NAT gateway that is not in the input", []sampleEdit{editFile("aws/gateways.json", func(doc map[string]any) {
			delete(doc, "NatGateways")
		})}, reach.ErrTopology, []string{
			`aws/route-tables.json: RouteTables[1].Routes[2].NatGatewayId (rtb-private): "nat-demo": invalid topology: no NAT gateway nat-demo in vpc-demo`,
		}},
		{"a route table associated with a subnet that is not in the input", []sampleEdit{editFile("aws/subnets.json", func(doc map[string]any) {
			loadRemove(doc, func(s map[string]any) bool { return s["SubnetId"] == "subnet-fw" }, "Subnets")
		}), removeFile("aws/firewall.json"), removeFile("aws/firewall-policy.json"), removeFile("aws/rule-group-inbound-web.json"),
			removeFile("aws/rule-group-egress-domains.json"), editFile("aws/route-tables.json", func(doc map[string]any) {
				for i := range 4 {
					loadRemove(doc, func(r map[string]any) bool { g, _ := r["GatewayId"].(string); return strings.HasPrefix(g, "vpce-") }, "RouteTables", i, "Routes")
				}
			})}, reach.ErrTopology, []string{
			`aws/route-tables.json: RouteTables[3].Associations[0].SubnetId (rtb-fw): "subnet-fw": invalid topology: unknown subnet: it is not in the input (add the output of aws ec2 describe-subnets)`,
			`aws/network-acls.json: NetworkAcls[1].Associations[0].SubnetId (acl-default): "subnet-fw": invalid topology: unknown subnet: it is not in the input (add the output of aws ec2 describe-subnets)`,
		}},
		{"the firewall's policy is not in the input", []sampleEdit{removeFile("aws/firewall-policy.json")}, firewall.ErrUnresolved, []string{
			`aws/firewall.json: Firewall.FirewallPolicyArn (demo-firewall): "arn:aws:network-firewall:us-east-1:111122223333:firewall-policy/demo-policy": unresolved reference: the firewall's policy is not in the input (add aws network-firewall describe-firewall-policy --firewall-policy-arn arn:aws:network-firewall:us-east-1:111122223333:firewall-policy/demo-policy --output json)`,
		}},
		{"a rule group of the policy is not in the input", []sampleEdit{removeFile("aws/rule-group-egress-domains.json")}, firewall.ErrUnresolved, []string{
			`aws/firewall-policy.json: FirewallPolicy.StatefulRuleGroupReferences[1].ResourceArn (demo-policy): "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/egress-domains": unresolved reference: no stateful rule group with this ARN was loaded (add aws network-firewall describe-rule-group --rule-group-arn arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/egress-domains --output json to the input)`,
		}},
		{"malformed JSON", []sampleEdit{setFile("aws/vpcs.json", `{"Vpcs": [{"VpcId": "vpc-demo", "CidrBlock": "10.0.0.0/16"`)}, flow.ErrJSON, []string{
			`aws/vpcs.json: Vpcs[0]: ": \"vpc-demo\", \"CidrBlock\": \"10.0.0.0/16\"": malformed JSON: unexpected end of JSON input (line 1, column 59)`,
		}},
		{"a string where a list belongs", []sampleEdit{setFile("aws/vpcs.json", `{"Vpcs": "vpc-demo"}`)}, flow.ErrJSON, []string{
			`aws/vpcs.json: Vpcs: "\"vpc-demo\"": malformed JSON: a JSON string where a list was expected`,
		}},
		{"a number where an ID belongs", []sampleEdit{editFile("aws/subnets.json", func(doc map[string]any) {
			loadObj(doc, "Subnets", 2)["VpcId"] = 7
		})}, flow.ErrJSON, []string{
			`aws/subnets.json: Subnets[2].VpcId: "7": malformed JSON: a JSON number where a string was expected`,
		}},
		{"a bad address", []sampleEdit{editFile("aws/network-interfaces.json", func(doc map[string]any) {
			loadObj(doc, "NetworkInterfaces", 2, "Ipv6Addresses", 0)["Ipv6Address"] = "2001:db8:10:1::g"
		})}, aws.ErrInvalidDump, []string{
			`aws/network-interfaces.json: NetworkInterfaces[2].Ipv6Addresses[0].Ipv6Address (eni-web1): "2001:db8:10:1::g": invalid AWS CLI output: not an IP address`,
		}},
		{"a missing required field", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			delete(loadObj(doc, "RouteTables", 2), "VpcId")
		})}, aws.ErrInvalidDump, []string{
			`aws/route-tables.json: RouteTables[2].VpcId (rtb-edge): invalid AWS CLI output: VpcId is missing`,
		}},
		{"a fault the security group parser finds", []sampleEdit{editFile("aws/security-group-rules.json", func(doc map[string]any) {
			loadObj(doc, "SecurityGroupRules", 5)["FromPort"] = 70000
		})}, nil, []string{
			`aws/security-group-rules.json: SecurityGroupRules[5].FromPort (sg-web rule sgr-web-ssh): "70000"`,
		}},
		{"a fault the network ACL parser finds", []sampleEdit{editFile("aws/network-acls.json", func(doc map[string]any) {
			loadObj(doc, "NetworkAcls", 2, "Entries", 0)["RuleAction"] = "maybe"
		})}, nil, []string{
			`aws/network-acls.json: NetworkAcls[2].Entries[0].RuleAction (acl-db rule 100): "maybe": invalid network ACL entry: action "maybe": want allow or deny`,
		}},
		{"a malformed value deep inside describe-instances", []sampleEdit{editFile("aws/instances.json", func(doc map[string]any) {
			loadObj(doc, "Reservations", 0, "Instances", 1, "NetworkInterfaces", 0)["SubnetId"] = false
		})}, flow.ErrJSON, []string{
			`aws/instances.json: Reservations[0].Instances[1].NetworkInterfaces[0].SubnetId: `,
		}},
		{"a malformed route", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadObj(doc, "RouteTables", 1, "Routes", 2)["DestinationCidrBlock"] = []any{"0.0.0.0/0"}
		})}, flow.ErrJSON, []string{
			`aws/route-tables.json: RouteTables[1].Routes[2].DestinationCidrBlock: `,
		}},
		{"a route's CIDR that is not one", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadObj(doc, "RouteTables", 1, "Routes", 2)["DestinationCidrBlock"] = "0.0.0.0/33"
		})}, aws.ErrInvalidDump, []string{
			`aws/route-tables.json: RouteTables[1].Routes[2].DestinationCidrBlock (rtb-private): "0.0.0.0/33": invalid AWS CLI output: not a CIDR block`,
		}},
		{"an address outside the interface's subnet", []sampleEdit{
			editFile("aws/network-interfaces.json", func(doc map[string]any) {
				loadObj(doc, "NetworkInterfaces", 0, "PrivateIpAddresses", 0)["PrivateIpAddress"] = "10.0.9.9"
				loadObj(doc, "NetworkInterfaces", 0)["PrivateIpAddress"] = "10.0.9.9"
			}),
			editFile("aws/instances.json", func(doc map[string]any) {
				loadObj(doc, "Reservations", 0, "Instances", 1, "NetworkInterfaces", 0, "PrivateIpAddresses", 0)["PrivateIpAddress"] = "10.0.9.9"
				loadObj(doc, "Reservations", 0, "Instances", 1, "NetworkInterfaces", 0)["PrivateIpAddress"] = "10.0.9.9"
			})}, reach.ErrTopology, []string{
			`aws/network-interfaces.json: NetworkInterfaces[0].PrivateIpAddresses[0].PrivateIpAddress (eni-app1): "10.0.9.9": invalid topology: outside subnet subnet-app (10.0.2.0/24)`,
		}},
		{"an interface without addresses", []sampleEdit{
			editFile("aws/network-interfaces.json", func(doc map[string]any) {
				loadObj(doc, "NetworkInterfaces", 4)["PrivateIpAddresses"] = []any{}
				delete(loadObj(doc, "NetworkInterfaces", 4), "PrivateIpAddress")
			}),
			editFile("aws/instances.json", func(doc map[string]any) {
				loadObj(doc, "Reservations", 0, "Instances", 0, "NetworkInterfaces", 0)["PrivateIpAddresses"] = []any{}
				delete(loadObj(doc, "Reservations", 0, "Instances", 0, "NetworkInterfaces", 0), "PrivateIpAddress")
			})}, reach.ErrTopology, []string{
			`aws/network-interfaces.json: NetworkInterfaces[4] (eni-db1): invalid topology: an interface needs a private address`,
		}},
		{"a Suricata rule the firewall parser rejects", []sampleEdit{editFile("aws/rule-group-inbound-web.json", func(doc map[string]any) {
			loadObj(doc, "RuleGroup", "RulesSource")["RulesString"] = "pass tcp any any -> nowhere 443 (sid:10;)"
		})}, suricata.ErrSyntax, []string{
			`aws/rule-group-inbound-web.json: RuleGroup.RulesSource.RulesString`,
		}},
		{"a resource listed in two files", []sampleEdit{func(_ testing.TB, fsys fstest.MapFS) {
			fsys["aws/vpcs-again.json"] = fsys["aws/vpcs.json"]
		}}, aws.ErrInvalidDump, []string{
			`aws/vpcs.json: Vpcs[0].VpcId (vpc-demo): "vpc-demo": invalid AWS CLI output: VPC vpc-demo is listed twice (first at aws/vpcs-again.json: Vpcs[0].VpcId)`,
		}},
		{"two main route tables", []sampleEdit{editFile("aws/route-tables.json", func(doc map[string]any) {
			loadObj(doc, "RouteTables", 0, "Associations", 0)["Main"] = true
		})}, aws.ErrInvalidDump, []string{
			`aws/route-tables.json: RouteTables[1].Associations[0].Main (rtb-private): "rtb-private": invalid AWS CLI output: vpc-demo has two main route tables, rtb-public (aws/route-tables.json: RouteTables[0].Associations[0].Main) and rtb-private`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			for _, e := range tt.edits {
				e(t, fsys)
			}
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.Error(t, err)
			assert.Nil(t, m)
			assert.NotNil(t, rep)
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			faults := loadFaults(t, err)
			require.Len(t, faults, len(tt.want), "%v", err)
			for i, f := range faults {
				assert.True(t, strings.HasPrefix(f.Error(), tt.want[i]), "got  %s\nwant %s…", f.Error(), tt.want[i])
				assert.NotEmpty(t, f.File)
			}
		})
	}
}

package aws_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
)

// loadDirFS reads aws/testdata/dir into a MapFS, under aws/.
func loadDirFS(t testing.TB, dir string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		fsys["aws/"+filepath.Base(f)] = &fstest.MapFile{Data: data}
	}
	return fsys
}

// unknownKeyWarnings are the warnings of rep that name an unknown key
// inside an element.
func unknownKeyWarnings(rep *aws.Report) []string {
	var out []string
	if rep == nil {
		return nil
	}
	for _, w := range rep.Warnings {
		if strings.Contains(w, "unknown key ") {
			out = append(out, w)
		}
	}
	return out
}

// The element types the first check left out (egress-only IGWs, VPC
// endpoints, peerings, Elastic IPs, prefix lists and their entries, Block
// Public Access, transit gateways and their attachments, route tables,
// routes, associations and propagations, and the Network Firewall
// documents) warn of a key their API shape does not have, with its file
// and JSON path; before, such a key was dropped without a word.
func TestLoadWarnsOfUnknownKeysInOtherElements(t *testing.T) {
	const tail = ` ignored: the AWS API has no such member here`
	uk := func(file, path, key string) string {
		return "aws/" + file + ": " + path + `: unknown key "` + key + `"` + tail
	}
	tests := []struct {
		name string
		fsys func(t *testing.T) fstest.MapFS
		want []string
	}{
		{"egress-only internet gateways and VPC endpoints", func(t *testing.T) fstest.MapFS {
			fsys := loadDirFS(t, "gateways")
			loadEdit(t, fsys, "aws/egress-only-internet-gateways.json", func(doc map[string]any) {
				loadObj(doc, "EgressOnlyInternetGateways", 0)["Bogus"] = 1
				loadObj(doc, "EgressOnlyInternetGateways", 0, "Attachments", 0)["Vpc_Id"] = "vpc-0g"
			})
			loadEdit(t, fsys, "aws/vpc-endpoints.json", func(doc map[string]any) {
				loadObj(doc, "VpcEndpoints", 0)["RouteTableId"] = "rtb-x"
			})
			return fsys
		}, []string{uk("egress-only-internet-gateways.json", "EgressOnlyInternetGateways[0]", "Bogus"),
			uk("egress-only-internet-gateways.json", "EgressOnlyInternetGateways[0].Attachments[0]", "Vpc_Id"),
			uk("vpc-endpoints.json", "VpcEndpoints[0]", "RouteTableId")}},
		{"prefix lists and their entries", func(t *testing.T) fstest.MapFS {
			fsys := loadDirFS(t, "shop")
			loadEdit(t, fsys, "aws/prefix-lists.json", func(doc map[string]any) { loadObj(doc, "PrefixLists", 0)["Bogus"] = 1 })
			loadEdit(t, fsys, "aws/pl-6da54004.json", func(doc map[string]any) { loadObj(doc, "Entries", 0)["CidrBlock"] = "10.0.0.0/8" })
			return fsys
		}, []string{uk("prefix-lists.json", "PrefixLists[0]", "Bogus"), uk("pl-6da54004.json", "Entries[0]", "CidrBlock")}},
		{"a peering's VPC info", func(t *testing.T) fstest.MapFS {
			fsys := loadDirFS(t, "peering")
			loadEdit(t, fsys, "aws/vpc-peering-connections.json", func(doc map[string]any) {
				loadObj(doc, "VpcPeeringConnections", 0, "RequesterVpcInfo")["CidrBlocks"] = []any{}
			})
			return fsys
		}, []string{uk("vpc-peering-connections.json", "VpcPeeringConnections[0].RequesterVpcInfo", "CidrBlocks")}},
		{"Elastic IPs and Block Public Access", func(t *testing.T) fstest.MapFS {
			fsys := loadSampleFS(t)
			fsys["aws/addresses.json"] = &fstest.MapFile{Data: []byte(`{"Addresses": [
				{"PublicIp": "198.51.100.7", "AllocationId": "eipalloc-1", "Domain": "vpc", "NetworkBorderGroup": "us-east-1", "Bogus": 1}]}`)}
			fsys["aws/bpa.json"] = &fstest.MapFile{Data: []byte(`{
				"VpcBlockPublicAccessOptions": {"AwsAccountId": "111122223333", "AwsRegion": "us-east-1", "State": "default-state",
					"InternetGatewayBlockMode": "off", "ExclusionsAllowed": "allowed", "Mode": "off"},
				"VpcBlockPublicAccessExclusions": [{"ExclusionId": "vpcbpa-exclude-1", "InternetGatewayExclusionMode": "allow-egress",
					"ResourceArn": "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-demo", "State": "create-complete", "Tags": [], "Bogus": 1}]}`)}
			return fsys
		}, []string{uk("addresses.json", "Addresses[0]", "Bogus"), uk("bpa.json", "VpcBlockPublicAccessOptions", "Mode"),
			uk("bpa.json", "VpcBlockPublicAccessExclusions[0]", "Bogus")}},
		{"transit gateways, attachments, route tables, routes, associations and propagations", func(t *testing.T) fstest.MapFS {
			fsys := loadDirFS(t, "tgw")
			loadEdit(t, fsys, "aws/transit-gateways.json", func(doc map[string]any) {
				loadObj(doc, "TransitGateways", 0, "Options")["Bogus"] = 1
				loadObj(doc, "TransitGatewayAttachments", 0)["Bogus"] = 1
				loadObj(doc, "TransitGatewayVpcAttachments", 0)["Bogus"] = 1
				loadObj(doc, "TransitGatewayRouteTables", 0)["Bogus"] = 1
			})
			loadEdit(t, fsys, "aws/tgw-rtb-main.json", func(doc map[string]any) {
				loadObj(doc, "Routes", 0)["Bogus"] = 1
				loadObj(doc, "Routes", 0, "TransitGatewayAttachments", 0)["Bogus"] = 1
				loadObj(doc, "Associations", 0)["Bogus"] = 1
				loadObj(doc, "TransitGatewayRouteTablePropagations", 0)["Bogus"] = 1
			})
			return fsys
		}, []string{uk("transit-gateways.json", "TransitGateways[0].Options", "Bogus"),
			uk("transit-gateways.json", "TransitGatewayAttachments[0]", "Bogus"),
			uk("transit-gateways.json", "TransitGatewayVpcAttachments[0]", "Bogus"),
			uk("transit-gateways.json", "TransitGatewayRouteTables[0]", "Bogus"),
			uk("tgw-rtb-main.json", "Routes[0]", "Bogus"),
			uk("tgw-rtb-main.json", "Routes[0].TransitGatewayAttachments[0]", "Bogus"),
			uk("tgw-rtb-main.json", "Associations[0]", "Bogus"),
			uk("tgw-rtb-main.json", "TransitGatewayRouteTablePropagations[0]", "Bogus")}},
		{"a firewall, a policy and rule groups, not their user content", func(t *testing.T) fstest.MapFS {
			fsys := loadSampleFS(t)
			loadEdit(t, fsys, "aws/firewall.json", func(doc map[string]any) {
				loadObj(doc, "Firewall", "SubnetMappings", 0)["Bogus"] = 1
				loadObj(doc, "FirewallStatus", "SyncStates", "us-east-1a", "Attachment")["Bogus"] = 1
			})
			loadEdit(t, fsys, "aws/firewall-policy.json", func(doc map[string]any) {
				loadObj(doc, "FirewallPolicyResponse")["Bogus"] = 1
				loadObj(doc, "FirewallPolicy", "StatefulRuleGroupReferences", 0)["Bogus"] = 1
			})
			loadEdit(t, fsys, "aws/rule-group-inbound-web.json", func(doc map[string]any) {
				loadObj(doc, "RuleGroup", "RulesSource")["Bogus"] = 1
				// user content: an IP set's name is a map key, not a member
				loadObj(doc, "RuleGroup")["RuleVariables"] = map[string]any{"IPSets": map[string]any{"Any_Name": map[string]any{"Definition": []any{"10.0.0.0/8"}}}}
			})
			return fsys
		}, []string{uk("firewall.json", "Firewall.SubnetMappings[0]", "Bogus"),
			uk("firewall.json", `FirewallStatus.SyncStates["us-east-1a"].Attachment`, "Bogus"),
			uk("firewall-policy.json", "FirewallPolicyResponse", "Bogus"),
			uk("firewall-policy.json", "FirewallPolicy.StatefulRuleGroupReferences[0]", "Bogus"),
			uk("rule-group-inbound-web.json", "RuleGroup.RulesSource", "Bogus")}},
		{"a stateless rule group's rule", func(t *testing.T) fstest.MapFS {
			fsys := loadDirFS(t, "firewall")
			for name := range fsys {
				if name != "aws/rulegroup-stateless-edge.json" {
					delete(fsys, name)
				}
			}
			loadEdit(t, fsys, "aws/rulegroup-stateless-edge.json", func(doc map[string]any) {
				loadObj(doc, "RuleGroup", "RulesSource", "StatelessRulesAndCustomActions", "StatelessRules", 0, "RuleDefinition", "MatchAttributes")["Bogus"] = 1
			})
			return fsys
		}, []string{uk("rulegroup-stateless-edge.json", "RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules[0].RuleDefinition.MatchAttributes", "Bogus")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rep, err := aws.LoadFS(tt.fsys(t), "aws")
			require.NoError(t, err)
			assert.ElementsMatch(t, tt.want, unknownKeyWarnings(rep))
		})
	}
}

// The sample dump and the test dumps, shaped as the AWS CLI prints them,
// have no key the element types neither read nor declare: each file
// loads without an unknown-key warning (alone, where a directory is not
// one consistent input).
func TestSampleDumpsHaveNoUnknownKeys(t *testing.T) {
	dirs := []string{"firewall", "gateways", "peering", "sg", "shop", "tgw", "v6-missing-eigw"}
	cases := map[string]fstest.MapFS{"sample/aws": loadSampleFS(t)}
	for _, d := range dirs {
		cases["aws/testdata/"+d] = loadDirFS(t, d)
	}
	for name, fsys := range cases {
		t.Run(name, func(t *testing.T) {
			_, rep, _ := aws.LoadFS(fsys, "aws")
			assert.Empty(t, unknownKeyWarnings(rep))
			for f := range fsys {
				_, rep, _ := aws.LoadFS(fstest.MapFS{f: fsys[f]}, f)
				assert.Empty(t, unknownKeyWarnings(rep), f)
			}
		})
	}
}

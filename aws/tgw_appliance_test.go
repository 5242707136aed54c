package aws_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// applianceModeFS is a centralised-inspection design as the AWS CLI prints
// it: spoke VPCs A (us-east-1a) and B (us-east-1b), an inspection VPC I
// with a Network Firewall endpoint in each zone, a transit gateway whose
// spoke table sends everything to I. I's VPC attachment has appliance
// mode as given (Options.ApplianceModeSupport: "enable", as AWS tells
// users to do, or "disable").
func applianceModeFS(mode string) fstest.MapFS {
	acl := func(vpc string) string {
		return fmt.Sprintf(`{"NetworkAclId": "acl-%[1]s", "VpcId": "%[1]s", "IsDefault": true, "Associations": [], "Entries": [
			{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
			{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
			{"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
			{"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}]}`, vpc)
	}
	group := func(vpc string) string {
		all := `[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]`
		return fmt.Sprintf(`{"GroupId": "sg-%[1]s", "GroupName": "open", "VpcId": "%[1]s", "IpPermissions": %[2]s, "IpPermissionsEgress": %[2]s}`, vpc, all)
	}
	eni := func(id, name, subnet, vpc, ip string) string {
		return fmt.Sprintf(`{"NetworkInterfaceId": "%s", "SubnetId": "%s", "VpcId": "%s", "Status": "in-use", "InterfaceType": "interface",
			"PrivateIpAddress": "%s", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "%s"}],
			"Groups": [{"GroupId": "sg-%s"}], "TagSet": [{"Key": "Name", "Value": "%s"}]}`, id, subnet, vpc, ip, ip, vpc, name)
	}
	rt := func(id, vpc, assoc, routes string) string {
		return fmt.Sprintf(`{"RouteTableId": "%s", "VpcId": "%s", "Associations": [%s], "Routes": [%s]}`, id, vpc, assoc, routes)
	}
	toTGW := `{"DestinationCidrBlock": "10.0.0.0/8", "TransitGatewayId": "tgw-1", "Origin": "CreateRoute", "State": "active"}`
	main := `{"Main": true, "AssociationState": {"State": "associated"}}`
	sub := func(s string) string {
		return fmt.Sprintf(`{"Main": false, "SubnetId": "%s", "AssociationState": {"State": "associated"}}`, s)
	}
	local := func(c string) string {
		return fmt.Sprintf(`{"DestinationCidrBlock": "%s", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}`, c)
	}
	arn := "arn:aws:network-firewall:us-east-1:111122223333:"
	files := map[string]string{
		"vpcs.json": `{"Vpcs": [{"VpcId": "vpc-a", "CidrBlock": "10.1.0.0/16"}, {"VpcId": "vpc-b", "CidrBlock": "10.2.0.0/16"}, {"VpcId": "vpc-i", "CidrBlock": "10.9.0.0/16"}]}`,
		"subnets.json": `{"Subnets": [
			{"SubnetId": "subnet-a", "VpcId": "vpc-a", "CidrBlock": "10.1.1.0/24", "AvailabilityZone": "us-east-1a"},
			{"SubnetId": "subnet-b", "VpcId": "vpc-b", "CidrBlock": "10.2.1.0/24", "AvailabilityZone": "us-east-1b"},
			{"SubnetId": "subnet-i-tgw-1a", "VpcId": "vpc-i", "CidrBlock": "10.9.1.0/24", "AvailabilityZone": "us-east-1a"},
			{"SubnetId": "subnet-i-tgw-1b", "VpcId": "vpc-i", "CidrBlock": "10.9.2.0/24", "AvailabilityZone": "us-east-1b"},
			{"SubnetId": "subnet-i-fw-1a", "VpcId": "vpc-i", "CidrBlock": "10.9.11.0/24", "AvailabilityZone": "us-east-1a"},
			{"SubnetId": "subnet-i-fw-1b", "VpcId": "vpc-i", "CidrBlock": "10.9.12.0/24", "AvailabilityZone": "us-east-1b"}]}`,
		"network-acls.json":       `{"NetworkAcls": [` + acl("vpc-a") + `,` + acl("vpc-b") + `,` + acl("vpc-i") + `]}`,
		"security-groups.json":    `{"SecurityGroups": [` + group("vpc-a") + `,` + group("vpc-b") + `,` + group("vpc-i") + `]}`,
		"network-interfaces.json": `{"NetworkInterfaces": [` + eni("eni-a", "a", "subnet-a", "vpc-a", "10.1.1.10") + `,` + eni("eni-b", "b", "subnet-b", "vpc-b", "10.2.1.10") + `]}`,
		"route-tables.json": `{"RouteTables": [` + strings.Join([]string{
			rt("rtb-a", "vpc-a", main, local("10.1.0.0/16")+","+toTGW),
			rt("rtb-b", "vpc-b", main, local("10.2.0.0/16")+","+toTGW),
			rt("rtb-i", "vpc-i", main, local("10.9.0.0/16")+","+toTGW),
			rt("rtb-i-tgw-1a", "vpc-i", sub("subnet-i-tgw-1a"), local("10.9.0.0/16")+`,{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vpce-1a", "Origin": "CreateRoute", "State": "active"}`),
			rt("rtb-i-tgw-1b", "vpc-i", sub("subnet-i-tgw-1b"), local("10.9.0.0/16")+`,{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vpce-1b", "Origin": "CreateRoute", "State": "active"}`),
		}, ",") + `]}`,
		"firewall.json": `{"Firewall": {"FirewallName": "fw-i", "FirewallArn": "` + arn + `firewall/fw-i", "FirewallPolicyArn": "` + arn + `firewall-policy/p", "VpcId": "vpc-i",
			"SubnetMappings": [{"SubnetId": "subnet-i-fw-1a"}, {"SubnetId": "subnet-i-fw-1b"}]},
			"FirewallStatus": {"Status": "READY", "SyncStates": {
				"us-east-1a": {"Attachment": {"SubnetId": "subnet-i-fw-1a", "EndpointId": "vpce-1a", "Status": "READY"}},
				"us-east-1b": {"Attachment": {"SubnetId": "subnet-i-fw-1b", "EndpointId": "vpce-1b", "Status": "READY"}}}}}`,
		"firewall-policy.json": `{"FirewallPolicyResponse": {"FirewallPolicyName": "p", "FirewallPolicyArn": "` + arn + `firewall-policy/p", "FirewallPolicyId": "p1"},
			"FirewallPolicy": {"StatelessDefaultActions": ["aws:forward_to_sfe"], "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
				"StatefulRuleGroupReferences": [{"ResourceArn": "` + arn + `stateful-rulegroup/all"}]}}`,
		"rule-group.json": `{"RuleGroup": {"RulesSource": {"RulesString": "pass ip any any -> any any (sid:1;)"}},
			"RuleGroupResponse": {"RuleGroupArn": "` + arn + `stateful-rulegroup/all", "RuleGroupName": "all", "RuleGroupId": "g1", "Type": "STATEFUL", "Capacity": 10}}`,
		"transit-gateways.json": `{"TransitGateways": [{"TransitGatewayId": "tgw-1", "State": "available", "Options": {"SecurityGroupReferencingSupport": "disable"}}],
			"TransitGatewayAttachments": [
				{"TransitGatewayAttachmentId": "tgw-attach-a", "TransitGatewayId": "tgw-1", "ResourceType": "vpc", "ResourceId": "vpc-a", "State": "available", "Association": {"TransitGatewayRouteTableId": "tgw-rtb-spoke", "State": "associated"}},
				{"TransitGatewayAttachmentId": "tgw-attach-b", "TransitGatewayId": "tgw-1", "ResourceType": "vpc", "ResourceId": "vpc-b", "State": "available", "Association": {"TransitGatewayRouteTableId": "tgw-rtb-spoke", "State": "associated"}},
				{"TransitGatewayAttachmentId": "tgw-attach-i", "TransitGatewayId": "tgw-1", "ResourceType": "vpc", "ResourceId": "vpc-i", "State": "available", "Association": {"TransitGatewayRouteTableId": "tgw-rtb-insp", "State": "associated"}}],
			"TransitGatewayVpcAttachments": [
				{"TransitGatewayAttachmentId": "tgw-attach-a", "TransitGatewayId": "tgw-1", "VpcId": "vpc-a", "State": "available", "SubnetIds": ["subnet-a"], "Options": {"ApplianceModeSupport": "disable"}},
				{"TransitGatewayAttachmentId": "tgw-attach-b", "TransitGatewayId": "tgw-1", "VpcId": "vpc-b", "State": "available", "SubnetIds": ["subnet-b"], "Options": {"ApplianceModeSupport": "disable"}},
				{"TransitGatewayAttachmentId": "tgw-attach-i", "TransitGatewayId": "tgw-1", "VpcId": "vpc-i", "State": "available", "SubnetIds": ["subnet-i-tgw-1a", "subnet-i-tgw-1b"], "Options": {"ApplianceModeSupport": "` + mode + `"}}],
			"TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": "tgw-rtb-spoke", "TransitGatewayId": "tgw-1", "State": "available"}, {"TransitGatewayRouteTableId": "tgw-rtb-insp", "TransitGatewayId": "tgw-1", "State": "available"}]}`,
		"tgw-rtb-spoke-routes.json": `{"TransitGatewayRouteTableId": "tgw-rtb-spoke", "AdditionalRoutesAvailable": false, "Routes": [
			{"DestinationCidrBlock": "0.0.0.0/0", "TransitGatewayAttachments": [{"ResourceId": "vpc-i", "TransitGatewayAttachmentId": "tgw-attach-i", "ResourceType": "vpc"}], "Type": "static", "State": "active"}]}`,
		"tgw-rtb-insp-routes.json": `{"TransitGatewayRouteTableId": "tgw-rtb-insp", "AdditionalRoutesAvailable": false, "Routes": [
			{"DestinationCidrBlock": "10.1.0.0/16", "TransitGatewayAttachments": [{"ResourceId": "vpc-a", "TransitGatewayAttachmentId": "tgw-attach-a", "ResourceType": "vpc"}], "Type": "propagated", "State": "active"},
			{"DestinationCidrBlock": "10.2.0.0/16", "TransitGatewayAttachments": [{"ResourceId": "vpc-b", "TransitGatewayAttachmentId": "tgw-attach-b", "ResourceType": "vpc"}], "Type": "propagated", "State": "active"}]}`,
	}
	fsys := fstest.MapFS{}
	for n, s := range files {
		fsys["dump/"+n] = &fstest.MapFile{Data: []byte(s)}
	}
	return fsys
}

// endpointsOn lists the firewall endpoints a leg crosses.
func endpointsOn(hops []reach.Hop) []string {
	var ids []string
	for _, h := range hops {
		if h.Kind == reach.KindFirewall {
			ids = append(ids, h.ID)
		}
	}
	return ids
}

// With appliance mode on the inspection VPC's attachment, the transit
// gateway sends both directions of a flow through the same attachment
// subnet, so through one firewall endpoint
// (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html,
// https://docs.aws.amazon.com/network-firewall/latest/developerguide/vpc-config-tgw-multi-az.html):
// a request from us-east-1a to us-east-1b and its reply cross one
// endpoint, and the session works, whichever zone the flow hash picks.
// Without it, the transit gateway keeps each direction in its source's
// zone: the request crosses vpce-1a, the reply vpce-1b, and Network
// Firewall drops both.
func TestLoadTransitGatewayApplianceMode(t *testing.T) {
	tests := []struct {
		mode    string
		want    reach.Outcome
		codes   []reach.Code
		fwd     []string // the endpoints the request crosses
		ret     []string // the reply's
		details string   // in the transit gateway hop that leaves into the inspection VPC
	}{
		{"enable", reach.Reachable, nil, []string{"vpce-1a"}, []string{"vpce-1a"},
			"every subnet the flow hash can pick gives the answer this trace gives (reachable)"},
		{"disable", reach.Unreachable, []reach.Code{reach.AsymmetricRoute, reach.AsymmetricRoute}, []string{"vpce-1a"}, []string{"vpce-1b"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			m, report, err := aws.LoadFS(applianceModeFS(tt.mode), "dump")
			require.NoError(t, err, "report: %v", report)
			assert.Empty(t, report.Warnings)
			r, err := m.Check(reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			require.Equal(t, tt.want, r.Outcome, r.Text())
			var codes []reach.Code
			for _, b := range r.Blocks {
				codes = append(codes, b.Code)
			}
			assert.Equal(t, tt.codes, codes)
			assert.Equal(t, tt.fwd, endpointsOn(r.Forward))
			assert.Equal(t, tt.ret, endpointsOn(r.Return))
			if tt.details != "" {
				i := slices.IndexFunc(r.Forward, func(h reach.Hop) bool { return h.ID == "tgw-rtb-spoke" })
				require.GreaterOrEqual(t, i, 0)
				assert.Contains(t, r.Forward[i].Details(), tt.details)
				j := slices.IndexFunc(r.Return, func(h reach.Hop) bool { return h.ID == "tgw-rtb-spoke" })
				require.GreaterOrEqual(t, j, 0)
				assert.Contains(t, r.Return[j].Details(), "appliance mode on tgw-attach-i: the reply leaves through subnet-i-tgw-1a (us-east-1a), the subnet the request left by")
			}
			v, err := m.Verdict(reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 443})
			require.NoError(t, err)
			assert.Equal(t, tt.want, v, "Verdict agrees with Check")
		})
	}
}

// An appliance mode AWS does not print is an error at its place, not a
// guess.
func TestLoadTransitGatewayApplianceModeInvalid(t *testing.T) {
	_, _, err := aws.LoadFS(applianceModeFS("enabled"), "dump")
	faults := loadFaults(t, err)
	require.Len(t, faults, 1, err.Error())
	assert.Equal(t, "dump/transit-gateways.json", faults[0].File)
	assert.Equal(t, "TransitGatewayVpcAttachments[2].Options.ApplianceModeSupport", faults[0].Path)
	assert.Contains(t, err.Error(), "appliance mode support is enable or disable")
	assert.ErrorIs(t, err, aws.ErrInvalidDump)
}

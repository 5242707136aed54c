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

// tgwIPv6FS is two dual-stack VPCs, A (10.1.0.0/16, 2001:db8:a::/56)
// and B (10.2.0.0/16, 2001:db8:b::/56), joined by transit gateway tgw-1
// as the AWS CLI prints them: each VPC routes the other's blocks to
// tgw-1, whose table propagates both attachments' blocks and routes the
// IPv6 ones statically. opts is each VPC attachment's Options ("" for
// none).
func tgwIPv6FS(opts string) fstest.MapFS {
	v6 := func(c string) string {
		return fmt.Sprintf(`"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "%s", "Ipv6CidrBlockState": {"State": "associated"}}]`, c)
	}
	acl := func(vpc string) string {
		var entries []string
		for _, egress := range []string{"true", "false"} {
			entries = append(entries,
				`{"CidrBlock": "0.0.0.0/0", "Egress": `+egress+`, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}`,
				`{"Ipv6CidrBlock": "::/0", "Egress": `+egress+`, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 101}`)
		}
		return fmt.Sprintf(`{"NetworkAclId": "acl-%s", "VpcId": "%s", "IsDefault": true, "Associations": [], "Entries": [%s]}`, vpc, vpc, strings.Join(entries, ","))
	}
	group := func(vpc string) string {
		all := `[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "PrefixListIds": [], "UserIdGroupPairs": []}]`
		return fmt.Sprintf(`{"GroupId": "sg-%[1]s", "GroupName": "open", "VpcId": "%[1]s", "IpPermissions": %[2]s, "IpPermissionsEgress": %[2]s}`, vpc, all)
	}
	eni := func(x, ip4, ip6 string) string {
		return fmt.Sprintf(`{"NetworkInterfaceId": "eni-%[1]s", "SubnetId": "subnet-%[1]s", "VpcId": "vpc-%[1]s", "Status": "in-use", "InterfaceType": "interface",
			"PrivateIpAddress": "%[2]s", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "%[2]s"}], "Ipv6Addresses": [{"Ipv6Address": "%[3]s"}],
			"Groups": [{"GroupId": "sg-vpc-%[1]s"}], "TagSet": [{"Key": "Name", "Value": "%[1]s"}]}`, x, ip4, ip6)
	}
	rt := func(x, local4, local6, other4, other6 string) string {
		return fmt.Sprintf(`{"RouteTableId": "rtb-%s", "VpcId": "vpc-%s", "Associations": [{"Main": true, "AssociationState": {"State": "associated"}}], "Routes": [
			{"DestinationCidrBlock": "%s", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
			{"DestinationIpv6CidrBlock": "%s", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
			{"DestinationCidrBlock": "%s", "TransitGatewayId": "tgw-1", "Origin": "CreateRoute", "State": "active"},
			{"DestinationIpv6CidrBlock": "%s", "TransitGatewayId": "tgw-1", "Origin": "CreateRoute", "State": "active"}]}`, x, x, local4, local6, other4, other6)
	}
	tgwRoute := func(dst, x, typ string) string {
		return fmt.Sprintf(`{"DestinationCidrBlock": "%s", "TransitGatewayAttachments": [{"ResourceId": "vpc-%s", "TransitGatewayAttachmentId": "tgw-attach-%s", "ResourceType": "vpc"}], "Type": "%s", "State": "active"}`,
			dst, x, x, typ)
	}
	if opts != "" {
		opts = `, "Options": {` + opts + `}`
	}
	files := map[string]string{
		"vpcs.json": `{"Vpcs": [{"VpcId": "vpc-a", "CidrBlock": "10.1.0.0/16", ` + v6("2001:db8:a::/56") + `},
			{"VpcId": "vpc-b", "CidrBlock": "10.2.0.0/16", ` + v6("2001:db8:b::/56") + `}]}`,
		"subnets.json": `{"Subnets": [
			{"SubnetId": "subnet-a", "VpcId": "vpc-a", "CidrBlock": "10.1.1.0/24", "AvailabilityZone": "us-east-1a", ` + v6("2001:db8:a:1::/64") + `},
			{"SubnetId": "subnet-b", "VpcId": "vpc-b", "CidrBlock": "10.2.1.0/24", "AvailabilityZone": "us-east-1a", ` + v6("2001:db8:b:1::/64") + `}]}`,
		"network-acls.json":       `{"NetworkAcls": [` + acl("vpc-a") + `,` + acl("vpc-b") + `]}`,
		"security-groups.json":    `{"SecurityGroups": [` + group("vpc-a") + `,` + group("vpc-b") + `]}`,
		"network-interfaces.json": `{"NetworkInterfaces": [` + eni("a", "10.1.1.10", "2001:db8:a:1::10") + `,` + eni("b", "10.2.1.10", "2001:db8:b:1::10") + `]}`,
		"route-tables.json": `{"RouteTables": [` + rt("a", "10.1.0.0/16", "2001:db8:a::/56", "10.2.0.0/16", "2001:db8:b::/56") + `,` +
			rt("b", "10.2.0.0/16", "2001:db8:b::/56", "10.1.0.0/16", "2001:db8:a::/56") + `]}`,
		"transit-gateways.json": `{"TransitGateways": [{"TransitGatewayId": "tgw-1", "State": "available", "Options": {"SecurityGroupReferencingSupport": "disable"}}],
			"TransitGatewayAttachments": [
				{"TransitGatewayAttachmentId": "tgw-attach-a", "TransitGatewayId": "tgw-1", "ResourceType": "vpc", "ResourceId": "vpc-a", "State": "available", "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"}},
				{"TransitGatewayAttachmentId": "tgw-attach-b", "TransitGatewayId": "tgw-1", "ResourceType": "vpc", "ResourceId": "vpc-b", "State": "available", "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"}}],
			"TransitGatewayVpcAttachments": [
				{"TransitGatewayAttachmentId": "tgw-attach-a", "TransitGatewayId": "tgw-1", "VpcId": "vpc-a", "State": "available", "SubnetIds": ["subnet-a"]` + opts + `},
				{"TransitGatewayAttachmentId": "tgw-attach-b", "TransitGatewayId": "tgw-1", "VpcId": "vpc-b", "State": "available", "SubnetIds": ["subnet-b"]` + opts + `}],
			"TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayId": "tgw-1", "State": "available"}]}`,
		"tgw-rtb-1-routes.json": `{"TransitGatewayRouteTableId": "tgw-rtb-1", "AdditionalRoutesAvailable": false, "Routes": [` +
			strings.Join([]string{tgwRoute("10.1.0.0/16", "a", "propagated"), tgwRoute("10.2.0.0/16", "b", "propagated"),
				tgwRoute("2001:db8:a::/56", "a", "static"), tgwRoute("2001:db8:b::/56", "b", "static")}, ",") + `]}`,
	}
	fsys := fstest.MapFS{}
	for n, s := range files {
		fsys["dump/"+n] = &fstest.MapFile{Data: []byte(s)}
	}
	return fsys
}

// TestLoadTransitGatewayIPv6Support: a VPC attachment's
// Options.Ipv6Support ("enable" or "disable", AWS's default) is read.
// IPv6 a static route sends through attachments without IPv6 support is
// undecided (AWS's documents differ on whether it passes), with IPv6
// support reachable; IPv4 is reachable either way.
func TestLoadTransitGatewayIPv6Support(t *testing.T) {
	v6 := reach.Query{From: "2001:db8:a:1::10", To: "2001:db8:b:1::10", Protocol: flow.TCP, Port: 443}
	v4 := reach.Query{From: "a", To: "b", Protocol: flow.TCP, Port: 443}
	undecided := []reach.Code{reach.TGWIPv6Unsupported, reach.TGWIPv6Unsupported.OnLeg(reach.Return)}
	tests := []struct {
		name    string
		opts    string
		q       reach.Query
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"no Options: IPv6 support is disabled, AWS's default", ``, v6, reach.Indeterminate, undecided},
		{"Ipv6Support disable", `"Ipv6Support": "disable"`, v6, reach.Indeterminate, undecided},
		{"Ipv6Support enable", `"ApplianceModeSupport": "disable", "Ipv6Support": "enable"`, v6, reach.Reachable, []reach.Code{}},
		{"IPv4 without IPv6 support", `"Ipv6Support": "disable"`, v4, reach.Reachable, []reach.Code{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, rep, err := aws.LoadFS(tgwIPv6FS(tt.opts), "dump")
			require.NoError(t, err)
			assert.Empty(t, rep.Warnings)
			r, err := m.Check(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
		})
	}
}

// An IPv6 support AWS does not print is an error at its place, not a
// guess.
func TestLoadTransitGatewayIPv6SupportInvalid(t *testing.T) {
	_, _, err := aws.LoadFS(tgwIPv6FS(`"Ipv6Support": "enabled"`), "dump")
	faults := loadFaults(t, err)
	require.Len(t, faults, 2, err.Error())
	assert.Equal(t, "dump/transit-gateways.json", faults[0].File)
	assert.Equal(t, "TransitGatewayVpcAttachments[0].Options.Ipv6Support", faults[0].Path)
	assert.Equal(t, "TransitGatewayVpcAttachments[1].Options.Ipv6Support", faults[1].Path)
	assert.Contains(t, err.Error(), "IPv6 support is enable or disable")
	assert.ErrorIs(t, err, aws.ErrInvalidDump)
}

// TestLoadTransitGatewayIPv6ListingPartial: AWS propagates a VPC's IPv6
// block only through an attachment with IPv6 support. With it, a route
// listing that lacks the IPv6 blocks of the attachments propagating to
// the table is partial (a --filters such as type=propagated,
// CIDR-filtered), and the propagations are added; without it, the
// listing is whole and the IPv6 packet has no route.
func TestLoadTransitGatewayIPv6ListingPartial(t *testing.T) {
	v6 := reach.Query{From: "2001:db8:a:1::10", To: "2001:db8:b:1::10", Protocol: flow.TCP, Port: 443}
	tests := []struct {
		name    string
		opts    string
		outcome reach.Outcome
		codes   []reach.Code
		warn    string
	}{
		{"IPv6 support: the listing lacks the IPv6 blocks, partial", `"Ipv6Support": "enable"`, reach.Reachable, []reach.Code{},
			"lack the propagated block 2001:db8:a::/56 of tgw-attach-a, 2001:db8:b::/56 of tgw-attach-b"},
		{"no IPv6 support: nothing to propagate, the listing is whole", `"Ipv6Support": "disable"`, reach.Unreachable, []reach.Code{reach.TGWNoRoute}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tgwIPv6FS(tt.opts)
			loadEdit(t, fsys, "dump/tgw-rtb-1-routes.json", func(doc map[string]any) {
				doc["Routes"] = slices.DeleteFunc(doc["Routes"].([]any), func(r any) bool { return r.(map[string]any)["Type"] == "static" })
			})
			fsys["dump/tgw-rtb-1-props.json"] = &fstest.MapFile{Data: []byte(`{"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayRouteTablePropagations": [
				{"TransitGatewayAttachmentId": "tgw-attach-a", "ResourceId": "vpc-a", "ResourceType": "vpc", "State": "enabled"},
				{"TransitGatewayAttachmentId": "tgw-attach-b", "ResourceId": "vpc-b", "ResourceType": "vpc", "State": "enabled"}]}`)}
			m, rep, err := aws.LoadFS(fsys, "dump")
			require.NoError(t, err)
			r, err := m.Check(v6)
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
			if tt.warn == "" {
				assert.Empty(t, rep.Warnings)
				return
			}
			require.Len(t, rep.Warnings, 1)
			assert.Contains(t, rep.Warnings[0], tt.warn)
		})
	}
}

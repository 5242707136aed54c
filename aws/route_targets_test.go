package aws_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// Routes whose target the loader does not model (a NAT gateway it leaves
// out, a gateway endpoint that is not available, a target field it does
// not read) are kept as unmodelled routes: longest prefix match selects
// them as AWS would, and what they route is indeterminate, never answered
// by a less specific route (doc.go, Route tables).

// dualFS is one dual-stack VPC vpc-1 (10.0.0.0/16, 2600:1f18:1::/56)
// with subnets a (10.0.1.0/24, 2600:1f18:1:1::/64) and b (10.0.2.0/24,
// 2600:1f18:1:2::/64), an internet gateway, a main route table with
// local routes and 0.0.0.0/0 and ::/0 to the gateway, an allow-all
// default ACL, the open group sg-open and two interfaces eni-a
// (10.0.1.10) and eni-b (10.0.2.10). edit replaces keys of the files map
// before the MapFS is built; a file edited to "" is left out.
func dualFS(edit func(files map[string]string)) fstest.MapFS {
	all := `[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "PrefixListIds": [], "UserIdGroupPairs": []}]`
	files := map[string]string{
		"vpcs.json": `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16",
			"CidrBlockAssociationSet": [{"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}}],
			"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:1::/56", "Ipv6CidrBlockState": {"State": "associated"}}]}]}`,
		"subnets.json": `{"Subnets": [
			{"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a",
			 "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:1:1::/64", "Ipv6CidrBlockState": {"State": "associated"}}]},
			{"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1a",
			 "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:1:2::/64", "Ipv6CidrBlockState": {"State": "associated"}}]}]}`,
		"igw.json": `{"InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}]}`,
		"route-tables.json": `{"RouteTables": [{"RouteTableId": "rtb-main", "VpcId": "vpc-1",
			"Associations": [{"Main": true, "AssociationState": {"State": "associated"}}], "Routes": [
			{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
			{"DestinationIpv6CidrBlock": "2600:1f18:1::/56", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
			{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"},
			{"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"}]}]}`,
		"network-acls.json": `{"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true, "Associations": [], "Entries": [
			{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
			{"Ipv6CidrBlock": "::/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 101},
			{"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
			{"Ipv6CidrBlock": "::/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 101}]}]}`,
		"security-groups.json":    `{"SecurityGroups": [{"GroupId": "sg-open", "GroupName": "open", "VpcId": "vpc-1", "IpPermissions": ` + all + `, "IpPermissionsEgress": ` + all + `}]}`,
		"network-interfaces.json": `{"NetworkInterfaces": [` + dualENI("eni-a", "subnet-a", "10.0.1.10", "") + `,` + dualENI("eni-b", "subnet-b", "10.0.2.10", "") + `]}`,
	}
	if edit != nil {
		edit(files)
	}
	fsys := fstest.MapFS{}
	for name, data := range files {
		if data != "" {
			fsys[name] = &fstest.MapFile{Data: []byte(data)}
		}
	}
	return fsys
}

// dualENI is an in-use interface element of describe-network-interfaces
// with the group sg-open; extra is added to its keys.
func dualENI(id, subnet, ip, extra string) string {
	if extra != "" {
		extra = ", " + extra
	}
	return fmt.Sprintf(`{"NetworkInterfaceId": "%s", "SubnetId": "%s", "VpcId": "vpc-1", "Status": "in-use", "InterfaceType": "interface",
		"SourceDestCheck": true, "PrivateIpAddress": "%s", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "%s"}],
		"Groups": [{"GroupId": "sg-open", "GroupName": "open"}], "TagSet": [{"Key": "Name", "Value": "%s"}]%s}`, id, subnet, ip, ip, id, extra)
}

// dualPublicA gives eni-a of dualFS a public IPv4 address, so that the
// internet gateway carries its traffic.
func dualPublicA(f map[string]string) {
	f["network-interfaces.json"] = `{"NetworkInterfaces": [` +
		dualENI("eni-a", "subnet-a", "10.0.1.10", `"Association": {"PublicIp": "198.51.100.10", "IpOwnerId": "amazon"}`) + `,` +
		dualENI("eni-b", "subnet-b", "10.0.2.10", "") + `]}`
}

// dualRoute adds route (a describe-route-tables Routes element) after the
// last route of dualFS's main route table.
func dualRoute(f map[string]string, route string) {
	f["route-tables.json"] = strings.Replace(f["route-tables.json"], `"State": "active"}]}]}`, `"State": "active"}, `+route+`]}]}`, 1)
}

// dualLoad loads every file of fsys.
func dualLoad(fsys fstest.MapFS) (*reach.Model, *aws.Report, error) {
	var names []string
	for n := range fsys {
		names = append(names, n)
	}
	return aws.LoadFS(fsys, names...)
}

// dualCheck loads fsys, which must load, and answers q.
func dualCheck(t *testing.T, fsys fstest.MapFS, q reach.Query) (*reach.Result, []string) {
	t.Helper()
	m, rep, err := dualLoad(fsys)
	require.NoError(t, err, "warnings: %v", rep.Warnings)
	r, err := m.Check(q)
	require.NoError(t, err)
	return r, rep.Warnings
}

// The fixture itself loads, without a warning, and answers.
func TestDualFixture(t *testing.T) {
	r, warnings := dualCheck(t, dualFS(nil), reach.Query{From: "eni-a", To: "eni-b", Protocol: flow.TCP, Port: 22})
	assert.Empty(t, warnings)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
}

// A route to a NAT gateway the loader leaves out, still active, is kept
// as unmodelled: a regional NAT gateway (AvailabilityMode regional, no
// SubnetId: Amazon VPC User Guide, "Regional NAT gateways for automatic
// multi-AZ expansion",
// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html;
// API_NatGateway's availabilityMode), which private subnets route to, or
// one that is not available. Build used to refuse the whole input ("no
// NAT gateway nat-r in vpc-1", though nat-r is in the input).
func TestRouteToNATGatewayLeftOut(t *testing.T) {
	const route = `{"DestinationCidrBlock": "192.168.0.0/16", "NatGatewayId": "nat-r", "Origin": "CreateRoute", "State": "active"}`
	addr := `"NatGatewayAddresses": [{"PrivateIp": "10.0.1.50", "PublicIp": "3.3.3.3", "IsPrimary": true, "Status": "succeeded"}]`
	for _, tc := range []struct {
		name, nat, gwWarning, routeWarning string
	}{
		{"regional", `"State": "available", "AvailabilityMode": "regional", ` + addr,
			`nat-gateways.json: NatGateways[0]: NAT gateway nat-r has AvailabilityMode regional`,
			`route-tables.json: RouteTables[0].Routes[4]: route 192.168.0.0/16 -> nat-r (regional NAT gateway) of rtb-main: reachsim models NAT gateways in a subnet`},
		{"no SubnetId", `"State": "available", ` + addr,
			`nat-gateways.json: NatGateways[0]: NAT gateway nat-r has no SubnetId (a regional NAT gateway?)`,
			`route-tables.json: RouteTables[0].Routes[4]: route 192.168.0.0/16 -> nat-r (NAT gateway without a subnet) of rtb-main`},
		{"pending", `"State": "pending", "SubnetId": "subnet-a"`,
			`nat-gateways.json: NatGateways[0]: NAT gateway nat-r is "pending", not available: left out`,
			`route-tables.json: RouteTables[0].Routes[4]: route 192.168.0.0/16 -> nat-r (NAT gateway) of rtb-main: it is "pending", not available`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, warnings := dualCheck(t, dualFS(func(f map[string]string) {
				dualRoute(f, route)
				f["nat-gateways.json"] = `{"NatGateways": [{"NatGatewayId": "nat-r", "VpcId": "vpc-1", "ConnectivityType": "public", ` + tc.nat + `}]}`
			}), reach.Query{From: "eni-a", To: "192.168.1.1", Protocol: flow.TCP, Port: 443})
			assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
			assert.Contains(t, r.Codes(), reach.UnmodelledTarget)
			all := strings.Join(warnings, "\n")
			assert.Contains(t, all, tc.gwWarning)
			assert.Contains(t, all, tc.routeWarning)
		})
	}
}

// An active route to a gateway endpoint that is not available (pending,
// deleting) used to be dropped from the table, so the less specific
// 0.0.0.0/0 -> igw-1 carried S3 traffic and the answer was a certain
// REACHABLE, though the loader's own warning called such routes
// blackholes. AWS shows a route whose target is gone as State blackhole
// (API_Route, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html),
// which the loader reads as one; an active route to an endpoint in
// transition is kept as unmodelled: indeterminate.
func TestRouteToGatewayEndpointNotAvailable(t *testing.T) {
	for _, tc := range []struct {
		state, routeState string
		want              reach.Outcome
	}{
		{"pending", "active", reach.Indeterminate},
		{"deleting", "active", reach.Indeterminate},
		{"deleted", "blackhole", reach.Unreachable},
	} {
		t.Run(tc.state, func(t *testing.T) {
			r, warnings := dualCheck(t, dualFS(func(f map[string]string) {
				dualPublicA(f)
				dualRoute(f, `{"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-s3", "Origin": "CreateRoute", "State": "`+tc.routeState+`"}`)
				f["vpc-endpoints.json"] = `{"VpcEndpoints": [{"VpcEndpointId": "vpce-s3", "VpcEndpointType": "Gateway", "VpcId": "vpc-1",
					"ServiceName": "com.amazonaws.us-east-1.s3", "State": "` + tc.state + `", "IpAddressType": "ipv4", "RouteTableIds": ["rtb-main"]}]}`
				f["prefix-lists-aws.json"] = `{"PrefixLists": [{"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3", "Cidrs": ["54.231.0.0/16"]}]}`
			}), reach.Query{From: "eni-a", To: "54.231.1.1", Protocol: flow.TCP, Port: 443})
			assert.Equal(t, tc.want, r.Outcome, "the endpoint's route must not vanish in favour of 0.0.0.0/0 -> igw-1; warnings: %v\n%s", warnings, r.Text())
			all := strings.Join(warnings, "\n")
			assert.Contains(t, all, `vpc-endpoints.json: VpcEndpoints[0]: gateway endpoint vpce-s3 is "`+tc.state+`", not available: left out; routes to it are kept as unmodelled`)
			if tc.routeState == "active" {
				assert.Contains(t, r.Codes(), reach.UnmodelledTarget)
				assert.Contains(t, all, `route-tables.json: RouteTables[0].Routes[4]: route pl-63a5400a -> vpce-s3 (gateway endpoint that is not available) of rtb-main: its State is "`+tc.state+`", not available`)
			}
		})
	}
}

// A route whose target is in no field the reader models used to be "left
// out" with a warning, so the less specific 0.0.0.0/0 -> igw-1 decided
// and the answer was a certain REACHABLE. It is kept as unmodelled
// (indeterminate), as doc.go promises for routes to anything else: one
// to API_Route's ipAddress ("the next hop IP address for routes
// propagated by VPC Route Server",
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html),
// or to a target field AWS adds later, as it added CoreNetworkArn and
// OdbNetworkArn. A key the reader does not read beside a target it does
// changes nothing; one whose value is no string is no target
// (TestRouteUnreadKeyNotString).
func TestRouteToTargetNotRead(t *testing.T) {
	q := reach.Query{From: "eni-a", To: "54.231.1.1", Protocol: flow.TCP, Port: 443}
	for _, tc := range []struct {
		name, route string
		want        reach.Outcome
		code        reach.Code
		warning     string
	}{
		{"a VPC Route Server next hop (IpAddress)",
			`{"DestinationCidrBlock": "54.231.0.0/16", "IpAddress": "10.0.2.99", "Origin": "CreateRoute", "State": "active"}`,
			reach.Indeterminate, reach.UnmodelledTarget,
			`route-tables.json: RouteTables[0].Routes[4]: route 54.231.0.0/16 -> 10.0.2.99 (VPC Route Server next hop) of rtb-main: reachsim does not model where it leads; queries it routes are indeterminate`},
		{"a target field AWS adds later",
			`{"DestinationCidrBlock": "54.231.0.0/16", "FutureGatewayId": "fgw-1", "Origin": "CreateRoute", "State": "active"}`,
			reach.Indeterminate, reach.UnmodelledTarget,
			`route-tables.json: RouteTables[0].Routes[4]: route 54.231.0.0/16 -> fgw-1 (target in FutureGatewayId) of rtb-main: reachsim does not read the route target field FutureGatewayId`},
		{"a blackhole to a target field AWS adds later",
			`{"DestinationCidrBlock": "54.231.0.0/16", "FutureGatewayId": "fgw-1", "Origin": "CreateRoute", "State": "blackhole"}`,
			reach.Unreachable, reach.BlackholeRoute, ""},
		{"a key the reader does not read beside a target it reads",
			`{"DestinationCidrBlock": "54.231.0.0/16", "GatewayId": "igw-1", "FutureFlag": "on", "InstanceOwnerId": "111122223333", "Origin": "CreateRoute", "State": "active"}`,
			reach.Reachable, "", `route-tables.json: RouteTables[0].Routes[4]: unknown key "FutureFlag" ignored: the AWS API has no such member here`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, warnings := dualCheck(t, dualFS(func(f map[string]string) {
				dualPublicA(f)
				dualRoute(f, tc.route)
			}), q)
			require.Equal(t, tc.want, r.Outcome, "warnings: %v\n%s", warnings, r.Text())
			if tc.code != "" {
				assert.Contains(t, r.Codes(), tc.code)
			}
			if tc.warning == "" {
				assert.Empty(t, warnings)
			} else {
				assert.Contains(t, strings.Join(warnings, "\n"), tc.warning)
			}
		})
	}
}

// VPC Route Server propagates routes into gateway route tables too
// (Amazon VPC User Guide, "Dynamic routing in your VPC with VPC Route
// Server"): its next hop, the address of an appliance's interface, is a
// target such a table takes, not one Build refuses.
func TestRouteServerNextHopInGatewayRouteTable(t *testing.T) {
	r, warnings := dualCheck(t, dualFS(func(f map[string]string) {
		dualPublicA(f)
		f["route-tables.json"] = strings.Replace(f["route-tables.json"], `{"RouteTables": [`, `{"RouteTables": [{"RouteTableId": "rtb-edge", "VpcId": "vpc-1",
			"Associations": [{"GatewayId": "igw-1", "AssociationState": {"State": "associated"}}], "Routes": [
			{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
			{"DestinationCidrBlock": "10.0.1.0/24", "IpAddress": "10.0.2.99", "Origin": "CreateRoute", "State": "active"}]}, `, 1)
	}), reach.Query{From: "203.0.113.7", To: "eni-a", Protocol: flow.TCP, Port: 443})
	assert.Equal(t, reach.Indeterminate, r.Outcome, "warnings: %v\n%s", warnings, r.Text())
	assert.Contains(t, r.Codes(), reach.UnmodelledTarget)
}

// A route that is null, or has no destination, or has no target and is
// not a blackhole, is an error naming its place: leaving it out could let
// a less specific route answer what it routes (a null route has no
// destination to keep it by, as an unmodelled route is kept), and where
// an active route without a target leads is unknown. A blackhole needs
// no target (TestBlackholeRouteWithoutTarget).
func TestRouteMissingParts(t *testing.T) {
	for _, tc := range []struct {
		name, route, err string
	}{
		{"a null route", `null`,
			`route-tables.json: RouteTables[0].Routes[4] (rtb-main): "null": invalid AWS CLI output: a route is null`},
		{"a route without a destination", `{"GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"}`,
			`route-tables.json: RouteTables[0].Routes[4] (rtb-main): invalid AWS CLI output: the route has no destination`},
		{"a route without a target", `{"DestinationCidrBlock": "54.231.0.0/16", "GatewayId": "", "InstanceOwnerId": "111122223333", "Origin": "CreateRoute", "State": "active"}`,
			`route-tables.json: RouteTables[0].Routes[4] (rtb-main): invalid AWS CLI output: the route names no target`},
		{"a route that is no object", `"54.231.0.0/16"`,
			`route-tables.json: RouteTables[0].Routes[4]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := dualLoad(dualFS(func(f map[string]string) { dualRoute(f, tc.route) }))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

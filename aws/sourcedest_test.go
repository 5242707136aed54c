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

// middleboxFS is one VPC 10.0.0.0/16 whose subnets a (10.0.1.0/24) and
// b (10.0.2.0/24) send each other's subnet to the appliance eni-ap in
// subnet fw (10.0.3.0/24), everything open. apCheck is eni-ap's
// SourceDestCheck in describe-network-interfaces (`"SourceDestCheck":
// true`, or "" for none); withENIs false leaves describe-network-interfaces
// without eni-ap. Unless eniCheck is "-", describe-instances holds the
// instance i-ap, whose NetworkInterfaces hold eni-ap (device 0) with
// eniCheck and which has SourceDestCheck instCheck ("" for none).
func middleboxFS(apCheck string, withENIs bool, eniCheck, instCheck string) fstest.MapFS {
	eni := func(id, subnet, ip, check string) string {
		if check != "" {
			check = ", " + check
		}
		return fmt.Sprintf(`{"NetworkInterfaceId": "%s", "SubnetId": "%s", "VpcId": "vpc-1", "Status": "in-use", "InterfaceType": "interface",
			"PrivateIpAddress": "%s", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "%s"}]%s,
			"Groups": [{"GroupId": "sg-open"}], "TagSet": [{"Key": "Name", "Value": "%s"}]}`, id, subnet, ip, ip, check, id)
	}
	local := `{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}`
	rt := func(id, subnet, dest string) string {
		return fmt.Sprintf(`{"RouteTableId": "%s", "VpcId": "vpc-1", "Associations": [{"Main": false, "SubnetId": "%s", "AssociationState": {"State": "associated"}}],
			"Routes": [%s, {"DestinationCidrBlock": "%s", "NetworkInterfaceId": "eni-ap", "Origin": "CreateRoute", "State": "active"}]}`, id, subnet, local, dest)
	}
	all := `[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]`
	enis := []string{eni("eni-a", "subnet-a", "10.0.1.10", `"SourceDestCheck": true`), eni("eni-b", "subnet-b", "10.0.2.10", "")}
	if withENIs {
		enis = append(enis, eni("eni-ap", "subnet-fw", "10.0.3.10", apCheck))
	}
	files := map[string]string{
		"vpcs.json": `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}`,
		"subnets.json": `{"Subnets": [
			{"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"},
			{"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1a"},
			{"SubnetId": "subnet-fw", "VpcId": "vpc-1", "CidrBlock": "10.0.3.0/24", "AvailabilityZone": "us-east-1a"}]}`,
		"route-tables.json": `{"RouteTables": [` + rt("rtb-a", "subnet-a", "10.0.2.0/24") + `,` + rt("rtb-b", "subnet-b", "10.0.1.0/24") +
			`, {"RouteTableId": "rtb-main", "VpcId": "vpc-1", "Associations": [{"Main": true, "AssociationState": {"State": "associated"}}], "Routes": [` + local + `]}]}`,
		"network-acls.json": `{"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true, "Associations": [], "Entries": [
			{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
			{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
			{"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
			{"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}]}]}`,
		"security-groups.json":    `{"SecurityGroups": [{"GroupId": "sg-open", "GroupName": "open", "VpcId": "vpc-1", "IpPermissions": ` + all + `, "IpPermissionsEgress": ` + all + `}]}`,
		"network-interfaces.json": `{"NetworkInterfaces": [` + strings.Join(enis, ",") + `]}`,
	}
	if eniCheck != "-" {
		el := strings.Replace(eni("eni-ap", "subnet-fw", "10.0.3.10", eniCheck), `"Status": "in-use",`, `"Status": "in-use", "Attachment": {"InstanceId": "i-ap", "DeviceIndex": 0, "Status": "attached"},`, 1)
		inst := `"InstanceId": "i-ap", "State": {"Name": "running"}, "NetworkInterfaces": [` + el + `]`
		if instCheck != "" {
			inst += ", " + instCheck
		}
		files["instances.json"] = `{"Reservations": [{"Instances": [{` + inst + `}]}]}`
	}
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// An appliance's SourceDestCheck decides whether it forwards: true (the
// default) drops what a route sends it for others, false forwards it,
// and an input that does not say (trimmed: the CLI always prints it)
// leaves it undecided, with a warning. describe-network-interfaces wins
// over describe-instances, whose interface element wins over the
// instance's own attribute.
func TestLoadSourceDestCheck(t *testing.T) {
	const on, off = `"SourceDestCheck": true`, `"SourceDestCheck": false`
	for _, tc := range []struct {
		name    string
		fsys    fstest.MapFS
		want    reach.Outcome
		code    reach.Code
		warn    string
		missing string
	}{
		{"describe-network-interfaces: on", middleboxFS(on, true, "-", ""), reach.Unreachable, reach.SourceDestCheck, "", ""},
		{"describe-network-interfaces: off", middleboxFS(off, true, "-", ""), reach.Reachable, "", "", ""},
		{"describe-network-interfaces: absent", middleboxFS("", true, "-", ""), reach.Indeterminate, reach.SourceDestCheckUnknown,
			"network interface eni-ap: a route sends traffic to it, but the input does not say whether its source/destination check is on",
			"network-interfaces.json: NetworkInterfaces[2]: SourceDestCheck (not in the input), known only later"},
		{"describe-instances' interface: off", middleboxFS("", false, off, on), reach.Reachable, "", "", ""},
		{"describe-instances' interface: on", middleboxFS("", false, on, off), reach.Unreachable, reach.SourceDestCheck, "", ""},
		{"describe-instances' instance: off", middleboxFS("", false, "", off), reach.Reachable, "", "", ""},
		{"the instance's attribute completes describe-network-interfaces", middleboxFS("", true, "", off), reach.Reachable, "", "", ""},
		{"describe-instances without either", middleboxFS("", false, "", ""), reach.Indeterminate, reach.SourceDestCheckUnknown,
			"does not say whether its source/destination check is on", "instances.json"},
		{"the two files differ: describe-network-interfaces wins", middleboxFS(on, true, off, ""), reach.Unreachable, reach.SourceDestCheck,
			"network interface eni-ap: SourceDestCheck differs from instances.json", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var names []string
			for n := range tc.fsys {
				names = append(names, n)
			}
			m, rep, err := aws.LoadFS(tc.fsys, names...)
			require.NoError(t, err)
			sd := slices.DeleteFunc(slices.Clone(rep.Warnings), func(w string) bool {
				return !strings.Contains(w, "SourceDestCheck") && !strings.Contains(w, "source/destination")
			})
			if tc.warn == "" {
				assert.Empty(t, sd, "eni-b's absent SourceDestCheck is no concern: no route targets it")
			} else {
				require.Len(t, sd, 1, "%v", rep.Warnings)
				assert.Contains(t, sd[0], tc.warn)
			}
			r, err := m.Check(reach.Query{From: "eni-a", To: "eni-b", Protocol: flow.TCP, Port: 22})
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			pr, err := m.Ports(reach.PortsQuery{From: "eni-a", To: "eni-b", Protocol: flow.TCP})
			require.NoError(t, err)
			var hop reach.Hop
			for _, h := range r.Forward {
				if h.Kind == reach.KindInterface {
					hop = h
				}
			}
			require.Equal(t, "eni-ap", hop.ID, r.Text())
			assert.Equal(t, tc.code, hop.Code, r.Text())
			assert.Contains(t, hop.Missing, tc.missing)
			switch tc.want {
			case reach.Reachable:
				assert.Equal(t, "1-65535", pr.Open.String())
				assert.Contains(t, hop.Reason(), "(source/destination check off)")
			case reach.Unreachable:
				assert.True(t, pr.Open.IsEmpty(), "nothing gets past an appliance whose check is on: %s", pr.Open)
				assert.True(t, pr.Indeterminate.IsEmpty(), "%s", pr.Indeterminate)
			default:
				assert.Equal(t, "1-65535", pr.Indeterminate.String())
			}
		})
	}
}

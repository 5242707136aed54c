package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// peeringDump is a copy of aws/testdata/peering, in a temporary directory: vpc-a (10.1.0.0/16,
// eni-a "a" 10.1.1.10), vpc-b (10.2.0.0/16, eni-b "b" 10.2.1.10 with
// public IP 198.51.100.20, eni-b2 "b2"), vpc-c, joined by active
// peerings pcx-ab, pcx-bc, pcx-ac; rtb-a sends 10.2.0.0/16 to pcx-ab and
// rtb-b sends 10.1.0.0/16 back to it; sg-b opens tcp/22 to 0.0.0.0/0 and
// tcp/5432 to sg-a (across pcx-ab).
func peeringDump(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "aws", "testdata", "peering")
	dir := filepath.Join(t.TempDir(), "peering")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	ents, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644))
	}
	return dir
}

// appendToList appends to the list key of file in dir the JSON object obj.
func appendToList(t *testing.T, dir, file, key, obj string) {
	t.Helper()
	p := filepath.Join(dir, file)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	var v any
	require.NoError(t, json.Unmarshal([]byte(obj), &v), obj)
	list, _ := doc[key].([]any)
	doc[key] = append(list, v)
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, b, 0o644))
}

// addVPCD adds vpc-d on 10.4.0.0/16 to the dump in dir: subnet-d,
// eni-d ("d", 10.4.1.10, public IP 203.0.113.44), sg-d (tcp/22 in from
// anywhere, everything out), an open default ACL, an internet gateway
// igw-d and a main route table sending 0.0.0.0/0 to it.
func addVPCD(t *testing.T, dir string) {
	t.Helper()
	appendToList(t, dir, "vpcs.json", "Vpcs", `{"VpcId": "vpc-d", "State": "available", "CidrBlock": "10.4.0.0/16", "OwnerId": "111122223333",
		"CidrBlockAssociationSet": [{"CidrBlock": "10.4.0.0/16", "CidrBlockState": {"State": "associated"}}]}`)
	appendToList(t, dir, "subnets.json", "Subnets", `{"SubnetId": "subnet-d", "VpcId": "vpc-d", "CidrBlock": "10.4.1.0/24", "AvailabilityZone": "us-east-1a"}`)
	appendToList(t, dir, "network-interfaces.json", "NetworkInterfaces", `{"NetworkInterfaceId": "eni-d", "SubnetId": "subnet-d", "VpcId": "vpc-d",
		"PrivateIpAddress": "10.4.1.10", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.4.1.10", "Association": {"PublicIp": "203.0.113.44", "IpOwnerId": "amazon"}}],
		"Association": {"PublicIp": "203.0.113.44", "IpOwnerId": "amazon"},
		"Groups": [{"GroupId": "sg-d", "GroupName": "d"}], "Status": "in-use", "InterfaceType": "interface",
		"Attachment": {"InstanceId": "i-d", "DeviceIndex": 0, "Status": "attached"}, "TagSet": [{"Key": "Name", "Value": "d"}]}`)
	appendToList(t, dir, "security-groups.json", "SecurityGroups", `{"GroupId": "sg-d", "GroupName": "d", "Description": "d", "OwnerId": "111122223333", "VpcId": "vpc-d",
		"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
		"IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}`)
	appendToList(t, dir, "internet-gateways.json", "InternetGateways", `{"InternetGatewayId": "igw-d", "Attachments": [{"State": "available", "VpcId": "vpc-d"}]}`)
	appendToList(t, dir, "route-tables.json", "RouteTables", `{"RouteTableId": "rtb-d", "VpcId": "vpc-d",
		"Associations": [{"Main": true, "RouteTableAssociationId": "rtbassoc-d", "RouteTableId": "rtb-d", "AssociationState": {"State": "associated"}}],
		"Routes": [{"DestinationCidrBlock": "10.4.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
			{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-d", "Origin": "CreateRoute", "State": "active"}]}`)
	appendToList(t, dir, "network-acls.json", "NetworkAcls", `{"NetworkAclId": "acl-d", "VpcId": "vpc-d", "IsDefault": true,
		"Associations": [{"NetworkAclAssociationId": "aclassoc-d", "NetworkAclId": "acl-d", "SubnetId": "subnet-d"}],
		"Entries": [{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
			{"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}]}`)
}

// A private address of a VPC that --vpc leaves out is no internet host:
// vpc-b's routes send 10.1.0.0/16 to pcx-ab, so a's packet would come
// across the peering (AWS, "Update your route tables for a VPC peering
// connection"), which the input with vpc-a left out cannot follow. A
// query from it is refused, naming the VPC left out, never a certain
// "not reachable" at vpc-b's internet gateway
// (PRIVATE_ADDRESS_ON_INTERNET); one to it is indeterminate. check,
// ports and fix agree.
func TestVPCLeftOutPrivateAddress(t *testing.T) {
	dump := peeringDump(t)
	code, stdout, stderr := runArgs("check", "--aws", dump, "--from", "10.1.1.10", "--to", "10.2.1.10", "--proto", "tcp", "--port", "22")
	require.Equal(t, exitReachable, code, stdout+stderr) // with every VPC

	vpcB := []string{"--aws", dump, "--vpc", "vpc-b"}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // part of it
		stderr string // part of it
	}{
		{"check from it", []string{"check", "--from", "10.1.1.10", "--to", "10.2.1.10", "--proto", "tcp", "--port", "22"}, exitUsage, "",
			"10.1.1.10 is the address of vpc-a, which reachsim does not model (IPv4 block of VPC vpc-a, left out (not among the VPCs chosen))"},
		{"check from it, to a name", []string{"check", "--from", "10.1.1.10", "--to", "b", "--proto", "tcp", "--port", "22"}, exitUsage, "", "cannot be a query's source"},
		{"ports from it", []string{"ports", "--from", "10.1.1.10", "--to", "10.2.1.10", "--proto", "tcp"}, exitUsage, "", "cannot be a query's source"},
		{"fix from it", []string{"fix", "--from", "10.1.1.10", "--to", "10.2.1.10", "--proto", "tcp", "--port", "22"}, exitUsage, "", "cannot be a query's source"},
		{"check to it", []string{"check", "--from", "b", "--to", "10.1.1.10", "--proto", "tcp", "--port", "22"}, exitIndeterminate,
			"to 10.1.1.10 of vpc-a, outside the design (not modelled)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{tt.args[0]}, vpcB...), tt.args[1:]...)
			code, stdout, stderr := runArgs(args...)
			assert.Equal(t, tt.code, code, stdout+stderr)
			assert.NotContains(t, stdout, "PRIVATE_ADDRESS_ON_INTERNET")
			assert.Contains(t, stdout, tt.stdout)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

// lint with --vpc: a group left out with its VPC is in the input, so a
// rule referencing it is no REF_MISSING_GROUP (whose fix would remove
// the rule "if the group is gone", cutting a -> b tcp/5432): lint says in
// "skipped" that it is left out, and it fails no --fail-on.
func TestLintVPCLeftOutGroup(t *testing.T) {
	dump := peeringDump(t)
	code, stdout, stderr := runArgs("lint", "--aws", dump, "--vpc", "vpc-b", "--json", "--only", "REF_MISSING_GROUP")
	require.NotEqual(t, exitUsage, code, stderr)
	require.Contains(t, stderr, "security group sg-a (referenced by sg-b rule #1 allows tcp/5432 from sg-a) is left out with its VPC vpc-a")
	var res struct {
		Findings []struct {
			ID      string   `json:"id"`
			Related []string `json:"related"`
		} `json:"findings"`
		Skipped []string `json:"skipped"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &res), stdout)
	var related []string
	for _, f := range res.Findings {
		assert.Equal(t, "REF_MISSING_GROUP", f.ID)
		related = append(related, f.Related...)
	}
	assert.Equal(t, []string{"sg-0remote"}, related, "sg-0remote is missing, sg-a left out")
	assert.Contains(t, res.Skipped, "REF_MISSING_GROUP: sg-b rule #1 (tcp/5432 from sg-a) references security group sg-a, which is left out with its VPC vpc-a (not among the VPCs chosen), not missing: not a finding; queries only it could allow are indeterminate")
}

// diff --vpc names the VPCs of two dumps: a VPC one of them holds is
// added (or removed) with its interfaces, as diff compares an interface
// in one input only; one neither holds is bad input.
func TestDiffVPCInOneInputOnly(t *testing.T) {
	before := peeringDump(t)
	after := peeringDump(t)
	addVPCD(t, after)
	tests := []struct {
		name          string
		before, after string
		vpc           string
		code          int
		stdout        string // part of it
		stderr        string // part of it
	}{
		{"without --vpc", before, after, "", exitNotReachable, "eni-d", ""},
		{"a VPC the change adds", before, after, "vpc-b,vpc-d", exitNotReachable, "eni-d", ""},
		{"a VPC the change removes", after, before, "vpc-b,vpc-d", exitNotReachable, "eni-d", ""},
		{"a VPC neither holds", before, after, "vpc-b,vpc-z", exitUsage, "", "reachsim diff: --vpc vpc-z: neither dump holds it (not in --before, not in --after)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"diff", "--before", tt.before, "--after", tt.after}
			if tt.vpc != "" {
				args = append(args, "--vpc", tt.vpc)
			}
			code, stdout, stderr := runArgs(args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stdout, tt.stdout)
			assert.Contains(t, stderr, tt.stderr)
			assert.NotContains(t, stderr, "Options.VPCs")
		})
	}
}

// A security group rule without an sgr- ID has one number everywhere:
// its position in its group from 0 (sg.Rule.Label), in check's trace,
// the loader's warnings, audit and lint.
func TestRuleNumberingAgrees(t *testing.T) {
	dump := peeringDump(t)
	_, checkOut, checkErr := runArgs("check", "--aws", dump, "--vpc", "vpc-b", "--from", "198.51.100.9", "--to", "b", "--proto", "tcp", "--port", "22")
	_, auditOut, _ := runArgs("audit", "--aws", dump, "--vpc", "vpc-b")
	_, lintOut, _ := runArgs("lint", "--aws", dump, "--vpc", "vpc-b")
	tests := []struct {
		name, out, pattern string
	}{
		{"check's trace", checkOut, `sg-b rule (#\d+) allows tcp/22 from 0\.0\.0\.0/0`},
		{"audit", auditOut, `sg-b rule (#\d+) \(tcp/22 from 0\.0\.0\.0/0\)`},
		{"lint", lintOut, `sg-b rule (#\d+) \(tcp/22 from 0\.0\.0\.0/0\)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := regexp.MustCompile(tt.pattern).FindStringSubmatch(tt.out)
			require.NotNil(t, m, tt.out)
			assert.Equal(t, "#0", m[1], "sg-b's first rule")
		})
	}
	assert.Contains(t, checkErr, "sg-b rule #1 allows tcp/5432 from sg-a", "the loader's warning numbers sg-b's second rule #1")
}

// The messages of --vpc and of the questions: --vpc with --terraform
// says it applies to --aws only; fix, ports and sources state the
// --app, --domain and ICMP message they were asked.
func TestVPCAndQueryMessages(t *testing.T) {
	plan := filepath.Join("..", "..", "terraform", "testdata", "change.json")
	dump := peeringDump(t)
	tests := []struct {
		name     string
		args     []string
		code     int
		firstOut string // part of stdout's first line
		stderr   string // part of it
	}{
		{"check --terraform --vpc", []string{"check", "--terraform", plan, "--vpc", "vpc-b", "--from", "a", "--to", "b", "--proto", "tcp", "--port", "22"}, exitUsage, "",
			"reachsim check: --vpc applies to --aws only, not to --terraform: a Terraform plan is modelled whole"},
		{"diff --before-terraform --vpc", []string{"diff", "--before-terraform", plan, "--after", dump, "--vpc", "vpc-b"}, exitUsage, "",
			"reachsim diff: before: --vpc applies to --aws only, not to --before-terraform"},
		{"fix --app --domain", []string{"fix", "--aws", dump, "--vpc", "vpc-b", "--from", "198.51.100.9", "--to", "b", "--proto", "tcp", "--port", "443", "--app", "tls", "--domain", "x.example"}, exitReachable,
			"198.51.100.9 -> b tcp/443 (client port 50000, app tls, domain x.example): unreachable; wanted reachable", ""},
		{"fix, an echo request", []string{"fix", "--demo", "--from", "web-1", "--to", "db-1", "--proto", "icmp"}, exitReachable,
			"web-1 -> db-1 icmp type 8 code 0: unreachable", ""},
		{"fix, an ICMP error", []string{"fix", "--demo", "--from", "web-1", "--to", "db-1", "--proto", "icmp", "--icmp-type", "3", "--icmp-code", "4"}, exitReachable,
			"web-1 -> db-1 icmp type 3 code 4: unreachable", ""},
		{"ports --app --domain", []string{"ports", "--demo", "--from", "web-1", "--to", "db-1", "--proto", "tcp", "--app", "tls", "--domain", "x.example"}, exitNotReachable,
			"tcp 10.0.1.10 -> 10.0.3.30 (app tls, domain x.example): the destination ports that work", ""},
		{"sources --app --domain", []string{"sources", "--demo", "--to", "db-1", "--proto", "tcp", "--port", "443", "--app", "tls", "--domain", "x.example"}, exitNotReachable,
			"who reaches db-1 (eni-db1) over tcp port 443 (app tls, domain x.example):", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(tt.args...)
			assert.Equal(t, tt.code, code, stdout+stderr)
			first, _, _ := strings.Cut(stdout, "\n")
			assert.Contains(t, first, tt.firstOut)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

// fix --json states the query as asked: its ICMP message (an echo
// request by default), --app and --domain.
func TestFixJSONQuery(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an echo request", []string{"--proto", "icmp"}, `{"from":"web-1","to":"db-1","protocol":"icmp","icmp_type":8,"icmp_code":0}`},
		{"an ICMP error", []string{"--proto", "icmp", "--icmp-type", "3", "--icmp-code", "4"}, `{"from":"web-1","to":"db-1","protocol":"icmp","icmp_type":3,"icmp_code":4}`},
		{"tcp with an app and a domain", []string{"--proto", "tcp", "--port", "443", "--app", "tls", "--domain", "x.example"},
			`{"from":"web-1","to":"db-1","protocol":"tcp","port":443,"src_port":50000,"domain":"x.example","app":"tls"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(append([]string{"fix", "--demo", "--from", "web-1", "--to", "db-1", "--json"}, tt.args...)...)
			require.Equal(t, exitReachable, code, stderr)
			var res struct {
				Query json.RawMessage `json:"query"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &res))
			assert.JSONEq(t, tt.want, string(res.Query))
		})
	}
}

// VPCs left out that share a CIDR block (vpc-a and vpc-e on 10.1.0.0/16):
// an address of it is named by both, sorted, in an error and in an
// answer. Only the first VPC of describe-vpcs was named.
func TestVPCLeftOutSharedBlock(t *testing.T) {
	dump := peeringDump(t)
	appendToList(t, dump, "vpcs.json", "Vpcs", `{"VpcId": "vpc-e", "State": "available", "CidrBlock": "10.1.0.0/16", "OwnerId": "111122223333",
		"CidrBlockAssociationSet": [{"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}}]}`)
	for _, tc := range []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string // parts of them
	}{
		{"check from it", []string{"check", "--from", "10.1.1.10", "--to", "10.2.1.10", "--proto", "tcp", "--port", "22"}, exitUsage, "",
			"10.1.1.10 is the address of vpc-a or vpc-e, which reachsim does not model (IPv4 block of VPCs vpc-a and vpc-e, left out (not among the VPCs chosen))"},
		{"check to it", []string{"check", "--from", "b", "--to", "10.1.1.10", "--proto", "tcp", "--port", "22"}, exitIndeterminate,
			"to 10.1.1.10 of vpc-a or vpc-e, outside the design (not modelled)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{tc.args[0]}, "--aws", dump, "--vpc", "vpc-b"), tc.args[1:]...)
			code, stdout, stderr := runArgs(args...)
			assert.Equal(t, tc.code, code, stdout+stderr)
			assert.Contains(t, stdout, tc.stdout)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

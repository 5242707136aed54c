package aws_test

import (
	"errors"
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

// twinFS is the peering dump plus vpc-d, a twin of vpc-a on the same
// block 10.1.0.0/16 whose interface eni-d ("d") holds eni-a's address
// 10.1.1.10, with a security group allowing nothing in, an internet
// gateway and a Block Public Access mode of its own. Real accounts often
// hold such twins; one design cannot.
func twinFS(t *testing.T) fstest.MapFS {
	t.Helper()
	return vpcDFS(t, "10.1", `, "BlockPublicAccessStates": {"InternetGatewayBlockMode": "block-bidirectional"}`, "")
}

// vpcDFS is the peering dump plus vpc-d on net+".0.0/16" ("10.1"): a
// subnet net+".1.0/24" holding eni-d ("d", net+".1.10", public IP
// public unless ""), whose group sg-d admits nothing in, a default ACL
// open both ways, and a main route table sending 0.0.0.0/0 to its
// internet gateway igw-d; vpcExtra adds fields to its describe-vpcs
// element.
func vpcDFS(t *testing.T, net, vpcExtra, public string) fstest.MapFS {
	t.Helper()
	fsys := peeringFS(t)
	add := func(file, key, format string, args ...any) {
		loadEdit(t, fsys, "peering/"+file, func(doc map[string]any) { loadAppend(doc, loadJSON(fmt.Sprintf(format, args...)), key) })
	}
	assoc := ""
	if public != "" {
		assoc = fmt.Sprintf(`, "Association": {"PublicIp": %q, "IpOwnerId": "amazon"}`, public)
	}
	add("vpcs.json", "Vpcs", `{"VpcId": "vpc-d", "State": "available", "CidrBlock": "%[1]s.0.0/16", "OwnerId": "111122223333",
		"CidrBlockAssociationSet": [{"CidrBlock": "%[1]s.0.0/16", "CidrBlockState": {"State": "associated"}}]%[2]s}`, net, vpcExtra)
	add("subnets.json", "Subnets", `{"SubnetId": "subnet-d", "VpcId": "vpc-d", "CidrBlock": "%s.1.0/24", "AvailabilityZone": "us-east-1a"}`, net)
	add("network-interfaces.json", "NetworkInterfaces", `{"NetworkInterfaceId": "eni-d", "SubnetId": "subnet-d", "VpcId": "vpc-d",
		"PrivateIpAddress": "%[1]s.1.10", "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "%[1]s.1.10"%[2]s}]%[2]s,
		"Groups": [{"GroupId": "sg-d", "GroupName": "d"}], "Status": "in-use", "InterfaceType": "interface",
		"Attachment": {"InstanceId": "i-d", "DeviceIndex": 0, "Status": "attached"},
		"TagSet": [{"Key": "Name", "Value": "d"}]}`, net, assoc)
	add("security-groups.json", "SecurityGroups", `{"GroupId": "sg-d", "GroupName": "d", "Description": "d", "OwnerId": "111122223333", "VpcId": "vpc-d",
		"IpPermissions": [], "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}`)
	add("route-tables.json", "RouteTables", `{"RouteTableId": "rtb-d", "VpcId": "vpc-d",
		"Associations": [{"Main": true, "RouteTableAssociationId": "rtbassoc-d", "RouteTableId": "rtb-d", "AssociationState": {"State": "associated"}}],
		"Routes": [{"DestinationCidrBlock": "%s.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
			{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-d", "Origin": "CreateRoute", "State": "active"}]}`, net)
	add("network-acls.json", "NetworkAcls", `{"NetworkAclId": "acl-d", "VpcId": "vpc-d", "IsDefault": true,
		"Associations": [{"NetworkAclAssociationId": "aclassoc-d", "NetworkAclId": "acl-d", "SubnetId": "subnet-d"}],
		"Entries": [{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
			{"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}]}`)
	add("internet-gateways.json", "InternetGateways", `{"InternetGatewayId": "igw-d", "Attachments": [{"State": "available", "VpcId": "vpc-d"}]}`)
	return fsys
}

func TestLoadChosenVPCs(t *testing.T) {
	fsys := twinFS(t)
	_, _, err := aws.LoadFS(fsys, "peering")
	require.Error(t, err, "two VPCs holding 10.1.1.10 are not one design")
	assert.ErrorContains(t, err, "vpc-a and vpc-d")
	assert.ErrorIs(t, err, reach.ErrSharedAddress)
	assert.ErrorContains(t, err, "model them one at a time with Options.VPCs (reachsim --vpc ID,...)")

	type query struct {
		from, to string
		want     reach.Outcome
	}
	tests := []struct {
		name   string
		vpcs   []string
		counts map[string]int
		warn   []string // warnings that must be there
		checks []query
	}{
		{
			name:   "the original three",
			vpcs:   []string{"vpc-a", "vpc-b", "vpc-c"},
			counts: map[string]int{"vpcs": 3, "subnets": 4, "network-interfaces": 4, "security-groups": 3, "route-tables": 4, "network-acls": 3, "internet-gateways": 1},
			checks: []query{{"a", "b", reach.Reachable}, {"b", "10.1.1.10", reach.Reachable}},
		},
		{
			name:   "the twin alone",
			vpcs:   []string{"vpc-d"},
			counts: map[string]int{"vpcs": 1, "subnets": 1, "network-interfaces": 1, "security-groups": 1, "route-tables": 1, "network-acls": 1, "internet-gateways": 1, "vpc-peering-connections": 0},
			// the Block Public Access mode is the Region's: the twin's
			// record says block-bidirectional, so the internet is cut
			checks: []query{{"d", "203.0.113.9", reach.Unreachable}},
		},
		{
			name:   "one side of a peering",
			vpcs:   []string{"vpc-a"},
			counts: map[string]int{"vpcs": 1, "subnets": 1, "network-interfaces": 1, "security-groups": 1, "vpc-peering-connections": 0},
			warn: []string{"peering connection pcx-ab joins vpc-a and vpc-b, but vpc-b (account 111122223333) 10.2.0.0/16 is left out (not among the VPCs chosen)",
				"route 10.2.0.0/16 -> pcx-ab (VPC peering connection) of rtb-a: the peering connection (vpc-a and vpc-b) joins a VPC left out"},
			// what lies beyond the peering is not in the design: never a
			// certain answer there
			checks: []query{{"a", "10.2.1.10", reach.Indeterminate}},
		},
		{
			name:   "the other side of a peering",
			vpcs:   []string{"vpc-b"},
			counts: map[string]int{"vpcs": 1, "subnets": 2, "network-interfaces": 2, "security-groups": 1},
			warn:   []string{"security group sg-a (referenced by sg-b rule #1 allows tcp/5432 from sg-a) is left out with its VPC vpc-a (not among the VPCs chosen)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, rep, err := aws.LoadFSWith(fsys, aws.Options{VPCs: tt.vpcs}, "peering")
			require.NoError(t, err)
			for k, n := range tt.counts {
				assert.Equal(t, n, rep.Counts[k], k)
			}
			for _, w := range tt.warn {
				assert.True(t, hasWarning(rep.Warnings, w), "no warning %q in\n%s", w, strings.Join(rep.Warnings, "\n"))
			}
			for _, w := range rep.Warnings {
				for _, id := range []string{"eni-d", "sg-d", "igw-d", "rtb-d", "acl-d", "i-d"} {
					if !contains(tt.vpcs, "vpc-d") {
						assert.NotContains(t, w, id, "a resource of a VPC left out is not warned about")
					}
				}
			}
			// the Region's mode, read from vpc-d's record even when it is
			// left out
			assert.Equal(t, reach.BlockBidirectional, m.BlockPublicAccess().Mode)
			for _, q := range tt.checks {
				r, err := m.Check(reach.Query{From: q.from, To: q.to, Protocol: flow.TCP, Port: 22})
				require.NoError(t, err)
				assert.Equal(t, q.want, r.Outcome, "%s -> %s\n%s", q.from, q.to, r.Text())
			}
		})
	}
}

func TestLoadChosenVPCNotInInput(t *testing.T) {
	_, _, err := aws.LoadFSWith(peeringFS(t), aws.Options{VPCs: []string{"vpc-a", "vpc-zz"}}, "peering")
	require.ErrorIs(t, err, aws.ErrVPCNotInInput)
	assert.NotErrorIs(t, err, aws.ErrInvalidDump, "the choice is wrong, not the dump")
	assert.ErrorContains(t, err, `"vpc-zz" is not in the input (it holds vpc-a, vpc-b, vpc-c)`)
}

func hasWarning(ws []string, part string) bool {
	for _, w := range ws {
		if strings.Contains(w, part) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// A transit gateway attachment of a VPC left out stays: traffic the
// gateway sends it is indeterminate, and says why.
func TestLoadChosenVPCBehindTransitGateway(t *testing.T) {
	fsys := tgwFS(t)
	m, rep, err := aws.LoadFSWith(fsys, aws.Options{VPCs: []string{"vpc-demo"}}, "aws")
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Counts["vpcs"])
	assert.True(t, hasWarning(rep.Warnings, "VPC vpc-hub of attachment tgw-attach-hub is left out (not among the VPCs chosen)"), strings.Join(rep.Warnings, "\n"))
	r, err := m.Check(tgwQuery("10.50.1.10"))
	require.NoError(t, err)
	assert.Equal(t, reach.Indeterminate, r.Outcome, r.Text())
	assert.Contains(t, r.Text(), "not among the VPCs chosen")
	_, err = m.Check(tgwQuery("hub-1"))
	assert.Error(t, err, "an interface of a VPC left out is not in the design")
}

// Choosing every VPC is choosing none: the same report and the same
// answers, on each dump the tests load.
func TestLoadChoosingEveryVPCChangesNothing(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		dir  string
		vpcs []string
	}{
		{"peering", peeringFS(t), "peering", []string{"vpc-c", "vpc-b", "vpc-a"}},
		{"transit gateway", tgwFS(t), "aws", []string{"vpc-hub", "vpc-demo"}},
		{"sample", loadSampleFS(t), "aws", []string{"vpc-demo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all, rep, err := aws.LoadFS(tt.fsys, tt.dir)
			require.NoError(t, err)
			chosen, repChosen, err := aws.LoadFSWith(tt.fsys, aws.Options{VPCs: tt.vpcs}, tt.dir)
			require.NoError(t, err)
			assert.Equal(t, rep, repChosen)
			var names []string
			for _, ii := range all.Interfaces() {
				names = append(names, ii.ID)
			}
			names = append(names, "203.0.113.9", "10.2.1.10", "10.50.1.10", "192.168.1.1")
			for _, from := range names[:len(names)-4] {
				for _, to := range names {
					for _, port := range []uint16{22, 443, 5432} {
						q := reach.Query{From: from, To: to, Protocol: flow.TCP, Port: port}
						a, errA := all.Check(q)
						b, errB := chosen.Check(q)
						if errA != nil {
							assert.Equal(t, errA.Error(), errB.Error())
							continue
						}
						require.NoError(t, errB)
						assert.Equal(t, a.Text(), b.Text())
					}
				}
			}
		})
	}
}

// A VPC left out leaves no trace: the twin dump with vpc-a, vpc-b and
// vpc-c chosen answers as the dump without vpc-d does, and reports the
// same (vpc-d's Block Public Access record removed, as that is the
// Region's and read from every VPC).
func TestLoadVPCLeftOutLeavesNoTrace(t *testing.T) {
	twin := twinFS(t)
	loadEdit(t, twin, "peering/vpcs.json", func(doc map[string]any) {
		delete(loadObj(doc, "Vpcs", 3), "BlockPublicAccessStates")
	})
	without, rep, err := aws.LoadFS(peeringFS(t), "peering")
	require.NoError(t, err)
	chosen, repChosen, err := aws.LoadFSWith(twin, aws.Options{VPCs: []string{"vpc-a", "vpc-b", "vpc-c"}}, "peering")
	require.NoError(t, err)
	assert.Equal(t, rep.Counts, repChosen.Counts)
	assert.Equal(t, rep.Warnings, repChosen.Warnings)
	ends := []string{"a", "b", "b2", "c", "10.1.1.10", "10.1.1.11", "203.0.113.9"}
	for _, from := range ends[:4] {
		for _, to := range ends {
			for _, proto := range []flow.Protocol{flow.TCP, flow.UDP} {
				q := reach.Query{From: from, To: to, Protocol: proto, Port: 5432}
				a, err := without.Check(q)
				b, err2 := chosen.Check(q)
				if errors.Is(err, reach.ErrQuery) { // an interface to its own address: the same error
					require.EqualError(t, err2, err.Error())
					continue
				}
				require.NoError(t, err)
				require.NoError(t, err2)
				assert.Equal(t, a.Text(), b.Text())
			}
		}
	}
}

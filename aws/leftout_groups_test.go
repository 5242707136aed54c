package aws_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/reach"
)

// zlbFS is the sample dump with sg-zlb (tcp/443 from 0.0.0.0/0, all
// traffic out when egress) attached to eni-alb1, the network interface of
// an Application Load Balancer (InterfaceType load_balancer, which
// aws.Load leaves out), and, when onWeb, to web-1's eni-web1 too, whose
// sg-web opens tcp/443 to 0.0.0.0/0 already.
func zlbFS(t *testing.T, onWeb, egress bool) fstest.MapFS {
	fsys := loadSampleFS(t)
	out := []any{}
	if egress {
		out = []any{map[string]any{"IpProtocol": "-1",
			"IpRanges": []any{map[string]any{"CidrIp": "0.0.0.0/0"}}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}}}
	}
	loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) {
		loadAppend(doc, map[string]any{
			"GroupId": "sg-zlb", "GroupName": "alb", "VpcId": "vpc-demo", "Description": "HTTPS to the load balancer", "OwnerId": "111122223333",
			"IpPermissions": []any{map[string]any{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
				"IpRanges": []any{map[string]any{"CidrIp": "0.0.0.0/0"}}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}}},
			"IpPermissionsEgress": out,
		}, "SecurityGroups")
	})
	zlb := map[string]any{"GroupId": "sg-zlb", "GroupName": "alb"}
	loadEdit(t, fsys, "aws/network-interfaces.json", func(doc map[string]any) {
		if onWeb {
			for _, e := range doc["NetworkInterfaces"].([]any) {
				if e := e.(map[string]any); e["NetworkInterfaceId"] == "eni-web1" {
					e["Groups"] = append(e["Groups"].([]any), zlb)
				}
			}
		}
		loadAppend(doc, map[string]any{
			"NetworkInterfaceId": "eni-alb1", "InterfaceType": "load_balancer", "Status": "in-use", "SubnetId": "subnet-public", "VpcId": "vpc-demo",
			"Description": "ELB app/web-alb/50dc6c495c0c9188", "RequesterManaged": true,
			"PrivateIpAddress": "10.0.1.77", "PrivateIpAddresses": []any{map[string]any{"Primary": true, "PrivateIpAddress": "10.0.1.77"}},
			"Groups":     []any{zlb},
			"Attachment": map[string]any{"Status": "attached", "DeviceIndex": 1, "InstanceOwnerId": "amazon-elb"},
		}, "NetworkInterfaces")
	})
	if onWeb {
		loadEdit(t, fsys, "aws/instances.json", func(doc map[string]any) {
			for _, r := range doc["Reservations"].([]any) {
				for _, in := range r.(map[string]any)["Instances"].([]any) {
					for _, e := range in.(map[string]any)["NetworkInterfaces"].([]any) {
						if e := e.(map[string]any); e["NetworkInterfaceId"] == "eni-web1" {
							e["Groups"] = append(e["Groups"].([]any), zlb)
						}
					}
				}
			}
		})
	}
	return fsys
}

// TestLeftOutInterfaceGroupsInUse: a security group attached to an
// interface aws.Load leaves out (a load balancer's) is in use: lint
// neither reports it SG_UNUSED ("delete security group") nor its rules
// SG_RULE_IMPLIED ("remove rule"), which would close the load balancer's
// listener (the rules of an interface's groups are a union, semantics.md
// A.1), and says in Skipped why it does not weigh them.
func TestLeftOutInterfaceGroupsInUse(t *testing.T) {
	for _, tc := range []struct {
		name          string
		onWeb, egress bool
	}{
		{"shared with an instance whose group implies its rules", true, true},
		{"the load balancer's alone", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, err := aws.LoadFS(zlbFS(t, tc.onWeb, tc.egress), "aws")
			require.NoError(t, err)
			assert.Contains(t, m.UnmodelledGroupUses(), reach.UnmodelledGroupUse{Owner: "eni-alb1",
				What: "network interface of a load balancer (InterfaceType load_balancer)", Groups: []string{"sg-zlb"}})
			res, err := m.Lint(reach.LintOptions{Only: []string{reach.LintSGRuleImplied, reach.LintSGUnused}})
			require.NoError(t, err)
			for _, f := range res.Findings {
				assert.NotEqual(t, "sg-zlb", f.Resource, "eni-alb1 uses sg-zlb: %s: %s (fix: %s)", f.ID, f.Message, f.Fix)
			}
			assert.Contains(t, res.Skipped, "SG_RULE_IMPLIED: the rules of sg-zlb are not weighed: eni-alb1 (network interface of a load balancer (InterfaceType load_balancer)) uses it, which reachsim does not model (its other groups' rules may not cover them)")
			// a model changed by Apply keeps the use
			again, err := m.Apply(nil)
			require.NoError(t, err)
			assert.Equal(t, m.UnmodelledGroupUses(), again.UnmodelledGroupUses())
		})
	}
}

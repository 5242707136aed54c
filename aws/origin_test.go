package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// TestOrigins: the loader tells the model where each group, ACL, route
// table, firewall, interface and stateful rule group is in the input, for
// lint findings.
func TestOrigins(t *testing.T) {
	m, _, err := aws.LoadFS(sample.AWSDump, "aws")
	require.NoError(t, err)
	for _, c := range []struct {
		kind, id string
		want     reach.Origin
	}{
		{reach.ResourceSecurityGroup, "sg-web", reach.Origin{File: "aws/security-groups.json", Path: "SecurityGroups[1]"}},
		{reach.ResourceNetworkACL, "acl-db", reach.Origin{File: "aws/network-acls.json", Path: "NetworkAcls[2]"}},
		{reach.ResourceRouteTable, "rtb-edge", reach.Origin{File: "aws/route-tables.json", Path: "RouteTables[2]"}},
		{reach.ResourceInterface, "eni-web1", reach.Origin{File: "aws/network-interfaces.json", Path: "NetworkInterfaces[2]"}},
		{reach.ResourceFirewall, "arn:aws:network-firewall:us-east-1:111122223333:firewall/demo-firewall", reach.Origin{File: "aws/firewall.json", Path: "Firewall"}},
		{reach.ResourceStatefulRuleGroup, "inbound-web", reach.Origin{File: "aws/rule-group-inbound-web.json", Path: "RuleGroupResponse"}},
	} {
		got, ok := m.Origin(c.kind, c.id)
		if assert.True(t, ok, "%s %s", c.kind, c.id) {
			assert.Equal(t, c.want, got, "%s %s", c.kind, c.id)
		}
	}
	_, ok := m.Origin(reach.ResourceSecurityGroup, "sg-none")
	assert.False(t, ok)
}

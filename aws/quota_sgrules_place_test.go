package aws_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
)

// TestQuotaPlaceOfGroupRules: a quota warning for a group's rules points
// at the file that lists the rules counted. When
// describe-security-group-rules lists the group's rules, the loader uses
// those (and warns when describe-security-groups lists others): the
// warning is placed at the group's first rule there, not at the
// describe-security-groups element, which may list only a few.
func TestQuotaPlaceOfGroupRules(t *testing.T) {
	addRules := func(fsys fstest.MapFS) {
		loadEdit(t, fsys, "aws/security-group-rules.json", func(doc map[string]any) {
			for i := range 61 {
				loadAppend(doc, map[string]any{"SecurityGroupRuleId": fmt.Sprintf("sgr-q%d", i), "GroupId": "sg-app",
					"GroupOwnerId": "111122223333", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 1000 + i, "ToPort": 1000 + i,
					"CidrIpv4": fmt.Sprintf("10.9.%d.0/24", i)}, "SecurityGroupRules")
			}
		})
		loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) { // the two files agree
			for i := range 61 {
				loadAppend(doc, map[string]any{"IpProtocol": "tcp", "FromPort": 1000 + i, "ToPort": 1000 + i,
					"IpRanges": []any{map[string]any{"CidrIp": fmt.Sprintf("10.9.%d.0/24", i)}}}, "SecurityGroups", 2, "IpPermissions")
			}
		})
	}
	tests := []struct {
		name string
		edit func(fsys fstest.MapFS)
		want string // the warning's place
	}{
		{"rules from security-group-rules.json, group in both files", addRules,
			"aws/security-group-rules.json: SecurityGroupRules[0]: security group sg-app: 62 inbound IPv4 rules"},
		{"group only in security-group-rules.json", func(fsys fstest.MapFS) {
			addRules(fsys)
			loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) {
				loadRemove(doc, func(g map[string]any) bool { return g["GroupId"] == "sg-app" }, "SecurityGroups")
			})
		}, "aws/security-group-rules.json: SecurityGroupRules[0]: security group sg-app: 62 inbound IPv4 rules"},
		{"rules from security-groups.json alone", func(fsys fstest.MapFS) {
			delete(fsys, "aws/security-group-rules.json")
			loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) {
				for i := range 61 {
					loadAppend(doc, map[string]any{"IpProtocol": "tcp", "FromPort": 1000 + i, "ToPort": 1000 + i,
						"IpRanges": []any{map[string]any{"CidrIp": fmt.Sprintf("10.9.%d.0/24", i)}}}, "SecurityGroups", 2, "IpPermissions")
				}
			})
		}, "aws/security-groups.json: SecurityGroups[2]: security group sg-app: 62 inbound IPv4 rules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			tt.edit(fsys)
			_, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			var quota []string
			for _, w := range rep.Warnings {
				if strings.Contains(w, "above the quota") {
					quota = append(quota, w)
				}
			}
			require.Len(t, quota, 1, "%q", rep.Warnings)
			assert.True(t, strings.HasPrefix(quota[0], tt.want), "got %s\nwant %s…", quota[0], tt.want)
		})
	}
}

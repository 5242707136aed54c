package aws_test

import (
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/reach"
)

// TestLintOriginOfGroupRules: a lint finding about a rule that
// describe-security-group-rules gave names the rule's element there
// (SecurityGroupRules[i]), not its group's describe-security-groups
// element; a group above the quota of rules names its first rule there,
// as its quota warning does. Rules of describe-security-groups alone keep
// the group's element.
func TestLintOriginOfGroupRules(t *testing.T) {
	// sgr-dup repeats sgr-web-ssh (element 5): the second of two equal
	// rules is the one SG_RULE_IMPLIED reports
	dup := map[string]any{"SecurityGroupRuleId": "sgr-dup", "GroupId": "sg-web", "GroupOwnerId": "111122223333", "IsEgress": false,
		"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "198.51.100.0/24"}
	tests := []struct {
		name       string
		edit       func(t *testing.T, fsys fstest.MapFS)
		id, rule   string
		wantOrigin string
	}{
		{"an implied rule of security-group-rules.json", func(t *testing.T, fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/security-group-rules.json", func(doc map[string]any) { loadAppend(doc, dup, "SecurityGroupRules") })
		}, reach.LintSGRuleImplied, "sgr-dup", "aws/security-group-rules.json: SecurityGroupRules[9]"},
		{"a rule by a prefix list the input lacks", func(t *testing.T, fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/security-group-rules.json", func(doc map[string]any) {
				loadAppend(doc, map[string]any{"SecurityGroupRuleId": "sgr-pl", "GroupId": "sg-db", "GroupOwnerId": "111122223333", "IsEgress": false,
					"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "PrefixListId": "pl-0123456789abcdef0"}, "SecurityGroupRules")
			})
			loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) { // the two files agree
				loadAppend(doc, map[string]any{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
					"PrefixListIds": []any{map[string]any{"PrefixListId": "pl-0123456789abcdef0"}}}, "SecurityGroups", 0, "IpPermissions")
			})
		}, reach.LintRefMissingPrefixList, "sgr-pl", "aws/security-group-rules.json: SecurityGroupRules[9]"},
		{"a group above the quota: its first rule there", func(t *testing.T, fsys fstest.MapFS) {
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
		}, reach.LintQuotaGroupRules, "inbound IPv4 rules", "aws/security-group-rules.json: SecurityGroupRules[0]"},
		{"rules of security-groups.json alone: the group's element", func(t *testing.T, fsys fstest.MapFS) {
			delete(fsys, "aws/security-group-rules.json")
			loadEdit(t, fsys, "aws/security-groups.json", func(doc map[string]any) {
				for range 2 {
					loadAppend(doc, map[string]any{"IpProtocol": "tcp", "FromPort": 2222, "ToPort": 2222,
						"IpRanges": []any{map[string]any{"CidrIp": "10.9.0.0/24"}}}, "SecurityGroups", 2, "IpPermissions")
				}
			})
		}, reach.LintSGRuleImplied, "", "aws/security-groups.json: SecurityGroups[2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSampleFS(t)
			tt.edit(t, fsys)
			m, _, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			res, err := m.Lint(reach.LintOptions{Only: []string{tt.id}})
			require.NoError(t, err)
			var found []string
			for _, f := range res.Findings {
				if f.ID != tt.id || (tt.rule != "" && f.Rule != tt.rule) {
					continue
				}
				require.NotNil(t, f.Origin, "%+v", f)
				found = append(found, f.Origin.String())
			}
			require.NotEmpty(t, found, "%s", res.Text())
			assert.Equal(t, tt.wantOrigin, found[0])
		})
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planWithRDS writes to a temporary directory the Terraform plan of
// planFile with an RDS instance (aws_db_instance.main, which the reader
// leaves out) in aws_security_group.db, the group db-1 wears.
func planWithRDS(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(planFile)
	require.NoError(t, err)
	var plan map[string]any
	require.NoError(t, json.Unmarshal(b, &plan))
	values := map[string]any{"id": "db-main", "identifier": "main", "vpc_security_group_ids": []any{"sg-db"}}
	res := map[string]any{"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
		"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 2, "values": values, "sensitive_values": map[string]any{}}
	root := plan["planned_values"].(map[string]any)["root_module"].(map[string]any)
	root["resources"] = append(root["resources"].([]any), res)
	plan["resource_changes"] = append(plan["resource_changes"].([]any), map[string]any{"address": "aws_db_instance.main", "mode": "managed",
		"type": "aws_db_instance", "name": "main", "provider_name": "registry.terraform.io/hashicorp/aws",
		"change": map[string]any{"actions": []any{"no-op"}, "before": values, "after": values, "after_unknown": map[string]any{}}})
	b, err = json.Marshal(plan)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// fix on a group an RDS instance also wears (the Terraform reader
// declares it, reach.Builder.AddUnmodelledGroupUse): the rule goes into a
// new group made for db-1, never into aws_security_group.db, whose rules
// AWS applies to the RDS instance too; the text names the RDS instance,
// and the AWS CLI commands and JSON follow. Without the RDS instance the
// group is db-1's alone and gets the rule.
func TestRunFixGroupUsedOutside(t *testing.T) {
	q := []string{"--from", "web-1", "--to", "db-1", "--proto", "tcp", "--port", "5432"}
	tests := []struct {
		name      string
		plan      string
		out, not  []string // in the text output, and not in it
		newGroup  bool     // a change of the JSON creates a group
		dbChanged bool     // a change of the JSON is to aws_security_group.db
	}{
		{"db-1 alone wears aws_security_group.db", planFile,
			[]string{"add to aws_security_group.db (used by db-1 (aws_instance.db) alone) the inbound rule tcp 5432 from 10.0.1.10/32",
				"aws ec2 authorize-security-group-ingress --group-id aws_security_group.db "},
			[]string{"create-security-group"}, false, true},
		{"an RDS instance wears it too", planWithRDS(t),
			[]string{"create security group sg-reachsim-aws_instance.db in aws_vpc.main with the inbound rule tcp 5432 from 10.0.1.10/32 " +
				"(every group of db-1 (aws_instance.db) is shared; aws_db_instance.main (aws_db_instance, which reachsim does not model) uses aws_security_group.db too, outside the model)",
				"SG_1=$(aws ec2 create-security-group --group-name reachsim-aws_instance.db ",
				`aws ec2 authorize-security-group-ingress --group-id "$SG_1" `,
				`aws ec2 modify-network-interface-attribute --network-interface-id aws_instance.db --groups aws_security_group.db "$SG_1"`,
				"other sessions changed: none"},
			[]string{"--group-id aws_security_group.db", "used by db-1 (aws_instance.db) alone"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(append([]string{"fix", "--terraform", tt.plan}, q...)...)
			require.Equal(t, 0, code, stderr)
			for _, s := range tt.out {
				assert.Contains(t, stdout, s)
			}
			for _, s := range tt.not {
				assert.NotContains(t, stdout, s)
			}
			code, stdout, stderr = runArgs(append([]string{"fix", "--terraform", tt.plan, "--json"}, q...)...)
			require.Equal(t, 0, code, stderr)
			var out struct {
				After    string `json:"after"`
				Changes  []map[string]any
				Commands []string `json:"commands"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
			assert.Equal(t, "reachable", out.After)
			newGroup, dbChanged := false, false
			for _, c := range out.Changes {
				newGroup = newGroup || c["new_group"] == true
				dbChanged = dbChanged || c["resource"] == "aws_security_group.db" && c["kind"] == "security-group"
			}
			assert.Equal(t, tt.newGroup, newGroup, "%v", out.Changes)
			assert.Equal(t, tt.dbChanged, dbChanged, "%v", out.Changes)
			assert.Equal(t, tt.dbChanged, strings.Contains(strings.Join(out.Commands, "\n"), "--group-id aws_security_group.db"), "%q", out.Commands)
		})
	}
}

package alibaba_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/alibaba"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/sg"
)

// keysGroup wraps permissions (JSON objects) in a basic VPC group.
func keysGroup(perms ...string) string {
	return `{"SecurityGroupId":"sg-a","VpcId":"vpc-1","SecurityGroupType":"normal","InnerAccessPolicy":"Accept","Permissions":{"Permission":[` + strings.Join(perms, ",") + `]}}`
}

// keysPerm is an ingress tcp/22 accept rule from 10.0.0.0/8 at priority 1
// with fields overridden (value "-" leaves the field out), in a fixed
// order.
func keysPerm(kv ...string) string {
	m := map[string]string{
		"Direction": `"ingress"`, "Policy": `"Accept"`, "Priority": `1`, "IpProtocol": `"TCP"`,
		"PortRange": `"22/22"`, "SourceCidrIp": `"10.0.0.0/8"`, "NicType": `"intranet"`,
	}
	order := []string{"Direction", "Policy", "Priority", "IpProtocol", "PortRange", "SourceCidrIp", "NicType"}
	for i := 0; i+1 < len(kv); i += 2 {
		if _, ok := m[kv[i]]; !ok {
			order = append(order, kv[i])
		}
		m[kv[i]] = kv[i+1]
	}
	var parts []string
	for _, k := range order {
		if v := m[k]; v != "-" {
			parts = append(parts, fmt.Sprintf("%q:%s", k, v))
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// TestParseSecurityGroupRefusesUnknownOrMissingRuleFields: a listed rule
// always carries Policy and Priority (DescribeSecurityGroupAttribute's
// response; the request's defaults, accept and 1, are not the
// response's), and a key that is no field of a Permission is refused,
// naming the key and the field it may stand for: read without it, a drop
// rule would become an accept rule, or move to priority 1 ahead of every
// accept rule.
func TestParseSecurityGroupRefusesUnknownOrMissingRuleFields(t *testing.T) {
	const p = "Permissions.Permission[0]"
	for _, tc := range []struct {
		name, perm string
		sentinel   error
		path, text string
		msg        string
	}{
		{"a misspelt Policy", keysPerm("Policy", "-", "Polcy", `"Drop"`), sg.ErrInvalidRule, p + ".Polcy", "Polcy", "unknown key in a Permission: did you mean Policy?"},
		{"AWS's Action", keysPerm("Policy", "-", "Action", `"Drop"`), sg.ErrInvalidRule, p + ".Action", "Action", "verdict as Policy (Accept or Drop), not AWS's Action"},
		{"a misspelt Priority on a drop rule", keysPerm("Policy", `"Drop"`, "Priority", "-", "Priorty", `100`), sg.ErrInvalidRule, p + ".Priorty", "Priorty", "did you mean Priority?"},
		{"a misspelt SourcePortRange", keysPerm("SourcePortRnage", `"1024/65535"`), sg.ErrInvalidRule, p + ".SourcePortRnage", "SourcePortRnage", "did you mean SourcePortRange?"},
		{"a key like no field", keysPerm("Comment", `"x"`), sg.ErrInvalidRule, p + ".Comment", "Comment", "unknown key in a Permission (a DescribeSecurityGroupAttribute rule has no such field"},
		{"a key that is no identifier", keysPerm("Source Cidr", `"x"`), sg.ErrInvalidRule, p + `["Source Cidr"]`, "Source Cidr", "unknown key in a Permission"},
		{"no Policy", keysPerm("Policy", "-"), sg.ErrInvalidRule, p + ".Policy", "", "the verdict is missing: want Accept or Drop"},
		{"an empty Policy", keysPerm("Policy", `""`), sg.ErrInvalidRule, p + ".Policy", "", "the verdict is missing"},
		{"no Priority", keysPerm("Priority", "-"), sg.ErrInvalidRule, p + ".Priority", "", "the priority is missing: want a number from 1 to 100"},
		{"a null Priority", keysPerm("Priority", "null"), sg.ErrInvalidRule, p + ".Priority", "null", "the priority is missing"},
		{"an empty Priority", keysPerm("Priority", `""`), sg.ErrInvalidRule, p + ".Priority", "", "the priority is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := alibaba.ParseSecurityGroup([]byte(keysGroup(tc.perm)), sg.AWS)
			require.Error(t, err, "read as %v", g.Rules)
			require.ErrorIs(t, err, tc.sentinel)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.path, ie.Path)
			assert.Equal(t, tc.text, ie.Text)
			assert.Equal(t, "sg-a", ie.Resource)
			assert.ErrorContains(t, err, tc.msg)
		})
	}
}

// TestParseSecurityGroupReadsPolicyAndPriority: the forms a listed rule
// gives them in, and the response's other fields, are read; a key in
// another letter case is the field, as encoding/json matches it.
func TestParseSecurityGroupReadsPolicyAndPriority(t *testing.T) {
	for _, tc := range []struct {
		name, perm string
		action     flow.Action
		priority   int
	}{
		{"a number", keysPerm("Priority", "7"), flow.Pass, 7},
		{"a string", keysPerm("Priority", `"100"`, "Policy", `"Drop"`), flow.Drop, 100},
		{"any letter case", keysPerm("Policy", `"drop"`), flow.Drop, 1},
		{"keys in another letter case", keysPerm("Policy", "-", "Priority", "-", "policy", `"Drop"`, "PRIORITY", `"3"`), flow.Drop, 3},
		{"the names and times Alibaba prints beside", keysPerm("SourceGroupName", `""`, "SourceGroupOwnerAccount", `""`, "SourcePrefixListName", `""`,
			"DestGroupName", `""`, "DestGroupOwnerAccount", `""`, "DestPrefixListName", `""`, "PortRangeListName", `""`, "CreateTime", `"2025-03-14T08:21:05Z"`), flow.Pass, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := alibaba.ParseSecurityGroup([]byte(keysGroup(tc.perm)), sg.AWS)
			require.NoError(t, err)
			require.Len(t, g.Rules, 1)
			assert.Equal(t, tc.action, g.Rules[0].Action)
			assert.Equal(t, tc.priority, g.Rules[0].Priority)
		})
	}
}

// TestParseSecurityGroupRefusesMisplacedRules: rules under a misspelt or
// misplaced wrapper are an error, not a group with no rules (for a basic
// group that would let out everything its egress drop rules drop). A
// group without Permissions, or with an empty list, has no rules.
func TestParseSecurityGroupRefusesMisplacedRules(t *testing.T) {
	const head = `{"SecurityGroupId":"sg-a","VpcId":"vpc-1","SecurityGroupType":"normal",`
	drop := keysPerm("Policy", `"Drop"`)
	for _, tc := range []struct {
		name, data, path string
	}{
		{"a misspelt Permissions", head + `"Permisions":{"Permission":[` + drop + `]}}`, "Permisions"},
		{"Permission at the top level", head + `"Permission":[` + drop + `]}`, "Permission"},
		{"AWS's IpPermissions", head + `"IpPermissions":[` + drop + `]}`, "IpPermissions"},
		{"Permissions.Permissions", head + `"Permissions":{"Permissions":[` + drop + `]}}`, "Permissions.Permissions"},
		{"a second list in Permissions", head + `"Permissions":{"Permission":[],"Rules":[` + drop + `]}}`, "Permissions.Rules"},
		{"a misplaced list beside the right one", head + `"Permissions":{"Permission":[` + drop + `]},"permission":[]}`, "permission"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := alibaba.ParseSecurityGroup([]byte(tc.data), sg.AWS)
			require.Error(t, err, "read with %d rules", len(g.Rules))
			require.ErrorIs(t, err, sg.ErrInvalidGroup)
			var ie *flow.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.path, ie.Path)
			assert.Equal(t, "sg-a", ie.Resource)
			assert.ErrorContains(t, err, "Permissions.Permission[]")
		})
	}
	for _, tc := range []struct{ name, data string }{
		{"no Permissions", head + `"RequestId":"x","RegionId":"cn-hangzhou"}`},
		{"an empty list", head + `"Permissions":{"Permission":[]}}`},
		{"an empty wrapper", head + `"Permissions":{}}`},
		{"a null wrapper", head + `"Permissions":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := alibaba.ParseSecurityGroup([]byte(tc.data), sg.AWS)
			require.NoError(t, err)
			assert.Empty(t, g.Rules)
		})
	}
}

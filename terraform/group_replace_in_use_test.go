package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// replacedWebGroup is existingPublicNet whose group web (sg-1, open to
// everything, on the existing instance web) the plan replaces (actions)
// by one of name newName allowing 22 only, the instance taking the new
// group by reference (updated in place), or, with replaceInstance, the
// instance replaced too.
func replacedWebGroup(t *testing.T, actions []string, newName string, replaceInstance bool) []byte {
	rs := existingPublicNet(false)
	old := rs[5].values
	rs[5] = planRes{typ: "aws_security_group", name: "web", values: map[string]any{"name": newName, "description": "v2", "vpc_id": "vpc-1",
		"ingress": []any{sgBlock(22)}, "egress": old["egress"]}, unknown: map[string]any{"id": true},
		exprs: map[string]any{"ingress": []string{}, "egress": []string{}, "vpc_id": "vpc-1", "name": newName, "description": "v2"}}
	web := publicWeb()
	web.values["vpc_security_group_ids"] = nil
	web.unknown = map[string]any{"vpc_security_group_ids": true}
	web.exprs = map[string]any{"vpc_security_group_ids": []string{"aws_security_group.web.id", "aws_security_group.web"}}
	created := map[string][]string{"aws_security_group.web": actions}
	before := map[string]map[string]any{"aws_instance.web": publicWeb().values}
	if replaceInstance {
		web.values = map[string]any{"subnet_id": "subnet-1", "associate_public_ip_address": true}
		web.unknown = map[string]any{"id": true, "private_ip": true, "public_ip": true, "vpc_security_group_ids": true}
		created["aws_instance.web"] = []string{"delete", "create"}
		before = nil
	}
	rs = append(rs, web)
	plan := changePlan(t, before, created, nil, rs...)
	return planEdit(t, plan, func(p map[string]any) {
		for _, c := range p["resource_changes"].([]any) {
			addr := c.(map[string]any)["address"]
			ch := c.(map[string]any)["change"].(map[string]any)
			switch addr {
			case "aws_security_group.web":
				ch["before"] = old
			case "aws_instance.web":
				if replaceInstance {
					ch["before"] = publicWeb().values
				}
			}
		}
	})
}

// TestReplacedGroupInUse: a security group the plan replaces while AWS
// still holds what stops it is an apply that fails, the old group
// staying: refused. Deleted first, the group is still on the instance
// that the plan updates to take the new one (DependencyViolation); with
// create_before_destroy, the new group keeps the old one's name
// (InvalidGroup.Duplicate). Once answered as if the new group (22 only)
// were in place.
func TestReplacedGroupInUse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		actions []string
		newName string
		want    string
	}{
		{"delete first, renamed", []string{"delete", "create"}, "web-v2", "DependencyViolation"},
		{"delete first, same name", []string{"delete", "create"}, "web", "DependencyViolation"},
		{"create before destroy, same name", []string{"create", "delete"}, "web", "InvalidGroup.Duplicate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := terraform.Parse("plan.json", replacedWebGroup(t, tc.actions, tc.newName, false), nil)
			require.ErrorIs(t, err, terraform.ErrInvalidPlan)
			assert.ErrorContains(t, err, "aws_security_group.web")
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// TestReplacedGroupApplies: replacements AWS carries out: with
// create_before_destroy and a new name (the instance moves to the new
// group, then the old one goes), or deleted first with the instance
// replaced too (Terraform destroys the instance before the group).
func TestReplacedGroupApplies(t *testing.T) {
	for _, tc := range []struct {
		name            string
		actions         []string
		newName         string
		replaceInstance bool
	}{
		{"create before destroy, renamed", []string{"create", "delete"}, "web-v2", false},
		{"delete first, the instance replaced too", []string{"delete", "create"}, "web-v2", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", replacedWebGroup(t, tc.actions, tc.newName, tc.replaceInstance), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 80))
			require.NoError(t, err)
			assert.Equal(t, reach.Unreachable, r.Outcome, "the new group allows 22 only\n%s", r.Text())
		})
	}
}

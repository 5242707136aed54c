package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// forgetRes appends a "forget" resource_changes entry (a removed block
// with lifecycle { destroy = false }) for each of rs, which are then not
// in planned_values.
func forgetRes(t *testing.T, plan []byte, rs ...planRes) []byte {
	t.Helper()
	return planEdit(t, plan, func(p map[string]any) {
		for _, r := range rs {
			rc := map[string]any{"address": r.typ + "." + r.name, "mode": "managed", "type": r.typ, "name": r.name,
				"change": map[string]any{"actions": []string{"forget"}, "before": r.values, "after": nil, "after_unknown": map[string]any{}}}
			p["resource_changes"] = append(p["resource_changes"].([]any), rc)
		}
	})
}

// splitRes takes the resource of type typ out of rs.
func splitRes(rs []planRes, typ string) (rest []planRes, it planRes) {
	for _, r := range rs {
		if r.typ == typ {
			it = r
			continue
		}
		rest = append(rest, r)
	}
	return rest, it
}

// existingIGWRoute is aws_route.igw, 0.0.0.0/0 -> igw-1 in rtb-pub, as it
// exists (its route shows in rtb-pub's route too).
func existingIGWRoute() planRes {
	return planRes{typ: "aws_route", name: "igw", values: map[string]any{"id": "r-rtb-pub1080289494", "route_table_id": "rtb-pub",
		"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}}
}

// TestForgottenHoldsStandalone: a forgotten route table, security group or
// network ACL (a removed block with destroy = false, on it or on a whole
// module) stays in AWS as it is, and its before values show the routes,
// rules and entries of its standalone resources too (route, ingress and
// egress are Optional and Computed, in attribute-as-blocks mode). AWS
// deletes those of standalone resources the plan deletes (DeleteRoute,
// RevokeSecurityGroupIngress, DeleteNetworkAclEntry): the internet no
// longer reaches web on 22. A standalone resource the plan keeps or
// forgets too counts once: a table holds one route per destination, an
// ACL one entry per number and direction (semantics.md B.2).
func TestForgottenHoldsStandalone(t *testing.T) {
	routeNet := func() ([]planRes, planRes) {
		return splitRes(keptRouteNet(false, []any{igwRoute()}), "aws_route_table")
	}
	aclNet := func(ingress ...any) ([]planRes, planRes) {
		rs := existingPublicNet(false)
		rs[3].values["ingress"] = ingress // 50 is aws_network_acl_rule.ssh's
		return splitRes(append(rs, publicWeb()), "aws_default_network_acl")
	}
	for _, tc := range []struct {
		name string
		plan func(t *testing.T) []byte
		want reach.Outcome
	}{
		{"route table forgotten, its aws_route deleted", func(t *testing.T) []byte {
			rs, pub := routeNet()
			return forgetRes(t, changePlan(t, nil, nil, []planRes{existingIGWRoute()}, rs...), pub)
		}, reach.Unreachable},
		{"security group forgotten, its aws_security_group_rule deleted", func(t *testing.T) []byte {
			rs := existingPublicNet(false, sgBlock(443), sgBlock(22)) // ingress[1] is aws_security_group_rule.ssh's
			rs, web := splitRes(append(rs, publicWeb()), "aws_security_group")
			return forgetRes(t, changePlan(t, nil, nil, []planRes{sshRule()}, rs...), web)
		}, reach.Unreachable},
		{"network ACL forgotten, its aws_network_acl_rule deleted", func(t *testing.T) []byte {
			rs, acl := aclNet(aclBlock(50, 22), aclBlock(200, 443))
			return forgetRes(t, changePlan(t, nil, nil, []planRes{aclRule(50, 22, false)}, rs...), acl)
		}, reach.Unreachable},
		{"route table and its aws_route forgotten", func(t *testing.T) []byte {
			rs, pub := routeNet()
			return forgetRes(t, changePlan(t, nil, nil, nil, rs...), pub, existingIGWRoute())
		}, reach.Reachable},
		{"route table forgotten, its aws_route kept (no-op)", func(t *testing.T) []byte {
			rs, pub := routeNet()
			return forgetRes(t, changePlan(t, nil, nil, nil, append(rs, existingIGWRoute())...), pub)
		}, reach.Reachable},
		{"security group forgotten, its aws_security_group_rule kept (no-op)", func(t *testing.T) []byte {
			rs := existingPublicNet(false, sgBlock(443), sgBlock(22))
			rs, web := splitRes(append(rs, publicWeb(), sshRule()), "aws_security_group")
			return forgetRes(t, changePlan(t, nil, nil, nil, rs...), web)
		}, reach.Reachable},
		{"network ACL and its aws_network_acl_rule forgotten", func(t *testing.T) []byte {
			rs, acl := aclNet(aclBlock(50, 22))
			return forgetRes(t, changePlan(t, nil, nil, nil, rs...), acl, aclRule(50, 22, false))
		}, reach.Reachable},
		{"route table forgotten, no standalone route (control)", func(t *testing.T) []byte {
			rs, pub := routeNet()
			return forgetRes(t, changePlan(t, nil, nil, nil, rs...), pub)
		}, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", tc.plan(t), nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

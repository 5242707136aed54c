package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// ltNet is a new VPC with a subnet and two new instances api and db
// launched from a launch template (the launch_template block given as
// the instances' configuration writes it), neither setting
// vpc_security_group_ids, with a group closed (no rules) and the
// resources given.
func ltNet(block map[string]any, extra ...planRes) []planRes {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	rs := []planRes{
		{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true, "default_security_group_id": true, "default_route_table_id": true}},
		{typ: "aws_subnet", name: "app", values: map[string]any{"cidr_block": "10.1.1.0/24", "map_public_ip_on_launch": false}, unknown: map[string]any{"id": true, "vpc_id": true},
			exprs: map[string]any{"vpc_id": vpcRef}},
		{typ: "aws_security_group", name: "closed", values: map[string]any{"name": "closed", "ingress": []any{}, "egress": []any{}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
	}
	for _, n := range []string{"api", "db"} {
		rs = append(rs, planRes{typ: "aws_instance", name: n, values: map[string]any{"associate_public_ip_address": false},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "security_groups": true, "private_ip": true, "public_ip": true, "launch_template": true},
			exprs: map[string]any{"subnet_id": []string{"aws_subnet.app.id", "aws_subnet.app"}, "associate_public_ip_address": false,
				"launch_template": rawExpr{[]any{block}}}})
	}
	return append(rs, extra...)
}

// ltRef is a launch_template block naming aws_launch_template.app by
// reference, at version (nil: left out, $Default).
func ltRef(version any) map[string]any {
	b := map[string]any{"id": map[string]any{"references": []string{"aws_launch_template.app.id", "aws_launch_template.app"}}}
	if version != nil {
		b["version"] = map[string]any{"constant_value": version}
	}
	return b
}

// newTemplate is a new aws_launch_template.app with the values given and
// references for its attributes.
func newTemplate(values map[string]any, unknown map[string]any, exprs map[string]any) planRes {
	v := map[string]any{"name": "app", "image_id": "ami-1"}
	for k, x := range values {
		v[k] = x
	}
	u := map[string]any{"id": true, "latest_version": true, "default_version": true}
	for k, x := range unknown {
		u[k] = x
	}
	return planRes{typ: "aws_launch_template", name: "app", values: v, unknown: u, exprs: exprs}
}

// TestLaunchTemplateGroups: an instance launched from a launch template
// whose configuration leaves its groups out is in the template's groups
// (RunInstances takes the template's parameters for what the request
// leaves out), not in its VPC's default group; where the plan does not
// show the template's values for the version launched, its groups are
// undecided.
func TestLaunchTemplateGroups(t *testing.T) {
	closedRef := map[string]any{"vpc_security_group_ids": []string{"aws_security_group.closed.id", "aws_security_group.closed"}}
	inClosed := newTemplate(nil, map[string]any{"vpc_security_group_ids": true}, closedRef)
	for _, tc := range []struct {
		name  string
		block map[string]any
		extra []planRes
		want  reach.Outcome
	}{
		{"the template's vpc_security_group_ids, a group with no rules", ltRef(nil), []planRes{inClosed}, reach.Unreachable},
		{"the same at $Latest", ltRef("$Latest"), []planRes{inClosed}, reach.Unreachable},
		{"the same at version 1 of a new template", ltRef("1"), []planRes{inClosed}, reach.Unreachable},
		{"the template's network interface's security_groups", ltRef(nil), []planRes{newTemplate(
			map[string]any{"network_interfaces": []any{map[string]any{"device_index": 0, "security_groups": nil}}},
			map[string]any{"network_interfaces": []any{map[string]any{"security_groups": true}}},
			map[string]any{"network_interfaces": rawExpr{[]any{map[string]any{"device_index": map[string]any{"constant_value": 0},
				"security_groups": map[string]any{"references": []string{"aws_security_group.closed.id", "aws_security_group.closed"}}}}}})}, reach.Unreachable},
		// a template that names no group: the VPC's default group, whose
		// members reach each other
		{"a template without groups", ltRef(nil), []planRes{newTemplate(nil, nil, nil)}, reach.Reachable},
		{"a template outside the plan, by ID", map[string]any{"id": map[string]any{"constant_value": "lt-0123"}}, nil, reach.Indeterminate},
		{"a version of a new template that the plan does not show", ltRef("3"), []planRes{inClosed}, reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := ltNet(tc.block, tc.extra...)
			if id, ok := tc.block["id"].(map[string]any)["constant_value"]; ok {
				for i := range rs {
					if rs[i].typ == "aws_instance" {
						rs[i].values["launch_template"] = []any{map[string]any{"id": id, "version": "$Default"}}
						delete(rs[i].unknown, "launch_template")
					}
				}
			}
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", planOf(t, rs...), &rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.api", "aws_instance.db", 5432))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, "%s\n%v", r.Text(), rep.Warnings)
		})
	}
}

// TestLaunchTemplateExistingVersions: an existing template that the plan
// updates (a new version): $Latest is the plan's values; $Default is the
// version that was the default, unknown to the plan, unless the update
// makes the new version the default (update_default_version).
func TestLaunchTemplateExistingVersions(t *testing.T) {
	for _, tc := range []struct {
		name          string
		version       any
		updateDefault bool
		want          reach.Outcome
	}{
		{"$Latest", "$Latest", false, reach.Unreachable},
		{"$Default, update_default_version", nil, true, reach.Unreachable},
		{"$Default, the old default", nil, false, reach.Indeterminate},
		{"a number", "2", false, reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl := planRes{typ: "aws_launch_template", name: "app", values: map[string]any{"id": "lt-1", "name": "app", "image_id": "ami-1",
				"update_default_version": tc.updateDefault},
				unknown: map[string]any{"vpc_security_group_ids": true, "latest_version": true, "default_version": true},
				exprs:   map[string]any{"vpc_security_group_ids": []string{"aws_security_group.closed.id", "aws_security_group.closed"}}}
			rs := ltNet(ltRef(tc.version), tmpl)
			before := map[string]any{"id": "lt-1", "name": "app", "image_id": "ami-0", "latest_version": 1, "default_version": 1, "vpc_security_group_ids": []any{}}
			plan := changePlan(t, map[string]map[string]any{"aws_launch_template.app": before}, map[string][]string{
				"aws_vpc.main": {"create"}, "aws_subnet.app": {"create"}, "aws_security_group.closed": {"create"},
				"aws_instance.api": {"create"}, "aws_instance.db": {"create"}}, nil, rs...)
			m, err := terraform.Parse("plan.json", plan, nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.api", "aws_instance.db", 5432))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestLaunchTemplatePublicIP: a new instance whose configuration leaves
// associate_public_ip_address out takes it from its launch template's
// network interface (device_index 0); a template outside the plan leaves
// it undecided, which is refused, as the model needs it.
func TestLaunchTemplatePublicIP(t *testing.T) {
	web := func(block map[string]any) planRes {
		return planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}},
			unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "associate_public_ip_address": true, "launch_template": true},
			exprs:   map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}, "launch_template": rawExpr{[]any{block}}}}
	}
	public := func(v any) planRes {
		return newTemplate(map[string]any{"network_interfaces": []any{map[string]any{"device_index": 0, "associate_public_ip_address": v}}}, nil, nil)
	}
	for _, tc := range []struct {
		name      string
		mapPublic bool
		tmpl      *planRes
		block     map[string]any
		want      reach.Outcome
	}{
		{"the template gives one, the subnet does not", false, new(public("true")), ltRef(nil), reach.Reachable},
		{"the template gives none, the subnet does", true, new(public("false")), ltRef(nil), reach.Unreachable},
		{"the template leaves it to the subnet", true, new(public("")), ltRef(nil), reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(existingPublicNet(tc.mapPublic), web(tc.block), *tc.tmpl)
			plan := changePlan(t, nil, map[string][]string{"aws_instance.web": {"create"}, "aws_launch_template.app": {"create"}}, nil, rs...)
			m, err := terraform.Parse("plan.json", plan, nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 80))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
	t.Run("a template outside the plan", func(t *testing.T) {
		w := web(map[string]any{"name": map[string]any{"constant_value": "ext"}})
		w.values["launch_template"] = []any{map[string]any{"name": "ext", "version": "$Default"}}
		delete(w.unknown, "launch_template")
		rs := append(existingPublicNet(true), w)
		_, err := terraform.Parse("plan.json", changePlan(t, nil, map[string][]string{"aws_instance.web": {"create"}}, nil, rs...), nil)
		require.ErrorIs(t, err, terraform.ErrUnknownValue)
		assert.ErrorContains(t, err, "launch_template")
	})
}

// TestLaunchTemplateUnchangedVersions: instances launched from a
// template the plan leaves as it is, at a version by number: the plan
// shows the template's latest version (3) alone, so version 3 is read
// (its group sg-1, which allows tcp/22 alone: api cannot reach db on
// 5432), and an older one, whose values the plan does not show, leaves
// the instances' groups undecided.
func TestLaunchTemplateUnchangedVersions(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    reach.Outcome
	}{{"3", reach.Unreachable}, {"2", reach.Indeterminate}, {"1", reach.Indeterminate}} {
		t.Run(tc.version, func(t *testing.T) {
			rs := append(existingPublicNet(false, sgBlock(22)), planRes{typ: "aws_launch_template", name: "app", values: map[string]any{"id": "lt-1", "name": "app",
				"image_id": "ami-1", "latest_version": 3, "default_version": 3, "vpc_security_group_ids": []any{"sg-1"}}})
			for _, n := range []string{"api", "db"} {
				rs = append(rs, planRes{typ: "aws_instance", name: n, values: map[string]any{"subnet_id": "subnet-1", "associate_public_ip_address": false},
					unknown: map[string]any{"id": true, "vpc_security_group_ids": true, "security_groups": true, "private_ip": true, "public_ip": true, "launch_template": true},
					exprs:   map[string]any{"subnet_id": "subnet-1", "associate_public_ip_address": false, "launch_template": rawExpr{[]any{ltRef(tc.version)}}}})
			}
			plan := changePlan(t, nil, map[string][]string{"aws_instance.api": {"create"}, "aws_instance.db": {"create"}}, nil, rs...)
			m, err := terraform.Parse("plan.json", plan, nil)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.api", "aws_instance.db", 5432))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

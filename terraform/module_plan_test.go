package terraform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// modWrap puts root planRes into modRes.
func modWrap(rs ...planRes) []modRes {
	out := make([]modRes, len(rs))
	for i, r := range rs {
		out[i] = modRes{planRes: r}
	}
	return out
}

// TestAdoptionOrderThroughModule: aws_default_security_group.main adopts
// (creates) the VPC's default group, which removes every rule it does not
// list (provider docs, aws_default_security_group). A rule in a module,
// security_group_id = var.sg_id, whose call passes sg_id =
// aws_vpc.main.default_security_group_id, depends on aws_vpc.main only:
// as the same rule in the root module (TestVPCDefaultsByReference, "in no
// set order with it": Indeterminate), whether it survives is known only
// after apply. It was found ordered (only the rule's own references,
// "var.sg_id", were read): Reachable. A call passing
// aws_default_security_group.main.id, or whose depends_on names it, is
// ordered after the adoption (Terraform orders a module's resources after
// what its input variables' expressions and its call's depends_on
// reference): Reachable.
func TestAdoptionOrderThroughModule(t *testing.T) {
	pg := map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": []any{"10.1.0.0/16"}, "self": false}
	adoptSG := planRes{typ: "aws_default_security_group", name: "main", values: map[string]any{"ingress": []any{}, "egress": []any{}},
		unknown: map[string]any{"id": true, "vpc_id": true},
		exprs:   map[string]any{"vpc_id": []string{"aws_vpc.main.id", "aws_vpc.main"}, "ingress": []string{}, "egress": []string{}}}
	for _, tc := range []struct {
		name      string
		arg       []string // the module call's sg_id references
		dependsOn []string // the module call's depends_on
		want      reach.Outcome
	}{
		{"by the VPC's default_security_group_id", defaultSGRef, nil, reach.Indeterminate},
		{"by the aws_default_security_group", []string{"aws_default_security_group.main.id", "aws_default_security_group.main"}, nil, reach.Reachable},
		{"by the VPC, the call depending on the adoption", defaultSGRef, []string{"aws_default_security_group.main"}, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := modWrap(newVPCWithDefaults(nil, adoptSG)...)
			rs = append(rs, modRes{mod: "module.rules", cfg: "rules", planRes: planRes{typ: "aws_security_group_rule", name: "pg", values: pg,
				unknown: map[string]any{"id": true, "security_group_id": true}, exprs: map[string]any{"security_group_id": []string{"var.sg_id"}}}})
			calls := []modCall{{cfg: "rules", args: map[string][]string{"sg_id": tc.arg}, dependsOn: tc.dependsOn}}
			m, err := terraform.Parse("plan.json", modPlan(t, calls, rs...), nil)
			require.NoError(t, err)
			r := modCheck(t, m, "aws_instance.api", "aws_instance.db", 5432)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestRouteAdoptionOrderThroughModule: aws_default_route_table.main adopts
// (creates) the main table, removing its routes, then Terraform creates
// the routes of the plan that depend on it. A new aws_route in a module,
// route_table_id = var.rt_id, whose call passes rt_id =
// aws_default_route_table.main.id, is created after the adoption (the
// module's variable depends on the aws_default_route_table), as the same
// route in the root module is (TestAdoptedDefaultTableRemovesRoutes,
// "naming aws_default_route_table": Reachable). It was taken as unordered
// (no owner of another module was ever found named): a route of unknown
// destination, Indeterminate. One whose call passes the VPC's
// default_route_table_id is unordered.
func TestRouteAdoptionOrderThroughModule(t *testing.T) {
	viaVPC := []string{"aws_vpc.main.default_route_table_id", "aws_vpc.main"}
	for _, tc := range []struct {
		name string
		arg  []string
		want reach.Outcome
	}{
		{"by the aws_default_route_table", []string{"aws_default_route_table.main.id", "aws_default_route_table.main"}, reach.Reachable},
		{"by the VPC's default_route_table_id", viaVPC, reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := existingPublicNet(false)
			base[0].values["default_route_table_id"] = "rtb-main"
			base[2].values = map[string]any{"default_route_table_id": "rtb-main", "vpc_id": "vpc-1"}
			base[2].unknown = map[string]any{"id": true, "route": true}
			base[2].exprs = map[string]any{"default_route_table_id": viaVPC}
			var rs []modRes
			for _, p := range append(base, publicWeb()) {
				a := modRes{planRes: p, actions: []string{"no-op"}, before: p.values}
				if p.typ == "aws_default_route_table" {
					a.actions, a.before = []string{"create"}, nil
				}
				rs = append(rs, a)
			}
			rs = append(rs, modRes{mod: "module.routes", cfg: "routes", planRes: planRes{typ: "aws_route", name: "igw",
				values:  map[string]any{"route_table_id": "rtb-main", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"},
				unknown: map[string]any{"id": true},
				exprs:   map[string]any{"route_table_id": []string{"var.rt_id"}, "destination_cidr_block": "0.0.0.0/0", "gateway_id": []string{"var.igw_id"}}}})
			calls := []modCall{{cfg: "routes", args: map[string][]string{"rt_id": tc.arg,
				"igw_id": {"aws_internet_gateway.gw.id", "aws_internet_gateway.gw"}}}}
			m, err := terraform.Parse("plan.json", modPlan(t, calls, rs...), nil)
			require.NoError(t, err)
			r := modCheck(t, m, "198.51.100.7", "aws_instance.web", 22)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestPlanWithoutComplete: Terraform writes "complete" (false for a plan
// with -target) only since v1.8 (hashicorp/terraform#34642,
// context_plan.go: Complete only when opts.Targets is empty and nothing
// is deferred); a Terraform 1.7 plan made with -target has no "complete"
// key, and leaves out of planned_values and resource_changes every
// resource that is not targeted, while its prior_state still holds them.
// Here the state's subnet is associated (aws_route_table_association.pub,
// not targeted) with a table of no route, aws_route_table.private: read
// as whole, the subnet fell back to the main table (to the internet
// gateway), Reachable from the internet, where AWS keeps it in the
// private table. Such a plan is refused (ErrUntrusted) naming the
// resources; one whose every prior resource has a change (a no-op
// included) is read, and so is a plan that says it is complete.
func TestPlanWithoutComplete(t *testing.T) {
	for _, tc := range []struct {
		name     string
		complete any // nil: no "complete" key
		entries  bool
		refused  bool
		want     reach.Outcome
	}{
		{"Terraform 1.7, resources left out", nil, false, true, 0},
		{"Terraform 1.7, every resource planned", nil, true, false, reach.Unreachable},
		{"complete: true", true, false, false, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(existingPublicNet(false), publicWeb())
			var p map[string]any
			require.NoError(t, json.Unmarshal(changePlan(t, nil, nil, nil, rs...), &p))
			delete(p, "complete")
			if tc.complete != nil {
				p["complete"] = tc.complete
			}
			p["terraform_version"] = "1.7.5"
			root := p["planned_values"].(map[string]any)["root_module"].(map[string]any)
			var prior []any
			prior = append(prior, root["resources"].([]any)...)
			extra := []map[string]any{
				{"address": "aws_route_table.private", "mode": "managed", "type": "aws_route_table", "name": "private",
					"values": map[string]any{"id": "rtb-private", "vpc_id": "vpc-1", "route": []any{}, "propagating_vgws": []any{}}},
				{"address": "aws_route_table_association.pub", "mode": "managed", "type": "aws_route_table_association", "name": "pub",
					"values": map[string]any{"id": "rtbassoc-1", "subnet_id": "subnet-1", "route_table_id": "rtb-private"}},
			}
			for _, e := range extra {
				prior = append(prior, e)
				if tc.entries {
					root["resources"] = append(root["resources"].([]any), e)
					p["resource_changes"] = append(p["resource_changes"].([]any), map[string]any{"address": e["address"], "mode": "managed", "type": e["type"], "name": e["name"],
						"change": map[string]any{"actions": []string{"no-op"}, "before": e["values"], "after": e["values"], "after_unknown": map[string]any{}}})
				}
			}
			p["prior_state"] = map[string]any{"format_version": "1.0", "terraform_version": "1.7.5", "values": map[string]any{"root_module": map[string]any{"resources": prior}}}
			data, err := json.Marshal(p)
			require.NoError(t, err)
			m, err := terraform.Parse("plan.json", data, nil)
			if tc.refused {
				require.ErrorIs(t, err, terraform.ErrUntrusted)
				assert.Contains(t, err.Error(), "prior_state")
				assert.Contains(t, err.Error(), "aws_route_table.private, aws_route_table_association.pub")
				assert.Contains(t, err.Error(), "-target")
				return
			}
			require.NoError(t, err)
			r := modCheck(t, m, "198.51.100.7", "aws_instance.web", 22)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestSpaceInKey: a for_each key with a space (for_each = { "web tier" =
// ... }: keys are any strings) is an address such as
// aws_subnet.s["web tier"]. Model IDs hold no spaces (reach.Builder), so
// the model names it aws_subnet.s["web\u0020tier"] (HCL's escape for the
// space: another spelling of the address), with a warning saying so; the
// whole plan was refused with a topology error, for a resource that
// exists (its id known) as for a new one.
func TestSpaceInKey(t *testing.T) {
	for _, tc := range []struct {
		name, typ string
		known     bool   // the resource exists (its id known)
		addr      string // its address less the key
	}{
		{"a new subnet", "aws_subnet", false, "aws_subnet.s"},
		{"a subnet that exists", "aws_subnet", true, "aws_subnet.s"},
		{"a new security group", "aws_security_group", false, "aws_security_group.web"},
		{"an instance", "aws_instance", false, "aws_instance.web"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := `"web tier"`
			vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
			rs := modNet()
			subnet := []string{"aws_subnet.app.id", "aws_subnet.app"}
			groups := []string{"aws_security_group.web.id", "aws_security_group.web"}
			var web any // the key of aws_instance.web
			switch tc.typ {
			case "aws_subnet":
				rs = append(rs, modGroup("", "", "web", nil, 22, vpcRef))
				s := modRes{planRes: planRes{typ: "aws_subnet", name: "s", index: q, values: map[string]any{"cidr_block": "10.1.10.0/24"},
					unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}}}
				if tc.known {
					s.values["id"], s.unknown, s.actions, s.before = "subnet-9", map[string]any{"vpc_id": true}, []string{"update"}, map[string]any{"id": "subnet-9"}
				}
				rs = append(rs, s)
				subnet = []string{"aws_subnet.s[" + q + "].id", "aws_subnet.s[" + q + "]", "aws_subnet.s"}
			case "aws_security_group":
				rs = append(rs, modGroup("", "", "web", q, 22, vpcRef))
				groups = []string{"aws_security_group.web[" + q + "].id", "aws_security_group.web[" + q + "]", "aws_security_group.web"}
			default:
				rs = append(rs, modGroup("", "", "web", nil, 22, vpcRef))
				web = q
			}
			rs = append(rs, modInstance("", "", "web", web, subnet, groups))
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", modPlan(t, nil, rs...), rep)
			require.NoError(t, err)
			to := "aws_instance.web"
			if web != nil {
				to = `aws_instance.web["web\u0020tier"]`
			}
			r := modCheck(t, m, "aws_instance.client", to, 22)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
			plain := modCheck(t, m, "aws_instance.client", strings.ReplaceAll(to, `\u0020`, " "), 22)
			assert.Equal(t, r.To, plain.To, "a query may write the key's space plainly")
			assert.Contains(t, rep.Warnings, tc.addr+`["web\u0020tier"]: the model's name for `+tc.addr+`["web tier"]`+
				` (a model ID holds no spaces: each space of its key is written \u0020, HCL's escape for it); a query may name it either way`)
		})
	}
}

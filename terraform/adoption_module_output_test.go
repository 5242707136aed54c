package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestAdoptionOrderThroughModuleOutput: module "net" adopts the VPC's
// default group (aws_default_security_group.main, vpc_id = var.vpc_id,
// which removes every rule it does not list). Its output sg_id is
// var.default_sg, whose call passes aws_vpc.main.default_security_group_id;
// its output adopted is aws_default_security_group.main.id. A root rule
// security_group_id = module.net.sg_id has the references
// "module.net.sg_id", "module.net": Terraform's marshalExpression
// (internal/command/jsonconfig/expression.go) writes the module call
// after the output, a part of it, not a reference to the whole module.
// The rule depends on the output, the variable and aws_vpc.main only,
// not on the adoption (Terraform "depends_on": only depends_on =
// [module.x] orders after every resource of a module; an output carries
// the dependencies of its expression): whether it survives is known only
// after apply, Indeterminate, as when it names the VPC's default directly
// (TestVPCDefaultsByReference). The trailing "module.net" was taken as
// depends_on = [module.net]: Reachable. The output naming the adoption,
// the rule's depends_on = [module.net], or a reference to the call's
// whole value (a for expression over module.net, written "module.net"
// alone: Terraform orders it after every output) order the rule after
// the adoption: Reachable (here the whole value is read by the rule's
// description, as jsonencode(module.net), since its group is not
// resolved through a whole module value).
func TestAdoptionOrderThroughModuleOutput(t *testing.T) {
	pg := map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": []any{"10.1.0.0/16"}, "self": false}
	adoptedRef := []string{"aws_default_security_group.main.id", "aws_default_security_group.main"}
	for _, tc := range []struct {
		name      string
		refs      []string // the rule's security_group_id references
		dependsOn []string // the rule's depends_on
		described []string // the rule's description references
		adopted   []string // the references of output "adopted" (nil: no such output)
		want      reach.Outcome
	}{
		{name: "an output not naming the adoption, as Terraform writes it", refs: []string{"module.net.sg_id", "module.net"}, want: reach.Indeterminate},
		{name: "an output not naming the adoption, the output alone", refs: []string{"module.net.sg_id"}, want: reach.Indeterminate},
		{name: "another output names the adoption", refs: []string{"module.net.sg_id", "module.net"}, adopted: adoptedRef, want: reach.Indeterminate},
		{name: "the output names the adoption", refs: []string{"module.net.adopted", "module.net"}, adopted: adoptedRef, want: reach.Reachable},
		{name: "depends_on the module", refs: []string{"module.net.sg_id", "module.net"}, dependsOn: []string{"module.net"}, want: reach.Reachable},
		{name: "the call's whole value, an output naming the adoption", refs: []string{"module.net.sg_id", "module.net"}, described: []string{"module.net"},
			adopted: adoptedRef, want: reach.Reachable},
		{name: "the call's whole value, no output naming the adoption", refs: []string{"module.net.sg_id", "module.net"}, described: []string{"module.net"},
			want: reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := modWrap(newVPCWithDefaults(nil)...)
			exprs := map[string]any{"security_group_id": tc.refs}
			if tc.dependsOn != nil {
				exprs["depends_on"] = tc.dependsOn
			}
			if tc.described != nil {
				exprs["description"] = tc.described
			}
			rs = append(rs,
				modRes{mod: "module.net", cfg: "net", planRes: planRes{typ: "aws_default_security_group", name: "main",
					values:  map[string]any{"ingress": []any{}, "egress": []any{}},
					unknown: map[string]any{"id": true, "vpc_id": true},
					exprs:   map[string]any{"vpc_id": []string{"var.vpc_id"}, "ingress": []string{}, "egress": []string{}}}},
				modRes{planRes: planRes{typ: "aws_security_group_rule", name: "pg", values: pg,
					unknown: map[string]any{"id": true, "security_group_id": true}, exprs: exprs}})
			outputs := map[string][]string{"sg_id": {"var.default_sg"}}
			if tc.adopted != nil {
				outputs["adopted"] = tc.adopted
			}
			calls := []modCall{{cfg: "net", args: map[string][]string{"vpc_id": {"aws_vpc.main.id", "aws_vpc.main"}, "default_sg": defaultSGRef},
				outputs: outputs}}
			m, err := terraform.Parse("plan.json", modPlan(t, calls, rs...), nil)
			require.NoError(t, err)
			r := modCheck(t, m, "aws_instance.api", "aws_instance.db", 5432)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestRouteAdoptionOrderThroughModuleOutput: module "net" adopts the main
// route table (aws_default_route_table.main, default_route_table_id =
// var.main_rt, whose call passes the VPC's default_route_table_id), which
// removes its routes; a new root aws_route on it, route_table_id =
// module.net.rt_id (references "module.net.rt_id", "module.net"), is
// created after the adoption only when the output names the
// aws_default_route_table (or the route's depends_on names the module):
// an output that passes the variable on leaves the two unordered, the
// route there or not after apply (Indeterminate). The trailing
// "module.net" was taken as depends_on = [module.net]: Reachable.
func TestRouteAdoptionOrderThroughModuleOutput(t *testing.T) {
	viaVPC := []string{"aws_vpc.main.default_route_table_id", "aws_vpc.main"}
	for _, tc := range []struct {
		name      string
		output    []string // the references of output rt_id
		dependsOn []string // the route's depends_on
		want      reach.Outcome
	}{
		{name: "the output passes the VPC's default_route_table_id on", output: []string{"var.main_rt"}, want: reach.Indeterminate},
		{name: "the output names the aws_default_route_table", output: []string{"aws_default_route_table.main.id", "aws_default_route_table.main"}, want: reach.Reachable},
		{name: "depends_on the module", output: []string{"var.main_rt"}, dependsOn: []string{"module.net"}, want: reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := existingPublicNet(false)
			base[0].values["default_route_table_id"] = "rtb-main"
			var rs []modRes
			for _, p := range append(base, publicWeb()) {
				a := modRes{planRes: p, actions: []string{"no-op"}, before: p.values}
				if p.typ == "aws_default_route_table" {
					p.values = map[string]any{"default_route_table_id": "rtb-main", "vpc_id": "vpc-1"}
					p.unknown = map[string]any{"id": true, "route": true}
					p.exprs = map[string]any{"default_route_table_id": []string{"var.main_rt"}}
					a = modRes{mod: "module.net", cfg: "net", planRes: p, actions: []string{"create"}}
				}
				rs = append(rs, a)
			}
			exprs := map[string]any{"route_table_id": []string{"module.net.rt_id", "module.net"}, "destination_cidr_block": "0.0.0.0/0",
				"gateway_id": []string{"aws_internet_gateway.gw.id", "aws_internet_gateway.gw"}}
			if tc.dependsOn != nil {
				exprs["depends_on"] = tc.dependsOn
			}
			rs = append(rs, modRes{planRes: planRes{typ: "aws_route", name: "igw",
				values:  map[string]any{"route_table_id": "rtb-main", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"},
				unknown: map[string]any{"id": true}, exprs: exprs}})
			calls := []modCall{{cfg: "net", args: map[string][]string{"main_rt": viaVPC}, outputs: map[string][]string{"rt_id": tc.output}}}
			m, err := terraform.Parse("plan.json", modPlan(t, calls, rs...), nil)
			require.NoError(t, err)
			r := modCheck(t, m, "198.51.100.7", "aws_instance.web", 22)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

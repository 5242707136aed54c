package terraform_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// modRes is one resource instance of a plan with modules: mod is the
// module instance it is in ("" for the root, `module.app["a"]`), cfg the
// module's configuration path ("" for the root, "app", "app.inner").
type modRes struct {
	mod, cfg string
	planRes
	actions []string       // nil: create
	before  map[string]any // for an update / no-op / delete
}

// modCall is a module call: cfg its configuration path ("app",
// "app.inner"), args the references of its arguments, outputs the
// references of the called module's outputs, forEach/count whether the
// call is repeated.
type modCall struct {
	cfg     string
	args    map[string][]string
	outputs map[string][]string
	forEach bool
	count   bool
	// dependsOn is the call's depends_on
	dependsOn []string
}

func modPlan(t *testing.T, calls []modCall, rs ...modRes) []byte {
	t.Helper()
	type node struct {
		addr      string
		resources []map[string]any
		children  []string
	}
	nodes := map[string]*node{"": {}}
	var order []string
	parentOf := func(mod, cfg string) string {
		// the parent instance: drop the last "module.NAME[key]" step
		if !strings.Contains(cfg, ".") {
			return ""
		}
		last := cfg[strings.LastIndex(cfg, ".")+1:]
		i := strings.LastIndex(mod, ".module."+last)
		return mod[:i]
	}
	var ensure func(mod, cfg string)
	ensure = func(mod, cfg string) {
		if nodes[mod] != nil {
			return
		}
		p := parentOf(mod, cfg)
		pcfg := ""
		if i := strings.LastIndex(cfg, "."); i >= 0 {
			pcfg = cfg[:i]
		}
		ensure(p, pcfg)
		nodes[mod] = &node{addr: mod}
		nodes[p].children = append(nodes[p].children, mod)
		order = append(order, mod)
	}
	// configuration modules by path
	cfgRes := map[string][]map[string]any{}
	seen := map[string]bool{}
	var changes []map[string]any
	for _, r := range rs {
		ensure(r.mod, r.cfg)
		local := r.typ + "." + r.name
		if r.index != nil {
			local += fmt.Sprintf("[%v]", r.index)
		}
		addr := local
		if r.mod != "" {
			addr = r.mod + "." + local
		}
		res := map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": r.name, "values": r.values}
		actions := r.actions
		if actions == nil {
			actions = []string{"create"}
		}
		ch := map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": r.name,
			"change": map[string]any{"actions": actions, "before": r.before, "after": r.values, "after_unknown": r.unknown}}
		if r.mod != "" {
			ch["module_address"] = r.mod
		}
		if r.index != nil {
			res["index"], ch["index"] = r.index, r.index
		}
		if !(len(actions) == 1 && actions[0] == "delete") {
			nodes[r.mod].resources = append(nodes[r.mod].resources, res)
		}
		changes = append(changes, ch)
		key := r.cfg + "|" + r.typ + "." + r.name
		if !seen[key] {
			seen[key] = true
			exprs := map[string]any{}
			var dependsOn any
			for k, v := range r.exprs {
				switch v := v.(type) {
				case []string:
					if k == "depends_on" {
						dependsOn = v
						continue
					}
					exprs[k] = map[string]any{"references": v}
				case rawExpr:
					exprs[k] = v.v
				default:
					exprs[k] = map[string]any{"constant_value": v}
				}
			}
			c := map[string]any{"address": r.typ + "." + r.name, "mode": "managed", "type": r.typ, "name": r.name, "expressions": exprs}
			if dependsOn != nil {
				c["depends_on"] = dependsOn
			}
			cfgRes[r.cfg] = append(cfgRes[r.cfg], c)
		}
	}
	var stateModule func(addr string) map[string]any
	stateModule = func(addr string) map[string]any {
		n := nodes[addr]
		m := map[string]any{"resources": n.resources}
		if addr != "" {
			m["address"] = addr
		}
		var kids []any
		for _, c := range n.children {
			kids = append(kids, stateModule(c))
		}
		if kids != nil {
			m["child_modules"] = kids
		}
		return m
	}
	var cfgModule func(path string) map[string]any
	cfgModule = func(path string) map[string]any {
		m := map[string]any{"resources": cfgRes[path]}
		calls2 := map[string]any{}
		outputs := map[string]any{}
		for _, c := range calls {
			if c.cfg == path {
				for k, v := range c.outputs {
					outputs[k] = map[string]any{"expression": map[string]any{"references": v}}
				}
			}
			parent, name := "", c.cfg
			if i := strings.LastIndex(c.cfg, "."); i >= 0 {
				parent, name = c.cfg[:i], c.cfg[i+1:]
			}
			if parent != path {
				continue
			}
			args := map[string]any{}
			for k, v := range c.args {
				args[k] = map[string]any{"references": v}
			}
			call := map[string]any{"source": "./modules/" + name, "expressions": args, "module": cfgModule(c.cfg)}
			if c.forEach {
				call["for_each_expression"] = map[string]any{"references": []string{"var.keys"}}
			}
			if c.count {
				call["count_expression"] = map[string]any{"constant_value": 2}
			}
			if c.dependsOn != nil {
				call["depends_on"] = c.dependsOn
			}
			calls2[name] = call
		}
		if len(calls2) > 0 {
			m["module_calls"] = calls2
		}
		if len(outputs) > 0 {
			m["outputs"] = outputs
		}
		return m
	}
	data, err := json.Marshal(map[string]any{"format_version": "1.2", "terraform_version": "1.9.8",
		"planned_values":   map[string]any{"root_module": stateModule("")},
		"resource_changes": changes, "configuration": map[string]any{"root_module": cfgModule("")},
		"errored": false, "complete": true})
	require.NoError(t, err)
	return data
}

// modNet is a plan that creates aws_vpc.main (10.1.0.0/16), subnet app
// (10.1.1.0/24) and an instance client (everything out) in it: root
// resources the cases add to.
func modNet() []modRes {
	vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	return []modRes{
		{planRes: planRes{typ: "aws_vpc", name: "main", values: map[string]any{"cidr_block": "10.1.0.0/16"},
			unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true, "default_security_group_id": true}}},
		{planRes: planRes{typ: "aws_subnet", name: "app", values: map[string]any{"cidr_block": "10.1.1.0/24"}, unknown: map[string]any{"id": true, "vpc_id": true},
			exprs: map[string]any{"vpc_id": vpcRef}}},
		{planRes: planRes{typ: "aws_security_group", name: "client", values: map[string]any{"name": "client", "ingress": []any{}, "egress": []any{out}},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}}},
		{planRes: planRes{typ: "aws_instance", name: "client", values: map[string]any{"associate_public_ip_address": false},
			unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "private_ip": true, "public_ip": true},
			exprs: map[string]any{"subnet_id": []string{"aws_subnet.app.id", "aws_subnet.app"},
				"vpc_security_group_ids": []string{"aws_security_group.client.id", "aws_security_group.client"}}}},
	}
}

// modGroup is a new group in the VPC of modNet (its cfg module, where
// vpcRef names the VPC) that lets port in from the VPC.
func modGroup(mod, cfg, name string, index any, port int, vpcRef []string) modRes {
	out := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	in := map[string]any{"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": []any{"10.1.0.0/16"}}
	return modRes{mod: mod, cfg: cfg, planRes: planRes{typ: "aws_security_group", name: name, index: index,
		values:  map[string]any{"name": fmt.Sprintf("%s-%v", name, index), "ingress": []any{in}, "egress": []any{out}},
		unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}}}
}

// modInstance is a new instance in module instance mod whose subnet and
// groups are the references given.
func modInstance(mod, cfg, name string, index any, subnet, groups []string) modRes {
	return modRes{mod: mod, cfg: cfg, planRes: planRes{typ: "aws_instance", name: name, index: index,
		values:  map[string]any{"associate_public_ip_address": false},
		unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "private_ip": true, "public_ip": true},
		exprs:   map[string]any{"subnet_id": subnet, "vpc_security_group_ids": groups}}}
}

func modCheck(t *testing.T, m *reach.Model, from, to string, port uint16) *reach.Result {
	t.Helper()
	r, err := m.Check(tcp(from, to, port))
	require.NoError(t, err)
	return r
}

// TestModuleCallKeyPairing: module "app" { for_each = toset(["a", "b"]);
// sg_id = aws_security_group.g[each.key].id } (or count = 2 with
// aws_security_group.g[count.index].id): the call's argument references
// are "aws_security_group.g" and "each.key" (count.index), and inside the
// module vpc_security_group_ids = [var.sg_id]. The call's expression is
// read for each module instance, its each.key that instance's key, so
// module.app["a"]'s instance is in g["a"] only, as aws_instance.web["a"]
// with the same references in the root module is (TestForEachPairing):
// g["a"] allows 22, g["b"] 80. It was in every group (the key was lost
// at the module boundary): port 80 Reachable. each.value, which nothing
// ties to a key, leaves the groups open.
func TestModuleCallKeyPairing(t *testing.T) {
	for _, tc := range []struct {
		name     string
		keys     []any // the module instances' keys, as written in addresses
		forEach  bool
		key      string // the reference beside aws_security_group.g
		want, at reach.Outcome
	}{
		{"for_each, each.key", []any{`"a"`, `"b"`}, true, "each.key", reach.Reachable, reach.Unreachable},
		{"count, count.index", []any{0, 1}, false, "count.index", reach.Reachable, reach.Unreachable},
		{"for_each, each.value", []any{`"a"`, `"b"`}, true, "each.value", reach.Indeterminate, reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
			rs := modNet()
			rs = append(rs, modGroup("", "", "g", tc.keys[0], 22, vpcRef), modGroup("", "", "g", tc.keys[1], 80, vpcRef))
			for _, k := range tc.keys {
				mod := fmt.Sprintf("module.app[%v]", k)
				rs = append(rs, modInstance(mod, "app", "web", nil, []string{"var.subnet_id"}, []string{"var.sg_id"}))
			}
			calls := []modCall{{cfg: "app", forEach: tc.forEach, count: !tc.forEach, args: map[string][]string{
				"subnet_id": {"aws_subnet.app.id", "aws_subnet.app"},
				"sg_id":     {"aws_security_group.g", tc.key},
			}}}
			m, err := terraform.Parse("plan.json", modPlan(t, calls, rs...), nil)
			require.NoError(t, err)
			web := fmt.Sprintf("module.app[%v].aws_instance.web", tc.keys[0])
			r := modCheck(t, m, "aws_instance.client", web, 22)
			assert.Equal(t, tc.want, r.Outcome, "g[%v] allows 22: %s", tc.keys[0], r.Text())
			r = modCheck(t, m, "aws_instance.client", web, 80)
			assert.Equal(t, tc.at, r.Outcome, "%s is in g[%v] only, which does not allow 80: %s", web, tc.keys[0], r.Text())
		})
	}
}

// TestModuleOutputElement: one element of a module's output
// (vpc_security_group_ids = [module.sgs.ids[0]], references
// "module.sgs.ids[0]", "module.sgs.ids", "module.sgs"; or
// [module.sgs.ids[count.index]], references "module.sgs.ids",
// "module.sgs", "count.index": a dynamic index is no traversal step) where
// the output is ids = aws_security_group.g[*].id (g[0] allows 22, g[1]
// 80). The plan shows the output's references, not how its value is
// built, so which group the element is is known only after apply: the
// groups are unknown (Indeterminate). The index was dropped and every
// group of the output taken: port 80 Reachable for certain. An output
// that names one group is that group whatever the index; the whole output
// is every group.
func TestModuleOutputElement(t *testing.T) {
	one := []modRes{modGroup("module.sgs", "sgs", "g", nil, 22, []string{"var.vpc_id"})}
	two := []modRes{modGroup("module.sgs", "sgs", "g", 0, 22, []string{"var.vpc_id"}), modGroup("module.sgs", "sgs", "g", 1, 80, []string{"var.vpc_id"})}
	for _, tc := range []struct {
		name           string
		groups         []modRes
		counted        bool // web has count = 2 (the query is to web[0])
		refs           []string
		want22, want80 reach.Outcome
	}{
		{"ids[0] of two groups", two, false, []string{"module.sgs.ids[0]", "module.sgs.ids", "module.sgs"}, reach.Indeterminate, reach.Indeterminate},
		{"ids[count.index] of two groups", two, true, []string{"module.sgs.ids", "module.sgs", "count.index"}, reach.Indeterminate, reach.Indeterminate},
		{"ids[0] of one group", one, false, []string{"module.sgs.ids[0]", "module.sgs.ids", "module.sgs"}, reach.Reachable, reach.Unreachable},
		{"ids[count.index] of one group", one, true, []string{"module.sgs.ids", "module.sgs", "count.index"}, reach.Reachable, reach.Unreachable},
		{"the whole output", two, false, []string{"module.sgs.ids", "module.sgs"}, reach.Reachable, reach.Reachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := append(modNet(), tc.groups...)
			to := "aws_instance.web"
			if tc.counted {
				to += "[0]"
				for i := range 2 {
					rs = append(rs, modInstance("", "", "web", i, []string{"aws_subnet.app.id", "aws_subnet.app"}, tc.refs))
				}
			} else {
				rs = append(rs, modInstance("", "", "web", nil, []string{"aws_subnet.app.id", "aws_subnet.app"}, tc.refs))
			}
			calls := []modCall{{cfg: "sgs", args: map[string][]string{"vpc_id": {"aws_vpc.main.id", "aws_vpc.main"}},
				outputs: map[string][]string{"ids": {"aws_security_group.g"}}}}
			m, err := terraform.Parse("plan.json", modPlan(t, calls, rs...), nil)
			require.NoError(t, err)
			r := modCheck(t, m, "aws_instance.client", to, 22)
			assert.Equal(t, tc.want22, r.Outcome, r.Text())
			r = modCheck(t, m, "aws_instance.client", to, 80)
			assert.Equal(t, tc.want80, r.Outcome, r.Text())
		})
	}
}

// TestModuleOutputElementSubnet: subnet_id =
// module.vpc.private_subnets[count.index] (the terraform-aws-modules/vpc
// idiom) or module.vpc.private_subnets[0], the output
// aws_subnet.private[*].id over two subnets: which subnet the element is
// is known only after apply, and the model cannot hold an unknown subnet,
// so it is an error wrapping ErrUnknownValue that names the instance, the
// attribute, the reference and the subnets it could be. An output naming
// one subnet is that subnet.
func TestModuleOutputElementSubnet(t *testing.T) {
	for _, tc := range []struct {
		name    string
		subnets []any // the module's aws_subnet.private indexes (nil: one, no count)
		refs    []string
		errs    []string // what the error says; nil: no error
	}{
		{"count.index", []any{0, 1}, []string{"module.vpc.private_subnets", "module.vpc", "count.index"},
			[]string{"aws_instance.web[0]: subnet_id", "module.vpc.private_subnets", "beside count.index", "refers to (module.vpc.aws_subnet.private[0], module.vpc.aws_subnet.private[1])"}},
		{"[0]", []any{0, 1}, []string{"module.vpc.private_subnets[0]", "module.vpc.private_subnets", "module.vpc"},
			[]string{"aws_instance.web[0]: subnet_id", "the output private_subnets of module.vpc (module.vpc.private_subnets[0]) by a key"}},
		{"one subnet", []any{nil}, []string{"module.vpc.private_subnets", "module.vpc", "count.index"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := modNet()
			for i, idx := range tc.subnets {
				rs = append(rs, modRes{mod: "module.vpc", cfg: "vpc", planRes: planRes{typ: "aws_subnet", name: "private", index: idx,
					values: map[string]any{"cidr_block": fmt.Sprintf("10.1.%d.0/24", 10+i)}, unknown: map[string]any{"id": true, "vpc_id": true},
					exprs: map[string]any{"vpc_id": []string{"var.vpc_id"}}}})
			}
			for i := range 2 {
				rs = append(rs, modInstance("", "", "web", i, tc.refs, []string{"aws_security_group.client.id", "aws_security_group.client"}))
			}
			calls := []modCall{{cfg: "vpc", args: map[string][]string{"vpc_id": {"aws_vpc.main.id", "aws_vpc.main"}},
				outputs: map[string][]string{"private_subnets": {"aws_subnet.private"}}}}
			_, err := terraform.Parse("plan.json", modPlan(t, calls, rs...), nil)
			if tc.errs == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, terraform.ErrUnknownValue)
			for _, s := range tc.errs {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

// TestWholeModuleReference: vpc_security_group_ids =
// concat([aws_security_group.web.id], [for m in module.extra : m.sg_id])
// has the references "aws_security_group.web.id", "aws_security_group.web",
// "module.extra" (a reference to the whole module call, addrs.ParseRef);
// [module.extra["x"]] has `module.extra["x"]`, "module.extra". The
// module's groups (one allows 80) may be among the instance's: its groups
// are unknown (Indeterminate). The reference was skipped as the module
// object beside an output's reference, and the list was the web group
// alone: a certain Unreachable. For a subnet_id, the error names the
// reference.
func TestWholeModuleReference(t *testing.T) {
	for _, tc := range []struct {
		name string
		refs []string
	}{
		{"for_each module, for expression", []string{"module.extra"}},
		{"one instance of a for_each module, whole", []string{`module.extra["x"]`, "module.extra"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
			rs := modNet()
			rs = append(rs, modGroup("", "", "web", nil, 22, vpcRef))
			for _, k := range []string{`"x"`, `"y"`} {
				rs = append(rs, modGroup("module.extra["+k+"]", "extra", "sg", nil, 80, []string{"var.vpc_id"}))
			}
			rs = append(rs, modInstance("", "", "web", nil, []string{"aws_subnet.app.id", "aws_subnet.app"},
				append([]string{"aws_security_group.web.id", "aws_security_group.web"}, tc.refs...)))
			calls := []modCall{{cfg: "extra", forEach: true, args: map[string][]string{"vpc_id": {"aws_vpc.main.id", "aws_vpc.main"}},
				outputs: map[string][]string{"sg_id": {"aws_security_group.sg.id", "aws_security_group.sg"}}}}
			m, err := terraform.Parse("plan.json", modPlan(t, calls, rs...), nil)
			require.NoError(t, err)
			r := modCheck(t, m, "aws_instance.client", "aws_instance.web", 80)
			assert.Equal(t, reach.Indeterminate, r.Outcome, "web may be in module.extra[\"x\"].aws_security_group.sg, which allows 80: %s", r.Text())

			// the same reference as a subnet_id
			rs[len(rs)-1] = modInstance("", "", "web", nil, tc.refs, []string{"aws_security_group.web.id", "aws_security_group.web"})
			_, err = terraform.Parse("plan.json", modPlan(t, calls, rs...), nil)
			require.ErrorIs(t, err, terraform.ErrUnknownValue)
			assert.Contains(t, err.Error(), "aws_instance.web: subnet_id")
			assert.Contains(t, err.Error(), "it reads "+tc.refs[0]+", a module's whole value")
		})
	}
}

// TestModuleKeySyntax: vpc_security_group_ids =
// [module.sgs[KEY].sg_id] (references `module.sgs[KEY].sg_id`,
// `module.sgs[KEY]`) with a for_each key holding a dot (a region, a CIDR
// block), ".module.", an escaped quote before a bracket, or a space is
// followed as one without: web is in that instance's group (22), not the
// other's (80). The reference was cut at the key's dot and the groups
// left unknown; a key with a space refused the whole plan (IDs have no
// spaces).
func TestModuleKeySyntax(t *testing.T) {
	for _, key := range []string{"euwest", "eu.west", "10.1.1.0/24", "x.module.y", `a"]b`, "web tier"} {
		t.Run(key, func(t *testing.T) {
			vpcRef := []string{"var.vpc_id"}
			q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(key) + `"`
			rs := modNet()
			rs = append(rs, modGroup("module.sgs["+q+"]", "sgs", "g", nil, 22, vpcRef), modGroup(`module.sgs["other"]`, "sgs", "g", nil, 80, vpcRef))
			rs = append(rs, modInstance("", "", "web", nil, []string{"aws_subnet.app.id", "aws_subnet.app"},
				[]string{"module.sgs[" + q + "].sg_id", "module.sgs[" + q + "]"}))
			calls := []modCall{{cfg: "sgs", forEach: true, args: map[string][]string{"vpc_id": {"aws_vpc.main.id", "aws_vpc.main"}},
				outputs: map[string][]string{"sg_id": {"aws_security_group.g.id", "aws_security_group.g"}}}}
			m, err := terraform.Parse("plan.json", modPlan(t, calls, rs...), nil)
			require.NoError(t, err)
			r := modCheck(t, m, "aws_instance.client", "aws_instance.web", 22)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
			r = modCheck(t, m, "aws_instance.client", "aws_instance.web", 80)
			assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
		})
	}
}

// TestResourceKeySyntax: subnet_id = aws_subnet.s[KEY].id with a for_each
// key holding brackets, quotes, dots, or a quote right before a closing
// bracket (`a"]b`, written ["a\"]b"] in addresses and references:
// addrs.StringKey.String, toHCLQuotedString) names that subnet. The key
// `a"]b` was cut at the escaped quote, and the reference named no
// instance: an ErrUnknownValue.
func TestResourceKeySyntax(t *testing.T) {
	for _, key := range []string{"a]b", `say"hi"`, "é.x[0]", `a"]b`, `back\slash"]`} {
		t.Run(key, func(t *testing.T) {
			q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(key) + `"`
			vpcRef := []string{"aws_vpc.main.id", "aws_vpc.main"}
			rs := modNet()
			rs = append(rs, modGroup("", "", "web", nil, 22, vpcRef))
			for i, k := range []string{q, `"other"`} {
				rs = append(rs, modRes{planRes: planRes{typ: "aws_subnet", name: "s", index: k, values: map[string]any{"cidr_block": fmt.Sprintf("10.1.%d.0/24", 10+i)},
					unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}}})
			}
			rs = append(rs, modInstance("", "", "web", nil, []string{"aws_subnet.s[" + q + "].id", "aws_subnet.s[" + q + "]", "aws_subnet.s"},
				[]string{"aws_security_group.web.id", "aws_security_group.web"}))
			m, err := terraform.Parse("plan.json", modPlan(t, nil, rs...), nil)
			require.NoError(t, err)
			r := modCheck(t, m, "aws_instance.client", "aws_instance.web", 22)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
			assert.Contains(t, r.Text(), "10.1.10.", "web is in aws_subnet.s[%s]", q)
		})
	}
}

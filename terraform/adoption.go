package terraform

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// A plan that adopts a default security group or default network ACL
// (aws_default_security_group, aws_default_network_acl: created) makes
// the provider remove every rule or entry the group or ACL holds that
// the resource does not list, then add those it lists
// (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group,
// .../default_network_acl). A standalone rule or entry the plan creates
// on it survives the apply only when Terraform creates it after the
// adoption: when it names the aws_default_* resource (a reference or
// depends_on). One that names it otherwise (the VPC's
// default_security_group_id or default_network_acl_id, the literal sg- or
// acl- ID, a variable or a data source) does not depend on the adoption,
// so the two are created in no set order and whether it is there after
// apply is known only then.
//
// An aws_default_route_table the plan adopts (creates) does the same to
// routes: "when the provider first adopts a default route table, it
// immediately removes all defined routes. It then proceeds to create any
// routes specified in the configuration"
// (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_route_table;
// resourceDefaultRouteTableCreate). An aws_route that exists on the table
// and is not made again by this apply is gone after it (Terraform adds it
// back on the next apply, as drift); a new one is there after apply only
// when it names the aws_default_route_table (a reference or depends_on):
// one that names the table otherwise (the VPC's default_route_table_id or
// main_route_table_id, or the literal rtb- ID) is created in no set order
// with the adoption.

// unorderedAdoption reports whether the standalone rule resource in,
// which names its group or ACL owner by attribute attr, is created in no
// set order with owner's adoption: owner is an aws_default_* resource the
// plan creates, in is created too and names owner nowhere in its
// configuration (nor in depends_on): whether it reaches owner through a
// VPC's default_*_id, the literal ID or anything else, nothing orders it
// after the adoption. Inside a module, a variable is the module call's
// expression for it, and a module's output its expression (reach): as
// Terraform orders a resource after what the expressions of the
// variables and outputs it reads refer to.
//
// The same holds for a route on an aws_default_route_table.
func (r *reader) unorderedAdoption(in, owner *instance, attr string) bool {
	if owner == nil || owner.standIn || !owner.created() || !in.created() || in.cfg == nil {
		return false
	}
	switch owner.typ {
	case "aws_default_route_table", "aws_default_security_group", "aws_default_network_acl":
		return !r.names(in, owner)
	}
	return false
}

// scopedRef is a reference and the module instance it is read in; dep
// marks one a depends_on list holds (where "module.x" orders after every
// resource of the module), not an expression.
type scopedRef struct {
	module, ref string
	dep         bool
}

// reach returns the references refs, read in the module instance module,
// and those they lead to across module boundaries: a module's variable to
// the call's expression for it and the call's depends_on, read in the
// calling module; a module's output to the output's expression and
// depends_on, read inside the module instance; a module call's whole
// value (module.x in an expression, as in a for expression over it) to
// every output of the module, as Terraform orders a reference to a
// module call after each of its outputs (not after every resource of
// the module, which only depends_on = [module.x] does). dep says refs is
// a depends_on list. In an expression's list, a reference Terraform
// writes after another as a part of it (unwrapped: "module.x" after
// "module.x.out") is no reference of its own and is left out.
func (r *reader) reach(module string, refs []string, dep bool) []scopedRef {
	var out []scopedRef
	seen := map[scopedRef]bool{}
	var walk func(module string, refs []string, dep bool)
	walk = func(module string, refs []string, dep bool) {
		for i, s := range refs {
			if !dep && unwrapped(refs, i) {
				continue
			}
			sr := scopedRef{module, s, dep}
			if seen[sr] {
				continue
			}
			seen[sr] = true
			out = append(out, sr)
			switch {
			case strings.HasPrefix(s, "var.") && module != "":
				steps, ok := traversal(modelAddr(s))
				parent, call, _, ok2 := splitModule(module)
				if !ok || !ok2 || len(steps) < 2 {
					continue
				}
				if pm := r.moduleConfig(parent); pm != nil && pm.ModuleCalls[call] != nil {
					c := pm.ModuleCalls[call]
					if e := c.Expressions[steps[1]]; e != nil && e.ExpressionData != nil {
						walk(parent, e.References, false)
					}
					walk(parent, c.DependsOn, true)
				}
			case strings.HasPrefix(s, "module.") && !dep:
				m, ok := parseModuleRef(s)
				if !ok {
					continue
				}
				child := childModule(module, m.call, m.key)
				cm := r.moduleConfig(child)
				if cm == nil {
					continue
				}
				names := []string{m.output}
				if m.output == "" { // the call's whole value: every output
					names = slices.Sorted(maps.Keys(cm.Outputs))
				}
				for _, name := range names {
					if o := cm.Outputs[name]; o != nil {
						if o.Expression != nil && o.Expression.ExpressionData != nil {
							walk(child, o.Expression.References, false)
						}
						walk(child, o.DependsOn, true)
					}
				}
			}
		}
	}
	walk(module, refs, dep)
	return out
}

// names reports whether the configuration of in names owner, in an
// expression or in depends_on, directly or through the module variables
// and outputs it reads (reach), or whether its depends_on, or that of a
// module call in is inside, names owner or its module: Terraform then
// creates in after owner. A reference to a module's output orders in
// after what the output's expression references only, not after the
// module's other resources.
func (r *reader) names(in, owner *instance) bool {
	all := r.reach(in.module, in.cfg.DependsOn, true)
	for _, e := range in.cfg.Expressions {
		if e != nil && e.ExpressionData != nil {
			all = append(all, r.reach(in.module, e.References, false)...)
		}
	}
	// the depends_on of the module calls in is inside, read in their
	// calling modules
	for mod := in.module; mod != ""; {
		parent, call, _, ok := splitModule(mod)
		if !ok {
			break
		}
		if pm := r.moduleConfig(parent); pm != nil && pm.ModuleCalls[call] != nil {
			all = append(all, r.reach(parent, pm.ModuleCalls[call].DependsOn, true)...)
		}
		mod = parent
	}
	return slices.ContainsFunc(all, func(s scopedRef) bool {
		if m, ok := parseModuleRef(s.ref); ok {
			// depends_on = [module.x]: every resource of the module;
			// in an expression, its outputs were walked (reach)
			return s.dep && m.output == "" && m.key == "" && inModule(owner.module, s.module, m.call)
		}
		rf, ok := parseRef(s.ref)
		return ok && sameResource(s.module, rf.base, owner)
	})
}

// sameResource reports whether the resource base (module-relative) read
// in the module instance path module is owner's: a step of module without
// a key (a module call's whole value, every instance's outputs: reach)
// stands for any instance of the call.
func sameResource(module, base string, owner *instance) bool {
	if module == owner.module {
		return module == "" && base == owner.base || module != "" && module+"."+base == owner.base
	}
	calls, ok := modulePath(module)
	at, ok2 := modulePath(owner.module)
	if !ok || !ok2 || len(calls) != len(at) || joinModule(at)+"."+base != owner.base {
		return false
	}
	for i, c := range calls {
		if c.call != at[i].call || c.key != "" && c.key != at[i].key {
			return false
		}
	}
	return true
}

// adoptionWhat says why the rule of in on owner is one whose presence is
// known only after apply (unorderedAdoption).
func adoptionWhat(in, owner *instance, attr string) string {
	return fmt.Sprintf("%s (whether it is created after %s adopts the default and removes what it does not list: its %s does not name %s, nor does its depends_on, so nothing orders the two)",
		in.addr, owner.addr, attr, owner.addr)
}

// removedByAdoption reports whether the standalone rule resource in (or
// aws_route), which exists already and is not made again by this apply,
// is on owner, an aws_default_* resource the plan creates: the adoption
// removes every rule or entry the group or ACL holds that it does not
// list, every route the table holds, and Terraform does not put in back
// in this apply (it does on the next, as drift).
func removedByAdoption(in, owner *instance) bool {
	return owner != nil && !owner.standIn && owner.created() && !in.created() &&
		(owner.typ == "aws_default_security_group" || owner.typ == "aws_default_network_acl" || owner.typ == "aws_default_route_table")
}

// routeAdoptionWhat says why the route of the aws_route in on owner, an
// aws_default_route_table the plan adopts, is one whose presence is known
// only after apply (unorderedAdoption).
func routeAdoptionWhat(in, owner *instance) string {
	return fmt.Sprintf("%s (whether it is created after %s adopts the default route table and removes its routes: its route_table_id does not name %s, nor does its depends_on, so nothing orders the two)",
		in.addr, owner.addr, owner.addr)
}

// adoptionRemovesWarning is the warning for the standalone rule resource
// in that owner's adoption removes (removedByAdoption).
func adoptionRemovesWarning(in, owner *instance) string {
	return fmt.Sprintf("%s: %s adopts the default and removes what it does not list; %s exists already and is not made again in this apply, so it is not in the model (Terraform adds it back on the next apply)", in.addr, owner.addr, in.addr)
}

// adoptedIDs gives an aws_default_security_group or aws_default_network_acl
// the plan creates (adopts), whose id the plan knows only after apply, the
// ID of the default it adopts, which exists already: the ACL's
// default_network_acl_id, the group's VPC's default_security_group_id. A
// rule that names that ID then finds the adoption.
func (r *reader) adoptedIDs() {
	for _, in := range r.insts {
		if in.known != "" || !isUnknown(in.unknown, "id") {
			continue
		}
		var id string
		switch in.typ {
		case "aws_default_network_acl":
			id, _ = in.values["default_network_acl_id"].(string)
		case "aws_default_security_group":
			if vpc, _ := in.values["vpc_id"].(string); vpc != "" && r.byID[vpc] != nil {
				id, _ = r.byID[vpc].values["default_security_group_id"].(string)
			}
		}
		if id != "" && r.byID[id] == nil {
			in.known, r.byID[id] = id, in
		}
	}
}

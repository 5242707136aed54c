package terraform

import (
	"fmt"
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
// depends_on). One that reaches it only by the VPC's
// default_security_group_id or default_network_acl_id depends on the VPC
// alone, so the two are created in no set order and whether it is there
// after apply is known only then.
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
// plan creates, in is created too, reaches owner through a VPC's
// default_*_id and names owner nowhere in its configuration (nor in
// depends_on). Inside a module, a variable is the module call's
// expression for it, and a module's output its expression (reach): as
// Terraform orders a resource after what the expressions of the
// variables and outputs it reads refer to.
//
// For a route on an aws_default_route_table, any way of naming the table
// but owner itself leaves the two unordered.
func (r *reader) unorderedAdoption(in, owner *instance, attr string) bool {
	if owner == nil || owner.standIn || !owner.created() || !in.created() || in.cfg == nil {
		return false
	}
	switch owner.typ {
	case "aws_default_route_table":
		return !r.names(in, owner)
	case "aws_default_security_group", "aws_default_network_acl":
	default:
		return false
	}
	viaVPC := slices.ContainsFunc(r.reach(in.module, in.references(attr)), func(s scopedRef) bool {
		rf, ok := parseRef(s.ref)
		return ok && vpcDefaultKind(rf, []string{owner.typ}) != ""
	})
	return viaVPC && !r.names(in, owner)
}

// scopedRef is a reference and the module instance it is read in.
type scopedRef struct {
	module, ref string
}

// reach returns the references refs, read in the module instance module,
// and those they lead to across module boundaries: a module's variable to
// the call's expression for it and the call's depends_on, read in the
// calling module; a module's output to the output's expression and
// depends_on, read inside the module instance.
func (r *reader) reach(module string, refs []string) []scopedRef {
	var out []scopedRef
	seen := map[scopedRef]bool{}
	var walk func(module string, refs []string)
	walk = func(module string, refs []string) {
		for _, s := range refs {
			sr := scopedRef{module, s}
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
						walk(parent, e.References)
					}
					walk(parent, c.DependsOn)
				}
			case strings.HasPrefix(s, "module."):
				m, ok := parseModuleRef(s)
				if !ok || m.output == "" {
					continue
				}
				child := childModule(module, m.call, m.key)
				if cm := r.moduleConfig(child); cm != nil && cm.Outputs[m.output] != nil {
					o := cm.Outputs[m.output]
					if o.Expression != nil && o.Expression.ExpressionData != nil {
						walk(child, o.Expression.References)
					}
					walk(child, o.DependsOn)
				}
			}
		}
	}
	walk(module, refs)
	return out
}

// names reports whether the configuration of in names owner, in an
// expression or in depends_on, directly or through the module variables
// and outputs it reads (reach), or whether a module call in is inside
// names owner or its module in depends_on: Terraform then creates in
// after owner.
func (r *reader) names(in, owner *instance) bool {
	refs := slices.Clone(in.cfg.DependsOn)
	for _, e := range in.cfg.Expressions {
		if e != nil && e.ExpressionData != nil {
			refs = append(refs, e.References...)
		}
	}
	all := r.reach(in.module, refs)
	// the depends_on of the module calls in is inside, read in their
	// calling modules
	for mod := in.module; mod != ""; {
		parent, call, _, ok := splitModule(mod)
		if !ok {
			break
		}
		if pm := r.moduleConfig(parent); pm != nil && pm.ModuleCalls[call] != nil {
			all = append(all, r.reach(parent, pm.ModuleCalls[call].DependsOn)...)
		}
		mod = parent
	}
	return slices.ContainsFunc(all, func(s scopedRef) bool {
		if m, ok := parseModuleRef(s.ref); ok && m.output == "" && m.key == "" {
			return inModule(owner.module, s.module, m.call) // depends_on = [module.x]
		}
		rf, ok := parseRef(s.ref)
		if !ok {
			return false
		}
		base := rf.base
		if s.module != "" {
			base = s.module + "." + base
		}
		return base == owner.base
	})
}

// adoptionWhat says why the rule of in on owner is one whose presence is
// known only after apply (unorderedAdoption).
func adoptionWhat(in, owner *instance, attr string) string {
	return fmt.Sprintf("%s (whether it is created after %s adopts the default and removes what it does not list: its %s names the VPC's default, not %s, so nothing orders the two)",
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

package terraform

import (
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Replacing a security group fails where AWS still holds what stops it.
// With create_before_destroy, a new group of the old one's name in the
// same VPC is refused while the old one stands (CreateSecurityGroup:
// InvalidGroup.Duplicate). Deleted first (Terraform's default), the old
// group is deleted before the new one is made, and so before the
// resources that take the new one are updated: AWS refuses to delete a
// group a network interface still has or another group's rule still
// references (DeleteSecurityGroup: DependencyViolation; the provider
// retries until its delete timeout: hashicorp/terraform#3341,
// terraform-provider-aws#1671). Either way the apply fails and the old
// group stays.

// groupUsers are the attributes, by resource type, whose values before
// apply may hold a security group's ID: the group is in use by the
// resource that holds it. A path's steps: attribute, then, for a block
// list, the attribute of each block.
var groupUsers = map[string][][]string{
	"aws_instance":                        {{"vpc_security_group_ids"}},
	"aws_network_interface":               {{"security_groups"}},
	"aws_security_group":                  {{"ingress", "security_groups"}, {"egress", "security_groups"}},
	"aws_default_security_group":          {{"ingress", "security_groups"}, {"egress", "security_groups"}},
	"aws_security_group_rule":             {{"source_security_group_id"}},
	"aws_vpc_security_group_ingress_rule": {{"referenced_security_group_id"}},
	"aws_vpc_security_group_egress_rule":  {{"referenced_security_group_id"}},
}

// replacedGroupFails reports, with the error recorded, whether the plan's
// replacement of the security group in fails: with
// create_before_destroy, a new group that keeps the old one's name and
// VPC; deleted first, an old group that a resource the plan keeps still
// uses when the delete runs: one the plan leaves as it is, or one whose
// configuration refers to the group (its update waits for the new
// group, made after the delete).
func (r *reader) replacedGroupFails(in *instance) bool {
	if !in.action.Replace() || in.typ != "aws_security_group" {
		return false
	}
	before := r.beforeOf(in.addr)
	old, _ := before["id"].(string)
	if in.action.CreateBeforeDestroy() {
		oldName, _ := before["name"].(string)
		oldVPC, _ := before["vpc_id"].(string)
		if name := knownString(in, "name"); name != "" && name == oldName && knownString(in, "vpc_id") == oldVPC && oldVPC != "" {
			r.fail(in, "name", name, ErrInvalidPlan, "the plan replaces this group with create_before_destroy, keeping its name and VPC: AWS refuses the new group while the old one stands (InvalidGroup.Duplicate), so the apply fails and the old group stays; change its name (name_prefix makes a new one) or drop create_before_destroy")
			return true
		}
		return false
	}
	if old == "" {
		return false
	}
	for _, t := range r.insts {
		paths := groupUsers[t.typ]
		if t == in || paths == nil || t.created() || t.forgotten() || !t.action.NoOp() && !refersTo(t, in) {
			continue
		}
		b := r.beforeOf(t.addr)
		for _, p := range paths {
			if holdsID(b, p, old) {
				r.fail(in, "", old, ErrInvalidPlan, "the plan replaces this group, deleting it first, while %s, which the plan keeps, still uses it (%s) when the delete runs: AWS refuses to delete a group in use (DependencyViolation), so the apply fails and the old group stays; add create_before_destroy with a new name (name_prefix), or take the group off %s first", t.addr, strings.Join(p, "[*]."), t.addr)
				return true
			}
		}
	}
	return false
}

// holdsID reports whether values v hold id at path (an attribute, or a
// block list's attribute), as a string or in a list of strings.
func holdsID(v map[string]any, path []string, id string) bool {
	if v == nil {
		return false
	}
	if len(path) == 2 {
		bs, _ := blocks(v[path[0]])
		return slices.ContainsFunc(bs, func(b map[string]any) bool { return holdsID(b, path[1:], id) })
	}
	switch x := v[path[0]].(type) {
	case string:
		return x == id
	case []any:
		return slices.Contains(x, any(id))
	}
	return false
}

// refersTo reports whether the configuration of t refers to g, of the
// same module, in any expression.
func refersTo(t, g *instance) bool {
	if t.cfg == nil || t.module != g.module {
		return false
	}
	base := strings.TrimPrefix(g.base, g.module+".")
	var walk func(es map[string]*tfjson.Expression) bool
	walk = func(es map[string]*tfjson.Expression) bool {
		for _, e := range es {
			if e == nil || e.ExpressionData == nil {
				continue
			}
			for _, s := range e.References {
				if s == base || strings.HasPrefix(s, base+".") || strings.HasPrefix(s, base+"[") {
					return true
				}
			}
			for _, nb := range e.NestedBlocks {
				if walk(nb) {
					return true
				}
			}
		}
		return false
	}
	return walk(t.cfg.Expressions)
}

package terraform

import (
	"maps"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/reachsim/reachsim/reach"
)

// Security groups that resources the reader does not model use: an
// aws_lb's security_groups, an aws_db_instance's vpc_security_group_ids,
// an aws_lambda_function's vpc_config security_group_ids, an interface
// endpoint's security_group_ids, and any attribute of such a resource
// whose name holds "security_group", at any depth. Each group it names
// (by a planned ID of a group of the plan, or by the configuration's
// reference to one, for an ID known only after apply) is declared in use
// by the resource ([reach.UnmodelledGroupUse]): lint then never calls
// it unused nor its rules implied. A name there that is not a group (a
// source_security_group_id of a rule type the reader does not read)
// only makes lint keep more.

// outsideGroupUses declares the groups each resource of r.outside names.
func (r *reader) outsideGroupUses() {
	for _, in := range r.outside {
		var groups []string
		add := func(t *instance) {
			if t != nil && slices.Contains(groupTypes, t.typ) {
				groups = appendID(groups, t.id)
			}
		}
		groupStrings(in.values, false, func(s string) { add(r.byID[s]) })
		if in.cfg != nil {
			ts, _ := r.targets(in, groupRefs(in.cfg.Expressions, nil), groupTypes...)
			for _, t := range ts {
				add(t)
			}
		}
		if len(groups) == 0 {
			continue
		}
		slices.Sort(groups)
		r.b.AddUnmodelledGroupUse(reach.UnmodelledGroupUse{Owner: in.addr, What: in.typ + ", which reachsim does not model", Groups: groups})
	}
}

// isGroupKey reports whether an attribute named k may name security
// groups.
func isGroupKey(k string) bool { return strings.Contains(k, "security_group") }

// groupStrings calls f with every string of v under an attribute whose
// name may name groups (under: v is below one).
func groupStrings(v any, under bool, f func(string)) {
	switch v := v.(type) {
	case string:
		if under {
			f(v)
		}
	case []any:
		for _, e := range v {
			groupStrings(e, under, f)
		}
	case map[string]any:
		for k, e := range v {
			groupStrings(e, under || isGroupKey(k), f)
		}
	}
}

// groupRefs appends to out the references the configuration writes for
// attributes whose name may name groups, nested blocks included.
func groupRefs(es map[string]*tfjson.Expression, out []string) []string {
	for _, k := range slices.Sorted(maps.Keys(es)) {
		e := es[k]
		if e == nil || e.ExpressionData == nil {
			continue
		}
		if isGroupKey(k) {
			out = append(out, e.References...)
		}
		for _, nb := range e.NestedBlocks {
			out = groupRefs(nb, out)
		}
	}
	return out
}

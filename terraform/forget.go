package terraform

import (
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Forgotten resources. A removed block with lifecycle { destroy = false }
// (Terraform 1.7+) takes a resource out of the state "without changing
// the underlying infrastructure"
// (https://developer.hashicorp.com/terraform/language/block/removed): its
// resource_changes entry's action is "forget", it is not in
// planned_values, and AWS keeps it as it is, its values before. No
// configuration sets any of them (instance.configured): a forgotten route
// table, group or ACL is read as one that exists and whose configuration
// leaves its routes, rules and entries out (keptroutes.go, computed.go),
// so those of standalone resources the plan deletes go, and those of
// standalone resources the plan keeps or forgets count once.

// addForgotten adds each resource the plan forgets (its resource_changes
// entry's actions ["forget"]) as the resource that exists, its before
// values, which apply leaves as they are. A forget beside a create
// (["create", "forget"], ["forget", "create"]: a replacement that does not
// destroy the object that exists), or of a deposed object, leaves in AWS
// an object besides the one the address names, which the model cannot
// hold: an error wrapping [ErrInvalidPlan] says so.
func (r *reader) addForgotten(rcs []*tfjson.ResourceChange) {
	for _, rc := range rcs {
		in := &instance{addr: modelAddr(rc.Address), module: modelAddr(rc.ModuleAddress), typ: rc.Type}
		before, ok := rc.Change.Before.(map[string]any)
		switch {
		case rc.DeposedKey != "" || !rc.Change.Actions.Forget():
			r.fail(in, "", rc.Address, ErrInvalidPlan, "the plan forgets an object of this address (%s) without destroying it, beside another object of the address: AWS holds both after apply, and the model holds one object per address", actionsText(rc))
			continue
		case !ok:
			r.fail(in, "", rc.Address, ErrInvalidPlan, "the plan forgets this resource, which AWS keeps, and its values before are not an object")
			continue
		case r.byAdr[in.addr] != nil:
			r.fail(in, "", rc.Address, ErrInvalidPlan, "the plan forgets this resource and plans it too")
			continue
		}
		sr := &tfjson.StateResource{Address: rc.Address, Mode: rc.Mode, Type: rc.Type, Name: rc.Name, Index: rc.Index, AttributeValues: before}
		r.add(rc.ModuleAddress, sr, nil, rc.Change.Actions)
		r.rep.Warnings = append(r.rep.Warnings, rc.Address+": the plan forgets it (removed from the state, not destroyed): AWS keeps it as it is, and so does the model")
	}
}

// actionsText is the actions of rc, and its deposed key, for an error.
func actionsText(rc *tfjson.ResourceChange) string {
	as := make([]string, len(rc.Change.Actions))
	for i, a := range rc.Change.Actions {
		as[i] = string(a)
	}
	s := "actions " + strings.Join(as, ", ")
	if rc.DeposedKey != "" {
		s += ", deposed " + rc.DeposedKey
	}
	return s
}

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
// depends_on).
//
// For a route on an aws_default_route_table, any way of naming the table
// but owner itself leaves the two unordered.
func (r *reader) unorderedAdoption(in, owner *instance, attr string) bool {
	if owner == nil || owner.standIn || !owner.created() || !in.created() || in.cfg == nil {
		return false
	}
	switch owner.typ {
	case "aws_default_route_table":
		return !names(in, owner)
	case "aws_default_security_group", "aws_default_network_acl":
	default:
		return false
	}
	viaVPC := slices.ContainsFunc(in.references(attr), func(s string) bool {
		rf, ok := parseRef(s)
		return ok && vpcDefaultKind(rf, []string{owner.typ}) != ""
	})
	return viaVPC && !names(in, owner)
}

// names reports whether the configuration of in names owner, of the same
// module, in an expression or in depends_on: Terraform then creates in
// after owner.
func names(in, owner *instance) bool {
	if in.module != owner.module {
		return false
	}
	base := strings.TrimPrefix(owner.base, owner.module+".")
	is := func(s string) bool {
		rf, ok := parseRef(s)
		return ok && rf.base == base || s == base
	}
	if slices.ContainsFunc(in.cfg.DependsOn, is) {
		return true
	}
	for _, e := range in.cfg.Expressions {
		if e != nil && e.ExpressionData != nil && slices.ContainsFunc(e.References, is) {
			return true
		}
	}
	return false
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

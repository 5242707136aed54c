package terraform

import (
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/sg"
)

// The default security group and default network ACL AWS makes with a
// VPC. A plan that creates a VPC knows neither ID; a rule, association or
// interface names them by a reference to the VPC's
// default_security_group_id or default_network_acl_id
// (security_group_id = aws_vpc.main.default_security_group_id), which
// targets resolves here: to the aws_default_security_group or
// aws_default_network_acl of the plan that manages it, else, for a VPC
// the plan creates, to the one the model makes for it, as AWS does
// (sg.NewDefault, named aws_vpc.main.default_security_group;
// nacl.NewDefault, aws_vpc.main.default_network_acl).

// vpcDefaultAttrs maps the attributes of an aws_vpc that name a default
// resource AWS makes with it to the type that resource is read as.
var vpcDefaultAttrs = map[string]string{
	"default_security_group_id": "aws_default_security_group",
	"default_network_acl_id":    "aws_default_network_acl",
}

// vpcDefaultKind returns the type of the default resource the reference
// rf names when it reads such an attribute of an aws_vpc and that type is
// one of want; "" otherwise.
func vpcDefaultKind(rf ref, want []string) string {
	if typeOf(rf.base) != "aws_vpc" {
		return ""
	}
	if kind := vpcDefaultAttrs[rf.attr]; kind != "" && wanted(want, kind) {
		return kind
	}
	return ""
}

// vpcDefault returns what stands for the default resource of type kind
// of the aws_vpc instance v: the plan's aws_default_security_group for it
// (by its vpc_id) or aws_default_network_acl (by its
// default_network_acl_id), else, for a VPC the plan creates, a stand-in
// for the one the model makes; nil when there is none (a VPC that exists
// and whose default the plan does not manage: its rules are not in the
// plan).
func (r *reader) vpcDefault(v *instance, kind string) *instance {
	rec := r.net.vpcs[v.id]
	if rec == nil {
		return nil
	}
	var id string
	switch kind {
	case "aws_default_security_group":
		// every managed one, read or not yet (inline rules are read in
		// the pass that reads it)
		for _, t := range r.insts {
			if t.typ != kind {
				continue
			}
			if vpc, _, _ := r.resolveOne(t, "vpc_id", "aws_vpc"); vpc == rec.spec.ID {
				return t
			}
		}
		id = rec.spec.ID + ".default_security_group"
	case "aws_default_network_acl":
		if rec.managedACL {
			return r.byAdr[rec.defaultACL]
		}
		id = rec.defaultACL
	}
	if !rec.created {
		return nil
	}
	if s := r.net.standIns[id]; s != nil {
		return s.in
	}
	r.net.standIns[id] = &standIn{in: &instance{addr: id, typ: kind, id: id, standIn: true}, vpc: rec}
	r.net.standInList = append(r.net.standInList, id)
	return r.net.standIns[id].in
}

// standIn is a default resource of a VPC the plan creates that a
// reference names and the plan does not manage.
type standIn struct {
	in  *instance
	vpc *vpcRec
}

// ensureStandIn makes the default group or ACL model ID id stands for,
// when it is a stand-in (vpcDefault) not made yet; at the latest when the
// groups are given to the builder, once the VPC's blocks are all read.
func (r *reader) ensureStandIn(id string) {
	s := r.net.standIns[id]
	if s == nil {
		return
	}
	if s.in.typ == "aws_default_security_group" {
		r.newDefaultGroup(s.vpc)
	} else {
		r.ensureDefaultACL(s.vpc)
	}
}

// newDefaultGroup returns the ID of the default security group AWS makes
// with the VPC v the plan creates (members reach each other, everything
// goes out), made here once.
func (r *reader) newDefaultGroup(v *vpcRec) string {
	id := v.spec.ID + ".default_security_group"
	if r.sgs.byID[id] == nil {
		g := sg.NewDefault(id, v.spec.ID, hasIPv6(v.spec.CIDRs))
		r.sgs.byID[id] = &g
		r.sgs.list = append(r.sgs.list, id)
	}
	return id
}

// ensureDefaultACL returns the default network ACL of the VPC v: the
// plan's aws_default_network_acl for it, or, made here once, the one AWS
// makes with it (allow all).
func (r *reader) ensureDefaultACL(v *vpcRec) *nacl.ACL {
	if a := r.acls.acls[v.defaultACL]; a != nil || v.managedACL {
		return a
	}
	acl := nacl.NewDefault(v.defaultACL, v.spec.ID, hasIPv6(v.spec.CIDRs))
	acl.IsDefault = true
	r.acls.add(acl)
	return r.acls.acls[v.defaultACL]
}

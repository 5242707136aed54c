package terraform

import (
	"fmt"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/reachsim/reachsim/reach"
)

// Launch templates: an aws_instance launched from an aws_launch_template
// (its launch_template block) takes from the template what its own
// configuration leaves out (RunInstances: the request's parameters
// override the template's): its security groups (the template's
// vpc_security_group_ids, or the security_groups of its network_interfaces
// block of device_index 0) and whether its primary interface gets a
// public IPv4 address (that block's associate_public_ip_address), and,
// where its configuration leaves subnet_id out, its subnet (that block's
// subnet_id; a network_interface_id there, an interface of its own, is
// refused). The
// template's values are read from the plan where the version the
// instance names (launch_template.version: $Default when left out,
// $Latest, or a number) is the one the plan shows; a template outside
// the plan, or a version the plan does not show, leaves them undecided.

// launchTemplate is what an aws_instance launched from a launch
// template takes from it.
type launchTemplate struct {
	// t is the template of the plan whose planned values are the
	// version the instance is launched with; nil when the plan does not
	// show it (why says so)
	t   *instance
	why string
}

// launchTemplateOf returns the launch template in is launched from; ok is
// false when in names none.
func (r *reader) launchTemplateOf(in *instance) (lt launchTemplate, ok bool) {
	bs, _ := blocks(in.values["launch_template"])
	configured := in.cfg != nil && in.cfg.Expressions["launch_template"] != nil
	if len(bs) == 0 && !isUnknown(in.unknown, "launch_template") && !configured {
		return launchTemplate{}, false
	}
	b := map[string]any{}
	if len(bs) > 0 {
		b = bs[0]
	}
	sub := r.inlineBlock(in, "launch_template", 0, max(len(bs), 1), b)
	if isUnknown(in.unknown, "launch_template") {
		sub.unknown = true
	}
	at := in.addr + ": launch_template"
	var t *instance
	switch id, name := knownString(sub, "id"), knownString(sub, "name"); {
	case id != "":
		t = r.byID[id]
	case name != "":
		for _, c := range r.insts {
			if c.typ == "aws_launch_template" && c.module == in.module && knownString(c, "name") == name {
				t = c
			}
		}
	default:
		var refs []string
		for _, attr := range []string{"id", "name"} {
			refs = append(refs, sub.references(attr)...)
		}
		l := r.resolveRefs(sub, refs, []string{"aws_launch_template"}, 0)
		if len(l.ts) == 1 && !l.open {
			t = l.ts[0]
		}
	}
	if t == nil || t.typ != "aws_launch_template" {
		return launchTemplate{why: at + ": a launch template the plan does not hold (or whose reference it does not resolve), whose values are unknown"}, true
	}
	if why := templateVersion(sub, t); why != "" {
		return launchTemplate{why: fmt.Sprintf("%s: %s of %s", at, why, t.addr)}, true
	}
	return launchTemplate{t: t}, true
}

// templateVersion says why the version that the launch_template block
// lt names is not the one whose values the plan shows for template t,
// "" when it is: every version of a template the plan creates (it has
// one); $Latest; $Default where the plan makes the new version the
// default (update_default_version) or changes nothing; a number equal to
// the latest version of a template the plan does not change.
func templateVersion(lt, t *instance) string {
	v, _ := lt.values["version"].(string)
	if isUnknown(lt.unknown, "version") {
		// the block known only after apply as a whole: its configuration
		// says the version, when it writes a constant or none ($Default)
		e := (*tfjson.Expression)(nil)
		if lt.cfg != nil && lt.shared == nil {
			e = lt.cfg.Expressions["version"]
		}
		switch {
		case lt.cfg == nil || lt.shared != nil:
			return "the version, known only after apply,"
		case e == nil || e.ExpressionData == nil:
			v = ""
		default:
			s, ok := e.ConstantValue.(string)
			if !ok {
				return "the version, known only after apply,"
			}
			v = s
		}
	}
	if v == "" {
		v = "$Default"
	}
	changed := t.created() || t.updated()
	switch {
	case v == "$Latest":
		return ""
	case t.created() && (v == "$Default" || v == "1"):
		return ""
	case v == "$Default" && (!changed || t.updated() && !isUnknown(t.unknown, "update_default_version") && t.values["update_default_version"] == true):
		return ""
	}
	if n, err := strconv.Atoi(v); err == nil && !changed {
		if latest, ok := number(t.values["latest_version"]); ok && latest == int64(n) {
			return ""
		}
	}
	return fmt.Sprintf("version %s, which is not the one the plan shows,", v)
}

// templateNIC returns the network_interfaces block of device_index 0 of
// template t, as an instance whose references are the block's; nil when
// there is none.
func (r *reader) templateNIC(t *instance) *instance {
	bs, _ := blocks(t.values["network_interfaces"])
	for i, b := range bs {
		if n, ok := number(b["device_index"]); !ok || n == 0 {
			return r.inlineBlock(t, "network_interfaces", i, len(bs), b)
		}
	}
	return nil
}

// templateGroups gives it, the primary interface of in, the security
// groups of its launch template lt, in vpc: those of the template, or,
// where it names none, the VPC's default group; undecided
// ([reach.Interface.GroupsUnknown]) where the plan does not show them.
func (r *reader) templateGroups(in *instance, it *reach.Interface, lt launchTemplate, vpc string) {
	if lt.t == nil {
		r.groupsUnknown(in, it, "vpc_security_group_ids (from "+lt.why+")")
		return
	}
	t := lt.t
	named := false
	for _, src := range []struct {
		in   *instance
		attr string
	}{{t, "vpc_security_group_ids"}, {r.templateNIC(t), "security_groups"}} {
		if src.in == nil {
			continue
		}
		groups, open := r.linkListOpen(src.in, src.attr, groupTypes...)
		for _, g := range groups {
			it.Groups = appendID(it.Groups, g)
		}
		named = named || len(groups) > 0 || open
		if open {
			r.groupsUnknown(in, it, fmt.Sprintf("vpc_security_group_ids (from %s: %s)", t.addr, src.attr))
		}
	}
	if names, _, _ := strsOf(t, "security_group_names"); len(names) > 0 || isUnknown(t.unknown, "security_group_names") && t.configured("security_group_names") {
		named = true
		r.groupsUnknown(in, it, fmt.Sprintf("vpc_security_group_ids (from %s: security_group_names, which names the groups by name)", t.addr))
	}
	if !named && vpc != "" {
		it.Groups = appendID(it.Groups, r.defaultGroup(in, "vpc_security_group_ids", vpc))
	}
}

// templatePublicIP says whether the launch template lt gives the primary
// interface a public IPv4 address (its network_interfaces block of
// device_index 0's associate_public_ip_address); set is false when the
// template leaves it to the subnet. An error is recorded, and set is
// true with want false, when the plan does not show it.
func (r *reader) templatePublicIP(in *instance, lt launchTemplate) (want, set bool) {
	if lt.t == nil {
		r.fail(in, "associate_public_ip_address", "", ErrUnknownValue, "whether the instance gets a public address depends on %s", lt.why)
		return false, true
	}
	nic := r.templateNIC(lt.t)
	if nic == nil {
		return false, false
	}
	if isUnknown(nic.unknown, "associate_public_ip_address") {
		r.fail(in, "associate_public_ip_address", "", ErrUnknownValue, "whether the instance gets a public address depends on %s: network_interfaces' associate_public_ip_address, known only after apply", lt.t.addr)
		return false, true
	}
	switch v := nic.values["associate_public_ip_address"].(type) {
	case bool:
		return v, true
	case string: // the provider's type: "true", "false", "" for unset
		if b, err := strconv.ParseBool(v); err == nil {
			return b, true
		}
	}
	return false, false
}

// templateENI reports, with an error on in, an aws_instance launched
// from launch template lt, whether the template's network_interfaces
// block of device_index 0 names a network interface
// (network_interface_id, known or known only after apply) that the
// instance is launched with as its primary one: the model reads an
// instance as the primary interface it makes itself (as for the
// instance's own network_interface blocks), and would hold it beside
// that interface, in the instance's subnet rather than the interface's.
func (r *reader) templateENI(in *instance, lt launchTemplate) bool {
	if lt.t == nil {
		return false
	}
	nic := r.templateNIC(lt.t)
	if nic == nil || knownString(nic, "network_interface_id") == "" && !(isUnknown(nic.unknown, "network_interface_id") && nic.configured("network_interface_id")) {
		return false
	}
	r.fail(in, "launch_template", "", ErrInvalidPlan, "launched from %s, whose %s names a network interface the instance is launched with as its primary one: an instance launched with a network interface of its own is not modelled (reachsim reads an instance as the primary interface it makes itself, and an aws_network_interface attached by aws_network_interface_attachment)",
		lt.t.addr, blockPath(nic, "network_interface_id"))
	return true
}

// templateSubnet returns the model ID of the subnet of in, an
// aws_instance launched from launch template lt whose configuration
// leaves subnet_id out and whose planned subnet_id is known only after
// apply: the subnet_id of the template's network_interfaces block of
// device_index 0 (RunInstances: a request with network interfaces names
// its subnet there), known, or by reference. "" with an error naming the
// instance's subnet_id and what is missing where the plan does not show
// it: the template's values, or a subnet there (without one AWS launches
// the instance in a default subnet of the Region's default VPC, which
// the plan does not hold). Never a guess.
func (r *reader) templateSubnet(in *instance, lt launchTemplate) string {
	if lt.t == nil {
		r.fail(in, "subnet_id", "", ErrUnknownValue, "the configuration leaves it to %s", lt.why)
		return ""
	}
	nic := r.templateNIC(lt.t)
	if nic == nil || knownString(nic, "subnet_id") == "" && !(isUnknown(nic.unknown, "subnet_id") && nic.configured("subnet_id")) {
		r.fail(in, "subnet_id", "", ErrUnknownValue, "neither the configuration nor %s (network_interfaces of device_index 0) names a subnet, and AWS then launches the instance in a default subnet of the Region's default VPC, which the plan does not show", lt.t.addr)
		return ""
	}
	id, _, l := r.resolveOne(nic, "subnet_id", "aws_subnet")
	if id == "" {
		why := "its configuration names no subnet it refers to"
		if len(l.ts) > 1 {
			why = "its references name several subnets"
		} else if len(l.why) > 0 {
			why = strings.Join(l.why, "; ")
		}
		r.fail(in, "subnet_id", "", ErrUnknownValue, "it is %s's %s, which the plan does not resolve (%s)", lt.t.addr, blockPath(nic, "subnet_id"), why)
	}
	return id
}

package terraform

import (
	"slices"
	"strings"
)

// Links between resources. A plan that creates resources knows none of
// their IDs; it knows, from the configuration, which resource an
// attribute refers to (expressions.<attr>.references). An ID attribute
// is resolved, in this order: a known value that is the id of a resource
// of the plan names that resource; another known value names a resource
// outside the plan, as is; an unknown value names the resources its
// references name, when they are all resources of the wanted types (the
// ID given as "aws_vpc.main.id" or "aws_vpc.main", with an index, or
// paired with the referring instance's own by count.index or each.key;
// a VPC's default_security_group_id or default_network_acl_id names its
// default group or ACL, defaults.go);
// a module's variable or output is followed across the module boundary
// (throughModule); anything else in the references (a root variable, a
// local, a data source) leaves the value unknown. The model names every resource by its
// address (Report.Placeholders lists those whose id the plan does not
// know yet).

// ref is one resource a reference names.
type ref struct {
	base  string // the module-relative address without index: aws_subnet.a
	index string // the key written in the reference ("0", `"blue"`), "" for none
	attr  string // the attribute it reads (aws_vpc.main.id: "id"), "" for none
}

// refPrefixes are the reference roots that name no resource of the plan.
var refPrefixes = []string{"var.", "local.", "count.", "each.", "path.", "terraform.", "self.", "data.", "module."}

// parseRef reads a reference ("aws_vpc.main.id", `aws_subnet.a["x"]`) as
// the resource it names; ok is false for a root that names no resource.
func parseRef(s string) (ref, bool) {
	for _, p := range refPrefixes {
		if strings.HasPrefix(s, p) {
			return ref{}, false
		}
	}
	typ, rest, ok := strings.Cut(s, ".")
	if !ok || !strings.Contains(typ, "_") {
		return ref{}, false
	}
	name := rest
	if i := strings.IndexAny(rest, ".["); i >= 0 {
		name = rest[:i]
		rest = rest[i:]
	} else {
		rest = ""
	}
	if name == "" {
		return ref{}, false
	}
	r := ref{base: typ + "." + name}
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]")
		if strings.HasPrefix(rest, `["`) {
			if e := strings.Index(rest, `"]`); e >= 0 {
				end = e + 1
			}
		}
		if end < 0 {
			return ref{}, false
		}
		r.index = rest[1:end]
		rest = rest[end+1:]
	}
	if attr, ok := strings.CutPrefix(rest, "."); ok {
		if i := strings.IndexAny(attr, ".["); i >= 0 {
			attr = attr[:i]
		}
		r.attr = attr
	}
	return r, true
}

// typeOf returns the resource type of a module-relative address.
func typeOf(base string) string {
	t, _, _ := strings.Cut(base, ".")
	return t
}

// targets returns the instances the references refs of in name, of the
// types want; open is true when a reference names something else (a
// variable, a local, a data source, a module's output, or, but in the
// references an attribute's inline blocks share, a resource of another
// type, or each.value, which nothing in the plan ties to an instance of
// the resource it may index), which leaves the value the references make
// open. A reference to a counted or for_each resource without an index
// is every instance (a splat), or, beside count.index or each.key, the
// instance of the referring instance's key; but not the one Terraform
// writes after an indexed reference, which that names (keyDropped). A
// reference to a VPC's default_security_group_id or
// default_network_acl_id, where want holds a group or ACL type, names
// its default group or ACL (vpcDefault), and the VPC's own reference
// beside it ("aws_vpc.main") is that reference's.
func (r *reader) targets(in *instance, refs []string, want ...string) (out []*instance, open bool) {
	paired := slices.ContainsFunc(refs, func(s string) bool {
		return s == "count.index" || s == "each.key"
	})
	defaults := map[string]bool{} // the VPCs whose default group or ACL a reference names
	for _, s := range refs {
		if rf, ok := parseRef(s); ok && vpcDefaultKind(rf, want) != "" {
			defaults[rf.base] = true
		}
	}
	for i, s := range refs {
		if s == "count.index" || s == "each.key" {
			continue
		}
		if keyDropped(refs, i) {
			continue // "aws_subnet.a" after "aws_subnet.a[0]": the same reference, without its key
		}
		if strings.HasPrefix(s, "each.") {
			open = true // each.value: the plan does not say which instance it indexes
			continue
		}
		if strings.HasPrefix(s, "module.") && !strings.Contains(strings.TrimPrefix(s, "module."), ".") {
			continue // the module object beside its output's reference ("module.app" with "module.app.sg_id")
		}
		if via, ok := r.throughModule(in, s); ok {
			ts, o := r.targets(via.at, via.refs, want...)
			for _, t := range ts {
				out = appendNew(out, t)
			}
			open = open || o
			continue
		}
		rf, ok := parseRef(s)
		if kind := vpcDefaultKind(rf, want); ok && kind != "" {
			// aws_vpc.main.default_security_group_id: the default group
			// (or ACL) AWS makes with the VPC
			vpcs, o := r.refInstances(in, rf, paired)
			open = open || o
			for _, v := range vpcs {
				if t := r.vpcDefault(v, kind); t != nil {
					out = appendNew(out, t)
				} else {
					open = true
				}
			}
			continue
		}
		if ok && rf.attr == "" && defaults[rf.base] {
			continue // the VPC beside its attribute's reference ("aws_vpc.main" with "aws_vpc.main.default_network_acl_id")
		}
		if ok && !slices.Contains(want, typeOf(rf.base)) && in.shared != nil {
			// a shared list's reference to a resource of another type
			// is another attribute's (the route's other targets)
			continue
		}
		if !ok || !slices.Contains(want, typeOf(rf.base)) {
			open = true
			continue
		}
		ts, o := r.refInstances(in, rf, paired)
		for _, t := range ts {
			out = appendNew(out, t)
		}
		open = open || o
	}
	return out, open
}

// keyDropped reports whether refs[i] is the resource without its key
// that Terraform writes right after a reference to one of its instances
// ("aws_subnet.a[0].id", "aws_subnet.a[0]", "aws_subnet.a": every step of
// the traversal, then the resource without the key; hashicorp/terraform
// internal/command/jsonconfig/expression.go, marshalExpression): it names
// that one instance, not every instance as a splat (aws_subnet.a[*].id,
// written "aws_subnet.a" alone) does.
func keyDropped(refs []string, i int) bool {
	if i == 0 {
		return false
	}
	rf, ok := parseRef(refs[i])
	if !ok || rf.index != "" || rf.attr != "" || refs[i] != rf.base {
		return false
	}
	prev, ok := parseRef(refs[i-1])
	return ok && prev.base == rf.base && prev.index != "" && prev.attr == ""
}

// refInstances returns the instances the reference rf of in names (see
// targets; paired: the references hold count.index or each.key); open
// is true when it names none of the plan.
func (r *reader) refInstances(in *instance, rf ref, paired bool) (out []*instance, open bool) {
	abs := rf.base
	if in.module != "" {
		abs = in.module + "." + rf.base
	}
	insts := r.bases[abs]
	switch {
	case len(insts) == 0:
		// a resource the plan does not create (deleted, or never there)
		return nil, true
	case rf.index != "":
		if t := r.byAdr[abs+"["+rf.index+"]"]; t != nil {
			return []*instance{t}, false
		}
		return nil, true
	case len(insts) == 1 && insts[0].index == "":
		return insts, false
	case paired && in.index != "":
		if t := r.byAdr[abs+"["+in.index+"]"]; t != nil {
			return []*instance{t}, false
		}
		return nil, true
	}
	return insts, false // a splat: every instance
}

// moduleRefs is what a module's variable or output refers to: the
// references of its expression, and where they are read from.
type moduleRefs struct {
	at   *instance // a stand-in for the module the expression is in
	refs []string
}

// throughModule follows a reference across a module boundary: var.NAME
// inside a module is the module call's expression for NAME, read in the
// calling module; module.NAME.OUTPUT is the called module's output
// expression, read inside it. ok is false for any other reference, or
// when the configuration does not hold the expression.
func (r *reader) throughModule(in *instance, s string) (moduleRefs, bool) {
	switch {
	case strings.HasPrefix(s, "var.") && in.module != "":
		name := strings.TrimPrefix(s, "var.")
		if i := strings.IndexAny(name, ".["); i >= 0 {
			name = name[:i]
		}
		parent, call := splitModule(in.module)
		pm := r.moduleConfig(parent)
		if pm == nil || pm.ModuleCalls[call] == nil {
			return moduleRefs{}, false
		}
		e := pm.ModuleCalls[call].Expressions[name]
		if e == nil || e.ExpressionData == nil {
			return moduleRefs{}, false
		}
		return moduleRefs{at: &instance{module: parent}, refs: e.References}, true
	case strings.HasPrefix(s, "module."):
		rest := strings.TrimPrefix(s, "module.")
		name, output, ok := strings.Cut(rest, ".")
		if !ok {
			return moduleRefs{}, false
		}
		if i := strings.IndexAny(output, ".["); i >= 0 {
			output = output[:i]
		}
		child := "module." + name
		if in.module != "" {
			child = in.module + "." + child
		}
		cm := r.moduleConfig(child)
		if cm == nil || cm.Outputs[output] == nil || cm.Outputs[output].Expression == nil || cm.Outputs[output].Expression.ExpressionData == nil {
			return moduleRefs{}, false
		}
		return moduleRefs{at: &instance{module: child}, refs: cm.Outputs[output].Expression.References}, true
	}
	return moduleRefs{}, false
}

// splitModule splits a module instance path into its parent's path and
// the name of the call ("module.a.module.b[0]" → "module.a", "b").
func splitModule(path string) (parent, call string) {
	i := strings.LastIndex(path, "module.")
	if i > 0 {
		parent = path[:i-1]
	}
	call, _ = splitIndex(path[i+len("module."):])
	return parent, call
}

// wanted reports whether an instance of type typ is of one of the types
// want: the type itself, or the data source of the type (data.aws_vpc for
// aws_vpc), which describes a resource that exists.
func wanted(want []string, typ string) bool {
	return slices.Contains(want, strings.TrimPrefix(typ, "data."))
}

// Attribute forms of a reference ("aws_vpc.main.id" beside
// "aws_vpc.main") name the same instance once.
func appendNew(out []*instance, t *instance) []*instance {
	if slices.Contains(out, t) {
		return out
	}
	return append(out, t)
}

// linkOne resolves the ID attribute attr of in to the model ID of the
// one resource of the types want it names. present is false when the
// attribute is null (not set); an error is recorded when it cannot be
// resolved.
func (r *reader) linkOne(in *instance, attr string, want ...string) (id string, present bool) {
	id, present, ts, open := r.resolveOne(in, attr, want...)
	if present && id == "" {
		r.unknownLink(in, attr, ts, open)
	}
	return id, present
}

// linkOneOpen is linkOne for an attribute whose value, when no reference
// resolves it, the model can hold as unknown: unresolved reports that,
// and no error is recorded.
func (r *reader) linkOneOpen(in *instance, attr string, want ...string) (id string, present, unresolved bool) {
	id, present, _, _ = r.resolveOne(in, attr, want...)
	return id, present, present && id == ""
}

// resolveOne is linkOne without the error: a present attribute with an
// empty id is one the references do not resolve (ts and open say why).
func (r *reader) resolveOne(in *instance, attr string, want ...string) (id string, present bool, ts []*instance, open bool) {
	v, set := in.values[attr]
	if s, ok := v.(string); set && ok && s != "" {
		if t := r.byID[s]; t != nil && wanted(want, t.typ) {
			return t.id, true, nil, false
		}
		return s, true, nil, false
	}
	if !isUnknown(in.unknown, attr) || !in.configured(attr) {
		// null, or computed by the provider without the configuration
		// setting it (source_security_group_id on a CIDR rule)
		return "", false, nil, false
	}
	ts, open = r.targets(in, in.references(attr), want...)
	if len(ts) != 1 || open {
		return "", true, ts, open
	}
	return r.placeholder(ts[0]), true, nil, false
}

// linkList resolves the list of IDs attr of in (vpc_security_group_ids,
// subnet_ids) to model IDs.
func (r *reader) linkList(in *instance, attr string, want ...string) []string {
	out, unresolved, ts, open := r.resolveList(in, attr, want...)
	if unresolved {
		r.unknownLink(in, attr, ts, open)
	}
	return out
}

// linkListOpen is linkList for a list whose unresolved part the model can
// hold as unknown: unresolved reports it, and no error is recorded; out
// holds the IDs that are resolved.
func (r *reader) linkListOpen(in *instance, attr string, want ...string) (out []string, unresolved bool) {
	out, unresolved, _, _ = r.resolveList(in, attr, want...)
	return out, unresolved
}

// resolveList is linkList without the error: unresolved reports an
// unknown part of the list that the references do not resolve (ts and
// open say why).
func (r *reader) resolveList(in *instance, attr string, want ...string) (out []string, unresolved bool, ts []*instance, open bool) {
	v := in.values[attr]
	ids, ok := strs(v)
	if !ok && v != nil {
		r.fail(in, attr, "", ErrInvalidPlan, "not a list of IDs")
		return nil, false, nil, false
	}
	anyUnknown := isUnknown(in.unknown, attr)
	for i, s := range ids {
		if isUnknown(in.unknown, attr, i) {
			anyUnknown = true
			continue
		}
		if t := r.byID[s]; t != nil && wanted(want, t.typ) {
			s = t.id
		}
		out = appendID(out, s)
	}
	if !anyUnknown || !in.configured(attr) {
		return out, false, nil, false
	}
	ts, open = r.targets(in, in.references(attr), want...)
	if open || len(ts) == 0 {
		return out, true, ts, open
	}
	for _, t := range ts {
		out = appendID(out, r.placeholder(t))
	}
	return out, false, nil, false
}

func appendID(out []string, id string) []string {
	if slices.Contains(out, id) {
		return out
	}
	return append(out, id)
}

// placeholder returns t's ID in the model, noting in the report a
// resource whose id is known only after apply.
func (r *reader) placeholder(t *instance) string {
	if t.known == "" && !t.standIn {
		r.rep.Placeholders[t.addr] = t.id
	}
	return t.id
}

// unknownLink records an ID attribute the references do not resolve.
func (r *reader) unknownLink(in *instance, attr string, ts []*instance, open bool) {
	why := "its configuration names no resource it refers to"
	switch {
	case in.deferred:
		why = deferredRead
	case open:
		why = "its configuration computes it from something other than resources of the plan (a variable, a local, a data source, a module's output, each.value) or from an attribute of a resource of another type"
	case len(ts) > 1:
		names := make([]string, len(ts))
		for i, t := range ts {
			names[i] = t.addr
		}
		why = "its references name several resources: " + strings.Join(names, ", ")
	}
	r.fail(in, attr, "", ErrUnknownValue, "%s", why)
}

package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/sg"
)

// Links between resources. A plan that creates resources knows none of
// their IDs; it knows, from the configuration, which resource an
// attribute refers to (expressions.<attr>.references). An ID attribute
// is resolved, in this order: a known value that is the id of a resource
// of the plan names that resource; another known value names a resource
// outside the plan, as is; an unknown value names the resources its
// references name, when they are all resources of the wanted types (the
// ID given as "aws_vpc.main.id" or "aws_vpc.main", with an index, or
// taken to be paired with the referring instance's own by count.index or
// each.key; a VPC's default_security_group_id or default_network_acl_id
// names its default group or ACL, defaults.go; an attribute naming a
// network interface takes only a reference to an attribute that is one's
// ID, eniRefAttr); a module's variable or
// output is followed across the module boundary (throughModule), one
// element of it only where its expression names one resource; anything
// else in the references (a root variable, a local, a data source, a
// module's whole value) leaves the value unknown. The model names every
// resource by its address (traversal.go: modelAddr; Report.Placeholders
// lists those whose id the plan does not know yet).

// ref is one resource a reference names.
type ref struct {
	base  string // the module-relative address without index: aws_subnet.a
	index string // the key written in the reference ("0", `"blue"`), "" for none
	attr  string // the attribute it reads (aws_vpc.main.id: "id"), "" for none
}

// refRoots are the reference roots that name no resource of the plan.
var refRoots = []string{"var", "local", "count", "each", "path", "terraform", "self", "data", "module"}

// parseRef reads a reference ("aws_vpc.main.id", `aws_subnet.a["x"]`) as
// the resource it names (traversal.go: a key's dots, brackets and escaped
// quotes are its own); ok is false for a root that names no resource.
func parseRef(s string) (ref, bool) {
	steps, ok := traversal(modelAddr(s))
	if !ok || len(steps) < 2 || isKey(steps[0]) || isKey(steps[1]) ||
		slices.Contains(refRoots, steps[0]) || !strings.Contains(steps[0], "_") {
		return ref{}, false
	}
	r := ref{base: steps[0] + "." + steps[1]}
	rest := steps[2:]
	if len(rest) > 0 && isKey(rest[0]) {
		r.index, rest = keyText(rest[0]), rest[1:]
	}
	if len(rest) > 0 && !isKey(rest[0]) {
		r.attr = rest[0]
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
// variable, a local, a data source, or, but in the references an
// attribute's inline blocks share, a resource of another type, or
// each.value, which nothing in the plan ties to an instance of the
// resource it may index), which leaves the value the references make
// open. A reference to a counted or for_each resource without an index
// is every instance (a splat), or, beside count.index or each.key, taken
// to be the instance of the referring instance's key (the references do
// not show what the key indexes: the guess of the common form
// aws_subnet.a[count.index]); but not the part of a reference Terraform
// writes after it, which names what that names (unwrapped). A reference
// to a VPC's default_security_group_id or default_network_acl_id, where
// want holds a group or ACL type, names its default group or ACL
// (vpcDefault). A module's variable or output is followed across the
// module boundary (throughModule): a module call's expression is read for
// the module instance, its count.index or each.key that instance's key;
// one element of a variable or output (an index after it, or count.index
// or each.key beside it) is the one resource its expression names, and
// is open where it names several or anything else, as the plan shows the
// expression's references, not how its value is built. A module's whole
// value (module.x, module.x["a"], as a for expression over a module
// reads it) is open.
func (r *reader) targets(in *instance, refs []string, want ...string) (out []*instance, open bool) {
	l := r.resolveRefs(in, refs, want, 0)
	return l.ts, l.open
}

// maxModuleDepth bounds how many module boundaries a reference is
// followed across: variables and outputs that refer to each other in a
// loop (Terraform refuses such a configuration) leave the value open.
const maxModuleDepth = 64

// links is what references resolve to: the instances they name, whether
// they leave the value open, and, where a reason is more telling than the
// general one (unknownLink), why.
type links struct {
	ts   []*instance
	open bool
	why  []string
	// invalid says why a reference names no value the attribute can
	// take (a network interface ID given by an instance's id): an error
	// of the plan, not a value known only later
	invalid []string
}

func (l *links) add(ts ...*instance) {
	for _, t := range ts {
		l.ts = appendNew(l.ts, t)
	}
}

// leave marks the value open, for the reason why ("" for the general one).
func (l *links) leave(why ...string) {
	l.open = true
	for _, w := range why {
		if w != "" && !slices.Contains(l.why, w) {
			l.why = append(l.why, w)
		}
	}
}

// resolveRefs is targets, with why the references leave the value open;
// depth counts the module boundaries crossed.
func (r *reader) resolveRefs(in *instance, refs []string, want []string, depth int) (l links) {
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
		if unwrapped(refs, i) {
			continue // "aws_subnet.a" after "aws_subnet.a[0]", "module.app" after "module.app.sg_id": the same reference
		}
		if strings.HasPrefix(s, "each.") {
			l.leave() // each.value: the plan does not say which instance it indexes
			continue
		}
		if via, ok := r.throughModule(in, s); ok {
			r.acrossModule(&l, s, via, paired, want, depth)
			continue
		}
		rf, ok := parseRef(s)
		if kind := vpcDefaultKind(rf, want); ok && kind != "" {
			// aws_vpc.main.default_security_group_id: the default group
			// (or ACL) AWS makes with the VPC
			vpcs, o := r.refInstances(in, rf, paired)
			if o {
				l.leave()
			}
			for _, v := range vpcs {
				if t := r.vpcDefault(v, kind); t != nil {
					l.add(t)
				} else {
					l.leave()
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
			l.leave()
			continue
		}
		if why, bad := eniRefAttr(rf, want, paired); why != "" {
			// not the interface's ID: never resolved to the resource
			l.leave(why)
			if bad {
				l.invalid = append(l.invalid, why)
			}
			continue
		}
		ts, o := r.refInstances(in, rf, paired)
		l.add(ts...)
		if o {
			l.leave()
		}
	}
	return l
}

// eniAttrs are, by resource type, the attribute that is a network
// interface's ID, which an attribute naming one (a route's or an Elastic
// IP association's network_interface_id, an aws_eip's network_interface)
// may read.
var eniAttrs = map[string]string{"aws_network_interface": "id", "aws_instance": "primary_network_interface_id"}

// eniRefAttr says why the reference rf, in an attribute that names a
// network interface (want holds aws_network_interface), does not give a
// network interface's ID, "" when it does: aws_network_interface.NAME.id
// and aws_instance.NAME.primary_network_interface_id do; another
// attribute (aws_instance.web.id, an i-…; .private_ip) is an error of the
// plan (bad), as AWS refuses the value; none (a splat,
// aws_network_interface.x[*].id, which Terraform writes as the bare
// resource) leaves the attribute read unknown. Beside count.index or
// each.key (paired), a bare resource is how Terraform writes
// aws_network_interface.x[count.index].id too (a dynamic index ends the
// traversal): an aws_network_interface's only attribute that is a
// network interface ID is its id, so it is taken as that and paired by
// key (refInstances); an aws_instance's may be another (its
// network_interface blocks'), which leaves the attribute unknown.
func eniRefAttr(rf ref, want []string, paired bool) (why string, bad bool) {
	typ := typeOf(rf.base)
	attr, ok := eniAttrs[typ]
	if !ok || !slices.Contains(want, "aws_network_interface") {
		return "", false
	}
	res := rf.base
	if rf.index != "" {
		res += "[" + rf.index + "]"
	}
	switch rf.attr {
	case attr:
		return "", false
	case "":
		switch {
		case paired && rf.index == "" && typ == "aws_network_interface":
			return "", false
		case paired && rf.index == "":
			return fmt.Sprintf("it reads %s beside count.index or each.key, and Terraform writes no attribute after an index that is not a literal (%s[count.index].ATTR): whether it is the network interface's ID (%s) is not in the plan", res, rf.base, attr), false
		}
		return fmt.Sprintf("it reads %s without an attribute the plan shows (a splat, %s[*].ATTR, is written so): whether it is the network interface's ID (%s) is not in the plan", res, rf.base, attr), false
	}
	return fmt.Sprintf("it reads %s.%s, which is not a network interface ID: a network interface is named by %s.%s", res, rf.attr, res, attr), true
}

// acrossModule adds to l what the reference s, a module's variable or
// output or its whole value (via), names; paired: s is beside count.index
// or each.key, which may index it.
func (r *reader) acrossModule(l *links, s string, via moduleRefs, paired bool, want []string, depth int) {
	switch {
	case via.whole:
		l.leave(fmt.Sprintf("it reads %s, a module's whole value (its outputs, of every instance of a counted or for_each call), which is not followed", s))
		return
	case depth >= maxModuleDepth:
		l.leave(fmt.Sprintf("%s is followed across more than %d module boundaries (variables and outputs that refer to each other)", s, maxModuleDepth))
		return
	}
	sub := r.resolveRefs(via.at, via.refs, want, depth+1)
	if (via.selects || paired) && (sub.open || len(sub.ts) > 1) {
		names := make([]string, 0, len(sub.ts)+1)
		for _, t := range sub.ts {
			names = append(names, t.addr)
		}
		if sub.open {
			names = append(names, "what the plan does not resolve")
		}
		how := "by a key"
		if !via.selects {
			how = "beside count.index or each.key, which may index it"
		}
		l.leave(fmt.Sprintf("it takes part of %s (%s) %s, and the plan shows which resources its expression refers to (%s), not how its value is built: which one it is is known only after apply",
			via.what, s, how, strings.Join(names, ", ")))
		return
	}
	l.add(sub.ts...)
	if sub.open {
		l.leave(sub.why...)
	}
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
	// at stands for the module instance the expression is in: its
	// module path, and, for a module call's expression, the key of the
	// module instance (what count.index or each.key is there)
	at   *instance
	refs []string
	what string // the expression: "the output ids of module.sgs"
	// whole marks a reference to a module's whole value (module.x,
	// module.x["a"]): nothing is followed
	whole bool
	// selects marks a reference that takes part of the value by a key
	// (module.sgs.ids[0], var.ids["a"])
	selects bool
}

// throughModule follows a reference across a module boundary: var.NAME
// inside a module is the module call's expression for NAME, read in the
// calling module for the module instance's key; module.NAME.OUTPUT (or
// module.NAME[KEY].OUTPUT) is the called module instance's output
// expression, read inside it; module.NAME and module.NAME[KEY] are the
// module's whole value. ok is false for any other reference, or when the
// configuration does not hold the expression.
func (r *reader) throughModule(in *instance, s string) (moduleRefs, bool) {
	switch {
	case strings.HasPrefix(s, "var.") && in.module != "":
		steps, ok := traversal(modelAddr(s))
		if !ok || len(steps) < 2 || isKey(steps[1]) {
			return moduleRefs{}, false
		}
		name := steps[1]
		parent, call, key, ok := splitModule(in.module)
		if !ok {
			return moduleRefs{}, false
		}
		pm := r.moduleConfig(parent)
		if pm == nil || pm.ModuleCalls[call] == nil {
			return moduleRefs{}, false
		}
		e := pm.ModuleCalls[call].Expressions[name]
		if e == nil || e.ExpressionData == nil {
			return moduleRefs{}, false
		}
		return moduleRefs{at: &instance{module: parent, index: key}, refs: e.References,
			what: fmt.Sprintf("the variable %s of %s", name, in.module), selects: selects(steps[2:])}, true
	case strings.HasPrefix(s, "module."):
		m, ok := parseModuleRef(s)
		if !ok {
			return moduleRefs{}, false
		}
		if m.output == "" {
			return moduleRefs{whole: true}, true
		}
		child := childModule(in.module, m.call, m.key)
		cm := r.moduleConfig(child)
		if cm == nil || cm.Outputs[m.output] == nil || cm.Outputs[m.output].Expression == nil || cm.Outputs[m.output].Expression.ExpressionData == nil {
			return moduleRefs{}, false
		}
		return moduleRefs{at: &instance{module: child}, refs: cm.Outputs[m.output].Expression.References,
			what: fmt.Sprintf("the output %s of %s", m.output, child), selects: selects(m.rest)}, true
	}
	return moduleRefs{}, false
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
	id, present, l := r.resolveOne(in, attr, want...)
	if present && id == "" {
		r.unknownLink(in, attr, l)
	}
	return id, present
}

// linkOneOpen is linkOne for an attribute whose value, when no reference
// resolves it, the model can hold as unknown: unresolved reports that,
// and no error is recorded.
func (r *reader) linkOneOpen(in *instance, attr string, want ...string) (id string, present, unresolved bool) {
	id, present, _ = r.resolveOne(in, attr, want...)
	return id, present, present && id == ""
}

// resolveOne is linkOne without the error: a present attribute with an
// empty id is one the references do not resolve (l says why).
func (r *reader) resolveOne(in *instance, attr string, want ...string) (id string, present bool, l links) {
	v, set := in.values[attr]
	if s, ok := v.(string); set && ok && s != "" {
		return r.knownID(in, attr, s, want), true, links{}
	}
	if !isUnknown(in.unknown, attr) || !in.configured(attr) {
		// null, or computed by the provider without the configuration
		// setting it (source_security_group_id on a CIDR rule)
		return "", false, links{}
	}
	l = r.resolveRefs(in, in.references(attr), want, 0)
	if len(l.ts) != 1 || l.open {
		return "", true, l
	}
	return r.placeholder(l.ts[0]), true, links{}
}

// linkList resolves the list of IDs attr of in (vpc_security_group_ids,
// subnet_ids) to model IDs.
func (r *reader) linkList(in *instance, attr string, want ...string) []string {
	out, unresolved, l := r.resolveList(in, attr, want...)
	if unresolved {
		r.unknownLink(in, attr, l)
	}
	return out
}

// linkListOpen is linkList for a list whose unresolved part the model can
// hold as unknown: unresolved reports it, and no error is recorded; out
// holds the IDs that are resolved.
func (r *reader) linkListOpen(in *instance, attr string, want ...string) (out []string, unresolved bool) {
	out, unresolved, _ = r.resolveList(in, attr, want...)
	return out, unresolved
}

// resolveList is linkList without the error: unresolved reports an
// unknown part of the list that the references do not resolve (l says
// why).
func (r *reader) resolveList(in *instance, attr string, want ...string) (out []string, unresolved bool, l links) {
	ids, _, ok := strsOf(in, attr)
	if !ok {
		r.fail(in, attr, "", ErrInvalidPlan, "not a list of IDs")
		return nil, false, links{}
	}
	anyUnknown := isUnknown(in.unknown, attr)
	for i, s := range ids {
		if isUnknown(in.unknown, attr, i) {
			anyUnknown = true
			continue
		}
		out = appendID(out, r.knownID(in, fmt.Sprintf("%s[%d]", attr, i), s, want))
	}
	if !anyUnknown || !in.configured(attr) {
		return out, false, links{}
	}
	l = r.resolveRefs(in, in.references(attr), want, 0)
	if l.open || len(l.ts) == 0 {
		return out, true, l
	}
	if in.shared != nil && len(l.ts) > 1 {
		// the blocks of the attribute share one references list: which
		// of the resources it names are this block's is not in the plan,
		// but for those that can be no other block's
		sure, rest := sharedSure(in, attr, l.ts)
		for _, t := range sure {
			out = appendID(out, r.placeholder(t))
		}
		if len(rest) == 0 {
			return out, false, links{}
		}
		names := make([]string, len(rest))
		for i, t := range rest {
			names[i] = t.addr
		}
		l.leave("the inline blocks of the attribute share one references list (Terraform 1.1 and later), which names several resources, and the plan does not say whether these are this block's: " + strings.Join(names, ", "))
		return out, true, l
	}
	for _, t := range l.ts {
		out = appendID(out, r.placeholder(t))
	}
	return out, false, links{}
}

// knownID returns the model ID of the resource of the types want whose
// ID is s, the known value of in's attribute path, else s itself (a
// resource outside the plan). A security group reference written
// "account/sg-…" (sg.SplitGroupRef: the form AWS and the provider give a
// group of another account, a peer VPC's) names the group of that ID, as
// the aws loader reads a UserIdGroupPairs entry by its GroupId: group
// IDs are unique across accounts. Where the plan shows the group's
// account (its owner_id, or its provider configuration's caller) and it
// is another, the reference names no group AWS holds: an error naming
// the path and the text (AWS refuses the rule, InvalidGroup.NotFound).
// A group the plan does not hold keeps the text, and is unresolved
// (finishGroups).
func (r *reader) knownID(in *instance, path, s string, want []string) string {
	if t := r.byID[s]; t != nil && wanted(want, t.typ) {
		if t.typ == "aws_instance" && t.known == s && slices.Contains(want, "aws_network_interface") {
			// an instance's own ID (i-…) where a network interface's is
			// wanted: AWS refuses it, and the primary interface would be
			// a guess
			r.fail(in, blockPath(in, path), s, ErrInvalidPlan, "the ID of %s, an instance, not of a network interface: name its primary_network_interface_id", t.addr)
		}
		return t.id
	}
	account, id := sg.SplitGroupRef(s)
	t := r.byID[id]
	if account == "" || t == nil || !wanted(want, t.typ) || !wanted(groupTypes, t.typ) {
		return s
	}
	if owner := r.accountOf(t); owner.value != "" && owner.value != account {
		r.fail(in, blockPath(in, path), s, ErrInvalidPlan, "the reference names account %s, but security group %s (%s) belongs to account %s (%s): AWS finds no such group", account, id, t.addr, owner.value, owner.by)
		return s
	}
	return t.id
}

// blockPath returns the attribute path of in's attribute path attr as an
// error names it: within an inline block, after the block's place
// ("ingress[0].security_groups[1]").
func blockPath(in *instance, attr string) string {
	if in.block == nil {
		return attr
	}
	return fmt.Sprintf("%s[%d].%s", in.block.attr, in.block.i, attr)
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

// unknownLink records an ID attribute the references do not resolve (l:
// what they resolve to).
func (r *reader) unknownLink(in *instance, attr string, l links) {
	if len(l.invalid) > 0 {
		r.fail(in, blockPath(in, attr), "", ErrInvalidPlan, "%s", strings.Join(l.invalid, "; "))
		return
	}
	ts, open := l.ts, l.open
	why := "its configuration names no resource it refers to"
	switch {
	case in.deferred:
		why = deferredRead
	case open && len(l.why) > 0:
		why = strings.Join(l.why, "; ")
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

// blockOf places an inline block: the resource it is a block of, its
// attribute and its index.
type blockOf struct {
	owner *instance
	attr  string
	i     int
}

// sharedSure splits ts, the resources of the references list that the
// inline blocks of in's attribute share, into those that are surely in
// in's list attr, known only after apply, and the rest. A resource is
// surely there when in is the only block whose attr is unknown, no other
// value of any block is (where the reference could be used instead), and
// no block's known attr holds its ID (an ID known only after apply, a
// new resource's, can be in no known list): the reference is used, and
// only in's list can hold it.
func sharedSure(in *instance, attr string, ts []*instance) (sure, rest []*instance) {
	b := in.block
	if b == nil {
		return nil, ts
	}
	bs, _ := blocks(b.owner.values[b.attr])
	known := map[string]bool{}
	for j, blk := range bs {
		u := elem(b.owner.unknown, b.attr, j)
		if isUnknown(u) && u != nil {
			return nil, ts // the whole block
		}
		for k := range blk {
			if partlyUnknown(u, k) && (j != b.i || k != attr) {
				return nil, ts
			}
		}
		if j != b.i {
			ids, _ := strs(blk[attr])
			for _, id := range ids {
				known[id] = true
			}
		}
	}
	if b.i >= len(bs) || !partlyUnknown(in.unknown, attr) {
		return nil, ts
	}
	for _, t := range ts {
		if t.known == "" || !known[t.known] {
			sure = append(sure, t)
		} else {
			rest = append(rest, t)
		}
	}
	return sure, rest
}

// partlyUnknown reports whether attr of the after_unknown mirror u is
// known only after apply, as a whole or in part.
func partlyUnknown(u any, attr string) bool {
	if isUnknown(u, attr) {
		return true
	}
	m, _ := u.(map[string]any)
	l, _ := m[attr].([]any)
	return slices.ContainsFunc(l, func(e any) bool { return isUnknown(e) })
}

package terraform

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// instance is one resource instance the plan holds after apply.
type instance struct {
	addr   string // absolute: module.app.aws_instance.web[0]
	module string // the module instance it is in: "module.app" ("" for the root)
	typ    string // aws_instance
	base   string // the address without its index: module.app.aws_instance.web
	index  string // the instance key as written in addresses: "0", `"blue"`; "" for none
	values map[string]any
	// unknown mirrors values where Terraform knows them only after apply:
	// true at an unknown leaf, maps and lists around them
	unknown any
	cfg     *tfjson.ConfigResource // its configuration block, nil when absent
	// shared, on an inline block whose configuration writes no block of
	// its own, is the references list every block of its attribute
	// shares: it stands for each of its attributes' expressions
	shared *tfjson.Expression
	// block, on an inline block, is the resource it is a block of, its
	// attribute and its index (inlineBlock); nil on anything else
	block *blockOf
	id    string // the ID the model gives it: its address
	known string // its id when the plan knows it (vpc-…), else ""
	// deferred marks a data source whose read Terraform defers to apply
	// (its resource_changes entry's action is "read"): what it has not
	// read yet is known only after apply (unknown)
	deferred bool
	// action is what the plan does to a managed resource (its
	// resource_changes entry's actions: ["no-op"], ["update"],
	// ["create"], ["delete", "create"], ...)
	action tfjson.Actions
	// standIn marks what stands for a default security group or network
	// ACL that AWS makes with a VPC of the plan and that the plan does
	// not manage (vpcDefault): no resource of the plan, its id the model's
	standIn bool
}

// created reports whether the plan creates in (anew or replacing the one
// that exists): its values are the new resource's, none AWS holds yet.
func (in *instance) created() bool {
	return slices.Contains(in.action, tfjson.ActionCreate)
}

// forgotten reports whether the plan forgets in (a removed block with
// lifecycle { destroy = false }: forget.go): AWS keeps it as it is, and
// no configuration sets any of its values.
func (in *instance) forgotten() bool {
	return slices.Contains(in.action, tfjson.ActionForget)
}

// updated reports whether the plan updates the existing in in place.
func (in *instance) updated() bool {
	return in.action.Update()
}

// reader turns a plan into a model.
type reader struct {
	file  string
	plan  *tfjson.Plan
	rep   *Report
	insts []*instance
	byAdr map[string]*instance   // by address
	byID  map[string]*instance   // by known id
	bases map[string][]*instance // by address without index, in plan order
	// gone are the resources the plan deletes or replaces, as they are
	// before apply (their resource_changes entry's before values), in plan
	// order: what they did to other resources' computed values (an
	// association's subnet in an ACL's subnet_ids) is undone at apply
	gone []*instance
	errs []error
	b    *reach.Builder
	// what translate assembles
	net     *network
	sgs     groups
	acls    acls
	ext     extras
	bpa     bpaRec // Block Public Access (bpa.go)
	tgw     tgws
	tgwPeer tgwPeerings // tgw_peering.go
	fw      fwState
	enis    map[string]*reach.Interface // by model ID
	eniList []string
	// outside are the resources of the plan the reader does not model
	// (groupuses.go)
	outside []*instance
	// facts are the data sources that tell the account or Region of a
	// provider configuration (accounts.go)
	facts []*instance
	// routeFrom names, for each route table (by model ID), the
	// standalone aws_route behind each of its routes (by position)
	routeFrom map[string]map[int]*instance
	// befores are the before values of the resource_changes entries, by
	// address, nil until asked (updatediff.go)
	befores map[string]map[string]any
}

func newReader(file string, plan *tfjson.Plan, rep *Report) *reader {
	return &reader{file: file, plan: plan, rep: rep, byAdr: map[string]*instance{}, byID: map[string]*instance{},
		bases: map[string][]*instance{}, b: reach.NewBuilder(), net: newNetwork(),
		sgs: groups{byID: map[string]*sg.Group{}, unknownPeers: map[string]bool{}, planned: map[string][]sg.Rule{}, inline: map[string]int{}},
		acls: acls{acls: map[string]*nacl.ACL{}, planned: map[string][]pendingEntry{}, inline: map[string]map[entryKey]bool{}, standalone: map[string]map[entryKey]bool{},
			computed: map[string][]string{}},
		ext: extras{lists: map[string]*reach.PrefixList{}}, enis: map[string]*reach.Interface{},
		tgw: tgws{gws: map[string]*tgwRec{}, rts: map[string]*reach.TGWRouteTable{}, atts: map[string]*reach.TGWAttachment{}, alias: map[string]string{}, quiet: map[string]bool{}},
		fw:  fwState{policies: map[string]aws.PolicySpec{}, byARN: map[string]string{}, unread: map[string]bool{}, outside: map[string]bool{}}}
}

// fail records an error about attribute path of instance in (nil: the
// plan as a whole).
func (r *reader) fail(in *instance, path, text string, sentinel error, format string, args ...any) {
	// the address leads, then the attribute: "aws_subnet.db: cidr_block"
	if in != nil && path != "" {
		path = in.addr + ": " + path
	} else if in != nil {
		path = in.addr
	}
	r.errs = append(r.errs, &flow.InputError{File: r.file, Path: path, Text: text,
		Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)})
}

// build reads the instances and builds the model.
func (r *reader) build() (*reach.Model, error) {
	r.collect()
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	r.translate()
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	m, err := r.b.BuildOnce() // the reader's builder is used once
	if err != nil {
		return nil, r.explain(err)
	}
	return m, nil
}

// explain rewrites Build's errors, which name the builder's items
// ("natGateways[0].PrivateIP") and the model ID, the resource's address,
// to name the resource and its attribute as the reader's own errors do
// ("aws_nat_gateway.main: private_ip"): the attribute is the one whose
// value is the offending text (an address compared as an address); when
// no single attribute holds it, the address alone. A route of a table
// that a standalone aws_route made is named by the aws_route, and a
// text that is a linked resource's model ID by that resource's ID, the
// value the plan holds.
func (r *reader) explain(err error) error {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		ie, ok := e.(*flow.InputError)
		in := r.byAdr[ie.Resource]
		if !ok || in == nil || in.standIn {
			out = append(out, &flow.InputError{File: r.file, Err: e})
			continue
		}
		if src := r.routeFrom[ie.Resource][routeIndex(ie.Path)]; src != nil {
			in = src // a standalone aws_route folded into its table
		}
		text := ie.Text
		if t := r.byAdr[text]; t != nil && t.known != "" {
			text = t.known // a linked resource's model ID: the plan's value is its ID
		}
		path := in.addr
		if text != "" {
			if at := attrHolding(in.values, text); at != "" {
				path += ": " + at
			} else if eip := r.eipHolding(text); eip != "" {
				path += ", Elastic IP " + eip + ": public_ip" // the NAT gateway's, or the interface's, held by its aws_eip
			}
		}
		out = append(out, &flow.InputError{File: r.file, Path: path, Rule: ie.Rule, Text: text, Err: ie.Err})
	}
	return errors.Join(out...)
}

// eipHolding returns the address of the one aws_eip of the plan whose
// public_ip is text, "" when none or several are: where a public
// address Build refuses came from an Elastic IP rather than from an
// attribute of the resource Build names.
func (r *reader) eipHolding(text string) string {
	a, err := netip.ParseAddr(text)
	if err != nil {
		return ""
	}
	found := ""
	for _, in := range r.insts {
		if in.typ != "aws_eip" {
			continue
		}
		if s, ok := in.values["public_ip"].(string); ok {
			if b, err := netip.ParseAddr(s); err == nil && a == b {
				if found != "" {
					return ""
				}
				found = in.addr
			}
		}
	}
	return found
}

// routeIndex is the position of the route a builder path names
// ("routeTables[2].Routes[3].TargetID": 3), -1 when it names none.
func routeIndex(path string) int {
	_, rest, ok := strings.Cut(path, ".Routes[")
	if !ok {
		return -1
	}
	num, _, _ := strings.Cut(rest, "]")
	n, err := strconv.Atoi(num)
	if err != nil {
		return -1
	}
	return n
}

// attrHolding returns the path of the one value of values (attributes,
// nested blocks and lists) that is text, or an address or prefix equal
// to it ("secondary_private_ip_addresses[0]"); "" when none or several
// are.
func attrHolding(values map[string]any, text string) string {
	same := func(s string) bool {
		if s == text {
			return true
		}
		if a, err := netip.ParseAddr(s); err == nil {
			b, err := netip.ParseAddr(text)
			return err == nil && a == b
		}
		p, err := netip.ParsePrefix(s)
		q, err2 := netip.ParsePrefix(text)
		return err == nil && err2 == nil && p == q
	}
	var found []string
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case string:
			if same(x) {
				found = append(found, path)
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i))
			}
		case map[string]any:
			for k, e := range x {
				if path != "" {
					k = path + "." + k
				}
				walk(e, k)
			}
		}
	}
	walk(values, "")
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// collect gathers the managed resource instances of the planned values,
// with their unknowns (from resource_changes) and their configuration,
// and the data sources.
func (r *reader) collect() {
	unknown := map[string]any{}
	deferred := map[string]bool{}
	actions := map[string]tfjson.Actions{}
	var forgotten []*tfjson.ResourceChange
	for _, rc := range r.plan.ResourceChanges {
		if rc == nil || rc.Change == nil {
			continue
		}
		switch rc.Mode {
		case tfjson.ManagedResourceMode:
			if slices.Contains(rc.Change.Actions, tfjson.ActionForget) {
				forgotten = append(forgotten, rc) // forget.go
				continue
			}
			if rc.DeposedKey != "" {
				// a deposed object (a create_before_destroy whose destroy
				// failed): its entry shares the current object's address,
				// and the plan only deletes it
				r.deposed(rc)
				continue
			}
			unknown[modelAddr(rc.Address)] = rc.Change.AfterUnknown
			actions[modelAddr(rc.Address)] = rc.Change.Actions
			// a standalone rule updated in place (ModifySecurityGroupRules)
			// is gone in its before form too: the group's computed rules
			// still show that (computed.go)
			updatedRule := rc.Change.Actions.Update() && slices.Contains(standaloneRuleTypes, rc.Type)
			if rc.Change.Actions.Delete() || rc.Change.Actions.Replace() || updatedRule {
				r.addGone(rc)
			}
		case tfjson.DataResourceMode:
			// a data source whose read waits for apply (action "read",
			// action_reason read_because_config_unknown or
			// read_because_dependency_pending): planned_values leaves
			// out what it has not read, after_unknown marks it
			unknown[modelAddr(rc.Address)] = rc.Change.AfterUnknown
			deferred[modelAddr(rc.Address)] = rc.Change.Actions.Read()
		}
	}
	var walk func(m *tfjson.StateModule, data bool)
	walk = func(m *tfjson.StateModule, data bool) {
		if m == nil {
			return
		}
		for _, sr := range m.Resources {
			if sr == nil {
				continue
			}
			addr := modelAddr(sr.Address)
			switch {
			case sr.Mode == tfjson.DataResourceMode && r.byAdr[addr] == nil:
				r.addData(m.Address, sr, unknown[addr], deferred[addr]) // what exists
			case sr.Mode == tfjson.ManagedResourceMode && !data:
				r.add(m.Address, sr, unknown[addr], actions[addr])
			}
		}
		for _, c := range m.ChildModules {
			walk(c, data)
		}
	}
	if r.plan.PlannedValues != nil {
		walk(r.plan.PlannedValues.RootModule, false)
	}
	r.addForgotten(forgotten) // forget.go
	if r.plan.PriorState != nil && r.plan.PriorState.Values != nil {
		walk(r.plan.PriorState.Values.RootModule, true) // its data sources only: its resources are as they were
	}
	r.adoptedIDs() // adoption.go
}

// addGone records the object of rc as it is before apply (its before
// values) among the resources the plan deletes or replaces.
func (r *reader) addGone(rc *tfjson.ResourceChange) {
	before, _ := rc.Change.Before.(map[string]any)
	if before == nil {
		before = map[string]any{}
	}
	g := &instance{addr: modelAddr(rc.Address), module: modelAddr(rc.ModuleAddress), typ: rc.Type, values: before, action: rc.Change.Actions}
	g.base, g.index = splitIndex(g.addr)
	g.id = g.addr
	if id, ok := before["id"].(string); ok {
		g.known = id
	}
	r.gone = append(r.gone, g)
}

// deposed reads the resource_changes entry rc of a deposed object
// ("deposed": its key), which Terraform writes beside the current
// object's entry under the same address: it says nothing of the current
// object (its after_unknown and actions are the deposed object's). A
// deposed object the plan deletes is gone at apply, as a deleted
// resource is; one it keeps (any other action) would stay in AWS beside
// the current object, which the model cannot hold: an error wrapping
// [ErrInvalidPlan].
func (r *reader) deposed(rc *tfjson.ResourceChange) {
	if slices.Equal(rc.Change.Actions, tfjson.Actions{tfjson.ActionDelete}) {
		r.addGone(rc)
		return
	}
	in := &instance{addr: modelAddr(rc.Address), module: modelAddr(rc.ModuleAddress), typ: rc.Type}
	r.fail(in, "", rc.Address, ErrInvalidPlan, "the plan keeps a deposed object of this address (%s) beside the current one: AWS holds both after apply, and the model holds one object per address", actionsText(rc))
}

// goneOf returns the resources of type typ the plan deletes or replaces,
// as they are before apply.
func (r *reader) goneOf(typ string) []*instance {
	var out []*instance
	for _, g := range r.gone {
		if g.typ == typ {
			out = append(out, g)
		}
	}
	return out
}

// quietly runs read on a resource the plan deletes: what it cannot read
// (a value of a form the model does not take) is no error or warning of
// the plan, which keeps none of it.
func (r *reader) quietly(read func()) {
	errs, warns := len(r.errs), len(r.rep.Warnings)
	read()
	r.errs, r.rep.Warnings = r.errs[:errs], r.rep.Warnings[:warns]
}

// addData records a data source: a resource that exists, its type
// "data.<type>". Its values are all known when the plan read it; when
// Terraform defers its read to apply (deferred), unknown marks those
// known only after apply, as for a managed resource.
func (r *reader) addData(module string, sr *tfjson.StateResource, unknown any, deferred bool) {
	typ := "data." + sr.Type
	if typ == "data.aws_caller_identity" || typ == "data.aws_region" {
		r.providerFact(module, sr, unknown) // accounts.go
	}
	if !slices.Contains(dataSources, typ) {
		r.rep.Unmodelled[typ]++
		return
	}
	in := &instance{addr: modelAddr(sr.Address), module: modelAddr(module), typ: typ, values: sr.AttributeValues, unknown: unknown, deferred: deferred}
	if in.values == nil {
		in.values = map[string]any{}
	}
	in.base, in.index = splitIndex(in.addr)
	r.respelled(sr.Address, in.addr)
	in.id = in.addr
	if deferred {
		r.rep.Warnings = append(r.rep.Warnings, in.addr+": "+deferredRead+": what it has not read is unknown in the model")
	}
	if id, ok := in.values["id"].(string); ok && id != "" && !isUnknown(unknown, "id") {
		in.known = id
		if r.byID[id] == nil { // a resource of the plan with the id wins
			r.byID[id] = in
		}
	}
	r.insts = append(r.insts, in)
	r.byAdr[in.addr] = in
	r.bases[in.base] = append(r.bases[in.base], in)
}

// add records one planned resource instance.
func (r *reader) add(module string, sr *tfjson.StateResource, unknown any, action tfjson.Actions) {
	in := &instance{addr: modelAddr(sr.Address), module: modelAddr(module), typ: sr.Type, values: sr.AttributeValues, unknown: unknown, action: action}
	if in.values == nil {
		in.values = map[string]any{}
	}
	in.base, in.index = splitIndex(in.addr)
	if _, dup := r.byAdr[in.addr]; dup {
		r.fail(in, "", in.addr, ErrInvalidPlan, "resource %s is planned twice", in.addr)
		return
	}
	in.cfg = r.config(in.module, sr.Type, sr.Name)
	in.id = in.addr // the model names every resource by its address (traversal.go: modelAddr)
	r.respelled(sr.Address, in.addr)
	if id, ok := in.values["id"].(string); ok && id != "" && !isUnknown(in.unknown, "id") {
		in.known = id
		r.byID[id] = in
	}
	if eni := knownString(in, "primary_network_interface_id"); in.typ == "aws_instance" && eni != "" && r.byID[eni] == nil {
		// an instance's primary interface, which a route or an Elastic
		// IP association may name by its ID before the instance is read
		r.byID[eni] = in
	}
	r.insts = append(r.insts, in)
	r.byAdr[in.addr] = in
	r.bases[in.base] = append(r.bases[in.base], in)
}

// respelled notes, with a warning, a resource whose address holds a
// space (a for_each key): the model names it by the address with HCL's
// escape for it (modelAddr), as its IDs hold no spaces.
func (r *reader) respelled(addr, id string) {
	if addr != id {
		r.rep.Warnings = append(r.rep.Warnings, id+": the model's name for "+addr+
			` (a model ID holds no spaces: each space of its key is written \u0020, HCL's escape for it); a query may name it either way`)
	}
}

// splitIndex splits an address into its part before a trailing instance
// key and the key as written ("0", `"blue"`), "" when there is none.
func splitIndex(addr string) (base, index string) {
	if !strings.HasSuffix(addr, "]") {
		return addr, ""
	}
	// the key is the last bracketed part; a string key may hold brackets
	// of its own, so find its opening bracket from the end, outside quotes
	i := strings.LastIndex(addr, "[")
	if strings.HasSuffix(addr, `"]`) {
		if j := strings.LastIndex(addr[:len(addr)-2], `["`); j >= 0 {
			i = j
		}
	}
	if i <= 0 {
		return addr, ""
	}
	return addr[:i], addr[i+1 : len(addr)-1]
}

// moduleConfig returns the configuration of the module instance path
// ("module.a[0].module.b"), nil when the plan has none.
func (r *reader) moduleConfig(path string) *tfjson.ConfigModule {
	if r.plan.Config == nil {
		return nil
	}
	calls, ok := modulePath(path)
	if !ok {
		return nil
	}
	m := r.plan.Config.RootModule
	for _, c := range calls {
		if m == nil || m.ModuleCalls[c.call] == nil {
			return nil
		}
		m = m.ModuleCalls[c.call].Module
	}
	return m
}

// config returns the configuration of resource typ.name in the module
// instance path, nil when the plan has none.
func (r *reader) config(module, typ, name string) *tfjson.ConfigResource {
	m := r.moduleConfig(module)
	if m == nil {
		return nil
	}
	for _, c := range m.Resources {
		if c != nil && c.Mode == tfjson.ManagedResourceMode && c.Type == typ && c.Name == name {
			return c
		}
	}
	return nil
}

// isUnknown reports whether the value at path (keys and list indexes) is
// known only after apply, by the after_unknown mirror u.
func isUnknown(u any, path ...any) bool {
	for _, p := range path {
		if b, ok := u.(bool); ok {
			return b
		}
		switch k := p.(type) {
		case string:
			m, ok := u.(map[string]any)
			if !ok {
				return false
			}
			u = m[k]
		case int:
			l, ok := u.([]any)
			if !ok || k >= len(l) {
				return false
			}
			u = l[k]
		}
	}
	b, ok := u.(bool)
	return ok && b
}

// configured reports whether the configuration of in sets attribute attr
// (an inline block list such as ingress or route included). A forgotten
// resource has no configuration that sets anything: its values are all
// AWS's, as an existing resource's that its configuration leaves out
// (its inline routes, rules and entries less those of standalone
// resources the plan deletes, and those of standalone resources once).
func (in *instance) configured(attr string) bool {
	if in.forgotten() {
		return false
	}
	if in.shared != nil {
		return true
	}
	if in.cfg == nil {
		return true // no configuration to say otherwise: take the values as planned
	}
	_, ok := in.cfg.Expressions[attr]
	return ok
}

// writesInline reports whether the inline blocks attr (ingress, egress)
// of in are what its configuration writes, rather than what AWS holds:
// those its configuration sets; and both of an aws_default_network_acl
// that the plan does not forget, whose ingress and egress are not
// Computed (the provider: "We want explicit management of Rules here"),
// so that leaving them out plans them empty and the update deletes the
// entries AWS holds, an aws_network_acl_rule's included.
func (in *instance) writesInline(attr string) bool {
	return in.configured(attr) || in.typ == "aws_default_network_acl" && !in.forgotten()
}

// references returns the references the configuration of in writes for
// attribute attr, nil when none.
func (in *instance) references(attr string) []string {
	if in.shared != nil && in.shared.ExpressionData != nil {
		return in.shared.References
	}
	if in.cfg == nil {
		return nil
	}
	e := in.cfg.Expressions[attr]
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	return e.References
}

// number reads v as an integer.
func number(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	}
	return 0, false
}

// strsOf reads attribute attr of in as a list (or set) of strings, as
// strs does, where an element known only after apply is "" and partly
// reports one: Terraform writes such an element null in the planned
// values, and true at its index in after_unknown (["${aws_eip.nat.public_ip}/32"]
// is [null]). A null element after_unknown does not mark, or any other
// value than a list of strings, makes ok false.
func strsOf(in *instance, attr string) (ss []string, partly, ok bool) {
	l, isList := in.values[attr].([]any)
	if !isList {
		ss, ok = strs(in.values[attr])
		return ss, false, ok
	}
	ss = make([]string, 0, len(l))
	for i, e := range l {
		s, isStr := e.(string)
		switch {
		case e == nil && isUnknown(in.unknown, attr, i):
			partly = true
		case !isStr:
			return nil, false, false
		}
		ss = append(ss, s)
	}
	return ss, partly, true
}

// strs reads v as a list (or set) of strings, sorted as given.
func strs(v any) ([]string, bool) {
	if v == nil {
		return nil, true
	}
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// blocks reads v as a list of nested blocks.
func blocks(v any) ([]map[string]any, bool) {
	if v == nil {
		return nil, true
	}
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]map[string]any, 0, len(l))
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		out = append(out, m)
	}
	return out, true
}

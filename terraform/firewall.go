package terraform

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// AWS Network Firewall: aws_networkfirewall_rule_group,
// aws_networkfirewall_firewall_policy and aws_networkfirewall_firewall.
// Their attributes mirror the AWS API's shapes (rule_group.rules_source
// is RuleGroup.RulesSource, in snake case and with nested blocks as
// lists), so each is written back into the JSON the AWS CLI prints for it
// and read by package aws, which reads a dump's. A rule group or policy
// whose ARN is known only after apply is named by its address; a policy's
// reference to it (resource_arn) and a firewall's to its policy resolve by
// reference. A firewall's endpoint is named by its ID when the plan knows
// it, else by the firewall's address and the zone of its subnet
// (aws_networkfirewall_firewall.fw/eu-west-1a); a route whose
// vpc_endpoint_id is known only after apply and refers to the firewall is
// bound to the endpoint in the zone of the subnets its route table serves,
// with a warning that says so.

// fwState is what the firewall readers assemble.
type fwState struct {
	groups   []aws.RuleGroup
	policies map[string]aws.PolicySpec // by model ID (known ARN or address)
	byARN    map[string]string         // a known ARN to the model ID
	fws      []reach.Firewall
	// unread are the model IDs of the rule groups and policies refused
	// for a value known only after apply, and of the policies naming
	// one: their firewalls are kept without a policy (the plan is
	// refused already), so that no follow-on error blames the routes
	unread map[string]bool
	// outside are the ARNs of the stateful rule groups outside the plan
	// that policies reference, warned about once each
	outside map[string]bool
}

// first returns the first block of a nested block list, nil for none.
func first(v any) map[string]any {
	bs, _ := blocks(v)
	if len(bs) == 0 {
		return nil
	}
	return bs[0]
}

// arnOf returns the ARN a rule group or policy has in the model: its
// known ARN, else its address.
func arnOf(in *instance) string {
	if s, ok := in.values["arn"].(string); ok && s != "" && !isUnknown(in.unknown, "arn") {
		return s
	}
	return in.addr
}

// unknownPaths returns the paths (rule_group[0].rules_source[0].rules_string)
// of the values known only after apply under u, the after_unknown of
// attribute path, in a stable order, less those skip keeps.
func unknownPaths(u any, path string, skip func(string) bool) []string {
	switch v := u.(type) {
	case bool:
		if v && !skip(path) {
			return []string{path}
		}
	case map[string]any:
		var out []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, unknownPaths(v[k], path+"."+k, skip)...)
		}
		return out
	case []any:
		var out []string
		for i, e := range v {
			out = append(out, unknownPaths(e, fmt.Sprintf("%s[%d]", path, i), skip)...)
		}
		return out
	}
	return nil
}

// failUnknown refuses each value of attribute attr of in known only
// after apply (less those skip keeps), as [ErrUnknownValue]: read as
// absent, a variable, a rule's header or match set, a target list or a
// rules string would change what the rules match. It reports whether
// there was one.
func (r *reader) failUnknown(in *instance, attr string, skip func(string) bool) bool {
	m, _ := in.unknown.(map[string]any)
	paths := unknownPaths(m[attr], attr, skip)
	for _, p := range paths {
		r.fail(in, p, "", ErrUnknownValue, "the firewall's rules need it, and reachsim never reads it as absent (that would change what the rules match)")
	}
	return len(paths) > 0
}

// rulesConfigured returns the top-level rules of a rule group whose
// configuration sets them: the provider sends them when they are set or
// change ("rules takes precedence", as rule_group, Optional and
// Computed, is what it last read), so they, not rule_group's
// rules_source, are the group's rules. unknown reports rules known only
// after apply.
func rulesConfigured(in *instance) (rules string, unknown bool) {
	if !in.configured("rules") {
		return "", false
	}
	if isUnknown(in.unknown, "rules") {
		return "", true
	}
	s, _ := in.values["rules"].(string)
	return s, false
}

// readFWRuleGroup reads an aws_networkfirewall_rule_group.
func (r *reader) readFWRuleGroup(in *instance) {
	arn := arnOf(in)
	rules, rulesUnknown := rulesConfigured(in)
	if rulesUnknown {
		r.fail(in, "rules", "", ErrUnknownValue, "the firewall's rules need it, and reachsim never reads it as absent")
		r.fw.unread[arn] = true
		return
	}
	// rule_group is what the provider last read when rules is set; an IP
	// set reference to a prefix list of the plan resolves by reference
	refs := r.referenceSets(in)
	if rules == "" && r.failUnknown(in, "rule_group", func(p string) bool { return refs.resolved[p] }) {
		r.fw.unread[arn] = true
		return
	}
	name, _ := r.str(in, "name", false)
	typ, _ := r.str(in, "type", false)
	resp := map[string]any{"RuleGroupName": name, "RuleGroupArn": arn, "Type": typ, "Capacity": in.values["capacity"]}
	g := map[string]any{}
	rg := first(in.values["rule_group"])
	if rv := first(rg["rule_variables"]); rv != nil {
		vars := map[string]any{}
		for _, kind := range [][2]string{{"ip_sets", "ip_set"}, {"port_sets", "port_set"}} {
			sets := map[string]any{}
			bs, _ := blocks(rv[kind[0]])
			for _, b := range bs {
				key, _ := b["key"].(string)
				sets[key] = map[string]any{"Definition": first(b[kind[1]])["definition"]}
			}
			if len(sets) > 0 {
				vars[map[string]string{"ip_sets": "IPSets", "port_sets": "PortSets"}[kind[0]]] = sets
			}
		}
		g["RuleVariables"] = vars
	}
	if len(refs.arns) > 0 {
		sets := map[string]any{}
		for key, arn := range refs.arns {
			sets[key] = map[string]any{"ReferenceArn": arn}
		}
		g["ReferenceSets"] = map[string]any{"IPSetReferences": sets}
	}
	if rules != "" {
		g["RulesSource"] = map[string]any{"RulesString": rules}
	} else {
		g["RulesSource"] = rulesSource(first(rg["rules_source"]), in.values["rules"])
	}
	if so := first(rg["stateful_rule_options"]); so != nil {
		g["StatefulRuleOptions"] = map[string]any{"RuleOrder": so["rule_order"]}
	}
	group, err := aws.ParseRuleGroup(mustJSON(map[string]any{"RuleGroup": g, "RuleGroupResponse": resp}))
	if err != nil {
		r.fail(in, "rule_group", "", ErrInvalidPlan, "%v", err)
		return
	}
	for _, w := range group.Warnings {
		r.rep.Warnings = append(r.rep.Warnings, in.addr+": "+w)
	}
	r.fw.groups = append(r.fw.groups, group)
	r.fw.byARN[arn] = arn
}

// refSets is what referenceSets reads of a rule group's IP set
// references: per key, the ARN to resolve (a prefix list of the plan by
// its model ID), and the paths of the reference_arn values known only
// after apply that a reference resolved.
type refSets struct {
	arns     map[string]any
	resolved map[string]bool
}

// referenceSets reads rule_group.reference_sets of rule group in. A
// reference_arn that names a managed prefix list of the plan, by its
// known ARN (or ID) or, known only after apply, by the configuration's
// reference to it (the block paired by its key), stands for that list's
// model ID, which the model resolves to its entries; any other ARN is
// kept as it is (a list outside the plan, a resource group).
func (r *reader) referenceSets(in *instance) refSets {
	out := refSets{arns: map[string]any{}, resolved: map[string]bool{}}
	rs := first(first(in.values["rule_group"])["reference_sets"])
	bs, _ := blocks(rs["ip_set_references"])
	cfg := nestedCfg(in, "rule_group", "reference_sets", "ip_set_references")
	for i, b := range bs {
		key, _ := b["key"].(string)
		arn, _ := first(b["ip_set_reference"])["reference_arn"].(string)
		if arn != "" {
			out.arns[key] = arn
			id := arn[strings.LastIndex(arn, "/")+1:]
			if t := r.byID[id]; t != nil && (t.typ == "aws_ec2_managed_prefix_list" || t.typ == "data.aws_ec2_managed_prefix_list") {
				out.arns[key] = t.id
			}
			continue
		}
		for _, c := range cfg {
			k := c["key"]
			if k == nil || k.ExpressionData == nil || k.ConstantValue != key {
				continue
			}
			ref := nestedExpr(c, "ip_set_reference", "reference_arn")
			if ref == nil {
				continue
			}
			if ts, open := r.targets(in, ref.References, "aws_ec2_managed_prefix_list", "data.aws_ec2_managed_prefix_list"); len(ts) == 1 && !open {
				out.arns[key] = ts[0].id
				out.resolved[fmt.Sprintf("rule_group[0].reference_sets[0].ip_set_references[%d].ip_set_reference[0].reference_arn", i)] = true
			}
		}
	}
	return out
}

// nestedCfg returns the configuration's blocks of in at the path of
// nested block attributes (each the first block of its parent but the
// last), nil when the configuration has none.
func nestedCfg(in *instance, path ...string) []map[string]*tfjson.Expression {
	if in.cfg == nil {
		return nil
	}
	e := in.cfg.Expressions[path[0]]
	for _, attr := range path[1:] {
		if e == nil || len(e.NestedBlocks) == 0 {
			return nil
		}
		e = e.NestedBlocks[0][attr]
	}
	if e == nil {
		return nil
	}
	return e.NestedBlocks
}

// nestedExpr returns the expression attr of the first block of block
// attribute blockAttr of c, nil when there is none.
func nestedExpr(c map[string]*tfjson.Expression, blockAttr, attr string) *tfjson.Expression {
	b := c[blockAttr]
	if b == nil || len(b.NestedBlocks) == 0 {
		return nil
	}
	return b.NestedBlocks[0][attr]
}

// rulesSource writes a rules_source block as the API's RulesSource.
func rulesSource(src map[string]any, rules any) map[string]any {
	out := map[string]any{}
	if s, _ := src["rules_string"].(string); s != "" {
		out["RulesString"] = s
	} else if s, _ := rules.(string); s != "" {
		out["RulesString"] = s
	}
	if l := first(src["rules_source_list"]); l != nil {
		out["RulesSourceList"] = map[string]any{"GeneratedRulesType": l["generated_rules_type"], "TargetTypes": l["target_types"], "Targets": l["targets"]}
	}
	if srs, _ := blocks(src["stateful_rule"]); len(srs) > 0 {
		var rules []any
		for _, sr := range srs {
			h := first(sr["header"])
			var opts []any
			os, _ := blocks(sr["rule_option"])
			for _, o := range os {
				opts = append(opts, map[string]any{"Keyword": o["keyword"], "Settings": o["settings"]})
			}
			rules = append(rules, map[string]any{"Action": sr["action"], "RuleOptions": opts, "Header": map[string]any{
				"Protocol": h["protocol"], "Source": h["source"], "SourcePort": h["source_port"], "Direction": h["direction"],
				"Destination": h["destination"], "DestinationPort": h["destination_port"]}})
		}
		out["StatefulRules"] = rules
	}
	if sl := first(src["stateless_rules_and_custom_actions"]); sl != nil {
		var rules []any
		bs, _ := blocks(sl["stateless_rule"])
		for _, b := range bs {
			def := first(b["rule_definition"])
			m := first(def["match_attributes"])
			rules = append(rules, map[string]any{"Priority": b["priority"], "RuleDefinition": map[string]any{"Actions": def["actions"], "MatchAttributes": matchAttributes(m)}})
		}
		out["StatelessRulesAndCustomActions"] = map[string]any{"StatelessRules": rules, "CustomActions": customActions(sl["custom_action"])}
	}
	return out
}

// matchAttributes writes a match_attributes block as the API's.
func matchAttributes(m map[string]any) map[string]any {
	addrs := func(v any) []any {
		var out []any
		bs, _ := blocks(v)
		for _, b := range bs {
			out = append(out, map[string]any{"AddressDefinition": b["address_definition"]})
		}
		return out
	}
	ports := func(v any) []any {
		var out []any
		bs, _ := blocks(v)
		for _, b := range bs {
			out = append(out, map[string]any{"FromPort": b["from_port"], "ToPort": b["to_port"]})
		}
		return out
	}
	out := map[string]any{"Sources": addrs(m["source"]), "Destinations": addrs(m["destination"]),
		"SourcePorts": ports(m["source_port"]), "DestinationPorts": ports(m["destination_port"]), "Protocols": m["protocols"]}
	var flags []any
	bs, _ := blocks(m["tcp_flag"])
	for _, b := range bs {
		flags = append(flags, map[string]any{"Flags": b["flags"], "Masks": b["masks"]})
	}
	if len(flags) > 0 {
		out["TCPFlags"] = flags
	}
	return out
}

// customActions writes custom_action blocks as the API's CustomActions.
func customActions(v any) []any {
	var out []any
	bs, _ := blocks(v)
	for _, b := range bs {
		var dims []any
		pm := first(first(b["action_definition"])["publish_metric_action"])
		ds, _ := blocks(pm["dimension"])
		for _, d := range ds {
			dims = append(dims, map[string]any{"Value": d["value"]})
		}
		out = append(out, map[string]any{"ActionName": b["action_name"], "ActionDefinition": map[string]any{"PublishMetricAction": map[string]any{"Dimensions": dims}}})
	}
	return out
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of decoded JSON values always marshal
	}
	return data
}

// readFWPolicy reads an aws_networkfirewall_firewall_policy.
func (r *reader) readFWPolicy(in *instance) {
	arn := arnOf(in)
	// a reference's resource_arn resolves by reference (groupARN), and
	// tls_inspection_configuration_arn is kept with a warning
	if r.failUnknown(in, "firewall_policy", func(p string) bool {
		return strings.HasSuffix(p, ".resource_arn") || strings.HasSuffix(p, ".tls_inspection_configuration_arn")
	}) {
		r.fw.unread[arn] = true
		return
	}
	name, _ := r.str(in, "name", false)
	fp := first(in.values["firewall_policy"])
	p := map[string]any{"StatelessDefaultActions": fp["stateless_default_actions"], "StatelessFragmentDefaultActions": fp["stateless_fragment_default_actions"],
		"StatefulDefaultActions": fp["stateful_default_actions"], "StatelessCustomActions": customActions(fp["stateless_custom_action"])}
	for _, kind := range []string{"stateless", "stateful"} {
		attr := kind + "_rule_group_reference"
		bs, _ := blocks(fp[attr])
		var refs []any
		for i, b := range bs {
			ga := r.groupARN(in, attr, i, len(bs), b)
			if r.fw.unread[ga] {
				r.fw.unread[arn] = true
			}
			ref := map[string]any{"ResourceArn": ga}
			if b["priority"] != nil {
				ref["Priority"] = b["priority"]
			}
			if o := first(b["override"]); o != nil {
				ref["Override"] = map[string]any{"Action": o["action"]}
			}
			refs = append(refs, ref)
		}
		p[map[string]string{"stateless": "StatelessRuleGroupReferences", "stateful": "StatefulRuleGroupReferences"}[kind]] = refs
	}
	tlsArn, _ := fp["tls_inspection_configuration_arn"].(string)
	if tlsArn == "" && isUnknown(in.unknown, "firewall_policy", 0, "tls_inspection_configuration_arn") {
		// set, to a configuration the plan creates: configured all the same
		tlsArn = "(tls_inspection_configuration_arn known after apply)"
	}
	if tlsArn != "" {
		p["TLSInspectionConfigurationArn"] = tlsArn
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: firewall_policy.tls_inspection_configuration_arn %s: reachsim does not model TLS inspection (its scope is not in the plan): TCP sessions through the policy's firewalls are indeterminate unless the rules drop them in the handshake", in.addr, tlsArn))
	}
	if eo := first(fp["stateful_engine_options"]); eo != nil {
		p["StatefulEngineOptions"] = map[string]any{"RuleOrder": eo["rule_order"], "StreamExceptionPolicy": eo["stream_exception_policy"]}
	}
	if pv := first(fp["policy_variables"]); pv != nil {
		vars := map[string]any{}
		bs, _ := blocks(pv["rule_variables"])
		for _, b := range bs {
			key, _ := b["key"].(string)
			vars[key] = map[string]any{"Definition": first(b["ip_set"])["definition"]}
		}
		p["PolicyVariables"] = map[string]any{"RuleVariables": vars}
	}
	spec, err := aws.ParseFirewallPolicy(mustJSON(map[string]any{"FirewallPolicy": p,
		"FirewallPolicyResponse": map[string]any{"FirewallPolicyName": name, "FirewallPolicyArn": arn}}))
	if err != nil {
		r.fail(in, "firewall_policy", "", ErrInvalidPlan, "%v", err)
		return
	}
	r.fw.policies[arn] = spec
	r.fw.byARN[arn] = arn
}

// groupARN returns the ARN a policy's rule group reference b (block i of
// the n of attribute attr) names: its resource_arn when known, else the
// group its configuration refers to, paired by priority (or by place when
// the blocks have none).
func (r *reader) groupARN(in *instance, attr string, i, n int, b map[string]any) string {
	if s, _ := b["resource_arn"].(string); s != "" {
		return s
	}
	var blocksCfg []map[string]*tfjson.Expression
	if in.cfg != nil && in.cfg.Expressions["firewall_policy"] != nil && len(in.cfg.Expressions["firewall_policy"].NestedBlocks) > 0 {
		if e := in.cfg.Expressions["firewall_policy"].NestedBlocks[0][attr]; e != nil {
			blocksCfg = e.NestedBlocks
		}
	}
	var cfg map[string]*tfjson.Expression
	for j, c := range blocksCfg {
		if p := c["priority"]; p != nil && p.ExpressionData != nil && p.ConstantValue != nil {
			if want, ok := number(p.ConstantValue); ok {
				if got, ok := number(b["priority"]); ok && got == want {
					cfg = c
				}
			}
		} else if len(blocksCfg) == n && j == i {
			cfg = c
		}
	}
	if cfg == nil {
		cfg = onlyUnknownPair(in, attr, blocksCfg)
	}
	path := fmt.Sprintf("firewall_policy[0].%s[%d].resource_arn", attr, i)
	if cfg == nil || cfg["resource_arn"] == nil || cfg["resource_arn"].ExpressionData == nil {
		r.fail(in, path, "", ErrUnknownValue, "no reference in the configuration names the rule group")
		return ""
	}
	ts, open := r.targets(in, cfg["resource_arn"].References, "aws_networkfirewall_rule_group")
	if len(ts) != 1 || open {
		r.fail(in, path, "", ErrUnknownValue, "its configuration does not name one rule group of the plan")
		return ""
	}
	return arnOf(ts[0])
}

// onlyUnknownPair pairs by elimination where priorities cannot (one
// computed from a variable has no constant value): when one block of
// attr in the plan has its resource_arn known only after apply and one
// block of the configuration names a rule group of the plan by reference,
// they are the same block; nil otherwise.
func onlyUnknownPair(in *instance, attr string, blocksCfg []map[string]*tfjson.Expression) map[string]*tfjson.Expression {
	planned := 0
	for _, fp := range listOf(in.values["firewall_policy"]) {
		for _, b := range listOf(fp[attr]) {
			if s, _ := b["resource_arn"].(string); s == "" {
				planned++
			}
		}
	}
	var only map[string]*tfjson.Expression
	byRef := 0
	for _, c := range blocksCfg {
		if e := c["resource_arn"]; e != nil && e.ExpressionData != nil &&
			slices.ContainsFunc(e.References, func(ref string) bool { return strings.Contains(ref, "aws_networkfirewall_rule_group.") }) {
			only = c
			byRef++
		}
	}
	if planned != 1 || byRef != 1 {
		return nil
	}
	return only
}

// outsideGroups returns the plan's rule groups, and an opaque group
// (stateful.RuleGroup.Opaque) for each stateful group policy spec
// references by a known ARN the plan does not hold: an AWS managed group
// (AWS does not publish its rules) or a customer group that exists
// outside the plan. Its rules are unknown, so what they could decide is
// Indeterminate; each such ARN gets a warning once.
func (r *reader) outsideGroups(in *instance, spec aws.PolicySpec) []aws.RuleGroup {
	groups := r.fw.groups
	for _, ref := range spec.StatefulGroups {
		if slices.ContainsFunc(r.fw.groups, func(g aws.RuleGroup) bool { return g.ARN() == ref.ARN }) ||
			!strings.HasPrefix(ref.ARN, "arn:") {
			continue
		}
		g := aws.OpaqueManagedGroup(ref.ARN, spec.RuleOrder)
		if !aws.IsManagedRuleGroup(ref.ARN) {
			g.Opaque = "the rules of rule group " + ref.ARN + ", which the plan does not hold (the group exists outside it)"
		}
		groups = append(slices.Clip(groups), aws.RuleGroup{Stateful: g})
		if !r.fw.outside[ref.ARN] {
			r.fw.outside[ref.ARN] = true
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: firewall policy %s: stateful_rule_group_reference %s: the input lacks %s: connections the group could decide are indeterminate",
				in.addr, spec.Name, ref.ARN, g.Opaque))
		}
	}
	return groups
}

// outsidePolicy is the policy of ARN arn, which the plan does not hold
// (it exists outside it): its stateless engine forwards every packet to
// one opaque stateful group, so whatever it could decide (pass or drop,
// stateless or stateful) is indeterminate, naming the policy.
func outsidePolicy(arn string) firewall.Policy {
	g := stateful.RuleGroup{ARN: arn, Opaque: "the rules of firewall policy " + arn + ", which the plan does not hold (the policy exists outside it)"}
	return firewall.Policy{Name: arn, ARN: arn,
		Stateless: stateless.Config{Default: stateless.DefaultAction{Action: flow.Forward}, FragmentDefault: stateless.DefaultAction{Action: flow.Forward}},
		Stateful:  stateful.Config{Groups: []stateful.GroupRef{{Priority: 1, Group: g}}}}
}

// readFirewall reads an aws_networkfirewall_firewall: its policy, built
// with the plan's rule groups (one outside the plan: outsidePolicy), and
// an endpoint per subnet mapping, with the mapping's ip_address_type
// (unknown when the plan does not hold it).
func (r *reader) readFirewall(in *instance) {
	f := reach.Firewall{ID: in.id}
	f.Name, _ = r.str(in, "name", false)
	f.VPC, _ = r.linkOne(in, "vpc_id", "aws_vpc")
	policy, _ := in.values["firewall_policy_arn"].(string)
	if policy == "" {
		ts, open := r.targets(in, in.references("firewall_policy_arn"), "aws_networkfirewall_firewall_policy")
		if len(ts) != 1 || open {
			r.fail(in, "firewall_policy_arn", "", ErrUnknownValue, "its configuration does not name one firewall policy of the plan")
			return
		}
		policy = arnOf(ts[0])
	}
	spec, ok := r.fw.policies[policy]
	// a policy refused already (a value known only after apply): the
	// firewall keeps its endpoints, for the routes, without a policy
	switch {
	case !ok && !r.fw.unread[policy] && strings.HasPrefix(policy, "arn:"):
		f.Policy = outsidePolicy(policy)
		r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: firewall policy %s is not in the plan (it exists outside it): what the firewall decides is indeterminate", in.addr, policy))
	case !ok && !r.fw.unread[policy]:
		r.fail(in, "firewall_policy_arn", policy, ErrInvalidPlan, "no firewall policy of the plan")
		return
	case !r.fw.unread[policy]:
		p, err := spec.Build(r.outsideGroups(in, spec))
		if err != nil {
			r.fail(in, "firewall_policy_arn", policy, ErrInvalidPlan, "%v", err)
			return
		}
		f.Policy = p
	}
	known := map[string]string{} // subnet ID -> endpoint ID, from firewall_status
	for _, st := range listOf(in.values["firewall_status"]) {
		for _, ss := range listOf(st["sync_states"]) {
			for _, a := range listOf(ss["attachment"]) {
				if e, _ := a["endpoint_id"].(string); e != "" {
					s, _ := a["subnet_id"].(string)
					known[s] = e
				}
			}
		}
	}
	bs, _ := blocks(in.values["subnet_mapping"])
	for i, b := range bs {
		sub := r.inlineBlock(in, "subnet_mapping", i, len(bs), b)
		sid, _ := r.linkOne(sub, "subnet_id", "aws_subnet")
		s := r.net.subnets[sid]
		if s == nil {
			r.fail(in, fmt.Sprintf("subnet_mapping[%d].subnet_id", i), sid, ErrInvalidPlan, "no subnet of the plan")
			continue
		}
		raw, _ := b["subnet_id"].(string)
		// ip_address_type: "" when unset and known only after apply (AWS
		// decides it): the endpoint's type is then unknown
		ipType, _ := r.str(sub, "ip_address_type", false)
		switch ipType {
		case "", "IPV4", "IPV6", "DUALSTACK":
		default:
			r.fail(in, fmt.Sprintf("subnet_mapping[%d].ip_address_type", i), ipType, ErrInvalidPlan, "unknown IP address type (AWS's are IPV4, IPV6 and DUALSTACK)")
			continue
		}
		if ipType == "DUALSTACK" && !hasIPv6(s.CIDRs) && r.ipv6LeftOut(sid) {
			// the subnet's IPv6 block, known only after apply, is left out
			// of a model without IPv6 (skipIPv6): its mapping serves the
			// model's IPv4 alone, not a type Build refuses for the subnet
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: subnet_mapping[%d].ip_address_type: DUALSTACK, but %s's IPv6 block is left out of the model (known only after apply): the endpoint is modelled with its subnet's IPv4 alone", in.addr, i, sid))
			ipType = ""
		}
		ep := reach.FirewallEndpointSpec{ID: known[raw], Subnet: sid, IPAddressType: ipType}
		if ep.ID == "" {
			ep.ID = in.id + "/" + s.AvailabilityZone
			ep.Note = fmt.Sprintf("%s's endpoint in %s (%s): its ID is known only after apply, and the routes that refer to the firewall reach it by zone", in.addr, s.AvailabilityZone, sid)
		} else {
			r.byID[ep.ID] = in
		}
		f.Endpoints = append(f.Endpoints, ep)
	}
	r.fw.fws = append(r.fw.fws, f)
}

// listOf reads v as a list of objects (blocks or plain lists alike).
func listOf(v any) []map[string]any {
	bs, _ := blocks(v)
	return bs
}

// firewallRoute makes route rt of in a route to the endpoint its
// vpc_endpoint_id names: a known endpoint of a firewall of the plan, or,
// when the ID is known only after apply and the configuration refers to
// a firewall, that firewall's endpoint in the zone of the subnets the
// route table serves (bound once the associations are read). ok is false
// for any other VPC endpoint.
func (r *reader) firewallRoute(in *instance, route *reach.Route) bool {
	if s, _ := in.values["vpc_endpoint_id"].(string); s != "" {
		if t := r.byID[s]; t != nil && t.typ == "aws_networkfirewall_firewall" {
			route.Target, route.TargetID = reach.TargetFirewallEndpoint, s
			return true
		}
		return false
	}
	if !isUnknown(in.unknown, "vpc_endpoint_id") {
		return false
	}
	ts, _ := r.targets(in, in.references("vpc_endpoint_id"), "aws_networkfirewall_firewall")
	if len(ts) != 1 {
		return false
	}
	route.Target, route.TargetID = reach.TargetFirewallEndpoint, pendingFirewall+ts[0].id
	return true
}

// pendingFirewall marks a route's target to bind by zone.
const pendingFirewall = "(firewall by zone) "

// bindFirewallRoutes binds the routes to a firewall's endpoint by zone:
// the zone of the subnets the route table serves (its associations, or,
// for the main route table, the VPC's subnets without one; for an edge
// route table, the subnet the route's destination is). A firewall with
// one endpoint binds the route to it whatever the zones: no other is
// there to take it.
func (r *reader) bindFirewallRoutes() {
	for _, id := range r.net.rtList {
		rt := r.net.rts[id]
		for i := range rt.Routes {
			route := &rt.Routes[i]
			fwID, ok := strings.CutPrefix(route.TargetID, pendingFirewall)
			if !ok {
				continue
			}
			var zones []string
			for _, sid := range r.net.subList {
				s := r.net.subnets[sid]
				serves := s.RouteTable == rt.ID || s.RouteTable == "" && r.net.vpcs[s.VPC] != nil && r.net.vpcs[s.VPC].mainRT == rt.ID
				if len(rt.Gateways) > 0 {
					serves = slices.ContainsFunc(s.CIDRs, func(c netip.Prefix) bool { return c == route.Destination })
				}
				if serves && !slices.Contains(zones, s.AvailabilityZone) {
					zones = append(zones, s.AvailabilityZone)
				}
			}
			var endpoint, only string
			for _, f := range r.fw.fws {
				if f.ID != fwID {
					continue
				}
				for _, e := range f.Endpoints {
					if len(zones) == 1 && r.net.subnets[e.Subnet].AvailabilityZone == zones[0] {
						endpoint = e.ID
					}
				}
				if len(f.Endpoints) == 1 {
					only = f.Endpoints[0].ID // the one endpoint it may be, whatever the zones
				}
			}
			if endpoint == "" && only != "" {
				route.TargetID = only
				r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: the route for %s goes to %s's one endpoint (its ID is known only after apply)", rt.ID, routeDestText(route), fwID))
				continue
			}
			if endpoint == "" {
				r.fail(r.byAdr[rt.ID], "route", route.Destination.String(), ErrUnknownValue,
					"the route goes to an endpoint of %s, whose ID is known only after apply, and the subnets the table serves (zones %s) do not name one zone the firewall has an endpoint in", fwID, strings.Join(zones, ", "))
				route.TargetID = fwID
				continue
			}
			route.TargetID = endpoint
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: the route for %s goes to %s's endpoint in %s, the zone of the subnets the table serves (its ID is known only after apply)", rt.ID, routeDestText(route), fwID, zones[0]))
		}
	}
}

func routeDestText(route *reach.Route) string {
	if route.PrefixList != "" {
		return route.PrefixList
	}
	return route.Destination.String()
}

// finishFirewalls gives the firewalls to the builder.
func (r *reader) finishFirewalls() {
	r.b.AddFirewall(r.fw.fws...)
}

// ipv6LeftOut reports whether subnet sid's ipv6_cidr_block is known only
// after apply: the model then holds the subnet without it (readSubnet).
func (r *reader) ipv6LeftOut(sid string) bool {
	in := r.byAdr[sid]
	if in == nil {
		in = r.byID[sid]
	}
	return in != nil && isUnknown(in.unknown, "ipv6_cidr_block")
}

package aws

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
)

// The JSON shapes of `aws network-firewall describe-rule-group` for a
// stateless group. Rules and custom actions stay raw so that each is
// decoded, and reported, at its own path; pointers tell absent (or null)
// from empty.
type (
	slJSONTop struct {
		RuleGroup         *slJSONRuleGroup
		RuleGroupResponse *slJSONResponse
	}
	slJSONResponse struct {
		RuleGroupName *string
		RuleGroupArn  *string
		Type          *string
		Capacity      json.RawMessage
	}
	slJSONRuleGroup struct {
		RulesSource *struct {
			StatelessRulesAndCustomActions *struct {
				StatelessRules *[]json.RawMessage
				CustomActions  []json.RawMessage
			}
		}
	}
	slJSONRule struct {
		Priority       json.RawMessage
		RuleDefinition *struct {
			MatchAttributes *slJSONMatch
			Actions         []string
		}
	}
	slJSONMatch struct {
		Sources, Destinations         []slJSONAddress
		SourcePorts, DestinationPorts []slJSONPorts
		Protocols                     []json.RawMessage
		TCPFlags                      []slJSONFlags
	}
	slJSONAddress struct {
		AddressDefinition *string
	}
	slJSONPorts struct {
		FromPort, ToPort json.RawMessage
	}
	slJSONFlags struct {
		Flags, Masks []string
	}
	slJSONCustomAction struct {
		ActionName       *string
		ActionDefinition *struct {
			PublishMetricAction *struct {
				Dimensions []struct{ Value *string }
			}
		}
	}
)

// slRulesPath is the JSON path of a stateless group's rules and custom
// actions in describe-rule-group output.
const slRulesPath = "RuleGroup.RulesSource.StatelessRulesAndCustomActions"

// ParseStatelessRuleGroup reads the output of `aws network-firewall
// describe-rule-group` for a stateless rule group: the group's name, ARN
// and capacity from RuleGroupResponse, its rules and custom actions from
// RuleGroup.RulesSource.StatelessRulesAndCustomActions. Other keys
// (UpdateToken, Description, Tags, ...) are ignored.
//
// The rules come back sorted by priority. IPv6 CIDR blocks are kept; host
// bits are masked ("10.0.0.1/16" becomes 10.0.0.0/16). Missing or empty
// match attributes mean any. Every group returned is valid: it compiles in
// a [StatelessConfig] with [CompileStateless].
//
// Everything that is not as AWS prints it is an error: a Type other than
// STATELESS (named in the error), a missing RuleGroupResponse, rules list,
// priority, RuleDefinition or MatchAttributes; priorities outside 1-65535
// or used twice; bad CIDR blocks, ports, protocols or TCP flags; Actions
// without exactly one standard action, or naming a custom action the group
// does not define; bad custom action definitions. Errors are
// *[flow.InputError] with the JSON path
// ("RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules[2].RuleDefinition.MatchAttributes.Sources[0].AddressDefinition"),
// the group's name (or ARN) as Resource, the rule priority as Rule and the
// offending text, wrapping [ErrInvalidRule], [ErrInvalidGroup] or
// [flow.ErrJSON] (input that does not decode).
func ParseStatelessRuleGroup(data []byte) (stateless.RuleGroup, error) {
	var top slJSONTop
	if err := jsonloc.Unmarshal("", data, &top); err != nil {
		return stateless.RuleGroup{}, err
	}
	resp := top.RuleGroupResponse
	if resp == nil {
		return stateless.RuleGroup{}, inputErr("RuleGroupResponse", "", "", "", fmt.Errorf("%w: no RuleGroupResponse: not the output of aws network-firewall describe-rule-group", stateless.ErrInvalidGroup))
	}
	var g stateless.RuleGroup
	if resp.RuleGroupName != nil {
		g.Name = *resp.RuleGroupName
	}
	if resp.RuleGroupArn != nil {
		g.ARN = *resp.RuleGroupArn
	}
	res := g.Label()
	if res == "" {
		return g, inputErr("RuleGroupResponse.RuleGroupName", "", "", "", fmt.Errorf("%w: the rule group has neither RuleGroupName nor RuleGroupArn", stateless.ErrInvalidGroup))
	}
	switch {
	case resp.Type == nil:
		return stateless.RuleGroup{}, inputErr("RuleGroupResponse.Type", res, "", "", fmt.Errorf("%w: missing Type; want STATELESS", stateless.ErrInvalidGroup))
	case *resp.Type != "STATELESS":
		return stateless.RuleGroup{}, inputErr("RuleGroupResponse.Type", res, "", *resp.Type, fmt.Errorf("%w: rule group %s is of type %s; this reads STATELESS rule groups only", stateless.ErrInvalidGroup, res, *resp.Type))
	}
	if resp.Capacity != nil {
		n, set, err := slJSONInt("RuleGroupResponse.Capacity", res, "", resp.Capacity)
		if err != nil {
			return stateless.RuleGroup{}, err
		}
		if set && (n < 1 || n > stateless.MaxCapacity) {
			return stateless.RuleGroup{}, inputErr("RuleGroupResponse.Capacity", res, "", strconv.Itoa(n), fmt.Errorf("%w: capacity %d: want 1 to %d", stateless.ErrInvalidGroup, n, stateless.MaxCapacity))
		}
		g.Capacity = n
	}
	if top.RuleGroup == nil || top.RuleGroup.RulesSource == nil || top.RuleGroup.RulesSource.StatelessRulesAndCustomActions == nil {
		return stateless.RuleGroup{}, inputErr(slRulesPath, res, "", "", fmt.Errorf("%w: no %s: a stateless group keeps its rules there", stateless.ErrInvalidGroup, slRulesPath))
	}
	src := top.RuleGroup.RulesSource.StatelessRulesAndCustomActions

	names := map[string]bool{}
	for i, raw := range src.CustomActions {
		ca, err := slParseCustomAction(jsonloc.Index(slRulesPath+".CustomActions", i), res, raw)
		if err != nil {
			return stateless.RuleGroup{}, err
		}
		if names[ca.Name] {
			return stateless.RuleGroup{}, inputErr(jsonloc.Index(slRulesPath+".CustomActions", i)+".ActionName", res, "", ca.Name, fmt.Errorf("%w: custom action %s is defined twice", stateless.ErrInvalidGroup, ca.Name))
		}
		names[ca.Name] = true
		g.CustomActions = append(g.CustomActions, ca)
	}

	if src.StatelessRules == nil {
		return stateless.RuleGroup{}, inputErr(slRulesPath+".StatelessRules", res, "", "", fmt.Errorf("%w: missing StatelessRules", stateless.ErrInvalidGroup))
	}
	seen := map[int]string{}
	for i, raw := range *src.StatelessRules {
		path := jsonloc.Index(slRulesPath+".StatelessRules", i)
		r, err := slParseRule(path, res, raw, names)
		if err != nil {
			return stateless.RuleGroup{}, err
		}
		if first, dup := seen[r.Priority]; dup {
			p := strconv.Itoa(r.Priority)
			return stateless.RuleGroup{}, inputErr(path+".Priority", res, p, p, fmt.Errorf("%w: priority %d is used by %s and %s; priorities must be unique within a group", stateless.ErrInvalidGroup, r.Priority, first, path))
		}
		seen[r.Priority] = path
		g.Rules = append(g.Rules, r)
	}
	consumed := g.ConsumedCapacity()
	switch {
	case consumed > stateless.MaxCapacity:
		return stateless.RuleGroup{}, inputErr(slRulesPath+".StatelessRules", res, "", strconv.Itoa(consumed), fmt.Errorf("%w: the rules consume %d capacity units, above AWS's limit of %d per stateless group", stateless.ErrInvalidGroup, consumed, stateless.MaxCapacity))
	case g.Capacity > 0 && consumed > g.Capacity:
		return stateless.RuleGroup{}, inputErr(slRulesPath+".StatelessRules", res, "", strconv.Itoa(consumed), fmt.Errorf("%w: the rules consume %d capacity units, above the group's Capacity of %d", stateless.ErrInvalidGroup, consumed, g.Capacity))
	}
	// Everything is checked; this sorts the rules and, as a safety net,
	// checks the group the way CompileStateless will.
	out, err := g.Canonical()
	if err != nil {
		return stateless.RuleGroup{}, err
	}
	return out, nil
}

// slJSONInt reads an integer field (AWS prints numbers; a string holding
// one is accepted too); set is false when it is absent or null.
func slJSONInt(path, res, rule string, raw json.RawMessage) (n int, set bool, err error) {
	if raw == nil {
		return 0, false, nil
	}
	var v jsonloc.Int
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false, inputErr(path, res, rule, string(raw), fmt.Errorf("%w: not an integer", flow.ErrJSON))
	}
	return v.Value, v.Set, nil
}

func slParseCustomAction(path, res string, raw json.RawMessage) (stateless.CustomAction, error) {
	var jc slJSONCustomAction
	if err := jsonloc.Unmarshal(path, raw, &jc); err != nil {
		return stateless.CustomAction{}, slWithResource(err, res, "")
	}
	if jc.ActionName == nil {
		return stateless.CustomAction{}, inputErr(path+".ActionName", res, "", "", fmt.Errorf("%w: custom action without ActionName", stateless.ErrInvalidGroup))
	}
	ca := stateless.CustomAction{Name: *jc.ActionName}
	if err := stateless.CheckActionName(ca.Name); err != nil {
		err = fmt.Errorf("%w: %w", stateless.ErrInvalidGroup, err)
		return stateless.CustomAction{}, inputErr(path+".ActionName", res, "", ca.Name, err)
	}
	if jc.ActionDefinition == nil || jc.ActionDefinition.PublishMetricAction == nil {
		return stateless.CustomAction{}, inputErr(path+".ActionDefinition.PublishMetricAction", res, "", ca.Name, fmt.Errorf("%w: custom action %s has no PublishMetricAction, the only kind AWS defines", stateless.ErrInvalidGroup, ca.Name))
	}
	dp := path + ".ActionDefinition.PublishMetricAction.Dimensions"
	dims := jc.ActionDefinition.PublishMetricAction.Dimensions
	if len(dims) == 0 {
		return stateless.CustomAction{}, inputErr(dp, res, "", ca.Name, fmt.Errorf("%w: custom action %s publishes no dimension; give at least one", stateless.ErrInvalidGroup, ca.Name))
	}
	for j, d := range dims {
		p := jsonloc.Index(dp, j) + ".Value"
		if d.Value == nil {
			return stateless.CustomAction{}, inputErr(p, res, "", "", fmt.Errorf("%w: dimension without Value", stateless.ErrInvalidGroup))
		}
		if err := stateless.CheckDimension(*d.Value); err != nil {
			err = fmt.Errorf("%w: %w", stateless.ErrInvalidGroup, err)
			return stateless.CustomAction{}, inputErr(p, res, "", *d.Value, err)
		}
		ca.Dimensions = append(ca.Dimensions, *d.Value)
	}
	return ca, nil
}

// slWithResource fills in the group and rule of an awsjson error.
func slWithResource(err error, res, rule string) error {
	if ie, ok := err.(*flow.InputError); ok {
		ie.Resource, ie.Rule = res, rule
	}
	return err
}

func slParseRule(path, res string, raw json.RawMessage, customs map[string]bool) (stateless.Rule, error) {
	// The priority first, so that every later error can name the rule.
	rule := ""
	var peek struct{ Priority json.RawMessage }
	if json.Unmarshal(raw, &peek) == nil {
		var v jsonloc.Int
		if json.Unmarshal(peek.Priority, &v) == nil && v.Set {
			rule = strconv.Itoa(v.Value)
		}
	}
	var jr slJSONRule
	if err := jsonloc.Unmarshal(path, raw, &jr); err != nil {
		return stateless.Rule{}, slWithResource(err, res, rule)
	}
	fail := func(field, text string, err error) (stateless.Rule, error) {
		return stateless.Rule{}, inputErr(path+"."+field, res, rule, text, err)
	}
	var r stateless.Rule
	n, set, err := slJSONInt(path+".Priority", res, rule, jr.Priority)
	switch {
	case err != nil:
		return stateless.Rule{}, err
	case !set:
		return fail("Priority", "", fmt.Errorf("%w: missing Priority", stateless.ErrInvalidRule))
	}
	if err := stateless.CheckPriority(n); err != nil {
		return fail("Priority", strconv.Itoa(n), err)
	}
	r.Priority = n
	if jr.RuleDefinition == nil {
		return fail("RuleDefinition", "", fmt.Errorf("%w: missing RuleDefinition", stateless.ErrInvalidRule))
	}
	def := jr.RuleDefinition
	if def.MatchAttributes == nil {
		return fail("RuleDefinition.MatchAttributes", "", fmt.Errorf("%w: missing MatchAttributes (write {} to match every packet)", stateless.ErrInvalidRule))
	}
	ma := def.MatchAttributes
	mp := "RuleDefinition.MatchAttributes."
	for _, side := range [...]struct {
		name string
		in   []slJSONAddress
		out  *[]netip.Prefix
	}{{"Sources", ma.Sources, &r.Sources}, {"Destinations", ma.Destinations, &r.Destinations}} {
		for j, a := range side.in {
			field := jsonloc.Index(mp+side.name, j) + ".AddressDefinition"
			if a.AddressDefinition == nil {
				return fail(field, "", fmt.Errorf("%w: missing AddressDefinition", stateless.ErrInvalidRule))
			}
			p, err := flow.ParseAddrOrCIDR(*a.AddressDefinition)
			if err != nil {
				return fail(field, *a.AddressDefinition, fmt.Errorf("%w: %v", stateless.ErrInvalidRule, err))
			}
			m, err := stateless.CheckPrefix(p)
			if err != nil {
				return fail(field, *a.AddressDefinition, err)
			}
			*side.out = append(*side.out, m)
		}
	}
	for _, side := range [...]struct {
		name string
		in   []slJSONPorts
		out  *[]flow.PortRange
	}{{"SourcePorts", ma.SourcePorts, &r.SourcePorts}, {"DestinationPorts", ma.DestinationPorts, &r.DestinationPorts}} {
		for j, pr := range side.in {
			base := jsonloc.Index(mp+side.name, j)
			var bounds [2]uint16
			for k, f := range [2]struct {
				name string
				raw  json.RawMessage
			}{{"FromPort", pr.FromPort}, {"ToPort", pr.ToPort}} {
				n, set, err := slJSONInt(path+"."+base+"."+f.name, res, rule, f.raw)
				switch {
				case err != nil:
					return stateless.Rule{}, err
				case !set:
					return fail(base+"."+f.name, "", fmt.Errorf("%w: missing %s", stateless.ErrInvalidRule, f.name))
				case n < 0 || n > 65535:
					return fail(base+"."+f.name, strconv.Itoa(n), fmt.Errorf("%w: port %d: want 0 to 65535", stateless.ErrInvalidRule, n))
				}
				bounds[k] = uint16(n)
			}
			rg := flow.PortRange{Lo: bounds[0], Hi: bounds[1]}
			if err := stateless.CheckPortRange(rg); err != nil {
				return fail(base, strconv.Itoa(int(rg.Lo))+"-"+strconv.Itoa(int(rg.Hi)), err)
			}
			*side.out = append(*side.out, rg)
		}
	}
	for j, raw := range ma.Protocols {
		field := jsonloc.Index(mp+"Protocols", j)
		n, set, err := slJSONInt(path+"."+field, res, rule, raw)
		switch {
		case err != nil:
			return stateless.Rule{}, err
		case !set:
			return fail(field, "null", fmt.Errorf("%w: a protocol number is null", stateless.ErrInvalidRule))
		case n < 0 || n > 255:
			return fail(field, strconv.Itoa(n), fmt.Errorf("%w: protocol %d: want 0 to 255", stateless.ErrInvalidRule, n))
		}
		r.Protocols = append(r.Protocols, flow.Protocol(n))
	}
	for j, tf := range ma.TCPFlags {
		base := jsonloc.Index(mp+"TCPFlags", j)
		var m stateless.TCPFlagMatch
		for _, part := range [2]struct {
			name string
			in   []string
			out  *stateless.TCPFlags
		}{{"Flags", tf.Flags, &m.Flags}, {"Masks", tf.Masks, &m.Masks}} {
			for k, s := range part.in {
				f, err := stateless.ParseTCPFlag(s)
				if err != nil {
					return fail(jsonloc.Index(base+"."+part.name, k), s, err)
				}
				*part.out |= f
			}
		}
		if err := m.Validate(); err != nil {
			return fail(base+".Flags", strings.Join(tf.Flags, ","), err)
		}
		r.TCPFlags = append(r.TCPFlags, m)
	}
	hasStd := false
	for j, a := range def.Actions {
		field := jsonloc.Index("RuleDefinition.Actions", j)
		if strings.HasPrefix(a, "aws:") {
			act, err := stateless.ParseAction(a)
			if err != nil {
				return fail(field, a, err)
			}
			if hasStd {
				return fail(field, a, fmt.Errorf("%w: a second standard action after %s; a stateless rule takes exactly one", stateless.ErrInvalidRule, stateless.ActionName(r.Action)))
			}
			r.Action, hasStd = act, true
			continue
		}
		if !customs[a] {
			return fail(field, a, fmt.Errorf("%w: custom action %q is not defined in the group's CustomActions", stateless.ErrInvalidGroup, a))
		}
		r.CustomActions = append(r.CustomActions, a)
	}
	if !hasStd {
		return fail("RuleDefinition.Actions", strings.Join(def.Actions, ","), fmt.Errorf("%w: no standard action; a stateless rule takes exactly one of aws:pass, aws:drop, aws:forward_to_sfe", stateless.ErrInvalidRule))
	}
	return r, nil
}

// inputErr builds the *flow.InputError the stateless reader returns.
func inputErr(path, resource, rule, text string, err error) error {
	return &flow.InputError{Path: path, Resource: resource, Rule: rule, Text: text, Err: err}
}

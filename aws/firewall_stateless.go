package aws

import (
	"encoding/json"
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
	statelessDoc struct {
		RuleGroup *struct {
			RulesSource *struct {
				StatelessRulesAndCustomActions *struct {
					StatelessRules *[]json.RawMessage
					CustomActions  []json.RawMessage
				}
			}
		}
		RuleGroupResponse *statelessResponse
	}
	statelessResponse struct {
		RuleGroupName *string
		RuleGroupArn  *string
		Type          *string
		Capacity      json.RawMessage
	}
	statelessRuleJSON struct {
		Priority       json.RawMessage
		RuleDefinition *struct {
			MatchAttributes *matchAttributesJSON
			Actions         []string
		}
	}
	matchAttributesJSON struct {
		Sources, Destinations         []addressJSON
		SourcePorts, DestinationPorts []portRangeJSON
		Protocols                     []json.RawMessage
		TCPFlags                      []tcpFlagsJSON
	}
	addressJSON struct {
		AddressDefinition *string
	}
	portRangeJSON struct {
		FromPort, ToPort json.RawMessage
	}
	tcpFlagsJSON struct {
		Flags, Masks []string
	}
	customActionJSON struct {
		ActionName       *string
		ActionDefinition *struct {
			PublishMetricAction *struct {
				Dimensions []struct{ Value *string }
			}
		}
	}
)

// statelessRulesPath is the JSON path of a stateless group's rules and
// custom actions in describe-rule-group output.
const statelessRulesPath = "RuleGroup.RulesSource.StatelessRulesAndCustomActions"

// ParseStatelessRuleGroup reads the output of `aws network-firewall
// describe-rule-group` for a stateless rule group: the group's name, ARN
// and capacity from RuleGroupResponse, its rules and custom actions from
// RuleGroup.RulesSource.StatelessRulesAndCustomActions. Other keys
// (UpdateToken, Description, Tags, ...) are ignored.
//
// The rules come back sorted by priority. IPv6 CIDR blocks are kept; host
// bits are masked ("10.0.0.1/16" becomes 10.0.0.0/16). Missing or empty
// match attributes mean any. Every group returned is valid: it compiles in
// a [stateless.Config] with [stateless.Compile].
//
// Integers may also be written as strings holding a decimal integer
// ("Priority": "1", "Capacity": "10", ports, protocols); otherwise, what AWS would
// not print is an error: a Type other than
// STATELESS (named in the error), a missing RuleGroupResponse, rules list,
// priority, RuleDefinition or MatchAttributes; priorities outside 1-65535
// or used twice; bad CIDR blocks, ports, protocols or TCP flags; Actions
// without exactly one standard action, or naming a custom action the group
// does not define; bad custom action definitions. Errors are
// *[flow.InputError] with the JSON path
// ("RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules[2].RuleDefinition.MatchAttributes.Sources[0].AddressDefinition"),
// the group's name (or ARN) as Resource, the rule priority as Rule and the
// offending text, wrapping [stateless.ErrInvalidRule],
// [stateless.ErrInvalidGroup] or [flow.ErrJSON] (input that does not
// decode).
func ParseStatelessRuleGroup(data []byte) (stateless.RuleGroup, error) {
	var doc statelessDoc
	if err := jsonloc.Document(data, &doc); err != nil {
		return stateless.RuleGroup{}, err
	}
	g, err := statelessHeader(doc.RuleGroupResponse)
	if err != nil {
		return stateless.RuleGroup{}, err
	}
	l := jsonloc.Loc{Path: statelessRulesPath, Resource: g.Label()}
	if doc.RuleGroup == nil || doc.RuleGroup.RulesSource == nil || doc.RuleGroup.RulesSource.StatelessRulesAndCustomActions == nil {
		return stateless.RuleGroup{}, l.Fail("", stateless.ErrInvalidGroup, "no %s: a stateless group keeps its rules there", statelessRulesPath)
	}
	src := doc.RuleGroup.RulesSource.StatelessRulesAndCustomActions

	names := map[string]bool{}
	for i, raw := range src.CustomActions {
		cl := l.Field("CustomActions").Index(i)
		ca, err := parseCustomAction(cl, raw)
		if err != nil {
			return stateless.RuleGroup{}, err
		}
		if names[ca.Name] {
			return stateless.RuleGroup{}, cl.Field("ActionName").Fail(ca.Name, stateless.ErrInvalidGroup, "custom action %s is defined twice", ca.Name)
		}
		names[ca.Name] = true
		g.CustomActions = append(g.CustomActions, ca)
	}

	rl := l.Field("StatelessRules")
	if src.StatelessRules == nil {
		return stateless.RuleGroup{}, rl.Fail("", stateless.ErrInvalidGroup, "missing StatelessRules")
	}
	seen := map[int]string{}
	for i, raw := range *src.StatelessRules {
		il := rl.Index(i)
		r, err := parseStatelessRule(il, raw, names)
		if err != nil {
			return stateless.RuleGroup{}, err
		}
		if first, dup := seen[r.Priority]; dup {
			il.Rule = strconv.Itoa(r.Priority)
			return stateless.RuleGroup{}, il.Field("Priority").Fail(il.Rule, stateless.ErrInvalidGroup, "priority %d is used by %s and %s; priorities must be unique within a group", r.Priority, first, il.Path)
		}
		seen[r.Priority] = il.Path
		g.Rules = append(g.Rules, r)
	}
	consumed := g.ConsumedCapacity()
	switch {
	case consumed > stateless.MaxCapacity:
		return stateless.RuleGroup{}, rl.Fail(strconv.Itoa(consumed), stateless.ErrInvalidGroup, "the rules consume %d capacity units, above AWS's limit of %d per stateless group", consumed, stateless.MaxCapacity)
	case g.Capacity > 0 && consumed > g.Capacity:
		return stateless.RuleGroup{}, rl.Fail(strconv.Itoa(consumed), stateless.ErrInvalidGroup, "the rules consume %d capacity units, above the group's Capacity of %d", consumed, g.Capacity)
	}
	// Everything is checked; this sorts the rules and, as a safety net,
	// checks the group the way stateless.Compile will.
	out, err := g.Canonical()
	if err != nil {
		return stateless.RuleGroup{}, err
	}
	return out, nil
}

// statelessHeader reads a stateless group's RuleGroupResponse: its name,
// ARN, Type (STATELESS) and Capacity.
func statelessHeader(resp *statelessResponse) (stateless.RuleGroup, error) {
	l := jsonloc.Loc{Path: "RuleGroupResponse"}
	if resp == nil {
		return stateless.RuleGroup{}, l.Fail("", stateless.ErrInvalidGroup, "no RuleGroupResponse: not the output of aws network-firewall describe-rule-group")
	}
	var g stateless.RuleGroup
	if resp.RuleGroupName != nil {
		g.Name = *resp.RuleGroupName
	}
	if resp.RuleGroupArn != nil {
		g.ARN = *resp.RuleGroupArn
	}
	if g.Label() == "" {
		return g, l.Field("RuleGroupName").Fail("", stateless.ErrInvalidGroup, "the rule group has neither RuleGroupName nor RuleGroupArn")
	}
	l.Resource = g.Label()
	switch {
	case resp.Type == nil:
		return stateless.RuleGroup{}, l.Field("Type").Fail("", stateless.ErrInvalidGroup, "missing Type; want STATELESS")
	case *resp.Type != "STATELESS":
		return stateless.RuleGroup{}, l.Field("Type").Fail(*resp.Type, stateless.ErrInvalidGroup, "rule group %s is of type %s; this reads STATELESS rule groups only", l.Resource, *resp.Type)
	}
	if resp.Capacity != nil {
		cl := l.Field("Capacity")
		n, err := cl.ReadInt(resp.Capacity)
		if err != nil {
			return stateless.RuleGroup{}, err
		}
		if n.Set && (n.Value < 1 || n.Value > stateless.MaxCapacity) {
			return stateless.RuleGroup{}, cl.Fail(strconv.Itoa(n.Value), stateless.ErrInvalidGroup, "capacity %d: want 1 to %d", n.Value, stateless.MaxCapacity)
		}
		g.Capacity = n.Value
	}
	return g, nil
}

// parseCustomAction reads the custom action at l.
func parseCustomAction(l jsonloc.Loc, raw json.RawMessage) (stateless.CustomAction, error) {
	var jc customActionJSON
	if err := l.Decode(raw, &jc); err != nil {
		return stateless.CustomAction{}, err
	}
	if jc.ActionName == nil {
		return stateless.CustomAction{}, l.Field("ActionName").Fail("", stateless.ErrInvalidGroup, "custom action without ActionName")
	}
	ca := stateless.CustomAction{Name: *jc.ActionName}
	if err := stateless.CheckActionName(ca.Name); err != nil {
		return stateless.CustomAction{}, l.Field("ActionName").Fail(ca.Name, stateless.ErrInvalidGroup, "%v", err)
	}
	if jc.ActionDefinition == nil || jc.ActionDefinition.PublishMetricAction == nil {
		return stateless.CustomAction{}, l.Field("ActionDefinition.PublishMetricAction").Fail(ca.Name, stateless.ErrInvalidGroup, "custom action %s has no PublishMetricAction, the only kind AWS defines", ca.Name)
	}
	dl := l.Field("ActionDefinition.PublishMetricAction.Dimensions")
	dims := jc.ActionDefinition.PublishMetricAction.Dimensions
	if len(dims) == 0 {
		return stateless.CustomAction{}, dl.Fail(ca.Name, stateless.ErrInvalidGroup, "custom action %s publishes no dimension; give at least one", ca.Name)
	}
	for j, d := range dims {
		vl := dl.Index(j).Field("Value")
		if d.Value == nil {
			return stateless.CustomAction{}, vl.Fail("", stateless.ErrInvalidGroup, "dimension without Value")
		}
		if err := stateless.CheckDimension(*d.Value); err != nil {
			return stateless.CustomAction{}, vl.Fail(*d.Value, stateless.ErrInvalidGroup, "%v", err)
		}
		ca.Dimensions = append(ca.Dimensions, *d.Value)
	}
	return ca, nil
}

// parseStatelessRule reads the stateless rule at l; customs are the
// custom actions the group defines.
func parseStatelessRule(l jsonloc.Loc, raw json.RawMessage, customs map[string]bool) (stateless.Rule, error) {
	// The priority first, so that every later error can name the rule.
	var peek struct{ Priority jsonloc.Int }
	if json.Unmarshal(raw, &peek) == nil && peek.Priority.Set {
		l.Rule = strconv.Itoa(peek.Priority.Value)
	}
	var jr statelessRuleJSON
	if err := l.Decode(raw, &jr); err != nil {
		return stateless.Rule{}, err
	}
	var r stateless.Rule
	n, err := l.Field("Priority").ReadInt(jr.Priority)
	switch {
	case err != nil:
		return stateless.Rule{}, err
	case !n.Set:
		return stateless.Rule{}, l.Field("Priority").Fail("", stateless.ErrInvalidRule, "missing Priority")
	}
	if err := stateless.CheckPriority(n.Value); err != nil {
		return stateless.Rule{}, l.Field("Priority").Wrap(strconv.Itoa(n.Value), err)
	}
	r.Priority = n.Value
	if jr.RuleDefinition == nil {
		return stateless.Rule{}, l.Field("RuleDefinition").Fail("", stateless.ErrInvalidRule, "missing RuleDefinition")
	}
	def := jr.RuleDefinition
	ml := l.Field("RuleDefinition.MatchAttributes")
	if def.MatchAttributes == nil {
		return stateless.Rule{}, ml.Fail("", stateless.ErrInvalidRule, "missing MatchAttributes (write {} to match every packet)")
	}
	if err := readMatch(ml, def.MatchAttributes, &r); err != nil {
		return stateless.Rule{}, err
	}
	if err := readRuleActions(l.Field("RuleDefinition.Actions"), def.Actions, customs, &r); err != nil {
		return stateless.Rule{}, err
	}
	return r, nil
}

// readMatch reads the MatchAttributes ma, found at l, into r.
func readMatch(l jsonloc.Loc, ma *matchAttributesJSON, r *stateless.Rule) error {
	var err error
	if r.Sources, err = readAddresses(l.Field("Sources"), ma.Sources); err != nil {
		return err
	}
	if r.Destinations, err = readAddresses(l.Field("Destinations"), ma.Destinations); err != nil {
		return err
	}
	if r.SourcePorts, err = readPortRanges(l.Field("SourcePorts"), ma.SourcePorts); err != nil {
		return err
	}
	if r.DestinationPorts, err = readPortRanges(l.Field("DestinationPorts"), ma.DestinationPorts); err != nil {
		return err
	}
	for j, raw := range ma.Protocols {
		pl := l.Field("Protocols").Index(j)
		n, err := pl.ReadInt(raw)
		switch {
		case err != nil:
			return err
		case !n.Set:
			return pl.Fail("null", stateless.ErrInvalidRule, "a protocol number is null")
		case n.Value < 0 || n.Value > 255:
			return pl.Fail(strconv.Itoa(n.Value), stateless.ErrInvalidRule, "protocol %d: want 0 to 255", n.Value)
		}
		r.Protocols = append(r.Protocols, flow.Protocol(n.Value))
	}
	for j, tf := range ma.TCPFlags {
		m, err := readTCPFlags(l.Field("TCPFlags").Index(j), tf)
		if err != nil {
			return err
		}
		r.TCPFlags = append(r.TCPFlags, m)
	}
	return nil
}

// readAddresses reads the list of AddressDefinitions at l.
func readAddresses(l jsonloc.Loc, in []addressJSON) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for j, a := range in {
		al := l.Index(j).Field("AddressDefinition")
		if a.AddressDefinition == nil {
			return nil, al.Fail("", stateless.ErrInvalidRule, "missing AddressDefinition")
		}
		p, err := al.ReadAddrOrCIDR(*a.AddressDefinition, stateless.ErrInvalidRule)
		if err != nil {
			return nil, err
		}
		m, err := stateless.CheckPrefix(p)
		if err != nil {
			return nil, al.Wrap(*a.AddressDefinition, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// readPortRanges reads the list of FromPort/ToPort ranges at l.
func readPortRanges(l jsonloc.Loc, in []portRangeJSON) ([]flow.PortRange, error) {
	var out []flow.PortRange
	for j, pr := range in {
		rl := l.Index(j)
		var bounds [2]uint16
		for k, f := range [2]struct {
			name string
			raw  json.RawMessage
		}{{"FromPort", pr.FromPort}, {"ToPort", pr.ToPort}} {
			fl := rl.Field(f.name)
			n, err := fl.ReadInt(f.raw)
			switch {
			case err != nil:
				return nil, err
			case !n.Set:
				return nil, fl.Fail("", stateless.ErrInvalidRule, "missing %s", f.name)
			case n.Value < 0 || n.Value > 65535:
				return nil, fl.Fail(strconv.Itoa(n.Value), stateless.ErrInvalidRule, "port %d: want 0 to 65535", n.Value)
			}
			bounds[k] = uint16(n.Value)
		}
		rg := flow.PortRange{Lo: bounds[0], Hi: bounds[1]}
		if err := stateless.CheckPortRange(rg); err != nil {
			return nil, rl.Wrap(strconv.Itoa(int(rg.Lo))+"-"+strconv.Itoa(int(rg.Hi)), err)
		}
		out = append(out, rg)
	}
	return out, nil
}

// readTCPFlags reads the TCPFlags entry tf found at l.
func readTCPFlags(l jsonloc.Loc, tf tcpFlagsJSON) (stateless.TCPFlagMatch, error) {
	var m stateless.TCPFlagMatch
	for _, part := range [2]struct {
		name string
		in   []string
		out  *stateless.TCPFlags
	}{{"Flags", tf.Flags, &m.Flags}, {"Masks", tf.Masks, &m.Masks}} {
		for k, s := range part.in {
			f, err := stateless.ParseTCPFlag(s)
			if err != nil {
				return m, l.Field(part.name).Index(k).Wrap(s, err)
			}
			*part.out |= f
		}
	}
	if err := m.Validate(); err != nil {
		return m, l.Field("Flags").Wrap(strings.Join(tf.Flags, ","), err)
	}
	return m, nil
}

// readRuleActions reads a rule's Actions, found at l, into r: exactly one
// standard action and any custom actions of customs.
func readRuleActions(l jsonloc.Loc, actions []string, customs map[string]bool, r *stateless.Rule) error {
	hasStd := false
	for j, a := range actions {
		al := l.Index(j)
		if strings.HasPrefix(a, "aws:") {
			act, err := stateless.ParseAction(a)
			if err != nil {
				return al.Wrap(a, err)
			}
			if hasStd {
				return al.Fail(a, stateless.ErrInvalidRule, "a second standard action after %s; a stateless rule takes exactly one", stateless.ActionName(r.Action))
			}
			r.Action, hasStd = act, true
			continue
		}
		if !customs[a] {
			return al.Fail(a, stateless.ErrInvalidGroup, "custom action %q is not defined in the group's CustomActions", a)
		}
		r.CustomActions = append(r.CustomActions, a)
	}
	if !hasStd {
		return l.Fail(strings.Join(actions, ","), stateless.ErrInvalidRule, "no standard action; a stateless rule takes exactly one of aws:pass, aws:drop, aws:forward_to_sfe")
	}
	return nil
}

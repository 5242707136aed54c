package aws

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/firewall"
	"github.com/reachsim/reachsim/firewall/stateful"
	"github.com/reachsim/reachsim/firewall/stateless"
	"github.com/reachsim/reachsim/firewall/suricata"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
)

// RuleGroup is one rule group as `aws network-firewall describe-rule-group`
// prints it: exactly one of Stateless and Stateful is set.
type RuleGroup struct {
	Stateless *stateless.RuleGroup
	Stateful  *stateful.RuleGroup
}

// ARN returns the group's ARN.
func (g RuleGroup) ARN() string {
	if g.Stateless != nil {
		return g.Stateless.ARN
	}
	if g.Stateful != nil {
		return g.Stateful.ARN
	}
	return ""
}

// Name returns the group's name.
func (g RuleGroup) Name() string {
	if g.Stateless != nil {
		return g.Stateless.Name
	}
	if g.Stateful != nil {
		return g.Stateful.Name
	}
	return ""
}

func jsonErr(path, resource, text string, err error) error {
	return &flow.InputError{Path: path, Resource: resource, Text: text, Err: err}
}

// ParseRuleGroup reads `aws network-firewall describe-rule-group` output
// of any type. RuleGroupResponse.Type decides: STATELESS groups are read by
// [ParseStatelessRuleGroup], STATEFUL (or STATEFUL_DOMAIN) groups here.
// Without a Type, a RulesSource holding StatelessRulesAndCustomActions
// goes to ParseStatelessRuleGroup (which then reports the missing Type)
// and any other is read as stateful.
//
// A stateful group's RulesSource holds exactly one of RulesString,
// StatefulRules and RulesSourceList. RuleVariables (IPSets of CIDRs,
// PortSets of ports and "from:to" ranges), ReferenceSets.IPSetReferences
// and StatefulRuleOptions.RuleOrder are kept. A StatefulRules option whose
// Settings are one double-quoted string (as in `"Settings":
// ["\"example.com\""]`) keeps the string without its quotes. Every stateful
// group returned has rules: [stateful.RuleGroup.Rules] succeeds on it.
//
// Errors are *[flow.InputError] values (several joined with [errors.Join]
// for a RulesString with several bad rules) with the JSON path, the
// group's name (or ARN) as Resource and the offending text, wrapping
// [stateful.ErrInvalidGroup], [stateful.ErrInvalidRule],
// [suricata.ErrSyntax], the stateless sentinels (see
// [ParseStatelessRuleGroup]), [ErrInvalidDump] (a Type other than
// STATELESS and STATEFUL) or [flow.ErrJSON].
func ParseRuleGroup(data []byte) (RuleGroup, error) {
	var doc struct {
		RuleGroup *struct {
			RulesSource *struct {
				StatelessRulesAndCustomActions json.RawMessage
			}
		}
		RuleGroupResponse *struct {
			RuleGroupName, RuleGroupArn string
			Type                        *string
		}
	}
	if err := jsonloc.Unmarshal("", data, &doc); err != nil {
		return RuleGroup{}, err
	}
	var typ *string
	res := ""
	if r := doc.RuleGroupResponse; r != nil {
		typ, res = r.Type, r.RuleGroupName
		if res == "" {
			res = r.RuleGroupArn
		}
	}
	stateless := false
	switch {
	case typ == nil:
		stateless = doc.RuleGroup != nil && doc.RuleGroup.RulesSource != nil && !jsonAbsent(doc.RuleGroup.RulesSource.StatelessRulesAndCustomActions)
	case *typ == "STATELESS":
		stateless = true
	case *typ == "STATEFUL", *typ == "STATEFUL_DOMAIN":
	default:
		return RuleGroup{}, jsonErr("RuleGroupResponse.Type", res, *typ, fmt.Errorf("%w: rule group type %q: want STATELESS or STATEFUL", ErrInvalidDump, *typ))
	}
	if stateless {
		g, err := ParseStatelessRuleGroup(data)
		if err != nil {
			return RuleGroup{}, err
		}
		return RuleGroup{Stateless: &g}, nil
	}
	g, err := parseStateful(data)
	if err != nil {
		return RuleGroup{}, err
	}
	return RuleGroup{Stateful: &g}, nil
}

// jsonAbsent reports whether a raw field was left out or is null.
func jsonAbsent(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

type jsonDefinition struct {
	Definition []string
}

// sfJSONRule is one of RulesSource.StatefulRules.
type sfJSONRule struct {
	Action *string
	Header *struct {
		Protocol, Source, SourcePort, Direction, Destination, DestinationPort *string
	}
	RuleOptions []struct {
		Keyword  string
		Settings []string
	}
}

func parseStateful(data []byte) (stateful.RuleGroup, error) {
	var doc struct {
		RuleGroup *struct {
			RuleVariables *struct {
				IPSets   map[string]jsonDefinition
				PortSets map[string]jsonDefinition
			}
			ReferenceSets *struct {
				IPSetReferences map[string]struct{ ReferenceArn string }
			}
			RulesSource *struct {
				RulesString     *string
				StatefulRules   []json.RawMessage
				RulesSourceList *struct {
					Targets            []string
					TargetTypes        []string
					GeneratedRulesType string
				}
				StatelessRulesAndCustomActions json.RawMessage
			}
			StatefulRuleOptions *struct {
				RuleOrder string
			}
		}
		RuleGroupResponse *struct {
			RuleGroupName string
			RuleGroupArn  string
			Capacity      json.RawMessage
		}
	}
	var g stateful.RuleGroup
	if err := jsonloc.Unmarshal("", data, &doc); err != nil {
		return g, err
	}
	if doc.RuleGroupResponse != nil {
		g.Name, g.ARN = doc.RuleGroupResponse.RuleGroupName, doc.RuleGroupResponse.RuleGroupArn
	}
	res := g.Name
	if res == "" {
		res = g.ARN
	}
	if doc.RuleGroupResponse != nil {
		n, _, err := slJSONInt("RuleGroupResponse.Capacity", res, "", doc.RuleGroupResponse.Capacity)
		if err != nil {
			return g, err
		}
		g.Capacity = n
	}
	rg := doc.RuleGroup
	if rg == nil || rg.RulesSource == nil {
		return g, jsonErr("RuleGroup.RulesSource", res, "", fmt.Errorf("%w: missing", stateful.ErrInvalidGroup))
	}
	src := rg.RulesSource
	if !jsonAbsent(src.StatelessRulesAndCustomActions) {
		return g, jsonErr("RuleGroup.RulesSource.StatelessRulesAndCustomActions", res, "", fmt.Errorf("%w: stateless rules in a stateful group", stateful.ErrInvalidGroup))
	}
	var kinds []string
	if src.RulesString != nil {
		kinds = append(kinds, "RulesString")
		g.RulesString = *src.RulesString
	}
	if src.StatefulRules != nil {
		kinds = append(kinds, "StatefulRules")
		g.StandardRules = []stateful.StandardRule{}
		for i, raw := range src.StatefulRules {
			sr, err := parseStandardRule(jsonloc.Index("RuleGroup.RulesSource.StatefulRules", i), res, raw)
			if err != nil {
				return g, err
			}
			g.StandardRules = append(g.StandardRules, sr)
		}
	}
	if src.RulesSourceList != nil {
		kinds = append(kinds, "RulesSourceList")
		l := src.RulesSourceList
		g.DomainList = &stateful.DomainList{Targets: slices.Clone(l.Targets), TargetTypes: slices.Clone(l.TargetTypes), Type: l.GeneratedRulesType}
	}
	if len(kinds) != 1 {
		return g, jsonErr("RuleGroup.RulesSource", res, strings.Join(kinds, ","), fmt.Errorf("%w: a stateful group has exactly one of RulesString, StatefulRules and RulesSourceList (found %d)", stateful.ErrInvalidGroup, len(kinds)))
	}
	if v := rg.RuleVariables; v != nil {
		for _, name := range sortedKeys(v.IPSets) {
			p := "RuleGroup.RuleVariables.IPSets." + name
			if err := checkVariableName(name); err != nil {
				return g, jsonErr(p, res, name, err)
			}
			if g.IPSets == nil {
				g.IPSets = map[string][]netip.Prefix{}
			}
			set := []netip.Prefix{}
			for i, d := range v.IPSets[name].Definition {
				pf, err := parsePrefixText(d)
				if err != nil {
					return g, jsonErr(jsonloc.Index(p+".Definition", i), res, d, fmt.Errorf("%w: %w", stateful.ErrInvalidGroup, err))
				}
				set = append(set, pf)
			}
			g.IPSets[name] = set
		}
		for _, name := range sortedKeys(v.PortSets) {
			p := "RuleGroup.RuleVariables.PortSets." + name
			if err := checkVariableName(name); err != nil {
				return g, jsonErr(p, res, name, err)
			}
			if _, dup := g.IPSets[name]; dup {
				return g, jsonErr(p, res, name, fmt.Errorf("%w: %s is both an IP set and a port set", stateful.ErrInvalidGroup, name))
			}
			if g.PortSets == nil {
				g.PortSets = map[string][]flow.PortRange{}
			}
			set := []flow.PortRange{}
			for i, d := range v.PortSets[name].Definition {
				pr, err := parsePortSetItem(d)
				if err != nil {
					return g, jsonErr(jsonloc.Index(p+".Definition", i), res, d, err)
				}
				set = append(set, pr)
			}
			g.PortSets[name] = set
		}
	}
	if rs := rg.ReferenceSets; rs != nil {
		for _, name := range sortedKeys(rs.IPSetReferences) {
			p := "RuleGroup.ReferenceSets.IPSetReferences." + name
			if err := checkVariableName(name); err != nil {
				return g, jsonErr(p, res, name, err)
			}
			arn := rs.IPSetReferences[name].ReferenceArn
			if arn == "" {
				return g, jsonErr(p+".ReferenceArn", res, "", fmt.Errorf("%w: missing", stateful.ErrInvalidGroup))
			}
			if g.IPSetReferences == nil {
				g.IPSetReferences = map[string]string{}
			}
			g.IPSetReferences[name] = arn
		}
	}
	if o := rg.StatefulRuleOptions; o != nil && o.RuleOrder != "" {
		ro, err := stateful.ParseRuleOrder(o.RuleOrder)
		if err != nil {
			return g, jsonErr("RuleGroup.StatefulRuleOptions.RuleOrder", res, o.RuleOrder, fmt.Errorf("%w: %w", stateful.ErrInvalidGroup, err))
		}
		g.RuleOrder = ro
	}
	switch {
	case src.RulesString != nil && g.RulesString == "":
		return g, jsonErr("RuleGroup.RulesSource.RulesString", res, "", fmt.Errorf("%w: the rules string is empty", stateful.ErrInvalidGroup))
	case src.StatefulRules != nil && len(g.StandardRules) == 0:
		return g, jsonErr("RuleGroup.RulesSource.StatefulRules", res, "", fmt.Errorf("%w: no rules", stateful.ErrInvalidGroup))
	}
	if g.RulesString != "" {
		// Parsed here rather than through g.Rules, so that each syntax
		// error carries the JSON path of the rules string.
		if _, err := suricata.ParseRules(g.RulesString); err != nil {
			return g, rulesStringErr(err, res)
		}
	}
	if _, err := g.Rules(); err != nil {
		return g, rulesErr(err, res)
	}
	return g, nil
}

// parseStandardRule reads one of RulesSource.StatefulRules at path.
func parseStandardRule(path, res string, raw json.RawMessage) (stateful.StandardRule, error) {
	var r sfJSONRule
	if err := jsonloc.Unmarshal(path, raw, &r); err != nil {
		return stateful.StandardRule{}, jsonloc.WithResource(err, res)
	}
	if r.Action == nil {
		return stateful.StandardRule{}, jsonErr(path+".Action", res, "", fmt.Errorf("%w: missing", stateful.ErrInvalidRule))
	}
	switch *r.Action {
	case "PASS", "DROP", "ALERT", "REJECT":
	default:
		return stateful.StandardRule{}, jsonErr(path+".Action", res, *r.Action, fmt.Errorf("%w: want PASS, DROP, ALERT or REJECT", stateful.ErrInvalidRule))
	}
	if r.Header == nil {
		return stateful.StandardRule{}, jsonErr(path+".Header", res, "", fmt.Errorf("%w: missing", stateful.ErrInvalidRule))
	}
	h := r.Header
	action, err := flow.ParseAction(*r.Action)
	if err != nil { // cannot happen: checked above
		return stateful.StandardRule{}, jsonErr(path+".Action", res, *r.Action, fmt.Errorf("%w: %w", stateful.ErrInvalidRule, err))
	}
	sr := stateful.StandardRule{Action: action}
	for _, f := range [...]struct {
		name string
		in   *string
		out  *string
	}{
		{"Protocol", h.Protocol, &sr.Protocol}, {"Source", h.Source, &sr.Source}, {"SourcePort", h.SourcePort, &sr.SourcePort},
		{"Direction", h.Direction, &sr.Direction}, {"Destination", h.Destination, &sr.Destination}, {"DestinationPort", h.DestinationPort, &sr.DestinationPort},
	} {
		if f.in == nil || *f.in == "" {
			return stateful.StandardRule{}, jsonErr(path+".Header."+f.name, res, "", fmt.Errorf("%w: missing", stateful.ErrInvalidRule))
		}
		*f.out = *f.in
	}
	if sr.Direction != "FORWARD" && sr.Direction != "ANY" {
		return stateful.StandardRule{}, jsonErr(path+".Header.Direction", res, sr.Direction, fmt.Errorf("%w: want FORWARD or ANY", stateful.ErrInvalidRule))
	}
	for i, o := range r.RuleOptions {
		if strings.TrimSpace(o.Keyword) == "" {
			return stateful.StandardRule{}, jsonErr(jsonloc.Index(path+".RuleOptions", i)+".Keyword", res, "", fmt.Errorf("%w: missing", stateful.ErrInvalidRule))
		}
		opt := suricata.Option{Keyword: strings.ToLower(strings.TrimSpace(o.Keyword)), Value: strings.Join(o.Settings, ",")}
		if v, ok := unquoteSetting(opt.Value); ok {
			opt.Value, opt.Quoted = v, true
		}
		sr.Options = append(sr.Options, opt)
	}
	return sr, nil
}

// unquoteSetting returns the text of a setting written as one Suricata
// quoted string, without the quotes and with backslash escapes undone:
// `"a\"b"` gives `a"b`. ok is false for anything else.
func unquoteSetting(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	in := s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		switch c := in[i]; {
		case c == '\\':
			if i+1 == len(in) {
				return "", false // the backslash escapes the closing quote
			}
			i++
			b.WriteByte(in[i])
		case c == '"':
			return "", false // several quoted strings, or a stray quote
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// checkVariableName checks the name of a rule variable or IP set
// reference: a letter, then letters, digits and '_', at most 32 in all.
func checkVariableName(name string) error {
	ok := name != "" && len(name) <= 32 && (name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') &&
		strings.IndexFunc(name, func(c rune) bool {
			return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')
		}) < 0
	if !ok {
		return fmt.Errorf("%w: variable name %q: want a letter, then letters, digits or '_' (at most 32)", stateful.ErrInvalidGroup, name)
	}
	return nil
}

// parsePortSetItem reads one PortSets definition: a port or "from:to".
func parsePortSetItem(s string) (flow.PortRange, error) {
	bad := fmt.Errorf("%w: not a port (0-65535) or a from:to port range", stateful.ErrInvalidGroup)
	if s == "" || strings.ContainsAny(s, "-+ ") {
		return flow.PortRange{}, bad
	}
	pr, err := flow.ParseRange[uint16](strings.Replace(s, ":", "-", 1))
	if err != nil {
		return flow.PortRange{}, bad
	}
	return pr, nil
}

// rulesStringErr places the errors of a group's RulesString.
func rulesStringErr(err error, res string) error {
	place := func(err error) error {
		if ie, ok := err.(*flow.InputError); ok {
			c := *ie
			c.Path = "RuleGroup.RulesSource.RulesString"
			if c.Resource == "" {
				c.Resource = res
			}
			return &c
		}
		return jsonErr("RuleGroup.RulesSource.RulesString", res, "", err)
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = place(e)
		}
		return errors.Join(out...)
	}
	return place(err)
}

// rulesErr places an error of [stateful.RuleGroup.Rules], whose paths start
// at RulesSource.
func rulesErr(err error, res string) error {
	var ie *flow.InputError
	if !errors.As(err, &ie) {
		return jsonErr("RuleGroup.RulesSource", res, "", err)
	}
	c := *ie
	if c.Path == "" {
		c.Path = "RuleGroup.RulesSource"
	} else if !strings.HasPrefix(c.Path, "RuleGroup.") {
		c.Path = "RuleGroup." + c.Path
	}
	if c.Resource == "" {
		c.Resource = res
	}
	return &c
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// parsePrefixText reads a CIDR or a bare address (as /32 or /128) with
// flow.ParseAddrOrCIDR.
func parsePrefixText(s string) (netip.Prefix, error) {
	p, err := flow.ParseAddrOrCIDR(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a CIDR block")
	}
	return p, nil
}

// GroupRefSpec is a policy's reference to a rule group by ARN.
type GroupRefSpec struct {
	ARN         string
	Priority    int
	DropToAlert bool // stateful references: Override.Action DROP_TO_ALERT
}

// PolicySpec is a firewall policy as `aws network-firewall
// describe-firewall-policy` prints it: rule groups by ARN only. Bind the
// groups with [PolicySpec.Build].
type PolicySpec struct {
	Name, ARN                  string
	StatelessGroups            []GroupRefSpec
	StatelessDefault           stateless.DefaultAction
	StatelessFragmentDefault   stateless.DefaultAction
	StatelessCustomActions     []stateless.CustomAction
	StatefulGroups             []GroupRefSpec
	StatefulDefaults           stateful.Defaults
	RuleOrder                  stateful.RuleOrder
	StreamExceptionPolicy      string
	HomeNet                    []netip.Prefix // PolicyVariables.RuleVariables.HOME_NET, if set
	TLSInspectionConfiguration string
}

// ParseFirewallPolicy reads `aws network-firewall describe-firewall-policy`
// output into a [PolicySpec]; bind its rule groups with [PolicySpec.Build].
//
// StatelessDefaultActions and StatelessFragmentDefaultActions are
// required: exactly one of aws:pass, aws:drop, aws:forward_to_sfe, plus
// custom action names defined in StatelessCustomActions. Stateless
// references need a ResourceArn and a Priority from 1 to 65535; stateful
// ones a ResourceArn, and an Override.Action, if any, of DROP_TO_ALERT.
// StatefulDefaultActions need STRICT_ORDER. StreamExceptionPolicy is DROP,
// CONTINUE or REJECT; PolicyVariables may set HOME_NET only.
// StatefulEngineOptions.FlowTimeouts, DeepThreatInspection and
// EnableTLSSessionHolding are ignored.
//
// Errors are *[flow.InputError] values with the JSON path, the policy's
// name (or ARN) as Resource and the offending text, wrapping
// [stateless.ErrInvalidPolicy] or [stateless.ErrInvalidRule] (the
// stateless settings), [stateful.ErrInvalidPolicy] (the stateful
// settings), [firewall.ErrInvalidPolicy] (not a policy, the stream
// exception policy) or [flow.ErrJSON].
func ParseFirewallPolicy(data []byte) (PolicySpec, error) {
	var doc struct {
		FirewallPolicy *struct {
			StatelessRuleGroupReferences []struct {
				ResourceArn string
				Priority    json.RawMessage
			}
			StatelessDefaultActions         []string
			StatelessFragmentDefaultActions []string
			StatelessCustomActions          []struct {
				ActionName       string
				ActionDefinition *struct {
					PublishMetricAction *struct {
						Dimensions []struct{ Value string }
					}
				}
			}
			StatefulRuleGroupReferences []struct {
				ResourceArn string
				Priority    json.RawMessage
				Override    *struct{ Action string }
			}
			StatefulDefaultActions []string
			StatefulEngineOptions  *struct {
				RuleOrder             string
				StreamExceptionPolicy string
			}
			PolicyVariables *struct {
				RuleVariables map[string]jsonDefinition
			}
			TLSInspectionConfigurationArn string
		}
		FirewallPolicyResponse *struct {
			FirewallPolicyName string
			FirewallPolicyArn  string
		}
	}
	var s PolicySpec
	if err := jsonloc.Unmarshal("", data, &doc); err != nil {
		return s, err
	}
	if doc.FirewallPolicyResponse != nil {
		s.Name, s.ARN = doc.FirewallPolicyResponse.FirewallPolicyName, doc.FirewallPolicyResponse.FirewallPolicyArn
	}
	res := s.Name
	if res == "" {
		res = s.ARN
	}
	fp := doc.FirewallPolicy
	if fp == nil {
		return s, jsonErr("FirewallPolicy", res, "", fmt.Errorf("%w: missing: not the output of aws network-firewall describe-firewall-policy", firewall.ErrInvalidPolicy))
	}
	customs := map[string]bool{}
	for i, ca := range fp.StatelessCustomActions {
		p := jsonloc.Index("FirewallPolicy.StatelessCustomActions", i)
		c := stateless.CustomAction{Name: ca.ActionName}
		if err := stateless.CheckActionName(c.Name); err != nil {
			err = fmt.Errorf("%w: %w", stateless.ErrInvalidPolicy, err)
			return s, jsonErr(p+".ActionName", res, c.Name, err)
		}
		if customs[c.Name] {
			return s, jsonErr(p+".ActionName", res, c.Name, fmt.Errorf("%w: custom action %s is defined twice", stateless.ErrInvalidPolicy, c.Name))
		}
		customs[c.Name] = true
		if ca.ActionDefinition == nil || ca.ActionDefinition.PublishMetricAction == nil {
			return s, jsonErr(p+".ActionDefinition.PublishMetricAction", res, c.Name, fmt.Errorf("%w: custom action %s has no PublishMetricAction, the only kind AWS defines", stateless.ErrInvalidPolicy, c.Name))
		}
		dp := p + ".ActionDefinition.PublishMetricAction.Dimensions"
		dims := ca.ActionDefinition.PublishMetricAction.Dimensions
		if len(dims) == 0 {
			return s, jsonErr(dp, res, c.Name, fmt.Errorf("%w: custom action %s publishes no dimension; give at least one", stateless.ErrInvalidPolicy, c.Name))
		}
		for j, d := range dims {
			if err := stateless.CheckDimension(d.Value); err != nil {
				err = fmt.Errorf("%w: %w", stateless.ErrInvalidPolicy, err)
				return s, jsonErr(jsonloc.Index(dp, j)+".Value", res, d.Value, err)
			}
			c.Dimensions = append(c.Dimensions, d.Value)
		}
		s.StatelessCustomActions = append(s.StatelessCustomActions, c)
	}
	var err error
	if s.StatelessDefault, err = parseDefaults("FirewallPolicy.StatelessDefaultActions", res, fp.StatelessDefaultActions, customs); err != nil {
		return s, err
	}
	if s.StatelessFragmentDefault, err = parseDefaults("FirewallPolicy.StatelessFragmentDefaultActions", res, fp.StatelessFragmentDefaultActions, customs); err != nil {
		return s, err
	}
	for i, r := range fp.StatelessRuleGroupReferences {
		p := jsonloc.Index("FirewallPolicy.StatelessRuleGroupReferences", i)
		if r.ResourceArn == "" {
			return s, jsonErr(p+".ResourceArn", res, "", fmt.Errorf("%w: missing", stateless.ErrInvalidPolicy))
		}
		prio, set, err := slJSONInt(p+".Priority", res, "", r.Priority)
		switch {
		case err != nil:
			return s, err
		case !set:
			return s, jsonErr(p+".Priority", res, "", fmt.Errorf("%w: missing", stateless.ErrInvalidPolicy))
		case prio < 1 || prio > 65535:
			return s, jsonErr(p+".Priority", res, strconv.Itoa(prio), fmt.Errorf("%w: priority %d: want 1 to 65535", stateless.ErrInvalidPolicy, prio))
		}
		s.StatelessGroups = append(s.StatelessGroups, GroupRefSpec{ARN: r.ResourceArn, Priority: prio})
	}
	for i, r := range fp.StatefulRuleGroupReferences {
		p := jsonloc.Index("FirewallPolicy.StatefulRuleGroupReferences", i)
		if r.ResourceArn == "" {
			return s, jsonErr(p+".ResourceArn", res, "", fmt.Errorf("%w: missing", stateful.ErrInvalidPolicy))
		}
		prio, _, err := slJSONInt(p+".Priority", res, "", r.Priority)
		if err != nil {
			return s, err
		}
		ref := GroupRefSpec{ARN: r.ResourceArn, Priority: prio}
		if r.Override != nil && r.Override.Action != "" {
			if r.Override.Action != "DROP_TO_ALERT" {
				return s, jsonErr(p+".Override.Action", res, r.Override.Action, fmt.Errorf("%w: want DROP_TO_ALERT", stateful.ErrInvalidPolicy))
			}
			ref.DropToAlert = true
		}
		s.StatefulGroups = append(s.StatefulGroups, ref)
	}
	if s.StatefulDefaults, err = stateful.ParseDefaults(fp.StatefulDefaultActions); err != nil {
		return s, jsonErr("FirewallPolicy.StatefulDefaultActions", res, strings.Join(fp.StatefulDefaultActions, ","), err)
	}
	if o := fp.StatefulEngineOptions; o != nil {
		if o.RuleOrder != "" {
			if s.RuleOrder, err = stateful.ParseRuleOrder(o.RuleOrder); err != nil {
				return s, jsonErr("FirewallPolicy.StatefulEngineOptions.RuleOrder", res, o.RuleOrder, err)
			}
		}
		switch o.StreamExceptionPolicy {
		case "", "DROP", "CONTINUE", "REJECT":
			s.StreamExceptionPolicy = o.StreamExceptionPolicy
		default:
			return s, jsonErr("FirewallPolicy.StatefulEngineOptions.StreamExceptionPolicy", res, o.StreamExceptionPolicy, fmt.Errorf("%w: want DROP, CONTINUE or REJECT", firewall.ErrInvalidPolicy))
		}
	}
	if !s.StatefulDefaults.IsZero() && s.RuleOrder != stateful.StrictOrder {
		return s, jsonErr("FirewallPolicy.StatefulDefaultActions", res, strings.Join(fp.StatefulDefaultActions, ","), fmt.Errorf("%w: stateful default actions need StatefulEngineOptions.RuleOrder STRICT_ORDER", stateful.ErrInvalidPolicy))
	}
	if pv := fp.PolicyVariables; pv != nil {
		for _, name := range sortedKeys(pv.RuleVariables) {
			if name != "HOME_NET" {
				return s, jsonErr("FirewallPolicy.PolicyVariables.RuleVariables."+name, res, name, fmt.Errorf("%w: only HOME_NET can be set in a policy", stateful.ErrInvalidPolicy))
			}
			for i, d := range pv.RuleVariables[name].Definition {
				pf, err := parsePrefixText(d)
				if err != nil {
					return s, jsonErr(jsonloc.Index("FirewallPolicy.PolicyVariables.RuleVariables.HOME_NET.Definition", i), res, d, fmt.Errorf("%w: %w", stateful.ErrInvalidPolicy, err))
				}
				s.HomeNet = append(s.HomeNet, pf)
			}
		}
	}
	s.TLSInspectionConfiguration = fp.TLSInspectionConfigurationArn
	return s, nil
}

// parseDefaults reads a list of stateless default actions at path.
func parseDefaults(path, res string, names []string, customs map[string]bool) (stateless.DefaultAction, error) {
	var d stateless.DefaultAction
	std := 0
	for i, n := range names {
		a, err := stateless.ParseAction(n)
		if err != nil {
			if strings.HasPrefix(n, "aws:") || n == "" {
				return d, jsonErr(jsonloc.Index(path, i), res, n, fmt.Errorf("%w: %w", stateless.ErrInvalidPolicy, err))
			}
			if !customs[n] {
				return d, jsonErr(jsonloc.Index(path, i), res, n, fmt.Errorf("%w: custom action %q is not defined in FirewallPolicy.StatelessCustomActions", stateless.ErrInvalidPolicy, n))
			}
			d.CustomActions = append(d.CustomActions, n)
			continue
		}
		d.Action = a
		std++
	}
	if std != 1 {
		return d, jsonErr(path, res, strings.Join(names, ","), fmt.Errorf("%w: exactly one of aws:pass, aws:drop, aws:forward_to_sfe is required (found %d)", stateless.ErrInvalidPolicy, std))
	}
	return d, nil
}

// Build binds the policy's rule group ARNs to parsed groups and returns
// the [Policy]. An ARN none of the groups has, or a group of the wrong
// kind for its reference, is an error (ErrUnresolved), never a silent
// drop; so are two different groups with one ARN. Groups the policy does
// not reference are ignored. HomeNet stays as the policy sets it; package
// reach fills in the VPC's CIDRs when it is empty.
func (s PolicySpec) Build(groups []RuleGroup) (firewall.Policy, error) {
	res := s.Name
	if res == "" {
		res = s.ARN
	}
	byARN := map[string]RuleGroup{}
	for i, g := range groups {
		arn := g.ARN()
		if arn == "" {
			continue
		}
		if _, dup := byARN[arn]; dup {
			return firewall.Policy{}, jsonErr(jsonloc.Index("groups", i), res, arn, fmt.Errorf("%w: two rule groups have the ARN %s", firewall.ErrUnresolved, arn))
		}
		byARN[arn] = g
	}
	p := firewall.Policy{Name: s.Name, ARN: s.ARN, StreamExceptionPolicy: s.StreamExceptionPolicy}
	p.Stateless = stateless.Config{Default: s.StatelessDefault, FragmentDefault: s.StatelessFragmentDefault, CustomActions: s.StatelessCustomActions}
	unresolved := func(path, arn string, g RuleGroup, found bool, want string) error {
		why := "no " + want + " rule group with this ARN was loaded"
		if found {
			why = "the rule group with this ARN (" + g.Name() + ") is not " + want
		}
		return jsonErr(path, res, arn, fmt.Errorf("%w: %s", firewall.ErrUnresolved, why))
	}
	for i, r := range s.StatelessGroups {
		g, ok := byARN[r.ARN]
		if !ok || g.Stateless == nil {
			return firewall.Policy{}, unresolved(jsonloc.Index("FirewallPolicy.StatelessRuleGroupReferences", i)+".ResourceArn", r.ARN, g, ok, "stateless")
		}
		p.Stateless.Groups = append(p.Stateless.Groups, stateless.GroupRef{Priority: r.Priority, Group: *g.Stateless})
	}
	p.Stateful = stateful.Config{Order: s.RuleOrder, Defaults: s.StatefulDefaults, HomeNet: slices.Clone(s.HomeNet)}
	for i, r := range s.StatefulGroups {
		g, ok := byARN[r.ARN]
		if !ok || g.Stateful == nil {
			return firewall.Policy{}, unresolved(jsonloc.Index("FirewallPolicy.StatefulRuleGroupReferences", i)+".ResourceArn", r.ARN, g, ok, "stateful")
		}
		p.Stateful.Groups = append(p.Stateful.Groups, stateful.GroupRef{Priority: r.Priority, Group: *g.Stateful, DropToAlert: r.DropToAlert})
	}
	return p, nil
}

// FirewallEndpoint is one firewall endpoint: its Availability Zone, subnet
// and endpoint ID (the vpce-… that routes name).
type FirewallEndpoint struct {
	AvailabilityZone string
	SubnetID         string
	EndpointID       string
	Status           string
}

// FirewallSpec is a firewall as `aws network-firewall describe-firewall`
// prints it.
type FirewallSpec struct {
	Name, ARN, PolicyARN, VPCID string
	Subnets                     []string // SubnetMappings
	Endpoints                   []FirewallEndpoint
}

// ParseFirewall reads `aws network-firewall describe-firewall` output: the
// firewall's name, ARN, policy ARN, VPC and subnet mappings, and from
// FirewallStatus.SyncStates each Availability Zone's endpoint (sorted by
// zone). FirewallPolicyArn and VpcId are required (transit
// gateway-attached firewalls, which have no VPC, are not supported). A
// subnet mapping without an endpoint in the sync states is an error:
// routes need the endpoint ID.
//
// Errors are *[flow.InputError] values with the JSON path, the firewall's
// name (or ARN) as Resource and the offending text, wrapping
// [firewall.ErrInvalidPolicy] or [flow.ErrJSON].
func ParseFirewall(data []byte) (FirewallSpec, error) {
	var doc struct {
		Firewall *struct {
			FirewallName, FirewallArn, FirewallPolicyArn, VpcId string
			SubnetMappings                                      []struct{ SubnetId string }
		}
		FirewallStatus *struct {
			SyncStates map[string]struct {
				Attachment *struct {
					SubnetId, EndpointId, Status string
				}
			}
		}
	}
	var s FirewallSpec
	if err := jsonloc.Unmarshal("", data, &doc); err != nil {
		return s, err
	}
	if doc.Firewall == nil {
		return s, jsonErr("Firewall", "", "", fmt.Errorf("%w: missing: not the output of aws network-firewall describe-firewall", firewall.ErrInvalidPolicy))
	}
	f := doc.Firewall
	s.Name, s.ARN, s.PolicyARN, s.VPCID = f.FirewallName, f.FirewallArn, f.FirewallPolicyArn, f.VpcId
	res := s.Name
	if res == "" {
		res = s.ARN
	}
	for _, req := range [...]struct{ field, v string }{{"FirewallPolicyArn", s.PolicyARN}, {"VpcId", s.VPCID}} {
		if req.v == "" {
			return s, jsonErr("Firewall."+req.field, res, "", fmt.Errorf("%w: missing", firewall.ErrInvalidPolicy))
		}
	}
	for i, m := range f.SubnetMappings {
		if m.SubnetId == "" {
			return s, jsonErr(jsonloc.Index("Firewall.SubnetMappings", i)+".SubnetId", res, "", fmt.Errorf("%w: missing", firewall.ErrInvalidPolicy))
		}
		s.Subnets = append(s.Subnets, m.SubnetId)
	}
	if doc.FirewallStatus != nil {
		for _, az := range sortedKeys(doc.FirewallStatus.SyncStates) {
			a := doc.FirewallStatus.SyncStates[az].Attachment
			if a == nil {
				continue
			}
			p := "FirewallStatus.SyncStates." + az + ".Attachment"
			switch {
			case a.SubnetId == "":
				return s, jsonErr(p+".SubnetId", res, "", fmt.Errorf("%w: missing", firewall.ErrInvalidPolicy))
			case a.EndpointId == "":
				return s, jsonErr(p+".EndpointId", res, a.SubnetId, fmt.Errorf("%w: the attachment in subnet %s has no endpoint (status %q)", firewall.ErrInvalidPolicy, a.SubnetId, a.Status))
			}
			s.Endpoints = append(s.Endpoints, FirewallEndpoint{AvailabilityZone: az, SubnetID: a.SubnetId, EndpointID: a.EndpointId, Status: a.Status})
		}
	}
	for i, sub := range s.Subnets {
		if !slices.ContainsFunc(s.Endpoints, func(e FirewallEndpoint) bool { return e.SubnetID == sub }) {
			return s, jsonErr(jsonloc.Index("Firewall.SubnetMappings", i)+".SubnetId", res, sub, fmt.Errorf("%w: no endpoint for this subnet in FirewallStatus.SyncStates", firewall.ErrInvalidPolicy))
		}
	}
	return s, nil
}

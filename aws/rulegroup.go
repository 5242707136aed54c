package aws

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

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
	// Warnings lists what the group holds that AWS accepts but that does
	// nothing: a stateful rule that matches no packet (its addresses and
	// protocol share no address family, [suricata.Rule].NoMatch), named by
	// group, place and sid, with why. The rule is kept; it never matches.
	Warnings []string
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
	g, err := parseRuleGroup(data)
	return g, namedGroupErr(data, err)
}

// namedGroupErr gives the *flow.InputError values err is made of that
// name no resource (a value of the wrong type, found while the document
// was decoded, before its name was read) the group's name, else its ARN,
// when data holds one.
func namedGroupErr(data []byte, err error) error {
	if err == nil {
		return nil
	}
	var doc struct {
		RuleGroupResponse *struct{ RuleGroupName, RuleGroupArn string }
	}
	if json.Unmarshal(data, &doc) != nil && doc.RuleGroupResponse == nil {
		return err
	}
	r := doc.RuleGroupResponse
	if r == nil || nameOrARN(r.RuleGroupName, r.RuleGroupArn) == "" {
		return err
	}
	name := nameOrARN(r.RuleGroupName, r.RuleGroupArn)
	set := func(e error) error {
		if ie, ok := e.(*flow.InputError); ok && ie.Resource == "" {
			c := *ie
			c.Resource = name
			return &c
		}
		return e
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = set(e)
		}
		return errors.Join(out...)
	}
	return set(err)
}

// parseRuleGroup is [ParseRuleGroup], its errors not yet named.
func parseRuleGroup(data []byte) (RuleGroup, error) {
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
	if err := jsonloc.Document(data, &doc); err != nil {
		return RuleGroup{}, err
	}
	var typ *string
	l := jsonloc.Loc{Path: "RuleGroupResponse.Type"}
	if r := doc.RuleGroupResponse; r != nil {
		typ, l.Resource = r.Type, nameOrARN(r.RuleGroupName, r.RuleGroupArn)
	}
	isStateless := false
	switch {
	case typ == nil:
		isStateless = doc.RuleGroup != nil && doc.RuleGroup.RulesSource != nil && !jsonAbsent(doc.RuleGroup.RulesSource.StatelessRulesAndCustomActions)
	case *typ == "STATELESS":
		isStateless = true
	case *typ == "STATEFUL", *typ == "STATEFUL_DOMAIN":
	default:
		return RuleGroup{}, l.Fail(*typ, ErrInvalidDump, "rule group type %q: want STATELESS or STATEFUL", *typ)
	}
	if isStateless {
		g, err := ParseStatelessRuleGroup(data)
		if err != nil {
			return RuleGroup{}, err
		}
		return RuleGroup{Stateless: &g}, nil
	}
	var rules []suricata.Rule
	g, err := parseStateful(data, &rules)
	if err != nil {
		return RuleGroup{}, err
	}
	return RuleGroup{Stateful: &g, Warnings: noMatchWarnings(g, rules)}, nil
}

// noMatchWarnings words the rules of g (rules, in order) that match no
// packet.
func noMatchWarnings(g stateful.RuleGroup, rules []suricata.Rule) []string {
	var out []string
	for i, r := range rules {
		if r.NoMatch == "" {
			continue
		}
		where := fmt.Sprintf("RulesString line %d", r.Line)
		switch {
		case g.RulesString == "" && len(g.StandardRules) > 0:
			where = fmt.Sprintf("StatefulRules[%d]", i)
		case g.RulesString == "":
			where = "generated rule " + strconv.Itoa(i+1)
		}
		out = append(out, fmt.Sprintf("stateful rule group %s: %s (sid %d) %q: %s; AWS loads it, and it never matches",
			nameOrARN(g.Name, g.ARN), where, r.Sid(), r.Text, r.NoMatch))
	}
	return out
}

// nameOrARN names a resource in errors: by its name, or by its ARN when it
// has none.
func nameOrARN(name, arn string) string {
	if name == "" {
		return arn
	}
	return name
}

// jsonAbsent reports whether a raw field was left out or is null.
func jsonAbsent(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// jsonDefinition is a rule variable: an IP set or a port set.
type jsonDefinition struct {
	Definition []string
}

// The JSON shapes of `aws network-firewall describe-rule-group` for a
// stateful group.
type (
	statefulDoc struct {
		RuleGroup *struct {
			RuleVariables *ruleVariablesJSON
			ReferenceSets *struct {
				IPSetReferences map[string]struct{ ReferenceArn string }
			}
			RulesSource         *statefulSourceJSON
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
	ruleVariablesJSON struct {
		IPSets   map[string]jsonDefinition
		PortSets map[string]jsonDefinition
	}
	statefulSourceJSON struct {
		RulesString     *string
		StatefulRules   []json.RawMessage
		RulesSourceList *struct {
			Targets            []string
			TargetTypes        []string
			GeneratedRulesType string
		}
		StatelessRulesAndCustomActions json.RawMessage
	}
	// standardRuleJSON is one of RulesSource.StatefulRules.
	standardRuleJSON struct {
		Action *string
		Header *struct {
			Protocol, Source, SourcePort, Direction, Destination, DestinationPort *string
		}
		RuleOptions []struct {
			Keyword  string
			Settings []string
		}
	}
)

// parseStateful reads describe-rule-group output for a stateful group.
// The group's rules, once parsed, go to *rules.
func parseStateful(data []byte, rules *[]suricata.Rule) (stateful.RuleGroup, error) {
	var doc statefulDoc
	var g stateful.RuleGroup
	if err := jsonloc.Document(data, &doc); err != nil {
		return g, err
	}
	var l jsonloc.Loc
	if r := doc.RuleGroupResponse; r != nil {
		g.Name, g.ARN = r.RuleGroupName, r.RuleGroupArn
		l.Resource = nameOrARN(g.Name, g.ARN)
		n, err := l.Field("RuleGroupResponse.Capacity").ReadInt(r.Capacity)
		if err != nil {
			return g, err
		}
		g.Capacity = n.Value
	}
	rg := doc.RuleGroup
	sl := l.Field("RuleGroup.RulesSource")
	if rg == nil || rg.RulesSource == nil {
		return g, sl.Fail("", stateful.ErrInvalidGroup, "missing")
	}
	src := rg.RulesSource
	if err := readStatefulSource(sl, src, &g); err != nil {
		return g, err
	}
	if err := readRuleVariables(l.Field("RuleGroup.RuleVariables"), rg.RuleVariables, &g); err != nil {
		return g, err
	}
	if rs := rg.ReferenceSets; rs != nil {
		for _, name := range sortedKeys(rs.IPSetReferences) {
			rl := l.Field("RuleGroup.ReferenceSets.IPSetReferences").Field(name)
			if err := checkVariableName(name); err != nil {
				return g, rl.Wrap(name, err)
			}
			arn := rs.IPSetReferences[name].ReferenceArn
			if arn == "" {
				return g, rl.Field("ReferenceArn").Fail("", stateful.ErrInvalidGroup, "missing")
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
			return g, l.Field("RuleGroup.StatefulRuleOptions.RuleOrder").Wrap(o.RuleOrder, fmt.Errorf("%w: %w", stateful.ErrInvalidGroup, err))
		}
		g.RuleOrder = ro
	}
	switch {
	case src.RulesString != nil && g.RulesString == "":
		return g, sl.Field("RulesString").Fail("", stateful.ErrInvalidGroup, "the rules string is empty")
	case src.StatefulRules != nil && len(g.StandardRules) == 0:
		return g, sl.Field("StatefulRules").Fail("", stateful.ErrInvalidGroup, "no rules")
	}
	if g.RulesString != "" {
		// Parsed here rather than through g.Rules, so that each syntax
		// error carries the JSON path of the rules string.
		rs, err := suricata.ParseRules(g.RulesString)
		if err != nil {
			return g, rulesStringErr(sl.Field("RulesString"), err)
		}
		*rules = rs
	}
	if g.RulesString != "" && len(g.StandardRules) == 0 && g.DomainList == nil {
		return g, nil // its one source, parsed above: Rules would parse it again
	}
	rs, err := g.Rules()
	if err != nil {
		return g, rulesErr(sl, err)
	}
	*rules = rs
	return g, nil
}

// readStatefulSource reads the RulesSource src, found at l, into g: exactly
// one of RulesString, StatefulRules and RulesSourceList.
func readStatefulSource(l jsonloc.Loc, src *statefulSourceJSON, g *stateful.RuleGroup) error {
	if !jsonAbsent(src.StatelessRulesAndCustomActions) {
		return l.Field("StatelessRulesAndCustomActions").Fail("", stateful.ErrInvalidGroup, "stateless rules in a stateful group")
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
			sr, err := parseStandardRule(l.Field("StatefulRules").Index(i), raw)
			if err != nil {
				return err
			}
			g.StandardRules = append(g.StandardRules, sr)
		}
	}
	if src.RulesSourceList != nil {
		kinds = append(kinds, "RulesSourceList")
		dl := src.RulesSourceList
		g.DomainList = &stateful.DomainList{Targets: slices.Clone(dl.Targets), TargetTypes: slices.Clone(dl.TargetTypes), Type: dl.GeneratedRulesType}
	}
	if len(kinds) != 1 {
		return l.Fail(strings.Join(kinds, ","), stateful.ErrInvalidGroup, "a stateful group has exactly one of RulesString, StatefulRules and RulesSourceList (found %d)", len(kinds))
	}
	return nil
}

// readRuleVariables reads the RuleVariables v, found at l, into g: IP sets
// of CIDR blocks and port sets of ports and port ranges.
func readRuleVariables(l jsonloc.Loc, v *ruleVariablesJSON, g *stateful.RuleGroup) error {
	if v == nil {
		return nil
	}
	for _, name := range sortedKeys(v.IPSets) {
		vl := l.Field("IPSets").Field(name)
		if err := checkVariableName(name); err != nil {
			return vl.Wrap(name, err)
		}
		if g.IPSets == nil {
			g.IPSets = map[string][]netip.Prefix{}
		}
		set := []netip.Prefix{}
		for i, d := range v.IPSets[name].Definition {
			p, err := vl.Field("Definition").Index(i).ReadAddrOrCIDR(d, stateful.ErrInvalidGroup)
			if err != nil {
				return err
			}
			set = append(set, p)
		}
		g.IPSets[name] = set
	}
	for _, name := range sortedKeys(v.PortSets) {
		vl := l.Field("PortSets").Field(name)
		if err := checkVariableName(name); err != nil {
			return vl.Wrap(name, err)
		}
		if _, dup := g.IPSets[name]; dup {
			return vl.Fail(name, stateful.ErrInvalidGroup, "%s is both an IP set and a port set", name)
		}
		if g.PortSets == nil {
			g.PortSets = map[string][]flow.PortRange{}
		}
		set := []flow.PortRange{}
		for i, d := range v.PortSets[name].Definition {
			pr, err := parsePortSetItem(d)
			if err != nil {
				return vl.Field("Definition").Index(i).Wrap(d, err)
			}
			set = append(set, pr)
		}
		g.PortSets[name] = set
	}
	return nil
}

// parseStandardRule reads the one of RulesSource.StatefulRules at l.
func parseStandardRule(l jsonloc.Loc, raw json.RawMessage) (stateful.StandardRule, error) {
	var r standardRuleJSON
	if err := l.Decode(raw, &r); err != nil {
		return stateful.StandardRule{}, err
	}
	al := l.Field("Action")
	if r.Action == nil {
		return stateful.StandardRule{}, al.Fail("", stateful.ErrInvalidRule, "missing")
	}
	switch *r.Action {
	case "PASS", "DROP", "ALERT", "REJECT":
	default:
		return stateful.StandardRule{}, al.Fail(*r.Action, stateful.ErrInvalidRule, "want PASS, DROP, ALERT or REJECT")
	}
	if r.Header == nil {
		return stateful.StandardRule{}, l.Field("Header").Fail("", stateful.ErrInvalidRule, "missing")
	}
	h := r.Header
	action, err := flow.ParseAction(*r.Action)
	if err != nil { // cannot happen: checked above
		return stateful.StandardRule{}, al.Wrap(*r.Action, fmt.Errorf("%w: %w", stateful.ErrInvalidRule, err))
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
			return stateful.StandardRule{}, l.Field("Header").Field(f.name).Fail("", stateful.ErrInvalidRule, "missing")
		}
		*f.out = *f.in
	}
	if sr.Direction != "FORWARD" && sr.Direction != "ANY" {
		return stateful.StandardRule{}, l.Field("Header.Direction").Fail(sr.Direction, stateful.ErrInvalidRule, "want FORWARD or ANY")
	}
	for i, o := range r.RuleOptions {
		if strings.TrimSpace(o.Keyword) == "" {
			return stateful.StandardRule{}, l.Field("RuleOptions").Index(i).Field("Keyword").Fail("", stateful.ErrInvalidRule, "missing")
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

// rulesStringErr places the errors of a group's RulesString, found at l.
func rulesStringErr(l jsonloc.Loc, err error) error {
	place := func(err error) error {
		if ie, ok := err.(*flow.InputError); ok {
			c := *ie
			c.Path = l.Path
			if c.Resource == "" {
				c.Resource = l.Resource
			}
			return &c
		}
		return l.Wrap("", err)
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
// at RulesSource; l is the group's RulesSource.
func rulesErr(l jsonloc.Loc, err error) error {
	var ie *flow.InputError
	if !errors.As(err, &ie) {
		return l.Wrap("", err)
	}
	c := *ie
	if c.Path == "" {
		c.Path = l.Path
	} else if !strings.HasPrefix(c.Path, "RuleGroup.") {
		c.Path = "RuleGroup." + c.Path
	}
	if c.Resource == "" {
		c.Resource = l.Resource
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
